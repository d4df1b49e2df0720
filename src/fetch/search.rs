//! Finding a work that has no identifier: a bibliographic search at
//! Crossref (`query.bibliographic`), OpenAlex (`search=`) and PubMed
//! (`esearch`, then `efetch` of the PMIDs it returns), each answer scored
//! against what the record says and accepted only above a documented
//! threshold; otherwise the candidates are listed, never merged by guess.
//!
//! A record with a title is searched on title + first author + year. A
//! record with **no title** (a bare abstract) is searched on its most
//! distinctive abstract sentence ([`distinctive_sentence`]) at OpenAlex
//! (`filter=title_and_abstract.search:`) and PubMed (`[tiab]`), and its
//! candidates are compared by abstract instead of title.
//!
//! **Score** (0–1): text similarity (weight 0.6: for a titled record the
//! normalised Levenshtein similarity of the [`title_key`]s; for a title-less
//! one the share of the sentence's words of four letters or more found in
//! the candidate's abstract, 1 when its key is a substring of the
//! abstract's), year within one year (0.2, counted only when the record has
//! a year), first author's family name equal after folding (0.2, only when
//! the record has an author), venue agreement ([`crate::model::norm::title_key`]
//! of one venue containing the other's, 0.1, only when both sides name a
//! venue); the weights present are renormalised. Candidates of all services
//! are grouped when they share a DOI or PMID (or, lacking both, the title key
//! and year): one group is one work, its score the best of its members.
//! **Accepted** when the best group has text similarity ≥ [`MIN_TITLE`],
//! score ≥ [`ACCEPT`], and leads the next group by at least [`MARGIN`].
//!
//! Every answer body is kept as an input (label = the query address) with no
//! records; when a group is accepted, each member's record is added to the
//! input it came from, so resolution merges it with the searched record by
//! title, year and author, and the DOI or PMID comes along with provenance
//! naming the service and the query. A title-less record cannot be joined
//! to the answer by title, so with the accepted record goes a *link record*
//! (the searched abstract exactly, the accepted DOI and PMID, provenance the
//! query): resolution joins it to the bare record by abstract identity and to
//! the answer by identifier, so the bare record gains title, authors, DOI,
//! venue and year and joins every other record of the work.
//!
//! An author-year stub ("Hayes et al. 2015": no title, no abstract) is
//! searched on first author + year (+ venue); author and year alone cannot
//! confirm a work, so its candidates are listed and never accepted.
//!
//! Each candidate carries its per-field [`Agreement`] and its id at the
//! service; the CLI keeps every [`Searched`] in the store
//! ([`crate::store::Store::save_search`]) for `citemap show` and
//! `summary.json`.

use super::session::{Error, KeyState, Reader, Session};
use super::{base, encode, openalex, BodyKind, Request, Service};
use crate::fetch::FetchConfig;
use crate::model::norm::{alnum_key, fold, squash_ws, title_key};
use crate::model::{Identifier, Record};
use serde::Serialize;
use std::collections::BTreeMap;

/// Lowest accepted score.
pub const ACCEPT: f64 = 0.85;
/// Lowest accepted text (title or abstract) similarity.
pub const MIN_TITLE: f64 = 0.9;
/// How far the best candidate must lead the next one.
pub const MARGIN: f64 = 0.05;
/// Candidates asked for per search and service.
pub const ROWS: usize = 5;
/// Most words of an abstract sentence sent as a query.
pub const SENTENCE_WORDS: usize = 25;

/// The services that can search, in the order they are asked.
pub const SERVICES: [Service; 3] = [Service::Crossref, Service::Openalex, Service::Pubmed];

/// What is known of the work searched for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    /// Its title.
    pub title: Option<String>,
    /// First author's family name.
    pub first_author: Option<String>,
    /// Year.
    pub year: Option<i32>,
    /// Journal or other venue.
    pub venue: Option<String>,
    /// Abstract (used only when there is no title).
    pub abstract_text: Option<String>,
    /// Where the work's records are (their `at`): the link record of an
    /// accepted answer names them, so resolution joins the answer to them.
    pub records: Vec<crate::model::Provenance>,
}

