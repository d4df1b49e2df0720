//! Web of Science tagged plain text (`FN`/`VR` header, `PT` … `ER` records,
//! `EF` trailer), as exported by "Export → Plain text file" with cited
//! references.
//!
//! Each line is a two-character tag, a space and a value; continuation lines
//! start with three spaces. Multi-valued tags (`AU`, `AF`, `CR`, `C1`) give
//! one value per line. [`read_stream`] reads records one at a time from any
//! [`BufRead`]; [`parse`] is the in-memory form. The record builder is shared
//! with the tab-delimited reader ([`super::wos_tab`]).
//!
//! Affiliations: a `C1` address with its authors in brackets and an `RP`
//! (reprint/corresponding author) address go to those authors; a `C1` address
//! without names goes to a sole author, else to [`Record::affiliations`], as
//! does an address whose names match no author.

use super::dates;
use super::refs;
use super::table;
use crate::model::norm::{family_key, normalize_orcid, squash_ws};
use crate::model::{Author, Date, Diagnostic, Identifier, Parsed, Provenance, Record};
use std::collections::BTreeMap;
use std::io::BufRead;

/// Format name used in `source_kind`.
pub const NAME: &str = "wos";

/// Tags whose lines are separate values rather than one wrapped value.
const LIST_TAGS: [&str; 9] = ["AU", "AF", "BA", "BF", "CA", "CR", "C1", "EM", "GP"];

/// The tagged fields of one record: tag -> values, each with its line.
pub(crate) type Fields = BTreeMap<String, Vec<(u32, String)>>;

/// True when `text` looks like WoS plain text (header `FN`, or a `PT` record
/// with `ER`).
pub fn sniff(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    let first = head.lines().next().unwrap_or("");
    if first.starts_with("FN ") && (first.contains("Web of Science") || head.contains("\nPT ")) {
        return true;
    }
    first.starts_with("PT ") && (head.contains("\nER") || head.contains("\nUT "))
}

/// Reads a whole WoS plain-text export held in memory.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut records = Vec::new();
    let seen = read_stream(input, text.as_bytes(), &mut |r| records.push(r), &mut parsed.diagnostics);
    parsed.records = records;
    parsed.seen = seen.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    parsed
}

/// Reads WoS plain text record by record from `reader`, handing each record to
/// `on_record` as soon as its `ER` line is read; returns the number of records.
///
/// Memory use is bounded by the largest record. A record cut off without `ER`
/// (the next `PT` or the end of input comes first) is kept with a warning.
pub fn read_stream<R: BufRead>(
    input: &str,
    mut reader: R,
    on_record: &mut dyn FnMut(Record),
    diagnostics: &mut Vec<Diagnostic>,
) -> std::io::Result<u64> {
    let mut buf = Vec::new();
    let mut line_no: u32 = 0;
    let mut count: u64 = 0;
    let mut current: Option<(u32, Fields)> = None;
    let mut last_tag = String::new();
    let mut utf8 = super::normalize::Utf8Lines::default();
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line_no = line_no.saturating_add(1);
        let text = utf8.text(&buf, input, line_no, diagnostics);
        let mut line = text.trim_end_matches(['\n', '\r']);
        if line_no == 1 {
            line = line.trim_start_matches('\u{feff}');
        }
        if line.trim().is_empty() {
            continue;
        }
        let (tag, value) = split_tag(line);
        match tag {
            Some("PT") => {
                if let Some((start, fields)) = current.take() {
                    diagnostics.push(Diagnostic::warning(
                        Provenance::new(input, start, Some(record_key(&fields, count))),
                        "record ends without ER: kept",
                    ));
                    count += 1;
                    emit(input, start, &fields, count, NAME, on_record, diagnostics);
                }
                let mut f = Fields::new();
                f.insert("PT".into(), vec![(line_no, value.to_string())]);
                current = Some((line_no, f));
                last_tag = "PT".into();
            }
            Some("ER") => match current.take() {
                Some((start, fields)) => {
                    count += 1;
                    emit(input, start, &fields, count, NAME, on_record, diagnostics);
                }
                None => diagnostics.push(Diagnostic::warning(
                    Provenance::new(input, line_no, None),
                    "ER without a record: ignored",
                )),
            },
            Some("FN" | "VR" | "EF") if current.is_none() => {}
            Some(t) => match current.as_mut() {
                Some((_, fields)) => {
                    fields.entry(t.to_string()).or_default().push((line_no, value.to_string()));
                    last_tag = t.to_string();
                }
                None => diagnostics.push(Diagnostic::warning(
                    Provenance::new(input, line_no, None),
                    format!("field {t} outside a record (no PT line): ignored"),
                )),
            },
            None => {
                // Continuation line.
                if let Some((_, fields)) = current.as_mut() {
                    if let Some(vals) = fields.get_mut(&last_tag) {
                        let v = line.trim();
                        if LIST_TAGS.contains(&last_tag.as_str()) {
                            vals.push((line_no, v.to_string()));
                        } else if let Some(last) = vals.last_mut() {
                            last.1.push(' ');
                            last.1.push_str(v);
                        }
                    }
                }
            }
        }
    }
    if let Some((start, fields)) = current.take() {
        diagnostics.push(Diagnostic::warning(
            Provenance::new(input, start, Some(record_key(&fields, count))),
            "input ends inside a record (no ER): kept",
        ));
        count += 1;
        emit(input, start, &fields, count, NAME, on_record, diagnostics);
    }
    Ok(count)
}

