"""Float plane geometry for building figures: loci, intersections, classic centres.

A construction describes where its new point may lie as one or more loci
(a line, a circle, or a single determined point); the diagram intersects them.
Nothing here is used to derive facts: only to place points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ddar.numeric import circumcenter as _circumcenter

Point = np.ndarray

TANGENT = 1e-10
"""Curves whose crossings are closer than this (squared, relative) touch at one point.

Tangency that a theorem forces shows up as a tiny rounding error; a second
point placed at the same touching point is then rejected as a coincidence.
"""


class Degenerate(Exception):
    """A locus or point is undefined for this placement (the diagram retries)."""


def pt(x: float, y: float) -> Point:
    return np.array([float(x), float(y)])


def norm(v: Point) -> float:
    return math.hypot(v[0], v[1])


def unit(v: Point) -> Point:
    n = norm(v)
    if n < 1e-12:
        raise Degenerate("zero-length direction")
    return v / n


def rot(v: Point, angle: float) -> Point:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def rot90(v: Point) -> Point:
    return np.array([-v[1], v[0]])


def cross(u: Point, v: Point) -> float:
    return float(u[0] * v[1] - u[1] * v[0])


def angle_of(v: Point) -> float:
    return math.atan2(v[1], v[0])


@dataclass
class Line:
    """The line through ``p`` with unit direction ``d``.

    ``lo``/``hi`` bound the parameter when a point is sampled on it alone;
    ``ray`` keeps only points with parameter > 0 (a half-line from ``p``).
    """

    p: Point
    d: Point
    lo: float = -1.0
    hi: float = 1.0
    ray: bool = False

    def at(self, t: float) -> Point:
        return self.p + t * self.d

    def param(self, q: Point) -> float:
        return float(np.dot(q - self.p, self.d))

    def distance(self, q: Point) -> float:
        return abs(cross(self.d, q - self.p))


@dataclass
class Circle:
    c: Point
    r: float


@dataclass
class Fixed:
    """A locus that is a single point: the construction determines it."""

    p: Point


Locus = Line | Circle | Fixed


# --- building loci ---------------------------------------------------------


def line_through(a: Point, b: Point) -> Line:
    """Line ab; points sampled on it fall near the segment."""
    L = norm(b - a)
    return Line(a, unit(b - a), -0.5 * L, 1.5 * L)


def line_dir(p: Point, d: Point, span: float) -> Line:
    """Line through p along direction d; samples within ``span`` of p."""
    return Line(p, unit(d), -span, span)


def perp_line(p: Point, a: Point, b: Point) -> Line:
    """Line through p perpendicular to ab."""
    return line_dir(p, rot90(b - a), max(norm(b - a), 1e-9))


def para_line(p: Point, a: Point, b: Point) -> Line:
    """Line through p parallel to ab."""
    return line_dir(p, b - a, max(norm(b - a), 1e-9))


def bisector_line(a: Point, b: Point) -> Line:
    """Perpendicular bisector of ab."""
    return line_dir((a + b) / 2, rot90(b - a), norm(b - a))


def circle_through(a: Point, b: Point, c: Point) -> Circle:
    o = circumcenter(a, b, c)
    return Circle(o, norm(a - o))


def angle_line(p: Point, base_from: Point, base_to: Point, angle: float, span: float) -> Line:
    """Line through p making directed angle ``angle`` with line base_from->base_to."""
    return line_dir(p, rot(base_to - base_from, angle), span)


def inscribed_arc(a: Point, b: Point, angle: float) -> Circle:
    """Locus of x with directed angle (xa, xb) = angle (mod pi): a circle through a, b."""
    if abs(math.sin(angle)) < 1e-9:
        raise Degenerate("the angle is zero, so the locus is line ab, not a circle")
    # The tangent at a makes that same directed angle with ab; the centre lies
    # on the normal to that tangent at a and on the bisector of ab.
    tangent = rot(b - a, -angle)
    normal = Line(a, unit(rot90(tangent)))
    hits = intersect(normal, bisector_line(a, b))
    if not hits:
        raise Degenerate("no circle")
    o = hits[0]
    return Circle(o, norm(a - o))


# --- points ------------------------------------------------------------------


def circumcenter(a: Point, b: Point, c: Point) -> Point:
    o = _circumcenter(a, b, c)
    if o is None:
        raise Degenerate("the three points are collinear")
    return o


def foot(p: Point, a: Point, b: Point) -> Point:
    d = unit(b - a)
    return a + np.dot(p - a, d) * d


def reflect(p: Point, a: Point, b: Point) -> Point:
    return 2 * foot(p, a, b) - p


def orthocenter(a: Point, b: Point, c: Point) -> Point:
    return a + b + c - 2 * circumcenter(a, b, c)


def incenter(a: Point, b: Point, c: Point) -> Point:
    la, lb, lc = norm(b - c), norm(c - a), norm(a - b)
    return (la * a + lb * b + lc * c) / (la + lb + lc)


def excenter(a: Point, b: Point, c: Point) -> Point:
    """Centre of the excircle opposite a."""
    la, lb, lc = norm(b - c), norm(c - a), norm(a - b)
    s = -la + lb + lc
    if abs(s) < 1e-12:
        raise Degenerate("degenerate triangle")
    return (-la * a + lb * b + lc * c) / s


# --- intersections -------------------------------------------------------------


def _line_line(l1: Line, l2: Line) -> list[Point]:
    den = cross(l1.d, l2.d)
    if abs(den) < 1e-10:
        return []
    t = cross(l2.p - l1.p, l2.d) / den
    return [l1.at(t)]


def _line_circle(l: Line, c: Circle) -> list[Point]:
    t0 = l.param(c.c)
    h2 = c.r * c.r - l.distance(c.c) ** 2
    if h2 < -TANGENT * c.r * c.r:
        return []
    if h2 <= TANGENT * c.r * c.r:  # tangent: the two crossings merge into one point
        return [l.at(t0)]
    h = math.sqrt(h2)
    return [l.at(t0 - h), l.at(t0 + h)]


def _circle_circle(c1: Circle, c2: Circle) -> list[Point]:
    v = c2.c - c1.c
    d = norm(v)
    if d < 1e-12:
        return []
    a = (d * d + c1.r * c1.r - c2.r * c2.r) / (2 * d)
    h2 = c1.r * c1.r - a * a
    m = c1.c + a * v / d
    if h2 < -TANGENT * c1.r * c1.r:
        return []
    if h2 <= TANGENT * c1.r * c1.r:  # tangent circles touch at one point
        return [m]
    h = math.sqrt(h2)
    w = rot90(v / d)
    return [m - h * w, m + h * w]


def intersect(l1: Locus, l2: Locus) -> list[Point]:
    """All intersection points of two curves (lines or circles), in a fixed order."""
    if isinstance(l1, Circle) and isinstance(l2, Line):
        l1, l2 = l2, l1
    if isinstance(l1, Line) and isinstance(l2, Line):
        pts = _line_line(l1, l2)
    elif isinstance(l1, Line) and isinstance(l2, Circle):
        pts = _line_circle(l1, l2)
    elif isinstance(l1, Circle) and isinstance(l2, Circle):
        pts = _circle_circle(l1, l2)
    else:
        raise TypeError("intersect takes lines and circles")
    for l in (l1, l2):
        if isinstance(l, Line) and l.ray:
            pts = [p for p in pts if l.param(p) > 0]
    return pts


def distance_to(locus: Locus, p: Point) -> float:
    if isinstance(locus, Line):
        return locus.distance(p)
    if isinstance(locus, Circle):
        return abs(norm(p - locus.c) - locus.r)
    return norm(p - locus.p)


def project(locus: Locus, p: Point) -> Point:
    """The point of the locus nearest to p."""
    if isinstance(locus, Line):
        return locus.at(locus.param(p))
    if isinstance(locus, Circle):
        v = p - locus.c
        if norm(v) < 1e-12:
            v = pt(1.0, 0.0)
        return locus.c + locus.r * unit(v)
    return locus.p


def sample(locus: Locus, rng: np.random.Generator) -> Point:
    """A random point of the locus."""
    if isinstance(locus, Line):
        lo = max(locus.lo, 0.05 * (locus.hi - locus.lo)) if locus.ray else locus.lo
        return locus.at(rng.uniform(lo, locus.hi))
    if isinstance(locus, Circle):
        return locus.c + locus.r * rot(pt(1.0, 0.0), rng.uniform(0.0, 2 * math.pi))
    return locus.p


def solve_on_circle(circle: Circle, f, n: int = 720) -> list[Point]:
    """Points x on the circle where the continuous function f(x) changes sign.

    Used by the few constructions with no closed form: scan the circle, then
    bisect each sign change.
    """

    def at(theta: float) -> Point:
        return circle.c + circle.r * pt(math.cos(theta), math.sin(theta))

    roots = []
    thetas = np.linspace(0.0, 2 * math.pi, n + 1)
    vals = []
    for t in thetas:
        try:
            vals.append(f(at(t)))
        except Degenerate:
            vals.append(float("nan"))
    for i in range(n):
        v0, v1 = vals[i], vals[i + 1]
        if not (np.isfinite(v0) and np.isfinite(v1)) or v0 * v1 > 0 or abs(v0 - v1) > 1.0:
            continue
        lo, hi, flo = thetas[i], thetas[i + 1], v0
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            fm = f(at(mid))
            if (fm > 0) == (flo > 0):
                lo, flo = mid, fm
            else:
                hi = mid
        roots.append(at(0.5 * (lo + hi)))
    return roots
