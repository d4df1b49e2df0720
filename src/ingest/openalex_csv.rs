//! OpenAlex CSV exports (the openalex.org web export).
//!
//! Columns have dotted names (`authorships.author.display_name`,
//! `primary_location.source.issn_l`); multi-valued cells are `|`-joined and
//! the per-author columns line up with the author names. The export has no
//! `referenced_works`, so records carry no citations.

use super::dates;
use super::table::{self, cell};
use crate::model::norm::{normalize_orcid, squash_ws};
use crate::model::{Author, Date, Diagnostic, Identifier, Parsed, Provenance, Record};

/// Format name used in `source_kind`.
pub const NAME: &str = "openalex-csv";

/// True when the header has OpenAlex's dotted column names.
pub fn sniff(text: &str) -> bool {
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    first.contains("authorships.author.display_name")
        || (first.starts_with("id,") && first.contains("publication_year") && first.contains("display_name"))
}

/// Reads an OpenAlex CSV export.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let table = table::read_csv(input, text, b',', &mut parsed.diagnostics);
    parsed.seen = table.rows.len() + table.bad_rows;
    for (n, (line, row)) in table.rows.iter().enumerate() {
        let get = |name: &str| table.col(name).and_then(|i| row.get(i)).and_then(|v| cell(v));
        let oa_id = get("id").map(super::openalex::short_id);
        let key = oa_id.clone().unwrap_or_else(|| format!("row {}", n + 1));
        let at = Provenance::new(input, *line, Some(key));
        if row.len() != table.header.len() {
            parsed.diagnostics.push(Diagnostic::warning(
                at.clone(),
                format!("row has {} fields for {} columns: read by position", row.len(), table.header.len()),
            ));
        }
        let mut r = Record::new(at, NAME);
        if let Some(id) = oa_id {
            r.add_id(Identifier::Openalex(id));
        }
        if let Some(d) = get("doi").and_then(Identifier::doi) {
            r.add_id(d);
        }
        if let Some(p) = get("ids.pmid").and_then(Identifier::pmid) {
            r.add_id(p);
        }
        r.title = get("display_name").or_else(|| get("title")).map(squash_ws);
        let names = bars(get("authorships.author.display_name"));
        let ids = bars(get("authorships.author.id"));
        let orcids = bars(get("authorships.author.orcid"));
        let insts = bars(get("authorships.institutions.display_name"));
        for (i, name) in names.iter().enumerate() {
            let mut a = Author::person(name);
            a.set_source_id(ids.get(i).filter(|s| !s.is_empty()).map(|s| super::openalex::short_id(s)));
            a.set_orcid(orcids.get(i).and_then(|o| normalize_orcid(o)));
            if insts.len() == names.len() {
                if let Some(inst) = insts.get(i).filter(|s| !s.is_empty()) {
                    a.affiliations_mut().push(inst.clone());
                }
            }
            r.authors.push(a);
        }
        r.venue = get("primary_location.source.display_name").map(str::to_string);
        r.issn = get("primary_location.source.issn_l").map(|s| vec![s.to_string()]).unwrap_or_default();
        r.published = get("publication_date")
            .and_then(dates::parse)
            .or_else(|| get("publication_year").and_then(|y| y.parse().ok()).map(Date::year));
        r.abstract_text = get("abstract").map(squash_ws);
        r.subjects = get("primary_topic.display_name").map(|t| vec![t.to_string()]).unwrap_or_default();
        r.language = get("language").and_then(super::language::language);
        r.doc_type = get("type").and_then(table::doc_type);
        r.times_cited = get("cited_by_count").and_then(|c| c.parse().ok());
        r.mark_missing();
        parsed.records.push(r);
    }
    parsed
}

fn bars(v: Option<&str>) -> Vec<String> {
    v.map(|s| s.split('|').map(|t| t.trim().to_string()).collect()).unwrap_or_default()
}
