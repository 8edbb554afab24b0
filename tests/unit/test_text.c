/* test_text.c -- the one rule for free text (core/text.c): a table of texts and verdicts. */
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "util/banned.h"

struct row {
    const char *s;
    size_t max;
    int required;
    const char *want; /* NULL: valid; else a word the refusal holds */
};

int main(void)
{
    static const struct row rows[] = {
        {"已修复路灯", 10, 1, NULL},
        {"第一行\n第二行\t缩进", 20, 1, NULL},            /* newline and tab may stand */
        {NULL, 10, 0, NULL},                               /* absent and optional */
        {"", 10, 0, NULL},
        {NULL, 10, 1, "required"},
        {"", 10, 1, "required"},
        {"   ", 10, 1, "blank"},                           /* spaces alone */
        {"\u3000\u3000", 10, 1, "blank"},                  /* ideographic spaces */
        {"\u200b", 10, 1, "blank"},                        /* a zero-width space */
        {"\xef\xbb\xbf \n", 10, 1, "blank"},               /* a BOM and white space */
        {"   ", 10, 0, NULL},                              /* blank is fine when optional */
        {"一二三四五", 5, 1, NULL},                         /* characters, not bytes */
        {"一二三四五六", 5, 1, "longer than 5"},
        {"a\x01" "b", 10, 0, "control character (U+0001)"},
        {"a\x7f", 10, 0, "control character (U+007F)"},
        {"a\xc2\x85", 10, 0, "control character (U+0085)"}, /* C1 NEL */
        {"a\rb", 10, 0, "control character (U+000D)"},
        {"\xff\xfe", 10, 0, "not valid UTF-8"},
        {"\xe4\xb8", 10, 0, "not valid UTF-8"},             /* cut in a character */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct err e = {0};
        int rc = text_check("note", rows[i].s, rows[i].max, rows[i].required, &e);
        int ok = rows[i].want ? rc < 0 && e.code == ERR_INVALID && !strcmp(e.field, "note") &&
                                    strstr(e.msg, rows[i].want)
                              : rc == 0;
        if (!ok)
            fprintf(stderr, "row %zu: rc %d msg '%s', want %s\n", i, rc, e.msg,
                    rows[i].want ? rows[i].want : "valid");
        CHECK(ok);
    }
    /* 300,000 characters, as the attacker sent: refused, not written into history */
    size_t n = 300000 * 3;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i += 3)
        memcpy(big + i, "字", 3);
    big[n] = '\0';
    struct err e = {0};
    CHECK(text_check("note", big, 1000, 0, &e) < 0 && strstr(e.msg, "longer than 1000"));
    free(big);
    CHECK(text_blank(NULL) && text_blank("") && text_blank(" \u3000") && !text_blank(" 字 "));

    /* text_whole: digits and an optional '-', in range; "%2010" decodes to " 10" */
    static const struct {
        const char *s;
        long min, max;
        int ok;
        long want;
    } nums[] = {
        {"10", 1, 500, 1, 10},     {"-3", -10, 10, 1, -3},  {"0", 0, 0, 1, 0},
        {"500", 1, 500, 1, 500},   {"501", 1, 500, 0, 0},   {"0", 1, 500, 0, 0},
        {" 10", 1, 500, 0, 0},     {"10 ", 1, 500, 0, 0},   {"+10", 1, 500, 0, 0},
        {"", 1, 500, 0, 0},        {"-", -5, 5, 0, 0},      {"1e3", 1, 5000, 0, 0},
        {"0x10", 0, 99, 0, 0},     {"１０", 1, 500, 0, 0},  {"--1", -5, 5, 0, 0},
        {"0000000000000000000001", 0, 5, 0, 0}, /* past 18 digits */
        {"99999999999999999999", 0, 2147483647, 0, 0},
        {"007", 0, 10, 1, 7},
    };
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        long v = -999;
        int rc = text_whole(nums[i].s, nums[i].min, nums[i].max, &v);
        int ok = nums[i].ok ? rc == 0 && v == nums[i].want : rc < 0;
        if (!ok)
            fprintf(stderr, "whole %zu '%s': rc %d v %ld\n", i, nums[i].s, rc, v);
        CHECK(ok);
    }
    CHECK(text_whole(NULL, 0, 1, &(long){0}) < 0);
    return test_done("test_text");
}
