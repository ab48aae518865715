/* newstag.h - project-wide vocabulary: the error enum, the non-owning string span, entity
 * types and alias case modes. Every module includes this file and nothing here allocates.
 * Error codes are stable API: nt_errname() strings are the HTTP "code" values. */
#ifndef NT_NEWSTAG_H
#define NT_NEWSTAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define NT_VERSION "0.1.0"
#define NT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef enum nt_err {
    NT_OK = 0,
    NT_ENOMEM = -1,     /* allocation failed */
    NT_EINVAL = -2,     /* caller passed something invalid (bad UTF-8, bad option) */
    NT_EPARSE = -3,     /* rule/gazetteer/request text did not parse; see the diag */
    NT_EIO = -4,        /* file or LMDB I/O failed */
    NT_ECORRUPT = -5,   /* stored record or artefact failed its version/checksum */
    NT_ENOTFOUND = -6,  /* lookup miss (a normal outcome, not a failure) */
    NT_ELIMIT = -7,     /* a configured limit was hit (body size, tokens, matches) */
    NT_EINTERNAL = -8,  /* invariant broken; log it, answer 500 */
    NT_EBUSY = -9,      /* resource busy (map full, writer locked) */
} nt_err;

/* Human sentence for `e`; static storage. */
const char *nt_strerror(nt_err e);
/* Stable snake_case name for `e`; static storage. */
const char *nt_errname(nt_err e);

/* A non-owning view of bytes. Never NUL-terminated by contract. */
typedef struct nt_str {
    const char *p;
    size_t n;
} nt_str;

static inline nt_str nt_str_c(const char *s) {
    size_t n = 0;
    while (s && s[n])
        n++;
    return (nt_str){s, n};
}
/* FNV-1a 64 of n bytes: the engine's one string hash. The tagger hashes each token once
 * and the matcher's vocabulary, the word lists and the event rules' word table all key on
 * that value (gaz_hash is this function). */
static inline uint64_t nt_hash(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Byte equality of n bytes, inline: the strings compared on the hot paths (words, cue
 * words, dictionary tokens) are a few bytes long, where a call to memcmp costs more. */
static inline bool nt_mem_eq(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}
static inline bool nt_str_eq(nt_str a, nt_str b) {
    return a.n == b.n && nt_mem_eq(a.p, b.p, a.n);
}
/* `a` equals the C string `b`; no strlen, stops at the first difference. */
static inline bool nt_str_eq_c(nt_str a, const char *b) {
    for (size_t i = 0; i < a.n; i++)
        if (!b[i] || b[i] != a.p[i])
            return false;
    return b[a.n] == 0;
}

/* Entity types of SPEC.md §3. The order is stable (it is stored in records). */
typedef enum nt_type {
    NT_TYPE_PERSON = 0,
    NT_TYPE_ORG = 1,
    NT_TYPE_LOC = 2,
    NT_TYPE_WEAPON = 3,
    NT_TYPE_NORP = 4,
    NT_TYPE_FAC = 5,
    NT_TYPE_MISC = 6,
    NT_TYPE_COUNT = 7,
} nt_type;

/* "PERSON", "ORG", …; static storage. */
const char *nt_type_name(nt_type t);
/* Parse an upper-case type name. NT_EINVAL if unknown. */
nt_err nt_type_parse(nt_str s, nt_type *out);

/* Alias case modes (gazetteers/README.md). The order is stable (stored in records). */
typedef enum nt_case {
    NT_CASE_TITLE = 0,
    NT_CASE_EXACT = 1,
    NT_CASE_ANY = 2,
} nt_case;

const char *nt_case_name(nt_case c);
nt_err nt_case_parse(nt_str s, nt_case *out);

/* Offset units for output. */
typedef enum nt_unit {
    NT_UNIT_CHAR = 0,
    NT_UNIT_UTF16 = 1,
    NT_UNIT_BYTE = 2,
} nt_unit;

const char *nt_unit_name(nt_unit u);
nt_err nt_unit_parse(nt_str s, nt_unit *out);

#endif
