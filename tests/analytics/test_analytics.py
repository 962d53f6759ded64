"""Analytics: the networks' numbers equal the named queries' on the 110 JSON records."""

from __future__ import annotations

import gzip
from collections import defaultdict
from pathlib import Path

import pytest
import rdflib

import trialkg
from trialkg import analytics
from trialkg.analytics.networks import rows as sparql_rows
from trialkg.linking.lexicon import default_lexicon
from trialkg.store import TrialStore

TKG = rdflib.Namespace("https://w3id.org/trialkg/vocab#")
FIXTURES = Path(__file__).parent.parent / "fixtures"


def rows(store: TrialStore, name: str, **params: str) -> list[dict[str, object]]:
    return trialkg.run_query(store, name, params or None).as_dicts()


def summary(store: TrialStore) -> dict[str, dict[str, object]]:
    return {str(row["nct_id"]): row for row in rows(store, "trial-summary")}


def test_trial_drug_degrees_are_the_shared_drugs(json_store: TrialStore) -> None:
    graph = analytics.trial_drug_graph(json_store)
    shared = rows(json_store, "shared-drugs")
    assert len(shared) >= 10
    for row in shared:
        drug = str(row["drug"])
        assert graph.degree(drug) == row["trials"]
        assert " ".join(sorted(graph.neighbors(drug))) == row["nct_ids"]
        assert graph.nodes[drug]["label"] == row["label"]
    shared_drugs = {str(row["drug"]) for row in shared}
    drugs = {n for n, d in graph.nodes(data=True) if d["kind"] == "drug"}
    assert {d for d in drugs if graph.degree(d) >= 2} == shared_drugs
    assert set(analytics.trial_nodes(graph)) <= set(summary(json_store))


def test_trial_condition_degrees_are_the_shared_conditions(json_store: TrialStore) -> None:
    graph = analytics.trial_condition_graph(json_store)
    shared = rows(json_store, "shared-conditions")
    assert shared
    for row in shared:
        condition = str(row["condition"])
        assert " ".join(sorted(graph.neighbors(condition))) == row["nct_ids"]
    nsclc = graph.nodes["https://w3id.org/trialkg/id/condition/mesh-D002289"]
    assert nsclc["label"] == "Carcinoma, Non-Small-Cell Lung"
    assert "mesh:D002289" in nsclc["ids"].split()


def test_trial_sponsor_degrees_are_lead_trials_and_collaborations(json_store: TrialStore) -> None:
    graph = analytics.trial_sponsor_graph(json_store)
    sponsors = rows(json_store, "sponsors")
    assert len(sponsors) > 100
    for row in sponsors:
        assert graph.degree(str(row["sponsor"])) == row["lead_trials"] + row["collaborations"]


def test_countries_carry_the_sites_by_country(json_store: TrialStore) -> None:
    graph = analytics.site_country_graph(json_store)
    expected = rows(json_store, "sites-by-country")
    assert {c: (graph.nodes[c]["sites"], graph.nodes[c]["trials"]) for c in graph} == {
        str(r["country"]): (r["sites"], r["trials"]) for r in expected
    }
    # Two countries are joined by the trials with sites in both.
    weight, first, second = max((d["weight"], a, b) for a, b, d in graph.edges(data=True))
    assert weight <= min(graph.nodes[first]["trials"], graph.nodes[second]["trials"])


def test_drug_condition_edges_count_trials_and_reach_their_highest_phase(
    json_store: TrialStore,
) -> None:
    graph = analytics.drug_condition_graph(json_store)
    trials = summary(json_store)
    drug = "https://w3id.org/trialkg/id/drug/mesh-D000077143"  # docetaxel
    using = {str(r["nct_id"]) for r in rows(json_store, "trials-for-drug", drug="mesh:D000077143")}
    assert len(using) == 7
    behind = set()
    for condition in graph.neighbors(drug):
        edge = graph.edges[drug, condition]
        ncts = edge["trials"].split()
        assert edge["weight"] == len(ncts)
        behind |= set(ncts)
        phases = {p for n in ncts for p in str(trials[n]["phase"] or "").split("/")}
        assert edge["highest_phase"] == analytics.networks.highest_phase(phases)
    assert behind == {n for n in using if trials[n]["conditions"]}


def test_co_use_counts_arms_that_give_both_drugs(json_store: TrialStore) -> None:
    graph = analytics.drug_co_use_graph(json_store)
    assert graph.number_of_edges() > 10
    for first, second, edge in sorted(graph.edges(data=True))[:15]:
        arms = 0
        for nct in edge["trials"].split():
            trial = json_store.trial_graph(nct)
            for arm in trial.objects(None, TKG.arm):
                given = {
                    concept
                    for intervention in trial.objects(arm, TKG.givesIntervention)
                    for concept in trial.objects(intervention, TKG.concept)
                }
                arms += {rdflib.URIRef(first), rdflib.URIRef(second)} <= given
        assert arms == edge["weight"], (first, second)


def test_sponsor_collaboration_joins_the_organisations_of_one_trial(
    json_store: TrialStore,
) -> None:
    graph = analytics.sponsor_collaboration_graph(json_store)
    sponsors = {str(r["sponsor"]): r for r in rows(json_store, "sponsors")}
    assert set(graph) == set(sponsors)
    for first, second, edge in graph.edges(data=True):
        trials = edge["trials"].split()
        assert edge["weight"] == len(trials)
        for organisation in (first, second):
            row = sponsors[organisation]
            assert len(trials) <= int(row["lead_trials"]) + int(row["collaborations"])


