/* events.c - the event stage: runs the snapshot's compiled rules (rules_int.h) over each
 * sentence's tokens and the grouped entity mentions, and fills tg_result.events with
 * typed events, arguments, modality and confidence. Per token it costs one word lookup;
 * per trigger, each pattern walks at most (elements × gap width) tokens and never
 * backtracks, so a sentence costs time linear in its length. All memory comes from the
 * request arena; the rules are only read. */
#include "events_int.h"
#include "rules_int.h"
#include "tagger_int.h"

#include <stdio.h>
#include <string.h>

#define EV_NP_MAX 6 /* content tokens in one noun-phrase chunk */

typedef struct ev_ment {
    int32_t ent;
    uint32_t ts, te;
} ev_ment;

typedef struct ev_doc {
    const rules_set *r;
    const tok_doc *d;
    const tg_result *out;
    arena *a;
    const uint64_t *hash; /* per token: nt_hash of the folded form (the tagger's) */
    uint32_t *wid;     /* per token: rules word id, RULES_NONE, or EV_WID_UNSET until
                          wid_of looks it up (only tokens of trigger sentences are read) */
    uint8_t *has_trig; /* per sentence: 1 if one of its tokens keys a trigger */
    int32_t *ms, *me;  /* per token: mention starting / ending (last token) here, or -1 */
    uint8_t *inside;   /* per token: EV_IN_MENT | EV_IN_DATE (never a trigger) */
    ev_ment *ments;
    int32_t *ds, *de;  /* per token: date starting / ending here, or -1 */
    ev_date *dates;
    size_t n_dates;
    int64_t sf, sl;    /* the current sentence's tokens [sf, sl) */
    int64_t tts, tte;  /* the trigger being built: tokens [tts, tte) */
} ev_doc;

enum { EV_IN_MENT = 1, EV_IN_DATE = 2 };

/* D->wid of a token not looked up yet; no word id gets near it. */
#define EV_WID_UNSET (RULES_NONE - 1)

typedef struct ev_cap {
    uint8_t role;
    uint32_t ts, te;
    int32_t ent, date;
} ev_cap;

typedef struct ev_caps {
    ev_cap c[RULES_MAX_ELEMS];
    int n;
} ev_caps;

/* ---- token tests ---- */

/* The rules word id of token t (or RULES_NONE), looked up on first use: the matchers
 * read the tokens near triggers only, so most tokens are never looked up. D->wid is
 * per-call scratch, so this writes through the const view. */
__attribute__((noinline)) /* keeps the inline part of wid_of two instructions long */
static uint32_t wid_lookup(const ev_doc *D, int64_t t) {
    return D->wid[t] = rules__word_find_h(D->r, tok_fold(D->d, (size_t)t), D->hash[t]);
}

static inline uint32_t wid_of(const ev_doc *D, int64_t t) {
    uint32_t w = D->wid[t];
    return w != EV_WID_UNSET ? w : wid_lookup(D, t);
}

static uint64_t classes_of(const ev_doc *D, int64_t t) {
    uint32_t w = wid_of(D, t);
    return w == RULES_NONE ? 0 : D->r->words[w].classes;
}

static bool in_cls(const ev_doc *D, int64_t t, int k) {
    int c = D->r->cls[k];
    return c >= 0 && (classes_of(D, t) >> c & 1);
}

/* Token t is the first word of some trigger form. prepare_words looked up every token
 * that may be one (the others stay EV_WID_UNSET, which is no word id). */
static bool is_trigger_key(const ev_doc *D, size_t t) {
    uint32_t w = D->wid[t];
    return w < D->r->n_words && D->r->words[w].trig_n != 0;
}

static bool is_wordtok(const ev_doc *D, int64_t t) {
    return (D->d->toks[t].flags & TOK_WORD) != 0;
}

static bool ends_with(nt_str w, const char *suf) {
    size_t n = strlen(suf);
    return w.n > n + 2 && memcmp(w.p + w.n - n, suf, n) == 0;
}

/* A word that may sit inside a noun phrase. `inner`: not the first content word, where a
 * verb-like form (-ed, -ing) ends the phrase ("the coalition had", "civilians killed"). */
