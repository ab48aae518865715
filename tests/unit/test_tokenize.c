/* test_tokenize.c - tokens with byte offsets into the original text, shape flags,
 * sentence splitting, the max_tokens limit and an allocation-failure loop. Includes
 * src/tokenize.c (h2o style) to check the fast paths' class table and to run the general
 * path alone against tok_run(). */
#include "t.h"

#include "../../src/tokenize.c"

#include <stdio.h>

/* Tokenizes `s` and joins the original token texts with ' ' (offset-derived, so this
 * checks start/end too) into a static buffer. */
static const char *toks(const char *s) {
    static char buf[512];
    arena *a = arena_new(0);
    tok_doc d;
    size_t n = 0;
    buf[0] = 0;
    if (tok_run(s, strlen(s), 0, a, &d) != NT_OK) {
        arena_free(a);
        return "<error>";
    }
    for (size_t i = 0; i < d.n_toks; i++) {
        nt_str t = tok_text(&d, i);
        if (n + t.n + 2 >= sizeof(buf))
            break;
        if (i)
            buf[n++] = ' ';
        memcpy(buf + n, t.p, t.n);
        n += t.n;
    }
    buf[n] = 0;
    arena_free(a);
    return buf;
}

static size_t n_sents(const char *s) {
    arena *a = arena_new(0);
    tok_doc d;
    size_t n = tok_run(s, strlen(s), 0, a, &d) == NT_OK ? d.n_sents : 999;
    arena_free(a);
    return n;
}

static int t_abbrev(void) {
    T_EQ_STR(toks("the U.S. army"), "the U.S. army");
    T_EQ_STR(toks("Mr. Smith"), "Mr. Smith");
    T_EQ_STR(toks("Acme Inc. said"), "Acme Inc. said");
    T_EQ_STR(toks("He left."), "He left .");
    return 0;
}

static int t_clitics(void) {
    T_EQ_STR(toks("Daesh's fighters"), "Daesh 's fighters");
    T_EQ_STR(toks("didn't go"), "did n't go");
    T_EQ_STR(toks("didn\xE2\x80\x99t"), "did n\xE2\x80\x99t");
    T_EQ_STR(toks("O'Brien said"), "O'Brien said");
    T_EQ_STR(toks("they're here"), "they 're here");
    T_EQ_STR(toks("Da\xE2\x80\x99" "esh"), "Da\xE2\x80\x99" "esh");
    return 0;
}

static int t_offsets(void) {
    arena *a = arena_new(0);
    tok_doc d;
    const char *s = "Daesh's al-Qaeda";
    T_OK(tok_run(s, strlen(s), 0, a, &d));
    T_EQ_INT(d.n_toks, 5);
    T_EQ_INT(d.toks[0].start, 0); T_EQ_INT(d.toks[0].end, 5);
    T_EQ_INT(d.toks[1].start, 5); T_EQ_INT(d.toks[1].end, 7);
    T_TRUE(d.toks[1].flags & TOK_CLITIC);
    T_EQ_INT(d.toks[2].start, 8); T_EQ_INT(d.toks[2].end, 10);
    T_EQ_INT(d.toks[3].start, 10); T_EQ_INT(d.toks[3].end, 11);
    T_TRUE(d.toks[3].flags & TOK_HYPHEN);
    T_EQ_INT(d.toks[4].start, 11); T_EQ_INT(d.toks[4].end, 16);
    T_EQ_NSTR(tok_fold(&d, 4), "qaeda");
    T_EQ_NSTR(tok_fold(&d, 0), "daesh");
    arena_free(a);
    return 0;
}

static int t_numbers(void) {
    T_EQ_STR(toks("1,000 men"), "1,000 men");
    T_EQ_STR(toks("3.5 km"), "3.5 km");
    T_EQ_STR(toks("on 1996-08-30."), "on 1996-08-30 .");
    T_EQ_STR(toks("at 10:30"), "at 10:30");
    arena *a = arena_new(0);
    tok_doc d;
    T_OK(tok_run("1,000", 5, 0, a, &d));
    T_EQ_INT(d.n_toks, 1);
    T_TRUE(d.toks[0].flags & TOK_NUM);
    T_TRUE(!(d.toks[0].flags & TOK_WORD));
    arena_free(a);
    return 0;
}

