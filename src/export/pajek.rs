//! Pajek `.net` network and `.clu` partition writers (Pajek, VOSviewer,
//! networkx `read_pajek`, igraph).
//!
//! Vertices are numbered 1..n in node order with a quoted label (Pajek has no
//! escape for `"`, so quotes become `'`, backslashes `/`, line breaks and tabs
//! spaces, and other control characters are dropped).
//! Labels are unique: readers such as networkx's `read_pajek` key vertices by
//! label, so a label shared by several nodes ("n.d.", "Smith et al. 2019")
//! gets the node id appended (`"Smith et al. 2019 [W1a2b…]"`) on every one of them.
//! Directed edge kinds go under `*Arcs`, the derived undirected networks under
//! `*Edges`, each with its weight.

use crate::graph::{attr, format_float, Attr, CitationGraph};
use crate::style::bounds;
use petgraph::visit::EdgeRef;
use std::collections::HashMap;
use std::io::{self, Write};

/// What a vertex label shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VertexLabel {
    /// The display label ("Hayes et al. 2019").
    #[default]
    Label,
    /// The stable id (unique, so readers that key vertices by label keep them apart).
    Id,
}

/// Pajek settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// What vertex labels show.
    pub label: VertexLabel,
    /// Node positions (by node index), written as Pajek coordinates scaled to [0, 1].
    pub positions: Option<Vec<(f32, f32)>>,
}

/// A Pajek label: quoted, with `"` as `'`, line breaks and tabs as spaces,
/// other control characters dropped, and a backslash as `/`: networkx reads
/// labels with `shlex`, where a backslash escapes the next character (a label
/// ending in one swallows its closing quote), and Pajek itself has no escape.
pub fn quote(s: &str) -> String {
    let inner: String = crate::text_safety::strip_controls(&s.replace(['\n', '\t'], " "))
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            c => c,
        })
        .collect();
    format!("\"{}\"", inner.trim())
}

/// Writes the `.net` file of `g`.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    let gr = &g.graph;
    writeln!(w, "*Vertices {}", gr.node_count())?;
    let b = opts.positions.as_deref().and_then(bounds);
    let texts: Vec<String> = gr
        .node_weights()
        .map(|n| match opts.label {
            VertexLabel::Label if !n.label.trim().is_empty() => quote(&n.label),
            _ => quote(&n.id),
        })
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(texts.len());
    for t in &texts {
        *seen.entry(t.as_str()).or_insert(0) += 1;
    }
    for ix in gr.node_indices() {
        let n = &gr[ix];
        let text = &texts[ix.index()];
        if seen.get(text.as_str()).copied().unwrap_or(0) > 1 && text != &quote(&n.id) {
            let inner = &text[1..text.len() - 1];
            write!(w, "{} {}", ix.index() + 1, quote(&format!("{inner} [{}]", n.id)))?;
        } else {
            write!(w, "{} {text}", ix.index() + 1)?;
        }
        if let (Some(p), Some((x0, y0, x1, y1))) = (opts.positions.as_ref(), b) {
            let (x, y) = p.get(ix.index()).copied().unwrap_or((x0, y0));
            let side = (x1 - x0).max(y1 - y0).max(f32::MIN_POSITIVE);
            let px = 0.05 + 0.9 * (x - x0) / side;
            let py = 0.05 + 0.9 * (y - y0) / side;
            write!(w, " {} {} 0.5", format_float(px as f64), format_float(py as f64))?;
        }
        writeln!(w)?;
    }
    let (mut arcs, mut edges) = (Vec::new(), Vec::new());
    for e in gr.edge_references() {
        let line = format!(
            "{} {} {}",
            e.source().index() + 1,
            e.target().index() + 1,
            format_float(e.weight().weight)
        );
        if e.weight().kind.is_undirected() {
            edges.push(line);
        } else {
            arcs.push(line);
        }
    }
    if !arcs.is_empty() || edges.is_empty() {
        writeln!(w, "*Arcs")?;
        for l in &arcs {
            writeln!(w, "{l}")?;
        }
    }
    if !edges.is_empty() {
        writeln!(w, "*Edges")?;
        for l in &edges {
            writeln!(w, "{l}")?;
        }
    }
    Ok(())
}

/// Writes the `.clu` partition: the `cluster` attribute of each vertex, 0 when absent.
pub fn write_clusters(g: &CitationGraph, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "*Vertices {}", g.graph.node_count())?;
    for n in g.graph.node_weights() {
        let c = match n.attrs.get(attr::CLUSTER) {
            Some(Attr::Int(c)) => (*c).max(0),
            _ => 0,
        };
        writeln!(w, "{c}")?;
    }
    Ok(())
}
