// What a Redfish BMC answers, as the redfish power, management and virtual
// media interfaces read it: the real RedfishClient and RedfishSystem talk
// HTTP to a local server whose every answer (status, body, Location) comes
// from the input, in request order. The first input byte picks the
// operation; with its high bit set, the rest is a link the BMC hands back
// (an @odata.id, a task monitor) checked by bmc_path() alone.
//
// Invariants: every failure is a typed error (BmcError and its kinds,
// InvalidInput), never a library exception or a crash; no error message
// holds the BMC password; power states are Ironic's; a link bmc_path()
// lets through names the BMC's own scheme, host and port, as libcurl's URL
// parser reads it.
#include <curl/curl.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "fuzz/support/fuzz_support.h"
#include "interfaces/power.h"
#include "power/redfish_client.h"
#include "power/redfish_links.h"
#include "power/redfish_system.h"

using namespace ingot;
using namespace ingot::power;

namespace {

constexpr const char* kPassword = "fuzz-redfish-password-71c9";
const int kStatuses[] = {200, 200, 200, 201, 202, 204, 301, 400, 401, 403, 404, 405, 409, 500, 503};

fuzz::AnsweringServer& server() {
    static fuzz::AnsweringServer s;
    return s;
}

// The URL libcurl would connect to for `base` + `path`: scheme, host, port.
std::string curl_origin(const std::string& url) {
    CURLU* u = curl_url();
    std::string out = "(unparsable)";
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
        char *scheme = nullptr, *host = nullptr, *port = nullptr;
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
        curl_url_get(u, CURLUPART_HOST, &host, 0);
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
        out = std::string(scheme ? scheme : "") + "://" + (host ? host : "") + ":" + (port ? port : "");
        curl_free(scheme);
        curl_free(host);
        curl_free(port);
    }
    curl_url_cleanup(u);
    return out;
}

void check_link(const std::string& link) {
    const std::string base = "https://bmc.example:8443";
    std::string path;
    try {
        path = bmc_path(base, link);
    } catch (const interfaces::BmcError&) {
        return;  // RedfishForeignLink, or not a path at all
    }
    fuzz::check(!path.empty() && path[0] == '/', "bmc_path made a path that is not one: " + path);
    fuzz::check(curl_origin(base + path) == "https://bmc.example:8443",
                "link " + link + " leaves the BMC: " + base + path + " is " + curl_origin(base + path));
}

http::Response answer_from(FuzzedDataProvider& in) {
    http::Response r;
    r.status = in.PickValueInArray(kStatuses);
    r.body = in.ConsumeRandomLengthString(2048);
    if (in.ConsumeBool()) r.headers.emplace_back("Location", in.ConsumeRandomLengthString(64));
    if (in.ConsumeBool()) r.headers.emplace_back("X-Auth-Token", "session-token");
    r.headers.emplace_back("Content-Type", "application/json");
    return r;
}

void operate(RedfishSystem& system, int op) {
    switch (op % 8) {
        case 0: {
            const std::string state = system.power_state();
            fuzz::check(state == interfaces::kPowerOn || state == interfaces::kPowerOff, "power state " + state);
            break;
        }
        case 1:
            system.boot_device();
            break;
        case 2:
            system.allowed_reset_types();
            break;
        case 3:
            system.media("cd");
            break;
        case 4:
            system.reset(op & 8 ? "power off" : "rebooting");
            break;
        case 5:
            system.set_boot_device(op & 8 ? "pxe" : "cdrom", op & 16, op & 32 ? "uefi" : "");
            break;
        case 6:
            system.insert_media(op & 8 ? "cd" : "floppy", "http://images.example/boot.iso");
            break;
        default:
            system.eject_media("cd");
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    server();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const int op = data[0];
    if (op & 128) {
        check_link(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
        return 0;
    }
    FuzzedDataProvider in(data + 1, size - 1);
    server().set_answer([&in](const http::Request&) { return answer_from(in); });
    RedfishConnection connection;
    connection.address = server().base_url();
    connection.system_id = op & 64 ? "" : "/redfish/v1/Systems/1";
    connection.username = "admin";
    connection.password = kPassword;
    connection.auth_type = op & 32 ? "basic" : "auto";
    RedfishSettings settings;
    settings.connection_attempts = 1;
    settings.connection_retry_interval = std::chrono::milliseconds(0);
    settings.request_timeout = std::chrono::seconds(5);
    settings.task_timeout = std::chrono::milliseconds(100);  // below the first poll's pause: no sleeping
    try {
        RedfishClient client(connection, settings, "fuzz-node");
        RedfishSystem system(client);
        operate(system, op);
    } catch (const Error& e) {
        // Errors quote the BMC's answer: one that holds the password (the
        // fuzzer learns it from the login) may be quoted; nothing else may.
        const bool bmc_said_it =
            std::string_view(reinterpret_cast<const char*>(data), size).find(kPassword) != std::string_view::npos;
        fuzz::check(bmc_said_it || std::string(e.what()).find(kPassword) == std::string::npos,
                    std::string("an error holds the BMC password: ") + e.what());
    } catch (const std::exception& e) {
        fuzz::fail(std::string("a BMC answer made an untyped error: ") + e.what());
    }
    server().set_answer(nullptr);
    server().take_requests();
    return 0;
}
