//! `citemap clusters`: Leiden clustering of a derived network, cluster names,
//! and a table (or JSON) of the clusters.

use anyhow::Result;
use citemap::analysis::cluster::{ClusterOptions, Partition, Quality};
use citemap::analysis::naming::{ClusterSummary, NamingOptions};
use citemap::graph::{format_float, CitationGraph};
use citemap::model::Corpus;
use citemap::pipeline;
use std::io::Write;

/// Arguments of `citemap clusters` (plus the network arguments).
#[derive(Clone, Debug, clap::Args)]
pub struct ClustersArgs {
    /// Quality function.
    #[arg(long, value_enum, ignore_case = true, default_value_t = ClusterOptions::default().quality)]
    pub quality: Quality,
    /// Resolution (higher: more, smaller clusters).
    #[arg(long, default_value_t = ClusterOptions::default().resolution)]
    pub resolution: f64,
    /// Random seed (same seed, same clusters).
    #[arg(long, default_value_t = ClusterOptions::default().seed)]
    pub seed: u64,
    /// Maximum Leiden iterations.
    #[arg(long, default_value_t = ClusterOptions::default().iterations)]
    pub iterations: usize,
    /// Pass pendant nodes (one neighbour) to Leiden instead of attaching them to their neighbour.
    #[arg(long)]
    pub keep_leaves: bool,
    /// Terms in each cluster name.
    #[arg(long, default_value_t = NamingOptions::default().name_terms)]
    pub name_terms: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub use citemap::pipeline::Clusters;

impl Default for ClustersArgs {
    /// The library's defaults (what the command line defaults to).
    fn default() -> Self {
        let c = ClusterOptions::default();
        ClustersArgs {
            quality: c.quality,
            resolution: c.resolution,
            seed: c.seed,
            iterations: c.iterations,
            keep_leaves: !c.attach_leaves,
            name_terms: NamingOptions::default().name_terms,
            json: false,
        }
    }
}

impl ClustersArgs {
    /// The library's Leiden options for these arguments.
    pub fn cluster_options(&self) -> ClusterOptions {
        ClusterOptions {
            quality: self.quality,
            resolution: self.resolution,
            seed: self.seed,
            iterations: self.iterations,
            attach_leaves: !self.keep_leaves,
        }
    }
    /// The library's naming options for these arguments.
    pub fn naming_options(&self) -> NamingOptions {
        NamingOptions { name_terms: self.name_terms, ..NamingOptions::default() }
    }
}

/// Clusters `network`, names the clusters, writes `cluster` / `cluster_name`
/// on `network` and on `full` (the whole graph, if given), prints the table.
pub fn run(
    args: &ClustersArgs,
    corpus: &Corpus,
    network: &mut CitationGraph,
    full: Option<&mut CitationGraph>,
    out: &mut dyn Write,
) -> Result<Clusters> {
    let clusters = pipeline::cluster(corpus, network, full, &args.cluster_options(), &args.naming_options());
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
