//! `citemap enrich`: look up the works of the store that miss fields
//! (title, authors, year, venue, abstract) by their DOI or PMID (else PMCID,
//! else arXiv id) at OpenAlex
//! (batches of 50), PubMed (efetch, 200 at a time) and Crossref (DOIs
//! OpenAlex lacks). Answers are cached in the store as inputs, so the next
//! resolution merges them and a rerun asks nothing. Also the online step of
//! `map --online` ([`online_records`]). `--search` also searches for papers
//! without identifiers ([`fetch::search`]) and reads the Crossref reference
//! lists of papers citing author-year stubs, reporting each stub as resolved
//! or not, with the reason. Exit code 3 when some items failed.

use super::Ctx;
use anyhow::{bail, Context, Result};
use citemap::config::Config;
use citemap::fetch::session::{CachePolicy, Report, Session};
use citemap::fetch::{self, Client, Service};
use citemap::model::{Corpus, Identifier, Record, WorkKind};
use citemap::store::Store;
use std::collections::HashSet;
use std::process::ExitCode;

/// How the response cache is used (shared by `enrich`, `chase`, `map --online`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CacheArgs {
    /// Send nothing: use only stored answers and report what is missing.
    #[arg(long)]
    pub offline: bool,
    /// Ask again even when an answer is stored.
    #[arg(long, conflicts_with = "offline")]
    pub refresh: bool,
    /// Ask again when the stored answer is older than this (30d, 12h, 90m).
    #[arg(long, value_name = "AGE")]
    pub max_age: Option<String>,
}

impl CacheArgs {
    /// The session policy.
    pub fn policy(&self) -> Result<CachePolicy> {
        let max_age = match &self.max_age {
            Some(a) => Some(
                fetch::parse_age(a).with_context(|| format!("--max-age {a:?}: expected e.g. 30d, 12h"))?,
            ),
            None => None,
        };
        Ok(CachePolicy { offline: self.offline, refresh: self.refresh, max_age })
    }
}

/// Arguments of `enrich`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Services to ask, comma-separated: openalex, pubmed, crossref, semantic_scholar.
    #[arg(long, value_delimiter = ',', default_value = "openalex,pubmed,crossref")]
    services: Vec<String>,
    /// Look up every work with a DOI or PMID, not only those missing fields.
    #[arg(long)]
    all: bool,
    /// Also look up cited works (reference-list entries) with a DOI or PMID.
    #[arg(long)]
    cited: bool,
    /// Also search (Crossref, OpenAlex, PubMed, those of --services) for
    /// papers without a DOI or PMID: on title + first author + year, or on a
    /// distinctive abstract sentence when there is no title (accepted only
    /// above the score threshold; candidates listed otherwise).
    #[arg(long)]
    search: bool,
    #[command(flatten)]
    cache: CacheArgs,
}

/// Parses service names.
pub fn services(names: &[String]) -> Result<Vec<Service>> {
    names
        .iter()
        .map(|n| {
            Service::from_name(n.trim()).with_context(|| {
                format!("unknown service {n:?} (openalex, crossref, pubmed, semantic_scholar, opencitations)")
            })
        })
        .collect()
}

/// The identifiers of the papers (with `cited`, also cited works) that need
/// looking up (all of them with `all`).
pub fn targets(corpus: &Corpus, all: bool, cited: bool) -> Vec<Vec<Identifier>> {
    let with_authors: HashSet<u32> = corpus.authorships.iter().map(|a| a.work).collect();
    let mut out = Vec::new();
    for (n, w) in corpus.works.iter().enumerate() {
        let ids: Vec<Identifier> = w
            .ids
            .iter()
            .map(|s| s.value.clone())
            .filter(|i| {
                matches!(
                    i,
                    Identifier::Doi(_) | Identifier::Pmid(_) | Identifier::Pmcid(_) | Identifier::Arxiv(_)
                )
            })
            .collect();
        if ids.is_empty() || w.kind == WorkKind::CitedWork && !cited {
            continue;
        }
        let lacking = w.title.is_none()
            || w.year.is_none()
            || w.venue.is_none()
            || w.abstract_text.is_none()
            || !with_authors.contains(&(n as u32));
        if all || lacking {
            out.push(ids);
        }
    }
    out
}

