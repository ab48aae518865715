/* names.c - names the dictionary does not know, from cues (lists in models/cues/):
 *   title + Capitalised Words        "Mr Williamson", "Colonel Hassan al-Jubouri" → PERSON
 *   Capitalised Words + org suffix   "Popular Mobilisation Committee" → ORG
 *   Capitalised Words + said/told    "Hassan Ali said" → PERSON
 * Titles and possessives stay outside the span. Rule mentions replace weak or single-word
 * place matches they overlap (a title is stronger evidence than a small-town homonym). */
#include "tagger_int.h"

#include <string.h>

int64_t tg__covering(const tg_ctx *c, uint32_t t) {
    return (int64_t)c->cov[t] - 1;
}

static void cover(tg_ctx *c, size_t i, int32_t v) {
    for (uint32_t t = c->cands[i].ts; t < c->cands[i].te; t++)
        c->cov[t] = v;
}

nt_err tg__reindex(tg_ctx *c) {
    if (!c->cov && !(c->cov = arena_alloc(c->a, (c->doc.n_toks + 1) * sizeof(int32_t))))
        return NT_ENOMEM;
    memset(c->cov, 0, (c->doc.n_toks + 1) * sizeof(int32_t));
    for (size_t i = 0; i < c->n_cands; i++)
        cover(c, i, (int32_t)i + 1);
    return NT_OK;
}

void tg__remove_cand(tg_ctx *c, size_t i) {
    cover(c, i, 0);
    c->cands[i] = c->cands[--c->n_cands];
    if (i < c->n_cands)
        cover(c, i, (int32_t)i + 1);
}

nt_err tg__add_cand(tg_ctx *c, const tg_cand *m) {
    if (c->n_cands >= c->doc.n_toks + 1)
        return NT_EINTERNAL;
    c->cands[c->n_cands++] = *m;
    cover(c, c->n_cands - 1, (int32_t)c->n_cands);
    return NT_OK;
}

/* What slug() does with each byte: a letter or digit maps to itself lowercased; SLUG_SEP
 * (other ASCII) becomes one '-' between words; SLUG_LEAD (the first byte of a non-ASCII
 * character) becomes 'x'; 0 (a UTF-8 continuation byte) is dropped. */
enum { SLUG_DROP = 0, SLUG_SEP = 1, SLUG_LEAD = 2 };
static uint8_t slug_class(unsigned char ch) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
        return ch;
    if (ch >= 'A' && ch <= 'Z')
        return (uint8_t)(ch + 32);
    if (ch < 0x80)
        return SLUG_SEP;
    return (ch & 0xC0) == 0xC0 ? SLUG_LEAD : SLUG_DROP;
}

/* Writes the slug of p[0..n) to out (at most cap - 2 bytes and a NUL) and returns its
 * length. Most bytes are lowercase letters: one compare each. */
static size_t slug(const char *p, size_t n, char *out, size_t cap) {
    size_t k = 0;
    int dash = 0;
    for (size_t i = 0; i < n && k + 2 < cap; i++) {
        unsigned char ch = (unsigned char)p[i];
        uint8_t m = ch >= 'a' && ch <= 'z' ? ch : slug_class(ch);
        if (m > SLUG_LEAD) {
            out[k++] = (char)m;
            dash = 0;
        } else if (m != SLUG_DROP && !dash && k) {
            out[k++] = m == SLUG_SEP ? '-' : 'x';
            dash = m == SLUG_SEP; /* an 'x' leaves dash 0, as a letter does */
        }
    }
    while (k && out[k - 1] == '-')
        k--;
    out[k] = 0;
    return k;
}

/* Same chain as `ch`? Length and first byte first: most names differ there, and this runs
 * for every chain on every rule mention. */
static bool chain_is(const tg_chain *ch, nt_type type, nt_str name) {
    return ch->type == type && ch->name.n == name.n && ch->name.p[0] == name.p[0] &&
           memcmp(ch->name.p, name.p, name.n) == 0;
}

