//! Search-results listings (LILACS / BVS / PubMed-like result pages): a header
//! of site furniture ("Results 1 - 11 de 11", "Filter", "Show: 20 | 50 |
//! 100"), then numbered records:
//!
//! ```text
//! 1.
//! BMC Med ; 22(1): 72, 2024 Feb 29.
//! Article in English | MEDLINE | ID: mdl-38418998
//! ABSTRACT
//! BACKGROUND: ...
//! Subject(s)
//! Mental Health , Workplace , Female
//! ```
//!
//! Each number line starts a [`Record`] keyed by its number (provenance line =
//! the number line). Title and byline lines between the number and the
//! citation line are used when present. Gaps in the numbering and a header
//! total that disagrees with the records found become diagnostics.

use super::dates::parse as parse_date;
use super::page_text::{dehyphenate, is_boilerplate_line, is_notice_heading, structure_abstract};
use crate::model::norm::squash_ws;
use crate::model::{Diagnostic, DocType, Identifier, Parsed, Provenance, Record};
use regex::Regex;
use std::sync::LazyLock;

static NUMBER_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,5})\.\s*$").expect("static regex"));
static RESULTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bresults?\s+(\d{1,7})\s*[-–]\s*(\d{1,7})\s+(?:de|of|of about|von|di|sur)\s+([\d.,]{1,12})",
    )
    .expect("static regex")
});

/// A citation line's parts: "BMC Med ; 22(1): 72, 2024 Feb 29.".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CitationLine {
    /// Abbreviated venue ("BMC Med").
    pub venue: String,
    /// Volume ("22").
    pub volume: Option<String>,
    /// Issue ("1").
    pub issue: Option<String>,
    /// Pages or article number ("72", "1291-1303", "e0267787").
    pub pages: Option<String>,
    /// Date as written ("2024 Feb 29").
    pub date: String,
}

/// Parses a listing citation line `Venue ; vol(issue): pages, date.`; `None`
/// when the line does not have that shape (venue, " ; ", and a trailing date
/// starting with a four-digit year).
pub fn parse_citation_line(line: &str) -> Option<CitationLine> {
    let line = squash_ws(line);
    let (venue, rest) = line.split_once(" ; ").or_else(|| line.split_once(';'))?;
    let venue = venue.trim();
    if venue.is_empty()
        || venue.split_whitespace().count() > 15
        || venue.contains(':')
        || !venue.starts_with(|c: char| c.is_alphabetic())
    {
        return None;
    }
    let rest = rest.trim().trim_end_matches('.');
    // The date is the last comma-separated part that starts with a year.
    let (locator, date) = match rest.rsplit_once(',') {
        Some((loc, d)) if starts_with_year(d.trim()) => (loc.trim(), d.trim()),
        _ if starts_with_year(rest) => ("", rest),
        _ => return None,
    };
    let mut cl = CitationLine { venue: venue.to_string(), date: date.to_string(), ..CitationLine::default() };
    let (volume_part, pages) = match locator.split_once(':') {
        Some((v, p)) => (v.trim(), Some(p.trim())),
        None => (locator, None),
    };
    if let Some(open) = volume_part.find('(') {
        let vol = volume_part[..open].trim();
        let iss = volume_part[open + 1..].trim_end_matches(')').trim();
        cl.volume = Some(vol.to_string()).filter(|v| !v.is_empty());
        cl.issue = Some(iss.to_string()).filter(|v| !v.is_empty());
    } else if !volume_part.is_empty() {
        cl.volume = Some(volume_part.to_string());
    }
    cl.pages = pages.map(str::to_string).filter(|p| !p.is_empty());
    Some(cl)
}

/// A listing date: a four-digit year, then at most three month/day tokens
/// ("2024 Feb 29", "2023 08 07", "2021 Jan-Feb", "2023").
fn starts_with_year(s: &str) -> bool {
    let toks: Vec<&str> = s.split_whitespace().collect();
    let Some(first) = toks.first() else { return false };
    let year_ok = first.len() == 4 && first.chars().all(|c| c.is_ascii_digit());
    let rest_ok = toks.len() <= 4
        && toks[1..].iter().all(|t| {
            (t.len() <= 2 && t.chars().all(|c| c.is_ascii_digit()))
                || t.split('-').all(|m| super::dates::month_name(m).is_some())
        });
    year_ok && rest_ok
}

/// The parts of a listing's source line: (document kind, languages, database, id).
type SourceLine = (String, Vec<String>, Option<String>, Option<String>);

