"""Tokens of the problem language, and the canonical renaming the model sees.

A problem reaches the model with its points renamed a, b, c, ... in the order
its clauses construct them (as ``geosolver generate`` writes its examples), so
that the model never depends on how a user named the points; its proposals are
renamed back.  Words are construction and predicate names, point names, the
separators ``= , ; ?``, and numbers spelled digit by digit (``2pi/3`` is
``2 pi / 3``), so that every problem of the language has a spelling.
"""

from __future__ import annotations

import re
import zlib

from ddar.predicates import PREDICATES
from geosolver.constructions import CONSTRUCTIONS
from geosolver.language import Problem, point_names, renamed_clause

PAD, BOS, EOS, SEP, UNK = "<pad>", "<bos>", "<eos>", "<sep>", "<unk>"
SPECIALS = (PAD, BOS, EOS, SEP, UNK)
PUNCT = ("=", ",", ";", "?")
NUMBER_PARTS = tuple("0123456789") + ("pi", "/", "-", ".")
MAX_POINTS = 26 * 4  # a .. z, a1 .. z1, a2 .. z2, a3 .. z3


_NUMBER = re.compile(r"pi|\d|[./-]")


class Tokenizer:
    """Words <-> ids, over a vocabulary fixed by the language (the same for every data set)."""

    def __init__(self) -> None:
        words = [*SPECIALS, *PUNCT, *NUMBER_PARTS, *sorted(CONSTRUCTIONS), *sorted(PREDICATES),
                 *point_names(MAX_POINTS)]
        self.words = list(dict.fromkeys(words))
        self.ids = {w: i for i, w in enumerate(self.words)}
        self.pad, self.bos, self.eos, self.sep, self.unk = (self.ids[w] for w in SPECIALS)
        self.point_words = frozenset(point_names(MAX_POINTS))

    def __len__(self) -> int:
        return len(self.words)

    def split(self, text: str) -> list[str]:
        """The words of a text: separators apart, numbers digit by digit."""
        out: list[str] = []
        for raw in re.sub(r"([=,;?])", r" \1 ", text).split():
            if raw in self.ids:
                out.append(raw)
            elif re.fullmatch(r"[\d./pi-]+", raw) and _NUMBER.sub("", raw) == "":
                out.extend(_NUMBER.findall(raw))
            else:
                out.append(UNK)
        return out

    def encode(self, text: str) -> list[int]:
        return [self.ids[w] for w in self.split(text)]

    def decode(self, ids) -> str:
        """Words joined back into the language's spelling (separators and numbers tight)."""
        out: list[str] = []
        prev = None
        for i in ids:
            if i in (self.pad, self.bos, self.eos):
                continue
            w = self.words[i]
            # a number's parts were split apart (2pi/3 -> 2 pi / 3): join runs of them; , and ; tight
            tight = w in (",", ";") or (w in NUMBER_PARTS and prev in NUMBER_PARTS)
            out.append(w if not out or tight else " " + w)
            prev = w
        return "".join(out)

    def example(self, problem: str, aux: list[str]) -> list[int]:
        """<bos> problem ? goal <sep> aux1 ; aux2 <eos>."""
        ids = [self.bos, *self.encode(problem), self.sep]
        if aux:
            ids += self.encode(" ; ".join(aux))
        return ids + [self.eos]

    def prompt(self, problem: str) -> list[int]:
        return [self.bos, *self.encode(problem), self.sep]


def canonical(problem: Problem) -> tuple[str, dict[str, str], str]:
    """The problem's text with its points renamed a, b, c, ... in construction order (fixed
    coordinates dropped), the renaming (name -> canonical), and the next free canonical name."""
    order = problem.points
    names = point_names(len(order) + 1)
    rename = dict(zip(order, names))
    text = "; ".join(renamed_clause(c, rename) for c in problem.clauses)
    goals = []
    for g in problem.goals:
        s = g.statement
        goals.append(str(type(s)(s.pred, tuple(rename[p] for p in s.points), s.value)))
    if goals:
        text += " ? " + "; ".join(goals)
    return text, rename, names[len(order)]


# A named intersection of two lines -> the two line loci it is (each: construction, how many
# of the intersection's arguments after the point it takes).  Human problems write the loci
# (``on_line x a b, on_line x c d``: 10% of the suites' clauses), the generator mostly the named
# construction (20x more often than the loci): ``loci_text`` shows the model both spellings.
LINE_INTERSECTIONS = {
    "intersection_ll": (("on_line", 2), ("on_line", 2)),
    "intersection_lp": (("on_line", 2), ("on_pline", 3)),
    "intersection_lt": (("on_line", 2), ("on_tline", 3)),
    "intersection_pp": (("on_pline", 3), ("on_pline", 3)),
    "intersection_tt": (("on_tline", 3), ("on_tline", 3)),
}


def as_loci(clause: str) -> str | None:
    """A clause ``x = intersection_.. x ...`` written as its two line loci, or None if it is not one."""
    head, eq, body = clause.partition(" = ")
    words = body.split()
    shape = LINE_INTERSECTIONS.get(words[0]) if eq and words and "," not in body else None
    if shape is None:
        return None
    point, rest = words[1], words[2:]
    (a, na), (b, nb) = shape
    if len(rest) != na + nb:
        return None
    return f"{head} = {a} {point} {' '.join(rest[:na])}, {b} {point} {' '.join(rest[na:])}"


def loci_text(problem: str, share: float, seed: int = 0) -> str:
    """A problem's text (clauses joined by ``; ``) with about ``share`` of its named line
    intersections written as their two loci, in either order: the same figure in the spelling
    human problems use.  Which ones is fixed by a hash of the problem, the clause and ``seed``, so
    a data set is the same on every load."""
    if share <= 0:
        return problem
    clauses = problem.split("; ")
    for i, clause in enumerate(clauses):
        loci = as_loci(clause)
        if loci is None:
            continue
        draw = zlib.crc32(f"{seed}|{i}|{problem}".encode())
        if draw % 10_000 < share * 10_000:
            if (draw >> 16) & 1:  # the other locus first
                head, _, body = loci.partition(" = ")
                first, second = body.split(", ")
                loci = f"{head} = {second}, {first}"
            clauses[i] = loci
    return "; ".join(clauses)
