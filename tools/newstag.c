/* newstag.c - the command line (SPEC.md §4): import, export, tag, check, stats. Drives the
 * same engine as the daemon, so `newstag tag` gives the API's JSON for pipes and batch
 * jobs. Exit codes: 0 ok, 1 failure (bad data, I/O), 2 usage. */
#include "dict.h"
#include "html.h"
#include "json_io.h"
#include "loader.h"
#include "rules.h"
#include "log.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_DB "data/newstag.mdb"
#define DEFAULT_MODELS "models"

static const char usage[] =
    "usage: newstag <command> [options]\n"
    "  import [--db DIR] [--if-changed] FILE.tsv...   build/refresh the LMDB dictionary\n"
    "  export [--db DIR] [--type TYPE] [--ndjson]     entries as TSV (default) or NDJSON\n"
    "  tag [--db DIR | --tsv FILE.tsv...] [--models DIR] [--ndjson] [--html] [--offsets char|utf16|byte] [FILE...]\n"
    "                                                 tag files or stdin; JSON out, one line each\n"
    "  check FILE...                                  validate gazetteer .tsv and event .rules files (file:line:col)\n"
    "  stats [--db DIR] [--models DIR]                dictionary version, counts, build time\n"
    "  --help, --version\n";

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- reading TSV files: one callback per valid entry ---- */

typedef nt_err (*entry_fn)(void *ctx, const ent_entry *e);

static int each_tsv(const char *path, entry_fn fn, void *ctx, size_t *count, uint64_t *hash) {
    char *buf = NULL;
    size_t len, line = 0, i = 0;
    int errors = 0;
    bool header = false;
    arena *a = arena_new(0);
    if (!a || loader_read_file(path, &buf, &len) != NT_OK) {
        fprintf(stderr, "%s: cannot read\n", path);
        arena_free(a);
        return 1;
    }
    for (size_t k = 0; hash && k < len; k++)
        *hash = (*hash ^ (unsigned char)buf[k]) * 1099511628211ULL;
    size_t bad;
    if (utf8_validate(buf, len, &bad) != NT_OK) {
        fprintf(stderr, "%s: invalid UTF-8 at byte %zu\n", path, bad);
        errors++;
        goto out;
    }
    while (i < len) {
        size_t j = i;
        while (j < len && buf[j] != '\n')
            j++;
        line++;
        nt_str l = {buf + i, j - i};
        i = j + 1;
        if (l.n && l.p[l.n - 1] == '\r')
            l.n--;
        if (l.n == 0 || l.p[0] == '#')
            continue;
        if (!header) {
            header = true;
            if (!nt_str_eq_c(l, ENT_TSV_HEADER)) {
                fprintf(stderr, "%s:%zu:1: the header must be: id type subtype name aliases attributes (tab-separated)\n", path, line);
                errors++;
                goto out;
            }
            continue;
        }
        ent_entry e;
        ent_diag d = {0};
        arena_reset(a);
        nt_err rc = ent_parse_tsv(l, a, &e, &d);
        if (rc == NT_OK)
            rc = ent_validate(&e, &d);
        if (rc != NT_OK) {
            fprintf(stderr, "%s:%zu:%d: %s: %s\n", path, line, d.col ? d.col : 1,
                    d.field[0] ? d.field : "line", d.msg);
            if (++errors >= 50)
                break;
            continue;
        }
        if (fn && (rc = fn(ctx, &e)) != NT_OK) {
            fprintf(stderr, "%s:%zu: %s\n", path, line, nt_strerror(rc));
            errors++;
            break;
        }
        if (count)
            (*count)++;
    }
    if (!header) {
        fprintf(stderr, "%s:1:1: no header line\n", path);
        errors++;
    }
out:
    free(buf);
    arena_free(a);
    return errors;
}

/* ---- import ---- */

typedef struct idset {
    char **v;
    size_t n, cap;
    bool sorted;
} idset;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool idset_has(void *ctx, nt_str id) {
    idset *s = ctx;
    char key[ENT_MAX_ID + 1];
    if (id.n > ENT_MAX_ID)
        return false;
    memcpy(key, id.p, id.n);
    key[id.n] = 0;
    char *k = key;
    return bsearch(&k, s->v, s->n, sizeof(char *), cmp_str) != NULL;
}

typedef struct import_ctx {
    dict_txn *txn;
    idset seen;
    size_t put, skipped;
} import_ctx;

