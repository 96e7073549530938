"""The hand-over to the engine: ids, coordinates and canonical premises that hold."""

import geosolver
from geosolver.engine_input import engine_input


def test_orthocenter_hand_over():
    d = geosolver.diagram("a b c = triangle; h = orthocenter a b c ? perp a h b c")
    e = engine_input(d)
    assert e.names == ["a", "b", "c", "h"]
    assert e.coords.shape == (4, 2)
    assert e.clause_of == [1, 1, 1, 2]
    assert [f.text(e.names) for f in e.premises] == ["perp a h b c", "perp a c b h", "perp a b c h"]
    assert [f.text(e.names) for f in e.goals] == ["perp a h b c"]


def test_every_premise_and_goal_holds_in_the_suites(anchors):
    for suite in ("imo_ag_30.txt", "jgex_ag_231.txt"):
        for problem in geosolver.load_problems(anchors / suite):
            e = engine_input(geosolver.diagram(problem))
            assert len(e.names) == len(problem.points)
            for f in e.premises + e.goals:
                assert f.holds(e.coords, e.scale), (problem.name, f.text(e.names))
