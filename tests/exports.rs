//! Exports read back: GEXF (quick-xml, and networkx when importable), CSV
//! (csv), JSON node-link (serde_json, networkx), Pajek (a small parser),
//! VOSviewer JSON (schema checks) and map/network files, HTML (embedded data).

#[path = "support/cli.rs"]
mod cli_support;
use cli_support::cli;
#[path = "support/render_graphs.rs"]
mod graphs;

use citemap::export::{csv as csv_export, gexf, html, json, pajek, vosviewer};
use citemap::graph::CitationGraph;
use citemap::layout::{layout, LayoutOptions};
use quick_xml::events::Event;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

fn sample() -> (CitationGraph, Vec<(f32, f32)>) {
    let g = graphs::sample(60, 4, 2, 21);
    let p = layout(&g, &LayoutOptions::default());
    (g, p)
}

fn out(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut v = Vec::new();
    f(&mut v).expect("writes");
    String::from_utf8(v).expect("utf-8")
}

/// Runs `script` with python3 and networkx (installed by `.ci/run`); a
/// missing networkx fails the test rather than skipping the check.
fn python_networkx(script: &str, file: &std::path::Path) -> Option<String> {
    let ok = Command::new("python3").args(["-c", "import networkx"]).output().map(|o| o.status.success());
    assert_eq!(
        ok.ok(),
        Some(true),
        "python3 with networkx is needed (pip install networkx; .ci/run installs it)"
    );
    let o = Command::new("python3").arg("-c").arg(script).arg(file).output().expect("python3 runs");
    assert!(o.status.success(), "networkx failed: {}", String::from_utf8_lossy(&o.stderr));
    Some(String::from_utf8_lossy(&o.stdout).trim().to_string())
}

#[test]
fn gexf_reads_back_with_types_colours_positions_and_years() {
    let (g, p) = sample();
    let text = out(|w| {
        gexf::write(&g, w, &gexf::Options { positions: Some(p.clone()), date: Some("2026-11-22".into()) })
    });
    assert_eq!(
        text,
        out(|w| gexf::write(
            &g,
            w,
            &gexf::Options { positions: Some(p.clone()), date: Some("2026-11-22".into()) }
        ))
    );
    let mut r = quick_xml::Reader::from_str(&text);
    let (mut nodes, mut edges, mut colours, mut positions, mut starts) = (0, 0, 0, 0, 0);
    let mut declared: BTreeMap<String, String> = BTreeMap::new();
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    let mut current = String::new();
    loop {
        match r.read_event().expect("well-formed GEXF") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attrs: BTreeMap<String, String> = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        (
                            a.key.0.to_string(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned(),
                        )
                    })
                    .collect();
                match e.name().0 {
                    "node" => {
                        nodes += 1;
                        current = attrs["id"].clone();
                        starts += attrs.contains_key("start") as usize;
                    }
                    "edge" => edges += 1,
                    "attribute" => {
                        declared.insert(attrs["title"].clone(), attrs["type"].clone());
                    }
                    "attvalue" if attrs["for"] == "title" => {
                        titles.insert(current.clone(), attrs["value"].clone());
                    }
                    "viz:color" => colours += 1,
                    "viz:position" => positions += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert_eq!(nodes, g.node_count());
    assert_eq!(edges, g.edge_count());
    assert_eq!((colours, positions), (nodes, nodes));
    assert_eq!(starts, 60, "every work with a year has a start for the timeline");
    assert_eq!(declared["year"], "long");
    assert_eq!(declared["cluster"], "long");
    assert_eq!(declared["pagerank"], "double");
    assert_eq!(declared["title"], "string");
    assert_eq!(titles["W000000000000"], graphs::HOSTILE_TITLE, "escaped and read back intact");
    assert!(text.contains(r#"mode="dynamic" timeformat="integer""#));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.gexf");
    std::fs::write(&path, &text).unwrap();
    let script = r#"
import sys, networkx as nx
g = nx.read_gexf(sys.argv[1], version="1.3")
n = g.nodes["W000000000000"]
print(g.number_of_nodes(), g.number_of_edges(), n["cluster"], n["title"] == "</script><img src=x onerror=alert(1)> & \"quoted\" 'single'", n["start"], "viz" in n)
"#;
    if let Some(o) = python_networkx(script, &path) {
        let cluster = match g.node("W000000000000").unwrap().attrs["cluster"] {
            citemap::graph::Attr::Int(c) => c,
            _ => unreachable!(),
        };
        assert_eq!(o, format!("{} {} {cluster} True 1990 True", g.node_count(), g.edge_count()));
    }
}

#[test]
fn csv_tables_have_every_attribute_in_name_order() {
    let (g, p) = sample();
    let nodes = out(|w| {
        csv_export::write(
            &g,
            w,
            &csv_export::Options { table: csv_export::Table::Nodes, positions: Some(p.clone()) },
        )
    });
    let mut r = csv::Reader::from_reader(nodes.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..5], ["id", "kind", "label", "x", "y"]);
    let rest = &header[5..];
    let mut sorted = rest.to_vec();
    sorted.sort();
    assert_eq!(rest, sorted.as_slice());
    for a in ["cluster", "cluster_name", "doi", "pagerank", "sources", "title", "year"] {
        assert!(rest.iter().any(|h| h == a), "column {a}");
    }
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), g.node_count());
    let title = header.iter().position(|h| h == "title").unwrap();
    assert_eq!(&rows[0][title], graphs::HOSTILE_TITLE);
    assert_eq!(&rows[0][0], "W000000000000");

    let edges = out(|w| {
        csv_export::write(&g, w, &csv_export::Options { table: csv_export::Table::Edges, positions: None })
    });
    let mut r = csv::Reader::from_reader(edges.as_bytes());
    assert_eq!(
        &r.headers().unwrap().iter().take(4).collect::<Vec<_>>(),
        &["source", "target", "kind", "weight"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), g.edge_count());
    assert!(rows.iter().any(|r| &r[2] == "authored"));
}

