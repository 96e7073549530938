"""The neural proposer: tokens, the model's beam search and scores, training end to end, and
proposals that are never trusted."""

import json
import os
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from geosolver.diagram import build_diagram
from geosolver.errors import GeoError
from geosolver.generate import Settings, generate
from geosolver.language import load_problems, parse_problem
from geosolver.neural.model import ModelConfig, Transformer, WeightsError, load, save
from geosolver.neural.proposer import NeuralProposer
from geosolver.neural.tokenizer import Tokenizer, canonical
from geosolver.neural.train import TrainConfig, TrainError, load_config, train
from geosolver.proposers import ProposalState
from geosolver.proposers.heuristic import HeuristicProposer

ROOT = Path(__file__).resolve().parents[1]


def test_every_bundled_problem_has_a_spelling_that_reads_back():
    tok = Tokenizer()
    for problem in load_problems(str(ROOT / "problems" / "classics.txt")):
        text, rename, new = canonical(problem)
        ids = tok.encode(text)
        assert tok.unk not in ids, text
        assert tok.decode(ids) == text
        assert list(rename.values()) == [p for p in "abcdefghijklmnopqrstuvwxyz"][: len(rename)]
        assert new not in rename.values()
    assert tok.decode(tok.encode("aconst a b c d 2pi/3; rconst a b c d 1/2")) == "aconst a b c d 2pi/3; rconst a b c d 1/2"


def test_the_pruned_beam_proposes_what_the_plain_beam_search_does(monkeypatch):
    """Beams that fall below the k-th best finished clause are dropped: the same clauses in the
    same order as the beam search that keeps them all, for fewer positions decoded (the shipped
    weights, whose likelihoods are shaped as in a search)."""
    from geosolver.neural.proposer import shipped_model

    model = shipped_model()
    proposer = NeuralProposer(model)
    decoded = {"rows": 0}
    plain_decode = model.decode

    def counting(idx, *args):
        decoded["rows"] += idx.shape[0]
        return plain_decode(idx, *args)

    monkeypatch.setattr(model, "decode", counting)  # the shipped model is shared by later tests
    for name in ("centroid", "median_third"):
        problem = load_problems(str(ROOT / "problems" / "classics_aux.txt"), name)[0]
        prompt, _, _ = proposer._prompt(problem)
        rows = {}
        for prune in (False, True):
            decoded["rows"] = 0
            got = model.propose(prompt, 24, proposer.ends, max_len=24, prune=prune)
            rows[prune] = (decoded["rows"], got)
        (plain_rows, plain), (pruned_rows, pruned) = rows[False], rows[True]
        assert len(pruned) == 24
        assert [seq for seq, _ in pruned] == [seq for seq, _ in plain]
        assert [lp for _, lp in pruned] == pytest.approx([lp for _, lp in plain], abs=1e-4)
        assert pruned_rows < plain_rows / 2


def test_scores_agree_with_the_beam_and_with_a_full_forward_pass():
    tok = Tokenizer()
    torch.manual_seed(0)
    model = Transformer(ModelConfig(vocab=len(tok), d_model=32, layers=2, heads=4, ff=64, context=128)).eval()
    prompt = tok.prompt("a b c = triangle a b c; d = midpoint d a b ? cong a d b d")
    ends = (tok.ids[";"], tok.eos)
    beams = model.propose(prompt, 4, ends, max_len=6)
    assert beams
    scores = model.score(prompt, [seq for seq, _ in beams], ends)
    for (seq, lp), s in zip(beams, scores):
        assert s == pytest.approx(lp, abs=1e-4)
    seq = beams[0][0]
    logits, _ = model(torch.tensor([prompt + seq]))
    logp = torch.log_softmax(logits[0], -1)
    logp = logp.detach()
    full = sum(float(logp[len(prompt) - 1 + i, t]) for i, t in enumerate(seq))
    full += float(torch.logsumexp(logp[len(prompt) + len(seq) - 1, torch.tensor(ends)], 0))
    assert scores[0] == pytest.approx(full, abs=1e-4)


class _Scripted:
    """A stand-in model that proposes fixed clause bodies (in canonical names: what follows the
    head ``e =`` it is given) and scores by length."""

    def __init__(self, bodies):
        self.tok = Tokenizer()
        self.bodies = bodies

    def propose(self, prompt, k, ends, max_len=32):
        return [(self.tok.encode(c), -float(i)) for i, c in enumerate(self.bodies)][:k]

    def score(self, prompt, continuations, ends):
        return [-float(len(c)) for c in continuations]


