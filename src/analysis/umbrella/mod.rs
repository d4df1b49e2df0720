//! Umbrella-review overlap (overview of reviews): which reviews include which
//! primary studies, and how much they overlap.
//!
//! The central type is [`OverlapMatrix`] (studies x reviews, each cell
//! [`Cell`]), built either from a citation-matrix file
//! ([`OverlapMatrix::from_citation_matrix`]) or from a resolved corpus
//! ([`corpus::from_corpus`]). [`compute`] turns it into an [`OverlapReport`]
//! with every figure: covered area (CA), corrected covered area (CCA, Pieper
//! et al. 2014) with and without structural missingness, per-review sizes and
//! single-review counts, and pairwise CCA, containment and overlap
//! coefficient. [`bipartite_graph`] gives the review <-> study graph.
//!
//! Formulas (N inclusions, r studies with at least one inclusion, c reviews,
//! X structurally missing cells): CA = N/(rc); CCA = (N - r)/(rc - r - X).
//! Pairwise: over rows where either review includes the study,
//! CCA = (N - r)/(r - X) with X the missing cells in rows with one inclusion.
//!
//! **Invariant:** reviews are ordered by label (as ccaR does), studies by
//! input order, so the same inputs give byte-identical outputs.

pub mod corpus;

use crate::ingest::inclusion::Amstar;
use crate::ingest::matrix::{Cell, DuplicateGroup};

use crate::graph::{attr, Attr, Attrs, CitationGraph, Edge, EdgeKind, Node, NodeKind};
use crate::ingest::matrix::{study_key, CitationMatrix};
use crate::model::norm::fold;
use crate::model::{Date, Diagnostic, Provenance};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The source of the interpretation bands, to be stated next to every band.
pub const BAND_SOURCE: &str = "Pieper D, Antoine SL, Mathes T, Neugebauer EAM, Eikermann M. \
Systematic review finds overlapping reviews were not mentioned in every other overview. \
J Clin Epidemiol 2014;67(4):368-375";

/// Interpretation band of a CCA value (Pieper et al. 2014).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Below 5%.
    Slight,
    /// 5% to below 10%.
    Moderate,
    /// 10% to below 15%.
    High,
    /// 15% or more.
    VeryHigh,
}

impl Band {
    /// Every band, lowest first.
    pub const ALL: [Band; 4] = [Band::Slight, Band::Moderate, Band::High, Band::VeryHigh];

    /// The band of a CCA given as a fraction (0.05 = 5%).
    pub fn of(cca: f64) -> Band {
        if cca < 0.05 {
            Band::Slight
        } else if cca < 0.10 {
            Band::Moderate
        } else if cca < 0.15 {
            Band::High
        } else {
            Band::VeryHigh
        }
    }
    /// Name used in outputs: `slight`, `moderate`, `high`, `very high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Slight => "slight",
            Band::Moderate => "moderate",
            Band::High => "high",
            Band::VeryHigh => "very high",
        }
    }
    /// The range it covers, for legends.
    pub fn range(self) -> &'static str {
        match self {
            Band::Slight => "<5%",
            Band::Moderate => "5 to <10%",
            Band::High => "10 to <15%",
            Band::VeryHigh => ">=15%",
        }
    }
}

/// One review (a column of the matrix) with its per-review fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewInfo {
    /// Stable id: the corpus work id, or `review:<label>` for matrix input.
    pub id: String,
    /// Display label.
    pub label: String,
    /// Date of the last literature search.
    pub search_date: Option<Date>,
    /// Publication year.
    pub year: Option<i32>,
    /// AMSTAR 2 overall rating.
    pub amstar: Option<Amstar>,
    /// Where the review came from.
    pub sources: Vec<Provenance>,
}

impl ReviewInfo {
    /// The date after which the review could not have included a study: the
    /// search date, else the end of the publication year.
    pub fn cutoff(&self) -> Option<Date> {
        self.search_date.or(self.year.map(Date::year))
    }
    /// Per-review fields as text (`search 2019-05; published 2020; AMSTAR 2 Low`),
    /// empty when none is known.
    pub fn fields_text(&self) -> String {
        let mut parts = Vec::new();
        if let Some(d) = self.search_date {
            parts.push(format!("search {d}"));
        }
        if let Some(y) = self.year {
            parts.push(format!("published {y}"));
        }
        if let Some(a) = self.amstar {
            parts.push(format!("AMSTAR 2 {}", a.as_str()));
        }
        parts.join("; ")
    }
}

