"""Time the model's proposals for one state: the root of every IMO-AG-30 problem and of the
JGEX-AG-231 problems the engine alone leaves, on one CPU thread as in the search.

    python benchmarks/proposal_speed.py                  # -> benchmarks/PROPOSALS.md
    python benchmarks/proposal_speed.py --compare HEAD~1 # also that commit's model code, as ratios

Per problem: the prompt's length in tokens, the seconds of the model's beam search (its
256 best clauses), of ``NeuralProposer.propose`` as the search calls it (the beam, then each
proposal renamed, parsed and placed in the figure), and how many proposals it keeps.
``--compare REF`` runs REF's ``geosolver/neural/model.py`` with the same shipped weights on
the same prompts in this process, one after the other, and checks that both beams propose
the same clauses in the same order.

Data: $GEOSOLVER_DATA (default ../shared/anchors/alphageometry).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("GEOSOLVER_DATA", REPO.parent / "shared" / "anchors" / "alphageometry"))


def _model_at(ref: str):
    """The model module of commit ``ref`` (its file only, imported under another name)."""
    text = subprocess.run(["git", "show", f"{ref}:geosolver/neural/model.py"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "model_at_ref.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("model_at_ref", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _clauses(beam: list) -> list:
    """A beam's clauses (token ids), in order, without their scores."""
    return [seq for seq, _ in beam]


def _problems() -> list[tuple[str, object]]:
    """(set, problem): every IMO-AG-30 problem, and the JGEX-AG-231 problems DD + AR leaves."""
    import geosolver
    from ddar.status import SOLVED
    from geosolver.solve import solve

    out = [("IMO-AG-30", p) for p in geosolver.load_problems(DATA / "imo_ag_30.txt")]
    for p in geosolver.load_problems(DATA / "jgex_ag_231.txt"):
        if solve(p, mode="ddar", timeout=60).status != SOLVED:
            out.append(("JGEX-AG-231 left", p))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compare", metavar="REF", help="also time this commit's model code, as ratios")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "PROPOSALS.md"))
    ap.add_argument("--wider", action="store_true",
                    help="also time the wider beams a state asked again gets (2 and 4 times BEAM, up to WIDEST)")
    args = ap.parse_args()

    import torch

    from geosolver.neural import model as model_here
    from geosolver.neural.proposer import BEAM, WEIGHTS, WIDEST, NeuralProposer
    from geosolver.proposers import ProposalState
    from geosolver.solve import prepare

    torch.set_num_threads(1)
    here = model_here.load(WEIGHTS)
    there = _model_at(args.compare).load(WEIGHTS) if args.compare else None
    proposer = NeuralProposer(here)
    widths = [w for w in (2 * BEAM, 4 * BEAM) if w <= WIDEST] if args.wider else []
    problems = _problems()
    rows = []
    for i, (label, problem) in enumerate(problems):
        d, _ = prepare(problem, 0)
        prompt, _, _ = proposer._prompt(d.problem)
        if i == 0:  # torch's first call pays its set-up
            here.propose(prompt, BEAM, proposer.ends)
        t0 = time.perf_counter()
        beam = here.propose(prompt, BEAM, proposer.ends)
        t1 = time.perf_counter()
        kept = proposer.propose(ProposalState(d), BEAM)
        t2 = time.perf_counter()
        row = {"set": label, "name": problem.name, "tokens": len(prompt), "beam": t1 - t0, "propose": t2 - t1, "kept": len(kept)}
        for width in widths:
            # here and REF in turn, which goes first alternating by problem: the machine's pace drifts
            for side in ("here", "ref")[:: 1 if i % 2 == 0 else -1]:
                if side == "ref" and there is None:
                    continue
                t3 = time.perf_counter()
                got = (here if side == "here" else there).propose(prompt, width, proposer.ends)
                row[f"beam{width}" + ("_ref" if side == "ref" else "")] = time.perf_counter() - t3
                row[f"clauses{width}_{side}"] = _clauses(got)
            if there is not None:
                row[f"same{width}"] = row.pop(f"clauses{width}_ref") == row[f"clauses{width}_here"]
            row.pop(f"clauses{width}_here")
        if there is not None:
            if i == 0:
                there.propose(prompt, BEAM, proposer.ends)
            t3 = time.perf_counter()
            old = there.propose(prompt, BEAM, proposer.ends)
            row["beam_ref"] = time.perf_counter() - t3
            row["same"] = _clauses(old) == _clauses(beam)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    def med(key: str, part: list) -> float:
        return statistics.median(r[key] for r in part)

    imo = [r for r in rows if r["set"] == "IMO-AG-30"]
    jgex = [r for r in rows if r["set"] != "IMO-AG-30"]
    flags = (f" --compare {args.compare}" if args.compare else "") + (" --wider" if widths else "")
    out = [f"# The model's proposals for one state (`python benchmarks/proposal_speed.py{flags}`)", "",
           (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, torch "
           f"{torch.__version__} on one thread; the shipped weights; the root state of each IMO-AG-30 problem "
           f"and of the {len(jgex)} JGEX-AG-231 problems the engine alone leaves. `beam`: the model's "
           f"{BEAM} best clauses; `propose`: the beam, then each clause renamed, parsed and placed "
           "in the figure (what the search calls, per state)."), "",
           "| set | problems | median beam s | max beam s | median propose s | max propose s | median kept |"
           + (" median beam s at REF | median ratio | same proposals |" if there else ""),
           "|---|---|---|---|---|---|---|" + ("---|---|---|" if there else "")]
    for label, part in (("IMO-AG-30", imo), ("JGEX-AG-231 left", jgex)):
        line = (f"| {label} | {len(part)} | {med('beam', part):.2f} | {max(r['beam'] for r in part):.2f} | "
                f"{med('propose', part):.2f} | {max(r['propose'] for r in part):.2f} | {med('kept', part):.0f} |")
        if there:
            ratio = statistics.median(r["beam_ref"] / r["beam"] for r in part)
            line += f" {med('beam_ref', part):.2f} | {ratio:.1f}x | {sum(r['same'] for r in part)}/{len(part)} |"
        out.append(line)
    out += ["", "| problem | prompt tokens | beam s | propose s | kept |" + (" beam s at REF |" if there else ""),
            "|---|---|---|---|---|" + ("---|" if there else "")]
    for r in rows:
        out.append(f"| {r['name']} | {r['tokens']} | {r['beam']:.2f} | {r['propose']:.2f} | {r['kept']} |"
                   + (f" {r['beam_ref']:.2f} |" if there else ""))
    if widths:
        out += ["", "Wider beams (what a state asked again in a later round gets), seconds of the beam alone"
                + (" (at REF: the median of that commit's; same: the same clauses in the same order)" if there else "")
                + ":", "",
                "| set | " + " | ".join(f"median {w} s | max {w} s" + (f" | median {w} s at REF | same at {w}" if there else "")
                                       for w in widths) + " |",
                "|---|" + ("---|---|" + "---|---|" * bool(there)) * len(widths)]

        def wide_cells(w: int, part: list) -> str:
            cells = f"{med(f'beam{w}', part):.2f} | {max(r[f'beam{w}'] for r in part):.2f}"
            if there:
                cells += f" | {med(f'beam{w}_ref', part):.2f} | {sum(r[f'same{w}'] for r in part)}/{len(part)}"
            return cells

        for label, part in (("IMO-AG-30", imo), ("JGEX-AG-231 left", jgex)):
            out.append(f"| {label} | " + " | ".join(wide_cells(w, part) for w in widths) + " |")
    Path(args.out).write_text("\n".join(out) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
