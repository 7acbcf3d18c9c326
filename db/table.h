// Column descriptions of Ingot's tables. Records travel as JSON objects keyed
// by column name, so one generic store (store.h) serves every resource and the
// API's field tables can map onto columns one to one.
#pragma once

#include <string>
#include <vector>

namespace ingot::db {

enum class Kind {
    text,      // TEXT, JSON string or null
    boolean,   // INTEGER 0/1, JSON bool or null
    integer,   // INTEGER, JSON number or null
    json,      // TEXT holding a JSON object or array
    computed,  // read-only SQL expression (e.g. a joined UUID)
};

struct Column {
    std::string name;
    Kind kind;
    std::string sql;  // for Kind::computed: the expression; otherwise unused
};

struct Table {
    std::string name;
    std::vector<Column> columns;  // excluding the internal id and row_version

    const Column* find(const std::string& column) const {
        for (const auto& c : columns)
            if (c.name == column) return &c;
        return nullptr;
    }
};

const Table& nodes_table();
const Table& ports_table();
const Table& portgroups_table();
const Table& chassis_table();
const Table& conductors_table();
const Table& node_history_table();

}  // namespace ingot::db
