"""Malformed and impossible inputs: the right exit code, FILE:LINE:COL, message, and no traceback.

Every case goes through the command line entry point ``geosolver.cli.main``
in-process; a handful also through a real ``python -m geosolver.cli``
subprocess.  Columns below were counted by hand (1-based, in characters).

Exit codes: 0 ok, 1 goal false or figure unbuildable, 2 bad input, 3 a bug.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import geosolver
from geosolver.cli import main

REPO = Path(__file__).resolve().parents[1]
HEADER = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.*)$", re.M)


# --- helpers -----------------------------------------------------------------


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``geosolver`` in-process: (exit code, stdout, stderr); never a traceback."""
    try:
        rc = main(list(argv))
    except SystemExit as e:  # argparse errors exit through SystemExit
        rc = e.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "internal error" not in err, err[:2000]
    return rc, out, err


def run_subprocess(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "geosolver.cli", *argv],
        capture_output=True, text=True, timeout=120, cwd=cwd or REPO, env=env,
    )


UNLOCATED = re.compile(r"^geosolver: error: (?P<msg>.*)$", re.M)  # an option or a file, not a place in a problem


def first_error(err: str) -> re.Match:
    m = HEADER.search(err) or UNLOCATED.search(err)
    assert m, f"no 'FILE:LINE:COL: error:' or 'geosolver: error:' line in stderr:\n{err[:2000]}"
    return m


def assert_error_at(err: str, file: str, line: int, col: int) -> str:
    """The first error line names FILE:LINE:COL exactly; returns the message."""
    m = first_error(err)
    got = (m["file"], int(m["line"]), int(m["col"]))
    assert got == (file, line, col), f"expected {file}:{line}:{col}, got {got}:\n{err[:2000]}"
    return m["msg"]


# --- one problem line, as text and inside a file ---------------------------------


@dataclass
class Case:
    text: str
    rc: int
    col: int
    needles: list[str]
    clause: str | None = None  # the clause the context line must name
    absent: list[str] = field(default_factory=list)


TRI = "a b c = triangle a b c"

