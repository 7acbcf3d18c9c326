// Request bodies as every handler reads them (common/json_input.h) and the
// JSON-patch of PATCH requests (common/json_patch.h), with the rules nodes
// use. The input is a document and a patch, both parsed as bodies are.
//
// Invariants: a parsed body is valid UTF-8 (dump() never throws) and nests
// at most kMaxJsonDepth levels; text that is not UTF-8 or nests deeper is
// refused; a patch either applies whole or throws InvalidInput, never
// touches an internal attribute, never removes a mandatory one, never adds
// a root key, never nests the result past the limit, and changes only the
// roots touched_roots() names.
#include <fuzzer/FuzzedDataProvider.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/errors.h"
#include "common/json_input.h"
#include "common/json_patch.h"
#include "fuzz/support/fuzz_support.h"

using namespace ingot;
using nlohmann::json;

namespace {

const json_patch::Rules kNodeRules{{"/uuid", "/created_at", "/updated_at", "/links", "/id"}, {"/driver"}};

// parse_json's promises about any text.
json parsed(const std::string& text) {
    json value;
    try {
        value = parse_json(text);
    } catch (const JsonInputError&) {
        return json(json::value_t::discarded);
    }
    fuzz::check(is_valid_utf8(text), "parse_json accepted text that is not UTF-8");
    fuzz::check(json_text_depth(text, kMaxJsonDepth + 1) <= kMaxJsonDepth, "parse_json accepted text too deep");
    fuzz::check(json_depth(value) <= kMaxJsonDepth, "parse_json built a document too deep");
    const std::string dumped = value.dump();  // throws type_error 316 on invalid UTF-8
    fuzz::check(parse_json(dumped) == value, "a parsed body does not survive dump and parse: " + dumped);
    return value;
}

void check_patched(const json& doc, const json& patch, const json& out) {
    fuzz::check(json_depth(out) <= kMaxJsonDepth, "a patch built a document too deep");
    const auto touched = json_patch::touched_roots(patch);
    auto was_touched = [&](const std::string& key) {
        return std::find(touched.begin(), touched.end(), key) != touched.end();
    };
    for (const char* internal : {"uuid", "created_at", "updated_at", "links", "id"}) {
        fuzz::check(doc.contains(internal) == out.contains(internal), std::string("a patch touched ") + internal);
        if (doc.contains(internal))
            fuzz::check(doc[internal] == out[internal], std::string("a patch changed ") + internal);
    }
    fuzz::check(!doc.contains("driver") || out.contains("driver"), "a patch removed the mandatory driver");
    for (const auto& [key, value] : out.items()) {
        fuzz::check(doc.contains(key), "a patch added the root attribute " + key);
        if (doc[key] != value) fuzz::check(was_touched(key), "a patch changed " + key + " without naming it");
    }
    for (const auto& [key, value] : doc.items())
        if (!out.contains(key)) fuzz::check(was_touched(key), "a patch removed " + key + " without naming it");
    out.dump();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    const std::string doc_text = in.ConsumeRandomLengthString(4096);
    const std::string patch_text = in.ConsumeRemainingBytesAsString();
    json doc = parsed(doc_text);
    json patch = parsed(patch_text);
    if (patch.is_discarded()) return 0;
    if (!doc.is_object()) doc = json{{"uuid", "u"}, {"driver", "fake-hardware"}, {"extra", json::object()}};
    json out;
    try {
        out = json_patch::apply(doc, patch, kNodeRules);
    } catch (const InvalidInput&) {
        return 0;
    } catch (const std::exception& e) {
        fuzz::fail(std::string("json_patch::apply threw an untyped error: ") + e.what());
    }
    check_patched(doc, patch, out);
    return 0;
}
