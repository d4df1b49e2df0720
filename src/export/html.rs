//! Interactive HTML export: one self-contained file (inline CSS and JS, no
//! CDN, a Content-Security-Policy that forbids any network access) with pan,
//! zoom, search by title or author, a record panel (attributes, provenance,
//! neighbours), colours by cluster and a year filter.
//!
//! The graph travels as JSON inside `<script type="application/json">` with
//! `<`, `>`, `&`, U+2028 and U+2029 written as `\u003c`-style escapes, so a
//! title containing `</script>` stays data; the page's script sets text only
//! through `textContent`, never `innerHTML`.
//!
//! The page honours URL fragments: `#search=Hayes` runs a search,
//! `#node=<id>` opens a record, `#years=1990-2010` sets the year filter.

use super::json::float_value;
use crate::graph::{attr, Attr, CitationGraph, EdgeKind};
use crate::graph::{node_clusters as clusters, node_weights};
use crate::style::{bounds, cluster_colour, relative_radius, OTHER_COLOUR, PALETTE, UNCLUSTERED_COLOUR};
use petgraph::visit::EdgeRef;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// HTML settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Page title.
    pub title: String,
    /// Date shown under the title (the run date; the clock is never read).
    pub date: Option<String>,
    /// Node positions (by node index), from the layout step of the library
    /// pipeline (`pipeline::lay_out`); a node without one (or every node,
    /// with `None`) sits at the frame's corner. The exporter never lays out.
    pub positions: Option<Vec<(f32, f32)>>,
}

impl Default for Options {
    fn default() -> Self {
        Options { title: "Citation map".into(), date: None, positions: None }
    }
}

/// Escapes JSON text for a `<script>` element: `<`, `>`, `&`, U+2028 and
/// U+2029 become `\u` escapes (they only occur inside JSON strings, where the
/// escapes mean the same characters).
pub fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn html_text(s: &str) -> String {
    crate::escape::xml(s)
}

