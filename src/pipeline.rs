//! The analysis every graph output shares, as one library call: the derived
//! network of the corpus (its kind chosen from what the corpus holds unless
//! given), its Leiden clusters with names, and metrics, written as node
//! attributes (`cluster`, `cluster_name`, `pagerank` ...) on both the network
//! and the full graph of works, people, venues and subjects.
//!
//! The command line, benches and tests call [`analyse`] with the same
//! [`AnalysisOptions`]; its `Default` is what `citemap map` runs with.
//! [`lay_out`] is the layout step after it: the positions pictures and
//! exports take.

use crate::analysis::cluster::{self, ClusterOptions, Partition};
use crate::analysis::metrics::{self, BetweennessInfo, MetricsOptions};
use crate::analysis::naming::{self, ClusterSummary, NamingOptions};
use crate::analysis::network::{
    self, Counting, Filters, HybridSpec, NetworkKind, NetworkOptions, SimilarityOptions,
};
use crate::graph::{self, BuildOptions, CitationGraph};
use crate::layout::{self, LayoutOptions};
use crate::model::Corpus;
use serde::{Deserialize, Serialize};

/// Which network to build and how (`[network]` in `config.toml`; its
/// `Default` is the only place the network defaults live, `citemap map`
/// runs with it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkChoice {
    /// The kind; `None` chooses it from the corpus ([`network::default_kind`]),
    /// with its hybrid components and its `min_cited_by` (unless set in `filters`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<NetworkKind>,
    /// Full or fractional counting.
    pub counting: Counting,
    /// Edges lighter than this are dropped.
    pub min_weight: f64,
    /// Co-authorship: organisations (corporate authors) as nodes too.
    pub organisations: bool,
    /// Each node keeps its N heaviest edges (an edge stays when either end
    /// keeps it): bounds coupling and co-citation networks of big corpora.
    /// 0 keeps every edge ([`NetworkOptions::max_neighbours`] `None`).
    pub max_neighbours: usize,
    /// Which works take part.
    pub filters: Filters,
    /// Text similarity settings.
    pub similarity: SimilarityOptions,
    /// Hybrid components named by the user; `None` keeps the chosen ones
    /// (automatic kind) or [`HybridSpec::default`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hybrid: Option<HybridSpec>,
}

impl Default for NetworkChoice {
    fn default() -> Self {
        // What the network builder itself defaults to, except the neighbour
        // cap: `NetworkOptions` alone keeps every edge.
        let o = NetworkOptions::default();
        NetworkChoice {
            kind: None,
            counting: o.counting,
            min_weight: o.min_weight,
            organisations: o.organisations,
            max_neighbours: 30,
            filters: o.filters,
            similarity: o.similarity,
            hybrid: None,
        }
    }
}

/// The network options a [`NetworkChoice`] comes to for `corpus`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChosenNetwork {
    /// What [`network::build`] runs with.
    pub options: NetworkOptions,
    /// Why this kind, when it was chosen from the corpus.
    pub reason: Option<String>,
}

impl NetworkChoice {
    /// Settles the kind (and what comes with it) for `corpus`.
    pub fn resolve(&self, corpus: &Corpus) -> ChosenNetwork {
        let mut o = NetworkOptions {
            kind: NetworkOptions::default().kind,
            counting: self.counting,
            min_weight: self.min_weight,
            filters: self.filters.clone(),
            hybrid: HybridSpec::default(),
            similarity: self.similarity.clone(),
            organisations: self.organisations,
            max_neighbours: (self.max_neighbours > 0).then_some(self.max_neighbours),
        };
        let reason = match self.kind {
            Some(kind) => {
                o.kind = kind;
                None
            }
            None => {
                let d = network::default_kind(corpus);
                o.kind = d.kind;
                o.hybrid = d.hybrid;
                o.filters.min_cited_by = o.filters.min_cited_by.or(d.min_cited_by);
                Some(d.reason)
            }
        };
        if let Some(h) = &self.hybrid {
            o.hybrid = h.clone();
        }
        ChosenNetwork { options: o, reason }
    }
}

/// Options of [`analyse`]: one per stage (serde-ready, so a stored analysis
/// can say what it was computed with).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisOptions {
    /// The derived network that is clustered.
    pub network: NetworkChoice,
    /// Leiden settings.
    pub cluster: ClusterOptions,
    /// Cluster names and summaries.
    pub naming: NamingOptions,
    /// The full graph.
    pub graph: BuildOptions,
    /// Metrics of both graphs.
    pub metrics: MetricsOptions,
}

