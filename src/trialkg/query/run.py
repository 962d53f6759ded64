"""Named SPARQL queries: loading, safe parameter binding, running, and result formats.

A named query is ``queries/NAME.rq``. Its header comments say what it returns
and which parameters it takes (``# param NAME: KIND``). Parameters are never
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

import csv
import io
import json
import re
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

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
    namespace_of,
    shorten,
)
from trialkg.rdf import iri, vocab
from trialkg.resources import resource_dir
from trialkg.store import TrialStore
from trialkg.summary import has_summary, refresh_summary
from trialkg.text import fold

# A query that runs longer than this is stopped with an error; `--timeout` sets another.
DEFAULT_TIMEOUT_SECONDS = 300.0

# What is skipped when looking for the SERVICE keyword: IRIs, strings and comments.
_NOT_KEYWORDS = re.compile(
    r"<[^<>\"{}|^`\\\s]*>"
    r"|'''.*?'''|\"\"\".*?\"\"\""
    r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
    r"|#[^\n]*",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.IGNORECASE)

Cell = str | int | float | None
# One combination of parameter values, typed as the engine's substitutions.
_Bindings = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]

_PARAM = re.compile(
    r"^#\s*param\s+([A-Za-z_]\w*)\s*:\s*([\w-]+)(?:\s*=\s*([\w.-]+))?(\s+\(?optional\b)?",
    re.MULTILINE,
)
_FORBIDDEN = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)

# Every CURIE prefix a parameter may use: the registry's vocabularies (with their
# synonyms: MESH, CHEBI, NCIt ...) and the project's and the registry's namespaces.
CURIE_PREFIXES = {**IRI_PREFIXES, **NAMESPACES}


_NAME_KEY = ox.NamedNode(vocab.TKG + "nameKey")
_TYPE = ox.NamedNode(vocab.TYPE)
_DRUG = ox.NamedNode(vocab.TKG + "Drug")


# A prefixed name's prefix (``tkg:`` in ``tkg:nctId``), once IRIs, strings and comments
# are blanked; and a query's own PREFIX declarations.
_USED_PREFIX = re.compile(r"(?<![\w?$.:\-])([A-Za-z][\w\-]*(?:\.[\w\-]+)*):")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.\-]*)?:\s*<([^>]*)>", re.IGNORECASE)


def declared_prefixes(text: str) -> dict[str, str]:
    """The prefixes a SPARQL text declares itself (``PREFIX tkg: <...>``), by name."""
    # IRIs are matched first so that a '#' within one is no comment; they are kept.
    kept = _NOT_KEYWORDS.sub(lambda m: m.group() if m.group().startswith("<") else " ", text)
    found = _DECLARED.finditer(kept)
    return {match.group(1) or "": match.group(2) for match in found}


def with_prefixes(text: str) -> str:
    """A SPARQL text with a PREFIX line for every registry prefix it uses and does not
    declare (``tkg:``, ``rdfs:``, ``mesh:``, ``skos:`` ...); its own declarations stand."""
    declared = declared_prefixes(text)
    used = {match.group(1) for match in _USED_PREFIX.finditer(_NOT_KEYWORDS.sub(" ", text))}
    lines = []
    for name in sorted(used - declared.keys()):
        namespace = namespace_of(name)
        if namespace is not None:
            lines.append(f"PREFIX {name}: <{namespace}>\n")
    return "".join(lines) + text


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    text: str
    description: str
    params: dict[str, str]  # parameter name -> kind ("drug", "text", "iri", "boolean" ...)
    # Parameters a user may leave out, and the value they then take ("= false" in the header).
    defaults: dict[str, str] = field(default_factory=dict)
    # The subquery marked "# page" that picks a listing's rows in order (its first
    # variable is the row's key), or None: see ``run_query``'s ``limit``.
    page: str | None = None
    # Parameters a run may leave out ("# param trial: text (optional)"): left unbound.
    optional: frozenset[str] = frozenset()

    @property
    def sparql(self) -> str:
        """The text as it runs: with the registry's PREFIX lines for the prefixes it uses."""
        return with_prefixes(self.text)

    def given(self, names: Iterable[str]) -> NamedQuery:
        """The query as it runs with these parameters given: each group marked
        ``# if NAME`` whose parameter is left out is emptied (see ``if_blocks``)."""
        text = if_blocks(self.text, set(names))
        if text == self.text:
            return self
        return replace(self, text=text, page=page_block(text))

    @property
    def page_key(self) -> str | None:
        if self.page is None:
            return None
        found = re.search(r"SELECT\s+(?:DISTINCT\s+)?\?(\w+)", self.page, re.IGNORECASE)
        return found.group(1) if found else None

    @property
    def hidden(self) -> set[str]:
        """Variables the query projects for binding only: not result columns."""
        key = self.page_key
        return set(self.params) | ({key} if key else set())


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
    defaults = {m.group(1): m.group(3) for m in found if m.group(3)}
    optional = frozenset(m.group(1) for m in found if m.group(4))
    return NamedQuery(path.stem, text, description, params, defaults, page_block(text), optional)


