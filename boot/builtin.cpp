#include "boot/builtin.h"

#include "boot/fake_boot.h"
#include "boot/network_boot.h"

namespace ingot::boot {

void register_builtin(interfaces::Registry& r) {
    using interfaces::BootInterface;
    const std::string ns = interfaces::interface_namespace("boot");
    r.add<BootInterface>({ns, "fake", "1.0", "Does nothing; for tests and fake-hardware"},
                         [] { return std::make_unique<FakeBoot>(); });
    r.add<BootInterface>({ns, "pxe", "1.0", "PXE boot (pxelinux / GRUB) from the conductor's TFTP root"},
                         [] { return std::make_unique<NetworkBoot>("pxe"); });
    r.add<BootInterface>({ns, "ipxe", "1.0", "iPXE boot with scripts served over HTTP"},
                         [] { return std::make_unique<NetworkBoot>("ipxe"); });
}

}  // namespace ingot::boot
