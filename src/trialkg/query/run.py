"""Running a query: safe parameter binding, drug names resolved, time limits, pages.

A named query is ``queries/NAME.rq`` (read by ``text.py``). Parameters are never
pasted into the query text: each value becomes an RDF term bound to the
variable of the same name through the engine's substitutions. A parameter of
kind ``drug`` is first resolved to the drug nodes it may mean (by name, by any
synonym the graph knows, or by a CURIE such as ``mesh:D000068877``).

A query runs on the local store only: one that asks a remote endpoint (``SERVICE``)
is refused unless the caller allows it, since it makes network requests that may
never answer. Every query has a time limit (``DEFAULT_TIMEOUT_SECONDS`` unless the
caller gives another): the engine cannot be interrupted, so the query runs on a
thread of its own and the caller stops waiting for it at the limit.
"""

from __future__ import annotations

import re
import threading
import traceback
from collections.abc import Callable

import pyoxigraph as ox

from trialkg.errors import QueryError
from trialkg.linking import default_linker
from trialkg.linking.lexicon import default_lexicon
from trialkg.linking.normalise import is_placebo
from trialkg.linking.prefixes import (
    IRI_PREFIXES,
    NAMESPACES,
    CurieError,
    curie_iri,
    iri_curie,
)
from trialkg.query.text import (
    Cell,
    NamedQuery,
    QueryResult,
    asks_remote_endpoint,
    resolve_query,
    writes,
)
from trialkg.rdf import iri, vocab
from trialkg.store import TrialStore
from trialkg.summary import has_summary, refresh_summary
from trialkg.text import fold

# A query that runs longer than this is stopped with an error; `--timeout` sets another.
DEFAULT_TIMEOUT_SECONDS = 300.0

# One combination of parameter values, typed as the engine's substitutions.
_Bindings = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]

# Every CURIE prefix a parameter may use: the registry's vocabularies (with their
# synonyms: MESH, CHEBI, NCIt ...) and the project's and the registry's namespaces.
CURIE_PREFIXES = {**IRI_PREFIXES, **NAMESPACES}


_NAME_KEY = ox.NamedNode(vocab.TKG + "nameKey")
_TYPE = ox.NamedNode(vocab.TYPE)
_DRUG = ox.NamedNode(vocab.TKG + "Drug")


def expand_curie(value: str, param: str | None = None) -> str | None:
    """The IRI of a CURIE (``mesh:D000068877``, ``CHEBI:45783``) or of an IRI; else None.

    Vocabulary ids are made canonical as the linker makes them (``mesh:D000017239``,
    as the registry writes Paclitaxel, is D017239); a MeSH id the lexicon does not
    know is a ``QueryError`` naming it, not an empty result.
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    try:
        if re.match(r"^https?://", text):
            curie = iri_curie(text)
            if curie is None:
                return text
            canonical = default_lexicon().canonical_curie(curie)
        else:
            canonical = default_lexicon().canonical_curie(text)
    except CurieError as error:
        raise QueryError(f"parameter {param}: {error}" if param else str(error)) from None
    if canonical is not None:
        return curie_iri(canonical)
    prefix, sep, local = text.partition(":")
    namespace = NAMESPACES.get(prefix.lower())
    if sep and namespace and local and " " not in local:
        return namespace + local
    return None


def _named_node(value: str, param: str, given: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as error:
        raise QueryError(
            f"parameter {param}: {given!r} is not a valid IRI ({error}); give a name, "
            "a CURIE such as mesh:D000068877, or a whole IRI"
        ) from None


def resolve_drug(
    store: TrialStore, mention: str, *, include_placebo: bool = False
) -> list[ox.NamedNode]:
    """The drug nodes a user's mention may mean, sorted; a placebo or sham only when asked."""
    found: set[str] = set()
    external = expand_curie(mention, "drug")
    if external is not None:
        target = _named_node(external, "drug", mention)
        for relation in (vocab.EXACT_MATCH, vocab.CLOSE_MATCH):
            for quad in store.oxigraph.quads_for_pattern(
                None, ox.NamedNode(relation), target, None
            ):
                if isinstance(quad.subject, ox.NamedNode):
                    found.add(quad.subject.value)
        if external.startswith(vocab.ID):
            found.add(external)
        if external.startswith(vocab.MESH):
            # The registry's own indexing of a trial's interventions (tkg:interventionMesh).
            found.add(external)
    else:
        for key in default_linker().drug_keys(mention):
            found.add(iri.concept("drug", key))
        # Any name a record gave the drug (an intervention's name or other name):
        # one lookup in the index of folded names the build writes (tkg:nameKey).
        engine = store.oxigraph
        for quad in engine.quads_for_pattern(None, _NAME_KEY, ox.Literal(fold(mention)), None):
            drug = quad.subject
            if (
                isinstance(drug, ox.NamedNode)
                and drug.value not in found
                and next(iter(engine.quads_for_pattern(drug, _TYPE, _DRUG, None)), None)
            ):
                found.add(drug.value)
        if include_placebo and is_placebo(mention):
            found.add(PLACEBO_NODE)
    if not include_placebo:
        found.discard(PLACEBO_NODE)
        found.discard(vocab.MESH + "D010919")  # MeSH Placebos
    return [ox.NamedNode(value) for value in sorted(found)]


