"""`solve`: build the figure, saturate with DD + AR, trace the proof back, check it.

A proof is only ever returned after the independent checker
(``ddar/check.py``) has accepted it; a rejection is reported as an internal
error (a bug in the engine), never printed as a proof.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from ddar.predicates import repeats_point
from ddar.proof import build_proof, configuration_note, format_proof, used_points
from geosolver.diagram import Diagram, build_diagram
from geosolver.engine_input import engine_input
from geosolver.errors import GeoError
from geosolver.language import Problem
from geosolver.verify import check_saved, configuration, source_of

if TYPE_CHECKING:
    from ddar.engine import Report

MODES = ("ddar",)
STATUSES = ("solved", "saturated", "timeout", "error")


@dataclass
class Result:
    """The outcome of solving one problem."""

    name: str
    status: str  # 'solved', 'saturated', 'timeout' or 'error'
    seconds: float
    mode: str = "ddar"
    seed: int = 0
    proof: dict | None = None
    aux: list[str] = field(default_factory=list)  # points the proof uses that the goal does not need
    error: str | None = None
    error_kind: str | None = None  # for errors: 'syntax', 'construction', 'diagram', 'goal', 'internal'
    facts: int = 0  # facts proved when the engine stopped
    report: Report | None = field(default=None, repr=False)
    diagram: Diagram | None = field(default=None, repr=False)

    @property
    def proof_steps(self) -> int:
        return len(self.proof["steps"]) if self.proof else 0

    def proof_text(self) -> str:
        return format_proof(self.proof) if self.proof else ""

    def to_json(self, with_proof: bool = True) -> dict:
        out = {
            "name": self.name,
            "status": self.status,
            "seconds": round(self.seconds, 4),
            "mode": self.mode,
            "seed": self.seed,
            "proof_steps": self.proof_steps,
            "aux": self.aux,
            "facts": self.facts,
            "error": self.error,
        }
        note = configuration_note(self.proof) if self.proof else ""
        if note:
            out["note"] = note
        if with_proof:
            out["proof"] = self.proof
        return out


def goal_support(problem: Problem, goal_points: set[str]) -> set[str]:
    """The points needed to state the goals: their own and, recursively, those their clauses use."""
    made_by = {}
    for clause in problem.clauses:
        inputs = {p for call in clause.calls for p in call.points.values()} - set(clause.names)
        for n in clause.names:
            made_by[n] = inputs
    need, stack = set(), list(goal_points)
    while stack:
        p = stack.pop()
        if p in need:
            continue
        need.add(p)
        stack.extend(made_by.get(p, ()))
    return need


def solve(
    source, name: str | None = None, mode: str = "ddar", timeout: float = 60.0, seed: int = 0
) -> Result:
    """Solve one problem (a file, problem text, or a parsed ``Problem``).

    Problems that cannot be read, drawn or whose goal is false in the figure
    give a ``Result`` with status ``error``; an unreadable source raises GeoError.
    """
    from geosolver.api import load_problem

    t0 = time.perf_counter()
    problem = load_problem(source, name)
    if mode not in MODES:
        raise GeoError(f"unknown mode {mode!r} (modes: {', '.join(MODES)})")
    result = Result(problem.name, "error", 0.0, mode, seed)
    try:
        d = build_diagram(problem, seed)
    except GeoError as e:
        result.error, result.error_kind = e.format(), e.kind
        result.seconds = time.perf_counter() - t0
        return result
    result.diagram = d
    e = engine_input(d)
    for goal in problem.goals:
        if repeats_point(goal.statement.pred, goal.statement.points):
            where = problem.location(goal.col, token=goal.text)
            result.error = GeoError(f"the goal '{goal.text}' names a point twice where '{goal.statement.pred}' "
                                    "needs different points: there is nothing to prove", where, "goal").format()
            result.error_kind = "goal"
            result.seconds = time.perf_counter() - t0
            return result
    from ddar.engine import SOLVED, Engine, Limits  # numba loads only when a problem is solved

    engine = Engine(e.coords, e.scale)
    for f in e.premises:
        engine.add_premise(f)
    left = max(timeout - (time.perf_counter() - t0), 0.0)
    report = engine.saturate(e.goals, Limits(seconds=left))
    result.report, result.facts, result.status = report, report.facts, report.status
    if report.status == SOLVED:
        goal_points = {p for g in problem.goals for p in g.statement.points}
        proof = build_proof(engine.proved, e.goals, e.names, e.coords, e.scale, e.premises, problem.name,
                            source=source_of(problem, seed))
        support = goal_support(problem, goal_points)
        aux = sorted(used_points(proof) - support, key=e.names.index)
        for pt in proof["points"]:
            pt["aux"] = pt["name"] in aux
        proof["configuration"] = configuration(problem, seed)
        # the checker gets the problem's premises, goals and figure rebuilt from its text, not
        # the engine's reading of them
        errors = check_saved(proof, expected=problem)
        if errors:
            result.status, result.error_kind = "error", "internal"
            result.error = "internal error: the proof checker rejected the proof:\n" + "\n".join(errors)
        else:
            result.proof, result.aux = proof, aux
    result.seconds = time.perf_counter() - t0
    return result


def saved_result(result: Result) -> dict:
    """What ``--out`` saves as proof.json: the summary, the figure's scene and the proof."""
    from geosolver.render.figure import scene

    data = result.to_json(with_proof=False)
    if result.diagram is not None:
        data["figure"] = scene(result.diagram, frozenset(result.aux), title=f"{result.name}: {result.status}")
    data["proof"] = result.proof
    return data


def write_outputs(result: Result, out: str | os.PathLike) -> list[Path]:
    """Write proof.json, proof.txt, proof.html and figure.png/.svg/.asy/.ggb into ``out``."""
    from geosolver.render.outputs import write_all

    return write_all(saved_result(result), out)
