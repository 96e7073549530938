"""The construction library: one declarative entry per construction.

Each entry says, in the words of the problem language,
  * its arguments, which of them it creates (``outputs``) and which are
    numbers (``numbers``, in degrees);
  * what its inputs must satisfy (``requires``: non-degeneracy conditions);
  * the facts it asserts about the new points (``asserts``: the engine's
    premises);
  * its numeric locus (``place``): for a one-point construction, the loci the
    point lies on (lines, circles, or one determined point), which the diagram
    intersects with the loci of the other constructions of the clause; for a
    construction that creates several points, the points themselves.

The meanings follow AlphaGeometry's ``defs.txt``; the code is our own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import numpy as np

from ddar.predicates import PREDICATES
from geosolver import geometry as g
from geosolver.geometry import Circle, Degenerate, Fixed, Line, norm, pt, rot, rot90, unit
from geosolver.statement import Statement


@dataclass(frozen=True)
class Template:
    """A fact over the construction's argument names; literal constants allowed."""

    pred: str
    args: tuple[str, ...]
    value: Fraction | None = None  # a literal constant
    value_arg: str | None = None  # or the name of a numeric argument (degrees)


@dataclass(frozen=True)
class Construction:
    name: str
    args: tuple[str, ...]
    outputs: tuple[str, ...]
    numbers: tuple[str, ...]
    requires: tuple[Template, ...]
    asserts: tuple[Template, ...]
    place: Callable
    meaning: str
    polygon: tuple[str, ...] = field(default=())  # sides drawn for shapes made from nothing

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(a for a in self.args if a not in self.outputs and a not in self.numbers)

    def signature(self) -> str:
        return " ".join([self.name, *self.args])

    def instantiate(self, templates: tuple[Template, ...], binding: dict) -> list[Statement]:
        out = []
        for t in templates:
            value = t.value
            if t.value_arg is not None:
                value = Fraction(binding[t.value_arg]) / 180  # degrees to pi units
            out.append(Statement(t.pred, tuple(binding[a] for a in t.args), value))
        return out


def _templates(text: str, args: tuple[str, ...]) -> tuple[Template, ...]:
    out = []
    for part in text.replace(";", ",").split(","):
        words = part.split()
        if not words:
            continue
        pred, rest = words[0], words[1:]
        spec = PREDICATES[pred]
        n = spec.points
        pts = tuple(rest[:n]) if not spec.variadic else tuple(rest)
        assert all(p in args for p in pts), (text, pts)
        value = value_arg = None
        if spec.value:
            tail = rest[n:]
            if len(tail) == 1 and tail[0] in args:
                value_arg = tail[0]
            else:
                value = Fraction(int(tail[0]), int(tail[1])) if len(tail) == 2 else Fraction(tail[0])
        out.append(Template(pred, pts, value, value_arg))
    return tuple(out)


CONSTRUCTIONS: dict[str, Construction] = {}


def _define(
    sig: str,
    meaning: str,
    place: Callable,
    requires: str = "",
    asserts: str = "",
    outputs: str | None = None,
    numbers: str = "",
    polygon: str = "",
) -> None:
    name, *args = sig.split()
    args_t = tuple(args)
    outs = tuple(outputs.split()) if outputs is not None else (args_t[0],)
    CONSTRUCTIONS[name] = Construction(
        name=name,
        args=args_t,
        outputs=outs,
        numbers=tuple(numbers.split()),
        requires=_templates(requires, args_t),
        asserts=_templates(asserts, args_t),
        place=place,
        meaning=meaning,
        polygon=tuple(polygon.split()),
    )


# --- random shapes -------------------------------------------------------------


def _angles_ok(pts: list[np.ndarray], lo_deg: float = 25.0, hi_deg: float = 125.0) -> bool:
    n = len(pts)
    for i in range(n):
        a, b, c = pts[i - 1], pts[i], pts[(i + 1) % n]
        u, v = a - b, c - b
        if norm(u) < 0.3 or norm(v) < 0.3:
            return False
        ang = math.degrees(math.acos(np.clip(np.dot(u, v) / (norm(u) * norm(v)), -1, 1)))
        if not lo_deg <= ang <= hi_deg:
            return False
    return True


