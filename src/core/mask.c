/* mask.c -- masking phone numbers, ID numbers and names (rules in mask.h). */
#include "core/mask.h"

#include <string.h>

#include "util/utf8.h"

#include "util/banned.h"

/* Keeps `head` and `tail` bytes of s and stars the rest; all stars when s is too short. */
static void keep_ends(const char *s, size_t head, size_t tail, char *out, size_t size)
{
    if (!size)
        return;
    size_t n = s ? strlen(s) : 0, o = 0;
    int whole = n <= head + tail;
    for (size_t i = 0; i < n && o + 1 < size; i++) {
        int keep = !whole && (i < head || i >= n - tail);
        out[o++] = keep ? s[i] : '*';
    }
    out[o] = '\0';
}

void mask_phone(const char *phone, char *out, size_t size)
{
    keep_ends(phone, 3, 4, out, size);
}

void mask_id_number(const char *id, char *out, size_t size)
{
    keep_ends(id, 6, 4, out, size);
}

void mask_name(const char *name, char *out, size_t size)
{
    if (!size)
        return;
    out[0] = '\0';
    if (!name || !*name)
        return;
    uint32_t cp;
    int first = utf8_decode(name, &cp);
    if (first <= 0)
        return;
    /* A one-character name has no part to keep: showing it would show all of it. */
    if (name[first] == '\0') {
        if (size > 1) {
            out[0] = '*';
            out[1] = '\0';
        }
        return;
    }
    if ((size_t)first + 1 > size)
        return;
    memcpy(out, name, (size_t)first);
    size_t o = (size_t)first, rest = utf8_count(name) - 1;
    for (size_t i = 0; i < rest && o + 1 < size; i++)
        out[o++] = '*';
    out[o] = '\0';
}

void mask_address(const char *addr, char *out, size_t size)
{
    if (size)
        out[0] = '\0';
    if (!addr || !*addr || size < 2)
        return;
    /* Keep the place (district, town, road) and hide the door: at most the first six
     * characters and never more than half, then four stars whatever was hidden. */
    size_t total = utf8_valid(addr, strlen(addr)) ? utf8_count(addr) : 0;
    size_t keep = total / 2 < 6 ? total / 2 : 6, o = 0;
    const char *p = addr;
    for (size_t i = 0; i < keep; i++) {
        uint32_t cp;
        int n = utf8_decode(p, &cp);
        if (n <= 0 || o + (size_t)n + 5 > size)
            break;
        memcpy(out + o, p, (size_t)n);
        o += (size_t)n;
        p += n;
    }
    for (int i = 0; i < 4 && o + 1 < size; i++)
        out[o++] = '*';
    out[o] = '\0';
}
