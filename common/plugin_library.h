// Opening plugin shared objects, for every Ingot program that takes plugins
// (the conductor, the agent): which directories, which files, and the ABI
// handshake. A program passes its own entry-point names and ABI version;
// what a plugin registers is the program's business.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ingot {

struct PluginEntryPoints {
    const char* abi_symbol;       // int f(void): the ABI the plugin was built for
    const char* register_symbol;  // the registration function
    int abi_version;              // what this program accepts
    const char* macro;            // how a plugin defines them, for the error message
    const char* program;          // "conductor", "agent", for the error message
};

struct PluginLibrary {
    void* register_function = nullptr;  // null when `error` says why
    std::string error;
};

// dlopen()s `path` (RTLD_NOW | RTLD_LOCAL) and checks its ABI version. On
// failure the library is closed again and `error` says why, in a sentence
// that names the fix. A library that opened is never closed: its code may
// be referenced by objects that live until exit.
PluginLibrary open_plugin_library(const std::string& path, const PluginEntryPoints& entry);

// `configured` (or, when empty, <prefix>/<default_relative_dir> next to the
// running executable), then the directories in the environment variable
// `env_var` (colon-separated).
std::vector<std::string> plugin_directories(const std::vector<std::string>& configured,
                                            const std::string& default_relative_dir, const char* env_var);

// The *.so files of each existing directory, sorted within a directory; a
// file reached twice (a directory named twice, a symlink) is listed once.
std::vector<std::string> plugin_files(const std::vector<std::string>& dirs);

struct PluginLoadResult {
    std::string path;
    bool loaded = false;
    std::string error;  // why it was skipped
};

// Loads every plugin file of `dirs` with `load_one` (which returns an error
// sentence, empty when the plugin registered), logging
// `<event_prefix>.loaded` or `<event_prefix>.skipped` with the file.
std::vector<PluginLoadResult> load_plugin_files(const std::vector<std::string>& dirs,
                                                const std::function<std::string(const std::string&)>& load_one,
                                                const std::string& event_prefix);

}  // namespace ingot