def _random_point(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-1.0, 1.0, size=2)


def _random_segment(rng):
    a = _random_point(rng)
    return a, a + rot(pt(rng.uniform(0.9, 1.4), 0.0), rng.uniform(0, 2 * math.pi))


def _random_triangle(rng, lo: float = 35.0, hi: float = 105.0):
    for _ in range(100):
        pts = [_random_point(rng) for _ in range(3)]
        if _angles_ok(pts, lo, hi):
            return tuple(pts)
    return tuple(pts)


def _random_polygon(rng, n: int):
    """A convex polygon with vertices near a circle, counter-clockwise."""
    for _ in range(100):
        angles = np.sort(rng.uniform(0, 2 * math.pi, size=n))
        radii = rng.uniform(0.8, 1.2, size=n)
        pts = [r * pt(math.cos(t), math.sin(t)) for r, t in zip(radii, angles)]
        if _angles_ok(pts, 30.0, 170.0):
            return tuple(pts)
    return tuple(pts)


def _iso(rng):
    base = rng.uniform(0.8, 1.4)
    height = base * rng.uniform(0.5, 1.5)
    turn = rng.uniform(0, 2 * math.pi)
    b, c = rot(pt(-base / 2, 0), turn), rot(pt(base / 2, 0), turn)
    a = rot(pt(0, height), turn)
    return a, b, c


def _right_triangle(rng, isosceles: bool):
    a, b = _random_segment(rng)
    k = 1.0 if isosceles else rng.uniform(0.6, 1.5)
    return a, b, a + k * rot90(b - a)


def _equilateral(rng):
    a, b = _random_segment(rng)
    return a, b, a + rot(b - a, math.pi / 3)


def _trapezoid(rng):
    a, b = _random_segment(rng)
    h = rng.uniform(0.6, 1.2) * rot90(b - a)
    d = a + h + rng.uniform(-0.3, 0.3) * (b - a)
    c = d + rng.uniform(0.4, 0.9) * (b - a)
    return a, b, c, d


def _eq_trapezoid(rng):
    a, b = _random_segment(rng)
    h = rng.uniform(0.6, 1.2) * rot90(b - a)
    k = rng.uniform(0.15, 0.35)
    return a, b, b + h - k * (b - a), a + h + k * (b - a)


def _r_trapezoid(rng):
    a, b = _random_segment(rng)
    d = a + rng.uniform(0.6, 1.2) * rot90(b - a)
    return a, b, d + rng.uniform(0.4, 1.4) * (b - a), d


def _rectangle(rng):
    a, b = _random_segment(rng)
    h = rng.uniform(0.5, 1.3) * rot90(b - a)
    return a, b, b + h, a + h


def _side(rng) -> float:
    """+1 or -1: which side of a segment a square or shape is drawn on."""
    return 1.0 if rng.uniform() < 0.5 else -1.0


def _square_on(rng, a, b):
    turn = _side(rng) * rot90(b - a)
    return b + turn, a + turn


def _isquare(rng):
    a, b = _random_segment(rng)
    return (a, b, *_square_on(rng, a, b))


def _quad_with(rng, fix_d):
    """A random quadrangle abc plus d placed by ``fix_d`` (an equal-length condition)."""
    a, b, c, d0 = _random_polygon(rng, 4)
    return a, b, c, fix_d(a, b, c, d0)


def _towards(origin, target, length):
    return origin + length * unit(target - origin)


def _triangle12(rng):
    a, b = _random_segment(rng)
    turn = rng.uniform(0.6, 2.4) * _side(rng)
    return a, b, a + 2 * rot(b - a, turn)


# --- loci and points of one-point constructions ------------------------------


