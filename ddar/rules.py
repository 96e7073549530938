"""The engine's deduction rules, read from a text file (``rules.txt`` beside this module).

Why the rules are a file of text and not Python code: a rule is a Horn clause
over the predicates of :mod:`ddar.predicates`, and the engine compiles the
whole set once into join plans (docs/ENGINE.md).  Kept as data, a rule can be
read by a geometer, diffed in a review, cited by name in a proof, and checked
by a test (tests/test_rules.py draws a figure for every rule and verifies it
numerically) without any of that depending on how matching is implemented.

Why this format: one rule per line, so a rule is a line to grep for and an
error is a line and a column::

    isosceles_base_angles: cong O A O B, ncoll O A B => eqangle O A A B A B O B

* ``name:`` a snake_case name, unique in the file, that says what the rule is;
* premises, separated by ``,``, then ``=>``, then one or more conclusions;
* an atom is a predicate name, its points as upper-case variables (``A``,
  ``P1``), and for ``aconst`` / ``rconst`` a constant (``pi/2``, ``1/2``);
  upper case keeps variables apart from predicate names at a glance and
  mirrors the lower-case point names of problems, which rules are matched to;
* ``#`` starts a comment.

The parser validates what the engine relies on, and says where a rule is
wrong as ``FILE:LINE:COL: error: ...``: known predicates with the right number
of points, no pair or triangle with a repeated variable, checks (``ncoll``,
``npara``, ``nperp``, ``sameside``, ``sameclock``, ``diff``: tested on the figure, never
derived) only among the premises, every variable of a conclusion or of a
check bound by a fact premise (so the join plan can enumerate it), unique
names.  Different variables may bind one point unless an atom needs them apart.

This module is part of the standalone engine: it imports nothing from
``geosolver``.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ddar.predicates import PREDICATES, PredicateSpec, distinct_groups

RULES_FILE = Path(__file__).with_name("rules.txt")
"""The bundled rule file."""

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_VAR_RE = re.compile(r"^[A-Z][A-Z0-9]*$")
_TOKEN_RE = re.compile(r"(=>)|([:,])|([A-Za-z0-9_/.+-]+)|(\S)")
_ANGLE_RE = re.compile(r"^(-?\d*)pi(?:/(\d+))?$")
_RATIO_RE = re.compile(r"^(\d+)(?:/(\d+))?$")


class RuleError(ValueError):
    """A malformed rule file; the message is ``FILE:LINE:COL: error: ...``."""

    def __init__(self, file: str, line: int, col: int, message: str, token: str | None = None):
        super().__init__(f"{file}:{line}:{col}: error: {message}")
        self.file, self.line, self.col, self.token = file, line, col, token
        self.message = message


@dataclass(frozen=True)
class Atom:
    """``pred`` over variables ``args``; ``value`` is aconst's angle (in units of pi) or rconst's ratio."""

    pred: str
    args: tuple[str, ...]
    value: Fraction | None = None

    @property
    def spec(self) -> PredicateSpec:
        return PREDICATES[self.pred]

    @property
    def is_check(self) -> bool:
        """A non-degeneracy condition: tested on the figure, never derived."""
        return self.spec.negative

    def __str__(self) -> str:
        parts = [self.pred, *self.args]
        if self.value is not None:
            parts.append(_format_value(self.pred, self.value))
        return " ".join(parts)


@dataclass(frozen=True)
class Rule:
    """A Horn clause: when every premise holds, every conclusion holds. ``line`` is its line in the file."""

    name: str
    premises: tuple[Atom, ...]
    conclusions: tuple[Atom, ...]
    line: int

    @property
    def variables(self) -> tuple[str, ...]:
        """Every variable, in order of first appearance."""
        seen: dict[str, None] = {}
        for atom in self.premises + self.conclusions:
            for v in atom.args:
                seen.setdefault(v, None)
        return tuple(seen)

    @property
    def checks(self) -> tuple[Atom, ...]:
        """The non-degeneracy premises (ncoll, npara, nperp, sameside, sameclock, diff)."""
        return tuple(a for a in self.premises if a.is_check)

    @property
    def facts(self) -> tuple[Atom, ...]:
        """The premises that are facts to match in the store."""
        return tuple(a for a in self.premises if not a.is_check)

    def __str__(self) -> str:
        prem = ", ".join(map(str, self.premises))
        concl = ", ".join(map(str, self.conclusions))
        return f"{self.name}: {prem} => {concl}"


def load_rules(path: str | os.PathLike | None = None) -> list[Rule]:
    """The rules of a rule file (default: the bundled ``rules.txt``), in file order.

    Raises RuleError, naming the file, line, column and token, for a
    malformed file; OSError if it cannot be read.
    """
    p = Path(path) if path is not None else RULES_FILE
    return parse_rules(p.read_text(encoding="utf-8"), str(p))


@functools.cache
def bundled_rules() -> tuple[Rule, ...]:
    """The bundled rules, parsed once per process (rules are immutable)."""
    return tuple(load_rules())


def parse_rules(text: str, file: str = "<string>") -> list[Rule]:
    """The rules in ``text``; ``file`` is the name used in error messages."""
    rules: list[Rule] = []
    first_line: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        code = raw.split("#", 1)[0]
        if not code.strip():
            continue
        rule, name_col = _LineParser(file, lineno, code).parse()
        if rule.name in first_line:
            raise RuleError(
                file, lineno, name_col,
                f"duplicate rule name '{rule.name}' (first defined on line {first_line[rule.name]})",
                rule.name,
            )
        first_line[rule.name] = lineno
        rules.append(rule)
    return rules


@dataclass(frozen=True)
class _Tok:
    text: str
    col: int  # 1-based


class _LineParser:
    def __init__(self, file: str, line: int, code: str):
        self.file, self.line, self.code = file, line, code
        self.toks = [_Tok(m.group(0), m.start() + 1) for m in _TOKEN_RE.finditer(code)]

    def err(self, tok: _Tok | None, message: str) -> RuleError:
        col = tok.col if tok is not None else len(self.code.rstrip()) + 1
        return RuleError(self.file, self.line, col, message, tok.text if tok else None)

    def parse(self) -> tuple[Rule, int]:
        toks = self.toks
        for t in toks:
            if t.text not in ("=>", ":", ",") and not _TOKEN_RE.fullmatch(t.text).group(3):
                raise self.err(t, f"unexpected character '{t.text}'")
        name = toks[0]
        if not _NAME_RE.match(name.text):
            raise self.err(name, f"a rule starts with its name (snake_case) and ':'; got '{name.text}'")
        if len(toks) < 2 or toks[1].text != ":":
            raise self.err(toks[1] if len(toks) > 1 else None, f"expected ':' after the rule name '{name.text}'")
        body = toks[2:]
        for t in body:
            if t.text == ":":
                raise self.err(t, "unexpected ':' (one rule per line, 'name: premises => conclusions')")
        arrows = [i for i, t in enumerate(body) if t.text == "=>"]
        if not arrows:
            raise self.err(None, "missing '=>' between the premises and the conclusions")
        if len(arrows) > 1:
            raise self.err(body[arrows[1]], "a second '=>' (one rule per line)")
        k = arrows[0]
        arrow = body[k]
        premises = self._atoms(body[:k], arrow, "premise")
        conclusions = self._atoms(body[k + 1:], arrow, "conclusion")
        self._validate(premises, conclusions)
        rule = Rule(name.text, tuple(a for a, _ in premises), tuple(a for a, _ in conclusions), self.line)
        return rule, name.col

    def _atoms(self, toks: list[_Tok], arrow: _Tok, what: str) -> list[tuple[Atom, list[_Tok]]]:
        groups: list[list[_Tok]] = [[]]
        seps: list[_Tok] = []
        for t in toks:
            if t.text == ",":
                groups.append([])
                seps.append(t)
            else:
                groups[-1].append(t)
        out = []
        for i, g in enumerate(groups):
            if not g:
                # point at what follows the missing atom: a comma, the arrow, or the line's end
                nxt = seps[i] if i < len(seps) else (arrow if what == "premise" else None)
                raise self.err(nxt, f"expected a {what}")
            out.append((self._atom(g), g))
        return out

    def _atom(self, toks: list[_Tok]) -> Atom:
        head, rest = toks[0], toks[1:]
        spec = PREDICATES.get(head.text)
        if spec is None:
            close = difflib.get_close_matches(head.text, PREDICATES, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise self.err(head, f"unknown predicate '{head.text}'{hint}")
        value = None
        if spec.value:
            if rest and not _VAR_RE.match(rest[-1].text):
                value = parse_value(spec.value, rest[-1].text)
                if value is None:
                    example = "pi/2 or 2pi/3" if spec.value == "angle" else "1/2 or 3"
                    msg = f"bad {spec.value} constant '{rest[-1].text}' for '{spec.name}' (write e.g. {example})"
                    raise self.err(rest[-1], msg)
                rest = rest[:-1]
            else:
                msg = f"'{spec.name}' needs {spec.arity_text()}; the {spec.value} constant is missing"
                raise self.err(head, msg)
        for t in rest:
            if not _VAR_RE.match(t.text):
                raise self.err(t, f"bad variable '{t.text}' (variables are upper-case names: A, B, P1)")
        n = len(rest)
        if (n < spec.points) if spec.variadic else (n != spec.points):
            raise self.err(head, f"wrong arity: '{spec.name}' takes {spec.arity_text()}, got {n}")
        self._distinct(spec.name, rest)
        return Atom(spec.name, tuple(t.text for t in rest), value)

    def _distinct(self, pred: str, args: list[_Tok]) -> None:
        for g in distinct_groups(pred, args):
            seen: set[str] = set()
            for t in g:
                if t.text in seen:
                    msg = f"'{pred}' repeats the variable '{t.text}' (a degenerate line, segment or triangle)"
                    raise self.err(t, msg)
                seen.add(t.text)

    def _validate(self, premises, conclusions) -> None:
        bound: set[str] = set()
        for atom, _ in premises:
            if not atom.is_check:
                bound.update(atom.args)
        if not bound:
            raise self.err(premises[0][1][0], "a rule needs at least one premise that is a fact, not only checks")
        for atom, toks in premises:
            if atom.is_check:
                for t in toks[1:len(atom.args) + 1]:
                    if t.text not in bound:
                        msg = f"variable '{t.text}' of the check '{atom.pred}' is not bound by a fact premise"
                        raise self.err(t, msg)
        for atom, toks in conclusions:
            if atom.is_check:
                msg = f"'{atom.pred}' is a non-degeneracy check: a premise only, never a conclusion"
                raise self.err(toks[0], msg)
            for t in toks[1:len(atom.args) + 1]:
                if t.text not in bound:
                    raise self.err(t, f"variable '{t.text}' of the conclusion is not bound by a premise")


def parse_value(kind: str, token: str) -> Fraction | None:
    """An angle ('pi/3', in units of pi) or ratio ('2/3') constant as written in rules and
    facts; None if the token is not one."""
    if kind == "angle":
        m = _ANGLE_RE.match(token)
        if not m:
            return None
        k, den = m.group(1), int(m.group(2) or 1)
        num = 1 if k == "" else (-1 if k == "-" else int(k))
        return Fraction(num, den) if den else None
    m = _RATIO_RE.match(token)
    if not m:
        return None
    num, den = int(m.group(1)), int(m.group(2) or 1)
    return Fraction(num, den) if num and den else None


def _format_value(pred: str, value: Fraction) -> str:
    if pred != "aconst":
        return str(value)
    num = {1: "", -1: "-"}.get(value.numerator, str(value.numerator))
    return f"{num}pi" + ("" if value.denominator == 1 else f"/{value.denominator}")
