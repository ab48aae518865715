/* gaz_file.c - gaz_db <-> one blob (format in gazetteer.h), so the daemon can load a
 * compiled matcher from LMDB in milliseconds instead of rebuilding it. Every field read
 * from a blob is checked against the blob's size before use. */
#include "gaz_int.h"

#include <stdlib.h>
#include <string.h>

#define GAZ_MAGIC 0x5a47544eu /* "NTGZ" little-endian */
#define GAZ_FORMAT 2u /* 2: short tokens inline in the vocabulary slots */

struct gaz_hdr {
    uint32_t magic, format, n_slots, n_vocab;
    uint32_t n_nodes, n_edges, n_outs, strings_len;
    uint64_t payload_len;
    uint32_t crc, reserved;
    uint8_t pad[16];
};
_Static_assert(sizeof(struct gaz_hdr) == 64, "gaz header is 64 bytes");

/* CRC-32 (IEEE), slicing-by-4 with tables computed on the stack per call (1 KiB × 4;
 * microseconds), so there is no global state and it runs at about 1 GB/s. */
static uint32_t crc32(const unsigned char *p, size_t n) {
    uint32_t t[4][256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int k = 1; k < 4; k++)
            t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
    uint32_t c = 0xFFFFFFFFu;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        c ^= (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
             (uint32_t)p[i + 3] << 24;
        c = t[3][c & 0xFF] ^ t[2][(c >> 8) & 0xFF] ^ t[1][(c >> 16) & 0xFF] ^ t[0][c >> 24];
    }
    for (; i < n; i++)
        c = (c >> 8) ^ t[0][(c ^ p[i]) & 0xFF];
    return ~c;
}

nt_err gaz_db_save(const gaz_db *db, void **blob, size_t *len) {
    struct gaz_hdr h = {GAZ_MAGIC,    GAZ_FORMAT,  db->n_slots, db->n_vocab, db->n_nodes,
                        db->n_edges,  db->n_outs,  db->strings_len, db->mem_len, 0, 0, {0}};
    h.crc = crc32(db->mem, db->mem_len);
    char *b = malloc(sizeof(h) + db->mem_len);
    if (!b)
        return NT_ENOMEM;
    memcpy(b, &h, sizeof(h));
    memcpy(b + sizeof(h), db->mem, db->mem_len);
    *blob = b;
    *len = sizeof(h) + db->mem_len;
    return NT_OK;
}

static bool sane(const gaz_db *db) {
    if (db->n_slots == 0 || (db->n_slots & (db->n_slots - 1)) || db->n_vocab >= db->n_slots ||
        db->n_nodes == 0)
        return false;
    for (uint32_t i = 0; i < db->n_vocab; i++)
        if (db->str_off[i] > db->str_off[i + 1] || db->str_off[i + 1] > db->strings_len)
            return false;
    uint32_t used = 0;
    for (uint32_t i = 0; i < db->n_slots; i++) {
        const gaz_vslot *s = &db->slots[i];
        if (!s->hash)
            continue;
        used++;
        if (s->id == 0 || s->id > db->n_vocab)
            return false;
        /* the inline copy must agree with the string table, or lookups would depend on
         * the token's length */
        uint32_t a = db->str_off[s->id - 1], len = db->str_off[s->id] - a;
        if (len <= GAZ_INLINE ? s->len != len || memcmp(s->inl, db->strings + a, len) != 0
                              : s->len != GAZ_LONG)
            return false;
    }
    if (used != db->n_vocab || used * 2 + 2 > db->n_slots)
        return false; /* the builder keeps the table at most half full */
    for (uint32_t i = 0; i < db->n_nodes; i++) {
        const gaz_node *n = &db->nodes[i];
        if ((uint64_t)n->edge_begin + n->edge_count > db->n_edges ||
            (uint64_t)n->out_begin + n->out_count > db->n_outs)
            return false;
    }
    for (uint32_t i = 0; i < db->n_edges; i++)
        if (db->edges[i].child >= db->n_nodes || db->edges[i].child == 0)
            return false;
    return true;
}

nt_err gaz_db_load(const void *blob, size_t len, gaz_db **out) {
    struct gaz_hdr h;
    gaz_db *db = NULL;
    nt_err rc = NT_ECORRUPT;
    if (len < sizeof(h))
        goto out;
    memcpy(&h, blob, sizeof(h));
    if (h.magic != GAZ_MAGIC || h.format != GAZ_FORMAT || h.payload_len != len - sizeof(h))
        goto out;
    if (crc32((const unsigned char *)blob + sizeof(h), len - sizeof(h)) != h.crc)
        goto out;
    db = calloc(1, sizeof(*db));
    if (!db) {
        rc = NT_ENOMEM;
        goto out;
    }
    db->n_slots = h.n_slots;
    db->n_vocab = h.n_vocab;
    db->n_nodes = h.n_nodes;
    db->n_edges = h.n_edges;
    db->n_outs = h.n_outs;
    db->strings_len = h.strings_len;
    if (db->n_slots > (1u << 30) || db->n_nodes > (1u << 30) || db->n_edges > (1u << 30) ||
        db->n_outs > (1u << 30)) /* larger than any real build: refuse before allocating */
        goto out;
    if (gaz__layout_size(db) != h.payload_len) /* before allocating anything */
        goto out;
    if ((rc = gaz__alloc(db)) != NT_OK)
        goto out;
    rc = NT_ECORRUPT;
    if (db->mem_len != h.payload_len)
        goto out;
    memcpy(db->mem, (const char *)blob + sizeof(h), db->mem_len);
    if (!sane(db))
        goto out;
    if ((rc = gaz__index(db)) != NT_OK)
        goto out;
    *out = db;
    db = NULL;
    rc = NT_OK;
out:
    gaz_db_free(db);
    return rc;
}