nt_err tg__chain_new(tg_ctx *c, nt_type type, uint32_t ts, uint32_t te, uint32_t *idx) {
    const tok_doc *d = &c->doc;
    nt_str name = {d->text + d->toks[ts].start, d->toks[te - 1].end - d->toks[ts].start};
    for (size_t i = 0; i < c->n_chains; i++) { /* (c->chains is NULL before the first) */
        if (chain_is(&c->chains[i], type, name)) {
            *idx = (uint32_t)i;
            return NT_OK;
        }
    }
    if (c->n_chains == c->cap_chains) {
        size_t nc = c->cap_chains ? c->cap_chains * 2 : 16;
        tg_chain *n = arena_realloc(c->a, c->chains, c->cap_chains * sizeof(tg_chain),
                                    nc * sizeof(tg_chain));
        if (!n)
            return NT_ENOMEM;
        c->chains = n;
        c->cap_chains = nc;
    }
    static const char *const pre[NT_TYPE_COUNT] = {"person", "org", "loc", "weapon",
                                                   "norp",   "fac", "misc"};
    static const uint8_t pre_len[NT_TYPE_COUNT] = {6, 3, 3, 6, 4, 3, 4};
    /* "rule/<pre>/<slug>" by hand: snprintf cost more than the rest of this function.
     * The slug is at most 157 bytes, so the id always fits. */
    char id[200];
    size_t lp = pre_len[type], n = 0;
    memcpy(id, "rule/", 5);
    n += 5;
    memcpy(id + n, pre[type], lp);
    n += lp;
    id[n++] = '/';
    n += slug(name.p, name.n > 150 ? 150 : name.n, id + n, 160);
    char *idp = arena_strndup(c->a, id, n);
    if (!idp)
        return NT_ENOMEM;
    c->chains[c->n_chains] = (tg_chain){(nt_str){idp, n}, name, type};
    *idx = (uint32_t)c->n_chains++;
    return NT_OK;
}

static bool is_cue(const tg_ctx *c, const char *list, uint32_t ts, uint32_t te) {
    char buf[128];
    /* one word: the per-token bits; several: only if the first word heads a phrase */
    uint32_t one = !strcmp(list, "titles") ? SNAP_W_TITLE
                   : !strcmp(list, "org_suffixes") ? SNAP_W_ORGSUF : 0;
    if (one && te - ts == 1)
        return tg__w(c, ts, one);
    if (one == SNAP_W_TITLE && !tg__w(c, ts, SNAP_W_TITLE_HEAD))
        return false;
    size_t n = 0;
    for (uint32_t i = ts; i < te; i++) {
        nt_str f = tok_fold(&c->doc, i);
        if (n + f.n + 2 > sizeof(buf))
            return false;
        if (i > ts && !(c->doc.toks[i].flags & TOK_HYPHEN) &&
            !(c->doc.toks[i - 1].flags & TOK_HYPHEN))
            buf[n++] = ' ';
        memcpy(buf + n, f.p, f.n);
        n += f.n;
    }
    return snap_cue_has(c->s, list, (nt_str){buf, n});
}

/* Connector words allowed inside a name: al-, bin, ibn, de, van, von, el, abu ...
 * Grouped by first letter so that most words are turned down by the switch alone. */
static inline bool is_connector_word(nt_str f) {
    static const char *const a[] = {"al", "abu", NULL}, *const b[] = {"bin", "bint", NULL},
                             *const d[] = {"de", "da", "di", "der", "du", NULL},
                             *const e[] = {"el", NULL}, *const i[] = {"ibn", NULL},
                             *const l[] = {"la", "le", NULL}, *const v[] = {"van", "von", NULL};
    const char *const *w;
    if (f.n < 2 || f.n > 4)
        return false;
    switch (f.p[0]) {
        case 'a': w = a; break;
        case 'b': w = b; break;
        case 'd': w = d; break;
        case 'e': w = e; break;
        case 'i': w = i; break;
        case 'l': w = l; break;
        case 'v': w = v; break;
        default: return false;
    }
    for (; *w; w++)
        if (nt_str_eq_c(f, *w))
            return true;
    return false;
}

