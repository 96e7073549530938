"""`geosolver verify`: a received proof is checked without solving; each kind of tampered step is
named, a damaged file is bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from geosolver.cli import main
from geosolver.solve import saved_result, solve

CLASSICS = Path(__file__).resolve().parents[1] / "problems" / "classics.txt"


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[Path, dict]:
    """A solved problem whose proof has premise, figure, rule and AR steps, saved as `solve --out` does."""
    result = saved_result(solve(CLASSICS, name="orthic_cyclic"))
    assert {s["kind"] for s in result["proof"]["steps"]} >= {"premise", "figure", "rule", "ar"}
    path = tmp_path_factory.mktemp("verify") / "proof.json"
    path.write_text(json.dumps(result))
    return path, result


def run(capsys, *args) -> tuple[int, str]:
    code = main(["verify", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out + out.err


def tampered(tmp_path: Path, result: dict, kind: str, change) -> tuple[Path, int]:
    """The saved result with the first step of ``kind`` changed; the step's index."""
    bad = copy.deepcopy(result)
    step = next(s for s in bad["proof"]["steps"] if s["kind"] == kind)
    change(step)
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(bad))
    return path, step["index"]


def test_a_saved_proof_verifies(saved, capsys):
    path, result = saved
    code, out = run(capsys, path)
    assert code == 0, out
    assert "verified" in out and f"{len(result['proof']['steps'])} steps" in out


def test_a_bare_proof_and_the_problem_it_must_be_of(saved, tmp_path, capsys):
    path, result = saved
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(result["proof"]))
    assert run(capsys, bare, "--problem", CLASSICS, "--name", "orthic_cyclic")[0] == 0
    code, out = run(capsys, bare, "--problem", CLASSICS, "--name", "orthocenter")
    assert code == 1 and "another problem" in out


def test_a_rule_step_citing_another_rule_is_named(saved, tmp_path, capsys):
    def change(step):
        step["rule"] = "thales" if step["rule"] != "thales" else "midline"

    path, index = tampered(tmp_path, saved[1], "rule", change)
    code, out = run(capsys, path)
    assert code == 1 and f"step {index} (rule" in out, out


def test_an_ar_step_with_another_coefficient_is_named(saved, tmp_path, capsys):
    def change(step):
        step["uses"][0]["coefs"] = [str(2 * int(c.split("/")[0])) + c[len(c.split("/")[0]):]
                                    for c in step["uses"][0]["coefs"]]

    path, index = tampered(tmp_path, saved[1], "ar", change)
    code, out = run(capsys, path)
    assert code == 1 and f"step {index}" in out, out


def test_a_figure_fact_false_in_the_rebuilt_figure_is_named(saved, tmp_path, capsys):
    def change(step):  # ncoll of three points of one line, or the reverse: false either way
        step["fact"] = {"pred": "ncoll", "points": [step["fact"]["points"][0]] * 3, "value": None}

    path, index = tampered(tmp_path, saved[1], "figure", change)
    code, out = run(capsys, path)
    assert code == 1 and f"step {index}" in out, out


def test_a_premise_the_problem_does_not_state_is_named(saved, tmp_path, capsys):
    def change(step):
        step["fact"] = {"pred": "cong", "points": step["fact"]["points"][:4], "value": None}

    path, index = tampered(tmp_path, saved[1], "premise", change)
    code, out = run(capsys, path)
    assert code == 1 and f"step {index}" in out, out


@pytest.mark.parametrize("content", ["not json {", "[1, 2]", '{"format": "other/1"}',
                                     '{"status": "saturated", "proof": null}'])
def test_a_damaged_file_is_bad_input(tmp_path, capsys, content):
    path = tmp_path / "proof.json"
    path.write_text(content)
    code, out = run(capsys, path)
    assert code == 2 and str(path) in out and "Traceback" not in out


def test_a_missing_file_is_bad_input(tmp_path, capsys):
    code, out = run(capsys, tmp_path / "none.json")
    assert code == 2 and "no such file" in out


def test_a_figure_fact_in_its_former_wording_still_verifies():
    """Proofs saved before a figure fact was reworded ('both acute or both obtuse', which read
    oddly for straight angles) verify; a text that says another fact does not."""
    from geosolver.verify import check_saved

    r = solve(CLASSICS, "orthic_cyclic", mode="ddar", timeout=30)
    proof = r.proof
    (pos, step), = [(k, s) for k, s in enumerate(proof["steps"]) if s.get("kind") == "figure"
                    and s["fact"]["pred"] == "sameside"]
    assert step["text"].endswith("are both under 90° or both over 90°")
    assert check_saved(proof) == []
    old = copy.deepcopy(proof)
    old["steps"][pos]["text"] = step["text"].replace("both under 90° or both over 90°", "both acute or both obtuse")
    assert check_saved(old) == []
    wrong = copy.deepcopy(proof)
    wrong["steps"][pos]["text"] = step["text"].replace("∠", "∡", 1)
    assert any("is not its figure fact" in e for e in check_saved(wrong))