/// A step [`analyse_with`] starts (for progress reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Building the network of this many works.
    Network {
        /// Works in the corpus.
        works: usize,
    },
    /// Building the full graph.
    Graph,
    /// Clustering the network.
    Clustering {
        /// Nodes of the network.
        nodes: usize,
        /// Edges of the network.
        edges: usize,
    },
    /// Metrics of the full graph.
    GraphMetrics {
        /// Its nodes.
        nodes: usize,
    },
    /// Metrics of the network.
    NetworkMetrics {
        /// Its nodes.
        nodes: usize,
    },
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Network { works } => write!(f, "building the network of {works} works"),
            Step::Graph => write!(f, "building the full graph"),
            Step::Clustering { nodes, edges } => write!(f, "clustering {nodes} nodes, {edges} edges"),
            Step::GraphMetrics { nodes } => write!(f, "metrics of the full graph ({nodes} nodes)"),
            Step::NetworkMetrics { nodes } => write!(f, "metrics of the network ({nodes} nodes)"),
        }
    }
}

/// A clustered network: the partition and one summary per cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Clusters {
    /// The partition of the network's nodes.
    pub partition: Partition,
    /// One summary per cluster.
    pub summaries: Vec<ClusterSummary>,
}

/// Clusters `network` with Leiden, names the clusters, and writes `cluster`
/// / `cluster_name` on `network` and on `full` (the whole graph, if given).
pub fn cluster(
    corpus: &Corpus,
    network: &mut CitationGraph,
    full: Option<&mut CitationGraph>,
    cluster: &ClusterOptions,
    naming: &NamingOptions,
) -> Clusters {
    let clusters = find_clusters(corpus, network, cluster, naming);
    annotate_clusters(network, &clusters);
    if let Some(g) = full {
        annotate_clusters(g, &clusters);
    }
    clusters
}

/// The clusters of `network` and their summaries, without writing them into
/// any graph (see [`annotate_clusters`]).
fn find_clusters(
    corpus: &Corpus,
    network: &CitationGraph,
    cluster: &ClusterOptions,
    naming: &NamingOptions,
) -> Clusters {
    // The terms do not depend on the clusters: indexed while Leiden runs.
    let (partition, terms) =
        rayon::join(|| cluster::leiden(network, cluster), || naming::TermIndex::of(corpus, naming));
    let summaries = naming::summarise_with(corpus, network, &partition, &terms, naming);
    Clusters { partition, summaries }
}

/// Writes each node's cluster and cluster name into `graph`.
fn annotate_clusters(graph: &mut CitationGraph, clusters: &Clusters) {
    let names = naming::names(&clusters.summaries);
    cluster::annotate(graph, &clusters.partition, &names);
}

/// What [`analyse`] computed. Serde covers every field, so the store can
/// keep the whole analysis and a later command read it back unchanged.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Analysis {
    /// The full graph (works, agents, venues, subjects) with clusters and metrics.
    pub graph: CitationGraph,
    /// The derived network the clusters were found in, with clusters and metrics.
    pub network: CitationGraph,
    /// Partition and cluster summaries.
    pub clusters: Clusters,
    /// The network kind built.
    pub network_kind: NetworkKind,
    /// Why that kind, when it was chosen from the corpus.
    pub network_reason: Option<String>,
    /// How betweenness was computed on the full graph.
    pub graph_betweenness: BetweennessInfo,
    /// How betweenness was computed on the network.
    pub network_betweenness: BetweennessInfo,
}

impl Analysis {
    /// One line on the network: `network: KIND (REASON); N nodes, M edges`.
    pub fn network_note(&self) -> String {
        let what = match &self.network_reason {
            Some(r) => format!("network: {} ({r})", self.network_kind.as_str()),
            None => format!("network: {}", self.network_kind.as_str()),
        };
        format!("{what}; {} nodes, {} edges", self.network.node_count(), self.network.edge_count())
    }
}

/// Node positions of one graph, by node index (`(x, y)` pairs, serde-ready):
/// what pictures draw and what the exports that carry positions (GEXF,
/// VOSviewer, Pajek, HTML) write. Exports take them from here and never lay
/// out themselves.
pub use crate::layout::Positions;

/// The layout step: ForceAtlas2 positions of `graph` (the network, the full
/// graph, or the part of the network a picture draws) with `options`
/// (`[layout]`). Deterministic per seed.
pub fn lay_out(graph: &CitationGraph, options: &LayoutOptions) -> Positions {
    layout::layout(graph, options)
}

/// Builds the network, clusters it, names the clusters and computes metrics.
pub fn analyse(corpus: &Corpus, opts: &AnalysisOptions) -> Analysis {
    analyse_with(corpus, opts, &mut |_| {})
}