CASES: dict[str, Case] = {
    # syntax: '=' and ';' and '?' and ','
    "missing_eq": Case(f"{TRI}; d midpoint d a b", 2, 25, ["expected '='"], "d midpoint d a b"),
    "missing_eq_first_clause": Case("a b c triangle a b c ? coll a b c", 2, 1, ["expected '='"],
                                    "a b c triangle a b c"),
    "two_eq": Case("a b c = = triangle a b c", 2, 9, ["a clause has one '='"], "a b c = = triangle a b c"),
    "two_eq_later_clause": Case(f"{TRI}; d = midpoint d a b = c", 2, 44, ["a clause has one '='"],
                                "d = midpoint d a b = c"),
    "empty_clause": Case(f"{TRI};; d = midpoint d a b", 2, 24, ["empty clause between ';'"]),
    "trailing_semicolon": Case(f"{TRI};", 2, 23, ["empty clause between ';'"]),
    "leading_semicolon": Case(f"; {TRI}", 2, 1, ["empty clause between ';'"]),
    "missing_goal": Case(f"{TRI} ?", 2, 25, ["expected a goal after '?'"]),
    "two_questions": Case(f"{TRI} ? coll a b c ? coll a b c", 2, 37, ["a problem has one '?'"]),
    "nothing_before_question": Case("? coll a b c", 2, 1, ["expected clauses before '?'"]),
    "comma_between_names": Case("a, b c = triangle a b c", 2, 2, ["separated by spaces, not ','"],
                                "a, b c = triangle a b c"),
    "empty_construction": pytest.param(
        Case(f"{TRI}; d = midpoint d a b,, on_line d a b", 2, 44, ["empty construction between ','"],
             "d = midpoint d a b,, on_line d a b"),
    ),
    "no_names_before_eq": Case(f"{TRI}; = midpoint d a b", 2, 25, ["expected the names of the new points"]),
    "nothing_after_eq": Case(f"{TRI}; d =", 2, 28, ["expected a construction after '='"]),
    "empty_goal_between_semicolons": pytest.param(
        Case(f"{TRI} ? cong a b a c; ; coll a b c", 2, 40, ["empty goal"]),
    ),
    "comma_in_goal": Case(f"{TRI} ? cong a b , c", 2, 35, ["unexpected ',' in the goal"]),
    "eq_in_goal": Case(f"{TRI} ? coll a b =", 2, 35, ["unexpected '=' in the goal"]),
    # point names
    "bad_point_name": Case("1a b c = triangle 1a b c", 2, 1, ["bad point name '1a'"], "1a b c = triangle 1a b c"),
    "bad_coordinates": Case("a@1_ b c = triangle a b c", 2, 1, ["bad point coordinates", "'a@1_'"]),
    "bad_coordinates_third_clause": Case("x = free x; y = free y; a@1_ = free a", 2, 25,
                                         ["bad point coordinates", "'a@1_'"], "a@1_ = free a"),
    "name_is_construction": Case(f"{TRI}; midpoint = midpoint midpoint a b", 2, 25,
                                 ["point name 'midpoint'", "name of a construction"]),
    "name_is_predicate": Case(f"{TRI}; perp = midpoint perp a b", 2, 25, ["point name 'perp'"]),
    "non_ascii_name": Case("é b c = triangle é b c", 2, 1, ["unexpected character 'é'", "U+00E9"]),
    "non_ascii_inside_name": Case(f"{TRI}; dé = midpoint dé a b", 2, 26, ["'é'", "U+00E9"]),
    "euro_sign": Case(f"{TRI} €", 2, 24, ["unexpected character '€'", "U+20AC"]),
    # constructions
    "unknown_construction_hint": Case(f"{TRI}; d = midpont d a b", 2, 29,
                                      ["unknown construction 'midpont'", "did you mean 'midpoint'"],
                                      "d = midpont d a b"),
    "unknown_construction_no_hint": Case(f"{TRI}; d = foobar d a b", 2, 29, ["unknown construction 'foobar'"],
                                         absent=["did you mean"]),
    "too_many_args": Case(f"{TRI}; d = midpoint d a b c", 2, 44,
                          ["'midpoint' takes 3 arguments", "(x a b)", "got 4"], "d = midpoint d a b c"),
    "too_few_args": Case(f"{TRI}; d = midpoint d a", 2, 29, ["'midpoint' takes 3 arguments", "got 2"]),
    "undefined_point": Case(f"{TRI}; d = midpoint d a e", 2, 42, ["point 'e' is not defined"],
                            "d = midpoint d a e"),
    "redefined_point": Case(f"{TRI}; a = midpoint a b c", 2, 25, ["point 'a' is already defined"],
                            "a = midpoint a b c"),
    "redefined_in_later_clause": Case(f"{TRI}; d = midpoint d a b; d = midpoint d b c", 2, 45,
                                      ["point 'd' is already defined"], "d = midpoint d b c"),
    "duplicate_in_one_clause": pytest.param(
        Case(f"{TRI}; d d = segment d d", 2, 27, ["'d'"], absent=["defines d d, but the clause declares d d"]),
    ),
    "duplicate_in_one_clause_shorthand": pytest.param(
        Case("a a b = triangle", 2, 3, ["'a'"], absent=["defines a a b, but the clause declares a a b"]),
    ),
    "output_not_in_clause": Case(f"{TRI}; d = midpoint x a b", 2, 38, ["creates its argument x", "got 'x'"]),
    "input_is_being_defined": Case(f"{TRI}; d = midpoint d d b", 2, 40, ["point 'd' is being defined"]),
    "outputs_not_the_clause_points": Case("a b c = triangle d e f", 2, 18, ["'triangle' creates its argument a"]),
    "repeated_points_midpoint": Case(f"{TRI}; x = midpoint x a a", 2, 29, ["'midpoint' needs diff a a"],
                                     "x = midpoint x a a"),
    "repeated_points_circle": Case(f"{TRI}; x = circle x a a b", 2, 29, ["'circle' needs ncoll a a b"]),
    "multi_point_free_combined": Case(f"{TRI}; d = free d, on_line d a b", 2, 29,
                                      ["construction 'free'", "cannot be combined"], "d = free d, on_line d a b"),
    "multi_point_segment_combined": Case(f"{TRI}; d e = segment d e, square a b d e", 2, 31,
                                         ["construction 'segment'", "cannot be combined"]),
    "angle_argument_unreadable": Case(f"{TRI}; d = s_angle a b d 60deg", 2, 43, ["is an angle", "'60deg'"]),
    # goals
    "undefined_point_in_goal": Case(f"{TRI} ? perp a b c e", 2, 37, ["point 'e' in the goal is not defined"]),
    "unknown_predicate": Case(f"{TRI} ? perpp a b c a", 2, 26,
                              ["unknown predicate 'perpp'", "did you mean 'perp'"]),
    "goal_too_few_points": Case(f"{TRI} ? perp a b c", 2, 26, ["'perp' takes 4 points", "got 3"]),
    "goal_too_many_points": Case(f"{TRI} ? midp a b c a", 2, 37, ["'midp' takes 3 points", "got 4"]),
    "goal_variadic_too_few": Case(f"{TRI} ? coll a b", 2, 26, ["'coll' takes 3 or more points"]),
    "goal_bad_point_name": Case(f"{TRI} ? coll a b 1c", 2, 35, ["expected a point name", "'1c'"]),
    "aconst_word": Case(f"{TRI} ? aconst a b a c foo", 2, 41, ["bad angle constant 'foo'"]),
    "aconst_zero_denominator": Case(f"{TRI} ? aconst a b a c 2pi/0", 2, 41, ["bad angle constant '2pi/0'"]),
    "aconst_missing": Case(f"{TRI} ? aconst a b a c", 2, 40, ["'aconst' needs a constant"]),
    "rconst_zero": Case(f"{TRI} ? rconst a b a c 0", 2, 41, ["bad ratio constant '0'"]),
    "rconst_negative": Case(f"{TRI} ? rconst a b a c -1/2", 2, 41, ["bad ratio constant '-1/2'"]),
    "rconst_division_by_zero": Case(f"{TRI} ? rconst a b a c 1/0", 2, 41, ["bad ratio constant '1/0'"]),
    "rconst_missing": Case(f"{TRI} ? rconst a b a c", 2, 40, ["'rconst' needs a constant"]),
    # figures: exit 1
    "goal_false": Case(f"{TRI} ? coll a b c", 1, 26, ["the goal 'coll a b c' is false in the figure"]),
    "second_goal_false": Case(f"{TRI}; d = midpoint d a b ? coll d a b; perp a b a b", 1, 58,
                              ["the goal 'perp a b a b' is false"]),
    "circle_through_collinear_points": Case(
        "a b = segment a b; c = on_line c a b; o = circle o a b c ? cong o a o b", 1, 39,
        ["clause 3 'o = circle o a b c' could not be realised", "ncoll a b c"], "o = circle o a b c"),
    "tangent_from_inside_circle": Case(
        "o a = segment o a; p = midpoint p o a; x y = tangent x y p o a", 1, 40,
        ["clause 3", "could not be realised", "not outside the circle"], "x y = tangent x y p o a"),
    "parallel_lines": Case(f"{TRI}; d = on_pline d c a b, on_line d a b", 1, 25,
                           ["clause 2", "could not be realised", "do not meet"]),
    "same_fixed_coordinates": Case("a@1_2 = free a; b@1_2 = free b", 1, 17, ["clause 2", "coincides with a"]),
    "identical_lines": pytest.param(
        Case(f"{TRI}; d = on_line d a b, on_line d a b", 1, 25, ["clause 2", "could not be realised"],
             absent=["do not meet"]),
    ),
}


