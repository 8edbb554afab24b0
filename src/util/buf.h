/* buf.h -- a growable string (after git's strbuf, curl's dynbuf, sqlite3_str).
 * Invariant: `ptr` is never NULL and always NUL-terminated. Appends return void; an
 * append that would pass `max` sets a sticky error checked once with buf_error(). */
#ifndef SHISHI_BUF_H
#define SHISHI_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *ptr;
    size_t len;
    size_t cap; /* 0 while ptr points at the static empty string */
    size_t max; /* maximum len; 0 means SIZE_MAX/2 */
    int toobig;
};

#define BUF_INIT {(char *)"", 0, 0, 0, 0}

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Appends `s` as a CSV field (RFC 4180 quoting when needed). */
void buf_add_csv(struct buf *b, const char *s);
/* Hands the string out; caller frees. The buffer is left empty and reusable. */
char *buf_detach(struct buf *b, size_t *len);
/* Nonzero once an append passed the maximum length. */
int buf_error(const struct buf *b);

#endif
