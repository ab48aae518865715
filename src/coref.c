/* coref.c - link later mentions to earlier entities within one article:
 *   surnames: "Williamson", "Mr Williamson" → "Gavin Williamson" (any PERSON with a
 *             two-or-more-word mention);
 *   defined acronyms: "the Syrian Democratic Forces (SDF)" → every "SDF";
 *   short forms: "Amnesty" → "Amnesty International" when the full name is present.
 * Linked mentions join the earlier entity with source "coref". A coreference link beats a
 * single-word place or weak match on the same token ("Williamson" is also a town). */
#include "tagger_int.h"

#include <string.h>

typedef struct link {
    nt_str key;     /* folded surname / original acronym / folded first word */
    int32_t ent;    /* snapshot entity or -1 */
    uint32_t chain; /* rule chain when ent < 0 */
    nt_type type;
    uint8_t exact;  /* compare original bytes (acronyms) rather than folded */
    uint64_t hash;  /* folded keys: c->hash of the token the key is the folded form of */
} link;

/* The links of one document, in the order found (the earliest of equal keys wins). Every
 * capitalised token is looked up, so folded keys are indexed by the per-token hash the
 * tagger already computed; exact keys (defined acronyms) are few and scanned. Lives in
 * coref_run's frame; the arrays come from c->a (the request's arena). */
typedef struct links {
    link *v;          /* capacity: two per candidate (a name link and an acronym) */
    size_t n;
    uint32_t *slot;   /* open addressing over folded links: index + 1, 0 = empty */
    size_t mask;      /* slot count - 1; at most half the slots are used */
    uint32_t *exact;  /* indices of the exact links, in order */
    size_t n_exact;
} links;

static nt_err links_init(tg_ctx *c, links *L) {
    size_t cap = 2 * c->n_cands, slots = 16;
    while (slots < 2 * cap)
        slots *= 2;
    *L = (links){.mask = slots - 1};
    if (!(L->v = arena_alloc(c->a, cap * sizeof(link))) ||
        !(L->slot = arena_calloc(c->a, slots, sizeof(uint32_t))) ||
        !(L->exact = arena_alloc(c->a, c->n_cands * sizeof(uint32_t))))
        return NT_ENOMEM;
    return NT_OK;
}

/* Adds l unless a link of the same kind with the same key exists (first wins). */
static void links_add(links *L, link l) {
    if (l.exact) {
        for (size_t k = 0; k < L->n_exact; k++)
            if (nt_str_eq(L->v[L->exact[k]].key, l.key))
                return;
        L->exact[L->n_exact++] = (uint32_t)L->n;
    } else {
        size_t i = l.hash & L->mask;
        for (; L->slot[i]; i = (i + 1) & L->mask) {
            const link *o = &L->v[L->slot[i] - 1];
            if (o->hash == l.hash && nt_str_eq(o->key, l.key))
                return;
        }
        L->slot[i] = (uint32_t)L->n + 1;
    }
    L->v[L->n++] = l;
}

static nt_type cand_type(const tg_ctx *c, const tg_cand *m) {
    return m->ent >= 0 ? snap_entity_at(c->s, (uint32_t)m->ent)->type : m->rtype;
}

static bool same_entity(const tg_cand *m, const link *l) {
    return l->ent >= 0 ? m->ent == l->ent : (m->ent < 0 && m->chain == l->chain);
}

/* Last word token of a mention (skipping a trailing possessive). */
static uint32_t last_word(const tg_ctx *c, const tg_cand *m) {
    uint32_t t = m->te;
    while (t > m->ts && !(c->doc.toks[t - 1].flags & TOK_WORD))
        t--;
    return t > m->ts ? t - 1 : m->ts;
}

static size_t word_count(const tg_ctx *c, const tg_cand *m) {
    size_t n = 0;
    for (uint32_t t = m->ts; t < m->te; t++)
        n += (c->doc.toks[t].flags & TOK_WORD) != 0;
    return n;
}

