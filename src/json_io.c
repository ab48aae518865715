/* json_io.c - the JSON edge (json_io.h): the only src/ file that includes <jansson.h>.
 * Offsets are converted once per response: every byte offset is collected, converted in
 * one sorted forward pass (utf8_convert_offsets), and written back. */
#include "json_io.h"

#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *jstr(nt_str s) {
    return json_stringn(s.p ? s.p : "", s.n);
}

json_t *jio_error(const char *code, const char *msg) {
    return json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
}

/* Collects the offsets of the response, converts them, and hands them back in order. */
typedef struct offs {
    uint32_t *v;
    size_t n, cap;
} offs;

static bool offs_push(offs *o, uint32_t x) {
    if (o->n == o->cap) {
        size_t nc = o->cap ? o->cap * 2 : 256;
        uint32_t *nv = realloc(o->v, nc * sizeof(uint32_t));
        if (!nv)
            return false;
        o->v = nv;
        o->cap = nc;
    }
    o->v[o->n++] = x;
    return true;
}

static uint32_t map_off(const jio_meta *m, uint32_t b) {
    return m->map ? m->map[b] : b;
}

static uint32_t map_end(const jio_meta *m, uint32_t b) {
    return m->emap ? m->emap[b] : map_off(m, b);
}

static bool collect(const tg_result *r, const jio_meta *m, offs *o) {
    for (size_t i = 0; i < r->n_ents; i++)
        for (size_t k = 0; k < r->ents[i].n_mentions; k++)
            if (!offs_push(o, map_off(m, r->ents[i].mentions[k].start)) ||
                !offs_push(o, map_end(m, r->ents[i].mentions[k].end)))
                return false;
    for (size_t i = 0; i < r->n_events; i++) {
        const tg_event *e = &r->events[i];
        if (!offs_push(o, map_off(m, e->trig_start)) || !offs_push(o, map_end(m, e->trig_end)))
            return false;
        for (size_t k = 0; k < e->n_args; k++)
            if (!offs_push(o, map_off(m, e->args[k].start)) || !offs_push(o, map_end(m, e->args[k].end)))
                return false;
    }
    for (size_t i = 0; i < r->doc.n_sents; i++)
        if (!offs_push(o, map_off(m, r->doc.sents[i].start)) ||
            !offs_push(o, map_end(m, r->doc.sents[i].end)))
            return false;
    return true;
}

static json_t *attrs_json(const snap *s, const tg_entity *e) {
    json_t *a = json_object();
    if (!a || e->snap_idx < 0)
        return a;
    const snap_entity *se = snap_entity_at(s, (uint32_t)e->snap_idx);
    for (uint32_t k = 0; k < se->n_attrs; k++) {
        nt_str key, val;
        snap_entity_attr(s, se, k, &key, &val);
        char kb[40];
        snprintf(kb, sizeof(kb), "%.*s", (int)(key.n < 39 ? key.n : 39), key.p);
        json_t *v;
        bool numeric = nt_str_eq_c(key, "lat") || nt_str_eq_c(key, "lon") ||
                       nt_str_eq_c(key, "population");
        if (numeric) {
            char nb[32];
            snprintf(nb, sizeof(nb), "%.*s", (int)(val.n < 31 ? val.n : 31), val.p);
            char *end;
            double d = strtod(nb, &end);
            v = *end ? jstr(val) : (nt_str_eq_c(key, "population") ? json_integer((json_int_t)d) : json_real(d));
        } else {
            v = jstr(val);
        }
        json_object_set_new(a, kb, v);
    }
    return a;
}

static const char *const source_names[] = {"gazetteer", "rule", "coref"};

static json_t *span(nt_str text, const tg_mention *mn, const offs *o, size_t *oi,
                    const jio_meta *m) {
    uint32_t s = o->v[(*oi)++], e = o->v[(*oi)++];
    nt_str src = m->map ? m->source : text;
    uint32_t bs = map_off(m, mn->start), be = map_end(m, mn->end);
    return json_pack("{s:o,s:I,s:I,s:I,s:s,s:f}", "text",
                     jstr((nt_str){src.p + bs, be - bs}), "start", (json_int_t)s, "end",
                     (json_int_t)e, "sentence", (json_int_t)mn->sent, "source",
                     source_names[mn->source % 3], "confidence", (double)(int)(mn->conf * 100 + 0.5f) / 100);
}

