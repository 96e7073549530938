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

import bisect
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
    """Values (directions mod pi, or log-lengths) grouped into classes of equal value."""

    def __init__(self, values: np.ndarray, tol: float, period: float | None):
        self.tol, self.period = tol, period
        order = np.argsort(values, kind="stable")
        self.cls = np.empty(len(values), dtype=np.int64)
        reps: list[float] = []
        last = None
        for i in order:
            v = float(values[i])
            if last is None or v - last > tol:
                reps.append(v)
            self.cls[i] = len(reps) - 1
            last = v
        if period is not None and len(reps) > 1 and reps[0] + period - last <= tol:
            # the first and the last class meet across the period: one class
            top = len(reps) - 1
            self.cls[self.cls == top] = 0
            reps.pop()
        self.reps = reps

    def find(self, value: float) -> int:
        """The class whose value is ``value`` (within tolerance), or -1."""
        if self.period is not None:
            value %= self.period
        reps = self.reps
        i = bisect.bisect_left(reps, value)
        for j in (i - 1, i):
            if 0 <= j < len(reps) and abs(reps[j] - value) <= self.tol:
                return j
        if self.period is not None and reps:
            if abs(reps[0] + self.period - value) <= self.tol:
                return 0
            if abs(reps[-1] - self.period - value) <= self.tol:
                return len(reps) - 1
        return -1


class OverBudget(Exception):
    """Indexing or matching a figure would take more time or memory than its budget."""


