/* test_rules.c - the event rule language: parse errors carry file:line:column, a valid
 * file compiles into the counts it declares, inflections are generated, a snapshot with
 * rules yields events with arguments and modality, and evaluation stays linear in the
 * sentence length (pathological gaps included). */
#include "t.h"

#include "gazetteer.h"
#include "rules_int.h"
#include "snapshot.h"
#include "tagger.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int expect_error(const char *text, int line, int col, const char *needle) {
    rules_set *s = NULL;
    rules_diag d = {0};
    nt_err rc = rules_compile("t.rules", nt_str_c(text), &s, &d);
    rules_set_free(s);
    T_EQ_INT(rc, NT_EPARSE);
    T_EQ_STR(d.file, "t.rules");
    T_EQ_INT(d.line, line);
    T_EQ_INT(d.col, col);
    if (!strstr(d.msg, needle))
        T_FAIL_("message \"%s\" lacks \"%s\"", d.msg, needle);
    return 0;
}

static int t_parse_errors(void) {
    if (expect_error("event x cameo=19\n  pattern [actor: ORG ..4 TRIGGER\n", 2, 23, "']'") ||
        expect_error("bogus line\n", 1, 1, "unknown statement") ||
        expect_error("event x\n", 1, 7, "cameo") ||
        expect_error("event x cameo=abc\n", 1, 15, "CAMEO") ||
        expect_error("trigger verb: kill\n", 1, 9, "outside an event") ||
        expect_error("event x cameo=19\n  pattern [actor: ORG]\n", 2, 11, "TRIGGER") ||
        expect_error("event x cameo=19\n  pattern TRIGGER ..99 x\n", 2, 19, "gap width") ||
        expect_error("event x cameo=19\n  pattern TRIGGER ..3\n", 2, 11, "gap") ||
        expect_error("event x cameo=19\n  pattern [villain: ORG] TRIGGER\n", 2, 12, "unknown role") ||
        expect_error("event x cameo=19\n  pattern [actor: THING] TRIGGER\n", 2, 19, "unknown slot type") ||
        expect_error("event x cameo=19\n  pattern @NOPE TRIGGER\n", 2, 12, "undefined class") ||
        expect_error("modality maybe window=3: could\n", 1, 10, "expected alleged") ||
        expect_error("modality negated window=30: not\n", 1, 25, "window") ||
        expect_error("class X = \"unterminated\n", 1, 11, "unterminated") ||
        expect_error("event x cameo=19\nevent x cameo=20\n", 2, 7, "twice") ||
        expect_error("event x cameo=19\n  pattern TRIGGER TRIGGER\n", 2, 19, "twice") ||
        expect_error("event x cameo=19\n  pattern $ TRIGGER\n", 2, 11, "follow TRIGGER") ||
        expect_error("event x cameo=19\n  pattern TRIGGER $ x\n", 2, 21, "come last") ||
        expect_error("event x cameo=19\n  pattern ![actor: NP] TRIGGER\n", 2, 11, "'!' takes") ||
        expect_error("event x cameo=19\n  pattern TRIGGER !x?\n", 2, 21, "optional"))
        return 1;
    return 0;
}

static const char *const good =
    "# a comment\n"
    "class DET = the a\n"
    "class STOP = by was were of in\n"
    "modality negated window=3: not\n"
    "event attack cameo=190\n"
    "  trigger verb: shell strike/struck   # inflections\n"
    "  trigger noun: airstrike\n"
    "  trigger word: called_on\n"
    "  pattern [actor: ORG|NP] ..3 TRIGGER\n"
    "  pattern TRIGGER ..10 (in|near) [place: LOC]\n"
    "  unless heart TRIGGER\n";

static int t_compile(void) {
    rules_set *s = NULL;
    rules_diag d = {0};
    T_OK(rules_compile("good.rules", nt_str_c(good), &s, &d));
    T_EQ_INT(rules_event_count(s), 1);
    /* shell shells shelled shelling strike strikes striked striking struck airstrike
     * airstrikes called_on */
    T_EQ_INT(rules_trigger_count(s), 12);
    T_EQ_INT(rules_pattern_count(s), 3);
    rules_set_free(s);
    rules_set_free(NULL);
    return 0;
}

/* The event stage looks words up with the tagger's per-token gaz_hash: the word table
 * must hash the same way, and finding by hash must agree with finding by text. */
