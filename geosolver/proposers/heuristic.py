"""Classic auxiliary constructions, proposed from the figure's points, lines and circles.

What olympiad solvers reach for when a proof is stuck: midpoints, feet of
perpendiculars, reflections in points and lines, intersections of lines through
existing points (and of parallels and perpendiculars through them), second
intersections of lines with circles, centres of circles through three points,
incentres and excentres, parallelogram completions.  Each is one clause of the
language.  The lines and circles are the ones the problem's own facts speak of
(a segment of a premise, the line of a coll, the circle of a cyclic or circle
fact), so that candidates stay few and meaningful.

Candidates are ranked by a cheap score: constructions on the goal's points
first, then those near them (sharing a line or circle with them), then the
rest; within a score, simpler constructions first.  They are placed in the
figure (``geosolver.diagram.extend_diagram``): a clause that cannot be placed,
lands on an existing point, or lands where an earlier candidate did (on the same
circle, for second intersections), is dropped.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from geosolver.diagram import extend_diagram
from geosolver.errors import GeoError
from geosolver.proposers import Candidate, ProposalState

# how much a kind of construction is worth trying early (higher first), all else equal
PRIOR = {
    "midpoint": 3.0, "foot": 3.0, "circumcenter": 2.5, "intersection": 2.5, "mirror": 2.0, "reflect": 2.0,
    "second_intersection": 2.0, "parallel": 1.5, "perpendicular": 1.5, "incenter": 1.0, "excenter": 1.0,
    "parallelogram": 1.0,
}
_FRESH = "xyzwuvpqrstjklmn"


def fresh_name(taken) -> str:
    """A point name the figure does not use yet."""
    for n in _FRESH:
        if n not in taken:
            return n
    for k in itertools.count(1):
        for n in _FRESH:
            if f"{n}{k}" not in taken:
                return f"{n}{k}"
    raise AssertionError("unreachable")


def figure_objects(state: ProposalState) -> tuple[list[tuple[str, str]], list[tuple[str, ...]], list[tuple[str, str]]]:
    """The lines (as two points each), circles through three known points, and circles with a
    known centre (centre, a point on it) that the problem's facts speak of; and the circles
    through three points of a clause that places several at once (the circumcircle of the
    problem's triangle, of three of its quadrangle's vertices), the classic circle to meet
    lines with even where no fact names it."""
    problem = state.diagram.problem
    lines: dict[frozenset, tuple[str, str]] = {}
    circles: dict[frozenset, tuple[str, ...]] = {}
    centred: dict[tuple, tuple[str, str]] = {}
    for clause in problem.clauses:
        if len(clause.names) >= 3:
            for t in itertools.combinations(clause.names, 3):
                circles.setdefault(frozenset(t), t)
    for s in [*problem.premises(), *(g.statement for g in problem.goals)]:
        p = s.points
        if s.pred == "coll":
            for a, b in itertools.combinations(p, 2):
                lines.setdefault(frozenset((a, b)), (a, b))
        elif s.pred in ("para", "perp", "eqangle", "aconst", "cong", "eqratio", "rconst"):
            for k in range(0, len(p) - 1, 2):
                if p[k] != p[k + 1]:
                    lines.setdefault(frozenset(p[k:k + 2]), (p[k], p[k + 1]))
        elif s.pred == "midp":
            lines.setdefault(frozenset(p[1:]), (p[1], p[2]))
        elif s.pred == "cyclic" and len(set(p)) >= 3:
            circles.setdefault(frozenset(p), tuple(dict.fromkeys(p))[:3])
        elif s.pred == "circle" and len(set(p[1:])) >= 1:
            centred.setdefault((p[0],), (p[0], p[1]))
            if len(set(p[1:])) >= 3:
                circles.setdefault(frozenset(p[1:]), tuple(dict.fromkeys(p[1:]))[:3])
    return list(lines.values()), list(circles.values()), list(centred.values())


def raw_candidates(state: ProposalState, objects: tuple | None = None) -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, clause with the placeholder point '@', the points it is built on), unranked
    (``objects``: ``figure_objects(state)``, when the caller has it already)."""
    pts = list(state.diagram.points)
    lines, circles, centred = objects or figure_objects(state)
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for a, b in itertools.combinations(pts, 2):
        out.append(("midpoint", f"@ = midpoint @ {a} {b}", (a, b)))
    for p in pts:
        for a, b in itertools.combinations(pts, 2):  # any line through two points: few enough
            if p not in (a, b):
                out.append(("foot", f"@ = foot @ {p} {a} {b}", (p, a, b)))
                out.append(("reflect", f"@ = reflect @ {p} {a} {b}", (p, a, b)))
    for a, b in itertools.permutations(pts, 2):
        out.append(("mirror", f"@ = mirror @ {a} {b}", (a, b)))
    for a, b, c in itertools.combinations(pts, 3):
        out.append(("circumcenter", f"@ = circle @ {a} {b} {c}", (a, b, c)))
    for (a, b), (c, d) in itertools.combinations(lines, 2):
        if len({a, b, c, d}) >= 3:
            out.append(("intersection", f"@ = intersection_ll @ {a} {b} {c} {d}", (a, b, c, d)))
    for (a, b), (m, n) in itertools.permutations(lines, 2):
        for c in pts:
            if c not in (a, b, m, n):
                out.append(("parallel", f"@ = intersection_lp @ {a} {b} {c} {m} {n}", (a, b, c, m, n)))
                out.append(("perpendicular", f"@ = intersection_lt @ {a} {b} {c} {m} {n}", (a, b, c, m, n)))
    for o, a in centred:
        for b in pts:
            if b not in (o, a):
                out.append(("second_intersection", f"@ = intersection_lc @ {b} {o} {a}", (b, o, a)))
    for a, b, c in circles:
        for p in pts:
            for q in (a, b, c):
                if p not in (a, b, c):
                    rest = [r for r in (a, b, c) if r != q][:2]
                    out.append(("second_intersection", f"@ = on_line @ {p} {q}, on_circum @ {q} {rest[0]} {rest[1]}",
                                (p, q, *rest)))
    for a, b, c in itertools.combinations(pts, 3):
        out.append(("incenter", f"@ = incenter @ {a} {b} {c}", (a, b, c)))
        for x, y, z in ((a, b, c), (b, c, a), (c, a, b)):
            out.append(("excenter", f"@ = excenter @ {x} {y} {z}", (x, y, z)))
        for x, y, z in ((a, b, c), (b, c, a), (c, a, b)):
            out.append(("parallelogram", f"@ = parallelogram {x} {y} {z} @", (x, y, z)))
    return out


