// JSON from outside: depth bounded before parsing, UTF-8 checked.
#include "common/json_input.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "common/json_patch.h"

namespace ingot {
namespace {

std::string nested(size_t levels, char open = '[', char close = ']') {
    return std::string(levels, open) + std::string(levels, close);
}

TEST(JsonInput, DepthIsCountedOnTheText) {
    EXPECT_EQ(json_text_depth("1", 10), 0u);
    EXPECT_EQ(json_text_depth("{\"a\": [1, {\"b\": []}]}", 10), 4u);
    EXPECT_EQ(json_text_depth(nested(5), 10), 5u);
    // Brackets inside strings, escaped quotes included, are not nesting.
    EXPECT_EQ(json_text_depth(R"({"a": "[[[[\"[[[[", "b": "}}}"})", 10), 1u);
    // Counting stops once past the limit.
    EXPECT_EQ(json_text_depth(nested(100000), 64), 65u);
}

TEST(JsonInput, ParsesUpToTheLimitAndRefusesOneLevelMore) {
    EXPECT_NO_THROW(parse_json(nested(kMaxJsonDepth)));
    EXPECT_THROW(parse_json(nested(kMaxJsonDepth + 1)), JsonInputError);
    EXPECT_THROW(parse_json(nested(kMaxJsonDepth + 1, '{', '}')), JsonInputError);
}

TEST(JsonInput, AHundredThousandLevelsAreRefusedWithoutRecursing) {
    // This is the body that overflowed the conductor's stack when dumped.
    const std::string attack = "{\"callback_url\": " + nested(100000) + "}";
    try {
        parse_json(attack);
        FAIL() << "a 100,000-level document was accepted";
    } catch (const JsonInputError& e) {
        EXPECT_NE(std::string(e.what()).find("deeper than 64"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(try_parse_json(attack).is_discarded());
}

TEST(JsonInput, MalformedTextIsAJsonInputError) {
    EXPECT_THROW(parse_json("{\"a\": "), JsonInputError);
    EXPECT_THROW(parse_json("\"\xff\""), JsonInputError);  // not UTF-8
    EXPECT_TRUE(try_parse_json("nope").is_discarded());
    EXPECT_EQ(try_parse_json("{\"a\": 1}")["a"], 1);
}

// Found by fuzz/json_patch_fuzzer (fuzz/corpus/json_patch/crash-nul-byte):
// nlohmann stops at a NUL byte, so whatever followed it, here an overlong
// '/' that is not UTF-8, was accepted unseen.
TEST(JsonInput, ANulByteIsRefusedNotTakenAsTheEnd) {
    const std::string text("{\"uuid\": \"u\", \"driver\": \"fake-hardware\"}\0\0\xc0\xaf", 44);
    EXPECT_THROW(parse_json(text), JsonInputError);
    EXPECT_TRUE(try_parse_json(text).is_discarded());
    EXPECT_THROW(parse_json(std::string("\"a\0b\"", 5)), JsonInputError);
    EXPECT_EQ(parse_json("\"a\\u0000b\"").get<std::string>(), std::string("a\0b", 3));  // escaped: fine
}

// Found by fuzz/json_patch_fuzzer (fuzz/corpus/json_patch/crash-number-overflow):
// nlohmann reports a number past double's range as out_of_range, not
// parse_error, so it escaped parse_json untyped.
TEST(JsonInput, ANumberPastDoublesRangeIsAJsonInputError) {
    EXPECT_THROW(parse_json("1e999"), JsonInputError);
    EXPECT_THROW(parse_json("{\"a\": [-1e400]}"), JsonInputError);
    EXPECT_TRUE(try_parse_json("1e999").is_discarded());
}

TEST(JsonInput, DepthOfADocumentWithoutRecursion) {
    EXPECT_EQ(json_depth(nlohmann::json(3)), 0u);
    EXPECT_EQ(json_depth(nlohmann::json::parse(R"({"a": [1, {"b": {}}]})")), 4u);
    nlohmann::json deep = nlohmann::json::array();
    nlohmann::json* cursor = &deep;
    for (int i = 0; i < 200; ++i) {
        cursor->push_back(nlohmann::json::array());
        cursor = &(*cursor)[0];
    }
    EXPECT_EQ(json_depth(deep, 1000), 201u);
    EXPECT_EQ(json_depth(deep), kMaxJsonDepth + 2);  // stops one past the default limit
}

TEST(JsonInput, Utf8Validation) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii"));
    EXPECT_TRUE(is_valid_utf8("n\xc5\x93ud \xe2\x82\xac \xf0\x9f\x98\x80"));  // œ € 😀
    EXPECT_FALSE(is_valid_utf8("\xff"));
    EXPECT_FALSE(is_valid_utf8("\x80"));              // continuation first
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
    EXPECT_FALSE(is_valid_utf8("ab\xe2\x82"));        // cut short
}

TEST(JsonInput, PatchesCannotNestADocumentDeeperRequestByRequest) {
    // Each patch's value passes the text check, but adding one inside the
    // other would grow the stored document without bound.
    nlohmann::json value = nlohmann::json::parse(nested(40));
    nlohmann::json doc = {{"extra", nlohmann::json::object()}};
    json_patch::Rules rules;
    doc = json_patch::apply(doc, nlohmann::json::array({{{"op", "add"}, {"path", "/extra/a"}, {"value", value}}}),
                            rules);
    std::string deepest = "/extra/a";
    for (int i = 0; i < 39; ++i) deepest += "/0";
    nlohmann::json again = nlohmann::json::array({{{"op", "add"}, {"path", deepest + "/-"}, {"value", value}}});
    EXPECT_THROW(json_patch::apply(doc, again, rules), InvalidInput);
}

}  // namespace
}  // namespace ingot
