"""How fast the SHACL validation is: pySHACL, pyshacl-turbo and auto, with 1 or more processes.

    .venv/bin/python benchmarks/validation.py 1000                  # 1,000 article graphs
    .venv/bin/python benchmarks/validation.py 200 --trig out/corpus.trig --jobs 1,2 \\
        --pyshacl-sample 40 --store

The article graphs come from a graph file (``--trig``; by default the bundled articles under
data/articles are built first, which takes about half a minute). N graphs are made by repeating
them, each copy renamed (its article, its article-local facts and its graph get new IRIs, its
tg:contentHash a new value; shared entities keep theirs, as in a real corpus), as N-Triples text,
one graph at a time: nothing holds the N graphs at once.

Each configuration runs in a process of its own, so that its peak resident memory is its own:
the graphs go through tipgraph.validate's per-graph path (what ``validate`` and
``validate_store`` run for each graph), and the figures are the wall time, graphs per second,
milliseconds per graph, the CPU time per graph of the process and its workers (which does not
depend on what else the machine runs, unlike the wall time), the peak RSS of the process and of
its largest worker, the ratio to pySHACL with one process and to the same engine with one
process. pySHACL takes about a second per article: it runs on the first
``--pyshacl-sample`` graphs only and its time for N graphs is that rate times N (labelled
"scaled"). ``--store`` also loads the N graphs into an Oxigraph store on disk and times
``validate_store`` end to end (reading each graph from the store, SHACL with auto, and the
cross-article constraints of ontology/constraints, also timed alone). Prints figures only;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TGID = "https://w3id.org/tipgraph/id/"
TG_ARTICLE = "<https://w3id.org/tipgraph/ontology#Article>"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
CONTENT_HASH = re.compile(r'(<https://w3id\.org/tipgraph/ontology#contentHash> ")([0-9a-f]{64})"')


# --- the graphs ----------------------------------------------------------------------------------


def write_templates(trig: Path | None, folder: Path) -> list[dict]:
    """The article graphs of ``trig`` (or of the bundled articles, built now) as N-Triples files
    in ``folder``; their ids and sizes."""
    from rdflib import Dataset

    if trig is not None:
        from tipgraph.graphio import load_graph

        dataset = load_graph(trig)
    else:
        from tipgraph.build import build_dataset

        print("building the bundled articles (data/articles) ...", file=sys.stderr)
        dataset = build_dataset([ROOT / "data" / "articles"], strict=False)
    assert isinstance(dataset, Dataset)
    templates = []
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        name = str(graph.identifier)
        text = graph.serialize(format="nt")
        if not name.startswith(TGID + "graph/") or f"{RDF_TYPE} {TG_ARTICLE}" not in text:
            continue                      # links, reference data, includes: not articles
        ident = name[len(TGID + "graph/"):]
        path = folder / f"{len(templates):04d}.nt"
        path.write_text(text, encoding="utf-8")
        templates.append({"id": ident, "path": str(path), "triples": len(graph)})
    if not templates:
        raise SystemExit("no article graphs (with a tg:Article) in the graph file")
    return templates


def copies(templates: list[dict], count: int):
    """``count`` (graph name, N-Triples text) pairs: the templates again and again, renamed."""
    texts = [Path(t["path"]).read_text(encoding="utf-8") for t in templates]
    for i in range(count):
        index, copy = i % len(templates), i // len(templates)
        ident = templates[index]["id"]
        new = f"{ident}-copy{copy}"
        text = texts[index].replace(f"{TGID}article/{ident}>", f"{TGID}article/{new}>")
        text = text.replace(f"{TGID}article/{ident}/", f"{TGID}article/{new}/")
        text = CONTENT_HASH.sub(lambda m: f'{m.group(1)}{m.group(2)[:-8]}{copy:08x}"', text)
        yield f"{TGID}graph/{new}", text


# --- one configuration, in a process of its own -------------------------------------------------


def peak_mb(who) -> float:
    """Peak resident memory in MB: of this process (its VmHWM, which starts afresh at exec,
    unlike ru_maxrss, which keeps the parent's size at fork), or of its largest finished
    child."""
    if who == resource.RUSAGE_SELF:
        try:
            status = Path("/proc/self/status").read_text()
            return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1)) / 1024.0
        except (OSError, AttributeError):
            pass
    return resource.getrusage(who).ru_maxrss / 1024.0     # kilobytes on Linux


def reset_peak() -> None:
    """Start this process's peak resident memory afresh (Linux: /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_units(args) -> dict:
    """Validate ``args.count`` graphs with one engine and ``args.jobs`` processes."""
    import tipgraph.validate as validation

    templates = json.loads(Path(args.templates).read_text())
    engines = validation._engines(validation.project_file(validation.SHAPES_FILE), args.engine)
    units = (validation._Unit(name, nt=text) for name, text in copies(templates, args.count))
    before = cpu_seconds()
    start = time.perf_counter()
    report = validation._combine(validation._run(units, engines, int(args.jobs)), [], engines)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu": cpu_seconds() - before, "graphs": args.count,
            "conforms": report.conforms,
            "results": len(report.results), "nodes": report.nodes_checked,
            "routes": sorted(set(engines.routes.values())) or ["pyshacl"],
            "rss_mb": peak_mb(resource.RUSAGE_SELF),
            "workers_mb": peak_mb(resource.RUSAGE_CHILDREN)}


