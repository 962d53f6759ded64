"""Shapes of page text the engine reads besides labels: a locations tree, and a head
whose lines a layout profile names by their place around one anchor line.

Both read only what their shape makes certain. A tree gives sites only when a place
line ("City, Country, Postal code") has a facility one level deeper under it; a head
gives its fields only when its anchor line is there, and a line that is not where the
layout puts it is not read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from trialkg.model import Site
from trialkg.readers.labels import Labelled, Line, paragraphs

# --- a locations tree ---------------------------------------------------------------------------

Place = tuple[str | None, str | None, str | None, str | None]  # city, state, country, postal


def _place(text: str) -> Place:
    """ "Edegem, Antwerpen, Belgium, 2650": city, state, country, postal code."""
    parts = [part.strip() for part in text.split(",")]
    postal = parts.pop() if len(parts) > 1 and any(c.isdigit() for c in parts[-1]) else None
    if len(parts) == 1:
        return parts[0], None, None, postal
    city, country = parts[0], parts[-1]
    state = ", ".join(parts[1:-1]) or None
    return city, state, country, postal


def tree_sites(block: Sequence[Line]) -> tuple[Site, ...]:
    """Sites from a bulleted tree: a place line with a comma, and each facility one level
    deeper under it. Region headings without a facility under them give nothing."""
    sites: list[Site] = []
    place: Place | None = None
    place_indent = -1
    for line in block[:5000]:
        if not line.text or not line.bullet:
            continue
        if place is not None and line.indent > place_indent:
            city, state, country, postal = place
            sites.append(Site(line.text, city, state, postal, country))
            continue
        place = _place(line.text) if "," in line.text else None
        place_indent = line.indent
    return tuple(sites)


# --- a head named by place ---------------------------------------------------------------------

UPDATE = "update"  # the anchor's own field: the date it states, the page's update date


def anchored_head(
    lines: Sequence[Line],
    found: Labelled,
    anchor: re.Pattern[str],
    before: Sequence[str],
    after: Sequence[str],
) -> dict[str, str]:
    """The fields of the head's lines around its anchor line (``anchor``, matched against
    the first six lines with text; its first group is the page's update date): ``before``
    names the lines just above the anchor (nearest last), ``after`` those under it, up to
    the next label or heading; the last name of ``after`` takes the paragraphs there."""
    texts = [(index, line.text) for index, line in enumerate(lines) if line.text][:6]
    for position, (at, text) in enumerate(texts):
        match = anchor.match(text)
        if match is None:
            continue
        end = next((hit.index for hit in found.hits if hit.index > at), len(lines))
        values = {UPDATE: match.group(1)}
        above = [value for index, value in texts[:position]][-len(before) :] if before else []
        if len(above) == len(before):
            values.update(zip(before, above, strict=True))
        under = [(index, line.text) for index, line in enumerate(lines[:end]) if index > at]
        under = [(index, value) for index, value in under if value]
        for offset, name in enumerate(after):
            if offset >= len(under):
                break
            if offset == len(after) - 1:
                if (rest := paragraphs(lines[under[offset][0] : end])) is not None:
                    values[name] = rest
            else:
                values[name] = under[offset][1]
        return values
    return {}
