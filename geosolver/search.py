"""The auxiliary-point search: DD + AR first; when it stalls, try proposed constructions.

Each candidate is one clause of the language.  Trying it costs a fork of the
saturated engine, the clause's point placed in the figure (existing points keep
their coordinates to the bit), its facts added, and the engine's saturation
resumed: only the rule instances that name the new point are matched
(``ddar/engine.py``).  Candidates are tried best first, in worker processes
when there are several; a state that is not solved is scored (how many new facts
speak of the goal's points) and the best are expanded again, up to ``max_depth``
auxiliary points (a beam).  A one-point candidate that does not solve but adds
facts on the goal's points is followed at once, in the same worker, by its
mirror images under the problem's symmetries (``geosolver/symmetry.py``): a
symmetric figure often needs the same construction on both sides, and the beam
rarely keeps the first half of such a pair.  The proposer is the heuristics'
(``search``), the model's (``neural``), or both in turn within each round of one
search (``full``: the model's proposals, then the heuristics'; nothing is tried
twice).  When the synthetic search fails, every mode gives its last ``ALGEBRA_SHARE`` of the
budget to Wu's method (``geosolver/wu.py``): an algebraic proof, checked like any other.

It ends ``solved`` (the proof states its auxiliary clauses and has passed the
checker, which rebuilds the extended figure from the problem text), ``exhausted``
(every candidate up to the depth was tried), or ``timeout``.  The order of
candidates is fixed, and results are taken in that order, so the same problem
and seed give the same proof whatever the number of workers (as long as no
candidate's own time limit is reached).
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ddar.status import ERROR, EXHAUSTED, SATURATED, SOLVED, TIMEOUT
from geosolver.diagram import Diagram, extend_diagram
from geosolver.engine_input import EngineInput, engine_input
from geosolver.errors import GeoError
from geosolver.language import Problem
from geosolver.proposers import ProposalState, Proposer
from geosolver.proposers.heuristic import HeuristicProposer, fresh_name
from geosolver.symmetry import mirrors, symmetries

CANDIDATE_SECONDS = 20.0  # at most, for one candidate's saturation
ROOT_PROPOSALS = 4000  # candidates proposed for the problem itself (one auxiliary point)
PROPOSALS = 300  # candidates proposed for a state with auxiliary points already
BEAM = 6  # unsolved states expanded at the next depth
MEMORY_MB = 3072  # address space of one worker process
LOST_SECONDS = 10.0  # past a candidate's own limit, its worker is taken for dead
CACHE = 64  # states a worker keeps (a deeper candidate replays its parent's clause otherwise)


@dataclass
class Node:
    """A state of the search: the figure with its auxiliary clauses, saturated."""

    clauses: tuple[str, ...]
    diagram: Diagram
    input: EngineInput
    engine: object  # ddar.engine.Engine
    status: str
    parent_facts: int = 0  # facts its parent had proved: what the last clause added is what follows


class Tree:
    """The states of one problem's search in one process, each grown from its parent."""

    def __init__(self, problem: Problem, seed: int, root: Node, max_depth: int, proposer: Proposer | None = None):
        self.problem, self.seed, self.max_depth = problem, seed, max_depth
        self.nodes: dict[tuple[str, ...], Node] = {(): root}
        self.proposer = proposer or HeuristicProposer()
        self.symmetries = symmetries(problem)

    def node(self, path: tuple[str, ...], seconds: float) -> Node:
        got = self.nodes.get(path)
        if got is None:
            got = grow(self.node(path[:-1], seconds), path[-1], seconds)
            if len(self.nodes) >= CACHE:  # the oldest, never the root nor an ancestor of this path
                self.nodes.pop(next(k for k in self.nodes if k and k != path[: len(k)]))
            self.nodes[path] = got
        return got

    def proposals(self, path: tuple[str, ...], seconds: float, k: int) -> Iterator[str]:
        """The clauses proposed for the state at ``path``, best first, as the search asks for
        them (a proposer with a ``stream`` places each only then); none if the state cannot be
        built, none after a proposer's failure."""
        try:
            node = self.node(path, seconds)
            state = ProposalState(node.diagram)
            stream = getattr(self.proposer, "stream", None)
            got = stream(state, k) if stream else iter(self.proposer.propose(state, k))
        except Exception:  # noqa: BLE001 -- a state that fails is one the search goes without
            return iter(())
        return _clauses(got)

    def attempts(self, path: tuple[str, ...], seconds: float) -> list[dict]:
        """Try a candidate path and, when it is one point that does not solve but adds facts on
        the goal's points, its mirror images under the problem's symmetries
        (``geosolver/symmetry.py``) as a second point beside it: the first half of a symmetric
        pair moves the figure towards the goal (measured: it did on IMO 2019 P2 and 2020 P1),
        and trying every candidate's mirror would double a symmetric problem's search."""
        outs = [self.attempt(path, seconds)]
        if (self.symmetries and len(path) == 1 and self.max_depth > 1
                and outs[0]["status"] in (SATURATED, TIMEOUT) and outs[0]["score"] > 0):
            try:
                images = self.mirrors(path, seconds)
            except Exception:  # noqa: BLE001 -- a mirror that cannot be formed is one not tried
                images = []
            outs += [self.attempt(path + (m,), seconds) for m in images]
        return outs

    def mirrors(self, path: tuple[str, ...], seconds: float) -> list[str]:
        """The last clause of ``path`` under each symmetry of the problem, a fresh point named."""
        node = self.node(path, seconds)
        clause = node.diagram.problem.clauses[-1]
        name = fresh_name(set(node.diagram.points))
        return mirrors(clause, self.symmetries, name)

    def attempt(self, path: tuple[str, ...], seconds: float) -> dict:
        """Try one candidate path: its status, and its proof or its score."""
        t0 = time.perf_counter()
        out = {"path": path, "status": ERROR, "seconds": 0.0, "score": 0, "proof": None, "aux": [], "error": None}
        try:
            node = self.node(path, seconds)
            out["status"] = node.status
            if node.status == SOLVED:
                from geosolver.solve import checked_proof

                out["proof"], out["aux"] = checked_proof(self.problem, node.diagram, node.input, node.engine, self.seed)
            else:
                out["score"] = progress(node)
        except GeoError as e:  # the clause could not be placed: not a candidate after all
            out["status"], out["error"] = "unplaceable", e.message
        except MemoryError:
            out["error"] = "out of memory"
        except Exception as e:  # noqa: BLE001 -- one failing candidate (an engine bug, a proof the
            out["error"] = f"{type(e).__name__}: {e}"  # checker rejected) is recorded, the search goes on
        out["seconds"] = time.perf_counter() - t0
        return out


