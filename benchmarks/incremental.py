"""Trying one auxiliary candidate from a saturated base, against solving with it from scratch.

    python benchmarks/incremental.py --per-problem 15 --out benchmarks/INCREMENTAL.md

For each IMO-AG-30 problem the engine alone leaves, the first candidates the
heuristic proposer ranks are tried twice, alternately in one process: (a) as the
search does, a fork of the saturated engine grown by the clause
(``geosolver.search.grow``: figure extended, new facts added, semi-naive
matching, saturation resumed) and (b) by solving the problem text with the
clause appended, from scratch (``solve --mode ddar``: figure, matching,
saturation; no proof is built unless solved).  The table gives the medians and
their ratio.

Data: $GEOSOLVER_DATA (default ../shared/anchors/alphageometry).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("GEOSOLVER_DATA", REPO.parent / "shared" / "anchors" / "alphageometry"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-problem", type=int, default=15, help="candidates tried per problem (default 15)")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "INCREMENTAL.md"))
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    import geosolver
    from ddar.engine import Limits, warm_up
    from geosolver.errors import GeoError
    from geosolver.proposers import ProposalState
    from geosolver.proposers.heuristic import HeuristicProposer
    from geosolver.search import Node, grow
    from geosolver.solve import new_engine, prepare, solve

    warm_up()
    rows, ratios = [], []
    for problem in geosolver.load_problems(DATA / "imo_ag_30.txt"):
        d, e = prepare(problem, 0)
        engine = new_engine(e)
        report = engine.saturate(e.goals, Limits(seconds=60))
        if report.status == "solved":
            continue
        root = Node((), d, e, engine, report.status)
        inc, scratch = [], []
        for cand in HeuristicProposer().propose(ProposalState(d), args.per_problem):
            head, _, goal = problem.text.partition("?")
            text = f"{head.strip()}; {cand.clause} ? {goal.strip()}"
            try:
                t0 = time.perf_counter()
                grow(root, cand.clause, 60)
                t1 = time.perf_counter()
                solve(text, mode="ddar", timeout=60)
                t2 = time.perf_counter()
            except GeoError:
                continue
            inc.append(t1 - t0)
            scratch.append(t2 - t1)
            ratios.append((t2 - t1) / (t1 - t0))
        rows.append((problem.name, len(inc), statistics.median(inc), statistics.median(scratch)))
        print(f"{problem.name:32} {rows[-1][2]:.3f} {rows[-1][3]:.3f}", file=sys.stderr, flush=True)
    out = ["# Trying a candidate: incremental vs from scratch (`python benchmarks/incremental.py`)", "",
           f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
           f"the first {args.per_problem} candidates the heuristic proposer ranks, on each IMO-AG-30 problem "
           "the engine alone leaves.", "",
           f"Median over all {len(ratios)} candidates of (from scratch / incremental): "
           f"**{statistics.median(ratios):.2f}x**.", "",
           "| problem | candidates | incremental median s | from scratch median s | ratio |", "|---|---|---|---|---|"]
    for name, k, a, b in rows:
        out.append(f"| {name} | {k} | {a:.3f} | {b:.3f} | {b / a:.1f} |")
    Path(args.out).write_text("\n".join(out) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
