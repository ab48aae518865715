/* http.h - the HTTP server (libmicrohttpd behind an opaque interface: no MHD type or
 * MHD_YES/MHD_NO leaves http.c). It owns connections, per-request state, the body cap
 * (enforced while the body streams in), the overload cap, reply helpers and the one
 * table mapping nt_err to HTTP status. What a request means is decided by the hooks
 * (daemon/api.c). All hooks run on MHD worker threads, concurrently. */
#ifndef NT_DAEMON_HTTP_H
#define NT_DAEMON_HTTP_H

#include <jansson.h>
#include <stdint.h>

#include "arena.h"
#include "config.h"
#include "newstag.h"

typedef struct http_server http_server;
typedef struct http_req http_req; /* one request; lives until its response is sent */

typedef struct http_hooks {
    void *ctx;
    /* Called once the request line and headers are in, before any body byte is read.
     * Either replies (then the body, if any, is discarded and the connection closed
     * after the reply) and returns false, or returns true to have the body read (under
     * the cap) and then `run` called. */
    bool (*begin)(void *ctx, http_req *rq);
    /* Called with the complete body; must reply (a 500 is sent if it does not). */
    void (*run)(void *ctx, http_req *rq);
    /* Called once when the request is over (response sent, or the connection gone),
     * just before its memory is freed; may be NULL. For metrics and access logs. */
    void (*done)(void *ctx, http_req *rq);
} http_hooks;

/* Starts listening on c->listen_addr:c->port with a pool of c->threads threads.
 * `hooks` is copied; hooks->ctx and `c` are borrowed until http_stop. Returns a new
 * server in *out. NT_EIO with a message in err if the socket cannot be bound. */
nt_err http_start(const struct nt_config *c, const http_hooks *hooks, http_server **out,
                  char *err, size_t errlen);
/* The bound TCP port (the real one when c->port was 0). */
uint16_t http_port(const http_server *s);
/* Stops accepting connections, waits up to `drain_ms` for requests in flight to finish
 * sending their responses, closes every connection and frees s. Accepts NULL. Call from
 * a thread that is not an MHD worker. */
void http_stop(http_server *s, unsigned drain_ms);

/* ---- request accessors: returned pointers are borrowed, valid until the request ends */
const char *http_req_method(const http_req *rq);
const char *http_req_path(const http_req *rq); /* percent-decoded, no query */
/* Value of header `name` (case-insensitive), or NULL. */
const char *http_req_header(const http_req *rq, const char *name);
/* Calls fn for every query parameter in order (value NULL for "?key"); stops at and
 * returns the first non-NT_OK result. */
typedef nt_err (*http_query_fn)(void *ctx, const char *key, const char *val);
nt_err http_req_query_each(http_req *rq, http_query_fn fn, void *ctx);
/* The request body (not NUL-terminated by contract; a NUL follows it in memory). */
nt_str http_req_body(const http_req *rq);
/* The request's arena (limit: 64 x max_body), freed when the request ends. */
arena *http_req_arena(http_req *rq);
/* True when more requests are in flight than c->max_in_flight. */
bool http_req_overloaded(const http_req *rq);
/* True once a reply has been queued for rq. */
bool http_req_replied(const http_req *rq);
/* Sets this request's body cap (default c->max_body; call from the begin hook). Bodies
 * over it get 413 body_too_large while they stream in. The cap cannot exceed what the
 * request arena holds (c->max_body * 64 + c->max_batch_body). */
void http_req_set_body_limit(http_req *rq, size_t n);
/* The status of the reply queued (0 = none: the client left or timed out first). */
int http_req_status(const http_req *rq);
/* The `code` of the error reply sent (http_reply_error), or NULL for none. */
const char *http_req_error_code(const http_req *rq);
/* Milliseconds since the request's headers arrived. */
double http_req_elapsed_ms(const http_req *rq);
/* True when the response was sent completely (false: client gone, timeout, shutdown).
 * Meaningful in the done hook only. */
bool http_req_completed(const http_req *rq);

/* ---- replies: exactly one per request; a second one returns NT_EINVAL ---- */

/* Adds a header to the reply (copied into the request's arena). Call before replying.
 * NT_ENOMEM, NT_ELIMIT (more than 12 headers). */
nt_err http_req_add_header(http_req *rq, const char *name, const char *value);
/* Replies `status` with body json_dumps(body) (body borrowed) as application/json;
 * charset=utf-8. NT_ENOMEM, NT_EINTERNAL when MHD refuses the response. */
nt_err http_reply_json(http_req *rq, int status, const json_t *body);
/* Replies {"error":{"code":code,"message":msg, ...extra}}: `extra` (stolen, may be NULL)
 * is an object whose members are merged into "error". A 503 gets Retry-After: 1. */
nt_err http_reply_error(http_req *rq, int status, const char *code, const char *msg,
                        json_t *extra);
/* Replies the error for `e` using the status table (NT_EINVAL/NT_EPARSE 400,
 * NT_ELIMIT 413, NT_ENOMEM/NT_EBUSY 503, NT_ENOTFOUND 404, others 500). code/msg NULL
 * mean nt_errname(e)/nt_strerror(e). */
nt_err http_reply_nt(http_req *rq, nt_err e, const char *code, const char *msg);
/* Replies `len` bytes of `data` (borrowed: must outlive the server) as `ctype`. */
nt_err http_reply_static(http_req *rq, int status, const char *ctype, const char *data,
                         size_t len);
/* Replies with no body (204, 304 …). */
nt_err http_reply_empty(http_req *rq, int status);
/* Replies `len` bytes of `data` as `ctype`; takes ownership of data (malloc'd; freed with
 * free()), even on error. */
nt_err http_reply_owned(http_req *rq, int status, const char *ctype, char *data,
                        size_t len);

/* A response body produced piece by piece while it is sent (chunked transfer encoding
 * on HTTP/1.1): `read` is called on the MHD thread of the connection whenever the socket
 * can take more. It writes 1..max bytes at buf and returns how many, returns 0 at the
 * end of the body, or -1 to abort (the connection is closed). `free` (may be NULL) is
 * called exactly once when the response is no longer needed, also when the client left
 * early, and may run after the done hook: ctx must not point into the request. */
typedef struct http_stream {
    void *ctx;
    long (*read)(void *ctx, char *buf, size_t max);
    void (*free)(void *ctx);
} http_stream;

/* Replies `status` with a streamed body of type `ctype`. Takes ownership of st->ctx
 * (st->free is called), even on error. NT_ENOMEM, NT_EINTERNAL. */
nt_err http_reply_stream(http_req *rq, int status, const char *ctype,
                         const http_stream *st);

/* The HTTP status for e (the table above). */
int http_status_for(nt_err e);

#endif
