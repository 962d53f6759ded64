"""What one record says that helps to read its own mentions: its texts and its MeSH indexing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trialkg.linking.ids import mesh_variants
from trialkg.linking.lexicon import Lexicon
from trialkg.linking.link_values import ConceptType
from trialkg.linking.normalise import defined_abbreviations, lookup_key, strip_parentheses
from trialkg.model import MeshTerm, Trial

# What an abbreviation's expansion must name for the record to define it.
_EXPANSION_TYPES: frozenset[ConceptType] = frozenset({"drug", "disease", "procedure"})


class RecordTexts:
    """The texts of one record and the abbreviations they define, found once when first asked."""

    def __init__(self, texts: Callable[[], list[str]]) -> None:
        self._texts = texts
        self._abbreviations: dict[str, str] | None = None

    def abbreviations(self, lexicon: Lexicon) -> dict[str, str]:
        if self._abbreviations is None:
            found: dict[str, str] = {}
            known = lambda phrase: lexicon.knows(phrase, _EXPANSION_TYPES)  # noqa: E731
            for text in self._texts():
                for key, expansion in defined_abbreviations(text, known).items():
                    found.setdefault(key, expansion)
            self._abbreviations = found
        return self._abbreviations


@dataclass(slots=True)
class RecordContext:
    """What one record says that helps to read its mentions; used for that record only."""

    texts: RecordTexts
    registry: tuple[MeshTerm, ...] = ()
    _registry_ids: frozenset[str] | None = field(default=None, repr=False)

    def expansion(self, name: str, lexicon: Lexicon) -> str | None:
        """What the record says an abbreviation stands for ("IM" -> "imatinib"), if it does."""
        key = lookup_key(strip_parentheses(name))
        if not key or len(key) > 10:
            return None  # longer than any abbreviation the record can define
        return self.texts.abbreviations(lexicon).get(key)

    def registry_ids(self) -> frozenset[str]:
        if self._registry_ids is None:
            self._registry_ids = frozenset(
                "mesh:" + v for m in self.registry if m.id for v in mesh_variants(m.id)
            )
        return self._registry_ids


EMPTY_CONTEXT = RecordContext(RecordTexts(list))


EMPTY_CONTEXT = RecordContext(RecordTexts(list))


def with_ids(meshes: tuple[MeshTerm, ...]) -> tuple[MeshTerm, ...]:
    """The registry's terms whose descriptor is known: the evidence a record's mentions can use."""
    return tuple(m for m in meshes if m.id)


def record_texts(trial: Trial | None) -> list[str]:
    """The texts of a record where it may define an abbreviation it uses."""
    if trial is None:
        return []
    texts = [
        trial.brief_title,
        trial.official_title,
        trial.brief_summary,
        trial.detailed_description,
        *trial.conditions,  # "Postpartum Depression (PPD)" defines the condition "PPD"
    ]
    for intervention in trial.interventions:
        texts += [intervention.name, intervention.description, *intervention.other_names]
    for arm in trial.arms:
        texts += [arm.label, arm.description]
    if trial.eligibility is not None:
        texts.append(trial.eligibility.criteria_text)
    return [t for t in texts if t]
