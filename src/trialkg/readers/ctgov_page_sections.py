"""The sections of a ClinicalTrials.gov page saved as text: tables, arms, outcomes, criteria.

Each reader here takes the page's lines (see ``pagetext.page_lines``) and finds
its own section by heading, so it works on every layout that names the section
the same way. Tables come in two shapes: cells kept apart by ``|``, or cells
run together, one value per line (or, for one-line rows, with spaces).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from trialkg.model import Arm, ArmType, Intervention, Outcome, OutcomeKind, Phase
from trialkg.readers.pagetext import (
    cells,
    has_bullet,
    measure_and_time_frame,
    names,
    next_filled,
    paragraphs,
    unbullet,
    unnumber,
)
from trialkg.values import arm_type_value, intervention_type_value, phase_values

HEADINGS = names(
    "Study Details|Study Description|Brief Summary|Purpose|Detailed Description|"
    "Study Design|Arms and Interventions|Outcome Measures|Eligibility Criteria|"
    "Eligibility|Criteria|Contacts and Locations|Contacts|Locations|"
    "Sponsors and Collaborators|Investigators|More Information|Publications|"
    "Publications of Results|Study Documents (Full-Text)|Study Results|Tabular View|"
    "Participant Flow|Hide Participant Flow|Recruitment Details|Pre-Assignment Details|"
    "Reporting Groups|Baseline Characteristics|Adverse Events|Limitations and Caveats|"
    "Resource links provided by NLM|"
    "Resource links provided by the National Library of Medicine|Study Overview|"
    "Participation Criteria|Study Plan|Design Details|Collaborators and Investigators|"
    "Study Record Dates|Disclaimer|How to Read a Study Record|Study Documents"
)
_RESULTS_HEADINGS = names(
    "Participant Flow|Hide Participant Flow|Recruitment Details|Pre-Assignment Details|"
    "Reporting Groups|Baseline Characteristics|Adverse Events|Limitations and Caveats"
)
_OUTCOME_HEAD = re.compile(r"^(Primary|Secondary|Other(?: Pre-specified)?) Outcome Measures?\s*:?$")


def is_heading(line: str) -> bool:
    bare = unbullet(line).strip().rstrip(":").strip()
    return (
        bare in HEADINGS
        or bare.startswith(("Further study details as provided by", "Layout table for"))
        or bool(_OUTCOME_HEAD.match(bare))
    )


def _protocol_end(lines: Sequence[str]) -> int:
    """Where a results page's results part starts (the end of the page otherwise)."""
    for index, line in enumerate(lines):
        if unbullet(line).strip() in _RESULTS_HEADINGS:
            return index
    return len(lines)


# --- interventions as the tables write them -------------------------------------------------

_IV_TYPES = (
    r"Drug|Device|Biological|Procedure/Surgery|Procedure|Radiation|Behavioral|Genetic|"
    r"Dietary Supplement|Combination Product|Diagnostic Test|Other"
)
_IV_LINE = re.compile(rf"^({_IV_TYPES})\s*:\s*(\S.*)$")
_IV_START = re.compile(rf"(?:^|(?<=\s))(?:{_IV_TYPES}):\s")
_ARM_LINE = re.compile(
    r"^(Experimental|Active Comparator|Placebo Comparator|Sham Comparator|No Intervention|Other)"
    r"\s*:\s*(\S.*)$"
)
_PHASE = r"Early Phase 1|Phase [1-4](?:/[1-4])?(?: ?[/,]? ?Phase [1-4])?|Not Applicable|N/A"
_PHASE_ONLY = re.compile(rf"^(?:{_PHASE})$")
_PHASE_TAIL = re.compile(rf"(?:^|\s)((?:{_PHASE}))$")


