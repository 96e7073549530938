"""The independent proof checker (ddar/check.py) on small hand-written proofs over real figures."""

import copy
import numpy as np
import pytest

import geosolver
from ddar.check import ProofRejected, _factor, check_proof, verify
from ddar.figure_facts import figure_text
from ddar.proof import FORMAT
from geosolver.engine_input import engine_input


# --- building proofs by hand ---------------------------------------------------------------

def fact(text: str) -> dict:
    """'rconst m a a b 1/2' -> {pred, points, value}."""
    pred, *rest = text.split()
    value = rest.pop() if pred in ("aconst", "rconst") else None
    return {"pred": pred, "points": rest, "value": value}


def premise(text: str) -> dict:
    return {"kind": "premise", "fact": fact(text), "text": text}


def drawn(text: str) -> dict:
    """A figure fact: 'ncoll a b c', 'order a b c', 'angle_range a b a c 1/6 1/2'."""
    pred, *rest = text.split()
    value = rest[-2:] if pred == "angle_range" else None
    points = rest[:-2] if pred == "angle_range" else rest
    obj = {"pred": pred, "points": points, "value": value}
    return {"kind": "figure", "fact": obj, "text": figure_text(obj)}


def rule(name: str, binding: str, uses: list, text: str, figure: list = ()) -> dict:
    pairs = dict(b.split("=") for b in binding.split())
    return {"kind": "rule", "rule": name, "binding": pairs, "uses": uses, "figure": list(figure),
            "fact": fact(text), "text": text}


def ar(table: str, uses: list, text: str, figure: list = ()) -> dict:
    return {"kind": "ar", "table": table, "uses": [{"step": s, "coefs": c} for s, c in uses],
            "figure": list(figure), "fact": fact(text), "text": text}


def subset(use: int, text: str) -> dict:
    return {"kind": "subset", "uses": [use], "fact": fact(text), "text": text}


def union(uses: list, text: str, figure: list = ()) -> dict:
    return {"kind": "union", "uses": uses, "figure": list(figure), "fact": fact(text), "text": text}


def proof(points: dict, premises: list[str], steps: list[dict], goal: str | None = None) -> dict:
    """A proof over ``points`` (name -> (x, y)); the goal is the last step's fact unless given."""
    xy = np.array(list(points.values()), dtype=float)
    return {
        "format": FORMAT,
        "problem": "test",
        "scale": float(np.ptp(xy, axis=0).max()),
        "points": [{"name": n, "x": float(x), "y": float(y), "aux": False} for n, (x, y) in points.items()],
        "premises": [fact(p) for p in premises],
        "goals": [fact(goal) if goal else steps[-1]["fact"]],
        "steps": [{"index": i, **s} for i, s in enumerate(steps, start=1)],
    }


def accepted(p: dict, premises=None) -> None:
    assert check_proof(p, premises) == []


def rejected(p: dict, *fragments: str, premises=None) -> list[str]:
    """The errors of a rejected proof, each fragment found in one of them."""
    errors = check_proof(p, premises)
    assert errors, "the proof was accepted"
    for frag in fragments:
        assert any(frag in e for e in errors), (frag, errors)
    return errors


# --- figures -------------------------------------------------------------------------------

def orthocenter_figure() -> dict:
    a, b, c = np.array([0.0, 0.0]), np.array([4.0, 0.0]), np.array([1.0, 3.0])
    # h: (h - a).(c - b) = 0 and (h - b).(a - c) = 0
    h = np.linalg.solve(np.array([c - b, a - c]), np.array([a @ (c - b), b @ (a - c)]))
    return {"a": a, "b": b, "c": c, "h": h}


def orthocenter_proof(pts: dict | None = None) -> dict:
    prem = ["perp a h b c", "perp b h c a"]
    steps = [premise(prem[0]), premise(prem[1]), drawn("ncoll a b c"),
             rule("orthocenter", "A=a B=b C=c H=h", [1, 2], "perp c h a b", figure=[3])]
    return proof(pts or orthocenter_figure(), prem, steps)


