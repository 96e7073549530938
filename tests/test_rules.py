"""The rule file: it loads, the parser's errors point at the right place, and
every rule is sound in a figure built for it.

Soundness: each rule has a witness, a problem in the problem language whose
constructions make the rule's premises true, with the rule's variables
mapped to the points of the same name in lower case (A -> a, P1 -> p1), and
whose goal is the rule's conclusion.  Two checks per witness and seed:

* ``geosolver.check`` accepts the problem (figure built, goal true);
* a figure drawn for the premises alone (the witness's constructions with the
  premises as goals, so that random choices are made again until the premises
  hold, never until the conclusion does) makes every conclusion true.

A rule failing the second check is unsound: fix the rule, not the test.
Counterexamples show that the checks (ncoll, npara, nperp, sameside) of some
rules are needed: without them the facts hold and the conclusion fails.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import pytest

import geosolver
from ddar.predicates import PREDICATES
from ddar.rules import RULES_FILE, Atom, Rule, RuleError, load_rules, parse_rules
from geosolver.statement import Statement

RULES = load_rules()
BY_NAME = {r.name: r for r in RULES}
SEEDS = range(5)

# --- loading -------------------------------------------------------------------


def test_bundled_rules_load():
    assert RULES
    assert len(BY_NAME) == len(RULES)
    for r in RULES:
        assert r.facts, r.name
        assert r.conclusions, r.name
        assert all(a.pred in PREDICATES for a in r.premises + r.conclusions)
        assert not any(a.is_check for a in r.conclusions)
        assert set(r.checks) | set(r.facts) == set(r.premises)


def test_rule_count():
    assert len(RULES) == 80


def test_default_path_is_the_bundled_file():
    assert load_rules(RULES_FILE) == RULES
    assert RULES_FILE.name == "rules.txt" and RULES_FILE.parent.name == "ddar"


def test_rules_parse_into_atoms():
    r = BY_NAME["isosceles_base_angles"]
    assert r.premises == (Atom("cong", ("O", "A", "O", "B")), Atom("ncoll", ("O", "A", "B")))
    assert r.conclusions == (Atom("eqangle", ("O", "A", "A", "B", "A", "B", "O", "B")),)
    assert r.variables == ("O", "A", "B")
    assert r.checks == (Atom("ncoll", ("O", "A", "B")),)
    assert r.facts == (Atom("cong", ("O", "A", "O", "B")),)
    assert RULES_FILE.read_text().splitlines()[r.line - 1].startswith("isosceles_base_angles:")
    half = BY_NAME["midp_half"].conclusions[0]
    assert half.value == Fraction(1, 2) and str(half) == "rconst M A A B 1/2"


def test_constants_and_comments(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text(
        "# a comment\n\n"
        "right: perp A B C D => aconst A B C D pi/2   # trailing comment\n"
        "third: aconst A B C D 2pi/3 => aconst C D A B -2pi/3, rconst A B C D 3\n"
    )
    a, b = load_rules(p)
    assert a.conclusions[0].value == Fraction(1, 2) and a.line == 3
    assert b.premises[0].value == Fraction(2, 3)
    assert b.conclusions == (
        Atom("aconst", ("C", "D", "A", "B"), Fraction(-2, 3)),
        Atom("rconst", ("A", "B", "C", "D"), Fraction(3)),
    )
    assert str(b) == "third: aconst A B C D 2pi/3 => aconst C D A B -2pi/3, rconst A B C D 3"


def test_variadic_predicates_take_more_points():
    (r,) = parse_rules("five: cyclic A B C D E, coll A B F => coll F A B")
    assert r.premises[0].args == ("A", "B", "C", "D", "E")


# --- errors --------------------------------------------------------------------

GOOD = "ok: cong O A O B, ncoll O A B => eqangle O A A B A B O B\n"

ERRORS = [
    # (file text, line, column, words in the message)
    ("ok: colll A B C => coll A B C", 1, 5, "unknown predicate 'colll'"),
    (GOOD + "bad: para A B C => coll A B C", 2, 6, "wrong arity"),
    ("bad: coll A B => para A B A B", 1, 6, "wrong arity"),
    ("bad: cong A B C D => cong A B C E", 1, 33, "variable 'E' of the conclusion is not bound"),
    ("bad: cong A B C D => ncoll A B C", 1, 22, "never a conclusion"),
    (GOOD + "\n# again\nok: midp M A B => coll M A B", 4, 1, "duplicate rule name 'ok' (first defined on line 1)"),
    ("bad cong A B C D => cong C D A B", 1, 5, "expected ':'"),
    ("bad: cong A B C D, cong C D A B", 1, 32, "missing '=>'"),
    ("bad: cong A B C D => cong C D A B => coll A B C", 1, 35, "a second '=>'"),
    ("bad: cong A B C D, => cong C D A B", 1, 20, "expected a premise"),
    ("bad: => cong C D A B", 1, 6, "expected a premise"),
    ("bad: cong A B C D =>", 1, 21, "expected a conclusion"),
    ("bad: cong A b C D => cong C D A b", 1, 13, "bad variable 'b'"),
    ("Bad: cong A B C D => cong C D A B", 1, 1, "snake_case"),
    ("bad: rconst A B C D => cong A B C D", 1, 6, "constant is missing"),
    ("bad: aconst A B C D 1/2 => perp A B C D", 1, 21, "bad angle constant '1/2'"),
    ("bad: cong A B C D => rconst A B C D 0", 1, 37, "bad ratio constant '0'"),
    ("bad: para A B B B => coll A B C", 1, 17, "repeats the variable 'B'"),
    ("bad: coll A B C, ncoll A B X => coll A C B", 1, 28, "'X' of the check 'ncoll' is not bound"),
    ("bad: ncoll A B C => coll A B C", 1, 6, "at least one premise that is a fact"),
    ("bad: cong A B C D => cong C D A B; coll A B C", 1, 34, "unexpected character ';'"),
    ("  bad: cong A B C D ::=> cong C D A B", 1, 21, "unexpected ':'"),
]


@pytest.mark.parametrize("text, line, col, words", ERRORS, ids=[e[3].split("(")[0][:40] for e in ERRORS])
def test_parser_errors_name_file_line_column(tmp_path, text, line, col, words):
    p = tmp_path / "rules.txt"
    p.write_text(text)
    with pytest.raises(RuleError) as e:
        load_rules(p)
    msg = str(e.value)
    assert msg.startswith(f"{p}:{line}:{col}: error: "), msg
    assert words in msg
    assert (e.value.line, e.value.col) == (line, col)
    assert isinstance(e.value, ValueError)


def test_parse_rules_names_its_source():
    with pytest.raises(RuleError, match=r"^<string>:1:20: error: unknown predicate 'perpp'"):
        parse_rules("r: perp A B C D => perpp C D A B")


def test_engine_does_not_import_geosolver():
    code = (
        "import sys, ddar.rules; ddar.rules.load_rules();"
        " print(sorted(m for m in sys.modules if m.startswith('geosolver')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- soundness -----------------------------------------------------------------

# Figures shared by the rules about two triangles ABC and PQR.
_TRI = "a b c = triangle; "
HOMOTHETY = _TRI + "u = free; p = midpoint u a; q = midpoint u b; r = midpoint u c"  # similar, same orientation
HALF_TURN = _TRI + "u = free; p = mirror a u; q = mirror b u; r = mirror c u"  # congruent, same orientation
REFLECTION = _TRI + "u v = segment; p = reflect a u v; q = reflect b u v; r = reflect c u v"  # congruent, mirrored
MIRROR_SCALED = (
    _TRI + "u v = segment; p1 = reflect a u v; q1 = reflect b u v; r1 = reflect c u v;"
    " p = midpoint u p1; q = midpoint u q1; r = midpoint u r1"
)  # similar, mirrored

# The witnesses' constructions; the goal (the rule's conclusions) is added below.
# Several figures for one rule cover its different configurations.
FIGURES: dict[str, str | tuple[str, ...]] = {
    "para_to_coll": "a b = segment; c = on_line a b",
    "midp_def": "a b = segment; m = midpoint a b",
    "midp_from_cong": "a b = segment; m = on_bline a b, on_line a b",
    "midp_half": "a b = segment; m = midpoint a b",
    "midp_ratio": "a b = segment; m = midpoint a b; c d = segment; n = midpoint c d",
    "midline": "a b c = triangle; e = midpoint a b; f = midpoint a c",
    "midline_converse": "a b c = triangle; e = midpoint a b; f = on_line a c, on_pline e b c",
    "medians_concurrent": (
        "a b c = triangle; d = midpoint b c; e = midpoint c a; f = midpoint a b; g = intersection_ll a d b e"
    ),
    "parallelogram_diagonals": "a b c = triangle; d = on_pline c a b, on_pline a b c; m = intersection_ll a c b d",
    "parallelogram_from_diagonals": "a b = segment; m = midpoint a b; c = free; d = mirror c m",
    "parallelogram_midpoint": "a b c = triangle; d = on_pline b a c, on_pline a b c; m = midpoint a b",
    "parallelogram_sides": "a b c = triangle; d = on_pline c a b, on_pline a b c",
    "parallelogram_from_equal_sides": "a b c = triangle; d = on_pline c a b, eqdistance c a b",
    "thales": "a c = segment; o = midpoint a c; b = on_circle o a",
    "thales_converse": "b a c = r_triangle; o = midpoint a c",
    "right_triangle_median": "b a c = r_triangle; m = midpoint a c",
    "diameter_right_angle": "o a = segment; c = on_circle o a, on_line o a; b = on_circle o a",
    "kite_diameter": "a b = segment; p = on_bline a b; q = on_bline a b, on_circum a b p",
    "perp_bisector": (
        "a b = segment; u v = segment; p = eqdistance a u v, eqdistance b u v; w = free;"
        " q = eqdistance a a w, eqdistance b a w"
    ),
    "perp_bisector_converse": "a b = segment; m = midpoint a b; o = on_tline m a b",
    "feet_of_midpoint": "a b = segment; e = midpoint a b; u v = segment; f = foot a u v; g = foot b u v",
    "circle_from_radii": "o a = segment; b = on_circle o a; c = on_circle o a",
    "circle_radii": "a b c = triangle; o = circle a b c",
    "trapezoid_lemma": (
        "a b c = triangle; d = on_line a b; e = on_line a c, on_pline d b c; f = intersection_ll b e c d;"
        " g = intersection_ll a f b c"
    ),
    "circle_to_cyclic": "a b c = triangle; o = circle a b c; d = on_circle o a",
    "cyclic_centre": "a b c = triangle; o = circle a b c; d = on_circum a b c",
    "concyclic_from_center": "o a = segment; b = on_circle o a; c = on_circle o b; d = on_circle o c",
    "centre_from_chords": "a b c = triangle; d = on_circum a b c; p = on_bline a b, on_bline c d",
    "diameter_chord": "a b = segment; o = midpoint a b; c = on_circle o a; d = mirror c o",
    "harmonic_quadrilateral": (
        "k l m n = quadrangle; a = intersection_ll l m k n; b = intersection_ll k m l n;"
        " c = intersection_ll a b m n; d = intersection_ll a b k l"
    ),
    # a scaled copy keeps the order of the points on the line
    "ratio_resolution": "a c = segment; b = on_line a c; u = free; d = midpoint u a; e = midpoint u b; f = midpoint u c",
    "central_angle": "a b c = triangle; o = circle a b c; m = midpoint b c",
    "central_angle_converse": "a b c = triangle; o = circle a b c; m = on_line b c, on_aline o b c a b",
    "tangent_chord": "a b c = triangle; o = circle a b c; x = lc_tangent a o",
    "tangent_chord_converse": "a b c = triangle; o = circle a b c; x = on_aline a b a c b",
    "equal_tangents": "o a = segment; b = on_circle o a; p = lc_tangent a o, lc_tangent b o",
    "tangent_power": "o t = segment; a = on_circle o t; p = lc_tangent t o; b = on_line p a, on_circle o t",
    "inscribed_angle": "a b p = triangle; q = on_circum a b p",
    "cyclic_from_angles": "a b p = triangle; q = eqangle3 a b p a b",
    "cyclic_trapezoid": "a b c = triangle; d = on_circum a b c, on_pline c a b",
    "cyclic_trapezoid_sides": "a b c = triangle; d = on_circum a b c, on_pline c a b",
    "isosceles_trapezoid_cyclic": "a b c = triangle; d = on_pline c a b, eqdistance a b c",
    "equal_angles_equal_chords": (
        "a b c = triangle; p = on_circum a b c; r = on_circum a b c; q = on_circum a b c, on_aline r p b c a"
    ),
    "equal_angles_adjacent_chords": "a b d = triangle; c = on_circum a b d, on_aline d b b d a",
    "equal_chords_equal_angles": "a b p = triangle; q = on_circum a b p, eqdistance p a b",
    "equal_chords_equal_angles_mirror": "a b p = triangle; q = on_circum a b p, eqdistance p a b",
    "adjacent_chords_equal_angles": "a b d = triangle; c = on_circum a b d, on_circle b a",
    "arc_midpoint_cyclic": (
        "a m n = triangle; r = angle_bisector m a n, on_bline r m n",
        "a m n = triangle; u = angle_bisector m a n; r = on_tline a a u, on_bline r m n",  # external
    ),
    "radical_axis": (
        "d e h = triangle; p = on_tline p h d e; u = free; a1 = on_line a1 p u, on_circle a1 d h;"
        " a2 = on_line a2 p u, on_circle a2 d h; v = free; b1 = on_line b1 p v, on_circle b1 e h;"
        " b2 = on_line b2 p v, on_circle b2 e h"
    ),
    "power_of_point": "a b c = triangle; d = on_circum a b c; p = intersection_ll a b c d",
    "power_of_point_converse": (
        "a b c = triangle; p = on_line a b; d = on_line p c, on_circum a b c",
        "a b c = triangle; p = midpoint a b; d = on_line p c, on_circum a b c",
    ),
    "isosceles_base_angles": "o a = segment; b = on_circle o a",
    "isosceles_converse": "a b u = triangle; o = on_line b u, on_aline a b a b u",
    "bisector_theorem": (
        "a b c = triangle; d = angle_bisector b a c, on_line b c",
        "a b c = triangle; u = angle_bisector b a c; d = on_tline a a u, on_line b c",  # external
    ),
    "bisector_theorem_converse": (
        "a b c = triangle12; d e = trisegment b c",  # db : dc = 1 : 2 = ab : ac, internal
        "a b c = triangle12; d = mirror c b",  # external
    ),
    "bisectors_concurrent": (
        "a b c = triangle; i = angle_bisector b a c, angle_bisector c b a",  # incentre
        "a b c = triangle; u = angle_bisector c b a; i = angle_bisector b a c, on_tline b b u",  # excentre
    ),
    "orthocenter": "a b c = triangle; h = on_tline a b c, on_tline b c a",
    "altitude_circumradius_isogonal": "a b c = triangle; o = circle a b c; h = on_tline a b c",
    "simtri_aa": "a b c = triangle; q r = segment; p = on_aline q r a b c, on_aline r q a c b",
    "simtri_aa_mirror": "a b c = triangle; q r = segment; p = on_aline q r c b a, on_aline r q b c a",
    "simtri_sss": (HOMOTHETY, MIRROR_SCALED),
    "simtri_sas": HOMOTHETY,
    "simtri_sas_mirror": MIRROR_SCALED,
    "contri_sss": (HALF_TURN, REFLECTION),
    "contri_sas": HALF_TURN,
    "contri_sas_mirror": REFLECTION,
    "contri_asa": HALF_TURN,
    "contri_asa_mirror": REFLECTION,
    "simtri_ratios": (HOMOTHETY, MIRROR_SCALED),
    "simtri_angles": HOMOTHETY,
    "simtri_angles_mirror": MIRROR_SCALED,
    "contri_from_simtri": (HALF_TURN, REFLECTION),
    "contri_to_simtri": (HALF_TURN, REFLECTION),
    "contri_sides": (HALF_TURN, REFLECTION),
    "thales_ratio": "o a b = triangle; c = on_line o a; d = on_line o b, on_pline c a b",
    "thales_ratio_converse": (
        "o c = segment; a a2 = trisegment o c; d = free; b b2 = trisegment o d",  # inside
        "o c = segment; d = free; a = mirror o c; b = mirror o d",  # outside
    ),
    "trapezoid_ratio": "a b c d = trapezoid; m = on_line a d; n = on_line b c, on_pline m a b",
    "trapezoid_ratio_converse": (
        "a b c d = trapezoid; m m2 = trisegment a d; n n2 = trisegment b c",  # inside
        "a b c d = trapezoid; m = mirror a d; n = mirror b c",  # outside
    ),
    "simson_line": "a b c = triangle; p = on_circum a b c; x = foot p b c; y = foot p c a; z = foot p a b",
    "pappus": (
        "a b = segment; c = on_line a b; p q = segment; r = on_line p q;"
        " x = intersection_ll a q b p; y = intersection_ll a r c p; z = intersection_ll b r c q"
    ),
}


def statement(atom: Atom) -> Statement:
    """The atom with each variable mapped to the point of the same name in lower case."""
    return Statement(atom.pred, tuple(v.lower() for v in atom.args), atom.value)


def goal_text(atoms) -> str:
    return "; ".join(str(statement(a)) for a in atoms)


def _figures(name: str) -> tuple[str, ...]:
    f = FIGURES[name]
    return (f,) if isinstance(f, str) else f


WITNESSES: dict[str, tuple[str, ...]] = {
    name: tuple(f"{fig} ? {goal_text(BY_NAME[name].conclusions)}" for fig in _figures(name))
    for name in FIGURES
    if name in BY_NAME
}
"""Rule name -> problem texts: the witness figures with the rule's conclusions as the goal."""

