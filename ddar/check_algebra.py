"""Checking an algebraic (Wu's method) proof step with our own integer polynomials.

The certificate (docs/PROOF_FORMAT.md, step kind ``algebra``) lists a triangular set,
each polynomial with how it was made from the cited premises: a premise's polynomial
(``ddar/polys.py``) reduced by the set so far, a pseudo-remainder of two earlier
makings, a root an earlier point gives divided out, or a factor of a making.  This
module makes each one again with its own arithmetic (never sympy, which made them),
compares it with the polynomial stated, checks that the set is triangular, that each
condition the argument needs (initials, the other factors, the divided roots) is
non-zero in the checker's own figure, and that the goal's polynomials reduce to zero.
"""

from __future__ import annotations

import math
import re
import threading
import time
from contextlib import contextmanager
from functools import reduce
from operator import or_
from typing import Any, Callable

from ddar.facts import Fact
from ddar.polys import RADICALS, NoPolynomial, coordinate_name, fact_polys

_ZERO = 1e-10  # as in geosolver/wu.py: |p| below this times the sum of its terms' sizes vanishes
_MAX_TERMS = 400_000

# A monomial is one int: each variable's exponent in a field of _BITS bits (its slot), so that the
# product of two monomials is the sum of their ints -- several times faster than merging
# (variable, exponent) pairs, and the checker multiplies millions of them on an IMO problem.
# Exponents stay below _GUARD; a product whose field reaches it has overflowed, and is refused.
_BITS = 16
_MASK = (1 << _BITS) - 1
_GUARD = 1 << (_BITS - 1)


class _Fields(threading.local):
    """Each thread's allotment: variable -> its field's shift (in order of first use), and the
    guard bit of every field allotted so far.  Per thread: two checks at once on two threads
    must not share fields."""

    def __init__(self):
        self.shift: dict[str, int] = {}
        self.guards = 0


_FIELDS = _Fields()


@contextmanager
def _own_fields():
    """Fields allotted afresh while one certificate is checked (its polynomials die with it; a Poly
    made outside must not be used inside): in a long-lived process the variables of earlier
    problems would hold the low fields and make every monomial a longer int (measured: with 300
    fields taken, a check 5x slower)."""
    saved = _FIELDS.shift, _FIELDS.guards
    _FIELDS.shift, _FIELDS.guards = {}, 0
    try:
        yield
    finally:
        _FIELDS.shift, _FIELDS.guards = saved


class CheckOutOfTime(BaseException):
    """The time given to a check ran out (not an Exception: the checker turns every Exception into
    an error of the certificate, and running out of time is no error of it)."""


class _Clock(threading.local):
    """Each thread's deadline for the checks it runs (``time_limit``)."""

    def __init__(self):
        self.deadline = math.inf


_CLOCK = _Clock()


@contextmanager
def time_limit(seconds: float | None):
    """Raise CheckOutOfTime inside this thread's checks once ``seconds`` have passed (None: no
    limit).  The checker's arithmetic is our own Python, so it looks at the clock itself, between
    the terms of a product: no alarm is needed, and a check on any thread keeps its budget."""
    saved = _CLOCK.deadline  # an inner limit may shorten an outer one, never lengthen it
    _CLOCK.deadline = min(saved, math.inf if seconds is None else time.perf_counter() + seconds)
    try:
        yield
    finally:
        _CLOCK.deadline = saved


def _on_time() -> None:
    if time.perf_counter() > _CLOCK.deadline:
        raise CheckOutOfTime("out of time")


def _shift(v: str) -> int:
    fields = _FIELDS
    s = fields.shift.get(v)
    if s is None:  # the guard first: a field is never in use without it, even if interrupted here
        s = _BITS * len(fields.shift)
        fields.guards |= _GUARD << s
        fields.shift[v] = s
    return s


def _fields(m: int):
    """The (variable, exponent) pairs of a monomial."""
    for v, s in _FIELDS.shift.items():  # in the order of their shifts
        if not m >> s:
            return
        e = (m >> s) & _MASK
        if e:
            yield v, e


def _monomial(exponents: dict[str, int]) -> int:
    m = 0
    for v, e in exponents.items():
        if not 0 <= e < _GUARD:
            raise ValueError(f"exponent {e} of {v} out of range")
        m += e << _shift(v)
    return m


