/* tokenize.c - one forward pass over code points builds tokens; a second pass over
 * tokens finds sentence boundaries. Never reads past `len`; every loop advances. The
 * abbreviation list is small and built in because the tokenizer must work without a
 * model (the fuzzers and tests drive it alone). */
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

/* Abbreviations whose '.' belongs to the word. TITLE ones never end a sentence. */
static const char *const abbrev_title[] = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Col", "Lt", "Sgt", "Capt", "Maj", "Cpl",
    "Adm", "Brig", "Cmdr", "Gov", "Sen", "Rep", "Rev", "St", "Mt", "Pres", "Supt", "Insp",
    "Fr", "Hon", "Messrs", "Lieut", "Gens", "Pvt", "Cdr", "Sr", "Jr", "No", "vs", "Nos"};
static const char *const abbrev_other[] = {
    "Inc", "Corp", "Ltd", "Co", "Bros", "etc", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
    "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "approx", "Dept", "est", "Ave", "Rd", "Blvd",
    "Plc", "plc", "Pte", "Cie", "Ind", "Ala", "Ariz", "Calif", "Colo", "Conn", "Fla", "Ill",
    "Kan", "Mass", "Mich", "Minn", "Miss", "Nev", "Okla", "Ore", "Pa", "Tenn", "Tex",
    "Va", "Wash", "Wis", "Wyo", "al", "Gov't", "Univ", "Assn", "Mfg", "Intl"};

static int in_list(const char *const *list, size_t n, const char *p, size_t len) {
    if (len == 0 || len > 6) /* no abbreviation is longer */
        return 0;
    for (size_t i = 0; i < n; i++)
        if (list[i][0] == p[0] && strlen(list[i]) == len && memcmp(list[i], p, len) == 0)
            return 1;
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
        return norm_classify((unsigned char)t->s[i]);
    size_t cl;
    int32_t c = cp_at(t, i, &cl);
    return c < 0 ? NORM_OTHER : norm_classify(c);
}

static int is_wordy(norm_class c) {
    return c == NORM_LETTER || c == NORM_MARK || c == NORM_DIGIT;
}

