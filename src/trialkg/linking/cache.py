"""The linkers of a process: one per lexicon fingerprint (the shipped lexicon's version and
an overlay's entries), made once and reused, so that a build's workers link as its main
process hashed."""

from __future__ import annotations

import os

from trialkg.errors import InputError
from trialkg.linking.lexicon import lexicon_for
from trialkg.linking.linker import Linker

_BY_FINGERPRINT: dict[str, Linker] = {}


def linker_for(
    overlay: str | os.PathLike[str] | None = None, *, fingerprint: str | None = None
) -> Linker:
    """The linker of the shipped lexicon and an overlay file (``TRIALKG_OVERLAY``
    unless given; "" for none), one per process and fingerprint.

    A build hands the fingerprint it hashed its inputs with; the linker that has it
    is used as it is (a worker forked from the build's process has it already), so
    the graphs and their content hashes always agree on the overlay.
    """
    if fingerprint is not None and fingerprint in _BY_FINGERPRINT:
        return _BY_FINGERPRINT[fingerprint]
    lexicon = lexicon_for(overlay)
    found = _BY_FINGERPRINT.get(lexicon.fingerprint)
    if found is None:
        found = _BY_FINGERPRINT[lexicon.fingerprint] = Linker(lexicon)
    if fingerprint is not None and fingerprint != lexicon.fingerprint:
        raise InputError(
            "the overlay file changed while the build ran; build again",
            file=os.fspath(overlay) if overlay else None,
        )
    return found


def default_linker() -> Linker:
    """The linker of the shipped lexicon with the file ``TRIALKG_OVERLAY`` names now."""
    return linker_for(None)
