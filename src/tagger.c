/* tagger.c - the pipeline of tagger.h: tokenize, scan the gazetteer, resolve each match
 * to one entry (type and population priors, countries named in the article, other
 * mentions of the same entry), drop weak matches without support, add names found by cue
 * rules (names.c), link later mentions to earlier ones (coref), group mentions into
 * entities. Reads only the immutable snapshot; all memory comes from the caller's arena. */
#include "tagger.h"

#include "tagger_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void tagger_opts_init(tagger_opts *o) {
    memset(o, 0, sizeof(*o));
    o->events = true;
}

/* ---- context: what the article as a whole says ---- */

static bool ctx_has_country(const tg_ctx *c, const char *cc) {
    for (size_t i = 0; i < c->n_countries; i++)
        if (memcmp(c->countries[i], cc, 2) == 0)
            return true;
    return false;
}

static void ctx_add_country(tg_ctx *c, const char *cc) {
    if (!cc[0] || ctx_has_country(c, cc) || c->n_countries == TG_MAX_COUNTRIES)
        return;
    memcpy(c->countries[c->n_countries++], cc, 2);
}

/* Marks sentences that are headlines: ALL CAPS or Title Case. */
static nt_err mark_headlines(tg_ctx *c) {
    const tok_doc *d = &c->doc;
    c->headline = arena_calloc(c->a, d->n_sents ? d->n_sents : 1, 1);
    if (!c->headline)
        return NT_ENOMEM;
    for (size_t s = 0; s < d->n_sents; s++) {
        const tok_sentence *se = &d->sents[s];
        size_t words = 0, caps = 0, allcaps = 0, commas = 0;
        for (size_t i = se->tok_first; i < se->tok_first + se->tok_count; i++) {
            const tok_token *t = &d->toks[i];
            commas += (t->flags & TOK_PUNCT) && d->text[t->start] == ',';
            if (!(t->flags & TOK_WORD) || t->end - t->start < 4)
                continue;
            words++;
            caps += (t->flags & TOK_CAP) != 0;
            allcaps += (t->flags & TOK_ALLCAP) != 0;
        }
        if (words >= 2 && allcaps * 10 >= words * 7)
            c->headline[s] = 2;
        else if (words >= 4 && words <= 14 && commas <= 1 && caps * 10 >= words * 8)
            c->headline[s] = 1; /* Title Case; a list of names has commas */
    }
    return NT_OK;
}

/* ---- entities named unambiguously: a small hash set sized by the document, not by the
 * dictionary (a bitset over 219k entities would cost a 27 KB memset per request) ---- */

static bool strong_has(const tg_ctx *c, uint32_t ent) {
    if (!c->strong_ent)
        return false;
    for (size_t i = (ent * 2654435761u) & (c->strong_cap - 1);; i = (i + 1) & (c->strong_cap - 1)) {
        if (c->strong_ent[i] == ent)
            return true;
        if (c->strong_ent[i] == UINT32_MAX)
            return false;
    }
}

static void strong_add(tg_ctx *c, uint32_t ent) {
    size_t i = (ent * 2654435761u) & (c->strong_cap - 1);
    while (c->strong_ent[i] != UINT32_MAX && c->strong_ent[i] != ent)
        i = (i + 1) & (c->strong_cap - 1);
    c->strong_ent[i] = ent; /* capacity ≥ 2 × candidates: never full */
}

/* ---- resolution ---- */

static double prior(const snap_entity *e, const gaz_out *o) {
    double p;
    if (e->type == NT_TYPE_LOC) {
        if (e->flags & SNAP_PLACE_COUNTRY)
            p = (o->flags & GAZ_OUT_NAME) ? 120 : 100; /* "Lebanon" is the country first */
        else if (e->flags & SNAP_PLACE_ADMIN)
            p = 62;
        else
            p = 40 + e->pop_score;
        if (e->flags & SNAP_PLACE_CAPITAL)
            p += 10;
        if (e->flags & SNAP_MINOR)
            p -= 20;
    } else {
        p = 75;
    }
    if (e->flags & SNAP_LOWPRIO)
        p -= 25;
    if (o->flags & GAZ_OUT_NAME)
        p += 3;
    if (o->flags & GAZ_OUT_WEAK)
        p -= 10;
    return p;
}

