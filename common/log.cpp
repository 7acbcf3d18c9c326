#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "common/errors.h"

namespace ingot::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mutex;
FILE* g_out = nullptr;  // nullptr means stderr

const char* level_name(Level l) {
    switch (l) {
        case Level::debug:
            return "DEBUG";
        case Level::info:
            return "INFO";
        case Level::warning:
            return "WARNING";
        case Level::error:
            return "ERROR";
    }
    return "?";
}

// logfmt: quote values with spaces, quotes or '='; escape quotes and newlines.
void append_value(std::string& out, std::string_view v) {
    bool quote = v.empty();
    for (char c : v) {
        if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        out.append(v);
        return;
    }
    out.push_back('"');
    for (char c : v) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n')
            out.append("\\n");
        else
            out.push_back(c);
    }
    out.push_back('"');
}

}  // namespace

void set_level(Level level) {
    g_level.store(static_cast<int>(level));
}
bool enabled(Level level) {
    return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

Level parse_level(std::string_view name) {
    if (name == "debug") return Level::debug;
    if (name == "info") return Level::info;
    if (name == "warning") return Level::warning;
    if (name == "error") return Level::error;
    throw ConfigError("invalid log level '" + std::string(name) + "' (expected debug, info, warning or error)");
}

void set_file(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "a");
    if (!f) throw ConfigError("cannot open log file " + path);
    std::lock_guard lock(g_mutex);
    if (g_out) std::fclose(g_out);
    g_out = f;
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
    if (!enabled(level)) return;
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t secs = system_clock::to_time_t(now);
    int millis = static_cast<int>(duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    std::string line;
    line.reserve(128);
    line.append(stamp).push_back(' ');
    line.append(level_name(level)).push_back(' ');
    line.append(event);
    for (const auto& [key, value] : fields) {
        line.push_back(' ');
        line.append(key).push_back('=');
        append_value(line, value);
    }
    line.push_back('\n');
    std::lock_guard lock(g_mutex);
    FILE* out = g_out ? g_out : stderr;
    std::fwrite(line.data(), 1, line.size(), out);
    std::fflush(out);
}

}  // namespace ingot::log
