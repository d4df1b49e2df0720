//! Scraped pages: an aggregator's JSON record followed by its page text
//! ([`parse_aggregator`]), and plain abstract pages ([`parse`]) with optional
//! title lines (one per language), an "Abstract" heading, the abstract and site
//! boilerplate.
//!
//! Both give one [`Record`]. Page furniture (counters, disclaimers, journal
//! blurbs, numbered site notices: see [`super::text`]) never becomes a title,
//! an author or abstract text. Fields a reviewer expects but the page lacks are
//! listed in `Record::missing`.

use super::dates::parse as parse_date;
use super::page_text::{
    clean_field, guess_language, html_to_text, is_abstract_heading, is_boilerplate_line, is_notice_heading,
    strip_abstract_label, structure_abstract,
};
use crate::model::norm::{alnum_key, given_is_initials, squash_ws};
use crate::model::publishers::{doi_prefix, publisher_of_doi, venue_conflict};
use crate::model::{Author, Claim, Conflict, Diagnostic, DocType, Identifier, Parsed, Provenance, Record};
use regex::Regex;
use serde_json::{Map, Value};
use std::sync::LazyLock;

/// Keys that make a leading JSON object a bibliographic record.
const RECORD_KEYS: &[&str] = &["title", "doi", "abstract", "authors", "journal", "publicationDate"];

/// True when `text` is an aggregator page: a JSON object with bibliographic
/// keys (title, doi, abstract, authors ...) **followed by page text** (a line
/// that starts with a letter, as JSON lines never do). A broken JSON object
/// counts when such keys show in its first 4 KB and page text follows.
///
/// A JSON document alone (an API response, CSL-JSON) is not a page.
pub fn looks_like_aggregator(text: &str) -> bool {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if !body.starts_with('{') {
        return false;
    }
    let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    match stream.next() {
        Some(Ok(Value::Object(m))) => {
            let rest = body.get(stream.byte_offset()..).unwrap_or("");
            RECORD_KEYS.iter().any(|k| lookup(&m, k).is_some()) && has_page_text(rest)
        }
        Some(Ok(_)) | None => false,
        Some(Err(_)) => {
            let head = prefix_chars(body, 4096);
            let keys = RECORD_KEYS.iter().filter(|k| head.contains(&format!("\"{k}\""))).count();
            keys >= 2 && has_page_text(body.split_once('\n').map_or("", |(_, r)| r))
        }
    }
}

/// True when `rest` holds a line starting with a letter (page text, not JSON).
fn has_page_text(rest: &str) -> bool {
    rest.lines().take(2000).any(|l| l.trim_start().starts_with(char::is_alphabetic))
}

/// True when `text` looks like an abstract page: an "Abstract" heading (or a
/// paragraph opening with "ABSTRACT") followed by a paragraph of at least 25 words.
pub fn looks_like_abstract_page(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().take(400).collect();
    for (i, line) in lines.iter().enumerate() {
        let inline = line.trim_start().starts_with("ABSTRACT ") && line.split_whitespace().count() >= 25;
        if inline {
            return true;
        }
        if is_abstract_heading(line) {
            let next = lines.iter().skip(i + 1).find(|l| !l.trim().is_empty());
            if next.is_some_and(|l| l.split_whitespace().count() >= 25) {
                return true;
            }
        }
    }
    false
}

fn prefix_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Case-insensitive look-up of a non-null value.
fn lookup<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    m.get(key)
        .or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
        .filter(|v| !v.is_null())
}

/// A value as text: strings as they are, numbers printed, others `None`.
fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn text_of(m: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| lookup(m, k).and_then(as_text))
}

/// 1-based line of `"key"` inside `json` (which starts at line `first_line`).
fn key_line(json: &str, key: &str, first_line: u32) -> u32 {
    let pat = format!("\"{key}\"");
    json.find(&pat)
        .or_else(|| json.to_lowercase().find(&pat.to_lowercase()))
        .and_then(|pos| json.get(..pos))
        .map_or(first_line, |before| first_line + newlines(before))
}

