"""What the engine receives from a problem: point ids, coordinates, premises, goals.

The engine (``ddar``) knows nothing of the problem language: it takes points
as integer ids with float coordinates, and facts in canonical form over those
ids.  This module is the one place that translates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ddar.facts import Fact
from geosolver.diagram import Diagram
from geosolver.statement import Statement


@dataclass
class EngineInput:
    names: list[str]  # id -> point name, in construction order
    coords: np.ndarray  # (n, 2) float coordinates, row i for id i
    scale: float  # the figure's size: numeric checks are relative to it
    premises: list[Fact]  # what the constructions assert, without repeats, in clause order
    goals: list[Fact]
    clause_of: list[int]  # id -> 1-based index of the clause that created the point

    def fact(self, s: Statement) -> Fact:
        ids = {n: i for i, n in enumerate(self.names)}
        return Fact.make(s.pred, [ids[p] for p in s.points], s.value)


def engine_input(d: Diagram) -> EngineInput:
    """The problem of a built diagram, in the engine's terms."""
    names = list(d.points)
    ids = {n: i for i, n in enumerate(names)}
    clause_of = [0] * len(names)
    for clause in d.problem.clauses:
        for n in clause.names:
            clause_of[ids[n]] = clause.index
    coords = np.array([d.points[n] for n in names], dtype=float).reshape(-1, 2)
    e = EngineInput(names, coords, d.scale, [], [], clause_of)
    e.premises = list(dict.fromkeys(e.fact(s) for s in d.problem.premises()))
    e.goals = [e.fact(g.statement) for g in d.problem.goals]
    return e
