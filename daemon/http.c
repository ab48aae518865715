/* http.c - the only file that includes <microhttpd.h>. Runs MHD with an internal thread
 * pool, keeps one http_req per request (created on the first callback, freed only in the
 * completion callback, all its memory in one arena), enforces the body cap while the body
 * streams in, refuses work past the in-flight cap, and turns replies into MHD responses.
 * MHD_YES/MHD_NO and MHD types never leave this file. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define HTTP_MAX_HEADERS 12
#define HTTP_DISCARD_MAX (16u << 20) /* body bytes read and dropped after a 413 */
#define HTTP_CONN_MEMORY (64 * 1024) /* per connection: request line + headers + I/O */
#define JSON_CTYPE       "application/json; charset=utf-8"
#define HTTP_MIN_RATE    1024 /* bytes/s a body must average once conn_timeout has passed */

/* One open connection, for the slow-client deadline (MHD's own timeout is idle time
 * only, so a client sending a byte a second would hold a connection for ever). */
struct conn_slot {
    struct conn_slot *prev, *next;
    MHD_socket fd;
    atomic_llong deadline_ms; /* headers must be complete by then; 0 = none */
};
struct http_server {
    struct MHD_Daemon *d;
    http_hooks hooks;
    const struct nt_config *cfg;
    size_t max_body, arena_limit;
    unsigned max_in_flight;
    atomic_uint in_flight; /* requests between first callback and completion */
    uint16_t port;
    unsigned timeout_ms;   /* c->conn_timeout_s */
    /* the reaper: shuts down connections past their header deadline */
    pthread_mutex_t lk;    /* guards conns; held while a socket is shut down */
    struct conn_slot *conns;
    pthread_t reaper;
    bool reaper_started;
    atomic_bool stopping;
    atomic_bool draining;  /* SIGTERM: replies say Connection: close */
};

struct http_req {
    http_server *srv;
    struct MHD_Connection *conn;
    arena *a;                  /* owns everything below, rq itself included */
    const char *method, *path; /* copies in the arena */
    char *body;
    size_t body_len, body_cap;
    size_t discarded;         /* bytes thrown away after the cap was passed */
    bool too_large, body_oom; /* the body cap or the arena was exceeded */
    bool replied, queue_failed, completed;
    int status;
    size_t max_body;      /* this request's body cap */
    const char *err_code; /* code of the error reply (arena), or NULL */
    double t0;
    size_t n_hdrs;
    struct {
        const char *name, *value;
    } hdrs[HTTP_MAX_HEADERS];
};

/* The one nt_err → HTTP status table (STYLE.md "translate at the boundary, once"). */
static const struct {
    nt_err err;
    int status;
} err_status[] = {
    {NT_OK, 200},     {NT_EINVAL, 400}, {NT_EPARSE, 400},    {NT_ELIMIT, 413},
    {NT_ENOMEM, 503}, {NT_EBUSY, 503},  {NT_ENOTFOUND, 404},
};

/* Sent when even building an error reply fails. */
static const char oom_body[] = "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out "
                               "of memory; retry later\"}}\n";

int http_status_for(nt_err e) {
    for (size_t i = 0; i < NT_ARRAY_LEN(err_status); i++)
        if (err_status[i].err == e)
            return err_status[i].status;
    return 500;
}

static double now_ms(void) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- accessors ------------------------------------------------------------------ */

const char *http_req_method(const http_req *rq) { return rq->method; }
const char *http_req_path(const http_req *rq) { return rq->path; }
nt_str http_req_body(const http_req *rq) {
    return (nt_str){rq->body ? rq->body : "", rq->body_len};
}
arena *http_req_arena(http_req *rq) { return rq->a; }
bool http_req_replied(const http_req *rq) { return rq->replied; }

int http_req_status(const http_req *rq) { return rq->status; }
const char *http_req_error_code(const http_req *rq) { return rq->err_code; }
double http_req_elapsed_ms(const http_req *rq) { return now_ms() - rq->t0; }
bool http_req_completed(const http_req *rq) { return rq->completed; }

