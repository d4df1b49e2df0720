//! Crossref REST API bodies: a single work (`{"status":"ok","message-type":
//! "work","message":{…}}`) and work lists (`"message-type":"work-list"`,
//! `message.items`). Failure bodies (`"status":"failed"`) give an error
//! diagnostic naming Crossref's message, never records.
//!
//! Each `reference` item becomes a [`Citation`]: structured fields (DOI,
//! author, year, article-title, journal-title, volume, first-page) where
//! deposited, else the `unstructured` string read by
//! [`refs::parse_free_text`].

use super::refs;
use super::table;
use crate::model::norm::{normalize_orcid, squash_ws, strip_tags};
use crate::model::{Author, Citation, Date, Diagnostic, Identifier, Parsed, Provenance, Record};
use serde_json::Value;

/// Format name used in `source_kind`.
pub const NAME: &str = "crossref";

/// True when `text` is a Crossref API body (`"message-type"` near the start).
pub fn sniff(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if !head.starts_with('{') {
        return false;
    }
    let mut end = head.len().min(600);
    while !head.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &head[..end];
    sample.contains("\"message-type\"") && sample.contains("\"status\"")
}

/// Reads a Crossref work or work-list body.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let body = text.trim_start_matches('\u{feff}').trim();
    let v: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => {
            let snippet: String = body.chars().take(80).collect();
            parsed.diagnostics.push(Diagnostic::error(
                Provenance::new(input, u32::try_from(e.line()).unwrap_or(0), None),
                format!("not a Crossref JSON body ({e}): {snippet}"),
            ));
            return parsed;
        }
    };
    let status = v.get("status").and_then(Value::as_str).unwrap_or("");
    let kind = v.get("message-type").and_then(Value::as_str).unwrap_or("");
    let at0 = Provenance::new(input, 1, None);
    if status != "ok" {
        let msg = match v.get("message") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|m| {
                    m.get("message")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| m.to_string())
                })
                .collect::<Vec<_>>()
                .join("; "),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        parsed.diagnostics.push(Diagnostic::error(
            at0,
            format!(
                "Crossref API error response ({} {kind}): {msg}",
                if status.is_empty() { "no status" } else { status }
            ),
        ));
        return parsed;
    }
    let Some(message) = v.get("message") else {
        parsed.diagnostics.push(Diagnostic::error(at0, "Crossref body without message"));
        return parsed;
    };
    match kind {
        "work" => {
            parsed.seen = 1;
            parsed.records.push(work(input, message, 0, 1));
        }
        "work-list" => {
            let items = message.get("items").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            if items.is_empty() {
                parsed
                    .diagnostics
                    .push(Diagnostic::info(at0, "Crossref work list with no items (end of paging)"));
            }
            let mut cursor = 0;
            parsed.seen = items.len();
            for (n, item) in items.iter().enumerate() {
                let line = s(item, "DOI")
                    .and_then(|d| table::locate_json_value(text, "DOI", d, &mut cursor))
                    .unwrap_or(1);
                parsed.records.push(work(input, item, n, line));
            }
        }
        other => parsed
            .diagnostics
            .push(Diagnostic::error(at0, format!("Crossref message type {other:?} holds no works: skipped"))),
    }
    parsed
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    match v.get(key)? {
        Value::String(s) => Some(s.as_str()).filter(|s| !s.trim().is_empty()),
        Value::Array(a) => a.first().and_then(Value::as_str).filter(|s| !s.trim().is_empty()),
        _ => None,
    }
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// `{"date-parts": [[2012, 3, 21]]}` -> a date.
fn date(v: &Value, key: &str) -> Option<Date> {
    let parts = v.get(key)?.get("date-parts")?.get(0)?.as_array()?;
    let year = i32::try_from(parts.first()?.as_i64()?).ok()?;
    let month = parts
        .get(1)
        .and_then(Value::as_u64)
        .and_then(|m| u8::try_from(m).ok())
        .filter(|m| (1..=12).contains(m));
    let day = parts
        .get(2)
        .and_then(Value::as_u64)
        .and_then(|d| u8::try_from(d).ok())
        .filter(|d| (1..=31).contains(d));
    Some(Date { year, month, day })
}

