/* test_tagger.c - the pipeline over short texts with a snapshot built in C: offsets, type
 * filter, weak common-word aliases, homonyms resolved by context, title rule,
 * coreference (surnames, defined acronyms), the never list and limits. */
#include "t.h"
#include "tagger.h"

#define MAXA 4
struct def {
    const char *id;
    nt_type type;
    const char *subtype, *name;
    const char *aliases[MAXA];
    const char *attrs; /* "k=v;k=v" */
};

static const struct def defs[] = {
    {"loc/reading", NT_TYPE_LOC, "city", "Reading", {"Reading"}, "country=GB;population=160000"},
    {"loc/tripoli-ly", NT_TYPE_LOC, "city", "Tripoli", {"Tripoli"},
     "country=LY;population=1100000;feature=PPLC"},
    {"loc/tripoli-lb", NT_TYPE_LOC, "city", "Tripoli", {"Tripoli"}, "country=LB;population=200000"},
    {"loc/libya", NT_TYPE_LOC, "country", "Libya", {"Libya"}, "country=LY"},
    {"loc/lebanon", NT_TYPE_LOC, "country", "Lebanon", {"Lebanon"}, "country=LB"},
    {"loc/may", NT_TYPE_LOC, "city", "May", {"May"}, "country=US;population=50000"},
    {"person/john-smith", NT_TYPE_PERSON, "", "John Smith", {"John Smith"}, ""},
    {"org/sdf", NT_TYPE_ORG, "", "Syrian Democratic Forces", {"Syrian Democratic Forces"}, ""},
    {"org/nato", NT_TYPE_ORG, "", "NATO", {"NATO"}, ""},
};

static snap *build(void) {
    snap_builder *b = NULL;
    snap *s = NULL;
    arena *a = arena_new(0);
    if (!a || snap_builder_new(&b) != NT_OK)
        goto out;
    if (snap_builder_load_words(b, nt_str_c("reading\nnice\npolice\nthe\non\nlater\n")) != NT_OK ||
        snap_builder_load_cues(b, "titles", nt_str_c("mr\npresident\n")) != NT_OK ||
        snap_builder_load_cues(b, "never", nt_str_c("may\n")) != NT_OK ||
        snap_builder_load_cues(b, "place_preps", nt_str_c("in\n")) != NT_OK)
        goto out;
    for (size_t i = 0; i < NT_ARRAY_LEN(defs); i++) {
        ent_entry e = {.id = nt_str_c(defs[i].id), .type = defs[i].type,
                       .subtype = nt_str_c(defs[i].subtype), .name = nt_str_c(defs[i].name)};
        e.aliases = arena_calloc(a, MAXA, sizeof(ent_alias));
        e.attrs = arena_calloc(a, 8, sizeof(ent_attr));
        for (size_t k = 0; k < MAXA && defs[i].aliases[k]; k++)
            e.aliases[e.n_aliases++] = (ent_alias){nt_str_c(defs[i].aliases[k]), NT_CASE_TITLE};
        const char *p = defs[i].attrs;
        while (*p) {
            const char *eq = strchr(p, '='), *end = strchr(p, ';');
            if (!end)
                end = p + strlen(p);
            e.attrs[e.n_attrs++] = (ent_attr){{p, (size_t)(eq - p)}, {eq + 1, (size_t)(end - eq - 1)}};
            p = *end ? end + 1 : end;
        }
        ent_diag d;
        if (ent_validate(&e, &d) != NT_OK || snap_builder_add(b, &e) != NT_OK) {
            fprintf(stderr, "  bad def %s: %s\n", defs[i].id, d.msg);
            goto out;
        }
    }
    snap_builder_finish(b, 7, &s);
out:
    snap_builder_free(b);
    arena_free(a);
    return s;
}

static snap *S;
static arena *A;

static nt_err run(const char *text, const tagger_opts *o, tg_result *r) {
    tagger_opts def;
    tagger_opts_init(&def);
    arena_reset(A);
    return tagger_run(S, text, strlen(text), o ? o : &def, A, r);
}

