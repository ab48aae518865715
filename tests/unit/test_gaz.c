/* test_gaz.c - the alias matcher: build, scan leftmost-longest with case modes, folding
 * (hyphens, diacritics, apostrophes, possessives), blob save/load and corrupt blobs. */
#include "gazetteer.h"
#include "t.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { E_NY, E_NYT, E_IS, E_READING, E_AQ, E_RAQQA, E_DAESH, E_ANY, E_BIG };

static gaz_db *build(void) {
    static const struct { const char *alias; nt_case mode; uint32_t ent; } al[] = {
        {"New York", NT_CASE_TITLE, E_NY},       {"New York Times", NT_CASE_EXACT, E_NYT},
        {"IS", NT_CASE_EXACT, E_IS},             {"Reading", NT_CASE_TITLE, E_READING},
        {"al-Qaeda", NT_CASE_TITLE, E_AQ},       {"Raqqa", NT_CASE_TITLE, E_RAQQA},
        {"Da'esh", NT_CASE_TITLE, E_DAESH},      {"Daesh", NT_CASE_TITLE, E_DAESH},
        {"hamas", NT_CASE_ANY, E_ANY},
    };
    gaz_builder *b = NULL;
    gaz_db *db = NULL;
    if (gaz_builder_new(&b) != NT_OK)
        return NULL;
    for (size_t i = 0; i < NT_ARRAY_LEN(al); i++)
        if (gaz_builder_add(b, nt_str_c(al[i].alias), al[i].mode, al[i].ent, 0) != NT_OK)
            goto out;
    gaz_builder_finish(b, &db);
out:
    gaz_builder_free(b);
    return db;
}

/* Scans `text` and writes "ent@start-end ..." (entity of the first case-ok out, byte
 * offsets) into a static buffer. */
static const char *scan(const gaz_db *db, const char *text) {
    static char buf[512];
    arena *a = arena_new(0);
    tok_doc d;
    size_t n = 0, nm = 0;
    buf[0] = 0;
    if (tok_run(text, strlen(text), 0, a, &d) != NT_OK)
        goto out;
    void *scratch = arena_alloc(a, gaz_scratch_size(d.n_toks));
    gaz_match *m = arena_alloc(a, (d.n_toks + 1) * sizeof(*m));
    if (gaz_scan(db, &d, scratch, m, d.n_toks + 1, &nm) != NT_OK) {
        strcpy(buf, "<error>");
        goto out;
    }
    for (size_t i = 0; i < nm; i++) {
        const gaz_out *o;
        size_t no = gaz_node_outs(db, m[i].node, &o);
        uint32_t ent = 999;
        for (size_t k = 0; k < no; k++)
            if (gaz_case_ok(&o[k], &d, m[i].tok_start, m[i].tok_end)) {
                ent = o[k].entity;
                break;
            }
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u@%u-%u", i ? " " : "", ent,
                              d.toks[m[i].tok_start].start, d.toks[m[i].tok_end - 1].end);
    }
out:
    arena_free(a);
    return buf;
}

/* gaz_scan_ids with the caller's ids finds what gaz_scan finds, and uses those ids: a
 * token given id 0 cannot be part of a match. */
static int t_scan_ids(void) {
    gaz_db *db = build();
    T_TRUE(db);
    static const char *const texts[] = {"the New York Times said", "al-Qaeda and Da'esh in Raqqa",
                                        "New York - New York", "IS fighters near Reading"};
    for (size_t k = 0; k < NT_ARRAY_LEN(texts); k++) {
        arena *a = arena_new(0);
        tok_doc d;
        T_EQ_INT(tok_run(texts[k], strlen(texts[k]), 0, a, &d), NT_OK);
        void *scratch = arena_alloc(a, gaz_scratch_size(d.n_toks));
        uint32_t *ids = arena_alloc(a, d.n_toks * sizeof(uint32_t));
        gaz_match *m1 = arena_alloc(a, (d.n_toks + 1) * sizeof(gaz_match));
        gaz_match *m2 = arena_alloc(a, (d.n_toks + 1) * sizeof(gaz_match));
        size_t n1 = 0, n2 = 0;
        for (size_t i = 0; i < d.n_toks; i++)
            ids[i] = (d.toks[i].flags & TOK_HYPHEN) ? UINT32_MAX : gaz_token_id(db, tok_fold(&d, i));
        T_EQ_INT(gaz_scan(db, &d, scratch, m1, d.n_toks + 1, &n1), NT_OK);
        T_EQ_INT(gaz_scan_ids(db, &d, ids, m2, d.n_toks + 1, &n2), NT_OK);
        T_TRUE(n1 > 0);
        T_EQ_INT(n2, n1);
        T_TRUE(memcmp(m1, m2, n1 * sizeof(gaz_match)) == 0);
        ids[m1[0].tok_start] = 0; /* an unknown word where the first match starts */
        T_EQ_INT(gaz_scan_ids(db, &d, ids, m2, d.n_toks + 1, &n2), NT_OK);
        T_TRUE(n2 == 0 || m2[0].tok_start != m1[0].tok_start);
        arena_free(a);
    }
    gaz_db_free(db);
    return 0;
}

