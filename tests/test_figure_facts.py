"""Figure facts: what a proof reads off the figure is stated ("As drawn"), cited, and checked
on a figure the checker rebuilds from the problem text (issue: proof trust)."""

import copy

import numpy as np
import pytest

from ddar.figure_facts import FigureFact, figure_text
from ddar.proof import format_proof
from geosolver.render.page import proof_page
from geosolver.solve import saved_result, solve
from geosolver.verify import check_saved
from tests.conftest import REPO

CLASSICS = REPO / "problems" / "classics.txt"
EQ_TRIANGLE = "a b = segment; c = eq_triangle a b ? aconst a b a c {}"
ON_LINE = "a b = segment; m = midpoint a b; c = on_line a b, eqdistance m a b ? rconst a b a c {}"


def proved(text: str) -> dict:
    r = solve(text)
    assert r.status == "solved", r.error
    assert check_saved(r.proof) == []
    return r.proof


def drawn(proof: dict, pred: str) -> list[dict]:
    return [s for s in proof["steps"] if s["kind"] == "figure" and s["fact"]["pred"] == pred]


def without_step(proof: dict, k: int) -> dict:
    """The proof with step k removed, the rest renumbered and every citation of k dropped."""
    p = copy.deepcopy(proof)
    p["steps"] = [s for s in p["steps"] if s["index"] != k]
    shift = lambda i: i - (i > k)  # noqa: E731
    for s in p["steps"]:
        s["index"] = shift(s["index"])
        if s["kind"] == "ar":
            s["uses"] = [{**u, "step": shift(u["step"])} for u in s["uses"]]
        elif "uses" in s:
            s["uses"] = [shift(u) for u in s["uses"]]
        if "figure" in s:
            s["figure"] = [shift(i) for i in s["figure"] if i != k]
    return p


def uncited(proof: dict, k: int) -> dict:
    """The proof with figure step k kept but cited by no step."""
    p = copy.deepcopy(proof)
    for s in p["steps"]:
        if "figure" in s:
            s["figure"] = [i for i in s["figure"] if i != k]
    return p


# The order of points on a line decides a distance chase ("order") or a ratio resolution ("sameside").
@pytest.mark.parametrize("pair, preds", [((EQ_TRIANGLE.format("pi/3"), EQ_TRIANGLE.format("2pi/3")), ("angle_range",)),
                                         ((ON_LINE.format("2"), ON_LINE.format("2/3")), ("order", "sameside"))])
def test_the_figure_fact_that_decides_is_stated_and_needed(pair, preds):
    proofs = [proved(text) for text in pair]
    deciding = [[s for pred in preds for s in drawn(p, pred)] for p in proofs]
    assert all(deciding), "each proof states the figure fact that decides it"
    # the two goals differ only in the configuration: their proofs differ exactly there
    assert [s["text"] for s in deciding[0]] != [s["text"] for s in deciding[1]]
    for proof, facts in zip(proofs, deciding):
        for step in facts:
            assert any(step["index"] in s.get("figure", []) for s in proof["steps"]), "some step cites it"
            errors = check_saved(without_step(proof, step["index"]))
            assert errors, f"accepted without {step['text']}"
            assert any(w in e for e in errors for w in ("branch", "without citing the order", "is not a figure fact")), errors
            assert check_saved(uncited(proof, step["index"])), f"accepted without citing {step['text']}"


def test_angle_branch_texts_name_the_configuration():
    third = drawn(proved(EQ_TRIANGLE.format("pi/3")), "angle_range")
    two_thirds = drawn(proved(EQ_TRIANGLE.format("2pi/3")), "angle_range")
    assert [s["text"] for s in third] == ["pi/6 < ∠(AB,AC) < pi/2"]
    assert [s["text"] for s in two_thirds] == ["pi/2 < ∠(AB,AC) < 5pi/6"]


def test_a_branch_fact_from_the_other_configuration_is_rejected():
    proof = proved(EQ_TRIANGLE.format("pi/3"))
    step = drawn(proof, "angle_range")[0]
    step["fact"]["value"] = ["1/2", "5/6"]  # the 2pi/3 triangle's range: false here, and off the branch
    errors = check_saved(proof)
    assert any("false in the problem's figure" in e for e in errors), errors
    assert any("right branch" in e for e in errors), errors


def test_a_range_too_wide_to_fix_the_branch_is_rejected():
    proof = proved(EQ_TRIANGLE.format("pi/3"))
    step = drawn(proof, "angle_range")[0]
    step["fact"]["value"] = ["0", "9/10"]  # true in the figure, but it holds pi/3 and 2pi/3 alike
    step["text"] = figure_text(step["fact"])
    errors = check_saved(proof)
    assert errors and all("right branch" in e for e in errors), errors


