"""The join plans of ``ddar/matcher.py``, run by a numba kernel over a table of bindings.

``compile_plan`` (Python, once per rule and figure) decides the order of the
steps and, for each generating step, how it generates; this module turns the
plan and the figure's index into integer arrays and runs it breadth first:
a table of partial bindings (one row per binding, one column per variable)
goes through the steps, each one filtering rows (``test``), multiplying them
(``scan``: every point) or extending them by lookups (``gen``).  The checks
(``ncoll``, ``npara``, ``nperp``, ``sameside``, ``sameclock``, ``diff``) are
computed with the formulas of ``ddar/numeric.py``, so that what the matcher
lets through, the proof checker accepts.

Speed: numba counts the references of each array a call takes or returns, so
the hot loops call as few functions as they can: a test step is one ``_filter``
call over the table (it cost ten times the test itself when a function with
some twenty arrays was called per row: ``benchmarks/INCREMENTAL.md``, stop 32),
rows are appended in place (``_grow`` only when the table is full), and a
line's or circle's permutations are written by one call per row and line.
"""

from __future__ import annotations

import math
from itertools import chain

import numpy as np
from numba import njit

from ddar.numeric import TOL
from ddar.predicates import PREDICATES
from ddar.numeric_index import ANGLE_TOL, LOGLEN_TOL, OverBudget

# predicate codes
COLL, CYCLIC, CIRCLE, MIDP, PARA, PERP, EQANGLE, ACONST, CONG, EQRATIO, RCONST, SIMTRI, CONTRI = range(13)
NCOLL, NPARA, NPERP, SAMESIDE, SAMECLOCK, DIFF = range(13, 19)
PRED_CODE = {
    "coll": COLL, "cyclic": CYCLIC, "circle": CIRCLE, "midp": MIDP, "para": PARA, "perp": PERP,
    "eqangle": EQANGLE, "aconst": ACONST, "cong": CONG, "eqratio": EQRATIO, "rconst": RCONST,
    "simtri": SIMTRI, "contri": CONTRI, "ncoll": NCOLL, "npara": NPARA, "nperp": NPERP,
    "sameside": SAMESIDE, "sameclock": SAMECLOCK, "diff": DIFF,
}
# step kinds and generation modes
TEST, SCAN, GEN = 0, 1, 2
G_PAIR, G_PAIR_ALL, G_SET, G_SET_ALL, G_MIDP_AB, G_MIDP_REFLECT, G_MIDP_ALL, G_CIRCLE, G_TRI, G_TRI_ALL = range(10)
G_LINES_THROUGH = 10  # coll with one point bound: the lines through it
# distinctness groups of an atom's variables
GROUP_PAIRS, GROUP_ALL, GROUP_TRIANGLES = 0, 1, 2

# candidates: looser than the strict checks (ddar/numeric_index.py says why)
ANGLE_SLACK = 4 * ANGLE_TOL
LOG_SLACK = 4 * LOGLEN_TOL
NUM_TOL = TOL  # the strict checks, as ddar/numeric.py makes them


@njit(cache=True, inline="always")
def _find_class(reps: np.ndarray, value: float, tol: float, period: float) -> int:
    """Index of the class representative within tol of value (period > 0: values mod period)."""
    if period > 0:
        value = value % period
    m = reps.shape[0]
    if m == 0:
        return -1
    i = np.searchsorted(reps, value)
    for j in (i - 1, i):
        if 0 <= j < m and abs(reps[j] - value) <= tol:
            return j
    if period > 0:
        if abs(reps[0] + period - value) <= tol:
            return 0
        if abs(reps[m - 1] - period - value) <= tol:
            return m - 1
    return -1


@njit(cache=True, inline="always")
def _distinct(rows: np.ndarray, r: int, vars_: np.ndarray, nv: int, group: int) -> bool:
    """Whether row ``r`` binds the atom's groups (``PredicateSpec.distinct``) to distinct points."""
    if group == GROUP_PAIRS:
        for i in range(0, nv, 2):
            if rows[r, vars_[i]] == rows[r, vars_[i + 1]]:
                return False
        return True
    size = nv if group == GROUP_ALL else 3
    for start in range(0, nv, size):
        for i in range(start, start + size):
            for j in range(i + 1, start + size):
                if rows[r, vars_[i]] == rows[r, vars_[j]]:
                    return False
    return True


