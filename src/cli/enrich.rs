//! `citemap enrich`: look up the works of the store that miss fields
//! (title, authors, year, venue, abstract) by their DOI or PMID (else PMCID,
//! else arXiv id) at OpenAlex
//! (batches of 50), PubMed (efetch, 200 at a time) and Crossref (DOIs
//! OpenAlex lacks). Answers are cached in the store as inputs, so the next
//! resolution merges them and a rerun asks nothing. Also the online step of
//! `map --online` ([`online_records`], which searches too). `--search` also
//! searches for papers without identifiers ([`fetch::search`]), keeping each
//! search in the store for `citemap show` and `summary.json`
//! ([`kept_search`], [`unmerged_candidates`]), and settles author-year stubs
//! through the Crossref reference lists of the papers citing them (a citing
//! paper without a DOI found first by its search), else searches them by
//! author and year (candidates listed, never merged), reporting each stub as
//! resolved or not, with the reason. The OpenAlex daily budget applies
//! ([`Session::set_budgets`]). Exit code 3 when some items failed.

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

/// One thing to search for: the work's label, its sources (the keys its
/// search is kept under in the store) and what is known of it.
pub struct SearchTarget {
    /// Index of the work in the corpus.
    pub work: usize,
    /// The work's label.
    pub label: String,
    /// The work's sources as text (`input:line [record]`).
    pub keys: Vec<String>,
    /// What is searched on.
    pub target: fetch::search::Target,
}

/// The sources of work `n` as the keys its search is kept under.
pub fn work_keys(corpus: &Corpus, n: usize) -> Vec<String> {
    corpus.works[n].sources.iter().map(|p| p.to_string()).collect()
}

fn first_authors(corpus: &Corpus) -> std::collections::HashMap<u32, String> {
    corpus
        .authorships
        .iter()
        .filter(|a| a.position == 0)
        .map(|a| (a.work, corpus.agents[a.agent as usize].family.clone()))
        .collect()
}

fn target_of(corpus: &Corpus, n: usize, first: Option<String>) -> SearchTarget {
    let w = &corpus.works[n];
    SearchTarget {
        work: n,
        label: w.label.clone(),
        keys: work_keys(corpus, n),
        target: fetch::search::Target {
            title: w.title.as_ref().map(|t| t.value.clone()),
            first_author: first,
            year: w.year.as_ref().map(|y| y.value),
            venue: w.venue.and_then(|v| corpus.venues.get(v as usize)).map(|v| v.name.clone()),
            abstract_text: w.abstract_text.as_ref().map(|a| a.value.clone()),
            records: w.sources.clone(),
        },
    }
}

/// Papers without a DOI or PMID, with a title or an abstract: what a
/// bibliographic search can find.
pub fn search_targets(corpus: &Corpus) -> Vec<SearchTarget> {
    let mut first = first_authors(corpus);
    let mut out = Vec::new();
    for (n, w) in corpus.works.iter().enumerate() {
        if w.kind != WorkKind::Paper
            || w.ids.iter().any(|i| matches!(i.value, Identifier::Doi(_) | Identifier::Pmid(_)))
        {
            continue;
        }
        if w.title.is_none() && w.abstract_text.is_none() {
            continue;
        }
        out.push(target_of(corpus, n, first.remove(&(n as u32))));
    }
    out
}

/// Keeps each search's result in the store under its work's sources.
fn keep_searches(
    store: &mut Store,
    targets: &[SearchTarget],
    results: &[fetch::search::Searched],
) -> Result<()> {
    let now = fetch::now_secs();
    for r in results {
        let t = &targets[r.target];
        store.save_search(&t.keys, &serde_json::to_string(r)?, now)?;
    }
    Ok(())
}

/// The kept search of work `n` of `corpus`, when one was kept for any of its
/// sources: `{work, label, search}`.
pub fn kept_search(store: &Store, corpus: &Corpus, n: usize) -> Result<Option<serde_json::Value>> {
    let Some(json) = store.search_for(&work_keys(corpus, n))? else { return Ok(None) };
    let search: serde_json::Value = serde_json::from_str(&json)?;
    let w = &corpus.works[n];
    Ok(Some(serde_json::json!({ "work": w.id, "label": w.label, "search": search })))
}

