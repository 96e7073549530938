"""The figure's relations, indexed: which points share a line, a circle, a length, a direction.

DD only ever adds a fact that is true in the figure, and a rule instance is
only useful when all its premises are true there too.  So before deducing
anything the engine asks the figure which instances could ever fire: this
module groups the figure's point pairs into direction classes (parallel
lines) and length classes (equal segments), its points into numeric lines and
circles, and finds midpoints and similar triangles, so that the join plans of
``ddar/matcher.py`` generate candidates by lookup instead of trying every
point.  Floats only choose candidates; what is proved is decided exactly by
DD and AR, and every derived fact is checked again with ``ddar/numeric.py``.
"""

from __future__ import annotations

import math
import time
from itertools import combinations, permutations

import numpy as np

from ddar import numeric

# Looser than numeric.TOL: a candidate wrongly kept is harmless (it must still
# be proved), a candidate wrongly dropped costs a deduction.
ANGLE_TOL = 1e-5
LENGTH_TOL = 1e-5  # relative to the figure's scale
LOGLEN_TOL = 10 * LENGTH_TOL  # log-lengths: a relative tolerance, looser for short segments


class _Classes:
    """Values (directions mod pi, or log-lengths) grouped into classes of equal value, numbered
    in the order of their representatives (the kernel finds a value's class by bisection).
    Never changed once made: ``with_values`` returns the grown copy."""

    def __init__(self, tol: float, period: float | None, reps: list[float] | None = None):
        self.tol, self.period = tol, period
        self.reps: list[float] = reps or []

    def find_many(self, values: np.ndarray) -> np.ndarray:
        """The class each value is in (within tolerance), or -1."""
        out = np.full(len(values), -1, dtype=np.int64)
        m = len(self.reps)
        if not m:
            return out
        reps = np.asarray(self.reps)
        v = values % self.period if self.period is not None else values
        i = np.searchsorted(reps, v)
        for j in (i - 1, i):
            jc = np.minimum(np.maximum(j, 0), m - 1)
            ok = (out < 0) & (j >= 0) & (j < m) & (np.abs(reps[jc] - v) <= self.tol)
            out[ok] = jc[ok]
        if self.period is not None:
            out[(out < 0) & (np.abs(reps[0] + self.period - v) <= self.tol)] = 0
            out[(out < 0) & (np.abs(reps[-1] - self.period - v) <= self.tol)] = m - 1
        return out

    def with_values(self, values: np.ndarray) -> tuple[_Classes, np.ndarray, np.ndarray]:
        """These classes grown by ``values``: each value joins the class it is within tolerance
        of, the others are chained into new classes (sorted, a gap over the tolerance starts
        the next).  Returns the new classes, each value's class and each old class's new number."""
        cls = self.find_many(values)
        rest = np.nonzero(cls < 0)[0]
        rest = rest[np.argsort(values[rest], kind="stable")]
        group = np.empty(len(rest), dtype=np.int64)
        reps: list[float] = []
        last = None
        for k, i in enumerate(rest):
            v = float(values[i])
            if last is None or v - last > self.tol:
                reps.append(v)
            group[k] = len(reps) - 1
            last = v
        if self.period is not None and len(reps) > 1 and reps[0] + self.period - last <= self.tol:
            # the first and the last new class meet across the period: one class
            group[group == len(reps) - 1] = 0
            reps.pop()
        merged = self.reps + reps
        renumber = np.empty(len(merged), dtype=np.int64)
        renumber[np.argsort(merged, kind="stable")] = np.arange(len(merged))
        old = len(self.reps)
        cls[cls >= 0] = renumber[cls[cls >= 0]]
        cls[rest] = renumber[old + group]
        return _Classes(self.tol, self.period, sorted(merged)), cls, renumber[:old]


class OverBudget(Exception):
    """Indexing or matching a figure would take more time or memory than its budget."""


_CHUNK = 4096  # triples (or pairs) measured against every point at once


