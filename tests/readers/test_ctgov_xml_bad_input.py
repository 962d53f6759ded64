"""The legacy XML reader on what it must refuse: bad, unsafe or oversized input."""

from __future__ import annotations

from pathlib import Path

import pytest

from trialkg.errors import InputError
from trialkg.model import Trial
from trialkg.readers import Document, read_document, read_paths
from trialkg.readers.ctgov_xml import detect

BAD = Path(__file__).parent.parent / "fixtures" / "xml" / "bad"


def read_bytes(data: bytes, name: str = "handmade.xml") -> list[Trial | InputError]:
    return list(read_document(Document(name, data), format="ctgov-xml"))


def study(body: str, *, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return f"{prolog}\n<clinical_study>\n{body}\n</clinical_study>\n".encode()


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<?xml version="1.0"?>\n<!-- comment -->\n<clinical_study>\n', True),
        ('\ufeff<clinical_study rank="1">', True),
        ('<!DOCTYPE clinical_study [<!ENTITY a "b">]>\n<clinical_study>', True),
        ('<?xml version="1.0"?>\n<search_results><study>', False),
        ('{"protocolSection": {"identificationModule": {"nctId": "NCT01"}}}', False),
        ("A page that mentions <clinical_study> in its text", False),
        ("<clinical_studyx>", False),
    ],
)
def test_detect(head: str, expected: bool) -> None:
    assert detect(head) is expected


# --- bad input ------------------------------------------------------------------------------


def test_malformed_xml_names_the_file_and_line() -> None:
    (error,) = list(read_paths([BAD / "malformed.xml"]))
    assert isinstance(error, InputError)
    assert error.file == "malformed.xml"
    assert "malformed XML at line 6" in error.message


def test_an_entity_bomb_is_refused() -> None:
    (error,) = list(read_paths([BAD / "billion_laughs.xml"]))
    assert isinstance(error, InputError) and error.file == "billion_laughs.xml"
    assert "entity 'lol'" in error.message


def test_an_external_entity_is_refused_without_reading_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    (error,) = read_bytes(
        study(
            "<id_info><nct_id>NCT09999905</nct_id></id_info><brief_title>&x;</brief_title>",
            prolog=f'<!DOCTYPE clinical_study [<!ENTITY x SYSTEM "{secret.as_uri()}">]>',
        )
    )
    assert isinstance(error, InputError) and "TOP-SECRET" not in str(error)


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    dtd = tmp_path / "study.dtd"
    dtd.write_text('<!ENTITY secret "TOP-SECRET-CONTENT">')
    doctype = f'<!DOCTYPE clinical_study SYSTEM "{dtd.as_uri()}">'
    ident = "<id_info><nct_id>NCT09999906</nct_id></id_info>"
    plain = read_bytes(study(f"{ident}<brief_title>Plain</brief_title>", prolog=doctype))
    assert [t.brief_title for t in plain if isinstance(t, Trial)] == ["Plain"]
    # Had the DTD been read, &secret; would expand; unread, it is an undefined entity.
    (error,) = read_bytes(study(f"{ident}<brief_title>&secret;</brief_title>", prolog=doctype))
    assert isinstance(error, InputError) and "undefined entity" in error.message


def test_an_entity_bomb_in_utf16_is_refused_too() -> None:
    # UTF-16 spells "<!DOCTYPE" with NUL bytes between the letters: a byte search for
    # it finds nothing, so such a document must still go to the refusing parser.
    bomb = (BAD / "billion_laughs.xml").read_text(encoding="utf-8")
    data = bomb.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    (error,) = read_bytes(data)
    assert isinstance(error, InputError) and "entity 'lol'" in error.message


def test_an_entity_without_a_declaration_is_undefined() -> None:
    ident = "<id_info><nct_id>NCT09999907</nct_id></id_info>"
    (error,) = read_bytes(study(f"{ident}<brief_title>&lol9;</brief_title>"))
    assert isinstance(error, InputError) and "undefined entity" in error.message
    assert "line 3, column 60" in error.message


def test_a_record_without_nct_id_names_the_field() -> None:
    (error,) = list(read_paths([BAD / "missing_nct_id.xml"]))
    assert isinstance(error, InputError)
    assert (error.file, error.field) == ("missing_nct_id.xml", "id_info/nct_id")


def test_an_unknown_status_names_record_and_field() -> None:
    (error,) = list(read_paths([BAD / "unknown_status.xml"]))
    assert isinstance(error, InputError)
    assert (error.record, error.field) == ("NCT09999903", "overall_status")
    assert "Paused for lunch" in error.message


def test_another_root_element_is_not_a_study() -> None:
    (error,) = read_bytes(b'<?xml version="1.0"?><search_results count="0"/>')
    assert isinstance(error, InputError) and "<search_results>" in error.message


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('<start_date type="Actual">Someday</start_date>', "start_date"),
        ('<enrollment type="Actual">about 40</enrollment>', "enrollment"),
        ("<phase>Phase 7</phase>", "phase"),
        (
            "<arm_group><arm_group_label>A</arm_group_label><arm_group_type>Bespoke"
            "</arm_group_type></arm_group>",
            "arm_group/arm_group_type",
        ),
    ],
)
def test_unreadable_values_name_their_field(body: str, field: str) -> None:
    (error,) = read_bytes(study(f"<id_info><nct_id>NCT09999907</nct_id></id_info>{body}"))
    assert isinstance(error, InputError)
    assert (error.record, error.field) == ("NCT09999907", field)


def test_a_large_record_reads_whole() -> None:
    locations = "".join(
        f"<location><facility><name>Site {n}</name><address><city>City {n}</city>"
        f"<country>Country</country></address></facility><status>Recruiting</status></location>"
        for n in range(4500)
    )
    criteria = "\n\n".join(f"          -  Criterion {n} " + "word " * 30 for n in range(2000))
    data = study(
        "<id_info><nct_id>NCT09999908</nct_id></id_info>"
        f"<eligibility><criteria><textblock>\n        Inclusion Criteria:\n\n{criteria}\n"
        f"</textblock></criteria></eligibility>{locations}"
    )
    assert len(data) > 1_000_000
    (trial,) = read_bytes(data)
    assert isinstance(trial, Trial) and len(trial.sites) == 4500
    assert trial.eligibility is not None and len(trial.eligibility.inclusion) == 2000
