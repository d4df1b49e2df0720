//! CSV node and edge tables (for spreadsheets, R and pandas).
//!
//! Nodes: `id, kind, label`, then every node attribute in name order (empty
//! cell when a node lacks it). Edges: `source, target, kind, weight`, then
//! every edge attribute in name order. Floats use [`format_float`].
//!
//! Every text cell goes through [`crate::text_safety`]: control characters
//! are stripped and (unless `raw` is asked, [`write_nodes_with`]) a cell a spreadsheet would run
//! as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.

use crate::graph::{format_float, Attr, Attrs, CitationGraph};
use crate::text_safety::{neutralise_formula, strip_controls};
use petgraph::visit::EdgeRef;
use std::collections::BTreeSet;
use std::io::{self, Write};

/// Which table [`write`] produces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Table {
    /// One row per node.
    #[default]
    Nodes,
    /// One row per edge.
    Edges,
}

/// CSV settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The table to write.
    pub table: Table,
    /// Node positions (by node index), written as `x` and `y` columns of the node table.
    pub positions: Option<Vec<(f32, f32)>>,
}

/// One text cell: control characters stripped, formulas neutralised unless `raw`.
fn cell(s: &str, raw: bool) -> String {
    if raw {
        strip_controls(s).into_owned()
    } else {
        neutralise_formula(s).into_owned()
    }
}

fn columns<'a>(attrs: impl Iterator<Item = &'a Attrs>, fixed: &[&str]) -> Vec<String> {
    let mut names = BTreeSet::new();
    for a in attrs {
        names.extend(a.keys().filter(|k| !fixed.contains(&k.as_str())).cloned());
    }
    names.into_iter().collect()
}

fn to_io(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// An attribute as a cell: strings guarded, numbers as they are (a negative
/// number is a number, not a formula).
fn attr_cell(a: Option<&Attr>, raw: bool) -> String {
    match a {
        Some(Attr::Str(s)) => cell(s, raw),
        Some(other) => other.to_text(),
        None => String::new(),
    }
}

/// Writes the node table of `g` (text cells guarded against formulas).
pub fn write_nodes(g: &CitationGraph, w: &mut dyn Write, positions: Option<&[(f32, f32)]>) -> io::Result<()> {
    write_nodes_with(g, w, positions, false)
}

/// [`write_nodes`], with `raw` text cells (no formula guard) when asked.
pub fn write_nodes_with(
    g: &CitationGraph,
    w: &mut dyn Write,
    positions: Option<&[(f32, f32)]>,
    raw: bool,
) -> io::Result<()> {
    let gr = &g.graph;
    let mut fixed = vec!["id", "kind", "label"];
    if positions.is_some() {
        fixed.extend(["x", "y"]);
    }
    let cols = columns(gr.node_weights().map(|n| &n.attrs), &fixed);
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(fixed.iter().copied().chain(cols.iter().map(String::as_str))).map_err(to_io)?;
    for ix in gr.node_indices() {
        let n = &gr[ix];
        let mut row = vec![cell(&n.id, raw), n.kind.as_str().to_string(), cell(&n.label, raw)];
        if let Some(p) = positions {
            let (x, y) = p.get(ix.index()).copied().unwrap_or((0.0, 0.0));
            row.push(format_float(x as f64));
            row.push(format_float(y as f64));
        }
        row.extend(cols.iter().map(|c| attr_cell(n.attrs.get(c), raw)));
        out.write_record(&row).map_err(to_io)?;
    }
    out.flush()
}

/// Writes the edge table of `g` (text cells guarded against formulas).
pub fn write_edges(g: &CitationGraph, w: &mut dyn Write) -> io::Result<()> {
    write_edges_with(g, w, false)
}

/// [`write_edges`], with `raw` text cells (no formula guard) when asked.
pub fn write_edges_with(g: &CitationGraph, w: &mut dyn Write, raw: bool) -> io::Result<()> {
    let gr = &g.graph;
    let fixed = ["source", "target", "kind", "weight"];
    let cols = columns(gr.edge_weights().map(|e| &e.attrs), &fixed);
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(fixed.iter().copied().chain(cols.iter().map(String::as_str))).map_err(to_io)?;
    for e in gr.edge_references() {
        let ew = e.weight();
        let mut row = vec![
            cell(&gr[e.source()].id, raw),
            cell(&gr[e.target()].id, raw),
            ew.kind.as_str().to_string(),
            format_float(ew.weight),
        ];
        row.extend(cols.iter().map(|c| attr_cell(ew.attrs.get(c), raw)));
        out.write_record(&row).map_err(to_io)?;
    }
    out.flush()
}

/// Writes the table chosen in `opts`.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    match opts.table {
        Table::Nodes => write_nodes(g, w, opts.positions.as_deref()),
        Table::Edges => write_edges(g, w),
    }
}
