//! `citemap chase --backward --forward --depth N --max M (--from TAG | --seeds FILE)`:
//! citation chasing from seed works through OpenAlex, OpenCitations,
//! Semantic Scholar and PubMed elink (see [`citemap::fetch::chase`]).
//! Writes the ranked candidates new to the store as `candidates.csv` and
//! `candidates.ris` (for screening in Rayyan, Covidence, EndNote) plus
//! `chase.json`; every answer is cached in the store, so the fetched works
//! join the graph and a rerun (or `--offline`) asks nothing.
//! Exit code 3 when some lists could not be fetched.

use super::enrich::{client, print_report, progress_line, services, CacheArgs};
use super::files::write_atomic;
use super::Ctx;
use anyhow::{bail, Context, Result};
use citemap::fetch::chase::{self, Candidate, Direction, Seed};
use citemap::fetch::session::Session;
use citemap::model::Identifier;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `chase`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Follow references (what the seeds cite).
    #[arg(long)]
    backward: bool,
    /// Follow citations (what cites the seeds). Neither flag: both.
    #[arg(long)]
    forward: bool,
    /// Levels to chase (2: also the links of the best level-1 candidates).
    #[arg(long, default_value_t = 1)]
    depth: u32,
    /// Most candidates kept (and most works chased at the next level).
    #[arg(long, default_value_t = 1000)]
    max: usize,
    /// Seeds: the works of the store tagged TAG.
    #[arg(long, value_name = "TAG", conflicts_with = "seeds")]
    from: Option<String>,
    /// Seeds: a file with one DOI, PMID or OpenAlex id per line (# comments).
    #[arg(long, value_name = "FILE")]
    seeds: Option<PathBuf>,
    /// Services, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "openalex,opencitations,semantic_scholar,pubmed")]
    services: Vec<String>,
    /// Output folder for candidates.csv, candidates.ris and chase.json.
    #[arg(long, short, value_name = "DIR", default_value = "chase")]
    out: PathBuf,
    #[command(flatten)]
    cache: CacheArgs,
}

/// An identifier from a seeds-file line.
fn parse_seed(line: &str) -> Option<Identifier> {
    let t = line.trim();
    let short = citemap::ingest::openalex::short_id(t);
    if (short.starts_with('W') || short.starts_with('w'))
        && short.len() > 1
        && short[1..].bytes().all(|b| b.is_ascii_digit())
        && (t.contains("openalex.org") || t == short)
    {
        return Some(Identifier::Openalex(format!("W{}", &short[1..])));
    }
    let lower = t.to_ascii_lowercase();
    if let Some(p) = lower.strip_prefix("pmid:") {
        return Identifier::pmid(p.trim());
    }
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return Identifier::pmid(t);
    }
    Identifier::doi(t)
}

