"""The engine end to end: real problems solved, every proof re-checked, and soundness.

Soundness is tested three ways: a goal false in the figure is never solved;
every fact of a saturated state holds in the figure it was deduced on (and
in figures drawn from other seeds, since a proved fact is a theorem of the
construction, not an accident of one drawing); and tampered proofs are
rejected by the checker.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geosolver
from ddar.check import check_proof
from ddar.engine import Engine, Limits
from geosolver.diagram import build_diagram
from geosolver.engine_input import engine_input
from geosolver.solve import solve
from tests.conftest import REPO

CLASSICS = REPO / "problems" / "classics.txt"
CLASSICS_AUX = REPO / "problems" / "classics_aux.txt"

# Bundled classics the engine alone proves (the rest need an auxiliary point,
# or a rule we do not have yet: van_aubel, van_aubel_equal, orthocenter_distance).
CLASSICS_SOLVED = [
    "orthocenter", "centroid", "euler_line", "simson_line", "nine_point_circle", "orthic_incenter",
    "thales", "tangent_lengths", "power_of_a_point", "incenter_excenter_lemma", "miquel", "reim",
    "brahmagupta", "midline_converse", "external_bisector_theorem", "varignon", "napoleon",
]

IMO_SOLVED = [
    "translated_imo_2004_p1", "translated_imo_2004_p5", "translated_imo_2010_p4", "translated_imo_2013_p4",
    "translated_imo_2008_p1a", "translated_imo_2014_p4", "translated_imo_2017_p4", "translated_imo_2022_p4",
]


def _solved_and_checked(r) -> None:
    assert r.status == "solved", (r.name, r.status, r.error)
    assert r.proof_steps > 0
    assert check_proof(r.proof) == []  # solve checked it too; check the JSON as written
    assert json.loads(json.dumps(r.proof)) == r.proof


@pytest.mark.parametrize("name", CLASSICS_SOLVED)
def test_classics_are_proved_and_checked(name):
    _solved_and_checked(solve(CLASSICS, name, timeout=30))


@pytest.mark.parametrize("name", IMO_SOLVED)
def test_imo_problems_are_proved_and_checked(anchors, name):
    _solved_and_checked(solve(anchors / "imo_ag_30.txt", name, timeout=60))


def test_jgex_problems_are_proved_and_checked(anchors):
    problems = geosolver.load_problems(anchors / "jgex_ag_231.txt")[:12]
    results = [solve(p, timeout=30) for p in problems]
    solved = [r for r in results if r.status == "solved"]
    assert len(solved) >= 10, [(r.name, r.status) for r in results]
    for r in solved:
        _solved_and_checked(r)


def test_aux_points_are_the_points_the_goal_does_not_need():
    r = solve(CLASSICS_AUX, "median_third_aux", timeout=30)
    _solved_and_checked(r)
    assert r.aux == ["x"]
    assert [p["name"] for p in r.proof["points"] if p["aux"]] == ["x"]
    plain = solve(CLASSICS_AUX, "median_third", mode="ddar", timeout=30)
    assert plain.status == "saturated" and plain.aux == []


# --- soundness ---------------------------------------------------------------------


def _false_goals(problem, k: int = 4) -> list[str]:
    """Statements over the problem's points that are false in its figure."""
    d = build_diagram(problem, 0)
    names = list(d.points)
    out = []
    for i in range(len(names) - 3):
        a, b, c, e = names[i : i + 4]
        for text in (f"cong {a} {b} {c} {e}", f"para {a} {b} {c} {e}", f"perp {a} {c} {b} {e}", f"coll {a} {b} {e}"):
            from ddar.numeric import holds

            pred, *pts = text.split()
            if not holds(pred, [d.points[p] for p in pts], None, d.scale):
                out.append(text)
    return out[:k]


@pytest.mark.parametrize("name", ["orthocenter", "nine_point_circle", "miquel", "napoleon"])
def test_false_goals_are_never_solved(name):
    problem = geosolver.load_problem(CLASSICS, name)
    body = problem.text.split("?")[0]
    goals = _false_goals(problem)
    assert goals
    for g in goals:
        r = solve(f"{body} ? {g}", timeout=10)
        assert r.status != "solved", g
        assert r.status == "error" and r.error_kind == "goal", (g, r.status, r.error)


def _saturate(problem, seed: int = 0, seconds: float = 20.0):
    e = engine_input(build_diagram(problem, seed, want_goal=False))
    eng = Engine(e.coords, e.scale)
    for f in e.premises:
        eng.add_premise(f)
    report = eng.saturate(limits=Limits(seconds=seconds))
    return e, eng, report