#[test]
fn json_node_link_reads_back() {
    let (g, p) = sample();
    let text = out(|w| json::write(&g, w, &json::Options { pretty: false, positions: Some(p.clone()) }));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["directed"], true);
    assert_eq!(v["nodes"].as_array().unwrap().len(), g.node_count());
    assert_eq!(v["edges"].as_array().unwrap().len(), g.edge_count());
    let n0 = &v["nodes"][0];
    assert_eq!(n0["id"], "W000000000000");
    assert_eq!(n0["title"], graphs::HOSTILE_TITLE);
    assert!(n0["year"].is_i64() && n0["pagerank"].is_f64() && n0["x"].is_f64());
    let ids: BTreeSet<&str> =
        v["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    for l in v["edges"].as_array().unwrap() {
        assert!(ids.contains(l["source"].as_str().unwrap()) && ids.contains(l["target"].as_str().unwrap()));
        assert!(l["kind"].is_string() && l["weight"].is_number());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.json");
    std::fs::write(&path, &text).unwrap();
    let script = r#"
import sys, json, networkx as nx
from networkx.readwrite import json_graph
d = json.load(open(sys.argv[1]))
try:
    g = json_graph.node_link_graph(d, edges="edges")
except TypeError:
    g = json_graph.node_link_graph(d, link="edges")
print(g.number_of_nodes(), g.number_of_edges(), g.nodes["W000000000000"]["kind"])
"#;
    if let Some(o) = python_networkx(script, &path) {
        assert_eq!(o, format!("{} {} paper", g.node_count(), g.edge_count()));
    }
}

/// Pajek vertices (number, label, coordinate count) and (from, to, weight) lines.
type PajekNet = (Vec<(usize, String, usize)>, Vec<(usize, usize, f64)>, Vec<(usize, usize, f64)>);

