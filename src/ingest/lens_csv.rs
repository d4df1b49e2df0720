//! Lens.org scholarly CSV exports.
//!
//! One record per row; `Author/s` is `; `-joined "Given Family"; `References`
//! is a `; `-joined list of Lens ids (not DOIs), kept as citations with an
//! [`Identifier::Other`] `lens:<id>` so a later lookup can resolve them.
//! Abstracts lose their JATS markup.

use super::dates;
use super::table::{self, cell};
use crate::model::norm::{squash_ws, strip_tags};
use crate::model::{Author, Citation, Date, Diagnostic, Identifier, Parsed, Provenance, Record};

/// Format name used in `source_kind`.
pub const NAME: &str = "lens-csv";

/// True when the header starts with `Lens ID`.
pub fn sniff(text: &str) -> bool {
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    first.trim_start_matches('"').starts_with("Lens ID")
}

/// Reads a Lens scholarly CSV export.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let table = table::read_csv(input, text, b',', &mut parsed.diagnostics);
    parsed.seen = table.rows.len() + table.bad_rows;
    for (n, (line, row)) in table.rows.iter().enumerate() {
        let get = |name: &str| table.col(name).and_then(|i| row.get(i)).and_then(|v| cell(v));
        let key = get("Lens ID").map(str::to_string).unwrap_or_else(|| format!("row {}", n + 1));
        let at = Provenance::new(input, *line, Some(key.clone()));
        if row.len() != table.header.len() {
            parsed.diagnostics.push(Diagnostic::warning(
                at.clone(),
                format!("row has {} fields for {} columns: read by position", row.len(), table.header.len()),
            ));
        }
        let mut r = Record::new(at.clone(), NAME);
        if let Some(id) = get("Lens ID") {
            r.add_id(Identifier::Other(format!("lens:{id}")));
        }
        r.title = get("Title").map(squash_ws);
        r.authors = split(get("Author/s")).iter().map(|n| Author::person(n)).collect();
        r.venue = get("Source Title").map(str::to_string);
        r.issn = split(get("ISSNs"));
        r.publisher = get("Publisher").map(str::to_string);
        r.volume = get("Volume").map(str::to_string);
        r.issue = get("Issue Number").map(str::to_string);
        r.pages = match (get("Start Page"), get("End Page")) {
            (Some(b), Some(e)) => Some(format!("{b}-{e}")),
            (Some(b), None) => Some(b.to_string()),
            _ => None,
        };
        r.published = get("Date Published")
            .and_then(dates::parse)
            .or_else(|| get("Publication Year").and_then(|y| y.parse().ok()).map(Date::year));
        r.abstract_text = get("Abstract").map(|a| squash_ws(&strip_tags(a).replace(" ; ; ", "\n")));
        r.keywords = split(get("Keywords"));
        r.subjects = split(get("MeSH Terms"));
        for s in split(get("Fields of Study")) {
            if !r.subjects.contains(&s) {
                r.subjects.push(s);
            }
        }
        r.doc_type = get("Publication Type").and_then(table::doc_type);
        r.times_cited = get("Citing Works Count").and_then(|c| c.parse().ok());
        if let Some(d) = table::checked_id(get("DOI"), Identifier::doi, "DOI", &at, &mut parsed.diagnostics) {
            r.add_id(d);
        }
        if let Some(p) =
            table::checked_id(get("PMID"), Identifier::pmid, "PMID", &at, &mut parsed.diagnostics)
        {
            r.add_id(p);
        }
        if let Some(p) = get("PMCID").filter(|p| p.starts_with("PMC")) {
            r.add_id(Identifier::Pmcid(p.to_string()));
        }
        for lens in split(get("References")) {
            r.citations.push(Citation {
                raw: lens.clone(),
                ids: smallvec::smallvec![Identifier::Other(format!("lens:{lens}"))],
                count: 1,
                at: Provenance::new(input, *line, Some(key.clone())),
                ..Citation::default()
            });
        }
        r.mark_missing();
        parsed.records.push(r);
    }
    parsed
}

fn split(v: Option<&str>) -> Vec<String> {
    v.map(|s| s.split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}
