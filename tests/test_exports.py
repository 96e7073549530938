"""Asymptote and GeoGebra exports of a saved figure.

The .asy file is compiled with Debian's `asymptote` (installed by `.ci/run`;
skipped without it); the .ggb archive gets a structural check of its XML:
every object a command uses is defined before it, every label is unique.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from geosolver.render.exports import asymptote, geogebra
from geosolver.solve import saved_result, solve
from tests.conftest import REPO

PROBLEMS = [("classics.txt", "incenter_excenter_lemma"), ("classics_aux.txt", "butterfly_aux"),
            ("classics.txt", "nine_point_circle")]


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
    for node in construction:
        if node.tag == "command":
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
    names = {p["name"] for p in figure["points"]}
    assert len([e for e in construction.iter("element") if e.get("type") == "point"]) >= len(names)
