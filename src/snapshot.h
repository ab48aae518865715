/* snapshot.h - the immutable model a request reads: the compiled matcher, the entity
 * table (id, type, subtype, name, attributes, place facts used by the resolver) and the
 * cue lists from models/. Built once (from LMDB entries or TSV files), then shared by all
 * threads read-only; the daemon swaps whole snapshots (daemon/model.c).
 * Pure: no LMDB, no HTTP, no globals. */
#ifndef NT_SNAPSHOT_H
#define NT_SNAPSHOT_H

#include "entry.h"
#include "gazetteer.h"
#include "newstag.h"
#include "rules.h"

typedef struct snap snap;
typedef struct snap_builder snap_builder;

enum snap_ent_flag {
    SNAP_PLACE_COUNTRY = 1, /* LOC subtype country */
    SNAP_PLACE_ADMIN = 2,   /* LOC subtype admin1/admin2 */
    SNAP_PLACE_CITY = 4,    /* LOC subtype city */
    SNAP_PLACE_CAPITAL = 8, /* GeoNames PPLC / PPLA */
    SNAP_MINOR = 16,        /* small place (population < 15000, not a seat): needs support */
    SNAP_LOWPRIO = 32,      /* secondary source (source=wordnet): loses ties */
};

typedef struct snap_entity {
    nt_str id, subtype, name;   /* borrowed from the snapshot */
    nt_type type;
    uint32_t flags;             /* enum snap_ent_flag */
    char country[3];            /* ISO alpha-2 or "" */
    uint32_t population;
    uint32_t attr_begin, n_attrs;
    float pop_score;            /* 5·log10(population + 1), precomputed for the resolver */
} snap_entity;

/* Returns a new, empty builder. NT_ENOMEM. */
nt_err snap_builder_new(snap_builder **out);
void snap_builder_free(snap_builder *b);
/* Adds a validated entry (copied). Tombstones are ignored. A single-word alias listed in
 * the common-word list (snap_builder_load_words) becomes weak. NT_EINVAL for an alias
 * the matcher cannot use (the entry is kept, the alias skipped: counted in skipped). */
nt_err snap_builder_add(snap_builder *b, const ent_entry *e);
/* Loads the text of a word list (one lower-case word per line, # comments): common
 * English words that make single-word aliases weak. Call before adding entries. */
nt_err snap_builder_load_words(snap_builder *b, nt_str text);
/* Loads a cue list named `name` (e.g. "titles", "org_suffixes") from its text. */
nt_err snap_builder_load_cues(snap_builder *b, const char *name, nt_str text);
/* Uses `gaz` (a matcher compiled earlier from the same entries in the same order, e.g.
 * loaded from the dictionary's cache) instead of compiling aliases: later
 * snap_builder_add calls record entities only. Takes ownership of gaz, even on error. */
nt_err snap_builder_use_gaz(snap_builder *b, gaz_db *gaz);
/* Parses event rule file `text` (named `path` in diagnostics) into the builder's rule
 * set. NT_EPARSE with *d filled (file:line:col); NT_ENOMEM. */
nt_err snap_builder_load_rules(snap_builder *b, const char *path, nt_str text, rules_diag *d);
/* Compiles the rule files loaded so far (call once, after the last load_rules; finish
 * calls it if you did not). NT_EPARSE with *d filled (undefined class); NT_ENOMEM. */
nt_err snap_builder_finish_rules(snap_builder *b, rules_diag *d);
/* Compiles into a new snapshot (free with snap_free); `version` is the dictionary version
 * it reflects. The builder must still be freed. NT_ENOMEM. */
nt_err snap_builder_finish(snap_builder *b, uint64_t version, snap **out);
/* Aliases skipped as unusable so far. */
size_t snap_builder_skipped(const snap_builder *b);

/* Live edits without recompiling: returns a new snapshot (snap_free) that answers like
 * `base` but with `upserts` added (an upsert whose id exists in base replaces it) and the
 * ids in `deletes` removed. Only the edited entries are compiled (milliseconds), so a
 * dictionary write is visible at once; a full rebuild can replace the overlay later.
 * `base` is BORROWED: it must stay alive until the overlay is freed (the daemon holds a
 * reference). An overlay of an overlay is refused (NT_EINVAL): overlay the base again
 * with the accumulated edits. Common words and cue lists are those of base. `version` is
 * the dictionary version the result reflects. NT_ENOMEM. */
nt_err snap_overlay(const snap *base, const ent_entry *upserts, size_t n_up,
                    const nt_str *deletes, size_t n_del, uint64_t version, snap **out);
/* The base an overlay reads through, or NULL for a full snapshot. */
const snap *snap_base(const snap *s);
/* True if base entity `idx` is deleted or replaced by the overlay `s`. */
bool snap_masked(const snap *s, uint32_t idx);
/* The base's matcher for an overlay (scan it too), or NULL for a full snapshot. */
const gaz_db *snap_gaz_base(const snap *s);

void snap_free(snap *s);
uint64_t snap_version(const snap *s);
size_t snap_entity_count(const snap *s);
/* Counts by type: out[NT_TYPE_COUNT]. */
void snap_counts(const snap *s, size_t *out);
/* Entity `i` (< snap_entity_count), borrowed from s. */
const snap_entity *snap_entity_at(const snap *s, uint32_t i);
/* Attribute k (< e->n_attrs) of entity e. */
void snap_entity_attr(const snap *s, const snap_entity *e, uint32_t k, nt_str *key, nt_str *val);
/* Index of the entity with `id`, or NT_ENOTFOUND. */
nt_err snap_find(const snap *s, nt_str id, uint32_t *idx);
/* The snapshot's own matcher (for an overlay: the edited entries only). */
const gaz_db *snap_gaz(const snap *s);
/* True if folded single word `w` is in cue list `name`. */
bool snap_cue_has(const snap *s, const char *name, nt_str w);
/* What a single folded word is, over all word and cue lists, in one lookup. */
enum snap_word_bit {
    SNAP_W_COMMON = 1 << 0,     /* common-words.txt */
    SNAP_W_NEVER = 1 << 1,      /* cues/never.txt */
    SNAP_W_FIRST = 1 << 2,      /* cues/first_names.txt */
    SNAP_W_PREP = 1 << 3,       /* cues/place_preps.txt */
    SNAP_W_ORGSUF = 1 << 4,     /* cues/org_suffixes.txt */
    SNAP_W_TITLE = 1 << 5,      /* cues/titles.txt, a one-word title */
    SNAP_W_TITLE_HEAD = 1 << 6, /* first word of a several-word title ("prime") */
    SNAP_W_SPORTS = 1 << 7,     /* cues/sports.txt */
    SNAP_W_SHIP = 1 << 8,       /* cues/ship_prefixes.txt */
};
/* Bits of enum snap_word_bit for folded word `w` (0 if it is in no list). */
uint32_t snap_word_bits(const snap *s, nt_str w);
/* As snap_word_bits with w's gaz_hash (FNV-1a 64) already computed. */
uint32_t snap_word_bits_h(const snap *s, nt_str w, uint64_t hash);
/* True if `w` (folded) is a common English word. */
bool snap_is_common(const snap *s, nt_str w);
/* The compiled event rules, borrowed from s (valid while s lives), or NULL if none. */
const rules_set *snap_rules(const snap *s);
/* Bytes held by the snapshot. */
size_t snap_bytes(const snap *s);

#endif