def test_malformed_or_impossible_proposals_are_rejected_never_used():
    problem = parse_problem("p q r = triangle p q r; m = midpoint m p q ? para m r q r")
    d = build_diagram(problem, 0, want_goal=False)
    # canonical names: p q r m -> a b c d; the model completes the clause 'e = ...'
    proposals = [
        "midpoint e a c",  # good: the midpoint of PR
        "midpoint e f c",  # a point that does not exist yet
        "midpoint e a z3",  # a point the problem does not have
        "midpoint e a",  # too few arguments
        "midpoint e a a",  # degenerate
        "midpoint e a b",  # lands on M, an existing point
        "on_line e a b, on_line e a b",  # a line twice fixes no point
        "triangle e a b",  # a construction that makes other points
        "e midpoint e a c",  # not a clause
        "midpoint e a c",  # the same point again: counted once
        "midpoint g a c",  # the output slot is the new point whatever is written there: the same again
    ]
    proposer = NeuralProposer(_Scripted(proposals))
    got = proposer.propose(ProposalState(d), 20)
    assert [c.clause for c in got] == ["x = midpoint x p r"]
    assert len(proposer.rejected) == len(proposals) - 3
    reasons = " ".join(why for _, why in proposer.rejected)
    assert "'f' is no point of the problem" in reasons and "'z3' is no point" in reasons
    assert "already exist" in reasons and "same line" in reasons


def test_a_state_asked_again_gets_a_wider_beam():
    """The search asks again for a state in its next round, for more: the same beam would only give
    what was tried, so it doubles (up to WIDEST); a new state starts at BEAM; never more than asked."""
    widths = []

    class Recording(_Scripted):
        def propose(self, prompt, k, ends, max_len=32):
            widths.append(k)
            return super().propose(prompt, k, ends, max_len)

    proposer = NeuralProposer(Recording(["midpoint e a c"]))
    first = ProposalState(build_diagram(parse_problem("p q r = triangle p q r; m = midpoint m p q ? para m r q r"), 0, want_goal=False))
    other = ProposalState(build_diagram(parse_problem("p q r = triangle p q r; m = midpoint m q r ? para m p q r"), 0, want_goal=False))
    for _ in range(4):
        assert [c.clause for c in proposer.propose(first, 4000)] == ["x = midpoint x p r"]
    proposer.propose(other, 4000)
    proposer.propose(other, 100)
    assert widths == [256, 512, 1024, 1024, 256, 100]


def test_the_model_ranks_others_candidates_by_its_likelihood():
    problem = parse_problem("a b c = triangle a b c ? cong a b a c")
    d = build_diagram(problem, 0, want_goal=False)
    heuristic = HeuristicProposer().propose(ProposalState(d), 30)
    ranked = NeuralProposer(_Scripted([])).rank(ProposalState(d), heuristic)  # here: shorter clauses first
    assert sorted(c.clause for c, _ in ranked) == sorted(c.clause for c in heuristic)
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_full_mode_runs_the_models_search_then_the_heuristics(monkeypatch, anchors):
    """Full mode: in each round the model's proposals, then the heuristics', nothing tried twice;
    when they exhaust (four proposals a state here), Wu's method proves it (IMO 2008 P1b: the
    heuristics need hundreds of candidates, Wu's method half a second)."""
    import geosolver.search as search_module
    from geosolver.solve import solve

    seen = []
    real = search_module.Tree.proposals

    def spy(self, path, seconds, k):
        seen.append(type(self.proposer).__name__)
        return real(self, path, seconds, 4)

    monkeypatch.setattr(search_module.Tree, "proposals", spy)
    r = solve(anchors / "imo_ag_30.txt", "translated_imo_2008_p1b", mode="full", timeout=60, max_depth=1)
    assert r.status == "solved" and 1 <= r.candidates <= 8, (r.status, r.candidates, r.error)
    assert r.proof["steps"][-1]["kind"] == "algebra" and not r.aux_clauses
    # round 0 and round 1 (nothing new: the same four proposals a state), each the model's turn first
    assert seen == ["NeuralProposer", "HeuristicProposer"] * 2, seen


def _tiny_config(tmp_path, data, steps) -> TrainConfig:
    return TrainConfig(data=[str(data)], out=str(tmp_path / "run"), d_model=32, layers=1, heads=4, ff=64,
                       context=256, batch=8, steps=steps, warmup=2, eval_every=steps, eval_examples=4,
                       save_every=3, holdout=0.2, threads=1, dropout=0.1)


