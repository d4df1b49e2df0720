//! The lists an umbrella review brings besides its exports: a list of review
//! identifiers (one per line), and an inclusion list (CSV: which references
//! each review included, with per-review search date, year and AMSTAR 2
//! rating). Readers like the others: never fail, bad rows become located
//! diagnostics. `analysis::umbrella` turns them into an overlap matrix.
//!
//! Search dates are read strictly ([`parse_date`]: `YYYY`, `YYYY-MM`,
//! `YYYY-MM-DD`), unlike [`super::dates::parse`], because a value that is not
//! a date is worth a warning here, not a guess.

use crate::model::norm::{alnum_key, squash_ws};
use crate::model::{Date, Diagnostic, Provenance};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// AMSTAR 2 overall confidence rating of a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Amstar {
    /// High confidence.
    High,
    /// Moderate confidence.
    Moderate,
    /// Low confidence.
    Low,
    /// Critically low confidence.
    CriticallyLow,
}

impl Amstar {
    /// Parses `High`, `Moderate`, `Low`, `Critically low` (any case, spacing,
    /// hyphen or underscore).
    pub fn parse(s: &str) -> Option<Amstar> {
        match crate::model::norm::alnum_key(s).as_str() {
            "high" => Some(Amstar::High),
            "moderate" => Some(Amstar::Moderate),
            "low" => Some(Amstar::Low),
            "criticallylow" => Some(Amstar::CriticallyLow),
            _ => None,
        }
    }
    /// Display name: `High`, `Moderate`, `Low`, `Critically low`.
    pub fn as_str(self) -> &'static str {
        match self {
            Amstar::High => "High",
            Amstar::Moderate => "Moderate",
            Amstar::Low => "Low",
            Amstar::CriticallyLow => "Critically low",
        }
    }
}

/// One identifier line of a list file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    /// 1-based line.
    pub line: u32,
    /// The identifier as written (trimmed).
    pub raw: String,
}

/// Parses a list of review identifiers: one DOI, PMID or work id per line;
/// blank lines and `#` comments are skipped; a trailing comment or second
/// column after whitespace, tab or comma is ignored.
pub fn parse_review_list(text: &str) -> Vec<ListEntry> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let body = line.split('#').next().unwrap_or("").trim().trim_start_matches('\u{feff}');
        let first = body.split(|c: char| c.is_whitespace() || c == ',' || c == ';').next().unwrap_or("");
        if !first.is_empty() {
            out.push(ListEntry { line: line_no, raw: first.to_string() });
        }
    }
    out
}

/// One row of an inclusion list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionRow {
    /// 1-based line.
    pub line: u32,
    /// Review identifier (DOI, PMID, work id) as written.
    pub review: String,
    /// Study reference: identifier, title or work label; empty on field-only rows.
    pub reference: String,
    /// Study label shared by several reports of one study.
    pub study: Option<String>,
}

/// Per-review fields given in an inclusion list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFields {
    /// Date of the last search.
    pub search_date: Option<Date>,
    /// Publication year.
    pub year: Option<i32>,
    /// AMSTAR 2 overall rating.
    pub amstar: Option<Amstar>,
}

/// An inclusion list: which references each review actually included.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InclusionList {
    /// Input label.
    pub input: String,
    /// Rows in input order.
    pub rows: Vec<InclusionRow>,
    /// Fields per review identifier (as written).
    pub fields: BTreeMap<String, ReviewFields>,
    /// Problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a date `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (or with `/` or `.`).
pub fn parse_date(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s.trim().split(['-', '/', '.']).collect();
    let year: i32 = parts.first()?.parse().ok()?;
    if !(1000..=9999).contains(&year) || parts.len() > 3 {
        return None;
    }
    let month = match parts.get(1) {
        Some(m) => Some(m.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?),
        None => None,
    };
    let day = match parts.get(2) {
        Some(d) => Some(d.parse::<u8>().ok().filter(|d| (1..=31).contains(d))?),
        None => None,
    };
    Some(Date { year, month, day })
}

