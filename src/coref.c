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
} link;

typedef struct links {
    link *v;
    size_t n, cap;
} links;

static nt_err links_add(tg_ctx *c, links *L, link l) {
    for (size_t i = 0; i < L->n; i++)
        if (L->v[i].exact == l.exact && nt_str_eq(L->v[i].key, l.key))
            return NT_OK; /* first (earliest) wins */
    if (L->n == L->cap) {
        size_t nc = L->cap ? L->cap * 2 : 32;
        link *n = arena_realloc(c->a, L->v, L->cap * sizeof(link), nc * sizeof(link));
        if (!n)
            return NT_ENOMEM;
        L->v = n;
        L->cap = nc;
    }
    L->v[L->n++] = l;
    return NT_OK;
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

static nt_err collect(tg_ctx *c, links *L) {
    const tok_doc *d = &c->doc;
    nt_err rc;
    for (size_t i = 0; i < c->n_cands; i++) {
        const tg_cand *m = &c->cands[i];
        nt_type ty = cand_type(c, m);
        if (word_count(c, m) < 2)
            goto acronym;
        if (ty == NT_TYPE_PERSON) {
            uint32_t w = last_word(c, m);
            link l = {tok_fold(d, w), m->ent, m->chain, ty, 0};
            if ((rc = links_add(c, L, l)) != NT_OK)
                return rc;
        } else if (ty == NT_TYPE_ORG && m->source == TG_SRC_GAZETTEER) {
            nt_str first = tok_fold(d, m->ts);
            if (!tg__w(c, m->ts, SNAP_W_COMMON) && (d->toks[m->ts].flags & TOK_CAP) &&
                !(d->toks[m->ts].flags & TOK_ALLCAP)) {
                link l = {first, m->ent, m->chain, ty, 0};
                if ((rc = links_add(c, L, l)) != NT_OK)
                    return rc;
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
                link l = {acr, m->ent, m->chain, ty, 1};
                if ((rc = links_add(c, L, l)) != NT_OK)
                    return rc;
            }
        }
    }
    return NT_OK;
}

static const link *find_link(const tg_ctx *c, const links *L, uint32_t t) {
    nt_str f = tok_fold(&c->doc, t), o = tok_text(&c->doc, t);
    for (size_t i = 0; i < L->n; i++) {
        const link *l = &L->v[i];
        if (l->exact ? nt_str_eq(l->key, o) : nt_str_eq(l->key, f))
            return l;
    }
    return NULL;
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
    links L = {0};
    const tok_doc *d = &c->doc;
    nt_err rc = collect(c, &L);
    if (rc != NT_OK || L.n == 0)
        return rc;
    for (uint32_t t = 0; t < d->n_toks; t++) {
        uint16_t f = d->toks[t].flags;
        if (!(f & TOK_WORD) || !(f & TOK_CAP))
            continue;
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
