#pragma once

// The command line's one option table: the parser, --help, the bash completion and the man
// page are all made from it, so they cannot disagree about what exists.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asterix::cli {

enum class Command { run, debug, boot };

enum class Arity {
    none,     ///< a flag
    required, ///< `--opt VALUE` or `--opt=VALUE` (short: `-o VALUE` or `-oVALUE`)
    optional, ///< `--opt` or `--opt=VALUE` only: a separate word is never its value
};

struct Option {
    std::string_view name;    ///< long name without the dashes
    char short_name;          ///< 0 when there is none
    Arity arity;
    std::string_view metavar; ///< the value's name in --help ("SIZE")
    std::string_view help;    ///< one or more lines, wrapped at 72 columns
    Command command;
    /// What the bash completion offers for the value.
    enum class Completes { nothing, file, directory, command } completes;
};

struct CommandInfo {
    Command command;
    std::string_view name;
    std::string_view synopsis; ///< after "asterix NAME "
    std::string_view summary;  ///< one line for `asterix --help`
    std::string_view details;  ///< the text after the option list of `asterix NAME --help`
};

std::span<const Option> options();
std::span<const CommandInfo> commands();
const CommandInfo* find_command(std::string_view name);

/// One option as given on the command line, with its value ("" for a flag).
struct Parsed {
    const Option* option;
    std::string value;
    bool has_value;
};

/// Splits `args` (after the command word) into options and the operands that follow them: the
/// first word that is not an option, or everything after `--`. On a bad word, `error` says why
/// (naming the option and what it wants) and false is returned.
bool parse(Command command, std::span<char* const> args, std::vector<Parsed>& parsed, std::vector<std::string>& operands,
    std::string& error);

std::string general_help();
std::string command_help(const CommandInfo& info);
/// A bash completion script for `asterix` and `./asterix`.
std::string bash_completion();
/// A man page (roff) with every command and option.
std::string man_page(std::string_view version);

} // namespace asterix::cli
