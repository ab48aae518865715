/* gazetteer.h - the alias matcher: aliases compiled into an immutable token trie,
 * scanned leftmost-longest over a document's folded tokens.
 *
 * BUILD (mutable, single thread): gaz_builder_new → gaz_builder_add* → gaz_builder_finish.
 * SCAN (immutable gaz_db, shared by all threads without locks): gaz_scan with the
 * caller's scratch; never allocates.
 *
 * Layout of a gaz_db (flat arrays, so it serialises as one blob, see gaz_db_save):
 *   vocab   open-addressing hash of folded token strings → token id (1-based)
 *   nodes   trie nodes: [edge_begin, edge_count, out_begin, out_count]
 *   edges   (token id, child node), sorted by token id within each node
 *   outs    what an alias ending at a node means: entity index, case mode, flags and
 *           the case signature the original text must have.
 * Hyphens in aliases and in text are separators, so "al-Qaeda" = "al Qaeda". */
#ifndef NT_GAZETTEER_H
#define NT_GAZETTEER_H

#include "arena.h"
#include "newstag.h"
#include "tokenize.h"

typedef struct gaz_builder gaz_builder;
typedef struct gaz_db gaz_db;

enum gaz_out_flag {
    GAZ_OUT_NAME = 1, /* the alias is the entry's canonical name */
    GAZ_OUT_WEAK = 2, /* a single common word: needs support in context to be kept */
};

typedef struct gaz_out {
    uint32_t entity;   /* index given to gaz_builder_add */
    uint8_t mode;      /* nt_case */
    uint8_t flags;     /* enum gaz_out_flag */
    uint8_t ntok;      /* tokens in the alias (hyphens not counted) */
    uint8_t pad;
    uint32_t cap_mask; /* title mode: bit k set = alias token k starts with a capital */
    uint32_t pad2;
    uint64_t sig;      /* exact mode: hash of the letters' case pattern */
} gaz_out;

typedef struct gaz_match {
    uint32_t tok_start, tok_end; /* token span, half-open */
    uint32_t node;               /* trie node: its outs are the candidates */
} gaz_match;

/* ---- BUILD ---- */

/* Returns a new builder in *out (free with gaz_builder_free). NT_ENOMEM. */
nt_err gaz_builder_new(gaz_builder **out);
void gaz_builder_free(gaz_builder *b);
/* Adds `alias` (UTF-8, copied) for `entity` with case mode `mode` and `flags`.
 * NT_EINVAL if the alias has no word or number token or more than 32 tokens; NT_ENOMEM. */
nt_err gaz_builder_add(gaz_builder *b, nt_str alias, nt_case mode, uint32_t entity,
                       uint8_t flags);
/* Compiles everything added into a new gaz_db (free with gaz_db_free). The builder
 * stays valid and must still be freed. NT_ENOMEM. */
nt_err gaz_builder_finish(gaz_builder *b, gaz_db **out);
/* Number of aliases added so far. */
size_t gaz_builder_count(const gaz_builder *b);

/* ---- SCAN ---- */

void gaz_db_free(gaz_db *db);
/* Scratch the scan needs for a document of n_toks tokens, in bytes. */
size_t gaz_scratch_size(size_t n_toks);
/* Finds leftmost-longest matches whose case check passes for at least one out.
 * `scratch` has gaz_scratch_size(doc->n_toks) bytes; `out` room for `cap` matches
 * (doc->n_toks always suffices). Never allocates. NT_ELIMIT if `cap` is too small. */
nt_err gaz_scan(const gaz_db *db, const tok_doc *doc, void *scratch, gaz_match *out,
                size_t cap, size_t *n_out);
/* The outs of `node` (borrowed from db); returns their count. */
size_t gaz_node_outs(const gaz_db *db, uint32_t node, const gaz_out **outs);
/* True if tokens [ts,te) of doc satisfy the case mode of `o`. */
bool gaz_case_ok(const gaz_out *o, const tok_doc *doc, uint32_t ts, uint32_t te);
/* Token id of a folded token, 0 if no alias uses it. */
uint32_t gaz_token_id(const gaz_db *db, nt_str folded);
/* FNV-1a 64 of bytes: computed once per token and shared by the matcher and the word
 * lists (snap_word_bits_h), which hash the same way. */
uint64_t gaz_hash(const char *p, size_t n);
/* As gaz_token_id with the token's gaz_hash already computed. */
uint32_t gaz_token_id_h(const gaz_db *db, nt_str folded, uint64_t hash);
/* As gaz_scan, with `hashes` (doc->n_toks gaz_hash values of the folded tokens) or NULL. */
nt_err gaz_scan_h(const gaz_db *db, const tok_doc *doc, const uint64_t *hashes, void *scratch,
                  gaz_match *out, size_t cap, size_t *n_out);
/* As gaz_scan with each token's id already known: ids[i] is gaz_token_id of token i's
 * folded form, or UINT32_MAX for a dash token (TOK_HYPHEN, a separator inside aliases). */
nt_err gaz_scan_ids(const gaz_db *db, const tok_doc *doc, const uint32_t *ids, gaz_match *out,
                    size_t cap, size_t *n_out);
/* Trie node reached by the folded token sequence of `alias`, or 0 when none.
 * Uses `a` for tokenizing. */
uint32_t gaz_lookup(const gaz_db *db, nt_str alias, arena *a);
/* Sizes for /v1/info and the benchmark. */
size_t gaz_db_bytes(const gaz_db *db);
size_t gaz_db_aliases(const gaz_db *db);

/* ---- BLOB (stored in LMDB so a start maps it instead of rebuilding) ----
 * Byte table, little-endian, 64-byte header then the four arrays:
 *   0  u32 magic 'NTGZ'   4 u32 format version (2)   8 u32 n_vocab_slots  12 u32 n_vocab
 *  16 u32 n_nodes        20 u32 n_edges            24 u32 n_outs         28 u32 strings_len
 *  32 u64 payload_len    40 u32 crc32 of payload   44 u32 reserved … 63 */
/* Serialises db into a new malloc'd buffer *blob of *len bytes (caller frees). */
nt_err gaz_db_save(const gaz_db *db, void **blob, size_t *len);
/* Loads a blob (copied; the caller may free it). NT_ECORRUPT on bad magic, version,
 * size or checksum. */
nt_err gaz_db_load(const void *blob, size_t len, gaz_db **out);

#endif
