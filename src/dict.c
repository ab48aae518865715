/* dict.c - the dictionary in LMDB (dict.h): the only file that includes <lmdb.h>. All
 * MDB_* codes are translated here. Writes are single transactions that bump the version,
 * so a crash or kill mid-write leaves the previous version whole. Read transactions are
 * short: they begin and end inside each call. */
#include "dict.h"

#include "normalize.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct dict {
    MDB_env *env;
    MDB_dbi ents, meta, blobs;
    bool rdonly;
};

struct dict_txn {
    dict *d;
    MDB_txn *txn;
    size_t changes;
};

static nt_err from_mdb(int rc) {
    switch (rc) {
        case MDB_SUCCESS: return NT_OK;
        case MDB_NOTFOUND: return NT_ENOTFOUND;
        case MDB_MAP_FULL: case MDB_TXN_FULL: case MDB_READERS_FULL: return NT_EBUSY;
        case MDB_CORRUPTED: case MDB_INVALID: case MDB_VERSION_MISMATCH: return NT_ECORRUPT;
        case ENOMEM: return NT_ENOMEM;
        default: return NT_EIO;
    }
}

nt_err dict_open(const char *path, int flags, dict **out, char *errbuf, size_t errlen) {
    dict *d = calloc(1, sizeof(*d));
    MDB_txn *txn = NULL;
    int rc;
    nt_err e = NT_ENOMEM;
    if (!d)
        goto out;
    d->rdonly = (flags & DICT_RDONLY) != 0;
    if (flags & DICT_CREATE)
        mkdir(path, 0755); /* EEXIST is fine; other failures surface in mdb_env_open */
    if ((rc = mdb_env_create(&d->env)) != MDB_SUCCESS ||
        (rc = mdb_env_set_maxdbs(d->env, 8)) != MDB_SUCCESS ||
        (rc = mdb_env_set_mapsize(d->env, (size_t)4 << 30)) != MDB_SUCCESS ||
        (rc = mdb_env_set_maxreaders(d->env, 512)) != MDB_SUCCESS ||
        (rc = mdb_env_open(d->env, path, (d->rdonly ? MDB_RDONLY : 0) | MDB_NOTLS, 0644)) !=
            MDB_SUCCESS) {
        snprintf(errbuf, errlen, "cannot open dictionary %s: %s", path, mdb_strerror(rc));
        e = rc == ENOENT ? NT_ENOTFOUND : from_mdb(rc);
        goto out;
    }
    if ((rc = mdb_txn_begin(d->env, NULL, d->rdonly ? MDB_RDONLY : 0, &txn)) != MDB_SUCCESS)
        goto fail;
    unsigned dbf = d->rdonly ? 0 : MDB_CREATE;
    if ((rc = mdb_dbi_open(txn, "entities", dbf, &d->ents)) != MDB_SUCCESS ||
        (rc = mdb_dbi_open(txn, "meta", dbf, &d->meta)) != MDB_SUCCESS)
        goto fail;
    rc = mdb_dbi_open(txn, "blobs", dbf, &d->blobs);
    if (rc == MDB_NOTFOUND && d->rdonly)
        d->blobs = 0; /* a dictionary from before the cache existed: no cache */
    else if (rc != MDB_SUCCESS)
        goto fail;
    if ((rc = mdb_txn_commit(txn)) != MDB_SUCCESS) {
        txn = NULL;
        goto fail;
    }
    *out = d;
    return NT_OK;
fail:
    snprintf(errbuf, errlen, "cannot open dictionary %s: %s", path,
             rc == MDB_NOTFOUND ? "not a newstag dictionary (run newstag import)" : mdb_strerror(rc));
    e = from_mdb(rc);
    if (rc == MDB_NOTFOUND)
        e = NT_ENOTFOUND;
out:
    if (txn)
        mdb_txn_abort(txn);
    dict_close(d);
    return e;
}

void dict_close(dict *d) {
    if (!d)
        return;
    if (d->env)
        mdb_env_close(d->env);
    free(d);
}

static nt_err get_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *v) {
    MDB_val k = {strlen(key), (void *)key}, val;
    int rc = mdb_get(txn, dbi, &k, &val);
    *v = 0;
    if (rc == MDB_NOTFOUND)
        return NT_OK;
    if (rc != MDB_SUCCESS)
        return from_mdb(rc);
    if (val.mv_size != 8)
        return NT_ECORRUPT;
    const unsigned char *p = val.mv_data;
    for (int i = 7; i >= 0; i--)
        *v = (*v << 8) | p[i];
    return NT_OK;
}

static nt_err put_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    MDB_val k = {strlen(key), (void *)key}, val = {8, b};
    return from_mdb(mdb_put(txn, dbi, &k, &val, 0));
}