/// The works of `corpus` whose kept search accepted nothing but listed
/// candidates (for `summary.json`), in work order; empty without a store.
pub fn unmerged_candidates(config: &Config, corpus: &Corpus) -> Result<Vec<serde_json::Value>> {
    let path = &config.store.path;
    if !path.exists() {
        return Ok(Vec::new());
    }
    let store = super::commands::open_configured(config, false)?;
    let mut out = Vec::new();
    if store.search_count()? == 0 {
        return Ok(out);
    }
    for n in 0..corpus.works.len() {
        if let Some(v) = kept_search(&store, corpus, n)? {
            let s = &v["search"];
            if s["accepted"].is_null() && s["candidates"].as_array().is_some_and(|c| !c.is_empty()) {
                out.push(v);
            }
        }
    }
    Ok(out)
}

/// Text lines listing a kept search's candidates (for `citemap show`).
pub fn candidate_lines(v: &serde_json::Value) -> Vec<String> {
    let s = &v["search"];
    let mut out = Vec::new();
    let by = s["by"].as_str().unwrap_or("title");
    match s["accepted"].as_object() {
        Some(a) => out.push(format!(
            "search ({by}): accepted {} {} (score {})",
            a.get("service").and_then(|x| x.as_str()).unwrap_or(""),
            a.get("doi").or(a.get("id")).and_then(|x| x.as_str()).unwrap_or(""),
            a.get("score").map(|x| x.to_string()).unwrap_or_default()
        )),
        None => out.push(format!(
            "search ({by}): nothing accepted: {} [{}]",
            s["reason"].as_str().unwrap_or(""),
            s["url"].as_str().unwrap_or("")
        )),
    }
    if !s["accepted"].is_null() {
        return out;
    }
    for c in s["candidates"].as_array().into_iter().flatten() {
        let a = &c["agreement"];
        let mut agree = vec![format!("text {}", a["text"])];
        for f in ["year", "first_author", "venue"] {
            if let Some(b) = a[f].as_bool() {
                agree.push(format!("{f} {}", if b { "yes" } else { "no" }));
            }
        }
        out.push(format!(
            "candidate (not merged): {} {} {:?} score {} ({})",
            c["service"].as_str().unwrap_or(""),
            c["doi"].as_str().or(c["id"].as_str()).or(c["pmid"].as_str()).unwrap_or("-"),
            c["title"].as_str().unwrap_or(""),
            c["score"],
            agree.join(", ")
        ));
    }
    out
}

/// One author-year stub (a cited work with neither an identifier nor a
/// title, such as a full-text callout "Hayes et al. 2015") with the DOIs
/// of the papers citing it (the reference lists to read) and whether a
/// citing paper has none.
pub struct StubTarget {
    /// The stub as a search target.
    pub search: SearchTarget,
    /// DOIs of the citing papers.
    pub dois: Vec<String>,
    /// Some citing paper has no DOI.
    pub citing_without_doi: bool,
}

