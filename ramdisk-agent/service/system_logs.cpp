#include "ramdisk-agent/service/system_logs.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/process.h"
#include "ramdisk-agent/service/command_result.h"

namespace ingot::agent::service {
namespace {

std::string output_of(const std::vector<std::string>& argv) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(30);
    options.log = false;  // the output is the payload, not for our log
    try {
        auto r = run_process(argv, options);
        if (r.exit_code == 0) return r.out;
        return r.out + "\n[" + argv[0] + " exited with " + std::to_string(r.exit_code) + "]\n" + r.err;
    } catch (const std::exception& e) {
        return std::string("[") + argv[0] + " could not be run: " + e.what() + "]\n";
    }
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

}  // namespace

std::string base64_encode(const std::string& data) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                     static_cast<unsigned char>(data[i + 2]);
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < data.size()) {
        unsigned v = static_cast<unsigned char>(data[i]) << 16;
        if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += i + 1 < data.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string collect_system_logs() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ingot-agent-logs-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw execution_error("cannot create a temporary directory for the logs");
    const std::filesystem::path dir(tmpl);
    std::string encoded;
    try {
        write_file(dir / "journal.txt", output_of({"journalctl", "--no-pager", "-b"}));
        write_file(dir / "dmesg.txt", output_of({"dmesg"}));
        const auto archive = dir / "logs.tar.gz";
        ProcessOptions options;
        options.timeout = std::chrono::seconds(60);
        auto r =
            run_process({"tar", "-czf", archive.string(), "-C", dir.string(), "journal.txt", "dmesg.txt"}, options);
        if (r.exit_code != 0) throw execution_error("tar failed: " + r.err);
        std::ifstream in(archive, std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        encoded = base64_encode(bytes.str());
    } catch (...) {
        std::filesystem::remove_all(dir);
        throw;
    }
    std::filesystem::remove_all(dir);
    return encoded;
}

}  // namespace ingot::agent::service