nt_err dict_version(dict *d, uint64_t *version) {
    MDB_txn *txn;
    int rc = mdb_txn_begin(d->env, NULL, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS)
        return from_mdb(rc);
    nt_err e = get_u64(txn, d->meta, "version", version);
    mdb_txn_abort(txn);
    return e;
}

nt_err dict_count(dict *d, size_t *n) {
    MDB_txn *txn;
    int rc = mdb_txn_begin(d->env, NULL, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS)
        return from_mdb(rc);
    uint64_t v;
    nt_err e = get_u64(txn, d->meta, "live", &v);
    *n = (size_t)v;
    mdb_txn_abort(txn);
    return e;
}

nt_err dict_foreach(dict *d, dict_visit_fn fn, void *ctx, uint64_t *version) {
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    arena *a = arena_new(0);
    nt_err e = NT_ENOMEM;
    int rc;
    if (!a)
        goto out;
    if ((rc = mdb_txn_begin(d->env, NULL, MDB_RDONLY, &txn)) != MDB_SUCCESS ||
        (rc = mdb_cursor_open(txn, d->ents, &cur)) != MDB_SUCCESS) {
        e = from_mdb(rc);
        goto out;
    }
    if (version && (e = get_u64(txn, d->meta, "version", version)) != NT_OK)
        goto out;
    e = NT_OK;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        ent_entry en;
        arena_reset(a);
        if ((e = ent_decode((nt_str){v.mv_data, v.mv_size}, a, &en)) != NT_OK)
            goto out;
        if (en.origin == ENT_ORIGIN_DELETED)
            continue;
        if ((e = fn(ctx, &en)) != NT_OK)
            goto out;
    }
    if (rc != MDB_NOTFOUND)
        e = from_mdb(rc);
out:
    if (cur)
        mdb_cursor_close(cur);
    if (txn)
        mdb_txn_abort(txn);
    arena_free(a);
    return e;
}

nt_err dict_get(dict *d, nt_str id, arena *a, ent_entry *out) {
    MDB_txn *txn;
    MDB_val k = {id.n, (void *)id.p}, v;
    int rc = mdb_txn_begin(d->env, NULL, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS)
        return from_mdb(rc);
    nt_err e;
    rc = mdb_get(txn, d->ents, &k, &v);
    if (rc != MDB_SUCCESS) {
        e = from_mdb(rc);
        goto out;
    }
    /* copy: values are only valid inside the transaction */
    char *copy = arena_alloc(a, v.mv_size);
    if (!copy) {
        e = NT_ENOMEM;
        goto out;
    }
    memcpy(copy, v.mv_data, v.mv_size);
    e = ent_decode((nt_str){copy, v.mv_size}, a, out);
    if (e == NT_OK && out->origin == ENT_ORIGIN_DELETED)
        e = NT_ENOTFOUND;
out:
    mdb_txn_abort(txn);
    return e;
}

static bool name_has_prefix(const ent_entry *e, nt_str folded_prefix, arena *a) {
    nt_str f;
    if (norm_fold(e->name.p, e->name.n, a, &f) != NT_OK)
        return false;
    return f.n >= folded_prefix.n && memcmp(f.p, folded_prefix.p, folded_prefix.n) == 0;
}

nt_err dict_search(dict *d, nt_str prefix, int type, nt_str cursor, size_t limit, arena *a,
                   ent_entry **out, size_t *n_out, nt_str *next) {
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    nt_str fp = {"", 0};
    nt_err e = NT_ENOMEM;
    int rc;
    size_t n = 0;
    *n_out = 0;
    *next = (nt_str){"", 0};
    ent_entry *res = arena_calloc(a, limit ? limit : 1, sizeof(ent_entry));
    if (!res || norm_fold(prefix.p, prefix.n, a, &fp) != NT_OK)
        goto out;
    if ((rc = mdb_txn_begin(d->env, NULL, MDB_RDONLY, &txn)) != MDB_SUCCESS ||
        (rc = mdb_cursor_open(txn, d->ents, &cur)) != MDB_SUCCESS) {
        e = from_mdb(rc);
        goto out;
    }
    k = (MDB_val){cursor.n, (void *)cursor.p};
    rc = cursor.n ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)
                  : mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    if (rc == MDB_SUCCESS && cursor.n && k.mv_size == cursor.n &&
        memcmp(k.mv_data, cursor.p, cursor.n) == 0)
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    e = NT_OK;
    size_t scanned = 0;
    for (; rc == MDB_SUCCESS; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (n == limit) {
            char *c = arena_strndup(a, res[n - 1].id.p, res[n - 1].id.n);
            if (!c) {
                e = NT_ENOMEM;
                goto out;
            }
            *next = (nt_str){c, res[n - 1].id.n};
            break;
        }
        if (++scanned > 2000000)
            break; /* bounded: a full scan of the largest dictionary */
        char *copy = arena_alloc(a, v.mv_size);
        if (!copy) {
            e = NT_ENOMEM;
            goto out;
        }
        memcpy(copy, v.mv_data, v.mv_size);
        ent_entry en;
        if ((e = ent_decode((nt_str){copy, v.mv_size}, a, &en)) != NT_OK)
            goto out;
        if (en.origin == ENT_ORIGIN_DELETED || (type >= 0 && (int)en.type != type))
            continue;
        if (prefix.n && !(en.id.n >= prefix.n && memcmp(en.id.p, prefix.p, prefix.n) == 0) &&
            !name_has_prefix(&en, fp, a))
            continue;
        res[n++] = en;
    }
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
        e = from_mdb(rc);
    *out = res;
    *n_out = n;
