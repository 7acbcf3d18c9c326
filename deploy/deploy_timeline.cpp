#include "deploy/deploy_timeline.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

namespace ingot::deploy {
namespace {

using nlohmann::json;
constexpr const char* kKey = "deploy_timeline";

long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

void timeline_start(json& internal) {
    internal[kKey] = {{"started_at_ms", now_ms()}, {"milestones", json::array()}};
}

void timeline_mark(json& internal, const std::string& milestone) {
    if (!internal.is_object() || !internal.contains(kKey) || !internal[kKey].is_object()) return;
    json& t = internal[kKey];
    json& milestones = t["milestones"];
    if (!milestones.is_array()) milestones = json::array();
    for (const auto& m : milestones)
        if (m.value("name", "") == milestone) return;
    const double seconds = static_cast<double>(now_ms() - t.value("started_at_ms", now_ms())) / 1000.0;
    milestones.push_back({{"name", milestone}, {"seconds", seconds}});
}

std::string timeline_summary(const json& internal) {
    if (!internal.is_object() || !internal.contains(kKey)) return "";
    std::string out;
    for (const auto& m : internal[kKey].value("milestones", json::array())) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1fs", m.value("seconds", 0.0));
        if (!out.empty()) out += ' ';
        out += m.value("name", "") + "=" + buf;
    }
    return out;
}

}  // namespace ingot::deploy
