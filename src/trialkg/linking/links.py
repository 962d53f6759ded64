"""What the linker hands the mapping: a trial's ``TrialLinks``, each mention's ``Concept``
(the shared node it stands for) and the ``Match``es that tie a node to external terms."""

from __future__ import annotations

from dataclasses import dataclass

from trialkg.linking.link_values import Relation
from trialkg.linking.places import Place
from trialkg.model import MeshTerm


@dataclass(frozen=True, slots=True)
class Match:
    """A link from a concept to a term of an external vocabulary (SSSOM-like)."""

    iri: str
    relation: Relation
    # A LinkMethod; an adverse event's link to a part of its term adds "+term-part".
    method: str
    confidence: float
    source: str  # the vocabulary and the lexicon version: "MeSH; trialkg lexicon bed8f60194dd"
    # The target's MeSH tree numbers ("C04.588.894"), when it is a MeSH descriptor.
    tree_numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Concept:
    kind: str  # drug, procedure, condition, organisation, ...
    key: str  # stable, IRI-safe
    label: str
    matches: tuple[Match, ...] = ()  # the node's links: the same whichever mention reached it
    # How this mention was read, and how sure that is ("" and 0.0: not linked).
    method: str = ""
    confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class TrialLinks:
    """The concepts of one trial's mentions, parallel to the trial's own tuples."""

    interventions: tuple[tuple[Concept, ...], ...]  # one tuple per trial.interventions item
    # One tuple per trial.conditions item: one concept, or one per condition a list names
    # ("Obesity or Overweight"), or none for a mention of healthy volunteers.
    conditions: tuple[tuple[Concept, ...], ...]
    lead_sponsor: Concept | None
    collaborators: tuple[Concept, ...]
    site_organisations: tuple[Concept | None, ...]  # one per trial.sites item
    site_places: tuple[Place | None, ...] = ()  # one per trial.sites item (empty: not linked)
    # The registry's MeSH terms, one per trial.condition_meshes / intervention_meshes
    # item, with the id of each heading the record states alone where it resolves
    # (empty: not resolved).
    condition_meshes: tuple[MeshTerm, ...] = ()
    intervention_meshes: tuple[MeshTerm, ...] = ()
    # True when a condition names healthy volunteers ("Healthy", "Healthy Volunteers"):
    # the trial studies healthy people, which is no condition.
    healthy_volunteers: bool = False
    # One per trial.results.adverse_events.events item (empty: no results, or not linked).
    adverse_events: tuple[Concept, ...] = ()
