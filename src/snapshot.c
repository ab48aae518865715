/* snapshot.c - build and query the immutable model (snapshot.h). Strings are copied into
 * one pool; entity ids, the common-word list and the cue lists are open-addressing hash
 * sets over that pool. After snap_builder_finish nothing here is written again, so any
 * number of threads may read a snapshot at once. */
#include "snapshot.h"

#include "normalize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- a growable string pool and a hash set of strings in it ---- */

typedef struct pool {
    char *p;
    size_t n, cap;
} pool;

static nt_err pool_add(pool *pl, nt_str s, uint32_t *off) {
    if (pl->n + s.n + 1 > pl->cap) {
        size_t nc = (pl->cap ? pl->cap * 2 : 1 << 20) + s.n;
        char *np = realloc(pl->p, nc);
        if (!np)
            return NT_ENOMEM;
        pl->p = np;
        pl->cap = nc;
    }
    if (pl->n > UINT32_MAX - s.n - 1)
        return NT_ELIMIT;
    *off = (uint32_t)pl->n;
    if (s.n)
        memcpy(pl->p + pl->n, s.p, s.n);
    pl->n += s.n;
    pl->p[pl->n++] = 0;
    return NT_OK;
}

typedef struct sref {
    uint32_t off, len;
} sref;

typedef struct strset {
    uint32_t *slots; /* value+1 (an index into refs), 0 = empty */
    uint32_t cap, n;
    sref *refs;      /* n entries: strings in the owning pool */
} strset;

static void strset_free(strset *s) {
    free(s->slots);
    free(s->refs);
    memset(s, 0, sizeof(*s));
}

/* Finds `key` (whose nt_hash is `h`) → its index, or -1. */
static int64_t strset_find_h(const strset *s, const pool *pl, nt_str key, uint64_t h) {
    if (!s->cap)
        return -1;
    uint32_t mask = s->cap - 1;
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
        uint32_t v = s->slots[i];
        if (!v)
            return -1;
        const sref *r = &s->refs[v - 1];
        if (r->len == key.n && nt_mem_eq(pl->p + r->off, key.p, key.n))
            return v - 1;
    }
}

static int64_t strset_find(const strset *s, const pool *pl, nt_str key) {
    return strset_find_h(s, pl, key, nt_hash(key.p, key.n));
}

static nt_err strset_rehash(strset *s, const pool *pl, uint32_t ncap) {
    uint32_t *ns = calloc(ncap, sizeof(uint32_t));
    if (!ns)
        return NT_ENOMEM;
    for (uint32_t k = 0; k < s->n; k++) {
        const sref *r = &s->refs[k];
        uint32_t i = (uint32_t)nt_hash(pl->p + r->off, r->len) & (ncap - 1);
        while (ns[i])
            i = (i + 1) & (ncap - 1);
        ns[i] = k + 1;
    }
    free(s->slots);
    s->slots = ns;
    s->cap = ncap;
    return NT_OK;
}

/* Adds `key` (copied into pl) unless present; *idx gets its index. */
static nt_err strset_add(strset *s, pool *pl, nt_str key, uint32_t *idx, bool *added) {
    int64_t f = strset_find(s, pl, key);
    *added = false;
    if (f >= 0) {
        *idx = (uint32_t)f;
        return NT_OK;
    }
    if ((s->n + 1) * 2 > s->cap) {
        uint32_t ncap = s->cap ? s->cap * 2 : 1024;
        sref *nr = realloc(s->refs, (size_t)ncap / 2 * sizeof(sref) + sizeof(sref));
        if (!nr)
            return NT_ENOMEM;
        s->refs = nr;
        if (strset_rehash(s, pl, ncap) != NT_OK)
            return NT_ENOMEM;
    }
    uint32_t off;
    if (pool_add(pl, key, &off) != NT_OK)
        return NT_ENOMEM;
    s->refs[s->n] = (sref){off, (uint32_t)key.n};
    uint32_t mask = s->cap - 1, i = (uint32_t)nt_hash(key.p, key.n) & mask;
    while (s->slots[i])
        i = (i + 1) & mask;
    s->slots[i] = ++s->n;
    *idx = s->n - 1;
    *added = true;
    return NT_OK;
}