/* True if token i's folded form is the n bytes of w. Inline, length first: most tokens
 * fail there, and nt_str_eq_c is a call per word. */
static inline bool fold_is(const tg_ctx *c, uint32_t i, const char *w, size_t n) {
    const tok_token *t = &c->doc.toks[i];
    return t->fold_len == n && memcmp(c->doc.fold + t->fold_off, w, n) == 0;
}

/* A connector inside a name: a dash, or one of the connector words. */
static inline bool is_connector(const tg_ctx *c, uint32_t i) {
    uint16_t fl = c->doc.toks[i].flags;
    return (fl & TOK_HYPHEN) || ((fl & TOK_WORD) && is_connector_word(tok_fold(&c->doc, i)));
}

/* What the name rules ask of one token. names_run works these out once per document, so
 * the rules test one byte per token instead of re-reading flags and word bits, and walk a
 * short list of the tokens where they can start instead of the whole document. */
enum name_fact {
    NF_NAME = 1 << 0,    /* a capitalised word, not an abbreviation, not on the never list */
    NF_INITIAL = 1 << 1, /* an initial: "S." in "S. Waugh" */
    NF_TITLE = 1 << 2,   /* a one-word title or the first word of a longer one */
    NF_ACRO = 1 << 3,    /* could be an acronym: 2-6 bytes in capitals, not a common word */
    NF_CONN = 1 << 4,    /* a capitalised connector word ("Al", "De"); set on NF_NAME only */
};

/* The name rules' view of one document. Lives in names_run's frame; its arrays come from
 * c->a and so last as long as the request's arena. */
typedef struct names_doc {
    tg_ctx *c;
    uint32_t n;       /* tokens */
    const tok_token *toks;
    uint8_t *fact;    /* per token: enum name_fact */
    uint8_t *span;    /* per token: name_end(i) - i + 1 once computed, 0 before */
    uint32_t *marks;  /* tokens with NF_NAME, NF_TITLE or NF_ACRO in text order */
    uint32_t n_marks;
} names_doc;

/* The facts of a token with a capital letter (the others have NF_TITLE at most). */
static uint8_t cap_facts(const tok_doc *d, uint32_t i, uint32_t wb) {
    const tok_token *t = &d->toks[i];
    uint16_t fl = t->flags;
    size_t len = t->end - t->start;
    uint8_t f = 0;
    if ((fl & TOK_WORD) && (fl & TOK_CAP) && !(fl & TOK_ABBREV) && !(wb & SNAP_W_NEVER))
        f |= is_connector_word(tok_fold(d, i)) ? NF_NAME | NF_CONN : NF_NAME;
    if ((fl & TOK_ABBREV) && (fl & TOK_CAP) && len == 2)
        f |= NF_INITIAL;
    if ((fl & TOK_ALLCAP) && !(fl & (TOK_ABBREV | TOK_NUM)) && len >= 2 && len <= 6 &&
        !(wb & (SNAP_W_COMMON | SNAP_W_NEVER)))
        f |= NF_ACRO;
    return f;
}

static nt_err names_doc_init(names_doc *nd, tg_ctx *c) {
    const tok_token *toks = c->doc.toks;
    const uint32_t *wb = c->wb;
    uint32_t n = (uint32_t)c->doc.n_toks, n_marks = 0;
    uint8_t *fact;
    uint32_t *marks;
    *nd = (names_doc){.c = c, .n = n, .toks = toks};
    if (!(fact = arena_calloc(c->a, n + 1, 1)) || !(nd->span = arena_calloc(c->a, n + 1, 1)) ||
        !(marks = arena_alloc(c->a, (n + 1) * sizeof(uint32_t))))
        return NT_ENOMEM;
    /* Most tokens are lower-case words or punctuation with no facts: one test each.
     * Locals, not nd->: stores through uint8_t * would make the compiler reload them. */
    for (uint32_t i = 0; i < n; i++) {
        uint16_t fl = toks[i].flags;
        if (!(fl & (TOK_CAP | TOK_ALLCAP)) && !(wb[i] & (SNAP_W_TITLE | SNAP_W_TITLE_HEAD)))
            continue;
        uint8_t f = (wb[i] & (SNAP_W_TITLE | SNAP_W_TITLE_HEAD)) ? NF_TITLE : 0;
        if (fl & (TOK_CAP | TOK_ALLCAP))
            f |= cap_facts(&c->doc, i, wb[i]);
        fact[i] = f;
        if (f)
            marks[n_marks++] = i;
    }
    nd->fact = fact;
    nd->marks = marks;
    nd->n_marks = n_marks;
    return NT_OK;
}

