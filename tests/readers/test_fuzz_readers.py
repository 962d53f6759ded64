"""Every reader, fed damaged copies of real records, gives trials or input errors, quickly.

The damage is what files meet on the way to a user: cut short, lines shuffled,
repeated or lost, saved in another encoding, a field pasted a million times,
binary junk, NUL bytes. Each damaged file is read with its reader forced and
with detection; whatever comes back must be a ``Trial`` or an ``InputError``,
and every ``Trial`` must map to triples. ``scripts/fuzz_readers.py`` runs the
same kind of campaign for minutes instead of seconds.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import FrameType

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from tests.fixture_seeds import FIXTURES, JSON_ODDITIES, fixture_seeds, oddity_places
from trialkg.build.workers import trial_nquads
from trialkg.errors import InputError
from trialkg.linking import default_linker
from trialkg.model import Trial
from trialkg.rdf.mapping import MappingOptions
from trialkg.readers import Document, read_document, readers

SEED_FOLDERS = ("json", "xml", "pages", "third_party", "seeds")
SEEDS_PER_READER = 2
MAX_SEED_BYTES = 64_000  # keeps the linker's share of each example small
MEGABYTE = 1 << 20
HARD_LIMIT = 5.0  # seconds: past this a read is stopped, so a hang fails instead of stalling


class TooSlow(Exception):
    """A read stopped by ``time_limit``."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop the block after ``seconds`` (where SIGALRM exists: CPython's regex engine heeds it)."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise TooSlow(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@cache
def seeds() -> dict[str, list[tuple[str, bytes]]]:
    """Real fixture records, grouped by the reader that detects them."""
    return fixture_seeds(SEED_FOLDERS, MAX_SEED_BYTES, SEEDS_PER_READER)


def check(
    document: Document, format: str | None, *, limit: float = HARD_LIMIT
) -> list[Trial | InputError]:
    """Read, link, map and serialise as the build does; any exception other than
    InputError fails the caller."""
    default_linker()  # loaded outside the time limit
    with time_limit(limit):
        results = list(read_document(document, format=format))
        for result in results:
            assert isinstance(result, (Trial, InputError)), type(result)
            if isinstance(result, Trial):
                with contextlib.suppress(InputError):  # a record the build would reject
                    trial_nquads(result, MappingOptions())
    return results


# -- damage -----------------------------------------------------------------------------------

FILLERS = (b"A", b"word ", b" ", b"\t", b"-", b"(", b"Phase 2 ", b"1", b"NCT0", b": ", b"\xc3\xa9")


def _index(draw: st.DrawFn, size: int) -> int:
    return draw(st.integers(0, max(size, 0)))


def truncate(data: bytes, draw: st.DrawFn) -> bytes:
    return data[: _index(draw, len(data))]


def shuffle_lines(data: bytes, draw: st.DrawFn) -> bytes:
    lines = data.split(b"\n")
    draw(st.randoms(use_true_random=False)).shuffle(lines)
    return b"\n".join(lines)


def duplicate_lines(data: bytes, draw: st.DrawFn) -> bytes:
    lines = data.split(b"\n")
    start = _index(draw, len(lines))
    end = min(len(lines), start + _index(draw, 40))
    at = _index(draw, len(lines))
    return b"\n".join(lines[:at] + lines[start:end] + lines[at:])


def drop_lines(data: bytes, draw: st.DrawFn) -> bytes:
    lines = data.split(b"\n")
    start = _index(draw, len(lines))
    end = min(len(lines), start + _index(draw, 40))
    return b"\n".join(lines[:start] + lines[end:])


def drop_span(data: bytes, draw: st.DrawFn) -> bytes:
    """Bytes lost mid-line: what cuts compact JSON (one line) apart."""
    start = _index(draw, len(data))
    return data[:start] + data[start + _index(draw, 2000) :]


def reencode(data: bytes, draw: st.DrawFn) -> bytes:
    codec = draw(st.sampled_from(["latin-1", "utf-16", "utf-16-le", "cp1252", "utf-8-sig"]))
    return data.decode("utf-8", "replace").encode(codec, "replace")


def huge_line(data: bytes, draw: st.DrawFn) -> bytes:
    """A field pasted a million times: one line of about a megabyte."""
    filler = draw(st.sampled_from(FILLERS))
    line = filler * (MEGABYTE // len(filler))
    if draw(st.booleans()):
        line = b"Official Title: " + line  # a label the page readers know, then the flood
    at = _index(draw, len(data))
    return data[:at] + line + data[at:]


def binary_junk(data: bytes, draw: st.DrawFn) -> bytes:
    junk = draw(st.binary(min_size=1, max_size=300))
    at = _index(draw, len(data))
    return data[:at] + junk + data[at:]


def nul_bytes(data: bytes, draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        return data.replace(b"\n", b"\x00")
    at = _index(draw, len(data))
    return data[:at] + b"\x00" * (1 + _index(draw, 64)) + data[at:]


def line_endings(data: bytes, draw: st.DrawFn) -> bytes:
    return data.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r", b"", b"\n\n"])))


def json_oddity(data: bytes, draw: st.DrawFn) -> bytes:
    """A JSON string value opened with an unpaired surrogate, or a number value turned
    into NaN, Infinity or an overflow (which Python's parser gives as a float)."""
    oddity = draw(st.sampled_from(JSON_ODDITIES))
    places = oddity_places(data, oddity)
    if not places:
        return data
    start, end = draw(st.sampled_from(places))
    return data[:start] + oddity + data[end:]


MUTATIONS = (
    truncate, shuffle_lines, duplicate_lines, drop_lines, drop_span, reencode,
    huge_line, binary_junk, nul_bytes, line_endings, json_oddity,
)  # fmt: skip


class Damaged:
    """A damaged document and how it was made (Hypothesis prints this in a failure report)."""

    def __init__(self, document: Document, recipe: tuple[str, ...]) -> None:
        self.document = document
        self.recipe = recipe

    def __repr__(self) -> str:  # a megabyte of bytes is no help in a failure report
        size = len(self.document.data)
        return f"Damaged({self.document.name}: {' -> '.join(self.recipe)}, {size} bytes)"


@st.composite
def damaged(draw: st.DrawFn, reader: str) -> Damaged:
    name, data = draw(st.sampled_from(seeds()[reader]))
    mutations = draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3))
    for mutation in mutations:
        data = mutation(data, draw)
    return Damaged(Document(name, data), tuple(m.__name__ for m in mutations))


# -- the tests ---------------------------------------------------------------------------------


def test_every_reader_has_real_records_to_damage() -> None:
    assert {name for name, found in seeds().items() if not found} == set()


@pytest.mark.parametrize("reader", list(readers()))
@settings(
    max_examples=100,
    deadline=None,  # no timed assertions: scripts/fuzz_readers.py looks for slow inputs
    database=None,
    derandomize=True,  # the same examples on every run; scripts/fuzz_readers.py explores
    phases=(Phase.explicit, Phase.generate),  # no shrinking: a hang would cost minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_damaged_records_give_trials_or_input_errors(reader: str, data: st.DataObject) -> None:
    document = data.draw(damaged(reader)).document
    for format in (reader, None):
        results = check(document, format)
        trials = sum(isinstance(r, Trial) for r in results)
        event(
            f"{'forced' if format else 'detected'}: {'a trial' if trials else 'input errors only'}"
        )


@pytest.mark.parametrize("reader", list(readers()))
def test_a_megabyte_input_gives_trials_or_input_errors(reader: str) -> None:
    """A 1 MB file in two shapes: the record repeated, and one huge line in its middle.

    Each must read to trials or input errors. How long they take is measured by
    ``scripts/fuzz_readers.py``, not asserted here.
    """
    name, data = seeds()[reader][0]
    repeated = (data + b"\n") * (MEGABYTE // (len(data) + 1) + 1)
    lines = data.split(b"\n")
    middle = len(lines) // 2
    flooded = b"\n".join([*lines[:middle], b"word " * (MEGABYTE // 5), *lines[middle:]])
    for shape in (repeated, flooded):
        check(Document(name, shape), reader)


# -- regressions: one per reader bug the fuzzing found (see docs/compare.md, "Fuzzing") ----------


def test_fuzz_1_a_json_number_past_the_digit_limit_is_an_input_error() -> None:
    """Python refuses int() of more than 4300 digits with ValueError, not JSONDecodeError."""
    results = check(Document("long-number.json", b"1" * 4301), "ctgov-json")
    assert all(isinstance(r, InputError) for r in results)


@pytest.mark.parametrize("format", ["ctgov-json", None])
def test_fuzz_2_deeply_nested_json_is_an_input_error(format: str | None) -> None:
    results = check(Document("deep.json", b'{"studies": [' + b"[" * 50_000), format)
    assert all(isinstance(r, InputError) for r in results)


@pytest.mark.parametrize("format", ["ctgov-page", "meddatax"])
def test_fuzz_3_a_long_run_of_dashes_reads_quickly(format: str) -> None:
    """A 32 KB line of dashes that is not a table rule: was quadratic in page_lines."""
    data = b"NCT02481830\n" + b"-" * 32_000 + b"x\n"
    check(Document("dashes.txt", data), format, limit=2.0)


def test_fuzz_4_a_long_run_of_spaces_in_criteria_reads_quickly() -> None:
    """Spaces inside an exclusion criterion: was quadratic in trialstoday._items."""
    data = b"NCT02481830\nExclusion Criteria\n  \xe2\x80\xa2 a" + b" " * 64_000 + b"x - Next one\n"
    (trial,) = check(Document("spaces.txt", data), "trialstoday", limit=2.0)
    assert isinstance(trial, Trial) and trial.eligibility is not None
    # the page's lines cut a run of blanks in a long line to eight: the words stay
    assert trial.eligibility.exclusion == ("a" + " " * 8 + "x", "Next one")


@pytest.mark.parametrize(
    ("format", "head"),
    [
        (
            "trialstoday",
            b"NCT02481830\nArm Groups\n\nArmDescriptionAssigned Intervention\nExperimental\nArm A",
        ),
        ("page", b"NCT07593248\nSome Label:"),
    ],
    ids=["trialstoday", "page"],
)
def test_fuzz_5_a_long_run_of_spaces_in_an_intervention_value_reads_quickly(
    format: str, head: bytes
) -> None:
    """Spaces inside a value read as an intervention: was quadratic in labels.intervention.

    trialstoday reads every arms-table value that way; the general page reader
    every "Label: value" line of up to 31 + 151 characters around the spaces.
    """
    check(Document("spaces.txt", head + b" " * 64_000 + b"x\n"), format, limit=2.0)


@pytest.mark.parametrize(
    ("format", "path", "count"),
    [
        ("ctgov-page", "seeds/000_d9cd8b5e99bf18e1.txt", b"238 participants"),
        ("meddatax", "compare/text/meddatax.com/NCT02856893.txt", b"156 participants"),
    ],
    ids=["ctgov-page", "meddatax"],
)
def test_fuzz_6_an_enrollment_of_thousands_of_digits_is_an_input_error(
    format: str, path: str, count: bytes
) -> None:
    """int() refused the 4301 digits with ValueError; a count past 18 digits is no count."""
    page = (FIXTURES / path).read_bytes()
    assert page.count(count) == 1
    (error,) = check(Document("big.txt", page.replace(count, b"1" * 4301)), format)
    assert isinstance(error, InputError) and "a number of 4301 digits is not a count" in str(error)
    (trial,) = check(Document("fine.txt", page.replace(count, b"1" * 18)), format)
    assert isinstance(trial, Trial) and trial.enrollment == int("1" * 18)


@pytest.mark.parametrize("count", ["1" * 4301, "4\u00b2"], ids=["4301-digits", "superscript"])
def test_fuzz_7_an_xml_enrollment_int_refuses_is_an_input_error(count: str) -> None:
    """str.isdigit() let both through to int(), which raised ValueError."""
    record = (FIXTURES / "xml" / "NCT00001177.xml").read_text(encoding="utf-8")
    assert record.count(">1600</enrollment>") == 1
    damaged = record.replace(">1600</enrollment>", f">{count}</enrollment>")
    (error,) = check(Document("big.xml", damaged.encode("utf-8")), "ctgov-xml")
    assert isinstance(error, InputError) and error.field == "enrollment"
    assert "is not a whole number" in error.message


def test_a_study_type_split_by_a_megabyte_of_spaces_reads_in_linear_time() -> None:
    """Regression: the bracket-trimming pattern for "Interventional (Clinical Trial)"
    backtracked over a line of spaces, and one damaged page ran for minutes."""
    name, data = next(
        (name, data)
        for name, data in seeds()["inclinicaltrials"]
        if b"Study type Interventional" in data
    )
    stated = b"Study type Interventional"
    flooded = data.replace(stated, b"Study type Interven" + b" " * MEGABYTE + b"tional", 1)
    (trial,) = check(Document(name, flooded), "inclinicaltrials")
    assert isinstance(trial, Trial)
    assert trial.study_type is None  # the flooded value is no study type


def test_a_label_split_by_a_megabyte_of_spaces_reads_in_linear_time() -> None:
    """Regression: with "Interventions" flooded, the line became one more condition, and
    the list-splitting pattern (blanks, then a middle dot) backtracked over the spaces."""
    name, data = next(
        (name, data)
        for name, data in seeds()["biotechhunter"]
        if b"\nInterventions\n" in data and b"(GIST)\n" in data
    )
    flooded = data.replace(b"\nInterventions\n", b"\nInterve" + b" " * MEGABYTE + b"ntions\n", 1)
    (trial,) = check(Document(name, flooded), "biotechhunter")
    assert isinstance(trial, Trial)
    assert any(condition.endswith("(GIST)") for condition in trial.conditions)
