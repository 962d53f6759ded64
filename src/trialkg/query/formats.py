"""A query's rows as a table (for people), CSV, TSV or SPARQL JSON results."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

from trialkg.linking.prefixes import shorten
from trialkg.query.text import Cell, NamedQuery, QueryResult
from trialkg.rdf import vocab


def format_result(result: QueryResult, fmt: str, *, curies: bool | None = None) -> str:
    """The result as a table (for people), CSV, TSV or SPARQL JSON results.

    ``curies``: write IRIs the prefix registry covers as CURIEs (``mesh:D017239``,
    ``tkgid:drug/mesh-D000068877``). The table does by default; CSV, TSV and JSON keep
    whole IRIs unless asked (in JSON a shortened IRI stays a ``uri`` binding whose
    ``value`` is the IRI, with its CURIE beside it as ``curie``).
    """
    short = (fmt not in {"json", "csv", "tsv"}) if curies is None else curies
    if fmt == "json":
        return _sparql_json(result, curies=short)
    if fmt in {"csv", "tsv"}:
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow(["" if c is None else _shown(c, short) for c in row])
        return out.getvalue()
    return _table(result, curies=short)


_IRI = re.compile(r"^https?://\S+$")


def _shown(value: Cell, curies: bool) -> Cell:
    if curies and isinstance(value, str) and _IRI.match(value):
        return shorten(value)
    return value


def _sparql_json(result: QueryResult, *, curies: bool = False) -> str:
    bindings = []
    for row in result.rows:
        binding: dict[str, dict[str, str]] = {}
        for column, value in zip(result.columns, row, strict=True):
            if value is None:
                continue
            if isinstance(value, str) and re.match(r"^https?://", value):
                binding[column] = {"type": "uri", "value": value}
                short = shorten(value) if curies else value
                if short != value:
                    binding[column]["curie"] = short
            elif isinstance(value, int):
                binding[column] = {
                    "type": "literal",
                    "value": str(value),
                    "datatype": vocab.XSD + "integer",
                }
            else:
                binding[column] = {"type": "literal", "value": str(value)}
        bindings.append(binding)
    document = {"head": {"vars": result.columns}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _table(result: QueryResult, max_width: int = 60, *, curies: bool = True) -> str:
    def show(value: Cell) -> str:
        text = "" if value is None else str(_shown(value, curies))
        text = " ".join(text.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "\u2026"

    cells = [[show(c) for c in row] for row in result.rows]
    widths = [len(c) for c in result.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def queries_table(queries: Iterable[NamedQuery]) -> str:
    return "".join(f"{q.name:20} {q.description}\n" for q in queries)
