//! `citemap export --format FORMAT --out FILE`: write the graph of what is
//! stored.

use super::files::write_atomic;
use super::Ctx;
use anyhow::{bail, Context, Result};
use citemap::store::Store;
use citemap::{export, graph, resolve};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `export`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output format: dot, graphml.
    #[arg(long, short)]
    format: String,
    /// Output file.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
}

/// Runs `export`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let path = &ctx.config.store.path;
    if !path.exists() {
        bail!("no store at {} (run `citemap ingest PATH...` first)", path.display());
    }
    let store = Store::open(path).with_context(|| format!("opening the store {}", path.display()))?;
    let records = store.records()?;
    let corpus = resolve::resolve(&records, &ctx.config.resolve);
    let g = graph::build(&corpus, &ctx.config.graph.build_options());
    match args.format.as_str() {
        "dot" => write_atomic(&args.out, |w| export::dot::write(&g, w, &export::dot::Options::default()))?,
        "graphml" => {
            write_atomic(&args.out, |w| export::graphml::write(&g, w, &export::graphml::Options::default()))?
        }
        other => bail!("unknown export format {other:?} (expected dot, graphml)"),
    }
    if !ctx.quiet && !ctx.json {
        eprintln!("wrote {} ({} nodes, {} edges)", args.out.display(), g.node_count(), g.edge_count());
    }
    Ok(ExitCode::SUCCESS)
}
