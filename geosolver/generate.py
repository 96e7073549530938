"""Synthetic theorems: random figures, saturated, their facts traced back to what they need.

The recipe (in the line of AlphaGeometry's data generation, our own code):

1. **A random figure.**  A base shape (a triangle, a quadrangle, ...; or, with
   ``Settings.bases``, the premises of a written problem) and then a
   few constructions over existing points drawn from the library: determined
   points (a midpoint, a foot, an intersection, a circumcentre, ...) and
   intersections of two loci (a line and a circle through existing points,
   ...).  A construction that cannot be placed non-degenerately is drawn again.
2. **Everything it implies.**  DD + AR saturate the figure with no goal.
3. **Each derived fact, traced back.**  The proof of a fact uses some points;
   the fact's statement needs its own points and, recursively, the points their
   constructions are built on (the *problem*).  Points the proof uses beyond
   those are *auxiliary*: the example is the problem without them, the fact
   as its goal, and the clauses that construct them.  An auxiliary example is
   *essential* when the engine cannot prove the goal from the problem alone
   (the figure restricted to the problem's clauses, saturated again with the
   goal asked): the construction is then what unlocks the proof, which is what
   the model most needs to learn.  All essential examples of a figure are
   kept; of the others (a proof that used a point it could have done without),
   the ``max_loose`` with the fewest auxiliary clauses and longest proofs; of
   the examples without auxiliary points, the ``max_plain`` longest proofs.
4. **Canonical and unique.**  Points are renamed a, b, c, ... in the order the
   problem constructs them (auxiliary points after), so that one theorem reads
   the same from whichever figure it came; examples are de-duplicated on the
   problem and goal text.

Figures are numbered; figure ``i`` of a run with seed ``s`` is drawn from the
random stream ``(s, i)``, so a run is reproducible figure by figure and a shard
(a block of consecutive figures) can be made by any worker; results are
taken in shard order, so de-duplication across shards does not depend on
timing.  ``generate`` writes each finished shard as one JSONL file
(atomically) and records it in ``progress.jsonl``; ``--resume`` skips the
shards recorded there.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ddar.status import SATURATED, SOLVED
from geosolver.diagram import Diagram, build_diagram, extend_diagram
from geosolver.engine_input import engine_input
from geosolver.errors import GeoError
from geosolver.language import Problem, parse_problem, point_names, renamed_clause

# Base shapes a figure starts from, with how often (relative weights).
BASES = {
    "triangle a b c": 6, "quadrangle a b c d": 2, "iso_triangle a b c": 1, "r_triangle a b c": 1,
    "segment a b": 1, "trapezoid a b c d": 1, "risos a b c": 0.5, "eq_quadrangle a b c d": 0.5,
}
# One-point constructions that fix their point: name -> weight.
POINT_STEPS = {
    "midpoint": 3, "foot": 3, "circle": 2, "intersection_ll": 3, "mirror": 1.5, "reflect": 1.5,
    "intersection_lc": 2, "intersection_lp": 1, "intersection_lt": 1, "orthocenter": 1, "incenter": 1,
    "excenter": 0.5, "parallelogram": 1, "intersection_cc": 0.5, "intersection_pp": 0.3, "intersection_tt": 0.3,
    "psquare": 0.3, "nsquare": 0.3, "eq_triangle": 0.3, "shift": 0.3,
}
# One-point constructions that give a locus (a line or a circle): two of them fix a point.
LOCUS_STEPS = {
    "on_line": 3, "on_circle": 2, "on_circum": 2, "on_tline": 1.5, "on_pline": 1.5, "on_bline": 1,
    "on_dia": 1, "angle_bisector": 0.7, "eqdistance": 0.3, "on_opline": 0.3, "lc_tangent": 0.5,
}
LOCUS_PAIR = 0.3  # how often a step is two loci intersected rather than one fixing construction
GOAL_PREDS = frozenset({"coll", "para", "perp", "cong", "cyclic", "circle", "midp", "eqangle", "eqratio",
                        "simtri", "contri", "aconst", "rconst"})
STEP_TRIES = 12  # draws of a construction before the figure is given up
VERSION = 1  # of the recipe: a run is resumed only by the same recipe


@dataclass
class Settings:
    """What a run draws and how hard it works on each figure."""

    seed: int = 0
    min_steps: int = 3  # constructions after the base shape
    max_steps: int = 9
    seconds: float = 20.0  # saturation budget for one figure
    check_seconds: float = 10.0  # for re-saturating the problem without its auxiliary points
    max_checks: int = 12  # restricted problems re-saturated per figure
    max_plain: int = 8  # examples without auxiliary points kept per figure (longest proofs first)
    max_loose: int = 16  # examples whose auxiliary points DD + AR can do without, per figure (fewest first)
    min_proof: int = 2  # steps a proof must have (a one-step consequence of a premise teaches little)
    semi_free: float = 0.0  # share of steps that put the point anywhere on one locus (random_clause)
    # figures to start from instead of BASES' shapes (premises of written problems, ``bases_of``), drawn
    # uniformly; kept in the run's settings, so that a run records what its figures grew from
    bases: list[str] | None = None


@dataclass
class Example:
    """One synthetic theorem: ``problem ? goal``, proved by DD + AR once ``aux`` is added."""

    problem: str  # clauses, without the goal
    goal: str
    aux: list[str] = field(default_factory=list)  # the auxiliary clauses, in order
    proof_length: int = 0  # derived steps of the proof (premises not counted)
    points: int = 0  # points of the problem
    figure: int = 0  # the figure it came from
    essential: bool | None = None  # with aux: whether DD + AR fail without it (None: not checked)
    fact: object = field(default=None, repr=False, compare=False)  # the engine's goal fact (not saved)

    def record(self) -> dict:
        """The example as a JSONL record."""
        return {k: v for k, v in asdict(self).items() if k != "fact"}


# --- random figures -------------------------------------------------------------


def _weighted(rng: np.random.Generator, table: dict[str, float]) -> str:
    keys = list(table)
    w = np.array([table[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def _call(rng: np.random.Generator, name: str, new: str, points: list[str]) -> str | None:
    from geosolver.constructions import CONSTRUCTIONS

    c = CONSTRUCTIONS[name]
    if len(c.inputs) > len(points):
        return None
    picked = [points[i] for i in rng.choice(len(points), size=len(c.inputs), replace=False)]
    binding = dict(zip(c.inputs, picked))
    binding.update({o: new for o in c.outputs})
    return " ".join([name, *(binding[a] for a in c.args)])


def random_clause(rng: np.random.Generator, new: str, points: list[str], semi_free: float = 0.0) -> str | None:
    """One random construction of point ``new`` over ``points``, as a clause (or None when the
    draw needs more points than there are).  With ``semi_free`` that share of the points are
    left with one degree of freedom, anywhere on one locus (``d = on_circle d a b``), as human
    problems place 13% of theirs and the draws without it never do; 0 leaves the random stream
    exactly as before (no draw is spent on it)."""
    if semi_free and rng.random() < semi_free:
        a = _call(rng, _weighted(rng, LOCUS_STEPS), new, points)
        return None if a is None else f"{new} = {a}"
    if rng.random() < LOCUS_PAIR:
        first, second = _weighted(rng, LOCUS_STEPS), _weighted(rng, LOCUS_STEPS)
        a, b = _call(rng, first, new, points), _call(rng, second, new, points)
        return None if a is None or b is None else f"{new} = {a}, {b}"
    a = _call(rng, _weighted(rng, POINT_STEPS), new, points)
    return None if a is None else f"{new} = {a}"


def random_figure(rng: np.random.Generator, settings: Settings, seed: int) -> Diagram | None:
    """A base shape (or one of ``settings.bases``) and ``min_steps``..``max_steps`` random
    constructions, placed; None if a step could not be placed in ``STEP_TRIES`` draws."""
    if settings.bases:
        text = settings.bases[int(rng.integers(len(settings.bases)))]
    else:
        base = _weighted(rng, BASES)
        text = f"{' '.join(base.split()[1:])} = {base}"
    d = build_diagram(parse_problem(text, "synthetic"), seed, want_goal=False)
    steps = int(rng.integers(settings.min_steps, settings.max_steps + 1))
    # the first names the base leaves free (the bare shapes take a, b, ...: the names are as they were)
    names = [n for n in point_names(len(d.points) + steps) if n not in d.points][:steps]
    for new in names:
        for _ in range(STEP_TRIES):
            clause = random_clause(rng, new, list(d.points), settings.semi_free)
            if clause is None:
                continue
            try:
                d = extend_diagram(d, clause)
                break
            except GeoError:
                continue
        else:
            return None
    return d


def bases_of(source: str | os.PathLike) -> list[str]:
    """The premises of each problem of a problem file, as figures to grow random ones from."""
    from geosolver.language import load_problems

    return ["; ".join(renamed_clause(c, {n: n for n in c.names}) for c in p.clauses) for p in load_problems(source)]


# --- theorems of a figure ---------------------------------------------------------


def _clauses_of(points, problem: Problem, clause_of: dict[str, int]) -> set[int]:
    """The clauses (0-based) that construct ``points`` and everything they are built on."""
    from geosolver.solve import goal_support

    return {clause_of[p] for p in goal_support(problem, set(points))}


def _restricted(d: Diagram, keep: list[int]) -> Diagram:
    """The figure of the problem made of the clauses ``keep`` only (same coordinates)."""
    clauses = [d.problem.clauses[k] for k in keep]
    names = [n for c in clauses for n in c.names]
    return Diagram(Problem(d.problem.name, clauses), d.seed, {n: d.points[n] for n in names}, d.attempt)


def figure_theorems(d: Diagram, settings: Settings, figure: int = 0) -> list[Example]:
    """The theorems of one figure: every derived fact's proof, split into problem and auxiliary
    constructions (module docstring).  Empty if the figure does not saturate in time."""
    from ddar.engine import Limits
    from ddar.proof import needed_facts
    from geosolver.solve import new_engine

    e = engine_input(d)
    engine = new_engine(e)
    if engine.saturate((), Limits(seconds=settings.seconds)).status != SATURATED:
        return []
    problem = d.problem
    clause_of = {n: k for k, c in enumerate(problem.clauses) for n in c.names}
    plain: list[tuple[int, int, Example]] = []
    by_support: dict[tuple[int, ...], list[Example]] = {}
    for order, (fact, reason) in enumerate(engine.proved.items()):
        if reason.kind == "premise" or fact.pred not in GOAL_PREDS:
            continue
        steps = needed_facts(engine.proved, [fact])
        derived = [f for f in steps if engine.proved[f].kind != "premise"]
        if len(derived) < settings.min_proof:
            continue
        used = {e.names[i] for f in steps for i in f.args}
        for f in derived:
            r = engine.proved[f]
            if r.kind == "rule":
                used |= {e.names[i] for i in r.binding}
        goal_points = [e.names[i] for i in fact.args]
        support = tuple(sorted(_clauses_of(goal_points, problem, clause_of)))
        aux = [k for k in sorted(_clauses_of(used | set(goal_points), problem, clause_of)) if k not in support]
        example = _example(d, e.names, fact, support, aux, len(derived), figure)
        if aux:
            example.fact = fact
            by_support.setdefault(support, []).append(example)
        else:
            plain.append((-len(derived), order, example))
    out = [ex for _, _, ex in sorted(plain)[: settings.max_plain]]
    loose: list[tuple[int, int, int, Example]] = []
    for k, (support, examples) in enumerate(by_support.items()):
        if k < settings.max_checks:
            alone = _provable_alone(d, list(support), [x.fact for x in examples], e.names, settings.check_seconds)
            for x, proved in zip(examples, alone):
                x.essential = None if proved is None else not proved
        out.extend(x for x in examples if x.essential)
        loose.extend((len(x.aux), -x.proof_length, len(loose), x) for x in examples if not x.essential)
    out.extend(x for *_, x in sorted(loose)[: settings.max_loose])
    return out


def _provable_alone(d: Diagram, keep: list[int], facts: list, names: list[str], seconds: float) -> list[bool | None]:
    """For each fact (over ``names``' ids): whether DD + AR proves it on the figure made of the
    clauses ``keep`` alone (None for all when that figure does not saturate in time)."""
    from ddar.engine import Limits
    from ddar.facts import Fact
    from geosolver.solve import new_engine

    e = engine_input(_restricted(d, keep))
    ids = {n: i for i, n in enumerate(e.names)}
    goals = [Fact.make(f.pred, [ids[names[i]] for i in f.args], f.value) for f in facts]
    engine = new_engine(e)
    if engine.saturate(goals, Limits(seconds=seconds)).status not in (SOLVED, SATURATED):
        return [None] * len(goals)
    return [engine.is_proved(g) for g in goals]


def _example(d: Diagram, names: list[str], fact, support: tuple[int, ...], aux: list[int], length: int,
             figure: int) -> Example:
    problem = d.problem
    order = [n for k in [*support, *aux] for n in problem.clauses[k].names]
    rename = dict(zip(order, point_names(len(order))))
    text = "; ".join(renamed_clause(problem.clauses[k], rename) for k in support)
    goal = fact.text({i: rename[names[i]] for i in fact.args})  # text reads names by id
    n_points = sum(len(problem.clauses[k].names) for k in support)
    return Example(text, goal, [renamed_clause(problem.clauses[k], rename) for k in aux], length, n_points, figure)


def figure_examples(settings: Settings, figure: int) -> tuple[list[Example], bool]:
    """The examples of figure number ``figure`` of a run, and whether the figure was made."""
    rng = np.random.default_rng([settings.seed, figure])
    try:
        d = random_figure(rng, settings, int(rng.integers(2**31)))
    except GeoError:
        d = None
    if d is None:
        return [], False
    return figure_theorems(d, settings, figure), True


# --- runs: shards, workers, resume ---------------------------------------------------


@dataclass
class Shard:
    """Figures ``first`` .. ``first + count - 1`` of a run."""

    index: int
    first: int
    count: int


def make_shard(settings: Settings, shard: Shard) -> dict:
    """Every example of a shard's figures, and what it cost (runs in a worker)."""
    t0 = time.perf_counter()
    examples: list[dict] = []
    failed = 0
    errors: list[list] = []  # [figure, message]: an engine error is a bug to look into, not the run's end
    for figure in range(shard.first, shard.first + shard.count):
        try:
            got, made = figure_examples(settings, figure)
        except Exception as e:  # noqa: BLE001 -- recorded with the figure's number, to be replayed
            got, made = [], False
            errors.append([figure, f"{type(e).__name__}: {e}"[:500]])
        failed += not made
        examples.extend(x.record() for x in got)
    return {"shard": shard.index, "examples": examples, "failed": failed, "errors": errors,
            "seconds": time.perf_counter() - t0, "figures": shard.count}


class GenerateError(Exception):
    """A run that cannot start or go on (an unusable output folder, a settings mismatch)."""


def _read_progress(out: Path) -> tuple[set[int], dict | None]:
    done, settings = set(), None
    path = out / "progress.jsonl"
    if path.exists():
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a kill: its shard is made again
            if "settings" in rec:
                settings = rec["settings"]
            elif "shard" in rec:
                done.add(int(rec["shard"]))
    return done, settings


def read_examples(folder: str | os.PathLike) -> Iterator[dict]:
    """Every example of a generated data set, shard by shard."""
    for path in sorted(Path(folder).glob("shard-*.jsonl")):
        with path.open() as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def _append(path: Path, record: dict) -> None:
    with path.open("a") as fh:
        fh.write(json.dumps(record) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def generate(
    out: str | os.PathLike, figures: int, settings: Settings | None = None, shard_size: int = 50,
    workers: int = 1, resume: bool = False, executor: str = "local", progress: bool = True,
    on_shard: Callable[[dict], None] | None = None,
) -> dict:
    """Make the examples of ``figures`` random figures into ``out`` (sharded JSONL); return totals.

    A shard's examples are written to ``shard-NNNNN.jsonl`` (via a temporary file and a rename)
    and then the shard is recorded in ``progress.jsonl``; a run killed at any point loses at
    most the shards in flight.  ``resume`` carries on a run in ``out`` (same settings) and
    skips its finished shards; without it, ``out`` must hold no run.
    """
    settings = settings or Settings()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    done, saved = _read_progress(out)
    if saved is not None and not resume:
        raise GenerateError(f"{out} already holds a run: pass --resume to carry it on, or choose another folder")
    wanted = {**asdict(settings), "figures": figures, "shard_size": shard_size, "version": VERSION}
    if saved is not None:  # a run recorded before a setting existed ran with its default
        saved = {**asdict(Settings()), **saved}
    if saved is not None and saved != wanted:
        changed = sorted(k for k in wanted if saved.get(k) != wanted[k])
        raise GenerateError(f"{out} holds a run with other settings ({', '.join(changed)}): "
                            "resume it with the same options, or choose another folder")
    if saved is None:
        _append(out / "progress.jsonl", {"settings": wanted})
    seen = {json.dumps([x["problem"], x["goal"]]) for x in read_examples(out)}
    shards = [Shard(k, k * shard_size, min(shard_size, figures - k * shard_size))
              for k in range((figures + shard_size - 1) // shard_size) if k not in done]
    totals = {"examples": len(seen), "aux_examples": 0, "new": 0, "failed": 0, "seconds": 0.0, "shards": 0}
    bar = _progress_bar(len(shards), progress)

    def finish(result: dict) -> None:
        fresh = []
        for x in result["examples"]:
            key = json.dumps([x["problem"], x["goal"]])
            if key not in seen:
                seen.add(key)
                fresh.append(x)
        path = out / f"shard-{result['shard']:05d}.jsonl"
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(x) + "\n" for x in fresh))
        os.replace(tmp, path)
        aux = sum(1 for x in fresh if x["aux"])
        _append(out / "progress.jsonl", {"shard": result["shard"], "figures": result["figures"],
                                        "failed": result["failed"], "examples": len(fresh),
                                        "aux_examples": aux, "seconds": round(result["seconds"], 3),
                                        **({"errors": result["errors"]} if result.get("errors") else {})})
        totals["new"] += len(fresh)
        totals["examples"] += len(fresh)
        totals["aux_examples"] += aux
        totals["failed"] += result["failed"]
        totals["seconds"] += result["seconds"]
        totals["shards"] += 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix(examples=totals["examples"], aux=totals["aux_examples"])
        if on_shard is not None:
            on_shard(result)

    try:
        if executor == "ray":
            _run_ray(settings, shards, workers, finish)
        elif workers <= 1:
            for shard in shards:
                finish(make_shard(settings, shard))
        else:
            _run_pool(settings, shards, workers, finish)
    finally:
        if bar is not None:
            bar.close()
    return totals


def _progress_bar(total: int, show: bool):
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="shard", desc="generate", dynamic_ncols=True)


def _run_pool(settings: Settings, shards: list[Shard], workers: int, finish: Callable[[dict], None]) -> None:
    """Shards across worker processes (spawned: no engine state shared), results taken in shard
    order (so that de-duplication, and so every shard's content, does not depend on timing)."""
    import multiprocessing as mp
    from functools import partial

    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, maxtasksperchild=20) as pool:
        for result in pool.imap(partial(make_shard, settings), shards):
            finish(result)


