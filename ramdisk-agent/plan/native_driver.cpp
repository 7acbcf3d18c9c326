// The `native` input driver: Ingot's own JSON scheme, documented with
// examples in ramdisk-agent/README.md. Its lists map one to one onto the
// plan's, so validate_plan()'s paths are paths in this document too.
#include <set>

#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/json_reader.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/validate.h"

namespace ingot::agent::plan {

namespace {

namespace jr = json_reader;
using nlohmann::json;

Partition read_partition(const json& node, const std::string& path, int number) {
    jr::expect_object(node, path, {"name", "size", "type", "flags"});
    Partition p;
    p.number = number;
    p.name = jr::string(node, "name", path);
    p.size = jr::size(node, "size", path);
    p.type = jr::string(node, "type", path);
    p.flags = jr::strings(node, "flags", path);
    return p;
}

Disk read_disk(const json& node, const std::string& path, size_t index) {
    jr::expect_object(node, path, {"id", "hints", "label", "partitions"});
    Disk d;
    d.id = jr::string(node, "id", path, false, "disk" + std::to_string(index));
    if (node.contains("hints")) d.hints = node["hints"];
    d.label = jr::choice(node, "label", path, {"gpt", "msdos"}, "gpt") == "gpt" ? LabelType::gpt : LabelType::msdos;
    const json& parts = jr::array(node, "partitions", path);
    for (size_t i = 0; i < parts.size(); ++i) {
        d.partitions.push_back(read_partition(parts[i], jr::index_path(path + ".partitions", i), int(i) + 1));
    }
    return d;
}

void read_lvm(const json& node, DeployPlan& plan) {
    const std::string path = "lvm";
    jr::expect_object(node, path, {"pvs", "vgs", "lvs"});
    plan.lvm.pvs = jr::strings(node, "pvs", path);
    const json& vgs = jr::array(node, "vgs", path);
    for (size_t i = 0; i < vgs.size(); ++i) {
        std::string vpath = jr::index_path(path + ".vgs", i);
        jr::expect_object(vgs[i], vpath, {"name", "pvs"});
        plan.lvm.vgs.push_back({jr::string(vgs[i], "name", vpath, true), jr::strings(vgs[i], "pvs", vpath)});
    }
    // Without an explicit PV list, every device a VG spans is one, in order.
    if (!node.contains("pvs")) {
        std::set<std::string> seen;
        for (const auto& vg : plan.lvm.vgs) {
            for (const auto& pv : vg.pvs) {
                if (seen.insert(pv).second) plan.lvm.pvs.push_back(pv);
            }
        }
    }
    const json& lvs = jr::array(node, "lvs", path);
    for (size_t i = 0; i < lvs.size(); ++i) {
        std::string lpath = jr::index_path(path + ".lvs", i);
        jr::expect_object(lvs[i], lpath, {"name", "vg", "size"});
        plan.lvm.lvs.push_back({jr::string(lvs[i], "name", lpath, true), jr::string(lvs[i], "vg", lpath, true),
                                jr::size(lvs[i], "size", lpath)});
    }
}

ConfigDrive read_configdrive(const json& node) {
    ConfigDrive cd;
    if (node.is_string()) {
        if (node.get<std::string>().empty()) throw PlanError("configdrive", "must not be empty");
        cd.gzip_base64 = node.get<std::string>();
        return cd;
    }
    jr::expect_object(node, "configdrive", {"meta_data", "user_data", "network_data"});
    cd.meta_data = node.value("meta_data", json::object());
    if (!cd.meta_data.is_object()) throw PlanError("configdrive.meta_data", "must be an object");
    cd.network_data = node.value("network_data", json());
    if (!cd.network_data.is_null() && !cd.network_data.is_object()) {
        throw PlanError("configdrive.network_data", "must be an object");
    }
    // Ironic lets user_data be a string or any JSON, which it serialises.
    if (auto it = node.find("user_data"); it != node.end() && !it->is_null()) {
        cd.user_data = it->is_string() ? it->get<std::string>() : it->dump();
    }
    return cd;
}

class NativeDriver : public InputDriver {
public:
    DeployPlan parse(const json& doc) const override {
        jr::expect_object(doc, "",
                          {"disks", "raid", "lvm", "filesystems", "images", "configdrive", "bootloader", "work_dir"});
        DeployPlan plan;
        plan.work_dir = jr::string(doc, "work_dir", "", false, plan.work_dir);
        const json& disks = jr::array(doc, "disks", "", true);
        if (disks.empty()) throw PlanError("disks", "at least one disk is required");
        for (size_t i = 0; i < disks.size(); ++i)
            plan.disks.push_back(read_disk(disks[i], jr::index_path("disks", i), i));

        const json& raids = jr::array(doc, "raid", "");
        for (size_t i = 0; i < raids.size(); ++i) {
            std::string rpath = jr::index_path("raid", i);
            jr::expect_object(raids[i], rpath, {"name", "level", "members"});
            plan.raids.push_back({jr::string(raids[i], "name", rpath, true),
                                  int(jr::integer(raids[i], "level", rpath, true)),
                                  jr::strings(raids[i], "members", rpath)});
        }
        if (doc.contains("lvm")) read_lvm(doc["lvm"], plan);

        const json& fss = jr::array(doc, "filesystems", "");
        for (size_t i = 0; i < fss.size(); ++i) {
            std::string fpath = jr::index_path("filesystems", i);
            jr::expect_object(fss[i], fpath, {"device", "type", "label", "mount_point", "options"});
            plan.filesystems.push_back({jr::string(fss[i], "device", fpath, true),
                                        jr::string(fss[i], "type", fpath, true), jr::string(fss[i], "label", fpath),
                                        jr::string(fss[i], "mount_point", fpath),
                                        jr::string(fss[i], "options", fpath)});
        }

        const json& images = jr::array(doc, "images", "");
        for (size_t i = 0; i < images.size(); ++i) {
            std::string ipath = jr::index_path("images", i);
            jr::expect_object(images[i], ipath, {"url", "checksum", "checksum_algo", "target", "format"});
            Image image;
            image.url = jr::string(images[i], "url", ipath, true);
            image.checksum = jr::string(images[i], "checksum", ipath);
            image.checksum_algo = jr::string(images[i], "checksum_algo", ipath, false, "sha256");
            image.target = jr::string(images[i], "target", ipath, true);
            image.format = jr::string(images[i], "format", ipath, false, "raw");
            plan.images.push_back(image);
        }

        if (doc.contains("configdrive") && !doc["configdrive"].is_null())
            plan.configdrive = read_configdrive(doc["configdrive"]);

        if (doc.contains("bootloader")) {
            const json& b = doc["bootloader"];
            jr::expect_object(b, "bootloader", {"type", "boot_mode", "disk", "root"});
            plan.bootloader.kind = jr::choice(b, "type", "bootloader", {"grub", "none"}, "none") == "grub"
                                       ? Bootloader::Kind::grub
                                       : Bootloader::Kind::none;
            plan.bootloader.uefi = jr::choice(b, "boot_mode", "bootloader", {"uefi", "bios"}, "uefi") == "uefi";
            plan.bootloader.disk = jr::string(b, "disk", "bootloader");
            plan.bootloader.root = jr::string(b, "root", "bootloader");
        }
        validate_plan(plan);
        return plan;
    }
};

}  // namespace

std::unique_ptr<InputDriver> make_native_driver() {
    return std::make_unique<NativeDriver>();
}

}  // namespace ingot::agent::plan
