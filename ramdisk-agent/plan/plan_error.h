// A plan that cannot be carried out, reported with the JSON path of the
// field at fault so that whoever wrote the payload can fix it without
// reading agent code: `disks[0].partitions[2].size: "12XB" is not a size`.
#pragma once

#include <string>

#include "common/errors.h"

namespace ingot::agent::plan {

class PlanError : public InvalidInput {
public:
    PlanError(std::string path, const std::string& detail)
        : InvalidInput(path.empty() ? detail : path + ": " + detail), path_(std::move(path)) {}
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace ingot::agent::plan
