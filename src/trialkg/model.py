"""The domain model: what trialkg means by a trial, whatever format it came from.

Every reader returns these frozen dataclasses; the mapping turns them into RDF.
A field the record does not state is ``None`` (or an empty tuple), never a guess.

Enumerated values use the ClinicalTrials.gov API v2 spelling (``RECRUITING``,
``PHASE2``, ``INTERVENTIONAL``, ``DRUG`` ...), whatever spelling the source used;
the readers translate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from trialkg.results_model import ProtocolDetails, Results

# Allowed values, shared by readers (to translate), the mapping and the shapes. Each is a
# ``Literal`` type for the fields that hold it, and the set of its members for checks.
Status = Literal[
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
]
Phase = Literal["EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"]
StudyType = Literal["INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"]
InterventionType = Literal[
    "DRUG",
    "DEVICE",
    "BIOLOGICAL",
    "PROCEDURE",
    "RADIATION",
    "BEHAVIORAL",
    "GENETIC",
    "DIETARY_SUPPLEMENT",
    "COMBINATION_PRODUCT",
    "DIAGNOSTIC_TEST",
    "OTHER",
]
ArmType = Literal[
    "EXPERIMENTAL",
    "ACTIVE_COMPARATOR",
    "PLACEBO_COMPARATOR",
    "SHAM_COMPARATOR",
    "NO_INTERVENTION",
    "OTHER",
]
DateType = Literal["ACTUAL", "ESTIMATED"]
Sex = Literal["ALL", "FEMALE", "MALE"]
OutcomeKind = Literal["PRIMARY", "SECONDARY", "OTHER"]
Allocation = Literal["RANDOMIZED", "NON_RANDOMIZED", "NA"]
InterventionModel = Literal["SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"]
Masking = Literal["NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"]
Purpose = Literal[
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
]
ObservationalModel = Literal[
    "COHORT",
    "CASE_CONTROL",
    "CASE_ONLY",
    "CASE_CROSSOVER",
    "ECOLOGIC_OR_COMMUNITY",
    "FAMILY_BASED",
    "DEFINED_POPULATION",
    "NATURAL_HISTORY",
    "OTHER",
]
TimePerspective = Literal["RETROSPECTIVE", "PROSPECTIVE", "CROSS_SECTIONAL", "OTHER"]

STATUSES: frozenset[Status] = frozenset(get_args(Status))
PHASES: frozenset[Phase] = frozenset(get_args(Phase))
STUDY_TYPES: frozenset[StudyType] = frozenset(get_args(StudyType))
INTERVENTION_TYPES: frozenset[InterventionType] = frozenset(get_args(InterventionType))
ARM_TYPES: frozenset[ArmType] = frozenset(get_args(ArmType))
DATE_TYPES: frozenset[DateType] = frozenset(get_args(DateType))
SEXES: frozenset[Sex] = frozenset(get_args(Sex))
OUTCOME_KINDS: frozenset[OutcomeKind] = frozenset(get_args(OutcomeKind))
ALLOCATIONS: frozenset[Allocation] = frozenset(get_args(Allocation))
INTERVENTION_MODELS: frozenset[InterventionModel] = frozenset(get_args(InterventionModel))
MASKINGS: frozenset[Masking] = frozenset(get_args(Masking))
PURPOSES: frozenset[Purpose] = frozenset(get_args(Purpose))
OBSERVATIONAL_MODELS: frozenset[ObservationalModel] = frozenset(get_args(ObservationalModel))
TIME_PERSPECTIVES: frozenset[TimePerspective] = frozenset(get_args(TimePerspective))


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as precise as the record states it: ``2023``, ``2023-09`` or ``2023-09-15``."""

    value: str
    type: DateType | None = None  # when the record says


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    agency_class: str | None = None  # INDUSTRY, NIH, FED, OTHER_GOV, NETWORK, OTHER ...