CASES = [(name, i) for name in WITNESSES for i in range(len(WITNESSES[name]))]


def test_every_rule_has_a_witness():
    assert set(BY_NAME) - set(FIGURES) == set(), "rules without a witness"
    assert set(FIGURES) - set(BY_NAME) == set(), "witnesses of rules that do not exist"


@pytest.mark.parametrize("name, i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_witness_problem_checks(name, i):
    text = WITNESSES[name][i]
    problem = geosolver.parse_problem(text)
    missing = {v.lower() for v in BY_NAME[name].variables} - set(problem.points)
    assert not missing, f"{name}: the witness has no point for {sorted(missing)}"
    for seed in SEEDS:
        (res,) = geosolver.check(text, seed=seed)
        assert res.status == "ok", res.error


@pytest.mark.parametrize("name, i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_rule_is_sound_in_its_witness(name, i):
    rule = BY_NAME[name]
    figure = _figures(name)[i]
    for seed in SEEDS:
        d = geosolver.diagram(f"{figure} ? {goal_text(rule.premises)}", seed=seed)
        for atom in rule.premises:
            assert d.holds(statement(atom)), f"{name}, seed {seed}: premise {atom} is false"
        for atom in rule.conclusions:
            assert d.holds(statement(atom)), f"{name} is unsound, seed {seed}: {atom} is false"


# Figures in which a rule's facts hold but one of its checks fails, and so does
# its conclusion: the check is needed.  The extra goals pick the configuration.
COUNTEREXAMPLES: dict[str, str] = {
    # the angle at q is the supplement of the angle at b (same lines, sides kept)
    "contri_sas": _TRI + "u v = segment; q = shift b u v; p = shift q b a; r = shift q c b",
    "simtri_sas": _TRI + "u v = segment; q = shift b u v; p = shift q b a; r = shift q c b",
    # a right angle at b equals its mirror image
    "simtri_angles": "b a c = r_triangle; u v = segment; p = reflect a u v; q = reflect b u v; r = reflect c u v",
    # all on one line: every para holds, every angle is zero
    "parallelogram_midpoint": "a b = segment; m = midpoint a b; c = on_line a b; d = on_line a b",
    "parallelogram_diagonals": "a b = segment; c = on_line a b; d = on_line a b; m = on_line a b",
    "cyclic_from_angles": "a b = segment; p = on_line a b; q = on_line a b",
    # parallel chords (an isosceles trapezoid): one perpendicular bisector, any point of it
    "centre_from_chords": "a b c = triangle; d = on_circum a b c, on_pline c a b; p = on_bline a b",
    "midline_converse": "a b = segment; c = on_line a b; e = midpoint a b; f = on_line a b",
    "medians_concurrent": (
        "a b = segment; c = on_line a b; d = midpoint b c; e = midpoint c a; f = midpoint a b; g = on_line a b"
    ),
    "bisector_theorem": "a b = segment; c = on_line a b; d = on_line b c",
    "harmonic_quadrilateral": (
        "k l = segment; m = on_line k l; n = on_line k l; a = on_line k l; b = on_line k l; c = on_line k l;"
        " d = on_line k l"
    ),
    "thales_ratio": "o a = segment; b = on_line o a; c = on_line o a; d = on_line o a",
    "trapezoid_ratio": "a b = segment; c = on_line a b; d = on_line a b; m = on_line a b; n = on_line a b",
    "simtri_sss": "a b = segment; c = on_line a b; u = free; p = midpoint u a; q = midpoint u b; r = midpoint u c",
    # the other of the two configurations
    "parallelogram_from_equal_sides": "a b c = triangle; d = on_pline c a b, eqdistance c a b ? para a c b d",
    "isosceles_trapezoid_cyclic": "a b c = triangle; d = parallelogram a b c",
    "equal_chords_equal_angles": "a b p = triangle; q = on_circum a b p, eqdistance p a b ? para a p b q",
    "equal_chords_equal_angles_mirror": "a b p = triangle; q = on_circum a b p, eqdistance p a b ? para a q b p",
    # a point inside one segment, outside the other
    "thales_ratio_converse": "o c = segment; a a2 = trisegment o c; d = free; b = mirror d o",
    # ab/ac = de/df = 1/2, b inside ac but e outside df
    "ratio_resolution": "a c = segment; b = midpoint a c; d f = segment; g = mirror f d; e = midpoint d g",
    "trapezoid_ratio_converse": "a b c d = trapezoid; m m2 = trisegment a d; n = mirror c b",
    "power_of_point_converse": (
        "a b c = triangle; p = midpoint a b; e = on_line p c, on_circum a b c; d = mirror e p"
    ),
}


@pytest.mark.parametrize("name", sorted(COUNTEREXAMPLES))
def test_checks_are_needed(name):
    rule = BY_NAME[name]
    figure, _, extra = COUNTEREXAMPLES[name].partition("?")
    goals = goal_text(rule.facts) + (f"; {extra.strip()}" if extra.strip() else "")
    for seed in SEEDS:
        d = geosolver.diagram(f"{figure} ? {goals}", seed=seed)
        assert all(d.holds(statement(a)) for a in rule.facts)
        assert not all(d.holds(statement(a)) for a in rule.checks), f"{name}, seed {seed}: the checks hold"
        assert not all(d.holds(statement(a)) for a in rule.conclusions), f"{name}, seed {seed}: conclusion holds"


def test_rule_dataclasses_are_values():
    r = BY_NAME["midline"]
    assert isinstance(r, Rule) and hash(r) == hash(load_rules()[RULES.index(r)])
    assert r.variables == ("E", "A", "B", "F", "C")