static const tg_entity *find(const tg_result *r, const char *id) {
    for (size_t i = 0; i < r->n_ents; i++)
        if (nt_str_eq_c(r->ents[i].id, id))
            return &r->ents[i];
    return NULL;
}

static int t_offsets(void) {
    tg_result r;
    T_OK(run("Officials in Tripoli, Libya said.", NULL, &r));
    const tg_entity *e = find(&r, "loc/tripoli-ly");
    T_TRUE(e);
    T_EQ_INT(e->n_mentions, 1);
    T_EQ_INT(e->mentions[0].start, 13);
    T_EQ_INT(e->mentions[0].end, 20);
    T_EQ_INT(e->type, NT_TYPE_LOC);
    T_EQ_NSTR(e->name, "Tripoli");
    T_TRUE(find(&r, "loc/libya"));
    T_TRUE(!find(&r, "loc/tripoli-lb"));
    return 0;
}

static int t_type_filter(void) {
    tagger_opts o;
    tagger_opts_init(&o);
    o.types = 1u << NT_TYPE_ORG;
    tg_result r;
    T_OK(run("NATO met in Libya.", &o, &r));
    T_EQ_INT(r.n_ents, 1);
    T_EQ_NSTR(r.ents[0].id, "org/nato");
    T_OK(run("NATO met in Libya.", NULL, &r));
    T_EQ_INT(r.n_ents, 2);
    return 0;
}

static int t_weak_alias(void) {
    tg_result r;
    T_OK(run("Reading is popular. Nobody saw it.", NULL, &r));
    T_TRUE(!find(&r, "loc/reading"));
    T_OK(run("The fans live in Reading now.", NULL, &r));
    const tg_entity *e = find(&r, "loc/reading");
    T_TRUE(e);
    T_EQ_INT(e->mentions[0].start, 17);
    T_OK(run("he likes reading books.", NULL, &r));
    T_TRUE(!find(&r, "loc/reading"));
    return 0;
}

static int t_homonyms(void) {
    tg_result r;
    T_OK(run("Clashes in Tripoli. Libya says calm returned.", NULL, &r));
    T_TRUE(find(&r, "loc/tripoli-ly"));
    T_TRUE(!find(&r, "loc/tripoli-lb"));
    T_OK(run("Clashes in Tripoli. Lebanon says calm returned.", NULL, &r));
    T_TRUE(find(&r, "loc/tripoli-lb"));
    T_TRUE(!find(&r, "loc/tripoli-ly"));
    return 0;
}

static int t_title_rule(void) {
    tg_result r;
    T_OK(run("On Monday Mr Jones said the talks failed.", NULL, &r));
    const tg_entity *e = NULL;
    for (size_t i = 0; i < r.n_ents; i++)
        if (r.ents[i].type == NT_TYPE_PERSON)
            e = &r.ents[i];
    T_TRUE(e);
    T_EQ_INT(e->snap_idx, -1);
    T_EQ_INT(e->mentions[0].source, TG_SRC_RULE);
    T_EQ_INT(e->mentions[0].start, 13); /* "Jones": the title stays outside */
    T_EQ_INT(e->mentions[0].end, 18);
    return 0;
}

/* Regression (fixed in 59b7af8): rule_said (names.c) runs after rule_titles and re-tags "Mr Jones said"
 * as the person "Mr Jones" [title inside], replacing the title rule's "Jones": "mr" is a
 * capitalised non-common word, so name_end() takes it as part of the name and
 * place_rule() may replace any rule candidate. */
static int t_bug_title_then_said(void) {
    tg_result r;
    T_OK(run("Officials said Mr Jones said no.", NULL, &r));
    T_EQ_INT(r.n_ents, 1);
    T_EQ_INT(r.ents[0].type, NT_TYPE_PERSON);
    T_EQ_INT(r.ents[0].mentions[0].start, 18); /* "Jones", not "Mr Jones" (15) */
    T_EQ_INT(r.ents[0].mentions[0].end, 23);
    return 0;
}