static nt_str attr_of(const tg_ctx *c, const snap_entity *e, const char *key) {
    for (uint32_t k = 0; k < e->n_attrs; k++) {
        nt_str kk, v;
        snap_entity_attr(c->s, e, k, &kk, &v);
        if (nt_str_eq_c(kk, key))
            return v;
    }
    return (nt_str){NULL, 0};
}

/* "Atlanta, Georgia": a region right after "<city>," that contains the city wins. The
 * city's GeoNames admin1code ("US.GA") is compared with the region's ISO code ("US-GA"),
 * which agree for the countries whose GeoNames codes are ISO codes (the US among them). */
static bool contains_prev_city(const tg_ctx *c, const tg_cand *m, const snap_entity *region) {
    const tok_doc *d = &c->doc;
    if (!(region->flags & SNAP_PLACE_ADMIN) || m->ts < 2 || d->text[d->toks[m->ts - 1].start] != ',')
        return false;
    int64_t k = tg__covering_any(c, m->ts - 2);
    if (k < 0 || c->cands[k].ent < 0)
        return false;
    const snap_entity *city = snap_entity_at(c->s, (uint32_t)c->cands[k].ent);
    nt_str code = attr_of(c, city, "admin1code"), iso = attr_of(c, region, "iso");
    if (!code.n || code.n != iso.n)
        return false;
    for (size_t i = 0; i < code.n; i++)
        if (code.p[i] != iso.p[i] && !(code.p[i] == '.' && iso.p[i] == '-'))
            return false;
    return true;
}

/* The first pass picks a provisional entity per match with priors alone and collects
 * the countries the article is about; the second pass re-scores with that context. */
static const gaz_db *cand_gaz(const tg_ctx *c, const tg_cand *m) {
    return m->g ? snap_gaz_base(c->s) : snap_gaz(c->s);
}

static void resolve_match(tg_ctx *c, tg_cand *m, bool with_ctx) {
    const gaz_out *o;
    size_t n = gaz_node_outs(cand_gaz(c, m), m->node, &o);
    double best = -1e9;
    m->ent = -1;
    if (!with_ctx)
        m->usable = 0;
    for (size_t i = 0; i < n; i++) {
        if (with_ctx && i < 64) {
            if (!(m->usable >> i & 1))
                continue;
        } else if (!gaz_case_ok(&o[i], &c->doc, m->ts, m->te) || snap_masked(c->s, o[i].entity)) {
            continue;
        } else if (i < 64) {
            m->usable |= (uint64_t)1 << i;
        }
        const snap_entity *e = snap_entity_at(c->s, o[i].entity);
        double sc = prior(e, &o[i]);
        if (with_ctx) {
            if (e->country[0] && ctx_has_country(c, e->country) && e->type == NT_TYPE_LOC &&
                !(e->flags & SNAP_PLACE_COUNTRY))
                sc += (e->flags & SNAP_MINOR) ? 20 : 40;
            if (strong_has(c, o[i].entity))
                sc += 50;
            if (contains_prev_city(c, m, e))
                sc += 80;
        }
        if (sc > best) {
            best = sc;
            m->ent = (int32_t)o[i].entity;
            m->weak = (o[i].flags & GAZ_OUT_WEAK) != 0;
            /* a short acronym in an ALL-CAPS line may be a word ("IS IS NOT OVER") */
            if (o[i].mode == NT_CASE_EXACT && m->te - m->ts == 1 &&
                c->doc.toks[m->ts].end - c->doc.toks[m->ts].start <= 3 &&
                c->headline[c->doc.toks[m->ts].sent] == 2)
                m->weak = true;
            m->ambiguous = n > 1;
        }
    }
    m->score = (float)best;
}

static bool is_never(const tg_ctx *c, const tg_cand *m) {
    return m->te - m->ts == 1 && tg__w(c, m->ts, SNAP_W_NEVER);
}

/* "the Iraqi government": an ORG alias made of a nationality and lower-case words is a
 * description; the nationality is the name (NORP), as news annotation conventions have it.
 * Returns the NORP node for the first token, or 0. */
