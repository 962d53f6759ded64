"""Translations every reader needs: dates, enumerations, eligibility criteria.

Sources spell the same fact many ways ("Phase 2", "PHASE2", "Phase II"; "Jan 1,
2002", "2002-01-01", "January 2002"). These helpers turn each spelling into the
model's one spelling, and return ``None`` for what they cannot read: the caller
decides whether that is an error for its format.
"""

from __future__ import annotations

import re
from datetime import date

from trialkg.errors import InputError
from trialkg.model import (
    ARM_TYPES,
    INTERVENTION_TYPES,
    PHASES,
    SEXES,
    STATUSES,
    STUDY_TYPES,
    PartialDate,
)

NCT_ID = re.compile(r"\bNCT\d{8}\b")
_NCT_ID_FULL = re.compile(r"NCT\d{8}")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?,?\s+(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def is_nct_id(value: str) -> bool:
    return _NCT_ID_FULL.fullmatch(value) is not None


def _checked(year: int, month: int | None, day: int | None) -> str | None:
    if not 1800 <= year <= 2200:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date_text(text: str) -> str | None:
    """ISO form of a date as precise as stated, or None when it is not a date.

    Reads ``2023-09-15``, ``2023-09``, ``2023``, ``Sep 15, 2023``,
    ``15 September 2023``, ``September 2023`` and ``09/15/2023`` (US order,
    the registry's own).
    """
    value = text.strip().rstrip(".").strip()
    if m := _ISO.match(value):
        year, month, day = m.groups()
        return _checked(int(year), int(month) if month else None, int(day) if day else None)
    if m := _MONTH_DAY_YEAR.match(value):
        month = _MONTHS.get(m.group(1).lower())
        return _checked(int(m.group(3)), month, int(m.group(2))) if month else None
    if m := _DAY_MONTH_YEAR.match(value):
        month = _MONTHS.get(m.group(2).lower())
        return _checked(int(m.group(3)), month, int(m.group(1))) if month else None
    if m := _MONTH_YEAR.match(value):
        month = _MONTHS.get(m.group(1).lower())
        return _checked(int(m.group(2)), month, None) if month else None
    if m := _SLASHED.match(value):
        return _checked(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    return None


def partial_date(
    text: str | None, date_type: str | None, *, file: str | None, record: str, field: str
) -> PartialDate | None:
    """A PartialDate from a stated date, or an InputError naming the field."""
    if text is None or not text.strip():
        return None
    value = parse_date_text(text)
    if value is None:
        raise InputError(
            f"cannot read the date {text!r}; expected a form such as 2023-09-15 or Sep 15, 2023",
            file=file,
            record=record,
            field=field,
            kind="bad-date",
        )
    kind = enum_value(date_type, {"ACTUAL", "ESTIMATED"}, aliases=_DATE_TYPE_ALIASES)
    return PartialDate(value, kind)


_DATE_TYPE_ALIASES = {"ANTICIPATED": "ESTIMATED", "EXPECTED": "ESTIMATED", "ESTIMATE": "ESTIMATED"}


def _enum_key(text: str) -> str:
    key = re.sub(r"[^A-Za-z0-9]+", "_", text.strip()).strip("_").upper()
    return key


def enum_value(
    text: str | None,
    allowed: frozenset[str] | set[str],
    *,
    aliases: dict[str, str] | None = None,
) -> str | None:
    """The allowed spelling of an enumerated value, or None when it is not one."""
    if text is None:
        return None
    key = _enum_key(text)
    if not key:
        return None
    if aliases and key in aliases:
        return aliases[key]
    return key if key in allowed else None


_STATUS_ALIASES = {
    "ACTIVE": "ACTIVE_NOT_RECRUITING",
    "ACTIVE_NOT_RECRUITING": "ACTIVE_NOT_RECRUITING",
    "NOT_RECRUITING": "ACTIVE_NOT_RECRUITING",
    "UNKNOWN_STATUS": "UNKNOWN",
    "WITHHELD": "WITHHELD",
    "ENROLLING_BY_INVITATION_ONLY": "ENROLLING_BY_INVITATION",
    "COMPLETE": "COMPLETED",
}


def status_value(text: str | None) -> str | None:
    return enum_value(text, STATUSES, aliases=_STATUS_ALIASES)


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}


def phase_values(text: str | None) -> tuple[str, ...]:
    """Phases stated in text: ``Phase 1/Phase 2`` gives (PHASE1, PHASE2); ``N/A`` gives (NA,)."""
    if text is None:
        return ()
    value = text.strip()
    if not value:
        return ()
    upper = value.upper()
    if upper in {"NA", "N/A", "NOT APPLICABLE", "NOT_APPLICABLE"}:
        return ("NA",)
    found: list[str] = []
    if re.search(r"EARLY[\s_]*PHASE[\s_]*(1|I)\b", upper):
        found.append("EARLY_PHASE1")
        upper = re.sub(r"EARLY[\s_]*PHASE[\s_]*(1|I)\b", " ", upper)
    # "Phase 1/2" and "Phase 1/Phase 2" both name two phases.
    for m in re.finditer(
        r"PHASE[\s_]*((?:[1-4]|IV|III|II|I)(?:\s*[/,&]\s*(?:PHASE[\s_]*)?(?:[1-4]|IV|III|II|I))*)\b",
        upper,
    ):
        for part in re.findall(r"IV|III|II|I|[1-4]", m.group(1)):
            found.append("PHASE" + _ROMAN.get(part, part))
    result = tuple(dict.fromkeys(p for p in found if p in PHASES))
    return result


def study_type_value(text: str | None) -> str | None:
    return enum_value(
        text,
        STUDY_TYPES,
        aliases={
            "EXPANDED_ACCESS": "EXPANDED_ACCESS",
            "OBSERVATIONAL_PATIENT_REGISTRY": "OBSERVATIONAL",
        },
    )


_INTERVENTION_ALIASES = {
    "BIOLOGIC": "BIOLOGICAL",
    "BIOLOGICS": "BIOLOGICAL",
    "BEHAVIOURAL": "BEHAVIORAL",
    "DIAGNOSTIC": "DIAGNOSTIC_TEST",
    "RADIOTHERAPY": "RADIATION",
    "SUPPLEMENT": "DIETARY_SUPPLEMENT",
    "SURGERY": "PROCEDURE",
    "PROCEDURE_SURGERY": "PROCEDURE",
    "COMBINATION": "COMBINATION_PRODUCT",
}


def intervention_type_value(text: str | None) -> str | None:
    return enum_value(text, INTERVENTION_TYPES, aliases=_INTERVENTION_ALIASES)


_ARM_ALIASES = {
    "ACTIVE_COMPARATOR_ARM": "ACTIVE_COMPARATOR",
    "PLACEBO": "PLACEBO_COMPARATOR",
    "SHAM": "SHAM_COMPARATOR",
    "NO_INTERVENTION_ARM": "NO_INTERVENTION",
}


def arm_type_value(text: str | None) -> str | None:
    return enum_value(text, ARM_TYPES, aliases=_ARM_ALIASES)


def sex_value(text: str | None) -> str | None:
    return enum_value(text, SEXES, aliases={"BOTH": "ALL", "WOMEN": "FEMALE", "MEN": "MALE"})


def yes_no(text: str | None) -> bool | None:
    if text is None:
        return None
    key = text.strip().lower().rstrip(".")
    if key in {"yes", "true", "y", "accepts healthy volunteers"}:
        return True
    if key in {"no", "false", "n"}:
        return False
    return None


# A count of more digits than a 64-bit integer holds is not a count a registry states.
MAX_COUNT_DIGITS = 18


def int_value(
    text: str | None,
    *,
    file: str | None = None,
    record: str | None = None,
    field: str | None = None,
) -> int | None:
    """The first whole number in ``text`` (commas between digits allowed), or None."""
    if text is None:
        return None
    m = re.search(r"\d[\d,]*", text)
    if not m:
        return None
    digits = m.group(0).replace(",", "")
    if len(digits) > MAX_COUNT_DIGITS:
        raise InputError(
            f"a number of {len(digits)} digits is not a count",
            file=file,
            record=record,
            field=field,
        )
    return int(digits)


# --- eligibility criteria -----------------------------------------------------------------

# A heading, perhaps behind a bullet, perhaps with the first item on the same line:
# "Inclusion Criteria:", "- KEY EXCLUSION CRITERIA:", "Exclusion Criteria: 1. Age < 18".
_INCLUSION_HEAD = re.compile(
    r"^\s*(?:[-*\u2022]\s*)?(?:key\s+)?inclusion\s+criteria\b[^:\n]{0,40}(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_EXCLUSION_HEAD = re.compile(
    r"^\s*(?:[-*\u2022]\s*)?(?:key\s+)?exclusion\s+criteria\b[^:\n]{0,40}(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_BULLET = re.compile(
    r"^\s*(?:[*\-\u2022\u25cf\u25aa\u2023\u2043\u00b7]|\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)])\s+"
)


def _unescape_markdown(text: str) -> str:
    # The registry escapes markdown characters in criteria ("\<", "\>", "\~").
    return re.sub(r"\\([<>~*_\[\]()#+\-.!|])", r"\1", text)


def split_criteria(text: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Inclusion and exclusion criteria, each a tuple of items in record order.

    The registry writes criteria as a text block with "Inclusion Criteria:" and
    "Exclusion Criteria:" headings and bulleted or numbered items; a line that is
    not a bullet continues the item before it.
    """
    if not text:
        return (), ()
    inclusion: list[str] = []
    exclusion: list[str] = []
    current: list[str] | None = None
    for raw_line in _unescape_markdown(text).splitlines():
        line = raw_line.strip()
        if not line:
            continue
        head = _INCLUSION_HEAD.match(line) or _EXCLUSION_HEAD.match(line)
        if head:
            current = inclusion if head.re is _INCLUSION_HEAD else exclusion
            line = (head.group("rest") or "").strip()
            if not line:
                continue
        if current is None:
            continue
        bullet = _BULLET.match(line)
        item = line[bullet.end() :].strip() if bullet else line
        if not item:
            continue
        if bullet or not current:
            current.append(item)
        else:
            current[-1] = f"{current[-1]} {item}"
    return tuple(inclusion), tuple(exclusion)


def clean(text: str | None) -> str | None:
    """Text with surrounding space trimmed; None for empty or missing."""
    if text is None:
        return None
    value = text.strip()
    return value or None


# --- design values as pages write them ------------------------------------------------------

ALLOCATIONS = frozenset({"RANDOMIZED", "NON_RANDOMIZED", "NA"})
INTERVENTION_MODELS = frozenset(
    {"SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"}
)
MASKINGS = frozenset({"NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"})
PURPOSES = frozenset(
    {
        "TREATMENT",
        "PREVENTION",
        "DIAGNOSTIC",
        "ECT",
        "SUPPORTIVE_CARE",
        "SCREENING",
        "HEALTH_SERVICES_RESEARCH",
        "BASIC_SCIENCE",
        "DEVICE_FEASIBILITY",
        "OTHER",
    }
)
OBSERVATIONAL_MODELS = frozenset(
    {
        "COHORT",
        "CASE_CONTROL",
        "CASE_ONLY",
        "CASE_CROSSOVER",
        "ECOLOGIC_OR_COMMUNITY",
        "FAMILY_BASED",
        "DEFINED_POPULATION",
        "NATURAL_HISTORY",
        "OTHER",
    }
)
TIME_PERSPECTIVES = frozenset({"RETROSPECTIVE", "PROSPECTIVE", "CROSS_SECTIONAL", "OTHER"})


def allocation_value(text: str | None) -> str | None:
    return enum_value(
        text,
        ALLOCATIONS,
        aliases={
            "RANDOMISED": "RANDOMIZED",
            "NON_RANDOMISED": "NON_RANDOMIZED",
            "N_A": "NA",
            "NOT_APPLICABLE": "NA",
            "NONRANDOMIZED": "NON_RANDOMIZED",
        },
    )


def intervention_model_value(text: str | None) -> str | None:
    if text is None:
        return None
    key = _enum_key(text).removesuffix("_ASSIGNMENT")
    return enum_value(key, INTERVENTION_MODELS, aliases={"SINGLE_GROUP_ASSIGNMENT": "SINGLE_GROUP"})


def masking_value(text: str | None) -> str | None:
    """``Open Label`` and ``None (Open Label)`` are NONE;
    ``Double (Participant, ...)`` is DOUBLE."""
    if text is None:
        return None
    key = _enum_key(text)
    if key.startswith(("NONE", "OPEN_LABEL", "NO_MASKING")):
        return "NONE"
    first = key.split("_", 1)[0]
    aliases = {"SINGLE_BLIND": "SINGLE", "DOUBLE_BLIND": "DOUBLE", "TRIPLE_BLIND": "TRIPLE"}
    return aliases.get(key) or (first if first in MASKINGS else None)


def purpose_value(text: str | None) -> str | None:
    return enum_value(text, PURPOSES, aliases={"DIAGNOSIS": "DIAGNOSTIC"})


def observational_model_value(text: str | None) -> str | None:
    return enum_value(text, OBSERVATIONAL_MODELS, aliases={"CASE_CONTROL_STUDY": "CASE_CONTROL"})


def time_perspective_value(text: str | None) -> str | None:
    return enum_value(text, TIME_PERSPECTIVES, aliases={"CROSS_SECTIONAL": "CROSS_SECTIONAL"})
