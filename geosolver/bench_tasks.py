"""What one benchmark task is and what it reports: shared by the local executor (``bench.py``)
and the Ray executor (``bench_ray.py``), which import this module and not each other."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from ddar.status import ERROR
from geosolver.errors import GeoError
from geosolver.language import Entry
from geosolver.solve import DEFAULT_MODE

RECORD_KEYS = ("name", "status", "seconds", "mode", "proof_steps", "aux", "aux_clauses", "candidates", "algebraic",
               "error", "note", "seed", "version", "model")
GRACE_SECONDS = 5.0  # how long past its timeout a problem may run before it is killed


class BenchError(GeoError):
    """Bad input to ``bench`` (no such suite, unknown name, an output file in the way...)."""

    def format(self, caret: bool = True) -> str:
        return f"geosolver bench: error: {self.message}"


@dataclass(frozen=True)
class Task:
    """One problem to run: what a worker process receives."""

    entry: Entry
    mode: str = DEFAULT_MODE
    timeout: float = 60.0
    seed: int = 0
    max_depth: int = 2

    @property
    def name(self) -> str:
        return self.entry.name


def make_record(task: Task, status: str, seconds: float, error: str | None = None,
                proof_steps: int = 0, aux: list[str] | None = None, note: str | None = None,
                aux_clauses: list[str] | None = None, candidates: int = 0, algebraic: bool = False) -> dict:
    """A JSONL record, with the keys in RECORD_KEYS order (``note``: proved for the
    configuration drawn only, see docs/PROOF_FORMAT.md; ``algebraic``: proved by Wu's method;
    ``model``: the first 12 hex digits of the sha256 of the weights a mode with the model proposed
    with, the shipped ones or ``--model``'s)."""
    from geosolver import __version__

    return {"name": task.name, "status": status, "seconds": round(seconds, 4), "mode": task.mode,
            "proof_steps": proof_steps, "aux": list(aux or []), "aux_clauses": list(aux_clauses or []),
            "candidates": candidates, "algebraic": algebraic, "error": error, "note": note, "seed": task.seed,
            "version": __version__, "model": _model_of(task.mode)}


def _model_of(mode: str) -> str | None:
    from geosolver.search import TURNS

    if "neural" not in TURNS.get(mode, ()):
        return None
    from geosolver.neural.proposer import model_path, recorded_sha256

    sha = recorded_sha256(model_path())
    return sha[:12] if sha else None


def solve_task(task: Task) -> dict:
    """The default worker target: parse and solve one problem, return its record."""
    from geosolver.language import parse_entry
    from geosolver.solve import solve

    t0 = time.perf_counter()
    try:
        problem = parse_entry(task.entry)
    except GeoError as e:  # a problem that does not parse is that problem's error, not the run's
        return make_record(task, ERROR, time.perf_counter() - t0, error=e.format())
    r = solve(problem, mode=task.mode, timeout=task.timeout, seed=task.seed, max_depth=task.max_depth)
    return make_record(task, r.status, r.seconds, r.error, r.proof_steps, r.aux, r.to_json(False).get("note"),
                       r.aux_clauses, r.candidates, r.algebraic)


def guarded(target: Callable[[Task], dict], task: Task, memory_mb: int = 0) -> tuple[str, dict | str]:
    """('ok', record) or ('error', message): what a worker (a process, or a Ray task) reports."""
    try:
        return ("ok", target(task))
    except MemoryError:
        limit = f" (over the {memory_mb} MB limit; raise it with --memory)" if memory_mb > 0 else ""
        return ("error", "out of memory" + limit)
    except Exception as e:  # a bug in the engine: record it against this problem and carry on
        return ("error", f"internal error: {type(e).__name__}: {e}")
