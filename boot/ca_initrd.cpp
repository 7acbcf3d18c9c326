#include "boot/ca_initrd.h"

#include <zlib.h>

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

// gzip of `data` (header time 0: the same input makes the same bytes).
std::string gzip(const std::string& data) {
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error("Cannot start zlib to build the CA initrd");
    std::string out(deflateBound(&z, data.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw Error("zlib could not compress the CA initrd");
    return out;
}

}  // namespace

std::string ca_initrd(const std::string& ca_pem) {
    std::string out;
    const std::string file = std::string(kApiCaInRamdisk).substr(1);  // no leading '/' in archives
    add_entry(out, 1, kDirectory, "etc", "");
    add_entry(out, 2, kDirectory, "etc/ingot", "");
    add_entry(out, 3, kRegularFile, file, ca_pem);
    add_entry(out, 0, 0, "TRAILER!!!", "");
    return gzip(out);
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
