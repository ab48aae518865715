/* api_batch.c - POST /v1/tag/batch: NDJSON in, NDJSON out. The body (under its own cap,
 * c->max_batch_body) is read whole, its lines are counted (413 past c->max_batch_lines),
 * then the response streams: each line is tagged only when the connection can take its
 * result, in its own arena, so memory stays at one document's worth however long the
 * batch. A line that fails yields {"line":N,"status":S,"error":{…}} in its place; the
 * batch itself still answers 200. One snapshot serves the whole batch. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_int.h"
#include "log.h"

typedef struct batch {
    api *a;
    model_ref *ref;  /* held until batch_free: one dictionary version per batch */
    char *out;       /* the current line's result (json_dumps + '\n'), malloc'd */
    size_t out_len, out_pos;
    size_t pos, len; /* next unread byte of body, body length */
    size_t line;     /* 1-based number of the next line */
    char body[];     /* a copy: the response may outlive the request's memory */
} batch;

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Lines of an NDJSON body: '\n' separates; a final '\n' ends the last line. */
static size_t count_lines(const char *p, size_t n) {
    size_t k = 0;
    const char *nl;

    while (n > 0) {
        k++;
        nl = memchr(p, '\n', n);
        if (!nl)
            break;
        n -= (size_t)(nl + 1 - p);
        p = nl + 1;
    }
    return k;
}

nt_err api__batch_check(api *a, http_req *rq, api_fail *f) {
    const char *ct = http_req_header(rq, "Content-Type");
    size_t n;

    http_req_set_body_limit(rq, a->cfg->max_batch_body);
    if (!ct)
        goto bad;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    n = strcspn(ct, "; \t");
    if ((n == 20 && strncasecmp(ct, "application/x-ndjson", n) == 0) ||
        (n == 17 && strncasecmp(ct, "application/jsonl", n) == 0)) {
        const char *cs = ct + n;
        while (*cs && strncasecmp(cs, "charset=", 8) != 0)
            cs++;
        if (*cs && strncasecmp(cs + 8, "utf-8", 5) != 0 &&
            strncasecmp(cs + 8, "\"utf-8\"", 7) != 0 && strncasecmp(cs + 8, "utf8", 4) != 0) {
            snprintf(f->code, sizeof(f->code), "unsupported_charset");
            snprintf(f->msg, sizeof(f->msg), "charset %.40s is not supported; send UTF-8",
                     cs + 8);
            f->status = 415;
            return NT_EINVAL;
        }
        return NT_OK;
    }
bad:
    f->status = 415;
    snprintf(f->code, sizeof(f->code), "unsupported_media_type");
    snprintf(f->msg, sizeof(f->msg),
             "POST /v1/tag/batch takes application/x-ndjson: one JSON request per line");
    return NT_EINVAL;
}

/* The result of one line, as a new JSON object; ok tells a result from an error. */
static json_t *tag_line(batch *b, const char *p, size_t n, bool *ok) {
    const struct nt_config *c = b->a->cfg;
    json_t *out = NULL, *err;
    arena *ar = NULL;
    api_fail f;
    nt_err rc;
    int status;
    size_t i = 0;

    api__fail_init(&f);
    while (i < n && (is_space(p[i])))
        i++;
    if (i == n) {
        rc = NT_EINVAL;
        f.status = 422;
        snprintf(f.code, sizeof(f.code), "empty_line");
        snprintf(f.msg, sizeof(f.msg), "the line is empty; send one JSON object per line");
    } else if (n > c->max_body) {
        rc = NT_ELIMIT;
        f.status = 413;
        snprintf(f.code, sizeof(f.code), "line_too_large");
        snprintf(f.msg, sizeof(f.msg), "the line is larger than the limit of %zu bytes",
                 c->max_body);
    } else if (!(ar = arena_new(c->max_body * 64))) {
        rc = NT_ENOMEM;
        f.status = 503;
    } else {
        rc = api__tag_json(b->a, model_ref_snap(b->ref), p, n, ar, &out, &f);
    }
    arena_free(ar);
    *ok = rc == NT_OK;
    if (rc == NT_OK)
        return out;
    err = api__fail_json(rc, &f, &status);
    return json_pack("{sIsIso}", "line", (json_int_t)b->line, "status", (json_int_t)status,
                     "error", err);
}

