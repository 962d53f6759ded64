"""A page that names imatinib as a trial's intervention, by any of its names and under any
of the labels and layouts pages use, gives the trial an intervention the linker takes to
the one imatinib drug node (MeSH D000068877)."""

from __future__ import annotations

import pytest

from trialkg.linking import default_linker
from trialkg.model import Trial
from trialkg.readers import Document, read_document

IMATINIB = "mesh-D000068877"
NAMES = ("Gleevec", "Glivec", "STI571", "Imatinib Mesylate", "imatinib")
LAYOUTS = {
    "label line": "NCT ID: NCT00000102\nTitle: A trial in GIST\nInterventions:\nDrug: {}\n",
    "inline label": "NCT ID: NCT00000102\nTitle: A trial in GIST\nStudy Drug: {}\n",
    "table row": "| NCT ID | NCT00000102 |\n| Title | A trial in GIST |\n| Intervention | {} |\n",
    "ct2 table": (
        "A trial in GIST\nClinicalTrials.gov Identifier: NCT00000102 |\n"
        "Recruitment Status :\nCompleted\n"
        "The safety and scientific validity of this study is the responsibility of the study"
        " sponsor and investigators.\n"
        "Condition or disease | Intervention/treatment | Phase |\n---|---|---|\n"
        "Gastrointestinal Stromal Tumor | Drug: {} | Phase 3 |\n"
        "Study Type : | Interventional (Clinical Trial) |\n"
    ),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", NAMES)
def test_imatinib_intervention_links_to_the_one_drug_node(layout: str, name: str) -> None:
    text = LAYOUTS[layout].format(name)
    (trial,) = read_document(Document("page.txt", text.encode()))
    assert isinstance(trial, Trial) and trial.nct_id == "NCT00000102"
    (intervention,) = trial.interventions
    assert intervention.name == name
    concepts = default_linker().intervention_concepts(intervention, trial)
    assert [c.key for c in concepts] == [IMATINIB]
