"""The precision check that every page read passes through (``trialkg.readers.pages``).

The refused values are the kinds that page readers were found to put into graphs:
labels, design values, dates and counts in name fields, navigation and help text,
paragraphs where a name belongs, an intervention standing as an arm. The pages are real
(``tests/fixtures/pages/precision``, copied from the shared corpus).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trialkg.model import Arm, Intervention, Organisation, Outcome, Site, Source, Trial
from trialkg.readers import Document, read_document, read_paths, read_unchecked
from trialkg.readers.pages import check, precision, reason

FIXTURES = Path(__file__).parent.parent / "fixtures"
PAGES = FIXTURES / "pages" / "precision"


def _read(name: str) -> tuple[Trial, Trial]:
    """The page's trial before and after the check."""
    path = PAGES / name
    document = Document(path.name, path.read_bytes())
    (raw,) = read_unchecked(document)
    (checked,) = read_document(document)
    assert isinstance(raw, Trial) and isinstance(checked, Trial)
    return raw, checked


@pytest.mark.parametrize(
    ("value", "field", "why"),
    [
        ("Allocation:", "conditions", precision.LABEL),
        ("Study Type :", "conditions", precision.LABEL),
        ("Actual Enrollment :", "conditions", precision.LABEL),
        ("Official Title:", "conditions", precision.LABEL),
        ("Official Title", "interventions", precision.LABEL),
        ("Randomized", "interventions", precision.DESIGN),
        ("Parallel Assignment", "interventions", precision.DESIGN),
        ("Interventional (Clinical Trial)", "interventions", precision.DESIGN),
        ("Double (Participant, Investigator)", "interventions", precision.DESIGN),
        ("Phase 2/Phase 3", "conditions", precision.DESIGN),
        ("Active, not recruiting", "sponsor", precision.DESIGN),
        ("Treatment", "interventions", precision.DESIGN),
        ("117 participants", "interventions", precision.COUNT),
        ("2,539 (Actual)", "interventions", precision.COUNT),
        ("October 2008", "interventions", precision.DATE),
        ("August 4, 2020", "interventions", precision.DATE),
        ("2019-04-18", "conditions", precision.DATE),
        ("Working…", "brief_title", precision.PAGE_TEXT),
        ("We're building a better ClinicalTrials.gov", "brief_title", precision.PAGE_TEXT),
        ("As listed by the trial registrant", "conditions", precision.PAGE_TEXT),
        ("This site uses cookies to improve your experience", "sponsor", precision.PAGE_TEXT),
        ("Drug: Vandetanib", "arms", precision.WRONG_KIND),
        ("Experimental: Sema 0.05 mg - Dose 0.05 mg", "interventions", precision.WRONG_KIND),
        (
            "Change in body weight from baseline to week 52. Participants were weighed at "
            "every visit and the change was measured in kilograms.",
            "arms",
            precision.PARAGRAPH,
        ),
        ("x" * 400, "conditions", precision.PARAGRAPH),
        ("What are the researchers trying to find out?", "conditions", precision.PAGE_TEXT),
        ("https://www.cancer.gov/coronavirus", "brief_title", precision.PAGE_TEXT),
        ("ClinicalTrials.gov", "sponsor", precision.PAGE_TEXT),
        ("3220", "sites", precision.COUNT),
        ("02115", "interventions", precision.COUNT),
        ("---", "conditions", precision.NO_WORDS),
    ],
)
def test_each_kind_of_invented_value_is_refused(value: str, field: str, why: str) -> None:
    assert reason(value, field) == why


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("Randomized Withdrawal Cohort", "arms"),
        ("Treatment", "arms"),  # real arm groups are named so
        ("Intervention", "arms"),
        ("Age", "arms"),
        ("Study Population", "arms"),  # an observational group
        ("1", "arms"),  # the legacy records number their arms
        ("Phase 2 dose expansion", "arms"),
        ("Single dose of imatinib", "interventions"),
        ("Imatinib Mesylate", "interventions"),
        ("St. Jude Children's Research Hospital", "sponsor"),
        ("Overweight Obesity", "conditions"),
        ("Gastrointestinal Stromal Tumor (GIST)", "conditions"),
        ("Efficacy and Safety of Tirzepatide: A Randomized Trial", "official_title"),
        ("Www.Restoreclinicaltrial.Com", "sites"),  # a registry names a facility so
        # Names the legacy registry records give (xml-bulk), which a page copying them states:
        ("Do Fish Oils Prevent Restenosis Post-Coronary Angioplasty?", "brief_title"),
        ("Healthy Volunteers", "conditions"),
        ("Phase 1", "arms"),
        ("Single", "arms"),
        ("1988-1991", "arms"),
        ("27-400", "other_names"),
        (
            "Children's Hosp. & Research Ctr. Oakland, Ped. Clinical Research Ctr. & Research Lab.",
            "sites",
        ),
        (
            "Safety and Pharmacokinetic Study of Capravirine. Part I. Pharmacokinetics of "
            "Capravirine in HIV-Negative Volunteers. Part II. Antiviral Activity of Capravirine",
            "official_title",
        ),
    ],
)
def test_names_are_kept(value: str, field: str) -> None:
    assert reason(value, field) is None