def run_store(args) -> dict:
    """Load the graphs into an Oxigraph store on disk, then validate_store it."""
    import tipgraph.validate as validation
    from tipgraph.store import OxigraphStore

    templates = json.loads(Path(args.templates).read_text())
    with tempfile.TemporaryDirectory(prefix="tipgraph-bench-") as folder:
        nq = Path(folder) / "corpus.nq"
        triples = 0
        with open(nq, "w", encoding="utf-8") as out:
            for name, text in copies(templates, args.count):
                for line in text.splitlines():
                    if line.strip():
                        out.write(line.rstrip()[:-1].rstrip() + f" <{name}> .\n")
                        triples += 1
        store = OxigraphStore(Path(folder) / "store")
        start = time.perf_counter()
        store.load_file(nq)
        load = time.perf_counter() - start
        nq.unlink()
        result = {"graphs": args.count, "triples": triples, "load_seconds": load,
                  "load_rss_mb": peak_mb(resource.RUSAGE_SELF)}
        reset_peak()
        for jobs in args.store_jobs:
            before = cpu_seconds()
            start = time.perf_counter()
            report = validation.validate_store(store, jobs=jobs, engine="auto")
            result[f"validate_jobs{jobs}"] = time.perf_counter() - start
            result[f"cpu_jobs{jobs}"] = cpu_seconds() - before
            result[f"conforms_jobs{jobs}"] = report.conforms
            result[f"results_jobs{jobs}"] = len(report.results)
        result["cross"] = {}
        found = []
        for constraint in validation.load_constraints():
            start = time.perf_counter()
            found += validation._cross_article(store, [constraint])
            result["cross"][constraint.path.stem] = time.perf_counter() - start
        result["cross_seconds"] = sum(result["cross"].values())
        result["cross_results"] = len(found)
        store.close()
    result["rss_mb"] = peak_mb(resource.RUSAGE_SELF)
    result["workers_mb"] = peak_mb(resource.RUSAGE_CHILDREN)
    return result


def child(args) -> None:
    result = run_store(args) if args.child == "store" else run_units(args)
    print(json.dumps(result))


