"""What a build is asked and what it reports: ``BuildOptions``, ``BuildReport``, and the
context that ties a document's content hash to the options and lexicon it was built with."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field

from trialkg.errors import InputError
from trialkg.linking.lexicon import OVERLAY_ENV, linking_fingerprint
from trialkg.progress import time_left
from trialkg.rdf.mapping import LAYOUT
from trialkg.readers import Document
from trialkg.text import is_nct_id
from trialkg.version import __version__

MAX_KEPT_ERRORS = 1000  # errors a BuildReport keeps (all are counted, and reported as they come)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How a build reads, links and writes; every field has a default that suits most runs.

    Args:
        format: a reader's name (``trialkg formats`` lists them) to use for every
            input instead of detecting the format of each file; an unknown name fails
            the build before anything is read. ``None``: detect each document's format.
        strict: stop at the first bad record, raising its ``InputError`` once the records
            before it are written whole, instead of reporting it and going on.
        include_contacts: keep the phone numbers and e-mail addresses of named people,
            which are left out by default.
        include_results: map the results sections of the records that have them
            (participant groups and flow, baseline, outcome measures, adverse events, and
            the values left out of them as self-contradicting); ``False`` leaves them out
            of the graphs, while the further protocol fields are still mapped. It is part
            of every document's content hash, so switching it builds every record again.
        workers: processes that read, link and map; 1 runs all in this process.
        chunk_trials, chunk_quads: the most trials and quads per store write; the quads
            are kept below one batch of the bulk loader (``store.BULK_BATCH_QUADS``).
        batch_documents: documents handed to a worker at a time.
        writers: threads writing chunks into an on-disk store (an in-memory store is
            written by one).
        force: build documents again even when the store holds their content.
        compact: compact the store after a build that loaded at least a fifth of the
            store's size (``pipeline.COMPACT_SHARE``).
        remove_missing: afterwards remove the sources that no input holds any more, so
            that the store mirrors the inputs; a source whose trial's newer record was
            rejected stays, and nothing is removed while a rejected input names no trial
            or when no input was read.
        overlay: the path of an overlay file of the user's own lexicon entries (format in
            ``trialkg.linking.overlay`` and docs/linking.md), read when the build starts,
            so that a bad one fails the build at once; ``None``: the file
            ``TRIALKG_OVERLAY`` names then; ``""``: none. Its entries are part of every
            document's content hash, so an edited overlay links every record again.
    """

    format: str | None = None  # force a reader instead of detecting one
    strict: bool = False  # stop at the first bad record
    include_contacts: bool = False  # keep phone numbers and e-mails of named people
    include_results: bool = True  # map the results sections (groups, outcomes, adverse events)
    workers: int = 1  # processes for reading, linking and mapping
    # At most this many trials and quads per store write, below one batch of the bulk
    # loader (BULK_BATCH_QUADS), the most it adds atomically. Alone, the loader costs
    # less per quad in bigger writes (11.7 us at 400k quads, 9.9 us at 900k); in the
    # 50k benchmark 2000 and 5000 trials per write (~550k and 900k quads) built at the
    # same rate, and 5000 took 0.8 GB more memory.
    chunk_trials: int = 2000
    chunk_quads: int = 900_000
    batch_documents: int = 16  # documents per task handed to a worker
    writers: int = 2  # threads writing chunks to an on-disk store
    force: bool = False  # rebuild documents even when their content was built before
    # Compact the store when the build wrote a good part of it: bulk loads leave many
    # table files, and queries, validation and exports read much faster once merged.
    compact: bool = True
    # After the build, remove the sources (trial graphs) no input holds any more: the
    # store then mirrors the inputs, e.g. a newer registry download without the
    # records it withdrew.
    remove_missing: bool = False
    # The overlay file of the user's own lexicon entries; None: the file
    # TRIALKG_OVERLAY names when the build starts; "": none.
    overlay: str | None = None