def _run_ray(settings: Settings, shards: list[Shard], workers: int, finish: Callable[[dict], None]) -> None:
    """Shards as Ray tasks (a cluster at RAY_ADDRESS, or a local instance of ``workers`` CPUs)."""
    try:
        import ray
    except ImportError:
        raise GenerateError("--executor ray needs Ray: pip install 'geosolver[distributed]'") from None
    address = os.environ.get("RAY_ADDRESS")
    started_here = not ray.is_initialized()
    if started_here:
        kwargs = {"address": address} if address else {"num_cpus": max(1, workers), "include_dashboard": False}
        try:
            ray.init(ignore_reinit_error=True, log_to_driver=False, logging_level="ERROR", **kwargs)
        except Exception as e:  # noqa: BLE001 - Ray raises many kinds; all mean "no cluster"
            raise GenerateError(f"cannot start or reach Ray ({address or 'local instance'}): {e}") from None
    remote = ray.remote(num_cpus=1, max_retries=1)(make_shard)
    todo = list(shards)
    running: list = []
    ready_results: dict[int, dict] = {}  # finished out of order, waiting for earlier shards
    order = [s.index for s in shards]
    try:
        while todo or running:
            while todo and len(running) < max(1, workers):
                running.append(remote.remote(settings, todo.pop(0)))
            ready, running = ray.wait(running, num_returns=1)
            result = ray.get(ready[0])
            ready_results[result["shard"]] = result
            while order and order[0] in ready_results:
                finish(ready_results.pop(order.pop(0)))
    finally:
        for ref in running:
            ray.cancel(ref, force=True)
        if started_here:
            ray.shutdown()
