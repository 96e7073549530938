"""How problem files write their clauses, beside how a generated data set does.

    python benchmarks/clause_forms.py --data DIR --problems FILE [FILE ...] [--top 25]

A clause's form is its constructions, sorted (``on_line,on_line`` for
``x = on_line x a b, on_line x c d``).  For the problem files (read together) and
for the distinct problems of the data set's examples: each form's share of the
clauses, the ratio of the two, and two sums: clauses that are one locus alone (a
point left with one degree of freedom, ``d = on_circle d a b``) and clauses that
are two line loci that a named intersection also spells (``intersection_ll``).
The model reads problems in the data's spelling; what the files write and the
data never does is a gap for ``generate --semi-free`` and ``train``'s ``loci_share``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geosolver.generate import LOCUS_STEPS, read_examples
from geosolver.language import load_problems
from geosolver.neural.tokenizer import LINE_INTERSECTIONS

LINE_PAIRS = {",".join(sorted(name for name, _ in loci)) for loci in LINE_INTERSECTIONS.values()}


def form(clause: str) -> str:
    body = clause.split(" = ", 1)[1] if " = " in clause else clause
    return ",".join(sorted(call.split()[0] for call in body.split(",")))


def share(counts: Counter, keys) -> float:
    return 100 * sum(counts[k] for k in keys) / max(sum(counts.values()), 1)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--problems", nargs="+", required=True, type=Path)
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args()
    files = Counter(form(c.text) for f in args.problems for prob in load_problems(f) for c in prob.clauses)
    seen: set[str] = set()
    data = Counter()
    for x in read_examples(args.data):
        if x["problem"] not in seen:
            seen.add(x["problem"])
            data.update(form(c) for c in x["problem"].split("; "))
    print(f"{', '.join(f.name for f in args.problems)}: {sum(files.values())} clauses; "
          f"{args.data}: {sum(data.values())} clauses of {len(seen)} problems\n")
    print("| form | problem files | data | ratio |\n|---|---|---|---|")
    for k, _ in files.most_common(args.top):
        a, b = share(files, [k]), share(data, [k])
        print(f"| {k} | {a:.1f}% | {b:.2f}% | {a / b:.1f}x |" if b else f"| {k} | {a:.1f}% | 0 | - |")
    for what, keys in (("one locus alone", set(LOCUS_STEPS)), ("two line loci", LINE_PAIRS)):
        print(f"\n{what}: problem files {share(files, keys):.1f}%, data {share(data, keys):.2f}%")


if __name__ == "__main__":
    main()
