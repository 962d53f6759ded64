"""Layout profiles: a site's layout as data, read by the general page engine.

A profile names the reader (the name ``trialkg formats`` lists and ``--format`` takes),
the site, the text that marks its pages, the labels it writes on top of the shared
vocabulary (``readers.page_vocabulary``), its headings that carry no value, and the
fields the engine may take from it. A field outside ``fields`` stays absent even when
the engine finds something under a label: a site that writes its own headline, or a lay
summary, states no registry title or summary.

Adding a site whose pages state their facts under labels is one entry in ``PROFILES``
and a real page with its golden file in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from trialkg.errors import InputError
from trialkg.model import Trial
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.common import stated_date
from trialkg.readers.labels import (
    SECTION,
    belongs_elsewhere,
    count_label_lines,
    label_key,
    label_map,
)
from trialkg.readers.page_shapes import UPDATE, anchored_head, unflattened
from trialkg.readers.page_vocabulary import GROUPS, ID_FIELD

# What every trial keeps, whatever the profile says.
_ALWAYS = frozenset({"nct_id", "source"})


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    site: str
    description: str
    markers: tuple[str, ...] = ()  # any of these in the head of a text makes it this site's
    # ... and so do ``marker_count`` of these written as label lines ("IRAS ID", alone or
    # before its colon), which one site uses together where other sites use one at most.
    marker_labels: tuple[str, ...] = ()
    marker_count: int = 2
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # field -> labels
    sections: tuple[str, ...] = ()  # headings that end the value before them
    fields: frozenset[str] = frozenset()  # the Trial fields read from the page
    glued: tuple[str, ...] = ()  # labels the site runs into the end of the line before them
    # A head named by place: the line this pattern matches (its first group a date, the
    # page's update date) among the first lines, the fields of the lines just above it and
    # of those under it (``readers.page_shapes.anchored_head``). A page of the site must
    # have that line.
    anchor: str | None = None
    # Labels whose one-line value the site's pages end with, so that a page stopping at
    # the end of that line states it whole (``page_shapes.with_last_value``).
    last_values: tuple[str, ...] = ()
    # Headings that only a whole page reaches (the site's closing notice): with one of
    # them on the page, the page is not an excerpt.
    complete_at: tuple[str, ...] = ()
    # The site runs each criteria list into one line, items joined by " - ".
    flattened_criteria: bool = False
    head_before: tuple[str, ...] = ()
    head_after: tuple[str, ...] = ()
    # What the site prints where it has no value, by Trial field ("enrollment": "0"): absent.
    absent: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def label_lookup(self) -> dict[str, str]:
        """The vocabulary with the site's own labels and headings on top."""
        groups = {key: tuple(values) for key, values in GROUPS.items()}
        for key, values in self.labels.items():
            groups[key] = (*groups.get(key, ()), *values)
        groups[SECTION] = (*groups.get(SECTION, ()), *self.sections)
        # The site's labels win over the vocabulary's when both name the same words.
        lookup = label_map(groups)
        lookup.update(label_map({**self.labels, SECTION: self.sections}))
        return lookup


