// ingot-agent-image-bench URL TARGET SHA256 [--buffered]
// Writes one image with write_image() and prints one JSON line with the
// figures; bench/agent/run.sh compares them with curl | dd and sha256sum.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include <nlohmann/json.hpp>

#include "ramdisk-agent/image/write_image.h"

namespace img = ingot::agent::image;

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s URL TARGET SHA256 [--buffered] [--compression=NAME]\n", argv[0]);
        return 2;
    }
    img::ImageSource source;
    source.url = argv[1];
    source.checksum = img::resolve_checksum("sha256", argv[3], "");
    img::WriteOptions options;
    for (int i = 4; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--buffered")
            options.direct_io = false;
        else if (arg.rfind("--compression=", 0) == 0)
            source.compression = img::parse_compression(arg.substr(14));
    }
    try {
        auto r = img::write_image(source, argv[2], options);
        double seconds = r.duration.count() / 1000.0;
        nlohmann::json out{{"bytes_downloaded", r.bytes_downloaded},
                           {"bytes_written", r.bytes_written},
                           {"seconds", seconds},
                           {"mb_per_s", r.bytes_downloaded / seconds / 1e6},
                           {"direct_io", options.direct_io},
                           {"sha256", r.checksum}};
        std::puts(out.dump().c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "write_image failed: %s\n", e.what());
        return 1;
    }
}