def _bisector(a, b, c):
    return g.line_dir(b, unit(a - b) + unit(c - b), norm(a - b))


def _angle_mirror(a, b, c):
    return g.line_dir(b, rot(c - b, g.angle_of(c - b) - g.angle_of(a - b)), norm(a - b))


def _eqangle2(rng, a, b, c):
    # x with angle(ab, ax) = angle(cx, cb): choose the line ax, then the line cx is fixed.
    phi = g.angle_of(b - a) + rng.uniform(0.2, 0.8) * (g.angle_of(c - a) - g.angle_of(b - a))
    ax = Line(a, pt(math.cos(phi), math.sin(phi)))
    cx_angle = g.angle_of(b - c) - (phi - g.angle_of(b - a))
    cx = Line(c, pt(math.cos(cx_angle), math.sin(cx_angle)))
    hits = g.intersect(ax, cx)
    if not hits:
        raise Degenerate("parallel lines")
    return Fixed(hits[0])


def _directed(a, b, c, d):
    """Directed angle from line ab to line cd."""
    return g.angle_of(d - c) - g.angle_of(b - a)


def _on_aline(rng, a, b, c, d, e):
    # angle(ax, ab) = angle(dc, de)
    return g.angle_line(a, a, b, -_directed(d, c, d, e), norm(b - a))


def _incircle_feet(center, a, b, c):
    return g.foot(center, b, c), g.foot(center, c, a), g.foot(center, a, b)


def _centroid(rng, a, b, c):
    x, y, z = (b + c) / 2, (c + a) / 2, (a + b) / 2
    return x, y, z, (a + b + c) / 3


def _ninepoints(rng, a, b, c):
    x, y, z = (b + c) / 2, (c + a) / 2, (a + b) / 2
    return x, y, z, g.circumcenter(x, y, z)


def _with_feet(center_fn):
    def place(rng, a, b, c):
        i = center_fn(a, b, c)
        return (*_incircle_feet(i, a, b, c), i)

    return place


def _3peq(rng, a, b, c):
    z = g.line_through(b, c).at(rng.uniform(-0.8, -0.2) * norm(c - b))
    # x on ab and y = 2z - x on ac: solve cross(2z - x - a, c - a) = 0 for x = a + s(b - a)
    u, w = b - a, c - a
    den = g.cross(u, w)
    if abs(den) < 1e-12:
        raise Degenerate("parallel sides")
    s = g.cross(2 * z - 2 * a, w) / den
    x = a + s * u
    return x, 2 * z - x, z


def _trisect(rng, a, b, c):
    theta = math.atan2(g.cross(a - b, c - b), float(np.dot(a - b, c - b)))
    ac = g.line_through(a, c)
    x = g.intersect(Line(b, unit(rot(a - b, theta / 3))), ac)
    y = g.intersect(Line(b, unit(rot(a - b, 2 * theta / 3))), ac)
    if not x or not y:
        raise Degenerate("trisector parallel to ac")
    return x[0], y[0]


def _trisegment(rng, a, b):
    return a + (b - a) / 3, a + 2 * (b - a) / 3


def _tangent_points(p, o, r):
    """Points of contact of the two tangents from p to circle (o, r)."""
    d = norm(p - o)
    if d <= r * (1 + 1e-9):
        raise Degenerate("the point is not outside the circle")
    # contact points: o + r * (cos t) * u +- r * (sin t) * rot90(u), cos t = r / d
    u = unit(p - o)
    cos_t = r / d
    sin_t = math.sqrt(1 - cos_t * cos_t)
    return o + r * (cos_t * u + sin_t * rot90(u)), o + r * (cos_t * u - sin_t * rot90(u))


def _tangent(rng, a, o, b):
    return _tangent_points(a, o, norm(b - o))


