"""Time the engine on AlphaGeometry's suites, one problem after another in one process.

    python benchmarks/speed.py                      # both suites -> benchmarks/RESULTS.md
    python benchmarks/speed.py --suite imo --out /tmp/imo.md
    python benchmarks/speed.py --profile benchmarks/PROFILE.md   # cProfile of the IMO run
    python benchmarks/speed.py --compare HEAD~1     # also: each suite on that commit, as ratios

Per problem: status, wall seconds of `geosolver.solve` (figure, matching,
deduction, traceback, the configuration survey and the proof check, which
rebuilds the figure), the part spent matching rule instances and in AR, facts
proved, proof steps, and the figure facts the proof states ("as drawn"); per
suite, how many proofs rely on figure facts of each kind.  The first problem of a run
pays the imports; the table says so.  Cold start (a fresh process, nothing
imported or cached) is timed separately with `--cold`.  `--compare REF` times
the suites on another commit too (a git worktree, in its own process, before
this tree's run), puts the median ratios in the table, and names the problems whose
status, number of facts proved, number of proof steps or kinds of figure facts differ.

Data: $GEOSOLVER_DATA (default ../shared/anchors/alphageometry).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("GEOSOLVER_DATA", REPO.parent / "shared" / "anchors" / "alphageometry"))
SUITES = {"imo": ("IMO-AG-30", "imo_ag_30.txt"), "jgex": ("JGEX-AG-231", "jgex_ag_231.txt")}


def run_suite(key: str, timeout: float) -> list[dict]:
    import geosolver
    from geosolver.solve import solve

    title, file = SUITES[key]
    rows = []
    for p in geosolver.load_problems(DATA / file):
        r = solve(p, mode="ddar", timeout=timeout)
        rep = r.report
        drawn = [s["fact"]["pred"] for s in r.proof["steps"] if s["kind"] == "figure"] if r.proof else []
        rows.append({
            "name": p.name, "status": r.status, "seconds": r.seconds, "steps": r.proof_steps, "facts": r.facts,
            "match": rep.match_seconds if rep else 0.0, "ar": rep.ar_seconds if rep else 0.0,
            "drawn": drawn, "note": "note" in r.to_json(with_proof=False),
        })
        print(f"{title} {p.name[-40:]:40} {r.status:9} {r.seconds:7.3f}", file=sys.stderr, flush=True)
    return rows


def table(title: str, rows: list[dict]) -> str:
    solved = [r for r in rows if r["status"] == "solved"]
    unsolved = [r for r in rows if r["status"] != "solved"]
    med = statistics.median(r["seconds"] for r in solved) if solved else float("nan")
    worst = max((r["seconds"] for r in unsolved), default=0.0)
    out = [f"### {title}: {len(solved)}/{len(rows)} solved", ""]
    out.append(f"Median seconds over solved problems {med:.3f}; slowest unsolved stops after {worst:.3f} s; "
               f"total {sum(r['seconds'] for r in rows):.1f} s.")
    out += ["", figure_fact_table(solved)]
    out += ["", "| problem | status | seconds | match s | AR s | facts | proof steps | as drawn |",
            "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['name']} | {r['status']} | {r['seconds']:.3f} | {r['match']:.3f} | {r['ar']:.3f} "
                   f"| {r['facts']} | {r['steps'] or ''} | {len(r['drawn']) if r['steps'] else ''} |")
    return "\n".join(out) + "\n"


def figure_fact_table(solved: list[dict]) -> str:
    """How many proofs state a figure fact of each kind (docs/PROOF_FORMAT.md, "As drawn")."""
    kinds = sorted({k for r in solved for k in r["drawn"]})
    some = sum(1 for r in solved if r["drawn"])
    notes = sum(1 for r in solved if r["note"])
    out = [f"Proofs relying on figure facts: {some} of {len(solved)}; proved for the configuration drawn only"
           f" (the goal false in some other figure of the problem): {notes}.", "",
           "| figure fact | proofs citing it | facts stated |", "|---|---|---|"]
    for k in kinds:
        out.append(f"| {k} | {sum(1 for r in solved if k in r['drawn'])} | {sum(r['drawn'].count(k) for r in solved)} |")
    return "\n".join(out)


def rows_of(tree: Path, key: str, timeout: float) -> list[dict]:
    """``run_suite`` in a fresh process with the geosolver of another tree (a worktree)."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]); import speed; "
            "from ddar.engine import warm_up; warm_up(); "  # kernels compiled before the clock, in both trees
            "print(json.dumps(speed.run_suite(sys.argv[3], float(sys.argv[4]))))")
    out = subprocess.run([sys.executable, "-c", code, str(tree), str(REPO / "benchmarks"), key, str(timeout)],
                         check=True, capture_output=True, text=True, cwd=tree)
    return json.loads(out.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def worktree(ref: str) -> Iterator[tuple[Path, str]]:
    """A checkout of commit ``ref`` in a temporary git worktree, and its short sha."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], check=True, capture_output=True, text=True,
                         cwd=REPO).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "ref"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], check=True, capture_output=True, cwd=REPO)
        try:
            yield tree, sha
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], capture_output=True, cwd=REPO)


def compare(ref: str, keys: list[str], timeout: float) -> tuple[dict, str]:
    """Each suite's rows on commit ``ref`` (run first, in its own worktree and process)."""
    with worktree(ref) as (tree, sha):
        return {k: rows_of(tree, k, timeout) for k in keys}, sha


def ratio_table(ref_rows: dict, rows: dict, sha: str) -> str:
    out = [f"### Against commit {sha} (run just before, same machine)", "",
           "| suite | solved then | solved now | median s then | median s now | ratio | total s then | total s now |",
           "|---|---|---|---|---|---|---|---|"]
    for key in rows:
        then, now = ref_rows[key], rows[key]
        med = [statistics.median(r["seconds"] for r in rs if r["status"] == "solved") for rs in (then, now)]
        out.append(f"| {SUITES[key][0]} | {sum(r['status'] == 'solved' for r in then)} "
                   f"| {sum(r['status'] == 'solved' for r in now)} | {med[0]:.3f} | {med[1]:.3f} | {med[1] / med[0]:.2f} "
                   f"| {sum(r['seconds'] for r in then):.1f} | {sum(r['seconds'] for r in now):.1f} |")
    changed = {key: differing(ref_rows[key], rows[key]) for key in rows}
    if any(changed.values()):
        which = "; ".join(f"{SUITES[k][0]}: {', '.join(names)}" for k, names in changed.items() if names)
        out += ["", ("Status, the number of facts proved, the number of proof steps or the kinds of figure facts "
                     f"cited differ from the commit's on: {which}.")]
    else:
        out += ["", ("Status, the number of facts proved, the number of proof steps and the kinds of figure facts "
                     "cited are the commit's on every problem.")]
    return "\n".join(out) + "\n"


def differing(then: list[dict], now: list[dict]) -> list[str]:
    """The problems whose outcome (not its time) differs between two runs of a suite, or that only
    one of them has: status, facts proved and proof steps (counts), the figure facts cited (kinds)."""
    before, after = {r["name"]: r for r in then}, {r["name"]: r for r in now}
    keys = ("status", "facts", "steps", "drawn")
    return [n for n in dict.fromkeys([*after, *before])
            if n not in before or n not in after or any(before[n][k] != after[n][k] for k in keys)]


def cold_start() -> str:
    """A fresh interpreter solving one IMO problem, first with numba's cache emptied, then warm."""
    cmd = [sys.executable, "-m", "geosolver", "solve", str(DATA / "imo_ag_30.txt"),
           "--name", "translated_imo_2004_p5", "--json"]
    for f in (REPO / "ddar" / "__pycache__").glob("*.nb[ic]"):
        f.unlink()
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
        times.append(time.perf_counter() - t0)
    return (f"Start-up: `geosolver solve imo_ag_30.txt --name {cmd[6]} --json` in a fresh process "
            f"(interpreter, imports, figure, solve, check): {times[0]:.2f} s wall with numba's cache empty "
            f"(the kernels compile), {times[1]:.2f} s with the cache warm.\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", choices=["imo", "jgex", "both"], default="both")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "RESULTS.md"))
    ap.add_argument("--profile", metavar="FILE", help="profile the IMO run and write the top functions to FILE")
    ap.add_argument("--cold", action="store_true", help="also time a cold start")
    ap.add_argument("--compare", metavar="REF", help="also run the suites on this commit and give the ratios")
    args = ap.parse_args()
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        run_suite("imo", args.timeout)
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(35)
        Path(args.profile).write_text("# Profile of `python benchmarks/speed.py --profile`: IMO-AG-30, cumulative\n\n```\n"
                                      + s.getvalue() + "```\n")
        return 0
    keys = ["imo", "jgex"] if args.suite == "both" else [args.suite]
    parts = [f"# Engine speed (`python benchmarks/speed.py`)\n\nMachine: {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}; timeout {args.timeout:g} s per problem; "
             f"one process, problems in file order (the first pays the imports).\n"]
    if args.cold:
        parts.append(cold_start())
    ref_rows, sha = compare(args.compare, keys, args.timeout) if args.compare else ({}, "")
    rows = {k: rows_of(REPO, k, args.timeout) if args.compare else run_suite(k, args.timeout) for k in keys}
    if args.compare:
        parts.append(ratio_table(ref_rows, rows, sha))
    for k in keys:
        parts.append(table(SUITES[k][0], rows[k]))
    Path(args.out).write_text("\n".join(parts))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
