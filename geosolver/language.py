"""The problem language (AlphaGeometry's), parsed with exact error locations.

A problem file holds name lines and problem lines; a problem line is

    a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c

clauses separated by ';', each declaring new points before '=' and listing
constructions separated by ','; an optional goal after '?'.  A construction
may omit the clause's own points (``a b c = triangle``).  docs/LANGUAGE.md is
the user's reference.
"""

from __future__ import annotations

import errno
import math
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ddar.predicates import PREDICATES
from geosolver.constructions import CONSTRUCTIONS, Construction
from geosolver.errors import GeoError, Location, clip
from geosolver.statement import Statement, parse_angle, parse_ratio

MAX_POINTS = 500
MAX_COORDINATE = 1e6  # beyond this, squared lengths of the numeric checks lose all precision
"""A problem with more points than this is refused (a figure that size is not a problem)."""

_TOKEN_RE = re.compile(r"\s*(?:([=,;?])|([^\s=,;?]+))")
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_']*$")
_CONS_RE = re.compile(r"^[A-Za-z0-9_]+$")
_FLOAT = r"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?"
_DECL_RE = re.compile(rf"^([A-Za-z][A-Za-z0-9_']*)@({_FLOAT})_({_FLOAT})$")


@dataclass(frozen=True)
class Token:
    text: str
    col: int  # 1-based column in the source line


@dataclass
class PointDecl:
    name: str
    col: int
    at: tuple[float, float] | None = None  # coordinates fixed by the user (name@x_y)


@dataclass
class Call:
    """One construction in a clause, with every argument resolved."""

    name: str
    points: dict[str, str]  # the construction's argument name -> the problem's point name
    numbers: dict[str, float]  # numeric argument name -> value (degrees)
    col: int
    text: str

    @property
    def construction(self) -> Construction:
        return CONSTRUCTIONS[self.name]

    def args(self) -> list[str]:
        c = self.construction
        return [self.points[a] if a in self.points else _fmt_number(self.numbers[a]) for a in c.args]

    def facts(self) -> list[Statement]:
        """The facts this construction asserts, over the problem's point names."""
        c = self.construction
        return c.instantiate(c.asserts, {**self.points, **self.numbers})

    def requirements(self) -> list[Statement]:
        c = self.construction
        return c.instantiate(c.requires, {**self.points, **self.numbers})

    def __str__(self) -> str:
        return " ".join([self.name, *self.args()])


def _fmt_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


@dataclass
class Clause:
    points: list[PointDecl]
    calls: list[Call]
    text: str
    col: int
    index: int  # 1-based position in the problem

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.points]

    def __str__(self) -> str:
        decls = [d.name if d.at is None else f"{d.name}@{d.at[0]!r}_{d.at[1]!r}" for d in self.points]
        return " ".join(decls) + " = " + ", ".join(str(c) for c in self.calls)


@dataclass
class Goal:
    statement: Statement
    col: int
    text: str


@dataclass
class Problem:
    name: str
    clauses: list[Clause]
    goals: list[Goal] = field(default_factory=list)
    file: str = "<text>"
    line: int = 1
    text: str = ""

    @property
    def points(self) -> list[str]:
        return [n for c in self.clauses for n in c.names]

    @property
    def goal(self) -> Statement | None:
        return self.goals[0].statement if self.goals else None

    def premises(self) -> list[Statement]:
        """Every fact the constructions assert, in clause order."""
        return [f for c in self.clauses for call in c.calls for f in call.facts()]

    def location(self, col: int = 1, clause: Clause | None = None, token: str | None = None) -> Location:
        return Location(
            self.file, self.line, col, self.name, clause.text if clause else None, token, self.text
        )

    def __str__(self) -> str:
        s = "; ".join(str(c) for c in self.clauses)
        if self.goals:
            s += " ? " + "; ".join(str(g.statement) for g in self.goals)
        return s


# --- tokens -----------------------------------------------------------------


def _tokenize(text: str, where) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:  # only trailing white space is left
            break
        if m.end() == pos:
            break
        tok = m.group(1) or m.group(2)
        if tok is None:
            break
        col = m.start(1 if m.group(1) else 2) + 1
        bad = next((ch for ch in tok if not (ch.isascii() and ch.isprintable())), None)
        if bad is not None:
            raise GeoError(f"unexpected character {bad!r} (U+{ord(bad):04X})", where(col + tok.index(bad), None, bad))
        tokens.append(Token(tok, col))
        pos = m.end()
    return tokens


