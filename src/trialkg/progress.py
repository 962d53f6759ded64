"""Progress lines for long runs on a terminal: how much is done, how fast, when it ends."""

from __future__ import annotations

import time
from collections.abc import Callable

# How often a long run reports its progress, in seconds.
INTERVAL = 1.0

# Told, about once a second: the units of work done, all of them, seconds since the start.
OnProgress = Callable[[int, int, float], None]


class Progress:
    """Counts work done and tells ``on_progress`` of it at most once per ``INTERVAL``."""

    def __init__(self, total: int, on_progress: OnProgress | None) -> None:
        self.total, self.on_progress = total, on_progress
        self.done = 0
        self.started = self.last = time.perf_counter()

    def add(self, count: int) -> None:
        self.done += count
        if self.on_progress is None:
            return
        now = time.perf_counter()
        if now - self.last >= INTERVAL:
            self.last = now
            self.on_progress(self.done, self.total, now - self.started)


def duration(seconds: float) -> str:
    """``0:42``, ``12:05`` or ``1:02:03``."""
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def time_left(done: int, total: int, seconds: float) -> str:
    """``, 1,234 to go, ETA 2:05`` at the rate so far; empty before any rate is known."""
    if done <= 0 or seconds <= 0:
        return ""
    rest = max(total - done, 0)
    return f", {rest:,} to go, ETA {duration(rest * seconds / done)}"
