"""`trialkg update`: the newest record in the store, less a margin, fetched and built."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import trialkg
from tests.fetch.api_server import ApiServer, load_studies, nct
from tests.fetch.conftest import options
from trialkg.build import BuildOptions
from trialkg.cli import main
from trialkg.errors import StoreError
from trialkg.fetch import SearchQuery, fetch, output_for
from trialkg.fetch.update import newest_update, update, work_folder

FAST = ["--delay", "0", "--backoff", "0.01", "--timeout", "0.5", "--tries", "3"]


def last_update(study: dict[str, Any]) -> str:
    return str(study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"])


def touched(study: dict[str, Any], day: str, title: str | None = None) -> dict[str, Any]:
    study = copy.deepcopy(study)
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = day
    if title:
        study["protocolSection"]["identificationModule"]["briefTitle"] = title
    return study


@pytest.fixture
def registry(tmp_path: Path) -> tuple[ApiServer, Path, list[dict[str, Any]]]:
    """A store built from a first fetch of all but two studies, and the server it came from."""
    studies = load_studies()
    held_back = [studies.pop(10), studies.pop(50)]
    api = ApiServer(studies).start()
    first = tmp_path / "first"
    fetch(SearchQuery(), output_for(str(first)), options(api, page_size=50))
    store_path = tmp_path / "store"
    with trialkg.open_store(str(store_path)) as store:
        report = trialkg.build(store, [first], BuildOptions(workers=1))
        assert report.built == len(studies)
    yield api, store_path, held_back
    api.stop()


def test_newest_update_is_the_newest_registry_record(json_store: Any) -> None:
    newest = max(last_update(s) for s in load_studies())
    assert newest_update(json_store) == dt.date.fromisoformat(newest)


def test_update_builds_what_changed_and_says_so(
    registry: tuple[ApiServer, Path, list[dict[str, Any]]],
) -> None:
    api, store_path, held_back = registry
    newest = dt.date.fromisoformat(max(last_update(s) for s in api.studies))
    margin = 3
    since = (newest - dt.timedelta(days=margin)).isoformat()
    within = [s for s in api.studies if last_update(s) >= since]
    later = (newest + dt.timedelta(days=1)).isoformat()
    changed = [api.studies[i] for i in (0, 30, 70)]
    for study in changed:
        index = api.studies.index(study)
        api.studies[index] = touched(study, later, f"Revised title of {nct(study)}")
    api.studies.extend(touched(s, later) for s in held_back)
    with trialkg.open_store(str(store_path)) as store:
        report = update(
            store,
            str(store_path),
            options=options(api, page_size=50),
            build_options=BuildOptions(workers=1),
            margin_days=margin,
        )
        assert report.since == newest - dt.timedelta(days=margin)
        assert (report.new, report.replaced) == (2, 3)
        assert report.unchanged == len([s for s in within if s not in changed])
        assert report.build is not None and report.build.built == 5
        assert report.build.unchanged_documents == report.unchanged
        params = [p for path, p, _ in api.requests if path == "/api/v2/studies"][-1]
        assert params["filter.advanced"] == f"AREA[LastUpdatePostDate]RANGE[{report.since},MAX]"
        title = store.oxigraph.query(
            "SELECT ?t WHERE { GRAPH ?g { ?s <https://w3id.org/trialkg/vocab#briefTitle> ?t } "
            f"FILTER(STRENDS(STR(?s), '{nct(changed[1])}')) }}"
        )
        assert [str(row[0].value) for row in title] == [f"Revised title of {nct(changed[1])}"]
        assert {nct(s) for s in held_back} <= set(store.trial_ids())
        assert newest_update(store) == dt.date.fromisoformat(later)
    assert not work_folder(str(store_path)).exists()


def test_update_on_the_command_line(
    registry: tuple[ApiServer, Path, list[dict[str, Any]]],
) -> None:
    api, store_path, held_back = registry
    api.studies.append(touched(held_back[0], "2099-01-02"))
    result = CliRunner().invoke(
        main, ["update", "--store", str(store_path), "--api-url", api.url, "--workers", "1", *FAST]
    )
    assert result.exit_code == 0, result.output
    assert "built 1 (new 1, replaced 0), unchanged " in result.stdout
    assert "complete: all" in result.stdout


def test_an_incomplete_update_builds_nothing_and_resumes(
    registry: tuple[ApiServer, Path, list[dict[str, Any]]],
) -> None:
    api, store_path, held_back = registry
    api.studies.append(touched(held_back[0], "2099-01-02"))
    api.fault("total", page=1, offset=2)
    args = ["update", "--store", str(store_path), "--api-url", api.url, "--workers", "1", *FAST]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "nothing built: the fetch is incomplete" in result.stderr
    with trialkg.open_store(str(store_path), read_only=True) as store:
        assert nct(held_back[0]) not in store.trial_ids()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "built 1 (new 1" in result.stdout


def test_a_store_of_pages_only_has_no_date_to_update_from(tmp_path: Path, seed_store: Any) -> None:
    with pytest.raises(StoreError, match=r"holds no ClinicalTrials\.gov record"):
        update(seed_store, str(tmp_path / "seeds"))
    assert not work_folder(str(tmp_path / "seeds")).exists()
