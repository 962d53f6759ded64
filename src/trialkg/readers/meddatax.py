"""meddatax.com trial pages saved as text: a third-party rendering of the registry record.

The page is a column of sections ("Basic Information", "Study Groups",
"Sponsors" ...), each opened by its heading and one line telling the reader
what the section shows ("Get a concise snapshot of the trial, ..."). Values
keep the registry's own spelling (``RECRUITING``, ``PHASE2``, ``SINGLE_GROUP``);
cards close with a typed line such as ``Group Type EXPERIMENTAL`` or
``Site Status RECRUITING``. The last section, "More Related Trials", lists
other trials and is never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from trialkg.errors import InputError
from trialkg.model import (
    Arm,
    Contact,
    Eligibility,
    Identifier,
    Intervention,
    Organisation,
    PartialDate,
    ResponsibleParty,
    Site,
    Source,
    Trial,
)
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.common import int_value, partial_date, split_criteria, yes_no
from trialkg.readers.pagetext import (
    agency_class,
    block_text,
    criteria_for_split,
    first_nct_id,
    names,
    page_lines,
    paragraphs,
    phone_or_email,
    resolve_nct_id,
    single_age,
    without_cut_line,
)
from trialkg.values import (
    allocation_value,
    arm_type_value,
    intervention_model_value,
    intervention_type_value,
    masking_value,
    observational_model_value,
    phase_values,
    purpose_value,
    sex_value,
    status_value,
    study_type_value,
    time_perspective_value,
)

NAME = "meddatax"

_MARKERS = (
    "Get a concise snapshot of the trial",
    "Review the sponsor-provided synopsis",
    "Understand how the trial is structured",
    "Review each arm or cohort in the study",
)


def detect(head: str) -> bool:
    if head.lstrip()[:1] in {"<", "{", "["}:
        return False
    return sum(marker in head for marker in _MARKERS) >= 1 and "NCT ID:" in head


# --- sections -------------------------------------------------------------------------------

_HEADINGS = names(
    "Study Results|Basic Information|Brief Summary|Detailed Description|Conditions|"
    "Keywords|Study Design|Study Groups|Interventions|Outcome Measures|"
    "Eligibility Criteria|Sponsors|Collaborators|Responsible Party|Study Officials|"
    "Locations|Countries|Central Contacts|Facility Contacts|Other Identifiers|References|"
    "More Related Trials"
)
# Each section opens with one sentence addressed to the reader; it is not part of the record.
_GUIDE_VERBS = (
    "Get ",
    "Review ",
    "Dive ",
    "See ",
    "Understand ",
    "Learn ",
    "Check ",
    "Meet ",
    "Identify ",
    "Explore ",
    "Reach ",
    "Find ",
    "Additional clinical trials ",
    "Browse ",
    "Discover ",
)


def _sections(lines: Sequence[str]) -> dict[str, list[str]]:
    """The page's lines by section heading ("" for the lines before the first heading)."""
    found: dict[str, list[str]] = {"": []}
    current = ""
    at_guide = False
    for line in lines:
        if line in _HEADINGS and line not in found:
            current = line
            found[current] = []
            at_guide = True
            continue
        if at_guide and line:
            at_guide = False
            if line.startswith(_GUIDE_VERBS) and line.endswith("."):
                continue
        found[current].append(line)
    return found


def _pairs(lines: Sequence[str], labels: frozenset[str]) -> dict[str, str]:
    """``Label`` then ``value`` on the next filled line, for the labels given."""
    filled = [line for line in lines if line]
    values: dict[str, str] = {}
    for index, line in enumerate(filled[:-1]):
        if line in labels and line not in values and filled[index + 1] not in labels:
            values[line] = filled[index + 1]
    return values


def _cards(lines: Sequence[str], closing: re.Pattern[str]) -> list[tuple[list[str], str]]:
    """Cards of lines, each closed by a line matching ``closing``: (lines, closing value)."""
    cards: list[tuple[list[str], str]] = []
    pending: list[str] = []
    for line in lines:
        if not line:
            continue
        match = closing.match(line)
        if match:
            cards.append((pending, match.group(1).strip()))
            pending = []
        else:
            pending.append(line)
    return cards