@dataclass(slots=True)
class BuildReport:
    """What a build did, filled in as it goes (``on_progress`` sees it part-way).

    Attributes:
        documents: input files and archive members looked at.
        records_read: trial records read from them.
        built: trials written into the store.
        rejected: records reported as bad and left out (their errors are in ``errors``).
        unchanged_documents: documents skipped because the store already holds them.
        triples: statements written (of the records: the summary graph's are apart).
        pruned: shared-graph statements no trial needs any more, removed.
        missing_removed, missing_trials, missing_kept, missing_kept_why: what
            ``remove_missing`` removed, the trials left with no source, and what it
            kept and why.
        seconds: the build's wall-clock time.
        summary_seconds: of which computing the summary graph (``trialkg.summary``) at
            the end took this much.
        documents_total: the number of documents, when known up front (for an ETA).
        errors: the first ``MAX_KEPT_ERRORS`` bad records, each with its file, record id
            and field (``on_error`` sees every one).
        kinds: how many bad records of each kind (``InputError.kind``), all counted.
        rejected_records: the NCT ids the bad records name.
        unnamed_rejections: bad inputs that name no trial (an unreadable file, a record
            without an NCT id).
        dropped: values left out of kept records because the record contradicts itself
            there (more participants affected than at risk, say).
    """

    documents: int = 0
    records_read: int = 0
    built: int = 0
    rejected: int = 0
    unchanged_documents: int = 0
    triples: int = 0
    pruned: int = 0  # shared-graph statements no trial needs any more, removed
    missing_removed: int = 0  # sources no input held any more, removed (remove_missing)
    missing_trials: list[str] = field(default_factory=list)  # trials left with no source
    missing_kept: int = 0  # sources no input held, kept: see missing_kept_why
    missing_kept_why: str = ""
    seconds: float = 0.0
    summary_seconds: float = 0.0  # computing the summary graph (trialkg.summary) at the end
    documents_total: int | None = None  # known up front for folders and zips, for an ETA
    # The first MAX_KEPT_ERRORS errors; every one is counted by kind, and ``on_error``
    # (or `build --errors FILE.tsv`) sees them all: a bad bulk file cannot fill memory.
    errors: list[InputError] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    rejected_records: set[str] = field(default_factory=set)  # NCT ids of rejected records
    unnamed_rejections: int = 0  # rejections that name no trial (an unreadable file ...)

    def reject(self, error: InputError) -> None:
        """Count a bad record, keeping its error while fewer than ``MAX_KEPT_ERRORS`` are."""
        self.rejected += 1
        self.kinds[error.kind] += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)
        if error.record and is_nct_id(error.record):
            self.rejected_records.add(error.record)
        else:
            self.unnamed_rejections += 1

    # Values left out of kept records because each record contradicts itself there.
    dropped: list[InputError] = field(default_factory=list)

    def summary(self) -> str:
        """One line of what the build did: read, built, rejected, triples, and the rest."""
        parts = [
            f"records read: {self.records_read}",
            f"built: {self.built}",
            f"rejected: {self.rejected}",
            f"triples: {self.triples}",
        ]
        if self.dropped:
            parts.append(f"contradicting values left out: {len(self.dropped)}")
        if self.unchanged_documents:
            parts.append(f"unchanged files skipped: {self.unchanged_documents}")
        if self.missing_removed:
            parts.append(
                f"sources no longer in the inputs removed: {self.missing_removed}"
                f" ({len(self.missing_trials)} trials gone)"
            )
        if self.missing_kept:
            parts.append(
                f"sources no longer in the inputs kept: {self.missing_kept}"
                f" ({self.missing_kept_why})"
            )
        if self.pruned:
            parts.append(f"shared statements no trial names removed: {self.pruned}")
        if self.kinds:
            kinds = "; ".join(f"{kind} {count}" for kind, count in sorted(self.kinds.items()))
            parts.append(f"rejected by kind: {kinds}")
        return ", ".join(parts)

    def progress(self) -> str:
        """One line for a terminal: done, rate and time left."""
        rate = self.documents / self.seconds if self.seconds > 0 else 0.0
        line = f"{self.documents:,} files, {self.built:,} trials built, {rate:,.0f} files/s"
        if self.documents_total:
            line += time_left(self.documents, self.documents_total, self.seconds)
        return line


def build_overlay(options: BuildOptions) -> str:
    """The overlay file a build links with: the option, else TRIALKG_OVERLAY now; "": none."""
    if options.overlay is not None:
        return options.overlay
    return os.environ.get(OVERLAY_ENV, "")


def build_context(options: BuildOptions, fingerprint: str | None = None) -> str:
    """What a document's graph depends on besides its bytes; part of its content hash."""
    links = fingerprint if fingerprint is not None else linking_fingerprint(build_overlay(options))
    return (
        f"trialkg {__version__} {options.format or 'auto'}"
        f" contacts={int(options.include_contacts)} links={links}"
        f" layout={LAYOUT}" + ("" if options.include_results else " results=0") + "\n"
    )


def content_hash(document: Document, context: str) -> str:
    digest = hashlib.sha256()
    digest.update(context.encode())
    digest.update(document.data)
    return digest.hexdigest()
