//! `citemap ingest PATH...`: add documents to the store in one transaction
//! and report, per file, the format detected, records read, records merged
//! with other sources, and what was skipped and why.

use super::pipeline::{print_diagnostics, read_inputs};
use super::Ctx;
use anyhow::{Context, Result};
use citemap::resolve;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `ingest`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files and folders to add (folders recursively; `-` reads standard input).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[derive(Serialize)]
struct FileReport<'a> {
    path: &'a str,
    format: Option<&'a str>,
    /// Records the reader met, dropped ones (each with a warning) included.
    records_in: usize,
    records: usize,
    /// Records that resolved into a work other inputs also describe.
    merged: usize,
    /// `added`, `already stored` or `skipped`.
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    diagnostics: &'a [citemap::model::Diagnostic],
}

/// Runs `ingest`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let path = &ctx.config.store.path;
    let mut store = super::commands::open_store(ctx)?;
    let inputs = {
        let mut batch = super::commands::write_batch(&mut store, ctx)?;
        let inputs = read_inputs(&args.paths, ctx, Some(&mut batch))?;
        super::progress::step("saving the store");
        batch.commit().context("saving the store")?;
        inputs
    };
    let statuses: Vec<String> =
        inputs.iter().map(|i| i.status.clone().unwrap_or_else(|| "skipped".to_string())).collect();
    // Merged: records of each input whose work also has sources from other
    // inputs (none when the store holds one input: no resolution needed).
    let stored = store.inputs()?;
    let stored_inputs = stored.len();
    let stored_records: u64 = stored.iter().map(|i| i.records).sum();
    let mut merged: BTreeMap<&str, usize> = BTreeMap::new();
    let records;
    let corpus;
    if stored_inputs > 1 {
        records = store.records()?;
        super::progress::step(format_args!("resolving {} records to count merges", records.len()));
        corpus = resolve::resolve(&records, &ctx.config.resolve);
        for w in &corpus.works {
            let inputs_of: BTreeSet<&str> = w.sources.iter().map(|p| p.input.as_str()).collect();
            if inputs_of.len() > 1 && w.kind == citemap::model::WorkKind::Paper {
                for p in &w.sources {
                    *merged.entry(p.input.as_str()).or_insert(0) += 1;
                }
            }
        }
    }
    let reports: Vec<FileReport> = inputs
        .iter()
        .zip(&statuses)
        .map(|(i, s)| FileReport {
            path: &i.report.path,
            format: i.report.format.as_deref(),
            records_in: i.report.records_in,
            records: i.report.records,
            merged: merged.get(i.report.path.as_str()).copied().unwrap_or(0),
            status: s.clone(),
            reason: i.report.skipped.as_deref(),
            diagnostics: &i.report.diagnostics,
        })
        .collect();
    if ctx.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "store": path, "files": reports }))?
        );
    } else {
        if !ctx.quiet {
            print_diagnostics(inputs.iter().flat_map(|i| i.report.diagnostics.iter()));
        }
        for r in &reports {
            match r.reason {
                Some(why) => println!(
                    "{}",
                    citemap::text_safety::strip_controls(&format!("{}: skipped: {why}", r.path))
                ),
                None => println!(
                    "{}: {}, {} record(s), {} merged with other sources, {}",
                    r.path,
                    r.format.unwrap_or("?"),
                    r.records,
                    r.merged,
                    r.status
                ),
            }
        }
        println!("store {}: {stored_inputs} input(s), {stored_records} record(s)", path.display());
    }
    let usable = inputs.iter().any(|i| i.report.records > 0);
    Ok(if usable { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
