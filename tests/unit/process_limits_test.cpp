// run_process's resource limits, read back from the child's own
// /proc/self/limits and enforced on a child that spins.
#include <gtest/gtest.h>

#include <chrono>

#include "common/process.h"

namespace {

std::string limit_line(const std::string& limits, const std::string& name) {
    auto at = limits.find(name);
    return at == std::string::npos ? "" : limits.substr(at, limits.find('\n', at) - at);
}

TEST(ProcessLimits, TheChildRunsWithinTheLimitsGiven) {
    ingot::ProcessOptions o;
    o.limits.address_space_bytes = 256ull << 20;
    o.limits.cpu_time = std::chrono::seconds(7);
    auto r = ingot::run_process({"cat", "/proc/self/limits"}, o);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(limit_line(r.out, "Max address space").find("268435456            268435456"), std::string::npos)
        << limit_line(r.out, "Max address space");
    EXPECT_NE(limit_line(r.out, "Max cpu time").find("7                    7"), std::string::npos)
        << limit_line(r.out, "Max cpu time");
    // Without limits, nothing is imposed.
    r = ingot::run_process({"cat", "/proc/self/limits"});
    EXPECT_EQ(limit_line(r.out, "Max cpu time").find(" 7 "), std::string::npos);
}

TEST(ProcessLimits, ASpinningChildIsKilledWhenItsCpuTimeIsUsed) {
    ingot::ProcessOptions o;
    o.limits.cpu_time = std::chrono::seconds(1);
    o.timeout = std::chrono::seconds(30);
    const auto started = std::chrono::steady_clock::now();
    auto r = ingot::run_process({"sh", "-c", "while :; do :; done"}, o);
    EXPECT_FALSE(r.timed_out);
    EXPECT_TRUE(r.exit_code == 128 + 9 || r.exit_code == 128 + 24) << r.exit_code;  // SIGKILL or SIGXCPU
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

TEST(ProcessLimits, AChildCannotAllocatePastItsAddressSpace) {
    ingot::ProcessOptions o;
    o.limits.address_space_bytes = 32ull << 20;
    // head -c of a large count mallocs nothing big; dd with a 128 MiB block does.
    auto r = ingot::run_process({"dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1"}, o);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("memory"), std::string::npos) << r.err;
    o.limits = {};
    EXPECT_EQ(ingot::run_process({"dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1"}, o).exit_code, 0);
}

}  // namespace