def parallels_figure() -> dict:
    """ab, cd and ef parallel; g h perpendicular to all three."""
    a, b = np.array([0.0, 0.0]), np.array([2.0, 1.0])
    c, e = np.array([0.3, 1.7]), np.array([1.0, -1.3])
    g = np.array([-0.5, 0.4])
    return {"a": a, "b": b, "c": c, "d": c + 0.7 * (b - a), "e": e, "f": e + 1.4 * (b - a),
            "g": g, "h": g + np.array([-1.0, 2.0])}


def line_figure() -> dict:
    d = np.array([3.0, 1.0])
    return {n: np.array([0.5, 0.2]) + t * d for n, t in zip("abcd", (0.0, 0.4, 1.0, 1.7))}


def ratio_figure() -> dict:
    """m the midpoint of ab; c, d, e on the circle about m through a; |rs| = |pq| = 2/3 |cd|."""
    a, b = np.array([0.0, 0.0]), np.array([4.0, 1.0])
    m = (a + b) / 2
    radius = np.linalg.norm(a - m)
    c, d, e = (m + radius * np.array([np.cos(t), np.sin(t)]) for t in (1.0, 2.5, 4.0))
    p = np.array([-1.0, 3.0])
    q = p + (2 / 3) * np.linalg.norm(c - d) * np.array([0.6, 0.8])
    r = np.array([2.0, -2.0])
    s = r + np.array([np.linalg.norm(q - p), 0.0])
    return {"m": m, "a": a, "b": b, "c": c, "d": d, "e": e, "p": p, "q": q, "r": r, "s": s}


# --- accepted proofs -----------------------------------------------------------------------

def test_orthocenter_rule_step():
    accepted(orthocenter_proof())
    verify(orthocenter_proof())


def test_premises_from_an_independent_reading_of_the_problem():
    d = geosolver.diagram("a b c = triangle; h = orthocenter a b c ? perp c h a b")
    e = engine_input(d)
    pts = {n: e.coords[i] for i, n in enumerate(e.names)}
    independent = [fact(f.text(e.names)) for f in e.premises]
    p = orthocenter_proof(pts)
    p["premises"] = copy.deepcopy(independent)
    accepted(p, independent)
    # The proof may not claim a premise the problem does not assert, nor drop one.
    p["premises"].append(fact("perp a b a c"))
    rejected(p, "perp a b a c is not a premise of the problem", premises=independent)
    p["premises"] = p["premises"][1:-1]
    rejected(p, "the problem's premise", premises=independent)


def test_ar_angle_chains_parallels():
    prem = ["para a b c d", "para c d e f"]
    good = proof(parallels_figure(), prem,
                 [premise(prem[0]), premise(prem[1]), ar("angle", [(1, ["1"]), (2, ["1"])], "para a b e f")])
    accepted(good)
    bad = copy.deepcopy(good)
    bad["steps"][2]["uses"][1]["coefs"] = ["-1"]
    rejected(bad, "step 3 (ar angle): the combination leaves")
    bad["steps"][2]["uses"][1]["coefs"] = ["1", "0"]
    rejected(bad, "has 1 equation(s), got 2 coefficient(s)")


def test_ar_two_perpendiculars_make_parallels_and_pi_cancels():
    # (d(ab) - d(gh) - 1/2 PI) - (d(cd) - d(gh) - 1/2 PI) = d(ab) - d(cd): PI cancels.
    prem = ["perp a b g h", "perp c d g h"]
    steps = [premise(prem[0]), premise(prem[1]), ar("angle", [(1, ["1"]), (2, ["-1"])], "para a b c d")]
    accepted(proof(parallels_figure(), prem, steps))
    # eqangle a b g h g h c d is 2 d(gh) - d(ab) - d(cd): minus the perps' sum, it leaves -PI,
    # and an integer multiple of PI is zero mod pi.
    steps = [premise("perp a b g h"), premise("perp c d g h"),
             ar("angle", [(1, ["-1"]), (2, ["-1"])], "eqangle a b g h g h c d")]
    accepted(proof(parallels_figure(), ["perp a b g h", "perp c d g h"], steps))


