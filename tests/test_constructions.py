"""Every construction of the library builds a figure in which its facts hold."""

import pytest

import geosolver
from geosolver.constructions import CONSTRUCTIONS

# One problem per construction; a goal where a natural consequence exists.
EXAMPLES = {
    "angle_bisector": "a b c = triangle; x = angle_bisector x a b c ? eqangle b a b x b x b c",
    "angle_mirror": "a b c = triangle; x = angle_mirror x a b c ? eqangle b a b c b c b x",
    "circle": "a b c = triangle; o = circle o a b c ? cong o a o c",
    "circumcenter": "a b c = triangle; o = circumcenter o a b c ? cong o a o c",
    "eq_quadrangle": "a b c d = eq_quadrangle a b c d ? cong a d b c",
    "eq_trapezoid": "a b c d = eq_trapezoid a b c d ? cong a c b d",
    "eq_triangle": "b c = segment; x = eq_triangle x b c ? cong x b x c",
    "eqangle2": "a b c = triangle; x = eqangle2 x a b c ? eqangle a b a x c x c b",
    "eqdia_quadrangle": "a b c d = eqdia_quadrangle a b c d ? cong a c b d",
    "eqdistance": "a b c = triangle; x = eqdistance x a b c ? cong a x b c",
    "foot": "a b c = triangle; h = foot h a b c ? perp a h b c",
    "free": "a = free a; b = free b; c = free c; m = midpoint m a b ? coll a m b",
    "incenter": "a b c = triangle; i = incenter i a b c ? eqangle b a b i b i b c",
    "incenter2": "a b c = triangle; x y z i = incenter2 x y z i a b c ? cong i x i z",
    "excenter": "a b c = triangle; i = excenter i a b c ? eqangle a b a i a i a c",
    "excenter2": "a b c = triangle; x y z i = excenter2 x y z i a b c ? cong i x i z",
    "centroid": "a b c = triangle; x y z g = centroid x y z g a b c ? coll c z g",
    "ninepoints": "a b c = triangle; x y z n = ninepoints x y z n a b c; h = foot h a b c ? cong n x n h",
    "intersection_cc": "o w a = triangle; x = intersection_cc x o w a ? perp o w a x",
    "intersection_lc": "a o b = triangle; x = intersection_lc x a o b ? cong o x o b",
    "intersection_ll": "a b c d = quadrangle; x = intersection_ll x a c b d ? coll x a c",
    "intersection_lp": "a b c m n = pentagon; x = intersection_lp x a b c m n ? para c x m n",
    "intersection_lt": "a b c d e = pentagon; x = intersection_lt x a b c d e ? perp x c d e",
    "intersection_pp": "a b c d e = pentagon; f = free f; x = intersection_pp x a b c d e f ? para x d e f",
    "intersection_tt": "a b c d e = pentagon; f = free f; x = intersection_tt x a b c d e f ? perp x d e f",
    "iso_triangle": "a b c = iso_triangle a b c ? eqangle b a b c c b c a",
    "lc_tangent": "a o = segment; x = lc_tangent x a o ? perp a x a o",
    "midpoint": "a b = segment; m = midpoint m a b ? cong m a m b",
    "mirror": "a b = segment; x = mirror x a b ? midp b a x",
    "nsquare": "a b = segment; x = nsquare x a b ? cong x a a b",
    "on_aline": "a b c d e = pentagon; x = on_aline x a b c d e ? eqangle a x a b d c d e",
    "on_aline2": "a b c d e = pentagon; x = on_aline2 x a b c d e ? eqangle x a x b d c d e",
    "on_bline": "a b = segment; x = on_bline x a b ? cong x a x b",
    "on_circle": "o a = segment; x = on_circle x o a ? cong o x o a",
    "on_line": "a b = segment; x = on_line x a b ? coll x a b",
    "on_pline": "a b c = triangle; x = on_pline x a b c ? para x a b c",
    "on_tline": "a b c = triangle; x = on_tline x a b c ? perp x a b c",
    "orthocenter": "a b c = triangle; h = orthocenter h a b c ? perp a h b c",
    "parallelogram": "a b c = triangle; d = parallelogram a b c d ? para a d b c",
    "pentagon": "a b c d e = pentagon a b c d e ? ncoll a b c",
    "psquare": "a b = segment; x = psquare x a b ? perp x a a b",
    "quadrangle": "a b c d = quadrangle a b c d ? ncoll a b c",
    "r_trapezoid": "a b c d = r_trapezoid a b c d ? perp a b a d",
    "r_triangle": "a b c = r_triangle a b c ? perp a b a c",
    "rectangle": "a b c d = rectangle a b c d ? cong a c b d",
    "reflect": "a b c = triangle; x = reflect x a b c ? perp b c a x",
    "risos": "a b c = risos a b c ? cong a b a c",
    "s_angle": "a b = segment; x = s_angle a b x 60 ? aconst b a b x pi/3",
    "segment": "a b = segment a b ? diff a b",
    "shift": "b c d = triangle; x = shift x b c d ? para x b c d",
    "square": "a b = segment; x y = square a b x y ? cong a x b y",
    "isquare": "a b c d = isquare a b c d ? perp a c b d",
    "trapezoid": "a b c d = trapezoid a b c d ? para a b c d",
    "triangle": "a b c = triangle a b c ? ncoll a b c",
    "triangle12": "a b c = triangle12 a b c ? rconst a b a c 1/2",
    "2l1c": "a b c = triangle; o = circle o a b c; e = on_line e b c; x y z i = 2l1c x y z i a b e o ? cong i x i z",
    "e5128": "b c = segment; a = on_tline a b b c; d = on_circle d c b; x y = e5128 x y a b c d ? cong a y y b",
    "3peq": "c a b = iso_triangle c a b; x y z = 3peq x y z c a b ? cong x a b y",
    "trisect": "a b c = triangle; x y = trisect x y a b c ? eqangle b a b x b y b c",
    "trisegment": "a b = segment; x y = trisegment x y a b ? cong a x y b",
    "on_dia": "a b = segment; x = on_dia x a b ? perp x a x b",
    "ieq_triangle": "a b c = ieq_triangle a b c ? cong a b b c",
    "on_opline": "a b = segment; x = on_opline x a b ? coll x a b",
    "cc_tangent0": "o a = segment; w = free w; b = free b; x y = cc_tangent0 x y o a w b ? perp x o x y",
    "cc_tangent": "o a = segment; w = free w; b = free b; x y z i = cc_tangent x y z i o a w b ? cong x y z i",
    "eqangle3": "a b d e f = pentagon; x = eqangle3 x a b d e f ? eqangle x a x b d e d f",
    "tangent": "a o b = triangle; x y = tangent x y a o b ? cong a x a y",
    "on_circum": "a b c = triangle; x = on_circum x a b c ? cyclic a b c x",
}


def test_every_construction_has_an_example():
    assert set(EXAMPLES) == set(CONSTRUCTIONS)
    assert len(CONSTRUCTIONS) == 68


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_construction_builds_and_its_facts_hold(name):
    problem = geosolver.load_problem(EXAMPLES[name])
    assert any(call.name == name for c in problem.clauses for call in c.calls)
    for seed in range(4):
        d = geosolver.diagram(problem, seed=seed)
        for fact in problem.premises():
            assert d.holds(fact), (seed, str(fact))
        if problem.goal is not None:
            assert d.holds(problem.goal), seed


def test_the_other_intersection_is_chosen():
    # the line from b through a meets the circle at b and at x; x must be the new point
    d = geosolver.diagram("a o b = triangle; x = intersection_lc x a o b")
    assert min(abs(d.points["x"] - d.points["b"])) > 1e-3


def test_shorthand_fills_the_clause_points():
    p = geosolver.load_problem("a b c = triangle; h = on_tline b a c, on_tline c a b ? perp a h b c")
    assert [str(c) for c in p.clauses[1].calls] == ["on_tline h b a c", "on_tline h c a b"]
    d = geosolver.diagram(p)
    assert d.holds(p.goal)
