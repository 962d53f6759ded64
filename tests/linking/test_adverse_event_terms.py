"""Adverse-event terms to shared nodes through the linker."""

from __future__ import annotations

from trialkg.linking import default_linker
from trialkg.linking.adverse_events import american, measured_names, term_variants
from trialkg.linking.linker import Concept


def test_the_same_term_however_cased_is_one_node() -> None:
    terms = default_linker().adverse_events
    nausea, lower = terms.concept("Nausea"), terms.concept("nausea")
    assert nausea == lower
    assert nausea.kind == "adverse-event"
    assert any(m.iri.endswith("D009325") and m.relation == "exact" for m in nausea.matches)


def test_british_spellings_link_as_their_american_form() -> None:
    assert american("Oedema peripheral") == "Edema peripheral"
    assert american("Anaemia") == "Anemia"
    assert american("Toe pain") == "Toe pain"
    terms = default_linker().adverse_events
    assert terms.concept("Anaemia").key == terms.concept("Anemia").key
    assert terms.concept("Diarrhoea").key == terms.concept("Diarrhea").key


def test_a_compound_term_links_by_a_part_as_a_close_match_only() -> None:
    assert term_variants("Pain: Head/headache")[:5] == [
        "Head Pain",
        "headache Pain",
        "Head",
        "headache",
        "Pain",
    ]
    assert term_variants("Neuropathy-sensory")[:2] == ["sensory Neuropathy", "sensory"]
    # A prefixed word is no category, and a generic word alone is no event.
    assert "cardiac chest pain" not in term_variants("Non-cardiac chest pain")
    assert "chest pain" in term_variants("Non-cardiac chest pain")
    assert "disorders" not in term_variants("Other pancreatic or biliary disorders")
    chest = default_linker().adverse_events.concept("Non-cardiac chest pain")
    assert [m.iri.rsplit("/", 1)[-1] for m in chest.matches][:1] == ["D002637"]  # Chest Pain
    concept = default_linker().adverse_events.concept("Rigors/chills")
    assert concept.key == "rigors-chills"  # its own node, not the part's
    assert concept.matches
    assert all(m.relation == "close" and m.method.endswith("+term-part") for m in concept.matches)


def test_a_term_no_vocabulary_knows_stays_unlinked_with_its_words() -> None:
    concept = default_linker().adverse_events.concept("Zorblax syndrome of the left toe")
    assert concept.matches == ()
    # Labelled from its key, so that every spelling gives the shared node one label.
    assert concept.label == "zorblax syndrome of the left toe"
    assert default_linker().adverse_events.concept("ZORBLAX Syndrome of the Left Toe") == concept


def mesh_ids(concept: Concept) -> list[str]:
    return [m.iri.rsplit("/", 1)[-1] for m in concept.matches]


def test_a_laboratory_term_links_to_what_it_measures_as_a_close_match() -> None:
    terms = default_linker().adverse_events
    alt = terms.concept("Alanine aminotransferase increased")
    assert mesh_ids(alt)[:1] == ["D000410"]  # Alanine Transaminase
    assert alt.key == "alanine-aminotransferase-increased"  # the event's own node
    assert all(m.relation == "close" and m.method.endswith("+measured-entity") for m in alt.matches)
    assert mesh_ids(terms.concept("Blood creatinine increased"))[:1] == ["D003404"]
    assert mesh_ids(terms.concept("Magnesium, serum-low (hypomagnesemia)"))[:1] == ["D008274"]
    assert mesh_ids(terms.concept("HEPATIC:: Bilirubin"))[:1] == ["D001663"]
    assert mesh_ids(terms.concept("Cardiac troponin I increased"))[:1] == ["D019210"]
    # Before: the thyroid tumor a word of the term named.
    assert mesh_ids(terms.concept("Blood thyroid stimulating hormone increased"))[:1] == [
        "D013972"  # Thyrotropin
    ]
    # A short capital name alone means too many things to look up.
    assert measured_names("ALT") == ["ALT"]
    assert terms.concept("ALT").matches == ()


def test_an_organ_term_links_to_the_organs_diseases_never_to_its_cancer() -> None:
    terms = default_linker().adverse_events
    assert mesh_ids(terms.concept("Pulmonary"))[:1] == ["D008171"]  # Lung Diseases
    assert mesh_ids(terms.concept("Renal/GU-Other"))[:1] == ["D007674"]  # Kidney Diseases
    assert mesh_ids(terms.concept("Dermatology/Skin - Other"))[:1] == ["D012871"]
    assert mesh_ids(terms.concept("Dry skin"))[:1] == ["D012871"]  # Skin Diseases
    # Not Lung Neoplasms, which some vocabularies name "Lung".
    assert mesh_ids(terms.concept("Lung infection"))[:1] == ["D007239"]  # Infections
    # A word inside a longer phrase names no organ: bone marrow is not bone.
    assert "bone diseases" not in term_variants("Bone Marrow positive for megakaryocytes")
    # An empty "Other (Specify, __)" is the organ's; a specified one is the event named.
    assert mesh_ids(terms.concept("Pulmonary-Other (Specify, __)"))[:1] == ["D008171"]
    failure = terms.concept("PULMONARY:: Pulmonary-Other (Specify, respiratory failure)")
    assert mesh_ids(failure)[:1] == ["MONDO_0021113"]  # respiratory failure
    # A qualifier alone is no event: "Localised oedema" is oedema.
    assert mesh_ids(terms.concept("Localised oedema"))[:1] == ["D004487"]  # Edema
