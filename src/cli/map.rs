//! `citemap map PATH... --out DIR`: the one-shot pipeline. Reads every file,
//! resolves, builds the graph and writes `graph.dot`, `graph.graphml` and
//! `summary.json` (counts, warnings, conflicts, inputs, settings, version).

use super::files::write_atomic;
use super::pipeline::{print_diagnostics, read_inputs, InputReport};
use super::Ctx;
use anyhow::{bail, Result};
use citemap::graph::{self, CitationGraph};
use citemap::model::{Corpus, Diagnostic, Record, Severity};
use citemap::{export, resolve};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `map`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files and folders to read (folders recursively).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Graph formats to write (overrides map.formats): dot, graphml.
    #[arg(long, value_delimiter = ',')]
    format: Vec<String>,
}

/// Counts in the summary.
#[derive(Serialize)]
pub struct Counts {
    records: usize,
    works: usize,
    papers: usize,
    cited_works: usize,
    people: usize,
    organisations: usize,
    venues: usize,
    subjects: usize,
    nodes: BTreeMap<String, usize>,
    edges: BTreeMap<String, usize>,
}

/// A conflict as reported in the summary.
#[derive(Serialize)]
struct ConflictReport<'a> {
    work: &'a str,
    label: &'a str,
    #[serde(flatten)]
    conflict: &'a citemap::model::Conflict,
}

/// `summary.json`.
#[derive(Serialize)]
struct Summary<'a> {
    tool: &'static str,
    version: &'static str,
    command: &'static str,
    config_file: Option<String>,
    settings: &'a citemap::config::Config,
    inputs: Vec<&'a InputReport>,
    counts: Counts,
    conflicts: Vec<ConflictReport<'a>>,
    warnings: Vec<&'a Diagnostic>,
    skipped: Vec<BTreeMap<&'static str, String>>,
    outputs: Vec<String>,
}

/// Counts the corpus and graph.
pub fn counts(records: usize, corpus: &Corpus, g: &CitationGraph) -> Counts {
    use citemap::model::{AgentKind, WorkKind};
    Counts {
        records,
        works: corpus.works.len(),
        papers: corpus.works.iter().filter(|w| w.kind == WorkKind::Paper).count(),
        cited_works: corpus.works.iter().filter(|w| w.kind == WorkKind::CitedWork).count(),
        people: corpus.agents.iter().filter(|a| a.kind == AgentKind::Person).count(),
        organisations: corpus.agents.iter().filter(|a| a.kind == AgentKind::Organisation).count(),
        venues: corpus.venues.len(),
        subjects: corpus.subjects.len(),
        nodes: g.count_nodes().into_iter().map(|(k, v)| (k.as_str().to_string(), v)).collect(),
        edges: g.count_edges().into_iter().map(|(k, v)| (k.as_str().to_string(), v)).collect(),
    }
}

/// Runs `map`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let formats = if args.format.is_empty() { ctx.config.map.formats.clone() } else { args.format.clone() };
    for f in &formats {
        if !matches!(f.as_str(), "dot" | "graphml") {
            bail!("unknown map format {f:?} (expected dot, graphml)");
        }
    }
    let inputs = read_inputs(&args.paths, ctx);
    let records: Vec<Record> =
        inputs.iter().filter_map(|i| i.data.as_ref()).flat_map(|(_, p)| p.records.iter().cloned()).collect();
    let corpus = resolve::resolve(&records, &ctx.config.resolve);
    let g = graph::build(&corpus, &ctx.config.graph.build_options());

    let mut outputs = Vec::new();
    for f in &formats {
        let name = format!("graph.{f}");
        let path = args.out.join(&name);
        match f.as_str() {
            "dot" => write_atomic(&path, |w| export::dot::write(&g, w, &export::dot::Options::default()))?,
            _ => {
                write_atomic(&path, |w| export::graphml::write(&g, w, &export::graphml::Options::default()))?
            }
        }
        outputs.push(name);
    }
    outputs.push("summary.json".into());

    let warnings: Vec<&Diagnostic> = inputs
        .iter()
        .flat_map(|i| i.report.diagnostics.iter())
        .chain(corpus.diagnostics.iter())
        .filter(|d| d.severity >= Severity::Info)
        .collect();
    let skipped = inputs
        .iter()
        .filter_map(|i| {
            i.report
                .skipped
                .as_ref()
                .map(|why| BTreeMap::from([("input", i.report.path.clone()), ("reason", why.clone())]))
        })
        .collect();
    let conflicts = corpus
        .conflicts
        .iter()
        .map(|c| {
            let w = &corpus.works[c.work as usize];
            ConflictReport { work: &w.id, label: &w.label, conflict: &c.conflict }
        })
        .collect();
    let summary = Summary {
        tool: "citemap",
        version: citemap::VERSION,
        command: "map",
        config_file: ctx.config_path.as_ref().map(|p| p.to_string_lossy().replace('\\', "/")),
        settings: &ctx.config,
        inputs: inputs.iter().map(|i| &i.report).collect(),
        counts: counts(records.len(), &corpus, &g),
        conflicts,
        warnings,
        skipped,
        outputs,
    };
    let json = serde_json::to_string_pretty(&summary)?;
    write_atomic(&args.out.join("summary.json"), |w| {
        w.write_all(json.as_bytes())?;
        w.write_all(b"\n")
    })?;

    if ctx.json {
        println!("{json}");
    } else {
        if !ctx.quiet {
            print_diagnostics(summary.warnings.iter().copied());
        }
        let c = &summary.counts;
        println!(
            "read {} input(s), {} record(s): {} works ({} papers, {} cited works), {} people, {} organisations, {} venues, {} subjects",
            inputs.len(),
            c.records,
            c.works,
            c.papers,
            c.cited_works,
            c.people,
            c.organisations,
            c.venues,
            c.subjects
        );
        let edges: Vec<String> = c.edges.iter().map(|(k, v)| format!("{v} {k}")).collect();
        println!("edges: {}", edges.join(", "));
        for i in &inputs {
            if let Some(why) = &i.report.skipped {
                println!("skipped {}: {why}", i.report.path);
            }
        }
        if !corpus.conflicts.is_empty() {
            println!("{} conflict(s) between sources, listed in summary.json", corpus.conflicts.len());
        }
        println!(
            "wrote {}",
            summary
                .outputs
                .iter()
                .map(|o| args.out.join(o).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(if records.is_empty() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
