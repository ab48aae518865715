/* test_dict.c - the LMDB dictionary in a temporary directory: versioning per write
 * transaction, idempotent re-import, API entries and tombstones beating imports, prune,
 * abort, get and paginated search. */
#include "dict.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[64];

static dict *open_tmp(void) {
    char err[256];
    dict *d = NULL;
    snprintf(dir, sizeof(dir), "/tmp/nt_test_dict.XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    if (dict_open(dir, DICT_CREATE, &d, err, sizeof(err)) != NT_OK) {
        fprintf(stderr, "  dict_open: %s\n", err);
        return NULL;
    }
    return d;
}

static void close_tmp(dict *d) {
    char p[128];
    dict_close(d);
    snprintf(p, sizeof(p), "%s/data.mdb", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/lock.mdb", dir);
    unlink(p);
    rmdir(dir);
}

static ent_alias one_alias[1];

static ent_entry mk(const char *id, nt_type type, const char *name, uint8_t origin) {
    ent_entry e = {.id = nt_str_c(id), .type = type, .name = nt_str_c(name),
                   .origin = origin, .aliases = one_alias, .n_aliases = 1};
    one_alias[0] = (ent_alias){nt_str_c(name), NT_CASE_TITLE};
    return e;
}

/* Puts n import entries loc/p000..; returns the new version or 0 on error. */
static uint64_t import_n(dict *d, size_t n, int *skipped_total) {
    dict_txn *t = NULL;
    uint64_t v = 0;
    *skipped_total = 0;
    if (dict_write_begin(d, &t) != NT_OK)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char id[32], name[32];
        int sk = 0;
        snprintf(id, sizeof(id), "loc/p%03zu", i);
        snprintf(name, sizeof(name), "Place %zu", i);
        ent_entry e = mk(id, NT_TYPE_LOC, name, ENT_ORIGIN_IMPORT);
        if (dict_write_put(t, &e, &sk) != NT_OK) {
            dict_write_abort(t);
            return 0;
        }
        *skipped_total += sk;
    }
    return dict_write_commit(t, &v) == NT_OK ? v : 0;
}

static int t_versions(void) {
    dict *d = open_tmp();
    T_TRUE(d);
    uint64_t v = 99;
    size_t n = 0;
    int sk;
    T_OK(dict_version(d, &v));
    T_EQ_INT(v, 0);
    T_EQ_INT(import_n(d, 5, &sk), 1); /* five puts, one version */
    T_OK(dict_count(d, &n));
    T_EQ_INT(n, 5);
    T_EQ_INT(import_n(d, 5, &sk), 1); /* identical re-import: unchanged */
    T_OK(dict_version(d, &v));
    T_EQ_INT(v, 1);
    /* abort leaves the previous version */
    dict_txn *t = NULL;
    T_OK(dict_write_begin(d, &t));
    ent_entry e = mk("loc/new", NT_TYPE_LOC, "New", ENT_ORIGIN_IMPORT);
    T_OK(dict_write_put(t, &e, NULL));
    dict_write_abort(t);
    T_OK(dict_version(d, &v));
    T_EQ_INT(v, 1);
    arena *a = arena_new(0);
    ent_entry got;
    T_EQ_INT(dict_get(d, nt_str_c("loc/new"), a, &got), NT_ENOTFOUND);
    T_OK(dict_get(d, nt_str_c("loc/p003"), a, &got));
    T_EQ_NSTR(got.name, "Place 3");
    arena_free(a);
    close_tmp(d);
    return 0;
}

static int t_api_wins(void) {
    dict *d = open_tmp();
    int sk = 0;
    T_EQ_INT(import_n(d, 3, &sk), 1);
    dict_txn *t = NULL;
    T_OK(dict_write_begin(d, &t));
    ent_entry api = mk("loc/p001", NT_TYPE_LOC, "Edited", ENT_ORIGIN_API);
    T_OK(dict_write_put(t, &api, &sk));
    T_EQ_INT(sk, 0);
    T_OK(dict_write_del(t, nt_str_c("loc/p002")));
    T_EQ_INT(dict_write_del(t, nt_str_c("loc/none")), NT_ENOTFOUND);
    uint64_t v;
    T_OK(dict_write_commit(t, &v));
    T_EQ_INT(v, 2);
    size_t n;
    T_OK(dict_count(d, &n));
    T_EQ_INT(n, 2);
    /* re-import: the API entry and the tombstone win */
    T_EQ_INT(import_n(d, 3, &sk), 2);
    T_EQ_INT(sk, 2);
    arena *a = arena_new(0);
    ent_entry got;
    T_OK(dict_get(d, nt_str_c("loc/p001"), a, &got));
    T_EQ_NSTR(got.name, "Edited");
    T_EQ_INT(got.origin, ENT_ORIGIN_API);
    T_EQ_INT(dict_get(d, nt_str_c("loc/p002"), a, &got), NT_ENOTFOUND);
    T_OK(dict_count(d, &n));
    T_EQ_INT(n, 2);
    arena_free(a);
    close_tmp(d);
    return 0;
}