def test_moved_points_and_another_source_are_rejected():
    proof = proved(EQ_TRIANGLE.format("pi/3"))
    moved = copy.deepcopy(proof)
    moved["points"][2]["y"] = -moved["points"][2]["y"]  # c mirrored: the other configuration
    assert any("c is not where the problem's figure puts it" in e for e in check_saved(moved))
    reseeded = copy.deepcopy(proof)
    reseeded["source"]["seed"] = 1
    assert any("not where the problem's figure puts it" in e for e in check_saved(reseeded))
    other = copy.deepcopy(proof)
    other["source"]["text"] = "a b = segment; c = on_tline a a b ? perp a b a c"
    assert check_saved(other)
    for broken in (None, {"text": 3, "seed": 0}, {"text": "a b = segment", "seed": "0"}):
        bad = copy.deepcopy(proof)
        bad["source"] = broken
        assert any("source" in e for e in check_saved(bad))
    garbled = copy.deepcopy(proof)
    garbled["source"]["text"] = "a b = segmnt ? cong a b a b"
    assert any("cannot be rebuilt" in e for e in check_saved(garbled))


def test_rule_checks_are_figure_facts():
    proof = proved(solve(CLASSICS, name="orthocenter").diagram.problem)
    [ncoll] = drawn(proof, "ncoll")
    assert ncoll["text"] == "A, B, C are not collinear"
    rule = next(s for s in proof["steps"] if s["kind"] == "rule")
    assert rule["figure"] == [ncoll["index"]]
    assert any("is not a figure fact the step cites" in e for e in check_saved(uncited(proof, ncoll["index"])))
    assert "As drawn:\n   1. A, B, C are not collinear\nSteps:" in format_proof(proof)


def test_rule_checks_of_each_kind_in_real_proofs():
    """The kinds of readings the rules need show up in real proofs, each passing the rebuilt-figure check."""
    kinds = set()
    for name in ("euler_line", "nine_point_circle", "miquel"):
        proof = proved(solve(CLASSICS, name=name).diagram.problem)
        kinds |= {s["fact"]["pred"] for s in proof["steps"] if s["kind"] == "figure"}
    assert {"ncoll", "npara", "sameclock", "sameside", "angle_range"} <= kinds, kinds


def test_the_configuration_is_said_out_loud():
    r = solve(EQ_TRIANGLE.format("pi/3"))
    conf = r.proof["configuration"]
    assert 0 < conf["goal_false"] < conf["figures"]
    note = f"proved for the configuration drawn; the goal is false in {conf['goal_false']} of {conf['figures']} figures tried"
    assert r.to_json()["note"] == note
    assert f"Note: {note}." in r.proof_text()
    assert note[1:] in proof_page(saved_result(r))
    plain = solve("a b c = triangle; h = orthocenter h a b c ? perp a h b c")
    assert plain.proof["configuration"]["goal_false"] == 0
    assert "note" not in plain.to_json() and "Note:" not in plain.proof_text()


def test_each_kind_of_figure_fact_in_numbers():
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [0.0, 2.0], [1.0, 1.0]])  # a b c on a line; d, e off it
    names = "abcde"
    cases = [
        (FigureFact("order", (0, 1, 2)), True, "A, B, C lie on their line in this order"),
        (FigureFact("order", (1, 0, 2)), False, None),
        (FigureFact("ncoll", (0, 1, 3)), True, "A, B, D are not collinear"),
        (FigureFact("ncoll", (0, 1, 2)), False, None),
        (FigureFact("npara", (0, 4, 1, 3)), True, "AE is not parallel to BD"),
        (FigureFact("npara", (0, 3, 1, 4)), False, None),
        (FigureFact("nperp", (0, 1, 0, 3)), False, "AB is not perpendicular to AD"),
        (FigureFact("sameclock", (0, 1, 3, 0, 1, 4)), True, "ABD and ABE turn the same way"),
        (FigureFact("sameclock", (0, 1, 3, 1, 0, 4)), False, None),
        (FigureFact("sameside", (1, 0, 2, 4, 3, 1)), True, "∠ABC and ∠DEB are both under 90° or both over 90°"),
        (FigureFact("sameside", (1, 0, 2, 0, 1, 2)), False, None),  # b is inside ac, a is not inside bc
        (FigureFact("diff", (0, 1)), True, "A ≠ B"),
        # the angle from ab to ae is pi/4
        (FigureFact("angle_range", (0, 1, 0, 4), (0, 1 / 2)), True, "0pi < ∠(AB,AE) < pi/2"),
        (FigureFact("angle_range", (0, 1, 0, 4), (1 / 2, 1)), False, None),
        (FigureFact("angle_range", (0, 1, 0, 4), (-7 / 8, -5 / 8)), True, None),  # pi/4 - pi, mod pi
        # pi/4 (ab to ae) minus pi/2 (ab to ad): -pi/4
        (FigureFact("angle_range", (0, 1, 0, 4, 0, 1, 0, 3), (-1 / 3, -1 / 6)), True,
         "-pi/3 < ∠(AB,AE) − ∠(AB,AD) < -pi/6"),
    ]
    from fractions import Fraction

    for fact, holds, text in cases:
        if fact.value is not None:
            fact = FigureFact(fact.pred, fact.args, tuple(Fraction(v).limit_denominator() for v in fact.value))
        assert fact.holds(pts, 3.0) is holds, fact
        if text:
            assert fact.text(names) == text
            assert figure_text(fact.json(names)) == text


