//! Node metrics written as attributes: `citations_local` (distinct citing
//! works in the corpus), `citations_global` (times cited according to the
//! sources, when known), `in_degree`, `out_degree`, `degree`,
//! `weighted_degree`, `pagerank`, `betweenness` and `component`.
//!
//! - **PageRank**: power iteration on a compressed sparse row (CSR) copy of
//!   the weighted out-lists, damping 0.85, a fixed number of iterations
//!   (fewer when the ranks reach a fixed point bit for bit, after which
//!   every iteration would give them again), dangling mass spread
//!   uniformly. Edges of the undirected derived kinds count in both
//!   directions; `cites` and other corpus edges in their direction.
//! - **Betweenness**: Brandes (2001) on the undirected, unweighted view (hops),
//!   each pair counted once, on a CSR adjacency. [`Betweenness::Auto`] is exact
//!   up to `exact_limit` nodes; above, `samples` distinct source nodes (fewer
//!   on graphs so big that they would take more than `sample_budget` edge
//!   visits, never under 32) are drawn with the seed (a partial Fisher-Yates shuffle, so the sample does not
//!   depend on the thread count) and the sum is scaled by `n / samples`. The
//!   [`BetweennessInfo`] of a sampled run carries a Hoeffding error bound (see
//!   [`sampled_error_bound`]). `Off` leaves the attribute out. Pendant nodes
//!   (one neighbour) are folded into their neighbour before the passes, which
//!   gives the same values with less work (see `Folded`).
//! - **Components**: weakly connected, 1 = largest, ties by smallest member id.
//!
//! Every loop runs in node index order, so results are deterministic.

use super::tokens::SplitMix64;
use super::{prefetch, AHEAD};
use crate::graph::{known, Attr, AttrKey, CitationGraph};
use crate::model::Corpus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How betweenness is computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Betweenness {
    /// Exact up to `exact_limit` nodes, sampled above.
    #[default]
    Auto,
    /// Always exact (O(n m): hours on a few hundred thousand nodes).
    Exact,
    /// Always sampled (exact when `samples` covers every node).
    Sampled,
    /// Not computed.
    Off,
}

/// Options of [`compute`]; the `[metrics]` section of the configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsOptions {
    /// PageRank damping factor.
    pub damping: f64,
    /// PageRank iterations.
    pub pagerank_iterations: usize,
    /// Betweenness: exact, sampled, automatic by size, or off.
    pub betweenness: Betweenness,
    /// With `auto`: exact betweenness up to this many nodes.
    pub exact_limit: usize,
    /// Sampled source nodes when sampling.
    pub samples: usize,
    /// Most edge visits a sample may take (two per adjacency entry and
    /// source): bigger graphs get fewer sources, never under 32.
    pub sample_budget: u64,
    /// Seed of the sample.
    pub seed: u64,
}

impl Default for MetricsOptions {
    fn default() -> Self {
        MetricsOptions {
            damping: 0.85,
            pagerank_iterations: 100,
            betweenness: Betweenness::Auto,
            exact_limit: 5000,
            samples: 256,
            sample_budget: 1_000_000_000,
            seed: 42,
        }
    }
}

/// How betweenness was computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BetweennessMethod {
    /// Every node a source.
    #[default]
    Exact,
    /// A seeded sample of sources.
    Sampled,
    /// Not computed.
    Off,
}

/// What a betweenness run was: written in `summary.json` when sampled or off.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BetweennessInfo {
    /// Exact, sampled or off.
    pub method: BetweennessMethod,
    /// Nodes of the graph.
    pub nodes: usize,
    /// Source nodes used (all nodes when exact).
    pub sources: usize,
    /// Seed of the sample (sampled only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Confidence of the error bound (sampled only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// With that confidence, simultaneously for every node, the estimate of
    /// normalised betweenness (betweenness / ((n-1)(n-2)/2), between 0 and 1)
    /// is within this of the exact value (sampled only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_bound: Option<f64>,
    /// The same bound on the raw `betweenness` attribute (pairs of nodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_bound_raw: Option<f64>,
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
    /// How betweenness was computed, with the error bound of a sample.
    pub betweenness_info: BetweennessInfo,
}

/// Compressed sparse rows: the neighbours of node `i` are
/// `targets[offsets[i]..offsets[i + 1]]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csr {
    /// `n + 1` offsets into `targets`.
    pub offsets: Vec<usize>,
    /// Neighbour indices.
    pub targets: Vec<u32>,
}

