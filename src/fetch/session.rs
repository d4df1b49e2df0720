//! Cache-aware fetching into the store. A [`Session`] asks the store first
//! (each answer is cached per service and key, see
//! [`crate::store::Response`]), sends only what is not stored (or is older
//! than `max_age`, or everything with `refresh`), and keeps each answer in
//! its own transaction as soon as it arrives, so a killed run resumes where
//! it stopped and nothing is fetched twice. With `offline` nothing is sent
//! and what is not stored is reported as such.
//!
//! Two shapes of work: [`Session::lookup`] (identifiers asked in batches;
//! each identifier is `found` when a record of the answer carries it, else
//! `missing`) and [`Session::lists`] (citation lists, paged; each page is
//! cached under its own address, `empty` when it lists nothing).

use super::http::{self, Client, Outcome};
use super::{FailReason, Request, Service};
use crate::model::{Parsed, Record};
use crate::store::{Body, Store};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Why a session stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    /// The HTTP client failed to start.
    #[error(transparent)]
    Http(#[from] http::Error),
}

/// How the cache is used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CachePolicy {
    /// Send nothing; use only what is stored.
    pub offline: bool,
    /// Ask again even when an answer is stored.
    pub refresh: bool,
    /// Stored answers older than this many seconds are asked again.
    pub max_age: Option<u64>,
}

/// Which reader turns a body into records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// [`crate::ingest::openalex`].
    Openalex,
    /// [`crate::ingest::crossref`].
    Crossref,
    /// [`crate::ingest::pubmed_xml`].
    PubmedXml,
    /// [`super::pubmed::parse_elink`].
    PubmedElink,
    /// [`crate::ingest::semantic_scholar`].
    SemanticScholar,
    /// [`super::opencitations::parse`].
    Opencitations,
    /// A Crossref search answer: kept raw, no records until
    /// [`super::search`] accepts one.
    CrossrefSearch,
    /// An OpenAlex search answer (kept raw, like [`Reader::CrossrefSearch`]).
    OpenalexSearch,
    /// A PubMed esearch answer (PMIDs only; kept raw).
    PubmedEsearch,
    /// The efetch of the PMIDs a search returned (kept raw).
    PubmedSearchFetch,
}

impl Reader {
    /// Format name stored with the input.
    pub fn format(self) -> &'static str {
        match self {
            Reader::Openalex => crate::ingest::openalex::NAME,
            Reader::Crossref => crate::ingest::crossref::NAME,
            Reader::PubmedXml => "pubmed-xml",
            Reader::PubmedElink => super::pubmed::ELINK,
            Reader::SemanticScholar => crate::ingest::semantic_scholar::NAME,
            Reader::Opencitations => super::opencitations::NAME,
            Reader::CrossrefSearch => "crossref-search",
            Reader::OpenalexSearch => "openalex-search",
            Reader::PubmedEsearch => "pubmed-esearch",
            Reader::PubmedSearchFetch => "pubmed-search",
        }
    }

    /// Reads a body fetched from `label`.
    pub fn parse(self, label: &str, text: &str) -> Parsed {
        match self {
            Reader::Openalex => crate::ingest::openalex::parse(label, text),
            Reader::Crossref => crate::ingest::crossref::parse(label, text),
            Reader::PubmedXml => crate::ingest::pubmed_xml::parse(label, text),
            Reader::PubmedElink => super::pubmed::parse_elink(label, text),
            Reader::SemanticScholar => crate::ingest::semantic_scholar::parse(label, text),
            Reader::Opencitations => super::opencitations::parse(label, text),
            Reader::CrossrefSearch
            | Reader::OpenalexSearch
            | Reader::PubmedEsearch
            | Reader::PubmedSearchFetch => Parsed::default(),
        }
    }

    /// The next page of a list after `label` (`None`: last page).
    pub fn next_page(self, label: &str, text: &str) -> Option<String> {
        match self {
            Reader::Openalex => super::openalex::next_page(label, text),
            Reader::SemanticScholar => super::semantic_scholar::next_page(label, text),
            _ => None,
        }
    }
}

