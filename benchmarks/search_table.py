"""A `geosolver bench` JSONL file as the search's results table (markdown).

    geosolver bench imo-ag-30 --mode search --timeout 300 --workers 2 --out /tmp/imo.jsonl
    python benchmarks/search_table.py /tmp/imo.jsonl --title "IMO-AG-30" >> benchmarks/SEARCH.md

Per problem: status, seconds, candidates tried, the auxiliary clauses of the
proof and their number (depth); problems the engine alone proves are
summarised in one line unless ``--all``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path


def algebraic(r: dict) -> bool:
    """Proved by Wu's method.  Records made before bench wrote ``algebraic`` tell it too: a proof
    without auxiliary points found after candidates were tried is full mode's algebraic phase."""
    if "algebraic" in r:
        return bool(r["algebraic"])
    return r["status"] == "solved" and (r["mode"] == "algebra" or (not r.get("aux_clauses") and r.get("candidates", 0) > 0))


def table(records: list[dict], title: str, everything: bool = False) -> str:
    solved = [r for r in records if r["status"] == "solved"]
    with_aux = [r for r in solved if r.get("aux_clauses")]
    by_wu = [r for r in solved if algebraic(r)]
    counts: dict[str, int] = {}
    for r in records:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    out = [f"### {title}: {len(solved)}/{len(records)} solved", ""]
    out.append(f"{len(solved) - len(with_aux) - len(by_wu)} by the engine alone, {len(with_aux)} with auxiliary points"
               + (f", {len(by_wu)} by Wu's method" if by_wu else "") + "; "
               + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".")
    if with_aux:
        out.append(f"With auxiliary points: median {statistics.median(r['seconds'] for r in with_aux):.1f} s, "
                   f"median {statistics.median(r['candidates'] for r in with_aux):.0f} candidates tried.")
    out += ["", "| problem | status | seconds | candidates | depth | auxiliary clauses |", "|---|---|---|---|---|---|"]
    for r in sorted(records, key=lambda r: r["name"]):
        if not everything and r["status"] == "solved" and not r.get("aux_clauses") and not algebraic(r):
            continue
        aux = "; ".join(f"`{c}`" for c in r.get("aux_clauses") or []) or ("Wu's method" if algebraic(r) else "")
        out.append(f"| {r['name']} | {r['status']} | {r['seconds']:.1f} | {r.get('candidates', 0)} "
                   f"| {len(r.get('aux_clauses') or [])} | {aux} |")
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("jsonl")
    ap.add_argument("--title", default=None)
    ap.add_argument("--all", action="store_true", help="list the problems the engine alone proves too")
    args = ap.parse_args()
    by_name = {}
    for line in Path(args.jsonl).read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            by_name[r["name"]] = r
    print(table(list(by_name.values()), args.title or Path(args.jsonl).stem, args.all), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
