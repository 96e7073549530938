"""geosolver: a neuro-symbolic prover for olympiad plane geometry.

    >>> import geosolver
    >>> [r.status for r in geosolver.check("a b c = triangle; h = orthocenter a b c ? perp a h b c")]
    ['ok']
"""

from geosolver.api import CheckResult, check, diagram, draw, load_problem
from geosolver.errors import GeoError
from geosolver.language import load_problems, parse_problem
from geosolver.solve import Result, solve

__version__ = "0.1.0"

__all__ = [
    "CheckResult",
    "GeoError",
    "check",
    "diagram",
    "draw",
    "load_problem",
    "load_problems",
    "parse_problem",
    "Result",
    "solve",
    "__version__",
]