/// What became of one key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum KeyState {
    /// The service has it.
    Found,
    /// The service has it and lists nothing (an empty reference list).
    Empty,
    /// The service does not have it.
    Missing,
    /// Could not ask (after retries), or `--offline` with nothing stored.
    Failed {
        /// Why.
        reason: FailReason,
        /// Details (no secrets).
        detail: String,
    },
}

/// One failed item, for the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// Service asked.
    pub service: Service,
    /// Request label.
    pub url: String,
    /// Keys it was for.
    pub keys: Vec<String>,
    /// Why.
    pub reason: FailReason,
    /// Details (no secrets).
    pub detail: String,
}

/// Counts for one service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ServiceReport {
    /// Keys asked for (identifiers and list pages).
    pub requested: u64,
    /// Of those, answered from the store.
    pub from_cache: u64,
    /// Answers fetched and stored (responses, not keys).
    pub fetched: u64,
    /// HTTP requests sent (retries included).
    pub requests: u64,
    /// Keys found.
    pub found: u64,
    /// Keys found with an empty list.
    pub empty: u64,
    /// Keys the service does not have.
    pub missing: u64,
    /// Failed keys by reason.
    pub failed: BTreeMap<FailReason, u64>,
}

/// What a session did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Per service.
    pub services: BTreeMap<Service, ServiceReport>,
    /// Every failed item with its reason.
    pub failures: Vec<Failure>,
}

impl Report {
    fn count(&mut self, service: Service, state: &KeyState, cached: bool) {
        let s = self.services.entry(service).or_default();
        s.requested += 1;
        if cached {
            s.from_cache += 1;
        }
        match state {
            KeyState::Found => s.found += 1,
            KeyState::Empty => s.empty += 1,
            KeyState::Missing => s.missing += 1,
            KeyState::Failed { reason, .. } => *s.failed.entry(*reason).or_default() += 1,
        }
    }

    /// HTTP requests sent in all.
    pub fn requests(&self) -> u64 {
        self.services.values().map(|s| s.requests).sum()
    }

    /// Failed keys in all.
    pub fn failed(&self) -> u64 {
        self.services.values().flat_map(|s| s.failed.values()).sum()
    }
}

/// The answer for one looked-up key.
#[derive(Clone, Debug)]
pub struct KeyResult {
    /// What became of it.
    pub state: KeyState,
    /// Records of the answer carrying the key.
    pub records: Vec<Record>,
}

/// The answer for one list (all its pages).
#[derive(Clone, Debug)]
pub struct ListResult {
    /// `Found` when any page listed something, `Empty`, `Missing` or `Failed`.
    pub state: KeyState,
    /// Records of every page.
    pub records: Vec<Record>,
}

/// Requests within their budget, and those over it with the reason's detail.
type Budgeted = (Vec<Request>, Vec<(Request, String)>);

/// A progress callback: service, answers so far, answers expected this round.
type Progress<'a> = Box<dyn FnMut(Service, usize, usize) + 'a>;

/// A fetching session over a store.
pub struct Session<'a> {
    client: Option<Client>,
    store: &'a mut Store,
    policy: CachePolicy,
    now: i64,
    /// What was done so far.
    pub report: Report,
    /// Progress callback, called after each answer.
    progress: Option<Progress<'a>>,
    /// Daily budgets (US dollars per 24 h) per service.
    budgets: BTreeMap<Service, f64>,
}

fn fresh(policy: &CachePolicy, now: i64, fetched_at: i64) -> bool {
    !policy.refresh && policy.max_age.is_none_or(|age| now.saturating_sub(fetched_at) <= age as i64)
}

fn records_with(records: &[Record], key: &str) -> Vec<Record> {
    records.iter().filter(|r| r.ids.iter().any(|i| i.to_string() == key)).cloned().collect()
}

