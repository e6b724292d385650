"""Mappers: one module per kind of fact, each a plain function registered by name.

A mapper takes a :class:`~tipgraph.mappers.context.MappingContext` and yields RDF triples. It
may read what mappers it runs ``after`` have found (``ctx.mentions``, ``ctx.found``) and records
provenance through the context's helpers (``ctx.entity``, ``ctx.mention``, ``ctx.annotate``),
which write their own triples::

    from tipgraph.mappers import mapper

    @mapper("ratings", after=("actors", "reports"))
    def map_ratings(ctx):
        ...
        yield rating, RDF.type, TG.Rating

tipgraph's own mappers are registered through this same door when :func:`load_builtin` imports
their modules; other packages can add mappers under the ``tipgraph.mappers`` entry-point group.
An unknown name raises :class:`~tipgraph.errors.MapperError` listing the known ones.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from ..errors import MapperError

__all__ = ["mapper", "MapperSpec", "registry", "get_mapper", "ordered", "load_builtin", "BUILTIN"]

BUILTIN = ("article", "actors", "laws", "reports", "instruments", "dates", "ratings", "figures",
           "claims", "sources")


@dataclass(frozen=True)
class MapperSpec:
    name: str
    func: Callable
    after: tuple[str, ...]
    description: str


_REGISTRY: dict[str, MapperSpec] = {}


def mapper(name: str, after: Iterable[str] = ()):
    """Register a mapper function under ``name``, to run after the mappers named in ``after``."""

    def register(func: Callable) -> Callable:
        doc = (func.__doc__ or "").strip().split("\n")[0]
        _REGISTRY[name] = MapperSpec(name, func, tuple(after), doc)
        return func

    return register


@lru_cache(maxsize=None)
def load_builtin() -> None:
    """Import tipgraph's own mapper modules and any registered through entry points.

    Done once per process: reading the installed packages' entry points is slow, and every
    module registers its mappers when it is first imported. (A plug-in that fails to load
    raises, and is not remembered as loaded.) Mappers registered later with :func:`mapper`
    are still seen by :func:`registry`."""
    for name in BUILTIN:
        importlib.import_module(f"{__name__}.{name}")
    try:
        from importlib.metadata import entry_points

        for point in entry_points(group="tipgraph.mappers"):
            point.load()
    except Exception as exc:  # a broken plug-in must not hide which one it was
        raise MapperError(f"cannot load mapper plug-in: {exc}") from None


def registry() -> dict[str, MapperSpec]:
    load_builtin()
    return dict(_REGISTRY)


def get_mapper(name: str) -> MapperSpec:
    known = registry()
    if name not in known:
        raise MapperError(f"unknown mapper '{name}'; available: {', '.join(sorted(known))}")
    return known[name]


def ordered(names: Iterable[str] | None = None) -> list[MapperSpec]:
    """The named mappers (default: all) in an order that respects ``after``; ties by name."""
    known = registry()
    wanted = list(names) if names is not None else sorted(known)
    specs = [get_mapper(n) for n in wanted]
    chosen = {s.name for s in specs}
    done: list[MapperSpec] = []
    placed: set[str] = set()
    pending = sorted(specs, key=lambda s: (BUILTIN.index(s.name) if s.name in BUILTIN
                                           else len(BUILTIN), s.name))
    while pending:
        for spec in pending:
            if all(dep in placed or dep not in chosen for dep in spec.after):
                done.append(spec)
                placed.add(spec.name)
                pending.remove(spec)
                break
        else:
            raise MapperError("mappers depend on each other in a cycle: "
                              + ", ".join(s.name for s in pending))
    return done