def test_ar_one_perpendicular_is_no_parallel():
    steps = [premise("perp a b g h"), ar("angle", [(1, ["1"])], "para a b g h")]
    rejected(proof(parallels_figure(), ["perp a b g h"], steps),
             "step 2 (ar angle): the combination leaves 1/2 PI, not a multiple of PI", "para a b g h is false in the figure")


def test_ar_doubled_perp_is_no_parallel():
    # lifted angle equations: twice a right angle is no parallel
    steps = [premise("perp a b g h"), ar("angle", [(1, ["2"])], "para a b c d")]
    rejected(proof(parallels_figure(), ["perp a b g h"], steps), "step 2 (ar angle): the combination leaves")


def test_ar_aconst_and_eqangle():
    pts = parallels_figure()  # gh is perpendicular to ab
    steps = [premise("perp a b g h"), premise("para a b c d"),
             ar("angle", [(1, ["-1"])], "aconst a b g h 1/2"),
             ar("angle", [(1, ["-1"]), (2, ["1"])], "aconst c d g h 1/2")]
    accepted(proof(pts, ["perp a b g h", "para a b c d"], steps))


def test_ar_coll_conclusion_from_colls_sharing_points():
    prem = ["coll a b c", "coll a b d"]
    # coll a b c: d(ac) - d(ab), d(bc) - d(ab); coll a b d: d(ad) - d(ab), d(bd) - d(ab).
    steps = [premise(prem[0]), premise(prem[1]),
             ar("angle", [(1, ["1", "0"]), (2, ["-1", "0"])], "coll a c d")]
    accepted(proof(line_figure(), prem, steps))
    steps[2] = ar("angle", [(1, ["1", "0"]), (2, ["-1", "0"])], "coll a b c d")
    rejected(proof(line_figure(), prem, steps), "cannot conclude coll a b c d")


def test_ar_ratio_cong_chain_midpoint_and_rconst():
    prem = ["cong m c m d", "cong m d m e", "midp m a b", "rconst p q c d 2/3", "cong p q r s"]
    steps = [premise(p) for p in prem] + [
        ar("ratio", [(1, ["1"]), (2, ["1"])], "cong m c m e"),
        ar("ratio", [(3, ["1", "0"])], "cong m a m b"),  # l(ma) - l(mb)
        ar("ratio", [(3, ["0", "1"])], "rconst m a a b 1/2"),  # l(ma) - l(ab) + LOG(2)
        # rconst p q c d 2/3 is, canonically, rconst c d p q 3/2: l(cd) - l(pq) - LOG(3) + LOG(2)
        ar("ratio", [(4, ["1"]), (5, ["1"])], "rconst c d r s 3/2"),
    ]
    accepted(proof(ratio_figure(), prem, steps))
    steps[7] = ar("ratio", [(3, ["1", "0"])], "rconst m a a b 1/2")
    rejected(proof(ratio_figure(), prem, steps), "step 8 (ar ratio): the combination leaves LOG(2)")
    steps[7] = ar("ratio", [(4, ["1"])], "rconst c d r s 3/2")
    rejected(proof(ratio_figure(), prem, steps), "leaves l(pq) - l(rs)")


def test_factor():
    assert _factor(1) == {}
    assert _factor(360) == {2: 3, 3: 2, 5: 1}
    assert _factor(97) == {97: 1}


