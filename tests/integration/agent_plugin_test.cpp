// Agent plugins as a third party ships them: shared objects in a directory
// given to a real ingot-agent, adding an input-data driver and an action,
// with no change to Ingot. A plugin that fails while registering leaves
// nothing behind and the agent carries on.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"

using namespace ingot;

namespace {

const std::string kPluginDir = std::string(INGOT_TEST_PLUGIN_DIR) + "/agent";

test::RunResult plan(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {test::ConductorProcess::bin_dir() + "/ingot-agent", "plan"};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run(argv);
}

TEST(AgentPlugins, AddAnInputDriverAndAnActionAndSkipABrokenOne) {
    test::LoopDevice disk(16ull << 20);
    if (disk.device().empty()) GTEST_SKIP() << "the kernel refuses loop devices here: " << disk.error();
    test::TempDir dir;
    const std::string input = dir.path() + "/payload.json";
    std::ofstream(input) << R"({"disk_name": ")" << disk.device() << R"("})";

    auto r = plan({"--plugin-dir", kPluginDir, "--driver", "echo", "--input", input, "--loop-devices-only", "--device",
                   disk.device()});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // The plugin's driver chose the disk, and its action runs after the
    // built-ins with the plan it was given.
    EXPECT_NE(r.out.find("# echo"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("echo echo-plugin disks=1"), std::string::npos) << r.out;
    EXPECT_LT(r.out.find("# bootloader"), r.out.find("# echo")) << r.out;
    // The broken plugin is named with its reason, and nothing of it stayed.
    EXPECT_NE(r.err.find("agent.plugin.skipped file=" + kPluginDir + "/agent_throws_at_registration.so"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("failed to register: cannot read my configuration"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("half-registered"), std::string::npos) << r.out;
    // The device was only read.
    EXPECT_EQ(test::read_bytes(disk.device(), 1 << 20), std::string(1 << 20, '\0'));
}

TEST(AgentPlugins, WithoutThePluginItsDriverIsUnknown) {
    test::TempDir dir;
    const std::string input = dir.path() + "/payload.json";
    std::ofstream(input) << R"({"disk_name": "/dev/loop0"})";
    auto r = plan({"--plugin-dir", dir.path(), "--driver", "echo", "--input", input, "--loop-devices-only"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("no input driver 'echo' (known: ironic, native)"), std::string::npos) << r.err;
}

}  // namespace
