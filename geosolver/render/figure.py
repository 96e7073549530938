"""Figures of a problem: its points, the lines, circles and segments its
constructions use, the goal's objects highlighted, auxiliary points set apart.

What to draw is read off the facts the constructions assert (collinear points
make a line, three equal radii from one point make a circle, ...) and off the
circles used to place points, so no construction needs drawing code of its own.
matplotlib is used through its object API (no pyplot, no GUI backend).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ddar.predicates import PREDICATES
from geosolver import geometry as g
from geosolver.diagram import Diagram
from geosolver.statement import Statement

INK, GOAL, AUX = "#1f2d3d", "#d62728", "#ff7f0e"
LINE_W, GOAL_W = 1.0, 2.2


@dataclass
class Objects:
    """What a figure shows: lines (as point groups), segments, circles."""

    lines: list[set[str]] = field(default_factory=list)
    segments: set[tuple[str, str]] = field(default_factory=set)
    circles: list[tuple[np.ndarray, float]] = field(default_factory=list)

    def add_line(self, names) -> None:
        new = set(names)
        merged = True
        while merged:
            merged = False
            for grp in self.lines:
                if len(grp & new) >= 2:
                    new |= grp
                    self.lines.remove(grp)
                    merged = True
                    break
        self.lines.append(new)

    def add_segment(self, a: str, b: str) -> None:
        if a != b:
            self.segments.add((min(a, b), max(a, b)))

    def add_circle(self, center: np.ndarray, r: float, scale: float) -> None:
        for c, rr in self.circles:
            if g.norm(c - center) < 1e-6 * scale and abs(rr - r) < 1e-6 * scale:
                return
        self.circles.append((center, r))


def _pairs(pred: str, pts: tuple[str, ...]) -> list[tuple[str, str]]:
    if PREDICATES[pred].pairs:
        return [(pts[i], pts[i + 1]) for i in range(0, len(pts) - 1, 2)]
    if pred == "midp":
        return [(pts[1], pts[2])]
    if pred in ("simtri", "contri"):
        return [(pts[i], pts[j]) for t in (0, 3) for i, j in ((t, t + 1), (t + 1, t + 2), (t + 2, t))]
    return []


def _add_statement(objs: Objects, s: Statement, d: Diagram) -> None:
    P, scale = d.points, d.scale
    if s.pred == "coll":
        objs.add_line(s.points)
    elif s.pred == "cyclic":
        a, b, c = (P[p] for p in s.points[:3])
        try:
            circ = g.circle_through(a, b, c)
        except g.Degenerate:
            return
        objs.add_circle(circ.c, circ.r, scale)
    elif s.pred == "circle":
        objs.add_circle(P[s.points[0]], g.norm(P[s.points[1]] - P[s.points[0]]), scale)
    else:
        for a, b in _pairs(s.pred, s.points):
            objs.add_segment(a, b)


def construction_objects(d: Diagram) -> Objects:
    """The lines, segments and circles of the problem's constructions."""
    objs = Objects()
    scale = d.scale
    for clause in d.problem.clauses:
        for call in clause.calls:
            poly = [call.points[p] for p in call.construction.polygon]
            for i in range(len(poly) if len(poly) > 2 else len(poly) - 1):
                objs.add_segment(poly[i], poly[(i + 1) % len(poly)])
            facts = call.facts()
            radii: dict[str, set[str]] = {}
            for f in facts:
                if f.pred == "cong" and f.points[0] == f.points[2]:
                    radii.setdefault(f.points[0], set()).update((f.points[1], f.points[3]))
            for center, on in radii.items():
                if len(on) >= 3:  # three equal radii: a circle about that centre
                    objs.add_circle(d.points[center], g.norm(d.points[min(on)] - d.points[center]), scale)
            for f in facts:
                if f.pred == "cong" and f.points[0] == f.points[2] and len(radii.get(f.points[0], ())) >= 3:
                    continue
                _add_statement(objs, f, d)
    for name, locus in d.loci:
        if isinstance(locus, g.Circle) and not _polygon_point(d, name):
            objs.add_circle(locus.c, locus.r, scale)
    # a segment lying on a drawn line is part of that line
    objs.segments = {s for s in objs.segments if not any(set(s) <= grp for grp in objs.lines)}
    return objs


