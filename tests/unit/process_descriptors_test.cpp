// Children of the process runner get stdin, stdout and stderr and nothing
// else of the parent: a descriptor opened without O_CLOEXEC (as Boost.Asio
// opens its listening sockets) is not inherited. QEMU started by ingot-vbmc
// once kept vbmc's API socket open after vbmc had stopped.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/process.h"
#include "tests/support/conductor_process.h"
#include "tests/support/listening_socket.h"

namespace {

TEST(ProcessDescriptors, AChildDoesNotInheritTheParentsSockets) {
    ingot::test::ListeningSocket listener;
    const std::string path = "/proc/self/fd/" + std::to_string(listener.fd());
    ASSERT_TRUE(std::filesystem::exists(path)) << "the parent holds it";
    // `test -e` looks at its own /proc/self: 1 means the descriptor is not there.
    auto r = ingot::run_process({"test", "-e", path});
    EXPECT_EQ(r.exit_code, 1) << "the child holds the parent's listening socket";
    // What the child does get: its three standard descriptors.
    r = ingot::run_process({"test", "-e", "/proc/self/fd/2"});
    EXPECT_EQ(r.exit_code, 0);
}

TEST(ProcessDescriptors, ALongLivedChildDoesNotInheritThemEither) {
    ingot::test::ListeningSocket listener;
    ingot::test::TempDir dir;
    const std::string marker = dir.path() + "/inherited";
    // The child records whether the descriptor exists in it, then exits.
    ingot::ChildProcess child({"sh", "-c", "test -e /proc/self/fd/$0 && touch $1; exit 0",
                               std::to_string(listener.fd()), marker},
                              dir.path() + "/log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (child.running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_FALSE(child.running());
    EXPECT_FALSE(std::filesystem::exists(marker)) << "the child held the parent's listening socket";
}

}  // namespace
