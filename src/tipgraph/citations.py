"""Reading one entry of an article's list of sources into its parts.

``parse_citation(text, words)`` finds, with their character spans in ``text``:

- the URL (``https://...``, ``www...``, or ``example.org/path`` written without a scheme; a URL
  with a scheme is preferred when the entry gives both);
- the date the source was consulted ("(Accessed July 8th, 2024)", "last accessed 28 June 2024");
- the publication date: the first date that stands as a part of its own ("(2024)", "2025.",
  ", 24 June 2024,"), made more precise by a later one of the same year ("(2024) ... 18 August");
- the authors, title, publisher and container (the report a chapter is part of).

It knows the common styles: APA ``Author. (Date). Title. Publisher. URL.``, Harvard
``Author (Year) Title. Place: Publisher``, MLA ``Author. "Title." Container, Publisher, Date,
URL.``, Chicago ``Author. Year. "Title." Place, Date. URL.``, comma-separated ``Author, "Title",
Publisher, Date, URL`` and the ``Title (URL) - Publisher, Date`` lines that Markdown links
become. Words come from ``data/lexicon/sources.yaml``; nothing here knows a particular source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import parse_date_text

__all__ = ["Field", "Citation", "CitationWords", "parse_citation", "url_key"]

_M = r"[A-Z][a-z]{2,8}\.?"
_D = r"\d{1,2}(?:st|nd|rd|th)?"
_Y = r"(?:1[89]|20)\d\d"
# Date shapes, most precise first: (pattern, precision of the ISO value it must give).
_DATE_SHAPES = [
    (rf"\b{_D}\s+{_M},?\s+{_Y}\b", 10),
    (rf"\b{_M}\s+{_D},?\s+{_Y}\b", 10),
    (rf"\b{_Y},\s+{_M}\s+{_D}\b", 10),
    (rf"\b{_Y}-\d\d-\d\d\b", 10),
    (rf"\b\d{{1,2}}[./]\d{{1,2}}[./]{_Y}\b", 10),
    (rf"\b{_M}\s+{_Y}\b", 7),
    (rf"\b{_D}\s+{_M}(?![\w.]*,?\s+\d)", 5),            # "18 August": the year comes from elsewhere
    (rf"\(([^()]{{1,40}}?),\s*({_Y})\)", 4),             # "(Quezon City, 2025)"
    (rf"\b{_Y}\b", 4),
]
_URL = re.compile(r"(?:https?://|www\.)[^\s<>]+")
_BARE_URL = re.compile(r"\b(?:[a-z0-9][a-z0-9-]*\.)+[a-z]{2,}/[^\s<>()]*")
_MARKER = re.compile(r"^\s*(?:\[\d+\]|\d+[.)]|[-*•])\s+")
_CITY_STATE = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*, (?:[A-Z]{2}|D\.C\.)(?=[\s,.:;)]|$)")
_QUOTES = {"“": "”", '"': '"', "‘": "’", "'": "'"}


@dataclass(frozen=True)
class Field:
    """A part of an entry: ``text == entry[start:end]``."""

    start: int
    end: int
    text: str


@dataclass
class Citation:
    """The parts of one source entry; offsets are relative to the entry text."""

    text: str
    authors: list[Field] = field(default_factory=list)
    title: Field | None = None
    publisher: Field | None = None
    container: Field | None = None
    date: tuple[str, Field] | None = None
    accessed: tuple[str, Field] | None = None
    url: Field | None = None


class CitationWords:
    """The citation lexicon (``data/lexicon/sources.yaml``), ready for matching."""

    def __init__(self, lexicon: dict):
        lex = lexicon.get("sources", {})

        def alternation(key: str) -> str:
            phrases = sorted(lex.get(key, []), key=len, reverse=True)
            return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) or "(?!)"

        self.accessed = re.compile(rf"(?i)(\(\s*)?\b(?:{alternation('accessed')})"
                                   rf"(?:\s+on)?\s*:?\s*")
        self.published = re.compile(rf"(?i)\b(?:{alternation('published')})\s*:?\s*$")
        self.links = re.compile(rf"(?i)(?<![\w])(?:{alternation('links')})\s*:?(?![\w])")
        self.abbreviations = set(lex.get("abbreviations", []))
        self.places = {p.casefold() for p in lex.get("places", [])}
        self.particles = {p.lower() for p in lex.get("name_particles", [])}
        joiners = [j for j in lex.get("author_joiners", []) if re.search(r"\w|&", j)]
        self.joiners = re.compile(rf"\s+(?:{'|'.join(map(re.escape, joiners)) or '(?!)'})\s+")
        self.leading_joiner = re.compile(rf"^(?:{'|'.join(map(re.escape, joiners)) or '(?!)'})\s+")


# ------------------------------------------------------------------------------ masking

class _Entry:
    """The entry text and which characters are already explained (URL, dates, labels)."""

    def __init__(self, text: str):
        self.text = text
        self.kind: list[str | None] = [None] * len(text)

    def mask(self, start: int, end: int, kind: str) -> None:
        for i in range(max(0, start), min(end, len(self.text))):
            self.kind[i] = kind

    def free(self, start: int, end: int) -> bool:
        return all(k is None for k in self.kind[start:end])

    def wrap(self, start: int, end: int) -> tuple[int, int]:
        """The span widened to the brackets around it: "(https://...)" -> with "(" and ")"."""
        left = self.text[:start].rstrip()
        right = self.text[end:]
        stripped = right.lstrip()
        if left.endswith("(") and stripped.startswith(")"):
            return len(left) - 1, end + (len(right) - len(stripped)) + 1
        return start, end


def _urls(entry: _Entry) -> Field | None:
    """Mask every URL; the first one with a scheme (else the first one) is the source's."""
    found = []
    for pattern in (_URL, _BARE_URL):
        for m in pattern.finditer(entry.text):
            start, end = m.start(), _url_end(entry.text, m.start(), m.end())
            if entry.free(start, end):
                found.append((start, end))
                entry.mask(*entry.wrap(start, end), "url")
    if not found:
        return None
    start, end = min(found, key=lambda s: ("://" not in entry.text[s[0]:s[1]], s[0]))
    return Field(start, end, entry.text[start:end])


