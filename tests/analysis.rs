//! Integration tests of `citemap::analysis` on small hand-made corpora.

use citemap::analysis::cluster::{self, ClusterOptions};
use citemap::analysis::network::{self, Counting, NetworkKind, NetworkOptions};
use citemap::analysis::{metrics, naming, query};
use citemap::graph::{self, Attr, Attrs, CitationGraph, Edge, EdgeKind, Node, NodeKind};
use citemap::model::*;

/// Builds corpora by hand: works and people by short names, ids sorted.
#[derive(Default)]
struct Builder {
    works: Vec<(String, Option<i32>, String, bool)>,
    people: Vec<(String, String, String)>,
    authored: Vec<(String, String)>,
    cites: Vec<(String, String)>,
}

fn prov() -> Provenance {
    Provenance::new("test.txt", 1, None)
}

impl Builder {
    fn work(mut self, key: &str, year: i32, title: &str) -> Self {
        self.works.push((key.into(), Some(year), title.into(), true));
        self
    }
    fn cited(mut self, key: &str) -> Self {
        self.works.push((key.into(), None, String::new(), false));
        self
    }
    fn person(mut self, key: &str, family: &str, given: &str) -> Self {
        self.people.push((key.into(), family.into(), given.into()));
        self
    }
    fn by(mut self, work: &str, people: &[&str]) -> Self {
        for p in people {
            self.authored.push((work.into(), (*p).into()));
        }
        self
    }
    fn cites(mut self, from: &str, to: &[&str]) -> Self {
        for t in to {
            self.cites.push((from.into(), (*t).into()));
        }
        self
    }
    fn build(self) -> Corpus {
        let mut c = Corpus::default();
        let mut works = self.works.clone();
        works.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, year, title, paper) in &works {
            c.works.push(Work {
                id: format!("W{key}"),
                kind: if *paper { WorkKind::Paper } else { WorkKind::CitedWork },
                label: format!("{key} {}", year.map_or("n.d.".into(), |y| y.to_string())),
                title: (!title.is_empty()).then(|| Sourced::new(title.clone(), prov())),
                alt_titles: vec![],
                ids: vec![],
                year: year.map(|y| Sourced::new(y, prov())),
                year_suffix: String::new(),
                year_note: None,
                published: None,
                epublished: None,
                venue: None,
                volume: None,
                issue: None,
                pages: None,
                abstract_text: None,
                language: None,
                doc_type: paper.then(|| Sourced::new(DocType::Article, prov())),
                times_cited: None,
                keywords: vec![],
                affiliations: vec![],
                cited_authors: None,
                missing: vec![],
                sources: vec![prov()],
                matched_on: vec![],
            });
        }
        let mut people = self.people.clone();
        people.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, family, given) in &people {
            c.agents.push(Agent {
                id: format!("A{key}"),
                kind: AgentKind::Person,
                name: format!("{given} {family}").trim().to_string(),
                family: family.clone(),
                given: given.clone(),
                orcid: None,
                variants: vec![],
                affiliations: vec![],
                sources: vec![prov()],
            });
        }
        let w = |k: &str| c.work_by_id(&format!("W{k}")).expect("work") as u32;
        let a = |k: &str| c.agent_by_id(&format!("A{k}")).expect("agent") as u32;
        let mut pos = std::collections::BTreeMap::new();
        let mut authorships = Vec::new();
        for (wk, ak) in &self.authored {
            let p = pos.entry(wk.clone()).or_insert(0u32);
            authorships.push(Authorship {
                work: w(wk),
                agent: a(ak),
                position: *p,
                sources: vec![prov()].into(),
            });
            *p += 1;
        }
        let cites: Vec<Cites> = self
            .cites
            .iter()
            .map(|(f, t)| Cites { from: w(f), to: w(t), count: 1, sources: vec![prov()].into() })
            .collect();
        c.authorships = authorships;
        c.authorships.sort_by_key(|x| (x.work, x.position));
        c.cites = cites;
        c.cites.sort_by_key(|x| (x.from, x.to));
        c
    }
}

fn weight(g: &CitationGraph, a: &str, b: &str) -> Option<f64> {
    let (x, y) = (*g.index.get(a)?, *g.index.get(b)?);
    g.graph.find_edge(x, y).or_else(|| g.graph.find_edge(y, x)).map(|e| g.graph[e].weight)
}

fn opts(kind: NetworkKind, counting: Counting) -> NetworkOptions {
    NetworkOptions { kind, counting, ..NetworkOptions::default() }
}

/// P1 cites A B C; P2 cites A B; P3 cites B C D.
fn refs_corpus() -> Corpus {
    Builder::default()
        .work("P1", 2020, "one")
        .work("P2", 2021, "two")
        .work("P3", 2022, "three")
        .cited("A")
        .cited("B")
        .cited("C")
        .cited("D")
        .cites("P1", &["A", "B", "C"])
        .cites("P2", &["A", "B"])
        .cites("P3", &["B", "C", "D"])
        .build()
}

