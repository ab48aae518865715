/* api_entities.c - the dictionary API, /v1/entities (SPEC.md §3): GET one entry, search
 * with cursor pagination, PUT (create or replace), DELETE, and POST NDJSON bulk upsert.
 * Reads go straight to LMDB (short read transactions); writes need the admin bearer
 * token and go through model_write, the one writer, which commits them in one
 * transaction and publishes an overlay so /v1/tag sees them at once. Nothing here runs
 * on the tagging path. Validation is ent_validate's, the same as for TSV imports. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_int.h"
#include "dict.h"
#include "log.h"
#include "utf8.h"

#define ENT_PREFIX "/v1/entities/"
#define SEARCH_DEFAULT_LIMIT 50
#define SEARCH_MAX_LIMIT 500

/* The id in the path (everything after /v1/entities/, already percent-decoded, so
 * "org%2Fx" and "org/x" are the same id). */
static nt_str path_id(http_req *rq) {
    const char *p = http_req_path(rq);

    return nt_str_c(p + strlen(ENT_PREFIX));
}

/* ---- auth and header checks (before the body is read) ---------------------------- */

/* Compares the presented token with the configured one in time that depends only on
 * the configured token's length. */
static bool token_ok(const char *given, size_t gn, const char *want) {
    size_t wn = strlen(want);
    unsigned char diff = (unsigned char)(gn != wn);

    for (size_t i = 0; i < wn; i++)
        diff |= (unsigned char)(want[i] ^ (i < gn ? given[i] : 0));
    return diff == 0;
}

/* Writes need `Authorization: Bearer <token>`: 403 writes_disabled when no token is
 * configured (writes are never open), 401 unauthorized (with WWW-Authenticate) when it
 * is missing or wrong. */
static nt_err check_auth(api *a, http_req *rq, api_fail *f) {
    const char *h = http_req_header(rq, "Authorization");
    const char *want = a->cfg->admin_token;
    size_t n;

    if (!want[0])
        return api__fail(f, NT_EINVAL, 403, "writes_disabled",
                     "dictionary writes are disabled: no admin token is configured "
                     "(NEWSTAG_ADMIN_TOKEN or --admin-token-file)");
    if (!model_writable(a->m))
        return api__fail(f, NT_EINVAL, 403, "writes_disabled",
                     "dictionary writes are disabled: the dictionary is read-only for "
                     "this process");
    if (h) {
        while (*h == ' ' || *h == '\t')
            h++;
        if (strncasecmp(h, "Bearer", 6) == 0 && (h[6] == ' ' || h[6] == '\t')) {
            h += 7;
            while (*h == ' ' || *h == '\t')
                h++;
            n = strlen(h);
            while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
                n--;
            if (token_ok(h, n, want))
                return NT_OK;
            http_req_add_header(rq, "WWW-Authenticate",
                                "Bearer realm=\"newstag\", error=\"invalid_token\"");
            return api__fail(f, NT_EINVAL, 401, "unauthorized", "the bearer token is wrong");
        }
    }
    http_req_add_header(rq, "WWW-Authenticate", "Bearer realm=\"newstag\"");
    return api__fail(f, NT_EINVAL, 401, "unauthorized",
                 "dictionary writes need an Authorization: Bearer <token> header");
}

/* True if Content-Type `ct` is absent or one of the NULL-terminated `types` (any
 * charset parameter must be UTF-8). */
static bool media_ok(const char *ct, const char *const *types, bool *bad_charset) {
    size_t n;

    *bad_charset = false;
    if (!ct)
        return true;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    n = strcspn(ct, "; \t");
    if (n == 0)
        return true;
    for (size_t i = 0; types[i]; i++) {
        if (strlen(types[i]) != n || strncasecmp(ct, types[i], n) != 0)
            continue;
        const char *cs = ct + n;
        while (*cs && strncasecmp(cs, "charset=", 8) != 0)
            cs++;
        if (*cs) {
            cs += 8;
            if (*cs == '"')
                cs++;
            if (strncasecmp(cs, "utf-8", 5) != 0 && strncasecmp(cs, "utf8", 4) != 0 &&
                strncasecmp(cs, "us-ascii", 8) != 0) {
                *bad_charset = true;
                return false;
            }
        }
        return true;
    }
    return false;
}