def score(kind: str, inputs: tuple[str, ...], goal: set[str], near: set[str]) -> float:
    """Constructions on the goal's points first, then on points near them; simple kinds first.
    Counts are capped: a construction on many points is no better for naming many goal points."""
    on_goal = len(set(inputs) & goal)
    on_near = len(set(inputs) & near) - on_goal
    return 1.5 * min(on_goal, 2) + 0.5 * min(on_near, 2) + PRIOR[kind] - 0.3 * len(inputs)


class HeuristicProposer:
    """The classic constructions, ranked by ``score`` and placed in the figure."""

    def __init__(self, max_tries: int = 20000):
        self.max_tries = max_tries  # placements attempted at most, per call

    def propose(self, state: ProposalState, k: int) -> list[Candidate]:
        return list(self.stream(state, k))

    def stream(self, state: ProposalState, k: int) -> Iterator[Candidate]:
        """``propose``'s candidates one at a time, each placed only when it is asked for: the
        search tries the first while the rest are unplaced (placing a root's 4,000 candidates
        takes seconds, and a proof often comes among the first)."""
        d = state.diagram
        problem = d.problem
        goal = {p for g in problem.goals for p in g.statement.points}
        objects = figure_objects(state)
        near = set(goal)
        for obj in [*objects[0], *objects[1], *objects[2]]:
            if goal & set(obj):
                near |= set(obj)
        ranked = sorted(enumerate(raw_candidates(state, objects)),
                        key=lambda t: (-score(t[1][0], t[1][2], goal, near), t[0]))
        name = fresh_name(set(d.points))
        grid = 1e-7 * d.scale  # two ways to one point agree far closer than this
        seen: set[tuple] = set()
        given = 0
        for tries, (_, (kind, template, inputs)) in enumerate(ranked):
            if given >= k or tries >= self.max_tries:
                break
            clause = template.replace("@", name)
            try:
                dx = extend_diagram(d, clause)
            except GeoError:
                continue
            xy = dx.points[name]
            # the same point as a better-ranked candidate is a duplicate, unless it is put on
            # another circle: that it lies on both is a fact the engine may have no way to find
            circle = frozenset(inputs[1:]) if kind == "second_intersection" else None
            cell = (round(float(xy[0]) / grid), round(float(xy[1]) / grid), circle)
            if cell in seen:
                continue
            seen.add(cell)
            given += 1
            yield Candidate(clause, name, kind, score(kind, inputs, goal, near))