fn emit(
    input: &str,
    start: u32,
    fields: &Fields,
    n: u64,
    kind: &str,
    on_record: &mut dyn FnMut(Record),
    diagnostics: &mut Vec<Diagnostic>,
) {
    on_record(build_record(input, start, fields, n, kind, diagnostics));
}

/// `"AU Toh, ML"` -> (`AU`, `Toh, ML`); continuation lines give no tag.
fn split_tag(line: &str) -> (Option<&str>, &str) {
    let b = line.as_bytes();
    let is_tag = b.len() >= 2
        && b[0].is_ascii_uppercase()
        && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
        && (b.len() == 2 || b[2] == b' ');
    if is_tag {
        (line.get(..2), line.get(3..).unwrap_or("").trim())
    } else {
        (None, line)
    }
}

/// The record key: UT, else DOI, else its ordinal.
pub(crate) fn record_key(fields: &Fields, n: u64) -> String {
    first(fields, "UT")
        .map(wos_id)
        .or_else(|| first(fields, "DI"))
        .unwrap_or_else(|| format!("record {}", n + 1))
}

fn wos_id(ut: String) -> String {
    let t = ut.trim();
    if t.bytes().all(|b| b.is_ascii_digit()) {
        format!("WOS:{t}")
    } else {
        t.to_string()
    }
}

/// The single value of a tag, wrapped lines joined.
fn first(fields: &Fields, tag: &str) -> Option<String> {
    let vals = fields.get(tag)?;
    let t = match vals.as_slice() {
        [(_, one)] => table::squash_cow(one).into_owned(),
        many => squash_ws(&many.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(" ")),
    };
    (!t.is_empty()).then_some(t)
}

fn items(fields: &Fields, tag: &str) -> Vec<(u32, String)> {
    fields
        .get(tag)
        .map(|v| v.iter().filter(|(_, s)| !s.trim().is_empty()).cloned().collect())
        .unwrap_or_default()
}

