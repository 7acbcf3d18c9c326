// Links a BMC hands back (an @odata.id, a task monitor's Location, the
// SessionService's Sessions) are followed only on that BMC. An absolute
// URL naming another host, port or scheme would make the conductor send
// the BMC's credentials (basic authentication, a session login, the
// session token) to whoever the BMC, or whoever answers for
// redfish_address, points at.
#pragma once

#include <string>

#include "interfaces/base_interface.h"

namespace ingot::power {

// A link leads away from the BMC (or is no path at all).
class RedfishForeignLink : public interfaces::BmcError {
public:
    using BmcError::BmcError;
};

// The path to request on the BMC at `bmc_address` ("https://host[:port]")
// for `link`: a path ("/redfish/v1/...") as it is; an absolute URL (or a
// "//host/..." reference) only when it names the same scheme, host and
// port, reduced to its path and query. Throws RedfishForeignLink naming
// both hosts otherwise.
std::string bmc_path(const std::string& bmc_address, const std::string& link);

}  // namespace ingot::power