static nt_err import_one(void *ctx, const ent_entry *e) {
    import_ctx *c = ctx;
    int skipped = 0;
    ent_entry x = *e;
    x.origin = ENT_ORIGIN_IMPORT;
    nt_err rc = dict_write_put(c->txn, &x, &skipped);
    if (rc != NT_OK)
        return rc;
    c->skipped += skipped != 0;
    c->put += !skipped;
    if (c->seen.n == c->seen.cap) {
        size_t nc = c->seen.cap ? c->seen.cap * 2 : 65536;
        char **nv = realloc(c->seen.v, nc * sizeof(char *));
        if (!nv)
            return NT_ENOMEM;
        c->seen.v = nv;
        c->seen.cap = nc;
    }
    char *id = malloc(e->id.n + 1);
    if (!id)
        return NT_ENOMEM;
    memcpy(id, e->id.p, e->id.n);
    id[e->id.n] = 0;
    c->seen.v[c->seen.n++] = id;
    return NT_OK;
}

/* Compiles the matcher for the committed version and caches it in the dictionary, so the
 * daemon starts in milliseconds. */
static int save_cache(dict *d, const char *models) {
    snap *s = NULL;
    loader_stats st;
    char err[512];
    nt_err rc = loader_build(d, models, &s, &st, err, sizeof(err));
    if (rc == NT_OK && !st.from_cache)
        rc = loader_save_cache(d, s, models);
    if (rc != NT_OK)
        fprintf(stderr, "newstag import: caching the compiled matcher failed: %s\n", err[0] ? err : nt_strerror(rc));
    else
        fprintf(stderr, "newstag import: matcher compiled and cached (%zu aliases)\n", gaz_db_aliases(snap_gaz(s)));
    snap_free(s);
    return rc != NT_OK;
}

static int cmd_import(const char *db, const char *models, bool if_changed, char **files, int n) {
    dict *d = NULL;
    import_ctx c = {0};
    char err[512], hbuf[32];
    int rc = 1, errors = 0;
    uint64_t hash = 1469598103934665603ULL, version = 0;
    arena *a = arena_new(0);
    double t0 = now_ms();
    if (n == 0) {
        fprintf(stderr, "newstag import: no files given\n%s", usage);
        return 2;
    }
    /* validate everything first: a bad file changes nothing */
    for (int i = 0; i < n; i++) {
        uint64_t fh = 1469598103934665603ULL;
        errors += each_tsv(files[i], NULL, NULL, NULL, &fh);
        for (const char *p = files[i]; *p; p++)
            hash = (hash ^ (unsigned char)*p) * 1099511628211ULL;
        hash = (hash ^ fh) * 1099511628211ULL;
    }
    if (errors) {
        fprintf(stderr, "newstag import: %d error(s); the dictionary was not changed\n", errors);
        goto out;
    }
    snprintf(hbuf, sizeof(hbuf), "%016llx", (unsigned long long)hash);
    if (dict_open(db, DICT_CREATE, &d, err, sizeof(err)) != NT_OK) {
        fprintf(stderr, "newstag import: %s\n", err);
        goto out;
    }
    nt_str old;
    if (if_changed && dict_meta_get(d, "sources_hash", a, &old) == NT_OK && nt_str_eq_c(old, hbuf)) {
        dict_version(d, &version);
        fprintf(stderr, "newstag import: %s is up to date (version %llu)\n", db, (unsigned long long)version);
        rc = save_cache(d, models);
        goto out;
    }
    if (dict_write_begin(d, &c.txn) != NT_OK) {
        fprintf(stderr, "newstag import: cannot start a write transaction on %s\n", db);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        if (each_tsv(files[i], import_one, &c, NULL, NULL)) {
            dict_write_abort(c.txn);
            fprintf(stderr, "newstag import: failed; the dictionary was not changed\n");
            goto out;
        }
    }
    qsort(c.seen.v, c.seen.n, sizeof(char *), cmp_str);
    size_t pruned = 0;
    nt_err e = dict_write_prune(c.txn, idset_has, &c.seen, &pruned);
    if (e == NT_OK)
        e = dict_write_set_meta(c.txn, "sources_hash", nt_str_c(hbuf));
    if (e != NT_OK) {
        dict_write_abort(c.txn);
        fprintf(stderr, "newstag import: %s; the dictionary was not changed\n", nt_strerror(e));
        goto out;
    }
    if ((e = dict_write_commit(c.txn, &version)) != NT_OK) {
        fprintf(stderr, "newstag import: commit failed: %s\n", nt_strerror(e));
        goto out;
    }
    fprintf(stderr,
            "newstag import: %zu entries from %d file(s), %zu kept from the API, %zu removed; "
            "version %llu; %.0f ms\n",
            c.put, n, c.skipped, pruned, (unsigned long long)version, now_ms() - t0);
    rc = save_cache(d, models) ? 1 : 0;
out:
    for (size_t i = 0; i < c.seen.n; i++)
        free(c.seen.v[i]);
    free(c.seen.v);
    dict_close(d);
    arena_free(a);
    return rc;
}

