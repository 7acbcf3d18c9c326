// The two ways a CLI command fails besides transport errors (which are
// ingot::HttpTransportError from common/http_client.h). main.cpp turns each
// into one line on stderr and an exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace ingot::cli {

// The server answered with a non-2xx status. what() is the server's own
// message (Ironic's faultstring or description), without the status.
class ApiError : public std::runtime_error {
public:
    ApiError(long status, const std::string& message) : std::runtime_error(message), status_(status) {}
    long status() const { return status_; }

private:
    long status_;
};

// "<message> (HTTP <status>)", what follows "ingot: error: ".
inline std::string api_error_line(const ApiError& e) {
    return std::string(e.what()) + " (HTTP " + std::to_string(e.status()) + ")";
}

// The command line is well-formed for CLI11 but still unusable (a "k=v"
// without '=', nothing to set). Exits 2 like CLI11's own usage errors.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace ingot::cli
