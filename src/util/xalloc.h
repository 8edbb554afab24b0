/* xalloc.h -- allocation that aborts on exhaustion: we are a program, not a library.
 * What outside input can make us allocate is capped before we allocate. */
#ifndef SHISHI_XALLOC_H
#define SHISHI_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grows *arr (of *cap elements of `size` bytes) so it holds at least `need`. */
void xgrow(void **arr, size_t *cap, size_t need, size_t size);

#endif
