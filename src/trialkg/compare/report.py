"""One trial from two sources, field by field: agreement, silence, disagreement.

Each input is built on its own, into a store in memory, and read back through
the graph: the ``trial-summary`` row, the drug and condition nodes the trial
links to, and a few details the rules of ``trialkg.compare.rules`` need (site
names, other names of an intervention, the organisation node of the sponsor,
the source's provenance). The graph is what a user queries, so a disagreement seen here is
one a user would meet.

Only presentation is normalised: case and spacing of text, the punctuation
of a title and a trailing "(ACRONYM)" naming the trial's stated acronym,
spelling of enumerations, counts as numbers, lists as sets. Each field ends in
one of:

- ``agree``: both state it, and it is the same once presentation is set aside;
- ``only in A`` / ``only in B``: one side is silent;
- ``A states fewer`` / ``B states fewer``: a list or count where the side that
  says less is an excerpt (``tkg:partial``) and every item it names is in the
  other side; a complete source that lists fewer is a conflict;
- ``conflict``: anything else. A conflict is never explained away here; when
  both sides state their last-update dates and these differ, the text says so.

A structured record (ctgov-json, ctgov-xml) is the reference; ``figures``
count what the other side states.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from trialkg.build.pipeline import build
from trialkg.compare import rules
from trialkg.compare.rules import AGREE, CONFLICT, FEWER, ONLY
from trialkg.errors import InputError
from trialkg.query import Cell, NamedQuery, run_query
from trialkg.rdf.iri import STRUCTURED_READERS
from trialkg.store import TrialStore, open_store
from trialkg.text import fold

_PREFIXES = """PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
_QUERIES = {
    "source": """SELECT ?format ?partial ?updated ?site WHERE {
      ?graph tkg:describes ?trial ; tkg:sourceFormat ?format .
      OPTIONAL { ?graph tkg:partial ?partial } OPTIONAL { ?graph tkg:recordLastUpdate ?updated }
      OPTIONAL { ?graph tkg:sourceSite ?site } }""",
    "interventions": """SELECT ?i ?label ?other ?concept WHERE {
      ?trial tkg:intervention ?i . ?i rdfs:label ?label .
      OPTIONAL { ?i tkg:otherName ?other } OPTIONAL { ?i tkg:concept ?concept } }""",
    "drugs": """SELECT ?d ?label WHERE {
      ?trial tkg:intervention/tkg:concept ?d . ?d a tkg:Drug .
      OPTIONAL { ?d rdfs:label ?label } }""",
    "conditions": """SELECT ?c ?label WHERE {
      ?trial tkg:condition ?c . OPTIONAL { ?c rdfs:label ?label } }""",
    "condition_names": "SELECT ?name WHERE { ?trial tkg:conditionName ?name }",
    "acronyms": "SELECT ?acronym WHERE { ?trial tkg:acronym ?acronym }",
    "sponsor": "SELECT ?org WHERE { ?trial tkg:leadSponsor ?org }",
    "enrollment_type": "SELECT ?type WHERE { ?trial tkg:enrollmentType ?type }",
    "sites": """SELECT ?s ?facility ?city WHERE {
      ?trial tkg:site ?s . OPTIONAL { ?s rdfs:label ?facility } OPTIONAL { ?s tkg:city ?city } }""",
}


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One side of a comparison: where it came from and what kind of source it is."""

    path: str
    nct_id: str
    reader: str
    partial: bool
    last_update: str | None
    site: str | None

    @property
    def structured(self) -> bool:
        return self.reader in STRUCTURED_READERS


@dataclass(frozen=True, slots=True)
class FieldComparison:
    field: str
    a: str | None  # as shown to the user; None when the side is silent
    b: str | None
    outcome: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Figures:
    """What the compared (non-reference) side states, and how much of it the reference confirms."""

    reader: str
    pages: int = 1
    stated: int = 0
    agree: int = 0
    fewer: int = 0
    conflict: int = 0
    only_here: int = 0  # stated by this side, not by the reference

    @property
    def agree_share(self) -> float:
        return self.agree / self.stated if self.stated else 1.0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.reader, self.pages + other.pages, self.stated + other.stated,
            self.agree + other.agree, self.fewer + other.fewer,
            self.conflict + other.conflict, self.only_here + other.only_here,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class ComparisonReport:
    a: SourceInfo
    b: SourceInfo
    reference: str  # "A" or "B"
    fields: tuple[FieldComparison, ...]
    figures: Figures

    def conflicts(self) -> list[FieldComparison]:
        return [f for f in self.fields if f.outcome == CONFLICT]

    def text(self) -> str:
        return _render(self)


# -- reading one side from its graph ---------------------------------------------------------


@dataclass(slots=True)
class _Side:
    info: SourceInfo
    row: dict[str, Cell]
    acronyms: frozenset[str] = frozenset()
    enrollment_type: str | None = None
    interventions: list[tuple[str, frozenset[str], frozenset[str]]] = field(default_factory=list)
    drugs: dict[str, str] = field(default_factory=dict)
    conditions: list[str] = field(default_factory=list)
    condition_nodes: dict[str, str] = field(default_factory=dict)
    sponsor_node: str | None = None
    sites: list[tuple[str | None, str | None]] = field(default_factory=list)


def _rows(store: TrialStore, name: str) -> list[dict[str, Cell]]:
    query = NamedQuery(f"compare-{name}", _PREFIXES + _QUERIES[name], "", {})
    return run_query(store, query).as_dicts()


def _text(value: Cell) -> str | None:
    return None if value is None else str(value)


def _load(path: str | os.PathLike[str]) -> _Side:
    name = Path(path).name
    with open_store() as store:
        report = build(store, [path])
        summary = run_query(store, "trial-summary").as_dicts()
        if not summary:
            problems = "; ".join(e.describe() for e in report.errors) or "no trial found"
            raise InputError(f"nothing to compare: {problems}", file=name)
        if len(summary) > 1:
            ids = ", ".join(str(r["nct_id"]) for r in summary)
            raise InputError(f"holds trials {ids}; compare takes one trial per input", file=name)
        sources = _rows(store, "source")
        if len(sources) != 1:
            raise InputError(f"holds {len(sources)} sources; compare takes one", file=name)
        source = sources[0]
        info = SourceInfo(
            path=name,
            nct_id=str(summary[0]["nct_id"]),
            reader=str(source["format"]),
            partial=source["partial"] == "true",
            last_update=_text(source["updated"]),
            site=_text(source["site"]),
        )
        side = _Side(info, summary[0])
        side.acronyms = frozenset(str(r["acronym"]) for r in _rows(store, "acronyms"))
        types = [str(r["type"]) for r in _rows(store, "enrollment_type")]
        side.enrollment_type = min(types) if types else None
        labels: dict[str, str] = {}
        others: dict[str, set[str]] = {}
        concepts: dict[str, set[str]] = {}
        for r in _rows(store, "interventions"):
            node = str(r["i"])
            labels[node] = str(r["label"])
            others.setdefault(node, set()).update([fold(str(r["other"]))] if r["other"] else [])
            concepts.setdefault(node, set()).update([str(r["concept"])] if r["concept"] else [])
        side.interventions = [
            (labels[n], frozenset(others[n]), frozenset(concepts[n])) for n in sorted(labels)
        ]
        side.drugs = rules.labelled(_rows(store, "drugs"), "d")
        side.conditions = sorted(str(r["name"]) for r in _rows(store, "condition_names"))
        side.condition_nodes = rules.labelled(_rows(store, "conditions"), "c")
        sponsors = sorted(str(r["org"]) for r in _rows(store, "sponsor"))
        side.sponsor_node = sponsors[0] if sponsors else None
        side.sites = [(_text(r["facility"]), _text(r["city"])) for r in _rows(store, "sites")]
    return side


# -- the rules ---------------------------------------------------------------------------


def _sites(a: _Side, b: _Side) -> rules.Judgement:
    count = rules.counts(len(a.sites) or None, len(b.sites) or None, a.info.partial, b.info.partial)
    if count.outcome != FEWER.format("A") and count.outcome != FEWER.format("B"):
        return count
    # An excerpt that lists fewer sites must still name sites of the other side.
    fewer, more = (a, b) if len(a.sites) < len(b.sites) else (b, a)
    strangers = [
        s for s in fewer.sites if any(s) and not any(rules.same_site(s, o) for o in more.sites)
    ]
    if strangers:
        shown = "; ".join(sorted({", ".join(v for v in s if v) for s in strangers}))
        side = "A" if fewer is a else "B"
        return rules.Judgement(
            CONFLICT, f"{side} lists sites the other does not: {rules.shorten(shown)}"
        )
    return count


# -- the comparison --------------------------------------------------------------------------


def _fields(a: _Side, b: _Side) -> list[FieldComparison]:
    ra, rb = a.row, b.row
    pa, pb = a.info.partial, b.info.partial
    out: list[FieldComparison] = []

    def add(name: str, va: str | None, vb: str | None, judgement: rules.Judgement) -> None:
        out.append(FieldComparison(name, va, vb, judgement.outcome, judgement.note))

    def text_field(name: str, column: str, same: Callable[[str, str], str | None]) -> None:
        va, vb = _text(ra[column]), _text(rb[column])
        add(name, va, vb, rules.scalar(va, vb, same))

    text_field("title", "title", rules.same_title(a.acronyms | b.acronyms))
    text_field("status", "status", rules.equal_after(rules.enum_text))
    text_field("phase", "phase", rules.equal_after(rules.phases))
    text_field("study_type", "study_type", rules.equal_after(rules.enum_text))

    ea, eb = rules.number(ra["enrollment"]), rules.number(rb["enrollment"])
    enrollment = rules.scalar(ea, eb, lambda x, y: "" if x == y else None)
    if enrollment.outcome == CONFLICT and a.enrollment_type != b.enrollment_type:
        kinds = [f"{n} {s.enrollment_type or 'does not say'}" for n, s in (("A", a), ("B", b))]
        enrollment = rules.Judgement(CONFLICT, "estimated or actual: " + ", ".join(kinds))
    shown = [rules.enrollment(n, s.enrollment_type) for n, s in ((ea, a), (eb, b))]
    add("enrollment", shown[0], shown[1], enrollment)

    arms_a, arms_b = (rules.number(r["arms"], zero_is_silence=True) for r in (ra, rb))
    add("arms", _text(arms_a), _text(arms_b), rules.counts(arms_a, arms_b, pa, pb))

    names_a, names_b = [i[0] for i in a.interventions], [i[0] for i in b.interventions]
    same = rules.same_intervention
    add(
        "interventions", rules.show_list(names_a), rules.show_list(names_b),
        rules.lists(a.interventions, b.interventions, pa, pb, same, lambda i: i[0]),
    )  # fmt: skip
    add("drugs", *rules.nodes(a.drugs, b.drugs, pa, pb))
    add(
        "conditions", rules.show_list(a.conditions), rules.show_list(b.conditions),
        rules.lists(a.conditions, b.conditions, pa, pb, rules.same_condition, str),
    )  # fmt: skip
    add("condition concepts", *rules.nodes(a.condition_nodes, b.condition_nodes, pa, pb))

    sponsor_a, sponsor_b = _text(ra["sponsor"]), _text(rb["sponsor"])
    sponsor = rules.scalar(sponsor_a, sponsor_b, rules.same_organisation)
    if sponsor.outcome == CONFLICT and a.sponsor_node and a.sponsor_node == b.sponsor_node:
        sponsor = rules.Judgement(AGREE, "one organisation node")
    add("sponsor", sponsor_a, sponsor_b, sponsor)

    add("sites", _text(len(a.sites) or None), _text(len(b.sites) or None), _sites(a, b))

    dates = a.info.last_update, b.info.last_update
    if dates[0] and dates[1] and dates[0] != dates[1]:
        later = f"{'A' if dates[0] > dates[1] else 'B'} is the later version"
        out = [
            replace(f, note="; ".join(n for n in (f.note, later) if n))
            if f.outcome == CONFLICT
            else f
            for f in out
        ]
    return out


def _figures(fields: Sequence[FieldComparison], compared: str, reader: str) -> Figures:
    other = "A" if compared == "B" else "B"
    stated = [f for f in fields if (f.b if compared == "B" else f.a) is not None]
    return Figures(
        reader=reader,
        stated=len(stated),
        agree=sum(f.outcome == AGREE for f in stated),
        fewer=sum(f.outcome in (FEWER.format(compared), FEWER.format(other)) for f in stated),
        conflict=sum(f.outcome == CONFLICT for f in stated),
        only_here=sum(f.outcome == ONLY.format(compared) for f in stated),
    )


def compare_sources(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> ComparisonReport:
    """Compare what two files (a record, a page) state about one trial.

    Raises ``InputError`` when a file holds no trial, more than one, or the two
    describe different trials.
    """
    side_a, side_b = _load(a), _load(b)
    if side_a.info.nct_id != side_b.info.nct_id:
        raise InputError(
            f"A describes {side_a.info.nct_id}, B describes {side_b.info.nct_id}; "
            "compare takes two sources of one trial",
            file=f"{side_a.info.path}, {side_b.info.path}",
        )
    reference = "B" if side_b.info.structured and not side_a.info.structured else "A"
    compared = "A" if reference == "B" else "B"
    fields = _fields(side_a, side_b)
    reader = (side_a if compared == "A" else side_b).info.reader
    figures = _figures(fields, compared, reader)
    return ComparisonReport(side_a.info, side_b.info, reference, tuple(fields), figures)


def total_figures(reports: Iterable[ComparisonReport]) -> dict[str, Figures]:
    """Figures summed per reader of the compared side, sorted by reader name."""
    totals: dict[str, Figures] = {}
    for report in reports:
        f = report.figures
        totals[f.reader] = totals[f.reader] + f if f.reader in totals else f
    return dict(sorted(totals.items()))


# -- text ------------------------------------------------------------------------------------


def _describe(label: str, info: SourceInfo, reference: bool) -> str:
    kind = "excerpt" if info.partial else "complete"
    updated = f"last update {info.last_update}" if info.last_update else "no last-update date"
    role = ", the reference" if reference else ""
    site = f" from {info.site}" if info.site else ""
    return f"  {label}  {info.path}{site}: {info.reader}, {kind}, {updated}{role}"


def _cell(value: str | None, width: int) -> str:
    shown = "-" if value is None else " ".join(value.split())
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def _render(report: ComparisonReport) -> str:
    lines = [
        f"{report.a.nct_id}: A and B compared",
        _describe("A", report.a, report.reference == "A"),
        _describe("B", report.b, report.reference == "B"),
        "",
    ]
    width = 38
    header = f"{'field':<19} {'A':<{width}} {'B':<{width}} outcome"
    lines += [header, "-" * len(header)]
    for f in report.fields:
        shown_a, shown_b = _cell(f.a, width), _cell(f.b, width)
        lines.append(f"{f.field:<19} {shown_a:<{width}} {shown_b:<{width}} {f.outcome}")
        if f.note:
            lines.append(f"{'':<19} {f.note}")
    fig = report.figures
    compared = "A" if report.reference == "B" else "B"
    lines += [
        "",
        f"{compared} ({fig.reader}) states {fig.stated} of {len(report.fields)} fields: "
        f"{fig.agree} agree, {fig.fewer} list fewer, {fig.conflict} conflict, "
        f"{fig.only_here} only in {compared} ({fig.agree_share:.0%} agree)",
    ]
    return "\n".join(lines) + "\n"


def figures_table(totals: dict[str, Figures]) -> str:
    """The per-reader figures as a Markdown table."""
    lines = [
        "| reader | pages | fields stated | agree | agreeing share | states fewer | conflicts"
        " | only on page |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in totals.values():
        lines.append(
            f"| {f.reader} | {f.pages} | {f.stated} | {f.agree} | {f.agree_share:.0%} | "
            f"{f.fewer} | {f.conflict} | {f.only_here} |"
        )
    return "\n".join(lines) + "\n"
