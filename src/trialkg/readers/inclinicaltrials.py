"""Trial pages of inclinicaltrials.com ("Clinical Trial Details — Status: ...").

The page is a two-column table flattened to text: each row is the label, a
space, and the value ("NCT number NCT02509026", "Age group 18 Years to 49
Years"), so labels are matched as known line prefixes. Sections follow:
"Clinical Trial Summary", "Description:", the eligibility criteria, and
"Intervention" as a type line ("Biological:"), a name and a description.

The site writes "Est." before every completion date, whatever the record says,
so it is not read as the date's type.

The locations table ("Country Name City State") loses its column boundaries in
text: "Australia Genesis Research Services Pty Ltd Broadmeadow New South Wales".
The country leads and is told by the country table; the state ends the row and
is told where the country's states are listed here (the United States, Canada,
Australia). What lies between is the facility and then the city, and no rule
tells where one ends ("SKG Radiology Subiaco Subiaco", "Benson Radiology North
Adelaide"), so both are left unread: each row gives a site with its country and,
where told, its state.
"""

from __future__ import annotations

from collections.abc import Iterator

from trialkg.countries import country_code
from trialkg.model import Eligibility, Identifier, Intervention, PartialDate, Site, Source, Trial
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.labels import (
    SECTION,
    Labelled,
    Line,
    belongs_elsewhere,
    count,
    is_cut,
    label_map,
    page_date,
    page_lines,
    paragraphs,
    resolve_nct_id,
)
from trialkg.readers.page_eligibility import (
    ages,
    criteria,
    healthy_volunteers,
    sex,
)
from trialkg.values import intervention_type_value, phase_values, status_value, study_type_value

NAME = "inclinicaltrials"
SITE = "inclinicaltrials.com"

# Row labels, longest first so that "Est. primary completion date" wins over shorter ones.
_ROWS = sorted(
    {
        "NCT number": "nct",
        "Other study ID #": "org_study_id",
        "Secondary ID": "secondary_id",
        "Status": "status",
        "Phase": "phase",
        "First received": "first_posted",
        "Last updated": "last_update_posted",
        "Start date": "start",
        "Est. completion date": "completion",
        "Completion date": "completion",
        "Est. primary completion date": "primary_completion",
        "Primary completion date": "primary_completion",
        "Verified date": "verified",
        "Study type": "study_type",
        "Enrollment": "enrollment",
        "Accepts healthy volunteers": "healthy",
        "Gender": "sex",
        "Age group": "ages",
        "Eligibility": "eligibility",
    }.items(),
    key=lambda row: -len(row[0]),
)

_ROW_WORDS: dict[str, list[tuple[str, str]]] = {}
for _row in _ROWS:
    _ROW_WORDS.setdefault(_row[0].split()[0], []).append(_row)

_SECTIONS = label_map(
    {
        "summary": ("Clinical Trial Summary",),
        "description": ("Description",),
        "intervention": ("Intervention",),
        "sites": ("Locations",),
        SECTION: (
            "Administrative data",
            "Study information",
            "Recruitment information / eligibility",
            "Study Design",
            "Related Conditions & MeSH terms",
            "Outcome",
            "Reference & Publications",
        ),
    }
)


def detect(head: str) -> bool:
    if belongs_elsewhere(head):
        return False
    return "Clinical Trial Details \u2014 Status:" in head or (
        "\nNCT number NCT" in head and "\nOther study ID #" in head
    )