json_t *jio_result(const snap *s, nt_str text, const tg_result *r, const jio_meta *m) {
    offs o = {0};
    json_t *root = NULL, *ents = NULL, *evs = NULL, *sents = NULL;
    size_t oi = 0, counts[NT_TYPE_COUNT], total = 0;
    nt_str src = m->map ? m->source : text;
    if (!collect(r, m, &o))
        goto out;
    utf8_convert_offsets(src.p, src.n, m->unit, o.v, o.n);
    ents = json_array();
    evs = json_array();
    sents = json_array();
    if (!ents || !evs || !sents)
        goto out;
    for (size_t i = 0; i < r->n_ents; i++) {
        const tg_entity *e = &r->ents[i];
        json_t *ms = json_array();
        for (size_t k = 0; k < e->n_mentions; k++)
            json_array_append_new(ms, span(text, &e->mentions[k], &o, &oi, m));
        json_array_append_new(
            ents, json_pack("{s:o,s:s,s:o,s:o,s:o,s:o}", "id", jstr(e->id), "type",
                            nt_type_name(e->type), "subtype", jstr(e->subtype), "name",
                            jstr(e->name), "attributes", attrs_json(s, e), "mentions", ms));
    }
    for (size_t i = 0; i < r->n_events; i++) {
        const tg_event *e = &r->events[i];
        uint32_t ts = o.v[oi++], te = o.v[oi++];
        uint32_t bs = map_off(m, e->trig_start), be = map_end(m, e->trig_end);
        json_t *args = json_array();
        for (size_t k = 0; k < e->n_args; k++) {
            const tg_arg *a = &e->args[k];
            uint32_t as = o.v[oi++], ae = o.v[oi++];
            uint32_t abs_ = map_off(m, a->start), abe = map_end(m, a->end);
            json_t *aj = json_pack("{s:s,s:o,s:I,s:I}", "role", a->role, "text",
                                   jstr((nt_str){src.p + abs_, abe - abs_}), "start",
                                   (json_int_t)as, "end", (json_int_t)ae);
            if (aj && a->entity >= 0 && (size_t)a->entity < r->n_ents)
                json_object_set_new(aj, "entity", jstr(r->ents[a->entity].id));
            if (aj && a->value.n)
                json_object_set_new(aj, "value", jstr(a->value));
            json_array_append_new(args, aj);
        }
        json_array_append_new(
            evs, json_pack("{s:o,s:o,s:I,s:{s:o,s:I,s:I},s:o,s:s,s:f}", "type", jstr(e->type),
                           "cameo", jstr(e->cameo), "sentence", (json_int_t)e->sent, "trigger",
                           "text", jstr((nt_str){src.p + bs, be - bs}), "start", (json_int_t)ts,
                           "end", (json_int_t)te, "arguments", args, "modality", e->modality,
                           "confidence", (double)(int)(e->conf * 100 + 0.5) / 100));
    }
    for (size_t i = 0; i < r->doc.n_sents; i++) {
        uint32_t ss = o.v[oi++], se = o.v[oi++];
        json_array_append_new(sents, json_pack("{s:I,s:I}", "start", (json_int_t)ss, "end",
                                               (json_int_t)se));
    }
    snap_counts(s, counts);
    for (int t = 0; t < NT_TYPE_COUNT; t++)
        total += counts[t];
    root = json_object();
    if (!root)
        goto out;
    if (m->id.n)
        json_object_set_new(root, "id", jstr(m->id));
    json_object_set_new(root, "dictionary",
                        json_pack("{s:I,s:I}", "version", (json_int_t)snap_version(s),
                                  "entities", (json_int_t)total));
    json_object_set_new(root, "offsets", json_string(nt_unit_name(m->unit)));
    json_object_set_new(root, "entities", ents);
    json_object_set_new(root, "events", evs);
    json_object_set_new(root, "sentences", sents);
    json_object_set_new(root, "took_ms", json_real((double)(int)(m->took_ms * 1000) / 1000));
    ents = evs = sents = NULL;
out:
    json_decref(ents);
    json_decref(evs);
    json_decref(sents);
    free(o.v);
    return root;
}

/* ---- requests ---- */

void jio_request_init(jio_request *r) {
    memset(r, 0, sizeof(*r));
    tagger_opts_init(&r->opts);
    r->unit = NT_UNIT_CHAR;
    r->language = nt_str_c("en");
}

static void dset(jio_diag *d, int status, const char *code, const char *msg) {
    d->status = status;
    snprintf(d->code, sizeof(d->code), "%s", code);
    snprintf(d->msg, sizeof(d->msg), "%s", msg);
}