def _url_end(text: str, start: int, end: int) -> int:
    """Without the punctuation that ends the sentence or closes a bracket around the URL."""
    while end > start:
        ch = text[end - 1]
        if ch in ".,;:'\"”’" or (ch == ")" and text[start:end].count("(") <
                                    text[start:end].count(")")):
            end -= 1
        else:
            break
    return end


# ------------------------------------------------------------------------------ dates

@dataclass
class _Date:
    start: int
    end: int
    iso: str
    precision: int
    standalone: bool


def _date_candidates(entry: _Entry, words: CitationWords) -> list[_Date]:
    """Dates of the entry not yet masked, most precise shape first where they overlap."""
    taken: list[_Date] = []
    for pattern, precision in _DATE_SHAPES:
        for m in re.finditer(pattern, entry.text):
            if not entry.free(m.start(), m.end()) or any(
                    d.start < m.end() and m.start() < d.end for d in taken):
                continue
            iso = _iso(m, precision)
            if iso is None:
                continue
            start, end = entry.wrap(m.start(), m.end())
            taken.append(_Date(start, end, iso, precision,
                               _standalone(entry.text, start, end, words)))
    return sorted(taken, key=lambda d: d.start)


def _iso(match, precision: int) -> str | None:
    if precision == 5:
        iso = parse_date_text(f"{match.group(0)} 2000")
        return iso[4:] if iso and len(iso) == 10 else None     # "-08-18": month and day only
    text = match.group(2) if precision == 4 and match.lastindex == 2 else match.group(0)
    iso = parse_date_text(text)
    return iso if iso and len(iso) == precision else None


def _standalone(text: str, start: int, end: int, words: CitationWords) -> bool:
    """Whether a date is a part of its own: after a separator or a word such as "published",
    and before a separator or the end."""
    before, after = text[:start].rstrip(), text[end:].lstrip()
    if text[start] == "(":
        return True
    opens = not before or before[-1] in "(,.;:\"”’" or re.search(r"\s[-–—]$", before) \
        or words.published.search(before)
    closes = not after or after[0] in "),.;" or text[end - 1] == "." \
        or re.match(r"[-–—]\s", after)
    return bool(opens and closes)


def _accessed(entry: _Entry, words: CitationWords) -> tuple[str, Field] | None:
    """ "(Accessed July 8th, 2024)": the date, masked with its label."""
    for cue in words.accessed.finditer(entry.text):
        for pattern, precision in _DATE_SHAPES[:5]:
            m = re.compile(pattern).match(entry.text, cue.end())
            if m and (iso := _iso(m, precision)):
                end = m.end()
                if cue.group(1) and entry.text[end:].lstrip().startswith(")"):
                    end = entry.text.index(")", end) + 1
                entry.mask(cue.start(), end, "accessed")
                return iso, Field(m.start(), m.end(), m.group(0))
    return None


