"""A development set for choosing proposer weights without looking at the benchmark suites.

    python benchmarks/synthetic_dev.py write --data DIR --out dev.txt --count 60
    geosolver bench dev.txt --mode neural --model runs/X/model.safetensors --timeout 20 --workers 2 --out dev-X.jsonl
    python benchmarks/synthetic_dev.py table dev-X.jsonl dev-Y.jsonl ...
    python benchmarks/synthetic_dev.py hard --problems dev.txt --records dev-search.jsonl --min-candidates 10 --out hard.txt

``write`` takes, from a data set of ``geosolver generate``, the problems that
``geosolver train`` holds out (the same hash of the problem text) and whose goal
DD + AR cannot prove without auxiliary points (``essential``; from
``--min-aux`` to ``--max-aux`` of them in the generator's proof), at most ``--per-figure`` goals
of a figure, in the shards' order, and writes them as a problem file.  They are
random figures, not olympiad problems, but no model trained on the data set has
seen them, and each needs a point: held-out top-k accuracy asks whether the
model writes the generator's clause, this asks whether its proposals lead the
search to any proof.  ``table`` prints, per record file, the problems solved
and the candidates tried before the proofs.  From a data set that the models to
compare never trained on, ``--holdout 1.0`` takes any problem.

Random figures are easier than olympiad problems: the heuristics prove most of them
at their first candidate or two, so every model looks alike there.  ``hard`` keeps
the problems of a file that a ``--mode search`` run of it proved only after
``--min-candidates`` candidates or did not prove: the set on which a proposer can
show that it does better than the heuristics.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geosolver.neural.train import held_out


def write(data: Path, out: Path, count: int, holdout: float, per_figure: int, min_aux: int, max_aux: int) -> int:
    seen: dict[str, int] = {}  # problem -> goals taken
    taken = 0
    names: set[str] = set()
    lines = [f"# essential examples of {data}, the problems held out at {holdout} (benchmarks/synthetic_dev.py)"]
    for shard in sorted(data.glob("shard-*.jsonl")):
        for line in shard.read_text().splitlines():
            x = json.loads(line)
            if (not x.get("essential") or not min_aux <= len(x["aux"]) <= max_aux or seen.get(x["problem"], 0) >= per_figure
                    or not held_out(x["problem"], holdout)):
                continue
            seen[x["problem"]] = seen.get(x["problem"], 0) + 1
            taken += 1
            name = f"{shard.stem}_figure_{x['figure']}_goal_{seen[x['problem']]}"
            if name in names:  # two problems from figures of one number (a shard of several runs)
                name += f"_{taken}"
            names.add(name)
            lines += [name, f"{x['problem']} ? {x['goal']}"]
            if taken >= count:
                break
        if taken >= count:
            break
    out.write_text("\n".join(lines) + "\n")
    return taken


def hard(problems: Path, records: Path, min_candidates: int, out: Path) -> int:
    from geosolver.bench import read_records
    from geosolver.language import find_entries

    recs = {r["name"]: r for r in read_records(records)}
    lines = [(f"# problems of {problems.name} that search ({records.name}) proved after {min_candidates} or more "
              "candidates, or did not prove (benchmarks/synthetic_dev.py hard)")]
    for e in find_entries(problems):
        r = recs.get(e.name)
        if r is not None and (r["status"] != "solved" or r["candidates"] >= min_candidates):
            lines += [e.name, e.text]
    out.write_text("\n".join(lines) + "\n")
    return (len(lines) - 1) // 2


def table(paths: list[Path]) -> str:
    rows = ["| records | solved | with auxiliary points | median candidates before proof | solved within 10 candidates |",
            "|---|---|---|---|---|"]
    for path in paths:
        recs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        solved = [r for r in recs if r["status"] == "solved"]
        aux = [r["candidates"] for r in solved if r["aux_clauses"]]
        med = f"{statistics.median(aux):.0f}" if aux else "-"
        rows.append(f"| {path.name} | {len(solved)}/{len(recs)} | {len(aux)} | {med} | "
                    f"{sum(1 for r in solved if r['candidates'] <= 10)} |")
    return "\n".join(rows) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("--data", type=Path, required=True)
    w.add_argument("--out", type=Path, required=True)
    w.add_argument("--count", type=int, default=60)
    w.add_argument("--min-aux", type=int, default=1, help="auxiliary points of the generator's proof at least")
    w.add_argument("--max-aux", type=int, default=2, help="auxiliary points of the generator's proof at most "
                   "(the search's default depth)")
    w.add_argument("--per-figure", type=int, default=3, help="goals of one figure at most")
    w.add_argument("--holdout", type=float, default=0.02, help="the training recipe's held-out fraction")
    h = sub.add_parser("hard")
    h.add_argument("--problems", type=Path, required=True, help="a file written by write")
    h.add_argument("--records", type=Path, required=True, help="geosolver bench's records of it with --mode search")
    h.add_argument("--min-candidates", type=int, default=10)
    h.add_argument("--out", type=Path, required=True)
    t = sub.add_parser("table")
    t.add_argument("records", type=Path, nargs="+")
    args = p.parse_args()
    if args.cmd == "write":
        print(f"{write(args.data, args.out, args.count, args.holdout, args.per_figure, args.min_aux, args.max_aux)} problems in {args.out}")
    elif args.cmd == "hard":
        print(f"{hard(args.problems, args.records, args.min_candidates, args.out)} problems in {args.out}")
    else:
        print(table(args.records), end="")


if __name__ == "__main__":
    main()
