"""Line utilities for study pages saved as text (ClinicalTrials.gov pages, meddatax.com).

A saved page is a column of lines: headings, ``Label: value`` pairs (or a label
and its value on the next line), bullets, and tables whose cells were either
kept apart by ``|`` or run together with spaces. The helpers here clean those
lines and read the small phrases every layout shares: an age range, a measure
with its time frame in brackets, an organisation with its agency class, a
responsible party, a site address. None of them guesses: a phrase that cannot
be split with confidence is kept whole or left out, and the reader says so.

Every pattern is anchored and free of nested repetition, so a page of any size
is read in time proportional to its length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from trialkg.errors import InputError
from trialkg.model import Contact, Organisation, ResponsibleParty
from trialkg.text import NCT_ID, is_nct_id

# --- lines ----------------------------------------------------------------------------------

_BULLET = re.compile(r"^(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7*]|-(?=\s))\s*")
_BULLET_CHARS = frozenset("\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7*-")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+")
# A markdown table rule (``|---|:--:|``) holds nothing but these and three dashes in a row.
# Tested with string methods: the regex ``^[\s|:\-]*-{3}[\s|:\-]*$`` took quadratic time
# on a long line of dashes that ends in something else (fuzz finding 3).
_TABLE_RULE_CHARS = " |:-"


def page_lines(text: str) -> list[str]:
    """The page's lines without indentation, runs of spaces or markdown table rules.

    Blank lines stay (as ``""``): several layouts use them to tell a label from
    the description under it.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\ufeff", "")
    lines: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if _is_table_rule(line):
            continue
        lines.append(line)
    return lines


def _is_table_rule(line: str) -> bool:
    """Whether a whitespace-collapsed line is a markdown table rule."""
    return "---" in line and not line.strip(_TABLE_RULE_CHARS)


def joined_colons(lines: Sequence[str]) -> list[str]:
    """Lines whose value starts with its colon (``Label`` / ``: value``) joined to their label."""
    joined: list[str] = []
    for line in lines:
        if line.startswith(":") and joined and joined[-1]:
            joined[-1] = f"{joined[-1]} {line}".rstrip()
        else:
            joined.append(line)
    return joined


def names(text: str) -> frozenset[str]:
    """The set of ``|``-separated names in a text: a compact way to write a long list."""
    return frozenset(" ".join(part.split()) for part in text.split("|"))


def unbullet(line: str) -> str:
    """A line without its leading bullet mark."""
    if not line or line[0] not in _BULLET_CHARS:
        return line
    return _BULLET.sub("", line, count=1)


def has_bullet(line: str) -> bool:
    if not line or line[0] not in _BULLET_CHARS:
        return False
    return bool(_BULLET.match(line)) and line not in {"*", "-"}


def unnumber(line: str) -> str:
    """A line without its list number ("1. ", "2) ")."""
    return _NUMBERED.sub("", line, count=1)