fn newlines(s: &str) -> u32 {
    u32::try_from(s.bytes().filter(|&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

/// Splits an author list as aggregators write it: "N O'Leary, F Wynne, P
/// Moore", "O'Leary N; Wynne F", or "O'Leary, N., Wynne, F." (family and
/// initials alternating around commas, which are then paired up).
pub fn split_author_list(raw: &str) -> Vec<Author> {
    let raw = squash_ws(raw);
    let sep = if raw.contains(';') { ';' } else { ',' };
    let parts: Vec<&str> = raw
        .split(sep)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.trim_start_matches("and "))
        .collect();
    let alternating = sep == ','
        && parts.len() >= 2
        && parts.len() % 2 == 0
        && parts.iter().skip(1).step_by(2).all(|p| given_is_initials(p))
        && parts.iter().step_by(2).all(|p| !given_is_initials(p) && !p.contains(' '));
    if alternating {
        return parts.chunks(2).map(|c| Author::person(&c.join(", "))).collect();
    }
    parts.iter().filter(|p| p.chars().any(char::is_alphabetic)).map(|p| Author::person(p)).collect()
}

/// Authors from a JSON value: a string list, an array of strings, or an array
/// of objects with `name` (or `given`/`family`).
fn authors_from(v: &Value) -> Vec<Author> {
    match v {
        Value::String(s) => split_author_list(s),
        Value::Array(items) => items
            .iter()
            .filter_map(|it| match it {
                Value::String(s) => Some(Author::person(s)),
                Value::Object(o) => {
                    let name = text_of(o, &["name", "fullName", "display_name"]).or_else(|| {
                        let fam = text_of(o, &["family", "lastName", "last"])?;
                        Some(match text_of(o, &["given", "firstName", "first"]) {
                            Some(g) => format!("{fam}, {g}"),
                            None => fam,
                        })
                    })?;
                    Some(Author::person(&name))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Document type from publication-type strings ("Journal Article", "Review",
/// "Systematic Review", "Meta-Analysis"); the most specific one wins.
pub fn doc_type_of(types: &[String]) -> Option<DocType> {
    let mut best: Option<(u8, DocType)> = None;
    for t in types {
        let l = t.to_lowercase();
        let found = if l.contains("meta-analysis") || l.contains("meta analysis") {
            Some((9, DocType::MetaAnalysis))
        } else if l.contains("systematic review") || l.contains("umbrella") {
            Some((8, DocType::SystematicReview))
        } else if l.contains("guideline") || l.contains("practice guideline") {
            Some((7, DocType::Guideline))
        } else if l.contains("review") {
            Some((6, DocType::Review))
        } else if l.contains("editorial") || l.contains("letter") || l.contains("comment") {
            Some((5, DocType::Editorial))
        } else if l.contains("preprint") {
            Some((4, DocType::Preprint))
        } else if l.contains("conference") || l.contains("proceedings") {
            Some((4, DocType::Conference))
        } else if l.contains("thesis") || l.contains("dissertation") {
            Some((4, DocType::Thesis))
        } else if l.contains("chapter") {
            Some((4, DocType::Chapter))
        } else if l.contains("book") {
            Some((3, DocType::Book))
        } else if l.contains("report") {
            Some((3, DocType::Report))
        } else if l.contains("article") || l.contains("journal") || l.contains("study") || l.contains("trial")
        {
            Some((1, DocType::Article))
        } else {
            None
        };
        if let Some(f) = found {
            if best.is_none_or(|b| f.0 > b.0) {
                best = Some(f);
            }
        }
    }
    best.map(|b| b.1)
}

fn strings_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => {
            s.split([',', ';']).map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
        }
        Value::Array(a) => a.iter().filter_map(as_text).collect(),
        _ => Vec::new(),
    }
}

/// A volume as journals number them: "22", "57", "Suppl 2", "12A"; not "1 1".
pub fn plausible_volume(v: &str) -> bool {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?i:suppl?\.?\s*)?[A-Za-z]?\d{1,5}[A-Za-z]?$").expect("static regex"));
    RE.is_match(v.trim())
}

/// Pages or an article number: "554-560", "1291–1303", "e0267787", "72", "S12-S15".
pub fn plausible_pages(p: &str) -> bool {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[A-Za-z]{0,2}\d{1,8}(\s*[-–]\s*[A-Za-z]{0,2}\d{1,8})?$").expect("static regex")
    });
    RE.is_match(p.trim())
}

/// Reads an aggregator record: the leading JSON object, then the page text.
///
/// Broken JSON gives a warning with its line; fields are then salvaged from
/// `"key":"value"` pairs and the page text after the broken line is still read.
/// A journal that contradicts the DOI's registrant becomes a `venue`
/// [`Conflict`] with both claims' lines.
pub fn parse_aggregator(input: &str, text: &str) -> Parsed {
    let body_start = text.len() - text.trim_start_matches('\u{feff}').trim_start().len();
    let body = &text[body_start..];
    let first_line = 1 + newlines(&text[..body_start]);
    let mut diags = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    let (map, json_end) = match stream.next() {
        Some(Ok(Value::Object(m))) => (m, stream.byte_offset()),
        Some(Ok(_)) => {
            diags.push(Diagnostic::warning(
                Provenance::new(input, first_line, None),
                "leading JSON value is not an object: ignored",
            ));
            (Map::new(), stream.byte_offset())
        }
        None => (Map::new(), 0),
        Some(Err(e)) => {
            let line = first_line + u32::try_from(e.line()).unwrap_or(1).saturating_sub(1);
            diags.push(Diagnostic::warning(
                Provenance::new(input, line, None),
                format!(
                    "broken JSON record (column {}): {e}; fields salvaged, page text still read",
                    e.column()
                ),
            ));
            // The page text starts at the line where the parser found
            // non-JSON (after line 1 when a one-line record broke mid-line;
            // nothing is left when the JSON ran to the end).
            let end =
                if e.is_eof() { body.len() } else { nth_line_end(body, e.line().saturating_sub(1).max(1)) };
            (salvage(body.get(..end).unwrap_or(body)), end)
        }
    };
    let json_text = body.get(..json_end).unwrap_or(body);
    let page = body.get(json_end..).unwrap_or("");
    let page_first_line = first_line + newlines(json_text);

    let mut rec = Record::new(Provenance::new(input, first_line, None), "aggregator-page");
    fill_from_json(input, &map, json_text, first_line, &mut rec, &mut diags);
    read_page_text(input, page, page_first_line, &mut rec, &mut diags);
    rec.language = guess_language(&format!(
        "{} {}",
        rec.title.as_deref().unwrap_or(""),
        rec.abstract_text.as_deref().unwrap_or("")
    ));
    rec.mark_missing();
    Parsed { records: vec![rec], diagnostics: diags, seen: 1 }
}

fn nth_line_end(s: &str, n: usize) -> usize {
    let mut seen = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b'\n' {
            seen += 1;
            if seen == n {
                return i + 1;
            }
        }
    }
    s.len()
}

/// Recovers `"key":"string"` and `"key":number` pairs from broken JSON.
fn salvage(json: &str) -> Map<String, Value> {
    static PAIR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""([A-Za-z_]+)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)"#).expect("static regex")
    });
    let mut m = Map::new();
    for c in PAIR.captures_iter(json) {
        let (Some(k), Some(v)) = (c.get(1), c.get(2)) else { continue };
        if let Ok(val) = serde_json::from_str::<Value>(v.as_str()) {
            m.entry(k.as_str().to_string()).or_insert(val);
        }
    }
    m
}

