"""A training run's curve and held-out figures (markdown, and the curve as a PNG).

    geosolver train geosolver/neural/recipe.json --data data/synth-v1 --out runs/proposer
    python benchmarks/training_table.py runs/proposer --png benchmarks/training_curve.png > benchmarks/TRAINING.md

Reads ``metrics.jsonl`` (written by ``geosolver train``) and ``train.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def table(run: Path, png: Path | None) -> str:
    rows = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines() if x.strip()]
    starts = [r for r in rows if r.get("event") == "start"]
    steps = [r for r in rows if "step" in r and r.get("event") is None]
    evals = [r for r in steps if "top1" in r]
    cfg = json.loads((run / "train.json").read_text())
    first = starts[0]
    last_seconds = max((r.get("seconds", 0.0) for r in steps), default=0.0)
    out = [f"# Training the proposer ({run.name})", "",
           f"{first['parameters']:,} parameters (d_model {cfg['d_model']}, {cfg['layers']} layers, {cfg['heads']} heads); "
           f"{first['train_examples']:,} training examples with auxiliary clauses ({first['train_essential']:,} "
           f"essential), {first['heldout_examples']:,} held out (2% of the problems); {cfg['steps']:,} steps of "
           f"{cfg['batch']} on {cfg['threads'] or 'all'} CPU threads, {last_seconds / 60:.0f} minutes"
           + (" (the last run after a resume)" if len(starts) > 1 else "") + ".", "",
           "Held-out accuracy: the true first auxiliary clause is the model's first proposal (top-1) or among its "
           "8 best (top-8, beam search of width 8), exact match, over the held-out examples, essential ones first.",
           "", "| step | training loss | held-out loss | top-1 | top-8 | of which essential |", "|---|---|---|---|---|---|"]
    for r in evals:
        out.append(f"| {r['step']} | {r['loss']:.3f} | {r['heldout_loss']:.3f} | {r['top1']:.1%} | {r['top8']:.1%} "
                   f"| {r['essential_share']:.0%} of {r['accuracy_examples']} |")
    out.append("")
    if png is not None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6, 3.5))
        ax = fig.add_subplot()
        ax.plot([r["step"] for r in steps], [r["loss"] for r in steps], label="training loss (smoothed)")
        ax.plot([r["step"] for r in evals], [r["heldout_loss"] for r in evals], "o-", label="held-out loss (clauses)")
        ax2 = ax.twinx()
        ax2.plot([r["step"] for r in evals], [r["top8"] for r in evals], "s--", color="tab:green", label="top-8")
        ax2.plot([r["step"] for r in evals], [r["top1"] for r in evals], "^--", color="tab:red", label="top-1")
        ax.set_xlabel("step")
        ax.set_ylabel("loss (nats per token)")
        ax2.set_ylabel("held-out accuracy")
        ax2.set_ylim(0, 1)
        handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
        ax.legend(handles, [h.get_label() for h in handles], loc="upper right", fontsize=8)
        fig.tight_layout()
        fig.savefig(png, dpi=100)
        out += [f"![training curve]({png.name})", ""]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path)
    ap.add_argument("--png", type=Path)
    args = ap.parse_args()
    print(table(args.run, args.png), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
