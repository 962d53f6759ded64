"""The wheel carries the shapes, the queries and the data the package reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.skipif(not (REPO / "pyproject.toml").exists(), reason="needs the source tree")
def test_wheel_contains_shapes_queries_and_data(tmp_path: Path) -> None:
    pytest.importorskip("build")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0 and "hatchling" in (done.stdout + done.stderr):
        done = subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(REPO)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (wheel,) = tmp_path.glob("trialkg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for query in (REPO / "queries").glob("*.rq"):
        assert f"trialkg/queries/{query.name}" in names
    for shape in (REPO / "shapes").glob("*.ttl"):
        assert f"trialkg/shapes/{shape.name}" in names
    assert "trialkg/data/vocabulary.ttl" in names
    assert "trialkg/py.typed" in names
    assert any(n.startswith("trialkg/data/examples/") for n in names)

    # Installed from the wheel alone, the package finds its shapes and queries inside itself.
    target = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(target)
    probe = (
        "from trialkg.resources import resource_dir; from trialkg.query import named_queries; "
        "print(resource_dir('shapes')); print(resource_dir('queries')); "
        "print(' '.join(sorted(named_queries())))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shapes, queries, listed = done.stdout.splitlines()
    assert Path(shapes) == target / "trialkg" / "shapes"
    assert Path(queries) == target / "trialkg" / "queries"
    assert listed.split() == sorted(q.stem for q in (REPO / "queries").glob("*.rq"))