static int t_coref(void) {
    tg_result r;
    const char *t = "John Smith arrived on Monday. Later Smith left.";
    T_OK(run(t, NULL, &r));
    const tg_entity *e = find(&r, "person/john-smith");
    T_TRUE(e);
    T_EQ_INT(e->n_mentions, 2);
    T_EQ_INT(e->mentions[0].start, 0);
    T_EQ_INT(e->mentions[0].source, TG_SRC_GAZETTEER);
    T_EQ_INT(e->mentions[1].start, 36);
    T_EQ_INT(e->mentions[1].end, 41);
    T_EQ_INT(e->mentions[1].source, TG_SRC_COREF);
    T_EQ_INT(r.n_ents, 1);
    return 0;
}

static int t_acronym(void) {
    tg_result r;
    const char *t = "The Syrian Democratic Forces (SDF) advanced. The SDF said so.";
    T_OK(run(t, NULL, &r));
    const tg_entity *e = find(&r, "org/sdf");
    T_TRUE(e);
    T_TRUE(e->n_mentions >= 2);
    const tg_mention *last = &e->mentions[e->n_mentions - 1];
    T_EQ_INT(last->start, 49);
    T_EQ_INT(last->end, 52);
    T_EQ_INT(last->source, TG_SRC_COREF);
    return 0;
}

static int t_never(void) {
    tg_result r;
    T_OK(run("Fighting resumed in May after the truce.", NULL, &r));
    T_TRUE(!find(&r, "loc/may"));
    for (size_t i = 0; i < r.n_ents; i++)
        T_TRUE(!nt_str_eq_c(r.ents[i].name, "May"));
    return 0;
}

static int t_empty_and_limit(void) {
    tg_result r;
    T_OK(run("", NULL, &r));
    T_EQ_INT(r.n_ents, 0);
    T_OK(run("   \n ", NULL, &r));
    T_EQ_INT(r.n_ents, 0);
    tagger_opts o;
    tagger_opts_init(&o);
    o.max_tokens = 3;
    T_EQ_INT(run("NATO met in Libya.", &o, &r), NT_ELIMIT);
    return 0;
}

static int t_alloc_failure(void) {
    const char *t = "John Smith met Mr Jones in Tripoli, Libya. Smith left.";
    tagger_opts o;
    tagger_opts_init(&o);
    size_t k;
    for (k = 0; k < 10000; k++) {
        arena *a = arena_new(0);
        tg_result r;
        arena_fail_after(a, k);
        nt_err rc = tagger_run(S, t, strlen(t), &o, a, &r);
        arena_free(a);
        if (rc == NT_OK)
            break;
        T_EQ_INT(rc, NT_ENOMEM);
    }
    T_TRUE(k > 3 && k < 10000);
    return 0;
}

static const struct t_case cases[] = {
    {"offsets", t_offsets},
    {"type_filter", t_type_filter},
    {"weak_common_word_alias", t_weak_alias},
    {"homonyms_by_country_context", t_homonyms},
    {"title_rule", t_title_rule},
    {"regress_said_rule_keeps_title_outside", t_bug_title_then_said},
    {"coref_surname", t_coref},
    {"coref_defined_acronym", t_acronym},
    {"never_list", t_never},
    {"empty_and_max_tokens", t_empty_and_limit},
    {"alloc_failure_loop", t_alloc_failure},
};

int main(void) {
    S = build();
    A = arena_new(0);
    if (!S || !A) {
        fprintf(stderr, "snapshot build failed\n");
        printf("test_tagger: 0 passed, 1 failed\n");
        return 1;
    }
    int rc = t_run(cases, NT_ARRAY_LEN(cases), "test_tagger");
    arena_free(A);
    snap_free(S);
    return rc;
}
