#!/usr/bin/env python3
"""gen_norp.py - write gazetteers/norp.tsv (NORP: nationalities, ethnic, religious and
political groups).

Inputs (pinned):
  - npm i18n-nationality 1.4.0 : langs/en.json (ISO alpha-2 -> English demonym)   (MIT)
    fetched with `npm pack` into tools/gen/.cache/ (git-ignored). Its English list has
    errors (WF "Welsh", place names instead of demonyms for territories, "Emirian",
    "Slovakian" ...): FIX below corrects or drops those, entries equal to a place name are
    dropped.
  - the CURATED tables below (facts: demonyms, plural and noun forms, groups).

id norp/<slug of name>; subtype nationality (attribute country=<alpha2>), ethnic,
religious, political, or empty for regional identities (European, African ...).

Run: python3 tools/gen/gen_norp.py      (deterministic; rewrites the output file)
"""
import json
import os
import re

from gazlib import GAZ, Aliases, attrs, fold, npm_file, write_tsv

I18N = ("i18n-nationality", "1.4.0")
ISO = "/usr/share/iso-codes/json/iso_3166-1.json"
OUT = os.path.join(GAZ, "norp.tsv")

# ---- curated data (facts) ---------------------------------------------------------------
# Demonym (adjective) replacing the package's value; None drops the code (no demonym of its
# own in English news use, or the same word as another code's: DM/DO "Dominican",
# CG/CD "Congolese" stay on DO and CD).
FIX = {
    "AE": "Emirati", "AG": "Antiguan", "AR": "Argentine", "BA": "Bosnian",
    "BW": "Botswanan", "CG": None, "DJ": "Djiboutian", "DM": None,
    "DO": "Dominican", "CD": "Congolese", "EC": "Ecuadorian", "GF": None, "PF": None,
    "TF": None, "HK": None, "MO": None, "KZ": "Kazakh", "MC": "Monegasque",
    "MV": "Maldivian", "MK": "North Macedonian", "PG": "Papua New Guinean",
    "PS": "Palestinian", "SK": "Slovak", "SR": "Surinamese", "TM": "Turkmen",
    "TL": "Timorese", "TT": "Trinidadian", "UZ": "Uzbek", "VA": None, "WF": None,
    "YE": "Yemeni", "XK": "Kosovar", "NP": "Nepali", "KN": "Kittitian",
    "SS": "South Sudanese", "SH": None, "VU": "Ni-Vanuatu", "PR": "Puerto Rican",
    "GL": "Greenlandic", "EH": "Sahrawi", "GW": "Bissau-Guinean", "LS": "Basotho", "CV": "Cape Verdean",
    "SB": "Solomon Islander", "IM": None, "GG": None, "JE": None,
}
# Other forms: plurals the rule below does not make, nouns, spelling variants.
MORE = {
    "AE": ["Emiratis", "Emirian"], "AF": ["Afghans"], "AR": ["Argentinian", "Argentinean",
    "Argentines", "Argentinians"], "AZ": ["Azeri", "Azeris", "Azerbaijanis"],
    "BA": ["Bosnians"], "BW": ["Motswana", "Batswana"], "CZ": ["Czechs"],
    "DK": ["Dane", "Danes"], "EH": ["Sahrawis", "Saharawi", "Saharawis"],
    "GL": ["Greenlander", "Greenlanders"], "KM": ["Comorian", "Comorians"], "EC": ["Ecuadorean"], "ES": ["Spaniard", "Spaniards"],
    "FI": ["Finn", "Finns"], "GB": ["Briton", "Britons"], "GR": ["Greeks"],
    "HR": ["Croat", "Croats"], "IS": ["Icelander", "Icelanders"], "KZ": ["Kazakhs",
    "Kazakhstani", "Kazakhstanis"], "KP": [], "LA": ["Lao", "Laotians"],
    "LS": ["Mosotho"], "LU": ["Luxembourgers"], "MC": ["Monacan"], "MK": ["Macedonian",
    "Macedonians", "North Macedonians"], "NL": ["Dutchman", "Dutchmen"],
    "NP": ["Nepalese", "Nepalis"], "NZ": ["New Zealanders"],
    "PH": ["Philippine"], "PL": ["Poles"], "RS": ["Serb", "Serbs"], "SA": ["Saudi Arabian",
    "Saudi Arabians"], "SI": ["Slovene", "Slovenes"], "SK": ["Slovaks", "Slovakian"],
    "SE": ["Swede", "Swedes"], "SO": ["Somalian"], "TH": ["Thais"], "TJ": ["Tajiks",
    "Tajikistani"], "TL": ["East Timorese"], "TM": ["Turkmens", "Turkmenistani"],
    "TR": ["Turk", "Turks"], "TT": ["Trinidadians", "Tobagonian"], "UZ": ["Uzbeks",
    "Uzbekistani"], "XK": ["Kosovan", "Kosovars"], "YE": ["Yemenis", "Yemenite"],
}
# Demonyms for parts of countries, with the country code.
SUB_NATIONAL = [
    ("Scottish", "GB", ["Scot", "Scots"]),
    ("Welsh", "GB", []),
    ("Northern Irish", "GB", []),
]
# Plural: add -s to demonyms ending like these (Iraqi -> Iraqis, Syrian -> Syrians).
PLURAL_ENDINGS = ("an", "i", "er", "ite", "ot", "no", "ek", "ak", "ik", "kh")
NO_PLURAL = {"I-Kiribati", "Ni-Vanuatu", "Greenlandic", "Basotho", "Burkinabe", "Kyrgyz", "Swiss", "Malagasy",
             "Lao"}
