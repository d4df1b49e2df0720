//! MEDLINE / PubMed `.nbib` reader (`PMID- 123` ... blank line).
//!
//! Tags are four columns wide (`PMID-`, `AU  -`, `FAU -`, `AUID-`) and long
//! values wrap onto lines indented by six spaces (wrapped `AB`, `AD` and `MH`).
//! Records start at `PMID-` and end at a blank line or the next `PMID-`. CRLF
//! line endings and a BOM are accepted.
//!
//! Author handling follows the MEDLINE conventions: `FAU` starts an author and
//! the following `AU`, `AUID` (ORCID) and `AD` lines belong to it; old exports
//! without `FAU` start an author at each `AU`; `CN` is a collective
//! (organisation) author in byline order. An `AD` before any author (older
//! exports) is kept in [`Record::affiliations`].

use super::dates;
use super::normalize::{self, lines};
use crate::model::norm::{normalize_orcid, squash_ws};
use crate::model::{Author, Diagnostic, Identifier, Parsed, Provenance, Record};

/// The format name written into [`Record::source_kind`].
pub const NAME: &str = "medline";

fn tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 5 || b[4] != b'-' || !b[0].is_ascii_uppercase() {
        return None;
    }
    let tag = line.get(..4)?.trim_end();
    if tag.is_empty() || !tag.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        return None;
    }
    if line.get(..4)?.trim_end().len() != tag.len() || tag.contains(' ') {
        return None;
    }
    let value = line.get(5..)?;
    if !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((tag, value.trim()))
}

/// True when `text` looks like MEDLINE: a `PMID- ` line among the first 20
/// non-blank lines.
pub fn sniff(text: &str) -> bool {
    lines(text)
        .map(|(_, l)| l)
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .any(|l| tag_line(l).is_some_and(|(t, v)| t == "PMID" && !v.is_empty()))
}

struct RawRecord {
    line: u32,
    fields: Vec<(String, String)>,
}

/// Reads a MEDLINE file. `input` is the label used in provenance.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    let mut raws: Vec<RawRecord> = Vec::new();
    let mut open = false;
    for (no, line) in lines(text) {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        if let Some((tag, value)) = tag_line(line) {
            if tag == "PMID" || !open {
                if tag != "PMID" {
                    diagnostics.push(Diagnostic::warning(
                        Provenance::new(input, no, None),
                        format!("record starts with {tag}, not PMID"),
                    ));
                }
                raws.push(RawRecord { line: no, fields: Vec::new() });
                open = true;
            }
            if let Some(r) = raws.last_mut() {
                r.fields.push((tag.to_string(), value.to_string()));
            }
        } else if line.starts_with(' ') || line.starts_with('\t') {
            match raws.last_mut().and_then(|r| r.fields.last_mut()).filter(|_| open) {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                None => diagnostics.push(Diagnostic::warning(
                    Provenance::new(input, no, None),
                    "continuation line outside a record: skipped",
                )),
            }
        } else {
            let key = raws.last().and_then(|r| r.fields.first()).map(|(_, v)| v.clone());
            diagnostics.push(Diagnostic::warning(
                Provenance::new(input, no, key),
                "line without a MEDLINE tag: skipped",
            ));
        }
    }
    let seen = raws.len();
    let records = raws.iter().enumerate().map(|(i, r)| to_record(input, r, i, &mut diagnostics)).collect();
    Parsed { records, diagnostics, seen }
}

