#include "ramdisk-agent/service/disk_report.h"

namespace ingot::agent::service {

std::string disk_report(const DiskAccess& access) {
    std::string out = disk_writes_permitted(access.policy, access.pid)
                          ? std::string("disk writes: permitted") +
                                (access.policy.loop_devices_only ? " (loop devices only)" : "") + "\n"
                          : std::string("disk writes: refused (") + kDiskWritesRefused + ")\n";
    const Candidates c = candidates(access);
    for (const auto& d : c.eligible) out += d.name + "\teligible\n";
    for (const auto& [d, why] : c.refused) out += d.name + "\trefused\t" + why + "\n";
    return out;
}

}  // namespace ingot::agent::service
