"""The independent proof checker: is a ``proof.json`` (docs/PROOF_FORMAT.md) correct?

Why it is independent of the engine: a checker that reused the engine's AR
tables or matcher would accept whatever those got wrong.  This module shares
with the engine only what *defines* the problem -- the predicates, the
canonical form of facts (``ddar/facts.py``), numeric truth in the figure
(``ddar/numeric.py``, ``ddar/figure_facts.py``) and the rules as data
(``ddar/rules.txt``) -- and redoes the rest itself: it instantiates each cited
rule under the step's binding, translates facts to linear equations from the
tables of the format document (its own code, never ``ddar.algebra``) and
checks every AR combination in exact rational arithmetic.

It reads nothing off the figure that the proof does not state: what a step
needs from the figure (a rule's non-degeneracy checks, the order of points
along a line, the branch of an angle chase that divides) must be a figure
fact the step cites, and figure facts and every step's fact are evaluated on
the figure the caller rebuilt from the problem (``figure``), never trusting
the coordinates in the file.

``check_proof`` returns every problem it finds as a message naming the step;
it never raises on malformed input.
"""

from __future__ import annotations

import difflib
import math
import re
from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np

from ddar.facts import Fact
from ddar.figure_facts import CHECK_PREDS, FIGURE_PREDS, FigureFact, former_texts
from ddar.predicates import PREDICATES, distinct_groups
from ddar.rules import Atom, Rule, load_rules, parse_value

FORMAT = "geosolver-proof/2"

Var = tuple  # ('d', i, j) with i <= j, ('PI',), ('l', i, j), ('LOG', p)
Eq = dict[Var, Fraction]  # sum of coef * var, meaning 'expr = 0'

PI: Var = ("PI",)
_NUMBER_RE = re.compile(r"^[+-]?\d+(/\d+)?$")  # exact fractions only: no floats, no exponents
_FACTOR_LIMIT = 10**6  # trial division bound; larger prime factors are refused, not guessed
_MOVED = 1e-9  # a point farther than this (times the figure's size) from the rebuilt figure's has moved


class ProofRejected(Exception):
    """A proof that does not check; the message lists every error found."""


@cache
def _rules() -> dict[str, Rule]:
    return {r.name: r for r in load_rules()}


# --- facts as linear equations (the tables of docs/PROOF_FORMAT.md) -------------------------

def _eq(*terms: tuple[Any, Var]) -> Eq:
    """sum of coef * var, merging repeated variables and dropping zeros."""
    out: Eq = {}
    for c, v in terms:
        out[v] = out.get(v, Fraction(0)) + Fraction(c)
    return {v: c for v, c in out.items() if c}


def _minus(total: Eq, c: Fraction, e: Eq) -> Eq:
    """total - c * e."""
    return _eq(*((x, v) for v, x in total.items()), *((-c * x, v) for v, x in e.items()))


def _d(p: int, q: int) -> Var:
    return ("d", min(p, q), max(p, q))


def _l(p: int, q: int) -> Var:
    return ("l", min(p, q), max(p, q))


def _s(p: int, q: int) -> Var:
    return ("s", min(p, q), max(p, q))


def _factor(n: int) -> dict[int, int]:
    """Prime factorisation of n >= 1 by trial division (ratios in proofs are small)."""
    out: dict[int, int] = {}
    p = 2
    while p * p <= n:
        if p > _FACTOR_LIMIT:
            raise ValueError(f"cannot factor {n}: a prime factor is above {_FACTOR_LIMIT}")
        while n % p == 0:
            out[p] = out.get(p, 0) + 1
            n //= p
        p += 1 if p == 2 else 2
    if n > 1:
        out[n] = out.get(n, 0) + 1
    return out


def _log(r: Fraction) -> list[tuple[int, Var]]:
    """log r as sum_p e_p LOG(p), r = prod_p p^e_p."""
    terms = [(e, ("LOG", p)) for p, e in _factor(r.numerator).items()]
    return terms + [(-e, ("LOG", p)) for p, e in _factor(r.denominator).items()]


