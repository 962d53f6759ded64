"""The installed `trialkg` command, run as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import JSON_DIR

TRIALKG = shutil.which("trialkg", path=str(Path(sys.executable).parent)) or shutil.which("trialkg")
pytestmark = pytest.mark.skipif(TRIALKG is None, reason="the trialkg command is not installed")


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRIALKG, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,  # type: ignore[list-item]
        env={**os.environ, **(env or {})},
    )


def test_build_with_no_input_links_imatinib_across_the_seeds(tmp_path: Path) -> None:
    built = run("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "records read: 2, built: 2, rejected: 0" in built.stdout
    assert "files/s" not in built.stderr and "\x1b[" not in built.stderr  # no terminal: quiet
    assert (tmp_path / "trialkg-store").is_dir()  # the default store
    shared = run("query", "shared-drugs", "--format", "json", cwd=tmp_path)
    assert shared.returncode == 0, shared.stderr
    rows = json.loads(shared.stdout)["results"]["bindings"]
    imatinib = [r for r in rows if "imatinib" in r["label"]["value"].lower()]
    assert len(imatinib) == 1
    assert imatinib[0]["nct_ids"]["value"] == "NCT05385549 NCT06038552"
    assert imatinib[0]["trials"]["value"] == "2"


def _imatinib_trials(cwd: Path, env: dict[str, str] | None = None) -> str:
    shared = run("query", "shared-drugs", "--format", "json", cwd=cwd, env=env)
    assert shared.returncode == 0, shared.stderr
    rows = json.loads(shared.stdout)["results"]["bindings"]
    return " ".join(
        r["nct_ids"]["value"] for r in rows if "imatinib" in r["label"]["value"].lower()
    )


def test_an_edited_overlay_or_option_builds_unchanged_records_again(tmp_path: Path) -> None:
    assert run("build", cwd=tmp_path).returncode == 0
    again = run("build", cwd=tmp_path)
    assert "built: 0" in again.stdout and "unchanged files skipped: 2" in again.stdout
    assert _imatinib_trials(tmp_path) == "NCT05385549 NCT06038552"
    # The overlay forbids linking seed 001's name for the drug: the same records are
    # linked again, and imatinib is no longer shared.
    overlay = tmp_path / "overlay.tsv"
    overlay.write_text("drug\tImatinib Mesylate\t-\n", encoding="utf-8")
    env = {"TRIALKG_OVERLAY": str(overlay)}
    relinked = run("build", cwd=tmp_path, env=env)
    assert relinked.returncode == 0, relinked.stderr
    assert "built: 2" in relinked.stdout and "unchanged" not in relinked.stdout
    assert _imatinib_trials(tmp_path, env) == ""
    assert "unchanged files skipped: 2" in run("build", cwd=tmp_path, env=env).stdout
    # Another mapping option is another content too.
    contacts = run("build", "--include-contacts", cwd=tmp_path, env=env)
    assert "built: 2" in contacts.stdout and "unchanged" not in contacts.stdout
    missing = run("build", cwd=tmp_path, env={"TRIALKG_OVERLAY": str(tmp_path / "none.tsv")})
    assert missing.returncode == 2 and "none.tsv" in missing.stderr


def test_remove_takes_trials_out_with_what_only_they_named(tmp_path: Path) -> None:
    assert run("build", cwd=tmp_path).returncode == 0
    removed = run("remove", "nct05385549", cwd=tmp_path)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith("removed 1 trials (1 graphs); shared statements no trial")
    assert _imatinib_trials(tmp_path) == ""  # imatinib is no longer shared
    assert "Trial:           1" in run("stats", cwd=tmp_path).stdout
    # The other seed still names imatinib: the shared graph keeps its label.
    kept = run("query", "trials-for-drug", "--param", "drug=imatinib", cwd=tmp_path)
    assert "NCT06038552" in kept.stdout and "NCT05385549" not in kept.stdout
    again = run("remove", "NCT05385549", "NCT06038552", cwd=tmp_path)
    assert again.returncode == 1 and "not in the store: NCT05385549" in again.stderr
    assert "removed 1 trials" in again.stdout
    bad = run("remove", "NCT123", cwd=tmp_path)
    assert bad.returncode == 2 and "not an NCT id: NCT123" in bad.stderr
    nowhere = run("remove", "NCT05385549", "--store", str(tmp_path / "none"), cwd=tmp_path)
    assert nowhere.returncode == 2 and "no trialkg store" in nowhere.stderr
    assert not (tmp_path / "none").exists()


def test_store_from_environment_validate_export_stats(tmp_path: Path) -> None:
    env = {"TRIALKG_STORE": str(tmp_path / "kg")}
    sample = tmp_path / "in"
    sample.mkdir()
    for name in ("NCT02369484.json", "NCT02856893.json"):
        shutil.copy(JSON_DIR / name, sample / name)
    assert run("build", str(sample), cwd=tmp_path, env=env).returncode == 0
    validated = run("validate", cwd=tmp_path, env=env)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert validated.stdout.startswith("conforms: 2 trials")
    assert "so far" not in validated.stderr  # progress only on a terminal
    out = tmp_path / "kg.ttl"
    exported = run("export", "--format", "turtle", "-o", str(out), cwd=tmp_path, env=env)
    assert exported.returncode == 0 and out.read_text().startswith("@prefix")
    assert "trials/s" not in exported.stderr  # progress only on a terminal
    stats = run("stats", cwd=tmp_path, env=env)
    assert "Trial:           2" in stats.stdout


def test_exit_codes_for_bad_input_and_missing_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"protocolSection": {"identificationModule": {"briefTitle": "no id"}}}')
    lenient = run("build", str(bad), "--store", str(tmp_path / "s1"), cwd=tmp_path)
    assert lenient.returncode == 1
    assert "rejected: file bad.json, record #0, field identificationModule.nctId" in lenient.stderr
    strict = run("build", str(bad), "--strict", "--store", str(tmp_path / "s2"), cwd=tmp_path)
    assert strict.returncode == 2 and "error: file bad.json" in strict.stderr
    missing = run("query", "shared-drugs", "--store", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing.returncode == 2 and "no trialkg store" in missing.stderr
    unknown = run(
        "build", str(bad), "--format", "nope", "--store", str(tmp_path / "s3"), cwd=tmp_path
    )
    assert unknown.returncode == 2 and "unknown format 'nope'" in unknown.stderr


def test_python_dash_m_is_the_same_command(tmp_path: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "trialkg", "formats"], capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0].startswith("ctgov-json")
    assert run("queries", cwd=tmp_path).stdout.count("\n") >= 6


def test_build_remove_missing_names_the_trials_it_took_out(tmp_path: Path) -> None:
    assert run("build", cwd=tmp_path).returncode == 0
    seed = Path(__file__).parent / "fixtures" / "seeds" / "000_d9cd8b5e99bf18e1.txt"
    mirrored = run("build", "--remove-missing", str(seed), cwd=tmp_path)
    assert mirrored.returncode == 0, mirrored.stderr
    assert "sources no longer in the inputs removed: 1 (1 trials gone)" in mirrored.stdout
    assert "trials no input holds any more, removed: NCT05385549\n" in mirrored.stdout
    assert "Trial:           1" in run("stats", cwd=tmp_path).stdout
