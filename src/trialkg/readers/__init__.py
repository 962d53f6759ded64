"""Reading records into trials: one module per format, the registry in ``registry.py``.

This package face re-exports the registry's public names, so callers import them from
``trialkg.readers`` as before.
"""

from __future__ import annotations

from trialkg.readers.registry import (
    Document,
    Reader,
    RecordResult,
    detect,
    get_reader,
    iter_documents,
    read_document,
    read_paths,
    readers,
)
from trialkg.readers.registry import (
    read_unchecked as read_unchecked,
)

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
