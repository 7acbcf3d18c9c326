#include "cli/output.h"

#include <algorithm>
#include <iostream>

#include "cli/cli_errors.h"
#include "common/strings.h"

namespace ingot::cli {
namespace {

// Column width in characters, not bytes: UTF-8 continuation bytes do not
// take a column. (East Asian wide characters are not accounted for.)
size_t display_width(std::string_view s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string dump_json(const json& value, int indent) {
    // Replace rather than throw on invalid UTF-8: printing must not fail.
    return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string rule(const std::vector<size_t>& widths) {
    std::string line = "+";
    for (size_t w : widths) line += std::string(w + 2, '-') + "+";
    return line + "\n";
}

// One table row, which is as tall as its tallest cell.
std::string row_lines(const std::vector<std::vector<std::string>>& cells, const std::vector<size_t>& widths) {
    size_t height = 1;
    for (const auto& c : cells) height = std::max(height, c.size());
    std::string out;
    for (size_t line = 0; line < height; ++line) {
        out += "|";
        for (size_t i = 0; i < widths.size(); ++i) {
            std::string text = line < cells[i].size() ? cells[i][line] : "";
            out += " " + text + std::string(widths[i] - display_width(text), ' ') + " |";
        }
        out += "\n";
    }
    return out;
}

json field_or_empty(const json& row, const std::string& key) {
    if (!row.is_object()) return "";
    auto it = row.find(key);
    return it == row.end() ? json("") : *it;
}

}  // namespace

Format parse_format(std::string_view name) {
    if (name == "table") return Format::table;
    if (name == "json") return Format::json;
    if (name == "value") return Format::value;
    throw UsageError("unknown output format '" + std::string(name) + "' (table, json or value)");
}

std::string render_cell(const json& value, bool join_list) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return "None";
    if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
    if (join_list && value.is_array() &&
        std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); })) {
        std::vector<std::string> items;
        for (const auto& v : value) items.push_back(v.get<std::string>());
        return join(items, ", ");
    }
    return dump_json(value, -1);
}

std::string box_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> widths;
    for (const auto& h : headers) widths.push_back(display_width(h));
    std::vector<std::vector<std::vector<std::string>>> split_rows;
    for (const auto& row : rows) {
        std::vector<std::vector<std::string>> cells;
        for (size_t i = 0; i < headers.size(); ++i) {
            cells.push_back(split(i < row.size() ? row[i] : "", '\n'));
            for (const auto& line : cells.back()) widths[i] = std::max(widths[i], display_width(line));
        }
        split_rows.push_back(std::move(cells));
    }
    std::vector<std::vector<std::string>> header_cells;
    for (const auto& h : headers) header_cells.push_back({h});
    std::string out = rule(widths) + row_lines(header_cells, widths) + rule(widths);
    for (const auto& cells : split_rows) out += row_lines(cells, widths);
    return out + rule(widths);
}

void print_record(std::ostream& out, Format format, const json& record, const std::set<std::string>& hidden) {
    if (format == Format::json) {
        out << dump_json(record, 2) << "\n";
        return;
    }
    std::vector<std::vector<std::string>> rows;
    if (record.is_object()) {
        // nlohmann's default object keeps keys sorted, as `baremetal` shows them.
        for (const auto& [key, value] : record.items()) {
            if (hidden.count(key)) continue;
            rows.push_back({key, render_cell(value)});
        }
    }
    if (format == Format::value) {
        for (const auto& row : rows) out << row[1] << "\n";
        return;
    }
    out << box_table({"Field", "Value"}, rows);
}

void print_rows(std::ostream& out, Format format, const json& rows, const std::vector<Column>& columns,
                const json& raw) {
    if (format == Format::json) {
        out << dump_json(raw.is_null() ? rows : raw, 2) << "\n";
        return;
    }
    std::vector<std::vector<std::string>> cells;
    for (const auto& row : rows) {
        std::vector<std::string> line;
        for (const auto& c : columns) line.push_back(render_cell(field_or_empty(row, c.key), c.join_list));
        cells.push_back(std::move(line));
    }
    if (format == Format::value) {
        for (const auto& line : cells) out << join(line, " ") << "\n";
        return;
    }
    // Like the openstack CLI, an empty list prints nothing at all.
    if (cells.empty()) return;
    std::vector<std::string> headers;
    for (const auto& c : columns) headers.push_back(c.label);
    out << box_table(headers, cells);
}

void print_error(std::string_view message) {
    std::cerr << "ingot: error: " << message << "\n";
}

}  // namespace ingot::cli