impl Csr {
    /// Rows from `(row, target)` pairs, each row keeping the pairs' order
    /// (a stable counting sort: O(n + m)).
    pub fn from_pairs(n: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut offsets = vec![0usize; n + 1];
        for &(a, _) in pairs {
            offsets[a as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; pairs.len()];
        for &(a, b) in pairs {
            let slot = &mut fill[a as usize];
            targets[*slot] = b;
            *slot += 1;
        }
        Csr { offsets, targets }
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The neighbours of `i`.
    pub fn row(&self, i: usize) -> &[u32] {
        &self.targets[self.offsets[i]..self.offsets[i + 1]]
    }
    /// The rows in breadth-first order (from row 0, then from the first row
    /// not reached of each other component), and each row's place in it:
    /// `(order, place)` with `order[place[i]] == i`. Numbered so, a node's
    /// neighbours mostly have numbers near its own.
    pub fn breadth_first_order(&self) -> (Vec<u32>, Vec<u32>) {
        const UNSET: u32 = u32::MAX;
        let n = self.len();
        let mut place = vec![UNSET; n];
        let mut order: Vec<u32> = Vec::with_capacity(n);
        for root in 0..n {
            if place[root] != UNSET {
                continue;
            }
            place[root] = order.len() as u32;
            order.push(root as u32);
            let mut head = order.len() - 1;
            while head < order.len() {
                let v = order[head] as usize;
                head += 1;
                for &w in self.row(v) {
                    if place[w as usize] == UNSET {
                        place[w as usize] = order.len() as u32;
                        order.push(w);
                    }
                }
            }
        }
        (order, place)
    }
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
    let mut next = 0;
    for (i, node) in graph.graph.node_weights().enumerate() {
        if let Some(w) = corpus.work_by_id_from(&node.id, next) {
            next = w + 1;
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
    // PageRank and betweenness do not depend on each other: side by side,
    // so that the sequential parts of one (building its rows) overlap the
    // other's passes on the pool.
    let (pagerank, (adj, betweenness)) = rayon::join(
        || pagerank(graph, opts.damping, opts.pagerank_iterations),
        || {
            let adj = undirected_adjacency(graph);
            let b = betweenness_of(&adj, n, opts);
            (adj, b)
        },
    );
    m.pagerank = pagerank;
    (m.betweenness, m.betweenness_info) = betweenness;
    m.betweenness_sampled = m.betweenness_info.method == BetweennessMethod::Sampled;
    m.component = components(graph, &adj);
    m
}

/// Betweenness of the undirected adjacency `adj` of a graph of `n` nodes as
/// `opts` asks: the values (empty when off) and what was computed.
fn betweenness_of(adj: &Csr, n: usize, opts: &MetricsOptions) -> (Vec<f64>, BetweennessInfo) {
    let sample = match opts.betweenness {
        Betweenness::Off => None,
        Betweenness::Exact => Some(None),
        Betweenness::Auto if n <= opts.exact_limit => Some(None),
        Betweenness::Auto | Betweenness::Sampled => {
            let k = sample_size(opts.samples, opts.sample_budget, adj.targets.len());
            Some((k < n).then_some((k, opts.seed)))
        }
    };
    match sample {
        None => {
            (Vec::new(), BetweennessInfo { method: BetweennessMethod::Off, nodes: n, ..Default::default() })
        }
        Some(s) => {
            let values = betweenness_csr(adj, s);
            let info = match s {
                None => BetweennessInfo {
                    method: BetweennessMethod::Exact,
                    nodes: n,
                    sources: n,
                    ..Default::default()
                },
                Some((k, seed)) => {
                    let (norm, raw) = sampled_error_bound(n, k, CONFIDENCE);
                    BetweennessInfo {
                        method: BetweennessMethod::Sampled,
                        nodes: n,
                        sources: k,
                        seed: Some(seed),
                        confidence: Some(CONFIDENCE),
                        error_bound: Some(norm),
                        error_bound_raw: Some(raw),
                    }
                }
            };
            (values, info)
        }
    }
}

/// Sources of a sample: `samples`, fewer when `samples` sources would take
/// more than `budget` edge visits on `arcs` adjacency entries (two visits
/// each per source), never under 32 (nor under 1).
pub fn sample_size(samples: usize, budget: u64, arcs: usize) -> usize {
    let per_source = 2 * arcs.max(1) as u64;
    let affordable = usize::try_from(budget / per_source).unwrap_or(usize::MAX);
    samples.min(affordable.max(32)).max(1)
}

/// Confidence of the error bound written for a sampled betweenness.
pub const CONFIDENCE: f64 = 0.95;

/// Error bound of betweenness estimated from `k` of `n` sources drawn
/// without replacement: `(normalised, raw)`.
///
/// Source `s` adds `delta_s(v) <= n - 2` to node `v`; `X_s = delta_s(v) / (n - 2)`
/// lies in `[0, 1]` and the estimate is `n / 2` times the sample mean of `X`
/// times `n - 2`. Hoeffding's inequality (which holds for sampling without
/// replacement, Hoeffding 1963 section 6) with a union bound over the `n`
/// nodes gives, with probability `confidence`, `|mean - true mean| <= eps`,
/// `eps = sqrt(ln(2n / (1 - confidence)) / (2k))`, for every node at once.
/// On the raw betweenness that is `eps * n (n - 2) / 2`; on normalised
/// betweenness (raw / ((n-1)(n-2)/2)) it is `eps * n / (n - 1)`.
pub fn sampled_error_bound(n: usize, k: usize, confidence: f64) -> (f64, f64) {
    if n < 3 || k == 0 {
        return (0.0, 0.0);
    }
    let alpha = (1.0 - confidence).clamp(1e-12, 1.0);
    let (nf, kf) = (n as f64, k as f64);
    let eps = ((2.0 * nf / alpha).ln() / (2.0 * kf)).sqrt();
    (eps * nf / (nf - 1.0), eps * nf * (nf - 2.0) / 2.0)
}

/// Writes the metrics as node attributes (see the module documentation).
pub fn annotate(graph: &mut CitationGraph, m: &Metrics) {
    for (i, node) in graph.graph.node_weights_mut().enumerate() {
        // Room for every metric at once, not doubling past them: a graph
        // of 100k works has more than half a million nodes.
        node.attrs.reserve_exact(9);
        let mut put = |k: AttrKey, v: Attr| {
            node.attrs.insert(k, v);
        };
        if let Some(Some(c)) = m.citations_local.get(i) {
            put(known!("citations_local"), Attr::Int(*c as i64));
        }
        if let Some(Some(c)) = m.citations_global.get(i) {
            put(known!("citations_global"), Attr::Int(*c as i64));
        }
        if let Some(&d) = m.in_degree.get(i) {
            put(known!("in_degree"), Attr::Int(d as i64));
        }
        if let Some(&d) = m.out_degree.get(i) {
            put(known!("out_degree"), Attr::Int(d as i64));
        }
        if let Some(&d) = m.degree.get(i) {
            put(known!("degree"), Attr::Int(d as i64));
        }
        if let Some(&d) = m.weighted_degree.get(i) {
            put(known!("weighted_degree"), Attr::Float(d));
        }
        if let Some(&p) = m.pagerank.get(i) {
            put(known!("pagerank"), Attr::Float(p));
        }
        if let Some(&b) = m.betweenness.get(i) {
            put(known!("betweenness"), Attr::Float(b));
        }
        if let Some(&c) = m.component.get(i) {
            put(known!("component"), Attr::Int(c as i64));
        }
    }
}

/// Weighted PageRank by power iteration on CSR (module documentation).
pub fn pagerank(graph: &CitationGraph, damping: f64, iterations: usize) -> Vec<f64> {
    use rayon::prelude::*;
    let n = graph.node_count();
    if n == 0 {
        return Vec::new();
    }
    // Outgoing weighted rows, both directions for undirected kinds, each row
    // in edge order (so sums run in the same order whatever the storage).
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(graph.edge_count() * 2);
    let mut weights: Vec<(u32, f64)> = Vec::with_capacity(graph.edge_count() * 2);
    for e in graph.graph.raw_edges() {
        let w = e.weight.weight;
        if !(w.is_finite() && w > 0.0) {
            continue;
        }
        let (a, b) = (e.source().index() as u32, e.target().index() as u32);
        pairs.push((a, b));
        weights.push((a, w));
        if e.weight.kind.is_undirected() {
            pairs.push((b, a));
            weights.push((b, w));
        }
    }
    let csr = Csr::from_pairs(n, &pairs);
    // The weights in the same stable row order as the targets.
    let mut fill = csr.offsets.clone();
    let mut wt = vec![0.0f64; weights.len()];
    for &(a, w) in &weights {
        let slot = &mut fill[a as usize];
        wt[*slot] = w;
        *slot += 1;
    }
    drop(pairs);
    drop(weights);
    let total: Vec<f64> = (0..n).map(|i| wt[csr.offsets[i]..csr.offsets[i + 1]].iter().sum()).collect();
    // Incoming rows (the transpose), each in the order the contributions
    // were once pushed: by source, then by the source's row order. Each
    // node's new rank is then summed on its own (on the pool) in exactly
    // the order the push-style loop added to it, so ranks are bit-identical
    // whatever the thread count.
    let mut in_off = vec![0usize; n + 1];
    for &j in &csr.targets {
        in_off[j as usize + 1] += 1;
    }
    for i in 0..n {
        in_off[i + 1] += in_off[i];
    }
    let mut in_src = vec![0u32; csr.targets.len()];
    let mut in_wt = vec![0.0f64; csr.targets.len()];
    let mut fill = in_off.clone();
    for i in 0..n {
        let (lo, hi) = (csr.offsets[i], csr.offsets[i + 1]);
        for (&j, &w) in csr.targets[lo..hi].iter().zip(&wt[lo..hi]) {
            let slot = &mut fill[j as usize];
            in_src[*slot] = i as u32;
            in_wt[*slot] = w;
            *slot += 1;
        }
    }
    drop((csr, wt, fill));
    // Nodes renumbered breadth-first over the incoming rows, so that the
    // ranks a row reads sit near each other (node numbers follow ids, which
    // are hashes). Each row keeps its terms in their order, and the dangling
    // ranks are summed in the original node order: the ranks are the same,
    // bit for bit.
    let incoming = Csr { offsets: in_off, targets: in_src };
    let (order, place) = incoming.breadth_first_order();
    let mut in_off_new = Vec::with_capacity(n + 1);
    in_off_new.push(0usize);
    let mut in_src_new: Vec<u32> = Vec::with_capacity(incoming.targets.len());
    let mut in_wt_new: Vec<f64> = Vec::with_capacity(incoming.targets.len());
    for &old in &order {
        let (lo, hi) = (incoming.offsets[old as usize], incoming.offsets[old as usize + 1]);
        in_src_new.extend(incoming.targets[lo..hi].iter().map(|&i| place[i as usize]));
        in_wt_new.extend_from_slice(&in_wt[lo..hi]);
        in_off_new.push(in_src_new.len());
    }
    drop((incoming, in_wt));
    // Every weight 1 (a graph of citations and authorships): the rows are
    // read without their weights.
    let unit = in_wt_new.iter().all(|&w| w == 1.0);
    let in_wt_new = if unit { Vec::new() } else { in_wt_new };
    let total: Vec<f64> = order.iter().map(|&i| total[i as usize]).collect();
    let dangling_at: Vec<u32> =
        (0..n).filter(|&i| total[place[i] as usize] <= 0.0).map(|i| place[i]).collect();
    let nf = n as f64;
    let mut rank = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    let mut share = vec![0.0; n];
    const ROWS: usize = 4096;
    for _ in 0..iterations {
        let dangling: f64 = dangling_at.iter().map(|&p| rank[p as usize]).sum();
        let base = (1.0 - damping) / nf + damping * dangling / nf;
        share.par_chunks_mut(ROWS).enumerate().for_each(|(c, shares)| {
            let from = c * ROWS;
            for ((s, &r), &t) in shares.iter_mut().zip(&rank[from..]).zip(&total[from..]) {
                *s = if t > 0.0 { damping * r / t } else { 0.0 };
            }
        });
        let moved = next.par_chunks_mut(ROWS).enumerate().map(|(c, rows)| {
            for (k, x) in rows.iter_mut().enumerate() {
                let p = c * ROWS + k;
                let (lo, hi) = (in_off_new[p], in_off_new[p + 1]);
                let mut acc = base;
                if unit {
                    // `w * 1.0` is `w`: the same sums, without the weights.
                    for &s in &in_src_new[lo..hi] {
                        acc += share[s as usize];
                    }
                } else {
                    for (&s, &w) in in_src_new[lo..hi].iter().zip(&in_wt_new[lo..hi]) {
                        acc += share[s as usize] * w;
                    }
                }
                *x = acc;
            }
            let from = c * ROWS;
            rows.iter().zip(&rank[from..]).any(|(x, r)| x.to_bits() != r.to_bits())
        });
        let moved = moved.reduce(|| false, |a, b| a || b);
        std::mem::swap(&mut rank, &mut next);
        // A fixed point, bit for bit: every further iteration would give
        // these ranks again (a full graph of 100k works gets there in 57 of
        // 100 iterations).
        if !moved {
            break;
        }
    }
    place.iter().map(|&p| rank[p as usize]).collect()
}

/// The undirected simple view of `graph` as CSR: rows sorted, no duplicates,
/// no self-loops.
pub fn undirected_adjacency(graph: &CitationGraph) -> Csr {
    let n = graph.node_count();
    let ends = || {
        graph.graph.raw_edges().iter().filter_map(|e| {
            let (a, b) = (e.source().index(), e.target().index());
            (a != b).then_some((a, b))
        })
    };
    // Rows by a counting sort on both ends, then each row sorted and its
    // repeats dropped, moved down in place: one sort of a dozen numbers per
    // row instead of one of every pair (twice the edges).
    let mut offsets = vec![0usize; n + 1];
    for (a, b) in ends() {
        offsets[a + 1] += 1;
        offsets[b + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut targets = vec![0u32; offsets[n]];
    for (a, b) in ends() {
        targets[fill[a]] = b as u32;
        fill[a] += 1;
        targets[fill[b]] = a as u32;
        fill[b] += 1;
    }
    drop(fill);
    let mut kept = 0usize;
    for i in 0..n {
        let (lo, hi) = (offsets[i], offsets[i + 1]);
        targets[lo..hi].sort_unstable();
        offsets[i] = kept;
        let mut last = None;
        for k in lo..hi {
            let t = targets[k];
            if last != Some(t) {
                targets[kept] = t;
                kept += 1;
                last = Some(t);
            }
        }
    }
    offsets[n] = kept;
    targets.truncate(kept);
    Csr { offsets, targets }
}

/// Brandes betweenness on an undirected adjacency (lists of neighbours);
/// `sample = Some((k, seed))` uses `k` distinct random sources and scales by
/// `n / k`. See [`betweenness_csr`].
pub fn betweenness(adj: &[Vec<usize>], sample: Option<(usize, u64)>) -> Vec<f64> {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (a, l) in adj.iter().enumerate() {
        for &b in l {
            if a != b && b < adj.len() {
                pairs.push((a as u32, b as u32));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    betweenness_csr(&Csr::from_pairs(adj.len(), &pairs), sample)
}

/// The `k` sources of a sample: the first `k` of a seeded partial
/// Fisher-Yates shuffle of `0..n`, sorted.
pub fn sample_sources(n: usize, k: usize, seed: u64) -> Vec<usize> {
    if k >= n {
        return (0..n).collect();
    }
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

/// Brandes betweenness on an undirected CSR adjacency with sorted rows;
/// `sample = Some((k, seed))` uses the `k` sources of [`sample_sources`] and
/// scales by `n / k`.
///
/// Pendant nodes are folded into their neighbours first ([`Folded`]), so
/// each pass walks only the rest of the graph. The result is the textbook
/// one up to the order in which floating-point terms are added.
///
/// Passes run in fixed chunks on the rayon pool and the chunks' sums are
/// added in chunk order, so the result does not depend on the thread count.
pub fn betweenness_csr(adj: &Csr, sample: Option<(usize, u64)>) -> Vec<f64> {
    let n = adj.len();
    let sources: Vec<usize> = match sample {
        Some((k, seed)) => sample_sources(n, k, seed),
        None => (0..n).collect(),
    };
    let folded = Folded::of(adj);
    let passes = folded.passes(&sources);
    const CHUNK: usize = 8;
    let threads = rayon::current_num_threads().max(1);
    let mut bc_core = vec![0.0f64; folded.csr.len()];
    for group in passes.chunks(CHUNK * threads * 2) {
        use rayon::prelude::*;
        let partials: Vec<Vec<f64>> =
            group.par_chunks(CHUNK).map(|chunk| brandes(&folded.csr, &folded.leaves, chunk)).collect();
        for p in partials {
            for (b, x) in bc_core.iter_mut().zip(p) {
                *b += x;
            }
        }
    }
    // A pendant node is never inside a shortest path: 0.
    let mut bc: Vec<f64> = (0..n)
        .map(|old| if folded.pendant[old] { 0.0 } else { bc_core[folded.place[old] as usize] })
        .collect();
    drop(bc_core);
    // Undirected: each pair was counted from both ends.
    let scale = if sources.len() < n && !sources.is_empty() { n as f64 / sources.len() as f64 } else { 1.0 };
    bc.iter_mut().for_each(|x| *x *= scale / 2.0);
    bc
}

/// The graph with its pendant nodes (one neighbour, which has more) folded
/// into that neighbour, and the rest renumbered breadth-first.
///
/// Folding follows Baglioni, Geraci, Pellegrini and Lastres (2012, "Fast
/// exact computation of betweenness centrality in social networks"), one
/// level deep. A pendant node `p` hanging from `v` lies inside no shortest
/// path, and every path from `p` goes through `v`. So a pass from a source
/// reaches `p` one step after `v`, with `v`'s path count, and `p` passes
/// back exactly 1 to `v`: the pass can skip `p` and start `v`'s dependency
/// at its number of pendant nodes. A pass from `p` itself gives every other
/// node `v`'s own dependencies, and `v` the `c - 2` other nodes of the
/// component it leads to: it needs no walk of its own. On a full graph of
/// papers, cited works and authors, works cited once and people with one
/// paper are pendant: about half of the nodes.
///
/// The rest is numbered breadth-first, as [`Csr::breadth_first_order`] does
/// for Leiden, so that neighbours sit close together in the state arrays
/// (node numbers follow ids, which are hashes).
struct Folded {
    /// The graph without pendant nodes, renumbered.
    csr: Csr,
    /// Pendant nodes hanging from each node of `csr`.
    leaves: Vec<u32>,
    /// Original number -> number in `csr`; for a pendant node, its neighbour's.
    place: Vec<u32>,
    /// Original number -> pendant or not.
    pendant: Vec<bool>,
}

/// One pass: a source in the folded graph, and how many sampled sources
/// it stands for (the node itself and pendant nodes hanging from it).
#[derive(Clone, Copy)]
struct Pass {
    source: u32,
    /// 1 when the node itself is a source.
    own: u32,
    /// Sources among its pendant nodes.
    pendants: u32,
}

impl Folded {
    fn of(adj: &Csr) -> Folded {
        const NONE: u32 = u32::MAX;
        let n = adj.len();
        let pendant: Vec<bool> =
            (0..n).map(|v| matches!(adj.row(v), [w] if adj.row(*w as usize).len() > 1)).collect();
        // Rest: original number -> consecutive number.
        let mut rest = vec![NONE; n];
        let mut count = 0u32;
        for v in 0..n {
            if !pendant[v] {
                rest[v] = count;
                count += 1;
            }
        }
        let mut leaves_rest = vec![0u32; count as usize];
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(adj.targets.len());
        for v in (0..n).filter(|&v| !pendant[v]) {
            for &w in adj.row(v) {
                if pendant[w as usize] {
                    leaves_rest[rest[v] as usize] += 1;
                } else {
                    pairs.push((rest[v], rest[w as usize]));
                }
            }
        }
        let core = Csr::from_pairs(count as usize, &pairs);
        drop(pairs);
        let (order, new_of) = core.breadth_first_order();
        let mut offsets = Vec::with_capacity(order.len() + 1);
        offsets.push(0usize);
        let mut targets = Vec::with_capacity(core.targets.len());
        for &old in &order {
            targets.extend(core.row(old as usize).iter().map(|&w| new_of[w as usize]));
            offsets.push(targets.len());
        }
        let leaves = order.iter().map(|&old| leaves_rest[old as usize]).collect();
        let place = (0..n)
            .map(|v| {
                let r = if pendant[v] { rest[adj.row(v)[0] as usize] } else { rest[v] };
                new_of[r as usize]
            })
            .collect();
        Folded { csr: Csr { offsets, targets }, leaves, place, pendant }
    }

    /// The passes that stand for `sources` (original numbers), in the
    /// folded graph's order.
    fn passes(&self, sources: &[usize]) -> Vec<Pass> {
        let mut by_node: BTreeMap<u32, Pass> = BTreeMap::new();
        for &s in sources {
            let source = self.place[s];
            let p = by_node.entry(source).or_insert(Pass { source, own: 0, pendants: 0 });
            if self.pendant[s] {
                p.pendants += 1;
            } else {
                p.own += 1;
            }
        }
        by_node.into_values().collect()
    }
}

/// Dependencies accumulated from `passes` (Brandes 2001, unweighted) on a
/// folded graph (see [`Folded`]): `leaves[v]` pendant nodes hang from `v`.
///
/// Going forward, each node keeps the places (in breadth-first order) of its
/// successors, the neighbours one step further from the source; path counts
/// and dependencies are kept by place too. Going back, each node sums what
/// its successors pass it, in reverse breadth-first order, which is the
/// order in which the textbook pass (which pushes from each node to its
/// predecessors, nodes taken in reverse order) adds the same terms. Without
/// pendant nodes the results are bit-identical to it.
///
/// A pass reaches nodes in no useful order, so waiting for memory is the
/// cost that counts. Going back this way reads only the arcs of shortest
/// paths (at most half of the arcs a component has), from a list written
/// in order, instead of every arc's far end; and nodes of one level sit
/// together by place, where by number they are scattered. Going forward,
/// the pass knows which nodes come next (the queue), so it asks for their
/// rows [`AHEAD`] places early (and for where those rows start, twice as
/// early).
fn brandes(adj: &Csr, leaves: &[u32], passes: &[Pass]) -> Vec<f64> {
    let n = adj.len();
    let mut bc = vec![0.0f64; n];
    let mut seen = vec![Seen::UNSEEN; n];
    // Breadth-first order; it is also the queue (`head` is the next to visit).
    let mut order: Vec<u32> = Vec::with_capacity(n);
    // By place: shortest paths from the source, then the dependency of the
    // source on the node plus its pendant nodes.
    let mut sigma: Vec<f64> = Vec::with_capacity(n);
    let mut passed: Vec<f64> = Vec::with_capacity(n);
    // The places of each node's successors, node after node (by place):
    // those of the node at place `i` are `next[starts[i]..starts[i + 1]]`.
    let mut next: Vec<u32> = Vec::new();
    let mut starts: Vec<usize> = Vec::with_capacity(n + 1);
    let mut earlier: Vec<u32> = Vec::new();
    for pass in passes {
        let s = pass.source as usize;
        for &v in &order {
            seen[v as usize] = Seen::UNSEEN;
        }
        order.clear();
        sigma.clear();
        next.clear();
        starts.clear();
        seen[s] = Seen { dist: 0, place: 0 };
        order.push(s as u32);
        sigma.push(1.0);
        let mut head = 0;
        while head < order.len() {
            ask_early(adj, order.get(head + AHEAD).copied(), order.get(head + 2 * AHEAD).copied());
            let i = head;
            let v = order[i] as usize;
            head += 1;
            let (dv, sv) = (seen[v].dist, sigma[i]);
            let start = next.len();
            starts.push(start);
            // Successors met for the first time go to `next` (their places
            // rise as they are met), those met before to `earlier`.
            earlier.clear();
            for &w in adj.row(v) {
                let e = &mut seen[w as usize];
                if e.dist == UNSEEN {
                    let j = order.len() as u32;
                    *e = Seen { dist: dv + 1, place: j };
                    order.push(w);
                    sigma.push(sv);
                    next.push(j);
                } else if e.dist == dv + 1 {
                    let j = e.place;
                    sigma[j as usize] += sv;
                    earlier.push(j);
                }
            }
            // Latest place first: the order the textbook pass adds in. The
            // new places are all later than those met before (they were
            // handed out after them) and rise in the order met, so the row
            // is the new ones reversed, then the earlier ones, latest first.
            // A row that names a node twice (a multigraph's) meets one of
            // its new places again: that row is sorted whole.
            next[start..].reverse();
            let first_new = order.len() - (next.len() - start);
            earlier.sort_unstable_by(|a, b| b.cmp(a));
            next.extend_from_slice(&earlier);
            if earlier.first().is_some_and(|&j| j as usize >= first_new) {
                next[start..].sort_unstable_by(|a, b| b.cmp(a));
            }
        }
        starts.push(next.len());
        let times = f64::from(pass.own + pass.pendants);
        // Nodes of the component, pendant ones included.
        let mut reached = order.len() as u64;
        passed.clear();
        passed.resize(order.len(), 0.0);
        for i in (0..order.len()).rev() {
            if let Some(j) = i.checked_sub(AHEAD) {
                prefetch(&bc, order[j] as usize);
                prefetch(leaves, order[j] as usize);
            }
            let w = order[i] as usize;
            let sw = sigma[i];
            let mut delta = 0.0;
            for &j in &next[starts[i]..starts[i + 1]] {
                delta += sw / sigma[j as usize] * (1.0 + passed[j as usize]);
            }
            reached += u64::from(leaves[w]);
            // Each pendant node of `w` passes back exactly 1.
            let dlw = delta + f64::from(leaves[w]);
            passed[i] = dlw;
            if w != s {
                bc[w] += times * dlw;
            }
        }
        // Paths from a pendant source to the other nodes of its component
        // (all but itself and `s`) all go through `s`.
        if pass.pendants > 0 {
            bc[s] += f64::from(pass.pendants) * reached.saturating_sub(2) as f64;
        }
    }
    bc
}

/// Asks early for what a pass reads when it takes `near` from its order
/// (its row) and, sooner, `far` (where its row starts).
#[inline(always)]
fn ask_early(adj: &Csr, near: Option<u32>, far: Option<u32>) {
    if let Some(v) = near {
        prefetch(&adj.targets, adj.offsets[v as usize]);
    }
    if let Some(v) = far {
        prefetch(&adj.offsets, v as usize);
    }
}

/// A distance not set yet in a pass.
const UNSEEN: u32 = u32::MAX;

/// One node's distance from the source in one pass, and its place in the
/// pass's breadth-first order: read together for each arc.
#[derive(Clone, Copy)]
struct Seen {
    dist: u32,
    place: u32,
}

impl Seen {
    const UNSEEN: Seen = Seen { dist: UNSEEN, place: 0 };
}

fn components(graph: &CitationGraph, adj: &Csr) -> Vec<u32> {
    let n = adj.len();
    let id = |v: usize| graph.graph[petgraph::graph::NodeIndex::new(v)].id.as_str();
    let mut comp = vec![u32::MAX; n];
    let mut groups: Vec<(usize, &str)> = Vec::new();
    let mut queue: Vec<u32> = Vec::new();
    for s in 0..n {
        if comp[s] != u32::MAX {
            continue;
        }
        let c = groups.len() as u32;
        let mut min_id = id(s);
        queue.clear();
        queue.push(s as u32);
        comp[s] = c;
        let mut head = 0;
        while head < queue.len() {
            let v = queue[head] as usize;
            head += 1;
            min_id = min_id.min(id(v));
            for &w in adj.row(v) {
                if comp[w as usize] == u32::MAX {
                    comp[w as usize] = c;
                    queue.push(w);
                }
            }
        }
        groups.push((queue.len(), min_id));
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&x, &y| groups[y].0.cmp(&groups[x].0).then(groups[x].1.cmp(groups[y].1)));
    let mut number = vec![0u32; groups.len()];
    for (r, &c) in order.iter().enumerate() {
        number[c] = r as u32 + 1;
    }
    comp.iter().map(|&c| number.get(c as usize).copied().unwrap_or(0)).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One node's state in one source's pass of [`brandes_scan`].
    #[derive(Clone, Copy)]
    struct Node {
        /// Shortest paths from the source.
        sigma: f64,
        /// Dependency of the source on the node.
        delta: f64,
    }

    impl Node {
        const UNSEEN: Node = Node { sigma: 0.0, delta: 0.0 };
    }

    /// The textbook pass: no pendant nodes, no fetching ahead; predecessors
    /// are found going back by scanning each node's neighbours for distance
    /// one less.
    fn brandes_scan(adj: &Csr, sources: &[usize]) -> Vec<f64> {
        let n = adj.len();
        let (mut bc, mut dist, mut acc) = (vec![0.0f64; n], vec![UNSEEN; n], vec![Node::UNSEEN; n]);
        // Breadth-first order; it is also the queue (`head` is the next to visit).
        let mut order: Vec<u32> = Vec::with_capacity(n);
        for &s in sources {
            for &v in &order {
                dist[v as usize] = UNSEEN;
                acc[v as usize] = Node::UNSEEN;
            }
            order.clear();
            acc[s].sigma = 1.0;
            dist[s] = 0;
            order.push(s as u32);
            let mut head = 0;
            while head < order.len() {
                let v = order[head] as usize;
                head += 1;
                let (dv, sv) = (dist[v], acc[v].sigma);
                for &w in adj.row(v) {
                    let d = &mut dist[w as usize];
                    if *d == UNSEEN {
                        *d = dv + 1;
                        order.push(w);
                    }
                    if *d == dv + 1 {
                        acc[w as usize].sigma += sv;
                    }
                }
            }
            // Predecessors are the neighbours one step closer to the source:
            // found again from the distances rather than stored per node.
            for &w in order.iter().rev() {
                let w = w as usize;
                let dw = dist[w];
                let Node { sigma: sw, delta: dlw, .. } = acc[w];
                if dw > 0 {
                    for &v in adj.row(w) {
                        let dv = dist[v as usize];
                        if dv != UNSEEN && dv + 1 == dw {
                            // Same operation order as the textbook formula, so
                            // results stay bit-identical.
                            let x = &mut acc[v as usize];
                            x.delta += x.sigma / sw * (1.0 + dlw);
                        }
                    }
                }
                if w != s {
                    bc[w] += dlw;
                }
            }
        }
        bc
    }

    /// The textbook passes on the original numbering, chunks added in
    /// order: what `betweenness_csr` computed before it folded pendant nodes
    /// and renumbered.
    fn on_original_numbering(adj: &Csr, sample: Option<(usize, u64)>) -> Vec<f64> {
        let n = adj.len();
        let sources = match sample {
            Some((k, seed)) => sample_sources(n, k, seed),
            None => (0..n).collect(),
        };
        let mut bc = vec![0.0f64; n];
        for chunk in sources.chunks(8) {
            for (b, x) in bc.iter_mut().zip(brandes_scan(adj, chunk)) {
                *b += x;
            }
        }
        let scale = if sources.len() < n { n as f64 / sources.len() as f64 } else { 1.0 };
        bc.iter_mut().for_each(|x| *x *= scale / 2.0);
        bc
    }

    #[test]
    fn passes_give_the_textbook_dependencies_bit_for_bit() {
        // Random graphs, dense and sparse, some with repeated edges in
        // unsorted rows (a multigraph counts each edge as a path of its own).
        let mut rng = SplitMix64::new(11);
        for (n, m, repeats) in [(60, 400, false), (300, 600, true), (500, 3000, false), (200, 150, true)] {
            let mut pairs = Vec::new();
            for _ in 0..m {
                let (a, b) = (rng.below(n) as u32, rng.below(n) as u32);
                if a != b {
                    pairs.push((a, b));
                    pairs.push((b, a));
                }
            }
            // Without repeats rows are sorted, as the graphs give them; with
            // them rows keep the random order.
            if !repeats {
                pairs.sort_unstable();
                pairs.dedup();
            }
            let adj = Csr::from_pairs(n, &pairs);
            let sources: Vec<usize> = (0..n).step_by(3).collect();
            let passes: Vec<Pass> =
                sources.iter().map(|&s| Pass { source: s as u32, own: 1, pendants: 0 }).collect();
            let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect::<Vec<_>>();
            assert_eq!(
                bits(brandes(&adj, &vec![0; n], &passes)),
                bits(brandes_scan(&adj, &sources)),
                "n {n}, m {m}"
            );
        }
    }

    /// Same values up to the order floating-point terms are added in.
    fn assert_close(got: &[f64], want: &[f64], what: &str) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{what}: node {i}: {g} against {w}");
        }
    }

    #[test]
    fn folded_renumbered_passes_give_the_textbook_betweenness() {
        // Three components of scattered numbers, rows sorted as
        // `undirected_adjacency` gives them, plus isolated nodes; then
        // pendant nodes on top: single ones, several on one node, a star
        // of pendant nodes alone, an edge of two pendant-looking nodes
        // (each the other's only neighbour, so neither is folded) and a
        // path hanging off the graph (only its end is pendant).
        let n = 460;
        let mut rng = SplitMix64::new(7);
        let mut pairs = Vec::new();
        let edge = |a: usize, b: usize, pairs: &mut Vec<(u32, u32)>| {
            pairs.push((a as u32, b as u32));
            pairs.push((b as u32, a as u32));
        };
        for _ in 0..1200 {
            let a = rng.below(390);
            let b = rng.below(390);
            // Component by residue mod 3.
            if a != b && a % 3 == b % 3 {
                edge(a, b, &mut pairs);
            }
        }
        // Pendant nodes 400..440 on random nodes of the components.
        for p in 400..440 {
            edge(p, rng.below(390), &mut pairs);
        }
        // A star: 440 with pendant nodes 441..446.
        for p in 441..446 {
            edge(440, p, &mut pairs);
        }
        edge(446, 447, &mut pairs);
        edge(5, 448, &mut pairs);
        edge(448, 449, &mut pairs);
        edge(449, 450, &mut pairs);
        pairs.sort_unstable();
        pairs.dedup();
        let adj = Csr::from_pairs(n, &pairs);
        let folded = Folded::of(&adj);
        assert!((441..446).chain([450]).all(|p| folded.pendant[p]), "pendant nodes found");
        assert!(folded.pendant.iter().filter(|&&p| p).count() >= 40, "pendant nodes found");
        assert!(!folded.pendant[446] && !folded.pendant[447] && !folded.pendant[448]);
        for sample in [None, Some((37, 42)), Some((5, 1)), Some((120, 3))] {
            let got = betweenness_csr(&adj, sample);
            let want = on_original_numbering(&adj, sample);
            assert_close(&got, &want, &format!("sample {sample:?}"));
            assert!(got.iter().any(|&x| x > 0.0));
        }
        // The star's centre carries all 5 * 4 / 2 paths between its leaves.
        assert_eq!(betweenness_csr(&adj, None)[440], 10.0);
    }

    #[test]
    fn sources_on_pendant_nodes_share_their_neighbours_pass() {
        // A path 0-1-2-3 with pendant nodes 4, 5 on 1: sources 4 and 5
        // both become passes from 1.
        let mut pairs = Vec::new();
        for (a, b) in [(0u32, 1u32), (1, 2), (2, 3), (1, 4), (1, 5)] {
            pairs.push((a, b));
            pairs.push((b, a));
        }
        pairs.sort_unstable();
        let adj = Csr::from_pairs(6, &pairs);
        let folded = Folded::of(&adj);
        let passes = folded.passes(&[1, 3, 4, 5]);
        assert_eq!(passes.len(), 2);
        let on_1 = passes.iter().find(|p| p.source == folded.place[1]).unwrap();
        assert_eq!((on_1.own, on_1.pendants), (1, 2));
        let sample = Some((4, 9));
        assert_close(&betweenness_csr(&adj, sample), &on_original_numbering(&adj, sample), "sample of 4");
    }
}
