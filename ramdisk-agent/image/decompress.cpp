#include "ramdisk-agent/image/decompress.h"

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <vector>

#include "common/errors.h"
#include "common/strings.h"
#include "ramdisk-agent/image/errors.h"

namespace ingot::agent::image {

Compression parse_compression(std::string_view name) {
    std::string n = to_lower(trim(name));
    if (n.empty() || n == "auto") return Compression::detect;
    if (n == "none") return Compression::none;
    if (n == "gzip" || n == "gz") return Compression::gzip;
    if (n == "xz") return Compression::xz;
    if (n == "zstd" || n == "zst") return Compression::zstd;
    throw InvalidInput("unsupported image compression '" + std::string(name) +
                       "' (expected none, gzip, xz, zstd or auto)");
}

std::string to_string(Compression c) {
    switch (c) {
        case Compression::none:
            return "none";
        case Compression::gzip:
            return "gzip";
        case Compression::xz:
            return "xz";
        case Compression::zstd:
            return "zstd";
        case Compression::detect:
            return "auto";
    }
    return "?";
}

Compression detect_compression(const unsigned char* d, size_t n) {
    if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b) return Compression::gzip;
    static const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
    if (n >= sizeof xz && std::memcmp(d, xz, sizeof xz) == 0) return Compression::xz;
    static const unsigned char zst[] = {0x28, 0xb5, 0x2f, 0xfd};
    if (n >= sizeof zst && std::memcmp(d, zst, sizeof zst) == 0) return Compression::zstd;
    return Compression::none;
}

namespace {

constexpr size_t kOutChunk = 1 << 20;

class GzipDecompressor : public Decompressor {
public:
    GzipDecompressor() : out_(kOutChunk) { init(); }
    ~GzipDecompressor() override { inflateEnd(&z_); }

    void feed(const char* data, size_t size, const OutputFn& out) override {
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
        z_.avail_in = static_cast<uInt>(size);
        while (z_.avail_in > 0) {
            if (ended_) {
                // Another gzip member follows (concatenated files).
                inflateReset(&z_);
                ended_ = false;
            }
            z_.next_out = reinterpret_cast<Bytef*>(out_.data());
            z_.avail_out = static_cast<uInt>(out_.size());
            int rc = inflate(&z_, Z_NO_FLUSH);
            size_t produced = out_.size() - z_.avail_out;
            if (produced) out(out_.data(), produced);
            if (rc == Z_STREAM_END) {
                ended_ = true;
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                throw ImageFormatError(std::string("corrupt gzip stream: ") + (z_.msg ? z_.msg : zError(rc)));
            }
        }
    }
    void finish(const OutputFn&) override {
        if (!ended_) throw ImageFormatError("gzip stream ends before its end marker (truncated image?)");
    }
    void reset() override {
        inflateEnd(&z_);
        init();
    }

private:
    void init() {
        std::memset(&z_, 0, sizeof z_);
        if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) throw Error("cannot initialise zlib");
        ended_ = false;
    }
    z_stream z_;
    bool ended_ = false;
    std::vector<char> out_;
};

class XzDecompressor : public Decompressor {
public:
    XzDecompressor() : out_(kOutChunk) { init(); }
    ~XzDecompressor() override { lzma_end(&s_); }

    void feed(const char* data, size_t size, const OutputFn& out) override {
        s_.next_in = reinterpret_cast<const uint8_t*>(data);
        s_.avail_in = size;
        while (s_.avail_in > 0) run(LZMA_RUN, out);
    }
    void finish(const OutputFn& out) override {
        // LZMA_CONCATENATED reports the end only once told the input is over.
        s_.next_in = nullptr;
        s_.avail_in = 0;
        while (!run(LZMA_FINISH, out)) {
        }
    }
    void reset() override {
        lzma_end(&s_);
        init();
    }

private:
    void init() {
        s_ = LZMA_STREAM_INIT;
        if (lzma_stream_decoder(&s_, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
            throw Error("cannot initialise liblzma");
    }
    // One lzma_code call; true at the end of the stream.
    bool run(lzma_action action, const OutputFn& out) {
        s_.next_out = reinterpret_cast<uint8_t*>(out_.data());
        s_.avail_out = out_.size();
        lzma_ret rc = lzma_code(&s_, action);
        size_t produced = out_.size() - s_.avail_out;
        if (produced) out(out_.data(), produced);
        if (rc == LZMA_STREAM_END) return true;
        if (rc == LZMA_OK) return false;
        if (rc == LZMA_BUF_ERROR && action == LZMA_FINISH)
            throw ImageFormatError("xz stream ends before its end marker (truncated image?)");
        throw ImageFormatError("corrupt xz stream (liblzma error " + std::to_string(static_cast<int>(rc)) + ")");
    }
    lzma_stream s_ = LZMA_STREAM_INIT;
    std::vector<char> out_;
};

class ZstdDecompressor : public Decompressor {
public:
    ZstdDecompressor() : d_(ZSTD_createDStream()), out_(kOutChunk) {
        if (!d_) throw Error("cannot initialise libzstd");
        reset();
    }
    ~ZstdDecompressor() override { ZSTD_freeDStream(d_); }

    void feed(const char* data, size_t size, const OutputFn& out) override {
        ZSTD_inBuffer in{data, size, 0};
        // Loop until the input is consumed and the output is not full: a
        // full output buffer may hide more data still inside the decoder.
        while (true) {
            ZSTD_outBuffer ob{out_.data(), out_.size(), 0};
            size_t rc = ZSTD_decompressStream(d_, &ob, &in);
            if (ZSTD_isError(rc)) throw ImageFormatError(std::string("corrupt zstd stream: ") + ZSTD_getErrorName(rc));
            if (ob.pos) out(out_.data(), ob.pos);
            frame_done_ = rc == 0;
            if (in.pos == in.size && ob.pos < ob.size) break;
        }
    }
    void finish(const OutputFn&) override {
        if (!frame_done_) throw ImageFormatError("zstd stream ends before the end of its frame (truncated image?)");
    }
    void reset() override {
        ZSTD_DCtx_reset(d_, ZSTD_reset_session_only);
        frame_done_ = false;
    }

private:
    ZSTD_DStream* d_;
    std::vector<char> out_;
    bool frame_done_ = false;
};

}  // namespace

std::unique_ptr<Decompressor> make_decompressor(Compression c) {
    switch (c) {
        case Compression::gzip:
            return std::make_unique<GzipDecompressor>();
        case Compression::xz:
            return std::make_unique<XzDecompressor>();
        case Compression::zstd:
            return std::make_unique<ZstdDecompressor>();
        default:
            break;
    }
    throw Error("no decompressor for compression '" + to_string(c) + "'");
}

}  // namespace ingot::agent::image
