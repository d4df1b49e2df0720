//! Citation-matrix reader for umbrella reviews (overviews of reviews): the
//! GROOVE / ccaR layout with one row per primary study, one column per review,
//! `1` = included, `0` = not included, `X` or a blank cell = structurally
//! missing (the review could not have included the study).
//!
//! This is not a bibliographic reader: it yields a [`CitationMatrix`], not
//! [`Record`](crate::model::Record)s, and is not part of
//! [`Format`](super::Format). Text input may be `;`, `,` or tab separated
//! (detected from the header row); `.xlsx` workbooks are read with calamine
//! (first worksheet).
//!
//! Unlike the bibliographic readers, a malformed matrix is refused as a whole
//! ([`Error`], naming line, row and column), because a silently skipped cell
//! would change every overlap figure. Problems that do not change the numbers
//! (trailing blank rows or columns, probable duplicate study labels) are
//! [`Diagnostic`]s.
//!
//! **Invariant:** never panics, whatever the bytes.

use crate::model::norm::{fold, squash_ws};
use crate::model::{Diagnostic, Provenance};
use petgraph::unionfind::UnionFind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One cell of a citation matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    /// The review includes the study (`1`).
    Included,
    /// The review does not include the study (`0`).
    NotIncluded,
    /// Structurally missing: the review could not have included the study
    /// (`X`, `NA` or a blank cell).
    Missing,
}

impl Cell {
    /// The text written to a matrix CSV: `1`, `0` or `X`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cell::Included => "1",
            Cell::NotIncluded => "0",
            Cell::Missing => "X",
        }
    }
}

/// Why a matrix could not be read. Every variant names the input and, where
/// there is one, the line and the row and column labels.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A cell holds something other than 1, 0, X or blank.
    #[error("{input}:{line}: row {row:?}, column {column:?}: cell {value:?} is not 1, 0, X or blank")]
    BadCell {
        /// Input label.
        input: String,
        /// 1-based line (spreadsheet row).
        line: u32,
        /// Study label of the row.
        row: String,
        /// Review label of the column.
        column: String,
        /// The cell text.
        value: String,
    },
    /// Two review columns carry the same label (after whitespace and case folding).
    #[error("{input}:{line}: review column {column:?} (column {index}) duplicates column {first}")]
    DuplicateReview {
        /// Input label.
        input: String,
        /// Line of the header.
        line: u32,
        /// The repeated label.
        column: String,
        /// 1-based column number of the repeat.
        index: usize,
        /// 1-based column number of the first occurrence.
        first: usize,
    },
    /// A row has fewer cells than the header, or extra non-blank cells.
    #[error("{input}:{line}: row {row:?} has {found} cells, the header has {expected}")]
    Ragged {
        /// Input label.
        input: String,
        /// 1-based line.
        line: u32,
        /// Study label of the row.
        row: String,
        /// Cells found (including the label).
        found: usize,
        /// Cells in the header (including the label column).
        expected: usize,
    },
    /// A row between study rows with neither a label nor any cell.
    #[error("{input}:{line}: empty row (no study label and no cells) between study rows")]
    EmptyRow {
        /// Input label.
        input: String,
        /// 1-based line.
        line: u32,
    },
    /// A row with cells but no study label.
    #[error("{input}:{line}: row has cells but no study label")]
    MissingStudyLabel {
        /// Input label.
        input: String,
        /// 1-based line.
        line: u32,
    },
    /// A header cell without a review label above a column that has data.
    #[error("{input}:{line}: column {index} has no review label")]
    MissingReviewLabel {
        /// Input label.
        input: String,
        /// Line of the header.
        line: u32,
        /// 1-based column number.
        index: usize,
    },
    /// A review column with no 0 or 1 in any row.
    #[error("{input}: review column {column:?} (column {index}) is empty: no 0 or 1 in any row")]
    EmptyColumn {
        /// Input label.
        input: String,
        /// Review label.
        column: String,
        /// 1-based column number.
        index: usize,
    },
    /// The input has no header row.
    #[error("{input}: no header row")]
    NoHeader {
        /// Input label.
        input: String,
    },
    /// The header names no review.
    #[error("{input}: the header names no review column")]
    NoReviews {
        /// Input label.
        input: String,
    },
    /// No study rows after the header.
    #[error("{input}: no primary-study rows after the header")]
    NoStudies {
        /// Input label.
        input: String,
    },
    /// The CSV layer refused a row.
    #[error("{input}:{line}: {message}")]
    Csv {
        /// Input label.
        input: String,
        /// 1-based line.
        line: u32,
        /// What the CSV reader said.
        message: String,
    },
    /// The workbook could not be opened or has no worksheet.
    #[error("{input}: cannot read workbook: {message}")]
    Workbook {
        /// Input label.
        input: String,
        /// What calamine said.
        message: String,
    },
}

