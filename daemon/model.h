/* model.h - the snapshot the daemon serves, published for lock-free reading by many
 * request threads and replaced whole on reload (SIGHUP). A request takes a counted
 * reference (model_acquire) and drops it when done (model_release); a snapshot is freed
 * when it has been replaced AND its last reference is gone. The model also owns the
 * read-only LMDB dictionary handle the snapshots are built from. */
#ifndef NT_DAEMON_MODEL_H
#define NT_DAEMON_MODEL_H

#include <stdint.h>
#include <time.h>

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
} model_info;

/* Returns a new model with no snapshot yet (call model_reload). Opens the dictionary
 * at `db_path` read-only if it exists; a missing directory (or one without data.mdb)
 * means an empty dictionary and a WARN. `models_dir` may be "" (built-ins only). Both
 * strings are copied. NT_EIO with a message in err if the dictionary exists but cannot
 * be opened; NT_ENOMEM. */
nt_err model_new(const char *db_path, const char *models_dir, model **out, char *err,
                 size_t errlen);

/* Stops a running background reload (waits for it), releases the current snapshot and
 * closes the dictionary. Every model_ref must have been released. Accepts NULL. */
void model_free(model *m);

/* Builds a new snapshot from the dictionary and models_dir, then publishes it with
 * model_swap. Reloads are serialised (one at a time). On error the running snapshot is
 * kept and the error is returned with a message in err (may be NULL). Thread-safe. */
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
/* Drops a reference from model_acquire. Accepts NULL. Thread-safe. */
void model_release(model_ref *r);
/* The snapshot of a reference: borrowed, valid until model_release(r). */
const snap *model_ref_snap(const model_ref *r);

/* Copies the current counters into *out. Thread-safe. */
void model_get_info(model *m, model_info *out);

#endif