PLACEBO_NODE = iri.concept("placebo", "placebo")


def _bindings(store: TrialStore, query: NamedQuery, params: dict[str, str]) -> list[_Bindings]:
    unknown = set(params) - set(query.params)
    if unknown:
        raise QueryError(
            f"query {query.name!r} takes no parameter {', '.join(sorted(unknown))}; "
            f"it takes: {', '.join(query.params) or 'none'}"
        )
    params = {**query.defaults, **params}
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
            placebo = _boolean("include_placebo", params.get("include_placebo", "false"))
            terms = list(resolve_drug(store, value, include_placebo=placebo)) or [
                ox.NamedNode(vocab.ID + "drug/-no-match-")
            ]
        elif kind == "boolean":
            terms = [ox.Literal("true" if _boolean(name, value) else "false", datatype=_BOOLEAN)]
        elif kind == "iri":
            terms = [_named_node(expand_curie(value, name) or value, name, value)]
        elif kind == "integer":
            if not re.fullmatch(r"-?\d+", value):
                raise QueryError(f"parameter {name} must be a whole number, not {value!r}")
            terms = [ox.Literal(value, datatype=ox.NamedNode(vocab.XSD + "integer"))]
        else:
            terms = [ox.Literal(value)]
        variable = ox.Variable(name)
        combos = [{**c, variable: t} for c in combos for t in terms]
    return combos


_BOOLEAN = ox.NamedNode(vocab.XSD + "boolean")


def _boolean(name: str, value: str) -> bool:
    if value.strip().lower() in {"true", "yes", "1"}:
        return True
    if value.strip().lower() in {"false", "no", "0"}:
        return False
    raise QueryError(f"parameter {name} must be true or false, not {value!r}")


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
    store: TrialStore,
    query: NamedQuery | str,
    params: dict[str, str] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
    allow_service: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> QueryResult:
    """Run a named query (or SPARQL text) on the store's union of trial graphs.

    Args:
        store: the store to query.
        query: a named query's name (``shared-drugs``; ``trialkg queries`` lists
            them), the path of a ``.rq`` file, SPARQL text, or a ``NamedQuery``.
        params: the query's parameters by name, e.g. ``{"drug": "imatinib"}``; a
            drug or condition may be any synonym the linker knows, or a CURIE.
        timeout: seconds before a ``QueryError`` (None or 0: no limit); the engine
            goes on with the abandoned query on its thread until it ends.
        allow_service: let ``SERVICE`` ask remote endpoints, within the same limit.
        limit, offset: one page of the rows. A listing whose query marks the
            subquery that picks its rows (``# page``, as ``trial-summary`` does) pages
            there: the page's keys are picked first and each row is then made with its
            key bound, so a page costs the same at any store size. Other queries are
            run whole and the page cut from their rows.

    Returns:
        A ``QueryResult``: ``columns`` and sorted ``rows``; ``as_dicts()`` gives
        one dict per row.

    Raises:
        QueryError: for an unknown query or parameter, SPARQL that does not
            parse, a query that would write, a refused ``SERVICE`` or a timeout.
    """
    named = query if isinstance(query, NamedQuery) else resolve_query(query)
    text = named.sparql
    if writes(text):
        raise QueryError("only read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) can be run")
    if not allow_service and asks_remote_endpoint(text):
        raise QueryError(
            f"query {named.name!r} asks a remote endpoint (SERVICE), which makes network "
            "requests that may never answer; it is refused unless --allow-service is given "
            "(the --timeout then bounds the wait)"
        )
    if offset < 0 or (limit is not None and limit < 0):
        raise QueryError("--limit and --offset must be 0 or more")
    if f"<{vocab.SUMMARY_GRAPH}>" in named.text and not has_summary(store):
        _summarise(store, named.name)
    combos = _bindings(store, named, params or {})
    named = named.given({*named.defaults, *(params or {})})
    return _within(timeout, named.name, lambda: _rows(store, named, combos, limit, offset))


def _summarise(store: TrialStore, name: str) -> None:
    """Compute the summary graph of a store that has none (one written by a trialkg from
    before it), or say how to when the store is open read-only."""
    if store.read_only:
        raise QueryError(
            f"query {name!r} reads the store's summary graph, which the store at {store.path} "
            "does not hold (an older trialkg built it): run `trialkg build` into it again "
            "(unchanged input is skipped) to write it"
        )
    refresh_summary(store)


