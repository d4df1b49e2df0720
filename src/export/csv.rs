//! CSV node and edge tables (for spreadsheets, R and pandas).
//!
//! Nodes: `id, kind, label`, then every node attribute in name order (empty
//! cell when a node lacks it). Edges: `source, target, kind, weight`, then
//! every edge attribute in name order. Floats use [`format_float`].
//!
//! Every text cell goes through [`crate::text_safety`]: control characters
//! are stripped and (unless `raw` is asked, [`write_nodes_with`]) a cell a spreadsheet would run
//! as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.

use super::num;
use crate::graph::{Attr, Attrs, CitationGraph};
use crate::text_safety::{neutralise_formula, strip_controls};
use petgraph::graph::NodeIndex;
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
fn cell(s: &str, raw: bool) -> std::borrow::Cow<'_, str> {
    if raw {
        strip_controls(s)
    } else {
        neutralise_formula(s)
    }
}

fn columns<'a>(attrs: impl Iterator<Item = &'a Attrs>, fixed: &[&str]) -> Vec<String> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for a in attrs {
        for k in a.keys() {
            // Looked up first: a name is allocated once, not once per row.
            if !fixed.contains(&k) && !names.contains(k) {
                names.insert(k.to_string());
            }
        }
    }
    names.into_iter().collect()
}

fn to_io(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Writes an attribute as a cell: strings guarded, numbers as they are (a
/// negative number is a number, not a formula), nothing when absent. No
/// string is made for a number.
fn write_attr_cell<W: Write>(out: &mut ::csv::Writer<W>, a: Option<&Attr>, raw: bool) -> ::csv::Result<()> {
    match a {
        Some(Attr::Str(s)) => out.write_field(cell(s, raw).as_bytes()),
        Some(Attr::Int(i)) => num::with_int(*i, |t| out.write_field(t)),
        Some(Attr::Float(f)) => num::with_float(*f, |t| out.write_field(t.as_bytes())),
        Some(Attr::Bool(b)) => out.write_field(if *b { "true" } else { "false" }),
        None => out.write_field(b""),
    }
}

/// Ends a row written field by field.
fn end_row<W: Write>(out: &mut ::csv::Writer<W>) -> ::csv::Result<()> {
    out.write_record(None::<&[u8]>)
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
    header(w, fixed.iter().copied().chain(cols.iter().map(String::as_str)))?;
    super::chunks::write_ranges(w, gr.node_count(), |buf, rows| {
        let mut out = ::csv::Writer::from_writer(buf);
        for i in rows {
            let n = &gr[NodeIndex::new(i)];
            out.write_field(cell(&n.id, raw).as_bytes()).map_err(to_io)?;
            out.write_field(n.kind.as_str()).map_err(to_io)?;
            out.write_field(cell(&n.label, raw).as_bytes()).map_err(to_io)?;
            if let Some(p) = positions {
                let (x, y) = p.get(i).copied().unwrap_or((0.0, 0.0));
                num::with_float(x as f64, |t| out.write_field(t)).map_err(to_io)?;
                num::with_float(y as f64, |t| out.write_field(t)).map_err(to_io)?;
            }
            for c in &cols {
                write_attr_cell(&mut out, n.attrs.get(c), raw).map_err(to_io)?;
            }
            end_row(&mut out).map_err(to_io)?;
        }
        out.flush()
    })
}

/// Writes the header row; the rows follow in chunks formatted in parallel
/// ([`super::chunks`]), each by a CSV writer of its own (same settings, so
/// the same bytes as one writer for the whole table).
fn header<'a>(w: &mut dyn Write, names: impl Iterator<Item = &'a str>) -> io::Result<()> {
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(names).map_err(to_io)?;
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
    header(w, fixed.iter().copied().chain(cols.iter().map(String::as_str)))?;
    let edges = gr.raw_edges();
    super::chunks::write_ranges(w, edges.len(), |buf, rows| {
        let mut out = ::csv::Writer::from_writer(buf);
        for e in &edges[rows] {
            let ew = &e.weight;
            out.write_field(cell(&gr[e.source()].id, raw).as_bytes()).map_err(to_io)?;
            out.write_field(cell(&gr[e.target()].id, raw).as_bytes()).map_err(to_io)?;
            out.write_field(ew.kind.as_str()).map_err(to_io)?;
            num::with_float(ew.weight, |t| out.write_field(t)).map_err(to_io)?;
            for c in &cols {
                write_attr_cell(&mut out, ew.attrs.get(c), raw).map_err(to_io)?;
            }
            end_row(&mut out).map_err(to_io)?;
        }
        out.flush()
    })
}

/// Writes the table chosen in `opts`.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    match opts.table {
        Table::Nodes => write_nodes(g, w, opts.positions.as_deref()),
        Table::Edges => write_edges(g, w),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, EdgeKind, Node, NodeKind};

    /// Tables over several chunks read back row for row, quoted cells and
    /// all, with the header once.
    #[test]
    fn tables_over_several_chunks_read_back() {
        let mut g = CitationGraph::new();
        let n = 3 * super::super::chunks::ITEMS_PER_CHUNK + 17;
        let label = |i: usize| format!("Work {i}, \"quoted\"\nsecond line");
        let ix: Vec<_> = (0..n)
            .map(|i| {
                let mut attrs = Attrs::new();
                if i % 2 == 0 {
                    attrs.insert("year", Attr::Int(i as i64));
                }
                let node = Node {
                    id: format!("W{i}"),
                    kind: NodeKind::Paper,
                    label: label(i),
                    attrs,
                    sources: vec![],
                };
                g.add_node(node)
            })
            .collect();
        for i in 0..n {
            let e =
                Edge { kind: EdgeKind::Cites, weight: i as f64 / 4.0, attrs: Attrs::new(), sources: vec![] };
            g.add_edge(ix[i], ix[(i * 7 + 1) % n], e);
        }
        let mut out = Vec::new();
        write_nodes(&g, &mut out, None).unwrap();
        let mut rows = ::csv::Reader::from_reader(out.as_slice());
        assert_eq!(rows.headers().unwrap(), vec!["id", "kind", "label", "year"]);
        let rows: Vec<::csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), n);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(&r[0], format!("W{i}"));
            assert_eq!(&r[2], label(i));
            assert_eq!(&r[3], if i % 2 == 0 { i.to_string() } else { String::new() });
        }
        let mut out = Vec::new();
        write_edges(&g, &mut out).unwrap();
        let rows: Vec<::csv::StringRecord> =
            ::csv::Reader::from_reader(out.as_slice()).records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), n);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!((&r[0], &r[1]), (format!("W{i}").as_str(), format!("W{}", (i * 7 + 1) % n).as_str()));
        }
    }
}
