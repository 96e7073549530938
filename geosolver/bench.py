"""`bench`: solve every problem of a suite, one JSON line per problem, then a summary table.

Why each problem gets its own process.  A benchmark is only as good as its
worst problem: one that loops past its timeout, eats all memory or crashes the
interpreter must cost that problem and nothing else.  So every problem runs in
a fresh process (multiprocessing's 'spawn' context: no state inherited from the
parent or from the problem before it) with a memory limit (RLIMIT_AS) and a
wall-clock budget (the solve timeout plus a grace period) enforced from the
outside: past it the process is killed and the problem recorded as a timeout.
A process that dies without reporting is recorded as an error.  Starting a
process costs about 0.2 s, small beside a 60 s budget.

Why append + fsync.  Each record is appended to the JSONL file and forced to
disk the moment its problem finishes, so a run killed at any point (Ctrl-C,
SIGKILL, a machine going down) loses only the problems in flight, and
``--resume`` carries on from the file.  Lines come in the order problems
finish; the summary is computed from the whole file and does not depend on
that order.
"""

from __future__ import annotations

import difflib
import json
import math
import multiprocessing as mp
import os
import signal
import statistics
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable

from ddar.status import ERROR, SOLVED, STATUSES, TIMEOUT
from geosolver.bench_tasks import (  # noqa: F401 (the record format is part of this module's interface)
    GRACE_SECONDS, RECORD_KEYS, BenchError, Task, guarded, make_record, solve_task,
)
from geosolver.language import Entry, find_entries
from geosolver.solve import DEFAULT_MODE
from geosolver.suites import SUITES as NAMED_SUITES
from geosolver.suites import SuiteError, suite_path

DEFAULT_MEMORY_MB = 4096
# AlphaGeometry's two suites: the name on the command line -> its file
SUITES = {name: s.file for name, s in NAMED_SUITES.items()}
# AlphaGeometry's published results on them (Trinh et al., Nature 2024): (system, solved, total)
PUBLISHED = {
    "imo-ag-30": [("AlphaGeometry DDAR", 14, 30), ("AlphaGeometry", 25, 30)],
    "jgex-ag-231": [("AlphaGeometry DDAR", 198, 231), ("AlphaGeometry", 228, 231)],
}


# --- suites and records -------------------------------------------------------


def suite_label(suite: str | os.PathLike) -> str:
    """The short name of a suite: 'imo-ag-30', 'jgex-ag-231', or a file's stem."""
    s = str(suite)
    if s in SUITES:
        return s
    for label, file in SUITES.items():
        if Path(s).name == file:
            return label
    return Path(s).stem


def resolve_suite(suite: str | os.PathLike) -> Path:
    """The problem file of a suite: a path, or a known suite name (``geosolver.suites``)."""
    s = str(suite)
    if s in SUITES:
        try:
            return suite_path(s)
        except SuiteError as e:
            raise BenchError(e.message) from None
    path = Path(s)
    if not path.is_file():
        known = ", ".join(SUITES)
        raise BenchError(f"no such problem file: {s!r} (a suite is a problem file or one of: {known})")
    return path


def read_records(path: str | os.PathLike) -> list[dict]:
    """The records of a JSONL file, one per name (the last wins); [] if there is no file.

    A line that is not a JSON record (cut short when a machine went down) is
    skipped with a warning: its problem will simply run again on --resume.
    """
    path = Path(path)
    if not path.exists():
        return []
    by_name: dict[str, dict] = {}
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            rec = None
        if (not isinstance(rec, dict) or not isinstance(rec.get("name"), str) or rec.get("status") not in STATUSES
                or not isinstance(rec.get("seconds"), (int, float))):
            print(f"geosolver bench: warning: {path}:{lineno}: not a result record, ignored", file=sys.stderr)
            continue
        by_name[rec["name"]] = rec
    return list(by_name.values())


# --- the worker side ------------------------------------------------------------


