"""What the general page reader makes of a labelled block: lists, people, arms, eligibility.

Each function takes the page's label hits and returns model values. Only the
page's head (``head``) is read without labels: there the place of a line says
what it is (the title, the conditions under the title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from trialkg.countries import is_country_name
from trialkg.model import (
    INTERVENTION_TYPES,
    Arm,
    Eligibility,
    Intervention,
    InterventionType,
    Official,
    Organisation,
    Outcome,
    OutcomeKind,
    Site,
)
from trialkg.readers.labels import (
    SECTION,
    Labelled,
    Line,
    intervention,
    organisation,
    paragraphs,
    unique,
)
from trialkg.readers.page_eligibility import (
    ages,
    criteria,
    healthy_volunteers,
    sex,
    single_age,
)
from trialkg.text import NCT_ID
from trialkg.values import (
    arm_type_value,
    intervention_type_value,
    phase_values,
    sex_value,
    status_value,
    study_type_value,
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
    """Every "Condition(s):" block's items; a line too long for one condition is a list
    when it splits into short items, and prose (where the list ends) when it does not."""
    items: list[str] = []
    for _hit, values in found.blocks("conditions"):
        for value in values[:60]:
            parts = [p.strip() for p in re.split(r"\s+\u00b7\s+|;\s*", value) if p.strip()]
            if any(len(part) > _CONDITION_CHARS for part in parts):
                parts = [p.strip() for p in value.split(", ") if p.strip()]
            if any(_is_prose(part) for part in parts):
                break
            items.extend(parts)
    return unique(items[:_MOST_CONDITIONS])


_CONDITION_CHARS = 150
_MOST_CONDITIONS = 200


def _is_prose(part: str) -> bool:
    """Words no condition name runs to: a sentence, or a paragraph's clause."""
    words = len(part.split())
    return len(part) > _CONDITION_CHARS or words > 12 or (part.endswith(".") and words > 3)


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
        pending: InterventionType | None = None
        described = False  # the last item was typed by a line of its own: a description may follow
        for value in _short_items(values, 2000)[:60]:
            registry_type = intervention_type_value(value) if value in INTERVENTION_TYPES else None
            if registry_type is not None:
                pending, described = registry_type, False  # "DRUG", the registry's spelling, alone
                continue
            kind = intervention(value.rstrip(":") + ": x") if value.endswith(":") else None
            if kind is not None and kind.type is not None:
                pending = kind.type  # "Biological:" on its own line types the next name
                continue
            if described and not value.endswith(":") and intervention(value) is not None:
                typed = intervention(value)
                if typed is not None and typed.type is None:
                    # Under a name typed by a line of its own ("DRUG", then the name), the
                    # next untyped line is its description, never another intervention.
                    items[-1] = replace(items[-1], description=value)
                    described = False
                    continue
            described = False
            if len(value) > 150:
                break  # a paragraph ends the list
            for part in value.split("; "):
                item = intervention(part)
                if item is not None:
                    items.append(Intervention(item.name, item.type or pending))
            described = pending is not None and len(items) > 0
            pending = None
    items.extend(item for line in lines if (item := _typed_intervention(line.text)) is not None)
    chosen: dict[str, Intervention] = {}
    for item in items:
        key = item.name.lower()
        if key not in chosen or (chosen[key].type is None and item.type is not None):
            chosen[key] = item
    return tuple(chosen.values())


# --- outcomes, eligibility, sites -------------------------------------------------------------


_OUTCOME_FIELDS: tuple[tuple[str, OutcomeKind], ...] = (
    ("primary_outcomes", "PRIMARY"),
    ("secondary_outcomes", "SECONDARY"),
)


