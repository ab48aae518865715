/* api.c - the route table and the handlers. A handler reads as validate → run → render
 * and returns nt_err; when it fails it describes the failure in an api_fail (status,
 * stable code, message, offset/line/column) and the dispatcher sends the one uniform
 * error body. POST /v1/tag checks, in order: Content-Type (before the body is read), body
 * size (http.c, while it streams), parse, shape, UTF-8, then runs the tagger. */
#include "api_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "html.h"
#include "json_io.h"
#include "loader.h"
#include "log.h"
#include "tagger.h"
#include "utf8.h"

typedef nt_err (*api_fn)(api *a, http_req *rq, api_fail *f);

enum body_kind { BODY_PLAIN, BODY_JSON, BODY_HTML };

static nt_err h_tag(api *a, http_req *rq, api_fail *f);
static nt_err check_tag(api *a, http_req *rq, api_fail *f);
static nt_err h_info(api *a, http_req *rq, api_fail *f);
static nt_err h_health(api *a, http_req *rq, api_fail *f);
static nt_err h_ready(api *a, http_req *rq, api_fail *f);
static nt_err h_openapi(api *a, http_req *rq, api_fail *f);
static nt_err h_demo(api *a, http_req *rq, api_fail *f);
static nt_err h_metrics(api *a, http_req *rq, api_fail *f);

static const struct route {
    const char *method; /* GET routes also answer HEAD */
    const char *path;
    api_fn handle;
    api_fn check; /* header checks before the body is read; NULL = none */
    bool shed;    /* answered 503 when too many requests are in flight */
} routes[] = {
    {"POST", "/v1/tag", h_tag, check_tag, true},
    {"POST", "/v1/tag/batch", api__batch, api__batch_check, true},
    {"GET", "/metrics", h_metrics, NULL, false},
    {"GET", "/v1/info", h_info, NULL, false},
    {"GET", "/healthz", h_health, NULL, false},
    {"GET", "/readyz", h_ready, NULL, false},
    {"GET", "/openapi.yaml", h_openapi, NULL, false},
    {"GET", "/", h_demo, NULL, false},
    /* the dictionary (api_entities.c); a path ending in "/" "*" is a prefix: the id */
    {"GET", "/v1/entities", api__ent_search, NULL, false},
    {"POST", "/v1/entities", api__ent_bulk, api__ent_check_bulk, false},
    {"GET", "/v1/entities/*", api__ent_get, NULL, false},
    {"PUT", "/v1/entities/*", api__ent_put, api__ent_check_put, false},
    {"DELETE", "/v1/entities/*", api__ent_delete, api__ent_check_delete, false},
};

