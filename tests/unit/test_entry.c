/* test_entry.c - TSV parsing and validation with diagnostics, record encode/decode round
 * trip, corrupt records, and TSV formatting round trip. */
#include "entry.h"
#include "t.h"

#define GOOD "loc/raqqa\tLOC\tcity\tRaqqa\tRaqqa|Al-Raqqah@any|RQ@exact\tcountry=SY;population=177636"

static int parse(const char *line, arena *a, ent_entry *e, ent_diag *d) {
    memset(d, 0, sizeof(*d));
    nt_err rc = ent_parse_tsv(nt_str_c(line), a, e, d);
    return rc == NT_OK ? ent_validate(e, d) : rc;
}

static int t_good(void) {
    arena *a = arena_new(0);
    ent_entry e;
    ent_diag d;
    T_OK(parse(GOOD "\r", a, &e, &d));
    T_EQ_NSTR(e.id, "loc/raqqa");
    T_EQ_INT(e.type, NT_TYPE_LOC);
    T_EQ_NSTR(e.subtype, "city");
    T_EQ_NSTR(e.name, "Raqqa");
    T_EQ_INT(e.n_aliases, 3);
    T_EQ_NSTR(e.aliases[1].text, "Al-Raqqah");
    T_EQ_INT(e.aliases[0].mode, NT_CASE_TITLE);
    T_EQ_INT(e.aliases[1].mode, NT_CASE_ANY);
    T_EQ_INT(e.aliases[2].mode, NT_CASE_EXACT);
    T_EQ_INT(e.n_attrs, 2);
    T_EQ_NSTR(ent_attr_get(&e, "population"), "177636");
    T_TRUE(ent_attr_get(&e, "nope").p == NULL);
    arena_free(a);
    return 0;
}

static int t_bad(void) {
    arena *a = arena_new(0);
    ent_entry e;
    ent_diag d;
    T_EQ_INT(parse("loc/x\tLOC\tcity\tX\tX", a, &e, &d), NT_EPARSE);
    T_TRUE(strstr(d.msg, "6") && strstr(d.msg, "5"));
    T_EQ_INT(parse("loc/x\tPLACE\tcity\tX\tX\t", a, &e, &d), NT_EPARSE);
    T_EQ_STR(d.field, "type");
    T_EQ_INT(d.col, 7);
    T_EQ_INT(parse("loc/x\tLOC\tcity\tX\tX@upper\t", a, &e, &d), NT_EPARSE);
    T_EQ_STR(d.field, "aliases");
    T_EQ_INT(parse("loc/X Y\tLOC\tcity\tX\tX\t", a, &e, &d), NT_EINVAL);
    T_EQ_STR(d.field, "id");
    T_EQ_INT(d.col, 5);
    T_EQ_INT(parse("org/x\tLOC\tcity\tX\tX\t", a, &e, &d), NT_EINVAL);
    T_EQ_STR(d.field, "id");
    T_TRUE(strstr(d.msg, "loc/") != NULL);
    T_EQ_INT(parse("loc/x\tLOC\tcity\tX\tX\tcountry", a, &e, &d), NT_EPARSE);
    T_EQ_STR(d.field, "attributes");
    T_EQ_INT(parse("loc/x\tLOC\tcity\t\tX\t", a, &e, &d), NT_EINVAL);
    T_EQ_STR(d.field, "name");
    T_EQ_INT(parse("loc/x\tLOC\tCity\tX\tX\t", a, &e, &d), NT_EINVAL);
    T_EQ_STR(d.field, "subtype");
    T_EQ_INT(parse("loc/x\tLOC\tcity\tX\tX||Y\t", a, &e, &d), NT_EPARSE);
    arena_free(a);
    return 0;
}