/// How a target is searched.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Query {
    /// Title + first author + year.
    Title(String),
    /// A distinctive abstract sentence.
    Abstract(String),
    /// First author + year (+ venue): an author-year stub with no title.
    /// Its candidates are listed, never accepted (see [`search`]).
    AuthorYear(String),
}

impl Target {
    fn query(&self) -> Option<Query> {
        if let Some(t) = self.title.as_deref().filter(|t| !title_key(t).is_empty()) {
            let mut q = t.to_string();
            if let Some(a) = &self.first_author {
                q.push(' ');
                q.push_str(a);
            }
            if let Some(y) = self.year {
                q.push_str(&format!(" {y}"));
            }
            return Some(Query::Title(squash_ws(&q)));
        }
        if let Some(q) = self.abstract_text.as_deref().and_then(distinctive_sentence) {
            return Some(Query::Abstract(q));
        }
        let (a, y) = (self.first_author.as_deref()?, self.year?);
        let mut q = format!("{a} {y}");
        if let Some(v) = &self.venue {
            q.push(' ');
            q.push_str(v);
        }
        Some(Query::AuthorYear(squash_ws(&q)))
    }

    /// What the target is searched on: `title`, `abstract` or `author_year`.
    fn by(&self) -> &'static str {
        match self.query() {
            Some(Query::Abstract(_)) => "abstract",
            Some(Query::AuthorYear(_)) => "author_year",
            _ => "title",
        }
    }
}

/// The most distinctive sentence of an abstract: the one with the most words
/// of seven letters or more (ties: the earlier), section headings
/// (`BACKGROUND:`) removed, cut to [`SENTENCE_WORDS`] words and stripped of
/// punctuation; `None` when no sentence has five such words.
pub fn distinctive_sentence(text: &str) -> Option<String> {
    let long = |w: &&&str| w.chars().filter(|c| c.is_alphabetic()).count() >= 7;
    let mut best: Option<(usize, Vec<String>)> = None;
    for sentence in text.split(['.', '\n', '?', '!', ';']) {
        let sentence = match sentence.split_once(':') {
            Some((head, rest)) if head.split_whitespace().count() <= 3 => rest,
            _ => sentence,
        };
        let words: Vec<&str> = sentence.split_whitespace().collect();
        let n = words.iter().filter(long).count();
        if n >= 5 && best.as_ref().is_none_or(|(m, _)| n > *m) {
            let clean: Vec<String> = words
                .iter()
                .take(SENTENCE_WORDS)
                .map(|w| w.chars().filter(|c| c.is_alphanumeric() || *c == '-').collect::<String>())
                .filter(|w| !w.is_empty())
                .collect();
            best = Some((n, clean));
        }
    }
    best.map(|(_, w)| w.join(" "))
}

/// How far each field of a candidate agrees with the work searched for
/// (the parts of the [`score`]); a field is absent when the work does not
/// give it, so it was not compared.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Agreement {
    /// Title similarity (0–1); for a title-less work, the share of its
    /// abstract sentence found in the candidate's abstract; 0 for an
    /// author-year search (nothing to compare).
    pub text: f64,
    /// Year within one year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<bool>,
    /// First author's family name equal after folding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_author: Option<bool>,
    /// One venue's key contains the other's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue: Option<bool>,
}

impl Agreement {
    /// The score (see the module doc): the weights of the fields compared,
    /// renormalised; `with_text` false leaves the text out (author-year).
    fn score(&self, with_text: bool) -> f64 {
        let (mut total, mut weight) = if with_text { (0.6 * self.text, 0.6) } else { (0.0, 0.0) };
        for (known, w) in [(self.year, 0.2), (self.first_author, 0.2), (self.venue, 0.1)] {
            if let Some(ok) = known {
                weight += w;
                if ok {
                    total += w;
                }
            }
        }
        if weight > 0.0 {
            total / weight
        } else {
            0.0
        }
    }
}

