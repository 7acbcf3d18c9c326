// What the agent learns about the machine it runs on, from files whose
// paths tests can replace: the NICs' MACs (/sys/class/net/*/address) and
// the conductor's URL from the kernel command line (ipa-api-url=).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ingot::agent::service {

// MACs of the interfaces under `net_dir`, lower case, without loopback or
// all-zero addresses, sorted.
std::vector<std::string> read_macs(const std::string& net_dir = "/sys/class/net");

// The value of `key=` in a kernel command line file, if present.
std::optional<std::string> kernel_param(const std::string& key, const std::string& cmdline_path = "/proc/cmdline");

// The local address this machine uses to reach `url`'s host (what the
// conductor will see as the agent's address); empty if it cannot be found.
std::string local_address_towards(const std::string& url);

}  // namespace ingot::agent::service
