"""A long fuzzing campaign over every reader: `python scripts/fuzz_readers.py --minutes 5`.

Real fixture records are damaged the way files get damaged (cut short, lines
shuffled, repeated or lost, another encoding, a field pasted a million times,
binary junk, NUL bytes), then read with the reader forced and with detection,
linked, and mapped to triples. What may come back is a ``Trial`` or an
``InputError``; anything else is a crash, and a read that runs past
``--hang`` seconds is a hang (interrupted with SIGALRM: CPython's regular
expression engine checks for signals, so even a backtracking pattern stops).

Each distinct finding (reader, kind, exception, innermost trialkg frame) is
shrunk to a small input that still shows it, saved under ``--out``, and printed
with its traceback and a command that reproduces it. Example ``i`` of seed
``S`` is always the same input, so ``--seed S --only i`` replays it.

Prints figures per reader at the end; exits 1 when it found something.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from tests.fixture_seeds import JSON_ODDITIES, fixture_seeds, oddity_places  # noqa: E402

from trialkg.build.workers import trial_nquads  # noqa: E402
from trialkg.errors import InputError  # noqa: E402
from trialkg.linking import default_linker  # noqa: E402
from trialkg.model import Trial  # noqa: E402
from trialkg.rdf.mapping import MappingOptions  # noqa: E402
from trialkg.readers import Document, read_document, readers  # noqa: E402

SEED_FOLDERS = ("json", "xml", "pages", "third_party", "seeds", "compare")
MEGABYTE = 1 << 20
MAX_SEED_BYTES = 256_000  # a record of a thousand sites makes every example slow
FILLERS = (b"A", b"word ", b" ", b"\t", b"-", b"- ", b"(", b"Phase 2 ", b"1", b"NCT0", b": ",
           b"\xc3\xa9", b"\x00", b"<a>", b"{\"a\":", b"[", b"\xe2\x80\xa2 ")  # fmt: skip
LABELS = (b"", b"Official Title: ", b"Inclusion Criteria:\n", b"Conditions\n", b"- ", b"Sponsor: ")


class Hang(Exception):
    """Raised by the alarm inside a read that took too long."""


# -- damage -----------------------------------------------------------------------------------

Mutation = Callable[[bytes, random.Random], tuple[bytes, str]]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    cut = rng.randint(0, len(data))
    return data[:cut], f"truncate at {cut}"


def shuffle_lines(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    rng.shuffle(lines)
    return b"\n".join(lines), "shuffle lines"


def duplicate_lines(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    start = rng.randint(0, len(lines))
    end = min(len(lines), start + rng.randint(1, 60))
    at = rng.randint(0, len(lines))
    times = rng.choice((1, 2, 50))
    copied = lines[start:end] * times
    return b"\n".join(lines[:at] + copied + lines[at:]), f"lines {start}:{end} x{times} at {at}"


def drop_lines(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    start = rng.randint(0, len(lines))
    end = min(len(lines), start + rng.randint(1, 60))
    return b"\n".join(lines[:start] + lines[end:]), f"drop lines {start}:{end}"


def drop_span(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    start = rng.randint(0, len(data))
    end = start + rng.randint(1, 3000)
    return data[:start] + data[end:], f"drop bytes {start}:{end}"


def reencode(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    codec = rng.choice(("latin-1", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "utf-8-sig"))
    return data.decode("utf-8", "replace").encode(codec, "replace"), f"re-encode {codec}"


def huge_line(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    filler, label = rng.choice(FILLERS), rng.choice(LABELS)
    size = rng.choice((MEGABYTE, MEGABYTE // 16))
    at = rng.randint(0, len(data))
    flood = label + filler * (size // len(filler))
    return data[:at] + flood + data[at:], f"{size} bytes of {filler!r} after {label!r} at {at}"


def binary_junk(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    junk = rng.randbytes(rng.randint(1, 400))
    at = rng.randint(0, len(data))
    return data[:at] + junk + data[at:], f"{len(junk)} random bytes at {at}"


def nul_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if rng.random() < 0.3:
        return data.replace(b"\n", b"\x00"), "newlines to NUL"
    at, count = rng.randint(0, len(data)), rng.randint(1, 100)
    return data[:at] + b"\x00" * count + data[at:], f"{count} NUL at {at}"


def line_endings(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    ending = rng.choice((b"\r\n", b"\r", b"", b"\n\n", b"\n \n"))
    return data.replace(b"\n", ending), f"line endings {ending!r}"


def splice(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Another seed's bytes pasted in: two formats in one file."""
    name, other = rng.choice(ALL_SEEDS)
    at = rng.randint(0, len(data))
    part = other[: rng.randint(0, len(other))]
    return data[:at] + part + data[at:], f"{len(part)} bytes of {name} at {at}"


