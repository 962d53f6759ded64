"""What to ask the registry for: the search filters, as API v2 ``/studies`` parameters."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from trialkg.errors import InputError
from trialkg.model import STATUSES

_NCT = re.compile(r"NCT\d{8}")
_SEPARATORS = re.compile(r"[\s,|]+")


def _items(values: tuple[str, ...]) -> list[str]:
    """Values given once each, or as one comma-, pipe- or space-separated list."""
    return [item for value in values for item in _SEPARATORS.split(value) if item]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A search of the registry. Every field left empty is no filter at all."""

    term: str | None = None  # query.term: any field
    condition: str | None = None  # query.cond
    intervention: str | None = None  # query.intr
    sponsor: str | None = None  # query.spons: lead sponsor or collaborator
    statuses: tuple[str, ...] = ()  # filter.overallStatus
    advanced: tuple[str, ...] = ()  # filter.advanced, Essie expressions, all must hold
    since: dt.date | None = None  # last update posted on or after this day
    ids: tuple[str, ...] = ()  # filter.ids

    @classmethod
    def parse(
        cls,
        *,
        term: str | None = None,
        condition: str | None = None,
        intervention: str | None = None,
        sponsor: str | None = None,
        statuses: tuple[str, ...] = (),
        advanced: tuple[str, ...] = (),
        since: str | None = None,
        ids: tuple[str, ...] = (),
    ) -> SearchQuery:
        """A query from the words a user typed; raises InputError naming the bad option."""
        status_list = [s.upper() for s in _items(statuses)]
        unknown = [s for s in status_list if s not in STATUSES]
        if unknown:
            raise InputError(
                f"unknown status {', '.join(unknown)}; "
                f"expected any of {', '.join(sorted(STATUSES))}",
                field="--status",
            )
        id_list = [value.upper() for value in _items(ids)]
        malformed = [value for value in id_list if not _NCT.fullmatch(value)]
        if malformed:
            raise InputError(
                f"not an NCT id (NCT and 8 digits): {', '.join(malformed)}", field="--ids"
            )
        since_date = None
        if since is not None:
            try:
                since_date = dt.date.fromisoformat(since.strip())
            except ValueError:
                raise InputError(
                    f"{since!r} is not a date; give it as YYYY-MM-DD", field="--since"
                ) from None
        return cls(
            term=term or None,
            condition=condition or None,
            intervention=intervention or None,
            sponsor=sponsor or None,
            statuses=tuple(dict.fromkeys(status_list)),
            advanced=tuple(a.strip() for a in advanced if a.strip()),
            since=since_date,
            ids=tuple(dict.fromkeys(id_list)),
        )

    def advanced_expression(self) -> str | None:
        """``filter.advanced``: the user's expressions and the --since range, all required."""
        parts = list(self.advanced)
        if self.since is not None:
            parts.append(f"AREA[LastUpdatePostDate]RANGE[{self.since.isoformat()},MAX]")
        if len(parts) > 1:
            return " AND ".join(f"({part})" for part in parts)
        return parts[0] if parts else None

    def params(self) -> dict[str, str]:
        """The query's parameters; every page's request repeats them (the API asks it)."""
        params = {
            "format": "json",
            "query.term": self.term,
            "query.cond": self.condition,
            "query.intr": self.intervention,
            "query.spons": self.sponsor,
            "filter.overallStatus": ",".join(self.statuses) or None,
            "filter.advanced": self.advanced_expression(),
            "filter.ids": ",".join(self.ids) or None,
        }
        return {key: value for key, value in params.items() if value is not None}

    def describe(self) -> str:
        """The filters in a line, for messages."""
        shown = [f"{key}={value}" for key, value in self.params().items() if key != "format"]
        return " ".join(shown) or "every study"

    def fingerprint(self, api_url: str, page_size: int, output_kind: str) -> str:
        """Names this fetch: a run with the same arguments resumes the one before."""
        text = json.dumps(
            [api_url.rstrip("/"), page_size, output_kind, sorted(self.params().items())]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]
