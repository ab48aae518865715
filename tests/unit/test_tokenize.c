/* test_tokenize.c - tokens with byte offsets into the original text, shape flags,
 * sentence splitting, the max_tokens limit and an allocation-failure loop. */
#include "t.h"
#include "normalize.h"
#include "tokenize.h"

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
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_tokenize");
}