def _published(entry: _Entry, words: CitationWords) -> tuple[str, Field] | None:
    """The first stand-alone date, refined by a later, more precise one of the same year."""
    dates = [d for d in _date_candidates(entry, words) if d.standalone]
    dated = [d for d in dates if d.precision != 5]
    if not dated:
        return None
    first = dated[0]
    best, used = first, [first]
    for d in dates:
        year = first.iso[:4]
        if d is first:
            continue
        if d.precision == 5 and best.precision == 4:
            best = _Date(d.start, d.end, year + d.iso, 10, True)
        elif d.precision > best.precision and d.iso[:4] == year:
            best = d
        else:
            continue
        used.append(d)
    for d in used:
        entry.mask(*_with_opener(entry.text, d.start, d.end, words), "date")
    inner = entry.text[best.start:best.end].strip("() ")
    offset = entry.text.index(inner, best.start)
    return best.iso, Field(offset, offset + len(inner), inner)


def _with_opener(text: str, start: int, end: int, words: CitationWords) -> tuple[int, int]:
    m = words.published.search(text[:start].rstrip())
    return (m.start(), end) if m else (start, end)


# ------------------------------------------------------------------------------ parts

def _protected(text: str) -> list[tuple[int, int]]:
    """Brackets and quotations, inside which no part ends."""
    spans = [m.span() for m in re.finditer(r"\([^()]*\)", text)]
    for open_, close in _QUOTES.items():
        if open_ in "'‘":
            pattern = rf"(?:^|(?<=[\s(,.:]))[{open_}][^{close}]+[{close}](?=[\s,.;:)]|$)"
        else:
            pattern = rf"{re.escape(open_)}[^{re.escape(close)}]+{re.escape(close)}"
        spans += [m.span() for m in re.finditer(pattern, text)]
    return spans


def _cuts(entry: _Entry, words: CitationWords, commas: bool) -> list[bool]:
    """Which characters end a part: full stops (not of abbreviations), masked text and, with
    ``commas``, commas, semicolons and spaced dashes."""
    text = entry.text
    inside = [False] * len(text)
    for start, end in _protected(text):
        for i in range(start + 1, end - 1):
            inside[i] = True
    cut = [k is not None for k in entry.kind]
    for start, end in _protected(text):
        if end < len(text) and text[start] in _QUOTES and text[end - 2] in ".,!?":
            cut[end] = True         # MLA: "Title." Container - the part ends with the quotation
    for i, ch in enumerate(text):
        if inside[i] or cut[i]:
            continue
        follows = i + 1 >= len(text) or text[i + 1].isspace()
        if ch == "." and follows and not _abbreviation(text[max(0, i - 16):i], words):
            cut[i] = True
        elif commas and ch in ",;" and follows:
            cut[i] = True
        elif commas and ch in "-–—" and 0 < i < len(text) - 1 \
                and text[i - 1] == " " == text[i + 1]:
            cut[i] = True
    return cut


def _abbreviation(before: str, words: CitationWords) -> bool:
    word = re.search(r"([A-Za-z]+)$", before)
    return bool(word) and (re.fullmatch(r"[A-Z]", word.group(1)) is not None
                           or word.group(1) in words.abbreviations)


def _parts(entry: _Entry, cut: list[bool], lo: int = 0, hi: int | None = None) -> list[Field]:
    """Runs of text between cuts, trimmed of spaces and edge punctuation."""
    hi = len(entry.text) if hi is None else hi
    parts, start = [], None
    for i in range(lo, hi + 1):
        if i < hi and not cut[i]:
            start = i if start is None else start
            continue
        if start is not None:
            part = _trim(entry.text, start, i)
            if part is not None:
                parts.append(part)
            start = None
    return parts