def test_rules_on_a_parallelogram_and_an_isosceles_triangle():
    a, b, d = np.array([0.0, 0.0]), np.array([3.0, 0.5]), np.array([1.0, 2.0])
    pts = {"a": a, "b": b, "c": b + d - a, "d": d}
    prem = ["para a b c d", "para a d b c"]
    steps = [drawn("ncoll a b c"), premise(prem[0]), premise(prem[1]),
             rule("parallelogram_sides", "A=a B=b C=c D=d", [2, 3], "cong a d b c", figure=[1])]
    accepted(proof(pts, prem, steps))
    iso = {"o": np.array([0.0, 3.0]), "a": np.array([-1.0, 0.0]), "b": np.array([1.0, 0.0])}
    steps = [drawn("ncoll o a b"), premise("cong o a o b"),
             rule("isosceles_base_angles", "O=o A=a B=b", [2], "eqangle o a a b a b o b", figure=[1])]
    accepted(proof(iso, ["cong o a o b"], steps))


def test_subset_steps():
    prem = ["coll a b c d"]
    accepted(proof(line_figure(), prem, [premise(prem[0]), subset(1, "coll a b d")]))
    rejected(proof(line_figure(), ["coll a b c"], [premise("coll a b c"), subset(1, "coll a b d")]),
             "has points (d) not in coll a b c")
    ratio = ratio_figure()
    steps = [premise("circle m a c d e"), subset(1, "circle m a d e")]
    accepted(proof(ratio, ["circle m a c d e"], steps))
    steps = [premise("circle m a c d e"), subset(1, "cyclic a c d e")]
    rejected(proof(ratio, ["circle m a c d e"], steps), "no coll, cyclic or circle subset")


def test_union_steps():
    """Facts over more points than the engine's, joined from facts sharing a line or a circle."""
    line = line_figure()
    prem = ["coll a b c", "coll a b d"]
    accepted(proof(line, prem, [premise(prem[0]), premise(prem[1]), union([1, 2], "coll a b c d")]))
    rejected(proof(line, prem, [premise(prem[0]), union([1], "coll a b c d")]), "two steps or more")
    rejected(proof(line, prem, [premise(prem[0]), premise(prem[1]), union([1, 2], "coll b c d")]),
             "not the union")
    prem = ["coll a b c", "coll c d a"]
    rejected(proof(line, prem, [premise(prem[0]), premise(prem[1]), union([1, 2], "coll b c d")]),
             "not the union")
    ratio = ratio_figure()
    prem = ["cyclic a b c d", "cyclic a b c e"]
    steps = [premise(prem[0]), premise(prem[1]), drawn("ncoll a b c")]
    accepted(proof(ratio, prem, steps + [union([1, 2], "cyclic a b c d e", figure=[3])]))
    rejected(proof(ratio, prem, steps + [union([1, 2], "cyclic a b c d e")]), "cited as not collinear")
    prem = ["cyclic a b c d", "cyclic a b d e"]  # share a, b, d only: that is enough
    steps = [premise(prem[0]), premise(prem[1]), drawn("ncoll a b d")]
    accepted(proof(ratio, prem, steps + [union([1, 2], "cyclic a b c d e", figure=[3])]))
    prem = ["cyclic a b c d", "cyclic a c d e", "coll a b c"]  # two shared points do not make one circle
    rejected(proof(ratio, prem[:2], [premise(prem[0]), premise(prem[1]), union([1, 2], "cyclic a b c d e")]),
             "share")
    prem = ["circle m a b c", "circle m a d e"]
    accepted(proof(ratio, prem, [premise(prem[0]), premise(prem[1]), union([1, 2], "circle m a b c d e")]))
    prem = ["circle m a b c", "cyclic a c d e"]
    rejected(proof(ratio, prem, [premise(prem[0]), premise(prem[1]), union([1, 2], "circle m a b c d e")]),
             "of its own kind")


