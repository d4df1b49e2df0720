//! The umbrella view: the review–study bipartite map of an umbrella review.
//! Reviews stand in one column on the left, the primary studies they include
//! on the right, one line per inclusion. Studies are grouped by how many
//! reviews include them (the most shared nearest the reviews) and coloured
//! by that number, so the overlap the CCA measures is visible at a glance;
//! the legend speaks of reviews, primary studies and "included in N
//! reviews", not of papers and cited works.
//!
//! Which nodes are reviews: the `role` attribute (`review` / `study`) that
//! [`crate::analysis::overlap::bipartite_graph`] writes, else the works typed
//! as reviews (`doc_type`) that cite something, else every work that cites
//! something (a corpus read from the reviews' own exports). Studies are the
//! works the reviews cite (`cites` edges); edges between two reviews and
//! every other node and edge are left out.
//!
//! Placement: reviews ordered by the barycentre of their studies and
//! studies by that of their reviews (two sweeps, ties by id), so lines
//! cross little; each group of studies fills the full height in as many
//! columns as it needs, with the cell size the largest that fits the canvas.
//!
//! **Invariant:** the SVG depends only on the graph and the options (sorted
//! iteration, coordinates rounded to 0.1 px); everything from the data is
//! XML-escaped.

use super::glyph_widths::text_width;
use super::labels::{distinct_labels, first_author, place_labels_avoiding, shorten, LabelRequest, Rect};
use super::raster::FONT_FAMILY;
use super::svg::{fit_text, sequential_colour, RenderOptions, PALETTE};
use crate::escape::xml;
use crate::graph::{format_float, Attr, CitationGraph, EdgeKind, NodeKind};
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Colour of the review squares.
pub const REVIEW_COLOUR: &str = PALETTE[0];

fn num(v: f32) -> String {
    format_float((v as f64 * 10.0).round() / 10.0)
}

/// The bipartite structure the view draws, as node indices of the graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bipartite {
    /// Review nodes.
    pub reviews: Vec<usize>,
    /// Study nodes.
    pub studies: Vec<usize>,
    /// Inclusions (review, study), sorted, without repeats.
    pub inclusions: Vec<(usize, usize)>,
    /// How the reviews were told apart (for the caption).
    pub rule: &'static str,
}

fn role(n: &crate::graph::Node) -> Option<&str> {
    match n.attrs.get("role") {
        Some(Attr::Str(r)) => Some(&**r),
        _ => None,
    }
}

fn is_work(k: NodeKind) -> bool {
    matches!(k, NodeKind::Paper | NodeKind::CitedWork)
}

/// Finds the reviews, studies and inclusions of `graph` (see the module doc).
///
/// Complexity: O(n + m log m).
pub fn bipartite(graph: &CitationGraph) -> Bipartite {
    let g = &graph.graph;
    let cites: Vec<(usize, usize)> = g
        .edge_references()
        .filter(|e| e.weight().kind == EdgeKind::Cites && e.source() != e.target())
        .filter(|e| is_work(g[e.source()].kind) && is_work(g[e.target()].kind))
        .map(|e| (e.source().index(), e.target().index()))
        .collect();
    let citing: BTreeSet<usize> = cites.iter().map(|c| c.0).collect();
    let by_role: BTreeSet<usize> =
        g.node_indices().filter(|&i| role(&g[i]) == Some("review")).map(|i| i.index()).collect();
    let typed: BTreeSet<usize> = citing
        .iter()
        .copied()
        .filter(|&i| {
            matches!(g[petgraph::graph::NodeIndex::new(i)].attrs.get("doc_type"),
                Some(Attr::Str(t)) if matches!(&**t, "review" | "systematic-review" | "meta-analysis"))
        })
        .collect();
    let (reviews, rule) = if !by_role.is_empty() {
        (by_role, "reviews and studies as the overlap matrix gives them")
    } else if !typed.is_empty() {
        (typed, "reviews: the works typed as reviews")
    } else {
        (citing, "reviews: every work with a reference list (none is typed as a review)")
    };
    let mut inclusions: Vec<(usize, usize)> =
        cites.into_iter().filter(|(a, b)| reviews.contains(a) && !reviews.contains(b)).collect();
    inclusions.sort_unstable();
    inclusions.dedup();
    let studies: BTreeSet<usize> = inclusions.iter().map(|c| c.1).collect();
    Bipartite {
        reviews: reviews.into_iter().collect(),
        studies: studies.into_iter().collect(),
        inclusions,
        rule,
    }
}

