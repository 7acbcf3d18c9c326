// What every e2e deploy test starts from: the agent ramdisk (`make
// ramdisk`), the instance image (tests/e2e/build-instance-image, `make
// e2e-image`), URLs as the guest sees the host (slirp's 10.0.2.2), and the
// part of the conductor's log that explains a failure.
#pragma once

#include <cstddef>
#include <string>

namespace ingot::test {

class ImageHttpServer;

// INGOT_RAMDISK_DIR from the environment, else the build's default.
std::string ramdisk_dir();
// "" when ingot-agent.kernel and .initramfs are in ramdisk_dir(), else
// what is missing and how to build it.
std::string missing_ramdisk();

// INGOT_INSTANCE_IMAGE (a file), else next to the ramdisk, else in the
// build tree; "" and `error` saying how to build it when none exists.
std::string find_instance_image(std::string& error);

// `server`'s URL for `path` as a QEMU guest on the user network reaches it.
std::string guest_url(const ImageHttpServer& server, const std::string& path);

// The last `lines` lines of the conductor's log without the API request
// lines (the test's polling would fill it) and debug lines.
std::string conductor_log_tail(const std::string& log, std::size_t lines);

}  // namespace ingot::test
