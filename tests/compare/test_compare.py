"""The same-trial comparison, on the corpus's record/page pairs (fixtures/compare/PAIRS.tsv)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from trialkg.compare import (
    AGREE,
    CONFLICT,
    ComparisonReport,
    FieldComparison,
    compare_sources,
    figures_table,
    total_figures,
)
from trialkg.compare.rules import lists, same_organisation, same_title
from trialkg.errors import InputError

HERE = Path(__file__).parent.parent / "fixtures" / "compare"

# Every conflict the corpus pairs show, and why. Most are differences between
# versions of the registry entry: the records are snapshots of 2017-2019, the
# pages were rendered before or after them. One is how a site titles a trial.
KNOWN_CONFLICTS = {
    # The ct.gov page of 2017-12-15 has the older title "NCI-MATCH: ..."; the record: 2018-05-10.
    ("text/clinicaltrials.gov/NCT02465060.txt", "title"),
    # Inova's page names its own site, which the 2018 record's 1218 sites do not list.
    ("text/inova.org/NCT02465060.txt", "sites"),
    # The trial completed after the record (ACTIVE_NOT_RECRUITING, completion expected 2019).
    ("text/uams.trialstoday.org/NCT02481830.txt", "status"),
    ("text/uams.trialstoday.org/NCT02481830_print.txt", "status"),
    ("text/ctv.veeva.com/NCT01207388.txt", "status"),
    # (ClinicalTrials.Veeva's "Amgen logo", "Amgen" names the funder's brand, not the record's
    # lead sponsor "Amgen Research (Munich) GmbH": the page reader reads no sponsor there.)
    # Inova titles the trial by its name, "NCI MATCH Molecular Analysis for Therapy Choice".
    # (ClinicalTrials.Veeva's acronym appended and CenterWatch's dropped commas are presentation:
    # see test_titles_that_differ_only_in_presentation_agree.)
    ("text/inova.org/NCT02465060.txt", "title"),
    # NCT03228394: the 2018 record was RECRUITING with 60 planned, 13 sites, and the
    # title without "(IV)"; the pages show the completed trial: 91 enrolled, 16 sites.
    ("text/trial.medpath.com/NCT03228394.txt", "status"),
    ("text/trial.medpath.com/NCT03228394.txt", "enrollment"),
    ("text/vellito.com/NCT03228394.txt", "enrollment"),
    ("text/trials.co/NCT03228394.txt", "title"),
    ("text/trial.medpath.com/NCT03228394.txt", "title"),
    ("text/vellito.com/NCT03228394.txt", "title"),
    ("text/trials.co/NCT03228394.txt", "status"),
    ("text/trials.co/NCT03228394.txt", "sites"),
}


def _pairs() -> list[tuple[str, str]]:
    with (HERE / "PAIRS.tsv").open(encoding="utf-8") as handle:
        return [(row["record"], row["page"]) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.fixture(scope="module")
def reports() -> dict[str, ComparisonReport]:
    return {page: compare_sources(HERE / record, HERE / page) for record, page in _pairs()}


def _field(report: ComparisonReport, name: str) -> FieldComparison:
    return next(f for f in report.fields if f.field == name)


def test_every_pair_compares_the_record_with_its_page(reports: dict[str, ComparisonReport]) -> None:
    assert len(reports) == 15
    for report in reports.values():
        assert report.reference == "A"
        assert report.a.reader in {"ctgov-json", "ctgov-xml"}
        assert report.a.nct_id == report.b.nct_id


def test_meddatax_page_agrees_with_the_json_record(reports: dict[str, ComparisonReport]) -> None:
    report = reports["text/meddatax.com/NCT02856893.txt"]
    assert _field(report, "status").b == "ACTIVE_NOT_RECRUITING"
    assert _field(report, "enrollment").a == "156 (ACTUAL)"
    for name in ("title", "status", "phase", "study_type", "enrollment"):
        assert _field(report, name).outcome == AGREE, name
    assert _field(report, "sites").outcome == "only in A"
    figures = report.figures
    assert (figures.stated, figures.agree, figures.conflict) == (5, 5, 0)


def test_a_later_page_conflicts_with_an_older_record(reports: dict[str, ComparisonReport]) -> None:
    report = reports["text/trials.co/NCT03228394.txt"]
    status = _field(report, "status")
    assert (status.a, status.b, status.outcome) == ("RECRUITING", "COMPLETED", CONFLICT)
    sites = _field(report, "sites")
    assert (sites.a, sites.b, sites.outcome) == ("13", "16", CONFLICT)
    assert "B states more" in sites.note
    # The excerpt names three conditions of the record's ten, "Depression, Postpartum" whole
    # despite its comma: fewer, not a conflict.
    conditions = _field(report, "conditions")
    assert conditions.outcome == "B states fewer"
    assert conditions.b == "Depression; Depression, Postpartum; Depressive Disorder (3)"
    assert conditions.note == (
        "not in B: Behavioral Symptoms; Mental Disorders; Mood Disorders; PPD; Postpartum; "
        "Pregnancy Complications; Puerperal Disorders"
    )
    concepts = _field(report, "condition concepts")
    assert concepts.b == "Depression; Depression, Postpartum; Depressive Disorder (3)"


def test_dated_sources_say_which_is_the_later_version(reports: dict[str, ComparisonReport]) -> None:
    report = reports["text/clinicaltrials.gov/NCT02465060.txt"]
    assert report.b.last_update == "2017-12-15"
    assert report.a.last_update == "2018-05-10"
    title = _field(report, "title")
    assert title.outcome == CONFLICT
    assert title.b is not None and title.b.startswith("NCI-MATCH: Targeted Therapy")
    assert "A is the later version" in title.note


def test_an_excerpt_naming_a_site_the_record_lacks_is_a_conflict(
    reports: dict[str, ComparisonReport],
) -> None:
    sites = _field(reports["text/inova.org/NCT02465060.txt"], "sites")
    assert (sites.a, sites.b, sites.outcome) == ("1218", "1", CONFLICT)
    assert "Inova Schar Cancer Institute, Fairfax" in sites.note


def test_sponsor_names_that_differ_only_in_presentation_agree(
    reports: dict[str, ComparisonReport],
) -> None:
    hra = _field(reports["text/hra.nhs.uk/NCT02856893.txt"], "sponsor")
    assert hra.b == "European Organisation for Research and Treatment of Cancer (EORTC)"
    assert hra.a == "European Organisation for Research and Treatment of Cancer - EORTC"
    assert hra.outcome == AGREE
    etop = _field(reports["text/etop.ibcsg.org/NCT02369484.txt"], "sponsor")
    assert (etop.b, etop.outcome) == ("ETOP", AGREE)
    assert "abbreviation" in etop.note


def test_drugs_and_conditions_compare_as_linked_nodes(reports: dict[str, ComparisonReport]) -> None:
    report = reports["text/uams.trialstoday.org/NCT02481830_print.txt"]
    drugs = _field(report, "drugs")
    assert drugs.outcome == AGREE
    # Labels follow the vocabulary.
    assert drugs.b.casefold() == "amrubicin; nivolumab; topotecan (3)"
    assert _field(report, "condition concepts").outcome == AGREE


def test_the_known_conflicts_occur_and_no_others(reports: dict[str, ComparisonReport]) -> None:
    found = {(page, f.field) for page, r in reports.items() for f in r.conflicts()}
    assert found - KNOWN_CONFLICTS == set(), "new conflicts"
    assert KNOWN_CONFLICTS - found == set(), "listed conflicts that no longer occur"


def test_page_heads_and_glued_labels_reach_the_comparison(
    reports: dict[str, ComparisonReport],
) -> None:
    vellito = reports["text/vellito.com/NCT03228394.txt"]
    enrollment = _field(vellito, "enrollment")
    assert (enrollment.a, enrollment.b) == ("60 (ESTIMATED)", "91 (ACTUAL)")
    assert "A ESTIMATED, B ACTUAL" in enrollment.note
    # The five conditions under the title, all among the record's ten.
    conditions = _field(vellito, "conditions")
    assert conditions.outcome == "B states fewer"
    assert "not in B: Mental Disorders; PPD; Postpartum" in conditions.note
    title = _field(reports["text/trial.medpath.com/NCT03228394.txt"], "title")
    assert title.b == (
        "A Clinical Trial of Intravenous (IV) Ganaxolone in Women With Postpartum Depression"
    )
    # The print page's last line, "Bristol-Myers Squibb" under "Sponsor".
    sponsor = _field(reports["text/uams.trialstoday.org/NCT02481830_print.txt"], "sponsor")
    assert (sponsor.b, sponsor.outcome) == ("Bristol-Myers Squibb", AGREE)


def test_figures_per_reader(reports: dict[str, ComparisonReport]) -> None:
    totals = total_figures(reports.values())
    assert set(totals) >= {"ctgov-page", "meddatax", "hra", "trialstoday", "trials-co", "page"}
    assert totals["page"].pages == 6
    assert totals["trialstoday"].pages == 2
    table = figures_table(totals)
    assert "| meddatax | 1 | 5 | 5 | 100% | 0 | 0 | 0 |" in table
    assert "| page | 6 | 36 | 26 | 72% | 2 | 8 | 0 |" in table
    assert "| trialstoday | 2 | 17 | 15 | 88% | 0 | 2 | 0 |" in table


def test_text_shows_both_values_and_the_outcome(reports: dict[str, ComparisonReport]) -> None:
    text = reports["text/uams.trialstoday.org/NCT02481830.txt"].text()
    status_line = next(line for line in text.splitlines() if line.startswith("status"))
    assert status_line.split() == ["status", "ACTIVE_NOT_RECRUITING", "COMPLETED", "conflict"]
    assert "NCT02481830.xml: ctgov-xml, complete, last update 2019-04-17, the reference" in text
    assert "B (trialstoday) states 7 of 12 fields: 6 agree" in text


def test_the_record_is_the_reference_in_either_order() -> None:
    report = compare_sources(
        HERE / "text/meddatax.com/NCT02856893.txt", HERE / "json/NCT02856893.json"
    )
    assert report.reference == "B"
    assert report.figures.reader == "meddatax"
    assert _field(report, "enrollment").outcome == AGREE


def test_a_changed_record_value_is_a_conflict(tmp_path: Path) -> None:
    study = json.loads((HERE / "json/NCT02856893.json").read_text(encoding="utf-8"))
    study["protocolSection"]["statusModule"]["overallStatus"] = "TERMINATED"
    changed = tmp_path / "NCT02856893.json"
    changed.write_text(json.dumps(study), encoding="utf-8")
    report = compare_sources(changed, HERE / "text/meddatax.com/NCT02856893.txt")
    status = _field(report, "status")
    assert (status.a, status.b, status.outcome) == ("TERMINATED", "ACTIVE_NOT_RECRUITING", CONFLICT)


def test_two_different_trials_are_refused() -> None:
    with pytest.raises(InputError, match=r"NCT02856893.*NCT02369484"):
        compare_sources(HERE / "json/NCT02856893.json", HERE / "json/NCT02369484.json")


def test_a_file_without_a_trial_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="nothing to compare"):
        compare_sources(empty, HERE / "json/NCT02369484.json")


def test_a_complete_source_that_lists_fewer_conflicts() -> None:
    same = str.__eq__
    assert lists(["x", "y"], ["x"], False, True, same, str).outcome == "B states fewer"
    complete = lists(["x", "y"], ["x"], False, False, same, str)
    assert complete.outcome == CONFLICT
    assert "not in B: y" in complete.note
    assert lists(["x"], ["x", "z"], False, True, same, str).outcome == CONFLICT


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("National Cancer Institute (NCI)", "National Cancer Institute", True),
        ("Bristol-Myers Squibb", "Bristol Myers Squibb", True),
        ("ETOP", "ETOP IBCSG Partners Foundation", True),
        ("EORTC", "European Organisation for Research and Treatment of Cancer", True),
        ("Amgen", "Amgen Research (Munich) GmbH", False),
        ("Pfizer", "Merck Sharp & Dohme LLC", False),
    ],
)
def test_sponsor_name_rules(a: str, b: str, agree: bool) -> None:
    assert (same_organisation(a, b) is not None) is agree


def test_titles_that_differ_only_in_presentation_agree(
    reports: dict[str, ComparisonReport],
) -> None:
    # ClinicalTrials.Veeva writes the title as ClinicalTrials.gov displays it, "Title (ACRONYM)";
    # the record states BLAST as the trial's acronym.
    veeva = _field(reports["text/ctv.veeva.com/NCT01207388.txt"], "title")
    assert veeva.b is not None and veeva.b.endswith("Acute Lymphoblastic Leukemia (ALL) (BLAST)")
    assert veeva.a is not None and veeva.a.endswith("Acute Lymphoblastic Leukemia (ALL)")
    assert (veeva.outcome, veeva.note) == (AGREE, "B adds (BLAST), the trial's acronym; set aside")
    # CenterWatch drops the commas of "Solid Tumors, Lymphomas, or Multiple Myeloma".
    centerwatch = _field(reports["text/centerwatch.com/NCT02465060.txt"], "title")
    assert centerwatch.b is not None and "Solid Tumors Lymphomas or Multiple" in centerwatch.b
    assert centerwatch.outcome == AGREE
    assert centerwatch.note == "the same words; only the punctuation differs"
    # "(IV)" is a word the later title added, not the trial's acronym: still a conflict.
    for page in ("trial.medpath.com", "trials.co", "vellito.com"):
        title = _field(reports[f"text/{page}/NCT03228394.txt"], "title")
        assert title.b is not None and "Intravenous (IV) Ganaxolone" in title.b
        assert title.outcome == CONFLICT, page


MATCH = "Targeted Therapy in Solid Tumors, Lymphomas, or Multiple Myeloma"
BLAST = "Blinatumomab in Acute Lymphoblastic Leukemia (ALL)"


@pytest.mark.parametrize(
    ("a", "b", "acronyms", "agree"),
    [
        # Commas, full stops, colons, semicolons, quotes and hyphens separate words, as a space.
        (MATCH, "Targeted Therapy in Solid Tumors Lymphomas or Multiple Myeloma", (), True),
        ("NCI-MATCH: Targeted Therapy", "NCI MATCH Targeted Therapy", (), True),
        ("NCI\u2013MATCH; Targeted Therapy.", "nci match targeted therapy", (), True),
        ("\u201cReal-World\u201d Outcomes", "'Real World' Outcomes", (), True),
        ("Tumors,Lymphomas", "Tumors Lymphomas", (), True),
        # ... and never join two words into one.
        ("NCI-MATCH Trial", "NCIMATCH Trial", (), False),
        ("Tumors,Lymphomas", "TumorsLymphomas", (), False),
        ("A Dose of 2.5 mg", "A Dose of 25 mg", (), False),
        # Other signs carry meaning and stay.
        ("Phase 1/2 Study of X", "Phase 1 2 Study of X", (), False),
        ("X (IV) Infusion", "X IV Infusion", (), False),
        # A closing "(ACRONYM)" is set aside when the trial's acronym is that acronym.
        (BLAST, BLAST + " (BLAST)", ("BLAST",), True),
        (BLAST + " (BLAST)", BLAST, ("Blast",), True),
        ("CheckMate 331 Study (CheckMate-331)", "CheckMate 331 Study", ("CheckMate 331",), True),
        (BLAST, BLAST + " (BLAST)", (), False),
        (BLAST, BLAST + " (BLAST)", ("ALL",), False),
        (BLAST, BLAST + " (BLAST-2)", ("BLAST",), False),
        ("Study (BLAST) of Blinatumomab", "Study of Blinatumomab", ("BLAST",), False),
        ("Study of X (ONE)", "Study of X (TWO)", ("ONE", "TWO"), False),
        ("(BLAST)", "", ("BLAST",), False),
        # Words that differ are content, whatever is set aside.
        (
            "A Clinical Trial of Intravenous Ganaxolone in Women With Postpartum Depression",
            "A Clinical Trial of Intravenous (IV) Ganaxolone in Women With Postpartum Depression",
            ("IV",),
            False,
        ),
    ],
)
def test_title_rules(a: str, b: str, acronyms: tuple[str, ...], agree: bool) -> None:
    assert (same_title(acronyms)(a, b) is not None) is agree


def test_the_acronym_is_read_from_the_graph(tmp_path: Path) -> None:
    """The record states its acronym, APPLE: its title may end in "(APPLE)"; without it, no."""
    study = json.loads((HERE / "json/NCT02856893.json").read_text(encoding="utf-8"))
    identification = study["protocolSection"]["identificationModule"]
    assert identification["acronym"] == "APPLE"
    identification["briefTitle"] += " (APPLE)"
    changed = tmp_path / "NCT02856893.json"
    changed.write_text(json.dumps(study), encoding="utf-8")
    page = HERE / "text/meddatax.com/NCT02856893.txt"
    title = _field(compare_sources(changed, page), "title")
    assert (title.outcome, title.note) == (AGREE, "A adds (APPLE), the trial's acronym; set aside")
    del identification["acronym"]
    changed.write_text(json.dumps(study), encoding="utf-8")
    assert _field(compare_sources(changed, page), "title").outcome == CONFLICT
