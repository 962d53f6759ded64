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
"""

from __future__ import annotations

import contextlib
import os
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
from trialkg.store import TrialStore

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 60  # seconds a query may run
# How long the server may take to listen before it counts as failed to start.
STARTUP_SECONDS = 30.0


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
    target that ``trialkg push`` tests write to.
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
        self._store: TrialStore | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._errors: deque[str] = deque(maxlen=20)

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

    def command(self) -> list[str]:
        mode = "serve-read-only" if self.read_only else "serve"
        argv = [oxigraph_program(), mode, "--bind", bind_address(self.host, self.port)]
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
        try:
            self._process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                # Ctrl-C reaches this process only: it stops the server itself.
                start_new_session=True,
                preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
            )
        except OSError as error:
            self._release()
            raise ServeError(f"cannot start the oxigraph server: {error}") from error
        threading.Thread(target=self._drain, daemon=True).start()
        self._wait_until_listening()
        return self

    def _drain(self) -> None:
        process = self._process
        if process is None or process.stderr is None:
            return
        for line in process.stderr:
            self._errors.append(line.decode("utf-8", "replace").rstrip())

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.poll() is not None:
                code = self.poll()
                self.stop()
                raise ServeError(
                    f"the oxigraph server stopped at once (exit {code}): {self.last_error()}"
                )
            if _port_taken(self.host, self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise ServeError(f"the oxigraph server did not listen within {STARTUP_SECONDS:.0f} s")

    def last_error(self) -> str:
        time.sleep(0.1)  # let the reader thread take the last lines
        return " ".join(self._errors) or "no message"

    def poll(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def wait(self) -> int:
        """Block until the server stops of itself; returns its exit code."""
        if self._process is None:
            return 0
        return self._process.wait()

    def stop(self) -> None:
        """Stop the server (SIGINT, then SIGTERM, then SIGKILL) and release the store."""
        process = self._process
        if process is not None and process.poll() is None:
            for sent in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(sent)
                try:
                    process.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._process = None
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
