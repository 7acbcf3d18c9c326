#include "ramdisk-agent/image/qemu_img.h"

#include <nlohmann/json.hpp>

#include "common/json_input.h"
#include "common/process.h"
#include "common/strings.h"
#include "ramdisk-agent/image/errors.h"

namespace ingot::agent::image {

namespace {

// Ironic's QEMU_IMG_LIMITS for info, its image_convert_memory_limit for
// convert (whose CPU time the timeout bounds anyway).
ProcessOptions limited(std::chrono::milliseconds timeout, std::uint64_t address_space) {
    ProcessOptions po;
    po.timeout = timeout;
    po.limits.address_space_bytes = address_space;
    po.limits.cpu_time = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    // glibc reserves an arena per thread: without this the address space
    // limit is reached by reservations, not use (as Ironic sets it).
    po.extra_env = {{"MALLOC_ARENA_MAX", "3"}};
    return po;
}

// How a failed run ended; SIGKILL and SIGXCPU are what the limits send.
std::string outcome(const ProcessResult& r) {
    if (r.timed_out) return "timed out";
    if (r.exit_code == 128 + 9 || r.exit_code == 128 + 24) return "killed by its CPU time or memory limit";
    return "exit " + std::to_string(r.exit_code);
}

std::string string_at(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

QemuImageInfo qemu_img_info(const std::string& file, const std::string& format) {
    if (format.empty()) throw ImageFormatError("qemu-img info " + file + ": no format given (never probed)");
    ProcessOptions po = limited(std::chrono::seconds(30), 1ull << 30);
    ProcessResult r = run_process({"qemu-img", "info", "--output=json", "-f", format, file}, po);
    if (r.exit_code != 0)
        throw ImageFormatError("qemu-img info " + file + " failed (" + outcome(r) + "): " + trim(r.err));
    try {
        auto j = parse_json(r.out);
        QemuImageInfo info;
        info.format = j.at("format").get<std::string>();
        info.virtual_size = j.at("virtual-size").get<uint64_t>();
        info.backing_file = string_at(j, "backing-filename");
        if (auto spec = j.find("format-specific"); spec != j.end() && spec->is_object() && spec->contains("data"))
            info.data_file = string_at((*spec)["data"], "data-file");
        return info;
    } catch (const std::exception& e) {
        throw ImageFormatError("qemu-img info " + file + " printed unexpected JSON: " + e.what());
    }
}

void qemu_img_convert(const std::string& file, const std::string& format, const std::string& target, bool direct,
                      std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{"qemu-img", "convert", "-n", "-f", format, "-O", "raw"};
    if (direct) argv.insert(argv.end(), {"-t", "none"});
    argv.insert(argv.end(), {file, target});
    ProcessResult r = run_process(argv, limited(timeout, 2ull << 30));
    if (r.timed_out)
        throw ImageFormatError("qemu-img convert of " + file + " to " + target + " timed out after " +
                               std::to_string(timeout.count() / 1000) + " s");
    if (r.exit_code != 0)
        throw ImageFormatError("qemu-img convert of " + file + " to " + target + " failed (" + outcome(r) +
                               "): " + trim(r.err));
}

}  // namespace ingot::agent::image
