//! Helpers shared by the bibliographic export readers (RIS, BibTeX, MEDLINE,
//! PubMed XML, EndNote XML, CSL-JSON): line numbers from byte offsets,
//! document-type names, times-cited notes,
//! ISSN/ISBN clean-up, structured-abstract layout, and the lossy UTF-8 line
//! decoding of the streaming readers ([`Utf8Lines`]).
//!
//! Everything here is pure and total: any string gives an answer (often `None`).

use crate::model::{Diagnostic, DocType, Provenance};
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Lines of a streamed input as text: invalid UTF-8 is replaced, with one
/// warning per input naming the first bad line (what [`super::decode`] does
/// for an input held whole).
#[derive(Debug, Default)]
pub struct Utf8Lines {
    warned: bool,
}

impl Utf8Lines {
    /// `bytes` of line `line` of `input` as text.
    pub fn text<'a>(
        &mut self,
        bytes: &'a [u8],
        input: &str,
        line: u32,
        diags: &mut Vec<Diagnostic>,
    ) -> Cow<'a, str> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                self.note_invalid(input, line, diags);
                String::from_utf8_lossy(bytes)
            }
        }
    }

    /// Notes that line `line` is not valid UTF-8: a warning for the first
    /// such line of the input, nothing for later ones.
    pub fn note_invalid(&mut self, input: &str, line: u32, diags: &mut Vec<Diagnostic>) {
        if !self.warned {
            diags.push(Diagnostic::warning(
                Provenance::new(input, line, None),
                "not valid UTF-8: read with replacement characters",
            ));
            self.warned = true;
        }
    }
}

/// Byte offset -> 1-based line number, by binary search over line starts.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text` (lines end at `\n`).
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    /// The 1-based line holding byte `offset` (offsets past the end give the last line).
    pub fn line_of(&self, offset: usize) -> u32 {
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(idx + 1).unwrap_or(u32::MAX)
    }
}

/// Lines of `text` split at `\n`, with `\r` trimmed at both ends (CRLF, stray CR
/// after a bare LF) and a leading byte-order mark removed from the first line.
/// Yields `(1-based line number, line)`.
pub fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.split('\n').enumerate().map(|(i, l)| {
        let l = if i == 0 { l.trim_start_matches('\u{feff}') } else { l };
        (u32::try_from(i + 1).unwrap_or(u32::MAX), l.trim_matches('\r'))
    })
}

/// The first `n` bytes of `text`, shortened to a character boundary.
pub fn head(text: &str, n: usize) -> &str {
    let mut i = n.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    text.get(..i).unwrap_or("")
}

/// Maps a document-type name from any export (`JOUR`, `Journal Article`,
/// `Review`, `Conference Paper`, `CHAP`, `Systematic Review`, `phdthesis`,
/// `article-journal` ...) to a [`DocType`]; `None` for names that say
/// nothing useful (`Research Support, Non-U.S. Gov't`).
pub fn doc_type_from_name(name: &str) -> Option<DocType> {
    let n = name.trim().to_ascii_lowercase();
    let n = n.trim_end_matches('.');
    let exact = match n {
        "jour" | "jfull" | "ejour" | "mgzn" | "news" | "article" | "journal article" | "journal-article"
        | "article-journal" | "article-magazine" | "article-newspaper" | "research article"
        | "original article" | "abst" | "inpress" | "article in press" | "data paper" => {
            Some(DocType::Article)
        }
        "book" | "ebook" | "edbook" | "mbook" | "inbook-whole" | "monograph" | "collection" | "mvbook" => {
            Some(DocType::Book)
        }
        "chap" | "echap" | "chapter" | "book chapter" | "book section" | "inbook" | "incollection"
        | "book-chapter" | "book-section" | "section" => Some(DocType::Chapter),
        "conf"
        | "cpaper"
        | "conference paper"
        | "conference review"
        | "proceedings paper"
        | "inproceedings"
        | "conference"
        | "paper-conference"
        | "proceedings"
        | "proceedings-article"
        | "conference proceedings"
        | "conference abstract"
        | "meeting abstract" => Some(DocType::Conference),
        "thes" | "thesis" | "phdthesis" | "mastersthesis" | "dissertation" | "dissertation/thesis" => {
            Some(DocType::Thesis)
        }
        "rprt"
        | "report"
        | "techreport"
        | "grey literature"
        | "government document"
        | "govdoc"
        | "standard"
        | "manual"
        | "pamp" => Some(DocType::Report),
        "edit" | "editorial" | "letter" | "comment" | "note" | "erratum" | "news item" | "commentary"
        | "editorial material" | "short survey" => Some(DocType::Editorial),
        "preprint" | "posted-content" | "unpb" | "manuscript" | "unpublished" => Some(DocType::Preprint),
        "review" | "review article" | "narrative review" | "scoping review" | "literature review" => {
            Some(DocType::Review)
        }
        "systematic review" | "systematic-review" | "umbrella review" | "overview" => {
            Some(DocType::SystematicReview)
        }
        "meta-analysis" | "meta analysis" | "network meta-analysis" => Some(DocType::MetaAnalysis),
        "guideline" | "practice guideline" | "consensus development conference" => Some(DocType::Guideline),
        "gen" | "document" | "misc" | "elec" | "web page" | "webpage" | "post-weblog" | "dataset"
        | "software" | "patent" | "pat" | "map" | "other" | "generic" => Some(DocType::Other),
        _ => None,
    };
    if exact.is_some() {
        return exact;
    }
    if n.contains("systematic review") {
        Some(DocType::SystematicReview)
    } else if n.contains("meta-analysis") {
        Some(DocType::MetaAnalysis)
    } else if n.contains("guideline") {
        Some(DocType::Guideline)
    } else if n.contains("review") {
        Some(DocType::Review)
    } else if n.contains("thesis") || n.contains("dissertation") {
        Some(DocType::Thesis)
    } else if n.contains("conference") || n.contains("proceedings") {
        Some(DocType::Conference)
    } else if n.contains("chapter") || n.contains("book section") {
        Some(DocType::Chapter)
    } else if n.contains("book") {
        Some(DocType::Book)
    } else if n.contains("report") {
        Some(DocType::Report)
    } else if n.contains("editorial") || n.contains("letter") || n.contains("comment") {
        Some(DocType::Editorial)
    } else if n.contains("article") || n.contains("journal") {
        Some(DocType::Article)
    } else {
        None
    }
}

