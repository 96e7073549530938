"""The one error type the package raises for bad input, with its location.

Every message names where the problem is (file, line, column), the problem,
the clause and the offending token, so a user can fix the input without
reading a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Location:
    """Where in the input something is: file, 1-based line and column."""

    file: str = "<text>"
    line: int = 1
    col: int = 1
    problem: str | None = None
    clause: str | None = None
    token: str | None = None
    source_line: str | None = None


def clip(text: str, limit: int = 160) -> str:
    """Input echoed in a message is cut short: a 1 MB line must not make a 1 MB error."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class GeoError(Exception):
    """Bad input: a syntax error, an unknown construction, an unrealisable figure...

    ``kind`` is 'syntax', 'construction' (a clause that makes no sense) or
    'diagram' (a clause that could not be realised numerically).
    """

    def __init__(self, message: str, where: Location | None = None, kind: str = "syntax"):
        super().__init__(message)
        self.message = message
        self.where = where or Location()
        self.located = where is not None  # an option or a folder has no line and column to point at
        self.kind = kind

    def format(self, caret: bool = True) -> str:
        w = self.where
        if not self.located:
            return f"geosolver: error: {clip(self.message, 400)}"
        head = f"{clip(w.file)}:{w.line}:{w.col}: error: {clip(self.message, 400)}"
        ctx = []
        if w.problem:
            ctx.append(f"in problem '{clip(w.problem)}'")
        if w.clause:
            ctx.append(f"clause '{clip(w.clause)}'")
        lines = [head]
        if ctx:
            lines.append("  " + ", ".join(ctx))
        if caret and w.source_line is not None and len(w.source_line) <= 400:
            lines.append("  " + w.source_line)
            lines.append("  " + " " * (w.col - 1) + "^" + "~" * max(0, len(w.token or "") - 1))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format(caret=False)
