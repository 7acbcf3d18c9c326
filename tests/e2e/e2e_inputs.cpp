#include "tests/e2e/e2e_inputs.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "tests/e2e/disk_image_file.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/loop_device.h"

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

namespace {

std::string read_instance_image(const std::string& path, InstanceImage& image) {
    const auto probe = probe_partition(path, {0, 0, fs::file_size(path), "", ""});
    if (!probe.count("TYPE") || probe.at("TYPE") != "ext4" || !probe.count("UUID")) return path + " is no ext4 image";
    image = {path, sha256_of_range(path, 0, fs::file_size(path)), probe.at("UUID")};
    return "";
}

}  // namespace

std::string find_e2e_inputs(InstanceImage& image) {
    if (std::string missing = missing_ramdisk(); !missing.empty()) return missing;
    std::string error;
    const std::string path = find_instance_image(error);
    return path.empty() ? error : read_instance_image(path, image);
}

std::string missing_disk_tool() {
    for (const char* tool :
         {"genisoimage", "isoinfo", "gzip", "base64", "parted", "sgdisk", "blkid", "debugfs", "mdir"})
        if (!have_tool(tool)) return tool;
    return "";
}

void make_sparse_file(const std::string& path, std::uint64_t bytes) {
    std::ofstream(path).close();
    fs::resize_file(path, bytes);
}

std::string e2e_conductor_config(int agent_port, const std::string& api_scheme) {
    return "[DEFAULT]\n"
           "enabled_deploy_interfaces = direct\n"
           "[conductor]\n"
           "api_url = " + api_scheme + "://10.0.2.2:{port}\n"
           "deploy_kernel = file://" +
           ramdisk_dir() +
           "/ingot-agent.kernel\n"
           "deploy_ramdisk = file://" +
           ramdisk_dir() +
           "/ingot-agent.initramfs\n"
           "file_url_allowed_paths = " +
           ramdisk_dir() +
           "\n"
           "automated_clean = false\n"
           "sync_power_state_interval = 0\n"
           "deploy_callback_timeout = 480\n"
           "[deploy]\n"
           "http_root = {state_dir}/httpboot\n"
           "[pxe]\n"
           "kernel_append_params = console=ttyS0 panic=-1 ipa-advertise-host=127.0.0.1 ipa-advertise-port=" +
           std::to_string(agent_port) +
           "\n"
           "image_cache_dir = {state_dir}/master_images\n";
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
