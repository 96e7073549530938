"""The model as a proposer (``--mode neural``) and as the ranker of the heuristics (``--mode full``).

The problem is shown to the model with canonical point names (``tokenizer.canonical``);
its proposals -- the best clauses of a beam search -- are renamed back to the
problem's names, the new point given a fresh name.  Nothing it says is trusted: a
proposal is kept only if it parses as one clause of the language that makes exactly
the one new point from existing points, and places it in the figure
non-degenerately on no existing point (``extend_diagram``), like any other candidate.

In ``full`` mode the heuristic candidates follow the model's own proposals, in the
order of the model's likelihood of each (``Transformer.score``), not the heuristic
score's.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from geosolver.diagram import extend_diagram
from geosolver.errors import GeoError
from geosolver.language import add_clause, renamed_clause
from geosolver.neural.tokenizer import Tokenizer, canonical
from geosolver.proposers import Candidate, ProposalState
from geosolver.proposers.heuristic import HeuristicProposer, fresh_name

WEIGHTS = Path(__file__).parent / "weights" / "proposer.safetensors"
BEAM = 32  # clauses the model proposes per state before the heuristics' (full mode)
BEAM_ALONE = 256  # ... and when it proposes alone (neural mode)


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


def shipped_sha256(path: Path = WEIGHTS) -> tuple[str, str]:
    """(sha256 of the weights file, sha256 its record states)."""
    meta = json.loads(path.with_suffix(".json").read_text())
    return hashlib.sha256(path.read_bytes()).hexdigest(), meta["sha256"]


class NeuralProposer:
    """Clauses from the model's beam search; with ``heuristic``, then the heuristic candidates in
    the model's order."""

    def __init__(self, model, heuristic: HeuristicProposer | None = None, beam: int = BEAM):
        self.model = model
        self.heuristic = heuristic
        self.beam = beam
        self.tok = Tokenizer()
        self.ends = (self.tok.ids[";"], self.tok.eos)
        self.rejected: list[tuple[str, str]] = []  # (proposal, why): what the model said that was not used

    def propose(self, state: ProposalState, k: int) -> list[Candidate]:
        d = state.diagram
        text, rename, new_canon = canonical(d.problem)
        back = {v: n for n, v in rename.items()}
        name = fresh_name(set(d.points))
        prompt = self.tok.prompt(text)
        grid = 1e-7 * d.scale
        seen: set[tuple[int, int]] = set()
        out: list[Candidate] = []

        def keep(clause: str, kind: str, score: float, xy=None) -> None:
            if xy is None:  # the model's: placed here, never trusted
                try:
                    xy = extend_diagram(d, clause).points[name]
                except GeoError as e:
                    self.rejected.append((clause, e.message))
                    return
            cell = (round(float(xy[0]) / grid), round(float(xy[1]) / grid))
            if cell not in seen:
                seen.add(cell)
                out.append(Candidate(clause, name, kind, score, (float(xy[0]), float(xy[1]))))

        for ids, logp in self.model.propose(prompt, min(k, self.beam), self.ends):
            clause = self._to_problem(self.tok.decode(ids), back, new_canon, name)
            if clause is None:
                continue
            keep(clause, "model", logp)
            if len(out) >= k:
                return out
        if self.heuristic is not None and len(out) < k:
            for c, logp in self.rank(state, self.heuristic.propose(state, k), text, rename, new_canon, prompt):
                keep(c.clause, c.kind, logp, c.xy)  # placed by the heuristic proposer already
                if len(out) >= k:
                    break
        return out

    def rank(self, state: ProposalState, candidates: list[Candidate], text: str, rename: dict, new_canon: str,
             prompt: list[int]) -> list[tuple[Candidate, float]]:
        """Candidates with the model's log-likelihood of each, most likely first (stable)."""
        problem = state.diagram.problem
        seqs = []
        for c in candidates:
            clause = add_clause(problem, c.clause).clauses[-1]
            seqs.append(self.tok.encode(renamed_clause(clause, {**rename, c.point: new_canon})))
        scores = self.model.score(prompt, seqs, self.ends)
        order = sorted(range(len(candidates)), key=lambda i: -scores[i])
        return [(candidates[i], scores[i]) for i in order]

    def _to_problem(self, proposal: str, back: dict[str, str], new_canon: str, name: str) -> str | None:
        """A canonical proposal in the problem's names, or None (recorded) if it is not one clause
        that makes the next point from the problem's points."""
        head, eq, body = proposal.partition(" = ")
        if not eq or head.strip() != new_canon or not body.strip():
            self.rejected.append((proposal, f"not a clause making the one new point {new_canon}"))
            return None
        words = []
        for w in body.replace(",", " , ").split():
            if w == new_canon:
                words.append(name)
            elif w in back:
                words.append(back[w])
            elif w in self.tok.ids and w not in self.tok.point_words:
                words.append(w)
            else:
                self.rejected.append((proposal, f"'{w}' is no point of the problem"))
                return None
        return f"{name} = " + " ".join(words).replace(" ,", ",")
