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

pub mod select;
mod separation;

pub use select::{induced_subgraph, select_drawn};
pub use separation::remove_overlaps;
// Read by pictures and exports too, so they live below both.
pub use crate::graph::{node_clusters as clusters, node_weights};
pub use crate::style::{bounds, relative_radius};

use crate::graph::CitationGraph;
use fa2::{FA2Data, FA2Settings};
use petgraph::visit::EdgeRef;
use std::collections::BTreeMap;

/// One `(x, y)` per node index, in layout units (the renderer fits them to the frame).
pub type Positions = Vec<(f32, f32)>;

/// Layout settings (`[layout]` in `config.toml`; their `Default` is the only
/// place the layout defaults live).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LayoutOptions {
    /// Seed for the start positions.
    pub seed: u64,
    /// ForceAtlas2 iterations; `None` picks a count from the graph size
    /// (300 up to 10,000 nodes, fewer above, never under 80).
    #[serde(skip_serializing_if = "Option::is_none")]
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
/// cluster's region when `opts.cluster_start` (region area proportional to
/// size; the largest cluster in the middle, the others at golden-angle steps
/// just outside the clusters before them, so no cluster starts inside
/// another's region and none is split by a neighbour from the first step).
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
    // Distance of each cluster's centre from the middle: the radius of the
    // disc holding every cluster before it, plus its own radius.
    let mut before = 0.0f32;
    let centre_distance: BTreeMap<i64, f32> = sizes
        .iter()
        .filter(|(&c, _)| c > 0)
        .map(|(&c, &size)| {
            let own = (size as f32 / n).sqrt();
            let rho = if before == 0.0 { 0.0 } else { spread * ((before / n).sqrt() + own) };
            before += size as f32;
            (c, rho)
        })
        .collect();
    graph
        .graph
        .node_weights()
        .zip(&cl)
        .map(|(node, &c)| match rank.get(&c) {
            Some(&r) if opts.cluster_start && k > 1 => {
                let size = sizes.get(&c).copied().unwrap_or(1) as f32;
                let radius = spread * (size / n).sqrt();
                let (jx, jy) = start_position(&node.id, opts.seed, radius);
                let rho = centre_distance.get(&c).copied().unwrap_or(0.0);
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
        if opts.cluster_start && sep > 1.0 {
            pack_clusters(&mut pos, &cl, &rel);
        }
        remove_overlaps(&mut pos, &rel, 40);
    }
    pos
}

/// Most clusters [`pack_clusters`] separates (pairwise, so bounded).
const PACK_MAX_CLUSTERS: usize = 400;

/// Makes each cluster one region: every cluster (of 2 nodes or more) gets a
/// disc at the median of its members' positions, sized to hold its node
/// discs; the cluster discs are pushed apart until none overlaps another, and
/// each cluster's nodes are drawn into its disc (shrunk towards the centre so
/// that 90% of them fit, the rest clamped to the rim), keeping their
/// arrangement. A cluster that the forces left in pieces (a paper and its
/// reference list far from the rest) is so joined again. Unclustered nodes
/// stay. Clusters past [`PACK_MAX_CLUSTERS`] (tiny ones) are left as they are.
///
/// Complexity: O(n log n + c² · passes) for c ≤ 400 clusters.
fn pack_clusters(pos: &mut [(f32, f32)], cl: &[i64], rel_radius: &[f32]) {
    let Some((x0, y0, x1, y1)) = bounds(pos) else { return };
    let side = (x1 - x0).max(y1 - y0);
    if !(side.is_finite() && side > 0.0) {
        return;
    }
    let mut members: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, &c) in cl.iter().enumerate() {
        if c > 0 && i < pos.len() && i < rel_radius.len() && pos[i].0.is_finite() && pos[i].1.is_finite() {
            members.entry(c).or_default().push(i);
        }
    }
    members.retain(|_, m| m.len() >= 2);
    if members.len() < 2 || members.len() > PACK_MAX_CLUSTERS {
        return;
    }
    let median = |v: &mut Vec<f32>| -> f32 {
        v.sort_by(f32::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    // Centre and radius of each cluster: its node discs (with the overlap
    // pass's margin) at a packing density of 0.6.
    let mut discs: Vec<(f32, f32, f32)> = members
        .values()
        .map(|list| {
            let area: f32 = list.iter().map(|&i| (rel_radius[i].max(0.0) * side * 1.15).powi(2)).sum();
            let r = (area / 0.6).sqrt();
            let cx = median(&mut list.iter().map(|&i| pos[i].0).collect());
            let cy = median(&mut list.iter().map(|&i| pos[i].1).collect());
            (cx, cy, r)
        })
        .collect();
    let old: Vec<(f32, f32)> = discs.iter().map(|d| (d.0, d.1)).collect();
    // Drawn in, clusters take less room than the forces gave them: bring the
    // centres together (about their mean) until the closest pair touches, so
    // the picture is not mostly gaps. Unclustered nodes move with them.
    let mut contraction = 0.0f32;
    for a in 0..discs.len() {
        for b in a + 1..discs.len() {
            let d = (discs[b].0 - discs[a].0).hypot(discs[b].1 - discs[a].1);
            let need = (discs[a].2 + discs[b].2) * 1.02;
            contraction = contraction.max(if d > 1e-6 { need / d } else { 1.0 });
        }
    }
    let (mx, my) = (
        discs.iter().map(|d| d.0).sum::<f32>() / discs.len() as f32,
        discs.iter().map(|d| d.1).sum::<f32>() / discs.len() as f32,
    );
    if contraction > 0.0 && contraction < 1.0 {
        for d in &mut discs {
            d.0 = mx + (d.0 - mx) * contraction;
            d.1 = my + (d.1 - my) * contraction;
        }
        for (i, &c) in cl.iter().enumerate() {
            if let (true, Some(p)) = (c <= 0 || !members.contains_key(&c), pos.get_mut(i)) {
                *p = (mx + (p.0 - mx) * contraction, my + (p.1 - my) * contraction);
            }
        }
    }
    for _ in 0..200 {
        let mut moved = false;
        for a in 0..discs.len() {
            for b in a + 1..discs.len() {
                let (dx, dy) = (discs[b].0 - discs[a].0, discs[b].1 - discs[a].1);
                let d = dx.hypot(dy);
                let need = (discs[a].2 + discs[b].2) * 1.02;
                if d >= need {
                    continue;
                }
                moved = true;
                // Push apart along the line between them, the smaller disc more.
                let (ux, uy) = if d > 1e-6 { (dx / d, dy / d) } else { (1.0, 0.0) };
                let push = need - d;
                let (ra, rb) = (discs[a].2.powi(2), discs[b].2.powi(2));
                let share_a = rb / (ra + rb).max(1e-12);
                discs[a].0 -= ux * push * share_a;
                discs[a].1 -= uy * push * share_a;
                discs[b].0 += ux * push * (1.0 - share_a);
                discs[b].1 += uy * push * (1.0 - share_a);
            }
        }
        if !moved {
            break;
        }
    }
    for ((list, &(cx, cy, r)), &(ox, oy)) in members.values().zip(&discs).zip(&old) {
        let mut d: Vec<f32> = list.iter().map(|&i| (pos[i].0 - ox).hypot(pos[i].1 - oy)).collect();
        d.sort_by(f32::total_cmp);
        let q90 = d.get(d.len() * 9 / 10).copied().unwrap_or(0.0);
        let scale = if q90 > 0.0 { (r / q90).min(1.0) } else { 1.0 };
        for &i in list {
            let (mut vx, mut vy) = ((pos[i].0 - ox) * scale, (pos[i].1 - oy) * scale);
            let len = vx.hypot(vy);
            if len > r && len > 0.0 {
                vx *= r / len;
                vy *= r / len;
            }
            pos[i] = (cx + vx, cy + vy);
        }
    }
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
}