def json_oddity(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """What Python's JSON parser takes and RDF cannot: an unpaired surrogate opening a
    string value, or NaN, Infinity or an overflow in place of a number value."""
    oddity = rng.choice(JSON_ODDITIES)
    places = oddity_places(data, oddity)
    if not places:
        return data, "no JSON value to change"
    start, end = rng.choice(places)
    return data[:start] + oddity + data[end:], f"{oddity.decode()} at {start}"


MUTATIONS: tuple[Mutation, ...] = (
    truncate, shuffle_lines, duplicate_lines, drop_lines, drop_span, reencode, huge_line,
    binary_junk, nul_bytes, line_endings, splice, json_oddity,
)  # fmt: skip


SEEDS = fixture_seeds(SEED_FOLDERS, MAX_SEED_BYTES)
ALL_SEEDS = [item for items in SEEDS.values() for item in items]


@dataclass(frozen=True)
class Example:
    index: int
    reader: str
    seed: str
    recipe: tuple[str, ...]
    data: bytes


def example(base: int, index: int, names: list[str]) -> Example:
    rng = random.Random(f"{base}-{index}")
    reader = rng.choice(names)
    seed, data = rng.choice(SEEDS[reader])
    recipe = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        data, step = rng.choice(MUTATIONS)(data, rng)
        recipe.append(step)
    return Example(index, reader, seed, tuple(recipe), data)


# -- running one input -------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    seconds: float
    trials: int
    # For a crash or a hang: (kind, exception, innermost trialkg frame). The reader and
    # the mode (forced or detected) are not part of it: a fault in a shared helper is one.
    signature: tuple[str, str, str] | None = None
    mode: str = ""
    text: str = ""  # the traceback


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang()


def _where(tb: TracebackType | None) -> str:
    """The innermost frame inside trialkg: where the fault is, not where it surfaced."""
    frames = [f for f in traceback.extract_tb(tb) if "/trialkg/" in f.filename]
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.split('/trialkg/')[-1]}:{last.lineno} {last.name}"


def run(data: bytes, reader: str, hang: float) -> Outcome:
    """Forced reader, then detection; each trial linked and mapped."""
    started = time.perf_counter()
    trials = 0
    step = "read"
    signal.setitimer(signal.ITIMER_REAL, hang)
    mode = "forced"
    try:
        for format in (reader, None):
            mode, step = ("forced" if format else "detected"), "read"
            for result in read_document(Document("fuzzed.txt", data), format=format):
                if isinstance(result, Trial):
                    trials += 1
                    step = "link+map"
                    with contextlib.suppress(InputError):  # a record the build rejects
                        trial_nquads(result, MappingOptions())
                    step = "read"
                elif not isinstance(result, InputError):
                    raise TypeError(f"reader yielded {type(result).__name__}")
    except Hang:
        found = ("hang", f"over {hang:g} s", _where(sys.exc_info()[2]))
        text = traceback.format_exc()
        return Outcome(time.perf_counter() - started, trials, found, f"{mode} {step}", text)
    except Exception as error:  # finding these is the point
        found = ("crash", type(error).__name__, _where(error.__traceback__))
        text = traceback.format_exc()
        return Outcome(time.perf_counter() - started, trials, found, f"{mode} {step}", text)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return Outcome(time.perf_counter() - started, trials)


