/* rules.h - the event rule language: parse rule files (models/NAME.rules) and compile them
 * into one immutable rules_set that events.c runs over tokens and entity mentions. The
 * set is built once (at snapshot build), then read by any number of threads without
 * locks. Parsing and compiling allocate with malloc; running (events.c) never does.
 *
 * Grammar (EBNF; one statement per line, '#' starts a comment, indentation is free):
 *
 *   file      = { line } ;
 *   line      = [ stmt ] [ "#" { char } ] NL ;
 *   stmt      = class | event | trigger | pattern | modality ;
 *   class     = "class" NAME "=" word { word } ;
 *   event     = "event" NAME "cameo" "=" CODE [ "conf" "=" NUMBER ] [ "minargs" "=" INT ]
 *               [ "as" "=" NAME ] ;               (* as: report under another type *)
 *   trigger   = "trigger" ( "verb" | "noun" | "word" ) ":" form { form } ;
 *   form      = lemma { "/" extra } ;         (* "strike/struck": extra forms as given;
 *                                                "call_on": a phrase, '_' = one space  *)
 *   pattern   = ( "pattern" | "require" | "unless" ) elem { elem } ;
 *   modality  = "modality" MODALITY "window" "=" INT ":" word { word } ;
 *   elem      = atom [ "?" ] | "!" atom | gap | "TRIGGER" | "^" | "$" ;
 *                                           (* "!": the next token is not it, zero-width;
 *                                              "$": the sentence end, after TRIGGER *)
 *   atom      = word | "@" NAME | "(" alt { "|" alt } ")" | slot ;
 *   alt       = word | "@" NAME ;
 *   slot      = "[" [ ROLE ":" ] stype { "|" stype } "]" ;
 *   stype     = TYPE [ "/" SUBTYPE ] | "ENT" | "NP" | "DATE" | "REST" | "@" NAME ;
 *   gap       = ".." INT ;                    (* 0 < INT <= 40 *)
 *   word      = BARE | '"' { char } '"' ;    (* compared after folding *)
 *   TYPE      = "PERSON" | "ORG" | "LOC" | "WEAPON" | "NORP" | "FAC" | "MISC" ;
 *   ROLE      = "actor" | "target" | "victim" | "instrument" | "place" | "time"
 *             | "speaker" | "topic" ;
 *   MODALITY  = "alleged" | "denied" | "negated" | "hypothetical" ;
 *
 * Semantics. A trigger line adds forms to the event above it: "verb" lemmas get -s, -ed
 * and -ing forms, "noun" lemmas their plural, "word" forms match as written. A token (or
 * phrase) that is a trigger form starts an event of that type, unless an "unless"
 * pattern matches or a "require" pattern does not; when several events claim one token
 * the first in file order wins; an event with fewer than `minargs` arguments found is
 * dropped (mentions of events with no participants are mostly generic). Each pattern contains TRIGGER once: the elements left of
 * it are matched right-to-left from the trigger, those right of it left-to-right (a
 * pattern starting with "^" matches from the sentence start instead). A gap "..N" lets
 * the next element start up to N tokens further (nearest first, never backtracking, never
 * across the sentence end or a token of class GAPSTOP), so a pattern costs O(length × N)
 * per trigger and a sentence O(tokens). "?" makes an element optional; "!x" checks that the
 * next token is not x without consuming it; "$" matches the end of the sentence. A slot matches an
 * entity mention of a listed type, a noun phrase (NP, built with the classes DET, STOP
 * and PRON), a time expression (DATE), the rest of the sentence (REST) or a token of a
 * class; a named slot fills that argument role of the event if it is still empty and its
 * words play no other role yet. Classes VERB (ends noun phrases) and REL (an NP slot on a
 * relative pronoun takes its antecedent) are read by name, like DET, STOP and PRON. The
 * patterns of an event run in file order. Modality cues of a kind, within `window`
 * tokens before a trigger in its clause (no BARRIER-class token between), set the
 * event's modality; the nearest cue wins. Classes DIRECTION and UNIT, when defined, let
 * a place argument carry its offset ("15 miles west of Homs").
 *
 * Example 1 (an attack with its actor, instrument and place):
 *   event attack cameo=190
 *     trigger noun: attack strike/strikes airstrike
 *     pattern [actor: WEAPON|ORG|NP] ..3 (join|launch) ..2 TRIGGER
 *     pattern TRIGGER ..12 (launching|firing) [instrument: WEAPON|NP]
 *     pattern TRIGGER ..20 (in|near|of) [place: LOC]
 * Example 2 (passive voice): pattern [victim: NP] (was|were) TRIGGER by [actor: ORG|NP]
 * Example 3 (coordination):  pattern ^ [actor: ORG|PERSON|NP] ..30 TRIGGER
 * The golden cases in tests/golden/cases/events-* are the executable specification. */
#ifndef NT_RULES_H
#define NT_RULES_H

#include "newstag.h"

typedef struct rules_set rules_set;
typedef struct rules_builder rules_builder;

/* Where a rule file went wrong: filled by rules_builder_add / rules_compile on
 * NT_EPARSE. Caller storage; `file` is copied (truncated). line and col are 1-based
 * (col counts bytes). */
typedef struct rules_diag {
    char file[256];
    int line, col;
    char msg[200];
} rules_diag;

/* Returns a new, empty builder (free with rules_builder_free). NT_ENOMEM. */
nt_err rules_builder_new(rules_builder **out);
void rules_builder_free(rules_builder *b);
/* Parses the rule file `text` (named `file` in diagnostics) into the builder. Classes
 * are shared by all files of a builder; events and modality cues accumulate.
 * NT_EPARSE with *d filled on the first error (the builder keeps what came before);
 * NT_ENOMEM. */
nt_err rules_builder_add(rules_builder *b, const char *file, nt_str text, rules_diag *d);
/* Compiles everything added into a new immutable set (free with rules_set_free). The
 * builder must still be freed. NT_EPARSE (+ *d) for a reference to an undefined class;
 * NT_ENOMEM. */
nt_err rules_builder_finish(rules_builder *b, rules_set **out, rules_diag *d);
/* One file → a new set: rules_builder_new + _add + _finish. */
nt_err rules_compile(const char *file, nt_str text, rules_set **out, rules_diag *d);
/* Accepts NULL. */
void rules_set_free(rules_set *s);
/* Number of events, trigger forms and patterns in the set. */
size_t rules_event_count(const rules_set *s);
size_t rules_trigger_count(const rules_set *s);
size_t rules_pattern_count(const rules_set *s);

#endif