static nt_err check_media(http_req *rq, const char *const *types, const char *what,
                          api_fail *f) {
    bool bad_charset;

    if (media_ok(http_req_header(rq, "Content-Type"), types, &bad_charset))
        return NT_OK;
    if (bad_charset)
        return api__fail(f, NT_EINVAL, 415, "unsupported_charset",
                     "the charset is not supported; send UTF-8");
    return api__fail(f, NT_EINVAL, 415, "unsupported_media_type", "%s", what);
}

nt_err api__ent_check_put(api *a, http_req *rq, api_fail *f) {
    static const char *const json[] = {"application/json", NULL};
    nt_err rc = check_auth(a, rq, f);

    if (rc == NT_OK)
        rc = check_media(rq, json, "PUT /v1/entities/{id} takes application/json: one entry",
                         f);
    return rc;
}

nt_err api__ent_check_delete(api *a, http_req *rq, api_fail *f) {
    return check_auth(a, rq, f);
}

nt_err api__ent_check_bulk(api *a, http_req *rq, api_fail *f) {
    static const char *const ndjson[] = {"application/x-ndjson", "application/jsonl",
                                         NULL};
    nt_err rc = check_auth(a, rq, f);

    if (rc == NT_OK)
        rc = check_media(rq, ndjson,
                         "POST /v1/entities takes application/x-ndjson: one entry per line",
                         f);
    if (rc == NT_OK) /* a bulk body may be as large as a tag batch */
        http_req_set_body_limit(rq, a->cfg->max_batch_body);
    return rc;
}

/* ---- helpers -------------------------------------------------------------------- */


static nt_err add_version_header(http_req *rq, uint64_t version) {
    char v[24];

    snprintf(v, sizeof(v), "%llu", (unsigned long long)version);
    return http_req_add_header(rq, "X-Dictionary-Version", v);
}

/* The 422 for an entry that ent_validate or jio_parse_entry refused: code
 * invalid_<field> (invalid_id, invalid_type, invalid_aliases …), with "field". */
static void entry_fail(const ent_diag *d, api_fail *f) {
    static const char *const fields[] = {"id",   "type",    "subtype",    "name",
                                         "aliases", "attributes", NULL};
    const char *field = "entry";

    for (size_t i = 0; fields[i]; i++)
        if (strcmp(d->field, fields[i]) == 0)
            field = fields[i];
    api__fail(f, NT_EINVAL, 422, "", "%s: %s", d->field[0] ? d->field : "entry",
          d->msg[0] ? d->msg : "invalid entry");
    snprintf(f->code, sizeof(f->code), "invalid_%s", field);
}

/* Parses and validates one entry from JSON text. `path_id` (may be empty) is the id of
 * the URL: a body id must equal it, and an absent body id takes it. On success the
 * entry's strings live in arena `ar`. On failure fills f (400 malformed JSON with
 * line/column, 422 wrong shape). */