@njit(cache=True)
def _coll_strict(xy: np.ndarray, pts: np.ndarray, scale: float) -> bool:
    """numeric._coll: every point within tolerance of the line through the farthest pair."""
    k = pts.shape[0]
    best, p, q = -1.0, 0, 1
    for i in range(k):
        for j in range(i + 1, k):
            d = math.hypot(xy[pts[j], 0] - xy[pts[i], 0], xy[pts[j], 1] - xy[pts[i], 1])
            if d > best:
                best, p, q = d, pts[i], pts[j]
    tol = NUM_TOL * scale
    if best <= tol:
        return True
    ux, uy = (xy[q, 0] - xy[p, 0]) / best, (xy[q, 1] - xy[p, 1]) / best
    for i in range(k):
        r = pts[i]
        if abs((xy[r, 0] - xy[p, 0]) * uy - (xy[r, 1] - xy[p, 1]) * ux) > tol:
            return False
    return True


@njit(cache=True)
def _check(code: int, xy: np.ndarray, pts: np.ndarray, scale: float) -> bool:
    """The non-degeneracy checks, as ddar/numeric.py computes them."""
    tol_len = NUM_TOL * scale
    if code == NCOLL:
        return not _coll_strict(xy, pts, scale)
    if code == DIFF:
        return math.hypot(xy[pts[1], 0] - xy[pts[0], 0], xy[pts[1], 1] - xy[pts[0], 1]) > tol_len
    if code == NPARA or code == NPERP:
        d1 = math.hypot(xy[pts[1], 0] - xy[pts[0], 0], xy[pts[1], 1] - xy[pts[0], 1])
        d2 = math.hypot(xy[pts[3], 0] - xy[pts[2], 0], xy[pts[3], 1] - xy[pts[2], 1])
        if d1 == 0.0 or d2 == 0.0:
            return False
        ux, uy = (xy[pts[1], 0] - xy[pts[0], 0]) / d1, (xy[pts[1], 1] - xy[pts[0], 1]) / d1
        vx, vy = (xy[pts[3], 0] - xy[pts[2], 0]) / d2, (xy[pts[3], 1] - xy[pts[2], 1]) / d2
        if code == NPARA:
            return not abs(ux * vy - uy * vx) <= NUM_TOL
        return not abs(ux * vx + uy * vy) <= NUM_TOL
    if code == SAMESIDE:
        a, b, c, d, e, f = pts[0], pts[1], pts[2], pts[3], pts[4], pts[5]
        s1 = (xy[b, 0] - xy[a, 0]) * (xy[c, 0] - xy[a, 0]) + (xy[b, 1] - xy[a, 1]) * (xy[c, 1] - xy[a, 1])
        s2 = (xy[e, 0] - xy[d, 0]) * (xy[f, 0] - xy[d, 0]) + (xy[e, 1] - xy[d, 1]) * (xy[f, 1] - xy[d, 1])
        return (s1 > 0) == (s2 > 0) and abs(s1) > tol_len * scale and abs(s2) > tol_len * scale
    if code == SAMECLOCK:
        a, b, c, d, e, f = pts[0], pts[1], pts[2], pts[3], pts[4], pts[5]
        s1 = (xy[b, 0] - xy[a, 0]) * (xy[c, 1] - xy[a, 1]) - (xy[b, 1] - xy[a, 1]) * (xy[c, 0] - xy[a, 0])
        s2 = (xy[e, 0] - xy[d, 0]) * (xy[f, 1] - xy[d, 1]) - (xy[e, 1] - xy[d, 1]) * (xy[f, 0] - xy[d, 0])
        return s1 * s2 > 0 and min(abs(s1), abs(s2)) > tol_len * scale
    return False


@njit(cache=True)
def _in_csr(offsets: np.ndarray, values: np.ndarray, key: int, a: int, b: int, c: int) -> bool:
    for t in range(offsets[key], offsets[key + 1]):
        if values[t, 0] == a and values[t, 1] == b and values[t, 2] == c:
            return True
    return False


