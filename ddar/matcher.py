"""Rules compiled into join plans, run against the figure's indexed relations.

A rule is a conjunction of atoms over variables.  Compiling it orders its
atoms so that each one either *generates* bindings for new variables by a
lookup in ``NumericIndex`` (the points on the line through two bound points,
the pairs in the direction class an angle equation fixes, ...) or *tests*
atoms whose variables are all bound; a variable no atom can generate is
scanned over all points.  The order is chosen greedily by the expected
fan-out measured on the figure, once per figure and rule.

The result is every *instance* of every rule whose premises (and
conclusions) all hold in the figure: a finite set of ground Horn clauses.
Deduction (``ddar/engine.py``) then only has to decide which of their
premises are proved.  Different variables may bind one point, unless an atom
needs them apart (``distinct_groups``): triangles ABC and ADE may share A.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from itertools import permutations
from typing import Callable, Iterator

from ddar.facts import Fact
from ddar.numeric_index import ANGLE_TOL, NumericIndex
from ddar.rules import Atom, Rule

_THETA = {  # pred -> (coefficients of the pairs' directions, constant in units of pi)
    "para": ((1, -1), 0),
    "perp": ((1, -1), Fraction(1, 2)),
    "eqangle": ((-1, 1, 1, -1), 0),
    "aconst": ((-1, 1), None),  # the atom's value
}
_LOGLEN = {  # pred -> coefficients of the pairs' log-lengths (constant: log of rconst's value)
    "cong": (1, -1),
    "eqratio": (1, -1, -1, 1),
    "rconst": (1, -1),
}
_ANGLE_SLACK = 4 * ANGLE_TOL
_LOG_SLACK = 4e-4


@dataclass(frozen=True)
class Instance:
    """One ground instance of a rule that the figure satisfies."""

    rule: Rule
    binding: tuple[int, ...]  # point of each of rule.variables, in order
    premises: tuple[Fact, ...]  # the fact premises (checks already hold in the figure)
    conclusions: tuple[Fact, ...]


def distinct_groups(pred: str, args: tuple) -> list[tuple]:
    """The groups of an atom's arguments that must be distinct points: each pair of a
    line or length, each triangle, the points of a coll/cyclic/circle/midp."""
    if pred in ("simtri", "contri", "sameside", "sameclock"):
        return [args[:3], args[3:]]
    if pred in ("coll", "ncoll", "cyclic", "circle", "midp"):
        return [args]
    if pred == "diff":
        return [args]
    return [args[i : i + 2] for i in range(0, len(args), 2)]


def ground(atom: Atom, ids: dict[str, int], memo: dict | None = None) -> Fact:
    """The fact an atom states under a binding (``memo`` caches canonical forms)."""
    args = tuple(ids[v] for v in atom.args)
    if memo is None:
        return Fact.make(atom.pred, args, atom.value)
    key = (atom.pred, args, atom.value)
    f = memo.get(key)
    if f is None:
        f = memo[key] = Fact.make(atom.pred, args, atom.value)
    return f


class _CompiledAtom:
    def __init__(self, atom: Atom, var_index: dict[str, int]):
        self.atom = atom
        self.pred = atom.pred
        self.vars = tuple(var_index[v] for v in atom.args)
        self.varset = frozenset(self.vars)
        self.groups = distinct_groups(atom.pred, self.vars)
        self.kind = "theta" if atom.pred in _THETA else "len" if atom.pred in _LOGLEN else "set"
        if self.kind != "set":
            self.pairs = [(self.vars[i], self.vars[i + 1]) for i in range(0, len(self.vars), 2)]
        if self.kind == "theta":
            coefs, const = _THETA[atom.pred]
            self.coefs = coefs
            self.const = float(atom.value if const is None else const) * math.pi
        elif self.kind == "len":
            self.coefs = _LOGLEN[atom.pred]
            self.const = math.log(atom.value) if atom.pred == "rconst" else 0.0

    # -- pair equations: sum of coef * quantity(pair) = const ------------------------

    def _quantity(self, ix: NumericIndex, a: int, b: int) -> float:
        return ix.theta[a, b] if self.kind == "theta" else ix.loglen[a, b]

    def _unbound_pair(self, bound: frozenset[int]):
        """(pair, total coefficient) when exactly one distinct pair has an unbound variable."""
        found, total = None, 0
        for (x, y), c in zip(self.pairs, self.coefs):
            if x in bound and y in bound:
                continue
            key = (min(x, y), max(x, y))
            if found is not None and key != (min(found), max(found)):
                return None
            if found is None:
                found = (x, y)
            total += c  # (a, b) and (b, a): one direction, one length
        if found is None or total == 0:
            return None
        return found, total

    def residual(self, ix: NumericIndex, b: list[int]) -> float:
        r = -self.const
        for (x, y), c in zip(self.pairs, self.coefs):
            r += c * self._quantity(ix, b[x], b[y])
        return r

    # -- the three operations a plan step can use -----------------------------------

    def test(self, ix: NumericIndex, b: list[int]) -> bool:
        for group in self.groups:
            if len({b[v] for v in group}) != len(group):
                return False
        p = self.pred
        if self.kind == "theta":
            r = self.residual(ix, b) % math.pi
            return min(r, math.pi - r) <= _ANGLE_SLACK
        if self.kind == "len":
            return abs(self.residual(ix, b)) <= _LOG_SLACK
        pts = [b[v] for v in self.vars]
        if p == "coll":
            lid = ix.line[pts[0], pts[1]]
            return all(ix.line[pts[0], q] == lid for q in pts[2:])
        if p == "cyclic":
            return set(pts) <= set(ix.on_circle(pts[0], pts[1], pts[2]))
        if p == "circle":
            l0 = ix.len[pts[0], pts[1]]
            return all(ix.len[pts[0], q] == l0 for q in pts[2:])
        if p == "midp":
            return ix.mid.get((pts[1], pts[2])) == pts[0]
        if p in ("simtri", "contri"):
            rel = ix.similar if p == "simtri" else ix.congruent
            return tuple(pts[3:]) in rel.get(tuple(pts[:3]), ())
        # checks: the strict test the proof checker will repeat
        value = None
        if self.atom.value is not None:
            value = float(self.atom.value) * (math.pi if p == "aconst" else 1.0)
        return ix.holds(p, pts, value)

    def gen_cost(self, ix: NumericIndex, bound: frozenset[int], stats: dict) -> float | None:
        """Expected number of bindings generated, or None if this atom cannot generate."""
        p, unbound = self.pred, [v for v in self.vars if v not in bound]
        if not unbound or self.atom.is_check:
            return None
        nb = len(self.vars) - len(set(unbound))
        if self.kind != "set":
            up = self._unbound_pair(bound)
            if up is not None:
                (x, y), _ = up
                partly = x in bound or y in bound
                return stats["per_point"] if partly else stats[f"{self.kind}_class"]
            if nb == 0:
                return stats.get(f"{p}_all")
            return None
        if p == "coll":
            return 1.0 if nb >= 2 else (stats["coll_all"] if nb == 0 else None)
        if p == "cyclic":
            return 0.5 if nb >= 3 else (stats["cyclic_all"] if nb == 0 else None)
        if p == "midp":
            if nb >= 2 and (self.vars[1] in bound or self.vars[2] in bound):
                return 0.3
            return stats["midp_all"] if nb == 0 else None
        if p == "circle":
            return stats["per_point"] if self.vars[0] in bound and nb >= 2 else None
        if p in ("simtri", "contri"):
            if set(self.vars[:3]) <= bound or set(self.vars[3:]) <= bound:
                return 1.0
            return stats[f"{p}_all"] if nb == 0 else None
        return None

    def generate(self, ix: NumericIndex, b: list[int], bound: frozenset[int]) -> Iterator[dict[int, int]]:
        """Bindings of this atom's unbound variables (possibly repeating a point: the caller
        enforces distinctness and tests the whole atom afterwards)."""
        p = self.pred
        if self.kind != "set":
            up = self._unbound_pair(bound)
            if up is None:
                yield from self._all_pairs(ix)
                return
            (x, y), c = up
            rest = -self.const
            for (u, v), k in zip(self.pairs, self.coefs):
                if u in bound and v in bound:
                    if b[u] == b[v]:
                        return
                    rest += k * self._quantity(ix, b[u], b[v])
            targets = [-rest / c]
            if self.kind == "theta" and abs(c) > 1:
                targets = [-rest / c + j * math.pi / abs(c) for j in range(abs(c))]
            for t in targets:
                cls = ix.dir_class(t) if self.kind == "theta" else ix.len_class(t)
                if cls < 0:
                    continue
                frm = (ix.dir_from if self.kind == "theta" else ix.len_from)[cls]
                if x in bound:
                    for q in frm.get(b[x], ()):
                        yield {y: q}
                elif y in bound:
                    for q in frm.get(b[y], ()):
                        yield {x: q}
                else:
                    for u, v in (ix.dir_pairs if self.kind == "theta" else ix.len_pairs)[cls]:
                        yield {x: u, y: v}
            return
        vs = self.vars
        if p in ("coll", "cyclic"):
            known = [b[v] for v in vs if v in bound]
            need = 2 if p == "coll" else 3
            if len(known) >= need:
                pts = ix.on_line(known[0], known[1]) if p == "coll" else ix.on_circle(*known[:3])
                yield from _fill([v for v in vs if v not in bound], pts)
            else:
                for pts in ix.lines if p == "coll" else ix.circles:
                    if len(pts) >= len(vs):
                        yield from _fill(list(vs), pts)
            return
        if p == "midp":
            m, a, c = vs
            if a in bound and c in bound:
                q = ix.mid.get((b[a], b[c]))
                if q is not None:
                    yield {m: q}
            elif m in bound:
                for known, other in ((a, c), (c, a)):
                    if known in bound:
                        q = ix.reflect.get((b[m], b[known]))
                        if q is not None:
                            yield {other: q}
            else:
                for (u, v), q in ix.mid.items():
                    yield {m: q, a: u, c: v}
            return
        if p == "circle":
            o = vs[0]
            rim = [v for v in vs[1:] if v in bound]
            cls = ix.len[b[o], b[rim[0]]]
            yield from _fill([v for v in vs[1:] if v not in bound], ix.len_from[cls].get(b[o], ()))
            return
        if p in ("simtri", "contri"):
            rel = ix.similar if p == "simtri" else ix.congruent
            first, second = vs[:3], vs[3:]
            if set(first) <= bound:
                for t in rel.get(tuple(b[v] for v in first), ()):
                    yield dict(zip(second, t))
            elif set(second) <= bound:
                for t in rel.get(tuple(b[v] for v in second), ()):
                    yield dict(zip(first, t))
            else:
                for t1, ts in rel.items():
                    for t2 in ts:
                        yield {**dict(zip(first, t1)), **dict(zip(second, t2))}
            return
        raise AssertionError(p)

    def _all_pairs(self, ix: NumericIndex) -> Iterator[dict[int, int]]:
        """Every binding of a pair atom with nothing bound: pairs of pairs in one class."""
        (x1, y1), (x2, y2) = self.pairs[0], self.pairs[1]
        if self.pred in ("para", "cong"):
            for pairs in ix.dir_pairs if self.pred == "para" else ix.len_pairs:
                for u1, v1 in pairs:
                    for u2, v2 in pairs:
                        yield {x1: u1, y1: v1, x2: u2, y2: v2}
        elif self.pred == "perp":
            for cls, pairs in enumerate(ix.dir_pairs):
                other = ix.dir_class(ix._dirs.reps[cls] + math.pi / 2)
                if other < 0:
                    continue
                for u1, v1 in pairs:
                    for u2, v2 in ix.dir_pairs[other]:
                        yield {x1: u1, y1: v1, x2: u2, y2: v2}


def _fill(vars_: list[int], pts) -> Iterator[dict[int, int]]:
    for combo in permutations(pts, len(vars_)):
        yield dict(zip(vars_, combo))


def _stats(ix: NumericIndex) -> dict:
    n = max(ix.n, 1)
    npairs = n * (n - 1)
    dir_sizes = [len(p) for p in ix.dir_pairs]
    len_sizes = [len(p) for p in ix.len_pairs]
    return {
        "per_point": 1.5,
        "theta_class": npairs / max(len(dir_sizes), 1),
        "len_class": npairs / max(len(len_sizes), 1),
        "para_all": sum(s * s for s in dir_sizes),
        "perp_all": sum(s * s for s in dir_sizes) / 4 + 1,
        "cong_all": sum(s * s for s in len_sizes),
        "coll_all": sum(len(p) ** 3 for p in ix.lines if len(p) >= 3) + 1,
        "cyclic_all": sum(len(p) ** 4 for p in ix.circles) + 1,
        "midp_all": len(ix.mid) + 1,
        "simtri_all": sum(len(v) for v in ix.similar.values()) + 1,
        "contri_all": sum(len(v) for v in ix.congruent.values()) + 1,
        "scan": float(n),
    }


Step = tuple  # ('gen', atom) | ('scan', var) followed by ('test', atom) entries


def compile_plan(rule: Rule, ix: NumericIndex, stats: dict | None = None) -> tuple[list[str], list[Step]]:
    """The variables of ``rule`` and an order of generate/scan/test steps binding them all."""
    stats = stats or _stats(ix)
    variables = list(rule.variables)
    var_index = {v: i for i, v in enumerate(variables)}
    atoms = [_CompiledAtom(a, var_index) for a in (*rule.premises, *rule.conclusions)]
    bound: frozenset[int] = frozenset()
    pending = list(atoms)
    steps: list[Step] = []
    while len(bound) < len(variables):
        best = None
        for a in pending:
            cost = a.gen_cost(ix, bound, stats)
            if cost is None or (bound and not (a.varset & bound)):
                continue  # a whole relation is enumerated only to start a plan
            # compare fan-out per new variable with scanning one variable (n points)
            cost = max(cost, 1.0) ** (1.0 / len(a.varset - bound))
            if best is None or cost < best[0]:
                best = (cost, "gen", a)
        if best is None or best[0] > stats["scan"]:
            # scan the unbound variable that occurs in the most atoms
            free = [v for v in range(len(variables)) if v not in bound]
            var = max(free, key=lambda v: sum(v in a.varset for a in pending))
            steps.append(("scan", var))
            bound = bound | {var}
        else:
            a = best[2]
            steps.append(("gen", a))
            bound = bound | a.varset
        for a in [a for a in pending if a.varset <= bound]:
            steps.append(("test", a))
            pending.remove(a)
    return variables, steps


def run_plan(steps: list[Step], nvars: int, ix: NumericIndex) -> Iterator[list[int]]:
    """Every binding (var -> point, all distinct) that passes all steps."""
    b = [-1] * nvars
    bound_at: list[frozenset[int]] = []
    bound: frozenset[int] = frozenset()
    for kind, x in steps:
        bound_at.append(bound)
        if kind == "scan":
            bound = bound | {x}
        elif kind == "gen":
            bound = bound | x.varset

    def go(i: int) -> Iterator[list[int]]:
        if i == len(steps):
            yield b
            return
        kind, x = steps[i]
        if kind == "test":
            if x.test(ix, b):
                yield from go(i + 1)
            return
        if kind == "scan":
            for p in ix.points:
                b[x] = p
                yield from go(i + 1)
            b[x] = -1
            return
        for new in x.generate(ix, b, bound_at[i]):
            # a generator may also name variables bound before: they must agree
            if any(b[v] != p for v, p in new.items() if v in bound_at[i]):
                continue
            fresh = [v for v in new if v not in bound_at[i]]
            for v in fresh:
                b[v] = new[v]
            yield from go(i + 1)
            for v in fresh:
                b[v] = -1

    yield from go(0)


def instances(
    rules: list[Rule], ix: NumericIndex, keep: Callable[[Instance], bool] | None = None, deadline: float | None = None
) -> list[Instance]:
    """All instances of ``rules`` the figure satisfies, without repeats (those found by
    ``deadline``, a ``time.perf_counter()`` value, if matching runs out of time)."""
    stats = _stats(ix)
    out: list[Instance] = []
    seen: set = set()
    memo: dict = {}
    for rule in rules:
        variables, steps = compile_plan(rule, ix, stats)
        for count, b in enumerate(run_plan(steps, len(variables), ix)):
            if deadline is not None and count % 1024 == 0 and time.perf_counter() > deadline:
                return out
            ids = dict(zip(variables, b))
            prem = tuple(ground(a, ids, memo) for a in rule.facts)
            concl = tuple(ground(a, ids, memo) for a in rule.conclusions)
            key = (rule.name, frozenset(prem), concl)
            if key in seen:
                continue
            seen.add(key)
            inst = Instance(rule, tuple(b), prem, concl)
            if keep is None or keep(inst):
                out.append(inst)
    return out
