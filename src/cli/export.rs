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

use super::analyse::{default_cluster_args, Analysed};
use super::commands::run_date;
use super::files::write_atomic;
use super::network::NetworkArgs;
use super::render::RenderArgs;
use super::stored::Want;
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
    let mut project = super::stored::open(ctx)?;
    if !args.format.is_records() {
        project.set_thesaurus(args.thesaurus.as_deref())?;
    }
    // Every file of the format (pajek: .net + .clu) is replaced together or not at all.
    let written = super::files::output_set(|| write(args, ctx, &mut project))?;
    if !ctx.quiet && !ctx.json {
        for f in written {
            eprintln!("wrote {}", f.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the export; returns the files written.
/// Refuses to write anything for a store that holds no works.
fn check_works(n: usize, args: &Args) -> Result<()> {
    if n == 0 {
        bail!("the store holds no records: nothing written, {} left as it was", args.out.display());
    }
    Ok(())
}

/// The analysis a graph export writes, with the one graph `--graph` names
/// read from the store (the full graph holds a node for every work).
fn analysis(args: &Args, ctx: &Ctx, project: &mut super::stored::Project) -> Result<Analysed> {
    let want = match args.graph {
        GraphChoice::Map => Want::Network,
        GraphChoice::Full => Want::Graph,
    };
    let p = project.analysis_of(ctx, &NetworkArgs::default(), &default_cluster_args(), want, None)?;
    check_works(p.works, args)?;
    Ok(p.analysis)
}

/// The graph `--graph` names, and what its nodes are called.
fn chosen<'a>(args: &Args, an: &'a Analysed) -> (&'a citemap::graph::CitationGraph, &'static str) {
    match args.graph {
        GraphChoice::Map => (&an.network, "works"),
        GraphChoice::Full => (&an.graph, "nodes"),
    }
}

fn write(args: &Args, ctx: &Ctx, project: &mut super::stored::Project) -> Result<Vec<PathBuf>> {
    // A new export format is dispatched here, by its `export::Target`.
    Ok(match args.format.target() {
        Target::Ris => {
            let corpus = project.corpus(ctx)?;
            check_works(corpus.works.len(), args)?;
            let records = export::records::from_corpus(corpus, args.with_cited);
            let notes = export::records::notes(corpus, args.with_cited);
            write_atomic(&args.out, |w| export::ris::write_noted(&records, &notes, w))?;
            vec![args.out.clone()]
        }
        Target::CslJson => {
            let corpus = project.corpus(ctx)?;
            check_works(corpus.works.len(), args)?;
            let records = export::records::from_corpus(corpus, args.with_cited);
            let notes = export::records::notes(corpus, args.with_cited);
            write_atomic(&args.out, |w| export::csl_json::write_noted(&records, &notes, w))?;
            vec![args.out.clone()]
        }
        Target::Parquet => {
            let an = analysis(args, ctx, project)?;
            let files = write_parquet(&args.out, chosen(args, &an).0)?;
            forget(an);
            files
        }
        Target::Graph => {
            let an = analysis(args, ctx, project)?;
            let (g, what) = chosen(args, &an);
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
            // The layout the format draws or carries, kept beside the analysis.
            let laid_out = if needs_positions(format, &ra) {
                let which = match args.graph {
                    GraphChoice::Map => "network",
                    GraphChoice::Full => "graph",
                };
                Some(project.positions(which, g, &ra.layout, || super::render::positions(g, &ra))?)
            } else {
                None
            };
            let files = super::render::run_at(&ra, g, laid_out.as_ref())?;
            forget(an);
            files
        }
    })
}

/// True when writing `format` lays the graph out with the built-in layout:
/// the exports that carry positions, and pictures the built-in engine
/// draws node by node.
fn needs_positions(format: citemap::render::Format, ra: &RenderArgs) -> bool {
    use citemap::render::svg::View;
    use citemap::render::{Engine, Format};
    match format {
        Format::Gexf | Format::Vosviewer | Format::VosviewerTxt | Format::Pajek | Format::Html => true,
        Format::Svg | Format::Png => {
            ra.picture.engine == Engine::Builtin
                && !matches!(ra.picture.view, View::Timeline | View::Umbrella)
        }
        _ => false,
    }
}

/// Leaves the analysis unfreed: the command ends right after writing, and
/// freeing the millions of small allocations of a big graph one by one
/// would only cost time (the process's exit returns its memory at once).
fn forget(an: Analysed) {
    std::mem::forget(an);
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