def test_goals_over_many_points_are_proved_by_union():
    """More than three collinear or four concyclic points: proved when they follow, and checked."""
    for text in ("a b = segment; c = on_line a b; d = on_line a b ? coll a b c d",
                 "a b c = triangle; o = circle a b c; d = on_circle o a; e = on_circle o a ? cyclic a b c d e",
                 "a b c = triangle; o = circle a b c; d = on_circle o a; e = on_circle o a ? circle o a b c d e"):
        r = geosolver.solve(text, mode="ddar")
        assert r.status == "solved", text
        assert r.proof["steps"][-1]["kind"] == "union"


# --- rejected proofs -----------------------------------------------------------------------

def test_citing_a_later_step():
    p = orthocenter_proof()
    p["steps"][0], p["steps"][3] = p["steps"][3], p["steps"][0]
    for i, s in enumerate(p["steps"], start=1):
        s["index"] = i
    p["steps"][0]["uses"] = [2, 4]
    rejected(p, "step 1 (rule orthocenter): uses 2, which is not an earlier step")


def test_binding_two_variables_to_one_point():
    p = orthocenter_proof()
    p["steps"][3]["binding"]["H"] = "a"
    rejected(p, "needs A H to be different points")
    del p["steps"][3]["binding"]["H"]
    rejected(p, "missing: ['H']")


def test_wrong_conclusion_and_missing_premise_of_a_rule():
    p = orthocenter_proof()
    p["steps"][3]["fact"] = fact("perp a h b c")
    rejected(p, "perp a h b c is not a conclusion of the rule")
    p = orthocenter_proof()
    p["steps"][3]["uses"] = [1]
    rejected(p, "premise perp B H C A", "is not the fact of any step it uses")


def test_fact_false_in_the_figure():
    pts = orthocenter_figure()
    pts["h"] = pts["h"] + np.array([0.01, 0.0])
    rejected(orthocenter_proof(pts), "step 1 (premise): perp a h b c is false in the figure")


def test_premise_not_among_the_premises():
    p = orthocenter_proof()
    p["premises"] = p["premises"][:1]
    rejected(p, "step 2 (premise): perp a c b h is not among the premises")


def test_failing_check_premise():
    # On one line, para a b c d and para a d b c hold and so does cong a b c d, but a b c are collinear.
    pts = {n: np.array([x, 0.0]) for n, x in zip("abcd", (0.0, 1.0, 3.0, 2.0))}
    prem = ["para a b c d", "para a d b c"]
    steps = [drawn("ncoll a b c"), premise(prem[0]), premise(prem[1]),
             rule("parallelogram_sides", "A=a B=b C=c D=d", [2, 3], "cong a b c d", figure=[1])]
    errors = rejected(proof(pts, prem, steps), "step 1 (figure): A, B, C are not collinear is false in the problem's figure")
    assert len(errors) == 1, errors
    # without the figure fact, the check is not stated: rejected whatever the figure
    steps[3]["figure"] = []
    rejected(proof(pts, prem, steps), "check ncoll A B C = ncoll a b c is not a figure fact the step cites")


def test_goal_and_numbering():
    p = orthocenter_proof()
    goal = p["steps"].pop()["text"]
    assert goal == "perp c h a b"
    rejected(p, "no step proves the goal perp a b c h")  # named in canonical form
    p = orthocenter_proof()
    p["steps"][1]["index"] = 5
    rejected(p, "step 2 (premise): index is 5")
    p["format"] = "geosolver-proof/0"
    rejected(p, "format")


def test_malformed_input_gives_messages():
    p = orthocenter_proof()
    p["steps"][3]["binding"]["H"] = "z"
    rejected(p, "unknown point 'z'")
    p = orthocenter_proof()
    p["steps"][3]["rule"] = "orthocentre"
    rejected(p, "step 4 (rule orthocentre): unknown rule (did you mean 'orthocenter'?)")
    p = orthocenter_proof()
    p["steps"][0]["fact"]["points"][1] = "z"
    rejected(p, "step 1 (premise): perp: unknown point 'z'")
    p["steps"][1]["fact"]["pred"] = "perpendicular"
    rejected(p, "unknown predicate 'perpendicular'")
    for bad in (None, [], "proof", {}, {"format": "geosolver-proof/1", "points": "abc"}):
        errors = check_proof(bad)
        assert errors and all(isinstance(e, str) for e in errors)


