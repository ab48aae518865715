/* json_io.h - the JSON edge of the engine (the only src/ file with <jansson.h> is
 * json_io.c): tagger results → response JSON with offsets converted once to the wanted
 * unit; request bodies → text + options with precise errors; dictionary entries ↔ JSON.
 * All json_t* returned are NEW references owned by the caller (json_decref). */
#ifndef NT_JSON_IO_H
#define NT_JSON_IO_H

#include <jansson.h>

#include "entry.h"
#include "snapshot.h"
#include "tagger.h"

typedef struct jio_meta {
    nt_str id;               /* request id, echoed; empty = omitted */
    nt_unit unit;            /* offset unit of the response */
    double took_ms;
    /* Offsets may point into a different source than the tagged text (HTML input): if
     * map is non-NULL, text byte b maps to source byte map[b] (len+1 entries), and units
     * are counted over `source`. */
    const uint32_t *map;  /* start offsets: text byte → source byte */
    const uint32_t *emap; /* end offsets: text byte → source byte (html_doc.emap) */
    nt_str source;
} jio_meta;

/* Builds the /v1/tag response for r (tagged text `text`). NULL on OOM. */
json_t *jio_result(const snap *s, nt_str text, const tg_result *r, const jio_meta *m);

/* A parsed tag request. Strings borrow the json_t it came from (keep it alive). */
typedef struct jio_request {
    nt_str id, text, html, title, published, language;
    nt_unit unit;
    tagger_opts opts;
    bool has_text, has_html;
} jio_request;

typedef struct jio_diag {
    int status;        /* 400 malformed JSON, 422 wrong shape */
    char code[48];     /* stable snake_case error code */
    char msg[200];
    int line, col;     /* for malformed JSON */
} jio_diag;

/* Parses a JSON request body. On error returns NT_EPARSE (400) or NT_EINVAL (422) and
 * fills d; *root (new reference, or NULL) must be decref'd by the caller in every case. */
nt_err jio_parse_request(const char *body, size_t n, json_t **root, jio_request *out,
                         jio_diag *d);
/* Applies one option given as a string (query parameters of text/plain requests):
 * offsets, types, events, min_confidence, id, published. NT_EINVAL + d when unknown or bad. */
nt_err jio_apply_option(jio_request *r, const char *key, const char *val, jio_diag *d);
void jio_request_init(jio_request *r);

/* Entry ↔ JSON (the /v1/entities shape of SPEC.md §3). */
json_t *jio_entry(const ent_entry *e);
/* Parses an entry object; strings borrow j. NT_EINVAL + d (422) on a wrong shape. */
nt_err jio_parse_entry(json_t *j, arena *a, ent_entry *out, ent_diag *d);

/* {"error":{"code":…,"message":…}} */
json_t *jio_error(const char *code, const char *msg);

#endif