def page_block(text: str) -> str | None:
    """The text of the group whose first line is the comment ``# page``, braces excluded."""
    marker = re.search(r"\{[ \t]*\n[ \t]*#[ \t]*page\b[^\n]*\n", text)
    if marker is None:
        return None
    end = _group_end(text, marker.end())
    return None if end is None else text[marker.end() : end]


_IF_MARK = re.compile(r"\{[ \t]*\n[ \t]*#[ \t]*if[ \t]+([A-Za-z_]\w*)\b[^\n]*\n")


def if_blocks(text: str, given: set[str]) -> str:
    """The text with every group whose first line is ``# if NAME`` emptied (``{}``, which
    matches once and binds nothing) when parameter NAME is not given, and kept as it is
    when it is.

    A drug given to a listing then starts the evaluation: ``{ # if drug`` followed by
    the patterns from the drug to its trials binds the trials first, so the rest is a
    lookup per trial of the drug; the drug left out, the group goes and every trial is
    listed. A ``FILTER EXISTS`` on the drug would be tried on every row of the store.
    """
    out: list[str] = []
    start = 0
    for marker in _IF_MARK.finditer(text):
        if marker.start() < start:
            continue  # within a group already emptied
        end = _group_end(text, marker.end())
        if marker.group(1) in given or end is None:
            continue
        out.append(text[start : marker.start()] + "{}")
        start = end + 1
    out.append(text[start:])
    return "".join(out)


def _group_end(text: str, index: int) -> int | None:
    """The index of the brace that closes the group open at ``index``."""
    depth = 1
    for at in range(index, len(text)):
        char = text[at]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return at
    return None


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


def expand_curie(value: str, param: str | None = None) -> str | None:
    """The IRI of a CURIE (``mesh:D000068877``, ``CHEBI:45783``) or of an IRI; else None.

    Vocabulary ids are made canonical as the linker makes them (``mesh:D000017239``,
    as the registry writes Paclitaxel, is D017239); a MeSH id the vocabulary does not
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
    if _FORBIDDEN.match(_strip_comments(text)):
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


def asks_remote_endpoint(text: str) -> bool:
    """Whether the query uses SERVICE (the keyword, not the word in a string or comment)."""
    return _SERVICE.search(_NOT_KEYWORDS.sub(" ", text)) is not None


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


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


# -- output formats -------------------------------------------------------------------------


def format_result(result: QueryResult, fmt: str, *, curies: bool | None = None) -> str:
    """The result as a table (for people), CSV, TSV or SPARQL JSON results.

    ``curies``: write IRIs the prefix registry covers as CURIEs (``mesh:D017239``,
    ``tkgid:drug/mesh-D000068877``). The table does by default; CSV, TSV and JSON keep
    whole IRIs unless asked (in JSON a shortened IRI stays a ``uri`` binding whose
    ``value`` is the IRI, with its CURIE beside it as ``curie``).
    """
    short = (fmt not in {"json", "csv", "tsv"}) if curies is None else curies
    if fmt == "json":
        return _sparql_json(result, curies=short)
    if fmt in {"csv", "tsv"}:
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow(["" if c is None else _shown(c, short) for c in row])
        return out.getvalue()
    return _table(result, curies=short)


_IRI = re.compile(r"^https?://\S+$")


def _shown(value: Cell, curies: bool) -> Cell:
    if curies and isinstance(value, str) and _IRI.match(value):
        return shorten(value)
    return value


def _sparql_json(result: QueryResult, *, curies: bool = False) -> str:
    bindings = []
    for row in result.rows:
        binding: dict[str, dict[str, str]] = {}
        for column, value in zip(result.columns, row, strict=True):
            if value is None:
                continue
            if isinstance(value, str) and re.match(r"^https?://", value):
                binding[column] = {"type": "uri", "value": value}
                short = shorten(value) if curies else value
                if short != value:
                    binding[column]["curie"] = short
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


def _table(result: QueryResult, max_width: int = 60, *, curies: bool = True) -> str:
    def show(value: Cell) -> str:
        text = "" if value is None else str(_shown(value, curies))
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