# --- the reader -----------------------------------------------------------------------------


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    if not text.strip():
        raise InputError("the page is empty", file=document.name)
    try:
        yield page_to_trial(text, file=document.name)
    except InputError as error:
        if error.field == "nct_id":
            raise
        yield error


_BASIC = names(
    "Recruitment Status|Clinical Phase|Total Enrollment|Study Classification|"
    "Study Start Date|Primary Completion Date|Study Completion Date|Allocation Method|"
    "Intervention Model|Primary Study Purpose|Blinding Strategy|Observational Model|"
    "Time Perspective|Minimum Eligible Age|Maximum Eligible Age|Eligible Sex|"
    "Accepts Healthy Volunteers"
)
_ELIGIBILITY_LABELS = (
    "Minimum Eligible Age",
    "Maximum Eligible Age",
    "Eligible Sex",
    "Accepts Healthy Volunteers",
)


def page_to_trial(text: str, *, file: str) -> Trial:
    """The Trial of one meddatax.com page saved as text."""
    all_lines = page_lines(text)
    complete = "More Related Trials" in all_lines
    lines = without_cut_line(all_lines, text, complete=complete)
    sections = _sections(lines)
    head = sections.get("", [])

    stated = next((first_nct_id(line) for line in head if line.startswith("NCT ID:")), None)
    nct_id, from_name = resolve_nct_id(stated, file)
    last_updated = next(
        (line.split(":", 1)[1].strip() for line in head if line.startswith("Last Updated:")), None
    )
    title = next(
        (line for line in head if line and not line.startswith(("NCT ID:", "Last Updated:"))), None
    )

    protocol = [
        line
        for key, body in sections.items()
        if key not in {"More Related Trials", ""}
        for line in body
    ]
    values = _pairs(protocol, _BASIC)

    def when(label: str, field: str) -> PartialDate | None:
        return partial_date(values.get(label), None, file=file, record=nct_id, field=field)

    last_update = partial_date(
        last_updated, None, file=file, record=nct_id, field="last_update_posted"
    )
    results = " ".join(sections.get("Study Results", []))
    has_results = (
        True if "Results available" in results else False if "Results pending" in results else None
    )
    enrollment = int_value(
        values.get("Total Enrollment"), file=file, record=nct_id, field="total_enrollment"
    )
    arms, interventions = _groups(
        sections.get("Study Groups", []), sections.get("Interventions", [])
    )
    lead, collaborators = _sponsors(
        sections.get("Sponsors", []) + sections.get("Collaborators", [])
    )
    found_sites = _sites(sections.get("Locations", []), sections.get("Facility Contacts", []))
    org_study_id, secondary = _identifiers(sections.get("Other Identifiers", []))

    return Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=file,
            last_update=last_update,
            partial=not complete,
            nct_id_from_filename=from_name,
        ),
        brief_title=title,
        org_study_id=org_study_id,
        secondary_ids=secondary,
        overall_status=status_value(values.get("Recruitment Status")),
        start_date=when("Study Start Date", "start_date"),
        primary_completion_date=when("Primary Completion Date", "primary_completion_date"),
        completion_date=when("Study Completion Date", "completion_date"),
        last_update_posted=last_update,
        study_type=study_type_value(values.get("Study Classification")),
        phases=phase_values(values.get("Clinical Phase")),
        allocation=allocation_value(values.get("Allocation Method")),
        intervention_model=intervention_model_value(values.get("Intervention Model")),
        observational_model=observational_model_value(values.get("Observational Model")),
        time_perspective=time_perspective_value(values.get("Time Perspective")),
        primary_purpose=purpose_value(values.get("Primary Study Purpose")),
        masking=masking_value(values.get("Blinding Strategy")),
        enrollment=enrollment,
        brief_summary=paragraphs(sections.get("Brief Summary", [])),
        detailed_description=paragraphs(sections.get("Detailed Description", [])),
        conditions=tuple(line for line in sections.get("Conditions", []) if line),
        keywords=tuple(line for line in sections.get("Keywords", []) if line),
        lead_sponsor=lead,
        collaborators=tuple(collaborators),
        responsible_party=_responsible(sections.get("Responsible Party", [])),
        central_contacts=tuple(_contacts(sections.get("Central Contacts", []))),
        arms=tuple(arms),
        interventions=tuple(interventions),
        eligibility=_eligibility(sections.get("Eligibility Criteria", []), values),
        sites=tuple(found_sites),
        has_results=has_results,
    )


