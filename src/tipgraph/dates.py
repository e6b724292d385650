"""Normalising date expressions: "June 26th, 2024" -> "2024-06-26", "March 2024" -> "2024-03".

The value keeps the precision the text gives (day, month or year) and never invents a missing
part. Relative expressions ("yesterday") are not resolved. Parsing is done by dateparser, with
English only and a fixed relative base so results do not depend on today's date.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from rdflib import Literal
from rdflib.namespace import XSD

__all__ = ["parse_date_text", "date_literal", "YEAR_RE"]

YEAR_RE = re.compile(r"\b(1[89]\d{2}|20\d{2}|2100)\b")
_ISO = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


@lru_cache(maxsize=1)
def _parser():
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "PARSERS": ["custom-formats", "absolute-time"],
        "RELATIVE_BASE": datetime(2000, 1, 1),
        "PREFER_DAY_OF_MONTH": "first",
        "STRICT_PARSING": False,
    })


@lru_cache(maxsize=4096)
def parse_date_text(text: str) -> str | None:
    """ISO date of a short date expression (at day, month or year precision), or None."""
    text = text.strip().strip("().,;")
    if not text or len(text) > 40 or not YEAR_RE.search(text):
        return None
    if _ISO.match(text):
        return text
    if YEAR_RE.fullmatch(text):
        return text
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    cleaned = re.sub(r"^(accessed|published|updated|posted|on)\s*:?\s*", "", cleaned, flags=re.I)
    if not re.search(r"[A-Za-z]{3}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", cleaned):
        return None
    data = _parser().get_date_data(cleaned)
    if data is None or data.date_obj is None:
        return None
    value = data.date_obj
    if not YEAR_RE.search(str(value.year)) or str(value.year) not in cleaned:
        return None
    if data.period == "year":
        return f"{value.year:04d}"
    if data.period == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.strftime("%Y-%m-%d")


def date_literal(iso: str) -> Literal:
    """An xsd:date, xsd:gYearMonth or xsd:gYear literal for an ISO value of that precision."""
    if len(iso) == 4:
        return Literal(iso, datatype=XSD.gYear)
    if len(iso) == 7:
        return Literal(iso, datatype=XSD.gYearMonth)
    return Literal(iso, datatype=XSD.date)
