// The floor of a collector's walk over a filesystem store: only the system calls no implementation can avoid
// (docs/storage-format.md §2, §7): list the repositories, each repository's revisions and tags, read each tag's
// `current/link` and each manifest blob, list the 256 `blobs/sha256/<hh>/` folders. Folders are read with raw
// getdents64 into a reused buffer, files with openat relative to an open folder and one read; digests are kept as
// 32 bytes in flat arrays, sorted and compared at the end. No JSON parsing: a manifest's references are the
// `sha256:` strings in it. Used by `drydock-bench floor` to show what the hardware allows.
#define _GNU_SOURCE
#include "bench_floor.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

typedef struct {
    uint8_t *bytes;  // 32 bytes per digest
    size_t count, capacity;
} digest_array;

static void digests_add(digest_array *a, const uint8_t *d) {
    if (a->count == a->capacity) {
        a->capacity = a->capacity ? a->capacity * 2 : 4096;
        a->bytes = realloc(a->bytes, a->capacity * 32);
    }
    memcpy(a->bytes + a->count * 32, d, 32);
    a->count++;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static int parse_hex64(const char *s, uint8_t *out) {
    for (int i = 0; i < 32; i++) {
        int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);
        if (h < 0 || l < 0) return -1;
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
}

/// Calls `each` for every entry of the folder `fd` other than `.` and `..`.
typedef void (*entry_fn)(void *ctx, const char *name, unsigned char type);
static int list_dir(int fd, char *buf, size_t size, entry_fn each, void *ctx) {
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, size);
        if (n < 0) return -1;
        if (n == 0) return 0;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
            off += e->d_reclen;
            if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
            each(ctx, e->d_name, e->d_type);
        }
    }
}

/// Names collected from one folder listing, packed.
typedef struct {
    char *text;
    size_t used, capacity;
    int count;
} name_list;

static void names_add(void *ctx, const char *name, unsigned char type) {
    (void)type;
    name_list *l = ctx;
    size_t len = strlen(name) + 1;
    if (l->used + len > l->capacity) {
        l->capacity = (l->capacity + len) * 2;
        l->text = realloc(l->text, l->capacity);
    }
    memcpy(l->text + l->used, name, len);
    l->used += len;
    l->count++;
}

static int list_names(int dirfd, const char *path, char *buf, size_t size, name_list *out) {
    out->used = 0;
    out->count = 0;
    int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = list_dir(fd, buf, size, names_add, out);
    close(fd);
    return rc;
}

typedef struct {
    const char *v2;
    int v2fd;
    int listing;
    int cached;
    char **repos;
    size_t repo_count;
    atomic_size_t next_repo;
    atomic_int next_prefix;
} shared_state;

typedef struct {
    shared_state *shared;
    bench_floor_result result;
    digest_array marked;
    digest_array stored;
    char dirbuf[32768];
    char file[65536];
    char path[4096];
    name_list names, inner;
} worker;

/// Reads a whole small file relative to `dirfd` into the worker's buffer; returns its length or -1.
static long read_small(worker *w, int dirfd, const char *path) {
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    long total = 0;
    for (;;) {
        long n = read(fd, w->file + total, sizeof w->file - 1 - total);
        if (n <= 0) break;
        total += n;
        if (total == (long)sizeof w->file - 1) break;
    }
    close(fd);
    w->file[total] = 0;
    return total;
}

static void scan_references(worker *w, long len) {
    uint8_t d[32];
    for (char *p = w->file; (p = memmem(p, w->file + len - p, "sha256:", 7)) != NULL; p += 7) {
        if (w->file + len - p >= 7 + 64 && parse_hex64(p + 7, d) == 0) {
            digests_add(&w->marked, d);
            w->result.references++;
        }
    }
}

static void read_config(worker *w, long len) {
    char *c = memmem(w->file, len, "\"config\"", 8);
    if (!c) return;
    char *s = memmem(c, w->file + len - c, "sha256:", 7);
    if (!s || w->file + len - s < 71) return;
    char hex[65];
    memcpy(hex, s + 7, 64);
    hex[64] = 0;
    snprintf(w->path, sizeof w->path, "blobs/sha256/%.2s/%s/data", hex, hex);
    if (read_small(w, w->shared->v2fd, w->path) >= 0) w->result.configs_read++;
    else w->result.errors++;
}

