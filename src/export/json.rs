//! JSON node-link writer, readable by networkx's `node_link_graph` with its
//! defaults from networkx 3.4 on (`{"directed", "multigraph", "graph",
//! "nodes": [{id, kind, label, ...}], "edges": [{source, target, kind,
//! weight, ...}]}`; networkx before 3.4 reads it with `link="edges"`).
//!
//! Attributes keep their types (strings, integers, numbers, booleans); floats
//! go through [`format_float`](crate::graph::format_float), so output is byte-stable.
//!
//! [`write`] streams: one node or edge object at a time is built and
//! written, never the whole document ([`to_value`] builds it, for callers
//! that want the value), and the bytes are those `serde_json` writes for
//! the whole document.

use crate::graph::{Attr, Attrs, CitationGraph};
use petgraph::graph::NodeIndex;
use serde_json::{Map, Number, Value};
use std::io::{self, Write};

/// JSON settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Indent the output (two spaces) instead of one line.
    pub pretty: bool,
    /// Node positions (by node index) written as `x` and `y`.
    pub positions: Option<Vec<(f32, f32)>>,
}

/// A float as a JSON number with fixed formatting (non-finite values become 0).
pub fn float_value(f: f64) -> Value {
    Number::from_f64(fixed_number(f)).map(Value::Number).unwrap_or(Value::from(0))
}

/// The number a JSON float stands for: the fixed text of
/// [`format_float`](crate::graph::format_float) read back (so `serde_json`
/// writes it in its shortest form).
fn fixed_number(f: f64) -> f64 {
    super::num::with_float(f, |t| t.parse::<f64>().unwrap_or(0.0))
}

/// An attribute as a JSON value.
pub fn attr_value(a: &Attr) -> Value {
    match a {
        Attr::Str(s) => Value::String(s.to_string()),
        Attr::Int(i) => Value::from(*i),
        Attr::Float(f) => float_value(*f),
        Attr::Bool(b) => Value::Bool(*b),
    }
}

fn put_attrs(m: &mut Map<String, Value>, attrs: &Attrs) {
    for (k, v) in attrs {
        // The fixed keys win over attributes of the same name.
        if !m.contains_key(k) {
            m.insert(k.to_string(), attr_value(v));
        }
    }
}

/// The object of node `ix`.
fn node_value(g: &CitationGraph, ix: petgraph::graph::NodeIndex, opts: &Options) -> Value {
    let n = &g.graph[ix];
    let mut m = Map::new();
    m.insert("id".into(), Value::String(n.id.clone()));
    m.insert("kind".into(), Value::String(n.kind.as_str().into()));
    m.insert("label".into(), Value::String(n.label.clone()));
    if let Some(&(x, y)) = opts.positions.as_ref().and_then(|p| p.get(ix.index())) {
        m.insert("x".into(), float_value(x as f64));
        m.insert("y".into(), float_value(y as f64));
    }
    put_attrs(&mut m, &n.attrs);
    Value::Object(m)
}

/// Each edge's number among the edges of its ordered pair before it, in
/// edge order (a multigraph's `key`), when some ordered pair has more than
/// one edge (networkx then reads the document as a multigraph); `None`
/// otherwise. Counted by sorting the pairs (with the edge number last, so
/// equal pairs stay in edge order).
fn multigraph_keys(g: &CitationGraph) -> Option<Vec<u32>> {
    let mut pairs: Vec<(u32, u32, u32)> = g
        .graph
        .raw_edges()
        .iter()
        .enumerate()
        .map(|(i, e)| (e.source().index() as u32, e.target().index() as u32, i as u32))
        .collect();
    pairs.sort_unstable();
    let mut keys = vec![0u32; pairs.len()];
    let mut repeated = false;
    for (k, &(a, b, i)) in pairs.iter().enumerate() {
        if k > 0 && (pairs[k - 1].0, pairs[k - 1].1) == (a, b) {
            keys[i as usize] = keys[pairs[k - 1].2 as usize] + 1;
            repeated = true;
        }
    }
    repeated.then_some(keys)
}

/// One edge object (`key`, the edge's number among those of its ordered
/// pair, written only in a multigraph).
fn edge_value(g: &CitationGraph, e: &petgraph::graph::Edge<crate::graph::Edge>, key: Option<u32>) -> Value {
    let gr = &g.graph;
    let w = &e.weight;
    let mut m = Map::new();
    m.insert("source".into(), Value::String(gr[e.source()].id.clone()));
    m.insert("target".into(), Value::String(gr[e.target()].id.clone()));
    if let Some(key) = key {
        m.insert("key".into(), Value::from(key));
    }
    m.insert("kind".into(), Value::String(w.kind.as_str().into()));
    m.insert("weight".into(), float_value(w.weight));
    put_attrs(&mut m, &w.attrs);
    Value::Object(m)
}

/// The edge objects in edge order.
fn edge_values<'a>(g: &'a CitationGraph, keys: Option<&'a [u32]>) -> impl Iterator<Item = Value> + 'a {
    g.graph
        .raw_edges()
        .iter()
        .enumerate()
        .map(move |(i, e)| edge_value(g, e, keys.and_then(|k| k.get(i).copied())))
}