/* ---- export ---- */

typedef struct export_ctx {
    int type;
    bool ndjson;
    arena *a;
} export_ctx;

static nt_err export_one(void *ctx, const ent_entry *e) {
    export_ctx *c = ctx;
    if (c->type >= 0 && (int)e->type != c->type)
        return NT_OK;
    if (c->ndjson) {
        json_t *j = jio_entry(e);
        char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!s)
            return NT_ENOMEM;
        puts(s);
        free(s);
        return NT_OK;
    }
    nt_str line;
    arena_reset(c->a);
    if (ent_format_tsv(e, c->a, &line) != NT_OK)
        return NT_ENOMEM;
    fwrite(line.p, 1, line.n, stdout);
    putchar('\n');
    return NT_OK;
}

static int cmd_export(const char *db, const char *type, bool ndjson) {
    dict *d = NULL;
    char err[512];
    export_ctx c = {-1, ndjson, arena_new(0)};
    int rc = 1;
    if (type) {
        nt_type t;
        if (nt_type_parse(nt_str_c(type), &t) != NT_OK) {
            fprintf(stderr, "newstag export: unknown type %s\n", type);
            rc = 2;
            goto out;
        }
        c.type = (int)t;
    }
    if (dict_open(db, DICT_RDONLY, &d, err, sizeof(err)) != NT_OK) {
        fprintf(stderr, "newstag export: %s\n", err);
        goto out;
    }
    if (!ndjson)
        puts(ENT_TSV_HEADER);
    rc = dict_foreach(d, export_one, &c, NULL) == NT_OK ? 0 : 1;
out:
    dict_close(d);
    arena_free(c.a);
    return rc;
}

/* ---- tag ---- */

static int print_json(json_t *j) {
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII * 0) : NULL;
    if (!s)
        return 1;
    puts(s);
    free(s);
    return 0;
}

static void print_error(const char *id, const char *code, const char *msg) {
    json_t *e = jio_error(code, msg);
    if (e && id)
        json_object_set_new(e, "id", json_string(id));
    print_json(e);
    json_decref(e);
}

/* Tags one request; prints the response or an error object. Returns 0 or 1. */
static int tag_one(const snap *s, jio_request *r, arena *a) {
    size_t bad;
    tg_result res;
    char idb[256];
    snprintf(idb, sizeof(idb), "%.*s", (int)(r->id.n < 255 ? r->id.n : 255), r->id.p ? r->id.p : "");
    nt_str in = r->has_html ? r->html : r->text;
    html_doc h = {0};
    if (utf8_validate(in.p, in.n, &bad) != NT_OK) {
        char m[96];
        snprintf(m, sizeof(m), "invalid UTF-8 at byte offset %zu", bad);
        print_error(r->id.n ? idb : NULL, "invalid_utf8", m);
        return 1;
    }
    double t0 = now_ms();
    nt_err rc = NT_OK;
    if (r->has_html) {
        rc = html_extract(in.p, in.n, a, &h);
        r->text = (nt_str){h.text, h.len};
        if (rc == NT_EINVAL) {
            print_error(r->id.n ? idb : NULL, "html_too_deep", "HTML elements nest too deeply");
            return 1;
        }
    }
    if (rc == NT_OK)
        rc = tagger_run(s, r->text.p, r->text.n, &r->opts, a, &res);
    if (rc != NT_OK) {
        print_error(r->id.n ? idb : NULL, nt_errname(rc), nt_strerror(rc));
        return 1;
    }
    jio_meta m = {.id = r->id, .unit = r->unit, .took_ms = now_ms() - t0};
    if (r->has_html) {
        m.map = h.map;
        m.emap = h.emap;
        m.source = in;
    }
    json_t *j = jio_result(s, r->text, &res, &m);
    int out = print_json(j);
    json_decref(j);
    return out;
}

