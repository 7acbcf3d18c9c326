#include "boot/builtin.h"

#include "boot/fake_boot.h"
#include "boot/ipxe_boot.h"
#include "boot/pxe_boot.h"
#include "boot/redfish_virtual_media.h"

namespace ingot::boot {

void register_builtin(interfaces::Registry& r, const BootSettings& settings) {
    using interfaces::BootInterface;
    const std::string ns = interfaces::interface_namespace("boot");
    r.add<BootInterface>({ns, "fake", "1.0", "Does nothing; for tests and fake-hardware"},
                         [] { return std::make_unique<FakeBoot>(); });
    r.add<BootInterface>({ns, "pxe", "1.0", "PXE boot (pxelinux / GRUB) from the conductor's TFTP root"},
                         [settings] { return std::make_unique<PxeBoot>(settings); });
    r.add<BootInterface>({ns, "ipxe", "1.0", "iPXE boot with scripts served over HTTP"},
                         [settings] { return std::make_unique<IpxeBoot>(settings); });
    r.add<BootInterface>(
        {ns, "redfish-virtual-media", "1.0", "Boots the agent from an ISO attached through Redfish VirtualMedia"},
        [settings] { return std::make_unique<RedfishVirtualMediaBoot>(settings); });
}

}  // namespace ingot::boot
