#include "ramdisk-agent/image/tar_extract.h"

#include <archive.h>
#include <archive_entry.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"
#include "ramdisk-agent/image/errors.h"
#include "ramdisk-agent/image/stream_sink.h"

namespace ingot::agent::image {

bool is_safe_entry_path(const std::string& path) {
    if (path.empty() || path.front() == '/') return false;
    for (const auto& component : split(path, '/')) {
        if (component == "..") return false;
    }
    return true;
}

namespace {

using Clock = std::chrono::steady_clock;

// Thrown in the download thread when the extracting side has given up: the
// download stops at once and the extraction's error is the one reported.
struct ReaderGone : std::exception {
    const char* what() const noexcept override { return "the tar extraction stopped reading"; }
};

// Hands the (decompressed) tar stream from the download thread to the
// extracting thread, holding at most `limit` bytes so a fast network cannot
// outrun a slow disk into memory.
class ByteChannel {
public:
    explicit ByteChannel(size_t limit) : limit_(limit) {}

    void push(const char* data, size_t size) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return reader_gone_ || buffered_ < limit_; });
        if (reader_gone_) throw ReaderGone();
        chunks_.emplace_back(data, size);
        buffered_ += size;
        changed_.notify_all();
    }
    // No more data; `error` when the download failed.
    void close_writer(std::exception_ptr error) {
        std::lock_guard lock(mutex_);
        writer_done_ = true;
        error_ = std::move(error);
        changed_.notify_all();
    }
    // The next chunk into `out`; false once the writer is done and all is read.
    bool pull(std::string& out) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !chunks_.empty() || writer_done_; });
        if (chunks_.empty()) return false;
        out = std::move(chunks_.front());
        chunks_.pop_front();
        buffered_ -= out.size();
        changed_.notify_all();
        return true;
    }
    void close_reader() {
        std::lock_guard lock(mutex_);
        reader_gone_ = true;
        chunks_.clear();
        buffered_ = 0;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> chunks_;
    size_t buffered_ = 0;
    size_t limit_;
    bool writer_done_ = false;
    bool reader_gone_ = false;
    std::exception_ptr error_;
};

// A tar stream cannot be rewound once entries are on disk, so a server that
// answers a resume with the whole file (200 instead of 206) is read past
// what was already delivered instead of starting over. The hash keeps
// covering every byte of the file once; if the file changed between the
// two requests, the checksum says so.
class ResumingSink : public DownloadSink {
public:
    explicit ResumingSink(DownloadSink& inner) : inner_(inner) {}
    void on_start(std::optional<uint64_t> total) override {
        if (started_) return;
        started_ = true;
        inner_.on_start(total);
    }
    void on_data(const char* data, size_t size) override {
        if (skip_ > 0) {
            size_t k = static_cast<size_t>(std::min<uint64_t>(skip_, size));
            data += k;
            size -= k;
            skip_ -= k;
        }
        if (size == 0) return;
        inner_.on_data(data, size);
        delivered_ += size;
    }
    void on_restart() override { skip_ = delivered_; }
    uint64_t delivered() const { return delivered_; }

private:
    DownloadSink& inner_;
    bool started_ = false;
    uint64_t delivered_ = 0;
    uint64_t skip_ = 0;
};

struct Reader {
    ByteChannel* channel;
    std::string chunk;
};

la_ssize_t read_callback(struct archive*, void* self, const void** buffer) {
    auto* reader = static_cast<Reader*>(self);
    if (!reader->channel->pull(reader->chunk)) {
        *buffer = nullptr;
        return 0;
    }
    *buffer = reader->chunk.data();
    return static_cast<la_ssize_t>(reader->chunk.size());
}

std::string archive_message(struct archive* a) {
    const char* s = archive_error_string(a);
    return s ? s : "unknown libarchive error";
}

// An archive that cannot be read (not a tar, corrupt, truncated): as
// opposed to one that cannot be written (disk full), or an unsafe entry.
class UnreadableArchive : public ImageFormatError {
public:
    using ImageFormatError::ImageFormatError;
};

