"""ClinicalTrials.gov API v2 JSON: one study, a list, an API page, or JSON Lines.

The raw layer here is the API's own dict; ``study_to_trial`` is the only place
that knows its field names.
"""

from __future__ import annotations

import json
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
    Reference,
    ResponsibleParty,
    Site,
    Source,
    Trial,
)
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.common import (
    arm_type_value,
    clean,
    intervention_type_value,
    is_nct_id,
    partial_date,
    sex_value,
    split_criteria,
    status_value,
    study_type_value,
)

NAME = "ctgov-json"

_JSON_START = re.compile(r"^\s*[\[{]")


def detect(head: str) -> bool:
    return bool(_JSON_START.match(head)) and (
        '"protocolSection"' in head or '"studies"' in head or '"nctId"' in head
    )


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    for index, study in _studies(text, document.name):
        if isinstance(study, InputError):
            yield study
            continue
        try:
            yield study_to_trial(study, file=document.name, index=index)
        except InputError as error:
            yield error
        except _WrongType as error:
            record = _nct_id_of(study) or f"#{index}"
            field = error.locate(study)
            yield InputError(error.message, file=document.name, record=record, field=field)
        except (TypeError, AttributeError, ValueError) as error:
            # A field of the wrong JSON type deep in the record.
            record = _nct_id_of(study) or f"#{index}"
            yield InputError(f"unexpected structure: {error}", file=document.name, record=record)


def _studies(text: str, name: str) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    try:
        data = _loads(text)
    except json.JSONDecodeError as whole_error:
        # Not one JSON value: perhaps JSON Lines, one study per line.
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise InputError(f"malformed JSON: {whole_error}", file=name) from None
        for number, line in enumerate(lines, start=1):
            try:
                item = _loads(line)
            except json.JSONDecodeError as error:
                yield (
                    number - 1,
                    InputError(
                        f"malformed JSON on line {number}: {error}",
                        file=name,
                        record=f"line {number}",
                    ),
                )
                continue
            yield from _unwrap(item, name, number - 1)
        return
    yield from _unwrap(data, name, 0)


def _loads(text: str) -> Any:
    """json.loads, with its other refusals as decode errors.

    Python refuses a number of more than 4300 digits with ValueError and nesting
    deeper than its recursion limit with RecursionError; both are malformed
    records, not crashes.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as error:
        kind = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise json.JSONDecodeError(kind, text[:0], 0) from None


def _unwrap(data: Any, name: str, index: int) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    if isinstance(data, list):
        for offset, item in enumerate(data):
            if isinstance(item, dict):
                yield index + offset, item
            else:
                yield (
                    index + offset,
                    InputError(
                        "a list item is not a study object", file=name, record=f"#{index + offset}"
                    ),
                )
    elif isinstance(data, dict) and isinstance(data.get("studies"), list):
        for offset, item in enumerate(data["studies"]):
            if isinstance(item, dict):
                yield index + offset, item
            else:
                yield (
                    index + offset,
                    InputError(
                        "a studies item is not a study object",
                        file=name,
                        record=f"#{index + offset}",
                    ),
                )
    elif isinstance(data, dict):
        yield index, data
    else:
        raise InputError("JSON is neither a study, a list of studies nor an API page", file=name)


def _nct_id_of(study: dict[str, Any]) -> str | None:
    try:
        ident = _get(study, "protocolSection", "identificationModule")
    except _WrongType:
        return None
    value = ident.get("nctId") if isinstance(ident, dict) else None
    return value if isinstance(value, str) else None


class _WrongType(TypeError):
    """A field of another JSON type than the API gives: reported, never dropped in silence.

    ``path`` runs from the object the reading function was given (keys, and list
    indices as ints); ``locate`` finds where that object sits in the study.
    """

    def __init__(self, path: tuple[str | int, ...], value: Any, expected: str) -> None:
        self.path = path
        self.value = value
        self.kind = {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
            type(value), "number"
        )
        self.expected = expected
        super().__init__(f"{_field(path)}: {self.message}")

    @property
    def message(self) -> str:
        return f"a JSON {self.kind} where the API gives {self.expected}"

    def locate(self, study: Any) -> str:
        """The field's whole path in the study (only on an error: a walk of the record)."""
        found = _find(study, (), self.path, self.value) or self.path
        # Named as the reader's other messages name fields: from the module on.
        return _field(found[1:] if found[:1] == ("protocolSection",) else found)


