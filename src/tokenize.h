/* tokenize.h - text → tokens and sentences. Tokens carry byte offsets into the ORIGINAL
 * text, shape flags read off the original, and a folded form (normalize.h) used by the
 * matcher. Words are runs of letters, marks and digits; clitics ('s 're n't …) and every
 * punctuation mark are tokens of their own; "U.S.", "Mr." and numbers such as "1,000" or
 * "1996-08-30" are single tokens. All memory comes from the caller's arena. */
#ifndef NT_TOKENIZE_H
#define NT_TOKENIZE_H

#include "arena.h"
#include "newstag.h"

enum tok_flag {
    TOK_WORD = 1 << 0,        /* has a letter */
    TOK_NUM = 1 << 1,         /* starts with a digit */
    TOK_PUNCT = 1 << 2,       /* one punctuation code point */
    TOK_HYPHEN = 1 << 3,      /* a dash */
    TOK_CAP = 1 << 4,         /* first letter upper/title case */
    TOK_ALLCAP = 1 << 5,      /* ≥ 1 letter and no lower-case letter */
    TOK_SPACE_BEFORE = 1 << 6,/* whitespace (or text start) precedes */
    TOK_NL_BEFORE = 1 << 7,   /* a line break precedes */
    TOK_SENT_START = 1 << 8,  /* first token of a sentence */
    TOK_ABBREV = 1 << 9,      /* ends with '.' that is part of the word (Mr. U.S.) */
    TOK_CLITIC = 1 << 10,     /* 's 're 've 'll 'd 'm n't */
    TOK_QUOTE = 1 << 11,      /* a quotation mark or apostrophe on its own */
    TOK_SYMBOL = 1 << 12,     /* emoji, symbol, control */
    TOK_LOWER = 1 << 13,      /* first letter lower case */
};

typedef struct tok_token {
    uint32_t start, end;   /* byte span in the original text, half-open */
    uint32_t fold_off;     /* folded form: doc->fold + fold_off, fold_len bytes */
    uint32_t fold_len;
    uint32_t sent;         /* index of its sentence */
    uint16_t flags;        /* enum tok_flag */
    uint16_t nl;           /* '\n' bytes between the previous token and this one (saturates) */
} tok_token;

typedef struct tok_sentence {
    uint32_t start, end;   /* byte span from its first token to its last */
    uint32_t tok_first;    /* index of its first token */
    uint32_t tok_count;
} tok_sentence;

typedef struct tok_doc {
    const char *text;      /* borrowed: the caller's text */
    size_t len;
    tok_token *toks;       /* arena */
    size_t n_toks;
    tok_sentence *sents;   /* arena */
    size_t n_sents;
    char *fold;            /* arena: all folded forms back to back */
} tok_doc;

/* Tokenizes valid UTF-8 `text` (validate first: utf8_validate). `max_tokens` bounds the
 * work (0 = no limit): NT_ELIMIT past it. Everything in *out lives in `a` and borrows
 * `text`. NT_ENOMEM when the arena is exhausted. */
nt_err tok_run(const char *text, size_t len, size_t max_tokens, arena *a, tok_doc *out);

/* The folded form of token i; borrowed from doc. */
static inline nt_str tok_fold(const tok_doc *d, size_t i) {
    return (nt_str){d->fold + d->toks[i].fold_off, d->toks[i].fold_len};
}
/* The original bytes of token i; borrowed from doc->text. */
static inline nt_str tok_text(const tok_doc *d, size_t i) {
    return (nt_str){d->text + d->toks[i].start, d->toks[i].end - d->toks[i].start};
}

#endif
