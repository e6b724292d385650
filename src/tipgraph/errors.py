"""Errors tipgraph raises. Each carries what a user needs to find the problem: the file, and where
possible the line or the name that was not understood. The CLI prints ``str(error)`` as one line."""

from __future__ import annotations

from pathlib import Path


class TipgraphError(Exception):
    """Base class of every error tipgraph raises on purpose."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ArticleError(TipgraphError):
    """An article cannot be read: empty, binary, not UTF-8, no body."""


class MetadataError(TipgraphError):
    """A sidecar metadata file is malformed."""


class DataFileError(TipgraphError):
    """A gazetteer or lexicon file under data/ is malformed."""


class MapperError(TipgraphError):
    """A mapper is unknown, or failed on an article."""


class GraphFileError(TipgraphError):
    """A graph file is missing or cannot be parsed."""


class QueryError(TipgraphError):
    """A saved query is unknown or malformed, or a parameter is wrong."""


class ValidationError(TipgraphError):
    """The shapes themselves cannot be used (not: the graph does not conform)."""


class ExportError(TipgraphError):
    """An export format is unknown or the output cannot be written."""


class ReferenceError(TipgraphError):
    """A reference table under data/reference (or a link review file) is malformed."""


class StoreError(TipgraphError):
    """A store cannot be opened, read or written, or a SPARQL server does not answer."""
