//! `citemap dedup-report [PATH...] [--pairs FILE]`: what deduplication did,
//! for the PRISMA 2020 flow diagram: records identified per input, duplicates
//! removed within and across inputs and by rule, merges refused, preprints
//! linked to their articles; `--pairs` writes every merged pair as CSV for a
//! reviewer to check. Without paths it reports on the store.

use super::files::write_atomic;
use super::pipeline::{print_diagnostics, read_inputs};
use super::Ctx;
use anyhow::{bail, Result};
use citemap::model::{DedupPair, DedupReport, PairSide, Record};
use citemap::resolve;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `dedup-report`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files and folders to read (folders recursively); none: the store.
    paths: Vec<PathBuf>,
    /// Write every merged pair (rule, both records) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pairs: Option<PathBuf>,
}

/// Runs `dedup-report`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let records: Vec<Record> = if args.paths.is_empty() {
        let path = &ctx.config.store.path;
        if !path.exists() {
            bail!("no store at {} (run `citemap ingest PATH...` first, or name files)", path.display());
        }
        super::commands::open_store(ctx)?.records()?
    } else {
        let mut inputs = read_inputs(&args.paths, ctx, super::pipeline::Destination::Memory)?;
        if !ctx.quiet && !ctx.json {
            print_diagnostics(inputs.iter().flat_map(|i| i.report.diagnostics.iter()));
        }
        inputs.iter_mut().filter_map(|i| i.parsed.take()).flat_map(|p| p.records).collect()
    };
    super::progress::step(format_args!("deduplicating {} records", records.len()));
    let (report, diagnostics) = resolve::deduplicate(&records, &ctx.config.resolve);
    super::progress::step(format_args!("{} works", report.works));
    if !ctx.quiet && !ctx.json {
        print_diagnostics(diagnostics.iter());
    }
    if let Some(path) = &args.pairs {
        write_atomic(path, |w| write_pairs(&report.pairs, w))?;
    }
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, args.pairs.as_ref());
    }
    Ok(ExitCode::SUCCESS)
}

fn side_cells(s: &PairSide) -> [String; 6] {
    [
        s.at.input.to_string(),
        s.at.line.to_string(),
        s.at.record.as_deref().unwrap_or_default().to_string(),
        s.title.clone().unwrap_or_default(),
        s.year.map(|y| y.to_string()).unwrap_or_default(),
        s.ids.clone(),
    ]
}

/// Writes the pairs as CSV: rule, strength, scope, then both records.
fn write_pairs(pairs: &[DedupPair], w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["rule".to_string(), "strong".into(), "scope".into()];
    for side in ["kept", "removed"] {
        for f in ["input", "line", "record", "title", "year", "ids"] {
            header.push(format!("{side}_{f}"));
        }
    }
    out.write_record(&header)?;
    for p in pairs {
        let mut row = vec![
            p.rule.as_str().to_string(),
            p.strong.to_string(),
            if p.within_input() { "within".into() } else { "across".into() },
        ];
        row.extend(side_cells(&p.kept));
        row.extend(side_cells(&p.removed));
        out.write_record(&row)?;
    }
    out.flush()
}

fn print_report(r: &DedupReport, pairs: Option<&PathBuf>) {
    println!("records identified: {}", r.records);
    for i in &r.inputs {
        println!(
            "  {} ({}): {} records, {} duplicate(s) inside it",
            i.input,
            if i.format.is_empty() { "?" } else { &i.format },
            i.records,
            i.duplicates_within
        );
    }
    println!(
        "duplicates removed: {} ({} within inputs, {} across inputs)",
        r.prisma.duplicates_removed, r.removed_within, r.removed_across
    );
    for (rule, c) in &r.by_rule {
        println!("  {rule}: {} ({} within, {} across)", c.within + c.across, c.within, c.across);
    }
    println!("records screened (distinct works): {}", r.prisma.records_screened);
    if r.refused > 0 {
        println!("merges refused because registry ids differ: {} (warnings list them)", r.refused);
    }
    if r.versions > 0 {
        println!("preprints linked to their article (version_of): {}", r.versions);
    }
    if let Some(p) = pairs {
        println!("{} pair(s) written to {}", r.pairs.len(), p.display());
    }
}
