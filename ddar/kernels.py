"""Numba kernels of AR (compiled once, cached on disk); the matcher's are in ``join_kernel.py``.

``residues`` evaluates every candidate target of an AR round at one random
solution of the table modulo a prime: the few that vanish go to the exact
elimination, the rest are dropped without touching a rational.
"""

from __future__ import annotations

import numpy as np
from numba import njit


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
