//! The historiograph (Garfield's "historiograph", bibliometrix's
//! `histPlot`): the most cited works of a graph placed by publication year
//! along the horizontal axis, with arrows for the citations among them.
//!
//! Years run along a compressed axis (a stretch without works takes at
//! most four years' width, marked with a break), the tallest column fills
//! the height, and the legend is as wide as its names need (longer ones
//! wrap), so the drawing fills the canvas and no text is cut.
//!
//! Works are ranked by citations received inside the graph (`cites` edges),
//! then by `citations`/`times_cited`, then id; the top `max_works` with a
//! year are drawn. Works of one year are stacked in one column, ordered by
//! cluster then rank, so a cluster's works sit at the same height from year
//! to year. Arrows point from the citing to the cited work. Colours are the
//! cluster colours of [`super::svg::cluster_colour`]; labels are placed with
//! [`super::labels`] so none overlaps another or a node.
//!
//! **Invariant:** the SVG depends only on the graph and the options (sorted
//! iteration, coordinates rounded to 0.1 px); everything from the data is
//! XML-escaped.

use super::glyph_widths::text_width;
use super::labels::{distinct_labels, first_author, place_labels_avoiding, shorten, LabelRequest, Rect};
use super::raster::FONT_FAMILY;
use super::svg::{cluster_colour, RenderOptions};
use crate::escape::xml;
use crate::graph::{attr, format_float, Attr, CitationGraph, EdgeKind, NodeKind};
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Works drawn when the options give no label count.
pub const DEFAULT_WORKS: usize = 40;

fn num(v: f32) -> String {
    format_float((v as f64 * 10.0).round() / 10.0)
}

fn int_attr(n: &crate::graph::Node, key: &str) -> Option<i64> {
    match n.attrs.get(key) {
        Some(Attr::Int(v)) => Some(*v),
        Some(Attr::Float(v)) if v.is_finite() => Some(v.round() as i64),
        _ => None,
    }
}