static bool content(const ev_doc *D, int64_t t, bool inner) {
    if (!is_wordtok(D, t) || in_cls(D, t, RULES_C_STOP) || in_cls(D, t, RULES_C_DET) ||
        in_cls(D, t, RULES_C_PRON) || in_cls(D, t, RULES_C_VERB) ||
        (D->d->toks[t].flags & TOK_CLITIC) || (D->inside[t] & EV_IN_DATE) ||
        (t >= D->tts && t < D->tte))
        return false;
    nt_str w = tok_fold(D->d, (size_t)t);
    if (inner && (ends_with(w, "ed") || ends_with(w, "ing")) && !(D->d->toks[t].flags & TOK_CAP))
        return false;
    return true;
}

/* A lone lowercase word that reads as a verb form or an adverb ("getting", "believed",
 * "reportedly"): no noun phrase on its own. */
static bool verbish(const ev_doc *D, int64_t t) {
    nt_str w = tok_fold(D->d, (size_t)t);
    return !(D->d->toks[t].flags & TOK_CAP) &&
           (ends_with(w, "ed") || ends_with(w, "ing") || ends_with(w, "ly"));
}

static bool det_like(const ev_doc *D, int64_t t) {
    return in_cls(D, t, RULES_C_DET) || (D->d->toks[t].flags & TOK_NUM);
}

/* A hyphen joining two words with no spaces ("US-led"). */
static bool joiner(const ev_doc *D, int64_t t) {
    const tok_token *k = &D->d->toks[t];
    return (k->flags & TOK_HYPHEN) && !(k->flags & TOK_SPACE_BEFORE) && t + 1 < D->sl &&
           !(D->d->toks[t + 1].flags & TOK_SPACE_BEFORE) && t > D->sf;
}

/* ---- noun-phrase chunks ---- */

/* Content run forward from t; returns its end (t if none). */
static int64_t run_fwd(const ev_doc *D, int64_t t, int *nc) {
    *nc = 0;
    while (t < D->sl && *nc < EV_NP_MAX) {
        if (D->ms[t] >= 0) {
            t = D->ments[D->ms[t]].te;
            (*nc)++;
        } else if (content(D, t, *nc > 0) || ((D->d->toks[t].flags & TOK_NUM) && *nc > 0)) {
            t++;
            (*nc)++;
        } else if (*nc > 0 && joiner(D, t) && t + 1 < D->sl && is_wordtok(D, t + 1)) {
            t += 2;
        } else {
            break;
        }
    }
    return t;
}

static bool np_fwd(const ev_doc *D, int64_t pos, ev_cap *c) {
    int64_t t = pos;
    int nc, k = 0;
    if (in_cls(D, t, RULES_C_PRON)) {
        c->ts = (uint32_t)t, c->te = (uint32_t)t + 1;
        return true;
    }
    while (t < D->sl && k < 3 && D->ms[t] < 0 && det_like(D, t)) {
        t++, k++;
        /* "hundreds of civilians", "some of the" */
        if (t + 1 < D->sl && nt_str_eq_c(tok_fold(D->d, (size_t)t), "of"))
            t++;
    }
    if (t >= D->sl)
        return false;
    /* after a determiner, a participle may start the phrase: "the wounded", "armed men" */
    int64_t e = run_fwd(D, t, &nc);
    if (!nc && k && content(D, t, false))
        e = t + 1, nc = 1;
    if (!nc || (!k && e == t + 1 && D->ms[t] < 0 && verbish(D, t)))
        return false;
    if (e + 1 < D->sl && nt_str_eq_c(tok_fold(D->d, (size_t)e), "of")) {
        int64_t t2 = e + 1;
        int nc2, k2 = 0;
        while (t2 < D->sl && k2 < 2 && D->ms[t2] < 0 && det_like(D, t2))
            t2++, k2++;
        int64_t e2 = t2 < D->sl ? run_fwd(D, t2, &nc2) : t2;
        if (t2 < D->sl && nc2)
            e = e2;
    }
    c->ts = (uint32_t)pos, c->te = (uint32_t)e;
    return true;
}

/* Content run backward ending at t; returns the index before its start (t if none). */
static int64_t run_back(const ev_doc *D, int64_t t, int *nc) {
    *nc = 0;
    while (t >= D->sf && *nc < EV_NP_MAX) {
        if (D->me[t] >= 0) {
            t = (int64_t)D->ments[D->me[t]].ts - 1;
            (*nc)++;
        } else if (content(D, t, *nc > 0) || ((D->d->toks[t].flags & TOK_NUM) && *nc > 0)) {
            t--;
            (*nc)++;
        } else if (*nc > 0 && joiner(D, t) && t - 1 >= D->sf && is_wordtok(D, t - 1)) {
            t -= 2;
        } else {
            break;
        }
    }
    return t;
}