/* ---- snapshot ---- */

#define SNAP_MAX_CUES 48

typedef struct bent {
    uint32_t id, subtype, name; /* pool offsets */
    uint32_t id_len, subtype_len, name_len;
    nt_type type;
    uint32_t flags;
    char country[3];
    uint32_t population;
    uint32_t attr_begin, n_attrs;
} bent;

typedef struct battr {
    uint32_t k, kl, v, vl;
} battr;

typedef struct cue_list {
    char name[32];
    strset set;
} cue_list;

struct snap_builder {
    pool pl;
    bent *ents;
    size_t n_ents, cap_ents;
    battr *attrs;
    size_t n_attrs, cap_attrs;
    strset ids, common;
    cue_list cues[SNAP_MAX_CUES];
    size_t n_cues;
    gaz_builder *gaz;
    gaz_db *prebuilt; /* when set, aliases are not compiled (snap_builder_use_gaz) */
    size_t skipped;
    arena *tmp;
    rules_builder *rules;  /* event rule files loaded so far, or NULL */
    rules_set *rules_set;  /* compiled by snap_builder_finish_rules */
    const snap *base;      /* building an overlay of base (snap_overlay) */
    uint32_t index_offset; /* entity indices start here (base's entity count) */
};

/* A slot of the word table the tagger reads for every token: the word's bits next to its
 * hash and place in the pool, so a lookup reads this slot and the word's bytes, not the
 * four dependent arrays of a strset (slots, refs, pool, bits). */
typedef struct wslot {
    uint32_t hash; /* low 32 bits of nt_hash, 0 = empty (a word hashing to 0 uses 1) */
    uint32_t bits; /* enum snap_word_bit */
    uint32_t off, len; /* the word in the snapshot's pool */
} wslot;

struct snap {
    pool pl;
    snap_entity *ents;
    size_t n_ents;
    battr *attrs;
    size_t n_attrs;
    strset ids, common;
    cue_list cues[SNAP_MAX_CUES];
    size_t n_cues;
    gaz_db *gaz;
    uint64_t version;
    size_t counts[NT_TYPE_COUNT];
    strset words;        /* every single word of the lists below … */
    uint32_t *word_bits; /* … and its enum snap_word_bit, by index */
    wslot *wtab;         /* the same map for lookups: n_wtab slots, a power of two */
    uint32_t n_wtab;
    rules_set *rules;    /* event rules, or NULL */
    const snap *base;    /* overlay: borrowed base snapshot, or NULL */
    size_t base_n;       /* overlay: base entities come first, 0 .. base_n-1 */
    uint8_t *masked;     /* overlay: bitset of base entities deleted or replaced */
};

nt_err snap_builder_new(snap_builder **out) {
    snap_builder *b = calloc(1, sizeof(*b));
    if (!b)
        return NT_ENOMEM;
    b->tmp = arena_new(0);
    if (!b->tmp || gaz_builder_new(&b->gaz) != NT_OK) {
        snap_builder_free(b);
        return NT_ENOMEM;
    }
    *out = b;
    return NT_OK;
}

void snap_builder_free(snap_builder *b) {
    if (!b)
        return;
    free(b->pl.p);
    free(b->ents);
    free(b->attrs);
    strset_free(&b->ids);
    strset_free(&b->common);
    for (size_t i = 0; i < b->n_cues; i++)
        strset_free(&b->cues[i].set);
    gaz_builder_free(b->gaz);
    gaz_db_free(b->prebuilt);
    arena_free(b->tmp);
    rules_builder_free(b->rules);
    rules_set_free(b->rules_set);
    free(b);
}

nt_err snap_builder_use_gaz(snap_builder *b, gaz_db *gaz) {
    gaz_db_free(b->prebuilt);
    b->prebuilt = gaz;
    return NT_OK;
}

size_t snap_builder_skipped(const snap_builder *b) {
    return b->skipped;
}