def _clauses(candidates: Iterator) -> Iterator[str]:
    """Each candidate's clause once (a proposer that repeats one would otherwise have it tried
    twice or not, by how many tasks a pool holds ahead); none after a proposer's failure."""
    seen: set[str] = set()
    try:
        for c in candidates:
            if c.clause not in seen:
                seen.add(c.clause)
                yield c.clause
    except Exception:  # noqa: BLE001 -- a proposer failing midway: the search goes on without the rest
        return


def grow(parent: Node, clause: str, seconds: float) -> Node:
    """The parent's state with one more clause: its figure extended, its engine forked, the
    new point's facts added, saturation resumed (at most ``seconds``)."""
    from ddar.engine import Limits

    d = extend_diagram(parent.diagram, clause)
    e = engine_input(d)
    engine = parent.engine.fork()
    for i in range(len(parent.input.names), len(e.names)):
        engine.add_point(e.coords[i])
    for f in e.premises:
        engine.add_premise(f)
    report = engine.saturate(e.goals, Limits(seconds=seconds))
    return Node(parent.clauses + (clause,), d, e, engine, report.status, len(parent.engine.proved))


def progress(node: Node) -> int:
    """How many facts the last clause added that speak of two or more of the goal's points."""
    goal = {node.input.names.index(p) for g in node.diagram.problem.goals for p in g.statement.points}
    return sum(1 for f in list(node.engine.proved)[node.parent_facts:] if len(goal.intersection(f.args)) >= 2)


# --- worker processes -------------------------------------------------------------------------

_TREE: Tree | None = None


def _init_worker(memory_mb: int) -> None:
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # no such limit on this platform
        pass


