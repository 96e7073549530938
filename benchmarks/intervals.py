"""How far a median of candidates tried can be trusted: the ratio of two runs' medians, with a
bootstrap interval over the problems.

    python benchmarks/intervals.py SEARCH.jsonl FULL.jsonl [--aux-only] [--samples 2000]
        [--problems FILE --goal PRED | --written 'FORM;FORM...' | --written line-pairs]

Both files are ``geosolver bench`` records of one problem set.  The problems both runs
prove (with ``--aux-only``: both with auxiliary points, as the ablation's medians are
taken) are resampled with replacement ``--samples`` times (a fixed seed, so the figures
repeat); each time the ratio median(first) / median(second) is taken, and the 5th and
95th percentiles are printed beside the ratio itself.  Over 10 or 17 problems this
interval is wide (``benchmarks/ABLATION.md``): it says how much of a difference between
two models' medians the problems alone can make.  Also printed: the geometric mean of
each run's candidates over every problem of the second file, an unproved one counted
as ``--unsolved`` candidates.  With ``--problems`` (the problem file of the records), only
the problems whose goal is ``--goal`` (``cong``), or that write a clause of one of the
``--written`` forms (``on_line,on_line``: see ``clause_forms.py``).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clause_forms import LINE_PAIRS, form

from geosolver.bench import read_records
from geosolver.language import load_problems


def records(path: Path) -> dict[str, dict]:
    return {r["name"]: r for r in read_records(path)}


def paired(first: dict[str, dict], second: dict[str, dict], aux_only: bool) -> list[tuple[int, int]]:
    """(first's candidates, second's) for each problem both prove, by problem name: records
    come in the order their problems finished, which two workers change from run to run, and
    the bootstrap's samples must not depend on it."""
    def proved(r: dict) -> bool:
        return r["status"] == "solved" and (bool(r["aux_clauses"]) or not aux_only)

    return [(first[n]["candidates"], second[n]["candidates"]) for n in sorted(second)
            if n in first and proved(second[n]) and proved(first[n])]


def ratio_interval(pairs: list[tuple[int, int]], samples: int = 2000, level: float = 0.9,
                   seed: int = 0) -> tuple[float, float, float]:
    """(median(first) / median(second), the interval's low end, its high end)."""
    def ratio(sample: list[tuple[int, int]]) -> float:
        return statistics.median(a for a, _ in sample) / max(statistics.median(b for _, b in sample), 1)

    rng = random.Random(seed)
    got = sorted(ratio([rng.choice(pairs) for _ in pairs]) for _ in range(samples))
    tail = round(samples * (1 - level) / 2)
    return ratio(pairs), got[tail], got[samples - 1 - tail]


def geometric_mean(recs: dict[str, dict], names: list[str], unsolved: int) -> float:
    def cost(r: dict | None) -> int:
        return max(r["candidates"], 1) if r is not None and r["status"] == "solved" else unsolved

    return math.exp(statistics.mean(math.log(cost(recs.get(n))) for n in names))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("first", type=Path, help="records of the run to compare against (e.g. --mode search)")
    p.add_argument("second", type=Path, help="records of the run compared (e.g. --mode full)")
    p.add_argument("--aux-only", action="store_true", help="only problems both prove with auxiliary points")
    p.add_argument("--samples", type=int, default=2000)
    p.add_argument("--unsolved", type=int, default=2000, help="candidates counted for an unproved problem")
    p.add_argument("--problems", type=Path, help="the records' problem file, for --goal and --written")
    p.add_argument("--goal", help="only the problems whose goal is this predicate")
    p.add_argument("--written", help="only the problems with a clause of one of these forms, separated by ';' (a form is "
                                     "its constructions joined by ',': 'on_line,on_line;on_line,on_pline'), or "
                                     "'line-pairs' for every two-line-loci form")
    args = p.parse_args()
    first, second = records(args.first), records(args.second)
    if args.goal or args.written:
        if args.problems is None:
            raise SystemExit("--goal and --written need --problems")
        forms = LINE_PAIRS if args.written == "line-pairs" else set((args.written or "").split(";")) - {""}
        keep = {prob.name for prob in load_problems(str(args.problems))
                if (not args.goal or any(g.statement.pred == args.goal for g in prob.goals))
                and (not forms or any(form(c.text) in forms for c in prob.clauses))}
        second = {n: r for n, r in second.items() if n in keep}
    pairs = paired(first, second, args.aux_only)
    if not pairs:
        raise SystemExit("no problem is proved in both files")
    point, lo, hi = ratio_interval(pairs, args.samples)
    names = list(second)
    print(f"{len(pairs)} problems proved in both: median {statistics.median(a for a, _ in pairs):g} against "
          f"{statistics.median(b for _, b in pairs):g}, {point:.2f}x (90% bootstrap interval {lo:.2f}-{hi:.2f})")
    print(f"geometric mean over the {len(names)} problems of {args.second.name} (unproved: {args.unsolved}): "
          f"{geometric_mean(first, names, args.unsolved):.1f} against {geometric_mean(second, names, args.unsolved):.1f}")


if __name__ == "__main__":
    main()
