/* gaz_scan.c - run a compiled gazetteer over a document's tokens. Never allocates; all
 * per-call state lives in the caller's scratch (one token id per token). Leftmost-longest:
 * from each start token, walk the trie as far as it goes and keep the deepest node with an
 * out whose case check passes; then continue after the match. Work is O(tokens × longest
 * alias). API in gazetteer.h; layout in gaz_int.h. */
#include "gaz_int.h"

#include "utf8.h"
#include "normalize.h"

#include <string.h>

uint64_t gaz_hash(const char *p, size_t n) {
    return nt_hash(p, n);
}

uint32_t gaz_token_id(const gaz_db *db, nt_str f) {
    return gaz_token_id_h(db, f, nt_hash(f.p, f.n));
}

uint32_t gaz_token_id_h(const gaz_db *db, nt_str f, uint64_t hash) {
    if (!db->n_slots)
        return 0;
    uint32_t h = (uint32_t)hash ? (uint32_t)hash : 1, mask = db->n_slots - 1;
    /* bounded by the table size: a loaded table may be full (no empty slot to stop at) */
    for (uint32_t i = h & mask, probes = 0; probes < db->n_slots; i = (i + 1) & mask, probes++) {
        const gaz_vslot *s = &db->slots[i];
        if (s->hash == 0)
            return 0;
        if (s->hash != h)
            continue;
        if (s->len != GAZ_LONG) {
            if (s->len == f.n && nt_mem_eq(s->inl, f.p, f.n))
                return s->id;
        } else if (f.n > GAZ_INLINE) {
            uint32_t a = db->str_off[s->id - 1], b = db->str_off[s->id];
            if (b - a == f.n && nt_mem_eq(db->strings + a, f.p, f.n))
                return s->id;
        }
    }
    return 0;
}