fn fill_from_json(
    input: &str,
    m: &Map<String, Value>,
    json: &str,
    first_line: u32,
    rec: &mut Record,
    diags: &mut Vec<Diagnostic>,
) {
    rec.title =
        text_of(m, &["title", "Title", "ArticleTitle"]).map(|t| clean_field(&t)).filter(|t| !t.is_empty());
    if let Some(cn) = text_of(m, &["TitleCN", "title_zh"]).map(|t| clean_field(&t)).filter(|t| !t.is_empty())
    {
        rec.alt_titles.push((Some("zh".to_string()), cn));
    }
    if let Some(a) = lookup(m, "authors").or_else(|| lookup(m, "author")) {
        rec.authors = authors_from(a);
    }
    for key in ["doi", "DOIUrl", "ListUrlMain", "url"] {
        if let Some(d) = text_of(m, &[key]).and_then(|s| Identifier::doi(&s)) {
            rec.add_id(d);
            break;
        }
    }
    if let Some(id) = text_of(m, &["PMCID", "pmcid"]) {
        let digits: String = id.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            rec.add_id(Identifier::Pmcid(format!("PMC{digits}")));
        }
    }
    if let Some(id) = text_of(m, &["PMID", "pmid"]).and_then(|s| Identifier::pmid(&s)) {
        rec.add_id(id);
    }
    if let Some(abs) = text_of(m, &["abstract", "Abstract", "abstractText"]) {
        let paras: Vec<String> = html_to_text(&abs).lines().map(str::to_string).collect();
        let s = structure_abstract(&paras);
        rec.abstract_text = Some(s).filter(|s| !s.is_empty());
    }
    if let Some(cn) = text_of(m, &["AbstractTextCN"]).map(|t| html_to_text(&t)).filter(|t| !t.is_empty()) {
        diags.push(Diagnostic::info(
            Provenance::new(input, key_line(json, "AbstractTextCN", first_line), None),
            format!("Chinese abstract present ({} characters): not kept", cn.chars().count()),
        ));
    }
    // Journal: an object {name, volume, issue, pages} or a plain string.
    let journal = lookup(m, "journal");
    let jmap = journal.and_then(Value::as_object);
    rec.venue = jmap
        .and_then(|j| text_of(j, &["name", "title"]))
        .or_else(|| journal.and_then(as_text))
        .or_else(|| text_of(m, &["PeriodicalName", "venue", "journalName", "journal_name"]))
        .map(|v| clean_field(&v));
    if let Some(j) = jmap {
        let at = Provenance::new(input, key_line(json, "journal", first_line), None);
        if let Some(v) = text_of(j, &["volume"]) {
            if plausible_volume(&v) {
                rec.volume = Some(v);
            } else {
                diags.push(Diagnostic::warning(at.clone(), format!("implausible volume \"{v}\": not kept")));
            }
        }
        if let Some(v) = text_of(j, &["issue", "number"]) {
            if plausible_volume(&v) {
                rec.issue = Some(v);
            }
        }
        if let Some(p) = text_of(j, &["pages", "page"]) {
            if plausible_pages(&p) {
                rec.pages = Some(p.replace(' ', ""));
            } else {
                diags.push(Diagnostic::warning(at, format!("implausible pages \"{p}\": not kept")));
            }
        }
    }
    rec.published =
        text_of(m, &["publicationDate", "pubDate", "published", "year"]).and_then(|d| parse_date(&d));
    rec.epublished = text_of(m, &["EPubDate", "epubDate", "onlineDate"]).and_then(|d| parse_date(&d));
    if let Some(t) = lookup(m, "publicationTypes").or_else(|| lookup(m, "publicationType")) {
        rec.doc_type = doc_type_of(&strings_of(t));
    }
    rec.times_cited =
        text_of(m, &["citationCount", "citedByCount", "cited_by_count"]).and_then(|c| c.parse().ok());
    if let (Some(venue), Some(doi)) = (rec.venue.clone(), rec.doi().map(str::to_string)) {
        let venue_key = if lookup(m, "journal").is_some() { "journal" } else { "PeriodicalName" };
        let venue_at = Provenance::new(input, key_line(json, venue_key, first_line), None);
        let doi_at = Provenance::new(input, key_line(json, "doi", first_line), None);
        check_venue(rec, &venue, venue_at, "journal field", &doi, doi_at, diags);
    }
}

