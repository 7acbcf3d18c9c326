#include "tests/e2e/config_drive.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/support/conductor_process.h"

namespace ingot::test {

std::string make_config_drive(const std::string& work_dir, const nlohmann::json& meta_data) {
    namespace fs = std::filesystem;
    const fs::path tree = fs::path(work_dir) / "config-drive";
    fs::create_directories(tree / "openstack" / "latest");
    std::ofstream(tree / "openstack" / "latest" / "meta_data.json") << meta_data.dump();
    const std::string iso = work_dir + "/config-drive.iso";
    auto r = run({"genisoimage", "-quiet", "-R", "-J", "-V", "config-2", "-o", iso, tree.string()});
    if (r.exit_code != 0) throw std::runtime_error("genisoimage failed: " + r.err);
    // -n: no name or time stamp in the gzip header; -k: keep the ISO.
    r = run({"gzip", "-n", "-k", "-f", iso});
    if (r.exit_code != 0) throw std::runtime_error("gzip failed: " + r.err);
    r = run({"base64", "-w0", iso + ".gz"});
    if (r.exit_code != 0 || r.out.empty()) throw std::runtime_error("base64 failed: " + r.err);
    return r.out;
}

std::string read_config_drive_meta_data(const std::string& iso) {
    auto r = run({"isoinfo", "-R", "-i", iso, "-x", "/openstack/latest/meta_data.json"});
    return r.exit_code == 0 ? r.out : "";
}

}  // namespace ingot::test