@njit(cache=True)
def _filter(rows, code, vars_, nv, coefs, const, group, q_theta, q_log, line, circle_of, circle_member,
            lenc, mid, sim_off, sim_val, con_off, con_val, xy, scale, n) -> int:
    """Keep the rows that pass one atom, in place and in order; how many.  One call per step,
    one loop per predicate kind: a test called per row, with its twenty arrays, cost ten times
    the test (their reference counts)."""
    k = 0
    theta = code == PARA or code == PERP or code == EQANGLE or code == ACONST
    loglen = code == CONG or code == EQRATIO or code == RCONST
    pts = np.empty(8, dtype=np.int64)  # an atom has at most 8 arguments
    for r in range(rows.shape[0]):
        if not _distinct(rows, r, vars_, nv, group):
            continue
        if theta:
            x = -const
            for i in range(nv // 2):
                x += coefs[i] * q_theta[rows[r, vars_[2 * i]], rows[r, vars_[2 * i + 1]]]
            x = x % math.pi
            ok = min(x, math.pi - x) <= ANGLE_SLACK
        elif loglen:
            x = -const
            for i in range(nv // 2):
                x += coefs[i] * q_log[rows[r, vars_[2 * i]], rows[r, vars_[2 * i + 1]]]
            ok = abs(x) <= LOG_SLACK
        elif code == COLL:
            lid = line[rows[r, vars_[0]], rows[r, vars_[1]]]
            ok = True
            for i in range(2, nv):
                if line[rows[r, vars_[0]], rows[r, vars_[i]]] != lid:
                    ok = False
                    break
        elif code == CYCLIC:
            cid = circle_of[rows[r, vars_[0]], rows[r, vars_[1]], rows[r, vars_[2]]]
            ok = cid >= 0
            for i in range(3, nv):
                if ok and not circle_member[cid, rows[r, vars_[i]]]:
                    ok = False
        elif code == CIRCLE:
            o = rows[r, vars_[0]]
            l0 = lenc[o, rows[r, vars_[1]]]
            ok = True
            for i in range(2, nv):
                if lenc[o, rows[r, vars_[i]]] != l0:
                    ok = False
                    break
        elif code == MIDP:
            ok = mid[rows[r, vars_[1]], rows[r, vars_[2]]] == rows[r, vars_[0]]
        elif code == SIMTRI or code == CONTRI:
            key = (rows[r, vars_[0]] * n + rows[r, vars_[1]]) * n + rows[r, vars_[2]]
            off, val = (sim_off, sim_val) if code == SIMTRI else (con_off, con_val)
            ok = _in_csr(off, val, key, rows[r, vars_[3]], rows[r, vars_[4]], rows[r, vars_[5]])
        else:  # the non-degeneracy checks
            for i in range(nv):
                pts[i] = rows[r, vars_[i]]
            ok = _check(code, xy, pts[:nv], scale)
        if ok:
            if k != r:
                rows[k] = rows[r]
            k += 1
    return k


MAX_POINTS = 300
MAX_ROWS = 1 << 21  # rows of one binding table: beyond this the figure is too large for matching


class TableTooLarge(OverBudget):
    """A join's binding table outgrew MAX_ROWS (many points on one line or circle)."""


@njit(cache=True)
def _grow(out, k):
    """``out`` (its first ``k`` rows full) twice as long: called where a row is to be appended,
    ``if k == out.shape[0]``, so that the common path (the row written in place) is no call."""
    if k >= MAX_ROWS:
        raise TableTooLarge("a rule's matches outgrew the limit of 2**21 bindings")
    bigger = np.empty((out.shape[0] * 2, out.shape[1]), dtype=np.int64)
    bigger[:k] = out[:k]
    return bigger


@njit(cache=True, inline="always")
def _room(out, k, extra):
    """``out`` with room for ``extra`` more rows after its first ``k``."""
    while k + extra > out.shape[0]:
        out = _grow(out, out.shape[0])
    return out


@njit(cache=True, inline="always")
def _perms(m, nt):
    """How many rows ``_fill_perms`` writes: the ordered choices of ``nt`` (at least one) distinct
    items among ``m``, or more than a table may hold (``_grow`` then says so)."""
    if nt == 0 or m < nt:
        return 0
    c = 1
    for i in range(nt):
        c *= m - i
        if c > MAX_ROWS:
            return 2 * MAX_ROWS
    return c


@njit(cache=True, inline="always")
def _agrees(row, vars_, first, count, points) -> bool:
    """Whether ``vars_[first:first + count]`` can take ``points`` in ``row``: each variable bound
    already (in the row, or earlier in this list) to the point it is given."""
    for i in range(count):
        v = vars_[first + i]
        cur = row[v]
        for j in range(i):
            if vars_[first + j] == v:
                cur = points[j]
        if cur >= 0 and cur != points[i]:
            return False
    return True


@njit(cache=True)
def _fill_perms(out, k, rows, r, targets, nt, vals, lo, hi, idx):
    """Row ``r`` of ``rows`` with the ``nt`` target variables set to distinct points of
    ``vals[lo:hi]`` (in every order), written from row ``k`` of ``out`` (room made by the
    caller, ``_perms``); the new ``k``.  ``idx``: the caller's scratch array."""
    npts = hi - lo
    if nt == 0 or npts < nt:
        return k
    idx[:nt] = 0
    width = rows.shape[1]
    while True:
        ok = True
        for i in range(nt):
            for j in range(i):
                if idx[i] == idx[j]:
                    ok = False
        if ok:
            for c in range(width):
                out[k, c] = rows[r, c]
            for i in range(nt):
                out[k, targets[i]] = vals[lo + idx[i]]
            k += 1
        t = nt - 1
        while t >= 0:
            idx[t] += 1
            if idx[t] < npts:
                break
            idx[t] = 0
            t -= 1
        if t < 0:
            return k


@njit(cache=True)
def run_rule(init, steps, atoms_code, atoms_vars, atoms_nv, atoms_coefs, atoms_const, atoms_group, gen_info,
             nvars, n, xy, scale, q_theta, q_log, dirc, lenc, dir_reps, len_reps,
             dir_from_off, dir_from_val, dir_pair_off, dir_pair_val,
             len_from_off, len_from_val, len_pair_off, len_pair_val,
             line, line_off, line_val, through_off, through_val, circle_of, circle_off, circle_val, circle_member,
             mid, reflect, mid_pairs, sim_off, sim_val, con_off, con_val, tri_all_sim, tri_all_con):
    """Every binding (row) that extends one of ``init`` and passes the plan's steps."""
    rows = init.copy()
    # scratch arrays, made once rather than per row (an atom has at most 8 arguments)
    targets = np.empty(8, dtype=np.int64)
    bound_pts = np.empty(8, dtype=np.int64)
    idx = np.empty(8, dtype=np.int64)
    for s in range(steps.shape[0]):
        kind, arg = steps[s, 0], steps[s, 1]
        nrows = rows.shape[0]
        if nrows == 0:
            break
        k = 0
        if kind == TEST:  # the rows that pass, kept in place (rows is this kernel's own array)
            a = arg
            rows = rows[:_filter(rows, atoms_code[a], atoms_vars[a], atoms_nv[a], atoms_coefs[a], atoms_const[a],
                                 atoms_group[a], q_theta, q_log, line, circle_of, circle_member, lenc, mid,
                                 sim_off, sim_val, con_off, con_val, xy, scale, n)]
            continue
        # each new row is written where it goes: no row is built apart and copied
        out = np.empty((max(16, nrows), nvars), dtype=np.int64)
        if kind == SCAN:
            for r in range(nrows):
                for p in range(n):
                    if k == out.shape[0]:
                        out = _grow(out, k)
                    out[k] = rows[r]
                    out[k, arg] = p
                    k += 1
        else:
            a = arg
            mode = gen_info[s, 0]
            code, vars_, nv = atoms_code[a], atoms_vars[a], atoms_nv[a]
            for r in range(nrows):
                row = rows[r]
                if mode == G_PAIR:
                    x, y, c = gen_info[s, 1], gen_info[s, 2], gen_info[s, 3]
                    theta = code == PARA or code == PERP or code == EQANGLE or code == ACONST
                    rest = -atoms_const[a]
                    degenerate = False
                    for i in range(nv // 2):
                        u, v = vars_[2 * i], vars_[2 * i + 1]
                        if row[u] >= 0 and row[v] >= 0:
                            if row[u] == row[v]:
                                degenerate = True
                            elif theta:
                                rest += atoms_coefs[a, i] * q_theta[row[u], row[v]]
                            else:
                                rest += atoms_coefs[a, i] * q_log[row[u], row[v]]
                    if degenerate:
                        continue
                    nsol = abs(c) if theta else 1
                    for j in range(nsol):
                        t = -rest / c + j * math.pi / abs(c)
                        if theta:
                            cls = _find_class(dir_reps, t, ANGLE_TOL, math.pi)
                        else:
                            cls = _find_class(len_reps, t, LOGLEN_TOL, -1.0)
                        if cls < 0:
                            continue
                        if row[x] >= 0 or row[y] >= 0:
                            known, other = (x, y) if row[x] >= 0 else (y, x)
                            key = cls * n + row[known]
                            off = dir_from_off if theta else len_from_off
                            val = dir_from_val if theta else len_from_val
                            for t2 in range(off[key], off[key + 1]):
                                if k == out.shape[0]:
                                    out = _grow(out, k)
                                out[k] = row
                                out[k, other] = val[t2]
                                k += 1
                        else:
                            off = dir_pair_off if theta else len_pair_off
                            val = dir_pair_val if theta else len_pair_val
                            for t2 in range(off[cls], off[cls + 1]):
                                if k == out.shape[0]:
                                    out = _grow(out, k)
                                out[k] = row
                                out[k, x] = val[t2, 0]
                                out[k, y] = val[t2, 1]
                                k += 1
                elif mode == G_PAIR_ALL:
                    x1, y1, x2, y2 = vars_[0], vars_[1], vars_[2], vars_[3]
                    theta = code == PARA or code == PERP
                    off = dir_pair_off if theta else len_pair_off
                    val = dir_pair_val if theta else len_pair_val
                    reps = dir_reps if theta else len_reps
                    for c1 in range(off.shape[0] - 1):
                        c2 = c1
                        if code == PERP:
                            c2 = _find_class(reps, reps[c1] + math.pi / 2, ANGLE_TOL, math.pi)
                            if c2 < 0:
                                continue
                        for t1 in range(off[c1], off[c1 + 1]):
                            for t2 in range(off[c2], off[c2 + 1]):
                                if k == out.shape[0]:
                                    out = _grow(out, k)
                                out[k] = row
                                out[k, x1], out[k, y1] = val[t1, 0], val[t1, 1]
                                out[k, x2], out[k, y2] = val[t2, 0], val[t2, 1]
                                k += 1
                elif mode == G_SET or mode == G_SET_ALL or mode == G_LINES_THROUGH:
                    nt = 0
                    nk = 0
                    for i in range(nv):
                        if row[vars_[i]] < 0:
                            targets[nt] = vars_[i]
                            nt += 1
                        else:
                            bound_pts[nk] = row[vars_[i]]
                            nk += 1
                    if mode == G_LINES_THROUGH:
                        p = bound_pts[0]
                        for t in range(through_off[p], through_off[p + 1]):
                            lid = through_val[t]
                            lo, hi = line_off[lid], line_off[lid + 1]
                            out = _room(out, k, _perms(hi - lo, nt))
                            k = _fill_perms(out, k, rows, r, targets, nt, line_val, lo, hi, idx)
                    elif mode == G_SET:
                        if code == COLL:
                            lid = line[bound_pts[0], bound_pts[1]]
                            lo, hi = line_off[lid], line_off[lid + 1]
                            out = _room(out, k, _perms(hi - lo, nt))
                            k = _fill_perms(out, k, rows, r, targets, nt, line_val, lo, hi, idx)
                        else:
                            cid = circle_of[bound_pts[0], bound_pts[1], bound_pts[2]]
                            if cid >= 0:
                                lo, hi = circle_off[cid], circle_off[cid + 1]
                                out = _room(out, k, _perms(hi - lo, nt))
                                k = _fill_perms(out, k, rows, r, targets, nt, circle_val, lo, hi, idx)
                    else:
                        off = line_off if code == COLL else circle_off
                        val = line_val if code == COLL else circle_val
                        for g in range(off.shape[0] - 1):
                            if off[g + 1] - off[g] >= nt:
                                out = _room(out, k, _perms(off[g + 1] - off[g], nt))
                                k = _fill_perms(out, k, rows, r, targets, nt, val, off[g], off[g + 1], idx)
                elif mode == G_MIDP_AB:
                    q = mid[row[vars_[1]], row[vars_[2]]]
                    if q >= 0:
                        if k == out.shape[0]:
                            out = _grow(out, k)
                        out[k] = row
                        out[k, vars_[0]] = q
                        k += 1
                elif mode == G_MIDP_REFLECT:
                    known, other = gen_info[s, 1], gen_info[s, 2]
                    q = reflect[row[vars_[0]], row[known]]
                    if q >= 0:
                        if k == out.shape[0]:
                            out = _grow(out, k)
                        out[k] = row
                        out[k, other] = q
                        k += 1
                elif mode == G_MIDP_ALL:
                    for t in range(mid_pairs.shape[0]):
                        if k == out.shape[0]:
                            out = _grow(out, k)
                        out[k] = row
                        out[k, vars_[0]], out[k, vars_[1]] = mid_pairs[t, 0], mid_pairs[t, 1]
                        out[k, vars_[2]] = mid_pairs[t, 2]
                        k += 1
                elif mode == G_CIRCLE:
                    o, rim = row[vars_[0]], gen_info[s, 1]
                    cls = lenc[o, row[rim]]
                    key = cls * n + o
                    lo, hi = len_from_off[key], len_from_off[key + 1]
                    nt = 0
                    for i in range(1, nv):
                        if row[vars_[i]] < 0:
                            targets[nt] = vars_[i]
                            nt += 1
                    out = _room(out, k, _perms(hi - lo, nt))
                    k = _fill_perms(out, k, rows, r, targets, nt, len_from_val, lo, hi, idx)
                elif mode == G_TRI:
                    first = gen_info[s, 1]  # 0: the first triangle is bound, 1: the second
                    src = 0 if first == 0 else 3
                    dst = 3 - src
                    key = (row[vars_[src]] * n + row[vars_[src + 1]]) * n + row[vars_[src + 2]]
                    off = sim_off if code == SIMTRI else con_off
                    val = sim_val if code == SIMTRI else con_val
                    for t in range(off[key], off[key + 1]):
                        if _agrees(row, vars_, dst, 3, val[t]):
                            if k == out.shape[0]:
                                out = _grow(out, k)
                            out[k] = row
                            for i in range(3):
                                out[k, vars_[dst + i]] = val[t, i]
                            k += 1
                else:  # G_TRI_ALL: every pair, or those that agree with the vertices bound
                    pairs = tri_all_sim if code == SIMTRI else tri_all_con
                    for t in range(pairs.shape[0]):
                        if _agrees(row, vars_, 0, 6, pairs[t]):
                            if k == out.shape[0]:
                                out = _grow(out, k)
                            out[k] = row
                            for i in range(6):
                                out[k, vars_[i]] = pairs[t, i]
                            k += 1
        rows = out[:k]
    return rows


# --- Python side: the figure's index and a plan as arrays -------------------------------


def _csr(groups: list[list], width: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Offsets and values of a list of lists (values as rows of ``width`` ints, or ints)."""
    off = np.zeros(len(groups) + 1, dtype=np.int64)
    for i, g in enumerate(groups):
        off[i + 1] = off[i] + len(g)
    flat = [x for g in groups for x in g]
    if width is None:
        val = np.array(flat, dtype=np.int64).reshape(-1)
    else:
        val = np.array(flat, dtype=np.int64).reshape(-1, width)
    return off, val


def _csr_by_key(keys: np.ndarray, values: np.ndarray, ngroups: int) -> tuple[np.ndarray, np.ndarray]:
    """Offsets and values grouping ``values`` by ``keys`` (in 0..ngroups-1), each group in the
    values' order: what ``_csr`` gives for lists built by appending in that order."""
    keys = np.asarray(keys, dtype=np.int64)
    off = np.zeros(ngroups + 1, dtype=np.int64)
    if len(keys):
        off[1:] = np.cumsum(np.bincount(keys, minlength=ngroups))
    return off, np.asarray(values, dtype=np.int64)[np.argsort(keys, kind="stable")]


def _lines_through(line: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offsets and values of the lines through each point p: the distinct ``line[p, q]``, in the
    order of their first q (read off the pair matrix, not the lines' point lists: a point within
    tolerance of two lines has its pairs on the line indexed last)."""
    n = line.shape[0]
    m = int(line.max()) + 2 if line.size else 1
    keys = (np.arange(n)[:, None] * m + (line + 1)).ravel()
    uniq, first = np.unique(keys, return_index=True)  # first: p * n + q of each (p, line) met first
    lid = uniq % m - 1
    keep = lid >= 0
    order = np.argsort(first[keep], kind="stable")
    return _csr_by_key((uniq[keep] // m)[order], lid[keep][order], n)


def index_arrays(ix) -> tuple:
    """The arrays ``run_rule`` reads, built once per NumericIndex (kept on it)."""
    cached = getattr(ix, "_join_arrays", None)
    if cached is not None:
        return cached
    n = ix.n
    if n > MAX_POINTS:
        raise OverBudget(f"{n} points are more than the matcher takes ({MAX_POINTS}: its circle table grows as n**3)")
    # ordered pairs a != b, row by row: the order the index appended them in
    a_idx, b_idx = np.nonzero(~np.eye(n, dtype=bool))
    ndir, nlen = ix.n_dirs, ix.n_lens
    pairs_ab = np.stack([a_idx, b_idx], axis=1).reshape(-1, 2)
    dir_of, len_of = ix.dir[a_idx, b_idx], ix.len[a_idx, b_idx]
    dir_from = _csr_by_key(dir_of * n + a_idx, b_idx, ndir * n)
    len_from = _csr_by_key(len_of * n + a_idx, b_idx, nlen * n)
    dir_pairs = _csr_by_key(dir_of, pairs_ab, ndir)
    len_pairs = _csr_by_key(len_of, pairs_ab, nlen)
    circle_of = np.full((n, n, n), -1, dtype=np.int64)
    for (a, b, c), cid in ix.circle_of.items():
        for p, q, r in ((a, b, c), (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a)):
            circle_of[p, q, r] = cid
    member = np.zeros((max(len(ix.circles), 1), n), dtype=np.bool_)
    for cid, pts in enumerate(ix.circles):
        member[cid, list(pts)] = True
    mid = np.full((n, n), -1, dtype=np.int64)
    reflect = np.full((n, n), -1, dtype=np.int64)
    for (a, b), m in ix.mid.items():
        mid[a, b] = m
    for (m, a), b in ix.reflect.items():
        reflect[m, a] = b
    mid_pairs = np.array([(m, a, b) for (a, b), m in ix.mid.items()], dtype=np.int64).reshape(-1, 3)

    def tri_csr(rel):
        # each (triangle, one similar to it) as a row of six points, read with fromiter: a list of
        # tuples through np.array was most of this function's time in a search's candidates
        counts = [len(ts) for ts in rel.values()]
        heads = np.fromiter(chain.from_iterable(rel), dtype=np.int64, count=3 * len(rel)).reshape(-1, 3)
        vals = np.fromiter(chain.from_iterable(chain.from_iterable(rel.values())), dtype=np.int64,
                           count=3 * sum(counts)).reshape(-1, 3)
        heads = np.repeat(heads, counts, axis=0)
        off, val = _csr_by_key((heads[:, 0] * n + heads[:, 1]) * n + heads[:, 2], vals, n * n * n)
        return off, val, np.concatenate([heads, vals], axis=1)

    line_off, line_val = _csr([list(p) for p in ix.lines])
    sim_off, sim_val, sim_all = tri_csr(ix.similar)
    con_off, con_val, con_all = tri_csr(ix.congruent)
    arrays = (
        n, ix.coords, ix.scale, ix.theta, ix.loglen, ix.dir, ix.len,
        np.array(ix._dirs.reps, dtype=float), np.array(ix._lens.reps, dtype=float),
        *dir_from, *dir_pairs, *len_from, *len_pairs,
        ix.line, line_off, line_val, *_lines_through(ix.line), circle_of, *_csr([list(p) for p in ix.circles]), member,
        mid, reflect, mid_pairs, sim_off, sim_val, con_off, con_val, sim_all, con_all,
    )
    ix._join_arrays = arrays
    return arrays


_GROUP = {"pairs": GROUP_PAIRS, "all": GROUP_ALL, "triangles": GROUP_TRIANGLES}  # PredicateSpec.distinct


def plan_arrays(steps: list, atoms: list, bound0: frozenset = frozenset()) -> tuple:
    """A plan of ``matcher.compile_plan`` as integer arrays: steps, atoms and how each step generates
    (``bound0``: the variables bound before the first step)."""
    index = {id(a): i for i, a in enumerate(atoms)}
    A = len(atoms)
    codes = np.array([PRED_CODE[a.pred] for a in atoms], dtype=np.int64)
    vars_ = np.full((A, 8), -1, dtype=np.int64)
    nv = np.zeros(A, dtype=np.int64)
    coefs = np.zeros((A, 4), dtype=float)
    const = np.zeros(A, dtype=float)
    group = np.array([_GROUP[PREDICATES[a.pred].distinct] for a in atoms], dtype=np.int64)
    for i, a in enumerate(atoms):
        vars_[i, : len(a.vars)] = a.vars
        nv[i] = len(a.vars)
        if a.kind != "set":
            coefs[i, : len(a.coefs)] = a.coefs
            const[i] = a.const
    st = np.zeros((len(steps), 2), dtype=np.int64)
    info = np.zeros((len(steps), 4), dtype=np.int64)
    bound: frozenset = bound0
    for s, (kind, x) in enumerate(steps):
        if kind == "scan":
            st[s] = (SCAN, x)
            bound = bound | {x}
            continue
        st[s] = (TEST if kind == "test" else GEN, index[id(x)])
        if kind == "gen":
            info[s] = _gen_mode(x, bound)
            bound = bound | x.varset
    return st, codes, vars_, nv, coefs, const, group, info


def _gen_mode(a, bound: frozenset) -> tuple[int, int, int, int]:
    vs = a.vars
    if a.kind != "set":
        up = a._unbound_pair(bound)
        if up is None:
            return (G_PAIR_ALL, 0, 0, 0)
        (x, y), c = up
        return (G_PAIR, x, y, c)
    if a.pred in ("coll", "cyclic"):
        known = sum(v in bound for v in set(vs))
        if a.pred == "coll" and known == 1:
            return (G_LINES_THROUGH, 0, 0, 0)
        return (G_SET if known >= (2 if a.pred == "coll" else 3) else G_SET_ALL, 0, 0, 0)
    if a.pred == "midp":
        m, p, q = vs
        if p in bound and q in bound:
            return (G_MIDP_AB, 0, 0, 0)
        if m in bound:
            return (G_MIDP_REFLECT, p, q, 0) if p in bound else (G_MIDP_REFLECT, q, p, 0)
        return (G_MIDP_ALL, 0, 0, 0)
    if a.pred == "circle":
        return (G_CIRCLE, next(v for v in vs[1:] if v in bound), 0, 0)
    if set(vs[:3]) <= bound:
        return (G_TRI, 0, 0, 0)
    if set(vs[3:]) <= bound:
        return (G_TRI, 1, 0, 0)
    return (G_TRI_ALL, 0, 0, 0)


@njit(cache=True)
def run_batch(step_off, st_all, info_all, atom_off, codes_all, vars_all, nv_all, coefs_all, const_all, group_all,
              init_off, init_all, nvars_all, n, xy, scale, q_theta, q_log, dirc, lenc, dir_reps, len_reps,
              dfo, dfv, dpo, dpv, lfo, lfv, lpo, lpv, line, loff, lval, tho, thv, circle_of, coff, cval, member,
              mid, reflect, mid_pairs, so, sv, co, cv, sa, ca):
    """Many plans in one call (a numba call costs tens of microseconds in argument checks):
    plan p has steps ``step_off[p]:step_off[p+1]``, atoms ``atom_off[p]:...`` and starting rows
    ``init_off[p]:...``; its bindings are rows ``row_off[p]:row_off[p+1]`` of the result,
    padded with -1 to the widest plan."""
    nplans = step_off.shape[0] - 1
    width = init_all.shape[1]
    out = np.empty((64, width), dtype=np.int64)
    k = 0
    row_off = np.zeros(nplans + 1, dtype=np.int64)
    pad = np.full(width, -1, dtype=np.int64)
    for p in range(nplans):
        s0, s1, a0, a1 = step_off[p], step_off[p + 1], atom_off[p], atom_off[p + 1]
        nvars = nvars_all[p]
        init = init_all[init_off[p]:init_off[p + 1], :nvars].copy()
        rows = run_rule(init, st_all[s0:s1], codes_all[a0:a1], vars_all[a0:a1], nv_all[a0:a1], coefs_all[a0:a1],
                        const_all[a0:a1], group_all[a0:a1], info_all[s0:s1], nvars, n, xy, scale, q_theta, q_log,
                        dirc, lenc, dir_reps, len_reps, dfo, dfv, dpo, dpv, lfo, lfv, lpo, lpv,
                        line, loff, lval, tho, thv, circle_of, coff, cval, member, mid, reflect, mid_pairs, so, sv, co,
                        cv, sa, ca)
        for r in range(rows.shape[0]):
            if k == out.shape[0]:
                out = _grow(out, k)
            out[k] = pad
            out[k, :nvars] = rows[r]
            k += 1
        row_off[p + 1] = k
    return out[:k], row_off


def run_plans(plans: list[tuple[tuple, int, np.ndarray | None]], ix, cache: dict | None = None) -> list[np.ndarray]:
    """The bindings of each (plan arrays, number of variables, starting rows or None) on the
    figure, in one kernel call.  ``cache`` keeps the batch's arrays (the plans concatenated)
    for the next call with the same plans and starting rows: the search's sibling states ask
    for the same batches, on other figures."""
    if not plans:
        return []
    key = tuple((id(a), nvars, None if init is None else init.tobytes()) for a, nvars, init in plans)
    kept = cache.get(key) if cache is not None else None
    if kept is None:
        kept = (_batch_arrays(plans), [a for a, _, _ in plans])  # the plans kept alive: their ids stay theirs
        if cache is not None:
            cache[key] = kept
    batch = kept[0]
    rows, row_off = run_batch(*batch, *index_arrays(ix))
    return [rows[row_off[p]:row_off[p + 1], : plans[p][1]] for p in range(len(plans))]


def _batch_arrays(plans: list[tuple[tuple, int, np.ndarray | None]]) -> tuple:
    """The plans' arrays concatenated, with their offsets: ``run_batch``'s arguments before the figure's."""
    width = max(nvars for _, nvars, _ in plans)
    inits = [np.full((1, nvars), -1, dtype=np.int64) if init is None else init for _, nvars, init in plans]
    init_all = np.full((sum(len(x) for x in inits), width), -1, dtype=np.int64)
    init_off = np.zeros(len(plans) + 1, dtype=np.int64)
    for p, x in enumerate(inits):
        init_off[p + 1] = init_off[p] + len(x)
        init_all[init_off[p]:init_off[p + 1], : x.shape[1]] = x
    parts = [a for a, _, _ in plans]  # (st, codes, vars_, nv, coefs, const, group, info)
    step_off = np.zeros(len(plans) + 1, dtype=np.int64)
    atom_off = np.zeros(len(plans) + 1, dtype=np.int64)
    for p, a in enumerate(parts):
        step_off[p + 1] = step_off[p] + len(a[0])
        atom_off[p + 1] = atom_off[p] + len(a[1])

    def cat(i: int, shape: tuple) -> np.ndarray:
        arrays = [a[i] for a in parts]
        return np.concatenate(arrays) if any(len(x) for x in arrays) else np.zeros(shape, dtype=arrays[0].dtype)

    st, codes, vars_, nv = cat(0, (0, 2)), cat(1, (0,)), cat(2, (0, 8)), cat(3, (0,))
    coefs, const, group, info = cat(4, (0, 4)), cat(5, (0,)), cat(6, (0,)), cat(7, (0, 4))
    nvars_all = np.array([nvars for _, nvars, _ in plans], dtype=np.int64)
    return (step_off, st, info, atom_off, codes, vars_, nv, coefs, const, group, init_off, init_all, nvars_all)