/// One scored candidate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// The service that returned it.
    pub service: Service,
    /// Its id at that service (`openalex:W…`, `pmid:…`, else `doi:…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Its DOI.
    pub doi: Option<String>,
    /// Its PMID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
    /// Its year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Score (see the module doc).
    pub score: f64,
    /// Title (or, for a title-less record, abstract) similarity.
    pub title_similarity: f64,
    /// Per-field agreement.
    pub agreement: Agreement,
    /// Other services that returned the same work.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Service>,
}

/// The result of one search.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Searched {
    /// Index of the target.
    pub target: usize,
    /// What was searched on: `title`, `abstract` or `author_year`.
    pub by: &'static str,
    /// Request label of the first service asked.
    pub url: String,
    /// Every request label, per service.
    pub urls: BTreeMap<Service, String>,
    /// Whether any service answered (`found` when one listed a candidate).
    pub state: KeyState,
    /// The accepted candidate.
    pub accepted: Option<Candidate>,
    /// Why nothing was accepted (when nothing was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Every candidate, best first, one per work.
    pub candidates: Vec<Candidate>,
    /// The stored inputs (answers) holding the accepted records.
    #[serde(skip)]
    pub inputs: Vec<i64>,
}

/// The Crossref search for `t` (`None` for a title-less target).
pub fn request(cfg: &FetchConfig, t: &Target) -> Option<Request> {
    request_at(cfg, Service::Crossref, &t.query()?).map(|(r, _)| r)
}

fn request_at(cfg: &FetchConfig, service: Service, q: &Query) -> Option<(Request, Reader)> {
    let b = base(cfg, service);
    match (service, q) {
        (Service::Crossref, Query::Title(q) | Query::AuthorYear(q)) => Some((
            Request::get(
                service,
                format!("{b}/works?query.bibliographic={}&rows={ROWS}", encode(q, false)),
                BodyKind::Json,
            ),
            Reader::CrossrefSearch,
        )),
        (Service::Openalex, Query::Title(q) | Query::AuthorYear(q)) => Some((
            Request::get(
                service,
                format!("{b}/works?search={}&per_page={ROWS}&select={}", encode(q, false), openalex::SELECT),
                BodyKind::Json,
            ),
            Reader::OpenalexSearch,
        )),
        (Service::Openalex, Query::Abstract(q)) => Some((
            Request::get(
                service,
                format!(
                    "{b}/works?filter=title_and_abstract.search:{}&per_page={ROWS}&select={}",
                    encode(q, false),
                    openalex::SELECT
                ),
                BodyKind::Json,
            ),
            Reader::OpenalexSearch,
        )),
        (Service::Pubmed, q) => {
            let term = match q {
                Query::Title(q) => q.clone(),
                Query::Abstract(q) => format!("{q}[tiab]"),
                Query::AuthorYear(q) => q.clone(),
            };
            Some((
                Request::get(
                    service,
                    format!("{b}/esearch.fcgi?db=pubmed&retmax={ROWS}&term={}", encode(&term, false)),
                    BodyKind::Xml,
                ),
                Reader::PubmedEsearch,
            ))
        }
        _ => None,
    }
}

/// The efetch of the PMIDs an esearch returned (a search answer: kept raw).
fn efetch(cfg: &FetchConfig, pmids: &[String]) -> Request {
    let mut r = super::pubmed::efetch(cfg, pmids);
    r.label.push_str("&rettype=abstract");
    r
}

