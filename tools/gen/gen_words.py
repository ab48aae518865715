#!/usr/bin/env python3
"""gen_words.py - write models/common-words.txt: common English words, from Debian's
wamerican-small word list (SCOWL size 35; its copyright file allows free use). A
single-word alias that is one of these words (e.g. "Reading", "Police", "Bath", "Nice")
is weak: the tagger keeps it only with support in context. Only all-lower-case entries
are taken, so proper nouns in the list ("Paris") are not included.
Usage: python3 tools/gen/gen_words.py   (apt-get install wamerican-small first)
"""
import pathlib
import re

SRC = pathlib.Path("/usr/share/dict/american-english-small")
OUT = pathlib.Path(__file__).resolve().parents[2] / "models" / "common-words.txt"


def main():
    words = set()
    for line in SRC.read_text(encoding="utf-8").splitlines():
        w = line.strip()
        if w.endswith("'s"):
            continue
        if re.fullmatch(r"[a-z]+", w) and len(w) >= 2:
            words.add(w)
    # two-letter words of the list are mostly abbreviations: keep a fixed set of real ones
    keep2 = {"of", "in", "on", "at", "to", "by", "as", "is", "it", "an", "or", "be", "do",
             "go", "he", "me", "my", "no", "so", "up", "us", "we", "am", "if", "oh", "ok"}
    words = {w for w in words if len(w) > 2 or w in keep2}
    OUT.write_text("# common English words (tools/gen/gen_words.py, from Debian wamerican-small)\n"
                   + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(words)} words")


if __name__ == "__main__":
    main()
