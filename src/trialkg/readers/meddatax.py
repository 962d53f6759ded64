"""Placeholder replaced by the real reader."""
from __future__ import annotations

from collections.abc import Iterator

from trialkg.readers import Document, Reader, RecordResult


def read(document: Document) -> Iterator[RecordResult]:
    return iter(())


READER = Reader(name="meddatax", description="", detect=lambda head: False, read=read)
