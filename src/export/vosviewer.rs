//! VOSviewer exports: the JSON file VOSviewer (1.6.16+) and VOSviewer Online
//! open (`network.items`, `network.links`, `network.clusters`, `config`), and
//! the classic map and network text files.
//!
//! Items get integer ids 1..n in node order (VOSviewer's own convention); the
//! stable id goes into the description and the DOI into `url`. Links are
//! undirected in VOSviewer, so reciprocal and parallel edges are merged and
//! their strengths summed. Coordinates, when positions are given, are scaled
//! to [-1, 1]; without them VOSviewer computes its own layout. The
//! description is HTML in VOSviewer, so every value in it is HTML-escaped.

use super::json::float_value;
use crate::escape::xml;
use crate::graph::{attr, format_float, Attr, CitationGraph};
use crate::graph::{node_clusters as clusters, node_weights};
use crate::style::bounds;
use petgraph::visit::EdgeRef;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// VOSviewer settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Node positions (by node index).
    pub positions: Option<Vec<(f32, f32)>>,
    /// Terminology shown by VOSviewer ("item"/"items", "link"/"links");
    /// `None` uses "paper"/"papers" and "citation link"/"citation links".
    pub terminology: Option<(String, String, String, String)>,
}

/// Items' x/y scaled to [-1, 1] (keeping the aspect ratio), by node index.
fn scaled(g: &CitationGraph, opts: &Options) -> Option<Vec<(f64, f64)>> {
    let p = opts.positions.as_ref()?;
    let (x0, y0, x1, y1) = bounds(p)?;
    let half = ((x1 - x0).max(y1 - y0) / 2.0).max(f32::MIN_POSITIVE) as f64;
    let (cx, cy) = (((x0 + x1) / 2.0) as f64, ((y0 + y1) / 2.0) as f64);
    Some(
        (0..g.node_count())
            .map(|i| {
                let (x, y) = p.get(i).copied().unwrap_or((cx as f32, cy as f32));
                ((x as f64 - cx) / half, (y as f64 - cy) / half)
            })
            .collect(),
    )
}

/// Undirected links: `(a, b) -> strength` with `a < b` (0-based node indices).
fn links(g: &CitationGraph) -> BTreeMap<(usize, usize), f64> {
    let mut m = BTreeMap::new();
    for e in g.graph.edge_references() {
        let (a, b) = (e.source().index(), e.target().index());
        if a == b {
            continue;
        }
        let w = e.weight().weight;
        *m.entry((a.min(b), a.max(b))).or_insert(0.0) += if w.is_finite() && w > 0.0 { w } else { 1.0 };
    }
    m
}

fn str_attr<'a>(n: &'a crate::graph::Node, key: &str) -> Option<&'a str> {
    match n.attrs.get(key) {
        Some(Attr::Str(s)) if !s.trim().is_empty() => Some(s),
        _ => None,
    }
}

fn description(n: &crate::graph::Node) -> String {
    let mut rows = vec![("Id", n.id.clone()), ("Kind", n.kind.as_str().to_string())];
    for (name, key) in [("Title", attr::TITLE), ("Venue", attr::VENUE), ("DOI", attr::DOI)] {
        if let Some(v) = str_attr(n, key) {
            rows.push((name, v.to_string()));
        }
    }
    if let Some(Attr::Int(y)) = n.attrs.get(attr::YEAR) {
        rows.push(("Year", y.to_string()));
    }
    if let Some(v) = str_attr(n, attr::SOURCES) {
        rows.push(("Sources", v.to_string()));
    }
    let mut s = String::from("<table>");
    for (k, v) in rows {
        s.push_str(&format!("<tr><td>{k}:</td><td>{}</td></tr>", xml(&v)));
    }
    s.push_str("</table>");
    s
}

