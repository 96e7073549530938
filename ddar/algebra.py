"""AR: exact linear algebra over the rationals, with the reason of every row.

Angle chasing, ratio chasing and distance chasing are each one ``Table``: a
set of linear equations ``sum c_i x_i = 0`` over variables (line directions,
log-lengths, positions on a line).  Constants are variables too: pi for
angles (``modular``: equalities of angles hold mod pi, so an integer multiple
of that variable is zero), the logarithms of primes for ratios (independent
over Q, so exact).

The table keeps its rows in echelon form (each row's pivot is its largest
variable; adding a row leaves the others alone, which keeps adding cheap), and
reduces an expression by substituting pivots from the largest down, so every
expression has one normal form over the free variables: two expressions are equal under the table's equations exactly
when their normal forms agree (``key``), which is how all implied equalities
are found by grouping instead of by enumerating rules.

Rows stay exact combinations of the added equations (the modular variable is
reduced mod 1 only when comparing).  With a modular variable, a combination
with fractional coefficients can pick the wrong branch (2x = 0 gives x = 0 or
pi/2); the engine therefore does not use one: it lifts angle equations to
exact real ones with the figure's help (``ddar/ar.py``), which makes its angle
proofs proofs of the configuration drawn.  Each row carries its
provenance (which added equations, with which coefficients, make it), so an
implied equality comes with the exact combination that proves it (``explain``).
"""

from __future__ import annotations

import heapq
from fractions import Fraction

from gmpy2 import mpq
from typing import Callable, Hashable, Iterable

Expr = dict[int, Fraction]

# Rows are computed with gmpy2's rationals (exact, like Fraction, and about ten
# times faster); what leaves the table (explain, key) is Fraction again.
ZERO, ONE = mpq(0), mpq(1)


def to_fraction(q) -> Fraction:
    """A Fraction of an int, Fraction or mpq."""
    return Fraction(int(q.numerator), int(q.denominator))


def add_scaled(out: dict, coef, expr: dict) -> None:
    """out += coef * expr, in place, dropping the entries that become zero."""
    for v, c in expr.items():
        s = out.get(v, ZERO) + coef * c
        if s:
            out[v] = s
        else:
            out.pop(v, None)


def combine(terms: Iterable[tuple[Fraction, dict]]) -> dict:
    """sum of coef * expr over sparse vectors (any hashable keys), dropping zeros."""
    out: dict = {}
    for coef, expr in terms:
        if coef != 0:
            add_scaled(out, coef, expr)
    return out