/// "Article in English | MEDLINE | ID: mdl-38418998" -> (doc type word,
/// languages, database, id); `None` when the line lacks "| ID:" or "Article in".
fn parse_source_line(line: &str) -> Option<SourceLine> {
    let l = squash_ws(line);
    let parts: Vec<&str> = l.split('|').map(str::trim).collect();
    let first = parts.first()?;
    let (kind, langs) = first.split_once(" in ")?;
    if kind.split_whitespace().count() > 4 || !l.contains('|') {
        return None;
    }
    let langs: Vec<String> =
        langs.split([',', '/']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    let mut db = None;
    let mut id = None;
    for p in &parts[1..] {
        if let Some(rest) = p.strip_prefix("ID:").or_else(|| p.strip_prefix("ID :")) {
            id = Some(rest.trim().to_string());
        } else if db.is_none() && !p.is_empty() {
            // "LILACS, BDENF": the first database names the id.
            db = p.split(',').next().map(|d| d.trim().to_string());
        }
    }
    Some((kind.trim().to_string(), langs, db, id))
}

/// True when `text` is a numbered search-results listing: at least one line
/// holding only "N." followed by a citation line of the `Venue ; vol: pages,
/// year` shape or an "Article in ... | ID:" line.
pub fn looks_like_listing(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().take(5000).collect();
    let mut hits = 0;
    for (i, l) in lines.iter().enumerate() {
        if NUMBER_LINE.is_match(l) && record_follows(&lines, i) {
            hits += 1;
            if hits >= 2 {
                return true;
            }
        }
    }
    hits == 1 && lines.iter().any(|l| RESULTS.is_match(l))
}

/// True when a citation line or a source line follows the number line at `i`
/// within the next four non-empty lines.
fn record_follows(lines: &[&str], i: usize) -> bool {
    lines
        .iter()
        .skip(i + 1)
        .filter(|l| !l.trim().is_empty())
        .take(4)
        .take_while(|l| !NUMBER_LINE.is_match(l))
        .any(|l| parse_citation_line(l).is_some() || parse_source_line(l).is_some())
}

/// Reads a listing: one record per numbered entry.
pub fn parse(input: &str, text: &str) -> Parsed {
    let lines: Vec<&str> = text.lines().collect();
    let mut diags = Vec::new();
    let starts: Vec<(usize, u32)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let n: u32 = NUMBER_LINE.captures(l)?.get(1)?.as_str().parse().ok()?;
            record_follows(&lines, i).then_some((i, n))
        })
        .collect();
    let mut records = Vec::new();
    for (k, &(start, number)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |&(s, _)| s);
        let body = lines.get(start + 1..end).unwrap_or(&[]);
        records.push(read_record(input, start, number, body, &mut diags));
    }
    check_numbering(input, &lines, &starts, &mut diags);
    if records.is_empty() {
        diags.push(Diagnostic::warning(
            Provenance::new(input, 0, None),
            "no numbered records found in listing",
        ));
    }
    let seen = records.len();
    Parsed { records, diagnostics: diags, seen }
}

fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

fn read_record(input: &str, start: usize, number: u32, body: &[&str], diags: &mut Vec<Diagnostic>) -> Record {
    let key = number.to_string();
    let at = Provenance::new(input, line_no(start), Some(key.clone()));
    let mut rec = Record::new(at.clone(), "listing");
    let mut pre_citation: Vec<String> = Vec::new();
    let mut have_citation = false;
    let mut abstract_lines: Vec<String> = Vec::new();
    let mut state = State::Head;
    for (j, raw) in body.iter().enumerate() {
        let line = raw.trim();
        let here = Provenance::new(input, line_no(start + 1 + j), Some(key.clone()));
        if line.is_empty() {
            if state == State::Abstract && abstract_lines.last().is_some_and(|l| !l.is_empty()) {
                abstract_lines.push(String::new());
            }
            continue;
        }
        if is_notice_heading(line) || (is_boilerplate_line(line) && state != State::Abstract) {
            state = State::Done;
            continue;
        }
        match line.to_lowercase().as_str() {
            "abstract" | "resumen" | "resumo" | "résumé" => {
                state = State::Abstract;
                continue;
            }
            "subject(s)" | "subjects" | "assunto(s)" | "asunto(s)" | "mesh terms" => {
                state = State::Subjects;
                continue;
            }
            _ => {}
        }
        match state {
            State::Head if !have_citation => {
                if let Some(cl) = parse_citation_line(line) {
                    apply_citation(&mut rec, &cl, &here, diags);
                    have_citation = true;
                } else if let Some(src) = parse_source_line(line) {
                    apply_source(&mut rec, src);
                } else if !is_boilerplate_line(line) {
                    pre_citation.push(squash_ws(line));
                }
            }
            State::Head => {
                if let Some(src) = parse_source_line(line) {
                    apply_source(&mut rec, src);
                }
            }
            State::Abstract => {
                if is_boilerplate_line(line) {
                    state = State::Done;
                } else {
                    abstract_lines.push(line.to_string());
                }
            }
            State::Subjects => {
                rec.subjects.extend(
                    line.split(" , ")
                        .flat_map(|s| if s.contains(" ,") { s.split(',').collect() } else { vec![s] })
                        .map(squash_ws)
                        .filter(|s| !s.is_empty()),
                );
                state = State::Done;
            }
            State::Done => {}
        }
    }
    // Lines between the number and the citation line: title, then byline.
    let mut pre = pre_citation.into_iter();
    if let Some(t) = pre.next() {
        rec.title = Some(t.trim_end_matches('.').to_string());
    }
    if let Some(b) = pre.next() {
        rec.authors = super::page::split_author_list(b.trim_end_matches('.'));
    }
    if !have_citation {
        diags.push(Diagnostic::warning(at.clone(), "listing record without a citation line"));
    }
    let paras: Vec<String> = abstract_lines
        .split(|l| l.is_empty())
        .filter(|p| !p.is_empty())
        .map(|p| dehyphenate(&p.join("\n")))
        .collect();
    let abs = structure_abstract(&paras);
    rec.abstract_text = Some(abs).filter(|a| !a.is_empty());
    rec.mark_missing();
    rec
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Head,
    Abstract,
    Subjects,
    Done,
}

