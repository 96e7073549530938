"""Numeric truth of every predicate: true on an exact configuration, false once
moved by far more than the tolerance, still true when moved by far less."""

import math

import numpy as np
import pytest

from ddar.numeric import TOL, holds
from ddar.predicates import PREDICATES


def P(x, y):
    return np.array([float(x), float(y)])


# A right triangle and friends, all exact in floating point or nearly so.
A, B, C = P(0, 0), P(4, 0), P(0, 3)
M = (B + C) / 2  # midpoint of the hypotenuse: circumcentre
H = P(0, 0)
D = P(4, 3)  # completes the rectangle abdc

# (predicate, points, value, index of the point to move to break it)
CASES = [
    ("coll", [A, P(1, 1), P(3, 3)], None, 1),
    ("ncoll", [A, B, C], None, None),
    ("para", [A, B, C, D], None, 3),
    ("npara", [A, B, A, C], None, None),
    ("perp", [A, B, A, C], None, 3),
    ("nperp", [A, B, C, B], None, None),
    ("cong", [A, M, B, M], None, 1),
    ("cyclic", [A, B, C, D], None, 3),
    ("circle", [M, A, B, C], None, 0),
    ("midp", [M, B, C], None, 0),
    ("eqangle", [A, B, A, C, C, D, C, A], None, 5),  # both right angles
    ("eqratio", [A, B, A, C, C, D, B, D], None, 3),  # 4/3 = 4/3
    ("simtri", [A, B, C, P(0, 0), P(8, 0), P(0, 6)], None, 5),
    ("contri", [A, B, C, D, C, B], None, 3),
    ("aconst", [A, B, A, C], math.pi / 2, 3),
    ("rconst", [A, B, A, C], 4 / 3, 3),
    ("sameside", [P(2, 0), A, B, P(1, 1), P(0, 0), P(3, 3)], None, None),
    ("sameclock", [A, B, C, P(1, 1), P(9, 1), P(1, 7)], None, None),
    ("diff", [A, B], None, None),
]


def test_every_predicate_is_covered():
    assert {c[0] for c in CASES} == set(PREDICATES)


@pytest.mark.parametrize("name, pts, value, move", CASES, ids=[c[0] for c in CASES])
def test_true_then_false_when_moved(name, pts, value, move):
    assert holds(name, pts, value, scale=5.0)
    if move is None:
        return
    for eps, expected in ((1e-3, False), (1e-9, True)):
        moved = [p.copy() for p in pts]
        moved[move] = moved[move] + np.array([eps * 0.6, eps * 0.8]) * 5.0
        assert holds(name, moved, value, scale=5.0) is expected, eps


def test_negations_fail_on_degenerate_configurations():
    assert not holds("ncoll", [A, B, P(8, 0)])
    assert not holds("npara", [A, B, C, D])
    assert not holds("nperp", [A, B, A, C])
    assert not holds("diff", [A, A.copy()])
    # a inside bc but d outside ef
    assert not holds("sameside", [P(2, 0), A, B, P(5, 0), A, B])
    # a mirror image turns the other way; a flat triangle has no orientation
    assert not holds("sameclock", [A, B, C, A, C, B])
    assert not holds("sameclock", [A, B, C, A, B, P(8, 0)])


def test_tolerance_is_relative_to_the_figure():
    big = 1e6
    pts = [A * big, P(1, 1) * big, P(3, 3) * big + P(0, 1e-3)]
    assert holds("coll", pts, scale=5.0 * big)  # 1e-3 in a figure of size 5e6 is nothing
    assert TOL == 1e-6
