"""Files made from a saved result (``proof.json``): figure.png/.svg/.asy/.ggb, proof.html, proof.txt.

Everything here reads the result's JSON only (its ``figure`` scene and its
``proof``), so ``geosolver render`` can redo any of them without solving.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ddar.proof import format_proof
from geosolver.errors import GeoError, Location

FORMATS = ("png", "svg", "html", "txt", "asy", "ggb")


def render(result: dict, fmt: str, path: str | os.PathLike, notation: str = "math") -> Path:
    """Write one rendering of a saved result to ``path`` (facts in ``notation``: 'math' or 'lang')."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("png", "svg"):
        from geosolver.render.figure import draw_scene  # matplotlib loads only here

        return draw_scene(result["figure"], path)
    if fmt == "html":
        from geosolver.render.page import proof_page

        path.write_text(proof_page(result, notation), encoding="utf-8")
        return path
    if fmt == "asy":
        from geosolver.render.exports import asymptote

        path.write_text(asymptote(result["figure"]), encoding="utf-8")
        return path
    if fmt == "ggb":
        from geosolver.render.exports import geogebra

        path.write_bytes(geogebra(result["figure"]))
        return path
    if fmt == "txt":
        proof = result.get("proof")
        text = format_proof(proof, notation) if proof else f"{result.get('name')}: {result.get('status')}\n"
        if result.get("error"):
            text += result["error"] + "\n"
        path.write_text(text, encoding="utf-8")
        return path
    raise GeoError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")


def write_all(result: dict, out: str | os.PathLike, notation: str = "math") -> list[Path]:
    """proof.json, proof.txt, proof.html and the figure as .png, .svg, .asy, .ggb in the folder ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "proof.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    written = [out / "proof.json", render(result, "txt", out / "proof.txt", notation)]
    if result.get("figure"):
        written += [render(result, fmt, out / name, notation) for fmt, name in (
            ("png", "figure.png"), ("svg", "figure.svg"), ("html", "proof.html"), ("asy", "figure.asy"),
            ("ggb", "figure.ggb"))]
    return written


def load_result(path: str | os.PathLike) -> dict:
    """A saved result, with a clear error for a file that is not one."""
    where = Location(str(path))
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeoError("no such file", where) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GeoError(f"not a saved result ({e})", where) from None
    if not isinstance(data, dict) or not isinstance(data.get("figure"), dict):
        raise GeoError("not a saved result of `geosolver solve --out` (no 'figure' in it)", where)
    try:  # render every format once in memory: a damaged file is bad input, not a crash later
        from geosolver.render.exports import asymptote, geogebra
        from geosolver.render.page import proof_page

        proof_page(data), asymptote(data["figure"]), geogebra(data["figure"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
        raise GeoError(f"not a valid saved result: {type(e).__name__}: {e}", where) from None
    return data
