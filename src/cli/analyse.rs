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
        quality: citemap::analysis::cluster::Quality::Modularity,
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

/// The thesaurus of `--thesaurus FILE` applied to `corpus` (before networks
/// and naming); `None` without the option. Bad lines are warned about.
pub fn apply_thesaurus(
    path: Option<&std::path::Path>,
    corpus: &mut Corpus,
) -> Result<Option<ThesaurusReport>> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("reading the thesaurus {}: {e}", path.display()))?;
    let file = path.to_string_lossy().replace('\\', "/");
    let (t, diagnostics) = citemap::analysis::thesaurus::Thesaurus::parse(&file, &text);
    super::pipeline::print_diagnostics(&diagnostics);
    let applied = t.apply(corpus);
    Ok(Some(ThesaurusReport { file, applied }))
}

/// The thesaurus as listed in `summary.json`.
#[derive(serde::Serialize, Debug, Clone)]
pub struct ThesaurusReport {
    /// The file given.
    pub file: String,
    /// What it changed.
    #[serde(flatten)]
    pub applied: citemap::analysis::thesaurus::Applied,
}
