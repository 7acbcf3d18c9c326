#include "cli/list_options.h"

#include <CLI/CLI.hpp>

#include "cli/cli_errors.h"
#include "common/strings.h"

namespace ingot::cli {
namespace {

// CLI::NonNegativeNumber's message would print its range up to DBL_MAX.
const CLI::Validator kCount(
    [](std::string& value) -> std::string {
        long long n = -1;
        if (parse_int(value, n) && n >= 0) return {};
        return "must be 0 (everything) or a positive whole number";
    },
    "N");

}  // namespace

std::optional<long long> ListOptions::page_limit() const {
    if (limit < 0) return std::nullopt;
    return limit;
}

void ListOptions::add_to(Query& query) const {
    if (!marker.empty()) query.add("marker", marker);
    if (!sort.empty()) {
        size_t colon = sort.find(':');
        std::string key = sort.substr(0, colon);
        std::string dir = colon == std::string::npos ? "" : sort.substr(colon + 1);
        if (key.empty() || (colon != std::string::npos && dir != "asc" && dir != "desc"))
            throw UsageError("--sort takes KEY, KEY:asc or KEY:desc, not \"" + sort + "\"");
        query.add("sort_key", key);
        if (!dir.empty()) query.add("sort_dir", dir);
    }
    if (!fields.empty()) query.add("fields", join(fields, ","));
}

void add_list_options(CLI::App* command, ListOptions& options, const std::string& what) {
    command
        ->add_option("--limit", options.limit,
                     "Maximum number of " + what +
                         " to return, following `next` links; 0 for all. "
                         "Without it: one request, the server's page size")
        ->check(kCount);
    command->add_option("--marker", options.marker, "Start after this UUID (the last one of the previous page)");
    command->add_option("--sort", options.sort, "Sort by KEY[:asc|desc]");
}

void add_fields_option(CLI::App* command, std::vector<std::string>& fields) {
    // One value per occurrence, split on commas: a list option that took
    // every following word would swallow the positional argument after it.
    command->add_option("--fields", fields, "Only these fields (comma separated, repeatable)")
        ->delimiter(',')
        ->allow_extra_args(false);
}

}  // namespace ingot::cli
