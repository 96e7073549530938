"""Symmetries of a problem's statement, and the search trying a candidate's mirror image."""

from __future__ import annotations

import geosolver
from geosolver.language import add_clause, parse_problem
from geosolver.search import Node, Tree
from geosolver.solve import new_engine, prepare, solve
from geosolver.symmetry import mirrors, symmetries
from geosolver.verify import check_saved
from tests.conftest import REPO

CLASSICS = REPO / "problems" / "classics.txt"

# The feet of the altitudes from a and b: swapping a with b (and d with e) reads the same problem.
FEET = "a b c = triangle a b c; d = foot d a b c; e = foot e b c a ? cyclic a b d e"


def test_a_symmetric_statement_has_its_swap():
    found = symmetries(parse_problem(FEET))
    assert {"a": "b", "b": "a", "c": "c", "d": "e", "e": "d"} in found
    assert all(s != {p: p for p in s} for s in found)  # never the identity


def test_the_goal_must_be_kept_too():
    # the same figure with a goal on one side only
    one_sided = FEET.replace("cyclic a b d e", "perp a d b c")
    assert symmetries(parse_problem(one_sided)) == []


def test_an_angle_constant_may_turn_the_other_way():
    # x sees ab at +30 degrees from a, y at -30 from b: a reflection swaps them
    p = parse_problem("a b = segment a b; x = s_angle b a x 30; y = s_angle a b y -30 ? cong a x b y")
    assert {"a": "b", "b": "a", "x": "y", "y": "x"} in symmetries(p)


def test_the_mirror_of_a_clause():
    swap = {"a": "b", "b": "a", "c": "c", "d": "e", "e": "d"}
    clause = add_clause(parse_problem(FEET), "x = midpoint x a d").clauses[-1]
    assert mirrors(clause, [swap], "y") == ["y = midpoint y b e"]
    on_axis = add_clause(parse_problem(FEET), "x = midpoint x a b").clauses[-1]
    assert mirrors(on_axis, [swap], "y") == []  # its own image: nothing new to try
    # Van Aubel's figure turns by quarters: the midpoint of pr goes to that of qs, of rp (itself)
    # and of sq (qs again)
    van_aubel = geosolver.load_problem(CLASSICS, "van_aubel")
    clause = add_clause(van_aubel, "x = midpoint x p r").clauses[-1]
    assert mirrors(clause, symmetries(van_aubel), "y") == ["y = midpoint y q s"]


def test_the_search_tries_a_candidate_and_its_mirror_in_one_task():
    # Van Aubel's theorem (the engine alone leaves it) turns with its quadrilateral: a -> b -> c -> d
    problem = geosolver.load_problem(CLASSICS, "van_aubel")
    quarter = {"a": "b", "b": "c", "c": "d", "d": "a", "e": "f", "f": "g", "g": "h", "h": "e",
               "p": "q", "q": "r", "r": "s", "s": "p"}
    assert quarter in symmetries(problem)
    d, e = prepare(problem, 0)
    engine = new_engine(e)
    root = Node((), d, e, engine, engine.saturate(e.goals).status)
    assert root.status == "saturated"
    tree = Tree(problem, 0, root, max_depth=2)
    # the foot from a to pq: not enough on its own, but it adds facts on the goal's points
    outs = tree.attempts(("x = foot x a p q",), 10.0)
    assert [o["path"] for o in outs] == [("x = foot x a p q",), ("x = foot x a p q", "y = foot y b q r"),
                                         ("x = foot x a p q", "y = foot y c r s"),
                                         ("x = foot x a p q", "y = foot y d s p")]
    assert outs[0]["status"] == "saturated" and outs[0]["score"] > 0
    assert all(o["error"] is None for o in outs)
    # a candidate that adds nothing on the goal's points is not worth its mirrors
    lone = tree.attempts(("x = foot x a b c",), 10.0)
    assert len(lone) == 1 and lone[0]["status"] == "saturated" and lone[0]["score"] == 0
    # at the depth limit there is no room for a mirror
    assert len(Tree(problem, 0, root, max_depth=1).attempts(("x = foot x a p q",), 10.0)) == 1


def test_imo_2019_p2_needs_a_point_and_its_mirror(anchors):
    """Two points, one on each side of the figure: the second is the first's mirror image."""
    r = solve(anchors / "imo_ag_30.txt", "translated_imo_2019_p2", mode="search", timeout=120, workers=2)
    assert r.status == "solved", (r.status, r.error)
    assert r.depth == 2
    expected = geosolver.load_problem(anchors / "imo_ag_30.txt", "translated_imo_2019_p2")
    assert check_saved(r.proof, expected=expected) == []
    first, second = r.aux_clauses
    clause = add_clause(expected, first).clauses[-1]
    name = second.split("=")[0].strip()
    assert second in mirrors(clause, symmetries(expected), name)