/// Papers without a DOI or PMID, with a title or an abstract: what a
/// bibliographic search can find.
pub fn search_targets(corpus: &Corpus) -> Vec<(String, fetch::search::Target)> {
    let mut out = Vec::new();
    let first_author: std::collections::HashMap<u32, u32> =
        corpus.authorships.iter().filter(|a| a.position == 0).map(|a| (a.work, a.agent)).collect();
    for (n, w) in corpus.works.iter().enumerate() {
        if w.kind != WorkKind::Paper
            || w.ids.iter().any(|i| matches!(i.value, Identifier::Doi(_) | Identifier::Pmid(_)))
        {
            continue;
        }
        if w.title.is_none() && w.abstract_text.is_none() {
            continue;
        }
        let author = first_author.get(&(n as u32)).map(|&a| corpus.agents[a as usize].family.clone());
        out.push((
            w.label.clone(),
            fetch::search::Target {
                title: w.title.as_ref().map(|t| t.value.clone()),
                first_author: author,
                year: w.year.as_ref().map(|y| y.value),
                venue: w.venue.and_then(|v| corpus.venues.get(v as usize)).map(|v| v.name.clone()),
                abstract_text: w.abstract_text.as_ref().map(|a| a.value.clone()),
            },
        ));
    }
    out
}

/// Author-year stubs (cited works with neither an identifier nor a title,
/// such as a full-text callout "Hayes et al. 2015"), each with the DOIs of
/// the papers citing it: the reference lists to read.
pub fn stub_targets(corpus: &Corpus) -> Vec<(usize, Vec<String>)> {
    let mut citing: std::collections::HashMap<u32, Vec<String>> = std::collections::HashMap::new();
    for c in &corpus.cites {
        let Some(from) = corpus.works.get(c.from as usize) else { continue };
        if let Some(d) = from.ids.iter().find_map(|i| match &i.value {
            Identifier::Doi(d) => Some(d.clone()),
            _ => None,
        }) {
            citing.entry(c.to).or_default().push(d);
        }
    }
    let mut out = Vec::new();
    for (n, w) in corpus.works.iter().enumerate() {
        if w.kind != WorkKind::CitedWork || w.title.is_some() || !w.ids.is_empty() || w.year.is_none() {
            continue;
        }
        let mut dois = citing.remove(&(n as u32)).unwrap_or_default();
        dois.sort();
        dois.dedup();
        out.push((n, dois));
    }
    out
}

/// What became of one author-year stub.
#[derive(serde::Serialize)]
struct Stub {
    /// The stub's label ("Hayes et al. 2015").
    work: String,
    /// `resolved` or `stub`.
    state: &'static str,
    /// The DOI it resolved to.
    #[serde(skip_serializing_if = "Option::is_none")]
    doi: Option<String>,
    /// How it resolved, or why it is still a stub.
    reason: String,
}

/// Reads the Crossref reference lists of the papers citing author-year
/// stubs (OpenAlex lists references by id only; Crossref's entries carry
/// author, year and DOI, which resolution matches with the callouts).
fn read_reference_lists(
    session: &mut Session<'_>,
    config: &Config,
    stubs: &[(usize, Vec<String>)],
) -> Result<std::collections::BTreeMap<String, fetch::session::KeyState>> {
    let keys: std::collections::BTreeSet<String> =
        stubs.iter().flat_map(|(_, d)| d.iter().map(|d| format!("doi:{d}"))).collect();
    let keys: Vec<String> = keys.into_iter().collect();
    let cfg = &config.fetch;
    let make = |_: &str, values: &[String]| values.first().map(|d| fetch::crossref::work(cfg, d));
    let got = session.lookup(Service::Crossref, fetch::session::Reader::Crossref, &keys, 1, &make)?;
    Ok(got.into_iter().map(|(k, r)| (k, r.state)).collect())
}

