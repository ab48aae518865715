/* rules_int.h - the compiled form of a rule set, shared by the rules module (rules_parse.c,
 * rules_compile.c) and its one runner (events.c). Not public API: callers use rules.h.
 * Everything is flat arrays indexed by uint32_t; strings live in one pool. After
 * rules_builder_finish nothing here is written again. */
#ifndef NT_RULES_INT_H
#define NT_RULES_INT_H

#include "rules.h"

#include <string.h>

#define RULES_MAX_CLASSES 64
#define RULES_MAX_ELEMS 32
#define RULES_MAX_STYPES 8
#define RULES_MAX_GAP 40
#define RULES_MAX_WINDOW 20
#define RULES_MAX_PHRASE 4
#define RULES_NONE UINT32_MAX
#define RULES_TRIG_FILTER_BITS 8192 /* a power of two; 1 KB in rules_set */

/* Argument roles; index 0 is "no role". The strings are static (tg_arg.role). */
enum rules_role {
    RULES_ROLE_NONE = 0, RULES_ROLE_ACTOR, RULES_ROLE_TARGET, RULES_ROLE_VICTIM,
    RULES_ROLE_INSTRUMENT, RULES_ROLE_PLACE, RULES_ROLE_TIME, RULES_ROLE_SPEAKER,
    RULES_ROLE_TOPIC, RULES_ROLE_COUNT
};
extern const char *const rules__role_names[RULES_ROLE_COUNT];

enum rules_mod {
    RULES_MOD_ASSERTED = 0, RULES_MOD_ALLEGED, RULES_MOD_DENIED, RULES_MOD_NEGATED,
    RULES_MOD_HYPOTHETICAL, RULES_MOD_COUNT
};
extern const char *const rules__mod_names[RULES_MOD_COUNT];

enum rules_ek {
    RULES_E_WORD,    /* one word: .word */
    RULES_E_ALT,     /* any of alts[.off .. .off+.n) or a class in .classes */
    RULES_E_CLASS,   /* a word of a class in .classes */
    RULES_E_SLOT,    /* stypes[.off .. .off+.n), captured as .role */
    RULES_E_GAP,     /* up to .n tokens */
    RULES_E_TRIGGER,
    RULES_E_START,   /* sentence start */
    RULES_E_END,     /* sentence end ("$"; closing punctuation and quotes may follow) */
};

enum rules_sk {
    RULES_S_ENT,   /* entity mention; .type (or NT_TYPE_COUNT = any), .sub (optional) */
    RULES_S_NP,
    RULES_S_DATE,
    RULES_S_REST,
    RULES_S_CLASS, /* one token of class .cls */
};

typedef struct rules_stype {
    uint8_t kind;            /* enum rules_sk */
    uint8_t type;            /* nt_type or NT_TYPE_COUNT */
    uint8_t cls;
    uint32_t sub_off, sub_len; /* subtype in the pool, or sub_len 0 */
} rules_stype;

typedef struct rules_elem {
    uint8_t kind;      /* enum rules_ek */
    uint8_t optional;
    uint8_t negated;   /* "!atom": the next token is not this; consumes nothing */
    uint8_t role;      /* enum rules_role (slots) */
    uint8_t n;         /* gap width, number of stypes or alts */
    uint8_t sk;        /* RULES_E_SLOT: bit 1 << kind (enum rules_sk) of each of its stypes */
    uint32_t word;     /* RULES_E_WORD */
    uint32_t off;      /* into alts or stypes */
    uint64_t classes;  /* class bits (ALT, CLASS) */
} rules_elem;

enum rules_pk { RULES_P_PATTERN = 0, RULES_P_REQUIRE = 1, RULES_P_UNLESS = 2 };

typedef struct rules_pattern {
    uint8_t kind;        /* enum rules_pk */
    uint8_t anchored;    /* starts with ^ */
    uint32_t event;
    uint32_t elem_off, n_elems;
    uint32_t trig;       /* index of TRIGGER within the pattern's elems */
    uint32_t line;
} rules_pattern;

typedef struct rules_event {
    uint32_t name_off, name_len, cameo_off, cameo_len;
    uint32_t type_off, type_len; /* the type reported: the name, or as=TYPE */
    float conf;
    uint8_t min_args;         /* fewer arguments found: no event */
    uint32_t pat_off, n_pats; /* patterns of this event, in file order */
} rules_event;

typedef struct rules_trigger {
    uint32_t event;
    uint32_t n_words;                  /* 1 for single words */
    uint32_t words[RULES_MAX_PHRASE];  /* word ids; words[0] is the key */
} rules_trigger;

