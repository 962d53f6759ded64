"""Organisations: one node however spelled, two hospitals never merged; countries: ISO codes."""

from __future__ import annotations

import pytest

from tests.linking.conftest import trial
from trialkg.countries import country_code
from trialkg.linking import Linker
from trialkg.linking.organisations import organisation_key
from trialkg.linking.places import Place, site_place
from trialkg.model import Organisation, Site
from trialkg.rdf import vocab
from trialkg.rdf.mapping import map_trial
from trialkg.rdf.terms import IRI, Lit

SAME = [
    (
        "First Affiliated Hospital, Sun Yat-Sen University",
        "The First Affiliated Hospital of Sun Yat-sen University",
    ),
    (
        "Sun Yat-sen University First Affiliated Hospital",
        "First Affiliated Hospital of Sun Yat-sen University",
    ),
    ("National Cancer Institute (NCI)", "National Cancer Institute"),
    ("Shanghai Pulmonary Hospital, Shanghai, China", "Shanghai Pulmonary Hospital"),
    ("Jiangsu HengRui Medicine Co., Ltd.", "Jiangsu Hengrui Medicine"),
    ("St. Michael's Hospital", "Saint Michael's Hospital"),
    ("Novo Nordisk A/S", "Novo Nordisk"),
    (
        "Afﬁliated Hospital of North Sichuan Medical College",
        "Affiliated Hospital of North Sichuan Medical College",
    ),
    ("Hebei Medical University Fourth Hospital", "The Fourth Hospital of Hebei Medical University"),
    (
        "Tianjin Medical Univ. Cancer Inst. & Hosp.",
        "Tianjin Medical University Cancer Institute and Hospital",
    ),
    # Issue 14: the most frequent unlinked spellings of one institution.
    ("M.D. Anderson Cancer Center", "MD Anderson Cancer Center"),
    ("Univ of California, San Diego", "University of California, San Diego"),
    ("Med Univ of South Carolina", "Medical University of South Carolina"),
    ("Stanford Univ", "Stanford University"),
]
DIFFERENT = [
    (
        "The First Affiliated Hospital of Sun Yat-sen University",
        "The Second Affiliated Hospital of Sun Yat-sen University",
    ),
    (
        "The First Affiliated Hospital of Sun Yat-sen University",
        "Sun Yat-sen University Cancer Center",
    ),
    ("Sun Yat-sen University Cancer Center", "Sun Yat-sen University"),
    ("Peking University First Hospital", "Peking University Third Hospital"),
    ("Medtronic", "Medtronic Cardiac Rhythm and Heart Failure"),
    ("University of California, Los Angeles", "University of California, San Diego"),
    # Issue 14: the hard pairs a bag of words would merge.
    ("University of Washington", "Washington University"),
    ("National Cancer Institute", "National Eye Institute"),
    ("National Institutes of Health", "National Institute of Health"),
    ("National Heart, Lung, and Blood Institute", "National Lung and Heart Institute"),
]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Asan Medical Center", "asan-medical-center"),
        ("The First Affiliated Hospital of Sun Yat-sen University",
         "sun-yat-sen-university-first-affiliated-hospital"),
        ("National Cancer Institute (NCI)", "national-cancer-institute"),
    ],
)  # fmt: skip
def test_issue_14_organisation_keys_read_as_the_name(name: str, key: str) -> None:
    assert organisation_key(name) == key


@pytest.mark.parametrize(("one", "other"), SAME)
def test_one_institution_is_one_node(one: str, other: str) -> None:
    assert organisation_key(one) == organisation_key(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_institutions_keep_their_nodes(one: str, other: str) -> None:
    assert organisation_key(one) != organisation_key(other)


def test_the_sponsor_and_the_site_of_the_seed_are_one_node(linker: Linker) -> None:
    record = trial(
        lead_sponsor=Organisation("First Affiliated Hospital, Sun Yat-Sen University", "OTHER"),
        sites=(
            Site(
                "The First Affiliated Hospital of Sun Yat-sen University",
                "Guangzhou",
                country="China",
            ),
        ),
    )
    links = linker.link_trial(record)
    assert links.lead_sponsor is not None and links.site_organisations[0] is not None
    assert links.lead_sponsor.key == links.site_organisations[0].key


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Turkey (Türkiye)", "TR"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Russian Federation", "RU"),
        ("United States", "US"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("Iran, Islamic Republic of", "IR"),
        ("Taiwan", "TW"),
        ("Viet Nam", "VN"),
        ("Côte D'Ivoire", "CI"),
        ("Congo, The Democratic Republic of the", "CD"),
        ("Macedonia, The Former Yugoslav Republic of", "MK"),
        ("Puerto Rico", "PR"),
        ("Former Serbia and Montenegro", None),
        ("Springfield", None),
        (None, None),
    ],
)
def test_countries_get_their_iso_3166_code(name: str | None, code: str | None) -> None:
    assert country_code(name) == code


def test_a_city_is_a_node_within_its_country() -> None:
    assert site_place("Guangzhou", "China") == Place("CN", "cn/guangzhou", "Guangzhou")
    assert site_place("Paris", "France") != site_place("Paris", "United States")
    assert site_place("Guangzhou", None) is None
    assert site_place(None, "South Korea") == Place("KR")


def test_the_graph_says_the_country_code_and_the_city(linker: Linker) -> None:
    record = trial(sites=(Site("Asan Medical Center", "Seoul", country="Korea, Republic of"),))
    triples = map_trial(record, linker.link_trial(record))
    site = next(s for s, p, o in triples if p == vocab.TYPE and o == vocab.Site)
    city = IRI("https://w3id.org/trialkg/id/city/kr/seoul")
    assert (site, vocab.TKG + "countryCode", Lit("KR")) in triples
    assert (site, vocab.TKG + "inCity", city) in triples
    assert (str(city), vocab.LABEL, Lit("Seoul")) in triples
    assert (str(city), vocab.TKG + "countryCode", Lit("KR")) in triples
