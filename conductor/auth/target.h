// What a policy check is asked about: flat "object.field" keys as Ironic
// builds them. The defaults read "node.owner" and "node.lessee" (node rules
// and the node's ports, port groups, volumes, ...), "allocation.owner" and
// "runbook.owner"; leave a key out, or empty, when the object has no such
// project. The caller's own credentials (project_id, ...) need not be copied
// in: a %(key)s missing here is looked up among them. The transparent
// comparator lets checks look keys up without allocating.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace ingot::conductor::auth {

using Target = std::map<std::string, std::string, std::less<>>;

}  // namespace ingot::conductor::auth