FILE_ONLY_BUGS: dict = {}


def _params(extra_marks: dict | None = None) -> list:
    out = []
    for name, c in CASES.items():
        values, marks = ((c,), []) if isinstance(c, Case) else (c.values, list(c.marks))
        if extra_marks and name in extra_marks:
            marks.append(extra_marks[name])
        out.append(pytest.param(*values, marks=marks, id=name))
    return out


def _check_case(case: Case, rc: int, err: str, file: str, line: int, col: int, problem: str) -> None:
    assert rc == case.rc, err
    msg = assert_error_at(err, file, line, col)
    for needle in case.needles:
        assert needle in err, f"{needle!r} not in:\n{err}"
    for bad in case.absent:
        assert bad not in msg, f"{bad!r} in {msg!r}"
    assert f"in problem '{problem}'" in err
    if case.clause is not None:
        assert f"clause '{case.clause}'" in err


@pytest.mark.parametrize("case", _params())
def test_bad_problem_as_text(case: Case, capsys):
    rc, out, err = cli(capsys, "check", case.text)
    _check_case(case, rc, err, "<text>", 1, case.col, "problem")
    # the API reports the same error, with a kind that matches the exit code
    (r,) = geosolver.check(case.text)
    assert r.status == "error" and r.error.strip() in err
    assert r.kind in (("diagram", "goal") if case.rc == 1 else ("syntax", "construction"))