def _external_tangents(o, r1, w, r2):
    """The two external common tangents of circles (o, r1) and (w, r2): contact pairs."""
    d = norm(w - o)
    if d <= abs(r1 - r2) * (1 + 1e-9):
        raise Degenerate("one circle lies inside the other")
    u = unit(w - o)
    cos_t = (r1 - r2) / d
    sin_t = math.sqrt(max(0.0, 1 - cos_t * cos_t))
    pairs = []
    for s in (1, -1):
        n = cos_t * u + s * sin_t * rot90(u)  # unit normal of the tangent line
        pairs.append((o + r1 * n, w + r2 * n))
    return pairs


def _cc_tangent0(rng, o, a, w, b):
    (x, y), _ = _external_tangents(o, norm(a - o), w, norm(b - w))
    return x, y


def _cc_tangent(rng, o, a, w, b):
    (x, y), (z, i) = _external_tangents(o, norm(a - o), w, norm(b - w))
    return x, y, z, i


def _2l1c(rng, a, b, c, o):
    # Circle tangent to lines ca, cb (inside angle acb) and internally tangent to circle (o, |oa|).
    R = norm(a - o)
    u = unit(unit(a - c) + unit(b - c))
    sin_half = abs(g.cross(u, unit(a - c)))
    # |c + t u - o| = R - t sin_half, a quadratic in t
    co = c - o
    qa = 1 - sin_half**2
    qb = 2 * float(np.dot(u, co)) + 2 * R * sin_half
    qc = float(np.dot(co, co)) - R * R
    disc = qb * qb - 4 * qa * qc
    if disc < 0 or qa < 1e-12:
        raise Degenerate("no such circle")
    roots = [t for t in ((-qb + math.sqrt(disc)) / (2 * qa), (-qb - math.sqrt(disc)) / (2 * qa)) if t > 0]
    roots = [t for t in roots if R - t * sin_half > 0]
    if len(roots) != 1:
        raise Degenerate("the tangent circle is not unique")
    i = c + roots[0] * u
    x, y = g.foot(i, a, c), g.foot(i, b, c)
    z = o + R * unit(i - o)
    return x, y, z, i


def _e5128(rng, a, b, c, d):
    # x on circle (c, |cb|), y = line xd meets line ab, with angle(ab, ad) = angle(xa, xy).
    circle = Circle(c, norm(b - c))
    target = _directed(a, b, a, d)
    ab = g.line_through(a, b)

    def residual(x):
        hits = g.intersect(Line(x, unit(d - x)), ab)
        if not hits:
            raise Degenerate("parallel")
        diff = (_directed(x, a, x, hits[0]) - target) % math.pi
        return diff - math.pi if diff > math.pi / 2 else diff

    roots = [x for x in g.solve_on_circle(circle, residual) if norm(x - d) > 1e-6 and norm(x - b) > 1e-6]
    if not roots:
        raise Degenerate("no such point")
    x = roots[int(rng.integers(len(roots)))]
    y = g.intersect(Line(x, unit(d - x)), ab)[0]
    return x, y


# --- the library -------------------------------------------------------------

# i sees each pair of sides under equal angles (in- and excentres alike: mod pi
# the internal and external bisectors give the same directed-angle facts)
_BISECTED = "eqangle a b a {i} a {i} a c, eqangle c a c {i} c {i} c b, eqangle b c b {i} b {i} b a"
# x, y, z are the feet of i on the sides: the touch points of its circle
_TOUCHING = (
    "coll x b c, perp i x b c, coll y c a, perp i y c a, coll z a b, perp i z a b, cong i x i y, cong i y i z"
)

D = _define

D("angle_bisector x a b c", "x lies on the internal bisector of angle abc",
  lambda rng, a, b, c: _bisector(a, b, c),
  "ncoll a b c", "eqangle b a b x b x b c")
D("angle_mirror x a b c", "x lies on the reflection of line ba in line bc",
  lambda rng, a, b, c: _angle_mirror(a, b, c),
  "ncoll a b c", "eqangle b a b c b c b x")
