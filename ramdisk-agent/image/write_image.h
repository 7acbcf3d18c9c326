// Writes a whole-disk image from an HTTP(S) URL to a block device (or a
// regular file): the bytes flow from the socket through the checksum and a
// streaming decompressor straight onto the target, never whole in memory
// and never through a temporary file, except qcow2, which is downloaded to
// a scratch directory and converted by qemu-img.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/http_client.h"
#include "ramdisk-agent/image/checksum.h"
#include "ramdisk-agent/image/decompress.h"
#include "ramdisk-agent/image/download.h"
#include "ramdisk-agent/image/format_inspector.h"

namespace ingot::agent::image {

enum class DiskFormat { raw, qcow2 };
// "raw" or "qcow2" (Glance's disk_format); throws InvalidInput otherwise.
DiskFormat parse_disk_format(std::string_view name);

struct ImageSource {
    std::string url;  // http:// or https://
    // What the server's file must hash to (the compressed file when
    // compressed); see resolve_checksum() for Ironic's fields. An empty
    // `hex` skips verification (a warning is logged); the digest is still
    // computed, in `algo`.
    ExpectedChecksum checksum;
    DiskFormat disk_format = DiskFormat::raw;
    Compression compression = Compression::detect;
    TlsVerification tls;
};

struct WriteOptions {
    // Where qcow2 images are downloaded before conversion; must have room
    // for the image file.
    std::string scratch_dir = "/tmp";
    // O_DIRECT writes to a block device (bypass the page cache).
    bool direct_io = true;
    DownloadOptions download;  // its `tls` is replaced by the source's
    std::chrono::minutes convert_timeout{60};
    // Which contents may be written (format_inspector.h): a raw image's
    // first bytes and a qcow2 image's header are inspected before anything
    // reaches the target.
    ImagePolicy policy;
};

struct WriteResult {
    uint64_t bytes_downloaded = 0;  // the file's size (what the checksum covers)
    uint64_t bytes_written = 0;     // to the target
    std::chrono::milliseconds duration{0};
    HashAlgo checksum_algo = HashAlgo::sha256;
    std::string checksum;                         // computed, lower-case hex
    Compression compression = Compression::none;  // as detected
    int attempts = 0;
};

// Throws ImageTooLarge (before writing a byte when the size is known up
// front), ChecksumMismatch, DownloadError, UnsafeImage (the content is not
// what disk_format says, or a qcow2 names a backing or data file: nothing
// written), ImageFormatError or TargetError.
// On a checksum mismatch the target holds unverified data.
WriteResult write_image(const ImageSource& source, const std::string& target, const WriteOptions& options = {});

}  // namespace ingot::agent::image
