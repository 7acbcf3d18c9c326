#include "ramdisk-agent/service/auto_tls.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/errors.h"
#include "common/x509.h"

namespace ingot::agent::service {
namespace {

namespace fs = std::filesystem;

// Created with its final mode, so the key is never readable by others,
// not even for an instant.
void write_private(const std::string& path, const std::string& text) {
    ::unlink(path.c_str());
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw Error("Cannot create " + path + ": " + std::strerror(errno));
    const char* data = text.data();
    size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(fd, data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            throw Error("Cannot write " + path + ": " + std::strerror(errno));
        }
        data += n;
        left -= static_cast<size_t>(n);
    }
    ::close(fd);
}

std::string fresh_directory() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ingot-agent-tls.XXXXXX";
    if (!::mkdtemp(pattern.data())) throw Error("Cannot create a directory for the agent's TLS key: " +
                                                std::string(std::strerror(errno)));
    return pattern;  // mkdtemp makes it 0700
}

std::string without_brackets(const std::string& address) {
    if (address.size() > 2 && address.front() == '[' && address.back() == ']')
        return address.substr(1, address.size() - 2);
    return address;
}

}  // namespace

AutoTls::AutoTls(const std::string& address, const std::string& dir) {
    if (dir.empty()) {
        dir_ = fresh_directory();
        own_dir_ = true;
    } else {
        dir_ = dir;
        std::error_code ec;
        own_dir_ = fs::create_directories(dir_, ec);
        if (ec) throw Error("Cannot create " + dir_ + ": " + ec.message());
        ::chmod(dir_.c_str(), 0700);
    }
    const auto made = x509::make_self_signed(without_brackets(address));
    key_file_ = dir_ + "/key.pem";
    cert_file_ = dir_ + "/cert.pem";
    write_private(key_file_, made.private_key_pem);
    write_private(cert_file_, made.certificate_pem);
    certificate_pem_ = made.certificate_pem;
}

AutoTls::~AutoTls() {
    std::error_code ec;
    fs::remove(key_file_, ec);
    fs::remove(cert_file_, ec);
    if (own_dir_) fs::remove(dir_, ec);
}

}  // namespace ingot::agent::service