void http_req_set_body_limit(http_req *rq, size_t n) {
    size_t most = rq->srv->arena_limit - rq->srv->max_body * 63;

    rq->max_body = n < most ? n : most;
}

bool http_req_overloaded(const http_req *rq) {
    return atomic_load(&rq->srv->in_flight) > rq->srv->max_in_flight;
}

const char *http_req_header(const http_req *rq, const char *name) {
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

struct query_walk {
    http_query_fn fn;
    void *ctx;
    nt_err rc;
};

static enum MHD_Result on_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
    struct query_walk *w = cls;

    (void)kind;
    w->rc = w->fn(w->ctx, key, value);
    return w->rc == NT_OK ? MHD_YES : MHD_NO;
}

nt_err http_req_query_each(http_req *rq, http_query_fn fn, void *ctx) {
    struct query_walk w = {fn, ctx, NT_OK};

    MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, on_query_arg, &w);
    return w.rc;
}

nt_err http_req_add_header(http_req *rq, const char *name, const char *value) {
    char *n, *v;

    if (rq->n_hdrs == HTTP_MAX_HEADERS)
        return NT_ELIMIT;
    n = arena_strndup(rq->a, name, strlen(name));
    v = arena_strndup(rq->a, value, strlen(value));
    if (!n || !v)
        return NT_ENOMEM;
    rq->hdrs[rq->n_hdrs].name = n;
    rq->hdrs[rq->n_hdrs].value = v;
    rq->n_hdrs++;
    return NT_OK;
}

static bool has_header(const http_req *rq, const char *name) {
    for (size_t i = 0; i < rq->n_hdrs; i++)
        if (strcasecmp(rq->hdrs[i].name, name) == 0)
            return true;
    return false;
}

/* ---- replies ---------------------------------------------------------------------- */

/* Queues `resp` (taking it, even when NULL = creation failed) with `status`. */
static nt_err queue(http_req *rq, int status, struct MHD_Response *resp,
                    const char *ctype) {
    nt_err rc = NT_OK;

    if (!resp) {
        rc = NT_ENOMEM;
        goto out;
    }
    if (ctype &&
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) != MHD_YES) {
        rc = NT_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < rq->n_hdrs; i++)
        if (MHD_add_response_header(resp, rq->hdrs[i].name, rq->hdrs[i].value) !=
            MHD_YES) {
            rc = NT_ENOMEM;
            goto out;
        }
    /* Draining: finish this reply, then close, so keep-alive clients move elsewhere. */
    if (atomic_load(&rq->srv->draining) &&
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close") != MHD_YES) {
        rc = NT_ENOMEM;
        goto out;
    }
    if (MHD_queue_response(rq->conn, (unsigned)status, resp) != MHD_YES)
        rc = NT_EINTERNAL;
out:
    rq->replied = true;
    rq->status = status;
    if (rc != NT_OK) {
        rq->queue_failed = true; /* the access handler will close the connection */
        log_msg(LOG_ERROR, "http", "cannot queue a %d response for %s %s: %s", status,
                rq->method, rq->path, nt_strerror(rc));
    }
    if (resp)
        MHD_destroy_response(resp);
    return rc;
}

nt_err http_reply_static(http_req *rq, int status, const char *ctype, const char *data,
                         size_t len) {
    if (rq->replied)
        return NT_EINVAL;
    /* A NULL free callback: the buffer outlives the server. */
    return queue(
        rq, status,
        MHD_create_response_from_buffer_with_free_callback(len, (void *)data, NULL),
        ctype);
}

nt_err http_reply_empty(http_req *rq, int status) {
    return http_reply_static(rq, status, NULL, "", 0);
}

nt_err http_reply_owned(http_req *rq, int status, const char *ctype, char *data,
                        size_t len) {
    struct MHD_Response *resp;

    if (rq->replied) {
        free(data);
        return NT_EINVAL;
    }
    resp = MHD_create_response_from_buffer_with_free_callback(len, data, free);
    if (!resp)
        free(data); /* on failure it is still ours */
    return queue(rq, status, resp, ctype);
}

