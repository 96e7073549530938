"""Wu's method: an algebraic prover over the points' coordinates (``solve --mode algebra``).

Every point gets two coordinates.  The first two points the problem leaves free
are put at (0, 0) and (1, 0) (every predicate is invariant under similarity), a
point on one locus keeps one coordinate as a parameter, and the others are
*dependent*: each is the leading variable of one polynomial of a triangular set
built from the constructions' facts, point by point in the problem's order.
A point's two equations are made triangular by pseudo-division; where an
equation factors (a line meets a circle at a point already drawn, the two
solutions of a reflection), the figure picks the factor that vanishes on it
and the other factors become conditions: they do not vanish in the figure.

The goal's polynomials are then pseudo-divided by the triangular set from the
last variable down.  A zero remainder proves the goal wherever the set's
initials (leading coefficients) and the dropped factors do not vanish: the
non-degeneracy conditions, each checked in the figure and stated in the
result.  Nothing here is trusted: the certificate (the hypotheses, each step
that made the triangular set, and the conditions) is re-verified by
``ddar/check.py`` with its own arithmetic.

Polynomials are sympy's sparse integer polynomials; reducing one by the
triangular set (the goal's reduction: nearly all of the method's time) is done
in FLINT's (python-flint's ``fmpz_mpoly``; 4-28x faster on IMO problems), the
same pseudo-remainders as sympy's.  The method stops at its deadline (between
operations) or when a polynomial outgrows ``MAX_TERMS``.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from flint import fmpz_mpoly_ctx

from ddar.facts import Fact
from ddar.polys import RADICALS, NoPolynomial, coordinate_name, fact_polys, radicals_needed
from ddar.predicates import PREDICATES
from geosolver.language import Problem

MAX_TERMS = 200_000  # a polynomial this large has outgrown any budget a CPU run allows
MAX_PRODUCT = 40_000_000  # terms times terms: a pseudo-division this large needs gigabytes
_ZERO = 1e-10  # |p(figure)| below this times the sum of its terms' sizes: p vanishes there
# (the figure's coordinates are good to about 1e-14 of its size; large polynomials cancel
# by many orders of magnitude, so a non-zero value can be 1e-7 of the sum of its terms)


class Unsupported(Exception):
    """A problem this method cannot translate or make triangular; the message says why."""


class OverBudget(Exception):
    """Out of time, or a polynomial too large."""


@dataclass
class WuResult:
    """``status``: proved, not_proved (a non-zero remainder), unsupported, or timeout."""

    status: str
    seconds: float
    message: str = ""
    certificate: dict | None = None
    remainder_terms: list[int] = field(default_factory=list)


class _Figure:
    """The problem's figure moved so that the normalised points sit at (0, 0) and (1, 0)."""

    def __init__(self, coords: dict[str, tuple[float, float]], origin: str | None, unit: str | None):
        z0 = complex(*coords[origin]) if origin else 0j
        z1 = complex(*coords[unit]) if unit else z0 + 1
        self.k = 1 / (z1 - z0)
        self.z0 = z0
        self.at = {n: self.move(xy) for n, xy in coords.items()}

    def move(self, xy: tuple[float, float]) -> tuple[float, float]:
        z = (complex(*xy) - self.z0) * self.k
        return (z.real, z.imag)


def _size(poly, values: list[float]) -> tuple[float, float]:
    """The polynomial's value at ``values`` and the sum of its terms' magnitudes (the scale
    that value is small or large against)."""
    terms = []
    for monom, coef in poly.terms():
        t = float(coef)
        for v, e in zip(values, monom):
            if e:
                t *= v**e
        terms.append(t)
    return math.fsum(terms), math.fsum(map(abs, terms))


