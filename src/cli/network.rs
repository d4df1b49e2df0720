//! `citemap network`: builds a derived network from the resolved corpus and
//! reports its size; the graph is handed back for export by the caller.

use anyhow::{bail, Result};
use citemap::analysis::network::{self, Counting, Filters, HybridSpec, NetworkKind};
use citemap::graph::CitationGraph;
use citemap::model::{Corpus, DocType};
use citemap::pipeline::{NetworkChoice, DEFAULT_MAX_NEIGHBOURS};
use std::io::Write;

/// Arguments of `citemap network`.
#[derive(Clone, Debug, clap::Args)]
pub struct NetworkArgs {
    /// Network kind (default: chosen from what the corpus contains).
    #[arg(long, value_enum, ignore_case = true)]
    pub kind: Option<NetworkKind>,
    /// Fractional counting (1/(k-1) per shared item) instead of full counting.
    #[arg(long)]
    pub fractional: bool,
    /// Drop edges lighter than this.
    #[arg(long, default_value_t = 0.0)]
    pub min_weight: f64,
    /// Earliest year.
    #[arg(long)]
    pub year_from: Option<i32>,
    /// Latest year.
    #[arg(long)]
    pub year_to: Option<i32>,
    /// Document types to keep (article, review, systematic-review, ...), repeatable.
    #[arg(long = "doc-type")]
    pub doc_types: Vec<String>,
    /// Minimum citations (times cited or in-corpus, the larger).
    #[arg(long)]
    pub min_citations: Option<u64>,
    /// Cited-only works need this many citing papers (default: 2 above 2,000
    /// papers when the network kind is chosen automatically, else 1).
    #[arg(long)]
    pub min_cited_by: Option<u64>,
    /// Minimum node degree.
    #[arg(long, default_value_t = 0)]
    pub min_degree: usize,
    /// Keep the largest connected component only.
    #[arg(long)]
    pub largest_component: bool,
    /// Keep the N nodes with the largest weighted degree.
    #[arg(long)]
    pub top: Option<usize>,
    /// Keep nodes without edges.
    #[arg(long)]
    pub keep_isolates: bool,
    /// Hybrid components as kind=weight, repeatable (e.g. --hybrid coupling=1 --hybrid similarity=0.5).
    #[arg(long = "hybrid")]
    pub hybrid: Vec<String>,
    /// Text similarity: neighbours kept per work.
    #[arg(long, default_value_t = 10)]
    pub similar_top_k: usize,
    /// Each node keeps its N heaviest edges (an edge stays when either end
    /// keeps it); bounds coupling and co-citation networks of big corpora.
    /// 0 keeps every edge.
    #[arg(long, default_value_t = DEFAULT_MAX_NEIGHBOURS)]
    pub max_neighbours: usize,
}

impl Default for NetworkArgs {
    /// The same defaults as the command line.
    fn default() -> Self {
        NetworkArgs {
            kind: None,
            fractional: false,
            min_weight: 0.0,
            year_from: None,
            year_to: None,
            doc_types: Vec::new(),
            min_citations: None,
            min_cited_by: None,
            min_degree: 0,
            largest_component: false,
            top: None,
            keep_isolates: false,
            hybrid: Vec::new(),
            similar_top_k: 10,
            max_neighbours: DEFAULT_MAX_NEIGHBOURS,
        }
    }
}

fn parse_doc_type(s: &str) -> Option<DocType> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_lowercase())).ok()
}

/// Turns the arguments into the library's network choice.
pub fn choice(args: &NetworkArgs) -> Result<NetworkChoice> {
    let mut c = NetworkChoice { kind: args.kind, ..NetworkChoice::default() };
    if !args.hybrid.is_empty() {
        let mut components = Vec::new();
        for h in &args.hybrid {
            let (k, w) = h.split_once('=').unwrap_or((h.as_str(), "1"));
            let Some(kind) = NetworkKind::parse(k) else { bail!("unknown hybrid component {k:?}") };
            let w: f64 = w.trim().parse().map_err(|_| anyhow::anyhow!("bad hybrid weight in {h:?}"))?;
            components.push((kind, w));
        }
        c.hybrid = Some(HybridSpec { components });
    }
    let o = &mut c.options;
    o.counting = if args.fractional { Counting::Fractional } else { Counting::Full };
    o.min_weight = args.min_weight;
    let mut doc_types = Vec::new();
    for d in &args.doc_types {
        let Some(dt) = parse_doc_type(d) else { bail!("unknown document type {d:?}") };
        doc_types.push(dt);
    }
    o.filters = Filters {
        year_min: args.year_from,
        year_max: args.year_to,
        doc_types,
        min_citations: args.min_citations,
        min_cited_by: args.min_cited_by,
        papers_only: false,
        min_degree: args.min_degree,
        largest_component: args.largest_component,
        top_n: args.top,
        keep_isolates: args.keep_isolates,
    };
    o.similarity.top_k = args.similar_top_k;
    o.max_neighbours = (args.max_neighbours > 0).then_some(args.max_neighbours);
    Ok(c)
}

/// Builds the network and writes a one-paragraph summary to `out`.
pub fn run(args: &NetworkArgs, corpus: &Corpus, out: &mut dyn Write) -> Result<CitationGraph> {
    let chosen = choice(args)?.resolve(corpus);
    let o = &chosen.options;
    let g = network::build(corpus, o);
    if let Some(n) = chosen.reason {
        writeln!(out, "network: {} ({n})", o.kind.as_str())?;
    } else {
        writeln!(out, "network: {}", o.kind.as_str())?;
    }
    writeln!(out, "{} nodes, {} edges", g.node_count(), g.edge_count())?;
    Ok(g)
}