static int t_longest(void) {
    gaz_db *db = build();
    T_TRUE(db);
    T_EQ_STR(scan(db, "the New York Times said"), "1@4-18");
    T_EQ_STR(scan(db, "in New York today"), "0@3-11");
    /* exact "New York Times" fails on "times": falls back to the title alias */
    T_EQ_STR(scan(db, "New York times"), "0@0-8");
    T_EQ_STR(scan(db, "New York New York"), "0@0-8 0@9-17");
    gaz_db_free(db);
    return 0;
}

static int t_case_modes(void) {
    gaz_db *db = build();
    T_EQ_STR(scan(db, "IS fighters"), "2@0-2");
    T_EQ_STR(scan(db, "Is it"), "");
    T_EQ_STR(scan(db, "it is"), "");
    T_EQ_STR(scan(db, "in Reading"), "3@3-10");
    T_EQ_STR(scan(db, "in READING"), "3@3-10");
    T_EQ_STR(scan(db, "reading a book"), "");
    T_EQ_STR(scan(db, "HAMAS and Hamas and hamas"), "7@0-5 7@10-15 7@20-25");
    gaz_db_free(db);
    return 0;
}

static int t_folding(void) {
    gaz_db *db = build();
    T_EQ_STR(scan(db, "al Qaeda"), "4@0-8");
    T_EQ_STR(scan(db, "al-Qaeda"), "4@0-8");
    T_EQ_STR(scan(db, "al\xE2\x80\x93Qaeda"), "4@0-10"); /* en dash */
    T_EQ_STR(scan(db, "in Raqq\xC3\xA1"), "5@3-9");
    T_EQ_STR(scan(db, "Da\xE2\x80\x99" "esh fighters"), "6@0-8");
    T_EQ_STR(scan(db, "Daesh's fighters"), "6@0-5");
    T_EQ_STR(scan(db, "Daesh\xE2\x80\x99s fighters"), "6@0-5");
    T_TRUE(gaz_token_id(db, nt_str_c("qaeda")) != 0);
    T_EQ_INT(gaz_token_id(db, nt_str_c("paris")), 0);
    arena *a = arena_new(0);
    T_TRUE(gaz_lookup(db, nt_str_c("New York"), a) != 0);
    T_EQ_INT(gaz_lookup(db, nt_str_c("New Jersey"), a), 0);
    arena_free(a);
    gaz_db_free(db);
    return 0;
}

static int t_builder_errors(void) {
    gaz_builder *b = NULL;
    T_OK(gaz_builder_new(&b));
    T_EQ_INT(gaz_builder_add(b, nt_str_c("--"), NT_CASE_ANY, 0, 0), NT_EINVAL);
    T_EQ_INT(gaz_builder_add(b, nt_str_c(""), NT_CASE_ANY, 0, 0), NT_EINVAL);
    T_OK(gaz_builder_add(b, nt_str_c("x"), NT_CASE_ANY, 0, 0));
    T_EQ_INT(gaz_builder_count(b), 1);
    gaz_builder_free(b);
    gaz_builder_free(NULL);
    gaz_db_free(NULL);
    return 0;
}

static int t_save_load(void) {
    gaz_db *db = build(), *db2 = NULL;
    void *blob = NULL;
    size_t len = 0;
    T_OK(gaz_db_save(db, &blob, &len));
    T_OK(gaz_db_load(blob, len, &db2));
    static const char *const texts[] = {"the New York Times and IS in Reading",
                                        "al Qaeda in Raqq\xC3\xA1", "Daesh's men"};
    for (size_t i = 0; i < NT_ARRAY_LEN(texts); i++) {
        char want[512];
        snprintf(want, sizeof(want), "%s", scan(db, texts[i]));
        T_TRUE(want[0]);
        T_EQ_STR(scan(db2, texts[i]), want);
    }
    T_EQ_INT(gaz_db_aliases(db2), gaz_db_aliases(db));
    free(blob);
    gaz_db_free(db);
    gaz_db_free(db2);
    return 0;
}