def equations(f: Fact, table: str) -> list[Eq] | None:
    """The equations a fact stands for in an AR table (None: not a fact of that table).

    Computed from the canonical form, so two spellings of one fact give one list.
    """
    a = f.args
    if table == "angle":
        if f.pred == "para":
            return [_eq((1, _d(a[0], a[1])), (-1, _d(a[2], a[3])))]
        if f.pred == "perp":
            return [_eq((1, _d(a[0], a[1])), (-1, _d(a[2], a[3])), (Fraction(-1, 2), PI))]
        if f.pred == "eqangle":
            return [_eq((1, _d(a[2], a[3])), (-1, _d(a[0], a[1])), (-1, _d(a[6], a[7])), (1, _d(a[4], a[5])))]
        if f.pred == "aconst":
            return [_eq((1, _d(a[2], a[3])), (-1, _d(a[0], a[1])), (-f.value, PI))]
        if f.pred == "coll":
            pairs = [(i, j) for i in range(len(a)) for j in range(i + 1, len(a)) if (i, j) != (0, 1)]
            return [_eq((1, _d(a[i], a[j])), (-1, _d(a[0], a[1]))) for i, j in pairs]
    elif table == "ratio":
        if f.pred == "cong":
            return [_eq((1, _l(a[0], a[1])), (-1, _l(a[2], a[3])))]
        if f.pred == "eqratio":
            return [_eq((1, _l(a[0], a[1])), (-1, _l(a[2], a[3])), (-1, _l(a[4], a[5])), (1, _l(a[6], a[7])))]
        if f.pred == "rconst":
            return [_eq((1, _l(a[0], a[1])), (-1, _l(a[2], a[3])), *((-e, v) for e, v in _log(f.value)))]
        if f.pred == "midp":
            m, p, q = a
            return [_eq((1, _l(m, p)), (-1, _l(m, q))), _eq((1, _l(m, p)), (-1, _l(p, q)), (1, ("LOG", 2)))]
    elif table == "square":
        if f.pred == "cong":
            return [_eq((1, _s(a[0], a[1])), (-1, _s(a[2], a[3])))]
        if f.pred == "rconst":
            return [_eq((1, _s(a[0], a[1])), (-f.value * f.value, _s(a[2], a[3])))]
        if f.pred == "midp":
            m, p, q = a
            return [_eq((1, _s(m, p)), (-1, _s(m, q))), _eq((1, _s(p, q)), (-4, _s(m, p)))]
        if f.pred == "perp":  # (a - b).(d - c) = 0; a pair of one point has length zero
            terms = [(1, a[0], a[2]), (1, a[1], a[3]), (-1, a[0], a[3]), (-1, a[1], a[2])]
            return [_eq(*((c, _s(p, q)) for c, p, q in terms if p != q))]
    return None


def target_equation(f: Fact, table: str) -> Eq | None:
    """The one equation of an AR conclusion (None: the table cannot conclude this fact)."""
    if f.pred == "coll":
        # Three points only: two lines through p0 with one direction are one line.
        if table != "angle" or len(f.args) != 3:
            return None
        p0, p1, p2 = f.args
        return _eq((1, _d(p0, p1)), (-1, _d(p0, p2)))
    if f.pred == "midp":
        return None
    eqs = equations(f, table)
    return eqs[0] if eqs else None


def _show(e: Eq, names: list[str]) -> str:
    """An equation's left side for a message, constants first: '1/2 PI - d(ab)'."""
    def var(v: Var) -> str:
        if v[0] in ("d", "l", "s"):
            p, q = names[v[1]], names[v[2]]
            return f"{v[0]}({p}{q})" if len(p) == len(q) == 1 else f"{v[0]}({p} {q})"
        return "PI" if v == PI else f"LOG({v[1]})"

    parts: list[str] = []
    for v in sorted(e, key=lambda v: (v[0] in ("d", "l", "s"), v)):
        c = e[v]
        term = ("" if abs(c) == 1 else f"{abs(c)} ") + var(v)
        parts.append(("-" if c < 0 else "") + term if not parts else f"{'-' if c < 0 else '+'} {term}")
    return " ".join(parts) or "0"


# --- reading the JSON ------------------------------------------------------------------------

def _number(x: Any, what: str) -> Fraction:
    if isinstance(x, str) and _NUMBER_RE.match(x.strip()):
        try:
            return Fraction(x.strip())
        except ZeroDivisionError:
            pass
    raise ValueError(f"{what} {x!r} is not an exact fraction like \"1/2\"")