def _field(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _follow(node: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
            node = node[part]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def _find(
    node: Any, where: tuple[str | int, ...], path: tuple[str | int, ...], value: Any
) -> tuple[str | int, ...] | None:
    """Where, under ``node``, ``path`` leads to this very ``value``."""
    if isinstance(node, dict):
        if _follow(node, path) is value:
            return where + path
        children: Any = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return None
    for key, child in children:
        found = _find(child, (*where, key), path, value)
        if found is not None:
            return found
    return None


def _get(data: Any, *path: str) -> Any:
    for depth, key in enumerate(path):
        if data is None:
            return None
        if not isinstance(data, dict):
            raise _WrongType(path[:depth], data, "an object")
        data = data.get(key)
    return data


def _module(data: dict[str, Any], key: str) -> dict[str, Any]:
    """A module of the study: an object, or empty when absent."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _WrongType((key,), value, "an object")
    return value


def _list(data: Any, *path: str) -> list[Any]:
    value = _get(data, *path)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _WrongType(path, value, "an array")
    return value


def _str(data: Any, *path: str) -> str | None:
    value = _get(data, *path)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _WrongType(path, value, "a string")
    return clean(value)


def _objects(data: Any, *path: str) -> list[dict[str, Any]]:
    """An array of objects; an item of another type is an error, not skipped."""
    values = _list(data, *path)
    for index, value in enumerate(values):
        if not isinstance(value, dict):
            raise _WrongType((*path, index), value, "an object")
    return values


def _bool(data: Any, *path: str) -> bool | None:
    value = _get(data, *path)
    if value is None or isinstance(value, bool):
        return value
    raise _WrongType(path, value, "a boolean")


def _strs(data: Any, *path: str) -> tuple[str, ...]:
    values = _list(data, *path)
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise _WrongType((*path, index), value, "a string")
    return tuple(v.strip() for v in values if v.strip())


def _organisation(data: Any) -> Organisation | None:
    name = _str(data, "name")
    return Organisation(name, _str(data, "class")) if name else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def study_to_trial(study: dict[str, Any], *, file: str | None, index: int = 0) -> Trial:
    """The domain Trial of one API v2 study object."""
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        raise InputError(
            "no protocolSection", file=file, record=f"#{index}", field="protocolSection"
        )
    nct_id = _str(protocol, "identificationModule", "nctId")
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

    ident = _module(protocol, "identificationModule")
    status = _module(protocol, "statusModule")
    sponsors = _module(protocol, "sponsorCollaboratorsModule")
    description = _module(protocol, "descriptionModule")
    conditions = _module(protocol, "conditionsModule")
    design = _module(protocol, "designModule")
    design_info = _module(design, "designInfo")
    arms_module = _module(protocol, "armsInterventionsModule")
    outcomes_module = _module(protocol, "outcomesModule")
    eligibility_module = protocol.get("eligibilityModule")
    contacts = _module(protocol, "contactsLocationsModule")
    derived = _module(study, "derivedSection")

    def when(key: str, field: str) -> Any:
        struct = status.get(key)
        if struct is None:
            return None
        if not isinstance(struct, dict):
            raise _WrongType(("statusModule", key), struct, "an object")
        return partial_date(
            struct.get("date"), struct.get("type"), file=file, record=nct_id, field=field
        )

    def plain_date(key: str) -> Any:
        return partial_date(
            _str(status, key), None, file=file, record=nct_id, field=f"statusModule.{key}"
        )

    enrollment = _get(design, "enrollmentInfo", "count")
    if enrollment is not None and not (
        isinstance(enrollment, int) and not isinstance(enrollment, bool)
    ):
        raise InputError(
            f"enrollment count {enrollment!r} is not a whole number",
            file=file,
            record=nct_id,
            field="designModule.enrollmentInfo.count",
        )

    overall_status = _str(status, "overallStatus")
    if overall_status is not None and status_value(overall_status) is None:
        raise InputError(
            f"unknown overall status {overall_status!r}",
            file=file,
            record=nct_id,
            field="statusModule.overallStatus",
        )

    secondary = tuple(
        Identifier(value, _str(item, "type"), _str(item, "domain"))
        for item in _list(ident, "secondaryIdInfos")
        if (value := _str(item, "id"))
    )

    arms = tuple(
        Arm(
            label=label,
            type=arm_type_value(_str(item, "type")),
            description=_str(item, "description"),
            intervention_names=_strs(item, "interventionNames"),
        )
        for item in _list(arms_module, "armGroups")
        if (label := _str(item, "label"))
    )
    interventions = tuple(
        Intervention(
            name=name,
            type=intervention_type_value(_str(item, "type")),
            description=_str(item, "description"),
            other_names=_strs(item, "otherNames"),
            arm_labels=_strs(item, "armGroupLabels"),
        )
        for item in _list(arms_module, "interventions")
        if (name := _str(item, "name"))
    )
    outcomes = tuple(
        Outcome(kind, measure, _str(item, "timeFrame"), _str(item, "description"))
        for kind, key in (
            ("PRIMARY", "primaryOutcomes"),
            ("SECONDARY", "secondaryOutcomes"),
            ("OTHER", "otherOutcomes"),
        )
        for item in _list(outcomes_module, key)
        if (measure := _str(item, "measure"))
    )

    eligibility = None
    if eligibility_module is not None and not isinstance(eligibility_module, dict):
        raise _WrongType(("eligibilityModule",), eligibility_module, "an object")
    if isinstance(eligibility_module, dict):
        criteria = _str(eligibility_module, "eligibilityCriteria")
        inclusion, exclusion = split_criteria(criteria)
        healthy = _bool(eligibility_module, "healthyVolunteers")
        eligibility = Eligibility(
            criteria_text=criteria,
            inclusion=inclusion,
            exclusion=exclusion,
            minimum_age=_str(eligibility_module, "minimumAge"),
            maximum_age=_str(eligibility_module, "maximumAge"),
            sex=sex_value(_str(eligibility_module, "sex")),
            healthy_volunteers=healthy,
            std_ages=_strs(eligibility_module, "stdAges"),
            study_population=_str(eligibility_module, "studyPopulation"),
            sampling_method=_str(eligibility_module, "samplingMethod"),
        )

    def coordinate(item: dict[str, Any], index: int, key: str) -> float | None:
        value = _get(item, "geoPoint", key)
        if value is None:
            return None
        number = _float(value)
        if number is None or not math.isfinite(number):
            raise InputError(
                f"the site's coordinate {value!r} is not a finite number",
                file=file,
                record=nct_id,
                field=f"contactsLocationsModule.locations[{index}].geoPoint.{key}",
            )
        return number

    sites = tuple(
        Site(
            facility=_str(item, "facility"),
            city=_str(item, "city"),
            state=_str(item, "state"),
            zip=_str(item, "zip"),
            country=_str(item, "country"),
            status=_str(item, "status"),
            latitude=coordinate(item, index, "lat"),
            longitude=coordinate(item, index, "lon"),
            contacts=tuple(_contact(c) for c in _objects(item, "contacts")),
        )
        for index, item in enumerate(_objects(contacts, "locations"))
    )

    responsible = sponsors.get("responsibleParty")
    responsible_party = None
    if isinstance(responsible, dict) and responsible:
        responsible_party = ResponsibleParty(
            type=_str(responsible, "type"),
            name=_str(responsible, "investigatorFullName"),
            title=_str(responsible, "investigatorTitle"),
            affiliation=_str(responsible, "investigatorAffiliation"),
        )

    return Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=file,
            record_index=index,
            last_update=_str(status, "lastUpdatePostDateStruct", "date")
            or _str(status, "lastUpdateSubmitDate"),
        ),
        brief_title=_str(ident, "briefTitle"),
        official_title=_str(ident, "officialTitle"),
        acronym=_str(ident, "acronym"),
        org_study_id=_str(ident, "orgStudyIdInfo", "id"),
        secondary_ids=secondary,
        overall_status=status_value(overall_status),
        last_known_status=status_value(_str(status, "lastKnownStatus")),
        why_stopped=_str(status, "whyStopped"),
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
        study_type=study_type_value(_str(design, "studyType")),
        phases=_phases(design, file=file, record=nct_id),
        allocation=_str(design_info, "allocation"),
        intervention_model=_str(design_info, "interventionModel"),
        observational_model=_str(design_info, "observationalModel"),
        time_perspective=_str(design_info, "timePerspective"),
        primary_purpose=_str(design_info, "primaryPurpose"),
        masking=_str(design_info, "maskingInfo", "masking"),
        who_masked=_strs(design_info, "maskingInfo", "whoMasked"),
        enrollment=enrollment,
        enrollment_type=_str(design, "enrollmentInfo", "type") if enrollment is not None else None,
        brief_summary=_str(description, "briefSummary"),
        detailed_description=_str(description, "detailedDescription"),
        conditions=_strs(conditions, "conditions"),
        keywords=_strs(conditions, "keywords"),
        lead_sponsor=_organisation(sponsors.get("leadSponsor")),
        collaborators=tuple(
            org
            for item in _list(sponsors, "collaborators")
            if (org := _organisation(item)) is not None
        ),
        responsible_party=responsible_party,
        officials=tuple(
            Official(name, _str(item, "role"), _str(item, "affiliation"))
            for item in _list(contacts, "overallOfficials")
            if (name := _str(item, "name"))
        ),
        central_contacts=tuple(_contact(c) for c in _objects(contacts, "centralContacts")),
        arms=arms,
        interventions=interventions,
        outcomes=outcomes,
        eligibility=eligibility,
        sites=sites,
        references=tuple(
            Reference(
                citation=_str(item, "citation"), pmid=_str(item, "pmid"), type=_str(item, "type")
            )
            for item in _objects(protocol, "referencesModule", "references")
            if _str(item, "citation") or _str(item, "pmid")
        ),
        condition_meshes=_meshes(derived, "conditionBrowseModule"),
        intervention_meshes=_meshes(derived, "interventionBrowseModule"),
        has_results=_bool(study, "hasResults"),
    )


def _phases(design: dict[str, Any], *, file: str | None, record: str) -> tuple[str, ...]:
    phases = _strs(design, "phases")
    for phase in phases:
        if phase not in PHASES:
            raise InputError(
                f"unknown phase {phase!r}; expected one of {', '.join(sorted(PHASES))}",
                file=file,
                record=record,
                field="designModule.phases",
            )
    return phases


def _contact(data: dict[str, Any]) -> Contact:
    phone = _str(data, "phone")
    extension = _str(data, "phoneExt")
    if phone and extension:
        phone = f"{phone} ext {extension}"
    return Contact(
        name=_str(data, "name"), role=_str(data, "role"), phone=phone, email=_str(data, "email")
    )


def _meshes(derived: dict[str, Any], module: str) -> tuple[MeshTerm, ...]:
    return tuple(
        MeshTerm(mesh_id, _str(item, "term"))
        for item in _list(derived, module, "meshes")
        if (mesh_id := _str(item, "id"))
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