/* The MHD side of an http_stream: MHD's reader protocol (bytes, END_OF_STREAM,
 * END_WITH_ERROR) and its free callback. */
struct stream_box {
    http_stream st;
};

static ssize_t on_stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
    struct stream_box *b = cls;
    long n;

    (void)pos;
    n = b->st.read(b->st.ctx, buf, max);
    if (n > 0)
        return (ssize_t)n;
    return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void on_stream_free(void *cls) {
    struct stream_box *b = cls;

    if (b->st.free)
        b->st.free(b->st.ctx);
    free(b);
}

nt_err http_reply_stream(http_req *rq, int status, const char *ctype,
                         const http_stream *st) {
    struct stream_box *b = malloc(sizeof(*b));
    struct MHD_Response *resp = NULL;

    if (!b || rq->replied) {
        if (st->free)
            st->free(st->ctx);
        free(b);
        return b ? NT_EINVAL : NT_ENOMEM;
    }
    b->st = *st;
    resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, on_stream_read,
                                             b, on_stream_free);
    if (!resp)
        on_stream_free(b);
    return queue(rq, status, resp, ctype);
}

static nt_err reply_oom(http_req *rq) {
    if (!has_header(rq, "Retry-After"))
        http_req_add_header(rq, "Retry-After", "1"); /* best effort */
    return http_reply_static(rq, 503, JSON_CTYPE, oom_body, sizeof(oom_body) - 1);
}

nt_err http_reply_json(http_req *rq, int status, const json_t *body) {
    char *s = NULL, *t;
    size_t n;

    if (rq->replied)
        return NT_EINVAL;
    s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(10)); /* 0.95, not 0.9499… */
    if (!s)
        return reply_oom(rq);
    n = strlen(s);
    t = realloc(s, n + 2); /* jansson's default allocator is malloc */
    if (!t) {
        free(s);
        return reply_oom(rq);
    }
    s = t;
    s[n++] = '\n';
    s[n] = '\0';
    /* On success MHD owns s and calls free(); on failure it is still ours. */
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback(n, s, free);
    if (!resp)
        free(s);
    return queue(rq, status, resp, JSON_CTYPE);
}

/* Messages may quote request bytes (a path, a header) that are not UTF-8: jansson
 * refuses those, so fall back to a fixed sentence rather than fail the reply. */
static json_t *message_json(const char *msg) {
    json_t *m = json_string(msg);

    return m ? m : json_string("(the message quoted bytes that are not UTF-8)");
}

nt_err http_reply_error(http_req *rq, int status, const char *code, const char *msg,
                        json_t *extra) {
    json_t *root = NULL, *err = NULL;
    nt_err rc;

    if (rq->replied) {
        json_decref(extra);
        return NT_EINVAL;
    }
    if (status == 503 && !has_header(rq, "Retry-After"))
        http_req_add_header(rq, "Retry-After", "1");
    rq->err_code = arena_strndup(rq->a, code, strlen(code)); /* NULL on OOM: fine */
    err = json_object();
    root = json_object();
    if (!err || !root || json_object_set_new(err, "code", json_string(code)) != 0 ||
        json_object_set_new(err, "message", message_json(msg)) != 0 ||
        (extra && json_object_update(err, extra) != 0) ||
        json_object_set(root, "error", err) != 0) {
        rc = reply_oom(rq);
        goto out;
    }
    rc = http_reply_json(rq, status, root);
out:
    json_decref(extra);
    json_decref(err);
    json_decref(root);
    return rc;
}

nt_err http_reply_nt(http_req *rq, nt_err e, const char *code, const char *msg) {
    int status = http_status_for(e);

    if (status >= 500 && status != 503)
        log_msg(LOG_ERROR, "http", "%s %s failed: %s", rq->method, rq->path,
                nt_strerror(e));
    return http_reply_error(rq, status, code ? code : nt_errname(e),
                            msg ? msg : nt_strerror(e), NULL);
}