def _stopped_and_resumed(cfg: TrainConfig, between=lambda: None) -> dict:
    """Train ``cfg`` as a run stopped after its checkpoint at step 3 (``between`` called there) and
    resumed to the end."""
    import dataclasses

    train(dataclasses.replace(cfg, steps=3, eval_every=3), progress=False)
    Path(cfg.out, "train.json").write_text(json.dumps(dataclasses.asdict(cfg), indent=1) + "\n")
    between()
    return train(cfg, resume=True, progress=False)


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    generate(out, 8, Settings(seed=5, max_steps=5), shard_size=4, progress=False)
    return out


def test_generate_then_train_end_to_end_and_resume_to_the_same_weights(tmp_path, tiny_data):
    cfg = _tiny_config(tmp_path / "a", tiny_data, 6)
    got = train(cfg, progress=False)
    assert got["step"] == 6 and 0 <= got["top1"] <= got["top8"] <= 1
    metrics = [json.loads(line) for line in Path(cfg.out, "metrics.jsonl").read_text().splitlines()]
    assert metrics[0]["event"] == "start" and metrics[0]["train_examples"] > 0
    assert "heldout_loss" in metrics[-1]
    model = load(Path(cfg.out) / "model.safetensors")  # sha256 checked
    assert model.config.d_model == 32
    # a run stopped after its checkpoint at step 3 and resumed ends with the same weights
    half = _tiny_config(tmp_path / "b", tiny_data, 6)

    def saved_before_snapshots_existed() -> None:  # its settings lack the key: it had the default
        saved = Path(half.out, "train.json")
        settings = json.loads(saved.read_text())
        del settings["snapshots"]
        saved.write_text(json.dumps(settings))

    assert _stopped_and_resumed(half, saved_before_snapshots_existed)["sha256"] == got["sha256"]
    with pytest.raises(TrainError, match="already holds"):
        train(half, progress=False)


def test_damaged_weights_are_refused(tmp_path):
    tok = Tokenizer()
    model = Transformer(ModelConfig(vocab=len(tok), d_model=16, layers=1, heads=2, ff=32, context=64))
    path = tmp_path / "m.safetensors"
    save(model, path)
    load(path)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(WeightsError, match="sha256"):
        load(path)


def test_the_search_uses_a_model_given_with_model(tmp_path, tiny_data, monkeypatch):
    """`--model` (``use_model``) puts one's own trained weights in the shipped ones' place, for
    this process and the bench processes it starts (an environment variable)."""
    from geosolver.neural.proposer import MODEL_ENV, model_path, use_model
    from geosolver.search import make_proposer

    monkeypatch.setenv(MODEL_ENV, "")  # restored after the test
    assert model_path().endswith("proposer.safetensors")
    cfg = _tiny_config(tmp_path, tiny_data, 3)
    train(cfg, progress=False)
    use_model(Path(cfg.out) / "model.safetensors")
    assert os.environ[MODEL_ENV] == str((Path(cfg.out) / "model.safetensors").resolve())
    assert make_proposer("neural").model.config.d_model == 32  # the tiny model, not the shipped one
    with pytest.raises(GeoError, match="--model: no file"):
        use_model(tmp_path / "none.safetensors")


def test_bad_configurations_are_named(tmp_path):
    bad = tmp_path / "c.json"
    bad.write_text(json.dumps({"data": "x", "out": "y", "layerz": 3}))
    with pytest.raises(TrainError, match="unknown keys layerz"):
        load_config(bad)
    bad.write_text(json.dumps({"data": "x", "out": "y", "d_model": 30, "heads": 4}))
    with pytest.raises(TrainError, match="multiple of heads"):
        load_config(bad)
    bad.write_text(json.dumps({"data": "x", "out": "y", "dropout": 1.5}))
    with pytest.raises(TrainError, match="'dropout' must be a number in"):
        load_config(bad)
    with pytest.raises(TrainError, match="no data folder"):
        train(TrainConfig(data=[str(tmp_path / "none")], out=str(tmp_path / "o")), progress=False)


