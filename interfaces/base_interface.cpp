#include "interfaces/base_interface.h"

#include "common/strings.h"

namespace ingot::interfaces {

void require_properties(const Task& task, const std::vector<PropertySpec>& props, const std::string& what) {
    std::vector<std::string> missing;
    for (const auto& p : props)
        if (p.required && !task.driver_info().contains(p.name)) missing.push_back("'" + p.name + "'");
    if (!missing.empty())
        throw MissingParameter("Missing the following " + what + " in node's driver_info: [" + join(missing, ", ") +
                               "].");
}

}  // namespace ingot::interfaces
