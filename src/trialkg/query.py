"""Named SPARQL queries: loading, safe parameter binding, running, and result formats.

A named query is ``queries/NAME.rq``. Its header comments say what it returns
and which parameters it takes (``# param NAME: KIND``). Parameters are never
pasted into the query text: each value becomes an RDF term bound to the
variable of the same name through the engine's substitutions. A parameter of
kind ``drug`` is first resolved to the drug nodes it may mean (by name, by any
synonym the graph knows, or by a CURIE such as ``mesh:D000068877``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from trialkg.errors import QueryError
from trialkg.linking import default_linker
from trialkg.linking.normalise import fold
from trialkg.rdf import iri, vocab
from trialkg.resources import resource_dir
from trialkg.store import TrialStore

Cell = str | int | float | None
# One combination of parameter values, typed as the engine's substitutions.
_Bindings = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]

_PARAM = re.compile(r"^#\s*param\s+([A-Za-z_]\w*)\s*:\s*([\w-]+)(\s+\(?optional\b)?", re.MULTILINE)
_FORBIDDEN = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)

CURIE_PREFIXES = {
    "mesh": vocab.MESH,
    "ctgov": vocab.CTGOV,
    "clinicaltrials": vocab.CTGOV,
    "chebi": "http://purl.obolibrary.org/obo/CHEBI_",
    "mondo": "http://purl.obolibrary.org/obo/MONDO_",
    "doid": "http://purl.obolibrary.org/obo/DOID_",
    "ncit": "http://purl.obolibrary.org/obo/NCIT_",
    "drugbank": "https://go.drugbank.com/drugs/",
    "chembl": "https://www.ebi.ac.uk/chembl/compound_report_card/",
    "chembl.compound": "https://www.ebi.ac.uk/chembl/compound_report_card/",
    "rxnorm": "http://purl.bioontology.org/ontology/RXNORM/",
    "wikidata": "http://www.wikidata.org/entity/",
    "tkg": vocab.TKG,
}


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    text: str
    description: str
    params: dict[str, str]  # parameter name -> kind ("drug", "text", "iri", ...)
    # Parameters a run may leave out ("# param trial: text (optional)"): left unbound.
    optional: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Cell, ...]]

    def as_dicts(self) -> list[dict[str, Cell]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def named_queries() -> dict[str, NamedQuery]:
    folder = resource_dir("queries")
    return {path.stem: load_query(path) for path in sorted(folder.glob("*.rq"))}


def load_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = [line[1:].strip() for line in text.splitlines() if line.startswith("#")]
    description = header[0] if header else ""
    found = list(_PARAM.finditer(text))
    params = {m.group(1): m.group(2) for m in found}
    optional = frozenset(m.group(1) for m in found if m.group(3))
    return NamedQuery(path.stem, text, description, params, optional)


def resolve_query(name_or_file: str) -> NamedQuery:
    """A named query, or a query file (anything ending in .rq or naming an existing file)."""
    path = Path(name_or_file)
    if name_or_file.endswith(".rq") or path.is_file():
        if not path.is_file():
            raise QueryError(f"no query file {name_or_file}")
        return load_query(path)
    queries = named_queries()
    if name_or_file not in queries:
        known = ", ".join(queries)
        raise QueryError(f"unknown query {name_or_file!r}; named queries: {known}")
    return queries[name_or_file]


def expand_curie(value: str) -> str | None:
    """The IRI of a CURIE (``mesh:D000068877``) or of an IRI in angle brackets; else None."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^https?://", text):
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix.lower() in CURIE_PREFIXES and local and " " not in local:
        return CURIE_PREFIXES[prefix.lower()] + local
    return None


def resolve_drug(store: TrialStore, mention: str) -> list[ox.NamedNode]:
    """The drug nodes a user's mention may mean, sorted."""
    found: set[str] = set()
    external = expand_curie(mention)
    if external is not None:
        target = ox.NamedNode(external)
        for relation in (vocab.EXACT_MATCH, vocab.CLOSE_MATCH):
            for quad in store.oxigraph.quads_for_pattern(
                None, ox.NamedNode(relation), target, None
            ):
                if isinstance(quad.subject, ox.NamedNode):
                    found.add(quad.subject.value)
        if external.startswith(vocab.ID):
            found.add(external)
    else:
        for key in default_linker().drug_keys(mention):
            found.add(iri.concept("drug", key))
        # Any name a record gave the drug: an intervention's label or other name.
        wanted = fold(mention)
        query = (
            "PREFIX tkg: <https://w3id.org/trialkg/vocab#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            # Names first, then their concepts: the type test goes last, as EXISTS,
            # one lookup per candidate drug.
            "SELECT DISTINCT ?drug ?wanted WHERE { "
            "{ ?i rdfs:label ?name } UNION { ?i tkg:otherName ?name } "
            "FILTER(LCASE(STR(?name)) = ?wanted) ?i tkg:concept ?drug . "
            "FILTER EXISTS { ?drug a tkg:Drug } }"
        )
        solutions = store.oxigraph.query(
            query,
            use_default_graph_as_union=True,
            substitutions={ox.Variable("wanted"): ox.Literal(wanted)},
        )
        for solution in solutions:  # type: ignore[union-attr]
            found.add(solution["drug"].value)
    return [ox.NamedNode(value) for value in sorted(found)]


