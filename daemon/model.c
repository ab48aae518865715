/* model.c - publish, acquire and replace the served snapshot; the one place that writes
 * the dictionary. Each published snapshot sits in a model_ref with a C11 atomic
 * refcount: the model itself holds one reference, each request one more. A swap
 * replaces the pointer and drops the model's reference, so the old snapshot dies with
 * its last request. An overlay's ref also holds a reference on the full snapshot it
 * reads through (its base), so the base outlives every overlay over it.
 *
 * Writes: `write_mu` serialises LMDB write transactions, the edit log (every entry
 * written since the base was built, latest state per id) and overlay publication.
 * Builds run outside every lock that a request takes; a request never waits for a
 * writer. Lock order: reload_mu → write_mu → open_mu → mu; rb_mu is taken alone or
 * last. */
#include "model.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "arena.h"
#include "log.h"

struct model_ref {
    atomic_uint refs;
    snap *s;
    model_ref *base; /* overlay: the full snapshot s reads through (one reference) */
};

/* An id → index hash (open addressing, linear probing); keys are borrowed. */
typedef struct idmap {
    nt_str *keys;
    uint32_t *vals;
    size_t cap, n; /* cap: a power of two, or 0 */
} idmap;

/* One entry of the edit log: the latest state of an id written since the base. */
typedef struct edit {
    ent_entry e; /* deep copy in the log's arena; only e.id for a delete */
    bool deleted;
    uint64_t version; /* the dictionary version that committed it */
} edit;

typedef struct edit_log {
    arena *a; /* strings and arrays of the entries (replaced ones stay until a trim) */
    edit *v;
    size_t n, cap;
    idmap ids; /* id → index in v */
} edit_log;

struct model {
    /* `mu` guards `cur`, `d` and `info`. acquire holds it only for one load and one
     * atomic increment: without it a swap could free the snapshot between a reader's
     * load of `cur` and its increment (the classic refcount race), and hazard pointers
     * would be a lot of code to save a few uncontended nanoseconds per request. */
    pthread_mutex_t mu;
    model_ref *cur;
    pthread_cond_t cur_cv; /* broadcast (under mu) when a snapshot is published */
    model_info info;
    pthread_mutex_t reload_mu; /* one build at a time; held during the build */
    atomic_bool reloading;     /* a background reload thread is running */
    bool thread_started;       /* `thread` must be joined */
    pthread_t thread;
    pthread_mutex_t write_mu; /* one writer: LMDB writes, `log`, `base`, overlays */
    edit_log log;
    model_ref *base; /* the last full snapshot (the model's reference), or NULL */
    pthread_mutex_t open_mu; /* opening the dictionary (at start, reload or first write) */
    dict *d;                 /* NULL: no dictionary (yet); set once, under open_mu + mu */
    bool rdonly;             /* d was opened read-only: writes are refused */
    /* the background rebuilder (model_start_rebuilder) */
    pthread_mutex_t rb_mu;
    pthread_cond_t rb_cv;
    bool rb_started, rb_stop, rb_dirty;
    double rb_first, rb_last; /* first and last write since the last build (ms) */
    unsigned rb_quiet_ms, rb_max_ms;
    pthread_t rb_thread;
    char *db_path, *models_dir;
};

static double now_ms(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- idmap ---------------------------------------------------------------------- */

static size_t id_hash(nt_str s) {
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < s.n; i++)
        h = (h ^ (unsigned char)s.p[i]) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 29));
}

static void idmap_fini(idmap *h) {
    free(h->keys);
    free(h->vals);
    memset(h, 0, sizeof(*h));
}

/* The slot of `key`, or of the empty slot where it would go. h->cap > 0. */
static size_t idmap_slot(const idmap *h, nt_str key) {
    size_t i = id_hash(key) & (h->cap - 1);

    while (h->keys[i].p && !nt_str_eq(h->keys[i], key))
        i = (i + 1) & (h->cap - 1);
    return i;
}

static bool idmap_get(const idmap *h, nt_str key, uint32_t *val) {
    size_t i;

    if (!h->cap)
        return false;
    i = idmap_slot(h, key);
    if (!h->keys[i].p)
        return false;
    *val = h->vals[i];
    return true;
}