static nt_err push(struct tk *t, size_t start, size_t end, uint16_t flags) {
    tok_doc *d = t->d;
    if (t->max_tokens && d->n_toks >= t->max_tokens)
        return NT_ELIMIT;
    if (d->n_toks == t->cap_toks) {
        size_t nc = t->cap_toks ? t->cap_toks * 2 : 256;
        tok_token *nt = arena_realloc(t->a, d->toks, t->cap_toks * sizeof(tok_token),
                                      nc * sizeof(tok_token));
        if (!nt)
            return NT_ENOMEM;
        d->toks = nt;
        t->cap_toks = nc;
    }
    tok_token *k = &d->toks[d->n_toks++];
    memset(k, 0, sizeof(*k));
    k->start = (uint32_t)start;
    k->end = (uint32_t)end;
    k->fold_off = (uint32_t)t->fold_len;
    int seen_letter = 0, has_lower = 0, has_upper = 0;
    for (size_t i = start; i < end;) {
        unsigned char b = (unsigned char)t->s[i];
        if (b < 0x80) { /* ASCII fast path: fold and classify inline */
            if (t->fold_len + 1 > t->cap_fold)
                return NT_ELIMIT;
            int up = b >= 'A' && b <= 'Z', lo = b >= 'a' && b <= 'z';
            t->d->fold[t->fold_len++] = (char)(up ? b + 32 : (b == '`' ? '\'' : b));
            if (up || lo) {
                if (!seen_letter)
                    flags |= up ? TOK_CAP : TOK_LOWER;
                seen_letter = 1;
                has_lower |= lo;
                has_upper |= up;
                flags |= TOK_WORD;
            }
            i++;
            continue;
        }
        size_t cl;
        int32_t c = utf8_decode(t->s, t->n, i, &cl);
        char buf[NORM_MAX_FOLD];
        size_t fl = norm_fold_cp(c, buf);
        if (t->fold_len + fl > t->cap_fold)
            return NT_ELIMIT; /* pathological expansion; documented limit */
        memcpy(t->d->fold + t->fold_len, buf, fl);
        t->fold_len += fl;
        if (norm_classify(c) == NORM_LETTER) {
            int up = norm_is_upper(c), lo = norm_is_lower(c);
            if (!seen_letter) {
                if (up)
                    flags |= TOK_CAP;
                else if (lo)
                    flags |= TOK_LOWER;
            }
            seen_letter = 1;
            has_lower |= lo;
            has_upper |= up;
            flags |= TOK_WORD;
        }
        i += cl;
    }
    if (seen_letter && !has_lower && has_upper)
        flags |= TOK_ALLCAP;
    k->fold_len = (uint32_t)(t->fold_len - k->fold_off);
    k->flags = flags;
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

static nt_err scan_tokens(struct tk *t) {
    size_t i = 0;
    uint16_t pre = TOK_SPACE_BEFORE | TOK_NL_BEFORE;
    nt_err rc;
    while (i < t->n) {
        size_t cl;
        unsigned char b0 = (unsigned char)t->s[i];
        if (b0 == ' ' || b0 == '\t' || b0 == '\r') { /* ASCII blanks: the common case */
            pre |= TOK_SPACE_BEFORE;
            i++;
            continue;
        }
        int32_t c = b0 < 0x80 ? (cl = 1, (int32_t)b0) : cp_at(t, i, &cl);
        norm_class k = norm_classify(c);
        if (k == NORM_SPACE || c == 0) {
            pre |= TOK_SPACE_BEFORE;
            if (c == '\n' || c == 0x2028 || c == 0x2029)
                pre |= TOK_NL_BEFORE;
            i += cl;
            continue;
        }
        uint16_t fl = pre;
        pre = 0;
        if (is_wordy(k)) {
            int is_num;
            size_t e = scan_word(t, i, &is_num);
            size_t e2 = is_num ? e : abbrev_end(t, i, e);
            if (e2 != e)
                fl |= TOK_ABBREV;
            if (is_num)
                fl |= TOK_NUM;
            rc = push(t, i, e2, fl);
            i = e2;
        } else if (norm_is_apostrophe(c) && clitic_len(t, i) && i > 0 &&
                   !(fl & TOK_SPACE_BEFORE)) {
            size_t L = clitic_len(t, i);
            rc = push(t, i, i + L, fl | TOK_CLITIC);
            i += L;
        } else {
            uint16_t f = fl;
            if (k == NORM_PUNCT)
                f |= TOK_PUNCT;
            else
                f |= TOK_SYMBOL;
            if (norm_is_dash(c))
                f |= TOK_HYPHEN;
            if (norm_is_apostrophe(c) || c == '"' || (c >= 0x201C && c <= 0x201F) ||
                c == 0xAB || c == 0xBB)
                f |= TOK_QUOTE;
            /* keep a combining sequence or ZWJ emoji sequence in one token */
            size_t e = i + cl;
            while (e < t->n) {
                size_t cl2;
                int32_t c2 = cp_at(t, e, &cl2);
                if (norm_classify(c2) == NORM_MARK || c2 == 0x200D ||
                    (e > i && t->s[e - 1] == (char)0x8D && c2 >= 0x2000 && k == NORM_OTHER))
                    e += cl2;
                else
                    break;
            }
            rc = push(t, i, e, f);
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
                rc = push(t, i, i + 2 + cl2, TOK_CLITIC);
                if (rc != NT_OK)
                    return rc;
                i += 2 + cl2;
            }
        }
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

static size_t nl_count(const tok_doc *d, size_t i) {
    size_t a = i ? d->toks[i - 1].end : 0, b = d->toks[i].start, n = 0;
    for (size_t k = a; k < b; k++)
        n += d->text[k] == '\n';
    return n;
}

/* True if token i (the one after a candidate boundary) may start a sentence. */
static int starts_sentence(const tok_doc *d, size_t i) {
    uint16_t f = d->toks[i].flags;
    return (f & (TOK_CAP | TOK_NUM | TOK_QUOTE)) || (f & TOK_PUNCT && d->text[d->toks[i].start] == '(');
}

static nt_err split_sentences(struct tk *t) {
    tok_doc *d = t->d;
    size_t cap = 64, n = 0, first = 0;
    tok_sentence *s = arena_alloc(t->a, cap * sizeof(*s));
    if (!s)
        return NT_ENOMEM;
    for (size_t i = 0; i < d->n_toks; i++) {
        int brk = 0;
        size_t last = i; /* last token of the current sentence if we break before i+1 */
        if (i + 1 < d->n_toks) {
            size_t nl = nl_count(d, i + 1);
            uint16_t nf = d->toks[i + 1].flags;
            if (nl >= 2)
                brk = 1;
            else if (nl == 1)
                brk = !((d->toks[i].flags & (TOK_LOWER | TOK_NUM)) && (nf & TOK_LOWER)) &&
                      !(d->toks[i].flags & TOK_PUNCT && d->text[d->toks[i].start] == ',');
            else if (is_terminal(d, i)) {
                size_t j = i + 1;
                while (j < d->n_toks && is_closer(d, j) && !(d->toks[j].flags & TOK_SPACE_BEFORE))
                    j++;
                while (j < d->n_toks && is_terminal(d, j))
                    j++;
                if (j < d->n_toks && (d->toks[j].flags & TOK_SPACE_BEFORE) &&
                    starts_sentence(d, j)) {
                    last = j - 1;
                    brk = 1;
                }
            } else if ((d->toks[i].flags & TOK_ABBREV) && (nf & TOK_CAP) &&
                       (nf & TOK_SPACE_BEFORE)) {
                /* "U.S. The": a dotted abbreviation that is not a title, before a word
                 * that usually starts sentences */
                nt_str w = tok_fold(d, i + 1);
                static const char *const starters[] = {"the", "he",  "she", "it",  "they",
                                                       "we",  "but", "in",  "this", "a"};
                nt_str ab = tok_text(d, i);
                if (!in_list(abbrev_title, NT_ARRAY_LEN(abbrev_title), ab.p, ab.n - 1))
                    for (size_t q = 0; q < NT_ARRAY_LEN(starters); q++)
                        if (nt_str_eq_c(w, starters[q]))
                            brk = 1;
            }
        }
        if (i + 1 == d->n_toks)
            brk = 1;
        if (brk) {
            if (n == cap) {
                tok_sentence *ns = arena_realloc(t->a, s, cap * sizeof(*s), 2 * cap * sizeof(*s));
                if (!ns)
                    return NT_ENOMEM;
                s = ns;
                cap *= 2;
            }
            s[n] = (tok_sentence){d->toks[first].start, d->toks[last].end, (uint32_t)first,
                                  (uint32_t)(last + 1 - first)};
            for (size_t k = first; k <= last; k++)
                d->toks[k].sent = (uint32_t)n;
            d->toks[first].flags |= TOK_SENT_START;
            n++;
            first = last + 1;
            i = last;
        }
    }
    d->sents = s;
    d->n_sents = n;
    return NT_OK;
}

nt_err tok_run(const char *text, size_t len, size_t max_tokens, arena *a, tok_doc *out) {
    struct tk t = {.s = text, .n = len, .a = a, .d = out, .max_tokens = max_tokens};
    memset(out, 0, sizeof(*out));
    out->text = text;
    out->len = len;
    if (len > UINT32_MAX / 4)
        return NT_ELIMIT;
    t.cap_fold = len * 3 + 16;
    out->fold = arena_alloc(a, t.cap_fold);
    if (!out->fold)
        return NT_ENOMEM;
    nt_err rc = scan_tokens(&t);
    if (rc != NT_OK)
        return rc;
    if (out->n_toks == 0)
        return NT_OK;
    return split_sentences(&t);
}
