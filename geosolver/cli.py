"""The `geosolver` command.

Exit codes: 0 all is well; 1 a goal is false or a figure cannot be built
(`check`), or not proved (`solve`); 2 bad input (syntax, unknown construction,
missing file, bad option; for `solve` also a goal false in every figure);
3 an internal error (a bug, such as a proof the checker rejects).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from ddar.status import ERROR, SOLVED
from geosolver.errors import GeoError
from geosolver.solve import DEFAULT_MODE, MODES

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
_MODE_HELP = (f"ddar: the engine alone; search: then auxiliary points from the heuristics; neural: from the "
              f"model; full: both, the model first in each round; each of these three ends with Wu's method in "
              f"its last 10%%; algebra: Wu's method alone (default {DEFAULT_MODE})")

_MODEL_HELP = ("the proposer's weights for neural and full: a model.safetensors written by `geosolver train` "
               "(default: the shipped weights)")

_CHECK_EXAMPLES = """\
examples:
  geosolver check problems/classics.txt
  geosolver check problems/classics.txt --name orthocenter --seed 3
  geosolver check "a b c = triangle; h = orthocenter a b c ? perp a h b c"
  geosolver check imo_ag_30.txt --json > report.json

Each problem is parsed, its figure built from the seed, and its goal tested
in the figure.  Exit 0 if every problem is ok, 1 if some goal is false or some
figure cannot be built, 2 on bad input.
"""

_DRAW_EXAMPLES = """\
examples:
  geosolver draw problems/classics.txt --name orthocenter -o orthocenter.png
  geosolver draw "a b c = triangle; o = circle a b c ? cong o a o b" -o circ.svg

Points are labelled; the lines, circles and segments the constructions use are
drawn, and the goal's objects highlighted in red.
"""


_SOLVE_EXAMPLES = """\
examples:
  geosolver solve problems/classics.txt --name orthocenter
  geosolver solve "a b c = triangle; h = orthocenter a b c ? perp a h b c"
  geosolver solve imo_ag_30.txt --name translated_imo_2004_p5 --out out/ --json

The figure is built from the seed, the engine (DD + AR) saturates it, and a
proof is printed only after the independent checker accepts it.  Exit 0 when
solved, 1 when not (saturated or out of time), 2 on an error.
"""

_BENCH_EXAMPLES = """\
examples:
  geosolver bench imo-ag-30 --timeout 60
  geosolver bench jgex-ag-231 --workers 8 --out runs/jgex.jsonl
  geosolver bench imo-ag-30 --resume                   # carry on after an interruption
  geosolver bench problems/classics.txt --names orthocenter,thales --timeout 10

A suite is a problem file, or imo-ag-30 / jgex-ag-231 read from $GEOSOLVER_DATA
(default ../shared/anchors/alphageometry).  Each problem runs in its own process
with its own time and memory limits; one JSON line per problem is appended to
the output file as it finishes, and a summary table (beside AlphaGeometry's
published figures) is printed at the end.  Exit 0 when the run completes,
whatever was solved; 2 on bad input.
"""


_GENERATE_EXAMPLES = """\
examples:
  geosolver generate data/synth --figures 100000 --workers 2
  geosolver generate data/synth --figures 100000 --workers 2 --resume   # carry on
  geosolver generate data/synth --figures 1000000 --executor ray --workers 64

Random figures from the construction library, saturated by DD + AR; every
derived fact's proof traced back and split into the problem, its goal and the
auxiliary constructions the proof used.  Examples go to sharded JSONL files
(shard-NNNNN.jsonl) in the folder; progress.jsonl records the finished shards,
and --resume skips them.  Exit 0 when the run completes, 2 on bad input.
"""

_TRAIN_EXAMPLES = """\
examples:
  geosolver train geosolver/neural/recipe.json --data data/synth --out runs/proposer
  geosolver train geosolver/neural/recipe.json --data data/synth --out runs/proposer --resume

CONFIG is a JSON file of the model's size and the schedule (see
geosolver/neural/train.py: TrainConfig); --data and --out override its folders.
Checkpoints every save_every steps; --resume carries on from the last one.
Held-out loss and top-1 / top-8 accuracy go to OUT/metrics.jsonl; the final
model to OUT/model.safetensors (+ model.json, with its sha256).
"""

_RENDER_EXAMPLES = """\
examples:
  geosolver render out/proof.json                       # out/proof.html
  geosolver render out/proof.json --format svg -o fig.svg