/// A study row as read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixRow {
    /// Study label, trimmed (inner spacing kept as written).
    pub label: String,
    /// 1-based line (spreadsheet row) it came from.
    pub line: u32,
    /// One cell per review column.
    pub cells: Vec<Cell>,
}

/// Study labels that probably name the same study.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// `exact` (equal after whitespace, case and punctuation normalisation),
    /// `near` (similar spelling, same year: "may be the same") or
    /// `name_variant` (author names that look like misspellings of each
    /// other, any year: check the spelling).
    pub kind: String,
    /// Row indices into [`CitationMatrix::rows`], ascending.
    pub rows: Vec<usize>,
    /// The labels, in row order.
    pub labels: Vec<String>,
}

/// A citation matrix as read from one input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitationMatrix {
    /// Input label.
    pub input: String,
    /// Review labels, in column order (trimmed).
    pub reviews: Vec<String>,
    /// Study rows in input order.
    pub rows: Vec<MatrixRow>,
    /// Probable duplicate study labels (see [`duplicate_studies`]).
    pub duplicates: Vec<DuplicateGroup>,
    /// Notes that do not change the numbers (skipped blank rows, duplicates).
    pub diagnostics: Vec<Diagnostic>,
}

/// True when `bytes` look like an xlsx workbook (a zip archive).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads a matrix from bytes: an xlsx workbook when the bytes are a zip
/// archive, else UTF-8 text (a BOM is skipped, invalid bytes replaced).
pub fn read_bytes(input: &str, bytes: &[u8]) -> Result<CitationMatrix, Error> {
    if is_xlsx(bytes) {
        return parse_xlsx(input, bytes);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    parse(input, &text)
}

/// The delimiter of a text matrix: whichever of `;`, `,` and tab occurs most
/// often outside quotes in the first non-blank line (`;` wins ties, as in the
/// GROOVE and ccaR files).
pub fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for c in header.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => counts[0] += 1,
            ',' if !in_quotes => counts[1] += 1,
            '\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let delims = [b';', b',', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    delims[best]
}

/// Reads a text matrix (comma, semicolon or tab separated; detected).
pub fn parse(input: &str, text: &str) -> Result<CitationMatrix, Error> {
    // The csv crate's line numbers drift on CRLF input; with plain LF line
    // ends they are the lines an editor shows.
    let normalised;
    let text = if text.contains('\r') {
        normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        normalised.as_str()
    } else {
        text
    };
    let delim = detect_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                grid.push((line, record.iter().map(str::to_string).collect::<Vec<_>>()));
            }
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                return Err(Error::Csv { input: input.to_string(), line, message: e.to_string() });
            }
        }
    }
    from_grid(input, grid)
}

/// Reads the first worksheet of an xlsx workbook.
pub fn parse_xlsx(input: &str, bytes: &[u8]) -> Result<CitationMatrix, Error> {
    use calamine::{Data, Reader, Xlsx};
    let wb_err = |m: String| Error::Workbook { input: input.to_string(), message: m };
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| wb_err(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| wb_err("no worksheet".into()))?
        .map_err(|e| wb_err(e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| r);
    let first_col = range.start().map_or(0, |(_, c)| c) as usize;
    let mut grid = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let line = first_row.saturating_add(u32::try_from(i).unwrap_or(u32::MAX)).saturating_add(1);
        // Cells left of the used range are blank; keep column numbers true.
        let mut cells = vec![String::new(); first_col];
        cells.extend(row.iter().map(|d| match d {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            other => other.to_string(),
        }));
        grid.push((line, cells));
    }
    from_grid(input, grid)
}

