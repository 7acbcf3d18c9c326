// log.collect_system_logs: what IPA sends the conductor when a deploy fails:
// journalctl and dmesg output as a gzipped tar, base64-encoded.
#pragma once

#include <string>

namespace ingot::agent::service {

// The base64 of a tar.gz holding journal.txt and dmesg.txt (a tool that is
// missing or fails leaves its error text in the file instead).
std::string collect_system_logs();

std::string base64_encode(const std::string& data);

}  // namespace ingot::agent::service
