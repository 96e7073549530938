"""AlphaGeometry's suites: every problem parses, builds, and has its goal true in the figure."""

import json
import time

import pytest

import geosolver
from geosolver.cli import main


@pytest.mark.parametrize("suite, count", [("imo_ag_30.txt", 30), ("jgex_ag_231.txt", 231)])
def test_every_suite_problem_is_ok(anchors, suite, count):
    results = geosolver.check(anchors / suite)
    assert len(results) == count
    bad = [(r.name, r.error) for r in results if r.status != "ok"]
    assert bad == []


def test_both_suites_check_fast_through_the_cli(anchors, capsys):
    t0 = time.perf_counter()
    for suite in ("imo_ag_30.txt", "jgex_ag_231.txt"):
        assert main(["check", str(anchors / suite), "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)
        assert {r["status"] for r in rows} == {"ok"}
        assert set(rows[0]) >= {"name", "status", "error", "seconds"}
    assert time.perf_counter() - t0 < 60


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_suites_build_on_other_seeds(anchors, seed):
    results = geosolver.check(anchors / "imo_ag_30.txt", seed=seed)
    assert all(r.status == "ok" for r in results), [r.error for r in results if r.error]


def test_fixed_coordinates_are_kept(anchors):
    # IMO 2008 P6 gives its triangle's coordinates as name@x_y
    d = geosolver.diagram(anchors / "imo_ag_30.txt", name="translated_imo_2008_p6")
    assert tuple(d.points["x"]) == (4.96, -0.13)
    assert d.holds(d.problem.goal)


def test_theorem_forced_tangency_is_one_point(anchors):
    # IMO 2011 P6: the circle o1 touches the circumcircle; x is the touching point
    d = geosolver.diagram(anchors / "imo_ag_30.txt", name="translated_imo_2011_p6")
    assert d.holds(d.problem.goal)


def test_premises_hold_in_every_suite_figure(anchors):
    for suite in ("imo_ag_30.txt", "jgex_ag_231.txt"):
        for problem in geosolver.load_problems(anchors / suite):
            d = geosolver.diagram(problem)
            assert all(d.holds(f) for f in problem.premises()), problem.name
