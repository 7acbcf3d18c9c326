// The bootloader action: grub for partition images (a whole-disk image
// brings its own, so plans for one have no bootloader). The root
// filesystem is mounted in a temporary directory under work_dir, a
// separate /boot and (UEFI) the ESP at /boot/efi below it, and the
// ramdisk's grub-install writes into that tree:
//
//   BIOS: grub-install --target=i386-pc --boot-directory=MNT/boot DISK
//         (boot code in the MBR, core.img in the post-MBR gap of an msdos
//         disk or in the bios_grub partition of a GPT disk)
//   UEFI: grub-install --target=x86_64-efi --efi-directory=MNT/boot/efi
//         --boot-directory=MNT/boot --removable --no-nvram
//         (EFI/BOOT/BOOTX64.EFI, the path firmware boots without an NVRAM
//         entry: the agent never writes the host's firmware variables)
//
// Then grub.cfg. When the image ships grub-mkconfig it runs inside the
// image (chroot, with /dev, /proc and /sys bound), as Ironic does, so the
// menu is what the installed system's own scripts make of it. An image
// without grub (a minimal or container-derived root) gets a small grub.cfg
// written here: one entry booting the newest kernel found in its /boot
// with its initrd, root=UUID of the root filesystem.
#include <string.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/block_devices.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"

namespace ingot::agent::plan {

namespace {

namespace fs = std::filesystem;

const Filesystem* filesystem_at(const DeployPlan& plan, const std::string& mount_point) {
    for (const auto& f : plan.filesystems) {
        if (f.mount_point == mount_point) return &f;
    }
    return nullptr;
}

const Filesystem* filesystem_on(const DeployPlan& plan, const std::string& ref) {
    for (const auto& f : plan.filesystems) {
        if (f.device == ref) return &f;
    }
    return nullptr;
}

std::string boot_disk(const DeployPlan& plan) {
    const Bootloader& b = plan.bootloader;
    return device_path(plan, b.disk.empty() ? plan.disks.front().id : b.disk);
}

// Where grub-mkconfig lives in the image, if it ships one; a path inside
// the image. Directories that are symlinks are skipped: `sbin -> /usr/sbin`
// would resolve on the ramdisk, and usr/sbin is looked at anyway.
std::string image_grub_mkconfig(const std::string& root, std::string& cfg_dir) {
    for (const char* tool : {"grub-mkconfig", "grub2-mkconfig"}) {
        for (const char* dir : {"usr/sbin", "usr/bin", "sbin", "bin"}) {
            fs::path d = fs::path(root) / dir;
            std::error_code ec;
            if (fs::symlink_status(d, ec).type() != fs::file_type::directory) continue;
            auto st = fs::symlink_status(d / tool, ec);
            if (ec || st.type() == fs::file_type::not_found) continue;
            cfg_dir = std::string(tool) == "grub2-mkconfig" ? "/boot/grub2" : "/boot/grub";
            return "/" + std::string(dir) + "/" + tool;
        }
    }
    return "";
}

struct Kernel {
    std::string kernel;  // file names in the boot directory
    std::string initrd;  // empty: none
};

// The newest vmlinuz* in `boot_dir` (version order) and its initrd.
std::optional<Kernel> find_kernel(const fs::path& boot_dir) {
    std::vector<std::string> kernels;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(boot_dir, ec)) {
        std::string name = e.path().filename().string();
        if (starts_with(name, "vmlinuz") && e.is_regular_file()) kernels.push_back(name);
    }
    if (kernels.empty()) return std::nullopt;
    std::sort(kernels.begin(), kernels.end(),
              [](const std::string& a, const std::string& b) { return ::strverscmp(a.c_str(), b.c_str()) < 0; });
    Kernel k{kernels.back(), ""};
    std::string version = k.kernel.size() > 8 ? k.kernel.substr(8) : "";  // "vmlinuz-" prefix
    std::vector<std::string> candidates =
        version.empty() ? std::vector<std::string>{"initrd.img", "initramfs.img", "initrd"}
                        : std::vector<std::string>{"initrd.img-" + version, "initramfs-" + version + ".img",
                                                   "initrd-" + version + ".img", "initrd-" + version};
    for (const auto& c : candidates) {
        if (fs::exists(boot_dir / c)) {
            k.initrd = c;
            break;
        }
    }
    return k;
}

class BootloaderAction : public Action {
public:
    void validate(DeployPlan& plan) const override {
        // validate_plan() checks that bootloader.disk and .root name something.
        const Bootloader& b = plan.bootloader;
        if (b.kind != Bootloader::Kind::grub) return;
        bool imaged =
            std::any_of(plan.images.begin(), plan.images.end(), [&](const Image& i) { return i.target == b.root; });
        if (!imaged && !filesystem_on(plan, b.root))
            throw PlanError("bootloader.root", "\"" + b.root + "\" gets neither an image nor a filesystem");
        if (b.uefi) {
            const Filesystem* esp = filesystem_at(plan, "/boot/efi");
            if (!esp || esp->type != "vfat")
                throw PlanError("bootloader", "UEFI needs the ESP: a vfat filesystem with mount_point /boot/efi");
        }
    }

