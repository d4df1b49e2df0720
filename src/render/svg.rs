//! SVG drawing of a laid-out [`CitationGraph`]: nodes coloured by cluster and
//! sized by citations, light edges behind them (thinned for big graphs),
//! non-overlapping labels for the most cited nodes, a legend, a title and a
//! date. [`render_png`] rasterises the same SVG with the embedded font.
//!
//! **Invariant:** the SVG depends only on the graph, the positions and the
//! options (no clock, sorted iteration, coordinates rounded to 0.1 px and
//! printed with [`format_float`]); everything from the data is XML-escaped.

use super::glyph_widths::text_width;
use super::labels::{distinct_labels, first_author, place_labels_avoiding, shorten, LabelRequest, Rect};
use super::raster::{self, FONT_FAMILY};
use crate::escape::{truncate, xml};
use crate::graph::{attr, format_float, Attr, CitationGraph, NodeKind};
use crate::graph::{node_clusters as clusters, node_weights};
use crate::style::{bounds, relative_radius};
use petgraph::graph::EdgeIndex;
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Up to this many nodes, labels keep clear of every node, not only labelled ones.
const LABEL_CLEAR_MAX_NODES: usize = 5_000;

/// The most important labels, which may cover unlabelled nodes when nothing
/// else fits (see [`place_labels_avoiding`]).
const ESSENTIAL_LABELS: usize = 12;

pub use crate::style::{cluster_colour, OTHER_COLOUR, PALETTE, UNCLUSTERED_COLOUR};

/// DejaVu Sans ascent and descent as fractions of the font size.
const ASCENT: f32 = 0.928;
const DESCENT: f32 = 0.236;

/// Picture settings.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Title line.
    pub title: String,
    /// Date printed under the title (pass the run date; the clock is never read).
    pub date: Option<String>,
    /// Most labels to try; `None`: every node up to 80 nodes, else 50.
    pub max_labels: Option<usize>,
    /// Font size of the smallest labels in pixels (the most cited get up to 5 px more).
    pub label_size: f32,
    /// Above this many edges, keep only each node's heaviest [`edges_per_node`](Self::edges_per_node).
    pub edge_budget: usize,
    /// Edges kept per node when thinning.
    pub edges_per_node: usize,
    /// Hard cap on drawn edges (heaviest first), to bound the SVG size.
    pub max_edges: usize,
    /// Draw the legend.
    pub legend: bool,
    /// Draw node kinds with different shapes (circle for works, square for
    /// people and organisations, diamond for venues, triangle for subjects).
    pub shapes: bool,
    /// PNG scale factor for [`render_png`] (2.0 for print; `--dpi N` is N / 96).
    pub scale: f32,
    /// What the picture shows (clusters, year overlay, density).
    pub view: View,
    /// Leave the background transparent (PNG alpha, no white SVG rectangle).
    pub transparent: bool,
}

/// What a map picture shows.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum View {
    /// Nodes coloured by cluster (VOSviewer's network view).
    #[default]
    Clusters,
    /// Nodes coloured by publication year on a sequential scale (VOSviewer's
    /// overlay view); nodes without a year take the mean year of their
    /// neighbours, else grey.
    OverlayYear,
    /// A kernel density estimate of the layout, weighted by node size, with
    /// labels and no edges (VOSviewer's density view).
    Density,
    /// The historiograph: the most cited works by year, citation arrows
    /// between them ([`super::timeline`]).
    Timeline,
    /// The review–study bipartite map of an umbrella review: reviews on one
    /// side, the primary studies they include on the other ([`super::umbrella`]).
    Umbrella,
}

impl View {
    /// Parses `clusters`, `overlay-year`, `density`, `timeline`, `umbrella`.
    pub fn parse(s: &str) -> Option<View> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "clusters" | "network" => View::Clusters,
            "overlay-year" | "overlay" | "year" => View::OverlayYear,
            "density" => View::Density,
            "timeline" | "historiograph" => View::Timeline,
            "umbrella" | "review-study" => View::Umbrella,
            _ => return None,
        })
    }
    /// The name `parse` reads.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Clusters => "clusters",
            View::OverlayYear => "overlay-year",
            View::Density => "density",
            View::Timeline => "timeline",
            View::Umbrella => "umbrella",
        }
    }
}

