// kernel_append_params as an operator (or an API client) writes them,
// through the checks of boot/kernel_cmdline.h and into the three boot file
// formats of boot/boot_quoting.h. The first input byte picks what is
// fuzzed: a parameter text, or one word for each format's word quoting.
//
// Invariants: parameters that pass come back unchanged from every format:
// Linux's own splitting of the plain, pxelinux and (blank-collapsed) iPXE
// lines, and of GRUB's words as its `linux` command joins them, gives the
// same arguments; no format's text has a control character, an iPXE word
// never starts a comment, ends a command or holds "${"; the command line
// fits what the kernel keeps. A quoted word reads back as the word.
#include <string>
#include <string_view>
#include <vector>

#include "boot/boot_quoting.h"
#include "boot/kernel_cmdline.h"
#include "fuzz/support/fuzz_support.h"
#include "interfaces/base_interface.h"

using namespace ingot;
using boot::KernelArg;

namespace {

bool has_control(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> out;
    std::string word;
    for (char c : line) {
        if (c == ' ') {
            if (!word.empty()) out.push_back(std::exchange(word, {}));
        } else {
            word += c;
        }
    }
    if (!word.empty()) out.push_back(word);
    return out;
}

// GRUB's reading of a line into words: '...' is literal, a backslash
// outside quotes takes the next character, blanks separate words.
std::vector<std::string> grub_words(std::string_view line) {
    std::vector<std::string> out;
    std::string word;
    bool in_word = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == ' ') {
            if (in_word) out.push_back(std::exchange(word, {}));
            in_word = false;
            continue;
        }
        in_word = true;
        if (c == '\'') {
            const size_t close = line.find('\'', i + 1);
            fuzz::check(close != std::string_view::npos, "an unclosed quote in GRUB text: " + std::string(line));
            word += line.substr(i + 1, close - i - 1);
            i = close;
        } else if (c == '\\' && i + 1 < line.size()) {
            word += line[++i];
        } else {
            word += c;
        }
    }
    if (in_word) out.push_back(word);
    return out;
}

// What GRUB's `linux` hands the kernel: the words joined by blanks, a word
// with a blank in double quotes.
std::string grub_linux_line(const std::vector<std::string>& ws) {
    std::string line;
    for (const auto& w : ws) {
        if (!line.empty()) line += ' ';
        line += w.find(' ') != std::string::npos ? "\"" + w + "\"" : w;
    }
    return line;
}

void same_args(const std::vector<KernelArg>& args, std::string_view line, const std::string& format) {
    fuzz::check(!has_control(line), format + " text has a control character: " + std::string(line));
    fuzz::check(boot::split_kernel_command_line(line) == args,
                "the kernel reads other arguments from the " + format + " text: " + std::string(line));
}

void check_formats(const std::vector<KernelArg>& args) {
    for (const auto& arg : args) boot::check_kernel_arg(arg, "fuzz");  // throws: a bug, reported as a crash
    const std::string plain = boot::kernel_command_line(args);
    fuzz::check(plain.size() <= boot::kMaxKernelCommandLine, "an accepted command line is too long");
    same_args(args, plain, "plain");
    same_args(args, boot::pxelinux_append_args(args), "pxelinux");
    const std::string ipxe = boot::ipxe_kernel_args(args);
    std::string joined;
    for (const auto& w : words(ipxe)) {
        fuzz::check(w[0] != '#' && w != ";" && w != "&&" && w != "||" && w.find("${") == std::string::npos,
                    "an iPXE word that is not literal: " + w);
        joined += (joined.empty() ? "" : " ") + w;
    }
    same_args(args, joined, "iPXE");
    const std::string grub = boot::grub_kernel_args(args);
    fuzz::check(!has_control(grub), "GRUB text has a control character");
    same_args(args, grub_linux_line(grub_words(grub)), "GRUB");
}

void check_words(std::string_view word) {
    try {
        const std::string out = boot::ipxe_word(word);
        fuzz::check(out == word, "ipxe_word changed its word");
        fuzz::check(words(out).size() == 1 && out[0] != '#' && out.find("${") == std::string::npos && !has_control(out),
                    "ipxe_word let through " + out);
    } catch (const interfaces::InvalidParameter&) {
    }
    try {
        const std::string out = boot::grub_word(word);
        const auto back = grub_words(out);
        fuzz::check(back.size() == 1 && back[0] == word && !has_control(out), "grub_word does not read back: " + out);
    } catch (const interfaces::InvalidParameter&) {
    }
    try {
        const std::string out = boot::pxelinux_word(word);
        fuzz::check(words(out).size() == 1 && words(out)[0] == word && !has_control(out),
                    "pxelinux_word let through " + out);
    } catch (const interfaces::InvalidParameter&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    boot::split_kernel_command_line(text);  // no checks: must only not crash
    if (data[0] & 1) {
        check_words(text);
        return 0;
    }
    std::vector<KernelArg> args;
    try {
        args = boot::parse_kernel_params(text, "kernel_append_params");
    } catch (const interfaces::InvalidParameter& e) {
        fuzz::check(std::string(e.what()).rfind("kernel_append_params", 0) == 0,
                    std::string("a refusal that does not name the field: ") + e.what());
        return 0;
    }
    check_formats(args);
    return 0;
}
