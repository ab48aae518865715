/* tagger_int.h - state shared by the stages of the tagger (tagger.c, names.c, coref.c,
 * events.c). Not public API: callers use tagger.h. */
#ifndef NT_TAGGER_INT_H
#define NT_TAGGER_INT_H

#include "tagger.h"

#define TG_MAX_COUNTRIES 64

typedef struct tg_cand {
    uint32_t ts, te;   /* token span */
    uint32_t node;     /* gazetteer node (0 for rule mentions) */
    uint8_t g;         /* which matcher the node is in: 0 own, 1 the overlay's base */
    int32_t ent;       /* snapshot entity, or -1 for a rule chain */
    uint32_t chain;    /* rule chain index when ent < 0 */
    nt_type rtype;     /* type of a rule mention */
    float score, conf;
    uint8_t source;    /* enum tg_source */
    bool weak, ambiguous;
    uint64_t usable;   /* bit i: out i of `node` passes its case check and is not masked
                          (outs 0-63; set by the resolver's first pass, reused by its second) */
} tg_cand;

typedef struct tg_chain {
    nt_str id, name;   /* arena: "rule/person/gavin-smith", "Gavin Smith" */
    nt_type type;
} tg_chain;

typedef struct tg_ctx {
    const snap *s;
    arena *a;
    tok_doc doc;
    uint8_t *headline;         /* per sentence: 0 prose, 1 Title Case, 2 ALL CAPS */
    uint32_t *wb;              /* per token: snap_word_bits of its folded form */
    uint64_t *hash;            /* per token: gaz_hash of its folded form */
    uint32_t *gid;             /* per token: its id in snap_gaz(s), UINT32_MAX for a dash */
    tg_cand *cands;            /* capacity doc.n_toks + 1 (at most one per token) */
    size_t n_cands;
    uint32_t *strong_ent;      /* hash set of entities named strongly (UINT32_MAX = empty) */
    size_t strong_cap;         /* a power of two ≥ 2 × tokens */
    char countries[TG_MAX_COUNTRIES][2];
    size_t n_countries;
    int32_t *cov;              /* per token: covering candidate + 1, or 0 */
    tg_chain *chains;          /* rule chains */
    size_t n_chains, cap_chains;
} tg_ctx;

/* names.c: cue rules for names the dictionary lacks (titles, org suffixes). */
nt_err names_run(tg_ctx *c);
/* coref.c: surnames, defined acronyms, short forms → earlier entities. */
nt_err coref_run(tg_ctx *c);
/* events.c: event rules over tokens and entities. */
nt_err events_run(tg_ctx *c, const tagger_opts *o, tg_result *out);

/* Helpers shared by the stages. */
static inline bool tg__w(const tg_ctx *c, uint32_t t, uint32_t bit) {
    return (c->wb[t] & bit) != 0;
}
/* Index of the candidate covering token t, or -1. Candidates need not be sorted. */
int64_t tg__covering(const tg_ctx *c, uint32_t t);
/* Candidate covering token t while the candidates are still in text order (before cov
 * exists), or -1. */
int64_t tg__covering_any(const tg_ctx *c, uint32_t t);
/* Rebuilds cov from cands. */
nt_err tg__reindex(tg_ctx *c);
/* Removes candidate i (the last one moves into its place). */
void tg__remove_cand(tg_ctx *c, size_t i);
/* Adds a rule chain; *idx gets its index. */
nt_err tg__chain_new(tg_ctx *c, nt_type type, uint32_t ts, uint32_t te, uint32_t *idx);
/* Appends a candidate (capacity is one per token, so this only fails on overlap). */
nt_err tg__add_cand(tg_ctx *c, const tg_cand *m);

#endif