static bool has(const names_doc *nd, uint32_t i, uint8_t fact) {
    return (nd->fact[i] & fact) != 0;
}

/* Starts a sentence or a line: a name does not run across it. */
static bool is_break(const names_doc *nd, uint32_t i) {
    return (nd->toks[i].flags & (TOK_SENT_START | TOK_NL_BEFORE)) != 0;
}

/* End of a capitalised name starting at i (max 5 words), or i when none. */
__attribute__((noinline)) /* keep the remembered case cheap for the callers */
static uint32_t name_end_scan(const names_doc *nd, uint32_t i) {
    uint32_t n = nd->n, e = i, words = 0;
    while (e < n && words < 5) {
        if (e > i && is_break(nd, e))
            break;
        if (has(nd, e, NF_NAME)) {
            e++;
            words++;
            continue;
        }
        if (has(nd, e, NF_INITIAL) && e + 1 < n && has(nd, e + 1, NF_NAME | NF_INITIAL) &&
            !is_break(nd, e + 1)) {
            e++;
            words++;
            continue;
        }
        if (words && is_connector(nd->c, e) && e + 1 < n &&
            (has(nd, e + 1, NF_NAME) ||
             (is_connector(nd->c, e + 1) && e + 2 < n && has(nd, e + 2, NF_NAME)))) {
            e++;
            continue;
        }
        break;
    }
    return words ? e : i;
}

/* name_end_scan, remembered: several rules ask for the name at the same word, and the
 * answer depends on the tokens only. A name is at most 5 words with at most 2
 * connectors before each, so the span fits a byte. */
static inline uint32_t name_end(names_doc *nd, uint32_t i) {
    if (!nd->span[i])
        nd->span[i] = (uint8_t)(name_end_scan(nd, i) - i + 1);
    return i + nd->span[i] - 1u;
}

/* Puts a rule mention over [ts,te), removing whatever covers those tokens. */
static nt_err force_rule(tg_ctx *c, nt_type type, uint32_t ts, uint32_t te, float conf) {
    for (uint32_t t = ts; t < te; t++) {
        int64_t k;
        while ((k = tg__covering(c, t)) >= 0)
            tg__remove_cand(c, (size_t)k);
    }
    uint32_t chain;
    nt_err rc = tg__chain_new(c, type, ts, te, &chain);
    if (rc != NT_OK)
        return rc;
    tg_cand m = {.ts = ts, .te = te, .ent = -1, .chain = chain, .rtype = type,
                 .source = TG_SRC_RULE, .conf = conf};
    return tg__add_cand(c, &m);
}

/* Puts a rule mention over [ts,te) unless a stronger candidate covers it. Weak and
 * single-token place/misc candidates inside the span are replaced. */