impl Default for RenderOptions {
    fn default() -> Self {
        // The settings a user can change are [`super::PictureOptions`]'s.
        let p = super::PictureOptions::default();
        RenderOptions {
            width: p.width,
            height: p.height,
            title: "Citation map".into(),
            date: None,
            max_labels: None,
            label_size: 11.0,
            edge_budget: 3000,
            edges_per_node: 3,
            max_edges: 40_000,
            legend: p.legend,
            shapes: true,
            scale: p.scale,
            view: p.view,
            transparent: p.transparent,
        }
    }
}

/// Rounds to 0.1 px and prints with [`format_float`].
fn num(v: f32) -> String {
    format_float((v as f64 * 10.0).round() / 10.0)
}

/// Viridis at nine stops (dark blue, old -> yellow, recent), for the year overlay.
const SEQUENTIAL: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];

/// The sequential colour at `t` in [0, 1] as `#rrggbb`.
pub fn sequential_colour(t: f64) -> String {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let x = t * (SEQUENTIAL.len() - 1) as f64;
    let i = (x.floor() as usize).min(SEQUENTIAL.len() - 2);
    let f = x - i as f64;
    let (a, b) = (SEQUENTIAL[i], SEQUENTIAL[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round().clamp(0.0, 255.0) as u8;
    format!("#{:02X}{:02X}{:02X}", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// `#rrggbb` at opacity `a` over white, as an opaque colour.
fn on_white(hex: &str, a: f64) -> String {
    let ch = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("ff"), 16).unwrap_or(255) as f64;
    let mix = |c: f64| (255.0 + (c - 255.0) * a.clamp(0.0, 1.0)).round() as u8;
    format!("#{:02X}{:02X}{:02X}", mix(ch(1)), mix(ch(3)), mix(ch(5)))
}

/// Each node's year: its own `year`, else the mean year of its neighbours
/// that have one (people, venues, subjects in the full graph), else `None`.
pub fn node_years(graph: &CitationGraph) -> Vec<Option<f64>> {
    let g = &graph.graph;
    let own: Vec<Option<f64>> = g
        .node_weights()
        .map(|n| match n.attrs.get(attr::YEAR) {
            Some(Attr::Int(y)) => Some(*y as f64),
            Some(Attr::Float(y)) if y.is_finite() => Some(*y),
            _ => None,
        })
        .collect();
    let mut sum = vec![(0.0f64, 0usize); own.len()];
    for e in g.edge_references() {
        let (a, b) = (e.source().index(), e.target().index());
        if let Some(y) = own[b] {
            sum[a].0 += y;
            sum[a].1 += 1;
        }
        if let Some(y) = own[a] {
            sum[b].0 += y;
            sum[b].1 += 1;
        }
    }
    own.iter().zip(&sum).map(|(o, &(s, k))| o.or((k > 0).then(|| s / k as f64))).collect()
}

fn kind_colour(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Paper => PALETTE[0],
        NodeKind::CitedWork => PALETTE[4],
        NodeKind::Person => PALETTE[1],
        NodeKind::Organisation => PALETTE[5],
        NodeKind::Venue => PALETTE[2],
        NodeKind::Subject => PALETTE[3],
    }
}

fn kind_name(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Paper => "paper",
        NodeKind::CitedWork => "cited work",
        NodeKind::Person => "person",
        NodeKind::Organisation => "organisation",
        NodeKind::Venue => "venue",
        NodeKind::Subject => "subject",
    }
}

/// The edges to draw: all of them up to `budget`; above it, the union of every
/// node's `per_node` heaviest edges; at most `cap` overall (heaviest first).
/// Self-loops are skipped. Sorted by weight (descending), then edge index.
pub fn select_edges(graph: &CitationGraph, budget: usize, per_node: usize, cap: usize) -> Vec<EdgeIndex> {
    let g = &graph.graph;
    let weight = |e: EdgeIndex| g.edge_weight(e).map(|w| w.weight).filter(|w| w.is_finite()).unwrap_or(0.0);
    let by_weight =
        |a: &EdgeIndex, b: &EdgeIndex| weight(*b).total_cmp(&weight(*a)).then(a.index().cmp(&b.index()));
    let mut all: Vec<EdgeIndex> =
        g.edge_references().filter(|e| e.source() != e.target()).map(|e| e.id()).collect();
    if all.len() > budget {
        let mut keep = BTreeSet::new();
        let mut incident: Vec<Vec<EdgeIndex>> = vec![Vec::new(); g.node_count()];
        for &e in &all {
            if let Some((a, b)) = g.edge_endpoints(e) {
                incident[a.index()].push(e);
                incident[b.index()].push(e);
            }
        }
        for list in &mut incident {
            list.sort_by(by_weight);
            keep.extend(list.iter().take(per_node).copied());
        }
        all = keep.into_iter().collect();
    }
    all.sort_by(by_weight);
    all.truncate(cap);
    all
}

struct Frame {
    plot: Rect,
    scale: f32,
    cx: f32,
    cy: f32,
    mx: f32,
    my: f32,
}

impl Frame {
    fn map(&self, (x, y): (f32, f32)) -> (f32, f32) {
        let (x, y) = if x.is_finite() && y.is_finite() { (x, y) } else { (self.cx, self.cy) };
        (self.mx + (x - self.cx) * self.scale, self.my + (y - self.cy) * self.scale)
    }
}

/// Legend entries: (colour, text).
fn legend_entries(graph: &CitationGraph, cl: &[i64], by_cluster: bool) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if by_cluster {
        let mut count: BTreeMap<i64, usize> = BTreeMap::new();
        let mut name: BTreeMap<i64, String> = BTreeMap::new();
        for (i, n) in graph.graph.node_weights().enumerate() {
            let c = cl.get(i).copied().unwrap_or(0);
            *count.entry(c).or_insert(0) += 1;
            if let Some(Attr::Str(s)) = n.attrs.get(attr::CLUSTER_NAME) {
                name.entry(c).or_insert_with(|| s.to_string());
            }
        }
        let mut others = (0, 0);
        for (&c, &k) in &count {
            if c == 0 {
                continue;
            }
            if c as usize > PALETTE.len() {
                others = (others.0 + 1, others.1 + k);
                continue;
            }
            let label = match name.get(&c) {
                Some(s) if !s.trim().is_empty() => format!("{c}. {} ({k})", s.trim()),
                _ => format!("Cluster {c} ({k})"),
            };
            out.push((cluster_colour(c), label));
        }
        if others.0 > 0 {
            out.push((OTHER_COLOUR, format!("{} more clusters ({})", others.0, others.1)));
        }
        if let Some(k) = count.get(&0) {
            out.push((UNCLUSTERED_COLOUR, format!("unclustered ({k})")));
        }
    } else {
        for (k, c) in graph.count_nodes() {
            out.push((kind_colour(k), format!("{} ({c})", kind_name(k))));
        }
    }
    out
}