class NumericIndex:
    """Lookups over the figure's points ``0..n-1`` at ``coords``; OverBudget past ``deadline``
    (a ``time.perf_counter()`` value).  ``extended`` adds points to a copy, looking only at the
    pairs and triples that name a new point: what the search does for every candidate."""

    def __init__(self, coords: np.ndarray, scale: float, deadline: float | None = None):
        self.deadline = deadline
        self.scale = float(scale)
        self.n = 0
        self.coords = np.zeros((0, 2))
        self._dirs = _Classes(ANGLE_TOL, math.pi)
        self._lens = _Classes(LOGLEN_TOL, None)
        self.dir = self.len = self.line = np.zeros((0, 0), dtype=np.int64)
        self.lines: list[tuple[int, ...]] = []
        self.circles: list[tuple[int, ...]] = []
        self.circle_of: dict[tuple[int, int, int], int] = {}
        self.mid: dict[tuple[int, int], int] = {}
        self.reflect: dict[tuple[int, int], int] = {}  # (m, a) -> b with m the midpoint of ab
        self._tris = np.zeros((0, 3), dtype=np.int64)  # non-degenerate triangles i < j < k
        self._tri_keys = np.zeros((0, 3))  # their shapes: shortest / longest, middle / longest, log longest
        self.similar: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
        self.congruent: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
        self._add(coords)

    def extended(self, coords: np.ndarray, deadline: float | None = None) -> NumericIndex:
        """The index of ``coords``, whose first ``self.n`` points are this index's, unchanged;
        this one is left as it is (the containers it shares with the copy are never written)."""
        other = object.__new__(NumericIndex)
        other.__dict__.update(self.__dict__)
        other.__dict__.pop("_join_arrays", None)
        other.deadline = deadline
        other._add(coords)
        return other

    @property
    def n_dirs(self) -> int:
        return len(self._dirs.reps)

    @property
    def n_lens(self) -> int:
        return len(self._lens.reps)

    def _add(self, coords: np.ndarray) -> None:
        """Points ``self.n..`` of ``coords`` added: every relation that names one of them."""
        k = self.n
        self.coords = xy = np.asarray(coords, dtype=float)
        self.n = n = len(xy)
        self.points = list(range(n))
        self._tick()
        # ordered pairs (a, b), a != b: direction mod pi and log length
        a_idx, b_idx = np.nonzero(~np.eye(n, dtype=bool))
        dx = xy[b_idx, 0] - xy[a_idx, 0]
        dy = xy[b_idx, 1] - xy[a_idx, 1]
        self.theta = np.zeros((n, n))
        self.length = np.zeros((n, n))
        self.theta[a_idx, b_idx] = np.arctan2(dy, dx) % math.pi
        self.length[a_idx, b_idx] = np.hypot(dx, dy)
        self.loglen = np.log(np.maximum(self.length, 1e-300))
        iu, ju = np.triu_indices(n, 1)
        new = ju >= k
        iu, ju = iu[new], ju[new]  # the new pairs
        self.dir = self._classes("_dirs", self.dir, self.theta[iu, ju], iu, ju)
        self.len = self._classes("_lens", self.len, self.loglen[iu, ju], iu, ju)
        self._lines(k, iu, ju)
        triples = self._triples()
        self._circles(k, triples)
        self._midpoints(k, iu, ju)
        self._triangles(k, triples[triples[:, 2] >= k])

    def _classes(self, attr: str, old: np.ndarray, values: np.ndarray, iu: np.ndarray, ju: np.ndarray) -> np.ndarray:
        classes, cls, renumber = getattr(self, attr).with_values(values)
        setattr(self, attr, classes)
        out = np.full((self.n, self.n), -1, dtype=np.int64)
        k = len(old)
        if len(renumber):  # else no old pairs, no old classes
            out[:k, :k] = np.where(old >= 0, renumber[np.maximum(old, 0)], -1)
        out[iu, ju] = out[ju, iu] = cls
        return out

    def _lines(self, k: int, iu: np.ndarray, ju: np.ndarray) -> None:
        """Numeric lines: the points on the line through each pair."""
        xy, n, tol = self.coords, self.n, LENGTH_TOL * self.scale
        line = np.full((n, n), -1, dtype=np.int64)
        line[:k, :k] = self.line
        lines = list(self.lines)
        if lines and n > k:  # new points on old lines
            a = np.array([pts[0] for pts in lines])
            b = np.array([pts[1] for pts in lines])
            u = (xy[b] - xy[a]) / self.length[a, b][:, None]
            rel = xy[None, k:, :] - xy[a][:, None, :]
            dist = np.abs(rel[:, :, 0] * u[:, 1:2] - rel[:, :, 1] * u[:, 0:1])
            for lid in np.nonzero((dist <= tol).any(axis=1))[0]:
                pts = lines[lid] + tuple(int(k + q) for q in np.nonzero(dist[lid] <= tol)[0])
                lines[lid] = pts
                idx = np.array(pts)
                line[idx[:, None], idx[None, :]] = lid
        seen = {pts: lid for lid, pts in enumerate(lines)}
        for c0 in range(0, len(iu), _CHUNK):  # the new pairs' lines, the points on them among all
            self._tick()
            a, b = iu[c0:c0 + _CHUNK], ju[c0:c0 + _CHUNK]
            u = (xy[b] - xy[a]) / self.length[a, b][:, None]
            rel = xy[None, :, :] - xy[a][:, None, :]
            on = np.abs(rel[:, :, 0] * u[:, 1:2] - rel[:, :, 1] * u[:, 0:1]) <= tol
            for m in range(len(a)):
                if line[a[m], b[m]] >= 0:
                    continue
                pts = tuple(np.nonzero(on[m])[0].tolist())
                lid = seen.setdefault(pts, len(lines))
                if lid == len(lines):
                    lines.append(pts)
                idx = np.array(pts)
                line[idx[:, None], idx[None, :]] = lid
        np.fill_diagonal(line, -1)
        self.line, self.lines = line, lines

    def _triples(self) -> np.ndarray:
        """Every triple i < j < l (in the order of combinations())."""
        r = np.arange(self.n)
        return np.argwhere((r[:, None, None] < r[None, :, None]) & (r[None, :, None] < r[None, None, :]))

    def _circles(self, k: int, tri: np.ndarray) -> None:
        """Numeric circles through at least four points."""
        xy, n, tol = self.coords, self.n, LENGTH_TOL * self.scale
        circles, circle_of = list(self.circles), dict(self.circle_of)
        if circles and n > k:  # new points on old circles
            t = np.array([pts[:3] for pts in circles])
            ox, oy, r, _ = _circumcircles(xy, t, tol)
            dist = np.abs(np.hypot(xy[None, k:, 0] - ox[:, None], xy[None, k:, 1] - oy[:, None]) - r[:, None])
            for cid in np.nonzero((dist <= tol).any(axis=1))[0]:
                pts = circles[cid] + tuple(int(k + q) for q in np.nonzero(dist[cid] <= tol)[0])
                circles[cid] = pts
                for k3 in combinations(pts, 3):
                    circle_of[k3] = int(cid)
        if n >= 4:
            for c0 in range(0, len(tri), _CHUNK):
                self._tick()
                t = tri[c0:c0 + _CHUNK]
                ox, oy, r, ok = _circumcircles(xy, t, tol)
                ok &= r < 1e3 * self.scale
                # a triple of old points makes a new circle only through a new point
                ok &= (t[:, 2] >= k) | (np.abs(np.hypot(xy[None, k:, 0] - ox[:, None], xy[None, k:, 1] - oy[:, None])
                                               - r[:, None]) <= tol).any(axis=1)
                t, ox, oy, r = t[ok], ox[ok], oy[ok], r[ok]
                on = np.abs(np.hypot(xy[None, :, 0] - ox[:, None], xy[None, :, 1] - oy[:, None]) - r[:, None]) <= tol
                for x in np.nonzero(on.sum(axis=1) >= 4)[0]:
                    key = tuple(int(p) for p in t[x])
                    if key in circle_of:
                        continue
                    pts = tuple(int(p) for p in np.nonzero(on[x])[0])
                    cid = len(circles)
                    circles.append(pts)
                    for k3 in combinations(pts, 3):
                        circle_of[k3] = cid
        self.circles, self.circle_of = circles, circle_of

    def _midpoints(self, k: int, iu: np.ndarray, ju: np.ndarray) -> None:
        xy, tol = self.coords, LENGTH_TOL * self.scale
        mid, reflect = dict(self.mid), dict(self.reflect)

        def found(a, b, m) -> None:
            mid[a, b] = mid[b, a] = m
            reflect[m, a], reflect[m, b] = b, a

        for c0 in range(0, len(iu), _CHUNK):  # the new pairs' midpoints, among all points
            self._tick()
            a, b = iu[c0:c0 + _CHUNK], ju[c0:c0 + _CHUNK]
            m = (xy[a] + xy[b]) / 2.0
            near = np.hypot(xy[None, :, 0] - m[:, 0:1], xy[None, :, 1] - m[:, 1:2]) <= tol
            for x in np.nonzero(near.any(axis=1))[0]:
                found(int(a[x]), int(b[x]), int(np.argmax(near[x])))
        if k and self.n > k:  # the new points, as midpoints of old pairs
            a, b = np.triu_indices(k, 1)
            m = (xy[a] + xy[b]) / 2.0
            near = np.hypot(xy[None, k:, 0] - m[:, 0:1], xy[None, k:, 1] - m[:, 1:2]) <= tol
            for x in np.nonzero(near.any(axis=1))[0]:
                if (int(a[x]), int(b[x])) not in mid:
                    found(int(a[x]), int(b[x]), k + int(np.argmax(near[x])))
        self.mid, self.reflect = mid, reflect

    def _tick(self) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise OverBudget(f"indexing the figure's {self.n} points ran out of time")

    # -- lookups ---------------------------------------------------------------

    def on_line(self, a: int, b: int) -> tuple[int, ...]:
        return self.lines[self.line[a, b]]

    def on_circle(self, a: int, b: int, c: int) -> tuple[int, ...]:
        cid = self.circle_of.get(tuple(sorted((a, b, c))))
        return () if cid is None else self.circles[cid]

    def holds(self, pred: str, args, value=None) -> bool:
        """The strict numeric test of ``ddar/numeric.py`` (value: radians or ratio)."""
        return numeric.holds(pred, [self.coords[i] for i in args], value, self.scale)

    # -- similar triangles -------------------------------------------------------

    def _triangles(self, k: int, t: np.ndarray) -> None:
        """Ordered triangle -> the ordered triangles similar (congruent) to it, vertex by vertex,
        for every pair of triangles one of which names a new point (``t``: the new triples)."""
        L, tol = self.length, LENGTH_TOL * self.scale
        a, b, c = t[:, 0], t[:, 1], t[:, 2]
        s = np.sort(np.stack([L[a, b], L[b, c], L[c, a]], axis=1), axis=1)
        keep = (s[:, 0] > tol * 10) & (self.line[a, b] != self.line[b, c])
        t, s = t[keep], s[keep]
        keys = np.stack([s[:, 0] / np.maximum(s[:, 2], 1e-300), s[:, 1] / np.maximum(s[:, 2], 1e-300),
                         np.log(np.maximum(s[:, 2], 1e-300))], axis=1)
        old = len(self._tris)
        self._tris = tris = np.vstack([self._tris, t])
        self._tri_keys = all_keys = np.vstack([self._tri_keys, keys])
        self.similar, self.congruent = dict(self.similar), dict(self.congruent)
        if not len(t):
            return
        order = np.argsort(all_keys[:, 0], kind="stable")
        key0 = all_keys[order, 0]
        lo = np.searchsorted(key0, keys[:, 0] - 1e-5, side="left")
        hi = np.searchsorted(key0, keys[:, 0] + 1e-5, side="right")
        owned: set = set()  # keys whose lists are this index's own (the others are the parent's)

        def relate(out: dict, p: tuple, q: tuple) -> None:
            if (id(out), p) not in owned:
                out[p] = list(out.get(p, ()))
                owned.add((id(out), p))
            out[p].append(q)

        slack = 4 * numeric.TOL * self.scale
        # an equilateral triangle is also congruent to itself turned, its vertices rotated:
        # 'contri e a b a b e' says eab is equilateral (an order that keeps a vertex in place
        # would only say that a side equals itself)
        equilateral = np.abs(keys[:, 0] - 1.0) <= 1e-5
        for x in np.nonzero((hi - lo > 1) | equilateral)[0]:
            if x % 256 == 0:
                self._tick()
            i = old + x
            t1 = tuple(int(v) for v in tris[i])
            l1 = (L[t1[0], t1[1]], L[t1[1], t1[2]], L[t1[2], t1[0]])
            for j in order[lo[x]:hi[x]]:
                itself = j == i
                if (itself and not equilateral[x]) or (not itself and old <= j < i):  # each pair of new triangles once
                    continue
                if abs(all_keys[j, 1] - all_keys[i, 1]) > 1e-5:
                    continue
                same_size = abs(all_keys[j, 2] - all_keys[i, 2]) <= 1e-5
                for t2 in permutations(int(v) for v in tris[j]):
                    if itself and any(u == v for u, v in zip(t1, t2, strict=True)):
                        continue
                    # the side ratios first, as numeric.holds compares them (looser): most of the six
                    # vertex orders fail here, without the full test
                    d, e, f = t2
                    r = L[d, e] / l1[0]
                    if abs(l1[1] * r - L[e, f]) > slack or abs(l1[2] * r - L[f, d]) > slack:
                        continue
                    for pred, out, wanted in (("simtri", self.similar, True), ("contri", self.congruent, same_size)):
                        if not wanted or not self.holds(pred, t1 + t2):
                            continue
                        for perm in permutations(range(3)):
                            p = tuple(t1[m] for m in perm)
                            q = tuple(t2[m] for m in perm)
                            relate(out, p, q)
                            if not itself:  # itself: the other orders of t2 give the reverse pairs
                                relate(out, q, p)


def _circumcircles(xy: np.ndarray, tri: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Centres (x, y), radii of the circles through each triple of points, and which triples
    are far enough from collinear to have one."""
    A, B, C = xy[tri[:, 0]], xy[tri[:, 1]], xy[tri[:, 2]]
    bx, by = B[:, 0] - A[:, 0], B[:, 1] - A[:, 1]
    cx, cy = C[:, 0] - A[:, 0], C[:, 1] - A[:, 1]
    det = 2.0 * (bx * cy - by * cx)
    ok = np.abs(det) > (tol * 10) ** 2
    det = np.where(ok, det, 1.0)
    b2, c2 = bx * bx + by * by, cx * cx + cy * cy
    ox = A[:, 0] + (cy * b2 - by * c2) / det
    oy = A[:, 1] + (bx * c2 - cx * b2) / det
    return ox, oy, np.hypot(A[:, 0] - ox, A[:, 1] - oy), ok
