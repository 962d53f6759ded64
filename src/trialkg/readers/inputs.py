"""The input side of reading: documents from files, folders and zip archives, and their text.

Archives are hostile until read: a member is read in slices and refused, by name, when it
grows past ``MAX_MEMBER_BYTES`` or past ``MAX_COMPRESSION_RATIO`` times its compressed
size, whatever its header claims, so that memory stays bounded by the limits; an archive
stops at ``MAX_ARCHIVE_BYTES`` read in all. An archive inside an archive is read too, down
to ``MAX_ARCHIVE_DEPTH`` levels; deeper ones are refused, never handed to a reader.

Text is decoded by its byte-order mark, else by the pattern of zero bytes that UTF-16 and
UTF-32 give ASCII (an XML declaration, a JSON bracket), else as UTF-8, else as Latin-1.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from trialkg.errors import InputError

ZIP_MAGIC = b"PK\x03\x04"
# A member bigger than this, once uncompressed, is refused: a single study record is at
# most a few MB, and the registry's bulk downloads hold one study per member.
MAX_MEMBER_BYTES = 256 * 2**20
# Uncompressed over compressed size: JSON and XML records compress 5 to 20 times; a
# member that expands more than this (past its first MiB) is a zip bomb.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 2**20
# All members of one archive (with those of archives inside it), uncompressed: the whole
# registry's bulk download is some 20 GB.
MAX_ARCHIVE_BYTES = 64 * 2**30
# A gzip file (JSON Lines from ``trialkg fetch``, say) is read whole into memory: at most
# this much once uncompressed, and within the same compression ratio as a member.
MAX_GZIP_BYTES = 2 * 2**30
GZIP_MAGIC = b"\x1f\x8b"
# A zip file is level 1; a zip inside it level 2. Deeper archives are refused.
MAX_ARCHIVE_DEPTH = 2
_SLICE = 2**20

_ZERO_PATTERNS: dict[tuple[bool, ...], str] = {
    (True, True, True, False): "utf-32-be",
    (False, True, True, True): "utf-32-le",
    (True, False, True, False): "utf-16-be",
    (False, True, False, True): "utf-16-le",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> str:
    """The text of a document's bytes (see the module's notes on how it is told)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    head = data[:4]
    if len(head) == 4 and b"\x00" in head:
        # ASCII in UTF-16 or UTF-32 without a mark: where the zero bytes fall tells which.
        zeros = tuple(byte == 0 for byte in head)
        wide = _ZERO_PATTERNS.get(zeros)
        if wide is not None:
            return data.decode(wide, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


@dataclass(frozen=True, slots=True)
class Document:
    """One unit of input: a file, or a member of a zip archive."""

    name: str  # as shown to the user: "corpus/NCT01.json" or "bulk.zip!NCT01.json"
    data: bytes
    # The folder a file on disk sits in, however the user reached it (a page's source
    # key uses it); None for a zip member, whose name holds its folders.
    folder: str | None = None

    def text(self) -> str:
        """The document decoded (UTF-8, UTF-16 or UTF-32 by its mark, else Latin-1)."""
        return decode(self.data)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return (
                (root.name + "/" + path.relative_to(root).as_posix()) if root != path else path.name
            )
        except ValueError:
            pass
    return path.name


def iter_documents(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Document | InputError]:
    """Every document under the given paths: files, directories (recursively, sorted) and zips.

    Names are relative to what the user gave, so the same input gives the same
    provenance on every machine.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith("."):
                    continue
                yield from _file_documents(child, _display(child, path))
        elif path.is_file():
            yield from _file_documents(path, path.name)
        else:
            yield InputError("no such file or directory", file=str(given), kind="unreadable-file")


def _file_documents(path: Path, name: str) -> Iterator[Document | InputError]:
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
            if magic == ZIP_MAGIC:
                yield from _archive_documents(handle, name, depth=1, budget=[MAX_ARCHIVE_BYTES])
                return
        data = _gunzip(path) if magic[:2] == GZIP_MAGIC else path.read_bytes()
    except _Refused as refused:
        yield InputError(f"gzip file refused: {refused}", file=name, kind="archive-refused")
        return
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        yield InputError(f"not a readable gzip file: {error}", file=name, kind="unreadable-file")
        return
    except OSError as error:
        yield InputError(f"cannot read: {error.strerror}", file=name, kind="unreadable-file")
        return
    yield Document(name, data, folder=path.resolve().parent.name)


class _Refused(Exception):
    """A member that the limits refuse; its message says which limit."""


def _gunzip(path: Path) -> bytes:
    """A gzip file's content, read in slices and refused as soon as a limit is passed."""
    compressed = max(path.stat().st_size, 1)
    out = io.BytesIO()
    size = 0
    with gzip.open(path, "rb") as stream:
        while block := stream.read(_SLICE):
            size += len(block)
            if size > MAX_GZIP_BYTES:
                raise _Refused(
                    f"more than {size:,} bytes uncompressed, over the limit of "
                    f"{_mib(MAX_GZIP_BYTES)}; unpack it, or fetch into a folder"
                )
            if size > RATIO_FLOOR_BYTES and size / compressed > MAX_COMPRESSION_RATIO:
                raise _Refused(
                    f"its compression ratio passes {MAX_COMPRESSION_RATIO}:1 "
                    f"({compressed:,} compressed bytes give {size:,} and more): a gzip bomb?"
                )
            out.write(block)
    return out.getvalue()


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """The member's bytes, read in slices and refused as soon as a limit is passed."""
    if info.file_size > MAX_MEMBER_BYTES:
        raise _Refused(_too_big(info.file_size))
    out = io.BytesIO()
    size = 0
    compressed = max(info.compress_size, 1)
    with archive.open(info) as stream:
        while block := stream.read(_SLICE):
            size += len(block)
            if size > MAX_MEMBER_BYTES:
                raise _Refused(_too_big(size, at_least=True))
            if size > RATIO_FLOOR_BYTES and size / compressed > MAX_COMPRESSION_RATIO:
                raise _Refused(
                    f"its compression ratio passes {MAX_COMPRESSION_RATIO}:1 "
                    f"({compressed:,} compressed bytes give {size:,} and more): a zip bomb?"
                )
            if size > budget[0]:
                raise _Refused(
                    f"the archive holds more than {_mib(MAX_ARCHIVE_BYTES)} uncompressed in all"
                )
            out.write(block)
    budget[0] -= size
    return out.getvalue()


def _mib(size: int) -> str:
    return f"{size / 2**30:g} GiB" if size >= 2**30 else f"{size / 2**20:g} MiB"


def _too_big(size: int, *, at_least: bool = False) -> str:
    amount = f"{'more than ' if at_least else ''}{size:,} bytes uncompressed"
    return f"{amount}, over the limit of {_mib(MAX_MEMBER_BYTES)} a member may have"


def _archive_documents(
    source: IO[bytes], name: str, *, depth: int, budget: list[int]
) -> Iterator[Document | InputError]:
    """Members one at a time, so a bulk archive of the whole registry never sits in memory."""
    try:
        with zipfile.ZipFile(source) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                if info.is_dir() or Path(info.filename).name.startswith("."):
                    continue
                member = f"{name}!{info.filename}"
                try:
                    data = _read_member(archive, info, budget)
                except _Refused as refused:
                    yield InputError(
                        f"archive member refused: {refused}", file=member, kind="archive-refused"
                    )
                    continue
                except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError) as error:
                    yield InputError(
                        f"cannot read archive member: {error}", file=member, kind="unreadable-file"
                    )
                    continue
                if data[:4] != ZIP_MAGIC:
                    yield Document(member, data)
                elif depth >= MAX_ARCHIVE_DEPTH:
                    yield InputError(
                        f"an archive nested more than {MAX_ARCHIVE_DEPTH} levels deep is not "
                        "read; unpack it first",
                        file=member,
                        kind="archive-refused",
                    )
                else:
                    yield from _archive_documents(
                        io.BytesIO(data), member, depth=depth + 1, budget=budget
                    )
    except zipfile.BadZipFile as error:
        yield InputError(f"not a readable zip archive: {error}", file=name, kind="unreadable-file")
