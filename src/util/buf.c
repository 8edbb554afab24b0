/* buf.c -- a growable, always-terminated string with a length cap. */
#include "util/buf.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static char empty[1];

void buf_init(struct buf *b, size_t max)
{
    b->ptr = empty;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : SIZE_MAX / 2;
    b->toobig = 0;
}

void buf_release(struct buf *b)
{
    if (b->cap)
        free(b->ptr);
    size_t max = b->max;
    buf_init(b, max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->cap) /* else ptr is the static empty string, already "" */
        b->ptr[0] = '\0';
    b->toobig = 0;
}

/* Makes room for `n` more bytes plus the terminator; 0 on success. */
static int reserve(struct buf *b, size_t n)
{
    size_t max = b->max ? b->max : SIZE_MAX / 2;
    if (b->toobig || n > max - b->len) {
        b->toobig = 1;
        return -1;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    if (b->cap) {
        b->ptr = xrealloc(b->ptr, cap);
    } else {
        char *p = xmalloc(cap);
        memcpy(p, b->ptr, b->len + 1);
        b->ptr = p;
    }
    b->cap = cap;
    return 0;
}

void buf_add(struct buf *b, const void *data, size_t n)
{
    if (n == 0 || reserve(b, n) < 0)
        return;
    memcpy(b->ptr + b->len, data, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n <= 0 || reserve(b, (size_t)n) < 0)
        return;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void buf_add_csv(struct buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        buf_adds(b, s);
        return;
    }
    buf_addc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_addc(b, '"');
        buf_addc(b, *s);
    }
    buf_addc(b, '"');
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p = b->cap ? b->ptr : xstrdup("");
    if (len)
        *len = b->len;
    size_t max = b->max;
    buf_init(b, max);
    return p;
}

int buf_error(const struct buf *b)
{
    return b->toobig;
}
