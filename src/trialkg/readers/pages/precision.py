"""The precision check every page read passes through before its trial enters a graph.

A page reader finds values under labels; on a layout it was not built for it may take
the wrong lines: a label ("Allocation:"), a design value ("Parallel Assignment"), a
date, a count ("117 participants"), the site's own navigation or help text, or a whole
paragraph where a name belongs. ``check`` looks at each name-like value of the trial
(titles, conditions, interventions with their other names, arms, sponsor and
collaborators, sites) and refuses the ones that are one of those kinds. A refused value
is dropped, never repaired; the record is then marked partial in its provenance, and
the refusals are returned with their field and reason so a report can count them.

The check is the same for every page reader and every site; what it refuses is data in
``trialkg.readers.pages.refusable``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from trialkg.model import Arm, Intervention, Organisation, Site, Trial
from trialkg.readers.ctgov_page_labels import LABEL_PATTERNS
from trialkg.readers.labels import label_key
from trialkg.readers.page_vocabulary import LABELS
from trialkg.readers.pages import refusable as r

LABEL = "label"
DESIGN = "design value"
DATE = "date"
COUNT = "count"
PAGE_TEXT = "page text"
PARAGRAPH = "paragraph"
OTHER_FIELD = "another field's value"
WRONG_KIND = "another kind of item"
NO_WORDS = "no words"

T = TypeVar("T")

# The longest value a field takes before it reads as a paragraph. ClinicalTrials.gov
# allows 300 characters for a brief title, 600 for an official one, 200 for an
# intervention's name and 100 for an arm's label; a page may add a prefix ("Experimental: ").
MAX_CHARS = {
    "brief_title": 600,
    "official_title": 1000,
    "conditions": 200,
    "interventions": 250,
    "other_names": 200,
    "arms": 200,
    "sponsor": 250,
    "collaborators": 250,
    "sites": 300,
}
# A name is one phrase: a sentence break in a long value means a paragraph was taken.
_SENTENCE_BREAK = re.compile(r"[a-z0-9)]{2}[.!?]\s+[A-Z]")
_LONG_NAME = 80
_LONG_TITLE = 60
_LABEL_COLON = re.compile(r"^[^:]{1,60}:$")
_CTGOV_LABEL = re.compile(
    "|".join(f"(?:{p})" for p in LABEL_PATTERNS.values()) + r"|(?:official|brief|study) title",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Refusal:
    """One value the check kept out of the graph."""

    field: str  # brief_title, official_title, conditions, interventions, other_names, arms ...
    value: str
    reason: str  # LABEL, DESIGN, DATE, COUNT, PAGE_TEXT, PARAGRAPH, OTHER_FIELD, WRONG_KIND ...


@dataclass(frozen=True, slots=True)
class Checked:
    trial: Trial  # what may enter the graph: partial in its provenance when anything was refused
    refusals: tuple[Refusal, ...]


def is_label(value: str, *, colon_only: bool = False) -> bool:
    """A page's label standing where a value belongs: "Study Type :", "Official Title:".

    One-word labels of the general vocabulary ("Age", "Intervention") are also real names,
    so a label without its colon is refused only when it has two words or more; and
    observational groups are named after headings ("Study Population"), so for arms
    (``colon_only``) only a label written with its colon is one.
    """
    text = " ".join(value.split())
    if _LABEL_COLON.match(text) and len(text.split()) <= 8:
        return True
    key = label_key(text)
    if colon_only:
        return False
    words = len(key.split())
    # "Healthy Volunteers" is a label of the vocabulary and a condition the registry lists.
    return (words >= 3 and key in LABELS) or (
        words >= 2 and _CTGOV_LABEL.fullmatch(key) is not None
    )


def is_page_text(value: str) -> bool:
    """Whether the value is the site's own furniture: navigation, help, banners, links.
    Furniture is a line, not a page: a value longer than a title never is."""
    if len(value) > MAX_CHARS["official_title"]:
        return False
    text = " ".join(value.split())
    return r.FURNITURE.search(text) is not None or r.LINK.search(text) is not None


def known_label(text: str) -> bool:
    """Whether the text, whole, is one of the labels pages write a trial's facts under."""
    key = label_key(text)
    return key in LABELS or _CTGOV_LABEL.fullmatch(key) is not None


def _paragraph(value: str, field: str) -> bool:
    """Longer than the field takes; or, for a name, long and broken by a sentence end. Titles
    ("Part I. Pharmacokinetics ...") and facilities ("Research Ctr. Oakland") have full stops
    inside, so only their length counts."""
    if len(value) > MAX_CHARS[field]:
        return True
    if field in _TITLES or field == "sites":
        return False
    return len(value) > _LONG_NAME and _SENTENCE_BREAK.search(value) is not None


