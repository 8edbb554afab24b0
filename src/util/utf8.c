/* utf8.c -- UTF-8 validity, counts and display widths. */
#include "util/utf8.h"

#include <string.h>

#include "util/banned.h"

int utf8_decode(const char *str, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (s[0] == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    int n;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

int utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        /* decode a copy so a sequence cut by `len` is not read past the end */
        char tmp[5] = {0};
        size_t k = len - i < 4 ? len - i : 4;
        memcpy(tmp, s + i, k);
        uint32_t cp;
        int n = utf8_decode(tmp, &cp);
        if (n == 0)
            return 0;
        i += (size_t)n;
    }
    return 1;
}

size_t utf8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int cp_width(uint32_t c)
{
    if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
        (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
        (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD))
        return 2;
    return 1;
}

size_t utf8_width(const char *s)
{
    size_t w = 0;
    uint32_t c;
    int n;
    while ((n = utf8_decode(s, &c)) > 0) {
        w += (size_t)cp_width(c);
        s += n;
    }
    return w;
}

size_t utf8_fit(const char *s, size_t cols)
{
    size_t w = 0, bytes = 0;
    uint32_t c;
    int n;
    while ((n = utf8_decode(s + bytes, &c)) > 0) {
        int cw = cp_width(c);
        if (w + (size_t)cw > cols)
            break;
        w += (size_t)cw;
        bytes += (size_t)n;
    }
    return bytes;
}
