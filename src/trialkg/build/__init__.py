"""The build: records in, one named graph per trial out, into a store.

``pipeline`` runs the build (reading, the worker processes, the store writer, the
report); ``workers`` is what each worker process does to one document; ``writer``
puts finished chunks into the store; ``merge`` reconciles several sources of one trial.
"""

from __future__ import annotations

from trialkg.build.pipeline import BuildOptions, BuildReport, build, build_trials

__all__ = ["BuildOptions", "BuildReport", "build", "build_trials"]
