//! Node metrics written as attributes: `citations_local` (distinct citing
//! works in the corpus), `citations_global` (times cited according to the
//! sources, when known), `in_degree`, `out_degree`, `degree`,
//! `weighted_degree`, `pagerank`, `betweenness` and `component`.
//!
//! - **PageRank**: power iteration, damping 0.85, a fixed number of
//!   iterations, weights by edge weight, dangling mass spread uniformly. Edges
//!   of the undirected derived kinds count in both directions; `cites` and
//!   other corpus edges in their direction.
//! - **Betweenness**: Brandes (2001) on the undirected, unweighted view (hops),
//!   each pair counted once. Exact up to `exact_limit` nodes; above, `samples`
//!   source nodes drawn with the seed and the sum scaled by `n / samples`.
//! - **Components**: weakly connected, 1 = largest, ties by smallest member id.
//!
//! Every loop runs in node index order, so results are deterministic.

use super::text::SplitMix64;
use crate::graph::{Attr, CitationGraph};
use crate::model::Corpus;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Options of [`compute`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsOptions {
    /// PageRank damping factor.
    pub damping: f64,
    /// PageRank iterations.
    pub pagerank_iterations: usize,
    /// Compute betweenness at all.
    pub betweenness: bool,
    /// Exact betweenness up to this many nodes.
    pub exact_limit: usize,
    /// Sampled sources above `exact_limit`.
    pub samples: usize,
    /// Seed for sampling.
    pub seed: u64,
}

impl Default for MetricsOptions {
    fn default() -> Self {
        MetricsOptions {
            damping: 0.85,
            pagerank_iterations: 100,
            betweenness: true,
            exact_limit: 5000,
            samples: 256,
            seed: 42,
        }
    }
}

/// Per-node metrics, aligned with the graph's node indices.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Distinct citing works in the corpus (works only; `None` for other nodes).
    pub citations_local: Vec<Option<u64>>,
    /// Times cited according to sources (works with a known count).
    pub citations_global: Vec<Option<u64>>,
    /// Incoming edges.
    pub in_degree: Vec<usize>,
    /// Outgoing edges.
    pub out_degree: Vec<usize>,
    /// All incident edges.
    pub degree: Vec<usize>,
    /// Sum of incident edge weights.
    pub weighted_degree: Vec<f64>,
    /// PageRank (sums to 1).
    pub pagerank: Vec<f64>,
    /// Betweenness (empty when not computed).
    pub betweenness: Vec<f64>,
    /// Weakly connected component number (1 = largest).
    pub component: Vec<u32>,
    /// True when betweenness was sampled rather than exact.
    pub betweenness_sampled: bool,
}

/// Computes the metrics of every node of `graph`; `corpus` supplies the
/// citation counts of work nodes (matched by id).
pub fn compute(graph: &CitationGraph, corpus: &Corpus, opts: &MetricsOptions) -> Metrics {
    let n = graph.node_count();
    let local = super::network::local_citations(corpus);
    let mut m = Metrics {
        citations_local: vec![None; n],
        citations_global: vec![None; n],
        in_degree: vec![0; n],
        out_degree: vec![0; n],
        degree: vec![0; n],
        weighted_degree: vec![0.0; n],
        ..Metrics::default()
    };
    for (i, node) in graph.graph.node_weights().enumerate() {
        if let Some(w) = corpus.work_by_id(&node.id) {
            m.citations_local[i] = local.get(w).copied();
            m.citations_global[i] = corpus.works[w].times_cited.as_ref().map(|t| t.value);
        }
    }
    for e in graph.graph.raw_edges() {
        let (a, b) = (e.source().index(), e.target().index());
        let w = if e.weight.weight.is_finite() { e.weight.weight } else { 0.0 };
        m.out_degree[a] += 1;
        m.in_degree[b] += 1;
        m.degree[a] += 1;
        m.degree[b] += 1;
        m.weighted_degree[a] += w;
        m.weighted_degree[b] += w;
    }
    m.pagerank = pagerank(graph, opts.damping, opts.pagerank_iterations);
    let adj = undirected_adjacency(graph);
    if opts.betweenness {
        let sampled = n > opts.exact_limit;
        m.betweenness = betweenness(&adj, sampled.then_some((opts.samples, opts.seed)));
        m.betweenness_sampled = sampled;
    }
    m.component = components(graph, &adj);
    m
}