def in_process(argv: list[str]) -> dict:
    done = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(argv)}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", nargs="?", type=int, default=1000,
                        help="number of article graphs (default 1000)")
    parser.add_argument("--trig", type=Path, help="graph file to take the article graphs from "
                                                  "(default: build data/articles)")
    parser.add_argument("--engines", default="pyshacl,turbo,auto")
    parser.add_argument("--jobs", default="1,2", help="process counts, comma-separated "
                        "(for a child process: one count)")
    parser.add_argument("--pyshacl-sample", type=int, default=40,
                        help="graphs pySHACL validates (its time for N is scaled from them)")
    parser.add_argument("--store", action="store_true",
                        help="also time validate_store on an Oxigraph store of the N graphs")
    parser.add_argument("--child", choices=("units", "store"), help=argparse.SUPPRESS)
    parser.add_argument("--templates", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store-jobs", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1, 2], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    import platform

    import tipgraph.validate as validation

    jobs_list = [int(j) for j in args.jobs.split(",")]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    with tempfile.TemporaryDirectory(prefix="tipgraph-templates-") as folder:
        templates = write_templates(args.trig, Path(folder))
        listing = Path(folder) / "templates.json"
        listing.write_text(json.dumps(templates))
        per_article = sum(t["triples"] for t in templates) / len(templates)
        print(f"{args.articles} article graphs from {len(templates)} templates, "
              f"{per_article:,.0f} triples each on average "
              f"(~{per_article * args.articles:,.0f} triples); "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
              f"pyshacl-turbo {'available' if validation.turbo_available() else 'NOT installed'}, "
              f"load average {os.getloadavg()[0]:.1f}")
        rows = []
        for engine in engines:
            for jobs in jobs_list:
                count = args.articles if engine != "pyshacl" else \
                    min(args.articles, args.pyshacl_sample)
                print(f"  running {engine} with {jobs} process(es) on {count} graphs ...",
                      file=sys.stderr)
                result = in_process(["--child", "units", "--templates", str(listing),
                                     "--engine", engine, "--jobs", str(jobs),
                                     "--count", str(count)])
                result.update(engine=engine, jobs=jobs, scaled=count < args.articles)
                rows.append(result)
        print_units(rows, args.articles)
        if args.store:
            print(f"  loading {args.articles} graphs into an Oxigraph store, validate_store ...",
                  file=sys.stderr)
            result = in_process(["--child", "store", "--templates", str(listing),
                                 "--count", str(args.articles),
                                 "--store-jobs", ",".join(map(str, jobs_list))])
            print_store(result, jobs_list)


def print_units(rows: list[dict], articles: int) -> None:
    base = next((r for r in rows if r["engine"] == "pyshacl" and r["jobs"] == 1), None)
    base_rate = base["seconds"] / base["graphs"] if base else None
    print()
    print(f"{'engine':8} {'jobs':>4} {'graphs':>7} {'seconds':>9} {'for N':>11} {'graphs/s':>9} "
          f"{'ms/graph':>9} {'CPU ms/g':>9} {'peak MB':>8} {'worker MB':>9} {'x pySHACL':>9}"
          f" {'x jobs=1':>8}  verdict")
    for r in rows:
        rate = r["seconds"] / r["graphs"]
        for_n = rate * articles
        ratio = f"{base_rate / rate:9.1f}" if base_rate else f"{'-':>9}"
        cpu = r["cpu"] / r["graphs"] * 1000
        single = next((x for x in rows if x["engine"] == r["engine"] and x["jobs"] == 1), None)
        speedup = f"{(single['seconds'] / single['graphs']) / rate:8.2f}" if single else \
            f"{'-':>8}"
        label = f"{for_n:9.1f}s" + ("*" if r["scaled"] else " ")
        verdict = ("conforms" if r["conforms"] else f"{r['results']} results") + \
            f", {r['nodes']:,} nodes" + (f" [{'+'.join(r['routes'])}]" if r["engine"] == "auto"
                                          else "")
        workers = f"{r['workers_mb']:9.0f}" if r["jobs"] > 1 else f"{'-':>9}"
        print(f"{r['engine']:8} {r['jobs']:>4} {r['graphs']:>7} {r['seconds']:9.2f} {label:>11} "
              f"{r['graphs'] / r['seconds']:9.1f} {rate * 1000:9.1f} {cpu:9.1f} {r['rss_mb']:8.0f} "
              f"{workers} {ratio} {speedup}  {verdict}")
    if any(r["scaled"] for r in rows):
        print(f"* scaled: measured on the graphs shown, times {articles} / that number")
    print("CPU ms/g: CPU time of the process and its workers per graph (what the machine spends, "
          "whatever else runs on it); x pySHACL compares wall times.")


def print_store(result: dict, jobs_list: list[int]) -> None:
    print()
    print(f"Oxigraph store on disk: {result['graphs']} graphs, {result['triples']:,} triples, "
          f"loaded in {result['load_seconds']:.1f}s (peak RSS of the load "
          f"{result['load_rss_mb']:.0f} MB, not counted below)")
    for jobs in jobs_list:
        seconds = result[f"validate_jobs{jobs}"]
        verdict = "conforms" if result[f"conforms_jobs{jobs}"] else \
            f"does not conform ({result[f'results_jobs{jobs}']} results)"
        print(f"  validate_store, auto, jobs={jobs}: {seconds:.1f}s "
              f"({result['graphs'] / seconds:.1f} graphs/s; CPU {result[f'cpu_jobs{jobs}']:.1f}s, "
              f"{result[f'cpu_jobs{jobs}'] / result['graphs'] * 1000:.0f} ms per graph), "
              f"{verdict}")
    print(f"  of which the cross-article constraints: {result['cross_seconds']:.2f}s "
          f"({result['cross_results']} results): " +
          ", ".join(f"{name} {seconds:.2f}s" for name, seconds in result["cross"].items()))
    print(f"  peak RSS while validating {result['rss_mb']:.0f} MB, largest worker "
          f"{result['workers_mb']:.0f} MB")


if __name__ == "__main__":
    main()
