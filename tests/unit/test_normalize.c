/* test_normalize.c - per-code-point folding and classification: case folding with the
 * special letters utf8proc leaves alone, diacritics, quotes, dashes, marks, ligatures. */
#include "normalize.h"
#include "t.h"

/* Folds `s` into a static buffer and returns it as a C string. */
static const char *fold(const char *s) {
    static char buf[256];
    arena *a = arena_new(0);
    nt_str out = {0};
    buf[0] = 0;
    if (a && norm_fold(s, strlen(s), a, &out) == NT_OK && out.n < sizeof(buf)) {
        memcpy(buf, out.p, out.n);
        buf[out.n] = 0;
    } else {
        strcpy(buf, "<error>");
    }
    arena_free(a);
    return buf;
}

static int t_case_special(void) {
    T_EQ_STR(fold("\xC4\xB0stanbul"), "istanbul"); /* İ */
    T_EQ_STR(fold("\xC4\xB1zmir"), "izmir");       /* dotless ı */
    T_EQ_STR(fold("Stra\xC3\x9F" "e"), "strasse");  /* ß */
    T_EQ_STR(fold("\xE1\xBA\x9E"), "ss");           /* capital ẞ */
    T_EQ_STR(fold("ABC xyz"), "abc xyz");
    return 0;
}

static int t_diacritics(void) {
    T_EQ_STR(fold("caf\xC3\xA9"), "cafe");                 /* é */
    T_EQ_STR(fold("\xC5\x9E" "anl\xC4\xB1" "urfa"), "sanliurfa"); /* Ş ı */
    T_EQ_STR(fold("K\xC3\xB8" "benhavn"), "kobenhavn");    /* ø */
    T_EQ_STR(fold("\xC5\x81\xC3\xB3" "d\xC5\xBA"), "lodz"); /* Łódź */
    T_EQ_STR(fold("Raqq\xC3\xA1"), "raqqa");
    return 0;
}

static int t_combining(void) {
    T_EQ_STR(fold("Cafe\xCC\x81"), "cafe");       /* e + U+0301 */
    T_EQ_STR(fold("n\xCC\x83" "a"), "na");        /* n + U+0303 */
    char buf[NORM_MAX_FOLD];
    T_EQ_INT(norm_fold_cp(0x0301, buf), 0);
    T_EQ_INT(norm_fold_cp(0x200D, buf), 0); /* ZWJ ignorable */
    T_EQ_INT(norm_fold_cp(0x00AD, buf), 0); /* soft hyphen */
    T_EQ_INT(norm_classify(0x0301), NORM_MARK);
    return 0;
}

static int t_quotes_dashes(void) {
    T_EQ_STR(fold("Da\xE2\x80\x99" "esh"), "da'esh");        /* ’ */
    T_EQ_STR(fold("\xE2\x80\x98x\xE2\x80\x99"), "'x'");      /* ‘ ’ */
    T_EQ_STR(fold("\xE2\x80\x9Cq\xE2\x80\x9D"), "\"q\"");    /* “ ” */
    T_EQ_STR(fold("a\xE2\x80\x93" "b\xE2\x80\x94" "c"), "a-b-c"); /* – — */
    T_EQ_STR(fold("x\xE2\x88\x92y"), "x-y");                  /* minus sign */
    T_TRUE(norm_is_apostrophe(0x2019));
    T_TRUE(norm_is_dash(0x2014));
    T_TRUE(!norm_is_dash('a'));
    return 0;
}

static int t_classify(void) {
    T_EQ_INT(norm_classify(0x00A0), NORM_SPACE); /* NBSP */
    T_EQ_INT(norm_classify(0x2009), NORM_SPACE); /* thin space */
    T_EQ_INT(norm_classify('\t'), NORM_SPACE);
    T_EQ_INT(norm_classify('A'), NORM_LETTER);
    T_EQ_INT(norm_classify(0x0628), NORM_LETTER); /* Arabic beh */
    T_EQ_INT(norm_classify('7'), NORM_DIGIT);
    T_EQ_INT(norm_classify(0x0663), NORM_DIGIT); /* Arabic-Indic 3 */
    T_EQ_INT(norm_classify('.'), NORM_PUNCT);
    T_EQ_INT(norm_classify(0x1F600), NORM_OTHER);
    T_TRUE(norm_is_upper(0x0130) && !norm_is_lower(0x0130));
    T_TRUE(norm_is_lower(0x00DF));
    return 0;
}

static int t_ligature(void) {
    T_EQ_STR(fold("\xEF\xAC\x81" "nance"), "finance"); /* ﬁ */
    T_EQ_STR(fold("\xEF\xBC\xA1"), "a");                /* fullwidth Ａ */
    return 0;
}

static const struct t_case cases[] = {
    {"case_special_letters", t_case_special},
    {"diacritics", t_diacritics},
    {"combining_marks", t_combining},
    {"quotes_dashes", t_quotes_dashes},
    {"classify_nbsp_space", t_classify},
    {"ligature_compat", t_ligature},
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_normalize");
}
