"""Time the engine on AlphaGeometry's suites, one problem after another in one process.

    python benchmarks/speed.py                      # both suites -> benchmarks/RESULTS.md
    python benchmarks/speed.py --suite imo --out /tmp/imo.md
    python benchmarks/speed.py --profile benchmarks/PROFILE.md   # cProfile of the IMO run

Per problem: status, wall seconds of `geosolver.solve` (figure, matching,
deduction, traceback and the proof check), the part spent matching rule
instances and in AR, facts proved, proof steps.  The first problem of a run
pays the imports; the table says so.  Cold start (a fresh process, nothing
imported or cached) is timed separately with `--cold`.

Data: $GEOSOLVER_DATA (default ../shared/anchors/alphageometry).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
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
        r = solve(p, timeout=timeout)
        rep = r.report
        rows.append({
            "name": p.name, "status": r.status, "seconds": r.seconds, "steps": r.proof_steps, "facts": r.facts,
            "match": rep.match_seconds if rep else 0.0, "ar": rep.ar_seconds if rep else 0.0,
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
    out += ["", "| problem | status | seconds | match s | AR s | facts | proof steps |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['name']} | {r['status']} | {r['seconds']:.3f} | {r['match']:.3f} | {r['ar']:.3f} "
                   f"| {r['facts']} | {r['steps'] or ''} |")
    return "\n".join(out) + "\n"


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
    for k in keys:
        parts.append(table(SUITES[k][0], run_suite(k, args.timeout)))
    Path(args.out).write_text("\n".join(parts))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
