"""Reading graph files into an rdflib ``Dataset``.

The format is chosen by the file's extension. Nothing is ever fetched from the network: files are
opened locally and handed to rdflib as byte streams, and JSON-LD documents that refer to a remote
``@context`` (or ``@import`` one) are refused instead of resolved.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from rdflib import Dataset

from tipgraph.errors import GraphFileError

__all__ = ["FORMATS", "format_for", "load_graph"]

# extension -> rdflib parser name
FORMATS: dict[str, str] = {
    ".trig": "trig",
    ".nq": "nquads",
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
}

_MAX_REASON = 200


def format_for(path: str | Path) -> str:
    """The rdflib format name for ``path``'s extension; GraphFileError if it is not a graph format."""
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        known = ", ".join(FORMATS)
        shown = suffix or "(none)"
        raise GraphFileError(f"unknown graph format {shown!r}; expected one of {known}", path) from None


def load_graph(path: str | Path) -> Dataset:
    """Read a .trig, .nq, .ttl, .nt or .jsonld file into a ``Dataset`` (``default_union=True``).

    Triples of the triple-only formats (.ttl, .nt) land in the default graph; named graphs of .trig
    and .nq files are kept. Raises ``GraphFileError`` when the file is missing, unreadable, of an
    unknown format, or cannot be parsed.
    """
    path = Path(path)
    fmt = format_for(path)
    if not path.exists():
        raise GraphFileError("no such file", path)
    if path.is_dir():
        raise GraphFileError("is a directory, not a graph file", path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GraphFileError(f"cannot read: {exc.strerror or exc}", path) from exc

    dataset = Dataset(default_union=True)
    base = path.resolve().as_uri()
    try:
        if fmt == "json-ld":
            _parse_jsonld(dataset, raw, base, path)
        else:
            dataset.parse(source=io.BytesIO(raw), format=fmt, publicID=base)
    except GraphFileError:
        raise
    except Exception as exc:  # rdflib raises many unrelated exception types on bad input
        raise GraphFileError(f"cannot parse: {_reason(exc)}", path) from exc
    return dataset


def _parse_jsonld(dataset: Dataset, raw: bytes, base: str, path: Path) -> None:
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise GraphFileError(f"cannot parse: not UTF-8 ({exc.reason})", path) from exc
    except json.JSONDecodeError as exc:
        raise GraphFileError(f"cannot parse: invalid JSON at line {exc.lineno}: {exc.msg}", path) from exc
    remote = _remote_context(document)
    if remote is not None:
        raise GraphFileError(
            f"cannot parse: refers to the remote JSON-LD context {remote!r}, which tipgraph does not "
            "fetch; inline the @context instead", path)
    dataset.parse(data=json.dumps(document), format="json-ld", publicID=base)


def _remote_context(node: Any) -> str | None:
    """The first context reference in a JSON-LD document that would have to be fetched, if any."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                found = _context_reference(value)
                if found is not None:
                    return found
            if key == "@import" and isinstance(value, str):
                return value
            found = _remote_context(value)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = _remote_context(item)
            if found is not None:
                return found
    return None


def _context_reference(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                return item
    return None


def _reason(exc: Exception) -> str:
    """A one-line description of a parser error."""
    lines = getattr(exc, "lines", None)
    why = getattr(exc, "_why", None)
    if why is not None and isinstance(lines, int):  # notation3.BadSyntax (Turtle, TriG)
        reason = f"line {lines + 1}: bad syntax ({why})"
    else:
        text = str(exc).strip()
        reason = text.splitlines()[0].strip() if text else type(exc).__name__
        reason = reason.rstrip(":")
    if len(reason) > _MAX_REASON:
        reason = reason[: _MAX_REASON - 3] + "..."
    return reason