/// Breaks `text` at spaces into at most `max_lines` lines of width `max_w`;
/// the last line is shortened with an ellipsis when the text does not fit.
pub(super) fn wrap_text(text: &str, size: f32, max_w: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let mut i = 0;
    while i < words.len() {
        let candidate =
            if current.is_empty() { words[i].to_string() } else { format!("{current} {}", words[i]) };
        if text_width(&candidate, size, false) <= max_w || current.is_empty() {
            current = candidate;
            i += 1;
        } else {
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines - 1 {
                break;
            }
        }
    }
    let rest: Vec<&str> = words[i..].to_vec();
    let last = if rest.is_empty() {
        current
    } else if current.is_empty() {
        rest.join(" ")
    } else {
        format!("{current} {}", rest.join(" "))
    };
    if !last.is_empty() {
        lines.push(fit_text(&last, size, false, max_w));
    }
    lines
}

/// One legend line: a disc of `colour` at (`x`, `y`) and `lines` of text
/// beside it (from [`wrap_text`]); returns the height used.
pub(super) fn legend_item(out: &mut String, x: f32, y: f32, colour: &str, lines: &[String]) -> f32 {
    let _ = writeln!(out, r##"<circle cx="{}" cy="{}" r="6" fill="{colour}"/>"##, num(x + 6.0), num(y + 6.0));
    for (i, t) in lines.iter().enumerate() {
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" font-size="12" fill="#1A1A1A">{}</text>"##,
            num(x + 18.0),
            num(y + 10.5 + 15.0 * i as f32),
            xml(t)
        );
    }
    20.0 + 15.0 * (lines.len().max(1) - 1) as f32
}

/// Cuts `text` (with an ellipsis) until it is at most `max_w` pixels wide;
/// empty when not even one character fits.
pub(super) fn fit_text(text: &str, size: f32, bold: bool, max_w: f32) -> String {
    if text_width(text, size, bold) <= max_w {
        return text.to_string();
    }
    let mut n = text.chars().count();
    while n > 1 {
        n -= 1;
        let t = truncate(text, n);
        if text_width(&t, size, bold) <= max_w {
            return t;
        }
    }
    String::new()
}

