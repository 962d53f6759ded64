"""Keep a store current: fetch what the registry updated since the store's newest record.

The newest last-update date among the store's registry records (the
``tkg:recordLastUpdate`` of each ``ctgov-json`` or ``ctgov-xml`` source), less a
safety margin, is the ``--since`` of a fetch into a work folder beside the store;
then the work folder is built into the store. The margin covers records the
registry posts late for a day already seen; records fetched again that did not
change cost a hash check. A fetch that did not get every study builds nothing, so
the next update asks again from the same date. Withdrawn records cannot be found
by a date query: see the README (a periodic full fetch with ``--remove-missing``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from trialkg.build import BuildOptions, BuildReport, build
from trialkg.build.options import build_context, content_hash
from trialkg.errors import InputError, StoreError
from trialkg.fetch.client import OnRetry
from trialkg.fetch.options import DEFAULT_MARGIN_DAYS, FetchOptions
from trialkg.fetch.output import FolderOutput
from trialkg.fetch.pager import FetchReport, fetch
from trialkg.fetch.query import SearchQuery
from trialkg.rdf import vocab
from trialkg.rdf.iri import STRUCTURED_READERS
from trialkg.readers import Document
from trialkg.store import TrialStore

_LAST_UPDATE = ox.NamedNode(vocab.TKG + "recordLastUpdate")
_SOURCE_FORMAT = ox.NamedNode(vocab.TKG + "sourceFormat")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def newest_update(store: TrialStore) -> dt.date | None:
    """The newest last-update date any registry record in the store states."""
    formats = {ox.Literal(name) for name in STRUCTURED_READERS}
    newest: str | None = None
    for quad in store.oxigraph.quads_for_pattern(None, _LAST_UPDATE, None, None):
        value = quad.object.value if isinstance(quad.object, ox.Literal) else ""
        if not _ISO_DAY.fullmatch(value[:10]) or (newest is not None and value[:10] <= newest):
            continue
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode) or not any(
            next(iter(store.oxigraph.quads_for_pattern(graph, _SOURCE_FORMAT, name, graph)), None)
            for name in formats
        ):
            continue
        newest = value[:10]
    return dt.date.fromisoformat(newest) if newest else None


@dataclass(slots=True)
class UpdateReport:
    newest: dt.date
    since: dt.date
    fetched: FetchReport | None = None
    new: int = 0  # trials the store did not hold
    replaced: int = 0  # trials whose record changed: their graph was replaced
    unchanged: int = 0  # records fetched again that did not change: skipped
    build: BuildReport | None = None
    kept: str | None = None  # the work folder, when it is kept
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        built, rejected = (self.build.built, self.build.rejected) if self.build else (0, 0)
        return (
            f"since {self.since.isoformat()} (the store's newest record: "
            f"{self.newest.isoformat()}): built {built:,} (new {self.new:,}, replaced "
            f"{self.replaced:,}), unchanged {self.unchanged:,}, rejected {rejected:,}"
        )


def work_folder(store_path: str) -> Path:
    """Where an update's fetch goes: hidden, beside the store."""
    store = Path(store_path).resolve()
    return store.parent / f".{store.name}.update"


def update(
    store: TrialStore,
    store_path: str,
    *,
    options: FetchOptions | None = None,
    build_options: BuildOptions | None = None,
    margin_days: int = DEFAULT_MARGIN_DAYS,
    keep: str | None = None,
    on_fetched: Callable[[FetchReport], None] | None = None,
    on_progress: Callable[[int, int, float], None] | None = None,
    on_retry: OnRetry | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> UpdateReport:
    """Fetch the records updated since the store's newest one (less the margin), build them.

    ``on_progress``, ``on_retry`` and ``on_notice`` go to ``fetch``.
    Raises ``StoreError`` for a store with no registry record to date from, and
    ``FetchError`` when the fetch fails (the work folder keeps it for a resume).
    """
    options = options or FetchOptions()
    build_options = build_options or BuildOptions()
    newest = newest_update(store)
    if newest is None:
        raise StoreError(
            f"{store_path} holds no ClinicalTrials.gov record with a last-update date to "
            "update from; fetch or download the registry and build it first"
        )
    since = newest - dt.timedelta(days=margin_days)
    report = UpdateReport(newest=newest, since=since)
    folder = Path(keep) if keep else work_folder(store_path)
    output = FolderOutput(folder)
    # An older update's records must never be built over newer ones: start empty, unless
    # the folder holds a fetch to resume.
    if folder.exists() and not output.state_path.exists():
        if keep and any(folder.iterdir()):
            raise InputError("is not empty; give --keep a new or empty folder", file=keep)
        shutil.rmtree(folder)
    report.fetched = fetch(
        SearchQuery(since=since),
        output,
        options,
        on_progress=on_progress,
        on_retry=on_retry,
        on_notice=on_notice,
    )
    if on_fetched is not None:
        on_fetched(report.fetched)
    if not report.fetched.complete:
        report.kept = str(folder)
        return report
    files = sorted(folder.glob("NCT*.json"))
    _classify(store, files, build_options, report)
    report.build = build(store, [folder], replace(build_options, remove_missing=False))
    if keep:
        report.kept = str(folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def _classify(
    store: TrialStore, files: list[Path], options: BuildOptions, report: UpdateReport
) -> None:
    """Count the fetched records as new, replacing an older one, or unchanged."""
    context = build_context(options)
    before = set(store.trial_ids())
    digests = {}
    for path in files:
        digests[path] = content_hash(Document(path.name, path.read_bytes()), context)
    known = store.known_source_hashes(digests.values()) if not options.force else set()
    for path, digest in digests.items():
        if digest in known:
            report.unchanged += 1
        elif path.stem in before:
            report.replaced += 1
        else:
            report.new += 1