/* Calls fn(ctx, folded line) for each non-comment line of `text`. */
static nt_err each_line(snap_builder *b, nt_str text, strset *set) {
    size_t i = 0;
    while (i < text.n) {
        size_t j = i;
        while (j < text.n && text.p[j] != '\n')
            j++;
        nt_str l = {text.p + i, j - i};
        while (l.n && (l.p[l.n - 1] == '\r' || l.p[l.n - 1] == ' ' || l.p[l.n - 1] == '\t'))
            l.n--;
        while (l.n && (l.p[0] == ' ' || l.p[0] == '\t'))
            l.p++, l.n--;
        if (l.n && l.p[0] != '#') {
            nt_str f;
            arena_reset(b->tmp);
            if (norm_fold(l.p, l.n, b->tmp, &f) != NT_OK)
                return NT_ENOMEM;
            uint32_t idx;
            bool added;
            if (strset_add(set, &b->pl, f, &idx, &added) != NT_OK)
                return NT_ENOMEM;
        }
        i = j + 1;
    }
    return NT_OK;
}

nt_err snap_builder_load_words(snap_builder *b, nt_str text) {
    return each_line(b, text, &b->common);
}

nt_err snap_builder_load_cues(snap_builder *b, const char *name, nt_str text) {
    cue_list *c = NULL;
    for (size_t i = 0; i < b->n_cues; i++)
        if (strcmp(b->cues[i].name, name) == 0)
            c = &b->cues[i];
    if (!c) {
        if (b->n_cues == SNAP_MAX_CUES || strlen(name) >= sizeof(c->name))
            return NT_ELIMIT;
        c = &b->cues[b->n_cues++];
        memset(c, 0, sizeof(*c));
        strcpy(c->name, name);
    }
    return each_line(b, text, &c->set);
}

static uint32_t parse_u32(nt_str v) {
    uint64_t x = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            break;
        x = x * 10 + (uint64_t)(v.p[i] - '0');
        if (x > UINT32_MAX)
            return UINT32_MAX;
    }
    return (uint32_t)x;
}

static uint32_t entity_flags(const ent_entry *e, uint32_t population) {
    uint32_t fl = 0;
    nt_str feat = ent_attr_get(e, "feature"), src = ent_attr_get(e, "source");
    if (e->type == NT_TYPE_LOC) {
        if (nt_str_eq_c(e->subtype, "country"))
            fl |= SNAP_PLACE_COUNTRY;
        else if (nt_str_eq_c(e->subtype, "admin1") || nt_str_eq_c(e->subtype, "admin2"))
            fl |= SNAP_PLACE_ADMIN;
        else if (nt_str_eq_c(e->subtype, "city"))
            fl |= SNAP_PLACE_CITY;
        bool seat = nt_str_eq_c(feat, "PPLC") || nt_str_eq_c(feat, "PPLA") ||
                    nt_str_eq_c(feat, "PPLG");
        if (seat)
            fl |= SNAP_PLACE_CAPITAL;
        if ((fl & SNAP_PLACE_CITY) && !seat && population < 15000)
            fl |= SNAP_MINOR;
    }
    if (nt_str_eq_c(src, "wordnet"))
        fl |= SNAP_LOWPRIO;
    return fl;
}

/* True if every word of the alias is a common word ("Reading", "Eastern Division").
 * Multi-word aliases count only for administrative regions, whose generic names
 * ("Eastern Division", "Central Region") read as ordinary phrases; "Amnesty
 * International" or "Storm Shadow" are names even though their words are common. */
static bool alias_is_common(snap_builder *b, nt_str alias, bool multi_ok) {
    nt_str f;
    arena_reset(b->tmp);
    if (norm_fold(alias.p, alias.n, b->tmp, &f) != NT_OK)
        return false;
    size_t i = 0;
    while (i < f.n) {
        size_t j = i;
        while (j < f.n && f.p[j] != ' ' && f.p[j] != '-')
            j++;
        nt_str w = {f.p + i, j - i};
        bool common = b->base ? (snap_word_bits(b->base, w) & SNAP_W_COMMON) != 0
                              : strset_find(&b->common, &b->pl, w) >= 0;
        if (j > i && !common)
            return false;
        if (j < f.n && !multi_ok)
            return false;
        i = j + 1;
    }
    return true;
}

