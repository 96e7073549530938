"""Symmetries of a problem's statement: renamings of its points that keep its facts and goals.

Olympiad figures are often symmetric: swap A and B, and with them every point
built on them alike, and the problem reads the same.  A construction that helps
on one side of such a figure usually needs its mirror image on the other (the
second intersections of AA1 and of BB1 with the circumcircle, the feet from
both ends of a segment), so the search tries a candidate's image beside it
(``geosolver/search.py``).

A symmetry here is of the statement, not of the drawn figure (whose points are
random): a permutation of the point names under which the facts the
constructions assert, and the goals, are the same set of facts.  Directed
angles change sign under a reflection, so an angle constant may map to its
negative; orientation facts (sameclock, sameside) are left out of the test.
What a symmetry proposes is a candidate like any other: placed, checked and
proved or dropped, never trusted.
"""

from __future__ import annotations

from collections import Counter

from ddar.facts import Fact
from geosolver.language import Clause, Problem, renamed_clause

_ORIENTATION = ("sameclock", "sameside")
MAX_STEPS = 50_000  # assignments tried at most: the search for symmetries is a small part of a solve


def _facts(problem: Problem, index: dict[str, int]) -> tuple[set[Fact], set[Fact]]:
    premises = {Fact.make(s.pred, [index[p] for p in s.points], s.value)
                for s in problem.premises() if s.pred not in _ORIENTATION}
    goals = {Fact.make(g.statement.pred, [index[p] for p in g.statement.points], g.statement.value)
             for g in problem.goals}
    return premises, goals


def _image(f: Fact, perm: list[int]) -> Fact:
    return Fact.make(f.pred, [perm[a] for a in f.args], f.value)


def _kept(f: Fact, perm: list[int], facts: set[Fact]) -> bool:
    if _image(f, perm) in facts:
        return True
    if f.pred == "aconst":  # a reflection turns the angle the other way
        return Fact.make(f.pred, [perm[a] for a in f.args], -f.value) in facts
    return False


def symmetries(problem: Problem, limit: int = 4) -> list[dict[str, str]]:
    """Up to ``limit`` renamings of the problem's points, other than the identity, that map its
    facts onto its facts and its goals onto its goals (in the order a search finds them)."""
    names = problem.points
    n = len(names)
    index = {p: i for i, p in enumerate(names)}
    premises, goals = _facts(problem, index)
    everything = [(f, premises) for f in premises] + [(f, goals) for f in goals]
    # each fact is tested once its last point (in the problem's order) has an image
    due: list[list[tuple[Fact, set[Fact]]]] = [[] for _ in range(n)]
    for f, family in everything:
        due[max(f.args)].append((f, family))
    # a point can only go to a point in as many facts of each kind
    signature = [Counter() for _ in range(n)]
    for f, family in everything:
        for a in set(f.args):
            signature[a][(f.pred, family is goals)] += 1
    perm = [-1] * n
    used = [False] * n
    found: list[dict[str, str]] = []
    steps = 0

    def extend(k: int) -> bool:
        nonlocal steps
        if k == n:
            if any(perm[i] != i for i in range(n)):
                found.append({names[i]: names[perm[i]] for i in range(n)})
            return len(found) >= limit
        for j in range(n):
            if used[j] or signature[j] != signature[k]:
                continue
            steps += 1
            if steps > MAX_STEPS:
                return True
            perm[k], used[j] = j, True
            if all(_kept(f, perm, family) for f, family in due[k]) and extend(k + 1):
                return True
            perm[k], used[j] = -1, False
        return False

    extend(0)
    return found


def _clause_facts(clause: Clause, rename: dict[str, str], index: dict[str, int]) -> set[Fact]:
    stmts = [s for call in clause.calls for s in call.facts() if s.pred not in _ORIENTATION]
    return {Fact.make(s.pred, [index[rename.get(q, q)] for q in s.points], s.value) for s in stmts}


def mirrors(clause: Clause, sigmas: list[dict[str, str]], new_name: str) -> list[str]:
    """The images of a clause of one new point under each of ``sigmas``, the new point called
    ``new_name``: those that state something the clause does not, each construction once (the
    midpoint of ba is the midpoint of ab)."""
    if len(clause.names) != 1 or not sigmas:
        return []  # several new points at once: their names would have to be chosen apart
    points = {q for call in clause.calls for s in call.facts() for q in s.points}
    names = {*points, *(p for s in sigmas for p in (*s, *s.values()))}
    index = {p: i for i, p in enumerate(sorted(names))}
    seen = [_clause_facts(clause, {}, index)]
    out = []
    for sigma in sigmas:
        facts = _clause_facts(clause, sigma, index)
        if facts not in seen:
            seen.append(facts)
            out.append(renamed_clause(clause, {**sigma, clause.names[0]: new_name}))
    return out
