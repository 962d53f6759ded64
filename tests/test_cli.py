"""The command line, in-process through click's CliRunner, and the installed `trialkg`
command itself, run as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import trialkg
from trialkg.cli import main

from .conftest import FIXTURES, JSON_DIR, SEED_CTGOV, SEEDS_DIR


def _installed() -> str:
    command = shutil.which("trialkg", path=str(Path(sys.executable).parent))
    assert command, "the trialkg command is installed with the project (pip install -e .)"
    return command


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed command, in a process of its own."""
    import os

    return subprocess.run(
        [_installed(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _imatinib_trials(result: Result | subprocess.CompletedProcess[str]) -> str:
    exit_code = result.exit_code if isinstance(result, Result) else result.returncode
    assert exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    return " ".join(
        r["nct_ids"]["value"] for r in rows if "imatinib" in r["label"]["value"].lower()
    )


# -- the installed command ---------------------------------------------------------------------


def test_installed_command_builds_the_examples_and_links_imatinib(tmp_path: Path) -> None:
    built = run("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "records read: 2, built: 2, rejected: 0" in built.stdout
    assert "files/s" not in built.stderr and "\x1b[" not in built.stderr  # no terminal: quiet
    assert (tmp_path / "trialkg-store").is_dir()  # the default store
    shared = run("query", "shared-drugs", "--format", "json", cwd=tmp_path)
    assert _imatinib_trials(shared) == "NCT05385549 NCT06038552"
    listed = subprocess.run(
        [sys.executable, "-m", "trialkg", "formats"], capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0 and listed.stdout.splitlines()[0].startswith("ctgov-json")


def test_an_edited_overlay_or_option_builds_unchanged_records_again(tmp_path: Path) -> None:
    # A process per run: the lexicon and its overlay are loaded once per process.
    assert run("build", cwd=tmp_path).returncode == 0
    again = run("build", cwd=tmp_path)
    assert "built: 0" in again.stdout and "unchanged files skipped: 2" in again.stdout
    # The overlay forbids linking seed 001's name for the drug: the same records are
    # linked again, and imatinib is no longer shared.
    overlay = tmp_path / "overlay.tsv"
    overlay.write_text("drug\tImatinib Mesylate\t-\n", encoding="utf-8")
    env = {"TRIALKG_OVERLAY": str(overlay)}
    relinked = run("build", cwd=tmp_path, env=env)
    assert relinked.returncode == 0, relinked.stderr
    assert "built: 2" in relinked.stdout and "unchanged" not in relinked.stdout
    shared = run("query", "shared-drugs", "--format", "json", cwd=tmp_path, env=env)
    assert _imatinib_trials(shared) == ""
    assert "unchanged files skipped: 2" in run("build", cwd=tmp_path, env=env).stdout
    # Another mapping option is another content too.
    contacts = run("build", "--include-contacts", cwd=tmp_path, env=env)
    assert "built: 2" in contacts.stdout and "unchanged" not in contacts.stdout
    missing = run("build", cwd=tmp_path, env={"TRIALKG_OVERLAY": str(tmp_path / "none.tsv")})
    assert missing.returncode == 2 and "none.tsv" in missing.stderr


# -- in-process ---------------------------------------------------------------------------------


@pytest.fixture
def seeds_store(tmp_path: Path) -> str:
    store = str(tmp_path / "kg")
    built = invoke("build", str(SEEDS_DIR), "--store", store, "--workers", "1")
    assert built.exit_code == 0, built.output
    return store


def test_remove_takes_trials_out_with_what_only_they_named(
    seeds_store: str, tmp_path: Path
) -> None:
    removed = invoke("remove", "nct05385549", "--store", seeds_store)
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.startswith("removed 1 trials (1 graphs); shared statements no trial")
    shared = invoke("query", "shared-drugs", "--format", "json", "--store", seeds_store)
    assert _imatinib_trials(shared) == ""  # imatinib is no longer shared
    assert "Trial:           1" in invoke("stats", "--store", seeds_store).stdout
    # The other seed still names imatinib: the shared graph keeps its label.
    kept = invoke("query", "trials-for-drug", "--param", "drug=imatinib", "--store", seeds_store)
    assert "NCT06038552" in kept.stdout and "NCT05385549" not in kept.stdout
    again = invoke("remove", "NCT05385549", "NCT06038552", "--store", seeds_store)
    assert again.exit_code == 1 and "not in the store: NCT05385549" in again.stderr
    assert "removed 1 trials" in again.stdout
    bad = invoke("remove", "NCT123", "--store", seeds_store)
    assert bad.exit_code == 2 and "not an NCT id: NCT123" in bad.stderr
    nowhere = invoke("remove", "NCT05385549", "--store", str(tmp_path / "none"))
    assert nowhere.exit_code == 2 and "no trialkg store" in nowhere.stderr
    assert not (tmp_path / "none").exists()


def test_store_from_environment_validate_export_stats(tmp_path: Path) -> None:
    env = {"TRIALKG_STORE": str(tmp_path / "kg")}
    assert "TRIALKG_STORE" in invoke("build", "--help").stdout  # the help names it
    sample = tmp_path / "in"
    sample.mkdir()
    for name in ("NCT02369484.json", "NCT02856893.json"):
        shutil.copy(JSON_DIR / name, sample / name)
    assert invoke("build", str(sample), "--workers", "1", env=env).exit_code == 0
    assert (tmp_path / "kg" / "CURRENT").exists()
    validated = invoke("validate", env=env)
    assert validated.exit_code == 0, validated.output
    assert validated.stdout.startswith("conforms: 2 trials")
    assert "so far" not in validated.stderr  # progress only on a terminal
    out = tmp_path / "kg.ttl"
    exported = invoke("export", "--format", "turtle", "-o", str(out), env=env)
    assert exported.exit_code == 0 and out.read_text().startswith("@prefix")
    assert "trials/s" not in exported.stderr  # progress only on a terminal
    assert "Trial:           2" in invoke("stats", env=env).stdout


def test_exit_codes_for_bad_input_and_missing_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"protocolSection": {"identificationModule": {"briefTitle": "no id"}}}')
    lenient = invoke("build", str(bad), "--store", str(tmp_path / "s1"))
    assert lenient.exit_code == 1
    assert "rejected: file bad.json, record #0, field identificationModule.nctId" in lenient.stderr
    strict = invoke("build", str(bad), "--strict", "--store", str(tmp_path / "s2"))
    assert strict.exit_code == 2 and "error: file bad.json" in strict.stderr
    missing = invoke("query", "shared-drugs", "--store", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "no trialkg store" in missing.stderr
    unknown = invoke("build", str(bad), "--format", "nope", "--store", str(tmp_path / "s3"))
    assert unknown.exit_code == 2 and "'nope' is not one of" in unknown.stderr
    assert "--workers" in invoke("build", "--help").stdout
    assert "at most 8" in invoke("build", "--help").stdout


def test_queries_lists_the_named_queries() -> None:
    listed = invoke("queries")
    assert listed.exit_code == 0
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert {"shared-drugs", "trials-for-drug", "trial-summary"} <= set(names)


def test_build_remove_missing_names_the_trials_it_took_out(seeds_store: str) -> None:
    mirrored = invoke("build", "--remove-missing", str(SEED_CTGOV), "--store", seeds_store)
    assert mirrored.exit_code == 0, mirrored.output
    assert "sources no longer in the inputs removed: 1 (1 trials gone)" in mirrored.stdout
    assert "trials no input holds any more, removed: NCT05385549\n" in mirrored.stdout
    assert "Trial:           1" in invoke("stats", "--store", seeds_store).stdout


def test_link_report_lists_unlinked_mentions_most_frequent_first(seeds_store: str) -> None:
    report = invoke("link-report", "--store", seeds_store, "--limit", "5")
    assert report.exit_code == 0, report.output
    lines = report.stdout.splitlines()
    assert lines[0].split() == ["kind", "count", "mention"]
    rows = [line.split(None, 2) for line in lines[1:-1]]
    assert 0 < len(rows) <= 5
    counts = [int(count) for _, count, _ in rows]
    assert counts == sorted(counts, reverse=True)
    assert lines[-1].startswith("(") and "unlinked mentions" in lines[-1]


def test_compare_reports_agreement_and_conflicts() -> None:
    folder = FIXTURES / "compare"
    same = invoke(
        "compare", str(folder / "json/NCT02369484.json"), str(JSON_DIR / "NCT02369484.json")
    )
    assert same.exit_code == 0, same.output
    assert "NCT02369484" in same.stdout
    page = folder / "text/clincosm.com/NCT02369484.txt"
    against_page = invoke("compare", str(folder / "json/NCT02369484.json"), str(page))
    assert against_page.exit_code in (0, 1)
    report = trialkg.compare.compare_sources(folder / "json/NCT02369484.json", page)
    assert against_page.stdout == report.text()
    assert against_page.exit_code == (1 if report.conflicts() else 0)


def test_analytics_joins_trials_to_the_drugs_they_share(seed_store: trialkg.TrialStore) -> None:
    graph = trialkg.analytics.trial_drug_graph(seed_store)
    trials = trialkg.analytics.trial_nodes(graph)
    assert trials == ["NCT05385549", "NCT06038552"]
    shared = [
        n for n, data in graph.nodes(data=True) if data["kind"] == "drug" and graph.degree(n) == 2
    ]
    assert any("imatinib" in graph.nodes[n]["label"].lower() for n in shared)
    conditions = trialkg.analytics.trial_condition_graph(seed_store)
    assert conditions.number_of_edges() > 0
    assert set(trialkg.analytics.trial_nodes(conditions)) <= set(trials)
