"""`solve`: build the figure, saturate with DD + AR, trace the proof back, check it.

A proof is only ever returned after the independent checker
(``ddar/check.py``) has accepted it; a rejection is reported as an internal
error (a bug in the engine), never printed as a proof.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ddar.predicates import repeats_point
from ddar.proof import (
    build_proof,
    configuration_note,
    format_proof,
    map_facts,
    used_points,
)
from ddar.status import ERROR, SATURATED, SOLVED, TIMEOUT
from geosolver.diagram import Diagram, build_diagram
from geosolver.engine_input import EngineInput, engine_input
from geosolver.errors import GeoError
from geosolver.language import Problem
from geosolver.verify import aux_record, check_saved, configuration, source_of

if TYPE_CHECKING:
    from ddar.engine import Engine, Report

MODES = ("ddar", "search", "neural", "full", "algebra")
DEFAULT_MODE = "full"  # the strongest mode measured: most problems solved at 60 s and 300 s (benchmarks/ABLATION.md)


@dataclass
class Result:
    """The outcome of solving one problem."""

    name: str
    status: str  # one of ddar.status.STATUSES: 'exhausted' when the search tried every candidate up to its depth
    seconds: float
    mode: str = "ddar"
    seed: int = 0
    proof: dict | None = None
    aux: list[str] = field(default_factory=list)  # points the proof uses that the goal does not need
    error: str | None = None
    error_kind: str | None = None  # for errors: 'syntax', 'construction', 'diagram', 'goal', 'internal'
    facts: int = 0  # facts proved when the engine stopped
    aux_clauses: list[str] = field(default_factory=list)  # the auxiliary constructions, in the language
    candidates: int = 0  # auxiliary candidates tried (search)
    depth: int = 0  # auxiliary clauses in the proof
    report: Report | None = field(default=None, repr=False)
    diagram: Diagram | None = field(default=None, repr=False)

    @property
    def proof_steps(self) -> int:
        return len(self.proof["steps"]) if self.proof else 0

    @property
    def algebraic(self) -> bool:
        """Whether the proof rests on Wu's method (an algebra step) rather than rules and AR alone."""
        return bool(self.proof) and any(s["kind"] == "algebra" for s in self.proof["steps"])

    def proof_text(self, notation: str = "math") -> str:
        return format_proof(self.proof, notation) if self.proof else ""

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
            "aux_clauses": self.aux_clauses,
            "candidates": self.candidates,
            "algebraic": self.algebraic,
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


def prepare(problem: Problem, seed: int) -> tuple[Diagram, EngineInput]:
    """Stage 1: the figure and the engine's view of it.  GeoError (kind 'diagram' or 'goal')
    if the figure cannot be built, a goal is false in it, or a goal names a point twice."""
    for goal in problem.goals:
        if repeats_point(goal.statement.pred, goal.statement.points):
            where = problem.location(goal.col, token=goal.text)
            raise GeoError(f"the goal '{goal.text}' names a point twice where '{goal.statement.pred}' "
                           "needs different points: there is nothing to prove", where, "goal")
    d = build_diagram(problem, seed)
    return d, engine_input(d)


def new_engine(e: EngineInput) -> Engine:
    """Stage 2: an engine holding the figure and the problem's premises (not yet saturated)."""
    from ddar.engine import Engine  # numba loads only when a problem is solved

    engine = Engine(e.coords, e.scale)
    for f in e.premises:
        engine.add_premise(f)
    return engine


def checked_proof(original: Problem, d: Diagram, e: EngineInput, engine: Engine, seed: int) -> tuple[dict, list[str]]:
    """Stage 4: the proof of a solved engine (traceback), its auxiliary points marked, the
    configuration survey, checked against ``original`` (the problem before any auxiliary
    clause) on a figure rebuilt from the proof's source.  ValueError, listing the checker's
    errors, if it rejects the proof (an engine bug, never printed as a proof)."""
    problem = d.problem
    proof = build_proof(engine.proved, e.goals, e.names, e.coords, e.scale, e.premises, problem.name,
                        source=source_of(problem, seed))
    goal_points = {p for g in problem.goals for p in g.statement.points}
    support = goal_support(problem, goal_points)
    aux = sorted(used_points(proof) - support, key=e.names.index)
    for pt in proof["points"]:
        pt["aux"] = pt["name"] in aux
    proof["configuration"] = configuration(problem, seed)
    added = problem.clauses[len(original.clauses):]
    if added:
        proof["aux_clauses"], proof["aux_words"] = aux_record(added)
    # the checker gets the problem's premises, goals and figure rebuilt from its text, not
    # the engine's reading of them
    errors = check_saved(proof, expected=original)
    if errors:
        raise ValueError("internal error: the proof checker rejected the proof:\n" + "\n".join(errors))
    return proof, aux