def test_the_shipped_weights_load_and_match_their_sha256():
    from geosolver.neural.proposer import WEIGHTS, shipped_model, shipped_sha256

    assert WEIGHTS.is_file(), "the package ships the proposer's weights"
    assert WEIGHTS.stat().st_size <= 30 * 2**20
    actual, recorded = shipped_sha256()
    assert actual == recorded
    model = shipped_model()
    meta = json.loads(WEIGHTS.with_suffix(".json").read_text())
    assert model.config.vocab == len(Tokenizer()) and meta["step"] == meta["train"]["steps"]
    # it proposes clauses of the language for a bundled problem, in the problem's own names
    problem = parse_problem("a b c = triangle a b c; m = midpoint m b c; n = midpoint n a c ? para m n a b")
    d = build_diagram(problem, 0)
    got = NeuralProposer(model).propose(ProposalState(d), 8)
    assert got and all(c.clause.startswith("x = ") for c in got)


def test_numbers_are_joined_but_never_to_a_point_name():
    tok = Tokenizer()
    for text in ("x = s_angle a b i 30", "x = s_angle a b p 30", "x = on_aline x a1 b c d e 45",
                 "a b c = triangle a b c ? aconst a b a c 2pi/3; rconst a b a c 1/2"):
        assert tok.decode(tok.encode(text)) == text


def test_training_can_keep_the_best_evaluation_and_thin_repeated_examples(tmp_path, tiny_data):
    import dataclasses

    from geosolver.neural.train import load_data

    cfg = dataclasses.replace(_tiny_config(tmp_path, tiny_data, 6), eval_every=2, keep_best=True, snapshots=True)
    got = train(cfg, progress=False)
    best = json.loads(Path(cfg.out, "best.json").read_text())
    evals = [json.loads(line) for line in Path(cfg.out, "metrics.jsonl").read_text().splitlines()]
    top8 = [r["top8"] for r in evals if "top8" in r]
    assert best["eval"]["top8"] == max(top8) and got["top8"] == max(top8)
    # every evaluation's model is kept; the best is one of them, bit for bit
    snaps = {s: json.loads(Path(cfg.out, f"step-{s}.json").read_text()) for s in (2, 4, 6)}
    assert snaps[best["step"]]["sha256"] == best["sha256"]
    assert [snaps[s]["eval"]["top8"] for s in (2, 4, 6)] == top8
    assert load(Path(cfg.out) / "model.safetensors") is not None
    tok = Tokenizer()
    all_train, _ = load_data(cfg, tok)
    thin, _ = load_data(dataclasses.replace(cfg, loose_per_construction=1), tok)
    assert 0 < len(thin.seqs) <= len(all_train.seqs)
    assert thin.essential.sum() == all_train.essential.sum()  # essential examples are all kept


def test_goal_balance_evens_out_how_often_each_goal_kind_is_drawn(tmp_path, tiny_data):
    import dataclasses

    import numpy as np

    from geosolver.neural.train import draw_weights, goal_kind, load_data

    cfg = _tiny_config(tmp_path, tiny_data, 2)
    data, _ = load_data(cfg, Tokenizer())
    kinds = np.array([goal_kind(text) for text, _ in data.texts])
    assert len(set(kinds)) >= 3 and len({(kinds == k).sum() for k in set(kinds)}) > 1  # uneven to start with

    def mass(balance: float) -> dict[str, float]:
        w = draw_weights(data, dataclasses.replace(cfg, goal_balance=balance))
        assert w.sum() == pytest.approx(1.0)
        return {k: float(w[kinds == k].sum()) for k in set(kinds)}

    plain = mass(0.0)
    assert pytest.approx(list(mass(1.0).values())) == [1 / len(plain)] * len(plain)  # every kind alike
    half = mass(0.5)  # in proportion to the square root of each kind's plain share
    roots = {k: plain[k] ** 0.5 for k in plain}
    assert all(half[k] == pytest.approx(roots[k] / sum(roots.values())) for k in plain)
    bad = tmp_path / "c.json"
    bad.write_text(json.dumps({"data": "x", "out": "y", "goal_balance": 2}))
    with pytest.raises(TrainError, match="'goal_balance' must be a number in"):
        load_config(bad)