/* Sets key → val (key borrowed: it must outlive the map or the next put of it). */
static nt_err idmap_put(idmap *h, nt_str key, uint32_t val) {
    size_t i;

    if ((h->n + 1) * 2 > h->cap) {
        idmap g = {0};

        g.cap = h->cap ? h->cap * 2 : 64;
        g.keys = calloc(g.cap, sizeof(*g.keys));
        g.vals = calloc(g.cap, sizeof(*g.vals));
        if (!g.keys || !g.vals) {
            idmap_fini(&g);
            return NT_ENOMEM;
        }
        for (size_t k = 0; k < h->cap; k++)
            if (h->keys[k].p) {
                size_t j = idmap_slot(&g, h->keys[k]);
                g.keys[j] = h->keys[k];
                g.vals[j] = h->vals[k];
                g.n++;
            }
        idmap_fini(h);
        *h = g;
    }
    i = idmap_slot(h, key);
    if (!h->keys[i].p)
        h->n++;
    h->keys[i] = key;
    h->vals[i] = val;
    return NT_OK;
}

/* ---- the edit log --------------------------------------------------------------- */

static void log_fini(edit_log *l) {
    arena_free(l->a);
    free(l->v);
    idmap_fini(&l->ids);
    memset(l, 0, sizeof(*l));
}

static nt_str dup_str(arena *a, nt_str s, bool *oom) {
    char *p = arena_strndup(a, s.p ? s.p : "", s.n);

    if (!p)
        *oom = true;
    return (nt_str){p ? p : "", p ? s.n : 0};
}

/* Records the latest state of an id: `put` (copied), or a delete of `id`. */
static nt_err log_set(edit_log *l, const ent_entry *put, nt_str id, uint64_t version) {
    edit x = {.deleted = put == NULL, .version = version};
    uint32_t idx;
    nt_err rc;

    if (!l->a && !(l->a = arena_new(0)))
        return NT_ENOMEM;
    if (put)
        rc = ent_copy(put, l->a, &x.e);
    else {
        bool oom = false;
        x.e.id = dup_str(l->a, id, &oom);
        rc = oom ? NT_ENOMEM : NT_OK;
    }
    if (rc != NT_OK)
        return rc;
    if (idmap_get(&l->ids, x.e.id, &idx)) {
        l->v[idx] = x;
        return idmap_put(&l->ids, l->v[idx].e.id, idx); /* re-point at the new copy */
    }
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        edit *nv = realloc(l->v, nc * sizeof(*nv));
        if (!nv)
            return NT_ENOMEM;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n] = x;
    rc = idmap_put(&l->ids, l->v[l->n].e.id, (uint32_t)l->n);
    if (rc == NT_OK)
        l->n++;
    return rc;
}

/* Keeps only the edits committed after `version` (a full build at `version` holds the
 * others). On NT_ENOMEM the log is left as it was. */
static nt_err log_trim(edit_log *l, uint64_t version) {
    edit_log k = {0};
    nt_err rc = NT_OK;

    for (size_t i = 0; i < l->n && rc == NT_OK; i++)
        if (l->v[i].version > version)
            rc = log_set(&k, l->v[i].deleted ? NULL : &l->v[i].e, l->v[i].e.id,
                         l->v[i].version);
    if (rc != NT_OK) {
        log_fini(&k);
        return rc;
    }
    log_fini(l);
    *l = k;
    return NT_OK;
}

/* ---- refs and publication ------------------------------------------------------- */

static void ref_drop(model_ref *r) {
    if (r && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1) {
        snap_free(r->s); /* an overlay goes before its base */
        ref_drop(r->base);
        free(r);
    }
}

/* A new ref holding s (taken, even on error) and, for an overlay, a reference on base.
 * NULL on OOM. */
static model_ref *ref_new(snap *s, model_ref *base) {
    model_ref *r = malloc(sizeof(*r));

    if (!r) {
        snap_free(s);
        return NULL;
    }
    atomic_init(&r->refs, 1);
    r->s = s;
    r->base = base;
    if (base)
        atomic_fetch_add_explicit(&base->refs, 1, memory_order_relaxed);
    return r;
}

