/* metrics.h - the daemon's operational counters, rendered in the Prometheus text format
 * (version 0.0.4) for GET /metrics. One metrics object per daemon, owned by the api; every
 * counter is a C11 atomic, so request threads record without locks and a scrape reads a
 * consistent-enough view (each counter exact, the set not a snapshot). No MHD, no JSON. */
#ifndef NT_DAEMON_METRICS_H
#define NT_DAEMON_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "newstag.h"

typedef struct metrics metrics;

/* Values read at scrape time from elsewhere (the model, the config). */
typedef struct metrics_gauges {
    bool ready;                /* a snapshot is loaded */
    uint64_t dict_version;     /* dictionary version served */
    uint64_t dict_entities;    /* entities in it */
    uint64_t loads;            /* successful snapshot builds (first included) */
    uint64_t load_failures;    /* failed reloads */
    double last_load_seconds;  /* duration of the last successful build */
    time_t last_load_at;       /* wall clock of it; 0 = none */
    unsigned max_in_flight;    /* the overload threshold */
    uint64_t dict_writes;      /* committed /v1/entities write requests */
    uint64_t dict_write_failures; /* write requests that committed nothing on error */
    uint64_t overlays;         /* overlays published after writes */
    uint64_t pending_edits;    /* entries edited since the last full build */
    double last_overlay_seconds; /* write start → overlay published, last write */
} metrics_gauges;

/* Returns a new metrics object in *out (free with metrics_free). `routes` names the
 * route labels 0..n_routes-1 (the array is copied; the strings are borrowed and must
 * outlive the object); index n_routes is "other" (404, 405, OPTIONS). NT_ENOMEM. */
nt_err metrics_new(const char *const *routes, size_t n_routes, metrics **out);
void metrics_free(metrics *m);

/* Records one finished request: route index (n_routes = other), HTTP status (0 = no
 * response was sent) and its duration in milliseconds. Thread-safe. */
void metrics_request(metrics *m, size_t route, int status, double ms);
/* Records an error reply by its stable code (copied; the first 64 distinct codes get
 * their own series, later ones count as "other"). Thread-safe, lock-free. */
void metrics_error(metrics *m, const char *code);
/* Records one tagged document: input bytes, entities, mentions and events found. */
void metrics_tagged(metrics *m, size_t bytes, size_t entities, size_t mentions,
                    size_t events);
/* Records one line of a batch: ok = tagged, else an error object was written. */
void metrics_batch_line(metrics *m, bool ok);
/* Requests in progress: +1 when one starts, -1 when it ends. */
void metrics_in_flight(metrics *m, int delta);

/* Renders every series into a new malloc'd buffer (*out, *len; free with free()).
 * Thread-safe against concurrent recording. NT_ENOMEM. */
nt_err metrics_render(const metrics *m, const metrics_gauges *g, char **out, size_t *len);

#endif
