#!/usr/bin/env python3
"""gen_wordnet.py - write gazetteers/wordnet.tsv: WordNet noun synsets that are *instances*
(pointer "@i") of people, places and organisations.

Input (pinned): Debian wordnet-base 1:3.0 : /usr/share/wordnet/data.{noun,verb,adj,adv}
(WordNet 3.0, Princeton licence: free use with the copyright notice kept).

Mapping by lexicographer file and hypernym chain:
  noun.person (18) instances            -> PERSON  person/wn-<offset>
  noun.location (15) / noun.object (17) -> LOC     loc/wn-<offset>; subtype continent,
      country, city, admin1, admin2, water or landform when the chain says so, else
      region; stars, constellations and signs of the zodiac are skipped
  noun.group (14) instances below "organization" -> ORG org/wn-<offset>
Name = first lemma (underscores -> spaces, case kept); for a person whose first lemma is a
bare surname, the first full-name lemma ending with it ("Bush" -> "George Bush"). Aliases =
the other lemmas; for PERSON and ORG, one-word lemmas that are also lower-case common words
in WordNet ("Death", "Bush", "Capital") are dropped (places keep them: the tagger marks
such names weak); two-letter codes are dropped from places. Attributes: wordnet=<offset>;source=wordnet, born=<year> for people when
the gloss has a "(1809-1865)"-style span.

Run: python3 tools/gen/gen_wordnet.py      (deterministic; rewrites the output file)
"""
import os
import re

from gazlib import GAZ, Aliases, attrs, need, write_tsv

WN = "/usr/share/wordnet"
OUT = os.path.join(GAZ, "wordnet.tsv")

# Anchor synsets: (first lemmas joined by "+", lexicographer file number); a trailing "*"
# takes every synset with that first lemma in the file (both senses of "city", "county").
LOC_SKIP = [("celestial_body", "17"), ("constellation", "17"), ("sign_of_the_zodiac", "15")]
LOC_SUBTYPES = [                      # first match wins
    ("continent", [("continent", "17")]),
    ("country", [("country+state", "15")]),
    ("city", [("city*", "15"), ("town", "15"), ("municipality", "15"), ("village", "15")]),
    ("admin1", [("state+province", "15")]),
    ("admin2", [("county*", "15")]),
    ("water", [("body_of_water", "17"), ("waterfall", "17")]),
    ("landform", [("geological_formation", "17"), ("land+dry_land", "17"),
                  ("mountain", "17"), ("mountain_peak", "17"),
                  ("range+mountain_range", "17"), ("desert", "15"), ("island", "17"),
                  ("peninsula", "17"), ("volcano", "17"), ("tableland", "17"),
                  ("cape", "17"), ("hill", "17"), ("archipelago", "17")]),
]
ORG_ROOTS = [("organization", "14"), ("terrorist_organization", "14")]
ORG_SUBTYPES = [
    ("armed_group", [("terrorist_organization", "14"), ("guerrilla_force", "14")]),
    ("ngo", [("nongovernmental_organization", "14")]),
    ("party", [("party+political_party", "14")]),
    ("government", [("government", "14"), ("agency+federal_agency", "14")]),
]
TITLES = {"President", "Saint", "St.", "Sir", "King", "Queen", "General", "Mrs.", "Mr.",
          "Dr.", "Pope", "Emperor", "Lord", "Lady", "Prince", "Princess", "Czar", "Tsar",
          "Mother", "Father", "Brother", "Sister", "Baron", "Duke", "Earl", "Mahatma"}
BORN = re.compile(r"\((?:born |b\. )?(?:circa |c\. |about )?(\d{3,4}) ?- ?(?:\d{1,4}|\?)\)")