struct ArchiveHandles {
    struct archive* in = archive_read_new();
    struct archive* out = archive_write_disk_new();
    ~ArchiveHandles() {
        archive_read_free(in);
        archive_write_free(out);
    }
};

std::string entry_path(struct archive_entry* entry) {
    if (const char* p = archive_entry_pathname(entry)) return p;
    if (const char* p = archive_entry_pathname_utf8(entry)) return p;
    return "";
}

uint64_t extract_entries(ByteChannel& channel, const std::string& directory) {
    ArchiveHandles h;
    Reader reader{&channel, {}};
    archive_read_support_format_tar(h.in);  // ustar, pax, GNU tar
    archive_read_support_filter_none(h.in);
    // Owners are restored by number (no archive_write_disk_set_standard_lookup):
    // the names mean what the deployed system's /etc/passwd says, not the
    // ramdisk's. SECURE_SYMLINKS refuses to write through a symlink the
    // archive created; `..` and absolute paths are refused below (the paths
    // handed to libarchive are absolute, under `directory`).
    archive_write_disk_set_options(h.out, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                                              ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_FFLAGS |
                                              ARCHIVE_EXTRACT_SPARSE | ARCHIVE_EXTRACT_UNLINK |
                                              ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT);
    if (archive_read_open(h.in, &reader, nullptr, read_callback, nullptr) != ARCHIVE_OK)
        throw UnreadableArchive("not a tar archive: " + archive_message(h.in));

    uint64_t entries = 0;
    for (;;) {
        struct archive_entry* entry = nullptr;
        int r = archive_read_next_header(h.in, &entry);
        if (r == ARCHIVE_EOF) break;
        if (r == ARCHIVE_RETRY) continue;
        if (r < ARCHIVE_WARN) {
            throw UnreadableArchive((entries == 0
                                         ? "not a tar archive: "
                                         : "tar archive unreadable after " + std::to_string(entries) + " entries: ") +
                                    archive_message(h.in));
        }
        std::string path = entry_path(entry);
        if (r == ARCHIVE_WARN)
            log::warning("agent.image.tar_warning", {{"entry", path}, {"warning", archive_message(h.in)}});
        if (!is_safe_entry_path(path))
            throw ImageFormatError("tar entry '" + path + "' is refused: absolute paths and '..' are not allowed");
        archive_entry_copy_pathname(entry, (directory + "/" + path).c_str());
        if (const char* link = archive_entry_hardlink(entry)) {
            std::string target = link;
            if (!is_safe_entry_path(target))
                throw ImageFormatError("tar entry '" + path + "' is a hardlink to '" + target +
                                       "', outside the archive: refused");
            archive_entry_copy_hardlink(entry, (directory + "/" + target).c_str());
        }
        r = archive_write_header(h.out, entry);
        if (r < ARCHIVE_WARN) throw TargetError("cannot create '" + path + "': " + archive_message(h.out));
        if (archive_entry_size(entry) > 0 && r >= ARCHIVE_WARN) {
            const void* block = nullptr;
            size_t size = 0;
            la_int64_t offset = 0;
            for (;;) {
                int rr = archive_read_data_block(h.in, &block, &size, &offset);
                if (rr == ARCHIVE_EOF) break;
                if (rr < ARCHIVE_WARN)
                    throw UnreadableArchive("tar archive unreadable in '" + path + "': " + archive_message(h.in));
                if (archive_write_data_block(h.out, block, size, offset) < ARCHIVE_WARN)
                    throw TargetError("cannot write '" + path + "': " + archive_message(h.out));
            }
        }
        if (archive_write_finish_entry(h.out) < ARCHIVE_WARN)
            throw TargetError("cannot finish '" + path + "': " + archive_message(h.out));
        ++entries;
    }
    // Directory permissions and times are set last, when nothing more goes in.
    if (archive_write_close(h.out) != ARCHIVE_OK)
        throw TargetError("cannot finish extracting into " + directory + ": " + archive_message(h.out));
    return entries;
}

void drain(ByteChannel& channel) {
    std::string chunk;
    while (channel.pull(chunk)) {
    }
}

}  // namespace

