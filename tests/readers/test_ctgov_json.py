"""The ClinicalTrials.gov API v2 JSON reader: every shape the API gives, and bad input."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import JSON_DIR
from trialkg.errors import InputError
from trialkg.model import Trial
from trialkg.readers import Document, read_document, read_paths

AFATINIB = JSON_DIR / "NCT02369484.json"


def _study(path: Path = AFATINIB) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _read(data: bytes, name: str = "test.json") -> list[Trial | InputError]:
    return list(read_document(Document(name, data)))


def test_single_study_maps_every_module() -> None:
    (trial,) = _read(AFATINIB.read_bytes())
    assert isinstance(trial, Trial)
    assert trial.nct_id == "NCT02369484"
    assert trial.brief_title == "Afatinib in NSCLC With HER2 Mutation"
    assert trial.acronym == "NICHE"
    assert trial.org_study_id == "ETOP 7-14"
    assert [(i.value, i.type) for i in trial.secondary_ids] == [
        ("2014-005098-35", "EUDRACT_NUMBER"),
        ("1200.230", "OTHER"),
        ("SNCTP000001674", "REGISTRY"),
    ]
    assert trial.overall_status == "COMPLETED"
    assert trial.start_date is not None and trial.start_date.value == "2015-09-16"
    assert trial.start_date.type == "ACTUAL"
    assert trial.status_verified is not None and trial.status_verified.value == "2022-08"
    assert trial.phases == ("PHASE2",)
    assert trial.study_type == "INTERVENTIONAL"
    assert (trial.allocation, trial.intervention_model, trial.masking) == (
        "NA",
        "SINGLE_GROUP",
        "NONE",
    )
    assert (trial.enrollment, trial.enrollment_type) == (13, "ACTUAL")
    assert (
        trial.lead_sponsor is not None
        and trial.lead_sponsor.name == "ETOP IBCSG Partners Foundation"
    )
    assert trial.lead_sponsor.agency_class == "NETWORK"
    (intervention,) = trial.interventions
    assert intervention.other_names == ("Giotrif", "BIBW 2992")
    assert intervention.arm_labels == ("Afatinib",)
    assert trial.arms[0].intervention_names == ("Drug: Afatinib",)
    assert [m.id for m in trial.intervention_meshes] == ["D000077716"]
    assert trial.eligibility is not None
    assert (
        trial.eligibility.inclusion[0]
        == "Histologically or cytologically confirmed non small cell lung cancer"
    )
    assert trial.eligibility.exclusion[-1].startswith(
        "Patient who received treatment with an investigational drug"
    )
    assert trial.sites[0].facility == "Universitätsklinikum Köln"
    assert trial.sites[0].latitude == pytest.approx(50.93333)
    assert trial.has_results is True


def test_a_list_an_api_page_and_json_lines_give_the_same_trials() -> None:
    studies = [_study(JSON_DIR / name) for name in ("NCT02369484.json", "NCT02856893.json")]
    as_list = _read(json.dumps(studies).encode())
    as_page = _read(json.dumps({"studies": studies, "nextPageToken": "abc"}).encode())
    as_lines = _read("\n".join(json.dumps(s) for s in studies).encode(), "page.jsonl")
    ids = ["NCT02369484", "NCT02856893"]
    for result in (as_list, as_page, as_lines):
        assert [t.nct_id for t in result if isinstance(t, Trial)] == ids
    # Same content, whatever the wrapper: only the position in the file differs.
    assert as_list[1].brief_title == as_page[1].brief_title == as_lines[1].brief_title


def test_bulk_zip_and_directory(tmp_path: Path) -> None:
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("NCT02369484.json", "NCT02856893.json"):
            zipped.write(JSON_DIR / name, arcname=name)
    results = list(read_paths([archive]))
    assert [t.nct_id for t in results if isinstance(t, Trial)] == ["NCT02369484", "NCT02856893"]
    assert results[0].source.file == "ctg-studies.json.zip!NCT02369484.json"
    from_dir = [t for t in read_paths([JSON_DIR]) if isinstance(t, Trial)]
    assert len(from_dir) == 110


def test_malformed_json_names_the_file() -> None:
    (error,) = _read(b'{"protocolSection": {"identificationModule": ]}}', "broken.json")
    assert isinstance(error, InputError)
    assert error.file == "broken.json"
    assert "malformed JSON" in str(error)


def test_a_record_without_nct_id_is_reported_and_the_rest_kept() -> None:
    good = _study()
    bad = _study()
    del bad["protocolSection"]["identificationModule"]["nctId"]
    results = _read(json.dumps({"studies": [bad, good]}).encode(), "page.json")
    error, trial = results
    assert isinstance(error, InputError) and isinstance(trial, Trial)
    assert (error.file, error.record, error.field) == (
        "page.json",
        "#0",
        "identificationModule.nctId",
    )


def test_an_unparseable_date_names_record_and_field() -> None:
    study = _study()
    study["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "sometime in spring"
    (error,) = _read(json.dumps(study).encode(), "x.json")
    assert isinstance(error, InputError)
    assert error.record == "NCT02369484"
    assert error.field == "statusModule.startDateStruct.date"
    assert "sometime in spring" in str(error)


def test_unknown_phase_and_wrong_types_are_input_errors() -> None:
    study = _study()
    study["protocolSection"]["designModule"]["phases"] = ["PHASE9"]
    (error,) = _read(json.dumps(study).encode())
    assert isinstance(error, InputError) and error.field == "designModule.phases"
    study = _study()
    study["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "many"
    (error,) = _read(json.dumps(study).encode())
    assert isinstance(error, InputError) and error.field == "designModule.enrollmentInfo.count"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (
            "protocolSection.designModule.designInfo.allocation",
            "SOMETIMES",
            "designModule.designInfo.allocation",
        ),
        (
            "protocolSection.designModule.designInfo.maskingInfo.masking",
            "HIDDEN",
            "designModule.designInfo.maskingInfo.masking",
        ),
        (
            "protocolSection.designModule.enrollmentInfo.type",
            "GUESSED",
            "designModule.enrollmentInfo.type",
        ),
        (
            "protocolSection.contactsLocationsModule.locations.1.status",
            "OPEN_SOON",
            "contactsLocationsModule.locations[1].status",
        ),
    ],
)
def test_a_controlled_value_the_model_does_not_know_names_its_field(
    path: str, value: str, field: str
) -> None:
    """The API spells its controlled values as the model does; another value is refused
    with the field named, not written into the graph."""
    study = _study()
    _set(study, path, value)
    (error,) = _read(json.dumps(study).encode())
    assert isinstance(error, InputError), error
    assert (error.record, error.field, error.kind) == ("NCT02369484", field, "bad-record")
    assert error.message == f"unknown value {value!r}"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "46.5", True])
def test_a_site_coordinate_that_is_not_a_finite_number_names_the_site(value: object) -> None:
    """Python's JSON parser takes NaN and Infinity; a coordinate must be a finite number."""
    study = _study()
    study["protocolSection"]["contactsLocationsModule"]["locations"][1]["geoPoint"]["lon"] = value
    (error,) = _read(json.dumps(study).encode())
    assert isinstance(error, InputError) and error.record == "NCT02369484"
    assert error.field == "contactsLocationsModule.locations[1].geoPoint.lon"


