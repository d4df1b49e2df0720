//! CSL-JSON reader: an array of items (Zotero, Better BibTeX, pandoc,
//! openalexPro) or a single item object (Crossref content negotiation).
//!
//! Each array item is located by a small string-aware scanner and parsed on
//! its own with `serde_json`, so one broken item (or a truncated file) becomes
//! a diagnostic with its line and ordinal while the other items are kept, and
//! every record and Crossref `reference` entry gets the line it starts on.
//!
//! Dates accept numbers or strings in `date-parts` (`["2011", 5]`), negative
//! (BCE) years, ranges (the start is used), seasons, empty `date-parts` and
//! `raw`/`literal` fallbacks. Titles and abstracts lose HTML/JATS markup.
//! Authors are `{family, given}`, `{literal}` (an organisation), or openalexPro's `{given: "",
//! family: "Full Name"}` (split with [`crate::model::norm::parse_person`]).

use super::dates;
use super::normalize::{self, LineIndex};
use super::refs;
use crate::model::norm::{normalize_orcid, squash_ws, strip_tags};
use crate::model::{
    Author, Citation, CitationDetail, Date, Diagnostic, Identifier, Parsed, Provenance, Record,
};
use serde_json::Value;

/// The format name written into [`Record::source_kind`].
pub const NAME: &str = "csl-json";

/// End (exclusive) of the JSON value starting at `start`; `None` when the
/// text ends first.
fn scan_value(b: &[u8], start: usize) -> Option<usize> {
    match b.get(start)? {
        b'"' => scan_string(b, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = scan_string(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let mut i = start;
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']') && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            Some(i)
        }
    }
}

fn scan_string(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
        i += 1;
    }
    i
}

/// Spans of the items of the array opening at `open`; the flag is false when
/// the array is not closed (truncated text), the last span then runs to the end.
fn array_items(b: &[u8], open: usize) -> (Vec<(usize, usize)>, bool) {
    let mut spans = Vec::new();
    let mut i = open + 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i) {
            None => return (spans, false),
            Some(b']') => return (spans, true),
            Some(_) => match scan_value(b, i) {
                Some(end) => {
                    spans.push((i, end));
                    i = end.max(i + 1);
                }
                None => {
                    spans.push((i, b.len()));
                    return (spans, false);
                }
            },
        }
    }
}

/// Start of the value of top-level `key` in the object at `open`.
fn object_value(b: &[u8], open: usize, key: &str) -> Option<usize> {
    let mut i = open + 1;
    loop {
        i = skip_ws(b, i);
        if *b.get(i)? != b'"' {
            return None;
        }
        let kend = scan_string(b, i)?;
        let name = b.get(i + 1..kend - 1)?;
        i = kend;
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace() || *c == b':') {
            i += 1;
        }
        if name == key.as_bytes() {
            return Some(i);
        }
        i = scan_value(b, i)?;
    }
}

/// True when `text` is CSL-JSON: an array whose first item, or a single
/// object that parses completely, has a `type` and a `title`, `author`,
/// `issued` or `DOI`.
pub fn sniff(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}');
    let b = t.as_bytes();
    let start = skip_ws(b, 0);
    let item: Option<Value> = match b.get(start) {
        Some(b'[') => {
            let first = skip_ws(b, start + 1);
            if b.get(first) != Some(&b'{') {
                return false;
            }
            scan_value(b, first).and_then(|end| t.get(first..end)).and_then(|s| serde_json::from_str(s).ok())
        }
        Some(b'{') => serde_json::from_str(t).ok(),
        _ => None,
    };
    item.as_ref().and_then(Value::as_object).is_some_and(|o| {
        o.get("type").is_some_and(Value::is_string)
            && ["title", "author", "issued", "DOI", "container-title"].iter().any(|k| o.contains_key(*k))
    })
}

