"""Prefixes that make Turtle and TriG readable: one per family of IRIs.

A trial's parts live at ``.../id/trial/{NCT id}/{kind}/{slug}``. One prefix for
all of ``.../id/`` would print them as ``tkgid:trial\\/NCT05385549\\/arm\\/...``
(a slash must be escaped in a prefixed name). Instead each family gets its own
prefix, ending where the slug begins, so that every name prints plain:

- shared nodes: ``drug:mesh-D000068877``, ``condition:...``, ``organisation:...``,
  declared once at the top of the file;
- cities: ``city-us:boston``; a trial's parts: ``arm:...``, ``site:...``, a site's
  contacts ``site-{site slug}-contact:1``; its source graphs: ``graph:ctgov-json``;
  a drug's link records ``drug-{key}-link:...``. These are declared before each
  trial's block where they change (Turtle lets a prefix be declared again, for
  what follows).

A prefix is named by its namespace's path, so the same store gives the same bytes.
Every namespace of trialkg's gets one (a prefixed name may not hold a slash), so no
name prints with escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from trialkg.rdf import vocab

# Families of shared nodes that most trials name: declared once, at the top.
SHARED_FAMILIES = (*sorted({*vocab.CONCEPT_CLASSES, "condition", "organisation"}),)

_OURS = re.compile(rb"<(https://w3id\.org/trialkg/(?:id|graph)/[^>]*)>")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def header_prefixes() -> dict[str, str]:
    """The prefixes declared at the top: the vocabularies', and the shared families'
    (not one for all of ``id/``, whose names would need escapes)."""
    prefixes = {name: space for name, space in vocab.PREFIXES.items() if space != vocab.ID}
    for family in SHARED_FAMILIES:
        prefixes.setdefault(family, f"{vocab.ID}{family}/")
    return dict(sorted(prefixes.items()))


def _family(namespace: str) -> str | None:
    """The prefix name for a namespace ending in '/': its path, the trial's id left out
    (``arm``, ``site-{slug}-contact``, ``city-us``, ``drug-{key}-link``)."""
    if namespace.startswith(vocab.GRAPH):
        path = namespace[len(vocab.GRAPH) : -1].split("/")
        return "graph" if len(path) == 1 and path[0] else None
    path = namespace[len(vocab.ID) : -1].split("/")
    if path[0] == "trial":
        path = path[2:]
    return "-".join(path) or None


def block_prefixes(lines: Iterable[bytes]) -> dict[str, str]:
    """The prefixes of the families a block of N-Triples (or N-Quads) lines uses,
    beyond the header's, sorted. A name the header holds gets a ``tkg-`` head; of two
    namespaces with one name, the first keeps it and the other's IRIs are written whole."""
    spaces: set[str] = set()
    for line in lines:
        for match in _OURS.finditer(line):
            value = match.group(1).decode()
            spaces.add(value[: value.rfind("/") + 1])
    header = header_prefixes()
    found: dict[str, str] = {}
    for space in sorted(spaces):
        name = _family(space)
        if name is None or not _NAME.fullmatch(name) or header.get(name) == space:
            continue
        if name in header:
            name = f"tkg-{name}"
        found.setdefault(name, space)
    return dict(sorted(found.items()))


def declarations(prefixes: dict[str, str]) -> bytes:
    return "".join(f"@prefix {name}: <{space}> .\n" for name, space in prefixes.items()).encode()
