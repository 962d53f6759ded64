"""The installed version of trialkg, recorded in every graph's provenance."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trialkg")
except PackageNotFoundError:  # running from a source checkout without installing
    __version__ = "0.1.0"
