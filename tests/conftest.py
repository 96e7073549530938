"""Shared fixtures: where AlphaGeometry's suites are (read by path, never copied); kernels compiled."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("GEOSOLVER_DATA", REPO.parent / "shared" / "anchors" / "alphageometry"))


@pytest.fixture(scope="session")
def anchors() -> Path:
    d = data_dir()
    if not (d / "imo_ag_30.txt").is_file():
        pytest.skip(f"AlphaGeometry data not found in {d} (set GEOSOLVER_DATA)")
    return d


@pytest.fixture(scope="session", autouse=True)
def compiled_kernels() -> None:
    """Compile numba's kernels (or load them from its cache) before any test is timed:
    on a fresh clone the first compilation takes seconds that no time budget should pay."""
    from ddar.engine import warm_up

    warm_up()
