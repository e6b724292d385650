"""Where tipgraph's bundled files live.

The ontology, the shapes, the data files and the saved queries sit at the root of the repository
(``ontology/``, ``data/``, ``queries/``), next to ``src/``. The project is installed in editable mode,
so they are found relative to this package: ``src/tipgraph/resources.py`` -> repository root.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROJECT_ROOT", "project_file"]

PROJECT_ROOT: Path = Path(__file__).resolve().parents[2]


def project_file(relpath: str | Path) -> Path:
    """Return the absolute path of ``relpath`` (e.g. ``"ontology/shapes.ttl"``) under the project root.

    The path is not checked for existence: callers decide whether a missing file is an error.
    An absolute ``relpath`` is returned unchanged.
    """
    path = Path(relpath)
    if path.is_absolute():
        return path
    return PROJECT_ROOT / path
