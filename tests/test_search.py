"""The auxiliary-point search (`--mode search`) on real problems."""

from __future__ import annotations

import time

import pytest

import geosolver
import geosolver.search as search_module
from geosolver.diagram import build_diagram
from geosolver.errors import GeoError
from geosolver.language import parse_problem
from geosolver.solve import solve
from geosolver.verify import check_saved
from tests.conftest import REPO

CLASSICS = REPO / "problems" / "classics.txt"
CLASSICS_AUX = REPO / "problems" / "classics_aux.txt"


# A classic the engine alone leaves (the centroid trisects a median): it needs a point.
NEEDS_AUX = "median_third"


def without_algebra(monkeypatch) -> None:
    """The search without Wu's method after it (which proves ``NEEDS_AUX`` when the search fails)."""
    monkeypatch.setattr(search_module, "_algebra_after", lambda problem, d, e, result, t0, timeout: result)


def problem_needing_aux():
    return geosolver.load_problem(CLASSICS_AUX, NEEDS_AUX)


@pytest.fixture(scope="module")
def found():
    return solve(CLASSICS_AUX, NEEDS_AUX, mode="search", timeout=150, workers=2)


def test_the_search_finds_the_auxiliary_point(found):
    r = found
    assert r.status == "solved", (r.status, r.error)
    assert len(r.aux_clauses) == 1 and r.depth == 1 and r.candidates >= 1
    assert r.proof["aux_clauses"] == r.aux_clauses
    assert r.candidates > 4  # not the proposer's first ideas: the tests below stop there
    assert check_saved(r.proof, expected=problem_needing_aux()) == []
    assert r.aux and all(p in r.proof["source"]["text"] for p in r.aux)
    point = r.aux_clauses[0].split("=")[0].strip()
    assert r.proof["aux_words"][0].startswith(f"Let {point.upper()} be ")  # in words, then in the language
    assert f"{r.proof['aux_words'][0]}  [{r.aux_clauses[0]}]" in r.proof_text()
    forged = dict(r.proof, aux_words=["Let Z be the midpoint of AB."])
    assert any("auxiliary constructions" in e for e in check_saved(forged, expected=problem_needing_aux()))
    # the problem with the reported clause appended is proved by the engine alone
    problem = problem_needing_aux()
    head, _, goal = problem.text.partition("?")
    again = solve(f"{head.strip()}; {r.aux_clauses[0]} ? {goal.strip()}", mode="ddar", timeout=60)
    assert again.status == "solved"


def test_a_problem_the_engine_proves_needs_no_search():
    r = solve(CLASSICS, "orthocenter", mode="search", timeout=30)
    assert r.status == "solved" and r.aux_clauses == [] and r.candidates == 0


def test_every_candidate_tried_ends_exhausted(monkeypatch):
    """A proposer with only four ideas: each tried once (widening finds nothing new), then exhausted;
    Wu's method, which comes after, would prove this one, so here it proves nothing."""
    real = search_module.Tree.proposals
    monkeypatch.setattr(search_module.Tree, "proposals", lambda self, path, seconds, k: real(self, path, seconds, 4))
    r = solve(CLASSICS_AUX, NEEDS_AUX, mode="search", timeout=60, max_depth=1)
    assert r.status == "solved" and r.proof["steps"][-1]["kind"] == "algebra" and r.candidates == 4
    without_algebra(monkeypatch)
    r = solve(CLASSICS_AUX, NEEDS_AUX, mode="search", timeout=60, max_depth=1)
    assert r.status == "exhausted" and r.candidates == 4 and r.proof is None


def test_the_budget_holds():
    t0 = time.perf_counter()
    r = solve(CLASSICS, "van_aubel", mode="search", timeout=3)  # unsolved in 60 s
    assert r.status == "timeout" and time.perf_counter() - t0 < 4.5


@pytest.mark.parametrize("option, value", [("timeout", float("nan")), ("timeout", -1.0), ("seed", -1),
                                           ("workers", 0), ("max_depth", 0), ("mode", "wu")])
