"""Wu's method (`solve --mode algebra`): proofs on real problems, their certificates re-checked
with the checker's own arithmetic, false goals never proved, tampering and degenerate figures
refused."""

from __future__ import annotations

import copy
import random
import time
from pathlib import Path

import numpy as np
import pytest

import geosolver
from ddar.check_algebra import Poly, check_algebra, parse_poly
from ddar.facts import Fact
from geosolver.diagram import build_diagram
from geosolver.language import Goal, load_problems
from geosolver.statement import Statement
from geosolver.verify import check_saved
from geosolver.wu import OverBudget, interrupt_at, prove

CLASSICS = Path(__file__).resolve().parents[1] / "problems" / "classics.txt"


@pytest.mark.parametrize("name", ["orthocenter", "butterfly", "reim", "simson_line", "nine_point_circle"])
def test_classics_are_proved_and_the_certificate_checks(name):
    r = geosolver.solve(CLASSICS, name=name, mode="algebra", timeout=30)
    assert r.status == "solved", r.error
    last = r.proof["steps"][-1]
    assert last["kind"] == "algebra" and last["certificate"]["triangular"]
    assert check_saved(r.proof) == []
    assert r.algebraic and r.to_json(False)["algebraic"]
    assert not geosolver.solve(CLASSICS, name=name, mode="ddar", timeout=30).algebraic


def test_angles_with_a_tangent_in_a_quadratic_field_use_its_root():
    """Napoleon's 60 degree angles: sqrt3 is a variable, fixed first in the set by sqrt3**2 - 3
    (the proof covers both roots: the other one turns every triangle inwards, where the theorem
    holds too); the checker knows the radical, and refuses another in its place."""
    r = geosolver.solve(CLASSICS, name="napoleon", mode="algebra", timeout=60)
    assert r.status == "solved", r.error
    first = r.proof["steps"][-1]["certificate"]["triangular"][0]
    assert first == {"variable": "sqrt3", "poly": "sqrt3**2 - 3", "made": {"radical": 3}}
    assert check_saved(r.proof) == []
    bad = copy.deepcopy(r.proof)
    bad["steps"][-1]["certificate"]["triangular"][0]["made"] = {"radical": 2}
    assert any("not the one its provenance makes" in e for e in check_saved(bad))
    # 22.5 degrees: sqrt2
    octant = geosolver.solve("a b = segment a b; x = s_angle b a x 22.5, s_angle a b x -22.5; m = midpoint m a b"
                             " ? perp x m a b", mode="algebra", timeout=30)
    assert octant.status == "solved" and check_saved(octant.proof) == []


def test_an_angle_constant_without_such_a_tangent_is_not_claimed():
    r = geosolver.solve("a b = segment a b; x = s_angle b a x 36, s_angle a b x -36 ? cong x a x b",
                        mode="algebra", timeout=10)
    assert r.status != "solved" and "pi/5" in (r.error or "")


def test_goals_made_false_by_swapping_a_point_are_never_proved():
    """Over the classics Wu proves, each goal with one point swapped for another of the problem,
    false in the figure: no such goal is proved."""
    rng = random.Random(0)
    tried = 0
    for problem in load_problems(CLASSICS):
        if tried >= 40:
            break
        if len(problem.points) > 9 or not problem.goals:
            continue
        coords = build_diagram(problem, 0).coords()
        st = problem.goals[0].statement
        for _ in range(3):
            k = rng.randrange(len(st.points))
            other = rng.choice([p for p in problem.points if p not in st.points] or [st.points[k]])
            points = list(st.points)
            points[k] = other
            swapped = Statement(st.pred, tuple(points), st.value)
            ids = {n: i for i, n in enumerate(problem.points)}
            try:
                fact = Fact.make(swapped.pred, [ids[n] for n in points], swapped.value)
            except ValueError:
                continue
            xy = np.array([coords[n] for n in problem.points])
            if len(set(points)) < len(points) or fact.holds(xy, float(np.ptp(xy, axis=0).max())):
                continue
            false_problem = copy.copy(problem)
            false_problem.goals = [Goal(swapped, 1, str(swapped))]
            got = prove(false_problem, coords, 2.0)
            assert got.status != "proved", (problem.name, str(swapped))
            tried += 1
    assert tried >= 30


@pytest.fixture(scope="module")
def butterfly_proof() -> dict:
    r = geosolver.solve(CLASSICS, name="butterfly", mode="algebra", timeout=30)
    assert r.status == "solved"
    return r.proof


