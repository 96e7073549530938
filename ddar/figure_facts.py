"""Facts read off the figure: what a proof states under "As drawn".

Some steps of a proof hold only in the configuration drawn: a rule that needs
a triangle not to be flat or two triangles to turn the same way, a distance
chase that adds lengths along a line in the order its points lie, an angle
chase that divides by 2 or 3 (mod pi, ``2x = 0`` has two solutions; the
figure says which one).  Each such reading is a *figure fact*, a numbered step
of kind ``figure`` that the steps relying on it cite, and that a checker
evaluates on a figure it rebuilt itself (docs/PROOF_FORMAT.md).

The predicates:

* the non-degeneracy checks of the rules: ``ncoll``, ``npara``, ``nperp``,
  ``sameside``, ``sameclock``, ``diff`` (``ddar/predicates.py``);
* ``order p0 p1 ... pk``: the points lie on their line in this order;
* ``angle_range`` over 4 points (the directed angle from line p0p1 to line
  p2p3) or 8 (that angle minus the one from p4p5 to p6p7), with
  ``value = (low, high)`` in units of pi: the angle lies strictly between
  ``low * pi`` and ``high * pi``, mod pi.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from ddar import numeric
from ddar.predicates import PREDICATES, format_angle

CHECK_PREDS = frozenset(p for p, spec in PREDICATES.items() if spec.negative)
FIGURE_PREDS = CHECK_PREDS | {"order", "angle_range"}

@dataclass(frozen=True, order=True)
class FigureFact:
    """A reading of the figure over point ids; ``value`` only for ``angle_range``."""

    pred: str
    args: tuple[int, ...]
    value: tuple[Fraction, Fraction] | None = None

    def holds(self, coords: np.ndarray, scale: float) -> bool:
        pts = [coords[i] for i in self.args]
        if self.pred == "order":
            return in_order(pts, scale)
        if self.pred == "angle_range":
            return angle_in_range(pts, *self.value)
        return numeric.holds(self.pred, pts, None, scale)

    def json(self, names: Sequence[str]) -> dict:
        value = None if self.value is None else [str(v) for v in self.value]
        return {"pred": self.pred, "points": [names[i] for i in self.args], "value": value}

    def text(self, names: Sequence[str]) -> str:
        return figure_text(self.json(names))


def in_order(pts: Sequence[np.ndarray], scale: float) -> bool:
    """Whether the points follow each other along the line from the first to the last, each
    at least the figure's tolerance beyond the one before (their collinearity is a separate fact)."""
    first, last = np.asarray(pts[0], float), np.asarray(pts[-1], float)
    direction = last - first
    length = float(np.hypot(*direction))
    if length <= numeric.TOL * scale:
        return False
    along = [float(np.dot(np.asarray(p, float) - first, direction)) / length for p in pts]
    return all(b - a > numeric.TOL * scale for a, b in zip(along, along[1:]))


def angle_value(pts: Sequence[np.ndarray]) -> float | None:
    """The directed angle from line p0p1 to line p2p3, minus the one from p4p5 to p6p7 when
    eight points are given, in radians (any representative mod pi)."""
    total = 0.0
    for k in range(0, len(pts), 4):
        a, b, c, d = pts[k : k + 4]
        if numeric._length(a, b) == 0.0 or numeric._length(c, d) == 0.0:
            return None
        x = numeric._line_angle(c, d) - numeric._line_angle(a, b)
        total += x if k == 0 else -x
    return total


def angle_in_range(pts: Sequence[np.ndarray], low: Fraction, high: Fraction) -> bool:
    """Whether the angle of ``angle_value`` lies strictly between low*pi and high*pi, mod pi
    (by more than the figure's angle tolerance)."""
    x = angle_value(pts)
    if x is None or not 0 < high - low <= 1:
        return False
    turns = math.floor(low)  # whole turns off both bounds, exactly: a huge bound must not blur the angle
    low, high = low - turns, high - turns
    # y: how far above low*pi the angle lies, reduced into [0, pi)
    y = (x - float(low) * math.pi) % math.pi
    return numeric.TOL < y < float(high - low) * math.pi - numeric.TOL


def _name(n: str) -> str:
    return n.upper()


def _angle_text(points: Sequence[str]) -> str:
    parts = []
    for k in range(0, len(points), 4):
        a, b, c, d = (_name(p) for p in points[k : k + 4])
        parts.append(f"∠({a}{b},{c}{d})")
    return " − ".join(parts)


_TEXT = {
    "order": "{seq} lie on their line in this order",
    "ncoll": "{seq} are not collinear",
    "npara": "{0}{1} is not parallel to {2}{3}",
    "nperp": "{0}{1} is not perpendicular to {2}{3}",
    "diff": "{0} ≠ {1}",
    "sameclock": "{0}{1}{2} and {3}{4}{5} turn the same way",
    "sameside": "∠{1}{0}{2} and ∠{4}{3}{5} are both under 90° or both over 90°",
}
# what a figure fact read before (proofs saved then still verify)
_FORMER_TEXT = {
    "sameside": "∠{1}{0}{2} and ∠{4}{3}{5} are both acute or both obtuse",  # read oddly for 0° and 180°
}


def figure_text(obj: dict) -> str:
    """How a figure fact (JSON) reads in a proof: 'A, B, C are not collinear'."""
    pred, pts = obj["pred"], [_name(p) for p in obj["points"]]
    if pred == "angle_range":
        low, high = (Fraction(v) for v in obj["value"])
        return f"{format_angle(low)} < {_angle_text(obj['points'])} < {format_angle(high)}"
    return _TEXT[pred].format(*pts, seq=", ".join(pts))


def former_texts(obj: dict) -> list[str]:
    """How the figure fact read in earlier versions, if differently: a saved proof's step may
    say it so."""
    pts = [_name(p) for p in obj["points"]]
    old = _FORMER_TEXT.get(obj["pred"])
    return [old.format(*pts, seq=", ".join(pts))] if old else []


def branch_fact(angle: tuple[int, ...], constant: Fraction, q: int) -> FigureFact:
    """The reading that fixes the branch of an angle found by dividing by ``q``: the angle
    (points as for ``angle_range``) lies within pi/(2q) of ``constant * pi``, mod pi."""
    half = Fraction(1, 2 * q)
    return FigureFact("angle_range", tuple(angle), (constant - half, constant + half))
