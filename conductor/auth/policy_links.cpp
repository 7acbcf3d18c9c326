#include "conductor/auth/policy_links.h"

#include <algorithm>

namespace ingot::conductor::auth {

namespace {

struct Reference {
    std::size_t rule;
    int depth;  // of the rule:NAME check within its tree (root = 1)
};

// One rule's own tree: its references, depth and number of checks.
struct TreeFacts {
    std::vector<Reference> references;
    int depth = 0;
    std::size_t checks = 0;
};

// Recursion is bounded here: the parser limits a tree's nesting.
void walk(Expr& e, int depth, std::size_t self, TreeFacts& facts, const std::vector<std::string>& names,
          const std::unordered_map<std::string, std::size_t>& index) {
    facts.depth = std::max(facts.depth, depth);
    ++facts.checks;
    if (e.op == Expr::Op::rule) {
        auto it = index.find(e.rule_name);
        if (it == index.end())
            throw PolicyLinkError(self, "rule '" + names[self] + "' refers to undefined rule '" + e.rule_name + "'");
        e.rule_index = it->second;
        facts.references.push_back({it->second, depth});
    }
    for (Expr& operand : e.operands) walk(operand, depth + 1, self, facts, names, index);
}

std::string loop_path(const std::vector<std::pair<std::size_t, std::size_t>>& stack, std::size_t back_to,
                      const std::vector<std::string>& names) {
    std::string path;
    bool in_loop = false;
    for (const auto& [rule, next] : stack) {
        in_loop = in_loop || rule == back_to;
        if (in_loop) path += names[rule] + " -> ";
    }
    return path + names[back_to];
}

struct Totals {
    int depth = 0;
    std::size_t checks = 0;
};

// Post-order over the reference graph with an explicit stack (a policy file
// may chain any number of rules), so that loops are found and each rule's
// totals include those of the rules it refers to.
void check_graph(const std::vector<TreeFacts>& facts, const std::vector<std::string>& names) {
    enum class State : unsigned char { unseen, open, done };
    std::vector<State> state(facts.size(), State::unseen);
    std::vector<Totals> totals(facts.size());
    std::vector<std::pair<std::size_t, std::size_t>> stack;  // rule, next reference to follow
    for (std::size_t start = 0; start < facts.size(); ++start) {
        if (state[start] != State::unseen) continue;
        state[start] = State::open;
        stack.push_back({start, 0});
        while (!stack.empty()) {
            auto [rule, next] = stack.back();
            if (next < facts[rule].references.size()) {
                ++stack.back().second;
                std::size_t to = facts[rule].references[next].rule;
                if (state[to] == State::open)
                    throw PolicyLinkError(
                        to, "rule '" + names[to] + "' refers back to itself: " + loop_path(stack, to, names));
                if (state[to] == State::unseen) {
                    state[to] = State::open;
                    stack.push_back({to, 0});
                }
                continue;
            }
            Totals t{facts[rule].depth, facts[rule].checks};
            for (const Reference& r : facts[rule].references) {
                t.depth = std::max(t.depth, r.depth + totals[r.rule].depth);
                t.checks = std::min(t.checks + totals[r.rule].checks, kMaxEvaluationChecks + 1);
            }
            if (t.depth > kMaxEvaluationDepth)
                throw PolicyLinkError(rule, "rule '" + names[rule] + "' nests more than " +
                                                std::to_string(kMaxEvaluationDepth) +
                                                " levels deep through the rules it refers to");
            if (t.checks > kMaxEvaluationChecks)
                throw PolicyLinkError(rule, "rule '" + names[rule] + "' would evaluate more than " +
                                                std::to_string(kMaxEvaluationChecks) +
                                                " checks through the rules it refers to");
            totals[rule] = t;
            state[rule] = State::done;
            stack.pop_back();
        }
    }
}

}  // namespace

void link_rules(std::vector<Expr>& rules, const std::vector<std::string>& names,
                const std::unordered_map<std::string, std::size_t>& index) {
    std::vector<TreeFacts> facts(rules.size());
    for (std::size_t i = 0; i < rules.size(); ++i) walk(rules[i], 1, i, facts[i], names, index);
    check_graph(facts, names);
}

}  // namespace ingot::conductor::auth
