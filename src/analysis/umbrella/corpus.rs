//! The corpus path of umbrella mode: which works are the reviews, which
//! primary studies each includes, and which works report the same study.
//!
//! - Reviews: [`reviews_by_doc_type`] (records typed as reviews), a user tag
//!   (the caller passes work indices), or a list file of identifiers
//!   ([`crate::ingest::inclusion::parse_review_list`] + [`resolve_review_list`]).
//! - Inclusions: the review's resolved reference list (`Corpus::cites`),
//!   narrowed per review by an [`InclusionList`] (read by
//!   [`crate::ingest::inclusion`]) when one names the review.
//! - Reports of one study: works sharing an inclusion-list study label, or an
//!   equal first-author family + year + title key, collapse into one row.

use super::{OverlapMatrix, ReviewInfo, Study, StudyReport};
use crate::ingest::inclusion::{InclusionList, ListEntry, ReviewFields};
use crate::ingest::matrix::Cell;
use crate::model::norm::{alnum_key, family_key, fold, title_key};
use crate::model::{Corpus, Date, Diagnostic, Identifier, Provenance};
use std::collections::{BTreeMap, BTreeSet};

/// Indices of works whose resolved document type is a review
/// ([`DocType::is_review`](crate::model::DocType::is_review)).
pub fn reviews_by_doc_type(corpus: &Corpus) -> Vec<u32> {
    corpus
        .works
        .iter()
        .enumerate()
        .filter(|(_, w)| w.doc_type.as_ref().is_some_and(|d| d.value.is_review()))
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect()
}

/// Lookup from identifiers (`doi:...`, `pmid:...`, any `scheme:value`) and
/// work ids to work indices, built in one pass over the corpus.
#[derive(Clone, Debug, Default)]
pub struct WorkLookup {
    by_key: BTreeMap<String, u32>,
}

impl WorkLookup {
    /// Indexes every identifier and id of every work.
    pub fn new(corpus: &Corpus) -> WorkLookup {
        let mut by_key = BTreeMap::new();
        for (i, w) in corpus.works.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { continue };
            by_key.entry(w.id.clone()).or_insert(i);
            for id in &w.ids {
                by_key.entry(id.value.to_string()).or_insert(i);
            }
        }
        WorkLookup { by_key }
    }

    /// The work named by `raw`: a work id (`W...`), a DOI in any spelling, a
    /// PMID (`PMID: 123`, bare digits), or `scheme:value`.
    pub fn find(&self, raw: &str) -> Option<u32> {
        let raw = raw.trim();
        if let Some(&i) = self.by_key.get(raw) {
            return Some(i);
        }
        if let Some(id) = Identifier::doi(raw) {
            if let Some(&i) = self.by_key.get(&id.to_string()) {
                return Some(i);
            }
        }
        let lower = raw.to_ascii_lowercase();
        let is_pmid = raw.chars().all(|c| c.is_ascii_digit()) || lower.starts_with("pmid");
        if is_pmid {
            if let Some(id) = Identifier::pmid(raw) {
                return self.by_key.get(&id.to_string()).copied();
            }
        }
        self.by_key.get(&lower).copied()
    }
}

/// Resolves list entries to work indices; unresolved lines become warnings
/// naming `input` and the line.
pub fn resolve_review_list(
    corpus: &Corpus,
    input: &str,
    entries: &[ListEntry],
) -> (Vec<u32>, Vec<Diagnostic>) {
    let lookup = WorkLookup::new(corpus);
    let mut found = BTreeSet::new();
    let mut diags = Vec::new();
    for e in entries {
        match lookup.find(&e.raw) {
            Some(i) => {
                found.insert(i);
            }
            None => diags.push(Diagnostic::warning(
                Provenance::new(input, e.line, None),
                format!("review {:?} is not a work of the corpus", e.raw),
            )),
        }
    }
    (found.into_iter().collect(), diags)
}

fn first_author_keys(corpus: &Corpus) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    for a in &corpus.authorships {
        if let Some(agent) = corpus.agents.get(a.agent as usize) {
            let entry = out.entry(a.work).or_insert((u32::MAX, String::new()));
            if a.position < entry.0 {
                *entry = (a.position, family_key(&agent.family));
            }
        }
    }
    out.into_iter().map(|(w, (_, k))| (w, k)).collect()
}

