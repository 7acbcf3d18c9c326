// The image action: every Image of the plan onto its target.
//   raw, qcow2 -> image::write_image straight onto the device (a disk for a
//                 whole-disk image, a partition/RAID/LV for a partition
//                 image); compression is detected, the checksum verified.
//   tar        -> the target's filesystem (from the plan) is mounted in a
//                 temporary directory under work_dir and the archive is
//                 unpacked into it as it downloads (image::extract_tar).
// An image larger than its target is refused by write_image: before a byte
// is written when the size is known up front (raw with a Content-Length,
// qcow2's virtual size), at the first byte that would not fit otherwise.
#include <filesystem>

#include "common/errors.h"
#include "common/log.h"
#include "ramdisk-agent/image/tar_extract.h"
#include "ramdisk-agent/image/write_image.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/block_devices.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"

namespace ingot::agent::plan {

namespace {

const Filesystem* filesystem_on(const DeployPlan& plan, const std::string& ref) {
    for (const auto& fs : plan.filesystems) {
        if (fs.device == ref) return &fs;
    }
    return nullptr;
}

// A whole-disk image brings its own partition table: the kernel is told,
// so that its partitions (and their UUIDs) are what blkid and the next
// actions see. An image without a table makes partprobe complain, which is
// not an error here.
void reread_partitions(const std::string& disk, const CommandRunner& runner) {
    for (const Command& argv : {Command{"partprobe", disk}, Command{"udevadm", "settle"}}) {
        ProcessResult r = runner(argv);
        if (r.exit_code != 0)
            log::warning("agent.plan.reread_failed", {{"command", argv[0]}, {"device", disk}, {"err", r.err}});
    }
}

image::ImageSource source_of(const Image& img, const RunContext& context) {
    image::ImageSource s;
    s.url = img.url;
    s.checksum = image::resolve_checksum(img.checksum.empty() ? "" : img.checksum_algo, img.checksum, "");
    if (img.checksum.empty()) s.checksum.algo = image::parse_hash_algo(img.checksum_algo);
    // MD5 collisions are cheap: an MD5 proves little about what is written.
    if (s.checksum.algo == image::HashAlgo::md5 && !s.checksum.hex.empty() && !context.image_policy.allow_md5)
        throw InvalidInput(
            "the image's checksum is MD5, which is refused (the conductor's "
            "agent_md5_checksum_enable is false: [agent] allow_md5_checksum)");
    s.compression = image::Compression::detect;
    s.disk_format = img.format == "qcow2" ? image::DiskFormat::qcow2 : image::DiskFormat::raw;
    s.tls = context.tls;
    return s;
}

class ImageAction : public Action, public ContextualAction {
public:
    void validate(DeployPlan& plan) const override {
        for (size_t i = 0; i < plan.images.size(); ++i) {
            const Image& img = plan.images[i];
            std::string path = "images[" + std::to_string(i) + "]";
            device_path(plan, img.target, path + ".target");
            if (img.format == "tar") {
                const Filesystem* fs = filesystem_on(plan, img.target);
                if (!fs || fs->type.empty() || fs->type == "swap") {
                    throw PlanError(path + ".target", "a tar image needs a filesystem (ext4, xfs, vfat) on \"" +
                                                          img.target + "\" to unpack into");
                }
            }
        }
    }

    std::vector<Command> commands(const DeployPlan&) const override { return {}; }

    std::vector<std::string> notes(const DeployPlan& plan) const override {
        std::vector<std::string> out;
        for (const auto& img : plan.images) {
            std::string target = device_path(plan, img.target);
            std::string what = img.url + " (" + img.format + ", " + img.checksum_algo + " " +
                               (img.checksum.empty() ? "unchecked" : img.checksum) + ")";
            if (img.format == "tar") {
                const Filesystem* fs = filesystem_on(plan, img.target);
                out.push_back("mount " + target + " (" + (fs ? fs->type : "?") + ") under " + plan.work_dir +
                              ", unpack " + what + " into it, unmount");
            } else {
                out.push_back("write " + what + " to " + target);
            }
        }
        return out;
    }

    void run(const DeployPlan& plan, const CommandRunner& runner) const override { run(plan, RunContext{runner, {}}); }

    void run(const DeployPlan& plan, const RunContext& context) const override {
        for (size_t i = 0; i < plan.images.size(); ++i) {
            const Image& img = plan.images[i];
            std::string target = device_path(plan, img.target);
            image::ImageSource source;
            try {
                source = source_of(img, context);
            } catch (const InvalidInput& e) {
                throw PlanError("images[" + std::to_string(i) + "].checksum", e.what());
            }
            wait_for_block_device(target);
            if (img.format == "tar") {
                const Filesystem* fs = filesystem_on(plan, img.target);
                TempMount mnt(plan.work_dir, "image", context.runner);
                mnt.mount(target, "", fs->type);
                image::extract_tar(source, mnt.path());
                mnt.release();
            } else {
                image::WriteOptions options;
                options.scratch_dir = plan.work_dir;  // qcow2 is converted from a downloaded file
                options.policy = context.image_policy;
                if (img.format == "qcow2") std::filesystem::create_directories(plan.work_dir);
                image::write_image(source, target, options);
                auto r = find_referent(plan, img.target);
                if (r && r->kind == Referent::Kind::disk) reread_partitions(target, context.runner);
            }
        }
    }
};

}  // namespace

std::unique_ptr<Action> make_image_action() {
    return std::make_unique<ImageAction>();
}

}  // namespace ingot::agent::plan