def test_line_intersections_can_be_shown_as_the_loci_human_problems_write(tmp_path):
    import dataclasses

    import numpy as np

    from geosolver.neural.tokenizer import as_loci, loci_text
    from geosolver.neural.train import load_data

    assert as_loci("e = intersection_ll e a b c d") == "e = on_line e a b, on_line e c d"
    assert as_loci("f = intersection_lp f a b c d e") == "f = on_line f a b, on_pline f c d e"
    assert as_loci("f = intersection_lt f a b c d e") == "f = on_line f a b, on_tline f c d e"
    assert as_loci("g = intersection_pp g a b c d e f") == "g = on_pline g a b c, on_pline g d e f"
    assert as_loci("g = intersection_tt g a b c d e f") == "g = on_tline g a b c, on_tline g d e f"
    for other in ("e = midpoint e a b", "e = intersection_lc e a b c", "e = on_line e a b, on_line e c d",
                  "e = intersection_ll e a b c"):
        assert as_loci(other) is None
    text = ("a b c = triangle a b c; d = midpoint d b c; e = midpoint e a c; f = intersection_ll f a d b e; "
            "g = intersection_lt g a b c a f; h = intersection_pp h a b c c a d; i = intersection_tt i a b c b a f")
    assert loci_text(text, 0.0) == text
    every = loci_text(text, 1.0)
    assert "intersection_" not in every and every.count("on_") == 8 and every == loci_text(text, 1.0)
    # either spelling, the same figure (up to rounding): the loci are the intersection's two lines
    plain, loci = (build_diagram(parse_problem(t), seed=3, want_goal=False) for t in (text, every))
    assert all(np.allclose(plain.points[p], loci.points[p], rtol=0, atol=1e-9) for p in plain.points)
    some = [loci_text(text, 0.5, seed) for seed in range(40)]
    assert len(set(some)) > 4 and all(s.count("intersection_") in range(5) for s in some)
    # training shows the model the generated problems' intersections as loci, the clauses to propose as generated
    figure = "a b c = triangle a b c; d = midpoint d b c; e = midpoint e a c; f = intersection_ll f a d b e"
    examples = [{"problem": figure, "goal": goal, "aux": ["g = midpoint g a b"], "essential": True}
                for goal in ("eqratio a f f d b f f e", "para d e a b")]
    (tmp_path / "shard-00000.jsonl").write_text("".join(json.dumps(x) + "\n" for x in examples))
    cfg = dataclasses.replace(_tiny_config(tmp_path, tmp_path, 2), holdout=0.0)
    named = load_data(cfg, Tokenizer())[0].texts
    shown = load_data(dataclasses.replace(cfg, loci_share=1.0), Tokenizer())[0].texts
    assert [t for t, _ in named] == [f"{x['problem']} ? {x['goal']}" for x in examples]
    assert [t.split(" ? ")[0] for t, _ in shown] == [loci_text(x["problem"], 1.0) for x in examples]
    assert [a for _, a in named] == [a for _, a in shown] == [x["aux"] for x in examples]
    bad = tmp_path / "c.json"
    bad.write_text(json.dumps({"data": "x", "out": "y", "loci_share": 1.5}))
    with pytest.raises(TrainError, match="'loci_share' must be a number in"):
        load_config(bad)


def test_training_can_start_from_saved_weights_of_the_same_size(tmp_path, tiny_data):
    import dataclasses

    first = _tiny_config(tmp_path / "a", tiny_data, 4)
    base = train(first, progress=False)
    start = Path(first.out) / "model.safetensors"
    # at a learning rate of 0 the fine-tuned model is the one it started from, bit for bit
    tuned = dataclasses.replace(_tiny_config(tmp_path / "b", tiny_data, 2), init=str(start), lr=0.0)
    assert train(tuned, progress=False)["sha256"] == base["sha256"]
    # a random start at the same settings is another model
    fresh = dataclasses.replace(tuned, out=str(tmp_path / "c"), init="")
    assert train(fresh, progress=False)["sha256"] != base["sha256"]
    wider = dataclasses.replace(tuned, out=str(tmp_path / "d"), d_model=48, heads=2)
    with pytest.raises(TrainError, match="init: .* another size: d_model 32 \\(configuration: 48\\)"):
        train(wider, progress=False)
    with pytest.raises(TrainError, match="init: no model at"):
        train(dataclasses.replace(tuned, out=str(tmp_path / "e"), init=str(tmp_path / "none.safetensors")),
              progress=False)
    assert not (tmp_path / "d").exists() and not (tmp_path / "e").exists()  # refused before anything is written
    # a fine-tuning run resumes from its checkpoint, to the weights of an uninterrupted one, without init's file
    import shutil

    init = tmp_path / "init.safetensors"
    shutil.copy(start, init)
    shutil.copy(start.with_suffix(".json"), init.with_suffix(".json"))
    whole = dataclasses.replace(_tiny_config(tmp_path / "f", tiny_data, 6), init=str(init))
    want = train(whole, progress=False)["sha256"]
    half = dataclasses.replace(whole, out=str(tmp_path / "g" / "run"))
    assert _stopped_and_resumed(half, between=init.unlink)["sha256"] == want
