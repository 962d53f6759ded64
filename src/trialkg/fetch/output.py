"""Where fetched studies go, page by page, so that a killed fetch can go on where it stopped.

Two shapes, both read by ``trialkg build``:

- a folder of per-study files, ``NCT01234567.json``, each written to a hidden
  temporary name and renamed, so a file is whole or absent;
- one JSON Lines file (gzip when the name ends in ``.gz``), grown under a hidden
  ``.NAME.part`` and renamed to ``NAME`` when the last page is in. A page is
  appended (as a gzip member of its own) and then the state records the new
  length; a resume first cuts the file back to it, so a half-written page is never
  kept.

The state (``.trialkg-fetch.json`` in the folder, ``.NAME.fetch.json`` beside the
file) is itself written to a temporary name and renamed after every page.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from trialkg.errors import InputError

STATE_VERSION = 1


def nct_id_of(study: Any) -> str | None:
    """The study's NCT id, when it states one where the API puts it."""
    try:
        value = study["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def write_atomically(path: Path, data: bytes, *, sync: bool = True) -> None:
    """``data`` under ``path``, whole: written beside it under a hidden name, then renamed.

    ``sync`` waits for the disk too; per-study files skip it (it cost 5 ms a file,
    most of a fetch's time): a killed fetch still leaves each file whole or absent.
    """
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(temporary, path)


@dataclass(slots=True)
class FetchState:
    """How far a fetch got: enough to ask for the next page."""

    fingerprint: str  # the arguments' digest; another fetch into the same output starts over
    query: str  # the filters, for messages
    next_page_token: str | None = None
    pages: int = 0  # pages done
    received: int = 0  # studies in those pages
    total: int | None = None  # totalCount, as the first page said
    written: int = 0  # distinct studies written
    length: int = 0  # JSON Lines: the bytes of the pages done
    version: int = STATE_VERSION

    @classmethod
    def load(cls, path: Path) -> FetchState | None:
        """The state at ``path``; None when there is none or it cannot be read (start over)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                return None
            return cls(**data)
        except (OSError, ValueError, TypeError, AttributeError):
            return None

    def save(self, path: Path) -> None:
        write_atomically(path, json.dumps(asdict(self), indent=1).encode())


class Output:
    """Where the studies go; ``resume`` takes up a state, ``write_page`` adds a page."""

    kind = ""
    state_path: Path
    shown: str  # the output as the user named it

    def prepare(self) -> None:
        """Make the place to write to."""

    def resume(self, state: FetchState) -> bool:
        """Take up where ``state`` left off; False when the output no longer matches it."""
        return True

    def start_over(self) -> None:
        """Drop what a fetch with other arguments, or one that cannot resume, left."""

    def restart_paging(self) -> None:
        """Paging begins again from the first page (a page token expired)."""

    def leftovers(self) -> str | None:
        """What a fresh fetch finds there already, when a user should hear of it."""
        return None

    def write_page(self, studies: list[dict[str, Any]]) -> int:
        """Write the page's studies (skipping those written already); returns the length."""
        raise NotImplementedError

    def finish(self) -> None:
        """The last page is in: give the output its name."""

    written: int = 0  # studies written, each once
    duplicates: int = 0  # studies that came again and were not written twice


class FolderOutput(Output):
    kind = "folder"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.shown = str(folder)
        self.state_path = folder / ".trialkg-fetch.json"
        self.seen: set[str] = set()  # this run's studies
        self.before = 0  # studies the runs before wrote (a resume)

    def resume(self, state: FetchState) -> bool:
        self.before = state.written
        self.written = self.before
        return True

    def leftovers(self) -> str | None:
        count = sum(1 for _ in self.folder.glob("NCT*.json"))
        if not count:
            return None
        return (
            f"{self.shown} holds {count:,} study files already: those this fetch brings are "
            "replaced, the others stay (use a new folder to hold this fetch alone)"
        )

    def restart_paging(self) -> None:
        # Every study comes again and overwrites its file: count them afresh.
        self.seen.clear()
        self.before = self.written = 0

    def prepare(self) -> None:
        if self.folder.exists() and not self.folder.is_dir():
            raise InputError("exists and is not a folder", file=str(self.folder))
        self.folder.mkdir(parents=True, exist_ok=True)

    def write_page(self, studies: list[dict[str, Any]]) -> int:
        for study in studies:
            nct_id = nct_id_of(study)
            assert nct_id is not None  # the pager skips studies without an id
            if nct_id in self.seen:
                self.duplicates += 1
            self.seen.add(nct_id)
            # In the API's own key order: the same record gives the same bytes, so a build
            # skips it after its hash check when it did not change. Compact, as indenting
            # leaves Python's fast encoder (4 ms a study).
            text = json.dumps(study, ensure_ascii=False, separators=(",", ":")) + "\n"
            write_atomically(self.folder / f"{nct_id}.json", text.encode("utf-8"), sync=False)
        self.written = self.before + len(self.seen)
        return 0


class LinesOutput(Output):
    kind = "jsonl"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.shown = str(path)
        self.gzip = path.name.endswith(".gz")
        self.part = path.with_name(f".{path.name}.part")
        self.state_path = path.with_name(f".{path.name}.fetch.json")
        self.seen: set[str] = set()

    def prepare(self) -> None:
        if self.path.is_dir():
            raise InputError("is a folder; a name ending in .jsonl or .jsonl.gz", file=self.shown)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def start_over(self) -> None:
        self.part.unlink(missing_ok=True)
        self.seen.clear()

    def resume(self, state: FetchState) -> bool:
        try:
            size = self.part.stat().st_size
        except FileNotFoundError:
            return state.length == 0
        if size < state.length:
            return False
        with self.part.open("r+b") as handle:
            handle.truncate(state.length)  # a page cut off mid-way is dropped
        self.seen = self._ids_written()
        self.written = len(self.seen)
        return True

    def _ids_written(self) -> set[str]:
        opener = gzip.open if self.gzip else open
        ids = set()
        with opener(self.part, "rb") as handle:
            for line in handle:
                nct_id = nct_id_of(json.loads(line))
                if nct_id:
                    ids.add(nct_id)
        return ids

    def write_page(self, studies: list[dict[str, Any]]) -> int:
        lines = []
        for study in studies:
            nct_id = nct_id_of(study)
            assert nct_id is not None  # the pager skips studies without an id
            if nct_id in self.seen:
                self.duplicates += 1
                continue
            self.seen.add(nct_id)
            lines.append(json.dumps(study, ensure_ascii=False, separators=(",", ":")) + "\n")
        data = "".join(lines).encode("utf-8")
        if self.gzip and data:
            data = gzip.compress(data, mtime=0)  # one member per page; readers join them
        with self.part.open("ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            length = handle.tell()
        self.written = len(self.seen)
        return length

    def finish(self) -> None:
        if not self.part.exists():
            self.part.write_bytes(gzip.compress(b"", mtime=0) if self.gzip else b"")
        os.replace(self.part, self.path)


def output_for(target: str) -> Output:
    """A JSON Lines file for a name ending in .jsonl or .jsonl.gz, else a folder."""
    path = Path(target)
    if path.name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
        return LinesOutput(path)
    if path.name.endswith((".json", ".gz", ".zip")):
        raise InputError(
            "give a folder (one NCT….json per study) or a .jsonl / .jsonl.gz file name",
            field="--output",
            file=target,
        )
    return FolderOutput(path)
