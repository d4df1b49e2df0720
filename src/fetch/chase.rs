//! Citation chasing (snowballing) from a set of seed works: backward (what
//! the seeds cite) and forward (what cites them), from several services at
//! once, merged, ranked.
//!
//! Per level: seeds without an OpenAlex id are looked up at OpenAlex (by DOI,
//! then PMID), which also supplies DOIs and PMIDs; then each seed's lists are
//! fetched: OpenAlex `cited_by:`/`cites:` (needs the W id), OpenCitations
//! (needs a DOI), Semantic Scholar (DOI or PMID), PubMed elink (PMID; one
//! request serves both directions). In a list, the seed's own records give
//! their citations (backward); other records that cite the seed are citing
//! works (forward); other records that do not are cited works (backward,
//! OpenAlex `cited_by:` returns those as full works).
//!
//! Candidates from all services are merged when they share an identifier
//! (DOI, PMID, PMCID, OpenAlex, Semantic Scholar, arXiv), or, with no
//! identifier at all, a folded title and year. Seeds and works already known
//! (`known`) are not candidates. Ranking: depth, then the number of seeds a
//! candidate links to (co-citation for backward, coupling for forward),
//! then the number of service/direction pairs that found it, then its key.
//! `--depth 2` chases the best `max` candidates of level 1 in turn. At the
//! end, candidates known only by an identifier are described from OpenAlex
//! batch look-ups (title, year, first author, venue).

use super::session::{Error, KeyState, ListResult, Reader, Session};
use super::{openalex, opencitations, pubmed, semantic_scholar, Request, Service};
use crate::fetch::FetchConfig;
use crate::model::{Citation, Identifier, Record};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One seed work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seed {
    /// How the user named it (work label, DOI, line of the seeds file).
    pub label: String,
    /// Its identifiers.
    pub ids: Vec<Identifier>,
}

/// Which way to chase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// What the seeds cite.
    Backward,
    /// What cites the seeds.
    Forward,
}

impl Direction {
    /// `backward` / `forward`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Backward => "backward",
            Direction::Forward => "forward",
        }
    }
}

/// Chase settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Directions to follow.
    pub directions: Vec<Direction>,
    /// Levels (1: the seeds' own links).
    pub depth: u32,
    /// Most candidates kept (and most works chased at the next level).
    pub max: usize,
    /// Services asked.
    pub services: Vec<Service>,
}

/// One work found by chasing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// Identifiers from every service (sorted).
    pub ids: Vec<Identifier>,
    /// Title, when some service gave one.
    pub title: Option<String>,
    /// Year.
    pub year: Option<i32>,
    /// First author as written.
    pub first_author: Option<String>,
    /// Venue.
    pub venue: Option<String>,
    /// Labels of the works (seeds at level 1) it links to.
    pub seeds: BTreeSet<String>,
    /// `direction:service` pairs that found it.
    pub found_by: BTreeSet<String>,
    /// Level at which it was first found.
    pub depth: u32,
}

impl Candidate {
    /// Stable key: the first identifier, else the folded title and year.
    pub fn key(&self) -> String {
        self.ids.first().map(|i| i.to_string()).unwrap_or_else(|| title_key(self.title.as_deref(), self.year))
    }
}

/// What each seed's lists gave, for the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListStatus {
    /// Seed label.
    pub seed: String,
    /// Service.
    pub service: Service,
    /// Direction(s): `backward`, `forward` or `both`.
    pub direction: String,
    /// Request label of the first page.
    pub url: String,
    /// Found, empty, missing or failed.
    pub state: KeyState,
}

/// The result of a chase.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Chased {
    /// Candidates, ranked.
    pub candidates: Vec<Candidate>,
    /// Every list asked.
    pub lists: Vec<ListStatus>,
    /// Seeds that no service could be asked about (no usable identifier).
    pub unusable_seeds: Vec<String>,
}

fn title_key(title: Option<&str>, year: Option<i32>) -> String {
    let t: String =
        title.unwrap_or("").chars().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).collect();
    format!("title:{t}|{}", year.map(|y| y.to_string()).unwrap_or_default())
}

/// Identifier keys that merge candidates.
fn merge_keys(ids: &[Identifier]) -> Vec<String> {
    ids.iter()
        .filter(|i| {
            matches!(
                i,
                Identifier::Doi(_)
                    | Identifier::Pmid(_)
                    | Identifier::Pmcid(_)
                    | Identifier::Openalex(_)
                    | Identifier::S2(_)
                    | Identifier::Arxiv(_)
            )
        })
        .map(|i| i.to_string())
        .collect()
}

