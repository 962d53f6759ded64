"""Files the command line writes: the errors TSV of a build, and an export that takes
its real name only once whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trialkg.errors import InputError, OutputError, os_error_text


class ErrorsFile:
    """`build --errors FILE.tsv`: one line per rejected record, written as the build goes."""

    COLUMNS = ("kind", "file", "record", "field", "message")

    def __init__(self, path: str) -> None:
        try:
            self.handle = Path(path).open("w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by build)
        except OSError as error:
            raise OutputError(f"cannot write the errors file: {os_error_text(error)}") from error
        self.handle.write("\t".join(self.COLUMNS) + "\n")

    def write(self, error: InputError) -> None:
        cells = (error.kind, error.file, error.record, error.field, error.message)
        line = "\t".join(" ".join((cell or "").split()) for cell in cells)
        self.handle.write(line + "\n")
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


def export_to_file(store: Any, fmt: str, target: Path, threads: int, progress: Any) -> int:
    """Export into ``target`` through a ``.partial`` file beside it, which takes the real name
    only once whole: a failed export (a full disk, say) leaves neither. A name ending in
    ``.gz`` is written gzip-compressed."""
    from trialkg.export import export as run_export
    from trialkg.export import gzip_writer

    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as handle:
            if target.suffix == ".gz":  # for bulk loaders: gzip, with the same bytes each run
                with gzip_writer(handle) as packed:
                    count = run_export(store, fmt, packed, workers=threads, on_progress=progress)
            else:
                count = run_export(store, fmt, handle, workers=threads, on_progress=progress)
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise OutputError(f"cannot write the export {target}: {os_error_text(error)}") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