fn to_record(input: &str, raw: &RawRecord, ordinal: usize, diags: &mut Vec<Diagnostic>) -> Record {
    let key = raw
        .fields
        .iter()
        .find(|(t, _)| t == "PMID")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| format!("#{}", ordinal + 1));
    let at = Provenance::new(input, raw.line, Some(key));
    let mut r = Record::new(at.clone(), NAME);
    // True while the last author came from FAU and has not had its AU yet.
    let mut fau_open = false;
    for (tag, value) in &raw.fields {
        let v = squash_ws(value);
        match tag.as_str() {
            "PMID" => {
                if let Some(id) = super::table::checked_id(Some(&v), Identifier::pmid, "PMID", &at, diags) {
                    r.add_id(id);
                }
            }
            "TI" => r.title = Some(v),
            "BTI" if r.title.is_none() => r.title = Some(v),
            "TT" => r.alt_titles.push((None, v)),
            "AB" => r.abstract_text = Some(normalize::layout_abstract(value)),
            "FAU" => {
                let a = match v.split_once(',') {
                    Some((f, g)) => Author {
                        raw: v.clone(),
                        family: f.trim().to_string(),
                        given: g.trim().to_string(),
                        ..Author::default()
                    },
                    None => Author::person(&v),
                };
                r.authors.push(a);
                fau_open = true;
            }
            "AU" => {
                if fau_open {
                    fau_open = false;
                } else {
                    r.authors.push(Author::person(&v));
                }
            }
            "CN" => {
                r.authors.push(Author::org(&v));
                fau_open = false;
            }
            "AUID" => {
                if let (Some(a), Some(o)) =
                    (r.authors.last_mut(), v.contains("ORCID").then(|| normalize_orcid(&v)))
                {
                    if o.is_some() {
                        a.set_orcid(o);
                    }
                }
            }
            "AD" => match r.authors.last_mut() {
                Some(a) => normalize::push_unique(a.affiliations_mut(), &v),
                // Older MEDLINE gives one AD before the authors: the record's.
                None => r.add_affiliation(&v),
            },
            "LID" | "AID" if v.ends_with("[doi]") => {
                let doi = Some(v.trim_end_matches("[doi]"));
                if let Some(id) = super::table::checked_id(doi, Identifier::doi, tag, &at, diags) {
                    r.add_id(id);
                }
            }
            "PMC" => {
                let digits: String = v.chars().filter(|c| c.is_ascii_digit()).collect();
                if !digits.is_empty() {
                    r.add_id(Identifier::Pmcid(format!("PMC{digits}")));
                }
            }
            "ISBN" => {
                if let Some(i) = normalize::normalize_isbn(&v) {
                    r.add_id(Identifier::Isbn(i));
                }
            }
            "IS" => {
                if let Some(i) = normalize::normalize_issn(&v) {
                    normalize::push_unique(&mut r.issn, &i);
                }
            }
            "DP" => r.published = dates::parse(&v),
            "DEP" => r.epublished = dates::parse(&v),
            "JT" => r.venue = Some(v),
            "TA" => r.venue_abbrev = Some(v),
            "VI" => r.volume = Some(v),
            "IP" => r.issue = Some(v),
            "PG" => r.pages = normalize::normalize_pages(&v),
            "LA" if r.language.is_none() => r.language = super::language::language(&v),
            "PT" => r.doc_type = normalize::merge_doc_type(r.doc_type, normalize::doc_type_from_name(&v)),
            // "*" marks a major topic; the heading itself is what matches across sources.
            "MH" => normalize::push_unique(&mut r.subjects, v.trim_start_matches('*')),
            "OT" => normalize::push_unique(&mut r.keywords, &v),
            "PB" => r.publisher = Some(v),
            _ => {}
        }
    }
    if r.venue.is_none() {
        r.venue = r.venue_abbrev.clone();
    }
    r.doc_type = normalize::refine_doc_type(r.doc_type, r.title.as_deref());
    if r.title.is_none() {
        diags.push(Diagnostic::warning(at, "record has no title"));
    }
    diags.extend(super::table::book_isbn_only(&mut r));
    r.mark_missing();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(tag_line("PMID- 36206242"), Some(("PMID", "36206242")));
        assert_eq!(tag_line("AU  - Mazurek J"), Some(("AU", "Mazurek J")));
        assert_eq!(tag_line("FAU - Mazurek, Jiří"), Some(("FAU", "Mazurek, Jiří")));
        assert_eq!(tag_line("      criteria constitute"), None);
    }

    #[test]
    fn authors_and_ids() {
        let text = "PMID- 1\nTI  - A title\n      continued.\nFAU - Smith, Jane\nAU  - Smith J\nAUID- ORCID: 0000-0002-1825-0097\nAD  - Univ X,\n      Town.\nCN  - The Study Group\nLID - 10.1/ABC [doi]\nDP  - 2022 Oct 7\n\n";
        let p = parse("m.nbib", text);
        let r = &p.records[0];
        assert_eq!(r.title.as_deref(), Some("A title continued."));
        assert_eq!(r.authors.len(), 2);
        assert_eq!(r.authors[0].given, "Jane");
        assert_eq!(r.authors[0].orcid(), Some("0000-0002-1825-0097"));
        assert_eq!(r.authors[0].affiliations(), ["Univ X, Town.".to_string()]);
        assert!(r.authors[1].is_org);
        assert_eq!(r.doi(), Some("10.1/abc"));
    }
}
