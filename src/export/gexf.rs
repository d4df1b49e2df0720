//! GEXF 1.3 writer for Gephi (and networkx `read_gexf(..., version="1.3")`).
//!
//! Every node and edge attribute is declared with its type (`string`, `long`,
//! `double`, `boolean`; a name used with two types is declared `string`).
//! Works with a `year` get `start="<year>"` in a dynamic graph with
//! `timeformat="integer"`, so Gephi's timeline filters by year. Nodes carry
//! `viz:color` by cluster, `viz:size` by citations and, when positions are
//! given, `viz:position`.

use super::num;
use super::xml_text::write_xml;
use crate::escape::xml;
use crate::graph::{attr, Attr, Attrs, CitationGraph};
use crate::graph::{node_clusters as clusters, node_weights};
use crate::style::cluster_colour;
use petgraph::visit::EdgeRef;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// GEXF settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Node positions (by node index), written as `viz:position`.
    pub positions: Option<Vec<(f32, f32)>>,
    /// Date written as the meta `lastmodifieddate` (the run date; the clock is never read).
    pub date: Option<String>,
}

/// Declared attribute types by name: the common type, or `string` on conflict.
fn declared<'a>(attrs: impl Iterator<Item = &'a Attrs>, skip: &[&str]) -> BTreeMap<String, &'static str> {
    let mut m: BTreeMap<String, &'static str> = BTreeMap::new();
    for a in attrs {
        for (k, v) in a {
            if skip.contains(&k) {
                continue;
            }
            let t = v.graphml_type();
            // Looked up first: a name is allocated once, not once per node.
            match m.get_mut(k) {
                Some(old) if *old != t => *old = "string",
                Some(_) => {}
                None => {
                    m.insert(k.to_string(), t);
                }
            }
        }
    }
    m
}

/// Writes an attribute value as XML attribute text (floats as
/// [`format_float`](crate::graph::format_float) writes them).
fn write_value(w: &mut dyn Write, a: &Attr) -> io::Result<()> {
    match a {
        Attr::Str(s) => write_xml(w, s),
        Attr::Int(i) => num::write_int(w, *i),
        Attr::Float(f) => num::write_float(w, *f),
        Attr::Bool(b) => num::write_bool(w, *b),
    }
}

fn rgb(hex: &str) -> (u8, u8, u8) {
    let c = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(128);
    (c(1), c(3), c(5))
}

/// Writes the declared attributes of `attrs` with `kind` (the node's or
/// edge's kind, in its place in name order, over any attribute of that
/// name), streamed: no copy of the attributes is made.
fn write_attvalues(
    w: &mut dyn Write,
    attrs: &Attrs,
    kind: &str,
    decl: &BTreeMap<String, &'static str>,
) -> io::Result<()> {
    let one = |w: &mut dyn Write, k: &str, v: Option<&Attr>| -> io::Result<()> {
        w.write_all(b"          <attvalue for=\"")?;
        write_xml(w, k)?;
        w.write_all(b"\" value=\"")?;
        match v {
            Some(v) => write_value(w, v)?,
            None => write_xml(w, kind)?,
        }
        w.write_all(b"\"/>\n")
    };
    w.write_all(b"        <attvalues>\n")?;
    let mut kind_written = false;
    for (k, v) in attrs {
        if k == attr::KIND || !decl.contains_key(k) {
            continue;
        }
        if !kind_written && k > attr::KIND {
            one(w, attr::KIND, None)?;
            kind_written = true;
        }
        one(w, k, Some(v))?;
    }
    if !kind_written {
        one(w, attr::KIND, None)?;
    }
    w.write_all(b"        </attvalues>\n")
}