/// Reads a CSL-JSON file. `input` is the label used in provenance.
pub fn parse(input: &str, text: &str) -> Parsed {
    let li = LineIndex::new(text);
    let b = text.as_bytes();
    let mut parsed = Parsed::default();
    let mut start = 0;
    if text.starts_with('\u{feff}') {
        start = '\u{feff}'.len_utf8();
    }
    let start = skip_ws(b, start);
    let (spans, closed) = match b.get(start) {
        Some(b'[') => array_items(b, start),
        Some(b'{') => match scan_value(b, start) {
            Some(end) => (vec![(start, end)], true),
            None => (vec![(start, b.len())], false),
        },
        _ => {
            parsed.diagnostics.push(Diagnostic::error(
                Provenance::new(input, li.line_of(start), None),
                "not CSL-JSON: expected an array or an object",
            ));
            return parsed;
        }
    };
    parsed.seen = spans.len();
    for (i, &(s, e)) in spans.iter().enumerate() {
        let line = li.line_of(s);
        let slice = text.get(s..e).unwrap_or("");
        match serde_json::from_str::<Value>(slice) {
            Ok(v @ Value::Object(_)) => {
                // Lines of the Crossref `reference` entries, located once per item.
                let ref_lines: Vec<u32> = object_value(b, s, "reference")
                    .filter(|&rs| b.get(rs) == Some(&b'['))
                    .map(|rs| array_items(b, rs).0.iter().map(|&(p, _)| li.line_of(p)).collect())
                    .unwrap_or_default();
                let mut rec = to_record(input, &v, i, line, &ref_lines, &mut parsed.diagnostics);
                parsed.diagnostics.extend(super::table::book_isbn_only(&mut rec));
                parsed.records.push(rec);
            }
            Ok(_) => parsed.diagnostics.push(Diagnostic::warning(
                Provenance::new(input, line, Some(format!("#{}", i + 1))),
                "item is not an object: record dropped",
            )),
            Err(err) => parsed.diagnostics.push(Diagnostic::error(
                Provenance::new(
                    input,
                    line.saturating_add(u32::try_from(err.line()).unwrap_or(1).saturating_sub(1)),
                    Some(format!("#{}", i + 1)),
                ),
                format!("broken JSON item: {err}: record dropped"),
            )),
        }
    }
    if !closed {
        parsed.diagnostics.push(Diagnostic::error(
            Provenance::new(input, li.line_of(text.len()), None),
            format!("JSON ends before the closing bracket: kept {} item(s)", parsed.records.len()),
        ));
    }
    parsed
}

fn str_of(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => return a.iter().find_map(|x| str_of(Some(x))),
        _ => return None,
    };
    let s = squash_ws(&s);
    (!s.is_empty()).then_some(s)
}

fn strings_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| str_of(Some(x))).collect(),
        Some(x) => str_of(Some(x)).into_iter().collect(),
        None => Vec::new(),
    }
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A CSL date object: the start of `date-parts`, else `raw`/`literal` text.
fn csl_date(v: Option<&Value>) -> Option<Date> {
    let v = v?;
    if let Some(first) =
        v.get("date-parts").and_then(Value::as_array).and_then(|a| a.first()).and_then(Value::as_array)
    {
        if let Some(year) =
            first.first().and_then(int_of).and_then(|y| i32::try_from(y).ok()).filter(|y| *y != 0)
        {
            let month = first
                .get(1)
                .and_then(int_of)
                .and_then(|m| u8::try_from(m).ok())
                .filter(|m| (1..=12).contains(m));
            let day = month
                .and(first.get(2).and_then(int_of))
                .and_then(|d| u8::try_from(d).ok())
                .filter(|d| (1..=31).contains(d));
            return Some(Date { year, month, day });
        }
    }
    ["raw", "literal"].iter().find_map(|k| v.get(*k).and_then(Value::as_str)).and_then(dates::parse)
}

fn to_author(v: &Value) -> Option<Author> {
    let family = str_of(v.get("family")).unwrap_or_default();
    let given = str_of(v.get("given")).unwrap_or_default();
    let mut a = if let Some(lit) = str_of(v.get("literal")) {
        // CSL keeps `literal` for names that are not to be split: institutions.
        // "Family, Given" in a literal is still a person.
        if lit.contains(',') && !normalize::looks_like_org(&lit) {
            Author::person(&lit)
        } else {
            Author::org(&lit)
        }
    } else if given.is_empty() && family.contains(' ') {
        // openalexPro writes the whole name into `family`.
        Author::person(&family)
    } else if family.is_empty() && given.is_empty() {
        return None;
    } else {
        let particle = str_of(v.get("non-dropping-particle")).map(|p| format!("{p} ")).unwrap_or_default();
        let family = format!("{particle}{family}");
        let dropping = str_of(v.get("dropping-particle")).map(|p| format!(" {p}")).unwrap_or_default();
        let suffix = str_of(v.get("suffix")).map(|s| format!(" {s}")).unwrap_or_default();
        let given = format!("{given}{dropping}{suffix}").trim().to_string();
        let raw = if given.is_empty() { family.clone() } else { format!("{family}, {given}") };
        Author { raw, family, given, ..Author::default() }
    };
    a.set_orcid(str_of(v.get("ORCID")).and_then(|o| normalize_orcid(&o)));
    if let Some(affs) = v.get("affiliation").and_then(Value::as_array) {
        for aff in affs {
            let name = str_of(aff.get("name")).or_else(|| str_of(Some(aff)));
            if let Some(n) = name {
                normalize::push_unique(a.affiliations_mut(), &n);
            }
        }
    }
    Some(a)
}

