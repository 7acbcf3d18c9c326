// The download sink that does the work of write_image: every byte is hashed
// as received (the checksum covers the file the server holds, compressed or
// not), then decompressed if need be and passed to an output. It also owns
// the "does it fit" checks, so they happen before the first write.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ramdisk-agent/image/checksum.h"
#include "ramdisk-agent/image/decompress.h"
#include "ramdisk-agent/image/download.h"

namespace ingot::agent::image {

// Where the decompressed bytes go: a Target, or a scratch file.
struct StreamOutput {
    std::function<void(const char*, size_t)> write;
    std::function<void()> rewind;  // back to offset 0 (download restarted)
    std::string name;              // for messages: "/dev/loop3"
    // Bytes the output holds; a raw image with a known length larger than
    // this is refused in on_start(). Unset: no limit.
    std::optional<uint64_t> capacity;
};

class StreamSink : public DownloadSink {
public:
    StreamSink(HashAlgo algo, Compression compression, StreamOutput output, std::string url);

    void on_start(std::optional<uint64_t> total_size) override;
    void on_data(const char* data, size_t size) override;
    void on_restart() override;
    // The download is complete: decides the compression of a tiny file and
    // checks that a compressed stream reached its end.
    void finish();

    std::string hex_digest() const { return hash_.hex_digest(); }
    Compression compression() const { return active_; }

private:
    void decide(const unsigned char* head, size_t size);
    void pass(const char* data, size_t size);

    Hasher hash_;
    Compression configured_;
    Compression active_;  // detect until the magic bytes are in
    std::unique_ptr<Decompressor> decompressor_;
    std::string head_;  // first bytes, held until the format is known
    std::optional<uint64_t> total_;
    StreamOutput output_;
    std::string url_;
};

}  // namespace ingot::agent::image
