"""JSON Lines files, plain and gzip, as `trialkg fetch` writes them, read by the build."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import JSON_DIR
from trialkg.errors import InputError
from trialkg.model import Trial
from trialkg.readers import read_paths

RECORDS = sorted(JSON_DIR.glob("*.json"))[:5]


def lines() -> bytes:
    studies = [json.loads(path.read_text(encoding="utf-8")) for path in RECORDS]
    return "".join(json.dumps(s, separators=(",", ":")) + "\n" for s in studies).encode()


def test_plain_and_gzip_json_lines_give_the_same_trials(tmp_path: Path) -> None:
    plain = tmp_path / "five.jsonl"
    plain.write_bytes(lines())
    packed = tmp_path / "five.jsonl.gz"
    data = lines()
    half = data.index(b"\n", len(data) // 2) + 1  # two gzip members, as fetch appends pages
    packed.write_bytes(gzip.compress(data[:half]) + gzip.compress(data[half:]))
    from_plain = [r for r in read_paths([plain]) if isinstance(r, Trial)]
    from_gzip = [r for r in read_paths([packed]) if isinstance(r, Trial)]
    assert [t.nct_id for t in from_plain] == [path.stem for path in RECORDS]
    assert [t.nct_id for t in from_gzip] == [t.nct_id for t in from_plain]
    assert [t.brief_title for t in from_gzip] == [t.brief_title for t in from_plain]


def test_a_cut_gzip_file_is_reported_with_its_name(tmp_path: Path) -> None:
    packed = tmp_path / "cut.jsonl.gz"
    packed.write_bytes(gzip.compress(lines())[:-40])
    results = list(read_paths([packed]))
    assert len(results) == 1 and isinstance(results[0], InputError)
    assert results[0].file == "cut.jsonl.gz"
    assert "not a readable gzip file" in str(results[0])


def test_a_gzip_bomb_is_refused_before_it_fills_memory(tmp_path: Path) -> None:
    """A gzip file keeps to the archive members' compression ratio (regression: a gzip
    file was first read with no limit at all)."""
    bomb = tmp_path / "bomb.jsonl.gz"
    bomb.write_bytes(gzip.compress(b" " * (8 * 2**20)))  # 8 MiB of spaces in ~8 KiB
    (result,) = read_paths([bomb])
    assert isinstance(result, InputError) and result.file == "bomb.jsonl.gz"
    assert "gzip file refused" in result.message and "compression ratio" in result.message
