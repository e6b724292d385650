"""Regenerate ``currencies.yaml``: every ISO 4217 currency known to the pycountry package, with
hand-curated symbols ("HK$", "฿") and names ("baht", "euros") used in news after or before an
amount.

Run from anywhere:  .venv/bin/python data/entities/make_currencies.py

Each symbol or name is either a plain string (it means this currency only) or a mapping
``{symbol|name: FORM, default: true}`` (the form is shared by several currencies and this one is
what it means when nothing else in the text decides) or ``{symbol|name: FORM, ambiguous: true}``
(the form is shared; this currency is one possible reading, not the default). A form shared by
several currencies is flagged in every one of them, and at most one of them is the default.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from yamldump import write  # noqa: E402  (the shared layout of generated files)

OUT = Path(__file__).with_name("currencies.yaml")

D = "default"
A = "ambiguous"

# code -> list of symbols; a tuple (form, flag) marks a shared form.
SYMBOLS: dict[str, list] = {
    "USD": ["US$", ("$", D)],
    "HKD": ["HK$", ("$", A)],
    "SGD": ["S$", ("$", A)],
    "AUD": ["A$", "AU$", ("$", A)],
    "CAD": [("C$", D), "CA$", ("$", A)],
    "NZD": ["NZ$", ("$", A)],
    "TWD": ["NT$", ("$", A)],
    "MXN": ["Mex$", ("$", A)],
    "NIO": [("C$", A)],
    "BRL": ["R$"],
    "MOP": ["MOP$"],
    "GBP": [("£", D)],
    "EUR": ["€"],
    "JPY": [("¥", D), "JP¥"],
    "CNY": [("¥", A), "CN¥", "RMB"],
    "MYR": ["RM"],
    "PHP": ["₱"],
    "THB": ["฿"],
    "NGN": ["₦"],
    "INR": ["₹", ("Rs", D), ("Rs.", D)],
    "PKR": [("Rs", A), ("Rs.", A)],
    "LKR": [("Rs", A), ("Rs.", A)],
    "NPR": [("Rs", A), ("Rs.", A)],
    "IDR": ["Rp"],
    "KRW": [("₩", D)],
    "KPW": [("₩", A)],
    "QAR": ["QR"],
    "AED": ["Dh", "Dhs"],
    "SAR": ["SR"],
    "VND": ["₫"],
    "BDT": ["৳", "Tk"],
    "TRY": ["₺"],
    "RUB": ["₽"],
    "UAH": ["₴"],
    "ILS": ["₪"],
    "PLN": ["zł"],
    "CZK": ["Kč"],
    "KES": ["KSh", "Ksh"],
    "TZS": ["TSh"],
    "UGX": ["USh"],
    "GHS": ["GH₵"],
    "KHR": ["៛"],
    "LAK": ["₭"],
    "MNT": ["₮"],
    "KZT": ["₸"],
    "GEL": ["₾"],
    "AZN": ["₼"],
    "CRC": ["₡"],
    "PYG": ["₲"],
    "SEK": [("kr", A)],
    "NOK": [("kr", A)],
    "DKK": [("kr", A)],
    "ISK": [("kr", A)],
}


def pair(singular: str, plural: str | None = None, flag: str | None = None) -> list:
    forms = [singular] + ([plural] if plural and plural != singular else [])
    return [(f, flag) if flag else f for f in forms]


def qualified(adjectives: list[str], singular: str, plural: str) -> list[str]:
    return [f"{adj} {noun}" for adj in adjectives for noun in (plural, singular)]


# code -> list of names (lower-case nouns; qualified forms carry their capitalised adjective).
NAMES: dict[str, list] = {
    "USD": pair("dollar", "dollars", D) + qualified(["US", "U.S.", "American"], "dollar", "dollars"),
    "HKD": qualified(["Hong Kong", "HK"], "dollar", "dollars"),
    "SGD": qualified(["Singapore", "Singaporean"], "dollar", "dollars"),
    "AUD": qualified(["Australian"], "dollar", "dollars"),
    "CAD": qualified(["Canadian"], "dollar", "dollars"),
    "NZD": qualified(["New Zealand"], "dollar", "dollars"),
    "TWD": qualified(["New Taiwan", "Taiwan"], "dollar", "dollars"),
    "EUR": pair("euro", "euros"),
    "GBP": pair("pound", "pounds", D) + ["pounds sterling", "pound sterling", "sterling"]
           + qualified(["British"], "pound", "pounds"),
    "EGP": qualified(["Egyptian"], "pound", "pounds"),
    "JPY": ["yen", "Japanese yen"],
    "CNY": ["yuan", "renminbi", "Chinese yuan"],
    "THB": ["baht", "Thai baht"],
    "NGN": ["naira", "Nigerian naira"],
    "MYR": ["ringgit", "Malaysian ringgit"],
    "IDR": ["rupiah", "Indonesian rupiah"],
    "VND": ["dong", "Vietnamese dong"],
    "KRW": pair("won", None, D) + ["South Korean won", "Korean won"],
    "KPW": pair("won", None, A) + ["North Korean won"],
    "MMK": pair("kyat", "kyats") + ["Myanmar kyat"],
    "KHR": pair("riel", "riels") + ["Cambodian riel"],
    "LAK": ["kip", "Lao kip"],
    "BDT": ["taka", "Bangladeshi taka"],
    "MOP": pair("pataca", "patacas"),
    "INR": pair("rupee", "rupees", D) + qualified(["Indian"], "rupee", "rupees"),
    "PKR": pair("rupee", "rupees", A) + qualified(["Pakistani"], "rupee", "rupees"),
    "LKR": pair("rupee", "rupees", A) + qualified(["Sri Lankan"], "rupee", "rupees"),
    "NPR": pair("rupee", "rupees", A) + qualified(["Nepalese", "Nepali"], "rupee", "rupees"),
    "PHP": pair("peso", "pesos", A) + qualified(["Philippine"], "peso", "pesos"),
    "MXN": pair("peso", "pesos", A) + qualified(["Mexican"], "peso", "pesos"),
    "ARS": pair("peso", "pesos", A) + qualified(["Argentine"], "peso", "pesos"),
    "COP": pair("peso", "pesos", A) + qualified(["Colombian"], "peso", "pesos"),
    "CLP": pair("peso", "pesos", A) + qualified(["Chilean"], "peso", "pesos"),
    "DOP": pair("peso", "pesos", A) + qualified(["Dominican"], "peso", "pesos"),
    "AED": pair("dirham", "dirhams", D) + qualified(["UAE", "Emirati"], "dirham", "dirhams"),
    "MAD": pair("dirham", "dirhams", A) + qualified(["Moroccan"], "dirham", "dirhams"),
    "QAR": pair("riyal", "riyals", A) + qualified(["Qatari"], "riyal", "riyals"),
    "SAR": pair("riyal", "riyals", A) + qualified(["Saudi"], "riyal", "riyals"),
    "OMR": pair("rial", "rials", A) + qualified(["Omani"], "rial", "rials"),
    "IRR": pair("rial", "rials", A) + qualified(["Iranian"], "rial", "rials"),
    "YER": pair("rial", "rials", A) + qualified(["Yemeni"], "rial", "rials"),
    "KWD": pair("dinar", "dinars", A) + qualified(["Kuwaiti"], "dinar", "dinars"),
    "BHD": pair("dinar", "dinars", A) + qualified(["Bahraini"], "dinar", "dinars"),
    "JOD": pair("dinar", "dinars", A) + qualified(["Jordanian"], "dinar", "dinars"),
    "IQD": pair("dinar", "dinars", A) + qualified(["Iraqi"], "dinar", "dinars"),
    "CHF": pair("franc", "francs", A) + qualified(["Swiss"], "franc", "francs"),
    "XOF": pair("franc", "francs", A) + pair("CFA franc", "CFA francs", A)
           + qualified(["West African CFA"], "franc", "francs"),
    "XAF": pair("franc", "francs", A) + pair("CFA franc", "CFA francs", A)
           + qualified(["Central African CFA"], "franc", "francs"),
    "KES": pair("shilling", "shillings", A) + qualified(["Kenyan"], "shilling", "shillings"),
    "UGX": pair("shilling", "shillings", A) + qualified(["Ugandan"], "shilling", "shillings"),
    "TZS": pair("shilling", "shillings", A) + qualified(["Tanzanian"], "shilling", "shillings"),
    "SOS": pair("shilling", "shillings", A) + qualified(["Somali"], "shilling", "shillings"),
    "ZAR": ["rand", "South African rand"],
    "GHS": pair("cedi", "cedis") + ["Ghanaian cedi", "Ghanaian cedis"],
    "ETB": ["birr", "Ethiopian birr"],
    "RUB": pair("ruble", "rubles") + pair("rouble", "roubles") + ["Russian ruble", "Russian rouble"],
    "UAH": pair("hryvnia", "hryvnias"),
    "TRY": ["lira", "liras", "Turkish lira"],
    "ILS": pair("shekel", "shekels") + ["Israeli shekel", "Israeli shekels", "new shekels"],
    "PLN": pair("zloty", "zlotys"),
    "CZK": pair("koruna", "korunas") + ["Czech crown", "Czech crowns"],
    "HUF": pair("forint", "forints"),
    "RON": ["Romanian leu", "lei"],
    "BRL": ["reais", "Brazilian real", "Brazilian reais"],
    "PEN": ["soles", "Peruvian sol", "Peruvian soles"],
    "KZT": ["tenge", "Kazakh tenge"],
}


def entry(form: str | tuple, key: str):
    if isinstance(form, tuple):
        text, flag = form
        return {key: text, flag: True}
    return form


def build() -> list[dict]:
    currencies = sorted(pycountry.currencies, key=lambda c: c.alpha_3)
    known = {c.alpha_3 for c in currencies}
    unknown = (SYMBOLS.keys() | NAMES.keys()) - known
    if unknown:
        sys.exit(f"codes not in ISO 4217 (pycountry): {sorted(unknown)}")
    out = []
    for c in currencies:
        item: dict = {"code": c.alpha_3, "name": c.name}
        if c.alpha_3 in SYMBOLS:
            item["symbols"] = [entry(s, "symbol") for s in SYMBOLS[c.alpha_3]]
        if c.alpha_3 in NAMES:
            item["names"] = [entry(n, "name") for n in NAMES[c.alpha_3]]
        out.append(item)
    return out


HEADER = """\
# Currencies: every ISO 4217 currency, generated by make_currencies.py. Do not edit by hand:
# edit the tables in make_currencies.py and rerun it.
# source: ISO 4217 codes and names via the pycountry package ({version}); symbols and names
#   (the words written next to an amount) curated by hand in make_currencies.py from common
#   usage in English-language news.
# A symbol or name is a plain string when it means this currency only. A mapping with
#   `default: true` marks a form several currencies share and this one is its reading when
#   nothing in the article decides ("$" -> USD, "¥" -> JPY, "rupees" -> INR); `ambiguous: true`
#   marks a shared form for which this currency is only one possible reading ("pesos",
#   "riyals", "francs" have no default). Symbols match case-sensitively, names
#   case-insensitively.
"""


def main() -> None:
    write(OUT, HEADER, build(), "currencies")


if __name__ == "__main__":
    main()
