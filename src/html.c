/* html.c - text extraction with gumbo (html.h). Each text node is re-aligned with its
 * original source bytes: a character reference ("&amp;", "&#8217;") maps its decoded code
 * point to the whole reference; every other byte maps 1:1. Breaks inserted for block
 * elements map to the element's start. */
#include "html.h"

#include "utf8.h"

#include <gumbo.h>
#include <string.h>
#include <strings.h>

typedef struct hx {
    arena *a;
    const char *src;
    size_t n;
    char *text;
    uint32_t *map, *emap;
    size_t len, cap;
    bool err;
} hx;

static bool grow(hx *h, size_t more) {
    if (h->len + more + 1 <= h->cap)
        return true;
    size_t nc = (h->cap ? h->cap * 2 : 4096) + more;
    char *t = arena_realloc(h->a, h->text, h->cap, nc);
    uint32_t *m = arena_alloc(h->a, (nc + 1) * sizeof(uint32_t));
    uint32_t *e = arena_alloc(h->a, (nc + 1) * sizeof(uint32_t));
    if (!t || !m || !e) {
        h->err = true;
        return false;
    }
    if (h->len) {
        memcpy(m, h->map, h->len * sizeof(uint32_t));
        memcpy(e, h->emap, (h->len + 1) * sizeof(uint32_t));
    }
    h->text = t;
    h->map = m;
    h->emap = e;
    h->cap = nc;
    return true;
}

/* Appends bytes p[0..k) of decoded text that stand for source bytes [s0, s1). */
static void put(hx *h, const char *p, size_t k, uint32_t s0, uint32_t s1) {
    if (!grow(h, k))
        return;
    for (size_t i = 0; i < k; i++) {
        h->text[h->len] = p[i];
        h->map[h->len] = s0;
        h->len++;
        h->emap[h->len] = i + 1 == k ? s1 : s0;
    }
}

static void brk(hx *h, uint32_t at) {
    if (h->len == 0 || (h->len >= 2 && h->text[h->len - 1] == '\n' && h->text[h->len - 2] == '\n'))
        return;
    put(h, "\n\n", 2, at, at);
}

/* gumbo 0.10 decodes an overflowing hex reference ("&#xEEEEEEEEEEEE3F6") to a stray
 * byte (0xF6) that is not UTF-8 (found by tests/fuzz/fuzz_html.c). The tagger needs
 * valid UTF-8, so such text gets each bad byte replaced by U+FFFD (a copy in the arena;
 * linear: each validation stops at the next bad byte). NULL on OOM. */
static const char *valid_text(hx *h, const char *s, size_t *n) {
    size_t bad, pos = 0, len = 0;
    char *out;

    if (utf8_validate(s, *n, &bad) == NT_OK)
        return s;
    out = arena_alloc(h->a, *n * 3 + 1);
    if (!out)
        return NULL;
    while (pos < *n) {
        if (utf8_validate(s + pos, *n - pos, &bad) == NT_OK)
            bad = *n - pos;
        memcpy(out + len, s + pos, bad);
        len += bad;
        pos += bad;
        if (pos < *n) {
            memcpy(out + len, "\xEF\xBF\xBD", 3);
            len += 3;
            pos++;
        }
    }
    out[len] = '\0';
    *n = len;
    return out;
}

