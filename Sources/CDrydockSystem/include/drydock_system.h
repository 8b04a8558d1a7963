#ifndef DRYDOCK_SYSTEM_H
#define DRYDOCK_SYSTEM_H

/// openat2(2) with RESOLVE_BENEATH (and, when `no_symlinks` is set, RESOLVE_NO_SYMLINKS; when it holds
/// DRYDOCK_RESOLVE_SAME_MOUNT, RESOLVE_NO_XDEV too: the path may not cross into another mount).
/// Returns a file descriptor, or -1 with errno set (ENOSYS when the kernel lacks openat2).
int drydock_open_beneath(int dirfd, const char *path, int flags, int no_symlinks);
enum { DRYDOCK_RESOLVE_SAME_MOUNT = 2 };

/// renameat2(2) with RENAME_NOREPLACE: fails with EEXIST instead of replacing an existing `newpath`.
/// Returns 0, or -1 with errno set (ENOSYS or EINVAL when the kernel or filesystem lacks it).
int drydock_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

/// The `statfs` type number (`f_type`) of the filesystem holding `fd`, or -1 when it cannot be told.
long long drydock_filesystem_type(int fd);

/// getdents64(2): the entries of the folder open as `fd`, written to `buffer` as `struct linux_dirent64` records
/// (d_reclen at offset 16, d_type at 18, the NUL-terminated name at 19). Returns the bytes written, 0 at the end,
/// or -1 with errno set (ENOSYS where there is no getdents64: callers use readdir).
long drydock_read_directory(int fd, void *buffer, unsigned long size);

/// O_PATH, which Swift's Glibc module does not export.
extern const int DRYDOCK_O_PATH;

/// d_type of a directory entry as reported by readdir; DT_UNKNOWN when the filesystem gives none.
enum {
    DRYDOCK_DT_UNKNOWN = 0, DRYDOCK_DT_FIFO = 1, DRYDOCK_DT_CHR = 2, DRYDOCK_DT_DIR = 4,
    DRYDOCK_DT_BLK = 6, DRYDOCK_DT_REG = 8, DRYDOCK_DT_LNK = 10, DRYDOCK_DT_SOCK = 12
};

#endif
