#include "ramdisk-agent/image/write_image.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"
#include "ramdisk-agent/image/errors.h"
#include "ramdisk-agent/image/format_inspector.h"
#include "ramdisk-agent/image/inspecting_output.h"
#include "ramdisk-agent/image/qemu_img.h"
#include "ramdisk-agent/image/stream_sink.h"
#include "ramdisk-agent/image/target.h"

namespace ingot::agent::image {

DiskFormat parse_disk_format(std::string_view name) {
    std::string n = to_lower(trim(name));
    if (n == "raw") return DiskFormat::raw;
    if (n == "qcow2") return DiskFormat::qcow2;
    throw InvalidInput("unsupported image disk_format '" + std::string(name) + "' (expected raw or qcow2)");
}

namespace {

using Clock = std::chrono::steady_clock;

void check_url(const std::string& url) {
    if (!starts_with(to_lower(url), "http://") && !starts_with(to_lower(url), "https://"))
        throw InvalidInput("image URL '" + redact_url(url) + "' is not http:// or https://");
}

void verify(const ImageSource& source, const std::string& actual) {
    if (source.checksum.hex.empty()) {
        log::warning("agent.image.unverified",
                     {{"url", redact_url(source.url)}, {to_string(source.checksum.algo), actual}});
        return;
    }
    if (actual != source.checksum.hex)
        throw ChecksumMismatch("checksum mismatch for " + redact_url(source.url) + ": " +
                               to_string(source.checksum.algo) + " expected " + source.checksum.hex + " got " + actual);
}

DownloadOptions download_options(const ImageSource& source, const WriteOptions& options) {
    DownloadOptions d = options.download;
    d.tls = source.tls;
    return d;
}

// A scratch file removed when the scope ends, whatever happens.
class ScratchFile {
public:
    explicit ScratchFile(const std::string& dir) : path_(dir + "/ingot-image-XXXXXX") {
        fd_ = mkstemp(path_.data());
        if (fd_ < 0) throw TargetError("cannot create a scratch file in " + dir + ": " + std::strerror(errno));
    }
    ~ScratchFile() {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    const std::string& path() const { return path_; }
    int fd() const { return fd_; }

private:
    std::string path_;
    int fd_ = -1;
};

void fsync_path(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw TargetError("cannot open " + path + " to sync it: " + std::strerror(errno));
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) throw TargetError("fsync of " + path + " failed: " + std::strerror(err));
}

WriteResult write_streamed(const ImageSource& source, const std::string& target_path, const WriteOptions& options) {
    Target target(target_path, options.direct_io);
    StreamOutput out{[&](const char* d, size_t n) { target.write(d, n); }, [&] { target.rewind(); }, target_path,
                     target.size()};
    // Nothing reaches the target before the content is known to be raw.
    InspectingOutput inspected(std::move(out), [&](const std::string& format) {
        check_format("raw", format, options.policy, redact_url(source.url));
    });
    StreamSink sink(source.checksum.algo, source.compression, inspected.output(), redact_url(source.url));
    DownloadStats stats = download(source.url, sink, download_options(source, options));
    sink.finish();
    inspected.finish();
    target.finish();
    WriteResult r;
    r.bytes_downloaded = stats.size;
    r.bytes_written = target.offset();
    r.checksum_algo = source.checksum.algo;
    r.checksum = sink.hex_digest();
    r.compression = sink.compression();
    r.attempts = stats.attempts;
    verify(source, r.checksum);
    return r;
}

// Our own reading of the header first (format, backing and data files),
// then qemu-img's, run with limits and -f qcow2; both must agree.
QemuImageInfo checked_qcow2(const std::string& file, const std::string& name, const ImagePolicy& policy) {
    std::string head(kInspectBytes, '\0');
    {
        std::ifstream in(file, std::ios::binary);
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<size_t>(in.gcount()));
    }
    check_format("qcow2", detect_format(head), policy, name);
    const Qcow2Header header = inspect_qcow2(file, name);
    QemuImageInfo info = qemu_img_info(file, "qcow2");
    if (!info.backing_file.empty() || !info.data_file.empty())
        throw UnsafeImage("image " + name + " is refused: qemu-img reports a " +
                          (info.backing_file.empty() ? "data file (" + info.data_file + ")"
                                                     : "backing file (" + info.backing_file + ")"));
    if (info.virtual_size != header.virtual_size)
        throw UnsafeImage("image " + name + " is refused: its header says " + std::to_string(header.virtual_size) +
                          " bytes, qemu-img " + std::to_string(info.virtual_size));
    return info;
}

WriteResult write_qcow2(const ImageSource& source, const std::string& target_path, const WriteOptions& options) {
    // Size the target first: no point downloading what cannot fit.
    uint64_t capacity = 0;
    bool block = false;
    {
        Target probe(target_path, false);  // closed before qemu-img opens the target
        capacity = probe.size();
        block = probe.is_block_device();
    }
    ScratchFile scratch(options.scratch_dir);
    uint64_t file_size = 0;
    StreamOutput out{
        [&](const char* d, size_t n) {
            while (n > 0) {
                ssize_t w = ::write(scratch.fd(), d, n);
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0)
                    throw TargetError("write to scratch file " + scratch.path() + " failed: " + std::strerror(errno));
                d += w;
                n -= static_cast<size_t>(w);
                file_size += static_cast<uint64_t>(w);
            }
        },
        [&] {
            if (::ftruncate(scratch.fd(), 0) != 0 || ::lseek(scratch.fd(), 0, SEEK_SET) != 0)
                throw TargetError("cannot truncate scratch file " + scratch.path());
            file_size = 0;
        },
        scratch.path(), std::nullopt};
    StreamSink sink(source.checksum.algo, source.compression, std::move(out), redact_url(source.url));
    DownloadStats stats = download(source.url, sink, download_options(source, options));
    sink.finish();
    WriteResult r;
    r.bytes_downloaded = stats.size;
    r.checksum_algo = source.checksum.algo;
    r.checksum = sink.hex_digest();
    r.compression = sink.compression();
    r.attempts = stats.attempts;
    // Verified before qemu-img parses it, and before the target is touched.
    verify(source, r.checksum);

