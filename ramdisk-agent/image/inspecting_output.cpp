#include "ramdisk-agent/image/inspecting_output.h"

#include "ramdisk-agent/image/format_inspector.h"

namespace ingot::agent::image {

InspectingOutput::InspectingOutput(StreamOutput inner, std::function<void(const std::string&)> check)
    : inner_(std::move(inner)), check_(std::move(check)) {}

StreamOutput InspectingOutput::output() {
    StreamOutput out;
    out.write = [this](const char* data, std::size_t size) { write(data, size); };
    out.rewind = [this] {
        head_.clear();
        released_ = false;
        inner_.rewind();
    };
    out.name = inner_.name;
    out.capacity = inner_.capacity;
    return out;
}

void InspectingOutput::write(const char* data, std::size_t size) {
    if (released_) {
        inner_.write(data, size);
        return;
    }
    head_.append(data, size);
    if (head_.size() >= kInspectBytes) release();
}

void InspectingOutput::release() {
    check_(detect_format(head_));
    released_ = true;
    inner_.write(head_.data(), head_.size());
    head_.clear();
    head_.shrink_to_fit();
}

void InspectingOutput::finish() {
    if (!released_) release();
}

}  // namespace ingot::agent::image
