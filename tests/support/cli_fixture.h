// Test support for the `ingot` CLI: run the built binary against a URL (no
// shell), check the one-line error format, and a fixture with one real
// conductor per test suite.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/conductor_process.h"

namespace ingot::test {

inline std::string ingot_bin() {
    return ConductorProcess::bin_dir() + "/ingot";
}

inline RunResult ingot_at(const std::string& url, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {ingot_bin(), "--url", url};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
}

// Exactly one line, "ingot: error: ...", as every failure must print.
inline void expect_one_error_line(const RunResult& r, const std::string& fragment) {
    EXPECT_EQ(r.err.rfind("ingot: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << "expected \"" << fragment << "\" in: " << r.err;
}

class CliFixture : public ::testing::Test {
protected:
    static void SetUpTestSuite() { conductor_ = std::make_unique<ConductorProcess>(); }
    static void TearDownTestSuite() { conductor_.reset(); }
    void SetUp() override { ASSERT_NE(conductor_, nullptr) << "the conductor did not start"; }

    static RunResult ingot(const std::vector<std::string>& args) { return ingot_at(conductor_->url(), args); }

    // Runs with -f json, expects success and returns the parsed output.
    static nlohmann::json ingot_json(std::vector<std::string> args) {
        args.insert(args.end(), {"-f", "json"});
        RunResult r = ingot(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        nlohmann::json parsed = nlohmann::json::parse(r.out, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << r.out;
        return parsed;
    }

    static inline std::unique_ptr<ConductorProcess> conductor_;
};

}  // namespace ingot::test
