#include "ramdisk-agent/image/stream_sink.h"

#include "common/log.h"
#include "ramdisk-agent/image/errors.h"

namespace ingot::agent::image {

StreamSink::StreamSink(HashAlgo algo, Compression compression, StreamOutput output, std::string url)
    : hash_(algo), configured_(compression), active_(compression), output_(std::move(output)), url_(std::move(url)) {
    if (active_ != Compression::none && active_ != Compression::detect) decompressor_ = make_decompressor(active_);
}

void StreamSink::on_start(std::optional<uint64_t> total_size) {
    total_ = total_size;
    // Raw: the file's length is the image's, so refuse before a byte is
    // written. Compressed (or not yet known) is checked as it decompresses.
    if (active_ == Compression::none && total_ && output_.capacity && *total_ > *output_.capacity)
        throw ImageTooLarge("image is " + std::to_string(*total_) + " bytes, device " + output_.name + " holds " +
                            std::to_string(*output_.capacity) + " bytes");
}

void StreamSink::on_data(const char* data, size_t size) {
    hash_.update(data, size);
    if (active_ != Compression::detect) return pass(data, size);
    head_.append(data, size);
    if (head_.size() < kMagicBytes) return;
    decide(reinterpret_cast<const unsigned char*>(head_.data()), head_.size());
    std::string head = std::move(head_);
    head_.clear();
    pass(head.data(), head.size());
}

void StreamSink::decide(const unsigned char* head, size_t size) {
    active_ = detect_compression(head, size);
    log::info("agent.image.compression", {{"url", url_}, {"compression", to_string(active_)}});
    if (active_ != Compression::none)
        decompressor_ = make_decompressor(active_);
    else
        on_start(total_);  // now known to be raw: the up-front size check applies
}

void StreamSink::pass(const char* data, size_t size) {
    if (decompressor_)
        decompressor_->feed(data, size, output_.write);
    else
        output_.write(data, size);
}

void StreamSink::on_restart() {
    hash_.reset();
    head_.clear();
    active_ = configured_;
    if (decompressor_) decompressor_->reset();
    if (active_ == Compression::detect) decompressor_.reset();
    output_.rewind();
}

void StreamSink::finish() {
    if (active_ == Compression::detect) {
        // Shorter than any magic number: it can only be raw.
        std::string head = std::move(head_);
        head_.clear();
        decide(reinterpret_cast<const unsigned char*>(head.data()), head.size());
        pass(head.data(), head.size());
    }
    if (decompressor_) decompressor_->finish(output_.write);
}

}  // namespace ingot::agent::image