_GROUP_TYPE = re.compile(r"^Group Type\s+(\S+)$")
_INTERVENTION_TYPE = re.compile(r"^Intervention Type\s+(\S+)$")


def _groups(
    group_lines: Sequence[str], intervention_lines: Sequence[str]
) -> tuple[list[Arm], list[Intervention]]:
    """Arms (label, "Group Type X", interventions, description) and interventions."""
    filled = [line for line in group_lines if line]
    starts = [i - 1 for i, line in enumerate(filled) if _GROUP_TYPE.match(line) and i > 0]
    arms: list[Arm] = []
    members: dict[str, list[str]] = {}
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(filled)
        card = filled[start:end]
        group_type = _GROUP_TYPE.match(card[1])
        shown: list[str] = []
        description: list[str] = []
        index = 2
        while index < len(card):
            kind = _INTERVENTION_TYPE.match(card[index + 1]) if index + 1 < len(card) else None
            if kind:
                value = intervention_type_value(kind.group(1))
                shown.append(f"{(value or kind.group(1)).replace('_', ' ').title()}: {card[index]}")
                members.setdefault(card[index], []).append(card[0])
                index += 2
            else:
                description.append(card[index])
                index += 1
        arms.append(
            Arm(
                card[0],
                arm_type_value(group_type.group(1)) if group_type else None,
                paragraphs(description),
                tuple(shown),
            )
        )
    interventions = [
        Intervention(
            name=card[0],
            type=intervention_type_value(kind),
            description=paragraphs(card[1:]),
            arm_labels=tuple(members.get(card[0], ())),
        )
        for card, kind in _cards(intervention_lines, _INTERVENTION_TYPE)
        if card
    ]
    return arms, interventions


_SPONSOR_ROLE = re.compile(r"^Sponsor Role\s+(\S+)$")


def _sponsors(lines: Sequence[str]) -> tuple[Organisation | None, list[Organisation]]:
    lead: Organisation | None = None
    collaborators: list[Organisation] = []
    for card, role in _cards(lines, _SPONSOR_ROLE):
        if not card:
            continue
        org = Organisation(card[0], agency_class(card[1]) if len(card) > 1 else None)
        if role.lower() == "lead" and lead is None:
            lead = org
        else:
            collaborators.append(org)
    return lead, collaborators


_RESPONSIBILITY = re.compile(r"^Responsibility Role\s+(\S+)$")


def _responsible(lines: Sequence[str]) -> ResponsibleParty | None:
    cards = _cards(lines, _RESPONSIBILITY)
    if not cards:
        return None
    card, role = cards[0]
    return ResponsibleParty(
        type=role.upper(),
        name=card[0] if card else None,
        title=card[1] if len(card) > 1 else None,
        affiliation=card[2] if len(card) > 2 else None,
    )


_CONTACT_ROLES = {"PRIMARY": "CONTACT", "BACKUP": "CONTACT"}


