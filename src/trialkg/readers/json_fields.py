"""Reading fields of a parsed JSON record by path, strictly: a value of another JSON
type than expected is a ``WrongType`` error, never a silently missing field.

``WrongType.locate`` names the field by its whole path in the record, found by a walk
of the record that runs only when there is an error. A controlled value the model does
not know is an ``UnknownValue``, located the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from trialkg.readers.common import clean


class WrongType(TypeError):
    """A field of another JSON type than the API gives: reported, never dropped in silence.

    ``path`` runs from the object the reading function was given (keys, and list
    indices as ints); ``locate`` finds where that object sits in the study.
    """

    error_kind = "wrong-type"  # the InputError's kind

    def __init__(self, path: tuple[str | int, ...], value: Any, expected: str) -> None:
        self.path = path
        self.value = value
        self.kind = {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
            type(value), "number"
        )
        self.expected = expected
        super().__init__(f"{field_name(path)}: {self.message}")

    @property
    def message(self) -> str:
        return f"a JSON {self.kind} where the API gives {self.expected}"

    def locate(self, study: Any) -> str:
        """The field's whole path in the study (only on an error: a walk of the record)."""
        try:
            found = _find(study, (), self.path, self.value) or self.path
        except RecursionError:  # a record nested deeper than the walk may go
            found = self.path
        # Named as the reader's other messages name fields: from the module on.
        return field_name(found[1:] if found[:1] == ("protocolSection",) else found)


class UnknownValue(WrongType):
    """A string where the API gives one of a controlled list, and not one the model knows."""

    error_kind = "bad-record"

    def __init__(self, path: tuple[str | int, ...], value: Any) -> None:
        super().__init__(path, value, "one of its controlled values")

    @property
    def message(self) -> str:
        return f"unknown value {self.value!r}"


def field_name(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _follow(node: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
            node = node[part]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def _find(
    node: Any, where: tuple[str | int, ...], path: tuple[str | int, ...], value: Any
) -> tuple[str | int, ...] | None:
    """Where, under ``node``, ``path`` leads to this very ``value``."""
    if isinstance(node, dict):
        if _follow(node, path) is value:
            return where + path
        children: Any = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return None
    for key, child in children:
        found = _find(child, (*where, key), path, value)
        if found is not None:
            return found
    return None


def get(data: Any, *path: str) -> Any:
    for depth, key in enumerate(path):
        if data is None:
            return None
        if not isinstance(data, dict):
            raise WrongType(path[:depth], data, "an object")
        data = data.get(key)
    return data


def module(data: dict[str, Any], key: str) -> dict[str, Any]:
    """A module of the study: an object, or empty when absent."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise WrongType((key,), value, "an object")
    return value


def array(data: Any, *path: str) -> list[Any]:
    value = get(data, *path)
    if value is None:
        return []
    if not isinstance(value, list):
        raise WrongType(path, value, "an array")
    return value


def string(data: Any, *path: str) -> str | None:
    value = get(data, *path)
    if value is None:
        return None
    if not isinstance(value, str):
        raise WrongType(path, value, "a string")
    return clean(value)


V = TypeVar("V", bound=str)  # a controlled value of the model


def controlled(read: Callable[[str], V | None], data: Any, *path: str) -> V | None:
    """A string of a controlled list in the model's spelling (``read`` translates it)."""
    value = string(data, *path)
    if value is None:
        return None
    found = read(value)
    if found is None:
        raise UnknownValue(path, get(data, *path))
    return found


def objects(data: Any, *path: str) -> list[dict[str, Any]]:
    """An array of objects; an item of another type is an error, not skipped."""
    values = array(data, *path)
    for index, value in enumerate(values):
        if not isinstance(value, dict):
            raise WrongType((*path, index), value, "an object")
    return values


def boolean(data: Any, *path: str) -> bool | None:
    value = get(data, *path)
    if value is None or isinstance(value, bool):
        return value
    raise WrongType(path, value, "a boolean")


def strings(data: Any, *path: str) -> tuple[str, ...]:
    values = array(data, *path)
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise WrongType((*path, index), value, "a string")
    return tuple(v.strip() for v in values if v.strip())


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
