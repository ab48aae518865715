/* metrics.c - atomic counters and their Prometheus text rendering (metrics.h). Requests
 * are counted per (route, status) in a dense [route][status] table, so recording is one
 * atomic add and never allocates; the latency histogram has fixed buckets per route;
 * error codes are interned lock-free into a small fixed table. */
#include "metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MX_STATUS    600 /* statuses 0..599; 0 = no response */
#define MX_CODES     64
#define MX_CODE_LEN  48

/* Latency bucket upper bounds in seconds (Prometheus `le`), +Inf implied. */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define MX_BUCKETS (sizeof(buckets) / sizeof(buckets[0]) + 1)

struct mx_route {
    atomic_ullong status[MX_STATUS];
    atomic_ullong hist[MX_BUCKETS]; /* not cumulative; +Inf last */
    atomic_ullong sum_us;           /* total latency, microseconds */
};

struct mx_code {
    atomic_int state; /* 0 free, 1 being written, 2 ready */
    char name[MX_CODE_LEN];
    atomic_ullong n;
};

struct metrics {
    const char **route_names;  /* copied array, borrowed strings */
    size_t n_routes;           /* + 1 for "other" */
    struct mx_route *routes;   /* n_routes + 1 */
    struct mx_code codes[MX_CODES];
    atomic_ullong codes_other;
    atomic_ullong bytes, docs, entities, mentions, events;
    atomic_ullong batch_ok, batch_err;
    atomic_llong in_flight;
    time_t started;
};

nt_err metrics_new(const char *const *routes, size_t n_routes, metrics **out) {
    metrics *m = calloc(1, sizeof(*m));

    *out = NULL;
    if (!m)
        return NT_ENOMEM;
    /* calloc'd atomics: all-zero bits are a valid zero for every atomic type used */
    m->routes = calloc(n_routes + 1, sizeof(*m->routes));
    m->route_names = calloc(n_routes + 1, sizeof(*m->route_names));
    if (!m->routes || !m->route_names) {
        metrics_free(m);
        return NT_ENOMEM;
    }
    memcpy(m->route_names, routes, n_routes * sizeof(*routes));
    m->n_routes = n_routes;
    m->started = time(NULL);
    *out = m;
    return NT_OK;
}

void metrics_free(metrics *m) {
    if (!m)
        return;
    free(m->routes);
    free(m->route_names);
    free(m);
}

