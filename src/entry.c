/* entry.c - parse, validate, pack and format dictionary entries (format in entry.h and
 * gazetteers/README.md). Parsing never trusts its input: every length is checked, and
 * decoding a record reads nothing past its end. */
#include "entry.h"

#include "utf8.h"

#include <stdio.h>
#include <string.h>

static void diag(ent_diag *d, int col, const char *field, const char *msg) {
    if (!d)
        return;
    d->col = col;
    snprintf(d->field, sizeof(d->field), "%s", field);
    snprintf(d->msg, sizeof(d->msg), "%s", msg);
}

static nt_str trim(nt_str s) {
    while (s.n && (s.p[0] == ' '))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

/* Splits `s` on `sep`; returns the count, writing at most `max` parts. */
static size_t split(nt_str s, char sep, nt_str *parts, size_t max) {
    size_t n = 0, start = 0;
    if (s.n == 0)
        return 0;
    for (size_t i = 0; i <= s.n; i++) {
        if (i == s.n || s.p[i] == sep) {
            if (n < max)
                parts[n] = (nt_str){s.p + start, i - start};
            n++;
            start = i + 1;
        }
    }
    return n;
}

static nt_err parse_aliases(nt_str f, arena *a, ent_entry *out, ent_diag *d, int col) {
    size_t n = split(f, '|', NULL, 0);
    if (n > ENT_MAX_ALIASES) {
        diag(d, col, "aliases", "too many aliases (at most 512)");
        return NT_EPARSE;
    }
    nt_str *parts = arena_alloc(a, (n ? n : 1) * sizeof(nt_str));
    out->aliases = arena_alloc(a, (n ? n : 1) * sizeof(ent_alias));
    if (!parts || !out->aliases)
        return NT_ENOMEM;
    split(f, '|', parts, n);
    out->n_aliases = 0;
    for (size_t i = 0; i < n; i++) {
        nt_str t = parts[i];
        nt_case mode = NT_CASE_TITLE;
        for (size_t k = t.n; k > 0; k--) {
            if (t.p[k - 1] == '@') {
                nt_str m = {t.p + k, t.n - k};
                if (nt_case_parse(m, &mode) != NT_OK) {
                    diag(d, col, "aliases", "bad case mode after '@' (exact, title or any)");
                    return NT_EPARSE;
                }
                t.n = k - 1;
                break;
            }
        }
        t = trim(t);
        if (t.n == 0) {
            diag(d, col, "aliases", "empty alias");
            return NT_EPARSE;
        }
        out->aliases[out->n_aliases++] = (ent_alias){t, mode};
    }
    return NT_OK;
}

static nt_err parse_attrs(nt_str f, arena *a, ent_entry *out, ent_diag *d, int col) {
    size_t n = split(f, ';', NULL, 0);
    if (n > ENT_MAX_ATTRS) {
        diag(d, col, "attributes", "too many attributes (at most 64)");
        return NT_EPARSE;
    }
    nt_str *parts = arena_alloc(a, (n ? n : 1) * sizeof(nt_str));
    out->attrs = arena_alloc(a, (n ? n : 1) * sizeof(ent_attr));
    if (!parts || !out->attrs)
        return NT_ENOMEM;
    split(f, ';', parts, n);
    out->n_attrs = 0;
    for (size_t i = 0; i < n; i++) {
        nt_str t = parts[i];
        const char *eq = memchr(t.p, '=', t.n);
        if (!eq) {
            diag(d, col, "attributes", "attribute without '=' (key=value;key=value)");
            return NT_EPARSE;
        }
        nt_str k = trim((nt_str){t.p, (size_t)(eq - t.p)});
        nt_str v = trim((nt_str){eq + 1, t.n - (size_t)(eq - t.p) - 1});
        out->attrs[out->n_attrs++] = (ent_attr){k, v};
    }
    return NT_OK;
}

nt_err ent_parse_tsv(nt_str line, arena *a, ent_entry *out, ent_diag *d) {
    nt_str f[6];
    memset(out, 0, sizeof(*out));
    if (line.n && line.p[line.n - 1] == '\r')
        line.n--;
    size_t n = split(line, '\t', f, 6);
    if (n != 6) {
        char m[96];
        snprintf(m, sizeof(m), "expected 6 tab-separated columns, found %zu", n);
        diag(d, 1, "line", m);
        return NT_EPARSE;
    }
    int col[6];
    col[0] = 1;
    for (int i = 1; i < 6; i++)
        col[i] = col[i - 1] + (int)f[i - 1].n + 1;
    out->id = trim(f[0]);
    if (nt_type_parse(trim(f[1]), &out->type) != NT_OK) {
        diag(d, col[1], "type", "unknown type (PERSON ORG LOC WEAPON NORP FAC MISC)");
        return NT_EPARSE;
    }
    out->subtype = trim(f[2]);
    out->name = trim(f[3]);
    nt_err rc = parse_aliases(f[4], a, out, d, col[4]);
    if (rc == NT_OK)
        rc = parse_attrs(f[5], a, out, d, col[5]);
    return rc;
}

static const char *type_prefix(nt_type t) {
    static const char *const p[NT_TYPE_COUNT] = {"person/", "org/", "loc/", "weapon/",
                                                 "norp/",   "fac/", "misc/"};
    return (unsigned)t < NT_TYPE_COUNT ? p[t] : "misc/";
}

static bool text_ok(nt_str s) {
    size_t bad;
    if (utf8_validate(s.p, s.n, &bad) != NT_OK)
        return false;
    for (size_t i = 0; i < s.n; i++)
        if ((unsigned char)s.p[i] < 0x20)
            return false;
    return true;
}

nt_err ent_validate(const ent_entry *e, ent_diag *d) {
    if (e->id.n < 3 || e->id.n > ENT_MAX_ID) {
        diag(d, 0, "id", "id must be 3 to 128 bytes");
        return NT_EINVAL;
    }
    for (size_t i = 0; i < e->id.n; i++) {
        char c = e->id.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '/' || c == '-')) {
            diag(d, (int)i + 1, "id", "id may contain only a-z 0-9 . _ / -");
            return NT_EINVAL;
        }
    }
    if ((unsigned)e->type >= NT_TYPE_COUNT) {
        diag(d, 0, "type", "unknown type");
        return NT_EINVAL;
    }
    const char *pre = type_prefix(e->type);
    if (e->id.n <= strlen(pre) || memcmp(e->id.p, pre, strlen(pre)) != 0) {
        char m[96];
        snprintf(m, sizeof(m), "id of a %s entry must start with '%s'", nt_type_name(e->type), pre);
        diag(d, 0, "id", m);
        return NT_EINVAL;
    }
    for (size_t i = 0; i < e->subtype.n; i++) {
        char c = e->subtype.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') || i >= 32) {
            diag(d, (int)i + 1, "subtype", "subtype must be one lower-case word [a-z0-9_], ≤ 32 bytes");
            return NT_EINVAL;
        }
    }
    if (e->name.n == 0 || e->name.n > ENT_MAX_TEXT || !text_ok(e->name)) {
        diag(d, 0, "name", "name must be non-empty UTF-8 text of at most 512 bytes");
        return NT_EINVAL;
    }
    if (e->n_aliases > ENT_MAX_ALIASES || e->n_attrs > ENT_MAX_ATTRS) {
        diag(d, 0, "aliases", "too many aliases or attributes");
        return NT_EINVAL;
    }
    for (size_t i = 0; i < e->n_aliases; i++) {
        const ent_alias *al = &e->aliases[i];
        if (al->text.n == 0 || al->text.n > ENT_MAX_TEXT || !text_ok(al->text) ||
            memchr(al->text.p, '|', al->text.n) || memchr(al->text.p, '@', al->text.n)) {
            diag(d, 0, "aliases", "every alias must be non-empty UTF-8 text of at most 512 bytes without '|' or '@'");
            return NT_EINVAL;
        }
        if ((unsigned)al->mode > NT_CASE_ANY) {
            diag(d, 0, "aliases", "bad case mode (exact, title or any)");
            return NT_EINVAL;
        }
    }
    for (size_t i = 0; i < e->n_attrs; i++) {
        const ent_attr *at = &e->attrs[i];
        bool ok = at->key.n > 0 && at->key.n <= 32 && at->val.n <= ENT_MAX_TEXT && text_ok(at->val);
        for (size_t k = 0; ok && k < at->key.n; k++) {
            char c = at->key.p[k];
            ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }
        if (ok && (memchr(at->val.p, ';', at->val.n) || memchr(at->val.p, '|', at->val.n)))
            ok = false;
        if (!ok) {
            diag(d, 0, "attributes", "attribute keys are [a-z0-9_] (≤ 32 bytes); values UTF-8 without ; or |");
            return NT_EINVAL;
        }
    }
    return NT_OK;
}

