#include "main/options.h"

#include <array>
#include <cstddef>

namespace asterix::cli {

namespace {

using enum Command;
using C = Option::Completes;

constexpr std::array option_table {
    Option {"root", 0, Arity::required, "DIR", "the guest's root directory (default /), passed through read-write", run, C::directory},
    Option {"read-only", 0, Arity::none, "", "mount the root read-only (writes fail with EROFS)", run, C::nothing},
    Option {"volume", 'v', Arity::required, "HOST:GUEST[:ro]",
        "mount the host directory HOST on the guest directory GUEST (which must\n"
        "exist in the root), read-only with :ro; confined like --root (repeatable)",
        run, C::directory},
    Option {"tmpfs", 0, Arity::required, "PATH", "mount a fresh tmpfs on the guest directory PATH (repeatable)", run, C::nothing},
    Option {"initramfs", 0, Arity::required, "FILE",
        "the root is a tmpfs unpacked from FILE, a cpio newc archive (as the\n"
        "bare-metal kernel boots); the host's files are not visible",
        run, C::file},
    Option {"mem", 'm', Arity::required, "SIZE", "guest physical memory, e.g. 512M, 2G or 1T (default 1G)", run, C::nothing},
    Option {"platform", 0, Arity::required, "NAME",
        "how guest threads run: systrap (default where the host allows it:\n"
        "seccomp traps into a handler that hands the registers to the kernel\n"
        "through shared memory) or ptrace (every syscall and fault is a ptrace stop)",
        run, C::nothing},
    Option {"syscall-patching", 0, Arity::required, "on|off",
        "with --platform=systrap: rewrite a `mov $N, %eax; syscall` that trapped\n"
        "into a jump to the kernel's handoff that needs no trap (default on)",
        run, C::nothing},
    Option {"env", 'e', Arity::required, "K=V", "set a variable in the guest's environment (repeatable)", run, C::nothing},
    Option {"unset-env", 0, Arity::required, "K", "remove a variable from the guest's environment", run, C::nothing},
    Option {"cwd", 'w', Arity::required, "DIR",
        "the guest's working directory, which must exist (default: asterix's,\n"
        "when inside the root)",
        run, C::nothing},
    Option {"strace", 0, Arity::optional, "FILE",
        "print every guest syscall in strace's format, with the thread id and\n"
        "decoded arguments (to stderr, or FILE when given with =)",
        run, C::file},
    Option {"strace-file", 0, Arity::required, "FILE", "the same as --strace=FILE", run, C::file},
    Option {"strace-trace", 0, Arity::required, "SET",
        "only these syscalls: names and classes (%file %process %network\n"
        "%signal %memory %desc %ipc), !NAME to leave one out; also written\n"
        "--strace=trace=SET. Implies --strace",
        run, C::nothing},
    Option {"strace-summary", 'c', Arity::none, "",
        "count calls, errors and time (wall clock) per syscall and print a table\n"
        "at the end instead of each call, as strace -c (to stderr or --strace=FILE)",
        run, C::nothing},
    Option {"strace-string-limit", 's', Arity::required, "N",
        "show N bytes of each string and buffer (default 32, as strace -s);\n"
        "path names are always whole",
        run, C::nothing},
    Option {"strace-ff", 0, Arity::none, "",
        "with --strace=FILE: one trace file a process, FILE.PID (as strace -ff)",
        run, C::nothing},
    Option {"strace-time", 0, Arity::none, "", "start each trace line with the time since boot (implies --strace)", run, C::nothing},
    Option {"record-syscalls", 0, Arity::required, "FILE", "write every syscall and its result compactly to FILE (for diffs)", run, C::file},
    Option {"log", 0, Arity::required, "SPEC",
        "kernel log levels: a level for all (error, warn (default), info, debug,\n"
        "trace) and/or SUBSYSTEM:LEVEL items, e.g. --log=warn,vm:trace,fs:info\n"
        "(subsystems: kernel vm fs proc signal syscall sched)",
        run, C::nothing},
    Option {"log-file", 0, Arity::required, "FILE", "write the kernel log to FILE instead of stderr", run, C::file},
    Option {"panic-on-enosys", 0, Arity::none, "",
        "stop with a kernel panic (backtrace, task, registers) at the first\n"
        "syscall Asterix does not implement",
        run, C::nothing},
    Option {"pid1", 0, Arity::none, "",
        "run PROGRAM itself as pid 1 (it then ignores every signal it has no\n"
        "handler for, ^C included); by default the kernel's own init is pid 1,\n"
        "reaps orphans, and PROGRAM runs as pid 2",
        run, C::nothing},
    Option {"max-threads", 0, Arity::required, "N",
        "kernel.threads-max: the most guest threads (default: Linux's for --mem,\n"
        "within what asterix's host mappings allow); clone past it fails with EAGAIN",
        run, C::nothing},
    Option {"max-processes", 0, Arity::required, "N",
        "the most guest processes, each a host process (default: half of what\n"
        "the host's limits leave free); fork past it fails with EAGAIN",
        run, C::nothing},
    Option {"stop-timeout", 0, Arity::required, "SECONDS",
        "after a SIGTERM sent to asterix is forwarded to PROGRAM, kill the\n"
        "instance if PROGRAM has not ended within SECONDS (default 10; 0: never)",
        run, C::nothing},
    Option {"net", 0, Arity::required, "MODE",
        "the guest's network: loopback (default) or none, both only 127.0.0.1\n"
        "and ::1; or user: also 10.0.2.15/24 through a user-mode NAT (passt, in\n"
        "a confined process of its own): outbound TCP and UDP as asterix's own,\n"
        "and the gateway 10.0.2.2 is the host's 127.0.0.1",
        run, C::nothing},
    Option {"publish", 'p', Arity::required, "HOSTPORT:GUESTPORT[/tcp|/udp]",
        "forward HOSTPORT on the host's 127.0.0.1 to GUESTPORT of the guest\n"
        "(TCP unless /udp; implies --net=user; repeatable). A guest server bound\n"
        "to its own 127.0.0.1 is not reachable so, as under docker",
        run, C::nothing},
    Option {"help", 'h', Arity::none, "", "show this help", run, C::nothing},

    Option {"help", 'h', Arity::none, "", "show this help", debug, C::nothing},

    Option {"gdb", 0, Arity::none, "", "start stopped, with QEMU's gdbstub on a unix socket, and print how gdb attaches", boot, C::nothing},
    Option {"mem", 'm', Arity::required, "SIZE", "the machine's memory (default 256M)", boot, C::nothing},
    Option {"initrd", 0, Arity::required, "FILE",
        "the initramfs, a cpio newc archive (default: build/initramfs.cpio,\n"
        "busybox, made by tools/mkinitramfs)",
        boot, C::file},
    Option {"help", 'h', Arity::none, "", "show this help", boot, C::nothing},
};

constexpr std::array command_table {
    CommandInfo {run, "run", "[OPTIONS] [--] PROGRAM [ARGS...]",
        "run a Linux program as a guest of the hosted kernel",
        "Runs an unmodified x86-64 Linux program as a guest of the Asterix kernel.\n"
        "Every syscall, fault and signal of the guest is serviced by Asterix, never\n"
        "by the host kernel. PROGRAM without a slash is looked up in the guest's PATH.\n"
        "When PROGRAM ends, the instance ends: processes it left running are killed,\n"
        "as under `docker run --init`. SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and\n"
        "SIGUSR2 sent to asterix by a process are forwarded to PROGRAM; the terminal's\n"
        "^C, ^\\ and ^Z go to the guest's foreground process group.\n"
        "\n"
        "exit status:\n"
        "  N        PROGRAM's exit status\n"
        "  128+N    a signal N killed PROGRAM (137: the --stop-timeout expired)\n"
        "  2        a bad command line\n"
        "  125      asterix could not set up the instance (root, mounts, memory)\n"
        "  126      PROGRAM cannot be executed (not an ELF, no permission)\n"
        "  127      PROGRAM not found\n"
        "\n"
        "examples:\n"
        "  asterix run /bin/ls -l\n"
        "  asterix run --root /srv/debian --tmpfs /tmp -w /root -e HOME=/root bash\n"
        "  asterix run -v \"$PWD\":/work:ro -w /work --strace=trace=%file cat README.md\n"
        "  asterix run --initramfs build/initramfs.cpio -m 64M /bin/sh\n"},
    CommandInfo {debug, "debug", "run [OPTIONS] [--] PROGRAM [ARGS...]",
        "the same as run, under gdb with the kernel's commands (ax-tasks, ax-ps...)",
        "Starts `asterix run ...` under gdb with tools/asterix.gdb loaded: the host\n"
        "signals asterix uses as interrupts pass without stopping, and ax-tasks,\n"
        "ax-task-bt, ax-ps, ax-maps and ax-fds show kernel state. Type `run` at\n"
        "gdb's prompt to start.\n"},
    CommandInfo {boot, "boot", "[OPTIONS] [-- INIT [ARGS...]]",
        "boot the bare-metal kernel in QEMU with an initramfs",
        "Boots build/asterix-kernel.bin in QEMU (KVM when it works, TCG otherwise)\n"
        "with an initramfs and INIT (default /bin/sh) as the first program; the\n"
        "serial console is the terminal (Ctrl-A x quits QEMU). The exit status is\n"
        "the kernel's power-off code C as (C << 1) | 1, modulo 256. Needs the\n"
        "source tree (it is run by the ./asterix wrapper).\n"},
};

const Option* find_long(Command command, std::string_view name)
{
    for (const auto& option : option_table) {
        if (option.command == command && option.name == name)
            return &option;
    }
    return nullptr;
}

const Option* find_short(Command command, char name)
{
    for (const auto& option : option_table) {
        if (option.command == command && option.short_name == name)
            return &option;
    }
    return nullptr;
}

std::string spelled(const Option& option)
{
    return "--" + std::string(option.name);
}

/// "  -m, --mem SIZE" and the like, the left column of --help.
std::string left_column(const Option& option)
{
    std::string text = "  ";
    text += option.short_name ? std::string("-") + option.short_name + ", " : "    ";
    text += spelled(option);
    if (option.arity == Arity::required)
        text += " " + std::string(option.metavar);
    else if (option.arity == Arity::optional)
        text += "[=" + std::string(option.metavar) + "]";
    return text;
}

void append_help_lines(std::string& out, std::string left, std::string_view help)
{
    constexpr std::size_t column = 26;
    bool is_first = true;
    while (!help.empty()) {
        auto end = help.find('\n');
        std::string_view line = help.substr(0, end);
        help = end == std::string_view::npos ? std::string_view {} : help.substr(end + 1);
        if (is_first && left.size() + 2 <= column) {
            out += left + std::string(column - left.size(), ' ');
        } else if (is_first) {
            out += left + "\n" + std::string(column, ' ');
        } else {
            out += std::string(column, ' ');
        }
        out += line;
        out += "\n";
        is_first = false;
    }
}

} // namespace

std::span<const Option> options() { return option_table; }
std::span<const CommandInfo> commands() { return command_table; }

const CommandInfo* find_command(std::string_view name)
{
    for (const auto& info : command_table) {
        if (info.name == name)
            return &info;
    }
    return nullptr;
}

bool parse(Command command, std::span<char* const> args, std::vector<Parsed>& parsed, std::vector<std::string>& operands,
    std::string& error)
{
    std::size_t i = 0;
    auto take_value = [&](const Option& option, std::string_view as_given, std::string& value) {
        if (i + 1 >= args.size()) {
            error = "option " + std::string(as_given) + " needs a value (" + std::string(option.metavar) + ")";
            return false;
        }
        value = args[++i];
        return true;
    };
    for (; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg == "--") {
            ++i;
            break;
        }
        if (arg.size() < 2 || arg[0] != '-')
            break;
        if (arg.starts_with("--")) {
            auto equals = arg.find('=');
            std::string_view name = arg.substr(2, equals == std::string_view::npos ? std::string_view::npos : equals - 2);
            const Option* option = find_long(command, name);
            if (!option) {
                error = "unknown option '--" + std::string(name) + "'";
                return false;
            }
            Parsed item {option, {}, false};
            if (equals != std::string_view::npos) {
                if (option->arity == Arity::none) {
                    error = "option --" + std::string(name) + " takes no value";
                    return false;
                }
                item.value = std::string(arg.substr(equals + 1));
                item.has_value = true;
            } else if (option->arity == Arity::required) {
                if (!take_value(*option, arg, item.value))
                    return false;
                item.has_value = true;
            }
            parsed.push_back(std::move(item));
            continue;
        }
        // Short options: -h, -m 512M, -m512M, -e K=V.
        const Option* option = find_short(command, arg[1]);
        if (!option) {
            error = "unknown option '" + std::string(arg.substr(0, 2)) + "'";
            return false;
        }
        Parsed item {option, {}, false};
        if (option->arity == Arity::none) {
            if (arg.size() > 2) {
                error = "option " + std::string(arg.substr(0, 2)) + " takes no value (got '" + std::string(arg) + "')";
                return false;
            }
        } else if (arg.size() > 2) {
            item.value = std::string(arg.substr(2));
            item.has_value = true;
        } else {
            if (!take_value(*option, arg, item.value))
                return false;
            item.has_value = true;
        }
        parsed.push_back(std::move(item));
    }
    for (; i < args.size(); ++i)
        operands.emplace_back(args[i]);
    return true;
}