@dataclass
class _Part:
    """Tokens between separators, with the separators around them (for error columns)."""

    tokens: list[Token]
    before: Token | None
    after: Token | None

    def gap(self) -> Token:
        """Where an empty part is: at the separator that ends it, or the one before it."""
        return self.after or self.before  # type: ignore[return-value]


def _split(tokens: list[Token], sep: str) -> list[_Part]:
    parts, cur, before = [], [], None
    for t in tokens:
        if t.text == sep:
            parts.append(_Part(cur, before, t))
            cur, before = [], t
        else:
            cur.append(t)
    parts.append(_Part(cur, before, None))
    return parts


# --- problems -----------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, name: str, file: str, line: int, col0: int):
        self.text, self.name, self.file, self.line, self.col0 = text, name, file, line, col0
        self.defined: list[str] = []
        self.clause_text: str | None = None

    def where(self, col: int, clause_text: str | None = None, token: str | None = None) -> Location:
        return Location(
            self.file, self.line, col + self.col0, self.name, clause_text or self.clause_text, token, self._source()
        )

    def _source(self) -> str:
        return " " * self.col0 + self.text

    def err(self, msg: str, tok: Token | None, end_col: int | None = None, kind: str = "syntax") -> GeoError:
        col = tok.col if tok else (end_col or len(self.text) + 1)
        return GeoError(msg, self.where(col, token=tok.text if tok else None), kind)

    def parse(self) -> Problem:
        tokens = _tokenize(self.text, lambda c, ct, t: self.where(c, ct, t))
        if not tokens:
            raise GeoError("empty problem: expected clauses like 'a b c = triangle a b c'", self.where(1))
        questions = [t for t in tokens if t.text == "?"]
        if len(questions) > 1:
            raise self.err("a problem has one '?': the goal comes after the first", questions[1])
        body, goal_tokens = tokens, None
        if questions:
            i = tokens.index(questions[0])
            body, goal_tokens = tokens[:i], tokens[i + 1 :]
            if not goal_tokens:
                raise self.err("expected a goal after '?', e.g. '? perp a h b c'", None, questions[0].col + 1)
        if not body:
            raise self.err("expected clauses before '?'", questions[0])
        clauses = []
        for part in _split(body, ";"):
            clauses.append(self._clause(part, len(clauses) + 1))
        problem = Problem(self.name, clauses, [], self.file, self.line, self._source())
        if goal_tokens is not None:
            self.clause_text = None
            for part in _split(goal_tokens, ";"):
                problem.goals.append(self._goal(part))
        return problem

    def parse_clause(self, defined: list[str], index: int) -> Clause:
        """This text as one more clause of a problem whose points are ``defined``."""
        self.defined = list(defined)
        tokens = _tokenize(self.text, lambda c, ct, t: self.where(c, ct, t))
        stray = next((t for t in tokens if t.text in (";", "?")), None)
        if stray is not None:
            raise self.err(f"expected one clause, without '{stray.text}'", stray)
        return self._clause(_Part(tokens, None, None), index)

    def _span(self, part: list[Token]) -> str:
        return self.text[part[0].col - 1 : part[-1].col - 1 + len(part[-1].text)]

    def _clause(self, sep: _Part, index: int) -> Clause:
        part = sep.tokens
        if not part:
            self.clause_text = None
            raise self.err("empty clause between ';'", sep.gap())
        self.clause_text = self._span(part)
        eq = [t for t in part if t.text == "="]
        if not eq:
            raise self.err("expected '=' after the new point names (a clause is 'x y = construction args')", part[0])
        if len(eq) > 1:
            raise self.err("a clause has one '='; separate clauses with ';'", eq[1])
        i = part.index(eq[0])
        decl_toks, rhs = part[:i], part[i + 1 :]
        if not decl_toks:
            raise self.err("expected the names of the new points before '='", eq[0])
        for t in decl_toks:
            if t.text == ",":
                raise self.err("point names before '=' are separated by spaces, not ','", t)
        decls = []
        for t in decl_toks:
            d = self._decl(t)
            if d.name in [x.name for x in decls]:
                raise self.err(f"point {d.name!r} is declared twice in this clause", t, kind="construction")
            decls.append(d)
        if len(self.defined) + len(decls) > MAX_POINTS:
            raise self.err(f"too many points: a problem may have at most {MAX_POINTS}", decl_toks[0])
        if not rhs:
            raise self.err("expected a construction after '='", None, eq[0].col + 1)
        names = [d.name for d in decls]
        calls = [self._call(c, names, eq[0]) for c in _split(rhs, ",")]
        multi = [c for c in calls if len(c.construction.outputs) > 1 or not c.construction.inputs]
        if multi and len(calls) > 1:
            c = multi[0]
            raise GeoError(
                f"construction '{c.name}' makes points by itself and cannot be combined with others in one clause",
                self.where(c.col - self.col0, token=c.name), "construction",
            )
        self.defined.extend(names)
        clause = Clause(decls, calls, self.clause_text, part[0].col + self.col0, index)
        return clause

    def _decl(self, t: Token) -> PointDecl:
        m = _DECL_RE.match(t.text)
        if m:
            name, at = m.group(1), (float(m.group(2)), float(m.group(3)))
            if not all(math.isfinite(v) and abs(v) <= MAX_COORDINATE for v in at):
                raise self.err(f"coordinates of {name!r} out of range: each must be a finite number within "
                               f"±{MAX_COORDINATE:g} (figures are drawn at a scale of about 1)", t)
        elif "@" in t.text:
            raise self.err(f"bad point coordinates in {t.text!r}: write name@x_y, e.g. a@1.5_-2", t)
        elif _NAME_RE.match(t.text):
            name, at = t.text, None
        else:
            raise self.err(f"bad point name {t.text!r}: a name is a letter followed by letters or digits", t)
        if name in CONSTRUCTIONS or name in PREDICATES:
            raise self.err(f"point name {name!r} is the name of a construction or predicate", t)
        if name in self.defined:
            raise self.err(f"point {name!r} is already defined", t, kind="construction")
        return PointDecl(name, t.col + self.col0, at)

    def _call(self, sep: _Part, names: list[str], eq: Token) -> Call:
        toks = sep.tokens
        if not toks:
            raise self.err("empty construction between ','", sep.gap() or eq)
        head, args = toks[0], toks[1:]
        if head.text in ("=", "?", ";"):
            raise self.err(f"unexpected {head.text!r}", head)
        c = CONSTRUCTIONS.get(head.text)
        if c is None:
            hint = _closest(head.text, CONSTRUCTIONS)
            extra = f" (did you mean '{hint}'?)" if hint else ""
            raise self.err(f"unknown construction {head.text!r}{extra}", head, kind="construction")
        n_all, n_out = len(c.args), len(c.outputs)
        if len(args) == n_all:
            full = list(args)
        elif len(args) == n_all - n_out and len(names) == n_out and not any(a.text in names for a in args):
            # the shorthand: the clause's own points fill the construction's output slots
            it_names, it_args = iter(names), iter(args)
            full = [Token(next(it_names), head.col) if a in c.outputs else next(it_args) for a in c.args]
        else:
            raise self.err(
                f"construction '{c.name}' takes {n_all} arguments ({' '.join(c.args)}), got {len(args)}",
                args[n_all] if len(args) > n_all else head, kind="construction",
            )
        points: dict[str, str] = {}
        numbers: dict[str, float] = {}
        for slot, tok in zip(c.args, full):
            if slot in c.numbers:
                v = parse_angle(tok.text)
                if v is None or abs(v) > 1000:
                    raise self.err(f"argument {slot} of '{c.name}' is an angle (degrees: 60, 108o; or 2pi/3); "
                                   f"got {tok.text!r}", tok)
                numbers[slot] = float(v * 180)
                continue
            if not _NAME_RE.match(tok.text):
                raise self.err(f"expected a point name for argument {slot} of '{c.name}', got {tok.text!r}", tok)
            if slot in c.outputs:
                if tok.text not in names:
                    raise self.err(
                        f"'{c.name}' creates its argument {slot}, so it must be a point of this clause"
                        f" ({' '.join(names)}); got {tok.text!r} (written in full, '{c.name}' takes"
                        f" {n_all} arguments: {' '.join(c.args)}; without its new points, {n_all - n_out})",
                        tok, kind="construction",
                    )
            elif tok.text in names:
                raise self.err(
                    f"point {tok.text!r} is being defined by this clause and cannot be an input of '{c.name}'",
                    tok, kind="construction",
                )
            elif tok.text not in self.defined:
                raise self.err(f"point {tok.text!r} is not defined yet", tok, kind="construction")
            points[slot] = tok.text
        made = [points[o] for o in c.outputs]
        if sorted(made) != sorted(names) or len(set(made)) != len(made):
            raise self.err(
                f"'{c.name}' defines {' '.join(made)}, but the clause declares {' '.join(names)}",
                head, kind="construction",
            )
        call = Call(c.name, points, numbers, head.col + self.col0, self._span(toks))
        for req in call.requirements():
            if req.pred in ("diff", "ncoll", "npara", "nperp") and len(set(req.points)) < _needed_distinct(req):
                raise self.err(
                    f"'{c.name}' needs {req} (non-degenerate inputs), which fails with repeated points",
                    head, kind="construction",
                )
        return call

    def _goal(self, sep: _Part) -> Goal:
        part = sep.tokens
        if not part:
            raise self.err("empty goal between ';'", sep.gap())
        head, args = part[0], part[1:]
        spec = PREDICATES.get(head.text)
        if spec is None and head.text in CONSTRUCTIONS:
            raise self.err(f"'{head.text}' is a construction, not a predicate a goal can state"
                           + (": write eqangle x a x b d e d f" if head.text == "eqangle3" else ""), head)
        if spec is None:
            hint = _closest(head.text, PREDICATES)
            extra = f" (did you mean '{hint}'?)" if hint else ""
            raise self.err(f"unknown predicate {head.text!r} in the goal{extra}", head)
        pts, rest = (args, []) if spec.variadic else (args[: spec.points], args[spec.points :])
        if spec.value:
            pts, rest = args[: spec.points], args[spec.points :]
        if len(pts) < spec.points or (not spec.variadic and len(pts) != spec.points):
            raise self.err(f"'{spec.name}' takes {spec.arity_text()}, got {len(args)} arguments", head)
        for t in pts:
            if t.text in ("=", ","):
                raise self.err(f"unexpected {t.text!r} in the goal", t)
            if not _NAME_RE.match(t.text):
                raise self.err(f"expected a point name in the goal, got {t.text!r}", t)
            if t.text not in self.defined:
                raise self.err(f"point {t.text!r} in the goal is not defined", t, kind="construction")
        value = None
        if spec.value:
            if not rest:
                raise self.err(f"'{spec.name}' needs a constant after its 4 points", None, part[-1].col + len(part[-1].text))
            vtext = " ".join(t.text for t in rest)
            if spec.value == "angle" and len(rest) == 1:
                value = parse_angle(rest[0].text)
            elif spec.value == "ratio" and len(rest) in (1, 2):
                value = parse_ratio(rest[0].text if len(rest) == 1 else f"{rest[0].text}/{rest[1].text}")
            if value is None:
                example = "2pi/3 or 60 (degrees)" if spec.value == "angle" else "1/2"
                raise self.err(f"bad {spec.value} constant {vtext!r}: write e.g. {example}", rest[0])
        elif rest:
            raise self.err(f"'{spec.name}' takes {spec.arity_text()}, got {len(args)} arguments", rest[0])
        return Goal(Statement(spec.name, tuple(t.text for t in pts), value), head.col + self.col0, self._span(part))


