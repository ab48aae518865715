/* fuzz_request.c - the request core without HTTP: JSON body → jio_parse_request → UTF-8
 * check → tagger_run with a tiny snapshot (built once) → jio_result. Must not crash or
 * leak; every json_t is released. */
#include <stdint.h>
#include <stdlib.h>

#include "json_io.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static snap *S;

static void add(snap_builder *b, const char *id, nt_type t, const char *sub, const char *name,
                const char *alias, nt_case mode, const char *country) {
    ent_alias al[1] = {{nt_str_c(alias), mode}};
    ent_attr at[1] = {{nt_str_c("country"), nt_str_c(country)}};
    ent_entry e = {.id = nt_str_c(id), .type = t, .subtype = nt_str_c(sub),
                   .name = nt_str_c(name), .aliases = al, .n_aliases = 1, .attrs = at,
                   .n_attrs = country[0] ? 1 : 0};
    snap_builder_add(b, &e);
}

static void build_once(void) {
    snap_builder *b = NULL;
    if (S || snap_builder_new(&b) != NT_OK)
        return;
    snap_builder_load_words(b, nt_str_c("reading\nthe\non\n"));
    snap_builder_load_cues(b, "titles", nt_str_c("mr\npresident\n"));
    snap_builder_load_cues(b, "never", nt_str_c("may\n"));
    snap_builder_load_cues(b, "place_preps", nt_str_c("in\n"));
    add(b, "loc/libya", NT_TYPE_LOC, "country", "Libya", "Libya", NT_CASE_TITLE, "LY");
    add(b, "loc/tripoli", NT_TYPE_LOC, "city", "Tripoli", "Tripoli", NT_CASE_TITLE, "LY");
    add(b, "loc/reading", NT_TYPE_LOC, "city", "Reading", "Reading", NT_CASE_TITLE, "GB");
    add(b, "org/nato", NT_TYPE_ORG, "", "NATO", "NATO", NT_CASE_EXACT, "");
    add(b, "org/sdf", NT_TYPE_ORG, "", "Syrian Democratic Forces", "Syrian Democratic Forces",
        NT_CASE_TITLE, "");
    add(b, "person/john-smith", NT_TYPE_PERSON, "", "John Smith", "John Smith", NT_CASE_TITLE, "");
    snap_builder_finish(b, 1, &S);
    snap_builder_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *root = NULL, *out = NULL;
    jio_request r;
    jio_diag d;
    arena *a = NULL;
    size_t bad;
    build_once();
    if (!S)
        abort();
    nt_err rc = jio_parse_request((const char *)data, size, &root, &r, &d);
    if (rc != NT_OK) {
        if ((rc == NT_EPARSE && d.status != 400) || (rc == NT_EINVAL && d.status != 422))
            abort();
        goto out;
    }
    nt_str text = r.has_text ? r.text : r.html;
    if (utf8_validate(text.p, text.n, &bad) != NT_OK)
        goto out;
    a = arena_new(1 << 24);
    if (!a)
        goto out;
    tg_result res;
    r.opts.max_tokens = 20000;
    rc = tagger_run(S, text.p, text.n, &r.opts, a, &res);
    if (rc != NT_OK)
        goto out;
    for (size_t i = 0; i < res.n_ents; i++)
        for (size_t k = 0; k < res.ents[i].n_mentions; k++) {
            const tg_mention *m = &res.ents[i].mentions[k];
            if (m->start >= m->end || m->end > text.n)
                abort();
        }
    jio_meta meta = {.id = r.id, .unit = r.unit};
    out = jio_result(S, text, &res, &meta);
out:
    json_decref(out);
    json_decref(root);
    arena_free(a);
    return 0;
}

#include "replay.h"