/// One report (publication) of a primary study.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StudyReport {
    /// Label of the report (work label or matrix row label).
    pub label: String,
    /// Corpus work id, when the report is a corpus work.
    pub work: Option<String>,
    /// Where the report came from.
    pub sources: Vec<Provenance>,
}

/// One primary study (a row), possibly reported by several publications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Study {
    /// Stable id: `study:<first report's work id>` or `study:<label>`.
    pub id: String,
    /// Display label.
    pub label: String,
    /// Publication date (earliest report), used for structural missingness.
    pub date: Option<Date>,
    /// Reports collapsed into this study (at least one).
    pub reports: Vec<StudyReport>,
}

/// Studies x reviews inclusion matrix.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OverlapMatrix {
    /// Columns.
    pub reviews: Vec<ReviewInfo>,
    /// Rows.
    pub studies: Vec<Study>,
    /// `cells[study][review]`.
    pub cells: Vec<Vec<Cell>>,
    /// Probable duplicate studies (indices into `studies`).
    pub duplicates: Vec<DuplicateGroup>,
    /// Notes collected while building the matrix.
    pub diagnostics: Vec<Diagnostic>,
}

/// The first plausible publication year (4 digits, 1800-2100) in a label:
/// `2016Alaraudanjoki` -> 2016, `Smith 2010a` -> 2010.
pub fn year_in_label(label: &str) -> Option<i32> {
    let bytes = label.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            let start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i - start == 4 {
                if let Some(y) = label.get(start..i).and_then(|s| s.parse::<i32>().ok()) {
                    if (1800..=2100).contains(&y) {
                        return Some(y);
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    None
}

fn after(study: Date, cutoff: Date) -> bool {
    if study.year != cutoff.year {
        return study.year > cutoff.year;
    }
    match (study.month, cutoff.month) {
        (Some(sm), Some(cm)) if sm != cm => sm > cm,
        (Some(_), Some(_)) => matches!((study.day, cutoff.day), (Some(sd), Some(cd)) if sd > cd),
        _ => false,
    }
}

impl OverlapMatrix {
    /// Builds a matrix from a citation-matrix file. Review publication years
    /// and study dates are taken from the first 4-digit year in each label
    /// (used only by [`OverlapMatrix::mark_missing_from_dates`]).
    pub fn from_citation_matrix(m: &CitationMatrix) -> OverlapMatrix {
        let reviews = m
            .reviews
            .iter()
            .map(|label| ReviewInfo {
                id: format!("review:{label}"),
                label: label.clone(),
                search_date: None,
                year: year_in_label(label),
                amstar: None,
                sources: vec![Provenance::new(&m.input, 1, Some(label.clone()))],
            })
            .collect();
        let studies = m
            .rows
            .iter()
            .map(|r| Study {
                id: format!("study:{}", r.label),
                label: r.label.clone(),
                date: year_in_label(&r.label).map(Date::year),
                reports: vec![StudyReport {
                    label: r.label.clone(),
                    work: None,
                    sources: vec![Provenance::new(&m.input, r.line, Some(r.label.clone()))],
                }],
            })
            .collect();
        OverlapMatrix {
            reviews,
            studies,
            cells: m.rows.iter().map(|r| r.cells.clone()).collect(),
            duplicates: m.duplicates.clone(),
            diagnostics: m.diagnostics.clone(),
        }
    }

    /// The cell for (study, review); `Missing` when out of range.
    pub fn cell(&self, study: usize, review: usize) -> Cell {
        self.cells.get(study).and_then(|row| row.get(review)).copied().unwrap_or(Cell::Missing)
    }

    /// Attaches per-review fields (search date, year, AMSTAR 2) by review label
    /// or id; fields given as `None` leave the current value.
    pub fn set_review_fields(
        &mut self,
        label_or_id: &str,
        search_date: Option<Date>,
        year: Option<i32>,
        amstar: Option<Amstar>,
    ) -> bool {
        let key = fold(label_or_id);
        let mut found = false;
        for r in &mut self.reviews {
            if fold(&r.label) == key || r.id == label_or_id {
                r.search_date = search_date.or(r.search_date);
                r.year = year.or(r.year);
                r.amstar = amstar.or(r.amstar);
                found = true;
            }
        }
        found
    }

    /// Merges each group of study rows into one study (the first row keeps its
    /// place; reports are concatenated). A merged cell is included when any
    /// row includes the study, else not included when any row says 0, else
    /// missing. Indices out of range are ignored. Returns the number of rows removed.
    pub fn merge_studies(&mut self, groups: &[Vec<usize>]) -> usize {
        let n = self.studies.len();
        // Union-find whose root is always the smallest index, so a merged
        // row's target has already been emitted when the row is reached.
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &[usize], mut x: usize) -> usize {
            while let Some(&p) = parent.get(x) {
                if p == x {
                    break;
                }
                x = p;
            }
            x
        }
        for g in groups {
            let mut members = g.iter().copied().filter(|&i| i < n);
            let Some(first) = members.next() else { continue };
            for i in members {
                let (ra, rb) = (root(&parent, first), root(&parent, i));
                if let Some(slot) = parent.get_mut(ra.max(rb)) {
                    *slot = ra.min(rb);
                }
            }
        }
        let target: Vec<usize> = (0..n).map(|i| root(&parent, i)).collect();
        let mut new_index = vec![usize::MAX; n];
        let mut studies: Vec<Study> = Vec::new();
        let mut cells: Vec<Vec<Cell>> = Vec::new();
        for i in 0..n {
            let t = target.get(i).copied().unwrap_or(i);
            let (Some(study), Some(row)) = (self.studies.get(i), self.cells.get(i)) else { continue };
            if t == i {
                if let Some(ni) = new_index.get_mut(i) {
                    *ni = studies.len();
                }
                studies.push(study.clone());
                cells.push(row.clone());
            } else {
                let ni = new_index.get(t).copied().unwrap_or(usize::MAX);
                if let Some(ni_slot) = new_index.get_mut(i) {
                    *ni_slot = ni;
                }
                if let (Some(s), Some(c)) = (studies.get_mut(ni), cells.get_mut(ni)) {
                    s.reports.extend(study.reports.iter().cloned());
                    s.date = match (s.date, study.date) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    for (a, b) in c.iter_mut().zip(row) {
                        *a = match (*a, *b) {
                            (Cell::Included, _) | (_, Cell::Included) => Cell::Included,
                            (Cell::NotIncluded, _) | (_, Cell::NotIncluded) => Cell::NotIncluded,
                            _ => Cell::Missing,
                        };
                    }
                }
            }
        }
        let removed = n - studies.len();
        self.studies = studies;
        self.cells = cells;
        // Duplicate groups now refer to merged rows; keep only those still
        // naming two or more distinct rows.
        let mut dups = Vec::new();
        for g in &self.duplicates {
            let mut rows: Vec<usize> = g.rows.iter().filter_map(|&i| new_index.get(i).copied()).collect();
            rows.retain(|&i| i != usize::MAX);
            rows.sort_unstable();
            rows.dedup();
            if rows.len() > 1 {
                let labels =
                    rows.iter().filter_map(|&i| self.studies.get(i)).map(|s| s.label.clone()).collect();
                dups.push(DuplicateGroup { kind: g.kind.clone(), rows, labels });
            }
        }
        self.duplicates = dups;
        removed
    }

    /// Merges studies whose labels are equal after whitespace, case and
    /// punctuation normalisation ([`study_key`]). Returns rows removed.
    pub fn merge_exact_duplicates(&mut self) -> usize {
        let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, s) in self.studies.iter().enumerate() {
            by_key.entry(study_key(&s.label)).or_default().push(i);
        }
        let groups: Vec<Vec<usize>> = by_key.into_values().filter(|g| g.len() > 1).collect();
        let at = groups
            .first()
            .and_then(|g| g.first())
            .and_then(|&i| self.studies.get(i))
            .and_then(|s| s.reports.first())
            .and_then(|r| r.sources.first())
            .cloned()
            .unwrap_or_default();
        let removed = self.merge_studies(&groups);
        if removed > 0 {
            self.diagnostics.push(Diagnostic::info(
                at,
                format!("merged {removed} duplicate study row(s) with equal normalised labels"),
            ));
        }
        removed
    }

    /// Marks structural missingness from dates: a cell that is not an
    /// inclusion becomes [`Cell::Missing`] when the study is dated after the
    /// review's search date (or after its publication year when no search
    /// date is known). A study from the same year as the cutoff is not
    /// missing unless both dates have months that say otherwise. An inclusion
    /// of a study dated after the cutoff is kept and reported. Returns the
    /// number of cells marked.
    pub fn mark_missing_from_dates(&mut self) -> usize {
        let mut marked = 0;
        let cutoffs: Vec<Option<Date>> = self.reviews.iter().map(ReviewInfo::cutoff).collect();
        for (si, study) in self.studies.iter().enumerate() {
            let Some(date) = study.date else { continue };
            let Some(row) = self.cells.get_mut(si) else { continue };
            for (ri, cell) in row.iter_mut().enumerate() {
                let Some(Some(cut)) = cutoffs.get(ri) else { continue };
                if !after(date, *cut) {
                    continue;
                }
                match cell {
                    Cell::NotIncluded => {
                        *cell = Cell::Missing;
                        marked += 1;
                    }
                    Cell::Included => {
                        let review = self.reviews.get(ri).map_or("", |r| r.label.as_str());
                        self.diagnostics.push(Diagnostic::warning(
                            study
                                .reports
                                .first()
                                .and_then(|r| r.sources.first())
                                .cloned()
                                .unwrap_or_default(),
                            format!(
                                "review {review:?} includes study {:?} dated {date}, after its cutoff {cut}",
                                study.label
                            ),
                        ));
                    }
                    Cell::Missing => {}
                }
            }
        }
        marked
    }

    /// Reorders reviews by label (case-insensitive, then as written), as ccaR
    /// sorts its columns.
    pub fn sort_reviews(&mut self) {
        let mut order: Vec<usize> = (0..self.reviews.len()).collect();
        order.sort_by(|&a, &b| {
            let (la, lb) = (&self.reviews[a].label, &self.reviews[b].label);
            fold(la).cmp(&fold(lb)).then(la.cmp(lb)).then(a.cmp(&b))
        });
        self.reviews = order.iter().filter_map(|&i| self.reviews.get(i).cloned()).collect();
        for row in &mut self.cells {
            *row = order.iter().map(|&i| row.get(i).copied().unwrap_or(Cell::Missing)).collect();
        }
    }
}

/// Overall figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// c: reviews.
    pub n_reviews: usize,
    /// r: primary studies with at least one inclusion.
    pub n_studies: usize,
    /// N: inclusions (1-cells).
    pub n_inclusions: usize,
    /// X: structurally missing cells.
    pub n_missing: usize,
    /// Studies included in exactly one review.
    pub n_single_review_studies: usize,
    /// Studies included in two or more reviews.
    pub n_multi_review_studies: usize,
    /// CA = N/(rc); `None` when rc = 0.
    pub covered_area: Option<f64>,
    /// CCA = (N - r)/(rc - r - X); `None` when the denominator is 0.
    pub cca: Option<f64>,
    /// CCA with missing cells counted as 0: (N - r)/(rc - r).
    pub cca_unadjusted: Option<f64>,
    /// Band of `cca`.
    pub band: Option<Band>,
    /// Band of `cca_unadjusted`.
    pub band_unadjusted: Option<Band>,
}

