"""A SPARQL 1.1 endpoint on a store: the Oxigraph server, read-only, on 127.0.0.1.

The ``oxigraph`` wheel is the same engine and store format as pyoxigraph (the two
are pinned to one version), so it opens a store that ``trialkg build`` wrote. It
serves the SPARQL protocol at ``/query``, the union of every graph as the default
graph (a plain query sees every trial, as ``trialkg query`` does), and its query
page at ``/``.

While it runs, this process holds the store's shared lock, as ``trialkg query``
does: a build into the same store is refused until the server stops, and a store
being built is refused here (reading a store that another process writes is
undefined for the engine).

The server's own ``--timeout-s`` misses queries that work in memory between reads
of the store (a COUNT over a cross product), and its threads cannot be stopped from
outside; so a read-only server with a timeout listens on a private port behind a
small front (``serve_front``) that gives each request the timeout and a few seconds'
grace, answers ``503`` past them, and restarts the server to end the query.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from types import TracebackType

from trialkg.errors import TrialKGError
from trialkg.serve_front import QueryFront, Upstream
from trialkg.store import TrialStore

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 60  # seconds a query may run
# How long the server may take to listen before it counts as failed to start.
STARTUP_SECONDS = 30.0
# Seconds past the timeout the server has to stop a query itself before the front
# stops it by restarting the server.
GRACE_SECONDS = 2.0


class ServeError(TrialKGError):
    """The server cannot be started, or stopped of itself."""


def oxigraph_program() -> str:
    """The ``oxigraph`` command of the wheel installed beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServeError(
            "the oxigraph server is not installed; install it with "
            "`pip install 'trialkg'` (it depends on the oxigraph wheel)"
        )
    return found


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def base_url(host: str, port: int) -> str:
    return f"http://{bind_address(host, port)}"


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nobody listens on now (for tests and notebooks)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _stop_with_parent() -> None:
    """In the server's process before it starts (Linux): end it when this process ends,
    even when this one is killed outright, so that no server outlives its command."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Server:
    """The Oxigraph server on a store, as a context manager::

        with Server("my-store", port=free_port()) as server:
            print(server.query_url)   # http://127.0.0.1:PORT/query

    ``read_only=False`` (and ``location`` of a folder or None for memory) starts a
    writable server instead, with the Graph Store Protocol at ``/store``: the
    target that ``trialkg push`` tests write to. A read-only server with a timeout
    sits behind the front that holds every request to it; ``restarts`` counts the
    queries it stopped that way.
    """

    def __init__(
        self,
        location: str | os.PathLike[str] | None,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        timeout: int = DEFAULT_TIMEOUT,
        read_only: bool = True,
        union_default_graph: bool = True,
    ) -> None:
        self.location = Path(location) if location is not None else None
        self.host, self.port, self.timeout = host, port, timeout
        self.read_only = read_only
        self.union_default_graph = union_default_graph
        self.restarts = 0
        self._store: TrialStore | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._errors: deque[str] = deque(maxlen=20)
        self._front: QueryFront | None = None
        self._inner = (host, port)  # where the oxigraph server listens
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._ready.set()
        self._overruns: queue.Queue[int | None] = queue.Queue()
        self._keeper: threading.Thread | None = None

    @property
    def url(self) -> str:
        return base_url(self.host, self.port) + "/"

    @property
    def query_url(self) -> str:
        return base_url(self.host, self.port) + "/query"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint (writable servers)."""
        return base_url(self.host, self.port) + "/store"

    @property
    def pid(self) -> int | None:
        """The oxigraph server's process id (another after a restart)."""
        return None if self._process is None else self._process.pid

    @property
    def fronted(self) -> bool:
        return self.read_only and self.timeout > 0

    def command(self) -> list[str]:
        mode = "serve-read-only" if self.read_only else "serve"
        argv = [oxigraph_program(), mode, "--bind", bind_address(*self._inner)]
        if self.location is not None:
            argv += ["--location", str(self.location)]
        if self.union_default_graph:
            argv.append("--union-default-graph")
        if self.timeout > 0:
            argv += ["--timeout-s", str(self.timeout)]
        return argv

    def start(self) -> Server:
        if self.read_only:
            if self.location is None:
                raise ServeError("a read-only server needs a store folder")
            # Refuses a missing store and a store being built, with the store's own words.
            self._store = TrialStore(self.location, read_only=True)
        if _port_taken(self.host, self.port):
            self._release()
            raise ServeError(
                f"port {self.port} on {self.host} is in use; choose another with --port"
            )
        if self.fronted:
            self._inner = (DEFAULT_HOST, free_port(DEFAULT_HOST))
        try:
            self._process = self._launch()
        except ServeError:
            self._release()
            raise
        if self.fronted:
            try:
                self._front = QueryFront(
                    self.host,
                    self.port,
                    upstream=self._upstream,
                    limit=self.timeout,
                    grace=GRACE_SECONDS,
                    on_overrun=self._overrun,
                )
            except OSError as error:
                self.stop()
                raise ServeError(
                    f"cannot listen on {self.host} port {self.port}: {error}"
                ) from None
            # Restarts run in a thread that lives as long as the server: the process
            # it starts ends with the thread that started it (PR_SET_PDEATHSIG).
            self._keeper = threading.Thread(target=self._keep, daemon=True)
            self._keeper.start()
            self._front.start()
        return self

    def _launch(self) -> subprocess.Popen[bytes]:
        """The oxigraph server, started and listening at ``_inner``."""
        try:
            process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                # Ctrl-C reaches this process only: it stops the server itself.
                start_new_session=True,
                preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
            )
        except OSError as error:
            raise ServeError(f"cannot start the oxigraph server: {error}") from error
        threading.Thread(target=self._drain, args=(process,), daemon=True).start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            code = process.poll()
            if code is not None:
                raise ServeError(
                    f"the oxigraph server stopped at once (exit {code}): {self.last_error()}"
                )
            if _port_taken(*self._inner):
                return process
            time.sleep(0.05)
        process.kill()
        process.wait()
        raise ServeError(f"the oxigraph server did not listen within {STARTUP_SECONDS:.0f} s")

    def _upstream(self) -> Upstream:
        self._ready.wait(STARTUP_SECONDS)
        with self._lock:
            return Upstream(*self._inner, self.restarts)

    def _overrun(self, generation: int) -> None:
        with self._lock:
            if generation != self.restarts or not self._ready.is_set():
                return  # another request of that server asked already
            self._ready.clear()
        self._overruns.put(generation)

    def _keep(self) -> None:
        while self._overruns.get() is not None:
            with self._lock:
                old = self._process
                self._inner = (DEFAULT_HOST, free_port(DEFAULT_HOST))
            if old is not None:
                with contextlib.suppress(ProcessLookupError):
                    old.kill()
                old.wait()
            try:
                started = self._launch()
            except ServeError as error:
                self._errors.append(str(error))  # wait() returns: the server is gone
            else:
                with self._lock:
                    self._process = started
                    self.restarts += 1
            finally:
                self._ready.set()

    def _drain(self, process: subprocess.Popen[bytes]) -> None:
        if process.stderr is None:
            return
        for line in process.stderr:
            self._errors.append(line.decode("utf-8", "replace").rstrip())

    def last_error(self) -> str:
        time.sleep(0.1)  # let the reader thread take the last lines
        return " ".join(self._errors) or "no message"

    def poll(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def wait(self) -> int:
        """Block until the server stops of itself; returns its exit code. A restart to
        stop a query that ran too long is not a stop."""
        while True:
            process = self._process
            if process is None:
                return 0
            code = process.wait()
            self._ready.wait(STARTUP_SECONDS)
            with self._lock:
                if self._process is process:
                    return code

    def stop(self) -> None:
        """Stop the front, then the server (SIGINT, then SIGTERM, then SIGKILL), and
        release the store."""
        front, self._front = self._front, None
        if front is not None:
            front.stop()
        if self._keeper is not None:
            self._overruns.put(None)
            self._keeper.join(timeout=STARTUP_SECONDS)
            self._keeper = None
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            for sent in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(sent)
                try:
                    process.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._release()

    def _release(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
