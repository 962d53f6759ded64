"""Shapes of page text the engine reads besides labels: a locations tree, a head whose
lines a layout profile names by their place around one anchor line, an arms table whose
cells stand on lines of their own, and list items run together on one line.

Both read only what their shape makes certain. A tree gives sites only when a place
line ("City, Country, Postal code") has a facility one level deeper under it; a head
gives its fields only when its anchor line is there, and a line that is not where the
layout puts it is not read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from trialkg.countries import country_code
from trialkg.model import Arm, Intervention, Organisation, Phase, Site, Status, StudyType
from trialkg.readers.labels import (
    MAX_LINES,
    Labelled,
    Line,
    intervention,
    label_key,
    looks_cut,
    paragraphs,
    unique,
)
from trialkg.values import arm_type_value, phase_values, status_value, study_type_value

# --- a locations tree ---------------------------------------------------------------------------

Place = tuple[str | None, str | None, str | None, str | None]  # city, state, country, postal


def _place(text: str) -> Place:
    """ "Edegem, Antwerpen, Belgium, 2650": city, state, country, postal code."""
    parts = [part.strip() for part in text.split(",")]
    postal = parts.pop() if len(parts) > 1 and any(c.isdigit() for c in parts[-1]) else None
    if len(parts) == 1:
        return parts[0], None, None, postal
    city, country = parts[0], parts[-1]
    state = ", ".join(parts[1:-1]) or None
    return city, state, country, postal


def tree_sites(block: Sequence[Line]) -> tuple[Site, ...]:
    """Sites from a bulleted tree: a place line with a comma, and each facility one level
    deeper under it. Region headings without a facility under them give nothing."""
    sites: list[Site] = []
    place: Place | None = None
    place_indent = -1
    for line in block[:5000]:
        if not line.text or not line.bullet:
            continue
        if place is not None and line.indent > place_indent:
            city, state, country, postal = place
            sites.append(Site(line.text, city, state, postal, country))
            continue
        place = _place(line.text) if "," in line.text else None
        place_indent = line.indent
    return tuple(sites)


# --- a head named by place ---------------------------------------------------------------------

UPDATE = "update"  # the anchor's own field: the date it states, the page's update date


def anchored_head(
    lines: Sequence[Line],
    found: Labelled,
    anchor: re.Pattern[str],
    before: Sequence[str],
    after: Sequence[str],
) -> dict[str, str]:
    """The fields of the head's lines around its anchor line (``anchor``, matched against
    the first six lines with text; its first group is the page's update date): ``before``
    names the lines just above the anchor (nearest last), ``after`` those under it, up to
    the next label or heading; the last name of ``after`` takes the paragraphs there."""
    texts = [(index, line.text) for index, line in enumerate(lines) if line.text][:6]
    for position, (at, text) in enumerate(texts):
        match = anchor.match(text)
        if match is None:
            continue
        end = next((hit.index for hit in found.hits if hit.index > at), len(lines))
        values = {UPDATE: match.group(1)}
        above = [value for index, value in texts[:position]][-len(before) :] if before else []
        if len(above) == len(before):
            values.update(zip(before, above, strict=True))
        under = [(index, line.text) for index, line in enumerate(lines[:end]) if index > at]
        under = [(index, value) for index, value in under if value]
        for offset, name in enumerate(after):
            if offset >= len(under):
                break
            if offset == len(after) - 1:
                if (rest := paragraphs(lines[under[offset][0] : end])) is not None:
                    values[name] = rest
            else:
                values[name] = under[offset][1]
        return values
    return {}


# --- an arms table read row by row -------------------------------------------------------------

_TABLE_HEADER = "armdescriptionassignedintervention"


def arm_rows(values: Sequence[str]) -> tuple[tuple[Arm, ...], tuple[Intervention, ...]]:
    """The rows of an arms table whose cells stand on lines of their own: the arm's type
    ("Experimental"), its label, a description, then its interventions ("Drug: X").

    An arm is read only from its type line on, so text above the first row (the table's
    header, "ArmDescriptionAssigned Intervention") gives nothing; a row without a label
    gives no arm. The interventions come with the labels of the arms that list them.
    """
    arms: list[Arm] = []
    links: dict[str, tuple[Intervention, list[str]]] = {}
    expecting = "type"
    for value in values[:2000]:
        kind = arm_type_value(value)
        typed = intervention(value)
        if kind is not None and expecting != "label":
            arms.append(Arm(label="", type=kind))
            expecting = "label"
        elif not arms or value.replace(" ", "").lower() == _TABLE_HEADER:
            continue
        elif expecting == "label":
            arms[-1] = Arm(value, arms[-1].type)
            expecting = "description"
        elif typed is not None and typed.type is not None:
            arm = arms[-1]
            spelt = f"{value.split(':', 1)[0].strip()}: {typed.name}"
            arms[-1] = replace(arm, intervention_names=(*arm.intervention_names, spelt))
            links.setdefault(typed.name.lower(), (typed, []))[1].append(arm.label)
        elif expecting == "description" and arms[-1].description is None:
            arms[-1] = replace(arms[-1], description=value)
    interventions = tuple(
        Intervention(item.name, item.type, arm_labels=unique(labels))
        for item, labels in links.values()
    )
    return tuple(arm for arm in arms if arm.label), interventions


# --- lists a site runs into one line ------------------------------------------------------------

# " - " before a capital letter separates items run together on one line. The lookbehind
# starts a match only at the first space of a run, so a long run of spaces is not rescanned
# from each of its spaces.
_ITEM_BREAK = re.compile(r"(?<!\s)\s+-\s+(?=[A-Z])")


def unflattened(items: Sequence[str]) -> tuple[str, ...]:
    """List items a site has joined into one line with " - ", apart again."""
    return tuple(part.strip() for item in items for part in _ITEM_BREAK.split(item) if part.strip())


# --- lines a layout breaks or cuts -----------------------------------------------------------


def unglue(text: str, glued: tuple[str, ...]) -> str:
    """The text with each of the ``glued`` labels that ends a longer line set on its own."""
    lines: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n", MAX_LINES)[:MAX_LINES]:
        stripped = line.rstrip()
        for label in glued:
            cut = len(stripped) - len(label)
            if cut > 0 and stripped.endswith(label) and not stripped[cut - 1].isspace():
                lines.extend([stripped[:cut], label])
                break
        else:
            lines.append(line)
    return "\n".join(lines)


_JOINING_ENDS = ("-", "&", ",", "/", "(", "+", " and", " of", " the", " for")


def with_last_value(lines: list[Line], text: str, labels: frozenset[str]) -> list[Line]:
    """The lines, with the page's last one back when it is a one-line value right under one
    of ``labels``. ``page_lines`` leaves out a last line that does not end a sentence, as the
    page may stop inside it; a value ending on a joining mark or word ("Bristol-Myers &")
    shows a cut and stays out. A name cut between two of its words could not be told from
    a whole one: a profile takes that risk only for labels its pages end with."""
    if not looks_cut(text) or not 0 < text.count("\n") < MAX_LINES:
        return lines
    raw = text.rsplit("\n", 1)[1]
    value = raw.strip()
    filled = [line for line in lines if line.text]
    if (
        not value
        or len(value) > 200
        or not filled
        or label_key(filled[-1].text) not in labels
        or value.lower().endswith(_JOINING_ENDS)
    ):
        return lines
    return [*lines, Line(value, raw, len(raw) - len(raw.lstrip()), False)]


# --- the registry's enumerations run together ---------------------------------------------------

_STUDY_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS")
_PHASE_RUN = re.compile(r"^((?:EARLY_PHASE1|PHASE[1-4]|NA)(?:[/, ]*PHASE[1-4])*)")


def run_together(
    lines: Sequence[Line],
) -> tuple[tuple[Phase, ...], Status | None, StudyType | None]:
    """Phase, status and study type a site prints in the registry's spelling, run together
    on one line near the top ("PHASE2CompletedINTERVENTIONAL"): all three or nothing."""
    for line in lines[:20]:
        text = line.text
        kind = next((t for t in _STUDY_TYPES if text.endswith(t) and text != t), None)
        if kind is None or " " in text.replace("Active, not", "").replace("Not yet", ""):
            continue
        rest = text[: -len(kind)]
        found = _PHASE_RUN.match(rest)
        phases: tuple[Phase, ...] = ()
        if found:
            phases = ("NA",) if found.group(1) == "NA" else phase_values(found.group(1))
        status = status_value(rest[found.end() :] if found else rest)
        if status is None:
            continue
        return phases, status, study_type_value(kind)
    return (), None, None


# --- sites as a postal code over "Facility, City" ----------------------------------------------


def _postal(value: str) -> bool:
    return "," not in value and len(value) <= 12 and any(c.isdigit() for c in value)


def postal_sites(values: Sequence[str]) -> tuple[Site, ...]:
    """Sites listed as a postal code line over "Facility, City": read only when every
    line of the block takes that shape, so a block of another shape gives nothing."""
    sites: list[Site] = []
    postal: str | None = None
    for value in values[:2000]:
        if postal is None and _postal(value):
            postal = value
            continue
        facility, _, city = value.rpartition(", ")
        if postal is None or not facility or not city or _postal(city):
            return ()
        sites.append(Site(facility=facility, city=city, zip=postal))
        postal = None
    return tuple(sites)


# --- sponsors as role, name and class ----------------------------------------------------------

_ROLES = frozenset({"lead", "collaborator"})
_CLASSES = frozenset(
    {"INDUSTRY", "NIH", "FED", "OTHER_GOV", "INDIV", "NETWORK", "OTHER", "AMBIG", "UNKNOWN"}
)


def role_sponsors(values: Sequence[str]) -> tuple[Organisation | None, tuple[Organisation, ...]]:
    """The lead sponsor and collaborators of a list of a role line ("lead"), the name, then
    its agency class in the registry's spelling ("INDUSTRY"), if given."""
    listed: list[tuple[str, Organisation]] = []
    role: str | None = None
    for value in values[:200]:
        if value.lower() in _ROLES:
            role = value.lower()
        elif value in _CLASSES and listed:
            last_role, last = listed[-1]
            listed[-1] = (last_role, replace(last, agency_class=value))
        elif role is not None:
            listed.append((role, Organisation(value)))
            role = None
    lead = next((org for role, org in listed if role == "lead"), None)
    return lead, tuple(org for role, org in listed if role == "collaborator")