/// Builds the node-link document of `g`.
pub fn to_value(g: &CitationGraph, opts: &Options) -> Value {
    let gr = &g.graph;
    let nodes: Vec<Value> = gr.node_indices().map(|ix| node_value(g, ix, opts)).collect();
    // networkx reads `key` only in multigraphs, so it is written only when
    // some ordered pair has more than one edge.
    let keys = multigraph_keys(g);
    let multigraph = keys.is_some();
    let links: Vec<Value> = edge_values(g, keys.as_deref()).collect();
    let mut doc = Map::new();
    doc.insert("directed".into(), Value::Bool(true));
    doc.insert("multigraph".into(), Value::Bool(multigraph));
    doc.insert("graph".into(), Value::Object(Map::new()));
    doc.insert("nodes".into(), Value::Array(nodes));
    doc.insert("edges".into(), Value::Array(links));
    Value::Object(doc)
}

/// A value of one object entry, borrowed from the graph.
#[derive(Clone, Copy)]
enum Val<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl<'a> From<&'a Attr> for Val<'a> {
    fn from(a: &'a Attr) -> Val<'a> {
        match a {
            Attr::Str(s) => Val::Str(s),
            Attr::Int(i) => Val::Int(*i),
            Attr::Float(f) => Val::Float(*f),
            Attr::Bool(b) => Val::Bool(*b),
        }
    }
}

/// Writes `v` as `serde_json` writes the [`Value`] [`attr_value`] and
/// [`float_value`] make of it.
fn put_val(out: &mut Vec<u8>, v: Val<'_>) -> io::Result<()> {
    match v {
        Val::Str(s) => serde_json::to_writer(&mut *out, s).map_err(io::Error::from),
        Val::Int(i) => super::num::write_int(out, i),
        // As `float_value`: the fixed text read back as a number, which
        // `serde_json` then writes in its own (shortest) form.
        Val::Float(f) => serde_json::to_writer(&mut *out, &fixed_number(f)).map_err(io::Error::from),
        Val::Bool(b) => super::num::write_bool(out, b),
    }
}

