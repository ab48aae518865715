/* tokenize.c - one forward pass over code points builds tokens; a second pass over
 * tokens finds sentence boundaries. Never reads past `len`; every loop advances. ASCII
 * words, numbers and one-byte marks take fast paths (fast_word, fast_punct) that give up,
 * appending nothing, whenever general_step() might decide differently; a unit test runs
 * general_step() alone against tok_run(). The abbreviation list is small and built in
 * because the tokenizer must work without a model (the fuzzers and tests drive it alone). */
#include "tokenize.h"

#include "normalize.h"
#include "utf8.h"

#include <string.h>

struct tk {
    const char *s;
    size_t n;
    arena *a;
    tok_doc *d;
    size_t cap_toks, cap_fold, fold_len, max_tokens;
};

/* Byte classes for the fast paths, as norm_class_ascii() has them (a unit test checks
 * every byte); a byte >= 0x80 is only LK.
 *   AU AL AD  upper-case letter, lower-case letter, digit
 *   BL        blank: NORM_SPACE except '\n' (it counts lines, so the general path has it)
 *   PU SY     a one-byte NORM_PUNCT or NORM_OTHER token, except the apostrophes ' and `
 *             (clitics) and NUL (a space)
 *   AB        the first letter of some abbreviation in the lists below
 *   LK        may continue a word or end it specially: ' ` the number separators
 *             . , : / - and every non-ASCII byte */
enum { AL = 1, AD = 2, BL = 4, PU = 8, SY = 16, AU = 32, AB = 64, LK = 128 };
enum { A_WORDY = AU | AL | AD, CASELESS = 256 /* push()'s mark for a caseless letter */ };
static const uint8_t ascii_cls[256] = {
    0,     SY,    SY,    SY,    SY,    SY,    SY,    SY,
    SY,    BL,    0,     BL,    BL,    BL,    SY,    SY,
    SY,    SY,    SY,    SY,    SY,    SY,    SY,    SY,
    SY,    SY,    SY,    SY,    SY,    SY,    SY,    SY,
    BL,    PU,    PU,    PU,    SY,    PU,    PU,    LK,
    PU,    PU,    PU,    SY,    PU|LK, PU|LK, PU|LK, PU|LK,
    AD,    AD,    AD,    AD,    AD,    AD,    AD,    AD,
    AD,    AD,    PU|LK, PU,    SY,    SY,    SY,    PU,
    PU,    AU|AB, AU|AB, AU|AB, AU|AB, AU,    AU|AB, AU|AB,
    AU|AB, AU|AB, AU|AB, AU|AB, AU|AB, AU|AB, AU|AB, AU|AB,
    AU|AB, AU,    AU|AB, AU|AB, AU|AB, AU|AB, AU|AB, AU|AB,
    AU,    AU,    AU,    PU,    PU,    PU,    SY,    PU,
    LK,    AL|AB, AL,    AL,    AL,    AL|AB, AL,    AL,
    AL,    AL,    AL,    AL,    AL,    AL,    AL,    AL,
    AL|AB, AL,    AL,    AL,    AL,    AL,    AL|AB, AL,
    AL,    AL,    AL,    PU,    SY,    PU,    SY,    SY,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK,
    LK, LK, LK, LK, LK, LK, LK, LK};

/* Abbreviations whose '.' belongs to the word, sorted bytewise for in_list()'s binary
 * search. TITLE ones never end a sentence. */
static const char *const abbrev_title[] = {
    "Adm", "Brig", "Capt", "Cdr", "Cmdr", "Col", "Cpl", "Dr", "Fr", "Gen", "Gens", "Gov",
    "Hon", "Insp", "Jr", "Lieut", "Lt", "Maj", "Messrs", "Mr", "Mrs", "Ms", "Mt", "No",
    "Nos", "Pres", "Prof", "Pvt", "Rep", "Rev", "Sen", "Sgt", "Sr", "St", "Supt", "vs"};
