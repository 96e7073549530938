"""Property tests: no input makes the parser or the checker raise anything but GeoError.

(a) random text, unicode and the language's own symbols included;
(b) valid problems mutated token by token (deletions, duplications, swaps,
    replacements by construction, predicate and point names, symbols and
    numbers), placed at a known line of a text: every error points at that
    line and at a column inside it;
(c) a problem that parses prints (str) to a line that parses to the same problem.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import geosolver
from ddar.predicates import PREDICATES
from geosolver.constructions import CONSTRUCTIONS

HEADER = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): error: ", re.M)

VALID = [
    "a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c",
    "a b c = triangle a b c; i = incenter i a b c ? eqangle b a b i b i b c",
    "a b c = triangle a b c; o = circle o a b c; e = on_line e b c; d = on_circle d o a, on_line d a e"
    " ? cyclic a b c d",
    "a b c = triangle a b c; m = midpoint m b c; o = circle o a b c ? perp o m b c",
    "a b = segment a b; c = on_circle c a b, on_circle c b a ? cong c a c b",
    "a b c d = quadrangle a b c d; e = intersection_ll e a c b d ? coll a e c",
    "a@0_0 b@4_0 c@1_3 = triangle a b c; d = foot d a b c ? perp a d b c",
    "a b c = triangle; d = s_angle b c d 30, on_line d a b ? aconst c b c d 30",
    "a b c = triangle a b c; d = midpoint d a b; e = midpoint e a c ? rconst d e b c 1/2",
    "a b c = triangle a b c; x y z i = incenter2 x y z i a b c ? cong i x i y",
]

TOKEN = re.compile(r"[=,;?]|[^\s=,;?]+")
REPLACEMENTS = (
    sorted(CONSTRUCTIONS)
    + sorted(PREDICATES)
    + list("abcdehimoxyz")
    + ["=", ",", ";", "?", "@", "a@1_2", "b@-1.5_0", "q@1_", "30", "-15", "1/2", "pi/3", "2pi/0", "0", "1e5",
       "x'", "_", "1a", "é", "€", "\t", "\u00a0"]
)


@pytest.fixture(scope="module", autouse=True)
def _in_an_empty_directory(tmp_path_factory):
    # a one-word input is read as a file name: make sure no file of that name exists
    old = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("empty_cwd"))
    yield
    os.chdir(old)


def _path_like(text: str) -> bool:
    s = text.strip()
    return "\n" not in text and bool(s) and "=" not in s and "?" not in s and " " not in s




def _check_location(line: int, col: int, lines: list[str]) -> None:
    assert line >= 1 and col >= 1
    assert line <= max(1, len(lines))
    if lines:
        assert col <= len(lines[line - 1]) + 2, (line, col, lines[line - 1])


def _run_both(text: str) -> None:
    """load_problems and check on ``text``: only GeoError may escape, with a sane location."""
    lines = [l.rstrip("\r") for l in text.split("\n")]  # the reader splits lines at "\n" only
    try:
        geosolver.load_problems(text)
    except geosolver.GeoError as e:
        assert isinstance(e.message, str) and e.message
        if e.where.file == "<text>":
            _check_location(e.where.line, e.where.col, lines)
        e.format()  # formatting never fails either
    try:
        results = geosolver.check(text)
    except geosolver.GeoError:
        return
    assert results
    for r in results:
        assert r.status in ("ok", "error")
        if r.status == "error":
            assert r.kind in ("syntax", "construction", "diagram", "goal")
            m = HEADER.search(r.error)
            assert m, r.error
            _check_location(int(m["line"]), int(m["col"]), lines)


# --- (a) random text ---------------------------------------------------------------

SYMBOLS = st.sampled_from(list("=,;?@_#'/.-  \n\t") + ["pi", "1/2", "a@1_2", " = ", " ? ", "; "])
WORDS = st.sampled_from(sorted(CONSTRUCTIONS)[:20] + sorted(PREDICATES) + list("abcdxyz"))
CHUNKS = st.one_of(st.text(max_size=6), SYMBOLS, WORDS.map(lambda w: w + " "))
RANDOM_TEXT = st.one_of(st.text(max_size=120), st.lists(CHUNKS, max_size=40).map("".join))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RANDOM_TEXT)
def test_random_text_raises_only_geoerror(text):
    _run_both(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab =,;?@_1\n")), max_size=80))
def test_symbol_soup_raises_only_geoerror(text):
    _run_both(text)


# --- (b) mutated valid problems ------------------------------------------------------


@st.composite
def mutated(draw):
    base = draw(st.sampled_from(VALID))
    toks = TOKEN.findall(base)
    for _ in range(draw(st.integers(1, 4))):
        if not toks:
            break
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert"]))
        i = draw(st.integers(0, len(toks) - 1))
        if op == "delete":
            del toks[i]
        elif op == "duplicate":
            toks.insert(i, toks[i])
        elif op == "swap":
            j = draw(st.integers(0, len(toks) - 1))
            toks[i], toks[j] = toks[j], toks[i]
        elif op == "replace":
            toks[i] = draw(st.sampled_from(REPLACEMENTS))
        else:
            toks.insert(i, draw(st.sampled_from(REPLACEMENTS)))
    return " ".join(toks)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.integers(0, 3))
def test_mutated_problems_raise_only_geoerror_at_their_line(line_text, blanks):
    assume(line_text.strip())
    if blanks:  # the problem on line blanks + 2, after a comment and blank lines
        text = "# mutated\n" + "\n" * blanks + line_text + "\n"
        line = blanks + 2
    else:
        text, line = line_text, 1
    lines = [l.rstrip("\r") for l in text.split("\n")]  # the reader splits lines at "\n" only
    try:
        geosolver.load_problems(text)
    except geosolver.GeoError as e:
        if e.where.file == "<text>":
            assert e.where.line == line, (e.where, str(e))
            assert 1 <= e.where.col <= len(line_text) + 2, (e.where.col, line_text)
    try:
        results = geosolver.check(text)
    except geosolver.GeoError as e:
        assert e.where.line == line or e.where.file != "<text>"
        return
    for r in results:
        if r.status == "error":
            m = HEADER.search(r.error)
            assert m and m["file"] == "<text>", r.error
            assert int(m["line"]) == line, r.error
            assert 1 <= int(m["col"]) <= len(line_text) + 2, r.error
            _check_location(int(m["line"]), int(m["col"]), lines)


# --- (c) printing and parsing again -------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(mutated())
def test_a_parsed_problem_prints_to_an_equivalent_line(line_text):
    assume(not _path_like(line_text))
    try:
        (p,) = geosolver.load_problems(line_text)
    except geosolver.GeoError:
        return
    again = geosolver.parse_problem(str(p))
    assert str(again) == str(p)
    assert again.points == p.points
    assert [g.statement for g in again.goals] == [g.statement for g in p.goals]


@pytest.mark.parametrize("text", VALID)
def test_the_seed_problems_are_valid(text):
    (r,) = geosolver.check(text)
    assert r.status == "ok", r.error
