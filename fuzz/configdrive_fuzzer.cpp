// Config drives as the conductor hands them to the agent (Ironic's
// `configdrive`: a gzipped, base64-encoded ISO, or the JSON parts to build
// one from), through the configdrive action's checks (configdrive_action.cpp:
// base64, gzip stream, size against the config-2 partition) in a
// whole-disk or partition-image deploy planned by the `ironic` driver.
// The first input byte picks the shape: the rest as the string itself, the
// rest base64-encoded here (so that the fuzzer drives the gzip stream), or
// the rest parsed as JSON.
//
// Invariants: a bad config drive is a PlanError naming `configdrive`, never
// a library exception or a crash in the decoder; one that passes is a
// string of base64 that gunzips within 64 MiB, or JSON parts; rendering the
// plan works.
#include <string>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/json_input.h"
#include "fuzz/support/agent_fakes.h"
#include "fuzz/support/fuzz_support.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/render.h"
#include "ramdisk-agent/service/command_result.h"
#include "ramdisk-agent/service/plan_mode.h"

using namespace ingot;
using nlohmann::json;
namespace plan = ingot::agent::plan;

namespace {

std::string base64(std::string_view in) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        for (int s = 18; s >= 0; s -= 6) out += alphabet[(v >> s) & 63];
    }
    if (i + 1 == in.size()) {
        const unsigned v = (unsigned char)in[i] << 16;
        out += std::string{alphabet[v >> 18], alphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += std::string{alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], '='};
    }
    return out;
}

json params_with(const json& configdrive, bool partition_image) {
    json info = {{"id", "img-1"},
                 {"urls", {"http://images.invalid/img-1.raw"}},
                 {"os_hash_algo", "sha256"},
                 {"os_hash_value", std::string(64, 'a')},
                 {"disk_format", "raw"},
                 {"image_type", partition_image ? "partition" : "whole-disk-image"}};
    if (partition_image) {
        info["root_mb"] = 128;
        info["deploy_boot_mode"] = "uefi";
    }
    return {{"step",
             {{"interface", "deploy"},
              {"step", "write_image"},
              {"priority", 80},
              {"args", {{"image_info", info}, {"configdrive", configdrive}}}}},
            {"node", {{"uuid", "node-1"}, {"properties", json::object()}, {"instance_info", json::object()}}},
            {"ports", json::array()}};
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    fuzz::eligible_devices();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    json configdrive;
    switch (data[0] % 3) {
        case 0:
            if (!is_valid_utf8(rest)) return 0;  // a JSON string cannot hold it
            configdrive = std::string(rest);
            break;
        case 1:
            configdrive = base64(rest);
            break;
        default:
            configdrive = try_parse_json(rest);
            if (configdrive.is_discarded()) return 0;
    }
    static const auto access = fuzz::fake_disk_access();
    plan::DeployPlan p;
    try {
        p = agent::service::plan_for_payload(params_with(configdrive, data[0] & 4), "ironic", access);
    } catch (const InvalidInput&) {
        return 0;
    } catch (const agent::service::AgentError&) {
        return 0;
    } catch (const std::exception& e) {
        fuzz::fail(std::string("a config drive made an untyped error: ") + e.what());
    }
    fuzz::check(fuzz::targets_only_eligible(p), "a plan targets a disk that is not eligible");
    plan::render_plan(p);
    return 0;
}
