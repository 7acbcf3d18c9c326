// Talking to one Redfish service: authentication (HTTP basic or a session
// token, shared by every node behind the same BMC and credentials), retries
// on connection errors and 5xx answers, task monitors for actions answered
// with 202, and errors that say which BMC answered what. JSON only.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "interfaces/base_interface.h"
#include "power/redfish_driver_info.h"

namespace ingot {
class HttpClient;
struct HttpResponse;
}  // namespace ingot

namespace ingot::power {

struct RedfishSettings {
    int connection_attempts = 5;  // tries per request on connection errors and 5xx
    std::chrono::milliseconds connection_retry_interval{std::chrono::seconds(4)};
    std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};  // one HTTP exchange
    std::chrono::milliseconds task_timeout{std::chrono::minutes(5)};      // waiting on a task monitor
    std::string auth_type = "auto";                                       // when driver_info has no redfish_auth_type
};

// The BMC refused the credentials (HTTP 401), after a fresh login.
class RedfishAuthError : public interfaces::BmcError {
public:
    using BmcError::BmcError;
};

// The resource does not exist on the BMC (HTTP 404).
class RedfishNotFound : public interfaces::BmcError {
public:
    using BmcError::BmcError;
};

class RedfishClient {
public:
    // `node` names the node in error messages.
    RedfishClient(RedfishConnection connection, const RedfishSettings& settings, std::string node);
    ~RedfishClient();
    RedfishClient(const RedfishClient&) = delete;
    RedfishClient& operator=(const RedfishClient&) = delete;

    const RedfishConnection& connection() const { return connection_; }

    // `path` is an @odata.id ("/redfish/v1/Systems/1"). Throws BmcError (or
    // a subclass) on anything but a 2xx answer with a JSON object.
    nlohmann::json get(const std::string& path);
    void patch(const std::string& path, const nlohmann::json& body);
    // Runs an action; when the BMC answers 202 with a task monitor, waits
    // for the task and fails if it did not complete successfully.
    void post_action(const std::string& path, const nlohmann::json& body);

private:
    // `link` is a path or an absolute URL on the BMC (see redfish_links.h).
    HttpResponse send(const std::string& method, const std::string& link, const std::string& body);
    std::string on_bmc(const std::string& link) const;
    HttpResponse send_once(const std::string& method, const std::string& path, const std::string& body);
    void log_in();
    void wait_for_task(const std::string& monitor);
    [[noreturn]] void fail(const std::string& method, const std::string& path, const HttpResponse& r);
    std::string bmc() const;

    RedfishConnection connection_;
    RedfishSettings settings_;
    std::string node_;
    std::string session_key_;
    std::unique_ptr<HttpClient> http_;
};

}  // namespace ingot::power
