"""The studies in one API v2 JSON document: one study, a list, an API page, or JSON Lines.

``ctgov_json`` reads each study into a trial; this module only finds them, and puts an
``InputError`` in the place of what is not a study.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from trialkg.errors import InputError
from trialkg.readers import json_stream


def studies(text: str, name: str, size: int) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    """The studies of a document's text, each with its index, or the error in its place.

    An array, or an API page's array, is read item by item: a cut file keeps what is whole.
    Text that is not one JSON value is read as JSON Lines, one study per line.
    """
    start = len(text) - len(text.lstrip())
    array = start if text.startswith("[", start) else json_stream.page_array_start(text)
    if array is not None:
        items = json_stream.array_items(text, array, name=name, size=size)
        for index, item in enumerate(items):
            if isinstance(item, InputError):
                yield index, item
            else:
                yield from _unwrap([item], name, index)
        return
    try:
        data = _loads(text)
    except json.JSONDecodeError as whole_error:
        # Not one JSON value: perhaps JSON Lines, one study per line.
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2 or not _is_json(lines[0]):
            if json_stream.ends_inside(text, start):
                raise InputError(
                    f"the file is cut off at byte {size}, inside its one record",
                    file=name,
                    record=_cut_nct_id(text),
                    kind="truncated",
                ) from None
            raise InputError(
                f"malformed JSON: {whole_error}", file=name, kind="malformed"
            ) from None
        for number, line in enumerate(lines, start=1):
            try:
                item = _loads(line)
            except json.JSONDecodeError as error:
                yield (
                    number - 1,
                    InputError(
                        f"malformed JSON on line {number}: {error}",
                        file=name,
                        record=f"line {number}",
                        kind="malformed",
                    ),
                )
                continue
            yield from _unwrap(item, name, number - 1)
        return
    yield from _unwrap(data, name, 0)


def _is_json(line: str) -> bool:
    try:
        _loads(line)
    except json.JSONDecodeError:
        return False
    return True


def _cut_nct_id(text: str) -> str | None:
    match = re.search(r'"nctId"\s*:\s*"(NCT\d{8})"', text)
    return match.group(1) if match else None


def _loads(text: str) -> Any:
    """json.loads, with its other refusals as decode errors.

    Python refuses a number of more than 4300 digits with ValueError and nesting
    deeper than its recursion limit with RecursionError; both are malformed
    records, not crashes.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as error:
        kind = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise json.JSONDecodeError(kind, text[:0], 0) from None


def _unwrap(data: Any, name: str, index: int) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    if isinstance(data, list):
        items, kind = data, "a list item"
    elif isinstance(data, dict) and isinstance(data.get("studies"), list):
        items, kind = data["studies"], "a studies item"
    elif isinstance(data, dict):
        yield index, data
        return
    else:
        raise InputError("JSON is neither a study, a list of studies nor an API page", file=name)
    for offset, item in enumerate(items):
        if isinstance(item, dict):
            yield index + offset, item
        else:
            problem = f"{kind} is not a study object"
            yield index + offset, InputError(problem, file=name, record=f"#{index + offset}")
