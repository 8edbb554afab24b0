/* fuzz_holidays.c -- libFuzzer target for the holiday-file parser (calendar_load_text):
 * any input must either load or fail with a message, never crash, leak or read out of
 * bounds; a failed load must leave the calendar as it was. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/workday.h"

#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct calendar cal;
    struct err e;
    calendar_init(&cal);
    if (calendar_load_text(&cal, (const char *)data, size, "fuzz.txt", &e) == 0) {
        int64_t out;
        int work;
        for (size_t i = 0; i < cal.n; i++) {
            calendar_is_workday(&cal, cal.days[i].date, &work, &e);
            calendar_add_workdays(&cal, cal.days[i].date, 5, &out, &e);
        }
    } else if (cal.n != 0) {
        abort(); /* a failed load added days */
    }
    calendar_release(&cal);
    return 0;
}
