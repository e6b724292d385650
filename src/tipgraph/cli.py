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


_STORE_HELP = ("Read a store instead of graph files: a store folder (tipgraph build ... --store "
               "DIR) or a SPARQL server's query URL (http://...).")


def _source(graphs, store):
    """The store to read: the graph files loaded into memory, or ``--store``."""
    from .store import MemoryStore, open_store

    if store and graphs:
        raise Fail("give graph files or --store, not both")
    if store:
        return open_store(store, read_only=True)
    if not graphs:
        raise Fail("give one or more graph files, or --store DIR|URL")
    return MemoryStore(_load(graphs), location=", ".join(map(str, graphs)))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tipgraph")
def cli():
    """Turn articles on human trafficking and human rights into a validated RDF knowledge graph."""


def _graph_target(output: Path) -> tuple[Path, str]:
    """The file and format to write for ``-o``: a graph file, or graph.trig in a folder."""
    if output.suffix.lower() in GRAPH_SUFFIXES:
        return output, GRAPH_SUFFIXES[output.suffix.lower()]
    return output / "graph.trig", "trig"


def _validate_or_exit(dataset, jobs: int = 1) -> str:
    """Validate; on failure print the report and exit 1 without writing anything."""
    from .validate import validate as run_validation

    report = run_validation(dataset, jobs=jobs)
    if not report.conforms:
        click.echo(report.text(), err=True)
        click.echo("tipgraph: not written: the graph does not conform "
                   "(use --no-validate to write it anyway)", err=True)
        sys.exit(EXIT_INVALID)
    return "conforms"


def _link(dataset, reference, review, quiet):
    """Link the dataset to the reference data and say what happened."""
    from .link import link
    from .reference import load_reference

    result = link(dataset, load_reference(reference), review)
    if quiet:
        return result
    entities = len({c.entity for c in result.links})
    line = f"linked {entities} entities to {len(result.links)} identifiers"
    if result.pending:
        line += (f"; {len(result.pending)} uncertain match(es) to review in "
                 f"{result.review_path}")
    if result.rejected:
        line += f"; {result.rejected} rejected by review"
    click.echo(line, err=True)
    return result


_REFERENCE_HELP = "Reference data folder (default: data/reference)."
_REVIEW_HELP = ("Review file of uncertain matches (CSV; default: next to the output, "
                "NAME.review.csv). Accepted and rejected decisions in it are kept and reused.")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="Graph file to write (.trig, .nq, .jsonld, .ttl, .nt), or a folder "
                   "(writes graph.trig in it).")
@click.option("--store", "store", default=None, metavar="DIR|URL",
              help="Build into a store instead of a file, incrementally (unchanged articles are "
                   "not mapped or written again, removed ones are dropped): a folder for an "
                   "embedded Oxigraph store, or a SPARQL server's query URL.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Map (and, with --store, validate) the articles in this many processes; "
                   "the output is the same as with one.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Validate with the SHACL shapes and refuse to write a graph that does not "
                   "conform.")
@click.option("--mapper", "mappers", multiple=True, metavar="NAME",
              help="Run only these mappers (repeatable; default: all).")
@click.option("--strict", is_flag=True,
              help="Stop at the first mapper that fails on an article (default: warn, leave "
                   "that mapper's facts out for that article, and go on).")
@click.option("--include", "includes", multiple=True, type=click.Path(path_type=Path),
              metavar="FILE|DIR",
              help="Merge external RDF (a graph file, or every graph file in a folder) into "
                   "the output, one named graph per file (repeatable).")
@click.option("--link", "do_link", is_flag=True,
              help="Link entities to the reference data (identifiers, tier history, treaty "
                   "status) like `tipgraph link`.")
@click.option("--reference", type=click.Path(path_type=Path), default=None, help=_REFERENCE_HELP)
@click.option("--review", type=click.Path(path_type=Path), default=None, help=_REVIEW_HELP)
@click.option("-v", "--verbose", is_flag=True,
              help="List every node merged into another (names of one entity).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and warnings.")