static bool seen_even(void *ctx, nt_str id) {
    (void)ctx;
    return (id.p[id.n - 1] - '0') % 2 == 0;
}

static int t_prune(void) {
    dict *d = open_tmp();
    int sk;
    T_EQ_INT(import_n(d, 6, &sk), 1);
    dict_txn *t = NULL;
    T_OK(dict_write_begin(d, &t));
    ent_entry api = mk("loc/p005", NT_TYPE_LOC, "Kept", ENT_ORIGIN_API);
    T_OK(dict_write_put(t, &api, NULL));
    size_t pruned = 0;
    T_OK(dict_write_prune(t, seen_even, NULL, &pruned));
    T_EQ_INT(pruned, 2); /* p001 p003; p005 is an API entry */
    T_OK(dict_write_commit(t, NULL));
    size_t n;
    T_OK(dict_count(d, &n));
    T_EQ_INT(n, 4);
    arena *a = arena_new(0);
    ent_entry got;
    T_EQ_INT(dict_get(d, nt_str_c("loc/p001"), a, &got), NT_ENOTFOUND);
    T_OK(dict_get(d, nt_str_c("loc/p005"), a, &got));
    T_OK(dict_get(d, nt_str_c("loc/p004"), a, &got));
    arena_free(a);
    close_tmp(d);
    return 0;
}

static int t_search(void) {
    dict *d = open_tmp();
    int sk;
    T_EQ_INT(import_n(d, 25, &sk), 1);
    dict_txn *t = NULL;
    T_OK(dict_write_begin(d, &t));
    ent_entry p = mk("person/jo", NT_TYPE_PERSON, "Jo Smith", ENT_ORIGIN_IMPORT);
    T_OK(dict_write_put(t, &p, NULL));
    T_OK(dict_write_commit(t, NULL));
    arena *a = arena_new(0);
    ent_entry *out;
    size_t n;
    nt_str next;
    T_OK(dict_search(d, nt_str_c("person/"), -1, (nt_str){"", 0}, 10, a, &out, &n, &next));
    T_EQ_INT(n, 1);
    T_EQ_NSTR(out[0].id, "person/jo");
    T_OK(dict_search(d, (nt_str){"", 0}, NT_TYPE_PERSON, (nt_str){"", 0}, 10, a, &out, &n, &next));
    T_EQ_INT(n, 1);
    T_OK(dict_search(d, nt_str_c("loc/p01"), -1, (nt_str){"", 0}, 100, a, &out, &n, &next));
    T_EQ_INT(n, 10);
    /* pagination over all 26 entries, 7 at a time: each exactly once, in id order */
    int count[26] = {0};
    size_t total = 0, pages = 0;
    nt_str cursor = {"", 0};
    char prev[64] = "";
    do {
        T_OK(dict_search(d, (nt_str){"", 0}, -1, cursor, 7, a, &out, &n, &next));
        T_TRUE(n <= 7);
        for (size_t i = 0; i < n; i++) {
            char id[64];
            snprintf(id, sizeof(id), "%.*s", (int)out[i].id.n, out[i].id.p);
            T_TRUE(strcmp(prev, id) < 0);
            snprintf(prev, sizeof(prev), "%s", id);
            int k = strncmp(id, "loc/p", 5) == 0 ? atoi(id + 5) : 25;
            T_TRUE(k >= 0 && k < 26);
            count[k]++;
            total++;
        }
        cursor = next;
        T_TRUE(++pages < 20);
    } while (cursor.n);
    T_EQ_INT(total, 26);
    for (int k = 0; k < 26; k++)
        T_EQ_INT(count[k], 1);
    arena_free(a);
    close_tmp(d);
    return 0;
}

static const struct t_case cases[] = {
    {"versions_idempotent_abort", t_versions},
    {"api_and_tombstone_beat_import", t_api_wins},
    {"prune", t_prune},
    {"search_and_pagination", t_search},
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_dict");
}
