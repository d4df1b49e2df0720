//! JSON node-link writer, readable by networkx's `node_link_graph` with its
//! defaults from networkx 3.4 on (`{"directed", "multigraph", "graph",
//! "nodes": [{id, kind, label, ...}], "edges": [{source, target, kind,
//! weight, ...}]}`; networkx before 3.4 reads it with `link="edges"`).
//!
//! Attributes keep their types (strings, integers, numbers, booleans); floats
//! go through [`format_float`], so output is byte-stable.

use crate::graph::{format_float, Attr, Attrs, CitationGraph};
use petgraph::visit::EdgeRef;
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;
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
    let f = format_float(f).parse::<f64>().unwrap_or(0.0);
    Number::from_f64(f).map(Value::Number).unwrap_or(Value::from(0))
}

/// An attribute as a JSON value.
pub fn attr_value(a: &Attr) -> Value {
    match a {
        Attr::Str(s) => Value::String(s.clone()),
        Attr::Int(i) => Value::from(*i),
        Attr::Float(f) => float_value(*f),
        Attr::Bool(b) => Value::Bool(*b),
    }
}

fn put_attrs(m: &mut Map<String, Value>, attrs: &Attrs) {
    for (k, v) in attrs {
        // The fixed keys win over attributes of the same name.
        if !m.contains_key(k) {
            m.insert(k.clone(), attr_value(v));
        }
    }
}

/// Builds the node-link document of `g`.
pub fn to_value(g: &CitationGraph, opts: &Options) -> Value {
    let gr = &g.graph;
    let nodes: Vec<Value> = gr
        .node_indices()
        .map(|ix| {
            let n = &gr[ix];
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
        })
        .collect();
    // networkx reads `key` only in multigraphs, so it is written only when
    // some ordered pair has more than one edge.
    let mut seen: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for e in gr.edge_references() {
        *seen.entry((e.source().index(), e.target().index())).or_insert(0) += 1;
    }
    let multigraph = seen.values().any(|&c| c > 1);
    seen.clear();
    let mut links: Vec<Value> = Vec::with_capacity(gr.edge_count());
    for e in gr.edge_references() {
        let key = seen.entry((e.source().index(), e.target().index())).or_insert(0);
        let w = e.weight();
        let mut m = Map::new();
        m.insert("source".into(), Value::String(gr[e.source()].id.clone()));
        m.insert("target".into(), Value::String(gr[e.target()].id.clone()));
        if multigraph {
            m.insert("key".into(), Value::from(*key));
        }
        m.insert("kind".into(), Value::String(w.kind.as_str().into()));
        m.insert("weight".into(), float_value(w.weight));
        put_attrs(&mut m, &w.attrs);
        *key += 1;
        links.push(Value::Object(m));
    }
    let mut doc = Map::new();
    doc.insert("directed".into(), Value::Bool(true));
    doc.insert("multigraph".into(), Value::Bool(multigraph));
    doc.insert("graph".into(), Value::Object(Map::new()));
    doc.insert("nodes".into(), Value::Array(nodes));
    doc.insert("edges".into(), Value::Array(links));
    Value::Object(doc)
}

/// Writes `g` as node-link JSON.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    let doc = to_value(g, opts);
    if opts.pretty {
        serde_json::to_writer_pretty(&mut *w, &doc)?;
    } else {
        serde_json::to_writer(&mut *w, &doc)?;
    }
    w.write_all(b"\n")
}
