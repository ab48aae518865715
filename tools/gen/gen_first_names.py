#!/usr/bin/env python3
"""gen_first_names.py - write models/cues/first_names.txt: given names, derived from the
dictionary itself: the first word of every multi-word PERSON name in gazetteers/*.tsv
(people.tsv, wordnet.tsv …) that starts at least two such names. Common English words
(models/common-words.txt) are kept only when they start five or more names ("Will", "Bill").
The name rules use the list: "Stefan Edberg" → PERSON even when "Stefan" is unknown.
Usage: python3 tools/gen/gen_first_names.py
"""
import collections
import pathlib
import re
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parents[2]


def fold(s):
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


def main():
    common = set()
    for line in (ROOT / "models" / "common-words.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            common.add(line.strip())
    counts = collections.Counter()
    for path in sorted((ROOT / "gazetteers").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) != 6 or cols[1] != "PERSON":
                continue
            for name in [cols[3]] + [a.rsplit("@", 1)[0] for a in cols[4].split("|") if a]:
                words = name.split()
                if len(words) >= 2 and re.fullmatch(r"[A-Z][a-z\u00c0-\u024f'-]+", words[0]):
                    counts[fold(words[0])] += 1
    names = sorted(w for w, c in counts.items()
                   if len(w) >= 2 and (c >= 2 and w not in common or c >= 5))
    out = ROOT / "models" / "cues" / "first_names.txt"
    out.write_text("# given names: first words of PERSON names in gazetteers/ (tools/gen/gen_first_names.py)\n"
                   + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{out}: {len(names)} names")


if __name__ == "__main__":
    main()
