// Options every `list` command shares: paging (--limit, --marker), order
// (--sort) and the choice of fields (--fields), and how they become query
// parameters.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/url.h"

namespace CLI {
class App;
}

namespace ingot::cli {

struct ListOptions {
    long long limit = -1;  // -1: not given
    std::string marker;
    std::string sort;  // KEY[:asc|desc]
    std::vector<std::string> fields;

    // For ApiClient::list: nullopt when --limit was not given.
    std::optional<long long> page_limit() const;
    // marker, sort_key/sort_dir and fields; UsageError for a bad --sort.
    void add_to(Query& query) const;
};

// `what` names the resource in help texts ("nodes").
void add_list_options(CLI::App* command, ListOptions& options, const std::string& what);

// `--fields a,b --fields c` as one list, for show and list commands.
void add_fields_option(CLI::App* command, std::vector<std::string>& fields);

}  // namespace ingot::cli
