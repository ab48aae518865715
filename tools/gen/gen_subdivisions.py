#!/usr/bin/env python3
"""gen_subdivisions.py - write gazetteers/subdivisions.tsv (ISO 3166-2 subdivisions).

Inputs (pinned):
  - Debian iso-codes 4.15.0 : /usr/share/iso-codes/json/iso_3166-2.json (code, name, type,
    parent)                                                              (LGPL-2.1+)
  - Debian unicode-cldr-core 41 : /usr/share/unicode/cldr/common/subdivisions/en.xml
    (English subdivision names)                                          (Unicode licence)
  - the CURATED tables below (facts: English names and spellings used in news).

id loc/iso-<code lower>; subtype admin1 (no parent) or admin2 (has a parent subdivision).
Name: the CLDR English name when it is trustworthy, else the iso-codes name. Aliases: the
iso-codes name, article-stripped Arabic forms (Al Anbar -> Anbar), -ah/-a spellings
(Raqqah -> Raqqa), "<name> province/governorate/state/region/prefecture" forms.

Run: python3 tools/gen/gen_subdivisions.py      (deterministic; rewrites the output file)
"""
import collections
import difflib
import json
import os
import re
import xml.etree.ElementTree as ET

from gazlib import GAZ, Aliases, attrs, clean, fold, need, strip_marks, write_tsv

ISO = "/usr/share/iso-codes/json/iso_3166-2.json"
CLDR = "/usr/share/unicode/cldr/common/subdivisions/en.xml"
OUT = os.path.join(GAZ, "subdivisions.tsv")

# ---- curated data (facts) ---------------------------------------------------------------
# Arabic-speaking countries: article stripping, -ah/-a spellings, governorate/province forms.
ARAB = {"AE", "BH", "DZ", "EG", "IQ", "JO", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA",
        "SA", "SD", "SY", "TN", "YE"}
# Countries whose first-level units news calls "<name> province" / "<name> governorate"
# whatever the ISO type word is.
PROVINCE_WORDS = {cc: ("governorate", "province") for cc in
                  ("BH", "EG", "IQ", "JO", "KW", "LB", "OM", "PS", "SY", "TN", "YE")}
PROVINCE_WORDS.update({"AF": ("province",), "IR": ("province",), "PK": ("province",),
                       "SA": ("province", "region")})
# CLDR 41 English names known to be attached to superseded codes (Morocco's pre-2015
# regions); stale_countries() finds Iran-like renumberings by itself.
STALE = {"MA"}
# Names that are generic words; the entry is named "<word> <type>" instead (LB-AS "North"
# becomes "North Governorate") and the bare word is never an alias.
GENERIC = {"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western",
           "Central", "Centre", "Center", "Northwest", "Northeast", "Southwest", "Southeast",
           "Northwestern", "Northeastern", "Southwestern", "Southeastern", "Capital",
           "Littoral", "Litoral", "Maritime", "Insular", "Plateau", "Delta", "Rivers",
           "Mountain", "Gulf", "Bay", "Lac", "Lakes", "Oriental", "Pool", "Unity", "Cascade",
           "Coast", "Upper", "Lower", "Middle", "Interior", "Nord", "Sud", "Est", "Ouest"}