@pytest.mark.parametrize("case", _params(FILE_ONLY_BUGS))
def test_bad_problem_in_a_file(case: Case, capsys, tmp_path):
    # line 4, indented by two spaces: the column moves by 2
    f = tmp_path / "probs.txt"
    f.write_text(f"# a header comment\n\nprobe\n  {case.text}\n", encoding="utf-8")
    rc, out, err = cli(capsys, "check", str(f))
    _check_case(case, rc, err, str(f), 4, case.col + 2, "probe")


def test_json_report_keeps_the_location(capsys):
    rc, out, err = cli(capsys, "check", f"{TRI}; d = midpont d a b", "--json")
    assert rc == 2
    import json

    (row,) = json.loads(out)
    assert row["status"] == "error" and row["kind"] == "construction"
    assert row["error"].startswith("<text>:1:29: error: unknown construction 'midpont'")


def test_empty_clause_context_does_not_name_the_previous_clause(capsys):
    rc, out, err = cli(capsys, "check", f"{TRI};; d = midpoint d a b")
    assert rc == 2
    assert_error_at(err, "<text>", 1, 24)
    assert f"clause '{TRI}'" not in err


# --- numbers too big for a float -------------------------------------------------------

BIG = "9" * 400


@pytest.mark.parametrize(
    "text, col",
    [
        pytest.param(f"a b = segment a b; d = s_angle a b d {BIG}", 38, id="s_angle_degrees"),
        pytest.param(f"{TRI} ? aconst a b a c {BIG}", 41, id="aconst_degrees"),
        pytest.param(f"{TRI} ? rconst a b a c {BIG}", 41, id="rconst_ratio"),
    ],
)
def test_huge_numeric_constant_is_bad_input(text, col, capsys):
    rc, out, err = cli(capsys, "check", text)
    assert rc == 2
    assert_error_at(err, "<text>", 1, col)


# --- whole inputs and files -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n"], ids=["empty", "spaces", "newlines"])
def test_empty_text(text, capsys):
    rc, out, err = cli(capsys, "check", text)
    assert rc == 2
    msg = assert_error_at(err, "<text>", 1, 1)
    assert "no problems found" in msg


@pytest.mark.parametrize("content", ["", "# a comment\n\n   # an indented comment\n# a = b ? c\n"],
                         ids=["empty_file", "only_comments"])
def test_file_with_no_problem(content, tmp_path, capsys):
    f = tmp_path / "none.txt"
    f.write_text(content)
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    assert "no problems found" in assert_error_at(err, str(f), 1, 1)


def test_name_line_without_problem_line_at_the_end(tmp_path, capsys):
    f = tmp_path / "names.txt"
    f.write_text(f"# header\n\nfirst\n{TRI}\n\northocenter\n")
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    msg = assert_error_at(err, str(f), 6, 1)
    assert "problem 'orthocenter' has no problem line" in msg


def test_two_name_lines_in_a_row(tmp_path, capsys):
    f = tmp_path / "names.txt"
    f.write_text(f"# header\nfirst\nsecond\n{TRI}\n")
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    msg = assert_error_at(err, str(f), 2, 1)
    assert "problem 'first' has no problem line" in msg and "'='" in msg


def test_problem_without_any_eq_says_what_is_missing(capsys):
    rc, out, err = cli(capsys, "check", "a b c triangle a b c")
    assert rc == 2
    msg = assert_error_at(err, "<text>", 1, 1)
    assert "'='" in msg


def test_error_on_line_5_of_a_file_with_good_problems(tmp_path, capsys):
    f = tmp_path / "mixed.txt"
    f.write_text(
        "good\n"
        f"{TRI}; h = orthocenter h a b c ? perp a h b c\n"
        "\n"
        "bad   # a name line with a comment\n"
        "   a b c = triangle a b c; h = orthocentre h a b c ? perp a h b c   # typo\n"
        "\n"
        "also_good\n"
        f"{TRI}; m = midpoint m a b ? coll m a b\n"
    )
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    msg = assert_error_at(err, str(f), 5, 32)
    assert "unknown construction 'orthocentre'" in msg and "did you mean 'orthocenter'" in msg
    assert "in problem 'bad'" in err and "clause 'h = orthocentre h a b c'" in err
    assert "3 problems: 2 ok, 1 with errors" in out
    assert len(HEADER.findall(err)) == 1