/// Writes `g` as GEXF 1.3.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    let gr = &g.graph;
    // `kind` is declared as an attribute too; `label` is the node's own XML attribute.
    let mut node_decl = declared(gr.node_weights().map(|n| &n.attrs), &[attr::LABEL, attr::KIND]);
    node_decl.insert(attr::KIND.into(), "string");
    let mut edge_decl = declared(gr.edge_weights().map(|e| &e.attrs), &[attr::KIND, attr::WEIGHT]);
    edge_decl.insert(attr::KIND.into(), "string");
    let undirected = gr.edge_count() > 0 && gr.edge_weights().all(|e| e.kind.is_undirected());
    let dynamic = gr.node_weights().any(|n| matches!(n.attrs.get(attr::YEAR), Some(Attr::Int(_))));

    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(w, r#"<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">"#)?;
    match opts.date.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => writeln!(w, "  <meta lastmodifieddate=\"{}\">", xml(d.trim()))?,
        None => writeln!(w, "  <meta>")?,
    }
    writeln!(w, "    <creator>citemap {}</creator>", crate::VERSION)?;
    writeln!(w, "    <description>citation graph</description>")?;
    writeln!(w, "  </meta>")?;
    let mode = if dynamic { r#"mode="dynamic" timeformat="integer""# } else { r#"mode="static""# };
    writeln!(
        w,
        "  <graph defaultedgetype=\"{}\" {mode}>",
        if undirected { "undirected" } else { "directed" }
    )?;
    for (class, decl) in [("node", &node_decl), ("edge", &edge_decl)] {
        writeln!(w, "    <attributes class=\"{class}\" mode=\"static\">")?;
        for (k, t) in decl {
            let k = xml(k);
            writeln!(w, "      <attribute id=\"{k}\" title=\"{k}\" type=\"{t}\"/>")?;
        }
        writeln!(w, "    </attributes>")?;
    }
    let cl = clusters(g);
    let weights = node_weights(g);
    let max_w = weights.iter().cloned().fold(0.0, f64::max);
    writeln!(w, "    <nodes>")?;
    for ix in gr.node_indices() {
        let n = &gr[ix];
        let i = ix.index();
        w.write_all(b"      <node id=\"")?;
        write_xml(w, &n.id)?;
        w.write_all(b"\" label=\"")?;
        write_xml(w, &n.label)?;
        w.write_all(b"\"")?;
        if let Some(Attr::Int(y)) = n.attrs.get(attr::YEAR) {
            w.write_all(b" start=\"")?;
            num::write_int(w, *y)?;
            w.write_all(b"\"")?;
        }
        w.write_all(b">\n")?;
        write_attvalues(w, &n.attrs, n.kind.as_str(), &node_decl)?;
        let (r, gg, b) = rgb(cluster_colour(cl.get(i).copied().unwrap_or(0)));
        writeln!(w, "        <viz:color r=\"{r}\" g=\"{gg}\" b=\"{b}\"/>")?;
        let t = if max_w > 0.0 { (weights.get(i).copied().unwrap_or(0.0) / max_w).sqrt() } else { 0.0 };
        w.write_all(b"        <viz:size value=\"")?;
        num::write_float(w, 4.0 + 26.0 * t)?;
        w.write_all(b"\"/>\n")?;
        if let Some(&(x, y)) = opts.positions.as_ref().and_then(|p| p.get(i)) {
            w.write_all(b"        <viz:position x=\"")?;
            num::write_float(w, x as f64)?;
            w.write_all(b"\" y=\"")?;
            // Gephi's y axis points up; SVG's points down.
            num::write_float(w, -y as f64)?;
            w.write_all(b"\" z=\"0\"/>\n")?;
        }
        w.write_all(b"      </node>\n")?;
    }
    writeln!(w, "    </nodes>")?;
    writeln!(w, "    <edges>")?;
    for e in gr.edge_references() {
        let ew = e.weight();
        w.write_all(b"      <edge id=\"e")?;
        num::write_int(w, e.id().index() as i64)?;
        w.write_all(b"\" source=\"")?;
        write_xml(w, &gr[e.source()].id)?;
        w.write_all(b"\" target=\"")?;
        write_xml(w, &gr[e.target()].id)?;
        w.write_all(b"\" weight=\"")?;
        num::write_float(w, ew.weight)?;
        w.write_all(b"\">\n")?;
        write_attvalues(w, &ew.attrs, ew.kind.as_str(), &edge_decl)?;
        w.write_all(b"      </edge>\n")?;
    }
    writeln!(w, "    </edges>")?;
    writeln!(w, "  </graph>")?;
    writeln!(w, "</gexf>")
}
