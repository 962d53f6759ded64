"""Linking: entity mentions in trials to shared concepts and standard vocabularies."""

from __future__ import annotations

from trialkg.linking.cache import default_linker, linker_for
from trialkg.linking.linker import Linker
from trialkg.linking.links import Concept, Match, TrialLinks
from trialkg.linking.places import Place

__all__ = ["Concept", "Linker", "Match", "Place", "TrialLinks", "default_linker", "linker_for"]
