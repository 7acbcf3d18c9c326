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

void register_hardware_types(Registry& r) {
    const std::string ns = interfaces::kHardwareTypesNamespace;
    auto add = [&](const char* name, const char* description, HardwareType type) {
        r.add<HardwareType>({ns, name, "1.0", description}, [type] { return std::make_unique<HardwareType>(type); });
    };
    add("fake-hardware", "Every interface fake: for tests and development",
        {{{"bios", {"fake", "no-bios"}},
          {"boot", {"fake", "ipxe", "pxe"}},
          {"console", {"fake", "no-console"}},
          {"deploy", {"fake", "direct", "ramdisk"}},
          {"inspect", {"fake", "no-inspect"}},
          {"management", {"fake"}},
          {"network", {"noop", "flat"}},
          {"power", {"fake"}},
          {"raid", {"fake", "no-raid", "agent"}},
          {"rescue", {"fake", "no-rescue"}},
          {"storage", {"noop", "fake"}},
          {"vendor", {"fake", "no-vendor"}}}});
    add("ipmi", "Machines with an IPMI BMC (ipmitool)",
        {{{"bios", {"no-bios"}},
          {"boot", {"ipxe", "pxe"}},
          {"console", {"no-console"}},
          {"deploy", {"direct", "ramdisk"}},
          {"inspect", {"no-inspect"}},
          {"management", {"ipmitool"}},
          {"network", {"flat", "noop"}},
          {"power", {"ipmitool"}},
          {"raid", {"no-raid", "agent"}},
          {"rescue", {"no-rescue"}},
          {"storage", {"noop"}},
          {"vendor", {"ipmitool", "no-vendor"}}}});
    add("redfish", "Machines with a Redfish BMC",
        {{{"bios", {"no-bios"}},
          {"boot", {"ipxe", "pxe", "redfish-virtual-media"}},
          {"console", {"no-console"}},
          {"deploy", {"direct", "ramdisk"}},
          {"inspect", {"no-inspect"}},
          {"management", {"redfish"}},
          {"network", {"flat", "noop"}},
          {"power", {"redfish"}},
          {"raid", {"no-raid", "agent"}},
          {"rescue", {"no-rescue"}},
          {"storage", {"noop"}},
          {"vendor", {"no-vendor"}}}});
    add("manual-management", "Machines powered and booted by hand",
        {{{"bios", {"no-bios"}},
          {"boot", {"ipxe", "pxe"}},
          {"console", {"no-console"}},
          {"deploy", {"direct", "ramdisk"}},
          {"inspect", {"no-inspect"}},
          {"management", {"noop"}},
          {"network", {"flat", "noop"}},
          {"power", {"fake"}},
          {"raid", {"no-raid", "agent"}},
          {"rescue", {"no-rescue"}},
          {"storage", {"noop"}},
          {"vendor", {"no-vendor"}}}});
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
