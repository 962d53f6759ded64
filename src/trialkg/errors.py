"""One root exception and its few children.

Messages name the file, the record (NCT id or position) and the field, and say
what to do, so a user can find the fault without reading a traceback.
"""

from __future__ import annotations


class TrialKGError(Exception):
    """Root of every error trialkg raises on purpose."""


# What kind of fault an InputError is, for reports a program reads (``build --errors``).
INPUT_ERROR_KINDS = {
    "bad-record": "a record trialkg cannot make a trial of (no NCT id, an unknown value ...)",
    "bad-date": "a date that cannot be read",
    "wrong-type": "a field of another JSON type than the API gives",
    "malformed": "text that is not well-formed JSON or XML",
    "truncated": "a file cut off before its end",
    "unknown-format": "content no reader recognises",
    "unreadable-file": "a file or archive member that cannot be read",
    "archive-refused": "an archive member refused by the limits (size, ratio, nesting)",
    "invalid-iri": "a value that would make an invalid IRI or text RDF cannot hold",
    "store-refused": "graphs the store refused to write",
}


class InputError(TrialKGError):
    """A record or file that cannot be read into a trial."""

    default_kind = "bad-record"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        record: str | None = None,
        field: str | None = None,
        kind: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.record = record
        self.field = field
        self.kind = kind or self.default_kind
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.record:
            where.append(f"record {self.record}")
        if self.field:
            where.append(f"field {self.field}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def located(self, *, file: str | None = None, record: str | None = None) -> InputError:
        """The same error with the file or record filled in where it was missing."""
        return type(self)(
            self.message,
            file=self.file or file,
            record=self.record or record,
            field=self.field,
            kind=self.kind,
        )


class UnknownFormatError(InputError):
    """No reader recognises the content."""

    default_kind = "unknown-format"


class StoreError(TrialKGError):
    """The store cannot be opened, read or written."""


class StoreWriteError(StoreError):
    """The store's disk refuses writes (full, or failing): the build stops at once.

    ``report`` is the build's report up to the stop, counting only what was stored."""

    report: object | None = None


class QueryError(TrialKGError):
    """A named query is unknown, malformed, not read-only, or misses a parameter."""


class ValidationError(TrialKGError):
    """The shapes themselves cannot be loaded or run (not: the data does not conform)."""


class FetchError(TrialKGError):
    """A request to the registry failed for good: after every try, or refused outright.

    ``incomplete`` says whether what was fetched so far is kept for a resume (the
    command exits 1) rather than the request being wrong in itself (exit 2).
    """

    def __init__(self, message: str, *, incomplete: bool = True) -> None:
        self.incomplete = incomplete
        super().__init__(message)


class OutputError(TrialKGError):
    """A file trialkg was asked to write cannot be written (a missing folder, a full disk)."""


def os_error_text(error: OSError) -> str:
    """An ``OSError`` as a user reads it: what went wrong, and on which file."""
    reason = error.strerror or str(error) or type(error).__name__
    reason = reason[:1].lower() + reason[1:]
    return f"{reason}: {error.filename}" if error.filename else reason
