"""The store folder's own files beside the database: the lock that keeps a build and its
readers apart, the journal of unfinished writes, the marker of an unfinished build, the
check that a folder given as a store is one (or empty), and the size of its table files."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from trialkg.errors import StoreError

JOURNAL = "trialkg-pending-graphs.txt"
# Readers and the writer of a store folder take a shared or an exclusive lock on this
# file: pyoxigraph documents a read-only open while another process writes as
# undefined, so `trialkg query` or `validate` during a build is refused instead.
LOCK = "trialkg.lock"
# Present while a build writes the store, removed when it completes: a store that still
# has it was left by a build that did not finish (killed, or stopped by a full disk).
UNFINISHED = "trialkg-build-unfinished"


# Lock descriptors this process holds. A forked child (a build's or an export's worker)
# closes its copies at once, so that a worker outliving a killed parent cannot keep
# the store locked.
HELD_LOCKS: set[int] = set()


def _forget_inherited_locks() -> None:
    for descriptor in HELD_LOCKS:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_inherited_locks)


def lock(folder: Path, exclusive: bool) -> int | None:
    """An open descriptor holding the folder's lock, or None where flock is not available."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        return None
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        if exclusive:
            raise StoreError(
                f"the store at {folder} is in use by another trialkg process "
                "(a build, query, validation or export); try again when it has finished"
            ) from None
        raise StoreError(
            f"the store at {folder} is being written (a build is running); "
            "query, validate or export it when the build has finished"
        ) from None
    HELD_LOCKS.add(descriptor)
    return descriptor


def refuse_other_folder(path: Path) -> None:
    """A folder that holds files and no store is someone's folder, never made a store."""
    if not path.is_dir() or (path / "CURRENT").exists():
        return
    own = {LOCK, UNFINISHED}
    others = sorted(
        entry.name
        for entry in path.iterdir()
        if entry.name not in own and not entry.name.startswith(JOURNAL.removesuffix(".txt"))
    )
    if others:
        shown = ", ".join(others[:3]) + (" ..." if len(others) > 3 else "")
        raise StoreError(
            f"{path} is not a trialkg store but a folder of other files ({shown}); "
            "give --store a new or empty folder"
        )


# -- the journal of the chunks being written ------------------------------------------------


def journal_path(folder: Path, slot: int = 0) -> Path:
    """The journal file of one writer's slot."""
    return folder / (JOURNAL if slot == 0 else JOURNAL.replace(".txt", f"-{slot}.txt"))


def journals(folder: Path) -> list[Path]:
    """The journal files of writes that have not finished, whichever slot."""
    stem = JOURNAL.removesuffix(".txt")
    return sorted(folder.glob(f"{stem}*.txt"))


def write_journal(folder: Path, graphs: list[str], slot: int = 0) -> None:
    """List these graphs in the slot's journal, on disk before the write begins."""
    path = journal_path(folder, slot)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        handle.write("".join(f"{name}\n" for name in graphs))
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)


def clear_journal(folder: Path, slot: int = 0) -> None:
    journal_path(folder, slot).unlink(missing_ok=True)


def drop_partial_journals(folder: Path) -> None:
    """Remove journals still being written: their chunks' writes had not begun."""
    for partial in folder.glob(JOURNAL.removesuffix(".txt") + "*.txt.partial"):
        partial.unlink(missing_ok=True)


# -- the marker of an unfinished build ------------------------------------------------------


def mark_unfinished(folder: Path) -> None:
    """Leave the marker of a build that has begun and not completed."""
    (folder / UNFINISHED).write_text(
        "A build into this store began and has not completed; the next build that "
        "completes removes this file.\n",
        encoding="utf-8",
    )


def table_bytes(folder: Path) -> int:
    """Bytes of the database's table files in the folder."""
    total = 0
    for entry in os.scandir(folder):
        if entry.name.endswith(".sst"):
            try:
                total += entry.stat().st_size
            except FileNotFoundError:  # merged away by a background compaction meanwhile
                continue
    return total
