"""A scale-up corpus: N synthetic ClinicalTrials.gov API v2 records made from the real ones.

Every field's content comes from a real record of ``tests/fixtures/json``: each
synthetic record is a real record (taken in turn) with a unique NCT id and with
its drugs, conditions, lead sponsor and sites drawn again from everything the
real records name, with a Zipf-like skew (the k-th most common item is drawn in
proportion to 1/k**1.1), so that a few drugs and sponsors are shared by
thousands of trials and most by a handful, as in the registry. Arms keep
pointing at the interventions they give; the registry's MeSH indexing moves
with the drug or condition it names.

The records are written to one zip archive, like the registry's bulk download.

    python benchmarks/corpus.py 10000 /tmp/corpus-10k.zip
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import random
import sys
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
REAL_RECORDS = REPO / "tests" / "fixtures" / "json"
DRUG_TYPES = {"DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT"}
SKEW = 1.1
FIRST_ID = 90_000_000  # NCT9xxxxxxx: far from real ids in use


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


class Zipf:
    """Draws from ``items`` with the k-th item weighted 1/k**SKEW (items shuffled first)."""

    def __init__(self, items: Sequence[Any], rng: random.Random) -> None:
        self.items = list(items)
        rng.shuffle(self.items)
        self.cumulative = list(
            itertools.accumulate(1.0 / (k**SKEW) for k in range(1, len(self.items) + 1))
        )

    def draw(self, rng: random.Random, count: int) -> list[Any]:
        """``count`` distinct items (or all of them when there are fewer)."""
        count = min(count, len(self.items))
        picked: dict[int, Any] = {}
        while len(picked) < count:
            index = rng.choices(range(len(self.items)), cum_weights=self.cumulative)[0]
            picked.setdefault(index, self.items[index])
        return list(picked.values())


class Pools:
    """Everything the real records name, with the MeSH indexing that goes with it."""

    def __init__(self, studies: list[dict[str, Any]], rng: random.Random) -> None:
        drugs: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        conditions: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        sponsors: dict[str, dict[str, Any]] = {}
        sites: dict[str, dict[str, Any]] = {}
        for study in studies:
            protocol = study["protocolSection"]
            derived = study.get("derivedSection", {})
            drug_meshes = derived.get("interventionBrowseModule", {}).get("meshes", [])
            condition_meshes = derived.get("conditionBrowseModule", {}).get("meshes", [])
            for item in protocol.get("armsInterventionsModule", {}).get("interventions", []):
                if item.get("type") in DRUG_TYPES and item.get("name"):
                    meshes = [
                        m for m in drug_meshes if _fold(m.get("term", "")) == _fold(item["name"])
                    ]
                    drugs.setdefault(_fold(item["name"]), (item, meshes))
            for name in protocol.get("conditionsModule", {}).get("conditions", []):
                meshes = [m for m in condition_meshes if _fold(m.get("term", "")) == _fold(name)]
                conditions.setdefault(_fold(name), (name, meshes))
            lead = protocol.get("sponsorCollaboratorsModule", {}).get("leadSponsor")
            if lead and lead.get("name"):
                sponsors.setdefault(_fold(lead["name"]), lead)
            for site in protocol.get("contactsLocationsModule", {}).get("locations", []):
                key = json.dumps(site, sort_keys=True)
                sites.setdefault(key, site)
        self.drugs = Zipf(sorted(drugs.values(), key=lambda v: _fold(v[0]["name"])), rng)
        self.conditions = Zipf(sorted(conditions.values(), key=lambda v: _fold(v[0])), rng)
        self.sponsors = Zipf(sorted(sponsors.values(), key=lambda v: _fold(v["name"])), rng)
        self.sites = Zipf([sites[k] for k in sorted(sites)], rng)


def real_studies(folder: Path = REAL_RECORDS) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]


def synthetic_studies(
    count: int, *, seed: int = 550_000, folder: Path = REAL_RECORDS
) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    templates = real_studies(folder)
    pools = Pools(templates, rng)
    for number in range(count):
        study = copy.deepcopy(templates[number % len(templates)])
        _rewrite(study, f"NCT{FIRST_ID + number:08d}", pools, rng)
        yield study


def _rewrite(study: dict[str, Any], nct_id: str, pools: Pools, rng: random.Random) -> None:
    protocol = study["protocolSection"]
    protocol["identificationModule"]["nctId"] = nct_id
    derived = study.setdefault("derivedSection", {})

    arms = protocol.get("armsInterventionsModule", {})
    interventions = [i for i in arms.get("interventions", []) if i.get("type") in DRUG_TYPES]
    if interventions:
        chosen = pools.drugs.draw(rng, len(interventions))
        renamed: dict[str, str] = {}
        meshes: list[dict[str, Any]] = []
        for item, (real, real_meshes) in zip(interventions, chosen, strict=False):
            old = item.get("name", "")
            item["name"] = real["name"]
            for key in ("description", "otherNames"):
                if key in real:
                    item[key] = real[key]
                else:
                    item.pop(key, None)
            renamed[f"{item['type'].replace('_', ' ').title()}: {old}"] = (
                f"{item['type'].replace('_', ' ').title()}: {real['name']}"
            )
            renamed[old] = real["name"]
            meshes.extend(real_meshes)
        for arm in arms.get("armGroups", []):
            arm["interventionNames"] = [
                _renamed(n, renamed) for n in arm.get("interventionNames", [])
            ]
        derived.setdefault("interventionBrowseModule", {})["meshes"] = meshes

    conditions_module = protocol.get("conditionsModule", {})
    if conditions_module.get("conditions"):
        chosen_conditions = pools.conditions.draw(rng, len(conditions_module["conditions"]))
        conditions_module["conditions"] = [name for name, _ in chosen_conditions]
        derived.setdefault("conditionBrowseModule", {})["meshes"] = [
            m for _, meshes in chosen_conditions for m in meshes
        ]

    sponsors = protocol.get("sponsorCollaboratorsModule", {})
    if "leadSponsor" in sponsors:
        sponsors["leadSponsor"] = dict(pools.sponsors.draw(rng, 1)[0])

    locations = protocol.get("contactsLocationsModule", {}).get("locations")
    if locations:
        protocol["contactsLocationsModule"]["locations"] = pools.sites.draw(rng, len(locations))


def _renamed(reference: str, renamed: dict[str, str]) -> str:
    if reference in renamed:
        return renamed[reference]
    kind, sep, name = reference.partition(": ")
    if sep and name in renamed:
        return f"{kind}: {renamed[name]}"
    return reference


def write_corpus(count: int, target: Path, *, seed: int = 550_000) -> Path:
    """Write ``count`` synthetic records to a zip archive (one JSON file per study)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(
        partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
    ) as archive:
        for study in synthetic_studies(count, seed=seed):
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            archive.writestr(f"{nct_id}.json", json.dumps(study, ensure_ascii=False))
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=550_000)
    args = parser.parse_args(argv)
    write_corpus(args.count, args.target, seed=args.seed)
    print(f"{args.count} records -> {args.target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
