#include "ramdisk-agent/plan/hints.h"

#include <algorithm>
#include <map>

#include "common/errors.h"
#include "common/json_input.h"
#include "common/process.h"
#include "common/strings.h"
#include "ramdisk-agent/plan/plan_error.h"

namespace ingot::agent::plan {

namespace {

using nlohmann::json;

enum class HintType { integer, text, boolean };

const std::map<std::string, HintType>& hint_types() {
    static const std::map<std::string, HintType> types = {
        {"size", HintType::integer},
        {"model", HintType::text},
        {"vendor", HintType::text},
        {"serial", HintType::text},
        {"wwn", HintType::text},
        {"wwn_with_extension", HintType::text},
        {"wwn_vendor_extension", HintType::text},
        {"hctl", HintType::text},
        {"by_path", HintType::text},
        {"name", HintType::text},
        {"rotational", HintType::boolean},
    };
    return types;
}

// One hint as an operator and its operands ("<or>" has several).
struct Expr {
    std::string op;
    std::vector<std::string> values;
};

const std::vector<std::string> kIntOps = {"<or>", "==", "!=", ">=", "<=", ">", "<", "="};
const std::vector<std::string> kTextOps = {"<or>", "<in>", "s==", "s!=", "s>=", "s<=", "s>", "s<"};

std::optional<bool> parse_bool(const json& v) {
    if (v.is_boolean()) return v.get<bool>();
    if (!v.is_string()) return std::nullopt;
    auto s = to_lower(trim(v.get<std::string>()));
    if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "0" || s == "no" || s == "off") return false;
    return std::nullopt;
}

// Parses "<op> value" (or a bare value: "==" for size, "s==" for text, as
// Ironic defaults them). Returns nullopt with `why` set on a bad hint.
std::optional<Expr> parse_expr(const std::string& hint, HintType type, const json& v, std::string& why) {
    if (type == HintType::integer && v.is_number_integer()) return Expr{"==", {std::to_string(v.get<long long>())}};
    if (!v.is_string()) {
        why = "must be " + std::string(type == HintType::integer ? "an integer or \"<op> N\"" : "a string");
        return std::nullopt;
    }
    std::string text = trim(v.get<std::string>());
    const auto& ops = type == HintType::integer ? kIntOps : kTextOps;
    Expr e{type == HintType::integer ? "==" : "s==", {}};
    for (const auto& op : ops) {
        if (starts_with(text, op)) {
            e.op = op;
            break;
        }
    }
    if (e.op == "<or>") {
        // "<or> a <or> b"
        std::string rest = text;
        size_t pos = 0;
        while ((pos = rest.find("<or>")) != std::string::npos) rest.replace(pos, 4, "\x1f");
        for (auto& part : split(rest, '\x1f')) {
            auto t = trim(part);
            if (!t.empty()) e.values.push_back(t);
        }
    } else {
        std::string operand = starts_with(text, e.op) ? trim(text.substr(e.op.size())) : text;
        e.values.push_back(operand);
    }
    if (e.values.empty() || e.values[0].empty()) {
        why = "\"" + text + "\" has no value";
        return std::nullopt;
    }
    for (auto& value : e.values) {
        if (type == HintType::integer) {
            long long n = 0;
            if (!parse_int(value, n) || n < 0) {
                why = "\"" + text + "\" is not an integer comparison (size is in GiB)";
                return std::nullopt;
            }
        }
        // Ironic accepts short names for these two.
        if (hint == "name" && !starts_with(value, "/dev/")) value = "/dev/" + value;
        if (hint == "by_path" && !starts_with(value, "/dev/disk/by-path/")) value = "/dev/disk/by-path/" + value;
    }
    return e;
}

bool compare_int(const std::string& op, long long actual, long long want) {
    if (op == "==") return actual == want;
    if (op == "!=") return actual != want;
    if (op == ">=" || op == "=") return actual >= want;  // oslo's "=" means "at least"
    if (op == "<=") return actual <= want;
    if (op == ">") return actual > want;
    if (op == "<") return actual < want;
    return false;
}

bool compare_text(const std::string& op, const std::string& actual, const std::string& want) {
    if (op == "s==" || op == "<or>") return actual == want;
    if (op == "s!=") return actual != want;
    if (op == "s>=") return actual >= want;
    if (op == "s<=") return actual <= want;
    if (op == "s>") return actual > want;
    if (op == "s<") return actual < want;
    if (op == "<in>") return actual.find(want) != std::string::npos;
    return false;
}

std::string text_field(const BlockDevice& d, const std::string& hint) {
    if (hint == "model") return d.model;
    if (hint == "vendor") return d.vendor;
    if (hint == "serial") return d.serial;
    if (hint == "wwn") return d.wwn;
    if (hint == "wwn_with_extension") return d.wwn_with_extension;
    if (hint == "wwn_vendor_extension") return d.wwn_vendor_extension;
    if (hint == "hctl") return d.hctl;
    if (hint == "by_path") return d.by_path;
    return d.name;
}

std::string str(const json& node, const char* key) {
    auto it = node.find(key);
    if (it == node.end() || it->is_null()) return "";
    if (it->is_string()) return trim(it->get<std::string>());
    return it->dump();
}

// Every mount point in `node`'s tree (MOUNTPOINT, or MOUNTPOINTS when asked for).
void collect_mountpoints(const json& node, std::vector<std::string>& out) {
    for (const char* key : {"mountpoint", "mountpoints"}) {
        auto it = node.find(key);
        if (it == node.end()) continue;
        if (it->is_string() && !it->get<std::string>().empty()) out.push_back(it->get<std::string>());
        if (it->is_array()) {
            for (const auto& m : *it) {
                if (m.is_string() && !m.get<std::string>().empty()) out.push_back(m.get<std::string>());
            }
        }
    }
    if (auto c = node.find("children"); c != node.end() && c->is_array()) {
        for (const auto& child : *c) collect_mountpoints(child, out);
    }
}

bool mounts_root(const json& node) {
    for (const char* key : {"mountpoint", "mountpoints"}) {
        auto it = node.find(key);
        if (it == node.end()) continue;
        if (it->is_string() && *it == "/") return true;
        if (it->is_array()) {
            for (const auto& m : *it) {
                if (m.is_string() && m == "/") return true;
            }
        }
    }
    if (auto c = node.find("children"); c != node.end() && c->is_array()) {
        for (const auto& child : *c) {
            if (mounts_root(child)) return true;
        }
    }
    return false;
}

}  // namespace

