/* wire.c -- the request's raw bytes as the server reads them (see wire.h). */
#include "http/wire.h"

#include <microhttpd.h>
#include <string.h>

#include "util/banned.h"

size_t wire_unescape(char *s)
{
    for (char *p = strstr(s, "%"); p; p = strstr(p + 1, "%"))
        if (p[1] == '0' && p[2] == '0') {
            p[1] = '7';
            p[2] = 'f';
        }
    return MHD_http_unescape(s);
}

/* Whether s holds a control character (NUL comes as DEL, see wire_unescape()). */
static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            return 1;
    return 0;
}

int wire_check_path(const char *path, size_t size, struct err *e)
{
    if (has_control(path))
        return err_set(e, ERR_INVALID, "path", "%s", "the path holds a control character");
    if (strlen(path) >= size)
        return err_set(e, ERR_NOT_FOUND, "path", "%s", "no such endpoint: the path is too long");
    return 0;
}

void wire_log_value(char *out, size_t size, const char *in)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)(in ? in : "-"); *p && o + 4 < size;
         p++) {
        if (*p <= 0x20 || *p == 0x7f || *p == '%' || *p == '"') {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        } else {
            out[o++] = (char)*p;
        }
    }
    out[o] = '\0';
}
