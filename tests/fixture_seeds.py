"""The fixture records that seed the readers' fuzzing, and the JSON oddities both the
test suite and scripts/fuzz_readers.py put into them."""

from __future__ import annotations

import re
from pathlib import Path

from trialkg.errors import InputError
from trialkg.readers import Document, detect, readers

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_seeds(
    folders: tuple[str, ...], max_bytes: int, per_reader: int | None = None
) -> dict[str, list[tuple[str, bytes]]]:
    """Records under the fixture folders, by the reader that detects them, as (name under
    tests/fixtures, bytes); files over ``max_bytes`` and files no reader detects left out."""
    found: dict[str, list[tuple[str, bytes]]] = {name: [] for name in readers()}
    for folder in folders:
        for path in sorted((FIXTURES / folder).rglob("*")):
            if not path.is_file() or path.suffix not in {".json", ".xml", ".txt"}:
                continue
            data = path.read_bytes()
            if len(data) > max_bytes:
                continue
            try:
                name = detect(Document(path.name, data)).name
            except InputError:
                continue
            if per_reader is None or len(found[name]) < per_reader:
                found[name].append((path.relative_to(FIXTURES).as_posix(), data))
    return found


# What Python's JSON parser takes and RDF cannot: an unpaired surrogate escape opening a
# string value, the NaN and Infinity tokens and an overflowing number for a number value.
JSON_ODDITIES = (b"\\ud800", b"\\udfff", b"NaN", b"Infinity", b"-1e999")
_STRING_VALUE = re.compile(rb'": ?"')
_NUMBER_VALUE = re.compile(rb'": ?(-?\d[\d.eE+-]*)')


def oddity_places(data: bytes, oddity: bytes) -> list[tuple[int, int]]:
    """The spans of ``data`` an oddity may replace: just inside each string value for an
    escape (an empty span), each number value otherwise."""
    if oddity.startswith(b"\\"):
        return [(m.end(), m.end()) for m in _STRING_VALUE.finditer(data)]
    return [m.span(1) for m in _NUMBER_VALUE.finditer(data)]