static nt_err place_rule(tg_ctx *c, nt_type type, uint32_t ts, uint32_t te, float conf) {
    for (uint32_t t = ts; t < te; t++) {
        int64_t k = tg__covering(c, t);
        if (k < 0)
            continue;
        const tg_cand *m = &c->cands[k];
        if (m->ts < ts || m->te > te)
            return NT_OK; /* crosses the span: keep the dictionary's reading */
        const snap_entity *e = m->ent >= 0 ? snap_entity_at(c->s, (uint32_t)m->ent) : NULL;
        bool replaceable = m->weak || m->ent < 0 ||
                           /* one word of a longer name: "Lerner" (WordNet) in "Peter Lerner" */
                           (e && m->te - m->ts == 1 && te - ts > 1 && type == NT_TYPE_PERSON &&
                            (e->type == NT_TYPE_PERSON || (e->flags & SNAP_LOWPRIO))) ||
                           (e && (e->type == NT_TYPE_LOC || e->type == NT_TYPE_MISC) &&
                            !(e->flags & SNAP_PLACE_COUNTRY) &&
                            (type == NT_TYPE_PERSON || type == NT_TYPE_WEAPON)) ||
                           (e && type == NT_TYPE_ORG && m->te - m->ts < te - ts);
        if (e && e->type == type && m->ts == ts && m->te == te)
            return NT_OK;
        if (!replaceable)
            return NT_OK;
    }
    return force_rule(c, type, ts, te, conf);
}

static nt_err rule_titles(names_doc *nd) {
    tg_ctx *c = nd->c;
    uint32_t n = nd->n, next = 0;
    for (uint32_t q = 0; q < nd->n_marks; q++) {
        uint32_t i = nd->marks[q];
        if (i < next || !has(nd, i, NF_TITLE))
            continue;
        uint32_t best = 0;
        for (uint32_t L = 3; L >= 1; L--) {
            if (i + L <= n && (L == 1 ? tg__w(c, i, SNAP_W_TITLE)
                                      : (tg__w(c, i, SNAP_W_TITLE_HEAD) && is_cue(c, "titles", i, i + L)))) {
                best = L;
                break;
            }
        }
        if (!best)
            continue;
        uint32_t s = i + best;
        if (s < n && (c->doc.toks[s].flags & TOK_PUNCT) && c->doc.text[c->doc.toks[s].start] == '.')
            s++; /* "Mr. Smith" tokenised as Mr + . */
        if (s >= n || is_break(nd, s))
            continue; /* the name must follow its title on the same line */
        uint32_t e = name_end(nd, s);
        if (e == s)
            continue;
        /* a title followed by another title word ("Defence Secretary Gavin …"): skip the
         * inner title words */
        while (s < e && tg__w(c, s, SNAP_W_TITLE))
            s++;
        if (s == e || c->headline[c->doc.toks[s].sent] == 2)
            continue;
        nt_err rc = place_rule(c, NT_TYPE_PERSON, s, e, 0.75f);
        if (rc != NT_OK)
            return rc;
        next = e;
    }
    return NT_OK;
}

/* Each rule walks nd->marks, skips those without its fact and, after handling a span,
 * those before `next` (as a loop over all tokens would by setting i). */
static nt_err rule_org_suffix(names_doc *nd) {
    tg_ctx *c = nd->c;
    uint32_t n = nd->n, next = 0;
    for (uint32_t q = 0; q < nd->n_marks; q++) {
        uint32_t i = nd->marks[q];
        if (i < next || !has(nd, i, NF_NAME))
            continue;
        /* capitalised words joined by of/for/and/the */
        uint32_t e = i, last = i;
        while (e < n) {
            if (has(nd, e, NF_NAME)) {
                last = e;
                e++;
            } else if (e > i && e + 1 < n && has(nd, e + 1, NF_NAME) &&
                       (fold_is(c, e, "of", 2) || fold_is(c, e, "for", 3) ||
                        fold_is(c, e, "and", 3) ||
                        (c->doc.toks[e].flags & TOK_HYPHEN))) {
                e++;
            } else {
                break;
            }
        }
        uint32_t s = i;
        if (fold_is(c, s, "the", 3))
            s++;
        if (last > s && c->headline[c->doc.toks[s].sent] == 0 &&
            tg__w(c, last, SNAP_W_ORGSUF)) {
            nt_err rc = place_rule(c, NT_TYPE_ORG, s, last + 1, 0.65f);
            if (rc != NT_OK)
                return rc;
        }
        next = last + 1;
    }
    return NT_OK;
}