# Display names where the CLDR/ISO name is not the usual English one.
NAME = {
    "CZ-10": "Prague",
    "LB-AS": "North Governorate",
    "LB-JA": "South Governorate",
    "NG-NI": "Niger State",
    "RU-AL": "Altai Republic",
    "RU-BU": "Buryatia",
    "RU-CE": "Chechnya",
    "RU-CHU": "Chukotka Autonomous Okrug",
    "RU-CU": "Chuvashia",
    "RU-KB": "Kabardino-Balkaria",
    "RU-KC": "Karachay-Cherkessia",
    "RU-KHM": "Khanty-Mansi Autonomous Okrug",
    "RU-NEN": "Nenets Autonomous Okrug",
    "RU-SA": "Sakha Republic",
    "RU-UD": "Udmurtia",
    "RU-YAN": "Yamalo-Nenets Autonomous Okrug",
    "RU-YEV": "Jewish Autonomous Oblast",
    "SA-04": "Eastern Province",
    "SY-HA": "Hasakah",
    "SY-RA": "Raqqa",
    "YE-AD": "Aden",
    "YE-SU": "Socotra",
    "UA-05": "Vinnytsia Oblast", "UA-07": "Volyn Oblast", "UA-09": "Luhansk Oblast",
    "UA-12": "Dnipropetrovsk Oblast", "UA-14": "Donetsk Oblast", "UA-18": "Zhytomyr Oblast",
    "UA-21": "Zakarpattia Oblast", "UA-23": "Zaporizhzhia Oblast",
    "UA-26": "Ivano-Frankivsk Oblast", "UA-32": "Kyiv Oblast", "UA-35": "Kirovohrad Oblast",
    "UA-46": "Lviv Oblast", "UA-48": "Mykolaiv Oblast", "UA-51": "Odesa Oblast",
    "UA-53": "Poltava Oblast", "UA-56": "Rivne Oblast", "UA-59": "Sumy Oblast",
    "UA-61": "Ternopil Oblast", "UA-63": "Kharkiv Oblast", "UA-65": "Kherson Oblast",
    "UA-68": "Khmelnytskyi Oblast", "UA-71": "Cherkasy Oblast", "UA-74": "Chernihiv Oblast",
    "UA-77": "Chernivtsi Oblast",
}
# Iran: CLDR 41 still has the pre-renumbering codes, so English names are keyed by the
# folded ISO name here (only where the ISO name without diacritics is not the English one).
IRAN = {
    "azarbayjan e sharqi": ("East Azerbaijan", []),
    "azarbayjan e gharbi": ("West Azerbaijan", []),
    "sistan va baluchestan": ("Sistan and Baluchestan", ["Sistan-Baluchestan"]),
    "chahar mahal va bakhtiari": ("Chaharmahal and Bakhtiari", []),
    "kohgiluyeh va bowyer ahmad": ("Kohgiluyeh and Boyer-Ahmad", []),
    "khorasan e razavi": ("Razavi Khorasan", []),
    "khorasan e shomali": ("North Khorasan", []),
    "khorasan e jonubi": ("South Khorasan", []),
    "kordestan": ("Kurdistan Province", ["Kordestan"]),
    "esfahan": ("Isfahan", []),
}
# Extra aliases: spellings and English forms common in news (facts).
ALIASES = {
    "AF-NIM": ["Nimroz"],
    "AF-PAN": ["Panjshir"],
    "AF-PIA": ["Paktiya"],
    "AF-SAR": ["Sar-e Pul", "Sar-i-Pul"],
    "AF-URU": ["Uruzgan", "Oruzgan"],
    "AF-WAR": ["Wardak"],
    "CN-XJ": ["Xinjiang Uyghur Autonomous Region"],
    "CN-XZ": ["Xizang", "Tibet Autonomous Region"],
    "ET-TI": ["Tigrai"],
    "IQ-AR": ["Arbil", "Irbil", "Hawler"],
    "IQ-DA": ["Duhok", "Dahuk"],
    "IQ-NI": ["Ninawa", "Ninewa"],
    "IQ-SD": ["Salahuddin", "Salah al-Din", "Salah ad-Din"],
    "IQ-SU": ["Sulaimaniyah", "Sulaimani", "Slemani"],
    "LB-AS": ["North Lebanon"],
    "LB-BI": ["Bekaa"],
    "LB-JA": ["South Lebanon"],
    "ML-6": ["Timbuktu"],
    "PK-BA": ["Baluchistan"],
    "PK-KP": ["KPK@exact"],
    "RU-SA": ["Sakha", "Yakutia"],
    "RU-SPE": ["St. Petersburg"],
    "SO-BN": ["Banadir"],
    "SY-DR": ["Deraa", "Dar'a"],
    "SY-DY": ["Deir al-Zor", "Deir Ezzor", "Deir el-Zour"],
    "SY-HA": ["Al-Hasakah", "Hasaka", "Hassakeh"],
    "SY-ID": ["Idleb"],
    "SY-LA": ["Lattakia"],
    "SY-RA": ["Ar-Raqqah", "Raqqah"],
    "SY-RD": ["Rural Damascus", "Damascus Countryside"],
    "SY-SU": ["Sweida", "Suwaida"],
    "SY-TA": ["Tartous"],
    "UA-43": ["Autonomous Republic of Crimea"],
    "YE-DA": ["Al Dhale", "Dhalea"],
    "YE-HD": ["Hadramawt", "Hadhramaut", "Hadramout"],
    "YE-HU": ["Hodeidah", "Hodeida"],
    "YE-MA": ["Marib"],
    "YE-SD": ["Saada"],
    "YE-SN": ["Sanaa"],
}
# English type words appended to names ("Helmand province") by ISO subdivision type.
TYPE_WORD = {
    "Province": "province", "Governorate": "governorate", "State": "state",
    "Region": "region", "Regional state": "region", "Autonomous region": "region",
    "Geographical region": "region", "Prefecture": "prefecture", "Oblast": "oblast",
}
# ------------------------------------------------------------------------------------------

ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|at|az|ash|ath|adh|ad-d|ed)[ -](?=\w{3})", re.I)
TYPE_SUFFIX = re.compile(r" (?:Oblast|Province|Region|Krai|Governorate)$")