static int tag_stream(const snap *s, FILE *f, const char *name, bool ndjson, bool html,
                      nt_unit unit) {
    arena *a = arena_new(0);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int fails = 0;
    if (!a)
        return 1;
    if (!ndjson) {
        char *buf = NULL;
        size_t len = 0, bcap = 0, k;
        char tmp[65536];
        while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0) {
            if (len + k > bcap) {
                bcap = (bcap + k) * 2;
                char *nb = realloc(buf, bcap);
                if (!nb) {
                    free(buf);
                    arena_free(a);
                    return 1;
                }
                buf = nb;
            }
            memcpy(buf + len, tmp, k);
            len += k;
        }
        jio_request r;
        jio_request_init(&r);
        if (html) {
            r.html = (nt_str){buf ? buf : "", len};
            r.has_html = true;
        } else {
            r.text = (nt_str){buf ? buf : "", len};
            r.has_text = true;
        }
        r.unit = unit;
        r.id = nt_str_c(name);
        fails = tag_one(s, &r, a);
        free(buf);
        arena_free(a);
        return fails;
    }
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n == 0)
            continue;
        json_t *root = NULL;
        jio_request r;
        jio_diag d = {0};
        arena_reset(a);
        if (jio_parse_request(line, (size_t)n, &root, &r, &d) != NT_OK) {
            json_t *idv = json_is_object(root) ? json_object_get(root, "id") : NULL;
            print_error(json_is_string(idv) ? json_string_value(idv) : NULL, d.code, d.msg);
            fails++;
        } else {
            if (r.unit == NT_UNIT_CHAR && unit != NT_UNIT_CHAR)
                r.unit = unit;
            fails += tag_one(s, &r, a);
        }
        json_decref(root);
    }
    free(line);
    arena_free(a);
    return fails != 0;
}

static snap *load_snap(const char *db, const char *models, char **tsv, int n_tsv, bool quiet) {
    snap *s = NULL;
    dict *d = NULL;
    loader_stats st;
    char err[512];
    nt_err rc;
    if (n_tsv) {
        rc = loader_build_tsv((const char *const *)tsv, (size_t)n_tsv, models, &s, &st, err, sizeof(err));
    } else {
        if (dict_open(db, DICT_RDONLY, &d, err, sizeof(err)) != NT_OK) {
            fprintf(stderr, "newstag: %s\n", err);
            return NULL;
        }
        rc = loader_build(d, models, &s, &st, err, sizeof(err));
        dict_close(d);
    }
    if (rc != NT_OK) {
        fprintf(stderr, "newstag: %s\n", err);
        return NULL;
    }
    if (!quiet)
        fprintf(stderr, "newstag: %zu entities, %zu aliases, built in %.0f ms\n", st.entities,
                st.aliases, st.ms_total);
    return s;
}

/* Validates one event rule file on its own; prints file:line:col on error. */
static int check_rules(const char *path) {
    char *buf = NULL;
    size_t len;
    rules_set *rs = NULL;
    rules_diag d = {0};
    if (loader_read_file(path, &buf, &len) != NT_OK) {
        fprintf(stderr, "%s:1:1: cannot read: %s\n", path, strerror(errno));
        return 1;
    }
    nt_err rc = rules_compile(path, (nt_str){buf, len}, &rs, &d);
    if (rc == NT_EPARSE)
        fprintf(stderr, "%s:%d:%d: %s\n", d.file, d.line, d.col, d.msg);
    else if (rc != NT_OK)
        fprintf(stderr, "%s:1:1: %s\n", path, nt_strerror(rc));
    else
        fprintf(stderr, "%s: ok (%zu events, %zu trigger forms, %zu patterns)\n", path,
                rules_event_count(rs), rules_trigger_count(rs), rules_pattern_count(rs));
    rules_set_free(rs);
    free(buf);
    return rc != NT_OK;
}

static int cmd_check(char **files, int n) {
    int errors = 0;
    if (n == 0) {
        fprintf(stderr, "newstag check: no files given\n");
        return 2;
    }
    for (int i = 0; i < n; i++) {
        size_t len = strlen(files[i]), count = 0;
        if (len > 4 && strcmp(files[i] + len - 4, ".tsv") == 0) {
            int e = each_tsv(files[i], NULL, NULL, &count, NULL);
            errors += e;
            if (!e)
                fprintf(stderr, "%s: ok (%zu entries)\n", files[i], count);
        } else if (len > 6 && strcmp(files[i] + len - 6, ".rules") == 0) {
            errors += check_rules(files[i]);
        } else {
            fprintf(stderr, "%s:1:1: unknown file kind (expected .tsv or .rules)\n", files[i]);
            errors++;
        }
    }
    return errors ? 1 : 0;
}

