/* model.h - the snapshot the daemon serves, published for lock-free reading by many
 * request threads and replaced whole on reload (SIGHUP) or after a dictionary write. A
 * request takes a counted reference (model_acquire) and drops it when done
 * (model_release); a snapshot is freed when it has been replaced AND its last reference
 * is gone. The model also owns the LMDB dictionary handle: it is the only place that
 * writes the dictionary (model_write, one writer at a time), and after each committed
 * write it publishes an overlay (snap_overlay: the edits since the last full build over
 * that build) at once, then rebuilds a full snapshot in the background. */
#ifndef NT_DAEMON_MODEL_H
#define NT_DAEMON_MODEL_H

#include <stdint.h>
#include <time.h>

#include "dict.h"
#include "loader.h"
#include "newstag.h"
#include "snapshot.h"

typedef struct model model; /* the holder: current snapshot + dictionary + stats */
typedef struct model_ref model_ref; /* one published snapshot with its refcount */

typedef struct model_info {
    bool loaded;            /* a snapshot is published */
    bool dict_open;         /* the LMDB dictionary exists and is open */
    bool reloading;         /* a background reload is running */
    uint64_t loads;         /* successful builds, the first one included */
    uint64_t load_failures; /* failed builds (the running snapshot was kept) */
    double last_load_ms;    /* duration of the last successful build */
    time_t last_load_at;    /* wall clock of the last successful build; 0 = none */
    loader_stats last;      /* loader statistics of the current snapshot */
    char last_error[200];   /* message of the last failed build, or "" */
    bool writable;          /* the dictionary accepts writes (opened read-write) */
    uint64_t version;       /* dictionary version of the published snapshot */
    uint64_t base_version;  /* version of the full build under the published overlay */
    uint64_t writes;        /* committed write batches (model_write) */
    uint64_t write_failures; /* batches that failed (nothing was committed) */
    time_t last_write_at;   /* wall clock of the last committed write; 0 = none */
    uint64_t overlays;      /* overlays published after writes */
    uint64_t overlay_failures; /* overlays that could not be built (visible after rebuild) */
    double last_overlay_ms; /* write commit → overlay published, last write */
    size_t pending_edits;   /* entries edited since the full build (in the overlay) */
} model_info;

/* Returns a new model with no snapshot yet (call model_reload). Opens the dictionary
 * at `db_path` read-write if it exists (read-only, with a WARN, when the files are not
 * writable: writes are then refused); a missing directory (or one without data.mdb)
 * means an empty dictionary and a WARN, and the first write creates it. `models_dir` may be "" (built-ins only). Both
 * strings are copied. NT_EIO with a message in err if the dictionary exists but cannot
 * be opened; NT_ENOMEM. */
nt_err model_new(const char *db_path, const char *models_dir, model **out, char *err,
                 size_t errlen);

/* Stops the background rebuilder and a running reload (waits for them), releases the current snapshot and
 * closes the dictionary. Every model_ref must have been released. Accepts NULL. */
void model_free(model *m);

/* Builds a new full snapshot from the dictionary and models_dir, then publishes it (with
 * the writes committed after the version it read laid over it as an overlay). Reloads
 * are serialised (one at a time). When the dictionary is writable and the build was
 * compiled (not loaded from the cache), the compiled matcher is cached in the dictionary
 * for the next start. On error the running snapshot is kept and the error is returned
 * with a message in err (may be NULL). Thread-safe. */
nt_err model_reload(model *m, char *err, size_t errlen);

/* Starts model_reload in a background thread and returns at once; errors are logged.
 * NT_EBUSY if a reload is already running. Call from one thread only (main). */
nt_err model_reload_async(model *m);

/* Publishes snapshot `s` (taking ownership of it, even on error) with its loader stats
 * (copied; may be NULL). The replaced snapshot is freed when its last reference drops.
 * NT_ENOMEM. Thread-safe. */
nt_err model_swap(model *m, snap *s, const loader_stats *st);

/* Returns a new counted reference to the current snapshot (release it with
 * model_release), or NULL when none is loaded yet. Thread-safe, never blocks for long. */
model_ref *model_acquire(model *m);
/* As model_acquire, but before the first snapshot is published (start-up: about 0.3 s from
 * the cached matcher) waits for it, at most timeout_ms; NULL if it did not come. For the
 * tagging routes, so a client that starts with the daemon is served instead of refused. */
model_ref *model_acquire_wait(model *m, unsigned timeout_ms);
/* Drops a reference from model_acquire. Accepts NULL. Thread-safe. */
void model_release(model_ref *r);
/* The snapshot of a reference: borrowed, valid until model_release(r). */
const snap *model_ref_snap(const model_ref *r);

/* Copies the current counters into *out. Thread-safe. */
void model_get_info(model *m, model_info *out);

/* ---- the dictionary: reads and writes (the /v1/entities API) ---- */

/* The dictionary handle for reads (dict_get, dict_search), or NULL when there is none
 * yet. Borrowed: valid until model_free. Thread-safe. */
dict *model_dict(model *m);

/* True when writes can succeed (the dictionary is absent or opened read-write). */
bool model_writable(model *m);

/* One change of a write batch. `put` (borrowed) is a validated entry to create or
 * replace (stored with origin API), or NULL to delete `del`. */
typedef struct model_edit {
    const ent_entry *put;
    nt_str del;
    nt_err rc;    /* out: NT_OK, or NT_ENOTFOUND for a delete of an id with no live entry */
    bool existed; /* out: a live entry had this id before this edit (put = replace) */
} model_edit;

/* Applies `n` edits in ONE write transaction: the version is bumped once (not at all if
 * nothing changed) and a process killed meanwhile leaves the previous version whole.
 * Edits apply in order (a later edit of the same id wins). Then publishes an overlay
 * with every edit since the last full build, so /v1/tag sees the change at once, and
 * asks the background rebuilder for a full build. *version gets the version committed.
 * Writers are serialised; readers never wait for them. NT_EINVAL when the dictionary is
 * read-only; NT_EIO/NT_EBUSY (map full)/NT_ENOMEM with nothing committed, message in
 * err. Per-edit outcomes are in edits[i].rc and .existed. Thread-safe. */
nt_err model_write(model *m, model_edit *edits, size_t n, uint64_t *version, char *err,
                   size_t errlen);

/* Starts the background rebuilder: after writes it waits until `quiet_ms` pass without
 * a write (at most `max_delay_ms` after the first), then runs model_reload so the
 * overlay is folded into a new full snapshot. NT_ENOMEM. Call once, from main. */
nt_err model_start_rebuilder(model *m, unsigned quiet_ms, unsigned max_delay_ms);

#endif
