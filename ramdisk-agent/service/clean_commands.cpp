#include "ramdisk-agent/service/clean_commands.h"

#include <algorithm>

#include "common/errors.h"
#include "common/json_input.h"
#include "common/log.h"
#include "common/strings.h"
#include "ramdisk-agent/service/deploy_commands.h"

namespace ingot::agent::service {

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

std::uint64_t number(const json& node, const char* key, std::uint64_t fallback) {
    auto it = node.find(key);
    if (it == node.end()) return fallback;
    if (it->is_number_unsigned()) return it->get<std::uint64_t>();
    if (it->is_number_integer() && it->get<long long>() >= 0) return static_cast<std::uint64_t>(it->get<long long>());
    if (it->is_string()) {
        long long n = 0;
        if (parse_int(it->get<std::string>(), n) && n >= 0) return static_cast<std::uint64_t>(n);
    }
    return fallback;
}

AgentError erase_error(const std::string& details) {
    return AgentError("BlockDeviceEraseError", 500, "Error erasing block device", details);
}

EraseTarget describe(const DiskAccess& access, const std::string& device) {
    auto r = access.inspect({"lsblk", "--json", "--bytes", "-o", "PATH,NAME,TYPE,SIZE,LOG-SEC", device});
    if (r.exit_code != 0) throw erase_error("lsblk " + device + " failed: " + trim(r.err));
    return parse_erase_target(device, r.out);
}

// The value of driver_internal_info[key] as an integer or a boolean.
json internal_value(const json& params, const char* key) {
    const json node = params.value("node", json::object());
    if (!node.is_object()) return json();
    const json info = node.value("driver_internal_info", json::object());
    return info.is_object() ? info.value(key, json()) : json();
}

json erase_devices_metadata(const DiskAccess& access, const std::vector<plan::BlockDevice>& devices) {
    std::vector<std::string> errors;
    for (const auto& device : devices) {
        try {
            check_before_writing(access, device.name);
            EraseTarget target = describe(access, device.name);
            log::info("agent.erase_metadata_start", {{"device", device.name}});
            plan::run_commands(erase_metadata_commands(target), access.runner);
            log::info("agent.erase_metadata_done", {{"device", device.name}});
        } catch (const AgentError& e) {
            if (e.type() == "ProtectedDeviceError") throw;  // never "carry on" past a safety refusal
            errors.push_back("\"" + device.name + "\": " + e.details());
        } catch (const std::exception& e) {
            log::error("agent.erase_metadata_failed", {{"device", device.name}, {"error", e.what()}});
            errors.push_back("\"" + device.name + "\": " + e.what());
        }
    }
    if (!errors.empty()) throw erase_error("Failed to erase the metadata on the device(s): " + join(errors, "; "));
    return json(nullptr);
}

json erase_devices(const DiskAccess& access, const std::vector<plan::BlockDevice>& devices, const json& params) {
    int iterations = 1;
    bool zeroize = true;
    json it = internal_value(params, "agent_erase_devices_iterations");
    if (it.is_number_integer() && it.get<int>() >= 0) iterations = it.get<int>();
    json zero = internal_value(params, "agent_erase_devices_zeroize");
    if (zero.is_boolean()) zeroize = zero.get<bool>();
    if (iterations == 0 && !zeroize) {
        log::warning("agent.erase_devices_nothing", {{"why", "0 iterations and no zeroize: nothing to do"}});
    }
    json results = json::object();
    for (const auto& device : devices) {
        check_before_writing(access, device.name);
        log::info("agent.erase_device_start", {{"device", device.name},
                                               {"iterations", std::to_string(iterations)},
                                               {"zeroize", zeroize ? "true" : "false"}});
        try {
            plan::run_commands(erase_device_commands(device.name, iterations, zeroize), access.long_runner);
        } catch (const std::exception& e) {
            throw erase_error("Erasing block device " + device.name + " failed: " + e.what());
        }
        log::info("agent.erase_device_done", {{"device", device.name}});
        results[device.name] = nullptr;
    }
    return results;
}

}  // namespace