/// Each stub after the reference lists were read: found again in the
/// re-resolved corpus by its first source (the callout's place).
fn stub_outcomes(
    before: &Corpus,
    after: &Corpus,
    stubs: &[(usize, Vec<String>)],
    lists: &std::collections::BTreeMap<String, fetch::session::KeyState>,
) -> Vec<Stub> {
    use fetch::session::KeyState;
    let mut by_source: std::collections::HashMap<&citemap::model::Provenance, usize> =
        std::collections::HashMap::new();
    for (n, w) in after.works.iter().enumerate() {
        for s in &w.sources {
            by_source.entry(s).or_insert(n);
        }
    }
    let mut out = Vec::new();
    for (n, dois) in stubs {
        let w = &before.works[*n];
        let now = w.sources.first().and_then(|s| by_source.get(s)).map(|&m| &after.works[m]);
        let doi = now.and_then(|x| {
            x.ids.iter().find_map(|i| match &i.value {
                Identifier::Doi(d) => Some(d.clone()),
                _ => None,
            })
        });
        let states: Vec<&KeyState> = dois.iter().filter_map(|d| lists.get(&format!("doi:{d}"))).collect();
        let (state, reason) = match &doi {
            Some(_) => (
                "resolved",
                format!("matched in the reference list of doi:{} (crossref)", dois.join(", doi:")),
            ),
            None if dois.is_empty() => (
                "stub",
                "no citing paper has a DOI to read a reference list from; no title to search on".to_string(),
            ),
            None if states.iter().any(|s| matches!(s, KeyState::Failed { .. })) => {
                ("stub", "the citing paper's reference list could not be fetched".to_string())
            }
            None if !states.iter().any(|s| matches!(s, KeyState::Found)) => {
                ("stub", "Crossref has no record of the citing paper; no title to search on".to_string())
            }
            None => (
                "stub",
                "not in the citing paper's reference list (or not one entry); no title to search on"
                    .to_string(),
            ),
        };
        out.push(Stub { work: w.label.clone(), state, doi, reason });
    }
    out
}

/// A client unless offline.
pub fn client(config: &Config, policy: &CachePolicy) -> Result<Option<Client>> {
    if policy.offline {
        return Ok(None);
    }
    Ok(Some(Client::new(&config.fetch)?))
}

/// A progress line on stderr: answers, rate and ETA for the current round.
pub fn progress_line() -> impl FnMut(Service, usize, usize) {
    let mut start = std::time::Instant::now();
    move |service, done, total| {
        if done <= 1 {
            start = std::time::Instant::now();
        }
        let secs = start.elapsed().as_secs_f64().max(1e-3);
        let rate = done as f64 / secs;
        let eta = if rate > 0.0 { total.saturating_sub(done) as f64 / rate } else { 0.0 };
        eprint!("\r{service}: {done}/{total} answers, {rate:.1}/s, ETA {eta:.0} s    ");
        if done == total {
            eprintln!();
        }
    }
}

/// Prints the report (stderr, human form).
pub fn print_report(report: &Report) {
    for (s, r) in &report.services {
        let failed: u64 = r.failed.values().sum();
        eprintln!(
            "{s}: {} asked, {} from the store, {} fetched in {} request(s); {} found, {} empty, {} missing, {failed} failed",
            r.requested, r.from_cache, r.fetched, r.requests, r.found, r.empty, r.missing
        );
    }
    for f in &report.failures {
        eprintln!("failed ({}): {} {} [{}]", f.reason.name(), f.service, f.keys.join(" "), f.detail);
    }
}

