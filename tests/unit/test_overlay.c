/* test_overlay.c - live edits: snap_overlay over a base snapshot adds, replaces and
 * deletes entries without recompiling the base; tagging, lookup and counts see the edits,
 * and the base is unchanged. */
#include "t.h"
#include "tagger.h"

#include <string.h>

static ent_entry entry(const char *id, nt_type type, const char *name, ent_alias *al,
                       const char *alias, nt_case mode) {
    ent_entry e = {.id = nt_str_c(id), .type = type, .subtype = nt_str_c(""), .name = nt_str_c(name)};
    if (alias) {
        al->text = nt_str_c(alias);
        al->mode = mode;
        e.aliases = al;
        e.n_aliases = 1;
    }
    return e;
}

static snap *S, *O;
static arena *A;

static snap *build_base(void) {
    snap_builder *b = NULL;
    snap *s = NULL;
    ent_alias al[3];
    ent_entry e[3] = {
        entry("loc/homs", NT_TYPE_LOC, "Homs", &al[0], "Hims", NT_CASE_TITLE),
        entry("org/amnesty", NT_TYPE_ORG, "Amnesty International", &al[1], "Amnesty", NT_CASE_TITLE),
        entry("org/old-name", NT_TYPE_ORG, "Old Name Corp", &al[2], "ONC", NT_CASE_EXACT),
    };
    if (snap_builder_new(&b) != NT_OK)
        return NULL;
    for (int i = 0; i < 3; i++)
        if (snap_builder_add(b, &e[i]) != NT_OK)
            goto out;
    snap_builder_finish(b, 7, &s);
out:
    snap_builder_free(b);
    return s;
}

static const tg_entity *find(const tg_result *r, const char *id) {
    for (size_t i = 0; i < r->n_ents; i++)
        if (nt_str_eq_c(r->ents[i].id, id))
            return &r->ents[i];
    return NULL;
}

static nt_err tag(const snap *s, const char *text, tg_result *r) {
    tagger_opts o;
    tagger_opts_init(&o);
    o.events = false;
    arena_reset(A);
    return tagger_run(s, text, strlen(text), &o, A, r);
}

static int t_added(void) {
    tg_result r;
    T_OK(tag(O, "Fighters of Hayat Tahrir al-Sham entered Homs.", &r));
    T_TRUE(find(&r, "org/hts"));
    T_TRUE(find(&r, "loc/homs")); /* base entries still match */
    T_OK(tag(S, "Fighters of Hayat Tahrir al-Sham entered Homs.", &r));
    T_TRUE(!find(&r, "org/hts")); /* the base is untouched */
    return 0;
}

static int t_replaced(void) {
    tg_result r;
    /* org/amnesty replaced: the new version has alias "AI" (exact) and no "Amnesty" */
    T_OK(tag(O, "AI said Amnesty International was right.", &r));
    const tg_entity *e = find(&r, "org/amnesty");
    T_TRUE(e);
    T_EQ_INT(e->n_mentions, 2);
    T_TRUE(nt_str_eq_c(e->name, "Amnesty International (new)"));
    return 0;
}

static int t_deleted(void) {
    tg_result r;
    T_OK(tag(O, "ONC shares fell.", &r));
    T_TRUE(!find(&r, "org/old-name"));
    uint32_t idx;
    T_EQ_INT(snap_find(O, nt_str_c("org/old-name"), &idx), NT_ENOTFOUND);
    T_OK(snap_find(S, nt_str_c("org/old-name"), &idx));
    return 0;
}

static int t_counts(void) {
    size_t c[NT_TYPE_COUNT];
    snap_counts(O, c);
    T_EQ_INT(c[NT_TYPE_LOC], 1);
    T_EQ_INT(c[NT_TYPE_ORG], 2); /* amnesty (replaced) + hts; old-name deleted */
    T_EQ_INT(snap_version(O), 8);
    T_TRUE(snap_base(O) == S);
    uint32_t idx;
    T_OK(snap_find(O, nt_str_c("org/hts"), &idx));
    T_TRUE(nt_str_eq_c(snap_entity_at(O, idx)->id, "org/hts"));
    /* overlays of overlays are refused */
    snap *x = NULL;
    T_EQ_INT(snap_overlay(O, NULL, 0, NULL, 0, 9, &x), NT_EINVAL);
    return 0;
}

static const struct t_case cases[] = {
    {"overlay_adds", t_added},
    {"overlay_replaces", t_replaced},
    {"overlay_deletes", t_deleted},
    {"overlay_counts_and_lookup", t_counts},
};

int main(void) {
    ent_alias al[2];
    ent_entry up[2] = {
        entry("org/hts", NT_TYPE_ORG, "Hayat Tahrir al-Sham", &al[0], "HTS", NT_CASE_EXACT),
        entry("org/amnesty", NT_TYPE_ORG, "Amnesty International (new)", &al[1], "AI", NT_CASE_EXACT),
    };
    up[1].aliases[0].text = nt_str_c("AI");
    ent_alias al2 = {nt_str_c("Amnesty International"), NT_CASE_TITLE};
    ent_alias both[2] = {al[1], al2};
    up[1].aliases = both;
    up[1].n_aliases = 2;
    nt_str del[1] = {nt_str_c("org/old-name")};
    S = build_base();
    A = arena_new(0);
    if (!S || !A || snap_overlay(S, up, 2, del, 1, 8, &O) != NT_OK) {
        printf("test_overlay: 0 passed, 1 failed\n");
        return 1;
    }
    int rc = t_run(cases, NT_ARRAY_LEN(cases), "test_overlay");
    snap_free(O);
    snap_free(S);
    arena_free(A);
    return rc;
}
