// The qemu-img calls behind qcow2 images: the virtual size (to refuse an
// image that cannot fit before anything is written) and the conversion to
// raw straight onto the target. qemu-img parses what the network sent, so
// it always runs with the format named (-f, never a probe) and with
// resource limits, as Ironic does (prlimit): `info` within 1 GiB of address
// space and 30 s of CPU, `convert` within 2 GiB and its timeout. Inspect
// the header first (format_inspector.h): these calls do not refuse backing
// or data files themselves.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ingot::agent::image {

struct QemuImageInfo {
    std::string format;  // qemu-img's name: "qcow2", "raw", ...
    uint64_t virtual_size = 0;
    std::string backing_file;  // what qemu-img reports; empty: none
    std::string data_file;
};

// `qemu-img info --output=json -f FORMAT` (`format` must not be empty:
// never trust a probe on a downloaded file). Throws ImageFormatError.
QemuImageInfo qemu_img_info(const std::string& file, const std::string& format);

// `qemu-img convert -n -f FORMAT -O raw FILE TARGET`: the target must exist
// (a block device, or a regular file) and is not resized. `direct` bypasses
// the host cache on the target (-t none). Throws ImageFormatError.
void qemu_img_convert(const std::string& file, const std::string& format, const std::string& target, bool direct,
                      std::chrono::milliseconds timeout);

}  // namespace ingot::agent::image
