//! CSL-JSON writer for handing a deduplicated corpus to Zotero, pandoc and
//! other citation processors.
//!
//! Each record becomes one item with `id`, `type` (plus `genre` for review
//! kinds, guidelines, editorials and preprints), `title`,
//! `author` (`{family, given}` or `{literal}` for organisations), `issued`
//! `date-parts`, `container-title`, `container-title-short`, `volume`,
//! `issue`, `page`, `DOI`, `PMID`, `PMCID`, `ISSN`, `ISBN`, `publisher`,
//! `abstract`, `keyword` and `language`. Keys are sorted and the output is
//! pretty-printed, so the same records always give the same bytes. The mapping
//! of one record is [`record_item`].

use crate::model::{DocType, Identifier, Record};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::io::{self, Write};

/// The CSL `type` and optional `genre` for a document type.
pub fn csl_type(t: Option<DocType>) -> (&'static str, Option<&'static str>) {
    match t {
        None | Some(DocType::Article) => ("article-journal", None),
        Some(DocType::Review) => ("article-journal", Some("review")),
        Some(DocType::SystematicReview) => ("article-journal", Some("systematic review")),
        Some(DocType::MetaAnalysis) => ("article-journal", Some("meta-analysis")),
        Some(DocType::Editorial) => ("article-journal", Some("editorial")),
        Some(DocType::Guideline) => ("report", Some("guideline")),
        Some(DocType::Book) => ("book", None),
        Some(DocType::Chapter) => ("chapter", None),
        Some(DocType::Conference) => ("paper-conference", None),
        Some(DocType::Report) => ("report", None),
        Some(DocType::Thesis) => ("thesis", None),
        Some(DocType::Preprint) => ("article", Some("preprint")),
        Some(DocType::Other) => ("document", None),
    }
}

/// One record as a CSL-JSON item with the given `id`.
pub fn record_item(r: &Record, id: &str) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.to_string(), v);
        }
    };
    let (ty, genre) = csl_type(r.doc_type);
    put("id", Some(json!(id)));
    put("type", Some(json!(ty)));
    put("genre", genre.map(|g| json!(g)));
    put("title", r.title.as_ref().map(|t| json!(t)));
    if !r.authors.is_empty() {
        let authors: Vec<Value> = r
            .authors
            .iter()
            .map(|a| {
                if a.is_org {
                    json!({ "literal": a.family })
                } else if a.given.is_empty() {
                    json!({ "family": a.family })
                } else {
                    json!({ "family": a.family, "given": a.given })
                }
            })
            .collect();
        put("author", Some(Value::Array(authors)));
    }
    let date_parts = |d: &crate::model::Date| {
        let mut parts = vec![json!(d.year)];
        if let Some(mo) = d.month {
            parts.push(json!(mo));
            if let Some(day) = d.day {
                parts.push(json!(day));
            }
        }
        json!({ "date-parts": [parts] })
    };
    put("issued", r.published.or(r.epublished).as_ref().map(date_parts));
    put("published-online", r.epublished.as_ref().filter(|_| r.published.is_some()).map(date_parts));
    put("container-title", r.venue.as_ref().map(|v| json!(v)));
    put("container-title-short", r.venue_abbrev.as_ref().map(|v| json!(v)));
    put("volume", r.volume.as_ref().map(|v| json!(v)));
    put("issue", r.issue.as_ref().map(|v| json!(v)));
    put("page", r.pages.as_ref().map(|v| json!(v)));
    put("publisher", r.publisher.as_ref().map(|v| json!(v)));
    let first = |f: fn(&Identifier) -> Option<&String>| r.ids.iter().find_map(f).map(|v| json!(v));
    put("DOI", first(|i| if let Identifier::Doi(v) = i { Some(v) } else { None }));
    put("PMID", first(|i| if let Identifier::Pmid(v) = i { Some(v) } else { None }));
    put("PMCID", first(|i| if let Identifier::Pmcid(v) = i { Some(v) } else { None }));
    let isbns: Vec<&str> = r
        .ids
        .iter()
        .filter_map(|i| if let Identifier::Isbn(v) = i { Some(v.as_str()) } else { None })
        .collect();
    put("ISBN", (!isbns.is_empty()).then(|| json!(isbns.join(" "))));
    put("ISSN", (!r.issn.is_empty()).then(|| json!(r.issn.join(", "))));
    put("abstract", r.abstract_text.as_ref().map(|v| json!(v)));
    if !r.keywords.is_empty() {
        // CSL `keyword` is one string; use "; " when a keyword holds a comma.
        let sep = if r.keywords.iter().any(|k| k.contains(',')) { "; " } else { ", " };
        put("keyword", Some(json!(r.keywords.join(sep))));
    }
    put("language", r.language.as_ref().map(|v| json!(v)));
    Value::Object(m)
}

/// Writes `records` as a CSL-JSON array. Item ids are the records' keys
/// (`at.record`), made unique with a `-2`, `-3` ... suffix, or `item-N` when a
/// record has no key.
pub fn write(records: &[Record], w: &mut dyn Write) -> io::Result<()> {
    write_noted(records, &[], w)
}

/// Like [`write`], with `notes[i]` (when given) as the `note` of item `i`.
pub fn write_noted(records: &[Record], notes: &[Option<String>], w: &mut dyn Write) -> io::Result<()> {
    let mut used = BTreeSet::new();
    let mut items = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let base = r.at.record.as_deref().map_or_else(|| format!("item-{}", i + 1), str::to_string);
        let mut id = base.clone();
        let mut n = 2;
        while used.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        used.insert(id.clone());
        let mut item = record_item(r, &id);
        if let (Some(Some(n)), Value::Object(m)) = (notes.get(i), &mut item) {
            m.insert("note".into(), json!(n));
        }
        items.push(item);
    }
    serde_json::to_writer_pretty(&mut *w, &Value::Array(items)).map_err(io::Error::other)?;
    writeln!(w)
}
