#include "ramdisk-agent/plan/render.h"

#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "common/json_input.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/plan_error.h"

namespace ingot::agent::plan {

void prepare_plan(DeployPlan& plan) {
    for (const auto& name : deploy_order()) actions().create(name)->validate(plan);
}

std::string shell_quote(const std::string& arg) {
    if (!arg.empty() &&
        arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+:,./%@") ==
            std::string::npos) {
        return arg;
    }
    std::string out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string render_plan(const DeployPlan& original) {
    DeployPlan plan = original;
    prepare_plan(plan);
    std::ostringstream out;
    for (const auto& name : deploy_order()) {
        auto action = actions().create(name);
        out << "# " << name << "\n";
        for (const auto& note : action->notes(plan)) out << "#   " << note << "\n";
        for (const auto& argv : action->commands(plan)) {
            for (size_t i = 0; i < argv.size(); ++i) out << (i ? " " : "") << shell_quote(argv[i]);
            out << "\n";
        }
    }
    return out.str();
}

DeployPlan plan_from_file(const std::string& path, const std::string& driver, const DiscoveryOptions& discovery) {
    std::ifstream f(path);
    if (!f) throw InvalidInput("cannot read " + path);
    std::stringstream text;
    text << f.rdbuf();
    auto doc = try_parse_json(text.str());
    if (doc.is_discarded()) throw PlanError("", path + " is not JSON");
    DeployPlan plan = input_drivers().create(driver)->parse(doc);
    resolve_disks(plan, discover_devices(discovery));
    prepare_plan(plan);
    return plan;
}

}  // namespace ingot::agent::plan
