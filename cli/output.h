// Printing results the way the openstack CLI does: box tables for people,
// `-f json` for scripts (the server's JSON, pretty-printed), and `-f value`
// for shell loops (bare values, space separated, one row per line).
#pragma once

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::cli {

using nlohmann::json;

enum class Format { table, json, value };

// "table" | "json" | "value"; anything else is a UsageError.
Format parse_format(std::string_view name);

struct Column {
    std::string key;    // the API field name
    std::string label;  // the header people see
    // Show a list of strings as "a, b" instead of ["a","b"] (driver hosts).
    bool join_list = false;
};

// One JSON value as table text: strings bare, null as "None" and booleans
// as "True"/"False" (what `baremetal` prints), objects and arrays compact.
std::string render_cell(const json& value, bool join_list = false);

// A single resource as a Field/Value table (keys sorted, `hidden` left
// out), or its raw JSON, or one value per line.
void print_record(std::ostream& out, Format format, const json& record, const std::set<std::string>& hidden = {});

// A list of resources under `columns`. With -f json the raw JSON is printed:
// `raw` if given, else `rows`. A missing field is an empty cell.
void print_rows(std::ostream& out, Format format, const json& rows, const std::vector<Column>& columns,
                const json& raw = nullptr);

// The box table itself; cells may hold several lines.
std::string box_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows);

// "ingot: error: <message>" on stderr: the one line every failure prints.
void print_error(std::string_view message);

}  // namespace ingot::cli