def _attempt_in_worker(task: tuple[tuple[str, ...], float]) -> list[dict]:
    path, seconds = task
    return _TREE.attempts(path, seconds)


def make_proposer(mode: str) -> Proposer:
    """The proposer of a search's turn: 'search' the heuristics, 'neural' the model (the shipped
    weights, or ``--model``'s). ModelMissing if the weights are absent or damaged."""
    if mode == "search":
        return HeuristicProposer()
    from geosolver.neural.proposer import NeuralProposer, model_path, shipped_model

    return NeuralProposer(shipped_model(model_path()))


# every mode keeps the last share of the budget for Wu's method (geosolver/wu.py), which proves
# what it can within seconds (benchmarks/ALGEBRA.md): the modes differ only in who proposes
ALGEBRA_SHARE = 0.1
# who proposes, in turn within each round of the search (full: the model, then the heuristics)
TURNS = {"search": ("search",), "neural": ("neural",), "full": ("neural", "search")}


def search(problem: Problem, d: Diagram, e: EngineInput, result, t0: float, timeout: float, workers: int,
           max_depth: int, mode: str = "search"):
    """Fill ``result`` (a solve Result) by DD + AR and, if that stalls, the auxiliary search
    with the proposers of ``mode`` (``make_proposer``)."""
    from ddar.engine import Limits
    from geosolver.solve import attach_proof, new_engine

    global _TREE
    deadline = t0 + timeout
    deadline -= ALGEBRA_SHARE * timeout  # the last share is Wu's method's, when the synthetic search fails
    engine = new_engine(e)
    report = engine.saturate(e.goals, Limits(seconds=max(deadline - time.perf_counter(), 0.0)))
    result.report, result.facts, result.status = report, report.facts, report.status
    if report.status != SATURATED:  # solved by the engine alone, or out of time
        if report.status == SOLVED:
            attach_proof(result, problem, d, e, engine)
        result.error = result.error or report.message or None
        result.seconds = time.perf_counter() - t0
        return result
    root = Node((), d, e, engine, report.status)
    try:
        proposers = [make_proposer(p) for p in TURNS[mode]]
    except Exception as err:  # noqa: BLE001 -- the model missing or damaged: an install to repair
        result.status, result.error_kind = ERROR, "internal"
        result.error = f"the {mode} mode needs the proposer model: {err}"
        result.seconds = time.perf_counter() - t0
        return result
    tree = Tree(problem, result.seed, root, max_depth, proposers[0])
    _TREE = tree
    pool = None
    if workers > 1 and "fork" in mp.get_all_start_methods():
        pool = mp.get_context("fork").Pool(workers, initializer=_init_worker, initargs=(MEMORY_MB,))
    try:
        result.status = _Rounds(tree, result, t0, deadline, pool, workers).run(proposers)
    finally:
        if pool is not None:
            pool.terminate()
        _TREE = None
    if result.status != SOLVED:
        return _algebra_after(problem, d, e, result, t0, timeout)
    return result


def _algebra_after(problem: Problem, d: Diagram, e: EngineInput, result, t0: float, timeout: float):
    """Wu's method in the time the synthetic search left; the search's status stands if it fails."""
    from geosolver.solve import solve_algebraically

    status, error = result.status, result.error
    solve_algebraically(problem, d, e, result, t0, timeout)
    if result.status != SOLVED:
        result.status, result.error = status, error
    return result