@dataclass(frozen=True, slots=True)
class ResponsibleParty:
    type: str | None = None  # SPONSOR, PRINCIPAL_INVESTIGATOR, SPONSOR_INVESTIGATOR
    name: str | None = None
    title: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Official:
    name: str
    role: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A central or site contact. Phone and e-mail are only kept on request."""

    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Site:
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: Status | None = None
    latitude: float | None = None
    longitude: float | None = None
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True, slots=True)
class Intervention:
    name: str
    type: InterventionType | None = None
    description: str | None = None
    other_names: tuple[str, ...] = ()
    arm_labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Arm:
    label: str
    type: ArmType | None = None
    description: str | None = None
    # Interventions as the record names them, "Drug: Afatinib" or plain "Afatinib".
    intervention_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: OutcomeKind
    measure: str
    time_frame: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Eligibility:
    criteria_text: str | None = None
    inclusion: tuple[str, ...] = ()
    exclusion: tuple[str, ...] = ()
    minimum_age: str | None = None  # as stated: "18 Years"
    maximum_age: str | None = None
    sex: Sex | None = None
    healthy_volunteers: bool | None = None
    std_ages: tuple[str, ...] = ()
    study_population: str | None = None
    sampling_method: str | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    value: str
    type: str | None = None  # ORG_STUDY_ID, EUDRACT_NUMBER, NIH, REGISTRY, OTHER ...
    domain: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    citation: str | None = None
    pmid: str | None = None
    type: str | None = None  # BACKGROUND, RESULT, DERIVED


@dataclass(frozen=True, slots=True)
class MeshTerm:
    """A MeSH heading the registry indexed a trial with.

    The API v2 JSON gives the descriptor's id and its heading; the legacy XML and
    some pages give the heading alone (``id`` None), which the linker may resolve.
    """

    id: str | None  # D000068877; None when the record states the heading only
    term: str | None = None

    def __post_init__(self) -> None:
        if not self.id and not self.term:
            raise ValueError("a MeSH term needs a descriptor id or a heading")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a trial came from (``rdf.iri.source_key`` names its graph from these fields)."""

    reader: str  # the registry name of the reader: "ctgov-json", "ctgov-page" ...
    # A registry record (API v2 JSON, legacy XML): the whole trial, one per trial and
    # reader, more authoritative than a page.
    structured: bool = False
    file: str | None = None  # as given by the user, relative where possible
    record_index: int | None = None  # position within a multi-record file
    last_update: PartialDate | None = None  # the record's own last-update date, when stated
    partial: bool = False  # an excerpt that stops mid-record
    nct_id_from_filename: bool = False
    site: str | None = None  # the web site a page came from, when known
    folder: str | None = None  # the folder the file sits in on disk, when it is a file


@dataclass(frozen=True, slots=True)
class Trial:
    nct_id: str
    source: Source
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    org_study_id: str | None = None
    secondary_ids: tuple[Identifier, ...] = ()
    # status and dates
    overall_status: Status | None = None
    last_known_status: Status | None = None
    why_stopped: str | None = None
    start_date: PartialDate | None = None
    primary_completion_date: PartialDate | None = None
    completion_date: PartialDate | None = None
    first_posted: PartialDate | None = None
    last_update_posted: PartialDate | None = None
    status_verified: PartialDate | None = None
    # design
    study_type: StudyType | None = None
    phases: tuple[Phase, ...] = ()
    allocation: Allocation | None = None
    intervention_model: InterventionModel | None = None
    observational_model: ObservationalModel | None = None
    time_perspective: TimePerspective | None = None
    primary_purpose: Purpose | None = None
    masking: Masking | None = None
    who_masked: tuple[str, ...] = ()
    enrollment: int | None = None
    enrollment_type: DateType | None = None
    # description
    brief_summary: str | None = None
    detailed_description: str | None = None
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # people and organisations
    lead_sponsor: Organisation | None = None
    collaborators: tuple[Organisation, ...] = ()
    responsible_party: ResponsibleParty | None = None
    officials: tuple[Official, ...] = ()
    central_contacts: tuple[Contact, ...] = ()
    # the study's parts
    arms: tuple[Arm, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    eligibility: Eligibility | None = None
    sites: tuple[Site, ...] = ()
    references: tuple[Reference, ...] = ()
    # the registry's own indexing
    condition_meshes: tuple[MeshTerm, ...] = ()
    intervention_meshes: tuple[MeshTerm, ...] = ()
    has_results: bool | None = None
    # The results section, when the record has one; the protocol's further fields.
    results: Results | None = None
    details: ProtocolDetails | None = None
