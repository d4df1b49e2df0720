//! Clustering: Leiden (Traag, Waltman & van Eck 2019) with modularity or the
//! Constant Potts Model, behind our own [`leiden`] so the engine can be swapped.
//!
//! The engine is our own [`leiden`](super::leiden) (sequential, seeded: the
//! same graph, options and seed give the same partition; why not a crate:
//! that module's documentation). The graph is clustered as undirected: each
//! edge adds its weight to the pair whatever its direction (a citation links
//! the two works), parallel edges are summed, non-finite or negative weights
//! are ignored.
//!
//! **Cluster numbers** are stable: 1 is the largest cluster, ties broken by the
//! smallest member id. A node alone in its cluster (an isolate, or a node
//! Leiden leaves alone) gets number **0, "unclustered"**; small connected
//! components of two or more nodes are clusters of their own like any other.
//!
//! [`annotate`] writes `cluster` (Int) and `cluster_name` (Str) on every node
//! of a graph (nodes the partition does not cover get 0 / "unclustered").

use super::leiden;
use crate::graph::{attr, known, Attr, CitationGraph};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Name given to cluster 0.
pub const UNCLUSTERED: &str = "unclustered";

/// The quality function Leiden optimises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// Newman-Girvan modularity with a resolution parameter.
    #[default]
    Modularity,
    /// Constant Potts Model (resolution = density threshold, scale of the weights).
    Cpm,
}

/// Options of [`leiden`] (`[cluster]` in `config.toml`; their `Default` is
/// the only place the clustering defaults live).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterOptions {
    /// Quality function.
    pub quality: Quality,
    /// Resolution: higher gives more, smaller clusters.
    pub resolution: f64,
    /// Random seed.
    pub seed: u64,
    /// Most Leiden iterations (local moving, refinement, aggregation), each
    /// from the last one's clusters; they stop early when one changes
    /// nothing (until stable, igraph's `n_iterations = -1`).
    pub iterations: usize,
    /// Cluster pendant nodes (exactly one neighbour, which has others) with
    /// their neighbour instead of passing them to Leiden. A work cited once
    /// and known only from that citation carries no evidence of its own; left
    /// in, a star of such leaves inflates the total weight and, through the
    /// resolution limit of modularity, merges the small clusters elsewhere.
    pub attach_leaves: bool,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            quality: Quality::Modularity,
            resolution: 1.0,
            seed: 42,
            iterations: 50,
            attach_leaves: true,
        }
    }
}

/// A partition of a graph's nodes into numbered clusters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Partition {
    /// Node ids in graph node order.
    pub ids: Vec<String>,
    /// Cluster number per node (0 = unclustered), aligned with `ids`.
    pub clusters: Vec<u32>,
    /// Number of clusters numbered 1 and up.
    pub n_clusters: u32,
    /// Modularity (resolution 1) of the partition on the undirected weighted graph.
    pub modularity: f64,
    /// Quality reported by the engine for the chosen quality function.
    pub quality: f64,
}

impl Partition {
    /// The cluster of node `id`, if the partition covers it (a linear scan:
    /// for many look-ups use [`Partition::by_id`]).
    pub fn cluster_of(&self, id: &str) -> Option<u32> {
        self.ids.iter().position(|i| i == id).map(|p| self.clusters[p])
    }
    /// Map from node id to cluster.
    pub fn by_id(&self) -> BTreeMap<&str, u32> {
        self.ids.iter().map(String::as_str).zip(self.clusters.iter().copied()).collect()
    }
    /// Member positions (indices into `ids`) of each cluster 1..=n, in node order.
    pub fn members(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.n_clusters as usize];
        for (i, &c) in self.clusters.iter().enumerate() {
            if c > 0 {
                if let Some(v) = out.get_mut(c as usize - 1) {
                    v.push(i);
                }
            }
        }
        out
    }
    /// Cluster sizes 1..=n.
    pub fn sizes(&self) -> Vec<usize> {
        self.members().iter().map(Vec::len).collect()
    }
}