static int cmd_stats(const char *db, const char *models) {
    dict *d = NULL;
    char err[512];
    uint64_t v = 0;
    size_t live = 0, counts[NT_TYPE_COUNT];
    if (dict_open(db, DICT_RDONLY, &d, err, sizeof(err)) != NT_OK) {
        fprintf(stderr, "newstag stats: %s\n", err);
        return 1;
    }
    dict_version(d, &v);
    dict_count(d, &live);
    dict_close(d);
    double t0 = now_ms();
    snap *s = load_snap(db, models, NULL, 0, true);
    if (!s)
        return 1;
    double ms = now_ms() - t0;
    snap_counts(s, counts);
    printf("dictionary: %s\nversion: %llu\nentries: %zu\n", db, (unsigned long long)v, live);
    for (int t = 0; t < NT_TYPE_COUNT; t++)
        printf("  %-7s %zu\n", nt_type_name((nt_type)t), counts[t]);
    printf("aliases: %zu\nmatcher bytes: %zu\nsnapshot bytes: %zu\nsnapshot build ms: %.1f\n",
           gaz_db_aliases(snap_gaz(s)), gaz_db_bytes(snap_gaz(s)), snap_bytes(s), ms);
    snap_free(s);
    return 0;
}

int main(int argc, char **argv) {
    const char *db = getenv("NEWSTAG_DB") ? getenv("NEWSTAG_DB") : DEFAULT_DB;
    const char *models = getenv("NEWSTAG_MODELS") ? getenv("NEWSTAG_MODELS") : DEFAULT_MODELS;
    const char *type = NULL;
    bool ndjson = false, if_changed = false, html = false;
    nt_unit unit = NT_UNIT_CHAR;
    char **files = calloc((size_t)argc + 1, sizeof(char *)), **tsv = calloc((size_t)argc + 1, sizeof(char *));
    int nf = 0, nt = 0, rc = 2;
    bool in_tsv = false;
    if (!files || !tsv)
        return 1;
    log_setup(LOG_WARN, stderr);
    json_object_seed(0);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        rc = argc < 2 ? 2 : 0;
        goto out;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("newstag %s\n", NT_VERSION);
        rc = 0;
        goto out;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (!strcmp(a, "--db") && has_val) {
            db = argv[++i];
            in_tsv = false;
        } else if (!strcmp(a, "--models") && has_val) {
            models = argv[++i];
            in_tsv = false;
        } else if (!strcmp(a, "--type") && has_val) {
            type = argv[++i];
        } else if (!strcmp(a, "--offsets") && has_val) {
            if (nt_unit_parse(nt_str_c(argv[++i]), &unit) != NT_OK) {
                fprintf(stderr, "newstag: --offsets must be char, utf16 or byte\n");
                goto out;
            }
        } else if (!strcmp(a, "--ndjson")) {
            ndjson = true;
        } else if (!strcmp(a, "--html")) {
            html = true;
        } else if (!strcmp(a, "--if-changed")) {
            if_changed = true;
        } else if (!strcmp(a, "--tsv")) {
            in_tsv = true;
        } else if (!strcmp(a, "--help")) {
            fputs(usage, stdout);
            rc = 0;
            goto out;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "newstag: unknown option %s\n%s", a, usage);
            goto out;
        } else if (in_tsv) {
            tsv[nt++] = argv[i];
        } else {
            files[nf++] = argv[i];
        }
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "import")) {
        rc = cmd_import(db, models, if_changed, files, nf);
    } else if (!strcmp(cmd, "export")) {
        rc = cmd_export(db, type, ndjson);
    } else if (!strcmp(cmd, "check")) {
        rc = cmd_check(files, nf);
    } else if (!strcmp(cmd, "stats")) {
        rc = cmd_stats(db, models);
    } else if (!strcmp(cmd, "tag")) {
        snap *s = load_snap(db, models, tsv, nt, true);
        if (!s) {
            rc = 1;
            goto out;
        }
        rc = 0;
        if (nf == 0)
            rc = tag_stream(s, stdin, "", ndjson, html, unit);
        for (int i = 0; i < nf; i++) {
            FILE *f = strcmp(files[i], "-") ? fopen(files[i], "rb") : stdin;
            if (!f) {
                fprintf(stderr, "newstag tag: cannot open %s\n", files[i]);
                rc = 1;
                continue;
            }
            rc |= tag_stream(s, f, files[i], ndjson, html, unit);
            if (f != stdin)
                fclose(f);
        }
        snap_free(s);
    } else {
        fprintf(stderr, "newstag: unknown command %s\n%s", cmd, usage);
    }
out:
    free(files);
    free(tsv);
    return rc;
}
