//! RIS writer for handing a deduplicated corpus to reference managers and
//! screening tools (Zotero, EndNote, Rayyan, Covidence).
//!
//! One record becomes `TY`, `TI`, one `AU` per author (`Family, Given`; organisations as `Name,`),
//! one `AD` per record-level affiliation ([`Record::affiliations`]; our
//! reader gives them back to the record, or to the author when there is one),
//! `T2`/`JO` (venue), `J2` (abbreviation), `PY` and `DA` (`YYYY/MM/DD/`), `ET`
//! (e-publication date), `VL`, `IS`, `SP`/`EP`, `DO`, `AN` (PMID and WoS UT),
//! `C2` (PMCID), `UR` (Scopus record URL carrying the EID), `SN` (ISSN, ISBN), `PB`, `AB`, `KW` (keywords, then subject
//! headings), `LA`, `M3` (specific document type) and `ER`. Values are written
//! on one line (newlines become spaces) so no reader mistakes them for tags.
//! The mapping of one record is [`record_lines`], so callers with other
//! inputs (a resolved corpus) can reuse it.

use crate::model::{Date, DocType, Identifier, Record};
use std::io::{self, Write};

/// The RIS `TY` for a document type.
pub fn ris_type(t: Option<DocType>) -> &'static str {
    match t {
        None
        | Some(
            DocType::Article
            | DocType::Review
            | DocType::SystematicReview
            | DocType::MetaAnalysis
            | DocType::Editorial,
        ) => "JOUR",
        Some(DocType::Book) => "BOOK",
        Some(DocType::Chapter) => "CHAP",
        Some(DocType::Conference) => "CPAPER",
        Some(DocType::Report) => "RPRT",
        Some(DocType::Guideline) => "GOVDOC",
        Some(DocType::Thesis) => "THES",
        Some(DocType::Preprint) => "UNPB",
        Some(DocType::Other) => "GEN",
    }
}

fn one_line(s: &str) -> String {
    crate::model::norm::squash_ws(s)
}

fn ris_date(d: &Date) -> String {
    match (d.month, d.day) {
        (Some(m), Some(day)) => format!("{:04}/{m:02}/{day:02}/", d.year),
        (Some(m), None) => format!("{:04}/{m:02}//", d.year),
        _ => format!("{:04}///", d.year),
    }
}

/// The `(tag, value)` lines of one record, `TY` first and `ER` last.
pub fn record_lines(r: &Record) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = vec![("TY", ris_type(r.doc_type).to_string())];
    let mut push = |tag: &'static str, v: Option<&str>| {
        if let Some(v) = v.map(one_line).filter(|v| !v.is_empty()) {
            out.push((tag, v));
        }
    };
    push("TI", r.title.as_deref());
    for a in &r.authors {
        let name = if a.is_org {
            // EndNote's marker for a corporate author: a trailing comma.
            format!("{},", a.family)
        } else if a.given.is_empty() {
            a.family.clone()
        } else {
            format!("{}, {}", a.family, a.given)
        };
        push("AU", Some(&name));
    }
    for af in &r.affiliations {
        push("AD", Some(af));
    }
    push("T2", r.venue.as_deref());
    push("JO", r.venue.as_deref());
    push("J2", r.venue_abbrev.as_deref());
    if let Some(d) = r.published.or(r.epublished) {
        push("PY", Some(&format!("{:04}", d.year)));
        if d.month.is_some() {
            push("DA", Some(&ris_date(&d)));
        }
    }
    if let Some(d) = r.epublished {
        push("ET", Some(&ris_date(&d)));
    }
    push("VL", r.volume.as_deref());
    push("IS", r.issue.as_deref());
    if let Some(p) = r.pages.as_deref() {
        match p.split_once('-') {
            Some((s, e)) if !s.trim().is_empty() && !e.trim().is_empty() => {
                push("SP", Some(s));
                push("EP", Some(e));
            }
            _ => push("SP", Some(p)),
        }
    }
    let mut pmid = None;
    let mut wos = None;
    for id in &r.ids {
        match id {
            Identifier::Doi(d) => push("DO", Some(d)),
            Identifier::Pmid(p) => pmid = pmid.or(Some(p.as_str())),
            Identifier::Wos(w) => wos = wos.or(Some(w.as_str())),
            Identifier::Pmcid(p) => push("C2", Some(p)),
            Identifier::Isbn(i) => push("SN", Some(i)),
            // Scopus's own RIS form, which readers (ours too) take the EID from.
            Identifier::Eid(e) => {
                push("UR", Some(&format!("https://www.scopus.com/inward/record.uri?eid={e}")))
            }
            _ => {}
        }
    }
    push("AN", pmid);
    push("AN", wos);
    for issn in &r.issn {
        push("SN", Some(issn));
    }
    push("PB", r.publisher.as_deref());
    push("AB", r.abstract_text.as_deref());
    let mut seen: Vec<String> = Vec::new();
    for k in r.keywords.iter().chain(&r.subjects) {
        let folded = k.to_lowercase();
        if !seen.contains(&folded) {
            seen.push(folded);
            push("KW", Some(k));
        }
    }
    push("LA", r.language.as_deref());
    if let Some(t) = r.doc_type.filter(|t| {
        matches!(
            t,
            DocType::Review
                | DocType::SystematicReview
                | DocType::MetaAnalysis
                | DocType::Editorial
                | DocType::Guideline
        )
    }) {
        let name = match t {
            DocType::Review => "Review",
            DocType::SystematicReview => "Systematic Review",
            DocType::MetaAnalysis => "Meta-Analysis",
            DocType::Editorial => "Editorial",
            _ => "Guideline",
        };
        push("M3", Some(name));
    }
    out.push(("ER", String::new()));
    out
}

/// Writes `records` as RIS, in the order given, one blank line after each `ER`.
pub fn write(records: &[Record], w: &mut dyn Write) -> io::Result<()> {
    write_noted(records, &[], w)
}

/// Like [`write`], with `notes[i]` (when given) as the `N1` of record `i`
/// (e.g. which papers cited a reference: [`super::records::notes`]).
pub fn write_noted(records: &[Record], notes: &[Option<String>], w: &mut dyn Write) -> io::Result<()> {
    for (i, r) in records.iter().enumerate() {
        let mut lines = record_lines(r);
        if let Some(n) = notes.get(i).and_then(|n| n.as_deref()).filter(|n| !n.trim().is_empty()) {
            let at = lines.len().saturating_sub(1);
            lines.insert(at, ("N1", one_line(n)));
        }
        for (tag, value) in lines {
            // No control byte (NUL, ESC, a stray line break) reaches the file.
            let value = crate::text_safety::strip_controls(&value).replace('\n', " ");
            if value.is_empty() {
                writeln!(w, "{tag}  -")?;
            } else {
                writeln!(w, "{tag}  - {value}")?;
            }
        }
        writeln!(w)?;
    }
    Ok(())
}
