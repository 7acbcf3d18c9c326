// Streaming decompression of gzip, xz and zstd images: compressed bytes go
// in as they arrive from the socket, decompressed bytes come out through a
// callback in chunks of at most 1 MiB, so no image is ever held whole.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ingot::agent::image {

enum class Compression { none, gzip, xz, zstd, detect };

// "none", "gzip"/"gz", "xz", "zstd"/"zst", "auto" (detect from magic bytes);
// empty means detect. Throws InvalidInput otherwise.
Compression parse_compression(std::string_view name);
std::string to_string(Compression c);

// Bytes needed to recognise every supported format.
inline constexpr size_t kMagicBytes = 6;
// gzip, xz or zstd from the first bytes of a file; none when unrecognised.
Compression detect_compression(const unsigned char* data, size_t size);

using OutputFn = std::function<void(const char* data, size_t size)>;

class Decompressor {
public:
    virtual ~Decompressor() = default;
    // Decompresses `size` bytes, calling `out` for what comes out. Throws
    // ImageFormatError on corrupt data.
    virtual void feed(const char* data, size_t size, const OutputFn& out) = 0;
    // The input is over: flushes what is left and throws ImageFormatError if
    // the compressed stream stopped before its end.
    virtual void finish(const OutputFn& out) = 0;
    // Forgets everything, ready for a stream from its first byte.
    virtual void reset() = 0;
};

// For gzip, xz or zstd; concatenated streams (pigz, `cat a.gz b.gz`) are
// decoded as one, as the command-line tools do.
std::unique_ptr<Decompressor> make_decompressor(Compression c);

}  // namespace ingot::agent::image
