"""Throughput of `geosolver generate`, read off a run's folder (markdown).

    geosolver generate /data/synth --figures 20000 --workers 2
    python benchmarks/generate_table.py /data/synth >> benchmarks/GENERATE.md

Seconds are each shard's own compute time in its worker (one core), so the
rates are per core-minute, whatever the number of workers.  Examples are
counted after de-duplication; "essential" examples are those whose goal DD + AR
cannot prove from the problem without the auxiliary clauses.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from geosolver.generate import read_examples


def base_shape(problem: str) -> str:
    """The construction of a problem's first clause (the figure's base shape: triangle, segment, ...)."""
    return problem.split(";", 1)[0].split(" = ", 1)[1].split()[0]


def table(folder: Path) -> str:
    lines = [json.loads(x) for x in (folder / "progress.jsonl").read_text().splitlines() if x.strip()]
    settings = next(r["settings"] for r in lines if "settings" in r)
    shards = [r for r in lines if "shard" in r]
    figures = sum(r["figures"] for r in shards)
    failed = sum(r["failed"] for r in shards)
    errors = sum(len(r.get("errors", [])) for r in shards)
    minutes = sum(r["seconds"] for r in shards) / 60
    total = plain = aux = essential = 0
    kinds: collections.Counter = collections.Counter()
    depth: collections.Counter = collections.Counter()
    goals: collections.Counter = collections.Counter()
    problems: dict[str, set] = collections.defaultdict(set)  # base shape -> essential problems
    figures_with: set[int] = set()
    for x in read_examples(folder):
        total += 1
        if not x["aux"]:
            plain += 1
            continue
        aux += 1
        if x.get("essential"):
            essential += 1
            depth[len(x["aux"])] += 1
            kinds.update(c.split(" = ", 1)[1].split()[0] for c in x["aux"])
            goals[x["goal"].split()[0]] += 1
            problems[base_shape(x["problem"])].add(x["problem"])
            figures_with.add(x["figure"])
    rate = (lambda n: f"{n / minutes:.0f}") if minutes else (lambda n: "-")
    out = [f"### {folder.name}: {figures} figures, {len(shards)} shards", "",
           f"Settings: {json.dumps(settings)}.", "",
           f"{failed} figures could not be drawn or saturated ({errors} with an engine error, recorded); "
           f"{minutes:.1f} core-minutes in all.", "",
           "| examples | count | per core-minute |", "|---|---|---|",
           f"| all | {total} | {rate(total)} |",
           f"| without auxiliary points | {plain} | {rate(plain)} |",
           f"| with auxiliary points | {aux} | {rate(aux)} |",
           f"| with auxiliary points DD + AR cannot do without (essential) | {essential} | {rate(essential)} |", "",
           "Essential examples by number of auxiliary clauses: "
           + ", ".join(f"{k}: {v}" for k, v in sorted(depth.items())) + ".", "",
           "Their constructions: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()) + ".", "",
           f"They come from {sum(map(len, problems.values()))} distinct problems of {len(figures_with)} figures; "
           "problems by the figure's base shape: "
           + ", ".join(f"{k} {len(v)}" for k, v in sorted(problems.items(), key=lambda t: -len(t[1]))) + "; "
           "examples by goal: " + ", ".join(f"{k} {v}" for k, v in goals.most_common()) + ".", ""]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    args = ap.parse_args()
    print(table(args.folder), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