/// The PMIDs of an esearch answer (`IdList/Id`), in order.
pub fn esearch_ids(text: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => path.push(e.name().as_ref().as_bytes().to_vec()),
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let n = path.len();
                if n >= 2 && path[n - 1] == b"Id" && path[n - 2] == b"IdList" {
                    let v = t.xml10_content().trim().to_string();
                    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                        out.push(v);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

/// The candidate records of a search answer body.
fn read_answer(reader: Reader, label: &str, text: &str) -> Vec<Record> {
    match reader {
        Reader::CrossrefSearch => crate::ingest::crossref::parse(label, text).records,
        Reader::OpenalexSearch => crate::ingest::openalex::parse(label, text).records,
        Reader::PubmedSearchFetch => crate::ingest::pubmed_xml::parse(label, text).records,
        _ => Vec::new(),
    }
}

/// Share of `sentence`'s words of four letters or more found in `abstract`
/// (1 when the sentence's key is a substring of the abstract's).
fn abstract_similarity(sentence: &str, abstract_text: &str) -> f64 {
    let a = alnum_key(abstract_text);
    if a.is_empty() {
        return 0.0;
    }
    if a.contains(&alnum_key(sentence)) {
        return 1.0;
    }
    let words: Vec<String> = sentence.split_whitespace().map(alnum_key).filter(|w| w.len() >= 4).collect();
    if words.is_empty() {
        return 0.0;
    }
    words.iter().filter(|w| a.contains(w.as_str())).count() as f64 / words.len() as f64
}

/// How `r` agrees with `t`, field by field; `None` when the text (title, or
/// abstract for a title-less target) cannot be compared (scores 0).
pub fn agreement(t: &Target, r: &Record) -> Option<Agreement> {
    let text = match t.title.as_deref().filter(|t| !title_key(t).is_empty()) {
        Some(tt) => strsim::normalized_levenshtein(&title_key(tt), &title_key(r.title.as_deref()?)),
        None => match (t.abstract_text.as_deref().and_then(distinctive_sentence), &r.abstract_text) {
            (Some(s), Some(a)) => abstract_similarity(&s, a),
            (Some(_), None) => return None,
            // Author-year: nothing textual to compare.
            (None, _) => 0.0,
        },
    };
    let year = t.year.map(|y| r.year().is_some_and(|ry| (ry - y).abs() <= 1));
    let first_author =
        t.first_author.as_ref().map(|a| r.authors.first().is_some_and(|ra| fold(&ra.family) == fold(a)));
    let venue = match (&t.venue, &r.venue) {
        (Some(tv), Some(rv)) => {
            let (tk, rk) = (title_key(tv), title_key(rv));
            (!tk.is_empty() && !rk.is_empty()).then(|| tk.contains(&rk) || rk.contains(&tk))
        }
        _ => None,
    };
    Some(Agreement { text, year, first_author, venue })
}

/// Scores `r` against `t`: (score, text similarity).
pub fn score(t: &Target, r: &Record) -> (f64, f64) {
    let with_text = !matches!(t.query(), Some(Query::AuthorYear(_)));
    agreement(t, r).map_or((0.0, 0.0), |a| (a.score(with_text), a.text))
}

fn id_of(r: &Record, doi: bool) -> Option<String> {
    r.ids.iter().find_map(|i| match i {
        Identifier::Doi(d) if doi => Some(d.clone()),
        Identifier::Pmid(p) if !doi => Some(p.clone()),
        _ => None,
    })
}

/// One candidate record with where it came from.
struct Hit {
    service: Service,
    input: i64,
    label: String,
    record: Record,
    score: f64,
    sim: f64,
    agreement: Agreement,
}

/// Searches every target at `services` (those of [`SERVICES`] asked);
/// keeps the accepted records of each answer.
pub fn search(
    session: &mut Session<'_>,
    cfg: &FetchConfig,
    targets: &[Target],
    services: &[Service],
) -> Result<Vec<Searched>, Error> {
    let queries: Vec<Option<Query>> = targets.iter().map(Target::query).collect();
    // Round 1: one search per target and service.
    let mut asked: Vec<(usize, Service, Request, Reader)> = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let Some(q) = q else { continue };
        for s in SERVICES.into_iter().filter(|s| services.contains(s)) {
            if let Some((req, rd)) = request_at(cfg, s, q) {
                asked.push((i, s, req, rd));
            }
        }
    }
    let firsts: Vec<(Request, Reader)> = asked.iter().map(|(_, _, r, rd)| (r.clone(), *rd)).collect();
    let results = session.lists(firsts)?;
    let mut out: Vec<Searched> = targets
        .iter()
        .enumerate()
        .map(|(i, _)| Searched {
            target: i,
            by: targets[i].by(),
            url: String::new(),
            urls: BTreeMap::new(),
            state: KeyState::Empty,
            accepted: None,
            reason: None,
            candidates: Vec::new(),
            inputs: Vec::new(),
        })
        .collect();
    // Bodies to read: (target, service, label, reader).
    let mut bodies: Vec<(usize, Service, String, Reader)> = Vec::new();
    let mut second: Vec<(usize, Request)> = Vec::new();
    for ((i, s, req, rd), res) in asked.into_iter().zip(results) {
        let o = &mut out[i];
        if o.url.is_empty() {
            o.url = req.label.clone();
        }
        o.urls.insert(s, req.label.clone());
        fold_state(&mut o.state, &res.state);
        if !matches!(res.state, KeyState::Found | KeyState::Empty) {
            continue;
        }
        if rd == Reader::PubmedEsearch {
            if let Some(text) = body(session, s, &req.label)? {
                let mut ids = esearch_ids(&text);
                ids.truncate(ROWS);
                if !ids.is_empty() {
                    second.push((i, efetch(cfg, &ids)));
                }
            }
        } else {
            bodies.push((i, s, req.label, rd));
        }
    }
    // Round 2: PubMed records of the PMIDs found.
    if !second.is_empty() {
        let firsts: Vec<(Request, Reader)> =
            second.iter().map(|(_, r)| (r.clone(), Reader::PubmedSearchFetch)).collect();
        let results = session.lists(firsts)?;
        for ((i, req), res) in second.into_iter().zip(results) {
            if let KeyState::Failed { .. } = res.state {
                fold_state(&mut out[i].state, &res.state);
                continue;
            }
            bodies.push((i, Service::Pubmed, req.label, Reader::PubmedSearchFetch));
        }
    }
    let mut hits: Vec<Vec<Hit>> = targets.iter().map(|_| Vec::new()).collect();
    for (i, s, label, rd) in bodies {
        let Some(r) = session.store().response(s.name(), &label)? else { continue };
        let Some(input) = r.input_id else { continue };
        let raw = session.store().raw_by_id(input)?;
        let (text, _) = crate::ingest::decode(&label, &raw);
        let with_text = !matches!(queries[i], Some(Query::AuthorYear(_)));
        for record in read_answer(rd, &label, &text) {
            let (score, sim, agreement) = match agreement(&targets[i], &record) {
                Some(a) => (a.score(with_text), a.text, a),
                None => (0.0, 0.0, Agreement::default()),
            };
            hits[i].push(Hit { service: s, input, label: label.clone(), record, score, sim, agreement });
        }
    }
    for (i, mut hs) in hits.into_iter().enumerate() {
        let o = &mut out[i];
        if queries[i].is_none() {
            o.reason = Some("no title and no abstract sentence to search on".into());
            continue;
        }
        hs.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.service.cmp(&b.service)));
        let groups = group(&hs);
        o.candidates = groups.iter().map(|g| candidate(&hs, g)).collect();
        if !o.candidates.is_empty() {
            o.state = KeyState::Found;
        }
        let Some(best) = groups.first() else {
            o.reason = Some(if o.urls.is_empty() {
                "none of the services asked can search on an abstract (OpenAlex, PubMed can)".into()
            } else {
                "no service listed a candidate".into()
            });
            continue;
        };
        let top = &hs[best[0]];
        let lead = groups.get(1).map_or(1.0, |g| top.score - hs[g[0]].score);
        if o.by == "author_year" {
            o.reason =
                Some("author and year alone cannot confirm a match: candidates listed, not merged".into());
        } else if top.score < ACCEPT {
            o.reason = Some(format!("best score {:.3} below {ACCEPT}", top.score));
        } else if top.sim < MIN_TITLE {
            o.reason = Some(format!("best text similarity {:.3} below {MIN_TITLE}", top.sim));
        } else if lead < MARGIN {
            o.reason = Some(format!("best leads the next candidate by only {lead:.3}"));
        } else {
            o.accepted = o.candidates.first().cloned();
            // Resolution may not join the searched record to the answer by
            // title (a title-less record; a title too short to join by), so
            // a link record (the searched records' places, its abstract, the
            // accepted identifiers, provenance the answer) joins it by name
            // and by abstract identity, and the identifiers join the
            // answer's record to it.
            let mut link = link_record(&targets[i], &hs, best);
            for &m in best {
                let h = &hs[m];
                let mut records = vec![h.record.clone()];
                records.extend(link.take());
                session.store().add_records(h.input, &records)?;
                o.inputs.push(h.input);
            }
        }
    }
    Ok(out)
}

