"""IRI minting. Every IRI comes from a registry identifier or a normalised key,
never from run order or randomness, so the same input always gives the same IRIs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from trialkg.linking.normalise import fold
from trialkg.rdf import vocab

_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 60


def slug(text: str) -> str:
    """A short IRI-safe form of text; long texts keep a hash so that they stay distinct."""
    # Accents go ("Köln" -> "koln") so that IRIs stay plain ASCII.
    ascii_text = unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()
    value = _SLUG_CHARS.sub("-", ascii_text).strip("-")
    if not value:
        # Text with no ASCII letters (a name in Chinese, say) keeps a hash of itself.
        return "u-" + hashlib.sha1(fold(text).encode()).hexdigest()[:12]
    if len(value) > _MAX_SLUG:
        digest = hashlib.sha1(value.encode()).hexdigest()[:8]
        value = value[:_MAX_SLUG].rstrip("-") + "-" + digest
    return value


def trial(nct_id: str) -> str:
    return vocab.CTGOV + nct_id


def graph(nct_id: str, source_key: str) -> str:
    return f"{vocab.GRAPH}{nct_id}/{source_key}"


# IRIs a trial owns: the trial, its parts, its source graphs. Every other IRI of ours
# names a node trials share (a drug, a city ...), or is the shared graph.
TRIAL_OWNED = (vocab.CTGOV, vocab.ID + "trial/", vocab.GRAPH)


def trial_of(value: str) -> str | None:
    """The NCT id of a trial-owned IRI (the trial, a part, a source graph); else None."""
    if value == vocab.SHARED_GRAPH:
        return None
    for prefix in TRIAL_OWNED:
        if value.startswith(prefix):
            return value[len(prefix) :].split("/", 1)[0]
    return None


def part(nct_id: str, kind: str, local: str) -> str:
    return f"{vocab.ID}trial/{nct_id}/{kind}/{local}"


def concept(kind: str, key: str) -> str:
    return f"{vocab.ID}{kind}/{key or 'unnamed'}"


def mesh(descriptor_id: str) -> str:
    return vocab.MESH + descriptor_id


def pubmed(pmid: str) -> str:
    return vocab.PUBMED + pmid


class Slugger:
    """Slugs unique within one trial: the second "Arm A" becomes "arm-a-2"."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        base = slug(text)
        count = self._seen.get(base, 0) + 1
        self._seen[base] = count
        return base if count == 1 else f"{base}-{count}"
