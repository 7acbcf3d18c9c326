// Streaming decompressors fed byte dribbles and large chunks alike.
#include <gtest/gtest.h>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <random>

#include "common/errors.h"
#include "ramdisk-agent/image/decompress.h"
#include "ramdisk-agent/image/errors.h"

namespace img = ingot::agent::image;

namespace {

std::string sample(size_t size) {
    std::mt19937 rng(7);
    std::string s(size, '\0');
    for (size_t i = 0; i < size; ++i) s[i] = (i / 1000) % 2 ? 'x' : static_cast<char>(rng());
    return s;
}

std::string gzip(const std::string& in) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, in.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string xz(const std::string& in) {
    std::string out(lzma_stream_buffer_bound(in.size()), '\0');
    size_t pos = 0;
    lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const uint8_t*>(in.data()), in.size(),
                            reinterpret_cast<uint8_t*>(out.data()), &pos, out.size());
    out.resize(pos);
    return out;
}

std::string zstd(const std::string& in) {
    std::string out(ZSTD_compressBound(in.size()), '\0');
    // With the content checksum, as the zstd CLI writes it: without one,
    // corrupt literals in a raw block cannot be noticed.
    ZSTD_CCtx* c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    out.resize(ZSTD_compress2(c, out.data(), out.size(), in.data(), in.size()));
    ZSTD_freeCCtx(c);
    return out;
}

std::string decompress(img::Compression c, const std::string& packed, size_t chunk) {
    auto d = img::make_decompressor(c);
    std::string out;
    img::OutputFn sink = [&](const char* p, size_t n) { out.append(p, n); };
    for (size_t at = 0; at < packed.size(); at += chunk)
        d->feed(packed.data() + at, std::min(chunk, packed.size() - at), sink);
    d->finish(sink);
    return out;
}

struct Case {
    img::Compression compression;
    std::string (*pack)(const std::string&);
};

class AgentImageDecompress : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(AgentImageDecompress, RoundTripsInAnyChunking) {
    std::string plain = sample(3 << 20);
    std::string packed = GetParam().pack(plain);
    EXPECT_EQ(img::detect_compression(reinterpret_cast<const unsigned char*>(packed.data()), packed.size()),
              GetParam().compression);
    for (size_t chunk : {size_t{1} << 20, size_t{4093}})
        EXPECT_TRUE(decompress(GetParam().compression, packed, chunk) == plain);
}

TEST_P(AgentImageDecompress, ConcatenatedStreamsDecodeAsOne) {
    std::string a = sample(100000), b = sample(5000);
    std::string packed = GetParam().pack(a) + GetParam().pack(b);
    EXPECT_TRUE(decompress(GetParam().compression, packed, 65536) == a + b);
}

TEST_P(AgentImageDecompress, TruncatedStreamFailsAtFinish) {
    std::string packed = GetParam().pack(sample(200000));
    packed.resize(packed.size() - 10);
    EXPECT_THROW(decompress(GetParam().compression, packed, 65536), img::ImageFormatError);
}

TEST_P(AgentImageDecompress, CorruptStreamFails) {
    std::string packed = GetParam().pack(sample(200000));
    for (size_t i = packed.size() / 2; i < packed.size() / 2 + 64; ++i) packed[i] = static_cast<char>(~packed[i]);
    EXPECT_THROW(decompress(GetParam().compression, packed, 65536), img::ImageFormatError);
}

TEST_P(AgentImageDecompress, ResetStartsOver) {
    std::string plain = sample(300000);
    std::string packed = GetParam().pack(plain);
    auto d = img::make_decompressor(GetParam().compression);
    std::string out;
    img::OutputFn sink = [&](const char* p, size_t n) { out.append(p, n); };
    d->feed(packed.data(), packed.size() / 2, sink);
    d->reset();
    out.clear();
    d->feed(packed.data(), packed.size(), sink);
    d->finish(sink);
    EXPECT_TRUE(out == plain);
}

INSTANTIATE_TEST_SUITE_P(Formats, AgentImageDecompress,
                         ::testing::Values(Case{img::Compression::gzip, gzip}, Case{img::Compression::xz, xz},
                                           Case{img::Compression::zstd, zstd}),
                         [](const auto& info) { return img::to_string(info.param.compression); });

TEST(AgentImageCompression, ParsingAndDetection) {
    EXPECT_EQ(img::parse_compression(""), img::Compression::detect);
    EXPECT_EQ(img::parse_compression("GZ"), img::Compression::gzip);
    EXPECT_EQ(img::parse_compression("zst"), img::Compression::zstd);
    EXPECT_THROW(img::parse_compression("bzip2"), ingot::InvalidInput);
    const unsigned char mbr[] = {0xeb, 0x63, 0x90, 0x10, 0x8e, 0xd0};
    EXPECT_EQ(img::detect_compression(mbr, sizeof mbr), img::Compression::none);
    EXPECT_EQ(img::detect_compression(mbr, 0), img::Compression::none);
}
