"""Benchmark tipgraph on generated corpora: the embedded store next to the plain path.

    .venv/bin/python benchmarks/bench.py --sizes 100,1000,10000 --jobs 1,2 --plain-max 1000 \\
        --out docs/benchmarks.md

For each corpus size the script generates a corpus (benchmarks/generate.py; cached under
benchmarks/.cache/corpora, reused while the generator, its templates and data/entities are
unchanged) and runs every configuration as a separate ``tipgraph`` process, measuring its wall
time and its peak memory (the proportional set size of the process and all its children, so
that pages forked workers share with their parent count once, sampled every 50 ms with psutil,
and never below the largest single process's ``ru_maxrss``):

- the embedded store (pyoxigraph): ``tipgraph build CORPUS --store DIR --jobs N`` (and the same
  command again, an incremental rebuild with nothing changed), ``tipgraph validate --store DIR
  --jobs N``, every saved query (``store.select``; a warm-up run, then ``--repeats`` timed runs:
  median and 95th percentile), ``tipgraph export --store DIR --format F`` per format;
- the plain path (rdflib in memory, pySHACL), up to ``--plain-max`` articles:
  ``tipgraph build CORPUS -o FILE.trig [--jobs N]`` (which validates before writing),
  ``tipgraph validate FILE.trig``, every saved query over the file loaded into an rdflib Dataset
  (``--plain-repeats`` timed runs), ``tipgraph export FILE.trig --format F``;

and prints the tables: build throughput (articles/s, triples/s) per store and ``--jobs``,
validation time, end to end (build and validation) with the ratio plain/embedded, query latency
per store, export time per format, peak memory, and the targets of issue 5 with whether this run
met them. Figures that were not measured say so and why; nothing is extrapolated unless
``--extrapolate-plain`` asks for it, and then the figure is labelled as an extrapolation.

The federated query (a SERVICE clause: wikidata-labels) is skipped: it needs the network.
Options the installed tipgraph lacks (``--store``, ``--jobs``) are detected from its ``--help``;
configurations that need them are reported as not available rather than run.

``--report-only RESULTS.json`` re-renders the tables of an earlier run (every run writes its raw
results to ``--json``, by default benchmarks/.cache/results.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
FORMATS = ("ttl", "trig", "nt", "nq", "jsonld")
MB = 1024 * 1024
EMBEDDED, PLAIN = "embedded", "plain"
STORE_NAMES = {EMBEDDED: "embedded store (pyoxigraph)", PLAIN: "plain (rdflib + pySHACL)"}
# issue 5's targets, reported against (never asserted)
TARGET_SIZE, TARGET_JOBS = 10_000, 2
TARGET_RATE, TARGET_MEMORY_MB, TARGET_P95_MS, TARGET_SPEEDUP = 100.0, 2048.0, 50.0, 10.0


# =========================================================================== running a process

@dataclass
class Run:
    """One measured process."""

    cmd: list[str]
    seconds: float = 0.0
    peak_mb: float = 0.0
    returncode: int | None = None
    timed_out: bool = False
    stdout: str = ""
    stderr: str = ""
    load: list[float] = field(default_factory=list)   # 1-minute load average, once a second

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def problem(self) -> str:
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s"
        tail = (self.stderr.strip() or self.stdout.strip()).splitlines()[-1:] or [""]
        return f"exit {self.returncode}: {tail[0][:160]}"


def _tree_memory(proc) -> int:
    """Memory of a process and all its descendants, in bytes: the sum of their proportional set
    sizes (PSS: a page shared by n processes counts 1/n in each, so forked workers' shared
    pages count once), or of their resident sets where PSS cannot be read."""
    import psutil

    total = 0
    try:
        members = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_full_info().pss
        except (psutil.Error, AttributeError):
            try:
                total += member.memory_info().rss
            except psutil.Error:
                pass
    return total


CHECKPOINT = None
"""Called before every measured command: saves the results gathered so far."""


def run_measured(cmd: list[str], timeout: float | None = None, quiet: bool = False) -> Run:
    """Run ``cmd`` from the project folder; wall time and peak memory of its process tree."""
    import psutil

    if CHECKPOINT is not None:
        CHECKPOINT()
    run = Run([str(c) for c in cmd])
    if not quiet:
        print("  $ " + " ".join(_short(c) for c in run.cmd), file=sys.stderr, flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(run.cmd, stdout=out, stderr=err, cwd=ROOT,
                                start_new_session=True)
        watched = psutil.Process(proc.pid)
        peak, next_load = 0, started
        while True:
            try:
                run.returncode = proc.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                peak = max(peak, _tree_memory(watched))
            if time.perf_counter() >= next_load:
                run.load.append(os.getloadavg()[0])
                next_load += 1.0
            if timeout and time.perf_counter() - started > timeout:
                run.timed_out = True
                os.killpg(proc.pid, signal.SIGTERM)      # the group this run started
                try:
                    run.returncode = proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    run.returncode = proc.wait()
                break
        run.seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        run.stdout = out.read().decode("utf-8", "replace")
        run.stderr = err.read().decode("utf-8", "replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # KiB on Linux
    single = after * 1024 if after > before else 0   # only known when this run set a new high
    run.peak_mb = max(peak, single) / MB
    if not quiet:
        state = "ok" if run.ok else run.problem()
        print(f"    {run.seconds:.1f} s, peak {run.peak_mb:.0f} MB, {state}", file=sys.stderr,
              flush=True)
    return run


def _short(arg: str) -> str:
    try:
        return str(Path(arg).relative_to(ROOT))
    except ValueError:
        return arg


# =========================================================================== what tipgraph can do

def tipgraph_command() -> str:
    local = ROOT / ".venv" / "bin" / "tipgraph"
    found = str(local) if local.exists() else shutil.which("tipgraph")
    if not found:
        sys.exit("bench.py: no tipgraph command (run `make install` first)")
    return found


def capabilities(tipgraph: str) -> dict[str, bool]:
    """Which options the installed tipgraph has, read from its --help."""
    def help_of(command: str) -> str:
        done = subprocess.run([tipgraph, command, "--help"], capture_output=True, text=True,
                              cwd=ROOT)
        return done.stdout
    build, validate, export = help_of("build"), help_of("validate"), help_of("export")
    viz = help_of("viz")
    return {
        "build_store": "--store" in build,
        "build_jobs": "--jobs" in build,
        "validate_store": "--store" in validate,
        "validate_jobs": "--jobs" in validate,
        "export_store": "--store" in export,
        "viz": "--output" in viz,
        "viz_store": "--store" in viz,
    }


VIEWS = {"html": ("viz", ".html"), "svg": ("viz", ".svg"), "stats": ("stats", None)}
"""The people's view, timed (issue 4): the interactive page (capped at 1,500 nodes), the static
picture (250 nodes) and the statistics of the whole view."""


def bench_views(tipgraph: str, source: list, work: Path, prefix: str, opts) -> dict:
    """Time ``tipgraph viz`` (each kind of VIEWS) and ``tipgraph stats`` on ``source`` (a graph
    file, or ``--store DIR``)."""
    record = {}
    for name, (command, suffix) in VIEWS.items():
        target = work / f"{prefix}-view{suffix}" if suffix else None
        cmd = [tipgraph, command, *source] + (["-o", target] if target else [])
        run = run_measured(cmd, opts.timeout)
        record[name] = _run_record(run, bytes=_size_of(target) if target else None)
        if target is not None:
            target.unlink(missing_ok=True)
    return record


# =========================================================================== corpora

def fingerprint() -> str:
    """What a cached corpus depends on: the generator, its templates, the gazetteer."""
    digest = hashlib.sha256()
    files = [HERE / "generate.py"] + sorted((HERE / "templates").rglob("*")) + \
        sorted((ROOT / "data" / "entities").glob("*.yaml"))
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def corpus(size: int, seed: int, cache: Path) -> tuple[Path, dict]:
    """The folder of the corpus of ``size`` articles (generated unless cached) and its stats."""
    folder = cache / "corpora" / f"seed{seed}-n{size}"
    stamp = folder.with_name(folder.name + ".json")
    want = fingerprint()
    if stamp.exists() and folder.is_dir():
        info = json.loads(stamp.read_text())
        if info.get("fingerprint") == want:
            return folder, info
    if folder.exists():
        shutil.rmtree(folder)
    sys.path.insert(0, str(HERE))
    import generate

    print(f"generating {size} articles (seed {seed}) in {_short(str(folder))}", file=sys.stderr,
          flush=True)
    started = time.perf_counter()
    paths = generate.write_corpus(size, seed, folder)
    seconds = time.perf_counter() - started
    kinds: dict[str, int] = {}
    for path in paths:
        kinds[path.suffix[1:]] = kinds.get(path.suffix[1:], 0) + 1
    info = {"fingerprint": want, "articles": len(paths), "seconds": round(seconds, 2),
            "bytes": sum(p.stat().st_size for p in paths),
            "formats": dict(sorted(kinds.items()))}
    stamp.write_text(json.dumps(info, indent=2) + "\n")
    return folder, info


# =========================================================================== saved queries

def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class QueryTimeout(Exception):
    """A query ran longer than the runner's --query-timeout."""