static void text_node(hx *h, const GumboText *t) {
    const char *dec = t->text, *orig = t->original_text.data;
    size_t dn = strlen(dec), on = t->original_text.length, i = 0, j = 0;
    uint32_t base = (uint32_t)t->start_pos.offset;
    if (!orig || (size_t)base + on > h->n) {
        return; /* defensive: gumbo always points into the source */
    }
    dec = valid_text(h, dec, &dn);
    if (!dec) {
        h->err = true;
        return;
    }
    while (j < dn && i < on) {
        size_t cl;
        if (orig[i] == '&') {
            size_t semi = i + 1;
            /* a reference is ASCII letters, digits and '#': stopping at anything else
             * keeps ref_end on a code point boundary (found by fuzz_html) */
            while (semi < on && semi - i < 40 &&
                   (orig[semi] == '#' || ((orig[semi] | 32) >= 'a' && (orig[semi] | 32) <= 'z') ||
                    (orig[semi] >= '0' && orig[semi] <= '9')))
                semi++;
            size_t ref_end = semi < on && orig[semi] == ';' ? semi + 1 : semi;
            if ((unsigned char)dec[j] != '&' || (ref_end > i + 1 && orig[i + 1] != ' ')) {
                if (dec[j] == '&' && ref_end == i + 1) {
                    /* a lone '&' kept as is */
                } else {
                    utf8_decode(dec, dn, j, &cl);
                    put(h, dec + j, cl, base + (uint32_t)i, base + (uint32_t)ref_end);
                    j += cl;
                    i = ref_end;
                    continue;
                }
            }
        }
        if (orig[i] == '\r' && dec[j] != '\r') {
            i++;
            continue;
        }
        utf8_decode(orig, on, i, &cl);
        if (i + cl <= on && j + cl <= dn && memcmp(orig + i, dec + j, cl) == 0) {
            put(h, dec + j, cl, base + (uint32_t)i, base + (uint32_t)(i + cl));
            i += cl;
            j += cl;
        } else {
            /* out of step (gumbo replaced something, e.g. NUL → U+FFFD): map this
             * decoded character to the current source position and move both on */
            size_t dl;
            utf8_decode(dec, dn, j, &dl);
            put(h, dec + j, dl, base + (uint32_t)i, base + (uint32_t)(i + cl));
            i += cl;
            j += dl;
        }
    }
}

static bool is_block(GumboTag t) {
    switch (t) {
        case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
        case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        case GUMBO_TAG_LI: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_BR:
        case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_TABLE:
        case GUMBO_TAG_ARTICLE: case GUMBO_TAG_SECTION: case GUMBO_TAG_HEADER:
        case GUMBO_TAG_FOOTER: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_TITLE:
        case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE: case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_NAV: case GUMBO_TAG_PRE: case GUMBO_TAG_HR: case GUMBO_TAG_DT:
        case GUMBO_TAG_DD: case GUMBO_TAG_CAPTION: case GUMBO_TAG_MAIN: case GUMBO_TAG_BODY:
            return true;
        default:
            return false;
    }
}

/* Iterative walk (an explicit stack in the arena) so deep nesting cannot overflow. */
static void walk(hx *h, const GumboNode *root) {
    size_t cap = 256, top = 0;
    const GumboNode **stack = arena_alloc(h->a, cap * sizeof(*stack));
    uint32_t *close = arena_alloc(h->a, cap * sizeof(uint32_t)); /* 1 = emit break after */
    if (!stack || !close) {
        h->err = true;
        return;
    }
    stack[top] = root;
    close[top++] = 0;
    while (top && !h->err) {
        const GumboNode *nd = stack[--top];
        uint32_t after = close[top];
        if (after) { /* a marker: the end of a block element */
            brk(h, after - 1);
            continue;
        }
        if (nd->type == GUMBO_NODE_TEXT || nd->type == GUMBO_NODE_WHITESPACE ||
            nd->type == GUMBO_NODE_CDATA) {
            text_node(h, &nd->v.text);
            continue;
        }
        if (nd->type != GUMBO_NODE_ELEMENT && nd->type != GUMBO_NODE_DOCUMENT &&
            nd->type != GUMBO_NODE_TEMPLATE)
            continue;
        const GumboVector *ch = nd->type == GUMBO_NODE_DOCUMENT ? &nd->v.document.children
                                                                : &nd->v.element.children;
        if (nd->type == GUMBO_NODE_ELEMENT) {
            GumboTag t = nd->v.element.tag;
            if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_NOSCRIPT ||
                t == GUMBO_TAG_TEMPLATE)
                continue;
            if (is_block(t)) {
                uint32_t at = (uint32_t)nd->v.element.start_pos.offset;
                brk(h, at);
            }
        }
        if (top + ch->length + 1 > cap) {
            size_t nc = (top + ch->length + 1) * 2;
            const GumboNode **ns = arena_realloc(h->a, stack, cap * sizeof(*stack), nc * sizeof(*stack));
            uint32_t *ncl = arena_alloc(h->a, nc * sizeof(uint32_t));
            if (!ns || !ncl) {
                h->err = true;
                return;
            }
            memcpy(ncl, close, top * sizeof(uint32_t));
            stack = ns;
            close = ncl;
            cap = nc;
        }
        if (nd->type == GUMBO_NODE_ELEMENT && is_block(nd->v.element.tag)) {
            uint32_t end = (uint32_t)nd->v.element.end_pos.offset;
            stack[top] = nd;
            close[top++] = (end ? end : (uint32_t)nd->v.element.start_pos.offset) + 1;
        }
        for (size_t i = ch->length; i > 0; i--) { /* push in reverse: children in order */
            stack[top] = ch->data[i - 1];
            close[top++] = 0;
        }
    }
}