static nt_err reply_too_large(http_req *rq) {
    char msg[120];

    snprintf(msg, sizeof(msg), "request body is larger than the limit of %zu bytes",
             rq->max_body);
    return http_reply_error(rq, 413, "body_too_large", msg,
                            json_pack("{sI}", "limit", (json_int_t)rq->max_body));
}

/* ---- slow clients ------------------------------------------------------------- */

static struct conn_slot *conn_slot_of(struct MHD_Connection *conn) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return ci ? ci->socket_context : NULL;
}

/* The next request's headers must be in within timeout_ms (0 = no deadline). */
static void conn_deadline(http_server *s, struct MHD_Connection *conn, bool on) {
    struct conn_slot *c = conn_slot_of(conn);

    if (c)
        atomic_store(&c->deadline_ms, on ? (long long)(now_ms() + s->timeout_ms) : 0);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
    http_server *s = cls;
    struct conn_slot *c = *socket_context;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        c = calloc(1, sizeof(*c));
        if (!c || !ci) { /* untracked: only MHD's idle timeout applies to it */
            free(c);
            return;
        }
        c->fd = ci->connect_fd;
        atomic_init(&c->deadline_ms, (long long)(now_ms() + s->timeout_ms));
        pthread_mutex_lock(&s->lk);
        c->next = s->conns;
        if (s->conns)
            s->conns->prev = c;
        s->conns = c;
        pthread_mutex_unlock(&s->lk);
        *socket_context = c;
    } else if (c) { /* MHD_CONNECTION_NOTIFY_CLOSED: before MHD closes the socket */
        pthread_mutex_lock(&s->lk);
        if (c->prev)
            c->prev->next = c->next;
        else
            s->conns = c->next;
        if (c->next)
            c->next->prev = c->prev;
        pthread_mutex_unlock(&s->lk);
        free(c);
        *socket_context = NULL;
    }
}

/* Every 100 ms, shuts down (not closes: the socket stays MHD's) each connection whose
 * request headers are overdue; MHD then sees the end of the stream and closes it. */
static void *reaper_main(void *arg) {
    http_server *s = arg;
    struct timespec tick = {0, 100 * 1000 * 1000};

    while (!atomic_load(&s->stopping)) {
        nanosleep(&tick, NULL);
        long long now = (long long)now_ms();
        pthread_mutex_lock(&s->lk);
        for (struct conn_slot *c = s->conns; c; c = c->next) {
            long long d = atomic_load(&c->deadline_ms);
            if (d && now > d) {
                log_msg(LOG_DEBUG, "http", "closing a connection whose request took over "
                        "%u ms to arrive", s->timeout_ms);
                shutdown(c->fd, SHUT_RDWR);
                atomic_store(&c->deadline_ms, 0);
            }
        }
        pthread_mutex_unlock(&s->lk);
    }
    return NULL;
}

/* ---- the MHD callbacks ---------------------------------------------------------- */

static http_req *req_new(http_server *s, struct MHD_Connection *conn, const char *url,
                         const char *method) {
    arena *a = arena_new(s->arena_limit);
    http_req *rq;

    if (!a)
        return NULL;
    rq = arena_calloc(a, 1, sizeof(*rq));
    if (!rq || !(rq->method = arena_strndup(a, method, strlen(method))) ||
        !(rq->path = arena_strndup(a, url, strlen(url)))) {
        arena_free(a);
        return NULL;
    }
    rq->a = a;
    rq->srv = s;
    rq->conn = conn;
    rq->max_body = s->max_body;
    rq->t0 = now_ms();
    return rq;
}

/* Reads Content-Length if the client sent one. */
static bool content_length(const http_req *rq, unsigned long long *n) {
    const char *v = http_req_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
    char *end;

    if (!v || !*v)
        return false;
    errno = 0;
    *n = strtoull(v, &end, 10);
    return errno == 0 && *end == '\0';
}