def split_interventions(text: str) -> list[str]:
    """``Drug: Sunitinib Procedure: Surgery`` as its two interventions."""
    starts = [m.start() for m in _IV_START.finditer(text)]
    if not starts:
        return [text.strip()] if text.strip() else []
    return [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


@dataclass
class ConditionsTable:
    conditions: list[str] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    phases: tuple[Phase, ...] = ()


_CONDITIONS_HEADER = re.compile(
    r"^Conditions?(?: or [Dd]isease)?\s*\|?\s*Interventions?(?:\s*/\s*[Tt]reatment)?"
    r"(?:\s*\|?\s*Phases?)?\s*\|?$"
)


# A row whose first cell is a label ("Study Type : | Interventional |"): another table.
_LABEL_ROW = re.compile(r"^\s*\|?\s*[A-Z][^|:]{0,60}:\s*\|")


def conditions_table(lines: Sequence[str]) -> ConditionsTable:
    """The ``Condition or disease | Intervention/treatment | Phase`` table, in any shape."""
    table = ConditionsTable()
    start = next((i for i, line in enumerate(lines) if _CONDITIONS_HEADER.match(line)), None)
    if start is None:
        return table
    body: list[str] = []
    for line in lines[start + 1 :]:
        if not line:
            if body:
                break
            continue
        if is_heading(line) or _LABEL_ROW.match(line):
            break  # a heading, or the label/value rows of the design table that follows
        body.append(line)
    phases: list[Phase] = []
    if "|" in lines[start]:
        header = [cell.lower() for cell in cells(lines[start])]
        for row in _rows(body):
            for name, cell in zip(header, row, strict=False):
                values = [unbullet(v) for v in cell.split("\n") if v.strip()]
                if name.startswith("condition"):
                    table.conditions.extend(values)
                elif name.startswith("intervention"):
                    table.interventions.extend(iv for v in values for iv in split_interventions(v))
                elif name.startswith("phase"):
                    phases.extend(p for v in values for p in phase_values(v))
        table.phases = tuple(dict.fromkeys(phases))
        return table
    for raw in body:
        line = unbullet(raw)
        if _PHASE_ONLY.match(line):
            phases.extend(phase_values(line))
            continue
        tail = _PHASE_TAIL.search(line)
        if tail and _PHASE_ONLY.match(tail.group(1)) and tail.start(1) > 0:
            phases.extend(phase_values(tail.group(1)))
            line = line[: tail.start(1)].strip()
        first = _IV_START.search(line)
        condition = line[: first.start()].strip() if first else line
        if condition:
            table.conditions.append(condition)
        if first:
            table.interventions.extend(split_interventions(line[first.start() :]))
    table.phases = tuple(dict.fromkeys(phases))
    return table


def _rows(body: Sequence[str]) -> list[list[str]]:
    """Rows of a pipe table whose cells may run over several lines.

    A line that ends with a pipe ends its row, except a pipe alone on its line: that one
    closes a cell of several lines ("Experimental: A", its description, "|", then the
    cell of interventions, which ends the row).
    """
    rows: list[list[str]] = []
    pending: list[str] = []
    for line in body:
        pending.append(line)
        if line.rstrip().endswith("|") and line.strip() != "|":
            rows.append(cells("\n".join(pending)))
            pending = []
    if pending:
        rows.append(cells("\n".join(pending)))
    return rows


def section(lines: Sequence[str], heading: str) -> list[str]:
    """The lines under a heading, up to the next heading."""
    start = next((i for i, line in enumerate(lines) if unbullet(line).rstrip(":") == heading), None)
    if start is None:
        return []
    body: list[str] = []
    for line in lines[start + 1 : _protocol_end(lines)]:
        if line and is_heading(line):
            break
        body.append(line)
    return body


# --- arms and interventions -----------------------------------------------------------------


@dataclass
class _InterventionDraft:
    type_text: str | None
    name: str
    description: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)

    @property
    def display(self) -> str:
        return f"{self.type_text}: {self.name}" if self.type_text else self.name


@dataclass
class _ArmDraft:
    label: str
    type: ArmType | None
    description: list[str] = field(default_factory=list)
    interventions: list[_InterventionDraft] = field(default_factory=list)


_ARMS_HEADER = re.compile(
    r"^(?:Arms?|Participant Group/Arm)\s*\|?\s*"
    r"(?:Intervention/[Tt]reatment|Assigned Interventions?)\s*\|?$"
)
_OTHER_NAMES = re.compile(r"^Other Names?:\s*(.*)$")


