"""A real SPARQL 1.1 server for tests, on 127.0.0.1: Oxigraph, from the PyPI package ``oxigraph``
(a test dependency: ``pip install -e '.[test]'``), which ships the ``oxigraph`` command.

    server = start_server(tmp_path / "store", [Path("tests/data/wikidata-extract.nt")])
    try:
        ...  # server.query_url, server.update_url, server.store_url
    finally:
        server.stop()

or ``with running_server(...) as server:``. The files are loaded into a store in a fresh directory
(``oxigraph load``), then ``oxigraph serve`` (read-write: SPARQL query, update and the Graph Store
Protocol) or ``oxigraph serve-read-only`` serves it on a free port; :func:`start_server` returns
once the server answers a query. Anything that goes wrong (no binary, a load error, a server that
exits or does not answer) raises :class:`ServerError` with the command's output: a fixture turns it
into ``pytest.fail`` so that a missing server fails the tests instead of skipping them.

:func:`block_network` keeps a test off the network: host names other than the loopback ones no
longer resolve, and each refused host is recorded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

__all__ = ["ServerError", "SparqlServer", "oxigraph_binary", "free_port", "start_server",
           "running_server", "block_network", "LOOPBACK_HOSTS"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "ip6-localhost"})
# the module's own requests go straight to the server, whatever *_proxy variables say
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
INSTALL_HINT = "install the test dependencies: .venv/bin/pip install -e '.[test]'"


class ServerError(RuntimeError):
    """The SPARQL server could not be found, loaded or started."""


@dataclass
class SparqlServer:
    """A running Oxigraph server. Its endpoints: ``query_url`` (SPARQL query, GET or POST),
    ``update_url`` (SPARQL update, not in read-only mode) and ``store_url`` (Graph Store
    Protocol: ``?default`` or ``?graph=IRI``)."""

    process: subprocess.Popen
    host: str
    port: int
    location: Path
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"

    def running(self) -> bool:
        return self.process.poll() is None

    def select(self, query: str, timeout: float = 10.0) -> dict:
        """Run a query on the server itself and return its SPARQL JSON results."""
        import json

        data = urllib.parse.urlencode({"query": query}).encode()
        request = urllib.request.Request(
            self.query_url, data=data,
            headers={"Accept": "application/sparql-results+json",
                     "Content-Type": "application/x-www-form-urlencoded"})
        with _DIRECT.open(request, timeout=timeout) as response:
            return json.loads(response.read())

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server; kill it if it has not stopped after ``timeout`` seconds."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` command: ``$OXIGRAPH`` when set, else next to this Python (the
    virtualenv's bin/, also when it is not on PATH), else on PATH."""
    configured = os.environ.get("OXIGRAPH")
    if configured:
        if not (Path(configured).is_file() and os.access(configured, os.X_OK)):
            raise ServerError(f"$OXIGRAPH={configured!r} is not an executable file")
        return configured
    exe = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = folder / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServerError(f"the oxigraph command (PyPI package 'oxigraph') is not installed; "
                      f"{INSTALL_HINT}")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _run(command: list[str], what: str, timeout: float = 120.0) -> None:
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout, check=False)
    except OSError as exc:
        raise ServerError(f"cannot run {command[0]} ({what}): {exc}; {INSTALL_HINT}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ServerError(f"{what} took more than {timeout:g} s: {' '.join(command)}") from exc
    if done.returncode != 0:
        output = done.stdout.decode("utf-8", "replace").strip()
        raise ServerError(f"{what} failed (exit {done.returncode}): {' '.join(command)}\n{output}")


def _answers(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(f"{url}?{query}",
                                     headers={"Accept": "application/sparql-results+json"})
    try:
        with _DIRECT.open(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(location: str | Path, data: Sequence[str | Path] = (), *,
                 read_only: bool = False, host: str = "127.0.0.1",
                 startup_timeout: float = 30.0, binary: str | None = None) -> SparqlServer:
    """Load ``data`` (RDF files; format from the extension) into a new store at ``location`` (a
    directory that must not hold a store yet) and serve it on a free port of ``host``.

    Returns once the server answers ``ASK {}``. Raises :class:`ServerError` otherwise."""
    command = binary or oxigraph_binary()
    location = Path(location)
    location.parent.mkdir(parents=True, exist_ok=True)
    for path in data:
        if not Path(path).is_file():
            raise ServerError(f"no such data file: {path}")
    if data:
        _run([command, "load", "--location", str(location), "--file",
              *[str(p) for p in data]], "loading the data into the store")
    else:
        location.mkdir(parents=True, exist_ok=True)
    log = location.parent / f"{location.name}.server.log"
    problem = ""
    for _ in range(3):  # another process may take the free port before the server binds it
        port = free_port(host)
        mode = "serve-read-only" if read_only else "serve"
        args = [command, mode, "--location", str(location), "--bind", f"{host}:{port}"]
        with open(log, "wb") as out:
            try:
                process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL)
            except OSError as exc:
                raise ServerError(f"cannot start {command}: {exc}; {INSTALL_HINT}") from exc
        server = SparqlServer(process=process, host=host, port=port, location=location, log=log)
        deadline = time.monotonic() + startup_timeout
        while time.monotonic() < deadline and server.running():
            if _answers(server.query_url):
                return server
            time.sleep(0.1)
        exited = process.poll()
        server.stop()
        output = log.read_text(encoding="utf-8", errors="replace").strip()
        problem = (f"{' '.join(args)} exited with status {exited}" if exited is not None
                   else f"{' '.join(args)} did not answer within {startup_timeout:g} s")
        problem += f"\n{output}" if output else ""
        if "in use" not in output.lower():
            break
    raise ServerError(f"the SPARQL server did not start: {problem}")


@contextmanager
def running_server(location: str | Path, data: Sequence[str | Path] = (),
                   **options) -> Iterator[SparqlServer]:
    """:func:`start_server` as a context manager that stops the server on the way out."""
    server = start_server(location, data, **options)
    try:
        yield server
    finally:
        server.stop()


def block_network(monkeypatch) -> list[str]:
    """Make every host name but the loopback ones fail to resolve, for one test (pytest's
    ``monkeypatch``). Returns the list the refused host names are appended to."""
    refused: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.strip("[]").lower() not in LOOPBACK_HOSTS:
            refused.append(name)
            raise socket.gaierror(socket.EAI_NONAME, f"network blocked in tests: {name}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    return refused