static int same(const ent_entry *x, const ent_entry *y) {
    if (!nt_str_eq(x->id, y->id) || x->type != y->type || !nt_str_eq(x->subtype, y->subtype) ||
        !nt_str_eq(x->name, y->name) || x->n_aliases != y->n_aliases ||
        x->n_attrs != y->n_attrs || x->origin != y->origin)
        return 0;
    for (size_t i = 0; i < x->n_aliases; i++)
        if (!nt_str_eq(x->aliases[i].text, y->aliases[i].text) ||
            x->aliases[i].mode != y->aliases[i].mode)
            return 0;
    for (size_t i = 0; i < x->n_attrs; i++)
        if (!nt_str_eq(x->attrs[i].key, y->attrs[i].key) ||
            !nt_str_eq(x->attrs[i].val, y->attrs[i].val))
            return 0;
    return 1;
}

static int t_record_roundtrip(void) {
    arena *a = arena_new(0);
    ent_entry e, e2;
    ent_diag d;
    nt_str rec;
    T_OK(parse(GOOD, a, &e, &d));
    e.origin = ENT_ORIGIN_API;
    T_OK(ent_encode(&e, a, &rec));
    T_OK(ent_decode(rec, a, &e2));
    T_TRUE(same(&e, &e2));
    arena_free(a);
    return 0;
}

static int t_record_corrupt(void) {
    arena *a = arena_new(0);
    ent_entry e, e2;
    ent_diag d;
    nt_str rec;
    T_OK(parse(GOOD, a, &e, &d));
    T_OK(ent_encode(&e, a, &rec));
    for (size_t n = 0; n < rec.n; n++) /* every truncation */
        T_EQ_INT(ent_decode((nt_str){rec.p, n}, a, &e2), NT_ECORRUPT);
    char *buf = arena_alloc(a, rec.n + 1);
    memcpy(buf, rec.p, rec.n);
    buf[rec.n] = 'x'; /* trailing garbage */
    T_EQ_INT(ent_decode((nt_str){buf, rec.n + 1}, a, &e2), NT_ECORRUPT);
    buf[0] = 2; /* version */
    T_EQ_INT(ent_decode((nt_str){buf, rec.n}, a, &e2), NT_ECORRUPT);
    buf[0] = 1;
    buf[2] = 9; /* type */
    T_EQ_INT(ent_decode((nt_str){buf, rec.n}, a, &e2), NT_ECORRUPT);
    static const char garbage[] = "\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff";
    T_EQ_INT(ent_decode((nt_str){garbage, sizeof(garbage) - 1}, a, &e2), NT_ECORRUPT);
    T_EQ_INT(ent_decode((nt_str){"", 0}, a, &e2), NT_ECORRUPT);
    /* every single-byte flip: a clean result or NT_ECORRUPT, never a crash */
    for (size_t i = 0; i < rec.n; i++) {
        memcpy(buf, rec.p, rec.n);
        buf[i] ^= (char)0xA5;
        nt_err rc = ent_decode((nt_str){buf, rec.n}, a, &e2);
        T_TRUE(rc == NT_OK || rc == NT_ECORRUPT);
    }
    arena_free(a);
    return 0;
}

static int t_tsv_roundtrip(void) {
    arena *a = arena_new(0);
    ent_entry e, e2;
    ent_diag d;
    nt_str line;
    T_OK(parse(GOOD, a, &e, &d));
    T_OK(ent_format_tsv(&e, a, &line));
    T_EQ_NSTR(line, GOOD);
    T_OK(ent_parse_tsv(line, a, &e2, &d));
    T_TRUE(same(&e, &e2));
    T_OK(parse("person/x\tPERSON\t\tJo X\tJo X\t", a, &e, &d));
    T_OK(ent_format_tsv(&e, a, &line));
    T_EQ_NSTR(line, "person/x\tPERSON\t\tJo X\tJo X\t");
    arena_free(a);
    return 0;
}

static const struct t_case cases[] = {
    {"parse_good", t_good},
    {"parse_bad_with_diag", t_bad},
    {"record_roundtrip", t_record_roundtrip},
    {"record_corrupt", t_record_corrupt},
    {"tsv_roundtrip", t_tsv_roundtrip},
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_entry");
}
