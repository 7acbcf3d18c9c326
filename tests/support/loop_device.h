// Test support: a loop device over a sparse file in a temporary directory
// of its own, for tests that partition, format and write "disks". Nothing
// but the loop devices these objects attach is ever touched.
#pragma once

#include <cstdint>
#include <string>

#include "tests/support/conductor_process.h"

namespace ingot::test {

class LoopDevice {
public:
    // A zero-filled (sparse) file of `bytes` attached with
    // `losetup --find --show --partscan`. When the kernel refuses (no loop
    // support, not root), device() is empty and error() says why.
    explicit LoopDevice(std::uint64_t bytes);
    // Unmounts whatever is still mounted from the device or its partitions
    // (a test that failed half-way), detaches it and removes the file.
    ~LoopDevice();
    LoopDevice(const LoopDevice&) = delete;
    LoopDevice& operator=(const LoopDevice&) = delete;

    const std::string& device() const { return device_; }
    const std::string& error() const { return error_; }
    const std::string& file() const { return file_; }
    std::uint64_t size() const { return size_; }

private:
    TempDir dir_;
    std::string file_;
    std::string device_;
    std::string error_;
    std::uint64_t size_ = 0;
};

// Whether `tool` is an executable in PATH or the sbin directories.
bool have_tool(const std::string& tool);

// Writes a test image of `size` bytes: 4 KiB blocks alternately
// pseudo-random (from `seed`) and runs of one byte, so that compressed
// copies are smaller but not trivial.
void write_test_image(const std::string& path, std::uint64_t size, unsigned seed = 42);

// `count` bytes of `path` from `offset` (fewer at its end).
std::string read_bytes(const std::string& path, std::uint64_t count, std::uint64_t offset = 0);

}  // namespace ingot::test