PROFILES: tuple[Profile, ...] = (
    Profile(
        name="ignite-sd",
        site="ignite-sd.com",
        description="ignite-sd.com module pages (NCT id, summaries)",
        # The pages show one module of the API record as "Label: value" lines. The site's
        # own creation and modification dates are when it copied the record, not when the
        # record changed: headings here, never an update date.
        markers=("Ignite Creation Date:", "Module path is as follows"),
        labels={"nct": ("NCT ID",)},
        sections=(
            "Study",
            "Study Brief",
            "Protocol Section",
            "Ignite Creation Date",
            "Ignite Modification Date",
        ),
        fields=frozenset(
            {"brief_title", "official_title", "acronym", "brief_summary", "detailed_description"}
        ),
    ),
    Profile(
        name="hra",
        site="hra.nhs.uk",
        description="UK Health Research Authority research summaries "
        "(full title, sponsor, identifiers)",
        # Bulleted labels, each over its value. The short title over them is the HRA's own,
        # and the research summary is a lay summary written for the HRA: neither is the
        # registry's title or summary. "Clinicaltrials.gov Identifier" sometimes holds
        # another number ("125379, IND number"): only an NCT id under it names the trial.
        marker_labels=("IRAS ID", "Research type", "Sponsor organisation"),
        labels={
            "nct": ("Clinicaltrials.gov Identifier",),
            "official_title": ("Full title",),
            "sponsor": ("Sponsor organisation",),
            "eudract": ("Eudract number",),
            ID_FIELD + "IRAS": ("IRAS ID",),
        },
        sections=(
            "Research type",
            "Duration of Study in the UK",
            "Research summary",
            "Summary of Research",
            "REC name",
            "REC reference",
            "Date of REC Opinion",
            "REC opinion",
            "Data collection arrangements",
            "Research programme",
            "Storage license",
            "Research database title",
            "Establishment organisation",
            "Establishment organisation address",
        ),
        fields=frozenset({"official_title", "secondary_ids", "lead_sponsor", "central_contacts"}),
    ),
    Profile(
        name="biotechhunter",
        site="biotechhunter.com",
        description="biotechhunter.com trial pages "
        "(phase, status, dates, interventions, sites, sponsors)",
        # The title; phase, status and study type run together in the registry's spelling
        # ("PHASE2CompletedINTERVENTIONAL"); the enrollment over the word "Participants"; a
        # timeline of labelled dates; conditions; interventions as a type line ("DRUG"), a
        # name and a description; sites as a postal code over "Facility, City"; sponsors as
        # a role ("lead"), a name and an agency class. The NCT id is only in the page's
        # address, so it comes from the file name when the page does not cite it.
        markers=("All Listed Sponsors",),
        marker_labels=("Participants", "Start Date", "Primary Completion Date", "Trial Locations"),
        marker_count=3,
        labels={
            "enrollment_unit": ("Participants",),
            "completion": ("Study Completion Date",),
            "sites": ("Trial Locations",),
            "sponsor_roles": ("All Listed Sponsors",),
        },
        sections=("Timeline", "Sponsors"),
        fields=frozenset(
            [
                "brief_title",
                "overall_status",
                "study_type",
                "phases",
                "enrollment",
                "start_date",
                "primary_completion_date",
                "completion_date",
                "conditions",
                "interventions",
                "sites",
                "lead_sponsor",
                "collaborators",
            ]
        ),
    ),
    Profile(
        name="trialstoday",
        site="trialstoday.org",
        description="TrialsToday platform trial pages (eligibility, design, arm groups, status)",
        # uams.trialstoday.org and its sister sites: a title (the print view has it),
        # "Purpose", "Condition", "Eligibility" with its labels and the criteria, "Study
        # Design", "Arm Groups" as a table whose cells stand on lines of their own, and "More
        # Details" with the NCT id, status and sponsor, then the site's "Notice".
        marker_labels=("Eligible Ages", "Eligible Genders", "Arm Groups"),
        labels={
            "ages": ("Eligible Ages",),
            "sex": ("Eligible Genders",),
            "conditions": ("Condition",),
            "arms": ("Arm Groups",),
        },
        sections=(
            "Eligibility",
            "Study Design",
            "Recruiting Locations",
            "More Details",
            "Notice",
        ),
        last_values=("NCT ID", "Status", "Sponsor"),
        complete_at=("Notice",),
        flattened_criteria=True,
        fields=frozenset(
            [
                "brief_title",
                "overall_status",
                "study_type",
                "phases",
                "allocation",
                "intervention_model",
                "observational_model",
                "time_perspective",
                "primary_purpose",
                "masking",
                "brief_summary",
                "conditions",
                "lead_sponsor",
                "arms",
                "interventions",
                "eligibility",
            ]
        ),
    ),
    Profile(
        name="ichgcp",
        site="ichgcp.net",
        description="ICH GCP registry mirror pages (titles, summary, design, locations)",
        # ClinicalTrials.gov's layout: the title, "<date> updated by: <org>" (when the
        # mirrored record was last updated), the official title, the brief summary, then
        # "Study Overview" with labels over values, and "Study Locations" as a tree of
        # places over facilities.
        anchor=r"^(.{6,40}?) updated by: .+$",
        head_before=("brief_title",),
        head_after=("official_title", "brief_summary"),
        marker_labels=("Study Overview",),
        marker_count=1,
        labels={"sites": ("Study Locations",)},
        sections=(
            "Study Overview",
            "Contacts and Locations",
            "Study Contact",
            "Participation Criteria",
            "Study Plan",
            "Study Record Dates",
            "Collaborators and Investigators",
            "More Information",
        ),
        fields=frozenset(
            [
                "brief_title",
                "official_title",
                "brief_summary",
                "last_update",
                "study_type",
                "phases",
                "allocation",
                "intervention_model",
                "masking",
                "primary_purpose",
                "enrollment",
                "enrollment_type",
                "sites",
            ]
        ),
    ),
    Profile(
        name="clinicaltrialexchange",
        site="clinicaltrialexchange.com",
        description="clinicaltrialexchange.com trial pages "
        "(status, end date, phase, sponsors, criteria)",
        # "Overview", the title, then labels over their values. The NCT id is only in the
        # page's address, so it comes from the file name. One rendering runs some labels into
        # the value before them ("Phase 4Accepts Healthy Volunteers?") and prints scalar
        # values twice (the first is read). "Treatments" lists the registry's MeSH headings
        # of the interventions ("Antibodies, Monoclonal"), not the interventions.
        marker_labels=("Trial end date", "Target enrollment", "Participant gender"),
        labels={
            "completion": ("Trial end date",),
            "enrollment": ("Target enrollment",),
            "sex": ("Participant gender",),
            "brief_summary": ("Summary",),
            "intervention_meshes": ("Treatments",),
            "eligibility": ("Criteria",),
        },
        sections=("Overview", "Details"),
        glued=(
            "Accepts Healthy Volunteers?",
            "Collaborators:",
            "Collaborator:",
            "Lead Sponsor:",
            "Treatments:",
            "Details",
            "Phase:",
        ),
        # The site prints the Unix epoch for an end date it lacks, and 0 for a count.
        absent={"completion_date": ("1969-12-31",), "enrollment": ("0",)},
        fields=frozenset(
            [
                "brief_title",
                "overall_status",
                "completion_date",
                "phases",
                "enrollment",
                "brief_summary",
                "lead_sponsor",
                "collaborators",
                "eligibility",
                "intervention_meshes",
            ]
        ),
    ),
)


