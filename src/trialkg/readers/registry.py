"""The reader registry, format detection, and the walk over input paths.

A reader is one module with a ``READER`` object: a name, what it reads, a
``detect`` function that looks at the start of a document's text, and a ``read``
function that turns a document into trials. Adding a format is one module and
one line in ``READERS``. Detection tries the readers in registry order, so the
specific ones come before the general ones.

Readers never raise for one bad record of a multi-record document: they yield
an ``InputError`` in its place and go on, so the caller can report it and keep
the rest. An error that spoils the whole document is raised.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace

from trialkg.errors import InputError, UnknownFormatError
from trialkg.model import Trial
from trialkg.readers.inputs import Document, iter_documents

__all__ = [
    "Document",
    "Reader",
    "RecordResult",
    "detect",
    "get_reader",
    "iter_documents",
    "read_document",
    "read_paths",
    "readers",
]

# How much of a document detection looks at.
DETECT_CHARS = 65536


RecordResult = Trial | InputError


@dataclass(frozen=True, slots=True)
class Reader:
    name: str
    description: str
    detect: Callable[[str], bool]
    read: Callable[[Document], Iterator[RecordResult]]


def _registry() -> dict[str, Reader]:
    # Imported here so that each reader module can import Document, Reader and RecordResult
    # from the package, whose face imports this module.
    from trialkg.readers import (
        ctgov_json,
        ctgov_page,
        ctgov_xml,
        generic_page,
        meddatax,
        trials_co,
    )
    from trialkg.readers.pages.layouts import PROFILES
    from trialkg.readers.pages.profiles import profile_reader

    profiled = {profile.name: profile_reader(profile) for profile in PROFILES}

    readers = [
        ctgov_json.READER,
        ctgov_xml.READER,
        ctgov_page.READER,
        meddatax.READER,
        trials_co.READER,
        profiled["clinicaltrialexchange"],
        profiled["biotechhunter"],
        profiled["ignite-sd"],
        profiled["trialstoday"],
        profiled["hra"],
        profiled["inclinicaltrials"],
        profiled["ichgcp"],
        generic_page.READER,
    ]
    return {reader.name: reader for reader in readers}


READERS: dict[str, Reader] = {}


def readers() -> dict[str, Reader]:
    """The registry, in detection order."""
    if not READERS:
        READERS.update(_registry())
    return READERS


def detect(document: Document) -> Reader:
    head = document.text()[:DETECT_CHARS]
    for reader in readers().values():
        if reader.detect(head):
            return reader
    raise UnknownFormatError(
        "no reader recognises this content; `trialkg formats` lists what trialkg reads, "
        "and `--format NAME` forces one",
        file=document.name,
    )


def get_reader(name: str) -> Reader:
    try:
        return readers()[name]
    except KeyError:
        known = ", ".join(readers())
        raise UnknownFormatError(f"unknown format {name!r}; known formats: {known}") from None


def _states_something(trial: Trial) -> bool:
    """Whether a trial has any field besides its id and source."""
    return any(
        getattr(trial, f.name) not in (None, ())
        for f in fields(trial)
        if f.name not in ("nct_id", "source")
    )


def _in_folder(trial: Trial, folder: str | None) -> Trial:
    """The trial with its file's folder, which names a page's source (``rdf.iri.source_key``)."""
    if folder is None or trial.source.file is None:
        return trial
    return replace(trial, source=replace(trial.source, folder=folder))


def _named_page(document: Document, unknown: UnknownFormatError) -> Iterator[RecordResult]:
    """A page no reader recognises (no labels, no id in its text) whose file name names its
    trial: what the general page reader finds on it (its title, say), if it finds anything."""
    from trialkg.readers.labels import file_nct_id

    if file_nct_id(document.name) is None:
        raise unknown
    results = list(get_reader("page").read(document))
    if not any(isinstance(r, Trial) and _states_something(r) for r in results):
        raise unknown
    for result in results:
        yield result if isinstance(result, InputError) else _in_folder(result, document.folder)


def read_document(document: Document, *, format: str | None = None) -> Iterator[RecordResult]:
    """Trials (or per-record errors) from one document; raises when the document is unreadable.

    Every trial read from a page has passed the precision check (``readers.pages.check``):
    values that cannot be what their field says are dropped and the record marked partial.
    """
    from trialkg.readers.pages import check

    for result in read_unchecked(document, format=format):
        if isinstance(result, Trial) and not result.source.structured:
            yield check(result).trial
        else:
            yield result


def read_unchecked(document: Document, *, format: str | None = None) -> Iterator[RecordResult]:
    """What the reader gives before the precision check; for reports that count refusals."""
    try:
        if format:
            reader = get_reader(format)
        else:
            try:
                reader = detect(document)
            except UnknownFormatError as unknown:
                yield from _named_page(document, unknown)
                return
        for result in reader.read(document):
            if isinstance(result, InputError):
                yield result.located(file=document.name)
            else:
                yield _in_folder(result, document.folder)
    except InputError as error:
        yield error.located(file=document.name)


def read_paths(
    paths: Iterable[str | os.PathLike[str]], *, format: str | None = None
) -> Iterator[RecordResult]:
    """Every trial (or error) under the given paths, in a stable order."""
    for item in iter_documents(paths):
        if isinstance(item, InputError):
            yield item
        else:
            yield from read_document(item, format=format)
