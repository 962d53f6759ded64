"""Legacy ClinicalTrials.gov XML: the ``<clinical_study>`` records of the old public.xsd.

The registry served this format until 2024; AACT's test data and the old bulk
download (a zip of one file per study) still hold it. The raw layer is the
parsed element tree; ``study_to_trial`` is the only place that knows its
element names, and ``ctgov_xml_values`` reads the single values.

Entity declarations and external references are refused, so an entity-expansion
bomb or an ``<!ENTITY x SYSTEM "file:...">`` fails at once with an InputError, and
no file or URL is ever read. Both need a document type declaration: a document
without one (every registry record) goes to the standard library's C parser, which
then can expand nothing but XML's five predefined entities; any other goes to
defusedxml's, which refuses them (and runs at half the speed).

Where the XML says less than the API v2 JSON, or says it another way:

* an arm lists no interventions; the interventions name their arms, and
  ``Arm.intervention_names`` is filled from those links, spelt as the API
  spells them ("Drug: Afatinib");
* MeSH browse terms come without descriptor ids: ``condition_meshes`` and
  ``intervention_meshes`` hold the headings alone, which the linker resolves
  to descriptors by an exact lookup of the MeSH terms in the shipped lexicon;
* secondary ids come without their type;
* a backup contact is one more CONTACT after the main one, as in the API; a
  site's investigators are its contacts too, with the role the XML gives them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element, ParseError, XMLParser

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from trialkg.errors import InputError
from trialkg.model import (
    Arm,
    Contact,
    Eligibility,
    Identifier,
    Intervention,
    MeshTerm,
    Official,
    Organisation,
    Outcome,
    Purpose,
    Reference,
    ResponsibleParty,
    Site,
    Source,
    Trial,
)
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.common import stated_date, yes_no
from trialkg.readers.ctgov_xml_results import read_results
from trialkg.readers.ctgov_xml_values import (
    RecordValues,
    V,
    block,
    criteria_lists,
    design,
    key,
    person,
    text,
    texts,
    who_masked,
)
from trialkg.readers.protocol_details import xml_details
from trialkg.text import enum_value, is_nct_id
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

NAME = "ctgov-xml"
ROOT = "clinical_study"

_ROOT_TAG = re.compile(r"<clinical_study[\s/>]")
_AGENCY_CLASSES = {"U_S_FED": "FED", "INDIVIDUAL": "INDIV", "AMBIGUOUS": "AMBIG"}
_PURPOSES: dict[str, Purpose] = {"EDUCATIONAL_COUNSELING_TRAINING": "ECT"}
_SAMPLING = frozenset({"PROBABILITY_SAMPLE", "NON_PROBABILITY_SAMPLE"})
_NOT_STATED = frozenset({"N/A", "NA", "NONE"})


def detect(head: str) -> bool:
    """True when the first element, after a declaration, comments or a doctype, is the study."""
    rest = head.lstrip("\ufeff \t\r\n")
    while rest.startswith("<?") or rest.startswith("<!"):
        if rest.startswith("<!--"):
            end, skip = rest.find("-->"), 3
        elif rest.startswith("<!DOCTYPE") and "[" in rest[: rest.find(">") + 1]:
            end, skip = rest.find("]>"), 2  # an internal subset, perhaps with entities
        else:
            end, skip = rest.find(">"), 1
        if end < 0:
            return False
        rest = rest[end + skip :].lstrip()
    return _ROOT_TAG.match(rest) is not None


def _without_doctype(data: bytes) -> bool:
    """Whether the document surely has no document type declaration: it is in an
    encoding that spells ``<!DOCTYPE`` in ASCII bytes (not UTF-16 or UTF-32), and those
    bytes are not there."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        return False
    return b"<!DOCTYPE" not in data


def parse(data: bytes, name: str | None = None) -> Element:
    """The document's root element; an InputError for malformed or unsafe XML."""
    try:
        root: Element
        if _without_doctype(data):
            parser = XMLParser()
            parser.feed(data)
            root = parser.close()
        else:
            root = fromstring(data, forbid_entities=True, forbid_external=True)
    except ParseError as error:
        line, column = error.position
        reason = re.sub(r":\s*line \d+, column \d+$", "", str(error))
        raise InputError(
            f"malformed XML at line {line}, column {column}: {reason}", file=name
        ) from None
    except EntitiesForbidden as error:
        raise InputError(
            f"the XML declares the entity {error.name!r}; trialkg does not expand XML entities "
            "(registry records declare none, and expanding them is a known attack)",
            file=name,
        ) from None
    except (ExternalReferenceForbidden, DTDForbidden):
        raise InputError(
            "the XML refers to an external document; trialkg fetches no external DTD or entity",
            file=name,
        ) from None
    return root


