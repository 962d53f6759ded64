"""What ``trialkg compare`` says of one pair, for a whole folder of study pages.

Each page is read as a build reads it (reader, then the precision check); per page
and per field the report counts the values read and the values the check refused.
When a structured record (API JSON or legacy XML) of the same trial is among the
inputs, each value read is judged against it with the compare rules:

- *agree*: the record states the same (a title up to punctuation and a trailing
  acronym, a condition up to its lexicon concept, an intervention by its name or
  other names, an arm by its label, a site by its facility or city);
- *conflict*: the page gives a value the record does not state that way;
- *missed*: the record states a value that the page visibly states as a value (a line,
  a table cell, what follows a label, an item of a list: ``stated_values``), and the
  reader did not read it. A name only mentioned inside a sentence is not counted.

Agreement is agree / (agree + conflict); recall is agree / (agree + missed). What
a page states and the record does not is counted as read, not judged. Pure
functions of the pages and records; no store is built.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from trialkg.compare import rules
from trialkg.errors import InputError
from trialkg.model import Trial
from trialkg.readers import Document, iter_documents, read_paths, read_unchecked
from trialkg.readers.pages import Refusal, check
from trialkg.readers.pages.precision import known_label

FIELDS = (
    "title",
    "official_title",
    "status",
    "phase",
    "study_type",
    "enrollment",
    "conditions",
    "interventions",
    "arms",
    "sponsor",
    "sites",
)
# Fields whose value does not change between versions of a record: a page of any date
# must agree with the record on these.
STABLE_FIELDS = frozenset(
    {"title", "official_title", "phase", "study_type", "conditions", "interventions", "arms",
     "sponsor"}
)  # fmt: skip
_REFUSAL_FIELD = {
    "brief_title": "title",
    "other_names": "interventions",
    "collaborators": "sponsor",
}


@dataclass(slots=True)
class Tally:
    read: int = 0
    refused: int = 0
    agree: int = 0
    conflict: int = 0
    missed: int = 0

    def add(self, other: Tally) -> None:
        self.read += other.read
        self.refused += other.refused
        self.agree += other.agree
        self.conflict += other.conflict
        self.missed += other.missed


@dataclass(frozen=True, slots=True)
class Note:
    field: str
    outcome: str  # "refused (reason)", "conflict", "missed"
    value: str


@dataclass(slots=True)
class PageResult:
    page: str
    nct_id: str | None
    reader: str | None
    has_record: bool
    error: str | None = None
    tallies: dict[str, Tally] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


@dataclass(slots=True)
class FolderReport:
    pages: list[PageResult]
    records: int

    def totals(self) -> dict[str, Tally]:
        totals = {name: Tally() for name in FIELDS}
        for page in self.pages:
            for name, tally in page.tallies.items():
                totals[name].add(tally)
        return totals

    def stable_conflicts(self) -> int:
        return sum(t.conflict for n, t in self.totals().items() if n in STABLE_FIELDS)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


# --- judging one page against its record ------------------------------------------------------

_PREFIX = re.compile(r"^[A-Za-z][A-Za-z /]{1,30}:\s*")


def _key(text: str) -> str:
    return " ".join(rules.words(text))


_BLOCK_LINES = 12
_BULLET = re.compile(r"^[\s\-*\u2022\u25cf\u00b7]+")
_NUMBER = re.compile(r"[\d.,]+")


def stated_values(text: str) -> frozenset[str]:
    """What the page writes as a value, as word keys: a table cell, what follows a label's
    colon, a line in the block (up to 12 lines) under a label line ("Conditions" then "Lung
    Cancer"), and the items of a comma or semicolon list of those. A name mentioned inside a
    sentence (a drug in the title) or in an unlabelled list (a tag cloud) is not stated."""
    found: set[str] = set()
    under_label = 0  # lines left in the block under the last label line
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        cells = line.split("|")
        parts = [part for cell in cells for part in cell.split(":", 1)[1:]]
        if len(cells) > 1:
            parts += cells
        if known_label(line.rstrip(": ")):
            under_label = _BLOCK_LINES
            continue
        # A number alone names nothing unless its label stands right above it: further down a
        # label's block ("Collaborator", its names, then "31", "1", "2") it is unlabelled.
        first = under_label == _BLOCK_LINES
        if (under_label and (first or not _NUMBER.fullmatch(line))) or len(cells) > 1:
            parts.append(line)
        for part in list(parts):
            if len(part) <= 300:
                parts += re.split(r"[;,]", part)
        found.update(_key(part) for part in parts)
        # A block runs to the next label; it ends at a line that reads as a sentence, and after
        # as many lines as a label's list takes on the pages (an unlabelled tag cloud is longer).
        under_label = 0 if len(line) > 200 or line.endswith(".") else max(under_label - 1, 0)
    found.discard("")
    return frozenset(found)


def _visible(stated: frozenset[str], value: str, *, scalar: bool = False) -> bool:
    """Whether the page states the value (a scalar may lead its cell: "2539 participants")."""
    words = _key(value)
    if not words:
        return False
    if words in stated:
        return True
    return scalar and any(s.startswith(words + " ") for s in stated)


class _Judge:
    def __init__(self, result: PageResult, text: str) -> None:
        self.result = result
        self.stated = stated_values(text)

    def tally(self, name: str) -> Tally:
        return self.result.tallies.setdefault(name, Tally())

    def scalar(
        self, name: str, page: str | None, record: str | None, same: Callable[[str, str], bool],
        shown: str | None = None,
    ) -> None:  # fmt: skip
        tally = self.tally(name)
        if page is not None:
            tally.read += 1
        if page is not None and record is not None:
            if same(page, record):
                tally.agree += 1
            else:
                tally.conflict += 1
                self.result.notes.append(Note(name, "conflict", f"{page} / record: {record}"))
        elif (
            page is None
            and record is not None
            and _visible(self.stated, shown or record, scalar=True)
        ):
            tally.missed += 1
            self.result.notes.append(Note(name, "missed", record))

    def items(
        self, name: str, page: Sequence[str], record: Sequence[str] | None,
        same: Callable[[str, str], bool], names: Callable[[str], Iterable[str]] = lambda v: (v,),
        elsewhere: Iterable[str] = (),
    ) -> None:  # fmt: skip
        """``elsewhere``: what the page reads into another field; a record value the page
        states only as that ("Drug: Placebo" for the arm "Placebo") is not missed here."""
        other_fields = {_key(value) for value in elsewhere}
        tally = self.tally(name)
        tally.read += len(page)
        if record is None:
            return
        for value in page:
            if any(same(value, other) for other in record):
                tally.agree += 1
            elif record:
                tally.conflict += 1
                self.result.notes.append(Note(name, "conflict", value))
        for other in record:
            if any(same(value, other) for value in page):
                continue
            if _key(other) in other_fields:
                continue
            if any(_visible(self.stated, shown) for shown in names(other)):
                tally.missed += 1
                self.result.notes.append(Note(name, "missed", other))


def _without_prefix(value: str) -> str:
    return _PREFIX.sub("", value, count=1)


def _same_text(a: str, b: str) -> bool:
    return _key(_without_prefix(a)) == _key(_without_prefix(b))


def _enum_display(value: str) -> str:
    return value.replace("_", " ").lower()


def judge(page: Trial, record: Trial | None, text: str, result: PageResult) -> None:
    """Tally the page's fields, against the record when there is one."""
    j = _Judge(result, text)
    acronyms = [a for a in (page.acronym, record.acronym if record else None) if a]
    same_title = rules.same_title(acronyms)

    def title(a: str, b: str) -> bool:
        return same_title(a, b) is not None

    r = record
    titles = [t for t in (r.brief_title, r.official_title) if t] if r else []
    j.scalar(
        "title", page.brief_title, r.brief_title if r else None,
        lambda a, b: any(title(a, t) for t in titles or [b]),
    )  # fmt: skip
    j.scalar(
        "official_title", page.official_title, r.official_title if r else None,
        lambda a, b: any(title(a, t) for t in titles or [b]),
    )  # fmt: skip
    j.scalar(
        "status", page.overall_status, r.overall_status if r else None, str.__eq__,
        _enum_display(r.overall_status) if r and r.overall_status else None,
    )  # fmt: skip
    page_phase = "/".join(page.phases) or None
    record_phase = ("/".join(r.phases) or None) if r else None
    j.scalar("phase", page_phase, record_phase, lambda a, b: set(a.split("/")) == set(b.split("/")),
             (record_phase or "").replace("PHASE", "phase ").replace("/", " "))  # fmt: skip
    j.scalar("study_type", page.study_type, r.study_type if r else None, str.__eq__,
             _enum_display(r.study_type) if r and r.study_type else None)  # fmt: skip
    j.scalar(
        "enrollment",
        None if page.enrollment is None else str(page.enrollment),
        None if r is None or r.enrollment is None else str(r.enrollment),
        str.__eq__,
    )
    j.items("conditions", page.conditions, r.conditions if r else None, rules.same_condition)

    def interventions(t: Trial) -> list[str]:
        return [i.name for i in t.interventions]

    other_names = {}
    if r is not None:
        for item in r.interventions:
            other_names[item.name] = (item.name, *item.other_names)

    def same_intervention(a: str, b: str) -> bool:
        return any(_same_text(a, name) for name in other_names.get(b, (b,)))

    j.items(
        "interventions", interventions(page), interventions(r) if r else None, same_intervention,
        lambda b: other_names.get(b, (b,)),
    )  # fmt: skip
    page_interventions = [n for i in page.interventions for n in (i.name, *i.other_names)]
    j.items("arms", [a.label for a in page.arms], [a.label for a in r.arms] if r else None,
            _same_text, elsewhere=page_interventions)  # fmt: skip
    j.scalar(
        "sponsor",
        page.lead_sponsor.name if page.lead_sponsor else None,
        r.lead_sponsor.name if r and r.lead_sponsor else None,
        lambda a, b: rules.same_organisation(a, b) is not None,
    )
    page_sites = [s.facility or s.city or "" for s in page.sites]
    record_sites = [s.facility or s.city or "" for s in r.sites] if r else None
    j.items("sites", [s for s in page_sites if s], record_sites, _same_site)


def _same_site(a: str, b: str) -> bool:
    return rules.words(a) == rules.words(b)


def refused(result: PageResult, refusals: Iterable[Refusal]) -> None:
    for refusal in refusals:
        name = _REFUSAL_FIELD.get(refusal.field, refusal.field)
        result.tallies.setdefault(name, Tally()).refused += 1
        result.notes.append(Note(name, f"refused ({refusal.reason})", refusal.value))


# --- the folder -------------------------------------------------------------------------------


def structured_records(paths: Iterable[str | os.PathLike[str]]) -> tuple[dict[str, Trial], int]:
    """The records by NCT id: API JSON before legacy XML, then the newer record."""
    found: dict[str, Trial] = {}
    count = 0
    for item in read_paths(paths):
        if isinstance(item, InputError) or not item.source.structured:
            continue
        count += 1
        known = found.get(item.nct_id)
        if known is None or _rank(item) > _rank(known):
            found[item.nct_id] = item
    return found, count


def _rank(trial: Trial) -> tuple[bool, str]:
    updated = trial.source.last_update
    return (trial.source.reader == "ctgov-json", updated.value if updated else "")


def page_report(
    pages: Iterable[str | os.PathLike[str]], records: Iterable[str | os.PathLike[str]] = ()
) -> FolderReport:
    known, count = structured_records(records)
    results: list[PageResult] = []
    for item in iter_documents(pages):
        if isinstance(item, InputError):
            results.append(PageResult(item.file or "?", None, None, False, error=str(item)))
            continue
        results.extend(_page(item, known))
    return FolderReport(results, count)


def _page(document: Document, known: dict[str, Trial]) -> list[PageResult]:
    results: list[PageResult] = []
    try:
        read = list(read_unchecked(document))
    except InputError as error:
        return [PageResult(document.name, None, None, False, error=str(error))]
    for item in read:
        if isinstance(item, InputError):
            results.append(PageResult(document.name, item.record, None, False, error=str(item)))
            continue
        if item.source.structured:
            continue  # a record among the pages is a reference, not a page
        checked = check(item)
        record = known.get(item.nct_id)
        result = PageResult(document.name, item.nct_id, item.source.reader, record is not None)
        refused(result, checked.refusals)
        judge(checked.trial, record, document.text(), result)
        results.append(result)
    return results


# --- output -------------------------------------------------------------------------------------


def summary_lines(report: FolderReport) -> list[str]:
    """Per field: read, refused, agree, conflict, missed, agreement and recall; then all fields."""
    totals = report.totals()
    head = f"{'field':15} {'read':>5} {'refused':>7} {'agree':>5} {'conflict':>8} {'missed':>6}"
    lines = [head + f" {'agree %':>8} {'recall %':>8}"]
    overall = Tally()
    for name in FIELDS:
        t = totals[name]
        overall.add(t)
        lines.append(_row(name, t))
    lines.append(_row("all fields", overall))
    pages = [p for p in report.pages if p.error is None]
    lines.append("")
    rejected = len(report.pages) - len(pages)
    lines.append(
        f"pages: {len(report.pages)}, read: {len(pages)}, rejected: {rejected},"
        f" with a structured record: {sum(p.has_record for p in pages)}"
        f" (records given: {report.records});"
        f" conflicts in fields that do not change between versions: {report.stable_conflicts()}"
    )
    return lines


def _row(name: str, t: Tally) -> str:
    return (
        f"{name:15} {t.read:>5} {t.refused:>7} {t.agree:>5} {t.conflict:>8} {t.missed:>6}"
        f" {percent(t.agree, t.agree + t.conflict):>8} {percent(t.agree, t.agree + t.missed):>8}"
    )


def page_lines(report: FolderReport) -> list[str]:
    """Per page: its fields with anything to say, and each refused, conflicting or missed value."""
    lines: list[str] = []
    for page in report.pages:
        if page.error is not None:
            lines.append(f"{page.page}: rejected: {page.error}")
            continue
        record = "record" if page.has_record else "no record"
        lines.append(f"{page.page}: {page.nct_id} [{page.reader}] ({record})")
        for name in FIELDS:
            t = page.tallies.get(name)
            if t is None or not (t.read or t.refused or t.missed):
                continue
            parts = [f"read {t.read}"]
            parts += [f"{k} {v}" for k, v in (("refused", t.refused), ("agree", t.agree),
                      ("conflict", t.conflict), ("missed", t.missed)) if v]  # fmt: skip
            lines.append(f"  {name}: " + ", ".join(parts))
        for note in page.notes:
            lines.append(f"    {note.outcome} {note.field}: {rules.shorten(note.value, 120)}")
    return lines


def as_dict(report: FolderReport) -> dict[str, object]:
    def tally(t: Tally) -> dict[str, int]:
        return {"read": t.read, "refused": t.refused, "agree": t.agree, "conflict": t.conflict,
                "missed": t.missed}  # fmt: skip

    return {
        "records": report.records,
        "totals": {name: tally(t) for name, t in report.totals().items()},
        "pages": [
            {
                "page": p.page,
                "nct_id": p.nct_id,
                "reader": p.reader,
                "has_record": p.has_record,
                "error": p.error,
                "fields": {n: tally(t) for n, t in sorted(p.tallies.items())},
                "notes": [
                    {"field": n.field, "outcome": n.outcome, "value": n.value} for n in p.notes
                ],
            }
            for p in report.pages
        ],
    }