static uint32_t descriptive_norp(tg_ctx *c, const tg_cand *m) {
    const tok_doc *d = &c->doc;
    if (m->te - m->ts < 2 || snap_entity_at(c->s, (uint32_t)m->ent)->type != NT_TYPE_ORG)
        return 0;
    for (uint32_t t = m->ts + 1; t < m->te; t++)
        if (!(d->toks[t].flags & TOK_LOWER))
            return 0;
    const gaz_db *g = snap_gaz_base(c->s) ? snap_gaz_base(c->s) : snap_gaz(c->s);
    uint32_t node = gaz_lookup(g, tok_text(d, m->ts), c->a);
    const gaz_out *o;
    size_t n = node ? gaz_node_outs(g, node, &o) : 0;
    for (size_t i = 0; i < n; i++)
        if (snap_entity_at(c->s, o[i].entity)->type == NT_TYPE_NORP)
            return node;
    return 0;
}

/* Matches of both matchers of an overlay (its own edits and its base), merged
 * leftmost-longest; on equal spans the better-scoring reading wins. */
static nt_err scan_all(tg_ctx *c, gaz_match **out, uint8_t **which, size_t *n_out) {
    const tok_doc *d = &c->doc;
    const gaz_db *g[2] = {snap_gaz(c->s), snap_gaz_base(c->s)};
    size_t n[2] = {0, 0};
    gaz_match *gm[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        if (!g[k])
            continue;
        if (!(gm[k] = arena_alloc(c->a, (d->n_toks + 1) * sizeof(gaz_match))))
            return NT_ENOMEM;
        nt_err rc;
        if (k == 0) { /* token ids known from lookup_tokens() */
            rc = gaz_scan_ids(g[k], d, c->gid, gm[k], d->n_toks + 1, &n[k]);
        } else {
            void *scratch = arena_alloc(c->a, gaz_scratch_size(d->n_toks));
            if (!scratch)
                return NT_ENOMEM;
            rc = gaz_scan_h(g[k], d, c->hash, scratch, gm[k], d->n_toks + 1, &n[k]);
        }
        if (rc != NT_OK)
            return rc;
    }
    if (!g[1]) {
        *out = gm[0];
        *n_out = n[0];
        *which = arena_calloc(c->a, n[0] + 1, 1);
        return *which ? NT_OK : NT_ENOMEM;
    }
    gaz_match *m = arena_alloc(c->a, (n[0] + n[1] + 1) * sizeof(gaz_match));
    uint8_t *w = arena_alloc(c->a, n[0] + n[1] + 1);
    if (!m || !w)
        return NT_ENOMEM;
    size_t i = 0, j = 0, k = 0;
    uint32_t pos = 0; /* first token not yet covered */
    while (i < n[0] || j < n[1]) {
        bool take0 = j >= n[1] || (i < n[0] && (gm[0][i].tok_start < gm[1][j].tok_start ||
                     (gm[0][i].tok_start == gm[1][j].tok_start &&
                      gm[0][i].tok_end >= gm[1][j].tok_end)));
        const gaz_match *x = take0 ? &gm[0][i++] : &gm[1][j++];
        if (x->tok_start < pos)
            continue;
        m[k] = *x;
        w[k++] = take0 ? 0 : 1;
        pos = x->tok_end;
    }
    *out = m;
    *which = w;
    *n_out = k;
    return NT_OK;
}

int64_t tg__covering_any(const tg_ctx *c, uint32_t t) {
    /* the candidates are in text order while resolving: binary search */
    size_t lo = 0, hi = c->n_cands;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->cands[mid].te <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n_cands && c->cands[lo].ts <= t ? (int64_t)lo : -1;
}