/// A small Pajek reader: vertices (number, label, coordinates), arcs, edges.
fn parse_pajek(text: &str) -> PajekNet {
    let (mut vertices, mut arcs, mut edges) = (Vec::new(), Vec::new(), Vec::new());
    let mut section = "";
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix('*') {
            section = if rest.starts_with("Vertices") {
                "v"
            } else if rest.starts_with("Arcs") {
                "a"
            } else {
                "e"
            };
            continue;
        }
        match section {
            "v" => {
                let (num, rest) = line.split_once(' ').unwrap();
                let rest = rest.strip_prefix('"').unwrap();
                let (label, coords) = rest.split_once('"').unwrap();
                vertices.push((num.parse().unwrap(), label.to_string(), coords.split_whitespace().count()));
            }
            _ => {
                let f: Vec<&str> = line.split_whitespace().collect();
                let t = (f[0].parse().unwrap(), f[1].parse().unwrap(), f[2].parse().unwrap());
                if section == "a" {
                    arcs.push(t)
                } else {
                    edges.push(t)
                }
            }
        }
    }
    (vertices, arcs, edges)
}

#[test]
fn pajek_net_and_clu_read_back() {
    let (g, p) = sample();
    let text =
        out(|w| pajek::write(&g, w, &pajek::Options { positions: Some(p.clone()), ..Default::default() }));
    assert!(text.starts_with(&format!("*Vertices {}\n", g.node_count())));
    let (v, arcs, edges) = parse_pajek(&text);
    assert_eq!(v.len(), g.node_count());
    assert!(v.iter().enumerate().all(|(i, (num, _, coords))| *num == i + 1 && *coords == 3));
    assert_eq!(arcs.len(), g.edge_count());
    assert!(edges.is_empty());
    assert!(arcs.iter().all(|&(a, b, w)| a >= 1 && b <= g.node_count() && w > 0.0));
    assert_eq!(v[0].1, g.graph[petgraph::graph::NodeIndex::new(0)].label);
    assert_eq!(pajek::quote("a \"b\"\nc"), "\"a 'b' c\"");
    let clu = out(|w| pajek::write_clusters(&g, w));
    let lines: Vec<&str> = clu.lines().collect();
    assert_eq!(lines.len(), g.node_count() + 1);
    assert!(lines[1..].iter().all(|l| l.parse::<i64>().is_ok()));
    assert_eq!(*lines.last().unwrap(), "0", "the person node has no cluster");
}

#[test]
fn vosviewer_json_follows_the_schema() {
    let (g, p) = sample();
    let text = out(|w| {
        vosviewer::write(&g, w, &vosviewer::Options { positions: Some(p.clone()), terminology: None })
    });
    let v: Value = serde_json::from_str(&text).unwrap();
    let items = v["network"]["items"].as_array().expect("network.items");
    let links = v["network"]["links"].as_array().expect("network.links");
    let clusters = v["network"]["clusters"].as_array().expect("network.clusters");
    assert_eq!(items.len(), g.node_count());
    let mut ids = BTreeSet::new();
    let mut used_clusters = BTreeSet::new();
    for it in items {
        let id = it["id"].as_u64().expect("integer id");
        assert!(id >= 1 && ids.insert(id), "unique positive ids");
        assert!(it["label"].is_string());
        let (x, y) = (it["x"].as_f64().unwrap(), it["y"].as_f64().unwrap());
        assert!(x.abs() <= 1.0 && y.abs() <= 1.0);
        if let Some(c) = it.get("cluster") {
            let c = c.as_u64().expect("positive integer cluster");
            assert!(c >= 1);
            used_clusters.insert(c);
        }
        for (_, w) in it["weights"].as_object().expect("weights") {
            assert!(w.is_number());
        }
        assert!(!it["description"].as_str().unwrap().contains("<img"), "description is HTML-escaped");
    }
    for l in links {
        let (s, t) = (l["source_id"].as_u64().unwrap(), l["target_id"].as_u64().unwrap());
        assert!(ids.contains(&s) && ids.contains(&t) && s < t);
        assert!(l["strength"].as_f64().unwrap() > 0.0);
    }
    let listed: BTreeSet<u64> = clusters.iter().map(|c| c["cluster"].as_u64().unwrap()).collect();
    assert_eq!(listed, used_clusters);
    assert!(clusters.iter().all(|c| c["label"].is_string()));
    assert!(v["config"]["terminology"]["items"].is_string());

    let map = out(|w| {
        vosviewer::write_map(&g, w, &vosviewer::Options { positions: Some(p.clone()), terminology: None })
    });
    let mut lines = map.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(&header[..5], ["id", "label", "x", "y", "cluster"]);
    assert!(header.contains(&"weight<Citations>") && header.contains(&"score<Year>"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), g.node_count());
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let net = out(|w| vosviewer::write_network(&g, w));
    assert_eq!(net.lines().count(), links.len());
    assert!(net.lines().all(|l| l.split('\t').count() == 3));
}