out:
    if (cur)
        mdb_cursor_close(cur);
    if (txn)
        mdb_txn_abort(txn);
    return e;
}

nt_err dict_write_begin(dict *d, dict_txn **out) {
    if (d->rdonly)
        return NT_EINVAL;
    dict_txn *t = calloc(1, sizeof(*t));
    if (!t)
        return NT_ENOMEM;
    int rc = mdb_txn_begin(d->env, NULL, 0, &t->txn);
    if (rc != MDB_SUCCESS) {
        free(t);
        return from_mdb(rc);
    }
    t->d = d;
    *out = t;
    return NT_OK;
}

/* Origin of the stored record for `id`, or -1 when absent. */
static int stored_origin(dict_txn *t, nt_str id) {
    MDB_val k = {id.n, (void *)id.p}, v;
    if (mdb_get(t->txn, t->d->ents, &k, &v) != MDB_SUCCESS || v.mv_size < 2)
        return -1;
    return ((const unsigned char *)v.mv_data)[1];
}

static nt_err adjust_live(dict_txn *t, int delta) {
    uint64_t live;
    nt_err e = get_u64(t->txn, t->d->meta, "live", &live);
    if (e != NT_OK)
        return e;
    if (delta < 0 && live == 0)
        return NT_OK;
    return put_u64(t->txn, t->d->meta, "live", live + (uint64_t)(int64_t)delta);
}

nt_err dict_write_put(dict_txn *t, const ent_entry *e, int *skipped) {
    arena *a = NULL;
    nt_str rec;
    nt_err rc;
    int old = stored_origin(t, e->id);
    if (skipped)
        *skipped = 0;
    if (e->origin == ENT_ORIGIN_IMPORT && (old == ENT_ORIGIN_API || old == ENT_ORIGIN_DELETED)) {
        if (skipped)
            *skipped = 1;
        return NT_OK;
    }
    if (!(a = arena_new(0)))
        return NT_ENOMEM;
    if ((rc = ent_encode(e, a, &rec)) != NT_OK)
        goto out;
    MDB_val k = {e->id.n, (void *)e->id.p}, v = {rec.n, (void *)rec.p};
    MDB_val cur;
    /* unchanged records are not rewritten, so a re-import changes nothing */
    if (mdb_get(t->txn, t->d->ents, &k, &cur) == MDB_SUCCESS && cur.mv_size == rec.n &&
        memcmp(cur.mv_data, rec.p, rec.n) == 0) {
        rc = NT_OK;
        goto out;
    }
    if ((rc = from_mdb(mdb_put(t->txn, t->d->ents, &k, &v, 0))) != NT_OK)
        goto out;
    t->changes++;
    if (old < 0 || old == ENT_ORIGIN_DELETED)
        rc = adjust_live(t, +1);
out:
    arena_free(a);
    return rc;
}

nt_err dict_write_del(dict_txn *t, nt_str id) {
    int old = stored_origin(t, id);
    if (old < 0 || old == ENT_ORIGIN_DELETED)
        return NT_ENOTFOUND;
    /* tombstone: type MISC, origin DELETED, no aliases */
    ent_entry tomb = {.id = id, .type = NT_TYPE_MISC, .name = id, .origin = ENT_ORIGIN_DELETED};
    arena *a = arena_new(0);
    nt_str rec;
    nt_err rc = NT_ENOMEM;
    if (!a || (rc = ent_encode(&tomb, a, &rec)) != NT_OK)
        goto out;
    MDB_val k = {id.n, (void *)id.p}, v = {rec.n, (void *)rec.p};
    if ((rc = from_mdb(mdb_put(t->txn, t->d->ents, &k, &v, 0))) != NT_OK)
        goto out;
    t->changes++;
    rc = adjust_live(t, -1);
out:
    arena_free(a);
    return rc;
}

