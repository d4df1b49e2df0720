//! Semantic Scholar Graph API bodies: paper objects (with `references` and
//! `citations` when requested), batch arrays (`null` for papers not found),
//! search pages (`{"data": [paper…]}`), reference pages (`{"data":
//! [{"citedPaper": …}]}`) and citation pages (`{"data": [{"citingPaper": …}]}`).
//!
//! A reference or citation page does not name the paper it belongs to; when
//! the input label is the request URL (`…/paper/<id>/references?…`) that
//! paper is taken from it, so the edges are kept. Otherwise the listed papers
//! are read as records and a note says the edges need the URL. Error bodies
//! (`{"error": …}`) give an error diagnostic. A paper's inline `citations`
//! (the papers citing it) become records of their own, each citing it.

use super::dates;
use super::table;
use crate::model::norm::squash_ws;
use crate::model::{
    Author, Citation, CitationDetail, Date, Diagnostic, Identifier, Parsed, Provenance, Record,
};
use serde_json::Value;

/// Format name used in `source_kind`.
pub const NAME: &str = "semantic-scholar";

/// True when `text` is a Semantic Scholar body (paper objects, pages or a batch).
pub fn sniff(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if !(head.starts_with('{') || head.starts_with('[')) {
        return false;
    }
    let mut end = head.len().min(2048);
    while !head.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &head[..end];
    sample.contains("\"paperId\"")
        || sample.contains("\"citedPaper\"")
        || sample.contains("\"citingPaper\"")
        || (sample.starts_with("{\"error\"") && !sample.contains("\"message\""))
}

/// Reads a Semantic Scholar API body.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let body = text.trim_start_matches('\u{feff}').trim();
    let at0 = Provenance::new(input, 1, None);
    let v: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => {
            parsed.diagnostics.push(Diagnostic::error(
                Provenance::new(input, u32::try_from(e.line()).unwrap_or(0), None),
                format!("not valid JSON: {e}"),
            ));
            return parsed;
        }
    };
    match &v {
        Value::Array(items) => {
            let mut cursor = 0;
            for (n, item) in items.iter().enumerate() {
                if item.is_null() {
                    parsed.diagnostics.push(Diagnostic::info(
                        Provenance::new(input, 1, Some(format!("batch item {}", n + 1))),
                        "paper not found (null in batch response)",
                    ));
                } else {
                    let line = locate(text, item, &mut cursor);
                    push_paper(input, item, n, line, &mut parsed);
                }
            }
        }
        Value::Object(obj) => {
            if let Some(err) = obj.get("error") {
                let msg = err.as_str().map(str::to_string).unwrap_or_else(|| err.to_string());
                parsed
                    .diagnostics
                    .push(Diagnostic::error(at0, format!("Semantic Scholar API error response: {msg}")));
            } else if let Some(Value::Array(data)) = obj.get("data") {
                page(input, text, data, &mut parsed);
            } else if obj.contains_key("paperId") || obj.contains_key("externalIds") {
                push_paper(input, &v, 0, 1, &mut parsed);
            } else {
                parsed
                    .diagnostics
                    .push(Diagnostic::error(at0, "JSON object holds no Semantic Scholar papers: skipped"));
            }
        }
        _ => parsed
            .diagnostics
            .push(Diagnostic::error(at0, "JSON value holds no Semantic Scholar papers: skipped")),
    }
    parsed
}

/// A `data` page of papers, cited papers or citing papers.
fn page(input: &str, text: &str, data: &[Value], parsed: &mut Parsed) {
    let mut cursor = 0;
    let at0 = Provenance::new(input, 1, None);
    let owner = owner_from_url(input);
    if data.is_empty() {
        parsed.diagnostics.push(Diagnostic::info(at0, "empty data page (end of paging)"));
        return;
    }
    let cited = data.iter().any(|d| d.get("citedPaper").is_some());
    let citing = data.iter().any(|d| d.get("citingPaper").is_some());
    if cited {
        let items: Vec<&Value> = data.iter().filter_map(|d| d.get("citedPaper")).collect();
        match owner {
            Some(ids) => {
                let key = ids.first().map(|i| i.to_string()).unwrap_or_default();
                let at = Provenance::new(input, 1, Some(key.clone()));
                let mut r = Record::new(at.clone(), NAME);
                r.ids = ids;
                for item in items {
                    r.citations.push(citation(item, at.clone()));
                }
                r.mark_missing();
                parsed.records.push(r);
                parsed.seen += 1;
            }
            None => {
                parsed.diagnostics.push(Diagnostic::info(
                    at0,
                    "reference page without the citing paper (give the request URL as input label to keep the edges): cited papers read as records",
                ));
                for (n, item) in items.into_iter().enumerate() {
                    let line = locate(text, item, &mut cursor);
                    parsed.records.push(paper(input, item, n, line));
                    parsed.seen += 1;
                }
            }
        }
    } else if citing {
        if owner.is_none() {
            parsed.diagnostics.push(Diagnostic::info(
                at0,
                "citation page without the cited paper (give the request URL as input label to keep the edges): citing papers read as records",
            ));
        }
        for (n, item) in data.iter().filter_map(|d| d.get("citingPaper")).enumerate() {
            let line = locate(text, item, &mut cursor);
            let mut r = paper(input, item, n, line);
            if let Some(ids) = &owner {
                r.citations.push(Citation {
                    raw: ids.first().map(|i| i.to_string()).unwrap_or_default(),
                    ids: ids.as_slice().into(),
                    count: 1,
                    at: r.at.clone(),
                    ..Citation::default()
                });
            }
            parsed.records.push(r);
            parsed.seen += 1;
        }
    } else if data.iter().any(|d| d.get("paperId").is_some()) {
        for (n, item) in data.iter().enumerate() {
            let line = locate(text, item, &mut cursor);
            push_paper(input, item, n, line, parsed);
        }
    } else {
        parsed
            .diagnostics
            .push(Diagnostic::error(at0, "data page holds no papers (an author list?): skipped"));
    }
}