/// Writes the metrics as node attributes (see the module documentation).
pub fn annotate(graph: &mut CitationGraph, m: &Metrics) {
    for (i, node) in graph.graph.node_weights_mut().enumerate() {
        let mut put = |k: &str, v: Attr| {
            node.attrs.insert(k.to_string(), v);
        };
        if let Some(Some(c)) = m.citations_local.get(i) {
            put("citations_local", Attr::Int(*c as i64));
        }
        if let Some(Some(c)) = m.citations_global.get(i) {
            put("citations_global", Attr::Int(*c as i64));
        }
        if let Some(&d) = m.in_degree.get(i) {
            put("in_degree", Attr::Int(d as i64));
        }
        if let Some(&d) = m.out_degree.get(i) {
            put("out_degree", Attr::Int(d as i64));
        }
        if let Some(&d) = m.degree.get(i) {
            put("degree", Attr::Int(d as i64));
        }
        if let Some(&d) = m.weighted_degree.get(i) {
            put("weighted_degree", Attr::Float(d));
        }
        if let Some(&p) = m.pagerank.get(i) {
            put("pagerank", Attr::Float(p));
        }
        if let Some(&b) = m.betweenness.get(i) {
            put("betweenness", Attr::Float(b));
        }
        if let Some(&c) = m.component.get(i) {
            put("component", Attr::Int(c as i64));
        }
    }
}

/// Weighted PageRank by power iteration (module documentation).
pub fn pagerank(graph: &CitationGraph, damping: f64, iterations: usize) -> Vec<f64> {
    let n = graph.node_count();
    if n == 0 {
        return Vec::new();
    }
    // Outgoing weighted lists, both directions for undirected kinds.
    let mut out: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for e in graph.graph.raw_edges() {
        let w = e.weight.weight;
        if !(w.is_finite() && w > 0.0) {
            continue;
        }
        let (a, b) = (e.source().index(), e.target().index());
        out[a].push((b, w));
        if e.weight.kind.is_undirected() {
            out[b].push((a, w));
        }
    }
    let total: Vec<f64> = out.iter().map(|l| l.iter().map(|x| x.1).sum()).collect();
    let nf = n as f64;
    let mut rank = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    for _ in 0..iterations {
        let dangling: f64 = (0..n).filter(|&i| total[i] <= 0.0).map(|i| rank[i]).sum();
        let base = (1.0 - damping) / nf + damping * dangling / nf;
        next.iter_mut().for_each(|x| *x = base);
        for i in 0..n {
            if total[i] > 0.0 {
                let share = damping * rank[i] / total[i];
                for &(j, w) in &out[i] {
                    next[j] += share * w;
                }
            }
        }
        std::mem::swap(&mut rank, &mut next);
    }
    rank
}

fn undirected_adjacency(graph: &CitationGraph) -> Vec<Vec<usize>> {
    let n = graph.node_count();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in graph.graph.raw_edges() {
        let (a, b) = (e.source().index(), e.target().index());
        if a != b {
            adj[a].push(b);
            adj[b].push(a);
        }
    }
    for l in &mut adj {
        l.sort_unstable();
        l.dedup();
    }
    adj
}