/// Per-review figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewStats {
    /// Review id.
    pub id: String,
    /// Review label.
    pub label: String,
    /// Number of included studies.
    pub size: usize,
    /// Studies included only by this review.
    pub single: usize,
    /// Structurally missing cells in this column.
    pub missing: usize,
    /// Search date.
    pub search_date: Option<Date>,
    /// Publication year.
    pub year: Option<i32>,
    /// AMSTAR 2 overall rating.
    pub amstar: Option<Amstar>,
}

/// Figures for one pair of reviews (A before B in review order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairStats {
    /// Index of A in the report's reviews.
    pub a: usize,
    /// Index of B.
    pub b: usize,
    /// Label of A.
    pub a_label: String,
    /// Label of B.
    pub b_label: String,
    /// |A∩B|: studies included by both.
    pub overlap: usize,
    /// N = |A| + |B|.
    pub n: usize,
    /// r = |A∪B|.
    pub r: usize,
    /// X: missing cells in rows with exactly one inclusion.
    pub x: usize,
    /// Pairwise CCA = (N - r)/(r - X); `None` when r = X.
    pub cca: Option<f64>,
    /// Pairwise CCA ignoring missingness: |A∩B|/|A∪B|.
    pub cca_unadjusted: Option<f64>,
    /// Band of `cca`.
    pub band: Option<Band>,
    /// Band of `cca_unadjusted`.
    pub band_unadjusted: Option<Band>,
    /// |A∩B|/|A|.
    pub containment_a_in_b: Option<f64>,
    /// |A∩B|/|B|.
    pub containment_b_in_a: Option<f64>,
    /// |A∩B|/min(|A|, |B|).
    pub overlap_coefficient: Option<f64>,
}

