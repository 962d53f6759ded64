"""Layout profiles: a site's layout as data, read by the general page engine.

A profile names the reader (the name ``trialkg formats`` lists and ``--format`` takes),
the site, the text that marks its pages, the labels it writes on top of the shared
vocabulary (``readers.page_vocabulary``), its headings that carry no value, and the
fields the engine may take from it. A field outside ``fields`` stays absent even when
the engine finds something under a label: a site that writes its own headline, or a lay
summary, states no registry title or summary.

Adding a site whose pages state their facts under labels is one entry in ``PROFILES``
(``readers.pages.layouts``) and a real page with its golden file in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from trialkg.errors import InputError
from trialkg.model import Trial
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.common import stated_date
from trialkg.readers.labels import (
    SECTION,
    belongs_elsewhere,
    count_label_lines,
    label_key,
    label_map,
)
from trialkg.readers.page_shapes import UPDATE, anchored_head, country_rows, unflattened
from trialkg.readers.page_vocabulary import GROUPS

# What every trial keeps, whatever the profile says.
_ALWAYS = frozenset({"nct_id", "source"})


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    site: str
    description: str
    markers: tuple[str, ...] = ()  # any of these in the head of a text makes it this site's
    # ... and so do ``marker_count`` of these written as label lines ("IRAS ID", alone or
    # before its colon), which one site uses together where other sites use one at most.
    marker_labels: tuple[str, ...] = ()
    marker_count: int = 2
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # field -> labels
    sections: tuple[str, ...] = ()  # headings that end the value before them
    fields: frozenset[str] = frozenset()  # the Trial fields read from the page
    glued: tuple[str, ...] = ()  # labels the site runs into the end of the line before them
    # A head named by place: the line this pattern matches (its first group a date, the
    # page's update date) among the first lines, the fields of the lines just above it and
    # of those under it (``readers.page_shapes.anchored_head``). A page of the site must
    # have that line.
    anchor: str | None = None
    # Labels whose one-line value the site's pages end with, so that a page stopping at
    # the end of that line states it whole (``page_shapes.with_last_value``).
    last_values: tuple[str, ...] = ()
    # Headings that only a whole page reaches (the site's closing notice): with one of
    # them on the page, the page is not an excerpt.
    complete_at: tuple[str, ...] = ()
    # The site runs each criteria list into one line, items joined by " - ".
    flattened_criteria: bool = False
    # Labels the site writes at the start of a line, a space, then the value ("NCT number
    # NCT02509026"): a two-column table flattened to text. By field, as ``labels``.
    row_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The header of a locations table whose cells ran together ("Country Name City
    # State"): its rows give each site's country and, where known, its state.
    site_table: str | None = None
    # False when the site writes a date's type its own way ("Est." before every date).
    date_types: bool = True
    head_before: tuple[str, ...] = ()
    head_after: tuple[str, ...] = ()
    # What the site prints where it has no value, by Trial field ("enrollment": "0"): absent.
    absent: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def prefix_lookup(self) -> dict[str, str] | None:
        return label_map(self.row_labels) if self.row_labels else None

    def label_lookup(self) -> dict[str, str]:
        """The vocabulary with the site's own labels and headings on top."""
        groups = {key: tuple(values) for key, values in GROUPS.items()}
        for key, values in self.labels.items():
            groups[key] = (*groups.get(key, ()), *values)
        groups[SECTION] = (*groups.get(SECTION, ()), *self.sections)
        # The site's labels win over the vocabulary's when both name the same words.
        lookup = label_map(groups)
        lookup.update(label_map({**self.labels, SECTION: self.sections}))
        return lookup


def _stated(value: object) -> str:
    return str(getattr(value, "value", value))


def _kept(trial: Trial, keep: frozenset[str], absent: Mapping[str, tuple[str, ...]]) -> Trial:
    """The trial with only the profile's fields, its id and its source (whose update date
    is the page's only when the profile reads ``last_update``), and without the values the
    site prints for none."""
    cleared: dict[str, Any] = {
        f.name: f.default
        for f in fields(trial)
        if f.name not in keep | _ALWAYS or _stated(getattr(trial, f.name)) in absent.get(f.name, ())
    }
    source = trial.source if "last_update" in keep else replace(trial.source, last_update=None)
    return replace(trial, source=source, **cleared)