/// Brandes betweenness on an undirected adjacency; `sample = Some((k, seed))`
/// uses `k` distinct random sources and scales by `n / k`.
pub fn betweenness(adj: &[Vec<usize>], sample: Option<(usize, u64)>) -> Vec<f64> {
    let n = adj.len();
    let sources: Vec<usize> = match sample {
        Some((k, seed)) if k < n => {
            // Partial Fisher-Yates: the first k of a seeded shuffle.
            let mut all: Vec<usize> = (0..n).collect();
            let mut rng = SplitMix64::new(seed);
            for i in 0..k {
                let j = i + rng.below(n - i);
                all.swap(i, j);
            }
            let mut s = all[..k].to_vec();
            s.sort_unstable();
            s
        }
        _ => (0..n).collect(),
    };
    // Sources run in fixed chunks on the rayon pool; the chunks' sums are
    // added in chunk order, so the result does not depend on the thread count.
    const CHUNK: usize = 8;
    let threads = rayon::current_num_threads().max(1);
    let mut bc = vec![0.0f64; n];
    for group in sources.chunks(CHUNK * threads * 2) {
        use rayon::prelude::*;
        let partials: Vec<Vec<f64>> = group.par_chunks(CHUNK).map(|chunk| brandes(adj, chunk)).collect();
        for p in partials {
            for (b, x) in bc.iter_mut().zip(p) {
                *b += x;
            }
        }
    }
    // Undirected: each pair was counted from both ends.
    let scale = if sources.len() < n && !sources.is_empty() { n as f64 / sources.len() as f64 } else { 1.0 };
    bc.iter_mut().for_each(|x| *x *= scale / 2.0);
    bc
}

/// Dependencies accumulated from `sources` (Brandes 2001, unweighted).
fn brandes(adj: &[Vec<usize>], sources: &[usize]) -> Vec<f64> {
    let n = adj.len();
    let mut bc = vec![0.0f64; n];
    let mut sigma = vec![0.0f64; n];
    let mut dist = vec![-1i64; n];
    let mut delta = vec![0.0f64; n];
    let mut stack: Vec<usize> = Vec::with_capacity(n);
    let mut queue = VecDeque::new();
    for &s in sources {
        for &v in &stack {
            sigma[v] = 0.0;
            dist[v] = -1;
            delta[v] = 0.0;
        }
        stack.clear();
        sigma[s] = 1.0;
        dist[s] = 0;
        queue.push_back(s);
        while let Some(v) = queue.pop_front() {
            stack.push(v);
            for &w in &adj[v] {
                if dist[w] < 0 {
                    dist[w] = dist[v] + 1;
                    queue.push_back(w);
                }
                if dist[w] == dist[v] + 1 {
                    sigma[w] += sigma[v];
                }
            }
        }
        // Predecessors are the neighbours one step closer to the source:
        // found again from the distances rather than stored per node.
        for &w in stack.iter().rev() {
            for &v in &adj[w] {
                if dist[v] >= 0 && dist[v] + 1 == dist[w] {
                    delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
                }
            }
            if w != s {
                bc[w] += delta[w];
            }
        }
    }
    bc
}

fn components(graph: &CitationGraph, adj: &[Vec<usize>]) -> Vec<u32> {
    let n = adj.len();
    let mut comp = vec![usize::MAX; n];
    let mut groups: Vec<(usize, String)> = Vec::new();
    for s in 0..n {
        if comp[s] != usize::MAX {
            continue;
        }
        let c = groups.len();
        let mut min_id = graph.graph[petgraph::graph::NodeIndex::new(s)].id.clone();
        let mut size = 0;
        let mut queue = VecDeque::from([s]);
        comp[s] = c;
        while let Some(v) = queue.pop_front() {
            size += 1;
            let id = &graph.graph[petgraph::graph::NodeIndex::new(v)].id;
            if *id < min_id {
                min_id = id.clone();
            }
            for &w in &adj[v] {
                if comp[w] == usize::MAX {
                    comp[w] = c;
                    queue.push_back(w);
                }
            }
        }
        groups.push((size, min_id));
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&x, &y| groups[y].0.cmp(&groups[x].0).then(groups[x].1.cmp(&groups[y].1)));
    let mut number = vec![0u32; groups.len()];
    for (r, &c) in order.iter().enumerate() {
        number[c] = r as u32 + 1;
    }
    comp.iter().map(|&c| number.get(c).copied().unwrap_or(0)).collect()
}

/// Counts of works per agent index (for rankings by number of works).
pub fn works_per_agent(corpus: &Corpus) -> BTreeMap<usize, usize> {
    let pairs: std::collections::BTreeSet<(u32, u32)> =
        corpus.authorships.iter().map(|a| (a.agent, a.work)).collect();
    let mut m = BTreeMap::new();
    for (agent, _) in pairs {
        *m.entry(agent as usize).or_insert(0) += 1;
    }
    m
}