std::vector<BlockDevice> parse_lsblk(const std::string& json_text, const DiscoveryOptions& options) {
    json doc = try_parse_json(json_text);
    if (doc.is_discarded() || !doc.contains("blockdevices") || !doc["blockdevices"].is_array()) {
        throw Error("lsblk output is not the expected JSON");
    }
    std::vector<BlockDevice> out;
    for (const auto& node : doc["blockdevices"]) {
        std::string type = str(node, "type");
        if (options.only_loop) {
            if (type != "loop") continue;
        } else if (type != "disk" && !(options.include_loop && type == "loop")) {
            continue;
        }
        if (mounts_root(node)) continue;  // the running system's own disk
        // Compressed-RAM swap and RAM disks report type "disk" but are gone at reboot.
        std::string kname = str(node, "name");
        if (starts_with(kname, "zram") || starts_with(kname, "ram")) continue;
        BlockDevice d;
        d.type = type;
        collect_mountpoints(node, d.mountpoints);
        std::sort(d.mountpoints.begin(), d.mountpoints.end());
        d.mountpoints.erase(std::unique(d.mountpoints.begin(), d.mountpoints.end()), d.mountpoints.end());
        d.name = str(node, "path");
        if (d.name.empty()) d.name = "/dev/" + str(node, "name");
        if (auto s = node.find("size"); s != node.end()) {
            if (s->is_number_unsigned())
                d.size_bytes = s->get<std::uint64_t>();
            else if (s->is_string())
                d.size_bytes = std::stoull("0" + s->get<std::string>());
        }
        d.model = str(node, "model");
        d.vendor = str(node, "vendor");
        d.serial = str(node, "serial");
        d.wwn = str(node, "wwn");
        d.hctl = str(node, "hctl");
        if (auto r = node.find("rota"); r != node.end()) d.rotational = parse_bool(*r).value_or(false);
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<BlockDevice> discover_devices(const DiscoveryOptions& options) {
    auto result = run_process({"lsblk", "--json", "--bytes", "-o", kLsblkColumns});
    if (result.exit_code != 0) throw Error("lsblk failed: " + trim(result.err));
    return parse_lsblk(result.out, options);
}

void validate_hints(const json& hints, const std::string& path) {
    if (!hints.is_object()) throw PlanError(path, "root device hints must be an object");
    for (const auto& [hint, value] : hints.items()) {
        auto type = hint_types().find(hint);
        if (type == hint_types().end()) {
            std::vector<std::string> names;
            for (const auto& [n, t] : hint_types()) names.push_back(n);
            throw PlanError(path + "." + hint, "unknown root device hint (known: " + join(names, ", ") + ")");
        }
        if (type->second == HintType::boolean) {
            if (!parse_bool(value)) throw PlanError(path + "." + hint, value.dump() + " is not a boolean");
            continue;
        }
        std::string why;
        if (!parse_expr(hint, type->second, value, why)) throw PlanError(path + "." + hint, why);
    }
}

bool matches_hints(const BlockDevice& device, const json& hints) {
    for (const auto& [hint, value] : hints.items()) {
        auto type = hint_types().at(hint);
        if (type == HintType::boolean) {
            if (parse_bool(value) != device.rotational) return false;
            continue;
        }
        std::string why;
        auto e = parse_expr(hint, type, value, why);
        if (!e) return false;
        bool any = false;
        for (const auto& want : e->values) {
            if (type == HintType::integer) {
                // Ironic compares whole GiB, rounding the device down.
                auto gib = static_cast<long long>(device.size_bytes >> 30);
                any = compare_int(e->op == "<or>" ? "==" : e->op, gib, std::stoll(want));
            } else {
                any = compare_text(e->op, text_field(device, hint), want);
            }
            if (any) break;
        }
        if (!any) return false;
    }
    return true;
}

std::optional<BlockDevice> select_device(const std::vector<BlockDevice>& devices, const json& hints) {
    if (!hints.empty()) {
        for (const auto& d : devices) {
            if (matches_hints(d, hints)) return d;
        }
        return std::nullopt;
    }
    std::optional<BlockDevice> best;
    for (const auto& d : devices) {
        if (d.size_bytes < (4ULL << 30)) continue;
        if (!best || d.size_bytes < best->size_bytes) best = d;
    }
    return best;
}

void resolve_disks(DeployPlan& plan, const std::vector<BlockDevice>& devices) {
    std::vector<BlockDevice> free = devices;
    for (size_t i = 0; i < plan.disks.size(); ++i) {
        auto& disk = plan.disks[i];
        std::string path = "disks[" + std::to_string(i) + "].hints";
        validate_hints(disk.hints, path);
        auto chosen = select_device(free, disk.hints);
        if (!chosen) {
            throw PlanError(path, "no disk matches " + disk.hints.dump() + " (" + std::to_string(free.size()) +
                                      " candidate(s); the disk holding / is never one)");
        }
        disk.device = chosen->name;
        disk.size_mib = chosen->size_bytes >> 20;
        std::erase_if(free, [&](const BlockDevice& d) { return d.name == chosen->name; });
    }
}

}  // namespace ingot::agent::plan