def test_too_many_points(tmp_path, capsys):
    f = tmp_path / "big.txt"
    text = "; ".join(f"p{i} = free p{i}" for i in range(600))
    f.write_text("big\n" + text + "\n")
    # p0..p9: 14 characters with '; ', p10..p99: 16, p100..p499: 18, so p500 starts at column 8781
    assert text.index("p500 = free p500") + 1 == 1 + 10 * 14 + 90 * 16 + 400 * 18 == 8781
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    msg = assert_error_at(err, str(f), 2, 8781)
    assert "too many points" in msg and "500" in msg
    assert "clause 'p500 = free p500'" in err


def test_one_megabyte_line_of_garbage(tmp_path, capsys):
    rnd = random.Random(1234)
    garbage = "".join(rnd.choice("abcxyz01_@ =,;?") for _ in range(1_000_000))
    f = tmp_path / "garbage.txt"
    f.write_text("# junk follows\n" + garbage + "\n")
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    m = first_error(err)
    assert (m["file"], int(m["line"])) == (str(f), 2)
    assert 1 <= int(m["col"]) <= len(garbage) + 1


def test_one_megabyte_name_line(tmp_path, capsys):
    f = tmp_path / "x.txt"
    f.write_text("x" * 1_000_000 + "\n")
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    assert "has no problem line" in assert_error_at(err, str(f), 1, 1)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("x" * 1_000_000 + "\n", id="name_line"),
        pytest.param(f"{TRI} ? " + "z" * 1_000_000 + "\n", id="goal_predicate"),
        pytest.param(f"{TRI}; d = midpoint d a b " + " c" * 100_000 + "\n", id="clause"),
    ],
)
def test_error_for_a_huge_line_is_short(content, tmp_path, capsys):
    f = tmp_path / "huge.txt"
    f.write_text(content)
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    first_error(err)
    assert len(err) < 10_000


def test_ten_thousand_blank_lines_then_a_problem(tmp_path, capsys):
    f = tmp_path / "blank.txt"
    f.write_text("\n" * 10_000 + f"{TRI}; d = midpont d a b\n")
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    assert "unknown construction 'midpont'" in assert_error_at(err, str(f), 10_001, 29)
    assert "in problem 'line10001'" in err


def test_ten_thousand_blank_lines_then_a_good_problem(tmp_path, capsys):
    f = tmp_path / "blank.txt"
    f.write_text("\n" * 10_000 + f"{TRI}; h = orthocenter h a b c ? perp a h b c\n")
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 0, err
    assert "1 problems: 1 ok" in out


@pytest.mark.parametrize("ch", ["\x0c", "\x85", "\u2028"], ids=["form_feed", "NEL", "line_separator"])
def test_unicode_line_breaks_in_a_comment_keep_line_numbers(ch, tmp_path, capsys):
    f = tmp_path / "ff.txt"
    f.write_text(f"# see{ch}page two\n{TRI}; d = midpont d a b\n", encoding="utf-8")
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    assert_error_at(err, str(f), 2, 29)
    assert "in problem 'line2'" in err


def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nope" / "missing.txt"
    rc, out, err = cli(capsys, "check", str(missing))
    assert rc == 2
    msg = assert_error_at(err, str(missing), 1, 1)
    assert "no such problem file" in msg and "missing.txt" in msg


@pytest.mark.parametrize("length", [256, 5000])
def test_overlong_file_name(length, capsys):
    rc, out, err = cli(capsys, "check", "x" * length)
    assert rc == 2
    assert "no such problem file" in first_error(err)["msg"]


def test_not_utf8_names_the_file_and_line(tmp_path, capsys):
    f = tmp_path / "latin1.txt"
    f.write_bytes(b"# ok\nname\n\xff\xfe = triangle\n")
    rc, out, err = cli(capsys, "check", str(f))
    assert rc == 2
    assert str(f) in err
    assert "not UTF-8" in first_error(err)["msg"]
    assert_error_at(err, str(f), 3, 1)