static nt_err parse_entry(const char *p, size_t n, nt_str id_in_path, arena *ar,
                          ent_entry *e, api_fail *f) {
    json_error_t jerr;
    json_t *j = NULL;
    ent_diag d;
    nt_err rc;

    memset(&d, 0, sizeof(d));
    memset(e, 0, sizeof(*e));
    if (n == 0)
        return api__fail(f, NT_EPARSE, 400, "empty_body", "the body must be one JSON entry");
    j = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        rc = api__fail(f, NT_EPARSE, 400, "invalid_json", "malformed JSON: %s", jerr.text);
        f->line = jerr.line;
        f->col = jerr.column;
        goto out;
    }
    rc = jio_parse_entry(j, ar, e, &d);
    if (rc == NT_ENOMEM) {
        api__fail(f, rc, 503, NULL, "out of memory while reading the entry");
        goto out;
    }
    if (rc != NT_OK) {
        entry_fail(&d, f);
        goto out;
    }
    if (!e->id.p) {
        if (id_in_path.n == 0) {
            rc = api__fail(f, NT_EINVAL, 422, "invalid_id", "id: every entry needs an \"id\"");
            goto out;
        }
        e->id = id_in_path;
    } else if (id_in_path.n && !nt_str_eq(e->id, id_in_path)) {
        rc = api__fail(f, NT_EINVAL, 422, "id_mismatch",
                   "the body's id '%.*s' differs from the id in the path '%.*s'",
                   (int)(e->id.n > 128 ? 128 : e->id.n), e->id.p,
                   (int)(id_in_path.n > 128 ? 128 : id_in_path.n), id_in_path.p);
        goto out;
    }
    if (ent_validate(e, &d) != NT_OK) {
        entry_fail(&d, f);
        rc = NT_EINVAL;
        goto out;
    }
    e->origin = ENT_ORIGIN_API;
    rc = ent_copy(e, ar, e);
    if (rc != NT_OK)
        api__fail(f, rc, 503, NULL, "out of memory while reading the entry");
out:
    if (rc != NT_OK) { /* keep the id, if there was one, for the error report */
        json_t *jid = j ? json_object_get(j, "id") : NULL;
        const char *c = json_is_string(jid)
                            ? arena_strndup(ar, json_string_value(jid), json_string_length(jid))
                            : NULL;
        e->id = c ? (nt_str){c, json_string_length(jid)} : (nt_str){NULL, 0};
    }
    json_decref(j);
    return rc;
}

/* The failure of a model_write that committed nothing. */
static nt_err write_fail(nt_err rc, const char *msg, api_fail *f) {
    if (rc == NT_EINVAL)
        return api__fail(f, rc, 403, "writes_disabled", "%s", msg);
    if (rc == NT_EBUSY)
        return api__fail(f, rc, 503, "dictionary_full",
                     "%s; nothing was committed (the dictionary map is full)", msg);
    if (rc == NT_ENOMEM)
        return api__fail(f, rc, 503, NULL, "%s; nothing was committed", msg);
    return api__fail(f, rc, 500, "write_failed", "%s; nothing was committed", msg);
}

/* ---- GET /v1/entities/{id} ------------------------------------------------------ */

nt_err api__ent_get(api *a, http_req *rq, api_fail *f) {
    nt_str id = path_id(rq);
    dict *d = model_dict(a->m);
    ent_entry e;
    nt_err rc;

    rc = d ? dict_get(d, id, http_req_arena(rq), &e) : NT_ENOTFOUND;
    if (rc == NT_ENOTFOUND)
        return api__fail(f, rc, 404, "not_found", "no entity with id '%.*s'",
                     (int)(id.n > 200 ? 200 : id.n), id.p);
    if (rc == NT_ENOMEM)
        return api__fail(f, rc, 503, NULL, "out of memory while reading the entry");
    if (rc != NT_OK)
        return api__fail(f, rc, 500, NULL, "reading the dictionary failed: %s",
                     nt_strerror(rc));
    return api__reply_new(rq, 200, jio_entry(&e));
}

/* ---- GET /v1/entities?q=&type=&limit=&cursor= ----------------------------------- */

typedef struct search_q {
    nt_str q, cursor;
    int type;
    size_t limit;
    api_fail *f;
} search_q;