static nt_err parse_types(jio_request *r, nt_str list, jio_diag *d) {
    uint32_t mask = 0;
    size_t i = 0;
    while (i <= list.n) {
        size_t j = i;
        while (j < list.n && list.p[j] != ',')
            j++;
        nt_str t = {list.p + i, j - i};
        nt_type ty;
        if (t.n && nt_type_parse(t, &ty) != NT_OK) {
            char m[160];
            snprintf(m, sizeof(m), "unknown entity type '%.*s' (PERSON ORG LOC WEAPON NORP FAC MISC)",
                     (int)(t.n > 40 ? 40 : t.n), t.p);
            dset(d, 422, "unknown_type", m);
            return NT_EINVAL;
        }
        if (t.n)
            mask |= 1u << ty;
        i = j + 1;
    }
    r->opts.types = mask;
    return NT_OK;
}

nt_err jio_apply_option(jio_request *r, const char *key, const char *val, jio_diag *d) {
    nt_str v = nt_str_c(val ? val : "");
    if (strcmp(key, "offsets") == 0) {
        if (nt_unit_parse(v, &r->unit) != NT_OK) {
            dset(d, 422, "bad_option", "offsets must be \"char\", \"utf16\" or \"byte\"");
            return NT_EINVAL;
        }
    } else if (strcmp(key, "types") == 0) {
        return parse_types(r, v, d);
    } else if (strcmp(key, "events") == 0) {
        if (nt_str_eq_c(v, "true") || nt_str_eq_c(v, "1"))
            r->opts.events = true;
        else if (nt_str_eq_c(v, "false") || nt_str_eq_c(v, "0"))
            r->opts.events = false;
        else {
            dset(d, 422, "bad_option", "events must be true or false");
            return NT_EINVAL;
        }
    } else if (strcmp(key, "min_confidence") == 0) {
        char *end;
        double x = strtod(val ? val : "", &end);
        if (!val || !*val || *end || !(x >= 0 && x <= 1)) {
            dset(d, 422, "bad_option", "min_confidence must be a number from 0 to 1");
            return NT_EINVAL;
        }
        r->opts.min_conf = x;
    } else if (strcmp(key, "id") == 0) {
        r->id = v;
    } else if (strcmp(key, "published") == 0) {
        r->published = v;
        r->opts.published = v;
    } else if (strcmp(key, "language") == 0) {
        if (!nt_str_eq_c(v, "en")) {
            dset(d, 422, "unsupported_language", "only language \"en\" is supported");
            return NT_EINVAL;
        }
    } else {
        char m[160];
        snprintf(m, sizeof(m), "unknown option '%.60s' (offsets, types, events, min_confidence, id, published, language)", key);
        dset(d, 422, "unknown_option", m);
        return NT_EINVAL;
    }
    return NT_OK;
}

static nt_err want_string(json_t *v, const char *name, nt_str *out, jio_diag *d) {
    if (!json_is_string(v)) {
        char m[120];
        snprintf(m, sizeof(m), "\"%s\" must be a string", name);
        dset(d, 422, "wrong_type", m);
        return NT_EINVAL;
    }
    *out = (nt_str){json_string_value(v), json_string_length(v)};
    return NT_OK;
}

static nt_err parse_options(jio_request *r, json_t *opts, jio_diag *d) {
    const char *k;
    json_t *v;
    if (!json_is_object(opts)) {
        dset(d, 422, "wrong_type", "\"options\" must be an object");
        return NT_EINVAL;
    }
    json_object_foreach(opts, k, v) {
        nt_err rc = NT_OK;
        if (strcmp(k, "types") == 0) {
            if (!json_is_array(v)) {
                dset(d, 422, "wrong_type", "options.types must be an array of type names");
                return NT_EINVAL;
            }
            uint32_t mask = 0;
            size_t i;
            json_t *t;
            json_array_foreach(v, i, t) {
                nt_type ty;
                if (!json_is_string(t) ||
                    nt_type_parse((nt_str){json_string_value(t), json_string_length(t)}, &ty) != NT_OK) {
                    dset(d, 422, "unknown_type", "options.types: each item must be one of PERSON ORG LOC WEAPON NORP FAC MISC");
                    return NT_EINVAL;
                }
                mask |= 1u << ty;
            }
            r->opts.types = mask;
        } else if (strcmp(k, "events") == 0) {
            if (!json_is_boolean(v)) {
                dset(d, 422, "wrong_type", "options.events must be true or false");
                return NT_EINVAL;
            }
            r->opts.events = json_is_true(v);
        } else if (strcmp(k, "min_confidence") == 0) {
            if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1) {
                dset(d, 422, "wrong_type", "options.min_confidence must be a number from 0 to 1");
                return NT_EINVAL;
            }
            r->opts.min_conf = json_number_value(v);
        } else if (strcmp(k, "offsets") == 0) {
            if (!json_is_string(v)) {
                dset(d, 422, "wrong_type", "options.offsets must be a string");
                return NT_EINVAL;
            }
            rc = jio_apply_option(r, "offsets", json_string_value(v), d);
        } else {
            char m[160];
            snprintf(m, sizeof(m), "unknown option '%.60s' (types, events, offsets, min_confidence)", k);
            dset(d, 422, "unknown_option", m);
            return NT_EINVAL;
        }
        if (rc != NT_OK)
            return rc;
    }
    return NT_OK;
}

