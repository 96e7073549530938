"""benchmarks/intervals.py: the ratio's bootstrap interval does not depend on the records' order."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from intervals import paired, records


def _write(path: Path, rows: list[tuple[str, int, bool]]) -> Path:
    path.write_text("".join(json.dumps({"name": n, "status": "solved", "seconds": 1.0, "candidates": c,
                                        "aux_clauses": ["x = midpoint x a b"] if aux else []}) + "\n"
                            for n, c, aux in rows))
    return path


def test_interval_is_the_same_whatever_order_the_records_came_in(tmp_path):
    first = [(f"p{k}", 3 * k + 1, True) for k in range(12)]
    second = [(f"p{k}", (7 * k) % 13 + 1, k != 4) for k in range(12)]
    a = records(_write(tmp_path / "a.jsonl", first))
    b = records(_write(tmp_path / "b.jsonl", second))
    b_reversed = records(_write(tmp_path / "c.jsonl", second[::-1]))
    pairs = paired(a, b, aux_only=True)
    assert len(pairs) == 11  # p4 proved without points in the second run
    assert pairs[:2] == [(1, 1), (4, 8)]  # p0, p1: each problem's two runs side by side, by name
    assert pairs == paired(a, b_reversed, aux_only=True)