def outcomes(found: Labelled) -> tuple[Outcome, ...]:
    outcomes: list[Outcome] = []
    for field, kind in _OUTCOME_FIELDS:
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
        # "Eligibility Inclusion Criteria:": a heading written as the eligibility label's value.
        heads = sorted(
            heads
            + [
                (hit.index, values)
                for hit, values in found.blocks("eligibility", raw=True)
                if values and _CRITERIA_HEAD.match(values[0])
            ]
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


_CRITERIA_HEAD = re.compile(r"^(?:inclusion|exclusion) criteria\b", re.IGNORECASE)
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
    return tuple(sites) or _countries(found)


def _countries(found: Labelled) -> tuple[Site, ...]:
    """The countries a page lists, one site each, when it names no sites: a place, no more.
    Every value must name a country, or the block is something else (an address)."""
    names = [
        name.strip()
        for values in (v for _hit, v in found.blocks("countries"))
        for value in _short_items(values, 200)
        for name in re.split(r"[;,]", value)
    ]
    names = [name for name in dict.fromkeys(names) if name]
    if not all(is_country_name(name) for name in names):
        return ()
    return tuple(Site(country=name) for name in names)


# --- the page's head --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Head:
    """What the lines above the page's first label state by their place alone."""

    title: str | None = None
    conditions: tuple[str, ...] = ()


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A title sits among the first few lines; further down, a line is body text.
_HEAD_LINES = 8
# Registry titles write these short words in lower case; any other word of four
# letters or more in lower case marks a sentence or a site's own headline.
_LOWER_WORDS = _word_set(
    """
    with from into than that this versus after before during without between among over
    under through upon within onto when where which whom whose their them they these
    those other such
    """
)
# One of these joins the words of 98% of the corpus's registry titles; a site's name
# ("Memorial Sloan Kettering Cancer Center") has none.
_JOINING_WORDS = _word_set(
    """
    in of for with to and or versus vs vs. on after as by from among during without into
    before at plus the a an
    """
)
# The last word of an organisation's or a listing's name, not of a trial's title.
_NAME_ENDS = _word_set(
    """
    trials studies center centre hospital hospitals institute university clinic clinics
    medicine foundation society inc inc. ltd ltd. llc network
    """
)
# A heading made of these words alone is the site's ("Find a Clinical Trial"), not a title.
_SITE_WORDS = _word_set(
    """
    a an the and of in for to on at by our your us this all more now find search back home
    menu view see show learn join apply enroll participate contact about overview details
    information list listing listings results page current open clinical trial trials
    study studies research patient patients
    """
)
_NOT_IN_TITLES = ("\u00b7", "|", "\u2022", " > ", "\u00bb", "http", "www.", "@", "\u00a9")
_WORD_CHARS = re.compile(r"[^\W\d_]+")


def head(found: Labelled, lines: list[Line]) -> Head:
    """The title and the conditions line above the first label.

    The head ends at the first label or the first line naming an NCT id. Its
    first line of three words or more is the title when it reads like a registry
    title; a site's own headline, a sentence, a site name or navigation do not,
    and then the page states no title here.
    """
    # A page that opens with a heading of no value ("Overview") has its head under it.
    hits, start = found.hits, 0
    while hits and hits[0].field == SECTION:
        if any(line.text for line in lines[start : hits[0].index]):
            break
        start, hits = hits[0].index + 1, hits[1:]
    end = hits[0].index if hits else len(lines)
    zone: list[str] = []
    for line in lines[start:end]:
        if NCT_ID.search(line.text) or len(zone) == _HEAD_LINES:
            break
        if line.text and not line.bullet:
            zone.append(line.text)
    at = next((i for i, text in enumerate(zone) if len(text.split()) >= 3), None)
    if at is None or not _reads_as_title(zone[at]):
        return Head()
    rest = zone[at + 1 :]
    # A logo under the title ("Amgen logo", then "Amgen") names the funder's brand, which is
    # not the registry's name of the lead sponsor ("Amgen Research (Munich) GmbH"): no sponsor.
    return Head(zone[at], _conditions_line(rest[0] if rest else ""))


def _reads_as_title(text: str) -> bool:
    """Whether a heading reads like a registry title (164 of the corpus's 172 brief titles do).

    Title Case, a joining word, not the end of an organisation's or a listing's
    name, not site words alone: a sentence, a plain-language headline, a site's
    name and its navigation fail.
    """
    words = text.split()
    if len(text) > 300 or text[-1] in ",;:!?" or any(mark in text for mark in _NOT_IN_TITLES):
        return False
    if status_value(text) is not None or words[-1].lower() in _NAME_ENDS:
        return False
    bare = [w.strip("()[]\"'\u201c\u201d\u2018\u2019,;:") for w in words]
    if not any(w.lower() in _JOINING_WORDS for w in bare):
        return False
    if any(re.search(r"\b(?:trials|studies)\b", w, re.IGNORECASE) for w in bare):
        return False  # a listing ("Clinical Trials for Lung Cancer"), not one trial
    if all(w.lower() in _SITE_WORDS for w in bare):
        return False
    for word in bare:
        # The letters before a hyphen or digit: "open-label" is "open"; "axSpA" is a symbol.
        letters = _WORD_CHARS.match(word)
        lead = letters.group() if letters else ""
        if lead.islower() and len(lead) >= 4 and lead not in _LOWER_WORDS and word.islower():
            return False
    return True


def _conditions_line(text: str) -> tuple[str, ...]:
    """A "·"-separated line right under the title ("Depression · Mood Disorders"): conditions.

    A line of other badges (a status, a phase, a sex, an age, "Drug") is not one.
    """
    items = [item.strip() for item in text.split(" \u00b7 ")]
    if len(items) < 2 or len(text) > 600:
        return ()
    for item in items:
        if (
            not item
            or not item[0].isupper()
            or len(item.split()) > 10
            or any(c.isdigit() or c in ":|/" for c in item)
            or status_value(item)
            or phase_values(item)
            or study_type_value(item)
            or intervention_type_value(item)
            or sex_value(item)
        ):
            return ()
    return unique(items)


# --- a table of sites -------------------------------------------------------------------------

_NAME_HEADS = frozenset({"name", "facility", "site", "site name", "institution"})
_PLACE_HEADS = frozenset({"location", "city", "address"})
_CITY = re.compile(r"[A-Za-z][A-Za-z .'-]*")
_STATE = re.compile(r"[A-Za-z][A-Za-z .]*")
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")


def _us_place(facility: str, place: str) -> Site:
    """A facility and "Birmingham, Alabama 35294-3300"; a place written otherwise is left out."""
    city, _comma, rest = place.rpartition(",")
    state, _space, zip_code = rest.strip().rpartition(" ")
    city, state = city.strip(), state.strip()
    if _CITY.fullmatch(city) and _STATE.fullmatch(state) and _ZIP.fullmatch(zip_code):
        return Site(facility, city, state, zip_code)
    return Site(facility)


def table_sites(lines: list[Line]) -> tuple[Site, ...]:
    """The rows of a two-column table headed "Name | Location": a facility and its place.

    The header labels each column; a place is split into city, state and zip code
    only when it is written "Birmingham, Alabama 35294-3300".
    """
    for index, line in enumerate(lines):
        if "|" not in line.text or len(line.text) > 100:
            continue
        heads = [cell.strip().lower() for cell in line.text.split("|")]
        if len(heads) != 2 or heads[0] not in _NAME_HEADS or heads[1] not in _PLACE_HEADS:
            continue
        sites: list[Site] = []
        for row in lines[index + 1 : index + 502]:
            if not row.text:
                continue  # the rule under the header, or a gap between rows
            cells = [cell.strip() for cell in row.text.split("|")]
            if len(cells) != 2 or not cells[0] or len(row.text) > 300:
                break
            sites.append(_us_place(cells[0], cells[1]))
        return tuple(sites)
    return ()