def _stated(value: object) -> str:
    return str(getattr(value, "value", value))


def _kept(trial: Trial, keep: frozenset[str], absent: Mapping[str, tuple[str, ...]]) -> Trial:
    """The trial with only the profile's fields, its id and its source (whose update date
    is the page's only when the profile reads ``last_update``), and without the values the
    site prints for none."""
    cleared: dict[str, Any] = {
        f.name: f.default
        for f in fields(trial)
        if f.name not in keep | _ALWAYS or _stated(getattr(trial, f.name)) in absent.get(f.name, ())
    }
    source = trial.source if "last_update" in keep else replace(trial.source, last_update=None)
    return replace(trial, source=source, **cleared)


def _with_head(
    trial: Trial, text: str, lookup: Mapping[str, str], profile: Profile, anchor: re.Pattern[str]
) -> Trial:
    """The trial with the fields its head names by place, in place of the engine's guesses;
    a field the head does not give stays absent."""
    from trialkg.readers.generic_page import page_structure

    lines, found = page_structure(text, lookup, profile.glued)
    head = anchored_head(lines, found, anchor, profile.head_before, profile.head_after)
    named: dict[str, Any] = {
        name: head.get(name) for name in (*profile.head_before, *profile.head_after)
    }
    source = replace(trial.source, last_update=stated_date(head.get(UPDATE)))
    return replace(trial, source=source, **named)


def _complete(trial: Trial, text: str, lookup: Mapping[str, str], profile: Profile) -> Trial:
    """The trial, not partial when its page reaches a heading only a whole page has."""
    from trialkg.readers.generic_page import page_structure

    _lines, found = page_structure(text, lookup, profile.glued, profile.last_values)
    ends = {label_key(label) for label in profile.complete_at}
    if not any(label_key(hit.label) in ends for hit in found.hits):
        return trial
    return replace(trial, source=replace(trial.source, partial=False))


def profile_reader(profile: Profile) -> Reader:
    """The reader of one profile: detection by its markers, reading by the page engine."""
    from trialkg.readers.generic_page import page_trial

    lookup = profile.label_lookup()

    anchor = re.compile(profile.anchor) if profile.anchor else None

    def detect(head: str) -> bool:
        if belongs_elsewhere(head):
            return False
        if anchor is not None:
            first = [line.strip() for line in head.split("\n", 12)[:12]]
            if not any(anchor.match(line) for line in first):
                return False
        if any(mark in head for mark in profile.markers):
            return True
        return bool(profile.marker_labels) and (
            count_label_lines(head, profile.marker_labels) >= profile.marker_count
        )

    def read(document: Document) -> Iterator[RecordResult]:
        text = document.text()
        if not text.strip():
            raise InputError("the page is empty", file=document.name)
        trial = page_trial(
            text,
            document.name,
            reader=profile.name,
            site=profile.site,
            labels=lookup,
            glued=profile.glued,
            last_values=profile.last_values,
        )
        if anchor is not None:
            trial = _with_head(trial, text, lookup, profile, anchor)
        if profile.complete_at and trial.source.partial:
            trial = _complete(trial, text, lookup, profile)
        if profile.flattened_criteria and trial.eligibility is not None:
            criteria = trial.eligibility
            trial = replace(
                trial,
                eligibility=replace(
                    criteria,
                    inclusion=unflattened(criteria.inclusion),
                    exclusion=unflattened(criteria.exclusion),
                ),
            )
        yield _kept(trial, profile.fields, profile.absent)

    return Reader(profile.name, profile.description, detect, read)
