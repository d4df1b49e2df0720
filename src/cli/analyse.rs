//! The analysis every graph output shares: the default derived network of the
//! corpus, its Leiden clusters with names, and metrics, written as node
//! attributes (`cluster`, `cluster_name`, `pagerank` ...) on both the network
//! and the full graph of works, people, venues and subjects.

use super::clusters::{self, Clusters, ClustersArgs};
use super::network::{self, NetworkArgs};
use super::progress;
use anyhow::Result;
use citemap::analysis::metrics;
use citemap::config::Config;
use citemap::graph::{self, CitationGraph};
use citemap::model::Corpus;

/// The analysed graphs.
pub struct Analysed {
    /// The full graph (works, agents, venues, subjects) with clusters and metrics.
    pub graph: CitationGraph,
    /// The derived network the clusters were found in.
    pub network: CitationGraph,
    /// Partition and cluster summaries.
    pub clusters: Clusters,
    /// What the network is and why (e.g. the default rule applied).
    pub network_note: String,
    /// How betweenness was computed on the full graph.
    pub graph_betweenness: metrics::BetweennessInfo,
    /// How betweenness was computed on the network.
    pub network_betweenness: metrics::BetweennessInfo,
}

/// Default clustering settings.
pub fn default_cluster_args() -> ClustersArgs {
    ClustersArgs {
        quality: "modularity".into(),
        resolution: 1.0,
        seed: 42,
        iterations: 50,
        keep_leaves: false,
        name_terms: 3,
        json: false,
    }
}

/// Builds the network (`net`), clusters it (`cl`) and computes metrics.
pub fn analyse(corpus: &Corpus, config: &Config, net: &NetworkArgs, cl: &ClustersArgs) -> Result<Analysed> {
    let mut note = Vec::new();
    progress::step(format_args!("building the network of {} works", corpus.works.len()));
    let mut network = network::run(net, corpus, &mut note)?;
    progress::step("building the full graph");
    let mut graph = graph::build(corpus, &config.graph.build_options());
    progress::step(format_args!(
        "clustering {} nodes, {} edges",
        network.graph.node_count(),
        network.graph.edge_count()
    ));
    let clusters = clusters::run(cl, corpus, &mut network, Some(&mut graph), &mut std::io::sink())?;
    progress::step(format_args!("metrics of the full graph ({} nodes)", graph.node_count()));
    let m = metrics::compute(&graph, corpus, &config.metrics);
    metrics::annotate(&mut graph, &m);
    progress::step(format_args!("metrics of the network ({} nodes)", network.node_count()));
    let mn = metrics::compute(&network, corpus, &config.metrics);
    metrics::annotate(&mut network, &mn);
    Ok(Analysed {
        graph,
        network,
        clusters,
        network_note: String::from_utf8_lossy(&note).trim().replace('\n', "; "),
        graph_betweenness: m.betweenness_info,
        network_betweenness: mn.betweenness_info,
    })
}
