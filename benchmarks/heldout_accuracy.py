"""Top-1 / top-8 of proposer weights on a data set none of them was trained on, one essential
example per problem.

    geosolver generate /tmp/synth-test --figures 3000 --seed 1 --shard-size 200 --workers 2
    python benchmarks/heldout_accuracy.py /tmp/synth-test geosolver/neural/weights/proposer.safetensors runs/X/model.safetensors
    python benchmarks/heldout_accuracy.py /tmp/synth-test --any-aux --loci-share 1 MODELS...

The held-out split of ``geosolver train`` is 2% of the training data's problems,
and its essential examples come from few problems (one problem gives many goals;
synth-v2's 12,333 essential examples come from 866 problems), so its accuracy
swings from one evaluation to the next.  Here every example is an essential one
of a different problem of a separate ``generate`` run (another seed), and every
model is measured on the same examples with ``evaluate`` (the model writes the
clause's head itself, as in training).  ``--holdout F`` takes only the problems that
``geosolver train`` holds out at F (for a data set the models trained on); ``--loci-share S``
spells that share of each problem's named line intersections as their two loci, as the
training setting ``loci_share`` does, and keeps only the examples it respells: whether a model
reads the human spelling of the same figures (few essential examples name an intersection:
``--any-aux`` takes any example with auxiliary clauses).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geosolver.neural.model import load
from geosolver.neural.tokenizer import Tokenizer, loci_text
from geosolver.neural.train import (
    DataSet,
    TrainConfig,
    evaluate,
    example_row,
    held_out,
    read_examples,
)


def one_per_problem(folder: Path, tok: Tokenizer, context: int, count: int, holdout: float = 1.0,
                    loci_share: float = 0.0, essential: bool = True) -> DataSet:
    rows, seen = [], set()
    for x in read_examples(str(folder)):
        if (essential and not x.get("essential")) or not x["aux"] or x["problem"] in seen or not held_out(x["problem"], holdout):
            continue
        if loci_share > 0 and loci_text(x["problem"], loci_share) == x["problem"]:
            continue  # nothing to respell
        row = example_row(x, tok, context, loci_share)
        if row is not None:
            seen.add(x["problem"])
            rows.append(row)
            if len(rows) >= count:
                break
    seqs, starts, ess, texts = (list(c) for c in zip(*rows)) if rows else ([], [], [], [])
    return DataSet(seqs, starts, np.array(ess, dtype=bool), texts)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data", type=Path, help="a folder of `geosolver generate` that no model trained on")
    p.add_argument("models", nargs="+", help="model.safetensors files (their json beside them)")
    p.add_argument("--examples", type=int, default=400)
    p.add_argument("--holdout", type=float, default=1.0, help="only the problems `geosolver train` holds out at this share")
    p.add_argument("--loci-share", type=float, default=0.0, help="spell this share of line intersections as loci")
    p.add_argument("--any-aux", action="store_true", help="examples with auxiliary clauses, essential or not")
    args = p.parse_args()
    import torch

    torch.set_num_threads(2)
    tok = Tokenizer()
    models = {path: load(path) for path in args.models}
    # every model on the same examples: those that fit the smallest context
    context = min(m.config.context for m in models.values())
    data = one_per_problem(args.data, tok, context, args.examples, args.holdout, args.loci_share, not args.any_aux)
    cfg = TrainConfig(data=[str(args.data)], out="", eval_examples=len(data.seqs))
    kind = "examples with auxiliary clauses" if args.any_aux else "essential examples"
    print(f"{len(data.seqs)} {kind}, one per problem, from {args.data}"
          f" (held out at {args.holdout}; line intersections as loci: {args.loci_share})")
    print("| model | held-out loss | top-1 | top-8 |\n|---|---|---|---|")
    for path, model in models.items():
        got = evaluate(model, data, cfg, tok)
        print(f"| {path} | {got['heldout_loss']:.3f} | {100 * got['top1']:.1f}% | {100 * got['top8']:.1f}% |")
        print(json.dumps({"model": path, **got}), file=sys.stderr)


if __name__ == "__main__":
    main()