static nt_err add_alias(snap_builder *b, nt_str text, nt_case mode, uint32_t idx, uint8_t fl) {
    bool admin = (b->ents[idx].flags & SNAP_PLACE_ADMIN) != 0;
    if (mode != NT_CASE_EXACT && alias_is_common(b, text, admin))
        fl |= GAZ_OUT_WEAK;
    nt_err rc = gaz_builder_add(b->gaz, text, mode, b->index_offset + idx, fl);
    if (rc == NT_EINVAL) {
        b->skipped++;
        return NT_OK;
    }
    return rc;
}

nt_err snap_builder_add(snap_builder *b, const ent_entry *e) {
    nt_err rc;
    uint32_t id_idx;
    bool added;
    if (e->origin == ENT_ORIGIN_DELETED)
        return NT_OK;
    if ((rc = strset_add(&b->ids, &b->pl, e->id, &id_idx, &added)) != NT_OK)
        return rc;
    if (!added)
        return NT_OK; /* first definition wins; dict ids are unique anyway */
    if (b->n_ents == b->cap_ents) {
        size_t nc = b->cap_ents ? b->cap_ents * 2 : 4096;
        bent *ne = realloc(b->ents, nc * sizeof(*ne));
        if (!ne)
            return NT_ENOMEM;
        b->ents = ne;
        b->cap_ents = nc;
    }
    if (b->n_ents != id_idx)
        return NT_EINTERNAL;
    bent *x = &b->ents[b->n_ents];
    memset(x, 0, sizeof(*x));
    x->id = b->ids.refs[id_idx].off;
    x->id_len = (uint32_t)e->id.n;
    if ((rc = pool_add(&b->pl, e->subtype, &x->subtype)) != NT_OK ||
        (rc = pool_add(&b->pl, e->name, &x->name)) != NT_OK)
        return rc;
    x->subtype_len = (uint32_t)e->subtype.n;
    x->name_len = (uint32_t)e->name.n;
    x->type = e->type;
    nt_str c = ent_attr_get(e, "country");
    if (c.n == 2) {
        x->country[0] = c.p[0];
        x->country[1] = c.p[1];
    }
    x->population = parse_u32(ent_attr_get(e, "population"));
    x->flags = entity_flags(e, x->population);
    if (b->n_attrs + e->n_attrs > b->cap_attrs) {
        size_t nc = (b->cap_attrs ? b->cap_attrs * 2 : 16384) + e->n_attrs;
        battr *na = realloc(b->attrs, nc * sizeof(*na));
        if (!na)
            return NT_ENOMEM;
        b->attrs = na;
        b->cap_attrs = nc;
    }
    x->attr_begin = (uint32_t)b->n_attrs;
    for (size_t i = 0; i < e->n_attrs; i++) {
        battr *a = &b->attrs[b->n_attrs];
        if ((rc = pool_add(&b->pl, e->attrs[i].key, &a->k)) != NT_OK ||
            (rc = pool_add(&b->pl, e->attrs[i].val, &a->v)) != NT_OK)
            return rc;
        a->kl = (uint32_t)e->attrs[i].key.n;
        a->vl = (uint32_t)e->attrs[i].val.n;
        b->n_attrs++;
    }
    x->n_attrs = (uint32_t)e->n_attrs;
    uint32_t idx = (uint32_t)b->n_ents++;
    if (b->prebuilt)
        return NT_OK;
    if ((rc = add_alias(b, e->name, NT_CASE_TITLE, idx, GAZ_OUT_NAME)) != NT_OK)
        return rc;
    for (size_t i = 0; i < e->n_aliases; i++)
        if ((rc = add_alias(b, e->aliases[i].text, e->aliases[i].mode, idx, 0)) != NT_OK)
            return rc;
    return NT_OK;
}

