"""Growing a solved state by one clause: the figure extended in place, the engine forked and
matched semi-naively, with the same results as starting over."""

import numpy as np
import pytest

import geosolver
from ddar.engine import Engine, Limits
from ddar.matcher import MatchCache, instances
from ddar.numeric_index import NumericIndex
from ddar.rules import bundled_rules
from geosolver.diagram import build_diagram, extend_diagram
from geosolver.engine_input import engine_input
from geosolver.errors import GeoError
from geosolver.language import parse_problem
from tests.conftest import REPO

CLASSICS = REPO / "problems" / "classics.txt"


def saturated(problem) -> tuple[Engine, object]:
    d = build_diagram(problem, 0)
    e = engine_input(d)
    eng = Engine(e.coords, e.scale)
    for f in e.premises:
        eng.add_premise(f)
    eng.saturate((), Limits(seconds=60))  # no goal: the whole closure, to compare closures
    return eng, d


def grown(eng: Engine, d, clause: str) -> tuple[Engine, object]:
    """A fork of ``eng`` with the clause's point and premises added and saturated."""
    dx = extend_diagram(d, clause)
    ex = engine_input(dx)
    fork = eng.fork()
    for i in range(len(d.points), len(dx.points)):
        fork.add_point(ex.coords[i])
    for f in ex.premises:
        fork.add_premise(f)
    fork.saturate((), Limits(seconds=60))
    return fork, dx


@pytest.mark.parametrize("name, clause", [("euler_line", "x = midpoint x a h"), ("miquel", "x = on_line x a b, on_line x d e"),
                                          ("orthocenter", "x = foot x a b c")])
def test_extended_figure_is_the_rebuilt_figure(name, clause):
    d = build_diagram(geosolver.load_problem(CLASSICS, name), 0)
    try:
        dx = extend_diagram(d, clause)
    except GeoError:
        pytest.skip("clause not constructible here")
    rebuilt = build_diagram(dx.problem, 0)
    assert list(rebuilt.points) == list(dx.points)
    assert all(np.array_equal(rebuilt.points[n], dx.points[n]) for n in dx.points)
    assert all(np.array_equal(d.points[n], dx.points[n]) for n in d.points), "old points moved"


def test_a_clause_that_cannot_be_added_is_a_clear_error():
    d = build_diagram(geosolver.load_problem(CLASSICS, "orthocenter"), 0)
    with pytest.raises(GeoError, match="already defined"):
        extend_diagram(d, "a = midpoint a b c")
    with pytest.raises(GeoError, match="unknown construction|not defined|undefined"):
        extend_diagram(d, "x = midpoint x b zz")
    with pytest.raises(GeoError, match="could not be realised"):
        extend_diagram(d, "x = on_line x a b, on_line x a b")


def test_fork_leaves_the_base_as_it_was_and_matches_starting_over():
    problem = geosolver.load_problem(CLASSICS, "euler_line")
    eng, d = saturated(problem)
    before = dict(eng.proved)
    rows_before = {t: dict(tab.rows) for t, tab in eng.tables.items()}
    first, dx = grown(eng, d, "x = midpoint x a h")
    assert eng.proved == before and {t: dict(tab.rows) for t, tab in eng.tables.items()} == rows_before
    assert eng.n == len(d.points) and first.n == len(dx.points)
    again, _ = grown(eng, d, "x = midpoint x a h")
    assert list(again.proved) == list(first.proved), "forks are deterministic"
    scratch, _ = saturated(dx.problem)
    assert set(first.proved) == set(scratch.proved)
    assert not first.rejected


