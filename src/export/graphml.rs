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
use crate::graph::{attr_key, Attr, AttrKey, Attrs, CitationGraph};
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
fn write_value(w: &mut Vec<u8>, a: &Attr) -> io::Result<()> {
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
    // The attribute types, scanned in parallel chunks by key number: a name
    // keeps its type when every item agrees and becomes `string` otherwise,
    // whatever the order the chunks are merged in.
    fn scan<'a, T: Sync>(
        items: &'a [T],
        attrs: impl Fn(&'a T) -> &'a Attrs + Sync,
    ) -> Vec<Option<(AttrKey, &'static str)>> {
        use rayon::prelude::*;
        let merge = |types: &mut Vec<Option<(AttrKey, &'static str)>>, k: AttrKey, t: &'static str| {
            let n = k.number();
            if types.len() <= n {
                types.resize(n + 1, None);
            }
            match &mut types[n] {
                Some((_, old)) if *old != t => *old = "string",
                Some(_) => {}
                slot @ None => *slot = Some((k, t)),
            }
        };
        items
            .par_chunks(16_384)
            .map(|chunk| {
                let mut types = Vec::new();
                for item in chunk {
                    for (k, v) in attrs(item).entries() {
                        merge(&mut types, k, v.graphml_type());
                    }
                }
                types
            })
            .reduce(Vec::new, |mut a, b| {
                for (k, t) in b.into_iter().flatten() {
                    merge(&mut a, k, t);
                }
                a
            })
    }
    for (k, t) in scan(g.graph.raw_nodes(), |n| &n.weight.attrs).into_iter().flatten() {
        if keep(&k) {
            merge_type(&mut node_types, &k, t);
        }
    }
    for (k, t) in scan(g.graph.raw_edges(), |e| &e.weight.attrs).into_iter().flatten() {
        if keep(&k) {
            merge_type(&mut edge_types, &k, t);
        }
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
    // The opening of each kept attribute's `<data>` element, by key number
    // (`None`: not written), so a value costs one copy for its markup.
    let openings = |prefix: &str, types: &BTreeMap<String, &'static str>, skip: &[&str]| {
        let mut table: Vec<Option<Box<[u8]>>> = Vec::new();
        for k in types.keys().filter(|k| keep(k) && !skip.contains(&k.as_str())) {
            let n = attr_key(k).number();
            if table.len() <= n {
                table.resize(n + 1, None);
            }
            let mut open = format!("      <data key=\"{prefix}_").into_bytes();
            write_escaped(&mut open, k)?;
            open.extend_from_slice(b"\">");
            table[n] = Some(open.into_boxed_slice());
        }
        io::Result::Ok(table)
    };
    let node_openings = openings("n", &node_types, &[])?;
    let edge_openings = openings("e", &edge_types, &["weight"])?;
    let data = |buf: &mut Vec<u8>, openings: &[Option<Box<[u8]>>], attrs: &Attrs| -> io::Result<()> {
        for (k, v) in attrs.entries() {
            if let Some(Some(open)) = openings.get(k.number()) {
                buf.extend_from_slice(open);
                write_value(buf, v)?;
                buf.extend_from_slice(b"</data>\n");
            }
        }
        Ok(())
    };
    // Every node's escaped id, once: for its own line and its edges' lines.
    let ids =
        chunks::Texts::of(g.graph.node_count(), |buf, i| write_escaped(buf, &g.graph[NodeIndex::new(i)].id))?;
    chunks::write_items(w, g.graph.node_count(), |buf, i| {
        let n = &g.graph[NodeIndex::new(i)];
        buf.extend_from_slice(b"    <node id=\"");
        buf.extend_from_slice(ids.get(i));
        buf.extend_from_slice(b"\">\n      <data key=\"n_kind\">");
        buf.extend_from_slice(n.kind.as_str().as_bytes());
        buf.extend_from_slice(b"</data>\n      <data key=\"n_label\">");
        write_escaped(buf, &n.label)?;
        buf.extend_from_slice(b"</data>\n");
        data(buf, &node_openings, &n.attrs)?;
        buf.extend_from_slice(b"    </node>\n");
        Ok(())
    })?;
    let edges = g.graph.raw_edges();
    chunks::write_items(w, edges.len(), |buf, i| {
        let e = &edges[i];
        let ed = &e.weight;
        buf.extend_from_slice(b"    <edge id=\"e");
        num::write_int(buf, i as i64)?;
        buf.extend_from_slice(b"\" source=\"");
        buf.extend_from_slice(ids.get(e.source().index()));
        buf.extend_from_slice(b"\" target=\"");
        buf.extend_from_slice(ids.get(e.target().index()));
        buf.extend_from_slice(b"\">\n      <data key=\"e_kind\">");
        buf.extend_from_slice(ed.kind.as_str().as_bytes());
        buf.extend_from_slice(b"</data>\n      <data key=\"e_weight\">");
        num::write_float(buf, ed.weight)?;
        buf.extend_from_slice(b"</data>\n");
        data(buf, &edge_openings, &ed.attrs)?;
        buf.extend_from_slice(b"    </edge>\n");
        Ok(())
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