def _with_head(
    trial: Trial, text: str, lookup: Mapping[str, str], profile: Profile, anchor: re.Pattern[str]
) -> Trial:
    """The trial with the fields its head names by place, in place of the engine's guesses;
    a field the head does not give stays absent."""
    from trialkg.readers.generic_page import page_structure

    lines, found = page_structure(text, lookup, profile.glued)
    head = anchored_head(lines, found, anchor, profile.head_before, profile.head_after)
    named: dict[str, Any] = {
        name: head.get(name) for name in (*profile.head_before, *profile.head_after)
    }
    source = replace(trial.source, last_update=stated_date(head.get(UPDATE)))
    return replace(trial, source=source, **named)


_DATES = ("start_date", "primary_completion_date", "completion_date", "first_posted")
_DATES_TOO = ("last_update_posted", "status_verified")


def _untyped_dates(trial: Trial) -> Trial:
    """The trial with its dates but not their types, which the site does not state."""
    changes: dict[str, Any] = {}
    for name in (*_DATES, *_DATES_TOO):
        date = getattr(trial, name)
        if date is not None and date.type is not None:
            changes[name] = replace(date, type=None)
    return replace(trial, **changes)


def _complete(trial: Trial, text: str, lookup: Mapping[str, str], profile: Profile) -> Trial:
    """The trial, not partial when its page reaches a heading only a whole page has."""
    from trialkg.readers.generic_page import page_structure

    _lines, found = page_structure(text, lookup, profile.glued, profile.last_values)
    ends = {label_key(label) for label in profile.complete_at}
    if not any(label_key(hit.label) in ends for hit in found.hits):
        return trial
    return replace(trial, source=replace(trial.source, partial=False))


def profile_reader(profile: Profile) -> Reader:
    """The reader of one profile: detection by its markers, reading by the page engine."""
    from trialkg.readers.generic_page import page_structure, page_trial

    lookup = profile.label_lookup()
    prefixes = profile.prefix_lookup()

    anchor = re.compile(profile.anchor) if profile.anchor else None

    def detect(head: str) -> bool:
        if belongs_elsewhere(head):
            return False
        if anchor is not None:
            first = [line.strip() for line in head.split("\n", 12)[:12]]
            if not any(anchor.match(line) for line in first):
                return False
        if any(mark in head for mark in profile.markers):
            return True
        return bool(profile.marker_labels) and (
            count_label_lines(head, profile.marker_labels) >= profile.marker_count
        )

    def read(document: Document) -> Iterator[RecordResult]:
        text = document.text()
        if not text.strip():
            raise InputError("the page is empty", file=document.name)
        trial = page_trial(
            text,
            document.name,
            reader=profile.name,
            site=profile.site,
            labels=lookup,
            glued=profile.glued,
            last_values=profile.last_values,
            prefixes=prefixes,
        )
        if profile.site_table is not None:
            _lines, found = page_structure(text, lookup, profile.glued, (), prefixes)
            trial = replace(trial, sites=country_rows(found.block("sites"), profile.site_table))
        if not profile.date_types:
            trial = _untyped_dates(trial)
        if anchor is not None:
            trial = _with_head(trial, text, lookup, profile, anchor)
        if profile.complete_at and trial.source.partial:
            trial = _complete(trial, text, lookup, profile)
        if profile.flattened_criteria and trial.eligibility is not None:
            criteria = trial.eligibility
            trial = replace(
                trial,
                eligibility=replace(
                    criteria,
                    inclusion=unflattened(criteria.inclusion),
                    exclusion=unflattened(criteria.exclusion),
                ),
            )
        yield _kept(trial, profile.fields, profile.absent)

    return Reader(profile.name, profile.description, detect, read)
