#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include <stdint.h>

/// What a minimal collector walk of a registry store found (drydock-bench floor).
typedef struct {
    int64_t repositories;
    int64_t revisions;
    int64_t tags;
    int64_t manifest_bytes;
    int64_t references;
    int64_t stored_blobs;
    int64_t unmarked_blobs;
    int64_t layer_links;
    int64_t tag_index_entries;
    int64_t configs_read;
    int64_t manifests_stated;
    int64_t errors;
} bench_floor_result;

/// Walks `v2` (a `docker/registry/v2` folder) with `threads` threads doing only the system calls a collector cannot
/// avoid; with `listing` set, also what `ls --json` needs (layer links, tag histories, image configs). With `cached`
/// set, each manifest is stat'ed instead of read (and configs are not touched): what a run whose manifest facts all
/// come from a local cache must still do on a filesystem, a lower bound of any warm run.
/// Returns 0, or -1 with errno set when `v2` cannot be opened.
int bench_floor_walk(const char *v2, int threads, int listing, int cached, bench_floor_result *out);

#endif