# Groups: (name, subtype, aliases). Lower-case political words are @any.
GROUPS = [
    # ethnic
    ("Kurdish", "ethnic", ["Kurd", "Kurds"]),
    ("Arab", "ethnic", ["Arabs"]),
    ("Pashtun", "ethnic", ["Pashtuns", "Pashtoon", "Pakhtun", "Pakhtuns", "Pathan",
                           "Pathans"]),
    ("Baluch", "ethnic", ["Baluchs", "Baloch", "Balochs", "Baluchi", "Balochi"]),
    ("Hazara", "ethnic", ["Hazaras"]),
    ("Tamil", "ethnic", ["Tamils"]),
    ("Rohingya", "ethnic", ["Rohingyas"]),
    ("Uighur", "ethnic", ["Uighurs", "Uyghur", "Uyghurs"]),
    ("Chechen", "ethnic", ["Chechens"]),
    ("Persian", "ethnic", ["Persians"]),
    ("Berber", "ethnic", ["Berbers", "Amazigh"]),
    ("Tuareg", "ethnic", ["Tuaregs"]),
    ("Bedouin", "ethnic", ["Bedouins"]),
    ("Assyrian", "ethnic", ["Assyrians"]),
    ("Tatar", "ethnic", ["Tatars", "Crimean Tatar", "Crimean Tatars"]),
    ("Hausa", "ethnic", []),
    ("Fulani", "ethnic", []),
    ("Igbo", "ethnic", []),
    ("Yoruba", "ethnic", []),
    ("Tigrayan", "ethnic", ["Tigrayans"]),
    ("Amhara", "ethnic", []),
    ("Oromo", "ethnic", []),
    ("Tutsi", "ethnic", ["Tutsis"]),
    ("Hutu", "ethnic", ["Hutus"]),
    ("Kashmiri", "ethnic", ["Kashmiris"]),
    ("Gulf Arab", "ethnic", ["Gulf Arabs"]),
    # religious
    ("Sunni", "religious", ["Sunnis", "Sunni Muslim", "Sunni Muslims"]),
    ("Shia", "religious", ["Shias", "Shiite", "Shiites", "Shi'ite", "Shi'ites", "Shi'a",
                           "Shia Muslim", "Shia Muslims", "Shiite Muslim", "Shiite Muslims"]),
    ("Alawite", "religious", ["Alawites", "Alawi", "Alawis"]),
    ("Druze", "religious", ["Druse"]),
    ("Yazidi", "religious", ["Yazidis", "Yezidi", "Yezidis", "Ezidi", "Ezidis"]),
    ("Christian", "religious", ["Christians"]),
    ("Muslim", "religious", ["Muslims", "Moslem", "Moslems"]),
    ("Jewish", "religious", ["Jew", "Jews"]),
    ("Hindu", "religious", ["Hindus"]),
    ("Sikh", "religious", ["Sikhs"]),
    ("Buddhist", "religious", ["Buddhists"]),
    ("Catholic", "religious", ["Catholics", "Roman Catholic", "Roman Catholics"]),
    ("Protestant", "religious", ["Protestants"]),
    ("Orthodox Christian", "religious", ["Orthodox Christians"]),
    ("Coptic", "religious", ["Copt", "Copts", "Coptic Christian", "Coptic Christians"]),
    ("Maronite", "religious", ["Maronites"]),
    ("Chaldean", "religious", ["Chaldeans"]),
    ("Salafi", "religious", ["Salafis", "Salafist", "Salafists"]),
    ("Wahhabi", "religious", ["Wahhabis"]),
    ("Ismaili", "religious", ["Ismailis"]),
    ("Zaydi", "religious", ["Zaydis", "Zaidi", "Zaidis"]),
    ("Ahmadi", "religious", ["Ahmadis", "Ahmadiyya"]),
    ("Baha'i", "religious", ["Bahai", "Baha'is", "Bahais"]),
    # political
    ("Islamist", "political", ["Islamists"]),
    ("jihadist", "political", ["jihadist@any", "jihadists@any", "jihadi@any",
                               "jihadis@any"]),
    ("Republican", "political", ["Republicans"]),
    ("Democrat", "political", ["Democrats"]),
    ("Zionist", "political", ["Zionists"]),
    ("Maoist", "political", ["Maoists"]),
    # regional identities (no subtype)
    ("European", "", ["Europeans"]),
    ("African", "", ["Africans"]),
    ("Asian", "", ["Asians"]),
    ("Latin American", "", ["Latin Americans"]),
    ("Middle Eastern", "", []),
    ("North African", "", ["North Africans"]),
    ("West African", "", ["West Africans"]),
    ("East African", "", ["East Africans"]),
    ("South Asian", "", ["South Asians"]),
    ("Central Asian", "", ["Central Asians"]),
    ("Southeast Asian", "", ["Southeast Asians"]),
    ("Scandinavian", "", ["Scandinavians"]),
]
# ------------------------------------------------------------------------------------------


