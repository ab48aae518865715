#!/usr/bin/env python3
"""gen_countries.py - write gazetteers/countries.tsv (one LOC/country entry per ISO 3166-1 code).

Inputs (pinned):
  - Debian iso-codes 4.15.0 : /usr/share/iso-codes/json/iso_3166-1.json   (LGPL-2.1+)
  - Debian unicode-cldr-core 41 : /usr/share/unicode/cldr/common/main/en.xml (territory names
    with alt="short"/"variant") and common/supplemental/supplementalData.xml (population)
    (Unicode licence)
  - npm i18n-iso-countries 7.14.0 : langs/en.json (extra English names)   (MIT)
    fetched with `npm pack` into tools/gen/.cache/ (git-ignored)
  - the CURATED tables below (facts: common English names, acronyms, former names).

Run: python3 tools/gen/gen_countries.py      (deterministic; rewrites the output file)
"""
import json
import os
import xml.etree.ElementTree as ET

from gazlib import GAZ, Aliases, attrs, need, npm_file, write_tsv

ISO = "/usr/share/iso-codes/json/iso_3166-1.json"
CLDR_EN = "/usr/share/unicode/cldr/common/main/en.xml"
CLDR_SUPP = "/usr/share/unicode/cldr/common/supplemental/supplementalData.xml"
I18N = ("i18n-iso-countries", "7.14.0")
OUT = os.path.join(GAZ, "countries.tsv")

# ---- curated data (facts) ---------------------------------------------------------------
# Display name when CLDR's English name is not the usual one in news text.
NAME = {
    "BA": "Bosnia and Herzegovina",
    "BQ": "Caribbean Netherlands",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "CI": "Ivory Coast",
    "FK": "Falkland Islands",
    "HK": "Hong Kong",
    "MF": "Saint Martin",
    "MM": "Myanmar",
    "MO": "Macao",
    "PS": "Palestine",
    "SH": "Saint Helena",
    "UM": "United States Minor Outlying Islands",
    "VA": "Vatican City",
}
# Extra aliases: other names, acronyms and dotted abbreviations in English news use.
EXTRA = {
    "AE": ["UAE@exact", "U.A.E."],
    "BN": ["Brunei"],
    "CD": ["DRC@exact", "DR Congo", "Congo-Kinshasa", "Democratic Republic of Congo", "Congo"],
    "CG": ["Congo-Brazzaville", "Republic of Congo"],
    "CI": ["Côte d'Ivoire"],
    "CN": ["PRC@exact", "People's Republic of China"],
    "CC": ["Cocos Islands", "Keeling Islands"],
    "CV": ["Cabo Verde"],
    "CZ": ["Czechia", "Czech Republic"],
    "FK": ["Falklands"],
    "GB": ["Britain", "Great Britain", "UK@exact", "U.K."],
    "IE": ["Republic of Ireland"],
    "KP": ["North Korea", "DPRK@exact", "Democratic People's Republic of Korea"],
    "KR": ["South Korea", "ROK@exact", "Republic of Korea"],
    "LA": ["Laos"],
    "MM": ["Burma"],
    "MO": ["Macau"],
    "NL": ["Holland"],
    "PS": ["Palestinian Territories", "State of Palestine", "Occupied Palestinian Territories"],
    "SA": ["KSA@exact"],
    "SZ": ["Swaziland"],
    "TL": ["East Timor"],
    "TR": ["Türkiye"],
    "US": ["US@exact", "U.S.", "USA@exact", "U.S.A.", "America", "United States of America"],
    "VA": ["Vatican", "Holy See"],
    "VN": ["Viet Nam"],
}
# Aliases from the sources that must not be attached to this code (ambiguous).
DROP = {
    "CG": {"Congo"},           # kept on CD only: bare "Congo" in news is mostly the DRC
}
# Codes in use but not (yet) in ISO 3166-1: user-assigned code XK for Kosovo.
MISSING = {"XK": "Kosovo"}
# ------------------------------------------------------------------------------------------


def usable(a):
    """Source names we can list as aliases: no inverted 'Korea, Republic of' forms, no
    parenthesised qualifiers, no 'SAR China' forms."""
    return a and "," not in a and "(" not in a and " SAR" not in a


def tidy(a):
    a = a.replace(" - ", "-").replace("\u2019", "'")
    for art in ("the ", "The "):
        if a.startswith(art):
            a = a[len(art):]
    return a


def main():
    iso = json.load(open(need(ISO, "iso-codes"), encoding="utf-8"))["3166-1"]
    root = ET.parse(need(CLDR_EN, "unicode-cldr-core")).getroot()
    cldr = {}
    for el in root.iter("territory"):
        if el.text and len(el.get("type", "")) == 2:
            cldr.setdefault(el.get("type"), []).append((el.get("alt"), el.text))
    pop = {}
    for el in ET.parse(CLDR_SUPP).getroot().iter("territory"):
        if el.get("population") and len(el.get("type", "")) == 2:
            pop[el.get("type")] = str(int(float(el.get("population"))))
    i18n = json.loads(npm_file(*I18N, "langs/en.json"))["countries"]

    recs = {e["alpha_2"]: e for e in iso}
    for code, name in MISSING.items():
        recs.setdefault(code, {"alpha_2": code, "name": name})

    rows = []
    for code in sorted(recs):
        e = recs[code]
        names = cldr.get(code, [])
        standard = next((t for alt, t in names if alt is None), None)
        if code in NAME:
            name = NAME[code]
        elif standard and "&" not in standard and not standard.startswith("St. ") \
                and usable(standard):
            name = standard
        elif e.get("common_name"):
            name = e["common_name"]
        elif usable(e["name"]):
            name = e["name"]
        else:
            name = standard.replace("&", "and").replace("St. ", "Saint ")
        name = tidy(name)
        al = Aliases(name)
        cands = []
        cands += [t for alt, t in names]
        cands += [e.get("common_name"), e["name"], e.get("official_name")]
        v = i18n.get(code)
        cands += v if isinstance(v, list) else [v]
        cands += EXTRA.get(code, [])
        drop = DROP.get(code, set())
        for a in cands:
            if not a:
                continue
            if a in EXTRA.get(code, []):
                al.add(a)            # curated: taken as written (may carry @mode)
                continue
            a = tidy(a)
            if usable(a) and a not in drop:
                al.add(a)
        rows.append((f"loc/country-{code.lower()}", "LOC", "country", name, str(al),
                     attrs([("country", code), ("iso", code), ("population", pop.get(code))])))

    write_tsv(OUT, rows, [
        "countries.tsv - generated by tools/gen/gen_countries.py; do not edit by hand.",
        "Sources: Debian iso-codes (ISO 3166-1; LGPL-2.1+), Unicode CLDR 41 English territory",
        "names and population (Unicode licence), npm i18n-iso-countries 7.14.0 en.json (MIT),",
        "plus curated facts in the script.",
    ])


if __name__ == "__main__":
    main()