def _rows(lines: list[Line]) -> tuple[dict[str, str], int | None]:
    """The first value of each row label, and where the criteria start."""
    rows: dict[str, str] = {}
    criteria_at = None
    for index, line in enumerate(lines):
        for label, field in _ROW_WORDS.get(line.text.split(" ", 1)[0], ()):
            if line.text.startswith(label + " ") or line.text == label:
                value = line.text[len(label) :].strip()
                if field == "eligibility":
                    criteria_at = criteria_at if criteria_at is not None else index
                elif value and field not in rows:
                    rows[field] = value
                break
    return rows, criteria_at


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    lines = page_lines(text)
    rows, criteria_at = _rows(lines)
    sections = Labelled(lines, _SECTIONS, inline=False)
    nct_id, from_name = resolve_nct_id(text, document.name, [rows.get("nct")])
    limits = ages(rows.get("ages"))
    criteria_lines: list[str] = []
    if criteria_at is not None:
        first = lines[criteria_at].raw.strip()[len("Eligibility") :].strip()
        end = next((h.index for h in sections.hits if h.index > criteria_at), len(lines))
        criteria_lines = [first] + [line.raw.strip() for line in lines[criteria_at + 1 : end]]
    criteria_text, inclusion, exclusion = criteria(criteria_lines)
    eligibility = Eligibility(
        criteria_text=criteria_text,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=limits.minimum,
        maximum_age=limits.maximum,
        sex=sex(rows.get("sex")),
        healthy_volunteers=healthy_volunteers(rows.get("healthy")),
        std_ages=limits.std_ages,
    )
    enrollment = count(rows.get("enrollment"))

    def date(field: str) -> PartialDate | None:
        return page_date(rows.get(field))

    yield Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=document.name,
            partial=is_cut(text),
            nct_id_from_filename=from_name,
            site=SITE,
        ),
        org_study_id=rows.get("org_study_id"),
        secondary_ids=(Identifier(rows["secondary_id"]),) if "secondary_id" in rows else (),
        overall_status=status_value(rows.get("status")),
        phases=phase_values(rows.get("phase")),
        start_date=date("start"),
        primary_completion_date=date("primary_completion"),
        completion_date=date("completion"),
        first_posted=date("first_posted"),
        last_update_posted=date("last_update_posted"),
        status_verified=date("verified"),
        study_type=study_type_value(rows.get("study_type")),
        enrollment=enrollment,
        brief_summary=paragraphs(sections.block_lines("summary")),
        detailed_description=paragraphs(sections.block_lines("description")),
        interventions=_interventions(sections.block("intervention")),
        eligibility=None if eligibility == Eligibility() else eligibility,
        sites=_sites(sections.block("sites")),
    )


def _interventions(values: list[str]) -> tuple[Intervention, ...]:
    """ "Biological:" then the name, then a description, for each intervention."""
    items: list[Intervention] = []
    position = 0
    while position + 1 < len(values):
        head = values[position]
        kind = intervention_type_value(head.rstrip(":")) if head.endswith(":") else None
        if kind is None:
            break
        name = values[position + 1]
        following = values[position + 2] if position + 2 < len(values) else None
        ends = following is None or following.endswith(":")
        items.append(Intervention(name, kind, None if ends else following))
        position += 2 if ends else 3
    return tuple(items)


_TABLE_HEAD = "Country Name City State"

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
_STATE_WORDS: dict[str, dict[str, str]] = {
    code: {" ".join(name.lower().split()): name for name in names}
    for code, names in _STATES.items()
}
_LONGEST_NAME = 6  # words: "Korea, Democratic People's Republic of"


def _sites(values: list[str]) -> tuple[Site, ...]:
    """Each row of the locations table: its country, and its state where one is told."""
    if not values or " ".join(values[0].split()) != _TABLE_HEAD:
        return ()
    sites: list[Site] = []
    for row in values[1:]:
        words = row.split()
        country = _leading_country(words)
        if country is None:
            break  # not a row of the table: it has ended
        length, code = country
        sites.append(Site(state=_state(words[length:], code), country=" ".join(words[:length])))
    return tuple(sites)


def _leading_country(words: list[str]) -> tuple[int, str] | None:
    """How many words the row's country takes, and its code; the longest name wins."""
    for length in range(min(_LONGEST_NAME, len(words)), 0, -1):
        code = country_code(" ".join(words[:length]))
        if code is not None:
            return length, code
    return None


def _state(words: list[str], code: str) -> str | None:
    """The state that ends the row, when the country's states are known here.

    A facility or city must come before it, so a row of nothing but a state's
    name gives none.
    """
    states = _STATE_WORDS.get(code)
    if not states:
        return None
    for n in range(min(4, len(words) - 1), 0, -1):
        state = states.get(" ".join(words[-n:]).lower())
        if state is not None:
            return state
    return None


READER = Reader(
    name=NAME,
    description="inclinicaltrials.com trial pages "
    "(administrative rows, eligibility, interventions, site countries and states)",
    detect=detect,
    read=read,
)
