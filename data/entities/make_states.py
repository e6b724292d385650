"""Regenerate ``states.yaml`` from ISO 3166-1 (via the pycountry package) plus the hand-curated
tables below (display names, aliases, demonyms, nouns, capital metonyms, sovereignty).

Run from anywhere:  .venv/bin/python data/entities/make_states.py

Everything that is not straight from ISO 3166-1 lives in the tables in this file, so a researcher
who wants to add an alias or a demonym edits a table here and reruns the script (editing
states.yaml by hand works too, but is lost at the next regeneration).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from yamldump import write  # noqa: E402  (the shared layout of generated files)

OUT = Path(__file__).with_name("states.yaml")

# --------------------------------------------------------------------------------------------
# ISO 3166-1 entries that are NOT member states of the United Nations. Everything else in
# ISO 3166-1 is one of the 193 UN member states (checked below).
# --------------------------------------------------------------------------------------------
NON_MEMBERS = {
    # observer states and Taiwan (treated as states in tipgraph)
    "VA", "PS", "TW",
    # dependent, autonomous or special territories and uninhabited areas
    "AW", "AI", "AX", "AS", "AQ", "TF", "BQ", "BL", "BM", "BV", "CC", "CK", "CW", "CX", "KY",
    "EH", "FK", "FO", "GG", "GI", "GP", "GL", "GF", "GU", "HK", "HM", "IM", "IO", "JE", "MO",
    "MF", "MP", "MS", "MQ", "YT", "NC", "NF", "NU", "PN", "PR", "PF", "RE", "GS", "SH", "SJ",
    "PM", "SX", "TC", "TK", "UM", "VG", "VI", "WF",
}
STATE_LIKE = {"VA", "PS", "TW"}  # not UN members, but get demonyms/nouns like states

# part_of: the state under whose sovereignty a territory is. Left out on purpose: the Crown
# dependencies (GG, JE, IM: possessions of the British Crown, not part of the UK), the Cook
# Islands and Niue (free association with New Zealand), the British Indian Ocean Territory
# (sovereignty being transferred to Mauritius), Western Sahara and Antarctica.
PART_OF = {
    "US": ["AS", "GU", "MP", "PR", "VI", "UM"],
    "GB": ["AI", "BM", "VG", "KY", "FK", "GI", "MS", "PN", "SH", "TC", "GS"],
    "FR": ["GF", "GP", "MQ", "RE", "YT", "PF", "NC", "PM", "BL", "MF", "WF", "TF"],
    "NL": ["AW", "CW", "SX", "BQ"],
    "DK": ["GL", "FO"],
    "NO": ["SJ", "BV"],
    "AU": ["CX", "CC", "NF", "HM"],
    "NZ": ["TK"],
    "FI": ["AX"],
    "CN": ["HK", "MO"],
}

# Display name (common English name used in news) where ISO's name is not it; the id is the
# slug of this name.
NAMES = {
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FK": "Falkland Islands",
    "FM": "Federated States of Micronesia",
    "KP": "North Korea",
    "KR": "South Korea",
    "MO": "Macao",
    "PS": "Palestine",
    "RU": "Russia",
    "TW": "Taiwan",
    "VA": "Holy See",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
}

# ISO names/official names NOT to use as aliases (inverted ISO forms are added never; these are
# forms that are ambiguous or politically loaded as an alias).
DROP = {
    "CG": {"Congo"},                                   # ambiguous with the DRC
    "TW": {"Taiwan, Province of China"},
    "VA": {"Holy See (Vatican City State)"},
    "FK": {"Falkland Islands (Malvinas)"},
}

# Extra aliases: other names and abbreviations that unambiguously mean the entity in news.
ALIASES = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "United States of America", "America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "CN": ["PRC", "People's Republic of China", "mainland China", "Chinese mainland"],
    "HK": ["HK", "HKSAR", "Hong Kong SAR", "Hong Kong Special Administrative Region",
           "Hong Kong Special Administrative Region of the People's Republic of China"],
    "MO": ["Macau", "Macao SAR", "Macau SAR", "Macao Special Administrative Region",
           "Macau Special Administrative Region"],
    "TW": ["Republic of China"],
    "KR": ["Republic of Korea", "ROK"],
    "KP": ["DPRK", "Democratic People's Republic of Korea"],
    "RU": ["Russian Federation"],
    "VN": ["Viet Nam", "Socialist Republic of Vietnam"],
    "LA": ["Lao PDR", "Lao People's Democratic Republic"],
    "SY": ["Syrian Arab Republic"],
    "CZ": ["Czech Republic"],
    "TR": ["Turkey", "Turkiye", "Republic of Turkey"],
    "MM": ["Burma", "Republic of the Union of Myanmar"],
    "CI": ["Ivory Coast", "Cote d'Ivoire", "Côte d’Ivoire", "Cote d’Ivoire"],
    "SZ": ["Swaziland"],
    "AE": ["UAE", "U.A.E."],
    "CD": ["DRC", "DR Congo", "D.R. Congo", "Democratic Republic of Congo", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Republic of Congo", "Congo Republic"],
    "BN": ["Brunei Darussalam"],
    "CV": ["Cape Verde"],
    "TL": ["East Timor"],
    "VA": ["Vatican", "Vatican City", "Vatican City State"],
    "PS": ["State of Palestine"],
    "VG": ["BVI"],
    "VI": ["US Virgin Islands", "U.S. Virgin Islands"],
    "FK": ["Falklands"],
    "SX": ["Sint Maarten"],
    "BQ": ["Caribbean Netherlands"],
    "KN": ["St Kitts and Nevis", "St. Kitts and Nevis"],
    "LC": ["St Lucia", "St. Lucia"],
    "VC": ["St Vincent and the Grenadines", "St. Vincent and the Grenadines"],
    "GM": ["The Gambia"],
    "BS": ["The Bahamas"],
    "IE": ["Republic of Ireland"],
    "BA": ["Bosnia"],
    "SA": ["KSA"],
    "NZ": ["NZ"],
}

# Capital cities (and seats of government) that news uses for the government itself
# ("talks between Washington and Beijing"). Kept apart from aliases: "in Bangkok" is a place,
# not the Thai state, so a matcher should use these only where a government is meant.
METONYMS = {
    "US": ["Washington"], "CN": ["Beijing"], "GB": ["London"], "RU": ["Moscow"],
    "TH": ["Bangkok"], "PH": ["Manila"], "MY": ["Kuala Lumpur", "Putrajaya"], "QA": ["Doha"],
    "NG": ["Abuja"], "JP": ["Tokyo"], "KR": ["Seoul"], "KP": ["Pyongyang"], "IR": ["Tehran"],
    "UA": ["Kyiv", "Kiev"], "IN": ["New Delhi"], "PK": ["Islamabad"], "BD": ["Dhaka"],
    "ID": ["Jakarta"], "VN": ["Hanoi"], "KH": ["Phnom Penh"],
    "MM": ["Naypyidaw", "Naypyitaw", "Nay Pyi Taw"], "LA": ["Vientiane"], "SA": ["Riyadh"],
    "TR": ["Ankara"], "EG": ["Cairo"], "FR": ["Paris"], "DE": ["Berlin"], "AF": ["Kabul"],
    "SY": ["Damascus"], "VE": ["Caracas"], "CU": ["Havana"], "BY": ["Minsk"], "TW": ["Taipei"],
    "AU": ["Canberra"], "CA": ["Ottawa"], "NP": ["Kathmandu"], "LK": ["Colombo"],
    "IQ": ["Baghdad"], "ES": ["Madrid"], "PL": ["Warsaw"],
    "HU": ["Budapest"], "GR": ["Athens"], "ZA": ["Pretoria"], "GH": ["Accra"],
}

# Demonyms (adjectives / nationality words) for every sovereign state, and a few territories.
# Shared forms ("Congolese", "Dominican") are listed for both states and declared ambiguous.
DEMONYMS = {
    "AF": ["Afghan"], "AL": ["Albanian"], "DZ": ["Algerian"], "AD": ["Andorran"],
    "AO": ["Angolan"], "AG": ["Antiguan", "Barbudan"], "AR": ["Argentine", "Argentinian"],
    "AM": ["Armenian"], "AU": ["Australian"], "AT": ["Austrian"],
    "AZ": ["Azerbaijani", "Azeri"], "BS": ["Bahamian"], "BH": ["Bahraini"],
    "BD": ["Bangladeshi"], "BB": ["Barbadian", "Bajan"], "BY": ["Belarusian"],
    "BE": ["Belgian"], "BZ": ["Belizean"], "BJ": ["Beninese"], "BT": ["Bhutanese"],
    "BO": ["Bolivian"], "BA": ["Bosnian"], "BW": ["Botswanan", "Motswana", "Batswana"],
    "BR": ["Brazilian"], "BN": ["Bruneian"], "BG": ["Bulgarian"],
    "BF": ["Burkinabe", "Burkinabè"], "BI": ["Burundian"], "CV": ["Cabo Verdean", "Cape Verdean"],
    "KH": ["Cambodian"], "CM": ["Cameroonian"], "CA": ["Canadian"], "CF": ["Central African"],
    "TD": ["Chadian"], "CL": ["Chilean"], "CN": ["Chinese"], "CO": ["Colombian"],
    "KM": ["Comorian", "Comoran"], "CG": ["Congolese"], "CD": ["Congolese"],
    "CR": ["Costa Rican"], "CI": ["Ivorian"], "HR": ["Croatian"], "CU": ["Cuban"],
    "CY": ["Cypriot"], "CZ": ["Czech"], "DK": ["Danish"], "DJ": ["Djiboutian"],
    "DM": ["Dominican"], "DO": ["Dominican"], "EC": ["Ecuadorian", "Ecuadorean"],
    "EG": ["Egyptian"], "SV": ["Salvadoran", "Salvadorean"],
    "GQ": ["Equatorial Guinean", "Equatoguinean"], "ER": ["Eritrean"], "EE": ["Estonian"],
    "SZ": ["Swazi"], "ET": ["Ethiopian"], "FJ": ["Fijian"], "FI": ["Finnish"], "FR": ["French"],
    "GA": ["Gabonese"], "GM": ["Gambian"], "GE": ["Georgian"], "DE": ["German"],
    "GH": ["Ghanaian"], "GR": ["Greek"], "GD": ["Grenadian"], "GT": ["Guatemalan"],
    "GN": ["Guinean"], "GW": ["Bissau-Guinean"], "GY": ["Guyanese"], "HT": ["Haitian"],
    "HN": ["Honduran"], "HU": ["Hungarian"], "IS": ["Icelandic"], "IN": ["Indian"],
    "ID": ["Indonesian"], "IR": ["Iranian"], "IQ": ["Iraqi"], "IE": ["Irish"],
    "IL": ["Israeli"], "IT": ["Italian"], "JM": ["Jamaican"], "JP": ["Japanese"],
    "JO": ["Jordanian"], "KZ": ["Kazakh", "Kazakhstani"], "KE": ["Kenyan"],
    "KI": ["I-Kiribati"], "KP": ["North Korean"], "KR": ["South Korean"], "KW": ["Kuwaiti"],
    "KG": ["Kyrgyz", "Kyrgyzstani"], "LA": ["Lao", "Laotian"], "LV": ["Latvian"],
    "LB": ["Lebanese"], "LS": ["Basotho", "Mosotho"], "LR": ["Liberian"], "LY": ["Libyan"],
    "LI": ["Liechtensteiner"], "LT": ["Lithuanian"], "LU": ["Luxembourgish", "Luxembourger"],
    "MG": ["Malagasy"], "MW": ["Malawian"], "MY": ["Malaysian"], "MV": ["Maldivian"],
    "ML": ["Malian"], "MT": ["Maltese"], "MH": ["Marshallese"], "MR": ["Mauritanian"],
    "MU": ["Mauritian"], "MX": ["Mexican"], "FM": ["Micronesian"], "MD": ["Moldovan"],
    "MC": ["Monegasque", "Monégasque"], "MN": ["Mongolian"], "ME": ["Montenegrin"],
    "MA": ["Moroccan"], "MZ": ["Mozambican"], "MM": ["Burmese"], "NA": ["Namibian"],
    "NR": ["Nauruan"], "NP": ["Nepali", "Nepalese"], "NL": ["Dutch"], "NZ": ["New Zealander"],
    "NI": ["Nicaraguan"], "NE": ["Nigerien"], "NG": ["Nigerian"], "MK": ["North Macedonian"],
    "NO": ["Norwegian"], "OM": ["Omani"], "PK": ["Pakistani"], "PW": ["Palauan"],
    "PA": ["Panamanian"], "PG": ["Papua New Guinean"], "PY": ["Paraguayan"], "PE": ["Peruvian"],
    "PH": ["Filipino", "Philippine"], "PL": ["Polish"], "PT": ["Portuguese"], "QA": ["Qatari"],
    "RO": ["Romanian"], "RU": ["Russian"], "RW": ["Rwandan"], "KN": ["Kittitian", "Nevisian"],
    "LC": ["Saint Lucian", "St Lucian"], "VC": ["Vincentian"], "WS": ["Samoan"],
    "SM": ["Sammarinese"], "ST": ["Santomean", "São Toméan"], "SA": ["Saudi", "Saudi Arabian"],
    "SN": ["Senegalese"], "RS": ["Serbian"], "SC": ["Seychellois"], "SL": ["Sierra Leonean"],
    "SG": ["Singaporean"], "SK": ["Slovak", "Slovakian"], "SI": ["Slovenian", "Slovene"],
    "SB": ["Solomon Islander"], "SO": ["Somali", "Somalian"], "ZA": ["South African"],
    "SS": ["South Sudanese"], "ES": ["Spanish"], "LK": ["Sri Lankan"], "SD": ["Sudanese"],
    "SR": ["Surinamese"], "SE": ["Swedish"], "CH": ["Swiss"], "SY": ["Syrian"],
    "TJ": ["Tajik", "Tajikistani"], "TZ": ["Tanzanian"], "TH": ["Thai"],
    "TL": ["Timorese", "East Timorese"], "TG": ["Togolese"], "TO": ["Tongan"],
    "TT": ["Trinidadian", "Tobagonian"], "TN": ["Tunisian"], "TR": ["Turkish"],
    "TM": ["Turkmen"], "TV": ["Tuvaluan"], "UG": ["Ugandan"], "UA": ["Ukrainian"],
    "AE": ["Emirati"], "GB": ["British"], "US": ["American"], "UY": ["Uruguayan"],
    "UZ": ["Uzbek", "Uzbekistani"], "VU": ["Ni-Vanuatu", "Vanuatuan"], "VE": ["Venezuelan"],
    "VN": ["Vietnamese"], "YE": ["Yemeni"], "ZM": ["Zambian"], "ZW": ["Zimbabwean"],
    # observer state, Taiwan and a few territories
    "PS": ["Palestinian"], "TW": ["Taiwanese"], "HK": ["Hongkonger", "Hong Konger"],
    "PR": ["Puerto Rican"], "GL": ["Greenlandic"],
}
AMBIGUOUS = {"CG": ["Congolese"], "CD": ["Congolese"], "DM": ["Dominican"], "DO": ["Dominican"]}

# Generic nouns by which an article refers back to the entity ("the kingdom", "the city").
NOUNS = {
    "HK": ["city", "territory"], "MO": ["city", "territory"], "SG": ["city-state", "country"],
    "TW": ["island"], "VA": ["city-state"], "PS": [], "EH": ["territory"], "AQ": ["continent"],
    "GB": ["country", "nation"], "BN": ["sultanate", "country"],
}

def slug(text: str) -> str:
    """The same rule as tipgraph.gazetteer.slugify: accents folded, "&" -> "and", apostrophes
    dropped, anything else non-alphanumeric to single hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def nouns_for(code: str, official: str | None, sovereign: bool) -> list[str]:
    if code in NOUNS:
        return NOUNS[code]
    if not sovereign:
        return ["territory"]
    official = official or ""
    for word, noun in (("Kingdom", "kingdom"), ("Principality", "principality"),
                       ("Sultanate", "sultanate"), ("Grand Duchy", "grand duchy")):
        if word in official:
            return [noun, "country"]
    return ["country", "nation"]