static bool np_back(const ev_doc *D, int64_t pos, ev_cap *c) {
    int nc, k = 0;
    if (in_cls(D, pos, RULES_C_REL)) {
        /* "a serviceman who was killed": the antecedent, over one comma */
        int64_t q = pos - 1;
        if (q > D->sf && (D->d->toks[q].flags & TOK_PUNCT) &&
            nt_str_eq_c(tok_text(D->d, (size_t)q), ","))
            q--;
        if (q >= D->sf && !in_cls(D, q, RULES_C_REL) && !in_cls(D, q, RULES_C_PRON) &&
            np_back(D, q, c))
            return true;
    }
    if (in_cls(D, pos, RULES_C_PRON)) {
        c->ts = (uint32_t)pos, c->te = (uint32_t)pos + 1;
        return true;
    }
    int64_t t = run_back(D, pos, &nc);
    if (!nc)
        return false;
    if (t == pos - 1 && D->me[pos] < 0 && verbish(D, pos) &&
        !(t >= D->sf && det_like(D, t)))
        return false;
    if (t - 1 >= D->sf && nt_str_eq_c(tok_fold(D->d, (size_t)t), "of")) {
        int nc2;
        int64_t t2 = run_back(D, t - 1, &nc2);
        if (nc2)
            t = t2;
    }
    while (t >= D->sf && k < 2 && D->me[t] < 0 && det_like(D, t))
        t--, k++;
    c->ts = (uint32_t)(t + 1), c->te = (uint32_t)pos + 1;
    return true;
}

/* The entity of a chunk: its last mention lying wholly inside, or -1. */
static int32_t chunk_entity(const ev_doc *D, uint32_t ts, uint32_t te) {
    int32_t best = -1;
    for (uint32_t t = ts; t < te; t++)
        if (D->ms[t] >= 0 && D->ments[D->ms[t]].te <= te)
            best = D->ms[t];
    return best;
}

/* ---- matching ---- */

static bool ent_fits(const ev_doc *D, const rules_stype *st, int32_t m) {
    const tg_entity *e = &D->out->ents[D->ments[m].ent];
    if (st->type != NT_TYPE_COUNT && e->type != (nt_type)st->type)
        return false;
    return !st->sub_len || nt_str_eq(e->subtype, rules__str(D->r, st->sub_off, st->sub_len));
}

/* "Afghan soldier", "IS militants": a mention followed by a lowercase noun modifies it. */
static bool premodifier(const ev_doc *D, int32_t m) {
    int64_t t = D->ments[m].te;
    nt_type ty = D->out->ents[D->ments[m].ent].type;
    if (ty == NT_TYPE_LOC || ty == NT_TYPE_FAC || t >= D->sl || (t >= D->tts && t < D->tte) || D->ms[t] >= 0 ||
        (D->d->toks[t].flags & TOK_CAP))
        return false;
    return content(D, t, true) && !verbish(D, t);
}

static bool match_stype(const ev_doc *D, const rules_stype *st, int64_t pos, int dir, ev_cap *c) {
    int32_t m;
    c->ent = -1;
    c->date = -1;
    switch (st->kind) {
        case RULES_S_ENT:
            m = dir > 0 ? D->ms[pos] : D->me[pos];
            if (m < 0 || !ent_fits(D, st, m) || premodifier(D, m))
                return false;
            c->ts = D->ments[m].ts, c->te = D->ments[m].te, c->ent = m;
            return true;
        case RULES_S_NP:
            if (!(dir > 0 ? np_fwd(D, pos, c) : np_back(D, pos, c)))
                return false;
            c->ent = chunk_entity(D, c->ts, c->te);
            return true;
        case RULES_S_DATE:
            m = dir > 0 ? D->ds[pos] : D->de[pos];
            if (m < 0)
                return false;
            c->ts = D->dates[m].ts, c->te = D->dates[m].te, c->date = m;
            return true;
        case RULES_S_REST: {
            int64_t e = D->sl;
            while (e > pos + 1 && (D->d->toks[e - 1].flags & (TOK_PUNCT | TOK_QUOTE)))
                e--;
            if (dir > 0)
                c->ts = (uint32_t)pos, c->te = (uint32_t)e;
            else
                c->ts = (uint32_t)D->sf, c->te = (uint32_t)pos + 1;
            return c->te > c->ts;
        }
        default:
            if (!(classes_of(D, pos) >> st->cls & 1))
                return false;
            c->ts = (uint32_t)pos, c->te = (uint32_t)pos + 1;
            return true;
    }
}

