"""`bench --executor ray` on a local Ray instance gives the statuses of the local executor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geosolver.bench import run_bench
from tests.conftest import REPO

NAMES = ["orthocenter", "thales", "midline", "butterfly"]


def test_ray_executor_matches_local(tmp_path: Path):
    pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'geosolver[distributed]'")
    suite = tmp_path / "suite.txt"
    text = (REPO / "problems" / "classics.txt").read_text().splitlines()
    entries = [f"{text[i]}\n{text[i + 1]}" for i in range(len(text) - 1) if text[i] in NAMES]
    suite.write_text("\n".join(entries) + "\n")
    # the engine alone: the point is the executor, not the search; the timeout only guards against a
    # hang (the problems take a second or two), so a loaded machine does not turn them into timeouts
    local = run_bench(suite, mode="ddar", timeout=120, workers=2, out=tmp_path / "local.jsonl", progress=False)
    ray = run_bench(suite, mode="ddar", timeout=120, workers=2, out=tmp_path / "ray.jsonl", progress=False,
                    executor="ray")
    assert {r["name"]: r["status"] for r in ray} == {r["name"]: r["status"] for r in local}
    assert len(ray) == len(NAMES)
    assert [json.loads(line)["name"] for line in (tmp_path / "ray.jsonl").read_text().splitlines()]
    # resume on Ray: nothing left to run, the file is untouched
    before = (tmp_path / "ray.jsonl").read_text()
    again = run_bench(suite, mode="ddar", timeout=120, workers=2, out=tmp_path / "ray.jsonl", resume=True,
                      progress=False, executor="ray")
    assert (tmp_path / "ray.jsonl").read_text() == before and len(again) == len(NAMES)
