"""`bench --executor ray`: the same suite on a Ray cluster (or a local Ray instance).

Same records, same JSONL file, same resume and progress as the local
executor: only where each problem runs changes.  Each problem is one Ray task
(``max_calls=1``: a fresh worker process each, like the local executor's
process per problem), at most ``workers`` in flight, each on one CPU, so
that a problem's clock starts when it is handed to Ray (a Ray worker's
start-up falls within the grace period); ``workers`` should not exceed the
cluster's CPUs, or tasks would wait on their own clock.  A task running past
its budget is cancelled with force (its process is killed).  Memory: Ray's
memory monitor kills runaways; the local executor's address-space limit would
break Ray's own worker, and asking Ray for memory as a resource would hold
tasks back while their clocks run (``memory_mb`` is not used here).

Ray is an optional dependency: ``pip install 'geosolver[distributed]'``.
"""

from __future__ import annotations

import os
import time
from typing import Callable

from ddar.status import ERROR, TIMEOUT
from geosolver.bench_tasks import GRACE_SECONDS, BenchError, Task, guarded, make_record, solve_task


def _run(target: Callable[[Task], dict], task: Task) -> tuple[str, dict | str]:
    return guarded(target, task)


def run_tasks_ray(
    tasks: list[Task],
    on_done: Callable[[Task, dict], None],
    workers: int = 1,
    memory_mb: int = 0,
    target: Callable[[Task], dict] = solve_task,
    grace: float = GRACE_SECONDS,
    address: str | None = None,
) -> None:
    """Run every task as a Ray task; ``on_done(task, record)`` as each finishes (in this process)."""
    try:
        import ray
    except ImportError:
        raise BenchError("--executor ray needs Ray: pip install 'geosolver[distributed]'") from None
    address = address or os.environ.get("RAY_ADDRESS")
    started_here = not ray.is_initialized()
    if started_here:
        kwargs = {"address": address} if address else {"num_cpus": workers, "include_dashboard": False}
        try:
            ray.init(ignore_reinit_error=True, log_to_driver=False, logging_level="ERROR", **kwargs)
        except Exception as e:  # noqa: BLE001 - Ray raises many kinds; all mean "no cluster"
            raise BenchError(f"cannot start or reach Ray ({address or 'local instance'}): {e}") from None
    # No `memory` resource request: a task held back for memory would spend its clock
    # queueing.  At most `workers` tasks are in flight, each on one CPU, so each starts at once.
    from geosolver.neural.proposer import MODEL_ENV

    options = {"max_calls": 1, "max_retries": 0, "num_cpus": 1}
    if os.environ.get(MODEL_ENV):  # --model: the path must be readable where the tasks run
        options["runtime_env"] = {"env_vars": {MODEL_ENV: os.environ[MODEL_ENV]}}
    remote = ray.remote(**options)(_run)
    todo = list(tasks)
    running: dict = {}  # ref -> (task, started, deadline)
    try:
        while todo or running:
            while todo and len(running) < max(1, workers):
                task = todo.pop(0)
                now = time.monotonic()
                running[remote.remote(target, task)] = (task, now, now + task.timeout + grace)
            soonest = min(d for _, _, d in running.values())
            ready, _ = ray.wait(list(running), num_returns=1, timeout=max(0.0, soonest - time.monotonic()))
            now = time.monotonic()
            for ref in list(running):
                task, started, deadline = running[ref]
                if ref in ready:
                    try:
                        kind, payload = ray.get(ref)
                        record = payload if kind == "ok" else make_record(task, ERROR, now - started, payload)
                    except Exception as e:  # noqa: BLE001 - a worker that died, or was killed for memory
                        record = make_record(task, ERROR, now - started, f"ray task failed: {type(e).__name__}")
                elif now >= deadline:
                    ray.cancel(ref, force=True)
                    record = make_record(task, TIMEOUT, now - started, f"killed after {deadline - started:g} s")
                else:
                    continue
                del running[ref]
                on_done(task, record)
    finally:  # interrupted: nothing left running on the cluster
        for ref in running:
            ray.cancel(ref, force=True)
        if started_here:
            ray.shutdown()