_TITLES = frozenset({"brief_title", "official_title"})
# Design values that are also arms' names: a purpose, a phase, a bare masking.
_ITEM_DESIGN = r.whole((*r.PURPOSE_VALUES, *r.PHASE_VALUES, *r.MASKING_VALUES))
# Other names are often codes ("NSC 27-400", "780"): not judged as counts or wordless.
_CODES = frozenset({"other_names"})


def reason(value: str, field: str) -> str | None:
    """Why ``value`` cannot be the ``field`` of a trial, or None when it may be.

    Arms are named more freely than other items (by number, phase, period or purpose:
    "1", "Phase 2", "1988-1991", "Treatment"), so for arms only labels with their colon,
    counts with what they count, and the other design values are refused.
    """
    text = " ".join(value.split()).strip(" |")
    if not text:
        return None
    if len(text) > MAX_CHARS[field]:
        return PARAGRAPH
    if r.FURNITURE.search(text) or (field != "sites" and r.LINK.search(text)):
        return PAGE_TEXT
    if field not in _TITLES and r.QUESTION.search(text):
        return PAGE_TEXT
    arm = field == "arms"
    if is_label(text, colon_only=arm):
        return LABEL
    if not arm and r.DATED.fullmatch(text):
        return DATE
    if field not in _CODES:
        if (r.COUNTED_WITH_UNIT if arm else r.COUNTED).fullmatch(text):
            return COUNT
        if not arm and not any(c.isalpha() for c in text):
            return NO_WORDS  # a code, a number, punctuation
    if r.DESIGN.fullmatch(text) or (not arm and _ITEM_DESIGN.fullmatch(text)):
        return DESIGN
    if arm and r.INTERVENTION_PREFIXED.fullmatch(text):
        return WRONG_KIND
    if field == "interventions" and r.ARM_PREFIXED.fullmatch(text):
        return WRONG_KIND
    if _paragraph(text, field):
        return PARAGRAPH
    return None


class _Screen:
    """Collects the refusals of one trial while its fields are filtered."""

    def __init__(self, trial: Trial) -> None:
        self.refusals: list[Refusal] = []
        # A long title in a list of names, or an outcome measure as an arm, was taken from the
        # wrong lines. Registries do name a programme as its trial ("Trial of Activity for
        # Adolescent Girls (TAAG)") and a condition as an outcome ("Pain"), so short names and
        # conditions are not judged by this.
        self.titles = {
            label_key(t) for t in (trial.brief_title, trial.official_title) if t is not None
        }
        self.outcomes = {label_key(o.measure) for o in trial.outcomes}

    def ok(self, value: str, field: str, *, titles: bool = True) -> bool:
        why = reason(value, field)
        if why is None and titles:
            key = label_key(value)
            if (len(key) > _LONG_TITLE and key in self.titles) or (
                field == "arms" and key in self.outcomes
            ):
                why = OTHER_FIELD
        if why is not None:
            self.refusals.append(Refusal(field, value, why))
        return why is None

    def text(self, value: str | None, field: str) -> str | None:
        return value if value is None or self.ok(value, field, titles=False) else None

    def names(self, values: Iterable[str], field: str) -> tuple[str, ...]:
        return tuple(v for v in values if self.ok(v, field))

    def items(self, values: Iterable[T], keep: Callable[[T], T | None]) -> tuple[T, ...]:
        return tuple(kept for kept in map(keep, values) if kept is not None)

    def intervention(self, item: Intervention) -> Intervention | None:
        if not self.ok(item.name, "interventions"):
            return None
        others = self.names(item.other_names, "other_names")
        return item if others == item.other_names else replace(item, other_names=others)

    def arm(self, item: Arm) -> Arm | None:
        return item if self.ok(item.label, "arms") else None

    def organisation(self, item: Organisation, field: str) -> Organisation | None:
        return item if self.ok(item.name, field, titles=False) else None

    def site(self, item: Site) -> Site | None:
        for part in (item.facility, item.city, item.country):
            if part is not None and not self.ok(part, "sites", titles=False):
                return None
        return item


def check(trial: Trial) -> Checked:
    """The trial without the values that cannot be what their field says, and those values."""
    screen = _Screen(trial)
    sponsor = trial.lead_sponsor
    checked = replace(
        trial,
        brief_title=screen.text(trial.brief_title, "brief_title"),
        official_title=screen.text(trial.official_title, "official_title"),
        conditions=screen.names(trial.conditions, "conditions"),
        interventions=screen.items(trial.interventions, screen.intervention),
        arms=screen.items(trial.arms, screen.arm),
        lead_sponsor=None if sponsor is None else screen.organisation(sponsor, "sponsor"),
        collaborators=screen.items(
            trial.collaborators, lambda c: screen.organisation(c, "collaborators")
        ),
        sites=screen.items(trial.sites, screen.site),
    )
    if not screen.refusals:
        return Checked(trial, ())
    partial = replace(checked, source=replace(checked.source, partial=True))
    return Checked(partial, tuple(screen.refusals))
