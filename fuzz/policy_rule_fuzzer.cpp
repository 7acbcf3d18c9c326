// The policy engine's rule language (conductor/auth/policy_parser.h), as an
// operator's policy file feeds it: the input is lines "name: check"; every
// check is parsed, the rules are linked (policy_links.h) and each one is
// evaluated for a few callers and targets.
//
// Invariants: a bad rule is a ConfigError (PolicySyntaxError names a
// column inside the text); parsing and evaluation never recurse past their
// bounds (ASan reports a stack overflow as a crash); evaluation is a
// function of caller and target: "not (R)" is the opposite of R,
// "(R) and @" and "(R) or !" are R.
#include <string>
#include <unordered_map>
#include <vector>

#include "common/errors.h"
#include "common/strings.h"
#include "conductor/auth/policy_eval.h"
#include "conductor/auth/policy_links.h"
#include "conductor/auth/policy_parser.h"
#include "fuzz/support/fuzz_support.h"

using namespace ingot;
using namespace ingot::conductor::auth;

namespace {

struct Subject {
    http::Caller caller;
    Target target;
};

std::vector<Subject> subjects() {
    std::vector<Subject> out(4);
    out[1].caller = {true, "u1", "alice", "default", "p1", "proj", "default", "", false, {"member", "reader"}};
    out[1].target = {{"node.owner", "p1"}, {"node.lessee", "p2"}};
    out[2].caller = {true, "u2", "admin", "default", "", "", "", "", true, {"admin", "manager", "reader"}};
    out[2].target = {{"node.owner", "p9"}};
    out[3].caller = {true, "u3", "bob", "d", "p2", "other", "d", "", false, {"service"}};
    out[3].target = {{"node.owner", ""}, {"node.lessee", "p2"}, {"allocation.owner", "p2"}};
    return out;
}

const Target kConfig = {{"service_project_name", "service"}};

bool eval(const Expr& e, const std::vector<Expr>& rules, const Subject& s) {
    return evaluate(e, EvalContext{s.caller, s.target, kConfig, rules});
}

// Parses a check; nothing (after checking the error) when it is refused.
std::optional<Expr> parsed(std::string_view text) {
    try {
        return parse_rule(text);
    } catch (const PolicySyntaxError& e) {
        fuzz::check(e.column() >= 1 && e.column() <= text.size() + 1,
                    "a syntax error at column " + std::to_string(e.column()) + " of " + std::to_string(text.size()));
    } catch (const ConfigError&) {
    } catch (const std::exception& e) {
        fuzz::fail(std::string("parse_rule threw an untyped error: ") + e.what());
    }
    return std::nullopt;
}

// A rule and its variants, alone (rule: checks point at an `always` rule).
void check_metamorphic(std::string_view text, const Expr& rule) {
    const std::vector<Expr> rules(1);
    const auto negated = parsed("not (" + std::string(text) + ")");
    const auto with_always = parsed("(" + std::string(text) + ") and @");
    const auto with_never = parsed("(" + std::string(text) + ") or !");
    for (const auto& s : subjects()) {
        const bool r = eval(rule, rules, s);
        if (negated) fuzz::check(eval(*negated, rules, s) == !r, "not (R) is not the opposite of R");
        if (with_always) fuzz::check(eval(*with_always, rules, s) == r, "(R) and @ differs from R");
        if (with_never) fuzz::check(eval(*with_never, rules, s) == r, "(R) or ! differs from R");
    }
}

void check_policy(const std::vector<std::string>& lines) {
    std::vector<Expr> rules;
    std::vector<std::string> names;
    std::unordered_map<std::string, std::size_t> index;
    for (const auto& line : lines) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string name = trim(line.substr(0, colon));
        auto rule = parsed(std::string_view(line).substr(colon + 1));
        if (!rule || index.count(name)) continue;
        index.emplace(name, rules.size());
        names.push_back(name);
        rules.push_back(std::move(*rule));
    }
    try {
        link_rules(rules, names, index);
    } catch (const ConfigError&) {
        return;
    }
    for (const auto& s : subjects())
        for (const auto& rule : rules) eval(rule, rules, s);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto lines = split(text, '\n');
    if (lines.size() <= 1) {
        if (auto rule = parsed(text)) check_metamorphic(text, *rule);
        return 0;
    }
    check_policy(lines);
    return 0;
}