fn parse_cell(s: &str) -> Option<Cell> {
    match s.trim() {
        "1" | "1.0" => Some(Cell::Included),
        "0" | "0.0" => Some(Cell::NotIncluded),
        "" | "X" | "x" | "NA" => Some(Cell::Missing),
        _ => None,
    }
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// Builds a matrix from rows of cell texts with their line numbers (header first).
fn from_grid(input: &str, grid: Vec<(u32, Vec<String>)>) -> Result<CitationMatrix, Error> {
    let inp = || input.to_string();
    let mut diagnostics = Vec::new();
    let mut it = grid.into_iter().skip_while(|(_, cells)| is_blank(cells));
    let (header_line, header) = it.next().ok_or_else(|| Error::NoHeader { input: inp() })?;
    // Trailing header cells that are blank are kept for now: they are dropped
    // below only if their whole column is blank.
    let header: Vec<String> = header.iter().map(|s| s.trim().to_string()).collect();
    let mut width = header.len();
    while width > 1 && header.get(width - 1).is_some_and(|h| h.is_empty()) {
        width -= 1;
    }
    let reviews: Vec<String> = header.iter().skip(1).take(width.saturating_sub(1)).cloned().collect();
    if reviews.is_empty() {
        return Err(Error::NoReviews { input: inp() });
    }
    for (i, r) in reviews.iter().enumerate() {
        if r.is_empty() {
            return Err(Error::MissingReviewLabel { input: inp(), line: header_line, index: i + 2 });
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, r) in reviews.iter().enumerate() {
        if let Some(&first) = seen.get(&fold(r)) {
            return Err(Error::DuplicateReview {
                input: inp(),
                line: header_line,
                column: r.clone(),
                index: i + 2,
                first,
            });
        }
        seen.insert(fold(r), i + 2);
    }

    let body: Vec<(u32, Vec<String>)> = it.collect();
    // Blank rows at the end (spreadsheet exports often have them) are skipped.
    let n_body = body.iter().rposition(|(_, c)| !is_blank(c)).map_or(0, |p| p + 1);
    if n_body < body.len() {
        if let Some((line, _)) = body.get(n_body) {
            diagnostics.push(Diagnostic::info(
                Provenance::new(input, *line, None),
                format!("{} blank trailing row(s) skipped", body.len() - n_body),
            ));
        }
    }
    let mut rows = Vec::with_capacity(n_body);
    let mut trailing_extra = false;
    for (line, cells) in body.into_iter().take(n_body) {
        if is_blank(&cells) {
            return Err(Error::EmptyRow { input: inp(), line });
        }
        let label = cells.first().map(|s| s.trim().to_string()).unwrap_or_default();
        if label.is_empty() {
            return Err(Error::MissingStudyLabel { input: inp(), line });
        }
        let extra = cells.get(width..).unwrap_or(&[]);
        if cells.len() < width || !is_blank(extra) {
            return Err(Error::Ragged {
                input: inp(),
                line,
                row: label,
                found: cells.len(),
                expected: width,
            });
        }
        trailing_extra |= !extra.is_empty();
        let mut row = Vec::with_capacity(reviews.len());
        for (j, review) in reviews.iter().enumerate() {
            let text = cells.get(j + 1).map_or("", String::as_str);
            let cell = parse_cell(text).ok_or_else(|| Error::BadCell {
                input: inp(),
                line,
                row: label.clone(),
                column: review.clone(),
                value: text.to_string(),
            })?;
            row.push(cell);
        }
        rows.push(MatrixRow { label, line, cells: row });
    }
    if trailing_extra {
        diagnostics.push(Diagnostic::info(
            Provenance::new(input, header_line, None),
            "blank cells after the last review column ignored",
        ));
    }
    if rows.is_empty() {
        return Err(Error::NoStudies { input: inp() });
    }
    for (j, review) in reviews.iter().enumerate() {
        if rows.iter().all(|r| r.cells.get(j) == Some(&Cell::Missing)) {
            return Err(Error::EmptyColumn { input: inp(), column: review.clone(), index: j + 2 });
        }
    }
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    let duplicates = duplicate_studies(&labels);
    for g in &duplicates {
        let line = g.rows.first().and_then(|&i| rows.get(i)).map_or(0, |r| r.line);
        let quoted: Vec<String> = g.labels.iter().map(|l| format!("{l:?}")).collect();
        let what = match g.kind.as_str() {
            "exact" => "probable duplicate study (labels equal after normalisation)",
            "near" => "study labels may name the same study",
            _ => "author names may be spelling variants",
        };
        diagnostics.push(Diagnostic::warning(
            Provenance::new(input, line, None),
            format!("{what}: {}", quoted.join(", ")),
        ));
    }
    Ok(CitationMatrix { input: input.to_string(), reviews, rows, duplicates, diagnostics })
}

/// The key under which two study labels count as the same study: folded
/// (case and accents ignored), apostrophes dropped, other punctuation and
/// whitespace runs collapsed to one space. `Safarinejad  2009` and
/// `safarinejad 2009` share a key; `Montorsi 2004_1` and `Montorsi 20041` do
/// not (punctuation separates tokens, it is not deleted).
pub fn study_key(label: &str) -> String {
    let folded = fold(label);
    let spaced: String = folded
        .chars()
        .filter(|c| *c != '\'')
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    squash_ws(&spaced)
}

/// Splits a folded label into its letters-only name part and its year token
/// (first run of 4 digits with any letter suffix, e.g. `2010a`).
fn name_and_year(label: &str) -> (String, String) {
    let folded = fold(label);
    let mut name = String::new();
    let mut year = String::new();
    let chars: Vec<char> = folded.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if c.is_ascii_digit() {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            if year.is_empty() && i - start == 4 {
                year = chars.get(start..i).map(|s| s.iter().collect()).unwrap_or_default();
                // A suffix glued to the year ("2010a", "2005_1", "2005-2")
                // distinguishes studies of one author and year; a name glued
                // to the year ("2016Alaraudanjoki") is not a suffix.
                let next = chars.get(i).copied();
                let after = chars.get(i + 1).copied();
                if next.is_some_and(|c| c.is_ascii_lowercase())
                    && !after.is_some_and(|c| c.is_ascii_lowercase())
                {
                    year.extend(next);
                    i += 1;
                } else if matches!(next, Some('_' | '-')) && after.is_some_and(|c| c.is_ascii_digit()) {
                    year.extend(next);
                    i += 1;
                    while let Some(&d) = chars.get(i).filter(|d| d.is_ascii_digit()) {
                        year.push(d);
                        i += 1;
                    }
                }
            }
            continue;
        }
        if c.is_ascii_lowercase() {
            name.push(c);
        } else if !name.ends_with(' ') && !name.is_empty() {
            name.push(' ');
        }
        i += 1;
    }
    (squash_ws(&name), year)
}

/// Probable duplicates among study labels.
///
/// `exact` groups: labels with the same [`study_key`] (`Safarinejad  2009` and
/// `Safarinejad 2009`). `near` groups (a softer "may be the same"): labels with
/// the same year token whose name parts differ by a small edit (normalised
/// Damerau-Levenshtein similarity >= 0.85 on names of 6+ letters:
/// `Rudio-Aurioles 2012` / `Rubio-Aurioles 2012`) or where one name is the
/// trailing words of the other (`Tejada 2002` / `De Tejada 2002` /
/// `Saenz de Tejada 2002`). Near groups are connected components of those
/// pairs, minus pairs already in one exact group.
///
/// Complexity: labels are blocked by year token, so the pairwise comparison is
/// quadratic only within one year.
pub fn duplicate_studies(labels: &[&str]) -> Vec<DuplicateGroup> {
    let mut out = Vec::new();
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, l) in labels.iter().enumerate() {
        by_key.entry(study_key(l)).or_default().push(i);
    }
    // One representative per exact key; near matching runs over keys.
    let mut rep_of_key: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, rows) in &by_key {
        if rows.len() > 1 && !k.is_empty() {
            out.push(group("exact", rows.clone(), labels));
        }
        if let Some(&first) = rows.first() {
            rep_of_key.insert(k.as_str(), first);
        }
    }
    let mut blocks: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for &i in rep_of_key.values() {
        let (name, year) = name_and_year(labels.get(i).copied().unwrap_or(""));
        if !name.is_empty() {
            blocks.entry(year).or_default().push((i, name));
        }
    }
    // Union-find over representatives (indices into `labels`).
    let mut near: UnionFind<usize> = UnionFind::new(labels.len());
    for members in blocks.values() {
        for (a, (ia, na)) in members.iter().enumerate() {
            for (ib, nb) in members.iter().skip(a + 1) {
                if names_may_match(na, nb) {
                    near.union(*ia, *ib);
                }
            }
        }
    }
    let mut comps: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &x in rep_of_key.values() {
        comps.entry(near.find_mut(x)).or_default().push(x);
    }
    for (_, mut rows) in comps {
        if rows.len() > 1 {
            rows.sort_unstable();
            out.push(group("near", rows, labels));
        }
    }
    out.extend(name_variants(labels));
    out.sort_by(|a, b| a.rows.first().cmp(&b.rows.first()).then(a.kind.cmp(&b.kind)));
    out
}