@pytest.mark.parametrize("name, clause", [("nine_point_circle", "x = midpoint x a p"), ("simson_line", "x = foot x o a c")])
def test_semi_naive_matching_finds_exactly_the_new_instances(name, clause):
    d = build_diagram(geosolver.load_problem(CLASSICS, name), 0)
    dx = extend_diagram(d, clause)
    e = engine_input(dx)
    ix = NumericIndex(e.coords, e.scale)
    rules = list(bundled_rules())
    new = len(d.points)

    def key(i):
        return (i.rule.name, frozenset(i.premises), i.conclusions)

    def names_new(k) -> bool:
        return any(p >= new for f in (*k[1], *k[2]) for p in f.args)

    everything = {key(i) for i in instances(rules, ix)}
    delta = {key(i) for i in instances(rules, ix, new_from=new, cache=MatchCache())}
    assert delta, "the new point takes part in some instance"
    assert delta == {k for k in everything if names_new(k)}


def _relations_of(ix: NumericIndex) -> dict:
    """What an index says of its figure, independent of how its classes and lines are numbered."""

    def partition(m: np.ndarray) -> list:
        groups: dict = {}
        for a, b in zip(*np.nonzero(~np.eye(len(m), dtype=bool)), strict=True):
            groups.setdefault(int(m[a, b]), set()).add((int(a), int(b)))
        return sorted(sorted(g) for g in groups.values())

    return {"directions": partition(ix.dir), "lengths": partition(ix.len), "lines": sorted(ix.lines),
            "line of each pair": partition(ix.line), "circles": sorted(ix.circles),
            "circle of each triple": {t: ix.circles[c] for t, c in ix.circle_of.items()},
            "midpoints": dict(ix.mid), "reflections": dict(ix.reflect),
            "similar": {t: sorted(ts) for t, ts in ix.similar.items()},
            "congruent": {t: sorted(ts) for t, ts in ix.congruent.items()}}


@pytest.mark.parametrize("name, clauses", [
    ("nine_point_circle", ["x = midpoint x a p", "y = circle y d e f"]),
    ("simson_line", ["x = foot x o a c", "y = midpoint y o a"]),
    ("orthocenter", ["x = foot x a b c", "y = circle y a b c"]),
    ("miquel", ["x = on_line x a b, on_line x d e", "y = midpoint y x a"]),
])
def test_an_extended_index_is_the_rebuilt_index(name, clauses):
    """The search extends the parent's index by the new point's pairs and triples; what it says
    (classes of directions and lengths, lines, circles, midpoints, similar and congruent
    triangles) is what indexing the grown figure from scratch says, two points deep; and the
    parent's index, which its other children share, is left as it was."""
    d = build_diagram(geosolver.load_problem(CLASSICS, name), 0)
    e = engine_input(d)
    ix = NumericIndex(e.coords, e.scale)
    for clause in clauses:
        d = extend_diagram(d, clause)
        e = engine_input(d)
        parent, before = ix, _relations_of(ix)
        ix = ix.extended(e.coords)
        assert _relations_of(ix) == _relations_of(NumericIndex(e.coords, e.scale)), clause
        assert _relations_of(parent) == before


def test_an_equilateral_triangle_is_congruent_to_itself_turned(anchors):
    """The index relates an equilateral triangle to its rotations (not to the orders that keep a
    vertex, which would say a side equals itself), so 'contri e a b a b e' (eab equilateral) can
    be concluded: JGEX E061-65, whose three sides the engine proved equal all along."""
    from geosolver.solve import solve

    d = build_diagram(parse_problem("a b c = triangle a b c; d = eq_triangle d b c ? contri d b c b c d"), 0)
    e = engine_input(d)
    ix = NumericIndex(e.coords, e.scale)
    b, c, dd = (e.names.index(p) for p in "bcd")
    assert (c, dd, b) in ix.congruent[(b, c, dd)] and (b, dd, c) not in ix.congruent.get((b, c, dd), [])
    r = solve(anchors / "jgex_ag_231.txt", "examples/complete2/unsolved2/complete_014_7_Book_00EE_08_E061-65.gex",
              mode="ddar", timeout=60)
    assert r.status == "solved", r.error
