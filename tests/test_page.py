"""The proof page in a real headless browser (Debian's chromium, driven by selenium).

It must load with no console error and no network request, and clicking a
step must change what the figure highlights and which steps are marked used.
`.ci/run` installs chromium and its driver; without them the browser tests
are skipped (the page's structure is still tested).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geosolver.render.outputs import load_result, render
from geosolver.solve import solve, write_outputs
from tests.conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("napoleon")
    r = solve(REPO / "problems" / "classics_aux.txt", "butterfly_aux", timeout=30)
    assert r.status == "solved"
    write_outputs(r, out)
    return out


def test_out_dir_holds_every_rendering(saved: Path):
    names = {p.name for p in saved.iterdir()}
    assert {"proof.json", "proof.txt", "figure.png", "figure.svg", "proof.html"} <= names
    data = json.loads((saved / "proof.json").read_text())
    assert data["status"] == "solved" and data["figure"]["points"] and data["proof"]["steps"]
    assert all("objects" in s for s in data["proof"]["steps"])
    page = (saved / "proof.html").read_text()
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")  # nothing to fetch
    assert "https://" not in page and "<script src" not in page and "<link" not in page
    assert page.count('class="step"') == len(data["proof"]["steps"])
    assert "<h2>As drawn</h2>" in page  # the figure facts, under their own heading


def test_render_redoes_each_format_from_the_json_alone(saved: Path, tmp_path: Path):
    result = load_result(saved / "proof.json")
    for fmt in ("png", "svg", "html", "txt"):
        path = render(result, fmt, tmp_path / f"again.{fmt}")
        assert path.stat().st_size > 500
    assert (tmp_path / "again.txt").read_text() == (saved / "proof.txt").read_text()


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.skip("chromium and chromedriver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,900"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


def test_page_loads_offline_and_clicking_a_step_highlights_it(saved: Path, browser, tmp_path: Path):
    from selenium.webdriver.common.by import By

    url = (saved / "proof.html").resolve().as_uri()
    browser.get(url)
    steps = json.loads((saved / "proof.json").read_text())["proof"]["steps"]
    rule = next(s for s in reversed(steps) if s["kind"] == "rule" and len(s["uses"]) >= 2)
    ar = next(s for s in steps if s["kind"] == "ar" and s["uses"])

    def state():
        return browser.execute_script(
            "return {marks: document.getElementById('marks').childElementCount,"
            " selected: [...document.querySelectorAll('li.selected')].map(li => li.dataset.index),"
            " used: [...document.querySelectorAll('li.used')].map(li => li.dataset.index).sort(),"
            " outlined: [...document.querySelectorAll('circle.pt[stroke]')].map(c => c.id).sort()};")

    assert state() == {"marks": 0, "selected": [], "used": [], "outlined": []}
    browser.find_element(By.ID, f"step-{rule['index']}").click()
    first = state()
    assert first["selected"] == [str(rule["index"])]
    assert first["used"] == sorted(str(u) for u in rule["uses"] + rule["figure"])  # facts and figure facts
    assert first["outlined"] == sorted(f"pt-{p}" for p in rule["objects"]["points"])
    assert first["marks"] > 0
    browser.find_element(By.ID, f"step-{ar['index']}").click()
    second = state()
    assert second["selected"] == [str(ar["index"])] and second != first
    browser.save_screenshot(str(tmp_path / "page.png"))
    assert (tmp_path / "page.png").stat().st_size > 10_000

    errors = [m for m in browser.get_log("browser") if m["level"] == "SEVERE"]
    assert errors == []
    requests = []
    for entry in browser.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            requests.append(msg["params"]["request"]["url"])
    assert all(u.startswith(("file://", "data:")) for u in requests), requests


def test_no_label_is_clipped(anchors):
    """Every label's box lies inside the figure's view (IMO 2004 P5 cut one at its lower edge)."""
    import re

    from geosolver.render.page import proof_page
    from geosolver.solve import saved_result

    r = solve(anchors / "imo_ag_30.txt", "translated_imo_2004_p5", mode="ddar", timeout=60)
    page = proof_page(saved_result(r))
    x, y, w, h = map(float, re.search(r'<svg id="figure"[^>]*viewBox="([^"]+)"', page).group(1).split())
    for tx, ty, size, name in re.findall(r'<text x="([^"]+)" y="([^"]+)" font-size="([^"]+)"[^>]*>([^<]+)</text>', page):
        tx, ty, size = float(tx), float(ty), float(size)
        half = 0.3 * size * len(name)
        assert x <= tx - half and tx + half <= x + w, name
        assert y <= ty - size / 2 and ty + size / 2 <= y + h, name
