#include "tests/support/ca_initrd_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/process.h"

namespace ingot::test {

std::string ca_in_initrd(const std::string& archive, const std::string& dir) {
    ProcessOptions gunzip;
    gunzip.stdin_data = archive;
    const ProcessResult cpio = run_process({"gzip", "-dc"}, gunzip);
    EXPECT_EQ(cpio.exit_code, 0) << "gzip: " << cpio.err;
    ProcessOptions unpack;
    unpack.stdin_data = cpio.out;
    std::filesystem::create_directories(dir);
    const ProcessResult r = run_process({"cpio", "-idmu", "--quiet", "-D", dir}, unpack);
    EXPECT_EQ(r.exit_code, 0) << "cpio: " << r.err;
    std::ifstream in(dir + "/etc/ingot/api-ca.pem", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace ingot::test