/// Undirected edge list `(a, b, w)` with `a <= b`, parallel edges summed, in order.
///
/// A stable sort of the edge list (not a map): parallel edges are summed in
/// edge order, so the sums are the same as adding them one by one. Node
/// numbers are `u32` (16 bytes an edge, not 24) and the sums are made in
/// place, with no second list: the network of a 100k-work corpus has
/// millions of edges.
pub fn undirected_edges(graph: &CitationGraph) -> Vec<(u32, u32, f64)> {
    let n = graph.node_count();
    let all: Vec<(u32, u32, f64)> = graph
        .graph
        .raw_edges()
        .iter()
        .filter(|e| e.weight.weight.is_finite() && e.weight.weight > 0.0)
        .map(|e| {
            let (a, b) = (e.source().index() as u32, e.target().index() as u32);
            (a.min(b), a.max(b), e.weight.weight)
        })
        .collect();
    // Stable, so the sums below are in edge order: by the second node, then
    // by the first (two counting sorts, O(n + m)).
    let second: Vec<u32> = all.iter().map(|e| e.1).collect();
    let by_second = super::leiden::grouped(&second, n).1;
    drop(second);
    let first: Vec<u32> = by_second.iter().map(|&i| all[i as usize].0).collect();
    let by_first = super::leiden::grouped(&first, n).1;
    drop(first);
    let mut sorted: Vec<(u32, u32, f64)> =
        by_first.iter().map(|&j| all[by_second[j as usize] as usize]).collect();
    drop(all);
    // `later` is folded into `kept`, the first of its run: the same
    // additions in the same order as summing the run one edge at a time.
    sorted.dedup_by(|later, kept| {
        let same = later.0 == kept.0 && later.1 == kept.1;
        if same {
            kept.2 += later.2;
        }
        same
    });
    sorted
}

/// Modularity `Q = sum_c [ w_c / m - gamma (d_c / 2m)^2 ]` of `membership` on
/// the undirected weighted edge list (`w_c` internal weight, `d_c` total degree).
pub fn modularity(n: usize, edges: &[(u32, u32, f64)], membership: &[usize], resolution: f64) -> f64 {
    let m: f64 = edges.iter().map(|e| e.2).sum();
    if m <= 0.0 {
        return 0.0;
    }
    let k = membership.iter().copied().max().map_or(0, |x| x + 1);
    let mut internal = vec![0.0; k];
    let mut degree = vec![0.0; k];
    for &(a, b, w) in edges {
        let (a, b) = (a as usize, b as usize);
        if a >= n || b >= n {
            continue;
        }
        let (ca, cb) = (membership[a], membership[b]);
        degree[ca] += w;
        degree[cb] += w;
        if ca == cb {
            internal[ca] += w;
        }
    }
    (0..k).map(|c| internal[c] / m - resolution * (degree[c] / (2.0 * m)).powi(2)).sum()
}

/// Clusters `graph` with Leiden.
///
/// # Arguments
/// - `graph`: any graph; edges are read as undirected weighted links.
/// - `opts`: quality function, resolution, seed, iterations.
///
/// # Returns
/// A [`Partition`] with stable numbering (module documentation).
///
/// # Complexity
/// About O(m) per iteration in practice (Traag et al. 2019).
///
/// # Example
/// ```
/// use citemap::analysis::cluster::{leiden, ClusterOptions};
/// use citemap::graph::{CitationGraph, Edge, EdgeKind, Node, NodeKind, Attrs};
/// let mut g = CitationGraph::new();
/// let ix: Vec<_> = (0..6)
///     .map(|i| g.add_node(Node { id: format!("W{i}"), kind: NodeKind::Paper, label: String::new(),
///         attrs: Attrs::new(), sources: vec![] }))
///     .collect();
/// for (a, b) in [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)] {
///     g.add_edge(ix[a], ix[b], Edge { kind: EdgeKind::Similarity, weight: 1.0, attrs: Attrs::new(), sources: vec![] });
/// }
/// let p = leiden(&g, &ClusterOptions::default());
/// assert_eq!(p.clusters, vec![1, 1, 1, 2, 2, 2]);
/// ```
pub fn leiden(graph: &CitationGraph, opts: &ClusterOptions) -> Partition {
    let n = graph.node_count();
    let ids: Vec<String> = graph.graph.node_weights().map(|n| n.id.clone()).collect();
    let edges = undirected_edges(graph);
    let raw =
        if opts.attach_leaves { leiden_with_leaves(n, &edges, opts) } else { run_engine(n, &edges, opts) };
    let (clusters, n_clusters) = renumber(&ids, &raw);
    let modularity_1 = modularity(n, &edges, &raw, 1.0);
    let quality = match opts.quality {
        Quality::Modularity if opts.resolution == 1.0 => modularity_1,
        Quality::Modularity => modularity(n, &edges, &raw, opts.resolution),
        Quality::Cpm => cpm(&edges, &raw, opts.resolution),
    };
    Partition { ids, clusters, n_clusters, modularity: modularity_1, quality }
}