def read(pos):
    with open(need(os.path.join(WN, "data." + pos), "wordnet-base"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            head, _, gloss = line.partition(" | ")
            fl = head.split()
            n = int(fl[3], 16)
            words = [re.sub(r"\([a-z]+\)$", "", w) for w in fl[4:4 + 2 * n:2]]
            i = 4 + 2 * n
            p = int(fl[i])
            ptrs = [fl[i + 1 + 4 * k:i + 5 + 4 * k] for k in range(p)]
            yield fl[0], fl[1], words, ptrs, gloss.strip()


def main():
    common = set()
    for pos in ("noun", "verb", "adj", "adv"):
        for _, _, words, _, _ in read(pos):
            common.update(w for w in words if w.islower())

    def is_common(w):
        w = w.lower()
        return w in common or w.endswith("s") and w[:-1] in common

    syn = {}
    for off, lex, words, ptrs, gloss in read("noun"):
        hyp = [(q[0], q[1]) for q in ptrs if q[0] in ("@", "@i") and q[2] == "n"]
        syn[off] = (lex, words, hyp, gloss)

    def anchor(spec, lex):
        every = spec.endswith("*")
        want = spec.rstrip("*").split("+")
        hits = [o for o, s in syn.items() if s[0] == lex and s[1][:len(want)] == want]
        if not hits or len(hits) > 1 and not every:
            raise SystemExit(f"anchor {spec}/{lex}: {hits}")
        return hits

    def anchors(specs):
        return {o for s in specs for o in anchor(*s)}

    skip = anchors(LOC_SKIP)
    loc_sub = [(name, anchors(specs)) for name, specs in LOC_SUBTYPES]
    org_roots = anchors(ORG_ROOTS)
    org_sub = [(name, anchors(specs)) for name, specs in ORG_SUBTYPES]

    chains = {}

    def chain(off):
        if off not in chains:
            seen, stack = set(), [off]
            while stack:
                for _, h in syn[stack.pop()][2]:
                    if h not in seen:
                        seen.add(h)
                        stack.append(h)
            chains[off] = seen
        return chains[off]

    rows = []
    for off in sorted(syn):
        lex, words, hyp, gloss = syn[off]
        if not any(s == "@i" for s, _ in hyp):
            continue
        anc = chain(off)
        if lex == "18":
            typ, prefix, sub = "PERSON", "person", ""
        elif lex in ("15", "17"):
            if anc & skip:
                continue
            typ, prefix = "LOC", "loc"
            sub = next((n for n, a in loc_sub if anc & a), "region")
        elif lex == "14":
            if not anc & org_roots:
                continue
            typ, prefix = "ORG", "org"
            sub = next((n for n, a in org_sub if anc & a), "")
        else:
            continue
        lemmas = [w.replace("_", " ") for w in words]
        # descriptive lemmas ("capital of Norway", "Laotian capital") are not names
        lemmas = [w for w in lemmas if not re.search(r"\bcapital\b", w)]
        if typ != "LOC":
            lemmas = [w for w in lemmas if " " in w or not is_common(w)]
        else:
            # two-letter postal/country codes ("WA", "IN", "OR") would match all-caps text
            lemmas = [w for w in lemmas if not re.fullmatch(r"[A-Z]{2}", w)]
        if not lemmas:
            continue
        name = lemmas[0]
        if typ == "PERSON" and " " not in name:
            full = [w for w in lemmas[1:] if " " in w and w.endswith(" " + name)
                    and w.split()[0] not in TITLES]
            if full:
                name = full[0]
        al = Aliases(name)
        al.extend(w for w in lemmas if w != name)
        pairs = [("wordnet", off), ("source", "wordnet")]
        if typ == "PERSON":
            m = BORN.search(gloss)
            if m and "BC" not in gloss[m.start():m.end() + 4]:
                pairs.append(("born", m.group(1)))
        rows.append((f"{prefix}/wn-{off}", typ, sub, name, str(al), attrs(pairs)))

    write_tsv(OUT, rows, [
        "wordnet.tsv - generated by tools/gen/gen_wordnet.py; do not edit by hand.",
        "Source: WordNet 3.0 (Debian wordnet-base), noun instance synsets.",
        "WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.",
        "Permission to use, copy, modify and distribute this database for any purpose and",
        "without fee or royalty is granted provided this notice appears on all copies.",
        "THE DATABASE IS PROVIDED \"AS IS\" AND PRINCETON UNIVERSITY MAKES NO",
        "REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. The name of Princeton",
        "University or Princeton may not be used in advertising or publicity pertaining to",
        "distribution of the database.",
    ])


if __name__ == "__main__":
    main()
