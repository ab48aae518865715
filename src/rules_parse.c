/* rules_parse.c - the rule-file parser (grammar in rules.h): one line at a time, a lexer
 * into at most RULES_LINE_TOKS tokens, then one handler per statement. Words are folded
 * as the tokenizer folds them (norm_fold) so that matching compares folded forms only.
 * Trigger lemmas are inflected here (-s, -ed, -ing, plurals; irregular forms are given
 * in the file). Errors stop at the first one with file:line:column in the diag. */
#include "rules_int.h"

#include "arena.h"
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULES_LINE_TOKS 512
#define RULES_MAX_WORD 64

enum tk_kind { TK_WORD, TK_QWORD, TK_GAP, TK_PUNCT, TK_END };

typedef struct tk {
    int kind;
    nt_str s;
    int col;
    int gap;
    char c;
} tk;

typedef struct ps {
    rules_builder *b;
    rules_set *s;
    const char *file;
    int line;
    rules_diag *d;
    arena *a;
    tk t[RULES_LINE_TOKS + 1];
    int n, i;
} ps;

static nt_err perr(ps *p, int col, const char *fmt, const char *arg) {
    snprintf(p->d->file, sizeof(p->d->file), "%s", p->file);
    p->d->line = p->line;
    p->d->col = col;
    /* fmt holds one "%s" for arg; spliced by hand to keep formats literal */
    const char *k = strstr(fmt, "%s");
    size_t pre = k ? (size_t)(k - fmt) : strlen(fmt);
    snprintf(p->d->msg, sizeof(p->d->msg), "%.*s%s%s", (int)pre, fmt, k && arg ? arg : "",
             k ? k + 2 : "");
    return NT_EPARSE;
}

static bool is_punct(char c) {
    return c == '[' || c == ']' || c == '(' || c == ')' || c == '|' || c == ':' || c == '=' ||
           c == '^' || c == '?' || c == '@' || c == '$' || c == '!';
}