def shrink(data: bytes, still: Callable[[bytes], bool], budget: float) -> bytes:
    """A smaller input that still shows the finding.

    First the longest line loses its middle half while that keeps the finding (a
    hang on a megabyte line is slow to test, so this goes first), then chunks of
    lines, then chunks of bytes are dropped.
    """
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        lines = data.split(b"\n")
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        line = lines[longest]
        if len(line) < 64:
            break
        quarter = len(line) // 4
        lines[longest] = line[:quarter] + line[len(line) - quarter :]
        candidate = b"\n".join(lines)
        if not still(candidate):
            break
        data = candidate
    for unit in (b"\n", None):
        parts: list[bytes] = (
            data.split(b"\n") if unit else [data[i : i + 1] for i in range(len(data))]
        )
        if unit is None and len(parts) > 20000:
            parts = [data[i : i + 256] for i in range(0, len(data), 256)]
        joiner = unit or b""
        chunk = max(1, len(parts) // 2)
        while chunk >= 1 and time.monotonic() < deadline:
            i, changed = 0, False
            while i < len(parts) and time.monotonic() < deadline:
                trial = parts[:i] + parts[i + chunk :]
                if trial and still(joiner.join(trial)):
                    parts, changed = trial, True
                else:
                    i += chunk
            if not changed:
                chunk //= 2
        data = joiner.join(parts)
    return data


# -- the campaign ------------------------------------------------------------------------------


@dataclass
class Tally:
    examples: int = 0
    with_trial: int = 0
    slowest: float = 0.0
    slowest_recipe: str = ""
    findings: set[tuple[str, str, str]] = field(default_factory=set)


def report(
    finding: Outcome, ex: Example, small: bytes, seconds: float, out: Path, number: int
) -> None:
    kind = finding.signature[0] if finding.signature else ""
    path = out / f"{number:02d}-{ex.reader}-{kind}.bin"
    path.write_bytes(small)
    print("=" * 100)
    print(f"FINDING {number}: {' | '.join(finding.signature or ())}")
    print(f"  reader {ex.reader}, {finding.mode}; the shrunk input takes {seconds:.2f} s")
    print(f"  from example {ex.index}: {ex.seed}, {'; '.join(ex.recipe)} ({len(ex.data)} bytes)")
    print(f"  shrunk to {len(small)} bytes: {path}")
    if len(small) <= 400:
        print(f"  input: {small!r}")
    code = (
        "from trialkg.readers import Document, read_document; "
        f"print(list(read_document(Document('x', open('{path}','rb').read()), "
        f"format='{ex.reader}')))"
    )
    print(f'  reproduce: PYTHONPATH=src python -c "{code}"')
    print("  " + finding.text.rstrip().replace("\n", "\n  "))
    sys.stdout.flush()


def campaign(args: argparse.Namespace) -> int:
    names = args.readers or list(readers())
    out = Path(args.out or tempfile.mkdtemp(prefix="trialkg-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _alarm)
    default_linker()  # loaded once, before the clock starts
    tallies = {name: Tally() for name in names}
    seen: set[tuple[str, str, str]] = set()
    stop = time.monotonic() + args.minutes * 60
    indices: Iterator[int] = iter([args.only]) if args.only is not None else iter(range(10**12))
    for index in indices:
        if args.only is None and time.monotonic() > stop:
            break
        ex = example(args.seed, index, names)
        outcome = run(ex.data, ex.reader, args.hang)
        tally = tallies[ex.reader]
        tally.examples += 1
        tally.with_trial += outcome.trials > 0
        if outcome.seconds > tally.slowest:
            tally.slowest, tally.slowest_recipe = (
                outcome.seconds,
                f"#{index} {'; '.join(ex.recipe)}",
            )
        if outcome.signature is None or outcome.signature in seen:
            continue
        seen.add(outcome.signature)
        tally.findings.add(outcome.signature)
        # A shrunk hang need only take a second, at the same place.
        limit = min(args.hang, 1.0) if outcome.signature[0] == "hang" else args.hang
        wanted = (outcome.signature[0], outcome.signature[2])

        def still(
            candidate: bytes,
            wanted: tuple[str, str] = wanted,
            limit: float = limit,
            reader: str = ex.reader,
        ) -> bool:
            again = run(candidate, reader, limit).signature
            return again is not None and (again[0], again[2]) == wanted

        small = shrink(ex.data, still, args.shrink_seconds)
        # Timed without the shrinking limit; a crash's traceback is the small input's own.
        final = run(small, ex.reader, args.hang)
        shown = final if final.signature == outcome.signature else outcome
        report(shown, ex, small, final.seconds, out, len(seen))

    print("=" * 100)
    print(
        f"{'reader':<24}{'examples':>9}{'a trial':>9}{'slowest s':>11}  findings  slowest example"
    )
    for name, t in tallies.items():
        figures = f"{t.examples:>9}{t.with_trial:>9}{t.slowest:>11.3f}  {len(t.findings):>8}"
        print(f"{name:<24}{figures}  {t.slowest_recipe}")
    print(f"findings: {len(seen)}; reproducers in {out}")
    return 1 if seen else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=1.0, help="how long to run (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="base seed: same seed, same inputs")
    parser.add_argument("--only", type=int, help="run only example number ONLY of the seed")
    parser.add_argument("--readers", nargs="*", help="reader names (default: all)")
    parser.add_argument("--hang", type=float, default=10.0, help="seconds before a read is a hang")
    parser.add_argument(
        "--shrink-seconds", type=float, default=60.0, help="time to shrink one finding"
    )
    parser.add_argument("--out", help="folder for reproducers (default: a new temporary folder)")
    return campaign(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