void metrics_request(metrics *m, size_t route, int status, double ms) {
    struct mx_route *r = &m->routes[route < m->n_routes ? route : m->n_routes];
    double s = ms / 1000.0;
    size_t b = 0;

    if (status < 0 || status >= MX_STATUS)
        status = 0;
    atomic_fetch_add_explicit(&r->status[status], 1, memory_order_relaxed);
    while (b < MX_BUCKETS - 1 && s > buckets[b])
        b++;
    atomic_fetch_add_explicit(&r->hist[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->sum_us, (unsigned long long)(ms * 1000.0 + 0.5),
                              memory_order_relaxed);
}

void metrics_error(metrics *m, const char *code) {
    size_t n = strlen(code);

    if (n >= MX_CODE_LEN)
        n = MX_CODE_LEN - 1;
    for (size_t i = 0; i < MX_CODES; i++) {
        struct mx_code *c = &m->codes[i];
        int st = atomic_load_explicit(&c->state, memory_order_acquire);

        if (st == 0) {
            int want = 0;
            if (atomic_compare_exchange_strong(&c->state, &want, 1)) {
                memcpy(c->name, code, n);
                c->name[n] = '\0';
                atomic_store_explicit(&c->state, 2, memory_order_release);
                atomic_fetch_add_explicit(&c->n, 1, memory_order_relaxed);
                return;
            }
            st = want;
        }
        while (st == 1) /* another thread is writing this slot's name: a few stores */
            st = atomic_load_explicit(&c->state, memory_order_acquire);
        if (strncmp(c->name, code, n) == 0 && c->name[n] == '\0') {
            atomic_fetch_add_explicit(&c->n, 1, memory_order_relaxed);
            return;
        }
    }
    atomic_fetch_add_explicit(&m->codes_other, 1, memory_order_relaxed);
}

void metrics_tagged(metrics *m, size_t bytes, size_t entities, size_t mentions,
                    size_t events) {
    atomic_fetch_add_explicit(&m->docs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->bytes, bytes, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->entities, entities, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->mentions, mentions, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->events, events, memory_order_relaxed);
}

void metrics_batch_line(metrics *m, bool ok) {
    atomic_fetch_add_explicit(ok ? &m->batch_ok : &m->batch_err, 1, memory_order_relaxed);
}

void metrics_in_flight(metrics *m, int delta) {
    atomic_fetch_add_explicit(&m->in_flight, delta, memory_order_relaxed);
}

/* ---- rendering ------------------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(sbuf *b, const char *fmt, ...) {
    va_list ap;
    int k;

    if (b->oom)
        return;
    for (;;) {
        va_start(ap, fmt);
        k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)k < b->cap - b->n) {
            b->n += (size_t)k;
            return;
        }
        size_t nc = (b->cap + (size_t)k + 1) * 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
}

static void head(sbuf *b, const char *name, const char *type, const char *help) {
    put(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static unsigned long long ld(const atomic_ullong *x) {
    return atomic_load_explicit(x, memory_order_relaxed);
}

static const char *route_name(const metrics *m, size_t i) {
    return i < m->n_routes ? m->route_names[i] : "other";
}

static void render_requests(const metrics *m, sbuf *b) {
    head(b, "newstag_http_requests_total", "counter",
         "HTTP requests finished, by route and status (0 = no response sent)");
    for (size_t r = 0; r <= m->n_routes; r++)
        for (int s = 0; s < MX_STATUS; s++) {
            unsigned long long v = ld(&m->routes[r].status[s]);
            if (v)
                put(b, "newstag_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                    route_name(m, r), s, v);
        }
    head(b, "newstag_http_request_duration_seconds", "histogram",
         "time from request headers to the end of the response, by route");
    for (size_t r = 0; r <= m->n_routes; r++) {
        const struct mx_route *rt = &m->routes[r];
        unsigned long long cum = 0;

        for (size_t k = 0; k < MX_BUCKETS; k++)
            cum += ld(&rt->hist[k]);
        if (cum == 0)
            continue;
        cum = 0;
        for (size_t k = 0; k < MX_BUCKETS; k++) {
            cum += ld(&rt->hist[k]);
            if (k + 1 < MX_BUCKETS)
                put(b,
                    "newstag_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
                    "%llu\n",
                    route_name(m, r), buckets[k], cum);
            else
                put(b,
                    "newstag_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"}"
                    " %llu\n",
                    route_name(m, r), cum);
        }
        put(b, "newstag_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
            route_name(m, r), (double)ld(&rt->sum_us) / 1e6);
        put(b, "newstag_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
            route_name(m, r), cum);
    }
}

static void render_errors(const metrics *m, sbuf *b) {
    head(b, "newstag_http_errors_total", "counter",
         "error replies by their stable error code");
    for (size_t i = 0; i < MX_CODES; i++) {
        const struct mx_code *c = &m->codes[i];
        if (atomic_load_explicit(&c->state, memory_order_acquire) != 2)
            continue;
        put(b, "newstag_http_errors_total{code=\"%s\"} %llu\n", c->name, ld(&c->n));
    }
    if (ld(&m->codes_other))
        put(b, "newstag_http_errors_total{code=\"other\"} %llu\n", ld(&m->codes_other));
}

static void counter(sbuf *b, const char *name, const char *help, unsigned long long v) {
    head(b, name, "counter", help);
    put(b, "%s %llu\n", name, v);
}

static void gauge(sbuf *b, const char *name, const char *help, double v) {
    head(b, name, "gauge", help);
    put(b, "%s %.15g\n", name, v);
}

nt_err metrics_render(const metrics *m, const metrics_gauges *g, char **out, size_t *len) {
    sbuf b = {0};

    *out = NULL;
    *len = 0;
    head(&b, "newstag_build_info", "gauge", "the running version");
    put(&b, "newstag_build_info{version=\"%s\"} 1\n", NT_VERSION);
    gauge(&b, "newstag_uptime_seconds", "seconds since the daemon started",
          (double)(time(NULL) - m->started));
    render_requests(m, &b);
    render_errors(m, &b);
    gauge(&b, "newstag_http_requests_in_flight", "requests in progress",
          (double)atomic_load_explicit(&m->in_flight, memory_order_relaxed));
    gauge(&b, "newstag_http_max_in_flight",
          "requests in progress past which tagging answers 503", g->max_in_flight);
    counter(&b, "newstag_documents_tagged_total", "documents tagged (batch lines included)",
            ld(&m->docs));
    counter(&b, "newstag_bytes_tagged_total", "bytes of text or HTML tagged", ld(&m->bytes));
    counter(&b, "newstag_entities_found_total", "entities found (one per distinct entity "
            "per document)", ld(&m->entities));
    counter(&b, "newstag_mentions_found_total", "entity mentions found", ld(&m->mentions));
    counter(&b, "newstag_events_found_total", "events found", ld(&m->events));
    head(&b, "newstag_batch_lines_total", "counter",
         "POST /v1/tag/batch lines, by result");
    put(&b, "newstag_batch_lines_total{result=\"ok\"} %llu\n", ld(&m->batch_ok));
    put(&b, "newstag_batch_lines_total{result=\"error\"} %llu\n", ld(&m->batch_err));
    gauge(&b, "newstag_ready", "1 once a dictionary snapshot is loaded", g->ready);
    gauge(&b, "newstag_dictionary_version", "version of the dictionary served",
          (double)g->dict_version);
    gauge(&b, "newstag_dictionary_entities", "entities in the dictionary served",
          (double)g->dict_entities);
    counter(&b, "newstag_reloads_total", "successful snapshot builds (startup included)",
            g->loads);
    counter(&b, "newstag_reload_failures_total",
            "failed reloads (the running snapshot was kept)", g->load_failures);
    gauge(&b, "newstag_last_reload_duration_seconds",
          "duration of the last successful snapshot build", g->last_load_seconds);
    gauge(&b, "newstag_last_reload_timestamp_seconds",
          "Unix time of the last successful snapshot build", (double)g->last_load_at);
    counter(&b, "newstag_dictionary_writes_total",
            "committed /v1/entities write requests", g->dict_writes);
    counter(&b, "newstag_dictionary_write_failures_total",
            "/v1/entities write requests that failed (nothing committed)",
            g->dict_write_failures);
    counter(&b, "newstag_dictionary_overlays_total",
            "snapshots published at once after a write (overlays)", g->overlays);
    gauge(&b, "newstag_dictionary_pending_edits",
          "entries edited since the last full build (served by the overlay)",
          (double)g->pending_edits);
    gauge(&b, "newstag_last_overlay_duration_seconds",
          "write start to overlay published, for the last write", g->last_overlay_seconds);
    if (b.oom) {
        free(b.p);
        return NT_ENOMEM;
    }
    *out = b.p;
    *len = b.n;
    return NT_OK;
}
