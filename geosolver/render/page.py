"""The proof page: one self-contained HTML file with the figure and the numbered steps.

It reads a saved result (``proof.json``: the figure's scene and the proof),
never the engine.  The figure is an inline SVG drawn here in the figure's own
coordinates, so the page's script can draw over it what a step speaks of;
selecting a step highlights its points, lines, segments and circles, and the
steps it uses.  No network: no external script, font or style.
"""

from __future__ import annotations

import html
import json

from ddar.notation import fact_text
from ddar.proof import configuration_note, step_reason
from geosolver.render.figure import AUX, GOAL, INK


def _svg(sc: dict) -> str:
    x0, x1, y0, y1 = sc["view"]
    span = x1 - x0
    w = span * 0.0025
    font = 0.03 * span
    for p in sc["points"]:  # the view grows to hold every label whole: none is ever clipped
        lx, ly = p["label"]
        half = 0.35 * font * max(len(p["name"]), 1)
        x0, x1 = min(x0, lx - half - font * 0.2), max(x1, lx + half + font * 0.2)
        y0, y1 = min(y0, ly - 0.7 * font), max(y1, ly + 0.7 * font)
    xy = {p["name"]: (p["x"], -p["y"]) for p in sc["points"]}
    aux = {p["name"] for p in sc["points"] if p["aux"]}
    out = [f'<svg id="figure" xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {-y1} {x1 - x0} {y1 - y0}" '
           f'data-unit="{w}">']
    for key, color, width in (("construction", INK, w), ("highlight", GOAL, 2.2 * w)):
        layer = sc[key]
        for ln in layer["lines"]:
            dash = ' stroke-dasharray="{0} {0}"'.format(4 * w) if set(ln["points"]) & aux and key == "construction" else ""
            c = AUX if dash else color
            (ax, ay), (bx, by) = ln["from"], ln["to"]
            out.append(f'<line x1="{ax}" y1="{-ay}" x2="{bx}" y2="{-by}" stroke="{c}" stroke-width="{width}"{dash}/>')
        for a, b in layer["segments"]:
            dash = ' stroke-dasharray="{0} {0}"'.format(4 * w) if {a, b} & aux and key == "construction" else ""
            c = AUX if dash else color
            out.append(f'<line x1="{xy[a][0]}" y1="{xy[a][1]}" x2="{xy[b][0]}" y2="{xy[b][1]}" stroke="{c}" '
                       f'stroke-width="{width}"{dash}/>')
        for circ in layer["circles"]:
            cx, cy = circ["center"]
            out.append(f'<circle cx="{cx}" cy="{-cy}" r="{circ["radius"]}" fill="none" stroke="{color}" '
                       f'stroke-width="{width}"/>')
    out.append('<g id="marks"></g>')
    for p in sc["points"]:
        color = AUX if p["aux"] else INK
        name = html.escape(p["name"])
        out.append(f'<circle class="pt" id="pt-{name}" cx="{p["x"]}" cy="{-p["y"]}" r="{3 * w}" fill="{color}"/>')
        lx, ly = p["label"]
        out.append(f'<text x="{lx}" y="{-ly}" font-size="{font}" fill="{color}" text-anchor="middle" '
                   f'dominant-baseline="central">{name}</text>')
    out.append("</svg>")
    return "\n".join(out)


_STYLE = """
body { font-family: sans-serif; margin: 0; display: flex; gap: 1em; color: #1f2d3d; }
#left { flex: 1 1 55%; padding: 1em; }
#right { flex: 1 1 45%; padding: 1em; max-height: 100vh; overflow-y: auto; }
#figure { width: 100%; height: auto; max-height: 92vh; }
h1 { font-size: 1.1em; margin: 0 0 .3em 0; }
.goal { color: %(goal)s; margin: 0 0 .8em 0; }
ol { padding-left: 2.5em; }
li { cursor: pointer; padding: .15em .3em; border-radius: 3px; font-family: monospace; }
li .why { color: #667; margin-left: .6em; font-family: sans-serif; font-size: .9em; }
li.selected { background: #d6e6f8; outline: 1px solid #1f77b4; }
li.used { background: #fff1c2; }
li:hover { outline: 1px solid #ccd; }
.aux { color: %(aux)s; }
h2 { font-size: 1em; margin: .8em 0 .2em 0; }
.note { background: #fff4e5; border-left: 3px solid #e69500; padding: .3em .6em; }
"""

