#include "vbmc/qmp_client.h"

#include "common/json_input.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ingot::vbmc {

using Clock = std::chrono::steady_clock;

QmpClient::QmpClient(const std::string& socket_path, std::chrono::milliseconds timeout) : timeout_(timeout) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof addr.sun_path)
        throw QmpError("QMP socket path is too long for a unix socket: " + socket_path);
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw QmpError(std::string("socket: ") + std::strerror(errno));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::string why = std::strerror(errno);
        close(fd_);
        fd_ = -1;
        throw QmpError("cannot connect to QMP socket " + socket_path + ": " + why);
    }
    try {
        nlohmann::json greeting = read_message();
        if (!greeting.contains("QMP")) throw QmpError("unexpected QMP greeting: " + greeting.dump());
        execute("qmp_capabilities");
    } catch (...) {
        close(fd_);
        fd_ = -1;
        throw;
    }
}

QmpClient::~QmpClient() {
    if (fd_ >= 0) close(fd_);
}

void QmpClient::send_line(const std::string& line) {
    size_t sent = 0;
    while (sent < line.size()) {
        ssize_t n = send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw QmpError(std::string("QMP write failed: ") + std::strerror(errno));
        sent += static_cast<size_t>(n);
    }
}

nlohmann::json QmpClient::read_message() {
    const auto deadline = Clock::now() + timeout_;
    for (;;) {
        if (auto eol = buffer_.find('\n'); eol != std::string::npos) {
            std::string line = buffer_.substr(0, eol);
            buffer_.erase(0, eol + 1);
            if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
            auto msg = try_parse_json(line);
            if (msg.is_discarded()) throw QmpError("QEMU sent invalid JSON: " + line);
            return msg;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) throw QmpError("QEMU did not answer on QMP within " + std::to_string(timeout_.count()) + " ms");
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) throw QmpError(std::string("QMP poll failed: ") + std::strerror(errno));
        if (r == 0) continue;  // the deadline check above throws
        char chunk[4096];
        ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw QmpError("QEMU closed the QMP connection");
        buffer_.append(chunk, static_cast<size_t>(n));
    }
}

nlohmann::json QmpClient::execute(const std::string& command, const nlohmann::json& arguments) {
    nlohmann::json request = {{"execute", command}};
    if (!arguments.empty()) request["arguments"] = arguments;
    send_line(request.dump() + "\n");
    for (;;) {
        nlohmann::json msg = read_message();
        if (msg.contains("event")) continue;  // e.g. SHUTDOWN, DEVICE_TRAY_MOVED
        if (auto err = msg.find("error"); err != msg.end())
            throw QmpError("QMP " + command + " failed: " + err->value("desc", err->dump()));
        if (auto ret = msg.find("return"); ret != msg.end()) return *ret;
        throw QmpError("unexpected QMP reply to " + command + ": " + msg.dump());
    }
}

}  // namespace ingot::vbmc
