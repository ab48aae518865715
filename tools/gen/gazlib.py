"""gazlib.py - small shared helpers for the gazetteer generators in tools/gen/.

Standard library only. Used by gen_countries.py, gen_subdivisions.py, gen_norp.py and
gen_wordnet.py: folding of surface forms (the same equivalences the matcher gives for free,
so that we never list a variant twice), alias de-duplication, fetching pinned npm
packages into tools/gen/.cache/ and writing a TSV file in the gazetteers/README.md format.
"""
import os
import re
import subprocess
import sys
import tarfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(HERE, ".cache")
GAZ = os.path.join(ROOT, "gazetteers")
HEADER = "id\ttype\tsubtype\tname\taliases\tattributes"

_QUOTES = {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u02bb": "'", "\u2032": "'",
           "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"'}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


def strip_marks(s):
    """Remove diacritics (combining marks) but keep every other character."""
    s = unicodedata.normalize("NFKD", s)
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


def fold(s):
    """Key under which two surface forms are the same for the matcher: case, diacritics,
    quotes, dashes, hyphen-vs-space and runs of spaces do not count."""
    s = strip_marks(s)
    for a, b in _QUOTES.items():
        s = s.replace(a, b)
    for d in _DASHES:
        s = s.replace(d, "-")
    s = s.replace("-", " ")
    s = s.replace("\u0131", "i")  # dotless i (Turkish) has no decomposition
    return " ".join(s.lower().split())


def clean(s):
    """Normalise whitespace and forbid the TSV separators inside a field."""
    s = s.replace("\t", " ").replace("|", " ").replace(";", ",")
    return " ".join(s.split())


_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,6}$")


def alias_text(a):
    """Give an alias its case mode: short all-capital acronyms need @exact."""
    if "@" in a:
        return a
    if _ACRONYM.match(a):
        return a + "@exact"
    return a


def caps(text):
    """Indices of the words written with a capital (title mode checks only those)."""
    return frozenset(i for i, w in enumerate(strip_marks(text).split()) if w[:1].isupper())


class Aliases:
    """Ordered, de-duplicated alias list; skips forms the name or an earlier alias already
    covers (same fold() and case mode; in title mode a form whose capitalised words are a
    subset of another's covers it: "Diyala province" covers "Diyala Province")."""

    def __init__(self, name):
        self.name = name
        self.items = []
        self.seen = {}                      # (fold, mode) -> list of caps sets
        self.seen[(fold(name), "title")] = [caps(name)]

    def add(self, a):
        if a is None:
            return
        a = alias_text(clean(a))
        if not a:
            return
        text, mode = a.rsplit("@", 1) if "@" in a else (a, "title")
        text = text.strip()
        if not text:
            return
        f = fold(text)
        if (f, "any") in self.seen:
            return
        if mode == "exact" and (f, "title") in self.seen and text.upper() == text:
            return                          # title mode already matches ALL-CAPS text
        c = caps(text)
        prev = self.seen.get((f, mode), [])
        if mode == "title":
            if any(p <= c for p in prev):
                return
        elif prev:
            if mode == "any" or any(p == c for p in prev):
                return
        self.seen.setdefault((f, mode), []).append(c)
        self.items.append(text if mode == "title" else f"{text}@{mode}")

    def extend(self, xs):
        for a in xs:
            self.add(a)

    def __str__(self):
        # drop title-mode items covered by a later, more permissive one
        keep = []
        for i, it in enumerate(self.items):
            if "@" not in it:
                f, c = fold(it), caps(it)
                if any("@" not in o and j != i and fold(o) == f and caps(o) < c
                       for j, o in enumerate(self.items)):
                    continue
            keep.append(it)
        return "|".join(keep)


def attrs(pairs):
    out = []
    for k, v in pairs:
        if v is None or v == "":
            continue
        v = str(v).replace(";", ",").replace("|", " ").replace("\t", " ")
        out.append(f"{k}={v}")
    return ";".join(out)


def write_tsv(path, rows, comments):
    """rows: (id, type, subtype, name, aliases, attributes) tuples; sorted by id."""
    rows = sorted(rows, key=lambda r: r[0])
    ids = set()
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for c in comments:
            f.write("# " + c + "\n" if c else "#\n")
        f.write(HEADER + "\n")
        for r in rows:
            if r[0] in ids:
                raise SystemExit(f"duplicate id {r[0]}")
            ids.add(r[0])
            f.write("\t".join(str(x) for x in r) + "\n")
    os.replace(tmp, path)
    print(f"{os.path.relpath(path, ROOT)}: {len(rows)} entries", file=sys.stderr)


def npm_package(name, version):
    """Path of the pinned npm tarball in .cache/, fetched with `npm pack` if missing."""
    os.makedirs(CACHE, exist_ok=True)
    tgz = os.path.join(CACHE, f"{name}-{version}.tgz")
    if not os.path.exists(tgz):
        subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=CACHE,
                       check=True, stdout=subprocess.DEVNULL)
    if not os.path.exists(tgz):
        raise SystemExit(f"npm pack did not produce {tgz}")
    return tgz


def npm_file(name, version, member):
    """Text of one file (path inside the package, e.g. 'langs/en.json') of a pinned package."""
    with tarfile.open(npm_package(name, version)) as t:
        return t.extractfile("package/" + member).read().decode("utf-8")


def need(path, pkg):
    if not os.path.exists(path):
        raise SystemExit(f"missing {path}: apt-get install -y {pkg}")
    return path
