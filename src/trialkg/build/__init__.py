"""The build: records in, one named graph per trial out, into a store.

``pipeline`` runs the build (reading, the worker processes, the store writer);
``options`` holds what a build is asked (``BuildOptions``) and what it reports
(``BuildReport``); ``workers`` is what each worker process does to one document; ``writer``
puts finished chunks into the store; ``merge`` reconciles several sources of one trial.
"""

from __future__ import annotations

from trialkg.build.options import BuildOptions, BuildReport
from trialkg.build.pipeline import build, build_trials

__all__ = ["BuildOptions", "BuildReport", "build", "build_trials"]