D("circle x a b c", "x is the centre of the circle through a, b, c",
  lambda rng, a, b, c: Fixed(g.circumcenter(a, b, c)),
  "ncoll a b c", "cong x a x b, cong x b x c")
D("circumcenter x a b c", "x is the circumcentre of triangle abc (same as circle)",
  lambda rng, a, b, c: Fixed(g.circumcenter(a, b, c)),
  "ncoll a b c", "cong x a x b, cong x b x c")
D("eq_quadrangle a b c d", "a quadrangle abcd with ad = bc",
  lambda rng: _quad_with(rng, lambda a, b, c, d: _towards(a, d, norm(c - b))),
  "", "cong d a b c", outputs="a b c d", polygon="a b c d")
D("eq_trapezoid a b c d", "an isosceles trapezoid abcd: cd parallel to ab, da = bc",
  _eq_trapezoid, "", "para d c a b, cong d a b c", outputs="a b c d", polygon="a b c d")
D("eq_triangle x b c", "x makes an equilateral triangle with b and c",
  lambda rng, b, c: (Circle(b, norm(c - b)), Circle(c, norm(c - b))),
  "diff b c", "cong x b b c, cong b c c x, eqangle b x b c c b c x, eqangle x c x b b x b c",
  polygon="x b c")
D("eqangle2 x a b c", "x with angle(ab, ax) = angle(cx, cb)",
  _eqangle2, "ncoll a b c", "eqangle a b a x c x c b")
D("eqdia_quadrangle a b c d", "a quadrangle abcd with equal diagonals ac = bd",
  lambda rng: _quad_with(rng, lambda a, b, c, d: _towards(b, d, norm(c - a))),
  "", "cong d b a c", outputs="a b c d", polygon="a b c d")
D("eqdistance x a b c", "x lies on the circle centred a with radius bc",
  lambda rng, a, b, c: Circle(a, norm(c - b)),
  "diff b c", "cong x a b c")
D("foot x a b c", "x is the foot of the perpendicular from a to line bc",
  lambda rng, a, b, c: Fixed(g.foot(a, b, c)),
  "ncoll a b c", "perp x a b c, coll x b c")
D("free a", "a is a free point",
  lambda rng: (_random_point(rng),), "", "", outputs="a")
D("incenter x a b c", "x is the incentre of triangle abc",
  lambda rng, a, b, c: Fixed(g.incenter(a, b, c)),
  "ncoll a b c", _BISECTED.format(i="x"))
D("incenter2 x y z i a b c", "i is the incentre of abc; x, y, z its touch points on bc, ca, ab",
  _with_feet(g.incenter), "ncoll a b c",
  _BISECTED.format(i="i") + ", " + _TOUCHING, outputs="x y z i")
D("excenter x a b c", "x is the centre of the excircle of abc opposite a",
  lambda rng, a, b, c: Fixed(g.excenter(a, b, c)),
  "ncoll a b c", _BISECTED.format(i="x"))
D("excenter2 x y z i a b c", "i is the excentre of abc opposite a; x, y, z its touch points on bc, ca, ab",
  _with_feet(g.excenter), "ncoll a b c",
  _BISECTED.format(i="i") + ", " + _TOUCHING, outputs="x y z i")
D("centroid x y z i a b c", "x, y, z are the midpoints of bc, ca, ab and i the centroid of abc",
  _centroid, "ncoll a b c",
  "coll x b c, cong x b x c, coll y c a, cong y c y a, coll z a b, cong z a z b,"
  " coll a x i, coll b y i, coll c z i", outputs="x y z i")
D("ninepoints x y z i a b c", "x, y, z are the midpoints of bc, ca, ab and i the centre of the nine-point circle",
  _ninepoints, "ncoll a b c",
  "coll x b c, cong x b x c, coll y c a, cong y c y a, coll z a b, cong z a z b,"
  " cong i x i y, cong i y i z", outputs="x y z i")
