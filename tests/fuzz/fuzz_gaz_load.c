/* fuzz_gaz_load.c - gaz_db_load on arbitrary bytes must return NT_OK or NT_ECORRUPT and
 * never crash; a loaded db scans a fixed text. The input is tried twice: as given, and
 * with its CRC field recomputed, so the fuzzer gets past the checksum and reaches the
 * structural checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t crc32_(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void try_load(const unsigned char *b, size_t len) {
    gaz_db *db = NULL;
    nt_err rc = gaz_db_load(b, len, &db);
    if (rc != NT_OK) {
        if (rc != NT_ECORRUPT && rc != NT_ENOMEM)
            abort();
        return;
    }
    static const char text[] = "The New York Times said al-Qaeda left Raqq\xC3\xA1 and "
                               "Daesh's men IS in Reading.";
    arena *a = arena_new(0);
    tok_doc d;
    if (a && tok_run(text, sizeof(text) - 1, 0, a, &d) == NT_OK) {
        void *scratch = arena_alloc(a, gaz_scratch_size(d.n_toks));
        gaz_match *m = arena_alloc(a, (d.n_toks + 1) * sizeof(*m));
        size_t nm = 0;
        if (scratch && m && gaz_scan(db, &d, scratch, m, d.n_toks + 1, &nm) == NT_OK) {
            for (size_t i = 0; i < nm; i++) {
                const gaz_out *o;
                size_t no = gaz_node_outs(db, m[i].node, &o);
                for (size_t k = 0; k < no; k++)
                    (void)gaz_case_ok(&o[k], &d, m[i].tok_start, m[i].tok_end);
            }
        }
    }
    arena_free(a);
    gaz_db_free(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    unsigned char *b = calloc(1, size ? size : 1);
    if (!b)
        return 0;
    if (size)
        memcpy(b, data, size);
    try_load(b, size);
    if (size >= 64) {
        uint32_t crc = crc32_(b + 64, size - 64);
        memcpy(b + 40, &crc, 4);
        uint64_t pl = size - 64;
        memcpy(b + 32, &pl, 8);
        try_load(b, size);
    }
    free(b);
    return 0;
}

#include "replay.h"