fn csv_field(s: &str) -> String {
    // Cells starting with = + - @ are prefixed so spreadsheets do not run them.
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn id_of(c: &Candidate, scheme: &str) -> String {
    c.ids.iter().filter(|i| i.scheme() == scheme).map(|i| i.value().to_string()).collect::<Vec<_>>().join(" ")
}

fn write_csv(w: &mut dyn Write, cands: &[Candidate]) -> std::io::Result<()> {
    writeln!(w, "rank,doi,pmid,openalex,title,year,first_author,venue,seeds_linked,seeds,found_by,depth")?;
    for (n, c) in cands.iter().enumerate() {
        let row = [
            (n + 1).to_string(),
            id_of(c, "doi"),
            id_of(c, "pmid"),
            id_of(c, "openalex"),
            c.title.clone().unwrap_or_default(),
            c.year.map(|y| y.to_string()).unwrap_or_default(),
            c.first_author.clone().unwrap_or_default(),
            c.venue.clone().unwrap_or_default(),
            c.seeds.len().to_string(),
            c.seeds.iter().cloned().collect::<Vec<_>>().join("; "),
            c.found_by.iter().cloned().collect::<Vec<_>>().join("; "),
            c.depth.to_string(),
        ];
        let cells: Vec<String> = row.iter().map(|s| csv_field(s)).collect();
        writeln!(w, "{}", cells.join(","))?;
    }
    Ok(())
}

fn ris_line(w: &mut dyn Write, tag: &str, value: &str) -> std::io::Result<()> {
    let v: String = value.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
    writeln!(w, "{tag}  - {v}")
}

fn write_ris(w: &mut dyn Write, cands: &[Candidate]) -> std::io::Result<()> {
    for (n, c) in cands.iter().enumerate() {
        ris_line(w, "TY", "JOUR")?;
        if let Some(t) = &c.title {
            ris_line(w, "TI", t)?;
        }
        if let Some(a) = &c.first_author {
            ris_line(w, "AU", a)?;
        }
        if let Some(y) = c.year {
            ris_line(w, "PY", &y.to_string())?;
        }
        if let Some(v) = &c.venue {
            ris_line(w, "JO", v)?;
        }
        for i in &c.ids {
            match i {
                Identifier::Doi(d) => ris_line(w, "DO", d)?,
                Identifier::Pmid(p) => ris_line(w, "AN", &format!("PMID:{p}"))?,
                other => ris_line(w, "N1", &other.to_string())?,
            }
        }
        ris_line(w, "N1", &format!("citemap chase rank {}; depth {}", n + 1, c.depth))?;
        ris_line(
            w,
            "N1",
            &format!("found_by: {}", c.found_by.iter().cloned().collect::<Vec<_>>().join(", ")),
        )?;
        ris_line(
            w,
            "N1",
            &format!(
                "links to {} seed(s): {}",
                c.seeds.len(),
                c.seeds.iter().cloned().collect::<Vec<_>>().join("; ")
            ),
        )?;
        ris_line(w, "ER", "")?;
        writeln!(w)?;
    }
    Ok(())
}

/// Runs `chase`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let services = services(&args.services)?;
    let policy = args.cache.policy()?;
    let mut store = super::commands::open_store(ctx)?;
    let records = store.records()?;
    let mut seeds: Vec<Seed> = Vec::new();
    match (&args.from, &args.seeds) {
        (Some(tag), _) => {
            let corpus = citemap::resolve::resolve(&records, &ctx.config.resolve);
            let tagged = store.tagged(tag)?;
            if tagged.is_empty() {
                bail!("no work is tagged {tag:?} (citemap tag {tag} WORK...)");
            }
            for id in tagged {
                let Some(n) = corpus.work_by_id(&id) else { continue };
                let w = &corpus.works[n];
                seeds.push(Seed {
                    label: w.label.clone(),
                    ids: w.ids.iter().map(|s| s.value.clone()).collect(),
                });
            }
        }
        (None, Some(file)) => {
            let text =
                std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
            for (n, line) in text.lines().enumerate() {
                let t = line.trim();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                match parse_seed(t) {
                    Some(id) => seeds.push(Seed { label: t.to_string(), ids: vec![id] }),
                    None => eprintln!(
                        "warning: {}:{}: not a DOI, PMID or OpenAlex id: {t:?}",
                        file.display(),
                        n + 1
                    ),
                }
            }
        }
        (None, None) => return Err(super::usage("give the seeds: --from TAG or --seeds FILE")),
    }
    if seeds.is_empty() {
        bail!("no usable seed");
    }
    // Works the reviewer already has (from their own files, not API answers).
    let known: HashSet<String> = records
        .iter()
        .filter(|r| !(r.at.input.starts_with("http://") || r.at.input.starts_with("https://")))
        .flat_map(|r| r.ids.iter().map(|i| i.to_string()))
        .collect();
    let mut directions = Vec::new();
    if args.backward || !args.forward {
        directions.push(Direction::Backward);
    }
    if args.forward || !args.backward {
        directions.push(Direction::Forward);
    }
    let opts = chase::Options { directions, depth: args.depth.max(1), max: args.max, services };
    super::progress::step(format_args!("chasing from {} seed(s)", seeds.len()));
    let client = client(&ctx.config, &policy)?;
    let mut session = Session::new(client, &mut store, policy);
    session.set_budgets(&ctx.config.fetch);
    let chatty = !ctx.quiet && !ctx.json;
    if chatty {
        session.on_progress(progress_line());
    }
    let seed_count = seeds.len();
    let result = chase::chase(&mut session, &ctx.config.fetch, seeds, &known, &opts)?;
    let report = session.report.clone();
    drop(session);
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    write_atomic(&args.out.join("candidates.csv"), |w| write_csv(w, &result.candidates))?;
    write_atomic(&args.out.join("candidates.ris"), |w| write_ris(w, &result.candidates))?;
    let summary = serde_json::json!({
        "command": "chase",
        "seeds": seed_count,
        "unusable_seeds": result.unusable_seeds,
        "candidates": result.candidates.len(),
        "found_by": chase::found_by_counts(&result.candidates),
        "lists": result.lists,
        "requests": report.requests(),
        "report": report,
    });
    let text = serde_json::to_string_pretty(&summary)?;
    write_atomic(&args.out.join("chase.json"), |w| writeln!(w, "{text}"))?;
    if ctx.json {
        println!("{text}");
    } else if !ctx.quiet {
        eprintln!(
            "{} candidate(s) from {seed_count} seed(s) written to {}",
            result.candidates.len(),
            args.out.join("candidates.{csv,ris}").display()
        );
        print_report(&report);
    }
    Ok(if report.failed() > 0 { ExitCode::from(3) } else { ExitCode::SUCCESS })
}
