"""Asymptote and GeoGebra exports of a saved figure.

The .asy file is compiled with Debian's `asymptote` (installed by `.ci/run`;
skipped without it); the .ggb archive gets a structural check of its XML:
every object a command uses is defined before it, every label is unique.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest

from geosolver.render.exports import _ggb_definition, asymptote, geogebra
from geosolver.solve import saved_result, solve
from tests.conftest import REPO

PROBLEMS = [("classics.txt", "incenter_excenter_lemma"), ("classics_aux.txt", "butterfly_aux"),
            ("classics.txt", "nine_point_circle")]


class _Upper(dict):
    def __missing__(self, key: str) -> str:
        return key.upper()


def _made_by_ggb(point: dict) -> bool:
    return _ggb_definition(point.get("made_by", []), _Upper()) is not None


# A few GeoGebra commands, evaluated with numpy: enough to check that each definition the
# export writes rebuilds the point where the figure has it.
def _unit(v):
    return v / np.linalg.norm(v)


class _L:
    def __init__(self, p, d):
        self.p, self.d = np.asarray(p, float), _unit(np.asarray(d, float))


def _ggb_namespace(points: dict) -> dict:
    def Line(a, b):
        return _L(a, b.d) if isinstance(b, _L) else _L(a, b - a)

    def Intersect(l1, l2):
        m = np.array([l1.d, -l2.d]).T
        t = np.linalg.solve(m, l2.p - l1.p)
        return l1.p + t[0] * l1.d

    def ClosestPoint(line, a):
        return line.p + np.dot(a - line.p, line.d) * line.d

    def Reflect(a, b):
        return 2 * ClosestPoint(b, a) - a if isinstance(b, _L) else 2 * b - a

    def TriangleCenter(a, b, c, k):
        if k == 2:
            return (a + b + c) / 3
        if k == 3:
            return Intersect(PerpendicularBisector(a, b), PerpendicularBisector(b, c))
        if k == 4:
            return Intersect(PerpendicularLine(a, Line(b, c)), PerpendicularLine(b, Line(c, a)))
        la, lb, lc = (np.linalg.norm(b - c), np.linalg.norm(c - a), np.linalg.norm(a - b))
        return (la * a + lb * b + lc * c) / (la + lb + lc)

    def PerpendicularLine(a, line):
        return _L(a, [-line.d[1], line.d[0]])

    def PerpendicularBisector(a, b):
        return PerpendicularLine((a + b) / 2, Line(a, b))

    return {**points, **{f.__name__: f for f in (Line, Intersect, ClosestPoint, Reflect, TriangleCenter,
                                                 PerpendicularLine, PerpendicularBisector)},
            "Midpoint": lambda a, b: (a + b) / 2}


@pytest.mark.parametrize("file", ["classics.txt", "classics_aux.txt"])
def test_geogebra_definitions_rebuild_the_points(file):
    import geosolver
    from geosolver.diagram import build_diagram
    from geosolver.render.figure import scene

    checked = 0
    for problem in geosolver.load_problems(REPO / "problems" / file):
        sc = scene(build_diagram(problem, 0, want_goal=False))
        labels = _Upper()
        env = _ggb_namespace({p["name"].upper(): np.array([p["x"], p["y"]]) for p in sc["points"]})
        for p in sc["points"]:
            definition = _ggb_definition(p["made_by"], labels)
            if definition is None:
                continue
            got = eval(definition, {"__builtins__": {}}, env)  # noqa: S307 - our own expressions
            assert np.allclose(got, [p["x"], p["y"]], atol=1e-6), (problem.name, p["name"], definition)
            checked += 1
    assert checked > 20


@pytest.fixture(scope="module", params=PROBLEMS, ids=[p[1] for p in PROBLEMS])
def figure(request) -> dict:
    file, name = request.param
    return saved_result(solve(REPO / "problems" / file, name, timeout=30))["figure"]


def test_asymptote_compiles_to_a_picture(figure, tmp_path: Path):
    if shutil.which("asy") is None:
        pytest.skip("Debian's asymptote is not installed (.ci/run installs it)")
    (tmp_path / "figure.asy").write_text(asymptote(figure))
    out = subprocess.run(["asy", "-f", "png", "-render=2", "-o", "figure", "figure.asy"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    png = tmp_path / "figure.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000


def test_asymptote_names_every_point_and_draws_every_object(figure):
    text = asymptote(figure)
    assert text.count("pair ") == len(figure["points"])
    assert text.count("dot(") == len(figure["points"])
    layers = (figure["construction"], figure["highlight"])
    assert text.count("draw(") == sum(len(x["lines"]) + len(x["segments"]) + len(x["circles"]) for x in layers)


def test_geogebra_archive_is_consistent(figure):
    with zipfile.ZipFile(io.BytesIO(geogebra(figure))) as z:
        assert z.namelist() == ["geogebra.xml"]
        root = ET.fromstring(z.read("geogebra.xml"))
    assert root.tag == "geogebra" and root.find("euclidianView") is not None
    construction = root.find("construction")
    defined: set[str] = set()
    pending_output = None
    dependent = 0
    for node in construction:
        if node.tag == "expression":  # a constructed point: made of points defined before it
            used = re.findall(r"\b([A-Z][A-Za-z0-9_]*)\b(?!\s*\()", node.get("exp"))
            assert used and all(u in defined for u in used), node.get("exp")
            pending_output = node.get("label")
            dependent += 1
        elif node.tag == "command":
            for value in node.find("input").attrib.values():
                try:
                    float(value)
                except ValueError:
                    assert value in defined, f"{node.get('name')} uses {value} before it is defined"
            pending_output = node.find("output").get("a0")
        else:
            assert node.tag == "element"
            label = node.get("label")
            assert label not in defined, f"{label} defined twice"
            if pending_output is not None:
                assert label == pending_output  # a command's element follows it
                pending_output = None
            else:
                assert node.get("type") == "point"  # only points are free
            defined.add(label)
    assert pending_output is None
    assert dependent == sum(_made_by_ggb(p) for p in figure["points"])
    names = {p["name"] for p in figure["points"]}
    assert len([e for e in construction.iter("element") if e.get("type") == "point"]) >= len(names)