static uint32_t child_of(const gaz_db *db, uint32_t node, uint32_t tok) {
    if (node == 0)
        return tok <= db->n_vocab ? db->root[tok] : 0; /* the root has most edges */
    const gaz_node *n = &db->nodes[node];
    uint32_t lo = n->edge_begin, hi = n->edge_begin + n->edge_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t t = db->edges[mid].tok;
        if (t == tok)
            return db->edges[mid].child;
        if (t < tok)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

uint64_t gaz__case_sig(const tok_doc *doc, uint32_t ts, uint32_t te) {
    uint64_t h = 1469598103934665603ULL;
    for (uint32_t k = ts; k < te; k++) {
        const tok_token *t = &doc->toks[k];
        if (t->flags & TOK_HYPHEN)
            continue;
        for (size_t i = t->start; i < t->end;) {
            unsigned b = (unsigned char)doc->text[i];
            int up, lo;
            if (b < 0x80) { /* ASCII: no decoding */
                up = b - 'A' < 26u;
                lo = b - 'a' < 26u;
                i++;
            } else {
                size_t cl;
                int32_t c = utf8_decode(doc->text, doc->len, i, &cl);
                up = norm_is_upper(c);
                lo = norm_is_lower(c);
                i += cl;
            }
            if (up || lo) {
                h ^= up ? 'U' : 'l';
                h *= 1099511628211ULL;
            }
        }
        h ^= '|';
        h *= 1099511628211ULL;
    }
    return h;
}

bool gaz_case_ok(const gaz_out *o, const tok_doc *doc, uint32_t ts, uint32_t te) {
    switch (o->mode) {
        case NT_CASE_ANY:
            return true;
        case NT_CASE_EXACT:
            return gaz__case_sig(doc, ts, te) == o->sig;
        default: {
            uint32_t k = 0;
            for (uint32_t i = ts; i < te; i++) {
                uint16_t f = doc->toks[i].flags;
                if (f & TOK_HYPHEN)
                    continue;
                if (k < 32 && (o->cap_mask >> k & 1) && !(f & TOK_CAP))
                    return false;
                k++;
            }
            return true;
        }
    }
}

size_t gaz_node_outs(const gaz_db *db, uint32_t node, const gaz_out **outs) {
    const gaz_node *n = &db->nodes[node];
    *outs = db->outs + n->out_begin;
    return n->out_count;
}

static bool node_ok(const gaz_db *db, uint32_t node, const tok_doc *doc, uint32_t ts,
                    uint32_t te) {
    const gaz_out *o;
    size_t n = gaz_node_outs(db, node, &o);
    for (size_t i = 0; i < n; i++)
        if (gaz_case_ok(&o[i], doc, ts, te))
            return true;
    return false;
}

size_t gaz_scratch_size(size_t n_toks) {
    return (n_toks + 1) * sizeof(uint32_t);
}

nt_err gaz_scan(const gaz_db *db, const tok_doc *doc, void *scratch, gaz_match *out,
                size_t cap, size_t *n_out) {
    return gaz_scan_h(db, doc, NULL, scratch, out, cap, n_out);
}

nt_err gaz_scan_h(const gaz_db *db, const tok_doc *doc, const uint64_t *hashes, void *scratch,
                  gaz_match *out, size_t cap, size_t *n_out) {
    uint32_t *ids = scratch;
    *n_out = 0;
    if (!db->n_nodes)
        return NT_OK;
    for (size_t i = 0; i < doc->n_toks; i++) {
        nt_str f = tok_fold(doc, i);
        ids[i] = (doc->toks[i].flags & TOK_HYPHEN)
                     ? UINT32_MAX
                     : gaz_token_id_h(db, f, hashes ? hashes[i] : nt_hash(f.p, f.n));
    }
    return gaz_scan_ids(db, doc, ids, out, cap, n_out);
}

nt_err gaz_scan_ids(const gaz_db *db, const tok_doc *doc, const uint32_t *ids, gaz_match *out,
                    size_t cap, size_t *n_out) {
    size_t n = doc->n_toks, m = 0;
    *n_out = 0;
    if (!db->n_nodes)
        return NT_OK;
    for (size_t i = 0; i < n;) {
        if (ids[i] == 0 || ids[i] == UINT32_MAX) {
            i++;
            continue;
        }
        uint32_t node = 0, best = 0;
        size_t best_end = 0, j = i;
        /* candidates that fail the case check are skipped, so remember them all */
        uint32_t stack_nodes[40];
        size_t stack_end[40], depth = 0;
        while (j < n) {
            if (ids[j] == UINT32_MAX) { /* hyphen: a separator inside an alias */
                if (j == i)
                    break;
                j++;
                continue;
            }
            uint32_t c = ids[j] ? child_of(db, node, ids[j]) : 0;
            if (!c)
                break;
            node = c;
            j++;
            if (db->nodes[node].out_count && depth < NT_ARRAY_LEN(stack_nodes)) {
                stack_nodes[depth] = node;
                stack_end[depth++] = j;
            }
        }
        while (depth > 0) {
            depth--;
            if (node_ok(db, stack_nodes[depth], doc, (uint32_t)i, (uint32_t)stack_end[depth])) {
                best = stack_nodes[depth];
                best_end = stack_end[depth];
                break;
            }
        }
        if (!best) {
            i++;
            continue;
        }
        if (m == cap)
            return NT_ELIMIT;
        out[m++] = (gaz_match){(uint32_t)i, (uint32_t)best_end, best};
        i = best_end;
    }
    *n_out = m;
    return NT_OK;
}

size_t gaz_db_bytes(const gaz_db *db) {
    return db ? db->mem_len : 0;
}

size_t gaz_db_aliases(const gaz_db *db) {
    return db ? db->n_outs : 0;
}

uint32_t gaz_lookup(const gaz_db *db, nt_str alias, arena *a) {
    tok_doc d;
    if (!db->n_nodes || tok_run(alias.p, alias.n, 64, a, &d) != NT_OK)
        return 0;
    uint32_t node = 0;
    for (size_t i = 0; i < d.n_toks; i++) {
        if (d.toks[i].flags & TOK_HYPHEN)
            continue;
        uint32_t id = gaz_token_id(db, tok_fold(&d, i));
        node = id ? child_of(db, node, id) : 0;
        if (!node)
            return 0;
    }
    return node;
}
