"""The layout profiles: each site that has a layout of its own, as data.

One entry per site, in the order detection tries them (the registry in
``readers/__init__`` places them among the other readers). What each field means is
said on ``Profile`` in ``readers.pages.profiles``; ``docs/pages.md`` shows how to add one.
"""

from __future__ import annotations

from trialkg.readers.page_vocabulary import ID_FIELD
from trialkg.readers.pages.profiles import Profile

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
        name="inclinicaltrials",
        site="inclinicaltrials.com",
        description="inclinicaltrials.com trial pages "
        "(administrative rows, eligibility, interventions, site countries and states)",
        # A two-column table flattened to text: each row is the label, a space and the value
        # ("NCT number NCT02509026", "Age group 18 Years to 49 Years"). Sections follow:
        # "Clinical Trial Summary", "Description:", the criteria, and "Intervention" as a
        # type line ("Biological:"), a name and a description. The site writes "Est." before
        # every completion date, whatever the record says: not the date's type.
        markers=("Clinical Trial Details \u2014 Status:",),
        marker_labels=("NCT number", "Other study ID #"),
        row_labels={
            "nct": ("NCT number",),
            "org_study_id": ("Other study ID #",),
            "secondary_id": ("Secondary ID",),
            "status": ("Status",),
            "phase": ("Phase",),
            "first_posted": ("First received",),
            "last_update_posted": ("Last updated",),
            "start": ("Start date",),
            "completion": ("Est. completion date", "Completion date"),
            "primary_completion": ("Est. primary completion date", "Primary completion date"),
            "verified": ("Verified date",),
            "study_type": ("Study type",),
            "enrollment": ("Enrollment",),
            "healthy": ("Accepts healthy volunteers",),
            "sex": ("Gender",),
            "ages": ("Age group",),
            "eligibility": ("Eligibility",),
        },
        labels={
            "brief_summary": ("Clinical Trial Summary",),
            "detailed_description": ("Description",),
            "interventions": ("Intervention",),
            "sites": ("Locations",),
        },
        sections=(
            "Administrative data",
            "Study information",
            "Recruitment information / eligibility",
            "Study Design",
            "Related Conditions & MeSH terms",
            "Outcome",
            "Reference & Publications",
        ),
        site_table="Country Name City State",
        date_types=False,
        fields=frozenset(
            [
                "org_study_id",
                "secondary_ids",
                "overall_status",
                "phases",
                "start_date",
                "primary_completion_date",
                "completion_date",
                "first_posted",
                "last_update_posted",
                "status_verified",
                "study_type",
                "enrollment",
                "brief_summary",
                "detailed_description",
                "interventions",
                "eligibility",
                "sites",
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