/// How specific a document type is: a record with several publication types
/// (PubMed `PT`) keeps the most specific one.
fn specificity(t: DocType) -> u8 {
    match t {
        DocType::SystematicReview => 9,
        DocType::MetaAnalysis => 8,
        DocType::Guideline => 7,
        DocType::Review => 6,
        DocType::Thesis | DocType::Chapter | DocType::Conference | DocType::Report => 5,
        DocType::Editorial | DocType::Preprint => 4,
        DocType::Book => 3,
        DocType::Article => 2,
        DocType::Other => 1,
    }
}

/// Keeps the more specific of `current` and `new` (see [`doc_type_from_name`]).
pub fn merge_doc_type(current: Option<DocType>, new: Option<DocType>) -> Option<DocType> {
    match (current, new) {
        (Some(c), Some(n)) => Some(if specificity(n) > specificity(c) { n } else { c }),
        (c, n) => c.or(n),
    }
}

/// Upgrades a generic type (article, review, none) to systematic review or
/// meta-analysis when the title says so ("...: a systematic review and
/// meta-analysis" is a systematic review).
pub fn refine_doc_type(current: Option<DocType>, title: Option<&str>) -> Option<DocType> {
    let generic = matches!(current, None | Some(DocType::Article | DocType::Review | DocType::Other));
    let Some(t) = title.filter(|_| generic) else { return current };
    let t = t.to_lowercase();
    if t.contains("systematic review")
        || t.contains("umbrella review")
        || t.contains("systematic literature review")
        || t.contains("overview of systematic reviews")
        || t.contains("overview of reviews")
    {
        Some(DocType::SystematicReview)
    } else if t.contains("meta-analy") || t.contains("meta analy") || t.contains("metaanaly") {
        Some(DocType::MetaAnalysis)
    } else if current.is_none() && (t.contains("scoping review") || t.contains("narrative review")) {
        Some(DocType::Review)
    } else {
        current
    }
}

/// Reads a times-cited claim out of a note: `Cited By :9`, `Cited by: 52`,
/// `Times Cited in Web of Science Core Collection:  5`, `Times-Cited = 29`,
/// `Citations:20`.
pub fn times_cited(note: &str) -> Option<u64> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)(?:cited\s+by|times[\s-]+cited(?:\s+in\s+web\s+of\s+science\s+core\s+collection)?|citations)\s*:?\s*(\d{1,12})\b")
            .expect("static regex")
    });
    re.captures(note).and_then(|c| c.get(1)).and_then(|m| m.as_str().parse().ok())
}

/// ISSN in `1234-567X` form from `03064530 (ISSN)`, `1932-6203 (Electronic)`,
/// `0096-3003`; `None` when no ISSN is in `raw`.
pub fn normalize_issn(raw: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\b(\d{4})-?(\d{3}[\dXx])\b").expect("static regex"));
    let c = re.captures(raw)?;
    Some(format!("{}-{}", &c[1], c[2].to_ascii_uppercase()))
}

/// ISBN digits (and a final X) from `978-0-88192-911-5`, `0881929115 (pbk.)`;
/// `None` unless 10 or 13 characters remain.
pub fn normalize_isbn(raw: &str) -> Option<String> {
    let s: String = raw
        .split(|c: char| c.is_whitespace() || c == '(' || c == ';' || c == ',')
        .find(|t| t.chars().filter(|c| c.is_ascii_digit()).count() >= 9)?
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == 10 || s.len() == 13).then_some(s)
}