#[test]
fn cocitation_full_and_fractional() {
    let c = refs_corpus();
    let g = network::build(&c, &opts(NetworkKind::Cocitation, Counting::Full));
    assert_eq!(weight(&g, "WA", "WB"), Some(2.0));
    assert_eq!(weight(&g, "WB", "WC"), Some(2.0));
    assert_eq!(weight(&g, "WA", "WC"), Some(1.0));
    assert_eq!(weight(&g, "WC", "WD"), Some(1.0));
    assert_eq!(weight(&g, "WA", "WD"), None);
    assert!(g.graph.edge_weights().all(|e| e.kind == EdgeKind::Cocitation));
    // Fractional: P1 (3 refs) adds 1/2 per pair, P2 (2 refs) adds 1, P3 adds 1/2.
    let g = network::build(&c, &opts(NetworkKind::Cocitation, Counting::Fractional));
    assert_eq!(weight(&g, "WA", "WB"), Some(1.5));
    assert_eq!(weight(&g, "WB", "WC"), Some(1.0));
    assert_eq!(weight(&g, "WA", "WC"), Some(0.5));
    let e = g.graph.find_edge(g.index["WA"], g.index["WB"]).expect("edge");
    assert_eq!(g.graph[e].attrs.get("count"), Some(&Attr::Int(2)));
    assert_eq!(g.graph[e].attrs.get("weight"), Some(&Attr::Float(1.5)));
}

#[test]
fn coupling_full_and_fractional() {
    let c = refs_corpus();
    let g = network::build(&c, &opts(NetworkKind::Coupling, Counting::Full));
    assert_eq!(weight(&g, "WP1", "WP2"), Some(2.0));
    assert_eq!(weight(&g, "WP1", "WP3"), Some(2.0));
    assert_eq!(weight(&g, "WP2", "WP3"), Some(1.0));
    assert_eq!(g.node_count(), 3, "cited works without coupling links are dropped");
    // B is cited by 3 works: each pair gets 1/2; A by 2: 1; C by 2: 1.
    let g = network::build(&c, &opts(NetworkKind::Coupling, Counting::Fractional));
    assert_eq!(weight(&g, "WP1", "WP2"), Some(1.5));
    assert_eq!(weight(&g, "WP1", "WP3"), Some(1.5));
    assert_eq!(weight(&g, "WP2", "WP3"), Some(0.5));
}

#[test]
fn direct_citation_is_directed_with_cited_works() {
    let c = refs_corpus();
    let g = network::build(&c, &opts(NetworkKind::Citation, Counting::Full));
    assert_eq!(g.edge_count(), 8);
    let (p1, a) = (g.index["WP1"], g.index["WA"]);
    assert!(g.graph.find_edge(p1, a).is_some());
    assert!(g.graph.find_edge(a, p1).is_none());
    assert_eq!(g.node("WA").map(|n| n.kind), Some(NodeKind::CitedWork));
}

#[test]
fn nodes_follow_graph_build_conventions() {
    let c = refs_corpus();
    let full = graph::build(&c, &graph::BuildOptions::default());
    let g = network::build(&c, &opts(NetworkKind::Citation, Counting::Full));
    for n in g.graph.node_weights() {
        assert_eq!(Some(n), full.node(&n.id), "node {} differs from graph::build", n.id);
    }
}

fn coauthor_corpus() -> Corpus {
    Builder::default()
        .work("X1", 2019, "alpha")
        .work("X2", 2020, "beta")
        .work("X3", 2021, "gamma")
        .person("1", "Johnson", "Sonia")
        .person("2", "O'Leary", "Niamh")
        .person("3", "Müller-Lüdenscheidt", "Jean-Paul")
        .person("4", "Smith", "Anna")
        .person("5", "Johnson", "Simon")
        .person("6", "Ng", "Lee")
        .by("X1", &["1", "2", "3"])
        .by("X2", &["1", "2"])
        .by("X3", &["3", "4"])
        .build()
}

#[test]
fn coauthor_weights() {
    let c = coauthor_corpus();
    let g = network::build(&c, &opts(NetworkKind::Coauthor, Counting::Full));
    assert_eq!(weight(&g, "A1", "A2"), Some(2.0));
    assert_eq!(weight(&g, "A1", "A3"), Some(1.0));
    assert_eq!(weight(&g, "A3", "A4"), Some(1.0));
    assert_eq!(weight(&g, "A1", "A4"), None);
    assert!(g.node("A5").is_none(), "people without works are not nodes");
    let g = network::build(&c, &opts(NetworkKind::Coauthor, Counting::Fractional));
    assert_eq!(weight(&g, "A1", "A2"), Some(1.5));
    assert_eq!(weight(&g, "A1", "A3"), Some(0.5));
    let e = g.graph.find_edge(g.index["A1"], g.index["A2"]).expect("edge");
    assert_eq!(g.graph[e].attrs.get("works"), Some(&Attr::Int(2)));
}