    std::vector<Command> commands(const DeployPlan& plan) const override {
        if (plan.bootloader.kind != Bootloader::Kind::grub) return {};
        return install_commands(plan, plan.work_dir + "/bootloader.XXXXXX");
    }

    std::vector<std::string> notes(const DeployPlan& plan) const override {
        if (plan.bootloader.kind != Bootloader::Kind::grub) return {};
        return {"mount the root filesystem" + std::string(plan.bootloader.uefi ? " and the ESP" : "") + " under " +
                    plan.work_dir + ", unmounted afterwards",
                "then grub.cfg: chroot MNT grub-mkconfig (binding /dev, /proc, /sys) when the image ships it, "
                "else a minimal grub.cfg booting the newest /boot/vmlinuz-*"};
    }

    void run(const DeployPlan& plan, const CommandRunner& runner) const override {
        const Bootloader& b = plan.bootloader;
        if (b.kind != Bootloader::Kind::grub) return;
        TempMount mnt(plan.work_dir, "bootloader", runner);
        // The partitioning action waited for the partitions to appear.
        for (const auto& m : mounts(plan)) mnt.mount(m.device, m.sub, m.type);
        fs::create_directories(mnt.path() + "/boot");
        run_command(grub_install_command(plan, mnt.path()), runner);

        std::string cfg_dir;
        std::string mkconfig = image_grub_mkconfig(mnt.path(), cfg_dir);
        if (!mkconfig.empty()) {
            for (const char* sys : {"/dev", "/proc", "/sys"}) mnt.bind(sys, sys);
            fs::create_directories(mnt.path() + cfg_dir);
            run_command({"chroot", mnt.path(), mkconfig, "-o", cfg_dir + "/grub.cfg"}, runner);
            for (int i = 0; i < 3; ++i) mnt.unmount_last();
        } else {
            write_minimal_grub_cfg(plan, mnt.path(), runner);
        }
        mnt.release();
    }

private:
    struct Mount {
        std::string device, sub, type;
    };

    // Root first, then /boot, then the ESP at /boot/efi (UEFI).
    static std::vector<Mount> mounts(const DeployPlan& plan) {
        const Bootloader& b = plan.bootloader;
        const Filesystem* root_fs = filesystem_on(plan, b.root);
        std::vector<Mount> out = {{device_path(plan, b.root), "", root_fs ? root_fs->type : ""}};
        if (const Filesystem* boot = filesystem_at(plan, "/boot"))
            out.push_back({device_path(plan, boot->device), "/boot", boot->type});
        if (b.uefi) {
            if (const Filesystem* esp = filesystem_at(plan, "/boot/efi"))
                out.push_back({device_path(plan, esp->device), "/boot/efi", esp->type});
        }
        return out;
    }