nt_err jio_parse_request(const char *body, size_t n, json_t **root, jio_request *r,
                         jio_diag *d) {
    json_error_t err;
    const char *k;
    json_t *v;
    jio_request_init(r);
    /* JSON_ALLOW_NUL: "\\u0000" in a text is a NUL character like any other (it tokenizes
     * as a space); every string is read with its length, never as a C string */
    *root = json_loadb(body, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!*root) {
        char m[200];
        snprintf(m, sizeof(m), "malformed JSON at line %d, column %d: %s", err.line, err.column, err.text);
        dset(d, 400, "invalid_json", m);
        d->line = err.line;
        d->col = err.column;
        return NT_EPARSE;
    }
    if (!json_is_object(*root)) {
        dset(d, 422, "wrong_type", "the request body must be a JSON object");
        return NT_EINVAL;
    }
    json_object_foreach(*root, k, v) {
        nt_err rc = NT_OK;
        if (strcmp(k, "text") == 0) {
            rc = want_string(v, "text", &r->text, d);
            r->has_text = true;
        } else if (strcmp(k, "html") == 0) {
            rc = want_string(v, "html", &r->html, d);
            r->has_html = true;
        } else if (strcmp(k, "id") == 0) {
            rc = want_string(v, "id", &r->id, d);
        } else if (strcmp(k, "title") == 0) {
            rc = want_string(v, "title", &r->title, d);
        } else if (strcmp(k, "published") == 0) {
            rc = want_string(v, "published", &r->published, d);
            r->opts.published = r->published;
        } else if (strcmp(k, "language") == 0) {
            rc = want_string(v, "language", &r->language, d);
            if (rc == NT_OK && !nt_str_eq_c(r->language, "en")) {
                dset(d, 422, "unsupported_language", "only language \"en\" is supported");
                rc = NT_EINVAL;
            }
        } else if (strcmp(k, "options") == 0) {
            rc = parse_options(r, v, d);
        } else {
            char m[160];
            snprintf(m, sizeof(m), "unknown field '%.60s' (text, html, id, title, published, language, options)", k);
            dset(d, 422, "unknown_field", m);
            rc = NT_EINVAL;
        }
        if (rc != NT_OK)
            return rc;
    }
    if (r->has_text == r->has_html) {
        dset(d, 422, "missing_text", r->has_text ? "give either \"text\" or \"html\", not both"
                                                 : "the request needs a \"text\" (or \"html\") string");
        return NT_EINVAL;
    }
    return NT_OK;
}

/* ---- entries ---- */

json_t *jio_entry(const ent_entry *e) {
    json_t *al = json_array(), *at = json_object();
    for (size_t i = 0; i < e->n_aliases; i++) {
        json_t *a = json_pack("{s:o}", "text", jstr(e->aliases[i].text));
        if (a && e->aliases[i].mode != NT_CASE_TITLE)
            json_object_set_new(a, "case", json_string(nt_case_name(e->aliases[i].mode)));
        json_array_append_new(al, a);
    }
    for (size_t i = 0; i < e->n_attrs; i++) {
        char kb[40];
        snprintf(kb, sizeof(kb), "%.*s", (int)(e->attrs[i].key.n < 39 ? e->attrs[i].key.n : 39),
                 e->attrs[i].key.p);
        json_object_set_new(at, kb, jstr(e->attrs[i].val));
    }
    return json_pack("{s:o,s:s,s:o,s:o,s:o,s:o,s:s}", "id", jstr(e->id), "type",
                     nt_type_name(e->type), "subtype", jstr(e->subtype), "name", jstr(e->name),
                     "aliases", al, "attributes", at, "origin",
                     e->origin == ENT_ORIGIN_API ? "api" : "import");
}

static nt_err edia(ent_diag *d, const char *field, const char *msg) {
    snprintf(d->field, sizeof(d->field), "%s", field);
    snprintf(d->msg, sizeof(d->msg), "%s", msg);
    return NT_EINVAL;
}

