"""Traceback: from proved goals back to premises, as a numbered proof (docs/PROOF_FORMAT.md).

Every proved fact keeps the one reason it was first proved by, and a reason
only cites facts proved before it, so walking reasons back from the goals
visits an acyclic graph.  The proof is the part of that graph the goals
need, in an order where each step follows the steps it uses; facts the
goals do not need are left out.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ddar.ar import Translator
from ddar.facts import Fact
from ddar.figure_facts import FigureFact, branch_fact
from ddar.notation import fact_text
from ddar.predicates import PREDICATES

if TYPE_CHECKING:  # the engine (numba) loads only where a problem is solved
    from ddar.engine import Reason

FORMAT = "geosolver-proof/2"

AR_NAMES = {"angle": "angle chase", "ratio": "ratio chase", "distance": "distance chase", "square": "squared-length chase"}


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


def fact_objects(f: Fact, names: Sequence[str]) -> dict:
    """The points, lines (point pairs, or all the points of a coll), segments and circles
    a fact speaks of: what a proof page highlights when the step is selected."""
    pts = [names[i] for i in f.args]
    pairs = [[pts[i], pts[i + 1]] for i in range(0, len(pts) - 1, 2)]
    out: dict = {"points": list(dict.fromkeys(pts)), "lines": [], "segments": [], "circles": []}
    if f.pred == "coll":
        out["lines"] = [pts]
    elif PREDICATES[f.pred].pairs:
        out[PREDICATES[f.pred].pairs] = pairs
    elif f.pred == "midp":
        out["segments"] = [[pts[1], pts[2]]]
    elif f.pred == "cyclic":
        out["circles"] = [{"through": pts}]
    elif f.pred == "circle":
        out["circles"] = [{"center": pts[0], "through": pts[1:]}]
    elif f.pred in ("simtri", "contri"):
        out["segments"] = [[t[i], t[(i + 1) % 3]] for t in (pts[:3], pts[3:]) for i in range(3)]
    return out


def figure_objects(x: FigureFact, names: Sequence[str]) -> dict:
    """What a figure fact speaks of, for the page: its line (order), its lines (angles,
    npara, nperp), its triangles (ncoll, sameclock, sameside)."""
    pts = [names[i] for i in x.args]
    out: dict = {"points": list(dict.fromkeys(pts)), "lines": [], "segments": [], "circles": []}
    if x.pred == "order":
        out["lines"] = [pts]
    elif x.pred in ("angle_range", "npara", "nperp"):
        out["lines"] = [[pts[i], pts[i + 1]] for i in range(0, len(pts), 2)]
    elif x.pred in ("ncoll", "sameclock", "sameside"):
        out["segments"] = [[t[i], t[(i + 1) % len(t)]] for t in (pts[:3], pts[3:]) if t for i in range(len(t))]
    return out


def fact_json(f: Fact, names: Sequence[str]) -> dict:
    value = None
    if f.value is not None:
        value = str(f.value)
    return {"pred": f.pred, "points": [names[i] for i in f.args], "value": value}


def _target_angle(f: Fact) -> tuple[tuple[int, ...], Fraction]:
    """The angle an angle-table conclusion is about, as ``angle_range`` points, and the
    multiple of pi it equals: the conclusion's equation is that angle minus the constant."""
    a = f.args
    if f.pred in ("para", "perp"):
        return (a[2], a[3], a[0], a[1]), Fraction(1, 2) if f.pred == "perp" else Fraction(0)
    if f.pred == "eqangle":
        return a, Fraction(0)
    if f.pred == "aconst":
        return a, f.value
    if f.pred == "coll":
        return (a[0], a[2], a[0], a[1]), Fraction(0)
    raise ValueError(f"{f.pred} is no angle conclusion")


