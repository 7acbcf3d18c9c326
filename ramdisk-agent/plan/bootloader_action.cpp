// The bootloader action: grub for partition images (a whole-disk image
// brings its own). Commands only for now: run() refuses until it has been
// tried on a real image.
#include "common/errors.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/references.h"

namespace ingot::agent::plan {

namespace {

class BootloaderAction : public Action {
public:
    void validate(DeployPlan&) const override {}  // validate_plan() checks bootloader.disk and .root

    std::vector<Command> commands(const DeployPlan& plan) const override {
        const Bootloader& b = plan.bootloader;
        if (b.kind != Bootloader::Kind::grub) return {};
        std::string mnt = plan.work_dir + "/root";
        std::string disk = device_path(plan, b.disk.empty() ? plan.disks.front().id : b.disk);
        std::vector<Command> out = {{"mkdir", "-p", mnt}, {"mount", device_path(plan, b.root), mnt}};
        std::vector<std::string> mounted = {mnt};
        for (const auto& fs : plan.filesystems) {
            if (fs.mount_point == "/boot" || fs.mount_point == "/boot/efi") {
                out.push_back({"mount", device_path(plan, fs.device), mnt + fs.mount_point});
                mounted.push_back(mnt + fs.mount_point);
            }
        }
        if (b.uefi) {
            out.push_back({"grub-install", "--target=x86_64-efi", "--efi-directory=" + mnt + "/boot/efi",
                           "--boot-directory=" + mnt + "/boot", "--bootloader-id=ingot", "--removable"});
        } else {
            out.push_back({"grub-install", "--target=i386-pc", "--boot-directory=" + mnt + "/boot", disk});
        }
        // grub-mkconfig reads the installed system, so it runs inside it.
        for (const char* fs : {"/dev", "/proc", "/sys"}) {
            out.push_back({"mount", "--bind", fs, mnt + fs});
            mounted.push_back(mnt + fs);
        }
        out.push_back({"chroot", mnt, "grub-mkconfig", "-o", "/boot/grub/grub.cfg"});
        for (auto it = mounted.rbegin(); it != mounted.rend(); ++it) out.push_back({"umount", *it});
        return out;
    }

    void run(const DeployPlan& plan, const CommandRunner&) const override {
        if (plan.bootloader.kind == Bootloader::Kind::grub) throw Error("the bootloader action is plan-only for now");
    }
};

}  // namespace

std::unique_ptr<Action> make_bootloader_action() {
    return std::make_unique<BootloaderAction>();
}

}  // namespace ingot::agent::plan
