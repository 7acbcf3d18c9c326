#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "common/errors.h"
#include "common/json_patch.h"

using namespace ingot;
using nlohmann::json;

namespace {

const json_patch::Rules kRules{{"/uuid", "/created_at"}, {"/driver"}};

json doc() {
    return {{"uuid", "u"}, {"driver", "fake-hardware"}, {"name", nullptr}, {"extra", {{"a", 1}}}, {"created_at", "t"}};
}

std::string error_of(const json& patch) {
    try {
        json_patch::apply(doc(), patch, kRules);
    } catch (const InvalidInput& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(JsonPatch, AddReplaceRemove) {
    json out = json_patch::apply(doc(), json::parse(R"([{"op":"add","path":"/extra/b","value":"x"},
                                                 {"op":"replace","path":"/name","value":"n1"},
                                                 {"op":"remove","path":"/extra/a"}])"),
                                 kRules);
    EXPECT_EQ(out["extra"], json({{"b", "x"}}));
    EXPECT_EQ(out["name"], "n1");
    EXPECT_EQ(out["driver"], "fake-hardware");
}

TEST(JsonPatch, RefusesWhatIronicRefuses) {
    EXPECT_NE(error_of(json::parse(R"([{"op":"move","from":"/a","path":"/b"}])")).find("unknown attribute 'from'"),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"([{"op":"test","path":"/name","value":1}])")).find("Value: 'test'"),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"([{"op":"replace","path":"/uuid","value":"x"}])"))
                  .find("'/uuid' is an internal attribute and can not be updated"),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"([{"op":"remove","path":"/driver"}])"))
                  .find("'/driver' is a mandatory attribute and can not be removed"),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"([{"op":"add","path":"/name"}])")).find("need a value"), std::string::npos);
    EXPECT_NE(error_of(json::parse(R"([{"op":"add","path":"/bogus","value":1}])"))
                  .find("Adding a new attribute (/bogus) to the root of the resource is not allowed."),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"([{"op":"remove","path":"/extra/missing"}])")).find("Invalid patch"),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"([{"op":"add","path":"extra","value":1}])")).find("Invalid path"),
              std::string::npos);
    EXPECT_NE(error_of(json::parse(R"({"op":"add"})")).find("JSON array"), std::string::npos);
    EXPECT_EQ(error_of(json::parse("[]")), "");  // an empty patch is valid, as in Ironic
    EXPECT_NE(error_of(json::parse("[1]")).find("JSON object"), std::string::npos);
}

// Found by the json_patch fuzzer: "add" under a string tripped nlohmann's
// assert (a crash with assertions, a silently ignored operation without).
TEST(JsonPatch, AddingUnderAStringNumberOrBooleanIsRefusedNotIgnored) {
    EXPECT_EQ(error_of(json::parse(R"([{"op":"add","path":"/driver/1x~0","value":"a"}])")),
              "Invalid patch: unable to fully resolve json pointer /driver/1x~0: /driver is a string, not an object "
              "or a list");
    EXPECT_NE(error_of(json::parse(R"([{"op":"add","path":"/extra/a/b","value":1}])")).find("/extra/a is a number"),
              std::string::npos);
    // What an operation may target depends on the ones before it.
    EXPECT_NE(error_of(json::parse(R"([{"op":"replace","path":"/extra","value":true},
                                       {"op":"add","path":"/extra/k","value":1}])"))
                  .find("/extra is a boolean"),
              std::string::npos);
    json out = json_patch::apply(doc(), json::parse(R"([{"op":"replace","path":"/extra","value":{}},
                                                   {"op":"add","path":"/extra/k","value":[1]},
                                                   {"op":"add","path":"/extra/k/0","value":0}])"),
                                 kRules);
    EXPECT_EQ(out["extra"], json({{"k", {0, 1}}}));
}

TEST(JsonPatch, FailedPatchLeavesNoPartialChange) {
    json original = doc();
    json patch = json::parse(R"([{"op":"add","path":"/extra/b","value":"x"},{"op":"remove","path":"/extra/zzz"}])");
    EXPECT_THROW(json_patch::apply(original, patch, kRules), InvalidInput);
    EXPECT_EQ(original, doc());
}

// Fuzz-like: random operations over random paths and values must either
// apply or fail with InvalidInput, never crash or throw anything else.
TEST(JsonPatch, RandomPatchesEitherApplyOrFailCleanly) {
    std::mt19937 rng(12345);
    const std::vector<std::string> ops = {"add", "replace", "remove", "move", "copy", "test", "", "ADD"};
    const std::vector<std::string> paths = {"/extra/a",  "/extra/b", "/extra",  "/name",      "/uuid", "/driver",
                                            "/",         "",         "extra",   "/extra/",    "//",    "/extra/a/b",
                                            "/extra/~1", "/extra/0", "/nope/x", "/created_at"};
    const std::vector<json> values = {1, "s", nullptr, json::object(), json::array({1, 2}), true, {{"k", "v"}}};
    int applied = 0, refused = 0;
    for (int i = 0; i < 5000; ++i) {
        json patch = json::array();
        int n = 1 + static_cast<int>(rng() % 3);
        for (int j = 0; j < n; ++j) {
            json op = json::object();
            if (rng() % 10)
                op["op"] = ops[rng() % ops.size()];
            else
                op["op"] = values[rng() % values.size()];
            if (rng() % 10) op["path"] = paths[rng() % paths.size()];
            if (rng() % 3) op["value"] = values[rng() % values.size()];
            if (rng() % 20 == 0) op["extra_key"] = 1;
            patch.push_back(op);
        }
        try {
            json out = json_patch::apply(doc(), patch, kRules);
            EXPECT_TRUE(out.is_object());
            EXPECT_EQ(out["uuid"], "u");  // internal attributes never change
            ++applied;
        } catch (const InvalidInput&) {
            ++refused;
        }
    }
    // Both outcomes must occur, or the generator is not exercising anything
    // (100 of these 5,000 apply; adds under /extra/a, a number, used to be
    // counted as applied).
    EXPECT_GT(applied, 50);
    EXPECT_GT(refused, 100);
}
