"""Per-site figures of ``trialkg page-report --format json`` (read from stdin or a file).

    trialkg page-report ../shared/corpus/text --records ... --format json > report.json
    python scripts/page_sites.py report.json [--only SITE ...]

A page's site is the folder its file is in (``text/<site>/NCT....txt``). Prints one
Markdown row per site: pages, pages read, values read, refused, agree, conflict,
missed, agreement and recall; then the total of the sites listed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import PurePosixPath

COUNTS = ("read", "refused", "agree", "conflict", "missed")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _row(name: str, pages: int, readable: int, totals: dict[str, int]) -> str:
    agree, conflict, missed = totals["agree"], totals["conflict"], totals["missed"]
    cells = [name, str(pages), str(readable), *(str(totals[c]) for c in COUNTS)]
    cells += [_percent(agree, agree + conflict), _percent(agree, agree + missed)]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", default="-")
    parser.add_argument("--only", action="append", default=[], help="a site to list")
    args = parser.parse_args()
    if args.report == "-":
        report = json.load(sys.stdin)
    else:
        with open(args.report, encoding="utf-8") as source:
            report = json.load(source)
    pages: dict[str, int] = defaultdict(int)
    readable: dict[str, int] = defaultdict(int)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for page in report["pages"]:
        site = PurePosixPath(page["page"]).parent.name
        if args.only and site not in args.only:
            continue
        pages[site] += 1
        readable[site] += page["error"] is None
        for tally in page["fields"].values():
            for count in COUNTS:
                totals[site][count] += tally[count]
    columns = ["site", "pages", "read", "values", "refused", "agree", "conflict", "missed"]
    print("| " + " | ".join([*columns, "agree %", "recall %"]) + " |")
    print("|---|" + "---:|" * 9)
    for site in sorted(pages):
        print(_row(site, pages[site], readable[site], totals[site]))
    overall = {c: sum(t[c] for t in totals.values()) for c in COUNTS}
    print(_row("**all**", sum(pages.values()), sum(readable.values()), overall))


if __name__ == "__main__":
    main()
