"""Facts in mathematical notation, as a reader of olympiad solutions writes them.

``proof.json`` keeps the problem language's spelling (``eqangle a b a c d b d c``),
which the checker reads; the text and the page show this one
(``∠(AB,AC) = ∠(DB,DC)``), or the language's with ``--notation lang``.
"""

from __future__ import annotations

from fractions import Fraction

from ddar.predicates import format_angle

NOTATIONS = ("math", "lang")


def _p(names: list[str]) -> list[str]:
    return [n.upper() for n in names]


def _seg(a: str, b: str) -> str:
    return f"{a}{b}"


def fact_math(fact: dict) -> str:
    """A JSON fact {pred, points, value} in mathematical notation."""
    pred, v = fact["pred"], fact.get("value")
    p = _p(fact["points"])
    if pred == "coll":
        return f"{', '.join(p)} collinear"
    if pred == "cyclic":
        return f"{''.join(p)} cyclic"
    if pred == "circle":
        return f"{p[0]} is the centre of a circle through {', '.join(p[1:])}"
    if pred == "midp":
        return f"{p[0]} is the midpoint of {_seg(p[1], p[2])}"
    if pred == "para":
        return f"{_seg(p[0], p[1])} ∥ {_seg(p[2], p[3])}"
    if pred == "perp":
        return f"{_seg(p[0], p[1])} ⊥ {_seg(p[2], p[3])}"
    if pred == "cong":
        return f"{_seg(p[0], p[1])} = {_seg(p[2], p[3])}"
    if pred == "eqangle":
        return f"∠({_seg(p[0], p[1])},{_seg(p[2], p[3])}) = ∠({_seg(p[4], p[5])},{_seg(p[6], p[7])})"
    if pred == "eqratio":
        return f"{_seg(p[0], p[1])}/{_seg(p[2], p[3])} = {_seg(p[4], p[5])}/{_seg(p[6], p[7])}"
    if pred == "aconst":
        return f"∠({_seg(p[0], p[1])},{_seg(p[2], p[3])}) = {format_angle(Fraction(v))}"
    if pred == "rconst":
        return f"{_seg(p[0], p[1])}/{_seg(p[2], p[3])} = {Fraction(v)}"
    if pred == "simtri":
        return f"△{''.join(p[:3])} ∼ △{''.join(p[3:])}"
    if pred == "contri":
        return f"△{''.join(p[:3])} ≅ △{''.join(p[3:])}"
    return " ".join([pred, *fact["points"]] + ([str(v)] if v is not None else []))


def fact_lang(fact: dict) -> str:
    """A JSON fact in the problem language's spelling (``aconst a b c d pi/3``)."""
    parts = [fact["pred"], *fact["points"]]
    if fact.get("value") is not None:
        v = Fraction(fact["value"])
        parts.append(format_angle(v) if fact["pred"] == "aconst" else str(v))
    return " ".join(parts)


def fact_text(fact: dict, notation: str = "math") -> str:
    return fact_math(fact) if notation == "math" else fact_lang(fact)