TarResult extract_tar(const ImageSource& source, const std::string& directory,
                      const DownloadOptions& download_options) {
    std::string url = redact_url(source.url);
    if (!starts_with(to_lower(source.url), "http://") && !starts_with(to_lower(source.url), "https://"))
        throw InvalidInput("image URL '" + url + "' is not http:// or https://");
    auto started = Clock::now();
    log::info("agent.image.tar_start",
              {{"url", url}, {"directory", directory}, {"compression", to_string(source.compression)}});

    ByteChannel channel(16 << 20);
    uint64_t unpacked = 0;
    StreamOutput output{[&](const char* d, size_t n) {
                            channel.push(d, n);
                            unpacked += n;
                        },
                        [] {},  // never called: ResumingSink absorbs restarts
                        directory, std::nullopt};
    StreamSink sink(source.checksum.algo, source.compression, std::move(output), url);
    ResumingSink resuming(sink);
    DownloadOptions options = download_options;
    options.tls = source.tls;

    DownloadStats stats;
    std::exception_ptr download_error;
    std::thread downloader([&] {
        try {
            stats = download(source.url, resuming, options);
            sink.finish();
            channel.close_writer(nullptr);
        } catch (...) {
            download_error = std::current_exception();
            channel.close_writer(download_error);
        }
    });

    uint64_t entries = 0;
    std::exception_ptr extract_error;
    bool unreadable = false;
    try {
        entries = extract_entries(channel, directory);
        drain(channel);  // the end-of-archive padding still counts for the checksum
    } catch (const UnreadableArchive&) {
        // Maybe the file is not what was published: read it to its end so
        // that a checksum mismatch, the real cause, can be reported.
        extract_error = std::current_exception();
        unreadable = true;
        drain(channel);
    } catch (...) {
        extract_error = std::current_exception();
        channel.close_reader();
    }
    downloader.join();

    auto fail = [&](std::exception_ptr e) {
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            log::error("agent.image.tar_failed", {{"url", url}, {"directory", directory}, {"error", ex.what()}});
        }
        std::rethrow_exception(e);
    };
    bool reader_gone = false;
    if (download_error) {
        try {
            std::rethrow_exception(download_error);
        } catch (const ReaderGone&) {
            reader_gone = true;
        } catch (...) {
        }
    }
    // A failed download explains a truncated archive better than libarchive.
    if (download_error && !reader_gone) fail(download_error);

    TarResult r;
    r.bytes_downloaded = resuming.delivered();
    r.bytes_unpacked = unpacked;
    r.entries = entries;
    r.checksum_algo = source.checksum.algo;
    r.checksum = sink.hex_digest();
    r.compression = sink.compression();
    r.attempts = stats.attempts;
    if (extract_error && !unreadable) fail(extract_error);
    if (!source.checksum.hex.empty() && r.checksum != source.checksum.hex) {
        std::string message = "checksum mismatch for " + url + ": " + to_string(source.checksum.algo) + " expected " +
                              source.checksum.hex + " got " + r.checksum;
        if (extract_error) {
            try {
                std::rethrow_exception(extract_error);
            } catch (const std::exception& e) {
                message += " (and the archive was unreadable: " + std::string(e.what()) + ")";
            }
        } else {
            message += " (the files unpacked into " + directory + " are not to be trusted)";
        }
        fail(std::make_exception_ptr(ChecksumMismatch(message)));
    }
    if (extract_error) fail(extract_error);
    if (source.checksum.hex.empty())
        log::warning("agent.image.unverified", {{"url", url}, {to_string(source.checksum.algo), r.checksum}});

    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    log::info("agent.image.tar_done", {{"url", url},
                                       {"directory", directory},
                                       {"downloaded", std::to_string(r.bytes_downloaded)},
                                       {"unpacked", std::to_string(r.bytes_unpacked)},
                                       {"entries", std::to_string(r.entries)},
                                       {to_string(r.checksum_algo), r.checksum},
                                       {"ms", std::to_string(r.duration.count())}});
    return r;
}

}  // namespace ingot::agent::image
