/* fuzz_instant.c -- libFuzzer target for date and time parsing (every --at, --from and
 * --to of the CLI and every time in the API goes through it): parsed values must format
 * and parse back to the same instant. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/civil.h"

#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[64];
    if (size >= sizeof(s))
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t t, back, d;
    if (civil_parse_instant(s, &t) == 0) {
        char iso[26];
        civil_format_instant(t, iso);
        if (civil_parse_instant(iso, &back) != 0 || back != t)
            abort();
    }
    if (civil_parse_date(s, &d) == 0) {
        char out[11];
        civil_format_date(d, out);
        if (strcmp(out, s) != 0)
            abort();
    }
    return 0;
}
