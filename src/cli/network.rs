//! `citemap network`: builds a derived network from the resolved corpus and
//! reports its size; the graph is handed back for export by the caller.
//!
//! The network flags override `[network]` of the configuration: a flag not
//! given leaves the configured value (whose default is
//! [`NetworkChoice::default`]), so no default is written here.

use anyhow::Result;
use citemap::analysis::network::{self, Counting, HybridSpec, NetworkKind};
use citemap::graph::CitationGraph;
use citemap::model::{Corpus, DocType};
use citemap::pipeline::NetworkChoice;
use std::io::Write;

/// Arguments of `citemap network`.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct NetworkArgs {
    /// Network kind (network.kind; default: chosen from what the corpus contains).
    #[arg(long, value_enum, ignore_case = true)]
    pub kind: Option<NetworkKind>,
    /// Fractional counting (1/(k-1) per shared item) instead of full counting.
    #[arg(long)]
    pub fractional: bool,
    /// Drop edges lighter than this (network.min_weight).
    #[arg(long)]
    pub min_weight: Option<f64>,
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
    /// Minimum node degree (network.filters.min_degree).
    #[arg(long)]
    pub min_degree: Option<usize>,
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
    /// Text similarity: neighbours kept per work (network.similarity.top_k).
    #[arg(long)]
    pub similar_top_k: Option<usize>,
    /// Each node keeps its N heaviest edges (an edge stays when either end
    /// keeps it); bounds coupling and co-citation networks of big corpora.
    /// 0 keeps every edge (network.max_neighbours).
    #[arg(long)]
    pub max_neighbours: Option<usize>,
}

fn parse_doc_type(s: &str) -> Option<DocType> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_lowercase())).ok()
}

/// The configured network choice `base` with the flags given applied on top.
pub fn choice(base: &NetworkChoice, args: &NetworkArgs) -> Result<NetworkChoice> {
    let mut c = base.clone();
    if args.kind.is_some() {
        c.kind = args.kind;
    }
    if !args.hybrid.is_empty() {
        let mut components = Vec::new();
        for h in &args.hybrid {
            let (k, w) = h.split_once('=').unwrap_or((h.as_str(), "1"));
            let Some(kind) = NetworkKind::parse(k) else {
                return Err(super::usage(format!("unknown hybrid component {k:?}")));
            };
            let w: f64 = w.trim().parse().map_err(|_| super::usage(format!("bad hybrid weight in {h:?}")))?;
            components.push((kind, w));
        }
        c.hybrid = Some(HybridSpec { components });
    }
    if args.fractional {
        c.counting = Counting::Fractional;
    }
    if let Some(w) = args.min_weight {
        c.min_weight = w;
    }
    if !args.doc_types.is_empty() {
        let mut doc_types = Vec::new();
        for d in &args.doc_types {
            let Some(dt) = parse_doc_type(d) else {
                return Err(super::usage(format!("unknown document type {d:?}")));
            };
            doc_types.push(dt);
        }
        c.filters.doc_types = doc_types;
    }
    let f = &mut c.filters;
    f.year_min = args.year_from.or(f.year_min);
    f.year_max = args.year_to.or(f.year_max);
    f.min_citations = args.min_citations.or(f.min_citations);
    f.min_cited_by = args.min_cited_by.or(f.min_cited_by);
    f.min_degree = args.min_degree.unwrap_or(f.min_degree);
    f.largest_component |= args.largest_component;
    f.top_n = args.top.or(f.top_n);
    f.keep_isolates |= args.keep_isolates;
    c.similarity.top_k = args.similar_top_k.unwrap_or(c.similarity.top_k);
    c.max_neighbours = args.max_neighbours.unwrap_or(c.max_neighbours);
    Ok(c)
}

/// Builds the network and writes a one-paragraph summary to `out`.
pub fn run(
    base: &NetworkChoice,
    args: &NetworkArgs,
    corpus: &Corpus,
    out: &mut dyn Write,
) -> Result<CitationGraph> {
    let chosen = choice(base, args)?.resolve(corpus);
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