/* ---- record encoding ---- */

static size_t varint_put(char *p, uint32_t v) {
    size_t n = 0;
    do {
        unsigned char b = v & 0x7F;
        v >>= 7;
        p[n++] = (char)(b | (v ? 0x80 : 0));
    } while (v);
    return n;
}

static size_t str_put(char *p, nt_str s) {
    size_t n = varint_put(p, (uint32_t)s.n);
    if (s.n)
        memcpy(p + n, s.p, s.n);
    return n + s.n;
}

nt_err ent_encode(const ent_entry *e, arena *a, nt_str *out) {
    size_t cap = 16 + 3 * 5 + e->id.n + e->subtype.n + e->name.n;
    for (size_t i = 0; i < e->n_aliases; i++)
        cap += 6 + e->aliases[i].text.n;
    for (size_t i = 0; i < e->n_attrs; i++)
        cap += 10 + e->attrs[i].key.n + e->attrs[i].val.n;
    char *p = arena_alloc(a, cap);
    if (!p)
        return NT_ENOMEM;
    size_t n = 0;
    p[n++] = 1;
    p[n++] = (char)e->origin;
    p[n++] = (char)e->type;
    p[n++] = 0;
    n += str_put(p + n, e->id);
    n += str_put(p + n, e->subtype);
    n += str_put(p + n, e->name);
    n += varint_put(p + n, (uint32_t)e->n_aliases);
    for (size_t i = 0; i < e->n_aliases; i++) {
        p[n++] = (char)e->aliases[i].mode;
        n += str_put(p + n, e->aliases[i].text);
    }
    n += varint_put(p + n, (uint32_t)e->n_attrs);
    for (size_t i = 0; i < e->n_attrs; i++) {
        n += str_put(p + n, e->attrs[i].key);
        n += str_put(p + n, e->attrs[i].val);
    }
    *out = (nt_str){p, n};
    return NT_OK;
}