/// Groups of labels whose author names are probable misspellings of each
/// other whatever the year (`Rudio-Aurioles 2012` / `Rubio-Aurioles 2009`):
/// distinct letter-only names of 6+ letters with normalised
/// Damerau-Levenshtein similarity >= 0.85. Only names within 2 letters of
/// length of each other are compared (a longer gap cannot reach 0.85 at
/// these lengths often enough to matter), after sorting by length.
fn name_variants(labels: &[&str]) -> Vec<DuplicateGroup> {
    let mut rows_of: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, l) in labels.iter().enumerate() {
        let (name, _) = name_and_year(l);
        let compact: String = name.chars().filter(|c| c.is_ascii_lowercase()).collect();
        if compact.len() >= 6 {
            rows_of.entry(compact).or_default().push(i);
        }
    }
    let mut names: Vec<&String> = rows_of.keys().collect();
    names.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
    let mut variants: UnionFind<usize> = UnionFind::new(names.len());
    for (a, na) in names.iter().enumerate() {
        for (b, nb) in names.iter().enumerate().skip(a + 1) {
            if nb.len() > na.len() + 2 {
                break;
            }
            if strsim::normalized_damerau_levenshtein(na, nb) >= 0.85 {
                variants.union(a, b);
            }
        }
    }
    // Per component: its names' rows and how many names it holds.
    let mut comps: BTreeMap<usize, (Vec<usize>, usize)> = BTreeMap::new();
    for (i, n) in names.iter().enumerate() {
        let comp = comps.entry(variants.find_mut(i)).or_default();
        comp.0.extend(rows_of.get(*n).into_iter().flatten());
        comp.1 += 1;
    }
    let mut out = Vec::new();
    for (mut rows, n_names) in comps.into_values() {
        if n_names > 1 {
            rows.sort_unstable();
            out.push(group("name_variant", rows, labels));
        }
    }
    out
}