/// The works the historiograph shows, as node indices, best first.
pub fn select_works(graph: &CitationGraph, max_works: usize) -> Vec<usize> {
    let g = &graph.graph;
    let mut cited = vec![0u64; g.node_count()];
    for e in g.edge_references() {
        if e.weight().kind == EdgeKind::Cites && e.source() != e.target() {
            cited[e.target().index()] += 1;
        }
    }
    let mut ranked: Vec<(u64, u64, &str, usize)> = g
        .node_indices()
        .filter_map(|ix| {
            let n = &g[ix];
            if !matches!(n.kind, NodeKind::Paper | NodeKind::CitedWork) {
                return None;
            }
            int_attr(n, attr::YEAR)?;
            let global = int_attr(n, "citations")
                .or_else(|| int_attr(n, "times_cited"))
                .or_else(|| int_attr(n, "citations_local"))
                .unwrap_or(0)
                .max(0) as u64;
            Some((cited[ix.index()], global, n.id.as_str(), ix.index()))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
    ranked.into_iter().take(max_works.max(1)).map(|r| r.3).collect()
}

/// Draws the historiograph of `graph` (works, `cites` edges; clusters from
/// the `cluster` attribute). `opts.max_labels` caps the works drawn
/// (default [`DEFAULT_WORKS`]).
///
/// Complexity: O(n log n + m) plus O(k²) label placement for k works.
pub fn render_timeline_svg(graph: &CitationGraph, opts: &RenderOptions) -> String {
    let g = &graph.graph;
    let (w, h) = (opts.width.clamp(300, 16_384) as f32, opts.height.clamp(200, 16_384) as f32);
    let chosen = select_works(graph, opts.max_labels.unwrap_or(DEFAULT_WORKS));
    let rank: BTreeMap<usize, usize> = chosen.iter().enumerate().map(|(r, &i)| (i, r)).collect();
    let node = |i: usize| &g[petgraph::graph::NodeIndex::new(i)];
    let year = |i: usize| int_attr(node(i), attr::YEAR).unwrap_or(0);
    let cluster = |i: usize| int_attr(node(i), attr::CLUSTER).unwrap_or(0).max(0);
    let mut columns: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for &i in &chosen {
        columns.entry(year(i)).or_default().push(i);
    }
    for col in columns.values_mut() {
        // Clusters in number order (unclustered last), then rank.
        col.sort_by_key(|&i| (if cluster(i) == 0 { i64::MAX } else { cluster(i) }, rank[&i]));
    }
    let header = 64.0;
    // Legend entries, measured first: the legend is as wide as its longest
    // entry needs (up to a third of the picture), longer names wrap.
    let mut shown: BTreeMap<i64, (String, usize)> = BTreeMap::new();
    for &i in &chosen {
        let c = cluster(i);
        let name = match node(i).attrs.get(attr::CLUSTER_NAME) {
            Some(Attr::Str(s)) if c > 0 && !s.trim().is_empty() => format!("{c}. {}", s.trim()),
            _ if c > 0 => format!("Cluster {c}"),
            _ => "unclustered".to_string(),
        };
        shown.entry(if c == 0 { i64::MAX } else { c }).or_insert((name, 0)).1 += 1;
    }
    let legend_w = if opts.legend {
        let need = shown
            .values()
            .map(|(name, k)| text_width(&format!("{name} ({k})"), 12.0, false))
            .fold(text_width("Clusters", 14.0, true), f32::max);
        (need + 30.0).clamp(150.0, w / 3.0)
    } else {
        0.0
    };
    let plot = Rect { x0: 40.0, y0: header + 16.0, x1: w - legend_w - 160.0, y1: h - 50.0 };
    // Years on a compressed axis: a stretch of years without works takes
    // at most four years' width, marked by a break on the axis, so the
    // columns spread over the whole width.
    const MAX_GAP: i64 = 4;
    let years: Vec<i64> = columns.keys().copied().collect();
    let mut units: BTreeMap<i64, f32> = BTreeMap::new();
    let mut breaks: Vec<f32> = Vec::new();
    let mut u = 0.0f32;
    for (k, &y) in years.iter().enumerate() {
        if k > 0 {
            let gap = y - years[k - 1];
            if gap > MAX_GAP {
                breaks.push(u + MAX_GAP as f32 / 2.0);
            }
            u += gap.min(MAX_GAP) as f32;
        }
        units.insert(y, u);
    }
    let total = u.max(1.0);
    let x_at = |u: f32| {
        if years.len() < 2 {
            (plot.x0 + plot.x1) / 2.0
        } else {
            plot.x0 + u / total * (plot.x1 - plot.x0)
        }
    };
    let x_of = |y: i64| x_at(units.get(&y).copied().unwrap_or(0.0));
    let tallest = columns.values().map(Vec::len).max().unwrap_or(1).max(1) as f32;
    // Rows spread over the whole height: the tallest column runs from top
    // to bottom (a short one stays around the middle).
    let ph = plot.y1 - plot.y0;
    let step = if tallest > 1.0 { ((ph - 40.0) / (tallest - 1.0)).min(ph / 2.5) } else { ph };
    let mut pos: BTreeMap<usize, (f32, f32)> = BTreeMap::new();
    for (&y, col) in &columns {
        let top = (plot.y0 + plot.y1) / 2.0 - step * (col.len() as f32 - 1.0) / 2.0;
        for (k, &i) in col.iter().enumerate() {
            pos.insert(i, (x_of(y), top + k as f32 * step));
        }
    }
    let r = (step * 0.22).clamp(3.0, 9.0);

    let mut out = String::with_capacity(4096 + chosen.len() * 400);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}">"#
    );
    let _ = writeln!(
        out,
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10Z" fill="#6E6E6E"/></marker></defs>"##
    );
    if !opts.transparent {
        let _ = writeln!(out, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
    }

    // Year axis: a tick at every column, labelled where the label has
    // room; a double slash where empty years are left out.
    let axis_y = plot.y1 + 14.0;
    let _ = writeln!(
        out,
        r##"<path d="M{} {}L{} {}" stroke="#555555" stroke-width="1"/>"##,
        num(plot.x0),
        num(axis_y),
        num(plot.x1),
        num(axis_y)
    );
    let mut last_right = f32::NEG_INFINITY;
    for &y in &years {
        let x = x_of(y);
        let _ = writeln!(
            out,
            r##"<path d="M{} {}L{} {}" stroke="#555555" stroke-width="1"/>"##,
            num(x),
            num(axis_y),
            num(x),
            num(axis_y + 5.0)
        );
        let half = text_width(&y.to_string(), 12.0, false) / 2.0;
        if x - half > last_right + 6.0 {
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" font-size="12" fill="#333333" text-anchor="middle">{y}</text>"##,
                num(x),
                num(axis_y + 19.0)
            );
            last_right = x + half;
        }
    }
    for &b in &breaks {
        let x = x_at(b);
        let _ = writeln!(
            out,
            r##"<path d="M{} {}L{} {}M{} {}L{} {}" stroke="#555555" stroke-width="1.2"/>"##,
            num(x - 5.0),
            num(axis_y + 5.0),
            num(x - 1.0),
            num(axis_y - 5.0),
            num(x + 1.0),
            num(axis_y + 5.0),
            num(x + 5.0),
            num(axis_y - 5.0)
        );
    }

    // Citation arrows among the drawn works, citing -> cited.
    let mut arrows: BTreeSet<(usize, usize)> = BTreeSet::new();
    for e in g.edge_references() {
        let (a, b) = (e.source().index(), e.target().index());
        if e.weight().kind == EdgeKind::Cites && a != b && pos.contains_key(&a) && pos.contains_key(&b) {
            arrows.insert((a, b));
        }
    }
    let _ = writeln!(
        out,
        r##"<g id="citations" fill="none" stroke="#6E6E6E" stroke-opacity="0.6" stroke-width="1">"##
    );
    for &(a, b) in &arrows {
        let (p, q) = (pos[&a], pos[&b]);
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let len = dx.hypot(dy).max(1e-3);
        // End at the cited disc's rim; bend so arrows within a column stay apart.
        let (ex, ey) = (q.0 - dx / len * (r + 1.5), q.1 - dy / len * (r + 1.5));
        let bend = if dx.abs() < 1.0 { 0.35 * len } else { 0.12 * len };
        let (mx, my) = ((p.0 + ex) / 2.0 - dy / len * bend, (p.1 + ey) / 2.0 + dx / len * bend);
        let _ = writeln!(
            out,
            r#"<path d="M{} {}Q{} {} {} {}" marker-end="url(#arrow)"/>"#,
            num(p.0),
            num(p.1),
            num(mx),
            num(my),
            num(ex),
            num(ey)
        );
    }
    out.push_str("</g>\n<g id=\"nodes\">\n");
    for (&i, &(x, y)) in &pos {
        let _ = writeln!(
            out,
            r##"<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#ffffff" stroke-width="0.8"/>"##,
            num(x),
            num(y),
            num(r),
            cluster_colour(cluster(i))
        );
    }
    out.push_str("</g>\n");

    // Labels, most cited first.
    let size = if opts.label_size.is_finite() { opts.label_size.clamp(6.0, 40.0) } else { 11.0 };
    let texts: Vec<String> = chosen
        .iter()
        .map(|&i| {
            let n = node(i);
            shorten(if n.label.trim().is_empty() { n.id.trim() } else { n.label.trim() }, 36)
        })
        .collect();
    let authors: Vec<Option<String>> = chosen.iter().map(|&i| first_author(node(i))).collect();
    let texts = distinct_labels(&texts, &authors);
    let requests: Vec<LabelRequest> = chosen
        .iter()
        .zip(&texts)
        .map(|(i, t)| {
            let (x, y) = pos[i];
            LabelRequest { x, y, r, width: text_width(t, size, false), height: size * 1.164 }
        })
        .collect();
    let frame = Rect { x0: 8.0, y0: header, x1: w - legend_w - 8.0, y1: plot.y1 + 8.0 };
    let placed = place_labels_avoiding(&requests, &[], 0, frame);
    out.push_str("<g id=\"labels\" fill=\"#1A1A1A\">\n");
    for (t, p) in texts.iter().zip(&placed) {
        let Some(p) = p else { continue };
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="{}">{}</text>"#,
            num(p.rect.x0),
            num(p.rect.y0 + size * 0.928),
            num(size),
            xml(t)
        );
    }
    out.push_str("</g>\n");

    let _ = writeln!(
        out,
        r##"<text x="16" y="34" font-size="22" font-weight="bold" fill="#1A1A1A">{}</text>"##,
        xml(opts.title.trim())
    );
    let mut sub: Vec<String> = opts.date.iter().filter(|d| !d.trim().is_empty()).cloned().collect();
    sub.push(format!("historiograph: {} most cited works, {} citations among them", pos.len(), arrows.len()));
    let _ = writeln!(
        out,
        r##"<text x="16" y="54" font-size="13" fill="#555555">{}</text>"##,
        xml(&sub.join(" · "))
    );

    if opts.legend {
        let x = w - legend_w;
        let mut y = header + 4.0;
        out.push_str("<g id=\"legend\">\n");
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#1A1A1A">Clusters</text>"##,
            num(x),
            num(y + 13.0)
        );
        y += 24.0;
        for (&c, (name, k)) in &shown {
            let lines = super::svg::wrap_text(&format!("{name} ({k})"), 12.0, legend_w - 24.0, 3);
            if y + 16.0 * lines.len() as f32 > h - 8.0 {
                break;
            }
            let colour = cluster_colour(if c == i64::MAX { 0 } else { c });
            y += super::svg::legend_item(&mut out, x, y, colour, &lines);
        }
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" font-size="12" fill="#555555">arrow: cites</text>"##,
            num(x),
            num(y + 14.0)
        );
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}