/* True for the elements that test the one token at pos by its word id (WORD, CLASS,
 * ALT): match_segment and match_seq test these inline, without a call. */
static inline bool is_word_elem(const rules_elem *e) {
    return e->kind == RULES_E_WORD || e->kind == RULES_E_CLASS || e->kind == RULES_E_ALT;
}

/* Does token pos satisfy word element e (is_word_elem), ignoring e->negated? A token
 * inside an entity mention is no word for the rules. */
static inline bool word_elem_ok(const ev_doc *D, const rules_elem *e, int64_t pos) {
    uint32_t w = (D->inside[pos] & EV_IN_MENT) ? RULES_NONE : wid_of(D, pos);
    if (e->kind == RULES_E_WORD)
        return w == e->word;
    if (w == RULES_NONE)
        return false;
    if (D->r->words[w].classes & e->classes)
        return true;
    if (e->kind == RULES_E_ALT)
        for (uint32_t k = 0; k < e->n; k++)
            if (D->r->alts[e->off + k] == w)
                return true;
    return false;
}

/* False when slot e cannot match at pos, from the per-token indexes alone: most tries
 * of "[time: DATE] ..25 TRIGGER" or "[actor: ORG|NORP] ..6 TRIGGER" are on tokens where
 * no mention or date starts (ends, going left), and need no call to match_elem. */
static inline bool slot_may_match(const ev_doc *D, const rules_elem *e, int64_t pos, int dir) {
    if (e->sk & ~(1u << RULES_S_ENT | 1u << RULES_S_DATE))
        return true; /* NP, REST, CLASS: ask match_stype */
    return ((e->sk & 1u << RULES_S_ENT) && (dir > 0 ? D->ms : D->me)[pos] >= 0) ||
           ((e->sk & 1u << RULES_S_DATE) && (dir > 0 ? D->ds : D->de)[pos] >= 0);
}

/* Matches one element at pos; *np gets the next position in direction dir. */
static bool match_elem(const ev_doc *D, const rules_elem *e, int64_t pos, int dir, int64_t *np,
                       ev_caps *caps) {
    const rules_set *r = D->r;
    bool ok = false;
    switch (e->kind) {
        case RULES_E_END: {
            /* the sentence ends here, or only closing punctuation and quotes remain */
            int64_t q = pos;
            while (q < D->sl && (D->d->toks[q].flags & (TOK_PUNCT | TOK_QUOTE)) &&
                   !nt_str_eq_c(tok_text(D->d, (size_t)q), ","))
                q++;
            if (q < D->sl)
                return false;
            *np = D->sl;
            return true;
        }
        case RULES_E_WORD:
        case RULES_E_CLASS:
        case RULES_E_ALT:
            ok = word_elem_ok(D, e, pos);
            break;
        case RULES_E_SLOT: {
            ev_cap c = {0};
            for (uint32_t k = 0; !ok && k < e->n; k++)
                ok = match_stype(D, &r->stypes[e->off + k], pos, dir, &c);
            if (ok) {
                *np = dir > 0 ? (int64_t)c.te : (int64_t)c.ts - 1;
                if (e->role && caps->n < RULES_MAX_ELEMS) {
                    c.role = e->role;
                    caps->c[caps->n++] = c;
                }
            }
            return ok;
        }
        default:
            return false;
    }
    if (e->negated) { /* a check on the next token; consumes nothing */
        *np = pos;
        return !ok;
    }
    if (ok)
        *np = pos + dir;
    return ok;
}

/* False when element e, the first of a segment, certainly fails at pos (in the
 * sentence), so match_segment would fail there: it is required, and a word element
 * rejects the token or a slot has no mention or date there (slot_may_match). */
static inline bool may_start_segment(const ev_doc *D, const rules_elem *e, int64_t pos,
                                     int dir) {
    if (e->optional)
        return true;
    if (is_word_elem(e))
        return word_elem_ok(D, e, pos) != (e->negated != 0);
    return e->kind != RULES_E_SLOT || slot_may_match(D, e, pos, dir);
}

