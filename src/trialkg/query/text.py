"""Named queries as text: reading ``queries/NAME.rq`` and its header, the prefixes a
text uses, the groups a parameter keeps (``# if NAME``) and a listing's page
(``# page``), and the checks made on a text before it runs (read-only, no ``SERVICE``).

A named query's header comments say what it returns and which parameters it takes
(``# param NAME: KIND``, ``(optional)`` when it may be left out, ``= VALUE`` for a
default).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from trialkg.errors import QueryError
from trialkg.linking.prefixes import namespace_of
from trialkg.resources import resource_dir

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

_PARAM = re.compile(
    r"^#\s*param\s+([A-Za-z_]\w*)\s*:\s*([\w-]+)(?:\s*=\s*([\w.-]+))?(\s+\(?optional\b)?",
    re.MULTILINE,
)
# A text that would write: refused before it runs.
_FORBIDDEN = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)

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


def asks_remote_endpoint(text: str) -> bool:
    """Whether the query uses SERVICE (the keyword, not the word in a string or comment)."""
    return _SERVICE.search(_NOT_KEYWORDS.sub(" ", text)) is not None


def writes(text: str) -> bool:
    """Whether the text is an update (INSERT, DELETE, LOAD ...), not a read-only query."""
    return _FORBIDDEN.match(_strip_comments(text)) is not None


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
