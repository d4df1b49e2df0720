//! GEXF 1.3 writer for Gephi (and networkx `read_gexf(..., version="1.3")`).
//!
//! Every node and edge attribute is declared with its type (`string`, `long`,
//! `double`, `boolean`; a name used with two types is declared `string`).
//! Works with a `year` get `start="<year>"` in a dynamic graph with
//! `timeformat="integer"`, so Gephi's timeline filters by year. Nodes carry
//! `viz:color` by cluster, `viz:size` by citations and, when positions are
//! given, `viz:position`.

use crate::escape::xml;
use crate::graph::{attr, format_float, Attr, Attrs, CitationGraph};
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
            if skip.contains(&k.as_str()) {
                continue;
            }
            let t = v.graphml_type();
            m.entry(k.clone())
                .and_modify(|old| {
                    if *old != t {
                        *old = "string"
                    }
                })
                .or_insert(t);
        }
    }
    m
}

fn value_text(a: &Attr) -> String {
    match a {
        Attr::Str(s) => xml(s),
        other => other.to_text(),
    }
}

fn rgb(hex: &str) -> (u8, u8, u8) {
    let c = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(128);
    (c(1), c(3), c(5))
}

fn write_attvalues(
    w: &mut dyn Write,
    attrs: &Attrs,
    decl: &BTreeMap<String, &'static str>,
) -> io::Result<()> {
    let present: Vec<_> = attrs.iter().filter(|(k, _)| decl.contains_key(*k)).collect();
    if present.is_empty() {
        return Ok(());
    }
    writeln!(w, "        <attvalues>")?;
    for (k, v) in present {
        writeln!(w, "          <attvalue for=\"{}\" value=\"{}\"/>", xml(k), value_text(v))?;
    }
    writeln!(w, "        </attvalues>")
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
        let start = match n.attrs.get(attr::YEAR) {
            Some(Attr::Int(y)) => format!(" start=\"{y}\""),
            _ => String::new(),
        };
        writeln!(w, "      <node id=\"{}\" label=\"{}\"{start}>", xml(&n.id), xml(&n.label))?;
        let mut attrs = n.attrs.clone();
        attrs.insert(attr::KIND.into(), Attr::Str(n.kind.as_str().into()));
        write_attvalues(w, &attrs, &node_decl)?;
        let (r, gg, b) = rgb(cluster_colour(cl.get(i).copied().unwrap_or(0)));
        writeln!(w, "        <viz:color r=\"{r}\" g=\"{gg}\" b=\"{b}\"/>")?;
        let t = if max_w > 0.0 { (weights.get(i).copied().unwrap_or(0.0) / max_w).sqrt() } else { 0.0 };
        writeln!(w, "        <viz:size value=\"{}\"/>", format_float(4.0 + 26.0 * t))?;
        if let Some(&(x, y)) = opts.positions.as_ref().and_then(|p| p.get(i)) {
            writeln!(
                w,
                "        <viz:position x=\"{}\" y=\"{}\" z=\"0\"/>",
                format_float(x as f64),
                // Gephi's y axis points up; SVG's points down.
                format_float(-y as f64)
            )?;
        }
        writeln!(w, "      </node>")?;
    }
    writeln!(w, "    </nodes>")?;
    writeln!(w, "    <edges>")?;
    for e in gr.edge_references() {
        let ew = e.weight();
        writeln!(
            w,
            "      <edge id=\"e{}\" source=\"{}\" target=\"{}\" weight=\"{}\">",
            e.id().index(),
            xml(&gr[e.source()].id),
            xml(&gr[e.target()].id),
            format_float(ew.weight)
        )?;
        let mut attrs = ew.attrs.clone();
        attrs.insert(attr::KIND.into(), Attr::Str(ew.kind.as_str().into()));
        write_attvalues(w, &attrs, &edge_decl)?;
        writeln!(w, "      </edge>")?;
    }
    writeln!(w, "    </edges>")?;
    writeln!(w, "  </graph>")?;
    writeln!(w, "</gexf>")
}