def _polygon_point(d: Diagram, name: str) -> bool:
    return any(name in call.points.values() and call.construction.polygon
               for c in d.problem.clauses for call in c.calls)


def goal_objects(d: Diagram) -> Objects:
    objs = Objects()
    for goal in d.problem.goals:
        _add_statement(objs, goal.statement, d)
    return objs


# --- drawing -------------------------------------------------------------------


def _line_extent(names: set[str], P: dict) -> tuple[np.ndarray, np.ndarray]:
    order = list(P)
    pts = np.array([P[n] for n in sorted(names, key=order.index)])  # a set's order varies by process
    c = pts.mean(axis=0)
    _, _, vt = np.linalg.svd(pts - c)
    u = vt[0] if vt[0] @ (pts[-1] - pts[0]) >= 0 else -vt[0]
    t = (pts - c) @ u
    lo, hi = t.min(), t.max()
    pad = 0.06 * (hi - lo)
    return c + (lo - pad) * u, c + (hi + pad) * u


def _view(P: dict, objs: Objects) -> tuple[float, float, float, float]:
    pts = np.array(list(P.values()))
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    size = float(max(hi - lo)) or 1.0
    for c, r in objs.circles:
        if r < 1.5 * size:  # draw modest circles whole; a huge one is only a cut arc
            lo = np.minimum(lo, c - r)
            hi = np.maximum(hi, c + r)
    span = float(max(hi - lo)) or 1.0
    mid = (lo + hi) / 2
    half = 0.5 * span * 1.12
    return mid[0] - half, mid[0] + half, mid[1] - half, mid[1] + half


def _label_positions(P: dict, objs: Objects, radius: float) -> dict[str, np.ndarray]:
    """Put each label where it is farthest from points, lines, circles and other labels."""
    segs = [_line_extent(grp, P) for grp in objs.lines] + [(P[a], P[b]) for a, b in objs.segments]
    seg_a = np.array([a for a, _ in segs]).reshape(-1, 2)
    seg_b = np.array([b for _, b in segs]).reshape(-1, 2)
    pts = np.array(list(P.values()))

    def clearance(q: np.ndarray) -> float:
        best = float(np.min(np.linalg.norm(pts - q, axis=1)))
        if len(segs):
            ab = seg_b - seg_a
            t = np.clip(np.einsum("ij,ij->i", q - seg_a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-300), 0, 1)
            best = min(best, float(np.min(np.linalg.norm(seg_a + t[:, None] * ab - q, axis=1))))
        for c, r in objs.circles:
            best = min(best, abs(g.norm(q - c) - r))
        return best

    placed: dict[str, np.ndarray] = {}
    for name, p in P.items():
        best, best_score = None, -1.0
        for k in range(24):
            ang = 2 * math.pi * k / 24 + math.pi / 4
            for dist in (radius, 1.5 * radius):
                q = p + dist * np.array([math.cos(ang), math.sin(ang)])
                score = clearance(q) - 0.1 * (dist - radius)
                if placed:
                    score = min(score, 0.7 * float(min(g.norm(q - o) for o in placed.values())))
                if score > best_score + 1e-12:
                    best, best_score = q, score
        placed[name] = best
    return placed


