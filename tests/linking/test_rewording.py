"""Issue 14, coverage outside lung cancer: classes of miss, one test each.

Conditions in another word order or narrowed by site, age group, stage or a
clause; drugs named with a route, a release form, a duration or "therapy".
"""

from __future__ import annotations

import pytest

from tests.linking.conftest import MESH, drug_concepts, trial
from trialkg.linking import Linker
from trialkg.linking.rewording import condition_forms

MONDO = "http://purl.obolibrary.org/obo/MONDO_"


def _condition(linker: Linker, name: str) -> tuple[str, str, str]:
    (concepts,) = linker.link_trial(trial(conditions=(name,))).conditions
    (concept,) = concepts
    first = concept.matches[0] if concept.matches else None
    return (first.iri if first else "-", first.relation if first else "-", concept.method)


@pytest.mark.parametrize(
    ("name", "iri", "relation"),
    [
        # The same words in another order: the same condition.
        ("Breast Cancer Female", MONDO + "0004379", "exact"),
        # Without the body site: the condition in general, of which it is a case.
        ("Herniated Lumbar Disc", MESH + "D007405", "close"),
        ("Disk Herniated Lumbar", MESH + "D007405", "close"),
        ("Cervical Disc Herniation", MESH + "D007405", "close"),
        # Without the age group, the remission or a narrowing clause.
        ("Childhood Acute Myelomonocytic Leukemia (M4)", MESH + "D015479", "close"),
        ("Adult Acute Myeloid Leukemia in Remission", MESH + "D015470", "close"),
        ("Adult Acute Myeloid Leukemia With Del(5q)", MESH + "D015470", "close"),
        ("Childhood Grade II Meningioma", MESH + "D008579", "close"),
    ],
)
def test_a_condition_reworded_links_with_its_relation(
    linker: Linker, name: str, iri: str, relation: str
) -> None:
    assert _condition(linker, name) == (iri, relation, "reworded")


def test_rewording_keeps_the_words_that_name_the_disease() -> None:
    # "Acute" and "chronic" name other diseases: never dropped; phrases are not reordered.
    closes = [form for form, relation in condition_forms("Childhood Acute Myeloid Leukemia")]
    assert "acute myeloid leukemia" in closes and "myeloid leukemia" not in closes
    assert condition_forms("Cancer of the Pancreatic Head") == []
    # Nothing but narrowing words: nothing to look up.
    assert condition_forms("Adult Patients") == [("patients adult", "exact")]
    assert condition_forms("Asthma") == []


def test_a_mention_that_is_only_patients_with_words_is_not_a_condition(linker: Linker) -> None:
    assert _condition(linker, "Patients With Unspecified Findings")[0] == "-"


@pytest.mark.parametrize(
    ("name", "iri"),
    [
        ("Epidural hyaluronidase injection", MESH + "D006821"),  # a route
        ("Lecozotan SR", MESH + "C500836"),  # a release form
        ("Avandia administration for 6-12 weeks", MESH + "D000077154"),  # a duration
        ("Cytokine therapy", MESH + "D016207"),  # "X therapy" of a drug class
        ("Metformin treatment", MESH + "D008687"),
    ],
)
def test_a_drug_named_with_route_form_duration_or_therapy_words(
    linker: Linker, name: str, iri: str
) -> None:
    (concept,) = drug_concepts(linker, name)
    assert concept.kind == "drug" and concept.matches[0].iri == iri
    assert concept.matches[0].relation == "exact"


def test_a_therapy_that_is_a_procedure_as_written_stays_a_procedure(linker: Linker) -> None:
    (concept,) = drug_concepts(linker, "Biological Therapy", "BIOLOGICAL")
    assert concept.kind == "procedure" and concept.matches[0].iri == MESH + "D001691"


@pytest.mark.parametrize(
    ("name", "iri"),
    [
        ("Approved influenza virus vaccine.", MESH + "D007252"),
        ("trivalent split influenza vaccine", MESH + "D007252"),
        ("ras peptide cancer vaccine", MESH + "D019496"),
    ],
)
def test_a_vaccine_is_close_to_the_class_its_name_ends_with(
    linker: Linker, name: str, iri: str
) -> None:
    (concept,) = drug_concepts(linker, name, "BIOLOGICAL")
    assert (concept.matches[0].iri, concept.matches[0].relation, concept.method) == (
        iri,
        "close",
        "vaccine-head",
    )


def test_a_hyphenated_virus_name_is_not_cut_for_a_vaccine_head(linker: Linker) -> None:
    # "Varicella-zoster" names one virus: its vaccine is not the herpes zoster vaccine.
    (concept,) = drug_concepts(linker, "Varicella-zoster vaccine", "BIOLOGICAL")
    assert all(m.iri != MESH + "D053061" for m in concept.matches)


@pytest.mark.parametrize(
    ("name", "iri", "relation"),
    [
        # A word in another of its forms: MeSH's "Disc, Prolapsed", "Metabolic Diseases".
        ("Cervical Disc Prolapse", MESH + "D007405", "close"),
        ("Lumbar Herniated Intervertebral Disc", MESH + "D007405", "close"),
        ("Metabolic Disorders", MESH + "D008659", "exact"),
        # Decompensated: the course of the case, not another disease.
        ("Decompensated Cirrhosis", MESH + "D008103", "close"),
    ],
)
def test_a_condition_word_in_another_form(
    linker: Linker, name: str, iri: str, relation: str
) -> None:
    assert _condition(linker, name) == (iri, relation, "reworded")
