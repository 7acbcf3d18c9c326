// Test support: changing a node's record behind the conductor's back, for
// states a fake-hardware node never reaches through the API (the ramdisk
// boot a real deploy waits for).
#pragma once

#include <string>

namespace ingot::test {

class ConductorProcess;

// Puts the node in `wait call-back` towards `active`, as a deploy that
// booted its ramdisk leaves it; `driver_internal_info` (JSON text, empty:
// unchanged) replaces that field. Returns whether one row changed.
bool put_in_wait_callback(const ConductorProcess& conductor, const std::string& uuid,
                          const std::string& driver_internal_info = "");

// The same into any `state` towards `active`.
bool put_in_state(const ConductorProcess& conductor, const std::string& uuid, const std::string& state,
                  const std::string& driver_internal_info = "");

}  // namespace ingot::test