static void collect(const tg_ctx *c, links *L) {
    const tok_doc *d = &c->doc;
    for (size_t i = 0; i < c->n_cands; i++) {
        const tg_cand *m = &c->cands[i];
        nt_type ty = cand_type(c, m);
        if (word_count(c, m) < 2)
            goto acronym;
        if (ty == NT_TYPE_PERSON) {
            uint32_t w = last_word(c, m);
            links_add(L, (link){tok_fold(d, w), m->ent, m->chain, ty, 0, c->hash[w]});
        } else if (ty == NT_TYPE_ORG && m->source == TG_SRC_GAZETTEER) {
            nt_str first = tok_fold(d, m->ts);
            if (!tg__w(c, m->ts, SNAP_W_COMMON) && (d->toks[m->ts].flags & TOK_CAP) &&
                !(d->toks[m->ts].flags & TOK_ALLCAP)) {
                links_add(L, (link){first, m->ent, m->chain, ty, 0, c->hash[m->ts]});
            }
        }
    acronym:
        /* NAME ( ACR ) */
        if (m->te + 2 < d->n_toks && d->text[d->toks[m->te].start] == '(' &&
            d->text[d->toks[m->te + 2].start] == ')' && word_count(c, m) >= 2) {
            nt_str acr = tok_text(d, m->te + 1);
            size_t caps = 0;
            for (size_t k = 0; k < acr.n; k++)
                caps += acr.p[k] >= 'A' && acr.p[k] <= 'Z';
            /* the acronym must start like the name ("Syrian Democratic Forces (SDF)"),
             * so "Torrance Zellner (U.S.)" defines nothing */
            char f0 = d->text[d->toks[m->ts].start];
            int64_t held = tg__covering(c, m->te + 1);
            if (caps >= 2 && acr.n <= 12 && acr.p[0] == f0 &&
                (held < 0 || c->cands[held].source == TG_SRC_RULE)) {
                links_add(L, (link){acr, m->ent, m->chain, ty, 1, 0});
            }
        }
    }
}

/* The earliest link whose key is token t (its original bytes for an exact link, its folded
 * form otherwise), or NULL. Keys are unique per kind, so at most one of each matches. */
static const link *find_link(const tg_ctx *c, const links *L, uint32_t t) {
    const link *best = NULL;
    if (L->n_exact) {
        nt_str o = tok_text(&c->doc, t);
        for (size_t k = 0; k < L->n_exact && !best; k++)
            if (nt_str_eq(L->v[L->exact[k]].key, o))
                best = &L->v[L->exact[k]];
    }
    uint64_t h = c->hash[t];
    for (size_t i = h & L->mask; L->slot[i]; i = (i + 1) & L->mask) {
        const link *l = &L->v[L->slot[i] - 1];
        if (l->hash == h && nt_str_eq(l->key, tok_fold(&c->doc, t)))
            return !best || l < best ? l : best;
    }
    return best;
}

/* The first capitalised word at or after t, or n: a tight loop over the many lower-case
 * tokens, which need no lookup. */
static uint32_t next_cap_word(const tok_token *toks, uint32_t n, uint32_t t) {
    const tok_token *p = toks + t, *end = toks + n;
    while (p < end && (p->flags & (TOK_WORD | TOK_CAP)) != (TOK_WORD | TOK_CAP))
        p++;
    return (uint32_t)(p - toks);
}

/* A candidate on one token that a coreference link may take over. */
static bool overridable(const tg_ctx *c, const tg_cand *m, const link *l) {
    if (same_entity(m, l) || m->te - m->ts != 1)
        return false;
    if (m->ent < 0)
        return true; /* rule mention: "Mr Williamson" chain */
    const snap_entity *e = snap_entity_at(c->s, (uint32_t)m->ent);
    if (l->exact)
        return m->weak || e->type == NT_TYPE_LOC;
    return m->weak || (e->type == NT_TYPE_LOC && !(e->flags & SNAP_PLACE_COUNTRY)) ||
           e->type == NT_TYPE_MISC;
}

nt_err coref_run(tg_ctx *c) {
    links L;
    const tok_doc *d = &c->doc;
    const tok_token *toks = d->toks;
    uint32_t n = (uint32_t)d->n_toks;
    nt_err rc;
    if (c->n_cands == 0)
        return NT_OK;
    if ((rc = links_init(c, &L)) != NT_OK)
        return rc;
    collect(c, &L);
    if (L.n == 0)
        return NT_OK;
    for (uint32_t t = next_cap_word(toks, n, 0); t < n; t = next_cap_word(toks, n, t + 1)) {
        uint16_t f = toks[t].flags;
        const link *l = find_link(c, &L, t);
        if (!l)
            continue;
        int64_t k = tg__covering(c, t);
        if (k >= 0) {
            tg_cand *m = &c->cands[k];
            if (!overridable(c, m, l))
                continue;
            if (m->ent < 0 && l->type != m->rtype)
                continue;
            tg__remove_cand(c, (size_t)k);
        } else if (!l->exact && (f & TOK_SENT_START) && tg__w(c, t, SNAP_W_COMMON)) {
            continue;
        }
        /* the link must come from an earlier or later mention, never from itself */
        tg_cand m = {.ts = t, .te = t + 1, .ent = l->ent, .chain = l->chain, .rtype = l->type,
                     .source = TG_SRC_COREF, .conf = 0.8f};
        if ((rc = tg__add_cand(c, &m)) != NT_OK)
            return rc;
    }
    return NT_OK;
}
