"""The ``tipgraph`` command line. The library does the work; this module turns its errors into
one clear line on stderr and the exit codes: 0 success (validate: conforms), 1 the graph does not
conform, 2 an error (bad input, unknown name, unreadable file)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import TipgraphError

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
GRAPH_SUFFIXES = {".trig": "trig", ".nq": "nq", ".jsonld": "jsonld", ".ttl": "ttl", ".nt": "nt"}


class Fail(click.ClickException):
    exit_code = EXIT_ERROR

    def show(self, file=None):
        click.echo(f"tipgraph: error: {self.format_message()}", err=True)


def _guard(func):
    """Run a command body, turning tipgraph errors into one line and exit status 2."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except TipgraphError as exc:
            if os.environ.get("TIPGRAPH_DEBUG"):
                raise
            raise Fail(str(exc)) from None
    return wrapper


def _load(paths):
    """One dataset from one or more graph files."""
    from .graphio import load_graph

    paths = list(paths)
    dataset = load_graph(paths[0])
    for path in paths[1:]:
        for quad in load_graph(path).quads((None, None, None, None)):
            dataset.add(quad)
    return dataset


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tipgraph")
def cli():
    """Turn articles on human trafficking and human rights into a validated RDF knowledge graph."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="Graph file to write (.trig, .nq, .jsonld, .ttl, .nt), or a folder "
                   "(writes graph.trig in it).")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Validate with the SHACL shapes and refuse to write a graph that does not "
                   "conform.")
@click.option("--mapper", "mappers", multiple=True, metavar="NAME",
              help="Run only these mappers (repeatable; default: all).")
@click.option("--strict", is_flag=True,
              help="Stop at the first mapper that fails on an article (default: warn, leave "
                   "that mapper's facts out for that article, and go on).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and warnings.")
@_guard
def build(paths, output, validate, mappers, strict, quiet):
    """Build the graph of articles (files or folders of .txt, .md, .html).

    Example: tipgraph build data/articles -o out/graph.trig
    """
    from .build import build_dataset
    from .export import export

    if output.suffix.lower() in GRAPH_SUFFIXES:
        target, fmt = output, GRAPH_SUFFIXES[output.suffix.lower()]
    else:
        target, fmt = output / "graph.trig", "trig"
    progress = None if quiet else (lambda path: click.echo(f"mapping {path}", err=True))
    warn = (lambda message: click.echo(f"tipgraph: warning: {message}", err=True))
    dataset = build_dataset(paths, mappers or None, progress=progress, strict=strict, warn=warn)
    articles = sum(1 for _ in dataset.graphs()) - 1
    status = "not validated"
    if validate:
        from .validate import validate as run_validation

        report = run_validation(dataset)
        if not report.conforms:
            click.echo(report.text(), err=True)
            click.echo("tipgraph: not written: the graph does not conform "
                       "(use --no-validate to write it anyway)", err=True)
            sys.exit(EXIT_INVALID)
        status = "conforms"
    target.parent.mkdir(parents=True, exist_ok=True)
    export(dataset, fmt, target)
    if not quiet:
        click.echo(f"built {articles} article(s), {len(dataset)} triples -> {target} ({status})")


@cli.command(name="validate")
@click.argument("graphs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--shapes", type=click.Path(path_type=Path), default=None,
              help="SHACL shapes file (default: ontology/shapes.ttl).")
@_guard
def validate_cmd(graphs, shapes):
    """Validate graph files against the SHACL shapes; exit 0 if they conform, 1 if not.

    Example: tipgraph validate out/graph.trig
    """
    from .validate import validate

    report = validate(_load(graphs), shapes)
    click.echo(report.text())
    sys.exit(EXIT_OK if report.conforms else EXIT_INVALID)


@cli.command()
@click.argument("query")
@click.argument("graphs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable). Values are bound, never pasted in.")
@_guard
def query(query, graphs, fmt, params):
    """Run a saved query (by name) or a .rq file over graph files.

    Example: tipgraph query claims out/graph.trig --format csv
    """
    from .errors import QueryError
    from .query import load_query, run_query, to_csv, to_json, to_table

    bindings = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise QueryError(f"parameter '{item}' is not NAME=VALUE")
        bindings[name.strip()] = value
    saved = load_query(query)
    result = run_query(saved, _load(graphs), bindings)
    render = {"table": to_table, "csv": to_csv, "json": to_json}[fmt]
    click.echo(render(result), nl=fmt != "csv")


@cli.command()
@_guard
def queries():
    """List the saved queries with their titles.

    Example: tipgraph queries
    """
    from .query import list_queries

    saved = list_queries()
    width = max((len(q.name) for q in saved), default=0)
    for item in saved:
        click.echo(f"{item.name.ljust(width)}  {item.title}")


@cli.command(name="export")
@click.argument("graphs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", required=True,
              type=click.Choice(["ttl", "trig", "nt", "nq", "jsonld"]))
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path))
@_guard
def export_cmd(graphs, fmt, output):
    """Export graph files as Turtle, TriG, N-Triples, N-Quads or JSON-LD.

    Example: tipgraph export out/graph.trig --format jsonld -o out/graph.jsonld
    """
    from .export import export

    output.parent.mkdir(parents=True, exist_ok=True)
    export(_load(graphs), fmt, output)
    click.echo(f"wrote {output}")


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="List every expected fact not found.")
@_guard
def evaluate(graph, cases, verbose):
    """Measure recall: which expected facts (case files) a graph holds, per kind of fact.

    Example: tipgraph evaluate out/graph.trig tests/cases/*.expected.yaml
    """
    from .evaluate import CATEGORIES, evaluate as score, load_case

    dataset = _load([graph])
    totals = {c: [0, 0] for c in CATEGORIES}
    for path in cases:
        for result in score(dataset, load_case(path)):
            totals[result.category][0] += result.found
            totals[result.category][1] += result.expected
            if verbose:
                for miss in result.misses:
                    click.echo(f"{result.article} {result.category}: {miss}")
    for category, (found, expected) in totals.items():
        if expected:
            click.echo(f"{category:12} {found:4}/{expected:<4} {found / expected:6.1%}")


@cli.command(name="mappers")
@_guard
def mappers_cmd():
    """List the registered mappers in the order they run.

    Example: tipgraph mappers
    """
    from .mappers import ordered

    for spec in ordered():
        after = f" (after {', '.join(spec.after)})" if spec.after else ""
        click.echo(f"{spec.name}: {spec.description}{after}")


def main(argv=None):
    """Entry point of the ``tipgraph`` console script."""
    try:
        cli.main(args=argv, prog_name="tipgraph", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("tipgraph: interrupted", err=True)
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
