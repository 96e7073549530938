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

from ddar.facts import Fact
from ddar.facts import symmetries as fact_symmetries
from geosolver.language import Clause, Problem, renamed_clause

_ORIENTATION = ("sameclock", "sameside")


def _facts(problem: Problem, index: dict[str, int]) -> tuple[set[Fact], set[Fact]]:
    premises = {Fact.make(s.pred, [index[p] for p in s.points], s.value)
                for s in problem.premises() if s.pred not in _ORIENTATION}
    goals = {Fact.make(g.statement.pred, [index[p] for p in g.statement.points], g.statement.value)
             for g in problem.goals}
    return premises, goals


def _kept(f: Fact, perm: list[int], facts: set[Fact]) -> bool:
    args = [perm[a] for a in f.args]
    if Fact.make(f.pred, args, f.value) in facts:
        return True
    # a reflection turns an angle the other way
    return f.pred == "aconst" and Fact.make(f.pred, args, -f.value) in facts


def symmetries(problem: Problem, limit: int = 4) -> list[dict[str, str]]:
    """Up to ``limit`` renamings of the problem's points, other than the identity, that map its
    facts onto its facts and its goals onto its goals (in the order a search finds them)."""
    names = problem.points
    index = {p: i for i, p in enumerate(names)}
    perms = fact_symmetries(_facts(problem, index), len(names), limit, _kept)
    return [{names[i]: names[j] for i, j in enumerate(perm)} for perm in perms]


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