static int t_unicode(void) {
    /* emoji alone, ZWJ family, flag-free: one token each */
    T_EQ_STR(toks("hi \xF0\x9F\x98\x80 there"), "hi \xF0\x9F\x98\x80 there");
    T_EQ_STR(toks("a \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 b"),
             "a \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 b");
    /* combining acute stays inside the word */
    T_EQ_STR(toks("Cafe\xCC\x81 open"), "Cafe\xCC\x81 open");
    /* NBSP separates words */
    T_EQ_STR(toks("New\xC2\xA0York"), "New York");
    /* curly quotes are their own tokens */
    T_EQ_STR(toks("\xE2\x80\x9CHi\xE2\x80\x9D"), "\xE2\x80\x9C Hi \xE2\x80\x9D");
    /* CRLF */
    T_EQ_STR(toks("one\r\ntwo"), "one two");
    arena *a = arena_new(0);
    tok_doc d;
    const char *s = "New\xC2\xA0York";
    T_OK(tok_run(s, strlen(s), 0, a, &d));
    T_EQ_INT(d.toks[1].start, 5);
    T_TRUE(d.toks[1].flags & TOK_SPACE_BEFORE);
    const char *q = "\xE2\x80\x9CHi\xE2\x80\x9D";
    T_OK(tok_run(q, strlen(q), 0, a, &d));
    T_TRUE(d.toks[0].flags & TOK_QUOTE);
    T_EQ_NSTR(tok_fold(&d, 0), "\"");
    arena_free(a);
    return 0;
}

static int t_sentences(void) {
    T_EQ_INT(n_sents("He left. She stayed."), 2);
    T_EQ_INT(n_sents("Mr. Smith left."), 1);
    T_EQ_INT(n_sents("Troops arrived in the U.S. The army said so."), 2);
    T_EQ_INT(n_sents("Dr. Jones met Gen. Lee in Washington."), 1);
    T_EQ_INT(n_sents("first part\n\nsecond part"), 2);
    T_EQ_INT(n_sents("Syria Talks Collapse\nDamascus said on Monday that talks failed."), 2);
    T_EQ_INT(n_sents("a line that wraps\nin the middle of a sentence."), 1);
    T_EQ_INT(n_sents("Line one.\r\nLine two.\r\n"), 2);
    T_EQ_INT(n_sents(""), 0);
    T_EQ_INT(n_sents("   \n  "), 0);
    arena *a = arena_new(0);
    tok_doc d;
    const char *s = "He left. She stayed.";
    T_OK(tok_run(s, strlen(s), 0, a, &d));
    T_EQ_INT(d.sents[0].start, 0);
    T_EQ_INT(d.sents[0].end, 8);
    T_EQ_INT(d.sents[0].tok_count, 3);
    T_EQ_INT(d.sents[1].start, 9);
    T_EQ_INT(d.sents[1].tok_first, 3);
    T_EQ_INT(d.toks[3].sent, 1);
    arena_free(a);
    return 0;
}

static int t_flags(void) {
    arena *a = arena_new(0);
    tok_doc d;
    const char *s = "NATO said it. Syria agreed";
    T_OK(tok_run(s, strlen(s), 0, a, &d));
    T_EQ_INT(d.n_toks, 6);
    T_TRUE(d.toks[0].flags & TOK_CAP);
    T_TRUE(d.toks[0].flags & TOK_ALLCAP);
    T_TRUE(d.toks[0].flags & TOK_SENT_START);
    T_TRUE(d.toks[1].flags & TOK_LOWER);
    T_TRUE(!(d.toks[1].flags & (TOK_CAP | TOK_ALLCAP | TOK_SENT_START)));
    T_TRUE(d.toks[3].flags & TOK_PUNCT);
    T_TRUE(d.toks[4].flags & TOK_CAP);
    T_TRUE(!(d.toks[4].flags & TOK_ALLCAP));
    T_TRUE(d.toks[4].flags & TOK_SENT_START);
    /* Turkish capital İ is a capital */
    const char *t = "\xC4\xB0stanbul";
    T_OK(tok_run(t, strlen(t), 0, a, &d));
    T_TRUE(d.toks[0].flags & TOK_CAP);
    T_EQ_NSTR(tok_fold(&d, 0), "istanbul");
    arena_free(a);
    return 0;
}

static int t_max_tokens(void) {
    arena *a = arena_new(0);
    tok_doc d;
    const char *s = "one two three four";
    T_EQ_INT(tok_run(s, strlen(s), 3, a, &d), NT_ELIMIT);
    T_OK(tok_run(s, strlen(s), 4, a, &d));
    T_EQ_INT(d.n_toks, 4);
    arena_free(a);
    return 0;
}

/* Fail allocation N = 0, 1, 2, … until tok_run succeeds; each failure must be NT_ENOMEM
 * (ASan reports any leak). The text needs > 256 tokens and > 64 sentences so every
 * growth path is hit. */