/* Fills b->out with the next line's result; false at the end of the body. */
static bool next_line(batch *b) {
    const char *p = b->body + b->pos, *nl;
    size_t n;
    json_t *j;
    bool ok = false;
    char *s;

    if (b->pos >= b->len)
        return false;
    nl = memchr(p, '\n', b->len - b->pos);
    n = nl ? (size_t)(nl - p) : b->len - b->pos;
    b->pos += n + (nl ? 1 : 0);
    while (n > 0 && p[n - 1] == '\r')
        n--;
    j = tag_line(b, p, n, &ok);
    s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(j);
    if (!s) { /* out of memory: still one line, so the client can count */
        ok = false;
        s = strdup("{\"line\":0,\"status\":503,\"error\":{\"code\":\"out_of_memory\","
                   "\"message\":\"out of memory; retry this line\"}}");
        if (!s)
            return false;
    }
    metrics_batch_line(b->a->mx, ok);
    b->out_len = strlen(s);
    b->out = realloc(s, b->out_len + 1);
    if (!b->out)
        b->out = s; /* keep it; the newline goes out on its own below */
    else
        b->out[b->out_len++] = '\n';
    b->out_pos = 0;
    b->line++;
    return true;
}

static long batch_read(void *ctx, char *buf, size_t max) {
    batch *b = ctx;
    size_t k;

    if (b->out && b->out_pos == b->out_len) {
        bool newline_missing = b->out_len == 0 || b->out[b->out_len - 1] != '\n';
        free(b->out);
        b->out = NULL;
        if (newline_missing) {
            buf[0] = '\n';
            return 1;
        }
    }
    if (!b->out && !next_line(b))
        return 0;
    k = b->out_len - b->out_pos;
    if (k > max)
        k = max;
    memcpy(buf, b->out + b->out_pos, k);
    b->out_pos += k;
    return (long)k;
}

static void batch_free(void *ctx) {
    batch *b = ctx;

    if (!b)
        return;
    free(b->out);
    model_release(b->ref);
    free(b);
}

nt_err api__batch(api *a, http_req *rq, api_fail *f) {
    nt_str body = http_req_body(rq);
    size_t lines = count_lines(body.p, body.n);
    model_ref *ref = NULL;
    batch *b;

    if (lines > a->cfg->max_batch_lines) {
        f->status = 413;
        snprintf(f->code, sizeof(f->code), "too_many_lines");
        snprintf(f->msg, sizeof(f->msg), "the batch has %zu lines; the limit is %u", lines,
                 a->cfg->max_batch_lines);
        return NT_ELIMIT;
    }
    ref = model_acquire_wait(a->m, API_READY_WAIT_MS);
    if (!ref) {
        f->status = 503;
        snprintf(f->code, sizeof(f->code), "not_ready");
        snprintf(f->msg, sizeof(f->msg), "the dictionary is still loading");
        return NT_EBUSY;
    }
    b = malloc(sizeof(*b) + body.n + 1);
    if (!b) {
        model_release(ref);
        return NT_ENOMEM;
    }
    memset(b, 0, sizeof(*b));
    b->a = a;
    b->ref = ref;
    b->len = body.n;
    b->line = 1;
    memcpy(b->body, body.p, body.n);
    b->body[body.n] = '\0';
    log_msg(LOG_DEBUG, "api", "batch of %zu lines, %zu bytes", lines, body.n);
    /* b is the stream's now: http_reply_stream frees it, even on error */
    return http_reply_stream(rq, 200, "application/x-ndjson; charset=utf-8",
                             &(http_stream){b, batch_read, batch_free});
}
