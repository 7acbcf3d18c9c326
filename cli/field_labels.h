// Column headers for API field names, as python-ironicclient labels them
// ("provision_state" -> "Provisioning State"), and the column sets lists use.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/output.h"

namespace ingot::cli {

// The label `baremetal` uses, or the key with '_' as spaces, each word
// capitalised, for fields it does not know.
std::string field_label(std::string_view key);

std::vector<Column> columns_for(const std::vector<std::string>& keys);

// The columns of a `--long` list: `leading` first, then every other field
// any row has, alphabetically, except `hidden` (link arrays).
std::vector<Column> detail_columns(const json& rows, const std::vector<std::string>& leading,
                                   const std::set<std::string>& hidden);

}  // namespace ingot::cli
