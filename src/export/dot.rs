//! DOT (Graphviz) writer of a [`CitationGraph`].
//!
//! Our own writer rather than petgraph's `Dot` (whose output "may change") so
//! that the file is stable: nodes in graph order (sorted by stable id at build
//! time), edges in insertion order, attributes in name order, floats with
//! [`format_float`](crate::graph::format_float). Every string is a quoted DOT
//! string with `"` and `\` escaped and line breaks written as `\n`, cut below
//! Graphviz's 16,384-character limit on one string
//! ([`MAX_DOT_STRING_BYTES`](crate::escape::MAX_DOT_STRING_BYTES)): the
//! shared [`crate::escape::write_dot`] does it.
//!
//! The writer streams: strings are escaped straight into the output (no
//! per-value strings); nodes and edges are formatted in parallel chunks and
//! written in order ([`super::chunks`]), so its memory does not grow with
//! the graph and the file does not depend on the number of threads.

use super::{chunks, num};
use crate::escape::{dot as escape, write_dot as write_escaped};
use crate::graph::{Attr, CitationGraph, NodeKind};
use petgraph::graph::NodeIndex;
use std::io::{self, Write};

/// DOT settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Graph name.
    pub name: String,
    /// Write every attribute (title, doi, sources ...), not only the visual ones.
    pub all_attributes: bool,
    /// Layout direction for `dot` (`LR`, `TB`).
    pub rankdir: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { name: "citemap".into(), all_attributes: true, rankdir: "LR".into() }
    }
}

/// Writes `, name="value"` for one attribute.
fn write_attr(w: &mut dyn Write, name: &str, a: &Attr) -> io::Result<()> {
    w.write_all(b", ")?;
    if name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
        w.write_all(name.as_bytes())?;
    } else {
        for c in name.chars() {
            // Attribute names are ours, but keep them safe identifiers anyway.
            let c = if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' };
            write!(w, "{c}")?;
        }
    }
    w.write_all(b"=\"")?;
    match a {
        Attr::Str(s) => write_escaped(w, s)?,
        Attr::Int(i) => num::write_int(w, *i)?,
        Attr::Float(f) => num::write_float(w, *f)?,
        Attr::Bool(b) => num::write_bool(w, *b)?,
    }
    w.write_all(b"\"")
}

fn style(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Paper => ("box", "#cfe2f3"),
        NodeKind::CitedWork => ("note", "#fff2cc"),
        NodeKind::Person => ("ellipse", "#d9ead3"),
        NodeKind::Organisation => ("hexagon", "#ead1dc"),
        NodeKind::Venue => ("cylinder", "#eeeeee"),
        NodeKind::Subject => ("plaintext", "#ffffff"),
    }
}

/// Writes `g` as a DOT digraph.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    writeln!(w, "digraph \"{}\" {{", escape(&opts.name))?;
    writeln!(
        w,
        "  graph [rankdir=\"{}\", overlap=false, splines=true, fontname=\"DejaVu Sans\"];",
        escape(&opts.rankdir)
    )?;
    writeln!(w, "  node [style=filled, fontname=\"DejaVu Sans\", fontsize=10];")?;
    writeln!(w, "  edge [fontname=\"DejaVu Sans\", fontsize=8, color=\"#888888\"];")?;
    // Every node's escaped id, once: for its own line and its edges' lines.
    let ids =
        chunks::Texts::of(g.graph.node_count(), |buf, i| write_escaped(buf, &g.graph[NodeIndex::new(i)].id))?;
    chunks::write_items(w, g.graph.node_count(), |w, i| {
        let n = &g.graph[NodeIndex::new(i)];
        let (shape, fill) = style(n.kind);
        w.write_all(b"  \"")?;
        w.write_all(ids.get(i))?;
        w.write_all(b"\" [label=\"")?;
        write_escaped(w, &n.label)?;
        w.write_all(b"\", kind=\"")?;
        w.write_all(n.kind.as_str().as_bytes())?;
        w.write_all(b"\", shape=")?;
        w.write_all(shape.as_bytes())?;
        w.write_all(b", fillcolor=\"")?;
        w.write_all(fill.as_bytes())?;
        w.write_all(b"\"")?;
        if opts.all_attributes {
            for (k, v) in &n.attrs {
                write_attr(w, k, v)?;
            }
        }
        w.write_all(b"];\n")
    })?;
    let edges = g.graph.raw_edges();
    chunks::write_items(w, edges.len(), |w, i| {
        let e = &edges[i];
        let ed = &e.weight;
        let arrow = if ed.kind.is_undirected() { ", dir=none" } else { "" };
        w.write_all(b"  \"")?;
        w.write_all(ids.get(e.source().index()))?;
        w.write_all(b"\" -> \"")?;
        w.write_all(ids.get(e.target().index()))?;
        w.write_all(b"\" [kind=\"")?;
        w.write_all(ed.kind.as_str().as_bytes())?;
        w.write_all(b"\"")?;
        w.write_all(arrow.as_bytes())?;
        if let Some(Attr::Int(c)) = ed.attrs.get(crate::graph::attr::COUNT) {
            if *c > 1 {
                write!(w, ", penwidth={}, label=\"{c}\"", 1 + (*c).min(8) / 2)?;
            }
        }
        if opts.all_attributes {
            for (k, v) in &ed.attrs {
                write_attr(w, k, v)?;
            }
        }
        w.write_all(b"];\n")
    })?;
    writeln!(w, "}}")
}
