"""What the results readers of both formats check before a count or value is kept.

A results section can contradict itself: more participants affected than at
risk, a count that is not a whole number, a measurement for a group the record
does not define. ``Checks`` keeps the rest of the record, leaves out only the
values in contradiction, and names each (``ResultsProblem``) in the record's own
field path, so that the build can report them with the file and the record.
"""

from __future__ import annotations

from typing import Any

from trialkg.readers.common import MAX_COUNT_DIGITS, clean
from trialkg.results_model import ResultsProblem


class Checks:
    """Collects the problems of one record's results while its readers build them."""

    def __init__(self) -> None:
        self.problems: list[ResultsProblem] = []

    def problem(self, field: str, message: str) -> None:
        self.problems.append(ResultsProblem(field, message))

    def count(self, value: Any, field: str) -> int | None:
        """A number of participants or events: a non-negative whole number, or None."""
        if value is None:
            return None
        if isinstance(value, bool):
            self.problem(field, f"{value!r} is not a count; left out")
            return None
        if isinstance(value, int):
            number = value
        else:
            text = clean(str(value)) if not isinstance(value, float) else str(value)
            if text is None:
                return None
            digits = text[1:] if text[:1] in "+-" else text
            if not digits.isdecimal() or len(digits) > MAX_COUNT_DIGITS:
                self.problem(field, f"{text[:40]!r} is not a whole number; left out")
                return None
            number = int(text)
        if number < 0:
            self.problem(field, f"a negative count ({number}); left out")
            return None
        return number

    def pair(
        self, affected: int | None, at_risk: int | None, field: str
    ) -> tuple[int | None, int | None]:
        """Affected and at risk, both left out when more are affected than at risk."""
        if affected is not None and at_risk is not None and affected > at_risk:
            self.problem(
                field,
                f"{affected} participants affected of {at_risk} at risk; both left out",
            )
            return None, None
        return affected, at_risk

    def group(self, group_id: str | None, groups: set[str], field: str) -> bool:
        """Whether the record defines the group a value is for; a value for another is named."""
        if group_id is not None and group_id in groups:
            return True
        self.problem(
            field,
            f"a value for group {group_id!r}, which the record does not define; left out"
            if group_id
            else "a value that names no group; left out",
        )
        return False
