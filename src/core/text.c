/* text.c -- the one rule for free text (see text.h). */
#include "core/text.h"

#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

#include "util/banned.h"

/* White space and characters that show nothing: a text of only these is blank. */
static int invisible(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x3000 ||
           (cp >= 0x2000 && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x2060 || cp == 0xFEFF || cp == 0x180E;
}

/* C0 and C1 controls and DEL, but newline and tab, which texts may hold. */
static int control(uint32_t cp)
{
    return (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
}

int text_blank(const char *s)
{
    if (!s)
        return 1;
    while (*s) {
        uint32_t cp;
        int n = utf8_decode(s, &cp);
        if (n <= 0)
            return 0; /* not text at all: text_check says so */
        if (!invisible(cp))
            return 0;
        s += n;
    }
    return 1;
}

int text_check(const char *field, const char *s, size_t max, int required, struct err *e)
{
    if (!s || !*s) {
        if (required)
            return err_set(e, ERR_INVALID, field, "%s is required", field);
        return 0;
    }
    size_t len = strlen(s);
    if (!utf8_valid(s, len))
        return err_set(e, ERR_INVALID, field, "%s is not valid UTF-8", field);
    size_t count = 0;
    for (const char *p = s; *p; count++) {
        uint32_t cp;
        int n = utf8_decode(p, &cp);
        if (n <= 0)
            return err_set(e, ERR_INVALID, field, "%s is not valid UTF-8", field);
        if (control(cp))
            return err_set(e, ERR_INVALID, field,
                           "%s holds a control character (U+%04X): only newline and tab may "
                           "stand in a text",
                           field, (unsigned)cp);
        p += n;
    }
    if (count > max)
        return err_set(e, ERR_INVALID, field, "%s is longer than %zu characters", field, max);
    if (required && text_blank(s))
        return err_set(e, ERR_INVALID, field, "%s is blank: write what it should say", field);
    return 0;
}

int text_whole(const char *s, long min, long max, long *out)
{
    if (!s)
        return -1;
    const char *p = s + (*s == '-');
    long long v = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (++digits > 18) /* past any range we take, and long long cannot overflow */
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (!digits || *p)
        return -1;
    if (*s == '-')
        v = -v;
    if (v < min || v > max)
        return -1;
    *out = (long)v;
    return 0;
}
