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
needs them apart (the two points of a pair, the vertices of a triangle, the
points of a coll/cyclic/circle/midp): triangles ABC and ADE may share A.
The plans run in a numba kernel (``ddar/join_kernel.py``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from operator import itemgetter

import numpy as np

from ddar import join_kernel
from ddar.facts import Fact, symmetries
from ddar.numeric_index import NumericIndex
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


@dataclass(frozen=True)
class Instance:
    """One ground instance of a rule that the figure satisfies."""

    rule: Rule
    binding: tuple[int, ...]  # point of each of rule.variables, in order
    premises: tuple[Fact, ...]  # the fact premises (checks already hold in the figure)
    conclusions: tuple[Fact, ...]


def ground(atom: Atom, ids: dict[str, int]) -> Fact:
    """The fact an atom states under a binding of its variables."""
    return Fact.make(atom.pred, [ids[v] for v in atom.args], atom.value)


def _points_at(positions: list[int]) -> Callable:
    """A binding's points at ``positions``, as a tuple (itemgetter: the grounding loop's hot path;
    every predicate takes two points or more, so it always gives a tuple)."""
    return itemgetter(*positions)


def _grounded(atoms: tuple, b, memo: dict) -> tuple[Fact, ...]:
    """The facts ``atoms`` (a plan's) state under the binding ``b``, made once per figure."""
    out = []
    for pred, get, value in atoms:
        key = (pred, get(b), value)
        f = memo.get(key)
        if f is None:
            f = memo[key] = Fact.make(pred, key[1], value)
        out.append(f)
    return tuple(out)


class _CompiledAtom:
    def __init__(self, atom: Atom, var_index: dict[str, int]):
        self.atom = atom
        self.pred = atom.pred
        self.vars = tuple(var_index[v] for v in atom.args)
        self.varset = frozenset(self.vars)
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
            return 1.0 if nb >= 2 else stats["coll_point"] if nb == 1 else stats["coll_all"]
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
            # all pairs, those through the bound vertices kept (about 1/n of them per vertex)
            return stats[f"{p}_all"] / stats["scan"] ** nb + 1.0
        return None

def _stats(ix: NumericIndex) -> dict:
    n = max(ix.n, 1)
    npairs = n * (n - 1)
    off = ~np.eye(ix.n, dtype=bool)  # ordered pairs a != b, by class
    dir_sizes = np.bincount(ix.dir[off], minlength=ix.n_dirs).tolist()
    len_sizes = np.bincount(ix.len[off], minlength=ix.n_lens).tolist()
    return {
        "per_point": 1.5,
        "theta_class": npairs / max(len(dir_sizes), 1),
        "len_class": npairs / max(len(len_sizes), 1),
        "para_all": sum(s * s for s in dir_sizes),
        "perp_all": sum(s * s for s in dir_sizes) / 4 + 1,
        "cong_all": sum(s * s for s in len_sizes),
        "coll_all": sum(len(p) ** 3 for p in ix.lines if len(p) >= 3) + 1,
        # ordered pairs of points sharing a line with a given point, on average
        "coll_point": sum(len(p) * (len(p) - 1) * (len(p) - 2) for p in ix.lines) / n + 1,
        "cyclic_all": sum(len(p) ** 4 for p in ix.circles) + 1,
        "midp_all": len(ix.mid) + 1,
        "simtri_all": sum(len(v) for v in ix.similar.values()) + 1,
        "contri_all": sum(len(v) for v in ix.congruent.values()) + 1,
        "scan": float(n),
    }


Step = tuple  # ('gen', atom) | ('scan', var) followed by ('test', atom) entries
_BATCH = 24  # plans per kernel call: fewer calls, yet the deadline is looked at between them


def compile_plan(rule: Rule, ix: NumericIndex, stats: dict | None = None,
                 bound0: frozenset[int] = frozenset()) -> tuple[list[str], list[Step]]:
    """The variables of ``rule`` and an order of generate/scan/test steps binding them all
    (``bound0``: variables bound before the plan starts, by index)."""
    variables, steps, _ = _compile(rule, ix, stats, bound0)
    return variables, steps


def _compile(rule: Rule, ix: NumericIndex, stats: dict | None,
             bound0: frozenset[int]) -> tuple[list[str], list[Step], float]:
    """compile_plan, and the plan's expected work: the rows its steps make, by the
    fan-outs measured on the figure (tests taken to pass)."""
    stats = stats or _stats(ix)
    variables = list(rule.variables)
    var_index = {v: i for i, v in enumerate(variables)}
    atoms = [_CompiledAtom(a, var_index) for a in (*rule.premises, *rule.conclusions)]
    bound: frozenset[int] = bound0
    pending = [a for a in atoms if not a.varset <= bound]
    steps: list[Step] = [("test", a) for a in atoms if a.varset <= bound]
    rows = work = 1.0
    while len(bound) < len(variables):
        best = _best_generator(pending, bound, ix, stats)
        if best is None or best[0] > stats["scan"]:
            # scan the unbound variable after which some atom generates the fewest bindings
            # (then the one in the most atoms)
            free = [v for v in range(len(variables)) if v not in bound]

            def after_scan(v: int, bound: frozenset[int] = bound) -> float:
                nxt = _best_generator(pending, bound | {v}, ix, stats)
                return stats["scan"] if nxt is None else min(nxt[0], stats["scan"])

            var = min(free, key=lambda v: (after_scan(v), -sum(v in a.varset for a in pending)))
            steps.append(("scan", var))
            bound = bound | {var}
            rows *= stats["scan"]
        else:
            a = best[2]
            steps.append(("gen", a))
            bound = bound | a.varset
            rows *= best[3]
        work += rows
        for a in [a for a in pending if a.varset <= bound]:
            steps.append(("test", a))
            pending.remove(a)
    return variables, steps, work


def _best_generator(pending: list[_CompiledAtom], bound: frozenset[int], ix: NumericIndex,
                    stats: dict) -> tuple[float, str, _CompiledAtom, float] | None:
    """(bindings per new variable, 'gen', atom, bindings) of the atom that generates fewest next."""
    best = None
    for a in pending:
        cost = a.gen_cost(ix, bound, stats)
        if cost is None or (bound and not (a.varset & bound)):
            continue  # a whole relation is enumerated only to start a plan
        # compare fan-out per new variable with scanning one variable (n points)
        fan = max(cost, 1.0)
        cost = fan ** (1.0 / len(a.varset - bound))
        if best is None or cost < best[0]:
            best = (cost, "gen", a, fan)
    return best


@dataclass(frozen=True)
class Plan:
    """A rule compiled for the kernel: its steps as arrays, where its facts' points come from."""

    rule: Rule
    nvars: int
    arrays: tuple
    facts: tuple  # (pred, its points' positions in the binding as an itemgetter, value) of each fact premise
    conclusions: tuple
    work: float  # expected rows made (``_compile``)


def plan_rule(rule: Rule, ix: NumericIndex, stats: dict, bound0: frozenset[int] = frozenset()) -> Plan:
    variables, steps, work = _compile(rule, ix, stats, bound0)
    atoms = list({id(x): x for kind, x in steps if kind != "scan"}.values())
    pos = {v: i for i, v in enumerate(variables)}
    facts = tuple((a.pred, _points_at([pos[v] for v in a.args]), a.value) for a in rule.facts)
    concls = tuple((a.pred, _points_at([pos[v] for v in a.args]), a.value) for a in rule.conclusions)
    return Plan(rule, len(variables), join_kernel.plan_arrays(steps, atoms, bound0), facts, concls, work)


def _needs(rule: Rule) -> list[frozenset[str]]:
    """What a point must be in the figure to stand for each of the rule's variables (its atoms
    over that variable, as relations a point may be in or not): 'line' (on a line of three
    points), 'circle' (on a circle of four), 'mid' (a midpoint), 'end' (an end of a segment
    whose midpoint is a point), 'tri' / 'ctri' (a vertex of a similar / congruent pair)."""
    out: list[set[str]] = [set() for _ in rule.variables]
    index = {v: i for i, v in enumerate(rule.variables)}
    for a in (*rule.premises, *rule.conclusions):
        distinct = len(set(a.args))
        for k, v in enumerate(a.args):
            need = out[index[v]]
            if a.pred == "coll" and distinct >= 3:
                need.add("line")
            elif a.pred == "cyclic" and distinct >= 4:
                need.add("circle")
            elif a.pred == "midp":
                need.add("mid" if k == 0 else "end")
            elif a.pred in ("simtri", "contri"):
                need.add("tri" if a.pred == "simtri" else "ctri")
    return [frozenset(n) for n in out]


def _relations(ix: NumericIndex, points: range) -> dict[int, set[str]]:
    """The relations of ``_needs`` each of ``points`` is in."""
    lines = {p for pts in ix.lines if len(pts) >= 3 for p in pts}
    circles = {p for pts in ix.circles for p in pts}
    mids = set(ix.mid.values())
    ends = {p for pair in ix.mid for p in pair}
    tri = {p for t in ix.similar for p in t}
    ctri = {p for t in ix.congruent for p in t}
    return {p: {name for name, group in (("line", lines), ("circle", circles), ("mid", mids), ("end", ends),
                                         ("tri", tri), ("ctri", ctri)) if p in group} for p in points}


def _pinned_variables(rule: Rule) -> list[int]:
    """One variable of each orbit of the rule's symmetries (renamings of its variables that
    keep its premises and each of its conclusions, ``ddar.facts.symmetries``).  An instance with
    a new point at a variable, renamed by a symmetry, is one with the point at the orbit's
    first variable and the same premises and conclusions: pinning that one finds it."""
    variables = list(rule.variables)
    index = {v: i for i, v in enumerate(variables)}

    def fact(a: Atom) -> Fact:
        return Fact.make(a.pred, [index[v] for v in a.args], a.value)

    families = [{fact(a) for a in rule.premises}, *({fact(c)} for c in rule.conclusions)]
    orbit = list(range(len(variables)))

    def root(v: int) -> int:
        while orbit[v] != v:
            v = orbit[v]
        return v

    for perm in symmetries(families, len(variables), limit=16):
        for v, w in enumerate(perm):
            a, b = root(v), root(w)
            orbit[max(a, b)] = min(a, b)
    return [v for v in range(len(variables)) if root(v) == v]


@dataclass
class MatchCache:
    """What matching keeps from one call to the next on a growing figure (an engine and its
    forks share one): each rule's semi-naive plans, which of them a new point starts, the
    kernel's arrays of each batch of them (``join_kernel.run_plans``), and the facts bindings
    ground to (sibling states, each with one more point, ground mostly the same facts)."""

    plans: dict = field(default_factory=dict)  # rule name -> (its whole Plan, {pinned variable: Plan})
    runs: dict = field(default_factory=dict)  # (new points, their relations) -> the plans to run, started
    batches: dict = field(default_factory=dict)
    grounded: dict = field(default_factory=dict)  # (pred, args, value) -> Fact


_MEMO = 200_000  # grounded facts kept at most (then forgotten at once)

_SEMI_NAIVE: dict[Rule, tuple[list[int], list[frozenset[str]]]] = {}  # rule -> (_pinned_variables, _needs)


def _semi_naive_runs(rules: list[Rule], ix: NumericIndex, new_from: int, relations: dict[int, set[str]],
                     plans: dict | None) -> list[tuple[Plan, np.ndarray | None]]:
    """The plans to run, with their starting rows, for the instances that bind a new point:
    each variable in turn bound to each new point that can stand for it (one in every relation
    the variable needs: often none), the rest joined as usual; or, where the figure's fan-outs
    say that costs more, the whole join (old rows dropped later)."""
    stats: dict | None = None  # the figure's fan-outs, measured when a plan is made
    runs: list[tuple[Plan, np.ndarray | None]] = []
    for rule in rules:
        known = _SEMI_NAIVE.get(rule)
        if known is None:
            known = _SEMI_NAIVE[rule] = (_pinned_variables(rule), _needs(rule))
        pinned, needs = known
        made = plans.get(rule.name) if plans is not None else None
        if made is None:
            stats = stats or _stats(ix)
            made = (plan_rule(rule, ix, stats), {v: plan_rule(rule, ix, stats, frozenset({v})) for v in pinned})
            if plans is not None:
                plans[rule.name] = made
        full, pins = made
        started = []
        for v, plan in pins.items():
            starts = [p for p in range(new_from, ix.n) if needs[v] <= relations[p]]
            if starts:
                init = np.full((len(starts), plan.nvars), -1, dtype=np.int64)
                init[:, v] = starts
                started.append((plan, init))
        if sum(plan.work * len(init) for plan, init in started) >= full.work:
            runs.append((full, None))
        else:
            runs.extend(started)
    return runs


def instances(
    rules: list[Rule], ix: NumericIndex, keep: Callable[[Instance], bool] | None = None, deadline: float | None = None,
    new_from: int = 0, cache: MatchCache | None = None, seen: set | None = None,
) -> list[Instance]:
    """All instances of ``rules`` the figure satisfies, without repeats (those found by
    ``deadline``, a ``time.perf_counter()`` value, if matching runs out of time).  With
    ``new_from``, only the instances that bind some point numbered ``new_from`` or more
    (the points added since the last match), found semi-naively: each variable in turn (one
    of each orbit of the rule's symmetries) is bound to the new points that can stand for it
    before the join starts, or the whole join with the old bindings dropped, whichever the
    figure's fan-outs say is less work.  ``cache`` keeps that choice and its plans across
    calls (a plan depends on the figure only through its speed), with what they cost to set up.
    ``seen``: the keys (rule name, premises, conclusions) of instances found before, skipped; each
    new one is added as it is found, ``keep`` or not (the engine's set, kept across matches: it
    takes every instance returned)."""
    out: list[Instance] = []
    seen = set() if seen is None else seen
    plans = cache.plans if cache is not None else None
    memo = cache.grounded if cache is not None else {}
    if len(memo) > _MEMO:
        memo.clear()
    if not new_from:
        stats = _stats(ix)
        runs: list[tuple[Plan, np.ndarray | None]] = [(plan_rule(rule, ix, stats), None) for rule in rules]
    else:
        # a new point starts a pinned plan only if it is in every relation the variable needs
        # (on a line of three points for a coll, ...): most plans end before the kernel
        relations = _relations(ix, range(new_from, ix.n))
        key = (new_from, ix.n, tuple(frozenset(relations[p]) for p in range(new_from, ix.n)))
        runs = cache.runs.get(key) if cache is not None else None
        if runs is None:
            runs = _semi_naive_runs(rules, ix, new_from, relations, plans)
            if cache is not None:
                cache.runs[key] = runs
    found_rows: list[tuple[Plan, np.ndarray]] = []
    for start in range(0, len(runs), _BATCH):
        if deadline is not None and time.perf_counter() > deadline:
            break
        batch = runs[start:start + _BATCH]
        found = join_kernel.run_plans([(plan.arrays, plan.nvars, init) for plan, init in batch], ix,
                                       cache.batches if cache is not None and new_from else None)
        for (plan, init), rows in zip(batch, found):
            if new_from and init is None and len(rows):
                rows = rows[(rows >= new_from).any(axis=1)]
            found_rows.append((plan, rows))
    if new_from:
        # one rule's bindings from all its plans, sorted: which plans the cache chose (pinned or
        # whole, on whichever figure it first saw) changes neither the instances nor their order
        # (a few rows each: sorted tuples cost a fraction of np.unique's axis=0 path)
        by_rule: dict[str, tuple[Plan, set]] = {}
        for plan, rows in found_rows:
            if len(rows):
                by_rule.setdefault(plan.rule.name, (plan, set()))[1].update(map(tuple, rows.tolist()))
        bindings = [(plan, sorted(rows)) for plan, rows in by_rule.values()]
    else:
        bindings = [(plan, rows.tolist()) for plan, rows in found_rows]
    for plan, rows in bindings:
        rule = plan.rule
        for b in rows:
            prem = _grounded(plan.facts, b, memo)
            concl = _grounded(plan.conclusions, b, memo)
            key = (rule.name, frozenset(prem), concl)
            if key in seen:
                continue
            seen.add(key)
            inst = Instance(rule, tuple(b), prem, concl)
            if keep is None or keep(inst):
                out.append(inst)
    return out
