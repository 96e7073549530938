"""Canonical facts: every spelling of one fact is the same Fact, and truth is kept."""

import itertools
from fractions import Fraction as F

import numpy as np
import pytest

from ddar.facts import Fact

rng = np.random.default_rng(3)


def test_para_and_cong_ignore_order():
    assert Fact.make("para", [0, 1, 2, 3]) == Fact.make("para", [3, 2, 1, 0])
    assert Fact.make("cong", [5, 4, 1, 0]) == Fact.make("cong", [0, 1, 4, 5])
    assert Fact.make("coll", [2, 0, 1]) == Fact.make("coll", [0, 1, 2])


def test_eqangle_symmetries_collapse():
    base = Fact.make("eqangle", [0, 1, 2, 3, 4, 5, 6, 7])
    same = [
        [4, 5, 6, 7, 0, 1, 2, 3],  # swap the two sides
        [0, 1, 4, 5, 2, 3, 6, 7],  # swap the middle pairs
        [1, 0, 3, 2, 5, 4, 7, 6],  # reverse every segment
        [2, 3, 0, 1, 6, 7, 4, 5],  # reverse both angles
    ]
    for args in same:
        assert Fact.make("eqangle", args) == base
    assert Fact.make("eqangle", [0, 1, 2, 3, 6, 7, 4, 5]) != base  # one angle reversed: a different fact


def test_aconst_and_rconst_normalise_their_constant():
    assert Fact.make("aconst", [0, 1, 2, 3], F(1, 3)) == Fact.make("aconst", [2, 3, 0, 1], F(2, 3))
    assert Fact.make("aconst", [0, 1, 2, 3], F(4, 3)) == Fact.make("aconst", [0, 1, 2, 3], F(1, 3))
    assert Fact.make("rconst", [0, 1, 2, 3], F(1, 2)) == Fact.make("rconst", [2, 3, 0, 1], F(2))


def test_triangles_follow_the_correspondence():
    base = Fact.make("simtri", [0, 1, 2, 3, 4, 5])
    assert Fact.make("simtri", [1, 2, 0, 4, 5, 3]) == base
    assert Fact.make("simtri", [3, 4, 5, 0, 1, 2]) == base
    assert Fact.make("simtri", [0, 2, 1, 3, 4, 5]) != base


def test_bad_arity_is_refused():
    with pytest.raises(ValueError):
        Fact.make("para", [0, 1, 2])
    with pytest.raises(ValueError):
        Fact.make("nosuch", [0, 1])


def _random_true_facts():
    """Figures where a fact holds, from random points (each fact made true by construction)."""
    for _ in range(20):
        p = rng.normal(size=(8, 2))
        # para: move 3 so that 23 is parallel to 01
        p[3] = p[2] + 0.7 * (p[1] - p[0])
        # cong: move 5 so that |45| = |01|
        d = p[5] - p[4]
        p[5] = p[4] + d / np.linalg.norm(d) * np.linalg.norm(p[1] - p[0])
        yield p, Fact.make("para", [0, 1, 2, 3])
        yield p, Fact.make("cong", [0, 1, 4, 5])


def test_every_spelling_keeps_the_truth():
    for coords, fact in _random_true_facts():
        assert fact.holds(coords, 5.0)
        for perm in itertools.permutations(fact.args[:2]):
            again = Fact.make(fact.pred, [*perm, *fact.args[2:]])
            assert again == fact and again.holds(coords, 5.0)


def test_text_uses_names():
    names = ["a", "b", "c", "d"]
    assert Fact.make("perp", [3, 2, 1, 0]).text(names) == "perp a b c d"
    assert Fact.make("aconst", [0, 1, 2, 3], F(1, 2)).text(names) == "aconst a b c d pi/2"


def test_a_triangle_correspondence_has_one_spelling_the_least_of_its_twelve():
    import random
    from itertools import permutations

    rng = random.Random(0)
    for _ in range(300):
        a, b = rng.sample(range(12), 3), rng.sample(range(12), 3)
        spellings = {tuple(a[i] for i in p) + tuple(b[i] for i in p) for p in permutations(range(3))}
        spellings |= {s[3:] + s[:3] for s in spellings}
        facts = {Fact.make("simtri", list(s)) for s in spellings}
        assert len(facts) == 1 and facts.pop().args == min(spellings)