/// Everything an overview reports, serialisable for `--json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverlapReport {
    /// Overall figures.
    pub summary: Summary,
    /// Per-review figures, in review order.
    pub reviews: Vec<ReviewStats>,
    /// Every pair of reviews, in review order.
    pub pairs: Vec<PairStats>,
    /// Number of reviews including each study, in study order.
    pub study_counts: Vec<usize>,
    /// The matrix the figures were computed on (excluded rows and columns removed).
    pub matrix: OverlapMatrix,
    /// Labels of studies left out because no review includes them.
    pub excluded_studies: Vec<String>,
    /// Labels of reviews left out because they include no study.
    pub excluded_reviews: Vec<String>,
    /// Where the interpretation bands come from.
    pub band_source: String,
    /// Warnings and notes (matrix reading, exclusions, dates).
    pub diagnostics: Vec<Diagnostic>,
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Formats a fraction as a percentage with one decimal (`0.41428` -> `41.4`),
/// ties to even as R prints them (`0.3125` -> `31.2`).
pub fn percent(f: f64) -> String {
    if !f.is_finite() {
        return "NA".into();
    }
    format!("{:.1}", f * 100.0)
}

/// Computes every overlap figure.
///
/// Studies that no review includes (all-zero rows) and reviews that include
/// no study are excluded and reported as warnings. Reviews are sorted by
/// label first ([`OverlapMatrix::sort_reviews`]).
///
/// Complexity: O(r c^2) for the pairwise table.
pub fn compute(matrix: &OverlapMatrix) -> OverlapReport {
    let mut m = matrix.clone();
    let mut diagnostics = std::mem::take(&mut m.diagnostics);
    m.sort_reviews();
    // Reviews without any inclusion.
    let keep_r: Vec<usize> = (0..m.reviews.len())
        .filter(|&j| (0..m.studies.len()).any(|i| m.cell(i, j) == Cell::Included))
        .collect();
    let mut excluded_reviews = Vec::new();
    for (j, r) in m.reviews.iter().enumerate() {
        if !keep_r.contains(&j) {
            diagnostics.push(Diagnostic::warning(
                r.sources.first().cloned().unwrap_or_default(),
                format!(
                    "review {:?} has no resolvable included study; left out of the overlap figures",
                    r.label
                ),
            ));
            excluded_reviews.push(r.label.clone());
        }
    }
    let mut excluded_studies = Vec::new();
    let mut studies = Vec::new();
    let mut cells = Vec::new();
    let mut old_to_new = vec![usize::MAX; m.studies.len()];
    for (i, s) in m.studies.iter().enumerate() {
        let row: Vec<Cell> = keep_r.iter().map(|&j| m.cell(i, j)).collect();
        if row.contains(&Cell::Included) {
            if let Some(slot) = old_to_new.get_mut(i) {
                *slot = studies.len();
            }
            studies.push(s.clone());
            cells.push(row);
        } else {
            diagnostics.push(Diagnostic::warning(
                s.reports.first().and_then(|r| r.sources.first()).cloned().unwrap_or_default(),
                format!(
                    "study {:?} is included by no review; left out (r counts only included studies)",
                    s.label
                ),
            ));
            excluded_studies.push(s.label.clone());
        }
    }
    let reviews: Vec<ReviewInfo> = keep_r.iter().filter_map(|&j| m.reviews.get(j).cloned()).collect();
    let duplicates = m
        .duplicates
        .iter()
        .filter_map(|g| {
            let rows: Vec<usize> = g
                .rows
                .iter()
                .filter_map(|&i| old_to_new.get(i).copied())
                .filter(|&i| i != usize::MAX)
                .collect();
            (rows.len() > 1).then(|| DuplicateGroup {
                kind: g.kind.clone(),
                labels: rows
                    .iter()
                    .filter_map(|&i| studies.get(i))
                    .map(|s: &Study| s.label.clone())
                    .collect(),
                rows,
            })
        })
        .collect();
    let m = OverlapMatrix { reviews, studies, cells, duplicates, diagnostics: Vec::new() };

    let c = m.reviews.len();
    let r = m.studies.len();
    let study_counts: Vec<usize> =
        m.cells.iter().map(|row| row.iter().filter(|&&x| x == Cell::Included).count()).collect();
    let n: usize = study_counts.iter().sum();
    let x: usize = m.cells.iter().map(|row| row.iter().filter(|&&x| x == Cell::Missing).count()).sum();
    let rc = r * c;
    let cca = ratio(n.saturating_sub(r), rc.saturating_sub(r).saturating_sub(x));
    let cca_unadjusted = ratio(n.saturating_sub(r), rc.saturating_sub(r));
    let summary = Summary {
        n_reviews: c,
        n_studies: r,
        n_inclusions: n,
        n_missing: x,
        n_single_review_studies: study_counts.iter().filter(|&&k| k == 1).count(),
        n_multi_review_studies: study_counts.iter().filter(|&&k| k >= 2).count(),
        covered_area: ratio(n, rc),
        cca,
        cca_unadjusted,
        band: cca.map(Band::of),
        band_unadjusted: cca_unadjusted.map(Band::of),
    };
    let reviews: Vec<ReviewStats> = m
        .reviews
        .iter()
        .enumerate()
        .map(|(j, info)| {
            let col = || m.cells.iter().map(move |row| row.get(j).copied().unwrap_or(Cell::Missing));
            ReviewStats {
                id: info.id.clone(),
                label: info.label.clone(),
                size: col().filter(|&v| v == Cell::Included).count(),
                single: col().zip(&study_counts).filter(|&(v, &k)| v == Cell::Included && k == 1).count(),
                missing: col().filter(|&v| v == Cell::Missing).count(),
                search_date: info.search_date,
                year: info.year,
                amstar: info.amstar,
            }
        })
        .collect();
    let mut pairs = Vec::new();
    for a in 0..c {
        for b in a + 1..c {
            let (mut both, mut union, mut xx) = (0usize, 0usize, 0usize);
            for row in &m.cells {
                let ca = row.get(a).copied().unwrap_or(Cell::Missing);
                let cb = row.get(b).copied().unwrap_or(Cell::Missing);
                let (ia, ib) = (ca == Cell::Included, cb == Cell::Included);
                if ia || ib {
                    union += 1;
                }
                if ia && ib {
                    both += 1;
                } else if ia && cb == Cell::Missing || ib && ca == Cell::Missing {
                    xx += 1;
                }
            }
            let size_a = reviews.get(a).map_or(0, |s| s.size);
            let size_b = reviews.get(b).map_or(0, |s| s.size);
            let cca = ratio(both, union.saturating_sub(xx));
            let cca_unadjusted = ratio(both, union);
            pairs.push(PairStats {
                a,
                b,
                a_label: m.reviews.get(a).map(|r| r.label.clone()).unwrap_or_default(),
                b_label: m.reviews.get(b).map(|r| r.label.clone()).unwrap_or_default(),
                overlap: both,
                n: size_a + size_b,
                r: union,
                x: xx,
                cca,
                cca_unadjusted,
                band: cca.map(Band::of),
                band_unadjusted: cca_unadjusted.map(Band::of),
                containment_a_in_b: ratio(both, size_a),
                containment_b_in_a: ratio(both, size_b),
                overlap_coefficient: ratio(both, size_a.min(size_b)),
            });
        }
    }
    OverlapReport {
        summary,
        reviews,
        pairs,
        study_counts,
        matrix: m,
        excluded_studies,
        excluded_reviews,
        band_source: BAND_SOURCE.to_string(),
        diagnostics,
    }
}

