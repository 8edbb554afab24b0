/* outfile.c -- see outfile.h. */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"

#include "util/banned.h"

static const char *file_kind(mode_t m)
{
    return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
           : S_ISDIR(m) ? "a directory" : S_ISLNK(m) ? "a symbolic link" : S_ISSOCK(m) ? "a socket"
                                                                         : "not a regular file";
}

FILE *out_open(const char *path, const char *opt, const char *what, char **tmp, struct err *e)
{
    struct stat sb;
    *tmp = NULL;
    if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        err_set(e, ERR_IO, opt,
                "cannot write %s '%s': it exists and is %s, which writing would replace; give "
                "--%s a regular file",
                what, path, file_kind(sb.st_mode), opt);
        return NULL;
    }
    struct buf name = BUF_INIT;
    buf_addf(&name, "%s.tmp", path);
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 2; tries++) {
        fd = open(name.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        /* a temporary file a crash left behind is ours to remove; anything else is not */
        if (fd < 0 && errno == EEXIST && tries == 0 && lstat(name.ptr, &sb) == 0 &&
            S_ISREG(sb.st_mode))
            unlink(name.ptr);
        else if (fd < 0)
            break;
    }
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        err_set(e, ERR_IO, opt, "cannot write %s '%s': %s (%s)", what, path, strerror(saved),
                name.ptr);
        buf_release(&name);
        return NULL;
    }
    *tmp = name.ptr;
    return f;
}

/* fsync of an open path (a file, or a directory opened read-only); 0, or an errno */
static int sync_path(const char *p, int flags)
{
    int fd = open(p, flags | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

int out_commit(const char *tmp, const char *path, const char *opt, const char *what,
               struct err *e)
{
    int errnum = sync_path(tmp, O_RDONLY | O_NOFOLLOW);
    if (!errnum && rename(tmp, path) != 0)
        errnum = errno;
    if (errnum) {
        remove(tmp);
        return err_set(e, ERR_IO, opt, "cannot write %s '%s': %s", what, path, strerror(errnum));
    }
    /* the rename itself is on disk only once its directory is */
    struct buf dir = BUF_INIT;
    const char *slash = strrchr(path, '/');
    if (slash)
        buf_add(&dir, path, slash == path ? 1 : (size_t)(slash - path));
    else
        buf_adds(&dir, ".");
    errnum = sync_path(dir.ptr, O_RDONLY | O_DIRECTORY);
    buf_release(&dir);
    if (errnum)
        return err_set(e, ERR_IO, opt, "cannot write %s '%s': its directory cannot be synced: %s",
                       what, path, strerror(errnum));
    return 0;
}
