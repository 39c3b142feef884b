(function () {
  "use strict";
  var PAGE = 100;
  var rows = [];
  var chunks = document.querySelectorAll("script.postie-data");
  for (var c = 0; c < chunks.length; c++) {
    var part = JSON.parse(chunks[c].textContent);
    for (var r = 0; r < part.length; r++) rows.push(part[r]);
  }
  var $ = function (id) { return document.getElementById(id); };
  var list = $("list"), pager = $("pager"), failedOnly = $("f-failed"), iterSel = $("f-iter"),
      folderSel = $("f-folder"), search = $("f-search"), shown = $("f-shown");
  var view = rows, page = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function ms(v) { return v < 10 ? v.toFixed(2) + " ms" : v < 1000 ? Math.round(v) + " ms" : (v / 1000).toFixed(2) + " s"; }
  function size(b) { return b < 1024 ? b + " B" : b < 1048576 ? (b / 1024).toFixed(2) + " kB" : (b / 1048576).toFixed(2) + " MB"; }
  // the namespace of the page's own inline SVG: no URL literal in the file
  var ns = document.querySelector("svg").namespaceURI;
  function icon(name, label) {
    var svg = document.createElementNS(ns, "svg"); svg.setAttribute("class", "icon");
    if (label) { svg.setAttribute("role", "img"); svg.setAttribute("aria-label", label); } else svg.setAttribute("aria-hidden", "true");
    var use = document.createElementNS(ns, "use"); use.setAttribute("href", "#" + name); svg.appendChild(use);
    return svg;
  }

  function options(select, values, label) {
    for (var i = 0; i < values.length; i++) {
      var o = el("option", null, label(values[i])); o.value = String(values[i]); select.appendChild(o);
    }
  }
  var iters = [], folders = [], seenI = {}, seenF = {};
  for (var i = 0; i < rows.length; i++) {
    var x = rows[i];
    if (!seenI[x.i]) { seenI[x.i] = 1; iters.push(x.i); }
    if (x.g && !seenF[x.g]) { seenF[x.g] = 1; folders.push(x.g); }
  }
  iters.sort(function (a, b) { return a - b; });
  options(iterSel, iters, function (v) { return "Iteration " + (v + 1); });
  options(folderSel, folders, function (v) { return v; });
  if (folders.length === 0) folderSel.parentNode.hidden = true;
  if (iters.length < 2) iterSel.parentNode.hidden = true;

  function apply() {
    var onlyFailed = failedOnly.checked, it = iterSel.value, fo = folderSel.value,
        q = search.value.trim().toLowerCase();
    view = rows.filter(function (x) {
      if (onlyFailed && !x.F) return false;
      if (it !== "" && String(x.i) !== it) return false;
      if (fo !== "" && x.g !== fo) return false;
      if (q && x.n.toLowerCase().indexOf(q) < 0 && (x.u || "").toLowerCase().indexOf(q) < 0) return false;
      return true;
    });
    page = 0;
    render();
  }

  function kv(title, pairs, into) {
    if (!pairs || !pairs.length) return;
    into.appendChild(el("h4", null, title));
    var t = el("table");
    for (var i = 0; i < pairs.length; i++) {
      var tr = el("tr"); tr.appendChild(el("td", null, pairs[i][0])); tr.appendChild(el("td", null, pairs[i][1])); t.appendChild(tr);
    }
    into.appendChild(t);
  }
  // Re-indents JSON text by moving whitespace only: numbers, escapes and key order stay
  // exactly as the server sent them (JSON.stringify would round 64-bit ids).
  function indent(text) {
    var out = "", depth = 0, inString = false, pad = function (n) { return "\n" + new Array(n + 1).join("  "); };
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (inString) {
        out += ch;
        if (ch === "\\") { out += text[++i] || ""; } else if (ch === '"') inString = false;
        continue;
      }
      if (ch === " " || ch === "\n" || ch === "\r" || ch === "\t") continue;
      if (ch === '"') { inString = true; out += ch; }
      else if (ch === "{" || ch === "[") {
        var close = ch === "{" ? "}" : "]", j = i + 1;
        while (j < text.length && /\s/.test(text[j])) j++;
        if (text[j] === close) { out += ch + close; i = j; } else { depth++; out += ch + pad(depth); }
      }
      else if (ch === "}" || ch === "]") { depth--; out += pad(depth) + ch; }
      else if (ch === ",") out += "," + pad(depth);
      else if (ch === ":") out += ": ";
      else out += ch;
    }
    return out;
  }
  function body(title, b, into) {
    if (!b) return;
    into.appendChild(el("h4", null, title));
    if (b.bin !== undefined) { into.appendChild(el("p", "empty", "binary, " + size(b.bin))); return; }
    var text = b.b;
    if (b.t && text === "") { into.appendChild(el("p", "empty", "not kept (" + size(b.n) + "; see --reporter-html-body-limit)")); return; }
    if (text === "") { into.appendChild(el("p", "empty", "empty")); return; }
    if (!b.t) { try { var v = JSON.parse(text); if (v !== null && typeof v === "object") text = indent(text); } catch (e) { /* not JSON: as received */ } }
    into.appendChild(el("pre", null, text));
    if (b.t) into.appendChild(el("p", "empty", "cut: the first " + size(new Blob([b.b]).size) + " of " + size(b.n)));
  }

  function details(x, into) {
    if (x.ro) { into.appendChild(el("h4", null, "Route")); into.appendChild(el("p", null, x.ro)); }
    if (x.sk) into.appendChild(el("p", "skip", "Skipped by pm.execution.skipRequest(): nothing was sent."));
    if (x.x) { into.appendChild(el("h4", "fail", "Request error")); into.appendChild(el("pre", null, x.x[0] + ": " + x.x[1])); }
    if (x.a) {
      into.appendChild(el("h4", null, "Assertions"));
      var ul = el("ul");
      for (var i = 0; i < x.a.length; i++) {
        var a = x.a[i], li = el("li", a[1] === "f" ? "fail" : a[1] === "s" ? "skip" : "pass");
        li.appendChild(icon(a[1] === "f" ? "i-fail" : a[1] === "s" ? "i-skip" : "i-ok"));
        li.appendChild(document.createTextNode(" " + a[0] + (a[1] === "s" ? " (skipped)" : "")));
        if (a[2]) li.appendChild(el("pre", null, a[2]));
        ul.appendChild(li);
      }
      into.appendChild(ul);
    }
    if (x.se) for (var s = 0; s < x.se.length; s++) {
      into.appendChild(el("h4", "fail", "Error in " + x.se[s][0] + " script"));
      into.appendChild(el("pre", null, x.se[s][1] + ": " + x.se[s][2] + (x.se[s][3] ? " (line " + x.se[s][3] + ")" : "")));
    }
    if (x.at) { into.appendChild(el("h4", null, "Attempts")); var ol = el("ol"); for (var t = 0; t < x.at.length; t++) ol.appendChild(el("li", null, x.at[t][0] + " (" + x.at[t][1] + " ms)")); into.appendChild(ol); }
    if (x.w) { into.appendChild(el("h4", "skip", "Warnings")); var wl = el("ul"); for (var w = 0; w < x.w.length; w++) wl.appendChild(el("li", null, x.w[w])); into.appendChild(wl); }
    if (x.co) { into.appendChild(el("h4", null, "Console")); into.appendChild(el("pre", null, x.co.map(function (l) { return l[0] + ": " + l[1]; }).join("\n"))); }
    if (x.rq) { kv("Request headers", x.rq.h, into); body("Request body", x.rq.body, into); }
    if (x.rs) { kv("Response headers", x.rs.h, into); body("Response body", x.rs.body, into); }
  }

  function item(x) {
    var d = el("details", "ex" + (x.F ? " failed" : ""));
    d.id = "x-n" + (x.k + 1);
    var s = el("summary");
    s.appendChild(icon(x.F ? "i-fail" : x.sk ? "i-skip" : "i-ok", x.F ? "failed" : x.sk ? "skipped" : "passed"));
    s.appendChild(el("span", "n", "#" + (x.k + 1)));
    s.appendChild(el("span", "m", x.m || "—"));
    s.appendChild(el("b", null, x.n));
    s.appendChild(el("span", "u", x.u || ""));
    s.appendChild(el("span", "s " + (x.x ? "fail" : ""), x.c ? x.c + " " + x.r : x.x ? x.x[0] : x.sk ? "skipped" : ""));
    if (x.t !== undefined) s.appendChild(el("span", "t", ms(x.t)));
    if (x.z !== undefined) s.appendChild(el("span", "z", size(x.z)));
    if (iters.length > 1) s.appendChild(el("span", "iter", "iteration " + (x.i + 1)));
    d.appendChild(s);
    var b = el("div", "body");
    d.appendChild(b);
    d.addEventListener("toggle", function () { if (d.open && !b.firstChild) details(x, b); });
    return d;
  }

  // built once, so keyboard focus stays on a button while paging
  var prev = el("button", null, "Previous page"), next = el("button", null, "Next page"), where = el("span");
  prev.type = next.type = "button";
  prev.addEventListener("click", function () { page--; render(); });
  next.addEventListener("click", function () { page++; render(); });
  pager.appendChild(prev); pager.appendChild(where); pager.appendChild(next);

  function render() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    if (page >= pages) page = pages - 1;
    list.textContent = "";
    var frag = document.createDocumentFragment();
    for (var i = page * PAGE; i < Math.min(view.length, (page + 1) * PAGE); i++) frag.appendChild(item(view[i]));
    list.appendChild(frag);
    if (!view.length) list.appendChild(el("p", "empty", "No execution matches."));
    shown.textContent = view.length + " of " + rows.length + " executions";
    prev.disabled = page === 0; next.disabled = page >= pages - 1;
    where.textContent = "Page " + (page + 1) + " of " + pages;
  }

  function reveal() {
    var n = /^#x-n(\d+)$/.exec(location.hash || ""), at = -1;
    if (!n) return;
    var match = function (x) { return x.k === +n[1] - 1; };
    for (var i = 0; i < view.length; i++) if (match(view[i])) { at = i; break; }
    if (at < 0) { failedOnly.checked = false; iterSel.value = ""; folderSel.value = ""; search.value = ""; apply(); for (i = 0; i < view.length; i++) if (match(view[i])) { at = i; break; } }
    if (at < 0) return;
    page = Math.floor(at / PAGE); render();
    var d = list.children[at % PAGE];
    if (!d) return;
    d.open = true;
    d.scrollIntoView();
    d.querySelector("summary").focus();
  }

  var timer;
  failedOnly.addEventListener("change", apply);
  iterSel.addEventListener("change", apply);
  folderSel.addEventListener("change", apply);
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 150); });
  window.addEventListener("hashchange", reveal);
  // a second click on the same link changes no hash: reveal again anyway
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest('a[href^="#x-n"]');
    if (a && a.getAttribute("href") === location.hash) setTimeout(reveal, 0);
  });
  $("controls").hidden = false;
  apply();
  reveal();
  document.documentElement.setAttribute("data-rows", String(rows.length));
  // how long the page took to be usable, from navigation start (read by the benchmark)
  document.documentElement.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  document.documentElement.setAttribute("data-ready", "1");
})();
