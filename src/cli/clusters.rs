//! `citemap clusters`: Leiden clustering of a derived network, cluster names,
//! and a table (or JSON) of the clusters.

use anyhow::Result;
use citemap::analysis::cluster::{ClusterOptions, Partition, Quality};
use citemap::analysis::naming::{ClusterSummary, NamingOptions};
use citemap::graph::{format_float, CitationGraph};
use citemap::model::Corpus;
use citemap::pipeline;
use std::io::Write;

/// Arguments of `citemap clusters` (plus the network arguments). A flag not
/// given leaves the configured `[cluster]` / `[naming]` value, whose default
/// is the library's ([`ClusterOptions::default`], [`NamingOptions::default`]).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct ClustersArgs {
    /// Quality function (cluster.quality).
    #[arg(long, value_enum, ignore_case = true)]
    pub quality: Option<Quality>,
    /// Resolution: higher gives more, smaller clusters (cluster.resolution).
    #[arg(long)]
    pub resolution: Option<f64>,
    /// Random seed: same seed, same clusters (cluster.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Maximum Leiden iterations (cluster.iterations).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Pass pendant nodes (one neighbour) to Leiden instead of attaching them
    /// to their neighbour (cluster.attach_leaves = false).
    #[arg(long)]
    pub keep_leaves: bool,
    /// Terms in each cluster name (naming.name_terms).
    #[arg(long)]
    pub name_terms: Option<usize>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub use citemap::pipeline::Clusters;

impl ClustersArgs {
    /// The configured Leiden options `base` with these flags on top.
    pub fn cluster_options(&self, base: &ClusterOptions) -> ClusterOptions {
        ClusterOptions {
            quality: self.quality.unwrap_or(base.quality),
            resolution: self.resolution.unwrap_or(base.resolution),
            seed: self.seed.unwrap_or(base.seed),
            iterations: self.iterations.unwrap_or(base.iterations),
            attach_leaves: base.attach_leaves && !self.keep_leaves,
        }
    }
    /// The configured naming options `base` with these flags on top.
    pub fn naming_options(&self, base: &NamingOptions) -> NamingOptions {
        NamingOptions { name_terms: self.name_terms.unwrap_or(base.name_terms), ..base.clone() }
    }
}

/// Clusters `network`, names the clusters, writes `cluster` / `cluster_name`
/// on `network` and on `full` (the whole graph, if given), prints the table.
pub fn run(
    args: &ClustersArgs,
    config: &citemap::config::Config,
    corpus: &Corpus,
    network: &mut CitationGraph,
    full: Option<&mut CitationGraph>,
    out: &mut dyn Write,
) -> Result<Clusters> {
    let clusters = pipeline::cluster(
        corpus,
        network,
        full,
        &args.cluster_options(&config.cluster),
        &args.naming_options(&config.naming),
    );
    let Clusters { partition, summaries } = &clusters;
    if args.json {
        let v = serde_json::json!({
            "clusters": summaries,
            "modularity": partition.modularity,
            "unclustered": partition.clusters.iter().filter(|&&c| c == 0).count(),
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
    } else {
        write_table(summaries, partition, out)?;
    }
    Ok(clusters)
}

/// The clusters as an aligned text table.
pub fn write_table(summaries: &[ClusterSummary], p: &Partition, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{} clusters, modularity {}, {} unclustered",
        p.n_clusters,
        format_float(p.modularity),
        p.clusters.iter().filter(|&&c| c == 0).count()
    )?;
    writeln!(out, "{:>4}  {:>5}  {:<11}  {:<50}  main authors", "#", "size", "years", "name")?;
    for s in summaries {
        let years = match (s.year_min, s.year_max) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "-".into(),
        };
        let authors: Vec<&str> = s.authors.iter().take(3).map(|a| a.name.as_str()).collect();
        let name: String = s.name.chars().take(50).collect();
        writeln!(
            out,
            "{:>4}  {:>5}  {:<11}  {:<50}  {}",
            s.cluster,
            s.size,
            years,
            name,
            authors.join("; ")
        )?;
    }
    Ok(())
}