fn group(kind: &str, rows: Vec<usize>, labels: &[&str]) -> DuplicateGroup {
    let labels = rows.iter().map(|&i| labels.get(i).copied().unwrap_or("").to_string()).collect();
    DuplicateGroup { kind: kind.to_string(), rows, labels }
}

fn names_may_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.ends_with(&format!(" {short}")) && short.len() >= 4 {
        return true;
    }
    let ca: String = a.chars().filter(|c| c.is_ascii_lowercase()).collect();
    let cb: String = b.chars().filter(|c| c.is_ascii_lowercase()).collect();
    ca.len().min(cb.len()) >= 6 && strsim::normalized_damerau_levenshtein(&ca, &cb) >= 0.85
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter("a;b;c\n1;0;1"), b';');
        assert_eq!(detect_delimiter("a,b,c\n1,0,1"), b',');
        assert_eq!(detect_delimiter("\"x;y\",b,c\n"), b',');
        assert_eq!(detect_delimiter("a\tb\n"), b'\t');
    }

    #[test]
    fn name_and_year_split() {
        assert_eq!(name_and_year("Saenz de Tejada 2002"), ("saenz de tejada".into(), "2002".into()));
        assert_eq!(name_and_year("2016Alaraudanjoki"), ("alaraudanjoki".into(), "2016".into()));
        assert_eq!(name_and_year("Smith 2010a"), ("smith".into(), "2010a".into()));
        assert_eq!(name_and_year("Carson 2005_1"), ("carson".into(), "2005_1".into()));
    }

    #[test]
    fn near_names() {
        assert!(names_may_match("rudio aurioles", "rubio aurioles"));
        assert!(names_may_match("tejada", "saenz de tejada"));
        assert!(!names_may_match("wang", "yang"));
        assert!(!names_may_match("zhang", "zhao"));
    }
}
