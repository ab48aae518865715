/* fuzz_tsv.c - ent_parse_tsv + ent_validate on arbitrary bytes; a valid entry must
 * survive ent_encode/ent_decode unchanged, and its TSV form must parse again. */
#include <stdint.h>
#include <stdlib.h>

#include "entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const ent_entry *x, const ent_entry *y) {
    if (!nt_str_eq(x->id, y->id) || x->type != y->type || !nt_str_eq(x->subtype, y->subtype) ||
        !nt_str_eq(x->name, y->name) || x->n_aliases != y->n_aliases ||
        x->n_attrs != y->n_attrs || x->origin != y->origin)
        return 0;
    for (size_t i = 0; i < x->n_aliases; i++)
        if (!nt_str_eq(x->aliases[i].text, y->aliases[i].text) ||
            x->aliases[i].mode != y->aliases[i].mode)
            return 0;
    for (size_t i = 0; i < x->n_attrs; i++)
        if (!nt_str_eq(x->attrs[i].key, y->attrs[i].key) ||
            !nt_str_eq(x->attrs[i].val, y->attrs[i].val))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    arena *a = arena_new(0);
    ent_entry e, e2;
    ent_diag d;
    nt_str rec;
    if (!a)
        return 0;
    nt_err rc = ent_parse_tsv((nt_str){(const char *)data, size}, a, &e, &d);
    if (rc == NT_OK)
        rc = ent_validate(&e, &d);
    if (rc == NT_OK) {
        if (ent_encode(&e, a, &rec) != NT_OK || ent_decode(rec, a, &e2) != NT_OK ||
            !same(&e, &e2))
            abort();
    } else if (rc != NT_EPARSE && rc != NT_EINVAL && rc != NT_ENOMEM) {
        abort();
    }
    arena_free(a);
    return 0;
}

#include "replay.h"