static nt_err search_param(void *ctx, const char *key, const char *val) {
    search_q *s = ctx;
    size_t bad;

    val = val ? val : "";
    if (utf8_validate(val, strlen(val), &bad) != NT_OK)
        return api__fail(s->f, NT_EINVAL, 400, "invalid_utf8",
                     "the query parameter '%.40s' is not valid UTF-8", key);
    if (strcmp(key, "q") == 0) {
        s->q = nt_str_c(val);
        if (s->q.n > ENT_MAX_TEXT)
            return api__fail(s->f, NT_EINVAL, 422, "invalid_q", "q is longer than %d bytes",
                         ENT_MAX_TEXT);
    } else if (strcmp(key, "type") == 0) {
        nt_type t;
        if (nt_type_parse(nt_str_c(val), &t) != NT_OK)
            return api__fail(s->f, NT_EINVAL, 422, "invalid_type",
                         "type must be one of PERSON ORG LOC WEAPON NORP FAC MISC");
        s->type = (int)t;
    } else if (strcmp(key, "limit") == 0) {
        char *end = NULL;
        long v = strtol(val, &end, 10);
        if (!val[0] || *end || v < 1 || v > SEARCH_MAX_LIMIT)
            return api__fail(s->f, NT_EINVAL, 422, "invalid_limit",
                         "limit must be an integer from 1 to %d", SEARCH_MAX_LIMIT);
        s->limit = (size_t)v;
    } else if (strcmp(key, "cursor") == 0) {
        s->cursor = nt_str_c(val);
        if (s->cursor.n > ENT_MAX_ID)
            return api__fail(s->f, NT_EINVAL, 422, "invalid_cursor",
                         "cursor is not one this API returned");
    } else {
        return api__fail(s->f, NT_EINVAL, 422, "unknown_parameter",
                     "unknown query parameter '%.40s' (use q, type, limit, cursor)", key);
    }
    return NT_OK;
}

nt_err api__ent_search(api *a, http_req *rq, api_fail *f) {
    search_q s = {.q = {"", 0}, .cursor = {"", 0}, .type = -1,
                  .limit = SEARCH_DEFAULT_LIMIT, .f = f};
    dict *d = model_dict(a->m);
    ent_entry *res = NULL;
    size_t n = 0;
    nt_str next = {"", 0};
    uint64_t version = 0;
    json_t *list = NULL;
    nt_err rc;

    rc = http_req_query_each(rq, search_param, &s);
    if (rc != NT_OK)
        return rc;
    if (d) {
        rc = dict_search(d, s.q, s.type, s.cursor, s.limit, http_req_arena(rq), &res, &n,
                         &next);
        if (rc == NT_OK)
            rc = dict_version(d, &version);
        if (rc == NT_ENOMEM)
            return api__fail(f, rc, 503, NULL, "out of memory while searching");
        if (rc != NT_OK)
            return api__fail(f, rc, 500, NULL, "searching the dictionary failed: %s",
                         nt_strerror(rc));
    }
    list = json_array();
    for (size_t i = 0; list && i < n; i++)
        if (json_array_append_new(list, jio_entry(&res[i])) != 0) {
            json_decref(list);
            list = NULL;
        }
    if (!list)
        return api__fail(f, NT_ENOMEM, 503, NULL, "out of memory while rendering the result");
    return api__reply_new(rq, 200,
                     json_pack("{so so sI sI}", "entities", list, "next_cursor",
                               next.n ? json_stringn(next.p, next.n) : json_null(),
                               "count", (json_int_t)n, "version", (json_int_t)version));
}

/* ---- PUT /v1/entities/{id} ------------------------------------------------------ */

