"""ClinicalTrials.gov API v2 JSON: one study, a list, an API page, or JSON Lines.

The raw layer here is the API's own dict; ``study_to_trial`` is the only place
that knows its field names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from trialkg.errors import InputError
from trialkg.model import (
    PHASES,
    Arm,
    Contact,
    Eligibility,
    Identifier,
    Intervention,
    MeshTerm,
    Official,
    Organisation,
    Outcome,
    OutcomeKind,
    Phase,
    Reference,
    ResponsibleParty,
    Site,
    Source,
    Trial,
)
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.common import partial_date, split_criteria, stated_date
from trialkg.readers.ctgov_json_results import read_results
from trialkg.readers.ctgov_json_studies import studies
from trialkg.readers.json_fields import (
    WrongType,
    array,
    boolean,
    controlled,
    get,
    module,
    number,
    objects,
    string,
    strings,
)
from trialkg.readers.protocol_details import json_details
from trialkg.text import is_nct_id
from trialkg.values import (
    allocation_value,
    arm_type_value,
    date_type_value,
    intervention_model_value,
    intervention_type_value,
    masking_value,
    observational_model_value,
    purpose_value,
    sex_value,
    status_value,
    study_type_value,
    time_perspective_value,
)

NAME = "ctgov-json"

_JSON_START = re.compile(r"^\s*[\[{]")
_PHASES: dict[str, Phase] = {phase: phase for phase in PHASES}
_OUTCOME_LISTS: tuple[tuple[OutcomeKind, str], ...] = (
    ("PRIMARY", "primaryOutcomes"),
    ("SECONDARY", "secondaryOutcomes"),
    ("OTHER", "otherOutcomes"),
)


def detect(head: str) -> bool:
    return bool(_JSON_START.match(head)) and (
        '"protocolSection"' in head or '"studies"' in head or '"nctId"' in head
    )


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    for index, study in studies(text, document.name, len(document.data)):
        if isinstance(study, InputError):
            yield study
            continue
        try:
            yield study_to_trial(study, file=document.name, index=index)
        except InputError as error:
            yield error
        except WrongType as error:
            # Only what the data can cause is caught here: a bug in the reader is not
            # dressed up as a fault of the record.
            record = _nct_id_of(study) or f"#{index}"
            field = error.locate(study)
            yield InputError(
                error.message, file=document.name, record=record, field=field, kind=error.error_kind
            )


def _nct_id_of(study: dict[str, Any]) -> str | None:
    try:
        ident = get(study, "protocolSection", "identificationModule")
    except WrongType:
        return None
    value = ident.get("nctId") if isinstance(ident, dict) else None
    return value if isinstance(value, str) else None


def _organisation(data: Any) -> Organisation | None:
    name = string(data, "name")
    return Organisation(name, string(data, "class")) if name else None


def study_to_trial(study: dict[str, Any], *, file: str | None, index: int = 0) -> Trial:
    """The domain Trial of one API v2 study object."""
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        raise InputError(
            "no protocolSection", file=file, record=f"#{index}", field="protocolSection"
        )
    nct_id = string(protocol, "identificationModule", "nctId")
    if not nct_id:
        raise InputError(
            "the study has no NCT id",
            file=file,
            record=f"#{index}",
            field="identificationModule.nctId",
        )
    if not is_nct_id(nct_id):
        raise InputError(
            f"{nct_id!r} is not an NCT id (NCT and eight digits)",
            file=file,
            record=f"#{index}",
            field="identificationModule.nctId",
        )

    ident = module(protocol, "identificationModule")
    status = module(protocol, "statusModule")
    sponsors = module(protocol, "sponsorCollaboratorsModule")
    description = module(protocol, "descriptionModule")
    conditions = module(protocol, "conditionsModule")
    design = module(protocol, "designModule")
    design_info = module(design, "designInfo")
    arms_module = module(protocol, "armsInterventionsModule")
    outcomes_module = module(protocol, "outcomesModule")
    eligibility_module = protocol.get("eligibilityModule")
    contacts = module(protocol, "contactsLocationsModule")
    derived = module(study, "derivedSection")

    def when(key: str, field: str) -> Any:
        struct = status.get(key)
        if struct is None:
            return None
        if not isinstance(struct, dict):
            raise WrongType(("statusModule", key), struct, "an object")
        date, kind = struct.get("date"), struct.get("type")
        for name, value in (("date", date), ("type", kind)):
            if value is not None and not isinstance(value, str):
                raise WrongType(("statusModule", key, name), value, "a string")
        return partial_date(date, kind, file=file, record=nct_id, field=field)

    def plain_date(key: str) -> Any:
        return partial_date(
            string(status, key), None, file=file, record=nct_id, field=f"statusModule.{key}"
        )

    enrollment = get(design, "enrollmentInfo", "count")
    if enrollment is not None and not (
        isinstance(enrollment, int) and not isinstance(enrollment, bool)
    ):
        raise InputError(
            f"enrollment count {enrollment!r} is not a whole number",
            file=file,
            record=nct_id,
            field="designModule.enrollmentInfo.count",
        )

    overall_status = string(status, "overallStatus")
    if overall_status is not None and status_value(overall_status) is None:
        raise InputError(
            f"unknown overall status {overall_status!r}",
            file=file,
            record=nct_id,
            field="statusModule.overallStatus",
        )

    secondary = tuple(
        Identifier(value, string(item, "type"), string(item, "domain"))
        for item in array(ident, "secondaryIdInfos")
        if (value := string(item, "id"))
    )

    arms = tuple(
        Arm(
            label=label,
            type=arm_type_value(string(item, "type")),
            description=string(item, "description"),
            intervention_names=strings(item, "interventionNames"),
        )
        for item in array(arms_module, "armGroups")
        if (label := string(item, "label"))
    )
    interventions = tuple(
        Intervention(
            name=name,
            type=intervention_type_value(string(item, "type")),
            description=string(item, "description"),
            other_names=strings(item, "otherNames"),
            arm_labels=strings(item, "armGroupLabels"),
        )
        for item in array(arms_module, "interventions")
        if (name := string(item, "name"))
    )
    outcomes = tuple(
        Outcome(kind, measure, string(item, "timeFrame"), string(item, "description"))
        for kind, key in _OUTCOME_LISTS
        for item in array(outcomes_module, key)
        if (measure := string(item, "measure"))
    )

    eligibility = None
    if eligibility_module is not None and not isinstance(eligibility_module, dict):
        raise WrongType(("eligibilityModule",), eligibility_module, "an object")
    if isinstance(eligibility_module, dict):
        criteria = string(eligibility_module, "eligibilityCriteria")
        inclusion, exclusion = split_criteria(criteria)
        healthy = boolean(eligibility_module, "healthyVolunteers")
        eligibility = Eligibility(
            criteria_text=criteria,
            inclusion=inclusion,
            exclusion=exclusion,
            minimum_age=string(eligibility_module, "minimumAge"),
            maximum_age=string(eligibility_module, "maximumAge"),
            sex=sex_value(string(eligibility_module, "sex")),
            healthy_volunteers=healthy,
            std_ages=strings(eligibility_module, "stdAges"),
            study_population=string(eligibility_module, "studyPopulation"),
            sampling_method=string(eligibility_module, "samplingMethod"),
        )

    def coordinate(item: dict[str, Any], index: int, key: str) -> float | None:
        value = get(item, "geoPoint", key)
        if value is None:
            return None
        found = number(value)
        if found is None or not math.isfinite(found):
            raise InputError(
                f"the site's coordinate {value!r} is not a finite number",
                file=file,
                record=nct_id,
                field=f"contactsLocationsModule.locations[{index}].geoPoint.{key}",
            )
        return found

    sites = tuple(
        Site(
            facility=string(item, "facility"),
            city=string(item, "city"),
            state=string(item, "state"),
            zip=string(item, "zip"),
            country=string(item, "country"),
            status=controlled(status_value, item, "status"),
            latitude=coordinate(item, index, "lat"),
            longitude=coordinate(item, index, "lon"),
            contacts=tuple(_contact(c) for c in objects(item, "contacts")),
        )
        for index, item in enumerate(objects(contacts, "locations"))
    )

    responsible = sponsors.get("responsibleParty")
    responsible_party = None
    if isinstance(responsible, dict) and responsible:
        responsible_party = ResponsibleParty(
            type=string(responsible, "type"),
            name=string(responsible, "investigatorFullName"),
            title=string(responsible, "investigatorTitle"),
            affiliation=string(responsible, "investigatorAffiliation"),
        )

    return Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            structured=True,
            file=file,
            record_index=index,
            last_update=stated_date(
                string(status, "lastUpdatePostDateStruct", "date")
                or string(status, "lastUpdateSubmitDate")
            ),
        ),
        brief_title=string(ident, "briefTitle"),
        official_title=string(ident, "officialTitle"),
        acronym=string(ident, "acronym"),
        org_study_id=string(ident, "orgStudyIdInfo", "id"),
        secondary_ids=secondary,
        overall_status=status_value(overall_status),
        last_known_status=status_value(string(status, "lastKnownStatus")),
        why_stopped=string(status, "whyStopped"),
        start_date=when("startDateStruct", "statusModule.startDateStruct.date"),
        primary_completion_date=when(
            "primaryCompletionDateStruct", "statusModule.primaryCompletionDateStruct.date"
        ),
        completion_date=when("completionDateStruct", "statusModule.completionDateStruct.date"),
        first_posted=when("studyFirstPostDateStruct", "statusModule.studyFirstPostDateStruct.date"),
        last_update_posted=when(
            "lastUpdatePostDateStruct", "statusModule.lastUpdatePostDateStruct.date"
        ),
        status_verified=plain_date("statusVerifiedDate"),
        study_type=study_type_value(string(design, "studyType")),
        phases=_phases(design, file=file, record=nct_id),
        allocation=controlled(allocation_value, design_info, "allocation"),
        intervention_model=controlled(intervention_model_value, design_info, "interventionModel"),
        observational_model=controlled(
            observational_model_value, design_info, "observationalModel"
        ),
        time_perspective=controlled(time_perspective_value, design_info, "timePerspective"),
        primary_purpose=controlled(purpose_value, design_info, "primaryPurpose"),
        masking=controlled(masking_value, design_info, "maskingInfo", "masking"),
        who_masked=strings(design_info, "maskingInfo", "whoMasked"),
        enrollment=enrollment,
        enrollment_type=controlled(date_type_value, design, "enrollmentInfo", "type")
        if enrollment is not None
        else None,
        brief_summary=string(description, "briefSummary"),
        detailed_description=string(description, "detailedDescription"),
        conditions=strings(conditions, "conditions"),
        keywords=strings(conditions, "keywords"),
        lead_sponsor=_organisation(sponsors.get("leadSponsor")),
        collaborators=tuple(
            org
            for item in array(sponsors, "collaborators")
            if (org := _organisation(item)) is not None
        ),
        responsible_party=responsible_party,
        officials=tuple(
            Official(name, string(item, "role"), string(item, "affiliation"))
            for item in array(contacts, "overallOfficials")
            if (name := string(item, "name"))
        ),
        central_contacts=tuple(_contact(c) for c in objects(contacts, "centralContacts")),
        arms=arms,
        interventions=interventions,
        outcomes=outcomes,
        eligibility=eligibility,
        sites=sites,
        references=tuple(
            Reference(
                citation=string(item, "citation"),
                pmid=string(item, "pmid"),
                type=string(item, "type"),
            )
            for item in objects(protocol, "referencesModule", "references")
            if string(item, "citation") or string(item, "pmid")
        ),
        condition_meshes=_meshes(derived, "conditionBrowseModule"),
        intervention_meshes=_meshes(derived, "interventionBrowseModule"),
        has_results=boolean(study, "hasResults"),
        results=read_results(study),
        details=json_details(protocol),
    )


def _phases(design: dict[str, Any], *, file: str | None, record: str) -> tuple[Phase, ...]:
    phases: list[Phase] = []
    for phase in strings(design, "phases"):
        known = _PHASES.get(phase)
        if known is None:
            raise InputError(
                f"unknown phase {phase!r}; expected one of {', '.join(sorted(PHASES))}",
                file=file,
                record=record,
                field="designModule.phases",
            )
        phases.append(known)
    return tuple(phases)


def _contact(data: dict[str, Any]) -> Contact:
    phone = string(data, "phone")
    extension = string(data, "phoneExt")
    if phone and extension:
        phone = f"{phone} ext {extension}"
    return Contact(
        name=string(data, "name"),
        role=string(data, "role"),
        phone=phone,
        email=string(data, "email"),
    )


def _meshes(derived: dict[str, Any], module: str) -> tuple[MeshTerm, ...]:
    return tuple(
        MeshTerm(mesh_id, string(item, "term"))
        for item in array(derived, module, "meshes")
        if (mesh_id := string(item, "id"))
    )


READER = Reader(
    name=NAME,
    description=(
        "ClinicalTrials.gov API v2 JSON: a study, a list of studies, an API page, "
        "JSON Lines, or the bulk download zip of per-study files"
    ),
    detect=detect,
    read=read,
)
