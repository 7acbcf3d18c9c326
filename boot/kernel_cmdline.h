// The kernel command line Ingot hands a ramdisk or a netbooted instance:
// split into arguments exactly as Linux splits it, and checked so that
// every boot file format (iPXE script, pxelinux APPEND, GRUB `linux`) can
// carry each argument unchanged. Operators write kernel_append_params as
// they would type it at a boot prompt; what comes out of here is a list of
// arguments, which boot_quoting.h writes into each format.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::boot {

// x86's COMMAND_LINE_SIZE is 2048 bytes including the terminating NUL; the
// kernel silently cuts what is longer (and ipa-api-url= comes last).
inline constexpr size_t kMaxKernelCommandLine = 2047;

// One argument as the kernel reads it: `key` or `key=value`, the double
// quotes that grouped it removed (Linux's next_arg in lib/cmdline.c).
struct KernelArg {
    std::string key;
    std::optional<std::string> value;
    bool operator==(const KernelArg&) const = default;
};

// Linux's own splitting of a command line (no checks): blanks separate
// arguments except inside double quotes; a quote opening the argument or
// its value, and the one closing it, are dropped; other quotes stay.
std::vector<KernelArg> split_kernel_command_line(std::string_view text);

// The text the kernel splits back into exactly `arg`: key, key=value, or
// key="value" when the value has blanks. Throws InvalidParameter when no
// text does (a double quote inside, a blank in the key).
std::string kernel_arg_text(const KernelArg& arg);

// Arguments as one command line, separated by single blanks.
std::string kernel_command_line(const std::vector<KernelArg>& args);

// Splits and checks operator-written parameters (kernel_append_params).
// Throws InvalidParameter, its message starting with `field`, for invalid
// UTF-8, a control character (a newline would start a new line in the
// boot file), an unbalanced quote, text longer than the kernel keeps, or
// an argument check_kernel_arg refuses.
std::vector<KernelArg> parse_kernel_params(std::string_view text, const std::string& field);

// Checks one argument, whoever made it (an operator, or Ingot from
// api_url, a MAC, a partition UUID): the key is letters, digits, '_', '.'
// and '-' (so no loader reads it as anything but an argument); the value is
// UTF-8 without control characters, and every boot format carries it
// unchanged (see boot_quoting.h). Throws InvalidParameter starting with
// `field`.
void check_kernel_arg(const KernelArg& arg, const std::string& field);

// Throws InvalidParameter when a command line of `bytes` (everything the
// kernel gets, loader additions included) would be cut by the kernel.
void check_command_line_length(size_t bytes, const std::string& what);

}  // namespace ingot::boot