static const struct {
    const char *list;
    uint32_t bit, head_bit;
} word_lists[] = {
    {"never", SNAP_W_NEVER, 0},          {"first_names", SNAP_W_FIRST, 0},
    {"place_preps", SNAP_W_PREP, 0},     {"org_suffixes", SNAP_W_ORGSUF, 0},
    {"titles", SNAP_W_TITLE, SNAP_W_TITLE_HEAD}, {"sports", SNAP_W_SPORTS, 0},
    {"ship_prefixes", SNAP_W_SHIP, 0},
};

static nt_err word_bit(snap *s, nt_str w, uint32_t bit) {
    uint32_t idx;
    bool added;
    nt_err rc = strset_add(&s->words, &s->pl, w, &idx, &added);
    if (rc != NT_OK)
        return rc;
    if (added) {
        uint32_t *nb = realloc(s->word_bits, (size_t)s->words.n * sizeof(uint32_t));
        if (!nb)
            return NT_ENOMEM;
        s->word_bits = nb;
        nb[idx] = 0;
    }
    s->word_bits[idx] |= bit;
    return NT_OK;
}

/* One map from word to list bits, so the tagger looks each token up once. */
static nt_err build_word_bits(snap *s) {
    nt_err rc;
    for (uint32_t k = 0; k < s->common.n; k++) {
        char buf[256]; /* copy: word_bit may grow the pool the word lives in */
        const sref *r = &s->common.refs[k];
        size_t n = r->len < sizeof(buf) ? r->len : sizeof(buf) - 1;
        memcpy(buf, s->pl.p + r->off, n);
        if ((rc = word_bit(s, (nt_str){buf, n}, SNAP_W_COMMON)) != NT_OK)
            return rc;
    }
    for (size_t l = 0; l < NT_ARRAY_LEN(word_lists); l++) {
        for (size_t i = 0; i < s->n_cues; i++) {
            if (strcmp(s->cues[i].name, word_lists[l].list) != 0)
                continue;
            const strset *set = &s->cues[i].set;
            for (uint32_t k = 0; k < set->n; k++) {
                /* copy: word_bit may grow the pool the phrase lives in */
                char buf[256];
                const sref *r = &set->refs[k];
                size_t n = r->len < sizeof(buf) ? r->len : sizeof(buf) - 1;
                memcpy(buf, s->pl.p + r->off, n);
                const char *sp = memchr(buf, ' ', n);
                nt_str w = {buf, sp ? (size_t)(sp - buf) : n};
                uint32_t bit = sp ? word_lists[l].head_bit : word_lists[l].bit;
                if (bit && (rc = word_bit(s, w, bit)) != NT_OK)
                    return rc;
            }
        }
    }
    return NT_OK;
}

static uint32_t wslot_hash(uint64_t h) {
    return (uint32_t)h ? (uint32_t)h : 1;
}

/* Lays the finished word map out as the lookup table (load factor at most 1/2). */
static nt_err build_word_table(snap *s) {
    uint32_t cap = 16;
    while (cap < s->words.n * 2u + 2)
        cap *= 2;
    if (!(s->wtab = calloc(cap, sizeof(wslot))))
        return NT_ENOMEM;
    s->n_wtab = cap;
    for (uint32_t k = 0; k < s->words.n; k++) {
        const sref *r = &s->words.refs[k];
        uint32_t h = wslot_hash(nt_hash(s->pl.p + r->off, r->len)), i = h & (cap - 1);
        while (s->wtab[i].hash)
            i = (i + 1) & (cap - 1);
        s->wtab[i] = (wslot){h, s->word_bits[k], r->off, r->len};
    }
    return NT_OK;
}

uint32_t snap_word_bits(const snap *s, nt_str w) {
    return snap_word_bits_h(s, w, nt_hash(w.p, w.n));
}

uint32_t snap_word_bits_h(const snap *s, nt_str w, uint64_t hash) {
    if (s->base)
        return snap_word_bits_h(s->base, w, hash);
    if (!s->n_wtab)
        return 0;
    uint32_t h = wslot_hash(hash), mask = s->n_wtab - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        const wslot *e = &s->wtab[i];
        if (!e->hash)
            return 0;
        if (e->hash == h && e->len == w.n && nt_mem_eq(s->pl.p + e->off, w.p, w.n))
            return e->bits;
    }
}

