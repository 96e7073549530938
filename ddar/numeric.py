"""Numeric truth of predicates on a float diagram.

Floating point is only ever used to test facts in a figure, never to derive
them.  Every check is scale free: lengths are compared relative to the size of
the figure (``scale``), angles in radians.  Two quantities count as equal when
they differ by at most ``TOL`` in those units; the tolerance is documented in
docs/LANGUAGE.md and pinned by tests.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

TOL = 1e-6
"""Relative tolerance of every numeric check (fraction of the figure's size, or radians)."""

Point = np.ndarray


def _line_angle(p: Point, q: Point) -> float:
    """Direction of line pq in [0, pi)."""
    return math.atan2(q[1] - p[1], q[0] - p[0]) % math.pi


def _angle_diff_mod_pi(x: float) -> float:
    """Distance of x from 0 mod pi, in [0, pi/2]."""
    x = x % math.pi
    return min(x, math.pi - x)


def _length(p: Point, q: Point) -> float:
    return math.hypot(q[0] - p[0], q[1] - p[1])


def _unit(p: Point, q: Point) -> tuple[float, float] | None:
    d = _length(p, q)
    if d == 0.0:
        return None
    return ((q[0] - p[0]) / d, (q[1] - p[1]) / d)


def circumcenter(a: Point, b: Point, c: Point) -> Point | None:
    """Centre of the circle through a, b, c, or None when they are collinear."""
    bx, by = b[0] - a[0], b[1] - a[1]
    cx, cy = c[0] - a[0], c[1] - a[1]
    d = 2.0 * (bx * cy - by * cx)
    if d == 0.0:
        return None
    b2, c2 = bx * bx + by * by, cx * cx + cy * cy
    return np.array([a[0] + (cy * b2 - by * c2) / d, a[1] + (bx * c2 - cx * b2) / d])


def _coll(pts: Sequence[Point], scale: float) -> bool:
    # Measure every point against the line through the two farthest apart.
    best, pair = -1.0, (0, 1)
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            d = _length(pts[i], pts[j])
            if d > best:
                best, pair = d, (i, j)
    if best <= TOL * scale:
        return True
    p, q = pts[pair[0]], pts[pair[1]]
    ux, uy = (q[0] - p[0]) / best, (q[1] - p[1]) / best
    return all(abs((r[0] - p[0]) * uy - (r[1] - p[1]) * ux) <= TOL * scale for r in pts)


def _cyclic(pts: Sequence[Point], scale: float) -> bool:
    # Use the three points that span the largest triangle to fix the circle.
    n, best, tri = len(pts), -1.0, None
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                a, b, c = pts[i], pts[j], pts[k]
                area = abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))
                if area > best:
                    best, tri = area, (a, b, c)
    if tri is None or best <= (TOL * scale) ** 2:
        return False
    o = circumcenter(*tri)
    if o is None:
        return False
    r = _length(o, tri[0])
    return all(abs(_length(o, p) - r) <= TOL * scale for p in pts)


def _directed(a: Point, b: Point, c: Point, d: Point) -> float | None:
    """Directed angle from line ab to line cd, or None if a segment is degenerate."""
    if _length(a, b) == 0.0 or _length(c, d) == 0.0:
        return None
    return _line_angle(c, d) - _line_angle(a, b)


def _similar(p: Sequence[Point], scale: float, congruent: bool) -> bool:
    a, b, c, d, e, f = p
    s1 = (_length(a, b), _length(b, c), _length(c, a))
    s2 = (_length(d, e), _length(e, f), _length(f, d))
    if min(s1) <= TOL * scale or min(s2) <= TOL * scale:
        return False
    if _coll([a, b, c], scale) or _coll([d, e, f], scale):
        return False
    if congruent:
        return all(abs(x - y) <= TOL * scale for x, y in zip(s1, s2))
    k = s2[0] / s1[0]
    return all(abs(x * k - y) <= TOL * scale for x, y in zip(s1, s2))


def _inside(a: Point, b: Point, c: Point) -> float:
    """Negative when a lies strictly between b and c on their line."""
    return (b[0] - a[0]) * (c[0] - a[0]) + (b[1] - a[1]) * (c[1] - a[1])


def _signed_area(a: Point, b: Point, c: Point) -> float:
    """Twice the signed area of triangle abc: positive when a, b, c turn counter-clockwise."""
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def holds(name: str, pts: Sequence[Point], value: float | None = None, scale: float = 1.0) -> bool:
    """Whether predicate ``name`` holds for the points (in order) in the figure.

    ``value`` is the constant of aconst (radians) or rconst (a ratio);
    ``scale`` is the size of the figure, which makes the tolerance relative.
    """
    return bool(_check(name, pts, value, scale))


def _check(name: str, pts: Sequence[Point], value: float | None, scale: float):
    tol_len = TOL * scale
    if name == "coll":
        return _coll(pts, scale)
    if name == "ncoll":
        return not _coll(pts, scale)
    if name in ("para", "perp", "npara", "nperp"):
        u, v = _unit(pts[0], pts[1]), _unit(pts[2], pts[3])
        if u is None or v is None:
            return False
        if name in ("para", "npara"):
            ok = abs(u[0] * v[1] - u[1] * v[0]) <= TOL
        else:
            ok = abs(u[0] * v[0] + u[1] * v[1]) <= TOL
        return ok if name in ("para", "perp") else not ok
    if name == "cong":
        return abs(_length(pts[0], pts[1]) - _length(pts[2], pts[3])) <= tol_len
    if name == "cyclic":
        return _cyclic(pts, scale)
    if name == "circle":
        o, rest = pts[0], pts[1:]
        r = _length(o, rest[0])
        return r > tol_len and all(abs(_length(o, p) - r) <= tol_len for p in rest)
    if name == "midp":
        m, a, b = pts
        return _length(m, (a + b) / 2.0) <= tol_len and _length(a, b) > tol_len
    if name == "eqangle":
        x, y = _directed(*pts[0:4]), _directed(*pts[4:8])
        return x is not None and y is not None and _angle_diff_mod_pi(x - y) <= TOL
    if name == "eqratio":
        l = [_length(pts[i], pts[i + 1]) for i in range(0, 8, 2)]
        if l[1] <= tol_len or l[3] <= tol_len:
            return False
        return abs(l[0] * l[3] - l[1] * l[2]) <= TOL * scale * scale
    if name == "simtri":
        return _similar(pts, scale, congruent=False)
    if name == "contri":
        return _similar(pts, scale, congruent=True)
    if name == "aconst":
        x = _directed(*pts)
        return x is not None and value is not None and _angle_diff_mod_pi(x - value) <= TOL
    if name == "rconst":
        ab, cd = _length(pts[0], pts[1]), _length(pts[2], pts[3])
        return cd > tol_len and value is not None and abs(ab - value * cd) <= tol_len
    if name == "sameside":
        s1, s2 = _inside(*pts[0:3]), _inside(*pts[3:6])
        return (s1 > 0) == (s2 > 0) and abs(s1) > tol_len * scale and abs(s2) > tol_len * scale
    if name == "sameclock":
        s1, s2 = _signed_area(*pts[0:3]), _signed_area(*pts[3:6])
        return s1 * s2 > 0 and min(abs(s1), abs(s2)) > tol_len * scale
    if name == "diff":
        return _length(pts[0], pts[1]) > tol_len
    raise KeyError(f"unknown predicate {name!r}")