/// [`analyse`], telling `on_step` as each step starts.
pub fn analyse_with(corpus: &Corpus, opts: &AnalysisOptions, on_step: &mut dyn FnMut(Step)) -> Analysis {
    on_step(Step::Network { works: corpus.works.len() });
    let chosen = opts.network.resolve(corpus);
    // The steps below depend only on the corpus and on the graphs as built,
    // and each is deterministic on its own (on any number of threads): they
    // run side by side (`rayon::join`) so that one step's sequential part
    // (Leiden, cluster summaries, attribute maps) overlaps another's parallel
    // work. The results are those of running them one after the other.
    // Progress names each step as it starts.
    on_step(Step::Graph);
    // The works' `sources` texts are made once, for both graphs.
    let sources = graph::work_sources(corpus);
    let (mut network, mut graph) = rayon::join(
        || network::build_with(corpus, &chosen.options, Some(&sources)),
        || graph::build_with(corpus, &opts.graph, Some(&sources)),
    );
    drop(sources);
    on_step(Step::Clustering { nodes: network.graph.node_count(), edges: network.graph.edge_count() });
    on_step(Step::GraphMetrics { nodes: graph.node_count() });
    on_step(Step::NetworkMetrics { nodes: network.node_count() });
    let (clusters, (m, mn)) = rayon::join(
        || find_clusters(corpus, &network, &opts.cluster, &opts.naming),
        || {
            rayon::join(
                || metrics::compute(&graph, corpus, &opts.metrics),
                || metrics::compute(&network, corpus, &opts.metrics),
            )
        },
    );
    // Clusters first, then metrics, on each graph, as when run in turn.
    rayon::join(
        || {
            annotate_clusters(&mut network, &clusters);
            metrics::annotate(&mut network, &mn);
        },
        || {
            annotate_clusters(&mut graph, &clusters);
            metrics::annotate(&mut graph, &m);
        },
    );
    Analysis {
        graph,
        network,
        clusters,
        network_kind: chosen.options.kind,
        network_reason: chosen.reason,
        graph_betweenness: m.betweenness_info,
        network_betweenness: mn.betweenness_info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Attr;
    use crate::model::{Author, Citation, Provenance, Record};

    fn corpus() -> Corpus {
        let cite = |a: &str, y: i32, line: u32| Citation {
            raw: format!("({a}, {y})"),
            authors: vec![Author::person(a)],
            year: Some(y),
            count: 1,
            at: Provenance::new("notes.txt", line, None),
            ..Citation::default()
        };
        let records: Vec<Record> = (0u32..6)
            .map(|i| {
                let mut r = Record::new(Provenance::new("notes.txt", i * 10 + 1, None), "test");
                r.title =
                    Some(format!("Paper {i} on {}", if i < 3 { "perinatal care" } else { "soil carbon" }));
                r.authors = vec![Author::person(&format!("Author{i}, A."))];
                r.published = Some(crate::model::Date::year(2020));
                let shared = if i < 3 {
                    [("Braun", 2006), ("Clarke", 2012)]
                } else {
                    [("Lal", 2004), ("Smith", 2010)]
                };
                r.citations =
                    shared.iter().enumerate().map(|(k, (a, y))| cite(a, *y, i * 10 + 2 + k as u32)).collect();
                r
            })
            .collect();
        crate::resolve::resolve(&records, &crate::resolve::Options::default())
    }

    #[test]
    fn analysis_clusters_names_and_measures_both_graphs_deterministically() {
        let c = corpus();
        let mut steps = Vec::new();
        let a = analyse_with(&c, &AnalysisOptions::default(), &mut |s| steps.push(s.to_string()));
        assert_eq!(steps.len(), 5, "{steps:?}");
        assert!(a.network.node_count() > 0);
        assert!(!a.clusters.summaries.is_empty());
        for g in [&a.network, &a.graph] {
            let clustered = g
                .graph
                .node_weights()
                .filter(|n| matches!(n.attrs.get("cluster"), Some(Attr::Int(_))))
                .count();
            assert!(clustered > 0);
        }
        assert!(a.network_reason.is_some(), "the kind is chosen from the corpus");
        let note = a.network_note();
        assert!(note.starts_with(&format!("network: {} (", a.network_kind.as_str())), "{note}");
        assert!(note.ends_with(&format!(
            "; {} nodes, {} edges",
            a.network.node_count(),
            a.network.edge_count()
        )));
        let b = analyse(&c, &AnalysisOptions::default());
        assert_eq!(a.clusters.partition.clusters, b.clusters.partition.clusters);
        assert_eq!(note, b.network_note());
    }

    #[test]
    fn a_given_kind_keeps_its_own_settings() {
        let c = corpus();
        let choice = NetworkChoice { kind: Some(NetworkKind::Coupling), ..NetworkChoice::default() };
        let chosen = choice.resolve(&c);
        assert_eq!(chosen.options.kind, NetworkKind::Coupling);
        assert_eq!(chosen.reason, None);
        assert_eq!(chosen.options.max_neighbours, Some(NetworkChoice::default().max_neighbours));
        let a = analyse(&c, &AnalysisOptions { network: choice, ..AnalysisOptions::default() });
        assert_eq!(a.network_kind, NetworkKind::Coupling);
        assert!(a.network_note().starts_with("network: coupling; "));
    }
}