/* Matches the gap-free segment el[k..j) (in matching order) at pos. */
static bool match_segment(const ev_doc *D, const rules_elem *el, uint32_t n, int dir, uint32_t k,
                          uint32_t j, int64_t pos, ev_caps *caps, int64_t *end) {
    for (; k < j; k++) {
        const rules_elem *e = dir > 0 ? &el[k] : &el[n - 1 - k];
        int64_t np;
        if (pos < D->sf || (pos >= D->sl && e->kind != RULES_E_END)) {
            if (!e->negated && !e->optional)
                return false;
            continue; /* nothing there: not the word (negated), or skipped (optional) */
        }
        if (is_word_elem(e)) { /* the common case, inline; as match_elem would */
            if (word_elem_ok(D, e, pos) != (e->negated != 0)) {
                if (!e->negated) /* a negated element consumes nothing */
                    pos += dir;
            } else if (!e->optional) {
                return false;
            }
        } else if ((e->kind != RULES_E_SLOT || slot_may_match(D, e, pos, dir)) &&
                   match_elem(D, e, pos, dir, &np, caps)) {
            pos = np;
        } else if (!e->optional) {
            return false;
        }
    }
    *end = pos;
    return true;
}

/* Matches elements el[0..n) in direction dir from pos (for dir < 0 the elements are
 * read from the last to the first). A gap "..N" tries the segment after it (the
 * elements up to the next gap) at the nearest offset first; a matched segment is never
 * revisited, so the cost is at most (N + 1) × segment length per gap. *end gets the
 * position after the match. */
static bool match_seq(const ev_doc *D, const rules_elem *el, uint32_t n, int dir, int64_t pos,
                      ev_caps *caps, int64_t *end) {
    uint32_t k = 0;
    while (k < n) {
        int gap = 0;
        const rules_elem *e = dir > 0 ? &el[k] : &el[n - 1 - k];
        if (e->kind == RULES_E_GAP) {
            gap = e->n;
            k++;
        }
        uint32_t j = k;
        while (j < n && (dir > 0 ? &el[j] : &el[n - 1 - j])->kind != RULES_E_GAP)
            j++;
        bool found = false;
        int64_t p = pos;
        const rules_elem *first = k < j ? (dir > 0 ? &el[k] : &el[n - 1 - k]) : NULL;
        for (int g = 0; g <= gap; g++, p += dir) {
            if (p < D->sf || p >= D->sl)
                break;
            if (g > 0 && in_cls(D, p - dir, RULES_C_GAPSTOP))
                break;
            if (first && !may_start_segment(D, first, p, dir))
                continue; /* most offsets of a gap fail here, at no further cost */
            /* a failed try only appends captures: dropping them restores caps */
            int n_caps = caps->n;
            int64_t np;
            if (match_segment(D, el, n, dir, k, j, p, caps, &np)) {
                pos = np;
                found = true;
                break;
            }
            caps->n = n_caps;
        }
        if (!found)
            return false;
        k = j;
    }
    *end = pos;
    return true;
}

/* Matches pattern pt around the trigger tokens [ts, te). Captures go to caps on success;
 * on failure caps holds leftovers the caller must not read. (Captures are written in
 * place: copying the 32-entry array per try cost more than the matching.) */
static bool match_pattern(const ev_doc *D, const rules_pattern *pt, uint32_t ts, uint32_t te,
                          ev_caps *caps) {
    const rules_elem *el = &D->r->elems[pt->elem_off];
    int64_t end;
    caps->n = 0;
    if (pt->anchored) {
        int64_t p = D->sf;
        uint32_t lo = 1, hi = pt->trig;
        int gap = 0;
        while (p < (int64_t)ts && (D->d->toks[p].flags & TOK_QUOTE))
            p++;
        if (hi > lo && el[hi - 1].kind == RULES_E_GAP)
            gap = el[--hi].n;
        if (!match_seq(D, el + lo, hi - lo, 1, p, caps, &end) || end > (int64_t)ts ||
            (int64_t)ts - end > gap)
            return false;
    } else if (pt->trig > 0 && !match_seq(D, el, pt->trig, -1, (int64_t)ts - 1, caps, &end)) {
        return false;
    }
    if (pt->trig + 1 < pt->n_elems &&
        !match_seq(D, el + pt->trig + 1, pt->n_elems - pt->trig - 1, 1, te, caps, &end))
        return false;
    return true;
}

