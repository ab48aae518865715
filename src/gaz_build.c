/* gaz_build.c - aliases → gaz_db. Mutable build-time maps (vocabulary, trie edges) live
 * in growable hash tables here and are flattened into the sorted arrays of gaz_int.h by
 * gaz_builder_finish. Single-threaded; the result is immutable. */
#include "gaz_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct bkey {
    uint64_t key;  /* (parent << 32) | tok ; 0 = empty (tok ids are ≥ 1) */
    uint32_t child;
} bkey;

typedef struct bout {
    uint32_t node;
    uint32_t seq;
    gaz_out out;
} bout;

struct gaz_builder {
    /* vocabulary */
    gaz_vslot *vslots;
    uint32_t vcap, nvocab;
    uint32_t *voff; /* nvocab + 1 */
    uint32_t voff_cap;
    char *vstr;
    size_t vstr_len, vstr_cap;
    /* trie edges */
    bkey *edges;
    size_t ecap, nedges;
    uint32_t nnodes;
    /* outs */
    bout *outs;
    size_t ocap, nouts;
    arena *tmp;
};

nt_err gaz_builder_new(gaz_builder **out) {
    gaz_builder *b = calloc(1, sizeof(*b));
    if (!b)
        return NT_ENOMEM;
    b->vcap = 1024;
    b->vslots = calloc(b->vcap, sizeof(*b->vslots));
    b->voff_cap = 1024;
    b->voff = calloc(b->voff_cap, sizeof(uint32_t));
    b->ecap = 1024;
    b->edges = calloc(b->ecap, sizeof(*b->edges));
    b->nnodes = 1;
    b->tmp = arena_new(0);
    if (!b->vslots || !b->voff || !b->edges || !b->tmp) {
        gaz_builder_free(b);
        return NT_ENOMEM;
    }
    *out = b;
    return NT_OK;
}

void gaz_builder_free(gaz_builder *b) {
    if (!b)
        return;
    free(b->vslots);
    free(b->voff);
    free(b->vstr);
    free(b->edges);
    free(b->outs);
    arena_free(b->tmp);
    free(b);
}

size_t gaz_builder_count(const gaz_builder *b) {
    return b->nouts;
}

static nt_err vocab_grow(gaz_builder *b) {
    uint32_t ncap = b->vcap * 2;
    gaz_vslot *ns = calloc(ncap, sizeof(*ns));
    if (!ns)
        return NT_ENOMEM;
    for (uint32_t i = 0; i < b->vcap; i++) {
        if (!b->vslots[i].hash)
            continue;
        uint32_t j = b->vslots[i].hash & (ncap - 1);
        while (ns[j].hash)
            j = (j + 1) & (ncap - 1);
        ns[j] = b->vslots[i];
    }
    free(b->vslots);
    b->vslots = ns;
    b->vcap = ncap;
    return NT_OK;
}

/* Interns folded token `f`; *id gets its 1-based id. */
static nt_err vocab_intern(gaz_builder *b, nt_str f, uint32_t *id) {
    uint32_t h = gaz__hash32(f.p, f.n);
    uint32_t mask = b->vcap - 1, i = h & mask;
    for (;; i = (i + 1) & mask) {
        gaz_vslot *s = &b->vslots[i];
        if (!s->hash)
            break;
        if (s->hash == h) {
            uint32_t a = b->voff[s->id - 1], e = b->voff[s->id];
            if (e - a == f.n && memcmp(b->vstr + a, f.p, f.n) == 0) {
                *id = s->id;
                return NT_OK;
            }
        }
    }
    if ((b->nvocab + 1) * 2 > b->vcap) {
        if (vocab_grow(b) != NT_OK)
            return NT_ENOMEM;
        return vocab_intern(b, f, id);
    }
    if (b->vstr_len + f.n > b->vstr_cap) {
        size_t nc = (b->vstr_cap ? b->vstr_cap * 2 : 65536) + f.n;
        char *ns = realloc(b->vstr, nc);
        if (!ns)
            return NT_ENOMEM;
        b->vstr = ns;
        b->vstr_cap = nc;
    }
    if (b->nvocab + 2 > b->voff_cap) {
        uint32_t *no = realloc(b->voff, (size_t)b->voff_cap * 2 * sizeof(uint32_t));
        if (!no)
            return NT_ENOMEM;
        b->voff = no;
        b->voff_cap *= 2;
    }
    memcpy(b->vstr + b->vstr_len, f.p, f.n);
    b->vstr_len += f.n;
    b->nvocab++;
    b->voff[b->nvocab] = (uint32_t)b->vstr_len;
    b->vslots[i] = (gaz_vslot){.hash = h, .id = b->nvocab};
    *id = b->nvocab;
    return NT_OK;
}

static uint64_t mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static nt_err edges_grow(gaz_builder *b) {
    size_t ncap = b->ecap * 2;
    bkey *ne = calloc(ncap, sizeof(*ne));
    if (!ne)
        return NT_ENOMEM;
    for (size_t i = 0; i < b->ecap; i++) {
        if (!b->edges[i].key)
            continue;
        size_t j = mix(b->edges[i].key) & (ncap - 1);
        while (ne[j].key)
            j = (j + 1) & (ncap - 1);
        ne[j] = b->edges[i];
    }
    free(b->edges);
    b->edges = ne;
    b->ecap = ncap;
    return NT_OK;
}