fn clean_markup(s: &str) -> String {
    squash_ws(&strip_tags(s))
}

fn to_record(
    input: &str,
    v: &Value,
    ordinal: usize,
    line: u32,
    ref_lines: &[u32],
    diags: &mut Vec<Diagnostic>,
) -> Record {
    let id = str_of(v.get("id")).or_else(|| str_of(v.get("citation-key"))).or_else(|| str_of(v.get("DOI")));
    let key = id.clone().unwrap_or_else(|| format!("#{}", ordinal + 1));
    let mut r = Record::new(Provenance::new(input, line, Some(key.clone())), NAME);
    if let Some(w) = id.as_deref().and_then(|i| i.strip_prefix("https://openalex.org/")) {
        r.add_id(Identifier::Openalex(w.to_string()));
    }
    r.doc_type = str_of(v.get("type")).and_then(|t| normalize::doc_type_from_name(&t));
    r.title = str_of(v.get("title")).map(|t| clean_markup(&t)).filter(|t| !t.is_empty());
    if let Some(ot) = str_of(v.get("original-title")) {
        r.alt_titles.push((None, clean_markup(&ot)));
    }
    if let Some(authors) = v.get("author").and_then(Value::as_array) {
        r.authors = authors.iter().filter_map(to_author).collect();
    }
    r.venue = str_of(v.get("container-title")).map(|t| clean_markup(&t));
    r.venue_abbrev = str_of(v.get("container-title-short")).or_else(|| str_of(v.get("journalAbbreviation")));
    r.publisher = str_of(v.get("publisher"));
    r.volume = str_of(v.get("volume"));
    r.issue = str_of(v.get("issue"));
    r.pages = str_of(v.get("page")).and_then(|p| normalize::normalize_pages(&p));
    if r.pages.is_none() {
        r.pages = str_of(v.get("number")).filter(|_| r.doc_type == Some(crate::model::DocType::Article));
    }
    r.published = csl_date(v.get("issued"))
        .or_else(|| csl_date(v.get("published-print")))
        .or_else(|| csl_date(v.get("published")));
    r.epublished = csl_date(v.get("published-online"));
    let at = r.at.clone();
    if let Some(d) =
        super::table::checked_id(str_of(v.get("DOI")).as_deref(), Identifier::doi, "DOI", &at, diags)
    {
        r.add_id(d);
    }
    if let Some(p) =
        super::table::checked_id(str_of(v.get("PMID")).as_deref(), Identifier::pmid, "PMID", &at, diags)
    {
        r.add_id(p);
    }
    if let Some(p) = str_of(v.get("PMCID")) {
        let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() {
            r.add_id(Identifier::Pmcid(format!("PMC{digits}")));
        }
    }
    for isbn in strings_of(v.get("ISBN")) {
        for part in isbn.split([' ', ',', ';']) {
            if let Some(i) = normalize::normalize_isbn(part) {
                r.add_id(Identifier::Isbn(i));
            }
        }
    }
    for issn in strings_of(v.get("ISSN")) {
        for part in issn.split([',', ';']) {
            if let Some(i) = normalize::normalize_issn(part) {
                normalize::push_unique(&mut r.issn, &i);
            }
        }
    }
    r.abstract_text = str_of(v.get("abstract"))
        .map(|a| normalize::layout_abstract(&clean_markup(&a)))
        .filter(|a| !a.is_empty());
    for kw in strings_of(v.get("keyword")) {
        let sep = if kw.contains(';') { ';' } else { ',' };
        for k in kw.split(sep) {
            normalize::push_unique(&mut r.keywords, k);
        }
    }
    for s in strings_of(v.get("subject")) {
        normalize::push_unique(&mut r.subjects, &s);
    }
    r.language = str_of(v.get("language")).and_then(|l| super::language::language(&l));
    r.times_cited = v
        .get("is-referenced-by-count")
        .and_then(int_of)
        .and_then(|n| u64::try_from(n).ok())
        .or_else(|| str_of(v.get("note")).and_then(|n| normalize::times_cited(&n)));
    if let Some(genre) = str_of(v.get("genre")) {
        r.doc_type = normalize::merge_doc_type(r.doc_type, normalize::doc_type_from_name(&genre));
    }
    r.doc_type = normalize::refine_doc_type(r.doc_type, r.title.as_deref());
    if let Some(refs) = v.get("reference").and_then(Value::as_array) {
        for (i, item) in refs.iter().enumerate() {
            let at = Provenance::new(input, ref_lines.get(i).copied().unwrap_or(line), Some(key.clone()));
            if let Some(c) = to_citation(item, at) {
                r.citations.push(c);
            }
        }
    }
    r.mark_missing();
    r
}

