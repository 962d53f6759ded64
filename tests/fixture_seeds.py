"""The fixture records that seed the readers' fuzzing: the test suite's and the script's."""

from __future__ import annotations

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
