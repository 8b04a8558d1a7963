#define _GNU_SOURCE
#include "drydock_system.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/openat2.h>
#include <sys/vfs.h>
#endif

int drydock_open_beneath(int dirfd, const char *path, int flags, int no_symlinks) {
#if defined(__linux__) && defined(SYS_openat2)
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    if (no_symlinks) how.resolve |= RESOLVE_NO_SYMLINKS;
    if (no_symlinks & DRYDOCK_RESOLVE_SAME_MOUNT) how.resolve |= RESOLVE_NO_XDEV;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
    (void)dirfd; (void)path; (void)flags; (void)no_symlinks;
    errno = ENOSYS;
    return -1;
#endif
}

int drydock_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, 1 /* RENAME_NOREPLACE */);
#else
    (void)olddirfd; (void)oldpath; (void)newdirfd; (void)newpath;
    errno = ENOSYS;
    return -1;
#endif
}

long drydock_read_directory(int fd, void *buffer, unsigned long size) {
#if defined(__linux__) && defined(SYS_getdents64)
    return (long)syscall(SYS_getdents64, fd, buffer, size);
#else
    (void)fd; (void)buffer; (void)size;
    errno = ENOSYS;
    return -1;
#endif
}

const int DRYDOCK_O_PATH = O_PATH;

long long drydock_filesystem_type(int fd) {
#ifdef __linux__
    struct statfs fs;
    if (fstatfs(fd, &fs) != 0) return -1;
    return (long long)fs.f_type;
#else
    (void)fd;
    return -1;
#endif
}