class _Rounds:
    """One problem's widening beam: rounds, each twice as wide as the last (more proposals per
    state, more states kept per depth); within a round each proposer in turn grows the one tree
    (full: the model's proposals, then the heuristics'), never trying a path twice, until solved,
    out of time, or a round finds nothing new to try ('exhausted').  The turns are counted in
    rounds, not seconds, so the search is the same on a fast machine and a slow one."""

    def __init__(self, tree: Tree, result, t0: float, deadline: float, pool, workers: int = 1):
        self.tree, self.result, self.t0, self.deadline, self.pool, self.workers = tree, result, t0, deadline, pool, workers
        self.tried: set[tuple[str, ...]] = set()
        # depth -> (-score, order, path) of the unsolved states, shared by the proposers
        self.scored: dict[int, list] = {d: [] for d in range(1, tree.max_depth + 1)}

    def run(self, proposers: list[Proposer]) -> str:
        for widen in range(8):
            fresh = False
            for proposer in proposers:
                self.tree.proposer = proposer
                status, new = self.turn(widen)
                if status is not None:
                    return status
                fresh = fresh or new
            if not fresh:
                break
        return EXHAUSTED

    def turn(self, widen: int) -> tuple[str | None, bool]:
        """The tree's proposer's turn in round ``widen``: its proposals for the root, then for the
        best states at each depth.  (SOLVED or TIMEOUT, or None to go on; whether it found anything
        new to try.)"""
        tree, max_depth, fresh = self.tree, self.tree.max_depth, False
        if time.perf_counter() > self.deadline:
            return TIMEOUT, fresh
        frontier = [((), tree.proposals((), CANDIDATE_SECONDS, ROOT_PROPOSALS << widen))]
        for depth in range(1, max_depth + 1):
            given = [0]  # tasks handed out: the proposals are drawn as the candidates are tried

            def tasks(frontier=frontier, given=given):
                for path, proposals in frontier:
                    for c in proposals:
                        if path + (c,) not in self.tried:
                            given[0] += 1
                            yield path + (c,)

            for out in _results(tasks(), self.deadline, self.pool, tree, self.workers):
                if out is None:
                    return TIMEOUT, fresh
                self.tried.add(out["path"])
                self.result.candidates += out["status"] != "unplaceable"
                if out["proof"] is not None:
                    _finish(self.result, self.t0, SOLVED, out["proof"], out["aux"], list(out["path"]))
                    return SOLVED, fresh
                at = len(out["path"])  # a mirror pair is one deeper than the candidate it follows
                if out["status"] in (SATURATED, TIMEOUT) and at < max_depth:
                    self.scored[at].append((-out["score"], len(self.scored[at]), out["path"]))
            fresh = fresh or given[0] > 0
            if depth < max_depth:
                frontier = []
                for _, _, path in sorted(self.scored[depth])[: BEAM << widen]:
                    left = self.deadline - time.perf_counter()
                    if left <= 0:
                        return TIMEOUT, fresh
                    frontier.append((path, tree.proposals(path, min(CANDIDATE_SECONDS, left), PROPOSALS << widen)))
        return None, fresh


def _results(tasks: Iterable, deadline: float, pool, tree: Tree, workers: int = 1):
    """Each task's outcome, in the tasks' order; None once the deadline has passed.

    With a pool, a few tasks per worker are in flight; each result is waited for at most
    ``LOST_SECONDS`` past the time its candidate may take: a worker that died (killed, out of
    memory) loses its task, which is recorded as an error, and the search goes on."""
    def seconds() -> float:
        return max(min(CANDIDATE_SECONDS, deadline - time.perf_counter()), 0.01)

    if pool is None:
        for path in tasks:
            if time.perf_counter() > deadline:
                yield None
                return
            yield from tree.attempts(path, seconds())
        return
    todo = iter(tasks)
    window: deque = deque()

    def submit() -> None:
        path = next(todo, None)
        if path is not None:
            window.append((path, pool.apply_async(_attempt_in_worker, ((path, seconds()),))))

    for _ in range(2 * workers):
        submit()
    while window:
        path, pending = window.popleft()
        left = deadline - time.perf_counter()
        if left <= 0:
            yield None
            return
        # a candidate may first rebuild its parent states (one limit each), then try itself and
        # its mirror images (one limit each)
        limit = CANDIDATE_SECONDS * (len(path) + len(tree.symmetries)) + LOST_SECONDS
        try:
            yield from pending.get(timeout=min(left, limit))
        except mp.TimeoutError:
            if time.perf_counter() >= deadline:
                yield None
                return
            yield {"path": path, "status": ERROR, "seconds": limit, "score": 0, "proof": None, "aux": [],
                   "error": "no result from its worker process (killed, or out of memory)"}
        submit()


def _finish(result, t0: float, status: str, proof, aux, clauses) -> None:
    result.status, result.proof, result.aux = status, proof, aux
    result.aux_clauses = list(clauses)
    result.depth = len(clauses)
    result.seconds = time.perf_counter() - t0