/// Mean of `xs`, `None` when empty.
fn mean(xs: impl Iterator<Item = f32>) -> Option<f32> {
    let (s, k) = xs.fold((0.0f32, 0usize), |(s, k), x| (s + x, k + 1));
    (k > 0).then(|| s / k as f32)
}

/// Draws the umbrella view of `graph`. `opts.max_labels` caps the study
/// labels (default 40, the most shared studies first); every review is labelled.
///
/// Complexity: O(n log n + m) plus O(k²) label placement for k labels.
pub fn render_umbrella_svg(graph: &CitationGraph, opts: &RenderOptions) -> String {
    let g = &graph.graph;
    let node = |i: usize| &g[petgraph::graph::NodeIndex::new(i)];
    let (w, h) = (opts.width.clamp(400, 16_384) as f32, opts.height.clamp(300, 16_384) as f32);
    let bp = bipartite(graph);
    let mut of_review: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut of_study: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(r, s) in &bp.inclusions {
        of_review.entry(r).or_default().push(s);
        of_study.entry(s).or_default().push(r);
    }
    let shared = |s: usize| of_study.get(&s).map_or(0, Vec::len);
    let max_shared = bp.studies.iter().map(|&s| shared(s)).max().unwrap_or(0);
    let text_of = |i: usize| {
        let n = node(i);
        if n.label.trim().is_empty() {
            n.id.trim().to_string()
        } else {
            n.label.trim().to_string()
        }
    };

    // Legend first: its width is what its texts need (within bounds), so no text is cut.
    let groups: BTreeMap<std::cmp::Reverse<usize>, Vec<usize>> =
        bp.studies.iter().fold(BTreeMap::new(), |mut m, &s| {
            m.entry(std::cmp::Reverse(shared(s))).or_insert_with(Vec::new).push(s);
            m
        });
    let included_text =
        |k: usize, count: usize| format!("included in {k} review{} ({count})", if k == 1 { "" } else { "s" });
    let mut legend_lines: Vec<String> = vec![
        format!("review ({})", bp.reviews.len()),
        format!("primary study ({})", bp.studies.len()),
        "line: study included in review".to_string(),
    ];
    legend_lines.extend(groups.iter().map(|(k, v)| included_text(k.0, v.len())));
    let legend_w = if opts.legend {
        let need = legend_lines.iter().map(|t| text_width(t, 12.0, false)).fold(0.0f32, f32::max) + 30.0;
        need.max(text_width("Primary studies", 14.0, true) + 8.0).clamp(150.0, w * 0.3)
    } else {
        0.0
    };

    let header = 64.0;
    let label_size = if opts.label_size.is_finite() { opts.label_size.clamp(6.0, 40.0) } else { 11.0 };
    // Review labels sit left of their squares, up to a quarter of the width.
    let review_texts: Vec<String> = bp.reviews.iter().map(|&r| shorten(&text_of(r), 48)).collect();
    let review_authors: Vec<Option<String>> = bp.reviews.iter().map(|&r| first_author(node(r))).collect();
    let review_texts = distinct_labels(&review_texts, &review_authors);
    let label_w = review_texts
        .iter()
        .map(|t| text_width(t, label_size, false))
        .fold(0.0f32, f32::max)
        .min((w - legend_w) * 0.25);
    let review_x = 16.0 + label_w + 14.0;
    // Room between the reviews and the first studies, so the lines fan out visibly.
    let fan = ((w - legend_w - review_x) * 0.08).clamp(40.0, 160.0);
    let plot = Rect { x0: review_x + fan, y0: header + 14.0, x1: w - legend_w - 24.0, y1: h - 24.0 };
    let (pw, ph) = ((plot.x1 - plot.x0).max(20.0), (plot.y1 - plot.y0).max(20.0));

    // Review order and study order: two barycentre sweeps from the review order by id.
    let mut review_rank: BTreeMap<usize, f32> = BTreeMap::new();
    let mut by_id: Vec<usize> = bp.reviews.clone();
    by_id.sort_by(|&a, &b| node(a).label.cmp(&node(b).label).then(node(a).id.cmp(&node(b).id)));
    for (k, &r) in by_id.iter().enumerate() {
        review_rank.insert(r, k as f32);
    }
    let mut study_rank: BTreeMap<usize, f32> = BTreeMap::new();
    for _ in 0..2 {
        let mut order: Vec<(f32, &str, usize)> = bp
            .studies
            .iter()
            .map(|&s| {
                let b =
                    mean(of_study.get(&s).into_iter().flatten().filter_map(|r| review_rank.get(r).copied()));
                (b.unwrap_or(0.0), node(s).id.as_str(), s)
            })
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        study_rank = order.iter().enumerate().map(|(k, o)| (o.2, k as f32)).collect();
        let mut rorder: Vec<(f32, &str, usize)> = bp
            .reviews
            .iter()
            .map(|&r| {
                let b =
                    mean(of_review.get(&r).into_iter().flatten().filter_map(|s| study_rank.get(s).copied()));
                (b.unwrap_or(f32::MAX), node(r).id.as_str(), r)
            })
            .collect();
        rorder.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        review_rank = rorder.iter().enumerate().map(|(k, o)| (o.2, k as f32)).collect();
    }
    let n_rev = bp.reviews.len().max(1) as f32;
    let review_step = ph / n_rev;
    let review_y = |r: usize| plot.y0 + (review_rank.get(&r).copied().unwrap_or(0.0) + 0.5) * review_step;

    // Cell size: the largest that lets every group fill the height in whole columns.
    let gap_cols = 1.5f32;
    let columns_for = |cell: f32| -> f32 {
        let rows = (ph / cell).floor().max(1.0);
        groups.values().map(|v| (v.len() as f32 / rows).ceil()).sum::<f32>()
            + gap_cols * (groups.len().saturating_sub(1)) as f32
    };
    let mut cell = 48.0f32;
    while cell > 2.0 && columns_for(cell) * cell > pw {
        cell *= 0.95;
    }
    let rows_max = (ph / cell).floor().max(1.0) as usize;
    let mut pos: BTreeMap<usize, (f32, f32)> = BTreeMap::new();
    // The columns of all groups spread over the study area's width.
    let xcell = (pw / columns_for(cell).max(1.0)).clamp(cell, 4.0 * cell);
    let used = columns_for(cell) * xcell;
    let mut x = plot.x0 + ((pw - used) / 2.0).max(0.0) + xcell / 2.0;
    let mut group_x: Vec<(usize, f32, f32)> = Vec::new();
    for (k, members) in &groups {
        let mut ms = members.clone();
        ms.sort_by(|a, b| study_rank[a].total_cmp(&study_rank[b]).then(a.cmp(b)));
        let cols = ms.len().div_ceil(rows_max).max(1);
        let rows = ms.len().div_ceil(cols).max(1);
        let row_step = ph / rows as f32;
        let x_start = x;
        for (j, &s) in ms.iter().enumerate() {
            let (row, col) = (j / cols, j % cols);
            pos.insert(s, (x + col as f32 * xcell, plot.y0 + (row as f32 + 0.5) * row_step));
        }
        x += (cols as f32 + gap_cols) * xcell;
        group_x.push((k.0, x_start, x - (gap_cols + 1.0) * xcell));
    }
    let study_r = (cell * 0.32).clamp(1.5, 7.0);
    let review_half = (review_step * 0.3).clamp(3.0, 9.0);
    let colour_of = |k: usize| {
        if max_shared <= 1 {
            sequential_colour(0.25)
        } else {
            // Up to 0.85 of the scale: its yellow end is too pale on white for lines.
            sequential_colour(0.1 + 0.75 * (k.saturating_sub(1)) as f64 / (max_shared - 1) as f64)
        }
    };

    let mut out = String::with_capacity(4096 + bp.inclusions.len() * 40 + bp.studies.len() * 90);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}">"#
    );
    if !opts.transparent {
        let _ = writeln!(out, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
    }
    // Group captions above the columns ("in 3 reviews").
    out.push_str("<g id=\"groups\" fill=\"#555555\" font-size=\"11\" text-anchor=\"middle\">\n");
    for &(k, x0, x1) in &group_x {
        let t = format!("in {k}");
        if text_width(&t, 11.0, false) <= (x1 - x0) + xcell + 8.0 {
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}">{}</text>"#,
                num((x0 + x1) / 2.0),
                num(plot.y0 - 4.0),
                xml(&t)
            );
        }
    }
    out.push_str("</g>\n");
    // Inclusion lines, one path per study group colour so the file stays small.
    let opacity = match bp.inclusions.len() {
        0..=300 => "0.45",
        301..=3000 => "0.25",
        _ => "0.12",
    };
    let mut paths: BTreeMap<String, String> = BTreeMap::new();
    for &(r, s) in &bp.inclusions {
        let Some(&(sx, sy)) = pos.get(&s) else { continue };
        let ry = review_y(r);
        let d = paths.entry(colour_of(shared(s))).or_default();
        let _ = write!(d, "M{} {}L{} {}", num(review_x + review_half), num(ry), num(sx - study_r), num(sy));
    }
    let _ = writeln!(out, r#"<g id="edges" fill="none" stroke-opacity="{opacity}" stroke-width="0.8">"#);
    for (stroke, d) in &paths {
        let _ = writeln!(out, r#"<path stroke="{stroke}" d="{d}"/>"#);
    }
    out.push_str("</g>\n");

    // Reviews (squares sized by included studies) and studies (discs).
    let max_size = of_review.values().map(Vec::len).max().unwrap_or(1).max(1) as f32;
    out.push_str("<g id=\"reviews\">\n");
    for &r in &bp.reviews {
        let k = of_review.get(&r).map_or(0, Vec::len) as f32;
        let s = review_half * (0.55 + 0.45 * (k / max_size).sqrt());
        let y = review_y(r);
        let _ = writeln!(
            out,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{REVIEW_COLOUR}" stroke="#ffffff" stroke-width="0.8"/>"##,
            num(review_x - s),
            num(y - s),
            num(2.0 * s),
            num(2.0 * s)
        );
    }
    out.push_str("</g>\n<g id=\"nodes\">\n");
    for (&s, &(x, y)) in &pos {
        let stroke = if study_r >= 2.5 { r##" stroke="#ffffff" stroke-width="0.6""## } else { "" };
        let _ = writeln!(
            out,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{}"{stroke}/>"#,
            num(x),
            num(y),
            num(study_r),
            colour_of(shared(s))
        );
    }
    out.push_str("</g>\n");

    // Review labels: every review, right-aligned left of its square, shrunk
    // to the row height when the reviews are many.
    let review_size = label_size.min(review_step * 0.85).max(4.0);
    out.push_str("<g id=\"review-labels\" fill=\"#1A1A1A\" text-anchor=\"end\">\n");
    for (&r, t) in bp.reviews.iter().zip(&review_texts) {
        let t = fit_text(t, review_size, false, label_w);
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="{}">{}</text>"#,
            num(review_x - review_half - 4.0),
            num(review_y(r) + review_size * 0.35),
            num(review_size),
            xml(&t)
        );
    }
    out.push_str("</g>\n");

    // Study labels: the most shared studies first, where they fit.
    let max_labels = opts.max_labels.unwrap_or(40);
    let mut ranked: Vec<usize> = bp.studies.clone();
    ranked.sort_by(|&a, &b| shared(b).cmp(&shared(a)).then(node(a).id.cmp(&node(b).id)));
    ranked.truncate(max_labels);
    let texts: Vec<String> = ranked.iter().map(|&s| shorten(&text_of(s), 36)).collect();
    let authors: Vec<Option<String>> = ranked.iter().map(|&s| first_author(node(s))).collect();
    let texts = distinct_labels(&texts, &authors);
    let requests: Vec<LabelRequest> = ranked
        .iter()
        .zip(&texts)
        .map(|(s, t)| {
            let (x, y) = pos[s];
            LabelRequest {
                x,
                y,
                r: study_r,
                width: text_width(t, label_size, false),
                height: label_size * 1.164,
            }
        })
        .collect();
    let labelled: BTreeSet<usize> = ranked.iter().copied().collect();
    let obstacles: Vec<Rect> = pos
        .iter()
        .filter(|(s, _)| !labelled.contains(s))
        .map(|(_, &(x, y))| Rect { x0: x - study_r, y0: y - study_r, x1: x + study_r, y1: y + study_r })
        .collect();
    let frame = Rect { x0: plot.x0 - 4.0, y0: plot.y0, x1: w - legend_w - 8.0, y1: h - 4.0 };
    let placed = place_labels_avoiding(&requests, &obstacles, 0, frame);
    out.push_str("<g id=\"labels\" fill=\"#1A1A1A\">\n");
    for (t, p) in texts.iter().zip(&placed) {
        let Some(p) = p else { continue };
        let (x, y, s) = (num(p.rect.x0), num(p.rect.y0 + label_size * 0.928), num(label_size));
        let _ = writeln!(
            out,
            r##"<text x="{x}" y="{y}" font-size="{s}" fill="#ffffff" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" stroke-opacity="0.85">{}</text>"##,
            xml(t)
        );
        let _ = writeln!(out, r#"<text x="{x}" y="{y}" font-size="{s}">{}</text>"#, xml(t));
    }
    out.push_str("</g>\n");

    let _ = writeln!(
        out,
        r##"<text x="16" y="34" font-size="22" font-weight="bold" fill="#1A1A1A">{}</text>"##,
        xml(&fit_text(opts.title.trim(), 22.0, true, w - 32.0))
    );
    let mut sub: Vec<String> =
        opts.date.iter().filter(|d| !d.trim().is_empty()).map(|d| d.trim().to_string()).collect();
    let multi = bp.studies.iter().filter(|&&s| shared(s) > 1).count();
    let count = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    sub.push(format!(
        "{}, {}, {}, {} in two or more reviews",
        count(bp.reviews.len(), "review", "reviews"),
        count(bp.studies.len(), "primary study", "primary studies"),
        count(bp.inclusions.len(), "inclusion", "inclusions"),
        count(multi, "study", "studies")
    ));
    sub.push(bp.rule.to_string());
    let _ = writeln!(
        out,
        r##"<text x="16" y="54" font-size="13" fill="#555555">{}</text>"##,
        xml(&fit_text(&sub.join(" · "), 13.0, false, w - 32.0))
    );

    if bp.inclusions.is_empty() {
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" font-size="16" fill="#555555" text-anchor="middle">No review includes a study here: no work of this graph cites another.</text>"##,
            num((plot.x0 + plot.x1) / 2.0),
            num((plot.y0 + plot.y1) / 2.0)
        );
    }
    if opts.legend {
        let x = w - legend_w;
        let mut y = header + 4.0;
        let line = |out: &mut String, y: f32, t: &str| {
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" font-size="12" fill="#1A1A1A">{}</text>"##,
                num(x + 18.0),
                num(y + 10.5),
                xml(&fit_text(t, 12.0, false, legend_w - 24.0))
            );
        };
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#1A1A1A">Umbrella review</text>"##,
            num(x),
            num(y + 13.0)
        );
        y += 24.0;
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="11" height="11" fill="{REVIEW_COLOUR}"/>"#,
            num(x + 0.5),
            num(y + 0.5)
        );
        line(&mut out, y, &legend_lines[0]);
        y += 20.0;
        let _ =
            writeln!(out, r##"<circle cx="{}" cy="{}" r="5" fill="#777777"/>"##, num(x + 6.0), num(y + 6.0));
        line(&mut out, y, &legend_lines[1]);
        y += 20.0;
        let _ = writeln!(
            out,
            r##"<path d="M{} {}L{} {}" stroke="#777777" stroke-width="1.2"/>"##,
            num(x),
            num(y + 6.0),
            num(x + 12.0),
            num(y + 6.0)
        );
        line(&mut out, y, &legend_lines[2]);
        y += 30.0;
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#1A1A1A">Primary studies</text>"##,
            num(x),
            num(y + 13.0)
        );
        y += 24.0;
        for (k, members) in &groups {
            if y + 16.0 > h - 8.0 {
                break;
            }
            let _ = writeln!(
                out,
                r#"<circle cx="{}" cy="{}" r="6" fill="{}"/>"#,
                num(x + 6.0),
                num(y + 6.0),
                colour_of(k.0)
            );
            line(&mut out, y, &included_text(k.0, members.len()));
            y += 20.0;
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{attr, Attrs, Edge, Node};

    fn work(g: &mut CitationGraph, id: &str, doc: Option<&str>) -> petgraph::graph::NodeIndex {
        let mut attrs = Attrs::new();
        if let Some(d) = doc {
            attrs.insert("doc_type", Attr::Str(d.into()));
        }
        attrs.insert(attr::YEAR, Attr::Int(2020));
        g.add_node(Node { id: id.into(), kind: NodeKind::Paper, label: id.into(), attrs, sources: vec![] })
    }

    fn cite(g: &mut CitationGraph, a: petgraph::graph::NodeIndex, b: petgraph::graph::NodeIndex) {
        g.add_edge(a, b, Edge { kind: EdgeKind::Cites, weight: 1.0, attrs: Attrs::new(), sources: vec![] });
    }

    #[test]
    fn typed_reviews_win_over_other_citing_works() {
        let mut g = CitationGraph::new();
        let r1 = work(&mut g, "R1", Some("systematic-review"));
        let r2 = work(&mut g, "R2", Some("review"));
        let p = work(&mut g, "P", Some("article"));
        let s1 = work(&mut g, "S1", None);
        let s2 = work(&mut g, "S2", None);
        cite(&mut g, r1, s1);
        cite(&mut g, r1, s2);
        cite(&mut g, r2, s2);
        cite(&mut g, r2, r1);
        cite(&mut g, p, s1);
        let b = bipartite(&g);
        assert_eq!(b.reviews, vec![r1.index(), r2.index()]);
        assert_eq!(b.studies, vec![s1.index(), s2.index()]);
        assert_eq!(b.inclusions.len(), 3, "review -> review and article -> study left out");
        let svg = render_umbrella_svg(&g, &RenderOptions::default());
        assert!(svg.contains("included in 2 reviews (1)") && svg.contains("included in 1 review (1)"));
        assert!(svg.contains("review (2)") && svg.contains("primary study (2)"));
        assert!(!svg.contains("cited work"));
        // Nothing cites anything: an empty map that says why.
        let mut g = CitationGraph::new();
        work(&mut g, "A", None);
        let svg = render_umbrella_svg(&g, &RenderOptions::default());
        assert!(svg.contains("No review includes a study here") && svg.contains("review (0)"));
    }
}
