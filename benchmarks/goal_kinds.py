"""Which goals a data set teaches, beside which goals problem files ask.

    python benchmarks/goal_kinds.py --data DIR [DIR ...] --problems FILE [FILE ...] [--needing-points R.jsonl ...]

For each data folder of ``geosolver generate``: the share of each goal predicate among
its examples with auxiliary points, essential and not; for the problem files (read
together): the share among their goals; with ``--needing-points``, only the problems
that those ``geosolver bench --mode search`` records proved with auxiliary points or
did not prove.  A model trained on random figures learns to
propose for the goals random figures give; ``geosolver train``'s ``goal_balance``
evens them out.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geosolver.bench import read_records
from geosolver.generate import read_examples
from geosolver.language import load_problems
from geosolver.neural.train import goal_kind


def shares(counts: Counter, top: int = 10) -> str:
    total = sum(counts.values())
    return ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in counts.most_common(top)) + f" (of {total})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", nargs="*", default=[], type=Path)
    p.add_argument("--problems", nargs="*", default=[], type=Path)
    p.add_argument("--needing-points", nargs="*", default=None, type=Path,
                   help="bench records: count only the problems they prove with points or do not prove")
    args = p.parse_args()
    for folder in args.data:
        kinds: dict[bool, Counter] = {True: Counter(), False: Counter()}
        for x in read_examples(folder):
            if x["aux"]:
                kinds[bool(x.get("essential"))][goal_kind(x["goal"])] += 1
        print(f"{folder}, essential: {shares(kinds[True])}")
        print(f"{folder}, not essential: {shares(kinds[False])}")
    if args.problems:
        keep = None
        if args.needing_points is not None:
            keep = {r["name"] for path in args.needing_points for r in read_records(path)
                    if r["aux_clauses"] or r["status"] != "solved"}
        asked = Counter(g.statement.pred for f in args.problems for prob in load_problems(f)
                        if keep is None or prob.name in keep for g in prob.goals)
        print(f"{', '.join(f.name for f in args.problems)}: {shares(asked)}")


if __name__ == "__main__":
    main()