/// The author-year stubs of `corpus`, with the DOIs their citing papers
/// have in `now` (the same store resolved again after the searches, so a
/// citing paper found by search has its DOI).
pub fn stub_targets(corpus: &Corpus, now: &Corpus) -> Vec<StubTarget> {
    let by_source = source_index(now, true);
    let mut citing: std::collections::HashMap<u32, (Vec<String>, bool)> = std::collections::HashMap::new();
    for c in &corpus.cites {
        let Some(from) = corpus.works.get(c.from as usize) else { continue };
        let from = from.sources.first().and_then(|s| by_source.get(s)).map_or(from, |&m| &now.works[m]);
        let e = citing.entry(c.to).or_default();
        match from.ids.iter().find_map(|i| match &i.value {
            Identifier::Doi(d) => Some(d.clone()),
            _ => None,
        }) {
            Some(d) => e.0.push(d),
            None => e.1 = true,
        }
    }
    let mut first = first_authors(corpus);
    let mut out = Vec::new();
    for (n, w) in corpus.works.iter().enumerate() {
        if w.kind != WorkKind::CitedWork || w.title.is_some() || !w.ids.is_empty() || w.year.is_none() {
            continue;
        }
        let (mut dois, citing_without_doi) = citing.remove(&(n as u32)).unwrap_or_default();
        dois.sort();
        dois.dedup();
        let author = first.remove(&(n as u32)).or_else(|| {
            w.cited_authors
                .as_deref()
                .and_then(|a| a.split([' ', ',']).find(|x| !x.is_empty()))
                .map(str::to_string)
        });
        out.push(StubTarget { search: target_of(corpus, n, author), dois, citing_without_doi });
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
    /// The author-year search's candidates (listed, never merged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    candidates: Vec<fetch::search::Candidate>,
}

/// Reads the Crossref reference lists of the papers citing author-year
/// stubs (OpenAlex lists references by id only; Crossref's entries carry
/// author, year and DOI, which resolution matches with the callouts).
fn read_reference_lists(
    session: &mut Session<'_>,
    config: &Config,
    stubs: &[StubTarget],
) -> Result<std::collections::BTreeMap<String, fetch::session::KeyState>> {
    let keys: std::collections::BTreeSet<String> =
        stubs.iter().flat_map(|s| s.dois.iter().map(|d| format!("doi:{d}"))).collect();
    let keys: Vec<String> = keys.into_iter().collect();
    let cfg = &config.fetch;
    let make = |_: &str, values: &[String]| values.first().map(|d| fetch::crossref::work(cfg, d));
    let got = session.lookup(Service::Crossref, fetch::session::Reader::Crossref, &keys, 1, &make)?;
    Ok(got.into_iter().map(|(k, r)| (k, r.state)).collect())
}

/// The DOI the stub's first source belongs to in the re-resolved corpus.
fn resolved_doi(
    after: &Corpus,
    by_source: &std::collections::HashMap<&citemap::model::Provenance, usize>,
    before: &Corpus,
    n: usize,
) -> Option<String> {
    let w = &before.works[n];
    let now = w.sources.first().and_then(|s| by_source.get(s)).map(|&m| &after.works[m])?;
    now.ids.iter().find_map(|i| match &i.value {
        Identifier::Doi(d) => Some(d.clone()),
        _ => None,
    })
}

/// Works by source; with `papers`, papers only (a citation carries its
/// citing record's provenance, so a cited work shares that source).
fn source_index(c: &Corpus, papers: bool) -> std::collections::HashMap<&citemap::model::Provenance, usize> {
    let mut by_source = std::collections::HashMap::new();
    for (n, w) in c.works.iter().enumerate() {
        if papers && w.kind != WorkKind::Paper {
            continue;
        }
        for s in &w.sources {
            by_source.entry(s).or_insert(n);
        }
    }
    by_source
}

/// Each stub after the reference lists were read: resolved when its first
/// source (the callout's place) now belongs to a work with a DOI, else
/// still a stub with the reason (`None` for those the caller searches next).
fn stub_outcomes(
    before: &Corpus,
    after: &Corpus,
    stubs: &[StubTarget],
    lists: &std::collections::BTreeMap<String, fetch::session::KeyState>,
    found_by_search: &std::collections::BTreeSet<String>,
) -> Vec<Stub> {
    use fetch::session::KeyState;
    let by_source = source_index(after, false);
    let mut out = Vec::new();
    for st in stubs {
        let dois = &st.dois;
        let doi = resolved_doi(after, &by_source, before, st.search.work);
        let states: Vec<&KeyState> = dois.iter().filter_map(|d| lists.get(&format!("doi:{d}"))).collect();
        let searched = dois.iter().filter(|d| found_by_search.contains(*d)).count();
        let (state, reason) = match &doi {
            Some(_) => (
                "resolved",
                format!(
                    "matched in the reference list of doi:{} (crossref){}",
                    dois.join(", doi:"),
                    if searched > 0 { "; the citing paper was found by bibliographic search" } else { "" }
                ),
            ),
            None if dois.is_empty() => (
                "stub",
                if st.citing_without_doi {
                    "no citing paper has a DOI, and a bibliographic search found none".to_string()
                } else {
                    "no citing paper has a DOI to read a reference list from".to_string()
                },
            ),
            None if states.iter().any(|s| matches!(s, KeyState::Failed { .. })) => {
                ("stub", "the citing paper's reference list could not be fetched".to_string())
            }
            None if !states.iter().any(|s| matches!(s, KeyState::Found)) => {
                ("stub", "Crossref has no record of the citing paper".to_string())
            }
            None => ("stub", "not in the citing paper's reference list (or not one entry)".to_string()),
        };
        out.push(Stub { work: st.search.label.clone(), state, doi, reason, candidates: Vec::new() });
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
/// searches (Crossref, OpenAlex, PubMed) for the papers without a DOI or
/// PMID; returns the records of every answer and of every accepted search
/// (for `map --online`). The searches are kept in the store, so the map's
/// `summary.json` lists the candidates not merged.
pub fn online_records(records: &[Record], ctx: &Ctx, cache: &CacheArgs) -> Result<(Vec<Record>, Report)> {
    let corpus = citemap::resolve::resolve(records, &ctx.config.resolve);
    let works = targets(&corpus, false, false);
    let mut store = super::commands::open_store(ctx)?;
    let policy = cache.policy()?;
    let client = client(&ctx.config, &policy)?;
    let mut session = Session::new(client, &mut store, policy);
    session.set_budgets(&ctx.config.fetch);
    let services = [Service::Openalex, Service::Pubmed, Service::Crossref];
    let got = fetch::enrich::enrich(&mut session, &ctx.config.fetch, &works, &services)?;
    let searches = search_targets(&corpus);
    let plain: Vec<fetch::search::Target> = searches.iter().map(|t| t.target.clone()).collect();
    let found = fetch::search::search(&mut session, &ctx.config.fetch, &plain, &services)?;
    keep_searches(session.store(), &searches, &found)?;
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
    for id in found.iter().flat_map(|s| s.inputs.iter().copied()) {
        if inputs.insert(id) {
            out.extend(store.input_records(id)?);
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
    let mut store = super::commands::open_store(ctx)?;
    let corpus = citemap::resolve::resolve(&store.records()?, &ctx.config.resolve);
    let works = targets(&corpus, args.all, args.cited);
    super::progress::step(format_args!("enriching {} of {} works", works.len(), corpus.works.len()));
    let client = client(&ctx.config, &policy)?;
    let mut session = Session::new(client, &mut store, policy);
    session.set_budgets(&ctx.config.fetch);
    let chatty = !ctx.quiet && !ctx.json;
    if chatty {
        session.on_progress(progress_line());
    }
    fetch::enrich::enrich(&mut session, &ctx.config.fetch, &works, &services)?;
    let mut searched = Vec::new();
    let mut found_by_search = std::collections::BTreeSet::new();
    if args.search {
        let targets = search_targets(&corpus);
        let plain: Vec<fetch::search::Target> = targets.iter().map(|t| t.target.clone()).collect();
        let results = fetch::search::search(&mut session, &ctx.config.fetch, &plain, &services)?;
        keep_searches(session.store(), &targets, &results)?;
        for s in results {
            if let Some(d) = s.accepted.as_ref().and_then(|a| a.doi.clone()) {
                found_by_search.insert(d.to_lowercase());
            }
            searched.push(serde_json::json!({ "work": targets[s.target].label, "search": s }));
        }
    }
    let mut stubbed = Vec::new();
    if args.search && services.contains(&Service::Crossref) {
        // The citing papers found by the searches now have a DOI: the
        // corpus again, so their reference lists are read too.
        let mid = if found_by_search.is_empty() {
            None
        } else {
            Some(citemap::resolve::resolve(&session.store().records()?, &ctx.config.resolve))
        };
        let stubs = stub_targets(&corpus, mid.as_ref().unwrap_or(&corpus));
        if !stubs.is_empty() {
            let lists = read_reference_lists(&mut session, &ctx.config, &stubs)?;
            let after = citemap::resolve::resolve(&session.store().records()?, &ctx.config.resolve);
            stubbed = stub_outcomes(&corpus, &after, &stubs, &lists, &found_by_search);
            // Else a bibliographic search on author + year (+ venue): the
            // candidates are listed, never merged.
            let open: Vec<usize> = (0..stubs.len()).filter(|&k| stubbed[k].state == "stub").collect();
            let plain: Vec<fetch::search::Target> =
                open.iter().map(|&k| stubs[k].search.target.clone()).collect();
            let targets: Vec<SearchTarget> = open
                .iter()
                .map(|&k| SearchTarget {
                    work: stubs[k].search.work,
                    label: stubs[k].search.label.clone(),
                    keys: stubs[k].search.keys.clone(),
                    target: stubs[k].search.target.clone(),
                })
                .collect();
            let results = fetch::search::search(&mut session, &ctx.config.fetch, &plain, &services)?;
            keep_searches(session.store(), &targets, &results)?;
            for r in results {
                let st = &mut stubbed[open[r.target]];
                let what = match (&r.reason, r.candidates.len()) {
                    (Some(why), 0) => format!("search by author and year: {why}"),
                    (Some(why), n) => format!("search by author and year: {n} candidate(s): {why}"),
                    (None, n) => format!("search by author and year: {n} candidate(s)"),
                };
                st.reason = format!("{}; {what}", st.reason);
                st.candidates = r.candidates;
            }
        }
    }
    let report = session.report.clone();
    drop(session);
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
                    "search: {}: no candidate accepted ({n} listed: `citemap show work`, --json): {}",
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