/// The record joining a target to its accepted group: the places of the
/// target's records (resolution's search-link rule joins it to them), the
/// target's abstract when it has no title (exactly, so the abstract rule
/// joins it too), and the group's DOI and PMID, with the provenance of the
/// group's best answer (the search address).
fn link_record(t: &Target, hs: &[Hit], g: &[usize]) -> Option<Record> {
    let top = &hs[*g.first()?];
    let how = if t.title.is_some() { "search: accepted by title" } else { "search: accepted by abstract" };
    let mut r = Record::new(
        crate::model::Provenance::new(top.label.clone(), 0, Some(how.into())),
        top.record.source_kind.clone(),
    );
    r.same_as = t.records.clone();
    if t.title.is_none() {
        r.abstract_text = t.abstract_text.clone();
    }
    if r.same_as.is_empty() && r.abstract_text.is_none() {
        return None;
    }
    for doi in [true, false] {
        if let Some(v) = g.iter().find_map(|&m| id_of(&hs[m].record, doi)) {
            r.ids.push(if doi { Identifier::Doi(v) } else { Identifier::Pmid(v) });
        }
    }
    (!r.ids.is_empty()).then_some(r)
}

/// The stored body of `label`, as text.
fn body(session: &mut Session<'_>, s: Service, label: &str) -> Result<Option<String>, Error> {
    let Some(r) = session.store().response(s.name(), label)? else { return Ok(None) };
    let Some(id) = r.input_id else { return Ok(None) };
    let raw = session.store().raw_by_id(id)?;
    Ok(Some(crate::ingest::decode(label, &raw).0))
}