static nt_err scan_and_resolve(tg_ctx *c) {
    const tok_doc *d = &c->doc;
    size_t nm;
    gaz_match *gm;
    uint8_t *which;
    c->cands = arena_alloc(c->a, (d->n_toks + 1) * sizeof(tg_cand)); /* written before read */
    size_t nents = snap_entity_count(c->s);
    (void)nents;
    c->strong_cap = 16;
    while (c->strong_cap < d->n_toks * 2 + 2)
        c->strong_cap *= 2;
    c->strong_ent = arena_alloc(c->a, c->strong_cap * sizeof(uint32_t));
    if (!c->cands || !c->strong_ent)
        return NT_ENOMEM;
    memset(c->strong_ent, 0xFF, c->strong_cap * sizeof(uint32_t));
    nt_err rc = scan_all(c, &gm, &which, &nm);
    if (rc != NT_OK)
        return rc;
    for (size_t i = 0; i < nm; i++) {
        tg_cand *m = &c->cands[c->n_cands];
        *m = (tg_cand){.ts = gm[i].tok_start, .te = gm[i].tok_end, .node = gm[i].node,
                       .g = which[i], .ent = -1};
        if (is_never(c, m))
            continue;
        resolve_match(c, m, false);
        if (m->ent < 0 && m->g == 0 && snap_gaz_base(c->s)) {
            /* every edited reading is masked or fails its case: try the base alone */
            uint32_t node = gaz_lookup(snap_gaz_base(c->s), (nt_str){d->text + d->toks[m->ts].start,
                                       d->toks[m->te - 1].end - d->toks[m->ts].start}, c->a);
            if (node) {
                m->node = node;
                m->g = 1;
                resolve_match(c, m, false);
            }
        }
        if (m->ent < 0)
            continue;
        uint32_t norp = descriptive_norp(c, m);
        if (norp) {
            m->te = m->ts + 1;
            m->node = norp;
            m->g = snap_gaz_base(c->s) ? 1 : 0;
            resolve_match(c, m, false);
        }
        c->n_cands++;
    }
    /* countries the article names, and entities it names unambiguously */
    for (size_t i = 0; i < c->n_cands; i++) {
        const tg_cand *m = &c->cands[i];
        const snap_entity *e = snap_entity_at(c->s, (uint32_t)m->ent);
        bool in_headline = c->headline[d->toks[m->ts].sent] != 0;
        if (m->weak || (e->flags & SNAP_MINOR))
            continue;
        if ((e->flags & SNAP_PLACE_COUNTRY) ||
            (!m->ambiguous && (e->type == NT_TYPE_LOC || e->type == NT_TYPE_NORP)))
            ctx_add_country(c, e->country);
        if (!m->ambiguous && (!in_headline || !(d->toks[m->ts].flags & TOK_SENT_START)))
            strong_add(c, (uint32_t)m->ent);
    }
    for (size_t i = 0; i < c->n_cands; i++)
        resolve_match(c, &c->cands[i], true);
    return NT_OK;
}

/* True if the token before ts is a place preposition ("in Hawija"). */
static bool after_place_prep(const tg_ctx *c, uint32_t ts) {
    if (ts == 0)
        return false;
    return tg__w(c, ts - 1, SNAP_W_PREP);
}

/* Candidate index of a LOC match whose tokens are exactly [ts,te) … used to see lists. */
static bool loc_at(const tg_ctx *c, uint32_t t, bool forward) {
    for (size_t i = 0; i < c->n_cands; i++) {
        const tg_cand *m = &c->cands[i];
        if ((forward ? m->ts == t : m->te == t + 1) && m->ent >= 0 &&
            snap_entity_at(c->s, (uint32_t)m->ent)->type == NT_TYPE_LOC)
            return true;
    }
    return false;
}

/* A small place on one token ("Hawija") is kept when the text treats it as a place: a
 * place preposition before it, ", <place>" after it, or a list of places around it. */
static bool place_context(const tg_ctx *c, const tg_cand *m) {
    const tok_doc *d = &c->doc;
    if (after_place_prep(c, m->ts))
        return true;
    bool comma_after = m->te + 1 < d->n_toks && d->text[d->toks[m->te].start] == ',';
    bool and_after = m->te + 1 < d->n_toks && nt_str_eq_c(tok_fold(d, m->te), "and");
    if ((comma_after || and_after) && loc_at(c, m->te + 1, true))
        return true;
    if (m->ts >= 2 && (d->text[d->toks[m->ts - 1].start] == ',' ||
                       nt_str_eq_c(tok_fold(d, m->ts - 1), "and")) &&
        loc_at(c, m->ts - 2, false))
        return true;
    /* a dateline: the place starts its line and a date or dash follows */
    if ((d->toks[m->ts].flags & TOK_NL_BEFORE) && m->te < d->n_toks &&
        (d->toks[m->te].flags & (TOK_NUM | TOK_HYPHEN)))
        return true;
    return false;
}

/* A word before a weapon name that makes a common word ("Reapers") a weapon: a number or
 * number word, or an organisation, nationality or country mention ending right there. */
