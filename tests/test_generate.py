"""The synthetic data generator: theorems traced back to their auxiliary points, runs and resume."""

import json

import pytest

from geosolver.cli import main
from geosolver.diagram import build_diagram
from geosolver.generate import (
    GenerateError,
    Settings,
    figure_examples,
    figure_theorems,
    generate,
    read_examples,
)
from geosolver.language import parse_problem
from geosolver.solve import solve

# A figure our generator drew (shard 0 of the recipe's run): a square's side ab, d the midpoint
# of ab, e the mirror of a in b; the midpoint f of cb unlocks the similar triangles acd and aec,
# which DD + AR do not find without it.
FIGURE = "a b = segment a b; c = psquare c a b; d = midpoint d a b; e = mirror e a b; f = midpoint f c b"


def _with_aux(x: dict) -> str:
    return "; ".join([x["problem"], *x["aux"]]) + f" ? {x['goal']}"


def test_an_essential_auxiliary_point_is_found_and_replays():
    d = build_diagram(parse_problem(FIGURE, "figure"), 0, want_goal=False)
    examples = [x.record() for x in figure_theorems(d, Settings())]
    essential = [x for x in examples if x["essential"]]
    assert essential, "the midpoint f unlocks facts the figure without it does not prove"
    x = essential[0]
    assert x["aux"] == ["f = midpoint f c b"]
    # canonical names: the problem's points are a, b, c, ... in construction order
    problem = parse_problem(f"{x['problem']} ? {x['goal']}")
    assert problem.points == list("abcde")[: len(problem.points)]
    assert solve(_with_aux(x), mode="ddar", timeout=30).status == "solved"
    assert solve(f"{x['problem']} ? {x['goal']}", mode="ddar", timeout=30).status == "saturated"


def test_examples_without_auxiliary_points_are_proved_from_the_problem_alone():
    d = build_diagram(parse_problem(FIGURE, "figure"), 0, want_goal=False)
    plain = [x.record() for x in figure_theorems(d, Settings()) if not x.aux]
    assert plain
    for x in plain[:2]:
        assert solve(f"{x['problem']} ? {x['goal']}", mode="ddar", timeout=30).status == "solved"


def test_a_figure_is_drawn_the_same_way_every_time():
    s = Settings(seed=7)
    first, made = figure_examples(s, 3)
    again, _ = figure_examples(s, 3)
    assert made and [x.record() for x in first] == [x.record() for x in again]


def test_the_recipes_random_stream_is_unchanged_by_later_settings():
    # figure 3 of a seed-7 run as the generator drew it before semi_free existed: a new setting
    # left at its default must not spend a draw, or every published data set's recipe changes
    (x, *_), _ = figure_examples(Settings(seed=7), 3)
    assert x.problem == ("a b c d = trapezoid a b c d; e = on_bline e d a, on_circum e d c b; f = circle f e d a; "
                         "g = parallelogram d c a g; h = midpoint h d e; i = foot i d e f; "
                         "j = intersection_lc j f g e; k = foot k h f j")


def test_semi_free_points_lie_anywhere_on_one_locus_and_their_examples_replay():
    from geosolver.generate import LOCUS_STEPS

    single, with_aux = 0, []
    for figure in range(12):
        examples, _ = figure_examples(Settings(seed=7, semi_free=0.3), figure)
        for x in examples:
            calls = [c.split(" = ", 1)[1] for c in x.problem.split("; ")[1:]]
            single += sum("," not in c and c.split()[0] in LOCUS_STEPS for c in calls)
            with_aux += [x.record()] if x.aux else []
    assert single and with_aux
    for x in with_aux[:3]:
        assert solve(_with_aux(x), mode="ddar", timeout=30).status == "solved", _with_aux(x)


def test_figures_grow_from_written_problems_premises(tmp_path):
    from geosolver.generate import bases_of

    source = tmp_path / "mine.txt"
    source.write_text("orthocentre\na b c = triangle a b c; h = on_tline h a b c, on_tline h b c a ? perp c h a b\n")
    bases = bases_of(source)
    assert bases == ["a b c = triangle a b c; h = on_tline h a b c, on_tline h b c a"]
    examples = [x for f in range(8) for x in figure_examples(Settings(seed=5, max_steps=4, bases=bases), f)[0]]
    # the written figure starts every problem (the orthocentre where the goal needs it), renamed canonically
    assert examples and all(x.problem.startswith("a b c = triangle a b c; ") for x in examples)
    assert any(x.problem.startswith("a b c = triangle a b c; d = on_tline d a b c, on_tline d b c a") for x in examples)
    x = next(x.record() for x in examples if x.aux)
    assert solve(_with_aux(x), mode="ddar", timeout=30).status == "solved", _with_aux(x)
    # the bases are part of a run's settings (as the command line gives them): another file is another run
    out = tmp_path / "run"
    assert main(["generate", str(out), "--figures", "2", "--seed", "5", "--max-steps", "4", "--shard-size", "2",
                 "--bases", str(source), "--no-progress"]) == 0
    assert json.loads((out / "progress.jsonl").read_text().splitlines()[0])["settings"]["bases"] == bases
    with pytest.raises(GenerateError, match=r"other settings \(bases\)"):
        generate(out, 2, Settings(seed=5, max_steps=4), shard_size=2, resume=True, progress=False)


