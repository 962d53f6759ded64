"""The one prefix registry: SPARQL headers, export prefixes and shortened query output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

import trialkg
from trialkg.analytics import networks
from trialkg.link_report import _PREFIXES as LINK_REPORT_PREFIXES
from trialkg.linking import prefixes
from trialkg.query import (
    declared_prefixes,
    format_result,
    named_queries,
    run_query,
    with_prefixes,
)
from trialkg.rdf import vocab

MESH = "http://id.nlm.nih.gov/mesh/"
PREFIX_LINE = re.compile(r"^PREFIX[^\n]*\n", re.MULTILINE | re.IGNORECASE)


def test_a_named_query_s_own_prefixes_agree_with_the_registry() -> None:
    for name, query in named_queries().items():
        for prefix, namespace in declared_prefixes(query.text).items():
            known = prefixes.namespace_of(prefix)
            assert known in {None, namespace}, f"{name}.rq: {prefix}: <{namespace}> vs <{known}>"


def test_every_named_query_runs_without_its_own_prefix_lines() -> None:
    # What the named queries will be once their PREFIX blocks go: the registry declares
    # every prefix they use, so each parses and runs (on an empty store, no rows).
    store = ox.Store()
    for name, query in named_queries().items():
        bare = PREFIX_LINE.sub("", query.text)
        assert "PREFIX" not in bare.upper().replace("PREFIXES", "")
        try:
            result = store.query(with_prefixes(bare), use_default_graph_as_union=True)
        except SyntaxError as error:
            pytest.fail(f"{name}.rq without its PREFIX lines: {error}")
        assert isinstance(result, ox.QuerySolutions) and list(result) == []


def test_the_header_declares_what_the_text_uses_and_nothing_in_strings_or_iris() -> None:
    text = (
        '# skos: in a comment\nSELECT ?s WHERE { ?s a tkg:Trial ; rdfs:label "prov: x" ;\n'
        "  ?p <http://schema.org/name> . FILTER(?p != dcterms:title) }\n"
    )
    header = with_prefixes(text)[: -len(text)]
    assert header == (
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX tkg: <https://w3id.org/trialkg/vocab#>\n"
    )


def test_a_query_s_own_declaration_stands_and_synonyms_are_declared() -> None:
    text = "PREFIX tkg: <http://example.org/other#>\nSELECT * { ?s tkg:x CHEBI:45783 ; ex:y 1 }"
    assert with_prefixes(text) == "PREFIX CHEBI: <http://purl.obolibrary.org/obo/CHEBI_>\n" + text


def test_a_user_s_query_file_may_leave_the_registry_s_prefixes_out(
    json_store: trialkg.TrialStore, tmp_path: Path
) -> None:
    path = tmp_path / "afatinib.rq"
    path.write_text(
        "# Trials linked to afatinib by its MeSH id.\n"
        "SELECT DISTINCT ?nct WHERE { ?t tkg:nctId ?nct ; tkg:intervention/tkg:concept ?d .\n"
        "  ?d skos:exactMatch mesh:D000077716 } ORDER BY ?nct\n"
    )
    rows = run_query(json_store, str(path)).rows
    assert rows == [("NCT02369484",), ("NCT06062823",)]


def test_exports_and_in_code_queries_use_the_registry() -> None:
    assert vocab.PREFIXES == prefixes.ALL_PREFIXES
    for header in (LINK_REPORT_PREFIXES, networks._HEAD):
        for name, namespace in declared_prefixes(header).items():
            assert prefixes.namespace_of(name) == namespace
    # The synonyms users write name the same namespaces.
    assert prefixes.namespace_of("clinicaltrials") == prefixes.NAMESPACES["ctgov"]
    assert prefixes.namespace_of("MESH") == MESH


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        (MESH + "D017239", "mesh:D017239"),
        ("http://purl.obolibrary.org/obo/CHEBI_45783", "chebi:45783"),
        (vocab.ID + "drug/mesh-D000068877", "tkgid:drug/mesh-D000068877"),
        ("https://clinicaltrials.gov/study/NCT02369484", "ctgov:NCT02369484"),
        ("http://www.w3.org/2000/01/rdf-schema#label", "rdfs:label"),
        # Not of the vocabulary's id form, and no namespace of the registry's: unchanged.
        (MESH + "not-an-id", MESH + "not-an-id"),
        ("http://example.org/x", "http://example.org/x"),
    ],
)
def test_shorten(iri: str, short: str) -> None:
    assert prefixes.shorten(iri) == short


def test_the_table_shows_curies_and_the_machine_formats_whole_iris(
    json_store: trialkg.TrialStore,
) -> None:
    result = run_query(json_store, "shared-drugs")
    drugs = [str(row[0]) for row in result.rows]
    assert all(d.startswith(vocab.ID) for d in drugs)
    table = format_result(result, "table")
    for drug in drugs:
        assert prefixes.shorten(drug) in table
    assert vocab.ID not in table
    whole = format_result(result, "csv").splitlines()
    assert [line.split(",")[0] for line in whole[1:]] == drugs
    short = format_result(result, "csv", curies=True).splitlines()
    assert [line.split(",")[0] for line in short[1:]] == [prefixes.shorten(d) for d in drugs]
    assert vocab.ID in format_result(result, "table", curies=False)
    plain = json.loads(format_result(result, "json"))["results"]["bindings"]
    assert all("curie" not in row["drug"] for row in plain)
    bindings = json.loads(format_result(result, "json", curies=True))["results"]["bindings"]
    assert [(b["drug"]["type"], b["drug"]["value"], b["drug"]["curie"]) for b in bindings] == [
        ("uri", d, prefixes.shorten(d)) for d in drugs
    ]