_SCRIPT = r"""
(function () {
  const data = JSON.parse(document.getElementById('proof-data').textContent);
  const svg = document.getElementById('figure');
  const marks = document.getElementById('marks');
  const unit = parseFloat(svg.dataset.unit);
  const at = {};
  data.figure.points.forEach(p => { at[p.name] = [p.x, -p.y]; });
  const NS = 'http://www.w3.org/2000/svg';
  const HL = '#1f77b4';  // the selected step's objects; red stays the goal's
  function mark(tag, attrs) {
    const el = document.createElementNS(NS, tag);
    for (const k in attrs) el.setAttribute(k, attrs[k]);
    el.setAttribute('class', 'mark');
    marks.appendChild(el);
  }
  function line(a, b, extend) {
    let [ax, ay] = at[a], [bx, by] = at[b];
    if (extend) {
      const dx = bx - ax, dy = by - ay;
      ax -= 0.15 * dx; ay -= 0.15 * dy; bx += 0.15 * dx; by += 0.15 * dy;
    }
    mark('line', {x1: ax, y1: ay, x2: bx, y2: by, stroke: HL, 'stroke-width': 2.5 * unit});
  }
  function circleThrough(names, center) {
    let cx, cy, r;
    if (center) {
      [cx, cy] = at[center];
      const [px, py] = at[names[0]];
      r = Math.hypot(px - cx, py - cy);
    } else {
      const [ax, ay] = at[names[0]], [bx, by] = at[names[1]], [qx, qy] = at[names[2]];
      const d = 2 * (ax * (by - qy) + bx * (qy - ay) + qx * (ay - by));
      if (Math.abs(d) < 1e-12) return;
      const a2 = ax * ax + ay * ay, b2 = bx * bx + by * by, q2 = qx * qx + qy * qy;
      cx = (a2 * (by - qy) + b2 * (qy - ay) + q2 * (ay - by)) / d;
      cy = (a2 * (qx - bx) + b2 * (ax - qx) + q2 * (bx - ax)) / d;
      r = Math.hypot(ax - cx, ay - cy);
    }
    mark('circle', {cx: cx, cy: cy, r: r, fill: 'none', stroke: HL, 'stroke-width': 2.5 * unit});
  }
  function select(index) {
    const step = data.proof.steps[index - 1];
    marks.replaceChildren();
    document.querySelectorAll('li.step').forEach(li => li.classList.remove('selected', 'used'));
    document.querySelectorAll('circle.pt').forEach(c => c.removeAttribute('stroke'));
    document.getElementById('step-' + index).classList.add('selected');
    (step.uses || []).concat(step.figure || []).forEach(u => {
      const k = typeof u === 'object' ? u.step : u;
      document.getElementById('step-' + k).classList.add('used');
    });
    const o = step.objects;
    o.lines.forEach(l => { for (let i = 0; i + 1 < l.length; i++) line(l[i], l[i + 1], true); });
    o.segments.forEach(s => line(s[0], s[1], false));
    o.circles.forEach(c => circleThrough(c.through, c.center));
    o.points.forEach(p => {
      const el = document.getElementById('pt-' + p);
      el.setAttribute('stroke', HL);
      el.setAttribute('stroke-width', 2 * unit);
    });
    svg.dataset.selected = String(index);
  }
  document.querySelectorAll('li.step').forEach(li => {
    li.addEventListener('click', () => select(parseInt(li.dataset.index, 10)));
  });
  window.selectStep = select;
})();
"""


def _step_item(s: dict, notation: str) -> str:
    text = s["text"] if s["kind"] == "figure" else fact_text(s["fact"], notation)
    return (f'<li class="step" id="step-{s["index"]}" data-index="{s["index"]}">'
            f'{html.escape(text)}<span class="why">[{html.escape(step_reason(s))}]</span></li>')


def proof_page(result: dict, notation: str = "math") -> str:
    """The HTML of a saved result (``proof.json``): figure plus numbered, clickable steps."""
    sc, proof = result["figure"], result.get("proof")
    title = html.escape(str(result.get("name") or sc["title"]))
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
             "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">",
             f"<title>{title}</title><style>{_STYLE.replace('%(goal)s', GOAL).replace('%(aux)s', AUX)}</style></head><body>",
             '<div id="left">', _svg(sc), "</div>", '<div id="right">', f"<h1>{title}</h1>",
             f'<p class="goal">goal: {html.escape(sc["goal"])}</p>']
    status = result.get("status", "solved" if proof else "unsolved")
    if proof:
        aux = [p["name"] for p in proof["points"] if p.get("aux")]
        words, clauses = proof.get("aux_words") or [], proof.get("aux_clauses") or []
        for said, clause in zip(words, clauses):
            parts.append(f'<p class="aux">{html.escape(said)} <code>{html.escape(clause)}</code></p>')
        if aux and not clauses:
            parts.append(f'<p>auxiliary points: <span class="aux">{html.escape(" ".join(aux))}</span></p>')
        note = configuration_note(proof)
        if note:
            parts.append(f'<p class="note">{html.escape(note[0].upper() + note[1:])}.</p>')
        drawn = [s for s in proof["steps"] if s["kind"] == "figure"]
        if drawn:
            parts.append('<h2>As drawn</h2><ol id="drawn">')
            parts += [_step_item(s, notation) for s in drawn]
            parts.append("</ol><h2>Proof</h2>")
        parts.append(f'<ol id="steps" start="{len(drawn) + 1}">')
        parts += [_step_item(s, notation) for s in proof["steps"] if s["kind"] != "figure"]
        parts.append("</ol>")
    else:
        parts.append(f"<p>{html.escape(status)}: no proof</p>")
    parts.append("</div>")
    data = json.dumps({"figure": sc, "proof": proof}).replace("</", "<\\/")
    parts.append(f'<script type="application/json" id="proof-data">{data}</script>')
    parts.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(parts)