def test_a_run_writes_shards_resumes_and_refuses_other_settings(tmp_path):
    out = tmp_path / "synth"
    s = Settings(seed=1, max_steps=5)
    totals = generate(out, 6, s, shard_size=3, progress=False)
    assert totals["shards"] == 2
    progress = [json.loads(line) for line in (out / "progress.jsonl").read_text().splitlines()]
    assert [p["shard"] for p in progress[1:]] == [0, 1]
    examples = list(read_examples(out))
    assert len(examples) == totals["examples"] > 0
    keys = [(x["problem"], x["goal"]) for x in examples]
    assert len(keys) == len(set(keys)), "de-duplicated"
    with pytest.raises(GenerateError, match="already holds a run"):
        generate(out, 6, s, shard_size=3, progress=False)
    assert generate(out, 6, s, shard_size=3, resume=True, progress=False)["shards"] == 0
    with pytest.raises(GenerateError, match="other settings"):
        generate(out, 6, Settings(seed=2, max_steps=5), shard_size=3, resume=True, progress=False)
    with pytest.raises(GenerateError, match=r"other settings \(semi_free\)"):
        generate(out, 6, Settings(seed=1, max_steps=5, semi_free=0.5), shard_size=3, resume=True, progress=False)
    # a run recorded before a setting existed resumes: it ran with the setting's default
    lines = (out / "progress.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    del first["settings"]["semi_free"]
    (out / "progress.jsonl").write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    assert generate(out, 6, s, shard_size=3, resume=True, progress=False)["shards"] == 0
    # a shard lost before it was recorded is made again, with the same examples
    (out / "shard-00001.jsonl").unlink()
    lines = (out / "progress.jsonl").read_text().splitlines()
    (out / "progress.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    again = generate(out, 6, s, shard_size=3, resume=True, progress=False)
    assert again["shards"] == 1 and sorted(map(json.dumps, read_examples(out))) == sorted(map(json.dumps, examples))


def test_every_auxiliary_example_of_a_run_replays(tmp_path):
    generate(tmp_path, 4, Settings(seed=3, max_steps=5), shard_size=4, progress=False)
    with_aux = [x for x in read_examples(tmp_path) if x["aux"]]
    assert with_aux
    for x in with_aux[:3]:
        assert solve(_with_aux(x), mode="ddar", timeout=30).status == "solved", _with_aux(x)


@pytest.mark.parametrize("args", [["--figures", "0"], ["--workers", "0"], ["--min-steps", "4", "--max-steps", "2"],
                                  ["--semi-free", "1.5"], ["--bases", "no/such/file.txt"]])
def test_bad_options_exit_2(tmp_path, args, capsys):
    assert main(["generate", str(tmp_path / "x"), *args]) == 2
    assert "error" in capsys.readouterr().err


def test_a_near_degenerate_figure_saturates_without_error():
    """Found by the generator (run seed 0, figure 3814): D and E lie within 0.015 of C while H is
    65 away, so 'C, D, E collinear' holds within the figure's size-relative tolerance but is off
    by 0.003 rad as an angle equation; AR refused it with an exception that ended the run."""
    from ddar.engine import Limits
    from geosolver.diagram import Diagram
    from geosolver.engine_input import engine_input
    from geosolver.solve import new_engine

    text = ("a b c = triangle a b c; d = on_dia d a b, on_tline d a c b; e = intersection_lc e d a c; "
            "f = on_line f a b, on_circum f c a d; g = on_line g a e, on_bline g e b; "
            "h = on_bline h d g, on_bline h a g; i = intersection_lc i c d a; j = intersection_ll j i b g d")
    coords = {
        "a": (0.09037991711322357, -0.24171480125397116), "b": (0.0010816160093691796, 0.3333989723757398),
        "c": (-0.24403776392406074, -0.041936586670803244), "d": (-0.23551374652042056, -0.028884306437446605),
        "e": (-0.2269897291167798, -0.01583202620408907), "f": (0.052217800057359966, 0.004063213315100539),
        "g": (-4.472811780522447, 3.0060639828567415), "h": (35.53463518034253, 54.387721465777396),
        "i": (-0.5773843102437745, 0.157201741346587), "j": (-0.5198068123786205, 0.1747394998091097),
    }
    import numpy as np

    d = Diagram(parse_problem(text), 0, {k: np.array(v) for k, v in coords.items()})
    engine = new_engine(engine_input(d))
    report = engine.saturate((), Limits(seconds=60))
    assert report.status == "saturated" and not engine.rejected