EraseTarget parse_erase_target(const std::string& device, const std::string& lsblk_json) {
    json doc = try_parse_json(lsblk_json);
    if (doc.is_discarded() || !doc.contains("blockdevices") || !doc["blockdevices"].is_array() ||
        doc["blockdevices"].empty())
        throw erase_error("lsblk " + device + ": unexpected output");
    const json& node = doc["blockdevices"][0];
    EraseTarget t;
    t.device = device;
    t.size_bytes = number(node, "size", 0);
    t.sector_size = number(node, "log-sec", 512);
    if (t.sector_size == 0 || kMiB % t.sector_size != 0) t.sector_size = 512;
    if (auto c = node.find("children"); c != node.end() && c->is_array()) {
        for (const auto& child : *c) {
            if (child.value("type", json()) != "part") continue;
            std::string path = child.value("path", json()).is_string() ? child["path"].get<std::string>() : "";
            if (path.empty() && child.value("name", json()).is_string())
                path = "/dev/" + child["name"].get<std::string>();
            if (!path.empty()) t.partitions.push_back(path);
        }
    }
    return t;
}

std::vector<plan::Command> erase_metadata_commands(const EraseTarget& t) {
    std::vector<plan::Command> out;
    for (auto it = t.partitions.rbegin(); it != t.partitions.rend(); ++it)
        out.push_back({"wipefs", "--force", "--all", *it});
    out.push_back({"wipefs", "--force", "--all", t.device});
    const std::uint64_t sector = t.sector_size;
    const std::uint64_t sectors = t.size_bytes / sector;
    const std::uint64_t mib_sectors = kMiB / sector;
    const std::uint64_t first = std::min(sectors, mib_sectors);
    const auto dd = [&](std::uint64_t count, std::uint64_t seek) {
        plan::Command c = {"dd",
                           "if=/dev/zero",
                           "of=" + t.device,
                           "bs=" + std::to_string(sector),
                           "count=" + std::to_string(count),
                           "oflag=direct"};
        if (seek) c.push_back("seek=" + std::to_string(seek));
        return c;
    };
    if (first) out.push_back(dd(first, 0));
    // The last MiB, unless the first already covered it.
    if (sectors > mib_sectors) {
        const std::uint64_t seek = std::max(sectors - mib_sectors, mib_sectors);
        out.push_back(dd(sectors - seek, seek));
    }
    out.push_back({"sgdisk", "-Z", t.device});
    return out;
}

std::vector<plan::Command> erase_device_commands(const std::string& device, int iterations, bool zeroize) {
    plan::Command c = {"shred", "--force"};
    if (zeroize) c.push_back("--zero");
    c.insert(c.end(), {"--verbose", "--iterations", std::to_string(iterations), device});
    return {c};
}

json execute_clean_step(const DiskAccess& access, const json& params) {
    const json step = params.value("step", json());
    if (!step.is_object() || !step.contains("step"))
        throw execution_error("Malformed clean_step, no \"step\" key: " + step.dump());
    const std::string name = step["step"].is_string() ? step["step"].get<std::string>() : step["step"].dump();
    if (name != "erase_devices_metadata" && name != "erase_devices") throw method_not_found(name);

    // SAFETY: before discovery, as for a deploy.
    require_disk_writes(access.policy, access.pid);
    Candidates c = candidates(access);
    // Partitions before their disk goes (IPA sorts by name, reversed).
    std::sort(c.eligible.begin(), c.eligible.end(),
              [](const plan::BlockDevice& a, const plan::BlockDevice& b) { return a.name > b.name; });
    std::vector<std::string> names;
    for (const auto& d : c.eligible) names.push_back(d.name);
    const json node = params.value("node", json::object());
    const std::string node_uuid = node.is_object() ? node.value("uuid", std::string()) : "";
    log::info("agent.clean_step_start", {{"node", node_uuid}, {"step", name}, {"devices", join(names, ",")}});
    json result;
    try {
        result = name == "erase_devices" ? erase_devices(access, c.eligible, params)
                                         : erase_devices_metadata(access, c.eligible);
    } catch (const AgentError&) {
        throw;
    } catch (const std::exception& e) {
        throw AgentError("CleaningError", 500, "Clean step failed",
                         "Unexpected exception performing clean step " + name + ". " + e.what());
    }
    log::info("agent.clean_step_done", {{"node", node_uuid}, {"step", name}});
    return {{"clean_result", result}, {"clean_step", step}};
}

void add_clean_commands(CommandRegistry& registry, const DiskAccess& access) {
    registry.add("clean", "execute_clean_step",
                 {[access](const json& params) { return execute_clean_step(access, params); }, true});
}

}  // namespace ingot::agent::service
