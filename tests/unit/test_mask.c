/* test_mask.c -- masking personal data: phones keep 3 + 4 digits, ID numbers 6 + 4
 * characters, names their first character; anything too short to keep a part of is masked
 * whole, and a small output buffer truncates without ever writing past it. */
#include "core/mask.h"

#include <stdio.h>
#include <string.h>

#include "test.h"

#include "util/banned.h"


typedef void (*mask_fn)(const char *, char *, size_t);

struct row {
    const char *in;
    const char *want;
};

static void run(const char *what, mask_fn fn, const struct row *rows, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        char out[64];
        memset(out, 'Z', sizeof(out));
        fn(rows[r].in, out, sizeof(out));
        if (strcmp(out, rows[r].want) != 0)
            fprintf(stderr, "%s(\"%s\") = \"%s\", want \"%s\"\n", what,
                    rows[r].in ? rows[r].in : "(null)", out, rows[r].want);
        CHECK_STR(out, rows[r].want);
    }
}

static void test_phone(void)
{
    static const struct row rows[] = {
        {"13812345678", "138****5678"},
        {"+8613812345678", "+86*******5678"},
        {"010-12345678", "010*****5678"},
        {"12345678", "123*5678"}, /* the shortest with something left to hide */
        {"1234567", "*******"},   /* 3 + 4: nothing would be hidden, so all of it is */
        {"123", "***"},
        {"1", "*"},
        {"", ""},
        {NULL, ""},
    };
    run("mask_phone", mask_phone, rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_id_number(void)
{
    static const struct row rows[] = {
        {"430802199001011234", "430802********1234"},
        {"43080219900101123X", "430802********123X"},
        {"430802900101123", "430802*****1123"}, /* an old 15-digit number */
        {"12345678901", "123456*8901"},
        {"1234567890", "**********"},
        {"12345", "*****"},
        {"", ""},
        {NULL, ""},
    };
    run("mask_id_number", mask_id_number, rows, sizeof(rows) / sizeof(rows[0]));
    char out[64];
    mask_id_number("430802199001011234", out, sizeof(out));
    CHECK_INT(strlen(out), 18);
    CHECK_INT(strspn(out + 6, "*"), 8);
}

static void test_name(void)
{
    static const struct row rows[] = {
        {"张三丰", "张**"},
        {"张三", "张*"},
        {"欧阳娜娜", "欧***"},
        {"Li", "L*"},
        {"李Lei", "李***"},
        /* One character: keeping it would show the whole name. */
        {"张", "*"},
        {"L", "*"},
        {"", ""},
        {NULL, ""},
    };
    run("mask_name", mask_name, rows, sizeof(rows) / sizeof(rows[0]));

    /* Bad UTF-8 shows nothing of the input. */
    static const char *const bad[] = {"\xff\xfe", "\xe5\xbc", "\xc0\xaf"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char out[64];
        mask_name(bad[i], out, sizeof(out));
        CHECK(strspn(out, "*") == strlen(out));
    }
}

static void test_small_buffers(void)
{
    static const struct {
        mask_fn fn;
        const char *in;
        size_t size;
        const char *want;
    } rows[] = {
        {mask_phone, "13812345678", 5, "138*"},
        {mask_phone, "13812345678", 12, "138****5678"},
        {mask_phone, "13812345678", 11, "138****567"},
        {mask_phone, "13812345678", 1, ""},
        {mask_id_number, "430802199001011234", 8, "430802*"},
        {mask_name, "张三丰", 6, "张**"},
        {mask_name, "张三丰", 5, "张*"},
        {mask_name, "张三丰", 4, "张"},
        {mask_name, "张三丰", 3, ""}, /* the first character does not fit */
        {mask_name, "张", 2, "*"},
        {mask_name, "张三丰", 1, ""},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        char out[32];
        memset(out, 'Z', sizeof(out));
        rows[r].fn(rows[r].in, out, rows[r].size);
        CHECK_STR(out, rows[r].want);
        /* Nothing written past `size`. */
        CHECK(out[rows[r].size] == 'Z' || rows[r].size == 0);
        for (size_t i = rows[r].size; i < sizeof(out); i++)
            if (out[i] != 'Z') {
                fprintf(stderr, "small buffer row %zu: byte %zu written\n", r, i);
                CHECK(0);
                break;
            }
    }
    /* Size 0 writes nothing at all. */
    char out[4] = {'Z', 'Z', 'Z', 'Z'};
    mask_phone("13812345678", out, 0);
    mask_id_number("430802199001011234", out, 0);
    mask_name("张三丰", out, 0);
    CHECK(out[0] == 'Z' && out[1] == 'Z');
}

static void test_address(void)
{
    static const struct row rows[] = {
        {"张家界市永定区南庄坪街道紫舞社区6栋1单元", "张家界市永定****"}, /* six kept */
        {"人民路12号", "人民路****"},                     /* never more than half */
        {"12号", "1****"},
        {"甲", "****"},
        {"", ""},
        {NULL, ""},
    };
    run("mask_address", mask_address, rows, sizeof(rows) / sizeof(rows[0]));
}

int main(void)
{
    test_address();
    test_phone();
    test_id_number();
    test_name();
    test_small_buffers();
    return test_done("test_mask");
}
