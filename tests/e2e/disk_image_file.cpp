#include "tests/e2e/disk_image_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "common/strings.h"
#include "ramdisk-agent/image/checksum.h"
#include "tests/support/conductor_process.h"

namespace ingot::test {
namespace {

namespace fs = std::filesystem;

std::uint64_t bytes(const std::string& field) {
    // parted's "1048576B".
    return std::stoull(field.substr(0, field.find('B')));
}

// Calls `chunk(data, n)` over `length` bytes of `file` from `offset`.
template <class F>
void read_range(const std::string& file, std::uint64_t offset, std::uint64_t length, F chunk) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + file);
    in.seekg(static_cast<std::streamoff>(offset));
    std::string buf(1 << 20, '\0');
    while (length > 0) {
        const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(buf.size(), length));
        in.read(buf.data(), want);
        if (in.gcount() != want) throw std::runtime_error(file + " ends before the range does");
        chunk(buf.data(), static_cast<std::size_t>(want));
        length -= static_cast<std::uint64_t>(want);
    }
}

bool same_content(const fs::path& a, const fs::path& b) {
    if (!fs::is_regular_file(b) || fs::file_size(a) != fs::file_size(b)) return false;
    std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
    return std::equal(std::istreambuf_iterator<char>(fa), std::istreambuf_iterator<char>(),
                      std::istreambuf_iterator<char>(fb), std::istreambuf_iterator<char>());
}

}  // namespace

PartitionTable read_partition_table(const std::string& disk) {
    PartitionTable table;
    auto r = run({"parted", "-m", "-s", disk, "unit", "B", "print"});
    if (r.exit_code != 0) {
        table.error = trim(r.err + r.out);
        return table;
    }
    // BYT;
    // FILE:SIZE:file:512:512:LABEL:MODEL:;
    // NUMBER:START:END:SIZE:FS:NAME:FLAGS;
    int line_no = 0;
    for (const auto& raw : split(r.out, '\n')) {
        std::string line = trim(raw);
        if (line.empty()) continue;
        if (line.back() == ';') line.pop_back();
        const auto fields = split(line, ':');
        if (++line_no == 2 && fields.size() > 5) table.label = fields[5];
        if (line_no < 3 || fields.size() < 7) continue;
        table.partitions.push_back({std::stoi(fields[0]), bytes(fields[1]), bytes(fields[3]), fields[5], fields[6]});
    }
    return table;
}

std::map<std::string, std::string> probe_partition(const std::string& disk, const DiskPartition& part) {
    auto r =
        run({"blkid", "-p", "-o", "export", "-O", std::to_string(part.offset), "-S", std::to_string(part.size), disk});
    std::map<std::string, std::string> out;
    for (const auto& line : split(r.out, '\n')) {
        auto eq = line.find('=');
        if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

void copy_partition(const std::string& disk, const DiskPartition& part, const std::string& to) {
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    read_range(disk, part.offset, part.size, [&](const char* data, std::size_t n) { out.write(data, n); });
    if (!out) throw std::runtime_error("cannot write " + to);
}

std::string dump_ext4_files(const std::string& file, std::uint64_t offset, const std::string& to) {
    fs::create_directories(to);
    // e2fsprogs opens "FILE?offset=N" as the filesystem N bytes into FILE.
    auto r = run({"debugfs", "-R", "rdump / " + to, file + "?offset=" + std::to_string(offset)});
    return r.exit_code == 0 ? "" : r.err;
}

std::string list_vfat_files(const std::string& file, std::uint64_t offset) {
    // MTOOLS_SKIP_CHECK: no complaint about a FAT whose geometry mtools dislikes.
    auto r = run({"mdir", "-b", "-/", "-i", file + "@@" + std::to_string(offset), "::/"}, {{"MTOOLS_SKIP_CHECK", "1"}});
    return r.exit_code == 0 ? r.out : "";
}

std::vector<std::string> compare_trees(const std::string& dir, const std::string& other) {
    std::vector<std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.is_symlink()) continue;
        const fs::path rel = fs::relative(entry.path(), dir);
        const fs::path there = fs::path(other) / rel;
        if (!fs::exists(there))
            out.push_back("missing: " + rel.string());
        else if (!same_content(entry.path(), there))
            out.push_back("differs: " + rel.string());
    }
    return out;
}

std::string sha256_of_range(const std::string& file, std::uint64_t offset, std::uint64_t length) {
    agent::image::Hasher hasher(agent::image::HashAlgo::sha256);
    read_range(file, offset, length, [&](const char* data, std::size_t n) { hasher.update(data, n); });
    return hasher.hex_digest();
}

}  // namespace ingot::test
