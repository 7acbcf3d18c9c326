// The agent's plan input drivers (ramdisk-agent/plan/*_driver.cpp through
// json_reader) as plan mode and the deploy commands reach them: a payload
// document, parsed as bodies are, handed to plan_for_payload() with the
// `native` or `ironic` driver (the first input byte picks), which chooses
// the disks among canned devices and runs every action's validate(), then
// render_plan(). Nothing runs: the runners only record.
//
// Invariants: a bad payload is a typed error (PlanError with the path of
// the field, or another InvalidInput), never a library exception; a plan
// that passes targets only eligible disks (never the one holding "/" or a
// mounted one); rendering it twice gives the same text.
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
namespace plan = ingot::agent::plan;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    fuzz::eligible_devices();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string driver = data[0] & 1 ? "ironic" : "native";
    const auto payload = try_parse_json(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
    if (payload.is_discarded()) return 0;
    static const auto access = fuzz::fake_disk_access();
    plan::DeployPlan p;
    try {
        p = agent::service::plan_for_payload(payload, driver, access);
    } catch (const InvalidInput&) {
        return 0;
    } catch (const agent::service::AgentError&) {
        return 0;
    } catch (const std::exception& e) {
        fuzz::fail("plan_for_payload (" + driver + ") threw an untyped error: " + e.what());
    }
    fuzz::check(fuzz::targets_only_eligible(p), "a plan targets a disk that is not eligible");
    const std::string text = plan::render_plan(p);
    fuzz::check(plan::render_plan(p) == text, "render_plan is not a function of the plan");
    return 0;
}
