"""Overlay files: a user's own entries, added to the shipped lexicon without rebuilding it.

An overlay is a UTF-8 text file of tab-separated rows; blank lines and lines
starting with ``#`` are ignored. Each row has up to five columns::

    kind          mention or concept   target           relation  label
    drug          AK112                drugbank:DB18931  exact     ivonescimab
    drug          Endostar             mesh:C522911
    condition     NSCLC                mesh:D002289
    procedure     TACE                 mesh:D016461      exact
    drug          chemotherapy         -
    organisation  Shanghai Chest Hosp. ror:<its ROR id>  exact     Shanghai Chest Hospital
    xref          mesh:D000068877      wikidata:<its QID>

- ``kind`` is ``drug``, ``condition``, ``procedure``, ``organisation`` or ``xref``.
- For the first four, the second column is a name as records write it (compared
  after normalisation: case, punctuation, spaces and accents do not matter) and
  ``target`` is a CURIE (prefixes: mesh, chebi, mondo, doid, ncit, hp, efo,
  drugbank, chembl, rxnorm, wikidata, ror, umls, with the synonyms of
  ``trialkg.linking.prefixes``: ``CHEBI:45783`` and ``MESH:C522911`` are accepted).
  A MeSH id is made canonical (``D000017239`` is D017239) and must be one the
  shipped MeSH table knows. A target the shipped lexicon knows brings its label
  and cross-references; any other target becomes a concept of its own. A target of
  ``-`` means "never link this name"; with a CURIE in the mention column
  (``drug  mesh:D000068877  -``) it means "never link any name to this concept".
- For ``xref``, the second column is a concept (a CURIE the lexicon knows) and
  ``target`` another identifier of the same thing.
- ``relation`` is ``exact`` (the default) or ``close``; ``label`` names a new
  concept (default: the mention as written).

An overlay entry wins over the shipped lexicon for the same name and kind.
The curated table that ships with trialkg (``lexicon-sources/curated.tsv``) has
the same format and is compiled into the lexicon when it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from trialkg.errors import InputError
from trialkg.linking.link_values import Relation
from trialkg.linking.prefixes import CurieError, split_curie

KINDS = frozenset({"drug", "condition", "procedure", "organisation", "xref"})
NEVER = "-"


@dataclass(frozen=True, slots=True)
class OverlayEntry:
    kind: str
    mention: str  # a name as records write it, or for kind xref the concept's CURIE
    target: str  # a CURIE, or "-" for "never link"
    relation: Relation = "exact"
    label: str | None = None
    line: int = field(default=0, compare=False, repr=False)  # where the file states it


def parse_overlay(text: str, *, file: str = "overlay") -> list[OverlayEntry]:
    """The entries of an overlay text; a malformed row raises InputError naming its line."""
    entries: list[OverlayEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        where = f"line {number}"
        if len(cells) < 3:
            raise InputError(
                "an overlay row needs at least three tab-separated columns: kind, mention, target",
                file=file,
                field=where,
            )
        kind, mention, target = cells[0].lower(), cells[1], cells[2]
        relation = (cells[3] if len(cells) > 3 and cells[3] else "exact").lower()
        label = cells[4] if len(cells) > 4 and cells[4] else None
        if kind == "kind":
            continue  # a header row
        if kind not in KINDS:
            raise InputError(
                f"unknown kind {cells[0]!r}; use one of {', '.join(sorted(KINDS))}",
                file=file,
                field=where,
            )
        if not mention:
            raise InputError("the mention column is empty", file=file, field=where)
        if target != NEVER:
            target = _curie(target, file, where) or ""
            if not target:
                raise InputError(
                    f"target {cells[2]!r} is not a CURIE such as mesh:D000068877 "
                    "(or '-' for never link)",
                    file=file,
                    field=where,
                )
        if kind == "xref":
            mention = _curie(mention, file, where) or ""
            if not mention or target == NEVER:
                raise InputError(
                    "an xref row names a concept CURIE and another CURIE", file=file, field=where
                )
        stated = _RELATIONS.get(relation)
        if stated is None:
            raise InputError(
                f"relation must be exact or close, not {relation!r}", file=file, field=where
            )
        entries.append(OverlayEntry(kind, mention, target, stated, label, number))
    return entries


_RELATIONS: dict[str, Relation] = {"exact": "exact", "close": "close"}


def _curie(text: str, file: str, where: str) -> str | None:
    """A CURIE in the registry's spelling (``CHEBI:45783`` -> ``chebi:45783``); None if the
    prefix is unknown. MeSH ids are checked against the lexicon when the overlay loads."""
    try:
        found = split_curie(text)
    except CurieError as error:
        raise InputError(str(error), file=file, field=where) from None
    return None if found is None else f"{found[0].name}:{found[1]}"


def read_overlay(path: str | Path) -> list[OverlayEntry]:
    location = Path(path)
    try:
        text = location.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the overlay file: {error}", file=str(path)) from error
    return parse_overlay(text, file=str(path))