#[test]
fn filters_year_min_weight_top_and_component() {
    let c = refs_corpus();
    let mut o = opts(NetworkKind::Coupling, Counting::Full);
    o.filters.year_min = Some(2021);
    let g = network::build(&c, &o);
    assert!(g.node("WP1").is_none());
    assert_eq!(weight(&g, "WP2", "WP3"), Some(1.0), "cited works of unknown year still link papers");
    o.filters.papers_only = true;
    assert_eq!(network::build(&c, &o).edge_count(), 0, "no cited works: nothing shared");
    let mut o = opts(NetworkKind::Cocitation, Counting::Full);
    o.min_weight = 2.0;
    let g = network::build(&c, &o);
    assert_eq!(g.edge_count(), 2);
    assert!(g.node("WD").is_none());
    let mut o = opts(NetworkKind::Cocitation, Counting::Full);
    o.filters.top_n = Some(2);
    let g = network::build(&c, &o);
    let mut ids: Vec<_> = g.index.keys().cloned().collect();
    ids.sort();
    assert_eq!(ids, vec!["WB", "WC"]);
    // Two components: the larger one is kept.
    let c2 = Builder::default()
        .work("P1", 2020, "a")
        .work("P2", 2020, "b")
        .work("P3", 2020, "c")
        .work("Q1", 2020, "d")
        .work("Q2", 2020, "e")
        .cites("P1", &["P2", "P3"])
        .cites("Q1", &["Q2"])
        .build();
    let mut o = opts(NetworkKind::Citation, Counting::Full);
    o.filters.largest_component = true;
    let g = network::build(&c2, &o);
    assert_eq!(g.node_count(), 3);
    assert!(g.node("WQ1").is_none());
}

fn text_corpus() -> Corpus {
    let titles = [
        ("T1", "Complex emotional needs and crisis care in community mental health services"),
        ("T2", "Peer support for people with complex emotional needs: a qualitative review"),
        ("T3", "Complex emotional needs in community services: service user experiences"),
        ("T4", "Crisis care for complex emotional needs: what works"),
        ("U1", "Infant feeding and breastfeeding support in maternity services"),
        ("U2", "Breastfeeding and infant feeding support for mothers in the community"),
        ("U3", "Maternity care and infant feeding: breastfeeding outcomes"),
        ("U4", "Breastfeeding duration and infant feeding support by midwives"),
    ];
    let mut b = Builder::default();
    for (k, t) in titles {
        b = b.work(k, 2020, t);
    }
    b.build()
}

#[test]
fn similarity_links_works_without_references() {
    let c = text_corpus();
    let d = network::default_kind(&c);
    assert_eq!(d.kind, NetworkKind::Similarity);
    let g = network::build(&c, &opts(NetworkKind::Similarity, Counting::Full));
    assert!(weight(&g, "WT1", "WT4").is_some_and(|w| w > 0.1));
    assert!(weight(&g, "WU1", "WU4").is_some_and(|w| w > 0.1));
    let cross = g
        .graph
        .raw_edges()
        .iter()
        .filter(|e| g.graph[e.source()].id.as_bytes()[1] != g.graph[e.target()].id.as_bytes()[1])
        .map(|e| e.weight.weight)
        .fold(0.0f64, f64::max);
    let within = weight(&g, "WT1", "WT3").unwrap_or(0.0);
    assert!(within > cross, "within-topic {within} must beat cross-topic {cross}");
}

#[test]
fn default_kind_follows_reference_coverage() {
    assert_eq!(network::default_kind(&refs_corpus()).kind, NetworkKind::Hybrid);
    let d = network::default_kind(&refs_corpus());
    assert!(!d.hybrid.components.iter().any(|(k, _)| *k == NetworkKind::Similarity));
    let mixed = Builder::default()
        .work("P1", 2020, "a")
        .work("P2", 2020, "b")
        .work("P3", 2020, "c")
        .cited("A")
        .cites("P1", &["A"])
        .build();
    let d = network::default_kind(&mixed);
    assert!(d.hybrid.components.iter().any(|(k, _)| *k == NetworkKind::Similarity));
    let g = network::build(&mixed, &NetworkOptions { kind: d.kind, hybrid: d.hybrid, ..Default::default() });
    assert!(g.graph.edge_weights().all(|e| e.kind == EdgeKind::Hybrid));
}

/// Undirected test graph from an edge list over `n` nodes `N00..`.
fn graph_of(n: usize, edges: &[(usize, usize)]) -> CitationGraph {
    let mut g = CitationGraph::new();
    let ix: Vec<_> = (0..n)
        .map(|i| {
            g.add_node(Node {
                id: format!("N{i:03}"),
                kind: NodeKind::Paper,
                label: format!("n{i}"),
                attrs: Attrs::new(),
                sources: vec![],
            })
        })
        .collect();
    for &(a, b) in edges {
        g.add_edge(
            ix[a],
            ix[b],
            Edge { kind: EdgeKind::Similarity, weight: 1.0, attrs: Attrs::new(), sources: vec![] },
        );
    }
    g
}

