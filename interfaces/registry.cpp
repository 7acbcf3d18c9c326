#include "interfaces/registry.h"

namespace ingot::interfaces {

void Registry::add_erased(PluginInfo info, std::type_index type, std::function<std::shared_ptr<void>()> factory) {
    if (info.name.empty() || info.name_space.empty()) throw Error("a plugin needs a namespace and a name");
    info.origin = origin_;
    auto key = std::make_pair(info.name_space, info.name);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
        throw DuplicatePlugin("duplicate plugin name '" + info.name + "' in namespace " + info.name_space +
                              ": registered by " + it->second.info.origin + " and again by " + info.origin);
    }
    entries_.emplace(key, Entry{std::move(info), type, std::move(factory)});
}

std::shared_ptr<void> Registry::create_erased(const std::string& name_space, const std::string& name,
                                              std::type_index type) const {
    auto it = entries_.find({name_space, name});
    if (it == entries_.end()) throw NotFound("no plugin '" + name + "' in namespace " + name_space);
    if (it->second.type != type)
        throw Error("plugin '" + name + "' in " + name_space + " (" + it->second.info.origin +
                    ") was registered with a different interface type");
    auto instance = it->second.factory();
    if (!instance) throw Error("plugin '" + name + "' in " + name_space + " returned no instance");
    return instance;
}

bool Registry::contains(const std::string& name_space, const std::string& name) const {
    return entries_.count({name_space, name}) > 0;
}

const PluginInfo* Registry::find(const std::string& name_space, const std::string& name) const {
    auto it = entries_.find({name_space, name});
    return it == entries_.end() ? nullptr : &it->second.info;
}

std::vector<PluginInfo> Registry::list(const std::string& name_space) const {
    std::vector<PluginInfo> out;
    for (const auto& [key, entry] : entries_)
        if (name_space.empty() || key.first == name_space) out.push_back(entry.info);
    return out;
}

void Registry::merge(Registry&& other) {
    for (const auto& [key, entry] : other.entries_) {
        auto it = entries_.find(key);
        if (it != entries_.end()) {
            throw DuplicatePlugin("duplicate plugin name '" + key.second + "' in namespace " + key.first +
                                  ": registered by " + it->second.info.origin + " and again by " + entry.info.origin);
        }
    }
    for (auto& [key, entry] : other.entries_) entries_.emplace(key, std::move(entry));
    other.entries_.clear();
}

}  // namespace ingot::interfaces