def test_centrality_and_communities_are_deterministic(json_store: TrialStore) -> None:
    graph = analytics.drug_condition_graph(json_store)
    ranked = analytics.centrality(graph)
    assert ranked[0]["label"] == "Carcinoma, Non-Small-Cell Lung"
    assert ranked[0]["degree"] == graph.degree(ranked[0]["node"])
    groups = analytics.communities(graph)
    assert groups == analytics.communities(graph)
    assert sorted(n for group in groups for n in group) == sorted(graph)
    assert len(groups) > 1


def test_repurposing_needs_conditions_that_no_one_branch_holds(
    json_store: TrialStore, tmp_path: Path
) -> None:
    facts = analytics.read_facts(json_store)
    graph = analytics.drug_condition_graph(json_store, facts)

    def descriptors_of(drug: str) -> list[str]:
        return sorted(
            {
                term.removeprefix("mesh:")
                for c in graph.neighbors(drug)
                for term in graph.nodes[c]["ids"].split()
                if term.startswith("mesh:D")
            }
        )

    drugs = [n for n, d in graph.nodes(data=True) if d["kind"] == "drug"]
    drug = max(drugs, key=lambda d: (len(descriptors_of(d)), d))  # tried most widely
    descriptors = descriptors_of(drug)
    assert len(descriptors) >= 2
    # Tree numbers for the test (the store holds none): one branch, then two.
    one = {d: (f"C04.{i:03d}",) for i, d in enumerate(descriptors)}
    assert drug not in {c.drug for c in analytics.repurposing_candidates(json_store, one, facts)}
    lines = [f"{d}\tC04.{i:03d}" for i, d in enumerate(descriptors[:-1])]
    lines.append(f"{descriptors[-1]}\tC08.381")
    table = tmp_path / "trees.tsv.gz"
    table.write_bytes(gzip.compress("\n".join(lines).encode()))
    two = analytics.read_mesh_trees(table)
    found = {c.drug: c for c in analytics.repurposing_candidates(json_store, two, facts)}
    assert found[drug].branches == ("C04", "C08")
    behind = {t for c in graph.neighbors(drug) for t in graph.edges[drug, c]["trials"].split()}
    assert set(found[drug].trials) <= behind


def test_repurposing_reads_the_tree_numbers_the_store_holds(
    json_store: TrialStore, tmp_path: Path
) -> None:
    """With no table, the branches come from tkg:meshTreeNumber on the conditions: the
    numbers of the MeSH descriptors each condition exactly matches, as the lexicon has them."""
    store = trialkg.open_store()
    report = trialkg.build(store, [FIXTURES / "repurposing", FIXTURES / "json"])
    assert report.rejected == 0
    lexicon = default_lexicon()
    descriptors = {
        str(row[0]).rsplit("/", 1)[-1]
        for row in sparql_rows(
            store,
            "SELECT DISTINCT ?d WHERE { ?c a tkg:Condition ; skos:exactMatch ?d "
            'FILTER(STRSTARTS(STR(?d), "http://id.nlm.nih.gov/mesh/")) }',
        )
    }
    table = {}
    for descriptor in descriptors:
        concept = lexicon.concept("mesh:" + descriptor)
        assert concept is not None, descriptor
        table[descriptor] = concept.tree_numbers
    from_store = analytics.condition_tree_numbers(store)
    assert from_store == analytics.condition_tree_numbers(store, table)
    diabetes = "https://w3id.org/trialkg/id/condition/mesh-D003920"
    assert from_store[diabetes] == ("C18.452.394.750", "C19.246")

    found = analytics.repurposing_candidates(store)
    assert found == analytics.repurposing_candidates(store, table)
    by_trials = {c.trials: c for c in found}
    # An SGLT2 inhibitor for heart and sugar, linaclotide for constipation in diabetes.
    assert by_trials[("NCT05333159",)].branches == ("C14", "C18", "C19")
    assert by_trials[("NCT03119584",)].conditions == ("Constipation", "Diabetes Mellitus")
    # The lung-cancer records alone give none: every drug's conditions share C04.
    assert analytics.repurposing_candidates(json_store) == []


def test_mesh_descriptor_file_gives_tree_numbers(tmp_path: Path) -> None:
    ascii_file = tmp_path / "d2025.bin"
    ascii_file.write_text(
        "*NEWRECORD\nRECTYPE = D\nMH = Melanoma\nMN = C04.557.465.625.650.510\n"
        "MN = C04.557.580.625.650.510\nUI = D008545\n\n*NEWRECORD\nRECTYPE = D\n"
        "MH = Lung Neoplasms\nMN = C04.588.894.797.520\nMN = C08.381.540\nUI = D008175\n"
    )
    trees = analytics.read_mesh_trees(ascii_file)
    assert trees["D008175"] == ("C04.588.894.797.520", "C08.381.540")
    assert len(trees["D008545"]) == 2
    empty = tmp_path / "empty.tsv"
    empty.write_text("nothing here\n")
    with pytest.raises(trialkg.errors.TrialKGError, match="no MeSH tree numbers"):
        analytics.read_mesh_trees(empty)


def test_phase_attrition_follows_each_drugs_trials(json_store: TrialStore) -> None:
    trials = summary(json_store)
    by_drug = {a.drug: a for a in analytics.phase_attrition(json_store)}
    for row in rows(json_store, "shared-drugs"):
        attrition = by_drug[str(row["drug"])]
        ncts = str(row["nct_ids"]).split()
        assert attrition.trials == row["trials"]
        statuses = [trials[n]["status"] for n in ncts]
        assert attrition.completed == statuses.count("COMPLETED")
        stopped = [n for n in ncts if trials[n]["status"] in analytics.measures.STOPPED]
        assert list(attrition.stopped_trials) == stopped
        phases = defaultdict(int)
        for n in ncts:
            for phase in str(trials[n]["phase"] or "").split("/"):
                phases[phase] += 1
        assert attrition.highest_phase == analytics.networks.highest_phase(phases)
