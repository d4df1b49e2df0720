//! Cluster-level overview of a big network: one disc per cluster, its area
//! proportional to the cluster's members, lines between clusters as thick as
//! the weight of the edges between them, each disc labelled with the
//! cluster's name and size. It shows the structure of a corpus whose works
//! are too many to see one by one (the map then draws only the most cited
//! works of each cluster, see [`crate::layout::select`]).
//!
//! The cluster graph is laid out with the same seeded ForceAtlas2 as the map
//! ([`crate::layout::layout`]), discs pushed apart afterwards, so the picture
//! depends only on the graph and the options (no clock, sorted iteration,
//! coordinates rounded to 0.1 px). Cost: one pass over the edges plus a
//! layout of at most `max_clusters` nodes.

use super::glyph_widths::text_width;
use super::labels::{place_labels, LabelRequest, Rect};
use super::raster::{self, FONT_FAMILY};
use super::svg::cluster_colour;
use crate::escape::{truncate, xml};
use crate::graph::{attr, format_float, Attr, Attrs, CitationGraph, Edge, EdgeKind, Node, NodeKind};
use crate::layout::{bounds, layout, remove_overlaps, LayoutOptions};
use petgraph::visit::EdgeRef;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Overview settings.
#[derive(Clone, Debug)]
pub struct OverviewOptions {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Title line.
    pub title: String,
    /// Date under the title (the clock is never read).
    pub date: Option<String>,
    /// Most clusters drawn (the largest); the rest are counted in the caption.
    pub max_clusters: usize,
    /// Layout seed.
    pub seed: u64,
    /// PNG scale factor.
    pub scale: f32,
}

impl Default for OverviewOptions {
    fn default() -> Self {
        let p = super::PictureOptions::default();
        OverviewOptions {
            width: p.width,
            height: p.height,
            title: "Clusters".into(),
            date: None,
            max_clusters: 60,
            seed: crate::layout::LayoutOptions::default().seed,
            scale: p.scale,
        }
    }
}

/// One cluster of the overview.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterDisc {
    /// Cluster number (1 = largest).
    pub cluster: i64,
    /// Its name (`cluster_name` attribute).
    pub name: String,
    /// Members.
    pub size: usize,
}

/// The clusters of `graph` (`cluster` >= 1) by number, and the summed
/// weights of edges between two different clusters, keyed `(a, b)` with `a < b`.
pub fn cluster_graph(graph: &CitationGraph) -> (Vec<ClusterDisc>, BTreeMap<(i64, i64), f64>) {
    let mut discs: BTreeMap<i64, ClusterDisc> = BTreeMap::new();
    let cl: Vec<i64> = crate::layout::clusters(graph);
    for (node, &c) in graph.graph.node_weights().zip(&cl) {
        if c < 1 {
            continue;
        }
        let d = discs.entry(c).or_insert_with(|| ClusterDisc {
            cluster: c,
            name: match node.attrs.get(attr::CLUSTER_NAME) {
                Some(Attr::Str(s)) => s.to_string(),
                _ => format!("cluster {c}"),
            },
            size: 0,
        });
        d.size += 1;
    }
    let mut between: BTreeMap<(i64, i64), f64> = BTreeMap::new();
    for e in graph.graph.edge_references() {
        let (a, b) = (cl[e.source().index()], cl[e.target().index()]);
        let w = e.weight().weight;
        if a >= 1 && b >= 1 && a != b && w.is_finite() && w > 0.0 {
            *between.entry((a.min(b), a.max(b))).or_insert(0.0) += w;
        }
    }
    (discs.into_values().collect(), between)
}

/// Rounds to 0.1 px and prints with [`format_float`].
fn num(v: f32) -> String {
    format_float((v as f64 * 10.0).round() / 10.0)
}

