#include <gtest/gtest.h>

#include <fstream>

#include "common/config.h"
#include "common/errors.h"
#include "conductor/options.h"
#include "tests/support/conductor_process.h"

using namespace ingot;

namespace {

std::string write_file(const test::TempDir& dir, const std::string& text) {
    std::string path = dir.path() + "/ingot.conf";
    std::ofstream(path) << text;
    return path;
}

std::string config_error(const std::string& text) {
    test::TempDir dir;
    config::Config cfg(conductor::conductor_options());
    try {
        cfg.load_file(write_file(dir, text));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Config, DefaultsComeFromTheSpecs) {
    config::Config cfg(conductor::conductor_options());
    EXPECT_EQ(cfg.get_string("api", "host_ip"), "127.0.0.1");
    EXPECT_EQ(cfg.get_int("api", "port"), 6385);
    EXPECT_TRUE(cfg.get_bool("conductor", "allow_deleting_available_nodes"));
    EXPECT_EQ(cfg.get_list("DEFAULT", "enabled_hardware_types"), (std::vector<std::string>{"fake-hardware", "ipmi"}));
}

TEST(Config, FileValuesOverrideDefaults) {
    test::TempDir dir;
    config::Config cfg(conductor::conductor_options());
    cfg.load_file(write_file(dir,
                             "# comment\n[api]\nport = 7000\n; other comment\n[DEFAULT]\n"
                             "enabled_hardware_types = ipmi , fake-hardware\n"));
    EXPECT_EQ(cfg.get_int("api", "port"), 7000);
    EXPECT_EQ(cfg.get_list("DEFAULT", "enabled_hardware_types"), (std::vector<std::string>{"ipmi", "fake-hardware"}));
}

TEST(Config, BadInputNamesTheProblem) {
    EXPECT_NE(config_error("[api]\nport = abc\n").find("invalid value 'abc' for [api] port"), std::string::npos);
    EXPECT_NE(config_error("[api]\nport = 70000\n").find("between 0 and 65535"), std::string::npos);
    EXPECT_NE(config_error("[api]\nbogus = 1\n").find("unknown option [api] bogus"), std::string::npos);
    EXPECT_NE(config_error("[nosuch]\n").find("unknown section [nosuch]"), std::string::npos);
    EXPECT_NE(config_error("port = 1\n").find("option outside of a section"), std::string::npos);
    EXPECT_NE(config_error("[api]\njust text\n").find(":2: expected 'option = value'"), std::string::npos);
    EXPECT_NE(config_error("[DEFAULT]\nlog_level = loud\n").find("expected one of debug, info"), std::string::npos);
    EXPECT_NE(config_error("[conductor]\nallow_deleting_available_nodes = maybe\n").find("expected true or false"),
              std::string::npos);
}

TEST(Config, MissingFileIsAnError) {
    config::Config cfg(conductor::conductor_options());
    EXPECT_THROW(cfg.load_file("/nonexistent/ingot.conf"), ConfigError);
}

TEST(Config, SampleDocumentsEveryOptionAndLoadsBack) {
    std::string sample = config::render_sample(conductor::conductor_options(), "test");
    for (const auto& spec : conductor::conductor_options()) {
        EXPECT_NE(sample.find("#" + spec.name + " = " + spec.default_value + "\n"), std::string::npos) << spec.name;
    }
    // The sample is a valid configuration file as it stands.
    test::TempDir dir;
    config::Config cfg(conductor::conductor_options());
    EXPECT_NO_THROW(cfg.load_file(write_file(dir, sample)));
}

TEST(Config, CommittedSampleIsUpToDate) {
    std::ifstream in(std::string(INGOT_SOURCE_DIR) + "/etc/ingot.conf.sample");
    ASSERT_TRUE(in) << "etc/ingot.conf.sample is missing";
    std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(committed, config::render_sample(conductor::conductor_options(), "ingot-conductor configuration"))
        << "regenerate with: build/bin/ingot-conductor --print-sample-config > etc/ingot.conf.sample";
}