def _names(trial: Trial) -> list[tuple[str, str]]:
    names = [
        ("brief_title", trial.brief_title or ""),
        ("official_title", trial.official_title or ""),
    ]
    names += [("conditions", c) for c in trial.conditions]
    names += [("interventions", i.name) for i in trial.interventions]
    names += [("other_names", o) for i in trial.interventions for o in i.other_names]
    names += [("arms", a.label) for a in trial.arms]
    names += [("sponsor", trial.lead_sponsor.name)] if trial.lead_sponsor else []
    names += [("collaborators", c.name) for c in trial.collaborators]
    for site in trial.sites:
        names += [("sites", part or "") for part in (site.facility, site.city, site.country)]
    return [(field, value) for field, value in names if value]


def test_no_name_of_a_structured_record_is_refused() -> None:
    """The check must not cost recall: every name the registry's own records give passes
    (API JSON and legacy XML, as a page that copies them would state them)."""
    trials = [t for t in read_paths([FIXTURES / "json", FIXTURES / "xml"]) if isinstance(t, Trial)]
    assert len(trials) >= 120
    refused = [
        (t.nct_id, field, value)
        for t in trials
        for field, value in _names(t)
        if reason(value, field) is not None
    ]
    assert refused == []
    # Nor a name that repeats another field of its own record (a programme named as its trial).
    assert [t.nct_id for t in trials if check(t).refusals] == []


def test_classic_table_page_is_read_whole_and_nothing_is_refused() -> None:
    """The ``Condition or disease | Intervention/treatment | Phase`` layout: the conditions
    table ends where the design table's label rows begin, and an arm's cell of several
    lines ends at a pipe alone on its line, so nothing is left for the check to refuse."""
    raw, checked = _read("clinicaltrials.gov_NCT04184622.txt")
    assert checked == raw and check(raw).refusals == ()
    assert checked.conditions == ("Overweight Obesity",)
    assert [(i.name, i.other_names) for i in checked.interventions] == [
        ("Tirzepatide", ("LY3298176",)),
        ("Placebo", ()),
    ]
    assert [(a.label, a.type, a.intervention_names) for a in checked.arms] == [
        ("5 mg Tirzepatide", "EXPERIMENTAL", ("Drug: Tirzepatide",)),
        ("10 mg Tirzepatide", "EXPERIMENTAL", ("Drug: Tirzepatide",)),
        ("15 mg Tirzepatide", "EXPERIMENTAL", ("Drug: Tirzepatide",)),
        ("Placebo", "PLACEBO_COMPARATOR", ("Drug: Placebo",)),
    ]
    assert (checked.study_type, checked.allocation, checked.enrollment) == (
        "INTERVENTIONAL",
        "RANDOMIZED",
        2539,
    )
    assert checked.phases == ("PHASE3",)