fn cited_first_author(cited: &str) -> String {
    let first = cited.split([',', '&', ';']).next().unwrap_or("");
    let first = first.split(" et al").next().unwrap_or(first);
    family_key(first.split_whitespace().next().unwrap_or(""))
}

/// Builds the matrix from a corpus.
///
/// `reviews` are work indices (from [`reviews_by_doc_type`], a user tag or
/// [`resolve_review_list`]). Each review includes the works it cites, narrowed
/// to the references an `inclusion` list names for it when the list names the
/// review (a list row whose reference is a corpus work but not in the
/// review's reference list still counts, with a note). Works sharing an
/// inclusion-list study label, or with equal first-author family, year and
/// title key, are reports of one study. Per-review fields come from the list,
/// the publication year falls back to the work's year. Every unresolved list
/// row and every review without an included study is reported.
///
/// Complexity: O(E log E) over the cites edges plus the list rows.
pub fn from_corpus(corpus: &Corpus, reviews: &[u32], inclusion: Option<&InclusionList>) -> OverlapMatrix {
    let mut diagnostics = Vec::new();
    let lookup = WorkLookup::new(corpus);
    let mut reviews: Vec<u32> =
        reviews.iter().copied().filter(|&r| (r as usize) < corpus.works.len()).collect();
    reviews.sort_unstable();
    reviews.dedup();
    let review_set: BTreeSet<u32> = reviews.iter().copied().collect();
    let mut refs: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for c in &corpus.cites {
        if review_set.contains(&c.from) && c.to != c.from {
            refs.entry(c.from).or_default().insert(c.to);
        }
    }
    // Included works per review, and study labels per work.
    let mut included: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    let mut label_of: BTreeMap<u32, String> = BTreeMap::new();
    let mut fields_of: BTreeMap<u32, ReviewFields> = BTreeMap::new();
    let mut listed: BTreeSet<u32> = BTreeSet::new();
    if let Some(list) = inclusion {
        diagnostics.extend(list.diagnostics.iter().cloned());
        for (rid, f) in &list.fields {
            match lookup.find(rid) {
                Some(w) if review_set.contains(&w) => {
                    fields_of.insert(w, f.clone());
                }
                _ => {}
            }
        }
        for row in &list.rows {
            let at = Provenance::new(&list.input, row.line, None);
            let Some(rw) = lookup.find(&row.review).filter(|w| review_set.contains(w)) else {
                diagnostics.push(Diagnostic::warning(
                    at,
                    format!("inclusion list names review {:?}, which is not one of the reviews", row.review),
                ));
                continue;
            };
            listed.insert(rw);
            let cited = refs.get(&rw);
            let found = lookup.find(&row.reference).or_else(|| {
                // A title or label: match among the review's references.
                let tk = title_key(&row.reference);
                let lk = fold(&row.reference);
                cited.and_then(|set| {
                    set.iter().copied().find(|&w| {
                        corpus.works.get(w as usize).is_some_and(|work| {
                            work.title.as_ref().is_some_and(|t| !tk.is_empty() && title_key(&t.value) == tk)
                                || fold(&work.label) == lk
                        })
                    })
                })
            });
            match found {
                Some(w) => {
                    if !cited.is_some_and(|s| s.contains(&w)) {
                        diagnostics.push(Diagnostic::info(
                            at.clone(),
                            format!(
                                "included study {:?} is not in the review's resolved reference list",
                                row.reference
                            ),
                        ));
                    }
                    included.entry(rw).or_default().insert(w);
                    if let Some(l) = &row.study {
                        label_of.entry(w).or_insert_with(|| l.clone());
                    }
                }
                None => diagnostics.push(Diagnostic::warning(
                    at,
                    format!(
                        "included study {:?} of review {:?} could not be resolved",
                        row.reference, row.review
                    ),
                )),
            }
        }
    }
    for &r in &reviews {
        if !listed.contains(&r) {
            if let Some(set) = refs.get(&r) {
                included.insert(r, set.clone());
            }
        }
    }
    // Reports of one study: union by shared study label or auto key.
    let authors = first_author_keys(corpus);
    // Each work has up to two keys (its inclusion-list study label and its
    // first author + year + title key); works sharing any key are one study.
    let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let all_works: BTreeSet<u32> = included.values().flatten().copied().collect();
    for &w in &all_works {
        let Some(work) = corpus.works.get(w as usize) else { continue };
        if let Some(l) = label_of.get(&w) {
            groups.entry(format!("label:{}", alnum_key(l))).or_default().push(w);
        }
        let author = authors
            .get(&w)
            .cloned()
            .or_else(|| work.cited_authors.as_deref().map(cited_first_author))
            .unwrap_or_default();
        let title = work.title.as_ref().map(|t| title_key(&t.value)).unwrap_or_default();
        if let Some(y) = work.year.as_ref().filter(|_| !author.is_empty() && !title.is_empty()) {
            groups.entry(format!("auto:{author}|{}|{title}", y.value)).or_default().push(w);
        }
    }
    let mut parent: BTreeMap<u32, u32> = BTreeMap::new();
    fn root(p: &BTreeMap<u32, u32>, mut x: u32) -> u32 {
        while let Some(&y) = p.get(&x) {
            if y == x {
                break;
            }
            x = y;
        }
        x
    }
    let union = |p: &mut BTreeMap<u32, u32>, a: u32, b: u32| {
        let (ra, rb) = (root(p, a), root(p, b));
        if ra != rb {
            p.insert(ra.max(rb), ra.min(rb));
        }
    };
    for ws in groups.values() {
        for pair in ws.windows(2) {
            if let [a, b] = pair {
                union(&mut parent, *a, *b);
            }
        }
    }
    let mut components: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &w in &all_works {
        components.entry(root(&parent, w)).or_default().push(w);
    }
    let mut studies = Vec::new();
    let mut study_of: BTreeMap<u32, usize> = BTreeMap::new();
    // Order studies by their first report's work id (stable across runs).
    let mut comps: Vec<Vec<u32>> = components.into_values().collect();
    comps.sort_by_key(|ws| {
        ws.iter().filter_map(|&w| corpus.works.get(w as usize)).map(|w| w.id.clone()).min()
    });
    for ws in comps {
        let mut reports = Vec::new();
        let mut date: Option<Date> = None;
        let mut first_id = None;
        for &w in &ws {
            let Some(work) = corpus.works.get(w as usize) else { continue };
            first_id = first_id.min(Some(work.id.clone())).or(Some(work.id.clone()));
            let d =
                work.published.as_ref().map(|d| d.value).or(work.year.as_ref().map(|y| Date::year(y.value)));
            date = match (date, d) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            reports.push(StudyReport {
                label: work.label.clone(),
                work: Some(work.id.clone()),
                sources: work.sources.clone(),
            });
            study_of.insert(w, studies.len());
        }
        reports.sort_by(|a, b| a.work.cmp(&b.work));
        let label = ws
            .iter()
            .find_map(|w| label_of.get(w).cloned())
            .or_else(|| reports.first().map(|r| r.label.clone()))
            .unwrap_or_default();
        if reports.len() > 1 {
            let labels: Vec<&str> = reports.iter().map(|r| r.label.as_str()).collect();
            diagnostics.push(Diagnostic::info(
                reports.first().and_then(|r| r.sources.first()).cloned().unwrap_or_default(),
                format!("study {label:?} has {} reports: {}", reports.len(), labels.join("; ")),
            ));
        }
        studies.push(Study { id: format!("study:{}", first_id.unwrap_or_default()), label, date, reports });
    }
    let mut review_infos = Vec::new();
    let mut cells = vec![vec![Cell::NotIncluded; reviews.len()]; studies.len()];
    for (j, &r) in reviews.iter().enumerate() {
        let Some(work) = corpus.works.get(r as usize) else { continue };
        let f = fields_of.get(&r).cloned().unwrap_or_default();
        review_infos.push(ReviewInfo {
            id: work.id.clone(),
            label: work.label.clone(),
            search_date: f.search_date,
            year: f.year.or(work.year.as_ref().map(|y| y.value)),
            amstar: f.amstar,
            sources: work.sources.clone(),
        });
        for w in included.get(&r).into_iter().flatten() {
            if let Some(row) = study_of.get(w).and_then(|&s| cells.get_mut(s)) {
                if let Some(c) = row.get_mut(j) {
                    *c = Cell::Included;
                }
            }
        }
    }
    OverlapMatrix { reviews: review_infos, studies, cells, duplicates: Vec::new(), diagnostics }
}
