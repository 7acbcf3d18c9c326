#include "interfaces/hardware_type.h"

namespace ingot::interfaces {

const std::vector<std::string>& interface_kinds() {
    static const std::vector<std::string> kinds = {"bios",    "boot",    "console", "deploy",
                                                   "inspect", "management", "network", "power",
                                                   "raid",    "rescue",  "storage", "vendor"};
    return kinds;
}

const std::vector<HardwareType>& builtin_hardware_types() {
    static const std::vector<HardwareType> types = {
        {"fake-hardware",
         {{"bios", {"fake", "no-bios"}},
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
          {"vendor", {"fake", "no-vendor"}}}},
        {"ipmi",
         {{"bios", {"no-bios"}},
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
          {"vendor", {"ipmitool", "no-vendor"}}}},
        {"manual-management",
         {{"bios", {"no-bios"}},
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
          {"vendor", {"no-vendor"}}}},
        {"redfish",
         {{"bios", {"no-bios"}},
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
          {"vendor", {"no-vendor"}}}},
    };
    return types;
}

const HardwareType* find_builtin_hardware_type(const std::string& name) {
    for (const auto& t : builtin_hardware_types())
        if (t.name == name) return &t;
    return nullptr;
}

std::vector<PropertySpec> implementation_properties(const std::string& kind, const std::string& impl) {
    if (kind == "power" && impl == "ipmitool") {
        return {
            {"ipmi_address", "IP address or hostname of the node. Required.", true},
            {"ipmi_port", "Remote IPMI RMCP port. Optional.", false},
            {"ipmi_username", "username; default is NULL user. Optional.", false},
            {"ipmi_password", "password. Optional.", false},
            {"ipmi_priv_level",
             "privilege level; default is ADMINISTRATOR. One of ADMINISTRATOR, CALLBACK, OPERATOR, USER. "
             "Optional.",
             false},
            {"ipmi_protocol_version", "the version of the IPMI protocol; default is \"2.0\". One of \"1.5\", "
                                      "\"2.0\". Optional.",
             false},
            {"ipmi_cipher_suite", "The number of a cipher suite to use; default is 3. Optional.", false},
            {"ipmi_bridging", "bridging_type; default is \"no\". One of \"single\", \"dual\", \"no\". Optional.",
             false},
            {"ipmi_terminal_port", "node's UDP port to connect to. Only required for console access.", false},
        };
    }
    if (kind == "power" && impl == "redfish") {
        return {
            {"redfish_address", "The URL address to the Redfish controller. Required.", true},
            {"redfish_system_id", "The canonical path to the ComputerSystem resource. Optional.", false},
            {"redfish_username", "User account with admin/server-profile access privilege. Optional.", false},
            {"redfish_password", "User account password. Optional.", false},
            {"redfish_verify_ca",
             "Either a Boolean value, a path to a CA_BUNDLE file or directory with certificates of trusted "
             "CAs. Optional.",
             false},
            {"redfish_auth_type", "Redfish HTTP client authentication method: basic, session or auto. Optional.",
             false},
        };
    }
    if (kind == "boot" && (impl == "pxe" || impl == "ipxe" || impl == "redfish-virtual-media")) {
        return {
            {"deploy_kernel", "UUID (from Glance) or URL of the deployment kernel. Required.", true},
            {"deploy_ramdisk", "UUID (from Glance) or URL of the ramdisk that is mounted at boot time. Required.",
             true},
        };
    }
    if (kind == "deploy" && impl == "direct") {
        return {
            {"deploy_forces_oob_reboot",
             "Whether Ironic should force a reboot of the Node via the out-of-band channel after deployment is "
             "complete. Optional.",
             false},
        };
    }
    if (kind == "boot" && impl == "fake") {
        // Ironic's fake boot interface documents two placeholder properties.
        return {{"B1", "B1 description. Required.", true}, {"B2", "B2 description. Required.", true}};
    }
    return {};
}

}  // namespace ingot::interfaces
