"""DD + AR saturation: the deductive closure of a figure's premises, every fact with its reason.

How it runs (docs/ENGINE.md):

1. ``ddar/matcher.py`` lists every rule instance the figure satisfies: ground
   Horn clauses ``premises => conclusions``.
2. Deduction is then propagation: each instance counts its premises not yet
   proved; when a fact is proved, the instances waiting on it count down, and
   an instance at zero *fires*: its conclusions are proved, with the rule
   instance as their reason.  This is semi-naive by construction: a fact is
   joined once, when it is new.
3. Every proved fact of the angle or ratio kind is also an equation in AR's
   tables (``ddar/algebra.py``, translated by ``ddar/ar.py``).  When
   propagation stops, AR decides every fact some instance is still waiting
   for (and the goals): an implied one is proved with the exact linear
   combination of earlier facts as its reason, and propagation resumes.
4. Nothing new from either: ``saturated``.  The goals all proved: ``solved``.
   Out of time (or over the fact or round limit): ``timeout``.

A fact is added only if it holds in the figure (``Fact.holds``): the figure
cannot make the engine prove a false fact, and a bug that would is caught.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable

import numpy as np

from ddar.algebra import Table
from ddar.ar import CONCLUDES, Translator, tables_of
from ddar.facts import Fact
from ddar.matcher import Instance, MatchCache, instances
from ddar.numeric_index import NumericIndex, OverBudget
from ddar.predicates import PREDICATES
from ddar.rules import Rule, bundled_rules
from ddar.status import SATURATED, SOLVED, TIMEOUT

_P = 2**31 - 1  # a prime: AR candidates are found mod _P, then confirmed exactly

_SUBSET_PREDS = {"coll": 3, "cyclic": 4, "circle": 4}


def union_parts(f: Fact) -> list[Fact]:
    """A coll, cyclic or circle fact over more points than the engine's facts name, as the
    facts it joins: the first two points (coll), three points (cyclic) or the centre and two
    points (circle) with each other point in turn.  Empty for a fact of the base size."""
    base = _SUBSET_PREDS.get(f.pred)
    if base is None or len(f.args) <= base:
        return []
    core = f.args[: base - 1]
    return [Fact.make(f.pred, (*core, x)) for x in f.args[base - 1:]]


@dataclass(frozen=True)
class Reason:
    """Why a fact holds: a premise, a rule instance, an AR combination, or a larger fact."""

    kind: str  # 'premise' | 'rule' | 'ar' | 'subset' | 'union' | 'algebra'
    uses: tuple[Fact, ...] = ()
    rule: Rule | None = None
    binding: tuple[int, ...] = ()
    table: str | None = None
    coefs: tuple[tuple[Fraction, ...], ...] = ()  # ar: per used fact, one coefficient per equation
    certificate: dict | None = field(default=None, compare=False)  # algebra: Wu's method's, premises as facts


@dataclass
class Limits:
    """When saturation gives up: wall-clock seconds, rounds of AR, facts."""

    seconds: float = 60.0
    rounds: int = 10_000
    facts: int = 1_000_000


@dataclass
class Report:
    """How a saturation ended and what it cost."""

    status: str
    seconds: float
    rounds: int = 0
    facts: int = 0
    instances: int = 0
    rule_fires: dict[str, int] = field(default_factory=dict)
    ar_facts: int = 0
    match_seconds: float = 0.0
    ar_seconds: float = 0.0
    message: str = ""  # why a timeout came early (a figure too large to index or match)


def kernels_cached() -> bool:
    """Whether numba's on-disk cache seems to hold the join kernel (else warm_up compiles, ~30 s)."""
    from pathlib import Path

    from ddar import join_kernel

    return any((Path(join_kernel.__file__).parent / "__pycache__").glob("join_kernel.run_rule-*.nbi"))


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel, on a tiny figure: an orthocenter."""
    from ddar.facts import Fact

    coords = np.array([[0.0, 0.0], [4.0, 0.3], [1.1, 3.2]])
    a, b, c = coords
    # h: on the altitude from a (perpendicular to bc) and the one from b
    d1, d2 = c - b, c - a
    m = np.array([[d1[0], d1[1]], [d2[0], d2[1]]])
    h = np.linalg.solve(m, np.array([d1 @ a, d2 @ b]))
    eng = Engine(np.vstack([coords, h]), 5.0)
    eng.add_premise(Fact.make("perp", [0, 3, 1, 2]))
    eng.add_premise(Fact.make("perp", [1, 3, 0, 2]))
    eng.saturate(limits=Limits(seconds=120))  # no goal: the AR rounds run too


class Engine:
    """The proved facts of one figure, grown by DD and AR."""

    def __init__(self, coords: np.ndarray, scale: float, rules: list[Rule] | None = None):
        self.coords = np.asarray(coords, dtype=float)
        self.scale = float(scale)
        self.n = len(self.coords)
        self.rules = list(bundled_rules()) if rules is None else rules
        self.proved: dict[Fact, Reason] = {}
        self.tr = Translator(self.coords)
        # angles lifted: no modular PI
        self.tables = {name: Table(name) for name in CONCLUDES}
        self._queue: list[Fact] = []
        self._instances: list[Instance] = []
        self._missing: list[int] = []
        self._waiting: dict[Fact, list[int]] = {}
        self._seen: set = set()  # instances already known (matching again after add_point)
        self._big: dict[str, list[Fact]] = {p: [] for p in _SUBSET_PREDS}  # proved facts with extra points
        self.rule_fires: dict[str, int] = {}
        self.rejected: list[Fact] = []  # conclusions false in the figure (a rule bug if ever non-empty)
        self._matched = False
        self._matched_points = 0  # points the last complete match covered
        self._match_cache = MatchCache()  # plans for matching after add_point, ...: shared by forks
        self._index: NumericIndex | None = None  # the figure's, as of the last match; shared by forks
        self._false: set[Fact] = set()  # wanted facts false in the figure
        self._true: set[Fact] = set()  # wanted facts found true in the figure
        self._targets: dict[tuple[Fact, str], list[tuple[int, int]]] = {}  # AR targets mod _P
        self._candidates: set[tuple[Fact, str]] = set()  # what AR may imply this round

    # -- facts -------------------------------------------------------------------

    def holds(self, f: Fact) -> bool:
        return f.holds(self.coords, self.scale)

    def is_proved(self, f: Fact) -> bool:
        return f in self.proved

    def add_premise(self, f: Fact) -> None:
        """A fact the problem states; it must hold in the figure."""
        if f in self.proved:
            return
        if not self.holds(f):
            raise ValueError(f"premise {f} is false in the figure")
        self._prove(f, Reason("premise"))

    def _prove(self, f: Fact, reason: Reason) -> bool:
        if f in self.proved:
            return False
        self.proved[f] = reason
        self._queue.append(f)
        return True

    # -- the loop ----------------------------------------------------------------------

    def add_point(self, xy) -> int:
        """A new point (an auxiliary construction) at ``xy``; returns its id.  Its facts come
        with ``add_premise``.  Everything deduced so far stays; the next ``saturate``
        matches the rules again and adds only the instances that are new."""
        self.coords = np.vstack([self.coords, np.asarray(xy, dtype=float).reshape(1, 2)])
        self.n = len(self.coords)
        self.tr.coords = self.coords
        self._matched = False
        return self.n - 1

    def fork(self) -> "Engine":
        """An independent copy to try a branch on (an auxiliary point): what it proves,
        matches and adds to its tables leaves this engine as it is.  Facts, instances, rules
        and table rows are immutable and shared; only the containers are copied, which
        costs a small fraction of saturating again."""
        other = object.__new__(Engine)
        other.__dict__.update(self.__dict__)
        other.coords = self.coords  # add_point replaces the array, never writes into it
        other.proved = dict(self.proved)
        other.tr = self.tr.fork()
        other.tables = {k: t.fork() for k, t in self.tables.items()}
        other._queue = list(self._queue)
        other._instances = list(self._instances)
        other._missing = list(self._missing)
        other._waiting = {f: list(ks) for f, ks in self._waiting.items()}
        other._seen = set(self._seen)
        other._big = {p: list(fs) for p, fs in self._big.items()}
        other.rule_fires = dict(self.rule_fires)
        other.rejected = list(self.rejected)
        other._false = set(self._false)
        other._true = set(self._true)
        other._targets = dict(self._targets)
        other._candidates = set(self._candidates)
        return other

    def _match(self, deadline: float) -> None:
        ix = self._index
        if ix is None:
            ix = NumericIndex(self.coords, self.scale, deadline)
        elif ix.n < self.n:  # after add_point: only the pairs and triples with a new point are measured
            ix = ix.extended(self.coords, deadline)
        self._index = ix  # complete: a match cut short by the deadline reuses it
        # after add_point, only instances that name a new point can be new
        for inst in instances(self.rules, ix, deadline=deadline, new_from=self._matched_points,
                              cache=self._match_cache, seen=self._seen):
            k = len(self._instances)
            self._instances.append(inst)
            missing = [f for f in dict.fromkeys(inst.premises) if f not in self.proved and not self._identity(f)]
            self._missing.append(len(missing))
            for f in missing:
                self._waiting.setdefault(f, []).append(k)
            if not missing:
                self._fire(inst)
        # a match cut short by the deadline is redone (new instances only) by the next saturate
        self._matched = time.perf_counter() <= deadline
        if self._matched:
            self._matched_points = self.n

    def saturate(self, goals: Iterable[Fact] = (), limits: Limits | None = None) -> Report:
        """Deduce until the goals are proved, nothing more follows, or a limit is hit."""
        limits = limits or Limits()
        t0 = time.perf_counter()
        deadline = t0 + limits.seconds
        goals = list(goals)
        report = Report(SATURATED, 0.0)
        if not self._matched:
            try:
                self._match(deadline)
            except OverBudget as e:  # a figure too large for the budget: say so, keep what is proved
                report.status, report.message = TIMEOUT, f"{e}; the budget was {limits.seconds:g} s"
                report.seconds = report.match_seconds = time.perf_counter() - t0
                report.facts = len(self.proved)
                return report
            report.match_seconds = time.perf_counter() - t0
        report.instances = len(self._instances)
        status = None
        while status is None:
            self._propagate()
            if all(g in self.proved for g in goals) and goals:
                status = SOLVED
                break
            if time.perf_counter() > deadline or len(self.proved) > limits.facts or report.rounds >= limits.rounds:
                status = TIMEOUT
                break
            t1 = time.perf_counter()
            new = self._ar_round(goals, deadline)
            report.ar_seconds += time.perf_counter() - t1
            report.ar_facts += new
            report.rounds += 1
            if not new:
                status = SOLVED if goals and all(g in self.proved for g in goals) else SATURATED
                if time.perf_counter() > deadline:
                    status = TIMEOUT if status != SOLVED else status
        report.status = status
        report.seconds = time.perf_counter() - t0
        report.facts = len(self.proved)
        report.rule_fires = dict(self.rule_fires)
        return report

    def _propagate(self) -> None:
        """Fire every instance whose premises are all proved, until nothing new."""
        while self._queue:
            f = self._queue.pop()
            for name in tables_of(f.pred):
                for k, eq in enumerate(self.tr.equations(f, name)):
                    self.tables[name].add(eq, (f, k))
            big = _SUBSET_PREDS.get(f.pred)
            if big is not None and len(f.args) > big:
                self._big[f.pred].append(f)
            for k in self._waiting.get(f, ()):
                self._missing[k] -= 1
                if self._missing[k] == 0:
                    self._fire(self._instances[k])

    def _fire(self, inst: Instance) -> None:
        for c in inst.conclusions:
            if c in self.proved:
                continue
            if not self.holds(c):
                self.rejected.append(c)
                continue
            if not self._identity(c):
                self._prove(c, Reason("rule", inst.premises, inst.rule, inst.binding))
            self.rule_fires[inst.rule.name] = self.rule_fires.get(inst.rule.name, 0) + 1

    def _identity(self, f: Fact) -> bool:
        """Whether ``f`` says a thing equals itself (AB = AB, AB ∥ AB, an angle or ratio equal to
        itself); if so it is proved, by AR with nothing cited ('identity'), rather than by
        whichever rule first concludes it.  Only facts that repeat a pair are translated."""
        if not PREDICATES[f.pred].equates or len(set(zip(f.args[::2], f.args[1::2]))) == len(f.args) // 2:
            return False
        for name, preds in CONCLUDES.items():
            try:
                if f.pred in preds and not self.tr.target(f, name):
                    self._prove(f, Reason("ar", (), table=name))
                    return True
            except ValueError:  # an angle equation off in a near-degenerate figure: no identity
                return False
        return False

    def _ar_candidates(self, facts: list[Fact]) -> set[tuple[Fact, str]]:
        """(fact, table) pairs whose target vanishes at a random solution of the table mod a
        large prime: all that the table implies, and with probability 1 - 1/p no others
        (``explain`` then decides exactly)."""
        from ddar.kernels import residues  # numba loads only when a figure is saturated

        out: set[tuple[Fact, str]] = set()
        for name, preds in CONCLUDES.items():
            todo = [f for f in facts if f.pred in preds and not (f.pred == "coll" and len(f.args) != 3)]
            if not todo:
                continue
            point = self.tables[name].random_point(self._free_value, _P)
            indptr, index, coef, values, slot = [0], [], [], [], {}
            kept = []
            for f in todo:
                try:
                    terms = self._target_mod_p(f, name)
                except ValueError:
                    # true within the figure's (size-relative) tolerance, yet as an angle equation
                    # off by more than AR allows: a near-degenerate figure; never proved
                    self._false.add(f)
                    continue
                kept.append(f)
                for v, c in terms:
                    if v not in slot:
                        slot[v] = len(values)
                        values.append(point[v] if v in point else self._free_value(v))
                    index.append(slot[v])
                    coef.append(c)
                indptr.append(len(index))
            res = residues(np.array(indptr, dtype=np.int64), np.array(index, dtype=np.int64),
                           np.array(coef, dtype=np.int64), np.array(values, dtype=np.int64), np.int64(_P))
            out.update((f, name) for f, r in zip(kept, res) if r == 0)
        return out

    def _target_mod_p(self, f: Fact, table: str) -> list[tuple[int, int]]:
        key = (f, table)
        t = self._targets.get(key)
        if t is None:
            expr = self.tr.target(f, table)
            t = self._targets[key] = [(v, c.numerator * pow(c.denominator, -1, _P) % _P) for v, c in expr.items()]
        return t

    @staticmethod
    def _free_value(v: int) -> int:
        """One fixed pseudo-random value per variable (splitmix64: deterministic across runs,
        and not linear in v, which would make d(ij) - d(ik) - d(lj) + d(lk) vanish)."""
        z = (v * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return (z ^ (z >> 31)) % _P or 1

    def _ar_round(self, goals: list[Fact], deadline: float) -> int:
        """Prove by AR (or as part of a larger proved fact) what instances and goals wait for."""
        new = 0
        wanted = [f for f in self._waiting if f not in self.proved and f not in self._false]
        wanted += [g for g in goals if g not in self.proved and g not in self._waiting]
        joined = {g: union_parts(g) for g in wanted if union_parts(g)}  # goals over many points
        wanted += [p for parts in joined.values() for p in parts if p not in self.proved and p not in wanted]
        for f in wanted:  # facts the loose matcher let through may be false: AR never looks at them
            if f not in self._true:
                (self._true if self.holds(f) else self._false).add(f)
        wanted = [f for f in wanted if f not in self._false]
        self._candidates = self._ar_candidates(wanted)
        # _ar_reason finds none for a fact with no (fact, table) among the candidates: a few of the
        # wanted have one, and only they are asked (each of four tables in turn otherwise)
        ar_possible = {f for f, _ in self._candidates}
        for k, f in enumerate(wanted):
            if k % 256 == 0 and time.perf_counter() > deadline:
                break
            reason = (self._ar_reason(f) if f in ar_possible else None) or self._subset_reason(f)
            if reason is not None:
                self._prove(f, reason)
                new += 1
        for g, parts in joined.items():
            if g not in self.proved and all(p in self.proved for p in parts):
                self._prove(g, Reason("union", tuple(parts)))
                new += 1
        return new

    def _ar_reason(self, f: Fact) -> Reason | None:
        """The first AR table (angle, ratio, distance, square) that implies ``f``, with the combination."""
        if f.pred == "coll" and len(f.args) != 3:
            return None
        for name, preds in CONCLUDES.items():
            if f.pred not in preds or (f, name) not in self._candidates:
                continue
            combo = self.tables[name].explain(self.tr.target(f, name))
            if combo is None:
                continue
            by_fact: dict[Fact, list[Fraction]] = {}
            for (g, k), c in combo.items():
                coefs = by_fact.setdefault(g, [Fraction(0)] * len(self.tr.equations(g, name)))
                coefs[k] = c
            uses = tuple(by_fact)
            return Reason("ar", uses, table=name, coefs=tuple(tuple(by_fact[g]) for g in uses))
        return None

    def _subset_reason(self, f: Fact) -> Reason | None:
        if f.pred not in _SUBSET_PREDS:
            return None
        for g in self._big[f.pred]:
            if f.pred == "circle" and g.args[0] != f.args[0]:
                continue
            if set(f.args) <= set(g.args):
                return Reason("subset", (g,))
        return None