impl<'a> Session<'a> {
    /// A session; `client` may be `None` only with `policy.offline`.
    pub fn new(client: Option<Client>, store: &'a mut Store, policy: CachePolicy) -> Session<'a> {
        Session {
            client,
            store,
            policy,
            now: super::now_secs(),
            report: Report::default(),
            progress: None,
            budgets: BTreeMap::new(),
        }
    }

    /// Applies the daily budgets of `cfg` (`[fetch.*] daily_budget`).
    pub fn set_budgets(&mut self, cfg: &super::FetchConfig) {
        self.budgets =
            Service::ALL.into_iter().filter_map(|s| s.settings(cfg).daily_budget.map(|b| (s, b))).collect();
    }

    /// What `service` spent in the 24 hours before now, from the answers
    /// stored (each request address once), US dollars.
    pub fn spent_today(&self, service: Service) -> Result<f64, Error> {
        let labels = self.store.responses_since(service.name(), self.now - 86_400)?;
        Ok(labels.iter().map(|l| super::cost_usd(service, l)).sum())
    }

    /// Splits `requests` into those within their service's daily budget
    /// (in order, each priced) and those over it, with the reason's detail.
    fn within_budget(&self, requests: Vec<Request>) -> Result<Budgeted, Error> {
        let mut left: BTreeMap<Service, f64> = BTreeMap::new();
        let (mut ok, mut over) = (Vec::new(), Vec::new());
        for req in requests {
            let Some(&budget) = self.budgets.get(&req.service) else {
                ok.push(req);
                continue;
            };
            let remaining = match left.get(&req.service) {
                Some(&r) => r,
                None => budget - self.spent_today(req.service)?,
            };
            let cost = super::cost_usd(req.service, &req.label);
            if cost <= remaining + 1e-12 {
                left.insert(req.service, remaining - cost);
                ok.push(req);
            } else {
                left.insert(req.service, remaining);
                let detail = format!(
                    "daily budget of ${budget} spent (${:.4} left, this request costs ${cost})",
                    remaining.max(0.0)
                );
                over.push((req, detail));
            }
        }
        Ok((ok, over))
    }

    /// Calls `f(service, done, total)` after each answer.
    pub fn on_progress(&mut self, f: impl FnMut(Service, usize, usize) + 'a) {
        self.progress = Some(Box::new(f));
    }

    /// The store behind the session.
    pub fn store(&mut self) -> &mut Store {
        self.store
    }

    fn client(&self) -> Option<&Client> {
        if self.policy.offline {
            None
        } else {
            self.client.as_ref()
        }
    }

    fn sent_before(&self) -> [u64; 5] {
        Service::ALL.map(|s| self.client.as_ref().map_or(0, |c| c.sent(s)))
    }

    fn count_sent(&mut self, before: [u64; 5]) {
        for s in Service::ALL {
            let after = self.client.as_ref().map_or(0, |c| c.sent(s));
            let d = after - before[s.index()];
            if d > 0 {
                self.report.services.entry(s).or_default().requests += d;
            }
        }
    }

    /// Looks up `keys` (identifier keys such as `doi:10.…`) at `service`,
    /// `batch` at a time, each batch asked with `make(scheme, values)` where
    /// values are the keys of that scheme without it. Every key gets a result.
    pub fn lookup(
        &mut self,
        service: Service,
        reader: Reader,
        keys: &[String],
        batch: usize,
        make: &dyn Fn(&str, &[String]) -> Option<Request>,
    ) -> Result<BTreeMap<String, KeyResult>, Error> {
        let mut out: BTreeMap<String, KeyResult> = BTreeMap::new();
        let mut todo: Vec<String> = Vec::new();
        let mut loaded: HashMap<i64, Vec<Record>> = HashMap::new();
        let mut uniq: Vec<&String> = keys.iter().collect();
        uniq.sort();
        uniq.dedup();
        for key in uniq {
            if let Some(c) = self.store.response(service.name(), key)? {
                if fresh(&self.policy, self.now, c.fetched_at) || self.policy.offline {
                    let state = match c.outcome.as_str() {
                        "found" => KeyState::Found,
                        "empty" => KeyState::Empty,
                        _ => KeyState::Missing,
                    };
                    let records = match c.input_id {
                        Some(id) => {
                            if let std::collections::hash_map::Entry::Vacant(e) = loaded.entry(id) {
                                e.insert(self.store.input_records(id)?);
                            }
                            records_with(&loaded[&id], key)
                        }
                        None => Vec::new(),
                    };
                    self.report.count(service, &state, true);
                    out.insert(key.clone(), KeyResult { state, records });
                    continue;
                }
            }
            todo.push(key.clone());
        }
        if todo.is_empty() {
            return Ok(out);
        }
        let Some(client) = self.client().cloned() else {
            for key in todo {
                let state = KeyState::Failed { reason: FailReason::Offline, detail: "not stored".into() };
                self.report.count(service, &state, false);
                self.report.failures.push(Failure {
                    service,
                    url: String::new(),
                    keys: vec![key.clone()],
                    reason: FailReason::Offline,
                    detail: "offline and not stored".into(),
                });
                out.insert(key, KeyResult { state, records: Vec::new() });
            }
            return Ok(out);
        };
        // Group by scheme, then batch.
        let mut by_scheme: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for key in &todo {
            let (scheme, value) = key.split_once(':').unwrap_or(("", key));
            by_scheme.entry(scheme.to_string()).or_default().push(value.to_string());
        }
        let mut requests = Vec::new();
        let mut batch_keys: HashMap<String, Vec<String>> = HashMap::new();
        for (scheme, values) in by_scheme {
            for chunk in values.chunks(batch.max(1)) {
                let chunk_keys: Vec<String> = chunk.iter().map(|v| format!("{scheme}:{v}")).collect();
                match make(&scheme, chunk) {
                    Some(req) => {
                        batch_keys.insert(req.label.clone(), chunk_keys);
                        requests.push(req);
                    }
                    None => {
                        // The service cannot be asked about this scheme.
                        for key in chunk_keys {
                            self.report.count(service, &KeyState::Missing, false);
                            out.insert(key, KeyResult { state: KeyState::Missing, records: Vec::new() });
                        }
                    }
                }
            }
        }
        let (requests, over) = self.within_budget(requests)?;
        for (req, detail) in over {
            let keys = batch_keys.remove(&req.label).unwrap_or_default();
            let state = fail(&mut self.report, service, &req.label, &keys, FailReason::Budget, detail);
            for key in keys {
                self.report.count(service, &state, false);
                out.insert(key, KeyResult { state: state.clone(), records: Vec::new() });
            }
        }
        let total = requests.len();
        let mut done = 0usize;
        let before = self.sent_before();
        let mut failure: Option<Error> = None;
        let store = &mut *self.store;
        let report = &mut self.report;
        let progress = &mut self.progress;
        let now = self.now;
        client.run(requests, |req, outcome| {
            done += 1;
            let keys = batch_keys.remove(&req.label).unwrap_or_default();
            let res = record_lookup(store, report, now, reader, req, outcome, &keys, &client);
            match res {
                Ok(results) => out.extend(results),
                Err(e) => {
                    failure.get_or_insert(e);
                }
            }
            if let Some(p) = progress.as_mut() {
                p(service, done, total);
            }
        })?;
        self.count_sent(before);
        if let Some(e) = failure {
            return Err(e);
        }
        Ok(out)
    }

    /// Fetches every page of each list in `firsts` (first-page requests),
    /// following the reader's paging; results in the order given.
    pub fn lists(&mut self, firsts: Vec<(Request, Reader)>) -> Result<Vec<ListResult>, Error> {
        let n = firsts.len();
        let mut results: Vec<ListResult> =
            (0..n).map(|_| ListResult { state: KeyState::Empty, records: Vec::new() }).collect();
        let mut active: Vec<(usize, Request, Reader, bool)> =
            firsts.into_iter().enumerate().map(|(i, (r, rd))| (i, r, rd, true)).collect();
        while !active.is_empty() {
            let mut send: Vec<(usize, Request, Reader, bool)> = Vec::new();
            let mut next: Vec<(usize, Request, Reader, bool)> = Vec::new();
            for (i, req, reader, first) in active {
                let service = req.service;
                match self.store.response(service.name(), &req.label)? {
                    Some(c) if fresh(&self.policy, self.now, c.fetched_at) || self.policy.offline => {
                        let state = match c.outcome.as_str() {
                            "found" => KeyState::Found,
                            "empty" => KeyState::Empty,
                            _ => KeyState::Missing,
                        };
                        self.report.count(service, &state, true);
                        merge_page(&mut results[i], &state, first);
                        if let Some(id) = c.input_id {
                            results[i].records.extend(self.store.input_records(id)?);
                            let raw = self.store.raw_by_id(id)?;
                            let (text, _) = crate::ingest::decode(&req.label, &raw);
                            if let Some(label) = reader.next_page(&req.label, &text) {
                                next.push((i, Request { label, ..req }, reader, false));
                            }
                        }
                    }
                    _ => send.push((i, req, reader, first)),
                }
            }
            if !send.is_empty() {
                match self.client().cloned() {
                    None => {
                        for (i, req, _, _) in send {
                            let state =
                                KeyState::Failed { reason: FailReason::Offline, detail: "not stored".into() };
                            self.report.count(req.service, &state, false);
                            self.report.failures.push(Failure {
                                service: req.service,
                                url: req.label.clone(),
                                keys: vec![req.label.clone()],
                                reason: FailReason::Offline,
                                detail: "offline and not stored".into(),
                            });
                            results[i].state = state;
                        }
                    }
                    Some(client) => {
                        let mut meta: HashMap<String, Vec<(usize, Reader, bool)>> = HashMap::new();
                        let mut requests = Vec::new();
                        let mut seen = std::collections::HashSet::new();
                        let labels: Vec<Request> = send
                            .iter()
                            .filter(|(_, r, _, _)| seen.insert(r.label.clone()))
                            .map(|(_, r, _, _)| r.clone())
                            .collect();
                        let (_, over) = self.within_budget(labels)?;
                        let over: HashMap<String, String> =
                            over.into_iter().map(|(r, d)| (r.label, d)).collect();
                        for (i, req, reader, first) in send {
                            if let Some(detail) = over.get(&req.label) {
                                let state = fail(
                                    &mut self.report,
                                    req.service,
                                    &req.label,
                                    std::slice::from_ref(&req.label),
                                    FailReason::Budget,
                                    detail.clone(),
                                );
                                self.report.count(req.service, &state, false);
                                merge_page(&mut results[i], &state, first);
                                continue;
                            }
                            let e = meta.entry(req.label.clone()).or_default();
                            if e.is_empty() {
                                requests.push(req);
                            }
                            e.push((i, reader, first));
                        }
                        let before = self.sent_before();
                        let mut failure: Option<Error> = None;
                        let store = &mut *self.store;
                        let report = &mut self.report;
                        let progress = &mut self.progress;
                        let now = self.now;
                        let total = requests.len();
                        let mut done = 0usize;
                        client.run(requests, |req, outcome| {
                            done += 1;
                            let owners = meta.remove(&req.label).unwrap_or_default();
                            let Some(&(_, reader, _)) = owners.first() else { return };
                            match record_page(store, report, now, reader, req, outcome, &client) {
                                Ok((state, records, next_label)) => {
                                    for (i, reader, first) in owners {
                                        merge_page(&mut results[i], &state, first);
                                        results[i].records.extend(records.iter().cloned());
                                        if let Some(l) = &next_label {
                                            next.push((
                                                i,
                                                Request { label: l.clone(), ..req.clone() },
                                                reader,
                                                false,
                                            ));
                                        }
                                    }
                                }
                                Err(e) => {
                                    failure.get_or_insert(e);
                                }
                            }
                            if let Some(p) = progress.as_mut() {
                                p(req.service, done, total);
                            }
                        })?;
                        self.count_sent(before);
                        if let Some(e) = failure {
                            return Err(e);
                        }
                    }
                }
            }
            active = next;
        }
        Ok(results)
    }
}

/// Folds one page's state into its list's state.
fn merge_page(list: &mut ListResult, page: &KeyState, first: bool) {
    list.state = match (&list.state, page) {
        (_, KeyState::Failed { .. }) => page.clone(),
        (KeyState::Failed { .. }, _) => list.state.clone(),
        (_, KeyState::Missing) if first => KeyState::Missing,
        (KeyState::Found, _) | (_, KeyState::Found) => KeyState::Found,
        (s, _) => s.clone(),
    };
}

fn fail(
    report: &mut Report,
    service: Service,
    label: &str,
    keys: &[String],
    reason: FailReason,
    detail: String,
) -> KeyState {
    report.failures.push(Failure {
        service,
        url: label.to_string(),
        keys: keys.to_vec(),
        reason,
        detail: detail.clone(),
    });
    KeyState::Failed { reason, detail }
}

#[allow(clippy::too_many_arguments)]
fn record_lookup(
    store: &mut Store,
    report: &mut Report,
    now: i64,
    reader: Reader,
    req: &Request,
    outcome: Outcome,
    keys: &[String],
    client: &Client,
) -> Result<Vec<(String, KeyResult)>, Error> {
    let service = req.service;
    let mut out = Vec::new();
    match outcome {
        Outcome::Body { status, body } => {
            let (text, _) = crate::ingest::decode(&req.label, &body);
            let parsed = reader.parse(&req.label, &text);
            let mut rows: Vec<(String, &str)> = Vec::new();
            for key in keys {
                let records = records_with(&parsed.records, key);
                let state = if records.is_empty() { KeyState::Missing } else { KeyState::Found };
                rows.push((key.clone(), if records.is_empty() { "missing" } else { "found" }));
                report.count(service, &state, false);
                out.push((key.clone(), KeyResult { state, records }));
            }
            store.save_response(
                service.name(),
                &req.label,
                status,
                now,
                Some(Body { label: &req.label, raw: &body, format: reader.format(), parsed: &parsed }),
                &rows,
            )?;
            report.services.entry(service).or_default().fetched += 1;
        }
        Outcome::Missing { status } => {
            let rows: Vec<(String, &str)> = keys.iter().map(|k| (k.clone(), "missing")).collect();
            store.save_response(service.name(), &req.label, status, now, None, &rows)?;
            report.services.entry(service).or_default().fetched += 1;
            for key in keys {
                report.count(service, &KeyState::Missing, false);
                out.push((key.clone(), KeyResult { state: KeyState::Missing, records: Vec::new() }));
            }
        }
        Outcome::Failed { reason, detail } => {
            let detail = client.redact(&detail);
            let state = fail(report, service, &req.label, keys, reason, detail);
            for key in keys {
                report.count(service, &state, false);
                out.push((key.clone(), KeyResult { state: state.clone(), records: Vec::new() }));
            }
        }
    }
    Ok(out)
}

/// Keeps one list page; returns its state, records and the next page.
fn record_page(
    store: &mut Store,
    report: &mut Report,
    now: i64,
    reader: Reader,
    req: &Request,
    outcome: Outcome,
    client: &Client,
) -> Result<(KeyState, Vec<Record>, Option<String>), Error> {
    let service = req.service;
    let key = vec![req.label.clone()];
    Ok(match outcome {
        Outcome::Body { status, body } => {
            let (text, _) = crate::ingest::decode(&req.label, &body);
            let parsed = reader.parse(&req.label, &text);
            let listed = parsed.records.iter().any(|r| !r.citations.is_empty())
                || parsed.records.len() > 1
                || parsed.records.iter().any(|r| r.title.is_some());
            let state = if listed { KeyState::Found } else { KeyState::Empty };
            let outcome = if listed { "found" } else { "empty" };
            store.save_response(
                service.name(),
                &req.label,
                status,
                now,
                Some(Body { label: &req.label, raw: &body, format: reader.format(), parsed: &parsed }),
                &[(req.label.clone(), outcome)],
            )?;
            report.services.entry(service).or_default().fetched += 1;
            report.count(service, &state, false);
            let next = reader.next_page(&req.label, &text);
            (state, parsed.records, next)
        }
        Outcome::Missing { status } => {
            store.save_response(
                service.name(),
                &req.label,
                status,
                now,
                None,
                &[(req.label.clone(), "missing")],
            )?;
            report.services.entry(service).or_default().fetched += 1;
            report.count(service, &KeyState::Missing, false);
            (KeyState::Missing, Vec::new(), None)
        }
        Outcome::Failed { reason, detail } => {
            let detail = client.redact(&detail);
            let state = fail(report, service, &req.label, &key, reason, detail);
            report.count(service, &state, false);
            (state, Vec::new(), None)
        }
    })
}
