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
