// bmc_path: which links a BMC answers with are followed, and on which host.
#include <gtest/gtest.h>

#include "power/redfish_links.h"

using ingot::power::bmc_path;
using ingot::power::RedfishForeignLink;

namespace {

std::string refusal(const std::string& bmc, const std::string& link) {
    try {
        return "followed as " + bmc_path(bmc, link);
    } catch (const RedfishForeignLink& e) {
        return e.what();
    }
}

TEST(RedfishLinks, PathsAndTheBmcsOwnUrlsAreFollowed) {
    EXPECT_EQ(bmc_path("https://10.0.0.22", "/redfish/v1/Systems/1"), "/redfish/v1/Systems/1");
    EXPECT_EQ(bmc_path("https://10.0.0.22", "https://10.0.0.22/redfish/v1/TaskService/Tasks/7"),
              "/redfish/v1/TaskService/Tasks/7");
    EXPECT_EQ(bmc_path("https://10.0.0.22", "HTTPS://10.0.0.22:443/redfish/v1?$expand=.#frag"),
              "/redfish/v1?$expand=.");
    EXPECT_EQ(bmc_path("http://bmc.example:8000", "http://BMC.example:8000/x"), "/x");
    EXPECT_EQ(bmc_path("https://[fd00::5]:8443", "https://[FD00::5]:8443/redfish/v1"), "/redfish/v1");
    EXPECT_EQ(bmc_path("https://10.0.0.22", "//10.0.0.22/redfish/v1"), "/redfish/v1");
}

TEST(RedfishLinks, AnotherHostPortOrSchemeIsRefusedNamingBoth) {
    const std::string why = refusal("https://10.0.0.22", "https://203.0.113.9/redfish/v1/SessionService/Sessions");
    EXPECT_NE(why.find("https://203.0.113.9 is not https://10.0.0.22"), std::string::npos) << why;
    EXPECT_NE(why.find("Redfish BMC https://10.0.0.22"), std::string::npos) << why;
    EXPECT_NE(refusal("https://10.0.0.22", "https://10.0.0.22:8443/x").find("is not"), std::string::npos);
    // A downgrade to plain HTTP would send the credentials in clear.
    EXPECT_NE(refusal("https://10.0.0.22", "http://10.0.0.22/x").find("http://10.0.0.22 is not"), std::string::npos);
    EXPECT_NE(refusal("https://10.0.0.22", "//evil.example/x").find("evil.example"), std::string::npos);
    // User information, other schemes, relative and odd links.
    for (const std::string link :
         {"https://10.0.0.22@evil.example/x", "https://user:pw@10.0.0.22/x", "file:///etc/shadow", "redfish/v1/Systems",
          "@evil.example/x", "/redfish/v1/Systems/1\r\nX-Injected: 1", "https://10.0.0.22:99999999999/x",
          "https://[fd00::5/x"})
        EXPECT_EQ(refusal("https://10.0.0.22", link).rfind("The Redfish BMC", 0), 0u) << link;
}

}  // namespace