def _alarm(signum, frame):
    raise QueryTimeout()


def _timed_select(store, text: str, bindings: dict, timeout: float):
    """``store.select`` with a time limit (SIGALRM: it interrupts rdflib's Python code; a
    native store is interrupted when it hands control back to Python)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        started = time.perf_counter()
        result = store.select(text, bindings)
        return result, time.perf_counter() - started
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _federated(text: str) -> bool:
    """Whether a query has a SERVICE clause (comment lines aside)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return re.search(r"\bSERVICE\b", body, re.I) is not None


BINDABLE = {
    # parameter: a query that finds one value of it in the store
    "article": "SELECT ?x WHERE { ?x a tg:Article } ORDER BY ?x LIMIT 1",
    "fact": "SELECT ?x WHERE { ?x a tg:Claim } ORDER BY ?x LIMIT 1",
    "jurisdiction": "SELECT ?x WHERE { ?x a tg:State } ORDER BY ?x LIMIT 1",
}


def _variant_key(name: str, bindings: dict) -> str:
    return name + (f" ({', '.join(sorted(bindings))} bound)" if bindings else "")


def measure_queries(store, repeats: int, budget: float, timeout: float,
                    only: str | None = None, variant: str | None = None) -> dict:
    """Time the saved queries on ``store`` (a tipgraph.store.Store): a warm-up run, then up to
    ``repeats`` timed runs (fewer once ``budget`` seconds are spent on one query; none when one
    run takes longer than ``timeout``). A query with parameters is timed as saved and with its
    parameters bound to one article, claim or state of the store. ``only`` picks one query,
    ``variant`` ("saved" or "bound") one of the two."""
    from rdflib import URIRef

    from tipgraph.query import list_queries

    queries = [q for q in list_queries() if only in (None, q.name)]
    samples = {}
    if variant != "saved" and any(p in BINDABLE for q in queries for p in q.parameter_names):
        for name, text in BINDABLE.items():
            rows = store.select("PREFIX tg: <https://w3id.org/tipgraph/ontology#> " + text).rows
            if rows and isinstance(rows[0][0], URIRef):
                samples[name] = rows[0][0]
    results = {}
    for query in queries:
        if _federated(query.text):
            results[query.name] = {"skipped": "federated (SERVICE): needs the network"}
            continue
        variants = [] if variant == "bound" else [{}]
        bound = {p: samples[p] for p in query.parameter_names if p in samples}
        if bound and variant != "saved":
            variants.append(bound)
        for bindings in variants:
            key = _variant_key(query.name, bindings)
            print(f"    {key}", file=sys.stderr, flush=True)
            text = query.text_for(bindings)   # as run_query runs it
            try:
                result, spent = _timed_select(store, text, bindings, timeout)  # warm-up
                rows, warmup, times = len(result.rows), spent, []
                while len(times) < repeats and (not times or spent < budget):
                    took = _timed_select(store, text, bindings, timeout)[1]
                    times.append(took)
                    spent += took
            except QueryTimeout:
                results[key] = {"timeout_s": timeout}
                continue
            except Exception as exc:     # report, do not stop the benchmark
                results[key] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
                continue
            results[key] = {"rows": rows, "n": len(times),
                            "median_ms": statistics.median(times) * 1000,
                            "p95_ms": _percentile(times, 95) * 1000,
                            "warmup_ms": warmup * 1000}
    return results