fn shape(out: &mut String, kind: NodeKind, shapes: bool, x: f32, y: f32, r: f32, fill: &str) {
    let (xs, ys, rs) = (num(x), num(y), num(r));
    let stroke = disc_stroke(r);
    let kind = if shapes { kind } else { NodeKind::Paper };
    let _ = match kind {
        NodeKind::Paper => writeln!(out, r#"<circle cx="{xs}" cy="{ys}" r="{rs}" fill="{fill}"{stroke}/>"#),
        // Works known only from citations: a pale disc with a solid rim.
        NodeKind::CitedWork => writeln!(
            out,
            r#"<circle cx="{xs}" cy="{ys}" r="{rs}" fill="{fill}" fill-opacity="0.4" stroke="{fill}" stroke-width="{}"/>"#,
            num((r * 0.25).clamp(0.6, 2.0))
        ),
        NodeKind::Person | NodeKind::Organisation => {
            let s = r * 0.886;
            writeln!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"{stroke}/>"#,
                num(x - s),
                num(y - s),
                num(2.0 * s),
                num(2.0 * s)
            )
        }
        NodeKind::Venue => {
            let s = r * 1.25;
            writeln!(
                out,
                r#"<path d="M{} {}L{} {}L{} {}L{} {}Z" fill="{fill}"{stroke}/>"#,
                xs,
                num(y - s),
                num(x + s),
                ys,
                xs,
                num(y + s),
                num(x - s),
                ys
            )
        }
        NodeKind::Subject => {
            let s = r * 1.3;
            writeln!(
                out,
                r#"<path d="M{} {}L{} {}L{} {}Z" fill="{fill}"{stroke}/>"#,
                xs,
                num(y - s),
                num(x + s * 0.866),
                num(y + s * 0.5),
                num(x - s * 0.866),
                num(y + s * 0.5)
            )
        }
    };
}

/// A thin white rim separates touching discs; tiny discs go without.
fn disc_stroke(r: f32) -> &'static str {
    if r >= 2.5 {
        r##" stroke="#ffffff" stroke-width="0.8""##
    } else {
        ""
    }
}