D("intersection_cc x o w a", "x is the second intersection of the circles centred o and w through a",
  lambda rng, o, w, a: (Circle(o, norm(a - o)), Circle(w, norm(a - w))),
  "ncoll o w a", "cong o a o x, cong w a w x")
D("intersection_lc x a o b", "x is the second intersection of line ab with the circle centred o through b",
  lambda rng, a, o, b: (g.line_through(b, a), Circle(o, norm(b - o))),
  "diff a b, diff o b, nperp b o b a", "coll x a b, cong o b o x")
D("intersection_ll x a b c d", "x is the intersection of lines ab and cd",
  lambda rng, a, b, c, d: (g.line_through(a, b), g.line_through(c, d)),
  "npara a b c d, ncoll a b c d", "coll x a b, coll x c d")
D("intersection_lp x a b c m n", "x is on line ab and on the parallel to mn through c",
  lambda rng, a, b, c, m, n: (g.line_through(a, b), g.para_line(c, m, n)),
  "npara m n a b, ncoll a b c, ncoll c m n", "coll x a b, para c x m n")
D("intersection_lt x a b c d e", "x is on line ab and on the perpendicular to de through c",
  lambda rng, a, b, c, d, e: (g.line_through(a, b), g.perp_line(c, d, e)),
  "ncoll a b c, nperp a b d e", "coll x a b, perp x c d e")
D("intersection_pp x a b c d e f", "x is on the parallel to bc through a and the parallel to ef through d",
  lambda rng, a, b, c, d, e, f: (g.para_line(a, b, c), g.para_line(d, e, f)),
  "diff a d, npara b c e f", "para x a b c, para x d e f")
D("intersection_tt x a b c d e f", "x is on the perpendicular to bc through a and the perpendicular to ef through d",
  lambda rng, a, b, c, d, e, f: (g.perp_line(a, b, c), g.perp_line(d, e, f)),
  "diff a d, npara b c e f", "perp x a b c, perp x d e f")
D("iso_triangle a b c", "a triangle abc isosceles at a (ab = ac)",
  _iso, "", "eqangle b a b c c b c a, cong a b a c", outputs="a b c", polygon="a b c")
D("lc_tangent x a o", "x lies on the tangent at a to the circle centred o through a",
  lambda rng, a, o: g.perp_line(a, a, o),
  "diff a o", "perp a x a o")
D("midpoint x a b", "x is the midpoint of ab",
  lambda rng, a, b: Fixed((a + b) / 2),
  "diff a b", "coll x a b, cong x a x b")
D("mirror x a b", "x is the reflection of a through the point b",
  lambda rng, a, b: Fixed(2 * b - a),
  "diff a b", "coll x a b, cong b a b x")
D("nsquare x a b", "x is b turned about a by -90 degrees (xa = ab, xa perpendicular to ab)",
  lambda rng, a, b: Fixed(a - rot90(b - a)),
  "diff a b", "cong x a a b, perp x a a b")
D("on_aline x a b c d e", "x with angle(ax, ab) = angle(dc, de): a line through a",
  _on_aline, "ncoll c d e", "eqangle a x a b d c d e")
D("on_aline2 x a b c d e", "x with angle(xa, xb) = angle(dc, de): a circle through a and b",
  lambda rng, a, b, c, d, e: g.inscribed_arc(a, b, _directed(d, c, d, e)),
  "ncoll c d e", "eqangle x a x b d c d e")
D("on_bline x a b", "x lies on the perpendicular bisector of ab",
  lambda rng, a, b: g.bisector_line(a, b),
  "diff a b", "cong x a x b, eqangle a x a b b a b x")
D("on_circle x o a", "x lies on the circle centred o through a",
  lambda rng, o, a: Circle(o, norm(a - o)),
  "diff o a", "cong o x o a")
D("on_line x a b", "x lies on line ab",
  lambda rng, a, b: g.line_through(a, b),
  "diff a b", "coll x a b")
