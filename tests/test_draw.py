"""Figures: PNG and SVG written, labels present, goal drawn."""

import pytest

import geosolver
from geosolver.cli import main
from geosolver.render.figure import construction_objects, goal_objects

ORTHO = "a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c"


def test_draw_png_and_svg(tmp_path):
    png = geosolver.draw(ORTHO, tmp_path / "f.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = geosolver.draw(ORTHO, tmp_path / "f.svg")
    text = svg.read_text()
    assert "<svg" in text and "goal: perp a h b c" in text
    for label in ("a", "b", "c", "h"):
        assert f">{label}</text>" in text


def test_draw_cli_on_an_imo_problem(anchors, tmp_path, capsys):
    out = tmp_path / "p.png"
    assert main(["draw", str(anchors / "imo_ag_30.txt"), "--name", "translated_imo_2019_p6", "-o", str(out)]) == 0
    assert out.stat().st_size > 20_000


def test_objects_come_from_the_facts():
    d = geosolver.diagram("a b c = triangle; o = circle o a b c; m = midpoint m b c ? perp o m b c")
    objs = construction_objects(d)
    assert any({"b", "m", "c"} <= grp for grp in objs.lines)  # coll m b c
    assert len(objs.circles) == 1  # three equal radii from o
    assert ("a", "b") in objs.segments  # a side of the triangle
    goal = goal_objects(d)
    assert ("m", "o") in goal.segments


def test_draw_rejects_other_formats(tmp_path):
    with pytest.raises(geosolver.GeoError, match="png or .svg"):
        geosolver.draw(ORTHO, tmp_path / "f.jpg")