static nt_err rule_said(names_doc *nd) {
    tg_ctx *c = nd->c;
    uint32_t n = nd->n, next = 0;
    for (uint32_t q = 0; q < nd->n_marks && nd->marks[q] + 1 < n; q++) {
        uint32_t i = nd->marks[q];
        if (i < next || !has(nd, i, NF_NAME) || tg__covering(c, i) >= 0 || tg__w(c, i, SNAP_W_TITLE))
            continue;
        uint32_t e = name_end(nd, i);
        if (e - i < 2 || e >= n)
            continue;
        bool taken = tg__w(c, e - 1, SNAP_W_TITLE); /* "Defence Secretary told": a role */
        for (uint32_t t = i; t < e; t++)
            taken |= tg__covering(c, t) >= 0;
        if (taken) {
            next = e;
            continue;
        }
        bool said = fold_is(c, e, "said", 4) || fold_is(c, e, "told", 4) ||
                    fold_is(c, e, "says", 4) || fold_is(c, e, "added", 5) ||
                    fold_is(c, e, "wrote", 5);
        if (said && !tg__w(c, i, SNAP_W_COMMON)) {
            nt_err rc = place_rule(c, NT_TYPE_PERSON, i, e, 0.6f);
            if (rc != NT_OK)
                return rc;
        }
        next = e;
    }
    return NT_OK;
}

/* True if every token of [ts,te) is free or held by a candidate a person name may replace
 * (a small place or a weak word: "Paul", "Bailey"), and none is a dictionary PERSON. */
static bool free_for_person(const tg_ctx *c, uint32_t ts, uint32_t te, bool *covered) {
    *covered = false;
    for (uint32_t t = ts; t < te; t++) {
        int64_t k = tg__covering(c, t);
        if (k < 0)
            continue;
        *covered = true;
        const tg_cand *m = &c->cands[k];
        if (m->ent < 0 || m->ts < ts || m->te > te)
            return false;
        const snap_entity *e = snap_entity_at(c->s, (uint32_t)m->ent);
        if (m->te - m->ts > 1 || (e->flags & SNAP_PLACE_COUNTRY))
            return false;
        /* one word of a longer name: a first name that is also a town, or a WordNet
         * single-name person ("Andrew" the apostle in "Andrew Mehrtens") */
        if (!(e->type == NT_TYPE_LOC || m->weak || (e->flags & SNAP_LOWPRIO) ||
              e->type == NT_TYPE_PERSON))
            return false;
    }
    return true;
}

/* is_connector(c, t) for a token t inside a name_end span, from the facts alone. The span
 * holds name words, initials and the connectors name_end let in. A name word is a
 * connector only if it is a connector word (NF_CONN; a dash has no letter, so it is never
 * a name word); an initial ("S.") ends in '.', which no connector word has; any other
 * token of the span is there because it is a connector. */
static bool in_name_connector(const names_doc *nd, uint32_t t) {
    return has(nd, t, NF_NAME | NF_INITIAL) ? has(nd, t, NF_CONN) : true;
}

/* Capitalised sequences the dictionary does not explain: a known given name first
 * ("Stefan Edberg") or two or more capitalised words none of which is a common word
 * ("Jansher Khan") → PERSON. ALL-CAPS lines are left alone. */
