/* fuzz_entry_decode.c - ent_decode on arbitrary record bytes: NT_OK or NT_ECORRUPT,
 * never a crash or a read past the record. A decoded record re-encodes to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    arena *a = arena_new(0);
    ent_entry e;
    nt_str rec;
    if (!a)
        return 0;
    /* a private copy of exactly `size` bytes so ASan catches any over-read */
    char *copy = malloc(size ? size : 1);
    if (!copy) {
        arena_free(a);
        return 0;
    }
    if (size)
        memcpy(copy, data, size);
    nt_err rc = ent_decode((nt_str){copy, size}, a, &e);
    if (rc == NT_OK) {
        /* byte 3 is reserved and not kept; everything else must round-trip */
        if (ent_encode(&e, a, &rec) != NT_OK || rec.n != size ||
            memcmp(rec.p, copy, 3) != 0 || memcmp(rec.p + 4, copy + 4, size - 4) != 0) {
            /* non-minimal varints decode fine but re-encode shorter: not a bug */
            ent_entry e2;
            if (ent_encode(&e, a, &rec) != NT_OK || ent_decode(rec, a, &e2) != NT_OK)
                abort();
        }
    } else if (rc != NT_ECORRUPT && rc != NT_ENOMEM) {
        abort();
    }
    free(copy);
    arena_free(a);
    return 0;
}

#include "replay.h"
