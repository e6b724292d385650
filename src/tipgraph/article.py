"""Reading articles: plain text, Markdown and saved HTML, with an optional metadata sidecar.

Every reader produces an :class:`Article` whose ``text`` is the exact string all character offsets
in the graph refer to. The layout recogniser finds the title, standfirst, byline, date or
dateline, body and trailing sources section and records each as a :class:`Span` of that text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ArticleError, MetadataError

__all__ = ["Article", "Span", "read_article", "find_articles", "ARTICLE_SUFFIXES", "read_text"]

ARTICLE_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_KEYS = {"id", "title", "publisher", "url", "date", "language", "author", "role",
                "organisation", "note", "source"}

# Headings that open a trailing list of the article's sources (compared lower-cased, without a
# final colon). Language, not knowledge of any entity.
SOURCE_HEADINGS = re.compile(
    r"^(sources?|references?|bibliography|notes|endnotes|citations|works cited|further reading|"
    r"sources and further reading|references and further reading|sources and references|"
    r"read more|related reading)$")
ROLE_WORDS = re.compile(
    r"\b(researcher|reporter|correspondent|editor|writer|journalist|analyst|director|fellow|"
    r"contributor|columnist|officer|intern|professor|lecturer|coordinator|manager|advocate|"
    r"staff|associate|head|chief|producer|desk)\b", re.I)
BY_PREFIX = re.compile(r"^(?:by|written by|words by)\s*:?\s+", re.I)
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'\-]{1,40}?)(?:,\s*(?P<date>[A-Z][a-z]+\.? \d{1,2}(?:, \d{4})?|"
    r"\d{1,2} [A-Z][a-z]+(?: \d{4})?))?\s*(?:\((?P<agency>[^)]{1,40})\))?\s*(?:—|–|--|-)\s+")


@dataclass(frozen=True)
class Span:
    """A piece of the article text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass
class Article:
    """One article, read and laid out. Offsets refer to ``text``."""

    id: str
    path: Path
    format: str
    text: str
    title: Span | None = None
    standfirst: Span | None = None
    author: Span | None = None
    role: Span | None = None
    organisation: Span | None = None
    date: str | None = None            # ISO date (YYYY, YYYY-MM or YYYY-MM-DD)
    date_span: Span | None = None
    dateline: Span | None = None
    body: Span | None = None
    sources_heading: Span | None = None
    sources: list[Span] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])


# --------------------------------------------------------------------------- finding files