/// Draws the overview of `graph` (which carries `cluster` and
/// `cluster_name` attributes) as SVG.
pub fn overview_svg(graph: &CitationGraph, opts: &OverviewOptions) -> String {
    let (mut discs, between) = cluster_graph(graph);
    let total_clusters = discs.len();
    let unclustered = graph.node_count() - discs.iter().map(|d| d.size).sum::<usize>();
    // Largest first (numbers are by size already); keep the first max_clusters.
    discs.sort_by(|a, b| b.size.cmp(&a.size).then(a.cluster.cmp(&b.cluster)));
    discs.truncate(opts.max_clusters.max(1));
    let pos_of: BTreeMap<i64, usize> = discs.iter().enumerate().map(|(i, d)| (d.cluster, i)).collect();
    let edges: Vec<(usize, usize, f64)> =
        between.iter().filter_map(|(&(a, b), &w)| Some((*pos_of.get(&a)?, *pos_of.get(&b)?, w))).collect();

    // The cluster graph, laid out like a map (cluster ids keep starts stable).
    let mut cg = CitationGraph::new();
    let ix: Vec<_> = discs
        .iter()
        .map(|d| {
            let mut attrs = Attrs::new();
            attrs.insert("citations_local", Attr::Int(d.size as i64));
            cg.add_node(Node {
                id: format!("cluster{:08}", d.cluster),
                kind: NodeKind::Subject,
                label: d.name.clone(),
                attrs,
                sources: vec![],
            })
        })
        .collect();
    for &(a, b, w) in &edges {
        cg.add_edge(
            ix[a],
            ix[b],
            Edge { kind: EdgeKind::Similarity, weight: w, attrs: Attrs::new(), sources: vec![] },
        );
    }
    let lopts = LayoutOptions {
        seed: opts.seed,
        iterations: Some(500),
        prevent_overlap: false,
        cluster_start: false,
        cluster_separation: 1.0,
        ..LayoutOptions::default()
    };
    let mut pos = layout(&cg, &lopts);

    let (w, h) = (opts.width as f32, opts.height as f32);
    let (top, margin) = (70.0f32, 30.0f32);
    let side = (w - 2.0 * margin).min(h - top - margin - 40.0).max(50.0);
    let max_size = discs.iter().map(|d| d.size).max().unwrap_or(1).max(1) as f32;
    // Area proportional to members; the largest disc gets a tenth of the side
    // (less when there are many clusters), the smallest stays visible.
    let r_max = side * (0.11 / (discs.len().max(1) as f32).sqrt().max(1.0)).max(0.035);
    let radius: Vec<f32> =
        discs.iter().map(|d| (r_max * (d.size as f32 / max_size).sqrt()).max(3.0)).collect();
    let rel: Vec<f32> = radius.iter().map(|r| r / side).collect();
    remove_overlaps(&mut pos, &rel, 200);
    let (x0, y0, x1, y1) = bounds(&pos).unwrap_or((0.0, 0.0, 1.0, 1.0));
    let span = (x1 - x0).max(y1 - y0).max(1e-6);
    let inner = side - 2.0 * r_max;
    let cx = margin + (w - 2.0 * margin) / 2.0;
    let cy = top + (h - top - margin - 40.0) / 2.0;
    let to_px = |(x, y): (f32, f32)| {
        (cx + (x - (x0 + x1) / 2.0) / span * inner, cy + (y - (y0 + y1) / 2.0) / span * inner)
    };
    let px: Vec<(f32, f32)> = pos.iter().map(|&p| to_px(p)).collect();

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" font-family="{FONT_FAMILY}">"#,
        opts.width, opts.height, opts.width, opts.height
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="{}" y="34" font-size="22" fill="#222222">{}</text>"##,
        num(margin),
        xml(&opts.title)
    );
    if let Some(d) = &opts.date {
        let _ = writeln!(
            s,
            r##"<text x="{}" y="56" font-size="13" fill="#666666">{}</text>"##,
            num(margin),
            xml(d)
        );
    }
    // Lines: width by weight relative to the heaviest, heaviest drawn last.
    let max_w = edges.iter().map(|e| e.2).fold(0.0f64, f64::max);
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by(|&a, &b| edges[a].2.total_cmp(&edges[b].2).then(a.cmp(&b)));
    let _ = writeln!(s, r##"<g stroke="#8a8a8a" stroke-linecap="round" fill="none">"##);
    for i in order {
        let (a, b, wt) = edges[i];
        let t = if max_w > 0.0 { (wt / max_w) as f32 } else { 0.0 };
        if t < 0.01 {
            continue;
        }
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}" stroke-opacity="{}"/>"#,
            num(px[a].0),
            num(px[a].1),
            num(px[b].0),
            num(px[b].1),
            num(0.5 + 11.5 * t.sqrt()),
            format_float(f64::from((0.25 + 0.45 * t) * 100.0).round() / 100.0)
        );
    }
    let _ = writeln!(s, "</g>");
    let _ = writeln!(s, r##"<g stroke="#ffffff" stroke-width="1.5">"##);
    for (i, d) in discs.iter().enumerate() {
        let _ = writeln!(
            s,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="0.85"><title>{}</title></circle>"#,
            num(px[i].0),
            num(px[i].1),
            num(radius[i]),
            cluster_colour(d.cluster),
            xml(&format!("cluster {}: {} ({} works)", d.cluster, d.name, d.size))
        );
    }
    let _ = writeln!(s, "</g>");
    // Labels: name and size, largest clusters first, never overlapping.
    let size = 13.0f32;
    let texts: Vec<String> =
        discs.iter().map(|d| format!("{} ({})", truncate(&d.name, 40), d.size)).collect();
    let requests: Vec<LabelRequest> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| LabelRequest {
            x: px[i].0,
            y: px[i].1,
            r: radius[i],
            width: text_width(t, size, false),
            height: size * 1.2,
        })
        .collect();
    let frame = Rect { x0: 0.0, y0: top - 6.0, x1: w, y1: h - 36.0 };
    let placed = place_labels(&requests, frame);
    let _ = writeln!(s, r##"<g font-size="{}" fill="#222222">"##, num(size));
    for (t, p) in texts.iter().zip(&placed) {
        if let Some(p) = p {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}">{}</text>"#,
                num(p.rect.x0),
                num(p.rect.y0 + size * 0.95),
                xml(t)
            );
        }
    }
    let _ = writeln!(s, "</g>");
    let mut caption = format!(
        "{} clusters; disc area: works in the cluster; line width: weight of the links between clusters",
        total_clusters
    );
    if total_clusters > discs.len() {
        let _ = write!(caption, "; the {} largest drawn", discs.len());
    }
    if unclustered > 0 {
        let _ = write!(caption, "; {unclustered} unclustered works not shown");
    }
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" font-size="12" fill="#666666">{}</text>"##,
        num(margin),
        num(h - 14.0),
        xml(&caption)
    );
    s.push_str("</svg>\n");
    s
}

