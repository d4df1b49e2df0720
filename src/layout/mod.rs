//! Node positions for pictures: seeded, deterministic force-directed layout.
//!
//! [`layout`] runs ForceAtlas2 (Jacomy et al. 2014, <https://doi.org/10.1371/journal.pone.0098679>)
//! through the `fa2` crate with Barnes-Hut repulsion, strong gravity (so
//! disconnected components stay together instead of drifting off), then a
//! final prevent-overlap pass on a uniform grid so node discs do not cover
//! each other in the picture.
//!
//! **Invariant:** positions depend only on the graph, the options and the seed.
//! Start positions come from a seeded hash of each node's stable id (independent
//! of node order), the iteration count is fixed, and the `fa2` parallel path
//! computes each node's force from its own neighbourhood in a fixed order, so
//! the result does not depend on the number of rayon threads.

mod overlap;
pub mod select;

pub use overlap::remove_overlaps;
pub use select::{induced_subgraph, select_drawn};

use crate::graph::{attr, Attr, CitationGraph, EdgeKind};
use fa2::{FA2Data, FA2Settings};
use petgraph::visit::EdgeRef;
use std::collections::BTreeMap;

/// One `(x, y)` per node index, in layout units (the renderer fits them to the frame).
pub type Positions = Vec<(f32, f32)>;

/// Layout settings.
#[derive(Clone, Debug)]
pub struct LayoutOptions {
    /// Seed for the start positions.
    pub seed: u64,
    /// ForceAtlas2 iterations; `None` picks a count from the graph size
    /// (300 up to 10,000 nodes, fewer above, never under 80).
    pub iterations: Option<usize>,
    /// Gravity towards the centre (strong-gravity mode).
    pub gravity: f32,
    /// Repulsion scaling ratio (larger spreads the picture).
    pub scaling_ratio: f32,
    /// Barnes-Hut accuracy (0.5 is Gephi's default; larger is faster and coarser).
    pub theta: f32,
    /// Push overlapping node discs apart after the force iterations.
    pub prevent_overlap: bool,
    /// Start each node near its cluster's centre (`cluster` attribute), so
    /// clusters separate within the few iterations big graphs can afford.
    pub cluster_start: bool,
    /// How much more an edge inside a cluster pulls than an edge between two
    /// clusters (`cluster` attribute). Edges inside a cluster are multiplied by
    /// `sqrt(s)`, edges between clusters divided by it, so `1` ignores
    /// clusters and larger values give each cluster its own area of the
    /// picture even when many similarity edges cross between them.
    pub cluster_separation: f32,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            seed: 42,
            iterations: None,
            gravity: 0.05,
            scaling_ratio: 10.0,
            theta: 0.5,
            prevent_overlap: true,
            cluster_start: true,
            cluster_separation: 9.0,
        }
    }
}

impl LayoutOptions {
    /// The iteration count used for a graph of `n` nodes.
    pub fn iterations_for(&self, n: usize) -> usize {
        self.iterations.unwrap_or_else(|| if n <= 10_000 { 300 } else { (3_000_000 / n).max(80) })
    }
}

/// The size weight of every node (by node index): the `citations_local`
/// attribute when present, else the number of incoming `cites` edges.
///
/// The renderer sizes discs by it and the overlap pass uses the same radii.
pub fn node_weights(graph: &CitationGraph) -> Vec<f64> {
    let g = &graph.graph;
    let mut w = vec![0.0f64; g.node_count()];
    for e in g.edge_references() {
        if e.weight().kind == EdgeKind::Cites {
            if let Some(v) = w.get_mut(e.target().index()) {
                *v += 1.0;
            }
        }
    }
    for (i, n) in g.node_weights().enumerate() {
        let local = match n.attrs.get("citations_local") {
            Some(Attr::Int(v)) => Some(*v as f64),
            Some(Attr::Float(v)) if v.is_finite() => Some(*v),
            _ => None,
        };
        if let (Some(v), Some(slot)) = (local, w.get_mut(i)) {
            *slot = v.max(0.0);
        }
    }
    w
}

