"""Facts over integer point ids, in one canonical form each.

The same geometric fact can be written many ways (``para a b c d`` is
``para d c b a``; ``eqangle a b c d e f g h`` is ``eqangle a b e f c d g h``).
The engine, the traceback and the checker must agree on when two facts are the
same, so every fact is stored in the least of its equivalent spellings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import permutations
from operator import itemgetter
from typing import Callable, Sequence

import numpy as np

from ddar import numeric
from ddar.predicates import PREDICATES, format_angle

Pair = tuple[int, int]


def _pair(a: int, b: int) -> Pair:
    return (a, b) if a <= b else (b, a)


def _pairs(args: Sequence[int]) -> list[Pair]:
    return [_pair(args[i], args[i + 1]) for i in range(0, len(args), 2)]


def _flat(pairs: Sequence[Pair]) -> tuple[int, ...]:
    return tuple(x for p in pairs for x in p)


def _eq_of_pairs(ab: Pair, cd: Pair, ef: Pair, gh: Pair) -> tuple[int, ...]:
    """Least spelling of 'ab : cd = ef : gh' (an angle or a ratio equality).

    x(ab, cd) = x(ef, gh) also reads x(ef, gh) = x(ab, cd), x(ab, ef) = x(cd, gh)
    and x(cd, ab) = x(gh, ef) (angles between lines; ratios of lengths alike).
    """
    forms = [
        (ab, cd, ef, gh),
        (ef, gh, ab, cd),
        (ab, ef, cd, gh),
        (cd, gh, ab, ef),
        (cd, ab, gh, ef),
        (gh, ef, cd, ab),
        (ef, ab, gh, cd),
        (gh, cd, ef, ab),
    ]
    return _flat(min(forms))


# the 12 spellings of a correspondence abc <-> def: both triangles' vertices in one order, either first
_TRIANGLE_FORMS = [itemgetter(*(tuple(perm) + tuple(3 + i for i in perm)))
                   for perm in permutations(range(3))]
_TRIANGLE_FORMS += [itemgetter(*(tuple(3 + i for i in perm) + tuple(perm))) for perm in permutations(range(3))]


def _canonical_triangles(args: Sequence[int]) -> tuple[int, ...]:
    """Least spelling of a correspondence of triangles abc <-> def."""
    args = tuple(args)
    return min(form(args) for form in _TRIANGLE_FORMS)


@dataclass(frozen=True, order=True)
class Fact:
    """A predicate over point ids in canonical form; build with ``Fact.make``."""

    pred: str
    args: tuple[int, ...]
    value: Fraction | None = None  # aconst: fraction of pi in [0, 1); rconst: the ratio

    def __post_init__(self) -> None:
        # facts are dictionary keys everywhere in the engine: hash once
        object.__setattr__(self, "_hash", hash((self.pred, self.args, self.value)))

    def __hash__(self) -> int:
        return self._hash

    @staticmethod
    def make(pred: str, args: Sequence[int], value: Fraction | None = None) -> "Fact":
        spec = PREDICATES.get(pred)
        if spec is None:
            raise ValueError(f"unknown predicate {pred!r}")
        n = len(args)
        if n < spec.points or (not spec.variadic and n != spec.points):
            raise ValueError(f"{pred} takes {spec.arity_text()}, got {n} points")
        args = tuple(map(int, args))
        if pred in ("coll", "ncoll", "cyclic"):
            return Fact(pred, tuple(sorted(set(args))))
        if pred == "circle":
            return Fact(pred, (args[0], *sorted(set(args[1:]))))
        if pred in ("para", "perp", "npara", "nperp", "cong"):
            return Fact(pred, _flat(sorted(_pairs(args))))
        if pred == "midp":
            return Fact(pred, (args[0], *_pair(args[1], args[2])))
        if pred in ("eqangle", "eqratio"):
            return Fact(pred, _eq_of_pairs(*_pairs(args)))
        if pred in ("simtri", "contri"):
            return Fact(pred, _canonical_triangles(args))
        if pred == "diff":
            return Fact(pred, _pair(*args))
        if pred == "aconst":
            if value is None:
                raise ValueError("aconst needs an angle")
            ab, cd = _pairs(args)
            v = Fraction(value) % 1
            # angle(ab -> cd) = v  <=>  angle(cd -> ab) = -v
            return min(Fact(pred, _flat((ab, cd)), v), Fact(pred, _flat((cd, ab)), (-v) % 1))
        if pred == "rconst":
            if value is None or value <= 0:
                raise ValueError("rconst needs a positive ratio")
            ab, cd = _pairs(args)
            return min(Fact(pred, _flat((ab, cd)), Fraction(value)), Fact(pred, _flat((cd, ab)), 1 / Fraction(value)))
        if pred == "sameclock":  # rotating both triangles, or swapping them, keeps the orientations
            a, b = tuple(args[:3]), tuple(args[3:])
            forms = []
            for k in range(3):
                p, q = a[k:] + a[:k], b[k:] + b[:k]
                forms += [p + q, q + p]
            return Fact(pred, min(forms))
        if pred == "sameside":
            a, b, c, d, e, f = args
            return Fact(pred, min((a, *_pair(b, c), d, *_pair(e, f)), (d, *_pair(e, f), a, *_pair(b, c))))
        raise ValueError(f"no canonical form for {pred!r}")

    def holds(self, coords: np.ndarray, scale: float = 1.0) -> bool:
        """Whether the fact is true in the figure given by ``coords[id]``."""
        value = None
        if self.value is not None:
            value = float(self.value) * np.pi if self.pred == "aconst" else float(self.value)
        return numeric.holds(self.pred, [coords[i] for i in self.args], value, scale)

    def text(self, names: Sequence[str]) -> str:
        parts = [self.pred, *(names[i] for i in self.args)]
        if self.value is not None:
            v = self.value
            parts.append(format_angle(v) if self.pred == "aconst" else str(v))
        return " ".join(parts)


def symmetries(families: Sequence[set[Fact]], n: int, limit: int = 4,
               kept: Callable[[Fact, list[int], set[Fact]], bool] | None = None,
               max_steps: int = 50_000) -> list[list[int]]:
    """Up to ``limit`` permutations of the ids ``0..n-1``, other than the identity, that map
    every fact of each family to a fact of the same family (``kept(f, perm, family)`` decides,
    if given: a reflection may turn an angle constant the other way).  A backtracking search
    in id order, each fact tested once its largest id has an image, an id only sent to ids in
    as many facts of each kind; at most ``max_steps`` assignments are tried."""
    def image_in(f: Fact, perm: list[int], family: set[Fact]) -> bool:
        return Fact.make(f.pred, [perm[a] for a in f.args], f.value) in family

    test = kept or image_in
    due: list[list[tuple[Fact, set[Fact]]]] = [[] for _ in range(n)]
    signature = [Counter() for _ in range(n)]
    for k, family in enumerate(families):
        for f in family:
            due[max(f.args)].append((f, family))
            for a in set(f.args):
                signature[a][(f.pred, k)] += 1
    perm = [-1] * n
    used = [False] * n
    found: list[list[int]] = []
    steps = 0

    def extend(k: int) -> bool:
        nonlocal steps
        if k == n:
            if any(perm[i] != i for i in range(n)):
                found.append(list(perm))
            return len(found) >= limit
        for j in range(n):
            if used[j] or signature[j] != signature[k]:
                continue
            steps += 1
            if steps > max_steps:
                return True
            perm[k], used[j] = j, True
            if all(test(f, perm, family) for f, family in due[k]) and extend(k + 1):
                return True
            perm[k], used[j] = -1, False
        return False

    extend(0)
    return found
