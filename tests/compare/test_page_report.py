"""``trialkg page-report``: a folder of pages, per page and field, judged by the records given."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from trialkg.cli import main
from trialkg.compare.pages import FIELDS, page_report, stated_values

FIXTURES = Path(__file__).parent.parent / "fixtures"
PRECISION = FIXTURES / "pages" / "precision"
COMPARE = FIXTURES / "compare"


def _fields(report: dict[str, object], page: str) -> dict[str, dict[str, int]]:
    pages = report["pages"]
    assert isinstance(pages, list)
    (found,) = [p for p in pages if p["page"].endswith(page)]
    fields: dict[str, dict[str, int]] = found["fields"]
    return fields


def test_refusals_are_counted_per_page_and_field() -> None:
    result = CliRunner().invoke(main, ["page-report", str(PRECISION), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # anzctr.org.au lists its arms under the interventions' label: four refused, three read.
    fields = _fields(report, "anzctr.org.au_NCT02453711.txt")
    assert fields["interventions"] == {
        "read": 3, "refused": 4, "agree": 0, "conflict": 0, "missed": 0
    }  # fmt: skip
    # The classic page, read whole: nothing refused.
    fields = _fields(report, "clinicaltrials.gov_NCT04184622.txt")
    assert sum(t["refused"] for t in fields.values()) == 0
    assert fields["arms"]["read"] == 4 and fields["interventions"]["read"] == 2
    # Three titles, the classic page's among them: its banner is passed over.
    assert report["totals"]["title"] == {
        "read": 3, "refused": 0, "agree": 0, "conflict": 0, "missed": 0
    }  # fmt: skip


def test_pages_are_judged_by_the_record_of_their_trial() -> None:
    report = page_report([COMPARE / "text"], [COMPARE / "json", COMPARE / "xml"])
    by_page = {p.page: p for p in report.pages}
    page = by_page["text/trials.co/NCT03228394.txt"]
    assert page.has_record and page.error is None
    # The page and the record agree on the drugs; the record of another version has
    # another title ("(IV)" added) and status, which the report shows as conflicts.
    assert page.tallies["interventions"].agree == 2
    assert page.tallies["interventions"].conflict == 0
    assert page.tallies["title"].conflict == 1
    assert ("status", "conflict", "COMPLETED / record: RECRUITING") in {
        (n.field, n.outcome, n.value) for n in page.notes
    }
    assert report.records == 7
    assert set(report.totals()) == set(FIELDS)


def test_text_report_ends_with_the_figures() -> None:
    args = ["page-report", str(COMPARE / "text"), "--records", str(COMPARE / "json"), "--summary"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["field", "read", "refused"]
    assert lines[-1].startswith("pages: 15, read: 15, rejected: 0, with a structured record: 5")


def test_missing_folder_is_an_input_error() -> None:
    result = CliRunner().invoke(main, ["page-report", "no/such/folder"])
    assert result.exit_code == 2


def test_a_number_alone_is_stated_only_right_under_its_label() -> None:
    # clincosm.com prints unlabelled counts under the collaborators' names: the record's
    # enrollment (31) is not stated there, so a reader that leaves it out misses nothing.
    stated = stated_values("Collaborator\nNovo Nordisk A/S (Industry)\n31\n1\n")
    assert "novo nordisk a s industry" in stated
    assert "31" not in stated
    assert "31" in stated_values("Enrollment\n31\nSex\nAll\n")
    assert "31" in stated_values("Enrollment: 31\n")


def test_an_arm_the_page_gives_only_as_an_intervention_is_not_missed() -> None:
    report = page_report([COMPARE / "text"], [COMPARE / "json", COMPARE / "xml"])
    by_page = {p.page: p for p in report.pages}
    # trial.medpath.com lists "Drug: Ganaxolone", "Drug: Placebo" and no arms; the record's
    # arms are named like the drugs. The drugs agree; no arm is missed.
    page = by_page["text/trial.medpath.com/NCT03228394.txt"]
    assert page.tallies["interventions"].agree == 2
    assert page.tallies["arms"].missed == 0
    assert not [n for n in page.notes if n.field == "arms"]
