#include "vbmc/config.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/errors.h"
#include "common/ids.h"
#include "common/json_input.h"
#include "vbmc/memory_machine.h"
#include "vbmc/qemu_machine.h"

namespace ingot::vbmc {
namespace {

using json = nlohmann::json;

class Reader {
public:
    Reader(const json& obj, std::string where) : obj_(obj), where_(std::move(where)) {
        if (!obj_.is_object()) fail("", "must be a JSON object");
    }

    // Every key must be one of `known`.
    void only(std::initializer_list<const char*> known) const {
        for (const auto& [key, value] : obj_.items()) {
            bool ok = false;
            for (const char* k : known) ok = ok || key == k;
            if (!ok) fail(key, "is not a known key");
        }
    }
    bool has(const char* key) const { return obj_.contains(key); }
    const json& at(const char* key) const { return obj_.at(key); }

    std::string str(const char* key, const std::string& fallback) const {
        if (!has(key)) return fallback;
        if (!obj_[key].is_string()) fail(key, "must be a string");
        return obj_[key].get<std::string>();
    }
    int integer(const char* key, int fallback, int min) const {
        if (!has(key)) return fallback;
        if (!obj_[key].is_number_integer() || obj_[key].get<long long>() < min || obj_[key].get<long long>() > 1 << 24)
            fail(key, "must be an integer >= " + std::to_string(min));
        return obj_[key].get<int>();
    }
    bool boolean(const char* key, bool fallback) const {
        if (!has(key)) return fallback;
        if (!obj_[key].is_boolean()) fail(key, "must be true or false");
        return obj_[key].get<bool>();
    }
    std::vector<std::string> strings(const char* key) const {
        std::vector<std::string> out;
        if (!has(key)) return out;
        if (!obj_[key].is_array()) fail(key, "must be a list of strings");
        for (const auto& v : obj_[key]) {
            if (!v.is_string()) fail(key, "must be a list of strings");
            out.push_back(v.get<std::string>());
        }
        return out;
    }
    [[noreturn]] void fail(const std::string& key, const std::string& why) const {
        throw ConfigError(where_ + (key.empty() ? "" : " key \"" + key + "\"") + " " + why);
    }

private:
    const json& obj_;
    std::string where_;
};

bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
    return true;
}

std::string checked_mac(const Reader& r, const char* key, const std::string& mac) {
    std::string out;
    if (!normalize_mac(mac, out)) r.fail(key, "has an invalid MAC address: " + mac);
    return out;
}

QemuConfig parse_qemu(const json& obj, const std::string& where, const std::string& id, const std::string& base_dir) {
    Reader r(obj, where + " \"qemu\"");
    r.only({"binary", "memory_mib", "cpus", "firmware", "ovmf", "disk", "nics", "no_reboot", "max_runtime_s",
            "graceful_timeout_s", "download_timeout_s", "extra_args"});
    QemuConfig q;
    q.binary = r.str("binary", q.binary);
    q.memory_mib = r.integer("memory_mib", q.memory_mib, 16);
    q.cpus = r.integer("cpus", q.cpus, 1);
    const std::string firmware = r.str("firmware", "bios");
    if (firmware != "bios" && firmware != "uefi") r.fail("firmware", "must be \"bios\" or \"uefi\"");
    q.firmware = firmware == "uefi" ? BootMode::UEFI : BootMode::Legacy;
    q.ovmf = r.str("ovmf", q.ovmf);
    if (r.has("disk")) {
        Reader d(r.at("disk"), where + " \"qemu.disk\"");
        d.only({"path", "format"});
        q.disk_path = d.str("path", "");
        if (q.disk_path.empty()) d.fail("path", "is required");
        if (std::filesystem::path(q.disk_path).is_relative() && !base_dir.empty())
            q.disk_path = (std::filesystem::path(base_dir) / q.disk_path).string();
        q.disk_format = d.str("format", "raw");
    }
    if (r.has("nics")) {
        if (!r.at("nics").is_array()) r.fail("nics", "must be a list");
        for (const auto& n : r.at("nics")) {
            Reader nr(n, where + " \"qemu.nics\" entry");
            nr.only({"mac", "model", "user_options"});
            QemuNic nic;
            const std::string mac = nr.str("mac", "");
            nic.mac = mac.empty() ? mac_for(id, q.nics.size()) : checked_mac(nr, "mac", mac);
            nic.model = nr.str("model", nic.model);
            nic.user_options = nr.str("user_options", "");
            q.nics.push_back(nic);
        }
    } else {
        q.nics.push_back(QemuNic{mac_for(id, 0)});
    }
    q.no_reboot = r.boolean("no_reboot", false);
    q.max_runtime_s = r.integer("max_runtime_s", 0, 0);
    q.graceful_timeout_s = r.integer("graceful_timeout_s", q.graceful_timeout_s, 0);
    q.download_timeout_s = r.integer("download_timeout_s", q.download_timeout_s, 1);
    q.extra_args = r.strings("extra_args");
    return q;
}

}  // namespace

