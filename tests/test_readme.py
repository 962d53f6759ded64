"""The README's Python examples run as written."""

from __future__ import annotations

import doctest

import pytest

from tests.conftest import REPO


@pytest.mark.skipif(not (REPO / "README.md").exists(), reason="needs the source tree")
def test_readme_python_examples_run() -> None:
    failures, attempted = doctest.testfile(
        str(REPO / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert attempted >= 10
    assert failures == 0
