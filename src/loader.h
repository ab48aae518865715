/* loader.h - builds a snapshot from where the data lives: the LMDB dictionary (or TSV
 * files, for the command line without a database) plus the models/ directory (common
 * words, cue lists, event rules). Used by the daemon at start and on reload, and by
 * `newstag tag`. Does file and LMDB I/O; the engine proper (snapshot, tagger) does not. */
#ifndef NT_LOADER_H
#define NT_LOADER_H

#include "dict.h"
#include "snapshot.h"

typedef struct loader_stats {
    size_t entities, aliases, skipped_aliases;
    double ms_total, ms_entities, ms_compile;
    bool from_cache; /* the compiled snapshot came from LMDB (no rebuild) */
} loader_stats;

/* Builds a new snapshot (snap_free) from dictionary `d` (may be NULL: empty) and the
 * models directory `models_dir` (may be NULL: built-in defaults only). Uses the matcher
 * cached in the dictionary when it matches the version and the common-word list
 * (st->from_cache). On error returns the nt_err with a message in err. */
nt_err loader_build(dict *d, const char *models_dir, snap **out, loader_stats *st,
                    char *err, size_t errlen);

/* Stores the compiled matcher of `s` in `d` (opened writable) so the next loader_build
 * for the same dictionary version and common-word list loads it instead of compiling. */
nt_err loader_save_cache(dict *d, const snap *s, const char *models_dir);

/* Builds a snapshot straight from TSV files (no LMDB), for tests and pipes. */
nt_err loader_build_tsv(const char *const *files, size_t n_files, const char *models_dir,
                        snap **out, loader_stats *st, char *err, size_t errlen);

/* Reads a whole file into a new malloc'd, NUL-terminated buffer. NT_EIO. */
nt_err loader_read_file(const char *path, char **buf, size_t *len);

#endif