class Table:
    """Linear equations with exact rational coefficients and provenance.

    ``modular`` names a variable whose integer multiples count as zero (pi, in
    the angle table, where directed angles live mod pi).
    """

    def __init__(self, name: str, modular: int | None = None):
        self.name = name
        self.modular = modular
        self.rows: dict[int, tuple[Expr, dict[Hashable, Fraction]]] = {}  # pivot -> (row, provenance)
        self.equations: dict[Hashable, Expr] = {}  # reason -> the equation as added
        self.inconsistent: list[Hashable] = []
        # random_point's last solution mod p, valid for the pivots below _stale (a new row changes
        # its pivot's value and those of larger pivots only): the search asks again after each point
        self._point: dict[int, int] = {}
        self._point_key: tuple | None = None
        self._stale: float = float("inf")

    def __len__(self) -> int:
        return len(self.rows)

    def fork(self) -> "Table":
        """A copy to add equations to without changing this table (rows are never modified
        once added, so they are shared)."""
        other = Table(self.name, self.modular)
        other.rows = dict(self.rows)
        other.equations = dict(self.equations)
        other.inconsistent = list(self.inconsistent)
        other._point, other._point_key, other._stale = dict(self._point), self._point_key, self._stale
        return other

    def _pivot(self, expr: Expr) -> int | None:
        cands = [v for v in expr if v != self.modular]
        return max(cands) if cands else None

    def reduce(self, expr: Expr) -> tuple[Expr, dict[Hashable, Fraction]]:
        """Normal form of ``expr`` and the combination of added equations subtracted.

        Each row's other variables are smaller than its pivot, so substituting
        pivots from the largest down never brings a larger one back."""
        expr = {v: mpq(c) for v, c in expr.items()}
        prov: dict[Hashable, Fraction] = {}
        rows = self.rows
        heap = [-v for v in expr if v in rows]
        heapq.heapify(heap)
        while heap:
            v = -heapq.heappop(heap)
            c = expr.pop(v, None)
            if not c:
                continue
            row, rprov = rows[v]
            for u, k in row.items():
                if u == v:
                    continue
                s = expr.get(u, ZERO) - c * k
                if s:
                    if u not in expr and u in rows:
                        heapq.heappush(heap, -u)
                    expr[u] = s
                else:
                    expr.pop(u, None)
            add_scaled(prov, c, rprov)
        return expr, prov

    def _residue_is_zero(self, expr: Expr) -> bool:
        if not expr:
            return True
        if self.modular is not None and set(expr) == {self.modular}:
            return int(expr[self.modular].denominator) == 1
        return False

    def add(self, expr: Expr, reason: Hashable) -> bool:
        """Add the equation ``expr = 0``; False if the table already implied it."""
        if reason in self.equations:
            return False
        red, prov = self.reduce(expr)
        if self._residue_is_zero(red):
            return False
        pivot = self._pivot(red)
        if pivot is None:  # a multiple of pi that is not an integer: contradicts the table
            self.inconsistent.append(reason)
            return False
        self.equations[reason] = dict(expr)
        # red = expr - sum(prov * equations): its provenance is reason minus prov
        rprov = {r: -k for r, k in prov.items()}
        rprov[reason] = rprov.get(reason, ZERO) + 1
        scale = 1 / red[pivot]
        red = {v: c * scale for v, c in red.items()}
        rprov = {r: k * scale for r, k in rprov.items() if k}
        # echelon form: the new row's other variables are smaller than its pivot; older
        # rows are left as they are (reduce substitutes from the largest pivot down)
        self.rows[pivot] = (red, rprov)
        self._stale = min(self._stale, pivot)
        return True

    def key(self, expr: Expr) -> tuple:
        """A hashable normal form: equal keys iff the expressions are equal under the table."""
        red, _ = self.reduce(expr)
        if self.modular is not None and self.modular in red:
            m = red[self.modular] % 1
            red = {v: c for v, c in red.items() if v != self.modular}
            if m:
                red[self.modular] = m
        return tuple(sorted((v, to_fraction(c)) for v, c in red.items()))

    def random_point(self, value_of_free: "Callable[[int], int]", p: int) -> dict[int, int]:
        """A solution of the table's equations mod ``p``: free variables take
        ``value_of_free(v)``, each pivot the value its row gives it.

        An expression implied by the table vanishes at every solution; one that
        is not vanishes at a random one with probability 1/p.  So evaluating
        candidates there finds the few worth an exact ``explain``.  The dict is the table's
        own, kept for the next call: read it, do not change it."""
        if self._point_key != (value_of_free, p):
            self._point, self._point_key, self._stale = {}, (value_of_free, p), float("-inf")
        point = self._point
        if self._stale == float("inf"):
            return point  # no row added since the last call
        for pivot in sorted(v for v in self.rows if v >= self._stale):  # a row's other variables are smaller
            row, _ = self.rows[pivot]
            s = 0
            for v, c in row.items():
                if v != pivot:
                    s += int(c.numerator) * pow(int(c.denominator), -1, p) * (point[v] if v in point else value_of_free(v))
            point[pivot] = -s % p
        self._stale = float("inf")
        return point

    def implies(self, expr: Expr) -> bool:
        red, _ = self.reduce(expr)
        return self._residue_is_zero(red)

    def explain(self, expr: Expr) -> dict[Hashable, Fraction] | None:
        """Coefficients k_r with expr = sum k_r * equation_r (+ an integer multiple of
        the modular variable), or None if the table does not imply expr = 0."""
        red, prov = self.reduce(expr)
        if not self._residue_is_zero(red):
            return None
        return {r: to_fraction(k) for r, k in prov.items() if k}