/// Builds the page's data: nodes (positions in a 1000-unit square, radius,
/// colour, searchable text, attributes), edges as index pairs, clusters.
pub fn graph_data(g: &CitationGraph, opts: &Options) -> Value {
    let gr = &g.graph;
    let n = gr.node_count();
    let pos: &[(f32, f32)] = opts.positions.as_deref().unwrap_or(&[]);
    let (x0, y0, x1, y1) = bounds(pos).unwrap_or((0.0, 0.0, 1.0, 1.0));
    let side = (x1 - x0).max(y1 - y0).max(f32::MIN_POSITIVE);
    let weights = node_weights(g);
    let max_w = weights.iter().cloned().fold(0.0, f64::max);
    let cl = clusters(g);
    // Authors of each work, from `authored` edges (else the `authors`
    // attribute of a map of works), for search.
    let mut authors: Vec<Vec<String>> = vec![Vec::new(); n];
    for e in gr.edge_references() {
        if e.weight().kind == EdgeKind::Authored {
            authors[e.target().index()].push(gr[e.source()].label.clone());
        }
    }
    let mut names: BTreeMap<i64, (String, usize)> = BTreeMap::new();
    // Two works are never shown with one label ("BMC Psychiatry 2022" twice):
    // repeats get their first author, then a letter (graph::labels).
    let shown = crate::graph::labels::distinct_labels(
        &gr.node_weights().map(|n| n.label.clone()).collect::<Vec<_>>(),
        &gr.node_weights().map(crate::graph::labels::first_author).collect::<Vec<_>>(),
    );
    let nodes: Vec<Value> = gr
        .node_indices()
        .map(|ix| {
            let i = ix.index();
            let node = &gr[ix];
            let (x, y) =
                pos.get(i).copied().filter(|(x, y)| x.is_finite() && y.is_finite()).unwrap_or((x0, y0));
            let c = cl.get(i).copied().unwrap_or(0);
            let entry = names.entry(c).or_insert_with(|| (String::new(), 0));
            entry.1 += 1;
            if let (true, Some(Attr::Str(s))) = (entry.0.is_empty(), node.attrs.get(attr::CLUSTER_NAME)) {
                entry.0 = s.to_string();
            }
            let mut attrs = Map::new();
            for (k, v) in &node.attrs {
                attrs.insert(k.to_string(), super::json::attr_value(v));
            }
            let mut m = Map::new();
            m.insert("id".into(), json!(node.id));
            m.insert("label".into(), json!(shown.get(i).unwrap_or(&node.label)));
            m.insert("kind".into(), json!(node.kind.as_str()));
            m.insert("x".into(), float_value((1000.0 * (x - x0) / side) as f64));
            m.insert("y".into(), float_value((1000.0 * (y - y0) / side) as f64));
            let r = relative_radius(weights.get(i).copied().unwrap_or(0.0), max_w, n) * 1000.0;
            m.insert("r".into(), float_value(r as f64));
            m.insert("c".into(), json!(c));
            if let Some(Attr::Int(y)) = node.attrs.get(attr::YEAR) {
                m.insert("year".into(), json!(y));
            }
            let mut au = std::mem::take(&mut authors[i]);
            // The map of works has no people: its works carry their byline.
            if let (true, Some(Attr::Str(s))) = (au.is_empty(), node.attrs.get("authors")) {
                au = s.split("; ").filter(|a| !a.trim().is_empty()).map(|a| a.trim().to_string()).collect();
            }
            au.sort();
            au.dedup();
            m.insert("authors".into(), json!(au));
            m.insert("attrs".into(), Value::Object(attrs));
            Value::Object(m)
        })
        .collect();
    let mut pairs: Vec<(usize, usize)> = gr
        .edge_references()
        .filter(|e| e.source() != e.target())
        .map(|e| (e.source().index(), e.target().index()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let edges: Vec<Value> = pairs.iter().map(|&(a, b)| json!([a, b])).collect();
    let clusters: Vec<Value> = names
        .iter()
        .map(|(&c, (name, count))| {
            let label = match (c, name.trim()) {
                (0, _) => "unclustered".to_string(),
                (_, "") => format!("Cluster {c}"),
                (_, s) => format!("{c}. {s}"),
            };
            json!({"id": c, "label": label, "count": count, "colour": cluster_colour(c)})
        })
        .collect();
    json!({
        "title": opts.title,
        "date": opts.date,
        "nodes": nodes,
        "edges": edges,
        "clusters": clusters,
        "palette": PALETTE,
        "other": OTHER_COLOUR,
        "unclustered": UNCLUSTERED_COLOUR,
    })
}

const STYLE: &str = r##"
*{box-sizing:border-box}
html,body{margin:0;height:100%;font-family:"DejaVu Sans",system-ui,sans-serif;font-size:14px;color:#1a1a1a;background:#fff}
body{display:flex;flex-direction:column}
header{display:flex;flex-wrap:wrap;gap:12px;align-items:center;padding:8px 12px;border-bottom:1px solid #ddd}
header h1{font-size:18px;margin:0}
#subtitle{color:#555}
header input[type=search]{width:260px;padding:4px 6px}
header input[type=number]{width:72px;padding:3px}
main{flex:1;display:flex;min-height:0}
#graph{flex:1;min-width:0;display:block;cursor:grab;background:#fff}
#graph.dragging{cursor:grabbing}
aside{width:340px;overflow:auto;border-left:1px solid #ddd;padding:8px 12px}
aside h2{font-size:15px;margin:12px 0 6px}
#results,#neighbours{list-style:none;padding:0;margin:0}
#results button,#neighbours button{all:unset;cursor:pointer;color:#114;display:block;padding:2px 0}
#results button:hover,#neighbours button:hover{text-decoration:underline}
#record table{border-collapse:collapse;width:100%}
#record td{border-top:1px solid #eee;padding:3px 4px;vertical-align:top;word-break:break-word}
#record td:first-child{color:#555;white-space:nowrap}
#provenance{padding-left:18px;margin:0}
#legend{list-style:none;padding:0;margin:0}
#legend li{display:flex;gap:6px;align-items:center;padding:1px 0}
.swatch{display:inline-block;flex:none;width:12px;height:12px;border-radius:50%}
#status{color:#555}
"##;

const SCRIPT: &str = r##"
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const nodes = data.nodes, edges = data.edges;
  const $ = (id) => document.getElementById(id);
  const canvas = $("graph"), ctx = canvas.getContext("2d");
  const fold = (s) => String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const colour = (c) => c >= 1 && c <= data.palette.length ? data.palette[c - 1] : (c > 0 ? data.other : data.unclustered);
  const neighbours = nodes.map(() => []);
  for (const [a, b] of edges) { neighbours[a].push(b); neighbours[b].push(a); }
  for (const n of nodes) {
    n.search = fold([n.label, n.attrs.title || "", n.attrs.cited_authors || "", n.authors.join(" "), n.attrs.doi || ""].join(" "));
  }
  const text = (el, s) => { el.textContent = s == null ? "" : String(s); return el; };
  const make = (tag, s) => text(document.createElement(tag), s);

  $("title").textContent = data.title;
  $("subtitle").textContent = [data.date, nodes.length + " nodes", edges.length + " links"].filter(Boolean).join(" \u00b7 ");
  document.title = data.title;

  // The filter spans the corpus papers' years (cited works reach back to
  // antiquity); with the bounds at their defaults, older and newer works stay shown.
  const paperYears = nodes.filter((n) => n.kind === "paper").map((n) => n.year).filter((y) => Number.isInteger(y));
  const years = paperYears.length ? paperYears : nodes.map((n) => n.year).filter((y) => Number.isInteger(y));
  const ymin = years.reduce((a, b) => Math.min(a, b), years.length ? years[0] : 0);
  const ymax = years.reduce((a, b) => Math.max(a, b), years.length ? years[0] : 0);
  // Label candidates, most important first (sorted once, not on every
  // frame): size (citations) plus links, so a corpus paper with many
  // references but few citations (the centre of a star) is labelled too.
  const score = nodes.map((n, i) => n.r + 2 * Math.sqrt(neighbours[i].length));
  const bySize = nodes.map((n, i) => i).sort((a, b) => score[b] - score[a] || a - b);
  const yFrom = $("year-from"), yTo = $("year-to");
  yFrom.value = ymin; yTo.value = ymax; yFrom.min = yTo.min = ymin; yFrom.max = yTo.max = ymax;
  let range = [ymin, ymax];
  const visible = (n) => n.year === undefined || !years.length ||
    ((n.year >= range[0] || range[0] <= ymin) && (n.year <= range[1] || range[1] >= ymax));

  for (const c of data.clusters) {
    const li = document.createElement("li");
    const sw = document.createElement("span");
    sw.className = "swatch"; sw.style.background = colour(c.id);
    li.append(sw, make("span", c.label + " (" + c.count + ")"));
    $("legend").append(li);
  }

  let view = { s: 1, x: 0, y: 0 }, selected = -1;
  function resize() {
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, canvas.clientWidth * dpr);
    canvas.height = Math.max(1, canvas.clientHeight * dpr);
    draw();
  }
  function fit() {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of nodes) { x0 = Math.min(x0, n.x - n.r); y0 = Math.min(y0, n.y - n.r); x1 = Math.max(x1, n.x + n.r); y1 = Math.max(y1, n.y + n.r); }
    if (!nodes.length) { x0 = y0 = 0; x1 = y1 = 1000; }
    const w = canvas.clientWidth || 800, h = canvas.clientHeight || 600;
    const s = 0.94 * Math.min(w / Math.max(1e-9, x1 - x0), h / Math.max(1e-9, y1 - y0));
    view = { s, x: w / 2 - s * (x0 + x1) / 2, y: h / 2 - s * (y0 + y1) / 2 };
  }
  function draw() {
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr * view.s, 0, 0, dpr * view.s, dpr * view.x, dpr * view.y);
    ctx.lineWidth = 0.8 / view.s;
    ctx.strokeStyle = edges.length > 5000 ? "rgba(120,120,120,0.10)" : "rgba(120,120,120,0.35)";
    ctx.beginPath();
    for (const [a, b] of edges) {
      const p = nodes[a], q = nodes[b];
      if (!visible(p) || !visible(q)) continue;
      ctx.moveTo(p.x, p.y); ctx.lineTo(q.x, q.y);
    }
    ctx.stroke();
    const near = new Set(selected >= 0 ? neighbours[selected] : []);
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (!visible(n)) continue;
      ctx.globalAlpha = selected < 0 || i === selected || near.has(i) ? 1 : 0.25;
      ctx.fillStyle = colour(n.c);
      ctx.beginPath(); ctx.arc(n.x, n.y, n.r, 0, 2 * Math.PI); ctx.fill();
    }
    ctx.globalAlpha = 1;
    if (selected >= 0) {
      const n = nodes[selected];
      ctx.lineWidth = 2.5 / view.s; ctx.strokeStyle = "#000";
      ctx.beginPath(); ctx.arc(n.x, n.y, n.r + 2 / view.s, 0, 2 * Math.PI); ctx.stroke();
    }
    // Labels of the biggest visible nodes that have room on screen.
    ctx.font = (12 / view.s) + "px 'DejaVu Sans', sans-serif";
    ctx.fillStyle = "#1a1a1a";
    const order = [];
    for (const i of bySize) { if (order.length >= 60) break; if (visible(nodes[i])) order.push(i); }
    const boxes = [];
    for (const i of order) {
      const n = nodes[i];
      const w = ctx.measureText(n.label).width, h = 14 / view.s;
      // Right of the node, or left of it when the canvas (beside the panel) ends first.
      const right = (canvas.clientWidth - view.x) / view.s - 4 / view.s;
      let b = [n.x + n.r + 2 / view.s, n.y - h / 2, n.x + n.r + 2 / view.s + w, n.y + h / 2];
      if (b[2] > right) b = [n.x - n.r - 2 / view.s - w, b[1], n.x - n.r - 2 / view.s, b[3]];
      if (b[0] < -view.x / view.s || b[2] > right) continue;
      if (boxes.some((o) => b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3])) continue;
      boxes.push(b);
      ctx.fillText(n.label, b[0], n.y + 4 / view.s);
    }
    $("status").textContent = nodes.filter(visible).length + " of " + nodes.length + " nodes shown";
  }
  function select(i, centre) {
    selected = i;
    const rec = $("record"); rec.replaceChildren();
    if (i < 0) { draw(); return; }
    const n = nodes[i];
    rec.append(make("h2", n.label));
    const table = document.createElement("table");
    const row = (k, v) => { const tr = document.createElement("tr"); tr.append(make("td", k), make("td", v)); table.append(tr); };
    row("id", n.id); row("kind", n.kind);
    if (n.authors.length) row("authors", n.authors.join("; "));
    for (const k of Object.keys(n.attrs).sort()) if (k !== "sources") row(k, n.attrs[k]);
    rec.append(table);
    rec.append(make("h2", "Provenance"));
    const prov = document.createElement("ul"); prov.id = "provenance";
    for (const s of String(n.attrs.sources || "").split("; ").filter(Boolean)) prov.append(make("li", s));
    rec.append(prov);
    rec.append(make("h2", "Neighbours (" + neighbours[i].length + ")"));
    const list = document.createElement("ol"); list.id = "neighbours";
    for (const j of [...new Set(neighbours[i])].sort((a, b) => nodes[b].r - nodes[a].r || a - b).slice(0, 200)) {
      const li = document.createElement("li"); const b = make("button", nodes[j].label);
      b.addEventListener("click", () => select(j, true)); li.append(b); list.append(li);
    }
    rec.append(list);
    if (centre) {
      const w = canvas.clientWidth, h = canvas.clientHeight;
      view.x = w / 2 - view.s * n.x; view.y = h / 2 - view.s * n.y;
    }
    draw();
  }
  function search(q) {
    const out = $("results"); out.replaceChildren();
    const f = fold(q).trim();
    if (!f) { $("result-count").textContent = ""; return; }
    const words = f.split(/\s+/);
    const hits = [];
    for (let i = 0; i < nodes.length; i++) if (words.every((w) => nodes[i].search.includes(w))) hits.push(i);
    hits.sort((a, b) => nodes[b].r - nodes[a].r || a - b);
    $("result-count").textContent = hits.length + " found";
    for (const i of hits.slice(0, 100)) {
      const li = document.createElement("li"); li.dataset.id = nodes[i].id;
      const b = make("button", nodes[i].label + (nodes[i].attrs.title ? " \u2014 " + nodes[i].attrs.title : ""));
      b.addEventListener("click", () => select(i, true)); li.append(b); out.append(li);
    }
    if (hits.length === 1) select(hits[0], true);
  }
  function applyHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (params.has("years")) {
      const m = /^(\d+)-(\d+)$/.exec(params.get("years"));
      if (m) { yFrom.value = m[1]; yTo.value = m[2]; range = [+m[1], +m[2]]; }
    }
    if (params.has("search")) { $("search").value = params.get("search"); search(params.get("search")); }
    if (params.has("node")) { const i = nodes.findIndex((n) => n.id === params.get("node")); if (i >= 0) select(i, true); }
    draw();
  }

  $("search").addEventListener("input", (e) => search(e.target.value));
  const onYears = () => { range = [Number(yFrom.value) || ymin, Number(yTo.value) || ymax]; draw(); };
  yFrom.addEventListener("input", onYears); yTo.addEventListener("input", onYears);
  let drag = null;
  canvas.addEventListener("mousedown", (e) => { drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false }; canvas.classList.add("dragging"); });
  window.addEventListener("mousemove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    view.x = drag.vx + dx; view.y = drag.vy + dy; draw();
  });
  window.addEventListener("mouseup", (e) => {
    if (!drag) return;
    const moved = drag.moved; drag = null; canvas.classList.remove("dragging");
    if (moved) return;
    const r = canvas.getBoundingClientRect();
    const wx = (e.clientX - r.left - view.x) / view.s, wy = (e.clientY - r.top - view.y) / view.s;
    let best = -1, bd = Infinity;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]; if (!visible(n)) continue;
      const d = Math.hypot(n.x - wx, n.y - wy);
      if (d <= n.r + 4 / view.s && d < bd) { bd = d; best = i; }
    }
    select(best, false);
  });
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    const mx = e.clientX - r.left, my = e.clientY - r.top;
    const k = Math.exp(-e.deltaY * 0.0015);
    view.x = mx - (mx - view.x) * k; view.y = my - (my - view.y) * k; view.s *= k; draw();
  }, { passive: false });
  window.addEventListener("resize", resize);
  window.addEventListener("hashchange", applyHash);
  fit(); resize(); applyHash();
  document.body.dataset.ready = "true";
})();
"##;

/// Writes the interactive page of `g`.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    let data = serde_json::to_string(&graph_data(g, opts))?;
    let data = script_safe_json(&data);
    let title = html_text(&opts.title);
    write!(
        w,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="citemap {version}">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1 id="title">{title}</h1>
<span id="subtitle"></span>
<input id="search" type="search" placeholder="Search title, author or DOI" aria-label="Search title, author or DOI">
<label>Years <input id="year-from" type="number" aria-label="From year"> to <input id="year-to" type="number" aria-label="To year"></label>
<span id="status"></span>
</header>
<main>
<canvas id="graph" aria-label="Citation graph"></canvas>
<aside>
<h2>Search results <span id="result-count"></span></h2>
<ol id="results"></ol>
<section id="record"></section>
<h2>Clusters</h2>
<ul id="legend"></ul>
</aside>
</main>
<script type="application/json" id="graph-data">{data}</script>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        version = crate::VERSION,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breakers_are_escaped() {
        let s = script_safe_json(r#"{"t":"</script><img src=x onerror=alert(1)> & \u2028"}"#);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["t"], "</script><img src=x onerror=alert(1)> & \u{2028}");
    }
}