fn first<'a>(ids: &'a [Identifier], f: impl Fn(&'a Identifier) -> Option<&'a String>) -> Option<&'a String> {
    ids.iter().find_map(f)
}

/// One sighting of a candidate.
struct Sighting {
    ids: Vec<Identifier>,
    title: Option<String>,
    year: Option<i32>,
    first_author: Option<String>,
    venue: Option<String>,
    seed: String,
    found_by: String,
}

fn from_record(r: &Record, seed: &str, found_by: String) -> Sighting {
    Sighting {
        ids: r.ids.clone(),
        title: r.title.clone(),
        year: r.year(),
        first_author: r.authors.first().map(|a| a.raw.clone()),
        venue: r.venue.clone(),
        seed: seed.to_string(),
        found_by,
    }
}

fn from_citation(c: &Citation, seed: &str, found_by: String) -> Sighting {
    Sighting {
        ids: c.ids.to_vec(),
        title: c.detail().title.clone(),
        year: c.year,
        first_author: c.authors.first().map(|a| a.raw.clone()),
        venue: c.detail().venue.clone(),
        seed: seed.to_string(),
        found_by,
    }
}

/// The candidates one list gives for a seed with identifier keys `seed_keys`.
fn sightings(
    records: &[Record],
    seed: &str,
    seed_keys: &HashSet<String>,
    dirs: &[Direction],
    service: Service,
) -> Vec<Sighting> {
    let is_seed = |ids: &[Identifier]| ids.iter().any(|i| seed_keys.contains(&i.to_string()));
    let mut out = Vec::new();
    for r in records {
        if is_seed(&r.ids) {
            if dirs.contains(&Direction::Backward) {
                for c in &r.citations {
                    out.push(from_citation(c, seed, format!("backward:{service}")));
                }
            }
            continue;
        }
        let cites_seed = r.citations.iter().any(|c| is_seed(&c.ids));
        let dir = if cites_seed { Direction::Forward } else { Direction::Backward };
        if dirs.contains(&dir) {
            out.push(from_record(r, seed, format!("{}:{service}", dir.name())));
        }
    }
    out
}

/// Merges sightings into candidates (union of shared identifier keys).
fn merge(sightings: Vec<Sighting>, depth: u32, into: &mut Vec<Candidate>, exclude: &HashSet<String>) {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (n, c) in into.iter().enumerate() {
        for k in merge_keys(&c.ids) {
            by_key.insert(k, n);
        }
        if merge_keys(&c.ids).is_empty() {
            by_key.insert(title_key(c.title.as_deref(), c.year), n);
        }
    }
    for s in sightings {
        let mut keys = merge_keys(&s.ids);
        if keys.iter().any(|k| exclude.contains(k)) {
            continue;
        }
        if keys.is_empty() {
            if s.title.is_none() {
                continue;
            }
            keys.push(title_key(s.title.as_deref(), s.year));
        }
        let hits: BTreeSet<usize> = keys.iter().filter_map(|k| by_key.get(k).copied()).collect();
        let n = match hits.first() {
            Some(&n) => n,
            None => {
                into.push(Candidate { depth, ..Candidate::default() });
                into.len() - 1
            }
        };
        // Further hits are folded into the first (a sighting joined them).
        for &other in hits.iter().skip(1) {
            let taken = std::mem::take(&mut into[other]);
            let c = &mut into[n];
            for id in taken.ids {
                if !c.ids.contains(&id) {
                    c.ids.push(id);
                }
            }
            c.seeds.extend(taken.seeds);
            c.found_by.extend(taken.found_by);
            c.title = c.title.take().or(taken.title);
            c.year = c.year.or(taken.year);
            c.first_author = c.first_author.take().or(taken.first_author);
            c.venue = c.venue.take().or(taken.venue);
            c.depth = c.depth.min(taken.depth.max(1));
        }
        let c = &mut into[n];
        for id in s.ids {
            if !c.ids.contains(&id) {
                c.ids.push(id);
            }
        }
        c.title = c.title.take().or(s.title);
        c.year = c.year.or(s.year);
        c.first_author = c.first_author.take().or(s.first_author);
        c.venue = c.venue.take().or(s.venue);
        c.seeds.insert(s.seed);
        c.found_by.insert(s.found_by);
        for k in merge_keys(&c.ids) {
            by_key.insert(k, n);
        }
        if merge_keys(&c.ids).is_empty() {
            by_key.insert(title_key(c.title.as_deref(), c.year), n);
        }
    }
    into.retain(|c| !c.seeds.is_empty());
}