Re-renders a result saved by `geosolver solve --out DIR` without solving again.
"""


_VERIFY_EXAMPLES = """\
examples:
  geosolver verify out/proof.json
  geosolver verify out/proof.json --problem problems/classics.txt --name orthocenter

Checks a proof without solving again: its figure is rebuilt from the problem
text and seed it records, and every step (rule instances, AR combinations in
exact arithmetic, facts read off the figure) is checked by the independent
checker.  With --problem, the proof must also be of that problem.  Exit 0 when
every step checks, 1 with each rejected step named, 2 on a damaged file.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # bad options exit 2 with a one-line reason, like bad input
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="geosolver",
        description="A prover for olympiad plane geometry: check, draw, solve and bench problems, render proofs "
        "written in AlphaGeometry's problem language (see docs/LANGUAGE.md); generate synthetic theorems and "
        "train the model that proposes auxiliary points.",
    )
    from geosolver import __version__

    p.add_argument("--version", action="version", version=f"geosolver {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def common(sp):
        sp.add_argument("source", metavar="FILE|TEXT", help="a problem file, or one problem as text")
        sp.add_argument("--name", "-n", help="only the problem with this name")
        sp.add_argument("--seed", "-s", type=int, default=0, help="seed of the random figure (default 0)")

    fmt = argparse.RawDescriptionHelpFormatter
    c = sub.add_parser("check", help="parse problems, build their figures, test their goals",
                       description="Parse problems, build their figures and test their goals numerically.",
                       epilog=_CHECK_EXAMPLES, formatter_class=fmt)
    common(c)
    c.add_argument("--json", action="store_true", help="print a JSON list of {name, status, error, seconds}")
    d = sub.add_parser("draw", help="draw a problem's figure (PNG or SVG)",
                       description="Draw one problem's figure to a PNG or SVG file.",
                       epilog=_DRAW_EXAMPLES, formatter_class=fmt)
    common(d)
    d.add_argument("-o", "--output", default="figure.png", help="the file to write: .png or .svg (default figure.png)")
    s = sub.add_parser("solve", help="prove a problem's goal (the engine, then auxiliary points)",
                       description="Prove one problem's goal: numbered steps, each checked.",
                       epilog=_SOLVE_EXAMPLES, formatter_class=fmt)
    common(s)
    s.add_argument("--mode", default=DEFAULT_MODE, choices=list(MODES), help=_MODE_HELP)
    s.add_argument("--timeout", "-t", type=float, default=60.0, help="wall-clock budget in seconds (default 60)")
    s.add_argument("--workers", "-j", type=int, default=1, help="processes trying auxiliary points at once (default 1)")
    s.add_argument("--max-depth", type=int, default=2, metavar="D",
                   help="auxiliary points in one proof at most (search; default 2)")
    s.add_argument("--model", metavar="FILE", help=_MODEL_HELP)
    s.add_argument("--json", action="store_true", help="print {name, status, seconds, proof_steps, aux, proof}")
    s.add_argument("--out", "-o", metavar="DIR", help="write proof.txt, proof.json and figure.png into DIR")
    s.add_argument("--notation", choices=["math", "lang"], default="math",
                   help="facts as ∠(AB,AC) = ∠(DB,DC) (math, default) or in the problem language (lang)")
    b = sub.add_parser("bench", help="solve a whole suite in parallel; JSONL results and a summary table",
                       description="Solve every problem of a suite, each in its own process: one JSON line "
                       "per problem, then a summary table.",
                       epilog=_BENCH_EXAMPLES, formatter_class=fmt)
    b.add_argument("suite", metavar="SUITE", help="a problem file, or imo-ag-30 / jgex-ag-231")
    b.add_argument("--mode", default=DEFAULT_MODE, choices=list(MODES), help=_MODE_HELP)
    b.add_argument("--model", metavar="FILE", help=_MODEL_HELP)
    b.add_argument("--max-depth", type=int, default=2, metavar="D",
                   help="auxiliary points in one proof at most (search; default 2)")
    b.add_argument("--timeout", "-t", type=float, default=60.0, help="seconds per problem (default 60)")
    b.add_argument("--workers", "-j", type=int, help="problems run at once (default: the number of CPUs)")
    b.add_argument("--out", "-o", metavar="FILE", help="the JSONL file to append to (default bench-SUITE.jsonl)")
    b.add_argument("--resume", action="store_true", help="skip the problems already in the output file")
    b.add_argument("--names", metavar="A,B", help="only these problems (comma-separated names)")
    b.add_argument("--seed", "-s", type=int, default=0, help="seed of the random figures (default 0)")
    b.add_argument("--memory", type=int, default=4096, metavar="MB",
                   help="memory limit of each problem's process in MB (default 4096; 0: none)")
    b.add_argument("--executor", choices=["local", "ray"], default="local",
                   help="where problems run: local processes (default) or a Ray cluster "
                        "(pip install 'geosolver[distributed]')")
    b.add_argument("--ray-address", metavar="ADDR", default=None,
                   help="the Ray cluster to join (default: $RAY_ADDRESS, else a local Ray instance)")
    gen = sub.add_parser("generate", help="synthetic theorems with auxiliary constructions, for training",
                         description="Make training examples from random figures (sharded JSONL).",
                         epilog=_GENERATE_EXAMPLES, formatter_class=fmt)
    gen.add_argument("out", metavar="FOLDER", help="where the shards go (kept outside the repository)")
    gen.add_argument("--figures", type=int, default=10000, help="random figures to draw (default 10000)")
    gen.add_argument("--seed", "-s", type=int, default=0, help="seed of the run (default 0)")
    gen.add_argument("--workers", "-j", type=int, default=1, help="worker processes (default 1)")
    gen.add_argument("--shard-size", type=int, default=100, metavar="N", help="figures per shard (default 100)")
    gen.add_argument("--min-steps", type=int, default=3, help="constructions after the base shape, at least (default 3)")
    gen.add_argument("--max-steps", type=int, default=9, help="and at most (default 9)")
    gen.add_argument("--semi-free", type=float, default=0.0, metavar="SHARE",
                     help="share of the constructed points left anywhere on one line or circle, as human "
                          "problems place some (d = on_circle d a b); default 0")
    gen.add_argument("--bases", metavar="PROBLEMS", action="append", default=None,
                     help="grow the figures from the premises of this problem file's problems (one drawn per "
                          "figure; repeatable) instead of the generator's base shapes")
    gen.add_argument("--resume", action="store_true", help="carry on the run in FOLDER, skipping finished shards")
    gen.add_argument("--executor", choices=["local", "ray"], default="local",
                     help="local processes (default) or a Ray cluster ($RAY_ADDRESS, else a local instance)")
    gen.add_argument("--no-progress", action="store_true", help="no progress bar")
    tr = sub.add_parser("train", help="train the proposer model on generated examples",
                        description="Train the model that proposes auxiliary constructions.",
                        epilog=_TRAIN_EXAMPLES, formatter_class=fmt)
    tr.add_argument("config", metavar="CONFIG", help="a JSON training configuration")
    tr.add_argument("--data", action="append", metavar="DIR", help="a folder of `geosolver generate` (repeatable)")
    tr.add_argument("--out", metavar="DIR", help="where checkpoints, metrics and the model go")
    tr.add_argument("--steps", type=int, help="override the configuration's number of steps")
    tr.add_argument("--resume", action="store_true", help="carry on from the last checkpoint in OUT")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")
    rd = sub.add_parser("render", help="re-render a saved proof (proof.json) without solving",
                        description="Render a result saved by `geosolver solve --out`: figure, page or text.",
                        epilog=_RENDER_EXAMPLES, formatter_class=fmt)
    rd.add_argument("result", metavar="proof.json", help="a proof.json written by `geosolver solve --out`")
    rd.add_argument("--format", "-f", choices=["png", "svg", "html", "txt", "asy", "ggb"], default=None,
                    help="what to write (default: from the -o suffix, else html)")
    rd.add_argument("-o", "--output", help="the file to write (default: beside proof.json, proof.html / figure.png ...)")
    rd.add_argument("--notation", choices=["math", "lang"], default="math",
                    help="facts in mathematical notation (default) or in the problem language")
    vf = sub.add_parser("verify", help="check a saved proof (proof.json) step by step, without solving",
                        description="Check a proof written by `geosolver solve --out` (or --json) with the "
                        "independent checker.", epilog=_VERIFY_EXAMPLES, formatter_class=fmt)
    vf.add_argument("proof", metavar="proof.json", help="a proof, or a result of `geosolver solve --out` / --json")
    vf.add_argument("--problem", metavar="FILE|TEXT", help="the problem the proof must be of (not read from the proof)")
    vf.add_argument("--name", "-n", help="with --problem: the problem with this name")
    return p


def _cmd_verify(args) -> int:
    from geosolver.api import load_problem
    from geosolver.verify import check_saved, read_proof

    proof = read_proof(args.proof)
    if args.name and not args.problem:
        raise GeoError("--name needs --problem (the file the problem is read from)")
    expected = load_problem(args.problem, args.name) if args.problem else None
    errors = check_saved(proof, expected)
    if errors:
        print(f"{args.proof}: rejected, {len(errors)} error{'s' * (len(errors) > 1)}:")
        for e in errors:
            print(f"  {e}")
        return EXIT_FAIL
    goals = "; ".join(" ".join([g["pred"], *g["points"]] + ([g["value"]] if g.get("value") else []))
                      for g in proof["goals"])
    print(f"{args.proof}: verified: {len(proof['steps'])} steps prove {goals} (problem {proof.get('problem')!r})")
    return EXIT_OK


def _cmd_render(args) -> int:
    from pathlib import Path

    from geosolver.render.outputs import load_result, render

    result = load_result(args.result)
    fmt = args.format or (Path(args.output).suffix.lstrip(".").lower() if args.output else "html")
    if fmt not in ("png", "svg", "html", "txt", "asy", "ggb"):
        raise GeoError(f"cannot tell the format from {args.output!r}: pass --format png|svg|html|txt|asy|ggb")
    default = {"html": "proof.html", "txt": "proof.txt"}.get(fmt, f"figure.{fmt}")
    out = Path(args.output) if args.output else Path(args.result).with_name(default)
    print(f"wrote {render(result, fmt, out, args.notation)}")
    return EXIT_OK


def _use_model(path: str | None) -> None:
    if path:
        from geosolver.neural.proposer import use_model

        use_model(path)


def _cmd_solve(args) -> int:
    from geosolver.solve import check_options, solve, write_outputs

    check_options(args.mode, args.timeout, args.seed, args.workers, args.max_depth)
    _use_model(args.model)
    from ddar.engine import kernels_cached, warm_up

    if not kernels_cached():
        print("geosolver: compiling the engine's kernels (first run only, about 30 s)...", file=sys.stderr)
    warm_up()  # numba's kernels: compiled on a machine's first run, off the problem's clock
    r = solve(args.source, args.name, args.mode, args.timeout, args.seed, args.workers, args.max_depth)
    if args.json:
        print(json.dumps(r.to_json(), indent=1))
    elif r.status == SOLVED:
        print(r.proof_text(args.notation), end="")
        print(f"solved in {r.seconds:.2f} s, {r.proof_steps} steps")
    else:
        print(f"{r.name}: {r.status} after {r.seconds:.2f} s ({r.facts} facts)")
    if r.error and not args.json:
        print(r.error, file=sys.stderr)
    if args.out:
        for path in write_outputs(r, args.out, args.notation):
            print(f"wrote {path}", file=sys.stderr)
    if r.status == SOLVED:
        return EXIT_OK
    if r.status == ERROR:
        return EXIT_INTERNAL if r.error_kind == "internal" else EXIT_BAD_INPUT
    return EXIT_FAIL


def _cmd_bench(args) -> int:
    from geosolver.bench import run_bench, summary_table
    from geosolver.solve import check_options

    names = [n.strip() for n in args.names.split(",") if n.strip()] if args.names else None
    check_options(args.mode, args.timeout, args.seed, 1, args.max_depth)
    _use_model(args.model)
    records = run_bench(args.suite, mode=args.mode, timeout=args.timeout, workers=args.workers, out=args.out,
                        resume=args.resume, names=names, seed=args.seed, memory_mb=args.memory,
                        executor=args.executor, ray_address=args.ray_address, max_depth=args.max_depth)
    print(summary_table(records, args.suite), end="")
    return EXIT_OK


def _cmd_generate(args) -> int:
    from geosolver.generate import GenerateError, Settings, bases_of, generate

    for flag, value, low in (("--figures", args.figures, 1), ("--workers", args.workers, 1),
                             ("--shard-size", args.shard_size, 1), ("--min-steps", args.min_steps, 0),
                             ("--seed", args.seed, 0)):
        if value < low:
            raise GeoError(f"{flag} must be at least {low}, got {value}")
    if args.max_steps < args.min_steps:
        raise GeoError(f"--max-steps ({args.max_steps}) is below --min-steps ({args.min_steps})")
    if not 0 <= args.semi_free <= 1:
        raise GeoError(f"--semi-free must be a share in [0, 1], got {args.semi_free}")
    bases = [b for path in args.bases for b in bases_of(path)] if args.bases else None
    settings = Settings(seed=args.seed, min_steps=args.min_steps, max_steps=args.max_steps, semi_free=args.semi_free,
                        bases=bases)
    t0 = time.perf_counter()
    try:
        totals = generate(args.out, args.figures, settings, args.shard_size, args.workers, args.resume,
                          args.executor, progress=not args.no_progress)
    except GenerateError as e:
        raise GeoError(str(e)) from None
    print(f"{totals['new']} new examples ({totals['aux_examples']} with auxiliary points) from "
          f"{totals['shards']} shards in {time.perf_counter() - t0:.1f} s; {totals['examples']} in {args.out}")
    return EXIT_OK


def _cmd_train(args) -> int:
    import dataclasses
    import os

    from geosolver.neural.train import TrainError, load_config, train

    try:
        cfg = load_config(args.config, data=args.data, out=args.out)
        if args.steps is not None:
            if args.steps < 1:
                raise TrainError(f"--steps must be at least 1, got {args.steps}")
            cfg = dataclasses.replace(cfg, steps=args.steps)
        got = train(cfg, resume=args.resume, progress=not args.no_progress)
    except TrainError as e:
        raise GeoError(str(e)) from None
    figures = ", ".join(f"{k} {v:.3f}" for k, v in got.items() if isinstance(v, float))
    print(f"trained {got['step']} steps: {figures}; model {os.path.join(cfg.out, 'model.safetensors')} "
          f"(sha256 {got['sha256'][:16]}...)")
    return EXIT_OK


def _cmd_check(args) -> int:
    from geosolver.api import check

    t0 = time.perf_counter()
    results = check(args.source, args.name, args.seed)
    if args.json:
        keys = ("name", "status", "error", "seconds", "kind", "goal", "points", "attempt")
        print(json.dumps([{k: r.to_json()[k] for k in keys} for r in results], indent=1))
    else:
        width = min(max(len(r.name) for r in results), 60)
        print(f"{'problem':<{width}}  status  seconds  goal")
        for r in results:
            note = r.goal or "(no goal)"
            if r.status != "ok":
                note = f"{r.kind} error"
            print(f"{r.name[:60]:<{width}}  {r.status:<6}  {r.seconds:7.3f}  {note}")
        bad = [r for r in results if r.status != "ok"]
        print(f"\n{len(results)} problems: {len(results) - len(bad)} ok, {len(bad)} with errors "
              f"({time.perf_counter() - t0:.2f} s)")
        for r in bad:
            print("\n" + r.error, file=sys.stderr)
    kinds = {r.kind for r in results if r.status != "ok"}
    if kinds & {"syntax", "construction"}:
        return EXIT_BAD_INPUT
    return EXIT_FAIL if kinds else EXIT_OK


def _cmd_draw(args) -> int:
    from geosolver.api import draw

    path = draw(args.source, args.output, args.name, args.seed)
    print(f"wrote {path}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"check": _cmd_check, "draw": _cmd_draw, "solve": _cmd_solve, "render": _cmd_render, "bench": _cmd_bench,
                "generate": _cmd_generate, "train": _cmd_train, "verify": _cmd_verify}[args.command](args)
    except GeoError as e:
        print(e.format(), file=sys.stderr)
        return EXIT_FAIL if e.kind in ("diagram", "goal") else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # a bug: say so plainly, without a traceback
        print(f"geosolver: internal error: {type(e).__name__}: {e} "
              "(please report it with the input that caused it)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