def solve(
    source, name: str | None = None, mode: str = DEFAULT_MODE, timeout: float = 60.0, seed: int = 0,
    workers: int = 1, max_depth: int = 2,
) -> Result:
    """Solve one problem (a file, problem text, or a parsed ``Problem``).

    ``mode``: 'ddar' (the engine alone), or the engine and then auxiliary points proposed and
    tried (``workers`` processes, up to ``max_depth`` points) by the heuristics ('search'), the
    model ('neural') or both, the model's search and then the heuristics' ('full').  Problems that
    cannot be read, drawn or whose goal is false in the figure give a ``Result`` with status
    ``error``; an unreadable source or a bad option raises GeoError.
    """
    from geosolver.api import load_problem

    t0 = time.perf_counter()
    check_options(mode, timeout, seed, workers, max_depth)
    problem = load_problem(source, name)
    result = Result(problem.name, ERROR, 0.0, mode, seed)
    try:
        d, e = prepare(problem, seed)
    except GeoError as err:
        result.error, result.error_kind = err.format(), err.kind
        result.seconds = time.perf_counter() - t0
        return result
    result.diagram = d
    if mode == "algebra":
        return solve_algebraically(problem, d, e, result, t0, timeout)
    if mode != "ddar":
        from geosolver.search import search

        return search(problem, d, e, result, t0, timeout, workers, max_depth, mode)
    from ddar.engine import Limits

    engine = new_engine(e)
    left = max(timeout - (time.perf_counter() - t0), 0.0)
    report = engine.saturate(e.goals, Limits(seconds=left))
    result.report, result.facts, result.status = report, report.facts, report.status
    result.error = report.message or None
    if report.status == SOLVED:
        attach_proof(result, problem, d, e, engine)
    result.seconds = time.perf_counter() - t0
    return result


# of the time left for Wu's method, the share its proof's check keeps at least: the checker replays
# the certificate in its own pure-Python arithmetic (ddar/check_algebra.py), while the prover reduces
# the goal in FLINT; on the 11 IMO-AG-30 problems Wu's method proves the check took 0.04-11 times as
# long as the proof, 11 s at most (2007 P4), and the proof 2.5 s at most (2016 P1)
CHECK_SHARE = 0.5


def solve_algebraically(problem: Problem, d: Diagram, e: EngineInput, result: Result, t0: float,
                        timeout: float) -> Result:
    """``--mode algebra``: Wu's method on the figure's coordinates (geosolver/wu.py); its
    certificate becomes one proof step per goal, checked like any other proof, all within
    ``timeout`` (a proof whose check does not end in time is not given: ``timeout``)."""
    from types import SimpleNamespace

    from ddar.engine import Reason
    from ddar.facts import Fact
    from geosolver.wu import prove

    left = max(timeout - (time.perf_counter() - t0), 0.01)
    got = prove(problem, d.coords(), (1 - CHECK_SHARE) * left)
    if got.status != "proved":
        result.status = TIMEOUT if got.status == "timeout" else SATURATED  # Wu's own status, read into ours
        result.error = f"algebra: {got.status}: {got.message}" if got.message else None
        result.seconds = time.perf_counter() - t0
        return result
    ids = {n: i for i, n in enumerate(e.names)}
    here = [ids[n] for n in problem.points]  # Wu's facts are over problem.points' order

    hypotheses: list[Fact] = []

    def moved(f: Fact) -> Fact:
        g = Fact.make(f.pred, [here[i] for i in f.args], f.value)
        hypotheses.append(g)
        return g

    cert = map_facts(got.certificate, moved)
    hypotheses = list(dict.fromkeys(hypotheses))
    proved = {f: Reason("premise") for f in hypotheses}
    for g in e.goals:
        proved[g] = Reason("algebra", tuple(hypotheses), certificate=cert)
    result.status = SOLVED
    attach_proof(result, problem, d, e, SimpleNamespace(proved=proved),
                 seconds=max(timeout - (time.perf_counter() - t0), 0.01))
    result.seconds = time.perf_counter() - t0
    return result


def attach_proof(result: Result, problem: Problem, d: Diagram, e: EngineInput, engine: Engine,
                 seconds: float | None = None) -> None:
    """The checked proof of a solved engine into ``result``, or an internal error if the
    checker rejects it.  ``seconds``: what the check of an algebraic step may take (inside the
    budget, on any thread: ``ddar/check_algebra.py``'s ``time_limit``); a check not ended by then
    makes it a timeout."""
    from ddar.check_algebra import CheckOutOfTime, time_limit

    try:
        with time_limit(seconds):
            checked = checked_proof(problem, d, e, engine, result.seed)
    except ValueError as err:
        result.status, result.error_kind, result.error = ERROR, "internal", str(err)
        return
    except CheckOutOfTime:
        result.status = TIMEOUT
        result.error = "algebra: Wu's method found a proof, but checking it did not end within the budget"
        return
    result.proof, result.aux = checked


def check_options(mode: str, timeout: float, seed: int, workers: int, max_depth: int) -> None:
    """GeoError naming the option for a value no search can run with."""
    if mode not in MODES:
        raise GeoError(f"unknown mode {mode!r} (modes: {', '.join(MODES)})")
    if not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
        raise GeoError(f"--timeout must be a positive number of seconds, got {timeout}")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise GeoError(f"--seed must be an integer from 0 to 2**63 - 1, got {seed}")
    if not isinstance(workers, int) or workers < 1:
        raise GeoError(f"--workers must be at least 1, got {workers}")
    if not isinstance(max_depth, int) or not 1 <= max_depth <= 8:
        raise GeoError(f"--max-depth must be from 1 to 8, got {max_depth}")


def saved_result(result: Result) -> dict:
    """What ``--out`` saves as proof.json: the summary, the figure's scene and the proof."""
    from geosolver.render.figure import scene

    data = result.to_json(with_proof=False)
    if result.diagram is not None:
        data["figure"] = scene(result.diagram, frozenset(result.aux), title=f"{result.name}: {result.status}")
    data["proof"] = result.proof
    return data


def write_outputs(result: Result, out: str | os.PathLike, notation: str = "math") -> list[Path]:
    """Write proof.json, proof.txt, proof.html and figure.png/.svg/.asy/.ggb into ``out``."""
    from geosolver.render.outputs import write_all

    return write_all(saved_result(result), out, notation)