    static Command grub_install_command(const DeployPlan& plan, const std::string& mnt) {
        if (plan.bootloader.uefi) {
            return {"grub-install",
                    "--target=x86_64-efi",
                    "--efi-directory=" + mnt + "/boot/efi",
                    "--boot-directory=" + mnt + "/boot",
                    "--removable",
                    "--no-nvram"};
        }
        return {"grub-install", "--target=i386-pc", "--boot-directory=" + mnt + "/boot", boot_disk(plan)};
    }

    // Plan mode: the image's grub-mkconfig path is not known yet, so the
    // chroot variant is shown.
    static std::vector<Command> install_commands(const DeployPlan& plan, const std::string& mnt) {
        std::vector<Command> out;
        std::vector<std::string> mounted;
        for (const auto& m : mounts(plan)) {
            out.push_back(mount_command(m.device, mnt + m.sub, m.type));
            mounted.push_back(mnt + m.sub);
        }
        out.push_back(grub_install_command(plan, mnt));
        for (const char* sys : {"/dev", "/proc", "/sys"}) {
            out.push_back({"mount", "--bind", sys, mnt + sys});
            mounted.push_back(mnt + sys);
        }
        out.push_back({"chroot", mnt, "/usr/sbin/grub-mkconfig", "-o", "/boot/grub/grub.cfg"});
        for (auto it = mounted.rbegin(); it != mounted.rend(); ++it) out.push_back({"umount", *it});
        return out;
    }

    // No grub in the image: one menu entry for the newest kernel in /boot.
    // Paths are relative to the filesystem grub searches for: the root
    // filesystem, or a separate /boot.
    static void write_minimal_grub_cfg(const DeployPlan& plan, const std::string& mnt, const CommandRunner& runner) {
        const Filesystem* boot_fs = filesystem_at(plan, "/boot");
        std::string root_dev = device_path(plan, plan.bootloader.root);
        std::string root_uuid = blkid_value(runner, root_dev, "UUID");
        std::string boot_uuid = boot_fs ? blkid_value(runner, device_path(plan, boot_fs->device), "UUID") : root_uuid;
        if (root_uuid.empty() || boot_uuid.empty())
            throw Error("cannot write grub.cfg: blkid finds no filesystem UUID on " + root_dev);
        auto kernel = find_kernel(fs::path(mnt) / "boot");
        if (!kernel)
            throw Error(
                "the image ships neither grub-mkconfig nor a kernel (/boot/vmlinuz*): cannot write a grub.cfg "
                "that boots it");
        std::string prefix = boot_fs ? "/" : "/boot/";
        std::string cfg =
            "# Written by ingot-agent: the image ships no grub-mkconfig.\n"
            "set timeout=1\n"
            "set default=0\n"
            "search --no-floppy --fs-uuid --set=root " +
            boot_uuid +
            "\n"
            "menuentry 'Linux (" +
            kernel->kernel +
            ")' {\n"
            "    linux " +
            prefix + kernel->kernel + " root=UUID=" + root_uuid + " ro\n";
        if (!kernel->initrd.empty()) cfg += "    initrd " + prefix + kernel->initrd + "\n";
        cfg += "}\n";
        fs::path path = fs::path(mnt) / "boot" / "grub" / "grub.cfg";
        fs::create_directories(path.parent_path());
        std::ofstream f(path, std::ios::trunc);
        f << cfg;
        f.close();
        if (!f) throw Error("cannot write " + path.string());
        log::info("agent.plan.grub_cfg_written",
                  {{"kernel", kernel->kernel}, {"initrd", kernel->initrd}, {"root", root_uuid}});
    }
};

}  // namespace

std::unique_ptr<Action> make_bootloader_action() {
    return std::make_unique<BootloaderAction>();
}

}  // namespace ingot::agent::plan
