// The conductor's REST API as a client reaches it: the real Dispatcher
// (content-type and version checks, routing, body limit, error mapping)
// over the real controllers and a SQLite file in a temporary directory.
// Each input is one request: method, path, query, headers and body.
//
// Invariants, beyond "no crash and no sanitizer report":
// - every answer is a well-formed Ironic answer: a status below 500 (503
//   only when the worker pool is full), an error body that is
//   {"error_message": "<JSON with faultstring or description>"}, a success
//   body that is empty or JSON;
// - a refused write (status >= 400) leaves the nodes, ports, portgroups and
//   chassis exactly as they were;
// - the BMC password of the node every input can reach is never answered.
#include <fuzzer/FuzzedDataProvider.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "common/json_input.h"
#include "conductor/api/controllers.h"
#include "conductor/api/dispatcher.h"
#include "conductor/context.h"
#include "conductor/options.h"
#include "fuzz/support/fuzz_support.h"

using namespace ingot;

namespace {

constexpr const char* kSecret = "fuzz-bmc-secret-4f1e";

// The conductor with only fake interfaces: no input reaches a real BMC,
// and boot files stay in the temporary directory.
struct World {
    fuzz::TempDir dir{"ingot-fuzz-api"};
    std::unique_ptr<conductor::Context> ctx;
    std::unique_ptr<api::Dispatcher> dispatcher;
    std::unique_ptr<SQLite::Database> reader;  // the checks' own connection
    std::string node_uuid;
    std::string port_uuid;

    World() {
        config::Config cfg(conductor::conductor_options());
        cfg.set("database", "connection", "sqlite:///" + dir.path() + "/ingot.sqlite");
        cfg.set("DEFAULT", "host", "fuzz-host");
        cfg.set("DEFAULT", "enabled_hardware_types", "fake-hardware");
        for (const char* kind : {"boot", "deploy", "power", "management"})
            cfg.set("DEFAULT", std::string("enabled_") + kind + "_interfaces", "fake");
        cfg.set("deploy", "http_root", dir.path() + "/httpboot");
        cfg.set("pxe", "tftp_root", dir.path() + "/tftpboot");
        cfg.set("pxe", "image_cache_dir", dir.path() + "/images");
        ctx = conductor::make_context(std::move(cfg));
        dispatcher = std::make_unique<api::Dispatcher>(api::make_router(*ctx), size_t{1} << 20);
        reader = std::make_unique<SQLite::Database>(dir.path() + "/ingot.sqlite", SQLite::OPEN_READONLY);
        seed();
    }

    api::Response send(api::Request req) {
        req.base_url = "http://127.0.0.1:6385";
        req.remote_address = req.local_address = "127.0.0.1";
        req.scheme = "http";
        api::Response r = dispatcher->handle(req);
        if (r.deferred) {
            std::promise<api::Response> answer;
            auto done = answer.get_future();
            r.deferred([&answer](api::Response late) { answer.set_value(std::move(late)); });
            r = done.get();
        }
        return r;
    }

    // One node and one port that inputs can name ("target", its UUIDs).
    void seed() {
        api::Request req;
        req.method = "POST";
        req.path = "/v1/nodes";
        req.headers = {{"content-type", "application/json"}, {"x-openstack-ironic-api-version", "latest"}};
        req.body = nlohmann::json{{"driver", "fake-hardware"},
                                  {"name", "target"},
                                  {"uuid", "1be26c0b-03f2-4d2d-ae87-c02d7f33c123"},
                                  {"driver_info", {{"ipmi_password", kSecret}, {"ipmi_address", "192.0.2.1"}}}}
                       .dump();
        api::Response r = send(req);
        fuzz::check(r.status == 201, "cannot create the seed node: " + r.body);
        node_uuid = nlohmann::json::parse(r.body).at("uuid");
        req.path = "/v1/ports";
        req.body = nlohmann::json{{"address", "52:54:00:12:34:56"},
                                  {"node_uuid", node_uuid},
                                  {"uuid", "2be26c0b-03f2-4d2d-ae87-c02d7f33c123"}}
                       .dump();
        r = send(req);
        fuzz::check(r.status == 201, "cannot create the seed port: " + r.body);
        port_uuid = nlohmann::json::parse(r.body).at("uuid");
    }

    // Everything a write may change, as text. Small tables: inputs that
    // create many rows get a fresh world (see LLVMFuzzerTestOneInput).
    std::string records() const {
        SQLite::Database& db = *reader;
        std::string out;
        for (const char* table : {"chassis", "nodes", "portgroups", "ports"}) {
            SQLite::Statement rows(db, std::string("SELECT * FROM ") + table + " ORDER BY id");
            while (rows.executeStep()) {
                for (int i = 0; i < rows.getColumnCount(); ++i) out += rows.getColumn(i).getString() + '\x1f';
                out += '\n';
            }
        }
        return out;
    }

    // Whether inputs still have the seed node to aim at, and not too many others.
    bool worth_keeping() const {
        SQLite::Database& db = *reader;
        SQLite::Statement seed(db, "SELECT count(*) FROM nodes WHERE uuid = ?");
        seed.bind(1, node_uuid);
        seed.executeStep();
        return seed.getColumn(0).getInt64() == 1 && db.execAndGet("SELECT count(*) FROM nodes").getInt64() <= 50;
    }