nt_err dict_write_prune(dict_txn *t, bool (*seen)(void *ctx, nt_str id), void *ctx,
                        size_t *pruned) {
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    nt_err e = NT_OK;
    int rc = mdb_cursor_open(t->txn, t->d->ents, &cur);
    *pruned = 0;
    if (rc != MDB_SUCCESS)
        return from_mdb(rc);
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;) {
        const unsigned char *p = v.mv_data;
        if (v.mv_size >= 2 && p[1] == ENT_ORIGIN_IMPORT &&
            !seen(ctx, (nt_str){k.mv_data, k.mv_size})) {
            if ((rc = mdb_cursor_del(cur, 0)) != MDB_SUCCESS)
                break;
            (*pruned)++;
            t->changes++;
            if ((e = adjust_live(t, -1)) != NT_OK)
                break;
            rc = mdb_cursor_get(cur, &k, &v, MDB_GET_CURRENT);
            if (rc == MDB_NOTFOUND || rc == EINVAL)
                break;
            continue;
        }
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    if (e == NT_OK && rc != MDB_SUCCESS && rc != MDB_NOTFOUND && rc != EINVAL)
        e = from_mdb(rc);
    mdb_cursor_close(cur);
    return e;
}

nt_err dict_write_set_meta(dict_txn *t, const char *key, nt_str value) {
    MDB_val k = {strlen(key), (void *)key}, v = {value.n, (void *)value.p}, cur;
    if (mdb_get(t->txn, t->d->meta, &k, &cur) == MDB_SUCCESS && cur.mv_size == value.n &&
        (value.n == 0 || memcmp(cur.mv_data, value.p, value.n) == 0))
        return NT_OK; /* unchanged: not a new version */
    t->changes++;
    return from_mdb(mdb_put(t->txn, t->d->meta, &k, &v, 0));
}

nt_err dict_meta_get(dict *d, const char *key, arena *a, nt_str *out) {
    MDB_txn *txn;
    MDB_val k = {strlen(key), (void *)key}, v;
    int rc = mdb_txn_begin(d->env, NULL, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS)
        return from_mdb(rc);
    nt_err e = from_mdb(mdb_get(txn, d->meta, &k, &v));
    if (e == NT_OK) {
        char *c = arena_strndup(a, v.mv_data, v.mv_size);
        if (!c)
            e = NT_ENOMEM;
        else
            *out = (nt_str){c, v.mv_size};
    }
    mdb_txn_abort(txn);
    return e;
}

nt_err dict_write_commit(dict_txn *t, uint64_t *version) {
    uint64_t v = 0;
    nt_err e = get_u64(t->txn, t->d->meta, "version", &v);
    if (e == NT_OK && t->changes) {
        v++;
        e = put_u64(t->txn, t->d->meta, "version", v);
    }
    if (e != NT_OK) {
        dict_write_abort(t);
        return e;
    }
    int rc = mdb_txn_commit(t->txn);
    free(t);
    if (rc == MDB_SUCCESS && version)
        *version = v;
    return from_mdb(rc);
}

void dict_write_abort(dict_txn *t) {
    if (!t)
        return;
    mdb_txn_abort(t->txn);
    free(t);
}

nt_err dict_blob_put(dict *d, const char *key, const void *data, size_t len) {
    MDB_txn *txn;
    MDB_val k = {strlen(key), (void *)key}, v = {len, (void *)data};
    if (d->rdonly || !d->blobs)
        return NT_EINVAL;
    int rc = mdb_txn_begin(d->env, NULL, 0, &txn);
    if (rc != MDB_SUCCESS)
        return from_mdb(rc);
    if ((rc = mdb_put(txn, d->blobs, &k, &v, 0)) != MDB_SUCCESS) {
        mdb_txn_abort(txn);
        return from_mdb(rc);
    }
    return from_mdb(mdb_txn_commit(txn));
}

nt_err dict_blob_get(dict *d, const char *key, void **data, size_t *len) {
    MDB_txn *txn;
    MDB_val k = {strlen(key), (void *)key}, v;
    if (!d->blobs)
        return NT_ENOTFOUND;
    int rc = mdb_txn_begin(d->env, NULL, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS)
        return from_mdb(rc);
    nt_err e = from_mdb(mdb_get(txn, d->blobs, &k, &v));
    if (e == NT_OK) {
        void *p = malloc(v.mv_size ? v.mv_size : 1);
        if (!p) {
            e = NT_ENOMEM;
        } else {
            memcpy(p, v.mv_data, v.mv_size);
            *data = p;
            *len = v.mv_size;
        }
    }
    mdb_txn_abort(txn);
    return e;
}