def _fact(obj: Any, ids: dict[str, int]) -> Fact:
    """A JSON fact {pred, points, value} as a canonical Fact; ValueError says what is wrong."""
    if not isinstance(obj, dict):
        raise ValueError(f"a fact must be an object {{pred, points, value}}, got {obj!r}")
    pred, points, value = obj.get("pred"), obj.get("points"), obj.get("value")
    spec = PREDICATES.get(pred) if isinstance(pred, str) else None
    if spec is None:
        raise ValueError(f"unknown predicate {pred!r}")
    if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
        raise ValueError(f"{pred}: 'points' must be a list of point names")
    unknown = [p for p in points if p not in ids]
    if unknown:
        raise ValueError(f"{pred}: unknown point {unknown[0]!r}")
    if spec.value is None and value is not None:
        raise ValueError(f"{pred} takes no value, got {value!r}")
    v = _number(value, f"{pred} value") if spec.value else None
    return Fact.make(pred, [ids[p] for p in points], v)


def _read_text(text: Any, ids: dict[str, int]) -> Fact | None:
    """The fact a step's text states ('perp a b c d', 'aconst a b c d pi/3'), or None: what a
    reader sees must be what is checked."""
    try:
        pred, *rest = text.split()
        kind, value = PREDICATES[pred].value, None
        if kind:  # as the language writes it ('pi/3'), or a bare fraction of pi or ratio
            token = rest.pop()
            value = parse_value(kind, token)
            value = _number(token, "value") if value is None else value
        return Fact.make(pred, [ids[p] for p in rest], value)
    except (AttributeError, KeyError, ValueError, IndexError, ZeroDivisionError):
        return None


def _figure_fact(obj: Any, ids: dict[str, int]) -> FigureFact:
    """A JSON figure fact (ddar/figure_facts.py) as a FigureFact; ValueError says what is wrong."""
    if not isinstance(obj, dict):
        raise ValueError(f"a figure fact must be an object {{pred, points, value}}, got {obj!r}")
    pred, points, value = obj.get("pred"), obj.get("points"), obj.get("value")
    if not isinstance(pred, str) or pred not in FIGURE_PREDS:
        raise ValueError(f"{pred!r} is no figure fact ({', '.join(sorted(FIGURE_PREDS))})")
    if pred in CHECK_PREDS:
        f = _fact(obj, ids)
        return FigureFact(f.pred, f.args)
    if not isinstance(points, list) or not all(isinstance(p, str) and p in ids for p in points):
        raise ValueError(f"{pred}: 'points' must be a list of the figure's point names")
    args = tuple(ids[p] for p in points)
    if pred == "order":
        if len(args) < 3 or len(set(args)) != len(args) or value is not None:
            raise ValueError("order takes three or more different points and no value")
        return FigureFact(pred, args)
    if len(args) not in (4, 8) or any(args[k] == args[k + 1] for k in range(0, len(args), 2)):
        raise ValueError("angle_range takes 4 or 8 points, two different points per line")
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(f"angle_range value must be [low, high] in units of pi, got {value!r}")
    low, high = (_number(v, "angle_range bound") for v in value)
    if not 0 < high - low <= 1:
        raise ValueError(f"angle_range needs low < high <= low + 1, got {value!r}")
    return FigureFact(pred, args, (low, high))


def _angle_expr(x: FigureFact) -> Eq:
    """The directions an angle_range speaks of: d(p2p3) - d(p0p1) [- d(p6p7) + d(p4p5)]."""
    a = x.args
    terms = [(1, _d(a[2], a[3])), (-1, _d(a[0], a[1]))]
    if len(a) == 8:
        terms += [(-1, _d(a[6], a[7])), (1, _d(a[4], a[5]))]
    return _eq(*terms)


def _is_real(x: Any) -> bool:
    try:
        return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
    except OverflowError:  # an int too large for a float
        return False


# --- the checker -----------------------------------------------------------------------------

