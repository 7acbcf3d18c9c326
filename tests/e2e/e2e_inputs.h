// What every e2e deploy test starts from: the agent ramdisk (`make
// ramdisk`), the instance image (tests/e2e/build-instance-image, `make
// e2e-image`), URLs as the guest sees the host (slirp's 10.0.2.2), and the
// part of the conductor's log that explains a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ingot::test {

class ImageHttpServer;

// INGOT_RAMDISK_DIR from the environment, else the build's default.
std::string ramdisk_dir();
// "" when ingot-agent.kernel and .initramfs are in ramdisk_dir(), else
// what is missing and how to build it.
std::string missing_ramdisk();

// The partition image tests/e2e/build-instance-image builds: an ext4 root
// with a Debian kernel and an initramfs whose /init prints
// INGOT-INSTANCE-UP root=UUID=... and INGOT-CONFIGDRIVE-UUID, then powers off.
struct InstanceImage {
    std::string path;
    std::string sha256;
    std::string fs_uuid;  // its ext4 filesystem's UUID
};

// "" with `image` read (found as below), or why the test cannot run: the
// ramdisk or the instance image is missing or unusable.
std::string find_e2e_inputs(InstanceImage& image);
// The first tool the disk checks and config drives need that is not on
// PATH; "" when all are.
std::string missing_disk_tool();
// A sparse file of `bytes` bytes: a machine's empty disk.
void make_sparse_file(const std::string& path, std::uint64_t bytes);

// INGOT_INSTANCE_IMAGE (a file), else next to the ramdisk, else in the
// build tree; "" and `error` saying how to build it when none exists.
std::string find_instance_image(std::string& error);

// The conductor configuration every e2e deploy shares: the ramdisk
// `make ramdisk` built, an API URL the guest reaches through slirp, the
// direct deploy, no cleaning, power sync off (only the deploy and the test
// power the machine: the instance powers itself off after printing its
// markers, and a sync would power it back on), a callback timeout within
// the test's wait (which is within ctest's 900 s), and the ramdisk
// advertising `agent_port`, the host port QEMU forwards to its agent, so
// that the conductor can reach it (over HTTPS: the agent's auto-TLS). A
// test adds its hardware and boot interfaces as more sections (a section
// may appear again). `api_scheme` "https" when the test secures the API
// (secure_api.h).
std::string e2e_conductor_config(int agent_port, const std::string& api_scheme = "http");

// `server`'s URL for `path` as a QEMU guest on the user network reaches it.
std::string guest_url(const ImageHttpServer& server, const std::string& path);

// The last `lines` lines of the conductor's log without the API request
// lines (the test's polling would fill it) and debug lines.
std::string conductor_log_tail(const std::string& log, std::size_t lines);

}  // namespace ingot::test
