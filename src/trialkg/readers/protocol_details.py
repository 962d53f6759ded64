"""Protocol fields beyond the core model, from API v2 JSON and legacy XML.

Oversight (a data monitoring committee, FDA regulation), sample retention,
expanded access, the plan to share individual participant data (IPD), the
target duration of an observational study, and the record's web links. Each
function is the only place that knows its format's names for them; enumerated
words are spelt as the API spells them.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from trialkg.readers.common import yes_no
from trialkg.readers.ctgov_xml_values import block, key, text, texts
from trialkg.readers.json_fields import boolean, module, objects, string, strings
from trialkg.results_model import ProtocolDetails, WebLink

# The XML's IPD document types, by their key, in the API's spelling.
_IPD_TYPES = {
    "STUDY_PROTOCOL": "STUDY_PROTOCOL",
    "STATISTICAL_ANALYSIS_PLAN_SAP": "SAP",
    "INFORMED_CONSENT_FORM_ICF": "ICF",
    "CLINICAL_STUDY_REPORT_CSR": "CSR",
    "ANALYTIC_CODE": "ANALYTIC_CODE",
}


def json_details(protocol: dict[str, Any]) -> ProtocolDetails | None:
    """The details an API v2 protocol section states; None when it states none."""
    oversight = module(protocol, "oversightModule")
    status = module(protocol, "statusModule")
    design = module(protocol, "designModule")
    ipd = module(protocol, "ipdSharingStatementModule")
    links = tuple(
        WebLink(url, string(item, "label"))
        for item in objects(protocol, "referencesModule", "seeAlsoLinks")
        if (url := string(item, "url"))
    )
    details = ProtocolDetails(
        has_dmc=boolean(oversight, "oversightHasDmc"),
        fda_regulated_drug=boolean(oversight, "isFdaRegulatedDrug"),
        fda_regulated_device=boolean(oversight, "isFdaRegulatedDevice"),
        unapproved_device=boolean(oversight, "isUnapprovedDevice"),
        us_export=boolean(oversight, "isUsExport"),
        has_expanded_access=boolean(status, "expandedAccessInfo", "hasExpandedAccess"),
        expanded_access_nct_id=string(status, "expandedAccessInfo", "nctId"),
        biospecimen_retention=string(design, "bioSpec", "retention"),
        biospecimen_description=string(design, "bioSpec", "description"),
        target_duration=string(design, "targetDuration"),
        patient_registry=boolean(design, "patientRegistry"),
        ipd_sharing=string(ipd, "ipdSharing"),
        ipd_description=string(ipd, "description"),
        ipd_info_types=strings(ipd, "infoTypes"),
        ipd_time_frame=string(ipd, "timeFrame"),
        ipd_access_criteria=string(ipd, "accessCriteria"),
        ipd_url=string(ipd, "url"),
        web_links=links,
    )
    return details if details != ProtocolDetails() else None


def xml_details(study: Element) -> ProtocolDetails | None:
    """The details a legacy XML record states; None when it states none."""
    ipd = study.find("patient_data")
    info_types = tuple(
        _IPD_TYPES.get(found, found)
        for value in (texts(ipd, "ipd_info_type") if ipd is not None else ())
        if (found := key(value))
    )
    details = ProtocolDetails(
        has_dmc=yes_no(text(study, "oversight_info/has_dmc")),
        fda_regulated_drug=yes_no(text(study, "oversight_info/is_fda_regulated_drug")),
        fda_regulated_device=yes_no(text(study, "oversight_info/is_fda_regulated_device")),
        unapproved_device=yes_no(text(study, "oversight_info/is_unapproved_device")),
        us_export=yes_no(text(study, "oversight_info/is_us_export")),
        has_expanded_access=yes_no(text(study, "has_expanded_access")),
        biospecimen_retention=key(text(study, "biospec_retention")),
        biospecimen_description=block(study, "biospec_descr"),
        target_duration=text(study, "target_duration"),
        patient_registry=yes_no(text(study, "patient_registry")),
        ipd_sharing=key(text(ipd, "sharing_ipd")),
        ipd_description=text(ipd, "ipd_description"),
        ipd_info_types=info_types,
        ipd_time_frame=text(ipd, "ipd_time_frame"),
        ipd_access_criteria=text(ipd, "ipd_access_criteria"),
        ipd_url=text(ipd, "ipd_url"),
        web_links=tuple(
            WebLink(url, text(item, "description"))
            for item in study.findall("link")
            if (url := text(item, "url"))
        ),
    )
    return details if details != ProtocolDetails() else None