/// Line of a paper object's `"paperId"` in `text` (1 when not found).
fn locate(text: &str, p: &Value, cursor: &mut usize) -> u32 {
    s(p, "paperId").and_then(|id| table::locate_json_value(text, "paperId", id, cursor)).unwrap_or(1)
}

/// The paper named in a request URL `…/paper/<id>/references` or `/citations`.
fn owner_from_url(input: &str) -> Option<Vec<Identifier>> {
    let pos = input.find("/paper/")? + "/paper/".len();
    let rest = input.get(pos..)?;
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = rest.get(..end)?;
    let id = path.strip_suffix("/references").or_else(|| path.strip_suffix("/citations"))?;
    id_from_spec(id).map(|i| vec![i])
}

/// An S2 paper id spec (`10.x/y`, `DOI:…`, `CorpusID:N`, `PMID:N`, `ARXIV:…`, 40 hex).
fn id_from_spec(spec: &str) -> Option<Identifier> {
    let (scheme, val) = spec.split_once(':').unwrap_or(("", spec));
    match scheme.to_ascii_uppercase().as_str() {
        "DOI" => Identifier::doi(val),
        "CORPUSID" => Some(Identifier::S2(format!("CorpusId:{val}"))),
        "PMID" => Identifier::pmid(val),
        "ARXIV" => Some(Identifier::Arxiv(val.to_string())),
        "PMCID" => Some(Identifier::Pmcid(val.to_ascii_uppercase())),
        _ if spec.starts_with("10.") => Identifier::doi(spec),
        _ if spec.len() == 40 && spec.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(Identifier::S2(spec.to_ascii_lowercase()))
        }
        _ => None,
    }
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn id_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Identifiers of a paper object: paperId, DOI, PubMed, PMC, arXiv, MAG, CorpusId.
fn ids_of(p: &Value) -> Vec<Identifier> {
    let mut ids = Vec::new();
    if let Some(id) = s(p, "paperId") {
        ids.push(Identifier::S2(id.to_ascii_lowercase()));
    }
    if let Some(ext) = p.get("externalIds").and_then(Value::as_object) {
        let mut push = |id: Option<Identifier>| {
            if let Some(id) = id {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        };
        push(ext.get("DOI").and_then(id_value).and_then(|d| Identifier::doi(&d)));
        push(ext.get("PubMed").and_then(id_value).and_then(|d| Identifier::pmid(&d)));
        push(ext.get("PubMedCentral").and_then(id_value).map(|d| {
            let digits: String = d.chars().filter(char::is_ascii_digit).collect();
            Identifier::Pmcid(format!("PMC{digits}"))
        }));
        push(ext.get("ArXiv").and_then(id_value).map(Identifier::Arxiv));
        push(ext.get("MAG").and_then(id_value).map(|m| Identifier::Other(format!("mag:{m}"))));
        push(ext.get("CorpusId").and_then(id_value).map(|c| Identifier::S2(format!("CorpusId:{c}"))));
    }
    ids
}

fn authors_of(p: &Value) -> Vec<Author> {
    let mut out = Vec::new();
    for a in p.get("authors").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(name) = s(a, "name") {
            let mut au = Author::person(name);
            au.set_source_id(a.get("authorId").and_then(id_value));
            out.push(au);
        }
    }
    out
}

fn venue_of(p: &Value) -> Option<String> {
    s(p, "venue")
        .or_else(|| p.get("publicationVenue").and_then(|v| s(v, "name")))
        .or_else(|| p.get("journal").and_then(|j| s(j, "name")))
        .map(str::to_string)
}