std::string general_help()
{
    std::string out = "usage: asterix COMMAND [OPTIONS] [ARGS...]\n"
                      "       asterix --version | --help\n\n"
                      "Asterix is a framekernel that runs unmodified x86-64 Linux programs, hosted\n"
                      "as an ordinary Linux process or booted on bare metal.\n\ncommands:\n";
    for (const auto& info : command_table)
        append_help_lines(out, "  " + std::string(info.name), info.summary);
    out += "\nRun 'asterix COMMAND --help' for a command's options. 'asterix --version' prints\n"
           "the version; 'asterix --bash-completion' and 'asterix --man' print a bash completion\n"
           "script and a man page (the build leaves them in build/asterix.bash and build/asterix.1).\n";
    return out;
}

std::string command_help(const CommandInfo& info)
{
    std::string out = "usage: asterix " + std::string(info.name) + " " + std::string(info.synopsis) + "\n\n";
    out += std::string(info.summary) + ".\n\noptions:\n";
    for (const auto& option : option_table) {
        if (option.command == info.command)
            append_help_lines(out, left_column(option), option.help);
    }
    out += "\n";
    out += info.details;
    return out;
}

std::string bash_completion()
{
    std::string out = "# bash completion for asterix, generated by `asterix --bash-completion` from its option table.\n"
                      "_asterix() {\n"
                      "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command=\n"
                      "    local i\n"
                      "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
                      "        case ${COMP_WORDS[i]} in run|debug|boot) command=${COMP_WORDS[i]}; break ;; esac\n"
                      "    done\n"
                      "    if [ -z \"$command\" ]; then\n"
                      "        COMPREPLY=($(compgen -W 'run debug boot --help --version' -- \"$cur\"))\n"
                      "        return\n"
                      "    fi\n";
    for (const auto& info : command_table) {
        std::string words;
        std::string files;
        std::string directories;
        for (const auto& option : option_table) {
            if (option.command != info.command)
                continue;
            words += " --" + std::string(option.name);
            if (option.short_name)
                words += std::string(" -") + option.short_name;
            if (option.arity != Arity::required)
                continue;
            std::string spellings = "--" + std::string(option.name);
            if (option.short_name)
                spellings += std::string("|-") + option.short_name;
            if (option.completes == C::file)
                files += (files.empty() ? "" : "|") + spellings;
            else if (option.completes == C::directory)
                directories += (directories.empty() ? "" : "|") + spellings;
        }
        out += "    if [ \"$command\" = " + std::string(info.name) + " ]; then\n";
        out += "        case $prev in\n";
        if (!files.empty())
            out += "            " + files + ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
        if (!directories.empty())
            out += "            " + directories + ") COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n";
        out += "        esac\n";
        out += "        if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '" + words.substr(1) + "' -- \"$cur\")); return; fi\n";
        if (info.command == debug)
            out += "        COMPREPLY=($(compgen -W 'run' -- \"$cur\")); return\n";
        else if (info.command == run)
            out += "        COMPREPLY=($(compgen -c -- \"$cur\")); return\n";
        out += "    fi\n";
    }
    out += "}\ncomplete -F _asterix -o default asterix ./asterix\n";
    return out;
}