static int t_word_hash(void) {
    rules_set *s = NULL;
    rules_diag d = {0};
    T_OK(rules_compile("good.rules", nt_str_c(good), &s, &d));
    T_TRUE(s->n_words > 10);
    for (uint32_t k = 0; k < s->n_words; k++) {
        nt_str w = rules__str(s, s->words[k].off, s->words[k].len);
        uint64_t h = gaz_hash(w.p, w.n);
        T_TRUE(nt_hash(w.p, w.n) == h);
        T_EQ_INT(rules__word_find_h(s, w, h), k);
        T_EQ_INT(rules__word_find(s, w), k);
    }
    static const char *const misses[] = {"", "shel", "shellss", "kill", "the the"};
    for (size_t i = 0; i < NT_ARRAY_LEN(misses); i++) {
        nt_str w = nt_str_c(misses[i]);
        T_EQ_INT(rules__word_find_h(s, w, gaz_hash(w.p, w.n)), RULES_NONE);
    }
    rules_set_free(s);
    return 0;
}

/* The trigger-key filter lets every key word through (the event stage looks up only the
 * tokens it lets through) and turns most other words away. */
static int t_trigger_filter(void) {
    rules_set *s = NULL;
    rules_diag d = {0};
    size_t keys = 0, others = 0, passed = 0;
    T_OK(rules_compile("good.rules", nt_str_c(good), &s, &d));
    for (uint32_t k = 0; k < s->n_words; k++) {
        nt_str w = rules__str(s, s->words[k].off, s->words[k].len);
        bool maybe = rules__maybe_trigger_key(s, nt_hash(w.p, w.n));
        if (s->words[k].trig_n) {
            keys++;
            T_TRUE(maybe);
        } else {
            others++;
            passed += maybe;
        }
    }
    T_TRUE(keys > 0 && others > 0);
    T_TRUE(passed * 4 <= others);
    rules_set_free(s);
    return 0;
}

/* A snapshot with no entities and the given rules. */
static snap *snap_with(const char *rules) {
    snap_builder *b = NULL;
    snap *s = NULL;
    rules_diag d = {0};
    if (snap_builder_new(&b) != NT_OK)
        return NULL;
    if (snap_builder_load_rules(b, "r.rules", nt_str_c(rules), &d) == NT_OK)
        snap_builder_finish(b, 1, &s);
    snap_builder_free(b);
    return s;
}

static const char *const kill_rules =
    "class DET = the a an\n"
    "class STOP = was were by of in had not\n"
    "class BE = was were\n"
    "modality negated window=3: not\n"
    "modality alleged window=10: alleged\n"
    "event kill cameo=1823\n"
    "  trigger word: killed\n"
    "  pattern [victim: NP] @BE TRIGGER by [actor: NP]\n"
    "  pattern [actor: NP] ..2 TRIGGER [victim: NP]\n"
    "  pattern TRIGGER ..20 [time: DATE]\n";

static int t_events(void) {
    snap *s = snap_with(kill_rules);
    arena *a = arena_new(0);
    tagger_opts o;
    tg_result r;
    T_TRUE(s && a);
    tagger_opts_init(&o);
    o.published = nt_str_c("2018-05-02");
    const char *text = "Three guards were killed by the gunmen in April. "
                       "The report alleged the army had killed civilians. "
                       "The police had not killed anyone.";
    T_OK(tagger_run(s, text, strlen(text), &o, a, &r));
    T_EQ_INT(r.n_events, 3);
    const tg_event *e = &r.events[0];
    T_EQ_NSTR(e->type, "kill");
    T_EQ_NSTR(e->cameo, "1823");
    T_EQ_INT(e->n_args, 3);
    T_EQ_STR(e->args[0].role, "victim");
    T_EQ_NSTR(((nt_str){text + e->args[0].start, e->args[0].end - e->args[0].start}), "Three guards");
    T_EQ_STR(e->args[1].role, "actor");
    T_EQ_STR(e->args[2].role, "time");
    T_EQ_NSTR(e->args[2].value, "2018-04");
    T_EQ_STR(e->modality, "asserted");
    T_EQ_STR(r.events[1].modality, "alleged");
    T_EQ_STR(r.events[2].modality, "negated");
    arena_free(a);
    snap_free(s);
    return 0;
}

/* The syntax of news: a relative pronoun stands for its antecedent, "$" ends the sentence,
 * "!" checks the next token without taking it, one stretch of text plays one role, a modal
 * before the trigger makes the event hypothetical rather than dropping it. */
static const char *const voice_rules =
    "class DET = the a an\n"
    "class STOP = was were by of in had not could who and\n"
    "class PRON = who he\n"
    "class REL = who\n"
    "class BE = was were be\n"
    "class PASSNEXT = in by\n"
    "modality hypothetical window=4: could\n"
    "event kill cameo=1823\n"
    "  trigger word: killed\n"
    "  pattern [victim: NP] ..1 @BE TRIGGER\n"
    "  pattern [victim: NP] TRIGGER $\n"
    "  pattern [victim: NP] TRIGGER @PASSNEXT\n"
    "  pattern [actor: NP] ..3 !@BE TRIGGER !@PASSNEXT\n"
    "  pattern TRIGGER [victim: NP]\n";