def test_a_figure_fact_cited_as_a_fact_proves_nothing():
    """A figure step is no premise: citing it where facts go must not let a step through."""
    proof = proved(EQ_TRIANGLE.format("pi/3"))
    forged = copy.deepcopy(proof)
    forged["configuration"] = {"figures": 8, "goal_false": 0}
    forged["steps"] = [{"index": 1, "kind": "figure", "fact": {"pred": "diff", "points": ["a", "b"], "value": None},
                        "text": "A ≠ B"},
                       {"index": 2, "kind": "subset", "uses": [1], "fact": proof["goals"][0], "text": "aconst a b a c pi/3"}]
    assert any("a figure fact, not a fact" in e for e in check_saved(forged))
    step = next(s for s in proof["steps"] if s["kind"] == "ar" and s["figure"])
    moved = copy.deepcopy(proof)
    target = next(s for s in moved["steps"] if s["index"] == step["index"])
    target["uses"].insert(0, {"step": step["figure"][0], "coefs": ["5"]})
    target["figure"] = []
    assert any("a figure fact, not a fact" in e for e in check_saved(moved))


def test_what_the_reader_sees_is_checked():
    proof = proved(EQ_TRIANGLE.format("pi/3"))
    for change in ("configuration", "text", "figure text", "problem"):
        p = copy.deepcopy(proof)
        if change == "configuration":
            p["configuration"]["goal_false"] = 0  # would hide "proved for the configuration drawn"
        elif change == "text":
            p["steps"][-1]["text"] = "aconst a b a c 2pi/3"
        elif change == "figure text":
            drawn(p, "angle_range")[0]["text"] = "pi/2 < ∠(AB,AC) < 5pi/6"
        else:
            from geosolver.language import parse_problem

            expected = parse_problem(ON_LINE.format("2"))
            assert any("another problem" in e for e in check_saved(p, expected=expected))
            continue
        assert check_saved(p), change


def test_damaged_sources_and_huge_bounds_are_messages():
    proof = proved(EQ_TRIANGLE.format("pi/3"))
    p = copy.deepcopy(proof)
    p["source"]["seed"] = -1
    assert any("source" in e for e in check_saved(p))
    p = copy.deepcopy(proof)
    step = drawn(p, "angle_range")[0]
    n = 40257678620673558
    step["fact"]["value"] = [f"{6 * n + 3}/6", f"{6 * n + 5}/6"]  # (n + 1/2, n + 5/6): excludes pi/3
    step["text"] = figure_text(step["fact"])
    assert any("false in the problem's figure" in e for e in check_saved(p))


@pytest.mark.parametrize("fact", ["para a b c d", "perp a b c d", "aconst a b c d 1/3", "coll a b c",
                                  "eqangle a b c d e f g h"])
def test_the_solver_and_the_checker_read_one_angle_off_a_conclusion(fact):
    """The branch fact the solver states is on the very angle the checker derives from the target."""
    from fractions import Fraction

    from ddar.check import PI, _angle_expr, target_equation
    from ddar.facts import Fact
    from ddar.figure_facts import branch_fact
    from ddar.proof import _target_angle

    pred, *pts = fact.split()
    value = Fraction(pts.pop()) if pred == "aconst" else None
    f = Fact.make(pred, ["abcdefgh".index(p) for p in pts], value)
    angle, constant = _target_angle(f)
    target = target_equation(f, "angle")
    assert _angle_expr(branch_fact(angle, constant, 2)) == {v: c for v, c in target.items() if v != PI}
    assert constant == -target.get(PI, 0)