static enum MHD_Result on_first_call(http_server *s, struct MHD_Connection *conn,
                                     const char *url, const char *method,
                                     void **con_cls) {
    unsigned long long cl;
    http_req *rq;
    bool want_body;

    conn_deadline(s, conn, false); /* the headers are in */
    rq = req_new(s, conn, url, method);
    if (!rq)
        return MHD_NO; /* out of memory: drop the connection */
    *con_cls = rq;
    atomic_fetch_add(&s->in_flight, 1);
    want_body = s->hooks.begin(s->hooks.ctx, rq);
    if (!rq->replied && !want_body)
        http_reply_nt(rq, NT_EINTERNAL, NULL,
                      "handler gave no reply"); /* cannot happen */
    if (rq->replied)
        return rq->queue_failed ? MHD_NO : MHD_YES;
    if (content_length(rq, &cl)) {
        if (cl > rq->max_body) { /* 413 before reading a byte of it */
            reply_too_large(rq);
            return rq->queue_failed ? MHD_NO : MHD_YES;
        }
        rq->body = arena_alloc(rq->a, (size_t)cl + 1);
        if (!rq->body)
            rq->body_oom = true;
        else
            rq->body_cap = (size_t)cl + 1;
    }
    return MHD_YES;
}

/* Appends a body chunk, or counts it as discarded once a limit was passed. Returns false
 * when the connection should be dropped. */