fn split_list(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// Builds a [`Record`] from the tagged fields of one WoS record (plain text or
/// tab-delimited); `n` is its 1-based ordinal.
pub(crate) fn build_record(
    input: &str,
    start: u32,
    fields: &Fields,
    n: u64,
    kind: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Record {
    let key = record_key(fields, n.saturating_sub(1));
    let at = Provenance::new(input, start, Some(key.clone()));
    let mut r = Record::new(at.clone(), kind);

    // Authors: full names (AF) over abbreviated (AU); group authors (CA) as organisations.
    let au = items(fields, "AU");
    let af = items(fields, "AF");
    let names = if af.len() >= au.len() && !af.is_empty() { af } else { au };
    for (_, name) in &names {
        let a = Author::person(name);
        if !a.family.is_empty() {
            r.authors.push(a);
        }
    }
    for (_, org) in items(fields, "CA").iter().chain(items(fields, "GP").iter()) {
        r.authors.push(Author::org(org));
    }
    if let Some(oi) = first(fields, "OI") {
        attach_orcids(&mut r.authors, &oi);
    }
    attach_affiliations(&mut r, &items(fields, "C1"));
    if let Some(rp) = first(fields, "RP") {
        attach_reprint_addresses(&mut r, &rp);
    }
    r.drop_tied_affiliations();

    r.title = first(fields, "TI");
    r.venue = first(fields, "SO");
    r.venue_abbrev = first(fields, "J9").or_else(|| first(fields, "JI"));
    for tag in ["SN", "EI"] {
        if let Some(s) = first(fields, tag) {
            r.issn.push(s);
        }
    }
    r.publisher = first(fields, "PU");
    r.volume = first(fields, "VL");
    r.issue = first(fields, "IS");
    r.pages = match (first(fields, "BP"), first(fields, "EP"), first(fields, "AR")) {
        (Some(b), Some(e), _) => Some(format!("{b}-{e}")),
        (Some(b), None, _) => Some(b),
        (None, _, Some(a)) => Some(a),
        _ => None,
    };
    if let Some(y) = first(fields, "PY").and_then(|y| y.trim().parse::<i32>().ok()) {
        let (month, day) = first(fields, "PD").map(|pd| month_day(&pd)).unwrap_or((None, None));
        r.published = Some(Date { year: y, month, day });
    }
    if let Some(ea) = first(fields, "EA") {
        // Early access "FEB 2026".
        let year = ea.split_whitespace().find_map(|t| t.parse::<i32>().ok().filter(|y| *y > 1000));
        if let Some(year) = year {
            r.epublished = Some(Date { year, month: first_month(&ea), day: None });
            if r.published.is_none() {
                r.published = r.epublished;
            }
        }
    }
    r.abstract_text = first(fields, "AB");
    r.keywords = first(fields, "DE").map(|s| split_list(&s)).unwrap_or_default();
    for tag in ["ID", "WC"] {
        if let Some(s) = first(fields, tag) {
            for k in split_list(&s) {
                if !r.subjects.contains(&k) {
                    r.subjects.push(k);
                }
            }
        }
    }
    r.language = first(fields, "LA").and_then(|l| super::language::language(&l));
    r.doc_type = first(fields, "DT").and_then(|d| table::doc_type(&d)).or_else(|| {
        first(fields, "PT").and_then(|p| match p.trim() {
            "J" => Some(crate::model::DocType::Article),
            "B" => Some(crate::model::DocType::Book),
            "S" | "C" => Some(crate::model::DocType::Conference),
            _ => None,
        })
    });
    r.times_cited = first(fields, "TC").or_else(|| first(fields, "Z9")).and_then(|t| t.trim().parse().ok());
    if let Some(d) =
        table::checked_id(first(fields, "DI").as_deref(), Identifier::doi, "DI", &at, diagnostics)
    {
        r.add_id(d);
    }
    if let Some(p) =
        table::checked_id(first(fields, "PM").as_deref(), Identifier::pmid, "PM", &at, diagnostics)
    {
        r.add_id(p);
    }
    if let Some(ut) = first(fields, "UT") {
        r.add_id(Identifier::Wos(wos_id(ut)));
    }

    // Cited references: one per CR line (plain text) or `; `-joined (tab).
    let crs = fields.get("CR").map(Vec::as_slice).unwrap_or(&[]);
    r.citations.reserve(crs.len());
    for (line, cr) in crs.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let cit = refs::parse_wos_cr(cr, Provenance::new(input, *line, Some(key.clone())));
        if !cit.raw.is_empty() {
            r.citations.push(cit);
        }
    }
    if let Some(nr) = first(fields, "NR").and_then(|s| s.trim().parse::<usize>().ok()) {
        if fields.contains_key("CR") && nr != r.citations.len() {
            diagnostics.push(Diagnostic::info(
                at.clone(),
                format!("NR says {nr} cited references, {} read", r.citations.len()),
            ));
        }
    }
    if r.title.is_none() && r.ids.is_empty() {
        diagnostics.push(Diagnostic::warning(at, "record without title or identifier"));
    }
    r.mark_missing();
    r
}

/// The month a WoS date field starts with: `"JUN-JUL"`, `"FEB 2026"` -> its
/// first month.
fn first_month(field: &str) -> Option<u8> {
    field.split_whitespace().next()?.split('-').next().and_then(dates::month_name)
}

/// `"JUN 15"` -> (6, 15); `"2019"` -> none; `"FAL"` -> none.
fn month_day(pd: &str) -> (Option<u8>, Option<u8>) {
    let mut toks = pd.split_whitespace();
    let month = toks.next().and_then(first_month);
    let day = month.and(toks.next().and_then(|d| d.parse::<u8>().ok())).filter(|d| (1..=31).contains(d));
    (month, day)
}

/// `OI` is `Name/0000-…; Name/0000-…`: attach each ORCID to the author whose
/// family name and first initial match.
fn attach_orcids(authors: &mut [Author], oi: &str) {
    for entry in oi.split(';') {
        let Some((name, id)) = entry.trim().rsplit_once('/') else { continue };
        let Some(orcid) = normalize_orcid(id) else { continue };
        let who = Author::person(name);
        let fk = family_key(&who.family);
        let gi = who.given.chars().next().map(|c| c.to_lowercase().to_string()).unwrap_or_default();
        if let Some(a) = authors.iter_mut().find(|a| {
            a.orcid().is_none()
                && family_key(&a.family) == fk
                && a.given.chars().next().map(|c| c.to_lowercase().to_string()).unwrap_or_default() == gi
        }) {
            a.set_orcid(Some(orcid));
        }
    }
}

/// `C1` entries `[Toh, Ming Liang; Lee, K] Univ …` -> affiliations of those
/// authors; an address without names goes to a sole author, else (like a
/// bracketed one whose names match no author) to the record as a whole.
fn attach_affiliations(r: &mut Record, c1: &[(u32, String)]) {
    for (_, entry) in c1 {
        let entry = entry.trim();
        if let Some(rest) = entry.strip_prefix('[') {
            let Some((names, addr)) = rest.split_once(']') else { continue };
            let addr = addr.trim().trim_end_matches('.').to_string();
            if addr.is_empty() {
                continue;
            }
            let mut tied = false;
            for name in names.split(';') {
                let who = Author::person(name);
                let fk = family_key(&who.family);
                let given = who.given.to_lowercase();
                if let Some(a) = r
                    .authors
                    .iter_mut()
                    .find(|a| family_key(&a.family) == fk && a.given.to_lowercase() == given)
                {
                    tied = true;
                    if !a.affiliations().contains(&addr) {
                        a.affiliations_mut().push(addr.clone());
                    }
                }
            }
            if !tied {
                r.add_affiliation(&addr);
            }
        } else {
            let addr = entry.trim_end_matches('.').to_string();
            match r.authors.as_mut_slice() {
                [only] => {
                    if !addr.is_empty() && !only.affiliations().contains(&addr) {
                        only.affiliations_mut().push(addr);
                    }
                }
                _ => r.add_affiliation(&addr),
            }
        }
    }
}

/// `RP Loach, PA (reprint author), Northwestern Univ, …` (newer exports say
/// "corresponding author" and join several with `; `) -> the address goes to
/// the author named (family name and first initial), else to the record.
fn attach_reprint_addresses(r: &mut Record, rp: &str) {
    const MARKS: [&str; 2] = ["(reprint author)", "(corresponding author)"];
    let mark_at = |s: &str| MARKS.iter().find_map(|m| s.find(m).map(|i| (i, m.len())));
    // Re-join pieces of one address that itself contains "; ".
    let mut entries: Vec<String> = Vec::new();
    for part in rp.split("; ") {
        match entries.last_mut() {
            Some(last) if mark_at(part).is_none() => {
                last.push_str("; ");
                last.push_str(part);
            }
            _ => entries.push(part.to_string()),
        }
    }
    for entry in &entries {
        let (name, addr) = match mark_at(entry) {
            Some((i, len)) => (entry.get(..i).unwrap_or(""), entry.get(i + len..).unwrap_or("")),
            None => ("", entry.as_str()),
        };
        let addr = addr.trim().trim_start_matches(',').trim().trim_end_matches('.').trim();
        if addr.is_empty() {
            continue;
        }
        let who = Author::person(name.trim());
        let fk = family_key(&who.family);
        let initial = |g: &str| g.chars().next().map(|c| c.to_lowercase().to_string()).unwrap_or_default();
        let gi = initial(&who.given);
        let author = r
            .authors
            .iter_mut()
            .find(|a| !fk.is_empty() && !a.is_org && family_key(&a.family) == fk && initial(&a.given) == gi);
        match author {
            Some(a) => {
                if !a.affiliations().iter().any(|x| x == addr) {
                    a.affiliations_mut().push(addr.to_string());
                }
            }
            None => r.add_affiliation(addr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Over hundreds of records, records and diagnostics come in input
    /// order: each record's warning right where the reader met it.
    #[test]
    fn batches_keep_records_and_diagnostics_in_order() {
        let mut text = String::from("FN Clarivate Analytics Web of Science\nVR 1.0\n");
        for i in 0..700 {
            text.push_str(&format!("PT J\nTI Work {i}\nUT WOS:{i}\n"));
            if i % 97 != 5 {
                text.push_str("ER\n");
            }
            if i % 50 == 3 {
                text.push_str("ZZ stray field\n");
            }
        }
        let p = parse("t.txt", &text);
        assert_eq!(p.records.len(), 700);
        let titles: Vec<String> = p.records.iter().map(|r| r.title.clone().unwrap()).collect();
        assert!(titles.iter().enumerate().all(|(i, t)| *t == format!("Work {i}")));
        let lines: Vec<u32> = p.diagnostics.iter().map(|d| d.at.line).collect();
        assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
        assert_eq!(p.diagnostics.iter().filter(|d| d.message.contains("without ER")).count(), 8);
    }

    #[test]
    fn missing_er_and_continuations() {
        let text = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nAF Smith, John\nTI A long\n   title\nCR Hayes AJ, 2015, J INFANT MENT HEALTH, V36, P100\n   Lee K, 2001, NATURE, V1, P2\nUT WOS:1\nPT J\nTI Second\nUT WOS:2\nER\nEF\n";
        let p = parse("t.txt", text);
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].title.as_deref(), Some("A long title"));
        assert_eq!(p.records[0].authors[0].given, "John");
        assert_eq!(p.records[0].citations.len(), 2);
        assert_eq!(p.records[0].citations[1].at.line, 9);
        assert!(p.diagnostics.iter().any(|d| d.message.contains("without ER") && d.at.line == 3));
    }
}
