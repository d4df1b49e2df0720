//! Field helpers shared by the export and API readers (WoS, Scopus, Lens,
//! OpenAlex, Crossref, Semantic Scholar): document types, header tables, and
//! a forgiving CSV table reader that keeps line numbers. Dates are read by
//! [`super::dates`], languages by [`super::language`].

use crate::model::{Diagnostic, DocType, Identifier, Provenance};

/// The identifier `parse` reads in `value`, the field `field` of the record
/// at `at`; a value that is there but does not read as one (not a
/// placeholder such as `NA`) is dropped with a warning.
pub fn checked_id(
    value: Option<&str>,
    parse: fn(&str) -> Option<Identifier>,
    field: &str,
    at: &Provenance,
    diags: &mut Vec<Diagnostic>,
) -> Option<Identifier> {
    let v = value?.trim();
    if v.is_empty() || matches!(v.to_ascii_lowercase().as_str(), "na" | "n/a" | "-" | "none" | "null") {
        return None;
    }
    let id = parse(v);
    if id.is_none() {
        let shown: String = v.chars().take(80).collect();
        diags.push(Diagnostic::warning(
            at.clone(),
            format!("{field} {shown:?} does not read as one: id dropped"),
        ));
    }
    id
}

/// A column header folded for comparison across an export's interface
/// languages: letters and digits of any script, lower-cased, everything else
/// dropped (`"Título de la fuente"` -> `"títulodelafuente"`, `"作者 ID"` ->
/// `"作者id"`). Scopus and WoS spreadsheet headers are matched through it.
pub fn header_key(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Index of a localised header table: each `(canonical, names)` row maps
/// [`header_key`] of every name (and of the canonical name itself when
/// `with_canonical`) to the canonical name; the first row to claim a key keeps it.
pub fn header_index(
    table: &[(&'static str, &[&str])],
    with_canonical: bool,
) -> std::collections::HashMap<String, &'static str> {
    let mut m = std::collections::HashMap::new();
    for (canonical, names) in table {
        if with_canonical {
            m.entry(header_key(canonical)).or_insert(*canonical);
        }
        for n in *names {
            m.entry(header_key(n)).or_insert(*canonical);
        }
    }
    m
}

/// A [`DocType`] from the document-type vocabularies of WoS (`Article; Early
/// Access`, `Review`), Scopus, OpenAlex (`article`, `review`, `paratext`),
/// Crossref (`journal-article`, `book-chapter`) and Semantic Scholar
/// (`JournalArticle`, `Review`, `MetaAnalysis`).
pub fn doc_type(raw: &str) -> Option<DocType> {
    let t = raw.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    let has = |s: &str| t.contains(s);
    Some(if has("systematic") {
        DocType::SystematicReview
    } else if has("meta-analysis") || has("metaanalysis") {
        DocType::MetaAnalysis
    } else if has("review") && !has("book review") {
        DocType::Review
    } else if has("guideline") {
        DocType::Guideline
    } else if has("chapter") || has("book-part") || has("book-section") || has("bookchapter") {
        DocType::Chapter
    } else if t == "book" || t == "b" || has("monograph") || t.starts_with("book") && !has("review") {
        DocType::Book
    } else if has("proceedings") || has("conference") || has("meeting") {
        DocType::Conference
    } else if has("dissertation") || has("thesis") {
        DocType::Thesis
    } else if has("preprint") || has("posted-content") {
        DocType::Preprint
    } else if has("editorial") || has("letter") || has("comment") || has("note") || has("erratum") {
        DocType::Editorial
    } else if has("report") || has("standard") {
        DocType::Report
    } else if has("article") || t == "j" || has("journal") {
        DocType::Article
    } else {
        DocType::Other
    })
}

/// An ISBN identifies a book. A chapter, a conference paper or an article in
/// a book carries its container's ISBN, which every other part of that book
/// shares: it is not the part's identifier and would merge a book with its
/// chapters. For such records the ISBN ids are taken out of `ids` and an info
/// diagnostic says so (nothing leaves without a word).
pub fn book_isbn_only(r: &mut crate::model::Record) -> Option<Diagnostic> {
    use crate::model::Identifier;
    let part = matches!(
        r.doc_type,
        Some(
            DocType::Chapter | DocType::Conference | DocType::Article | DocType::Review | DocType::Editorial
        )
    );
    if !part || !r.ids.iter().any(|i| matches!(i, Identifier::Isbn(_))) {
        return None;
    }
    let isbns: Vec<String> = r
        .ids
        .iter()
        .filter_map(|i| if let Identifier::Isbn(v) = i { Some(v.clone()) } else { None })
        .collect();
    r.ids.retain(|i| !matches!(i, Identifier::Isbn(_)));
    Some(Diagnostic::info(
        r.at.clone(),
        format!(
            "ISBN {} is the containing book's, not this {}'s: not used as its identifier",
            isbns.join(", "),
            r.doc_type.map_or("part", DocType::as_str)
        ),
    ))
}

pub use crate::model::norm::squash_cow;

/// Empty and `NA` cells count as absent.
pub fn cell(raw: &str) -> Option<&str> {
    let t = raw.trim();
    (!t.is_empty() && t != "NA" && t != "[No abstract available]").then_some(t)
}

/// Line (1-based) of the first `"key": "value"` (or `"key":"value"`) in
/// `text` at or after byte `*cursor`; moves the cursor past it. Gives JSON
/// records read through `serde_json::Value` the line they start on.
pub fn locate_json_value(text: &str, key: &str, value: &str, cursor: &mut usize) -> Option<u32> {
    let rest = text.get(*cursor..)?;
    let a = rest.find(&format!("\"{key}\": \"{value}\""));
    let b = rest.find(&format!("\"{key}\":\"{value}\""));
    let pos = match (a, b) {
        (Some(x), Some(y)) => x.min(y),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => return None,
    };
    let abs = *cursor + pos;
    *cursor = abs + 1;
    let line = text.get(..abs)?.matches('\n').count() + 1;
    u32::try_from(line).ok()
}

/// A parsed CSV table: header, rows with their 1-based starting line.
#[derive(Debug, Default)]
pub struct Table {
    /// Header cells (trimmed, BOM removed).
    pub header: Vec<String>,
    /// Data rows with the line they start on.
    pub rows: Vec<(u32, Vec<String>)>,
    /// Data rows the CSV reader could not read (each dropped with a warning).
    pub bad_rows: usize,
}

impl Table {
    /// Index of the column called `name` (exact, then case-insensitive).
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .or_else(|| self.header.iter().position(|h| h.eq_ignore_ascii_case(name)))
    }
}

/// Reads CSV (RFC 4180 quoting, embedded newlines) into a [`Table`]; rows
/// that cannot be read become diagnostics, the rest is kept. Rows with a
/// different number of fields are kept as they are (callers realign them).
pub fn read_csv(input: &str, text: &str, delimiter: u8, diags: &mut Vec<Diagnostic>) -> Table {
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut record = csv::StringRecord::new();
    let mut first = true;
    loop {
        let before = u32::try_from(rdr.position().line()).unwrap_or(u32::MAX);
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().and_then(|p| u32::try_from(p.line()).ok()).unwrap_or(before);
                let cells: Vec<String> = record.iter().map(str::to_string).collect();
                if first {
                    table.header = cells.iter().map(|h| h.trim().to_string()).collect();
                    first = false;
                } else if cells.iter().any(|c| !c.trim().is_empty()) {
                    table.rows.push((line.max(1), cells));
                }
            }
            Err(e) => {
                let line = e.position().and_then(|p| u32::try_from(p.line()).ok()).unwrap_or(before);
                table.bad_rows += 1;
                let key = format!("row {}", table.rows.len() + table.bad_rows);
                diags.push(Diagnostic::warning(
                    Provenance::new(input, line.max(1), Some(key)),
                    format!("unreadable CSV row: {e}: record dropped"),
                ));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    table
}

/// Cells of a header line split at `delim` outside double quotes (quotes
/// removed; a header line holds no embedded newline), for sniffing a
/// spreadsheet export by its column names before the table is read.
pub fn split_header(line: &str, delim: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.trim_end_matches('\r').chars() {
        match c {
            '"' => quoted = !quoted,
            c if c == delim && !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `squash_cow` says what `squash_ws` says, borrowing when it can: for
    /// every string of up to three pieces (spaces of each kind leading,
    /// trailing, doubled and between words).
    #[test]
    fn squash_cow_is_squash_ws() {
        let pieces = ["", " ", "a", "b c", "  ", "\t", "\n", "\r", "\u{a0}", "\u{3000}", "é", ".", "x"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(squash_cow(&s), crate::model::norm::squash_ws(&s), "{s:?}");
                }
            }
        }
        assert!(matches!(squash_cow(" plain words "), std::borrow::Cow::Borrowed("plain words")));
    }

    #[test]
    fn doc_types() {
        assert_eq!(doc_type("Article; Early Access"), Some(DocType::Article));
        assert_eq!(doc_type("Review"), Some(DocType::Review));
        assert_eq!(doc_type("journal-article"), Some(DocType::Article));
        assert_eq!(doc_type("book-chapter"), Some(DocType::Chapter));
        assert_eq!(doc_type("paratext"), Some(DocType::Other));
    }

    #[test]
    fn csv_lines() {
        let mut d = Vec::new();
        let t = read_csv("t", "a,b\n1,\"x\ny\"\n2,3\n", b',', &mut d);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].0, 2);
        assert_eq!(t.rows[1].0, 4);
    }
}