def _divide_by_root(f, gen, q):
    """The quotient of ``f`` by (gen - q) as polynomials in ``gen`` (synthetic division; the
    remainder, f at gen = q, is left out)."""
    n = f.degree(gen)
    b = f.coeff_wrt(gen, n)
    quotient = b * gen ** (n - 1)
    for k in range(n - 1, 0, -1):
        b = f.coeff_wrt(gen, k) + q * b
        quotient += b * gen ** (k - 1)
    return quotient


def vanishes(poly, values: list[float]) -> bool:
    value, scale = _size(poly, values)
    return abs(value) <= _ZERO * max(scale, 1e-300)


def goal_fact(problem: Problem, st) -> Fact:
    ids = {n: k for k, n in enumerate(problem.points)}
    return Fact.make(st.pred, [ids[n] for n in st.points], st.value)


class WuProver:
    """The triangular set of one problem, built from its figure; then goals are reduced by it."""

    def __init__(self, problem: Problem, coords: dict[str, tuple[float, float]], deadline: float,
                 reduce_by: str = "substitutions", drop_roots: bool = True):
        from sympy.polys.domains import ZZ
        from sympy.polys.rings import ring

        self.problem, self.deadline, self.reduce_by, self.drop_roots = problem, deadline, reduce_by, drop_roots
        names = problem.points
        self.clause_eqs = {n: self._equations_of(n) for n in names}
        goals = [goal_fact(problem, g.statement) for g in problem.goals]
        ks = sorted(set().union(*(radicals_needed(f.pred, f.value)
                                  for f in [*goals, *(f for eqs in self.clause_eqs.values() for f in eqs)])))
        # coordinates first (point k's are gens 2k, 2k + 1), then sqrt(k) for the angles that need it
        gens = [coordinate_name(n, k, axis) for k, n in enumerate(names) for axis in "xy"] + [RADICALS[k] for k in ks]
        self.ring, *self.gens = ring(",".join(gens), ZZ) if gens else (None,)
        self.fast = fmpz_mpoly_ctx.get(tuple(gens), "lex") if gens else None  # FLINT's ring of the same variables
        self._fast_of: dict[int, tuple] = {}  # id(poly of the set) -> (poly, its FLINT copy); the poly held, so its id stays its own
        self.var_names = gens
        self.first_radical = 2 * len(names)  # the index of the first sqrt(k) among the gens
        self.roots = {k: self.gens[self.first_radical + i] for i, k in enumerate(ks)}
        free = [n for n in names if not self.clause_eqs[n]]
        if not free:
            raise Unsupported("no point of the problem is free to put at the origin")
        origin, unit = (free + [None])[:2]
        self.origin, self.unit = origin, unit
        self.figure = _Figure(coords, origin, unit)
        self.values = [self.figure.at[n][k] for n in names for k in (0, 1)] + [math.sqrt(k) for k in ks]
        self.point: dict[str, tuple] = {}
        self.triangular: list[tuple] = []  # (poly, variable index)
        self.steps: list[dict] = []  # how each triangular polynomial was made
        self.conditions: list = []  # polynomials that must not vanish (checked in the figure)
        for k, n in enumerate(names):
            i = 2 * k
            if n == origin:
                self.point[n] = (self.ring(0), self.ring(0))
            elif n == unit:
                self.point[n] = (self.ring(1), self.ring(0))
            else:
                self.point[n] = (self.gens[i], self.gens[i + 1])
        for i, k in enumerate(ks):  # first in the set, so reduced by last
            self._add(self.roots[k] ** 2 - k, self.first_radical + i, {"radical": k})
        for n in names:
            if n not in (origin, unit):
                self._place(n)

    # -- hypotheses ------------------------------------------------------------------------

    def _equations_of(self, name: str) -> list[Fact]:
        """The facts of ``name``'s clause whose last new point is ``name`` (canonical facts over
        point indices, the spelling the proof and its checker use)."""
        ids = {n: k for k, n in enumerate(self.problem.points)}
        for clause in self.problem.clauses:
            if name in clause.names:
                new = clause.names
                out = []
                for call in clause.calls:
                    for st in call.facts():
                        mine = [new.index(p) for p in st.points if p in new]
                        if mine and new[max(mine)] == name and not PREDICATES[st.pred].negative:
                            out.append(Fact.make(st.pred, [ids[n] for n in st.points], st.value))
                return out
        return []

    def polys_of(self, fact: Fact) -> list:
        """The fact's polynomials (zero ones kept: the certificate numbers them)."""
        names = self.problem.points
        try:
            return fact_polys(fact.pred, [self.point[names[i]] for i in fact.args], fact.value, self.roots)
        except NoPolynomial as e:
            raise Unsupported(f"{fact.text(names)}: {e}") from None

    def _check(self, *polys) -> None:
        if time.perf_counter() > self.deadline:
            raise OverBudget("out of time")
        for p in polys:
            if len(p) > MAX_TERMS:
                raise OverBudget(f"a polynomial of {len(p)} terms")

    @staticmethod
    def _check_product(a, b) -> None:
        """Refuse a pseudo-division whose intermediate products would outgrow memory (the size
        check after each operation comes too late for one that multiplies two large ones)."""
        if len(a) * len(b) > MAX_PRODUCT:
            raise OverBudget(f"a pseudo-division of polynomials of {len(a)} and {len(b)} terms")

    # -- the triangular set ----------------------------------------------------------------

    def _place(self, name: str) -> None:
        k = self.problem.points.index(name)
        vx, vy = 2 * k, 2 * k + 1
        using = self.substitutions() if self.reduce_by == "substitutions" else list(range(len(self.triangular)))
        eqs = [({"hypothesis": fact, "poly": k, "reduced_by": using}, self.remainder(p, using))
               for fact in self.clause_eqs[name]
               for k, p in enumerate(self.polys_of(fact))]
        eqs = [(h, p) for h, p in eqs if p.degree(self.gens[vx]) > 0 or p.degree(self.gens[vy]) > 0]
        if not eqs:
            return  # a free point: both coordinates are parameters
        rank, chosen = self._independent(eqs, vx, vy)
        if rank == 0:
            return  # equations degenerate at the figure: treated as free (fewer hypotheses, still sound)
        if rank == 1:  # one locus (its other equations follow, or are dropped: sound either way)
            st, f = chosen[0]
            v = self._pick_variable(f, (vx, vy))
            self._add_factor(f, v, st)
            return
        failure = None
        for keep, elim in ((vx, vy), (vy, vx)):  # x first; y first where x's initial vanishes
            saved = len(self.triangular), len(self.steps), len(self.conditions)
            try:
                self._triangulate(name, chosen, keep, elim)
                return
            except Unsupported as e:
                failure = e
                del self.triangular[saved[0]:], self.steps[saved[1]:], self.conditions[saved[2]:]
        raise failure

    def _triangulate(self, name: str, chosen: list, keep: int, elim: int) -> None:
        """Two equations of one point as a polynomial in coordinate ``keep`` alone (``elim``
        eliminated by pseudo-division) and one in both, added in that order."""
        (s1, f1), (s2, f2) = chosen
        x, y = self.gens[keep], self.gens[elim]
        a, a_from = f1, s1
        b, b_from = f2, s2
        if a.degree(y) < b.degree(y):
            a, a_from, b, b_from = b, b_from, a, a_from
        while b.degree(y) > 0:  # pseudo-Euclid in y: the last remainder is free of y
            self._check_product(a, b)
            r = a.prem(b, y)
            self._check(r)
            if not r:
                raise Unsupported(f"the two equations of {name} have a common factor")
            a, a_from, b, b_from = b, b_from, r, {"prem": [a_from, b_from], "variable": self.var_names[elim]}
        if b.degree(x) == 0:
            raise Unsupported(f"the equations of {name} do not fix its {self.var_names[keep]}")
        self._add_factor(b, keep, b_from)
        self._add_factor(a, elim, a_from)

    def _pick_variable(self, f, candidates: tuple[int, int]) -> int:
        """The coordinate ``f`` fixes: the one it is linear in where it can, and whose initial
        does not vanish in the figure."""
        best = None
        for v in candidates:
            d = f.degree(self.gens[v])
            if d == 0:
                continue
            init = f.coeff_wrt(self.gens[v], d)
            value, scale = _size(init, self.values)
            if abs(value) <= _ZERO * max(scale, 1e-300):
                continue
            key = (d, -abs(value) / max(scale, 1e-300))
            if best is None or key < best[0]:
                best = (key, v)
        if best is None:
            raise Unsupported("an equation degenerate in the figure")
        return best[1]

    def _independent(self, eqs: list, vx: int, vy: int) -> tuple[int, list]:
        """How many of the point's coordinates its equations fix at the figure (the rank of
        their Jacobian there), with the equations to use: the one or two of lowest degree."""
        x, y = self.gens[vx], self.gens[vy]
        grads = []
        for _, p in eqs:
            (gx, sx), (gy, sy) = (_size(p.diff(v), self.values) for v in (x, y))
            size = (gx * gx + gy * gy) ** 0.5
            grads.append((gx, gy, size) if size > 1e-7 * max(sx, sy, 1e-300) else None)

        def degree(i: int) -> int:
            return eqs[i][1].degree(x) + eqs[i][1].degree(y)

        live = sorted((i for i, g in enumerate(grads) if g is not None), key=lambda i: (degree(i), i))
        if not live:
            return 0, []
        pairs = []
        for a, i in enumerate(live):
            for j in live[a + 1:]:
                (ax, ay, an), (bx, by, bn) = grads[i], grads[j]
                if abs(ax * by - ay * bx) > 1e-6 * an * bn:
                    pairs.append((degree(i) + degree(j), i, j))
        if not pairs:
            return 1, [eqs[live[0]]]
        _, i, j = min(pairs)
        return 2, [eqs[i], eqs[j]]

    def _add_factor(self, f, v: int, made: dict, before: bool = False) -> None:
        """Add ``f`` with leading variable ``v``, or, when it factors, the factor that vanishes
        in the figure (the others, not vanishing there, become conditions)."""
        self._check(f)
        gen = self.gens[v]
        f, made = self._drop_known_roots(f, v, made)
        if f.degree(gen) > 1:
            _, factors = f.factor_list()
            here = [g for g, _ in factors if g.degree(gen) > 0 and vanishes(g, self.values)]
            if len(here) != 1:
                raise Unsupported(f"cannot tell which factor of an equation in {self.var_names[v]} the figure is on")
            g = here[0]
            if g != f and g != -f:
                rest = f.exquo(g)
                rest_factors = [h for h, _ in factors if h != g]
                for h in rest_factors:
                    if vanishes(h, self.values):
                        raise Unsupported("the figure lies on two components")
                self.conditions.extend(h for h in rest_factors if h.degree(gen) > 0 or len(h) > 1)
                made = {"factor": made, "cofactor": str(rest)}
                f = g
        self._add(f, v, made)

    def _drop_known_roots(self, f, v: int, made: dict):
        """Divide out of ``f`` the roots an earlier point gives (a line through a point of a
        circle meets it there again): ``f`` is (v - q) g modulo the triangular set, where q is
        that point's coordinate; q != v in the figure, so g = 0 is what the point satisfies."""
        gen = self.gens[v]
        axis = v % 2
        for n in self.problem.points[: v // 2] if self.drop_roots else ():
            if f.degree(gen) < 2:
                break
            q = self.point[n][axis]
            if abs(self.values[v] - self._value(q)) <= 1e-9 * (1 + abs(self.values[v])):
                continue  # the new point shares that coordinate: not another root
            at_q = f.compose(gen, q)
            if not vanishes(at_q, self.values) or self.remainder(at_q):
                continue
            quotient = _divide_by_root(f, gen, q)
            self.conditions.append(gen - q)
            f, made = quotient, {"divide": made, "root": str(q), "variable": self.var_names[v]}
        return f, made

    def _value(self, q) -> float:
        return _size(q, self.values)[0] if not q.is_ground else float(q.LC if q else 0)

    def _add(self, f, v: int, made: dict) -> None:
        gen = self.gens[v]
        init = f.coeff_wrt(gen, f.degree(gen))
        if vanishes(init, self.values):
            raise Unsupported(f"the initial of the equation of {self.var_names[v]} vanishes in the figure")
        self.triangular.append((f, v))
        self.steps.append({"variable": self.var_names[v], "poly": str(f), "made": made})
        if not init.is_ground:
            self.conditions.append(init)

    # -- goals ---------------------------------------------------------------------------

    def substitutions(self) -> list[int]:
        """The polynomials of the set so far that give a coordinate outright (linear, with a
        constant initial): reducing by them substitutes, and makes no polynomial larger."""
        out = []
        for k, (f, v) in enumerate(self.triangular):
            gen = self.gens[v]
            if (f.degree(gen) == 1 and f.coeff_wrt(gen, 1).is_ground) or v >= self.first_radical:
                out.append(k)  # (a radical's square is as cheap to substitute)
        return out

    def remainder(self, goal_poly, using: list[int] | None = None):
        """The successive pseudo-remainder of ``goal_poly`` by the triangular set (by its
        polynomials ``using`` only, if given), the last first; computed in FLINT."""
        r = self._to_fast(goal_poly)
        chosen = self.triangular if using is None else [self.triangular[k] for k in using]
        for f, v in reversed(chosen):  # the order they were added in is the variables' order
            f = self._fast(f)
            d = f.degrees()[v]
            if d > 0 and r.degrees()[v] >= d:
                r = fast_prem(r, f, v, self._before_product)
                self._check(r)
            if r.is_zero():
                break
        return self.ring.from_dict({tuple(map(int, m)): int(c) for m, c in r.to_dict().items()})

    def _before_product(self, a, b) -> None:
        """Before each FLINT product: the deadline and the sizes (one product is one C call, which
        no alarm interrupts)."""
        self._check(a, b)
        self._check_product(a, b)

    def _to_fast(self, p):
        return self.fast.from_dict({m: int(c) for m, c in p.items()})

    def _fast(self, f):
        """A polynomial of the set in FLINT, converted once."""
        got = self._fast_of.get(id(f))
        if got is None:
            got = self._fast_of[id(f)] = (f, self._to_fast(f))
        return got[1]


def fast_prem(f, g, v: int, before_product=None):
    """The pseudo-remainder of FLINT polynomials ``f`` by ``g`` in variable ``v``, as sympy's
    ``prem`` makes it: lc(g)**(deg f - deg g + 1) * f reduced modulo g.  ``before_product(a, b)``,
    if given, is called before each product of two polynomials (it may raise to stop)."""
    check = before_product or (lambda a, b: None)
    df, dg = f.degrees()[v], g.degrees()[v]
    if df < dg:
        return f
    x = f.context().gen(v)
    lc_g, e = _leading_coefficient(g, v, dg), df - dg + 1
    r, dr = f, df
    while not r.is_zero() and dr >= dg:
        lc_r = _leading_coefficient(r, v, dr)
        check(r, lc_g)
        check(g, lc_r)
        r = r * lc_g - g * lc_r * x ** (dr - dg)
        dr = r.degrees()[v]
        e -= 1
    scale = lc_g ** 0
    for _ in range(e):  # lc(g)**e one product at a time: a power is one C call too
        check(scale, lc_g)
        scale *= lc_g
    check(r, scale)
    return r * scale


def _leading_coefficient(p, v: int, d: int):
    """The coefficient of x_v**d in ``p``, of degree d in x_v: its d-th derivative in x_v over d!
    (an exact division), computed inside FLINT."""
    for _ in range(d):
        p = p.derivative(v)
    return p / math.factorial(d) if d > 1 else p


ALARM_RETRY = 0.05  # seconds after an OverBudget before it is raised again, if it was dropped


@contextmanager
def interrupt_at(seconds: float):
    """Raise OverBudget inside a long polynomial operation once ``seconds`` have passed (main
    thread only: elsewhere the deadline is checked between operations)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    live = True

    def stop(signum, frame):
        if live:  # an alarm already on its way when the context exits is let go
            # Python drops an exception raised while a gc callback or __del__ runs: the timer is
            # re-armed first, so a dropped OverBudget is raised again moments later
            signal.setitimer(signal.ITIMER_REAL, ALARM_RETRY)
            raise OverBudget("out of time")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))
    try:
        yield
    finally:
        live = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# how a point's equations are reduced by the set before they are made triangular (by the
# coordinates given outright only: small polynomials; or by the whole set, which lets more
# factors show, at the price of size), whether roots that hold only modulo the set are divided
# out (they make some polynomials linear, others larger: IMO 2009 P2 is proved only without),
# and the share of the whole budget each may use before the next is tried
STRATEGIES = (("substitutions", True, 0.4), ("substitutions", False, 0.2), ("all", True, 1.0))


def prove(problem: Problem, coords: dict[str, tuple[float, float]], seconds: float) -> WuResult:
    """Prove every goal of ``problem`` by Wu's method on the figure ``coords`` within ``seconds``:
    each strategy in turn, the first proof found returned, else the last strategy's outcome."""
    t0 = time.perf_counter()
    # imported before any alarm is armed: an alarm inside sympy's first import (about a second)
    # leaves it half-imported for the rest of the process, and every later proof fails
    import sympy.polys.domains
    import sympy.polys.rings  # noqa: F401

    got = None
    for reduce_by, drop_roots, share in STRATEGIES:
        left = t0 + seconds - time.perf_counter()
        budget = left if share == 1.0 else min(left, share * seconds)
        if budget <= 0:
            break
        start = time.perf_counter()
        try:
            with interrupt_at(budget):
                got = _prove(problem, coords, start, budget, reduce_by, drop_roots)
        except (OverBudget, MemoryError) as e:
            got = WuResult("timeout", 0.0, str(e) or "out of memory")
        got.seconds = time.perf_counter() - t0
        if got.status in ("proved", "unsupported") and not got.message.startswith("the initial"):
            break
    return got or WuResult("timeout", time.perf_counter() - t0, "no time")


def _prove(problem: Problem, coords: dict[str, tuple[float, float]], t0: float, seconds: float,
           reduce_by: str, drop_roots: bool) -> WuResult:
    try:
        wu = WuProver(problem, coords, t0 + seconds, reduce_by, drop_roots)
        sizes = []
        for g in problem.goals:
            for p in wu.polys_of(goal_fact(problem, g.statement)):
                r = wu.remainder(p)
                sizes.append(len(r))
                if r:
                    return WuResult("not_proved", time.perf_counter() - t0, f"remainder of {len(r)} terms",
                                    remainder_terms=sizes)
        bad = [c for c in wu.conditions if vanishes(c, wu.values)]
        if bad:
            return WuResult("not_proved", time.perf_counter() - t0, "a non-degeneracy condition fails in the figure")
        cert = {"origin": wu.origin, "unit": wu.unit, "triangular": wu.steps,
                "conditions": [str(c) for c in wu.conditions]}
        return WuResult("proved", time.perf_counter() - t0, certificate=cert, remainder_terms=sizes)
    except Unsupported as e:
        return WuResult("unsupported", time.perf_counter() - t0, str(e))
