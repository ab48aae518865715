/* fuzz_rules.c - the event rule language on arbitrary bytes: parse + compile must never
 * crash, leak or run away, a parse error must come with a 1-based line:col, and a rule
 * set that compiles must run (tagger_run's event stage) over a fixed news text without
 * fault. Input: rule text, optionally followed by a NUL byte and the text to tag.
 * Build: tests/fuzz/run.sh (libFuzzer) or make (-DFUZZ_REPLAY). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "snapshot.h"
#include "tagger.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char default_text[] =
    "Four Tornado GR4s struck targets near Homs in Syria on Tuesday, the Ministry of "
    "Defence said. Rebels were killed by government forces in April. The president "
    "denied that the army had attacked the village, and called on NATO to meet in Paris.";

static void add(snap_builder *b, const char *id, nt_type t, const char *name) {
    ent_alias al[1] = {{nt_str_c(name), NT_CASE_TITLE}};
    ent_entry e = {.id = nt_str_c(id), .type = t, .subtype = nt_str_c(""),
                   .name = nt_str_c(name), .aliases = al, .n_aliases = 1};
    snap_builder_add(b, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data, *nul = memchr(p, 0, size);
    nt_str rules = {p, nul ? (size_t)(nul - p) : size};
    nt_str text = nul ? (nt_str){nul + 1, size - rules.n - 1}
                      : (nt_str){default_text, sizeof(default_text) - 1};
    rules_set *rs = NULL;
    snap_builder *b = NULL;
    snap *s = NULL;
    arena *a = NULL;
    rules_diag d;
    tagger_opts o;
    tg_result res;
    size_t bad;
    nt_err rc;

    if (size > 1 << 16) /* rule files are small; bound the per-input time */
        return 0;
    if (utf8_validate(text.p, text.n, &bad) != NT_OK)
        text = (nt_str){default_text, sizeof(default_text) - 1}; /* the API checks first */
    memset(&d, 0, sizeof(d));
    rc = rules_compile("fuzz.rules", rules, &rs, &d);
    if (rc == NT_EPARSE && (d.line < 1 || d.col < 1 || !d.msg[0]))
        abort(); /* an error must say where and what */
    if (rc != NT_OK && rc != NT_EPARSE && rc != NT_ENOMEM)
        abort();
    if (rc != NT_OK)
        goto out;
    if (rs && (rules_event_count(rs) > 100000 || rules_pattern_count(rs) > 1000000))
        abort(); /* cannot happen for a 64 KiB file */
    /* The same rules through the snapshot, then tagged over text. */
    if (snap_builder_new(&b) != NT_OK)
        goto out;
    snap_builder_load_cues(b, "titles", nt_str_c("president\nmr\n"));
    add(b, "loc/homs", NT_TYPE_LOC, "Homs");
    add(b, "loc/syria", NT_TYPE_LOC, "Syria");
    add(b, "org/nato", NT_TYPE_ORG, "NATO");
    add(b, "org/mod", NT_TYPE_ORG, "Ministry of Defence");
    add(b, "weapon/tornado", NT_TYPE_WEAPON, "Tornado GR4");
    if (snap_builder_load_rules(b, "fuzz.rules", rules, &d) != NT_OK ||
        snap_builder_finish_rules(b, &d) != NT_OK ||
        snap_builder_finish(b, 1, &s) != NT_OK)
        goto out;
    a = arena_new(1 << 24);
    if (!a)
        goto out;
    memset(&o, 0, sizeof(o));
    tagger_opts_init(&o);
    o.max_tokens = 20000;
    rc = tagger_run(s, text.p, text.n, &o, a, &res);
    if (rc == NT_OK)
        for (size_t i = 0; i < res.n_events; i++) {
            const tg_event *e = &res.events[i];
            if (e->trig_start > e->trig_end || e->trig_end > text.n)
                abort();
            for (size_t k = 0; k < e->n_args; k++)
                if (e->args[k].start > e->args[k].end || e->args[k].end > text.n)
                    abort();
        }
out:
    arena_free(a);
    snap_free(s);
    snap_builder_free(b);
    rules_set_free(rs);
    return 0;
}

#include "replay.h"
