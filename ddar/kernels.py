"""Numba kernels for the matcher's hot loops (compiled once, cached on disk).

The matcher tests collinearity of point triples hundreds of thousands of
times per problem (``coll`` atoms and ``ncoll`` checks); a table over all
triples, filled by one compiled loop, turns each test into an array lookup.
The test is the one of ``ddar/numeric.py`` (distance of every point from the
line through the two farthest apart, relative tolerance), written again for
numba, so that a check the matcher passes is a check the proof checker passes.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def collinear_triples(xy: np.ndarray, tol: float) -> np.ndarray:
    """coll[a, b, c]: whether points a, b, c lie on one line (within ``tol``)."""
    n = xy.shape[0]
    out = np.zeros((n, n, n), dtype=np.bool_)
    for a in range(n):
        for b in range(a + 1, n):
            for c in range(b + 1, n):
                idx = (a, b, c)
                best = -1.0
                p, q = a, b
                for i in range(3):
                    for j in range(i + 1, 3):
                        u, v = idx[i], idx[j]
                        d = math.hypot(xy[v, 0] - xy[u, 0], xy[v, 1] - xy[u, 1])
                        if d > best:
                            best, p, q = d, u, v
                ok = True
                if best > tol:
                    ux, uy = (xy[q, 0] - xy[p, 0]) / best, (xy[q, 1] - xy[p, 1]) / best
                    for r in idx:
                        if abs((xy[r, 0] - xy[p, 0]) * uy - (xy[r, 1] - xy[p, 1]) * ux) > tol:
                            ok = False
                out[a, b, c] = out[a, c, b] = out[b, a, c] = ok
                out[b, c, a] = out[c, a, b] = out[c, b, a] = ok
    return out


@njit(cache=True)
def residues(indptr: np.ndarray, index: np.ndarray, coef: np.ndarray, values: np.ndarray, p: np.int64) -> np.ndarray:
    """For each sparse expression k (terms indptr[k]:indptr[k+1] of index/coef, all mod p),
    its value at the point ``values`` mod p: zero when the expression may be implied."""
    out = np.zeros(indptr.shape[0] - 1, dtype=np.int64)
    for k in range(out.shape[0]):
        s = np.int64(0)
        for t in range(indptr[k], indptr[k + 1]):
            s = (s + coef[t] * values[index[t]]) % p
        out[k] = s
    return out
