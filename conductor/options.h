// Every configuration option of ingot-conductor, declared once.
#pragma once

#include <vector>

#include "common/config.h"

namespace ingot::conductor {

const std::vector<config::OptionSpec>& conductor_options();

}  // namespace ingot::conductor
