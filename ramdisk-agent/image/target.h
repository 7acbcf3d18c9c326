// The device (or regular file) an image is written to. Writes are
// sequential from offset 0 through one aligned buffer, so the target sees
// few large writes (and O_DIRECT is possible); a write that would go past
// the target's size throws before touching it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ingot::agent::image {

class Target {
public:
    // Opens `path` write-only (never creates or truncates it). A block
    // device's size comes from BLKGETSIZE64, a regular file's from its
    // length. `direct` asks for O_DIRECT (ignored where refused).
    Target(const std::string& path, bool direct, size_t buffer_size = 4 << 20);
    ~Target();
    Target(const Target&) = delete;
    Target& operator=(const Target&) = delete;

    const std::string& path() const { return path_; }
    uint64_t size() const { return size_; }
    bool is_block_device() const { return block_; }
    // Bytes accepted so far (written or buffered).
    uint64_t offset() const { return offset_; }

    // Appends at offset(); throws ImageTooLarge when past size(), without
    // writing any of it.
    void write(const char* data, size_t n);
    // Back to offset 0, dropping what is buffered (a restarted download).
    void rewind();
    // Writes what is buffered and fsyncs; throws TargetError on failure.
    void finish();

private:
    void flush_buffer();
    void pwrite_all(const char* data, size_t n, uint64_t at);

    std::string path_;
    int fd_ = -1;
    bool block_ = false;
    bool direct_ = false;
    uint64_t size_ = 0;
    uint64_t offset_ = 0;     // logical bytes accepted
    uint64_t flushed_ = 0;    // bytes on the target
    char* buffer_ = nullptr;  // aligned for O_DIRECT
    size_t buffer_size_ = 0;
    size_t buffered_ = 0;
};

}  // namespace ingot::agent::image
