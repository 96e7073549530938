"""A statement: a predicate applied to named points (and maybe a constant).

Goals are statements, and so are the facts a construction asserts.  Angle
constants are kept exactly as fractions of pi, ratio constants as fractions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from ddar.predicates import format_angle

_PI_RE = re.compile(r"^(-?\d*)pi(?:/(\d+))?$")
_NUM_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
_FRAC_RE = re.compile(r"^(\d+)/(\d+)$")


MAX_TOKEN = 24
"""Longer numeric constants are refused (no angle or ratio needs more digits)."""


def parse_angle(token: str) -> Fraction | None:
    """An angle constant as a fraction of pi: '2pi/3', 'pi/2', or degrees '60', '-15', '22.5',
    or degrees with Newclid's suffix 'o' ('108o')."""
    if len(token) > MAX_TOKEN:
        return None
    if token.endswith("o") and _NUM_RE.match(token[:-1]):
        return Fraction(token[:-1]) / 180
    m = _PI_RE.match(token)
    if m:
        k = m.group(1)
        num = 1 if k in ("", None) else (-1 if k == "-" else int(k))
        den = int(m.group(2) or 1)
        return None if den == 0 else Fraction(num, den)
    if _NUM_RE.match(token):
        return Fraction(token) / 180
    return None


def parse_ratio(token: str) -> Fraction | None:
    """A positive ratio constant: '1/2', '3', '0.75'."""
    if len(token) > 2 * MAX_TOKEN:
        return None
    m = _FRAC_RE.match(token)
    if m:
        num, den = int(m.group(1)), int(m.group(2))
        return None if den == 0 or num == 0 else Fraction(num, den)
    if _NUM_RE.match(token) and not token.startswith("-"):
        v = Fraction(token)
        return v if v > 0 else None
    return None


@dataclass(frozen=True)
class Statement:
    """``pred`` over ``points``; ``value`` is the constant of aconst (pi units) or rconst."""

    pred: str
    points: tuple[str, ...]
    value: Fraction | None = None

    def value_float(self) -> float | None:
        if self.value is None:
            return None
        return float(self.value) * math.pi if self.pred == "aconst" else float(self.value)

    def json(self) -> dict:
        """As a fact of docs/PROOF_FORMAT.md: {pred, points, value}."""
        return {"pred": self.pred, "points": list(self.points), "value": None if self.value is None else str(self.value)}

    def __str__(self) -> str:
        parts = [self.pred, *self.points]
        if self.value is not None:
            parts.append(format_angle(self.value) if self.pred == "aconst" else str(self.value))
        return " ".join(parts)
