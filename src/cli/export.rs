//! `citemap export --format FORMAT --out FILE`: write what is stored.
//!
//! Graph formats (dot, graphml, gexf, vosviewer, vosviewer-txt, pajek, csv,
//! json, html, svg, png) write what `map` draws by default: the network of
//! works with their clusters, cluster names, sizes (citations), positions
//! and metrics, so every tool opens the same map. `--graph full` writes the
//! typed graph instead (works, people, organisations, venues, subjects and
//! every edge kind). `parquet` writes the same graph as two tables
//! (`nodes.parquet`, `edges.parquet`) for DuckDB and Spark. Record formats
//! (ris, csl-json) write the deduplicated corpus for reference managers and
//! screening tools; with `--with-cited`, each cited-only work names the
//! papers it was cited by (`N1` / `note`).

use super::analyse::{analyse, default_cluster_args};
use super::commands::{load_corpus, run_date};
use super::files::write_atomic;
use super::network::NetworkArgs;
use super::render::RenderArgs;
use super::Ctx;
use anyhow::{bail, Result};
use citemap::export::{self, Target};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `export`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output format (parquet: `--out DIR` gives DIR/nodes.parquet +
    /// DIR/edges.parquet; `--out X.parquet` gives X_nodes.parquet + X_edges.parquet).
    #[arg(long, short, value_enum, ignore_case = true)]
    format: export::Format,
    /// Output file (some formats write sibling files with the same stem; `-`:
    /// standard output, for formats that write one file).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// ris / csl-json: also write the cited works that have no record of their own.
    #[arg(long)]
    with_cited: bool,
    /// csv: write cells as they are, without the leading `'` that keeps a
    /// spreadsheet from running a cell starting with = + - @ as a formula.
    #[arg(long)]
    raw_csv: bool,
    /// Graph formats: `map` (the clustered network of works that `map` draws)
    /// or `full` (the typed graph of works, people, venues and subjects).
    #[arg(long, value_enum, default_value_t = GraphChoice::Map)]
    graph: GraphChoice,
    /// Graph formats: VOSviewer thesaurus file (label<TAB>replace by) applied
    /// to terms, names and venues before networks and cluster names.
    #[arg(long, value_name = "FILE")]
    thesaurus: Option<PathBuf>,
}

/// Which graph a graph export writes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphChoice {
    /// The clustered network of works (what `map` draws).
    Map,
    /// The typed graph: works, people, organisations, venues, subjects.
    Full,
}

/// Runs `export`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let (_, mut corpus) = load_corpus(ctx)?;
    if !args.format.is_records() {
        super::analyse::apply_thesaurus(args.thesaurus.as_deref(), &mut corpus)?;
    }
    if corpus.works.is_empty() {
        bail!("the store holds no records: nothing written, {} left as it was", args.out.display());
    }
    // Every file of the format (pajek: .net + .clu) is replaced together or not at all.
    let written = super::files::output_set(|| write(args, ctx, &corpus))?;
    if !ctx.quiet && !ctx.json {
        for f in written {
            eprintln!("wrote {}", f.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the export; returns the files written.
fn write(args: &Args, ctx: &Ctx, corpus: &citemap::model::Corpus) -> Result<Vec<PathBuf>> {
    // A new export format is dispatched here, by its `export::Target`.
    Ok(match args.format.target() {
        Target::Ris => {
            let records = export::records::from_corpus(corpus, args.with_cited);
            let notes = export::records::notes(corpus, args.with_cited);
            write_atomic(&args.out, |w| export::ris::write_noted(&records, &notes, w))?;
            vec![args.out.clone()]
        }
        Target::CslJson => {
            let records = export::records::from_corpus(corpus, args.with_cited);
            let notes = export::records::notes(corpus, args.with_cited);
            write_atomic(&args.out, |w| export::csl_json::write_noted(&records, &notes, w))?;
            vec![args.out.clone()]
        }
        target @ (Target::Graph | Target::Parquet) => {
            let an = analyse(corpus, &ctx.config, &NetworkArgs::default(), &default_cluster_args())?;
            let (g, what) = match args.graph {
                GraphChoice::Map => (&an.network, "works"),
                GraphChoice::Full => (&an.graph, "nodes"),
            };
            if target == Target::Parquet {
                return write_parquet(&args.out, g);
            }
            let format = graph_format(args.format)?;
            let ra = RenderArgs {
                title: Some(format!(
                    "citemap: {} {what} in {} clusters",
                    g.graph.node_count(),
                    an.clusters.summaries.len()
                )),
                date: Some(run_date()),
                raw_csv: args.raw_csv,
                ..RenderArgs::configured(&ctx.config, args.out.clone(), Some(format))
            };
            super::render::run(&ra, g)?
        }
    })
}

/// The picture or graph-file format of a graph export: the `render::Format`
/// of the same name (a test keeps every graph export named as one).
pub fn graph_format(f: export::Format) -> Result<citemap::render::Format> {
    use clap::ValueEnum;
    let name = f.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
    citemap::render::Format::from_str(&name, false)
        .map_err(|_| anyhow::anyhow!("{name} is not a graph format"))
}

/// parquet: the nodes and edges tables, in the folder `out` (created when
/// absent) as `nodes.parquet` + `edges.parquet`, or beside it as
/// `<stem>_nodes.parquet` + `<stem>_edges.parquet` when `out` ends in `.parquet`.
fn write_parquet(out: &std::path::Path, g: &citemap::graph::CitationGraph) -> Result<Vec<PathBuf>> {
    if out.as_os_str() == "-" {
        return Err(super::usage("parquet writes two files: give --out a folder, not -"));
    }
    let (nodes, edges) = if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet")) {
        let stem = out.file_stem().and_then(|s| s.to_str()).unwrap_or("graph");
        (
            out.with_file_name(format!("{stem}_nodes.parquet")),
            out.with_file_name(format!("{stem}_edges.parquet")),
        )
    } else {
        (out.join("nodes.parquet"), out.join("edges.parquet"))
    };
    let opts = export::parquet::Options::default();
    // The Parquet writer needs a `Send` sink: each table is built in memory
    // (compressed, smaller than the graph), then written atomically.
    let mut buf = Vec::new();
    export::parquet::write_nodes(g, &mut buf, &opts)?;
    write_atomic(&nodes, |w| std::io::Write::write_all(w, &buf))?;
    buf.clear();
    export::parquet::write_edges(g, &mut buf, &opts)?;
    write_atomic(&edges, |w| std::io::Write::write_all(w, &buf))?;
    Ok(vec![nodes, edges])
}