def cells(line: str) -> list[str]:
    """The cells of a ``a | b | c |`` table row, outer pipes dropped."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def unpiped(text: str) -> str:
    """A value without the table pipes around it."""
    return text.strip().strip("|").strip()


def next_filled(lines: Sequence[str], start: int, stop: int | None = None) -> int | None:
    """Index of the first non-blank line at or after ``start``."""
    end = len(lines) if stop is None else stop
    for index in range(start, end):
        if lines[index]:
            return index
    return None


def paragraphs(lines: Sequence[str]) -> str | None:
    """Lines joined into text: a blank line between paragraphs, none inside one."""
    parts: list[str] = []
    current: list[str] = []
    for line in lines:
        if line and current and has_bullet(line):
            # A list item keeps its own line inside the paragraph.
            current[-1] += "\n" + line
        elif line and current and has_bullet(current[-1].rsplit("\n", 1)[-1]):
            current[-1] += "\n" + line if has_bullet(line) else " " + line
        elif line:
            current.append(line)
        elif current:
            parts.append(" ".join(current))
            current = []
    if current:
        parts.append(" ".join(current))
    text = "\n\n".join(parts).strip()
    return text or None


def block_text(lines: Sequence[str]) -> str | None:
    """Lines kept as they were, runs of blank lines reduced to one."""
    kept: list[str] = []
    for line in lines:
        if not line and (not kept or not kept[-1]):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) or None


def without_cut_line(lines: list[str], text: str, *, complete: bool) -> list[str]:
    """The lines of an excerpt without its last one when the excerpt stops mid-line.

    A page saved whole ends with a newline or with its closing section; an
    excerpt that stops mid-record usually stops mid-word ("September 2"), and
    that last line cannot be trusted.
    """
    if complete or text.endswith("\n"):
        return lines
    trimmed = list(lines)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    if trimmed:
        trimmed.pop()
    return trimmed


# --- identifiers ----------------------------------------------------------------------------

_NAME_ID = re.compile(r"^(NCT\d{8})(?:[_\-.][A-Za-z0-9_\-.]*)?\.[A-Za-z0-9]+$")


def nct_id_from_name(name: str) -> str | None:
    """The NCT id a file name carries: ``NCT01234567.txt`` or ``NCT01234567_results.txt``."""
    base = PurePosixPath(name.replace("\\", "/").split("!")[-1]).name
    match = _NAME_ID.match(base)
    return match.group(1) if match else None


def first_nct_id(text: str | None) -> str | None:
    if not text:
        return None
    match = NCT_ID.search(text)
    return match.group(0) if match else None


def resolve_nct_id(stated: str | None, file: str) -> tuple[str, bool]:
    """The page's NCT id, else the file name's; ``True`` when it came from the name."""
    if stated and is_nct_id(stated):
        return stated, False
    from_name = nct_id_from_name(file)
    if from_name:
        return from_name, True
    raise InputError(
        "the page states no NCT id and the file name carries none; "
        "name the file after the trial (NCT01234567.txt) or save the page with its identifier",
        file=file,
        field="nct_id",
    )


# --- organisations and people ---------------------------------------------------------------

_AGENCY_CLASSES = {
    "industry": "INDUSTRY",
    "nih": "NIH",
    "u.s. fed": "FED",
    "fed": "FED",
    "other u.s. federal agency": "FED",
    "other gov": "OTHER_GOV",
    "network": "NETWORK",
    "individual": "INDIV",
    "indiv": "INDIV",
    "other": "OTHER",
    "unknown": "UNKNOWN",
    "ambig": "AMBIG",
}
_ORG_WITH_CLASS = re.compile(r"^(.+?)\s*\(([^()]+)\)$")


def agency_class(text: str | None) -> str | None:
    if text is None:
        return None
    key = text.strip().lower()
    if key.upper() in _AGENCY_CLASSES.values():
        return key.upper()
    return _AGENCY_CLASSES.get(key)


def organisation(text: str | None) -> Organisation | None:
    """``First Affiliated Hospital (Other)`` as an organisation with its agency class."""
    if text is None:
        return None
    value = unbullet(unpiped(text))
    if not value or value.lower() in {"(none)", "none", "n/a"}:
        return None
    match = _ORG_WITH_CLASS.match(value)
    if match and agency_class(match.group(2)):
        return Organisation(match.group(1).strip(), agency_class(match.group(2)))
    return Organisation(value)


def organisations(text: str | None) -> list[Organisation]:
    """A list such as ``A (Other), B (NIH) (NIH), C (Industry)``: split after each class."""
    if text is None:
        return []
    value = unpiped(text)
    if not value or value.lower() in {"(none)", "none"}:
        return []
    found: list[Organisation] = []
    start = 0
    for match in re.finditer(r"\(([^()]+)\)(?:,\s*|$)", value):
        if agency_class(match.group(1)) is None:
            continue
        name = value[start : match.start()].strip().rstrip(",").strip()
        if name:
            found.append(Organisation(name, agency_class(match.group(1))))
        start = match.end()
    rest = value[start:].strip()
    if rest:
        # Without classes a comma cannot be told from one inside a name: keep it whole.
        found.append(Organisation(rest))
    return found


_CREDENTIAL = re.compile(
    r"^(?:M\.?D\.?|Ph\.?\s?D\.?|MBBS|MBChB|M\.?P\.?H\.?|MSc|M\.?S\.?|BSc|DrPH|Dr\.?|RN|PharmD|"
    r"D\.?O\.?|DDS|DMD|MSN|NP|FRCP[A-Z]*|FACP|FACS|MA|MS|BS|MPH|MHS|MBA|MD PhD|MD, PhD|PhD, MD|"
    r"M\.D, Ph\.D\.?|Prof\.?)$",
    re.IGNORECASE,
)
_ORG_WORDS = re.compile(
    r"\b(?:Universit|Hospital|Institut|Cent(?:er|re)|College|Clinic|School|Foundation|Inc\b|"
    r"Ltd|LLC|Corporation|Company|Group|Society|Association|Council|Ministry|Department of|"
    r"Health|Medical|Academy|Pharma|Oncology|Research|Organi[sz]ation|Trust|Service|Laborator|"
    r"Agency|Consortium|Network|Fondazione|Klinik|Hôpital|Hopital|Universidad|Universit)",
    re.IGNORECASE,
)


def looks_like_organisation(text: str) -> bool:
    return bool(_ORG_WORDS.search(text))


def responsible_party(text: str | None, sponsors: Sequence[str] = ()) -> ResponsibleParty | None:
    """``Name, MD, Title, Affiliation`` split as far as the text allows.

    ClinicalTrials.gov writes an investigator as "full name, title, affiliation"
    and a sponsor as the sponsor's name alone. Commas also occur inside names,
    titles and affiliations, so the affiliation is recognised by the sponsor's
    name at the end, else by words such as "University" or "Hospital"; the
    name keeps the credentials that follow it ("Xinhua Zhang, MD").
    """
    if text is None:
        return None
    value = unpiped(text)
    if not value:
        return None
    names = [name for name in sponsors if name]
    if "," not in value or any(_same_org(value, name) for name in names):
        # The sponsor itself: the page gives the organisation, not a person.
        return ResponsibleParty(type="SPONSOR")
    affiliation: str | None = None
    head = value
    for name in names:
        if value.endswith(", " + name):
            affiliation = name
            head = value[: -len(name) - 2]
            break
    parts = [part.strip() for part in head.split(",") if part.strip()]
    name_parts = [parts[0]]
    rest = parts[1:]
    while rest and _CREDENTIAL.match(rest[0]):
        name_parts.append(rest.pop(0))
    title: str | None = None
    if affiliation is None and rest:
        org_at = next((i for i, part in enumerate(rest) if looks_like_organisation(part)), None)
        if org_at is not None:
            title = ", ".join(rest[:org_at]) or None
            affiliation = ", ".join(rest[org_at:])
        else:
            title = ", ".join(rest)
    elif rest:
        title = ", ".join(rest)
    return ResponsibleParty(name=", ".join(name_parts), title=title, affiliation=affiliation)


def _same_org(value: str, name: str) -> bool:
    squashed = re.sub(r"[^a-z0-9]", "", value.lower())
    return squashed == re.sub(r"[^a-z0-9]", "", name.lower())


_PHONE = re.compile(r"\+?\(?\d[\d ().\-/]{5,}\d(?:\s*(?:ext\.?|x|extension)\s*\d+)?", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def contact_from_text(text: str, role: str | None) -> Contact | None:
    """``Jane Doe, MD 650-555-0100 jane@example.org`` as a contact."""
    value = unpiped(text)
    email_match = _EMAIL.search(value)
    email = email_match.group(0) if email_match else None
    if email_match:
        value = (value[: email_match.start()] + " " + value[email_match.end() :]).strip()
    phone_match = _PHONE.search(value)
    phone = phone_match.group(0).strip() if phone_match else None
    if phone_match:
        value = (value[: phone_match.start()] + " " + value[phone_match.end() :]).strip()
    name = " ".join(value.replace("|", " ").split()) or None
    if name is None and phone is None and email is None:
        return None
    return Contact(name=name, role=role, phone=phone, email=email)


def phone_or_email(line: str) -> tuple[str | None, str | None]:
    """The phone number or e-mail address a line consists of, if it is one."""
    value = line.strip()
    if _EMAIL.fullmatch(value):
        return None, value
    if _PHONE.fullmatch(value):
        return value, None
    return None, None


# --- eligibility, outcomes ------------------------------------------------------------------

_STD_AGES = {"child": "CHILD", "adult": "ADULT", "older adult": "OLDER_ADULT"}
_AGE = r"\d+(?:\.\d+)?\s+(?:Years?|Months?|Weeks?|Days?|Hours?|Minutes?)"


def age_range(text: str | None) -> tuple[str | None, str | None, tuple[str, ...]]:
    """``18 Years to 75 Years (Adult, Older Adult)`` as minimum, maximum and age groups."""
    if text is None:
        return None, None, ()
    value = unpiped(text)
    groups: tuple[str, ...] = ()
    paren = re.search(r"\(([^()]*)\)\s*$", value)
    if paren:
        named = [_STD_AGES.get(part.strip().lower()) for part in paren.group(1).split(",")]
        if named and all(named):
            groups = tuple(g for g in named if g)
            value = value[: paren.start()].strip()
    if not groups and value and all(part.strip().lower() in _STD_AGES for part in value.split(",")):
        return None, None, tuple(_STD_AGES[p.strip().lower()] for p in value.split(","))
    if m := re.fullmatch(rf"({_AGE})\s*(?:to|-|\u2013)\s*({_AGE})", value, re.IGNORECASE):
        return _age(m.group(1)), _age(m.group(2)), groups
    if m := re.fullmatch(rf"({_AGE})\s+(?:and|or)\s+(?:older|above|over)", value, re.IGNORECASE):
        return _age(m.group(1)), None, groups
    if m := re.fullmatch(rf"(?:up to|under|below)\s+({_AGE})", value, re.IGNORECASE):
        return None, _age(m.group(1)), groups
    if m := re.fullmatch(rf"({_AGE})", value, re.IGNORECASE):
        return _age(m.group(1)), None, groups
    return None, None, groups


def _age(text: str) -> str:
    number, unit = text.split(None, 1)
    unit = unit.strip().capitalize()
    if not unit.endswith("s"):
        unit += "s"
    return f"{number} {unit}"


def single_age(text: str | None) -> str | None:
    """``20 Years`` as stated; None for "N/A" and the like."""
    if text is None:
        return None
    value = unpiped(text)
    if re.fullmatch(_AGE, value, re.IGNORECASE):
        return _age(value)
    return None


_TIME_FRAME = re.compile(r"^(?:Time Frame:\s*)?(.*?)$", re.IGNORECASE)


def measure_and_time_frame(text: str) -> tuple[str, str | None]:
    """``Overall survival [up to 200 months]`` as the measure and its time frame.

    The time frame is the last bracketed group at the end of the line; a group
    such as ``[ Designated as safety issue: Yes ]`` is read past.
    """
    value = text.strip()
    time_frame: str | None = None
    while value.endswith("]"):
        opening = _matching_open(value)
        if opening is None:
            break
        inner = value[opening + 1 : -1].strip()
        value = value[:opening].rstrip()
        if inner.lower().startswith("designated as safety issue"):
            continue
        match = _TIME_FRAME.match(inner)
        time_frame = (match.group(1) if match else inner).strip() or None
        break
    return value, time_frame


def _matching_open(value: str) -> int | None:
    depth = 0
    for index in range(len(value) - 1, -1, -1):
        char = value[index]
        if char == "]":
            depth += 1
        elif char == "[":
            depth -= 1
            if depth == 0:
                return index if index > 0 else None
    return None


def criteria_for_split(lines: Sequence[str]) -> str:
    """Criteria lines ready for ``split_criteria``: unmarked list items get a bullet.

    Pages drop the list marks of the registry's criteria more often than not;
    when no line of a block carries a mark, each line is one item.
    """
    body = [line for line in lines if line and not _is_criteria_head(line)]
    marked = any(has_bullet(line) or _NUMBERED.match(line) for line in body)
    if marked:
        return "\n".join(lines)
    return "\n".join(line if not line or _is_criteria_head(line) else f"* {line}" for line in lines)


def _is_criteria_head(line: str) -> bool:
    return bool(re.match(r"^(?:key\s+)?(?:inclusion|exclusion)\s+criteria\b", line, re.IGNORECASE))