#[test]
fn html_is_self_contained_and_keeps_hostile_text_as_data() {
    let (g, p) = sample();
    let page = out(|w| {
        html::write(
            &g,
            w,
            &html::Options {
                title: "Map <b>".into(),
                date: Some("2026-11-22".into()),
                positions: Some(p.clone()),
            },
        )
    });
    assert!(!page.contains("<img"), "hostile title never becomes markup");
    assert!(page.contains("<title>Map &lt;b&gt;</title>"));
    assert!(
        !page.contains("<script src")
            && !page.contains("<link")
            && !page.contains("http://")
            && !page.contains("https://")
    );
    assert!(!page.contains("innerHTML"));
    let start = page.find(r#"<script type="application/json" id="graph-data">"#).unwrap();
    let body = &page[start..];
    let body = &body[body.find('>').unwrap() + 1..];
    let data = &body[..body.find("</script>").unwrap()];
    let v: Value = serde_json::from_str(data).unwrap();
    assert_eq!(v["nodes"].as_array().unwrap().len(), g.node_count());
    assert_eq!(v["nodes"][0]["attrs"]["title"], graphs::HOSTILE_TITLE);
    assert!(v["nodes"][0]["authors"].as_array().unwrap().iter().any(|a| a == "Hayes, A."));
}

mod arbitrary_text {
    use super::*;
    use citemap::graph::{attr, Attr, Attrs, Edge, EdgeKind, Node, NodeKind};
    use citemap::render::svg::{render_svg, RenderOptions};
    use proptest::prelude::*;

    fn graph(labels: &[String]) -> CitationGraph {
        let mut g = CitationGraph::new();
        for (i, l) in labels.iter().enumerate() {
            let mut attrs = Attrs::new();
            attrs.insert(attr::TITLE, Attr::text(l.as_str()));
            attrs.insert(attr::CLUSTER_NAME, Attr::text(l.as_str()));
            attrs.insert(attr::CLUSTER, Attr::Int(i as i64 % 3));
            g.add_node(Node {
                id: format!("{l}#{i}"),
                kind: NodeKind::Paper,
                label: l.clone(),
                attrs,
                sources: vec![],
            });
        }
        for i in 1..labels.len() {
            let (a, b) = (petgraph::graph::NodeIndex::new(i), petgraph::graph::NodeIndex::new(i - 1));
            g.add_edge(
                a,
                b,
                Edge { kind: EdgeKind::Cites, weight: 1.0, attrs: Attrs::new(), sources: vec![] },
            );
        }
        g
    }

    fn well_formed(xml: &str) -> bool {
        let mut r = quick_xml::Reader::from_str(xml);
        loop {
            match r.read_event() {
                Ok(Event::Eof) => return true,
                Err(_) => return false,
                _ => {}
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn any_text_gives_valid_outputs(labels in proptest::collection::vec(any::<String>(), 1..6)) {
            let g = graph(&labels);
            let p = layout(&g, &LayoutOptions { iterations: Some(5), ..LayoutOptions::default() });
            let svg = render_svg(&g, &p, &RenderOptions { title: labels[0].clone(), ..RenderOptions::default() });
            prop_assert!(well_formed(&svg));
            let gx = out(|w| gexf::write(&g, w, &gexf::Options { positions: Some(p.clone()), date: None }));
            prop_assert!(well_formed(&gx));
            let js = out(|w| json::write(&g, w, &json::Options::default()));
            prop_assert!(serde_json::from_str::<Value>(&js).is_ok());
            let vos = out(|w| vosviewer::write(&g, w, &vosviewer::Options::default()));
            prop_assert!(serde_json::from_str::<Value>(&vos).is_ok());
            let page = out(|w| html::write(&g, w, &html::Options { positions: Some(p.clone()), ..Default::default() }));
            let start = page.find(r#"id="graph-data">"#).unwrap() + r#"id="graph-data">"#.len();
            let end = start + page[start..].find("</script>").unwrap();
            let v: Value = serde_json::from_str(&page[start..end]).unwrap();
            // The page shows labels made unique (graph::labels): equal
            // labels ("" twice) get letters.
            let shown = citemap::graph::labels::distinct_labels(&labels, &[]);
            prop_assert_eq!(v["nodes"][0]["label"].as_str().unwrap(), shown[0].as_str());
            let net = out(|w| pajek::write(&g, w, &pajek::Options::default()));
            prop_assert_eq!(net.lines().count(), 1 + labels.len() + 1 + labels.len() - 1);
            let csv_text = out(|w| csv_export::write(&g, w, &csv_export::Options::default()));
            let rows = ::csv::Reader::from_reader(csv_text.as_bytes()).records().count();
            prop_assert_eq!(rows, labels.len());
        }
    }
}

#[test]
fn json_parallel_edges_make_a_multigraph() {
    use citemap::graph::{Attrs, Edge, EdgeKind};
    let (mut g, _) = sample();
    let (a, b) = (petgraph::graph::NodeIndex::new(1), petgraph::graph::NodeIndex::new(2));
    for kind in [EdgeKind::Cocitation, EdgeKind::Coupling] {
        g.add_edge(a, b, Edge { kind, weight: 2.5, attrs: Attrs::new(), sources: vec![] });
    }
    let text = out(|w| json::write(&g, w, &json::Options::default()));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["multigraph"], true);
    let keys: Vec<u64> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["source"] == "W000000000001" && l["target"] == "W000000000002")
        .map(|l| l["key"].as_u64().unwrap())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1]);
    let simple = out(|w| json::write(&graphs::sample(8, 2, 0, 1), w, &json::Options::default()));
    assert!(!simple.contains("\"key\""), "no keys in a simple graph");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.json");
    std::fs::write(&path, &text).unwrap();
    let script = r#"
import sys, json
from networkx.readwrite import json_graph
d = json.load(open(sys.argv[1]))
try:
    g = json_graph.node_link_graph(d, edges="edges")
except TypeError:
    g = json_graph.node_link_graph(d, link="edges")
print(g.is_multigraph(), g.number_of_edges())
"#;
    if let Some(o) = python_networkx(script, &path) {
        assert_eq!(o, format!("True {}", g.edge_count()));
    }
}

