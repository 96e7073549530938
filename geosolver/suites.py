"""AlphaGeometry's benchmark suites by name: `imo-ag-30`, `jgex-ag-231`.

Looked up, in order, in ``$GEOSOLVER_DATA``, in the user's cache
(``$GEOSOLVER_CACHE``, else ``$XDG_CACHE_HOME/geosolver``, else
``~/.cache/geosolver``), and otherwise downloaded once from AlphaGeometry's
public repository at a pinned commit into that cache.  A cached or downloaded
file must have the pinned sha256: a suite that silently changed would make
every figure measured on it meaningless.  The files are CC-BY 4.0 data of
AlphaGeometry (Trinh et al., Nature 2024), never copied into this repository.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from geosolver.errors import GeoError

COMMIT = "6661d02e6ae7059a557550c9f49ec017dd4851cd"
BASE_URL = f"https://raw.githubusercontent.com/google-deepmind/alphageometry/{COMMIT}/"
DEFAULT_DATA = Path("..") / "shared" / "anchors" / "alphageometry"  # beside a checkout of this project


@dataclass(frozen=True)
class Suite:
    name: str
    file: str
    sha256: str


SUITES = {
    s.name: s
    for s in (
        Suite("imo-ag-30", "imo_ag_30.txt", "7325140244ccc4f81b983d67a6f840f8991d10e6b763e09687208ec063c1afb6"),
        Suite("jgex-ag-231", "jgex_ag_231.txt", "19b54b562dbd65b960dd25381d111e2608b2bddc01a51375edca2de2d3ea66b7"),
    )
}


class SuiteError(GeoError):
    """A suite that cannot be found, fetched or trusted."""

    def format(self, caret: bool = True) -> str:
        return f"geosolver: error: {self.message}"


def cache_dir() -> Path:
    if os.environ.get("GEOSOLVER_CACHE"):
        return Path(os.environ["GEOSOLVER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geosolver"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def suite_path(name: str, download: bool = True) -> Path:
    """The problem file of a named suite (see the module's docstring for where it comes from)."""
    suite = SUITES.get(name)
    if suite is None:
        raise SuiteError(f"unknown suite {name!r} (known: {', '.join(SUITES)})")
    data = os.environ.get("GEOSOLVER_DATA")
    folder = Path(data) if data else DEFAULT_DATA
    if (folder / suite.file).is_file():
        return folder / suite.file
    cached = cache_dir() / suite.file
    if cached.is_file():
        if _sha256(cached) == suite.sha256:
            return cached
        cached.unlink()  # a damaged or foreign file: fetch it again
    if not download:
        raise SuiteError(f"suite {name!r}: {suite.file} is neither in GEOSOLVER_DATA nor in {cache_dir()}")
    return _download(suite, cached)


def _download(suite: Suite, target: Path) -> Path:
    url = os.environ.get("GEOSOLVER_SUITE_URL", BASE_URL).rstrip("/") + "/" + suite.file
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            body = r.read()
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise SuiteError(
            f"suite {suite.name!r}: {suite.file} is not in GEOSOLVER_DATA or {target.parent}, and downloading "
            f"{url} failed ({getattr(e, 'reason', e)}); offline, set GEOSOLVER_DATA to a folder holding "
            f"{suite.file} (from github.com/google-deepmind/alphageometry)"
        ) from None
    digest = hashlib.sha256(body).hexdigest()
    if digest != suite.sha256:
        raise SuiteError(f"suite {suite.name!r}: {url} has sha256 {digest}, expected {suite.sha256}; not used")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(body)
        os.replace(tmp, target)  # never a half-written file under the real name
    except OSError as e:
        raise SuiteError(f"suite {suite.name!r}: cannot write the cache {target} ({e}); set GEOSOLVER_CACHE "
                         "to a writable folder") from None
    return target
