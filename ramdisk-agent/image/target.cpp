#include "ramdisk-agent/image/target.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ramdisk-agent/image/errors.h"

namespace ingot::agent::image {

namespace {

constexpr size_t kAlign = 4096;
// O_EXCL without O_CREAT means, for a block device only, "fail with EBUSY if
// the kernel uses it" (mounted file system, RAID member...): never write
// under a live file system.
constexpr int kOpenFlags = O_WRONLY | O_CLOEXEC | O_EXCL;

std::string errno_text() {
    return std::strerror(errno);
}

}  // namespace

Target::Target(const std::string& path, bool direct, size_t buffer_size) : path_(path) {
    buffer_size_ = (buffer_size + kAlign - 1) / kAlign * kAlign;
    direct_ = direct;
    fd_ = ::open(path.c_str(), kOpenFlags | (direct ? O_DIRECT : 0));
    if (fd_ < 0 && direct && errno == EINVAL) {
        // tmpfs and some file systems refuse O_DIRECT: fall back to the page cache.
        direct_ = false;
        fd_ = ::open(path.c_str(), kOpenFlags);
    }
    if (fd_ < 0 && errno == EBUSY)
        throw TargetError("cannot open " + path + " for writing: it is in use (mounted, or part of a RAID/LVM?)");
    if (fd_ < 0) throw TargetError("cannot open " + path + " for writing: " + errno_text());
    struct stat st {};
    if (fstat(fd_, &st) != 0) {
        ::close(fd_);
        throw TargetError("cannot stat " + path + ": " + errno_text());
    }
    if (S_ISBLK(st.st_mode)) {
        block_ = true;
        if (ioctl(fd_, BLKGETSIZE64, &size_) != 0) {
            ::close(fd_);
            throw TargetError("cannot read the size of " + path + " (BLKGETSIZE64): " + errno_text());
        }
    } else if (S_ISREG(st.st_mode)) {
        size_ = static_cast<uint64_t>(st.st_size);
    } else {
        ::close(fd_);
        throw TargetError(path + " is neither a block device nor a regular file");
    }
    if (posix_memalign(reinterpret_cast<void**>(&buffer_), kAlign, buffer_size_) != 0) {
        ::close(fd_);
        throw TargetError("cannot allocate a " + std::to_string(buffer_size_) + "-byte write buffer");
    }
}

Target::~Target() {
    if (fd_ >= 0) ::close(fd_);
    std::free(buffer_);
}

void Target::write(const char* data, size_t n) {
    if (n > size_ - offset_)
        throw ImageTooLarge("image is larger than " + path_ + ": more than " + std::to_string(offset_ + n) +
                            " bytes, the device holds " + std::to_string(size_) + " bytes");
    offset_ += n;
    while (n > 0) {
        size_t take = std::min(n, buffer_size_ - buffered_);
        std::memcpy(buffer_ + buffered_, data, take);
        buffered_ += take;
        data += take;
        n -= take;
        if (buffered_ == buffer_size_) flush_buffer();
    }
}

void Target::rewind() {
    offset_ = 0;
    flushed_ = 0;
    buffered_ = 0;
}

void Target::flush_buffer() {
    if (buffered_ == 0) return;
    if (direct_ && buffered_ % kAlign != 0) {
        // O_DIRECT needs aligned lengths; the tail goes through the page cache.
        int flags = fcntl(fd_, F_GETFL);
        if (flags < 0 || fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0)
            throw TargetError("cannot leave O_DIRECT on " + path_ + ": " + errno_text());
        direct_ = false;
    }
    pwrite_all(buffer_, buffered_, flushed_);
    flushed_ += buffered_;
    buffered_ = 0;
}

void Target::pwrite_all(const char* data, size_t n, uint64_t at) {
    while (n > 0) {
        ssize_t w = ::pwrite(fd_, data, n, static_cast<off_t>(at));
        if (w < 0) {
            if (errno == EINTR) continue;
            throw TargetError("write to " + path_ + " at offset " + std::to_string(at) + " failed: " + errno_text());
        }
        if (w == 0) throw TargetError("write to " + path_ + " at offset " + std::to_string(at) + " wrote nothing");
        data += w;
        n -= static_cast<size_t>(w);
        at += static_cast<uint64_t>(w);
    }
}

void Target::finish() {
    flush_buffer();
    if (::fsync(fd_) != 0) throw TargetError("fsync of " + path_ + " failed: " + errno_text());
}

}  // namespace ingot::agent::image
