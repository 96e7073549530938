"""How a saturation, a search and a solve end: the one list of statuses.

The engine ends ``solved``, ``saturated`` or ``timeout``; the auxiliary search adds
``exhausted`` (every candidate up to its depth tried); a solve that could not run
(bad input, a missing model, a bug) is an ``error``.  Bench records, the CLI and
the tables read these names; nothing here imports numba.
"""

SOLVED, SATURATED, TIMEOUT = "solved", "saturated", "timeout"
EXHAUSTED, ERROR = "exhausted", "error"
STATUSES = (SOLVED, SATURATED, EXHAUSTED, TIMEOUT, ERROR)