def build() -> list[dict]:
    countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    codes = {c.alpha_2 for c in countries}
    members = codes - NON_MEMBERS
    if len(members) != 193:
        sys.exit(f"expected 193 UN member states, got {len(members)}: check NON_MEMBERS")
    sovereign = members | STATE_LIKE
    missing = sovereign - DEMONYMS.keys() - {"VA"}  # the Holy See has no demonym in use
    if missing:
        sys.exit(f"no demonyms for sovereign states: {sorted(missing)}")
    parent = {child: p for p, children in PART_OF.items() for child in children}
    ids = {c.alpha_2: slug(NAMES.get(c.alpha_2) or getattr(c, "common_name", None) or c.name)
           for c in countries}
    if len(set(ids.values())) != len(ids):
        sys.exit("duplicate state ids")

    entities = []
    for c in countries:
        code = c.alpha_2
        common = getattr(c, "common_name", None)
        official = getattr(c, "official_name", None)
        name = NAMES.get(code) or common or c.name
        aliases: list[str] = []
        candidates = [c.name, common, official] + ALIASES.get(code, [])
        for form in candidates:
            if not form:
                continue
            if form.startswith("the "):
                form = form[4:]
            if "," in form and form in (c.name, official):
                continue  # inverted ISO forms ("Korea, Republic of") never appear in news
            if form == name or form in aliases or form in DROP.get(code, ()):
                continue
            aliases.append(form)
        entity: dict = {"id": ids[code], "kind": "State", "name": name}
        if aliases:
            entity["aliases"] = aliases
        nouns = nouns_for(code, official, code in sovereign)
        if nouns:
            entity["nouns"] = nouns
        if DEMONYMS.get(code):
            entity["demonyms"] = DEMONYMS[code]
        if METONYMS.get(code):
            entity["metonyms"] = METONYMS[code]
        if code in AMBIGUOUS:
            entity["ambiguous"] = AMBIGUOUS[code]
        if code in parent:
            entity["part_of"] = ids[parent[code]]
        entity["iso3166"] = code
        entity["iso3166_alpha3"] = c.alpha_3
        entities.append(entity)
    return entities


HEADER = """\
# States and territories: every entry of ISO 3166-1, generated by make_states.py. Do not edit by
# hand: edit the tables in make_states.py and rerun it.
# source: ISO 3166-1 names, official names and alpha-2/alpha-3 codes via the pycountry package
#   ({version}); display names, aliases, demonyms, nouns, capital metonyms and part_of
#   (sovereignty of territories) curated by hand in make_states.py. Identifiers in other
#   datasets (Wikidata, ISO codes) are kept in data/reference/.
# kind State covers sovereign states, Taiwan and territories with their own administration
# (design.md: "state, territory or its government"); part_of names the sovereign state.
"""


def main() -> None:
    write(OUT, HEADER, build(), "entities")


if __name__ == "__main__":
    main()
