//! Finding a work that has no identifier: Crossref `query.bibliographic` on
//! title + first author + year, each answer scored against what the record
//! says, and accepted only above a documented threshold; otherwise the
//! candidates are listed, never merged by guess.
//!
//! **Score** (0–1): title similarity (normalised Levenshtein on
//! [`crate::model::norm::title_key`], weight 0.6), year within one year
//! (0.2, counted only when the record has a year), first author's family
//! name equal after folding (0.2, counted only when the record has an
//! author); the weights present are renormalised. **Accepted** when the
//! best candidate has title similarity ≥ [`MIN_TITLE`], score ≥ [`ACCEPT`],
//! and leads the runner-up by at least [`MARGIN`]. The answer body is kept
//! as an input (label = the query address) whose only record is the
//! accepted work, so resolution merges it with the searched record by title,
//! year and author, and the DOI comes along with its provenance.

use super::session::{Error, KeyState, Reader, Session};
use super::{base, encode, BodyKind, Request, Service};
use crate::config::FetchConfig;
use crate::model::norm::{fold, title_key};
use crate::model::{Identifier, Record};
use serde::Serialize;

/// Lowest accepted score.
pub const ACCEPT: f64 = 0.85;
/// Lowest accepted title similarity.
pub const MIN_TITLE: f64 = 0.9;
/// How far the best candidate must lead the next one.
pub const MARGIN: f64 = 0.05;
/// Candidates asked for per search.
pub const ROWS: usize = 5;

/// What is known of the work searched for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Its title.
    pub title: String,
    /// First author's family name.
    pub first_author: Option<String>,
    /// Year.
    pub year: Option<i32>,
}

/// One scored candidate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// Its title.
    pub title: Option<String>,
    /// Its DOI.
    pub doi: Option<String>,
    /// Score (see the module doc).
    pub score: f64,
    /// Title similarity.
    pub title_similarity: f64,
}

/// The result of one search.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Searched {
    /// Index of the target.
    pub target: usize,
    /// Request label.
    pub url: String,
    /// Whether the service answered.
    pub state: KeyState,
    /// The accepted candidate.
    pub accepted: Option<Candidate>,
    /// Every candidate, best first.
    pub candidates: Vec<Candidate>,
}

/// The Crossref search for `t`.
pub fn request(cfg: &FetchConfig, t: &Target) -> Request {
    let mut q = t.title.clone();
    if let Some(a) = &t.first_author {
        q.push(' ');
        q.push_str(a);
    }
    if let Some(y) = t.year {
        q.push_str(&format!(" {y}"));
    }
    let label = format!(
        "{}/works?query.bibliographic={}&rows={ROWS}",
        base(cfg, Service::Crossref),
        encode(&crate::model::norm::squash_ws(&q), false)
    );
    Request::get(Service::Crossref, label, BodyKind::Json)
}

/// Scores `r` against `t`: (score, title similarity).
pub fn score(t: &Target, r: &Record) -> (f64, f64) {
    let Some(rt) = &r.title else { return (0.0, 0.0) };
    let sim = strsim::normalized_levenshtein(&title_key(&t.title), &title_key(rt));
    let (mut total, mut weight) = (0.6 * sim, 0.6);
    if let Some(y) = t.year {
        weight += 0.2;
        if r.year().is_some_and(|ry| (ry - y).abs() <= 1) {
            total += 0.2;
        }
    }
    if let Some(a) = &t.first_author {
        weight += 0.2;
        if r.authors.first().is_some_and(|ra| fold(&ra.family) == fold(a)) {
            total += 0.2;
        }
    }
    (total / weight, sim)
}

/// Searches every target; keeps the accepted record of each answer.
pub fn search(
    session: &mut Session<'_>,
    cfg: &FetchConfig,
    targets: &[Target],
) -> Result<Vec<Searched>, Error> {
    let firsts: Vec<(Request, Reader)> =
        targets.iter().map(|t| (request(cfg, t), Reader::CrossrefSearch)).collect();
    let labels: Vec<String> = firsts.iter().map(|(r, _)| r.label.clone()).collect();
    let results = session.lists(firsts)?;
    let mut out = Vec::new();
    for (i, (t, res)) in targets.iter().zip(results).enumerate() {
        let url = labels[i].clone();
        let mut searched = Searched {
            target: i,
            url: url.clone(),
            state: res.state.clone(),
            accepted: None,
            candidates: Vec::new(),
        };
        let input = match &res.state {
            KeyState::Found | KeyState::Empty => {
                session.store().response(Service::Crossref.name(), &url)?.and_then(|r| r.input_id)
            }
            _ => None,
        };
        if let Some(id) = input {
            let raw = session.store().raw_by_id(id)?;
            let (text, _) = crate::ingest::decode(&url, &raw);
            let records = crate::ingest::crossref::parse(&url, &text).records;
            let mut scored: Vec<(f64, f64, &Record)> = records
                .iter()
                .map(|r| {
                    let (s, sim) = score(t, r);
                    (s, sim, r)
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            searched.candidates = scored
                .iter()
                .map(|(s, sim, r)| Candidate {
                    title: r.title.clone(),
                    doi: r.ids.iter().find_map(|i| {
                        if let Identifier::Doi(d) = i {
                            Some(d.clone())
                        } else {
                            None
                        }
                    }),
                    score: (s * 1000.0).round() / 1000.0,
                    title_similarity: (sim * 1000.0).round() / 1000.0,
                })
                .collect();
            if !searched.candidates.is_empty() {
                searched.state = KeyState::Found;
            }
            if let Some(&(s, sim, best)) = scored.first() {
                let lead = scored.get(1).map_or(1.0, |n| s - n.0);
                if s >= ACCEPT && sim >= MIN_TITLE && lead >= MARGIN {
                    searched.accepted = searched.candidates.first().cloned();
                    session.store().add_records(id, std::slice::from_ref(best))?;
                }
            }
        }
        out.push(searched);
    }
    Ok(out)
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
            title: "Chemical ecology.".into(),
            first_author: Some("Kessler".into()),
            year: Some(2013),
        };
        assert_eq!(score(&t, &r), (1.0, 1.0));
        let t = Target { title: "Chemical ecology".into(), first_author: None, year: None };
        assert_eq!(score(&t, &r).0, 1.0);
        let t = Target {
            title: "Communicating ecology".into(),
            first_author: Some("Smith".into()),
            year: Some(2020),
        };
        assert!(score(&t, &r).0 < ACCEPT);
    }
}
