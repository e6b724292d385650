/* tipgraph interactive view: turns the embedded graph (script#tg-data) into Plotly traces and wires
   the legend (filter by kind and by edge style), the search box and the details panel. Every text
   from the graph goes into the page as text (textContent), and into Plotly escaped. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("tg-data").textContent);
  var nodes = DATA.nodes;
  var edges = DATA.edges;   // [source index, target index, relation, style, articles]
  var kinds = DATA.kinds;
  var GL = DATA.render === "webgl";
  var SCATTER = GL ? "scattergl" : "scatter";
  var LABEL_ALL = 250;      // with at most this many nodes in view, every one is labelled
  var LABEL_MAX = GL ? 80 : 140;  // otherwise the most connected ones in view
  var MAX_LIST = 100;       // search results listed
  var gd = document.getElementById("tg-plot");
  var FONT = window.getComputedStyle(document.body).fontFamily;

  var styleOf = {};
  DATA.edgeStyles.forEach(function (s) { styleOf[s.name] = s; });
  var hiddenKinds = new Set();
  var hiddenStyles = new Set();
  var selected = -1;
  var matches = [];
  var labelKey = "";
  var view = null;          // [x range, y range] shown; null: the whole graph
  var resetPending = false;

  var byId = new Map();
  nodes.forEach(function (n, i) { byId.set(n.id, i); });
  var incident = nodes.map(function () { return []; });
  edges.forEach(function (e, j) {
    incident[e[0]].push(j);
    if (e[1] !== e[0]) incident[e[1]].push(j);
  });
  // where on its line an edge's arrow sits: several edges between the same two nodes are spread
  var edgeAt = new Array(edges.length);
  (function () {
    var pairs = new Map();
    edges.forEach(function (e, j) {
      var key = Math.min(e[0], e[1]) + " " + Math.max(e[0], e[1]);
      if (!pairs.has(key)) pairs.set(key, []);
      pairs.get(key).push(j);
    });
    pairs.forEach(function (list) {
      list.forEach(function (j, r) { edgeAt[j] = 0.5 + 0.14 * (r - (list.length - 1) / 2); });
    });
  })();

  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var keys = nodes.map(function (n) { return fold([n.l].concat(n.n).join("\n") + "\n" + n.id); });
  var labelKeys = nodes.map(function (n) { return fold(n.l); });

  // text for Plotly, which reads a few HTML tags and entities in text: escape
  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function shorten(s, max) {
    s = String(s);
    if (s.length <= max) return s;
    var cut = s.slice(0, max - 1);
    var space = cut.lastIndexOf(" ");
    if (space > max / 2) cut = cut.slice(0, space);
    return cut.replace(/[\s,;:.]+$/, "") + "\u2026";
  }
  function kindName(n) { return kinds[n.k].name; }
  function isVisible(i) { return !hiddenKinds.has(nodes[i].k); }
  function nodeSize(n) { return GL ? Math.max(6, n.z * 0.6) : n.z; }
  function drawnLabel(n) { return n.s; }

  // ---------------------------------------------------------------------------------------------
  // which nodes carry a label: all of them when few are in view, else the best connected
  function currentRanges() {
    var lay = gd.layout || {};
    var xr = lay.xaxis && lay.xaxis.range, yr = lay.yaxis && lay.yaxis.range;
    return xr && yr ? [xr.slice(), yr.slice()] : null;
  }
  function shownRanges() {
    // what the plot shows: Plotly widens the asked range to keep the aspect ratio
    var full = gd._fullLayout;
    if (full && full.xaxis && full.yaxis && full.xaxis.range && full.yaxis.range) {
      return [full.xaxis.range.slice(), full.yaxis.range.slice()];
    }
    return view || [bounds.x, bounds.y];
  }
  function labelSet() {
    var inView = [];
    var visibleCount = 0;
    nodes.forEach(function (n, i) { if (isVisible(i)) visibleCount++; });
    var ranges = visibleCount <= LABEL_ALL ? null : shownRanges();
    nodes.forEach(function (n, i) {
      if (!isVisible(i)) return;
      if (ranges && (n.x < Math.min(ranges[0][0], ranges[0][1]) || n.x > Math.max(ranges[0][0], ranges[0][1]) ||
                     n.y < Math.min(ranges[1][0], ranges[1][1]) || n.y > Math.max(ranges[1][0], ranges[1][1]))) return;
      inView.push(i);
    });
    var set;
    if (inView.length <= LABEL_ALL) {
      set = new Set(inView);
    } else {
      inView.sort(function (a, b) { return nodes[b].d - nodes[a].d || a - b; });
      set = new Set(inView.slice(0, LABEL_MAX));
    }
    matches.slice(0, 30).forEach(function (i) { set.add(i); });
    if (selected >= 0) set.add(selected);
    return set;
  }

  // ---------------------------------------------------------------------------------------------
  // traces
  function buildTraces(labels) {
    var traces = [];
    DATA.edgeStyles.forEach(function (s) {
      if (hiddenStyles.has(s.name)) return;
      var x = [], y = [];
      edges.forEach(function (e) {
        if (e[3] !== s.name || !isVisible(e[0]) || !isVisible(e[1])) return;
        var a = nodes[e[0]], b = nodes[e[1]];
        x.push(a.x, b.x, null);
        y.push(a.y, b.y, null);
      });
      if (!x.length) return;
      traces.push({
        type: SCATTER, mode: "lines", x: x, y: y, hoverinfo: "skip", name: s.legend,
        line: { color: s.color, width: GL ? Math.max(1, s.width - 0.6) : s.width, dash: s.dash },
        meta: { role: "edges", style: s.name }
      });
    });
    if (selected >= 0 && isVisible(selected)) {
      var sx = [], sy = [];
      incident[selected].forEach(function (j) {
        var e = edges[j];
        if (!isVisible(e[0]) || !isVisible(e[1]) || hiddenStyles.has(e[3])) return;
        sx.push(nodes[e[0]].x, nodes[e[1]].x, null);
        sy.push(nodes[e[0]].y, nodes[e[1]].y, null);
      });
      if (sx.length) {
        traces.push({ type: SCATTER, mode: "lines", x: sx, y: sy, hoverinfo: "skip",
                      line: { color: "#222", width: 2.2 }, opacity: 0.55,
                      meta: { role: "selected-edges" } });
      }
    }
    // arrows halfway along the edges: the direction, and the relation on hover
    var ax = [], ay = [], aa = [], ac = [], ah = [];
    edges.forEach(function (e, j) {
      if (!isVisible(e[0]) || !isVisible(e[1]) || hiddenStyles.has(e[3])) return;
      var a = nodes[e[0]], b = nodes[e[1]], t = edgeAt[j];
      if (a.x === b.x && a.y === b.y) return;
      ax.push(a.x + (b.x - a.x) * t);
      ay.push(a.y + (b.y - a.y) * t);
      aa.push(Math.atan2(b.x - a.x, b.y - a.y) * 180 / Math.PI);
      ac.push(styleOf[e[3]].color);
      ah.push(esc(shorten(a.l, 60)) + " <b>\u2192 " + esc(e[2]) + " \u2192</b> " + esc(shorten(b.l, 60)));
    });
    if (ax.length) {
      traces.push({
        type: SCATTER, mode: "markers", x: ax, y: ay, hovertext: ah,
        hovertemplate: "%{hovertext}<extra></extra>",
        marker: { symbol: "triangle-up", size: GL ? 6 : 9, angle: aa, color: ac, opacity: 0.9 },
        meta: { role: "arrows" }
      });
    }
    // nodes: one trace per kind; with WebGL one trace for all (each trace costs a GL context)
    var groups = [];
    if (GL) {
      var all = [];
      nodes.forEach(function (n, i) { if (isVisible(i)) all.push(i); });
      if (all.length) groups.push({ idx: all, kind: null });
    } else {
      kinds.forEach(function (k, ki) {
        if (hiddenKinds.has(ki) || !k.count) return;
        var idx = [];
        nodes.forEach(function (n, i) { if (n.k === ki) idx.push(i); });
        groups.push({ idx: idx, kind: k });
      });
    }
    groups.forEach(function (group) {
      var idx = group.idx, k = group.kind;
      var textfont = { family: FONT, size: GL ? 11 : 13, color: "#1d232c" };
      if (!GL) textfont.shadow = "auto";
      traces.push({
        type: SCATTER, mode: "markers+text", name: k ? k.name : "nodes", cliponaxis: false,
        x: idx.map(function (i) { return nodes[i].x; }),
        y: idx.map(function (i) { return nodes[i].y; }),
        customdata: idx,
        text: idx.map(function (i) { return labels.has(i) ? esc(drawnLabel(nodes[i])) : ""; }),
        textposition: idx.map(function (i) { return DATA.textPositions[nodes[i].p] || "bottom center"; }),
        textfont: textfont,
        hovertext: idx.map(function (i) {
          var n = nodes[i], name = kinds[n.k].name;
          return "<b>" + esc(shorten(n.l, 90)) + "</b><br>" + esc(name === n.t ? name : name + " \u00b7 " + n.t);
        }),
        hovertemplate: "%{hovertext}<extra></extra>",
        marker: { symbol: k ? k.symbol : idx.map(function (i) { return kinds[nodes[i].k].symbol; }),
                  color: k ? k.color : idx.map(function (i) { return kinds[nodes[i].k].color; }),
                  size: idx.map(function (i) { return nodeSize(nodes[i]); }),
                  line: { color: "#ffffff", width: GL ? 0.8 : 1.3 }, opacity: 1 },
        meta: { role: "nodes", kind: k ? k.name : null }
      });
    });
    function rings(list, color, width, extra, role) {
      list = list.filter(isVisible);
      if (!list.length) return;
      traces.push({
        type: SCATTER, mode: "markers", hoverinfo: "skip", cliponaxis: false,
        x: list.map(function (i) { return nodes[i].x; }),
        y: list.map(function (i) { return nodes[i].y; }),
        marker: { symbol: "circle-open", color: color, line: { width: width },
                  size: list.map(function (i) { return nodeSize(nodes[i]) + extra; }) },
        meta: { role: role }
      });
    }
    rings(matches, "#ffb000", 4, 14, "matches");
    if (selected >= 0) rings([selected], "#111111", 3, 10, "selected");
    return traces;
  }

  // ---------------------------------------------------------------------------------------------
  // initial view: every node, with room for the labels
  var bounds = (function () {
    if (!nodes.length) return { x: [-1, 1], y: [-1, 1] };
    var b = DATA.bounds;  // the nodes and their labels
    var px = Math.max(16, (b[1] - b[0]) * 0.015), py = Math.max(16, (b[3] - b[2]) * 0.015);
    return { x: [b[0] - px, b[1] + px], y: [b[2] - py, b[3] + py] };
  })();

  function plotLayout() {
    var shown = view || [bounds.x, bounds.y];
    return {
      margin: { l: 6, r: 6, t: 6, b: 6 }, showlegend: false, hovermode: "closest", hoverdistance: 14,
      dragmode: "pan", clickmode: "event", font: { family: FONT, size: 12 },
      hoverlabel: { font: { family: FONT, size: 13 }, namelength: 0 },
      xaxis: { visible: false, range: shown[0].slice(), showgrid: false, zeroline: false },
      yaxis: { visible: false, range: shown[1].slice(), showgrid: false, zeroline: false,
               scaleanchor: "x", scaleratio: 1 },
      plot_bgcolor: "#ffffff", paper_bgcolor: "#ffffff"
    };
  }
  var CONFIG = {
    responsive: true, scrollZoom: true, displaylogo: false, showLink: false, showSendToCloud: false,
    showEditInChartStudio: false, typesetMath: false, doubleClick: "reset",
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines",
                             "hoverClosestCartesian", "hoverCompareCartesian"],
    toImageButtonOptions: { filename: "tipgraph", scale: 2 }
  };

  var drawing = Promise.resolve();
  function redraw() {
    var labels = labelSet();
    labelKey = Array.from(labels).sort(function (a, b) { return a - b; }).join(",");
    drawing = drawing.then(function () { return Plotly.react(gd, buildTraces(labels), plotLayout(), CONFIG); });
    return drawing;
  }
  var relabelTimer = 0;
  function relabelSoon() {
    clearTimeout(relabelTimer);
    relabelTimer = setTimeout(function () {
      var labels = labelSet();
      var key = Array.from(labels).sort(function (a, b) { return a - b; }).join(",");
      if (key !== labelKey) redraw();
    }, 120);
  }
  function zoomTo(list) {
    if (!list.length) return Promise.resolve();
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    list.forEach(function (i) {
      var n = nodes[i];
      x0 = Math.min(x0, n.x); x1 = Math.max(x1, n.x); y0 = Math.min(y0, n.y); y1 = Math.max(y1, n.y);
    });
    var full = Math.max(bounds.x[1] - bounds.x[0], bounds.y[1] - bounds.y[0]);
    var pad = Math.max(full * 0.2, Math.max(x1 - x0, y1 - y0) * 0.2, 60);
    view = [[x0 - pad, x1 + pad], [y0 - pad, y1 + pad]];
    return redraw().then(function () { relabelSoon(); });
  }

  // ---------------------------------------------------------------------------------------------
  // small DOM helpers (text only: nothing from the graph is parsed as HTML)
  var SVGNS = "http://www.w3.org/2000/svg";
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (a) { node.setAttribute(a, attrs[a]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }
  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (a) { node.setAttribute(a, String(attrs[a])); });
    return node;
  }
  function polygon(n, radius, start, inner) {
    var pts = [], steps = inner ? n * 2 : n;
    for (var i = 0; i < steps; i++) {
      var r = inner && i % 2 ? radius * inner : radius;
      var a = (start + i * 360 / steps) * Math.PI / 180;
      pts.push((8 + r * Math.cos(a)).toFixed(2) + "," + (8 + r * Math.sin(a)).toFixed(2));
    }
    return pts.join(" ");
  }
  function symbolIcon(symbol, color) {
    var svg = svgEl("svg", { width: 16, height: 16, viewBox: "0 0 16 16", "aria-hidden": "true" });
    var shape;
    var paint = { fill: color, stroke: "#ffffff", "stroke-width": 0.8 };
    if (symbol === "circle") shape = svgEl("circle", Object.assign({ cx: 8, cy: 8, r: 6.5 }, paint));
    else {
      var pts = {
        "square": polygon(4, 8, 45), "diamond": polygon(4, 7.5, -90), "triangle-down": polygon(3, 7.5, 90),
        "triangle-up": polygon(3, 7.5, -90), "pentagon": polygon(5, 7.2, -90), "hexagon": polygon(6, 7.2, -90),
        "star": polygon(5, 7.8, -90, 0.45)
      }[symbol] || polygon(4, 7, 45);
      shape = svgEl("polygon", Object.assign({ points: pts }, paint));
    }
    svg.append(shape);
    return svg;
  }
  function lineIcon(style) {
    var svg = svgEl("svg", { width: 30, height: 12, viewBox: "0 0 30 12", "aria-hidden": "true" });
    var dash = { dash: "6,4", dot: "2,3", dashdot: "7,3,2,3" }[style.dash];
    var attrs = { x1: 1, y1: 6, x2: 29, y2: 6, stroke: style.color, "stroke-width": Math.min(style.width, 3.5) };
    if (dash) attrs["stroke-dasharray"] = dash;
    svg.append(svgEl("line", attrs));
    return svg;
  }
  function kindDot(k) {
    var dot = el("span", { class: "tg-kind-dot" });
    dot.style.background = k.color;
    return dot;
  }

  // ---------------------------------------------------------------------------------------------
  // header, legend and filters
  (function () {
    var articles = new Set();
    nodes.forEach(function (n) { n.a.forEach(function (a) { articles.add(a); }); });
    var parts = [DATA.drawn.toLocaleString("en") + " nodes", edges.length.toLocaleString("en") + " edges"];
    if (articles.size) parts.push(articles.size.toLocaleString("en") + (articles.size === 1 ? " article" : " articles"));
    document.getElementById("tg-summary").textContent = parts.join(" \u00b7 ");
    if (DATA.note) {
      var note = document.getElementById("tg-note");
      note.textContent = DATA.note;
      note.hidden = false;
    }
    if (DATA.capNote) {
      var capped = document.getElementById("tg-cap");
      capped.textContent = DATA.capNote;
      capped.hidden = false;
    }
    var box = document.getElementById("tg-kinds");
    kinds.forEach(function (k, ki) {
      if (!k.count) return;
      var input = el("input", { type: "checkbox", "data-kind": k.name });
      input.checked = true;
      var row = el("label", { class: "tg-toggle", "data-kind": k.name },
                   [input, symbolIcon(k.symbol, k.color), el("span", {}, [k.name]),
                    el("span", { class: "tg-count" }, [k.count.toLocaleString("en")])]);
      input.addEventListener("change", function () {
        if (input.checked) hiddenKinds.delete(ki); else hiddenKinds.add(ki);
        row.classList.toggle("tg-off", !input.checked);
        redraw();
      });
      box.append(row);
    });
    var used = new Map();
    edges.forEach(function (e) { used.set(e[3], (used.get(e[3]) || 0) + 1); });
    var ebox = document.getElementById("tg-edges");
    DATA.edgeStyles.forEach(function (s) {
      if (!used.get(s.name)) return;
      var input = el("input", { type: "checkbox", "data-edge-style": s.name });
      input.checked = true;
      var row = el("label", { class: "tg-toggle", "data-edge-style": s.name },
                   [input, lineIcon(s), el("span", {}, [s.legend]),
                    el("span", { class: "tg-count" }, [used.get(s.name).toLocaleString("en")])]);
      input.addEventListener("change", function () {
        if (input.checked) hiddenStyles.delete(s.name); else hiddenStyles.add(s.name);
        row.classList.toggle("tg-off", !input.checked);
        redraw();
      });
      ebox.append(row);
    });
  })();

  function showKind(i) {
    var ki = nodes[i].k;
    if (!hiddenKinds.has(ki)) return;
    hiddenKinds.delete(ki);
    var input = document.querySelector('#tg-kinds input[data-kind="' + CSS.escape(kinds[ki].name) + '"]');
    if (input) { input.checked = true; input.closest("label").classList.remove("tg-off"); }
  }

  // ---------------------------------------------------------------------------------------------
  // details panel
  var panel = document.getElementById("tg-panel");
  var body = document.getElementById("tg-panel-body");
  document.getElementById("tg-panel-close").addEventListener("click", function () {
    selected = -1;
    panel.hidden = true;
    redraw().then(function () { return Plotly.Plots.resize(gd); });
  });

  function nodeLink(i) {
    var n = nodes[i];
    var button = el("button", { type: "button", class: "tg-link", "data-node": n.id },
                    [kindDot(kinds[n.k]), shorten(n.l, 120)]);
    button.addEventListener("click", function () { select(i, true); });
    return button;
  }

  function evidenceItem(e) {
    var sentence = e[1], exact = e[2];
    var quote = el("blockquote");
    var at = exact && sentence ? sentence.indexOf(exact) : -1;
    var from = exact && sentence ? sentence.indexOf(exact.slice(0, 24)) : -1;
    if (at >= 0) {  // the span inside its sentence
      quote.append(sentence.slice(0, at), el("mark", {}, [exact]), sentence.slice(at + exact.length));
    } else if (from >= 0 && exact.indexOf(sentence.slice(from)) === 0) {  // it runs on past it
      quote.append(sentence.slice(0, from), el("mark", {}, [exact]));
    } else if (sentence && exact && exact.indexOf(sentence) < 0) {
      quote.append(sentence, " \u2014 ", el("mark", {}, [exact]));
    } else {  // no sentence, or the span holds the whole sentence
      quote.append(el("mark", {}, [exact || sentence]));
    }
    var where = "article " + (e[0] || "?");
    if (e[3] !== null && e[3] !== undefined && e[3] >= 0) {
      where += ", characters " + e[3] + (e[4] !== null && e[4] >= 0 ? "\u2013" + e[4] : "");
    }
    return el("div", { class: "tg-evidence" }, [quote, el("div", { class: "tg-where" }, [where])]);
  }

  function showPanel(i) {
    var n = nodes[i], k = kinds[n.k];
    body.replaceChildren();
    body.dataset.node = n.id;
    body.append(el("div", { class: "tg-kind-line" },
                   [kindDot(k), k.name === n.t ? k.name : k.name + " \u00b7 " + n.t]));
    body.append(el("h2", {}, [n.l]));
    body.append(el("div", { class: "tg-iri" }, [n.id]));
    if (n.c !== null && n.c !== undefined) {
      body.append(el("div", { class: "tg-confidence" }, ["confidence " + n.c]));
    }
    if (n.f.length) {
      body.append(el("h3", {}, ["Facts"]));
      var table = el("table", { class: "tg-facts" });
      n.f.forEach(function (f) {
        table.append(el("tr", {}, [el("td", { class: "tg-prop" }, [f[0]]), el("td", {}, [f[1]])]));
      });
      body.append(table);
    }
    body.append(el("h3", {}, ["Evidence"]));
    if (n.e.length) {
      var evidence = el("div", { class: "tg-evidence-list" });
      n.e.forEach(function (e) { evidence.append(evidenceItem(e)); });
      body.append(evidence);
    } else {
      body.append(el("p", { class: "tg-none" }, ["No sentence: this node comes from the reference data or is only pointed to."]));
    }
    if (n.n.length) {
      body.append(el("h3", {}, ["Names"]));
      var seen = new Set(), distinct = [];
      n.n.forEach(function (name) {
        var key = name.toLowerCase();
        if (!seen.has(key)) { seen.add(key); distinct.push(name); }
      });
      var names = el("ul", { class: "tg-names" });
      distinct.slice(0, 12).forEach(function (name) { names.append(el("li", {}, [name])); });
      if (distinct.length > 12) names.append(el("li", {}, ["and " + (distinct.length - 12) + " more"]));
      body.append(names);
    }
    if (incident[i].length) {
      body.append(el("h3", {}, ["Connections (" + incident[i].length + ")"]));
      var list = el("ul", { class: "tg-connections" });
      incident[i].slice(0, 80).forEach(function (j) {
        var e = edges[j], out = e[0] === i, other = out ? e[1] : e[0];
        var rel = el("span", { class: "tg-rel" + (e[3] !== "plain" ? " tg-rel-em" : "") },
                     [out ? "\u2192 " + e[2] + " \u2192 " : "\u2190 " + e[2] + " \u2190 "]);
        if (e[3] !== "plain") rel.style.color = styleOf[e[3]].color;
        list.append(el("li", {}, [rel, nodeLink(other)]));
      });
      if (incident[i].length > 80) list.append(el("li", {}, ["and " + (incident[i].length - 80) + " more"]));
      body.append(list);
    }
    if (n.a.length) {
      body.append(el("h3", {}, ["Articles (" + n.a.length + ")"]));
      var arts = el("ul", { class: "tg-articles" });
      n.a.slice(0, 50).forEach(function (a) { arts.append(el("li", {}, [a])); });
      if (n.a.length > 50) arts.append(el("li", {}, ["and " + (n.a.length - 50) + " more"]));
      body.append(arts);
    }
    var wasHidden = panel.hidden;
    panel.hidden = false;
    panel.scrollTop = 0;
    return wasHidden;
  }

  function select(i, focus) {
    if (i === undefined || i < 0 || i >= nodes.length) return Promise.resolve(false);
    showKind(i);
    selected = i;
    var opened = showPanel(i);
    var done = redraw();
    if (opened) done = done.then(function () { return Plotly.Plots.resize(gd); });
    if (focus) done = done.then(function () { return zoomTo([i]); });
    return done.then(function () { return true; });
  }

  // ---------------------------------------------------------------------------------------------
  // search
  var input = document.getElementById("tg-search");
  var found = document.getElementById("tg-found");
  var results = document.getElementById("tg-results");
  var foundCount = document.getElementById("tg-found-count");

  function runSearch() {
    var q = fold(input.value.trim().replace(/\s+/g, " "));
    matches = [];
    results.replaceChildren();
    if (!q) {
      found.hidden = true;
      return redraw();
    }
    var scored = [];
    keys.forEach(function (key, i) {
      var at = key.indexOf(q);
      if (at < 0) return;
      var rank = labelKeys[i].indexOf(q) === 0 ? 0 : labelKeys[i].indexOf(q) > 0 ? 1 : 2;
      scored.push([rank, -nodes[i].d, nodes[i].l, i]);
    });
    scored.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0) || a[3] - b[3];
    });
    matches = scored.map(function (s) { return s[3]; });
    foundCount.textContent = matches.length === 0 ? "No match"
      : matches.length === 1 ? "1 match" : matches.length.toLocaleString("en") + " matches";
    matches.slice(0, MAX_LIST).forEach(function (i) {
      var button = nodeLink(i);
      if (!isVisible(i)) button.classList.add("tg-hidden-kind");
      results.append(el("li", {}, [button]));
    });
    if (matches.length > MAX_LIST) results.append(el("li", {}, ["and " + (matches.length - MAX_LIST) + " more"]));
    found.hidden = false;
    var done = redraw();
    var shown = matches.filter(isVisible);
    if (shown.length && shown.length <= 25) done = zoomTo(shown);
    return done;
  }
  var searchTimer = 0;
  input.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 150);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      clearTimeout(searchTimer);
      runSearch();
      if (matches.length) select(matches[0], true);
    } else if (ev.key === "Escape") {
      input.value = "";
      runSearch();
    }
  });

  // ---------------------------------------------------------------------------------------------
  // for scripts and tests: what is drawn, where, and the same actions as the mouse and keyboard
  function drawnTraces(role) {
    return (gd.data || []).filter(function (t) { return t.meta && t.meta.role === role; });
  }
  window.tipgraph = {
    data: DATA,
    ready: false,
    select: function (id) { return select(byId.get(id), true); },
    search: function (q) { input.value = q; return runSearch().then(function () { return window.tipgraph.matches(); }); },
    matches: function () { return matches.map(function (i) { return nodes[i].id; }); },
    selected: function () { return selected >= 0 ? nodes[selected].id : null; },
    drawnNodeIds: function () {
      var ids = [];
      drawnTraces("nodes").forEach(function (t) { t.customdata.forEach(function (i) { ids.push(nodes[i].id); }); });
      return ids;
    },
    drawnEdges: function () {
      var count = {};
      drawnTraces("edges").forEach(function (t) {
        count[t.meta.style] = t.x.filter(function (v) { return v === null; }).length;
      });
      return count;
    },
    screenPosition: function (id) {
      var i = byId.get(id), full = gd._fullLayout, box = gd.getBoundingClientRect();
      if (i === undefined || !full) return null;
      return { x: box.left + full.xaxis._offset + full.xaxis.l2p(nodes[i].x),
               y: box.top + full.yaxis._offset + full.yaxis.l2p(nodes[i].y) };
    }
  };

  if (typeof Plotly === "undefined") {
    gd.textContent = "The drawing library did not load.";
    return;
  }
  redraw().then(function () {
    gd.on("plotly_click", function (ev) {
      var point = (ev.points || []).filter(function (p) { return p.data.meta && p.data.meta.role === "nodes"; })[0];
      if (point) select(point.customdata, false);
    });
    // the user pans, zooms or double-clicks (back to the whole graph)
    gd.on("plotly_doubleclick", function () { resetPending = true; });
    gd.on("plotly_relayout", function () {
      if (resetPending) {
        resetPending = false;
        view = null;
        redraw();
        return;
      }
      view = currentRanges();
      if (nodes.length > LABEL_ALL) relabelSoon();
    });
    window.tipgraph.ready = true;
    document.body.setAttribute("data-ready", "true");
  });
})();