nt_err api__ent_put(api *a, http_req *rq, api_fail *f) {
    nt_str body = http_req_body(rq), id = path_id(rq);
    model_edit ed;
    ent_entry e;
    uint64_t version = 0;
    char err[200];
    char loc[ENT_MAX_ID * 3 + 32];
    nt_err rc;

    memset(&ed, 0, sizeof(ed));
    rc = parse_entry(body.p, body.n, id, http_req_arena(rq), &e, f);
    if (rc != NT_OK)
        return rc;
    ed.put = &e;
    rc = model_write(a->m, &ed, 1, &version, err, sizeof(err));
    if (rc != NT_OK)
        return write_fail(rc, err, f);
    snprintf(loc, sizeof(loc), "%s%.*s", ENT_PREFIX, (int)e.id.n, e.id.p);
    if ((rc = add_version_header(rq, version)) != NT_OK ||
        (!ed.existed && (rc = http_req_add_header(rq, "Location", loc)) != NT_OK))
        return rc;
    return api__reply_new(rq, ed.existed ? 200 : 201,
                     json_pack("{ss sI so}", "status", ed.existed ? "updated" : "created",
                               "version", (json_int_t)version, "entity", jio_entry(&e)));
}

/* ---- DELETE /v1/entities/{id} --------------------------------------------------- */

nt_err api__ent_delete(api *a, http_req *rq, api_fail *f) {
    nt_str id = path_id(rq);
    model_edit ed;
    uint64_t version = 0;
    char err[200];
    nt_err rc;

    memset(&ed, 0, sizeof(ed));
    ed.del = id;
    rc = model_write(a->m, &ed, 1, &version, err, sizeof(err));
    if (rc != NT_OK)
        return write_fail(rc, err, f);
    if (ed.rc == NT_ENOTFOUND)
        return api__fail(f, NT_ENOTFOUND, 404, "not_found", "no entity with id '%.*s'",
                     (int)(id.n > 200 ? 200 : id.n), id.p);
    if ((rc = add_version_header(rq, version)) != NT_OK)
        return rc;
    return http_reply_empty(rq, 204);
}

/* ---- POST /v1/entities (NDJSON bulk upsert) ------------------------------------- */

/* One line of a bulk body and what became of it. */
typedef struct bulk_line {
    size_t line;      /* 1-based line number in the body */
    nt_str id;        /* the entry's id, or {NULL,0} when it did not parse that far */
    ptrdiff_t edit;   /* index in the edits, or -1 for a refused line */
    nt_err rc;        /* refused: the error */
    api_fail f;       /* refused: how */
} bulk_line;

/* Appends `s` (a JSON line) and '\n' to the growing buffer. */
static nt_err buf_add(char **buf, size_t *len, size_t *cap, const char *s) {
    size_t n = strlen(s);

    if (*len + n + 1 > *cap) {
        size_t nc = *cap ? *cap : 4096;
        while (nc < *len + n + 1)
            nc *= 2;
        char *nb = realloc(*buf, nc);
        if (!nb)
            return NT_ENOMEM;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, s, n);
    (*buf)[*len + n] = '\n';
    *len += n + 1;
    return NT_OK;
}

/* The result object of one line. */
static json_t *line_result(const bulk_line *l, const model_edit *edits, uint64_t version) {
    json_t *o = json_pack("{sI}", "line", (json_int_t)l->line), *err;
    int status;

    if (!o)
        return NULL;
    json_object_set_new(o, "id", l->id.p ? json_stringn(l->id.p, l->id.n) : json_null());
    if (l->edit >= 0) {
        json_object_set_new(o, "status",
                            json_string(edits[l->edit].existed ? "updated" : "created"));
        json_object_set_new(o, "version", json_integer((json_int_t)version));
        return o;
    }
    err = api__fail_json(l->rc, &l->f, &status);
    json_object_set_new(o, "status", json_string("error"));
    if (err)
        json_object_set_new(err, "status", json_integer(status));
    json_object_set_new(o, "error", err);
    return o;
}