def _algebra_step(proof: dict) -> dict:
    return next(s for s in proof["steps"] if s["kind"] == "algebra")


@pytest.mark.parametrize("tamper", ["poly", "cofactor_or_root", "reduced_by", "hypothesis", "drop"])
def test_a_tampered_certificate_is_rejected_naming_the_step(butterfly_proof, tamper):
    proof = copy.deepcopy(butterfly_proof)
    step = _algebra_step(proof)
    tri = step["certificate"]["triangular"]
    if tamper == "poly":
        tri[-1]["poly"] = tri[-1]["poly"] + " + 1"
    elif tamper == "cofactor_or_root":
        entry = next(e for e in tri if "factor" in e["made"] or "divide" in e["made"])
        key = "cofactor" if "factor" in entry["made"] else "root"
        entry["made"][key] = entry["made"][key] + " + 2"
    elif tamper == "reduced_by":
        entry = next(e for e in tri if "reduced_by" in e["made"])
        entry["made"]["reduced_by"] = [len(tri) + 5]  # a polynomial the set did not have then
    elif tamper == "hypothesis":
        entry = next(e for e in tri if "hypothesis" in e["made"])
        entry["made"]["hypothesis"] = step["index"] - 1 if entry["made"]["hypothesis"] != step["index"] - 1 else 1
    else:
        del tri[len(tri) // 2]
    errors = check_saved(proof)
    assert errors and any(f"step {step['index']} (algebra)" in e for e in errors), errors


def _certificate_case(name: str) -> tuple:
    """check_algebra's arguments for the algebraic step of a classic's proof by Wu's method."""
    r = geosolver.solve(CLASSICS, name=name, mode="algebra", timeout=30)
    step = _algebra_step(r.proof)
    names = [p["name"] for p in r.proof["points"]]
    figure = {p["name"]: (p["x"], p["y"]) for p in r.proof["points"]}
    ids = {n: i for i, n in enumerate(names)}
    facts = {s["index"]: Fact.make(s["fact"]["pred"], [ids[n] for n in s["fact"]["points"]])
             for s in r.proof["steps"] if s["kind"] == "premise"}
    goal = Fact.make(step["fact"]["pred"], [ids[n] for n in step["fact"]["points"]])
    return step["certificate"], goal, names, figure, facts.get


def test_a_degenerate_figure_fails_the_conditions():
    """The same certificate on a figure where an initial vanishes (C on line AB): refused."""
    import ddar.check_algebra as checker

    cert, goal, names, figure, premise_of = _certificate_case("orthocenter")
    assert check_algebra(cert, goal, names, figure, premise_of) == []
    # each check (the solve's above, this one) allots its fields afresh and gives them back: a bench
    # worker's later checks do not carry this problem's variables (every monomial a longer int)
    assert not [v for v in checker._FIELDS.shift if v.endswith(("_x", "_y"))]
    (ax, ay), (bx, by) = figure["a"], figure["b"]
    flat = dict(figure, c=(ax + 2.5 * (bx - ax), ay + 2.5 * (by - ay)))
    errors = check_algebra(cert, goal, names, flat, premise_of)
    assert any("vanishes in the figure" in e for e in errors), errors


def test_checks_on_several_threads_at_once_do_not_share_fields():
    """A monomial's exponent fields are allotted per check: two checks interleaved on two threads
    (a library caller's) must each read their own variables, never another's field."""
    import sys
    import threading

    cases = [_certificate_case("orthocenter"), _certificate_case("butterfly")]
    outcomes = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as Python will
    try:
        threads = [threading.Thread(target=lambda c=cases[i % 2]: outcomes.extend(check_algebra(*c) for _ in range(5)))
                   for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert outcomes == [[]] * 20


def test_the_checkers_arithmetic_agrees_with_sympy():
    from sympy.polys.domains import ZZ
    from sympy.polys.rings import ring

    _, *gens = ring("a,b,c", ZZ)
    rng = random.Random(1)
    for _ in range(60):
        f, g = (sum(rng.randint(-4, 4) * gens[0] ** rng.randint(0, 2) * gens[1] ** rng.randint(0, 3)
                    * gens[2] ** rng.randint(0, 2) for _ in range(5)) for _ in range(2))
        v = rng.randrange(3)
        if not g or g.degree(gens[v]) < 1:
            continue
        mine = parse_poly(str(f), {"a", "b", "c"}).prem(parse_poly(str(g), {"a", "b", "c"}), "abc"[v])
        theirs = f.prem(g, gens[v])
        assert mine == (parse_poly(str(theirs), {"a", "b", "c"}) if theirs else Poly())


def test_a_dropped_interrupt_is_raised_again():
    """Python drops an exception raised inside a gc callback or __del__: the deadline's alarm
    must come back, not leave a long polynomial operation running past the budget."""
    dropped = 0
    t0 = time.perf_counter()
    with pytest.raises(OverBudget), interrupt_at(0.01):
        try:
            while time.perf_counter() - t0 < 5:
                pass
        except OverBudget:  # as if Python had dropped it
            dropped += 1
        while time.perf_counter() - t0 < 5:
            pass
    assert dropped == 1
    assert time.perf_counter() - t0 < 2
    time.sleep(0.1)  # and no alarm is left to fire after the context has exited


def test_a_budget_spent_in_sympys_first_import_leaves_later_proofs_working():
    """Found in a bench run: the alarm fired inside sympy's first import (about a second, in
    Wu's last 2 s of a 20 s budget), sympy stayed half-imported, and the next proof in the
    process failed with "module 'sympy' has no attribute 'polys'".  A fresh interpreter, where
    sympy is not imported yet."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from geosolver.language import parse_problem\n"
        "from geosolver.diagram import build_diagram\n"
        "from geosolver.wu import prove\n"
        "assert 'sympy' not in sys.modules\n"
        "p = parse_problem('a b c = triangle a b c; d = midpoint d a b; e = midpoint e a c ? para d e b c')\n"
        "d = build_diagram(p, 0)\n"
        "for budget in (0.01, 0.05, 0.1):\n"
        "    prove(p, d.coords(), budget)\n"
        "print(prove(p, d.coords(), 30).status)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=120,
                         cwd=Path(geosolver.__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "proved"


def test_an_exponent_past_the_checkers_range_is_refused_not_wrapped():
    """The checker packs a monomial's exponents into fields of one int: an exponent that would
    spill into the next variable's field must be an error, never another monomial."""
    variables = {"a", "b"}
    with pytest.raises(ValueError, match="out of range"):
        parse_poly("a^40000", variables)
    big = parse_poly("a^20000*b", variables)
    with pytest.raises(ValueError, match="out of range"):
        big * big
    assert (big * parse_poly("a^10000", variables)) == parse_poly("a^30000*b", variables)


@pytest.mark.parametrize("thread", [False, True])
def test_an_algebraic_proof_whose_check_outlasts_the_budget_is_not_given(monkeypatch, thread):
    """The check of Wu's proof is part of the budget (it was not: a 60 s search could end at 66 s
    with a proof); a proof not checked in time is a timeout, not an error and not a proof, on the
    main thread or any other (a server's, say: no alarm there, the checker reads its clock)."""
    import threading

    from ddar import check_algebra

    slow = check_algebra.Poly.__mul__

    def slow_mul(self, other):  # every product of the check a tenth of a second
        time.sleep(0.1)
        return slow(self, other)

    monkeypatch.setattr(check_algebra.Poly, "__mul__", slow_mul)
    out, t0 = [], time.perf_counter()

    def run():
        out.append(geosolver.solve(CLASSICS, name="butterfly", mode="algebra", timeout=3))

    if thread:
        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
    else:
        run()
    (r,) = out
    assert r.status == "timeout" and r.proof is None and "checking it did not end" in r.error, r.error
    assert time.perf_counter() - t0 < 5


def test_a_large_polynomial_parses_in_linear_time():
    """parse_poly added its terms one by one into a new polynomial each time: 28 s for 20,000 terms."""
    rng = random.Random(0)
    variables = [f"v{i}_x" for i in range(12)]
    text = " + ".join(f"{rng.randint(1, 10**6)}*" + "*".join(f"{v}**{rng.randint(1, 3)}" for v in rng.sample(variables, 4))
                      for _ in range(20000))
    t0 = time.perf_counter()
    p = parse_poly(text, set(variables))
    assert time.perf_counter() - t0 < 5
    assert p == parse_poly(" + ".join(reversed(text.split(" + "))), set(variables))  # terms merged, in any order


def test_a_check_reads_its_own_threads_deadline(monkeypatch):
    import threading

    from ddar.check_algebra import CheckOutOfTime, Poly, time_limit

    small, big = Poly({k: 1 for k in range(3)}), Poly({k: 1 for k in range(300)})
    with time_limit(0.0), pytest.raises(CheckOutOfTime):
        small * small  # read before any product
    with time_limit(None):
        assert len((big * big).t) == 599
    with time_limit(0.0), time_limit(60), pytest.raises(CheckOutOfTime):
        small * small  # an inner limit never lengthens an outer one
    # a long product reads the clock between its terms, not only before it starts: the checker's clock
    # reads 0 when the limit is set, before the product and at its first term, then 100
    from types import SimpleNamespace

    from ddar import check_algebra

    clock = iter([0.0, 0.0, 0.0])
    with monkeypatch.context() as m:
        m.setattr(check_algebra, "time", SimpleNamespace(perf_counter=lambda: next(clock, 100.0)))
        with time_limit(1.0), pytest.raises(CheckOutOfTime):
            big * big
    clock = iter([0.0, 0.0])  # and parsing reads it every 256 terms read, repeated ones too
    with monkeypatch.context() as m:
        m.setattr(check_algebra, "time", SimpleNamespace(perf_counter=lambda: next(clock, 100.0)))
        with time_limit(1.0), pytest.raises(CheckOutOfTime):
            parse_poly(" + ".join(["a"] * 1000), {"a"})
    # each thread has its own deadline: one thread's limit neither stops nor spares another's products
    got, ready, done = [], threading.Event(), threading.Event()

    def unlimited():
        got.append(len((big * big).t))

    def limited_long():
        with time_limit(60):
            ready.set()
            done.wait(10)

    with time_limit(0.0):
        worker = threading.Thread(target=unlimited)
        worker.start()
        worker.join()
    other = threading.Thread(target=limited_long)
    other.start()
    ready.wait(10)
    with time_limit(0.0), pytest.raises(CheckOutOfTime):
        big * big
    done.set()
    other.join()
    assert got == [599]


def test_off_the_main_thread_the_deadline_between_operations_is_a_timeout():
    """No alarm off the main thread (a bench worker's thread, say): the prover checks its deadline
    between polynomial operations, and running out there is a timeout like any other."""
    import threading

    problem = load_problems(CLASSICS, "butterfly")[0]
    coords = build_diagram(problem, 0).coords()
    assert prove(problem, coords, 30).status == "proved"  # sympy imported: the budgets below go to the proof
    out = []
    for budget in (0.001, 0.003):  # the whole proof takes 0.011 s on a quiet machine since FLINT: well below it
        thread = threading.Thread(target=lambda b=budget: out.append(prove(problem, coords, b)))
        thread.start()
        thread.join()
    assert [r.status for r in out] == ["timeout", "timeout"], out


def test_flints_pseudo_remainder_is_sympys():
    """The goal is reduced in FLINT (``fast_prem``): the same pseudo-remainder sympy's ``prem``
    makes, for leading degrees up to 4 (the leading coefficient is a derivative over d!)."""
    from flint import fmpz_mpoly_ctx
    from sympy.polys.domains import ZZ
    from sympy.polys.rings import ring

    from geosolver.wu import fast_prem

    _, *gens = ring("a,b,c", ZZ)
    ctx = fmpz_mpoly_ctx.get(("a", "b", "c"), "lex")
    rng = random.Random(2)
    tried = 0
    for _ in range(80):
        f, g = (sum(rng.randint(-4, 4) * gens[0] ** rng.randint(0, 4) * gens[1] ** rng.randint(0, 3)
                    * gens[2] ** rng.randint(0, 2) for _ in range(5)) for _ in range(2))
        v = rng.randrange(3)
        if not g or g.degree(gens[v]) < 1:
            continue
        tried += 1
        as_flint = {m: int(c) for m, c in f.prem(g, gens[v]).items()}
        assert fast_prem(ctx.from_dict(dict(f)), ctx.from_dict(dict(g)), v) == ctx.from_dict(as_flint)
    assert tried > 40


def test_every_flint_product_is_guarded_and_can_be_stopped():
    """One FLINT product is one C call that no alarm interrupts: the prover checks its deadline
    and the operands' sizes before each (the power lc(g)**e included, one factor at a time)."""
    from flint import fmpz_mpoly_ctx

    from geosolver.wu import fast_prem

    ctx = fmpz_mpoly_ctx.get(("a", "x"), "lex")
    a, x = ctx.gens()
    f, g = x**4 + a * x + 1, (a + 1) * x + a
    seen = []
    fast_prem(f, g, 1, lambda p, q: seen.append((len(p), len(q))))
    # four steps of two products, then lc(g)**0 .. lc(g)**e and the last product
    assert len(seen) >= 2 * 4 + 1

    def stop(p, q):
        raise OverBudget("out of time")

    with pytest.raises(OverBudget):
        fast_prem(f, g, 1, stop)