fn clique(start: usize, k: usize, out: &mut Vec<(usize, usize)>) {
    for i in start..start + k {
        for j in i + 1..start + k {
            out.push((i, j));
        }
    }
}

#[test]
fn leiden_two_cliques() {
    let mut e = Vec::new();
    clique(0, 5, &mut e);
    clique(5, 5, &mut e);
    e.push((4, 5));
    let g = graph_of(10, &e);
    let p = cluster::leiden(&g, &ClusterOptions::default());
    assert_eq!(p.clusters, vec![1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    // Known optimum: 2 * (10/21 - (21/42)^2) = 0.452381.
    assert!((p.modularity - 0.452381).abs() < 1e-4, "{}", p.modularity);
}

#[test]
fn leiden_ring_of_cliques_and_isolates() {
    let (k, m) = (6, 8);
    let mut e = Vec::new();
    for c in 0..m {
        clique(c * k, k, &mut e);
        e.push((c * k, ((c + 1) % m) * k + 1));
    }
    let g = graph_of(k * m + 2, &e);
    let p = cluster::leiden(&g, &ClusterOptions::default());
    assert_eq!(p.n_clusters, m as u32);
    for c in 0..m {
        let first = p.clusters[c * k];
        assert!((c * k..(c + 1) * k).all(|i| p.clusters[i] == first), "clique {c} split");
    }
    assert_eq!(p.clusters[k * m], 0, "isolates are unclustered");
    // Ring of m cliques of 15 internal edges plus one link each: optimum is one cluster per clique.
    let edges = (m * 16) as f64;
    let optimum = m as f64 * (15.0 / edges - (32.0 / (2.0 * edges)).powi(2));
    assert!((p.modularity - optimum).abs() < 1e-6, "{} vs {optimum}", p.modularity);
    // Same seed, same partition; numbering 1 = largest then smallest id.
    let q = cluster::leiden(&g, &ClusterOptions::default());
    assert_eq!(p, q);
    assert_eq!(p.clusters[0], 1);
}

#[test]
fn annotate_is_deterministic_and_covers_every_node() {
    let c = text_corpus();
    let run = || {
        let g = network::build(&c, &opts(NetworkKind::Similarity, Counting::Full));
        let p = cluster::leiden(&g, &ClusterOptions::default());
        let s = naming::summarise(&c, &g, &p, &naming::NamingOptions::default());
        let mut full = graph::build(&c, &graph::BuildOptions::default());
        cluster::annotate(&mut full, &p, &naming::names(&s));
        let attrs: Vec<String> = full
            .graph
            .node_weights()
            .map(|n| format!("{} {:?} {:?}", n.id, n.attrs.get("cluster"), n.attrs.get("cluster_name")))
            .collect();
        (attrs, serde_json::to_string(&s).expect("json"))
    };
    let (a, sa) = run();
    let (b, sb) = run();
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    assert!(a.iter().all(|l| l.contains("Some(Int(")));
}

#[test]
fn names_pick_distinctive_terms() {
    let c = text_corpus();
    let g = network::build(&c, &opts(NetworkKind::Similarity, Counting::Full));
    let p = cluster::leiden(&g, &ClusterOptions::default());
    assert_eq!(p.n_clusters, 2, "{:?}", p.clusters);
    let s = naming::summarise(&c, &g, &p, &naming::NamingOptions::default());
    let cen = s.iter().find(|s| s.terms.iter().any(|t| t.term.contains("emotional"))).expect("CEN cluster");
    assert!(cen.name.contains("complex emotional needs"), "{}", cen.name);
    assert!(!cen.terms.iter().any(|t| t.term == "emotional needs"), "sub-phrase kept: {:?}", cen.terms);
    let bf = s.iter().find(|x| x.cluster != cen.cluster).expect("other");
    assert!(bf.name.contains("breastfeeding"), "{}", bf.name);
    // "support", "community" and "services" occur in both clusters: never a name.
    for x in &s {
        for t in &x.terms {
            assert!(
                !["support", "community", "services", "service"].contains(&t.term.as_str()),
                "{}",
                t.term
            );
        }
    }
}

#[test]
fn metrics_on_star_and_path() {
    // Path 0-1-2-3 plus isolate 4: betweenness of 1 and 2 is 2.
    let g = graph_of(5, &[(0, 1), (1, 2), (2, 3)]);
    let m = metrics::compute(&g, &Corpus::default(), &metrics::MetricsOptions::default());
    assert_eq!(m.betweenness, vec![0.0, 2.0, 2.0, 0.0, 0.0]);
    assert_eq!(m.degree, vec![1, 2, 2, 1, 0]);
    assert_eq!(m.component, vec![1, 1, 1, 1, 2]);
    let s: f64 = m.pagerank.iter().sum();
    assert!((s - 1.0).abs() < 1e-9);
    assert!(m.pagerank[1] > m.pagerank[0]);
    // Sampled betweenness with all sources equals exact; same seed same values.
    let o = metrics::MetricsOptions { exact_limit: 0, samples: 3, ..Default::default() };
    let a = metrics::compute(&g, &Corpus::default(), &o);
    assert_eq!(a, metrics::compute(&g, &Corpus::default(), &o));
    assert!(a.betweenness_sampled);
    // Citation counts come from the corpus.
    let c = refs_corpus();
    let mut cg = network::build(&c, &opts(NetworkKind::Citation, Counting::Full));
    let m = metrics::compute(&cg, &c, &metrics::MetricsOptions::default());
    metrics::annotate(&mut cg, &m);
    assert_eq!(cg.node("WB").and_then(|n| n.attrs.get("citations_local")), Some(&Attr::Int(3)));
    assert_eq!(cg.node("WP1").and_then(|n| n.attrs.get("out_degree")), Some(&Attr::Int(3)));
}

#[test]
fn name_lookup_variants_and_ambiguity() {
    let c = coauthor_corpus();
    let found = |q: &str| match query::find_agent(&c, q) {
        query::Lookup::Found { result } => Some(c.agents[result].id.clone()),
        _ => None,
    };
    for q in ["Sonia Johnson", "Johnson, Sonia", "JOHNSON, SONIA"] {
        assert_eq!(found(q).as_deref(), Some("A1"), "{q}");
    }
    for q in ["Niamh O'Leary", "O'Leary N", "OLeary, N.", "N. O’Leary"] {
        assert_eq!(found(q).as_deref(), Some("A2"), "{q}");
    }
    for q in ["Muller-Ludenscheidt J", "Jean-Paul Müller-Lüdenscheidt", "Mullerludenscheidt, J.-P."] {
        assert_eq!(found(q).as_deref(), Some("A3"), "{q}");
    }
    // "Johnson S" fits Sonia and Simon: a candidate list, not a guess.
    match query::find_agent(&c, "Johnson S") {
        query::Lookup::Ambiguous { candidates, .. } => {
            let ids: Vec<_> = candidates.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(ids, vec!["A5", "A1"]);
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }
    assert!(matches!(query::find_agent(&c, "Nobody X"), query::Lookup::NotFound { .. }));
    let json = serde_json::to_string(&query::coauthors(&c, "Johnson S", 1)).expect("json");
    assert!(json.contains("\"status\":\"ambiguous\""));
}

#[test]
fn coauthors_path_and_top() {
    let c = coauthor_corpus();
    let query::Lookup::Found { result } = query::coauthors(&c, "Sonia Johnson", 2) else { panic!("lookup") };
    let names: Vec<(&str, u32, usize)> =
        result.collaborators.iter().map(|x| (x.person.id.as_str(), x.depth, x.joint_works)).collect();
    assert_eq!(names, vec![("A2", 1, 2), ("A3", 1, 1), ("A4", 2, 1)]);
    assert_eq!(result.collaborators[2].via.as_ref().map(|p| p.id.as_str()), Some("A3"));
    let query::Lookup::Found { result } = query::path(&c, "O'Leary N", "Anna Smith") else {
        panic!("lookup")
    };
    let chain: Vec<&str> = result.steps.iter().map(|s| s.person.id.as_str()).collect();
    assert_eq!(chain, vec!["A2", "A3", "A4"]);
    assert_eq!(chain.first(), Some(&"A2"));
    assert_eq!(chain.last(), Some(&"A4"));
    assert_eq!(chain.len(), 3, "O'Leary - Müller-Lüdenscheidt (X1) - Smith (X3): {chain:?}");
    let query::Lookup::Found { result } = query::path(&c, "Lee Ng", "Anna Smith") else { panic!("lookup") };
    assert!(result.steps.is_empty(), "not connected");
    let t = query::top(&c, None, query::TopBy::Works, 2);
    assert_eq!(
        t.iter().map(|e| (e.id.as_str(), e.value)).collect::<Vec<_>>(),
        vec![("A1", 2.0), ("A2", 2.0)]
    );
    let t = query::top(&refs_corpus(), None, query::TopBy::Citations, 1);
    assert_eq!(t[0].id, "WB");
    let g = graph_of(4, &[(0, 1), (1, 2), (1, 3)]);
    let t = query::top(&Corpus::default(), Some(&g), query::TopBy::Betweenness, 1);
    assert_eq!(t[0].id, "N001");
}

#[test]
fn hybrid_combines_normalised_components() {
    let c = refs_corpus();
    let o = NetworkOptions {
        kind: NetworkKind::Hybrid,
        hybrid: network::HybridSpec {
            components: vec![(NetworkKind::Citation, 1.0), (NetworkKind::Coupling, 2.0)],
        },
        ..NetworkOptions::default()
    };
    let g = network::build(&c, &o);
    // P1 and P2 share A and B; P1 has 3 references, P2 has 2: Salton 2/sqrt(6).
    let salton = 2.0 / 6f64.sqrt();
    let w = weight(&g, "WP1", "WP2").expect("edge");
    assert!((w - 2.0 * salton).abs() < 1e-12, "{w}");
    // P1 cites A: citation component 1, no coupling.
    assert_eq!(weight(&g, "WP1", "WA"), Some(1.0));
    let e = g.graph.find_edge(g.index["WP1"], g.index["WP2"]).expect("edge");
    assert!(matches!(g.graph[e].attrs.get("w_coupling"), Some(Attr::Float(x)) if (x - salton).abs() < 1e-12));
}

#[test]
fn subject_cooccurrence_from_keywords() {
    let mut c = refs_corpus();
    let kw = |s: &str| Sourced::new(s.to_string(), prov());
    let p1 = c.work_by_id("WP1").expect("P1");
    let p2 = c.work_by_id("WP2").expect("P2");
    c.works[p1].keywords = vec![kw("Peer support"), kw("Crisis care")];
    c.works[p2].keywords = vec![kw("peer support"), kw("Crisis Care"), kw("Recovery")];
    let g = network::build(&c, &opts(NetworkKind::Subject, Counting::Full));
    assert_eq!(g.node_count(), 3, "keywords merged case-insensitively");
    let id = |label: &str| {
        g.graph
            .node_weights()
            .find(|n| n.label.eq_ignore_ascii_case(label))
            .map(|n| n.id.clone())
            .expect(label)
    };
    assert_eq!(weight(&g, &id("peer support"), &id("crisis care")), Some(2.0));
    assert_eq!(weight(&g, &id("peer support"), &id("recovery")), Some(1.0));
    assert!(g.graph.edge_weights().all(|e| e.kind == EdgeKind::Cooccurrence));
    assert!(g.graph.node_weights().all(|n| n.kind == NodeKind::Subject && n.id.starts_with('K')));
}

proptest::proptest! {
    #[test]
    fn lookups_and_text_never_panic(s in "\\PC{0,40}") {
        let c = coauthor_corpus();
        let _ = query::find_agent(&c, &s);
        let _ = query::path(&c, &s, "Sonia Johnson");
        let _ = citemap::analysis::tokens::phrases(&s);
        let _ = citemap::analysis::tokens::tokens(&s);
    }
}

/// Naive all-pairs co-citation and coupling, for checking the projection.
type Weights = Vec<((usize, usize), f64)>;

fn naive(c: &Corpus, fractional: bool) -> (Weights, Weights) {
    let n = c.works.len();
    let mut refs = vec![std::collections::BTreeSet::new(); n];
    let mut citers = vec![std::collections::BTreeSet::new(); n];
    for x in &c.cites {
        if x.from != x.to {
            refs[x.from as usize].insert(x.to as usize);
            citers[x.to as usize].insert(x.from as usize);
        }
    }
    let w = |k: usize| if fractional { 1.0 / (k as f64 - 1.0) } else { 1.0 };
    let mut coc = Vec::new();
    let mut cou = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let s: f64 = (0..n)
                .filter(|m| refs[*m].contains(&a) && refs[*m].contains(&b))
                .map(|m| w(refs[m].len()))
                .sum();
            if s > 0.0 {
                coc.push(((a, b), s));
            }
            let s: f64 = refs[a].intersection(&refs[b]).map(|&r| w(citers[r].len())).sum();
            if s > 0.0 {
                cou.push(((a, b), s));
            }
        }
    }
    (coc, cou)
}

proptest::proptest! {
    #[test]
    fn projections_match_all_pairs(edges in proptest::collection::vec((0usize..9, 0usize..9), 0..40), frac: bool) {
        let keys: Vec<String> = (0..9).map(|i| format!("{i}")).collect();
        let mut b = Builder::default();
        for k in &keys {
            b = b.work(k, 2020, "t");
        }
        for (f, t) in &edges {
            b.cites.push((keys[*f].clone(), keys[*t].clone()));
        }
        let mut c = b.build();
        c.cites.dedup_by_key(|x| (x.from, x.to));
        let counting = if frac { Counting::Fractional } else { Counting::Full };
        let (coc, cou) = naive(&c, frac);
        for (kind, expect) in [(NetworkKind::Cocitation, coc), (NetworkKind::Coupling, cou)] {
            let g = network::build(&c, &opts(kind, counting));
            proptest::prop_assert_eq!(g.edge_count(), expect.len());
            for ((a, b), w) in expect {
                let got = weight(&g, &c.works[a].id, &c.works[b].id).unwrap_or(-1.0);
                proptest::prop_assert!((got - w).abs() < 1e-9, "{:?} {} {}: {} vs {}", kind, a, b, got, w);
            }
        }
    }
}

#[test]
fn leiden_cpm_resolution_controls_granularity() {
    let mut e = Vec::new();
    clique(0, 5, &mut e);
    clique(5, 5, &mut e);
    e.push((4, 5));
    let g = graph_of(10, &e);
    let cpm = |resolution| {
        cluster::leiden(
            &g,
            &ClusterOptions { quality: cluster::Quality::Cpm, resolution, ..Default::default() },
        )
    };
    // Density threshold 0.5: each clique (density 1) is a cluster, the bridge is not worth merging.
    assert_eq!(cpm(0.5).clusters, vec![1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    // Threshold 0.01: merging everything pays.
    assert_eq!(cpm(0.01).n_clusters, 1);
    // Threshold above 1: no pair is dense enough, every node unclustered.
    assert!(cpm(1.5).clusters.iter().all(|&c| c == 0));
}

#[test]
fn path_with_an_ambiguous_end_lists_candidates() {
    let c = coauthor_corpus();
    assert!(matches!(query::path(&c, "Johnson S", "Anna Smith"), query::Lookup::Ambiguous { .. }));
    assert!(matches!(query::path(&c, "Anna Smith", "Nobody Z"), query::Lookup::NotFound { .. }));
    // An agent id picks one of the candidates.
    assert!(matches!(query::path(&c, "A5", "Anna Smith"), query::Lookup::Found { .. }));
}

#[test]
fn max_neighbours_keeps_each_nodes_strongest_ties() {
    // Twelve papers: H shares 1..12 references with P1..P12 (so H's coupling
    // weights to them all differ), and each Pi shares one reference with
    // P(i+1). Every pair with shared references couples.
    let mut b = Builder::default().work("H", 2020, "hub");
    let mut hub_refs = Vec::new();
    for r in 0..12 {
        b = b.cited(&format!("R{r:02}"));
        hub_refs.push(format!("R{r:02}"));
    }
    let hub: Vec<&str> = hub_refs.iter().map(String::as_str).collect();
    b = b.cites("H", &hub);
    for i in 1..=12 {
        let p = format!("P{i:02}");
        b = b.work(&p, 2020, "paper").cited(&format!("S{i:02}"));
        let mut refs: Vec<String> = hub_refs[..i].to_vec();
        refs.push(format!("S{i:02}"));
        if i > 1 {
            refs.push(format!("S{:02}", i - 1));
        }
        let r: Vec<&str> = refs.iter().map(String::as_str).collect();
        b = b.cites(&p, &r);
    }
    let c = b.build();
    let all = network::build(&c, &opts(NetworkKind::Coupling, Counting::Full));
    let k = 3;
    let few = network::build(
        &c,
        &NetworkOptions { max_neighbours: Some(k), ..opts(NetworkKind::Coupling, Counting::Full) },
    );
    assert!(few.graph.edge_count() < all.graph.edge_count());
    // The hub keeps its three strongest partners (P12, P11, P10) ...
    for p in ["P12", "P11", "P10"] {
        assert_eq!(weight(&few, "WH", &format!("W{p}")), weight(&all, "WH", &format!("W{p}")), "{p}");
    }
    // ... every kept edge is among the k heaviest of one of its ends, and
    // every node keeps min(k, degree) of its edges.
    // Undirected edges are stored once, lower index first: look both ways.
    let incident = |g: &CitationGraph, v: petgraph::graph::NodeIndex| -> Vec<f64> {
        use petgraph::Direction::{Incoming, Outgoing};
        g.graph
            .edges_directed(v, Outgoing)
            .chain(g.graph.edges_directed(v, Incoming))
            .map(|e| e.weight().weight)
            .collect()
    };
    let top = |g: &CitationGraph, v: petgraph::graph::NodeIndex| -> Vec<f64> {
        let mut w = incident(g, v);
        w.sort_by(|a, b| b.total_cmp(a));
        w
    };
    use petgraph::visit::EdgeRef;
    for e in few.graph.edge_references() {
        let (a, b) = (&few.graph[e.source()].id, &few.graph[e.target()].id);
        let (fa, fb) = (all.index[a], all.index[b]);
        let kth = |v| top(&all, v).get(k - 1).copied().unwrap_or(0.0);
        assert!(
            e.weight().weight >= kth(fa) || e.weight().weight >= kth(fb),
            "{a}-{b} kept without being strong"
        );
    }
    for (id, &v) in &all.index {
        let kept = few.index.get(id).map_or(0, |&u| incident(&few, u).len());
        assert!(
            kept >= top(&all, v).len().min(k),
            "{id} lost its strongest ties: kept {kept} of {:?}",
            top(&all, v)
        );
    }
}

#[test]
fn min_cited_by_leaves_out_cited_works_of_one_paper_only() {
    // P1 cites A B C; P2 cites A B; P3 cites B C D: D is cited once.
    let c = refs_corpus();
    let mut o = opts(NetworkKind::Citation, Counting::Full);
    o.filters.min_cited_by = Some(2);
    let g = network::build(&c, &o);
    assert!(g.node("WD").is_none(), "D is cited by one paper only");
    for id in ["WA", "WB", "WC", "WP1", "WP2", "WP3"] {
        assert!(g.node(id).is_some(), "{id} kept: papers are never filtered by it");
    }
    assert_eq!(g.edge_count(), 7, "only the edge to D went");
}

/// The edges `(id, id, weight)` of an undirected network, lower id first, sorted.
fn edge_set(g: &CitationGraph) -> Vec<(String, String, f64)> {
    use petgraph::visit::EdgeRef;
    let mut v: Vec<(String, String, f64)> = g
        .graph
        .edge_references()
        .map(|e| {
            let (a, b) = (g.graph[e.source()].id.clone(), g.graph[e.target()].id.clone());
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            (a, b, e.weight().weight)
        })
        .collect();
    v.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    v
}

/// Union over nodes of each node's `k` heaviest edges (ties: smaller other id).
fn expected_top_k(all: &[(String, String, f64)], k: usize) -> Vec<(String, String, f64)> {
    let mut by_node: std::collections::BTreeMap<&str, Vec<(f64, &str, usize)>> = Default::default();
    for (i, (a, b, w)) in all.iter().enumerate() {
        by_node.entry(a).or_default().push((*w, b, i));
        by_node.entry(b).or_default().push((*w, a, i));
    }
    let mut keep = std::collections::BTreeSet::new();
    for list in by_node.values_mut() {
        list.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(y.1)));
        keep.extend(list.iter().take(k).map(|x| x.2));
    }
    keep.into_iter().map(|i| all[i].clone()).collect()
}

#[test]
fn neighbour_limited_rows_equal_the_full_network_pruned() {
    // A corpus with many overlapping reference lists: 40 papers citing
    // windows of 60 cited works, so coupling and co-citation are dense. The
    // cited works' ids sort after the papers', before them, and among them
    // (hybrid rows number works with references first).
    for cited in ["R", "A", "P1"] {
        neighbour_limited_rows_on(cited);
    }
}

fn neighbour_limited_rows_on(cited: &str) {
    let mut b = Builder::default();
    for r in 0..60 {
        b = b.cited(&format!("{cited}{r:02}"));
    }
    for p in 0..40 {
        let key = format!("P{p:02}");
        let refs: Vec<String> = (0..12).map(|j| format!("{cited}{:02}", (p * 7 + j * j) % 60)).collect();
        let r: Vec<&str> = refs.iter().map(String::as_str).collect();
        b = b.work(&key, 2000 + p, "paper").cites(&key, &r);
    }
    let c = b.build();
    let hybrid =
        |kind| NetworkOptions { kind, hybrid: network::HybridSpec::default(), ..opts(kind, Counting::Full) };
    for (name, o) in [
        ("coupling full", opts(NetworkKind::Coupling, Counting::Full)),
        ("coupling fractional", opts(NetworkKind::Coupling, Counting::Fractional)),
        ("co-citation", opts(NetworkKind::Cocitation, Counting::Full)),
        ("hybrid", hybrid(NetworkKind::Hybrid)),
    ] {
        let all = edge_set(&network::build(&c, &o));
        for k in [1, 3, 8] {
            let few = edge_set(&network::build(&c, &NetworkOptions { max_neighbours: Some(k), ..o.clone() }));
            let want = expected_top_k(&all, k);
            assert_eq!(few.len(), want.len(), "{name}, k = {k}");
            for (x, y) in few.iter().zip(&want) {
                assert_eq!((&x.0, &x.1), (&y.0, &y.1), "{name}, k = {k}");
                assert!((x.2 - y.2).abs() < 1e-12, "{name}, k = {k}: {} vs {}", x.2, y.2);
            }
        }
    }
}

#[test]
fn betweenness_is_the_same_on_any_number_of_threads() {
    // A ring of 40 cliques of 6: many shortest paths of equal length.
    let mut edges = Vec::new();
    for c in 0..40 {
        clique(c * 6, 6, &mut edges);
        edges.push((c * 6, ((c + 1) % 40) * 6 + 1));
    }
    let n = 240;
    let mut adj = vec![Vec::new(); n];
    for &(a, b) in &edges {
        adj[a].push(b);
        adj[b].push(a);
    }
    for l in &mut adj {
        l.sort_unstable();
        l.dedup();
    }
    let on = |threads: usize, sample: Option<(usize, u64)>| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| metrics::betweenness(&adj, sample))
    };
    for sample in [None, Some((50, 7))] {
        let one: Vec<u64> = on(1, sample).iter().map(|x| x.to_bits()).collect();
        let four: Vec<u64> = on(4, sample).iter().map(|x| x.to_bits()).collect();
        assert_eq!(one, four, "{sample:?}");
    }
    // Symmetric ring: every clique's bridge ends carry the same load.
    let bc = on(3, None);
    assert!((bc[0] - bc[6]).abs() < 1e-9 && bc[0] > bc[2]);
}

#[test]
fn top_by_works_ranks_people_and_organisations_apart() {
    let mut c = coauthor_corpus();
    // Make "Johnson, Sonia" (2 works) an organisation: it must leave the
    // people's ranking and head its own.
    let org = c.agents.iter().position(|a| a.id == "A1").expect("A1");
    c.agents[org].kind = citemap::model::AgentKind::Organisation;
    let t = query::top(&c, None, query::TopBy::Works, 2);
    let rows: Vec<(usize, &str, &str)> = t.iter().map(|e| (e.rank, e.id.as_str(), e.kind.as_str())).collect();
    assert_eq!(rows, vec![(1, "A2", "person"), (2, "A3", "person"), (1, "A1", "organisation")]);
}