    QemuImageInfo info = checked_qcow2(scratch.path(), redact_url(source.url), options.policy);
    if (info.virtual_size > capacity)
        throw ImageTooLarge("image is " + std::to_string(info.virtual_size) + " bytes (qcow2 virtual size), device " +
                            target_path + " holds " + std::to_string(capacity) + " bytes");
    qemu_img_convert(scratch.path(), "qcow2", target_path, options.direct_io && block, options.convert_timeout);
    fsync_path(target_path);
    r.bytes_written = info.virtual_size;
    return r;
}

}  // namespace

WriteResult write_image(const ImageSource& source, const std::string& target, const WriteOptions& options) {
    check_url(source.url);
    auto started = Clock::now();
    std::string url = redact_url(source.url);
    log::info("agent.image.write_start", {{"url", url},
                                          {"target", target},
                                          {"disk_format", source.disk_format == DiskFormat::qcow2 ? "qcow2" : "raw"},
                                          {"compression", to_string(source.compression)}});
    WriteResult r;
    try {
        r = source.disk_format == DiskFormat::qcow2 ? write_qcow2(source, target, options)
                                                    : write_streamed(source, target, options);
    } catch (const std::exception& e) {
        log::error("agent.image.write_failed", {{"url", url}, {"target", target}, {"error", e.what()}});
        throw;
    }
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    double seconds = std::max(r.duration.count(), 1L) / 1000.0;
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f", r.bytes_downloaded / seconds / 1e6);
    log::info("agent.image.write_done", {{"url", url},
                                         {"target", target},
                                         {"downloaded", std::to_string(r.bytes_downloaded)},
                                         {"written", std::to_string(r.bytes_written)},
                                         {to_string(r.checksum_algo), r.checksum},
                                         {"ms", std::to_string(r.duration.count())},
                                         {"mb_per_s", rate}});
    return r;
}

}  // namespace ingot::agent::image
