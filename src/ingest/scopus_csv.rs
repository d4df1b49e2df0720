//! Scopus CSV exports ("Export → CSV", all information, with references).
//!
//! Columns are found by header name, so both the current 45-column layout
//! (`Author full names` with Scopus author ids) and the older one (`Funding
//! Text 1`, comma-separated `Authors`) work. Rows with more fields than the
//! header (an unlabelled column before `References`, seen in real exports) are
//! realigned by finding which column holds the reference list or the EID,
//! with a warning. `References` is split into entries and each entry parsed by
//! [`refs::parse_free_text`]. `Authors with affiliations` gives each author's
//! affiliations; entries of `Affiliations` that no author has are kept in
//! [`Record::affiliations`].

use super::fieldmap::{self, cell, Table};
use super::refs;
use crate::model::norm::squash_ws;
use crate::model::{Author, Date, Diagnostic, Identifier, Parsed, Provenance, Record};

/// Format name used in `source_kind`.
pub const NAME: &str = "scopus-csv";

/// True when the header line is a Scopus CSV header.
pub fn sniff(text: &str) -> bool {
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    first.contains("Source title")
        && (first.contains("EID") || first.contains("Art. No."))
        && first.contains("Title")
}

/// Reads a Scopus CSV export.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let table = fieldmap::read_csv(input, text, b',', &mut parsed.diagnostics);
    if table.header.is_empty() {
        return parsed;
    }
    let refs_col = table.col("References");
    let eid_col = table.col("EID");
    for (n, (line, row)) in table.rows.iter().enumerate() {
        let (shift, from) = alignment(&table, row, refs_col, eid_col);
        let get = |name: &str| {
            let i = table.col(name)?;
            let i = if from.is_some_and(|f| i >= f) { i + shift } else { i };
            row.get(i).and_then(|v| cell(v))
        };
        let key = get("EID")
            .map(str::to_string)
            .or_else(|| get("DOI").map(str::to_string))
            .unwrap_or_else(|| format!("row {}", n + 1));
        let at = Provenance::new(input, *line, Some(key.clone()));
        if row.len() != table.header.len() {
            let msg = if shift > 0 && from.is_some() {
                format!(
                    "row has {} fields for {} columns: an unlabelled column before References; later columns realigned",
                    row.len(),
                    table.header.len()
                )
            } else {
                format!("row has {} fields for {} columns: read by position", row.len(), table.header.len())
            };
            parsed.diagnostics.push(Diagnostic::warning(at.clone(), msg));
        }
        let mut r = Record::new(at.clone(), NAME);
        // Authors: "Liu, Fengyuan (60410297700); …" over "Liu F.; Li C." / "Phillips J.C., Braun R.".
        let ids: Vec<&str> = get("Author(s) ID")
            .map(|s| s.split(';').map(str::trim).filter(|t| !t.is_empty()).collect())
            .unwrap_or_default();
        if let Some(full) = get("Author full names") {
            for part in full.split("; ") {
                let (name, id) = match part.rsplit_once(" (") {
                    Some((nm, rest)) if rest.ends_with(')') => {
                        (nm, Some(rest.trim_end_matches(')').to_string()))
                    }
                    _ => (part, None),
                };
                let mut a = Author::person(name);
                a.source_id = id;
                if !a.family.is_empty() {
                    r.authors.push(a);
                }
            }
        } else if let Some(names) = get("Authors") {
            let sep = if names.contains(';') { ';' } else { ',' };
            for name in names.split(sep).map(str::trim).filter(|s| !s.is_empty()) {
                if name.eq_ignore_ascii_case("[No author name available]") {
                    continue;
                }
                r.authors.push(Author::person(name));
            }
            if ids.len() == r.authors.len() {
                for (a, id) in r.authors.iter_mut().zip(&ids) {
                    a.source_id = Some((*id).to_string());
                }
            }
        }
        if let Some(with_aff) = get("Authors with affiliations") {
            let entries: Vec<&str> = with_aff.split("; ").collect();
            if entries.len() == r.authors.len() {
                for (a, e) in r.authors.iter_mut().zip(entries) {
                    if let Some(aff) = strip_author_prefix(e, a) {
                        a.affiliations.push(aff);
                    }
                }
            }
        }
        // `Affiliations` lists the record's distinct affiliations; those that no
        // author's "with affiliations" entry contains are the record's own.
        for aff in get("Affiliations").map(|s| s.split("; ").collect::<Vec<_>>()).unwrap_or_default() {
            let aff = aff.trim();
            if !r.authors.iter().any(|a| a.affiliations.iter().any(|x| x.contains(aff))) {
                r.add_affiliation(aff);
            }
        }
        r.title = get("Title").map(squash_ws);
        r.venue = get("Source title").map(str::to_string);
        r.venue_abbrev = get("Abbreviated Source Title").map(str::to_string);
        r.issn = get("ISSN")
            .map(|s| s.split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        r.publisher = get("Publisher").map(str::to_string);
        r.volume = get("Volume").map(str::to_string);
        r.issue = get("Issue").map(str::to_string);
        r.pages = match (get("Page start"), get("Page end"), get("Art. No.")) {
            (Some(b), Some(e), _) => Some(format!("{b}-{e}")),
            (Some(b), None, _) => Some(b.to_string()),
            (None, _, Some(a)) => Some(a.to_string()),
            _ => None,
        };
        r.published = get("Year").and_then(|y| y.parse::<i32>().ok()).map(Date::year);
        r.abstract_text = get("Abstract").map(|a| a.to_string());
        r.keywords = list(get("Author Keywords"));
        r.subjects = list(get("Index Keywords"));
        r.language = get("Language of Original Document").and_then(fieldmap::language);
        r.doc_type = get("Document Type").and_then(fieldmap::doc_type);
        r.times_cited = get("Cited by").and_then(|c| c.parse().ok());
        if let Some(d) = get("DOI").and_then(Identifier::doi) {
            r.add_id(d);
        }
        if let Some(p) = get("PubMed ID").and_then(Identifier::pmid) {
            r.add_id(p);
        }
        if let Some(e) = get("EID") {
            r.add_id(Identifier::Eid(e.to_string()));
        } else if let Some(eid) = get("Link").and_then(eid_from_link) {
            r.add_id(Identifier::Eid(eid));
        }
        if let Some(cellv) = get("References") {
            for entry in refs::split_reference_list(cellv) {
                let cit = refs::parse_free_text(&entry, Provenance::new(input, *line, Some(key.clone())));
                if !cit.raw.is_empty() {
                    r.citations.push(cit);
                }
            }
        }
        r.mark_missing();
        parsed.records.push(r);
    }
    parsed
}