def _contacts(lines: Sequence[str]) -> list[Contact]:
    """Cards of "name / Role: X / phone / e-mail"; a card's name is the line before its role."""
    filled = [line for line in lines if line]
    roles = [i for i, line in enumerate(filled) if line.startswith("Role:") and i > 0]
    found: list[Contact] = []
    for number, index in enumerate(roles):
        end = roles[number + 1] - 1 if number + 1 < len(roles) else len(filled)
        phone = email = None
        for detail in filled[index + 1 : end]:
            found_phone, found_email = phone_or_email(detail)
            phone = phone or found_phone
            email = email or found_email
        role = filled[index].split(":", 1)[1].strip().upper() or None
        # The page's "primary" and "backup" site contacts are the registry's CONTACT
        # (it lists the primary one first); other roles are already its spelling.
        role = _CONTACT_ROLES.get(role, role) if role else None
        found.append(Contact(name=filled[index - 1], role=role, phone=phone, email=email))
    return found


_SITE_STATUS = re.compile(r"^Site Status\s+(\S+)$")


def _sites(lines: Sequence[str], facility_contacts: Sequence[str]) -> list[Site]:
    found: list[Site] = []
    for card, status in _cards(lines, _SITE_STATUS):
        if not card:
            continue
        facility = card[0] if len(card) > 1 else None
        city, state, zip_code, country = _place(card[-1])
        found.append(
            Site(
                facility=facility,
                city=city,
                state=state,
                zip=zip_code,
                country=country,
                status=status_value(status),
            )
        )
    contacts = _contacts(facility_contacts)
    if len(found) == 1 and contacts:
        # With one site, the page's facility contacts can only be that site's.
        only = found[0]
        found[0] = Site(
            only.facility,
            only.city,
            only.state,
            only.zip,
            only.country,
            only.status,
            contacts=tuple(contacts),
        )
    return found


def _place(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """``Seoul, Seoul, South Korea`` as city, state, zip, country."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    zip_code = None
    if len(parts) > 2 and any(ch.isdigit() for ch in parts[-2]):
        zip_code = parts.pop(-2)
    if len(parts) == 1:
        return None, None, zip_code, parts[0]
    if len(parts) == 2:
        return parts[0], None, zip_code, parts[1]
    if len(parts) > 2:
        return parts[0], ", ".join(parts[1:-1]), zip_code, parts[-1]
    return None, None, None, None


_IDENTIFIER_DETAIL = re.compile(r"^Identifier (Type|Source|Domain|Link):\s*(.*)$")


def _identifiers(lines: Sequence[str]) -> tuple[str | None, tuple[Identifier, ...]]:
    org_study_id: str | None = None
    secondary: list[Identifier] = []
    entries: list[tuple[str, dict[str, str]]] = []
    for line in lines:
        if not line:
            continue
        detail = _IDENTIFIER_DETAIL.match(line)
        if detail and entries:
            entries[-1][1][detail.group(1)] = detail.group(2).strip()
        elif not detail:
            entries.append((line, {}))
    for value, details in entries:
        kind = details.get("Type")
        kind = None if kind in {None, "", "-"} else kind
        if details.get("Source", "").lower() == "org_study_id" and org_study_id is None:
            org_study_id = value
        else:
            secondary.append(Identifier(value, kind, details.get("Domain") or None))
    return org_study_id, tuple(secondary)


def _eligibility(lines: Sequence[str], values: dict[str, str]) -> Eligibility | None:
    criteria_lines: list[str] = []
    for line in lines:
        if line in _ELIGIBILITY_LABELS:
            break
        criteria_lines.append(line)
    criteria = block_text(criteria_lines)
    inclusion, exclusion = (
        split_criteria(criteria_for_split(criteria_lines)) if criteria else ((), ())
    )
    minimum = single_age(values.get("Minimum Eligible Age"))
    maximum = single_age(values.get("Maximum Eligible Age"))
    sex = values.get("Eligible Sex")
    healthy = values.get("Accepts Healthy Volunteers")
    if not any((criteria, minimum, maximum, sex, healthy)):
        return None
    return Eligibility(
        criteria_text=criteria,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=minimum,
        maximum_age=maximum,
        sex=sex_value(sex),
        healthy_volunteers=yes_no(healthy),
    )


READER = Reader(
    name=NAME,
    description="meddatax.com trial pages saved as text "
    "(a third-party rendering of the registry record)",
    detect=detect,
    read=read,
)