nt_err snap_builder_load_rules(snap_builder *b, const char *path, nt_str text, rules_diag *d) {
    nt_err rc;
    if (!b->rules && (rc = rules_builder_new(&b->rules)) != NT_OK)
        return rc;
    return rules_builder_add(b->rules, path, text, d);
}

nt_err snap_builder_finish_rules(snap_builder *b, rules_diag *d) {
    nt_err rc = NT_OK;
    if (b->rules && !b->rules_set)
        rc = rules_builder_finish(b->rules, &b->rules_set, d);
    rules_builder_free(b->rules);
    b->rules = NULL;
    return rc;
}

nt_err snap_builder_finish(snap_builder *b, uint64_t version, snap **out) {
    snap *s = calloc(1, sizeof(*s));
    rules_diag rd;
    nt_err rc = NT_ENOMEM;
    if (!s)
        goto out;
    if ((rc = snap_builder_finish_rules(b, &rd)) != NT_OK)
        goto out;
    s->rules = b->rules_set;
    b->rules_set = NULL;
    if (b->prebuilt) {
        s->gaz = b->prebuilt;
        b->prebuilt = NULL;
    } else if ((rc = gaz_builder_finish(b->gaz, &s->gaz)) != NT_OK) {
        goto out;
    }
    rc = NT_ENOMEM;
    s->ents = calloc(b->n_ents ? b->n_ents : 1, sizeof(snap_entity));
    if (!s->ents)
        goto out;
    /* the pool moves into the snapshot; entities point into it from now on */
    s->pl = b->pl;
    memset(&b->pl, 0, sizeof(b->pl));
    s->ids = b->ids;
    memset(&b->ids, 0, sizeof(b->ids));
    s->common = b->common;
    memset(&b->common, 0, sizeof(b->common));
    memcpy(s->cues, b->cues, sizeof(s->cues));
    s->n_cues = b->n_cues;
    b->n_cues = 0;
    s->attrs = b->attrs;
    s->n_attrs = b->n_attrs;
    b->attrs = NULL;
    b->n_attrs = b->cap_attrs = 0;
    s->n_ents = b->n_ents;
    for (size_t i = 0; i < b->n_ents; i++) {
        const bent *x = &b->ents[i];
        snap_entity *e = &s->ents[i];
        e->id = (nt_str){s->pl.p + x->id, x->id_len};
        e->subtype = (nt_str){s->pl.p + x->subtype, x->subtype_len};
        e->name = (nt_str){s->pl.p + x->name, x->name_len};
        e->type = x->type;
        e->flags = x->flags;
        memcpy(e->country, x->country, 3);
        e->population = x->population;
        e->pop_score = (float)(5 * log10((double)x->population + 1));
        e->attr_begin = x->attr_begin;
        e->n_attrs = x->n_attrs;
        s->counts[x->type]++;
    }
    s->version = version;
    if ((rc = build_word_bits(s)) != NT_OK || (rc = build_word_table(s)) != NT_OK)
        goto out;
    *out = s;
    s = NULL;
    rc = NT_OK;
out:
    snap_free(s);
    return rc;
}

/* The base entity with `id`, if the overlay did not delete or replace it. */
static bool base_find(const snap *s, nt_str id, uint32_t *idx) {
    int64_t f = strset_find(&s->base->ids, &s->base->pl, id);
    if (f < 0)
        return false;
    *idx = (uint32_t)f;
    return true;
}