/// Runs `script` (argv[1] = `file`) with python3, networkx and igraph.
fn python(script: &str, file: &std::path::Path) -> String {
    let o = Command::new("python3").arg("-c").arg(script).arg(file).output().expect("python3 runs");
    assert!(o.status.success(), "python failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[test]
fn exports_of_a_real_corpus_are_the_map_and_open_in_their_tools() {
    // Public WoS exports with reference lists (../shared/fixtures, see its PROVENANCE.md).
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let store = store.to_str().unwrap();
    let fixtures = "../shared/fixtures/formats/wos-plaintext";
    cli(&["--quiet", "--store", store, "ingest", &format!("{fixtures}/wos_savedrecs_32_records.txt")]);
    let path = |f: &str| dir.path().join(f);
    let p = |f: &str| path(f).to_str().unwrap().to_string();
    for (format, file) in [
        ("json", "map.json"),
        ("pajek", "map.net"),
        ("gexf", "map.gexf"),
        ("graphml", "map.graphml"),
        ("vosviewer", "map_vos.json"),
    ] {
        cli(&["--quiet", "--store", store, "export", "--format", format, "--out", &p(file)]);
    }
    cli(&[
        "--quiet",
        "--store",
        store,
        "export",
        "--format",
        "json",
        "--graph",
        "full",
        "--out",
        &p("full.json"),
    ]);
    let map: Value = serde_json::from_str(&std::fs::read_to_string(path("map.json")).unwrap()).unwrap();
    let full: Value = serde_json::from_str(&std::fs::read_to_string(path("full.json")).unwrap()).unwrap();
    let kinds = |v: &Value| -> BTreeSet<String> {
        v["nodes"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_string()).collect()
    };
    let n = map["nodes"].as_array().unwrap().len();
    assert!(n > 50, "a real map: {n} works");
    assert!(
        kinds(&map).iter().all(|k| k == "paper" || k == "cited_work"),
        "the map holds works: {:?}",
        kinds(&map)
    );
    assert!(
        kinds(&full).contains("person") && full["nodes"].as_array().unwrap().len() > n,
        "--graph full adds people"
    );
    for node in map["nodes"].as_array().unwrap() {
        assert!(
            node["cluster"].is_i64() && node["cluster_name"].is_string(),
            "every work has its cluster: {node}"
        );
        assert!(node["x"].is_number() || node.get("x").is_none());
    }

    // networkx with its defaults reads node-link JSON ("edges"), GEXF, GraphML and Pajek.
    let nx = r#"
import sys, json, networkx as nx
from networkx.readwrite import json_graph
base = sys.argv[1]
g = json_graph.node_link_graph(json.load(open(base + "/map.json")))
x = nx.read_gexf(base + "/map.gexf")
m = nx.read_graphml(base + "/map.graphml")
p = nx.read_pajek(base + "/map.net")
print(g.number_of_nodes(), x.number_of_nodes(), m.number_of_nodes(), p.number_of_nodes())
"#;
    let counts = python(nx, dir.path());
    assert_eq!(counts, format!("{n} {n} {n} {n}"), "networkx keeps every node of every export");
    let ig = r#"
import sys, igraph
base = sys.argv[1]
g = igraph.Graph.Read_GraphML(base + "/map.graphml")
p = igraph.Graph.Read_Pajek(base + "/map.net")
print(g.vcount(), p.vcount(), len(set(p.vs["id"])) if "id" in p.vs.attributes() else p.vcount())
"#;
    assert_eq!(python(ig, dir.path()), format!("{n} {n} {n}"), "igraph reads GraphML and Pajek");

    let gexf = std::fs::read_to_string(path("map.gexf")).unwrap();
    assert!(!gexf.contains("schemaLocation"), "no schemaLocation the GEXF 1.3 RelaxNG schema rejects");
    let vos: Value = serde_json::from_str(&std::fs::read_to_string(path("map_vos.json")).unwrap()).unwrap();
    let items = vos["network"]["items"].as_array().unwrap();
    assert_eq!(items.len(), n);
    assert!(
        items.iter().all(|i| i["cluster"].as_u64().is_some_and(|c| c >= 1)),
        "every VOSviewer item has a cluster"
    );
}

#[test]
fn pajek_labels_are_unique_when_display_labels_repeat() {
    let (mut g, p) = sample();
    for ix in g.graph.node_indices().take(5).collect::<Vec<_>>() {
        g.graph[ix].label = "n.d.".into();
    }
    let text =
        out(|w| pajek::write(&g, w, &pajek::Options { positions: Some(p.clone()), ..Default::default() }));
    let (v, _, _) = parse_pajek(&text);
    let labels: BTreeSet<&str> = v.iter().map(|x| x.1.as_str()).collect();
    assert_eq!(labels.len(), v.len(), "every vertex label is unique");
    assert!(v[0].1.starts_with("n.d. [W"), "a repeated label names its node: {}", v[0].1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.net");
    std::fs::write(&path, &text).unwrap();
    let o = python_networkx(
        "import sys, networkx as nx\nprint(nx.read_pajek(sys.argv[1]).number_of_nodes())",
        &path,
    );
    assert_eq!(o.as_deref(), Some(g.node_count().to_string().as_str()));
}

#[test]
fn ris_and_csl_json_give_cited_authors_notes_and_keywords_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let store = store.to_str().unwrap();
    let input = "../shared/fixtures/formats/wos-plaintext/wos_savedrecs_32_records.txt";
    cli(&["--quiet", "--store", store, "ingest", input]);
    let ris = dir.path().join("out.ris");
    let csl = dir.path().join("out.json");
    cli(&[
        "--quiet",
        "--store",
        store,
        "export",
        "--format",
        "ris",
        "--with-cited",
        "--out",
        ris.to_str().unwrap(),
    ]);
    cli(&[
        "--quiet",
        "--store",
        store,
        "export",
        "--format",
        "csl-json",
        "--with-cited",
        "--out",
        csl.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&ris).unwrap();
    assert!(!text.contains("et, al") && !text.contains("AU  - et al"), "no author called 'et al.'");
    assert!(text.lines().any(|l| l.starts_with("N1  - Cited by: ")), "cited works name their citing papers");
    let items: Value = serde_json::from_str(&std::fs::read_to_string(&csl).unwrap()).unwrap();
    for it in items.as_array().unwrap() {
        for a in it["author"].as_array().map_or(&[][..], Vec::as_slice) {
            let all = a.to_string();
            assert!(!all.contains("et al") && !all.contains("al."), "author entry {all}");
        }
    }
    assert!(items
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["note"].as_str().is_some_and(|n| n.starts_with("Cited by: "))));

    // Export -> ingest: the same papers with the same keywords.
    let kw = |records: &[citemap::model::Record]| -> BTreeSet<String> {
        records.iter().flat_map(|r| r.keywords.iter().map(|k| k.to_lowercase())).collect()
    };
    let opts = citemap::ingest::Options::default();
    let original = citemap::ingest::parse_bytes(input, &std::fs::read(input).unwrap(), &opts);
    let papers_only = dir.path().join("papers.ris");
    cli(&["--quiet", "--store", store, "export", "--format", "ris", "--out", papers_only.to_str().unwrap()]);
    let back = citemap::ingest::parse_bytes("papers.ris", &std::fs::read(&papers_only).unwrap(), &opts);
    assert_eq!(back.records.len(), original.records.len(), "every paper comes back");
    let (before, after) = (kw(&original.records), kw(&back.records));
    assert!(!before.is_empty(), "the fixture has keywords");
    assert!(
        before.is_subset(&after),
        "keywords lost: {:?}",
        before.difference(&after).take(5).collect::<Vec<_>>()
    );

    // A Scopus export (two proceedings volumes share a title, told apart by
    // their EIDs) gives back as many works after RIS -> ingest.
    let works = |store: &str| -> usize {
        cli(&["--quiet", "--store", store, "export", "--format", "csl-json", "--out", csl.to_str().unwrap()]);
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&csl).unwrap()).unwrap();
        v.as_array().unwrap().len()
    };
    let scopus = dir.path().join("scopus.db");
    let again = dir.path().join("again.db");
    let (scopus, again) = (scopus.to_str().unwrap(), again.to_str().unwrap());
    let fixture = "../shared/fixtures/formats/scopus-csv/scopus_2021_bom_58_records.csv";
    cli(&["--quiet", "--store", scopus, "ingest", fixture]);
    let ris2 = dir.path().join("scopus.ris");
    cli(&["--quiet", "--store", scopus, "export", "--format", "ris", "--out", ris2.to_str().unwrap()]);
    cli(&["--quiet", "--store", again, "ingest", ris2.to_str().unwrap()]);
    assert_eq!(works(again), works(scopus), "RIS round trip keeps every work apart");
}

