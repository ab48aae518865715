/* fuzz_tokenize.c - tokenizer invariants on arbitrary bytes: offsets monotone, in bounds
 * and on code point boundaries; sentences cover the tokens in order. abort() on any
 * violation. Build: tests/fuzz/run.sh (libFuzzer) or make (-DFUZZ_REPLAY). */
#include <stdint.h>
#include <stdlib.h>

#include "tokenize.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int boundary(const char *s, size_t n, uint32_t off) {
    return off == n || (off < n && ((unsigned char)s[off] & 0xC0) != 0x80);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    size_t bad;
    if (utf8_validate(s, size, &bad) != NT_OK) {
        if (bad >= size)
            abort();
        return 0;
    }
    arena *a = arena_new(0);
    if (!a)
        return 0;
    tok_doc d;
    nt_err rc = tok_run(s, size, 0, a, &d);
    if (rc != NT_OK && rc != NT_ELIMIT && rc != NT_ENOMEM)
        abort();
    if (rc == NT_OK) {
        uint32_t prev_end = 0;
        for (size_t i = 0; i < d.n_toks; i++) {
            const tok_token *t = &d.toks[i];
            if (t->start >= t->end || t->end > size || t->start < prev_end)
                abort();
            if (!boundary(s, size, t->start) || !boundary(s, size, t->end))
                abort();
            if (t->sent >= d.n_sents)
                abort();
            if (t->fold_off + (size_t)t->fold_len > size * 3 + 16)
                abort();
            prev_end = t->end;
        }
        size_t next = 0;
        for (size_t k = 0; k < d.n_sents; k++) {
            const tok_sentence *st = &d.sents[k];
            if (st->tok_first != next || st->tok_count == 0 || next + st->tok_count > d.n_toks)
                abort();
            if (st->start != d.toks[st->tok_first].start ||
                st->end != d.toks[st->tok_first + st->tok_count - 1].end)
                abort();
            if (!(d.toks[st->tok_first].flags & TOK_SENT_START))
                abort();
            for (size_t i = st->tok_first; i < st->tok_first + st->tok_count; i++)
                if (d.toks[i].sent != k)
                    abort();
            next += st->tok_count;
        }
        if (next != d.n_toks)
            abort();
        /* the folded forms are valid UTF-8 */
        for (size_t i = 0; i < d.n_toks; i++) {
            nt_str f = tok_fold(&d, i);
            if (utf8_validate(f.p, f.n, &bad) != NT_OK)
                abort();
        }
    }
    arena_free(a);
    return 0;
}

#include "replay.h"
