// A minimal client of QEMU's machine protocol (QMP) over a unix socket:
// connect, read the greeting, negotiate capabilities, run commands one at a
// time. Asynchronous events that arrive between replies are skipped. One
// client per operation: QEMU serves a QMP socket to one client at a time.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "common/errors.h"

namespace ingot::vbmc {

// QEMU answered a command with {"error": {"class": ..., "desc": ...}}, or
// the socket failed or timed out.
class QmpError : public Error {
public:
    using Error::Error;
};

class QmpClient {
public:
    // Connects and negotiates; throws QmpError if QEMU does not answer
    // within `timeout`.
    QmpClient(const std::string& socket_path, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~QmpClient();
    QmpClient(const QmpClient&) = delete;
    QmpClient& operator=(const QmpClient&) = delete;

    // Runs `command` and returns its "return" value.
    nlohmann::json execute(const std::string& command, const nlohmann::json& arguments = nlohmann::json::object());

private:
    nlohmann::json read_message();  // one JSON line
    void send_line(const std::string& line);

    int fd_ = -1;
    std::chrono::milliseconds timeout_;
    std::string buffer_;  // bytes read past the last line
};

}  // namespace ingot::vbmc
