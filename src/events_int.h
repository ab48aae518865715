/* events_int.h - helpers shared by the files of the event stage (events.c, ev_time.c).
 * Not public API: the stage is called through tagger_int.h (events_run). */
#ifndef NT_EVENTS_INT_H
#define NT_EVENTS_INT_H

#include "arena.h"
#include "tokenize.h"

/* A time expression: tokens [ts, te) and its normalised value ("2018-04"), or an empty
 * value when nothing anchors it. */
typedef struct ev_date {
    uint32_t ts, te;
    nt_str value;
} ev_date;

/* Finds the time expressions among tokens [first, end) of one sentence, in order and
 * not overlapping, anchored on `published` ("YYYY-MM-DD…", may be empty). At most cap
 * are written to out; *n gets the count. Values live in `a`. NT_OK always (a failed
 * value allocation leaves the value empty). */
nt_err ev__dates(const tok_doc *d, uint32_t first, uint32_t end, nt_str published, arena *a,
                 ev_date *out, size_t cap, size_t *n);

#endif
