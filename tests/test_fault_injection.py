"""Hostile input and faults, built in each test: no hang, no runaway memory, no traceback,
nothing lost. Each test names the case of issue 18 it holds to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from trialkg.cli import main

from .conftest import JSON_DIR

SAMPLE = ["NCT02369484.json", "NCT02856893.json"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    inputs = folder / "in"
    inputs.mkdir()
    for name in SAMPLE:
        shutil.copy(JSON_DIR / name, inputs / name)
    store = folder / "kg"
    result = invoke("build", str(inputs), "--store", str(store), "-q")
    assert result.exit_code == 0, result.output
    return store


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
    assert "not a valid IRI" in result.stderr and "drug" in result.stderr


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
