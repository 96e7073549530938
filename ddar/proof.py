"""Traceback: from proved goals back to premises, as a numbered proof (docs/PROOF_FORMAT.md).

Every proved fact keeps the one reason it was first proved by, and a reason
only cites facts proved before it, so walking reasons back from the goals
visits an acyclic graph.  The proof is the part of that graph the goals
need, in an order where each step follows the steps it uses; facts the
goals do not need are left out.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import numpy as np

from ddar.engine import Reason
from ddar.facts import Fact
from ddar.predicates import format_angle

FORMAT = "geosolver-proof/1"

AR_NAMES = {"angle": "angle chase", "ratio": "ratio chase", "distance": "distance chase"}


def needed_facts(proved: dict[Fact, Reason], goals: Sequence[Fact]) -> list[Fact]:
    """The facts the goals rest on, each after the facts its reason uses (goals last)."""
    order: list[Fact] = []
    done: set[Fact] = set()
    for goal in goals:
        stack: list[tuple[Fact, bool]] = [(goal, False)]
        while stack:
            f, expanded = stack.pop()
            if f in done:
                continue
            if expanded:
                done.add(f)
                order.append(f)
                continue
            stack.append((f, True))
            for g in reversed(proved[f].uses):
                if g not in done:
                    stack.append((g, False))
    return order


_LINE_PAIRS = {"para", "perp", "eqangle", "aconst", "npara", "nperp"}
_SEGMENT_PAIRS = {"cong", "eqratio", "rconst"}


def fact_objects(f: Fact, names: Sequence[str]) -> dict:
    """The points, lines (point pairs, or all the points of a coll), segments and circles
    a fact speaks of: what a proof page highlights when the step is selected."""
    pts = [names[i] for i in f.args]
    pairs = [[pts[i], pts[i + 1]] for i in range(0, len(pts) - 1, 2)]
    out: dict = {"points": list(dict.fromkeys(pts)), "lines": [], "segments": [], "circles": []}
    if f.pred == "coll":
        out["lines"] = [pts]
    elif f.pred in _LINE_PAIRS:
        out["lines"] = pairs
    elif f.pred in _SEGMENT_PAIRS:
        out["segments"] = pairs
    elif f.pred == "midp":
        out["segments"] = [[pts[1], pts[2]]]
    elif f.pred == "cyclic":
        out["circles"] = [{"through": pts}]
    elif f.pred == "circle":
        out["circles"] = [{"center": pts[0], "through": pts[1:]}]
    elif f.pred in ("simtri", "contri"):
        out["segments"] = [[t[i], t[(i + 1) % 3]] for t in (pts[:3], pts[3:]) for i in range(3)]
    return out


def fact_json(f: Fact, names: Sequence[str]) -> dict:
    value = None
    if f.value is not None:
        value = str(f.value)
    return {"pred": f.pred, "points": [names[i] for i in f.args], "value": value}


def build_proof(
    proved: dict[Fact, Reason],
    goals: Sequence[Fact],
    names: Sequence[str],
    coords: np.ndarray,
    scale: float,
    premises: Sequence[Fact],
    problem: str = "",
    aux: Sequence[str] = (),
) -> dict:
    """The proof of ``goals`` (all proved) as a JSON-ready dict."""
    facts = needed_facts(proved, goals)
    index = {f: k for k, f in enumerate(facts, start=1)}
    steps = []
    for f in facts:
        r = proved[f]
        step: dict = {"index": index[f], "kind": r.kind, "fact": fact_json(f, names), "text": f.text(names),
                      "objects": fact_objects(f, names)}
        if r.kind == "rule":
            step["rule"] = r.rule.name
            step["binding"] = {v: names[p] for v, p in zip(r.rule.variables, r.binding)}
            step["uses"] = sorted({index[g] for g in r.uses})
        elif r.kind == "ar":
            step["table"] = r.table
            step["uses"] = [
                {"step": index[g], "coefs": [str(c) for c in cs]} for g, cs in sorted(zip(r.uses, r.coefs), key=lambda u: index[u[0]])
            ]
        elif r.kind == "subset":
            step["uses"] = [index[r.uses[0]]]
        steps.append(step)
    aux_set = set(aux)
    return {
        "format": FORMAT,
        "problem": problem,
        "scale": float(scale),
        "points": [
            {"name": n, "x": float(coords[i][0]), "y": float(coords[i][1]), "aux": n in aux_set}
            for i, n in enumerate(names)
        ],
        "premises": [fact_json(f, names) for f in premises],
        "goals": [fact_json(g, names) for g in goals],
        "steps": steps,
    }


def used_points(proof: dict) -> set[str]:
    """The points named by the facts of a proof's steps."""
    return {p for s in proof["steps"] for p in s["fact"]["points"]}


def format_proof(proof: dict) -> str:
    """The proof as numbered steps a person reads: fact, then why."""
    lines = []
    goals = "; ".join(_fact_text(g) for g in proof["goals"])
    lines.append(f"Proof of {goals}" + (f" ({proof['problem']})" if proof.get("problem") else "") + ":")
    aux = [p["name"] for p in proof["points"] if p.get("aux")]
    if aux:
        lines.append(f"Auxiliary points: {' '.join(aux)}")
    width = max((len(s["text"]) for s in proof["steps"]), default=0)
    for s in proof["steps"]:
        why = _why(s)
        lines.append(f"{s['index']:>4}. {s['text']:<{width}}  [{why}]")
    return "\n".join(lines) + "\n"


def _fact_text(f: dict) -> str:
    parts = [f["pred"], *f["points"]]
    if f.get("value") is not None:
        v = Fraction(f["value"])
        parts.append(format_angle(v) if f["pred"] == "aconst" else str(v))
    return " ".join(parts)


def _why(step: dict) -> str:
    kind = step["kind"]
    if kind == "premise":
        return "premise"
    if kind == "rule":
        return f"{step['rule']}: " + ", ".join(map(str, step["uses"]))
    if kind == "ar":
        cited = ", ".join(str(u["step"]) for u in step["uses"])
        return f"{AR_NAMES[step['table']]}: {cited}" if cited else "identity"
    return f"part of {step['uses'][0]}"