/* Makes r (the caller's reference, handed over) the served snapshot. */
static void publish(model *m, model_ref *r, const loader_stats *st) {
    model_ref *old;

    pthread_mutex_lock(&m->mu);
    old = m->cur;
    m->cur = r;
    pthread_cond_broadcast(&m->cur_cv); /* requests waiting for the first snapshot */
    m->info.loaded = true;
    m->info.version = snap_version(r->s);
    m->info.base_version = snap_version(r->base ? r->base->s : r->s);
    m->info.pending_edits = m->log.n;
    if (st)
        m->info.last = *st;
    pthread_mutex_unlock(&m->mu);
    ref_drop(old); /* freed now, or by the last request still using it */
}

/* The snapshot to serve for base `b` and the edit log: b itself (a new reference) when
 * the log is empty, else a new overlay over it. Caller holds write_mu. NT_ENOMEM (*out
 * is then NULL). */
static nt_err overlay_ref(model *m, model_ref *b, uint64_t version, model_ref **out) {
    ent_entry *ups = NULL;
    nt_str *dels = NULL;
    size_t n_up = 0, n_del = 0;
    snap *s = NULL;
    nt_err rc = NT_ENOMEM;

    *out = NULL;
    if (m->log.n == 0) {
        atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
        *out = b;
        return NT_OK;
    }
    ups = malloc(m->log.n * sizeof(*ups));
    dels = malloc(m->log.n * sizeof(*dels));
    if (!ups || !dels)
        goto out;
    for (size_t i = 0; i < m->log.n; i++) {
        if (m->log.v[i].deleted)
            dels[n_del++] = m->log.v[i].e.id;
        else
            ups[n_up++] = m->log.v[i].e;
    }
    rc = snap_overlay(b->s, ups, n_up, dels, n_del, version, &s);
    if (rc != NT_OK)
        goto out;
    *out = ref_new(s, b); /* takes s */
    rc = *out ? NT_OK : NT_ENOMEM;
out:
    free(ups);
    free(dels);
    return rc;
}

nt_err model_swap(model *m, snap *s, const loader_stats *st) {
    model_ref *r = ref_new(s, NULL); /* takes s */

    if (!r)
        return NT_ENOMEM;
    pthread_mutex_lock(&m->write_mu); /* publish reads the edit log */
    publish(m, r, st);
    pthread_mutex_unlock(&m->write_mu);
    return NT_OK;
}

model_ref *model_acquire(model *m) {
    model_ref *r;

    pthread_mutex_lock(&m->mu);
    r = m->cur;
    if (r)
        atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&m->mu);
    return r;
}

model_ref *model_acquire_wait(model *m, unsigned timeout_ms) {
    struct timespec until;
    model_ref *r;

    clock_gettime(CLOCK_REALTIME, &until); /* the clock pthread_cond_timedwait uses */
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m->mu);
    while (!m->cur && pthread_cond_timedwait(&m->cur_cv, &m->mu, &until) == 0)
        ;
    r = m->cur;
    if (r)
        atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&m->mu);
    return r;
}

void model_release(model_ref *r) { ref_drop(r); }

const snap *model_ref_snap(const model_ref *r) { return r->s; }

void model_get_info(model *m, model_info *out) {
    pthread_mutex_lock(&m->mu);
    *out = m->info;
    pthread_mutex_unlock(&m->mu);
    out->reloading = atomic_load(&m->reloading);
}

/* ---- the dictionary ------------------------------------------------------------- */

/* True if `path` looks like an existing LMDB environment (directory with data.mdb, or a
 * plain file); false if nothing is there yet. */
static bool dict_exists(const char *path) {
    char data[4096];
    struct stat st;

    if (stat(path, &st) != 0)
        return false;
    if (!S_ISDIR(st.st_mode))
        return true;
    snprintf(data, sizeof(data), "%s/data.mdb", path);
    return stat(data, &st) == 0;
}

/* Opens the dictionary if it is not open yet: read-write (read-only with a WARN when
 * that fails but read-only works) if it exists; created when `create`, else left NULL
 * when it does not exist. */