def _needed_distinct(req: Statement) -> int:
    # diff a b needs 2 distinct, ncoll needs 3, npara/nperp need each pair distinct
    if req.pred in ("npara", "nperp"):
        p = req.points
        same_line = req.pred == "npara" and {p[0], p[1]} == {p[2], p[3]}  # a line is parallel to itself
        return 4 if p[0] == p[1] or p[2] == p[3] or same_line else 0
    return len(req.points) if req.pred != "ncoll" else 3


def _closest(word: str, options) -> str | None:
    import difflib

    hits = difflib.get_close_matches(word, list(options), n=1, cutoff=0.75)
    return hits[0] if hits else None


def point_names(n: int) -> list[str]:
    """The canonical names of the first ``n`` points: a .. z, then a1 .. z1, a2 .. z2, ..."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [letters[i % 26] + (str(i // 26) if i >= 26 else "") for i in range(n)]


def renamed_clause(clause: Clause, rename: dict[str, str]) -> str:
    """A clause's text with its points renamed (and fixed coordinates dropped)."""
    calls = ", ".join(" ".join([c.name, *(rename.get(a, a) for a in c.args())]) for c in clause.calls)
    return f"{' '.join(rename[n] for n in clause.names)} = {calls}"


def parse_problem(text: str, name: str = "problem", file: str = "<text>", line: int = 1, col0: int = 0) -> Problem:
    """Parse one problem line; raises GeoError with the exact location of any mistake."""
    return _Parser(text, name, file, line, col0).parse()


