#include "tests/e2e/e2e_inputs.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "tests/integration/agent_image_http_server.h"

namespace ingot::test {

namespace fs = std::filesystem;

std::string ramdisk_dir() {
    const char* env = std::getenv("INGOT_RAMDISK_DIR");
    return env && *env ? env : INGOT_RAMDISK_DIR;
}

std::string missing_ramdisk() {
    const std::string dir = ramdisk_dir();
    for (const char* f : {"ingot-agent.kernel", "ingot-agent.initramfs"})
        if (!fs::exists(dir + "/" + f))
            return dir + "/" + f +
                   " is missing: build the agent ramdisk with `make ramdisk` (or point INGOT_RAMDISK_DIR at a "
                   "directory holding ingot-agent.kernel and ingot-agent.initramfs)";
    return "";
}

std::string find_instance_image(std::string& error) {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("INGOT_INSTANCE_IMAGE"); env && *env) candidates.push_back(env);
    candidates.push_back(ramdisk_dir() + "/instance.raw");
    candidates.push_back(std::string(INGOT_BUILD_DIR) + "/e2e/instance.raw");
    for (const auto& c : candidates)
        if (fs::exists(c)) return c;
    const std::string script = std::string(INGOT_SOURCE_DIR) + "/tests/e2e/build-instance-image";
    error = "the instance image is missing (looked for";
    for (const auto& c : candidates) error += " " + c;
    error += "): build it with " + script + " " + candidates.back() + " (make e2e-image)";
    return "";
}

std::string guest_url(const ImageHttpServer& server, const std::string& path) {
    std::string url = server.url(path);
    return url.replace(url.find("127.0.0.1"), 9, "10.0.2.2");
}

std::string conductor_log_tail(const std::string& log, std::size_t lines) {
    std::vector<std::string> kept;
    std::size_t start = 0;
    while (start < log.size()) {
        std::size_t end = log.find('\n', start);
        if (end == std::string::npos) end = log.size();
        std::string line = log.substr(start, end - start);
        if (line.find(" api.request ") == std::string::npos && line.find(" DEBUG ") == std::string::npos)
            kept.push_back(std::move(line));
        start = end + 1;
    }
    std::string out;
    for (std::size_t i = kept.size() > lines ? kept.size() - lines : 0; i < kept.size(); ++i) out += kept[i] + "\n";
    return out;
}

}  // namespace ingot::test
