"""The Python API: the same verbs as the command line."""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from geosolver.diagram import Diagram, build_diagram
from geosolver.errors import GeoError
from geosolver.language import Problem, find_entries, parse_entry

Source = str | os.PathLike | Problem


@dataclass
class CheckResult:
    """The outcome of checking one problem: parsed, figure built, goal true in it."""

    name: str
    status: str  # 'ok' or 'error'
    error: str | None
    kind: str | None  # None, or the error's kind: 'syntax', 'construction', 'diagram', 'goal'
    seconds: float
    points: int = 0
    goal: str | None = None
    attempt: int | None = None  # which of the seeded attempts gave the figure

    def to_json(self) -> dict:
        return asdict(self)


def check(source: Source, name: str | None = None, seed: int = 0) -> list[CheckResult]:
    """Parse every problem (or the named one), build its figure and test its goal.

    Errors in one problem are reported in its result; an unreadable file
    raises GeoError.
    """
    if isinstance(source, Problem):
        return [_check_problem(source, seed, time.perf_counter())]
    results = []
    for entry in find_entries(_suite_or(source), name):
        t0 = time.perf_counter()
        try:
            problem = parse_entry(entry)
        except GeoError as e:
            results.append(CheckResult(entry.name, "error", e.format(), e.kind, time.perf_counter() - t0))
            continue
        results.append(_check_problem(problem, seed, t0))
    return results


def _check_problem(problem: Problem, seed: int, t0: float) -> CheckResult:
    goal = "; ".join(str(g.statement) for g in problem.goals) or None
    try:
        d = build_diagram(problem, seed)
    except GeoError as e:
        return CheckResult(
            problem.name, "error", e.format(), e.kind, time.perf_counter() - t0, len(problem.points), goal
        )
    return CheckResult(problem.name, "ok", None, None, time.perf_counter() - t0, len(problem.points), goal, d.attempt)


def _suite_or(source: Source) -> Source:
    """A suite's name ('imo-ag-30', 'jgex-ag-231') stands for its file (``geosolver.suites``)."""
    from geosolver.suites import SUITES, suite_path

    if isinstance(source, str) and source in SUITES:
        return suite_path(source)
    return source


def load_problem(source: Source, name: str | None = None) -> Problem:
    """Exactly one problem from a file or text (``name`` picks it when there are several)."""
    if isinstance(source, Problem):
        return source
    entries = find_entries(_suite_or(source), name)
    if len(entries) > 1:
        names = ", ".join(e.name for e in entries[:5]) + (", ..." if len(entries) > 5 else "")
        raise GeoError(
            f"{len(entries)} problems found ({names}); choose one by name (--name NAME)", where=None
        )
    return parse_entry(entries[0])


def diagram(source: Source, name: str | None = None, seed: int = 0) -> Diagram:
    """The seeded numeric figure of one problem."""
    return build_diagram(load_problem(source, name), seed)


def draw(
    source: Source, out: str | os.PathLike = "figure.png", name: str | None = None, seed: int = 0
) -> Path:
    """Draw one problem's figure to a PNG or SVG file; returns the path written."""
    from geosolver.render.figure import draw_figure  # matplotlib loads only here

    out = Path(out)
    if out.suffix.lower() not in (".png", ".svg"):
        raise GeoError(f"the figure must be a .png or .svg file, not {str(out)!r}")
    draw_figure(diagram(source, name, seed), out)
    return out