def arms_and_interventions(
    lines: Sequence[str], *, extra: Sequence[str] = ()
) -> tuple[list[Arm], list[Intervention]]:
    """Arms with the interventions each lists, and every intervention once with its arms."""
    start = next((i for i, line in enumerate(lines) if _ARMS_HEADER.match(line)), None)
    if start is None:
        start = next(
            (i for i, line in enumerate(lines) if unbullet(line) == "Arms and Interventions"), None
        )
    drafts: list[_ArmDraft] = []
    if start is not None:
        body: list[str] = []
        for line in lines[start + 1 : _protocol_end(lines)]:
            if line and is_heading(line):
                break
            body.append(line)
        drafts = _piped_arms(body) if "|" in lines[start] else _listed_arms(body)
    return _assemble(drafts, extra)


def _piped_arms(body: Sequence[str]) -> list[_ArmDraft]:
    arms: list[_ArmDraft] = []
    for row in _rows([line for line in body if line]):
        arm_lines = [v.strip() for v in row[0].split("\n") if v.strip()] if row else []
        if not arm_lines:
            continue
        arm = _new_arm(unbullet(arm_lines[0]))
        arm.description = arm_lines[1:]
        iv_lines = [v.strip() for v in row[1].split("\n")] if len(row) > 1 else []
        arm.interventions = _interventions_of(iv_lines)
        arms.append(arm)
    return arms


def _new_arm(text: str) -> _ArmDraft:
    match = _ARM_LINE.match(text)
    if match:
        return _ArmDraft(match.group(2).strip(), arm_type_value(match.group(1)))
    return _ArmDraft(text, None)


def _interventions_of(lines: Sequence[str]) -> list[_InterventionDraft]:
    found: list[_InterventionDraft] = []
    naming = False
    for raw in lines:
        if not raw:
            naming = False
            continue
        text = unbullet(raw)
        if (m := _IV_LINE.match(text)) and not (
            naming and has_bullet(raw) and m.group(1) == "Other"
        ):
            found.append(_InterventionDraft(m.group(1), m.group(2).strip()))
            naming = False
        elif (names := _OTHER_NAMES.match(text)) and found:
            naming = True
            if names.group(1).strip():
                found[-1].other_names.append(names.group(1).strip())
        elif found and naming:
            found[-1].other_names.append(text)
        elif found:
            found[-1].description.append(text)
    return found


def _listed_arms(body: Sequence[str]) -> list[_ArmDraft]:
    """Arms from a table flattened to one value per line.

    A label is followed by a blank line and its description; an intervention
    line ("Drug: X") directly by its description and its "Other Names:". The
    line after the last other name may be the next arm or intervention, shown
    as one more bullet: it is one when it names a type, or (for arms without a
    type, as observational studies have) when a blank line follows it. For
    such untyped arms, a second paragraph of an intervention's description
    cannot be told from the next arm's label.
    """
    arms: list[_ArmDraft] = []
    untyped: bool | None = None
    mode = "start"
    count = len(body)
    for index, raw in enumerate(body):
        if not raw:
            if mode == "names":
                mode = "after_names"
            continue
        text = unbullet(raw)
        prev_blank = index > 0 and not body[index - 1]
        next_blank = index + 1 < count and not body[index + 1]
        more = next_filled(body, index + 1) is not None
        arm_match = _ARM_LINE.match(text)
        iv_match = _IV_LINE.match(text)
        if text.startswith("Other:") and arm_match:
            # "Other:" names an arm type and an intervention type alike.
            following = next_filled(body, index + 1)
            after_label = (
                following is not None
                and next_blank
                and not _IV_LINE.match(unbullet(body[following]))
            )
            arm_match = arm_match if (not arms or after_label) else None
            iv_match = None if arm_match else iv_match
        current = arms[-1].interventions[-1] if arms and arms[-1].interventions else None
        names = _OTHER_NAMES.match(text)
        if names and current is not None:
            mode = "names"
            if names.group(1).strip():
                current.other_names.append(names.group(1).strip())
            continue
        new_untyped = untyped is True and next_blank and more
        if mode == "names" and not arm_match and not iv_match and not new_untyped and current:
            current.other_names.append(text)
            continue
        if arm_match:
            arms.append(_ArmDraft(arm_match.group(2).strip(), arm_type_value(arm_match.group(1))))
            untyped = False if untyped is None else untyped
            mode = "arm"
        elif iv_match:
            if not arms:
                arms.append(_ArmDraft("", None))
            arms[-1].interventions.append(
                _InterventionDraft(iv_match.group(1), iv_match.group(2).strip())
            )
            mode = "iv"
        elif (
            not arms
            or (new_untyped and mode != "arm" and prev_blank)
            or (new_untyped and mode == "names")
        ):
            arms.append(_ArmDraft(text, None))
            untyped = True if untyped is None else untyped
            mode = "arm"
        elif mode == "arm":
            if prev_blank and arms[-1].description:
                arms[-1].description.append("")
            arms[-1].description.append(text)
        elif current is not None:
            if prev_blank and current.description:
                current.description.append("")
            current.description.append(text)
    return [arm for arm in arms if arm.label or arm.interventions]


