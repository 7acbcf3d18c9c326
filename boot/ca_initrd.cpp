#include "boot/ca_initrd.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "common/x509.h"

namespace ingot::boot {
namespace {

constexpr unsigned kDirectory = 0040755;
constexpr unsigned kRegularFile = 0100644;

void pad4(std::string& out) {
    while (out.size() % 4 != 0) out += '\0';
}

// One newc entry: "070701", thirteen 8-digit hex fields, the name with its
// NUL, padding to 4 bytes, the data, padding to 4 bytes.
void add_entry(std::string& out, unsigned ino, unsigned mode, const std::string& name, const std::string& data) {
    const unsigned nlink = (mode & 0170000) == 0040000 ? 2 : 1;
    const unsigned long fields[13] = {ino, mode, 0, 0, nlink, 0, data.size(), 0, 0, 0, 0, name.size() + 1, 0};
    out += "070701";
    char hex[9];
    for (unsigned long f : fields) {
        std::snprintf(hex, sizeof hex, "%08lX", f);
        out += hex;
    }
    out += name;
    out += '\0';
    pad4(out);
    out += data;
    pad4(out);
}

}  // namespace

std::string ca_initrd(const std::string& ca_pem) {
    std::string out;
    const std::string file = std::string(kApiCaInRamdisk).substr(1);  // no leading '/' in archives
    add_entry(out, 1, kDirectory, "etc", "");
    add_entry(out, 2, kDirectory, "etc/ingot", "");
    add_entry(out, 3, kRegularFile, file, ca_pem);
    add_entry(out, 0, 0, "TRAILER!!!", "");
    return out;
}

std::string ca_initrd_of_file(const std::string& ca_file) {
    std::ifstream in(ca_file, std::ios::binary);
    if (!in) throw Error("Cannot read [agent] api_ca_file " + ca_file);
    std::stringstream text;
    text << in.rdbuf();
    try {
        x509::inspect_pem(text.str());
    } catch (const InvalidInput& e) {
        throw Error("[agent] api_ca_file " + ca_file + " holds no usable CA certificate: " + e.what());
    }
    return ca_initrd(text.str());
}

}  // namespace ingot::boot
