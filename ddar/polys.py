"""The predicates of the language as polynomial equations in the points' coordinates.

One definition, shared by the algebraic prover (``geosolver/wu.py``, on sympy's
rings) and the checker that re-verifies its certificates (``ddar/check.py``, on
its own integer polynomials): the functions take any objects with ``+``, ``-``
and ``*`` (and integers), so each side computes with its own arithmetic.

A fact holds exactly when all its polynomials vanish.  Angles are directed
angles between lines mod pi: the angle from u to v is t exactly when
``cross(u, v) cos t - dot(u, v) sin t = 0``.  Multiples of pi/4 have a rational
(cos, sin) up to a common factor; multiples of pi/12 and pi/8 have a tangent in
Q(sqrt 3) or Q(sqrt 2), written with a variable (``sqrt3``, ``sqrt2``) that the
triangular set fixes by ``sqrt3**2 - 3`` (``RADICALS``); other constants have no
polynomial here.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Sequence

Point = tuple[Any, Any]  # (x, y)

# angle constant (fraction of pi) -> (cos, sin) up to a common positive factor
_ANGLES = {Fraction(0): (1, 0), Fraction(1, 4): (1, 1), Fraction(1, 2): (0, 1), Fraction(3, 4): (-1, 1)}
# angle constant -> (p, q, k, d): its tangent is (p + q sqrt(k)) / d
_TANGENTS = {
    Fraction(1, 12): (2, -1, 3, 1), Fraction(1, 6): (0, 1, 3, 3), Fraction(1, 3): (0, 1, 3, 1),
    Fraction(5, 12): (2, 1, 3, 1), Fraction(7, 12): (-2, -1, 3, 1), Fraction(2, 3): (0, -1, 3, 1),
    Fraction(5, 6): (0, -1, 3, 3), Fraction(11, 12): (-2, 1, 3, 1),
    Fraction(1, 8): (-1, 1, 2, 1), Fraction(3, 8): (1, 1, 2, 1), Fraction(5, 8): (-1, -1, 2, 1),
    Fraction(7, 8): (1, -1, 2, 1),
}
RADICALS = {2: "sqrt2", 3: "sqrt3"}  # k -> the variable standing for sqrt(k)


def radicals_needed(pred: str, value: Fraction | None) -> set[int]:
    """The k whose sqrt(k) a fact's polynomials use."""
    t = _TANGENTS.get(Fraction(value) % 1) if pred == "aconst" and value is not None else None
    return {t[2]} if t else set()


class NoPolynomial(ValueError):
    """A fact with no polynomial translation here (an angle constant such as pi/3)."""


def coordinate_name(point: str, index: int, axis: str) -> str:
    """The variable of a point's coordinate: ``a_x``; ``p3_x`` for a name that is no identifier."""
    return f"{point}_{axis}" if point.isidentifier() and point.isascii() else f"p{index}_{axis}"


def _sub(p: Point, q: Point) -> Point:
    return (p[0] - q[0], p[1] - q[1])


def _cross(u: Point, v: Point):
    return u[0] * v[1] - u[1] * v[0]


def _dot(u: Point, v: Point):
    return u[0] * v[0] + u[1] * v[1]


def _sq(p: Point, q: Point):
    d = _sub(p, q)
    return _dot(d, d)


def _det3(rows: Sequence[Sequence[Any]]):
    (a, b, c), (d, e, f), (g, h, i) = rows
    return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)


def _concyclic(a: Point, b: Point, c: Point, d: Point):
    """Zero exactly when a, b, c, d lie on one circle (or line): the 4x4 determinant of
    rows (x^2 + y^2, x, y, 1), after subtracting d's row."""
    rows = []
    for p in (a, b, c):
        u = _sub(p, d)
        rows.append((_dot(u, u), u[0], u[1]))
    return _det3(rows)


def fact_polys(pred: str, pts: Sequence[Point], value: Fraction | None = None,
               roots: dict[int, Any] | None = None) -> list:
    """The polynomials whose common zeros are the figures where ``pred`` holds of ``pts``
    (``roots``: k -> the caller's variable for sqrt(k), for angles that need one)."""
    if pred == "coll":
        a, b = pts[0], pts[1]
        return [_cross(_sub(b, a), _sub(c, a)) for c in pts[2:]]
    if pred == "para":
        return [_cross(_sub(pts[1], pts[0]), _sub(pts[3], pts[2]))]
    if pred == "perp":
        return [_dot(_sub(pts[1], pts[0]), _sub(pts[3], pts[2]))]
    if pred == "cong":
        return [_sq(pts[0], pts[1]) - _sq(pts[2], pts[3])]
    if pred == "midp":
        m, a, b = pts
        return [m[0] * 2 - a[0] - b[0], m[1] * 2 - a[1] - b[1]]
    if pred == "cyclic":
        return [_concyclic(pts[0], pts[1], pts[2], d) for d in pts[3:]]
    if pred == "circle":
        o = pts[0]
        return [_sq(o, pts[1]) - _sq(o, p) for p in pts[2:]]
    if pred == "eqangle":
        u1, u2, u3, u4 = (_sub(pts[i + 1], pts[i]) for i in range(0, 8, 2))
        return [_cross(u1, u2) * _dot(u3, u4) - _dot(u1, u2) * _cross(u3, u4)]
    if pred == "eqratio":
        a, b, c, d, e, f, g, h = pts
        return [_sq(a, b) * _sq(g, h) - _sq(c, d) * _sq(e, f)]
    if pred == "aconst":
        u, v = _sub(pts[1], pts[0]), _sub(pts[3], pts[2])
        turn = _ANGLES.get(Fraction(value) % 1)
        if turn is not None:
            cos, sin = turn
            return [_cross(u, v) * cos - _dot(u, v) * sin]
        tangent = _TANGENTS.get(Fraction(value) % 1)
        if tangent is None or tangent[2] not in (roots or {}):
            raise NoPolynomial(f"the angle constant {value}pi has no tangent in Q, Q(sqrt 2) or Q(sqrt 3)")
        p, q, k, d = tangent  # cos t : sin t = d : p + q sqrt(k)
        return [_cross(u, v) * d - _dot(u, v) * (roots[k] * q + p)]
    if pred == "rconst":
        r = Fraction(value)
        return [_sq(pts[0], pts[1]) * (r.denominator**2) - _sq(pts[2], pts[3]) * (r.numerator**2)]
    if pred in ("simtri", "contri"):
        a, b, c, d, e, f = pts
        sides = [(_sq(a, b), _sq(d, e)), (_sq(b, c), _sq(e, f)), (_sq(c, a), _sq(f, d))]
        if pred == "contri":
            return [s - t for s, t in sides]
        (s1, t1), (s2, t2), (s3, t3) = sides
        return [s1 * t2 - s2 * t1, s2 * t3 - s3 * t2]
    raise NoPolynomial(f"{pred} has no polynomial translation")