/// Records a `venue` [`Conflict`] (and a warning) when the journal `venue`
/// (claimed at `venue_at`, on `basis`) and the DOI's registrant (claimed at
/// `doi_at`) belong to different publishers; see [`venue_conflict`].
pub fn check_venue(
    rec: &mut Record,
    venue: &str,
    venue_at: Provenance,
    basis: &str,
    doi: &str,
    doi_at: Provenance,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(note) = venue_conflict(venue, doi) else { return };
    let prefix = doi_prefix(doi).unwrap_or_default();
    diags.push(Diagnostic::warning(venue_at.clone(), format!("venue conflict: {note}")));
    rec.conflicts.push(Conflict {
        field: "venue".to_string(),
        claims: vec![
            Claim { value: venue.to_string(), at: venue_at, basis: basis.to_string() },
            Claim {
                value: publisher_of_doi(doi).unwrap_or_default().to_string(),
                at: doi_at,
                basis: format!("DOI prefix {prefix}"),
            },
        ],
        note,
    });
}

/// Reads the page text after the JSON: citation counter, the abstract (a
/// duplicate of the JSON one, used only when the JSON has none) and notices.
fn read_page_text(input: &str, page: &str, first_line: u32, rec: &mut Record, diags: &mut Vec<Diagnostic>) {
    static COUNT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:引用次数|被引次数|被引|cited by|citations?|times cited)\s*[:：]?\s*(\d{1,9})$")
            .expect("static regex")
    });
    let mut abstract_lines: Vec<String> = Vec::new();
    let mut in_abstract = false;
    for (i, raw) in page.lines().enumerate() {
        let line = raw.trim();
        let at = first_line + u32::try_from(i).unwrap_or(u32::MAX - first_line);
        if let Some(c) = COUNT.captures(line) {
            let n: Option<u64> = c.get(1).and_then(|m| m.as_str().parse().ok());
            match (rec.times_cited, n) {
                (None, Some(n)) => rec.times_cited = Some(n),
                (Some(j), Some(n)) if j != n => diags.push(Diagnostic::info(
                    Provenance::new(input, at, None),
                    format!("page says cited {n} times, record says {j}: record kept"),
                )),
                _ => {}
            }
            continue;
        }
        if is_notice_heading(line) {
            break;
        }
        if is_abstract_heading(line) {
            in_abstract = true;
            continue;
        }
        if in_abstract && !line.is_empty() && !is_boilerplate_line(line) {
            abstract_lines.push(line.to_string());
        }
    }
    if abstract_lines.is_empty() {
        return;
    }
    let page_abs = structure_abstract(&abstract_lines);
    match &rec.abstract_text {
        None => rec.abstract_text = Some(page_abs),
        Some(j) if alnum_key(j) != alnum_key(&page_abs) => diags.push(Diagnostic::info(
            Provenance::new(input, first_line, None),
            "page abstract differs from the record's abstract: record's kept",
        )),
        Some(_) => {}
    }
}

