#include "power/builtin.h"

#include "power/fake.h"
#include "power/ipmitool.h"
#include "power/redfish.h"

namespace ingot::power {

void register_builtin(interfaces::Registry& r, const PowerSettings& settings) {
    using interfaces::ManagementInterface;
    using interfaces::PowerInterface;
    const std::string power = interfaces::interface_namespace("power");
    const std::string management = interfaces::interface_namespace("management");
    r.add<PowerInterface>({power, "fake", "1.0", "Power state kept in the node record; for tests"},
                          [] { return std::make_unique<FakePower>(); });
    r.add<PowerInterface>({power, "ipmitool", "1.0", "IPMI power control with ipmitool"},
                          [s = settings.ipmitool] { return std::make_unique<IpmitoolPower>(s); });
    r.add<PowerInterface>({power, "redfish", "1.0", "Redfish power control"},
                          [s = settings.redfish] { return std::make_unique<RedfishPower>(s); });
    r.add<ManagementInterface>({management, "redfish", "1.0", "Redfish boot device control"},
                               [s = settings.redfish] { return std::make_unique<RedfishManagement>(s); });
    r.add<ManagementInterface>({management, "fake", "1.0", "Boot device kept in the node record; for tests"},
                               [] { return std::make_unique<FakeManagement>(); });
    r.add<ManagementInterface>({management, "ipmitool", "1.0", "IPMI boot device control with ipmitool"},
                               [s = settings.ipmitool] { return std::make_unique<IpmitoolManagement>(s); });
}

}  // namespace ingot::power