static nt_err open_dict(model *m, bool create, char *err, size_t errlen) {
    char rw_err[200] = "";
    bool rdonly = false;
    dict *d = NULL;
    nt_err rc = NT_OK;

    pthread_mutex_lock(&m->open_mu);
    if (m->d)
        goto out;
    if (!dict_exists(m->db_path)) {
        if (!create)
            goto out;
        rc = dict_open(m->db_path, DICT_CREATE, &d, err, errlen);
    } else {
        rc = dict_open(m->db_path, 0, &d, rw_err, sizeof(rw_err));
        if (rc != NT_OK) {
            rc = dict_open(m->db_path, DICT_RDONLY, &d, err, errlen);
            rdonly = rc == NT_OK;
        }
    }
    if (rc != NT_OK)
        goto out;
    if (rdonly)
        log_msg(LOG_WARN, "model",
                "dictionary opened read-only (%s): /v1/entities writes are refused",
                rw_err);
    pthread_mutex_lock(&m->mu);
    m->d = d;
    m->rdonly = rdonly;
    m->info.dict_open = true;
    m->info.writable = !rdonly;
    pthread_mutex_unlock(&m->mu);
    log_msg(LOG_INFO, "model", "dictionary %s path=%s",
            create ? "created" : rdonly ? "opened read-only" : "opened", m->db_path);
out:
    pthread_mutex_unlock(&m->open_mu);
    return rc;
}

dict *model_dict(model *m) {
    dict *d;

    pthread_mutex_lock(&m->mu);
    d = m->d;
    pthread_mutex_unlock(&m->mu);
    return d;
}

bool model_writable(model *m) {
    bool w;

    pthread_mutex_lock(&m->mu);
    w = !m->d || !m->rdonly;
    pthread_mutex_unlock(&m->mu);
    return w;
}

/* ---- lifecycle ------------------------------------------------------------------ */

nt_err model_new(const char *db_path, const char *models_dir, model **out, char *err,
                 size_t errlen) {
    model *m = NULL;
    nt_err rc = NT_ENOMEM;

    *out = NULL;
    m = calloc(1, sizeof(*m));
    if (!m)
        goto out;
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cur_cv, NULL);
    pthread_mutex_init(&m->reload_mu, NULL);
    pthread_mutex_init(&m->write_mu, NULL);
    pthread_mutex_init(&m->open_mu, NULL);
    pthread_mutex_init(&m->rb_mu, NULL);
    pthread_cond_init(&m->rb_cv, NULL);
    atomic_init(&m->reloading, false);
    m->info.writable = true;
    m->db_path = strdup(db_path);
    m->models_dir = strdup(models_dir);
    if (!m->db_path || !m->models_dir)
        goto out;
    rc = open_dict(m, false, err, errlen);
    if (rc != NT_OK)
        goto out;
    if (!m->d)
        log_msg(LOG_WARN, "model",
                "no dictionary at %s: serving an empty dictionary (run newstag import, "
                "or write through /v1/entities)",
                db_path);
    *out = m;
    m = NULL;
out:
    if (rc == NT_ENOMEM && err && errlen)
        snprintf(err, errlen, "out of memory");
    model_free(m);
    return rc;
}

void model_free(model *m) {
    if (!m)
        return;
    if (m->rb_started) {
        pthread_mutex_lock(&m->rb_mu);
        m->rb_stop = true;
        pthread_cond_signal(&m->rb_cv);
        pthread_mutex_unlock(&m->rb_mu);
        pthread_join(m->rb_thread, NULL);
    }
    if (m->thread_started)
        pthread_join(m->thread, NULL);
    ref_drop(m->cur);
    ref_drop(m->base);
    log_fini(&m->log);
    dict_close(m->d);
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cur_cv);
    pthread_mutex_destroy(&m->reload_mu);
    pthread_mutex_destroy(&m->write_mu);
    pthread_mutex_destroy(&m->open_mu);
    pthread_mutex_destroy(&m->rb_mu);
    pthread_cond_destroy(&m->rb_cv);
    free(m->db_path);
    free(m->models_dir);
    free(m);
}

/* ---- full builds ---------------------------------------------------------------- */

/* Publishes full snapshot s (taken) as the new base, with the edits committed after its
 * version laid over it. */
