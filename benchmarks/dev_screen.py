"""Screen candidate problems for the development set (`problems/textbook_aux.txt`).

    python benchmarks/dev_screen.py FILE [NAME ...]

The rule the set's problems since stop 35 were kept by, fixed before any proposer runs on
them: a problem is KEEP if its goal holds in every figure drawn without regard to it
(``geosolver.diagram.goal_survey_failure``: 8 tries on each of seeds 0-5, at least 4 figures
built per seed) and DD + AR
alone leaves it (saturated within 30 s). Otherwise PROVED (DD + AR proves it alone), FALSE
(the goal fails in some figure), BUILD (too few figures could be drawn), or DD + AR's
status otherwise (ERROR, TIMEOUT). One line
per problem; which proposer would find the problem hard is deliberately not asked.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import geosolver
from geosolver.diagram import goal_survey_failure
from geosolver.errors import GeoError
from geosolver.language import Problem
from geosolver.solve import solve

DDAR_SECONDS = 30


def verdict(path: str, problem: Problem) -> str:
    """KEEP, PROVED, FALSE, BUILD or ERROR, with what decided it."""
    failure = goal_survey_failure(problem)
    if failure is not None:
        kind, why = failure
        return f"{kind.upper():7s} {why}"
    t0 = time.perf_counter()
    r = solve(path, problem.name, mode="ddar", timeout=DDAR_SECONDS)
    word = {"saturated": "KEEP", "solved": "PROVED"}.get(r.status, r.status.upper())
    return f"{word:7s} ddar {r.status} in {time.perf_counter() - t0:.1f} s"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    path, names = argv[0], set(argv[1:])
    try:
        problems = geosolver.load_problems(path)
    except GeoError as e:
        print(e.message, file=sys.stderr)
        return 1
    for p in problems:
        if names and p.name not in names:
            continue
        try:
            line = verdict(path, p)
        except GeoError as e:
            line = f"ERROR   {e.message}"
        print(f"{p.name:40s} {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
