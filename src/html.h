/* html.h - HTML → plain text for tagging, with maps back into the HTML source so every
 * offset of the response points into the document the CMS sent. Text of script, style,
 * noscript and template elements is dropped; character references are decoded; block
 * elements (p, div, h1…h6, li, br, tr, td, article, section …) become paragraph breaks.
 * The only file that includes <gumbo.h>. */
#ifndef NT_HTML_H
#define NT_HTML_H

#include "arena.h"
#include "newstag.h"

typedef struct html_doc {
    char *text;     /* extracted UTF-8 text (arena) */
    size_t len;
    uint32_t *map;  /* len + 1: text byte b starts at source byte map[b] */
    uint32_t *emap; /* len + 1: a span of text ending at byte b ends at source byte emap[b] */
} html_doc;

#define HTML_MAX_DEPTH 1000 /* element nesting; real pages stay well under 100 */
#define HTML_MAX_BYTES ((size_t)64 << 20)
/* Tags ('<' + letter, '/', '!' or '?'): the parser builds its tree with malloc, outside
 * the request arena, at about 500 bytes a tag, so this caps it near 50 MB. A long news
 * page has a few thousand tags. */
#define HTML_MAX_TAGS 100000

/* Extracts text from valid UTF-8 HTML `src` (n bytes). Everything in *out comes from `a`.
 * NT_ENOMEM; NT_ELIMIT for documents over HTML_MAX_BYTES or with more than HTML_MAX_TAGS
 * tags (both checked before parsing); NT_EINVAL when elements nest deeper than
 * HTML_MAX_DEPTH; NT_EINTERNAL if the parser fails. */
nt_err html_extract(const char *src, size_t n, arena *a, html_doc *out);

#endif
