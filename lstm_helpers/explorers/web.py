"""Slider explorers on the static website: precompute on the slider grid, ship, draw in the browser.

``html(explorer)`` runs the explorer's pure ``compute`` at every combination of slider positions
(at build time, in the notebook), packs the results compactly and returns an HTML fragment with
range inputs, an SVG drawn by ``viewer.js`` and the readouts. No kernel or server is
needed, and every number the page shows was computed by the same Python function the live
widget calls. Arrays are quantised to 16 bits over their own range (readouts are kept exact to
6 significant digits); keys that never change with the sliders are stored once.
"""
from __future__ import annotations

import base64
import html as html_lib
import itertools
import json
import pathlib
import uuid

import numpy as np

MAX_GRID = 5000          # slider combinations one explorer may precompute
VIEWER = pathlib.Path(__file__).with_name("viewer.js")


def grid(explorer):
    """Every combination of slider positions, in C order (last slider fastest): list of dicts."""
    axes = [s.grid() for s in explorer.sliders]
    size = int(np.prod([a.size for a in axes]))
    if size > MAX_GRID:
        raise ValueError(f"explorer '{explorer.title}' has {size} slider combinations; the website can ship at most "
                         f"{MAX_GRID} -- use coarser slider steps")
    return [dict(zip([s.name for s in explorer.sliders], map(float, combo))) for combo in itertools.product(*axes)]


def _keys(explorer):
    keys = {s.key for p in explorer.panels for s in p.series}
    keys |= {p.x for p in explorer.panels if p.x} | {p.xticklabels for p in explorer.panels if p.xticklabels}
    return sorted(keys), [r.key for r in explorer.readouts]


def _pack(rows, exact=False):
    """(G, n) values -> a JSON-able entry: constant, exact, or 16-bit quantised."""
    if all(np.array_equal(rows[0], r, equal_nan=True) for r in rows[1:]):
        return {"n": len(rows[0]), "const": [None if not np.isfinite(v) else float(v) for v in rows[0]]}
    arr = np.asarray(rows, dtype=float)
    if exact:
        return {"n": arr.shape[1], "exact": [float(f"{v:.6g}") for v in arr.ravel()]}
    finite = arr[np.isfinite(arr)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    scale = (hi - lo) or 1.0
    q = np.where(np.isfinite(arr), np.round((np.nan_to_num(arr) - lo) / scale * 65534), 65535).astype("<u2")
    return {"n": arr.shape[1], "lo": lo, "hi": lo + scale, "b64": base64.b64encode(q.tobytes()).decode()}


def payload(explorer):
    """The JSON-able data the viewer needs: declaration, slider grids and packed results."""
    combos = grid(explorer)
    results = [explorer.compute(**c) for c in combos]
    keys, readout_keys = _keys(explorer)
    data = {}
    for k in keys:
        first = results[0][k]
        if isinstance(first, (list, tuple)) and first and isinstance(first[0], str):
            data[k] = {"n": len(first), "const": list(first)}          # tick labels
        else:
            data[k] = _pack([np.atleast_1d(np.asarray(r[k], dtype=float)) for r in results])
    for k in readout_keys:
        data[k] = _pack([np.atleast_1d(float(r[k])) for r in results], exact=True)
    spec = explorer.spec()
    defaults = explorer.values()
    for s, sl in zip(explorer.sliders, spec["sliders"]):
        values = s.grid()
        sl["values"] = values.tolist()
        sl["default_index"] = int(np.argmin(np.abs(values - defaults[s.name])))
    return {**spec, "grid_size": len(combos), "data": data}


STYLE = (
    # No card of its own: the explorer sits on the page and takes the page's text colour (light and dark theme).
    ".lstm-explorer{margin:0.5em 0 1em;color:inherit;background:none}"
    ".lstm-explorer-title{font-weight:600;margin:0 0 0.4em}"
    # A row is "label  slider  value" on a wide screen; on a narrow one the label takes its own line above a
    # slider that keeps most of the width (flex-wrap), so the thumb and the value stay on screen.
    ".lstm-explorer-row{display:flex;flex-wrap:wrap;align-items:center;gap:0.1em 0.8em;margin:0.3em 0}"
    ".lstm-explorer-row label{flex:1 1 14em;max-width:18em}"
    ".lstm-explorer-row input[type=range]{flex:10 1 12em;min-width:0;max-width:26em;height:1.75em;margin:0;"
    "accent-color:var(--pst-color-primary,#0072B2)}"
    ".lstm-explorer-row output{flex:0 0 3.5em;text-align:right;font-variant-numeric:tabular-nums}"
    ".lstm-explorer-svg{width:100%;height:auto;display:block;margin-top:0.4em}"
    ".lstm-explorer-readout{font-family:var(--pst-font-family-monospace,monospace);margin:0.3em 0 0}"
)


def html(explorer):
    """The HTML fragment for the website: controls + SVG + readouts, drawn by ``viewer.js``.

    The explorer's data is in the page once (the JSON the viewer reads); without JavaScript the reader is told
    how to get the live version instead of being sent a second copy of it as a picture."""
    body = json.dumps(payload(explorer), separators=(",", ":")).replace("</", "<\\/")
    source = f"{explorer.compute.__module__}:{explorer.compute.__name__}"
    uid = "lstm-explorer-" + uuid.uuid5(uuid.NAMESPACE_URL, explorer.title + source).hex[:10]
    title = html_lib.escape(explorer.title)
    return (f'<div class="lstm-explorer" id="{uid}" data-source="{html_lib.escape(source)}" role="group" '
            f'aria-label="{title}">'
            f'<p class="lstm-explorer-title">{title}</p>'
            f'<script type="application/json">{body}</script>'
            "<noscript><p>This slider explorer is drawn by JavaScript, which is turned off. Run the chapter's "
            "notebook (<code>make lab</code>) to drag its sliders.</p></noscript></div>"
            f"<style>{STYLE}</style>"
            f"<script>{VIEWER.read_text()}</script>")
