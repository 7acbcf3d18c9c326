#include "ramdisk-agent/service/plan_mode.h"

#include <fstream>
#include <sstream>

#include "common/json_input.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/render.h"
#include "ramdisk-agent/service/deploy_commands.h"

namespace ingot::agent::service {

plan::DeployPlan plan_for_payload(const nlohmann::json& payload, const std::string& driver, const DiskAccess& access) {
    if (!plan::input_drivers().contains(driver)) {
        throw plan::PlanError("", "no input driver \"" + driver + "\" (known: ironic, native)");
    }
    const nlohmann::json doc = driver == "ironic" ? ironic_document_from_params(payload) : payload;
    plan::DeployPlan plan = plan::input_drivers().create(driver)->parse(doc);
    plan::resolve_disks(plan, candidates(access).eligible);
    plan::prepare_plan(plan);
    return plan;
}

std::string plan_mode(const std::string& path, const std::string& driver, const DiskAccess& access) {
    std::ifstream in(path);
    if (!in) throw plan::PlanError("", "cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    auto payload = try_parse_json(text.str());
    if (payload.is_discarded()) throw plan::PlanError("", path + " is not JSON");
    return plan::render_plan(plan_for_payload(payload, driver, access));
}

}  // namespace ingot::agent::service
