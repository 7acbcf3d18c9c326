#include "boot/kernel_cmdline.h"

#include <cstdio>

#include "boot/boot_quoting.h"
#include "common/json_input.h"
#include "interfaces/base_interface.h"

namespace ingot::boot {
namespace {

using interfaces::InvalidParameter;

// Linux's isspace (lib/ctype.c): besides the ASCII blanks, byte 0xA0 (a
// Latin-1 no-break space), which is also a UTF-8 continuation byte.
bool kernel_blank(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

bool key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
}

std::string byte_name(unsigned char c) {
    if (c == '\n') return "a newline";
    if (c == '\r') return "a carriage return";
    if (c == '\t') return "a tab";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", c);
    return std::string("byte ") + buf;
}

// The first control character (< 0x20 or 0x7f) of `text`, or npos.
size_t find_control(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) return i;
    }
    return std::string_view::npos;
}

// Shown in messages: long enough to recognise, short enough for last_error.
std::string shown(std::string_view text) {
    std::string out(text.substr(0, 80));
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return "'" + out + (text.size() > 80 ? "...'" : "'");
}

// One argument from `text` at `pos` (past leading blanks), as next_arg does.
KernelArg next_arg(std::string_view text, size_t& pos) {
    size_t start = pos;
    bool quoted = false, in_quote = false;
    if (text[start] == '"') {
        ++start;
        quoted = in_quote = true;
    }
    size_t end = start, equals = std::string_view::npos;
    for (; end < text.size(); ++end) {
        const char c = text[end];
        if (!in_quote && kernel_blank(static_cast<unsigned char>(c))) break;
        // As in Linux, an '=' opening the argument does not start a value.
        if (equals == std::string_view::npos && c == '=' && end > start) equals = end;
        if (c == '"') in_quote = !in_quote;
    }
    pos = end;
    std::string_view token = text.substr(start, end - start);
    const bool closing_quote = !token.empty() && token.back() == '"';
    KernelArg arg;
    if (equals == std::string_view::npos) {
        if (quoted && closing_quote) token.remove_suffix(1);
        arg.key = std::string(token);
        return arg;
    }
    arg.key = std::string(token.substr(0, equals - start));
    std::string_view value = token.substr(equals - start + 1);
    bool stripped_closing = false;
    if (!value.empty() && value.front() == '"') {
        value.remove_prefix(1);
        if (closing_quote && !value.empty()) {
            value.remove_suffix(1);
            stripped_closing = true;
        }
    }
    if (quoted && closing_quote && !stripped_closing && !value.empty()) value.remove_suffix(1);
    arg.value = std::string(value);
    return arg;
}

}  // namespace

std::vector<KernelArg> split_kernel_command_line(std::string_view text) {
    std::vector<KernelArg> args;
    size_t pos = 0;
    for (;;) {
        while (pos < text.size() && kernel_blank(static_cast<unsigned char>(text[pos]))) ++pos;
        if (pos >= text.size()) break;
        args.push_back(next_arg(text, pos));
    }
    return args;
}

std::string kernel_arg_text(const KernelArg& arg) {
    std::string text = arg.key;
    if (arg.value) {
        bool blank = false;
        for (char c : *arg.value) blank = blank || kernel_blank(static_cast<unsigned char>(c));
        text += blank ? "=\"" + *arg.value + "\"" : "=" + *arg.value;
    }
    // What the kernel reads back decides: a quote inside, or a blank in the
    // key, would make it read something else.
    const auto back = split_kernel_command_line(text);
    if (back.size() != 1 || back[0] != arg)
        throw InvalidParameter("argument " + shown(text) + " would not reach the kernel as one argument" +
                               (text.find('"') != std::string::npos
                                    ? ": a double quote may only enclose a whole value (key=\"a b\")"
                                    : ""));
    return text;
}

std::string kernel_command_line(const std::vector<KernelArg>& args) {
    std::string out;
    for (const auto& arg : args) {
        if (!out.empty()) out += ' ';
        out += kernel_arg_text(arg);
    }
    return out;
}

void check_kernel_arg(const KernelArg& arg, const std::string& field) {
    const std::string text = arg.key + (arg.value ? "=" + *arg.value : "");
    auto refuse = [&](const std::string& why) { throw InvalidParameter(field + ": argument " + shown(text) + why); };
    if (!is_valid_utf8(text)) refuse(" is not valid UTF-8");
    if (size_t at = find_control(text); at != std::string::npos)
        refuse(" contains " + byte_name(static_cast<unsigned char>(text[at])) +
               ", a control character (it would end the line in the boot file)");
    if (arg.key == "--") refuse(": '--' would hand everything after it to init, not to the kernel and the agent");
    if (arg.key.empty() || !key_char(arg.key[0]) || arg.key[0] == '-' || arg.key[0] == '.')
        refuse(": an argument must start with a letter, a digit or '_'");
    for (char c : arg.key)
        if (!key_char(c)) refuse(": " + shown(std::string(1, c)) + " may not appear before the '=' of an argument");
    if (text.find('\xa0') != std::string::npos)
        refuse(" contains byte 0xA0 (in the UTF-8 of characters such as U+00E0), which Linux reads as a blank");
    try {
        // Each format refuses what it cannot carry unchanged.
        ipxe_kernel_args({arg});
        pxelinux_append_args({arg});
        grub_kernel_args({arg});
    } catch (const InvalidParameter& e) {
        throw InvalidParameter(field + ": " + e.what());
    }
}

std::vector<KernelArg> parse_kernel_params(std::string_view text, const std::string& field) {
    if (!is_valid_utf8(text)) throw InvalidParameter(field + " is not valid UTF-8");
    if (size_t at = find_control(text); at != std::string::npos)
        throw InvalidParameter(field + " contains " + byte_name(static_cast<unsigned char>(text[at])) + " at byte " +
                               std::to_string(at) +
                               ": kernel parameters are one line, control characters are not allowed");
    if (text.size() > kMaxKernelCommandLine)
        throw InvalidParameter(field + " is " + std::to_string(text.size()) + " bytes; the kernel keeps at most " +
                               std::to_string(kMaxKernelCommandLine) + " of its whole command line");
    if (text.find('\xa0') != std::string_view::npos)
        throw InvalidParameter(field +
                               " contains byte 0xA0 (in the UTF-8 of characters such as U+00E0), which Linux reads "
                               "as a blank");
    size_t quotes = 0;
    for (char c : text) quotes += c == '"';
    if (quotes % 2 != 0) throw InvalidParameter(field + " has an unbalanced double quote");
    auto args = split_kernel_command_line(text);
    for (const auto& arg : args) check_kernel_arg(arg, field);
    return args;
}

void check_command_line_length(size_t bytes, const std::string& what) {
    if (bytes <= kMaxKernelCommandLine) return;
    throw InvalidParameter("The kernel command line of " + what + " would be " + std::to_string(bytes) +
                           " bytes with what Ingot and the boot loader add (ipa-api-url=, BOOTIF=, initrd=, "
                           "BOOT_IMAGE=); Linux on x86 keeps at most " +
                           std::to_string(kMaxKernelCommandLine) +
                           " and cuts the rest: shorten kernel_append_params (driver_info or [pxe]).");
}

}  // namespace ingot::boot
