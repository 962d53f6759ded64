"""Conditions on a page the general reader reads: none of them dropped in silence (issue 18,
case 6)."""

from __future__ import annotations

from trialkg.readers import Document, get_reader


def _conditions(text: str) -> tuple[str, ...]:
    (trial,) = get_reader("page").read(Document("NCT01234567.txt", text.encode()))
    return trial.conditions  # type: ignore[union-attr]


def test_issue18_every_condition_line_is_kept() -> None:
    page = (
        "A study of inhaled things NCT01234567\n"
        "Condition: Asthma\nCondition: COPD\nCondition: Bronchitis\nPhase: Phase 2\n"
    )
    assert _conditions(page) == ("Asthma", "COPD", "Bronchitis")


def test_issue18_a_long_conditions_line_keeps_its_items() -> None:
    items = [f"Chronic Obstructive Pulmonary Disease Type {n}" for n in range(1, 15)]
    page = f"A study NCT01234567\nConditions: {', '.join(items)}\nPhase: Phase 2\n"
    assert len(page.splitlines()[1]) > 150
    assert _conditions(page) == tuple(items)


def test_issue18_a_paragraph_under_conditions_is_not_a_condition() -> None:
    prose = (
        "Patients who have had asthma for more than ten years, and who were treated with "
        "inhaled steroids before, are asked to keep a diary of their symptoms every day."
    )
    page = f"A study NCT01234567\nConditions:\nAsthma\n{prose}\nPhase: Phase 2\n"
    assert _conditions(page) == ("Asthma",)
