"""Normalisation: when two spellings are one name, and what a drug mention is without its dose."""

from __future__ import annotations

import pytest

from trialkg.linking.normalise import (
    defined_abbreviations,
    drug_name_variants,
    fold,
    is_abbreviation_of,
    lookup_key,
    split_combination,
    strip_parentheses,
)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Non-Small-Cell Lung Cancer", "non small cell lung cancer"),
        ("Keytruda®", "KEYTRUDA"),
        ("Tagrisso™", "tagrisso"),
        ("Sj\u00f6gren\u2019s Syndrome", "Sjogren's syndrome"),
        ("TNF-\u03b1", "TNF alpha"),
        ("STI-571", "STI571"),
        ("Covid19", "COVID-19"),
        ("ﬁrst", "first"),  # a ligature, as a PDF-derived page writes it
    ],
)
def test_spellings_of_one_name_have_one_key(one: str, other: str) -> None:
    assert lookup_key(one) == lookup_key(other)


def test_fold_keeps_words_apart_and_drops_marks() -> None:
    assert fold("  Atripla®\u2013 (r)  ") == "atripla- (r)"


@pytest.mark.parametrize(
    ("mention", "cleaned", "step"),
    [
        ("Imatinib Mesylate 400 mg tablets", "imatinib mesylate", "normalised"),
        ("Imatinib Mesylate 400 mg tablets", "imatinib", "salt"),
        ("Afatinib 40 MG", "afatinib", "normalised"),
        ("Cisplatin 75mg/m2", "cisplatin", "normalised"),
        ("Neratinib tablets", "neratinib", "normalised"),
        ("Oral S-1", "s-1", "normalised"),
        ("Drug: Afatinib", "afatinib", "normalised"),
        ("TY-9591(10mg,40mg) qd. po", "ty-9591", "normalised"),
        ("Milciclib Dose: 150 mg/day Mode of administration: oral", "milciclib", "normalised"),
        ("Anlotinib Hydrochloride", "anlotinib", "salt"),
        ("FGFR Inhibitor AZD4547", "azd4547", "code"),
        ("PI3K-beta Inhibitor GSK2636771", "gsk2636771", "code"),
    ],
)
def test_drug_mentions_lose_dose_route_form_and_salt(mention: str, cleaned: str, step: str) -> None:
    assert (cleaned, step) in drug_name_variants(mention)


def test_a_protein_name_is_not_a_development_code() -> None:
    for mention in ("PD-1 inhibitor", "PD-L1 Inhibitor", "CD19 CAR-T cells", "Anti-HER2 antibody"):
        assert "code" not in {step for _, step in drug_name_variants(mention)}, mention


def test_a_salt_alone_is_not_stripped_to_nothing() -> None:
    assert [text for text, _ in drug_name_variants("Magnesium sulphate")] == ["Magnesium sulphate"]


@pytest.mark.parametrize(
    ("mention", "parts"),
    [
        ("Paclitaxel + Carboplatin", ["Paclitaxel", "Carboplatin"]),
        ("sintilimab plus anlotinib", ["sintilimab", "anlotinib"]),
        ("Busulfan/Cyclophosphamide", ["Busulfan", "Cyclophosphamide"]),
        (
            "SHR-A1921 injection and adebrelimab injection",
            ["SHR-A1921 injection", "adebrelimab injection"],
        ),
        ("furmonertinib combined with anlotinib", ["furmonertinib", "anlotinib"]),
        (
            "Tislelizumab\uff0catezolizumab or sugemalimab",
            ["Tislelizumab", "atezolizumab", "sugemalimab"],
        ),
        ("sacubitril/valsartan (LCZ696)", ["sacubitril", "valsartan (LCZ696)"]),
        ("TY-9591(10mg,40mg) qd", ["TY-9591(10mg,40mg) qd"]),
        ("Imatinib", ["Imatinib"]),
    ],
)
def test_combinations_split_outside_parentheses(mention: str, parts: list[str]) -> None:
    assert split_combination(mention) == parts


def test_strip_parentheses_keeps_an_unclosed_bracket() -> None:
    assert strip_parentheses("imatinib (IM) x (a (b) c) d ( open") == "imatinib x d ( open"


def test_abbreviations_a_text_defines() -> None:
    text = (
        "Imatinib (IM) with hepatic resection (HR) for non-small cell lung cancer (NSCLC). "
        "Phase (II) study of lamivudine (3TC) versus active control (placebo)."
    )
    found = defined_abbreviations(text, known=lambda phrase: phrase.lower() == "lamivudine")
    assert found == {
        "im": "Imatinib",
        "hr": "hepatic resection",
        "nsclc": "non-small cell lung cancer",
        "3tc": "lamivudine",
    }


def test_an_abbreviation_of_the_words_before_it_is_not_an_other_name() -> None:
    assert is_abbreviation_of("IM", "imatinib")
    assert is_abbreviation_of("DHAP", "Dihydroartemisinin-piperaquine")
    assert not is_abbreviation_of("LCZ696", "sacubitril/valsartan")


def test_long_and_unbalanced_text_costs_linear_time() -> None:
    import time

    text = "a" + " " * 60_000 + "(" * 30_000 + "+ " * 20_000
    start = time.perf_counter()
    strip_parentheses(text)
    split_combination(text)
    drug_name_variants(text)
    defined_abbreviations(text)
    assert time.perf_counter() - start < 2.0