/* Splits one line into tokens. */
static nt_err lex(ps *p, nt_str l) {
    size_t i = 0;
    p->n = 0;
    p->i = 0;
    while (i < l.n) {
        char c = l.p[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        if (c == '#')
            break;
        if (p->n == RULES_LINE_TOKS)
            return perr(p, (int)i + 1, "line too long (more than %s tokens)", "512");
        tk *t = &p->t[p->n];
        t->col = (int)i + 1;
        if (c == '"') {
            size_t j = i + 1;
            while (j < l.n && l.p[j] != '"')
                j++;
            if (j >= l.n)
                return perr(p, (int)i + 1, "unterminated quoted word%s", NULL);
            if (j == i + 1)
                return perr(p, (int)i + 1, "empty quoted word%s", NULL);
            *t = (tk){TK_QWORD, {l.p + i + 1, j - i - 1}, (int)i + 1, 0, 0};
            i = j + 1;
        } else if (c == '.' && i + 1 < l.n && l.p[i + 1] == '.') {
            size_t j = i + 2;
            int v = 0;
            while (j < l.n && l.p[j] >= '0' && l.p[j] <= '9' && v < 1000)
                v = v * 10 + (l.p[j++] - '0');
            if (j == i + 2)
                return perr(p, (int)i + 1, "a gap needs a width: ..N%s", NULL);
            if (v < 1 || v > RULES_MAX_GAP)
                return perr(p, (int)i + 1, "gap width must be 1..%s", "40");
            *t = (tk){TK_GAP, {l.p + i, j - i}, (int)i + 1, v, 0};
            i = j;
        } else if (is_punct(c)) {
            *t = (tk){TK_PUNCT, {l.p + i, 1}, (int)i + 1, 0, c};
            i++;
        } else {
            size_t j = i;
            while (j < l.n && l.p[j] != ' ' && l.p[j] != '\t' && l.p[j] != '\r' &&
                   l.p[j] != '#' && l.p[j] != '"' && !is_punct(l.p[j]))
                j++;
            *t = (tk){TK_WORD, {l.p + i, j - i}, (int)i + 1, 0, 0};
            i = j;
        }
        p->n++;
    }
    p->t[p->n] = (tk){TK_END, {l.p + l.n, 0}, (int)l.n + 1, 0, 0};
    return NT_OK;
}

static tk *peek(ps *p) {
    return &p->t[p->i];
}
static tk *next(ps *p) {
    tk *t = &p->t[p->i];
    if (t->kind != TK_END)
        p->i++;
    return t;
}
static bool is_pc(const tk *t, char c) {
    return t->kind == TK_PUNCT && t->c == c;
}
static nt_err expect(ps *p, char c) {
    tk *t = next(p);
    char m[2] = {c, 0};
    return is_pc(t, c) ? NT_OK : perr(p, t->col, "expected '%s'", m);
}

static bool is_ident(nt_str s) {
    if (!s.n || s.n >= 32)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

static bool eq(nt_str s, const char *c) {
    return nt_str_eq_c(s, c);
}

/* Folds and interns one word. */
static nt_err word_id(ps *p, nt_str w, uint32_t *id) {
    nt_str f;
    if (w.n > 256)
        return NT_ELIMIT;
    if (norm_fold(w.p, w.n, p->a, &f) != NT_OK)
        return NT_ENOMEM;
    if (!f.n)
        return NT_EINVAL;
    return rules__word_add(p->s, f, id);
}

/* The index of class `name`, created (undefined) on first use. */
static nt_err class_ref(ps *p, const tk *t, bool define, uint32_t *idx) {
    rules_builder *b = p->b;
    char nm[32];
    if (!is_ident(t->s))
        return perr(p, t->col, "bad class name%s", NULL);
    snprintf(nm, sizeof(nm), "%.*s", (int)t->s.n, t->s.p);
    for (uint32_t i = 0; i < b->n_classes; i++)
        if (strcmp(b->classes[i].name, nm) == 0) {
            b->classes[i].defined |= define;
            *idx = i;
            return NT_OK;
        }
    if (b->n_classes == RULES_MAX_CLASSES)
        return perr(p, t->col, "too many classes (at most %s)", "64");
    rules_classref *c = &b->classes[b->n_classes];
    memset(c, 0, sizeof(*c));
    memcpy(c->name, nm, sizeof(nm));
    c->defined = define;
    c->line = p->line;
    c->col = t->col;
    snprintf(c->file, sizeof(c->file), "%s", p->file);
    *idx = b->n_classes++;
    return NT_OK;
}

/* ---- statements ---- */

/* The next word of a word list (class members, modality cues) → its word id; `expected`
 * is the error message when the token is not a word. */
static nt_err list_word(ps *p, const char *expected, uint32_t *id) {
    tk *w = next(p);
    nt_err rc;
    if (w->kind != TK_WORD && w->kind != TK_QWORD)
        return perr(p, w->col, expected, NULL);
    if ((rc = word_id(p, w->s, id)) != NT_OK)
        return rc == NT_ENOMEM ? rc : perr(p, w->col, "bad word%s", NULL);
    return NT_OK;
}

static nt_err st_class(ps *p) {
    uint32_t ci;
    nt_err rc;
    tk *name = next(p);
    if (name->kind != TK_WORD)
        return perr(p, name->col, "expected a class name%s", NULL);
    if ((rc = class_ref(p, name, true, &ci)) != NT_OK)
        return rc;
    if ((rc = expect(p, '=')) != NT_OK)
        return rc;
    if (peek(p)->kind == TK_END)
        return perr(p, peek(p)->col, "a class needs at least one word%s", NULL);
    while (peek(p)->kind != TK_END) {
        uint32_t id;
        if ((rc = list_word(p, "expected a word%s", &id)) != NT_OK)
            return rc;
        p->s->words[id].classes |= 1ull << ci;
    }
    return NT_OK;
}

static nt_err st_event(ps *p) {
    rules_set *s = p->s;
    nt_err rc;
    tk *name = next(p), *code = NULL, *as = NULL;
    float conf = 0.7f;
    uint8_t minargs = 0;
    if (name->kind != TK_WORD || !is_ident(name->s))
        return perr(p, name->col, "expected an event name%s", NULL);
    for (uint32_t e = 0; e < s->n_events; e++)
        if (nt_str_eq(rules__str(s, s->events[e].name_off, s->events[e].name_len), name->s))
            return perr(p, name->col, "event defined twice%s", NULL);
    while (peek(p)->kind != TK_END) {
        tk *k = next(p);
        if (k->kind != TK_WORD || (!eq(k->s, "cameo") && !eq(k->s, "conf") && !eq(k->s, "minargs") && !eq(k->s, "as")))
            return perr(p, k->col, "expected cameo=CODE, conf=NUMBER, minargs=N or as=TYPE%s", NULL);
        if ((rc = expect(p, '=')) != NT_OK)
            return rc;
        tk *v = next(p);
        if (v->kind != TK_WORD)
            return perr(p, v->col, "expected a value%s", NULL);
        if (eq(k->s, "cameo")) {
            for (size_t i = 0; i < v->s.n; i++)
                if (v->s.p[i] < '0' || v->s.p[i] > '9' || v->s.n > 4)
                    return perr(p, v->col, "a CAMEO code is 2 to 4 digits%s", NULL);
            code = v;
        } else if (eq(k->s, "as")) {
            if (!is_ident(v->s))
                return perr(p, v->col, "as= needs an event type name%s", NULL);
            as = v;
        } else if (eq(k->s, "minargs")) {
            if (v->s.n != 1 || v->s.p[0] < '0' || v->s.p[0] > '8')
                return perr(p, v->col, "minargs must be 0..8%s", NULL);
            minargs = (uint8_t)(v->s.p[0] - '0');
        } else {
            char nb[32];
            snprintf(nb, sizeof(nb), "%.*s", (int)(v->s.n < 31 ? v->s.n : 31), v->s.p);
            char *end;
            conf = strtof(nb, &end);
            if (*end || conf <= 0 || conf > 1)
                return perr(p, v->col, "conf must be a number in (0, 1]%s", NULL);
        }
    }
    if (!code)
        return perr(p, name->col, "an event needs cameo=CODE%s", NULL);
    if ((rc = rules__grow((void **)&s->events, &s->cap_events, s->n_events,
                          sizeof(rules_event))) != NT_OK)
        return rc;
    rules_event *e = &s->events[s->n_events];
    memset(e, 0, sizeof(*e));
    if ((rc = rules__pool_add(s, (as ? as : name)->s, &e->type_off)) != NT_OK ||
        (rc = rules__pool_add(s, name->s, &e->name_off)) != NT_OK ||
        (rc = rules__pool_add(s, code->s, &e->cameo_off)) != NT_OK)
        return rc;
    e->name_len = (uint32_t)name->s.n;
    e->type_len = (uint32_t)(as ? as : name)->s.n;
    e->cameo_len = (uint32_t)code->s.n;
    e->conf = conf;
    e->min_args = minargs;
    e->pat_off = s->n_pats;
    p->b->cur_event = s->n_events++;
    return NT_OK;
}

static bool vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* One-syllable consonant-vowel-consonant words double their last letter: stab → stabbed. */
static bool doubles(const char *w, size_t n) {
    if (n < 3 || vowel(w[n - 1]) || strchr("wxy", w[n - 1]) || !vowel(w[n - 2]) ||
        vowel(w[n - 3]))
        return false;
    int groups = 0;
    for (size_t i = 0; i < n; i++)
        if (vowel(w[i]) && (i == 0 || !vowel(w[i - 1])))
            groups++;
    return groups == 1;
}

/* Writes the inflected form `kind` (0 as is, 1 -s, 2 -ed, 3 -ing) of ASCII word w. */
static size_t inflect(const char *w, size_t n, int kind, char *out) {
    memcpy(out, w, n);
    char last = n ? w[n - 1] : 0, prev = n > 1 ? w[n - 2] : 0;
    if (kind == 1) {
        if (last == 's' || last == 'x' || last == 'z' || (last == 'h' && (prev == 'c' || prev == 's')))
            return memcpy(out + n, "es", 2), n + 2;
        if (last == 'y' && !vowel(prev))
            return memcpy(out + n - 1, "ies", 3), n + 2;
        return out[n] = 's', n + 1;
    }
    if (kind == 2) {
        if (last == 'e')
            return out[n] = 'd', n + 1;
        if (last == 'y' && !vowel(prev))
            return memcpy(out + n - 1, "ied", 3), n + 2;
        if (doubles(w, n))
            return out[n] = last, memcpy(out + n + 1, "ed", 2), n + 3;
        return memcpy(out + n, "ed", 2), n + 2;
    }
    if (kind == 3) {
        if (last == 'e' && prev == 'i')
            return memcpy(out + n - 2, "ying", 4), n + 2;
        if (last == 'e' && prev != 'e' && prev != 'y' && prev != 'o')
            return memcpy(out + n - 1, "ing", 3), n + 2;
        if (doubles(w, n))
            return out[n] = last, memcpy(out + n + 1, "ing", 3), n + 4;
        return memcpy(out + n, "ing", 3), n + 3;
    }
    return n;
}

/* Adds one trigger form: `form` is words separated by '_' (and '-' as a word of its own);
 * word `which` (0 first, -1 last) is inflected with `kind`. */
static nt_err add_form(ps *p, const tk *t, nt_str form, int which, int kind) {
    rules_set *s = p->s;
    rules_trigger tr = {.event = p->b->cur_event};
    char buf[RULES_MAX_WORD + 8];
    nt_str parts[RULES_MAX_PHRASE];
    size_t np = 0, i = 0;
    nt_err rc;
    while (i < form.n) {
        size_t j = i;
        if (form.p[i] == '-')
            j = i + 1;
        else
            while (j < form.n && form.p[j] != '_' && form.p[j] != '-')
                j++;
        if (j > i) {
            if (np == RULES_MAX_PHRASE)
                return perr(p, t->col, "a trigger phrase has at most %s words", "4");
            parts[np++] = (nt_str){form.p + i, j - i};
        }
        i = (j < form.n && form.p[j] == '_') ? j + 1 : j;
    }
    if (!np)
        return perr(p, t->col, "empty trigger form%s", NULL);
    size_t w = which < 0 ? np - 1 : 0;
    for (size_t k = 0; k < np; k++) {
        nt_str x = parts[k];
        bool ascii = true;
        for (size_t q = 0; q < x.n; q++)
            ascii &= (unsigned char)x.p[q] < 0x80 && x.p[q] != '\'';
        if (k == w && kind && ascii && x.n <= RULES_MAX_WORD) {
            char low[RULES_MAX_WORD];
            for (size_t q = 0; q < x.n; q++)
                low[q] = (char)(x.p[q] >= 'A' && x.p[q] <= 'Z' ? x.p[q] | 32 : x.p[q]);
            x = (nt_str){buf, inflect(low, x.n, kind, buf)};
        }
        if ((rc = word_id(p, x, &tr.words[k])) != NT_OK)
            return rc == NT_ENOMEM ? rc : perr(p, t->col, "bad trigger word%s", NULL);
    }
    tr.n_words = (uint32_t)np;
    for (uint32_t k = 0; k < s->n_trigs; k++) { /* no duplicate forms per event */
        const rules_trigger *o = &s->trigs[k];
        if (o->event == tr.event && o->n_words == tr.n_words &&
            !memcmp(o->words, tr.words, np * sizeof(uint32_t)))
            return NT_OK;
    }
    if ((rc = rules__grow((void **)&s->trigs, &s->cap_trigs, s->n_trigs,
                          sizeof(rules_trigger))) != NT_OK)
        return rc;
    s->trigs[s->n_trigs++] = tr;
    return NT_OK;
}

static nt_err st_trigger(ps *p) {
    nt_err rc;
    tk *kind = next(p);
    int k;
    if (p->b->cur_event == RULES_NONE)
        return perr(p, kind->col, "trigger outside an event%s", NULL);
    if (kind->kind == TK_WORD && eq(kind->s, "verb"))
        k = 0;
    else if (kind->kind == TK_WORD && eq(kind->s, "noun"))
        k = 1;
    else if (kind->kind == TK_WORD && eq(kind->s, "word"))
        k = 2;
    else
        return perr(p, kind->col, "expected verb, noun or word%s", NULL);
    if ((rc = expect(p, ':')) != NT_OK)
        return rc;
    if (peek(p)->kind == TK_END)
        return perr(p, peek(p)->col, "a trigger line needs at least one form%s", NULL);
    while (peek(p)->kind != TK_END) {
        tk *t = next(p);
        if (t->kind != TK_WORD && t->kind != TK_QWORD)
            return perr(p, t->col, "expected a trigger form%s", NULL);
        nt_str f = t->s;
        size_t sl = 0;
        while (sl < f.n && f.p[sl] != '/')
            sl++;
        nt_str lemma = {f.p, sl};
        if (k == 0) {
            for (int infl = 0; infl <= 3; infl++)
                if ((rc = add_form(p, t, lemma, 0, infl)) != NT_OK)
                    return rc;
        } else if ((rc = add_form(p, t, lemma, -1, 0)) != NT_OK ||
                   (k == 1 && (rc = add_form(p, t, lemma, -1, 1)) != NT_OK)) {
            return rc;
        }
        while (sl < f.n) { /* extra forms, as written */
            size_t b0 = ++sl;
            while (sl < f.n && f.p[sl] != '/')
                sl++;
            if ((rc = add_form(p, t, (nt_str){f.p + b0, sl - b0}, 0, 0)) != NT_OK)
                return rc;
        }
    }
    return NT_OK;
}

static nt_err st_modality(ps *p) {
    nt_err rc;
    tk *kind = next(p);
    int m = -1;
    for (int i = 1; i < RULES_MOD_COUNT; i++)
        if (kind->kind == TK_WORD && eq(kind->s, rules__mod_names[i]))
            m = i;
    if (m < 0)
        return perr(p, kind->col, "expected alleged, denied, negated or hypothetical%s", NULL);
    tk *w = next(p);
    if (w->kind != TK_WORD || !eq(w->s, "window"))
        return perr(p, w->col, "expected window=N%s", NULL);
    if ((rc = expect(p, '=')) != NT_OK)
        return rc;
    tk *v = next(p);
    int win = 0;
    for (size_t i = 0; v->kind == TK_WORD && i < v->s.n && win <= 100; i++)
        win = (v->s.p[i] >= '0' && v->s.p[i] <= '9') ? win * 10 + v->s.p[i] - '0' : 1000;
    if (win < 1 || win > RULES_MAX_WINDOW)
        return perr(p, v->col, "window must be 1..%s", "20");
    if ((rc = expect(p, ':')) != NT_OK)
        return rc;
    if (peek(p)->kind == TK_END)
        return perr(p, peek(p)->col, "a modality line needs at least one cue%s", NULL);
    while (peek(p)->kind != TK_END) {
        uint32_t id;
        if ((rc = list_word(p, "expected a cue word%s", &id)) != NT_OK)
            return rc;
        p->s->words[id].mod[m] = (uint8_t)win;
    }
    return NT_OK;
}

/* Defined in rules_pattern.c-free form below: the element parser. */
static nt_err parse_elem(ps *p, rules_elem *e, int *is_trig, int *is_start, int *is_end);

static nt_err st_pattern(ps *p, uint8_t kind) {
    rules_set *s = p->s;
    rules_elem el[RULES_MAX_ELEMS];
    int n = 0, trig = -1, col0 = peek(p)->col;
    nt_err rc;
    bool anchored = false, ended = false;
    if (p->b->cur_event == RULES_NONE)
        return perr(p, col0, "pattern outside an event%s", NULL);
    while (peek(p)->kind != TK_END) {
        int it = 0, is = 0, ie = 0, col = peek(p)->col;
        if (n == RULES_MAX_ELEMS)
            return perr(p, col, "a pattern has at most %s elements", "32");
        if (ended)
            return perr(p, col, "'$' must come last%s", NULL);
        if ((rc = parse_elem(p, &el[n], &it, &is, &ie)) != NT_OK)
            return rc;
        if (ie && trig < 0 && !it)
            return perr(p, col, "'$' must follow TRIGGER%s", NULL);
        ended = ie != 0;
        if (it) {
            if (trig >= 0)
                return perr(p, col, "TRIGGER appears twice%s", NULL);
            trig = n;
        }
        if (is) {
            if (n != 0)
                return perr(p, col, "'^' must come first%s", NULL);
            anchored = true;
        }
        if (el[n].kind == RULES_E_GAP && n > 0 && el[n - 1].kind == RULES_E_GAP)
            return perr(p, col, "two gaps in a row%s", NULL);
        n++;
    }
    if (trig < 0)
        return perr(p, col0, "a pattern needs TRIGGER%s", NULL);
    if (el[n - 1].kind == RULES_E_GAP || (trig > 0 && el[0].kind == RULES_E_GAP) ||
        (anchored && n > 1 && el[1].kind == RULES_E_GAP))
        return perr(p, col0, "a gap must lie between two elements%s", NULL);
    if ((rc = rules__grow((void **)&s->pats, &s->cap_pats, s->n_pats,
                          sizeof(rules_pattern))) != NT_OK)
        return rc;
    for (int k = 0; k < n; k++) {
        if ((rc = rules__grow((void **)&s->elems, &s->cap_elems, s->n_elems,
                              sizeof(rules_elem))) != NT_OK)
            return rc;
        s->elems[s->n_elems++] = el[k];
    }
    s->pats[s->n_pats] = (rules_pattern){.kind = kind, .anchored = anchored,
                                         .event = p->b->cur_event,
                                         .elem_off = s->n_elems - (uint32_t)n,
                                         .n_elems = (uint32_t)n, .trig = (uint32_t)trig,
                                         .line = (uint32_t)p->line};
    s->n_pats++;
    s->events[p->b->cur_event].n_pats++;
    return NT_OK;
}

static nt_err parse_stype(ps *p, rules_stype *st) {
    tk *t = next(p);
    nt_err rc;
    memset(st, 0, sizeof(*st));
    st->type = NT_TYPE_COUNT;
    if (is_pc(t, '@')) {
        uint32_t ci;
        tk *nm = next(p);
        if (nm->kind != TK_WORD)
            return perr(p, nm->col, "expected a class name after '@'%s", NULL);
        if ((rc = class_ref(p, nm, false, &ci)) != NT_OK)
            return rc;
        st->kind = RULES_S_CLASS;
        st->cls = (uint8_t)ci;
        return NT_OK;
    }
    if (t->kind != TK_WORD)
        return perr(p, t->col, "expected a slot type (PERSON, ORG, …, ENT, NP, DATE, REST)%s", NULL);
    if (eq(t->s, "NP"))
        st->kind = RULES_S_NP;
    else if (eq(t->s, "DATE"))
        st->kind = RULES_S_DATE;
    else if (eq(t->s, "REST"))
        st->kind = RULES_S_REST;
    else if (eq(t->s, "ENT"))
        st->kind = RULES_S_ENT;
    else {
        size_t sl = 0;
        nt_type ty;
        while (sl < t->s.n && t->s.p[sl] != '/')
            sl++;
        if (nt_type_parse((nt_str){t->s.p, sl}, &ty) != NT_OK)
            return perr(p, t->col, "unknown slot type '%s'",
                        arena_strndup(p->a, t->s.p, sl) ? arena_strndup(p->a, t->s.p, sl) : "");
        st->kind = RULES_S_ENT;
        st->type = (uint8_t)ty;
        if (sl < t->s.n) {
            if (sl + 1 == t->s.n)
                return perr(p, t->col + (int)sl, "empty subtype%s", NULL);
            if ((rc = rules__pool_add(p->s, (nt_str){t->s.p + sl + 1, t->s.n - sl - 1},
                                      &st->sub_off)) != NT_OK)
                return rc;
            st->sub_len = (uint32_t)(t->s.n - sl - 1);
        }
    }
    return NT_OK;
}

static nt_err parse_slot(ps *p, rules_elem *e) {
    rules_set *s = p->s;
    nt_err rc;
    e->kind = RULES_E_SLOT;
    if (peek(p)->kind == TK_WORD && is_pc(&p->t[p->i + 1], ':')) {
        tk *r = next(p);
        next(p);
        for (int k = 1; k < RULES_ROLE_COUNT; k++)
            if (eq(r->s, rules__role_names[k]))
                e->role = (uint8_t)k;
        if (!e->role)
            return perr(p, r->col, "unknown role (actor, target, victim, instrument, place, time, speaker, topic)%s", NULL);
    }
    e->off = s->n_stypes;
    for (;;) {
        if (e->n == RULES_MAX_STYPES)
            return perr(p, peek(p)->col, "a slot has at most %s types", "8");
        if ((rc = rules__grow((void **)&s->stypes, &s->cap_stypes, s->n_stypes,
                              sizeof(rules_stype))) != NT_OK)
            return rc;
        if ((rc = parse_stype(p, &s->stypes[s->n_stypes])) != NT_OK)
            return rc;
        e->sk |= (uint8_t)(1u << s->stypes[s->n_stypes].kind);
        s->n_stypes++;
        e->n++;
        tk *t = next(p);
        if (is_pc(t, ']'))
            return NT_OK;
        if (!is_pc(t, '|'))
            return perr(p, t->col, "expected '|' or ']'%s", NULL);
    }
}

static nt_err parse_alts(ps *p, rules_elem *e) {
    rules_set *s = p->s;
    nt_err rc;
    e->kind = RULES_E_ALT;
    e->off = s->n_alts;
    for (;;) {
        tk *t = next(p);
        if (is_pc(t, '@')) {
            uint32_t ci;
            tk *nm = next(p);
            if (nm->kind != TK_WORD)
                return perr(p, nm->col, "expected a class name after '@'%s", NULL);
            if ((rc = class_ref(p, nm, false, &ci)) != NT_OK)
                return rc;
            e->classes |= 1ull << ci;
        } else if (t->kind == TK_WORD || t->kind == TK_QWORD) {
            uint32_t id;
            if (e->n == 255)
                return perr(p, t->col, "too many alternatives%s", NULL);
            if ((rc = word_id(p, t->s, &id)) != NT_OK)
                return rc == NT_ENOMEM ? rc : perr(p, t->col, "bad word%s", NULL);
            if ((rc = rules__grow((void **)&s->alts, &s->cap_alts, s->n_alts,
                                  sizeof(uint32_t))) != NT_OK)
                return rc;
            s->alts[s->n_alts++] = id;
            e->n++;
        } else {
            return perr(p, t->col, "expected a word or @CLASS in alternatives%s", NULL);
        }
        t = next(p);
        if (is_pc(t, ')'))
            return NT_OK;
        if (!is_pc(t, '|'))
            return perr(p, t->col, "expected '|' or ')'%s", NULL);
    }
}

static nt_err parse_elem(ps *p, rules_elem *e, int *is_trig, int *is_start, int *is_end) {
    nt_err rc;
    tk *t = next(p);
    memset(e, 0, sizeof(*e));
    if (t->kind == TK_GAP) {
        e->kind = RULES_E_GAP;
        e->n = (uint8_t)t->gap;
        return is_pc(peek(p), '?') ? perr(p, peek(p)->col, "a gap cannot be optional%s", NULL)
                                   : NT_OK;
    }
    if (t->kind == TK_WORD && eq(t->s, "TRIGGER")) {
        e->kind = RULES_E_TRIGGER;
        *is_trig = 1;
        return is_pc(peek(p), '?') ? perr(p, peek(p)->col, "TRIGGER cannot be optional%s", NULL)
                                   : NT_OK;
    }
    if (is_pc(t, '^')) {
        e->kind = RULES_E_START;
        *is_start = 1;
        return NT_OK;
    }
    if (is_pc(t, '$')) {
        e->kind = RULES_E_END;
        *is_end = 1;
        return is_pc(peek(p), '?') ? perr(p, peek(p)->col, "'$' cannot be optional%s", NULL)
                                   : NT_OK;
    }
    if (is_pc(t, '!')) {
        int col = t->col;
        t = next(p);
        if (!(is_pc(t, '(') || is_pc(t, '@') || t->kind == TK_WORD || t->kind == TK_QWORD) ||
            (t->kind == TK_WORD && eq(t->s, "TRIGGER")))
            return perr(p, col, "'!' takes a word, (alternatives) or @CLASS%s", NULL);
        e->negated = 1;
    }
    if (is_pc(t, '[')) {
        rc = parse_slot(p, e);
    } else if (is_pc(t, '(')) {
        rc = parse_alts(p, e);
    } else if (is_pc(t, '@')) {
        uint32_t ci;
        tk *nm = next(p);
        if (nm->kind != TK_WORD)
            return perr(p, nm->col, "expected a class name after '@'%s", NULL);
        if ((rc = class_ref(p, nm, false, &ci)) != NT_OK)
            return rc;
        e->kind = RULES_E_CLASS;
        e->classes = 1ull << ci;
    } else if (t->kind == TK_WORD || t->kind == TK_QWORD) {
        e->kind = RULES_E_WORD;
        if ((rc = word_id(p, t->s, &e->word)) != NT_OK)
            return rc == NT_ENOMEM ? rc : perr(p, t->col, "bad word%s", NULL);
    } else {
        return perr(p, t->col, "unexpected '%s' in a pattern",
                    t->kind == TK_END ? "end of line" : arena_strndup(p->a, t->s.p, t->s.n));
    }
    if (rc != NT_OK)
        return rc;
    if (is_pc(peek(p), '?')) {
        if (e->negated)
            return perr(p, peek(p)->col, "a '!' element cannot be optional%s", NULL);
        next(p);
        e->optional = 1;
    }
    return NT_OK;
}

static nt_err statement(ps *p) {
    tk *k = next(p);
    if (k->kind != TK_WORD)
        return perr(p, k->col, "expected a statement (class, event, trigger, pattern, require, unless, modality)%s", NULL);
    if (eq(k->s, "class"))
        return st_class(p);
    if (eq(k->s, "event"))
        return st_event(p);
    if (eq(k->s, "trigger"))
        return st_trigger(p);
    if (eq(k->s, "pattern"))
        return st_pattern(p, RULES_P_PATTERN);
    if (eq(k->s, "require"))
        return st_pattern(p, RULES_P_REQUIRE);
    if (eq(k->s, "unless"))
        return st_pattern(p, RULES_P_UNLESS);
    if (eq(k->s, "modality"))
        return st_modality(p);
    return perr(p, k->col, "unknown statement '%s'", arena_strndup(p->a, k->s.p, k->s.n < 40 ? k->s.n : 40));
}

nt_err rules_builder_add(rules_builder *b, const char *file, nt_str text, rules_diag *d) {
    ps *p = calloc(1, sizeof(*p));
    nt_err rc = NT_ENOMEM;
    if (!p)
        return NT_ENOMEM;
    p->b = b;
    p->s = b->s;
    p->file = file ? file : "<rules>";
    p->d = d;
    p->a = arena_new(0);
    if (!p->a || !b->s)
        goto out;
    b->cur_event = RULES_NONE;
    size_t i = 0;
    rc = NT_OK;
    while (i < text.n && rc == NT_OK) {
        size_t j = i;
        while (j < text.n && text.p[j] != '\n')
            j++;
        p->line++;
        arena_reset(p->a);
        if (memchr(text.p + i, 0, j - i)) {
            rc = perr(p, (int)((const char *)memchr(text.p + i, 0, j - i) - (text.p + i)) + 1,
                      "NUL byte%s", NULL);
            break;
        }
        if ((rc = lex(p, (nt_str){text.p + i, j - i})) == NT_OK && p->n > 0) {
            rc = statement(p);
            if (rc == NT_OK && peek(p)->kind != TK_END)
                rc = perr(p, peek(p)->col, "unexpected text after the statement%s", NULL);
        }
        i = j + 1;
    }
    if (rc == NT_ELIMIT || rc == NT_EINVAL)
        rc = perr(p, 1, "bad input%s", NULL);
out:
    arena_free(p ? p->a : NULL);
    free(p);
    return rc;
}