static nt_err publish_base(model *m, snap *s, const loader_stats *st) {
    model_ref *b = ref_new(s, NULL), *r = NULL, *old;
    nt_err rc;

    if (!b)
        return NT_ENOMEM;
    pthread_mutex_lock(&m->write_mu);
    if (log_trim(&m->log, snap_version(s)) != NT_OK)
        log_msg(LOG_WARN, "model", "out of memory trimming the edit log (kept whole)");
    uint64_t v = snap_version(s);
    for (size_t i = 0; i < m->log.n; i++) /* the overlay answers for its newest edit */
        v = m->log.v[i].version > v ? m->log.v[i].version : v;
    rc = overlay_ref(m, b, v, &r);
    if (rc != NT_OK) { /* serve the base; the edits come back with the next build */
        log_msg(LOG_ERROR, "model", "cannot build the overlay of %zu edits: %s",
                m->log.n, nt_strerror(rc));
        atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
        r = b;
        pthread_mutex_lock(&m->mu);
        m->info.overlay_failures++;
        pthread_mutex_unlock(&m->mu);
    }
    old = m->base;
    m->base = b;
    publish(m, r, st);
    pthread_mutex_unlock(&m->write_mu);
    ref_drop(old);
    return NT_OK;
}

nt_err model_reload(model *m, char *err, size_t errlen) {
    char msg[200] = "";
    loader_stats st;
    snap *s = NULL;
    dict *d;
    double t0, ms;
    uint64_t version;
    bool save;
    nt_err rc;

    memset(&st, 0, sizeof(st));
    pthread_mutex_lock(&m->reload_mu);
    t0 = now_ms();
    rc = open_dict(m, false, msg, sizeof(msg));
    if (rc != NT_OK)
        goto out;
    d = model_dict(m);
    rc = loader_build(d, m->models_dir[0] ? m->models_dir : NULL, &s, &st, msg,
                      sizeof(msg));
    if (rc != NT_OK)
        goto out;
    ms = now_ms() - t0;
    version = snap_version(s);
    log_msg(LOG_INFO, "model",
            "snapshot built version=%llu entities=%zu aliases=%zu skipped_aliases=%zu "
            "from_cache=%d ms=%.1f",
            (unsigned long long)version, st.entities, st.aliases, st.skipped_aliases,
            (int)st.from_cache, ms);
    save = d && model_writable(m) && !st.from_cache && version > 0;
    rc = publish_base(m, s, &st); /* takes s; m->base keeps it alive below */
    s = NULL;
    if (rc != NT_OK) {
        snprintf(msg, sizeof(msg), "out of memory");
        goto out;
    }
    pthread_mutex_lock(&m->mu);
    m->info.loads++;
    m->info.last_load_ms = ms;
    m->info.last_load_at = time(NULL);
    m->info.last_error[0] = '\0';
    pthread_mutex_unlock(&m->mu);
    if (save) { /* a write like any other: under write_mu; m->base cannot go meanwhile */
        pthread_mutex_lock(&m->write_mu);
        nt_err src = loader_save_cache(d, m->base->s,
                                       m->models_dir[0] ? m->models_dir : NULL);
        pthread_mutex_unlock(&m->write_mu);
        if (src != NT_OK)
            log_msg(LOG_WARN, "model", "caching the compiled matcher failed: %s",
                    nt_strerror(src));
    }
out:
    if (rc != NT_OK) {
        if (!msg[0])
            snprintf(msg, sizeof(msg), "%s", nt_strerror(rc));
        pthread_mutex_lock(&m->mu);
        m->info.load_failures++;
        snprintf(m->info.last_error, sizeof(m->info.last_error), "%s", msg);
        pthread_mutex_unlock(&m->mu);
        if (err && errlen)
            snprintf(err, errlen, "%s", msg);
    }
    pthread_mutex_unlock(&m->reload_mu);
    snap_free(s);
    return rc;
}

static void *reload_main(void *arg) {
    model *m = arg;
    char err[200];
    nt_err rc;

    rc = model_reload(m, err, sizeof(err));
    if (rc != NT_OK)
        log_msg(LOG_ERROR, "model",
                "reload failed, keeping the running snapshot: %s (%s)", err,
                nt_errname(rc));
    atomic_store(&m->reloading, false);
    return NULL;
}