def _trim(text: str, start: int, end: int) -> Field | None:
    while start < end and (text[start].isspace() or text[start] in ".,;:-–—)"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:-–—("):
        end -= 1
    if end > start and text[end - 1] == ")" and text[start:end].count("(") == 0:
        end -= 1
    if not re.search(r"\w", text[start:end]):
        return None
    return Field(start, end, text[start:end])


def _unquote(part: Field) -> Field | None:
    """The words inside a part that is one quotation ("Title." -> Title), else None."""
    text = part.text
    close = _QUOTES.get(text[:1])
    if close is None:
        return None
    end = text.rfind(close)
    if end <= 0 or text[end + 1:].strip(" .,;:"):
        return None
    inner = text[1:end].rstrip(" .,;:")
    return Field(part.start + 1, part.start + 1 + len(inner), inner) if inner else None


# ------------------------------------------------------------------------------ roles

def _name_like(text: str, words: CitationWords) -> bool:
    """Written like the names of people or organisations: capitalised words and particles."""
    tokens = re.findall(r"[^\s,;/&()]+", text)
    return bool(tokens) and len(tokens) <= 14 and not any(t[0].isdigit() for t in tokens) and all(
        t[0].isupper() or t.lower() in words.particles for t in tokens)


def _followed_by(entry: _Entry, part: Field, kind: str) -> bool:
    rest = entry.text[part.end:]
    skip = len(rest) - len(rest.lstrip(" .,;:(\"'”’"))
    i = part.end + skip
    return i < len(entry.text) and entry.kind[i] == kind


def split_authors(field_: Field, words: CitationWords) -> list[Field]:
    """ "ILO, Walk Free and IOM" -> three authors, "A / B" -> two; "Aziz, Farah" stays one
    (inverted) name and "Office to Monitor and Combat ..." one organisation: a bare "and" only
    parts names in a list with commas or between plain names ("Jane Doe and John Roe")."""
    if _inverted(field_.text):
        return [field_]
    pieces = _split(field_, re.compile(r"\s*[,;/]\s*"))
    pieces = [_strip_joiner(p, words) for p in pieces]
    if len(pieces) > 1 or _plain_pair(field_.text, words):
        pieces = pieces[:-1] + _split(pieces[-1], words.joiners)
    return [p for p in pieces if p.text]


def _split(field_: Field, pattern) -> list[Field]:
    out, pos, text = [], 0, field_.text
    for m in [*pattern.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end].strip()
        if piece:
            start = field_.start + text.index(piece, pos)
            out.append(Field(start, start + len(piece), piece))
        if m:
            pos = m.end()
    return out


def _strip_joiner(field_: Field, words: CitationWords) -> Field:
    m = words.leading_joiner.match(field_.text)
    if not m:
        return field_
    return Field(field_.start + m.end(), field_.end, field_.text[m.end():])


def _plain_pair(text: str, words: CitationWords) -> bool:
    sides = words.joiners.split(text)
    return len(sides) == 2 and all(
        1 <= len(side.split()) <= 3 and all(w[:1].isupper() for w in side.split())
        for side in sides)


def _inverted(text: str) -> bool:
    """ "Aziz, Farah" / "Hutton, M." : a surname, a comma and given names or initials."""
    m = re.fullmatch(r"([A-Z][a-z'’\-]+),\s+((?:[A-Z][a-z'’\-]*\.?\s?){1,3})", text)
    return m is not None


def display_name(text: str) -> str:
    """ "Aziz, Farah" -> "Farah Aziz"; other names as written."""
    if _inverted(text):
        surname, given = (p.strip() for p in text.split(",", 1))
        return f"{given} {surname}"
    return text


def _publisher_part(part: Field, words: CitationWords) -> Field | None:
    """The publisher a part names: "Perth: Walk Free" -> Walk Free; places, lower-case
    descriptions ("press release") and left-over words ("Judgment of") name none."""
    text = part.text
    if ": " in text:
        head, tail = text.split(": ", 1)
        if _name_like(head, words) and len(head.split()) <= 3:
            offset = part.start + len(head) + 2
            part = Field(offset, offset + len(tail), tail)
            text = tail
    last = text.split()[-1].lower()
    if text.casefold() in words.places or not text[:1].isupper() or last in words.particles:
        return None
    if _CITY_STATE.fullmatch(text):
        return None
    return part


# ------------------------------------------------------------------------------ parsing

def parse_citation(text: str, words: CitationWords, is_report=None) -> Citation:
    """The parts of one entry. ``is_report(name)`` tells whether a name is a report (edition or
    series): such a part after the title is the container the cited work is part of."""
    entry = _Entry(text)
    citation = Citation(text)
    marker = _MARKER.match(text)
    if marker:
        entry.mask(0, marker.end(), "marker")
    citation.url = _urls(entry)
    citation.accessed = _accessed(entry, words)
    for m in words.links.finditer(text):
        rest = text[m.end():]
        at = m.end() + len(rest) - len(rest.lstrip(" :("))
        if entry.free(m.start(), m.end()) and at < len(text) and entry.kind[at] == "url":
            entry.mask(m.start(), m.end(), "link")
    for m in _CITY_STATE.finditer(text):
        if entry.free(m.start(), m.end()):
            entry.mask(m.start(), m.end(), "place")
    citation.date = _published(entry, words)
    _roles(entry, citation, words, is_report or (lambda name: False))
    return citation


def _roles(entry: _Entry, citation: Citation, words: CitationWords, is_report) -> None:
    """Authors, title, publisher and container, by the entry's style."""
    if _sentences(entry, words) >= 2:
        by_stop = _parts(entry, _cuts(entry, words, commas=False))
        author, title, rest = _period_style(entry, by_stop, words)
    else:
        author, title, rest = _comma_style(entry, words)
    if author is not None:
        citation.authors = split_authors(author, words)
    citation.title = title
    for part in rest:
        if is_report(part.text) and citation.container is None:
            citation.container = part
            continue
        found = _publisher_part(part, words)
        if found is not None and citation.publisher is None:
            citation.publisher = found


def _sentences(entry: _Entry, words: CitationWords) -> int:
    """How many stretches between full stops hold words not yet explained: two or more make an
    APA, MLA, Chicago or Harvard entry."""
    cut = _cuts(entry, words, commas=False)
    count, words_seen = 0, False
    for i, ch in enumerate(entry.text + "."):
        if i == len(entry.text) or (cut[i] and entry.kind[i] is None):
            count += words_seen
            words_seen = False
        elif entry.kind[i] is None and ch.isalpha():
            words_seen = True
    return count


def _period_style(entry: _Entry, parts: list[Field], words: CitationWords):
    """APA, MLA, Chicago, Harvard: parts end with full stops (and masked dates)."""
    first = parts[0]
    has_author = _name_like(first.text, words) and _unquote(first) is None \
        and not _followed_by(entry, first, "url")
    body = parts[1:] if has_author else parts
    quoted = [(i, q) for i, p in enumerate(body) if (q := _unquote(p)) is not None]
    if quoted:
        index, title = quoted[0]
    else:
        index, title = 0, body[0] if body else None
    cut = _cuts(entry, words, commas=True)
    rest = [p for part in body[index + 1:] for p in _parts(entry, cut, part.start, part.end)]
    return (first if has_author else None), title, rest


def _comma_style(entry: _Entry, words: CitationWords):
    """ "Author, "Title", Publisher, Date, URL" and "Title (URL) - Publisher, Date"."""
    parts = _parts(entry, _cuts(entry, words, commas=True))
    if not parts:
        return None, None, []
    author, start = _comma_author(entry, parts, words)
    body = parts[start:]
    quoted = [(i, q) for i, p in enumerate(body) if (q := _unquote(p)) is not None]
    if quoted:
        index, title = quoted[0]
        return author, title, body[index + 1:]
    if not body:
        return author, None, []
    last = 0
    while last + 1 < len(body) and _continues_title(entry, body[last], body[last + 1]):
        last += 1
    title = Field(body[0].start, body[last].end, entry.text[body[0].start:body[last].end])
    return author, title, body[last + 1:]


def _comma_author(entry: _Entry, parts: list[Field], words: CitationWords):
    """(author field, index of the first part after it). Everything before an APA "(2024)" is
    the author list; else the first part when it reads like a name and is not a link's text."""
    for i, part in enumerate(parts[:4]):
        if _followed_by(entry, part, "date") and entry.text[part.end:].lstrip().startswith("("):
            author = Field(parts[0].start, part.end, entry.text[parts[0].start:part.end])
            if _name_like(author.text, words):
                return author, i + 1
            break
    first = parts[0]
    if len(parts) > 1 and _name_like(first.text, words) and _unquote(first) is None \
            and not _followed_by(entry, first, "url"):
        return first, 1
    return None, 0


def _continues_title(entry: _Entry, part: Field, following: Field) -> bool:
    """A title written without quotation marks goes on over a comma when the next part starts
    in lower case ("Detained, not identified") or is a stretch of months ("January-June 2025")."""
    gap = entry.text[part.end:following.start]
    if any(entry.kind[part.end + i] is not None for i in range(len(gap))):
        return False
    return following.text[:1].islower() or re.search(rf"{_M}\s*[-–—]\s*{_M}\s+{_Y}",
                                                     following.text) is not None


# ------------------------------------------------------------------------------ keys

def url_key(url: str) -> str:
    """The URL without what does not change the resource: scheme, "www.", a text fragment
    (#:~:text=...), a final slash; host in lower case."""
    url = re.sub(r"#:~:text=.*$", "", url.strip())
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.I)
    url = re.sub(r"^www\.", "", url, flags=re.I)
    host, _, path = url.partition("/")
    return (host.lower() + ("/" + path if path else "")).rstrip("/")
