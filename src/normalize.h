/* normalize.h - per-code-point folding and classification (utf8proc underneath).
 * Folding maps a code point to the form the matcher compares: case-folded, compatibility-
 * decomposed, diacritics stripped, typographic quotes to ' and ", all dashes to '-'.
 * Pure functions; nothing here allocates except norm_fold(), which uses the caller's arena. */
#ifndef NT_NORMALIZE_H
#define NT_NORMALIZE_H

#include "arena.h"
#include "newstag.h"

#define NORM_MAX_FOLD 24 /* most bytes one code point folds to */

typedef enum norm_class {
    NORM_OTHER = 0, /* symbols, emoji, controls */
    NORM_LETTER,    /* L* */
    NORM_MARK,      /* M* (combining marks) */
    NORM_DIGIT,     /* N* */
    NORM_SPACE,     /* Z*, tab, CR, LF, VT, FF */
    NORM_PUNCT,     /* P* */
} norm_class;

/* Folds `cp` into `out` (room for NORM_MAX_FOLD bytes) and returns the byte count; a
 * combining mark or an ignorable (ZWJ, soft hyphen, variation selector) folds to 0 bytes. */
size_t norm_fold_cp(int32_t cp, char *out);

/* Folds valid UTF-8 `s` (n bytes) into a new arena string *out (NUL-terminated).
 * NT_ENOMEM if the arena is exhausted. */
nt_err norm_fold(const char *s, size_t n, arena *a, nt_str *out);

norm_class norm_classify(int32_t cp);

/* norm_classify() for an ASCII byte (< 0x80), inline for the tokenizer's hot loops. */
static inline norm_class norm_class_ascii(unsigned b) {
    if ((b | 32) - 'a' < 26u)
        return NORM_LETTER;
    if (b - '0' < 10u)
        return NORM_DIGIT;
    if (b == ' ' || b - 9 < 5u)
        return NORM_SPACE;
    if (b < 0x20 || b == 0x7F)
        return NORM_OTHER;
    if (b == '$' || b == '+' || b == '<' || b == '=' || b == '>' || b == '^' || b == '`' ||
        b == '|' || b == '~')
        return NORM_OTHER;
    return NORM_PUNCT;
}
/* True for upper- and title-case letters. */
bool norm_is_upper(int32_t cp);
/* True for lower-case letters. */
bool norm_is_lower(int32_t cp);
/* Apostrophe-like: ' ’ ‘ ‛ ʼ ` ´ ′ */
bool norm_is_apostrophe(int32_t cp);
/* Hyphen and dash-like: - ‐ ‑ ‒ – — ― − */
bool norm_is_dash(int32_t cp);

#endif
