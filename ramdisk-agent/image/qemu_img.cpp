#include "ramdisk-agent/image/qemu_img.h"

#include <nlohmann/json.hpp>

#include "common/json_input.h"
#include "common/process.h"
#include "common/strings.h"
#include "ramdisk-agent/image/errors.h"

namespace ingot::agent::image {

QemuImageInfo qemu_img_info(const std::string& file, const std::string& format) {
    std::vector<std::string> argv{"qemu-img", "info", "--output=json"};
    if (!format.empty()) argv.insert(argv.end(), {"-f", format});
    argv.push_back(file);
    ProcessOptions po;
    po.timeout = std::chrono::minutes(2);
    ProcessResult r = run_process(argv, po);
    if (r.exit_code != 0)
        throw ImageFormatError("qemu-img info " + file + " failed (exit " + std::to_string(r.exit_code) +
                               "): " + trim(r.err));
    try {
        auto j = parse_json(r.out);
        QemuImageInfo info;
        info.format = j.at("format").get<std::string>();
        info.virtual_size = j.at("virtual-size").get<uint64_t>();
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
    ProcessOptions po;
    po.timeout = timeout;
    ProcessResult r = run_process(argv, po);
    if (r.timed_out)
        throw ImageFormatError("qemu-img convert of " + file + " to " + target + " timed out after " +
                               std::to_string(timeout.count() / 1000) + " s");
    if (r.exit_code != 0)
        throw ImageFormatError("qemu-img convert of " + file + " to " + target + " failed (exit " +
                               std::to_string(r.exit_code) + "): " + trim(r.err));
}

}  // namespace ingot::agent::image