/* ---- building an event ---- */

/* "15 miles west of Homs": widens a place argument and describes the offset. */
static void place_offset(const ev_doc *D, ev_cap *c, tg_arg *a) {
    const tok_doc *d = D->d;
    int64_t t = c->ts;
    if (t - 2 < D->sf || !nt_str_eq_c(tok_fold(d, (size_t)t - 1), "of") ||
        !in_cls(D, t - 2, RULES_C_DIRECTION))
        return;
    int64_t s = t - 2;
    nt_str dir = tok_text(d, (size_t)t - 2), dist = {"", 0};
    if (s - 2 >= D->sf && in_cls(D, s - 1, RULES_C_UNIT) && (d->toks[s - 2].flags & TOK_NUM)) {
        s -= 2;
        dist = (nt_str){d->text + d->toks[s].start, d->toks[s + 1].end - d->toks[s].start};
    }
    char buf[160];
    int n = dist.n ? snprintf(buf, sizeof(buf), "distance=%.*s; direction=%.*s", (int)(dist.n < 60 ? dist.n : 60),
                              dist.p, (int)(dir.n < 40 ? dir.n : 40), dir.p)
                   : snprintf(buf, sizeof(buf), "direction=%.*s", (int)(dir.n < 40 ? dir.n : 40), dir.p);
    char *v = n > 0 ? arena_strndup(D->a, buf, (size_t)n) : NULL;
    if (v)
        a->value = (nt_str){v, (size_t)n};
    a->start = d->toks[s].start;
}

static const char *modality(const ev_doc *D, uint32_t ts) {
    const rules_set *r = D->r;
    int64_t lo = (int64_t)ts - (int64_t)r->max_window;
    if (lo < D->sf)
        lo = D->sf;
    for (int64_t k = (int64_t)ts - 1; k >= lo; k--) {
        if (in_cls(D, k, RULES_C_BARRIER))
            break;
        uint32_t w = wid_of(D, k);
        if (w == RULES_NONE)
            continue;
        static const int order[] = {RULES_MOD_NEGATED, RULES_MOD_DENIED, RULES_MOD_ALLEGED,
                                    RULES_MOD_HYPOTHETICAL};
        for (size_t i = 0; i < NT_ARRAY_LEN(order); i++) {
            uint8_t win = r->words[w].mod[order[i]];
            if (win && (int64_t)ts - k <= win)
                return rules__mod_names[order[i]];
        }
    }
    return rules__mod_names[RULES_MOD_ASSERTED];
}

/* Checks require/unless, then fills ev from the patterns. false = no event. */
static bool build_event(const ev_doc *D, uint32_t evi, uint32_t ts, uint32_t te, tg_event *ev) {
    const rules_set *r = D->r;
    const rules_event *re = &r->events[evi];
    const tok_doc *d = D->d;
    ev_caps caps;
    ev_cap got[RULES_ROLE_COUNT];
    bool have[RULES_ROLE_COUNT] = {false};
    for (uint32_t p = 0; p < re->n_pats; p++) {
        const rules_pattern *pt = &r->pats[re->pat_off + p];
        if (pt->kind == RULES_P_REQUIRE && !match_pattern(D, pt, ts, te, &caps))
            return false;
        if (pt->kind == RULES_P_UNLESS && match_pattern(D, pt, ts, te, &caps))
            return false;
    }
    for (uint32_t p = 0; p < re->n_pats; p++) {
        const rules_pattern *pt = &r->pats[re->pat_off + p];
        if (pt->kind != RULES_P_PATTERN || !match_pattern(D, pt, ts, te, &caps))
            continue;
        for (int k = 0; k < caps.n; k++) {
            const ev_cap *c = &caps.c[k];
            bool clash = have[c->role];
            /* one stretch of text plays one role: the first pattern's */
            for (int q = 1; q < RULES_ROLE_COUNT && !clash; q++)
                clash = have[q] && c->ts < got[q].te && got[q].ts < c->te;
            if (!clash) {
                have[c->role] = true;
                got[c->role] = *c;
            }
        }
    }
    size_t na = 0;
    for (int k = 1; k < RULES_ROLE_COUNT; k++) {
        if (!have[k])
            continue;
        ev_cap *c = &got[k];
        tg_arg *a = &ev->args[na++];
        a->role = rules__role_names[k];
        a->start = d->toks[c->ts].start;
        a->end = d->toks[c->te - 1].end;
        a->entity = c->ent >= 0 ? D->ments[c->ent].ent : -1;
        a->value = c->date >= 0 ? D->dates[c->date].value : (nt_str){"", 0};
        if (c->ent >= 0 && D->out->ents[a->entity].type == NT_TYPE_LOC &&
            D->ments[c->ent].ts == c->ts)
            place_offset(D, c, a);
    }
    if (na < re->min_args)
        return false;
    for (size_t i = 1; i < na; i++) /* arguments in text order */
        for (size_t j = i; j > 0 && ev->args[j].start < ev->args[j - 1].start; j--) {
            tg_arg t = ev->args[j];
            ev->args[j] = ev->args[j - 1];
            ev->args[j - 1] = t;
        }
    ev->n_args = na;
    ev->type = rules__str(r, re->type_off, re->type_len);
    ev->cameo = rules__str(r, re->cameo_off, re->cameo_len);
    ev->sent = d->toks[ts].sent;
    ev->trig_start = d->toks[ts].start;
    ev->trig_end = d->toks[te - 1].end;
    ev->modality = modality(D, ts);
    float conf = re->conf + 0.05f * (float)na;
    ev->conf = (float)(int)((conf > 0.95f ? 0.95f : conf) * 100 + 0.5f) / 100;
    return true;
}

