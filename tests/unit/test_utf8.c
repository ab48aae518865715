/* test_utf8.c - utf8_validate (exact offset of the first bad sequence), decode/encode
 * round trip, and offset conversion to chars and UTF-16 units. */
#include "t.h"
#include "utf8.h"

static int bad_at(const char *s, size_t n, size_t *off) {
    *off = 999;
    return utf8_validate(s, n, off);
}

static int t_valid(void) {
    size_t off = 7;
    const char s[] = "ascii \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF";
    T_OK(utf8_validate(s, sizeof(s) - 1, &off));
    T_OK(utf8_validate("", 0, &off));
    T_OK(utf8_validate("a\0b", 3, &off)); /* NUL is valid UTF-8 */
    return 0;
}

static int t_overlong(void) {
    size_t off;
    T_EQ_INT(bad_at("ab\xC0\xAF", 4, &off), NT_EINVAL);
    T_EQ_INT(off, 2);
    T_EQ_INT(bad_at("x\xC1\xBF", 3, &off), NT_EINVAL);
    T_EQ_INT(off, 1);
    T_EQ_INT(bad_at("xyz\xE0\x80\xAF", 6, &off), NT_EINVAL); /* 3-byte overlong '/' */
    T_EQ_INT(off, 3);
    T_EQ_INT(bad_at("\xF0\x8F\xBF\xBF", 4, &off), NT_EINVAL); /* 4-byte overlong */
    T_EQ_INT(off, 0);
    return 0;
}

static int t_surrogate(void) {
    size_t off;
    T_EQ_INT(bad_at("ok \xED\xA0\x80", 6, &off), NT_EINVAL); /* U+D800 */
    T_EQ_INT(off, 3);
    T_EQ_INT(bad_at("\xED\xBF\xBF", 3, &off), NT_EINVAL); /* U+DFFF */
    T_EQ_INT(off, 0);
    T_OK(utf8_validate("\xED\x9F\xBF", 3, &off)); /* U+D7FF is fine */
    return 0;
}

static int t_truncated(void) {
    size_t off;
    T_EQ_INT(bad_at("abc\xE2\x82", 5, &off), NT_EINVAL);
    T_EQ_INT(off, 3);
    T_EQ_INT(bad_at("\xF0\x9F\x98", 3, &off), NT_EINVAL);
    T_EQ_INT(off, 0);
    T_EQ_INT(bad_at("ab\xC3", 3, &off), NT_EINVAL);
    T_EQ_INT(off, 2);
    return 0;
}

static int t_too_big(void) {
    size_t off;
    T_EQ_INT(bad_at("a\xF4\x90\x80\x80", 5, &off), NT_EINVAL); /* U+110000 */
    T_EQ_INT(off, 1);
    T_EQ_INT(bad_at("aa\xF5\x80\x80\x80", 6, &off), NT_EINVAL);
    T_EQ_INT(off, 2);
    T_EQ_INT(bad_at("\xFF", 1, &off), NT_EINVAL);
    T_EQ_INT(off, 0);
    return 0;
}

static int t_bad_continuation(void) {
    size_t off;
    T_EQ_INT(bad_at("\xC3\xA9\xC3(", 4, &off), NT_EINVAL); /* é then C3 '(' */
    T_EQ_INT(off, 2);
    T_EQ_INT(bad_at("abcd\x80", 5, &off), NT_EINVAL); /* lone continuation */
    T_EQ_INT(off, 4);
    T_EQ_INT(bad_at("\xE2\x82(", 3, &off), NT_EINVAL); /* bad third byte */
    T_EQ_INT(off, 0);
    return 0;
}

static int t_roundtrip(void) {
    static const int32_t cps[] = {0,      0x41,   0x7F,    0x80,    0x7FF,   0x800,
                                  0xD7FF, 0xE000, 0xFFFD,  0xFFFF,  0x10000, 0x1F600,
                                  0x10FFFF};
    for (size_t i = 0; i < NT_ARRAY_LEN(cps); i++) {
        char buf[4];
        size_t n = utf8_encode(cps[i], buf), len = 0, off;
        T_TRUE(n >= 1 && n <= 4);
        T_OK(utf8_validate(buf, n, &off));
        T_EQ_INT(utf8_decode(buf, n, 0, &len), cps[i]);
        T_EQ_INT(len, n);
    }
    char buf[4];
    T_EQ_INT(utf8_encode(0xD800, buf), 0);
    T_EQ_INT(utf8_encode(0x110000, buf), 0);
    T_EQ_INT(utf8_encode(-1, buf), 0);
    return 0;
}

/* "aé😀b": bytes a=0 é=1..3 😀=3..7 b=7 end=8 */
static const char MIX[] = "a\xC3\xA9\xF0\x9F\x98\x80" "b";

static int t_convert_sorted(void) {
    uint32_t o[] = {0, 1, 3, 7, 8};
    utf8_convert_offsets(MIX, 8, NT_UNIT_CHAR, o, 5);
    T_EQ_INT(o[0], 0); T_EQ_INT(o[1], 1); T_EQ_INT(o[2], 2); T_EQ_INT(o[3], 3);
    T_EQ_INT(o[4], 4);
    uint32_t u[] = {0, 1, 3, 7, 8};
    utf8_convert_offsets(MIX, 8, NT_UNIT_UTF16, u, 5);
    T_EQ_INT(u[0], 0); T_EQ_INT(u[1], 1); T_EQ_INT(u[2], 2); T_EQ_INT(u[3], 4);
    T_EQ_INT(u[4], 5); /* the emoji is a surrogate pair */
    uint32_t b[] = {3, 7};
    utf8_convert_offsets(MIX, 8, NT_UNIT_BYTE, b, 2);
    T_EQ_INT(b[0], 3); T_EQ_INT(b[1], 7);
    return 0;
}

static int t_convert_unsorted(void) {
    uint32_t u[] = {8, 3, 0, 7, 1, 7};
    utf8_convert_offsets(MIX, 8, NT_UNIT_UTF16, u, 6);
    T_EQ_INT(u[0], 5); T_EQ_INT(u[1], 2); T_EQ_INT(u[2], 0); T_EQ_INT(u[3], 4);
    T_EQ_INT(u[4], 1); T_EQ_INT(u[5], 4);
    uint32_t c[] = {7, 1};
    utf8_convert_offsets(MIX, 8, NT_UNIT_CHAR, c, 2);
    T_EQ_INT(c[0], 3); T_EQ_INT(c[1], 1);
    T_EQ_INT(utf8_count_units(MIX, 7, NT_UNIT_UTF16), 4);
    T_EQ_INT(utf8_count_units(MIX, 7, NT_UNIT_CHAR), 3);
    return 0;
}

static const struct t_case cases[] = {
    {"valid_and_nul", t_valid},
    {"overlong", t_overlong},
    {"surrogate", t_surrogate},
    {"truncated", t_truncated},
    {"above_10ffff", t_too_big},
    {"bad_continuation", t_bad_continuation},
    {"encode_decode_roundtrip", t_roundtrip},
    {"convert_sorted", t_convert_sorted},
    {"convert_unsorted", t_convert_unsorted},
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_utf8");
}