typedef struct rules_word {
    uint32_t off, len;       /* folded form in the pool */
    uint64_t classes;
    uint32_t trig_first, trig_n; /* its triggers (key = this word), after finish */
    uint8_t mod[RULES_MOD_COUNT]; /* cue window per modality kind, 0 = not a cue */
} rules_word;

/* A word-table slot. `hash` (the low 32 bits of the word's nt_hash) is compared
 * first, so a miss rarely touches the word itself. */
typedef struct rules_slot {
    uint32_t hash;
    uint32_t id;  /* word id + 1; 0 = empty */
} rules_slot;

/* Classes that the runner looks up by name (-1 when a file does not define them). */
enum rules_wk {
    RULES_C_DET, RULES_C_STOP, RULES_C_PRON, RULES_C_GAPSTOP, RULES_C_BARRIER,
    RULES_C_DIRECTION, RULES_C_UNIT, RULES_C_REL, RULES_C_VERB, RULES_C_COUNT
};

struct rules_set {
    char *pool;
    size_t pool_n, pool_cap;
    rules_word *words;
    uint32_t n_words, cap_words;
    rules_slot *slots;    /* open-addressing word table, linear probing */
    uint32_t n_slots;     /* power of two, at least 4 × n_words */
    rules_event *events;
    uint32_t n_events, cap_events;
    rules_pattern *pats;
    uint32_t n_pats, cap_pats;
    rules_elem *elems;
    uint32_t n_elems, cap_elems;
    rules_stype *stypes;
    uint32_t n_stypes, cap_stypes;
    uint32_t *alts;
    uint32_t n_alts, cap_alts;
    rules_trigger *trigs;
    uint32_t n_trigs, cap_trigs;
    int cls[RULES_C_COUNT];
    uint32_t max_window;
    /* bit (h >> 32) % RULES_TRIG_FILTER_BITS is set for the nt_hash h of each word that
     * keys a trigger (set by rules_builder_finish; see rules__maybe_trigger_key) */
    uint64_t trig_filter[RULES_TRIG_FILTER_BITS / 64];
};

typedef struct rules_classref {
    char name[32];
    bool defined;
    int line, col;        /* first use, for "undefined class" */
    char file[256];
} rules_classref;

struct rules_builder {
    rules_set *s;
    rules_classref classes[RULES_MAX_CLASSES];
    uint32_t n_classes;
    uint32_t cur_event;   /* event the next trigger/pattern lines belong to */
};

/* Word id of folded `w`, or RULES_NONE. */
uint32_t rules__word_find(const rules_set *s, nt_str w);
/* As rules__word_find with h = nt_hash(w.p, w.n) already computed. Inline: the
 * event stage calls it once per token. */
static inline uint32_t rules__word_find_h(const rules_set *s, nt_str w, uint64_t h) {
    if (!s->n_slots)
        return RULES_NONE;
    uint32_t mask = s->n_slots - 1, h32 = (uint32_t)h;
    for (uint32_t i = h32 & mask;; i = (i + 1) & mask) {
        const rules_slot *sl = &s->slots[i];
        if (!sl->id)
            return RULES_NONE;
        if (sl->hash != h32)
            continue;
        const rules_word *x = &s->words[sl->id - 1];
        if (x->len == w.n && memcmp(s->pool + x->off, w.p, w.n) == 0)
            return sl->id - 1;
    }
}
/* False if no trigger has a key word whose nt_hash is h; true for every key word and
 * for a few other words (a one-bit filter, about 2% false hits for a few hundred keys).
 * The event stage asks it for every token and looks up only the few that pass. The high
 * half of h picks the bit, the low half the word table's slot, so the two do not fail
 * together. */
static inline bool rules__maybe_trigger_key(const rules_set *s, uint64_t h) {
    uint32_t bit = (uint32_t)(h >> 32) & (RULES_TRIG_FILTER_BITS - 1);
    return (s->trig_filter[bit / 64] >> (bit % 64) & 1) != 0;
}
/* Word id of folded `w`, added if new. NT_ENOMEM. */
nt_err rules__word_add(rules_set *s, nt_str w, uint32_t *id);
/* Pool string. */
static inline nt_str rules__str(const rules_set *s, uint32_t off, uint32_t len) {
    return (nt_str){s->pool + off, len};
}
/* Copies `x` into the pool. NT_ENOMEM. */
nt_err rules__pool_add(rules_set *s, nt_str x, uint32_t *off);
/* Grows array *p (of *cap items of `size`) to hold n+1. NT_ENOMEM. */
nt_err rules__grow(void **p, uint32_t *cap, uint32_t n, size_t size);

#endif