/* The child of `parent` on `tok`, created if missing. */
static nt_err trie_step(gaz_builder *b, uint32_t parent, uint32_t tok, uint32_t *child) {
    if ((b->nedges + 1) * 2 > b->ecap && edges_grow(b) != NT_OK)
        return NT_ENOMEM;
    uint64_t key = ((uint64_t)parent << 32) | tok;
    size_t mask = b->ecap - 1, i = mix(key) & mask;
    for (;; i = (i + 1) & mask) {
        if (!b->edges[i].key)
            break;
        if (b->edges[i].key == key) {
            *child = b->edges[i].child;
            return NT_OK;
        }
    }
    if (b->nnodes == UINT32_MAX)
        return NT_ELIMIT;
    b->edges[i] = (bkey){key, b->nnodes};
    b->nedges++;
    *child = b->nnodes++;
    return NT_OK;
}

nt_err gaz_builder_add(gaz_builder *b, nt_str alias, nt_case mode, uint32_t entity,
                       uint8_t flags) {
    tok_doc d;
    nt_err rc;
    uint32_t node = 0, k = 0, cap_mask = 0;
    int has_word = 0;

    arena_reset(b->tmp);
    rc = tok_run(alias.p, alias.n, 64, b->tmp, &d);
    if (rc == NT_ELIMIT)
        return NT_EINVAL;
    if (rc != NT_OK)
        return rc;
    for (size_t i = 0; i < d.n_toks; i++) {
        uint16_t f = d.toks[i].flags;
        if (f & TOK_HYPHEN)
            continue;
        if (k >= 32)
            return NT_EINVAL;
        has_word |= (f & (TOK_WORD | TOK_NUM)) != 0;
        if (f & TOK_CAP)
            cap_mask |= 1u << k;
        uint32_t id;
        if ((rc = vocab_intern(b, tok_fold(&d, i), &id)) != NT_OK)
            return rc;
        if ((rc = trie_step(b, node, id, &node)) != NT_OK)
            return rc;
        k++;
    }
    if (!has_word || node == 0)
        return NT_EINVAL;
    if (b->nouts == b->ocap) {
        size_t nc = b->ocap ? b->ocap * 2 : 1024;
        bout *no = realloc(b->outs, nc * sizeof(*no));
        if (!no)
            return NT_ENOMEM;
        b->outs = no;
        b->ocap = nc;
    }
    gaz_out o = {.entity = entity, .mode = (uint8_t)mode, .flags = flags, .ntok = (uint8_t)k,
                 .cap_mask = cap_mask, .sig = gaz__case_sig(&d, 0, (uint32_t)d.n_toks)};
    b->outs[b->nouts] = (bout){node, (uint32_t)b->nouts, o};
    b->nouts++;
    return NT_OK;
}