typedef struct rd {
    const unsigned char *p;
    size_t n, i;
    bool bad;
} rd;

static uint32_t rd_varint(rd *r) {
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (r->i >= r->n) {
            r->bad = true;
            return 0;
        }
        unsigned char b = r->p[r->i++];
        v |= (uint32_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

static nt_str rd_str(rd *r) {
    uint32_t len = rd_varint(r);
    if (r->bad || len > r->n - r->i) {
        r->bad = true;
        return (nt_str){"", 0};
    }
    nt_str s = {(const char *)r->p + r->i, len};
    r->i += len;
    return s;
}

static uint8_t rd_u8(rd *r) {
    if (r->i >= r->n) {
        r->bad = true;
        return 0;
    }
    return r->p[r->i++];
}

nt_err ent_decode(nt_str rec, arena *a, ent_entry *out) {
    rd r = {(const unsigned char *)rec.p, rec.n, 0, false};
    memset(out, 0, sizeof(*out));
    if (rd_u8(&r) != 1)
        return NT_ECORRUPT;
    out->origin = rd_u8(&r);
    out->type = (nt_type)rd_u8(&r);
    rd_u8(&r);
    out->id = rd_str(&r);
    out->subtype = rd_str(&r);
    out->name = rd_str(&r);
    uint32_t na = rd_varint(&r);
    if (r.bad || na > ENT_MAX_ALIASES || (unsigned)out->type >= NT_TYPE_COUNT)
        return NT_ECORRUPT;
    out->aliases = arena_alloc(a, (na ? na : 1) * sizeof(ent_alias));
    if (!out->aliases)
        return NT_ENOMEM;
    for (uint32_t i = 0; i < na; i++) {
        out->aliases[i].mode = (nt_case)rd_u8(&r);
        out->aliases[i].text = rd_str(&r);
        if (out->aliases[i].mode > NT_CASE_ANY)
            r.bad = true;
    }
    out->n_aliases = na;
    uint32_t nt = rd_varint(&r);
    if (r.bad || nt > ENT_MAX_ATTRS)
        return NT_ECORRUPT;
    out->attrs = arena_alloc(a, (nt ? nt : 1) * sizeof(ent_attr));
    if (!out->attrs)
        return NT_ENOMEM;
    for (uint32_t i = 0; i < nt; i++) {
        out->attrs[i].key = rd_str(&r);
        out->attrs[i].val = rd_str(&r);
    }
    out->n_attrs = nt;
    return r.bad || r.i != r.n ? NT_ECORRUPT : NT_OK;
}

nt_err ent_format_tsv(const ent_entry *e, arena *a, nt_str *out) {
    size_t cap = 64 + e->id.n + e->subtype.n + e->name.n;
    for (size_t i = 0; i < e->n_aliases; i++)
        cap += 8 + e->aliases[i].text.n;
    for (size_t i = 0; i < e->n_attrs; i++)
        cap += 2 + e->attrs[i].key.n + e->attrs[i].val.n;
    char *p = arena_alloc(a, cap);
    if (!p)
        return NT_ENOMEM;
    size_t n = 0;
#define PUT(s)                                                                           \
    do {                                                                                 \
        memcpy(p + n, (s).p, (s).n);                                                     \
        n += (s).n;                                                                      \
    } while (0)
#define PUTC(c) (p[n++] = (c))
    PUT(e->id);
    PUTC('\t');
    PUT(nt_str_c(nt_type_name(e->type)));
    PUTC('\t');
    PUT(e->subtype);
    PUTC('\t');
    PUT(e->name);
    PUTC('\t');
    for (size_t i = 0; i < e->n_aliases; i++) {
        if (i)
            PUTC('|');
        PUT(e->aliases[i].text);
        if (e->aliases[i].mode != NT_CASE_TITLE) {
            PUTC('@');
            PUT(nt_str_c(nt_case_name(e->aliases[i].mode)));
        }
    }
    PUTC('\t');
    for (size_t i = 0; i < e->n_attrs; i++) {
        if (i)
            PUTC(';');
        PUT(e->attrs[i].key);
        PUTC('=');
        PUT(e->attrs[i].val);
    }
#undef PUT
#undef PUTC
    *out = (nt_str){p, n};
    return NT_OK;
}

nt_str ent_attr_get(const ent_entry *e, const char *key) {
    for (size_t i = 0; i < e->n_attrs; i++)
        if (nt_str_eq_c(e->attrs[i].key, key))
            return e->attrs[i].val;
    return (nt_str){NULL, 0};
}

static nt_str dup_str(arena *a, nt_str s, bool *oom) {
    char *p = arena_strndup(a, s.p ? s.p : "", s.n);
    if (!p)
        *oom = true;
    return (nt_str){p ? p : "", p ? s.n : 0};
}

nt_err ent_copy(const ent_entry *e, arena *a, ent_entry *out) {
    bool oom = false;
    ent_entry x = *e;
    x.id = dup_str(a, e->id, &oom);
    x.subtype = dup_str(a, e->subtype, &oom);
    x.name = dup_str(a, e->name, &oom);
    x.aliases = arena_calloc(a, e->n_aliases ? e->n_aliases : 1, sizeof(ent_alias));
    x.attrs = arena_calloc(a, e->n_attrs ? e->n_attrs : 1, sizeof(ent_attr));
    if (!x.aliases || !x.attrs)
        return NT_ENOMEM;
    for (size_t i = 0; i < e->n_aliases; i++) {
        x.aliases[i].mode = e->aliases[i].mode;
        x.aliases[i].text = dup_str(a, e->aliases[i].text, &oom);
    }
    for (size_t i = 0; i < e->n_attrs; i++) {
        x.attrs[i].key = dup_str(a, e->attrs[i].key, &oom);
        x.attrs[i].val = dup_str(a, e->attrs[i].val, &oom);
    }
    if (oom)
        return NT_ENOMEM;
    *out = x;
    return NT_OK;
}