    // Accepted provision and power verbs run on the worker pool; the next
    // request must not race them (a refused one would seem to write).
    void wait_for_workers() const {
        for (int quiet = 0; quiet < 3;) {
            if (ctx->workers->busy() == 0) {
                ++quiet;
            } else {
                quiet = 0;
            }
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }
};

std::unique_ptr<World> g_world;

const char* const kMethods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"};
const char* const kSegments[] = {
    "v1",         "nodes",   "ports",       "portgroups",    "chassis",     "drivers",     "conductors",
    "detail",     "states",  "provision",   "power",         "maintenance", "validate",    "vendor_passthru",
    "target",     "history", "boot_device", "supported",     "lookup",      "heartbeat",   "extensions",
    "properties", "raid",    "traits",      "fake-hardware", "boot_mode",   "secure_boot", "inject_nmi",
    "indicators", "bios",    "management",  "console",       "vifs",        "allocations"};
const char* const kVersions[] = {"latest", "1.1", "1.9", "1.31", "1.45", "1.58", "1.82", "1.83", "2.0"};

std::string segment(FuzzedDataProvider& in, const World& w) {
    switch (in.ConsumeIntegralInRange(0, 5)) {
        case 0:
            return in.ConsumeRandomLengthString(40);
        case 1:
            return w.node_uuid;
        case 2:
            return w.port_uuid;
        default:
            return in.PickValueInArray(kSegments);
    }
}

api::Request request_from(FuzzedDataProvider& in, const World& w) {
    api::Request req;
    req.method = in.ConsumeBool() ? in.PickValueInArray(kMethods) : in.ConsumeRandomLengthString(8);
    const int depth = in.ConsumeIntegralInRange(0, 6);
    for (int i = 0; i < depth; ++i) req.path += "/" + segment(in, w);
    if (req.path.empty() || in.ConsumeIntegralInRange(0, 15) == 0) req.path = in.ConsumeRandomLengthString(60);
    for (int q = in.ConsumeIntegralInRange(0, 3); q > 0; --q) {
        std::string key = in.ConsumeRandomLengthString(16);
        req.query.emplace_back(std::move(key), in.ConsumeRandomLengthString(40));
    }
    if (in.ConsumeBool())
        req.headers["x-openstack-ironic-api-version"] =
            in.ConsumeBool() ? in.PickValueInArray(kVersions) : in.ConsumeRandomLengthString(16);
    if (in.ConsumeIntegralInRange(0, 7) == 0)
        req.headers["openstack-api-version"] = "baremetal " + in.ConsumeRandomLengthString(12);
    if (in.ConsumeIntegralInRange(0, 7) != 0) {
        req.headers["content-type"] = "application/json";
    } else if (in.ConsumeBool()) {
        req.headers["content-type"] = in.ConsumeRandomLengthString(32);
    }
    if (in.ConsumeIntegralInRange(0, 7) == 0)
        req.headers[in.ConsumeRandomLengthString(24)] = in.ConsumeRandomLengthString(32);
    req.body = in.ConsumeRemainingBytesAsString();
    return req;
}

void check_answer(const api::Request& req, const api::Response& r) {
    const std::string what = req.method + " " + req.path + " -> " + std::to_string(r.status) + " " + r.body;
    fuzz::check(r.status >= 100 && r.status < 600, "impossible status: " + what);
    fuzz::check(r.status < 500 || r.status == 503, "server error: " + what);
    if (r.status >= 400) {
        auto outer = try_parse_json(r.body);
        fuzz::check(outer.is_object() && outer.contains("error_message") && outer["error_message"].is_string(),
                    "error body is not Ironic's: " + what);
        auto inner = try_parse_json(outer["error_message"].get<std::string>());
        fuzz::check(inner.is_object() && (inner.contains("faultstring") || inner.contains("description")),
                    "error_message holds no fault: " + what);
    } else if (!r.body.empty() && r.file.empty()) {
        fuzz::check(!try_parse_json(r.body).is_discarded(), "success body is not JSON: " + what);
    }
    if (req.body.find(kSecret) == std::string::npos)
        fuzz::check(r.body.find(kSecret) == std::string::npos, "the BMC password was answered: " + what);
}

// Lookup and heartbeat refuse an impostor by design *and* record it (a
// revoked token, an ERROR history row): their refusals may write.
bool refusal_may_write(const api::Request& req) {
    return req.path.find("lookup") != std::string::npos || req.path.find("heartbeat") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    g_world = std::make_unique<World>();
    // libFuzzer ends a run with exit(): the worker threads must end first,
    // or the per-thread state OpenSSL keeps for them is reported as leaked.
    std::atexit([] { g_world.reset(); });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    World& w = *g_world;
    api::Request req = request_from(in, w);
    const bool write = req.method != "GET" && req.method != "HEAD";
    const std::string before = write ? w.records() : std::string();
    api::Response r = w.send(req);
    if (r.status == 202) w.wait_for_workers();  // only accepted verbs start jobs
    check_answer(req, r);
    if (write && r.status >= 400 && !refusal_may_write(req))
        fuzz::check(w.records() == before, "a refused " + req.method + " " + req.path + " (" +
                                               std::to_string(r.status) + ") changed the records: " + r.body);
    // Keep every input's work small and aimed: a world grown past 50 nodes,
    // or without its seed node, starts over.
    if (write && r.status < 300 && !w.worth_keeping()) {
        g_world.reset();
        g_world = std::make_unique<World>();
    }
    return 0;
}