static int cmp_edge(const void *x, const void *y) {
    const bkey *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

static int cmp_out(const void *x, const void *y) {
    const bout *a = x, *b = y;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    if (a->out.entity != b->out.entity)
        return a->out.entity < b->out.entity ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Byte offsets of the arrays of db in its one allocation, computed in 64 bits. */
typedef struct gaz_layout {
    uint64_t slots, stroff, str, nodes, edges, outs, total;
} gaz_layout;

static gaz_layout layout(const gaz_db *db) {
    gaz_layout l;
    uint64_t off = 0;
#define PLACE(o, bytes)                                                                  \
    do {                                                                                 \
        o = off;                                                                         \
        off += ((uint64_t)(bytes) + 7) & ~(uint64_t)7;                                   \
    } while (0)
    PLACE(l.slots, (uint64_t)db->n_slots * sizeof(gaz_vslot));
    PLACE(l.stroff, ((uint64_t)db->n_vocab + 1) * sizeof(uint32_t));
    PLACE(l.str, db->strings_len);
    PLACE(l.nodes, (uint64_t)db->n_nodes * sizeof(gaz_node));
    PLACE(l.edges, (uint64_t)db->n_edges * sizeof(gaz_edge));
    PLACE(l.outs, (uint64_t)db->n_outs * sizeof(gaz_out));
#undef PLACE
    l.total = off;
    return l;
}

uint64_t gaz__layout_size(const gaz_db *db) {
    return layout(db).total;
}

nt_err gaz__alloc(gaz_db *db) {
    gaz_layout l = layout(db);
    if (l.total > SIZE_MAX / 2)
        return NT_ENOMEM;
    size_t off = (size_t)l.total, o_slots = l.slots, o_stroff = l.stroff, o_str = l.str,
           o_nodes = l.nodes, o_edges = l.edges, o_outs = l.outs;
    char *m = calloc(1, off ? off : 8);
    if (!m)
        return NT_ENOMEM;
    db->mem = m;
    db->mem_len = off;
    db->slots = (gaz_vslot *)(m + o_slots);
    db->str_off = (uint32_t *)(m + o_stroff);
    db->strings = m + o_str;
    db->nodes = (gaz_node *)(m + o_nodes);
    db->edges = (gaz_edge *)(m + o_edges);
    db->outs = (gaz_out *)(m + o_outs);
    return NT_OK;
}

nt_err gaz__index(gaz_db *db) {
    free(db->root);
    db->root = calloc((size_t)db->n_vocab + 1, sizeof(uint32_t));
    if (!db->root)
        return NT_ENOMEM;
    if (db->n_nodes) {
        const gaz_node *r = &db->nodes[0];
        for (uint32_t i = r->edge_begin; i < r->edge_begin + r->edge_count; i++)
            if (db->edges[i].tok <= db->n_vocab)
                db->root[db->edges[i].tok] = db->edges[i].child;
    }
    return NT_OK;
}

void gaz_db_free(gaz_db *db) {
    if (!db)
        return;
    free(db->root);
    free(db->mem);
    free(db);
}

static void build_vocab(const gaz_builder *b, gaz_db *db) {
    if (b->vstr_len)
        memcpy(db->strings, b->vstr, b->vstr_len);
    db->str_off[0] = 0;
    for (uint32_t i = 1; i <= b->nvocab; i++)
        db->str_off[i] = b->voff[i];
    for (uint32_t i = 0; i < b->vcap; i++) {
        const gaz_vslot *s = &b->vslots[i];
        if (!s->hash)
            continue;
        uint32_t j = s->hash & (db->n_slots - 1);
        while (db->slots[j].hash)
            j = (j + 1) & (db->n_slots - 1);
        gaz_vslot *d = &db->slots[j];
        uint32_t len = db->str_off[s->id] - db->str_off[s->id - 1];
        *d = (gaz_vslot){.hash = s->hash, .id = s->id, .len = GAZ_LONG};
        if (len <= GAZ_INLINE) {
            d->len = (uint8_t)len;
            memcpy(d->inl, db->strings + db->str_off[s->id - 1], len);
        }
    }
}

nt_err gaz_builder_finish(gaz_builder *b, gaz_db **out) {
    gaz_db *db = calloc(1, sizeof(*db));
    bkey *edges = NULL;
    nt_err rc = NT_ENOMEM;
    if (!db)
        goto out;
    db->n_slots = 16;
    while (db->n_slots < b->nvocab * 2u + 2)
        db->n_slots *= 2;
    db->n_vocab = b->nvocab;
    db->strings_len = (uint32_t)b->vstr_len;
    db->n_nodes = b->nnodes;
    db->n_edges = (uint32_t)b->nedges;
    /* edges: sorted by (parent, tok) */
    edges = malloc((b->nedges ? b->nedges : 1) * sizeof(*edges));
    if (!edges)
        goto out;
    size_t ne = 0;
    for (size_t i = 0; i < b->ecap; i++)
        if (b->edges[i].key)
            edges[ne++] = b->edges[i];
    qsort(edges, ne, sizeof(*edges), cmp_edge);
    if (b->nouts)
        qsort(b->outs, b->nouts, sizeof(*b->outs), cmp_out);
    /* count outs after removing duplicates (same node, entity, mode) */
    size_t no = 0;
    for (size_t i = 0; i < b->nouts; i++) {
        if (no && b->outs[no - 1].node == b->outs[i].node &&
            b->outs[no - 1].out.entity == b->outs[i].out.entity &&
            b->outs[no - 1].out.mode == b->outs[i].out.mode &&
            b->outs[no - 1].out.sig == b->outs[i].out.sig) {
            b->outs[no - 1].out.flags |= b->outs[i].out.flags & GAZ_OUT_NAME;
            if (!(b->outs[i].out.flags & GAZ_OUT_WEAK))
                b->outs[no - 1].out.flags &= (uint8_t)~GAZ_OUT_WEAK;
            continue;
        }
        b->outs[no++] = b->outs[i];
    }
    b->nouts = no;
    db->n_outs = (uint32_t)no;
    if ((rc = gaz__alloc(db)) != NT_OK)
        goto out;
    build_vocab(b, db);
    for (size_t i = 0; i < ne; i++) {
        uint32_t parent = (uint32_t)(edges[i].key >> 32);
        gaz_node *n = &db->nodes[parent];
        if (n->edge_count == 0)
            n->edge_begin = (uint32_t)i;
        n->edge_count++;
        db->edges[i] = (gaz_edge){(uint32_t)edges[i].key, edges[i].child};
    }
    for (size_t i = 0; i < no; i++) {
        gaz_node *n = &db->nodes[b->outs[i].node];
        if (n->out_count == 0)
            n->out_begin = (uint32_t)i;
        n->out_count++;
        db->outs[i] = b->outs[i].out;
    }
    if ((rc = gaz__index(db)) != NT_OK)
        goto out;
    *out = db;
    db = NULL;
    rc = NT_OK;
out:
    free(edges);
    gaz_db_free(db);
    return rc;
}
