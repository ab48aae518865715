#!/usr/bin/env python3
"""check_tsv.py - validate gazetteers/*.tsv against the format in gazetteers/README.md.

Usage: check_tsv.py FILE...   Prints file:line: problems, a summary per file, exit 1 on any error.
Checks only the format (header, columns, id syntax, types, alias modes, attributes) and
duplicate ids across all files given; it says nothing about whether the facts are right.
"""
import re
import sys

HEADER = ["id", "type", "subtype", "name", "aliases", "attributes"]
TYPES = {"PERSON", "ORG", "LOC", "WEAPON", "NORP", "FAC", "MISC"}
PREFIX = {"PERSON": "person/", "ORG": "org/", "LOC": "loc/", "WEAPON": "weapon/",
          "NORP": "norp/", "FAC": "fac/", "MISC": "misc/"}
ID_RE = re.compile(r"^[a-z0-9._/-]{3,128}$")
SUB_RE = re.compile(r"^[a-z0-9_]*$")
MODES = {"exact", "title", "any"}


def check(path, seen):
    errors = 0
    count = 0
    header_seen = False

    def err(line, msg):
        nonlocal errors
        errors += 1
        print(f"{path}:{line}: {msg}")

    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if not header_seen:
                header_seen = True
                if cols != HEADER:
                    err(n, f"header must be {HEADER}, got {cols}")
                continue
            if len(cols) != 6:
                err(n, f"expected 6 tab-separated columns, got {len(cols)}")
                continue
            eid, typ, sub, name, aliases, attrs = cols
            count += 1
            if not ID_RE.match(eid):
                err(n, f"bad id {eid!r}")
            if typ not in TYPES:
                err(n, f"bad type {typ!r}")
            elif not eid.startswith(PREFIX[typ]):
                err(n, f"id {eid!r} should start with {PREFIX[typ]!r} for type {typ}")
            if not SUB_RE.match(sub):
                err(n, f"bad subtype {sub!r}")
            if not name.strip() or name != name.strip():
                err(n, "name empty or with leading/trailing spaces")
            if eid in seen:
                err(n, f"duplicate id {eid!r} (first at {seen[eid]})")
            else:
                seen[eid] = f"{path}:{n}"
            if aliases:
                for a in aliases.split("|"):
                    text, _, mode = a.partition("@") if "@" in a else (a, "", "")
                    if "@" in a:
                        text, mode = a.rsplit("@", 1)
                    if not text.strip() or text != text.strip():
                        err(n, f"empty alias or alias with outer spaces in {aliases!r}")
                    if mode and mode not in MODES:
                        err(n, f"bad case mode {mode!r} in alias {a!r}")
            if attrs:
                for kv in attrs.split(";"):
                    k, eq, v = kv.partition("=")
                    if not eq or not re.match(r"^[a-z_0-9]+$", k) or v == "" or "|" in v:
                        err(n, f"bad attribute {kv!r}")
                    if k == "wikidata" and not re.match(r"^Q[0-9]+$", v):
                        err(n, f"bad wikidata {v!r}")
                    if k == "country" and not re.match(r"^[A-Z]{2}$", v):
                        err(n, f"bad country {v!r}")
    if not header_seen:
        err(0, "no header line")
    print(f"{path}: {count} entries, {errors} errors")
    return errors


def main():
    seen = {}
    total = sum(check(p, seen) for p in sys.argv[1:])
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