/// Looks up what `records` miss, with the configured store as cache, and
/// returns the records of every answer (for `map --online`).
pub fn online_records(records: &[Record], ctx: &Ctx, cache: &CacheArgs) -> Result<(Vec<Record>, Report)> {
    let corpus = citemap::resolve::resolve(records, &ctx.config.resolve);
    let works = targets(&corpus, false, false);
    let path = &ctx.config.store.path;
    let mut store = Store::open(path).with_context(|| format!("opening the store {}", path.display()))?;
    let policy = cache.policy()?;
    let client = client(&ctx.config, &policy)?;
    let mut session = Session::new(client, &mut store, policy);
    let services = [Service::Openalex, Service::Pubmed, Service::Crossref];
    let got = fetch::enrich::enrich(&mut session, &ctx.config.fetch, &works, &services)?;
    let report = session.report.clone();
    drop(session);
    let mut out = Vec::new();
    let mut inputs = HashSet::new();
    for ((service, key), _) in got.states {
        if let Some(r) = store.response(service.name(), &key)? {
            if let Some(id) = r.input_id {
                if inputs.insert(id) {
                    out.extend(store.input_records(id)?);
                }
            }
        }
    }
    Ok((out, report))
}

/// Runs `enrich`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let path = &ctx.config.store.path;
    if !path.exists() {
        bail!("no store at {} (run `citemap ingest PATH...` first)", path.display());
    }
    let services = services(&args.services)?;
    let policy = args.cache.policy()?;
    let mut store = Store::open(path).with_context(|| format!("opening the store {}", path.display()))?;
    let corpus = citemap::resolve::resolve(&store.records()?, &ctx.config.resolve);
    let works = targets(&corpus, args.all, args.cited);
    super::progress::step(format_args!("enriching {} of {} works", works.len(), corpus.works.len()));
    let client = client(&ctx.config, &policy)?;
    let mut session = Session::new(client, &mut store, policy);
    let chatty = !ctx.quiet && !ctx.json;
    if chatty {
        session.on_progress(progress_line());
    }
    fetch::enrich::enrich(&mut session, &ctx.config.fetch, &works, &services)?;
    let mut searched = Vec::new();
    if args.search {
        let targets = search_targets(&corpus);
        let plain: Vec<fetch::search::Target> = targets.iter().map(|(_, t)| t.clone()).collect();
        for s in fetch::search::search(&mut session, &ctx.config.fetch, &plain, &services)? {
            searched.push(serde_json::json!({ "work": targets[s.target].0, "search": s }));
        }
    }
    let stubs =
        if args.search && services.contains(&Service::Crossref) { stub_targets(&corpus) } else { Vec::new() };
    let lists = if stubs.is_empty() {
        Default::default()
    } else {
        read_reference_lists(&mut session, &ctx.config, &stubs)?
    };
    let report = session.report.clone();
    drop(session);
    let stubbed = if stubs.is_empty() {
        Vec::new()
    } else {
        let after = citemap::resolve::resolve(&store.records()?, &ctx.config.resolve);
        stub_outcomes(&corpus, &after, &stubs, &lists)
    };
    if ctx.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "command": "enrich",
                "works": corpus.works.len(),
                "works_asked": works.len(),
                "requests": report.requests(),
                "report": report,
                "search": searched,
                "stubs": stubbed,
            }))?
        );
    } else if !ctx.quiet {
        eprintln!("{} of {} works looked up", works.len(), corpus.works.len());
        for s in &searched {
            let acc = &s["search"]["accepted"];
            if acc.is_null() {
                let n = s["search"]["candidates"].as_array().map_or(0, Vec::len);
                eprintln!(
                    "search: {}: no candidate accepted ({n} listed in --json): {}",
                    s["work"],
                    s["search"]["reason"].as_str().unwrap_or("")
                );
            } else {
                eprintln!("search: {}: accepted {} (score {})", s["work"], acc["doi"], acc["score"]);
            }
        }
        for st in &stubbed {
            eprintln!("stub: {}: {} ({})", st.work, st.doi.as_deref().unwrap_or(st.state), st.reason);
        }
        print_report(&report);
    }
    Ok(if report.failed() > 0 { ExitCode::from(3) } else { ExitCode::SUCCESS })
}