def add_clause(problem: Problem, clause: str) -> Problem:
    """The problem with one more clause before its goals (an auxiliary construction), which may
    only use the problem's points.  Only the clause is parsed; GeoError locates a mistake in it."""
    head, _, goals = (problem.text or str(problem)).partition("?")
    text = f"{head.strip()}; {clause.strip()}" + (f" ? {goals.strip()}" if goals.strip() else "")
    parser = _Parser(clause.strip(), problem.name, problem.file, problem.line, 0)
    parsed = parser.parse_clause(problem.points, len(problem.clauses) + 1)
    return Problem(problem.name, [*problem.clauses, parsed], list(problem.goals), problem.file, problem.line, text)


# --- files ------------------------------------------------------------------


@dataclass
class Entry:
    """A problem as found in a file, before parsing."""

    name: str
    text: str
    file: str
    line: int
    col0: int = 0  # leading spaces stripped from the problem line


def _is_problem_line(s: str) -> bool:
    return "=" in s or "?" in s


def read_entries(text: str, file: str = "<text>") -> list[Entry]:
    """Split a problem file into (name, problem line) entries.

    Blank lines and '#' comments are skipped; a name line (no '=' or '?') names the
    problem line after it; a problem line with no name before it is named
    after its line number.
    """
    entries: list[Entry] = []
    pending: tuple[str, int, str] | None = None  # name, line number, raw line
    # split on newlines only: str.splitlines() would also break at form feeds
    # and Unicode separators, and line numbers would no longer match editors'
    for lineno, raw in enumerate(text.split("\n"), start=1):
        raw = raw.rstrip("\r")
        s = raw.split(" #")[0].rstrip() if " #" in raw else raw.rstrip()
        if not s.strip() or s.lstrip().startswith("#"):
            continue
        if _is_problem_line(s):
            name = pending[0] if pending else f"line{lineno}"
            col0 = len(s) - len(s.lstrip())
            entries.append(Entry(name, s.strip(), file, lineno, col0))
            pending = None
        else:
            if pending is not None:
                raise GeoError(
                    f"problem '{clip(pending[0])}' has no problem line (the next line is another name;"
                    " a problem line has '=' between new points and constructions)",
                    Location(file, pending[1], 1, pending[0], None, pending[0], pending[2]),
                )
            pending = (s.strip(), lineno, raw)
    if pending is not None:
        raise GeoError(
            f"problem '{clip(pending[0])}' has no problem line (a problem line has '=' between new points and"
            " constructions, e.g. 'a b c = triangle a b c')",
            Location(file, pending[1], 1, pending[0], None, pending[0]),
        )
    return entries


