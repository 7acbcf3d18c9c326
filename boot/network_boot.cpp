#include "boot/network_boot.h"

namespace ingot::boot {

std::vector<interfaces::PropertySpec> NetworkBoot::properties() const {
    return {
        {"deploy_kernel", "UUID (from Glance) or URL of the deployment kernel. Required.", true},
        {"deploy_ramdisk", "UUID (from Glance) or URL of the ramdisk that is mounted at boot time. Required.", true},
    };
}

void NetworkBoot::validate(const interfaces::Task& task) const {
    interfaces::require_properties(task, properties(), "parameters");
}

void NetworkBoot::not_available(const interfaces::Task& task, const char* operation) const {
    throw interfaces::UnsupportedOperation("The " + name_ + " boot interface cannot " + operation + " for node " +
                                           task.node_uuid() +
                                           " yet: network boot file staging "
                                           "is not implemented in this Ingot release.");
}

void NetworkBoot::prepare_ramdisk(interfaces::Task& task, const std::map<std::string, std::string>&) {
    not_available(task, "prepare a ramdisk");
}
void NetworkBoot::clean_up_ramdisk(interfaces::Task& task) {
    not_available(task, "clean up a ramdisk");
}
void NetworkBoot::prepare_instance(interfaces::Task& task) {
    not_available(task, "prepare an instance");
}
void NetworkBoot::clean_up_instance(interfaces::Task& task) {
    not_available(task, "clean up an instance");
}

}  // namespace ingot::boot
