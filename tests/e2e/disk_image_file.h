// Looking into a machine's disk image file from the host, read-only and
// without attaching it anywhere: its partition table (parted's machine
// output), what each partition holds (blkid -p at the partition's offset),
// the files of an ext4 partition (debugfs rdump, with e2fsprogs' `?offset=`)
// or a FAT one (mtools' `@@offset`), and byte ranges (copied or hashed).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ingot::test {

struct DiskPartition {
    int number = 0;
    std::uint64_t offset = 0;  // bytes from the start of the disk
    std::uint64_t size = 0;    // bytes
    std::string name;          // GPT name ("" on msdos)
    std::string flags;         // parted's: "boot", "bios_grub", "esp"...
};

struct PartitionTable {
    std::string label;  // "msdos", "gpt"; empty when there is none
    std::vector<DiskPartition> partitions;
    std::string error;  // parted's complaint when it could not read the file
};

// parted -m -s FILE unit B print.
PartitionTable read_partition_table(const std::string& disk);

// blkid -p of the partition's range: TYPE, LABEL, UUID... ({} when blank).
std::map<std::string, std::string> probe_partition(const std::string& disk, const DiskPartition& part);

// Copies the partition's bytes into the file `to`.
void copy_partition(const std::string& disk, const DiskPartition& part, const std::string& to);

// Every file of the ext4 filesystem at `offset` of `file` (0 for a bare
// filesystem image), dumped under `to` with debugfs. Returns debugfs'
// stderr when it failed, "" otherwise.
std::string dump_ext4_files(const std::string& file, std::uint64_t offset, const std::string& to);

// The files of the FAT filesystem (an ESP) at `offset` of `file` (mtools'
// mdir -b -/ "FILE@@OFFSET"), as "::/EFI/BOOT/BOOTX64.EFI" lines; "" when
// there is none.
std::string list_vfat_files(const std::string& file, std::uint64_t offset);

// Relative paths of the regular files under `dir` whose content differs
// from (or is missing in) `other`, prefixed "differs: " or "missing: ".
std::vector<std::string> compare_trees(const std::string& dir, const std::string& other);

// sha256 (hex) of `length` bytes of `file` from `offset`.
std::string sha256_of_range(const std::string& file, std::uint64_t offset, std::uint64_t length);

}  // namespace ingot::test
