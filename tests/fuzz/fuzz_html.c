/* fuzz_html.c - HTML extraction on arbitrary valid UTF-8: html_extract must never crash,
 * leak or overrun; the text it returns is valid UTF-8 and its maps point at code point
 * boundaries inside the source (so every response slice of the HTML is valid UTF-8);
 * then the text is tagged and rendered with the maps, as POST /v1/tag does.
 * Build: tests/fuzz/run.sh (libFuzzer) or make (-DFUZZ_REPLAY). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "json_io.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static snap *S;

static void add(snap_builder *b, const char *id, nt_type t, const char *name,
                nt_case mode) {
    ent_alias al[1] = {{nt_str_c(name), mode}};
    ent_entry e = {.id = nt_str_c(id), .type = t, .subtype = nt_str_c(""),
                   .name = nt_str_c(name), .aliases = al, .n_aliases = 1};
    snap_builder_add(b, &e);
}

static void build_once(void) {
    snap_builder *b = NULL;

    if (S || snap_builder_new(&b) != NT_OK)
        return;
    snap_builder_load_cues(b, "titles", nt_str_c("mr\npresident\n"));
    add(b, "loc/homs", NT_TYPE_LOC, "Homs", NT_CASE_TITLE);
    add(b, "loc/sao-paulo", NT_TYPE_LOC, "São Paulo", NT_CASE_TITLE);
    add(b, "loc/zurich", NT_TYPE_LOC, "Zürich", NT_CASE_TITLE);
    add(b, "org/raf", NT_TYPE_ORG, "RAF", NT_CASE_EXACT);
    add(b, "org/mod", NT_TYPE_ORG, "Ministry of Defence", NT_CASE_TITLE);
    snap_builder_finish(b, 1, &S);
    snap_builder_free(b);
}

static bool boundary(const char *s, size_t n, uint32_t off) {
    return off == n || (off < n && ((unsigned char)s[off] & 0xC0) != 0x80);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *src = (const char *)data;
    json_t *out = NULL;
    arena *a = NULL;
    html_doc h;
    tagger_opts o;
    tg_result res;
    jio_meta meta;
    size_t bad;
    nt_err rc;

    build_once();
    if (!S)
        abort();
    if (utf8_validate(src, size, &bad) != NT_OK) /* the API validates first */
        return 0;
    a = arena_new(1 << 26);
    if (!a)
        return 0;
    rc = html_extract(src, size, a, &h);
    if (rc != NT_OK) {
        if (rc != NT_EINVAL && rc != NT_ELIMIT && rc != NT_ENOMEM)
            abort();
        goto out;
    }
    if (utf8_validate(h.text, h.len, &bad) != NT_OK)
        abort();
    for (size_t b = 0; b <= h.len; b++) {
        if (b < h.len && (h.map[b] > size || !boundary(src, size, h.map[b])))
            abort();
        if (h.emap[b] > size || !boundary(src, size, h.emap[b]))
            abort();
    }
    tagger_opts_init(&o);
    o.max_tokens = 20000;
    if (tagger_run(S, h.text, h.len, &o, a, &res) != NT_OK)
        goto out;
    memset(&meta, 0, sizeof(meta));
    meta.map = h.map;
    meta.emap = h.emap;
    meta.source = (nt_str){src, size};
    out = jio_result(S, (nt_str){h.text, h.len}, &res, &meta);
out:
    json_decref(out);
    arena_free(a);
    return 0;
}

#include "replay.h"