def queries_main(argv: list[str]) -> int:
    """``bench.py _queries``: run in its own process by the benchmark; prints JSON."""
    parser = argparse.ArgumentParser(prog="bench.py _queries")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", help="an embedded store folder")
    where.add_argument("--graph", help="a graph file, loaded into rdflib")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--only", help="one saved query")
    parser.add_argument("--variant", choices=("saved", "bound"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.store:
        from tipgraph.store import open_store
        store = open_store(args.store, read_only=True)
    else:
        from tipgraph.graphio import load_graph
        from tipgraph.store import MemoryStore
        store = MemoryStore(load_graph(args.graph))
    opened = time.perf_counter() - started
    size = len(store)
    # the triples of the article graphs (a store may keep more: a copy in its default graph)
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    triples = int(rows[0][0]) if rows else None
    results = measure_queries(store, args.repeats, args.budget, args.timeout, args.only,
                              args.variant)
    try:
        store.close()
    except RuntimeError:    # pyoxigraph cannot flush a read-only store; nothing to flush
        pass
    print(json.dumps({"open_seconds": opened, "quads": size, "triples": triples,
                      "queries": results}))
    return 0


def store_queries(bench: list[str], store: Path, opts: "Options") -> dict:
    """The saved queries on an embedded store, each variant in its own process: a native query
    cannot be interrupted from Python, so a query that runs too long is ended by killing its
    process (opening the store takes a fraction of a second)."""
    from tipgraph.query import list_queries

    record: dict = {"ok": True, "queries": {}, "peak_mb": 0.0, "seconds": 0.0}
    limit = 2 * opts.query_timeout + opts.query_budget + 60
    for query in list_queries():
        variants = ["saved"] + (["bound"] if any(p in BINDABLE for p in query.parameter_names)
                                else [])
        for variant in variants:
            print(f"    {query.name} ({variant})", file=sys.stderr, flush=True)
            run = run_measured([*bench, "--store", store, "--only", query.name, "--variant",
                                variant, "--repeats", str(opts.repeats), "--budget",
                                str(opts.query_budget), "--timeout", str(opts.query_timeout)],
                               limit, quiet=True)
            record["peak_mb"] = max(record["peak_mb"], run.peak_mb)
            record["seconds"] += run.seconds
            record.setdefault("load", []).extend(run.load[:: max(1, len(run.load) // 5)])
            if run.ok:
                answer = json.loads(run.stdout.strip().splitlines()[-1])
                record["queries"].update(answer["queries"])
                for key in ("open_seconds", "quads", "triples"):
                    record[key] = answer.get(key)
            else:
                params = {p: None for p in query.parameter_names if p in BINDABLE}
                key = _variant_key(query.name, {} if variant == "saved" else params)
                record["queries"][key] = ({"timeout_s": opts.query_timeout} if run.timed_out
                                          else {"error": run.problem()})
    return record


# =========================================================================== the benchmark

@dataclass
class Options:
    sizes: list[int]
    jobs: list[int]
    plain_jobs: list[int]
    plain_max: int
    seed: int
    repeats: int
    plain_repeats: int
    query_budget: float
    query_timeout: float
    formats: list[str]
    timeout: float
    cache: Path
    rebuild: bool
    keep: bool


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _run_record(run: Run, **extra) -> dict:
    record = {"seconds": round(run.seconds, 3), "peak_mb": round(run.peak_mb, 1),
              "ok": run.ok, "cmd": " ".join(_short(c) for c in run.cmd),
              "load": [round(x, 2) for x in run.load[::max(1, len(run.load) // 60)]],
              "said": _last_line(run.stdout) or _last_line(run.stderr)}
    if not run.ok:
        record["problem"] = run.problem()
    record.update(extra)
    return record


_BUILT = (re.compile(r"built \d[\d,]* article\(s\), (\d[\d,]*) triples"),            # to a file
          re.compile(r"built \d[\d,]* article\(s\) into .*\((\d[\d,]*) statements\)"))  # a store


def _triples(run: Run) -> int | None:
    """The number of triples a build reports writing (None when it does not say, or says 0)."""
    for pattern in _BUILT:
        match = pattern.search(run.stdout + run.stderr)
        if match:
            return int(match.group(1).replace(",", "")) or None
    return None


def bench_size(size: int, opts: Options, tipgraph: str, caps: dict, result: dict) -> None:
    """Run every configuration on the corpus of ``size`` articles, filling ``result`` as it
    goes (it is saved before each command, so a run that is cut short keeps what it measured)."""
    folder, info = corpus(size, opts.seed, opts.cache)
    result.update({"articles": size, "corpus": info, "memory": "pss", EMBEDDED: {}, PLAIN: {}})
    work = opts.cache / "work" / f"n{size}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    bench = [sys.executable, str(Path(__file__).resolve()), "_queries"]

    # ---------------------------------------------------------------- the embedded store
    fast = result[EMBEDDED]
    if not caps["build_store"]:
        fast["unavailable"] = "not available: this tipgraph has no `build --store`"
    else:
        fast.update(build={}, rebuild={}, validate={}, export={})
        kept = None
        for jobs in opts.jobs:
            store = work / f"store-j{jobs}"
            jobs_args = ["--jobs", str(jobs)] if caps["build_jobs"] else []
            print(f"[{size}] embedded store, --jobs {jobs}: build", file=sys.stderr)
            run = run_measured([tipgraph, "build", folder, "--store", store, *jobs_args],
                               opts.timeout)
            fast["build"][str(jobs)] = _run_record(run, triples=_triples(run))
            if not run.ok:
                continue
            if opts.rebuild:
                run = run_measured([tipgraph, "build", folder, "--store", store, *jobs_args],
                                   opts.timeout)
                fast["rebuild"][str(jobs)] = _run_record(run)
            if kept is None:
                kept = store
            elif not opts.keep:
                shutil.rmtree(store, ignore_errors=True)
        if kept is not None and caps["validate_store"]:
            # the build validated each article already; this validates the whole store again
            for jobs in (opts.jobs if caps["validate_jobs"] else [1]):
                vjobs = ["--jobs", str(jobs)] if caps["validate_jobs"] else []
                print(f"[{size}] embedded store: validate", file=sys.stderr)
                run = run_measured([tipgraph, "validate", "--store", kept, *vjobs], opts.timeout)
                fast["validate"][str(jobs)] = _run_record(run)
        if kept is not None:
            print(f"[{size}] embedded store: saved queries", file=sys.stderr)
            fast["queries"] = store_queries(bench, kept, opts)
            if caps["export_store"]:
                for fmt in opts.formats:
                    target = work / f"embedded.{fmt}"
                    run = run_measured([tipgraph, "export", "--store", kept, "--format", fmt,
                                        "-o", target], opts.timeout)
                    fast["export"][fmt] = _run_record(run, bytes=_size_of(target))
                    target.unlink(missing_ok=True)
            else:
                fast["export"] = {"unavailable": "this tipgraph has no `export --store`"}
            if caps.get("viz_store"):
                print(f"[{size}] embedded store: viz, stats", file=sys.stderr)
                fast["viz"] = bench_views(tipgraph, ["--store", kept], work, "embedded", opts)
            else:
                fast["viz"] = {"unavailable": "this tipgraph has no `viz --store`"}
            if not opts.keep:
                shutil.rmtree(kept, ignore_errors=True)

    # ---------------------------------------------------------------- the plain path
    plain = result[PLAIN]
    if size > opts.plain_max:
        plain["unavailable"] = f"not run: more than --plain-max {opts.plain_max:,} articles"
    else:
        plain.update(build={}, validate={}, export={})
        graph = None
        plain_jobs = opts.plain_jobs if caps["build_jobs"] else [1]
        for jobs in plain_jobs:
            target = work / f"plain-j{jobs}.trig"
            jobs_args = ["--jobs", str(jobs)] if caps["build_jobs"] else []
            print(f"[{size}] plain path, --jobs {jobs}: build (validates)", file=sys.stderr)
            run = run_measured([tipgraph, "build", folder, "-o", target, *jobs_args],
                               opts.timeout)
            plain["build"][str(jobs)] = _run_record(run, triples=_triples(run),
                                                    bytes=_size_of(target))
            if run.ok and graph is None:
                graph = target
            elif not opts.keep:
                target.unlink(missing_ok=True)
        if graph is not None:
            print(f"[{size}] plain path: validate, queries, exports", file=sys.stderr)
            run = run_measured([tipgraph, "validate", graph], opts.timeout)
            plain["validate"]["1"] = _run_record(run)
            run = run_measured([*bench, "--graph", graph, "--repeats", str(opts.plain_repeats),
                                "--budget", str(opts.query_budget),
                                "--timeout", str(opts.query_timeout)], opts.timeout)
            plain["queries"] = _queries_record(run)
            for fmt in opts.formats:
                target = work / f"plain.{fmt}"
                run = run_measured([tipgraph, "export", graph, "--format", fmt, "-o", target],
                                   opts.timeout)
                plain["export"][fmt] = _run_record(run, bytes=_size_of(target))
                target.unlink(missing_ok=True)
            if caps.get("viz"):
                plain["viz"] = bench_views(tipgraph, [graph], work, "plain", opts)
            if not opts.keep:
                graph.unlink(missing_ok=True)
    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)


def _memory_note(results: dict) -> str:
    """What the peak MB figures are; runs recorded before PSS was sampled summed resident sets."""
    older = [f"{int(k):,}" for k, v in results.get("sizes", {}).items()
             if v.get("memory", "rss") != "pss"]
    note = ("peak MB: memory of the process and its workers together, sampled every 50 ms, as "
            "proportional set size (a page the forked workers share with the parent counts "
            "once)")
    if older:
        note += (f"; at {', '.join(older)} articles as the sum of resident sets, which counts "
                 "shared pages once per process and so reads higher")
    return note + "."


def _size_of(path: Path) -> int | None:
    return path.stat().st_size if path.exists() else None


def _queries_record(run: Run) -> dict:
    record = _run_record(run)
    if run.ok:
        try:
            record.update(json.loads(run.stdout.strip().splitlines()[-1]))
        except (ValueError, IndexError):
            record.update(ok=False, problem="no JSON from the query runner")
    return record


def environment(tipgraph: str, caps: dict) -> dict:
    from importlib import metadata

    import psutil

    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "cores": usable, "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": {p: version(p) for p in ("tipgraph", "rdflib", "pyshacl", "pyoxigraph",
                                             "spacy")},
        "tipgraph_options": caps,
    }


# =========================================================================== reporting

@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        widths = [max(len(h), *(len(r[i]) for r in self.rows)) if self.rows else len(h)
                  for i, h in enumerate(self.headers)]
        lines = [self.title, "=" * len(self.title)]
        lines.append("  ".join(h.ljust(w) for h, w in zip(self.headers, widths)))
        lines.append("  ".join("-" * w for w in widths))
        for row in self.rows:
            lines.append("  ".join(c.rjust(w) if _numeric(c) else c.ljust(w)
                                   for c, w in zip(row, widths)))
        lines += [f"  {n}" for n in self.notes]
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append("|" + "|".join(" ---: " if i else " --- " for i in range(len(self.headers)))
                     + "|")
        for row in self.rows:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        if self.notes:
            lines.append("")
            lines += [f"- {n}" for n in self.notes]
        return "\n".join(lines)


def _numeric(cell: str) -> bool:
    return bool(cell) and (cell[0].isdigit() or cell[:1] in "×~") and "not" not in cell


def _f(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _secs(record: dict | None) -> str:
    if not record:
        return "not measured"
    if not record.get("ok"):
        return record.get("problem", "failed")
    return _f(record["seconds"], 1)


def tables(results: dict) -> list[Table]:
    sizes = results["sizes"]
    out: list[Table] = []

    corpora = Table("Corpora (benchmarks/generate.py)", ["articles", "seed", "txt/md/html",
                                                         "MB", "generated in s", "articles/s"])
    for key, size in sizes.items():
        info = size["corpus"]
        f, seconds = info.get("formats", {}), info["seconds"]
        corpora.rows.append([f"{int(key):,}", str(results["options"]["seed"]),
                             f"{f.get('txt', 0)}/{f.get('md', 0)}/{f.get('html', 0)}",
                             _f(info["bytes"] / MB), _f(seconds, 2),
                             _f(info["articles"] / seconds, 0) if seconds else "–"])
    corpora.notes.append("Generation time is that of the run that made the corpus (cached "
                         "corpora are reused).")
    out.append(corpora)

    build = Table("Build", ["articles", "store", "--jobs", "seconds", "articles/s", "triples",
                            "triples/s", "peak MB", "rebuild s"])
    for key, size in sizes.items():
        n = int(key)
        for kind in (EMBEDDED, PLAIN):
            part = size[kind]
            if "unavailable" in part:
                build.rows.append([f"{n:,}", STORE_NAMES[kind], "–", part["unavailable"], "", "",
                                   "", "", ""])
                continue
            for jobs, rec in part.get("build", {}).items():
                rebuild = part.get("rebuild", {}).get(jobs)
                if not rec["ok"]:
                    build.rows.append([f"{n:,}", STORE_NAMES[kind], jobs, rec["problem"], "", "",
                                       "", _f(rec["peak_mb"], 0), ""])
                    continue
                # triples of the article graphs: counted in the store when its queries ran,
                # else what the build reports (for a store: statements written, see the notes)
                counted = (part.get("queries") or {}).get("triples")
                triples = counted or rec.get("triples")
                mark = "" if counted or kind == PLAIN or not triples else " *"
                build.rows.append([
                    f"{n:,}", STORE_NAMES[kind], jobs, _f(rec["seconds"]),
                    _f(n / rec["seconds"], 2), f"{triples:,}{mark}" if triples else "–",
                    _f(triples / rec["seconds"], 0) if triples else "–", _f(rec["peak_mb"], 0),
                    _secs(rebuild) if rebuild else "–"])
    build.notes += [
        "Wall time of the whole `tipgraph build` process, start-up and writing included.",
        "Both builds validate (the default): the plain one runs pySHACL over the whole dataset "
        "before it writes the TriG file, the embedded one validates each article before it "
        "loads it.",
        "rebuild s: the same build again over the unchanged corpus (incremental: content "
        "hashes).",
        _memory_note(results),
        "triples: those of the article graphs. * marks the number of statements the store build "
        "reports writing instead, which counts each triple twice when the store also keeps a copy "
        "in its default graph.",
    ]
    out.append(build)

    validate = Table("Validation (SHACL)", ["articles", "store", "--jobs", "seconds", "peak MB"])
    for key, size in sizes.items():
        for kind in (EMBEDDED, PLAIN):
            part = size[kind]
            if "unavailable" in part:
                continue
            for jobs, rec in part.get("validate", {}).items():
                validate.rows.append([f"{int(key):,}", STORE_NAMES[kind], jobs, _secs(rec),
                                      _f(rec["peak_mb"], 0)])
    validate.notes.append("Validation on its own, after the build (which validates already): "
                          "plain `tipgraph validate FILE.trig` (reads the file into rdflib, then "
                          "pySHACL over the whole dataset); embedded `tipgraph validate --store "
                          "DIR`.")
    out.append(validate)
    out.append(end_to_end(results))
    out += query_tables(results)
    out.append(export_table(results))
    views = views_table(results)
    if views.rows:
        out.append(views)
    out.append(targets(results))
    return out


def end_to_end(results: dict) -> Table:
    opts = results["options"]
    table = Table("End to end: map, validate, load", [
        "articles", "--jobs", "embedded s", "embedded articles/s", "plain s",
        "plain articles/s", "plain / embedded", "peak MB embedded", "peak MB plain"])
    largest_plain = None        # (articles, seconds per article) of the largest plain run
    for key, size in results["sizes"].items():
        n = int(key)
        fast, plain = size[EMBEDDED], size[PLAIN]
        for jobs in [str(j) for j in opts["jobs"]]:
            # embedded: one build that maps, validates each article and loads the store
            fb = fast.get("build", {}).get(jobs)
            fast_s = fb["seconds"] if fb and fb["ok"] else None
            fast_peak = fb["peak_mb"] if fb else None
            fast_cell = _f(fast_s) if fast_s else (
                fast.get("unavailable") or (fb or {}).get("problem") or "not measured")
            # plain: one build that validates; the same --jobs, or 1 when it has no --jobs
            builds = plain.get("build", {})
            pb, pjobs = builds.get(jobs), jobs
            if pb is None and "1" in builds and not results["environment"][
                    "tipgraph_options"].get("build_jobs"):
                pb, pjobs = builds["1"], "1"
            plain_s = pb["seconds"] if pb and pb["ok"] else None
            if plain_s and (largest_plain is None or n >= largest_plain[0]):
                largest_plain = (n, plain_s / n)
            plain_cell = (_f(plain_s) + ("" if pjobs == jobs else f" (--jobs {pjobs})")
                          if plain_s else plain.get("unavailable") or (pb or {}).get("problem")
                          or "not measured")
            ratio = f"×{plain_s / fast_s:.1f}" if plain_s and fast_s else "–"
            if not plain_s and fast_s and largest_plain and opts.get("extrapolate_plain"):
                estimate = largest_plain[1] * n
                plain_cell = (f"~{estimate:,.0f} (extrapolated from {largest_plain[0]:,} "
                              "articles, not measured)")
                ratio = f"~×{estimate / fast_s:.1f} (extrapolated)"
            table.rows.append([
                f"{n:,}", jobs, fast_cell, _f(n / fast_s, 2) if fast_s else "–", plain_cell,
                _f(n / plain_s, 2) if plain_s else "–", ratio,
                _f(fast_peak, 0) if fast_peak else "–", _f(pb["peak_mb"], 0) if pb else "–"])
    table.notes += [
        "Embedded: `tipgraph build --store DIR --jobs N`, which maps, validates (SHACL, each "
        "article in the workers) and loads the store. Plain: `tipgraph build -o FILE.trig "
        "--jobs N`, which maps (in N processes), validates the whole dataset with pySHACL and "
        "writes the file. Both validate by default, as here.",
        "Both measured in the same run, on the same corpus and machine.",
    ]
    if opts.get("extrapolate_plain"):
        table.notes.append("Figures marked ~ are linear extrapolations from the largest plain "
                           "run, not measurements.")
    return table


def _align_bound_keys(*tables: dict) -> None:
    """Results of earlier runs name a bound variant that timed out "NAME (bound)"; give it the
    key the other store uses ("NAME (article bound)")."""
    keys = [k for table in tables for k in table if k.endswith(" bound)")]
    for table in tables:
        for key in [k for k in table if k.endswith(" (bound)")]:
            name = key[: -len(" (bound)")]
            other = next((k for k in keys if k.startswith(name + " (") and k != key), None)
            if other and other not in table:
                table[other] = table.pop(key)


def query_tables(results: dict) -> list[Table]:
    out = []
    for key, size in results["sizes"].items():
        fast = size[EMBEDDED].get("queries") or {}
        plain = size[PLAIN].get("queries") or {}
        _align_bound_keys(fast.get("queries", {}), plain.get("queries", {}))
        names = sorted(set(fast.get("queries", {})) | set(plain.get("queries", {})))
        table = Table(f"Saved queries, {int(key):,} articles (milliseconds)", [
            "query", "rows", "embedded median", "embedded p95", "n", "plain median",
            "plain p95", "n", "plain / embedded (median)"])
        for name in names:
            f = fast.get("queries", {}).get(name, {})
            p = plain.get("queries", {}).get(name, {})
            if "skipped" in f or "skipped" in p:
                table.rows.append([name, "–", "skipped: " + (f.get("skipped") or p["skipped"]),
                                   "", "", "", "", "", ""])
                continue

            def cells(rec, part):
                if "median_ms" in rec:
                    return [_f(rec["median_ms"], 2), _f(rec["p95_ms"], 2), str(rec["n"])]
                if "error" in rec:
                    return [rec["error"][:60], "", ""]
                if "timeout_s" in rec:
                    return [f"over {rec['timeout_s']:.0f} s (given up)", "", ""]
                return ["not run" if part and "unavailable" in part else "not measured", "", ""]
            rows = f.get("rows", p.get("rows"))
            ratio = (f"×{p['median_ms'] / f['median_ms']:.1f}"
                     if "median_ms" in f and "median_ms" in p and f["median_ms"] > 0 else "–")
            table.rows.append([name, f"{rows:,}" if rows is not None else "–",
                               *cells(f, size[EMBEDDED] if not fast else None),
                               *cells(p, size[PLAIN] if not plain else None), ratio])
        notes = ["Each query: one warm-up run, then n timed runs (fewer when one query has "
                 f"used {results['options']['query_budget']:.0f} s); p95 is the nearest-rank "
                 "95th percentile.",
                 "Times of `store.select` in one process: the query and turning its rows into "
                 "rdflib terms. \"(... bound)\": the query's parameters bound to one article, "
                 "claim or state of the corpus."]
        for kind, rec in ((EMBEDDED, fast), (PLAIN, plain)):
            if "unavailable" in size[kind]:
                notes.append(f"{STORE_NAMES[kind]}: {size[kind]['unavailable']}.")
            elif rec.get("ok") and "open_seconds" in rec:
                where = ("the largest of the per-query processes" if kind == EMBEDDED
                         else "one process for all queries")
                notes.append(f"{STORE_NAMES[kind]}: opened/loaded in "
                             f"{rec['open_seconds']:.1f} s, {rec['quads']:,} quads, peak "
                             f"{rec['peak_mb']:.0f} MB ({where}).")
            elif rec:
                notes.append(f"{STORE_NAMES[kind]}: query run failed: {rec.get('problem')}")
        table.notes += notes
        out.append(table)
    return out


def _side_by_side(results: dict, section: str, names, first: str, title: str) -> Table:
    """One row per size and name of ``section`` ("export", "viz"): the embedded and the plain
    path's seconds and peak memory, their ratio and the bytes written."""
    table = Table(title, ["articles", first, "embedded s", "peak MB", "plain s", "peak MB",
                          "plain / embedded", "MB written"])
    for key, size in results["sizes"].items():
        fast = size[EMBEDDED].get(section, {})
        plain = size[PLAIN].get(section, {})
        if not fast and not plain:
            continue
        for name in names:
            f, p = fast.get(name), plain.get(name)
            fcell = _secs(f) if f else ("not run" if "unavailable" in fast or "unavailable" in
                                        size[EMBEDDED] else "not measured")
            pcell = _secs(p) if p else ("not run" if "unavailable" in size[PLAIN]
                                        else "not measured")
            ratio = (f"×{p['seconds'] / f['seconds']:.1f}"
                     if f and p and f["ok"] and p["ok"] and f["seconds"] else "–")
            written = (f or {}).get("bytes") or (p or {}).get("bytes")
            table.rows.append([f"{int(key):,}", name, fcell, _f(f["peak_mb"], 0) if f else "–",
                               pcell, _f(p["peak_mb"], 0) if p else "–", ratio,
                               _f(written / MB) if written else "–"])
    return table


def export_table(results: dict) -> Table:
    table = _side_by_side(results, "export", results["options"]["formats"], "format", "Export")
    table.notes.append("Embedded: `tipgraph export --store DIR`; plain: `tipgraph export "
                       "FILE.trig` (which reads the TriG file first).")
    reasons = {}
    for key, size in results["sizes"].items():
        for kind in (EMBEDDED, PLAIN):
            reason = size[kind].get("unavailable") or size[kind].get("export", {}).get(
                "unavailable")
            if reason:
                reasons.setdefault((kind, reason), []).append(f"{int(key):,}")
    for (kind, reason), sizes in reasons.items():
        table.notes.append(f"{STORE_NAMES[kind]} at {', '.join(sizes)} articles: {reason}.")
    return table


def views_table(results: dict) -> Table:
    table = _side_by_side(results, "viz", VIEWS, "view",
                          "The people's view: viz and stats (issue 4)")
    table.notes.append("html: `tipgraph viz SOURCE -o graph.html` (the interactive page, the "
                       "1,500 best connected nodes with their evidence); svg: the static "
                       "picture (250 nodes); stats: `tipgraph stats SOURCE` (the whole view). "
                       "Embedded: SOURCE is `--store DIR`, whose build kept the view; plain: "
                       "the TriG file, read with rdflib.")
    return table


def targets(results: dict) -> Table:
    table = Table("Targets (issue 5), reported against, not asserted",
                  ["target", "measured", "verdict"])
    size = results["sizes"].get(str(TARGET_SIZE))
    jobs = str(TARGET_JOBS)
    if size is None:
        for what in (f"{TARGET_SIZE:,} articles mapped, validated, loaded at >= "
                     f"{TARGET_RATE:.0f} articles/s on {TARGET_JOBS} cores",
                     f"peak memory < {TARGET_MEMORY_MB / 1024:.0f} GB",
                     f"every saved query p95 < {TARGET_P95_MS:.0f} ms (embedded)",
                     f"end to end >= {TARGET_SPEEDUP:.0f}x the plain path"):
            table.rows.append([what, "not measured", f"no {TARGET_SIZE:,}-article run"])
        return table
    fast = size[EMBEDDED]
    fb = fast.get("build", {}).get(jobs)
    seconds = fb["seconds"] if fb and fb["ok"] else None
    rate = TARGET_SIZE / seconds if seconds else None
    table.rows.append([
        f"{TARGET_SIZE:,} articles mapped, validated, loaded at >= {TARGET_RATE:.0f} "
        f"articles/s (--jobs {jobs})",
        f"{rate:,.1f} articles/s ({seconds:,.0f} s)" if rate else
        (fast.get("unavailable") or (fb or {}).get("problem") or "not measured"),
        ("met" if rate >= TARGET_RATE else "not met") if rate else "not measured"])
    peak = fb["peak_mb"] if seconds else None
    table.rows.append([f"peak memory < {TARGET_MEMORY_MB / 1024:.0f} GB (that build)",
                       f"{peak:,.0f} MB" if peak else "not measured",
                       ("met" if peak < TARGET_MEMORY_MB else "not met") if peak else
                       "not measured"])
    queries = (fast.get("queries") or {}).get("queries", {})
    timed = {k: v for k, v in queries.items() if "p95_ms" in v}
    if timed:
        worst = max(timed, key=lambda k: timed[k]["p95_ms"])
        slow = sorted(k for k, v in timed.items() if v["p95_ms"] >= TARGET_P95_MS)
        skipped = sorted(k for k, v in queries.items() if "skipped" in v)
        table.rows.append([
            f"every saved query p95 < {TARGET_P95_MS:.0f} ms (embedded)",
            f"worst {worst}: {timed[worst]['p95_ms']:,.1f} ms"
            + (f"; over: {', '.join(slow)}" if slow else "")
            + (f"; skipped: {', '.join(skipped)}" if skipped else ""),
            "met" if not slow else f"not met ({len(slow)} of {len(timed)})"])
    else:
        table.rows.append([f"every saved query p95 < {TARGET_P95_MS:.0f} ms (embedded)",
                           "not measured", "not measured"])
    plain = size[PLAIN]
    pb = plain.get("build", {}).get(jobs)
    if pb and pb["ok"] and seconds:
        ratio = pb["seconds"] / seconds
        table.rows.append([f"end to end >= {TARGET_SPEEDUP:.0f}x faster than plain",
                           f"×{ratio:.1f}", "met" if ratio >= TARGET_SPEEDUP else "not met"])
    else:
        table.rows.append([f"end to end >= {TARGET_SPEEDUP:.0f}x faster than plain",
                           plain.get("unavailable") or "not measured",
                           "not measured at this size: see the end-to-end table for the sizes "
                           "where both ran"])
    return table


def _loads(node) -> list[float]:
    """Every load-average sample recorded anywhere in the results."""
    if isinstance(node, dict):
        return [x for k, v in node.items() for x in (v if k == "load" else _loads(v))]
    if isinstance(node, list):
        return [x for v in node for x in _loads(v)]
    return []


def cut_short(results: dict) -> str:
    sizes = [f"{int(k):,}" for k, v in results.get("sizes", {}).items()
             if v.get("complete") is False]
    return (f"The run was cut short at {', '.join(sizes)} articles: what was measured before "
            "is shown, the rest says not measured.") if sizes else ""


def load_note(results: dict) -> str:
    samples = _loads(results.get("sizes", {}))
    if not samples:
        return "Machine load during the run: not recorded."
    cores = results["environment"]["cores"]
    mean, top = statistics.mean(samples), max(samples)
    verdict = ("the machine was otherwise idle" if mean < cores + 0.5 else
               "other processes shared the machine, so these times are longer than on an idle "
               "one")
    return (f"Machine load during the run: 1-minute load average {mean:.1f} on average, "
            f"{top:.1f} at most, on {cores} cores ({verdict}).")


def markdown_report(results: dict) -> str:
    env, opts = results["environment"], results["options"]
    packages = ", ".join(f"{k} {v}" for k, v in env["packages"].items() if v)
    head = f"""# Benchmarks

Measured with `benchmarks/bench.py` (see [benchmarks/README.md](../benchmarks/README.md)) on
{env['date']}: {env['cpu']}, {env['cores']} cores, {env['memory_gb']} GB, {env['os']}, Python
{env['python']}; {packages}.

Command: `{results['command']}`

The corpora are generated by `benchmarks/generate.py` from the team's templates (seed
{opts['seed']}): news-like articles in plain text, Markdown and HTML with ratings, claims,
quotations, disputes, laws, instruments and figures, mapped about as densely as the bundled
articles. Every configuration ran as its own process; times are wall-clock seconds of the whole
command, peak memory is that of the process and its workers together. The plain path (rdflib in
memory, pySHACL) ran up to {opts['plain_max']:,} articles; larger sizes say "not run" and are
not estimated{' unless marked ~ (extrapolated)' if opts.get('extrapolate_plain') else ''}.
tipgraph options detected: {', '.join(k for k, v in env['tipgraph_options'].items() if v)
                              or 'none of --store/--jobs'}.

{load_note(results)} {cut_short(results)}
"""
    body = "\n\n".join(t.markdown() for t in tables(results))
    return head + "\n" + body + "\n"


# =========================================================================== main

def _ints(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_queries"]:
        return queries_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_ints, default=[100, 1000, 10000],
                        help="corpus sizes (default 100,1000,10000)")
    parser.add_argument("--jobs", type=_ints, default=[1, 2],
                        help="--jobs values for the builds (default 1,2)")
    parser.add_argument("--plain-jobs", type=_ints, default=None,
                        help="--jobs values for the plain path (default: as --jobs)")
    parser.add_argument("--plain-max", type=int, default=1000,
                        help="largest corpus the plain path runs on (default 1000)")
    parser.add_argument("--extrapolate-plain", action="store_true",
                        help="show a labelled linear estimate of the plain path beyond "
                             "--plain-max")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=20,
                        help="timed runs of each query on the embedded store (default 20)")
    parser.add_argument("--plain-repeats", type=int, default=5,
                        help="timed runs of each query on rdflib (default 5)")
    parser.add_argument("--query-budget", type=float, default=60.0,
                        help="seconds after which a query is not run again (default 60)")
    parser.add_argument("--query-timeout", type=float, default=120.0,
                        help="seconds one run of a query may take before it is given up "
                             "(default 120)")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"export formats (default {','.join(FORMATS)})")
    parser.add_argument("--timeout", type=float, default=6 * 3600,
                        help="seconds one command may take (default 6 hours)")
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help="corpora and working files (default benchmarks/.cache)")
    parser.add_argument("--no-rebuild", action="store_true",
                        help="skip the incremental rebuild of the embedded store")
    parser.add_argument("--keep", action="store_true", help="keep stores and graph files")
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    parser.add_argument("--json", type=Path, default=CACHE / "results.json",
                        help="raw results (default benchmarks/.cache/results.json)")
    parser.add_argument("--resume", action="store_true",
                        help="keep the sizes an earlier run (--json) completed; run the rest")
    parser.add_argument("--report-only", type=Path, metavar="RESULTS_JSON",
                        help="render the tables of an earlier run; run nothing")
    args = parser.parse_args(argv)

    if args.report_only:
        results = json.loads(args.report_only.read_text())
    else:
        formats = [f for f in args.formats.split(",") if f]
        unknown = sorted(set(formats) - set(FORMATS))
        if unknown:
            parser.error(f"unknown format(s): {', '.join(unknown)}")
        opts = Options(sizes=args.sizes, jobs=args.jobs,
                       plain_jobs=args.plain_jobs or args.jobs, plain_max=args.plain_max,
                       seed=args.seed, repeats=args.repeats, plain_repeats=args.plain_repeats,
                       query_budget=args.query_budget, query_timeout=args.query_timeout,
                       formats=formats, timeout=args.timeout,
                       cache=args.cache.resolve(), rebuild=not args.no_rebuild, keep=args.keep)
        tipgraph = tipgraph_command()
        caps = capabilities(tipgraph)
        command = "python benchmarks/bench.py " + " ".join(argv)
        results = {
            "command": command,
            "environment": environment(tipgraph, caps),
            "options": {**{k: v for k, v in asdict(opts).items() if k != "cache"},
                        "extrapolate_plain": args.extrapolate_plain},
            "sizes": {},
        }
        if args.resume and args.json.exists():
            earlier = json.loads(args.json.read_text())
            done = {k: v for k, v in earlier.get("sizes", {}).items()
                    if v.get("complete", True) and int(k) in opts.sizes}
            if done:
                results["sizes"].update(done)
                results["environment"]["resumed_from"] = earlier["environment"]["date"]
                results["command"] = f"{earlier.get('command')} (then, resumed: {command})"
        args.json.parent.mkdir(parents=True, exist_ok=True)

        def save():
            args.json.write_text(json.dumps(results, indent=1) + "\n")

        global CHECKPOINT
        CHECKPOINT = save
        opts.cache.mkdir(parents=True, exist_ok=True)
        for size in opts.sizes:
            if str(size) in results["sizes"]:
                print(f"[{size}] done in an earlier run (--resume): kept", file=sys.stderr)
                continue
            result = results["sizes"][str(size)] = {"complete": False}
            bench_size(size, opts, tipgraph, caps, result)
            result["complete"] = True
            save()
        CHECKPOINT = None
        results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda kv: int(kv[0])))
    if args.extrapolate_plain:
        results["options"]["extrapolate_plain"] = True
    print()
    print(load_note(results), cut_short(results))
    print()
    for table in tables(results):
        print(table.text())
        print()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown_report(results), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