/* The blob of build()'s matcher (malloc'd, the caller frees), or NULL. */
static unsigned char *saved_blob(size_t *len) {
    gaz_db *db = build();
    void *blob = NULL;
    if (!db || gaz_db_save(db, &blob, len) != NT_OK)
        blob = NULL;
    gaz_db_free(db);
    return blob;
}

static int t_corrupt(void) {
    gaz_db *db2 = NULL;
    size_t len = 0;
    unsigned char *b = saved_blob(&len), *blob = b;
    T_TRUE(b);
    int bad = 0;
    for (size_t i = 0; i < len; i += 3) { /* flip one byte; bytes 44..63 are reserved */
        if (i >= 44 && i < 64)
            continue;
        b[i] ^= 0x5A;
        nt_err rc = gaz_db_load(b, len, &db2);
        b[i] ^= 0x5A;
        if (rc != NT_ECORRUPT) {
            gaz_db_free(db2);
            bad++;
        }
    }
    nt_err trunc = gaz_db_load(b, len - 1, &db2);
    nt_err hdr = gaz_db_load(b, 10, &db2);
    b[0] = 'X';
    nt_err magic = gaz_db_load(b, len, &db2);
    free(blob);
    T_EQ_INT(bad, 0);
    T_EQ_INT(trunc, NT_ECORRUPT);
    T_EQ_INT(hdr, NT_ECORRUPT);
    T_EQ_INT(magic, NT_ECORRUPT);
    return 0;
}

/* Same CRC-32 as gaz_file.c, to forge a blob whose checksum is right. */
static uint32_t crc32_(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

enum { SLOT = 16 }; /* bytes of a vocabulary slot in a blob (format 2) */

/* A short token's bytes are kept in its vocabulary slot as well as in the string table;
 * a blob where the two disagree is refused (lookups would otherwise depend on the
 * token's length), even with a correct checksum. */
static int t_inline_mismatch(void) {
    gaz_db *db2 = NULL;
    size_t len = 0;
    unsigned char *b = saved_blob(&len), *blob = b;
    T_TRUE(b);
    uint32_t n_slots;
    memcpy(&n_slots, b + 8, 4);
    T_TRUE(64 + (size_t)SLOT * n_slots <= len);
    T_EQ_INT(gaz_db_load(b, len, &db2), NT_OK);
    gaz_db_free(db2);
    db2 = NULL;
    size_t changed = 0;
    for (uint32_t i = 0; i < n_slots && !changed; i++) {
        unsigned char *sl = b + 64 + SLOT * i;
        uint32_t h;
        memcpy(&h, sl, 4);
        if (h && sl[8] >= 1 && sl[8] <= 7) { /* an inline token: change its first byte */
            sl[9] ^= 0x20;
            changed = 1;
        }
    }
    T_TRUE(changed);
    uint32_t crc = crc32_(b + 64, len - 64);
    memcpy(b + 40, &crc, 4);
    nt_err rc = gaz_db_load(b, len, &db2);
    gaz_db_free(db2);
    free(blob);
    T_EQ_INT(rc, NT_ECORRUPT);
    return 0;
}

/* Regression (fixed in 59b7af8): a blob whose vocabulary hash table has no empty slot passes the sanity
 * checks (they only require n_vocab < n_slots), and then gaz_token_id() loops forever on
 * any word that is not in the vocabulary. The checksum is not a defence: it only catches
 * accidents. Expected: NT_ECORRUPT. We never scan the loaded db (it would hang). */
static int t_bug_full_vocab_table(void) {
    gaz_db *db2 = NULL;
    size_t len = 0;
    unsigned char *b = saved_blob(&len), *blob = b;
    T_TRUE(b);
    uint32_t n_slots, n_vocab;
    memcpy(&n_slots, b + 8, 4);
    memcpy(&n_vocab, b + 12, 4);
    /* slots are the first array of the payload (SLOT bytes: hash, id, len, inline bytes);
     * fill every empty slot with a copy of token 1's slot under another hash */
    const unsigned char *tok1 = NULL;
    for (uint32_t i = 0; i < n_slots && !tok1; i++) {
        uint32_t id;
        memcpy(&id, b + 64 + SLOT * i + 4, 4);
        if (id == 1)
            tok1 = b + 64 + SLOT * i;
    }
    T_TRUE(tok1);
    for (uint32_t i = 0; i < n_slots; i++) {
        uint32_t h;
        memcpy(&h, b + 64 + SLOT * i, 4);
        if (h)
            continue;
        h = 0x12345u + i;
        memcpy(b + 64 + SLOT * i, tok1, SLOT);
        memcpy(b + 64 + SLOT * i, &h, 4);
    }
    uint32_t crc = crc32_(b + 64, len - 64);
    memcpy(b + 40, &crc, 4);
    nt_err rc = gaz_db_load(b, len, &db2);
    gaz_db_free(db2);
    free(blob);
    if (rc != NT_ECORRUPT)
        fprintf(stderr, "  BUG gaz_file.c sane(): full vocab table accepted (n_slots=%u "
                        "n_vocab=%u); gaz_token_id would never terminate\n", n_slots, n_vocab);
    T_EQ_INT(rc, NT_ECORRUPT);
    return 0;
}

/* Regression (fixed in 2b9a604): gaz_builder_finish() on a builder with no aliases calls
 * qsort(b->outs = NULL, 0, …) (gaz_build.c:319), which UBSan rejects (nonnull argument),
 * so an empty dictionary aborts a SAN build. Run in a child so the abort is a FAIL here,
 * not the end of this test binary. Expected: NT_OK and a db that matches nothing. */
static int t_bug_empty_builder(void) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    T_TRUE(pid >= 0);
    if (pid == 0) {
        gaz_builder *b = NULL;
        gaz_db *db = NULL;
        int ok = gaz_builder_new(&b) == NT_OK && gaz_builder_finish(b, &db) == NT_OK &&
                 db && gaz_db_aliases(db) == 0;
        gaz_builder_free(b);
        gaz_db_free(db);
        _exit(ok ? 0 : 3);
    }
    int st = 0;
    T_TRUE(waitpid(pid, &st, 0) == pid);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        fprintf(stderr, "  BUG gaz_build.c: finishing an empty builder died (status %d)\n", st);
    T_TRUE(WIFEXITED(st));
    T_EQ_INT(WEXITSTATUS(st), 0);
    return 0;
}