/// Lays out a structured abstract written inline ("PURPOSE: ... METHODS: ...")
/// as one `LABEL: text` line per section. Abstracts with fewer than two
/// upper-case labels are only whitespace-squashed.
pub fn layout_abstract(raw: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re =
        RE.get_or_init(|| Regex::new(r"(?:^|\s)([A-Z][A-Z&/,\- ]{2,40}[A-Z]):\s").expect("static regex"));
    let text = crate::model::norm::squash_ws(raw);
    let starts: Vec<usize> = re.captures_iter(&text).filter_map(|c| c.get(1)).map(|m| m.start()).collect();
    if starts.len() < 2 {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut prev = 0;
    for &s in starts.iter().skip_while(|&&s| s == 0) {
        out.push_str(text.get(prev..s).unwrap_or("").trim_end());
        out.push('\n');
        prev = s;
    }
    out.push_str(text.get(prev..).unwrap_or(""));
    out.trim().to_string()
}

/// Pushes `value` (trimmed) unless it is empty or already present.
pub fn push_unique(list: &mut Vec<String>, value: &str) {
    let v = value.trim();
    if !v.is_empty() && !list.iter().any(|x| x == v) {
        list.push(v.to_string());
    }
}

/// Splits a pages field into a normalised range: `79 – 88` -> `79-88`,
/// `2959--2975` -> `2959-2975`; anything else is trimmed.
pub fn normalize_pages(raw: &str) -> Option<String> {
    let t = crate::model::norm::squash_ws(raw);
    if t.is_empty() {
        return None;
    }
    let t = t.replace(['–', '—', '‐', '‑'], "-");
    let mut out = String::with_capacity(t.len());
    let mut last_dash = false;
    for part in t.split('-') {
        if !out.is_empty() && !last_dash {
            out.push('-');
            last_dash = true;
        }
        let p = part.trim();
        if !p.is_empty() {
            out.push_str(p);
            last_dash = false;
        }
    }
    Some(out.trim_end_matches('-').to_string()).filter(|s| !s.is_empty())
}

/// True when an author name is an organisation rather than a person: it
/// holds a word such as "Group", "Consortium", "Collaboration", "Committee",
/// "Organization", "Institute", "Society", "Association", "Council",
/// "Agency", "Ministry", "Investigators", or has more than four words and
/// no comma.
pub fn looks_like_org(name: &str) -> bool {
    const WORDS: [&str; 22] = [
        "group",
        "consortium",
        "collaboration",
        "collaborative",
        "committee",
        "organization",
        "organisation",
        "institute",
        "society",
        "association",
        "council",
        "agency",
        "ministry",
        "investigators",
        "network",
        "foundation",
        "department",
        "university",
        "centre",
        "center",
        "federation",
        "board",
    ];
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.iter().any(|w| WORDS.contains(w))
        || lower.contains("task force")
        || (!name.contains(',') && words.len() > 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_types() {
        assert_eq!(doc_type_from_name("JOUR"), Some(DocType::Article));
        assert_eq!(doc_type_from_name("Conference Paper"), Some(DocType::Conference));
        assert_eq!(doc_type_from_name("Systematic Review"), Some(DocType::SystematicReview));
        assert_eq!(doc_type_from_name("Research Support, Non-U.S. Gov't"), None);
        assert_eq!(
            refine_doc_type(Some(DocType::Article), Some("X: a systematic review and meta-analysis")),
            Some(DocType::SystematicReview)
        );
        assert_eq!(merge_doc_type(Some(DocType::Article), Some(DocType::Review)), Some(DocType::Review));
    }

    #[test]
    fn notes_and_ids() {
        assert_eq!(times_cited("Cited By :9"), Some(9));
        assert_eq!(times_cited("Times Cited in Web of Science Core Collection:  5"), Some(5));
        assert_eq!(times_cited("Cited by: 52"), Some(52));
        assert_eq!(times_cited("OA:TRUE; OA_status:bronze; Citations:20"), Some(20));
        assert_eq!(normalize_issn("03064530 (ISSN)").as_deref(), Some("0306-4530"));
        assert_eq!(normalize_isbn("0881929115").as_deref(), Some("0881929115"));
        assert_eq!(normalize_pages("79 – 88").as_deref(), Some("79-88"));
        assert_eq!(normalize_pages("2959--2975").as_deref(), Some("2959-2975"));
    }

    #[test]
    fn structured_abstract() {
        let a = layout_abstract("PURPOSE: To test.  METHODS: We ran it. RESULTS: It works.");
        assert_eq!(a, "PURPOSE: To test.\nMETHODS: We ran it.\nRESULTS: It works.");
        assert_eq!(layout_abstract("Plain text: not structured."), "Plain text: not structured.");
    }

    #[test]
    fn line_index() {
        let li = LineIndex::new("a\nbc\n\nd");
        assert_eq!(li.line_of(0), 1);
        assert_eq!(li.line_of(2), 2);
        assert_eq!(li.line_of(5), 3);
        assert_eq!(li.line_of(6), 4);
        assert_eq!(li.line_of(100), 4);
    }
}