nt_err model_reload_async(model *m) {
    bool idle = false;

    if (!atomic_compare_exchange_strong(&m->reloading, &idle, true))
        return NT_EBUSY;
    if (m->thread_started) { /* the previous reload thread has finished: reap it */
        pthread_join(m->thread, NULL);
        m->thread_started = false;
    }
    if (pthread_create(&m->thread, NULL, reload_main, m) != 0) {
        atomic_store(&m->reloading, false);
        return NT_ENOMEM;
    }
    m->thread_started = true;
    return NT_OK;
}

/* ---- writes --------------------------------------------------------------------- */

/* Tells the rebuilder that a write was committed. */
static void mark_dirty(model *m) {
    double t = now_ms();

    pthread_mutex_lock(&m->rb_mu);
    if (!m->rb_dirty)
        m->rb_first = t;
    m->rb_dirty = true;
    m->rb_last = t;
    pthread_cond_signal(&m->rb_cv);
    pthread_mutex_unlock(&m->rb_mu);
}

/* Fills edits[i].existed / .rc from the stored state and the edits before i. */
static nt_err probe_edits(dict *d, model_edit *edits, size_t n) {
    arena *a = arena_new(0);
    uint8_t *live = NULL; /* per distinct id: live after the edits so far */
    idmap seen = {0};
    nt_err rc = NT_ENOMEM;

    live = malloc(n ? n : 1);
    if (!a || !live)
        goto out;
    rc = NT_OK;
    for (size_t i = 0; i < n && rc == NT_OK; i++) {
        model_edit *e = &edits[i];
        nt_str id = e->put ? e->put->id : e->del;
        uint32_t k;
        bool was;

        if (idmap_get(&seen, id, &k)) {
            was = live[k];
        } else {
            ent_entry tmp;
            nt_err g;

            arena_reset(a);
            g = d ? dict_get(d, id, a, &tmp) : NT_ENOTFOUND;
            if (g != NT_OK && g != NT_ENOTFOUND) {
                rc = g;
                break;
            }
            was = g == NT_OK;
            k = (uint32_t)seen.n;
            rc = idmap_put(&seen, id, k);
        }
        e->existed = was;
        e->rc = e->put || was ? NT_OK : NT_ENOTFOUND;
        if (e->rc == NT_OK)
            live[k] = e->put != NULL;
    }
out:
    idmap_fini(&seen);
    free(live);
    arena_free(a);
    return rc;
}

nt_err model_write(model *m, model_edit *edits, size_t n, uint64_t *version, char *err,
                   size_t errlen) {
    model_ref *r = NULL;
    dict_txn *t = NULL;
    uint64_t before = 0, after = 0;
    double t0;
    size_t n_ok = 0;
    nt_err rc;

    *version = 0;
    if (err && errlen)
        err[0] = '\0';
    pthread_mutex_lock(&m->write_mu);
    t0 = now_ms();
    rc = open_dict(m, true, err, errlen);
    if (rc != NT_OK)
        goto out;
    if (m->rdonly) {
        rc = NT_EINVAL;
        snprintf(err, errlen, "the dictionary is read-only for this process");
        goto out;
    }
    if ((rc = dict_version(m->d, &before)) != NT_OK ||
        (rc = probe_edits(m->d, edits, n)) != NT_OK ||
        (rc = dict_write_begin(m->d, &t)) != NT_OK)
        goto out;
    log_msg(LOG_INFO, "model", "write started version=%llu edits=%zu",
            (unsigned long long)before, n);
    for (size_t i = 0; i < n && rc == NT_OK; i++) {
        model_edit *e = &edits[i];

        if (e->rc != NT_OK)
            continue;
        if (e->put) {
            ent_entry x = *e->put;
            x.origin = ENT_ORIGIN_API;
            rc = dict_write_put(t, &x, NULL);
        } else {
            rc = dict_write_del(t, e->del);
            if (rc == NT_ENOTFOUND) { /* another process deleted it meanwhile */
                e->rc = rc;
                rc = NT_OK;
                continue;
            }
        }
        n_ok += rc == NT_OK;
    }
    if (rc != NT_OK)
        goto out;
    if (n_ok == 0) { /* nothing to do: no transaction, no version */
        dict_write_abort(t);
        t = NULL;
        *version = before;
        goto out;
    }
    rc = dict_write_commit(t, &after);
    t = NULL;
    if (rc != NT_OK)
        goto out;
    *version = after;
    pthread_mutex_lock(&m->mu);
    m->info.writes++;
    m->info.last_write_at = time(NULL);
    pthread_mutex_unlock(&m->mu);
    if (after == before) /* every record was already as written */
        goto out;
    /* Committed: from here on nothing fails the request. Make it visible. */
    for (size_t i = 0; i < n; i++) {
        nt_err lr = NT_OK;

        if (edits[i].rc == NT_OK)
            lr = log_set(&m->log, edits[i].put, edits[i].del, after);
        if (lr != NT_OK) {
            log_msg(LOG_ERROR, "model", "edit log: out of memory; visible after rebuild");
            break;
        }
    }
    if (m->base && overlay_ref(m, m->base, after, &r) == NT_OK) {
        publish(m, r, NULL);
        pthread_mutex_lock(&m->mu);
        m->info.overlays++;
        m->info.last_overlay_ms = now_ms() - t0;
        pthread_mutex_unlock(&m->mu);
        log_msg(LOG_INFO, "model", "write committed version=%llu edits=%zu overlay=%zu ms=%.1f",
                (unsigned long long)after, n_ok, m->log.n, now_ms() - t0);
    } else if (m->base) {
        pthread_mutex_lock(&m->mu);
        m->info.overlay_failures++;
        pthread_mutex_unlock(&m->mu);
        log_msg(LOG_ERROR, "model", "write committed version=%llu but the overlay failed: "
                "visible after the background rebuild", (unsigned long long)after);
    }
    mark_dirty(m);
out:
    dict_write_abort(t);
    if (rc != NT_OK) {
        if (err && errlen && !err[0])
            snprintf(err, errlen, "dictionary write failed: %s", nt_strerror(rc));
        pthread_mutex_lock(&m->mu);
        m->info.write_failures++;
        pthread_mutex_unlock(&m->mu);
    }
    pthread_mutex_unlock(&m->write_mu);
    return rc;
}

