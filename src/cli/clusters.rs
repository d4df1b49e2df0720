//! `citemap clusters`: Leiden clustering of a derived network, cluster names,
//! and a table (or JSON) of the clusters.

use anyhow::Result;
use citemap::analysis::cluster::{self, ClusterOptions, Partition, Quality};
use citemap::analysis::naming::{self, ClusterSummary, NamingOptions};
use citemap::graph::{format_float, CitationGraph};
use citemap::model::Corpus;
use std::io::Write;

/// Arguments of `citemap clusters` (plus the network arguments).
#[derive(Clone, Debug, clap::Args)]
pub struct ClustersArgs {
    /// Quality function.
    #[arg(long, value_enum, ignore_case = true, default_value_t = Quality::Modularity)]
    pub quality: Quality,
    /// Resolution (higher: more, smaller clusters).
    #[arg(long, default_value_t = 1.0)]
    pub resolution: f64,
    /// Random seed (same seed, same clusters).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Maximum Leiden iterations.
    #[arg(long, default_value_t = 50)]
    pub iterations: usize,
    /// Pass pendant nodes (one neighbour) to Leiden instead of attaching them to their neighbour.
    #[arg(long)]
    pub keep_leaves: bool,
    /// Terms in each cluster name.
    #[arg(long, default_value_t = 3)]
    pub name_terms: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// What `clusters` computed: the partition and the summaries.
pub struct Clusters {
    /// The partition of the network's nodes.
    pub partition: Partition,
    /// One summary per cluster.
    pub summaries: Vec<ClusterSummary>,
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
    let opts = ClusterOptions {
        quality: args.quality,
        resolution: args.resolution,
        seed: args.seed,
        iterations: args.iterations,
        attach_leaves: !args.keep_leaves,
    };
    let partition = cluster::leiden(network, &opts);
    let nopts = NamingOptions { name_terms: args.name_terms, ..NamingOptions::default() };
    let summaries = naming::summarise(corpus, network, &partition, &nopts);
    let names = naming::names(&summaries);
    cluster::annotate(network, &partition, &names);
    if let Some(g) = full {
        cluster::annotate(g, &partition, &names);
    }
    if args.json {
        let v = serde_json::json!({
            "clusters": summaries,
            "modularity": partition.modularity,
            "unclustered": partition.clusters.iter().filter(|&&c| c == 0).count(),
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
    } else {
        write_table(&summaries, &partition, out)?;
    }
    Ok(Clusters { partition, summaries })
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