/// Draws `graph` at `positions` (one per node index, e.g. from
/// [`layout`](crate::layout::layout); missing entries are drawn at the centre).
///
/// Complexity: O(n log n + m log m) plus O(k²) for k ≤ `max_labels` labels.
pub fn render_svg(graph: &CitationGraph, positions: &[(f32, f32)], opts: &RenderOptions) -> String {
    if opts.view == View::Timeline {
        return super::timeline::render_timeline_svg(graph, opts);
    }
    if opts.view == View::Umbrella {
        return super::umbrella::render_umbrella_svg(graph, opts);
    }
    let g = &graph.graph;
    let n = g.node_count();
    let (w, h) = (opts.width.clamp(200, 16_384) as f32, opts.height.clamp(150, 16_384) as f32);
    let pos: Vec<(f32, f32)> =
        (0..n).map(|i| positions.get(i).copied().unwrap_or((f32::NAN, f32::NAN))).collect();
    let cl = clusters(graph);
    let by_cluster = cl.iter().any(|&c| c > 0);
    let entries = if opts.legend { legend_entries(graph, &cl, by_cluster) } else { Vec::new() };
    let kinds: BTreeSet<NodeKind> = g.node_weights().map(|n| n.kind).collect();
    let shapes_legend = opts.legend && opts.shapes && kinds.len() > 1 && by_cluster;

    let header = 64.0;
    let legend_w = if entries.is_empty() { 0.0 } else { (w * 0.22).clamp(150.0, 300.0) };
    let plot = Rect { x0: 16.0, y0: header, x1: w - legend_w - 16.0, y1: h - 16.0 };
    let (pw, ph) = ((plot.x1 - plot.x0).max(10.0), (plot.y1 - plot.y0).max(10.0));
    let side = pw.min(ph);

    let weights = node_weights(graph);
    let max_w = weights.iter().cloned().fold(0.0, f64::max);
    let radii: Vec<f32> = weights.iter().map(|&x| relative_radius(x, max_w, n) * side).collect();
    let max_r = radii.iter().cloned().fold(0.0f32, f32::max);

    let frame = {
        let (x0, y0, x1, y1) = bounds(&pos).unwrap_or((0.0, 0.0, 0.0, 0.0));
        let (bw, bh) = (x1 - x0, y1 - y0);
        let (aw, ah) = ((pw - 2.0 * max_r - 4.0).max(1.0), (ph - 2.0 * max_r - 4.0).max(1.0));
        let scale = match (bw > 0.0, bh > 0.0) {
            (true, true) => (aw / bw).min(ah / bh),
            (true, false) => aw / bw,
            (false, true) => ah / bh,
            _ => 1.0,
        };
        Frame {
            plot,
            scale,
            cx: (x0 + x1) / 2.0,
            cy: (y0 + y1) / 2.0,
            mx: (plot.x0 + plot.x1) / 2.0,
            my: (plot.y0 + plot.y1) / 2.0,
        }
    };
    let px: Vec<(f32, f32)> = pos.iter().map(|&p| frame.map(p)).collect();
    let years = if opts.view == View::OverlayYear { node_years(graph) } else { Vec::new() };
    let year_range = years.iter().flatten().fold(None, |r: Option<(f64, f64)>, &y| match r {
        None => Some((y, y)),
        Some((a, b)) => Some((a.min(y), b.max(y))),
    });
    let colours: Vec<String> = (0..n)
        .map(|i| match (opts.view, year_range) {
            (View::OverlayYear, Some((y0, y1))) => match years.get(i).copied().flatten() {
                Some(y) => sequential_colour(if y1 > y0 { (y - y0) / (y1 - y0) } else { 1.0 }),
                None => UNCLUSTERED_COLOUR.to_string(),
            },
            _ if by_cluster => cluster_colour(cl.get(i).copied().unwrap_or(0)).to_string(),
            _ => g
                .node_weight(petgraph::graph::NodeIndex::new(i))
                .map(|n| kind_colour(n.kind))
                .unwrap_or(UNCLUSTERED_COLOUR)
                .to_string(),
        })
        .collect();
    let colour = |i: usize| -> &str { colours.get(i).map_or(UNCLUSTERED_COLOUR, String::as_str) };

    let mut out = String::with_capacity(256 + n * 90);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}">"#
    );
    if !opts.transparent {
        let _ = writeln!(out, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
    }
    let density = opts.view == View::Density;
    if density {
        // Over the whole drawing area (not only the node frame), so the
        // density around nodes near the edge fades out instead of being cut.
        let area = Rect { x0: 0.0, y0: header - 8.0, x1: w - legend_w, y1: h };
        density_layer(&mut out, &px, &radii, area, side);
    }

    // Edges, grouped into one path per colour so 40,000 edges stay a small file.
    let edges = if density {
        Vec::new()
    } else {
        select_edges(graph, opts.edge_budget, opts.edges_per_node.max(1), opts.max_edges)
    };
    let total_edges = g.edge_references().filter(|e| e.source() != e.target()).count();
    let mut paths: BTreeMap<&str, String> = BTreeMap::new();
    for &e in edges.iter().rev() {
        let Some((a, b)) = g.edge_endpoints(e) else { continue };
        let (ca, cb) = (colour(a.index()), colour(b.index()));
        let stroke =
            if opts.view == View::Clusters && ca == cb && ca != UNCLUSTERED_COLOUR && ca != OTHER_COLOUR {
                ca
            } else {
                "#8C8C8C"
            };
        let (p, q) = (px[a.index()], px[b.index()]);
        let d = paths.entry(stroke).or_default();
        let _ = write!(d, "M{} {}L{} {}", num(p.0), num(p.1), num(q.0), num(q.1));
    }
    let opacity = match edges.len() {
        0..=500 => "0.45",
        501..=5000 => "0.25",
        _ => "0.12",
    };
    let stroke_w = if n <= 500 { "1" } else { "0.6" };
    let _ =
        writeln!(out, r#"<g id="edges" fill="none" stroke-opacity="{opacity}" stroke-width="{stroke_w}">"#);
    for (stroke, d) in &paths {
        let _ = writeln!(out, r#"<path stroke="{stroke}" d="{d}"/>"#);
    }
    out.push_str("</g>\n");

    // Nodes: light first, heavy on top.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| weights[a].total_cmp(&weights[b]).then(a.cmp(&b)));
    out.push_str("<g id=\"nodes\">\n");
    for &i in &order {
        if density {
            // The density is the picture; a dot marks where each work is.
            let _ = writeln!(
                out,
                r##"<circle cx="{}" cy="{}" r="1.2" fill="#1A1A1A" fill-opacity="0.35"/>"##,
                num(px[i].0),
                num(px[i].1)
            );
            continue;
        }
        let kind =
            g.node_weight(petgraph::graph::NodeIndex::new(i)).map(|n| n.kind).unwrap_or(NodeKind::Paper);
        shape(&mut out, kind, opts.shapes, px[i].0, px[i].1, radii[i], colour(i));
    }
    out.push_str("</g>\n");

    // Labels for the most important nodes.
    let max_labels = opts.max_labels.unwrap_or(if n <= 80 { n } else { 50 });
    let degree = |i: usize| {
        g.edges_directed(petgraph::graph::NodeIndex::new(i), petgraph::Direction::Incoming).count()
            + g.edges_directed(petgraph::graph::NodeIndex::new(i), petgraph::Direction::Outgoing).count()
    };
    let mut ranked: Vec<usize> = (0..n).collect();
    // Importance: citations received plus edges in the drawn network, so the
    // corpus papers (many references, few citations) rank with the most cited works.
    let score: Vec<f64> = (0..n).map(|i| weights[i] + degree(i) as f64).collect();
    ranked.sort_by(|&a, &b| {
        score[b].total_cmp(&score[a]).then(weights[b].total_cmp(&weights[a])).then(a.cmp(&b))
    });
    ranked.truncate(max_labels);
    let max_score = score.iter().cloned().fold(0.0, f64::max);
    let base = if opts.label_size.is_finite() { opts.label_size.clamp(4.0, 72.0) } else { 11.0 };
    let texts: Vec<(String, f32)> = ranked
        .iter()
        .map(|&i| {
            let node = &g[petgraph::graph::NodeIndex::new(i)];
            let label = if node.label.trim().is_empty() { &node.id } else { &node.label };
            let t = if max_score > 0.0 { (score[i] / max_score).sqrt() as f32 } else { 0.0 };
            (shorten(label.trim(), 42), base + 5.0 * t)
        })
        .collect();
    // Two works must never be drawn with one text.
    let authors: Vec<Option<String>> =
        ranked.iter().map(|&i| first_author(&g[petgraph::graph::NodeIndex::new(i)])).collect();
    let plain: Vec<String> = texts.iter().map(|(t, _)| t.clone()).collect();
    let texts: Vec<(String, f32)> =
        distinct_labels(&plain, &authors).into_iter().zip(texts.iter().map(|t| t.1)).collect();
    let requests: Vec<LabelRequest> = ranked
        .iter()
        .zip(&texts)
        .map(|(&i, (t, size))| LabelRequest {
            x: px[i].0,
            y: px[i].1,
            r: radii[i] * if opts.shapes { 1.3 } else { 1.0 },
            width: text_width(t, *size, false),
            height: size * (ASCENT + DESCENT),
        })
        .collect();
    // Up to a few thousand nodes a label never covers another node's disc; in
    // denser pictures that would drop nearly every label, so there only
    // labelled nodes are kept clear (the white halo keeps the text readable).
    let obstacles: Vec<Rect> = if n <= LABEL_CLEAR_MAX_NODES && !density {
        let labelled: BTreeSet<usize> = ranked.iter().copied().collect();
        let grow = if opts.shapes { 1.3 } else { 1.0 };
        (0..n)
            .filter(|i| !labelled.contains(i))
            .map(|i| {
                let (x, y, r) = (px[i].0, px[i].1, radii[i] * grow);
                Rect { x0: x - r, y0: y - r, x1: x + r, y1: y + r }
            })
            .collect()
    } else {
        Vec::new()
    };
    let placed = place_labels_avoiding(&requests, &obstacles, ESSENTIAL_LABELS, frame.plot);
    out.push_str("<g id=\"labels\" fill=\"#1A1A1A\">\n");
    for ((t, size), p) in texts.iter().zip(&placed) {
        let Some(p) = p else { continue };
        let (x, y) = (num(p.rect.x0), num(p.rect.y0 + size * ASCENT));
        let (t, s) = (xml(t), num(*size));
        let _ = writeln!(
            out,
            r##"<text x="{x}" y="{y}" font-size="{s}" fill="#ffffff" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" stroke-opacity="0.85">{t}</text>"##
        );
        let _ = writeln!(out, r#"<text x="{x}" y="{y}" font-size="{s}">{t}</text>"#);
    }
    out.push_str("</g>\n");

    // Title and subtitle.
    let title = fit_text(opts.title.trim(), 22.0, true, w - 32.0);
    let _ = writeln!(
        out,
        r##"<text x="16" y="34" font-size="22" font-weight="bold" fill="#1A1A1A">{}</text>"##,
        xml(&title)
    );
    let mut sub = Vec::new();
    if let Some(d) = opts.date.as_deref().filter(|d| !d.trim().is_empty()) {
        sub.push(d.trim().to_string());
    }
    sub.push(format!("{n} nodes"));
    sub.push(if density {
        format!("{total_edges} edges (density view)")
    } else if edges.len() < total_edges {
        format!("{total_edges} edges ({} drawn)", edges.len())
    } else {
        format!("{total_edges} edges")
    });
    let sub = fit_text(&sub.join(" · "), 13.0, false, w - 32.0);
    let _ = writeln!(out, r##"<text x="16" y="54" font-size="13" fill="#555555">{}</text>"##, xml(&sub));

    // Legend.
    if opts.legend && (opts.view == View::OverlayYear || density) {
        let x = w - legend_w;
        let y = header + 4.0;
        let (heading, low, high) = match (opts.view, year_range) {
            (View::OverlayYear, Some((y0, y1))) => {
                ("Publication year", format!("{}", y0.round() as i64), format!("{}", y1.round() as i64))
            }
            (View::OverlayYear, None) => ("Publication year", "no years".to_string(), String::new()),
            _ => ("Density", "low".to_string(), "high".to_string()),
        };
        colour_bar(&mut out, x, y, legend_w - 24.0, heading, &low, &high);
        let unknown = colours.iter().filter(|c| c.as_str() == UNCLUSTERED_COLOUR).count();
        if opts.view == View::OverlayYear && unknown > 0 {
            let _ = writeln!(
                out,
                r##"<circle cx="{}" cy="{}" r="6" fill="{UNCLUSTERED_COLOUR}"/>"##,
                num(x + 6.0),
                num(y + 74.0)
            );
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" font-size="12" fill="#1A1A1A">no year ({unknown})</text>"##,
                num(x + 18.0),
                num(y + 78.5)
            );
        }
    } else if !entries.is_empty() {
        let x = w - legend_w;
        let mut y = header + 4.0;
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#1A1A1A">{}</text>"##,
            num(x),
            num(y + 13.0),
            if by_cluster { "Clusters" } else { "Node kinds" }
        );
        y += 24.0;
        for (c, text) in &entries {
            if y + 16.0 > h - 8.0 {
                break;
            }
            let lines = wrap_text(text, 12.0, legend_w - 40.0, 3);
            y += legend_item(&mut out, x, y, c, &lines);
        }
        if shapes_legend && y + 40.0 < h - 8.0 {
            y += 10.0;
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#1A1A1A">Node kinds</text>"##,
                num(x),
                num(y + 13.0)
            );
            y += 24.0;
            for k in &kinds {
                if y + 16.0 > h - 8.0 {
                    break;
                }
                shape(&mut out, *k, true, x + 6.0, y + 6.0, 5.0, "#666666");
                let _ = writeln!(
                    out,
                    r##"<text x="{}" y="{}" font-size="12" fill="#1A1A1A">{}</text>"##,
                    num(x + 18.0),
                    num(y + 10.5),
                    kind_name(*k)
                );
                y += 20.0;
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

/// A horizontal colour bar of the sequential scale with a heading and the
/// values at both ends.
fn colour_bar(out: &mut String, x: f32, y: f32, width: f32, heading: &str, low: &str, high: &str) {
    let _ = writeln!(
        out,
        r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#1A1A1A">{}</text>"##,
        num(x),
        num(y + 13.0),
        xml(heading)
    );
    let steps = 24;
    let sw = width / steps as f32;
    for k in 0..steps {
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="14" fill="{}"/>"#,
            num(x + k as f32 * sw),
            num(y + 24.0),
            num(sw + 0.5),
            sequential_colour(k as f64 / (steps - 1) as f64)
        );
    }
    let _ = writeln!(
        out,
        r##"<text x="{}" y="{}" font-size="12" fill="#1A1A1A">{}</text>"##,
        num(x),
        num(y + 54.0),
        xml(low)
    );
    let _ = writeln!(
        out,
        r##"<text x="{}" y="{}" font-size="12" fill="#1A1A1A" text-anchor="end">{}</text>"##,
        num(x + width),
        num(y + 54.0),
        xml(high)
    );
}

/// The density view's layer: a Gaussian kernel density of the node
/// positions (weight: the node's radius, so much-cited works count more;
/// bandwidth 3.5% of the plot's shorter side) on a grid of about 90 cells
/// across the shorter side, drawn on the sequential scale and fading into
/// white towards low density; cells below 3% of the peak stay blank.
///
/// Complexity: O(n k²) for k = the kernel's reach in cells (about 19).
fn density_layer(out: &mut String, px: &[(f32, f32)], radii: &[f32], plot: Rect, side: f32) {
    let cell = (side / 90.0).max(3.0);
    let cols = (((plot.x1 - plot.x0) / cell).ceil() as usize).clamp(1, 2000);
    let rows = (((plot.y1 - plot.y0) / cell).ceil() as usize).clamp(1, 2000);
    let sigma = side * 0.035;
    let reach = (3.0 * sigma / cell).ceil() as i64;
    let mut grid = vec![0.0f64; cols * rows];
    for (i, &(x, y)) in px.iter().enumerate() {
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let wgt = radii.get(i).copied().unwrap_or(1.0).max(0.1) as f64;
        let (cx, cy) = (((x - plot.x0) / cell) as i64, ((y - plot.y0) / cell) as i64);
        for dy in -reach..=reach {
            let r = cy + dy;
            if r < 0 || r >= rows as i64 {
                continue;
            }
            for dx in -reach..=reach {
                let c = cx + dx;
                if c < 0 || c >= cols as i64 {
                    continue;
                }
                let (gx, gy) = (plot.x0 + (c as f32 + 0.5) * cell - x, plot.y0 + (r as f32 + 0.5) * cell - y);
                let d2 = (gx * gx + gy * gy) as f64;
                grid[r as usize * cols + c as usize] += wgt * (-d2 / (2.0 * (sigma as f64).powi(2))).exp();
            }
        }
    }
    let peak = grid.iter().cloned().fold(0.0, f64::max);
    if peak <= 0.0 {
        return;
    }
    out.push_str("<g id=\"density\" shape-rendering=\"crispEdges\">\n");
    for r in 0..rows {
        for c in 0..cols {
            let v = grid[r * cols + c] / peak;
            if v < 0.03 {
                continue;
            }
            // Opaque colours (the scale blended with white), so the slightly
            // overlapping cells leave no seams.
            let _ = writeln!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                num(plot.x0 + c as f32 * cell),
                num(plot.y0 + r as f32 * cell),
                num(cell + 0.4),
                num(cell + 0.4),
                on_white(&sequential_colour(v), (1.6 * v).min(1.0))
            );
        }
    }
    out.push_str("</g>\n");
}

/// Draws `graph` as PNG: [`render_svg`] rasterised at `opts.scale` with the embedded font.
pub fn render_png(
    graph: &CitationGraph,
    positions: &[(f32, f32)],
    opts: &RenderOptions,
) -> Result<Vec<u8>, raster::Error> {
    raster::svg_to_png(&render_svg(graph, positions, opts), opts.scale)
}

/// Dots per inch of a picture drawn at `scale` (CSS pixels are 1/96 inch).
pub fn dpi_of_scale(scale: f32) -> f32 {
    96.0 * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_maps_clusters() {
        assert_eq!(cluster_colour(1), PALETTE[0]);
        assert_eq!(cluster_colour(0), UNCLUSTERED_COLOUR);
        assert_eq!(cluster_colour(-3), UNCLUSTERED_COLOUR);
        assert_eq!(cluster_colour(10), PALETTE[9]);
        assert_eq!(cluster_colour(30), PALETTE[29]);
        assert_eq!(cluster_colour(31), OTHER_COLOUR);
        let distinct: BTreeSet<&str> = PALETTE.iter().copied().collect();
        assert_eq!(distinct.len(), PALETTE.len());
        assert!(!distinct.contains(OTHER_COLOUR) && !distinct.contains(UNCLUSTERED_COLOUR));
        assert_eq!(num(1.25), "1.3");
        assert_eq!(num(-0.01), "0");
    }
}
