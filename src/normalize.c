/* normalize.c - code point folding with utf8proc plus a few explicit mappings utf8proc
 * does not make (dotless i, ø, ł, đ, æ, œ, þ; quote and dash variants). ASCII takes a
 * fast path. utf8proc.h is included only here. */
#include "normalize.h"

#include "utf8.h"

#include <string.h>
#include <utf8proc.h>

bool norm_is_apostrophe(int32_t cp) {
    switch (cp) {
        case '\'': case 0x2019: case 0x2018: case 0x201B: case 0x02BC: case 0x02BB:
        case '`': case 0x00B4: case 0x2032:
            return true;
        default:
            return false;
    }
}

bool norm_is_dash(int32_t cp) {
    return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 ||
           cp == 0xFE63 || cp == 0xFF0D;
}

static bool is_dquote(int32_t cp) {
    return cp == '"' || cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x201F ||
           cp == 0x00AB || cp == 0x00BB || cp == 0x2033;
}

static bool is_ignorable(int32_t cp) {
    return cp == 0x00AD || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 ||
           cp == 0xFEFF || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

static const char *special_fold(int32_t cp) {
    switch (cp) {
        case 0x0131: return "i";  /* dotless i */
        case 0x00D8: case 0x00F8: return "o";
        case 0x0141: case 0x0142: return "l";
        case 0x0110: case 0x0111: return "d";
        case 0x00C6: case 0x00E6: return "ae";
        case 0x0152: case 0x0153: return "oe";
        case 0x00DE: case 0x00FE: return "th";
        case 0x00DF: case 0x1E9E: return "ss";
        default: return NULL;
    }
}

size_t norm_fold_cp(int32_t cp, char *out) {
    if (cp < 0x80) {
        out[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : (cp == '`' ? '\'' : cp));
        return 1;
    }
    if (norm_is_apostrophe(cp)) {
        out[0] = '\'';
        return 1;
    }
    if (is_dquote(cp)) {
        out[0] = '"';
        return 1;
    }
    if (norm_is_dash(cp)) {
        out[0] = '-';
        return 1;
    }
    if (is_ignorable(cp))
        return 0;
    const char *sp = special_fold(cp);
    if (sp) {
        size_t n = strlen(sp);
        memcpy(out, sp, n);
        return n;
    }
    utf8proc_int32_t buf[8];
    int last = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(
        cp, buf, 8,
        UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK |
            UTF8PROC_IGNORE,
        &last);
    if (k < 0 || k > 8)
        return utf8_encode(cp, out);
    size_t n = 0;
    for (utf8proc_ssize_t i = 0; i < k && n + 4 <= NORM_MAX_FOLD; i++) {
        int32_t c = buf[i];
        const char *s2 = special_fold(c);
        if (s2) {
            size_t m = strlen(s2);
            memcpy(out + n, s2, m);
            n += m;
        } else if (norm_is_apostrophe(c)) {
            out[n++] = '\'';
        } else if (norm_is_dash(c)) {
            out[n++] = '-';
        } else {
            n += utf8_encode(c, out + n);
        }
    }
    return n;
}

nt_err norm_fold(const char *s, size_t n, arena *a, nt_str *out) {
    size_t cap = n * 3 + 1, len = 0;
    char *buf = arena_alloc(a, cap);
    if (!buf)
        return NT_ENOMEM;
    for (size_t i = 0; i < n;) {
        size_t cl;
        int32_t cp = utf8_decode(s, n, i, &cl);
        char tmp[NORM_MAX_FOLD];
        size_t k = norm_fold_cp(cp, tmp);
        if (len + k + 1 > cap) {
            size_t ncap = cap * 2 + k;
            char *nb = arena_realloc(a, buf, cap, ncap);
            if (!nb)
                return NT_ENOMEM;
            buf = nb;
            cap = ncap;
        }
        memcpy(buf + len, tmp, k);
        len += k;
        i += cl;
    }
    buf[len] = 0;
    *out = (nt_str){buf, len};
    return NT_OK;
}

norm_class norm_classify(int32_t cp) {
    if (cp < 0x80)
        return cp < 0 ? NORM_OTHER : norm_class_ascii((unsigned)cp);
    switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
            return NORM_LETTER;
        case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
            return NORM_MARK;
        case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
            return NORM_DIGIT;
        case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
            return NORM_SPACE;
        case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
        case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
        case UTF8PROC_CATEGORY_PO:
            return NORM_PUNCT;
        case UTF8PROC_CATEGORY_CF:
            return is_ignorable(cp) ? NORM_MARK : NORM_OTHER;
        default:
            return NORM_OTHER;
    }
}

bool norm_is_upper(int32_t cp) {
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

bool norm_is_lower(int32_t cp) {
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}
