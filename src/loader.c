/* loader.c - assemble a snapshot from the LMDB dictionary (or TSV files) and models/:
 *   models/common-words.txt   common English words: single-word aliases become weak
 *   models/cues/<name>.txt    cue lists for the name rules and the resolver
 *   models/<name>.rules       event rules (rules.h), compiled into the snapshot
 * This is the I/O side of the engine: files and LMDB are read here, nowhere else. */
#include "loader.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

nt_err loader_read_file(const char *path, char **buf, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *b = NULL;
    size_t cap = 0, n = 0;
    nt_err rc = NT_EIO;
    if (!f)
        return NT_EIO;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            size_t nc = cap ? cap * 2 : 131072;
            char *nb = realloc(b, nc);
            if (!nb) {
                rc = NT_ENOMEM;
                goto out;
            }
            b = nb;
            cap = nc;
        }
        size_t k = fread(b + n, 1, 65536, f);
        n += k;
        if (k < 65536) {
            if (ferror(f))
                goto out;
            break;
        }
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    b = NULL;
    rc = NT_OK;
out:
    free(b);
    fclose(f);
    return rc;
}

static uint64_t fnv(uint64_t h, const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

/* Hash of what the compiled matcher depends on besides the entries: the common-word
 * list (it decides which aliases are weak). */
static uint64_t words_hash(const char *dir) {
    char path[4096], *buf = NULL;
    size_t len;
    uint64_t h = 1469598103934665603ULL;
    if (!dir)
        return h;
    snprintf(path, sizeof(path), "%s/common-words.txt", dir);
    if (loader_read_file(path, &buf, &len) == NT_OK)
        h = fnv(h, buf, len);
    free(buf);
    return h;
}

#define CACHE_KEY "gaz"
#define CACHE_MAGIC 0x43475a4eu /* "NZGC" */

struct cache_hdr {
    uint32_t magic, reserved;
    uint64_t version, words;
};

/* The cached matcher, if it was compiled for `version` and these common words. */
static gaz_db *cache_load(dict *d, uint64_t version, uint64_t words) {
    void *blob = NULL;
    size_t len = 0;
    gaz_db *g = NULL;
    struct cache_hdr h;
    if (dict_blob_get(d, CACHE_KEY, &blob, &len) != NT_OK)
        return NULL;
    if (len > sizeof(h)) {
        memcpy(&h, blob, sizeof(h));
        if (h.magic == CACHE_MAGIC && h.version == version && h.words == words &&
            gaz_db_load((char *)blob + sizeof(h), len - sizeof(h), &g) != NT_OK)
            g = NULL;
    }
    free(blob);
    return g;
}

nt_err loader_save_cache(dict *d, const snap *s, const char *models_dir) {
    void *gb = NULL;
    char *blob = NULL;
    size_t glen;
    struct cache_hdr h = {CACHE_MAGIC, 0, snap_version(s), words_hash(models_dir)};
    nt_err rc = gaz_db_save(snap_gaz(s), &gb, &glen);
    if (rc != NT_OK)
        return rc;
    blob = malloc(sizeof(h) + glen);
    if (!blob) {
        free(gb);
        return NT_ENOMEM;
    }
    memcpy(blob, &h, sizeof(h));
    memcpy(blob + sizeof(h), gb, glen);
    free(gb);
    rc = dict_blob_put(d, CACHE_KEY, blob, sizeof(h) + glen);
    free(blob);
    return rc;
}

/* Loads every models/NAME.rules file (in name order) into the builder's event rules and
 * compiles them; errors as file:line:col in err. */
static int rules_file_filter(const struct dirent *de) {
    size_t nl = strlen(de->d_name);
    return nl > 6 && de->d_name[0] != '.' && strcmp(de->d_name + nl - 6, ".rules") == 0;
}

static nt_err load_rules(snap_builder *b, const char *dir, char *err, size_t errlen) {
    struct dirent **names = NULL;
    char path[4096], *buf = NULL;
    size_t len;
    rules_diag d = {0};
    nt_err rc = NT_OK;
    int n = scandir(dir, &names, rules_file_filter, alphasort);
    for (int i = 0; i < n; i++) {
        if (rc == NT_OK) {
            snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
            if ((rc = loader_read_file(path, &buf, &len)) != NT_OK)
                snprintf(err, errlen, "cannot read %s", path);
            else if ((rc = snap_builder_load_rules(b, path, (nt_str){buf, len}, &d)) != NT_OK &&
                     rc == NT_EPARSE)
                snprintf(err, errlen, "%s:%d:%d: %s", d.file, d.line, d.col, d.msg);
            free(buf);
            buf = NULL;
        }
        free(names[i]);
    }
    free(names);
    if (rc == NT_OK && (rc = snap_builder_finish_rules(b, &d)) == NT_EPARSE)
        snprintf(err, errlen, "%s:%d:%d: %s", d.file, d.line, d.col, d.msg);
    return rc;
}

static nt_err load_models(snap_builder *b, const char *dir, char *err, size_t errlen) {
    char path[4096];
    char *buf = NULL;
    size_t len;
    nt_err rc;
    DIR *dp = NULL;
    if (!dir)
        return NT_OK;
    if ((rc = load_rules(b, dir, err, errlen)) != NT_OK)
        return rc;
    snprintf(path, sizeof(path), "%s/common-words.txt", dir);
    if (loader_read_file(path, &buf, &len) == NT_OK) {
        rc = snap_builder_load_words(b, (nt_str){buf, len});
        free(buf);
        buf = NULL;
        if (rc != NT_OK)
            return rc;
    }
    snprintf(path, sizeof(path), "%s/cues", dir);
    if (!(dp = opendir(path)))
        return NT_OK;
    struct dirent *de;
    rc = NT_OK;
    while ((de = readdir(dp)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt") != 0 || nl - 4 >= 32)
            continue;
        char name[32];
        memcpy(name, de->d_name, nl - 4);
        name[nl - 4] = 0;
        snprintf(path, sizeof(path), "%s/cues/%s", dir, de->d_name);
        if ((rc = loader_read_file(path, &buf, &len)) != NT_OK) {
            snprintf(err, errlen, "cannot read %s", path);
            break;
        }
        rc = snap_builder_load_cues(b, name, (nt_str){buf, len});
        free(buf);
        buf = NULL;
        if (rc != NT_OK) {
            snprintf(err, errlen, "cannot load cue list %s: %s", path, nt_strerror(rc));
            break;
        }
    }
    closedir(dp);
    return rc;
}

static nt_err add_entry(void *ctx, const ent_entry *e) {
    return snap_builder_add(ctx, e);
}

static nt_err finish(snap_builder *b, uint64_t version, snap **out, loader_stats *st,
                     double t0, double t1) {
    nt_err rc = snap_builder_finish(b, version, out);
    double t2 = now_ms();
    if (st && rc == NT_OK) {
        st->entities = snap_entity_count(*out);
        st->aliases = gaz_db_aliases(snap_gaz(*out));
        st->skipped_aliases = snap_builder_skipped(b);
        st->ms_entities = t1 - t0;
        st->ms_compile = t2 - t1;
        st->ms_total = t2 - t0;
        st->from_cache = false;
    }
    return rc;
}

static nt_err loader_build_nocache(dict *d, const char *models_dir, snap **out,
                                   loader_stats *st, char *err, size_t errlen) {
    snap_builder *b = NULL;
    uint64_t version = 0;
    double t0 = now_ms();
    nt_err rc = snap_builder_new(&b);
    err[0] = 0;
    if (rc == NT_OK && (rc = load_models(b, models_dir, err, errlen)) == NT_OK &&
        (rc = dict_foreach(d, add_entry, b, &version)) == NT_OK)
        rc = finish(b, version, out, st, t0, now_ms());
    if (rc != NT_OK && !err[0])
        snprintf(err, errlen, "%s", nt_strerror(rc));
    snap_builder_free(b);
    return rc;
}

nt_err loader_build(dict *d, const char *models_dir, snap **out, loader_stats *st,
                    char *err, size_t errlen) {
    snap_builder *b = NULL;
    uint64_t version = 0;
    double t0 = now_ms();
    nt_err rc = snap_builder_new(&b);
    err[0] = 0;
    if (rc != NT_OK)
        goto out;
    if ((rc = load_models(b, models_dir, err, errlen)) != NT_OK)
        goto out;
    uint64_t want = 0, words = words_hash(models_dir);
    bool cached = false;
    if (d && dict_version(d, &want) == NT_OK) {
        gaz_db *g = cache_load(d, want, words);
        if (g && snap_builder_use_gaz(b, g) == NT_OK)
            cached = true;
    }
    if (d && (rc = dict_foreach(d, add_entry, b, &version)) != NT_OK) {
        snprintf(err, errlen, "reading the dictionary failed: %s", nt_strerror(rc));
        goto out;
    }
    if (cached && version != want) {
        /* the dictionary changed between the two reads: compile from the entries */
        snap_builder_free(b);
        b = NULL;
        return loader_build_nocache(d, models_dir, out, st, err, errlen);
    }
    rc = finish(b, version, out, st, t0, now_ms());
    if (st && rc == NT_OK)
        st->from_cache = cached;
out:
    if (rc != NT_OK && !err[0])
        snprintf(err, errlen, "%s", nt_strerror(rc));
    snap_builder_free(b);
    return rc;
}

nt_err loader_build_tsv(const char *const *files, size_t n_files, const char *models_dir,
                        snap **out, loader_stats *st, char *err, size_t errlen) {
    snap_builder *b = NULL;
    arena *a = arena_new(0);
    char *buf = NULL;
    double t0 = now_ms();
    nt_err rc = a ? snap_builder_new(&b) : NT_ENOMEM;
    err[0] = 0;
    if (rc != NT_OK)
        goto out;
    if ((rc = load_models(b, models_dir, err, errlen)) != NT_OK)
        goto out;
    for (size_t f = 0; f < n_files; f++) {
        size_t len;
        if ((rc = loader_read_file(files[f], &buf, &len)) != NT_OK) {
            snprintf(err, errlen, "%s: cannot read: %s", files[f], strerror(errno));
            goto out;
        }
        size_t i = 0, line = 0;
        bool header = false;
        while (i < len) {
            size_t j = i;
            while (j < len && buf[j] != '\n')
                j++;
            line++;
            nt_str l = {buf + i, j - i};
            i = j + 1;
            if (l.n == 0 || l.p[0] == '#' || (l.n == 1 && l.p[0] == '\r'))
                continue;
            if (!header) {
                header = true;
                continue;
            }
            ent_entry e;
            ent_diag dg = {0};
            arena_reset(a);
            rc = ent_parse_tsv(l, a, &e, &dg);
            if (rc == NT_OK)
                rc = ent_validate(&e, &dg);
            if (rc != NT_OK) {
                snprintf(err, errlen, "%s:%zu:%d: %s", files[f], line, dg.col, dg.msg);
                goto out;
            }
            if ((rc = snap_builder_add(b, &e)) != NT_OK)
                goto out;
        }
        free(buf);
        buf = NULL;
    }
    rc = finish(b, 0, out, st, t0, now_ms());
out:
    if (rc != NT_OK && !err[0])
        snprintf(err, errlen, "%s", nt_strerror(rc));
    free(buf);
    arena_free(a);
    snap_builder_free(b);
    return rc;
}