/// True when `line` reads like a byline: 1-30 comma/semicolon-separated names
/// of 2-5 capitalised words each, no sentence punctuation.
fn looks_like_byline(line: &str) -> bool {
    let l = line.trim();
    if l.is_empty() || l.ends_with('.') && !l.ends_with(" et al.") || l.contains(':') {
        return false;
    }
    let names: Vec<&str> = l.split([',', ';']).map(str::trim).filter(|n| !n.is_empty()).collect();
    (2..=30).contains(&names.len())
        && names.iter().all(|n| {
            let n = n.trim_start_matches("and ");
            let words: Vec<&str> = n.split_whitespace().collect();
            (1..=5).contains(&words.len())
                && words.iter().all(|w| w.starts_with(char::is_uppercase) || w.ends_with('.'))
                && !n.chars().any(|c| c.is_ascii_digit() && c != '1' && c != '2')
        })
}

/// Reads an abstract page: title lines before the "Abstract" heading (a title
/// in a CJK script becomes an alternative title with its language), an
/// optional byline, the abstract up to the first boilerplate line or notice,
/// and "Keywords:" when present.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut diags = Vec::new();
    let mut rec = Record::new(Provenance::new(input, 1, None), "abstract-page");
    let lines: Vec<&str> = text.lines().collect();
    let heading = lines.iter().position(|l| is_abstract_heading(l)).or_else(|| {
        lines
            .iter()
            .position(|l| l.trim_start().starts_with("ABSTRACT ") && l.split_whitespace().count() >= 10)
    });
    let (head, tail_start) = match heading {
        Some(h) if is_abstract_heading(lines[h]) => (&lines[..h], h + 1),
        Some(h) => (&lines[..h], h),
        None => {
            diags.push(Diagnostic::info(
                Provenance::new(input, 1, None),
                "no abstract heading: the longest paragraph is taken as the abstract",
            ));
            (&lines[..0], 0)
        }
    };
    // Identifiers: DOIs and PMIDs before the abstract, or on "DOI:" lines anywhere.
    let mut doi_line = 0;
    for (i, line) in lines.iter().enumerate() {
        let labelled = line.trim_start().to_lowercase().starts_with("doi");
        if i < tail_start || labelled {
            for id in identifiers_in(line) {
                if matches!(id, Identifier::Doi(_)) && doi_line == 0 {
                    doi_line = u32::try_from(i + 1).unwrap_or(u32::MAX);
                }
                rec.add_id(id);
            }
        }
    }
    // Title lines: non-boilerplate lines before the heading.
    let mut journal_line = 0;
    for (i, raw) in head.iter().enumerate() {
        let line = squash_ws(raw);
        if line.is_empty() || is_boilerplate_line(&line) {
            continue;
        }
        if rec.venue_abbrev.is_none() && read_journal_line(&line, &mut rec) {
            journal_line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            continue;
        }
        if !identifiers_in(&line).is_empty() || line.contains("http") {
            continue;
        }
        let lang = guess_language(&line);
        let cjk = matches!(lang.as_deref(), Some("zh" | "ja" | "ko"));
        if cjk {
            rec.alt_titles.push((lang, line));
        } else if rec.title.is_none() && line.split_whitespace().count() >= 2 && !looks_like_byline(&line) {
            rec.title = Some(line);
        } else if rec.authors.is_empty() && looks_like_byline(&line) {
            rec.authors = split_author_list(&line);
        }
    }
    let mut paras: Vec<String> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let tail = lines.get(tail_start..).unwrap_or(&[]);
    for line in tail {
        let t = line.trim();
        if is_notice_heading(t) || (is_boilerplate_line(t) && !(paras.is_empty() && cur.is_empty())) {
            break;
        }
        if is_boilerplate_line(t) {
            continue;
        }
        if let Some(k) = keywords_of(t) {
            rec.keywords = k;
            continue;
        }
        if t.is_empty() {
            if !cur.is_empty() {
                paras.push(super::page_text::dehyphenate(&cur.join("\n")));
                cur.clear();
            }
        } else {
            cur.push(t);
        }
    }
    if !cur.is_empty() {
        paras.push(super::page_text::dehyphenate(&cur.join("\n")));
    }
    if heading.is_none() {
        // Without a heading only the longest paragraph is trusted.
        let longest = paras.iter().max_by_key(|p| p.len()).cloned();
        paras = longest.into_iter().collect();
    }
    let abs = structure_abstract(&paras);
    if !strip_abstract_label(&abs).is_empty() {
        rec.abstract_text = Some(abs);
    }
    rec.language = guess_language(&format!(
        "{} {}",
        rec.title.as_deref().unwrap_or(""),
        rec.abstract_text.as_deref().unwrap_or("")
    ));
    if let (Some(venue), Some(doi)) = (rec.venue_abbrev.clone(), rec.doi().map(str::to_string)) {
        let venue_at = Provenance::new(input, journal_line, None);
        let doi_at = Provenance::new(input, doi_line, None);
        check_venue(&mut rec, &venue, venue_at, "journal line", &doi, doi_at, &mut diags);
    }
    rec.mark_missing();
    Parsed { records: vec![rec], diagnostics: diags, seen: 1 }
}

