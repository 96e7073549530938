"""Facts as linear equations: what AR's angle and ratio tables are told.

The translation is the one docs/PROOF_FORMAT.md specifies, so that a proof's
AR steps can be re-checked by ``ddar/check.py``, which implements it again on
its own.  Variables are integers: the direction (angle table), log-length
(ratio table) or length (distance table) of pair ``(i, j)``, ``i < j``, is
``i * STRIDE + j`` (the square table: its squared length), a numbering that adding points does not change; ``PI``
and ``LOG(p)`` are negative.

Why angle equations are *lifted*: a directed angle fact holds mod pi, and
mod pi is not a vector space over the rationals (``2x = 0`` has two
solutions), so eliminating with fractional coefficients could pick the wrong
branch.  Instead each direction variable stands for one real number, the
direction of its line in ``[0, pi)`` as the figure gives it, and each angle
equation gets the integer multiple of ``PI`` that makes it hold exactly for
those reals (the figure decides the integer; its error is a millionth of the
pi/2 that would make the choice ambiguous).  AR is then plain linear algebra
over the reals, where every consequence is exact.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ddar.algebra import Expr, combine, to_fraction
from ddar.facts import Fact

PI = -1
ANGLE_PREDS = frozenset({"para", "perp", "eqangle", "aconst", "coll"})
RATIO_PREDS = frozenset({"cong", "eqratio", "rconst", "midp"})
HALF = Fraction(1, 2)
LIFT_TOL = 1e-4  # radians: facts hold to 1e-6; a wrong multiple of pi would be off by 3


def log_var(p: int) -> int:
    return -p  # p >= 2, so never PI


DISTANCE_PREDS = frozenset({"cong", "rconst", "midp", "coll"})
SQUARE_PREDS = frozenset({"cong", "rconst", "midp", "perp"})
TABLE_PREDS = {"angle": ANGLE_PREDS, "ratio": RATIO_PREDS, "distance": DISTANCE_PREDS, "square": SQUARE_PREDS}
# what each table can conclude (coll: three points; midp never)
CONCLUDES = {
    "angle": ANGLE_PREDS,
    "ratio": RATIO_PREDS - {"midp"},
    "distance": frozenset({"cong", "rconst", "coll"}),  # coll: AB + BC = AC (three points)
    "square": frozenset({"cong", "rconst", "perp"}),
}


def tables_of(pred: str) -> list[str]:
    """The AR tables a fact of this predicate is an equation (or several) in."""
    return [t for t, preds in TABLE_PREDS.items() if pred in preds]


def prime_exponents(r: Fraction) -> dict[int, int]:
    """r = prod p^e: {p: e} for a positive rational."""
    out: dict[int, int] = {}
    for value, sign in ((r.numerator, 1), (r.denominator, -1)):
        p = 2
        while p * p <= value:
            while value % p == 0:
                out[p] = out.get(p, 0) + sign
                value //= p
            p += 1
        if value > 1:
            out[value] = out.get(value, 0) + sign
    return {p: e for p, e in out.items() if e}


STRIDE = 1 << 16  # more points than any figure has


class Translator:
    """Equations of facts over the points of a figure (``coords`` may grow)."""

    def __init__(self, coords):
        self.coords = coords
        self._memo: dict[tuple[Fact, str], list[Expr]] = {}

    def fork(self) -> "Translator":
        """A copy whose coordinates may grow apart from this one's (equations already
        translated are shared: they concern points both have)."""
        other = Translator(self.coords)
        other._memo = dict(self._memo)
        return other

    def theta(self, v: int) -> float:
        """The direction in [0, pi) of the pair numbered ``v``."""
        a, b = divmod(v, STRIDE)
        (xa, ya), (xb, yb) = self.coords[a], self.coords[b]
        return math.atan2(yb - ya, xb - xa) % math.pi

    def lift(self, eq: Expr) -> Expr:
        """The angle equation plus the integer multiple of PI that makes it exact in the figure."""
        r = sum(float(c) * (math.pi if v == PI else self.theta(v)) for v, c in eq.items())
        k = round(r / math.pi)
        if abs(r - k * math.pi) > LIFT_TOL:
            raise ValueError(f"angle equation {eq} does not hold in the figure (off by {r - k * math.pi:.3g})")
        if not k:
            return eq
        out = dict(eq)  # eq plus -k PI (combine's arithmetic, for a dict of a few entries)
        c = out.pop(PI, 0) - k
        if c:
            out[PI] = to_fraction(c)
        return out

    def var(self, a: int, b: int) -> int:
        return a * STRIDE + b if a < b else b * STRIDE + a

    def _sum(self, terms: list[tuple[int, int, Fraction]]) -> Expr:
        """sum of c * pair(a, b), the pairs as variables, zeros dropped (coefficients Fractions)."""
        out: dict = {}
        for a, b, c in terms:
            v = self.var(a, b)
            out[v] = out.get(v, 0) + c  # ints while the terms are (most are): Fraction sums cost more
        return {v: c if type(c) is Fraction else Fraction(c) for v, c in out.items() if c}

    def equations(self, f: Fact, table: str) -> list[Expr]:
        """The equations ``expr = 0`` a fact stands for in a table, in the documented order
        (angles lifted).  Remembered: the engine asks again when it explains."""
        key = (f, table)
        eqs = self._memo.get(key)
        if eqs is None:
            eqs = self._memo[key] = self._table_equations(f, table)
        return eqs

    def _table_equations(self, f: Fact, table: str) -> list[Expr]:
        if table == "distance":
            return self._distance(f)
        if table == "square":
            return self._square(f)
        eqs = self._equations(f)
        return [self.lift(e) for e in eqs] if table == "angle" else eqs

    def along(self, pts) -> list[int]:
        """The points of a line in their order along it (from the first towards the last)."""
        (x0, y0), (x1, y1) = self.coords[pts[0]], self.coords[pts[-1]]
        return sorted(pts, key=lambda p: (self.coords[p][0] - x0) * (x1 - x0) + (self.coords[p][1] - y0) * (y1 - y0))

    def _distance(self, f: Fact) -> list[Expr]:
        """Lengths (not logs): equal, in a constant ratio, and adding up along a line in the
        order the figure shows (which point lies between is read off the figure, like sameside)."""
        x, one = f.args, 1
        if f.pred == "cong":
            return [self._sum([(x[0], x[1], one), (x[2], x[3], -one)])]
        if f.pred == "rconst":
            return [self._sum([(x[0], x[1], one), (x[2], x[3], -f.value)])]
        if f.pred == "midp":
            m, a, b = x
            return [self._sum([(m, a, one), (m, b, -one)]), self._sum([(m, a, one), (m, b, one), (a, b, -one)])]
        if f.pred == "coll":
            order = self.along(x)
            out = []
            for i in range(len(order)):
                for j in range(i + 2, len(order)):
                    terms = [(order[i], order[j], one)] + [(order[t], order[t + 1], -one) for t in range(i, j)]
                    out.append(self._sum(terms))
            return out
        raise ValueError(f"{f.pred} is not a distance fact")

    def _square(self, f: Fact) -> list[Expr]:
        """Squared lengths: what Pythagoras and its generalisations chase.  perp a b c d is
        (a - b).(d - c) = 0, which is s(ac) + s(bd) - s(ad) - s(bc) = 0 (a pair of one
        point, length zero, drops out: perp a b b c is Pythagoras at b)."""
        x, one = f.args, 1
        if f.pred == "cong":
            return [self._sum([(x[0], x[1], one), (x[2], x[3], -one)])]
        if f.pred == "rconst":
            return [self._sum([(x[0], x[1], one), (x[2], x[3], -f.value**2)])]
        if f.pred == "midp":
            m, a, b = x
            return [self._sum([(m, a, one), (m, b, -one)]), self._sum([(a, b, one), (m, a, -4)])]
        if f.pred == "perp":
            a, b, c, d = x
            terms = [(a, c, one), (b, d, one), (a, d, -one), (b, c, -one)]
            return [self._sum([t for t in terms if t[0] != t[1]])]
        raise ValueError(f"{f.pred} is not a squared-length fact")

    def _equations(self, f: Fact) -> list[Expr]:
        p, x = f.pred, f.args
        one = 1  # _sum makes Fractions
        if p == "para":
            return [self._sum([(x[0], x[1], one), (x[2], x[3], -one)])]
        if p == "perp":
            e = self._sum([(x[0], x[1], one), (x[2], x[3], -one)])
            return [combine([(one, e), (-HALF, {PI: one})])]
        if p == "eqangle":
            return [self._sum([(x[2], x[3], one), (x[0], x[1], -one), (x[6], x[7], -one), (x[4], x[5], one)])]
        if p == "aconst":
            e = self._sum([(x[2], x[3], one), (x[0], x[1], -one)])
            return [combine([(one, e), (-f.value, {PI: one})])]
        if p == "coll":
            base = (x[0], x[1])
            out = []
            for i in range(len(x)):
                for j in range(i + 1, len(x)):
                    if (i, j) != (0, 1):
                        out.append(self._sum([(x[i], x[j], one), (*base, -one)]))
            return out
        if p == "cong":
            return [self._sum([(x[0], x[1], one), (x[2], x[3], -one)])]
        if p == "eqratio":
            return [self._sum([(x[0], x[1], one), (x[2], x[3], -one), (x[4], x[5], -one), (x[6], x[7], one)])]
        if p == "rconst":
            e = self._sum([(x[0], x[1], one), (x[2], x[3], -one)])
            logs = {log_var(q): Fraction(-k) for q, k in prime_exponents(f.value).items()}
            return [combine([(one, e), (one, logs)])]
        if p == "midp":
            m, a, b = x
            return [
                self._sum([(m, a, one), (m, b, -one)]),
                combine([(one, self._sum([(m, a, one), (a, b, -one)])), (one, {log_var(2): one})]),
            ]
        raise ValueError(f"{p} is not an AR fact")

    def target(self, f: Fact, table: str) -> Expr:
        """The one equation that proves ``f`` in a table (a three-point coll: two lines
        through p0 agree; in the distance table, the two short sides add up to the long one,
        the triangle inequality's equality case)."""
        if f.pred not in CONCLUDES[table]:
            raise ValueError(f"the {table} table does not prove {f.pred}")
        if table == "distance":
            if f.pred == "coll" and len(f.args) != 3:
                raise ValueError("AR proves coll of three points only")
            return self._distance(f)[0]
        if table == "square":
            return self._square(f)[0]
        if f.pred == "coll":
            if len(f.args) != 3:
                raise ValueError("AR proves coll of three points only")
            a, b, c = f.args
            return self.lift(self._sum([(a, b, 1), (a, c, -1)]))
        eqs = self.equations(f, table)
        if len(eqs) != 1:
            raise ValueError(f"AR does not prove {f.pred}")
        return eqs[0]