static bool weapon_cue(const tg_ctx *c, uint32_t t) {
    static const char *const nums[] = {"two", "three", "four", "five", "six", "eight", "ten",
                                       "twelve", "several", "dozens", "two-dozen"};
    const tok_doc *d = &c->doc;
    if (d->toks[t].flags & TOK_NUM)
        return true;
    for (size_t i = 0; i < NT_ARRAY_LEN(nums); i++)
        if (nt_str_eq_c(tok_fold(d, t), nums[i]))
            return true;
    int64_t k = tg__covering_any(c, t);
    if (k < 0 || c->cands[k].te != t + 1 || c->cands[k].ent < 0)
        return false;
    const snap_entity *e = snap_entity_at(c->s, (uint32_t)c->cands[k].ent);
    return e->type == NT_TYPE_ORG || e->type == NT_TYPE_NORP || (e->flags & SNAP_PLACE_COUNTRY);
}

/* Decides whether a resolved match is kept. Weak (common-word) aliases need the same
 * entity named strongly elsewhere, or a capital that is not explained by the position
 * (sentence start, headline); small places need their country in the article or a
 * place preposition before them. */
static bool supported(const tg_ctx *c, const tg_cand *m) {
    const tok_doc *d = &c->doc;
    const snap_entity *e = snap_entity_at(c->s, (uint32_t)m->ent);
    const tok_token *t0 = &d->toks[m->ts];
    bool strong_elsewhere = strong_has(c, (uint32_t)m->ent);
    bool start = (t0->flags & TOK_SENT_START) || (m->ts > 0 && (d->toks[m->ts - 1].flags & TOK_QUOTE) &&
                 (d->toks[m->ts - 1].flags & TOK_SENT_START));
    bool headline = c->headline[t0->sent] != 0;
    if (m->weak && !(e->flags & SNAP_PLACE_COUNTRY)) {
        if (strong_elsewhere && m->te - m->ts >= 1)
            return !(start && headline) || strong_elsewhere;
        if (start || headline)
            return false;
        if (e->flags & SNAP_MINOR)
            return false;
        if (e->type == NT_TYPE_LOC)
            return after_place_prep(c, m->ts) || (e->country[0] && ctx_has_country(c, e->country));
        if (e->type == NT_TYPE_WEAPON && m->ts > 0 && weapon_cue(c, m->ts - 1))
            return true; /* "four Reapers", "RAF Tornadoes", "British Typhoons" */
        return m->ts > 0 && nt_str_eq_c(tok_fold(d, m->ts - 1), "the");
    }
    bool one = m->te - m->ts == 1;
    bool given = one && tg__w(c, m->ts, SNAP_W_FIRST);
    if (e->type == NT_TYPE_LOC && !(e->flags & (SNAP_PLACE_COUNTRY | SNAP_PLACE_CAPITAL)) &&
        one && (given || ((e->flags & SNAP_PLACE_CITY) && e->population < 100000)))
        return place_context(c, m) || (!given && strong_elsewhere && !(e->flags & SNAP_MINOR));
    if (e->flags & SNAP_MINOR) {
        if (e->country[0] && ctx_has_country(c, e->country))
            return true;
        return strong_elsewhere && !start;
    }
    if (e->flags & SNAP_LOWPRIO)
        return m->te - m->ts > 1 || (!start && (e->type != NT_TYPE_PERSON || strong_elsewhere));
    return true;
}

static nt_err filter_cands(tg_ctx *c) {
    size_t k = 0;
    for (size_t i = 0; i < c->n_cands; i++) {
        tg_cand *m = &c->cands[i];
        if (!supported(c, m))
            continue;
        m->source = TG_SRC_GAZETTEER;
        m->conf = m->weak ? 0.7f : (m->ambiguous ? 0.85f : 0.95f);
        c->cands[k++] = *m;
    }
    c->n_cands = k;
    return tg__reindex(c);
}

/* The place of a dateline: first on its line, and the line ends with a date. */
static bool is_dateline(const tg_ctx *c, const tg_cand *m) {
    const tok_doc *d = &c->doc;
    if (!(d->toks[m->ts].flags & TOK_NL_BEFORE))
        return false;
    for (uint32_t t = m->te; t < d->n_toks && t < m->te + 6; t++) {
        if (d->toks[t].flags & TOK_NL_BEFORE)
            return false;
        if ((d->toks[t].flags & TOK_NUM) && d->toks[t].end - d->toks[t].start == 10 &&
            (t + 1 == d->n_toks || (d->toks[t + 1].flags & TOK_NL_BEFORE)))
            return true;
    }
    return false;
}

