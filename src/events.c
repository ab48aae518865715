/* events.c - placeholder-free entry point for the event stage: until the rule language
 * lands (issue: events), the pipeline reports no events. It exists so the pipeline's
 * shape is final; it returns no events and never fails. */
#include "tagger_int.h"

nt_err events_run(tg_ctx *c, const tagger_opts *o, tg_result *out) {
    (void)c;
    (void)o;
    out->events = NULL;
    out->n_events = 0;
    return NT_OK;
}
