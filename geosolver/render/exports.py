"""Exports of a saved figure for the tools olympiad geometers draw with: Asymptote and GeoGebra.

Both read the scene of a saved result (``proof.json``'s ``figure``), never
the engine or the diagram.  Asymptote gets the figure as drawn (points as
``pair``s, lines clipped to the view, circles, labels where the PNG has them),
in the style of olympiad solutions: capital point names, ``dot`` with a label
direction, auxiliary objects dashed.  GeoGebra gets a ``.ggb`` archive (a zip
holding ``geogebra.xml``): free points as points, lines and segments defined
*through their points* and circles by centre and radius, so that dragging a
point in GeoGebra moves what hangs on it where the construction says so.
"""

from __future__ import annotations

import io
import math
import zipfile
from xml.sax.saxutils import quoteattr

_ASY_INK, _ASY_GOAL, _ASY_AUX = "rgb(0.12,0.18,0.24)", "rgb(0.84,0.15,0.16)", "rgb(1,0.5,0.05)"


def _asy_name(name: str) -> str:
    """An Asymptote identifier for a point name (a1 -> A1, o' -> Op)."""
    s = "".join(ch if ch.isalnum() else "p" for ch in name)
    s = s[:1].upper() + s[1:]
    return s if s[:1].isalpha() else "P" + s


def _tex(name: str) -> str:
    """A point name as TeX: a1 -> A_1 (the olympiad convention)."""
    head, tail = name[:1].upper(), name[1:]
    if tail.isdigit():
        return f"${head}_{{{tail}}}$"
    return "$" + head + tail.replace("_", r"\_") + "$"


def asymptote(sc: dict) -> str:
    """The figure as an Asymptote program (compile with ``asy -f png figure.asy``)."""
    x0, x1, y0, y1 = sc["view"]
    span = x1 - x0
    names = {p["name"]: _asy_name(p["name"]) for p in sc["points"]}
    aux = {p["name"] for p in sc["points"] if p["aux"]}
    out = [
        f"// {sc['title']}: made by geosolver from a saved proof; goal: {sc['goal']}",
        f"unitsize({12 / span:.6f}cm);",
        "defaultpen(fontsize(10pt) + linewidth(0.6));",
        f"pen ink = {_ASY_INK}, goal = {_ASY_GOAL} + linewidth(1.2), aux = {_ASY_AUX} + dashed;",
    ]
    for p in sc["points"]:
        out.append(f"pair {names[p['name']]} = ({p['x']:.6f}, {p['y']:.6f});")
    for key in ("construction", "highlight"):
        layer = sc[key]
        for ln in layer["lines"]:
            pen = "goal" if key == "highlight" else "aux" if set(ln["points"]) & aux else "ink"
            (ax, ay), (bx, by) = ln["from"], ln["to"]
            out.append(f"draw(({ax:.6f}, {ay:.6f})--({bx:.6f}, {by:.6f}), {pen});  // line {' '.join(ln['points'])}")
        for a, b in layer["segments"]:
            pen = "goal" if key == "highlight" else "aux" if {a, b} & aux else "ink"
            out.append(f"draw({names[a]}--{names[b]}, {pen});")
        for c in layer["circles"]:
            pen = "goal" if key == "highlight" else "ink"
            out.append(f"draw(circle(({c['center'][0]:.6f}, {c['center'][1]:.6f}), {c['radius']:.6f}), {pen});")
    for p in sc["points"]:
        lx, ly = p["label"]
        angle = math.degrees(math.atan2(ly - p["y"], lx - p["x"]))
        pen = _ASY_AUX if p["aux"] else "ink"
        out.append(f"dot({quote_asy(_tex(p['name']))}, {names[p['name']]}, dir({angle:.1f}), {pen});")
    out.append(f"clip(box(({x0:.6f}, {y0:.6f}), ({x1:.6f}, {y1:.6f})));")
    return "\n".join(out) + "\n"