/// Looks seeds up at OpenAlex to learn their W ids, DOIs and PMIDs.
fn complete_seeds(session: &mut Session<'_>, cfg: &FetchConfig, seeds: &mut [Seed]) -> Result<(), Error> {
    let mut keys = Vec::new();
    for s in seeds.iter() {
        let w = first(&s.ids, |i| if let Identifier::Openalex(w) = i { Some(w) } else { None });
        let doi = first(&s.ids, |i| if let Identifier::Doi(d) = i { Some(d) } else { None });
        let pmid = first(&s.ids, |i| if let Identifier::Pmid(p) = i { Some(p) } else { None });
        match (w, doi, pmid) {
            // Known at OpenAlex with a DOI: nothing to learn.
            (Some(_), Some(_), _) => {}
            // An OpenAlex id alone: learn its DOI and PMID for the other services.
            (Some(w), None, _) => keys.push(format!("openalex:{w}")),
            (None, Some(d), _) => keys.push(format!("doi:{d}")),
            (None, None, Some(p)) => keys.push(format!("pmid:{p}")),
            (None, None, None) => {}
        }
    }
    if keys.is_empty() {
        return Ok(());
    }
    let make = |scheme: &str, values: &[String]| openalex::lookup(cfg, scheme, values);
    let found = session.lookup(Service::Openalex, Reader::Openalex, &keys, openalex::BATCH, &make)?;
    for s in seeds.iter_mut() {
        let mine: Vec<String> = s.ids.iter().map(|i| i.to_string()).collect();
        for k in mine {
            if let Some(r) = found.get(&k) {
                for rec in &r.records {
                    for id in &rec.ids {
                        if !s.ids.contains(id) {
                            s.ids.push(id.clone());
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Chases from `seeds`. `known`: identifier keys of works already in the
/// store (not candidates).
pub fn chase(
    session: &mut Session<'_>,
    cfg: &FetchConfig,
    seeds: Vec<Seed>,
    known: &HashSet<String>,
    opts: &Options,
) -> Result<Chased, Error> {
    let mut out = Chased::default();
    let mut exclude: HashSet<String> = known.clone();
    let mut frontier = seeds;
    let want = |s: Service| opts.services.contains(&s);
    for level in 1..=opts.depth.max(1) {
        if want(Service::Openalex) {
            complete_seeds(session, cfg, &mut frontier)?;
        }
        for s in &frontier {
            exclude.extend(merge_keys(&s.ids));
        }
        // (seed index, directions served, request, reader)
        let mut plan: Vec<(usize, Vec<Direction>, Request, Reader)> = Vec::new();
        for (n, s) in frontier.iter().enumerate() {
            let w = first(&s.ids, |i| if let Identifier::Openalex(w) = i { Some(w) } else { None });
            let doi = first(&s.ids, |i| if let Identifier::Doi(d) = i { Some(d) } else { None });
            let pmid = first(&s.ids, |i| if let Identifier::Pmid(p) = i { Some(p) } else { None });
            let before = plan.len();
            for &dir in &opts.directions {
                let back = dir == Direction::Backward;
                if let (true, Some(w)) = (want(Service::Openalex), w) {
                    plan.push((n, vec![dir], openalex::links(cfg, w, back), Reader::Openalex));
                }
                if let (true, Some(d)) = (want(Service::Opencitations), doi) {
                    plan.push((n, vec![dir], opencitations::links(cfg, d, back), Reader::Opencitations));
                }
                if want(Service::SemanticScholar) {
                    let spec = doi
                        .map(|d| semantic_scholar::spec("doi", d))
                        .or_else(|| pmid.map(|p| semantic_scholar::spec("pmid", p)))
                        .flatten();
                    if let Some(spec) = spec {
                        plan.push((
                            n,
                            vec![dir],
                            semantic_scholar::links(cfg, &spec, back),
                            Reader::SemanticScholar,
                        ));
                    }
                }
            }
            if let (true, Some(p)) = (want(Service::Pubmed), pmid) {
                plan.push((n, opts.directions.clone(), pubmed::elink(cfg, p), Reader::PubmedElink));
            }
            if plan.len() == before {
                out.unusable_seeds.push(s.label.clone());
            }
        }
        let firsts: Vec<(Request, Reader)> = plan.iter().map(|(_, _, r, rd)| (r.clone(), *rd)).collect();
        let results: Vec<ListResult> = session.lists(firsts)?;
        let mut seen: Vec<Sighting> = Vec::new();
        for ((n, dirs, req, _), res) in plan.iter().zip(results) {
            let seed = &frontier[*n];
            let seed_keys: HashSet<String> = seed.ids.iter().map(|i| i.to_string()).collect();
            let direction = if dirs.len() == 1 { dirs[0].name().to_string() } else { "both".to_string() };
            out.lists.push(ListStatus {
                seed: seed.label.clone(),
                service: req.service,
                direction,
                url: req.label.clone(),
                state: res.state.clone(),
            });
            seen.extend(sightings(&res.records, &seed.label, &seed_keys, dirs, req.service));
        }
        let mut level_cands: Vec<Candidate> = Vec::new();
        merge(seen, level, &mut level_cands, &exclude);
        // Fold this level into what earlier levels found.
        let mut all = std::mem::take(&mut out.candidates);
        let sights: Vec<Sighting> = level_cands
            .iter()
            .flat_map(|c| {
                c.seeds.iter().flat_map(move |s| {
                    c.found_by.iter().map(move |f| Sighting {
                        ids: c.ids.clone(),
                        title: c.title.clone(),
                        year: c.year,
                        first_author: c.first_author.clone(),
                        venue: c.venue.clone(),
                        seed: s.clone(),
                        found_by: f.clone(),
                    })
                })
            })
            .collect();
        merge(sights, level, &mut all, &HashSet::new());
        rank(&mut all);
        all.truncate(opts.max);
        out.candidates = all;
        if level >= opts.depth {
            break;
        }
        // Next level: this level's best new candidates that can be asked about.
        frontier = level_cands_ranked(level_cands, opts.max)
            .into_iter()
            .filter(|c| !merge_keys(&c.ids).is_empty())
            .map(|c| Seed { label: c.key(), ids: c.ids })
            .collect();
        if frontier.is_empty() {
            break;
        }
    }
    if want(Service::Openalex) {
        describe(session, cfg, &mut out.candidates)?;
    }
    for c in &mut out.candidates {
        c.ids.sort();
    }
    Ok(out)
}

/// Fills title, year, first author, venue and identifiers of candidates
/// known only by id (OpenCitations, PubMed elink give no metadata) from
/// OpenAlex batch look-ups by DOI (cached like every answer).
fn describe(session: &mut Session<'_>, cfg: &FetchConfig, cands: &mut [Candidate]) -> Result<(), Error> {
    let keys: Vec<String> = cands
        .iter()
        .filter(|c| c.title.is_none())
        .filter_map(|c| {
            first(&c.ids, |i| if let Identifier::Doi(d) = i { Some(d) } else { None })
                .map(|d| format!("doi:{d}"))
                .or_else(|| {
                    first(&c.ids, |i| if let Identifier::Pmid(p) = i { Some(p) } else { None })
                        .map(|p| format!("pmid:{p}"))
                })
        })
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    let make = |scheme: &str, values: &[String]| openalex::lookup(cfg, scheme, values);
    let found = session.lookup(Service::Openalex, Reader::Openalex, &keys, openalex::BATCH, &make)?;
    for c in cands.iter_mut().filter(|c| c.title.is_none()) {
        let rec = c.ids.iter().find_map(|i| found.get(&i.to_string())).and_then(|r| r.records.first());
        if let Some(r) = rec {
            c.title = r.title.clone();
            c.year = c.year.or(r.year());
            c.first_author = c.first_author.take().or_else(|| r.authors.first().map(|a| a.raw.clone()));
            c.venue = c.venue.take().or_else(|| r.venue.clone());
            for id in &r.ids {
                if !c.ids.contains(id) {
                    c.ids.push(id.clone());
                }
            }
        }
    }
    Ok(())
}

fn level_cands_ranked(mut c: Vec<Candidate>, max: usize) -> Vec<Candidate> {
    rank(&mut c);
    c.truncate(max);
    c
}

/// Sorts candidates: depth, seeds linked (more first), finders, key.
pub fn rank(c: &mut [Candidate]) {
    c.sort_by(|a, b| {
        a.depth
            .cmp(&b.depth)
            .then(b.seeds.len().cmp(&a.seeds.len()))
            .then(b.found_by.len().cmp(&a.found_by.len()))
            .then(a.key().cmp(&b.key()))
    });
}

/// The service and direction of the chase answer a record came from, read
/// from its provenance (the request label this module builds, and for
/// PubMed elink the record's locator): OpenAlex `filter=cited_by:` /
/// `filter=cites:`, Semantic Scholar `/paper/…/references` / `/citations`,
/// OpenCitations `/references/doi:` / `/citations/doi:`, elink `… refs` /
/// `… cites …`. `None` for anything else (files, look-ups, searches).
pub fn found_by(p: &crate::model::Provenance) -> Option<(Service, Direction)> {
    let l: &str = &p.input;
    if !(l.starts_with("http://") || l.starts_with("https://")) {
        return None;
    }
    let (path, query) = l.split_once('?').unwrap_or((l, ""));
    if path.ends_with("/works") {
        for part in query.split('&') {
            if part.starts_with("filter=cited_by:") {
                return Some((Service::Openalex, Direction::Backward));
            }
            if part.starts_with("filter=cites:") {
                return Some((Service::Openalex, Direction::Forward));
            }
        }
        return None;
    }
    if path.ends_with("/elink.fcgi") {
        let loc = p.record.as_deref()?;
        return if loc.ends_with(" refs") {
            Some((Service::Pubmed, Direction::Backward))
        } else if loc.contains(" cites ") {
            Some((Service::Pubmed, Direction::Forward))
        } else {
            None
        };
    }
    if path.contains("/paper/") {
        return if path.ends_with("/references") {
            Some((Service::SemanticScholar, Direction::Backward))
        } else if path.ends_with("/citations") {
            Some((Service::SemanticScholar, Direction::Forward))
        } else {
            None
        };
    }
    if path.contains("/references/doi:") {
        return Some((Service::Opencitations, Direction::Backward));
    }
    if path.contains("/citations/doi:") {
        return Some((Service::Opencitations, Direction::Forward));
    }
    None
}

/// The identifier a chase request asked about, as it appears in its label
/// (`W…`, a DOI as [`super::encode`] writes it, `PMID:…`, a bare PMID).
fn asked(label: &str) -> Option<&str> {
    let (path, query) = label.split_once('?').unwrap_or((label, ""));
    for m in ["/references/doi:", "/citations/doi:"] {
        if let Some(at) = path.find(m) {
            return Some(&path[at + m.len()..]);
        }
    }
    if let Some(at) = path.find("/paper/") {
        let rest = &path[at + "/paper/".len()..];
        return rest.rsplit_once('/').map(|(spec, _)| spec);
    }
    query.split('&').find_map(|part| {
        part.strip_prefix("filter=cited_by:")
            .or_else(|| part.strip_prefix("filter=cites:"))
            .or_else(|| part.strip_prefix("id="))
    })
}

/// The `found_by` text of a work known only from fetched answers, at least
/// one of them a chase list in which it was found: its distinct
/// `direction:service` pairs (as in [`Candidate::found_by`]) joined by `; `.
/// A source counts when the work is not the one the request asked about (a
/// seed is not found by its own lists) and, for OpenAlex, when the source is
/// the work's own record (not a reference list entry of another work of the
/// page). `None` when any source is not a fetched answer (a file the user
/// ingested: the work was not added by chasing) or no source counts.
pub fn found_by_text<'i>(
    sources: &[crate::model::Provenance],
    ids: impl IntoIterator<Item = &'i Identifier>,
) -> Option<String> {
    let mut own: Vec<String> = Vec::new();
    let mut openalex: Vec<&str> = Vec::new();
    for id in ids {
        match id {
            Identifier::Doi(d) => {
                own.push(super::encode(d, true).to_lowercase());
                own.push(format!("doi:{}", d.to_lowercase()));
            }
            Identifier::Pmid(p) => {
                own.push(p.clone());
                own.push(format!("pmid:{p}"));
            }
            Identifier::Openalex(o) => {
                own.push(o.to_lowercase());
                openalex.push(o.as_str());
            }
            _ => {}
        }
    }
    let mut pairs: BTreeSet<String> = BTreeSet::new();
    for p in sources {
        if !(p.input.starts_with("http://") || p.input.starts_with("https://")) {
            return None;
        }
        let Some((s, d)) = found_by(p) else { continue };
        if asked(&p.input).is_some_and(|a| own.contains(&a.to_lowercase())) {
            continue;
        }
        if s == Service::Openalex && !p.record.as_deref().is_some_and(|r| openalex.contains(&r)) {
            continue;
        }
        pairs.insert(format!("{}:{}", d.name(), s.name()));
    }
    (!pairs.is_empty()).then(|| pairs.into_iter().collect::<Vec<_>>().join("; "))
}

/// Per service and direction, how many candidates each found (report).
pub fn found_by_counts(c: &[Candidate]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for x in c {
        for f in &x.found_by {
            *m.entry(f.clone()).or_insert(0) += 1;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provenance;

    fn rec(ids: Vec<Identifier>, cites: Vec<Identifier>) -> Record {
        let mut r = Record::new(Provenance::new("u", 0, None), "t");
        r.ids = ids;
        for c in cites {
            r.citations.push(Citation { ids: smallvec::smallvec![c], count: 1, ..Citation::default() });
        }
        r
    }

    #[test]
    fn directions_and_merging_across_services() {
        let seed = Identifier::Doi("10.1/seed".into());
        let keys: HashSet<String> = [seed.to_string()].into_iter().collect();
        // Seed's own record with two references; one citing work.
        let records = vec![
            rec(vec![seed.clone()], vec![Identifier::Doi("10.1/a".into()), Identifier::Doi("10.1/b".into())]),
            rec(vec![Identifier::Doi("10.1/c".into())], vec![seed.clone()]),
        ];
        let both = [Direction::Backward, Direction::Forward];
        let s1 = sightings(&records, "S", &keys, &both, Service::Opencitations);
        assert_eq!(s1.len(), 3);
        let back_only = sightings(&records, "S", &keys, &[Direction::Backward], Service::Opencitations);
        assert_eq!(back_only.len(), 2);
        // Another service finds 10.1/a with its PMID.
        let mut other = rec(vec![Identifier::Doi("10.1/a".into()), Identifier::Pmid("5".into())], vec![]);
        other.title = Some("A".into());
        let s2 = sightings(&[other], "T", &keys, &both, Service::Openalex);
        let mut c = Vec::new();
        let mut all = s1;
        all.extend(s2);
        merge(all, 1, &mut c, &HashSet::new());
        rank(&mut c);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].key(), "doi:10.1/a");
        assert_eq!(c[0].seeds.len(), 2);
        assert_eq!(c[0].found_by.len(), 2);
        assert_eq!(c[0].title.as_deref(), Some("A"));
    }

    #[test]
    fn found_by_names_service_and_direction_but_not_for_the_asked_seed() {
        let oc = "http://127.0.0.1:1/oc/references/doi:10.1108/jd-12-2013-0166";
        let p = Provenance::new(oc, 0, Some("0200101".into()));
        let jama = Identifier::doi("10.1001/jama.295.1.90").unwrap();
        let seed = Identifier::doi("10.1108/jd-12-2013-0166").unwrap();
        assert_eq!(
            found_by_text(std::slice::from_ref(&p), [&jama]).as_deref(),
            Some("backward:opencitations")
        );
        assert_eq!(found_by_text(std::slice::from_ref(&p), [&seed]), None);
        let file = Provenance::new("refs.ris", 3, None);
        assert_eq!(found_by_text(&[p, file], [&jama]), None, "a work from a file was not added by chase");
        let oa = "http://x/works?filter=cited_by:W1&per_page=100&cursor=*";
        let w2 = Identifier::Openalex("W2".into());
        let own = Provenance::new(oa, 0, Some("W2".into()));
        let other = Provenance::new(oa, 0, Some("W3".into()));
        assert_eq!(found_by_text(std::slice::from_ref(&own), [&w2]).as_deref(), Some("backward:openalex"));
        assert_eq!(found_by_text(&[other], [&w2]), None, "a reference of another record of the page");
        let el = "http://x/elink.fcgi?dbfrom=pubmed&db=pubmed&cmd=neighbor&id=9298984";
        let p = Provenance::new(el, 0, Some("pmid:5 cites pmid:9298984".into()));
        let five = Identifier::pmid("5").unwrap();
        assert_eq!(found_by_text(&[p], [&five]).as_deref(), Some("forward:pubmed"));
    }
}