# --- a locations table that lost its column boundaries -----------------------------------------

# The states registries write for the countries whose rows always name one.
_STATES: dict[str, tuple[str, ...]] = {
    "US": (
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
        "Delaware", "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois",
        "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland",
        "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana",
        "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
        "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania",
        "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
        "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming",
    ),
    "CA": (
        "Alberta", "British Columbia", "Manitoba", "New Brunswick",
        "Newfoundland and Labrador", "Northwest Territories", "Nova Scotia", "Nunavut",
        "Ontario", "Prince Edward Island", "Quebec", "Saskatchewan", "Yukon",
    ),
    "AU": (
        "Australian Capital Territory", "New South Wales", "Northern Territory", "Queensland",
        "South Australia", "Tasmania", "Victoria", "Western Australia",
    ),
}  # fmt: skip
_STATE_KEYS: dict[str, dict[str, str]] = {
    code: {" ".join(name.lower().split()): name for name in names}
    for code, names in _STATES.items()
}
_LONGEST_COUNTRY = 6  # words: "Korea, Democratic People's Republic of"


def country_rows(values: Sequence[str], header: str) -> tuple[Site, ...]:
    """The rows under a locations table's ``header`` ("Country Name City State") whose
    cells ran together: each row's leading country, and the state that ends it where the
    country's states are known. What lies between is the facility and then the city, and
    no rule tells where one ends ("SKG Radiology Subiaco Subiaco"): both stay unread."""
    if not values or " ".join(values[0].split()) != header:
        return ()
    sites: list[Site] = []
    for row in values[1:]:
        words = row.split()
        found = _leading_country(words)
        if found is None:
            break  # not a row of the table: it has ended
        length, code = found
        sites.append(Site(state=_state(words[length:], code), country=" ".join(words[:length])))
    return tuple(sites)


def _leading_country(words: list[str]) -> tuple[int, str] | None:
    for length in range(min(_LONGEST_COUNTRY, len(words)), 0, -1):
        code = country_code(" ".join(words[:length]))
        if code is not None:
            return length, code
    return None


def _state(words: list[str], code: str) -> str | None:
    """The state that ends the row; a facility or city must come before it."""
    states = _STATE_KEYS.get(code)
    if not states:
        return None
    for n in range(min(4, len(words) - 1), 0, -1):
        state = states.get(" ".join(words[-n:]).lower())
        if state is not None:
            return state
    return None