static void walk_repository(worker *w, const char *repo) {
    shared_state *s = w->shared;
    int rfd = openat(s->v2fd, repo, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd < 0) { w->result.errors++; return; }
    w->result.repositories++;

    // Revisions: digests from folder names, content from the blob store.
    if (list_names(rfd, "_manifests/revisions/sha256", w->dirbuf, sizeof w->dirbuf, &w->names) == 0) {
        const char *name = w->names.text;
        for (int i = 0; i < w->names.count; i++, name += strlen(name) + 1) {
            if (strlen(name) != 64) continue;
            w->result.revisions++;
            snprintf(w->path, sizeof w->path, "blobs/sha256/%.2s/%s/data", name, name);
            if (s->cached) {
                // What each manifest's facts come from a cache still costs: a stat, to see the store holds it.
                struct stat st;
                if (fstatat(s->v2fd, w->path, &st, 0) == 0 && S_ISREG(st.st_mode)) w->result.manifests_stated++;
                else w->result.errors++;
                continue;
            }
            long len = read_small(w, s->v2fd, w->path);
            if (len < 0) { w->result.errors++; continue; }
            w->result.manifest_bytes += len;
            uint8_t d[32];
            if (parse_hex64(name, d) == 0) digests_add(&w->marked, d);
            scan_references(w, len);
            if (s->listing) read_config(w, len);
        }
    }
    // Tags: each `current/link` read (the only link whose content is not in its path).
    int tfd = openat(rfd, "_manifests/tags", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (tfd >= 0) {
        w->names.used = 0;
        w->names.count = 0;
        list_dir(tfd, w->dirbuf, sizeof w->dirbuf, names_add, &w->names);
        const char *name = w->names.text;
        for (int i = 0; i < w->names.count; i++, name += strlen(name) + 1) {
            snprintf(w->path, sizeof w->path, "%s/current/link", name);
            if (read_small(w, tfd, w->path) >= 0) w->result.tags++;
            else w->result.errors++;
            if (s->listing) {
                snprintf(w->path, sizeof w->path, "%s/index/sha256", name);
                if (list_names(tfd, w->path, w->dirbuf, sizeof w->dirbuf, &w->inner) == 0)
                    w->result.tag_index_entries += w->inner.count;
            }
        }
        close(tfd);
    }
    if (s->listing) {
        int lfd = openat(rfd, "_layers/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (lfd >= 0) {
            if (list_names(lfd, ".", w->dirbuf, sizeof w->dirbuf, &w->inner) == 0) {
                const char *name = w->inner.text;
                for (int i = 0; i < w->inner.count; i++, name += strlen(name) + 1) {
                    struct stat st;
                    snprintf(w->path, sizeof w->path, "%s/link", name);
                    // ls checks each layer link's presence, not its content.
                    if (fstatat(lfd, w->path, &st, 0) == 0) w->result.layer_links++;
                }
            }
            close(lfd);
        }
    }
    close(rfd);
}

static void walk_blob_prefix(worker *w, int prefix) {
    char path[32];
    snprintf(path, sizeof path, "blobs/sha256/%02x", prefix);
    if (list_names(w->shared->v2fd, path, w->dirbuf, sizeof w->dirbuf, &w->inner) != 0) return;
    const char *name = w->inner.text;
    uint8_t d[32];
    for (int i = 0; i < w->inner.count; i++, name += strlen(name) + 1) {
        if (strlen(name) == 64 && parse_hex64(name, d) == 0) {
            digests_add(&w->stored, d);
            w->result.stored_blobs++;
        }
    }
}

static void *work(void *arg) {
    worker *w = arg;
    shared_state *s = w->shared;
    for (;;) {
        size_t i = atomic_fetch_add(&s->next_repo, 1);
        if (i >= s->repo_count) break;
        walk_repository(w, s->repos[i]);
    }
    for (;;) {
        int p = atomic_fetch_add(&s->next_prefix, 1);
        if (p >= 256) break;
        walk_blob_prefix(w, p);
    }
    return NULL;
}

typedef struct {
    char **repos;
    size_t count, capacity;
    char dirbuf[32768];
} discovery;

/// A repository is a folder holding `_manifests` (storage-format §2); names beginning with `_` are not descended.
static void discover(discovery *d, int v2fd, const char *path) {
    name_list children = {0};
    if (list_names(v2fd, path, d->dirbuf, sizeof d->dirbuf, &children) != 0) return;
    const char *name = children.text;
    int is_repo = 0;
    for (int i = 0; i < children.count; i++, name += strlen(name) + 1)
        if (strcmp(name, "_manifests") == 0) is_repo = 1;
    if (is_repo) {
        if (d->count == d->capacity) {
            d->capacity = d->capacity ? d->capacity * 2 : 1024;
            d->repos = realloc(d->repos, d->capacity * sizeof *d->repos);
        }
        d->repos[d->count++] = strdup(path);
    }
    name = children.text;
    for (int i = 0; i < children.count; i++, name += strlen(name) + 1) {
        if (name[0] == '_') continue;
        size_t len = strlen(path) + strlen(name) + 2;
        char *child = malloc(len);
        snprintf(child, len, "%s/%s", path, name);
        discover(d, v2fd, child);
        free(child);
    }
    free(children.text);
}

static int compare_digest(const void *a, const void *b) { return memcmp(a, b, 32); }

int bench_floor_walk(const char *v2, int threads, int listing, int cached, bench_floor_result *out) {
    memset(out, 0, sizeof *out);
    if (threads < 1) threads = 1;
    int v2fd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (v2fd < 0) return -1;
    discovery *d = calloc(1, sizeof *d);
    discover(d, v2fd, "repositories");

    shared_state s = {.v2 = v2, .v2fd = v2fd, .listing = listing, .cached = cached, .repos = d->repos, .repo_count = d->count};
    atomic_init(&s.next_repo, 0);
    atomic_init(&s.next_prefix, 0);
    worker **workers = calloc((size_t)threads, sizeof *workers);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    for (int i = 0; i < threads; i++) {
        workers[i] = calloc(1, sizeof **workers);
        workers[i]->shared = &s;
        pthread_create(&ids[i], NULL, work, workers[i]);
    }
    digest_array marked = {0}, stored = {0};
    for (int i = 0; i < threads; i++) {
        pthread_join(ids[i], NULL);
        worker *w = workers[i];
        int64_t *dst = (int64_t *)out, *src = (int64_t *)&w->result;
        for (size_t k = 0; k < sizeof *out / sizeof(int64_t); k++) dst[k] += src[k];
        for (size_t k = 0; k < w->marked.count; k++) digests_add(&marked, w->marked.bytes + 32 * k);
        for (size_t k = 0; k < w->stored.count; k++) digests_add(&stored, w->stored.bytes + 32 * k);
        free(w->marked.bytes);
        free(w->stored.bytes);
        free(w->names.text);
        free(w->inner.text);
        free(w);
    }
    // Sweep: stored blobs not marked (a merge of two sorted arrays). With `cached` no reference was read (a cache
    // would supply them), so there is no sweep to count: the walk is a lower bound of a warm run's.
    qsort(marked.bytes, marked.count, 32, compare_digest);
    qsort(stored.bytes, stored.count, 32, compare_digest);
    if (cached) out->unmarked_blobs = -1;
    size_t m = 0;
    for (size_t k = 0; !cached && k < stored.count; k++) {
        while (m < marked.count && memcmp(marked.bytes + 32 * m, stored.bytes + 32 * k, 32) < 0) m++;
        if (m >= marked.count || memcmp(marked.bytes + 32 * m, stored.bytes + 32 * k, 32) != 0) out->unmarked_blobs++;
    }
    free(marked.bytes);
    free(stored.bytes);
    for (size_t k = 0; k < d->count; k++) free(d->repos[k]);
    free(d->repos);
    free(d);
    free(workers);
    free(ids);
    close(v2fd);
    return 0;
}
