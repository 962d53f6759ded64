"""Trial pages of trials.co ("About this trial", "Sites / Locations", "Arms of the Study").

The layout: the trial's title; a line of its conditions; labelled rows (Status,
Phase, Study Type, Intervention, Sponsored by); a sentence "This is an
interventional treatment trial for X focused on measuring k1, k2"; one line of
ages, sex and healthy volunteers; the criteria; sites; and the arms as a
transposed table (Arm 1, Arm 2, then Arm Type, Arm Label, Arm Description, each
with one value per arm). The page never prints the NCT id: it comes from the
file name.

The conditions line joins conditions with commas, and conditions hold commas
themselves ("Myelogenous Leukemia, Chronic"). The sentence names the first
condition whole, so the line starts with it. The rest is read only where every
comma is told apart (see ``_listed_after``); otherwise it is left unread.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trialkg.model import (
    Arm,
    Eligibility,
    Intervention,
    Outcome,
    Purpose,
    Site,
    Source,
    StudyType,
    Trial,
)
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.labels import (
    SECTION,
    Labelled,
    Line,
    belongs_elsewhere,
    count_label_lines,
    is_cut,
    label_map,
    organisation,
    page_lines,
    resolve_nct_id,
    unique,
)
from trialkg.readers.page_eligibility import (
    ages,
    criteria,
    healthy_volunteers,
    sex,
)
from trialkg.values import (
    arm_type_value,
    phase_values,
    purpose_value,
    status_value,
    study_type_value,
)

NAME = "trials-co"
SITE = "trials.co"

_LABELS = label_map(
    {
        "purpose_heading": ("Primary Purpose",),
        "status": ("Status",),
        "phase": ("Phase",),
        "region": ("Locations",),
        "study_type": ("Study Type",),
        "interventions": ("Intervention",),
        "sponsor": ("Sponsored by",),
        "about": ("About this trial",),
        "eligibility": ("Eligibility Criteria",),
        "criteria_head": (
            "Inclusion Criteria",
            "Exclusion Criteria",
            "Key Inclusion Criteria",
            "Key Exclusion Criteria",
        ),
        "sites": ("Sites / Locations",),
        "arms": ("Arms of the Study",),
        "outcomes": ("Outcomes",),
        "primary_outcomes": ("Primary Outcome Measures",),
        SECTION: ("About", "Eligibility", "Arms", "Full info", "search", "Back to results"),
    }
)


def detect(head: str) -> bool:
    if belongs_elsewhere(head) or "About this trial" not in head:
        return False
    return count_label_lines(head, ("Sponsored by", "Sites / Locations", "Arms of the Study")) >= 1


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    lines = page_lines(text)
    found = Labelled(lines, _LABELS, inline=False)
    nct_id, from_name = resolve_nct_id(text, document.name, ())
    about = _about(found.first("about"))
    eligibility = _eligibility(found)
    yield Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=document.name,
            partial=is_cut(text),
            nct_id_from_filename=from_name,
            site=SITE,
        ),
        brief_title=_title(lines, found),
        overall_status=status_value(found.first("status")),
        study_type=study_type_value(found.first("study_type")) or about.study_type,
        phases=phase_values(found.first("phase")),
        primary_purpose=about.purpose,
        conditions=_conditions(lines, found, about.condition),
        keywords=about.keywords,
        lead_sponsor=organisation(found.first("sponsor")),
        interventions=tuple(Intervention(name) for name in unique(found.block("interventions"))),
        arms=_arms(found.block("arms")),
        outcomes=tuple(Outcome("PRIMARY", m) for m in found.block("primary_outcomes")[:1]),
        eligibility=eligibility,
        sites=tuple(Site(facility=name) for name in found.block("sites") if len(name) < 200),
    )


_CHROME = {"search", "back to results"}


def _title(lines: list[Line], found: Labelled) -> str | None:
    """The first line of the page that is neither navigation nor a label."""
    labelled = {hit.index for hit in found.hits}
    for index, line in enumerate(lines[:50]):
        if not line.text or line.text.lower() in _CHROME:
            continue
        return None if index in labelled else line.text
    return None


class _About:
    def __init__(self) -> None:
        self.study_type: StudyType | None = None
        self.purpose: Purpose | None = None
        self.condition: str | None = None
        self.keywords: tuple[str, ...] = ()


_SENTENCE = re.compile(r"^This is an? (\w+(?: access)?) (.*)$")


def _about(sentence: str | None) -> _About:
    """ "This is an interventional treatment trial for X focused on measuring k1, k2"."""
    about = _About()
    if sentence is None or not (m := _SENTENCE.match(sentence[:5000])):
        return about
    about.study_type = study_type_value(m.group(1))
    rest = m.group(2)
    at = rest.find("trial for ")
    if at < 0:
        return about
    about.purpose = purpose_value(rest[:at].strip()) if rest[:at].strip() else None
    subject = rest[at + len("trial for ") :]
    focus = subject.find(" focused on measuring ")
    if focus >= 0:
        words = subject[focus + len(" focused on measuring ") :]
        about.keywords = unique(word.strip() for word in words.split(","))
        subject = subject[:focus]
    about.condition = subject.strip() or None
    return about


def _conditions(lines: list[Line], found: Labelled, named: str | None) -> tuple[str, ...]:
    if named is None:
        return ()
    listed = found.first("purpose_heading")
    if listed is None:
        # The compact page puts the conditions line right under the title.
        texts = [line.text for line in lines[:50] if line.text and line.text.lower() not in _CHROME]
        listed = texts[1] if len(texts) > 1 else None
    if not listed or not listed.startswith(named):
        return (named,)
    rest = listed[len(named) :]
    if rest and not rest.startswith(","):
        return (named,)  # the line's first condition goes on past the named one
    return unique([named, *_listed_after(named, rest[1:].strip())])


def _listed_after(named: str, rest: str) -> list[str]:
    """The conditions after the first on the line, or none when a comma cannot be told apart.

    A condition is not listed twice, so a piece that repeats the first condition
    or an earlier piece heads a MeSH-style inverted name with the piece after it
    ("Depression, Depressive Disorder, Depression, Postpartum": the second
    "Depression" heads "Depression, Postpartum"). Hence a comma before such a
    piece ends a condition and a comma after it is inside one. Any other comma
    could be either ("Heart Failure, Systolic, Hypertension"), and then the rest
    of the line is left unread rather than split at a guess; so is a repeated
    piece with nothing after it, or two in a row.
    """
    if not rest:
        return []
    pieces = [piece.strip() for piece in rest.split(",")]
    if len(pieces) == 1:
        return pieces
    seen = {named.casefold()}
    heads = []
    for piece in pieces:
        heads.append(piece.casefold() in seen)
        seen.add(piece.casefold())
    if heads[-1] or not all(pieces):
        return []
    conditions: list[str] = []
    at = 0
    while at < len(pieces):
        if heads[at]:
            if heads[at + 1]:
                return []  # this comma is both after and before a repeated piece
            conditions.append(f"{pieces[at]}, {pieces[at + 1]}")
            at += 2
        else:
            conditions.append(pieces[at])
            at += 1
        if at < len(pieces) and not heads[at]:
            return []  # this comma is neither before nor after a repeated piece
    return conditions


_AGE_SEX_HV = re.compile(
    r"^(.*?)(All Sexes|Female|Male)?"
    r"(Accepts Healthy Volunteers|Does not accept healthy volunteers)?$",
    re.IGNORECASE,
)


def _eligibility(found: Labelled) -> Eligibility | None:
    summary = found.first("eligibility") or ""
    limits, sex_text, healthy = "", None, None
    if summary and not summary.lower().startswith(("inclusion", "key inclusion")):
        m = _AGE_SEX_HV.match(summary[:300])
        if m:
            limits, sex_text, healthy = m.group(1), m.group(2), m.group(3)
    heads = sorted(
        (hit.index, [f"{hit.label}:", *values])
        for hit, values in found.blocks("criteria_head", raw=True)
    )
    text, inclusion, exclusion = criteria(line for _i, block in heads for line in block)
    age_limits = ages(limits)
    eligibility = Eligibility(
        criteria_text=text,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=age_limits.minimum,
        maximum_age=age_limits.maximum,
        sex=sex(sex_text),
        healthy_volunteers=healthy_volunteers(healthy),
        std_ages=age_limits.std_ages,
    )
    return None if eligibility == Eligibility() else eligibility


_ARM_NUMBER = re.compile(r"^Arm \d{1,3}$")
_ROWS = {"arm type": "type", "arm label": "label", "arm description": "description"}


def _arms(values: list[str]) -> tuple[Arm, ...]:
    """The transposed arms table: "Arm 1", "Arm 2", then each row's values, one per arm."""
    count = 0
    while count < len(values) and _ARM_NUMBER.match(values[count]):
        count += 1
    rows: dict[str, list[str]] = {}
    position = count
    while count and position < len(values):
        row = _ROWS.get(values[position].lower())
        if row is None:
            break
        cells = values[position + 1 : position + 1 + count]
        if len(cells) < count or any(cell.lower() in _ROWS for cell in cells):
            break  # the page stops inside this row
        rows[row] = cells
        position += 1 + count
    labels = rows.get("label")
    if not labels:
        return ()
    types = rows.get("type", [""] * count)
    descriptions = rows.get("description", [""] * count)
    return tuple(
        Arm(label, arm_type_value(kind), description or None)
        for label, kind, description in zip(labels, types, descriptions, strict=True)
    )


READER = Reader(
    name=NAME,
    description="trials.co trial pages (title, status, phase, criteria, sites, arms table)",
    detect=detect,
    read=read,
)