#[test]
fn a_thesaurus_merges_terms_and_venues_before_naming_and_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let thesaurus = dir.path().join("thesaurus.txt");
    std::fs::write(&thesaurus, "label\treplace by\ncovid\tcoronavirus\npandemic\t\nPLoS One\tPLOS ONE\n")
        .unwrap();
    let out = dir.path().join("out");
    cli(&[
        "--quiet",
        "map",
        "../shared/seeds",
        "--format",
        "graphml",
        "--date",
        "2026-11-22",
        "--thesaurus",
        thesaurus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let t = &summary["thesaurus"];
    assert_eq!(t["entries"], 3, "{t}");
    assert!(t["terms"].as_u64().unwrap() > 0 && t["venues"].as_u64().unwrap() >= 1, "{t}");
    let names: Vec<&str> =
        summary["clusters"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(names.iter().all(|n| !n.contains("covid") && !n.contains("pandemic")), "{names:?}");
    let graphml = std::fs::read_to_string(out.join("graph.graphml")).unwrap();
    assert!(graphml.contains(">PLOS ONE<") && !graphml.contains(">PLoS One<"));
    // Without the option nothing changes and nothing is listed.
    let plain = dir.path().join("plain");
    cli(&[
        "--quiet",
        "map",
        "../shared/seeds",
        "--format",
        "graphml",
        "--date",
        "2026-11-22",
        "--out",
        plain.to_str().unwrap(),
    ]);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(plain.join("summary.json")).unwrap()).unwrap();
    assert!(summary.get("thesaurus").is_none());
    assert!(summary["clusters"].to_string().contains("covid"));
}

/// The whole text of each export of one small graph, pinned as insta
/// snapshots in `tests/snapshots/` (review a change with `cargo insta review`
/// or by reading the `.snap.new` file beside the old one; CI never writes
/// them). The read-back tests above check structure; these catch any change
/// of a byte: order, escaping of the hostile title, float formatting.
#[test]
fn small_graph_exports_are_pinned() {
    let g = graphs::sample(6, 2, 1, 3);
    let positions: Vec<(f32, f32)> = (0..g.node_count()).map(|i| (i as f32, -(i as f32) / 2.0)).collect();
    let pos = Some(positions);
    insta::assert_snapshot!(
        "pajek_net",
        out(|w| pajek::write(&g, w, &pajek::Options { positions: pos.clone(), ..Default::default() }))
    );
    insta::assert_snapshot!("pajek_clu", out(|w| pajek::write_clusters(&g, w)));
    insta::assert_snapshot!(
        "json_node_link",
        out(|w| json::write(&g, w, &json::Options { pretty: true, positions: pos.clone() }))
    );
    insta::assert_snapshot!(
        "csv_nodes",
        out(|w| csv_export::write(
            &g,
            w,
            &csv_export::Options { table: csv_export::Table::Nodes, positions: pos.clone() }
        ))
    );
    insta::assert_snapshot!(
        "vosviewer_map",
        out(|w| vosviewer::write_map(
            &g,
            w,
            &vosviewer::Options { positions: pos.clone(), terminology: None }
        ))
    );
    insta::assert_snapshot!("vosviewer_network", out(|w| vosviewer::write_network(&g, w)));
}