def _assemble(
    drafts: Sequence[_ArmDraft], extra: Sequence[str]
) -> tuple[list[Arm], list[Intervention]]:
    # The same intervention is shown under every arm that lists it; two with one name
    # but different descriptions are two interventions, as the registry keeps them.
    merged: list[_InterventionDraft] = []
    arm_labels: list[list[str]] = []

    def kept_for(iv: _InterventionDraft) -> int:
        kind = intervention_type_value(iv.type_text)
        for index, known in enumerate(merged):
            same = intervention_type_value(known.type_text) == kind and known.name == iv.name
            if same and (
                not known.description or not iv.description or known.description == iv.description
            ):
                return index
        merged.append(_InterventionDraft(iv.type_text, iv.name))
        arm_labels.append([])
        return len(merged) - 1

    arms: list[Arm] = []
    for draft in drafts:
        shown: list[str] = []
        for iv in draft.interventions:
            index = kept_for(iv)
            kept = merged[index]
            if not kept.description and iv.description:
                kept.description = list(iv.description)
            kept.other_names.extend(n for n in iv.other_names if n not in kept.other_names)
            if draft.label and draft.label not in arm_labels[index]:
                arm_labels[index].append(draft.label)
            if iv.display not in shown:
                shown.append(iv.display)
        if draft.label:
            arms.append(Arm(draft.label, draft.type, paragraphs(draft.description), tuple(shown)))
    for text in extra:
        match = _IV_LINE.match(unbullet(text))
        type_text, name = (
            (match.group(1), match.group(2).strip()) if match else (None, unbullet(text))
        )
        if name:
            kept_for(_InterventionDraft(type_text, name))
    return arms, [
        Intervention(
            name=iv.name,
            type=intervention_type_value(iv.type_text),
            description=paragraphs(iv.description),
            other_names=tuple(iv.other_names),
            arm_labels=tuple(labels),
        )
        for iv, labels in zip(merged, arm_labels, strict=True)
    ]


# --- outcomes -------------------------------------------------------------------------------

_KINDS: dict[str, OutcomeKind] = {"Primary": "PRIMARY", "Secondary": "SECONDARY"}


def outcomes(lines: Sequence[str], *, is_label: Callable[[str], bool]) -> list[Outcome]:
    """Outcome measures under "Primary/Secondary/Other Outcome Measures" headings."""
    found: list[Outcome] = []
    end = _protocol_end(lines)
    index = 0
    while index < end:
        head = _OUTCOME_HEAD.match(unbullet(lines[index]).strip())
        index += 1
        if not head:
            continue
        kind = _KINDS.get(head.group(1), "OTHER")
        block: list[str] = []
        while index < end and not (
            lines[index] and (is_heading(lines[index]) or is_label(lines[index]))
        ):
            block.append(lines[index])
            index += 1
        found.extend(_measures(kind, block))
    return found


def _measures(kind: OutcomeKind, block: Sequence[str]) -> list[Outcome]:
    items: list[tuple[str, str | None, list[str]]] = []
    bracketed: bool | None = None
    for raw in block:
        if not raw:
            if items:
                items[-1][2].append("")
            continue
        marked = has_bullet(raw) or unnumber(raw) != raw
        text = unnumber(unbullet(raw)).strip()
        ends_bracket = text.endswith("]") and "[" in text
        starts = (marked or not items or (bracketed and ends_bracket)) and (
            not bracketed or ends_bracket
        )
        if starts:
            measure, time_frame = measure_and_time_frame(text)
            bracketed = ends_bracket if bracketed is None else bracketed
            items.append((measure, time_frame, []))
        elif items:
            items[-1][2].append(text)
    return [
        Outcome(kind, measure, time_frame, paragraphs(desc))
        for measure, time_frame, desc in items
        if measure
    ]
