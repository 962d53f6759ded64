"""Adverse-event terms to shared nodes through the linker."""

from __future__ import annotations

from trialkg.linking import default_linker
from trialkg.linking.adverse_events import american, term_variants


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
