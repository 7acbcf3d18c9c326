// The `ironic` input driver: what ironic-python-agent receives from Ironic
// (`image_info`, with `instance_info` as the fallback and `root_device` hints
// from the node), turned into the layout IPA (ironic-lib's make_partitions)
// gives it:
//   whole-disk image -> the image on the root disk, nothing else;
//   partition image  -> [ESP (uefi) | bios_grub (bios + gpt)], ephemeral,
//                       swap, config-2, root (last, so it can be grown),
//                       the image on root, grub on the disk.
#include "common/strings.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/json_reader.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/validate.h"

namespace ingot::agent::plan {

namespace {

namespace jr = json_reader;
using nlohmann::json;

constexpr std::uint64_t kEspMiB = 200;     // ironic-lib's efi_system_partition_size
constexpr std::uint64_t kBiosGrubMiB = 1;  // ironic-lib's bios_boot_partition_size

const json& object_at(const json& doc, const char* key) {
    static const json empty = json::object();
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return empty;
    if (!it->is_object()) throw PlanError(key, "must be an object");
    return *it;
}

// The first of image_info.<key> and instance_info.<key> that is set, with
// the path of the one used.
std::pair<const json*, std::string> pick(const json& image_info, const json& instance_info, const char* key) {
    if (image_info.contains(key) && !image_info[key].is_null()) return {&image_info, "image_info"};
    if (instance_info.contains(key) && !instance_info[key].is_null()) return {&instance_info, "instance_info"};
    return {nullptr, ""};
}

// A size in MiB from `<name>_mb` or, in instance_info, `<name>_gb`.
std::uint64_t mib(const json& image_info, const json& instance_info, const std::string& name) {
    std::string mb_key = name + "_mb", gb_key = name + "_gb";
    auto [node, path] = pick(image_info, instance_info, mb_key.c_str());
    long long value = 0, factor = 1;
    if (node) {
        value = jr::integer(*node, mb_key.c_str(), path);
    } else if (instance_info.contains(gb_key) && !instance_info[gb_key].is_null()) {
        value = jr::integer(instance_info, gb_key.c_str(), "instance_info");
        path = "instance_info", mb_key = gb_key, factor = 1024;
    }
    if (value < 0) throw PlanError(path + "." + mb_key, "must not be negative");
    return std::uint64_t(value * factor);
}

std::string text(const json& image_info, const json& instance_info, const char* key, const std::string& fallback) {
    auto [node, path] = pick(image_info, instance_info, key);
    return node ? jr::string(*node, key, path) : fallback;
}

Image read_image(const json& image_info, const json& instance_info) {
    Image image;
    if (auto urls = image_info.find("urls"); urls != image_info.end()) {
        if (!urls->is_array() || urls->empty() || !(*urls)[0].is_string()) {
            throw PlanError("image_info.urls", "must be a non-empty list of URLs");
        }
        image.url = (*urls)[0].get<std::string>();
    } else {
        image.url = jr::string(instance_info, "image_source", "instance_info");
        if (image.url.empty()) throw PlanError("image_info.urls", "is required (or instance_info.image_source)");
    }
    // Glance's multihash first; the legacy checksum's algorithm is told by
    // its length, as ironic-python-agent does.
    std::string algo = text(image_info, instance_info, "os_hash_algo", "");
    std::string value = text(image_info, instance_info, "os_hash_value", "");
    if (algo.empty()) algo = jr::string(instance_info, "image_os_hash_algo", "instance_info");
    if (value.empty()) value = jr::string(instance_info, "image_os_hash_value", "instance_info");
    if (value.empty()) {
        value = jr::string(image_info, "checksum", "image_info", false,
                           jr::string(instance_info, "image_checksum", "instance_info"));
        algo = value.size() == 128 ? "sha512" : value.size() == 64 ? "sha256" : "md5";
    }
    image.checksum = value;
    image.checksum_algo = algo.empty() ? "sha256" : to_lower(algo);
    std::string format = text(image_info, instance_info, "disk_format", "");
    if (format.empty()) format = jr::string(instance_info, "image_disk_format", "instance_info", false, "raw");
    if (format != "raw" && format != "qcow2") {
        throw PlanError("image_info.disk_format", "\"" + format + "\" is not supported (raw, qcow2)");
    }
    image.format = format;
    return image;
}

class IronicDriver : public InputDriver {
public:
    DeployPlan parse(const json& doc) const override {
        if (!doc.is_object()) throw PlanError("", "the document must be an object");
        const json& image_info = object_at(doc, "image_info");
        const json& instance_info = object_at(doc, "instance_info");
        const json& capabilities = object_at(instance_info, "capabilities");

        DeployPlan plan;
        Disk disk;
        disk.id = "disk0";
        if (doc.contains("root_device"))
            disk.hints = doc["root_device"];
        else if (instance_info.contains("root_device"))
            disk.hints = instance_info["root_device"];
        if (disk.hints.is_null()) disk.hints = json::object();

        Image image = read_image(image_info, instance_info);

        std::string boot_mode = text(image_info, instance_info, "deploy_boot_mode", "");
        if (boot_mode.empty()) boot_mode = text(image_info, instance_info, "boot_mode", "");
        if (boot_mode.empty())
            boot_mode = jr::string(capabilities, "boot_mode", "instance_info.capabilities", false, "uefi");
        if (boot_mode != "uefi" && boot_mode != "bios") {
            throw PlanError("image_info.deploy_boot_mode", "\"" + boot_mode + "\" is not uefi or bios");
        }
        bool uefi = boot_mode == "uefi";

        std::uint64_t root_mb = mib(image_info, instance_info, "root");
        std::string image_type =
            text(image_info, instance_info, "image_type", root_mb ? "partition" : "whole-disk-image");
        if (image_type != "partition" && image_type != "whole-disk-image") {
            throw PlanError("image_info.image_type", "\"" + image_type + "\" is not partition or whole-disk-image");
        }

        json configdrive =
            doc.contains("configdrive") ? doc["configdrive"] : instance_info.value("configdrive", json());
        if (!configdrive.is_null()) plan.configdrive = read_configdrive(configdrive);

        if (image_type == "whole-disk-image") {
            // The image brings its own partition table and bootloader.
            image.target = disk.id;
            plan.disks.push_back(disk);
            plan.images.push_back(image);
            validate_plan(plan);
            return plan;
        }

        if (root_mb == 0) throw PlanError("image_info.root_mb", "is required for a partition image");
        if (image_info.value("preserve_ephemeral", false) == true) {
            throw PlanError("image_info.preserve_ephemeral", "preserving the ephemeral partition is not supported");
        }
        std::string label = text(image_info, instance_info, "disk_label", "");
        if (label.empty())
            label = jr::string(capabilities, "disk_label", "instance_info.capabilities", false, uefi ? "gpt" : "msdos");
        if (label != "gpt" && label != "msdos")
            throw PlanError("image_info.disk_label", "\"" + label + "\" is not gpt or msdos");
        disk.label = label == "gpt" ? LabelType::gpt : LabelType::msdos;

        auto add = [&](std::string name, std::uint64_t size, std::vector<std::string> flags) {
            disk.partitions.push_back(
                {int(disk.partitions.size()) + 1, Size::mib(size), std::move(name), "", std::move(flags)});
        };
        if (uefi) {
            add("efi-part", kEspMiB, {"esp", "boot"});
            plan.filesystems.push_back({"efi-part", "vfat", "efi-part", "/boot/efi", ""});
        } else if (disk.label == LabelType::gpt) {
            add("bios-boot-part", kBiosGrubMiB, {"bios_grub"});
        }
        if (std::uint64_t eph = mib(image_info, instance_info, "ephemeral")) {
            add("ephemeral0", eph, {});
            std::string fs = text(image_info, instance_info, "ephemeral_format", "ext4");
            plan.filesystems.push_back({"ephemeral0", fs, "ephemeral0", "/mnt", ""});
        }
        if (std::uint64_t swap = mib(image_info, instance_info, "swap")) {
            add("swap1", swap, {});
            plan.filesystems.push_back({"swap1", "swap", "swap1", "", ""});
        }
        if (plan.configdrive) add(kConfigDriveName, kConfigDriveMiB, {});
        add("root", root_mb,
            uefi || disk.label == LabelType::gpt ? std::vector<std::string>{} : std::vector<std::string>{"boot"});

        image.target = "root";
        plan.disks.push_back(disk);
        plan.images.push_back(image);
        plan.bootloader = {Bootloader::Kind::grub, uefi, disk.id, "root"};
        validate_plan(plan);
        return plan;
    }

private:
    static ConfigDrive read_configdrive(const json& node) {
        ConfigDrive cd;
        if (node.is_string()) {
            std::string s = node.get<std::string>();
            if (starts_with(s, "http://") || starts_with(s, "https://")) {
                throw PlanError("instance_info.configdrive", "a config drive URL is not supported yet");
            }
            cd.gzip_base64 = s;
            return cd;
        }
        if (!node.is_object()) throw PlanError("instance_info.configdrive", "must be a string or an object");
        cd.meta_data = node.value("meta_data", json::object());
        cd.network_data = node.value("network_data", json());
        if (auto it = node.find("user_data"); it != node.end() && !it->is_null()) {
            cd.user_data = it->is_string() ? it->get<std::string>() : it->dump();
        }
        return cd;
    }
};

}  // namespace

std::unique_ptr<InputDriver> make_ironic_driver() {
    return std::make_unique<IronicDriver>();
}

}  // namespace ingot::agent::plan