/* A 64-byte blob: valid magic, format and (empty-payload) checksum, huge counts. */
static nt_err load_huge_header(void) {
    unsigned char h[64] = {0};
    uint32_t v[8] = {0x5a47544eu, 1, 1u << 30, 1, 1u << 30, 1u << 30, 1u << 30, 0};
    memcpy(h, v, sizeof(v)); /* payload_len 0, crc32("") = 0 */
    gaz_db *db = NULL;
    nt_err rc = gaz_db_load(h, sizeof(h), &db);
    gaz_db_free(db);
    return rc;
}

/* BUG (reported): gaz_db_load() allocates the arrays the header's counts describe (up to
 * 2^30 each, ~40 GB) before checking that they fit in the payload, so a 64-byte blob makes
 * it allocate gigabytes (libFuzzer: out-of-memory, malloc(7786065784)). Expected:
 * NT_ECORRUPT without allocating. The child re-executes this binary with an allocation
 * cap so the huge calloc fails visibly (NT_ENOMEM) instead of being mapped lazily. */
static int t_bug_huge_counts(void) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    T_TRUE(pid >= 0);
    if (pid == 0) {
        char *argv[] = {"test_gaz", "--huge-header-child", NULL};
        char *envp[] = {"ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=256",
                        "MALLOC_ARENA_MAX=1", NULL};
        execve("/proc/self/exe", argv, envp);
        _exit(4);
    }
    int st = 0;
    T_TRUE(waitpid(pid, &st, 0) == pid);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        fprintf(stderr, "  BUG gaz_file.c: 64-byte blob with huge counts -> allocation "
                        "before size check (child status %d)\n", st);
    T_TRUE(WIFEXITED(st));
    T_EQ_INT(WEXITSTATUS(st), 0);
    return 0;
}

static const struct t_case cases[] = {
    {"scan_with_ids", t_scan_ids},
    {"inline_slot_mismatch", t_inline_mismatch},
    {"leftmost_longest", t_longest},
    {"case_modes", t_case_modes},
    {"folding_hyphen_diacritic_apostrophe", t_folding},
    {"builder_errors", t_builder_errors},
    {"save_load_roundtrip", t_save_load},
    {"corrupt_blob", t_corrupt},
    {"regress_full_vocab_table_rejected", t_bug_full_vocab_table},
    {"regress_empty_builder_finish", t_bug_empty_builder},
    {"BUG_huge_counts_allocate_before_check", t_bug_huge_counts},
};

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--huge-header-child") == 0) {
        nt_err rc = load_huge_header();
        fprintf(stderr, "  child: gaz_db_load -> %s\n", nt_errname(rc));
        return rc == NT_ECORRUPT ? 0 : 1;
    }
    return t_run(cases, NT_ARRAY_LEN(cases), "test_gaz");
}
