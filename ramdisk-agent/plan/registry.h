// A registry of named factories, one per plugin namespace of the agent
// (`ingot.agent.input_drivers`, `ingot.agent.actions`). Built-ins are added
// on first use rather than by static registrars, which a static library
// would silently drop at link time; a plugin may add more with add().
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/errors.h"

namespace ingot::agent::plan {

template <typename T>
class Registry {
public:
    using Factory = std::function<std::unique_ptr<T>()>;

    explicit Registry(std::string ns) : namespace_(std::move(ns)) {}

    void add(const std::string& name, std::string description, Factory factory) {
        if (entries_.count(name)) {
            throw Conflict("duplicate plugin name '" + name + "' in namespace " + namespace_);
        }
        entries_[name] = {std::move(description), std::move(factory)};
    }
    bool contains(const std::string& name) const { return entries_.count(name) > 0; }
    std::unique_ptr<T> create(const std::string& name) const {
        auto it = entries_.find(name);
        if (it == entries_.end()) {
            throw NotFound("no plugin '" + name + "' in namespace " + namespace_ + " (known: " + names_text() + ")");
        }
        return it->second.factory();
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& [name, entry] : entries_) out.push_back(name);
        return out;
    }
    std::string description(const std::string& name) const { return entries_.at(name).description; }
    const std::string& ns() const { return namespace_; }

private:
    struct Entry {
        std::string description;
        Factory factory;
    };
    std::string names_text() const {
        std::string out;
        for (const auto& [name, entry] : entries_) out += (out.empty() ? "" : ", ") + name;
        return out;
    }
    std::string namespace_;
    std::map<std::string, Entry> entries_;
};

}  // namespace ingot::agent::plan
