"""What the general page reader makes of a labelled block: lists, people, arms, eligibility.

Each function takes the page's label hits and returns model values; none looks
at a value that no label introduces.
"""

from __future__ import annotations

import re

from trialkg.model import (
    Arm,
    Eligibility,
    Intervention,
    Official,
    Organisation,
    Outcome,
    Site,
)
from trialkg.readers.common import arm_type_value
from trialkg.readers.labels import (
    Labelled,
    Line,
    ages,
    criteria,
    healthy_volunteers,
    intervention,
    organisation,
    paragraphs,
    sex,
    single_age,
    unique,
)

# --- text, lists ------------------------------------------------------------------------------


def text(found: Labelled, field: str) -> str | None:
    """A text value; paragraphs stay apart as the page sets them apart."""
    for hit, values in found.blocks(field):
        if hit.inline is not None:
            return "\n".join(values)
        if values:
            return paragraphs(found.block_lines(field))
    return None


def _short_items(values: list[str], limit: int = 150) -> list[str]:
    items: list[str] = []
    for value in values:
        if len(value) > limit:
            break
        items.append(value)
    return items


def conditions(found: Labelled) -> tuple[str, ...]:
    items: list[str] = []
    for value in _short_items(found.block("conditions"))[:60]:
        items.extend(part.strip() for part in re.split(r"\s+\u00b7\s+|;\s*", value))
    return unique(items)


def keywords(found: Labelled) -> tuple[str, ...]:
    items: list[str] = []
    for value in _short_items(found.block("keywords"), 400)[:60]:
        items.extend(part.strip() for part in value.split(","))
    return unique(items)


def sponsor(found: Labelled, lines: list[Line]) -> Organisation | None:
    if sponsor := organisation(found.first("sponsor")):
        return sponsor
    for line in lines:
        # A label inside a line of badges: "Recruiting · Sponsor: AstraZeneca · Source: ...".
        at = line.text.find(" Sponsor: ")
        if at < 0 or len(line.text) > 300:
            continue
        rest = line.text[at + len(" Sponsor: ") :]
        end = re.search(r"\s(?:[\u00b7|]|[A-Z][\w.-]*:)", rest)
        return organisation(rest[: end.start()] if end else rest)
    return None


def collaborators(found: Labelled) -> tuple[Organisation, ...]:
    orgs: list[Organisation] = []
    for value in _short_items(found.block("collaborators"), 600)[:30]:
        if not any(c.isalpha() for c in value) or value.lower() in {"(none)", "none"}:
            break  # the list has ended; what follows is not labelled
        parts = re.split(r"(?<=\)),\s+", value)
        pieces = [organisation(p) for p in parts]
        if len(parts) > 1 and all(p is not None and p.agency_class for p in pieces):
            orgs.extend(p for p in pieces if p is not None)
        elif (org := organisation(value)) is not None:
            orgs.append(org)
    return tuple(dict.fromkeys(orgs))


_ROLES = {
    "principal investigator": "PRINCIPAL_INVESTIGATOR",
    "study chair": "STUDY_CHAIR",
    "study chairs": "STUDY_CHAIR",
    "trial chair": "STUDY_CHAIR",
    "trial chairs": "STUDY_CHAIR",
    "study director": "STUDY_DIRECTOR",
}


def officials(found: Labelled) -> tuple[Official, ...]:
    officials: list[Official] = []
    for hit, values in found.blocks("officials"):
        if not hit.colon:
            continue  # "Principal Investigator" under a name captions the name before it
        role = _ROLES.get(hit.label.lower())
        for value in _short_items(values, 200)[:1]:
            for name in re.split(r"\s+and\s+|;\s*", value):
                if name.strip():
                    officials.append(Official(name.strip(), role))
    return tuple(dict.fromkeys(officials))


# --- arms and interventions -------------------------------------------------------------------

_ARM_LINE = re.compile(
    r"^(Experimental|Active Comparator|Placebo Comparator|Sham Comparator|No Intervention|Other)"
    r":\s*(\S.{0,200})$"
)
_TYPED = re.compile(r"^([A-Z][A-Za-z /]{1,30}):\s*(\S.{0,150})$")


