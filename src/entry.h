/* entry.h - one dictionary entry (id, type, subtype, name, aliases, attributes) and its
 * three encodings: the TSV line of gazetteers/ TSV files, the packed LMDB record, and (in
 * json_out.h) JSON. Validation lives here so every way in (TSV import, HTTP PUT, bulk
 * NDJSON) applies the same rules.
 *
 * Record encoding (LMDB value), version 1:
 *   u8 version (1) | u8 origin | u8 type | u8 reserved
 *   str id | str subtype | str name | varint n_aliases | (u8 mode, str text)*
 *   varint n_attrs | (str key, str value)*
 * where str = varint length + bytes, varint = LEB128 (≤ 5 bytes). */
#ifndef NT_ENTRY_H
#define NT_ENTRY_H

#include "arena.h"
#include "newstag.h"

#define ENT_MAX_ID 128
#define ENT_MAX_ALIASES 512
#define ENT_MAX_ATTRS 64
#define ENT_MAX_TEXT 512

enum ent_origin {
    ENT_ORIGIN_IMPORT = 0, /* from gazetteers/ TSV files via newstag import */
    ENT_ORIGIN_API = 1,    /* written through /v1/entities: imports never overwrite it */
    ENT_ORIGIN_DELETED = 2 /* tombstone: deleted through the API; imports skip the id */
};

typedef struct ent_alias {
    nt_str text;
    nt_case mode;
} ent_alias;

typedef struct ent_attr {
    nt_str key, val;
} ent_attr;

typedef struct ent_entry {
    nt_str id;
    nt_type type;
    nt_str subtype;
    nt_str name;
    ent_alias *aliases;
    size_t n_aliases;
    ent_attr *attrs;
    size_t n_attrs;
    uint8_t origin; /* enum ent_origin */
} ent_entry;

typedef struct ent_diag {
    int line, col;   /* 1-based; 0 when unknown */
    char field[16];  /* which field is wrong: "id", "type", "aliases" … */
    char msg[160];
} ent_diag;

/* The TSV header line (without newline). */
#define ENT_TSV_HEADER "id\ttype\tsubtype\tname\taliases\tattributes"

/* Parses one TSV data line (no trailing newline; a trailing CR is ignored). Strings in
 * *out borrow `line`; arrays come from `a`. NT_EPARSE with d->col and d->msg on a
 * malformed line (then validated with ent_validate). */
nt_err ent_parse_tsv(nt_str line, arena *a, ent_entry *out, ent_diag *d);
/* Checks the rules of gazetteers/README.md: id syntax and prefix, non-empty name and
 * aliases, lengths, subtype and attribute key syntax, valid UTF-8. NT_EINVAL + d. */
nt_err ent_validate(const ent_entry *e, ent_diag *d);
/* Packs `e` into a new arena buffer *out. NT_ENOMEM. */
nt_err ent_encode(const ent_entry *e, arena *a, nt_str *out);
/* Unpacks a record; strings borrow `rec`, arrays come from `a`. NT_ECORRUPT. */
nt_err ent_decode(nt_str rec, arena *a, ent_entry *out);
/* Formats `e` as one TSV line (no newline) in the arena. NT_ENOMEM. */
nt_err ent_format_tsv(const ent_entry *e, arena *a, nt_str *out);
/* Deep-copies e into arena a: *out owns nothing outside a (strings borrowed from a JSON
 * value or a read transaction become arena strings). NT_ENOMEM. */
nt_err ent_copy(const ent_entry *e, arena *a, ent_entry *out);
/* The value of attribute `key`, or {NULL,0}. */
nt_str ent_attr_get(const ent_entry *e, const char *key);

#endif
