// One registry of named implementations, keyed by namespace and name, as
// stevedore's entry points: "ingot.hardware_types", "ingot.boot",
// "ingot.deploy", "ingot.power", "ingot.management", ..., "ingot.extensions",
// and on the agent "ingot.agent.actions", "ingot.agent.input_drivers".
// Built-ins register explicitly at start (no static-initialisation order to
// get wrong); plugins register from their entry point (plugin.h).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

#include "common/errors.h"

namespace ingot::interfaces {

inline constexpr const char* kHardwareTypesNamespace = "ingot.hardware_types";
inline constexpr const char* kExtensionsNamespace = "ingot.extensions";
// "boot" -> "ingot.boot"
inline std::string interface_namespace(const std::string& kind) {
    return "ingot." + kind;
}

struct PluginInfo {
    std::string name_space;  // e.g. "ingot.power"
    std::string name;        // e.g. "ipmitool"
    std::string version;
    std::string description;  // one line
    std::string origin;       // "built-in" or the plugin file's path
};

// A name registered twice in one namespace.
class DuplicatePlugin : public Error {
public:
    using Error::Error;
};

class Registry {
public:
    // Registers a factory for `T` (the namespace's base class); a name
    // already in the namespace throws DuplicatePlugin naming both origins.
    template <typename T>
    void add(PluginInfo info, std::function<std::unique_ptr<T>()> factory) {
        add_erased(std::move(info), std::type_index(typeid(T)),
                   [f = std::move(factory)]() -> std::shared_ptr<void> { return std::shared_ptr<T>(f()); });
    }

    // A new instance; throws NotFound if absent, Error if registered as
    // another type.
    template <typename T>
    std::shared_ptr<T> create(const std::string& name_space, const std::string& name) const {
        return std::static_pointer_cast<T>(create_erased(name_space, name, std::type_index(typeid(T))));
    }

    bool contains(const std::string& name_space, const std::string& name) const;
    const PluginInfo* find(const std::string& name_space, const std::string& name) const;
    // Every entry, or those of one namespace, ordered by namespace and name.
    std::vector<PluginInfo> list(const std::string& name_space = "") const;

    // Entries added from now on record this origin (a plugin's file).
    void set_origin(std::string origin) { origin_ = std::move(origin); }

    // Moves every entry of `other` here, or none: a name that exists already
    // throws DuplicatePlugin naming both origins and changes nothing.
    void merge(Registry&& other);

private:
    struct Entry {
        PluginInfo info;
        std::type_index type;
        std::function<std::shared_ptr<void>()> factory;
    };
    void add_erased(PluginInfo info, std::type_index type, std::function<std::shared_ptr<void>()> factory);
    std::shared_ptr<void> create_erased(const std::string& name_space, const std::string& name,
                                        std::type_index type) const;

    std::map<std::pair<std::string, std::string>, Entry> entries_;
    std::string origin_ = "built-in";
};

}  // namespace ingot::interfaces
