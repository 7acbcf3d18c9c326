// Test support for the agent's image tests: a tiny HTTP/1.1 file server on
// a loopback port that honours `Range: bytes=N-`, and can misbehave on
// purpose: cut the connection part-way through a body, or ignore Range and
// answer 200 with the whole file. One connection at a time, each closed
// after its answer, which is all libcurl needs here.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ingot::test {

class ImageHttpServer {
public:
    // Serves `file` at every path except /missing (404).
    explicit ImageHttpServer(std::string file) : file_(std::move(file)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0)
            throw std::runtime_error("test image server cannot listen");
        socklen_t len = sizeof addr;
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { loop(); });
    }
    ~ImageHttpServer() {
        stop_ = true;
        thread_.join();
        ::close(listen_fd_);
    }

    std::string url(const std::string& path = "/image") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    // The first `responses` answers send only `bytes` of their body, then close.
    void cut(int responses, uint64_t bytes) {
        cuts_left_ = responses;
        cut_bytes_ = bytes;
    }
    void ignore_range(bool yes) { ignore_range_ = yes; }
    // `path` answers 302 with `location` instead of the file.
    void redirect(const std::string& path, const std::string& location) {
        std::lock_guard lock(mutex_);
        redirects_.emplace_back(path, location);
    }
    // The path of every request received, in order.
    std::vector<std::string> paths() {
        std::lock_guard lock(mutex_);
        return paths_;
    }
    // The Range header of every request received ("" when none).
    std::vector<std::string> ranges() {
        std::lock_guard lock(mutex_);
        return ranges_;
    }

private:
    void loop() {
        while (!stop_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            serve(fd);
            ::close(fd);
        }
    }

    void serve(int fd) {
        std::string req;
        char buf[4096];
        while (req.find("\r\n\r\n") == std::string::npos) {
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return;
            req.append(buf, static_cast<size_t>(n));
        }
        std::string path = req.substr(req.find(' ') + 1);
        path = path.substr(0, path.find(' '));
        std::string range;
        for (const char* name : {"\r\nRange: ", "\r\nrange: "}) {
            auto at = req.find(name);
            if (at != std::string::npos) range = req.substr(at + 9, req.find("\r\n", at + 9) - at - 9);
        }
        std::string location;
        {
            std::lock_guard lock(mutex_);
            ranges_.push_back(range);
            paths_.push_back(path);
            for (const auto& [from, to] : redirects_)
                if (from == path) location = to;
        }
        if (!location.empty()) {
            send_all(fd, "HTTP/1.1 302 Found\r\nLocation: " + location +
                             "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }
        if (path == "/missing") {
            send_all(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }
        int file = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st {};
        fstat(file, &st);
        uint64_t size = static_cast<uint64_t>(st.st_size);
        uint64_t first = 0;
        std::string head;
        if (!range.empty() && !ignore_range_ && range.rfind("bytes=", 0) == 0) {
            first = std::stoull(range.substr(6));
            head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + std::to_string(first) + "-" +
                   std::to_string(size - 1) + "/" + std::to_string(size) + "\r\n";
        } else {
            head = "HTTP/1.1 200 OK\r\n";
        }
        head +=
            "Content-Length: " + std::to_string(size - first) + "\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n";
        send_all(fd, head);
        uint64_t limit = size - first;
        if (cuts_left_ > 0) {
            --cuts_left_;
            limit = std::min<uint64_t>(limit, cut_bytes_);
        }
        std::vector<char> chunk(1 << 16);
        uint64_t sent = 0;
        while (sent < limit) {
            ssize_t n = ::pread(file, chunk.data(), std::min<uint64_t>(chunk.size(), limit - sent),
                                static_cast<off_t>(first + sent));
            if (n <= 0 || !send_all(fd, std::string_view(chunk.data(), static_cast<size_t>(n)))) break;
            sent += static_cast<uint64_t>(n);
        }
        ::close(file);
    }

    static bool send_all(int fd, std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            data.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    }

    std::string file_;
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> cuts_left_{0};
    std::atomic<uint64_t> cut_bytes_{0};
    std::atomic<bool> ignore_range_{false};
    std::mutex mutex_;
    std::vector<std::string> ranges_;
    std::vector<std::string> paths_;
    std::vector<std::pair<std::string, std::string>> redirects_;
};

}  // namespace ingot::test