def norm(s):
    return re.sub(r"[^a-z]", "", strip_marks(s).lower())


def sim(a, b):
    return difflib.SequenceMatcher(None, norm(a), norm(b)).ratio()


def clean_iso(name):
    """'Barcelona [Barcelona]' -> ('Barcelona', ['Barcelona']); drops codes and notes."""
    extra = []
    for b in re.findall(r"\[([^\]]*)\]", name):
        b = re.sub(r"\b[A-Z]{2}-[A-Z0-9]{1,3}\b", "", b).replace("*", "").strip()
        if b and b.lower() != "city":
            extra.append(b)
    name = re.sub(r"\s*\[[^\]]*\]", "", name).replace("*", "")
    name = re.sub(r"\s*\([^)]*\)", "", name)
    return clean(name), extra


def clean_cldr(name, country_names):
    name = re.sub(r"[\u00b9\u00b2\u00b3\u2070-\u2079]", "", name).strip()
    if "," in name:
        head, _, tail = name.partition(",")
        if tail.strip() in country_names:     # 'Bay, Somalia'
            name = head
    return clean(name)


def stale_countries(iso, cldr):
    """Countries where CLDR names are attached to other codes (renumbered since CLDR 41)."""
    by = collections.defaultdict(list)
    for x in iso:
        by[x["code"][:2]].append(x)
    bad = set()
    for cc, xs in by.items():
        names = {x["code"]: cldr.get(x["code"]) for x in xs}
        flagged = 0
        for x in xs:
            own = names[x["code"]]
            if not own:
                continue
            own_s = sim(x["name"], TYPE_SUFFIX.sub("", own))
            best = max((sim(x["name"], TYPE_SUFFIX.sub("", v)) for k, v in names.items()
                        if v and k != x["code"]), default=0)
            if best > own_s + 0.3 and best > 0.8:
                flagged += 1
        if flagged >= 3:
            bad.add(cc)
    return bad


def short_forms(name, cc):
    """Arabic article-stripped and -ah/-a variants of a name."""
    out = []
    base = strip_marks(name)
    m = ARTICLE.match(base)
    if cc in ARAB and m:
        out.append(base[m.end():])
    for f in [base] + out:
        if cc in ARAB and re.search(r"[a-z]{3}ah$", f):
            out.append(f[:-1])
    return [re.sub(r"['\u2018\u2019\u02bb\u02bc]+$", "", f) for f in out]