/// Folds one service's answer state into the target's.
fn fold_state(acc: &mut KeyState, s: &KeyState) {
    *acc = match (&*acc, s) {
        (KeyState::Found, _) | (_, KeyState::Found) => KeyState::Found,
        (KeyState::Failed { .. }, _) => acc.clone(),
        (_, KeyState::Failed { .. }) => s.clone(),
        (KeyState::Missing, _) | (_, KeyState::Missing) => KeyState::Missing,
        _ => KeyState::Empty,
    };
}

/// Groups hits (sorted best first) that are one work: shared DOI or PMID,
/// or, lacking both, the same title key and year. Groups in order of their
/// best member; members best first (with at most one per service).
fn group(hs: &[Hit]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for (n, h) in hs.iter().enumerate() {
        let mut keys: Vec<String> = Vec::new();
        if let Some(d) = id_of(&h.record, true) {
            keys.push(format!("doi:{}", d.to_lowercase()));
        }
        if let Some(p) = id_of(&h.record, false) {
            keys.push(format!("pmid:{p}"));
        }
        if keys.is_empty() {
            if let Some(t) = &h.record.title {
                keys.push(format!("title:{}:{:?}", title_key(t), h.record.year()));
            } else {
                keys.push(format!("hit:{n}"));
            }
        }
        let g = keys.iter().find_map(|k| by_key.get(k).copied());
        let g = match g {
            Some(g) if !groups[g].iter().any(|&m| hs[m].service == h.service) => {
                groups[g].push(n);
                g
            }
            Some(_) => continue,
            None => {
                groups.push(vec![n]);
                groups.len() - 1
            }
        };
        for k in keys {
            by_key.entry(k).or_insert(g);
        }
    }
    groups
}

