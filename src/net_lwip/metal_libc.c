/* The two C library functions lwIP's core refers to that the bare-metal kernel's runtime does
 * not provide (lwip_strnstr's strncmp and netif_find's atoi). Only the bare-metal build links
 * this file; the hosted kernel has the C library. */
#include <stddef.h>

int strncmp(const char* left, const char* right, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        unsigned char a = (unsigned char)left[i];
        unsigned char b = (unsigned char)right[i];
        if (a != b)
            return a < b ? -1 : 1;
        if (a == 0)
            return 0;
    }
    return 0;
}

/* Decimal only, which is all netif_find asks for. */
long strtol(const char* text, char** end, int base)
{
    long value = 0;
    int is_negative = 0;
    (void)base;
    if (*text == '-' || *text == '+')
        is_negative = *text++ == '-';
    while (*text >= '0' && *text <= '9')
        value = value * 10 + (*text++ - '0');
    if (end)
        *end = (char*)text;
    return is_negative ? -value : value;
}