def main():
    iso = json.load(open(need(ISO, "iso-codes"), encoding="utf-8"))["3166-2"]
    iso1 = json.load(open("/usr/share/iso-codes/json/iso_3166-1.json", encoding="utf-8"))
    country_names = set()
    for e in iso1["3166-1"]:
        country_names.update(e.get(k) for k in ("name", "common_name") if e.get(k))
    root = ET.parse(need(CLDR, "unicode-cldr-core")).getroot()
    cldr_raw = {el.get("type"): el.text for el in root.iter("subdivision") if el.text}
    country_folds = {fold(n) for n in country_names}
    cldr = {}
    for x in iso:
        v = cldr_raw.get(x["code"].lower().replace("-", ""))
        if v:
            cldr[x["code"]] = clean_cldr(v, country_names)
    stale = stale_countries(iso, cldr) | STALE

    names = {}
    renamed = set()         # generic names that became "<word> <Type>"
    sources = {}            # code -> other surface forms from the sources and curated tables
    for x in iso:
        code, cc = x["code"], x["code"][:2]
        iso_name, extra = clean_iso(x["name"])
        forms = [iso_name] + extra + ALIASES.get(code, [])
        c = cldr.get(code)
        if c and cc in stale and sim(c, iso_name) < 0.8:
            c = None
        if c and re.fullmatch(r"Province \d+", c) and not re.fullmatch(r"Province \d+", iso_name):
            c = None                          # Nepal: CLDR still has the numbered names
        # CLDR sometimes truncates ('Peter' for Peterborough, 'Marl' for Marlborough)
        fi, fc = fold(iso_name), fold(c or "")
        if c and " " not in fi and fi.startswith(fc) and len(fi) >= len(fc) + 3:
            c = None
        if cc == "IR":
            c, more = IRAN.get(fold(iso_name), (strip_marks(iso_name), []))
            forms += more
        name = NAME.get(code) or c or iso_name
        if code not in NAME and c and c != name:
            forms.append(c)
        if code not in NAME and "oblast" in x["name"].lower():
            name = TYPE_SUFFIX.sub("", name) + " Oblast"
        if name in GENERIC:
            name = f"{name} {x['type'].split()[-1].capitalize()}"
            renamed.add(code)
        names[code] = name
        sources[code] = forms

    rows = []
    for x in iso:
        code, cc = x["code"], x["code"][:2]
        name = names[code]
        al = Aliases(name)
        forms = [f for f in sources[code] if f and "," not in f and f not in GENERIC
                 and fold(f) not in country_folds]
        if name.endswith(" Oblast") or name.endswith(" Krai"):
            # "<base> region" / "<base> oblast"; the bare base is the city, not listed
            b = TYPE_SUFFIX.sub("", name)
            al.add(b + " region")
            al.add(b + " oblast")
            forms = [f for f in forms if fold(f) != fold(b)]
        plain = [f for f in [name] + forms if "@" not in f]
        short = [s for f in plain for s in short_forms(f, cc)]
        al.extend(forms + short)
        # "<name> province" etc.
        words = list(PROVINCE_WORDS.get(cc, ()))
        tw = TYPE_WORD.get(x["type"])
        if tw and tw not in words:
            words.append(tw)
        if cc == "LY" and x["type"] == "Popularate":
            words.append("district")
        stems = [] if code in renamed else [name]
        if cc in ARAB:
            stems += short_forms(name, cc) + [a for a in ALIASES.get(code, []) if "@" not in a]
        for s in stems:
            s = TYPE_SUFFIX.sub("", s)
            if s in GENERIC or any(w in s.lower().split() for w in TYPE_WORD.values()):
                continue
            for w in words:
                if not s.lower().endswith(" " + w):
                    al.add(f"{s} {w}")
        parent = None
        if x.get("parent"):
            parent = x["parent"] if "-" in x["parent"] else f"{cc}-{x['parent']}"
        pairs = [("country", cc), ("iso", code)]
        if parent:
            pairs += [("admin1", names.get(parent)), ("parent", "loc/iso-" + parent.lower())]
        # constituent countries (ISO type "Country": England, Scotland, Wales) are
        # countries to readers and in sports reporting (national teams)
        kind = "admin2" if parent else ("country" if x["type"] == "Country" else "admin1")
        rows.append((f"loc/iso-{code.lower()}", "LOC", kind,
                     name, str(al), attrs(pairs)))

    write_tsv(OUT, rows, [
        "subdivisions.tsv - generated by tools/gen/gen_subdivisions.py; do not edit by hand.",
        "Sources: Debian iso-codes (ISO 3166-2; LGPL-2.1+), Unicode CLDR 41 English",
        "subdivision names (Unicode licence), plus curated facts in the script.",
    ])


if __name__ == "__main__":
    main()
