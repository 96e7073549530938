"""The model as a proposer: ``--mode neural`` alone, ``--mode full`` before the heuristics.

The problem is shown to the model with canonical point names (``tokenizer.canonical``)
and the head of the clause it is to complete, ``n =`` with ``n`` the next point's
canonical name (the model never has to guess the name: a model trained on smaller
problems guesses wrong); its proposals -- the best bodies of a beam search -- are
renamed back to the problem's names, the new point given a fresh name.  Nothing it
says is trusted: a proposal is kept only if it parses as one clause of the language
that makes exactly the one new point from existing points, and places it in the
figure non-degenerately on no existing point (``extend_diagram``), like any other
candidate.  ``rank`` scores others' candidates by the model's likelihood.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from geosolver.constructions import CONSTRUCTIONS
from geosolver.diagram import extend_diagram
from geosolver.errors import GeoError
from geosolver.language import add_clause, renamed_clause
from geosolver.neural.tokenizer import Tokenizer, canonical
from geosolver.proposers import Candidate, ProposalState
from geosolver.proposers.heuristic import fresh_name

WEIGHTS = Path(__file__).parent / "weights" / "proposer.safetensors"
BEAM = 256  # clauses the model proposes for a state the first time (its beam's width)
WIDEST = 1024  # asked again for the same state (the search's next round), the beam doubles up to this
MODEL_ENV = "GEOSOLVER_MODEL"  # weights to use instead of the shipped ones (`--model`; bench's processes inherit it)


class ModelMissing(Exception):
    """The shipped weights are absent or damaged."""


@lru_cache(maxsize=2)
def shipped_model(path: str = str(WEIGHTS)):
    """The model shipped with the package, loaded once per process; its sha256 checked.  Torch
    keeps to one thread: a state's proposals are small, and bench runs a problem per core."""
    import torch

    from geosolver.neural.model import WeightsError, load

    torch.set_num_threads(1)
    try:
        return load(path)
    except WeightsError as e:
        raise ModelMissing(str(e)) from None


def model_path() -> str:
    """The weights the search uses: ``$GEOSOLVER_MODEL`` (a ``model.safetensors`` written by
    ``geosolver train``, its record beside it) if set, else the shipped ones."""
    return os.environ.get(MODEL_ENV) or str(WEIGHTS)


def use_model(path: str | os.PathLike) -> None:
    """Make the search of this process and of the processes it starts use the weights at ``path``;
    GeoError if they or their record are missing."""
    path = Path(path).resolve()
    record = path.with_suffix(".json")
    for f in (path, record):
        if not f.is_file():
            raise GeoError(f"--model: no file {f} (a model.safetensors written by `geosolver train`, and its .json)")
    os.environ[MODEL_ENV] = str(path)


def recorded_sha256(path: str | os.PathLike) -> str | None:
    """The sha256 that the record beside the weights at ``path`` states (None without a record)."""
    try:
        return json.loads(Path(path).with_suffix(".json").read_text())["sha256"]
    except (OSError, ValueError, KeyError):
        return None


def shipped_sha256(path: Path = WEIGHTS) -> tuple[str, str | None]:
    """(sha256 of the weights file, sha256 its record states)."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), recorded_sha256(path)


class NeuralProposer:
    """Clauses from the model's beam search: ``beam`` for a state, twice as many each time the same
    state (the same prompt) is asked again, up to ``WIDEST``, never more than asked for: the search
    asks again in its next, wider round, where the same beam would give nothing new."""

    def __init__(self, model, beam: int = BEAM):
        self.model = model
        self.beam = beam
        self.tok = Tokenizer()
        self.ends = (self.tok.ids[";"], self.tok.eos)
        self.rejected: list[tuple[str, str]] = []  # (proposal, why): what the model said that was not used
        self.asked: dict[tuple[int, ...], int] = {}  # prompt -> times asked

    def _prompt(self, problem) -> tuple[list[int], dict[str, str], str]:
        """The model's prompt (the problem in canonical names, then the head ``n =`` of the clause
        to complete), the renaming, and the new point's canonical name."""
        text, rename, new_canon = canonical(problem)
        return self.tok.prompt(text) + self.tok.encode(f"{new_canon} ="), rename, new_canon

    def propose(self, state: ProposalState, k: int) -> list[Candidate]:
        d = state.diagram
        prompt, rename, new_canon = self._prompt(d.problem)
        back = {v: n for n, v in rename.items()}
        name = fresh_name(set(d.points))
        grid = 1e-7 * d.scale
        seen: set[tuple[int, int]] = set()
        out: list[Candidate] = []
        key = tuple(prompt)
        again = self.asked.get(key, 0)
        self.asked[key] = again + 1
        width = min(k, max(self.beam, min(self.beam << again, WIDEST)))
        for ids, logp in self.model.propose(prompt, width, self.ends):
            clause = self._to_problem(f"{new_canon} = {self.tok.decode(ids)}", back, new_canon, name)
            if clause is None:
                continue
            try:  # placed like any candidate: never trusted
                xy = extend_diagram(d, clause).points[name]
            except GeoError as e:
                self.rejected.append((clause, e.message))
                continue
            cell = (round(float(xy[0]) / grid), round(float(xy[1]) / grid))
            if cell not in seen:
                seen.add(cell)
                out.append(Candidate(clause, name, "model", logp))
                if len(out) >= k:
                    break
        return out

    def rank(self, state: ProposalState, candidates: list[Candidate]) -> list[tuple[Candidate, float]]:
        """Others' candidates with the model's log-likelihood of each, most likely first (stable).
        Measured (benchmarks/ABLATION.md), the shipped model orders the heuristics' candidates
        worse than their own score does, so the search does not use this yet."""
        problem = state.diagram.problem
        prompt, rename, new_canon = self._prompt(problem)
        seqs = []
        for c in candidates:
            clause = add_clause(problem, c.clause).clauses[-1]
            body = renamed_clause(clause, {**rename, c.point: new_canon}).split(" = ", 1)[1]
            seqs.append(self.tok.encode(body))
        scores = self.model.score(prompt, seqs, self.ends)
        order = sorted(range(len(candidates)), key=lambda i: -scores[i])
        return [(candidates[i], scores[i]) for i in order]

    def _to_problem(self, proposal: str, back: dict[str, str], new_canon: str, name: str) -> str | None:
        """A canonical proposal in the problem's names, or None (recorded) if it is not one clause
        that makes the next point from the problem's points.

        Each construction's output argument is the new point whatever the model wrote there (a
        model trained on smaller problems writes the name the new point has in those); every
        other argument must be a point of the problem."""
        head, eq, body = proposal.partition(" = ")
        if not eq or head.strip() != new_canon or not body.strip():
            self.rejected.append((proposal, f"not a clause making the one new point {new_canon}"))
            return None
        calls = []
        for call in body.split(","):
            words = call.split()
            c = CONSTRUCTIONS.get(words[0]) if words else None
            if c is not None and len(c.outputs) == 1 and len(words) == len(c.args) + 1:
                words[1 + c.args.index(c.outputs[0])] = new_canon
            out = []
            for w in words:
                if w == new_canon:
                    out.append(name)
                elif w in back:
                    out.append(back[w])
                elif w in self.tok.ids and w not in self.tok.point_words:
                    out.append(w)
                else:
                    self.rejected.append((proposal, f"'{w}' is no point of the problem"))
                    return None
            calls.append(" ".join(out))
        return f"{name} = " + ", ".join(calls)
