/* api.h - what the HTTP requests mean: the route table and its handlers (/v1/tag,
 * /v1/info, /healthz, /readyz, /openapi.yaml) plus CORS. Knows nothing of MHD: it sees
 * requests through http.h and the served snapshot through model.h. */
#ifndef NT_DAEMON_API_H
#define NT_DAEMON_API_H

#include "config.h"
#include "http.h"
#include "model.h"

typedef struct api api;

/* Returns a new api in *out (free with api_free). `c` and `m` are borrowed and must
 * outlive it. Reads c->openapi_path now (a missing file only logs a WARN: the route then
 * answers 404). NT_ENOMEM. */
nt_err api_new(const struct nt_config *c, model *m, api **out);
void api_free(api *a);

/* Fills *h with the hooks http_start needs; h->ctx is a. */
void api_hooks(api *a, http_hooks *h);

#endif
