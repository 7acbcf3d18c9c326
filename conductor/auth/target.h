// What a policy check is asked about: flat "object.field" keys as Ironic
// builds them ("node.owner", "node.lessee", "allocation.owner", ...). The
// transparent comparator lets checks look keys up without allocating.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace ingot::conductor::auth {

using Target = std::map<std::string, std::string, std::less<>>;

}  // namespace ingot::conductor::auth
