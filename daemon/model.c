/* model.c - publish, acquire and replace the served snapshot. Each published snapshot
 * sits in a model_ref with a C11 atomic refcount: the model itself holds one reference,
 * each request one more. A swap replaces the pointer and drops the model's reference, so
 * the old snapshot dies with its last request. Builds run outside every lock. */
#include "model.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

struct model_ref {
    atomic_uint refs;
    snap *s;
};

struct model {
    /* `mu` guards `cur` and `info`. acquire holds it only for one load and one atomic
     * increment: without it a swap could free the snapshot between a reader's load of
     * `cur` and its increment (the classic refcount race), and hazard pointers would be
     * a lot of code to save a few uncontended nanoseconds per request. */
    pthread_mutex_t mu;
    model_ref *cur;
    model_info info;
    pthread_mutex_t reload_mu; /* one build at a time; held during the build */
    atomic_bool reloading;     /* a background reload thread is running */
    bool thread_started;       /* `thread` must be joined */
    pthread_t thread;
    dict *d; /* NULL: no dictionary (yet) */
    char *db_path, *models_dir;
};

static double now_ms(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

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

/* Opens the dictionary if it exists and is not open yet. Caller holds reload_mu (or is
 * model_new, before any other thread can see m). */
static nt_err open_dict(model *m, char *err, size_t errlen) {
    nt_err rc;

    if (m->d || !dict_exists(m->db_path))
        return NT_OK;
    rc = dict_open(m->db_path, DICT_RDONLY, &m->d, err, errlen);
    if (rc != NT_OK)
        return rc;
    pthread_mutex_lock(&m->mu);
    m->info.dict_open = true;
    pthread_mutex_unlock(&m->mu);
    log_msg(LOG_INFO, "model", "dictionary opened path=%s", m->db_path);
    return NT_OK;
}

nt_err model_new(const char *db_path, const char *models_dir, model **out, char *err,
                 size_t errlen) {
    model *m = NULL;
    nt_err rc = NT_ENOMEM;

    *out = NULL;
    m = calloc(1, sizeof(*m));
    if (!m)
        goto out;
    pthread_mutex_init(&m->mu, NULL);
    pthread_mutex_init(&m->reload_mu, NULL);
    atomic_init(&m->reloading, false);
    m->db_path = strdup(db_path);
    m->models_dir = strdup(models_dir);
    if (!m->db_path || !m->models_dir)
        goto out;
    rc = open_dict(m, err, errlen);
    if (rc != NT_OK)
        goto out;
    if (!m->d)
        log_msg(LOG_WARN, "model",
                "no dictionary at %s: serving an empty dictionary (run newstag import)",
                db_path);
    *out = m;
    m = NULL;
out:
    if (rc == NT_ENOMEM && err && errlen)
        snprintf(err, errlen, "out of memory");
    model_free(m);
    return rc;
}

static void ref_drop(model_ref *r) {
    if (r && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1) {
        snap_free(r->s);
        free(r);
    }
}

void model_free(model *m) {
    if (!m)
        return;
    if (m->thread_started)
        pthread_join(m->thread, NULL);
    ref_drop(m->cur);
    dict_close(m->d);
    pthread_mutex_destroy(&m->mu);
    pthread_mutex_destroy(&m->reload_mu);
    free(m->db_path);
    free(m->models_dir);
    free(m);
}

nt_err model_swap(model *m, snap *s, const loader_stats *st) {
    model_ref *r = NULL, *old;

    r = malloc(sizeof(*r));
    if (!r) {
        snap_free(s);
        return NT_ENOMEM;
    }
    atomic_init(&r->refs, 1); /* the model's own reference */
    r->s = s;
    pthread_mutex_lock(&m->mu);
    old = m->cur;
    m->cur = r;
    m->info.loaded = true;
    if (st)
        m->info.last = *st;
    pthread_mutex_unlock(&m->mu);
    ref_drop(old); /* freed now, or by the last request still using it */
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

void model_release(model_ref *r) { ref_drop(r); }

const snap *model_ref_snap(const model_ref *r) { return r->s; }

void model_get_info(model *m, model_info *out) {
    pthread_mutex_lock(&m->mu);
    *out = m->info;
    pthread_mutex_unlock(&m->mu);
    out->reloading = atomic_load(&m->reloading);
}

nt_err model_reload(model *m, char *err, size_t errlen) {
    char msg[200] = "";
    loader_stats st;
    snap *s = NULL;
    double t0, ms;
    nt_err rc;

    memset(&st, 0, sizeof(st));
    pthread_mutex_lock(&m->reload_mu);
    t0 = now_ms();
    rc = open_dict(m, msg, sizeof(msg));
    if (rc != NT_OK)
        goto out;
    rc = loader_build(m->d, m->models_dir[0] ? m->models_dir : NULL, &s, &st, msg,
                      sizeof(msg));
    if (rc != NT_OK)
        goto out;
    ms = now_ms() - t0;
    log_msg(LOG_INFO, "model",
            "snapshot built version=%llu entities=%zu aliases=%zu skipped_aliases=%zu "
            "from_cache=%d ms=%.1f",
            (unsigned long long)snap_version(s), st.entities, st.aliases,
            st.skipped_aliases, (int)st.from_cache, ms);
    rc = model_swap(m, s, &st); /* takes s */
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