fn apply_citation(rec: &mut Record, cl: &CitationLine, at: &Provenance, diags: &mut Vec<Diagnostic>) {
    rec.venue_abbrev = Some(cl.venue.clone());
    rec.volume = cl.volume.clone();
    rec.issue = cl.issue.clone();
    rec.pages = cl.pages.clone();
    rec.published = parse_date(&cl.date);
    if rec.published.is_none() {
        diags.push(Diagnostic::warning(at.clone(), format!("unreadable date \"{}\"", cl.date)));
    }
}

fn apply_source(rec: &mut Record, (kind, langs, db, id): SourceLine) {
    rec.doc_type = match kind.to_lowercase().as_str() {
        "article" => Some(DocType::Article),
        "review" => Some(DocType::Review),
        "thesis" | "tesis" | "tese" => Some(DocType::Thesis),
        "monography" | "monograph" | "book" => Some(DocType::Book),
        "congress and conference" | "conference" => Some(DocType::Conference),
        "preprint" => Some(DocType::Preprint),
        _ => Some(DocType::Other),
    };
    rec.language = langs.first().and_then(|l| super::language::language(l));
    if let Some(id) = id {
        let (prefix, value) = id.split_once('-').unwrap_or(("", id.as_str()));
        let is_medline = prefix.eq_ignore_ascii_case("mdl")
            || db.as_deref().is_some_and(|d| d.eq_ignore_ascii_case("medline"));
        match (is_medline, Identifier::pmid(value)) {
            (true, Some(pmid)) => rec.add_id(pmid),
            _ => {
                let db = db.as_deref().unwrap_or("listing").to_lowercase();
                rec.add_id(Identifier::Other(format!("{db}:{id}")));
            }
        }
    }
}

/// Numbering gaps and header total vs records found.
fn check_numbering(input: &str, lines: &[&str], starts: &[(usize, u32)], diags: &mut Vec<Diagnostic>) {
    for w in starts.windows(2) {
        let ((_, a), (line, b)) = (w[0], w[1]);
        if b > a + 1 {
            let missing = if b == a + 2 { format!("{}", a + 1) } else { format!("{}-{}", a + 1, b - 1) };
            diags.push(Diagnostic::warning(
                Provenance::new(input, line_no(line), Some(b.to_string())),
                format!("listing numbering skips {missing} (record {a} is followed by {b})"),
            ));
        } else if b <= a {
            diags.push(Diagnostic::warning(
                Provenance::new(input, line_no(line), Some(b.to_string())),
                format!("listing number {b} does not follow {a}"),
            ));
        }
    }
    let header = lines.iter().enumerate().find_map(|(i, l)| RESULTS.captures(l).map(|c| (i, c)));
    if let Some((i, c)) = header {
        let num = |k: usize| -> Option<u64> {
            c.get(k).and_then(|m| m.as_str().replace(['.', ','], "").parse().ok())
        };
        if let (Some(first), Some(last), Some(total)) = (num(1), num(2), num(3)) {
            let expected = last.min(total).saturating_sub(first) + 1;
            let found = starts.len() as u64;
            if expected != found {
                diags.push(Diagnostic::warning(
                    Provenance::new(input, line_no(i), None),
                    format!("header announces results {first}-{last} of {total} ({expected} records) but {found} were found"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_lines() {
        let c = parse_citation_line("BMC Med ; 22(1): 72, 2024 Feb 29.").expect("citation line");
        assert_eq!(
            (c.venue.as_str(), c.volume.as_deref(), c.issue.as_deref(), c.pages.as_deref(), c.date.as_str()),
            ("BMC Med", Some("22"), Some("1"), Some("72"), "2024 Feb 29")
        );
        let c = parse_citation_line("Front Sociol ; 8: 996585, 2023.").expect("citation line");
        assert_eq!((c.volume.as_deref(), c.issue, c.pages.as_deref()), (Some("8"), None, Some("996585")));
        let c = parse_citation_line("Rev. bras. enferm ; 75(supl.2), 2022.").expect("citation line");
        assert_eq!((c.volume.as_deref(), c.issue.as_deref(), c.pages), (Some("75"), Some("supl.2"), None));
        assert!(parse_citation_line("Mental Health , Workplace , Female").is_none());
        assert!(parse_citation_line("BACKGROUND: x; y, 2020 was a year").is_none());
    }
}