@pytest.mark.parametrize("name", ["nine_point_circle", "napoleon", "incenter_excenter_lemma", "brahmagupta"])
def test_every_saturated_fact_holds_in_this_figure_and_in_others(name):
    problem = geosolver.load_problem(CLASSICS, name)
    e, eng, report = _saturate(problem)
    assert report.status == "saturated"
    assert eng.rejected == []  # no rule ever concluded a fact the figure denies
    assert len(eng.proved) > len(e.premises)
    for f in eng.proved:
        assert eng.holds(f), f.text(e.names)
    # a proved fact is a theorem of the construction: it holds in other drawings too
    for seed in (1, 2):
        other = build_diagram(problem, seed, want_goal=False)
        coords = [other.points[n] for n in e.names]
        for f in eng.proved:
            assert f.holds(coords, other.scale), (seed, f.text(e.names))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CLASSICS_SOLVED[:12]), st.integers(0, 1000))
def test_property_random_seeds_prove_only_true_facts(name, seed):
    problem = geosolver.load_problem(CLASSICS, name)
    r = solve(problem, mode="ddar", timeout=20, seed=seed)
    assert r.status in ("solved", "saturated", "timeout")
    if r.status == "solved":
        assert check_proof(r.proof) == []
    e, eng, _ = _saturate(problem, seed, seconds=10)
    assert eng.rejected == []
    assert all(eng.holds(f) for f in eng.proved)


def test_tampered_proofs_are_rejected():
    r = solve(CLASSICS, "napoleon", timeout=30)
    _solved_and_checked(r)
    proof = r.proof
    ar = next(i for i, s in enumerate(proof["steps"]) if s["kind"] == "ar" and s["uses"])
    bad = copy.deepcopy(proof)
    bad["steps"][ar]["uses"][0]["coefs"][0] = "7/3"
    assert check_proof(bad)
    rule = next(i for i, s in enumerate(proof["steps"]) if s["kind"] == "rule")
    bad = copy.deepcopy(proof)
    var = next(iter(bad["steps"][rule]["binding"]))
    names = [p["name"] for p in proof["points"]]
    bad["steps"][rule]["binding"][var] = next(n for n in names if n not in bad["steps"][rule]["binding"].values())
    assert check_proof(bad)
    bad = copy.deepcopy(proof)
    bad["points"][0]["x"] += 0.5  # another figure: facts fail in it
    assert check_proof(bad)


# --- the command ---------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geosolver", *args], capture_output=True, text=True, cwd=REPO)


def test_cli_solve_prints_a_numbered_proof():
    out = _cli("solve", str(CLASSICS), "--name", "orthocenter")
    assert out.returncode == 0, out.stderr
    assert "[premise]" in out.stdout and "[orthocenter: 2, 3; as drawn: 1]" in out.stdout
    assert "solved in" in out.stdout


def test_cli_solve_json_and_out_dir(tmp_path: Path):
    out = _cli("solve", str(CLASSICS_AUX), "--name", "butterfly_aux", "--json", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"name", "status", "seconds", "proof_steps", "aux", "proof"} <= set(data)
    assert data["status"] == "solved" and data["aux"] == ["e"]
    assert (tmp_path / "proof.txt").read_text().startswith("Proof that")
    assert json.loads((tmp_path / "proof.json").read_text())["proof"] == data["proof"]
    assert (tmp_path / "figure.png").stat().st_size > 10_000


def test_cli_solve_exit_codes():
    assert _cli("solve", str(CLASSICS_AUX), "--name", "median_third", "--mode", "ddar", "--timeout", "20").returncode == 1
    bad = _cli("solve", "a b c = triangle; h = orthocenterr a b c ? perp a h b c")
    assert bad.returncode == 2 and "orthocenterr" in bad.stderr and "Traceback" not in bad.stderr
    false = _cli("solve", "a b c = triangle; h = orthocenter a b c ? perp a b b c")
    assert false.returncode == 2 and "Traceback" not in false.stderr
    assert _cli("solve", str(CLASSICS), "--timeout", "0", "--name", "orthocenter").returncode == 2
    assert _cli("solve", str(CLASSICS)).returncode == 2  # several problems: name one


def test_distance_chasing_adds_lengths_along_a_line():
    r = solve("a b = segment a b; c = midpoint c a b; d = midpoint d c b ? rconst a d a b 3/4")  # 1/2 + 1/4
    _solved_and_checked(r)
    last = r.proof["steps"][-1]
    assert last["kind"] == "ar" and last["table"] == "distance"
    bad = copy.deepcopy(r.proof)
    bad["steps"][-1]["table"] = "ratio"  # lengths add, logs do not
    assert check_proof(bad)


