"""The three results queries, run with the installed command on a store built from real
records, give each record's own numbers (read here straight from the JSON and the XML)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, JSON_DIR
from tests.test_cli import run

AFATINIB = JSON_DIR / "NCT02369484.json"
DUPILUMAB = JSON_DIR / "NCT02210780.json"
DMF_XML = FIXTURES / "xml" / "NCT02438137.xml"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("results")
    done = run(
        "build", "--store", str(folder / "store"), "-q", str(AFATINIB), str(DUPILUMAB),
        str(DMF_XML), cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "built: 3" in done.stdout
    return folder / "store"


def _rows(store: Path, name: str, *params: str) -> list[dict[str, str]]:
    args = ["query", name, "--store", str(store), "--format", "json"]
    for param in params:
        args += ["--param", param]
    done = run(*args, cwd=store.parent)
    assert done.returncode == 0, done.stderr
    bindings = json.loads(done.stdout)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def test_adverse_events_of_an_xml_record_are_its_own_counts(store: Path) -> None:
    root = ET.parse(DMF_XML).getroot()
    events = root.find("clinical_results/reported_events")
    assert events is not None
    titles = {g.get("group_id"): g.findtext("title") for g in events.iter("group")}
    expected = set()
    for kind, serious in (("serious_events", "true"), ("other_events", "false")):
        for category in events.iterfind(f"{kind}/category_list/category"):
            if category.findtext("title") == "Total":
                continue
            for event in category.iterfind("event_list/event"):
                for counts in event.iterfind("counts"):
                    expected.add(
                        (
                            titles[counts.get("group_id")],
                            event.findtext("sub_title"),
                            category.findtext("title"),
                            serious,
                            counts.get("subjects_affected"),
                            counts.get("subjects_at_risk"),
                            counts.get("events"),
                        )
                    )
    rows = _rows(store, "adverse-events", "trial=NCT02438137")
    got = [
        (r["group"], r["term"], r["organ_system"], r["serious"], r["affected"], r["at_risk"],
         r.get("events"))
        for r in rows
    ]  # fmt: skip
    assert len(got) == len(expected) == 14
    assert set(got) == expected
    assert {r["nct_id"] for r in rows} == {"NCT02438137"}


def test_adverse_events_for_a_drug_are_only_its_trials(store: Path) -> None:
    rows = _rows(store, "adverse-events", "drug=Dupixent")
    raw = json.loads(DUPILUMAB.read_text())["resultsSection"]["adverseEventsModule"]
    stats = [s for e in raw["seriousEvents"] + raw["otherEvents"] for s in e["stats"]]
    assert {r["nct_id"] for r in rows} == {"NCT02210780"}
    assert len(rows) == len(stats)
    assert sum(int(r["affected"]) for r in rows) == sum(s["numAffected"] for s in stats)


def test_summary_sums_only_the_groups_that_received_the_drug(store: Path) -> None:
    raw = json.loads(DUPILUMAB.read_text())["resultsSection"]["adverseEventsModule"]
    (drug_group,) = [g for g in raw["eventGroups"] if g["title"] == "Dupilumab 300 mg qw"]
    affected: dict[str, int] = defaultdict(int)
    for event in raw["seriousEvents"] + raw["otherEvents"]:
        for stat in event["stats"]:
            if stat["groupId"] == drug_group["id"]:
                affected[event["term"].casefold()] += stat["numAffected"]
    rows = _rows(store, "adverse-events-summary", "drug=dupilumab")
    assert rows
    assert {r["trials"] for r in rows} == {"1"}
    # One group: its at-risk count on every row, never the placebo group's added.
    assert {r["at_risk"] for r in rows} == {str(drug_group["otherNumAtRisk"])}
    assert sum(int(r["affected"]) for r in rows) == sum(affected.values())
    by_term = {r["term"].casefold(): r for r in rows}
    shared = [t for t in affected if t in by_term]
    assert len(shared) >= len(rows) // 2
    for term in shared:
        row = by_term[term]
        assert int(row["affected"]) == affected[term]
        rate = affected[term] / drug_group["otherNumAtRisk"]
        assert float(row["rate"]) == pytest.approx(rate, abs=1e-4)


def test_outcome_results_are_the_record_values(store: Path) -> None:
    raw = json.loads(AFATINIB.read_text())["resultsSection"]["outcomeMeasuresModule"]
    expected = []
    for measure in raw["outcomeMeasures"]:
        titles = {g["id"]: g["title"] for g in measure["groups"]}
        for klass in measure.get("classes", []):
            for category in klass["categories"]:
                for value in category["measurements"]:
                    expected.append(
                        (measure["title"], measure["type"], titles[value["groupId"]],
                         measure.get("paramType"), float(value["value"]),
                         measure.get("unitOfMeasure"), measure["timeFrame"])
                    )  # fmt: skip
    rows = _rows(store, "outcome-results", "trial=NCT02369484")
    got = [
        (r["outcome"], r["type"], r["group"], r.get("param"), float(r["value"]), r.get("unit"),
         r["time_frame"])
        for r in rows
    ]  # fmt: skip
    assert sorted(got) == sorted(expected)
    by_drug = _rows(store, "outcome-results", "drug=afatinib")
    assert sorted(map(str, by_drug)) == sorted(map(str, rows))
    assert _rows(store, "outcome-results", "drug=dupilumab", "trial=NCT02369484") == []


def test_stats_counts_every_event_mention_and_its_links(store: Path) -> None:
    events = sum(
        len(module.get("seriousEvents", [])) + len(module.get("otherEvents", []))
        for module in (
            json.loads(path.read_text())["resultsSection"]["adverseEventsModule"]
            for path in (AFATINIB, DUPILUMAB)
        )
    )
    events += 7  # NCT02438137's events, less its "Total" rows
    done = run("stats", "--store", str(store), cwd=store.parent)
    assert done.returncode == 0, done.stderr
    (line,) = [x for x in done.stdout.splitlines() if x.strip().startswith("adverse event")]
    linked, total = line.split()[2].split("/")
    assert int(total) == events
    # Nausea, Pneumonia, Myocardial Infarction ... link; a few misspelt terms do not.
    assert events // 2 < int(linked) < events


def test_no_results_builds_the_protocol_without_the_results(tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = run("build", "--store", str(store), "-q", "--no-results", str(DMF_XML), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _rows(store, "adverse-events") == []
    assert _rows(store, "outcome-results", "trial=NCT02438137") == []
    (summary,) = _rows(store, "trial-summary")
    assert summary["nct_id"] == "NCT02438137"
