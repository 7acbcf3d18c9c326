#include "ramdisk-agent/service/host_info.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/ids.h"

namespace ingot::agent::service {

std::vector<std::string> read_macs(const std::string& net_dir) {
    std::vector<std::string> macs;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(net_dir, ec)) {
        if (entry.path().filename() == "lo") continue;
        std::ifstream in(entry.path() / "address");
        std::string raw, mac;
        if (!(in >> raw) || !normalize_mac(raw, mac) || mac == "00:00:00:00:00:00") continue;
        if (std::find(macs.begin(), macs.end(), mac) == macs.end()) macs.push_back(mac);
    }
    std::sort(macs.begin(), macs.end());
    return macs;
}

std::optional<std::string> kernel_param(const std::string& key, const std::string& cmdline_path) {
    std::ifstream in(cmdline_path);
    std::string word;
    const std::string prefix = key + "=";
    while (in >> word)
        if (word.rfind(prefix, 0) == 0) return word.substr(prefix.size());
    return std::nullopt;
}

std::string local_address_towards(const std::string& url) {
    // host[:port] between "://" and the next '/'.
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    std::string hostport = url.substr(start, url.find('/', start) - start);
    std::string host = hostport, port = "80";
    if (!hostport.empty() && hostport[0] == '[') {
        auto close = hostport.find(']');
        host = hostport.substr(1, close - 1);
        if (close + 1 < hostport.size() && hostport[close + 1] == ':') port = hostport.substr(close + 2);
    } else if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
        host = hostport.substr(0, colon);
        port = hostport.substr(colon + 1);
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || !found) return "";
    std::string address;
    // A UDP "connect" sends nothing; it only makes the kernel pick the route.
    int fd = socket(found->ai_family, SOCK_DGRAM, 0);
    if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
        sockaddr_storage local{};
        socklen_t len = sizeof(local);
        char text[INET6_ADDRSTRLEN] = {};
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
            if (local.ss_family == AF_INET)
                inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&local)->sin_addr, text, sizeof(text));
            else
                inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr, text, sizeof(text));
            address = local.ss_family == AF_INET6 ? "[" + std::string(text) + "]" : text;
        }
    }
    if (fd >= 0) close(fd);
    freeaddrinfo(found);
    return address;
}

}  // namespace ingot::agent::service
