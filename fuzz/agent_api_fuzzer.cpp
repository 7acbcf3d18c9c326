// ingot-agent's command API (ramdisk-agent/service/agent_api.h) as the
// conductor, or anyone on the provisioning network, reaches it: the real
// AgentApi over a registry with every built-in command, whose disks are
// canned and whose runners only record (fuzz/support/agent_fakes.h). Each
// input is one request: method, path, query (agent_token, wait) and body.
// standby.sync and log.collect_system_logs are left out: they take no
// input and act on the host (sync(2), journalctl), which a fuzzer must not.
//
// Invariants: every answer is a JSON object with IPA's fields (a fault has
// faultcode and faultstring), never a 500 from an unexpected exception; a
// POST without the agent's token runs nothing; the token is never
// answered.
#include <fuzzer/FuzzedDataProvider.h>

#include <nlohmann/json.hpp>

#include <future>

#include "common/json_input.h"
#include "fuzz/support/agent_fakes.h"
#include "fuzz/support/fuzz_support.h"
#include "ramdisk-agent/service/agent_api.h"
#include "ramdisk-agent/service/builtin_commands.h"

using namespace ingot;
using namespace ingot::agent::service;

namespace {

constexpr const char* kToken = "fuzz-agent-token-5e0d3a";

const char* const kMethods[] = {"GET", "POST", "PUT", "DELETE"};
const char* const kPaths[] = {"/", "/v1", "/v1/status", "/status", "/v1/commands", "/v1/commands/", "/commands"};

http::Request request_from(FuzzedDataProvider& in) {
    http::Request req;
    req.method = in.ConsumeBool() ? in.PickValueInArray(kMethods) : in.ConsumeRandomLengthString(8);
    switch (in.ConsumeIntegralInRange(0, 3)) {
        case 0:
            req.path = in.ConsumeRandomLengthString(64);
            break;
        case 1:
            req.path = "/v1/commands/" + in.ConsumeRandomLengthString(40);
            break;
        default:
            req.path = in.PickValueInArray(kPaths);
    }
    switch (in.ConsumeIntegralInRange(0, 3)) {
        case 0:
            break;
        case 1:
            req.query.emplace_back("agent_token", in.ConsumeRandomLengthString(32));
            break;
        default:
            req.query.emplace_back("agent_token", kToken);
    }
    if (in.ConsumeBool()) req.query.emplace_back("wait", in.ConsumeBool() ? "true" : in.ConsumeRandomLengthString(8));
    req.headers["content-type"] = "application/json";
    req.body = in.ConsumeRemainingBytesAsString();
    return req;
}

bool acts_on_host(const std::string& body) {
    const auto doc = try_parse_json(body);
    if (!doc.is_object() || !doc.contains("name") || !doc["name"].is_string()) return false;
    const std::string name = doc["name"];
    return name == "standby.sync" || name == "log.collect_system_logs";
}

http::Response answer(AgentApi& api, http::Request& req) {
    http::Response r = api.handle(req);
    if (!r.deferred) return r;
    std::promise<http::Response> late;
    auto done = late.get_future();
    r.deferred([&late](http::Response x) { late.set_value(std::move(x)); });
    return done.get();
}

// Whether the request carries the token anywhere an answer may quote it
// (the path of an unknown command, a body), other than as its credential.
bool echoes_token(const http::Request& req) {
    std::string quoted = req.method + req.path + req.body;
    for (const auto& [key, value] : req.query)
        if (key != "agent_token") quoted += key + value;
    return quoted.find(kToken) != std::string::npos;
}

void check_answer(const http::Request& req, const http::Response& r, size_t commands_run) {
    const std::string what = req.method + " " + req.path + " -> " + std::to_string(r.status) + " " + r.body;
    fuzz::check(r.status >= 200 && r.status < 500, "agent API status: " + what);
    const auto body = try_parse_json(r.body);
    fuzz::check(body.is_object(), "agent API body is not a JSON object: " + what);
    if (r.status >= 400)
        fuzz::check(body.contains("faultcode") && body.contains("faultstring"),
                    "agent fault without IPA's shape: " + what);
    if (!echoes_token(req))
        fuzz::check(r.body.find(kToken) == std::string::npos, "the agent token was answered: " + what);
    const auto token = req.query_value("agent_token");
    if (req.method == "POST" && token != std::optional<std::string>(kToken))
        fuzz::check(commands_run == 0, "a POST without the token ran a command: " + what);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    fuzz::eligible_devices();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    http::Request req = request_from(in);
    if (acts_on_host(req.body)) return 0;
    // A fresh agent per input: results and the deploy state do not pile up.
    CommandRegistry registry;
    AgentToken token;
    token.set(kToken);
    BuiltinOptions options;
    options.disks = fuzz::fake_disk_access();
    add_builtin_commands(registry, options);
    AgentApi api(registry, token, "fuzz");
    const http::Response r = answer(api, req);
    check_answer(req, r, registry.results().size());
    return 0;
}
