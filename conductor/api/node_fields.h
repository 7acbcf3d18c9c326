// The node resource's fields as data: the microversion each appeared in,
// whether a client may set it on create or change it with PATCH, and its
// JSON type. Serialisation, `fields=`, filters, POST and PATCH validation
// all read this one table.
#pragma once

#include <string>
#include <vector>

namespace ingot::api {

enum class FieldType { string, boolean, object, string_list, uuid };

struct FieldSpec {
    std::string name;
    int since;       // minor version of 1.x in which the field appeared
    bool creatable;  // may be given in POST
    bool patchable;  // may be changed with PATCH
    FieldType type;
    bool nullable;
};

const std::vector<FieldSpec>& node_fields();
const FieldSpec* find_node_field(const std::string& name);

// Fields GET /v1/nodes returns without `fields=` (plus `links`).
const std::vector<std::string>& node_default_list_fields();

}  // namespace ingot::api