namespace {
/// Text for roff: a leading dot or quote would be a request, a backslash an escape.
std::string roff(std::string_view text)
{
    std::string out;
    bool is_line_start = true;
    for (char c : text) {
        if (is_line_start && (c == '.' || c == '\''))
            out += "\\&";
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
        is_line_start = c == '\n';
    }
    return out;
}
} // namespace

std::string man_page(std::string_view version)
{
    std::string out = ".\\\" Generated by `asterix --man` from its option table.\n";
    out += ".TH ASTERIX 1 \"\" \"asterix " + std::string(version) + "\" \"User Commands\"\n";
    out += ".SH NAME\nasterix \\- run unmodified x86\\-64 Linux programs on the Asterix framekernel\n";
    out += ".SH SYNOPSIS\n";
    for (const auto& info : command_table)
        out += ".B asterix " + std::string(info.name) + "\n" + roff(info.synopsis) + "\n.br\n";
    out += ".B asterix \\-\\-version\n.SH DESCRIPTION\n";
    for (const auto& info : command_table) {
        out += ".SS asterix " + std::string(info.name) + "\n" + roff(info.summary) + ".\n.PP\n";
        out += ".nf\n" + roff(info.details) + ".fi\n";
        for (const auto& option : option_table) {
            if (option.command != info.command)
                continue;
            out += ".TP\n.B " + roff(left_column(option).substr(2)) + "\n" + roff(option.help) + "\n";
        }
    }
    return out;
}

} // namespace asterix::cli
