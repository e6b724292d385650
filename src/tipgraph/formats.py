"""Turning Markdown and saved HTML into the plain text tipgraph maps.

Markdown is parsed with markdown-it-py and rendered block by block (headings, paragraphs, list
items, quotes) as plain paragraphs; links in list items keep their URL in brackets so a cited
source's address stays in the text. HTML is reduced to its main content by trafilatura (which
drops navigation, banners and sidebars), as Markdown, then rendered the same way; the page's
metadata (title, author, date, site name, URL) fills what the sidecar does not give.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import ArticleError

__all__ = ["markdown_to_text", "html_to_text"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", re.S)
_META_KEYS = {"title", "author", "date", "publisher", "url", "language", "role", "organisation"}


def markdown_to_text(source: str, path: Path | None = None) -> tuple[str, dict]:
    """Plain text and front-matter metadata of a Markdown document."""
    from markdown_it import MarkdownIt

    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(source)
    if match:
        try:
            front = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise ArticleError(f"malformed YAML front matter: {getattr(exc, 'problem', exc)}",
                               path) from None
        if not isinstance(front, dict):
            raise ArticleError("front matter is not a mapping of keys to values", path)
        for key, value in front.items():
            if str(key).lower() in _META_KEYS and value is not None:
                meta[str(key).lower()] = _iso_if_date(value)
        source = source[match.end():]

    tokens = MarkdownIt("commonmark").parse(source)
    blocks: list[str] = []
    list_lines: list[str] = []
    depth_list = 0
    in_item = False
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth_list += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth_list -= 1
            if depth_list == 0 and list_lines:
                blocks.append("\n".join(list_lines))
                list_lines = []
        elif token.type == "list_item_open":
            in_item = True
            list_lines.append("- ")
        elif token.type == "list_item_close":
            in_item = False
        elif token.type == "inline":
            rendered = _render_inline(token.children or [], keep_urls=in_item)
            if in_item and list_lines:
                sep = "" if list_lines[-1] == "- " else " "
                list_lines[-1] += sep + rendered
            elif rendered.strip():
                blocks.append(rendered.strip())
        elif token.type in ("fence", "code_block"):
            if token.content.strip():
                blocks.append(token.content.strip())
    if list_lines:
        blocks.append("\n".join(list_lines))
    text = "\n\n".join(b for b in blocks if b.strip()) + "\n"
    return text, meta


def _render_inline(children, keep_urls: bool) -> str:
    out: list[str] = []
    href_stack: list[tuple[str, int]] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "link_open":
            href_stack.append((child.attrs.get("href", ""), len(out)))
        elif kind == "link_close" and href_stack:
            href, at = href_stack.pop()
            label = "".join(out[at:]).strip()
            if keep_urls and href and href != label and re.match(r"https?://", href):
                out.append(f" ({href})")
        elif kind == "image":
            continue
    return re.sub(r"[ \t]+", " ", "".join(out))


def _iso_if_date(value) -> str:
    import datetime as _dt

    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return str(value).strip()


def html_to_text(source: str, path: Path | None = None) -> tuple[str, dict]:
    """Main text (as plain paragraphs) and metadata of a saved HTML page."""
    import trafilatura

    body = trafilatura.extract(source, output_format="markdown", include_links=True,
                               include_comments=False, include_tables=False,
                               include_images=False, favor_precision=True, deduplicate=False)
    if not body or not body.strip():
        raise ArticleError("no article text found in the HTML page", path)
    meta: dict[str, str] = {}
    info = trafilatura.extract_metadata(source)
    if info is not None:
        for key, attr in (("title", "title"), ("author", "author"), ("date", "date"),
                          ("publisher", "sitename"), ("url", "url"), ("language", "language"),
                          ("description", "description")):
            value = getattr(info, attr, None)
            if value:
                meta[key] = str(value).strip()
    if meta.get("date"):
        meta["date"] = meta["date"][:10]
    head = []
    if meta.get("title") and meta["title"] not in body[:400]:
        head.append("# " + meta["title"])
    if meta.get("author") and meta["author"] not in body[:800]:
        head.append("By " + meta["author"].replace(";", ","))
    text, front = markdown_to_text("\n\n".join(head + [body]), path)
    meta.pop("description", None)
    for key, value in front.items():
        meta.setdefault(key, value)
    return text, meta
