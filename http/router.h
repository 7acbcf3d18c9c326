// Matches a method and path to a handler. Paths are patterns like
// "/v1/nodes/{node}"; a literal segment beats a parameter, so
// "/v1/nodes/detail" wins over "/v1/nodes/{node}". Path parameters are
// percent-decoded here (the server hands over the raw target), trailing slashes are ignored.
#pragma once

#include <string>
#include <vector>

#include "http/message.h"

namespace ingot::http {

class Router {
public:
    void add(const std::string& method, const std::string& pattern, Handler handler);

    struct Match {
        const Handler* handler = nullptr;  // null when nothing matched
        std::vector<std::string> allowed;  // methods for the path, when the method did not match
        std::map<std::string, std::string> params;
    };
    // Throws InvalidInput if a path segment has a bad percent-escape.
    Match match(const std::string& method, const std::string& path) const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;  // "{x}" marks a parameter
        Handler handler;
    };
    std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace ingot::http