def test_bad_options_are_refused(option, value):
    with pytest.raises(GeoError, match=option.replace("_", "-") if option != "mode" else "unknown mode"):
        solve(CLASSICS, "orthocenter", **{option: value})


def _swapped_goals(path, limit: int) -> list[str]:
    """Problems whose goal has one point swapped for another point of the problem, false in the figure."""
    out = []
    for p in geosolver.load_problems(path):
        d = build_diagram(p, 0)
        goal = p.goals[0].statement
        for i, old in enumerate(goal.points):
            new = next((q for q in d.points if q not in goal.points), None)
            if new is None:
                continue
            pts = list(goal.points)
            pts[i] = new
            head = p.text.partition("?")[0].strip()
            value = "" if goal.value is None else " " + str(goal).split()[-1]
            text = f"{head} ? {goal.pred} {' '.join(pts)}{value}"
            swapped = parse_problem(text)
            if not build_diagram(swapped, 0, want_goal=False).holds(swapped.goals[0].statement):
                out.append(text)
                break
        if len(out) >= limit:
            break
    return out


def test_goals_made_false_are_never_solved(anchors):
    texts = _swapped_goals(anchors / "imo_ag_30.txt", 15) + _swapped_goals(anchors / "jgex_ag_231.txt", 15)
    assert len(texts) >= 30
    for text in texts:
        r = solve(text, mode="search", timeout=5)
        assert r.status != "solved", text


def _within_budget(text: str, timeout: float) -> tuple[object, float]:
    t0 = time.perf_counter()
    r = solve(text, mode="search", timeout=timeout)
    return r, time.perf_counter() - t0


def test_a_figure_too_large_to_index_in_time_ends_at_its_budget():
    text = "; ".join(f"p{i} = free p{i}" for i in range(200)) + " ? cong p0 p1 p1 p0"
    r, wall = _within_budget(text, 1.0)
    assert r.status in ("timeout", "solved") and wall < 2.0, (r.status, wall)


def test_a_match_too_large_for_memory_is_a_timeout_with_a_message():
    import resource

    text = "a b = segment a b; " + "; ".join(f"p{i} = on_line p{i} a b" for i in range(20)) + " ? coll a b p0 p1 p2 p3"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r, wall = _within_budget(text, 30.0)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert r.status == "timeout" and "bindings" in r.error and wall < 31, (r.status, r.error)
    assert grown_mb < 2048


def test_huge_coordinates_are_bad_input():
    with pytest.raises(GeoError, match="out of range"):
        solve("a@1e159_0 b@0_1e159 c@1e158_3e158 = triangle a b c; d = midpoint d a b ? cong d a d b")


def test_hostile_inputs_end_with_exit_1_or_2_within_budget_and_memory(tmp_path):
    """Each input named by the search issue's budget item, through the CLI, under a 2 GB address space."""
    import resource
    import subprocess
    import sys

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    free200 = "; ".join(f"p{i} = free p{i}" for i in range(200)) + " ? cong p0 p1 p1 p0"
    line20 = "a b = segment a b; " + "; ".join(f"p{i} = on_line p{i} a b" for i in range(20)) + " ? coll a b p0 p1 p2 p3"
    triangle = "a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c"
    cases = [  # (arguments, timeout, allowed exit codes)
        ([free200, "--timeout", "1"], 1, {1}),
        ([line20, "--timeout", "20"], 20, {1}),
        ([triangle, "--seed", "-1"], 0, {2}),
        ([triangle, "--timeout", "nan"], 0, {2}),
        (["a@1e159_0 b@0_1e159 c@1e158_3e158 = triangle a b c; d = midpoint d a b ? cong d a d b"], 0, {2}),
    ]
    for args, timeout, codes in cases:
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "geosolver", "solve", *args], capture_output=True, text=True,
                             cwd=REPO, preexec_fn=limited)
        wall = time.perf_counter() - t0
        assert out.returncode in codes and "Traceback" not in out.stderr, (args[1:], out.returncode, out.stderr[-500:])
        assert wall < timeout + 1 + 3, (args[1:], wall)  # + interpreter start and numba's cached kernels


