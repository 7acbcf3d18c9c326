// How the agent checks the conductor's certificate when ipa-api-url is
// https. The CA comes, first found first: --api-ca FILE, ipa-api-ca=PATH
// on the kernel command line, kApiCaFile (where the conductor's second
// initrd, or `scripts/build-ramdisk --api-ca`, puts [agent] api_ca_file),
// else the ramdisk's own CA bundle. Verification is never skipped unless
// the kernel command line says ipa-insecure=1, as with IPA.
#pragma once

#include <string>

#include "common/http_client.h"

namespace ingot::agent::service {

// The conductor's boot/ca_initrd.h writes the CA here.
inline constexpr const char* kApiCaFile = "/etc/ingot/api-ca.pem";

// `ca_option`: --api-ca (may be empty); `cmdline_path`: the kernel command
// line file; `fixed_ca`: kApiCaFile (tests give another). Throws Error when
// a CA that was named explicitly cannot be read.
TlsVerification conductor_tls(const std::string& ca_option, const std::string& cmdline_path,
                              const std::string& fixed_ca = kApiCaFile);

}  // namespace ingot::agent::service
