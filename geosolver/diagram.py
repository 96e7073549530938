"""Numeric realisation of a problem: seeded coordinates for every point.

Points are placed clause by clause.  Free shapes are drawn at random in a
frame of size about 2; a constrained point is the intersection of the loci its
constructions give, avoiding points that already exist.  A placement that is
degenerate (a point coinciding with another, one flung far away, a tangency
where a crossing was meant, a prerequisite that fails, an asserted fact that
does not hold) is retried, first for the clause and then from scratch, a
bounded number of times; after that the error names the clause and why.

The same problem and seed give the same coordinates, bit for bit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ddar.numeric import holds as _holds
from geosolver import geometry as g
from geosolver.errors import GeoError
from geosolver.geometry import Circle, Degenerate, Fixed, Line, Locus
from geosolver.language import Call, Clause, Goal, Problem, add_clause
from geosolver.statement import Statement

MAX_ATTEMPTS = 40
"""Fresh starts of the whole figure before giving up."""
CLAUSE_TRIES = 4
"""Tries of one clause (with new random choices) before starting the figure again."""
NEAR = 1e-3
"""A new point closer than this (relative to the figure's size) to an old one is degenerate."""
FAR = 30.0
"""A new point farther than this many figure sizes from the figure is degenerate."""


@dataclass
class Diagram:
    """Coordinates for every point of a problem, and the loci used to place them."""

    problem: Problem
    seed: int
    points: dict[str, np.ndarray]
    attempt: int = 0
    loci: list[tuple[str, Locus]] = field(default_factory=list)
    rng_state: dict | None = field(default=None, repr=False)  # the random stream after the last clause

    @property
    def scale(self) -> float:
        return _extent(list(self.points.values()))

    def holds(self, s: Statement) -> bool:
        """Whether the statement is true in this figure (within ddar.numeric.TOL)."""
        return _holds(s.pred, [self.points[p] for p in s.points], s.value_float(), self.scale)

    def coords(self) -> dict[str, tuple[float, float]]:
        return {k: (float(v[0]), float(v[1])) for k, v in self.points.items()}


def _extent(pts: list[np.ndarray]) -> float:
    if len(pts) < 2:
        return 1.0
    # plain floats: asked at every check of every placement, over a dozen points (numpy's
    # overhead was a quarter of building a figure); the same value to the bit
    xs = [float(p[0]) for p in pts]
    ys = [float(p[1]) for p in pts]
    ext = max(max(xs) - min(xs), max(ys) - min(ys))
    return ext if ext > 1e-9 else 1.0


class _Failure(Exception):
    def __init__(self, clause: Clause, reason: str, final: bool = False):
        super().__init__(reason)
        self.clause, self.reason, self.final = clause, reason, final


def _other_reading(diagram: Diagram | None, goal: Statement) -> str:
    """A hint when an angle constant holds read the other way round: AlphaGeometry measures
    aconst from CD to AB, Newclid and this language from AB to CD (docs/LANGUAGE.md)."""
    if diagram is None or goal.pred != "aconst" or goal.value is None:
        return ""
    turned = Statement(goal.pred, goal.points, (-goal.value) % 1)
    if not diagram.holds(turned):
        return ""
    return (f"; it holds with the angle measured from the second line to the first ({turned}): "
            "aconst a b c d v is the angle from line ab to line cd")


def build_diagram(problem: Problem, seed: int = 0, want_goal: bool = True) -> Diagram:
    """Place every point of the problem; GeoError if it cannot be done.

    Where a construction leaves a choice (which of two intersections, which
    side of a segment), the choices are random; with ``want_goal`` a figure
    in which the goal is false is drawn again, as the problem means the
    configuration in which its claim holds.  The error's kind is 'diagram' if
    no figure could be built, 'goal' if every figure built makes the goal false.
    """
    reasons: Counter = Counter()
    false_goal: Goal | None = None
    for attempt in range(MAX_ATTEMPTS):
        try:
            diagram = _attempt(problem, seed, attempt)
        except _Failure as f:
            reasons[(f.clause.index, f.reason)] += 1
            if f.final:
                break
            continue
        false_goal = next((gl for gl in problem.goals if not diagram.holds(gl.statement)), None)
        if not want_goal or false_goal is None:
            return diagram
    if false_goal is not None:
        built = MAX_ATTEMPTS - sum(reasons.values())
        raise GeoError(
            f"the goal '{false_goal.statement}' is false in the figure"
            f" (in each of the {built} figures built from seed {seed}){_other_reading(diagram, false_goal.statement)}",
            problem.location(false_goal.col, None, false_goal.text),
            kind="goal",
        )
    (index, reason), _ = reasons.most_common(1)[0]
    clause = problem.clauses[index - 1]
    tries = sum(reasons.values())
    final = tries < MAX_ATTEMPTS
    raise GeoError(
        f"clause {index} '{clause.text}' could not be realised"
        + ("" if final else f" in {tries} attempts")
        + f": {reason}",
        problem.location(clause.col, clause, None),
        kind="diagram",
    )


def _attempt(problem: Problem, seed: int, attempt: int) -> Diagram:
    """One try at the whole figure, from its own random stream; _Failure if degenerate."""
    rng = np.random.default_rng([seed, attempt])
    diagram = Diagram(problem, seed, {}, attempt)
    for clause in problem.clauses:
        _place_clause(diagram, clause, rng)
    diagram.rng_state = rng.bit_generator.state
    return diagram


def extend_diagram(d: Diagram, clause: str) -> Diagram:
    """The figure with one more clause placed: the existing points keep their coordinates to
    the bit, the new ones are drawn from the figure's random stream where it stopped, so
    that building the extended problem from scratch gives this very figure.  GeoError if the
    clause does not parse or cannot be placed (kind 'diagram')."""
    problem = add_clause(d.problem, clause)
    clause_obj = problem.clauses[-1]
    out = Diagram(problem, d.seed, dict(d.points), d.attempt, list(d.loci))
    rng = np.random.default_rng()
    rng.bit_generator.state = d.rng_state
    try:
        _place_clause(out, clause_obj, rng)
    except _Failure as f:
        raise GeoError(f"clause '{clause_obj.text}' could not be realised: {f.reason}",
                       problem.location(clause_obj.col, clause_obj, None), kind="diagram") from None
    out.rng_state = rng.bit_generator.state
    return out


def goal_survey(problem: Problem, seed: int = 0, tries: int = 8) -> tuple[int, int]:
    """(figures in which some goal is false, figures built) over the first ``tries`` attempts,
    drawn without regard to the goal: whether the goal holds in every configuration the
    problem allows, or only in the one drawn for it."""
    false = built = 0
    for attempt in range(tries):
        try:
            d = _attempt(problem, seed, attempt)
        except _Failure:
            continue
        built += 1
        false += any(not d.holds(gl.statement) for gl in problem.goals)
    return false, built


def goal_survey_failure(problem: Problem, seeds: Iterable[int] = range(6),
                        min_built: int = 4) -> tuple[str, str] | None:
    """None if the goal holds in every figure drawn on each seed (``goal_survey``), else ("false",
    why) for a figure where it fails or ("build", why) for a seed with fewer than ``min_built``
    figures: the rule the development set's problems are kept by (``benchmarks/dev_screen.py``)."""
    false = built = 0
    for seed in seeds:
        f, b = goal_survey(problem, seed)
        if b < min_built:
            return "build", f"seed {seed}: {b} of 8 figures built"
        false, built = false + f, built + b
    return ("false", f"the goal fails in {false} of {built} figures") if false else None


def _place_clause(diagram: Diagram, clause: Clause, rng: np.random.Generator) -> None:
    pts = diagram.points
    for call in clause.calls:
        for req in call.requirements():
            if not diagram.holds(req):
                raise _Failure(clause, f"'{call.name}' needs {req}, which is false in the figure")
    reason = "no placement found"
    fixed = any(p.at is not None for p in clause.points)
    for _ in range(CLAUSE_TRIES):
        try:
            new, loci = _candidates(diagram, clause, rng)
            _check_new(diagram, clause, new)
        except Degenerate as e:
            reason = str(e)
            continue
        except (ArithmeticError, ValueError) as e:  # a numeric blow-up is a degenerate placement too
            reason = f"numeric failure ({e})"
            continue
        pts.update(new)
        bad = [f for call in clause.calls for f in call.facts() if not diagram.holds(f)]
        if not bad:
            diagram.loci.extend(loci)
            return
        for name in new:
            del pts[name]
        if fixed:
            raise _Failure(clause, f"the given coordinates do not satisfy {bad[0]}", final=True)
        reason = f"{bad[0]} does not hold for the placed points"
    raise _Failure(clause, reason)


def _inputs(call: Call, pts: dict[str, np.ndarray]) -> list:
    c = call.construction
    return [pts[call.points[a]] for a in c.inputs] + [call.numbers[n] for n in c.numbers]


def _candidates(diagram: Diagram, clause: Clause, rng) -> tuple[dict[str, np.ndarray], list]:
    """New coordinates for the clause's points, and the curves used (for drawing)."""
    pts = diagram.points
    if len(clause.calls) == 1 and _is_generator(clause.calls[0]):
        call = clause.calls[0]
        made = call.construction.place(rng, *_inputs(call, pts))
        out = {call.points[o]: np.asarray(p, dtype=float) for o, p in zip(call.construction.outputs, made)}
        for decl in clause.points:
            if decl.at is not None:
                out[decl.name] = g.pt(*decl.at)
        return out, []
    name = clause.names[0]
    at = clause.points[0].at
    loci: list[Locus] = []
    for call in clause.calls:
        got = call.construction.place(rng, *_inputs(call, pts))
        loci.extend(got if isinstance(got, tuple) else (got,))
    curves = [l for l in loci if not isinstance(l, Fixed)]
    fixed = [l.p for l in loci if isinstance(l, Fixed)]
    scale = diagram.scale
    if fixed:
        if at is not None and g.norm(fixed[0] - g.pt(*at)) > 1e-6 * scale:
            raise Degenerate(
                f"point {name} is fixed by its construction at ({fixed[0][0]:.6g}, {fixed[0][1]:.6g}),"
                f" not at the given ({at[0]:g}, {at[1]:g})"
            )
        cands = fixed[:1]
        others = curves + [Fixed(p) for p in fixed[1:]]
    elif len(curves) == 1:
        p = g.project(curves[0], g.pt(*at)) if at is not None else g.sample(curves[0], rng)
        return {name: p}, [(name, curves[0])]
    else:
        # intersect two curves (lines first: better conditioned), then filter by the rest
        order = sorted(range(len(curves)), key=lambda i: isinstance(curves[i], Circle))
        first, second = curves[order[0]], curves[order[1]]
        cands = g.intersect(first, second)
        others = [curves[i] for i in order[2:]]
        if not cands:
            raise Degenerate(_why_apart(first, second, scale))
    cands = [p for p in cands if all(g.distance_to(o, p) <= 1e-7 * scale for o in others)]
    if not cands:
        raise Degenerate("the loci of the clause's constructions have no common point")
    fresh = [p for p in cands if all(g.norm(p - q) > NEAR * scale for q in pts.values())]
    if not fresh:
        raise Degenerate("the loci meet only at points that already exist")
    if at is not None:
        choice = min(fresh, key=lambda p: g.norm(p - g.pt(*at)))
    else:
        choice = fresh[int(rng.integers(len(fresh)))] if len(fresh) > 1 else fresh[0]
    return {name: choice}, [(name, c) for c in curves]


def _is_generator(call: Call) -> bool:
    c = call.construction
    return len(c.outputs) > 1 or not c.inputs


def _kind(locus: Locus) -> str:
    return "line" if isinstance(locus, Line) else "circle"


def _why_apart(first: Locus, second: Locus, scale: float) -> str:
    same = (
        isinstance(first, Line) and isinstance(second, Line) and second.distance(first.p) <= 1e-9 * scale
    ) or (
        isinstance(first, Circle) and isinstance(second, Circle)
        and g.norm(first.c - second.c) <= 1e-9 * scale and abs(first.r - second.r) <= 1e-9 * scale
    )
    if same:
        return f"the two {_kind(first)}s are the same {_kind(first)}, so they do not fix a point"
    return f"the {_kind(first)} and the {_kind(second)} do not meet"


def _check_new(diagram: Diagram, clause: Clause, new: dict[str, np.ndarray]) -> None:
    old = list(diagram.points.values())
    scale = _extent(old + list(new.values())) if len(old) < 2 else diagram.scale
    center = np.mean(old, axis=0) if old else np.zeros(2)
    placed: list[tuple[str, np.ndarray]] = list(diagram.points.items())
    for name, p in new.items():
        if not np.all(np.isfinite(p)):
            raise Degenerate(f"point {name} is undefined")
        if old and g.norm(p - center) > FAR * scale:
            raise Degenerate(f"point {name} lands too far away")
        for other, q in placed:
            if g.norm(p - q) <= NEAR * scale:
                raise Degenerate(f"point {name} coincides with {other}")
        placed.append((name, p))
