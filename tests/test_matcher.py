"""The matcher finds exactly the rule instances true in the figure.

The oracle is brute force: every assignment of points to a rule's variables,
kept when every atom (premises, checks and conclusions) holds by the strict
numeric test of ``ddar/numeric.py`` and no atom repeats a point where it
needs different ones.  Rules of up to four variables are enumerated this way
on real figures and compared with the numba join plans.
"""

from __future__ import annotations

import itertools
import math

import pytest

import geosolver
from ddar.matcher import compile_plan, ground, instances
from ddar.numeric import holds
from ddar.numeric_index import NumericIndex
from ddar.predicates import repeats_point
from ddar.rules import load_rules
from geosolver.diagram import build_diagram
from geosolver.engine_input import engine_input
from tests.conftest import REPO

RULES = load_rules()
SMALL = [r for r in RULES if len(r.variables) <= 4]


def _brute(rule, coords, scale) -> set:
    out = set()
    n = len(coords)
    variables = rule.variables
    for b in itertools.product(range(n), repeat=len(variables)):
        ids = dict(zip(variables, b))
        ok = True
        for a in rule.premises + rule.conclusions:
            pts = tuple(ids[v] for v in a.args)
            if repeats_point(a.pred, pts):
                ok = False
                break
            value = None if a.value is None else float(a.value) * (math.pi if a.pred == "aconst" else 1.0)
            if not holds(a.pred, [coords[i] for i in pts], value, scale):
                ok = False
                break
        if ok:
            out.add((frozenset(ground(a, ids) for a in rule.facts), tuple(ground(a, ids) for a in rule.conclusions)))
    return out


@pytest.mark.parametrize("name", ["orthocenter", "tangent_lengths", "power_of_a_point", "midline_converse", "brahmagupta"])
def test_matcher_finds_exactly_the_instances_true_in_the_figure(name):
    e = engine_input(build_diagram(geosolver.load_problem(REPO / "problems" / "classics.txt", name), 0))
    ix = NumericIndex(e.coords, e.scale)
    found = {(frozenset(i.premises), i.conclusions) for i in instances(SMALL, ix)}
    want = set()
    for rule in SMALL:
        want |= _brute(rule, e.coords, e.scale)
    assert found == want
    assert found  # the figures do have instances


def test_every_rule_compiles_to_a_plan_that_binds_all_its_variables():
    e = engine_input(build_diagram(geosolver.load_problem(REPO / "problems" / "classics.txt", "napoleon"), 0))
    ix = NumericIndex(e.coords, e.scale)
    for rule in RULES:
        variables, steps = compile_plan(rule, ix)
        bound = set()
        for kind, x in steps:
            bound |= {x} if kind == "scan" else set(x.varset)
        assert bound == set(range(len(variables))), rule.name
        tested = {id(x) for kind, x in steps if kind == "test"}
        generated = [x for kind, x in steps if kind == "gen"]
        assert all(id(x) in tested for x in generated), rule.name  # generation is loose: test after


def test_a_symmetric_rule_is_pinned_at_one_variable_of_each_orbit():
    from ddar.matcher import _pinned_variables

    rules = {r.name: r for r in load_rules(REPO / "ddar" / "rules.txt")}
    # AB/AC = DE/DF along two lines: the triples ABC and DEF trade places
    ratio = rules["ratio_resolution"]
    assert [ratio.variables[v] for v in _pinned_variables(ratio)] == ["A", "B", "C"]
    # four points on a circle, two equal inscribed angles: the points trade places in pairs
    assert len(_pinned_variables(rules["inscribed_angle"])) < len(rules["inscribed_angle"].variables)
    # every rule keeps a variable of each orbit: at least one, never more than it has
    assert all(1 <= len(_pinned_variables(r)) <= len(r.variables) for r in rules.values())


def test_fact_symmetries_keep_each_family():
    from ddar.facts import Fact, symmetries

    # the premises coll 0 1 2, coll 0 3 4 and the goal para 1 3 2 4 (a Thales figure)
    premises = {Fact.make("coll", [0, 1, 2]), Fact.make("coll", [0, 3, 4])}
    goal = {Fact.make("para", [1, 3, 2, 4])}
    found = symmetries([premises, goal], 5, limit=8)
    assert [0, 3, 4, 1, 2] in found  # the two lines trade places
    assert all(p != list(range(5)) for p in found)
    # with the goal para 1 4 2 3 instead, swapping the lines is still one; 1 <-> 2 alone is not
    assert [0, 2, 1, 3, 4] not in symmetries([premises, {Fact.make("para", [1, 4, 2, 3])}], 5, limit=8)


def test_lines_through_a_point_are_met_as_a_scan_of_its_pairs_meets_them():
    """The kernel's lines through p (``G_LINES_THROUGH``): the distinct ``line[p, q]`` in the order
    of their first q, whatever the lines' point lists say (a point within tolerance of two lines
    has its pairs on the one indexed last)."""
    import numpy as np

    from ddar.join_kernel import _lines_through

    rng = np.random.default_rng(0)
    line = rng.integers(-1, 6, size=(13, 13))
    np.fill_diagonal(line, -1)
    off, val = _lines_through(line)
    for p in range(13):
        want: list[int] = []
        for q in range(13):
            if q != p and line[p, q] >= 0 and line[p, q] not in want:
                want.append(int(line[p, q]))
        assert val[off[p]:off[p + 1]].tolist() == want
    assert _lines_through(np.zeros((0, 0), dtype=np.int64))[0].tolist() == [0]
