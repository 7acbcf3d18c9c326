#include "boot/boot_quoting.h"

#include "interfaces/base_interface.h"

namespace ingot::boot {
namespace {

using interfaces::InvalidParameter;

bool control(unsigned char c) {
    return c < 0x20 || c == 0x7f;
}

bool has_control(std::string_view text) {
    for (char c : text)
        if (control(static_cast<unsigned char>(c))) return true;
    return false;
}

// Shown in messages, control characters masked.
std::string shown(std::string_view text) {
    std::string out(text.substr(0, 80));
    for (auto& c : out)
        if (control(static_cast<unsigned char>(c))) c = '?';
    return "'" + out + (text.size() > 80 ? "...'" : "'");
}

// Why `word` is not one literal iPXE word ("" when it is).
std::string ipxe_problem(std::string_view word) {
    if (word.empty()) return "an empty word (two blanks in a row, which iPXE would make one)";
    for (char c : word) {
        if (c == ' ') return "a blank, which splits iPXE words";
        if (control(static_cast<unsigned char>(c))) return "a control character";
    }
    if (word.front() == '#') return "a word starting with '#', which starts an iPXE comment";
    if (word == ";" || word == "&&" || word == "||") return "the word " + shown(word) + ", which ends an iPXE command";
    if (word.find("${") != std::string_view::npos)
        return "'${', which iPXE expands as a setting (it has no way to write it literally)";
    return "";
}

}  // namespace

std::string ipxe_word(std::string_view word) {
    if (const std::string why = ipxe_problem(word); !why.empty())
        throw InvalidParameter(shown(word) + " cannot be written into an iPXE script: it has " + why);
    return std::string(word);
}

std::string ipxe_kernel_args(const std::vector<KernelArg>& args) {
    std::string out;
    for (const auto& arg : args) {
        const std::string text = kernel_arg_text(arg);
        // A value with blanks stays in the kernel's quotes; iPXE splits it
        // into words and joins them back with one blank, so each piece must
        // itself be a plain word.
        size_t start = 0;
        for (;;) {
            const size_t blank = text.find(' ', start);
            const std::string_view piece = std::string_view(text).substr(start, blank - start);
            if (const std::string why = ipxe_problem(piece); !why.empty())
                throw InvalidParameter("argument " + shown(text) + " cannot be written into an iPXE script: it has " +
                                       why);
            if (blank == std::string::npos) break;
            start = blank + 1;
        }
        if (!out.empty()) out += ' ';
        out += text;
    }
    return out;
}

std::string pxelinux_word(std::string_view word) {
    bool bad = word.empty();
    for (char c : word) bad = bad || c == ' ' || control(static_cast<unsigned char>(c));
    if (bad) throw InvalidParameter(shown(word) + " cannot be a word of a pxelinux configuration");
    return std::string(word);
}

std::string pxelinux_append_args(const std::vector<KernelArg>& args) {
    const std::string line = kernel_command_line(args);
    if (has_control(line))
        throw InvalidParameter("arguments " + shown(line) +
                               " cannot be written into a pxelinux configuration: a control character would end "
                               "the APPEND line");
    return line;
}

std::string grub_word(std::string_view word) {
    if (has_control(word))
        throw InvalidParameter(shown(word) +
                               " cannot be written into a GRUB configuration: it has a control "
                               "character");
    static constexpr std::string_view plain =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._,:/=+@%-";
    if (!word.empty() && word.find_first_not_of(plain) == std::string_view::npos) return std::string(word);
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string grub_kernel_args(const std::vector<KernelArg>& args) {
    std::string out;
    for (const auto& arg : args) {
        const std::string text = arg.key + (arg.value ? "=" + *arg.value : "");
        if (text.find_first_of("'\"\\") != std::string::npos)
            throw InvalidParameter("argument " + shown(text) +
                                   " cannot be passed by GRUB: it puts a backslash before ', \" and \\, which the "
                                   "kernel keeps");
        // GRUB double-quotes an argument only for an ASCII blank; Linux
        // also splits at byte 0xA0.
        if (text.find('\xa0') != std::string::npos && text.find(' ') == std::string::npos)
            throw InvalidParameter("argument " + shown(text) +
                                   " cannot be passed by GRUB: Linux reads its byte 0xA0 as a blank");
        if (!out.empty()) out += ' ';
        out += grub_word(text);
    }
    return out;
}

size_t grub_command_line_bytes(const std::string& kernel_path, const std::vector<KernelArg>& args) {
    size_t bytes = std::string("BOOT_IMAGE=").size() + kernel_path.size();
    for (const auto& arg : args) {
        const size_t text = arg.key.size() + (arg.value ? 1 + arg.value->size() : 0);
        const bool blank =
            arg.key.find(' ') != std::string::npos || (arg.value && arg.value->find(' ') != std::string::npos);
        bytes += 1 + text + (blank ? 2 : 0);
    }
    return bytes;
}

}  // namespace ingot::boot