/// Leiden on the graph without its pendant nodes, each of which then joins
/// its neighbour's cluster (see [`ClusterOptions::attach_leaves`]).
fn leiden_with_leaves(n: usize, edges: &[(u32, u32, f64)], opts: &ClusterOptions) -> Vec<usize> {
    // `edges` holds each pair once ([`undirected_edges`]), so counting a
    // node's edges to others counts its distinct neighbours.
    let mut degree = vec![0u32; n];
    let mut other = vec![0u32; n];
    for &(a, b, _) in edges {
        if a != b && (a as usize) < n && (b as usize) < n {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
            other[a as usize] = b;
            other[b as usize] = a;
        }
    }
    let leaf_of: Vec<Option<usize>> = (0..n)
        .map(|i| match degree[i] {
            1 if degree[other[i] as usize] > 1 => Some(other[i] as usize),
            _ => None,
        })
        .collect();
    drop(degree);
    drop(other);
    let core: Vec<usize> = (0..n).filter(|&i| leaf_of[i].is_none()).collect();
    if core.len() == n {
        return run_engine(n, edges, opts);
    }
    let mut pos = vec![usize::MAX; n];
    for (k, &i) in core.iter().enumerate() {
        pos[i] = k;
    }
    let core_edges: Vec<(u32, u32, f64)> = edges
        .iter()
        .map(|&(a, b, w)| (a as usize, b as usize, w))
        .filter(|&(a, b, _)| a < n && b < n && pos[a] != usize::MAX && pos[b] != usize::MAX)
        .map(|(a, b, w)| (pos[a] as u32, pos[b] as u32, w))
        .collect();
    let core_raw = run_engine(core.len(), &core_edges, opts);
    (0..n)
        .map(|i| match leaf_of[i] {
            Some(nb) => core_raw[pos[nb]],
            None => core_raw[pos[i]],
        })
        .collect()
}

/// CPM quality `sum_c [ w_c - gamma * n_c (n_c - 1) / 2 ]`.
fn cpm(edges: &[(u32, u32, f64)], membership: &[usize], resolution: f64) -> f64 {
    let k = membership.iter().copied().max().map_or(0, |x| x + 1);
    let mut internal = vec![0.0; k];
    let mut size = vec![0.0f64; k];
    for &c in membership {
        size[c] += 1.0;
    }
    for &(a, b, w) in edges {
        let (a, b) = (a as usize, b as usize);
        if membership.get(a) == membership.get(b) {
            internal[membership[a]] += w;
        }
    }
    (0..k).map(|c| internal[c] - resolution * size[c] * (size[c] - 1.0) / 2.0).sum()
}

fn run_engine(n: usize, edges: &[(u32, u32, f64)], opts: &ClusterOptions) -> Vec<usize> {
    let objective = match opts.quality {
        Quality::Modularity => leiden::Objective::Modularity,
        Quality::Cpm => leiden::Objective::Cpm,
    };
    let resolution =
        if opts.resolution.is_finite() && opts.resolution >= 0.0 { opts.resolution } else { 1.0 };
    leiden::run(n, edges, objective, resolution, opts.seed, opts.iterations)
}

/// Stable numbering: 1 = largest, ties by smallest member id; singletons 0.
/// `raw` numbers are the engine's, below the node count.
fn renumber(ids: &[String], raw: &[usize]) -> (Vec<u32>, u32) {
    let k = raw.iter().copied().max().map_or(0, |m| m + 1);
    // (size, smallest member id) of each raw cluster.
    let mut groups: Vec<(usize, &str)> = vec![(0, ""); k];
    for (i, &c) in raw.iter().enumerate() {
        let g = &mut groups[c];
        if g.0 == 0 || ids[i].as_str() < g.1 {
            g.1 = ids[i].as_str();
        }
        g.0 += 1;
    }
    let mut order: Vec<(usize, usize, &str)> =
        groups.iter().enumerate().filter(|(_, g)| g.0 >= 2).map(|(c, &(size, id))| (c, size, id)).collect();
    order.sort_by(|x, y| y.1.cmp(&x.1).then(x.2.cmp(y.2)));
    let mut number = vec![0u32; k];
    for (i, x) in order.iter().enumerate() {
        number[x.0] = i as u32 + 1;
    }
    (raw.iter().map(|&c| number[c]).collect(), order.len() as u32)
}

/// Writes `cluster` and `cluster_name` on every node of `graph`: the node's
/// cluster in `partition` (matched by id) and its name from `names`
/// (cluster number -> name); 0 and "unclustered" for nodes not covered.
pub fn annotate(graph: &mut CitationGraph, partition: &Partition, names: &BTreeMap<u32, String>) {
    let by_id: BTreeMap<&str, u32> = partition.by_id();
    // One shared text per cluster name, not one per node.
    let mut texts: BTreeMap<u32, Attr> = BTreeMap::new();
    for node in graph.graph.node_weights_mut() {
        let c = by_id.get(node.id.as_str()).copied().unwrap_or(0);
        let name = texts
            .entry(c)
            .or_insert_with(|| {
                Attr::text(if c == 0 {
                    UNCLUSTERED.to_string()
                } else {
                    names.get(&c).cloned().unwrap_or_else(|| format!("cluster {c}"))
                })
            })
            .clone();
        node.attrs.reserve_exact(2);
        node.attrs.insert(known!(attr::CLUSTER), Attr::Int(c as i64));
        node.attrs.insert(known!(attr::CLUSTER_NAME), name);
    }
}