def figure_facts(f: Fact, r: Reason, tr: Translator) -> list[FigureFact]:
    """What the step proving ``f`` reads off the figure: the checks of its rule, the order of
    the points of each line a distance chase adds lengths along, and, for an angle chase that
    divides (fractional coefficients), the range that fixes the branch."""
    if r.kind == "rule":
        binding = dict(zip(r.rule.variables, r.binding))
        out = []
        for a in r.rule.checks:
            g = Fact.make(a.pred, [binding[v] for v in a.args], a.value)
            out.append(FigureFact(g.pred, g.args))
        return out
    if r.kind == "union" and f.pred == "cyclic":  # points on circles through three points
        return [FigureFact("ncoll", tuple(sorted(set.intersection(*(set(g.args) for g in r.uses)))))]
    if r.kind == "ar" and r.table == "distance":
        lines = [g for g in (*r.uses, f) if g.pred == "coll"]  # f too: AB + BC = AC names the middle
        return [FigureFact("order", tuple(tr.along(g.args))) for g in lines]
    if r.kind == "ar" and r.table == "angle":
        q = math.lcm(*(c.denominator for cs in r.coefs for c in cs))
        if q > 1:
            angle, constant = _target_angle(f)
            return [branch_fact(angle, constant, q)]
    return []


def build_proof(
    proved: dict[Fact, Reason],
    goals: Sequence[Fact],
    names: Sequence[str],
    coords: np.ndarray,
    scale: float,
    premises: Sequence[Fact],
    problem: str = "",
    aux: Sequence[str] = (),
    source: dict | None = None,
) -> dict:
    """The proof of ``goals`` (all proved) as a JSON-ready dict.  ``source`` ({text, seed}):
    what rebuilds the figure, for a checker that trusts no coordinates."""
    facts = needed_facts(proved, goals)
    tr = Translator(coords)
    drawn = {f: figure_facts(f, proved[f], tr) for f in facts}
    figure_order = list(dict.fromkeys(x for f in facts for x in drawn[f]))  # first use first
    figure_index = {x: k for k, x in enumerate(figure_order, start=1)}
    index = {f: k for k, f in enumerate(facts, start=len(figure_order) + 1)}
    steps = []
    for x in figure_order:
        steps.append({"index": figure_index[x], "kind": "figure", "fact": x.json(names), "text": x.text(names),
                      "objects": figure_objects(x, names)})
    for f in facts:
        r = proved[f]
        step: dict = {"index": index[f], "kind": r.kind, "fact": fact_json(f, names), "text": f.text(names),
                      "objects": fact_objects(f, names)}
        cited = sorted({figure_index[x] for x in drawn[f]})
        if r.kind == "rule":
            step["rule"] = r.rule.name
            step["binding"] = {v: names[p] for v, p in zip(r.rule.variables, r.binding)}
            step["uses"] = sorted({index[g] for g in r.uses})
            step["figure"] = cited
        elif r.kind == "ar":
            step["table"] = r.table
            step["uses"] = [
                {"step": index[g], "coefs": [str(c) for c in cs]} for g, cs in sorted(zip(r.uses, r.coefs), key=lambda u: index[u[0]])
            ]
            step["figure"] = cited
        elif r.kind == "subset":
            step["uses"] = [index[r.uses[0]]]
        elif r.kind == "algebra":
            step["uses"] = sorted(index[g] for g in r.uses)
            step["certificate"] = map_facts(r.certificate, index.__getitem__)  # premises by step number
        elif r.kind == "union":
            step["uses"] = sorted(index[g] for g in r.uses)
            step["figure"] = cited
        steps.append(step)
    aux_set = set(aux)
    return {
        "format": FORMAT,
        "problem": problem,
        "source": source,
        "scale": float(scale),
        "points": [
            {"name": n, "x": float(coords[i][0]), "y": float(coords[i][1]), "aux": n in aux_set}
            for i, n in enumerate(names)
        ],
        "premises": [fact_json(f, names) for f in premises],
        "goals": [fact_json(g, names) for g in goals],
        "steps": steps,
    }