static nt_err rule_capseq(names_doc *nd) {
    tg_ctx *c = nd->c;
    uint32_t next = 0;
    for (uint32_t q = 0; q < nd->n_marks; q++) {
        uint32_t i = nd->marks[q];
        if (i < next || !has(nd, i, NF_NAME) || c->headline[c->doc.toks[i].sent] == 2)
            continue;
        uint32_t s = i, e = name_end(nd, i);
        bool sent_start = (c->doc.toks[s].flags & TOK_SENT_START) ||
                          (s > 0 && (c->doc.toks[s - 1].flags & (TOK_QUOTE | TOK_PUNCT)) &&
                           (c->doc.toks[s - 1].flags & TOK_SENT_START));
        if (sent_start && tg__w(c, s, SNAP_W_COMMON) && !tg__w(c, s, SNAP_W_FIRST))
            s++;
        while (s < e && tg__w(c, s, SNAP_W_TITLE)) /* "Lieutenant Colonel Peter Lerner" */
            s++;
        size_t words = 0, common = 0;
        for (uint32_t t = s; t < e; t++) {
            if (!(c->doc.toks[t].flags & TOK_WORD) || in_name_connector(nd, t))
                continue;
            words++;
            common += tg__w(c, t, SNAP_W_COMMON);
        }
        bool given = s < e && tg__w(c, s, SNAP_W_FIRST);
        bool covered;
        if (e > s + 1 && tg__w(c, s, SNAP_W_SHIP) && (c->doc.toks[s].flags & TOK_ALLCAP) &&
            free_for_person(c, s, e, &covered)) { /* "HMS Tyne": a ship */
            nt_err rc = place_rule(c, NT_TYPE_WEAPON, s, e, 0.7f);
            if (rc != NT_OK)
                return rc;
            next = e;
            continue;
        }
        if (words >= 2 && e > s && (given || common == 0) && !tg__w(c, e - 1, SNAP_W_TITLE) &&
            free_for_person(c, s, e, &covered) &&
            !tg__w(c, e - 1, SNAP_W_ORGSUF) && !tg__w(c, s, SNAP_W_TITLE)) {
            nt_err rc = place_rule(c, NT_TYPE_PERSON, s, e, given ? 0.7f : 0.55f);
            if (rc != NT_OK)
                return rc;
        }
        next = e > i ? e : i + 1;
    }
    return NT_OK;
}

static bool is_comma(const tg_ctx *c, uint32_t i) {
    return (c->doc.toks[i].flags & TOK_PUNCT) && c->doc.text[c->doc.toks[i].start] == ',';
}

/* "Given, Breen, Staunton, Irwin and McAteer": in a list of three or more capitalised
 * items where some item is a person, the unexplained items are people too. */
static nt_err rule_lists(names_doc *nd) {
    tg_ctx *c = nd->c;
    const tok_doc *d = &c->doc;
    uint32_t n = nd->n, next = 0;
    uint32_t is[64], ie[64];
    for (uint32_t q0 = 0; q0 < nd->n_marks; q0++) {
        uint32_t i = nd->marks[q0];
        if (i < next || !has(nd, i, NF_NAME))
            continue;
        size_t k = 0;
        uint32_t j = i;
        while (j < n && k < 64) {
            uint32_t e = has(nd, j, NF_NAME) ? name_end(nd, j) : j;
            if (e == j)
                break;
            is[k] = j;
            ie[k++] = e;
            if (e < n && (is_comma(c, e) || fold_is(c, e, "and", 3)) && e + 1 < n &&
                !(d->toks[e + 1].flags & TOK_NL_BEFORE))
                j = e + 1;
            else
                break;
        }
        if (k >= 3) {
            size_t persons = 0;
            for (size_t q = 0; q < k; q++) {
                int64_t m = tg__covering(c, is[q]);
                if (m >= 0) {
                    const tg_cand *cd = &c->cands[m];
                    nt_type ty = cd->ent >= 0 ? snap_entity_at(c->s, (uint32_t)cd->ent)->type : cd->rtype;
                    persons += ty == NT_TYPE_PERSON;
                }
            }
            if (persons * 3 >= k) {
                for (size_t q = 0; q < k; q++) {
                    bool covered;
                    if (free_for_person(c, is[q], ie[q], &covered) && !covered) {
                        nt_err rc = place_rule(c, NT_TYPE_PERSON, is[q], ie[q], 0.55f);
                        if (rc != NT_OK)
                            return rc;
                    }
                }
            }
        }
        next = k && ie[k - 1] > i ? ie[k - 1] : i + 1;
    }
    return NT_OK;
}

