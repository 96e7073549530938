"""Top-1 / top-8 of proposer weights on a data set none of them was trained on, one essential
example per problem.

    geosolver generate /tmp/synth-test --figures 3000 --seed 1 --shard-size 200 --workers 2
    python benchmarks/heldout_accuracy.py /tmp/synth-test geosolver/neural/weights/proposer.safetensors runs/X/model.safetensors

The held-out split of ``geosolver train`` is 2% of the training data's problems,
and its essential examples come from few problems (one problem gives many goals;
synth-v2's 12,333 essential examples come from 866 problems), so its accuracy
swings from one evaluation to the next.  Here every example is an essential one
of a different problem of a separate ``generate`` run (another seed), and every
model is measured on the same examples with ``evaluate`` (the model writes the
clause's head itself, as in training).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geosolver.neural.model import load
from geosolver.neural.tokenizer import Tokenizer
from geosolver.neural.train import (
    DataSet,
    TrainConfig,
    evaluate,
    example_row,
    read_examples,
)


def one_per_problem(folder: Path, tok: Tokenizer, context: int, count: int) -> DataSet:
    rows, seen = [], set()
    for x in read_examples(str(folder)):
        if not x.get("essential") or not x["aux"] or x["problem"] in seen:
            continue
        row = example_row(x, tok, context)
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
    args = p.parse_args()
    import torch

    torch.set_num_threads(2)
    tok = Tokenizer()
    models = {path: load(path) for path in args.models}
    # every model on the same examples: those that fit the smallest context
    context = min(m.config.context for m in models.values())
    data = one_per_problem(args.data, tok, context, args.examples)
    cfg = TrainConfig(data=[str(args.data)], out="", eval_examples=len(data.seqs))
    print(f"{len(data.seqs)} essential examples, one per problem, from {args.data}")
    print("| model | held-out loss | top-1 | top-8 |\n|---|---|---|---|")
    for path, model in models.items():
        got = evaluate(model, data, cfg, tok)
        print(f"| {path} | {got['heldout_loss']:.3f} | {100 * got['top1']:.1f}% | {100 * got['top8']:.1f}% |")
        print(json.dumps({"model": path, **got}), file=sys.stderr)


if __name__ == "__main__":
    main()