static bool get_str(json_t *o, const char *k, nt_str *out, bool required) {
    json_t *v = json_object_get(o, k);
    if (!v)
        return !required;
    if (!json_is_string(v))
        return false;
    *out = (nt_str){json_string_value(v), json_string_length(v)};
    return true;
}

nt_err jio_parse_entry(json_t *j, arena *a, ent_entry *out, ent_diag *d) {
    nt_str type = {0};
    const char *k;
    json_t *v;
    memset(out, 0, sizeof(*out));
    if (!json_is_object(j))
        return edia(d, "entry", "an entry must be a JSON object");
    json_object_foreach(j, k, v) {
        if (strcmp(k, "id") && strcmp(k, "type") && strcmp(k, "subtype") && strcmp(k, "name") &&
            strcmp(k, "aliases") && strcmp(k, "attributes") && strcmp(k, "origin")) {
            char m[120];
            snprintf(m, sizeof(m), "unknown field '%.40s'", k);
            return edia(d, "entry", m);
        }
    }
    if (!get_str(j, "id", &out->id, false))
        return edia(d, "id", "\"id\" must be a string");
    if (!get_str(j, "type", &type, true) || nt_type_parse(type, &out->type) != NT_OK)
        return edia(d, "type", "\"type\" must be one of PERSON ORG LOC WEAPON NORP FAC MISC");
    if (!get_str(j, "subtype", &out->subtype, false))
        return edia(d, "subtype", "\"subtype\" must be a string");
    if (!get_str(j, "name", &out->name, true))
        return edia(d, "name", "\"name\" must be a non-empty string");
    json_t *al = json_object_get(j, "aliases");
    if (al && !json_is_array(al))
        return edia(d, "aliases", "\"aliases\" must be an array");
    size_t na = al ? json_array_size(al) : 0;
    if (na > ENT_MAX_ALIASES)
        return edia(d, "aliases", "too many aliases (at most 512)");
    out->aliases = arena_calloc(a, na ? na : 1, sizeof(ent_alias));
    if (!out->aliases)
        return NT_ENOMEM;
    for (size_t i = 0; i < na; i++) {
        json_t *x = json_array_get(al, i);
        ent_alias *e = &out->aliases[i];
        e->mode = NT_CASE_TITLE;
        if (json_is_string(x)) {
            e->text = (nt_str){json_string_value(x), json_string_length(x)};
        } else if (json_is_object(x)) {
            nt_str mode = {0};
            if (!get_str(x, "text", &e->text, true))
                return edia(d, "aliases", "each alias needs a \"text\" string");
            if (!get_str(x, "case", &mode, false) ||
                (mode.p && nt_case_parse(mode, &e->mode) != NT_OK))
                return edia(d, "aliases", "alias \"case\" must be \"exact\", \"title\" or \"any\"");
        } else {
            return edia(d, "aliases", "each alias must be a string or {\"text\", \"case\"}");
        }
        if (e->text.n == 0)
            return edia(d, "aliases", "empty alias");
    }
    out->n_aliases = na;
    json_t *at = json_object_get(j, "attributes");
    if (at && !json_is_object(at))
        return edia(d, "attributes", "\"attributes\" must be an object of strings or numbers");
    size_t nt = at ? json_object_size(at) : 0;
    if (nt > ENT_MAX_ATTRS)
        return edia(d, "attributes", "too many attributes (at most 64)");
    out->attrs = arena_calloc(a, nt ? nt : 1, sizeof(ent_attr));
    if (!out->attrs)
        return NT_ENOMEM;
    size_t i = 0;
    json_object_foreach(at, k, v) {
        ent_attr *x = &out->attrs[i++];
        x->key = nt_str_c(arena_strndup(a, k, strlen(k)));
        if (json_is_string(v)) {
            x->val = (nt_str){json_string_value(v), json_string_length(v)};
        } else if (json_is_number(v)) {
            char nb[40];
            int len = json_is_integer(v) ? snprintf(nb, sizeof(nb), "%lld", (long long)json_integer_value(v))
                                         : snprintf(nb, sizeof(nb), "%.6f", json_real_value(v));
            x->val = (nt_str){arena_strndup(a, nb, (size_t)len), (size_t)len};
        } else {
            return edia(d, "attributes", "attribute values must be strings or numbers");
        }
        if (!x->key.p || !x->val.p)
            return NT_ENOMEM;
    }
    out->n_attrs = nt;
    out->origin = ENT_ORIGIN_API;
    return NT_OK;
}
