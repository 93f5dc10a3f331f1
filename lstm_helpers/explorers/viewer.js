/* The LSTM book's slider explorer for the static website (no kernel, no server).
 * Each explorer ships its declaration (sliders, panels, readouts) and the results of the Python
 * compute() at every slider position; this script draws the panels as SVG and redraws on input.
 * One source of truth: every number shown was computed by the Python helper at build time.
 *
 * Drawn for the reader's screen and theme: the chart is laid out at the width it is shown at (text stays
 * 12-14 px on a phone as on a laptop; on a narrow screen the legend goes under the plot), it is redrawn when
 * that width changes, and text, axes and black series use the page's text colour (currentColor), so the
 * explorer reads the same in the light and the dark theme. Labels written "C_t", "f^k" are shown with a
 * real subscript or superscript. */
(function () {
  "use strict";
  if (window.LSTMExplorer) { window.LSTMExplorer.mountAll(); return; }
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "currentColor"];
  var INK = "currentColor";
  var NARROW = 560;          // px: below this the legend goes under each plot
  var FONT = {title: 14, tick: 12, label: 12, legend: 12};

  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) rich(e, String(text), true);
    if (parent) parent.appendChild(e);
    return e;
  }

  /* "C_t", "h_{t-1}", "f^k" -> text with subscripts/superscripts: SVG tspans (svg) or <sub>/<sup> (HTML). */
  function pieces(text) {
    var out = [], re = /([_^])(\{[^}]*\}|[A-Za-z0-9]+)/g, last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) out.push([text.slice(last, m.index), ""]);
      out.push([m[2].replace(/^\{|\}$/g, ""), m[1] === "_" ? "sub" : "sup"]);
      last = re.lastIndex;
    }
    if (last < text.length) out.push([text.slice(last), ""]);
    return out;
  }

  function rich(node, text, svg) {
    pieces(text).forEach(function (p) {
      if (!p[1]) { node.appendChild(document.createTextNode(p[0])); return; }
      if (svg) {
        var t = document.createElementNS(NS, "tspan");
        t.setAttribute("baseline-shift", p[1] === "sub" ? "sub" : "super");
        t.setAttribute("font-size", "80%");
        t.textContent = p[0];
        node.appendChild(t);
      } else {
        var h = document.createElement(p[1]);
        h.textContent = p[0];
        node.appendChild(h);
      }
    });
  }

  function color(c, k) {
    c = c || PALETTE[k % PALETTE.length];
    return /^#0{3}(0{3})?$/i.test(c) ? INK : c;                  // black follows the theme's text colour
  }

  function decoder(entry) {
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

  function textWidth(s, size) { return 0.58 * size * s.replace(/[_^{}]/g, "").length; }   // a sans-serif estimate

  /* Lines of at most maxWidth px (estimated), broken between words. */
  function wrap(text, size, maxWidth) {
    var lines = [], line = "";
    String(text || "").split(/\s+/).forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && textWidth(next, size) > maxWidth) { lines.push(line); line = word; } else line = next;
    });
    if (line) lines.push(line);
    return lines;
  }

  /* Where things go in a chart W px wide: margins, plot box and legend placement. The legend sits right of the
   * plot when it fits in 40 % of the width, else under the plot (always on a narrow screen). */
  function layout(W, panels) {
    var longest = 0, most = 1;
    panels.forEach(function (p) {
      most = Math.max(most, p.series.length);
      p.series.forEach(function (s) { longest = Math.max(longest, textWidth(s.label, FONT.legend)); });
    });
    var narrow = W < NARROW || longest + 48 > 0.4 * W;
    if (narrow) {
      var perRow = Math.max(1, Math.floor((W - 20) / (longest + 34))), rows = Math.ceil(most / perRow);
      return {W: W, narrow: true, ML: 50, MR: 12, perRow: perRow, itemW: (W - 20) / perRow,
              legendH: rows * 18 + 6, plotH: W < NARROW ? 170 : 150};
    }
    return {W: W, narrow: false, ML: 58, MR: longest + 48, legendH: 0, plotH: 150};
  }

  function titleLines(L, panel) {
    if (!panel.title) return [];
    var one = wrap(panel.title, FONT.title, L.W - L.ML - L.MR);        // over the plot if it fits on one line
    return one.length === 1 ? one : wrap(panel.title, FONT.title, L.W - 16);
  }
  function xlabelLines(L, panel) { return panel.xlabel ? wrap(panel.xlabel, FONT.label, L.W - L.ML - L.MR) : []; }
  function topOf(L, panel) { return 10 + 18 * Math.max(1, titleLines(L, panel).length); }

  function panelHeight(L, panel) {
    var MB = (panel.xticklabels ? 56 : 30) + 16 * xlabelLines(L, panel).length + 8;
    return topOf(L, panel) + L.plotH + MB + (L.narrow ? L.legendH : 0);
  }

  function lines(parent, attrs, texts, size) {
    texts.forEach(function (t, i) {
      var a = {}; for (var k in attrs) a[k] = attrs[k];
      a.y = attrs.y + i * (size + 4);
      el("text", a, parent, t);
    });
  }

  function drawPanel(svg, panel, data, y0, L) {
    var x0 = L.ML, w = L.W - L.ML - L.MR, h = L.plotH, top = y0 + topOf(L, panel);
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
    var tl = titleLines(L, panel);
    lines(svg, {x: tl.length > 1 ? L.W / 2 : x0 + w / 2, y: y0 + 18, "text-anchor": "middle", "font-size": FONT.title,
                "font-weight": 600}, tl, FONT.title);
    var yt = log ? niceTicks(ylo, yhi, 5).filter(function (t) { return Math.round(t) === t; }) : niceTicks(ylo, yhi, 5);
    yt.forEach(function (t) {
      var yy = top + h - (t - ylo) / (yhi - ylo) * h;
      el("line", {x1: x0, x2: x0 + w, y1: yy, y2: yy, stroke: INK, "stroke-opacity": 0.15}, svg);
      var tick = el("text", {x: x0 - 6, y: yy + 4, "text-anchor": "end", "font-size": FONT.tick}, svg,
                    log ? "10" : +t.toFixed(6));
      if (log) rich(tick, "^{" + t + "}", true);
    });
    var labels = panel.xticklabels ? data[panel.xticklabels] : null;
    var xt = bar || labels ? xs.map(function (_, i) { return bar ? i : xs[i]; })
                           : niceTicks(xlo, xhi, Math.max(3, Math.floor(w / 70)));      // about one tick per 70 px
    xt.forEach(function (t, i) {
      var xx = bar ? X(i) : X(t), lab = labels ? labels[i] : (bar ? xs[i] : +t.toFixed(6));
      var attrs = {x: xx, y: top + h + 16, "text-anchor": labels ? "end" : "middle", "font-size": FONT.tick};
      if (labels) attrs.transform = "rotate(-40 " + xx + " " + (top + h + 12) + ")";
      el("text", attrs, svg, String(lab));
    });
    el("line", {x1: x0, x2: x0, y1: top, y2: top + h, stroke: INK, "stroke-opacity": 0.7}, svg);
    el("line", {x1: x0, x2: x0 + w, y1: top + h, y2: top + h, stroke: INK, "stroke-opacity": 0.7}, svg);
    var xlab = xlabelLines(L, panel), below = top + h + (labels ? 62 : 40);
    lines(svg, {x: x0 + w / 2, y: below, "text-anchor": "middle", "font-size": FONT.label}, xlab, FONT.label);
    below += 16 * Math.max(0, xlab.length - 1);
    if (panel.ylabel) el("text", {x: 14, y: top + h / 2, "text-anchor": "middle", "font-size": FONT.label,
                                  transform: "rotate(-90 14 " + (top + h / 2) + ")"}, svg, panel.ylabel);
    panel.series.forEach(function (s, k) {
      // as lstm_helpers.explorer.series_style: later series are drawn on top and thinner (lines dashed), so
      // series that coincide (chapter 2 at f = 0, chapter 4 at i = 0) both stay visible
      var c = color(s.color, k), ys = series[k], t = series.length > 1 ? k / (series.length - 1) : 0.5;
      var sw = 2.8 - 1.4 * t;
      if (bar) {
        var bw = 0.8 / series.length;
        ys.forEach(function (v, i) {
          var xx = X(i - 0.4 + k * bw), yy = Y(Math.max(v, 0)), yb = Y(Math.min(v, 0));
          el("rect", {x: xx, y: yy, width: Math.max(1, X(bw) - X(0)), height: Math.max(0, yb - yy), fill: c,
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
        var line = {d: d, fill: "none", stroke: c, "stroke-width": sw.toFixed(2), "data-series": s.key,
                    "data-values": ys.map(function (v) { return isFinite(v) ? +v.toPrecision(6) : "nan"; }).join(",")};
        if (k > 0 && (s.style || "line") === "line") {
          line["stroke-dasharray"] = (4 * sw).toFixed(1) + " " + (1.5 * sw).toFixed(1);
        }
        el("path", line, svg);
        if (s.style === "marker") ys.forEach(function (v, i) {
          if (isFinite(v)) el("circle", {cx: X(xs[i]), cy: Y(v), r: (3.5 - 1.5 * t).toFixed(2), fill: c,
                                         style: "stroke: var(--pst-color-background, #fff); stroke-width: 0.8"}, svg);
        });
      }
      var lx, ly;
      if (L.narrow) {
        lx = 10 + (k % L.perRow) * L.itemW;
        ly = below + 8 + (xlab.length ? 14 : 0) + 18 * Math.floor(k / L.perRow);
      } else {
        lx = x0 + w + 14;
        ly = top + 10 + 18 * k;
      }
      if (bar) el("rect", {x: lx, y: ly - 9, width: 16, height: 8, fill: c}, svg);
      else el("line", {x1: lx, x2: lx + 16, y1: ly - 5, y2: ly - 5, stroke: c,
                       "stroke-width": Math.max(sw, 2).toFixed(2),
                       "stroke-dasharray": k > 0 && (s.style || "line") === "line" ? "5 2" : "none"}, svg);
      el("text", {x: lx + 22, y: ly - 1, "font-size": FONT.legend}, svg, s.label);
    });
  }

  function mount(root) {
    if (root.dataset.mounted) return;
    root.dataset.mounted = "1";
    var p = JSON.parse(root.querySelector("script[type='application/json']").textContent);
    var dec = {};
    Object.keys(p.data).forEach(function (k) { dec[k] = decoder(p.data[k]); });
    var strides = [], s = 1;
    for (var i = p.sliders.length - 1; i >= 0; i--) { strides[i] = s; s *= p.sliders[i].values.length; }
    var controls = document.createElement("div");
    controls.className = "lstm-explorer-controls";
    root.appendChild(controls);
    var inputs = p.sliders.map(function (sl, i) {
      var row = document.createElement("div"), id = root.id + "-s" + i;
      row.className = "lstm-explorer-row";
      var lab = document.createElement("label"); lab.htmlFor = id; rich(lab, sl.label, false);
      var inp = document.createElement("input");
      inp.type = "range"; inp.id = id; inp.min = 0; inp.max = sl.values.length - 1; inp.step = 1;
      inp.value = sl.default_index; inp.dataset.name = sl.name;
      var out = document.createElement("output"); out.htmlFor = id;
      row.appendChild(lab); row.appendChild(inp); row.appendChild(out); controls.appendChild(row);
      return {input: inp, output: out, values: sl.values};
    });
    var svg = el("svg", {role: "img", "font-family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                         "aria-label": p.alt || p.title, class: "lstm-explorer-svg", fill: INK});
    root.appendChild(svg);
    var readout = document.createElement("p");
    readout.className = "lstm-explorer-readout"; readout.setAttribute("aria-live", "polite");
    root.appendChild(readout);
    var width = 0;

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
      width = Math.max(300, Math.round(root.clientWidth || 640));
      var L = layout(width, p.panels), y = 0, H = 0;
      p.panels.forEach(function (panel) { H += panelHeight(L, panel); });
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      svg.setAttribute("viewBox", "0 0 " + L.W + " " + H);
      svg.setAttribute("width", L.W);
      svg.setAttribute("height", H);
      p.panels.forEach(function (panel) { drawPanel(svg, panel, data, y, L); y += panelHeight(L, panel); });
      while (readout.firstChild) readout.removeChild(readout.firstChild);
      p.readouts.forEach(function (r, k) {
        if (k) readout.appendChild(document.createTextNode(" · "));
        rich(readout, r.label + " = " + fmt(r.fmt, data[r.key][0]), false);
      });
      root.dataset.grid = g;
      root.dataset.updateMs = (performance.now() - t0).toFixed(3);
    }
    inputs.forEach(function (c) { c.input.addEventListener("input", update); });
    update();
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (Math.abs(Math.max(300, Math.round(root.clientWidth)) - width) > 4) update();
      }).observe(root);
    }
  }

  window.LSTMExplorer = {
    mountAll: function () { Array.prototype.forEach.call(document.querySelectorAll(".lstm-explorer"), mount); }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", window.LSTMExplorer.mountAll);
  else window.LSTMExplorer.mountAll();
})();
