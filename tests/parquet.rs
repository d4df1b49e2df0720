//! Parquet export read back by pyarrow (installed by `.ci/run`; a missing
//! pyarrow fails these tests, it never skips them): the seeds' map and full
//! graph through the `citemap` binary, compared with the GraphML export of
//! the same store (node and edge counts, attribute names, ids), every edge
//! joined to its two nodes, byte-identical files on a second run; and the
//! library writer on a synthetic graph (types, nulls, hostile text).

#[path = "support/cli.rs"]
mod cli_support;
use cli_support::cli;
#[path = "support/render_graphs.rs"]
mod graphs;

use citemap::export::{graphml, parquet};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const SEEDS: &str = "../shared/seeds";

/// Reads `nodes` and `edges` (argv[1], argv[2]) with pyarrow and prints, as
/// JSON: row counts, column names and types, null counts, the number of
/// distinct node ids, the edges whose source or target is not a node id
/// (a join of edges to nodes on id), and a few values.
const READ: &str = r#"
import json, sys
import pyarrow.parquet as pq
n = pq.read_table(sys.argv[1])
e = pq.read_table(sys.argv[2])
ids = n.column('id').to_pylist()
idset = set(ids)
src = e.column('source').to_pylist()
dst = e.column('target').to_pylist()
unjoined = sum(1 for s, t in zip(src, dst) if s not in idset or t not in idset)
def cols(t):
    return {f.name: str(f.type) for f in t.schema}
def nulls(t):
    return {c: t.column(c).null_count for c in t.column_names}
print(json.dumps({
    'nodes': n.num_rows, 'edges': e.num_rows, 'distinct_ids': len(idset),
    'unjoined': unjoined, 'node_columns': cols(n), 'edge_columns': cols(e),
    'node_nulls': nulls(n), 'edge_nulls': nulls(e),
    'node_rows': n.slice(0, 3).to_pylist(),
    'titles': n.column('title').to_pylist() if 'title' in n.column_names else [],
    'created_by': pq.ParquetFile(sys.argv[1]).metadata.created_by,
}))
"#;

