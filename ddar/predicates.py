"""The predicates of the geometry language: names, arities and meanings.

This table is shared by the problem language (which validates goals and the
facts constructions assert) and by the engine (which stores facts of these
predicates).  Angles are directed angles between lines, taken mod pi.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class PredicateSpec:
    """One predicate: how many points it takes and what it means."""

    name: str
    points: int  # exact number of points, or the minimum when ``variadic``
    variadic: bool = False
    value: str | None = None  # 'angle' or 'ratio' when a constant follows the points
    meaning: str = ""
    negative: bool = False  # a non-degeneracy condition rather than a fact
    distinct: str = "pairs"  # which points must differ: each 'pairs' (a line, segment), 'triangles', or 'all'
    pairs: str | None = None  # what its points read as, two by two: 'lines' or 'segments' (None: neither)
    equates: bool = False  # says its pairs' lines, lengths or angles are alike: naming one pair twice can
    # make it an identity (AB = AB)

    def arity_text(self) -> str:
        pts = f"{self.points} or more points" if self.variadic else f"{self.points} points"
        return pts + (f" and one {self.value} constant" if self.value else "")


_SPECS = [
    PredicateSpec("coll", 3, True, distinct="all", meaning="the points lie on one line"),
    PredicateSpec("ncoll", 3, True, distinct="all", meaning="the points do not all lie on one line", negative=True),
    PredicateSpec("para", 4, pairs="lines", equates=True, meaning="line AB is parallel to line CD"),
    PredicateSpec("npara", 4, pairs="lines", meaning="line AB is not parallel to line CD", negative=True),
    PredicateSpec("perp", 4, pairs="lines", meaning="line AB is perpendicular to line CD"),
    PredicateSpec("nperp", 4, pairs="lines", meaning="line AB is not perpendicular to line CD", negative=True),
    PredicateSpec("cong", 4, pairs="segments", equates=True, meaning="segment AB has the length of segment CD"),
    PredicateSpec("cyclic", 4, True, distinct="all", meaning="the points lie on one circle"),
    PredicateSpec("circle", 4, True, distinct="all", meaning="O (first) is the centre of a circle through the others"),
    PredicateSpec("midp", 3, distinct="all", meaning="M (first) is the midpoint of AB"),
    PredicateSpec(
        "eqangle", 8, pairs="lines", equates=True, meaning="the directed angle from AB to CD equals the one from EF to GH (mod pi)"
    ),
    PredicateSpec("eqratio", 8, pairs="segments", equates=True, meaning="AB / CD = EF / GH"),
    PredicateSpec("simtri", 6, distinct="triangles", meaning="triangles ABC and DEF are similar (either orientation)"),
    PredicateSpec("contri", 6, distinct="triangles", meaning="triangles ABC and DEF are congruent (either orientation)"),
    PredicateSpec(
        "aconst", 4, value="angle", pairs="lines", meaning="the directed angle from AB to CD is the constant (mod pi)"
    ),
    PredicateSpec("rconst", 4, value="ratio", pairs="segments", meaning="AB / CD is the constant"),
    PredicateSpec(
        "sameside",
        6,
        distinct="triangles",
        meaning="(B - A).(C - A) and (E - D).(F - D) have the same sign: on a line, A lies inside"
        " segment BC exactly when D lies inside EF; off it, angles BAC and EDF are both acute or both obtuse",
        negative=True,
    ),
    PredicateSpec(
        "sameclock",
        6,
        distinct="triangles",
        meaning="triangles ABC and DEF have the same orientation (both counter-clockwise or both clockwise)",
        negative=True,
    ),
    PredicateSpec("diff", 2, distinct="all", meaning="A and B are distinct points", negative=True),
]

PREDICATES: dict[str, PredicateSpec] = {s.name: s for s in _SPECS}


def distinct_groups(pred: str, args: Sequence) -> list[tuple]:
    """The groups of a statement's points that must be different points (a line or segment
    through one point twice, a triangle with a repeated vertex, a coll naming a point twice
    says nothing): the one definition that facts, rules, the matcher and the checker use."""
    kind = PREDICATES[pred].distinct
    args = tuple(args)
    if kind == "all":
        return [args]
    size = 3 if kind == "triangles" else 2
    return [args[i : i + size] for i in range(0, len(args), size)]


def repeats_point(pred: str, args: Sequence) -> bool:
    """Whether a group of a statement's points that must differ names one point twice."""
    return any(len(set(g)) != len(g) for g in distinct_groups(pred, args))


def format_angle(value) -> str:
    """An angle constant given as a fraction of pi, written as 'pi/3', '2pi/3', '-pi/4', '0pi'."""
    num, den = value.numerator, value.denominator
    head = {1: "", -1: "-"}.get(num, str(num))
    return f"{head}pi" if den == 1 else f"{head}pi/{den}"