def scene(d: Diagram, aux=frozenset(), title: str | None = None) -> dict:
    """Everything a renderer needs to draw the figure, as plain JSON data (the proof
    page, ``geosolver render`` and the exports read this, never the diagram)."""
    P = d.points
    objs, goal = construction_objects(d), goal_objects(d)
    everything = Objects(objs.lines + goal.lines, objs.segments | goal.segments, objs.circles + goal.circles)
    x0, x1, y0, y1 = _view(P, everything)
    labels = _label_positions(P, everything, 0.032 * (x1 - x0))

    def layer(o: Objects) -> dict:
        lines = []
        for grp in o.lines:
            a, b = _line_extent(grp, P)
            lines.append({"points": sorted(grp, key=list(P).index), "from": [float(a[0]), float(a[1])],
                          "to": [float(b[0]), float(b[1])]})
        return {
            "lines": lines,
            "segments": [list(s) for s in sorted(o.segments)],
            "circles": [{"center": [float(c[0]), float(c[1])], "radius": float(r)} for c, r in o.circles],
        }

    aux = set(aux)
    made_by: dict[str, list[dict]] = {}
    for clause in d.problem.clauses:
        for call in clause.calls:
            c = call.construction
            args = [call.points[a] for a in c.inputs]
            for k, out in enumerate(c.outputs):
                made_by.setdefault(call.points[out], []).append({"construction": c.name, "args": args, "output": k})
    return {
        "title": title if title is not None else d.problem.name,
        "goal": "; ".join(str(gl.statement) for gl in d.problem.goals),
        "view": [float(x0), float(x1), float(y0), float(y1)],
        "points": [{"name": n, "x": float(p[0]), "y": float(p[1]), "aux": n in aux,
                    "label": [float(labels[n][0]), float(labels[n][1])], "made_by": made_by.get(n, [])}
                   for n, p in P.items()],
        "construction": layer(objs),
        "highlight": layer(goal),
    }


def draw_figure(d: Diagram, path: Path, aux: set[str] | frozenset[str] = frozenset(), title: str | None = None) -> Path:
    """Write the figure of the diagram to ``path`` (.png or .svg).

    ``aux`` names auxiliary points (drawn in a distinct colour, with the
    objects that involve them dashed).
    """
    return draw_scene(scene(d, aux, title), path)


def draw_scene(sc: dict, path: Path) -> Path:
    """Draw a scene (``scene()``, or the ``figure`` of a proof.json) to a .png or .svg file."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle as CirclePatch

    aux = {p["name"] for p in sc["points"] if p["aux"]}
    x0, x1, y0, y1 = sc["view"]
    fig = Figure(figsize=(7, 7.4))
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0.02, 0.02, 0.96, 0.9])
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.axis("off")

    def style(names, highlight):
        if highlight:
            return dict(color=GOAL, lw=GOAL_W, zorder=3)
        if set(names) & aux:
            return dict(color=AUX, lw=LINE_W, ls="--", zorder=2)
        return dict(color=INK, lw=LINE_W, zorder=2)

    xy = {p["name"]: (p["x"], p["y"]) for p in sc["points"]}
    for key, highlight in (("construction", False), ("highlight", True)):
        layer = sc[key]
        for ln in layer["lines"]:
            (ax_, ay), (bx, by) = ln["from"], ln["to"]
            ax.plot([ax_, bx], [ay, by], **style(ln["points"], highlight))
        for a, b in layer["segments"]:
            ax.plot([xy[a][0], xy[b][0]], [xy[a][1], xy[b][1]], **style((a, b), highlight))
        for c in layer["circles"]:
            st = style((), highlight)
            ax.add_patch(CirclePatch(tuple(c["center"]), c["radius"], fill=False, color=st["color"], lw=st["lw"],
                                     zorder=st["zorder"]))
    for p in sc["points"]:
        color = AUX if p["aux"] else INK
        ax.plot([p["x"]], [p["y"]], "o", ms=4.5, color=color, zorder=4)
        q = p["label"]
        ax.text(q[0], q[1], p["name"], fontsize=12, color=color, ha="center", va="center", zorder=5,
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.7))
    fig.text(0.5, 0.975, sc["title"], ha="center", va="top", fontsize=11)
    if sc["goal"]:
        fig.text(0.5, 0.945, f"goal: {sc['goal']}", ha="center", va="top", fontsize=10, color=GOAL)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with rc_context({"svg.fonttype": "none"}):  # SVG labels stay text, editable and searchable
        fig.savefig(path, dpi=150)
    return path