# HL congruence: legs ab = pq and hypotenuses ac = pr of two right triangles give bc = qr
HL = ("a b = segment a b; c = on_tline c b a b; p = free p; q = eqdistance q p a b;"
      " r = on_tline r q p q, eqdistance r p a c ? cong b c q r")


def test_squared_lengths_chase_pythagoras():
    r = solve(HL)
    _solved_and_checked(r)
    last = r.proof["steps"][-1]
    assert last["kind"] == "ar" and last["table"] == "square"
    for table in ("distance", "ratio"):  # lengths and their logs do not square
        bad = copy.deepcopy(r.proof)
        bad["steps"][-1]["table"] = table
        assert check_proof(bad)
    bad = copy.deepcopy(r.proof)
    bad["steps"][-1]["uses"][0]["coefs"] = ["2"]
    assert any("leaves" in e for e in check_proof(bad))


@pytest.mark.parametrize("given, goal", [
    ([("perp", (0, 1, 1, 2), None), ("rconst", (1, 2, 0, 1), Fraction(3, 4))], ("rconst", (0, 2, 0, 1), Fraction(5, 4))),
    ([("rconst", (1, 2, 0, 1), Fraction(3, 4)), ("rconst", (0, 2, 0, 1), Fraction(5, 4))], ("perp", (0, 1, 1, 2), None)),
])
def test_pythagoras_and_its_converse(given, goal):
    """A 3-4-5 triangle right-angled at b: the hypotenuse from the legs, the right angle from the sides."""
    from ddar.facts import Fact

    eng = Engine(np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 3.0]]), 5.0)
    for pred, args, value in given:
        eng.add_premise(Fact.make(pred, args, value))
    g = Fact.make(*goal)
    assert eng.saturate([g], Limits(seconds=10)).status == "solved"
    assert eng.proved[g].kind == "ar" and eng.proved[g].table == "square"


def test_lengths_that_add_up_are_collinear():
    """AC = AB/3 and BC = 2AB/3: AC + CB = AB, so C is on segment AB (Newclid's r84), with the
    order of the three points stated and cited."""
    from ddar.facts import Fact
    from ddar.proof import build_proof

    eng = Engine(np.array([[0.0, 0.0], [3.0, 0.0], [1.0, 0.0]]), 3.0)
    premises = [Fact.make("rconst", (0, 2, 0, 1), Fraction(1, 3)), Fact.make("rconst", (1, 2, 0, 1), Fraction(2, 3))]
    for f in premises:
        eng.add_premise(f)
    goal = Fact.make("coll", (0, 1, 2))
    assert eng.saturate([goal], Limits(seconds=10)).status == "solved"
    assert eng.proved[goal].table == "distance"
    proof = build_proof(eng.proved, [goal], ["a", "b", "c"], eng.coords, eng.scale, premises, "r84")
    assert check_proof(proof) == []
    assert proof["steps"][0]["text"] == "A, C, B lie on their line in this order"
    bad = copy.deepcopy(proof)
    bad["steps"][-1]["figure"] = []
    assert any("without citing the order" in e for e in check_proof(bad))


@given(st.integers(0, 10**6))
@settings(max_examples=25, deadline=None)
def test_square_equations_hold_in_figures(seed):
    """Each squared-length equation of a true fact vanishes at the figure's squared lengths."""
    from ddar.ar import STRIDE, Translator
    from ddar.facts import Fact

    d = geosolver.diagram("a b c = triangle; h = orthocenter a b c; m = midpoint a b; d = on_circle a b"
                          " ? perp a h b c", seed=seed % 50)
    names = list(d.points)
    coords = [tuple(d.points[n]) for n in names]
    i = {n: k for k, n in enumerate(names)}
    tr = Translator(coords)
    facts = [Fact.make("perp", (i["a"], i["h"], i["b"], i["c"])), Fact.make("perp", (i["b"], i["h"], i["a"], i["c"])),
             Fact.make("midp", (i["m"], i["a"], i["b"])), Fact.make("cong", (i["a"], i["b"], i["a"], i["d"])),
             Fact.make("rconst", (i["a"], i["b"], i["m"], i["a"]), 2)]
    for f in facts:
        for eq in tr.equations(f, "square"):
            value = 0.0
            for v, c in eq.items():
                p, q = divmod(v, STRIDE)
                value += float(c) * ((coords[p][0] - coords[q][0]) ** 2 + (coords[p][1] - coords[q][1]) ** 2)
            assert abs(value) < 1e-6 * d.scale**2, (f, eq, value)


