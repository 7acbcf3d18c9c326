#include "ramdisk-agent/service/conductor_tls.h"

#include <unistd.h>

#include "common/errors.h"
#include "common/log.h"
#include "ramdisk-agent/service/host_info.h"

namespace ingot::agent::service {

TlsVerification conductor_tls(const std::string& ca_option, const std::string& cmdline_path,
                              const std::string& fixed_ca) {
    TlsVerification tls;
    if (auto insecure = kernel_param("ipa-insecure", cmdline_path); insecure && *insecure != "0") {
        log::warning("agent.api_tls", {{"verify", "false"}, {"reason", "ipa-insecure on the kernel command line"}});
        tls.verify = false;
        return tls;
    }
    std::string ca = ca_option;
    std::string source = "--api-ca";
    if (ca.empty()) {
        ca = kernel_param("ipa-api-ca", cmdline_path).value_or("");
        source = "ipa-api-ca";
    }
    if (!ca.empty() && ::access(ca.c_str(), R_OK) != 0)
        throw Error("The conductor's CA " + ca + " (" + source + ") cannot be read");
    if (ca.empty() && ::access(fixed_ca.c_str(), R_OK) == 0) {
        ca = fixed_ca;
        source = "the ramdisk";
    }
    tls.ca_path = ca;
    if (ca.empty()) source = "default";
    log::info("agent.api_tls", {{"verify", "true"}, {"ca", ca.empty() ? "system" : ca}, {"from", source}});
    return tls;
}

}  // namespace ingot::agent::service