class NumericIndex:
    """Lookups over the figure's points ``0..n-1`` at ``coords``; OverBudget past ``deadline``
    (a ``time.perf_counter()`` value)."""

    def __init__(self, coords: np.ndarray, scale: float, deadline: float | None = None):
        self.deadline = deadline
        self.coords = np.asarray(coords, dtype=float)
        self.scale = float(scale)
        self.n = n = len(self.coords)
        self.points = list(range(n))
        xy = self.coords
        tol_len = LENGTH_TOL * self.scale

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
        self._dirs = _Classes(self.theta[iu, ju], ANGLE_TOL, math.pi)
        loglen = np.log(np.maximum(self.length[iu, ju], 1e-300))
        self._lens = _Classes(loglen, LOGLEN_TOL, None)
        self.dir = np.full((n, n), -1, dtype=np.int64)
        self.len = np.full((n, n), -1, dtype=np.int64)
        self.dir[iu, ju] = self.dir[ju, iu] = self._dirs.cls
        self.len[iu, ju] = self.len[ju, iu] = self._lens.cls
        # class -> from point -> [to points]
        self.dir_from: list[dict[int, list[int]]] = [dict() for _ in self._dirs.reps]
        self.len_from: list[dict[int, list[int]]] = [dict() for _ in self._lens.reps]
        self.dir_pairs: list[list[tuple[int, int]]] = [[] for _ in self._dirs.reps]
        self.len_pairs: list[list[tuple[int, int]]] = [[] for _ in self._lens.reps]
        for a in range(n):
            self._tick()
            for b in range(n):
                if a == b:
                    continue
                d, l = int(self.dir[a, b]), int(self.len[a, b])
                self.dir_from[d].setdefault(a, []).append(b)
                self.len_from[l].setdefault(a, []).append(b)
                self.dir_pairs[d].append((a, b))
                self.len_pairs[l].append((a, b))

        # numeric lines: the points on the line through each pair
        self.line = np.full((n, n), -1, dtype=np.int64)
        self.lines: list[tuple[int, ...]] = []
        seen: dict[tuple[int, ...], int] = {}
        for k, (a, b) in enumerate(zip(iu, ju)):
            if k % 256 == 0:
                self._tick()
            if self.line[a, b] >= 0:
                continue
            u = (xy[b] - xy[a]) / self.length[a, b]
            dist = np.abs((xy[:, 0] - xy[a, 0]) * u[1] - (xy[:, 1] - xy[a, 1]) * u[0])
            pts = tuple(int(k) for k in np.nonzero(dist <= tol_len)[0])
            lid = seen.setdefault(pts, len(self.lines))
            if lid == len(self.lines):
                self.lines.append(pts)
            for p, q in combinations(pts, 2):
                self.line[p, q] = self.line[q, p] = lid

        # numeric circles through at least four points
        self.circles: list[tuple[int, ...]] = []
        self.circle_of: dict[tuple[int, int, int], int] = {}
        self.centre: dict[int, int] = {}  # circle -> the point at its centre
        if n >= 4:
            self._tick()
            r = np.arange(n)  # every triple i < j < k, in the order of combinations(), without Python tuples
            tri = np.argwhere((r[:, None, None] < r[None, :, None]) & (r[None, :, None] < r[None, None, :]))
            self._tick()
            A, B, C = xy[tri[:, 0]], xy[tri[:, 1]], xy[tri[:, 2]]
            bx, by = B[:, 0] - A[:, 0], B[:, 1] - A[:, 1]
            cx, cy = C[:, 0] - A[:, 0], C[:, 1] - A[:, 1]
            det = 2.0 * (bx * cy - by * cx)
            ok = np.abs(det) > (tol_len * 10) ** 2
            det = np.where(ok, det, 1.0)
            b2, c2 = bx * bx + by * by, cx * cx + cy * cy
            ox = A[:, 0] + (cy * b2 - by * c2) / det
            oy = A[:, 1] + (bx * c2 - cx * b2) / det
            r = np.hypot(A[:, 0] - ox, A[:, 1] - oy)
            ok &= r < 1e3 * self.scale
            for t in np.nonzero(ok)[0]:
                if t % 256 == 0:
                    self._tick()
                key = tuple(int(k) for k in tri[t])
                if key in self.circle_of:
                    continue
                dist = np.abs(np.hypot(xy[:, 0] - ox[t], xy[:, 1] - oy[t]) - r[t])
                pts = tuple(int(k) for k in np.nonzero(dist <= tol_len)[0])
                if len(pts) < 4:
                    continue
                cid = len(self.circles)
                self.circles.append(pts)
                for k3 in combinations(pts, 3):
                    self.circle_of[k3] = cid
                near = np.hypot(xy[:, 0] - ox[t], xy[:, 1] - oy[t]) <= tol_len
                if near.any():
                    self.centre[cid] = int(np.nonzero(near)[0][0])

        # midpoints
        self.mid: dict[tuple[int, int], int] = {}
        self._tick()
        for a, b in zip(iu, ju):
            m = (xy[a] + xy[b]) / 2.0
            near = np.nonzero(np.hypot(xy[:, 0] - m[0], xy[:, 1] - m[1]) <= tol_len)[0]
            if len(near):
                self.mid[int(a), int(b)] = self.mid[int(b), int(a)] = int(near[0])
        self.reflect: dict[tuple[int, int], int] = {}  # (m, a) -> b with m the midpoint of ab
        for (a, b), m in self.mid.items():
            self.reflect[m, a] = b

        self.similar = self._triangles(congruent=False)
        self.congruent = self._triangles(congruent=True)

    def _tick(self) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise OverBudget(f"indexing the figure's {self.n} points ran out of time")

    # -- lookups ---------------------------------------------------------------

    def dir_class(self, theta: float) -> int:
        return self._dirs.find(theta)

    def len_class(self, loglength: float) -> int:
        return self._lens.find(loglength)

    def on_line(self, a: int, b: int) -> tuple[int, ...]:
        return self.lines[self.line[a, b]]

    def on_circle(self, a: int, b: int, c: int) -> tuple[int, ...]:
        cid = self.circle_of.get(tuple(sorted((a, b, c))))
        return () if cid is None else self.circles[cid]

    def holds(self, pred: str, args, value=None) -> bool:
        """The strict numeric test of ``ddar/numeric.py`` (value: radians or ratio)."""
        return numeric.holds(pred, [self.coords[i] for i in args], value, self.scale)

    # -- similar triangles -------------------------------------------------------

    def _triangles(self, congruent: bool) -> dict[tuple[int, int, int], list[tuple[int, int, int]]]:
        """Ordered triangle -> the ordered triangles similar (congruent) to it, vertex by vertex."""
        n = self.n
        if n < 4:
            return {}
        tris, keys = [], []
        for k, t in enumerate(combinations(range(n), 3)):
            if k % 4096 == 0:
                self._tick()
            a, b, c = t
            s = sorted((self.length[a, b], self.length[b, c], self.length[c, a]))
            if s[0] <= LENGTH_TOL * self.scale * 10 or self.line[a, b] == self.line[b, c]:
                continue
            tris.append(t)
            keys.append((s[0] / s[2], s[1] / s[2], math.log(s[2])))
        if not tris:
            return {}
        keys_arr = np.array(keys)
        order = np.argsort(keys_arr[:, 0], kind="stable")
        out: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
        pred = "contri" if congruent else "simtri"
        slack = 4 * numeric.TOL * self.scale
        for x in range(len(order)):
            if x % 1024 == 0:
                self._tick()
            i = order[x]
            for y in range(x + 1, len(order)):
                j = order[y]
                if keys_arr[j, 0] - keys_arr[i, 0] > 1e-5:
                    break
                if abs(keys_arr[j, 1] - keys_arr[i, 1]) > 1e-5:
                    continue
                if congruent and abs(keys_arr[j, 2] - keys_arr[i, 2]) > 1e-5:
                    continue
                t1 = tris[i]
                L = self.length
                a, b, c = t1
                l1 = (L[a, b], L[b, c], L[c, a])
                for t2 in permutations(tris[j]):
                    # the side ratios first, as numeric.holds compares them (looser): most of the six
                    # vertex orders fail here, without the full test
                    d, e, f = t2
                    k = L[d, e] / l1[0]
                    if abs(l1[1] * k - L[e, f]) > slack or abs(l1[2] * k - L[f, d]) > slack:
                        continue
                    if not self.holds(pred, t1 + t2):
                        continue
                    for perm in permutations(range(3)):
                        p = tuple(t1[k] for k in perm)
                        q = tuple(t2[k] for k in perm)
                        out.setdefault(p, []).append(q)
                        out.setdefault(q, []).append(p)
        return out