/// A paper object as a record, and each paper in its inline `citations`
/// (papers citing it) as a record of its own that cites it, so those
/// citing edges are kept.
fn push_paper(input: &str, p: &Value, n: usize, line: u32, parsed: &mut Parsed) {
    let r = paper(input, p, n, line);
    let citing: &[Value] = p.get("citations").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    parsed.seen += 1 + citing.len();
    let mut extra = Vec::new();
    let dropped = |k: usize, why: &str, parsed: &mut Parsed| {
        parsed.diagnostics.push(Diagnostic::warning(
            Provenance::new(
                input,
                line,
                Some(format!("citing paper {} of {}", k + 1, r.at.record.clone().unwrap_or_default())),
            ),
            format!("{why}: record dropped"),
        ));
    };
    for (k, item) in citing.iter().enumerate() {
        if item.is_null() || !item.is_object() {
            dropped(k, "citing paper is not an object", parsed);
            continue;
        }
        let mut c = paper(input, item, k, line);
        if c.ids.is_empty() && c.title.is_none() {
            dropped(k, "citing paper has no id and no title", parsed);
            continue;
        }
        c.at.record = Some(
            format!(
                "{} cites {}",
                c.at.record.as_deref().unwrap_or_default(),
                r.at.record.as_deref().unwrap_or_default()
            )
            .into(),
        );
        c.citations.push(Citation {
            raw: r.title.clone().or_else(|| r.ids.first().map(ToString::to_string)).unwrap_or_default(),
            authors: r.authors.clone(),
            year: r.published.map(|d| d.year),
            detail: CitationDetail {
                title: r.title.clone(),
                venue: r.venue.clone(),
                volume: r.volume.clone(),
                ..CitationDetail::default()
            }
            .boxed(),
            ids: r.ids.as_slice().into(),
            count: 1,
            at: c.at.clone(),
            ..Citation::default()
        });
        extra.push(c);
    }
    parsed.records.push(r);
    parsed.records.extend(extra);
}

/// A paper object as a record; its `references` as citations (its inline
/// `citations` are read by [`push_paper`]).
fn paper(input: &str, p: &Value, n: usize, line: u32) -> Record {
    let ids = ids_of(p);
    let key = ids.first().map(|i| i.value().to_string()).unwrap_or_else(|| format!("paper {}", n + 1));
    let at = Provenance::new(input, line, Some(key));
    let mut r = Record::new(at.clone(), NAME);
    r.ids = ids;
    r.title = s(p, "title").map(squash_ws);
    r.authors = authors_of(p);
    r.abstract_text = s(p, "abstract").map(squash_ws);
    r.venue = venue_of(p);
    if let Some(j) = p.get("journal") {
        r.volume = s(j, "volume").map(str::to_string);
        r.pages = s(j, "pages").map(|x| x.split_whitespace().collect::<String>());
    }
    if let Some(issn) = p.get("publicationVenue").and_then(|v| s(v, "issn")) {
        r.issn.push(issn.to_string());
    }
    r.published = s(p, "publicationDate").and_then(dates::parse).or_else(|| {
        p.get("year").and_then(Value::as_i64).and_then(|y| i32::try_from(y).ok()).map(Date::year)
    });
    let types: Vec<&str> = p
        .get("publicationTypes")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    r.doc_type = table::doc_type(&types.join(";"));
    for f in p.get("fieldsOfStudy").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(f) = f.as_str() {
            if !r.subjects.iter().any(|x| x == f) {
                r.subjects.push(f.to_string());
            }
        }
    }
    for f in p.get("s2FieldsOfStudy").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(c) = s(f, "category") {
            if !r.subjects.iter().any(|x| x == c) {
                r.subjects.push(c.to_string());
            }
        }
    }
    r.times_cited = p.get("citationCount").and_then(Value::as_u64);
    for item in p.get("references").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]) {
        if !item.is_null() {
            r.citations.push(citation(item, at.clone()));
        }
    }
    r.mark_missing();
    r
}

/// A cited paper object as a [`Citation`].
fn citation(p: &Value, at: Provenance) -> Citation {
    let ids = ids_of(p);
    let title = s(p, "title").map(squash_ws);
    let raw = title.clone().or_else(|| ids.first().map(|i| i.to_string())).unwrap_or_default();
    Citation {
        raw,
        authors: authors_of(p),
        year: p.get("year").and_then(Value::as_i64).and_then(|y| i32::try_from(y).ok()),
        detail: CitationDetail {
            title,
            venue: venue_of(p),
            volume: p.get("journal").and_then(|j| s(j, "volume")).map(str::to_string),
            ..CitationDetail::default()
        }
        .boxed(),
        ids: ids.into(),
        count: 1,
        at,
        ..Citation::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_citations_become_citing_records() {
        let text = r#"{"paperId": "aaa", "externalIds": {"DOI": "10.1/a"}, "title": "Cited paper", "year": 2019,
            "citations": [{"paperId": "bbb", "title": "First citing", "year": 2021},
                          {"paperId": "ccc", "externalIds": {"DOI": "10.1/c"}, "title": "Second citing"},
                          {"paperId": null, "title": null}]}"#;
        let p = parse("s2.json", text);
        assert_eq!(p.records.len(), 3);
        for r in &p.records[1..] {
            assert_eq!(r.citations.len(), 1);
            assert!(r.citations[0].ids.contains(&Identifier::Doi("10.1/a".into())));
        }
        assert_eq!(p.seen, 4);
        let dropped: Vec<_> =
            p.diagnostics.iter().filter(|d| d.message.ends_with("record dropped")).collect();
        assert_eq!(dropped.len(), 1, "{:?}", p.diagnostics);
        assert_eq!(dropped[0].at.record.as_deref(), Some("citing paper 3 of aaa"));
    }
}