def test_every_cell_of_a_real_design_table_is_refused_as_a_name() -> None:
    """The cells the readers once took for conditions and interventions, from the page."""
    text = (PAGES / "clinicaltrials.gov_NCT04184622.txt").read_text()
    design_labels = ("Allocation:", "Intervention Model:", "Masking:", "Primary Purpose:")
    rows = [
        line
        for line in text.splitlines()
        if (line.count("|") == 2 and " : |" in line) or line.startswith(design_labels)
    ]
    cells = [cell.strip() for row in rows for cell in row.split("|") if cell.strip()]
    assert len(cells) == 18  # nine rows: a label and its value (the official title left out)
    for field in ("conditions", "interventions", "sponsor"):
        assert [c for c in cells if reason(c, field) is None] == []


def test_navigation_text_never_becomes_a_title() -> None:
    """The classic site's banner and "Working…" stand before the title; the reader passes
    over the furniture the check knows and takes the title."""
    raw, checked = _read("clinicaltrials.gov_NCT03548935_classic.txt")
    assert checked.brief_title == (
        "STEP 1: Research Study Investigating How Well Semaglutide Works in People Suffering "
        "From Overweight or Obesity (STEP 1)"
    )
    assert check(raw).refusals == ()
    assert (
        reason(
            "This is the classic website, which will be retired eventually. Please visit the "
            "modernized ClinicalTrials.gov instead.",
            "brief_title",
        )
        == precision.PAGE_TEXT
    )


def test_arms_listed_as_interventions_are_refused_on_a_page() -> None:
    raw, checked = _read("anzctr.org.au_NCT02453711.txt")
    assert any(i.name.startswith("Experimental:") for i in raw.interventions)
    assert not any(i.name.startswith("Experimental:") for i in checked.interventions)
    assert checked.brief_title == raw.brief_title


def test_a_clean_trial_is_returned_unchanged() -> None:
    trial = Trial(
        nct_id="NCT00000001",
        source=Source(reader="page"),
        brief_title="Imatinib in GIST",
        conditions=("Gastrointestinal Stromal Tumor",),
        interventions=(Intervention("Imatinib", "DRUG", other_names=("Gleevec", "STI571")),),
        arms=(Arm("Imatinib 400 mg"),),
        lead_sponsor=Organisation("Novartis"),
        sites=(Site(facility="Fox Chase Cancer Center", city="Philadelphia"),),
    )
    result = check(trial)
    assert result.trial is trial and result.refusals == ()


TITLE = "Adjuvant Imatinib Mesylate for Three Years in Resected Gastrointestinal Stromal Tumor"


def test_refused_parts_go_and_the_record_is_partial() -> None:
    trial = Trial(
        nct_id="NCT00000001",
        source=Source(reader="page"),
        brief_title=TITLE,
        interventions=(
            Intervention("Imatinib", other_names=("Gleevec", "October 2008")),
            Intervention(TITLE),  # the title, taken from the wrong line
        ),
        arms=(Arm("Drug: Imatinib"), Arm("Imatinib 400 mg"), Arm("Progression-free Survival")),
        outcomes=(Outcome("PRIMARY", "Progression-free survival"),),
        lead_sponsor=Organisation("Masking:"),
        sites=(Site(facility="Skip to main content"), Site(city="Boston")),
    )
    result = check(trial)
    assert [(r.field, r.reason) for r in result.refusals] == [
        ("other_names", precision.DATE),
        ("interventions", precision.OTHER_FIELD),
        ("arms", precision.WRONG_KIND),
        ("arms", precision.OTHER_FIELD),
        ("sponsor", precision.LABEL),
        ("sites", precision.PAGE_TEXT),
    ]
    checked = result.trial
    assert checked.interventions == (Intervention("Imatinib", other_names=("Gleevec",)),)
    assert checked.arms == (Arm("Imatinib 400 mg"),)
    assert checked.lead_sponsor is None
    assert checked.sites == (Site(city="Boston"),)
    assert checked.source.partial and not trial.source.partial


def test_the_check_is_linear_on_a_megabyte_line() -> None:
    """A flood of word characters once made the e-mail pattern backtrack on every start."""
    from trialkg.readers.pages.precision import is_page_text

    flood = "A" * 1_000_000
    assert reason(flood, "conditions") == precision.PARAGRAPH
    assert not is_page_text(flood)
    assert reason("a" * 300 + "@", "brief_title") is None
