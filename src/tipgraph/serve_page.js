/* tipgraph serve: the query page. Talks to its own server only (/sparql); every text that
   comes from the data is put in the page as text, never as HTML. */
(function () {
  "use strict";

  window.__tgViolations = [];
  document.addEventListener("securitypolicyviolation", function (e) {
    window.__tgViolations.push(e.violatedDirective + " " + e.blockedURI);
  });

  var data = JSON.parse(document.getElementById("tg-data").textContent);
  var MAX_ROWS = 2000;
  var ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/plain;q=0.5";
  var UPDATE = /^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b/i;
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short",
                 "nonNegativeInteger", "positiveInteger", "gYear"].map(function (t) { return XSD + t; });

  var $ = function (id) { return document.getElementById(id); };
  var editor = $("tg-query");
  var state = { current: null, run: 0, result: null, controller: null, busy: false };
  var byName = {};
  data.queries.forEach(function (q) { byName[q.name] = q; });

  // longest namespace first, so that the most specific prefix wins
  var namespaces = Object.keys(data.prefixes).map(function (p) { return [p, data.prefixes[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1); });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function shorten(iri) {
    for (var i = 0; i < namespaces.length; i++) {
      var ns = namespaces[i][1];
      if (iri.length > ns.length && iri.lastIndexOf(ns, 0) === 0) {
        var local = iri.slice(ns.length);
        if (/^[^\s<>"{}|^`\\]*$/.test(local)) return namespaces[i][0] + ":" + local;
      }
    }
    return iri;
  }

  function number(n) { return n === null || n === undefined ? "?" : n.toLocaleString("en"); }

  function stripComments(text) {
    return text.replace(/<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*/g, function (m) {
      return m.charAt(0) === "#" ? "" : m;
    });
  }

  // ---- header --------------------------------------------------------------------------------

  function header() {
    var source = $("tg-source");
    source.appendChild(el("strong", null, data.source));
    source.appendChild(document.createTextNode(
      " \u00b7 " + (data.kind === "store" ? "store" : "graph files") +
      " \u00b7 " + number(data.graphs) + " named graph" + (data.graphs === 1 ? "" : "s") +
      " \u00b7 " + number(data.triples) + " triples in the default graph (their union)"));
    $("tg-endpoint").textContent = location.origin + data.endpoint;
    var mode = $("tg-mode");
    mode.textContent = data.readOnly ? "read-only" : "read-write (updates accepted)";
    mode.className = data.readOnly ? "tg-mode-ro" : "tg-mode-rw";
    $("tg-timeout").textContent = data.timeout + " s per query";
  }

  // ---- saved queries -------------------------------------------------------------------------

  function savedList() {
    var list = $("tg-saved");
    data.queries.forEach(function (q) {
      var item = el("li");
      var button = el("button", "tg-saved");
      button.type = "button";
      button.dataset.name = q.name;
      button.title = q.description || q.title;
      var head = el("span", "tg-saved-head");
      head.appendChild(el("span", "tg-saved-title", q.title));
      head.appendChild(el("span", "tg-saved-name", q.name));
      button.appendChild(head);
      var badges = [];
      if (q.services.length) {
        var net = el("span", "tg-badge tg-net", "network");
        net.title = "asks " + q.services.join(", ") + " over the network";
        badges.push(net);
      }
      if (q.parameters.length) {
        badges.push(el("span", "tg-badge", q.parameters.length === 1 ? "1 parameter" :
          q.parameters.length + " parameters"));
      }
      badges.forEach(function (b) { head.appendChild(b); });
      if (q.description) button.appendChild(el("span", "tg-saved-desc", q.description));
      button.addEventListener("click", function () { load(q.name, true); });
      item.appendChild(button);
      list.appendChild(item);
    });
    $("tg-filter").addEventListener("input", function () {
      var words = this.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(list.children, function (item) {
        var q = byName[item.firstChild.dataset.name];
        var hay = (q.name + " " + q.title + " " + q.description).toLowerCase();
        item.hidden = !words.every(function (w) { return hay.indexOf(w) >= 0; });
      });
    });
  }

  function params(q) {
    var form = $("tg-params");
    form.textContent = "";
    var list = q ? q.parameters : [];
    form.hidden = list.length === 0;
    list.forEach(function (p) {
      var box = el("div", "tg-param");
      var label = el("label", null, "?" + p.name + " ");
      label.htmlFor = "tg-param-" + p.name;
      label.appendChild(el("span", null, p.required ? "(required)" : "(optional)"));
      var input = el("input");
      input.id = "tg-param-" + p.name;
      input.name = p.name;
      input.dataset.param = p.name;
      input.placeholder = p.description || "a value";
      input.title = p.description;
      input.autocomplete = "off";
      input.spellcheck = false;
      box.appendChild(label);
      box.appendChild(input);
      form.appendChild(box);
    });
  }

  function notice(text) {
    var box = $("tg-notice");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function load(name, runIt) {
    var q = byName[name];
    if (!q) return false;
    state.current = q;
    editor.value = q.text;
    Array.prototype.forEach.call(document.querySelectorAll(".tg-saved"), function (b) {
      b.setAttribute("aria-current", b.dataset.name === name ? "true" : "false");
    });
    $("tg-about").hidden = false;
    $("tg-about-title").textContent = q.title;
    $("tg-about-text").textContent = q.description;
    params(q);
    clearResults();
    if (history.replaceState) history.replaceState(null, "", "#" + encodeURIComponent(name));
    var required = q.parameters.filter(function (p) { return p.required; });
    if (q.services.length) {
      notice("This query asks " + q.services.join(", ") + " over the network (the server " +
             "sends the requests, one per entity). Press Run to send them.");
      return true;
    }
    if (required.length) {
      notice("Fill in " + required.map(function (p) { return "?" + p.name; }).join(", ") +
             ", then press Run.");
      $("tg-param-" + required[0].name).focus();
      return true;
    }
    notice("");
    if (runIt) run();
    return true;
  }

  // ---- running -------------------------------------------------------------------------------

  function clearResults() {
    $("tg-results").textContent = "";
    $("tg-error").hidden = true;
    $("tg-downloads").hidden = true;
    $("tg-status").textContent = "";
    state.result = null;
  }

  function bindings() {
    var out = {};
    Array.prototype.forEach.call(document.querySelectorAll("#tg-params input"), function (input) {
      if (input.value.trim()) out["$" + input.dataset.param] = input.value.trim();
    });
    return out;
  }

  function fail(message) {
    var box = $("tg-error");
    box.textContent = message;
    box.hidden = false;
  }

  function downloads(text, bound) {
    ["csv", "tsv", "json"].forEach(function (fmt) {
      var form = new URLSearchParams();
      form.set("query", text);
      Object.keys(bound).forEach(function (k) { form.set(k, bound[k]); });
      form.set("format", fmt);
      var link = $("tg-" + fmt);
      link.href = data.endpoint + "?" + form.toString();
      link.setAttribute("download", (state.current ? state.current.name : "results") + "." + fmt);
    });
    $("tg-downloads").hidden = (data.endpoint.length + text.length * 3) > 60000;
  }

  function run() {
    var text = editor.value;
    if (!text.trim()) { fail("Write a query first."); return Promise.resolve(); }
    var isUpdate = UPDATE.test(stripComments(text));
    var bound = isUpdate ? {} : bindings();
    if (state.current && !isUpdate && editor.value === state.current.text) {
      var missing = state.current.parameters.filter(function (p) {
        return p.required && !bound["$" + p.name];
      });
      if (missing.length) {
        fail("This query needs ?" + missing.map(function (p) { return p.name; }).join(", ?") + ".");
        return Promise.resolve();
      }
    }
    var body = new URLSearchParams();
    body.set(isUpdate ? "update" : "query", text);
    Object.keys(bound).forEach(function (k) { body.set(k, bound[k]); });
    if (state.controller) state.controller.abort();
    var controller = window.AbortController ? new AbortController() : null;
    state.controller = controller;
    var ticket = ++state.run;
    clearResults();
    state.busy = true;
    $("tg-run").disabled = true;
    $("tg-status").textContent = isUpdate ? "updating\u2026" : "running\u2026";
    var started = performance.now();
    return fetch(data.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT },
      body: body.toString(),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.text().then(function (payload) {
        if (ticket !== state.run) return;
        var seconds = (performance.now() - started) / 1000;
        var type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
        if (!response.ok) {
          $("tg-status").textContent = "";
          fail(response.status + " " + (response.statusText || "") + "\n" + payload.trim());
          state.result = { error: response.status };
          return;
        }
        if (type === "application/sparql-results+json") {
          var json = JSON.parse(payload);
          if (Object.prototype.hasOwnProperty.call(json, "boolean")) {
            showBoolean(json["boolean"], seconds);
          } else {
            showTable(json.head.vars, json.results.bindings, seconds);
            downloads(text, bound);
          }
        } else if (type === "application/n-triples") {
          showTriples(payload, seconds);
        } else {
          showPlain(payload, seconds);
        }
      });
    }).catch(function (error) {
      if (ticket !== state.run) return;
      $("tg-status").textContent = "";
      fail("The server did not answer: " + error.message);
      state.result = { error: "network" };
    }).then(function () {
      if (ticket !== state.run) return;
      state.busy = false;
      $("tg-run").disabled = false;
    });
  }

  function timing(seconds) {
    return seconds < 1 ? Math.round(seconds * 1000) + " ms" : seconds.toFixed(2) + " s";
  }

  function cell(term) {
    var td = el("td");
    if (!term) { td.appendChild(el("span", "tg-unbound", "\u2013")); return td; }
    if (term.type === "uri") {
      var iri = el("span", "tg-iri");
      // a line may break after a slash or a hash, not inside a name
      shorten(term.value).split(/(?<=[\/#])/).forEach(function (part, i) {
        if (i) iri.appendChild(document.createElement("wbr"));
        iri.appendChild(document.createTextNode(part));
      });
      iri.title = term.value;
      td.appendChild(iri);
    } else if (term.type === "bnode") {
      td.appendChild(el("span", "tg-bnode", "_:" + term.value));
    } else {
      td.appendChild(document.createTextNode(term.value));
      if (term["xml:lang"]) td.appendChild(el("span", "tg-lang", "@" + term["xml:lang"]));
      else if (term.datatype && NUMERIC.indexOf(term.datatype) >= 0) td.className = "tg-num";
      else if (term.datatype && term.datatype !== XSD + "string") {
        td.appendChild(el("span", "tg-dt", shorten(term.datatype)));
      }
    }
    return td;
  }

  function table(vars, rows, makeRow) {
    var box = $("tg-results");
    var t = el("table");
    var head = el("thead");
    var tr = el("tr");
    vars.forEach(function (v) { tr.appendChild(el("th", null, v)); });
    head.appendChild(tr);
    t.appendChild(head);
    var body = el("tbody");
    rows.slice(0, MAX_ROWS).forEach(function (row) { body.appendChild(makeRow(row)); });
    t.appendChild(body);
    box.appendChild(t);
    if (rows.length > MAX_ROWS) {
      box.appendChild(el("p", "tg-more", "Showing the first " + number(MAX_ROWS) + " of " +
        number(rows.length) + " rows; download them all as CSV, TSV or JSON."));
    }
  }

  function showTable(vars, rows, seconds) {
    table(vars, rows, function (row) {
      var tr = el("tr");
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      return tr;
    });
    $("tg-status").textContent = number(rows.length) + (rows.length === 1 ? " row" : " rows") +
      " \u00b7 " + timing(seconds);
    state.result = { vars: vars, rows: rows.length };
  }

  function showBoolean(value, seconds) {
    $("tg-results").appendChild(el("div", "tg-boolean", value ? "true" : "false"));
    $("tg-status").textContent = "ASK \u00b7 " + timing(seconds);
    state.result = { boolean: value };
  }

  // N-Triples (canonical, as the server writes them) -> a subject / predicate / object table
  function ntTerm(text) {
    if (text.charAt(0) === "<") return { type: "uri", value: text.slice(1, -1) };
    if (text.lastIndexOf("_:", 0) === 0) return { type: "bnode", value: text.slice(2) };
    var m = /^"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?$/.exec(text);
    if (!m) return { type: "literal", value: text };
    var value = m[1].replace(/\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(.)/g, function (all, u, U, c) {
      if (u || U) return String.fromCodePoint(parseInt(u || U, 16));
      return { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" }[c] || c;
    });
    var term = { type: "literal", value: value };
    if (m[2]) term["xml:lang"] = m[2];
    if (m[3]) term.datatype = m[3];
    return term;
  }

  function showTriples(text, seconds) {
    var rows = [];
    text.split("\n").forEach(function (line) {
      var m = /^(<[^>]*>|_:\S+) (<[^>]*>) (.*) \.\s*$/.exec(line);
      if (m) rows.push([ntTerm(m[1]), ntTerm(m[2]), ntTerm(m[3])]);
    });
    table(["subject", "predicate", "object"], rows, function (row) {
      var tr = el("tr");
      row.forEach(function (term) { tr.appendChild(cell(term)); });
      return tr;
    });
    $("tg-status").textContent = number(rows.length) + (rows.length === 1 ? " triple" : " triples") +
      " \u00b7 " + timing(seconds);
    state.result = { triples: rows.length };
  }

  function showPlain(text, seconds) {
    $("tg-results").appendChild(el("pre", "tg-plain", text.trim()));
    $("tg-status").textContent = timing(seconds);
    state.result = { text: text.trim() };
  }

  // ---- start ---------------------------------------------------------------------------------

  header();
  savedList();
  $("tg-run").addEventListener("click", function () { run(); });
  editor.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
  $("tg-params").addEventListener("submit", function (e) { e.preventDefault(); run(); });
  $("tg-params").addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); run(); }
  });
  var wanted = decodeURIComponent((location.hash || "").slice(1));
  if (!(wanted && load(wanted, true))) {
    editor.value = "SELECT ?g (COUNT(*) AS ?triples)\nWHERE { GRAPH ?g { ?s ?p ?o } }\n" +
      "GROUP BY ?g\nORDER BY DESC(?triples)\nLIMIT 25\n";
  }

  window.tipgraph = {
    ready: true,
    data: data,
    load: load,
    run: run,
    busy: function () { return state.busy; },
    result: function () { return state.result; }
  };
})();