class _Checker:
    def __init__(self, proof: dict) -> None:
        self.proof = proof
        self.errors: list[str] = []
        self.names: list[str] = []
        self.ids: dict[str, int] = {}
        self.facts: dict[int, Fact] = {}  # step index -> its fact (steps whose fact parsed)
        self.figures: dict[int, FigureFact] = {}  # step index -> its figure fact (kind 'figure')
        self.kinds: dict[int, str] = {}  # step index -> its kind

    def err(self, msg: str) -> None:
        self.errors.append(msg)

    def text(self, f: Fact) -> str:
        return f.text(self.names)

    def facts_of(self, objs: Any, where: str) -> set[Fact] | None:
        if not isinstance(objs, list):
            self.err(f"{where}: must be a list of facts")
            return None
        out = set()
        for k, obj in enumerate(objs):
            try:
                out.add(_fact(obj, self.ids))
            except ValueError as e:
                self.err(f"{where} #{k + 1}: {e}")
        return out

    def run(self, premises: list[dict] | None, goals_given: list[dict] | None = None,
            figure: dict[str, Any] | None = None) -> list[str]:
        p = self.proof
        if not isinstance(p, dict):
            return [f"proof: must be a JSON object, got {type(p).__name__}"]
        if p.get("format") != FORMAT:
            self.err(f"proof: format is {p.get('format')!r}, expected {FORMAT!r}")
        if not self.read_points(p.get("points")):
            return self.errors
        if figure is not None and not self.use_figure(figure):
            return self.errors
        self.scale = p.get("scale")
        # the tolerance of every figure check follows the scale: it must be the figure's own
        # size, not a number that would let nearly collinear points pass for a triangle
        span = np.ptp(self.coords, axis=0).max() if len(self.coords) > 1 else 1.0
        size = float(span) if span > 1e-9 else 1.0
        if not _is_real(self.scale) or self.scale <= 0:
            self.err(f"proof: scale must be a positive number, got {self.scale!r}")
            self.scale = size
        elif abs(self.scale - size) > 1e-9 * size:
            self.err(f"proof: scale is {self.scale!r}, but the figure's size (largest extent of its points) is {size!r}")
            self.scale = size
        allowed = self.facts_of(p.get("premises"), "premises")
        if premises is not None:
            given = self.facts_of(premises, "premises argument")
            if allowed is not None and given is not None:
                for f in sorted(allowed - given):
                    self.err(f"premises: {self.text(f)} is not a premise of the problem")
                for f in sorted(given - allowed):
                    self.err(f"premises: the problem's premise {self.text(f)} is missing")
            allowed = given  # the independent reading is the authority
        goals = []
        if not isinstance(p.get("goals"), list) or not p["goals"]:
            self.err("goals: must be a non-empty list of facts")
        else:
            for k, g in enumerate(p["goals"], start=1):
                try:
                    goals.append(_fact(g, self.ids))
                except ValueError as e:
                    self.err(f"goals #{k}: {e}")
        if goals_given is not None:  # the problem's goals, read independently: the proof must prove them
            wanted = self.facts_of(goals_given, "goals argument")
            if wanted is not None and wanted != set(goals):
                said = ", ".join(self.text(g) for g in sorted(wanted))
                self.err(f"goals: the proof's goals are not the problem's ({said})")
        steps = p.get("steps")
        if not isinstance(steps, list) or not steps:
            self.err("steps: must be a non-empty list")
            return self.errors
        for pos, step in enumerate(steps, start=1):
            self.check_step(pos, step, allowed or set())
        proved = set(self.facts.values())
        for g in goals:
            if g not in proved:
                self.err(f"goals: no step proves the goal {self.text(g)}")
        return self.errors

    def read_points(self, points: Any) -> bool:
        if not isinstance(points, list) or not points:
            self.err("points: must be a non-empty list")
            return False
        xy = []
        for k, pt in enumerate(points, start=1):
            name = pt.get("name") if isinstance(pt, dict) else None
            if not isinstance(name, str) or not _is_real(pt.get("x")) or not _is_real(pt.get("y")):
                self.err(f"points #{k}: must be {{name, x, y, aux}} with a name and finite coordinates")
                return False
            if name in self.ids:
                self.err(f"points #{k}: the name {name!r} is repeated")
                return False
            self.ids[name] = len(self.names)
            self.names.append(name)
            xy.append((float(pt["x"]), float(pt["y"])))
        self.coords = np.array(xy, dtype=float)
        return True

    def use_figure(self, figure: dict[str, Any]) -> bool:
        """Take the coordinates of a figure rebuilt independently; the proof's points must be
        that figure's (a proof whose points were moved is refused)."""
        if set(figure) != set(self.names):
            missing = sorted(set(figure) - set(self.names))
            extra = sorted(set(self.names) - set(figure))
            self.err(f"points: not the points of the problem's figure (missing: {missing}, not in it: {extra})")
            return False
        rebuilt = np.array([[float(figure[n][0]), float(figure[n][1])] for n in self.names], dtype=float)
        span = float(np.ptp(rebuilt, axis=0).max()) if len(rebuilt) > 1 else 1.0
        moved = [n for n, a, b in zip(self.names, rebuilt, self.coords) if np.hypot(*(a - b)) > _MOVED * max(span, 1e-9)]
        for n in moved:
            self.err(f"points: {n} is not where the problem's figure puts it")
        self.coords = rebuilt
        return not moved

    def check_step(self, pos: int, step: Any, allowed: set[Fact]) -> None:
        if not isinstance(step, dict):
            self.err(f"step {pos}: must be an object")
            return
        kind = step.get("kind")
        label = {"rule": f"rule {step.get('rule')}", "ar": f"ar {step.get('table')}"}.get(str(kind), kind)
        where = f"step {pos} ({label})"
        if type(step.get("index")) is not int or step["index"] != pos:
            self.err(f"{where}: index is {step.get('index')!r}; steps are numbered 1, 2, ... in order")
        if kind == "figure":
            try:
                drawn = _figure_fact(step.get("fact"), self.ids)
            except ValueError as e:
                self.err(f"{where}: {e}")
                return
            if not drawn.holds(self.coords, self.scale):
                self.err(f"{where}: {drawn.text(self.names)} is false in the problem's figure")
            if step.get("text") not in (drawn.text(self.names), *former_texts(drawn.json(self.names))):
                self.err(f"{where}: its text {step.get('text')!r} is not its figure fact, {drawn.text(self.names)!r}")
            self.figures[pos] = drawn
            return
        try:
            fact = _fact(step.get("fact"), self.ids)
        except ValueError as e:
            self.err(f"{where}: {e}")
            return
        if not fact.holds(self.coords, self.scale):
            self.err(f"{where}: {self.text(fact)} is false in the figure")
        if _read_text(step.get("text"), self.ids) != fact:
            self.err(f"{where}: its text {step.get('text')!r} does not say its fact, {self.text(fact)}")
        if kind == "premise":
            if fact not in allowed:
                self.err(f"{where}: {self.text(fact)} is not among the premises")
        elif kind == "rule":
            self.check_rule(where, pos, step, fact)
        elif kind == "ar":
            self.check_ar(where, pos, step, fact)
        elif kind == "subset":
            self.check_subset(where, pos, step, fact)
        elif kind == "union":
            self.check_union(where, pos, step, fact)
        elif kind == "algebra":
            self.check_algebra(where, pos, step, fact)
        else:
            self.err(f"{where}: unknown step kind {kind!r} (premise, figure, rule, ar, subset, union or algebra)")
        self.facts[pos] = fact
        self.kinds[pos] = kind

    def used(self, where: str, pos: int, ref: Any) -> Fact | None:
        """The fact of an earlier step cited as ``ref`` (None, with an error if it is no earlier step)."""
        if not isinstance(ref, int) or isinstance(ref, bool) or not 1 <= ref < pos:
            self.err(f"{where}: uses {ref!r}, which is not an earlier step")
            return None
        if ref not in self.facts:  # a figure fact, or a malformed step: the use proves nothing
            what = "a figure fact, not a fact" if ref in self.figures else "an invalid step"
            self.err(f"{where}: uses step {ref}, {what}")
            return None
        return self.facts[ref]

    def drawn(self, where: str, pos: int, step: dict) -> set[FigureFact] | None:
        """The figure facts a step cites (its 'figure' list of earlier figure steps)."""
        refs = step.get("figure", [])
        if not isinstance(refs, list):
            self.err(f"{where}: figure must be a list of step numbers")
            return None
        out = set()
        for ref in refs:
            if not isinstance(ref, int) or isinstance(ref, bool) or not 1 <= ref < pos:
                self.err(f"{where}: cites {ref!r} as drawn, which is not an earlier step")
                return None
            if ref not in self.figures:
                what = "a fact, not a figure fact" if ref in self.facts else "an invalid step"
                self.err(f"{where}: cites step {ref} as drawn, but it is {what}")
                return None
            out.add(self.figures[ref])
        return out

    def check_rule(self, where: str, pos: int, step: dict, fact: Fact) -> None:
        name = step.get("rule")
        rule = _rules().get(name) if isinstance(name, str) else None
        if rule is None:
            close = difflib.get_close_matches(str(step.get("rule")), list(_rules()), n=1)
            self.err(f"{where}: unknown rule" + (f" (did you mean {close[0]!r}?)" if close else ""))
            return
        binding = step.get("binding")
        if not isinstance(binding, dict) or not all(isinstance(v, str) for v in binding.values()):
            self.err(f"{where}: binding must map rule variables to point names")
            return
        missing, extra = set(rule.variables) - set(binding), set(binding) - set(rule.variables)
        if missing or extra:
            self.err(f"{where}: binding must give exactly the variables {' '.join(rule.variables)}"
                     f" (missing: {sorted(missing)}, extra: {sorted(extra)})")
            return
        unknown = [p for p in binding.values() if p not in self.ids]
        if unknown:
            self.err(f"{where}: binding names unknown point {unknown[0]!r}")
            return
        for a in rule.premises + rule.conclusions:
            for group in distinct_groups(a.pred, a.args):
                pts = [binding[v] for v in group]
                if len(set(pts)) != len(pts):
                    self.err(f"{where}: {a} needs {' '.join(group)} to be different points, got {' '.join(pts)}")
                    return
        uses = step.get("uses")
        if not isinstance(uses, list):
            self.err(f"{where}: uses must be a list of step numbers")
            return
        cited = {f for f in (self.used(where, pos, u) for u in uses) if f is not None}

        def inst(a: Atom) -> Fact:
            return Fact.make(a.pred, [self.ids[binding[v]] for v in a.args], a.value)

        for a in rule.facts:
            if inst(a) not in cited:
                self.err(f"{where}: premise {a} = {self.text(inst(a))} is not the fact of any step it uses")
        drawn = self.drawn(where, pos, step)
        if drawn is None:
            return
        for a in rule.checks:
            f = inst(a)
            if FigureFact(f.pred, f.args) not in drawn:
                self.err(f"{where}: check {a} = {self.text(f)} is not a figure fact the step cites")
        conclusions = [inst(a) for a in rule.conclusions]
        if fact not in conclusions:
            said = ", ".join(self.text(c) for c in conclusions)
            self.err(f"{where}: {self.text(fact)} is not a conclusion of the rule (it concludes {said})")

    def check_ar(self, where: str, pos: int, step: dict, fact: Fact) -> None:
        table = step.get("table")
        if table not in ("angle", "ratio", "distance", "square"):
            self.err(f"{where}: table must be 'angle', 'ratio', 'distance' or 'square'")
            return
        uses = step.get("uses")
        if not isinstance(uses, list):  # empty: the fact is an identity (eqangle a b c d a b c d)
            self.err(f"{where}: uses must be a list of {{step, coefs}}")
            return
        drawn = self.drawn(where, pos, step)
        if drawn is None:
            return
        orders = {frozenset(x.args): x.args for x in drawn if x.pred == "order"}
        denominators = 1  # lcm of the coefficients' denominators: an angle chase divides by it
        try:  # a ValueError is a malformed use, an unusable fact or an unfactorable ratio
            if table == "distance":
                target = self.distance_equations(fact, orders, target=True)
            else:
                target = target_equation(fact, table)
            if target is None:
                raise ValueError(f"the {table} table cannot conclude {self.text(fact)}")
            total = target
            for u in uses:
                if not isinstance(u, dict) or not isinstance(u.get("coefs"), list):
                    raise ValueError(f"each use must be {{step, coefs}}, got {u!r}")
                f = self.used(where, pos, u.get("step"))
                if f is None:
                    return
                eqs = self.distance_equations(f, orders) if table == "distance" else equations(f, table)
                if eqs is None:
                    raise ValueError(f"step {u['step']} ({self.text(f)}) is not a fact of the {table} table")
                if len(u["coefs"]) != len(eqs):
                    raise ValueError(f"step {u['step']} ({self.text(f)}) has {len(eqs)} equation(s),"
                                     f" got {len(u['coefs'])} coefficient(s)")
                for c, e in zip(u["coefs"], eqs):
                    c = _number(c, "coefficient")
                    denominators = math.lcm(denominators, c.denominator)
                    total = _minus(total, c, e)
        except ValueError as e:
            self.err(f"{where}: {e}")
            return
        if table == "angle":
            self.check_angle_branch(where, total, target, denominators, drawn)
        elif total:
            self.err(f"{where}: the combination leaves {_show(total, self.names)}")

    def check_angle_branch(self, where: str, total: Eq, target: Eq, q: int, drawn: set[FigureFact]) -> None:
        """Angle facts hold mod pi.  ``total`` = target - combination must be a multiple of PI:
        then q * target = 0 mod pi (q the coefficients' common denominator), so the target holds
        when q = 1, and otherwise exactly when the figure puts its angle on the right one of q
        branches: a cited angle_range on the target's angle, around its constant, narrower than
        the distance to the next branch (pi/q each way)."""
        rest = {v: c for v, c in total.items() if v != PI}
        if rest:
            self.err(f"{where}: the combination leaves {_show(total, self.names)}")
            return
        left = total.get(PI, Fraction(0))  # target = combination + left * PI
        if (left * q).denominator != 1:
            self.err(f"{where}: the combination leaves {_show(total, self.names)}, not a multiple of PI"
                     + (f"/{q}" if q > 1 else ""))
            return
        if q == 1:
            return
        angle = {v: c for v, c in target.items() if v != PI}
        constant = -target.get(PI, Fraction(0))  # the target says: angle = constant * PI (mod PI)
        for x in drawn:
            if x.pred != "angle_range" or _angle_expr(x) != angle:
                continue
            low, high = x.value
            shift = math.floor(constant - low)  # the constant, moved by whole turns to just above low
            c = constant - shift
            if low < c < high and c - low <= Fraction(1, q) and high - c <= Fraction(1, q):
                return
        self.err(f"{where}: the angle chase divides by {q} (coefficients with denominator {q}), so"
                 f" {_show(angle, self.names)} is known only up to a multiple of pi/{q}; no figure fact it"
                 " cites puts it on the right branch")

    def distance_equations(self, f: Fact, orders: dict, target: bool = False) -> list[Eq] | Eq | None:
        """Equations of a fact in the distance table (variables l(pq) are lengths here, not
        logs).  Lengths add up along a line in the order of its points that a cited figure fact
        states (``orders``: point set -> points in order).  With ``target``, the one equation a
        conclusion stands for (cong, rconst, or a coll of three points)."""
        a, one = f.args, Fraction(1)
        # what the table concludes: cong, rconst, and three points in their order (AB + BC = AC)
        if target and not (f.pred in ("cong", "rconst") or (f.pred == "coll" and len(a) == 3)):
            return None
        eqs: list[Eq] | None = None
        if f.pred == "cong":
            eqs = [_eq((1, _l(a[0], a[1])), (-1, _l(a[2], a[3])))]
        elif f.pred == "rconst":
            eqs = [_eq((1, _l(a[0], a[1])), (-f.value, _l(a[2], a[3])))]
        elif f.pred == "midp":
            m, p, q = a
            eqs = [_eq((1, _l(m, p)), (-1, _l(m, q))), _eq((1, _l(m, p)), (1, _l(m, q)), (-1, _l(p, q)))]
        elif f.pred == "coll":
            line = orders.get(frozenset(a))
            if line is None:
                raise ValueError(f"it adds lengths along {self.text(f)} without citing the order of its points")
            eqs = []
            for i in range(len(line)):
                for j in range(i + 2, len(line)):
                    parts = [(-one, _l(line[t], line[t + 1])) for t in range(i, j)]
                    eqs.append(_eq((one, _l(line[i], line[j])), *parts))
        if target:
            return eqs[0] if eqs else None
        return eqs

    def check_subset(self, where: str, pos: int, step: dict, fact: Fact) -> None:
        uses = step.get("uses")
        if not isinstance(uses, list) or len(uses) != 1:
            self.err(f"{where}: a subset step uses exactly one step")
            return
        whole = self.used(where, pos, uses[0])
        if whole is None:
            return
        if fact.pred not in ("coll", "cyclic", "circle") or fact.pred != whole.pred:
            self.err(f"{where}: {self.text(fact)} is no coll, cyclic or circle subset of {self.text(whole)}")
        elif fact.pred == "circle" and fact.args[0] != whole.args[0]:
            self.err(f"{where}: {self.text(fact)} has another centre than {self.text(whole)}")
        else:
            k = 1 if fact.pred == "circle" else 0  # a circle's centre is not a point on it
            extra = sorted(set(fact.args[k:]) - set(whole.args[k:]))
            if extra:
                extra_names = " ".join(self.names[i] for i in extra)
                self.err(f"{where}: {self.text(fact)} has points ({extra_names}) not in {self.text(whole)}")

    def check_algebra(self, where: str, pos: int, step: dict, fact: Fact) -> None:
        """Wu's method's certificate, replayed with our own arithmetic (ddar/check_algebra.py);
        its hypotheses are the premise steps it uses."""
        from ddar.check_algebra import check_algebra

        uses = step.get("uses")
        if not isinstance(uses, list):
            self.err(f"{where}: uses must be a list of step numbers")
            return
        cited = {u: self.used(where, pos, u) for u in uses}
        premises = {u for u, f in cited.items() if f is not None and self.kinds.get(u) == "premise"}
        if len(premises) != len(uses):
            self.err(f"{where}: an algebraic step uses premise steps only")
            return
        figure = {n: (float(x), float(y)) for n, (x, y) in zip(self.names, self.coords)}
        for e in check_algebra(step.get("certificate"), fact, self.names, figure,
                               lambda ref: self.facts[ref] if ref in premises else None):
            self.err(f"{where}: {e}")

    def check_union(self, where: str, pos: int, step: dict, fact: Fact) -> None:
        """A coll, cyclic or circle fact over the points of the facts it uses, which share a line
        (two points), a circle (three points, not collinear: a cited figure fact) or a centre
        and a radius (the centre and one point)."""
        uses = step.get("uses")
        if not isinstance(uses, list) or len(uses) < 2:
            self.err(f"{where}: a union step uses two steps or more")
            return
        parts = [self.used(where, pos, u) for u in uses]
        if any(p is None for p in parts):
            return
        if fact.pred not in ("coll", "cyclic", "circle") or any(p.pred != fact.pred for p in parts):
            self.err(f"{where}: {self.text(fact)} is no union of coll, cyclic or circle facts of its own kind")
            return
        k = 1 if fact.pred == "circle" else 0  # a circle's centre is not a point on it
        if fact.pred == "circle" and any(p.args[0] != fact.args[0] for p in parts):
            self.err(f"{where}: the circles it joins do not all have the centre of {self.text(fact)}")
            return
        union = set().union(*(p.args[k:] for p in parts))
        if union != set(fact.args[k:]):
            self.err(f"{where}: {self.text(fact)} is not the union of the points of the facts it uses")
            return
        common = sorted(set.intersection(*(set(p.args[k:]) for p in parts)))
        need = {"coll": 2, "cyclic": 3, "circle": 1}[fact.pred]
        if len(common) < need:
            self.err(f"{where}: the facts it joins share {len(common)} points; {need} are needed to make one "
                     f"{'line' if fact.pred == 'coll' else 'circle'}")
            return
        if fact.pred == "cyclic":
            drawn = self.drawn(where, pos, step)
            if drawn is not None and not any(x.pred == "ncoll" and set(x.args) <= set(common) and len(x.args) == 3
                                             for x in drawn):
                names = " ".join(self.names[i] for i in common[:3])
                self.err(f"{where}: three points the circles share must be cited as not collinear (ncoll {names})")


def check_proof(proof: dict, premises: list[dict] | None = None, goals: list[dict] | None = None,
                figure: dict[str, Any] | None = None) -> list[str]:
    """Every error in ``proof`` (empty: accepted).

    ``premises``: the problem's premises as JSON facts, read independently of
    the proof; premise steps must be among them.  ``goals``: the problem's
    goals, likewise; the proof's goals must be exactly these.  ``figure``: the
    problem's figure rebuilt independently (point name -> (x, y)); the proof's
    points must be its points, and every fact and figure fact is evaluated on
    it.  Without them the proof's own fields are trusted
    (``geosolver.verify.check_saved`` rebuilds all three from the problem text).
    """
    try:
        return _Checker(proof).run(premises, goals, figure)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError) as e:
        # A last guard: malformed input must give a message, never an exception.
        return [f"proof: malformed ({type(e).__name__}: {e})"]


def verify(proof: dict, premises: list[dict] | None = None, goals: list[dict] | None = None,
           figure: dict[str, Any] | None = None) -> None:
    """Raise ProofRejected, listing every error, unless the proof checks."""
    errors = check_proof(proof, premises, goals, figure)
    if errors:
        raise ProofRejected("\n".join(errors))