def find_articles(paths) -> list[Path]:
    """Expand files and folders into the sorted list of article files they hold.

    Folders are searched recursively for ``.txt``, ``.md``, ``.html`` files; README files and
    sidecars are skipped. A path that does not exist raises :class:`ArticleError`.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and _is_article_file(child):
                    found.append(child)
        elif path.is_file():
            if path.suffix.lower() not in ARTICLE_SUFFIXES:
                raise ArticleError(
                    f"unsupported file type {path.suffix or '(none)'}; expected one of "
                    f"{', '.join(sorted(ARTICLE_SUFFIXES))}", path)
            found.append(path)
        else:
            raise ArticleError("no such file or folder", path)
    unique = sorted(dict.fromkeys(found))
    if not unique:
        raise ArticleError("no article files (.txt, .md, .html) found", ", ".join(map(str, paths)))
    return unique


def _is_article_file(path: Path) -> bool:
    if path.name.endswith(SIDECAR_SUFFIX) or path.suffix.lower() not in ARTICLE_SUFFIXES:
        return False
    return path.stem.upper() not in {"README", "LICENSE", "CHANGELOG"} and not path.name.startswith(".")


# --------------------------------------------------------------------------- decoding

def read_text(path: Path) -> str:
    """Read a file as UTF-8 text, refusing empty, binary and non-UTF-8 files."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError("no such file", path) from None
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror}", path) from None
    if not data.strip():
        raise ArticleError("empty file", path)
    if b"\x00" in data[:8192]:
        raise ArticleError("binary file, not text", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"not UTF-8 text (invalid byte at offset {exc.start})", path) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def read_sidecar(path: Path) -> dict:
    """Read ``NAME.meta.yaml`` beside an article, if there is one."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise MetadataError("not UTF-8 text", sidecar) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise MetadataError(f"malformed YAML: {problem}", sidecar,
                            line + 1 if line is not None else None) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MetadataError("expected a mapping of metadata keys to values", sidecar)
    unknown = sorted(set(map(str, data)) - SIDECAR_KEYS)
    if unknown:
        raise MetadataError(f"unknown key(s) {', '.join(unknown)}; allowed: "
                            f"{', '.join(sorted(SIDECAR_KEYS))}", sidecar)
    meta = {}
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            raise MetadataError(f"key '{key}' must be a single value", sidecar)
        meta[key] = "" if value is None else str(value).strip()
    if "date" in meta and meta["date"]:
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", meta["date"]):
            raise MetadataError(f"date '{meta['date']}' is not an ISO date (YYYY-MM-DD)", sidecar)
    if "url" in meta and meta["url"] and not re.match(r"^https?://\S+$", meta["url"]):
        raise MetadataError(f"url '{meta['url']}' is not an http(s) URL", sidecar)
    if "id" in meta and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", meta["id"]):
        raise MetadataError(f"id '{meta['id']}' may hold only letters, digits, '.', '_' and '-'",
                            sidecar)
    return meta


# --------------------------------------------------------------------------- reading

def read_article(path: str | Path) -> Article:
    """Read one article file (and its sidecar) into an :class:`Article`."""
    path = Path(path)
    fmt = ARTICLE_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ArticleError(f"unsupported file type {path.suffix or '(none)'}", path)
    raw = read_text(path)
    meta = read_sidecar(path)
    if fmt == "txt":
        text, extra = raw, {}
    elif fmt == "md":
        from .formats import markdown_to_text
        text, extra = markdown_to_text(raw)
    else:
        from .formats import html_to_text
        text, extra = html_to_text(raw, path)
    for key, value in extra.items():
        meta.setdefault(key, value)
    article = Article(id=meta.get("id") or _article_id(path), path=path, format=fmt, text=text,
                      meta=meta)
    lay_out(article)
    if article.body is None or not article.body.text.strip():
        raise ArticleError("no body text found", path)
    return article


def _article_id(path: Path) -> str:
    stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "article"


# --------------------------------------------------------------------------- layout

@dataclass
class _Block:
    start: int
    end: int
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def _blocks(text: str) -> list[_Block]:
    """Paragraphs separated by blank lines, with their offsets, stripped of outer spaces."""
    blocks = []
    for match in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        chunk = match.group()
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            start = match.start() + lead
            blocks.append(_Block(start, start + len(body), body))
    return blocks


def _is_short_line(block: _Block, words: int = 10) -> bool:
    return "\n" not in block.text and len(block.text.split()) <= words and not re.search(
        r"[.!?]\s*$", block.text.rstrip("\"'”’"))


COLLECTIVE_BYLINE = re.compile(r"^(?:by\s+)?[A-Z][\w'’&. -]{1,40}\s(?:staff|reporters|"
                               r"correspondents|desk|team|newsroom)$", re.I)


def _is_byline_block(block: _Block) -> bool:
    lines = [ln for ln in block.lines if ln.strip()]
    first = lines[0] if lines else ""
    return 2 <= len(lines) <= 4 and (_looks_like_name(first) or COLLECTIVE_BYLINE.match(first)) \
        and all(
        _is_short_line(_Block(0, len(ln), ln.strip())) for ln in lines)


def _looks_like_name(text: str) -> bool:
    text = BY_PREFIX.sub("", text).split(",")[0].strip()
    tokens = text.split()
    return 2 <= len(tokens) <= 5 and all(t[:1].isupper() or t.lower() in {"de", "van", "von", "da",
                                                                            "del", "bin", "al"}
                                         for t in tokens)


def _parse_date(text: str) -> str | None:
    """An ISO date from a short date expression, or None. Never guesses a missing year."""
    from .dates import parse_date_text
    return parse_date_text(text)


def lay_out(article: Article) -> None:
    """Find title, standfirst, byline, date, dateline, body and sources in ``article.text``."""
    text = article.text
    blocks = _blocks(text)
    if not blocks:
        return
    i = 0
    # Title: the first block when it is one short line.
    first = blocks[0]
    if "\n" not in first.text and len(first.text) <= 200:
        article.title = article.span(first.start, first.end)
        i = 1
    elif "\n" in first.text and len(first.lines[0]) <= 200:
        end = first.start + len(first.lines[0])
        article.title = article.span(first.start, end)
        blocks[0] = _Block(end + 1, first.end, text[end + 1:first.end])
        i = 0
    # Front matter: standfirst, repeated title, byline lines, date line.
    byline: list[_Block] = []
    while i < len(blocks):
        block = blocks[i]
        if article.title and block.text == article.title.text:
            i += 1
            continue
        date = _parse_date(block.text) if _is_short_line(block, 8) else None
        if date and article.date_span is None and not byline[:0]:
            article.date, article.date_span = date, article.span(block.start, block.end)
            i += 1
            continue
        by_line = BY_PREFIX.match(block.text) and _is_short_line(block, 16)
        if (by_line or _is_short_line(block) and (byline or _looks_like_name(block.text))) \
                and len(byline) < 3:
            byline.append(block)
            i += 1
            continue
        if not byline and _is_byline_block(block):
            # A byline written as one block of short lines: name, role, organisation.
            offset = block.start
            for line in block.lines:
                if line.strip():
                    lead = len(line) - len(line.lstrip())
                    byline.append(_Block(offset + lead, offset + lead + len(line.strip()),
                                         line.strip()))
                offset += len(line) + 1
            i += 1
            continue
        if (article.standfirst is None and not byline and i + 1 < len(blocks)
                and len(block.text) <= 400 and "\n" not in block.text
                and not SOURCE_HEADINGS.match(_heading_key(block.text))):
            article.standfirst = article.span(block.start, block.end)
            i += 1
            continue
        break
    _assign_byline(article, byline)
    # Sources section: from a heading to the end.
    body_end_index = len(blocks)
    for j in range(i, len(blocks)):
        if SOURCE_HEADINGS.match(_heading_key(blocks[j].text.split("\n")[0])):
            body_end_index = j
            head = blocks[j]
            first_line_end = head.start + len(head.lines[0])
            article.sources_heading = article.span(head.start, first_line_end)
            entries: list[Span] = []
            rest = [_Block(first_line_end + 1, head.end, text[first_line_end + 1:head.end])] \
                if "\n" in head.text else []
            for block in rest + blocks[j + 1:]:
                entries.extend(_entries(article, block))
            article.sources = entries
            break
    body_blocks = blocks[i:body_end_index]
    if body_blocks:
        article.body = article.span(body_blocks[0].start, body_blocks[-1].end)
        match = DATELINE.match(body_blocks[0].text)
        if match and len(match.group("place").split()) <= 4:
            article.dateline = article.span(body_blocks[0].start,
                                            body_blocks[0].start + match.end())
            if match.group("date") and not article.date:
                article.date = _parse_date(match.group("date"))
    if not article.date and article.meta.get("date"):
        article.date = article.meta["date"]


def _heading_key(line: str) -> str:
    return re.sub(r"[#*_:\s]+$", "", re.sub(r"^[#*_\s]+", "", line)).strip().lower()


def _entries(article: Article, block: _Block) -> list[Span]:
    """One source entry per line of a list, or per paragraph."""
    spans = []
    lines = block.text.split("\n")
    listish = len(lines) > 1 and all(re.match(r"^\s*(?:[-*•]|\d+[.)]|\[\d+\])\s+", ln)
                                     for ln in lines if ln.strip())
    pieces = lines if listish else [block.text]
    offset = block.start
    for piece in pieces:
        start = text_start = offset + (len(piece) - len(piece.lstrip()))
        marker = re.match(r"^(?:[-*•]|\d+[.)]|\[\d+\])\s+", piece.strip())
        if marker:
            text_start = start + marker.end()
        end = start + len(piece.strip())
        if end > text_start:
            spans.append(article.span(text_start, end))
        offset += len(piece) + 1
    return spans


def _assign_byline(article: Article, byline: list[_Block]) -> None:
    if not byline:
        return
    first = byline[0]
    prefix = BY_PREFIX.match(first.text)
    start = first.start + (prefix.end() if prefix else 0)
    parts = [p for p in re.finditer(r"[^,|·]+", article.text[start:first.end])]
    spans = []
    for part in parts:
        lead = len(part.group()) - len(part.group().lstrip())
        s = start + part.start() + lead
        e = start + part.start() + len(part.group().rstrip())
        if e > s:
            spans.append(article.span(s, e))
    for block in byline[1:]:
        spans.append(article.span(block.start, block.end))
    for span in list(spans):
        date = _parse_date(span.text)
        if date:
            spans.remove(span)
            if article.date_span is None:
                article.date, article.date_span = date, span
    if spans and (_looks_like_name(spans[0].text) or COLLECTIVE_BYLINE.match(spans[0].text)):
        article.author = spans[0]
        rest = spans[1:]
        roles = [s for s in rest if ROLE_WORDS.search(s.text)]
        if roles:
            article.role = roles[0]
            rest = [s for s in rest if s is not roles[0]]
        if rest:
            article.organisation = rest[0]