def _bindings(store: TrialStore, query: NamedQuery, params: dict[str, str]) -> list[_Bindings]:
    unknown = set(params) - set(query.params)
    if unknown:
        raise QueryError(
            f"query {query.name!r} takes no parameter {', '.join(sorted(unknown))}; "
            f"it takes: {', '.join(query.params) or 'none'}"
        )
    missing = set(query.params) - set(params) - query.optional
    if missing:
        raise QueryError(
            f"query {query.name!r} needs --param {', '.join(f'{m}=VALUE' for m in sorted(missing))}"
        )
    combos: list[_Bindings] = [{}]
    for name, kind in query.params.items():
        if name not in params:
            continue  # an optional parameter left out stays unbound
        value = params[name]
        terms: list[ox.NamedNode | ox.Literal]
        if kind == "drug":
            # A mention that means no drug still runs, on a node that matches nothing,
            # so that the result has its columns and no rows.
            terms = list(resolve_drug(store, value)) or [ox.NamedNode(vocab.ID + "drug/-no-match-")]
        elif kind == "iri":
            terms = [ox.NamedNode(expand_curie(value) or value)]
        elif kind == "integer":
            if not re.fullmatch(r"-?\d+", value):
                raise QueryError(f"parameter {name} must be a whole number, not {value!r}")
            terms = [ox.Literal(value, datatype=ox.NamedNode(vocab.XSD + "integer"))]
        else:
            terms = [ox.Literal(value)]
        variable = ox.Variable(name)
        combos = [{**c, variable: t} for c in combos for t in terms]
    return combos


def _cell(term: object) -> Cell:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in {vocab.XSD + "integer", vocab.XSD + "int", vocab.XSD + "long"}:
            return int(term.value)
        if datatype in {vocab.XSD + "decimal", vocab.XSD + "double", vocab.XSD + "float"}:
            return float(term.value)
        return term.value
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return term.value
    return str(term)


def run_query(
    store: TrialStore, query: NamedQuery | str, params: dict[str, str] | None = None
) -> QueryResult:
    """Run a named query (or SPARQL text) on the store's union of trial graphs."""
    named = query if isinstance(query, NamedQuery) else resolve_query(query)
    if _FORBIDDEN.match(_strip_comments(named.text)):
        raise QueryError("only read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) can be run")
    combos = _bindings(store, named, params or {})
    columns: list[str] = []
    rows: list[tuple[Cell, ...]] = []
    # Over several runs (a drug mention meaning several nodes), a row that two runs both
    # give is one row; a row one run gives twice (two values alike) stays twice.
    most: dict[tuple[Cell, ...], int] = {}
    for substitutions in combos:
        try:
            result = store.oxigraph.query(
                named.text, use_default_graph_as_union=True, substitutions=substitutions
            )
        except SyntaxError as error:
            raise QueryError(f"query {named.name!r} is not valid SPARQL: {error}") from error
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(["result"], [(str(bool(result)).lower(),)])
        if isinstance(result, ox.QueryTriples):
            return QueryResult(
                ["subject", "predicate", "object"],
                sorted((_cell(t.subject), _cell(t.predicate), _cell(t.object)) for t in result),
            )
        # The engine binds parameters through the projection; the user gave
        # their values, so they are not result columns.
        columns = [v.value for v in result.variables if v.value not in named.params]
        if len(combos) == 1:
            rows = [tuple(_cell(solution[c]) for c in columns) for solution in result]
            break
        counts: dict[tuple[Cell, ...], int] = {}
        for solution in result:
            row = tuple(_cell(solution[c]) for c in columns)
            counts[row] = counts.get(row, 0) + 1
        for row, count in counts.items():
            most[row] = max(most.get(row, 0), count)
    if len(combos) > 1:
        rows = [row for row, count in most.items() for _ in range(count)]
        rows.sort(key=lambda r: tuple("" if c is None else str(c) for c in r))
    return QueryResult(columns, rows)


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


# -- output formats -------------------------------------------------------------------------


def format_result(result: QueryResult, fmt: str) -> str:
    if fmt == "json":
        return _sparql_json(result)
    if fmt in {"csv", "tsv"}:
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow(["" if c is None else c for c in row])
        return out.getvalue()
    return _table(result)


def _sparql_json(result: QueryResult) -> str:
    bindings = []
    for row in result.rows:
        binding: dict[str, dict[str, str]] = {}
        for column, value in zip(result.columns, row, strict=True):
            if value is None:
                continue
            if isinstance(value, str) and re.match(r"^https?://", value):
                binding[column] = {"type": "uri", "value": value}
            elif isinstance(value, int):
                binding[column] = {
                    "type": "literal",
                    "value": str(value),
                    "datatype": vocab.XSD + "integer",
                }
            else:
                binding[column] = {"type": "literal", "value": str(value)}
        bindings.append(binding)
    document = {"head": {"vars": result.columns}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _table(result: QueryResult, max_width: int = 60) -> str:
    def show(value: Cell) -> str:
        text = "" if value is None else str(value)
        text = " ".join(text.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "\u2026"

    cells = [[show(c) for c in row] for row in result.rows]
    widths = [len(c) for c in result.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def queries_table(queries: Iterable[NamedQuery]) -> str:
    return "".join(f"{q.name:20} {q.description}\n" for q in queries)
