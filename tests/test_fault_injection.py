"""Hostile input and faults on the input side, built in each test: no hang, no runaway
memory, no traceback, nothing lost. Each test names the case of issue 18 it holds to;
the store and query side is in test_fault_injection_store.py."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import trialkg
from trialkg.cli import main
from trialkg.errors import InputError
from trialkg.model import Trial
from trialkg.readers import inputs

from .conftest import FIXTURES, JSON_DIR

SAMPLE = ["NCT02369484.json", "NCT02856893.json"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


def build_sample_store(folder: Path) -> Path:
    """A store of the two sample records, built with the command."""
    inputs = folder / "in"
    inputs.mkdir()
    for name in SAMPLE:
        shutil.copy(JSON_DIR / name, inputs / name)
    store = folder / "kg"
    result = invoke("build", str(inputs), "--store", str(store), "-q")
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_store(tmp_path_factory.mktemp("store"))


# -- case 7: tracebacks instead of errors ----------------------------------------------------


@pytest.mark.parametrize("drug", ["mesh:D000077143>", "rxnorm:{", "http://x y"])
def test_issue18_invalid_iri_parameter_is_an_error_not_a_traceback(
    built_store: Path, drug: str
) -> None:
    result = invoke(
        "query", "trials-for-drug", "--param", f"drug={drug}", "--store", str(built_store)
    )
    _no_traceback(result)
    assert result.exit_code == 2
    # The value is refused by its prefix's id pattern or as an IRI, naming the parameter.
    assert "parameter drug" in result.stderr and drug in result.stderr


def test_issue18_garbage_current_file_is_an_error(built_store: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(built_store, broken)
    (broken / "CURRENT").write_text("garbage\n")
    for command in ("stats", "validate"):
        result = invoke(command, "--store", str(broken))
        _no_traceback(result)
        assert result.exit_code == 2
        assert f"cannot open the store at {broken}" in result.stderr


def test_issue18_unexpected_failure_is_one_line_and_debug_shows_the_traceback(
    built_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trialkg.stats

    def broken(store: object) -> str:
        raise KeyError("a bug")

    monkeypatch.setattr(trialkg.stats, "store_stats", broken)
    plain = invoke("stats", "--store", str(built_store))
    _no_traceback(plain)
    assert plain.exit_code == 2
    lines = plain.stderr.strip().splitlines()
    assert len(lines) == 1 and "KeyError" in lines[0] and "--debug" in lines[0]
    debug = invoke("--debug", "stats", "--store", str(built_store))
    assert debug.exit_code == 2
    assert "Traceback (most recent call last)" in debug.stderr and "a bug" in debug.stderr


def test_issue18_export_into_a_missing_folder_is_an_error(
    built_store: Path, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "x.ttl"
    result = invoke("export", "--format", "turtle", "-o", str(target), "--store", str(built_store))
    _no_traceback(result)
    assert result.exit_code == 2
    assert "missing" in result.stderr
    assert not list(tmp_path.rglob("*.partial"))


# -- case 2: zip bombs ------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _record(name: str = SAMPLE[0]) -> bytes:
    return (JSON_DIR / name).read_bytes()


def test_issue18_a_highly_compressed_member_is_refused_and_memory_stays_bounded(
    tmp_path: Path,
) -> None:
    bomb = _zip(
        tmp_path / "bomb.zip",
        {"a-bomb.json": b"[" + b" " * (200 * 2**20) + b"]", SAMPLE[0]: _record()},
    )
    assert bomb.stat().st_size < 2**20  # 200 MB in well under 1 MB
    tracemalloc.start()
    try:
        results = list(trialkg.read_paths([bomb]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MB"
    errors = [r for r in results if isinstance(r, InputError)]
    trials = [r for r in results if isinstance(r, Trial)]
    assert [t.nct_id for t in trials] == ["NCT02369484"]  # the rest of the archive is read
    assert len(errors) == 1 and errors[0].file == "bomb.zip!a-bomb.json"
    assert "compression ratio" in errors[0].message and errors[0].kind == "archive-refused"


def test_issue18_a_member_over_the_size_limit_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inputs, "MAX_MEMBER_BYTES", 2**20)
    big = _zip(
        tmp_path / "big.zip", {"big.json": os.urandom(3 * 2**20), SAMPLE[1]: _record(SAMPLE[1])}
    )
    results = list(trialkg.read_paths([big]))
    assert [r.nct_id for r in results if isinstance(r, Trial)] == ["NCT02856893"]
    (error,) = [r for r in results if isinstance(r, InputError)]
    assert error.file == "big.zip!big.json" and "1 MiB" in error.message


# -- case 5: a zip inside a zip --------------------------------------------------------------


def test_issue18_a_zip_inside_a_zip_is_read_and_never_a_phantom_trial(tmp_path: Path) -> None:
    inner = _zip(tmp_path / "inner.zip", {SAMPLE[0]: _record(), SAMPLE[1]: _record(SAMPLE[1])})
    outer = _zip(tmp_path / "outer.zip", {"NCT09999999.zip": inner.read_bytes()})
    results = list(trialkg.read_paths([outer]))
    assert all(isinstance(r, Trial) for r in results), results
    assert sorted(r.nct_id for r in results if isinstance(r, Trial)) == [
        "NCT02369484",
        "NCT02856893",
    ]
    assert {r.source.file for r in results if isinstance(r, Trial)} == {
        f"outer.zip!NCT09999999.zip!{SAMPLE[0]}",
        f"outer.zip!NCT09999999.zip!{SAMPLE[1]}",
    }


def test_issue18_archives_nested_deeper_than_the_limit_are_refused(tmp_path: Path) -> None:
    level = _zip(tmp_path / "level0.zip", {SAMPLE[0]: _record()})
    for depth in range(1, inputs.MAX_ARCHIVE_DEPTH + 1):
        level = _zip(tmp_path / f"level{depth}.zip", {f"NCT0000000{depth}.zip": level.read_bytes()})
    results = list(trialkg.read_paths([level]))
    assert not any(isinstance(r, Trial) for r in results)
    (error,) = results
    assert isinstance(error, InputError) and "nested" in error.message
    assert str(inputs.MAX_ARCHIVE_DEPTH) in error.message


# -- case 9: UTF-16 records --------------------------------------------------------------------


def test_issue18_utf16_json_with_a_bom_and_utf16_xml_are_read(tmp_path: Path) -> None:
    text = _record().decode("utf-8")
    (tmp_path / "le.json").write_bytes(text.encode("utf-16"))  # with a BOM
    (tmp_path / "be.json").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    xml = (FIXTURES / "xml").glob("*.xml")
    source = next(iter(sorted(xml)))
    body = source.read_text(encoding="utf-8")
    body = body.split("?>", 1)[1] if body.startswith("<?xml") else body
    declared = '<?xml version="1.0" encoding="UTF-16"?>' + body
    (tmp_path / "record.xml").write_bytes(declared.encode("utf-16"))
    (tmp_path / "nobom.xml").write_bytes(declared.encode("utf-16-le"))
    results = list(trialkg.read_paths([tmp_path]))
    assert all(isinstance(r, Trial) for r in results), [str(r) for r in results]
    by_file = {r.source.file: r for r in results if isinstance(r, Trial)}
    folder = tmp_path.name
    le, be = by_file[f"{folder}/le.json"], by_file[f"{folder}/be.json"]
    assert le.nct_id == "NCT02369484" and dataclasses.replace(be, source=le.source) == le
    xml_trial, no_bom = by_file[f"{folder}/record.xml"], by_file[f"{folder}/nobom.xml"]
    assert xml_trial.brief_title and xml_trial.brief_title == no_bom.brief_title
    assert len(by_file) == 4


# -- case 4: a truncated JSON array ------------------------------------------------------------

FIVE = sorted(p.name for p in JSON_DIR.glob("NCT*.json"))[:5]


def _studies() -> list[dict[str, object]]:
    return [json.loads((JSON_DIR / name).read_text(encoding="utf-8")) for name in FIVE]


def _nct(study: dict[str, object]) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]  # type: ignore[index, no-any-return]


@pytest.mark.parametrize("layout", ["pretty", "compact", "page"])
def test_issue18_a_truncated_json_array_keeps_every_whole_record(
    tmp_path: Path, layout: str
) -> None:
    studies = _studies()
    if layout == "page":
        text = json.dumps({"totalCount": 5, "studies": studies}, indent=2)
    else:
        text = json.dumps(studies, indent=2 if layout == "pretty" else None)
    # Cut in the middle of the fourth record, as a download missing its end.
    fourth = text.index(json.dumps(_nct(studies[3])))
    cut = text[: fourth + 200].encode("utf-8")
    path = tmp_path / "download.json"
    path.write_bytes(cut)
    results = list(trialkg.read_paths([path]))
    trials = [r.nct_id for r in results if isinstance(r, Trial)]
    errors = [r for r in results if isinstance(r, InputError)]
    assert trials == [_nct(s) for s in studies[:3]]
    assert len(errors) == 1, [str(e) for e in errors]
    (error,) = errors
    assert f"cut off at byte {len(cut)}" in error.message
    assert error.record == _nct(studies[3]) and error.kind == "truncated"


def test_issue18_an_array_cut_between_records_builds_them_all(tmp_path: Path) -> None:
    studies = _studies()
    text = json.dumps(studies, indent=2)
    cut = text[: text.rindex("}") + 1] + ",\n"  # the closing bracket is missing
    path = tmp_path / "download.json"
    path.write_text(cut, encoding="utf-8")
    results = list(trialkg.read_paths([path]))
    assert [r.nct_id for r in results if isinstance(r, Trial)] == [_nct(s) for s in studies]
    (error,) = [r for r in results if isinstance(r, InputError)]
    assert "cut off" in error.message and error.record is None


def test_issue18_a_single_record_cut_off_says_so() -> None:
    from trialkg.readers import Document, read_document

    data = b'{"protocolSection": {"identificationModule": {"nctId": "NCT02369484", "brief'
    (error,) = read_document(Document("one.json", data))
    assert isinstance(error, InputError) and error.kind == "truncated"
    assert f"cut off at byte {len(data)}" in error.message and error.record == "NCT02369484"


# -- case 8: wrong JSON types ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "key", "value", "field"),
    [
        ("identificationModule", "briefTitle", 12345, "identificationModule.briefTitle"),
        ("eligibilityModule", "minimumAge", 18, "eligibilityModule.minimumAge"),
        (
            "statusModule",
            "startDateStruct",
            {"date": 20200115},
            "statusModule.startDateStruct.date",
        ),
    ],
)
def test_issue18_a_field_of_another_json_type_is_named(
    module: str, key: str, value: object, field: str
) -> None:
    from trialkg.readers import Document, read_document

    study = json.loads(_record())
    study["protocolSection"].setdefault(module, {})[key] = value
    (error,) = read_document(Document("typed.json", json.dumps(study).encode()))
    assert isinstance(error, InputError), error
    assert (error.record, error.field, error.kind) == ("NCT02369484", field, "wrong-type")
    assert "a JSON number where the API gives a string" in error.message
