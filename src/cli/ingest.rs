//! `citemap ingest PATH...`: add documents to the store in one transaction
//! and report, per file, the format detected, records read, records merged
//! with other sources, and what was skipped and why.

use super::pipeline::{print_diagnostics, read_inputs, Destination, ReadInput};
use super::Ctx;
use anyhow::{Context, Result};
use citemap::resolve;
use citemap::store::{Batch, Store};
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

/// Adds the files of `paths` to the store in one transaction (inputs
/// stored before are only hashed, results kept for the old inputs dropped
/// when one is added); returns the store and what each file came to.
pub fn add(paths: &[PathBuf], ctx: &Ctx) -> Result<(Store, Vec<ReadInput>)> {
    add_to(paths, ctx, false)
}

/// [`add`], the records read also kept in memory ([`ReadInput::parsed`],
/// see [`Destination::StoreAndMemory`]); nothing is stored when no record
/// was read.
pub fn add_keeping(paths: &[PathBuf], ctx: &Ctx) -> Result<(Store, Vec<ReadInput>)> {
    add_to(paths, ctx, true)
}

fn add_to(paths: &[PathBuf], ctx: &Ctx, keep: bool) -> Result<(Store, Vec<ReadInput>)> {
    let mut store = super::commands::open_store(ctx)?;
    let inputs = {
        let mut batch = super::commands::write_batch(&mut store, ctx)?;
        let dest =
            if keep { Destination::StoreAndMemory(&mut batch) } else { Destination::Store(&mut batch) };
        let inputs = read_inputs(paths, ctx, dest)?;
        if keep && inputs.iter().all(|i| i.parsed.as_ref().is_none_or(|p| p.records.is_empty())) {
            // Dropped without commit: the store is left as it was.
            drop(batch);
            return Ok((store, inputs));
        }
        key_stored_records(&mut batch)?;
        if inputs.iter().any(|i| i.status.as_deref() == Some("added")) {
            batch.clear_results()?;
        }
        super::progress::step("saving the store");
        batch.commit().context("saving the store")?;
        inputs
    };
    Ok((store, inputs))
}

/// Runs `ingest`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let path = &ctx.config.store.path;
    let (store, inputs) = add(&args.paths, ctx)?;
    let statuses: Vec<String> =
        inputs.iter().map(|i| i.status.clone().unwrap_or_else(|| "skipped".to_string())).collect();
    let stored = store.inputs()?;
    let stored_inputs = stored.len();
    let stored_records: u64 = stored.iter().map(|i| i.records).sum();
    let asked: Vec<i64> =
        inputs.iter().filter_map(|i| i.input_id).collect::<BTreeSet<_>>().into_iter().collect();
    let changes =
        if stored_inputs > 1 && !asked.is_empty() { Some(changes(&store, &asked, ctx)?) } else { None };
    let merged = changes.as_ref().map(|c| c.merged.clone()).unwrap_or_default();
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
            serde_json::to_string_pretty(
                &serde_json::json!({ "store": path, "files": reports, "changes": changes })
            )?
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
        if let Some(c) = &changes {
            println!(
                "resolved with {} stored record(s) sharing a key: {} new work(s), {} record(s) merged into stored works, {} citation edge(s) added",
                c.stored_records_compared, c.works_added, c.records_merged_into_stored, c.citation_edges_added
            );
        }
        println!("store {}: {stored_inputs} input(s), {stored_records} record(s)", path.display());
    }
    let usable = inputs.iter().any(|i| i.report.records > 0);
    Ok(if usable { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Gives blocking keys to stored records that have none of this build's
/// version (a store written by an older build, or inputs kept by the online
/// commands), in the ingest's transaction: once per input.
fn key_stored_records(batch: &mut Batch) -> Result<()> {
    for id in batch.unkeyed_inputs(resolve::BLOCKING_KEYS_VERSION)? {
        let keys: Vec<Vec<String>> = batch.input_records(id)?.iter().map(resolve::blocking_keys).collect();
        batch.set_keys(id, &keys, resolve::BLOCKING_KEYS_VERSION)?;
    }
    Ok(())
}

/// What an ingest changed, found by resolving the records of the inputs
/// named on the command line together with the stored records that share a
/// blocking key with one of them (the resolver compares no other pairs), not
/// the whole store.
#[derive(Serialize)]
struct Changes {
    /// Stored records of other inputs resolved with the new ones.
    stored_records_compared: usize,
    /// Works holding only records of the inputs named.
    works_added: usize,
    /// Records of the inputs named that joined a work with stored records of other inputs.
    records_merged_into_stored: usize,
    /// Citation edges (citing work -> cited work) the store's citation
    /// graph gains: the edges of the records compared with the new ones,
    /// less those of the stored records compared alone (negative when the
    /// new records join works whose edges then merge).
    citation_edges_added: i64,
    /// Per input label: its records in a work other inputs also describe.
    #[serde(skip)]
    merged: BTreeMap<String, usize>,
}

fn changes(store: &Store, asked: &[i64], ctx: &Ctx) -> Result<Changes> {
    let sharing = store.sharing_keys(asked)?;
    let records = store.records_at(asked, &sharing)?;
    super::progress::step(format_args!(
        "resolving {} records ({} stored ones share a key with them) to count merges",
        records.len(),
        sharing.len()
    ));
    let labels: BTreeSet<String> =
        store.inputs()?.into_iter().filter(|i| asked.contains(&i.id)).map(|i| i.label).collect();
    let opts = &ctx.config.resolve;
    let now = resolve::linkage(&records, opts);
    // The stored records come after the new ones; resolved alone, they give
    // the edges the store had among them.
    let before = resolve::linkage(&records[records.len().saturating_sub(sharing.len())..], opts);
    let mut c = Changes {
        stored_records_compared: sharing.len(),
        works_added: 0,
        records_merged_into_stored: 0,
        citation_edges_added: now.citation_edges as i64 - before.citation_edges as i64,
        merged: BTreeMap::new(),
    };
    for members in &now.papers {
        // A paper's sources, as the corpus gives them: its records' provenances.
        let mut sources: Vec<&citemap::model::Provenance> = members.iter().map(|&r| &records[r].at).collect();
        sources.sort();
        sources.dedup();
        let inputs_of: BTreeSet<&str> = sources.iter().map(|p| &*p.input).collect();
        let stored_too = inputs_of.iter().any(|i| !labels.contains(*i));
        if !stored_too {
            c.works_added += 1;
        }
        for p in &sources {
            if inputs_of.len() > 1 {
                *c.merged.entry(p.input.to_string()).or_insert(0) += 1;
            }
            if stored_too && labels.contains(&*p.input) {
                c.records_merged_into_stored += 1;
            }
        }
    }
    Ok(c)
}