fn work(input: &str, m: &Value, n: usize, line: u32) -> Record {
    let doi = s(m, "DOI").and_then(Identifier::doi);
    let key = doi.as_ref().map(|d| d.value().to_string()).unwrap_or_else(|| format!("item {}", n + 1));
    let at = Provenance::new(input, line, Some(key.clone()));
    let mut r = Record::new(at.clone(), NAME);
    if let Some(d) = doi {
        r.add_id(d);
    }
    r.title = s(m, "title").map(|t| squash_ws(&strip_tags(t)));
    if let Some(sub) = s(m, "subtitle") {
        r.alt_titles.push((None, squash_ws(sub)));
    }
    for a in m.get("author").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]) {
        let mut au = match (s(a, "family"), s(a, "given"), s(a, "name")) {
            (Some(f), g, _) => {
                let raw = match g {
                    Some(g) => format!("{f}, {g}"),
                    None => f.to_string(),
                };
                Author {
                    raw,
                    family: f.trim().to_string(),
                    given: g.unwrap_or("").trim().to_string(),
                    ..Author::default()
                }
            }
            (None, _, Some(name)) => Author::org(name),
            _ => continue,
        };
        au.set_orcid(s(a, "ORCID").and_then(normalize_orcid));
        for aff in a.get("affiliation").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(name) = s(aff, "name") {
                au.affiliations_mut().push(name.to_string());
            }
        }
        r.authors.push(au);
    }
    r.venue = s(m, "container-title").map(str::to_string);
    r.venue_abbrev = s(m, "short-container-title").map(str::to_string);
    r.issn = strings(m, "ISSN");
    r.publisher = s(m, "publisher").map(str::to_string);
    r.volume = s(m, "volume").map(str::to_string);
    r.issue = s(m, "issue").map(str::to_string);
    r.pages = s(m, "page").or_else(|| s(m, "article-number")).map(str::to_string);
    r.published = date(m, "published-print").or_else(|| date(m, "issued")).or_else(|| date(m, "published"));
    r.epublished = date(m, "published-online");
    r.abstract_text = s(m, "abstract").map(|a| squash_ws(&strip_tags(a))).filter(|a| !a.is_empty());
    r.subjects = strings(m, "subject");
    r.language = s(m, "language").and_then(super::language::language);
    r.doc_type = s(m, "type").and_then(table::doc_type);
    r.times_cited = m.get("is-referenced-by-count").and_then(Value::as_u64);
    for item in m.get("reference").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]) {
        r.citations.push(reference(item, Provenance::new(input, line, Some(key.clone()))));
    }
    r.mark_missing();
    r
}

/// One Crossref `reference` item.
fn reference(item: &Value, at: Provenance) -> Citation {
    let mut c = match s(item, "unstructured") {
        Some(u) => refs::parse_free_text(&strip_tags(u), at),
        None => Citation { count: 1, at, ..Citation::default() },
    };
    if let Some(d) = s(item, "DOI").and_then(Identifier::doi) {
        c.ids.retain(|i| !matches!(i, Identifier::Doi(_)));
        c.ids.insert(0, d);
    }
    if let Some(a) = s(item, "author") {
        let first = Author::person(a);
        if !first.family.is_empty() {
            if c.authors.is_empty() {
                c.authors.push(first);
            } else {
                c.authors[0] = first;
            }
        }
    }
    if let Some(y) = s(item, "year") {
        let digits: String = y.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(year) = digits.parse::<i32>() {
            c.year = Some(year);
            let suffix: String =
                y.chars().skip(digits.len()).filter(char::is_ascii_lowercase).take(2).collect();
            c.detail_mut().year_suffix = suffix;
        }
    }
    if let Some(t) = s(item, "article-title").or_else(|| s(item, "volume-title")) {
        c.detail_mut().title = Some(squash_ws(t));
    }
    if let Some(j) = s(item, "journal-title").or_else(|| s(item, "series-title")) {
        c.detail_mut().venue = Some(squash_ws(j));
    }
    if let Some(v) = s(item, "volume") {
        c.detail_mut().volume = Some(v.to_string());
    }
    if let Some(i) = s(item, "issue") {
        c.detail_mut().issue = Some(i.to_string());
    }
    if let Some(p) = s(item, "first-page") {
        c.detail_mut().first_page = Some(p.to_string());
    }
    if c.raw.is_empty() {
        let parts: Vec<String> = [
            s(item, "author").map(str::to_string),
            c.year.map(|y| y.to_string()),
            c.detail().title.clone(),
            c.detail().venue.clone(),
            c.detail().volume.clone(),
            c.detail().first_page.clone(),
            s(item, "DOI").map(|d| format!("doi:{d}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        c.raw = if parts.is_empty() { s(item, "key").unwrap_or("").to_string() } else { parts.join(", ") };
    }
    c
}
