/* api_int.h - what the files of the api module share (api.c: routing, /v1/tag and the
 * GET routes; api_batch.c: POST /v1/tag/batch; api_entities.c: /v1/entities): the api
 * object, the failure record a handler fills, and the one-document tagging core. Not
 * for use outside daemon/api*.c. */
#ifndef NT_DAEMON_API_INT_H
#define NT_DAEMON_API_INT_H

#include <time.h>

#include "api.h"
#include "arena.h"
#include "json_io.h"
#include "metrics.h"

/* How long a tagging request that arrives before the first snapshot (start-up) waits
 * for it before answering 503 not_ready. */
enum { API_READY_WAIT_MS = 5000 };

struct api {
    const struct nt_config *cfg;
    model *m;
    metrics *mx;   /* owned */
    char *openapi; /* contents of cfg->openapi_path, or NULL */
    size_t openapi_len;
    char *demo;    /* contents of cfg->demo_path, or NULL */
    size_t demo_len;
    time_t started;
    char build_date[32];
};

/* How a handler failed; rendered once by the dispatcher (or as a batch line). */
typedef struct api_fail {
    int status;       /* 0 = from the nt_err table (http_status_for) */
    char code[48];    /* "" = nt_errname(rc) */
    char msg[256];    /* "" = nt_strerror(rc) */
    long long offset; /* byte offset of bad input, or -1 */
    int line, col;    /* position in a malformed JSON body, or 0 */
} api_fail;

void api__fail_init(api_fail *f);
/* Records a failure (status 0 = from the nt_err table; code NULL = nt_errname) and
 * returns rc, so handlers can write `return api__fail(f, rc, 422, "x", "…")`. */
nt_err api__fail(api_fail *f, nt_err rc, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Replies with j and drops it: takes ownership of j, even on error; NULL = NT_ENOMEM. */
nt_err api__reply_new(http_req *rq, int status, json_t *j);
/* The {"code","message",...} object of a failure and its HTTP status in *status. NULL
 * on OOM. */
json_t *api__fail_json(nt_err rc, const api_fail *f, int *status);

/* Tags one JSON request object (the /v1/tag application/json body, `n` bytes at `body`)
 * against snapshot s with memory from `ar`; *out gets the new response object. On error
 * fills f and returns its nt_err. Records the document in a->mx. Thread-safe. */
nt_err api__tag_json(api *a, const snap *s, const char *body, size_t n, arena *ar,
                     json_t **out, api_fail *f);

/* POST /v1/tag/batch (api_batch.c): the header check and the handler. */
nt_err api__batch_check(api *a, http_req *rq, api_fail *f);
nt_err api__batch(api *a, http_req *rq, api_fail *f);

/* /v1/entities (api_entities.c): header checks (auth, media type) and handlers. */
nt_err api__ent_check_put(api *a, http_req *rq, api_fail *f);
nt_err api__ent_check_delete(api *a, http_req *rq, api_fail *f);
nt_err api__ent_check_bulk(api *a, http_req *rq, api_fail *f);
nt_err api__ent_get(api *a, http_req *rq, api_fail *f);
nt_err api__ent_search(api *a, http_req *rq, api_fail *f);
nt_err api__ent_put(api *a, http_req *rq, api_fail *f);
nt_err api__ent_delete(api *a, http_req *rq, api_fail *f);
nt_err api__ent_bulk(api *a, http_req *rq, api_fail *f);

#endif
