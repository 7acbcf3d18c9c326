// How a value Ingot takes from node data or configuration becomes part of
// a boot file, one helper per format, used by every writer (boot_scripts,
// boot_iso). Each helper returns text the loader reads back as exactly the
// value given, or throws InvalidParameter saying why it cannot; none ever
// returns text that would start another line, command or directive.
//
//   iPXE      a line is split at blanks, with no quoting at all; a word
//             starting with '#' starts a comment; the words ';', '&&' and
//             '||' end the command; ${name} anywhere in a word is replaced
//             by a setting, repeatedly (so a literal "${...}" cannot be
//             written). The kernel line's words are joined by one blank.
//   pxelinux  APPEND takes the rest of its line as the command line.
//   GRUB      a word in single quotes is literal (no $ expansion, no
//             escapes) and '\'' puts a quote in it; `linux` joins its
//             words with blanks, double-quotes a word that has one and
//             puts a backslash before ' " and \ (which the kernel keeps).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "boot/kernel_cmdline.h"

namespace ingot::boot {

// One literal iPXE word (a URL, a path): throws when `word` is empty, has a
// blank or control character, starts with '#', is ';', '&&' or '||', or
// holds "${".
std::string ipxe_word(std::string_view word);

// The arguments for an iPXE `kernel` line: each argument's kernel text,
// blank-separated; every blank-separated piece passes ipxe_word.
std::string ipxe_kernel_args(const std::vector<KernelArg>& args);

// A word of a pxelinux directive (a label, a path): no blanks or control
// characters.
std::string pxelinux_word(std::string_view word);

// The text after APPEND: the arguments' kernel text, one line.
std::string pxelinux_append_args(const std::vector<KernelArg>& args);

// One GRUB word: as is when only plain characters, else single-quoted.
// Throws for control characters (a newline would end the command).
std::string grub_word(std::string_view word);

// The words after `linux PATH`: one per argument, key=value without the
// kernel's quotes (GRUB adds its own around a value with blanks). Throws
// for arguments with ', " or \ (GRUB would escape them and the kernel keep
// the backslash).
std::string grub_kernel_args(const std::vector<KernelArg>& args);

// The number of bytes GRUB's `linux` hands the kernel for `args`, with
// its BOOT_IMAGE=`kernel_path` first.
size_t grub_command_line_bytes(const std::string& kernel_path, const std::vector<KernelArg>& args);

}  // namespace ingot::boot