D("on_pline x a b c", "x lies on the parallel to bc through a",
  lambda rng, a, b, c: g.para_line(a, b, c),
  "diff b c, ncoll a b c", "para x a b c")
D("on_tline x a b c", "x lies on the perpendicular to bc through a",
  lambda rng, a, b, c: g.perp_line(a, b, c),
  "diff b c", "perp x a b c")
D("orthocenter x a b c", "x is the orthocentre of triangle abc",
  lambda rng, a, b, c: Fixed(g.orthocenter(a, b, c)),
  "ncoll a b c", "perp x a b c, perp x b c a, perp x c a b")
D("parallelogram a b c x", "abcx is a parallelogram",
  lambda rng, a, b, c: Fixed(a + c - b),
  "ncoll a b c", "para a b c x, para a x b c, cong a b c x, cong a x b c", outputs="x",
  polygon="a b c x")
D("pentagon a b c d e", "a convex pentagon abcde",
  lambda rng: _random_polygon(rng, 5), "", "", outputs="a b c d e", polygon="a b c d e")
D("psquare x a b", "x is b turned about a by +90 degrees (xa = ab, xa perpendicular to ab)",
  lambda rng, a, b: Fixed(a + rot90(b - a)),
  "diff a b", "cong x a a b, perp x a a b")
D("quadrangle a b c d", "a convex quadrangle abcd",
  lambda rng: _random_polygon(rng, 4), "", "", outputs="a b c d", polygon="a b c d")
D("r_trapezoid a b c d", "a right trapezoid: ab parallel to cd, ad perpendicular to ab",
  _r_trapezoid, "", "para a b c d, perp a b a d", outputs="a b c d", polygon="a b c d")
D("r_triangle a b c", "a triangle with a right angle at a",
  lambda rng: _right_triangle(rng, False), "", "perp a b a c", outputs="a b c", polygon="a b c")
D("rectangle a b c d", "a rectangle abcd",
  _rectangle, "",
  "perp a b b c, para a b c d, para a d b c, perp a b a d, cong a b c d, cong a d b c, cong a c b d",
  outputs="a b c d", polygon="a b c d")
D("reflect x a b c", "x is the reflection of a in line bc",
  lambda rng, a, b, c: Fixed(g.reflect(a, b, c)),
  "diff b c, ncoll a b c", "cong b a b x, cong c a c x, perp b c a x")
D("risos a b c", "a right isosceles triangle: right angle at a, ab = ac",
  lambda rng: _right_triangle(rng, True), "",
  "perp a b a c, cong a b a c, eqangle b a b c c b c a", outputs="a b c", polygon="a b c")
D("s_angle a b x y", "x with the directed angle from ba to bx equal to y degrees",
  lambda rng, a, b, y: g.angle_line(b, b, a, math.radians(y), norm(a - b)),
  "diff a b", "aconst b a b x y", outputs="x", numbers="y")
D("segment a b", "two free points a and b",
  _random_segment, "", "", outputs="a b", polygon="a b")
D("shift x b c d", "x is c translated by the vector d -> b (xb = cd, xc = bd)",
  lambda rng, b, c, d: Fixed(b + c - d),
  "diff d b", "cong x b c d, cong x c b d")
D("square a b x y", "abxy is a square on ab",
  _square_on, "diff a b",
  "perp a b b x, cong a b b x, para a b x y, para a y b x, perp a y y x, cong b x x y,"
  " cong x y y a, perp a x b y, cong a x b y", outputs="x y", polygon="a b x y")
D("isquare a b c d", "a square abcd",
  _isquare, "",
  "perp a b b c, cong a b b c, para a b c d, para a d b c, perp a d d c, cong b c c d,"
  " cong c d d a, perp a c b d, cong a c b d", outputs="a b c d", polygon="a b c d")
D("trapezoid a b c d", "a trapezoid abcd with ab parallel to cd",
  _trapezoid, "", "para a b c d", outputs="a b c d", polygon="a b c d")