def map_facts(record, fn):
    """A JSON-like record (an algebraic certificate) with each Fact in it replaced by fn(fact)."""
    if isinstance(record, Fact):
        return fn(record)
    if isinstance(record, dict):
        return {k: map_facts(v, fn) for k, v in record.items()}
    if isinstance(record, list):
        return [map_facts(v, fn) for v in record]
    return record


def used_points(proof: dict) -> set[str]:
    """The points named by the facts of a proof's steps."""
    return {p for s in proof["steps"] for p in s["fact"]["points"]}


def format_proof(proof: dict, notation: str = "math") -> str:
    """The proof as a person reads it: the auxiliary constructions in words and in the language,
    what is read off the figure ("As drawn"), then each fact and why.  ``notation``: 'math'
    (∠(AB,AC) = ∠(DB,DC)) or 'lang' (the problem language's spelling)."""
    lines = []
    goals = "; ".join(fact_text(g, notation) for g in proof["goals"])
    head = "Proof that" if notation == "math" else "Proof of"
    lines.append(f"{head} {goals}" + (f" ({proof['problem']})" if proof.get("problem") else "") + ":")
    note = configuration_note(proof)
    if note:
        lines.append(f"Note: {note}.")
    clauses, words = proof.get("aux_clauses", []), proof.get("aux_words", [])
    for k, clause in enumerate(clauses):
        said = words[k] if k < len(words) else ""
        lines.append(f"{said}  [{clause}]" if said else f"Construct: {clause}")
    aux = [p["name"] for p in proof["points"] if p.get("aux")]
    if aux and not clauses:
        lines.append(f"Auxiliary points: {' '.join(aux)}")
    drawn = [s for s in proof["steps"] if s["kind"] == "figure"]
    texts = {s["index"]: s["text"] if s["kind"] == "figure" else fact_text(s["fact"], notation) for s in proof["steps"]}
    width = max((len(texts[s["index"]]) for s in proof["steps"] if s["kind"] != "figure"), default=0)
    if drawn:
        lines.append("As drawn:")
        lines += [f"{s['index']:>4}. {texts[s['index']]}" for s in drawn]
        lines.append("Steps:")
    for s in proof["steps"]:
        if s["kind"] != "figure":
            lines.append(f"{s['index']:>4}. {texts[s['index']]:<{width}}  [{step_reason(s)}]")
    return "\n".join(lines) + "\n"


def configuration_note(proof: dict) -> str:
    """'proved for the configuration drawn; ...' when the goal is false in some figures the
    problem allows (``proof["configuration"]``, set by the solver), else ''."""
    conf = proof.get("configuration") or {}
    k, n = conf.get("goal_false", 0), conf.get("figures", 0)
    if not k:
        return ""
    return f"proved for the configuration drawn; the goal is false in {k} of {n} figures tried"


def step_reason(step: dict) -> str:
    """Why a step holds, as the text and the page show it: 'orthocenter: 1, 2; as drawn: 3'."""
    kind = step["kind"]
    if kind in ("premise", "figure"):
        return "premise" if kind == "premise" else "as drawn"
    drawn = step.get("figure") or []
    tail = f"; as drawn: {', '.join(map(str, drawn))}" if drawn else ""
    if kind == "rule":
        return f"{step['rule']}: " + ", ".join(map(str, step["uses"])) + tail
    if kind == "ar":
        cited = ", ".join(str(u["step"]) for u in step["uses"])
        return (f"{AR_NAMES[step['table']]}: {cited}" if cited else "identity") + tail
    if kind == "algebra":
        return "algebraic, Wu's method on coordinates: " + ", ".join(map(str, step["uses"]))
    if kind == "union":
        return f"same {'line' if step['fact']['pred'] == 'coll' else 'circle'}: " + ", ".join(map(str, step["uses"])) + tail
    return f"part of {step['uses'][0]}"
