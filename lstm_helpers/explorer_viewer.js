/* The LSTM book's slider explorer for the static website (no kernel, no server).
 * Each explorer ships its declaration (sliders, panels, readouts) and the results of the Python
 * compute() at every slider position; this script draws the panels as SVG and redraws on input.
 * One source of truth: every number shown was computed by the Python helper at build time. */
(function () {
  "use strict";
  if (window.LSTMExplorer) { window.LSTMExplorer.mountAll(); return; }
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];
  var W = 640, PH = 230, ML = 58, MR = 170, MT = 28, MB = 52;

  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function decoder(entry, G) {
    if (entry.const) return function () { return entry.const; };
    if (entry.exact) return function (g) { return entry.exact.slice(g * entry.n, (g + 1) * entry.n); };
    var bin = atob(entry.b64), q = new Uint16Array(bin.length / 2);
    for (var i = 0; i < q.length; i++) q[i] = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
    return function (g) {
      var out = new Array(entry.n);
      for (var j = 0; j < entry.n; j++) {
        var v = q[g * entry.n + j];
        out[j] = v === 65535 ? NaN : entry.lo + (entry.hi - entry.lo) * v / 65534;
      }
      return out;
    };
  }

  function fmt(pattern, v) {
    var m = /\{:\.(\d+)([fe])\}/.exec(pattern);
    if (!m) return String(v);
    var d = parseInt(m[1], 10);
    var s = m[2] === "f" ? v.toFixed(d) : v.toExponential(d).replace(/e([+-])(\d)$/, "e$10$2");
    return s === "-" + (0).toFixed(d) ? (0).toFixed(d) : s;
  }

  function niceTicks(lo, hi, n) {
    var span = hi - lo, step = Math.pow(10, Math.floor(Math.log10(span / n)));
    [1, 2, 2.5, 5, 10].some(function (m) { if (span / (step * m) <= n) { step *= m; return true; } return false; });
    var t = [], v = Math.ceil(lo / step - 1e-9) * step;
    for (; v <= hi + 1e-9 * span; v += step) t.push(Math.abs(v) < 1e-12 * span ? 0 : v);
    return t;
  }

  function drawPanel(svg, panel, data, y0) {
    var x0 = ML, w = W - ML - MR, h = PH - MT - MB, top = y0 + MT;
    var series = panel.series.map(function (s) { return data[s.key]; });
    var n = series[0].length;
    var xs = panel.x ? data[panel.x] : series[0].map(function (_, i) { return i; });
    var log = panel.yscale === "log", lim = panel.ylim;
    if (!lim) {
      var all = [].concat.apply([], series).filter(isFinite);
      lim = [Math.min.apply(null, all.concat([0])), Math.max.apply(null, all.concat([0]))];
      if (lim[0] === lim[1]) lim[1] = lim[0] + 1;
    }
    var ylo = log ? Math.log10(lim[0]) : lim[0], yhi = log ? Math.log10(lim[1]) : lim[1];
    var bar = panel.kind === "bar";
    var xlo = bar ? -0.5 : Math.min.apply(null, xs), xhi = bar ? n - 0.5 : Math.max.apply(null, xs);
    if (xhi === xlo) xhi = xlo + 1;
    var pad = bar ? 0 : 0.03 * (xhi - xlo);
    function X(v) { return x0 + (v - xlo + pad) / (xhi - xlo + 2 * pad) * w; }
    function Y(v) { var t = log ? Math.log10(Math.max(v, lim[0])) : v; return top + h - (t - ylo) / (yhi - ylo) * h; }
    el("text", {x: x0 + w / 2, y: y0 + 18, "text-anchor": "middle", "font-size": 14}, svg, panel.title);
    var yt = log ? niceTicks(ylo, yhi, 5).filter(function (t) { return Math.round(t) === t; }) : niceTicks(ylo, yhi, 5);
    yt.forEach(function (t) {
      var yy = top + h - (t - ylo) / (yhi - ylo) * h;
      el("line", {x1: x0, x2: x0 + w, y1: yy, y2: yy, stroke: "#E3E3E3"}, svg);
      el("text", {x: x0 - 6, y: yy + 4, "text-anchor": "end", "font-size": 11}, svg, log ? "1e" + t : +t.toFixed(6));
    });
    var labels = panel.xticklabels ? data[panel.xticklabels] : null;
    var xt = bar || labels ? xs.map(function (_, i) { return bar ? i : xs[i]; }) : niceTicks(xlo, xhi, 8);
    xt.forEach(function (t, i) {
      var xx = bar ? X(i) : X(t), lab = labels ? labels[i] : (bar ? xs[i] : +t.toFixed(6));
      var attrs = {x: xx, y: top + h + 16, "text-anchor": labels ? "end" : "middle", "font-size": 11};
      if (labels) attrs.transform = "rotate(-40 " + xx + " " + (top + h + 12) + ")";
      el("text", attrs, svg, String(lab));
    });
    el("line", {x1: x0, x2: x0, y1: top, y2: top + h, stroke: "#333"}, svg);
    el("line", {x1: x0, x2: x0 + w, y1: top + h, y2: top + h, stroke: "#333"}, svg);
    if (panel.xlabel) el("text", {x: x0 + w / 2, y: top + h + (labels ? 48 : 36), "text-anchor": "middle", "font-size": 12}, svg, panel.xlabel);
    if (panel.ylabel) el("text", {x: 14, y: top + h / 2, "text-anchor": "middle", "font-size": 12,
                                  transform: "rotate(-90 14 " + (top + h / 2) + ")"}, svg, panel.ylabel);
    panel.series.forEach(function (s, k) {
      var color = s.color || PALETTE[k % PALETTE.length], ys = series[k];
      if (bar) {
        var bw = 0.8 / series.length;
        ys.forEach(function (v, i) {
          var xx = X(i - 0.4 + k * bw), yy = Y(Math.max(v, 0)), yb = Y(Math.min(v, 0));
          el("rect", {x: xx, y: yy, width: Math.max(1, X(bw) - X(0)), height: Math.max(0, yb - yy), fill: color,
                      "data-series": s.key, "data-value": v}, svg);
        });
      } else {
        var d = "", started = false;
        ys.forEach(function (v, i) {
          if (!isFinite(v) || (log && v <= 0)) { started = false; return; }
          if (s.style === "step" && started) {
            var mid = (X(xs[i - 1]) + X(xs[i])) / 2;
            d += " H" + mid.toFixed(1) + " V" + Y(v).toFixed(1) + " H" + X(xs[i]).toFixed(1);
          } else { d += (started ? " L" : " M") + X(xs[i]).toFixed(1) + " " + Y(v).toFixed(1); }
          started = true;
        });
        el("path", {d: d, fill: "none", stroke: color, "stroke-width": 2, "data-series": s.key,
                    "data-values": ys.map(function (v) { return isFinite(v) ? +v.toPrecision(6) : "nan"; }).join(",")}, svg);
        if (s.style === "marker") ys.forEach(function (v, i) {
          if (isFinite(v)) el("circle", {cx: X(xs[i]), cy: Y(v), r: 3, fill: color}, svg);
        });
      }
      var ly = top + 10 + 18 * k;
      el("rect", {x: x0 + w + 14, y: ly - 8, width: 16, height: 4, fill: color}, svg);
      el("text", {x: x0 + w + 36, y: ly - 2, "font-size": 11}, svg, s.label);
    });
  }

  function mount(root) {
    if (root.dataset.mounted) return;
    root.dataset.mounted = "1";
    var p = JSON.parse(root.querySelector("script[type='application/json']").textContent);
    var G = p.grid_size, dec = {};
    Object.keys(p.data).forEach(function (k) { dec[k] = decoder(p.data[k], G); });
    var strides = [], s = 1;
    for (var i = p.sliders.length - 1; i >= 0; i--) { strides[i] = s; s *= p.sliders[i].values.length; }
    var controls = document.createElement("div");
    controls.className = "lstm-explorer-controls";
    root.appendChild(controls);
    var inputs = p.sliders.map(function (sl, i) {
      var row = document.createElement("div"), id = root.id + "-s" + i;
      row.className = "lstm-explorer-row";
      var lab = document.createElement("label"); lab.htmlFor = id; lab.textContent = sl.label;
      var inp = document.createElement("input");
      inp.type = "range"; inp.id = id; inp.min = 0; inp.max = sl.values.length - 1; inp.step = 1;
      inp.value = sl.default_index; inp.dataset.name = sl.name;
      var out = document.createElement("output"); out.htmlFor = id;
      row.appendChild(lab); row.appendChild(inp); row.appendChild(out); controls.appendChild(row);
      return {input: inp, output: out, values: sl.values};
    });
    var svg = el("svg", {viewBox: "0 0 " + W + " " + PH * p.panels.length, role: "img", "font-family": "sans-serif",
                         "aria-label": p.alt || p.title, class: "lstm-explorer-svg"});
    root.appendChild(svg);
    var readout = document.createElement("p");
    readout.className = "lstm-explorer-readout"; readout.setAttribute("aria-live", "polite");
    root.appendChild(readout);
    function update() {
      var t0 = performance.now(), g = 0;
      inputs.forEach(function (c, i) {
        var v = c.values[+c.input.value];
        c.output.textContent = +v.toFixed(6);
        c.input.setAttribute("aria-valuetext", c.output.textContent);
        g += +c.input.value * strides[i];
      });
      var data = {};
      Object.keys(dec).forEach(function (k) { data[k] = dec[k](g); });
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      el("rect", {x: 0, y: 0, width: W, height: PH * p.panels.length, fill: "#FFFFFF"}, svg);
      p.panels.forEach(function (panel, k) { drawPanel(svg, panel, data, k * PH); });
      readout.textContent = p.readouts.map(function (r) { return r.label + " = " + fmt(r.fmt, data[r.key][0]); }).join(" · ");
      root.dataset.grid = g;
      root.dataset.updateMs = (performance.now() - t0).toFixed(3);
    }
    inputs.forEach(function (c) { c.input.addEventListener("input", update); });
    update();
  }

  window.LSTMExplorer = {
    mountAll: function () { Array.prototype.forEach.call(document.querySelectorAll(".lstm-explorer"), mount); }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", window.LSTMExplorer.mountAll);
  else window.LSTMExplorer.mountAll();
})();