def read_source(source: str | os.PathLike) -> tuple[str, str]:
    """(text, file label) for a path to a problem file, or for problem text itself."""
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source and _looks_like_path(source)):
        label = str(source)
        shown = label if len(label) <= 200 else label[:200] + "..."
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise GeoError(f"no such problem file: {shown!r}", Location(shown, 1, 1)) from None
        except OSError as e:  # a directory, no permission, a name too long...
            kind = "no such problem file" if e.errno == errno.ENAMETOOLONG else "cannot read the problem file"
            raise GeoError(f"{kind}: {shown!r} ({e.strerror})", Location(shown, 1, 1)) from None
        try:
            return data.decode("utf-8"), label
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
            raise GeoError(
                f"the file is not UTF-8 text (byte 0x{data[e.start]:02x} cannot be decoded)", Location(label, line, col)
            ) from None
    return str(source), "<text>"


def _looks_like_path(s: str) -> bool:
    s = s.strip()
    return bool(s) and "=" not in s and "?" not in s and " " not in s and "\x00" not in s


def parse_entry(e: Entry) -> Problem:
    return parse_problem(e.text, e.name, e.file, e.line, e.col0)


def find_entries(source: str | os.PathLike, name: str | None = None) -> list[Entry]:
    """The entries of a file (or of problem text); only the named one if ``name``.

    A single problem line given as text is named 'problem'.
    """
    text, file = read_source(source)
    entries = select(read_entries(text, file), name, file)
    if file == "<text>" and len(entries) == 1 and entries[0].name.startswith("line"):
        entries[0].name = "problem"
    return entries


def load_problems(source: str | os.PathLike, name: str | None = None) -> list[Problem]:
    """Parse every problem of a file (or of problem text); only the named one if ``name``."""
    return [parse_entry(e) for e in find_entries(source, name)]


def select(entries: list[Entry], name: str | None, file: str) -> list[Entry]:
    """The entries called ``name`` (all when None); an error naming the choices if none is."""
    if name is None:
        if not entries:
            raise GeoError("no problems found (the input is empty or only comments)", Location(file, 1, 1))
        return entries
    hits = [e for e in entries if e.name == name]
    if not hits:
        hint = _closest(name, [e.name for e in entries])
        extra = f" (did you mean '{hint}'?)" if hint else ""
        raise GeoError(f"no problem named {name!r} in {file}{extra}", Location(file, 1, 1, token=name))
    return hits
