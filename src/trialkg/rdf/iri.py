"""IRI minting. Every IRI comes from a registry identifier or a normalised key,
never from run order or randomness, so the same input always gives the same IRIs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from trialkg.model import Source
from trialkg.rdf import vocab
from trialkg.text import fold

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
# names a node trials share (a drug, a city ...), or is the shared or summary graph.
TRIAL_OWNED = (vocab.CTGOV, vocab.ID + "trial/", vocab.GRAPH)


def trial_of(value: str) -> str | None:
    """The NCT id of a trial-owned IRI (the trial, a part, a source graph); else None."""
    if value in (vocab.SHARED_GRAPH, vocab.SUMMARY_GRAPH):
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


# The readers whose sources are ``structured`` (the registry's own records), as the
# store's provenance names them: one graph per trial and reader, whichever file they
# came from, and more authoritative than pages (``tests/rdf`` checks the two agree).
STRUCTURED_READERS = frozenset({"ctgov-json", "ctgov-xml"})


def source_key(source: Source) -> str:
    """The source's part of a trial's graph name.

    A structured record (JSON, XML) is one per trial and reader: a newer one
    replaces the older. A page is kept per file: the reader, the site when the
    page says it, and a digest of the file's name with the folder it sits in
    (often the site's), so that two sites' pages saved under the same name, or
    one site's page and its print view, never overwrite each other, while the
    same file built again replaces its graph. Only those two parts of the path
    count, not the folders the build reached them through: a file on disk is
    named by the folder it really sits in (``folder``), given alone or in its
    folder; a zip member by its path in the archive.
    """
    if source.structured or source.file is None:
        return source.reader
    parts = source.file.replace("\\", "/").replace("!", "/").rsplit("/", 2)
    if source.folder is not None:
        parts = [source.folder, parts[-1]]
    name = "/".join(parts[-2:])
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
    if source.site is not None:
        return f"{source.reader}-{source.site}-{digest}"
    return f"{source.reader}-{digest}"