/* True if token t is inside parentheses opened earlier in its sentence. */
static bool in_parens(const tg_ctx *c, uint32_t t) {
    const tok_doc *d = &c->doc;
    int depth = 0;
    for (uint32_t k = d->sents[d->toks[t].sent].tok_first; k < t; k++) {
        if (!(d->toks[k].flags & TOK_PUNCT))
            continue;
        char ch = d->text[d->toks[k].start];
        depth += ch == '(';
        depth -= ch == ')' && depth > 0;
    }
    return depth > 0;
}

/* In a sports report (its first line starts with a word of models/cues/sports.txt), a
 * city or region named outside a place phrase is a team: "Leicestershire beat Kent",
 * "CHICAGO 5 Houston 3". Countries stay places (national teams are reported as LOC). */
static nt_err sports_teams(tg_ctx *c) {
    const tok_doc *d = &c->doc;
    if (!d->n_toks || !tg__w(c, 0, SNAP_W_SPORTS))
        return NT_OK;
    for (size_t i = 0; i < c->n_cands; i++) {
        tg_cand *m = &c->cands[i];
        if (m->ent < 0)
            continue;
        const snap_entity *e = snap_entity_at(c->s, (uint32_t)m->ent);
        if (e->type != NT_TYPE_LOC || (e->flags & SNAP_PLACE_COUNTRY) || after_place_prep(c, m->ts))
            continue;
        if (is_dateline(c, m) || in_parens(c, m->ts))
            continue; /* "LONDON 1996-08-30", "(at Edgbaston, Birmingham)" */
        uint32_t chain;
        nt_err rc = tg__chain_new(c, NT_TYPE_ORG, m->ts, m->te, &chain);
        if (rc != NT_OK)
            return rc;
        m->ent = -1;
        m->chain = chain;
        m->rtype = NT_TYPE_ORG;
        m->source = TG_SRC_RULE;
        m->conf = 0.6f;
    }
    return NT_OK;
}

/* ---- grouping ---- */

static int cmp_cand(const void *x, const void *y) {
    const tg_cand *a = x, *b = y;
    return a->ts < b->ts ? -1 : a->ts > b->ts;
}

static nt_err group(tg_ctx *c, const tagger_opts *o, tg_result *out) {
    const tok_doc *d = &c->doc;
    qsort(c->cands, c->n_cands, sizeof(tg_cand), cmp_cand);
    tg_entity *ents = arena_calloc(c->a, c->n_cands + 1, sizeof(tg_entity));
    uint32_t *cnt = arena_calloc(c->a, c->n_cands + 1, sizeof(uint32_t));
    int32_t *slot = arena_calloc(c->a, c->n_cands + 1, sizeof(int32_t));
    if (!ents || !cnt || !slot)
        return NT_ENOMEM;
    size_t ne = 0, hcap = 16;
    while (hcap < c->n_cands * 2 + 2)
        hcap *= 2;
    /* key → entity slot: key = snapshot index, or (1 << 31 | chain) for rule chains */
    uint32_t *hkey = arena_alloc(c->a, hcap * sizeof(uint32_t));
    int32_t *hval = arena_alloc(c->a, hcap * sizeof(int32_t));
    if (!hkey || !hval)
        return NT_ENOMEM;
    memset(hkey, 0xFF, hcap * sizeof(uint32_t));
    /* one entity per dictionary entry or rule chain, in order of first mention */
    for (size_t i = 0; i < c->n_cands; i++) {
        tg_cand *m = &c->cands[i];
        nt_type ty = m->ent >= 0 ? snap_entity_at(c->s, (uint32_t)m->ent)->type : m->rtype;
        if ((o->types && !(o->types >> ty & 1)) || m->conf < o->min_conf) {
            slot[i] = -1;
            continue;
        }
        uint32_t key = m->ent >= 0 ? (uint32_t)m->ent : (0x80000000u | m->chain);
        size_t h = (key * 2654435761u) & (hcap - 1);
        while (hkey[h] != UINT32_MAX && hkey[h] != key)
            h = (h + 1) & (hcap - 1);
        int32_t found;
        if (hkey[h] == key) {
            found = hval[h];
        } else {
            found = (int32_t)ne++;
            hkey[h] = key;
            hval[h] = found;
            tg_entity *e = &ents[found];
            e->snap_idx = m->ent;
            if (m->ent >= 0) {
                const snap_entity *se = snap_entity_at(c->s, (uint32_t)m->ent);
                e->type = se->type;
                e->id = se->id;
                e->name = se->name;
                e->subtype = se->subtype;
            } else {
                e->type = m->rtype;
                e->id = c->chains[m->chain].id;
                e->name = c->chains[m->chain].name;
                e->subtype = (nt_str){"", 0};
            }
        }
        slot[i] = found;
        cnt[found]++;
    }
    for (size_t k = 0; k < ne; k++) {
        ents[k].mentions = arena_alloc(c->a, cnt[k] * sizeof(tg_mention));
        if (!ents[k].mentions)
            return NT_ENOMEM;
    }
    for (size_t i = 0; i < c->n_cands; i++) {
        if (slot[i] < 0)
            continue;
        const tg_cand *m = &c->cands[i];
        tg_entity *e = &ents[slot[i]];
        e->mentions[e->n_mentions++] = (tg_mention){
            .start = d->toks[m->ts].start, .end = d->toks[m->te - 1].end, .tok_start = m->ts,
            .tok_end = m->te, .sent = d->toks[m->ts].sent, .source = m->source, .conf = m->conf};
    }
    out->ents = ents;
    out->n_ents = ne;
    return NT_OK;
}

