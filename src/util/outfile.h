/* outfile.h -- writing a file the program names on the command line (a bulletin's --out, a
 * backup's --to) so that the name never holds a partial file: written to "PATH.tmp" in the
 * same directory, flushed to disk, then renamed into place. */
#ifndef SHISHI_OUTFILE_H
#define SHISHI_OUTFILE_H

#include <stdio.h>

#include "util/err.h"

/* The temporary file for `path` ("PATH.tmp"), made safely: `path` must be absent or a
 * regular file (not a FIFO, a device, a directory or a symbolic link, which a rename would
 * replace; e names the option `opt`, e.g. "out"); the temporary file is created anew with
 * O_EXCL and O_NOFOLLOW (a stale one left by a crash is removed first, a link never
 * followed). Returns the open file, its name in *tmp (free it), or NULL with e filled
 * (ERR_IO, field `opt`: "cannot write <what> '<path>': <reason>"). */
FILE *out_open(const char *path, const char *opt, const char *what, char **tmp, struct err *e);

/* Puts the finished temporary file `tmp` (closed) in place of `path`: fsync of the file,
 * rename, fsync of the directory, so that after a crash or power loss `path` holds either
 * the old file or the whole new one. On failure removes tmp and fills e as out_open does. */
int out_commit(const char *tmp, const char *path, const char *opt, const char *what,
               struct err *e);

#endif
