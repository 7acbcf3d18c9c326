// boot/boot_scripts: the API's CA as a second initrd in each loader's own
// syntax (iPXE names each image, pxelinux takes a comma list, GRUB a list
// of paths), after the ramdisk so the kernel unpacks it over it.
#include <gtest/gtest.h>

#include "boot/boot_scripts.h"

using namespace ingot::boot;

namespace {

BootEntry entry(std::vector<std::string> extra) {
    return {"deploy", "K", "R", "console=ttyS0", std::move(extra)};
}

TEST(BootScripts, IpxeLoadsAndNamesEveryInitrd) {
    const std::string script = ipxe_boot_script(entry({"http://c/boot/u/deploy_ca"}));
    EXPECT_NE(script.find("kernel --name kernel K initrd=initrd initrd=initrd1 console=ttyS0 || goto retry\n"),
              std::string::npos)
        << script;
    const auto ramdisk = script.find("initrd --name initrd R || goto retry\n");
    const auto ca = script.find("initrd --name initrd1 http://c/boot/u/deploy_ca || goto retry\n");
    ASSERT_NE(ramdisk, std::string::npos) << script;
    ASSERT_NE(ca, std::string::npos) << script;
    EXPECT_LT(ramdisk, ca);
    EXPECT_LT(ca, script.find("boot || goto retry"));
    // Without one, the script is as before.
    EXPECT_NE(ipxe_boot_script(entry({})).find("kernel --name kernel K initrd=initrd console=ttyS0 ||"),
              std::string::npos);
}

TEST(BootScripts, PxelinuxAndGrubListTheInitrdsInOrder) {
    EXPECT_NE(pxelinux_config(entry({"u/deploy_ca"})).find("  append initrd=R,u/deploy_ca console=ttyS0\n"),
              std::string::npos);
    EXPECT_NE(grub_config(entry({"u/deploy_ca"})).find("  initrd /R /u/deploy_ca\n"), std::string::npos);
    EXPECT_NE(grub_config(entry({})).find("  initrd /R\n"), std::string::npos);
}

}  // namespace
