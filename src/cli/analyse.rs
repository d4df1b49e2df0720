//! The CLI side of the shared analysis ([`citemap::pipeline::analyse`]): maps
//! the network and cluster flags and the configuration onto
//! [`AnalysisOptions`], and reports each step as progress; plus the
//! `--thesaurus` option the graph commands share.

use super::clusters::ClustersArgs;
use super::network::{self, NetworkArgs};
use super::progress;
use anyhow::Result;
use citemap::config::Config;
use citemap::model::Corpus;
use citemap::pipeline::{self, AnalysisOptions};

/// The analysed graphs (see [`citemap::pipeline::Analysis`]).
pub type Analysed = pipeline::Analysis;

/// No clustering flags: the configured clustering.
pub fn default_cluster_args() -> ClustersArgs {
    ClustersArgs::default()
}

/// The library options for this configuration with these flags on top.
pub fn options(config: &Config, net: &NetworkArgs, cl: &ClustersArgs) -> Result<AnalysisOptions> {
    Ok(AnalysisOptions {
        network: network::choice(&config.network, net)?,
        cluster: cl.cluster_options(&config.cluster),
        naming: cl.naming_options(&config.naming),
        graph: config.graph.build_options(),
        metrics: config.metrics.clone(),
    })
}

/// Builds the network (`net`), clusters it (`cl`) and computes metrics.
pub fn analyse(corpus: &Corpus, config: &Config, net: &NetworkArgs, cl: &ClustersArgs) -> Result<Analysed> {
    let opts = options(config, net, cl)?;
    Ok(pipeline::analyse_with(corpus, &opts, &mut |step| progress::step(step)))
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