/// Disc radius as a fraction of the frame side, for a node of weight `w`
/// when the heaviest node weighs `max_w` and the graph has `n` nodes.
///
/// Small graphs get large discs, 50,000 nodes get discs of a few pixels; the
/// heaviest node has four times the radius of a leaf.
pub fn relative_radius(w: f64, max_w: f64, n: usize) -> f32 {
    let n = n.max(1) as f32;
    let r0 = (0.22 / n.sqrt()).clamp(0.0012, 0.0065);
    let r1 = (r0 * 4.0).min(0.022);
    // Sizes are relative to the most cited node, but never to fewer than 20
    // citations: in a small corpus a work cited once is not drawn at full size.
    let max_w = max_w.max(20.0);
    let t = if w > 0.0 { (w / max_w).clamp(0.0, 1.0).sqrt() as f32 } else { 0.0 };
    r0 + (r1 - r0) * t
}

/// A 64-bit mix (splitmix64 finaliser).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Seeded hash of a node id (FNV-1a, then mixed with the seed).
fn id_hash(id: &str, seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h ^ mix(seed))
}

/// Start position of the node with stable id `id`: uniform in the unit disc,
/// scaled by `spread`.
pub fn start_position(id: &str, seed: u64, spread: f32) -> (f32, f32) {
    let h = id_hash(id, seed);
    let a = (h >> 40) as f32 / (1u64 << 24) as f32;
    let b = ((h >> 16) & 0xFF_FFFF) as f32 / (1u64 << 24) as f32;
    let r = a.sqrt() * spread;
    let t = b * std::f32::consts::TAU;
    (r * t.cos(), r * t.sin())
}

/// Start positions of every node: a seeded hash of its id, inside its
/// cluster's region when `opts.cluster_start` (cluster centres on a sunflower
/// spiral, largest cluster in the middle, region area proportional to size).
/// Depends on ids and cluster attributes only, not on node order.
pub fn start_positions(graph: &CitationGraph, opts: &LayoutOptions, spread: f32) -> Positions {
    let cl = clusters(graph);
    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for &c in &cl {
        *sizes.entry(c).or_insert(0) += 1;
    }
    let n = cl.len().max(1) as f32;
    let k = sizes.keys().filter(|&&c| c > 0).count();
    // Rank of each cluster by number (1 = largest) among the clusters present.
    let rank: BTreeMap<i64, usize> =
        sizes.keys().filter(|&&c| c > 0).enumerate().map(|(r, &c)| (c, r)).collect();
    const GOLDEN_ANGLE: f32 = 2.399_963;
    graph
        .graph
        .node_weights()
        .zip(&cl)
        .map(|(node, &c)| match rank.get(&c) {
            Some(&r) if opts.cluster_start && k > 1 => {
                let size = sizes.get(&c).copied().unwrap_or(1) as f32;
                let radius = spread * (size / n).sqrt();
                let (jx, jy) = start_position(&node.id, opts.seed, radius);
                let rho = spread * 1.2 * (r as f32 / k as f32).sqrt();
                let theta = r as f32 * GOLDEN_ANGLE;
                (rho * theta.cos() + jx, rho * theta.sin() + jy)
            }
            _ => start_position(&node.id, opts.seed, spread),
        })
        .collect()
}