def test_the_proof_does_not_depend_on_the_number_of_workers(found):
    """Candidates are taken in their order, and semi-naive matching does not depend on a worker's
    history: one process finds the very proof two found."""
    alone = solve(CLASSICS_AUX, NEEDS_AUX, mode="search", timeout=150, workers=1)
    assert alone.status == "solved" and alone.candidates == found.candidates
    assert alone.proof == found.proof


def _dies_on_second(task):
    """A worker that is killed while trying the second proposal (as by the kernel's OOM killer)."""
    import os

    path, seconds = task
    if path[-1] == _dies_on_second.clause:
        os._exit(9)
    return search_module._TREE.attempts(path, seconds)


def test_a_worker_that_dies_costs_its_candidate_not_the_search(monkeypatch):
    real = search_module.Tree.proposals
    monkeypatch.setattr(search_module.Tree, "proposals", lambda self, path, seconds, k: real(self, path, seconds, 4))
    monkeypatch.setattr(search_module, "CANDIDATE_SECONDS", 5.0)
    monkeypatch.setattr(search_module, "LOST_SECONDS", 1.0)
    monkeypatch.setattr(search_module, "_attempt_in_worker", _dies_on_second)
    without_algebra(monkeypatch)
    from geosolver.proposers import ProposalState
    from geosolver.proposers.heuristic import HeuristicProposer

    problem = problem_needing_aux()
    d = build_diagram(problem, 0)
    _dies_on_second.clause = HeuristicProposer().propose(ProposalState(d), 4)[1].clause
    t0 = time.perf_counter()
    r = solve(CLASSICS_AUX, NEEDS_AUX, mode="search", timeout=60, max_depth=1, workers=2)
    assert r.status == "exhausted" and r.candidates == 4, (r.status, r.candidates, r.error)
    assert time.perf_counter() - t0 < 30  # the lost candidate cost its limit, not the budget


def test_the_heuristics_place_a_candidate_only_when_it_is_asked_for(monkeypatch):
    """``stream`` gives ``propose``'s candidates in its order, placing each only when it is asked
    for; the search draws them so, and proves with a small part of the root's list placed."""
    from geosolver.proposers import ProposalState, heuristic
    from geosolver.proposers.heuristic import HeuristicProposer

    state = ProposalState(build_diagram(problem_needing_aux(), 0))
    listed = [c.clause for c in HeuristicProposer().propose(state, 4000)]
    placed = []
    real = heuristic.extend_diagram
    monkeypatch.setattr(heuristic, "extend_diagram", lambda d, clause: placed.append(clause) or real(d, clause))
    stream = HeuristicProposer().stream(state, 4000)
    first = next(stream)
    assert first.clause == listed[0] and len(placed) < 10
    assert [first.clause] + [c.clause for c in stream] == listed
    placed.clear()
    without_algebra(monkeypatch)
    r = solve(CLASSICS_AUX, NEEDS_AUX, mode="search", timeout=60, max_depth=1)
    assert r.status == "solved" and r.candidates < len(listed) // 4, (r.status, r.candidates, len(listed))
    assert len(placed) < len(listed) // 2, (len(placed), len(listed))


def test_a_proposer_failing_midway_keeps_what_it_gave(monkeypatch):
    from geosolver.proposers.heuristic import HeuristicProposer

    real = HeuristicProposer.stream

    def three_then_fail(self, state, k):
        for i, c in enumerate(real(self, state, k)):
            if i == 3:
                raise RuntimeError("a proposer's bug")
            yield c

    monkeypatch.setattr(HeuristicProposer, "stream", three_then_fail)
    asked = []
    real_proposals = search_module.Tree.proposals
    monkeypatch.setattr(search_module.Tree, "proposals",
                        lambda self, path, seconds, k: asked.append(path) or real_proposals(self, path, seconds, k))
    without_algebra(monkeypatch)
    r = solve(CLASSICS_AUX, NEEDS_AUX, mode="search", timeout=60, max_depth=1)
    assert r.status == "exhausted" and r.candidates == 3, (r.status, r.candidates, r.error)
    assert asked == [(), ()]  # the wider second round found nothing new: the search ended there