D("triangle a b c", "a free triangle abc",
  _random_triangle, "", "", outputs="a b c", polygon="a b c")
D("triangle12 a b c", "a triangle with ab : ac = 1 : 2",
  _triangle12, "", "rconst a b a c 1 2", outputs="a b c", polygon="a b c")
D("2l1c x y z i a b c o",
  "i is the centre of the circle inside angle acb tangent to lines ca, cb (at x, y) and internally"
  " to the circle centred o through a and b (at z)",
  _2l1c, "cong o a o b, ncoll a b c",
  "coll x a c, coll y b c, cong o a o z, coll i o z, cong i x i y, cong i y i z, perp i x a c,"
  " perp i y b c", outputs="x y z i")
D("e5128 x y a b c d",
  "x on the circle centred c through b, y on line ab, with x, y, d collinear and angle(ab, ad) = angle(xa, xy)",
  _e5128, "cong c b c d, perp b c b a",
  "cong c b c x, coll y a b, coll x y d, eqangle a b a d x a x y", outputs="x y")
D("3peq x y z a b c",
  "z on line bc, x on ab, y on ac, with x, y, z collinear and z the midpoint of xy",
  _3peq, "ncoll a b c", "coll z b c, coll x a b, coll y a c, coll x y z, cong z x z y",
  outputs="x y z")
D("trisect x y a b c", "x, y on ac trisect angle abc (x nearer a)",
  _trisect, "ncoll a b c",
  "coll x a c, coll y a c, eqangle b a b x b x b y, eqangle b x b y b y b c", outputs="x y")
D("trisegment x y a b", "x, y divide ab in three equal parts (x nearer a)",
  _trisegment, "diff a b", "coll x a b, coll y a b, cong x a x y, cong y x y b", outputs="x y")
D("on_dia x a b", "x lies on the circle with diameter ab",
  lambda rng, a, b: Circle((a + b) / 2, norm(b - a) / 2),
  "diff a b", "perp x a x b")
D("ieq_triangle a b c", "an equilateral triangle abc",
  _equilateral, "",
  "cong a b b c, cong b c c a, eqangle a b a c c a c b, eqangle c a c b b c b a",
  outputs="a b c", polygon="a b c")
D("on_opline x a b", "x lies on line ab, on the other side of a from b",
  lambda rng, a, b: Line(a, unit(a - b), 0.0, 1.5 * norm(b - a), ray=True),
  "diff a b", "coll x a b")
D("cc_tangent0 x y o a w b",
  "xy is a common external tangent of the circles centred o through a and centred w through b,"
  " touching them at x and y", _cc_tangent0, "diff o a, diff w b, diff o w",
  "cong o x o a, cong w y w b, perp x o x y, perp y w y x", outputs="x y")
D("cc_tangent x y z i o a w b",
  "xy and zi are the two common external tangents of the circles centred o through a and"
  " centred w through b", _cc_tangent, "diff o a, diff w b, diff o w",
  "cong o x o a, cong w y w b, perp x o x y, perp y w y x, cong o z o a, cong w i w b,"
  " perp z o z i, perp i w i z", outputs="x y z i")
D("eqangle3 x a b d e f", "x with angle(xa, xb) = angle(de, df): a circle through a and b",
  lambda rng, a, b, d, e, f: g.inscribed_arc(a, b, _directed(d, e, d, f)),
  "ncoll d e f, diff a b, diff d e, diff e f", "eqangle x a x b d e d f")
D("tangent x y a o b", "x and y are where the tangents from a touch the circle centred o through b",
  _tangent, "diff o a, diff o b, diff a b",
  "cong o x o b, perp a x o x, cong o y o b, perp a y o y", outputs="x y")
D("on_circum x a b c", "x lies on the circle through a, b, c",
  lambda rng, a, b, c: g.circle_through(a, b, c),
  "ncoll a b c", "cyclic a b c x")

del D