def test_no_mutation_escapes_as_an_exception():
    good = orthocenter_proof()
    junk = [None, 0, -1, 2.5, "", "x", [], {}, [None], {"pred": "perp"}, True, "1/0", float("nan")]
    paths = [("format",), ("scale",), ("points",), ("premises",), ("goals",), ("steps",),
             ("points", 0), ("points", 0, "x"), ("points", 0, "name"), ("premises", 0), ("goals", 0), ("goals", 0, "value"),
             ("steps", 0), ("steps", 3, "kind"), ("steps", 3, "rule"), ("steps", 3, "binding"),
             ("steps", 3, "uses"), ("steps", 3, "uses", 0), ("steps", 3, "fact"), ("steps", 3, "fact", "points"),
             ("steps", 3, "figure"), ("steps", 3, "figure", 0), ("steps", 2, "fact"), ("steps", 2, "fact", "value"),
             ("steps", 2, "fact", "pred")]
    for path in paths:
        for value in junk:
            p = copy.deepcopy(good)
            target = p
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
            errors = check_proof(p)
            assert all(isinstance(e, str) and "malformed" not in e for e in errors), (path, value, errors)
    ar_proof = proof(parallels_figure(), ["para a b c d", "para c d e f"],
                     [premise("para a b c d"), premise("para c d e f"),
                      ar("angle", [(1, ["1"]), (2, ["1"])], "para a b e f")])
    for value in junk + [["1/0"], ["0.5"], [1], [{"step": 1}], [{"step": 9, "coefs": ["1"]}]]:
        p = copy.deepcopy(ar_proof)
        p["steps"][2]["uses"] = value
        errors = check_proof(p)
        assert errors and not any("malformed" in e for e in errors), (value, errors)
        p = copy.deepcopy(ar_proof)
        p["steps"][2]["uses"][0]["coefs"] = value
        errors = check_proof(p)
        assert errors and not any("malformed" in e for e in errors), (value, errors)


def test_verify_raises_with_every_message():
    p = orthocenter_proof()
    p["steps"][3]["uses"] = [1]
    p["format"] = "nope"
    with pytest.raises(ProofRejected) as info:
        verify(p)
    assert "format" in str(info.value) and "orthocenter" in str(info.value)


def test_huge_ratio_is_refused_not_factored_forever():
    pts = ratio_figure()
    big = (2**61 - 1) * (2**89 - 1)  # two Mersenne primes
    p = proof(pts, ["cong m c m d"],
              [premise("cong m c m d"), ar("ratio", [(1, ["1"])], f"rconst m c m d {big}")])
    rejected(p, "cannot factor")


def test_out_of_range_numbers_are_messages():
    p = orthocenter_proof()
    p["points"][0]["x"] = 10**400
    rejected(p, "finite coordinates")
    p = orthocenter_proof()
    p["steps"][0]["index"] = True
    rejected(p, "index is True")


def test_the_problems_goals_are_the_authority():
    p = orthocenter_proof()
    assert check_proof(p, goals=p["goals"]) == []
    cheat = copy.deepcopy(p)
    cheat["goals"] = [cheat["steps"][0]["fact"]]  # proves a premise instead of the goal
    assert any("not the problem's" in e for e in check_proof(cheat, goals=p["goals"]))


def test_scale_must_be_the_figures_size():
    p = orthocenter_proof()
    assert check_proof(p) == []
    p["scale"] = p["scale"] / 1000  # would make every tolerance a thousand times tighter
    assert any("figure's size" in e for e in check_proof(p))