def quote_asy(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ggb_label(name: str) -> str:
    """A GeoGebra label: letters and digits, starting with a capital letter."""
    s = "".join(ch for ch in name if ch.isalnum()) or "P"
    s = s[:1].upper() + s[1:]
    return s if s[:1].isalpha() else "P" + s


# How GeoGebra builds what a construction makes, where it has a command for it
# ({0}, {1}, ...: the construction's input points).  Points made otherwise, or
# as one of two intersections of a circle, stay free points where they were drawn.
_GGB_POINT = {
    "midpoint": "Midpoint({0}, {1})",
    "foot": "ClosestPoint(Line({1}, {2}), {0})",
    "mirror": "Reflect({0}, {1})",
    "reflect": "Reflect({0}, Line({1}, {2}))",
    "circle": "TriangleCenter({0}, {1}, {2}, 3)",
    "orthocenter": "TriangleCenter({0}, {1}, {2}, 4)",
    "incenter": "TriangleCenter({0}, {1}, {2}, 1)",
    "intersection_ll": "Intersect(Line({0}, {1}), Line({2}, {3}))",
    "parallelogram": "{2} + {0} - {1}",
    "shift": "{1} + {0} - {2}",
}
_GGB_OUTPUTS = {  # constructions that make several points: one template per output
    "centroid": ("Midpoint({1}, {2})", "Midpoint({2}, {0})", "Midpoint({0}, {1})", "TriangleCenter({0}, {1}, {2}, 2)"),
}
_GGB_LINE = {  # constructions that put a point on a line: two of them make an intersection
    "on_line": "Line({0}, {1})",
    "on_pline": "Line({0}, Line({1}, {2}))",
    "on_tline": "PerpendicularLine({0}, Line({1}, {2}))",
    "on_bline": "PerpendicularBisector({0}, {1})",
}


def _ggb_definition(made_by: list[dict], labels: dict[str, str]) -> str | None:
    """GeoGebra's expression for a constructed point, or None (a free point)."""
    def fill(template: str, args: list[str]) -> str:
        return template.format(*(labels[a] for a in args))

    if len(made_by) == 1 and made_by[0]["construction"] in _GGB_POINT:
        c = made_by[0]
        return fill(_GGB_POINT[c["construction"]], c["args"])
    if len(made_by) == 1 and made_by[0]["construction"] in _GGB_OUTPUTS:
        c = made_by[0]
        return fill(_GGB_OUTPUTS[c["construction"]][c.get("output", 0)], c["args"])
    if len(made_by) == 2 and all(c["construction"] in _GGB_LINE for c in made_by):
        a, b = (fill(_GGB_LINE[c["construction"]], c["args"]) for c in made_by)
        return f"Intersect({a}, {b})"
    return None


def geogebra_xml(sc: dict) -> str:
    """The ``geogebra.xml`` of the figure: points, then lines/segments/circles defined on them."""
    labels: dict[str, str] = {}
    for p in sc["points"]:
        base, k = _ggb_label(p["name"]), 1
        label = base
        while label in labels.values():
            k += 1
            label = f"{base}_{k}"
        labels[p["name"]] = label
    aux = {p["name"] for p in sc["points"] if p["aux"]}
    x0, x1, y0, y1 = sc["view"]
    points, derived = [], []  # derived: each command followed by the element it makes

    def element(kind: str, label: str, extra: str = "", color=(31, 45, 61), dashed=False) -> str:
        r, g, b = color
        line = '<lineStyle thickness="3" type="15"/>' if dashed else '<lineStyle thickness="3" type="0"/>'
        return (f'<element type="{kind}" label={quoteattr(label)}><show object="true" label="true"/>'
                f'<objColor r="{r}" g="{g}" b="{b}" alpha="0"/>{line}{extra}</element>')

    for p in sc["points"]:
        color = (255, 127, 14) if p["aux"] else (31, 45, 61)
        definition = _ggb_definition(p.get("made_by", []), labels)
        if definition is not None:  # a dependent point: GeoGebra recomputes it when its inputs move
            points.append(f'<expression label={quoteattr(labels[p["name"]])} exp={quoteattr(definition)}/>')
        points.append(element("point", labels[p["name"]],
                              f'<coords x="{p["x"]:.9f}" y="{p["y"]:.9f}" z="1"/><pointSize val="4"/>', color))
    n = 0
    for key in ("construction", "highlight"):
        layer, goal = sc[key], key == "highlight"
        for ln in layer["lines"]:
            pts = ln["points"]
            n += 1
            label = f"{'g' if goal else 'l'}{n}"
            a, b = labels[pts[0]], labels[pts[-1]]
            derived.append(f'<command name="Line"><input a0={quoteattr(a)} a1={quoteattr(b)}/>'
                           f'<output a0={quoteattr(label)}/></command>')
            color = (214, 39, 40) if goal else (255, 127, 14) if set(pts) & aux else (31, 45, 61)
            derived.append(element("line", label, color=color, dashed=bool(set(pts) & aux) and not goal))
        for a, b in layer["segments"]:
            n += 1
            label = f"{'g' if goal else 's'}{n}"
            derived.append(f'<command name="Segment"><input a0={quoteattr(labels[a])} a1={quoteattr(labels[b])}/>'
                           f'<output a0={quoteattr(label)}/></command>')
            color = (214, 39, 40) if goal else (31, 45, 61)
            derived.append(element("segment", label, color=color))
        for c in layer["circles"]:
            n += 1
            label = f"{'g' if goal else 'c'}{n}"
            centre = f"M{n}"
            cx, cy = c["center"]
            points.append(element("point", centre, f'<coords x="{cx:.9f}" y="{cy:.9f}" z="1"/><pointSize val="2"/>'))
            derived.append(f'<command name="Circle"><input a0={quoteattr(centre)} a1="{c["radius"]:.9f}"/>'
                           f'<output a0={quoteattr(label)}/></command>')
            color = (214, 39, 40) if goal else (31, 45, 61)
            derived.append(element("conic", label, color=color))
    scale = 800 / max(x1 - x0, 1e-9)
    view = (f'<euclidianView><size width="800" height="800"/><coordSystem xZero="{-x0 * scale:.3f}" '
            f'yZero="{y1 * scale:.3f}" scale="{scale:.6f}" yscale="{scale:.6f}"/>'
            '<evSettings axes="false" grid="false"/></euclidianView>')
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<geogebra format="5.0" app="classic" platform="w">\n'
            f"{view}\n<construction title={quoteattr(sc['title'])}>\n"
            + "\n".join(points + derived) + "\n</construction>\n</geogebra>\n")


def geogebra(sc: dict) -> bytes:
    """A .ggb archive: a zip with geogebra.xml."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("geogebra.xml", geogebra_xml(sc))
    return buf.getvalue()
