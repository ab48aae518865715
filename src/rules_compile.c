/* rules_compile.c - the rules_set storage (string pool, word table, growable arrays) and
 * the last step of a build: check class references, group trigger forms by their key
 * word, hand the arrays over as an immutable set. The parser (rules_parse.c) fills a
 * builder through the rules__ helpers; nothing here runs per request. */
#include "rules_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const rules__role_names[RULES_ROLE_COUNT] = {
    "", "actor", "target", "victim", "instrument", "place", "time", "speaker", "topic"};
const char *const rules__mod_names[RULES_MOD_COUNT] = {"asserted", "alleged", "denied",
                                                       "negated", "hypothetical"};

static const char *const special_classes[RULES_C_COUNT] = {
    "DET", "STOP", "PRON", "GAPSTOP", "BARRIER", "DIRECTION", "UNIT", "REL", "VERB"};

nt_err rules__grow(void **p, uint32_t *cap, uint32_t n, size_t size) {
    if (n < *cap)
        return NT_OK;
    if (*cap >= UINT32_MAX / 2)
        return NT_ELIMIT;
    uint32_t nc = *cap ? *cap * 2 : 64;
    void *np = realloc(*p, (size_t)nc * size);
    if (!np)
        return NT_ENOMEM;
    *p = np;
    *cap = nc;
    return NT_OK;
}

nt_err rules__pool_add(rules_set *s, nt_str x, uint32_t *off) {
    if (s->pool_n + x.n + 1 > s->pool_cap) {
        size_t nc = (s->pool_cap ? s->pool_cap * 2 : 4096) + x.n;
        char *np = realloc(s->pool, nc);
        if (!np)
            return NT_ENOMEM;
        s->pool = np;
        s->pool_cap = nc;
    }
    if (s->pool_n + x.n >= UINT32_MAX)
        return NT_ELIMIT;
    *off = (uint32_t)s->pool_n;
    if (x.n)
        memcpy(s->pool + s->pool_n, x.p, x.n);
    s->pool_n += x.n;
    s->pool[s->pool_n++] = 0;
    return NT_OK;
}

uint32_t rules__word_find(const rules_set *s, nt_str w) {
    return rules__word_find_h(s, w, nt_hash(w.p, w.n));
}

/* Puts word id k (hash h32) into the first free slot of its probe run. */
static void slot_put(rules_slot *slots, uint32_t n_slots, uint32_t h32, uint32_t k) {
    uint32_t i = h32 & (n_slots - 1);
    while (slots[i].id)
        i = (i + 1) & (n_slots - 1);
    slots[i] = (rules_slot){h32, k + 1};
}

static nt_err rehash(rules_set *s, uint32_t ncap) {
    rules_slot *ns = calloc(ncap, sizeof(rules_slot));
    if (!ns)
        return NT_ENOMEM;
    for (uint32_t k = 0; k < s->n_words; k++) {
        const rules_word *x = &s->words[k];
        slot_put(ns, ncap, (uint32_t)nt_hash(s->pool + x->off, x->len), k);
    }
    free(s->slots);
    s->slots = ns;
    s->n_slots = ncap;
    return NT_OK;
}

nt_err rules__word_add(rules_set *s, nt_str w, uint32_t *id) {
    nt_err rc;
    uint32_t f = rules__word_find(s, w);
    if (f != RULES_NONE) {
        *id = f;
        return NT_OK;
    }
    /* a load of at most 1/4 keeps a miss (most tokens) to about one probe */
    if ((s->n_words + 1) * 4 > s->n_slots &&
        (rc = rehash(s, s->n_slots ? s->n_slots * 2 : 1024)) != NT_OK)
        return rc;
    if ((rc = rules__grow((void **)&s->words, &s->cap_words, s->n_words, sizeof(rules_word))) !=
        NT_OK)
        return rc;
    rules_word *x = &s->words[s->n_words];
    memset(x, 0, sizeof(*x));
    if ((rc = rules__pool_add(s, w, &x->off)) != NT_OK)
        return rc;
    x->len = (uint32_t)w.n;
    x->trig_first = 0;
    slot_put(s->slots, s->n_slots, (uint32_t)nt_hash(w.p, w.n), s->n_words);
    *id = s->n_words++;
    return NT_OK;
}

