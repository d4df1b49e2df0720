//! Command-line interface: argument parsing (clap), configuration loading,
//! one file per subcommand, human and `--json` reports, exit codes.
//!
//! Only this layer touches the terminal, knows clap and anyhow, and maps
//! outcomes to exit codes: 0 success, 1 failure, 2 usage (clap's errors and
//! [`Usage`]); `query` adds 3 not found, 4 ambiguous, 5 no path
//! (`query::Status`), `enrich`/`chase` 3 when some items failed.

mod analyse;
mod chase;
mod clusters;
mod commands;
mod completions;
mod config;
mod dedup;
mod direct;
mod enrich;
mod export;
mod files;
mod ingest;
mod lookup;
mod map;
mod network;
mod overlap;
mod pipeline;
mod progress;
mod query;
mod render;
mod show;
mod stored;

use anyhow::{Context, Result};
use citemap::config::Config;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Turn systematic reviewers' documents and exports into one graph of papers,
/// people and cited works, with the provenance of every fact.
#[derive(Parser, Debug)]
#[command(name = "citemap", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (default: ./config.toml when present, else built-in defaults).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Store file (overrides store.path).
    #[arg(long, global = true, value_name = "FILE")]
    store: Option<PathBuf>,
    /// Print machine-readable JSON on stdout instead of the human report.
    #[arg(long, global = true)]
    json: bool,
    /// Print less on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Let outputs replace symbolic links (their target is written) and write into device files.
    #[arg(long, global = true)]
    force: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read files and folders, resolve them and write the graph with a summary.
    Map(map::Args),
    /// Add documents to the project's store.
    Ingest(ingest::Args),
    /// Write the graph of what is stored.
    Export(export::Args),
    /// Print what is known about a work or person and where each fact came from.
    Show(show::Args),
    /// Draw the clustered map of what is stored (PNG, SVG; Graphviz engines).
    Render(commands::RenderCmd),
    /// Build a derived network (citation, co-citation, coupling, co-author, ...).
    Network(commands::NetworkCmd),
    /// Find and name Leiden clusters.
    Clusters(commands::ClustersCmd),
    /// Co-author questions and rankings.
    Query(commands::QueryCmd),
    /// Umbrella-review overlap: citation matrix, CA, CCA, heatmap.
    Overlap(commands::OverlapCmd),
    /// Tag works (e.g. `citemap tag review WORK...`).
    Tag(commands::TagCmd),
    /// Deduplication report: records per input, duplicates removed by rule, PRISMA numbers.
    DedupReport(dedup::Args),
    /// Fill missing fields of stored works from OpenAlex, PubMed and Crossref (online).
    Enrich(enrich::Args),
    /// Citation chasing from seed works, backward and forward (online).
    Chase(chase::Args),
    /// Print the effective configuration, or the defaults (`--defaults`).
    Config(config::Args),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
    /// Print the man page (roff).
    Man,
}

/// Global settings every subcommand receives.
pub struct Ctx {
    /// Effective configuration (file + flags).
    pub config: Config,
    /// The configuration file read, if any.
    pub config_path: Option<PathBuf>,
    /// `--json`.
    pub json: bool,
    /// `--quiet`.
    pub quiet: bool,
}

/// A usage error found after clap's parsing (a value clap cannot check, a
/// configuration file that does not read): the process exits 2, like clap's
/// own usage errors.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// A usage error (exit 2) with this message.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(msg.into()))
}

/// True when the TOML `text` has a top-level section of citemap's
/// configuration (`[store]`, `[network]`, ...): a `config.toml` without one
/// belongs to another tool.
fn is_citemap_config(text: &str) -> bool {
    let Ok(table) = text.parse::<toml::Table>() else {
        // Not TOML at all: leave it to the parser to say where.
        return true;
    };
    let ours: toml::Table = toml::Table::try_from(Config::default()).unwrap_or_default();
    table.is_empty() || table.keys().any(|k| ours.contains_key(k))
}

/// The configuration: the file `--config` names, else `./config.toml` when
/// present (the only places looked at, as the README says), else the
/// built-in defaults. A `./config.toml` that is not a citemap configuration
/// (none of its sections is ours) is said once and skipped; a citemap
/// configuration that does not read is a usage error.
fn load_config(cli: &Cli) -> Result<(Config, Option<PathBuf>)> {
    let implicit = PathBuf::from("config.toml");
    let path = match &cli.config {
        Some(p) => Some(p.clone()),
        None => Some(implicit).filter(|p| p.is_file()),
    };
    let mut path = path;
    let mut config = match &path {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            if cli.config.is_none() && !is_citemap_config(&text) {
                eprintln!(
                    "warning: ./config.toml is not a citemap configuration (none of its sections is one \
                     of citemap's): using the built-in defaults (`citemap config --defaults` prints them; \
                     --config FILE reads another file)"
                );
                path = None;
                Config::default()
            } else {
                Config::from_toml(&text).map_err(|e| {
                    usage(format!("{} is not a valid citemap configuration: {e}", p.display()))
                })?
            }
        }
        None => Config::default(),
    };
    if let Some(s) = &cli.store {
        config.store.path = s.clone();
    }
    Ok((config, path))
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    // `citemap ... | head`: `println!` panics when stdout's reader has gone;
    // that is not an error, so leave quietly with success.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
    let cli = Cli::parse();
    // These need no configuration file (a broken one is what the defaults help fix).
    let early = match &cli.command {
        Command::Config(config::Args { defaults: true }) => Some(config::print_defaults()),
        Command::Completions(a) => Some(completions::completions(a)),
        Command::Man => Some(completions::man()),
        _ => None,
    };
    if let Some(result) = early {
        return match result {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let (config, config_path) = match load_config(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            // An unreadable file is a failure; one that does not parse, a usage error.
            let usage = e.chain().any(|c| c.is::<Usage>());
            return if usage { ExitCode::from(2) } else { ExitCode::FAILURE };
        }
    };
    progress::init(!cli.quiet && !cli.json);
    files::set_force(cli.force);
    let ctx = Ctx { config, config_path, json: cli.json, quiet: cli.quiet };
    let result = match &cli.command {
        Command::Map(a) => map::run(a, &ctx),
        Command::Ingest(a) => ingest::run(a, &ctx),
        Command::Export(a) => export::run(a, &ctx),
        Command::Show(a) => show::run(a, &ctx),
        Command::Render(a) => commands::render(a, &ctx),
        Command::Network(a) => commands::network(a, &ctx),
        Command::Clusters(a) => commands::clusters(a, &ctx),
        Command::Query(a) => commands::query(a, &ctx),
        Command::Overlap(a) => commands::overlap(a, &ctx),
        Command::Tag(a) => commands::tag(a, &ctx),
        Command::DedupReport(a) => dedup::run(a, &ctx),
        Command::Enrich(a) => enrich::run(a, &ctx),
        Command::Chase(a) => chase::run(a, &ctx),
        Command::Config(a) => config::run(a, &ctx),
        // Answered above, before the configuration is read.
        Command::Completions(a) => completions::completions(a),
        Command::Man => completions::man(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`citemap ... | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Messages may quote input text: sanitised for the terminal.
            eprintln!("error: {}", citemap::text_safety::strip_controls(&format!("{e:#}")));
            if e.chain().any(|c| c.is::<Usage>()) {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
