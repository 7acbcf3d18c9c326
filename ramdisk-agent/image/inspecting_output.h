// A raw image's stream, held back until its format is known: the first
// kInspectBytes of the (decompressed) bytes stay here until detect_format
// can tell what they are and `check` accepts it; only then does anything
// reach the disk. A qcow2 or vmdk that says it is raw is refused before a
// byte of it is written.
#pragma once

#include <functional>
#include <string>

#include "ramdisk-agent/image/stream_sink.h"

namespace ingot::agent::image {

class InspectingOutput {
public:
    // `check` gets the format detected and throws to refuse it.
    InspectingOutput(StreamOutput inner, std::function<void(const std::string& format)> check);
    InspectingOutput(const InspectingOutput&) = delete;
    InspectingOutput& operator=(const InspectingOutput&) = delete;

    // What to hand the StreamSink; it refers to this object, which must
    // outlive the sink.
    StreamOutput output();
    // The stream ended: an image shorter than kInspectBytes is checked and
    // written now.
    void finish();

private:
    void write(const char* data, std::size_t size);
    void release();

    StreamOutput inner_;
    std::function<void(const std::string&)> check_;
    std::string head_;
    bool released_ = false;
};

}  // namespace ingot::agent::image