class Poly:
    """A polynomial with integer coefficients: {monomial: coefficient}, no zero coefficients."""

    __slots__ = ("t",)

    def __init__(self, terms: dict | None = None):
        self.t = {m: c for m, c in (terms or {}).items() if c}

    @staticmethod
    def _made(terms: dict) -> Poly:
        """A polynomial of terms known to have no zero coefficient (not filtered again)."""
        p = Poly.__new__(Poly)
        p.t = terms
        return p

    @staticmethod
    def of(value: Any) -> Poly:
        return value if isinstance(value, Poly) else Poly({0: int(value)})

    @staticmethod
    def var(name: str) -> Poly:
        return Poly({1 << _shift(name): 1})

    def __bool__(self) -> bool:
        return bool(self.t)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Poly) and self.t == other.t

    def _plus(self, other: Any, sign: int) -> Poly:
        out = dict(self.t)
        get = out.get
        for m, c in Poly.of(other).t.items():
            out[m] = get(m, 0) + sign * c
        return Poly(out)

    def __add__(self, other: Any) -> Poly:
        return self._plus(other, 1)

    __radd__ = __add__

    def __neg__(self) -> Poly:
        return Poly._made({m: -c for m, c in self.t.items()})

    def __sub__(self, other: Any) -> Poly:
        return self._plus(other, -1)

    def __rsub__(self, other: Any) -> Poly:
        return Poly.of(other) - self

    def __mul__(self, other: Any) -> Poly:
        a, b = self.t, Poly.of(other).t
        if len(a) < len(b):
            a, b = b, a
        out: dict = {}
        get = out.get
        _on_time()
        big = len(a) > 256  # else one look at the clock, above, is enough for the whole product
        for m2, c2 in b.items():
            if big:
                _on_time()
            for m1, c1 in a.items():
                m = m1 + m2
                out[m] = get(m, 0) + c1 * c2
        if len(out) > _MAX_TERMS:
            raise ValueError(f"a polynomial of {len(out)} terms")
        if reduce(or_, out, 0) & _FIELDS.guards:
            raise ValueError("an exponent out of range")
        return Poly(out)

    def _times_monomial(self, m: int) -> Poly:
        """self times the monomial ``m`` (every exponent of which is below _GUARD)."""
        out = {k + m: c for k, c in self.t.items()}
        if reduce(or_, out, 0) & _FIELDS.guards:
            raise ValueError("an exponent out of range")
        return Poly._made(out)

    __rmul__ = __mul__

    def __pow__(self, n: int) -> Poly:
        out = Poly.of(1)
        for _ in range(n):
            out = out * self
        return out

    def degree(self, v: str) -> int:
        s = _shift(v)
        return max(((m >> s) & _MASK for m in self.t), default=0)

    def coeff(self, v: str, k: int) -> Poly:
        """The coefficient of v**k, a polynomial free of v."""
        s = _shift(v)
        return Poly._made({m - (k << s): c for m, c in self.t.items() if (m >> s) & _MASK == k})

    def variables(self) -> set[str]:
        return {v for m in self.t for v, _ in _fields(m)}

    def prem(self, g: Poly, v: str) -> Poly:
        """lc(g)**(deg f - deg g + 1) * f reduced modulo g in v (the pseudo-remainder)."""
        s, dg = _shift(v), g.degree(v)
        lc = g.coeff(v, dg)
        r, dr = self, self.degree(v)
        e = dr - dg + 1
        while r and dr >= dg:
            r = r * lc - (r.coeff(v, dr) * g)._times_monomial((dr - dg) << s)
            dr = r.degree(v)
            e -= 1
        return r * lc ** max(e, 0)

    def substitute(self, v: str, q: Poly) -> Poly:
        out = Poly()
        for k in range(self.degree(v) + 1):
            out = out + self.coeff(v, k) * q**k
        return out

    def value(self, at: dict[str, float]) -> tuple[float, float]:
        """The value at ``at`` and the sum of the terms' magnitudes."""
        terms = []
        for k, (m, c) in enumerate(self.t.items()):
            if not k % 4096:
                _on_time()
            terms.append(c * math.prod(at[v] ** e for v, e in _fields(m)))
        return math.fsum(terms), math.fsum(map(abs, terms))

    def vanishes(self, at: dict[str, float]) -> bool:
        value, scale = self.value(at)
        return abs(value) <= _ZERO * max(scale, 1e-300)


