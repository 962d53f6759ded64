"""JSON arrays of studies read one element at a time, so that a file cut off before its
end (a download that stopped) still gives every record before the cut.

``json.loads`` on a whole array either returns every study or none: one missing byte
at the end loses them all. Here each element is decoded on its own
(``JSONDecoder.raw_decode``); a cut is told from malformed text by whether the text
ends inside the element, and is reported once, with the byte it stops at and the NCT
id of the record it cut, if that record got as far as its id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from trialkg.errors import InputError

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NCT_ID = re.compile(r'"nctId"\s*:\s*"(NCT\d{8})"')
# An API page, `{"totalCount": 5, "studies": [ ...`, up to its array of studies.
_PAGE_START = re.compile(
    r'\s*\{\s*(?:"(?!studies")[^"\\]*"\s*:\s*(?:"[^"\\]*"|-?\d+|true|false|null)\s*,\s*)*'
    r'"studies"\s*:\s*(?=\[)'
)


class Cut(Exception):
    """The text ends inside a JSON value."""


def _skip(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    return match.end() if match else at


def ends_inside(text: str, start: int) -> bool:
    """Whether the JSON value starting at ``start`` is still open where the text ends."""
    depth = 0
    in_string = escaped = False
    for char in text[start:]:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return False
    return True


def decode_value(text: str, at: int) -> tuple[Any, int]:
    """One JSON value at ``at`` and where it ends; Python's other refusals (a number of
    too many digits, nesting past the recursion limit) as decode errors."""
    try:
        return _DECODER.raw_decode(text, at)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as error:
        kind = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise json.JSONDecodeError(kind, text, at) from None


def page_array_start(text: str) -> int | None:
    """Where an API page's array of studies starts, or None if the text is no API page."""
    match = _PAGE_START.match(text)
    return match.end() if match else None


def array_items(text: str, start: int, *, name: str, size: int) -> Iterator[Any | InputError]:
    """The elements of the JSON array at ``start``; a cut or malformed element ends the
    array with one ``InputError``. ``size`` is the document's length in bytes."""
    at = _skip(text, start + 1)
    index = 0
    if text.startswith("]", at):
        return
    while True:
        if at >= len(text):
            yield _cut(name, size, index, inside=False)
            return
        try:
            item, at = decode_value(text, at)
        except json.JSONDecodeError as error:
            if ends_inside(text, at):
                match = _NCT_ID.search(text, at)
                nct_id = match.group(1) if match else None
                yield _cut(name, size, index, inside=True, nct_id=nct_id)
            else:
                yield InputError(
                    f"malformed JSON in array item #{index} (line {error.lineno}, "
                    f"column {error.colno}): {error.msg}; the items after it are not read",
                    file=name,
                    record=f"#{index}",
                    kind="malformed",
                )
            return
        yield item
        index += 1
        at = _skip(text, at)
        if text.startswith(",", at):
            at = _skip(text, at + 1)
        elif text.startswith("]", at):
            return
        elif at >= len(text):
            yield _cut(name, size, index, inside=False)
            return
        else:
            line = text.count("\n", 0, at) + 1
            yield InputError(
                f"malformed JSON after array item #{index - 1} (line {line}): expected ',' "
                "or ']'; the items after it are not read",
                file=name,
                kind="malformed",
            )
            return


def _cut(
    name: str, size: int, index: int, *, inside: bool, nct_id: str | None = None
) -> InputError:
    where = (
        f"inside array item #{index}, which is left out" if inside else f"after {index} whole items"
    )
    return InputError(
        f"the file is cut off at byte {size} ({where}); every whole record before the cut "
        "is read: download it again to get the rest",
        file=name,
        record=nct_id,
        kind="truncated",
    )
