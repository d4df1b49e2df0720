//! EndNote XML reader (`<xml><records><record>...`), as written by EndNote
//! (with `<style>` runs inside every text field, one line or pretty-printed)
//! and by other tools (plain text inside elements, no `<source-app>`).
//!
//! Styled text is flattened to plain text. `ref-type name=...` gives the
//! document type; `electronic-resource-num` the DOI; `isbn` holds an ISBN or,
//! for journals, an ISSN; `rec-number` (else `label`, else the ordinal) is the
//! record key. Built on [`super::xmltree`]: broken XML keeps the records read
//! before the fault.

use super::dates;
use super::normalize;
use super::xmltree::{self, Element};
use crate::model::{Author, Diagnostic, Identifier, Parsed, Provenance, Record};

/// The format name written into [`Record::source_kind`].
pub const NAME: &str = "endnote-xml";

/// True when `text` looks like EndNote XML: `<xml>` and `<records>` near the
/// start, or a `<record>` holding `<ref-type`.
pub fn sniff(text: &str) -> bool {
    let head = normalize::head(text, 8192);
    let t = head.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<')
        && head.contains("<records>")
        && head.contains("<record>")
        && (head.contains("<xml>") || head.contains("<ref-type"))
}

/// Reads an EndNote XML file. `input` is the label used in provenance.
pub fn parse(input: &str, text: &str) -> Parsed {
    let (root, fault) = xmltree::parse(text);
    let mut parsed = Parsed::default();
    let mut records = Vec::new();
    root.descendants("record", &mut records);
    parsed.seen = records.len();
    for (i, rec) in records.iter().enumerate() {
        parsed.records.push(to_record(input, rec, i, &mut parsed.diagnostics));
    }
    if let Some(f) = fault {
        let key = parsed.records.last().and_then(|r| r.at.record.clone());
        parsed.diagnostics.push(Diagnostic::error(
            Provenance::with_record(input, f.line, key),
            format!("{}: kept {} record(s) read before it", f.message, parsed.records.len()),
        ));
    }
    parsed
}

fn to_author(name: &str) -> Option<Author> {
    let t = name.trim();
    if t.is_empty() {
        return None;
    }
    // EndNote marks corporate authors with a trailing comma ("NICE,").
    if let Some(org) = t.strip_suffix(',') {
        return Some(Author::org(org));
    }
    if !t.contains(',') && normalize::looks_like_org(t) {
        return Some(Author::org(t));
    }
    Some(Author::person(t))
}

fn to_record(input: &str, rec: &Element, ordinal: usize, diags: &mut Vec<Diagnostic>) -> Record {
    let key = rec
        .text_at(&["rec-number"])
        .or_else(|| rec.text_at(&["label"]))
        .unwrap_or_else(|| format!("#{}", ordinal + 1));
    let at = Provenance::new(input, rec.line, Some(key));
    let mut r = Record::new(at.clone(), NAME);
    let ref_type = rec.child("ref-type").and_then(|t| t.attr("name").map(str::to_string));
    r.doc_type = ref_type.as_deref().and_then(normalize::doc_type_from_name);
    if let Some(authors) = rec.path(&["contributors", "authors"]) {
        r.authors = authors.children_named("author").filter_map(|a| to_author(&a.text())).collect();
    }
    r.title = rec.text_at(&["titles", "title"]);
    r.venue = rec
        .text_at(&["periodical", "full-title"])
        .or_else(|| rec.text_at(&["titles", "secondary-title"]))
        .or_else(|| rec.text_at(&["titles", "tertiary-title"]));
    r.venue_abbrev = rec.text_at(&["periodical", "abbr-1"]).or_else(|| rec.text_at(&["titles", "alt-title"]));
    if r.venue.is_none() {
        r.venue = r.venue_abbrev.clone();
    }
    r.pages = rec.text_at(&["pages"]).and_then(|p| normalize::normalize_pages(&p));
    r.volume = rec.text_at(&["volume"]);
    r.issue = rec.text_at(&["number"]).or_else(|| rec.text_at(&["issue"]));
    r.publisher = rec.text_at(&["publisher"]);
    let year = rec.text_at(&["dates", "year"]).and_then(|y| dates::parse(&y));
    let pub_date = rec.text_at(&["dates", "pub-dates", "date"]).and_then(|d| dates::parse(&d));
    r.published = match (year, pub_date) {
        (Some(y), Some(d)) if d.year == y.year => Some(d),
        (Some(y), _) => {
            // "pub-dates" often holds only "Mar 12" without a year.
            let mut y = y;
            if let Some(d) = rec.text_at(&["dates", "pub-dates", "date"]) {
                let mut toks = d.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty());
                y.month = toks.next().and_then(dates::month_number);
                y.day =
                    y.month.and(toks.next().and_then(|t| t.parse().ok()).filter(|n| (1..=31).contains(n)));
            }
            Some(y)
        }
        (None, d) => d,
    };
    if let Some(doi) = rec.text_at(&["electronic-resource-num"]).and_then(|d| Identifier::doi(&d)) {
        r.add_id(doi);
    }
    if r.doi().is_none() {
        let mut urls = Vec::new();
        rec.descendants("url", &mut urls);
        if let Some(d) =
            urls.iter().map(|u| u.text()).filter(|u| u.contains("doi.org/")).find_map(|u| Identifier::doi(&u))
        {
            r.add_id(d);
        }
    }
    if let Some(isbn) = rec.text_at(&["isbn"]) {
        for part in isbn.split(['\r', '\n', ';']) {
            let n = part.chars().filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x').count();
            if n >= 10 {
                if let Some(i) = normalize::normalize_isbn(part) {
                    r.add_id(Identifier::Isbn(i));
                }
            } else if let Some(i) = normalize::normalize_issn(part) {
                normalize::push_unique(&mut r.issn, &i);
            }
        }
    }
    if let Some(acc) = rec.text_at(&["accession-num"]) {
        let db =
            rec.text_at(&["remote-database-provider"]).or_else(|| rec.text_at(&["remote-database-name"]));
        let pubmed = db.as_deref().is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            d.contains("pubmed") || d.contains("nlm") || d.contains("medline")
        });
        if pubmed || (acc.bytes().all(|b| b.is_ascii_digit()) && acc.len() <= 9) {
            if let Some(p) = Identifier::pmid(&acc) {
                r.add_id(p);
            }
        } else if let Some(ut) = acc.strip_prefix("WOS:") {
            r.add_id(Identifier::Wos(format!("WOS:{ut}")));
        } else {
            r.add_id(Identifier::Other(format!("accession:{acc}")));
        }
    }
    r.abstract_text = rec.text_at(&["abstract"]).map(|a| normalize::layout_abstract(&a));
    if let Some(kws) = rec.child("keywords") {
        for k in kws.children_named("keyword") {
            for part in k.text().split(';') {
                normalize::push_unique(&mut r.keywords, part);
            }
        }
    }
    r.language = rec.text_at(&["language"]).and_then(|l| super::language::language(&l));
    if let Some(w) = rec.text_at(&["work-type"]) {
        r.doc_type = normalize::merge_doc_type(r.doc_type, normalize::doc_type_from_name(&w));
    }
    r.doc_type = normalize::refine_doc_type(r.doc_type, r.title.as_deref());
    r.times_cited = rec.text_at(&["notes"]).and_then(|n| normalize::times_cited(&n));
    if r.title.is_none() {
        diags.push(Diagnostic::warning(at, "record has no title"));
    }
    diags.extend(super::table::book_isbn_only(&mut r));
    r.mark_missing();
    r
}
