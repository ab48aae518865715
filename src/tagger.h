/* tagger.h - the whole pipeline over one text: tokenize → gazetteer scan → resolve →
 * name rules → coreference → events. Pure: reads an immutable snapshot, writes only into
 * the caller's arena. Offsets in the result are BYTE offsets into `text`; json_io.h
 * converts them to the requested unit. Thread-safe for distinct arenas. */
#ifndef NT_TAGGER_H
#define NT_TAGGER_H

#include "arena.h"
#include "newstag.h"
#include "snapshot.h"
#include "tokenize.h"

typedef struct tagger_opts {
    uint32_t types;      /* bit (1 << nt_type) per wanted type; 0 = all */
    bool events;         /* run the event rules */
    double min_conf;     /* drop mentions below this confidence */
    size_t max_tokens;   /* 0 = no limit; NT_ELIMIT past it */
    nt_str published;    /* ISO date "YYYY-MM-DD…" anchoring relative times, or empty */
} tagger_opts;

enum tg_source { TG_SRC_GAZETTEER = 0, TG_SRC_RULE = 1, TG_SRC_COREF = 2 };

typedef struct tg_mention {
    uint32_t start, end;         /* bytes, half-open */
    uint32_t tok_start, tok_end; /* tokens, half-open */
    uint32_t sent;
    uint8_t source;              /* enum tg_source */
    float conf;
} tg_mention;

typedef struct tg_entity {
    int32_t snap_idx;     /* dictionary entity index, or -1 for names found by rules */
    nt_type type;
    nt_str id, subtype, name; /* borrowed from the snapshot or the arena */
    tg_mention *mentions;     /* arena, in text order */
    size_t n_mentions;
} tg_entity;

typedef struct tg_arg {
    const char *role;     /* static string: "actor", "target", … */
    uint32_t start, end;  /* bytes */
    int32_t entity;       /* index into tg_result.ents, or -1 */
    nt_str value;         /* normalised value (times: "2018-04"), or empty */
} tg_arg;

typedef struct tg_event {
    nt_str type, cameo;   /* borrowed from the snapshot's rules */
    uint32_t sent;
    uint32_t trig_start, trig_end; /* bytes */
    tg_arg *args;
    size_t n_args;
    const char *modality; /* "asserted", "alleged", "denied", "negated", "hypothetical" */
    float conf;
} tg_event;

typedef struct tg_result {
    tok_doc doc;          /* tokens and sentences (arena) */
    tg_entity *ents;      /* arena, ordered by first mention */
    size_t n_ents;
    tg_event *events;     /* arena, in text order */
    size_t n_events;
} tg_result;

void tagger_opts_init(tagger_opts *o);
/* Tags valid UTF-8 `text` (validate first with utf8_validate). Everything in *out lives
 * in `a` or is borrowed from `s` and `text`. NT_ENOMEM when the arena runs out,
 * NT_ELIMIT past o->max_tokens. */
nt_err tagger_run(const snap *s, const char *text, size_t len, const tagger_opts *o,
                  arena *a, tg_result *out);

#endif