def _child(target: Callable[[Task], dict], task: Task, conn: Connection, memory_mb: int) -> None:
    """Entry point of a worker process: limit memory, run the target, send back ('ok'|'error', payload)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it kills us
    if memory_mb > 0:
        import resource

        limit = memory_mb << 20
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    conn.send(guarded(target, task, memory_mb))
    conn.close()


# --- the parent side ------------------------------------------------------------


@dataclass
class _Job:
    task: Task
    proc: mp.process.BaseProcess
    conn: Connection
    started: float
    deadline: float


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


def run_tasks(
    tasks: list[Task],
    on_done: Callable[[Task, dict], None],
    workers: int = 1,
    memory_mb: int = DEFAULT_MEMORY_MB,
    target: Callable[[Task], dict] = solve_task,
    grace: float = GRACE_SECONDS,
) -> None:
    """Run ``target(task)`` for every task, each in its own process, ``workers`` at a time.

    ``on_done(task, record)`` is called in the parent as each one finishes.  A
    process still running ``task.timeout + grace`` seconds after it started is
    killed and recorded as a timeout; one that dies without reporting is
    recorded as an error.  ``target`` (``solve_task``; tests pass others) must
    be importable by name, a module-level function: workers are spawned.
    """
    ctx = mp.get_context("spawn")
    todo = deque(tasks)
    running: dict[Connection, _Job] = {}
    try:
        while todo or running:
            while todo and len(running) < max(1, workers):
                task = todo.popleft()
                recv, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(target, task, send, memory_mb),
                                   name=f"bench:{task.name}", daemon=True)
                proc.start()
                send.close()  # the child holds the only write end: its death reads as EOF here
                now = time.monotonic()
                running[recv] = _Job(task, proc, recv, now, now + task.timeout + grace)
            soonest = min(j.deadline for j in running.values())
            wait([*running, *(j.proc.sentinel for j in running.values())],
                 timeout=max(0.0, soonest - time.monotonic()))
            now = time.monotonic()
            for conn, job in list(running.items()):
                if conn.poll():  # a result, or EOF if the child died
                    try:
                        kind, payload = conn.recv()
                        record = payload if kind == "ok" else make_record(job.task, ERROR, now - job.started, payload)
                    except (EOFError, OSError):
                        job.proc.join(1.0)
                        msg = f"worker process died ({_death(job.proc.exitcode)}) before reporting a result"
                        record = make_record(job.task, ERROR, now - job.started, msg)
                elif now >= job.deadline:
                    job.proc.kill()
                    record = make_record(job.task, TIMEOUT, now - job.started,
                                         f"killed after {job.deadline - job.started:g} s")
                else:
                    continue
                job.proc.join(1.0)
                if job.proc.is_alive():  # reported but did not exit: do not wait for it
                    job.proc.kill()
                    job.proc.join()
                conn.close()
                del running[conn]
                on_done(job.task, record)
    finally:  # interrupted: the problems in flight are lost, never left running
        for job in running.values():
            job.proc.kill()
        for job in running.values():
            job.proc.join()
            job.conn.close()


class _Progress:
    """A tqdm bar on stderr when it is a terminal; otherwise one plain line per problem."""

    def __init__(self, total: int, enabled: bool | None):
        self.total, self.done, self.solved = total, 0, 0
        self.t0 = time.monotonic()
        self.bar = None
        if enabled is None:
            enabled = sys.stderr.isatty()
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="problem", file=sys.stderr, dynamic_ncols=True, postfix={"solved": 0})

    def update(self, record: dict) -> None:
        self.done += 1
        self.solved += record["status"] == SOLVED
        if self.bar is not None:
            self.bar.set_postfix(solved=self.solved, refresh=False)
            self.bar.update(1)
        else:
            print(f"[{self.done}/{self.total}] {record['name']}: {record['status']} {record['seconds']:.2f} s "
                  f"({self.solved} solved, {time.monotonic() - self.t0:.0f} s elapsed)", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through run_tasks' cleanup: no orphaned workers


def run_bench(
    suite: str | os.PathLike,
    mode: str = DEFAULT_MODE,
    timeout: float = 60.0,
    workers: int | None = None,
    out: str | os.PathLike | None = None,
    resume: bool = False,
    names: list[str] | None = None,
    seed: int = 0,
    memory_mb: int = DEFAULT_MEMORY_MB,
    progress: bool | None = None,
    executor: str = "local",
    ray_address: str | None = None,
    max_depth: int = 2,
) -> list[dict]:
    """Solve the problems of ``suite``, appending one record per problem to ``out``.

    ``suite`` is a problem file or 'imo-ag-30' / 'jgex-ag-231' (read from
    $GEOSOLVER_DATA); ``out`` defaults to ``bench-<suite>.jsonl``; ``names``
    restricts the run to those problems; ``resume`` skips problems already in
    ``out`` (without it a non-empty ``out`` is an error).  ``memory_mb`` 0 means
    no memory limit.  Returns every record in ``out`` after the run (earlier
    ones included).  Raises BenchError (a GeoError) on bad input.
    """
    if timeout <= 0:
        raise BenchError(f"--timeout must be positive, got {timeout:g}")
    if executor not in ("local", "ray"):
        raise BenchError(f"--executor must be 'local' or 'ray', got {executor!r}")
    if workers is not None and workers < 1:
        raise BenchError(f"--workers must be at least 1, got {workers}")
    if memory_mb < 0:
        raise BenchError(f"--memory must be a number of MB (0: no limit), got {memory_mb}")
    path = resolve_suite(suite)
    label = suite_label(suite)
    out = Path(out) if out is not None else Path(f"bench-{label}.jsonl")
    if out.is_dir():
        raise BenchError(f"--out {out} is a folder: name the .jsonl file to write")
    entries = find_entries(path)  # parsing each problem is left to its worker
    by_name: dict[str, Entry] = {}
    for e in entries:
        if e.name in by_name:
            raise BenchError(f"{path}: two problems are named {e.name!r} (lines {by_name[e.name].line} and "
                             f"{e.line}); bench keys its results by name")
        by_name[e.name] = e
    if names:
        for n in names:
            if n not in by_name:
                hint = difflib.get_close_matches(n, list(by_name), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise BenchError(f"no problem named {n!r} in {path}{extra}")
        wanted = set(names)
        entries = [e for e in entries if e.name in wanted]

    done: set[str] = set()
    if out.exists() and out.stat().st_size > 0:
        if not resume:
            raise BenchError(f"{out} already holds results: pass --resume to carry on from it, "
                             "or remove it (or choose another --out)")
        earlier = read_records(out)
        clash = {(r.get("mode"), r.get("seed")) for r in earlier} - {(mode, seed)}
        if clash:
            m, s = sorted(clash, key=str)[0]
            raise BenchError(f"{out} holds results with mode {m!r} and seed {s}, this run asks mode {mode!r} "
                             f"and seed {seed}: choose another --out")
        done = {r["name"] for r in earlier}
    tasks = [Task(e, mode, timeout, seed, max_depth) for e in entries if e.name not in done]
    workers = min(workers or os.cpu_count() or 1, max(1, len(tasks)))
    if tasks:
        # compile the numba kernels here, once, into their on-disk cache: otherwise every
        # worker of a first run would compile them again, on its problem's clock
        from ddar.engine import warm_up

        warm_up()

    bar = _Progress(len(tasks), progress)
    t0 = time.monotonic()
    old_term = None
    if threading.current_thread() is threading.main_thread():
        old_term = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "a", encoding="utf-8") as f:
            if f.tell() > 0 and not out.read_bytes().endswith(b"\n"):
                f.write("\n")  # a line cut short by a crash stays on its own (and is ignored)

            def on_done(task: Task, record: dict) -> None:
                f.write(json.dumps(record) + "\n")
                f.flush()
                os.fsync(f.fileno())
                bar.update(record)

            if executor == "ray":
                from geosolver.bench_ray import run_tasks_ray

                run_tasks_ray(tasks, on_done, workers, memory_mb=memory_mb, address=ray_address)
            else:
                run_tasks(tasks, on_done, workers, memory_mb=memory_mb)
    finally:
        bar.close()
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
    skipped = f", {len(entries) - len(tasks)} already in the file" if done else ""
    print(f"geosolver bench: {len(tasks)} problems run in {time.monotonic() - t0:.1f} s with {workers} workers "
          f"({bar.solved} solved{skipped}); results in {out}", file=sys.stderr)
    return read_records(out)


# --- the summary ------------------------------------------------------------------


def summarize(records: list[dict]) -> dict:
    """Counts and times of a list of records, independent of their order."""
    counts = {s: 0 for s in STATUSES}
    for r in records:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    solved = sorted(r["seconds"] for r in records if r["status"] == SOLVED)
    return {
        "total": len(records),
        "solved": counts[SOLVED],
        "counts": counts,
        "median_solved_seconds": statistics.median(solved) if solved else None,
        "total_seconds": math.fsum(r["seconds"] for r in records),  # exact: no order dependence
    }


def summary_table(records: list[dict], suite: str | os.PathLike) -> str:
    """A plain-text table: solved/total, median seconds of the solved, total seconds,
    the count of each status, and AlphaGeometry's published figures for a known suite."""
    from geosolver import __version__

    label = suite_label(suite)
    s = summarize(records)
    modes = ",".join(sorted({str(r.get("mode")) for r in records})) or "ddar"
    versions = sorted({str(r.get("version")) for r in records}) or [__version__]
    ours = f"geosolver {'/'.join(versions)} ({modes})"
    median = "-" if s["median_solved_seconds"] is None else f"{s['median_solved_seconds']:.2f}"
    rows = [("system", "solved", "median s (solved)", "total s"),
            (ours, f"{s['solved']}/{s['total']}", median, f"{s['total_seconds']:.1f}")]
    published = PUBLISHED.get(label, [])
    rows += [(system, f"{k}/{n}", "", "") for system, k, n in published]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    fmt = lambda r: f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}".rstrip()
    lines = [f"suite {label}: {s['total']} problems"]
    if published and s["total"] != published[0][2]:
        lines[0] += f" of {published[0][2]} (not comparable with the published figures until all have run)"
    lines += [fmt(rows[0]), fmt(tuple("-" * w for w in widths))] + [fmt(r) for r in rows[1:]]
    lines.append("status: " + ", ".join(f"{k} {v}" for k, v in s["counts"].items()))
    if published:
        lines.append("AlphaGeometry's figures: Trinh et al., Nature 2024 (published, not rerun here)")
    return "\n".join(lines) + "\n"