@pytest.mark.parametrize("argv, needle", [
    (["check", TRI, "--seed", "abc"], "invalid int value: 'abc'"),
    (["check", TRI, "--seed", "1.5"], "invalid int value: '1.5'"),
    (["check", TRI, "--seed"], "expected one argument"),
    (["check"], "required"),
    (["frobnicate", TRI], "invalid choice: 'frobnicate'"),
    ([], "required"),
], ids=["seed_word", "seed_float", "seed_missing", "no_source", "bad_command", "nothing"])
def test_bad_options(argv, needle, capsys):
    rc, out, err = cli(capsys, *argv)
    assert rc == 2
    assert "error:" in err and needle in err
    assert "usage:" in err


def test_a_missing_model_file_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GEOSOLVER_MODEL", raising=False)
    missing = tmp_path / "model.safetensors"
    rc, out, err = cli(capsys, "solve", TRI + " ? cong a b a c", "--mode", "neural", "--model", str(missing))
    assert rc == 2 and "--model: no file" in err and str(missing) in err
    assert "GEOSOLVER_MODEL" not in os.environ


def test_unknown_problem_name(capsys):
    rc, out, err = cli(capsys, "check", f"{TRI}; h = orthocenter h a b c", "--name", "orthocentre")
    assert rc == 2
    assert "no problem named 'orthocentre'" in assert_error_at(err, "<text>", 1, 1)


def test_draw_unsupported_extension(tmp_path, capsys):
    out_file = tmp_path / "out.jpg"
    rc, out, err = cli(capsys, "draw", TRI, "-o", str(out_file))
    assert rc == 2
    msg = first_error(err)["msg"]
    assert ".png or .svg" in msg and "out.jpg" in msg
    assert not out_file.exists()


def test_draw_false_goal(tmp_path, capsys):
    out_file = tmp_path / "out.png"
    rc, out, err = cli(capsys, "draw", f"{TRI} ? coll a b c", "-o", str(out_file))
    assert rc == 1
    assert "the goal 'coll a b c' is false" in assert_error_at(err, "<text>", 1, 26)
    assert not out_file.exists()


def test_draw_syntax_error_in_a_file(tmp_path, capsys):
    f = tmp_path / "p.txt"
    f.write_text(f"p\n{TRI}; d = midpoint d a e\n")
    rc, out, err = cli(capsys, "draw", str(f), "-o", str(tmp_path / "p.svg"))
    assert rc == 2
    assert "point 'e' is not defined" in assert_error_at(err, str(f), 2, 42)


# --- the same through a real process -------------------------------------------------------


@pytest.mark.parametrize(
    "argv, rc, where, needle",
    [
        (["check", f"{TRI}; d = midpont d a b"], 2, "<text>:1:29", "did you mean 'midpoint'"),
        (["check", f"{TRI} ? coll a b c"], 1, "<text>:1:26", "is false in the figure"),
        (["check", "a, b c = triangle a b c"], 2, "<text>:1:2", "not ','"),
        (["check", "é b c = triangle é b c"], 2, "<text>:1:1", "U+00E9"),
        (["check", "missing_problem_file.txt"], 2, "missing_problem_file.txt:1:1", "no such problem file"),
        (["check", TRI, "--seed", "abc"], 2, None, "invalid int value"),
        (["draw", TRI, "-o", "out.jpg"], 2, None, ".png or .svg"),
    ],
    ids=["unknown_construction", "false_goal", "comma", "non_ascii", "missing_file", "bad_seed", "draw_jpg"],
)
def test_subprocess_prints_no_traceback(argv, rc, where, needle, tmp_path):
    p = run_subprocess(*argv, cwd=tmp_path)
    assert p.returncode == rc, p.stderr
    assert "Traceback" not in p.stdout + p.stderr
    assert "internal error" not in p.stderr
    assert "error:" in p.stderr and needle in p.stderr
    if where:
        assert re.search(rf"^{re.escape(where)}: error: ", p.stderr, re.M), p.stderr
    assert not (tmp_path / "out.jpg").exists()


def test_subprocess_non_utf8_file(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes(b"\xff\xfe\x00 = triangle\n")
    p = run_subprocess("check", str(f), cwd=tmp_path)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "not UTF-8" in p.stderr