nt_err api__ent_bulk(api *a, http_req *rq, api_fail *f) {
    nt_str body = http_req_body(rq);
    arena *ar = http_req_arena(rq);
    bulk_line *lines = NULL;
    model_edit *edits = NULL;
    ent_entry *ents = NULL;
    size_t n_lines = 0, n_edits = 0, cap, created = 0, updated = 0, failed = 0;
    char *out = NULL, err[200], hv[24];
    size_t out_len = 0, out_cap = 0;
    uint64_t version = 0;
    nt_err rc = NT_OK;

    /* a line per '\n' (+1 for a last line without one) bounds every array */
    cap = 1;
    for (size_t i = 0; i < body.n; i++)
        cap += body.p[i] == '\n';
    lines = arena_calloc(ar, cap, sizeof(*lines));
    edits = arena_calloc(ar, cap, sizeof(*edits));
    ents = arena_calloc(ar, cap, sizeof(*ents));
    if (!lines || !edits || !ents)
        return api__fail(f, NT_ENOMEM, 503, NULL, "out of memory while reading the body");
    for (size_t pos = 0, no = 1; pos < body.n; no++) {
        const char *p = body.p + pos, *nl = memchr(p, '\n', body.n - pos);
        size_t n = nl ? (size_t)(nl - p) : body.n - pos, k = n;
        bool blank = true;

        pos += n + (nl != NULL);
        while (k > 0 && (p[k - 1] == '\r'))
            k--;
        for (size_t i = 0; i < k && blank; i++)
            blank = p[i] == ' ' || p[i] == '\t';
        if (blank)
            continue; /* blank lines are allowed and not reported */
        bulk_line *l = &lines[n_lines++];
        l->line = no;
        l->edit = -1;
        api__fail_init(&l->f);
        l->rc = parse_entry(p, k, (nt_str){"", 0}, ar, &ents[n_edits], &l->f);
        if (l->rc == NT_ENOMEM)
            return api__fail(f, NT_ENOMEM, 503, NULL, "out of memory while reading the body");
        l->id = ents[n_edits].id;
        if (l->rc != NT_OK) {
            memset(&ents[n_edits], 0, sizeof(ents[n_edits]));
            failed++;
            continue;
        }
        edits[n_edits].put = &ents[n_edits];
        l->edit = (ptrdiff_t)n_edits++;
    }
    if (n_edits > 0) {
        rc = model_write(a->m, edits, n_edits, &version, err, sizeof(err));
        if (rc != NT_OK)
            return write_fail(rc, err, f);
    } else {
        dict *d = model_dict(a->m);
        if (d)
            dict_version(d, &version);
    }
    for (size_t i = 0; i < n_edits; i++) {
        if (edits[i].existed)
            updated++;
        else
            created++;
    }
    for (size_t i = 0; i < n_lines && rc == NT_OK; i++) {
        json_t *o = line_result(&lines[i], edits, version);
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

        rc = s ? buf_add(&out, &out_len, &out_cap, s) : NT_ENOMEM;
        free(s);
        json_decref(o);
    }
    if (rc != NT_OK) {
        free(out);
        return api__fail(f, rc, 503, NULL,
                     "out of memory while rendering the result (the edits WERE committed: "
                     "version %llu)",
                     (unsigned long long)version);
    }
    log_msg(LOG_INFO, "entities", "bulk upsert lines=%zu created=%zu updated=%zu failed=%zu "
            "version=%llu", n_lines, created, updated, failed, (unsigned long long)version);
    add_version_header(rq, version);
    snprintf(hv, sizeof(hv), "%zu", created);
    http_req_add_header(rq, "X-Entities-Created", hv);
    snprintf(hv, sizeof(hv), "%zu", updated);
    http_req_add_header(rq, "X-Entities-Updated", hv);
    snprintf(hv, sizeof(hv), "%zu", failed);
    http_req_add_header(rq, "X-Entities-Failed", hv);
    if (!out) /* an empty body: an empty result */
        return http_reply_static(rq, 200, "application/x-ndjson; charset=utf-8", "", 0);
    return http_reply_owned(rq, 200, "application/x-ndjson; charset=utf-8", out, out_len);
}