@_guard
def build(paths, output, store, jobs, validate, mappers, strict, includes, do_link, reference,
          review, verbose, quiet):
    """Build the graph of articles (files or folders of .txt, .md, .html): one named graph per
    article, the same entity one node across articles.

    Example: tipgraph build data/articles --link -o out/corpus.trig
    """
    from .article import find_articles
    from .build import build_dataset, include_graphs
    from .export import export

    if (reference or review) and not do_link:
        raise Fail("--reference and --review need --link")
    if (output is None) == (store is None):
        raise Fail("give -o FILE or --store DIR|URL (one of them)")
    if store is not None:
        return _build_store(paths, store, jobs, validate, mappers, strict, includes, do_link,
                            reference, review, verbose, quiet)
    target, fmt = _graph_target(output)
    warn = (lambda message: click.echo(f"tipgraph: warning: {message}", err=True))
    total = len(find_articles(list(paths)))
    with click.progressbar(length=total, label="mapping", file=sys.stderr,
                           hidden=quiet or total < 2) as bar:
        dataset = build_dataset(paths, mappers or None, progress=lambda _path: bar.update(1),
                                strict=strict, warn=warn, resolve=False, jobs=jobs)
    from .resolve import resolve_entities

    resolution = resolve_entities(dataset)
    if verbose:
        for line in resolution.lines():
            click.echo(f"merged {line}", err=True)
    elif len(resolution) and not quiet:
        click.echo(f"merged {len(resolution)} other name(s) of entities into one node each "
                   f"(-v lists them)", err=True)
    if includes:
        include_graphs(dataset, includes)
    linked = _link(dataset, reference, review or target.with_suffix(".review.csv"), quiet) \
        if do_link else None
    status = _validate_or_exit(dataset, jobs) if validate else "not validated"
    target.parent.mkdir(parents=True, exist_ok=True)
    export(dataset, fmt, target)
    if linked is not None:
        linked.save_review()
    if not quiet:
        click.echo(f"built {total} article(s), {len(dataset)} triples -> {target} ({status})")


def _build_store(paths, spec, jobs, validate, mappers, strict, includes, do_link, reference,
                 review, verbose, quiet):
    from .article import find_articles
    from .build import build_store
    from .store import open_store

    total = len(find_articles(list(paths)))
    bars: dict = {}

    def progress(stage: str, step: int) -> None:
        if stage not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[stage] = click.progressbar(length=total, label=stage.ljust(7), file=sys.stderr,
                                            hidden=quiet or total < 2)
            bars[stage].render_progress()
        bars[stage].update(step)

    with open_store(spec, create=True) as store:
        report = build_store(store, paths, mappers=mappers or None, jobs=jobs, strict=strict,
                             validate=validate, progress=progress, do_link=do_link,
                             link_reference=reference, review=review, includes=includes)
        for bar in bars.values():
            bar.render_finish()
        for message in report.warnings:
            click.echo(f"tipgraph: warning: {message}", err=True)
        if verbose:
            for line in report.resolution.lines():
                click.echo(f"merged {line}", err=True)
        linked = getattr(report, "link", None)
        if linked is not None:
            if review is not None or linked.pending:
                linked.review_path = linked.review_path or Path(review)
            if linked.review_path is not None:
                linked.save_review()
        if not quiet:
            click.echo(f"built {report.articles} article(s) into {store.location}: "
                       f"{report.mapped} mapped, {report.written} written, "
                       f"{report.unchanged} unchanged, {len(report.dropped)} dropped "
                       f"({len(store)} statements)")
        for path, text in report.invalid:
            click.echo(text, err=True)
            click.echo(f"tipgraph: not written: {path} does not conform (its previous "
                       f"version, if any, is kept)", err=True)
        if report.invalid:
            sys.exit(EXIT_INVALID)


@cli.command(name="link")
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="Graph file to write (default: replace GRAPH, atomically).")
@click.option("--reference", type=click.Path(path_type=Path), default=None, help=_REFERENCE_HELP)
@click.option("--review", type=click.Path(path_type=Path), default=None, help=_REVIEW_HELP)
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Validate the linked graph and refuse to write it if it does not conform.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@_guard
def link_cmd(graph, output, reference, review, validate, quiet):
    """Add identity links (owl:sameAs, schema:identifier) from a graph's entities to the
    reference data, and the reference records about them (tier history, treaty status).
    Uncertain matches go to a review file instead; accepted ones are written next time.

    Example: tipgraph link out/corpus.trig --review data/links/review.csv
    """
    from .export import export

    target, fmt = _graph_target(output or graph)
    dataset = _load([graph])
    linked = _link(dataset, reference, review or target.with_suffix(".review.csv"), quiet)
    status = _validate_or_exit(dataset) if validate else "not validated"
    target.parent.mkdir(parents=True, exist_ok=True)
    export(dataset, fmt, target)
    linked.save_review()
    if not quiet:
        click.echo(f"wrote {target} ({len(dataset)} triples, {status})")