static int t_alloc_failure(void) {
    char text[4096];
    size_t n = 0;
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "Go now %d. ", i);
    size_t iters = 0;
    for (size_t k = 0;; k++) {
        arena *a = arena_new(0);
        tok_doc d;
        arena_fail_after(a, k);
        nt_err rc = tok_run(text, n, 0, a, &d);
        arena_free(a);
        if (rc == NT_OK)
            break;
        T_EQ_INT(rc, NT_ENOMEM);
        T_TRUE(++iters < 1000);
    }
    T_TRUE(iters >= 3); /* fold buffer, token growth, sentences */
    /* byte limit too */
    arena *a = arena_new(512);
    tok_doc d;
    T_EQ_INT(tok_run(text, n, 0, a, &d), NT_ENOMEM);
    arena_free(a);
    return 0;
}

/* The ASCII fast path (its own class table) must split exactly as norm_classify()
 * says: "x?y" is one token when ? is a letter, digit or apostrophe, two around a space
 * and three around punctuation or a symbol; and its folding lower-cases letters only. */
static int t_ascii_classes(void) {
    for (unsigned b = 1; b < 128; b++) {
        char s[4] = {'x', (char)b, 'y', 0};
        arena *a = arena_new(0);
        tok_doc d;
        T_EQ_INT(tok_run(s, 3, 0, a, &d), NT_OK);
        norm_class k = norm_class_ascii(b);
        size_t want = k == NORM_LETTER || k == NORM_DIGIT || b == '\'' || b == '`' ? 1
                      : k == NORM_SPACE                                             ? 2
                                                                                    : 3;
        if (d.n_toks != want)
            fprintf(stderr, "  byte 0x%02x\n", b);
        T_EQ_INT(d.n_toks, want);
        if (want == 1) {
            char f[4] = {'x', (char)(b >= 'A' && b <= 'Z' ? b + 32 : b == '`' ? '\'' : b), 'y', 0};
            T_EQ_NSTR(tok_fold(&d, 0), f);
        }
        arena_free(a);
    }
    return 0;
}

/* Newlines between tokens are counted (paragraph breaks split sentences). */
static int t_newlines(void) {
    arena *a = arena_new(0);
    tok_doc d;
    const char *s = "one\ntwo \n\n three\r\n\n\nfour";
    T_EQ_INT(tok_run(s, strlen(s), 0, a, &d), NT_OK);
    T_EQ_INT(d.n_toks, 4);
    T_EQ_INT(d.toks[0].nl, 0);
    T_EQ_INT(d.toks[1].nl, 1);
    T_EQ_INT(d.toks[2].nl, 2);
    T_EQ_INT(d.toks[3].nl, 3);
    T_EQ_INT(d.n_sents, 3); /* "one\ntwo" stays together: lower case on both sides */
    arena_free(a);
    return 0;
}

/* ascii_cls[] against norm_class_ascii() and the abbreviation lists, byte by byte. */
static int t_class_table(void) {
    for (unsigned b = 0; b < 256; b++) {
        unsigned c = ascii_cls[b];
        if (b >= 0x80) {
            T_EQ_INT(c, LK);
            continue;
        }
        norm_class k = norm_class_ascii(b);
        unsigned want = k == NORM_LETTER ? (b < 'a' ? AU : AL) : k == NORM_DIGIT ? AD : 0;
        if (k == NORM_SPACE && b != '\n')
            want |= BL;
        if (k == NORM_PUNCT && b != '\'')
            want |= PU;
        if (k == NORM_OTHER && b != 0 && b != '`')
            want |= SY;
        for (size_t q = 0; q < NT_ARRAY_LEN(abbrev_title); q++)
            want |= (unsigned char)abbrev_title[q][0] == b ? AB : 0;
        for (size_t q = 0; q < NT_ARRAY_LEN(abbrev_other); q++)
            want |= (unsigned char)abbrev_other[q][0] == b ? AB : 0;
        if (b && strchr("'`.,:/-", (int)b))
            want |= LK;
        if (c != want)
            fprintf(stderr, "  byte 0x%02x\n", b);
        T_EQ_INT(c, want);
    }
    return 0;
}

/* tok_run() with general_step() alone, no fast path. */
static nt_err run_general(const char *s, size_t n, arena *a, tok_doc *d) {
    struct tk t;
    nt_err rc = tk_init(&t, s, n, 0, a, d);
    size_t i = 0;
    uint16_t pre = TOK_SPACE_BEFORE | TOK_NL_BEFORE, nl = 0;
    while (rc == NT_OK && i < n)
        rc = general_step(&t, &i, &pre, &nl);
    if (rc == NT_OK && d->n_toks)
        rc = split_sentences(&t);
    return rc;
}