def _within(timeout: float | None, name: str, work: Callable[[], QueryResult]) -> QueryResult:
    """``work()``, on a thread of its own when there is a time limit."""
    if not timeout:
        return work()
    outcome: list[QueryResult] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the caller's thread
            # The engine's result objects must be dropped on the thread that made them:
            # clear the locals that the tracebacks keep before handing the error over.
            chained: BaseException | None = error
            while chained is not None:
                traceback.clear_frames(chained.__traceback__)
                chained = chained.__cause__ or chained.__context__
            failure.append(error)

    thread = threading.Thread(target=run, name=f"trialkg-query-{name}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryError(
            f"query {name!r} did not finish within {timeout:g} s; give it more time "
            "with --timeout SECONDS (0: no limit)"
        )
    if failure:
        raise failure[0]
    return outcome[0]


def _rows(
    store: TrialStore,
    named: NamedQuery,
    combos: list[_Bindings],
    limit: int | None,
    offset: int,
) -> QueryResult:
    try:
        return _paged_rows(store, named, combos, limit, offset)
    except (OSError, RuntimeError) as error:  # a SERVICE endpoint that fails, a read error
        raise QueryError(f"query {named.name!r} failed: {error}") from error


def _paged_rows(
    store: TrialStore,
    named: NamedQuery,
    combos: list[_Bindings],
    limit: int | None,
    offset: int,
) -> QueryResult:
    paged = limit is not None or offset > 0
    keyed = paged and named.page is not None and named.page_key is not None
    if keyed:
        combos = _page_combos(store, named, combos, limit, offset)
    columns: list[str] = []
    rows: list[tuple[Cell, ...]] = []
    # Over several runs (a drug mention meaning several nodes), a row that two runs both
    # give is one row; a row one run gives twice (two values alike) stays twice.
    merged = len(combos) > 1 and not keyed
    most: dict[tuple[Cell, ...], int] = {}
    for substitutions in combos:
        result = _evaluate(store, named, named.sparql, substitutions)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(["result"], [(str(bool(result)).lower(),)])
        if isinstance(result, ox.QueryTriples):
            return QueryResult(
                ["subject", "predicate", "object"],
                sorted((_cell(t.subject), _cell(t.predicate), _cell(t.object)) for t in result),
            )
        # The engine binds parameters through the projection; the user gave
        # their values (or the page gave its keys), so they are not result columns.
        columns = [v.value for v in result.variables if v.value not in named.hidden]
        if not merged:
            rows.extend(tuple(_cell(solution[c]) for c in columns) for solution in result)
            continue
        counts: dict[tuple[Cell, ...], int] = {}
        for solution in result:
            row = tuple(_cell(solution[c]) for c in columns)
            counts[row] = counts.get(row, 0) + 1
        for row, count in counts.items():
            most[row] = max(most.get(row, 0), count)
    if merged:
        rows = [row for row, count in most.items() for _ in range(count)]
        rows.sort(key=lambda r: tuple("" if c is None else str(c) for c in r))
    if paged and not keyed:
        rows = rows[offset:] if limit is None else rows[offset : offset + limit]
    return QueryResult(columns, rows)


def _evaluate(
    store: TrialStore, named: NamedQuery, text: str, substitutions: _Bindings
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    try:
        return store.oxigraph.query(
            text, use_default_graph_as_union=True, substitutions=substitutions
        )
    except SyntaxError as error:
        raise QueryError(f"query {named.name!r} is not valid SPARQL: {error}") from error


def _page_combos(
    store: TrialStore,
    named: NamedQuery,
    combos: list[_Bindings],
    limit: int | None,
    offset: int,
) -> list[_Bindings]:
    """The bindings of one page: each combination of parameters with each of the
    page's keys, in the order the page subquery gives them."""
    assert named.page is not None and named.page_key is not None
    prologue = "".join(re.findall(r"^[ \t]*(?:PREFIX|BASE)\b[^\n]*\n", named.sparql, re.M | re.I))
    window = f"\nLIMIT {limit}" if limit is not None else ""
    text = f"{prologue}{named.page}{window}\nOFFSET {offset}\n"
    key = ox.Variable(named.page_key)
    paged: list[_Bindings] = []
    for substitutions in combos:
        result = _evaluate(store, named, text, substitutions)
        assert isinstance(result, ox.QuerySolutions)
        for solution in result:
            value = solution[key]
            if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)):
                paged.append({**substitutions, key: value})
    if not paged:
        # An empty page still has its columns: bind the key to a node that has no row.
        paged = [{**combos[0], key: ox.NamedNode(vocab.ID + "-no-row-")}]
    return paged
