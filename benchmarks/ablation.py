"""The proposers' ablation: ddar, search (heuristics), neural (the model), full (both), per budget.

    python benchmarks/ablation.py run --out /tmp/ablation --budgets 60 300 --workers 2
    python benchmarks/ablation.py table --out /tmp/ablation > benchmarks/ABLATION.md

``run`` calls ``geosolver bench`` once per suite, mode and budget (``--resume``:
an interrupted run carries on), on IMO-AG-30 and on the problems of the other
suites that the engine alone does not prove (found by a ``ddar`` run first):
JGEX-AG-231's, and ``textbook-aux``, our own textbook problems that need a point
(``problems/textbook_aux.txt``: a development set, not a benchmark, run only when named).  ``table``
prints, per suite and budget, each mode's solved count, median seconds to a
proof and median candidates tried before it (over the problems that needed an
auxiliary point), and the problems one mode solves that another does not.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from geosolver.bench import read_records

MODES = ("ddar", "search", "neural", "full")
# the name in records and tables -> what `geosolver bench` is given
SUITES: dict[str, str] = {"imo-ag-30": "imo-ag-30", "jgex-ag-231": "jgex-ag-231",
                          "textbook-aux": str(Path(__file__).resolve().parents[1] / "problems" / "textbook_aux.txt")}
BENCHMARK_SUITES = ("imo-ag-30", "jgex-ag-231")  # run by default; the development set only when named


def _records(path: Path) -> dict[str, dict]:
    return {r["name"]: r for r in read_records(path)}


def _bench(suite: str, mode: str, budget: int, out: Path, workers: int, names: list[str] | None) -> Path:
    path = out / f"{suite}-{mode}-{budget}.jsonl"
    cmd = [sys.executable, "-m", "geosolver", "bench", SUITES[suite], "--mode", mode, "--timeout", str(budget),
           "--workers", str(workers), "--out", str(path), "--resume"]
    if names:
        cmd += ["--names", ",".join(names)]
    print("$", " ".join(cmd[2:]), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return path


def run(out: Path, budgets: list[int], modes: list[str], workers: int, suites: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    saved = out / "left.json"
    left = json.loads(saved.read_text()) if saved.exists() else {}  # a run of another suite keeps this one's
    for suite in suites:
        ddar = _records(_bench(suite, "ddar", 60, out, workers, None))
        left[suite] = sorted(n for n, r in ddar.items() if r["status"] != "solved")
    saved.write_text(json.dumps(left, indent=1) + "\n")
    for budget in budgets:
        for suite in suites:
            names = None if suite == "imo-ag-30" else left[suite]  # IMO-AG-30 whole, the others' rest
            if names == []:  # DDAR proves them all: nothing to search
                continue
            for mode in modes:
                if mode != "ddar":
                    _bench(suite, mode, budget, out, workers, names)


def table(out: Path) -> str:
    left = json.loads((out / "left.json").read_text())
    lines = ["# Ablation: who proposes the auxiliary points", "",
             "Made by `python benchmarks/ablation.py run` (records in the folder given) and "
             "`python benchmarks/ablation.py table`.", ""]
    for suite in left:
        ddar = _records(out / f"{suite}-ddar-60.jsonl")
        scope = set(ddar) if suite == "imo-ag-30" else set(left[suite])
        budgets = sorted({int(p.stem.rsplit("-", 1)[1]) for p in out.glob(f"{suite}-*.jsonl") if "-ddar-" not in p.name})
        for budget in budgets:
            lines += [f"## {suite}{'' if suite == 'imo-ag-30' else f' (the {len(scope)} problems DDAR leaves)'}, "
                      f"{budget} s per problem", "",
                      "| mode | solved | with auxiliary points | median s to proof | median candidates before proof |",
                      "|---|---|---|---|---|"]
            solved_by, tried = {}, {}
            for mode in MODES:
                recs = ddar if mode == "ddar" else _records(out / f"{suite}-{mode}-{budget}.jsonl")
                recs = {n: r for n, r in recs.items() if n in scope}
                if not recs:
                    continue
                solved = [r for r in recs.values() if r["status"] == "solved"]
                aux = [r for r in solved if r.get("aux_clauses")]
                solved_by[mode] = {r["name"] for r in solved}
                tried[mode] = {r["name"]: r["candidates"] for r in aux}
                med_s = f"{statistics.median(r['seconds'] for r in aux):.1f}" if aux else "-"
                med_c = f"{statistics.median(r['candidates'] for r in aux):g}" if aux else "-"
                lines.append(f"| {mode} | {len(solved)}/{len(recs)} | {len(aux)} | {med_s} | {med_c} |")
            lines.append("")
            both = sorted(set(tried.get("search", {})) & set(tried.get("full", {})))
            if both:
                a, b = (statistics.median(tried[m][n] for n in both) for m in ("search", "full"))
                lines += [f"On the {len(both)} problems both `search` and `full` prove with auxiliary points, the median "
                          f"candidates tried before the proof: {a:g} (search) and {b:g} (full), "
                          f"{a / max(b, 1):.1f}x.", ""]
            for a in solved_by:
                for b in solved_by:
                    only = sorted(solved_by[a] - solved_by[b])
                    if a != b and only and b != "ddar":
                        lines.append(f"- {a}, not {b}: {', '.join(only)}")
            lines.append("")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["run", "table"])
    ap.add_argument("--out", required=True, type=Path, help="folder of the bench records")
    ap.add_argument("--budgets", type=int, nargs="+", default=[60, 300])
    ap.add_argument("--modes", nargs="+", default=["search", "neural", "full"], choices=MODES[1:])
    ap.add_argument("--suites", nargs="+", default=list(BENCHMARK_SUITES), choices=list(SUITES),
                    help="default: the two benchmarks; textbook-aux (the development set) only when named")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if args.action == "run":
        run(args.out, args.budgets, args.modes, args.workers, args.suites)
    else:
        print(table(args.out), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