def read(document: Document) -> Iterator[RecordResult]:
    root = parse(document.data, document.name)
    if root.tag != ROOT:
        raise InputError(
            f"the root element is <{root.tag}>, not <{ROOT}>: "
            "this is not a ClinicalTrials.gov study record",
            file=document.name,
        )
    try:
        yield study_to_trial(root, file=document.name)
    except InputError as error:
        yield error


def study_to_trial(study: Element, *, file: str | None, index: int = 0) -> Trial:
    """The domain Trial of one <clinical_study> element."""
    nct_id = text(study, "id_info/nct_id")
    where = {"file": file, "record": f"#{index}", "field": "id_info/nct_id"}
    if not nct_id:
        raise InputError("the study has no NCT id", **where)
    if not is_nct_id(nct_id):
        raise InputError(f"{nct_id!r} is not an NCT id (NCT and eight digits)", **where)
    values = RecordValues(file, nct_id)

    phase = text(study, "phase")
    phases = phase_values(phase)
    if phase and not phases:
        raise values.error(f"unknown phase {phase!r}", "phase")
    plan = design(study)
    enrollment, enrollment_type = values.enrollment(study)
    interventions = _interventions(study, values)
    eligibility = study.find("eligibility")
    last_update = values.date(study, "last_update_posted")
    # Records before 2017 have only the submission date, as "lastchanged_date".
    submitted = text(study, "last_update_submitted") or text(study, "lastchanged_date")

    def design_value(name: str, translate: Callable[[str], V | None]) -> V | None:
        return values.enum(plan.get(name), translate, f"study_design_info/{name}")

    return Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            structured=True,
            file=file,
            record_index=index,
            last_update=last_update or stated_date(submitted),
        ),
        brief_title=text(study, "brief_title"),
        official_title=text(study, "official_title"),
        acronym=text(study, "acronym"),
        org_study_id=text(study, "id_info/org_study_id"),
        secondary_ids=tuple(Identifier(value) for value in texts(study, "id_info/secondary_id")),
        overall_status=values.enum(text(study, "overall_status"), status_value, "overall_status"),
        last_known_status=values.enum(
            text(study, "last_known_status"), status_value, "last_known_status"
        ),
        why_stopped=text(study, "why_stopped"),
        start_date=values.date(study, "start_date"),
        primary_completion_date=values.date(study, "primary_completion_date"),
        completion_date=values.date(study, "completion_date"),
        first_posted=values.date(study, "study_first_posted"),
        last_update_posted=last_update,
        status_verified=values.date(study, "verification_date"),
        study_type=values.enum(text(study, "study_type"), study_type_value, "study_type"),
        phases=phases,
        allocation=design_value("allocation", allocation_value),
        intervention_model=design_value("intervention_model", intervention_model_value),
        observational_model=design_value("observational_model", observational_model_value),
        time_perspective=design_value("time_perspective", time_perspective_value),
        primary_purpose=design_value(
            "primary_purpose", lambda v: _PURPOSES.get(key(v) or "") or purpose_value(v)
        ),
        masking=design_value("masking", masking_value),
        who_masked=who_masked(plan.get("masking")),
        enrollment=enrollment,
        enrollment_type=enrollment_type,
        brief_summary=block(study, "brief_summary"),
        detailed_description=block(study, "detailed_description"),
        conditions=texts(study, "condition"),
        keywords=texts(study, "keyword"),
        lead_sponsor=_organisation(study.find("sponsors/lead_sponsor")),
        collaborators=tuple(
            org for item in study.findall("sponsors/collaborator") if (org := _organisation(item))
        ),
        responsible_party=_responsible_party(study.find("responsible_party")),
        officials=tuple(
            Official(name, key(text(item, "role")), text(item, "affiliation"))
            for item in study.findall("overall_official")
            if (name := person(item))
        ),
        central_contacts=_contacts(study, "overall_contact", "overall_contact_backup"),
        arms=_arms(study, interventions, values),
        interventions=tuple(intervention for intervention, _ in interventions),
        outcomes=tuple(
            Outcome(kind, measure, text(item, "time_frame"), text(item, "description"))
            for kind in ("PRIMARY", "SECONDARY", "OTHER")
            for item in study.findall(f"{kind.lower()}_outcome")
            if (measure := text(item, "measure"))
        ),
        eligibility=_eligibility(eligibility, values) if eligibility is not None else None,
        sites=tuple(_site(item, values) for item in study.findall("location")),
        references=tuple(
            Reference(citation=text(item, "citation"), pmid=text(item, "PMID"), type=kind)
            for kind, tag in (("BACKGROUND", "reference"), ("RESULT", "results_reference"))
            for item in study.findall(tag)
            if text(item, "citation") or text(item, "PMID")
        ),
        has_results=study.find("clinical_results") is not None,
        condition_meshes=_headings(study, "condition_browse"),
        intervention_meshes=_headings(study, "intervention_browse"),
        results=read_results(study),
        details=xml_details(study),
    )