/* Tokens, folded forms and sentences of tok_run() and run_general() are identical. */
static int same_as_general(const char *s, size_t n) {
    arena *a = arena_new(0);
    tok_doc x, y;
    T_OK(tok_run(s, n, 0, a, &x));
    T_OK(run_general(s, n, a, &y));
    int ok = x.n_toks == y.n_toks && x.n_sents == y.n_sents;
    for (size_t i = 0; ok && i < x.n_toks; i++) {
        tok_token p = x.toks[i], q = y.toks[i];
        ok = p.start == q.start && p.end == q.end && p.fold_len == q.fold_len &&
             p.fold_off == q.fold_off && p.sent == q.sent && p.flags == q.flags &&
             p.nl == q.nl && !memcmp(x.fold + p.fold_off, y.fold + q.fold_off, p.fold_len);
    }
    for (size_t i = 0; ok && i < x.n_sents; i++)
        ok = !memcmp(&x.sents[i], &y.sents[i], sizeof(tok_sentence));
    arena_free(a);
    if (!ok)
        fprintf(stderr, "  differs on \"%.*s\" (%zu bytes)\n", (int)n, s, n);
    T_TRUE(ok);
    return 0;
}

/* The fast paths (ASCII words, numbers, abbreviations, one-byte marks) against the
 * general path: every pair and triple of tricky fragments, and every prefix that ends on
 * a code point boundary (text ending mid-word). */
static int t_fast_matches_general(void) {
#define F(s) {s, sizeof(s) - 1}
    static const nt_str frag[] = {
        F("U.S."), F("Mr."), F("Mr"), F("don't"), F("O'Brien"), F("1,000.5"), F("e.g."),
        F("\xE2\x80\xA6"), F("\""), F("'"), F("`"), F(")"), F("("), F("."), F("!"), F(","),
        F("-"), F(" "), F("\n"), F("\n\n"), F("\r\n"), F("\t"), F("\xC3\xA9t\xC3\xA9"),
        F("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9"), F("\xCC\x81"), F("\xC2\xA0"),
        F("\xE2\x80\x99"), F("\xD9\xA3"), F("a"), F("A"), F("He"), F("the"), F("Inc"),
        F("St"), F("vs"), F("J"), F("n"), F("t"), F("n't"), F("'s"), F("1996-08-30"),
        F("3"), F("5/"), F("1990s"), F("ABC"), F("\0"), F("\x01"), F("$"), F("\x7f")};
#undef F
    size_t nf = NT_ARRAY_LEN(frag);
    char buf[64];
    for (size_t a = 0; a < nf; a++)
        for (size_t b = 0; b < nf; b++)
            for (size_t c = 0; c <= nf; c++) { /* c == nf: the pair alone */
                size_t n = 0;
                memcpy(buf + n, frag[a].p, frag[a].n), n += frag[a].n;
                memcpy(buf + n, frag[b].p, frag[b].n), n += frag[b].n;
                if (c < nf)
                    memcpy(buf + n, frag[c].p, frag[c].n), n += frag[c].n;
                if (same_as_general(buf, n))
                    return 1;
            }
    static const char *const texts[] = {
        "The U.S. Army said on Monday that Mr. O'Brien didn't go. \"It's over,\" he said "
        "(in Paris). Prices rose 1,000.5% in 1996-08-30 vs. 3.5 e.g. etc. \xE2\x80\xA6 "
        "Gen. Lee's men; \xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80 U.N. J. Smith Corp.n't",
        "ALLCAPS HEADLINE\nSecond line.\n\nNew para?! Yes. 10:30 5- 7/ 8:x 9.. 1,a x1 1x"};
    for (size_t q = 0; q < NT_ARRAY_LEN(texts); q++) {
        size_t len = strlen(texts[q]);
        for (size_t n = 0; n <= len; n++)
            if ((n == len || ((unsigned char)texts[q][n] & 0xC0) != 0x80) &&
                same_as_general(texts[q], n))
                return 1;
    }
    return 0;
}

static const struct t_case cases[] = {
    {"abbreviations", t_abbrev},
    {"clitics_apostrophes", t_clitics},
    {"byte_offsets", t_offsets},
    {"numbers", t_numbers},
    {"unicode", t_unicode},
    {"sentences", t_sentences},
    {"flags", t_flags},
    {"max_tokens", t_max_tokens},
    {"alloc_failure_loop", t_alloc_failure},
    {"ascii_classes", t_ascii_classes},
    {"newline_counts", t_newlines},
    {"class_table", t_class_table},
    {"fast_matches_general", t_fast_matches_general},
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_tokenize");
}
