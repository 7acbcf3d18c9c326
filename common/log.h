// Structured logging: one logfmt line per event, e.g.
//   2026-11-22T03:44:54.123Z INFO api.request request_id=req-.. method=GET status=200
// Deliberately tiny so that every file can include it without slowing the
// build; secrets must never be passed as field values (see secrets.h).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ingot::log {

enum class Level { debug = 0, info = 1, warning = 2, error = 3 };

using Field = std::pair<std::string_view, std::string>;

void set_level(Level level);
bool enabled(Level level);
// Parses "debug", "info", "warning" or "error"; throws ConfigError otherwise.
Level parse_level(std::string_view name);
// Redirects output (default stderr) to a file opened for append.
void set_file(const std::string& path);

void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void debug(std::string_view e, std::initializer_list<Field> f = {}) {
    if (enabled(Level::debug)) write(Level::debug, e, f);
}
inline void info(std::string_view e, std::initializer_list<Field> f = {}) {
    write(Level::info, e, f);
}
inline void warning(std::string_view e, std::initializer_list<Field> f = {}) {
    write(Level::warning, e, f);
}
inline void error(std::string_view e, std::initializer_list<Field> f = {}) {
    write(Level::error, e, f);
}

}  // namespace ingot::log
