/* utf8.c - strict UTF-8 validation (Unicode table 3-7), decoding and offset conversion.
 * The conversion is one forward pass over the text, so converting every offset of a
 * response costs O(text + offsets log offsets). */
#include "utf8.h"

#include <stdlib.h>

nt_err utf8_validate(const char *str, size_t n, size_t *bad_offset) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            *bad_offset = i;
            return NT_EINVAL;
        }
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n) {
                *bad_offset = i;
                return NT_EINVAL;
            }
            unsigned d = s[i + k];
            unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
            if (d < l || d > h) {
                *bad_offset = i;
                return NT_EINVAL;
            }
        }
        i += len;
    }
    return NT_OK;
}

int32_t utf8_decode(const char *str, size_t n, size_t i, size_t *len) {
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[i];
    if (c < 0x80 || i + 1 >= n) {
        *len = 1;
        return (int32_t)c;
    }
    if (c < 0xE0) {
        *len = 2;
        return (int32_t)(((c & 0x1F) << 6) | (s[i + 1] & 0x3F));
    }
    if (c < 0xF0 && i + 2 < n) {
        *len = 3;
        return (int32_t)(((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F));
    }
    if (i + 3 < n) {
        *len = 4;
        return (int32_t)(((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) |
                         ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F));
    }
    *len = 1;
    return (int32_t)c;
}

size_t utf8_encode(int32_t cp, char *out) {
    unsigned char *o = (unsigned char *)out;
    if (cp < 0)
        return 0;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return 0;
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

static size_t units_of_lead(unsigned char c, nt_unit unit) {
    if (unit == NT_UNIT_BYTE)
        return 1;
    if ((c & 0xC0) == 0x80)
        return 0; /* continuation byte */
    if (unit == NT_UNIT_UTF16 && c >= 0xF0)
        return 2; /* surrogate pair */
    return 1;
}

size_t utf8_count_units(const char *s, size_t byte_off, nt_unit unit) {
    if (unit == NT_UNIT_BYTE)
        return byte_off;
    size_t u = 0;
    for (size_t i = 0; i < byte_off; i++)
        u += units_of_lead((unsigned char)s[i], unit);
    return u;
}

struct off_ref {
    uint32_t off;
    uint32_t idx;
};

static int cmp_off(const void *a, const void *b) {
    const struct off_ref *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

void utf8_convert_offsets(const char *s, size_t n, nt_unit unit, uint32_t *offs,
                          size_t count) {
    if (unit == NT_UNIT_BYTE || count == 0)
        return;
    bool sorted = true;
    for (size_t i = 1; i < count; i++)
        if (offs[i] < offs[i - 1]) {
            sorted = false;
            break;
        }
    struct off_ref *refs = NULL;
    if (!sorted) {
        refs = malloc(count * sizeof(*refs));
        if (!refs) { /* fall back to one scan per offset: slower, still correct */
            for (size_t i = 0; i < count; i++)
                offs[i] = (uint32_t)utf8_count_units(s, offs[i] <= n ? offs[i] : n, unit);
            return;
        }
        for (size_t i = 0; i < count; i++)
            refs[i] = (struct off_ref){offs[i], (uint32_t)i};
        qsort(refs, count, sizeof(*refs), cmp_off);
    }
    size_t pos = 0, units = 0;
    for (size_t k = 0; k < count; k++) {
        size_t idx = refs ? refs[k].idx : k;
        size_t target = refs ? refs[k].off : offs[k];
        if (target > n)
            target = n;
        while (pos < target)
            units += units_of_lead((unsigned char)s[pos++], unit);
        offs[idx] = (uint32_t)units;
    }
    free(refs);
}
