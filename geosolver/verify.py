"""Checking a saved proof against its problem, trusting nothing the proof file says of it.

``ddar/check.py`` checks a proof's steps; it knows nothing of the problem
language.  This module gives it, read independently of the proof, what the
proof must be about: the problem's premises and goals, parsed from the
problem text recorded in ``proof.json`` (``source``), and the problem's figure,
rebuilt from that text and seed.  A proof whose points were moved, or whose
figure facts are false in the rebuilt figure, is rejected.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ddar.check import FORMAT, check_proof
from geosolver.diagram import build_diagram, goal_survey
from geosolver.errors import GeoError, Location
from geosolver.language import Problem, parse_problem


def source_of(problem: Problem, seed: int) -> dict:
    """What ``proof.json`` records to rebuild the figure: the problem text and the seed."""
    return {"text": problem.text or str(problem), "seed": seed}


def aux_record(added: list) -> tuple[list[str], list[str]]:
    """The auxiliary clauses a proof states, in the language and in words."""
    from geosolver.describe import clause_words

    return [str(c) for c in added], [clause_words(c) for c in added]


def configuration(problem: Problem, seed: int) -> dict:
    """Of the first figures drawn without regard to the goal, how many there are and in how many
    the goal is false (docs/PROOF_FORMAT.md, ``configuration``)."""
    false, built = goal_survey(problem, seed)
    return {"figures": built, "goal_false": false}


def check_saved(proof: Any, expected: Problem | None = None) -> list[str]:
    """Every error in a saved proof, its problem and figure rebuilt from ``proof["source"]``.

    ``expected``: the problem the proof must be of (read by the caller, not from the proof):
    its clauses must open the proof's problem (which may add auxiliary clauses) and its goals
    must be the proof's.  Without it, the proof is checked against the problem it records."""
    src = proof.get("source") if isinstance(proof, dict) else None
    if not isinstance(src, dict) or not isinstance(src.get("text"), str) or type(src.get("seed")) is not int \
            or src["seed"] < 0:
        return ["source: must be {text, seed}: the problem text and seed (an integer >= 0) that rebuild the figure"]
    name = proof.get("problem") if isinstance(proof.get("problem"), str) and proof.get("problem") else "problem"
    try:
        problem = parse_problem(src["text"], name=name, file="proof.json source")
        diagram = build_diagram(problem, src["seed"])
    except GeoError as e:
        return [f"source: the problem's figure cannot be rebuilt: {e.message}"]
    except Exception as e:  # noqa: BLE001 -- a damaged file is a message, never a crash
        return [f"source: the problem's figure cannot be rebuilt ({type(e).__name__}: {e})"]
    errors = []
    if expected is not None:
        given = [str(c) for c in expected.clauses]
        if [str(c) for c in problem.clauses[: len(given)]] != given or \
                [str(g.statement) for g in problem.goals] != [str(g.statement) for g in expected.goals]:
            errors.append(f"source: the proof is of another problem than {expected.name!r}: {src['text']!r}")
        clauses, words = aux_record(problem.clauses[len(given):])
        if (proof.get("aux_clauses") or []) != clauses or (proof.get("aux_words") or []) != words:
            errors.append(f"aux_clauses: the proof's auxiliary constructions are not its source's ({'; '.join(clauses)})")
    said = proof.get("configuration")
    truth = configuration(problem, src["seed"])
    if said != truth:
        errors.append(f"configuration: the proof says {said!r}; the problem's figures give {truth!r}")
    premises = [s.json() for s in problem.premises()]
    goals = [g.statement.json() for g in problem.goals]
    return errors + check_proof(proof, premises, goals, diagram.coords())


def read_proof(path: str | os.PathLike) -> dict:
    """The proof in a file: a bare ``proof.json`` proof, or a result of ``solve --out`` / ``--json``
    (the proof under its key ``proof``).  A file that holds no proof of this format is damaged:
    GeoError, naming the file."""
    where = Location(str(path))
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeoError("no such file", where) from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise GeoError(f"not a proof: not JSON ({e})", where) from None
    if isinstance(data, dict) and "format" not in data and "proof" in data:
        if data["proof"] is None:
            raise GeoError(f"no proof in it: the result is {data.get('status', 'not solved')!r}", where)
        data = data["proof"]
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise GeoError(f"not a proof of format {FORMAT!r} (found {found!r})", where)
    return data
