// Test support: what a kernel would find in the CA initrd of
// boot/ca_initrd.h, read with the real tools (gzip, GNU cpio).
#pragma once

#include <string>

namespace ingot::test {

// Unpacks `archive` (the initrd's bytes) into `dir` and returns the file it
// holds at etc/ingot/api-ca.pem; records a test failure (and returns "")
// when gzip or cpio refuse it.
std::string ca_in_initrd(const std::string& archive, const std::string& dir);

}  // namespace ingot::test