/// A hit's id at the service that returned it.
fn service_id(h: &Hit) -> Option<String> {
    let of = |scheme: &str| h.record.ids.iter().find(|i| i.scheme() == scheme).map(|i| i.to_string());
    match h.service {
        Service::Openalex => of("openalex"),
        Service::Pubmed => of("pmid"),
        _ => None,
    }
    .or_else(|| of("doi"))
}

fn candidate(hs: &[Hit], g: &[usize]) -> Candidate {
    let top = &hs[g[0]];
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    Candidate {
        service: top.service,
        id: service_id(top),
        title: top.record.title.clone(),
        doi: g.iter().find_map(|&m| id_of(&hs[m].record, true)),
        pmid: g.iter().find_map(|&m| id_of(&hs[m].record, false)),
        year: top.record.year(),
        score: round(top.score),
        title_similarity: round(top.sim),
        agreement: Agreement { text: round(top.agreement.text), ..top.agreement.clone() },
        also: g[1..].iter().map(|&m| hs[m].service).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Author, Date, Provenance};

    #[test]
    fn scores_weigh_only_what_is_known() {
        let mut r = Record::new(Provenance::new("u", 0, None), "crossref");
        r.title = Some("Chemical Ecology".into());
        r.published = Some(Date::year(2012));
        r.authors.push(Author { raw: "Kessler, A".into(), family: "Kessler".into(), ..Author::default() });
        let t = Target {
            title: Some("Chemical ecology.".into()),
            first_author: Some("Kessler".into()),
            year: Some(2013),
            ..Target::default()
        };
        assert_eq!(score(&t, &r), (1.0, 1.0));
        let t = Target { title: Some("Chemical ecology".into()), ..Target::default() };
        assert_eq!(score(&t, &r).0, 1.0);
        let t = Target {
            title: Some("Communicating ecology".into()),
            first_author: Some("Smith".into()),
            year: Some(2020),
            ..Target::default()
        };
        assert!(score(&t, &r).0 < ACCEPT);
    }

    #[test]
    fn the_distinctive_sentence_has_the_most_long_words() {
        let a = "BACKGROUND: We did this. Exceptional concentrations of endemic species undergoing \
                 exceptional habitat destruction identify hotspots. Short one.";
        assert_eq!(
            distinctive_sentence(a).unwrap(),
            "Exceptional concentrations of endemic species undergoing exceptional habitat destruction identify hotspots"
        );
        assert_eq!(distinctive_sentence("Too short. Nothing here."), None);
    }

    #[test]
    fn esearch_ids_and_an_empty_answer() {
        let ok = "<eSearchResult><Count>2</Count><IdList>\n<Id>41282813</Id>\n<Id>41148224</Id>\n</IdList></eSearchResult>";
        assert_eq!(esearch_ids(ok), vec!["41282813", "41148224"]);
        let none = "<eSearchResult><Count>0</Count><IdList/><ErrorList><PhraseNotFound>abcXYZ</PhraseNotFound></ErrorList></eSearchResult>";
        assert!(esearch_ids(none).is_empty());
    }

    #[test]
    fn venue_counts_when_both_sides_name_one() {
        let mut r = Record::new(Provenance::new("u", 0, None), "openalex");
        r.title = Some("Biodiversity hotspots for conservation priorities".into());
        r.venue = Some("Nature".into());
        let mut t = Target { title: r.title.clone(), venue: Some("Nature".into()), ..Target::default() };
        assert_eq!(score(&t, &r), (1.0, 1.0));
        t.venue = Some("Science".into());
        assert!(score(&t, &r).0 < 0.9);
    }
}