static const char *const abbrev_other[] = {
    "Ala", "Apr", "Ariz", "Assn", "Aug", "Ave", "Blvd", "Bros", "Calif", "Cie", "Co",
    "Colo", "Conn", "Corp", "Dec", "Dept", "Feb", "Fla", "Gov't", "Ill", "Inc", "Ind",
    "Intl", "Jan", "Jul", "Jun", "Kan", "Ltd", "Mar", "Mass", "Mfg", "Mich", "Minn", "Miss",
    "Nev", "Nov", "Oct", "Okla", "Ore", "Pa", "Plc", "Pte", "Rd", "Sep", "Sept", "Tenn",
    "Tex", "Univ", "Va", "Wash", "Wis", "Wyo", "al", "approx", "est", "etc", "plc"};

/* Binary search of the sorted `list` for the n bytes at p. */
static int in_list(const char *const *list, size_t n, const char *p, size_t len) {
    if (len == 0 || len > 6) /* no abbreviation is longer */
        return 0;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        /* strncmp stops at a NUL in p too: only an entry of exactly len bytes may
         * compare equal, and only then is list[mid][len] (its terminator) read */
        size_t el = strnlen(list[mid], len + 1);
        int c = strncmp(list[mid], p, len);
        if (c == 0)
            c = el > len ? 1 : el < len ? -1 : 0; /* a longer entry sorts after p */
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int32_t cp_at(const struct tk *t, size_t i, size_t *cl) {
    if (i >= t->n) {
        *cl = 0;
        return -1;
    }
    return utf8_decode(t->s, t->n, i, cl);
}

static norm_class cls_at(const struct tk *t, size_t i) {
    if (i < t->n && (unsigned char)t->s[i] < 0x80)
        return norm_class_ascii((unsigned char)t->s[i]);
    size_t cl;
    int32_t c = cp_at(t, i, &cl);
    return c < 0 ? NORM_OTHER : norm_classify(c);
}

static int is_wordy(norm_class c) {
    return c == NORM_LETTER || c == NORM_MARK || c == NORM_DIGIT;
}

/* Appends token [start,end) with its folded form. The ASCII loop keeps everything in
 * locals: stores through `fold` could alias the tk and doc fields otherwise. */
static nt_err push(struct tk *t, size_t start, size_t end, uint16_t flags, uint16_t nl) {
    tok_doc *d = t->d;
    if (t->max_tokens && d->n_toks >= t->max_tokens)
        return NT_ELIMIT;
    if (d->n_toks == t->cap_toks) {
        size_t nc = t->cap_toks ? t->cap_toks * 2 : 256;
        if (t->max_tokens && nc > t->max_tokens)
            nc = t->max_tokens; /* the fast paths' only limit check is cap_toks */
        tok_token *nt = arena_realloc(t->a, d->toks, t->cap_toks * sizeof(tok_token),
                                      nc * sizeof(tok_token));
        if (!nt)
            return NT_ENOMEM;
        d->toks = nt;
        t->cap_toks = nc;
    }
    const unsigned char *s = (const unsigned char *)t->s;
    char *fold = d->fold;
    size_t fl = t->fold_len, cap = t->cap_fold;
    unsigned cases = 0, first = 0; /* AU|AL of all letters, and of the first one */
    for (size_t i = start; i < end;) {
        unsigned b = s[i];
        if (b < 0x80) { /* ASCII fast path: fold and classify inline */
            if (fl == cap)
                return NT_ELIMIT;
            unsigned k = ascii_cls[b] & (AU | AL);
            fold[fl++] = (char)(k == AU ? b + 32 : b == '`' ? '\'' : b);
            cases |= k;
            first = first ? first : k;
            i++;
            continue;
        }
        size_t cl;
        int32_t c = utf8_decode(t->s, t->n, i, &cl);
        char buf[NORM_MAX_FOLD];
        size_t n = norm_fold_cp(c, buf);
        if (n > cap - fl)
            return NT_ELIMIT; /* pathological expansion; documented limit */
        memcpy(fold + fl, buf, n);
        fl += n;
        if (norm_classify(c) == NORM_LETTER) {
            /* a caseless letter (Arabic, CJK) counts as a letter without a case */
            unsigned k = norm_is_upper(c) ? AU : norm_is_lower(c) ? AL : 0;
            cases |= k | CASELESS;
            first = first ? first : k | CASELESS;
        }
        i += cl;
    }
    if (first) {
        flags |= TOK_WORD | (first & AU ? TOK_CAP : first & AL ? TOK_LOWER : 0);
        if ((cases & (AU | AL)) == AU)
            flags |= TOK_ALLCAP;
    }
    tok_token *k = &d->toks[d->n_toks++];
    *k = (tok_token){.start = (uint32_t)start,
                     .end = (uint32_t)end,
                     .fold_off = (uint32_t)t->fold_len,
                     .fold_len = (uint32_t)(fl - t->fold_len),
                     .flags = flags,
                     .nl = nl};
    t->fold_len = fl;
    return NT_OK;
}

/* Length of a clitic starting at apostrophe position `i` ('s 're 've 'll 'd 'm), or 0. */
static size_t clitic_len(const struct tk *t, size_t i) {
    size_t cl;
    cp_at(t, i, &cl);
    size_t j = i + cl, k = j;
    while (k < t->n && k - j < 3) {
        char c = (char)(t->s[k] | 32);
        if (c < 'a' || c > 'z')
            break;
        k++;
    }
    size_t L = k - j;
    if (L == 0 || (k < t->n && is_wordy(cls_at(t, k))))
        return 0;
    char w[3] = {0};
    for (size_t q = 0; q < L; q++)
        w[q] = (char)(t->s[j + q] | 32);
    if ((L == 1 && (w[0] == 's' || w[0] == 'd' || w[0] == 'm')) ||
        (L == 2 && (!memcmp(w, "re", 2) || !memcmp(w, "ve", 2) || !memcmp(w, "ll", 2))))
        return k - i;
    return 0;
}

/* Scans a word from `i`; returns its end. Joins internal apostrophes (O'Brien) except
 * before clitics, and numbers with internal separators (1,000 3.5 1996-08-30 10:30). */
static size_t scan_word(const struct tk *t, size_t i, int *is_num) {
    size_t start = i;
    *is_num = cls_at(t, i) == NORM_DIGIT;
    for (;;) {
        while (i < t->n) {
            unsigned char b = (unsigned char)t->s[i];
            if (b < 0x80) {
                if (!((b | 32) >= 'a' && (b | 32) <= 'z') && !(b >= '0' && b <= '9'))
                    break;
                i++;
                continue;
            }
            size_t cl;
            int32_t c = cp_at(t, i, &cl);
            if (!is_wordy(norm_classify(c)))
                break;
            i += cl;
        }
        if (i >= t->n)
            break;
        size_t cl;
        int32_t c = cp_at(t, i, &cl);
        if (norm_is_apostrophe(c) && i > start && i + cl < t->n &&
            cls_at(t, i + cl) == NORM_LETTER) {
            /* n't: split before the n */
            if ((t->s[i - 1] | 32) == 'n' && i + cl < t->n && (t->s[i + cl] | 32) == 't' &&
                (i + cl + 1 >= t->n || !is_wordy(cls_at(t, i + cl + 1))) && i - 1 > start)
                return i - 1;
            if (clitic_len(t, i))
                break;
            i += cl;
            continue;
        }
        if (*is_num && (c == ',' || c == '.' || c == ':' || c == '/' || c == '-') &&
            i + 1 < t->n && cls_at(t, i + 1) == NORM_DIGIT) {
            i += 1;
            continue;
        }
        break;
    }
    return i;
}

/* After a word [start,end): the end including an abbreviation dot, or `end`. */
static size_t abbrev_end(const struct tk *t, size_t start, size_t end) {
    if (end >= t->n || t->s[end] != '.')
        return end;
    size_t len = end - start;
    const char *p = t->s + start;
    /* single letters: U.S. U.N. J. */
    if (len == 1 && cls_at(t, start) == NORM_LETTER) {
        size_t e = end + 1;
        while (e + 1 < t->n && cls_at(t, e) == NORM_LETTER && (t->s[e] & 0x80) == 0 &&
               t->s[e + 1] == '.')
            e += 2;
        if (e > end + 1 || norm_is_upper((unsigned char)p[0]))
            return e;
        return end;
    }
    if (in_list(abbrev_title, NT_ARRAY_LEN(abbrev_title), p, len) ||
        in_list(abbrev_other, NT_ARRAY_LEN(abbrev_other), p, len))
        return end + 1;
    return end;
}

/* Fills a token of the fast paths field by field: as one compound literal, gcc -O3 packs
 * the fields in vector registers first, which costs more than it saves. */
static void set_token(tok_token *k, size_t start, size_t end, size_t fold_off,
                      size_t fold_len, uint16_t flags, uint16_t nl) {
    k->start = (uint32_t)start;
    k->end = (uint32_t)end;
    k->fold_off = (uint32_t)fold_off;
    k->fold_len = (uint32_t)fold_len;
    k->sent = 0;
    k->flags = flags;
    k->nl = nl;
}

/* Every byte a fast word keeps (ASCII letters, digits, . , : / -) folds to itself with
 * bit 5 set: it lower-cases a letter and is set already in the others. */
static char fold_byte(unsigned b) {
    return (char)(b | 0x20);
}

/* Scans the ASCII letters and digits at s[e..n), folding them to out[0..]; returns the
 * end of the run. */
static size_t ascii_run(const unsigned char *s, size_t e, size_t n, char *out) {
    size_t from = e;
    while (e < n && (ascii_cls[s[e]] & A_WORDY)) {
        out[e - from] = fold_byte(s[e]);
        e++;
    }
    return e;
}

/* TOK_WORD and the case flags of a fast word s[i..e) whose first byte has class `lead`,
 * or 0 if it has no letter. */
static uint16_t case_flags(const unsigned char *s, size_t i, size_t e, unsigned lead) {
    unsigned first = lead & (AU | AL);
    size_t k = i + 1;
    while (!first && k < e) /* digits first */
        first = ascii_cls[s[k++]] & (AU | AL);
    if (first != AU)
        return first ? TOK_WORD | TOK_LOWER : 0;
    while (k < e && !(ascii_cls[s[k]] & AL))
        k++;
    return TOK_WORD | TOK_CAP | (k == e ? TOK_ALLCAP : 0);
}

/* The common case in one pass: a word or number of ASCII letters and digits (with the
 * number separators of scan_word(): 1,000 3.5 1996-08-30), or an abbreviation of them
 * ("Mr." "U.S."), is scanned, folded and appended. Returns its end, or 0 with nothing
 * appended when the general path must decide (non-ASCII, an apostrophe, a possible n't
 * after an abbreviation dot, or no room). */
static size_t fast_word(struct tk *t, size_t i, uint16_t flags, uint16_t nl) {
    tok_doc *d = t->d;
    const unsigned char *s = (const unsigned char *)t->s;
    size_t n = t->n, fl = t->fold_len, nt = d->n_toks;
    /* ASCII folds byte for byte, so the rest of the text fits: no check per byte */
    if (nt == t->cap_toks || n - i > t->cap_fold - fl)
        return 0;
    char *out = d->fold + fl; /* folded bytes past the end are harmless if we give up */
    unsigned lead = ascii_cls[s[i]];
    size_t e = i;
    for (;;) {
        e = ascii_run(s, e, n, out + (e - i));
        if (e == n || !(ascii_cls[s[e]] & LK))
            break;
        unsigned b = s[e];
        if (b >= 0x80 || b == '\'' || b == '`')
            return 0;
        if (lead & AD) { /* a separator joins two digits */
            if (e + 1 < n && (ascii_cls[s[e + 1]] & AD)) {
                out[e - i] = fold_byte(b);
                e++;
                continue;
            }
            if (e + 1 < n && s[e + 1] >= 0x80)
                return 0; /* a non-ASCII digit would join too */
        } else if (b == '.' && (e - i == 1 || (e - i <= 6 && (lead & AB)))) {
            size_t e2 = abbrev_end(t, i, e);
            if (e2 == e)
                break;
            if (e2 < n && (s[e2] | 32) == 'n')
                return 0; /* general_step() splits off a following n't */
            for (; e < e2; e++) /* letters and dots */
                out[e - i] = fold_byte(s[e]);
            flags |= TOK_ABBREV;
        }
        break;
    }
    flags |= case_flags(s, i, e, lead) | (lead & AD ? TOK_NUM : 0);
    set_token(&d->toks[nt], i, e, fl, e - i, flags, nl);
    d->n_toks = nt + 1;
    t->fold_len = fl + (e - i);
    return e;
}

/* A one-byte punctuation mark or symbol (ascii_cls PU or SY) that no combining mark or
 * joiner can follow: a token of its own, as general_step() would make it. Returns its
 * end, or 0 with nothing appended. */
static size_t fast_punct(struct tk *t, size_t i, uint16_t flags, uint16_t nl) {
    tok_doc *d = t->d;
    const unsigned char *s = (const unsigned char *)t->s;
    size_t fl = t->fold_len, nt = d->n_toks;
    if (nt == t->cap_toks || fl == t->cap_fold || (i + 1 < t->n && s[i + 1] >= 0x80))
        return 0;
    unsigned b = s[i];
    flags |= ascii_cls[b] & PU ? TOK_PUNCT : TOK_SYMBOL;
    if (b == '-')
        flags |= TOK_HYPHEN;
    else if (b == '"')
        flags |= TOK_QUOTE;
    d->fold[fl] = (char)b;
    set_token(&d->toks[nt], i, i + 1, fl, 1, flags, nl);
    d->n_toks = nt + 1;
    t->fold_len = fl + 1;
    return i + 1;
}

/* Any text at *pi: one whitespace code point (updating *pre and *nl), or one token by the
 * full rules, then a split-off n't. Advances *pi. The fast paths must agree with this. */
static nt_err general_step(struct tk *t, size_t *pi, uint16_t *pre, uint16_t *nl) {
    size_t i = *pi, cl;
    unsigned char b0 = (unsigned char)t->s[i];
    nt_err rc;
    int32_t c = b0 < 0x80 ? (cl = 1, (int32_t)b0) : cp_at(t, i, &cl);
    norm_class k = b0 < 0x80 ? norm_class_ascii(b0) : norm_classify(c);
    if (k == NORM_SPACE || c == 0) {
        *pre |= TOK_SPACE_BEFORE;
        if (c == '\n' || c == 0x2028 || c == 0x2029)
            *pre |= TOK_NL_BEFORE;
        if (c == '\n' && *nl < UINT16_MAX)
            (*nl)++;
        *pi = i + cl;
        return NT_OK;
    }
    uint16_t fl = *pre, gap_nl = *nl;
    *pre = 0;
    *nl = 0;
    if (is_wordy(k)) {
        int is_num;
        size_t e = scan_word(t, i, &is_num);
        size_t e2 = is_num ? e : abbrev_end(t, i, e);
        if (e2 != e)
            fl |= TOK_ABBREV;
        if (is_num)
            fl |= TOK_NUM;
        rc = push(t, i, e2, fl, gap_nl);
        i = e2;
    } else if (norm_is_apostrophe(c) && clitic_len(t, i) && i > 0 &&
               !(fl & TOK_SPACE_BEFORE)) {
        size_t L = clitic_len(t, i);
        rc = push(t, i, i + L, fl | TOK_CLITIC, gap_nl);
        i += L;
    } else {
        uint16_t f = fl;
        if (k == NORM_PUNCT)
            f |= TOK_PUNCT;
        else
            f |= TOK_SYMBOL;
        bool ascii = b0 < 0x80;
        if (ascii ? c == '-' : norm_is_dash(c))
            f |= TOK_HYPHEN;
        if (c == '\'' || c == '`' || c == '"' || (!ascii && (norm_is_apostrophe(c) ||
            (c >= 0x201C && c <= 0x201F) || c == 0xAB || c == 0xBB)))
            f |= TOK_QUOTE;
        /* keep a combining sequence or ZWJ emoji sequence in one token (neither can
         * follow when the next byte is ASCII) */
        size_t e = i + cl;
        while (e < t->n && (unsigned char)t->s[e] >= 0x80) {
            size_t cl2;
            int32_t c2 = cp_at(t, e, &cl2);
            if (norm_classify(c2) == NORM_MARK || c2 == 0x200D ||
                (e > i && t->s[e - 1] == (char)0x8D && c2 >= 0x2000 && k == NORM_OTHER))
                e += cl2;
            else
                break;
        }
        rc = push(t, i, e, f, gap_nl);
        i = e;
    }
    if (rc != NT_OK)
        return rc;
    /* n't clitic following a split word */
    if (i + 2 < t->n && (t->s[i] | 32) == 'n' && t->d->n_toks &&
        (t->d->toks[t->d->n_toks - 1].flags & TOK_WORD)) {
        size_t cl2;
        int32_t a = cp_at(t, i + 1, &cl2);
        if (norm_is_apostrophe(a) && i + 1 + cl2 < t->n && (t->s[i + 1 + cl2] | 32) == 't' &&
            (i + 2 + cl2 >= t->n || !is_wordy(cls_at(t, i + 2 + cl2)))) {
            rc = push(t, i, i + 2 + cl2, TOK_CLITIC, 0);
            if (rc != NT_OK)
                return rc;
            i += 2 + cl2;
        }
    }
    *pi = i;
    return NT_OK;
}

static nt_err scan_tokens(struct tk *t) {
    const unsigned char *s = (const unsigned char *)t->s;
    size_t i = 0, n = t->n;
    uint16_t pre = TOK_SPACE_BEFORE | TOK_NL_BEFORE, nl = 0;
    while (i < n) {
        unsigned c = ascii_cls[s[i]];
        size_t e = 0;
        if (c & BL) {
            pre |= TOK_SPACE_BEFORE;
            i++;
            continue;
        }
        if (c & A_WORDY)
            e = fast_word(t, i, pre, nl);
        else if (c & (PU | SY))
            e = fast_punct(t, i, pre, nl);
        if (e) {
            pre = 0;
            nl = 0;
            i = e;
            continue;
        }
        nt_err rc = general_step(t, &i, &pre, &nl);
        if (rc != NT_OK)
            return rc;
    }
    return NT_OK;
}

static int is_closer(const tok_doc *d, size_t i) {
    const tok_token *k = &d->toks[i];
    if (!(k->flags & TOK_PUNCT))
        return 0;
    char c = d->text[k->start];
    return (k->flags & TOK_QUOTE) || c == ')' || c == ']' || c == '}';
}

static int is_terminal(const tok_doc *d, size_t i) {
    const tok_token *k = &d->toks[i];
    if (k->flags & TOK_PUNCT) {
        char c = d->text[k->start];
        return c == '.' || c == '!' || c == '?' || (k->end - k->start == 3 &&
               (unsigned char)c == 0xE2 && (unsigned char)d->text[k->start + 1] == 0x80 &&
               (unsigned char)d->text[k->start + 2] == 0xA6); /* … */
    }
    return 0;
}

/* True if token i (the one after a candidate boundary) may start a sentence. */
static int starts_sentence(const tok_doc *d, size_t i) {
    uint16_t f = d->toks[i].flags;
    return (f & (TOK_CAP | TOK_NUM | TOK_QUOTE)) || (f & TOK_PUNCT && d->text[d->toks[i].start] == '(');
}

/* Whether a sentence ends after token i (i + 1 < d->n_toks). If so, *last is its last
 * token: closing quotes and brackets right after a terminal join the sentence. */
static int ends_sentence(const tok_doc *d, size_t i, size_t *last) {
    size_t nl = d->toks[i + 1].nl;
    uint16_t f = d->toks[i].flags, nf = d->toks[i + 1].flags;
    *last = i;
    if (nl >= 2)
        return 1;
    if (nl == 1)
        return !((f & (TOK_LOWER | TOK_NUM)) && (nf & TOK_LOWER)) &&
               !(f & TOK_PUNCT && d->text[d->toks[i].start] == ',');
    if (is_terminal(d, i)) {
        size_t j = i + 1;
        while (j < d->n_toks && is_closer(d, j) && !(d->toks[j].flags & TOK_SPACE_BEFORE))
            j++;
        while (j < d->n_toks && is_terminal(d, j))
            j++;
        if (j < d->n_toks && (d->toks[j].flags & TOK_SPACE_BEFORE) && starts_sentence(d, j)) {
            *last = j - 1;
            return 1;
        }
        return 0;
    }
    if ((f & TOK_ABBREV) && (nf & TOK_CAP) && (nf & TOK_SPACE_BEFORE)) {
        /* "U.S. The": a dotted abbreviation that is not a title, before a word that
         * usually starts sentences */
        nt_str w = tok_fold(d, i + 1);
        static const char *const starters[] = {"the", "he",  "she", "it",  "they",
                                               "we",  "but", "in",  "this", "a"};
        nt_str ab = tok_text(d, i);
        if (!in_list(abbrev_title, NT_ARRAY_LEN(abbrev_title), ab.p, ab.n - 1))
            for (size_t q = 0; q < NT_ARRAY_LEN(starters); q++)
                if (nt_str_eq_c(w, starters[q]))
                    return 1;
    }
    return 0;
}

static nt_err split_sentences(struct tk *t) {
    tok_doc *d = t->d;
    tok_token *tk = d->toks;
    size_t cap = 64, n = 0, first = 0, nt = d->n_toks;
    tok_sentence *s = arena_alloc(t->a, cap * sizeof(*s));
    if (!s)
        return NT_ENOMEM;
    for (size_t i = 0; i < nt; i++) {
        /* ends_sentence() is false with no line break before the next token unless this
         * one is punctuation or an abbreviation: skip such runs without calling it */
        while (i + 1 < nt && tk[i + 1].nl == 0 && !(tk[i].flags & (TOK_PUNCT | TOK_ABBREV)))
            i++;
        size_t last = i;
        if (i + 1 < nt && !ends_sentence(d, i, &last))
            continue;
        if (n == cap) {
            tok_sentence *ns = arena_realloc(t->a, s, cap * sizeof(*s), 2 * cap * sizeof(*s));
            if (!ns)
                return NT_ENOMEM;
            s = ns;
            cap *= 2;
        }
        s[n] = (tok_sentence){tk[first].start, tk[last].end, (uint32_t)first,
                              (uint32_t)(last + 1 - first)};
        for (size_t k = first; k <= last; k++)
            tk[k].sent = (uint32_t)n;
        tk[first].flags |= TOK_SENT_START;
        n++;
        first = last + 1;
        i = last;
    }
    d->sents = s;
    d->n_sents = n;
    return NT_OK;
}

/* Sets up *t and the arrays of *out (left empty) for tokenizing `text`. */
static nt_err tk_init(struct tk *t, const char *text, size_t len, size_t max_tokens, arena *a,
                      tok_doc *out) {
    *t = (struct tk){.s = text, .n = len, .a = a, .d = out, .max_tokens = max_tokens};
    memset(out, 0, sizeof(*out));
    out->text = text;
    out->len = len;
    if (len > UINT32_MAX / 4)
        return NT_ELIMIT;
    t->cap_fold = len * 3 + 16;
    out->fold = arena_alloc(a, t->cap_fold);
    if (!out->fold)
        return NT_ENOMEM;
    /* news averages five bytes a token, tables fewer: one allocation usually suffices */
    t->cap_toks = len / 4 + 64;
    if (max_tokens && t->cap_toks > max_tokens)
        t->cap_toks = max_tokens;
    out->toks = arena_alloc(a, t->cap_toks * sizeof(tok_token));
    if (!out->toks)
        return NT_ENOMEM;
    return NT_OK;
}

nt_err tok_run(const char *text, size_t len, size_t max_tokens, arena *a, tok_doc *out) {
    struct tk t;
    nt_err rc = tk_init(&t, text, len, max_tokens, a, out);
    if (rc == NT_OK)
        rc = scan_tokens(&t);
    if (rc == NT_OK && out->n_toks)
        rc = split_sentences(&t);
    return rc;
}