nt_err snap_overlay(const snap *base, const ent_entry *upserts, size_t n_up,
                    const nt_str *deletes, size_t n_del, uint64_t version, snap **out) {
    snap_builder *b = NULL;
    snap *s = NULL;
    nt_err rc;
    if (base->base)
        return NT_EINVAL;
    if ((rc = snap_builder_new(&b)) != NT_OK)
        return rc;
    b->base = base;
    b->index_offset = (uint32_t)base->n_ents;
    for (size_t i = 0; i < n_up && rc == NT_OK; i++)
        rc = snap_builder_add(b, &upserts[i]);
    if (rc == NT_OK)
        rc = snap_builder_finish(b, version, &s);
    if (rc != NT_OK)
        goto out;
    s->base = base;
    s->base_n = base->n_ents;
    s->masked = calloc(base->n_ents / 8 + 1, 1);
    if (!s->masked) {
        rc = NT_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n_up + n_del; i++) {
        nt_str id = i < n_up ? upserts[i].id : deletes[i - n_up];
        uint32_t k;
        if (base_find(s, id, &k))
            s->masked[k / 8] |= (uint8_t)(1u << (k % 8));
    }
    for (int t = 0; t < NT_TYPE_COUNT; t++)
        s->counts[t] += base->counts[t];
    for (size_t k = 0; k < base->n_ents; k++)
        if (s->masked[k / 8] >> (k % 8) & 1)
            s->counts[base->ents[k].type]--;
    *out = s;
    s = NULL;
out:
    snap_free(s);
    snap_builder_free(b);
    return rc;
}

const snap *snap_base(const snap *s) {
    return s->base;
}

bool snap_masked(const snap *s, uint32_t idx) {
    return s->base && idx < s->base_n && (s->masked[idx / 8] >> (idx % 8) & 1);
}

const gaz_db *snap_gaz_base(const snap *s) {
    return s->base ? s->base->gaz : NULL;
}

void snap_free(snap *s) {
    if (!s)
        return;
    free(s->masked);
    free(s->pl.p);
    free(s->ents);
    free(s->attrs);
    strset_free(&s->ids);
    strset_free(&s->common);
    strset_free(&s->words);
    free(s->word_bits);
    free(s->wtab);
    for (size_t i = 0; i < s->n_cues; i++)
        strset_free(&s->cues[i].set);
    gaz_db_free(s->gaz);
    rules_set_free(s->rules);
    free(s);
}

uint64_t snap_version(const snap *s) {
    return s->version;
}

size_t snap_entity_count(const snap *s) {
    return s->base_n + s->n_ents;
}

void snap_counts(const snap *s, size_t *out) {
    memcpy(out, s->counts, sizeof(s->counts));
}

const snap_entity *snap_entity_at(const snap *s, uint32_t i) {
    return i < s->base_n ? &s->base->ents[i] : &s->ents[i - s->base_n];
}

void snap_entity_attr(const snap *s, const snap_entity *e, uint32_t k, nt_str *key,
                      nt_str *val) {
    if (s->base && e >= s->base->ents && e < s->base->ents + s->base->n_ents)
        s = s->base; /* a base entity: its attributes live in the base */
    const battr *a = &s->attrs[e->attr_begin + k];
    *key = (nt_str){s->pl.p + a->k, a->kl};
    *val = (nt_str){s->pl.p + a->v, a->vl};
}

nt_err snap_find(const snap *s, nt_str id, uint32_t *idx) {
    int64_t f = strset_find(&s->ids, &s->pl, id);
    if (f >= 0) {
        *idx = (uint32_t)(s->base_n + (size_t)f);
        return NT_OK;
    }
    if (s->base && base_find(s, id, idx) && !snap_masked(s, *idx))
        return NT_OK;
    return NT_ENOTFOUND;
}

const gaz_db *snap_gaz(const snap *s) {
    return s->gaz;
}

bool snap_cue_has(const snap *s, const char *name, nt_str w) {
    if (s->base)
        return snap_cue_has(s->base, name, w);
    for (size_t i = 0; i < s->n_cues; i++)
        if (strcmp(s->cues[i].name, name) == 0)
            return strset_find(&s->cues[i].set, &s->pl, w) >= 0;
    return false;
}

bool snap_is_common(const snap *s, nt_str w) {
    return (snap_word_bits(s, w) & SNAP_W_COMMON) != 0;
}

const rules_set *snap_rules(const snap *s) {
    return s->base ? snap_rules(s->base) : s->rules;
}

size_t snap_bytes(const snap *s) {
    return s->pl.cap + s->n_ents * sizeof(snap_entity) + s->n_attrs * sizeof(battr) +
           (s->ids.cap + s->common.cap) * sizeof(uint32_t) + gaz_db_bytes(s->gaz);
}