def _set(study: dict, path: str, value: object) -> None:
    *parents, last = path.split(".")
    node = study
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[int(last) if isinstance(node, list) else last] = value


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("protocolSection.designModule.phases", "PHASE2", "designModule.phases"),
        (
            "protocolSection.contactsLocationsModule.locations.0",
            "Zurich",
            "contactsLocationsModule.locations[0]",
        ),
        (
            "protocolSection.eligibilityModule.healthyVolunteers",
            "yes",
            "eligibilityModule.healthyVolunteers",
        ),
        ("protocolSection.statusModule.startDateStruct", "2015-09", "statusModule.startDateStruct"),
        (
            "protocolSection.identificationModule.briefTitle",
            {"text": "A title"},
            "identificationModule.briefTitle",
        ),
        ("protocolSection.conditionsModule.keywords", ["NSCLC", 7], "conditionsModule.keywords[1]"),
        ("hasResults", "true", "hasResults"),
    ],
)
def test_a_field_of_another_json_type_is_reported_not_dropped(
    path: str, value: object, field: str
) -> None:
    """The API's own records never do this; a damaged or hand-made one may. The record is
    rejected with the field named, rather than read without the field."""
    study = _study()
    _set(study, path, value)
    (error,) = _read(json.dumps(study).encode())
    assert isinstance(error, InputError), error
    assert (error.record, error.field) == ("NCT02369484", field)
    assert "JSON" in error.message


def test_absent_fields_stay_absent() -> None:
    study = {
        "protocolSection": {"identificationModule": {"nctId": "NCT01234567", "briefTitle": "A"}}
    }
    (trial,) = _read(json.dumps(study).encode())
    assert isinstance(trial, Trial)
    assert trial.phases == () and trial.enrollment is None and trial.eligibility is None
    assert trial.overall_status is None and trial.lead_sponsor is None and trial.sites == ()