/// Reads a MEDLINE-style journal line ("J Reprod Infant Psychol. 2021
/// Sep;39(4):345-360. doi: ...") into venue, date, volume, issue and pages;
/// false (record untouched) when the line does not have that shape.
pub fn read_journal_line(line: &str, rec: &mut Record) -> bool {
    static JOURNAL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?P<venue>[A-Z][^.;:]{1,120})\.\s*(?P<date>\d{4}(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?)\s*;\s*(?P<vol>[^(:;\s]+)?(?:\((?P<iss>[^)]{1,20})\))?(?::\s*(?P<pages>[A-Za-z]?\d[\w–-]*))?",
        )
        .expect("static regex")
    });
    let Some(c) = JOURNAL.captures(line.trim()) else { return false };
    let Some(date) = c.name("date").and_then(|d| parse_date(d.as_str())) else { return false };
    rec.venue_abbrev = c.name("venue").map(|v| v.as_str().trim().to_string());
    rec.published = Some(date);
    rec.volume = c.name("vol").map(|v| v.as_str().to_string()).filter(|v| plausible_volume(v));
    rec.issue = c.name("iss").map(|v| v.as_str().to_string());
    rec.pages = c.name("pages").map(|v| v.as_str().to_string()).filter(|p| plausible_pages(p));
    for id in identifiers_in(line) {
        rec.add_id(id);
    }
    true
}

