"""AR tables: exact normal forms, implied equalities, provenance that checks out."""

import random
from fractions import Fraction as F

from ddar.algebra import Table, combine

PI = 0  # the modular variable of the angle table


def _check_explanation(t: Table, expr, modular=None):
    k = t.explain(expr)
    assert k is not None
    total = combine((c, t.equations[r]) for r, c in k.items())
    diff = combine([(F(1), total), (F(-1), expr)])
    if modular is None:
        assert diff == {}
    else:
        assert set(diff) <= {modular} and all(c.denominator == 1 for c in diff.values())


def test_transitivity_of_equal_lengths():
    t = Table("ratio")
    t.add({1: F(1), 2: F(-1)}, "ab=cd")
    t.add({2: F(1), 3: F(-1)}, "cd=ef")
    assert t.implies({1: F(1), 3: F(-1)})
    assert not t.implies({1: F(1), 4: F(-1)})
    assert t.key({1: F(1)}) == t.key({3: F(1)})
    _check_explanation(t, {1: F(1), 3: F(-1)})
    assert set(t.explain({1: F(1), 3: F(-1)})) == {"ab=cd", "cd=ef"}


def test_two_perpendiculars_make_a_parallel_mod_pi():
    t = Table("angle", modular=PI)
    t.add({1: F(1), 2: F(-1), PI: F(-1, 2)}, "l1 perp l2")
    t.add({2: F(1), 3: F(-1), PI: F(-1, 2)}, "l2 perp l3")
    # l1 - l3 = pi = 0 mod pi
    assert t.implies({1: F(1), 3: F(-1)})
    _check_explanation(t, {1: F(1), 3: F(-1)}, modular=PI)
    assert t.key({1: F(1)}) == t.key({3: F(1)})


def test_redundant_equation_is_not_added():
    t = Table("ratio")
    assert t.add({1: F(1), 2: F(-1)}, "a")
    assert t.add({2: F(1), 3: F(-1)}, "b")
    assert not t.add({1: F(1), 3: F(-1)}, "c")
    assert len(t) == 2


def test_random_systems_agree_with_brute_force():
    rng = random.Random(7)
    for trial in range(30):
        n = 8
        t = Table("x")
        eqs = []
        for i in range(6):
            e = {v: F(rng.randint(-3, 3)) for v in rng.sample(range(1, n + 1), 3)}
            e = {v: c for v, c in e.items() if c}
            if e:
                t.add(e, i)
                eqs.append(e)
        # any integer combination of the equations is implied, and explained exactly
        combo = combine((F(rng.randint(-2, 2)), e) for e in eqs)
        assert t.implies(combo)
        _check_explanation(t, combo)
        # the normal form is canonical: adding an implied expression changes no key
        assert t.key(combo) == ()
        # a fresh variable is never implied
        assert not t.implies({n + 1: F(1)})


def test_random_point_mod_p_separates_implied_from_not():
    p = 2**31 - 1
    rng = random.Random(7)
    t = Table("ratio")
    for k in range(30):  # random sparse equations over 40 variables, fractional coefficients
        vs = rng.sample(range(40), 3)
        t.add({v: F(rng.randint(-5, 5) or 1, rng.randint(1, 4)) for v in vs}, k)
    point = t.random_point(lambda v: (v * 7919 + 13) % p, p)

    def at(expr):
        return sum(c.numerator * pow(c.denominator, -1, p) * point.get(v, (v * 7919 + 13) % p) for v, c in expr.items()) % p

    for _ in range(200):
        vs = rng.sample(range(40), 2)
        expr = {vs[0]: F(1), vs[1]: F(rng.randint(-3, 3) or 1)}
        assert (at(expr) == 0) == t.implies(expr)
    for r, eq in t.equations.items():  # every equation added vanishes there
        assert at(eq) == 0


def test_explanations_of_long_chains_and_forks_are_exact():
    """Deep chains (each row made from many earlier ones) and forks that make different rows on the
    same pivot must each explain exactly."""
    rng = random.Random(11)
    base = Table("x")
    for i in range(40):
        base.add({v: F(rng.randint(-4, 4) or 1, rng.randint(1, 3)) for v in rng.sample(range(1, 31), 4)}, i)
    forks = [base.fork(), base.fork()]
    for j, t in enumerate(forks):
        for i in range(15):
            e = {v: F(rng.randint(-4, 4) or 1) for v in rng.sample(range(1, 41), 3)}
            t.add(e, (j, i))
    for t in (base, *forks):
        for _ in range(20):
            chosen = rng.sample(sorted(t.equations, key=str), 6)
            combo = combine((F(rng.randint(-3, 3) or 1, rng.randint(1, 2)), t.equations[r]) for r in chosen)
            if combo:
                _check_explanation(t, combo)