/// Lays out `graph`: one position per node index.
///
/// Arguments: the graph (edge direction is ignored; parallel and reciprocal
/// edges are merged, self-loops skipped) and the options.
///
/// Returns: positions in layout units; isolated nodes sit close to the rest.
///
/// Complexity: O(iterations * (n log n + m)).
///
/// # Example
/// ```
/// use citemap::graph::{CitationGraph, Node, NodeKind, Attrs};
/// use citemap::layout::{layout, LayoutOptions};
/// let mut g = CitationGraph::new();
/// for id in ["W1", "W2"] {
///     g.add_node(Node { id: id.into(), kind: NodeKind::Paper, label: id.into(),
///                       attrs: Attrs::new(), sources: vec![] });
/// }
/// let p = layout(&g, &LayoutOptions::default());
/// assert_eq!(p.len(), 2);
/// assert_eq!(p, layout(&g, &LayoutOptions::default()));
/// ```
pub fn layout(graph: &CitationGraph, opts: &LayoutOptions) -> Positions {
    let g = &graph.graph;
    let n = g.node_count();
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.0, 0.0)];
    }
    // Merge parallel and reciprocal edges: a stable sort by pair, summed in
    // edge order, so the order and the sums are fixed.
    let mut all: Vec<((usize, usize), f64)> = g
        .edge_references()
        .filter(|e| e.source() != e.target())
        .map(|e| {
            let (a, b) = (e.source().index(), e.target().index());
            let w = e.weight().weight;
            ((a.min(b), a.max(b)), if w.is_finite() && w > 0.0 { w } else { 1.0 })
        })
        .collect();
    all.sort_by_key(|x| x.0);
    let mut pairs: Vec<((usize, usize), f64)> = Vec::with_capacity(all.len());
    for (k, w) in all {
        match pairs.last_mut() {
            Some(last) if last.0 == k => last.1 += w,
            _ => pairs.push((k, w)),
        }
    }
    // Edges inside a cluster pull harder than edges across clusters.
    let cl = clusters(graph);
    let sep = if opts.cluster_separation.is_finite() { opts.cluster_separation.max(1.0) } else { 1.0 };
    if sep > 1.0 {
        let f = f64::from(sep).sqrt();
        for ((a, b), w) in pairs.iter_mut() {
            let (a, b) = (*a, *b);
            match (cl.get(a).copied().unwrap_or(0), cl.get(b).copied().unwrap_or(0)) {
                (0, _) | (_, 0) => {}
                (x, y) if x == y => *w *= f,
                _ => *w /= f,
            }
        }
    }
    let spread = (n as f32).sqrt() * 10.0;
    let starts = start_positions(graph, opts, spread);
    let mut data = FA2Data::<f32>::with_capacity(n, pairs.len());
    for (x, y) in starts {
        data.add_node_with_position(x, y);
    }
    for &((a, b), w) in &pairs {
        // Heavy derived-network weights would otherwise collapse clusters to points.
        data.add_edge_with_weight(a, b, (1.0 + w.ln()).max(0.2) as f32);
    }
    let theta = if opts.theta.is_finite() && opts.theta > 0.0 { opts.theta } else { 0.5 };
    let settings = FA2Settings::<f32>::default()
        .with_barnes_hut_theta(theta)
        .strong_gravity_mode(true)
        .gravity(if opts.gravity.is_finite() { opts.gravity.max(0.0) } else { 0.05 })
        .scaling_ratio(if opts.scaling_ratio.is_finite() && opts.scaling_ratio > 0.0 {
            opts.scaling_ratio
        } else {
            10.0
        })
        .slow_down(1.0 + (n as f32).ln())
        .parallel(true);
    let mut runner = settings.build(data);
    runner.run(opts.iterations_for(n));
    let mut pos: Positions = runner
        .data()
        .positions()
        .map(|(x, y)| if x.is_finite() && y.is_finite() { (x, y) } else { (0.0, 0.0) })
        .collect();
    if opts.prevent_overlap {
        let w = node_weights(graph);
        let max_w = w.iter().cloned().fold(0.0, f64::max);
        let rel: Vec<f32> = w.iter().map(|&x| relative_radius(x, max_w, n)).collect();
        remove_overlaps(&mut pos, &rel, 40);
    }
    pos
}

/// Axis-aligned bounds `(min_x, min_y, max_x, max_y)` of finite positions.
pub fn bounds(pos: &[(f32, f32)]) -> Option<(f32, f32, f32, f32)> {
    let mut it = pos.iter().filter(|(x, y)| x.is_finite() && y.is_finite());
    let &(x0, y0) = it.next()?;
    Some(it.fold((x0, y0, x0, y0), |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y))))
}

/// Reads the `cluster` attribute of every node (0 when absent).
pub fn clusters(graph: &CitationGraph) -> Vec<i64> {
    graph
        .graph
        .node_weights()
        .map(|n| match n.attrs.get(attr::CLUSTER) {
            Some(Attr::Int(c)) => (*c).max(0),
            _ => 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_positions_depend_on_id_and_seed_only() {
        assert_eq!(start_position("W1", 1, 10.0), start_position("W1", 1, 10.0));
        assert_ne!(start_position("W1", 1, 10.0), start_position("W2", 1, 10.0));
        assert_ne!(start_position("W1", 1, 10.0), start_position("W1", 2, 10.0));
        let (x, y) = start_position("W1", 7, 10.0);
        assert!((x * x + y * y).sqrt() <= 10.0);
    }

    #[test]
    fn radius_grows_with_weight_and_shrinks_with_size() {
        assert!(relative_radius(10.0, 10.0, 50) > relative_radius(0.0, 10.0, 50));
        assert!(relative_radius(0.0, 10.0, 50_000) < relative_radius(0.0, 10.0, 50));
    }
}