/// DOIs ("doi:10.1080/...", "https://doi.org/...") and PMIDs ("PMID: 123") in a line.
pub fn identifiers_in(line: &str) -> Vec<Identifier> {
    static DOI: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b10\.\d{4,9}/[^\s\x22<>]+").expect("static regex"));
    static PMID: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bPMID\s*[:：]?\s*(\d{1,9})\b").expect("static regex"));
    let mut ids: Vec<Identifier> = DOI.find_iter(line).filter_map(|m| Identifier::doi(m.as_str())).collect();
    ids.extend(
        PMID.captures_iter(line).filter_map(|c| c.get(1)).filter_map(|m| Identifier::pmid(m.as_str())),
    );
    ids
}

/// "Keywords: a; b, c" -> the keywords.
fn keywords_of(line: &str) -> Option<Vec<String>> {
    let lower = line.to_lowercase();
    let rest = ["keywords:", "key words:", "keywords", "关键词:", "关键词："]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| line.get(p.len()..)).flatten())?;
    let sep = if rest.contains(';') { ';' } else { ',' };
    let k: Vec<String> = rest
        .split(sep)
        .map(|s| squash_ws(s).trim_end_matches('.').to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!k.is_empty()).then_some(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_lists() {
        let a = split_author_list("N O'Leary, F Wynne, P Moore");
        let fam: Vec<&str> = a.iter().map(|a| a.family.as_str()).collect();
        assert_eq!(fam, ["O'Leary", "Wynne", "Moore"]);
        let a = split_author_list("O'Leary, N., Wynne, F.");
        let fam: Vec<&str> = a.iter().map(|a| a.family.as_str()).collect();
        assert_eq!(fam, ["O'Leary", "Wynne"]);
    }

    #[test]
    fn plausibility() {
        assert!(plausible_volume("22") && plausible_volume("Suppl 2") && !plausible_volume("1 1"));
        assert!(plausible_pages("554-560") && plausible_pages("e0267787") && !plausible_pages("see text"));
    }
}