static double now_ms(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- failures ------------------------------------------------------------------- */

void api__fail_init(api_fail *f) {
    memset(f, 0, sizeof(*f));
    f->offset = -1;
}

/* Records a failure and returns rc, so handlers can write `return api__fail(...)`. */
nt_err api__fail(api_fail *f, nt_err rc, int status, const char *code, const char *fmt, ...) {
    va_list ap;

    f->status = status;
    snprintf(f->code, sizeof(f->code), "%s", code ? code : "");
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
    va_end(ap);
    return rc;
}

/* Records a failure described by the JSON edge (jio_diag). */
static nt_err fail_diag(api_fail *f, nt_err rc, const jio_diag *d) {
    f->status = d->status ? d->status : rc == NT_EPARSE ? 400 : 422;
    snprintf(f->code, sizeof(f->code), "%s",
             d->code[0]        ? d->code
             : rc == NT_EPARSE ? "malformed_json"
                               : "invalid_request");
    snprintf(f->msg, sizeof(f->msg), "%s", d->msg[0] ? d->msg : nt_strerror(rc));
    if (rc == NT_EPARSE && d->line > 0) {
        f->line = d->line;
        f->col = d->col;
    }
    return rc;
}

json_t *api__fail_json(nt_err rc, const api_fail *f, int *status) {
    *status = f->status ? f->status : http_status_for(rc);
    json_t *e = json_pack("{ss}", "code", f->code[0] ? f->code : nt_errname(rc));

    if (e && json_object_set_new(e, "message",
                                 json_string(f->msg[0] ? f->msg : nt_strerror(rc))) != 0)
        json_object_set_new(e, "message", json_string("(not UTF-8)"));
    if (e && f->offset >= 0)
        json_object_set_new(e, "offset", json_integer(f->offset));
    if (e && f->line > 0) {
        json_object_set_new(e, "line", json_integer(f->line));
        json_object_set_new(e, "column", json_integer(f->col));
    }
    return e;
}

static void fail_reply(http_req *rq, nt_err rc, const api_fail *f) {
    int status = f->status ? f->status : http_status_for(rc);
    json_t *extra = NULL;

    if (http_req_replied(rq))
        return;
    if (status >= 500 && status != 503)
        log_msg(LOG_ERROR, "api", "%s %s: %s (%s)", http_req_method(rq),
                http_req_path(rq), f->msg, nt_errname(rc));
    if (f->offset >= 0 || f->line > 0) {
        extra = json_object();
        if (extra && f->offset >= 0)
            json_object_set_new(extra, "offset", json_integer(f->offset));
        if (extra && f->line > 0) {
            json_object_set_new(extra, "line", json_integer(f->line));
            json_object_set_new(extra, "column", json_integer(f->col));
        }
    }
    http_reply_error(rq, status, f->code[0] ? f->code : nt_errname(rc),
                     f->msg[0] ? f->msg : nt_strerror(rc), extra);
}

/* ---- routing and CORS ----------------------------------------------------------- */

static bool method_matches(const struct route *r, const char *method) {
    return strcmp(r->method, method) == 0 ||
           (strcmp(r->method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/* True if `path` is the route's path, or for a route path ending in '/' '*', starts with
 * what comes before the '*' and has at least one byte more. */
static bool path_matches(const char *route, const char *path) {
    size_t n = strlen(route);

    if (n >= 2 && route[n - 1] == '*' && route[n - 2] == '/')
        return strncmp(route, path, n - 1) == 0 && path[n - 1] != '\0';
    return strcmp(route, path) == 0;
}

/* The route for (path, method), or NULL; *path_known tells 404 from 405. */
static const struct route *find_route(const char *path, const char *method,
                                      bool *path_known) {
    *path_known = false;
    for (size_t i = 0; i < NT_ARRAY_LEN(routes); i++) {
        if (!path_matches(routes[i].path, path))
            continue;
        *path_known = true;
        if (method_matches(&routes[i], method))
            return &routes[i];
    }
    return NULL;
}

/* "GET, HEAD, OPTIONS" for the methods `path` supports. */
static void allow_list(const char *path, char *buf, size_t len) {
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < NT_ARRAY_LEN(routes); i++)
        if (path_matches(routes[i].path, path))
            n += (size_t)snprintf(buf + n, len - n, "%s%s", routes[i].method,
                                  strcmp(routes[i].method, "GET") == 0 ? ", HEAD, "
                                                                       : ", ");
    snprintf(buf + (n < len ? n : len - 1), len - (n < len ? n : len - 1), "OPTIONS");
}

/* True if `origin` appears in the comma-separated list. */
static bool origin_listed(const char *list, const char *origin) {
    size_t olen = strlen(origin);

    while (*list) {
        const char *end = strchr(list, ',');
        size_t n = end ? (size_t)(end - list) : strlen(list);
        const char *p = list;

        while (n > 0 && *p == ' ')
            p++, n--;
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == olen && strncasecmp(p, origin, n) == 0)
            return true;
        if (!end)
            break;
        list = end + 1;
    }
    return false;
}

/* Adds the CORS response headers when the request's Origin is allowed. */
static bool add_cors(api *a, http_req *rq) {
    const char *origin = http_req_header(rq, "Origin");
    const char *list = a->cfg->cors_origins;

    if (!origin || !list[0])
        return false;
    if (strcmp(list, "*") == 0)
        return http_req_add_header(rq, "Access-Control-Allow-Origin", "*") == NT_OK;
    if (!origin_listed(list, origin))
        return false;
    return http_req_add_header(rq, "Access-Control-Allow-Origin", origin) == NT_OK &&
           http_req_add_header(rq, "Vary", "Origin") == NT_OK;
}

/* OPTIONS on a known path: 204 with Allow (and the CORS preflight answer). */
static nt_err reply_options(http_req *rq, const char *allow, bool cors) {
    nt_err rc = http_req_add_header(rq, "Allow", allow);

    if (rc == NT_OK && cors)
        rc = http_req_add_header(rq, "Access-Control-Allow-Methods", allow);
    if (rc == NT_OK && cors)
        rc = http_req_add_header(rq, "Access-Control-Allow-Headers",
                                 "Content-Type, Authorization");
    if (rc == NT_OK && cors)
        rc = http_req_add_header(rq, "Access-Control-Max-Age", "600");
    if (rc != NT_OK)
        return rc;
    return http_reply_empty(rq, 204);
}

static bool api_begin(void *ctx, http_req *rq) {
    api *a = ctx;
    const char *path = http_req_path(rq), *method = http_req_method(rq);
    const struct route *r;
    bool known, cors;
    char allow[64];
    api_fail f;
    nt_err rc = NT_OK;

    api__fail_init(&f);
    metrics_in_flight(a->mx, +1); /* -1 in api_done */
    cors = add_cors(a, rq);
    r = find_route(path, method, &known);
    if (!r && !known) {
        rc = api__fail(&f, NT_ENOTFOUND, 404, "not_found", "no such resource: %.200s", path);
        goto out;
    }
    if (!r) {
        allow_list(path, allow, sizeof(allow));
        if (strcmp(method, "OPTIONS") == 0) {
            rc = reply_options(rq, allow, cors);
            goto out;
        }
        rc = http_req_add_header(rq, "Allow", allow);
        if (rc != NT_OK)
            goto out;
        rc = api__fail(&f, NT_EINVAL, 405, "method_not_allowed",
                  "%.20s is not allowed on %s; use %s", method, path, allow);
        goto out;
    }
    if (r->shed && http_req_overloaded(rq)) {
        rc = api__fail(&f, NT_EBUSY, 503, "overloaded",
                  "too many requests in flight; retry later");
        goto out;
    }
    if (r->check && (rc = r->check(a, rq, &f)) != NT_OK)
        goto out;
    /* Even body-less routes answer from api_run: MHD 0.9.75 closes the connection after
     * a reply queued before the request is complete, which would defeat keep-alive. */
    return true;
out:
    if (rc != NT_OK)
        fail_reply(rq, rc, &f);
    return false;
}

static void api_run(void *ctx, http_req *rq) {
    api *a = ctx;
    const struct route *r;
    bool known;
    api_fail f;
    nt_err rc;

    api__fail_init(&f);
    r = find_route(http_req_path(rq), http_req_method(rq), &known);
    if (!r) /* cannot happen: api_begin only lets routed requests through */
        rc = api__fail(&f, NT_EINTERNAL, 500, NULL, "request lost its route");
    else
        rc = r->handle(a, rq, &f);
    if (rc != NT_OK)
        fail_reply(rq, rc, &f);
}

/* ---- POST /v1/tag --------------------------------------------------------------- */

static bool token_is(const char *p, size_t n, const char *word) {
    return strlen(word) == n && strncasecmp(p, word, n) == 0;
}

/* Parses Content-Type: media type (case-insensitive), then `charset`, which must be
 * UTF-8 (or its subset US-ASCII) when given. A missing header means text/plain. */
static nt_err body_kind_of(const char *ct, enum body_kind *kind, api_fail *f) {
    const char *p = ct, *end;
    size_t n;

    *kind = BODY_PLAIN;
    if (!ct)
        return NT_OK;
    while (*p == ' ' || *p == '\t')
        p++;
    n = strcspn(p, ";");
    end = p + n;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n == 0 || token_is(p, n, "text/plain"))
        *kind = BODY_PLAIN;
    else if (token_is(p, n, "application/json"))
        *kind = BODY_JSON;
    else if (token_is(p, n, "text/html"))
        *kind = BODY_HTML;
    else
        return api__fail(f, NT_EINVAL, 415, "unsupported_media_type",
                    "Content-Type %.*s is not supported; use text/plain; charset=utf-8, "
                    "text/html or application/json",
                    (int)(n > 80 ? 80 : n), p);
    for (p = end; *p == ';';) {
        const char *name, *val;
        size_t nn, vn;

        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        name = p;
        nn = strcspn(p, "=;");
        p += nn;
        if (*p != '=')
            continue;
        val = ++p;
        vn = strcspn(p, ";");
        p += vn;
        while (vn > 0 && (val[vn - 1] == ' ' || val[vn - 1] == '\t'))
            vn--;
        if (vn >= 2 && val[0] == '"' && val[vn - 1] == '"')
            val++, vn -= 2;
        while (nn > 0 && (name[nn - 1] == ' ' || name[nn - 1] == '\t'))
            nn--;
        if (token_is(name, nn, "charset") && !token_is(val, vn, "utf-8") &&
            !token_is(val, vn, "utf8") && !token_is(val, vn, "us-ascii"))
            return api__fail(f, NT_EINVAL, 415, "unsupported_charset",
                        "charset %.*s is not supported; send UTF-8",
                        (int)(vn > 40 ? 40 : vn), val);
    }
    return NT_OK;
}

static nt_err check_tag(api *a, http_req *rq, api_fail *f) {
    enum body_kind kind;

    (void)a;
    return body_kind_of(http_req_header(rq, "Content-Type"), &kind, f);
}

struct query_ctx {
    jio_request *req;
    jio_diag *d;
};

static nt_err apply_query(void *ctx, const char *key, const char *val) {
    struct query_ctx *q = ctx;
    size_t bad;

    val = val ? val : "";
    /* MHD has percent-decoded the value: it may now hold any bytes. */
    if (utf8_validate(val, strlen(val), &bad) != NT_OK ||
        utf8_validate(key, strlen(key), &bad) != NT_OK) {
        q->d->status = 400;
        snprintf(q->d->code, sizeof(q->d->code), "invalid_utf8");
        snprintf(q->d->msg, sizeof(q->d->msg), "a query parameter is not valid UTF-8");
        return NT_EINVAL;
    }
    return jio_apply_option(q->req, key, val, q->d);
}

/* Parse and shape: body → *req (strings borrow the body or *root). */
static nt_err read_request(api *a, http_req *rq, json_t **root, jio_request *req,
                           api_fail *f) {
    nt_str body = http_req_body(rq);
    enum body_kind kind;
    jio_diag d;
    nt_err rc;

    memset(&d, 0, sizeof(d));
    jio_request_init(req);
    rc = body_kind_of(http_req_header(rq, "Content-Type"), &kind, f);
    if (rc != NT_OK)
        return rc;
    if (kind == BODY_JSON && body.n > 0) {
        rc = jio_parse_request(body.p, body.n, root, req, &d);
        if (rc != NT_OK)
            return fail_diag(f, rc, &d);
    } else if (kind == BODY_HTML && body.n > 0) {
        req->html = body;
        req->has_html = true;
    } else { /* text/plain, or an empty body of any type: an empty document */
        req->text = body;
        req->has_text = true;
    }
    if (kind != BODY_JSON) { /* raw bodies take their options from the query */
        struct query_ctx q = {req, &d};
        rc = http_req_query_each(rq, apply_query, &q);
        if (rc != NT_OK)
            return fail_diag(f, rc, &d);
    }
    req->opts.max_tokens = a->cfg->max_tokens;
    if (req->opts.published.n == 0)
        req->opts.published = req->published;
    return NT_OK;
}

/* HTML → text with maps back into the source (meta->map/emap/source). */
static nt_err extract_html(nt_str html, arena *ar, nt_str *text, jio_meta *meta,
                           api_fail *f) {
    html_doc h;
    nt_err rc;

    memset(&h, 0, sizeof(h));
    rc = html_extract(html.p, html.n, ar, &h);
    if (rc == NT_ELIMIT && html.n <= HTML_MAX_BYTES)
        return api__fail(f, rc, 413, "html_too_many_tags",
                    "the HTML document has more than %d tags", HTML_MAX_TAGS);
    if (rc == NT_ELIMIT)
        return api__fail(f, rc, 413, "body_too_large", "the HTML document is too large");
    if (rc == NT_EINVAL)
        return api__fail(f, rc, 422, "html_too_deep", "HTML elements nest deeper than %d levels",
                    HTML_MAX_DEPTH);
    if (rc == NT_ENOMEM)
        return api__fail(f, rc, 503, NULL, "the request needs more memory than is available");
    if (rc != NT_OK)
        return api__fail(f, rc, 0, NULL, "HTML extraction failed: %s", nt_strerror(rc));
    *text = (nt_str){h.text, h.len};
    meta->map = h.map;
    meta->emap = h.emap;
    meta->source = html;
    return NT_OK;
}

/* Validate the input, extract HTML, run the tagger; *out gets the new response. Offsets
 * in the response point into what the client sent (the HTML source for HTML input). */
static nt_err run_tag(api *a, const snap *s, const jio_request *req, arena *ar,
                      json_t **out, api_fail *f) {
    nt_str in = req->has_html ? req->html : req->text, text = in;
    tg_result res;
    jio_meta meta;
    size_t bad = 0;
    double t0;
    nt_err rc;

    if (utf8_validate(in.p, in.n, &bad) != NT_OK) {
        f->offset = (long long)bad;
        return api__fail(f, NT_EINVAL, 400, "invalid_utf8",
                    "the %s is not valid UTF-8 (first bad byte at offset %zu)",
                    req->has_html ? "HTML" : "text", bad);
    }
    memset(&res, 0, sizeof(res));
    memset(&meta, 0, sizeof(meta));
    t0 = now_ms();
    if (req->has_html && (rc = extract_html(in, ar, &text, &meta, f)) != NT_OK)
        return rc;
    rc = tagger_run(s, text.p, text.n, &req->opts, ar, &res);
    if (rc == NT_ELIMIT)
        return api__fail(f, rc, 413, "too_many_tokens", "the text has more than %zu tokens",
                    a->cfg->max_tokens);
    if (rc == NT_ENOMEM)
        return api__fail(f, rc, 503, NULL, "the request needs more memory than is available");
    if (rc != NT_OK)
        return api__fail(f, rc, 0, NULL, "tagging failed: %s", nt_strerror(rc));
    meta.id = req->id;
    meta.unit = req->unit;
    meta.took_ms = now_ms() - t0;
    size_t mentions = 0;
    for (size_t i = 0; i < res.n_ents; i++)
        mentions += res.ents[i].n_mentions;
    metrics_tagged(a->mx, in.n, res.n_ents, mentions, res.n_events);
    *out = jio_result(s, text, &res, &meta);
    if (!*out)
        return api__fail(f, NT_ENOMEM, 503, NULL, "out of memory while rendering the result");
    return NT_OK;
}

static nt_err h_tag(api *a, http_req *rq, api_fail *f) {
    json_t *root = NULL, *out = NULL; /* both owned here */
    model_ref *ref = NULL;
    jio_request req;
    nt_err rc;

    rc = read_request(a, rq, &root, &req, f); /* req borrows root and the body */
    if (rc != NT_OK)
        goto out;
    ref = model_acquire_wait(a->m, API_READY_WAIT_MS);
    if (!ref) {
        rc = api__fail(f, NT_EBUSY, 503, "not_ready", "the dictionary is still loading");
        goto out;
    }
    rc = run_tag(a, model_ref_snap(ref), &req, http_req_arena(rq), &out, f);
    if (rc != NT_OK)
        goto out;
    rc = http_reply_json(rq, 200, out);
out:
    json_decref(out);
    json_decref(root);
    model_release(ref);
    return rc;
}

nt_err api__tag_json(api *a, const snap *s, const char *body, size_t n, arena *ar,
                     json_t **out, api_fail *f) {
    json_t *root = NULL;
    jio_request req;
    jio_diag d;
    nt_err rc;

    *out = NULL;
    memset(&d, 0, sizeof(d));
    rc = jio_parse_request(body, n, &root, &req, &d); /* req borrows root */
    if (rc != NT_OK) {
        fail_diag(f, rc, &d);
        goto out;
    }
    req.opts.max_tokens = a->cfg->max_tokens;
    if (req.opts.published.n == 0)
        req.opts.published = req.published;
    rc = run_tag(a, s, &req, ar, out, f);
out:
    json_decref(root);
    return rc;
}

/* ---- GET routes ----------------------------------------------------------------- */

/* Replies with j and drops it (takes ownership of j, even on error; NULL = NT_ENOMEM). */
nt_err api__reply_new(http_req *rq, int status, json_t *j) {
    nt_err rc;

    if (!j)
        return NT_ENOMEM;
    rc = http_reply_json(rq, status, j);
    json_decref(j);
    return rc;
}

static nt_err h_health(api *a, http_req *rq, api_fail *f) {
    (void)a;
    (void)f;
    return api__reply_new(rq, 200, json_pack("{ss}", "status", "ok"));
}

static nt_err h_ready(api *a, http_req *rq, api_fail *f) {
    model_ref *ref = model_acquire(a->m);
    nt_err rc;

    if (!ref)
        return api__fail(f, NT_EBUSY, 503, "not_ready", "the dictionary is still loading");
    rc = api__reply_new(rq, 200,
                   json_pack("{ss s{sIsI}}", "status", "ready", "dictionary", "version",
                             (json_int_t)snap_version(model_ref_snap(ref)), "entities",
                             (json_int_t)snap_entity_count(model_ref_snap(ref))));
    model_release(ref);
    return rc;
}

static json_t *dictionary_json(const snap *s, const model_info *mi) {
    size_t counts[NT_TYPE_COUNT];
    json_t *by_type = json_object();

    snap_counts(s, counts);
    for (int t = 0; by_type && t < NT_TYPE_COUNT; t++)
        json_object_set_new(by_type, nt_type_name((nt_type)t),
                            json_integer((json_int_t)counts[t]));
    return json_pack("{sIsIsosIsIsIsbsb}", "version", (json_int_t)snap_version(s),
                     "entities", (json_int_t)snap_entity_count(s), "by_type", by_type,
                     "aliases", (json_int_t)mi->last.aliases, "skipped_aliases",
                     (json_int_t)mi->last.skipped_aliases, "bytes",
                     (json_int_t)snap_bytes(s), "from_cache", mi->last.from_cache, "lmdb",
                     mi->dict_open);
}

static json_t *reloads_json(const model_info *mi, bool token_set) {
    char at[32] = "";
    struct tm tm;

    if (mi->last_load_at && gmtime_r(&mi->last_load_at, &tm))
        strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *r = json_pack("{sI sI sf ss? ss? sb}", "loads", (json_int_t)mi->loads,
                          "failures", (json_int_t)mi->load_failures, "last_ms",
                          mi->last_load_ms, "last_at", at[0] ? at : NULL, "last_error",
                          mi->last_error[0] ? mi->last_error : NULL, "running",
                          mi->reloading);

    at[0] = '\0';
    if (mi->last_write_at && gmtime_r(&mi->last_write_at, &tm))
        strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (r) /* live edits (model_write): overlays published over the last full build */
        json_object_set_new(
            r, "writes",
            json_pack("{sb sI sI ss? sI sI sf sI sI}", "enabled",
                      mi->writable && token_set, "committed", (json_int_t)mi->writes,
                      "failed", (json_int_t)mi->write_failures, "last_at",
                      at[0] ? at : NULL, "overlays", (json_int_t)mi->overlays,
                      "overlay_failures", (json_int_t)mi->overlay_failures,
                      "last_overlay_ms", mi->last_overlay_ms, "pending_edits",
                      (json_int_t)mi->pending_edits, "base_version",
                      (json_int_t)mi->base_version));
    return r;
}

static nt_err h_info(api *a, http_req *rq, api_fail *f) {
    const struct nt_config *c = a->cfg;
    model_ref *ref = model_acquire(a->m);
    json_t *dj = NULL;
    model_info mi;
    nt_err rc;

    (void)f;
    model_get_info(a->m, &mi);
    dj = ref ? dictionary_json(model_ref_snap(ref), &mi) : json_null();
    rc = api__reply_new(
        rq, 200,
        json_pack("{ss ss s{ss ss} so so s{sI sI} s{sI sI sI sI sI}}", "name", "newstag",
                  "version", NT_VERSION, "build", "date", a->build_date, "compiler",
                  __VERSION__, "dictionary", dj, "reloads",
                  reloads_json(&mi, c->admin_token[0] != '\0'), "server",
                  "threads", (json_int_t)c->threads, "uptime_s",
                  (json_int_t)(time(NULL) - a->started), "limits", "max_body",
                  (json_int_t)c->max_body, "max_tokens", (json_int_t)c->max_tokens,
                  "conn_timeout_s", (json_int_t)c->conn_timeout_s, "conn_limit",
                  (json_int_t)c->conn_limit, "max_in_flight",
                  (json_int_t)c->max_in_flight));
    model_release(ref);
    return rc;
}

/* GET /: the demo page (docs/demo.html: one file, no external assets). */
static nt_err h_demo(api *a, http_req *rq, api_fail *f) {
    if (!a->demo)
        return api__fail(f, NT_ENOTFOUND, 404, "not_found", "no demo page configured (--demo)");
    return http_reply_static(rq, 200, "text/html; charset=utf-8", a->demo, a->demo_len);
}

static nt_err h_openapi(api *a, http_req *rq, api_fail *f) {
    if (!a->openapi)
        return api__fail(f, NT_ENOTFOUND, 404, "not_found", "no OpenAPI file is installed");
    return http_reply_static(rq, 200, "application/yaml; charset=utf-8", a->openapi,
                             a->openapi_len);
}

static nt_err h_metrics(api *a, http_req *rq, api_fail *f) {
    model_ref *ref = model_acquire(a->m);
    metrics_gauges g = {.ready = ref != NULL, .max_in_flight = a->cfg->max_in_flight};
    model_info mi;
    char *buf = NULL;
    size_t len = 0;
    nt_err rc;

    if (ref) {
        g.dict_version = snap_version(model_ref_snap(ref));
        g.dict_entities = snap_entity_count(model_ref_snap(ref));
    }
    model_release(ref);
    model_get_info(a->m, &mi);
    g.loads = mi.loads;
    g.load_failures = mi.load_failures;
    g.last_load_seconds = mi.last_load_ms / 1000.0;
    g.last_load_at = mi.last_load_at;
    g.dict_writes = mi.writes;
    g.dict_write_failures = mi.write_failures;
    g.overlays = mi.overlays;
    g.pending_edits = mi.pending_edits;
    g.last_overlay_seconds = mi.last_overlay_ms / 1000.0;
    rc = metrics_render(a->mx, &g, &buf, &len);
    if (rc != NT_OK)
        return api__fail(f, rc, 503, NULL, "out of memory while rendering the metrics");
    return http_reply_owned(rq, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}

/* Every request, once over: counted by route (the table's path, or "other") and status. */
static void api_done(void *ctx, http_req *rq) {
    api *a = ctx;
    const struct route *r;
    const char *code = http_req_error_code(rq);
    bool known;

    r = find_route(http_req_path(rq), http_req_method(rq), &known);
    metrics_request(a->mx, r ? (size_t)(r - routes) : NT_ARRAY_LEN(routes),
                    http_req_status(rq), http_req_elapsed_ms(rq));
    if (code)
        metrics_error(a->mx, code);
    metrics_in_flight(a->mx, -1);
}

/* ---- lifecycle ------------------------------------------------------------------ */

/* __DATE__ "Mmm dd yyyy" + __TIME__ → "yyyy-mm-ddThh:mm:ss". */
static void build_date(char *out, size_t len) {
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *d = __DATE__, *m = strstr(months, (char[4]){d[0], d[1], d[2], 0});

    snprintf(out, len, "%.4s-%02d-%c%cT%s", d + 7, m ? (int)(m - months) / 3 + 1 : 0,
             d[4] == ' ' ? '0' : d[4], d[5], __TIME__);
}

nt_err api_new(const struct nt_config *c, model *m, api **out) {
    const char *names[NT_ARRAY_LEN(routes)]; /* metrics labels: the table's paths */
    api *a = calloc(1, sizeof(*a));
    nt_err rc;

    *out = NULL;
    if (!a)
        return NT_ENOMEM;
    for (size_t i = 0; i < NT_ARRAY_LEN(routes); i++)
        names[i] = routes[i].path;
    rc = metrics_new(names, NT_ARRAY_LEN(routes), &a->mx);
    if (rc != NT_OK) {
        free(a);
        return rc;
    }
    a->cfg = c;
    a->m = m;
    a->started = time(NULL);
    build_date(a->build_date, sizeof(a->build_date));
    if (c->openapi_path[0]) {
        rc = loader_read_file(c->openapi_path, &a->openapi, &a->openapi_len);
        if (rc == NT_ENOMEM) {
            api_free(a);
            return rc;
        }
        if (rc != NT_OK)
            log_msg(LOG_WARN, "api",
                    "no OpenAPI file at %s: GET /openapi.yaml answers 404",
                    c->openapi_path);
    }
    if (c->demo_path[0] && loader_read_file(c->demo_path, &a->demo, &a->demo_len) != NT_OK)
        log_msg(LOG_WARN, "api", "no demo page at %s: GET / answers 404", c->demo_path);
    *out = a;
    return NT_OK;
}

void api_free(api *a) {
    if (!a)
        return;
    free(a->openapi);
    free(a->demo);
    metrics_free(a->mx);
    free(a);
}

void api_hooks(api *a, http_hooks *h) {
    h->ctx = a;
    h->begin = api_begin;
    h->run = api_run;
    h->done = api_done;
}
