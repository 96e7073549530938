"""The algebraic prover's table (benchmarks/ALGEBRA.md) from two `geosolver bench` runs.

    geosolver bench imo-ag-30 --mode algebra --timeout 300 --workers 2 --out runs/imo-algebra.jsonl
    geosolver bench imo-ag-30 --mode ddar --timeout 60 --out runs/imo-ddar.jsonl
    python benchmarks/algebra_table.py runs/imo-algebra.jsonl runs/imo-ddar.jsonl > benchmarks/ALGEBRA.md

Problem by problem: Wu's method's status, seconds and why it stopped; DDAR's status; and
whether either proves it (the union).
"""

from __future__ import annotations

import sys
from pathlib import Path

from geosolver.bench import read_records


def _records(path: str) -> dict[str, dict]:
    if not Path(path).is_file():
        sys.exit(f"algebra_table.py: no file {path}")
    return {r["name"]: r for r in read_records(path)}


def table(algebra_path: str, ddar_path: str) -> str:
    algebra, ddar = _records(algebra_path), _records(ddar_path)
    names = sorted(algebra)
    wu = [n for n in names if algebra[n]["status"] == "solved"]
    dd = [n for n in names if ddar.get(n, {}).get("status") == "solved"]
    union = sorted(set(wu) | set(dd))
    lines = [
        "# Wu's method (`--mode algebra`) on IMO-AG-30",
        "",
        f"Machine: this project's 2-core machine; `{Path(algebra_path).name}` and `{Path(ddar_path).name}` "
        "(commands in `benchmarks/algebra_table.py`).",
        "",
        f"**Wu's method alone: {len(wu)}/{len(names)}**; DDAR alone {len(dd)}/{len(names)}; "
        f"**the union: {len(union)}/{len(names)}** (published for Wu's method on a laptop: 15/30 alone, "
        "21/30 with DD+AR; AlphaGeometry's own run of Wu's method: 10/30).",
        "",
        "| problem | algebra | seconds | why it stopped | ddar | union |",
        "|---|---|---|---|---|---|",
    ]
    for n in names:
        a, d = algebra[n], ddar.get(n, {})
        why = (a.get("error") or "").replace("algebra: ", "").replace("|", "/")[:90]
        both = "yes" if n in union else ""
        lines.append(f"| {n} | {a['status']} | {a['seconds']:.1f} | {why} | {d.get('status', '-')} | {both} |")
    only = sorted(set(wu) - set(dd))
    lines += ["", f"Proved by Wu's method and not by DDAR: {', '.join(only) or 'none'}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(sys.argv[1], sys.argv[2]), end="")