_VIEW_SUFFIXES = (".html", ".svg", ".png", ".graphml", ".gexf", ".dot")


def _projection(graphs, store, reference: bool, focus: str | None, depth: int,
                max_nodes: int | None = None):
    """The people's view of the graph files or the store (around ``focus``; cut down to
    ``max_nodes``), without evidence, and a function that fills in the evidence of a graph."""
    from .project import add_evidence, cap, neighbourhood, project, project_store
    from .store import OxigraphStore

    source = _source(graphs, store)
    if isinstance(source, OxigraphStore):
        reader = source.view()
        G = project_store(source, reference=reference, evidence=False,
                          max_nodes=None if focus else max_nodes)
    else:
        reader = source.dataset()
        G = project(reader, reference=reference, evidence=False)
    if focus:
        G = neighbourhood(G, focus, depth)
    if max_nodes is not None:
        G, _ = cap(G, max_nodes)
    return G, lambda H: add_evidence(H, reader, reference=reference)


@cli.command()
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store", default=None, metavar="DIR|URL", help=_STORE_HELP)
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="File to write; its extension picks the kind: .html (interactive, offline), "
                   ".svg or .png (static picture), .graphml, .gexf or .dot (for Gephi, "
                   "Cytoscape, yEd, Graphviz).")
@click.option("--focus", metavar="NODE", default=None,
              help="Draw only the neighbourhood of one entity (IRI, tgid:... or a unique name).")
@click.option("--depth", type=click.IntRange(0, 10), default=1, show_default=True,
              help="How many steps from --focus to draw.")
@click.option("--max-nodes", type=click.IntRange(1), default=None,
              help="Draw at most this many nodes, the most connected (html: 1500, svg/png: "
                   "250 by default; exchange formats keep every node unless given).")
@click.option("--title", default=None, help="Title of the page or picture.")
@click.option("--no-reference", "no_reference", is_flag=True,
              help="Leave out what the reference data and links add.")
@_guard
def viz(graphs, store, output, focus, depth, max_nodes, title, no_reference):
    """Draw the graph for people: actors, laws, reports, instruments, ratings and claims as
    nodes, facts and evidence sentences as their details.

    Example: tipgraph viz out/corpus.trig -o out/graph.html
    """
    suffix = output.suffix.lower()
    if suffix not in _VIEW_SUFFIXES:
        raise Fail(f"{output}: unknown kind of view {suffix or '(no extension)'!r}; expected "
                   f"one of {', '.join(_VIEW_SUFFIXES)}")
    from .project import totals
    from .visualise import MAX_HTML_NODES, MAX_STATIC_NODES

    if suffix == ".html":
        max_nodes = max_nodes or MAX_HTML_NODES
    elif suffix in (".svg", ".png"):
        max_nodes = max_nodes or MAX_STATIC_NODES
    G, evidence = _projection(graphs, store, not no_reference, focus, depth, max_nodes)
    title = title or (f"tipgraph: around {focus}" if focus else
                      f"tipgraph: {', '.join(p.name for p in graphs) or store}")
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".html":
        from .visualise import write_html

        summary = write_html(G, output, title=title, max_nodes=max_nodes, details=evidence)
        click.echo(f"wrote {output} ({summary.nodes_drawn} of {summary.nodes_total} nodes, "
                   f"{summary.edges_drawn} of {summary.edges_total} edges)")
        return
    if suffix in (".svg", ".png"):
        from .visualise import draw_static

        draw_static(G, output, title=title, max_nodes=max_nodes)
    else:
        from .exchange import write_network

        write_network(evidence(G), output)
    total = totals(G)[0]
    shown = f"{G.number_of_nodes()} of {total} nodes" if G.number_of_nodes() < total else \
        f"{total} nodes"
    click.echo(f"wrote {output} ({shown}, {G.number_of_edges()} edges)")


@cli.command()
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store", default=None, metavar="DIR|URL", help=_STORE_HELP)
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--no-reference", "no_reference", is_flag=True,
              help="Leave out what the reference data and links add.")
