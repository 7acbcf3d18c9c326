#include "conductor/builtin_plugins.h"

#include "boot/builtin.h"
#include "deploy/builtin.h"
#include "interfaces/generic_interface.h"
#include "interfaces/hardware_type.h"
#include "interfaces/management.h"
#include "power/builtin.h"

namespace ingot::conductor {
namespace {

using interfaces::GenericInterface;
using interfaces::HardwareType;
using interfaces::Registry;

// Validation-only implementations of the interfaces without methods yet.
void register_generic(Registry& r) {
    struct Impl {
        const char* kind;
        const char* name;
        const char* description;
    };
    static const Impl impls[] = {
        {"bios", "fake", "Fake BIOS settings; for tests"},
        {"bios", "no-bios", "BIOS settings are not managed"},
        {"console", "fake", "Fake serial console; for tests"},
        {"console", "no-console", "No serial console"},
        {"inspect", "fake", "Fake inspection; for tests"},
        {"inspect", "no-inspect", "No hardware inspection"},
        {"network", "noop", "Networking is not managed"},
        {"network", "flat", "One flat provisioning network shared by all nodes"},
        {"raid", "fake", "Fake RAID configuration; for tests"},
        {"raid", "no-raid", "RAID is not managed"},
        {"rescue", "fake", "Fake rescue; for tests"},
        {"rescue", "no-rescue", "No rescue mode"},
        {"storage", "noop", "No remote storage"},
        {"storage", "fake", "Fake remote storage; for tests"},
        {"vendor", "fake", "Fake vendor passthru; for tests"},
        {"vendor", "no-vendor", "No vendor passthru"},
        {"vendor", "ipmitool", "Raw IPMI commands through ipmitool"},
    };
    for (const auto& i : impls) {
        r.add<GenericInterface>({interfaces::interface_namespace(i.kind), i.name, "1.0", i.description},
                                [] { return std::make_unique<GenericInterface>(); });
    }
}

// A management interface for machines without a BMC (manual-management).
class NoopManagement : public interfaces::ManagementInterface {
public:
    void set_boot_device(interfaces::Task&, const std::string&, bool) override {}
    interfaces::BootDevice get_boot_device(interfaces::Task&) override { return {}; }
    std::vector<std::string> get_supported_boot_devices(const interfaces::Task&) const override { return {}; }
};

// What every real hardware type supports, as Ironic's GenericHardware: the
// first implementation of each kind is the default. Hardware types below
// start from it and name only what differs (power and management always).
HardwareType generic_hardware() {
    return {{{"bios", {"no-bios"}},
             {"boot", {"ipxe", "pxe"}},
             {"console", {"no-console"}},
             {"deploy", {"direct", "ramdisk"}},
             {"inspect", {"no-inspect"}},
             {"network", {"flat", "noop"}},
             {"raid", {"no-raid", "agent"}},
             {"rescue", {"no-rescue"}},
             {"storage", {"noop"}},
             {"vendor", {"no-vendor"}}}};
}

HardwareType derived(HardwareType base, const std::map<std::string, std::vector<std::string>>& overrides) {
    for (const auto& [kind, implementations] : overrides) base.supported[kind] = implementations;
    return base;
}

// fake-hardware: the fake implementation first (the default) of every kind
// that has one, then the generic ones, so a test can switch any interface.
HardwareType fake_hardware() {
    HardwareType type = generic_hardware();
    for (const char* kind : {"bios", "boot", "console", "deploy", "inspect", "raid", "rescue", "vendor"})
        type.supported[kind].insert(type.supported[kind].begin(), "fake");
    return derived(std::move(type), {{"management", {"fake"}},
                                     {"power", {"fake"}},
                                     {"network", {"noop", "flat"}},
                                     {"storage", {"noop", "fake"}}});
}

void register_hardware_types(Registry& r) {
    const std::string ns = interfaces::kHardwareTypesNamespace;
    auto add = [&](const char* name, const char* description, HardwareType type) {
        r.add<HardwareType>({ns, name, "1.0", description}, [type] { return std::make_unique<HardwareType>(type); });
    };
    add("fake-hardware", "Every interface fake: for tests and development", fake_hardware());
    add("ipmi", "Machines with an IPMI BMC (ipmitool)",
        derived(generic_hardware(),
                {{"management", {"ipmitool"}}, {"power", {"ipmitool"}}, {"vendor", {"ipmitool", "no-vendor"}}}));
    add("redfish", "Machines with a Redfish BMC",
        derived(generic_hardware(), {{"boot", {"ipxe", "pxe", "redfish-virtual-media"}},
                                     {"management", {"redfish"}},
                                     {"power", {"redfish"}}}));
    add("manual-management", "Machines powered and booted by hand",
        derived(generic_hardware(), {{"management", {"noop"}}, {"power", {"fake"}}}));
}

}  // namespace

void register_builtin_plugins(Registry& r, const power::PowerSettings& power_settings,
                              const deploy::DeploySettings& deploy_settings, const boot::BootSettings& boot_settings) {
    register_generic(r);
    boot::register_builtin(r, boot_settings);
    deploy::register_builtin(r, deploy_settings);
    power::register_builtin(r, power_settings);
    r.add<interfaces::ManagementInterface>(
        {interfaces::interface_namespace("management"), "noop", "1.0", "Boot devices are set by hand"},
        [] { return std::make_unique<NoopManagement>(); });
    register_hardware_types(r);
}

}  // namespace ingot::conductor
