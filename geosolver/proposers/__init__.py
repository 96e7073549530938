"""Proposers of auxiliary constructions: given a state of the search, ranked clauses.

A candidate is one clause of the problem language (``x = midpoint x a b``), so
every auxiliary point of a proof can be printed, replayed and checked like the
problem's own.  Every proposer -- the heuristics here, the neural model later --
implements ``Proposer.propose(state, k)``; the search never trusts a proposal:
it is parsed, placed and checked non-degenerate before it is tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from geosolver.diagram import Diagram


@dataclass(frozen=True)
class Candidate:
    """An auxiliary construction: the clause, the point it makes, why and how good it looks."""

    clause: str
    point: str
    kind: str
    score: float


@dataclass
class ProposalState:
    """What a proposer may look at: the figure (problem, coordinates) and the facts proved."""

    diagram: Diagram
    proved: list = None  # the engine's proved facts (ddar.facts.Fact), when a proposer wants them
    names: list[str] = None  # point id -> name, for reading ``proved``


class Proposer(Protocol):
    """May also have ``stream(state, k)``, the same candidates as an iterator that does the work
    of each only when it is asked for; the search draws from it when it is there."""

    def propose(self, state: ProposalState, k: int) -> list[Candidate]:
        """At most ``k`` constructible clauses, best first, each making a point not already in
        the figure, no two making the same point."""
        ...