static bool on_body_chunk(http_req *rq, const char *data, size_t n) {
    size_t need, cap;
    char *p;

    double ms = now_ms() - rq->t0;

    if (ms > rq->srv->timeout_ms &&
        (double)(rq->body_len + rq->discarded) * 1000.0 / ms < HTTP_MIN_RATE) {
        log_msg(LOG_DEBUG, "http", "dropping %s %s: body slower than %d bytes/s",
                rq->method, rq->path, HTTP_MIN_RATE);
        return false; /* a trickling body (slowloris): drop the connection */
    }
    if (rq->replied || rq->too_large || rq->body_oom) {
        /* Chunked bodies have no length up front, and MHD 0.9.75 refuses to queue a
         * reply mid-upload (MHD_queue_response returns MHD_NO): read and drop up to
         * HTTP_DISCARD_MAX (or 4 x max_body) more so the client gets its 413 at the end
         * of the body, then drop a client that keeps sending. Nothing is stored. */
        rq->discarded += n;
        return rq->discarded <= HTTP_DISCARD_MAX || rq->discarded / 4 <= rq->max_body;
    }
    if (n > rq->max_body - rq->body_len) {
        rq->too_large = true;
        rq->discarded = n;
        return true;
    }
    need = rq->body_len + n + 1;
    if (need > rq->body_cap) {
        cap = rq->body_cap ? rq->body_cap : 4096;
        while (cap < need)
            cap *= 2;
        if (cap > rq->max_body + 1)
            cap = rq->max_body + 1;
        p = arena_realloc(rq->a, rq->body, rq->body_cap, cap);
        if (!p) {
            rq->body_oom = true;
            rq->discarded = n;
            return true;
        }
        rq->body = p;
        rq->body_cap = cap;
    }
    memcpy(rq->body + rq->body_len, data, n);
    rq->body_len += n;
    rq->body[rq->body_len] = '\0';
    return true;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **con_cls) {
    http_server *s = cls;
    http_req *rq = *con_cls;

    (void)version;
    if (!rq)
        return on_first_call(s, conn, url, method, con_cls);
    if (*upload_data_size) {
        bool keep = on_body_chunk(rq, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return keep ? MHD_YES : MHD_NO;
    }
    if (!rq->replied) { /* the whole body is in */
        if (rq->too_large)
            reply_too_large(rq);
        else if (rq->body_oom)
            reply_oom(rq);
        else
            s->hooks.run(s->hooks.ctx, rq);
        if (!rq->replied)
            http_reply_nt(rq, NT_EINTERNAL, NULL,
                          "handler gave no reply"); /* cannot happen */
    }
    return rq->queue_failed ? MHD_NO : MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    http_server *s = cls;
    http_req *rq = *con_cls;

    if (!rq)
        return;
    log_msg(LOG_DEBUG, "http", "%s %s status=%d body=%zu ms=%.3f end=%d", rq->method,
            rq->path, rq->status, rq->body_len, now_ms() - rq->t0, (int)toe);
    rq->completed = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
    if (s->hooks.done)
        s->hooks.done(s->hooks.ctx, rq);
    atomic_fetch_sub(&s->in_flight, 1);
    conn_deadline(s, conn, true); /* keep-alive: the next request has the same time */
    *con_cls = NULL;
    arena_free(rq->a); /* rq lives in its own arena */
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
    char buf[512];
    size_t n;

    (void)cls;
    vsnprintf(buf, sizeof(buf), fmt, ap);
    n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    log_msg(LOG_WARN, "mhd", "%s", buf);
}

/* ---- start / stop --------------------------------------------------------------- */

nt_err http_start(const struct nt_config *c, const http_hooks *hooks, http_server **out,
                  char *err, size_t errlen) {
    struct sockaddr_storage ss;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct MHD_OptionItem pool[2] = {{MHD_OPTION_END, 0, NULL},
                                     {MHD_OPTION_END, 0, NULL}};
    const union MHD_DaemonInfo *info;
    http_server *s = NULL;
    nt_err rc = NT_ENOMEM;

    *out = NULL;
    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, c->listen_addr, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)c->port);
    } else if (inet_pton(AF_INET6, c->listen_addr, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)c->port);
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "bad listen address '%s'", c->listen_addr);
        rc = NT_EINVAL;
        goto out;
    }
    if (c->threads > 1) /* a pool of 1 is no pool: MHD warns about it */
        pool[0] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
                                          (intptr_t)c->threads, NULL};
    s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    s->hooks = *hooks;
    s->cfg = c;
    s->max_body = c->max_body;
    s->arena_limit = c->max_body * 64 + c->max_batch_body;
    s->max_in_flight = c->max_in_flight;
    s->timeout_ms = c->conn_timeout_s * 1000;
    atomic_init(&s->in_flight, 0);
    atomic_init(&s->stopping, false);
    atomic_init(&s->draining, false);
    pthread_mutex_init(&s->lk, NULL);
    errno = 0;
    s->d = MHD_start_daemon(
        flags, (uint16_t)c->port, NULL, NULL, on_access, s, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, s, /* first, so it sees every message */
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)c->conn_timeout_s, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)c->conn_limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)HTTP_CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_ARRAY, pool, MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "cannot listen on %s port %u: %s", c->listen_addr, c->port,
                 errno ? strerror(errno) : "see the log");
        rc = NT_EIO;
        goto out;
    }
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : (uint16_t)c->port;
    if (pthread_create(&s->reaper, NULL, reaper_main, s) != 0) {
        snprintf(err, errlen, "cannot start the slow-client reaper thread");
        MHD_stop_daemon(s->d);
        goto out;
    }
    s->reaper_started = true;
    *out = s;
    s = NULL;
    rc = NT_OK;
out:
    if (s)
        pthread_mutex_destroy(&s->lk);
    free(s);
    return rc;
}

uint16_t http_port(const http_server *s) { return s->port; }

void http_stop(http_server *s, unsigned drain_ms) {
    MHD_socket lfd;
    unsigned waited = 0;
    struct timespec tick = {0, 10 * 1000 * 1000};

    if (!s)
        return;
    atomic_store(&s->draining, true);
    lfd = MHD_quiesce_daemon(s->d); /* no new connections from here on */
    while (atomic_load(&s->in_flight) > 0 && waited < drain_ms) {
        nanosleep(&tick, NULL);
        waited += 10;
    }
    if (atomic_load(&s->in_flight) > 0)
        log_msg(LOG_WARN, "http", "closing with %u requests still in flight",
                atomic_load(&s->in_flight));
    atomic_store(&s->stopping, true);
    if (s->reaper_started)
        pthread_join(s->reaper, NULL);
    MHD_stop_daemon(s->d);
    if (lfd != MHD_INVALID_SOCKET) /* close only after MHD_stop_daemon (MHD docs) */
        close(lfd);
    pthread_mutex_destroy(&s->lk);
    free(s);
}
