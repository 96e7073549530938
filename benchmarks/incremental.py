"""Trying one auxiliary candidate from a saturated base, against solving with it from scratch.

    python benchmarks/incremental.py --per-problem 15 --out benchmarks/INCREMENTAL.md
    python benchmarks/incremental.py --compare HEAD~1 --per-problem 150 --repeat 3   # markdown to stdout

For each IMO-AG-30 problem the engine alone leaves, the first candidates the
heuristic proposer ranks are tried twice, alternately in one process: (a) as the
search does, a fork of the saturated engine grown by the clause
(``geosolver.search.grow``: figure extended, new facts added, semi-naive
matching, saturation resumed) and (b) by solving the problem text with the
clause appended, from scratch (``solve --mode ddar``: figure, matching,
saturation; no proof is built unless solved).  The table gives the medians and
their ratio.

``--compare REF``: the candidates as the search tries them (``Tree.attempt``,
siblings sharing the matching caches; no mirror images), timed in this tree and
in a worktree of commit REF, one problem per process, the two sides in turn
problem by problem (which goes first alternating by round), ``--repeat``
rounds; each problem's time for its candidates is the least of its rounds (the
machine's other load only ever adds time), in process CPU seconds.  The
candidates' outcomes (status and score) must agree, or the run stops.

Data: $GEOSOLVER_DATA (default ../shared/anchors/alphageometry).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("GEOSOLVER_DATA", REPO.parent / "shared" / "anchors" / "alphageometry"))


def saturated_roots(names: list[str] | None = None):
    """(problem, root Node) of each IMO-AG-30 problem the engine alone leaves (of ``names``, if
    given), kernels warm."""
    import geosolver
    from ddar.engine import Limits, warm_up
    from geosolver.search import Node
    from geosolver.solve import new_engine, prepare

    warm_up()
    for problem in geosolver.load_problems(DATA / "imo_ag_30.txt"):
        if names is not None and problem.name not in names:
            continue
        d, e = prepare(problem, 0)
        engine = new_engine(e)
        report = engine.saturate(e.goals, Limits(seconds=60))
        if report.status != "solved":
            yield problem, Node((), d, e, engine, report.status)


def first_candidates(root, k: int) -> list[str]:
    from geosolver.proposers import ProposalState
    from geosolver.proposers.heuristic import HeuristicProposer

    return [c.clause for c in HeuristicProposer().propose(ProposalState(root.diagram), k)]


def search_times(per_problem: int, names: list[str] | None = None) -> dict:
    """Per problem: CPU seconds for its first candidates tried as the search tries them, and
    their outcomes."""
    from geosolver.search import Tree

    out = {}
    for problem, root in saturated_roots(names):
        tree = Tree(problem, 0, root, 2)
        clauses = first_candidates(root, per_problem)
        t0 = time.process_time()
        outcomes = [(o["status"], o["score"]) for o in (tree.attempt((c,), 60) for c in clauses)]
        out[problem.name] = {"seconds": time.process_time() - t0, "candidates": len(clauses), "outcomes": outcomes}
    return out


def search_times_in(tree: Path, per_problem: int, names: list[str] | None = None) -> dict:
    """``search_times`` in a fresh process with the geosolver of ``tree``."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]); import incremental; "
            "print(json.dumps(incremental.search_times(int(sys.argv[3]), json.loads(sys.argv[4]))))")
    out = subprocess.run([sys.executable, "-c", code, str(tree), str(REPO / "benchmarks"), str(per_problem),
                          json.dumps(names)], capture_output=True, text=True, cwd=tree)
    if out.returncode:
        raise SystemExit(f"timing {names} in {tree} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(ref: str, per_problem: int, repeat: int) -> str:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from speed import worktree

    names = [problem.name for problem, _ in saturated_roots()]
    runs: dict[str, list[dict]] = {"ref": [{} for _ in range(repeat)], "here": [{} for _ in range(repeat)]}
    with worktree(ref) as (tree, sha):
        for k in range(repeat):  # one problem at a time, the two sides in turn: the machine's pace drifts
            for name in names:
                for side in ("ref", "here")[:: 1 if k % 2 == 0 else -1]:
                    got = search_times_in(tree if side == "ref" else REPO, per_problem, [name])
                    if name not in got:
                        raise SystemExit(f"{name}: solved by the engine alone on one side; compare without it")
                    runs[side][k].update(got)
            print(f"round {k + 1} of {repeat}", file=sys.stderr, flush=True)
    first = runs["here"][0]
    for run in runs["ref"] + runs["here"]:
        for name, row in run.items():
            if row["outcomes"] != first[name]["outcomes"]:
                raise SystemExit(f"{name}: the candidates' outcomes differ between the runs")
    best = {side: {name: min(run[name]["seconds"] for run in rs) for name in first} for side, rs in runs.items()}
    ref_s, here_s = sum(best["ref"].values()), sum(best["here"].values())
    out = [
        f"# Candidates as the search tries them: against commit {sha} (`python benchmarks/incremental.py --compare`)",
        "",
        (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; the first "
         f"{per_problem} candidates the heuristic proposer ranks on each IMO-AG-30 problem the engine alone leaves, "
         f"tried as the search tries them; the least CPU time of {repeat} rounds, the sides alternating by problem. "
         "The candidates' outcomes are the same on both."),
        "",
        f"Total: **{ref_s / here_s:.2f}x** faster than {sha} ({ref_s:.1f} s against {here_s:.1f} s).",
        "",
        f"| problem | candidates | ms per candidate, {sha} | ms per candidate, now | ratio |",
        "|---|---|---|---|---|",
    ]
    for name, row in first.items():
        k = max(row["candidates"], 1)
        then, now = best["ref"][name], best["here"][name]
        out.append(f"| {name} | {k} | {1000 * then / k:.1f} | {1000 * now / k:.1f} | {then / now:.2f} |")
    return "\n".join(out) + "\n"


def versus_scratch(per_problem: int) -> str:
    from geosolver.errors import GeoError
    from geosolver.search import grow
    from geosolver.solve import solve

    rows, ratios = [], []
    for problem, root in saturated_roots():
        inc, scratch = [], []
        for clause in first_candidates(root, per_problem):
            head, _, goal = problem.text.partition("?")
            text = f"{head.strip()}; {clause} ? {goal.strip()}"
            try:
                t0 = time.perf_counter()
                grow(root, clause, 60)
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
    out = [
        "# Trying a candidate: incremental vs from scratch (`python benchmarks/incremental.py`)",
        "",
        (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
         f"the first {per_problem} candidates the heuristic proposer ranks, on each IMO-AG-30 problem "
         "the engine alone leaves."),
        "",
        (f"Median over all {len(ratios)} candidates of (from scratch / incremental): "
         f"**{statistics.median(ratios):.2f}x**."),
        "",
        "| problem | candidates | incremental median s | from scratch median s | ratio |",
        "|---|---|---|---|---|",
    ]
    for name, k, a, b in rows:
        out.append(f"| {name} | {k} | {a:.3f} | {b:.3f} | {b / a:.1f} |")
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-problem", type=int, default=15, help="candidates tried per problem (default 15)")
    ap.add_argument("--compare", metavar="REF", help="time the candidates here and on commit REF, as ratios")
    ap.add_argument("--repeat", type=int, default=3, help="with --compare: alternating runs per side (default 3)")
    ap.add_argument("--out", help="the markdown to write (default: benchmarks/INCREMENTAL.md; with --compare, stdout)")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    text = compare(args.compare, args.per_problem, args.repeat) if args.compare else versus_scratch(args.per_problem)
    out = args.out or (None if args.compare else str(REPO / "benchmarks" / "INCREMENTAL.md"))
    if out is None:
        print(text)
    else:
        Path(out).write_text(text)
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
