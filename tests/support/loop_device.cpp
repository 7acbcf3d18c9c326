#include "tests/support/loop_device.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <random>
#include <stdexcept>
#include <sstream>
#include <vector>

#include "common/strings.h"

namespace ingot::test {

LoopDevice::LoopDevice(std::uint64_t bytes) : file_(dir_.path() + "/disk.img"), size_(bytes) {
    std::ofstream(file_, std::ios::binary).close();
    std::filesystem::resize_file(file_, bytes);  // sparse
    auto r = run({"losetup", "--find", "--show", "--partscan", file_});
    if (r.exit_code == 0)
        device_ = trim(r.out);
    else
        error_ = trim(r.err);
}

LoopDevice::~LoopDevice() {
    if (device_.empty()) return;
    // Mounts of the device or its partitions ("/dev/loop3", "/dev/loop3p1";
    // not "/dev/loop30"), innermost first.
    std::vector<std::string> mounted;
    std::ifstream mounts("/proc/self/mounts");
    for (std::string line; std::getline(mounts, line);) {
        std::istringstream fields(line);
        std::string source, target;
        fields >> source >> target;
        if (source == device_ || starts_with(source, device_ + "p")) mounted.push_back(target);
    }
    for (auto it = mounted.rbegin(); it != mounted.rend(); ++it) {
        if (run({"umount", *it}).exit_code != 0) run({"umount", "-l", *it});
    }
    run({"losetup", "-d", device_});
}

bool have_tool(const std::string& tool) {
    const char* env = std::getenv("PATH");
    std::string path = std::string(env ? env : "") + ":/usr/sbin:/sbin";
    for (const auto& dir : split(path, ':')) {
        if (!dir.empty() && ::access((dir + "/" + tool).c_str(), X_OK) == 0) return true;
    }
    return false;
}

std::string read_bytes(const std::string& path, std::uint64_t count, std::uint64_t offset) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    std::string data(count, '\0');
    in.read(data.data(), static_cast<std::streamsize>(count));
    data.resize(static_cast<size_t>(in.gcount()));
    return data;
}

void write_test_image(const std::string& path, std::uint64_t size, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::ofstream out(path, std::ios::binary);
    std::string block(4096, '\0');
    for (std::uint64_t at = 0; at < size; at += block.size()) {
        if ((at / block.size()) % 2 == 0)
            for (auto& c : block) c = static_cast<char>(rng());
        else
            block.assign(block.size(), static_cast<char>(at / block.size()));
        out.write(block.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(block.size(), size - at)));
    }
    if (!out) throw std::runtime_error("cannot write test image " + path);
}

}  // namespace ingot::test