/// Parses an inclusion list (CSV with a header; `,`, `;` or tab detected).
///
/// Columns (header names, any case or punctuation): `review` (required),
/// `reference` / `study_reference` / `ref` (required), `study` /
/// `study_label` (optional, groups reports of one study), `search_date`,
/// `year` / `publication_year`, `amstar` / `amstar2`. Per-review fields may
/// be given on any row of the review (also on a row without a reference);
/// conflicting values are warnings and the first is kept. Never fails: bad
/// rows become diagnostics.
pub fn parse_inclusion_list(input: &str, text: &str) -> InclusionList {
    let mut list = InclusionList { input: input.to_string(), ..InclusionList::default() };
    // LF line ends keep the csv crate's line numbers exact.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.as_str();
    let delim = crate::ingest::matrix::detect_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let at = |line: u32| Provenance::new(input, line, None);
    let header = match records.next() {
        Some(Ok(h)) => h,
        _ => {
            list.diagnostics.push(Diagnostic::error(at(1), "inclusion list has no header row"));
            return list;
        }
    };
    let mut col: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, h) in header.iter().enumerate() {
        let name = match alnum_key(h).as_str() {
            "review" | "reviewid" | "sr" => "review",
            "reference" | "studyreference" | "ref" | "includedstudy" | "primarystudy" => "reference",
            "study" | "studylabel" | "studyid" => "study",
            "searchdate" | "search" | "lastsearch" => "search_date",
            "year" | "publicationyear" | "pubyear" => "year",
            "amstar" | "amstar2" | "amstar2rating" | "amstar2overall" => "amstar",
            _ => continue,
        };
        col.entry(name).or_insert(i);
    }
    if !col.contains_key("review") || !col.contains_key("reference") {
        list.diagnostics
            .push(Diagnostic::error(at(1), "inclusion list header needs `review` and `reference` columns"));
        return list;
    }
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                list.diagnostics.push(Diagnostic::warning(at(line), format!("unreadable row: {e}")));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        let get = |name: &str| col.get(name).and_then(|&i| rec.get(i)).map(squash_ws).unwrap_or_default();
        let review = get("review");
        let reference = get("reference");
        if review.is_empty() {
            if rec.iter().any(|c| !c.trim().is_empty()) {
                list.diagnostics
                    .push(Diagnostic::warning(at(line), "row without a review identifier skipped"));
            }
            continue;
        }
        let mut fields = ReviewFields::default();
        let sd = get("search_date");
        if !sd.is_empty() {
            fields.search_date = parse_date(&sd);
            if fields.search_date.is_none() {
                list.diagnostics
                    .push(Diagnostic::warning(at(line), format!("search date {sd:?} is not a date")));
            }
        }
        let y = get("year");
        if !y.is_empty() {
            fields.year = y.parse().ok();
            if fields.year.is_none() {
                list.diagnostics.push(Diagnostic::warning(at(line), format!("year {y:?} is not a year")));
            }
        }
        let a = get("amstar");
        if !a.is_empty() {
            fields.amstar = Amstar::parse(&a);
            if fields.amstar.is_none() {
                list.diagnostics.push(Diagnostic::warning(
                    at(line),
                    format!("AMSTAR 2 rating {a:?} is not High, Moderate, Low or Critically low"),
                ));
            }
        }
        let entry = list.fields.entry(review.clone()).or_default();
        let mut conflict = Vec::new();
        merge_field(&mut entry.search_date, fields.search_date, "search date", &mut conflict);
        merge_field(&mut entry.year, fields.year, "year", &mut conflict);
        merge_field(&mut entry.amstar, fields.amstar, "AMSTAR 2 rating", &mut conflict);
        for what in conflict {
            list.diagnostics.push(Diagnostic::warning(
                at(line),
                format!("review {review:?}: conflicting {what}; the first value is kept"),
            ));
        }
        if !reference.is_empty() {
            let study = Some(get("study")).filter(|s| !s.is_empty());
            list.rows.push(InclusionRow { line, review, reference, study });
        }
    }
    list
}

fn merge_field<T: PartialEq + Copy>(
    slot: &mut Option<T>,
    new: Option<T>,
    what: &'static str,
    c: &mut Vec<&str>,
) {
    match (*slot, new) {
        (None, n) => *slot = n,
        (Some(old), Some(n)) if old != n => c.push(what),
        _ => {}
    }
}