/* Deepest element nesting, estimated from the tags alone (void elements and "/>" do not
 * nest), and the number of tags in *tags. The HTML parser's tree building is quadratic on
 * pathological nesting and allocates outside the arena, so both are checked before
 * parsing. */
static size_t nesting(const char *s, size_t n, size_t *tags) {
    static const char *const voids[] = {"br", "img", "hr", "meta", "link", "input", "wbr",
                                        "area", "base", "col", "embed", "param", "source",
                                        "track", "p", "li", "td", "tr", "th", "option"};
    size_t depth = 0, max = 0;
    *tags = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '<')
            continue;
        if (((s[i + 1] | 32) >= 'a' && (s[i + 1] | 32) <= 'z') || s[i + 1] == '/' ||
            s[i + 1] == '!' || s[i + 1] == '?')
            ++*tags;
        if (s[i + 1] == '/') {
            depth -= depth > 0;
            continue;
        }
        if (!((s[i + 1] | 32) >= 'a' && (s[i + 1] | 32) <= 'z'))
            continue;
        size_t j = i + 1;
        while (j < n && j - i < 12 && ((s[j] | 32) >= 'a' && (s[j] | 32) <= 'z'))
            j++;
        bool v = false;
        for (size_t k = 0; k < NT_ARRAY_LEN(voids) && !v; k++)
            v = strlen(voids[k]) == j - i - 1 && strncasecmp(voids[k], s + i + 1, j - i - 1) == 0;
        if (!v && ++depth > max)
            max = depth;
    }
    return max;
}

nt_err html_extract(const char *src, size_t n, arena *a, html_doc *out) {
    hx h = {.a = a, .src = src, .n = n};
    size_t tags, depth;
    memset(out, 0, sizeof(*out));
    if (n > HTML_MAX_BYTES)
        return NT_ELIMIT;
    depth = nesting(src, n, &tags);
    if (tags > HTML_MAX_TAGS)
        return NT_ELIMIT;
    if (depth > HTML_MAX_DEPTH)
        return NT_EINVAL;
    GumboOptions opts = kGumboDefaultOptions;
    opts.max_errors = 0;
    GumboOutput *g = gumbo_parse_with_options(&opts, src, n);
    if (!g)
        return NT_EINTERNAL;
    if (!grow(&h, 0)) {
        gumbo_destroy_output(&opts, g);
        return NT_ENOMEM;
    }
    h.emap[0] = 0;
    walk(&h, g->document);
    gumbo_destroy_output(&opts, g);
    if (h.err)
        return NT_ENOMEM;
    while (h.len && h.text[h.len - 1] == '\n')
        h.len--; /* trailing breaks carry nothing */
    h.text[h.len] = 0;
    h.map[h.len] = h.len ? h.emap[h.len] : 0;
    out->text = h.text;
    out->len = h.len;
    out->map = h.map;
    out->emap = h.emap;
    return NT_OK;
}
