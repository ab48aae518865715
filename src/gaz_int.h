/* gaz_int.h - the gaz_db layout shared by gaz_build.c, gaz_scan.c and gaz_file.c.
 * Not part of the public API (gazetteer.h). */
#ifndef NT_GAZ_INT_H
#define NT_GAZ_INT_H

#include "gazetteer.h"

typedef struct gaz_node {
    uint32_t edge_begin, edge_count;
    uint32_t out_begin, out_count;
} gaz_node;

typedef struct gaz_edge {
    uint32_t tok, child;
} gaz_edge;

#define GAZ_INLINE 7   /* tokens up to this many bytes are kept in their slot */
#define GAZ_LONG 0xFFu /* gaz_vslot.len of a longer token */

/* A vocabulary slot. Most dictionary tokens are short, so the slot carries their bytes:
 * a lookup then costs one cache line instead of three dependent reads (slot, offset,
 * string) in tables of tens of megabytes. */
typedef struct gaz_vslot {
    uint32_t hash;    /* low 32 bits of FNV-1a; 0 = empty slot */
    uint32_t id;      /* token id, 1-based */
    uint8_t len;      /* the token's length if ≤ GAZ_INLINE (bytes in inl), else GAZ_LONG */
    char inl[GAZ_INLINE];
} gaz_vslot;

struct gaz_db {
    uint32_t n_slots, n_vocab, n_nodes, n_edges, n_outs, strings_len;
    gaz_vslot *slots;     /* n_slots, a power of two */
    uint32_t *str_off;    /* n_vocab + 1: token id k has strings[str_off[k-1] .. str_off[k]) */
    char *strings;
    gaz_node *nodes;      /* node 0 is the root */
    gaz_edge *edges;
    gaz_out *outs;
    void *mem;            /* one allocation holding all arrays */
    size_t mem_len;
    uint32_t *root;       /* n_vocab + 1: child of the root for each token id (derived,
                             not serialised: built by gaz__index) */
};

/* Builds db->root from the edges. NT_ENOMEM. */
nt_err gaz__index(gaz_db *db);

static inline uint32_t gaz__hash32(const char *p, size_t n) {
    uint32_t h = (uint32_t)nt_hash(p, n);
    return h ? h : 1;
}

/* Case signature of tokens [ts,te) skipping hyphens: hash of (is-upper bit per letter,
 * token separator). */
uint64_t gaz__case_sig(const tok_doc *doc, uint32_t ts, uint32_t te);
/* Bytes the arrays of db need, given its counts (64-bit, no overflow for 32-bit counts). */
uint64_t gaz__layout_size(const gaz_db *db);
/* Lays out the arrays of db in one allocation given the counts; NT_ENOMEM. */
nt_err gaz__alloc(gaz_db *db);

#endif
