#include "services/fs/sysctl_int.h"

namespace asterix::services {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

/// Linux's proc_wspace_sep: what may follow a number.
bool is_separator(char c) { return c == ' ' || c == '\t' || c == '\n'; }

int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

} // namespace

Result<i64> parse_sysctl_int(std::string_view text, i64 min, i64 max, SysctlKind kind)
{
    usize at = 0;
    while (at < text.size() && is_space(text[at]))
        ++at;
    std::string_view rest = text.substr(at);
    // proc_get_long looks at most at 21 characters: a number that long could be two numbers
    // run together, so it is refused.
    constexpr usize max_number_chars = 21;
    std::string_view number = rest.substr(0, max_number_chars);
    usize i = 0;
    bool is_negative = false;
    if (!number.empty() && number[0] == '-' && rest.size() > 1) {
        is_negative = true;
        ++i;
    }
    if (i >= number.size() || number[i] < '0' || number[i] > '9')
        return Errno::einval;
    // strtoul's base 0: "0x" before a hex digit is hexadecimal, a leading 0 octal.
    u64 base = 10;
    if (number[i] == '0') {
        base = 8;
        if (i + 2 < number.size() && (number[i + 1] == 'x' || number[i + 1] == 'X') && digit_value(number[i + 2]) < 16) {
            base = 16;
            i += 2;
        }
    }
    u64 value = 0;
    for (; i < number.size() && static_cast<u64>(digit_value(number[i])) < base; ++i) {
        u64 digit = static_cast<u64>(digit_value(number[i]));
        if (value > (~0ull - digit) / base)
            return Errno::einval;
        value = value * base + digit;
    }
    if (i == max_number_chars)
        return Errno::einval;
    if (i < rest.size() && !is_separator(rest[i]))
        return Errno::einval;
    constexpr u64 int_max = 0x7fffffff;
    i64 signed_value = 0;
    if (kind == SysctlKind::ulong_value) {
        if (is_negative || value > ~0ull >> 1)
            return Errno::einval;
        signed_value = static_cast<i64>(value);
    } else if (is_negative) {
        if (value > int_max + 1)
            return Errno::einval;
        signed_value = -static_cast<i64>(value);
    } else {
        if (value > int_max)
            return Errno::einval;
        signed_value = static_cast<i64>(value);
    }
    if (signed_value < min || signed_value > max)
        return Errno::einval;
    return signed_value;
}

} // namespace asterix::services
