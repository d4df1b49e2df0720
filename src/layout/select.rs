//! Which works a picture of a big network draws: VOSviewer's habit of
//! showing the most important items, chosen within each cluster so that
//! every cluster appears. Laying out and drawing then costs what is drawn,
//! not what the corpus holds; the full graph still goes to GraphML.
//!
//! [`select_drawn`] gives each cluster (`cluster` attribute, 1 = largest)
//! one node, then a share of the rest proportional to its size, and fills
//! what is left with the most important nodes overall. Within a cluster nodes
//! rank by their size weight ([`node_weights`](super::node_weights): local
//! citations), then `weighted_degree`, then id, so the choice is deterministic
//! and does not depend on node order.

use super::{clusters, node_weights};
use crate::graph::{Attr, CitationGraph};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The node indices to draw when `graph` has more than `max` nodes (in
/// index order), or `None` when every node fits (`max == 0`: no limit).
///
/// When there are more clusters than `max`, the `max` largest clusters get
/// one node each.
///
/// Complexity: O(n log n).
pub fn select_drawn(graph: &CitationGraph, max: usize) -> Option<Vec<NodeIndex>> {
    let n = graph.node_count();
    if max == 0 || n <= max {
        return None;
    }
    let weight = node_weights(graph);
    let wdeg: Vec<f64> = graph
        .graph
        .node_weights()
        .map(|node| match node.attrs.get("weighted_degree") {
            Some(Attr::Float(x)) if x.is_finite() => *x,
            Some(Attr::Int(x)) => *x as f64,
            _ => 0.0,
        })
        .collect();
    let better = |a: &usize, b: &usize| -> Ordering {
        weight[*b]
            .total_cmp(&weight[*a])
            .then(wdeg[*b].total_cmp(&wdeg[*a]))
            .then_with(|| graph.graph[NodeIndex::new(*a)].id.cmp(&graph.graph[NodeIndex::new(*b)].id))
    };
    let cl = clusters(graph);
    let mut groups: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, &c) in cl.iter().enumerate() {
        groups.entry(c).or_default().push(i);
    }
    for members in groups.values_mut() {
        members.sort_by(&better);
    }
    let mut taken = vec![false; n];
    let mut count = 0usize;
    let take = |i: usize, taken: &mut [bool], count: &mut usize| {
        if !taken[i] && *count < max {
            taken[i] = true;
            *count += 1;
        }
    };
    // One per cluster, largest clusters (lowest numbers) first.
    let real: Vec<(&i64, &Vec<usize>)> = groups.iter().filter(|(&c, _)| c > 0).collect();
    for (_, members) in &real {
        if let Some(&top) = members.first() {
            take(top, &mut taken, &mut count);
        }
    }
    // Then each group's share of the rest, by size (unclustered nodes too,
    // without a guaranteed place).
    let rest = max.saturating_sub(count);
    if rest > 0 {
        for (&c, members) in &groups {
            let first = usize::from(c > 0);
            let share = first + rest * members.len() / n;
            for &i in members.iter().take(share.min(members.len())) {
                take(i, &mut taken, &mut count);
            }
        }
    }
    // Rounding leaves a few places: the most important nodes not yet taken.
    if count < max {
        let mut all: Vec<usize> = (0..n).filter(|&i| !taken[i]).collect();
        all.sort_by(&better);
        for i in all {
            if count >= max {
                break;
            }
            take(i, &mut taken, &mut count);
        }
    }
    Some((0..n).filter(|&i| taken[i]).map(NodeIndex::new).collect())
}

/// The subgraph of `graph` induced by `keep` (node indices in increasing
/// order): nodes in that order, edges in the original edge order, attributes
/// copied.
pub fn induced_subgraph(graph: &CitationGraph, keep: &[NodeIndex]) -> CitationGraph {
    let mut out = CitationGraph::new();
    let mut map: Vec<Option<NodeIndex>> = vec![None; graph.node_count()];
    for &ix in keep {
        if let Some(slot) = map.get_mut(ix.index()) {
            if slot.is_none() {
                *slot = Some(out.add_node(graph.graph[ix].clone()));
            }
        }
    }
    for e in graph.graph.edge_references() {
        if let (Some(Some(a)), Some(Some(b))) = (map.get(e.source().index()), map.get(e.target().index())) {
            out.add_edge(*a, *b, e.weight().clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{attr, Attrs, Edge, EdgeKind, Node, NodeKind};

    /// Three clusters of sizes 6, 3 and 1 (plus two unclustered nodes);
    /// node `i` is cited `i` times.
    fn graph() -> CitationGraph {
        let mut g = CitationGraph::new();
        let cl = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 0, 0];
        let ix: Vec<_> = cl
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let mut attrs = Attrs::new();
                attrs.insert(attr::CLUSTER, Attr::Int(c));
                attrs.insert("citations_local", Attr::Int(i as i64));
                g.add_node(Node {
                    id: format!("W{i:02}"),
                    kind: NodeKind::Paper,
                    label: String::new(),
                    attrs,
                    sources: vec![],
                })
            })
            .collect();
        for (a, b) in [(0, 1), (1, 2), (6, 7), (2, 6), (9, 5)] {
            g.add_edge(
                ix[a],
                ix[b],
                Edge { kind: EdgeKind::Similarity, weight: 1.0, attrs: Attrs::new(), sources: vec![] },
            );
        }
        g
    }

    #[test]
    fn every_cluster_appears_and_the_most_cited_win() {
        let g = graph();
        assert_eq!(select_drawn(&g, 0), None);
        assert_eq!(select_drawn(&g, 12), None);
        let keep = select_drawn(&g, 4).unwrap();
        let ids: Vec<&str> = keep.iter().map(|&i| g.graph[i].id.as_str()).collect();
        // One of each cluster (its most cited), then the most cited of the rest.
        assert_eq!(ids, ["W05", "W08", "W09", "W11"]);
        let keep = select_drawn(&g, 2).unwrap();
        let ids: Vec<&str> = keep.iter().map(|&i| g.graph[i].id.as_str()).collect();
        assert_eq!(ids, ["W05", "W08"], "the largest clusters first when not all fit");
        let sub = induced_subgraph(&g, &select_drawn(&g, 6).unwrap());
        assert_eq!(sub.node_count(), 6);
        for n in sub.graph.node_weights() {
            assert!(g.node(&n.id).is_some());
        }
        // Edges kept only between kept nodes, in the original order.
        let kept: Vec<(String, String)> = sub
            .graph
            .edge_references()
            .map(|e| (sub.graph[e.source()].id.clone(), sub.graph[e.target()].id.clone()))
            .collect();
        assert!(kept.iter().all(|(a, b)| sub.node(a).is_some() && sub.node(b).is_some()));
        assert_eq!(kept, [("W09".to_string(), "W05".to_string())]);
    }
}