std::string mac_for(const std::string& id, size_t index) {
    // FNV-1a: stable across runs and platforms, unlike std::hash.
    uint32_t h = 2166136261u;
    for (char c : id + "#" + std::to_string(index)) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    char mac[18];
    std::snprintf(mac, sizeof mac, "52:54:00:%02x:%02x:%02x", (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
    return mac;
}

std::vector<SystemConfig> parse_config(const json& doc, const std::string& base_dir) {
    Reader top(doc, "config");
    top.only({"systems"});
    if (!top.has("systems") || !top.at("systems").is_array() || top.at("systems").empty())
        top.fail("systems", "must be a non-empty list");
    std::vector<SystemConfig> out;
    std::set<std::string> ids;
    for (const auto& entry : top.at("systems")) {
        const std::string where = "system #" + std::to_string(out.size());
        Reader r(entry, where);
        r.only({"id", "name", "uuid", "backend", "macs", "memory_mib", "cpus", "qemu"});
        SystemConfig s;
        s.info.id = r.str("id", "");
        if (!valid_id(s.info.id)) r.fail("id", "must be 1-64 characters of A-Z a-z 0-9 . _ -");
        if (!ids.insert(s.info.id).second) r.fail("id", "repeats \"" + s.info.id + "\"");
        const std::string where_id = "system \"" + s.info.id + "\"";
        s.info.name = r.str("name", s.info.id);
        s.info.uuid = r.str("uuid", "");
        if (s.info.uuid.empty()) {
            s.info.uuid = generate_uuid();
        } else if (!is_uuid_like(s.info.uuid)) {
            r.fail("uuid", "is not a UUID");
        } else {
            s.info.uuid = normalize_uuid(s.info.uuid);
        }
        s.backend = r.str("backend", "memory");
        if (s.backend == "memory") {
            if (r.has("qemu")) r.fail("qemu", "is only for \"backend\": \"qemu\"");
            for (const auto& mac : r.strings("macs")) s.info.macs.push_back(checked_mac(r, "macs", mac));
            if (s.info.macs.empty()) s.info.macs.push_back(mac_for(s.info.id, 0));
            s.info.memory_mib = r.integer("memory_mib", s.info.memory_mib, 1);
            s.info.cpus = r.integer("cpus", s.info.cpus, 1);
        } else if (s.backend == "qemu") {
            if (r.has("macs") || r.has("memory_mib") || r.has("cpus"))
                r.fail("", "sets macs, memory_mib and cpus inside \"qemu\"");
            s.qemu = parse_qemu(r.has("qemu") ? r.at("qemu") : json::object(), where_id, s.info.id, base_dir);
            for (const auto& nic : s.qemu.nics) s.info.macs.push_back(nic.mac);
            s.info.memory_mib = s.qemu.memory_mib;
            s.info.cpus = s.qemu.cpus;
        } else {
            r.fail("backend", "must be \"memory\" or \"qemu\"");
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<SystemConfig> load_config_file(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw ConfigError("cannot read config file " + path);
    std::stringstream text;
    text << f.rdbuf();
    json doc = try_parse_json(text.str());
    if (doc.is_discarded()) throw ConfigError("config file " + path + " is not valid JSON");
    return parse_config(doc, std::filesystem::path(path).parent_path().string());
}

std::vector<SystemConfig> memory_systems(int count) {
    std::vector<SystemConfig> out;
    for (int i = 0; i < count; ++i) {
        SystemConfig s;
        s.info.id = "node-" + std::to_string(i);
        s.info.name = s.info.id;
        s.info.uuid = generate_uuid();
        s.info.macs = {mac_for(s.info.id, 0)};
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<std::unique_ptr<Machine>> make_machines(const std::vector<SystemConfig>& systems,
                                                    const std::string& state_dir) {
    std::vector<std::unique_ptr<Machine>> out;
    for (const auto& s : systems) {
        if (s.backend == "qemu") {
            out.push_back(std::make_unique<QemuMachine>(s.info, s.qemu, state_dir + "/" + s.info.id));
        } else {
            out.push_back(std::make_unique<MemoryMachine>(s.info));
        }
    }
    return out;
}

}  // namespace ingot::vbmc