/// Writes one object of `fixed` entries and `attrs` (an attribute named
/// like a fixed entry is left out), keys in the order of a
/// [`serde_json::Map`] (sorted), as `serde_json` writes it: pretty at the
/// indentation of an item of a top-level array, or on one line.
fn put_object(out: &mut Vec<u8>, pretty: bool, fixed: &[(&str, Val<'_>)], attrs: &Attrs) -> io::Result<()> {
    let mut all: Vec<(&str, Val<'_>)> = Vec::with_capacity(fixed.len() + attrs.len());
    all.extend_from_slice(fixed);
    all.extend(
        attrs.iter().filter(|(k, _)| !fixed.iter().any(|(f, _)| f == k)).map(|(k, v)| (k, Val::from(v))),
    );
    all.sort_unstable_by(|a, b| a.0.cmp(b.0));
    if all.is_empty() {
        out.extend_from_slice(b"{}");
        return Ok(());
    }
    out.push(b'{');
    for (i, (k, v)) in all.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if pretty {
            out.extend_from_slice(b"\n      ");
        }
        serde_json::to_writer(&mut *out, k).map_err(io::Error::from)?;
        out.extend_from_slice(if pretty { b": " } else { b":" });
        put_val(out, *v)?;
    }
    if pretty {
        out.extend_from_slice(b"\n    ");
    }
    out.push(b'}');
    Ok(())
}

/// Writes node `i`'s object.
fn put_node(out: &mut Vec<u8>, g: &CitationGraph, i: usize, opts: &Options) -> io::Result<()> {
    let n = &g.graph[NodeIndex::new(i)];
    let mut fixed = [
        ("id", Val::Str(&n.id)),
        ("kind", Val::Str(n.kind.as_str())),
        ("label", Val::Str(&n.label)),
        ("x", Val::Int(0)),
        ("y", Val::Int(0)),
    ];
    let count = match opts.positions.as_ref().and_then(|p| p.get(i)) {
        Some(&(x, y)) => {
            fixed[3].1 = Val::Float(x as f64);
            fixed[4].1 = Val::Float(y as f64);
            5
        }
        None => 3,
    };
    put_object(out, opts.pretty, &fixed[..count], &n.attrs)
}

/// Writes edge `i`'s object (`key` only in a multigraph, as [`edge_value`]).
fn put_edge(
    out: &mut Vec<u8>,
    g: &CitationGraph,
    i: usize,
    key: Option<u32>,
    pretty: bool,
) -> io::Result<()> {
    let gr = &g.graph;
    let e = &gr.raw_edges()[i];
    let w = &e.weight;
    let mut fixed = [
        ("source", Val::Str(&gr[e.source()].id)),
        ("target", Val::Str(&gr[e.target()].id)),
        ("kind", Val::Str(w.kind.as_str())),
        ("weight", Val::Float(w.weight)),
        ("key", Val::Int(0)),
    ];
    let count = match key {
        Some(k) => {
            fixed[4].1 = Val::Int(i64::from(k));
            5
        }
        None => 4,
    };
    put_object(out, pretty, &fixed[..count], &w.attrs)
}

/// Writes the array of items `0..n` (each written by `item`) as the value
/// of a top-level key: pretty, each item's lines indented by two levels, as
/// `serde_json` indents them in the whole document, or on one line. Items
/// are formatted in parallel chunks and written in order ([`super::chunks`]).
fn write_items<F>(w: &mut dyn Write, pretty: bool, n: usize, item: F) -> io::Result<()>
where
    F: Fn(&mut Vec<u8>, usize) -> io::Result<()> + Sync,
{
    w.write_all(b"[")?;
    super::chunks::write_items(w, n, |out, i| {
        if i > 0 {
            out.push(b',');
        }
        if pretty {
            out.extend_from_slice(b"\n    ");
        }
        item(out, i)
    })?;
    if n > 0 && pretty {
        w.write_all(b"\n  ")?;
    }
    w.write_all(b"]")
}

/// Writes `g` as node-link JSON, one node or edge at a time.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    // A multigraph's `key`s count the edges before in each ordered pair:
    // counted first, in order.
    let keys = multigraph_keys(g);
    let multigraph = keys.is_some();
    // The top-level keys in the order a JSON object keeps them.
    let order: Map<String, Value> = ["directed", "multigraph", "graph", "nodes", "edges"]
        .iter()
        .map(|k| (k.to_string(), Value::Null))
        .collect();
    w.write_all(b"{")?;
    for (i, k) in order.keys().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        if opts.pretty {
            w.write_all(b"\n  ")?;
        }
        serde_json::to_writer(&mut *w, k)?;
        w.write_all(if opts.pretty { b": " } else { b":" })?;
        match k.as_str() {
            "directed" => w.write_all(b"true")?,
            "multigraph" => w.write_all(if multigraph { b"true" } else { b"false" })?,
            "graph" => w.write_all(b"{}")?,
            "nodes" => write_items(w, opts.pretty, g.graph.node_count(), |out, i| put_node(out, g, i, opts))?,
            _ => write_items(w, opts.pretty, g.graph.edge_count(), |out, i| {
                put_edge(out, g, i, keys.as_ref().and_then(|k| k.get(i).copied()), opts.pretty)
            })?,
        }
    }
    if opts.pretty {
        w.write_all(b"\n")?;
    }
    w.write_all(b"}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, EdgeKind, Node, NodeKind};

    /// The streamed document is byte for byte the whole document written at once.
    #[test]
    fn streaming_writes_what_the_whole_document_writes() {
        let mut g = CitationGraph::new();
        let node = |id: &str, label: &str| Node {
            id: id.into(),
            kind: NodeKind::Paper,
            label: label.into(),
            attrs: [
                ("year".to_string(), Attr::Int(2020)),
                ("pagerank".to_string(), Attr::Float(0.1 + 0.2)),
                ("zeta".to_string(), Attr::Bool(true)),
                ("id".to_string(), Attr::Str("shadowed".into())),
            ]
            .into_iter()
            .collect(),
            sources: vec![],
        };
        let edge = |w: f64| Edge {
            kind: EdgeKind::Cites,
            weight: w,
            attrs: [("count".to_string(), Attr::Int(2))].into_iter().collect(),
            sources: vec![],
        };
        let empty = CitationGraph::new();
        let a = g.add_node(node("W1", "Ann \"q\"\n\u{e9}"));
        let b = g.add_node(node("W2", "B"));
        g.add_edge(a, b, edge(1.0));
        let mut multi = g.clone();
        multi.add_edge(a, b, edge(2.5));
        // Over several chunks of nodes and edges, pairs repeated (a multigraph).
        let mut big = CitationGraph::new();
        let ix: Vec<_> = (0..3000).map(|i| big.add_node(node(&format!("W{i}"), "x"))).collect();
        for i in 0..10_000 {
            big.add_edge(ix[i % 3000], ix[(i * 7) % 3000], edge(i as f64 / 3.0));
        }
        // Weights the fixed text turns into other numbers: big, tiny, not finite.
        for w in [1e20, -1e-9, f64::NAN, f64::INFINITY, 123456.0000005, -0.0] {
            big.add_edge(ix[1], ix[2], edge(w));
        }
        assert!(multigraph_keys(&big).is_some() && multigraph_keys(&g).is_none());
        for graph in [&g, &multi, &empty, &big] {
            for pretty in [true, false] {
                let positions = (graph.graph.node_count() == 2).then(|| vec![(1.5f32, -2.0f32), (0.0, 3.25)]);
                for positions in [None, positions] {
                    let opts = Options { pretty, positions };
                    let mut streamed = Vec::new();
                    write(graph, &mut streamed, &opts).unwrap();
                    let doc = to_value(graph, &opts);
                    let mut whole =
                        if pretty { serde_json::to_vec_pretty(&doc) } else { serde_json::to_vec(&doc) }
                            .unwrap();
                    whole.push(b'\n');
                    assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(whole).unwrap());
                }
            }
        }
    }
}