/// The review <-> study bipartite graph: review nodes (kind paper,
/// `role`=`review`, with `size`, `single` and per-review fields), study nodes
/// (`role`=`study`, kind paper when a report is a corpus work else cited
/// work, with `reports` and `n_reviews`), and one `cites` edge per inclusion
/// with `included`=true.
pub fn bipartite_graph(report: &OverlapReport) -> CitationGraph {
    let m = &report.matrix;
    let mut g = CitationGraph::new();
    let mut review_ix = Vec::new();
    for (info, stats) in m.reviews.iter().zip(&report.reviews) {
        let mut attrs = Attrs::new();
        attrs.insert("role", Attr::Str("review".into()));
        attrs.insert("size", Attr::Int(stats.size as i64));
        attrs.insert("single", Attr::Int(stats.single as i64));
        if let Some(y) = info.year {
            attrs.insert(attr::YEAR, Attr::Int(i64::from(y)));
        }
        if let Some(d) = info.search_date {
            attrs.insert("search_date", Attr::text(d.to_string()));
        }
        if let Some(a) = info.amstar {
            attrs.insert("amstar2", Attr::Str(a.as_str().into()));
        }
        attrs.insert(attr::SOURCES, Attr::text(crate::graph::sources_text(&info.sources)));
        review_ix.push(g.add_node(Node {
            id: info.id.clone(),
            kind: NodeKind::Paper,
            label: info.label.clone(),
            attrs,
            sources: info.sources.clone(),
        }));
    }
    for (i, s) in m.studies.iter().enumerate() {
        let mut attrs = Attrs::new();
        attrs.insert("role", Attr::Str("study".into()));
        attrs.insert("n_reviews", Attr::Int(report.study_counts.get(i).copied().unwrap_or(0) as i64));
        attrs.insert("n_reports", Attr::Int(s.reports.len() as i64));
        let reports: Vec<&str> = s.reports.iter().map(|r| r.label.as_str()).collect();
        attrs.insert("reports", Attr::text(reports.join("; ")));
        if let Some(d) = s.date {
            attrs.insert(attr::YEAR, Attr::Int(i64::from(d.year)));
        }
        let mut sources: Vec<Provenance> = s.reports.iter().flat_map(|r| r.sources.iter().cloned()).collect();
        sources.sort();
        sources.dedup();
        attrs.insert(attr::SOURCES, Attr::text(crate::graph::sources_text(&sources)));
        let kind =
            if s.reports.iter().any(|r| r.work.is_some()) { NodeKind::Paper } else { NodeKind::CitedWork };
        let six = g.add_node(Node { id: s.id.clone(), kind, label: s.label.clone(), attrs, sources });
        for (j, &rix) in review_ix.iter().enumerate() {
            if m.cell(i, j) == Cell::Included {
                let mut eattrs = Attrs::new();
                eattrs.insert("included", Attr::Bool(true));
                g.add_edge(
                    rix,
                    six,
                    Edge { kind: EdgeKind::Cites, weight: 1.0, attrs: eattrs, sources: Vec::new() },
                );
            }
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        assert_eq!(Band::of(0.0499), Band::Slight);
        assert_eq!(Band::of(0.05), Band::Moderate);
        assert_eq!(Band::of(0.10), Band::High);
        assert_eq!(Band::of(0.15), Band::VeryHigh);
    }

    #[test]
    fn percent_ties_to_even_like_r() {
        assert_eq!(percent(0.3125), "31.2");
        assert_eq!(percent(29.0 / 70.0), "41.4");
        assert_eq!(percent(2.0 / 3.0), "66.7");
    }

    #[test]
    fn years_in_labels() {
        assert_eq!(year_in_label("2016Alaraudanjoki"), Some(2016));
        assert_eq!(year_in_label("El-Wakeel"), None);
        assert_eq!(year_in_label("Smith 12345 2010a"), Some(2010));
    }

    #[test]
    fn date_order() {
        let d = |y, m| Date { year: y, month: m, day: None };
        assert!(after(d(2020, None), d(2019, Some(12))));
        assert!(!after(d(2019, None), d(2019, Some(1))));
        assert!(after(d(2019, Some(6)), d(2019, Some(5))));
    }
}