def slug(s):
    s = fold(s).replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def plural(d):
    if d in NO_PLURAL or " " in d and d.split()[-1] in NO_PLURAL:
        return None
    if d.endswith(PLURAL_ENDINGS):
        return d + "s"
    return None


def main():
    data = json.loads(npm_file(*I18N, "langs/en.json"))["nationalities"]
    iso = json.load(open(ISO, encoding="utf-8"))["3166-1"]
    places = set()
    for e in iso:
        for k in ("name", "common_name", "official_name"):
            if e.get(k):
                places.add(fold(e[k]))
    rows = []
    ids = {}
    for code in sorted(data):
        d = FIX[code] if code in FIX else data[code]
        if d is None:
            continue
        if code not in FIX and (fold(d) in places or "(" in d or "," in d
                                or re.search(r"\bIslands?\b", d)):
            continue                      # a place name, not a demonym
        al = Aliases(d)
        al.add(plural(d))
        al.extend(MORE.get(code, []))
        eid = "norp/" + slug(d)
        if eid in ids:
            raise SystemExit(f"{eid} for {code} and {ids[eid]}")
        ids[eid] = code
        rows.append((eid, "NORP", "nationality", d, str(al), attrs([("country", code)])))
    for name, cc, more in SUB_NATIONAL:
        al = Aliases(name)
        al.add(plural(name))
        al.extend(more)
        rows.append(("norp/" + slug(name), "NORP", "nationality", name, str(al),
                     attrs([("country", cc)])))
    for name, sub, more in GROUPS:
        eid = "norp/" + slug(name)
        if eid in ids:
            raise SystemExit(f"{eid} twice")
        ids[eid] = name
        al = Aliases(name)
        al.extend(more)
        rows.append((eid, "NORP", sub, name, str(al), ""))
    write_tsv(OUT, rows, [
        "norp.tsv - generated by tools/gen/gen_norp.py; do not edit by hand.",
        "Sources: npm i18n-nationality 1.4.0 en.json (MIT), corrected and extended with",
        "curated facts in the script (demonym forms, ethnic/religious/political groups).",
    ])


if __name__ == "__main__":
    main()