/* Direct-mapped memo of folded forms for lookup_tokens(): entry = index + 1 of the token
 * that last filled the slot (0 = empty) and that form's lookups. */
enum { TG_MEMO_SLOTS = 256 };
typedef struct tg_memo {
    uint32_t tok1, gid, wb;
} tg_memo;

/* Each token's hash, matcher token id and word-list bits. News repeats its words ("the",
 * "said", "Iraq"), so the memo answers most tokens without touching the dictionary's
 * large tables (one cache miss each); a slot is trusted only after comparing the form. */
static nt_err lookup_tokens(tg_ctx *c) {
    const tok_doc *d = &c->doc;
    const gaz_db *g = snap_gaz(c->s);
    tg_memo *memo = arena_calloc(c->a, TG_MEMO_SLOTS, sizeof(*memo));
    if (!memo || !(c->wb = arena_alloc(c->a, d->n_toks * sizeof(uint32_t))) ||
        !(c->gid = arena_alloc(c->a, d->n_toks * sizeof(uint32_t))) ||
        !(c->hash = arena_alloc(c->a, d->n_toks * sizeof(uint64_t))))
        return NT_ENOMEM;
    for (size_t i = 0; i < d->n_toks; i++) {
        nt_str f = tok_fold(d, i);
        uint64_t h = gaz_hash(f.p, f.n);
        tg_memo *m = &memo[h & (TG_MEMO_SLOTS - 1)];
        c->hash[i] = h;
        if (!m->tok1 || c->hash[m->tok1 - 1] != h || !nt_str_eq(tok_fold(d, m->tok1 - 1), f)) {
            m->tok1 = (uint32_t)i + 1;
            m->gid = g ? gaz_token_id_h(g, f, h) : 0;
            m->wb = snap_word_bits_h(c->s, f, h);
        }
        c->gid[i] = (d->toks[i].flags & TOK_HYPHEN) ? UINT32_MAX : m->gid;
        c->wb[i] = (d->toks[i].flags & TOK_WORD) ? m->wb : 0;
    }
    return NT_OK;
}

nt_err tagger_run(const snap *s, const char *text, size_t len, const tagger_opts *o,
                  arena *a, tg_result *out) {
    tg_ctx c;
    nt_err rc;
    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    c.s = s;
    c.a = a;
    if ((rc = tok_run(text, len, o->max_tokens, a, &c.doc)) != NT_OK)
        return rc;
    out->doc = c.doc;
    if (c.doc.n_toks == 0)
        return NT_OK;
    if ((rc = lookup_tokens(&c)) != NT_OK || (rc = mark_headlines(&c)) != NT_OK || (rc = scan_and_resolve(&c)) != NT_OK ||
        (rc = filter_cands(&c)) != NT_OK || (rc = sports_teams(&c)) != NT_OK ||
        (rc = names_run(&c)) != NT_OK ||
        (rc = coref_run(&c)) != NT_OK || (rc = group(&c, o, out)) != NT_OK)
        return rc;
    if (o->events && (rc = events_run(&c, o, out)) != NT_OK)
        return rc;
    return NT_OK;
}
