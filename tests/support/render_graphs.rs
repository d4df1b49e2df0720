//! Seeded synthetic citation graphs for the render, export, browser tests and
//! the render bench: clustered works citing mostly within their cluster, a few
//! authors, named clusters, and one hostile title.
#![allow(dead_code)]

use citemap::graph::{attr, Attr, Attrs, CitationGraph, Edge, EdgeKind, Node, NodeKind};
use citemap::model::Provenance;

/// A small deterministic generator (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SURNAMES: [&str; 24] = [
    "Hayes",
    "O'Leary",
    "Nguyen",
    "Müller",
    "Okafor",
    "Smith",
    "García",
    "Kowalski",
    "Chen",
    "Ivanova",
    "Braun",
    "Clarke",
    "Stein",
    "Tanaka",
    "Dubois",
    "Rossi",
    "Andersen",
    "Silva",
    "Khan",
    "Novak",
    "Papadopoulos",
    "Schmidt",
    "Jensen",
    "Moreau",
];
const TOPICS: [&str; 9] = [
    "depression screening",
    "exercise therapy",
    "sleep hygiene",
    "mindfulness",
    "digital CBT",
    "peer support",
    "nutrition",
    "pain management",
    "smoking cessation",
];
pub const HOSTILE_TITLE: &str = "</script><img src=x onerror=alert(1)> & \"quoted\" 'single'";

/// A graph of `n` works in `k` clusters (sizes decreasing), each citing
/// `cites_per_work` earlier works, 80% within its cluster; one person node
/// (Hayes, A.) authoring the first works of cluster 1; node 0 has the hostile title.
pub fn sample(n: usize, k: usize, cites_per_work: usize, seed: u64) -> CitationGraph {
    let mut rng = Rng(seed);
    let mut g = CitationGraph::new();
    let k = k.max(1);
    let mut cluster_of = Vec::with_capacity(n);
    for i in 0..n {
        // Cluster sizes decrease roughly geometrically so cluster 1 is the largest.
        let mut c = 1;
        let mut r = rng.below(1000);
        while c < k && r < 1000 / 2 {
            c += 1;
            r = rng.below(1000);
        }
        let c = if i < k { (i % k) + 1 } else { c };
        cluster_of.push(c);
        let year = 1990 + (i * 35 / n.max(1)) as i64;
        let surname = SURNAMES[rng.below(SURNAMES.len())];
        let mut attrs = Attrs::new();
        let title = if i == 0 {
            HOSTILE_TITLE.to_string()
        } else {
            format!("Effects of {} in cohort {}", TOPICS[(c - 1) % TOPICS.len()], i)
        };
        attrs.insert(attr::TITLE, Attr::text(title));
        attrs.insert(attr::YEAR, Attr::Int(year));
        attrs.insert(attr::CLUSTER, Attr::Int(c as i64));
        attrs.insert(attr::CLUSTER_NAME, Attr::Str(TOPICS[(c - 1) % TOPICS.len()].into()));
        if i % 3 == 0 {
            attrs.insert(attr::DOI, Attr::text(format!("10.1000/test.{i}")));
        }
        attrs.insert("pagerank", Attr::Float(1.0 / (i as f64 + 3.0)));
        attrs.insert(attr::SOURCES, Attr::text(format!("refs.ris:{} [R{i}]", 10 * i + 1)));
        g.add_node(Node {
            id: format!("W{i:012x}"),
            kind: if i % 4 == 3 { NodeKind::CitedWork } else { NodeKind::Paper },
            label: format!("{surname} et al. {year}"),
            attrs,
            sources: vec![Provenance::new("refs.ris", 10 * i as u32 + 1, Some(format!("R{i}")))],
        });
    }
    for i in 1..n {
        for _ in 0..cites_per_work {
            // Preferential attachment to early works gives a few highly cited nodes.
            let same = rng.below(10) < 8;
            let mut j = rng.below(i).min(rng.below(i));
            if same {
                for _ in 0..8 {
                    if cluster_of[j] == cluster_of[i] {
                        break;
                    }
                    j = rng.below(i).min(rng.below(i));
                }
            }
            let a = g.index[&format!("W{i:012x}")];
            let b = g.index[&format!("W{j:012x}")];
            let mut attrs = Attrs::new();
            attrs.insert(attr::COUNT, Attr::Int(1));
            g.add_edge(a, b, Edge { kind: EdgeKind::Cites, weight: 1.0, attrs, sources: vec![] });
        }
    }
    if n > 0 {
        let p = g.add_node(Node {
            id: "A000000000001".into(),
            kind: NodeKind::Person,
            label: "Hayes, A.".into(),
            attrs: Attrs::new(),
            sources: vec![Provenance::new("refs.ris", 1, None)],
        });
        for i in (0..n).filter(|&i| cluster_of[i] == 1).take(3) {
            let w = g.index[&format!("W{i:012x}")];
            let mut attrs = Attrs::new();
            attrs.insert(attr::POSITION, Attr::Int(0));
            g.add_edge(p, w, Edge { kind: EdgeKind::Authored, weight: 1.0, attrs, sources: vec![] });
        }
    }
    g
}
