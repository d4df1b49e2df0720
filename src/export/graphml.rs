//! GraphML writer of a [`CitationGraph`], readable by networkx, igraph,
//! Gephi, Cytoscape and yEd.
//!
//! Every attribute gets a typed `<key>` (`string`, `long`, `double`,
//! `boolean`; a name seen with two types is declared `string`). `kind` and
//! `label` are declared for all nodes and `kind` for all edges. Node ids are
//! the stable corpus ids; edge ids are `e` + the edge's position, stable for
//! the same inputs. Text is XML-escaped and characters XML 1.0 forbids are
//! dropped ([`crate::escape`]), so any title yields a well-formed file.
//!
//! The writer streams: values are escaped straight into the output (no
//! per-value strings); nodes and edges are formatted in parallel chunks and
//! written in order ([`super::chunks`]), so its memory does not grow with
//! the graph and the file does not depend on the number of threads.

use super::xml_text::write_xml as write_escaped;
use super::{chunks, num};
use crate::escape::xml as escape;
use crate::graph::{Attr, CitationGraph};
use petgraph::graph::NodeIndex;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// GraphML settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Leave out the `sources` attribute (smaller files for big graphs).
    pub without_sources: bool,
}

/// Writes an attribute value as GraphML text (floats as [`format_float`]
/// writes them, without a string per value).
fn write_value(w: &mut dyn Write, a: &Attr) -> io::Result<()> {
    match a {
        Attr::Str(s) => write_escaped(w, s),
        Attr::Int(i) => num::write_int(w, *i),
        Attr::Float(f) => num::write_float(w, *f),
        Attr::Bool(b) => num::write_bool(w, *b),
    }
}

fn merge_type(types: &mut BTreeMap<String, &'static str>, name: &str, t: &'static str) {
    // Looked up first: a name is allocated once, not once per node.
    match types.get_mut(name) {
        Some(old) if *old != t => *old = "string",
        Some(_) => {}
        None => {
            types.insert(name.to_string(), t);
        }
    }
}

/// Writes `g` as GraphML.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    let keep = |k: &str| !(opts.without_sources && k == crate::graph::attr::SOURCES);
    let mut node_types: BTreeMap<String, &'static str> = BTreeMap::new();
    let mut edge_types: BTreeMap<String, &'static str> = BTreeMap::new();
    node_types.insert("kind".into(), "string");
    node_types.insert("label".into(), "string");
    edge_types.insert("kind".into(), "string");
    edge_types.insert("weight".into(), "double");
    // The attribute types, scanned in parallel chunks: a name keeps its type
    // when every item agrees and becomes `string` otherwise, whatever the
    // order the chunks are merged in.
    fn scan<'a, T: Sync>(
        items: &'a [T],
        attrs: impl Fn(&'a T) -> &'a crate::graph::Attrs + Sync,
        keep: &(impl Fn(&str) -> bool + Sync),
    ) -> BTreeMap<String, &'static str> {
        use rayon::prelude::*;
        items
            .par_chunks(16_384)
            .map(|chunk| {
                let mut types = BTreeMap::new();
                for item in chunk {
                    for (k, v) in attrs(item) {
                        if keep(k) {
                            merge_type(&mut types, k, v.graphml_type());
                        }
                    }
                }
                types
            })
            .reduce(BTreeMap::new, |mut a, b| {
                for (k, t) in b {
                    merge_type(&mut a, &k, t);
                }
                a
            })
    }
    for (k, t) in scan(g.graph.raw_nodes(), |n| &n.weight.attrs, &keep) {
        merge_type(&mut node_types, &k, t);
    }
    for (k, t) in scan(g.graph.raw_edges(), |e| &e.weight.attrs, &keep) {
        merge_type(&mut edge_types, &k, t);
    }
    let directed = g.graph.edge_weights().all(|e| !e.kind.is_undirected());
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for (k, t) in &node_types {
        writeln!(w, r#"  <key id="n_{0}" for="node" attr.name="{0}" attr.type="{t}"/>"#, escape(k))?;
    }
    for (k, t) in &edge_types {
        writeln!(w, r#"  <key id="e_{0}" for="edge" attr.name="{0}" attr.type="{t}"/>"#, escape(k))?;
    }
    writeln!(
        w,
        r#"  <graph id="citemap" edgedefault="{}">"#,
        if directed { "directed" } else { "undirected" }
    )?;
    let data = |w: &mut dyn Write, prefix: &[u8], k: &str, v: &Attr| -> io::Result<()> {
        w.write_all(b"      <data key=\"")?;
        w.write_all(prefix)?;
        w.write_all(b"_")?;
        write_escaped(w, k)?;
        w.write_all(b"\">")?;
        write_value(w, v)?;
        w.write_all(b"</data>\n")
    };
    chunks::write_items(w, g.graph.node_count(), |w, i| {
        let n = &g.graph[NodeIndex::new(i)];
        w.write_all(b"    <node id=\"")?;
        write_escaped(w, &n.id)?;
        w.write_all(b"\">\n      <data key=\"n_kind\">")?;
        w.write_all(n.kind.as_str().as_bytes())?;
        w.write_all(b"</data>\n      <data key=\"n_label\">")?;
        write_escaped(w, &n.label)?;
        w.write_all(b"</data>\n")?;
        for (k, v) in &n.attrs {
            if keep(k) {
                data(w, b"n", k, v)?;
            }
        }
        w.write_all(b"    </node>\n")
    })?;
    let edges = g.graph.raw_edges();
    chunks::write_items(w, edges.len(), |w, i| {
        let e = &edges[i];
        let ed = &e.weight;
        w.write_all(b"    <edge id=\"e")?;
        num::write_int(w, i as i64)?;
        w.write_all(b"\" source=\"")?;
        write_escaped(w, &g.graph[e.source()].id)?;
        w.write_all(b"\" target=\"")?;
        write_escaped(w, &g.graph[e.target()].id)?;
        w.write_all(b"\">\n      <data key=\"e_kind\">")?;
        w.write_all(ed.kind.as_str().as_bytes())?;
        w.write_all(b"</data>\n      <data key=\"e_weight\">")?;
        num::write_float(w, ed.weight)?;
        w.write_all(b"</data>\n")?;
        for (k, v) in &ed.attrs {
            if keep(k) && k != "weight" {
                data(w, b"e", k, v)?;
            }
        }
        w.write_all(b"    </edge>\n")
    })?;
    writeln!(w, "  </graph>")?;
    writeln!(w, "</graphml>")
}

#[cfg(test)]
mod tests {
    use super::escape;
    use crate::escape::write_xml as write_escaped;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(escape("<a href=\"x\">&'\u{1}"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
        for s in ["<a href=\"x\">&'\u{1}", "plain", "", "é\u{FFFE}\u{FFFF}\tz\u{7f}>", "&&"] {
            let mut out = Vec::new();
            write_escaped(&mut out, s).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), escape(s), "{s:?}");
        }
    }
}
