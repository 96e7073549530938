"""Checking a saved proof against its problem, trusting nothing the proof file says of it.

``ddar/check.py`` checks a proof's steps; it knows nothing of the problem
language.  This module gives it, read independently of the proof, what the
proof must be about: the problem's premises and goals, parsed from the
problem text recorded in ``proof.json`` (``source``), and the problem's figure,
rebuilt from that text and seed.  A proof whose points were moved, or whose
figure facts are false in the rebuilt figure, is rejected.
"""

from __future__ import annotations

from typing import Any

from ddar.check import check_proof
from geosolver.diagram import build_diagram
from geosolver.errors import GeoError
from geosolver.language import Problem, parse_problem


def source_of(problem: Problem, seed: int) -> dict:
    """What ``proof.json`` records to rebuild the figure: the problem text and the seed."""
    return {"text": problem.text or str(problem), "seed": seed}


def check_saved(proof: Any) -> list[str]:
    """Every error in a saved proof, its problem and figure rebuilt from ``proof["source"]``."""
    src = proof.get("source") if isinstance(proof, dict) else None
    if not isinstance(src, dict) or not isinstance(src.get("text"), str) or type(src.get("seed")) is not int:
        return ["source: must be {text, seed}: the problem text and seed that rebuild the figure"]
    name = proof.get("problem") if isinstance(proof.get("problem"), str) and proof.get("problem") else "problem"
    try:
        problem = parse_problem(src["text"], name=name, file="proof.json source")
        diagram = build_diagram(problem, src["seed"])
    except GeoError as e:
        return [f"source: the problem's figure cannot be rebuilt: {e.message}"]
    premises = [s.json() for s in problem.premises()]
    goals = [g.statement.json() for g in problem.goals]
    return check_proof(proof, premises, goals, diagram.coords())
