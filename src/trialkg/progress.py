"""Progress lines for long runs on a terminal: how much is done, how fast, when it ends."""

from __future__ import annotations

# How often a long run reports its progress, in seconds.
INTERVAL = 1.0


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
