// printf-style formatting for the bare-metal kernel: snprintf and vsnprintf with the
// conversions the kernel's log, strace and procfs use (d i u x X o c s p %, the flags - 0 + #
// and space, width and precision, also as *, and the length modifiers hh h l ll z j t).

#include <cstdarg>
#include <cstddef>

#include "frame/types.h"

namespace {

using asterix::u64;
using asterix::i64;

/// Appends to a bounded buffer, counting what would have been written.
struct Output {
    char* buffer;
    size_t size;
    size_t length {0};

    void put(char c)
    {
        if (length + 1 < size)
            buffer[length] = c;
        ++length;
    }
    void repeat(char c, int count)
    {
        for (int i = 0; i < count; ++i)
            put(c);
    }
};

struct Spec {
    bool is_left {false}, is_zero {false}, is_plus {false}, is_space {false}, is_alternate {false};
    int width {0};
    int precision {-1};
};

void put_number(Output& out, const Spec& spec, u64 magnitude, bool is_negative, unsigned base, bool is_upper)
{
    char digits[24];
    int count = 0;
    const char* alphabet = is_upper ? "0123456789ABCDEF" : "0123456789abcdef";
    // '#' as in C: 0x before a non-zero hex number, a leading 0 on an octal one.
    const char* prefix = spec.is_alternate && base == 16 && magnitude != 0 ? (is_upper ? "0X" : "0x") : "";
    int prefix_length = prefix[0] ? 2 : 0;
    do {
        digits[count++] = alphabet[magnitude % base];
        magnitude /= base;
    } while (magnitude);
    if (spec.precision == 0 && count == 1 && digits[0] == '0')
        count = 0;
    int zeros = spec.precision > count ? spec.precision - count : 0;
    if (spec.is_alternate && base == 8 && zeros == 0 && (count == 0 || digits[count - 1] != '0'))
        zeros = 1;
    char sign = is_negative ? '-' : spec.is_plus ? '+' : spec.is_space ? ' ' : 0;
    int total = count + zeros + prefix_length + (sign ? 1 : 0);
    int pad = spec.width > total ? spec.width - total : 0;
    bool is_zero_padded = spec.is_zero && !spec.is_left && spec.precision < 0;
    if (!spec.is_left && !is_zero_padded)
        out.repeat(' ', pad);
    if (sign)
        out.put(sign);
    for (int i = 0; i < prefix_length; ++i)
        out.put(prefix[i]);
    if (is_zero_padded)
        out.repeat('0', pad);
    out.repeat('0', zeros);
    while (count)
        out.put(digits[--count]);
    if (spec.is_left)
        out.repeat(' ', pad);
}

void put_text(Output& out, const Spec& spec, const char* text)
{
    if (!text)
        text = "(null)";
    int length = 0;
    while (text[length] && (spec.precision < 0 || length < spec.precision))
        ++length;
    int pad = spec.width > length ? spec.width - length : 0;
    if (!spec.is_left)
        out.repeat(' ', pad);
    for (int i = 0; i < length; ++i)
        out.put(text[i]);
    if (spec.is_left)
        out.repeat(' ', pad);
}

} // namespace

extern "C" int vsnprintf(char* buffer, size_t size, const char* format, va_list args)
{
    Output out {buffer, size};
    for (const char* p = format; *p; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        Spec spec;
        for (bool is_flag = true; is_flag;) {
            switch (*++p) {
            case '-': spec.is_left = true; break;
            case '0': spec.is_zero = true; break;
            case '+': spec.is_plus = true; break;
            case ' ': spec.is_space = true; break;
            case '#': spec.is_alternate = true; break;
            default: is_flag = false;
            }
        }
        if (*p == '*') {
            spec.width = va_arg(args, int);
            if (spec.width < 0) {
                spec.is_left = true;
                spec.width = -spec.width;
            }
            ++p;
        }
        while (*p >= '0' && *p <= '9')
            spec.width = spec.width * 10 + (*p++ - '0');
        if (*p == '.') {
            spec.precision = 0;
            if (*++p == '*') {
                spec.precision = va_arg(args, int);
                ++p;
            }
            while (*p >= '0' && *p <= '9')
                spec.precision = spec.precision * 10 + (*p++ - '0');
        }
        int longs = 0; // 0 int, 1 long (and size_t, intmax_t, ptrdiff_t)
        while (*p == 'l' || *p == 'z' || *p == 'j' || *p == 't' || *p == 'h') {
            if (*p != 'h')
                longs = 1;
            ++p;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            i64 value = longs ? va_arg(args, long) : va_arg(args, int);
            u64 magnitude = value < 0 ? 0 - static_cast<u64>(value) : static_cast<u64>(value);
            put_number(out, spec, magnitude, value < 0, 10, false);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            u64 value = longs ? va_arg(args, unsigned long) : va_arg(args, unsigned int);
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            put_number(out, spec, value, false, base, *p == 'X');
            break;
        }
        case 'p': {
            out.put('0');
            out.put('x');
            put_number(out, spec, reinterpret_cast<u64>(va_arg(args, void*)), false, 16, false);
            break;
        }
        case 'c': {
            char text[2] = {static_cast<char>(va_arg(args, int)), 0};
            put_text(out, spec, text);
            break;
        }
        case 's':
            put_text(out, spec, va_arg(args, const char*));
            break;
        case '%':
            out.put('%');
            break;
        case 0:
            --p; // a lone % at the end
            break;
        default:
            out.put('%');
            out.put(*p);
        }
    }
    if (size)
        buffer[out.length < size ? out.length : size - 1] = 0;
    return static_cast<int>(out.length);
}

extern "C" int snprintf(char* buffer, size_t size, const char* format, ...)
{
    va_list args;
    va_start(args, format);
    int length = vsnprintf(buffer, size, format, args);
    va_end(args);
    return length;
}