def _headings(study: Element, browse: str) -> tuple[MeshTerm, ...]:
    """The MeSH headings of a browse list, as written; the XML gives no descriptor ids."""
    return tuple(MeshTerm(None, term) for term in texts(study, f"{browse}/mesh_term"))


def _interventions(
    study: Element, values: RecordValues
) -> tuple[tuple[Intervention, str | None], ...]:
    """Each intervention with its type as the record spells it ("Dietary Supplement")."""
    found = []
    for item in study.findall("intervention"):
        name = text(item, "intervention_name")
        if not name:
            continue
        type_text = text(item, "intervention_type")
        intervention = Intervention(
            name=name,
            type=values.enum(type_text, intervention_type_value, "intervention/intervention_type"),
            description=text(item, "description"),
            other_names=texts(item, "other_name"),
            arm_labels=texts(item, "arm_group_label"),
        )
        found.append((intervention, type_text))
    return tuple(found)


def _arms(
    study: Element,
    interventions: tuple[tuple[Intervention, str | None], ...],
    values: RecordValues,
) -> tuple[Arm, ...]:
    arms = []
    for item in study.findall("arm_group"):
        label = text(item, "arm_group_label")
        if not label:
            continue
        # The XML links arms from the intervention's side; the API's arms name theirs as "Drug: X".
        names = (
            f"{type_text}: {intervention.name}" if type_text else intervention.name
            for intervention, type_text in interventions
            if label in intervention.arm_labels
        )
        arm_type = text(item, "arm_group_type")
        arms.append(
            Arm(
                label=label,
                type=values.enum(arm_type, arm_type_value, "arm_group/arm_group_type"),
                description=text(item, "description"),
                intervention_names=tuple(dict.fromkeys(names)),
            )
        )
    return tuple(arms)


def _eligibility(element: Element, values: RecordValues) -> Eligibility:
    criteria = block(element, "criteria")
    inclusion, exclusion = criteria_lists(criteria)
    sampling = text(element, "sampling_method")
    return Eligibility(
        criteria_text=criteria,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=_age(text(element, "minimum_age")),
        maximum_age=_age(text(element, "maximum_age")),
        sex=values.enum(text(element, "gender"), sex_value, "eligibility/gender"),
        healthy_volunteers=yes_no(text(element, "healthy_volunteers")),
        study_population=block(element, "study_pop"),
        sampling_method=values.enum(
            sampling, lambda v: enum_value(v, _SAMPLING), "eligibility/sampling_method"
        ),
    )


def _age(value: str | None) -> str | None:
    # The XML writes "N/A" where the record states no age limit.
    return None if value is None or value.upper() in _NOT_STATED else value


def _organisation(element: Element | None) -> Organisation | None:
    name = text(element, "agency")
    if not name:
        return None
    agency_class = key(text(element, "agency_class"))
    return Organisation(name, _AGENCY_CLASSES.get(agency_class or "", agency_class))


def _responsible_party(element: Element | None) -> ResponsibleParty | None:
    if element is None:
        return None
    party = ResponsibleParty(
        type=key(text(element, "responsible_party_type")),
        # Records before 2017 give one "name_title" and an "organization" instead.
        name=text(element, "investigator_full_name") or text(element, "name_title"),
        title=text(element, "investigator_title"),
        affiliation=text(element, "investigator_affiliation") or text(element, "organization"),
    )
    return party if party != ResponsibleParty() else None


def _contact(element: Element, role: str | None) -> Contact | None:
    phone = text(element, "phone")
    extension = text(element, "phone_ext")
    if phone and extension:
        phone = f"{phone} ext {extension}"
    contact = Contact(name=person(element), role=role, phone=phone, email=text(element, "email"))
    return contact if (contact.name or contact.phone or contact.email) else None


def _contacts(element: Element, contact_tag: str, backup_tag: str) -> tuple[Contact, ...]:
    # The API v2 (and the shapes) have no backup role: a backup is a second CONTACT.
    items = element.findall(contact_tag) + element.findall(backup_tag)
    return tuple(contact for item in items if (contact := _contact(item, "CONTACT")))


def _site(element: Element, values: RecordValues) -> Site:
    investigators = tuple(
        contact
        for item in element.findall("investigator")
        if (contact := _contact(item, key(text(item, "role"))))
    )
    return Site(
        facility=text(element, "facility/name"),
        city=text(element, "facility/address/city"),
        state=text(element, "facility/address/state"),
        zip=text(element, "facility/address/zip"),
        country=text(element, "facility/address/country"),
        status=values.enum(text(element, "status"), status_value, "location/status"),
        contacts=_contacts(element, "contact", "contact_backup") + investigators,
    )


READER = Reader(
    name=NAME,
    description="ClinicalTrials.gov legacy XML (<clinical_study>, public.xsd), one study per "
    "file, as AACT and the old bulk download zip hold them",
    detect=detect,
    read=read,
)
