/* test_json_io.c - the JSON edge: request parsing with 400/422 diagnostics, string
 * options, and the response with offsets converted to UTF-16 units. */
#include "json_io.h"
#include "t.h"
#include "utf8.h"

static int parse(const char *body, jio_request *r, jio_diag *d) {
    json_t *root = NULL;
    memset(d, 0, sizeof(*d));
    nt_err rc = jio_parse_request(body, strlen(body), &root, r, d);
    json_decref(root); /* r's strings are dead after this; tests only read scalars */
    return rc;
}

static int t_valid(void) {
    jio_request r;
    jio_diag d;
    json_t *root = NULL;
    const char *b = "{\"text\":\"Hello NATO\",\"id\":\"a1\",\"options\":{\"types\":[\"ORG\"],"
                    "\"offsets\":\"utf16\",\"min_confidence\":0.5}}";
    T_OK(jio_parse_request(b, strlen(b), &root, &r, &d));
    T_EQ_NSTR(r.text, "Hello NATO");
    T_EQ_NSTR(r.id, "a1");
    T_TRUE(r.has_text && !r.has_html);
    T_EQ_INT(r.unit, NT_UNIT_UTF16);
    T_EQ_INT(r.opts.types, 1u << NT_TYPE_ORG);
    T_TRUE(r.opts.min_conf > 0.49 && r.opts.min_conf < 0.51);
    json_decref(root);
    return 0;
}

static int t_errors(void) {
    jio_request r;
    jio_diag d;
    T_EQ_INT(parse("{\"text\":\n  \"x\",,}", &r, &d), NT_EPARSE);
    T_EQ_INT(d.status, 400);
    T_EQ_STR(d.code, "invalid_json");
    T_EQ_INT(d.line, 2);
    T_TRUE(d.col > 0);
    T_EQ_INT(parse("{\"text\":42}", &r, &d), NT_EINVAL);
    T_EQ_INT(d.status, 422);
    T_EQ_INT(parse("[\"text\"]", &r, &d), NT_EINVAL);
    T_EQ_INT(d.status, 422);
    T_EQ_INT(parse("{\"text\":\"x\",\"options\":{\"colour\":1}}", &r, &d), NT_EINVAL);
    T_EQ_INT(d.status, 422);
    T_EQ_STR(d.code, "unknown_option");
    T_EQ_INT(parse("{\"text\":\"x\",\"html\":\"<p>x</p>\"}", &r, &d), NT_EINVAL);
    T_EQ_INT(d.status, 422);
    T_EQ_INT(parse("{}", &r, &d), NT_EINVAL);
    T_EQ_INT(d.status, 422);
    T_EQ_INT(parse("{\"text\":\"x\",\"text\":\"y\"}", &r, &d), NT_EPARSE); /* duplicates */
    T_EQ_INT(parse("{\"text\":\"x\",\"options\":{\"types\":[\"CITY\"]}}", &r, &d), NT_EINVAL);
    T_EQ_STR(d.code, "unknown_type");
    T_EQ_INT(parse("", &r, &d), NT_EPARSE);
    return 0;
}

static int t_apply_option(void) {
    jio_request r;
    jio_diag d;
    jio_request_init(&r);
    T_OK(jio_apply_option(&r, "offsets", "utf16", &d));
    T_EQ_INT(r.unit, NT_UNIT_UTF16);
    T_OK(jio_apply_option(&r, "offsets", "byte", &d));
    T_EQ_INT(r.unit, NT_UNIT_BYTE);
    memset(&d, 0, sizeof(d));
    T_EQ_INT(jio_apply_option(&r, "offsets", "utf32", &d), NT_EINVAL);
    T_EQ_INT(d.status, 422);
    T_EQ_INT(jio_apply_option(&r, "events", "maybe", &d), NT_EINVAL);
    T_EQ_INT(jio_apply_option(&r, "min_confidence", "2", &d), NT_EINVAL);
    T_EQ_INT(jio_apply_option(&r, "bogus", "1", &d), NT_EINVAL);
    T_EQ_STR(d.code, "unknown_option");
    T_OK(jio_apply_option(&r, "events", "true", &d));
    T_TRUE(r.opts.events);
    return 0;
}

static snap *one_entity_snap(void) {
    snap_builder *b = NULL;
    snap *s = NULL;
    ent_alias al[] = {{nt_str_c("NATO"), NT_CASE_EXACT}};
    ent_entry e = {.id = nt_str_c("org/nato"), .type = NT_TYPE_ORG, .name = nt_str_c("NATO"),
                   .aliases = al, .n_aliases = 1};
    if (snap_builder_new(&b) == NT_OK && snap_builder_add(b, &e) == NT_OK)
        snap_builder_finish(b, 3, &s);
    snap_builder_free(b);
    return s;
}

static int t_result_utf16(void) {
    snap *s = one_entity_snap();
    T_TRUE(s);
    arena *a = arena_new(0);
    /* "😀 é NATO": 😀 = 4 bytes / 2 utf16, é = 2 bytes / 1 unit. NATO at byte 8, utf16 5. */
    const char *text = "\xF0\x9F\x98\x80 \xC3\xA9 NATO met.";
    tagger_opts o;
    tagger_opts_init(&o);
    tg_result r;
    T_OK(tagger_run(s, text, strlen(text), &o, a, &r));
    T_EQ_INT(r.n_ents, 1);
    T_EQ_INT(r.ents[0].mentions[0].start, 8);
    jio_meta m = {.unit = NT_UNIT_UTF16};
    json_t *j = jio_result(s, (nt_str){text, strlen(text)}, &r, &m);
    T_TRUE(j);
    json_t *mn = json_array_get(json_object_get(json_array_get(json_object_get(j, "entities"), 0),
                                                "mentions"), 0);
    long long st = json_integer_value(json_object_get(mn, "start"));
    long long en = json_integer_value(json_object_get(mn, "end"));
    const char *mt = json_string_value(json_object_get(mn, "text"));
    const char *unit = json_string_value(json_object_get(j, "offsets"));
    int ok = st == 5 && en == 9 && mt && strcmp(mt, "NATO") == 0 && unit && !strcmp(unit, "utf16");
    if (!ok)
        fprintf(stderr, "  start=%lld end=%lld text=%s unit=%s\n", st, en, mt ? mt : "-", unit ? unit : "-");
    /* JavaScript's "😀 é NATO met.".slice(5, 9) is "NATO": count UTF-16 units ourselves */
    size_t u5 = 0, b = 0;
    while (u5 < 5) {
        u5 += ((unsigned char)text[b] >= 0xF0) ? 2 : 1;
        size_t cl;
        utf8_decode(text, strlen(text), b, &cl);
        b += cl;
    }
    json_decref(j);
    arena_free(a);
    snap_free(s);
    T_TRUE(ok);
    T_EQ_INT(b, 8);
    return 0;
}

static const struct t_case cases[] = {
    {"parse_valid", t_valid},
    {"parse_errors", t_errors},
    {"apply_option", t_apply_option},
    {"result_utf16_offsets", t_result_utf16},
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_json_io");
}