def test_adding_an_auxiliary_point_continues_from_the_closure():
    """The search will add points to a saturated engine: deduction resumes, nothing is redone."""
    from ddar.proof import build_proof

    problem = geosolver.load_problem(CLASSICS_AUX, "median_third_aux")
    e = engine_input(build_diagram(problem, 0))
    aux = len(e.names) - 1
    assert e.names[aux] == "x"
    eng = Engine(e.coords[:aux], e.scale)
    for f in e.premises:
        if aux not in f.args:
            eng.add_premise(f)
    first = eng.saturate(e.goals, Limits(seconds=20))
    assert first.status == "saturated"
    known = dict(eng.proved)
    assert eng.add_point(e.coords[aux]) == aux
    for f in e.premises:
        if aux in f.args:
            eng.add_premise(f)
    second = eng.saturate(e.goals, Limits(seconds=20))
    assert second.status == "solved"
    assert all(eng.proved[f] == r for f, r in known.items())  # earlier reasons kept
    assert second.instances > first.instances
    proof = build_proof(eng.proved, e.goals, e.names, e.coords, e.scale, e.premises, "median_third_aux")
    assert check_proof(proof) == []


def _says_a_thing_equals_itself(fact: dict) -> bool:
    """AB = AB, AB ∥ AB, ∠(AB,CD) = ∠(AB,CD), AB/CD = AB/CD, or each side a pair with itself."""
    pts = fact["points"]
    pairs = [frozenset(p) for p in zip(pts[::2], pts[1::2])]
    if fact["pred"] in ("cong", "para"):
        return pairs[0] == pairs[1]
    if fact["pred"] in ("eqangle", "eqratio"):
        return pairs[:2] == pairs[2:] or (pairs[0] == pairs[1] and pairs[2] == pairs[3])
    return False


def test_a_fact_that_repeats_a_pair_is_an_identity(anchors):
    """'AC = AC' is proved by nothing (AR's identity), never by a rule about congruent
    triangles whose proof the reader would have to follow first."""
    jgex = anchors / "jgex_ag_231.txt"
    problems = [p for p in geosolver.load_problems(jgex) if p.name.endswith(("E061-65.gex", "E017-4.gex"))]
    problems += [geosolver.load_problem(CLASSICS, n) for n in ("napoleon", "brahmagupta")]
    identities = 0
    for p in problems:
        r = solve(p, mode="ddar", timeout=30)
        _solved_and_checked(r)
        for s in r.proof["steps"]:
            if s["kind"] != "figure" and _says_a_thing_equals_itself(s["fact"]):
                assert s["kind"] == "ar" and s["uses"] == [], (p.name, s["text"], s["kind"])
                identities += 1
    assert identities >= 3  # E061-65 cites AC = AC, CD = CD, AD = AD and DE = DE


def test_a_goal_that_repeats_a_point_is_refused():
    r = solve("a b c = triangle ? coll a b a")
    assert r.status == "error" and r.error_kind == "goal" and "names a point twice" in r.error
    assert _cli("solve", "a b c = triangle ? perp a a b c").returncode == 2  # false in every figure


def test_results_do_not_depend_on_the_hash_seed(tmp_path: Path):
    """Same problem, same seed: the same proof and figure in any process (Python salts str
    hashes per process, so nothing may depend on the order of a set)."""
    import os

    saved = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-m", "geosolver", "solve", str(CLASSICS), "--name", "nine_point_circle",
                              "--out", str(tmp_path / hash_seed)], capture_output=True, text=True, cwd=REPO, env=env)
        assert out.returncode == 0, out.stderr
        result = json.loads((tmp_path / hash_seed / "proof.json").read_text())
        result.pop("seconds")
        saved.append((result, (tmp_path / hash_seed / "figure.asy").read_text()))
    assert saved[0] == saved[1]


def test_commands_that_do_not_solve_load_no_numba_nor_torch(tmp_path):
    """Start-up is what a CLI user feels first: check, help, render and verify import no solver kernels."""
    from geosolver.solve import saved_result

    saved = tmp_path / "proof.json"
    saved.write_text(json.dumps(saved_result(solve(CLASSICS, name="orthocenter"))))
    for args in (["--help"], ["check", str(CLASSICS), "--name", "orthocenter"],
                 ["render", str(saved), "-o", str(tmp_path / "proof.txt")], ["verify", str(saved)]):
        out = subprocess.run([sys.executable, "-X", "importtime", "-m", "geosolver", *args],
                             capture_output=True, text=True, cwd=REPO)
        assert out.returncode == 0, (args, out.stderr[-2000:])
        loaded = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")}
        assert not {"numba", "torch"} & loaded, args