@_guard
def stats(graphs, store, fmt, no_reference):
    """Counts by kind, the most central actors, the most disputed claims and reports, and the
    connected components of the people's view of the graph.

    Example: tipgraph stats out/corpus.trig --format json
    """
    from .stats import graph_stats, render_stats

    G, _evidence = _projection(graphs, store, not no_reference, None, 0)
    click.echo(render_stats(graph_stats(G), fmt))


@cli.command(name="validate")
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store", default=None, metavar="DIR|URL", help=_STORE_HELP)
@click.option("--shapes", type=click.Path(path_type=Path), default=None,
              help="SHACL shapes file (default: ontology/shapes.ttl).")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Validate the article graphs in this many processes (same report).")
@click.option("--engine", type=click.Choice(["auto", "pyshacl", "turbo"]), default="auto",
              show_default=True,
              help="SHACL engine: pySHACL, pyshacl-turbo (Rust, about ten times faster), or "
                   "turbo wherever it gives pySHACL's verdicts.")
@_guard
def validate_cmd(graphs, store, shapes, jobs, engine):
    """Validate graph files (or a store) against the SHACL shapes; exit 0 if they conform, 1 if
    not.

    Example: tipgraph validate out/graph.trig
    """
    from .validate import validate

    source = _source(graphs, store)
    from .store import MemoryStore

    if isinstance(source, MemoryStore):
        report = validate(source.dataset(), shapes, engine=engine, jobs=jobs)
    else:
        from .validate import validate_store

        report = validate_store(source, shapes, jobs=jobs, engine=engine)
    click.echo(report.text())
    sys.exit(EXIT_OK if report.conforms else EXIT_INVALID)


@cli.command()
@click.argument("query")
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store", default=None, metavar="DIR|URL", help=_STORE_HELP)
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable). Values are bound, never pasted in.")
@click.option("--service", "services", multiple=True, metavar="FROM=TO",
              help="Send the query's SERVICE <FROM> to the endpoint TO instead (a mirror, a local "
                   "stand-in; repeatable).")
@click.option("--timeout", "timeout", type=float, default=60.0, show_default=True,
              metavar="SECONDS",
              help="How long a SERVICE endpoint may take to connect and then to send each part "
                   "of its answer.")
@_guard
def query(query, graphs, store, fmt, params, services, timeout):
    """Run a saved query (by name) or a .rq file over graph files or a store.

    A query with a SERVICE clause (wikidata-labels) asks that endpoint over the network.

    Example: tipgraph query claims out/graph.trig --format csv
    """
    from .errors import QueryError
    from .query import load_query, parse_service_option, run_query, to_csv, to_json, to_table

    bindings = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise QueryError(f"parameter '{item}' is not NAME=VALUE")
        bindings[name.strip()] = value
    redirects = {}
    for item in services:
        source, target = parse_service_option(item)
        if redirects.get(source, target) != target:
            raise QueryError(f"--service {source} is given twice, with different endpoints")
        redirects[source] = target
    saved = load_query(query)
    result = run_query(saved, _source(graphs, store), bindings, services=redirects,
                       timeout=timeout)
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
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store", default=None, metavar="DIR|URL", help=_STORE_HELP)
@click.option("-f", "--format", "fmt", required=True,
              type=click.Choice(["ttl", "trig", "nt", "nq", "jsonld"]))
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path))
@_guard
def export_cmd(graphs, store, fmt, output):
    """Export graph files (or a store) as Turtle, TriG, N-Triples, N-Quads or JSON-LD.

    Example: tipgraph export out/graph.trig --format jsonld -o out/graph.jsonld
    """
    from .export import export

    from .store import OxigraphStore

    output.parent.mkdir(parents=True, exist_ok=True)
    source = _source(graphs, store)
    if isinstance(source, OxigraphStore):
        source.export(fmt, output)   # Oxigraph's serialisers, straight from the store
    else:
        export(source.dataset(), fmt, output)
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


from . import serve as _serve  # noqa: E402  (the command lives with the server)

_serve.command.callback = _guard(_serve.command.callback)
cli.add_command(_serve.command, "serve")


def main(argv=None):
    """Entry point of the ``tipgraph`` console script."""
    try:
        cli.main(args=argv, prog_name="tipgraph", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("tipgraph: interrupted", err=True)
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