static int arg_is(const char *text, const tg_event *e, size_t k, const char *role, const char *want) {
    T_TRUE(k < e->n_args);
    T_EQ_STR(e->args[k].role, role);
    T_EQ_NSTR(((nt_str){text + e->args[k].start, e->args[k].end - e->args[k].start}), want);
    return 0;
}

static int t_voice(void) {
    snap *s = snap_with(voice_rules);
    arena *a = arena_new(0);
    tagger_opts o;
    tg_result r;
    T_TRUE(s && a);
    tagger_opts_init(&o);
    const char *text = "The fellow soldier who was killed in fighting. "  /* antecedent */
                       "Four miners died and two workers killed. "     /* "$" */
                       "Civilians killed in the raid. "                /* participle: victim */
                       "The gunmen killed the guards. "                /* active: actor */
                       "The gunmen could have killed the guards.";      /* hypothetical */
    T_OK(tagger_run(s, text, strlen(text), &o, a, &r));
    T_EQ_INT(r.n_events, 5);
    T_EQ_INT(r.events[0].n_args, 1);
    if (arg_is(text, &r.events[0], 0, "victim", "The fellow soldier") ||
        arg_is(text, &r.events[1], 0, "victim", "two workers") ||
        arg_is(text, &r.events[2], 0, "victim", "Civilians") ||
        arg_is(text, &r.events[3], 0, "actor", "The gunmen") ||
        arg_is(text, &r.events[3], 1, "victim", "the guards"))
        return 1;
    T_EQ_INT(r.events[1].n_args, 1);
    T_EQ_INT(r.events[2].n_args, 1); /* the same words are no actor too */
    T_EQ_STR(r.events[3].modality, "asserted");
    T_EQ_STR(r.events[4].modality, "hypothetical");
    arena_free(a);
    snap_free(s);
    return 0;
}

static double tag_ms(const snap *s, const char *text, size_t n, size_t *events) {
    arena *a = arena_new(0);
    tagger_opts o;
    tg_result r;
    struct timespec t0, t1;
    tagger_opts_init(&o);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    nt_err rc = tagger_run(s, text, n, &o, a, &r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *events = rc == NT_OK ? r.n_events : (size_t)-1;
    arena_free(a);
    return (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/* One sentence of `words` words: triggers everywhere and gaps that could explode under
 * backtracking ("x ..40 x ..40 x ..40 TRIGGER" over a run of x). */
static char *long_sentence(size_t words) {
    char *b = malloc(words * 8 + 2);
    size_t n = 0;
    for (size_t i = 0; i < words; i++) {
        const char *w = i % 3 == 2 ? "hit " : "x ";
        memcpy(b + n, w, strlen(w));
        n += strlen(w);
    }
    b[n++] = '.';
    b[n] = 0;
    return b;
}

static int t_linear(void) {
    snap *s = snap_with("class DET = the\n"
                        "event attack cameo=190\n"
                        "  trigger word: hit\n"
                        "  pattern x ..40 x ..40 x ..40 x ..40 y TRIGGER\n"
                        "  pattern TRIGGER ..40 x ..40 x ..40 x ..40 [target: NP] ..40 y\n"
                        "  pattern [actor: NP] ..40 TRIGGER\n"
                        "  pattern [victim: NP] ..40 !y TRIGGER ..40 !x $\n");
    T_TRUE(s != NULL);
    char *small = long_sentence(20000), *big = long_sentence(80000);
    size_t e1, e2;
    double t1 = tag_ms(s, small, strlen(small), &e1);
    double t2 = tag_ms(s, big, strlen(big), &e2);
    free(small);
    free(big);
    snap_free(s);
    T_TRUE(e1 > 6000 && e2 > 4 * e1 - 10);
    /* 4x the input: linear is ~4x; allow noise (sanitizers, shared machine) */
    if (t2 > 10 * t1 + 50)
        T_FAIL_("not linear: %.1f ms for 20k words, %.1f ms for 80k", t1, t2);
    return 0;
}

static const struct t_case cases[] = {
    {"rules: parse errors carry file:line:col", t_parse_errors},
    {"rules: a valid file compiles, verbs and nouns inflect", t_compile},
    {"rules: word lookup by the tagger's token hash", t_word_hash},
    {"rules: the trigger-key filter passes every key word", t_trigger_filter},
    {"rules: events with arguments, time value and modality", t_events},
    {"rules: relative pronouns, $, !, one role per span, hypothetical", t_voice},
    {"rules: evaluation is linear in the sentence length", t_linear},
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_rules");
}