nt_err rules_builder_new(rules_builder **out) {
    rules_builder *b = calloc(1, sizeof(*b));
    if (!b)
        return NT_ENOMEM;
    b->s = calloc(1, sizeof(rules_set));
    if (!b->s) {
        free(b);
        return NT_ENOMEM;
    }
    b->cur_event = RULES_NONE;
    *out = b;
    return NT_OK;
}

void rules_set_free(rules_set *s) {
    if (!s)
        return;
    free(s->pool);
    free(s->words);
    free(s->slots);
    free(s->events);
    free(s->pats);
    free(s->elems);
    free(s->stypes);
    free(s->alts);
    free(s->trigs);
    free(s);
}

void rules_builder_free(rules_builder *b) {
    if (!b)
        return;
    rules_set_free(b->s);
    free(b);
}

static int cmp_trig(const void *x, const void *y) {
    const rules_trigger *a = x, *b = y;
    if (a->words[0] != b->words[0])
        return a->words[0] < b->words[0] ? -1 : 1;
    return a->event < b->event ? -1 : a->event > b->event;
}

/* Groups trigger forms by key word (stable on event order, so file order wins ties) and
 * sets the key words' bits in trig_filter.
 * Insertion sort keeps this free of global state; trigger counts are in the thousands. */
static void sort_trigs(rules_set *s) {
    for (uint32_t i = 1; i < s->n_trigs; i++) {
        rules_trigger t = s->trigs[i];
        uint32_t j = i;
        while (j > 0 && cmp_trig(&s->trigs[j - 1], &t) > 0) {
            s->trigs[j] = s->trigs[j - 1];
            j--;
        }
        s->trigs[j] = t;
    }
    for (uint32_t w = 0; w < s->n_words; w++)
        s->words[w].trig_n = 0;
    memset(s->trig_filter, 0, sizeof(s->trig_filter));
    for (uint32_t i = 0; i < s->n_trigs; i++) {
        rules_word *w = &s->words[s->trigs[i].words[0]];
        if (!w->trig_n)
            w->trig_first = i;
        w->trig_n++;
        uint32_t bit = (uint32_t)(nt_hash(s->pool + w->off, w->len) >> 32) &
                       (RULES_TRIG_FILTER_BITS - 1);
        s->trig_filter[bit / 64] |= (uint64_t)1 << (bit % 64);
    }
}

nt_err rules_builder_finish(rules_builder *b, rules_set **out, rules_diag *d) {
    rules_set *s = b->s;
    for (uint32_t i = 0; i < b->n_classes; i++) {
        const rules_classref *c = &b->classes[i];
        if (!c->defined) {
            snprintf(d->file, sizeof(d->file), "%s", c->file);
            d->line = c->line;
            d->col = c->col;
            snprintf(d->msg, sizeof(d->msg), "undefined class @%s", c->name);
            return NT_EPARSE;
        }
    }
    for (int k = 0; k < RULES_C_COUNT; k++) {
        s->cls[k] = -1;
        for (uint32_t i = 0; i < b->n_classes; i++)
            if (strcmp(b->classes[i].name, special_classes[k]) == 0)
                s->cls[k] = (int)i;
    }
    s->max_window = 0;
    for (uint32_t w = 0; w < s->n_words; w++)
        for (int m = 0; m < RULES_MOD_COUNT; m++)
            if (s->words[w].mod[m] > s->max_window)
                s->max_window = s->words[w].mod[m];
    sort_trigs(s);
    *out = s;
    b->s = NULL;
    return NT_OK;
}

nt_err rules_compile(const char *file, nt_str text, rules_set **out, rules_diag *d) {
    rules_builder *b = NULL;
    nt_err rc = rules_builder_new(&b);
    if (rc == NT_OK)
        rc = rules_builder_add(b, file, text, d);
    if (rc == NT_OK)
        rc = rules_builder_finish(b, out, d);
    rules_builder_free(b);
    return rc;
}

size_t rules_event_count(const rules_set *s) {
    return s ? s->n_events : 0;
}
size_t rules_trigger_count(const rules_set *s) {
    return s ? s->n_trigs : 0;
}
size_t rules_pattern_count(const rules_set *s) {
    return s ? s->n_pats : 0;
}