/* Result tables of a sports report: "Bristol Rovers 3 1 2 0 2 1 5", "Partick 1 St Mirren 1":
 * a capitalised name that starts a line or follows a score, and is followed by a number,
 * is a team (ORG) unless it is a country (national teams are places). */
static nt_err rule_sports_table(names_doc *nd) {
    tg_ctx *c = nd->c;
    const tok_doc *d = &c->doc;
    uint32_t n = nd->n, next = 1;
    if (!n || !tg__w(c, 0, SNAP_W_SPORTS))
        return NT_OK;
    for (uint32_t q = 0; q < nd->n_marks; q++) {
        uint32_t i = nd->marks[q];
        if (i < next || !has(nd, i, NF_NAME))
            continue;
        uint32_t e = name_end(nd, i);
        bool starts = (d->toks[i].flags & TOK_NL_BEFORE) ||
                      ((d->toks[i - 1].flags & TOK_NUM) && !(d->toks[i - 1].flags & TOK_NL_BEFORE));
        bool date = e < n && d->toks[e].end - d->toks[e].start == 10; /* "1996-08-30" */
        if (starts && !date && e < n && (d->toks[e].flags & TOK_NUM) &&
            !(d->toks[e].flags & TOK_NL_BEFORE)) {
            bool ok = true;
            for (uint32_t t = i; t < e && ok; t++) {
                int64_t k = tg__covering(c, t);
                if (k < 0)
                    continue;
                const tg_cand *m = &c->cands[k];
                ok = m->ent < 0 ? m->rtype != NT_TYPE_ORG || m->ts != i || m->te != e
                                : !(snap_entity_at(c->s, (uint32_t)m->ent)->flags & SNAP_PLACE_COUNTRY) &&
                                      snap_entity_at(c->s, (uint32_t)m->ent)->type != NT_TYPE_ORG;
            }
            if (ok) {
                nt_err rc = force_rule(c, NT_TYPE_ORG, i, e, 0.55f);
                if (rc != NT_OK)
                    return rc;
            }
        }
        next = e > i ? e : i + 1;
    }
    return NT_OK;
}

/* An unknown acronym in running text ("LIFFE", "CFDT") is most often an organisation. */
static nt_err rule_acronym(names_doc *nd) {
    tg_ctx *c = nd->c;
    const tok_doc *d = &c->doc;
    for (uint32_t q = 0; q < nd->n_marks; q++) {
        uint32_t i = nd->marks[q];
        const tok_token *t = &d->toks[i];
        if (!has(nd, i, NF_ACRO) || c->headline[t->sent] || tg__covering(c, i) >= 0)
            continue;
        /* letters only; a neighbour in capitals means a shouted phrase, not an acronym */
        bool letters = true;
        for (size_t k = t->start; k < t->end; k++)
            letters &= d->text[k] >= 'A' && d->text[k] <= 'Z';
        if (!letters || (i + 1 < d->n_toks && (d->toks[i + 1].flags & TOK_ALLCAP) &&
                         (d->toks[i + 1].flags & TOK_WORD)) ||
            (i > 0 && (d->toks[i - 1].flags & TOK_ALLCAP) && (d->toks[i - 1].flags & TOK_WORD)))
            continue;
        nt_err rc = place_rule(c, NT_TYPE_ORG, i, i + 1, 0.5f);
        if (rc != NT_OK)
            return rc;
    }
    return NT_OK;
}

nt_err names_run(tg_ctx *c) {
    names_doc nd;
    nt_err rc;
    if ((rc = names_doc_init(&nd, c)) != NT_OK || (rc = rule_titles(&nd)) != NT_OK ||
        (rc = rule_org_suffix(&nd)) != NT_OK || (rc = rule_capseq(&nd)) != NT_OK ||
        (rc = rule_said(&nd)) != NT_OK || (rc = rule_acronym(&nd)) != NT_OK ||
        (rc = rule_lists(&nd)) != NT_OK || (rc = rule_sports_table(&nd)) != NT_OK)
        return rc;
    return NT_OK;
}
