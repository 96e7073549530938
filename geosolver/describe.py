"""Clauses in words: "Let X be the midpoint of AB", from the construction library's meanings.

Each construction's ``meaning`` (``geosolver/constructions.py``) is written over
its argument names ("x is the midpoint of ab"); a word made only of argument
names names those points, so substituting the clause's points gives the
sentence.  This is how a proof opens with its auxiliary points.
"""

from __future__ import annotations

import re

from geosolver.language import Clause

_WORD = re.compile(r"\b[a-z]+\b")
_ARTICLE_AFTER = ("is", "makes", "with", "forms")  # 'is a parallelogram': the article, not point a


def _sentence(meaning: str, points: dict[str, str]) -> str:
    def sub(m: re.Match) -> str:
        w = m.group(0)
        before = meaning[: m.start()].split()
        if w == "a" and (not before or before[-1] in _ARTICLE_AFTER):
            return w
        if all(ch in points for ch in w):
            return "".join(points[ch].upper() for ch in w)
        return w

    return _WORD.sub(sub, meaning)


def clause_words(clause: Clause) -> str:
    """'Let X be the midpoint of AB.' for ``x = midpoint x a b``; several constructions are
    joined: 'Let X be such that X lies on line AB and X lies on the circle through A, C, D.'"""
    said = [_sentence(call.construction.meaning, call.points) for call in clause.calls]
    names = [n.upper() for n in clause.names]
    if len(said) == 1 and len(names) == 1 and said[0].startswith(f"{names[0]} is "):
        return f"Let {names[0]} be {said[0][len(names[0]) + 4:]}."
    return f"Let {', '.join(names)} be such that {' and '.join(said)}."