/// The overview as PNG (the SVG rasterised with the embedded font).
pub fn overview_png(graph: &CitationGraph, opts: &OverviewOptions) -> Result<Vec<u8>, raster::Error> {
    raster::svg_to_png(&overview_svg(graph, opts), opts.scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> CitationGraph {
        let mut g = CitationGraph::new();
        let spec = [
            (1, "trauma"),
            (1, "trauma"),
            (1, "trauma"),
            (2, "sleep & <mood>"),
            (2, "sleep & <mood>"),
            (0, ""),
        ];
        let ix: Vec<_> = spec
            .iter()
            .enumerate()
            .map(|(i, &(c, name))| {
                let mut attrs = Attrs::new();
                attrs.insert(attr::CLUSTER, Attr::Int(c));
                attrs.insert(attr::CLUSTER_NAME, Attr::Str(name.into()));
                g.add_node(Node {
                    id: format!("W{i}"),
                    kind: NodeKind::Paper,
                    label: String::new(),
                    attrs,
                    sources: vec![],
                })
            })
            .collect();
        for (a, b, w) in [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 2.0), (0, 4, 0.5), (3, 4, 1.0)] {
            g.add_edge(
                ix[a],
                ix[b],
                Edge { kind: EdgeKind::Similarity, weight: w, attrs: Attrs::new(), sources: vec![] },
            );
        }
        g
    }

    #[test]
    fn clusters_sizes_and_weights_between() {
        let (discs, between) = cluster_graph(&graph());
        assert_eq!(discs.len(), 2);
        assert_eq!((discs[0].cluster, discs[0].size, discs[0].name.as_str()), (1, 3, "trauma"));
        assert_eq!(discs[1].size, 2);
        assert_eq!(between.into_iter().collect::<Vec<_>>(), vec![((1, 2), 2.5)]);
    }

    #[test]
    fn picture_is_deterministic_escaped_and_labelled() {
        let g = graph();
        let opts = OverviewOptions { date: Some("2026-01-01".into()), ..Default::default() };
        let a = overview_svg(&g, &opts);
        assert_eq!(a, overview_svg(&g, &opts));
        assert_eq!(a.matches("<circle").count(), 2);
        assert!(a.contains("trauma (3)"));
        assert!(a.contains("sleep &amp; &lt;mood&gt; (2)"));
        assert!(a.contains("1 unclustered works not shown"));
        assert!(!overview_png(&g, &opts).unwrap().is_empty());
    }
}