/* The longest trigger phrase starting at t (file order breaks ties) that yields an
 * event; *te gets its end. */
static bool event_at(ev_doc *D, uint32_t t, tg_event *ev, uint32_t *te) {
    const rules_set *r = D->r;
    if (!is_trigger_key(D, t) || D->inside[t])
        return false;
    const rules_word *rw = &r->words[D->wid[t]];
    for (uint32_t len = RULES_MAX_PHRASE; len >= 1; len--) {
        if ((int64_t)t + len > D->sl)
            continue;
        for (uint32_t k = 0; k < rw->trig_n; k++) {
            const rules_trigger *tr = &r->trigs[rw->trig_first + k];
            if (tr->n_words != len)
                continue;
            bool ok = true;
            for (uint32_t q = 1; q < len && ok; q++)
                ok = wid_of(D, t + q) == tr->words[q];
            D->tts = t, D->tte = t + len;
            if (ok && build_event(D, tr->event, t, t + len, ev)) {
                *te = t + len;
                D->tts = D->tte = -1;
                return true;
            }
            D->tts = D->tte = -1;
        }
    }
    return false;
}

/* ---- the stage ---- */

/* The sentences holding a trigger key; *n_trig gets the number of tokens that key a
 * trigger. Only the tokens that pass the rules' trigger-key filter are looked up here;
 * the others are left to wid_of. The tagger's per-token hash (gaz_hash) is the rules
 * table's hash too (rules_int.h). */
static nt_err prepare_words(ev_doc *D, tg_ctx *c, size_t *n_trig) {
    const tok_doc *d = &c->doc;
    const rules_set *r = D->r;
    size_t cap = 0;
    D->hash = c->hash;
    D->wid = arena_alloc(c->a, d->n_toks * sizeof(uint32_t));
    D->has_trig = arena_calloc(c->a, d->n_sents + 1, 1);
    if (!D->wid || !D->has_trig)
        return NT_ENOMEM;
    for (size_t i = 0; i < d->n_toks; i++) {
        if (!rules__maybe_trigger_key(r, c->hash[i])) {
            D->wid[i] = EV_WID_UNSET;
            continue;
        }
        D->wid[i] = rules__word_find_h(r, tok_fold(d, i), c->hash[i]);
        if (is_trigger_key(D, i)) {
            cap++;
            D->has_trig[d->toks[i].sent] = 1;
        }
    }
    *n_trig = cap;
    return NT_OK;
}