fn list(v: Option<&str>) -> Vec<String> {
    v.map(|s| s.split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// `eid=2-s2.0-105030721984&…` in a Scopus link.
fn eid_from_link(link: &str) -> Option<String> {
    let start = link.find("eid=")? + 4;
    let rest = link.get(start..)?;
    let end = rest.find('&').unwrap_or(rest.len());
    rest.get(..end).filter(|e| e.starts_with("2-s2.0-")).map(str::to_string)
}

/// The affiliation part of an "Authors with affiliations" entry.
fn strip_author_prefix(entry: &str, a: &Author) -> Option<String> {
    use crate::model::norm::family_key;
    let e = entry.trim();
    let rest = if let Some(r) = e.strip_prefix(a.raw.as_str()).filter(|_| !a.raw.is_empty()) {
        r
    } else {
        let mut it = e.splitn(3, ", ");
        let head = it.next()?;
        if family_key(head) == family_key(&a.family) {
            // Older layout "Phillips, J.C., Beckman Institute": skip "Family, Initials,".
            let _initials = it.next()?;
            it.next()?
        } else {
            // Current layout "Liu F., Department ..." beside full names "Liu, Fengyuan":
            // same family name and first initial.
            let short = Author::person(head);
            let initial = |g: &str| g.chars().next().map(|c| c.to_lowercase().to_string());
            if family_key(&short.family).is_empty()
                || family_key(&short.family) != family_key(&a.family)
                || initial(&short.given) != initial(&a.given)
            {
                return None;
            }
            e.get(head.len()..)?
        }
    };
    let aff = rest.trim_start_matches([',', ' ']).trim();
    (!aff.is_empty()).then(|| aff.to_string())
}

fn looks_like_refs(s: &str) -> bool {
    let s = s.trim();
    s.len() > 30 && (s.contains("; ") || s.contains("(19") || s.contains("(20")) && s.contains(", ")
}

/// For a row with more fields than the header: `(shift, first shifted column)`.
///
/// The extra, unlabelled column sits somewhere before `References`; the
/// shift is the offset at which the reference list (or, failing that, the
/// `2-s2.0-` EID) is found.
fn alignment(
    table: &Table,
    row: &[String],
    refs_col: Option<usize>,
    eid_col: Option<usize>,
) -> (usize, Option<usize>) {
    let extra = row.len().saturating_sub(table.header.len());
    if extra == 0 {
        return (0, None);
    }
    if let Some(rc) = refs_col {
        for s in (0..=extra).rev() {
            if s > 0
                && row.get(rc + s).is_some_and(|v| looks_like_refs(v))
                && !row.get(rc).is_some_and(|v| looks_like_refs(v))
            {
                return (s, Some(rc));
            }
        }
        if row.get(rc).is_some_and(|v| looks_like_refs(v)) {
            return (0, None);
        }
    }
    if let Some(ec) = eid_col {
        for s in 1..=extra {
            if row.get(ec + s).is_some_and(|v| v.trim().starts_with("2-s2.0-")) {
                return (s, Some(refs_col.unwrap_or(ec)));
            }
        }
    }
    (0, None)
}