_TERM_RE = re.compile(r"\s*([+-])?\s*([^+-]+)")


def parse_poly(text: str, variables: set[str]) -> Poly:
    """A polynomial written as sympy prints one: '-2*a_x*b_y**2 + 3*c_x - 1'."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"not a polynomial: {text!r}")
    terms: dict[int, int] = {}
    pos, text, read = 0, text.strip(), 0
    while pos < len(text):
        if not read % 256:
            _on_time()
        read += 1
        m = _TERM_RE.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"not a polynomial: {text[:80]!r}")
        sign = -1 if m.group(1) == "-" else 1
        coef, mono = sign, {}
        for factor in m.group(2).strip().replace("**", "^").split("*"):
            base, _, exp = factor.partition("^")
            if base.isdigit():
                coef *= int(base) ** (int(exp) if exp else 1)
            elif base in variables:
                mono[base] = mono.get(base, 0) + (int(exp) if exp else 1)
            else:
                raise ValueError(f"unknown variable or number {base!r} in a polynomial")
        key = _monomial(mono)
        terms[key] = terms.get(key, 0) + coef  # in place: adding term by term made parsing quadratic
        pos = m.end()
    return Poly(terms)


class AlgebraChecker:
    """Replays one certificate; ``errors`` collects what does not check."""

    def __init__(self, cert: dict, names: list[str], figure: dict[str, tuple[float, float]],
                 premise_of: Callable[[Any], Fact | None]):
        self.errors: list[str] = []
        self.names, self.premise_of = names, premise_of
        origin, unit = cert.get("origin"), cert.get("unit")
        if origin not in names or (unit is not None and unit not in names) or origin == unit:
            raise ValueError("origin and unit must be two points of the problem")
        self.point: dict[str, tuple] = {}
        self.variables: set[str] = set()
        for k, n in enumerate(names):
            if n == origin:
                self.point[n] = (Poly(), Poly())
            elif n == unit:
                self.point[n] = (Poly.of(1), Poly())
            else:
                vx, vy = coordinate_name(n, k, "x"), coordinate_name(n, k, "y")
                self.variables |= {vx, vy}
                self.point[n] = (Poly.var(vx), Poly.var(vy))
        self.roots = {k: Poly.var(v) for k, v in RADICALS.items()}  # sqrt(k), fixed by {"radical": k}
        self.variables |= set(RADICALS.values())
        z0 = complex(*figure[origin])
        z1 = complex(*figure[unit]) if unit else z0 + 1
        self.at: dict[str, float] = {}
        for k, n in enumerate(names):
            z = (complex(*figure[n]) - z0) / (z1 - z0)
            self.at[coordinate_name(n, k, "x")], self.at[coordinate_name(n, k, "y")] = z.real, z.imag
        self.at.update({v: math.sqrt(k) for k, v in RADICALS.items()})
        self.triangular: list[tuple[Poly, str]] = []

    def polys(self, fact: Fact) -> list:
        return fact_polys(fact.pred, [self.point[self.names[i]] for i in fact.args], fact.value, self.roots)

    def reduce(self, p: Poly, using: list[int] | None = None) -> Poly:
        """The successive pseudo-remainder of p by the set (by its polynomials ``using``)."""
        chosen = self.triangular if using is None else [self.triangular[k] for k in using]
        for f, v in reversed(chosen):
            if p.degree(v) >= f.degree(v):
                p = p.prem(f, v)
            if not p:
                break
        return p

    def nonzero(self, p: Poly, what: str) -> None:
        if p.vanishes(self.at):
            self.errors.append(f"{what} vanishes in the figure: the argument does not hold there")

    def made(self, how: Any) -> Poly:
        """The polynomial a provenance record makes."""
        if not isinstance(how, dict):
            raise ValueError(f"not a provenance record: {how!r}")
        if "hypothesis" in how:
            fact = self.premise_of(how["hypothesis"])
            if fact is None:
                raise ValueError(f"hypothesis {how['hypothesis']!r} is no premise step the step uses")
            polys = self.polys(fact)
            k = how.get("poly")
            if type(k) is not int or not 0 <= k < len(polys):
                raise ValueError(f"the premise has no polynomial {k!r}")
            using = how.get("reduced_by")
            if not isinstance(using, list) or any(type(i) is not int or not 0 <= i < len(self.triangular)
                                                  for i in using) or using != sorted(set(using)):
                raise ValueError(f"reduced_by must list polynomials of the set so far, got {using!r}")
            return self.reduce(Poly.of(polys[k]), using)
        if "radical" in how:  # sqrt(k)**2 - k: the variable stands for sqrt(k) (its value in the figure)
            k = how["radical"]
            if k not in self.roots:
                raise ValueError(f"no radical sqrt({k!r}) here")
            return self.roots[k] * self.roots[k] - k
        if "prem" in how:
            a, b = how["prem"]
            v = how.get("variable")
            if v not in self.variables:
                raise ValueError(f"unknown variable {v!r}")
            return self.made(a).prem(self.made(b), v)
        if "divide" in how:
            f, v = self.made(how["divide"]), how.get("variable")
            q = parse_poly(how["root"], self.variables) if how.get("root") not in ("0", 0) else Poly()
            if v not in self.variables:
                raise ValueError(f"unknown variable {v!r}")
            if self.reduce(f.substitute(v, q)):
                raise ValueError(f"{how['root']} is not a root of the polynomial it divides")
            self.nonzero(Poly.var(v) - q, f"{v} - ({how['root']})")
            return _quotient_by_root(f, v, q)
        if "factor" in how:
            whole = self.made(how["factor"])
            cofactor = parse_poly(how["cofactor"], self.variables)
            self.nonzero(cofactor, f"the cofactor {how['cofactor'][:60]}")
            return _Factor(whole, cofactor)
        raise ValueError(f"unknown provenance {sorted(how)}")

    def add(self, entry: dict) -> None:
        v = entry.get("variable")
        if v not in self.variables:
            raise ValueError(f"unknown variable {v!r}")
        stated = parse_poly(entry.get("poly"), self.variables)
        made = self.made(entry.get("made"))
        if isinstance(made, _Factor):
            if made.whole != stated * made.cofactor:
                raise ValueError(f"the polynomial of {v} times its cofactor is not the one it is a factor of")
        elif made != stated and made != -stated:
            raise ValueError(f"the polynomial of {v} is not the one its provenance makes")
        # (each polynomial vanishes wherever the premises hold and the conditions do not vanish,
        # whatever the order; the reduction of the goal is an identity; so order is no matter
        # of soundness, only each variable leads once)
        if stated.degree(v) < 1 or v in {w for _, w in self.triangular}:
            raise ValueError(f"the polynomial of {v} does not extend a triangular set")
        self.nonzero(stated.coeff(v, stated.degree(v)), f"the initial of the polynomial of {v}")
        self.triangular.append((stated, v))


class _Factor:
    def __init__(self, whole: Poly, cofactor: Poly):
        self.whole, self.cofactor = whole, cofactor


def _quotient_by_root(f: Poly, v: str, q: Poly) -> Poly:
    n = f.degree(v)
    b = f.coeff(v, n)
    out = b * Poly.var(v) ** (n - 1)
    for k in range(n - 1, 0, -1):
        b = f.coeff(v, k) + q * b
        out = out + b * Poly.var(v) ** (k - 1)
    return out


def check_algebra(cert: Any, goal: Fact, names: list[str], figure: dict[str, tuple[float, float]],
                  premise_of: Callable[[Any], Fact | None]) -> list[str]:
    """Every error in an algebraic step proving ``goal`` (empty: it checks)."""
    if not isinstance(cert, dict) or not isinstance(cert.get("triangular"), list):
        return ["certificate: must be {origin, unit, triangular, ...}"]
    with _own_fields():
        return _check(cert, goal, names, figure, premise_of)


def _check(cert: dict, goal: Fact, names: list[str], figure: dict[str, tuple[float, float]],
           premise_of: Callable[[Any], Fact | None]) -> list[str]:
    try:
        c = AlgebraChecker(cert, names, figure, premise_of)
        for k, entry in enumerate(cert["triangular"], start=1):
            try:
                c.add(entry)
            except ValueError as e:
                return c.errors + [f"triangular polynomial {k}: {e}"]
        for k, p in enumerate(c.polys(goal)):
            r = c.reduce(p)
            if r:
                c.errors.append(f"the goal's polynomial {k + 1} leaves a remainder of {len(r.t)} terms")
        return c.errors
    except NoPolynomial as e:
        return [f"certificate: {e}"]
    except (ValueError, TypeError, KeyError) as e:
        return [f"certificate: {e}"]