/// Builds the VOSviewer JSON document.
pub fn to_value(g: &CitationGraph, opts: &Options) -> Value {
    let gr = &g.graph;
    let xy = scaled(g, opts);
    let cl = clusters(g);
    let cites = node_weights(g);
    let links = links(g);
    let mut degree = vec![0usize; gr.node_count()];
    let mut strength = vec![0.0f64; gr.node_count()];
    for (&(a, b), &s) in &links {
        degree[a] += 1;
        degree[b] += 1;
        strength[a] += s;
        strength[b] += s;
    }
    let mut names: BTreeMap<i64, String> = BTreeMap::new();
    let items: Vec<Value> = gr
        .node_indices()
        .map(|ix| {
            let i = ix.index();
            let n = &gr[ix];
            let mut m = Map::new();
            m.insert("id".into(), json!(i + 1));
            let label = if n.label.trim().is_empty() { &n.id } else { &n.label };
            m.insert("label".into(), json!(label));
            m.insert("description".into(), json!(description(n)));
            if let Some(doi) = str_attr(n, attr::DOI) {
                m.insert("url".into(), json!(format!("https://doi.org/{doi}")));
            }
            if let Some(p) = xy.as_ref().and_then(|v| v.get(i)) {
                m.insert("x".into(), float_value(p.0));
                m.insert("y".into(), float_value(p.1));
            }
            let c = cl.get(i).copied().unwrap_or(0);
            if c > 0 {
                m.insert("cluster".into(), json!(c));
                if let Some(name) = str_attr(n, attr::CLUSTER_NAME) {
                    names.entry(c).or_insert_with(|| name.to_string());
                }
            }
            m.insert(
                "weights".into(),
                json!({
                    "Links": degree[i],
                    "Total link strength": float_value(strength[i]),
                    "Citations": float_value(cites.get(i).copied().unwrap_or(0.0)),
                }),
            );
            if let Some(Attr::Int(y)) = n.attrs.get(attr::YEAR) {
                m.insert("scores".into(), json!({ "Year": y }));
            }
            Value::Object(m)
        })
        .collect();
    let links: Vec<Value> = links
        .iter()
        .map(|(&(a, b), &s)| json!({"source_id": a + 1, "target_id": b + 1, "strength": float_value(s)}))
        .collect();
    let mut cluster_ids: Vec<i64> = cl.iter().copied().filter(|&c| c > 0).collect();
    cluster_ids.sort_unstable();
    cluster_ids.dedup();
    let clusters: Vec<Value> = cluster_ids
        .iter()
        .map(|c| {
            let label = names.get(c).cloned().unwrap_or_else(|| format!("Cluster {c}"));
            json!({"cluster": c, "label": label})
        })
        .collect();
    let (item, items_t, link, links_t) = opts
        .terminology
        .clone()
        .unwrap_or_else(|| ("item".into(), "items".into(), "link".into(), "links".into()));
    json!({
        "network": { "items": items, "links": links, "clusters": clusters },
        "config": {
            "terminology": {
                "item": item, "items": items_t, "link": link, "links": links_t,
                "link_strength": "link strength", "total_link_strength": "total link strength"
            }
        }
    })
}

/// Writes the VOSviewer JSON file.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &to_value(g, opts))?;
    w.write_all(b"\n")
}

fn tsv_field(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

/// Writes the VOSviewer map file (tab-separated: `id label [x y] cluster
/// weight<Links> weight<Total link strength> weight<Citations> [score<Year>]`).
pub fn write_map(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    let doc = to_value(g, opts);
    let has_xy = opts.positions.is_some();
    let has_year = g.graph.node_weights().any(|n| matches!(n.attrs.get(attr::YEAR), Some(Attr::Int(_))));
    let mut header = vec!["id", "label"];
    if has_xy {
        header.extend(["x", "y"]);
    }
    header.extend(["cluster", "weight<Links>", "weight<Total link strength>", "weight<Citations>"]);
    if has_year {
        header.push("score<Year>");
    }
    writeln!(w, "{}", header.join("\t"))?;
    let empty = Vec::new();
    for item in doc["network"]["items"].as_array().unwrap_or(&empty) {
        let num = |v: &Value| v.as_f64().map(format_float).unwrap_or_default();
        let mut row = vec![num(&item["id"]), tsv_field(item["label"].as_str().unwrap_or(""))];
        if has_xy {
            row.push(num(&item["x"]));
            row.push(num(&item["y"]));
        }
        row.push(item["cluster"].as_i64().unwrap_or(0).to_string());
        for k in ["Links", "Total link strength", "Citations"] {
            row.push(num(&item["weights"][k]));
        }
        if has_year {
            row.push(num(&item["scores"]["Year"]));
        }
        writeln!(w, "{}", row.join("\t"))?;
    }
    Ok(())
}

/// Writes the VOSviewer network file (tab-separated `id1 id2 strength`, no header).
pub fn write_network(g: &CitationGraph, w: &mut dyn Write) -> io::Result<()> {
    for (&(a, b), &s) in &links(g) {
        writeln!(w, "{}\t{}\t{}", a + 1, b + 1, format_float(s))?;
    }
    Ok(())
}
