"""Parts of a ClinicalTrials.gov page saved as text: sites, people, status, criteria, ids.

Site tables lose their cell borders when a page is saved as text: the ct2 page
keeps one value per line ("Birmingham, Alabama, United States, 35294" under
the facility), the Study Details page runs a row together with spaces. The
country is then found by name at the end of the row, and the rest is split
only where the words allow it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from trialkg.model import Contact, Eligibility, Identifier, Official, Organisation, Site, Status
from trialkg.readers.common import split_criteria, yes_no
from trialkg.readers.ctgov_page_sections import is_heading, section
from trialkg.readers.pagetext import (
    age_range,
    block_text,
    cells,
    contact_from_text,
    criteria_for_split,
    next_filled,
    organisation,
    unbullet,
    unpiped,
)
from trialkg.values import sex_value

# --- place names ----------------------------------------------------------------------------------

_COUNTRY_NAMES = """Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|
    Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|
    Bosnia and Herzegovina|Botswana|Brazil|Brunei Darussalam|Bulgaria|Burkina Faso|Burundi|
    Cambodia|Cameroon|Canada|Chad|Chile|China|Colombia|Congo|Costa Rica|Côte D'Ivoire|Croatia|
    Cuba|Cyprus|Czechia|Czech Republic|Denmark|Dominican Republic|Ecuador|Egypt|El Salvador|
    Estonia|Ethiopia|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Guatemala|Guinea|
    Haiti|Honduras|Hong Kong|Hungary|Iceland|India|Indonesia|Iran|Iran, Islamic Republic of|Iraq|
    Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Korea, Republic of|
    Korea, Democratic People's Republic of|South Korea|North Korea|Kosovo|Kuwait|Kyrgyzstan|
    Latvia|Lebanon|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Macao|Madagascar|Malawi|
    Malaysia|Mali|Malta|Mauritius|Mexico|Moldova|Moldova, Republic of|Monaco|Mongolia|Montenegro|
    Morocco|Mozambique|Myanmar|Namibia|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|
    North Macedonia|Norway|Oman|Pakistan|Palestine|Panama|Papua New Guinea|Paraguay|Peru|
    Philippines|Poland|Portugal|Puerto Rico|Qatar|Romania|Russia|Russian Federation|Rwanda|
    Saudi Arabia|Senegal|Serbia|Singapore|Slovakia|Slovenia|Somalia|South Africa|Spain|Sri Lanka|
    Sudan|Sweden|Switzerland|Syria|Syrian Arab Republic|Taiwan|Tajikistan|Tanzania|Thailand|
    Togo|Trinidad and Tobago|Tunisia|Turkey|Türkiye|Turkmenistan|Uganda|Ukraine|
    United Arab Emirates|United Kingdom|United States|Uruguay|Uzbekistan|Venezuela|Vietnam|
    Viet Nam|Yemen|Zambia|Zimbabwe"""
COUNTRIES = frozenset(" ".join(name.split()) for name in _COUNTRY_NAMES.split("|"))
_LONGEST_COUNTRY_WORDS = max(len(name.split()) for name in COUNTRIES)

# A facility name ends with one of these words more often than not; what follows is the place.
_FACILITY_END = re.compile(
    r"^(?:University|Universit[äéà]t?|Hospital|Hospitals|Institute|Center|Centre|Clinic|Clinics|"
    r"College|School|Foundation|Site|Sites|Inc\.?|Ltd\.?|LLC|Organization|Organisation|Network|"
    r"Medicine|Health|Healthcare|Practice|Group|Research|Oncology|Service|Services|Trust|"
    r"Office|Department|Unit|Campus|Laboratory|Laboratories|Pharmacy|Infirmary|Sciences|"
    r"Cancer|Ospedale|Hôpital|Klinikum|Universitario|Universitaria)[,.]?$",
    re.IGNORECASE,
)


def site_row(text: str) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    """``1 The First Affiliated Hospital of X Guangzhou Guangdong China`` split into its cells.

    The row of a "Site City State Country Postal Code" table whose cells were
    run together with spaces. The country is found at the end by name, a postal
    code after it; the facility is the longest start that ends with a word such
    as "Hospital" or "University"; the one or two words left are the city and
    the state. When the words left cannot be told apart, city and state stay
    empty rather than guessed. Returns facility, city, state, zip, country.
    """
    words = unnumber_row(text).split()
    zip_code: str | None = None
    if words and any(ch.isdigit() for ch in words[-1]) and len(words) > 1:
        zip_code = words.pop()
    country: str | None = None
    for size in range(min(_LONGEST_COUNTRY_WORDS, len(words)), 0, -1):
        candidate = " ".join(words[-size:])
        if candidate in COUNTRIES:
            country = candidate
            words = words[:-size]
            break
    if country is None:
        return (" ".join(words) or None), None, None, zip_code, None
    end = None
    for index in range(len(words) - 1, -1, -1):
        if _FACILITY_END.match(words[index]):
            end = index
            break
    if end is None:
        return (" ".join(words) or None), None, None, zip_code, country
    facility = " ".join(words[: end + 1]) or None
    place = words[end + 1 :]
    city: str | None = None
    state: str | None = None
    if len(place) == 1:
        city = place[0]
    elif len(place) == 2:
        city, state = place
    return facility, city, state, zip_code, country


def unnumber_row(text: str) -> str:
    return re.sub(r"^\d{1,4}\s+", "", text.strip())


def address(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """``Birmingham, Alabama, United States, 35294`` as city, state, zip, country."""
    parts = [part.strip() for part in unpiped(text).split(",") if part.strip()]
    zip_code: str | None = None
    if len(parts) >= 2 and any(ch.isdigit() for ch in parts[-1]):
        zip_code = parts.pop()
    country_at = _country_suffix(parts)
    if country_at is None:
        return None, None, zip_code, None
    country = ", ".join(parts[country_at:])
    place = parts[:country_at]
    if place and any(ch.isdigit() for ch in place[-1]) and zip_code is None:
        zip_code = place.pop()
    city = place[0] if place else None
    state = ", ".join(place[1:]) or None
    return city, state, zip_code, country


def _country_suffix(parts: Sequence[str]) -> int | None:
    for start in range(max(0, len(parts) - 2), len(parts)):
        if ", ".join(parts[start:]) in COUNTRIES:
            return start
    return None


def is_address(text: str) -> bool:
    return "," in text and address(text)[3] is not None


# --- sites, contacts, investigators ---------------------------------------------------------

_SITE_TABLE = re.compile(
    r"^Site\s*\|?\s*City\s*\|?\s*State\s*\|?\s*Country(?:\s*\|?\s*Postal Code)?\s*\|?$"
)
_PERSON_ROLE = re.compile(
    r"^(Contact|Principal Investigator|Sub-Investigator|Study Chair|Study Director)\s*:\s*(.*)$"
)
_ROLES = {
    "Contact": "CONTACT",
    "Principal Investigator": "PRINCIPAL_INVESTIGATOR",
    "Sub-Investigator": "SUB_INVESTIGATOR",
    "Study Chair": "STUDY_CHAIR",
    "Study Director": "STUDY_DIRECTOR",
}


def sites(lines: Sequence[str]) -> list[Site]:
    body = section(lines, "Locations")
    header = next((i for i, line in enumerate(body) if _SITE_TABLE.match(line)), None)
    if header is not None:
        return _site_table(body[header], [line for line in body[header + 1 :] if line])
    found: list[Site] = []
    pending: list[str] = []
    for line in body:
        if not line or line.startswith(("Layout table", "Show ", "Hide ", "Sort by")):
            continue
        role = _PERSON_ROLE.match(line)
        if role and found:
            contact = contact_from_text(role.group(2), _ROLES[role.group(1)])
            if contact is not None:
                last = found[-1]
                found[-1] = Site(
                    last.facility,
                    last.city,
                    last.state,
                    last.zip,
                    last.country,
                    last.status,
                    contacts=(*last.contacts, contact),
                )
            continue
        if is_address(line):
            city, state, zip_code, country = address(line)
            facility = pending[-1] if pending and not _is_region(pending[-1], country) else None
            found.append(
                Site(facility=facility, city=city, state=state, zip=zip_code, country=country)
            )
            pending = []
            continue
        pending.append(line)
    return found


def _is_region(line: str, country: str | None) -> bool:
    return country is not None and (line == country or line.startswith(country + ", "))


def _site_table(header: str, rows: Sequence[str]) -> list[Site]:
    found: list[Site] = []
    names = [cell.lower() for cell in cells(header)] if "|" in header else []
    for row in rows:
        if names and "|" in row:
            values = dict(zip(names, (unpiped(c) or None for c in cells(row)), strict=False))
            facility = values.get("site")
            if facility:
                facility = re.sub(r"^\d{1,4}\s+", "", facility) or None
            found.append(
                Site(
                    facility=facility,
                    city=values.get("city"),
                    state=values.get("state"),
                    zip=values.get("postal code"),
                    country=values.get("country"),
                )
            )
        else:
            facility, city, state, zip_code, country = site_row(row)
            found.append(
                Site(facility=facility, city=city, state=state, zip=zip_code, country=country)
            )
    return found


def central_contacts(lines: Sequence[str]) -> list[Contact]:
    found: list[Contact] = []
    for line in section(lines, "Contacts"):
        role = _PERSON_ROLE.match(line)
        if role and role.group(1) == "Contact":
            contact = contact_from_text(role.group(2), "CONTACT")
            if contact is not None:
                found.append(contact)
    return found


_NAME_THEN_AFFILIATION = re.compile(
    r"^(.+?,\s*(?:M\.?D\.?|Ph\.?D\.?|MBBS|MPH|MSc|FRCP\w*)(?:,?\s*(?:M\.?D\.?|Ph\.?D\.?|MBBS|MPH|MSc))*)\s+(\S.*)$"
)


def officials(lines: Sequence[str], sponsors: Sequence[str] = ()) -> list[Official]:
    found: list[Official] = []
    for line in section(lines, "Investigators"):
        role = _PERSON_ROLE.match(unbullet(line))
        if not role or role.group(1) == "Contact" or not role.group(2).strip():
            continue
        text = role.group(2).strip()
        name, affiliation = text, None
        if "|" in text:
            parts = [part for part in cells(text) if part]
            name, affiliation = parts[0], (", ".join(parts[1:]) or None)
        elif sponsor := next((s for s in sponsors if s and text.endswith(" " + s)), None):
            name, affiliation = text[: -len(sponsor)].strip(), sponsor
        elif match := _NAME_THEN_AFFILIATION.match(text):
            name, affiliation = match.group(1), match.group(2)
        found.append(Official(name=name, role=_ROLES[role.group(1)], affiliation=affiliation))
    return found


def sponsors_section(lines: Sequence[str], is_label: Callable[[str], bool]) -> list[Organisation]:
    """The "Sponsors and Collaborators" list: the lead sponsor first."""
    start = next(
        (i for i, line in enumerate(lines) if unbullet(line) == "Sponsors and Collaborators"), None
    )
    if start is None:
        return []
    found: list[Organisation] = []
    for line in lines[start + 1 :]:
        if not line:
            continue
        if is_heading(line) or is_label(line):
            break
        org = organisation(line)
        if org is not None:
            found.append(org)
    return found


# --- status, masking ---------------------------------------------------------------------

_STATUS_SENTENCES: tuple[tuple[str, Status], ...] = (
    ("has been completed", "COMPLETED"),
    ("is ongoing, but not recruiting", "ACTIVE_NOT_RECRUITING"),
    ("is currently recruiting", "RECRUITING"),
    ("is not yet open for participant recruitment", "NOT_YET_RECRUITING"),
    ("has been terminated", "TERMINATED"),
    ("has been withdrawn", "WITHDRAWN"),
    ("has been suspended", "SUSPENDED"),
    ("is enrolling participants by invitation", "ENROLLING_BY_INVITATION"),
    ("recruitment status of this study is unknown", "UNKNOWN"),
)


def status_sentence(lines: Sequence[str]) -> tuple[Status | None, str | None]:
    """The status the older pages state in a sentence: "This study has been completed."."""
    for index, line in enumerate(lines[:80]):
        if not line.startswith(("This study ", "The recruitment status")):
            continue
        for phrase, status in _STATUS_SENTENCES:
            if phrase in line:
                why = None
                nxt = next_filled(lines, index + 1, min(len(lines), index + 2))
                if status in {"TERMINATED", "WITHDRAWN", "SUSPENDED"} and nxt is not None:
                    reason = re.fullmatch(r"\(\s*(.+?)\s*\)", lines[nxt])
                    why = reason.group(1) if reason else None
                return status, why
    return None, None


_WHO_MASKED = {
    "participant": "PARTICIPANT",
    "subject": "PARTICIPANT",
    "care provider": "CARE_PROVIDER",
    "caregiver": "CARE_PROVIDER",
    "investigator": "INVESTIGATOR",
    "outcomes assessor": "OUTCOMES_ASSESSOR",
}


def who_masked(masking: str | None) -> tuple[str, ...]:
    """``Double (Participant, Investigator)`` as the roles masked."""
    paren = re.search(r"\(([^()]+)\)", masking) if masking else None
    if paren is None:
        return ()
    parts = [part.strip().lower() for part in paren.group(1).split(",")]
    return tuple(_WHO_MASKED[part] for part in parts if part in _WHO_MASKED)


# --- eligibility, identifiers ------------------------------------------------------------


def eligibility(
    lines: Sequence[str],
    *,
    ages: str | None,
    sexes: str | None,
    healthy: str | None,
    population: str | None,
    sampling: str | None,
    is_label: Callable[[str], bool],
) -> Eligibility | None:
    """Ages, sexes, volunteers and the criteria text with its inclusion and exclusion items."""
    minimum, maximum, std_ages = age_range(ages)
    criteria_lines = _criteria_lines(lines, is_label)
    criteria = block_text(criteria_lines)
    inclusion, exclusion = (
        split_criteria(criteria_for_split(criteria_lines)) if criteria else ((), ())
    )
    facts = (minimum, maximum, std_ages, criteria, sexes, healthy, population, sampling)
    if not any(facts):
        return None
    return Eligibility(
        criteria_text=criteria,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=minimum,
        maximum_age=maximum,
        sex=sex_value(sexes),
        healthy_volunteers=yes_no(healthy),
        std_ages=std_ages,
        study_population=population,
        sampling_method=sampling,
    )


_CRITERIA_START = re.compile(r"^(?:Key )?Inclusion Criteria\b", re.IGNORECASE)
_CRITERIA_END = {
    "Contacts and Locations",
    "Contacts",
    "Locations",
    "Sponsors and Collaborators",
    "Investigators",
    "More Information",
    "Study Results",
}


def _criteria_lines(lines: Sequence[str], is_label: Callable[[str], bool]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if _CRITERIA_START.match(unbullet(line))), None)
    if start is None:
        heading = next((i for i, line in enumerate(lines) if line == "Criteria"), None)
        if heading is None:
            return []
        start = heading + 1
    body: list[str] = []
    for line in lines[start:]:
        bare = unbullet(line).rstrip(":")
        if bare in _CRITERIA_END or (line and is_label(line) and not _CRITERIA_START.match(line)):
            break
        body.append(line)
    return body


_ID_TYPES = (
    ("Registry Identifier", "REGISTRY"),
    ("U.S. NIH Grant/Contract", "NIH"),
    ("U.S. FDA Grant/Contract", "FDA"),
    ("EudraCT Number", "EUDRACT_NUMBER"),
    ("CTIS", "CTIS"),
    ("Other Grant/Funding Number", "OTHER_GRANT"),
    ("Other Identifier", "OTHER"),
)


def identifier(text: str) -> Identifier:
    """``EAY131 ( Other Identifier: ECOG-ACRIN Cancer Research Group )`` as an Identifier."""
    value = text.strip()
    match = re.fullmatch(r"(.+?)\s+\(\s*(.+?)\s*\)", value)
    if match:
        for phrase, kind in _ID_TYPES:
            if match.group(2).startswith(phrase):
                domain = match.group(2)[len(phrase) :].lstrip(": ").strip() or None
                return Identifier(match.group(1).strip(), kind, domain)
    return Identifier(value)