def _typed_intervention(text: str) -> Intervention | None:
    """A line "Drug: Afatinib": the type labels the name."""
    m = _TYPED.match(text)
    if not m or m.group(1).lower() == "other":
        return None
    item = intervention(text)
    return item if item is not None and item.type is not None else None


def arms(found: Labelled) -> tuple[Arm, ...]:
    arms: list[Arm] = []
    for value in found.block("arms")[:200]:
        if m := _ARM_LINE.match(value):
            arms.append(Arm(m.group(2).strip(), arm_type_value(m.group(1))))
        elif arms and (item := _typed_intervention(value)) is not None:
            last = arms[-1]
            name = f"{value.split(':')[0].strip()}: {item.name}"
            arms[-1] = Arm(
                last.label, last.type, last.description, (*last.intervention_names, name)
            )
    return tuple(arms)


def interventions(found: Labelled, lines: list[Line]) -> tuple[Intervention, ...]:
    items: list[Intervention] = []
    for _hit, values in found.blocks("interventions"):
        pending: str | None = None
        for value in _short_items(values)[:60]:
            kind = intervention(value.rstrip(":") + ": x") if value.endswith(":") else None
            if kind is not None and kind.type is not None:
                pending = kind.type  # "Biological:" on its own line types the next name
                continue
            for part in value.split("; "):
                item = intervention(part)
                if item is not None:
                    items.append(Intervention(item.name, item.type or pending))
            pending = None
    items.extend(item for line in lines if (item := _typed_intervention(line.text)) is not None)
    chosen: dict[str, Intervention] = {}
    for item in items:
        key = item.name.lower()
        if key not in chosen or (chosen[key].type is None and item.type is not None):
            chosen[key] = item
    return tuple(chosen.values())


# --- outcomes, eligibility, sites -------------------------------------------------------------


def outcomes(found: Labelled) -> tuple[Outcome, ...]:
    outcomes: list[Outcome] = []
    for field, kind in (("primary_outcomes", "PRIMARY"), ("secondary_outcomes", "SECONDARY")):
        for hit, values in found.blocks(field):
            if hit.inline is not None:
                continue  # "Primary outcome: ... — -13.0; -12.0" is a results line
            for value in _short_items(values, 250)[:40]:
                if value.lower().startswith("time frame:") and outcomes:
                    last = outcomes[-1]
                    frame = value.split(":", 1)[1].strip()
                    outcomes[-1] = Outcome(last.kind, last.measure, frame or None)
                else:
                    outcomes.append(Outcome(kind, value.strip()))
    return tuple(dict.fromkeys(outcomes))


def eligibility(found: Labelled) -> Eligibility | None:
    heads = sorted(
        (hit.index, [f"{hit.label}:", *values])
        for hit, values in found.blocks("criteria_head", raw=True)
    )
    if heads:
        text, inclusion, exclusion = criteria(line for _i, block in heads for line in block)
    else:
        text, inclusion, exclusion = criteria(found.block("eligibility", raw=True))
    age_limits = ages(found.first("ages"))
    minimum = single_age(found.first("min_age")) or age_limits.minimum
    maximum = single_age(found.first("max_age")) or age_limits.maximum
    eligibility = Eligibility(
        criteria_text=text,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=minimum,
        maximum_age=maximum,
        sex=sex(found.first("sex")),
        healthy_volunteers=healthy_volunteers(found.first("healthy")),
        std_ages=age_limits.std_ages,
    )
    return None if eligibility == Eligibility() else eligibility


_US_PLACE = re.compile(r"^([A-Za-z .'-]+),\s*([A-Z]{2})\s+(\d{5}(?:-\d{4})?)$")


def sites(found: Labelled) -> tuple[Site, ...]:
    sites: list[Site] = []
    for _hit, values in found.blocks("sites"):
        values = _short_items(values, 200)[:500]
        place = next((m for v in values[:4] if (m := _US_PLACE.match(v))), None)
        if place is not None and values:
            # An address block: the facility, its street, "City, ST 12345".
            sites.append(Site(values[0], place.group(1).strip(), place.group(2), place.group(3)))
        elif values and all(not any(c.isdigit() for c in v[:1]) for v in values):
            sites.extend(Site(facility=v) for v in values)
    return tuple(sites)
