"""trials.co: the conditions line, whose conditions hold commas of their own.

Issue "every shape a trial record comes in": the page NCT03228394 lists
"Depression, Depressive Disorder, Depression, Postpartum" and the graph had
only "Depression".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trialkg.model import Trial
from trialkg.readers import Document, get_reader, read_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE = FIXTURES / "third_party" / "trials.co" / "NCT03228394.txt"
LINE = b"Depression, Depressive Disorder, Depression, Postpartum"


def _read(data: bytes, name: str = "NCT03228394.txt") -> Trial:
    (trial,) = get_reader("trials-co").read(Document(name, data))
    assert isinstance(trial, Trial), trial
    return trial


def test_the_conditions_line_gives_each_condition_with_its_own_comma() -> None:
    trial = _read(PAGE.read_bytes())
    assert trial.conditions == ("Depression", "Depressive Disorder", "Depression, Postpartum")
    # Each is a condition the registry record lists, none half of one.
    (record,) = read_paths([FIXTURES / "third_party_records" / "NCT03228394.xml"])
    assert isinstance(record, Trial)
    assert record.conditions[:3] == trial.conditions


def test_a_condition_named_whole_by_the_sentence_keeps_its_comma() -> None:
    (trial,) = read_paths([FIXTURES / "third_party" / "trials.co" / "NCT00471497.txt"])
    assert isinstance(trial, Trial)
    assert trial.conditions == ("Myelogenous Leukemia, Chronic",)


@pytest.mark.parametrize(
    ("line", "conditions"),
    [
        # Two conditions, no comma in the second.
        (b"Depression, Anxiety", ("Depression", "Anxiety")),
        # A repeated head: "Leukemia, Myeloid" is one condition.
        (
            b"Depression, Leukemia, Leukemia, Myeloid",
            ("Depression", "Leukemia", "Leukemia, Myeloid"),
        ),
        (b"Depression, Depression, Postpartum", ("Depression", "Depression, Postpartum")),
        # A comma that could end a condition or be inside one: the rest is left unread.
        (b"Depression, Heart Failure, Systolic", ("Depression",)),
        (b"Depression, Depression, Postpartum, Anxiety", ("Depression",)),
        (b"Depression, Depressive Disorder, Depression", ("Depression",)),
        (b"Depression, Anxiety, Depression, Depression, Postpartum", ("Depression",)),
        # The line goes on past the named condition within one word: only the named one.
        (b"Depressions, Anxiety", ("Depression",)),
    ],
)
def test_a_comma_is_read_only_where_it_can_be_told_apart(
    line: bytes, conditions: tuple[str, ...]
) -> None:
    page = PAGE.read_bytes()
    assert LINE in page
    assert _read(page.replace(LINE, line)).conditions == conditions