/* ---- the background rebuilder --------------------------------------------------- */

/* True if the served full build already holds the dictionary's current version. */
static bool up_to_date(model *m) {
    dict *d = model_dict(m);
    uint64_t v = 0;
    bool same;

    if (!d || dict_version(d, &v) != NT_OK)
        return false;
    pthread_mutex_lock(&m->mu);
    same = m->info.loaded && m->info.base_version == v;
    pthread_mutex_unlock(&m->mu);
    return same;
}

static void *rebuild_main(void *arg) {
    model *m = arg;
    char err[200];

    pthread_mutex_lock(&m->rb_mu);
    for (;;) {
        while (!m->rb_stop && !m->rb_dirty)
            pthread_cond_wait(&m->rb_cv, &m->rb_mu);
        if (m->rb_stop)
            break;
        /* debounce: wait for quiet_ms without writes, at most max_ms after the first */
        double t = now_ms(), due = m->rb_last + m->rb_quiet_ms;
        if (due > m->rb_first + m->rb_max_ms)
            due = m->rb_first + m->rb_max_ms;
        if (t < due) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            double w = due - t;
            ts.tv_sec += (time_t)(w / 1000);
            ts.tv_nsec += (long)((w - (double)(long long)(w / 1000) * 1000) * 1e6);
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&m->rb_cv, &m->rb_mu, &ts);
            continue;
        }
        m->rb_dirty = false;
        pthread_mutex_unlock(&m->rb_mu);
        if (up_to_date(m)) { /* a reload since the write already read it */
            pthread_mutex_lock(&m->rb_mu);
            continue;
        }
        if (model_reload(m, err, sizeof(err)) != NT_OK)
            log_msg(LOG_ERROR, "model", "background rebuild failed, keeping the overlay: %s",
                    err);
        pthread_mutex_lock(&m->rb_mu);
    }
    pthread_mutex_unlock(&m->rb_mu);
    return NULL;
}

nt_err model_start_rebuilder(model *m, unsigned quiet_ms, unsigned max_delay_ms) {
    if (m->rb_started)
        return NT_OK;
    m->rb_quiet_ms = quiet_ms;
    m->rb_max_ms = max_delay_ms;
    if (pthread_create(&m->rb_thread, NULL, rebuild_main, m) != 0)
        return NT_ENOMEM;
    m->rb_started = true;
    return NT_OK;
}