/// One Crossref `reference` entry: structured fields are taken as given; an
/// `unstructured`-only entry goes through [`refs::parse_free_text`].
fn to_citation(v: &Value, at: Provenance) -> Option<Citation> {
    let doi = str_of(v.get("DOI")).and_then(|d| Identifier::doi(&d));
    let author = str_of(v.get("author"));
    let year_raw = str_of(v.get("year"));
    let title = str_of(v.get("article-title")).or_else(|| str_of(v.get("volume-title")));
    let venue = str_of(v.get("journal-title")).or_else(|| str_of(v.get("series-title")));
    let unstructured = str_of(v.get("unstructured"));
    let structured =
        author.is_some() || year_raw.is_some() || title.is_some() || venue.is_some() || doi.is_some();
    let mut c = if structured {
        let year = year_raw.as_deref().and_then(|y| {
            let digits: String = y.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse().ok()
        });
        let raw = unstructured.clone().unwrap_or_else(|| {
            let mut parts = Vec::new();
            parts.extend(author.clone());
            parts.extend(year_raw.as_ref().map(|y| format!("({y})")));
            parts.extend(title.clone());
            parts.extend(venue.clone());
            parts.extend(str_of(v.get("volume")));
            parts.extend(str_of(v.get("first-page")));
            parts.extend(doi.as_ref().map(ToString::to_string));
            parts.join(" ")
        });
        Citation {
            raw,
            authors: author.iter().map(|a| Author::person(a)).collect(),
            year,
            detail: CitationDetail {
                title,
                venue,
                volume: str_of(v.get("volume")),
                issue: str_of(v.get("issue")),
                first_page: str_of(v.get("first-page")),
                ..CitationDetail::default()
            }
            .boxed(),
            count: 1,
            at,
            ..Citation::default()
        }
    } else {
        refs::parse_free_text(&unstructured?, at)
    };
    if let Some(d) = doi {
        if !c.ids.contains(&d) {
            c.ids.push(d);
        }
    }
    c.count = 1;
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_item_keeps_others() {
        let text = "[\n{\"id\": \"a\", \"type\": \"book\", \"title\": \"A\"},\n{\"id\": \"b\", \"type\": \"book\", \"title\": },\n{\"id\": \"c\", \"type\": \"book\", \"title\": \"C\"}\n]";
        let p = parse("x.json", text);
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].at.line, 3);
        assert_eq!(p.records[1].at.line, 4);
    }

    #[test]
    fn dates() {
        let v: Value = serde_json::from_str(r#"{"date-parts": [["-334"]]}"#).expect("json");
        assert_eq!(csl_date(Some(&v)), Some(Date::year(-334)));
        let v: Value =
            serde_json::from_str(r#"{"date-parts": [["2011", 5, 25], ["2012", 6, 26]]}"#).expect("json");
        assert_eq!(csl_date(Some(&v)), Some(Date { year: 2011, month: Some(5), day: Some(25) }));
        let v: Value = serde_json::from_str(r#"{"date-parts": [[2017]], "season": 4}"#).expect("json");
        assert_eq!(csl_date(Some(&v)), Some(Date::year(2017)));
        let v: Value = serde_json::from_str(r#"{"date-parts": []}"#).expect("json");
        assert_eq!(csl_date(Some(&v)), None);
        let v: Value = serde_json::from_str(r#"{"literal": "13th cent"}"#).expect("json");
        assert_eq!(csl_date(Some(&v)), None);
    }
}