fn pyarrow(nodes: &Path, edges: &Path) -> Value {
    let ok =
        Command::new("python3").args(["-c", "import pyarrow.parquet"]).output().map(|o| o.status.success());
    assert_eq!(
        ok.ok(),
        Some(true),
        "python3 with pyarrow is needed (python3 -m pip install pyarrow; .ci/run installs it)"
    );
    let o = Command::new("python3").arg("-c").arg(READ).arg(nodes).arg(edges).output().expect("python3 runs");
    assert!(o.status.success(), "pyarrow failed: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("the script prints JSON")
}

/// Node count, edge count, node attribute names, edge attribute names and
/// node ids of our GraphML (one element per line).
struct GraphmlFacts {
    nodes: usize,
    edges: usize,
    node_keys: BTreeSet<String>,
    edge_keys: BTreeSet<String>,
    ids: BTreeSet<String>,
}

fn graphml_facts(path: &Path) -> GraphmlFacts {
    let text = std::fs::read_to_string(path).unwrap();
    let mut f = GraphmlFacts {
        nodes: 0,
        edges: 0,
        node_keys: BTreeSet::new(),
        edge_keys: BTreeSet::new(),
        ids: BTreeSet::new(),
    };
    let attr = |line: &str, name: &str| -> String {
        let start = line.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        let len = line[start..].find('"').expect("closing quote");
        line[start..start + len]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    };
    for line in text.lines().map(str::trim) {
        if line.starts_with("<node ") {
            f.nodes += 1;
            f.ids.insert(attr(line, "id"));
        } else if line.starts_with("<edge ") {
            f.edges += 1;
        } else if line.starts_with("<key ") {
            let name = attr(line, "attr.name");
            if line.contains("for=\"node\"") {
                f.node_keys.insert(name);
            } else {
                f.edge_keys.insert(name);
            }
        }
    }
    f
}

fn names(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn seeds_export_reads_back_with_the_graphmls_counts_ids_and_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let store = store.to_str().unwrap();
    cli(&["--quiet", "--store", store, "ingest", SEEDS]);
    for graph in ["map", "full"] {
        let p = |f: &str| dir.path().join(format!("{graph}_{f}"));
        let s = |f: &str| p(f).to_str().unwrap().to_string();
        cli(&[
            "--quiet",
            "--store",
            store,
            "export",
            "--format",
            "graphml",
            "--graph",
            graph,
            "--out",
            &s("g.graphml"),
        ]);
        cli(&[
            "--quiet",
            "--store",
            store,
            "export",
            "--format",
            "parquet",
            "--graph",
            graph,
            "--out",
            &s("pq"),
        ]);
        let gm = graphml_facts(&p("g.graphml"));
        let (nodes, edges) = (p("pq").join("nodes.parquet"), p("pq").join("edges.parquet"));
        let v = pyarrow(&nodes, &edges);
        assert!(
            gm.nodes > 10 && gm.edges > 10,
            "{graph}: a real graph ({} nodes, {} edges)",
            gm.nodes,
            gm.edges
        );
        assert_eq!(v["nodes"], gm.nodes, "{graph}: node count equals GraphML's");
        assert_eq!(v["edges"], gm.edges, "{graph}: edge count equals GraphML's");
        assert_eq!(v["distinct_ids"], gm.nodes, "{graph}: node ids are unique");
        assert_eq!(v["unjoined"], 0, "{graph}: every edge joins to its source and target node");
        // Same ids as GraphML.
        let o = Command::new("python3")
            .args(["-c", "import sys, pyarrow.parquet as pq; print('\\n'.join(pq.read_table(sys.argv[1]).column('id').to_pylist()))"])
            .arg(&nodes)
            .output()
            .unwrap();
        let ids: BTreeSet<String> =
            String::from_utf8(o.stdout).unwrap().lines().map(str::to_string).collect();
        assert_eq!(ids, gm.ids, "{graph}: the node ids are GraphML's");
        // Same attribute names: GraphML's keys plus the `id` / `source`, `target` columns.
        let mut node_cols = gm.node_keys.clone();
        node_cols.insert("id".into());
        assert_eq!(names(&v["node_columns"]), node_cols, "{graph}: node columns");
        let mut edge_cols = gm.edge_keys.clone();
        edge_cols.extend(["source".to_string(), "target".to_string()]);
        assert_eq!(names(&v["edge_columns"]), edge_cols, "{graph}: edge columns");
        for fixed in ["id", "kind", "label"] {
            assert_eq!(v["node_columns"][fixed], "string");
            assert_eq!(v["node_nulls"][fixed], 0, "{graph}: {fixed} is never null");
        }
        assert_eq!(v["edge_columns"]["weight"], "double");
        assert_eq!(v["created_by"], concat!("citemap ", env!("CARGO_PKG_VERSION")));
        if graph == "full" {
            assert_eq!(v["node_columns"]["year"], "int64", "years are integers");
            assert!(v["node_nulls"]["year"].as_u64().unwrap() > 0, "nodes without a year hold null");
        }
        // A second export of the same store is byte-identical.
        cli(&[
            "--quiet",
            "--store",
            store,
            "export",
            "--format",
            "parquet",
            "--graph",
            graph,
            "--out",
            &s("again"),
        ]);
        for f in ["nodes.parquet", "edges.parquet"] {
            assert!(
                std::fs::read(p("pq").join(f)).unwrap() == std::fs::read(p("again").join(f)).unwrap(),
                "{graph}: {f} is byte-identical on a second run"
            );
        }
    }
    // `--out X.parquet` names the pair after the file.
    let x = dir.path().join("x.parquet");
    cli(&["--quiet", "--store", store, "export", "--format", "parquet", "--out", x.to_str().unwrap()]);
    let v = pyarrow(&dir.path().join("x_nodes.parquet"), &dir.path().join("x_edges.parquet"));
    assert_eq!(v["unjoined"], 0);
    assert!(!x.exists(), "no file at --out itself");
}

#[test]
fn library_writer_types_nulls_and_hostile_text() {
    let g = graphs::sample(200, 4, 3, 7);
    let dir = tempfile::tempdir().unwrap();
    let (nodes, edges) = (dir.path().join("n.parquet"), dir.path().join("e.parquet"));
    let write = |opts: &parquet::Options| {
        let (mut n, mut e) = (Vec::new(), Vec::new());
        parquet::write(&g, &mut n, &mut e, opts).expect("writes");
        (n, e)
    };
    let (n, e) = write(&parquet::Options::default());
    assert_eq!((n.clone(), e.clone()), write(&parquet::Options::default()), "deterministic");
    std::fs::write(&nodes, &n).unwrap();
    std::fs::write(&edges, &e).unwrap();
    let v = pyarrow(&nodes, &edges);
    assert_eq!(v["nodes"], g.graph.node_count());
    assert_eq!(v["edges"], g.graph.edge_count());
    assert_eq!(v["unjoined"], 0);
    assert_eq!(v["node_columns"]["year"], "int64");
    assert_eq!(v["node_columns"]["pagerank"], "double");
    assert_eq!(v["node_columns"]["doi"], "string");
    assert_eq!(v["node_columns"]["cluster"], "int64");
    // Every third work has a DOI; the others hold null.
    let with_doi = g.graph.node_weights().filter(|n| n.attrs.contains_key("doi")).count();
    assert_eq!(v["node_nulls"]["doi"], g.graph.node_count() - with_doi);
    assert_eq!(v["titles"][0], graphs::HOSTILE_TITLE, "text is stored as it is");
    assert_eq!(v["node_rows"][0]["id"], g.graph[petgraph::graph::NodeIndex::new(0)].id);
    assert_eq!(v["node_rows"][0]["year"], 1990);
    // Same columns as the GraphML keys.
    let mut gml = Vec::new();
    graphml::write(&g, &mut gml, &graphml::Options::default()).unwrap();
    std::fs::write(dir.path().join("g.graphml"), &gml).unwrap();
    let gm = graphml_facts(&dir.path().join("g.graphml"));
    let mut node_cols = gm.node_keys.clone();
    node_cols.insert("id".into());
    assert_eq!(names(&v["node_columns"]), node_cols);
    // without_sources drops the column.
    let (n2, e2) = write(&parquet::Options { without_sources: true });
    std::fs::write(&nodes, &n2).unwrap();
    std::fs::write(&edges, &e2).unwrap();
    let v = pyarrow(&nodes, &edges);
    assert!(v["node_columns"].get("sources").is_none());
    assert!(v["edge_columns"].get("sources").is_none());
}