/* Mentions and time expressions, per token; D->has_trig must be set. */
static nt_err prepare_spans(ev_doc *D, tg_ctx *c, const tagger_opts *o, const tg_result *out) {
    const tok_doc *d = &c->doc;
    size_t n = d->n_toks, nm = 0;
    D->ms = arena_alloc(c->a, n * sizeof(int32_t));
    D->me = arena_alloc(c->a, n * sizeof(int32_t));
    D->ds = arena_alloc(c->a, n * sizeof(int32_t));
    D->de = arena_alloc(c->a, n * sizeof(int32_t));
    D->dates = arena_alloc(c->a, n * sizeof(ev_date));
    for (size_t i = 0; i < out->n_ents; i++)
        nm += out->ents[i].n_mentions;
    D->ments = arena_alloc(c->a, (nm + 1) * sizeof(ev_ment));
    D->inside = arena_calloc(c->a, n + 1, 1);
    if (!D->inside || !D->ms || !D->me || !D->ds || !D->de || !D->dates || !D->ments)
        return NT_ENOMEM;
    memset(D->ms, 0xFF, n * sizeof(int32_t));
    memset(D->me, 0xFF, n * sizeof(int32_t));
    memset(D->ds, 0xFF, n * sizeof(int32_t));
    memset(D->de, 0xFF, n * sizeof(int32_t));
    nm = 0;
    for (size_t i = 0; i < out->n_ents; i++)
        for (size_t k = 0; k < out->ents[i].n_mentions; k++) {
            const tg_mention *m = &out->ents[i].mentions[k];
            if (m->tok_end <= m->tok_start || m->tok_end > n || D->ms[m->tok_start] >= 0)
                continue;
            D->ments[nm] = (ev_ment){(int32_t)i, m->tok_start, m->tok_end};
            D->ms[m->tok_start] = (int32_t)nm;
            D->me[m->tok_end - 1] = (int32_t)nm;
            for (uint32_t q = m->tok_start; q < m->tok_end; q++)
                D->inside[q] |= EV_IN_MENT;
            nm++;
        }
    for (size_t s = 0; s < d->n_sents; s++) {
        const tok_sentence *se = &d->sents[s];
        size_t k;
        if (!D->has_trig[s])
            continue; /* patterns never look past their trigger's sentence */
        ev__dates(d, se->tok_first, se->tok_first + se->tok_count, o->published, c->a,
                  D->dates + D->n_dates, n - D->n_dates, &k);
        for (size_t i = D->n_dates; i < D->n_dates + k; i++) {
            D->ds[D->dates[i].ts] = (int32_t)i;
            D->de[D->dates[i].te - 1] = (int32_t)i;
            /* "March" the month is no protest march */
            for (uint32_t q = D->dates[i].ts; q < D->dates[i].te; q++)
                D->inside[q] |= EV_IN_DATE;
        }
        D->n_dates += k;
    }
    return NT_OK;
}

nt_err events_run(tg_ctx *c, const tagger_opts *o, tg_result *out) {
    const rules_set *r = snap_rules(c->s);
    const tok_doc *d = &c->doc;
    ev_doc D = {.r = r, .d = d, .out = out, .a = c->a, .tts = -1, .tte = -1};
    size_t cap = 0;
    nt_err rc;
    out->events = NULL;
    out->n_events = 0;
    if (!r || !r->n_trigs || !d->n_toks)
        return NT_OK;
    if ((rc = prepare_words(&D, c, &cap)) != NT_OK)
        return rc;
    if (!cap) /* no trigger: nothing below can yield an event */
        return NT_OK;
    if ((rc = prepare_spans(&D, c, o, out)) != NT_OK)
        return rc;
    out->events = arena_calloc(c->a, cap, sizeof(tg_event));
    if (!out->events)
        return NT_ENOMEM;
    tg_arg *spare = NULL; /* arguments of a trigger that may not become an event */
    for (size_t s = 0; s < d->n_sents; s++) {
        if (!D.has_trig[s])
            continue;
        D.sf = d->sents[s].tok_first;
        D.sl = D.sf + d->sents[s].tok_count;
        for (int64_t t = D.sf; t < D.sl;) {
            uint32_t te;
            if (out->n_events < cap && is_trigger_key(&D, (size_t)t)) {
                tg_event *ev = &out->events[out->n_events];
                if (!spare && !(spare = arena_calloc(c->a, RULES_ROLE_COUNT, sizeof(tg_arg))))
                    return NT_ENOMEM;
                ev->args = spare;
                if (event_at(&D, (uint32_t)t, ev, &te)) {
                    out->n_events++;
                    spare = NULL;
                    t = te;
                    continue;
                }
                ev->args = NULL;
            }
            t++;
        }
    }
    return NT_OK;
}
