//! Readers: bytes of one input -> [`Parsed`] records and diagnostics.
//!
//! [`parse_bytes`] decodes (BOMs, UTF-16, invalid UTF-8 with a warning),
//! detects the kind of input from its content ([`detect`]) and dispatches to
//! the module of that [`Format`]. One module per format, each with a plain
//! `parse(input, text) -> Parsed`.
//!
//! [`read_from`] does the same from any [`Read`]: OpenAlex JSON Lines, Web of
//! Science plain text and RIS are parsed as they stream in (a million-work
//! file never sits in memory as text); other kinds are read whole, within a
//! bound.
//!
//! **Invariant:** ingest opens no files and never panics: any byte sequence
//! gives a `Parsed` (possibly empty, with diagnostics); the only IO is reading
//! from a reader the caller passes in.

mod batch;
pub mod bibtex;
pub mod callouts;
pub mod compress;
pub mod crossref;
pub mod csl_json;
pub mod dates;
pub mod endnote_xml;
pub mod fulltext;
pub mod general;
pub mod inclusion;
pub mod language;
pub mod lens_csv;
pub mod listing;
pub mod loose_json;
pub mod matrix;
pub mod medline;
pub mod normalize;
pub mod openalex;
pub mod openalex_csv;
pub mod page;
pub mod page_text;
pub mod pubmed_xml;
pub mod refs;
pub mod ris;
pub mod scopus_csv;
pub mod semantic_scholar;
pub mod table;
pub mod wos;
pub mod wos_tab;
pub mod xmltree;

use crate::model::{Author, Diagnostic, Parsed, Provenance, Record};
use serde::{Deserialize, Serialize};
use std::io::{BufReader, Read};

/// Reader settings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Options {
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// Most bytes a gzip input may expand to; `None`: [`DEFAULT_MAX_DECOMPRESSED_BYTES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_decompressed_bytes: Option<u64>,
    /// Most times gzip data may expand its compressed size; `None`:
    /// [`DEFAULT_MAX_GZIP_RATIO`]; 0: no bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_gzip_ratio: Option<u64>,
    /// Bounds on one line, one field and one record ([`read_each`] applies them).
    #[serde(default)]
    pub limits: Limits,
}

/// Default bound on decompressed gzip input: 4 GiB.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: u64 = 4 << 30;

/// Default bound on how many times gzip data may expand (bibliographic
/// exports compress 3 to 20 times; a zip bomb hundreds of times).
pub const DEFAULT_MAX_GZIP_RATIO: u64 = 100;

/// Size bounds applied while reading, so one hostile line, field or record
/// costs at most its bound in memory. Excess is cut, or the record dropped,
/// each time with a warning naming the file, the line and the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Longest line of a line-based input (RIS, MEDLINE, WoS, CSV, BibTeX,
    /// pages), in bytes; the rest of a longer line is dropped. JSON and XML
    /// inputs are not cut by lines (one line can hold a whole API response).
    pub max_line_bytes: u64,
    /// Longest text field of a record (title, abstract, a name ...); longer
    /// ones are cut.
    pub max_field_bytes: u64,
    /// Most text one record may hold in all its fields together; a bigger
    /// record is dropped.
    pub max_record_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_line_bytes: 16 << 20, max_field_bytes: 1 << 20, max_record_bytes: 16 << 20 }
    }
}

/// Longest person or organisation name kept, in bytes: a longer "name" is
/// not one (and names are compared pairwise during resolution).
pub const MAX_NAME_BYTES: usize = 1000;

/// Every kind of input citemap reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// An aggregator's JSON record followed by the page text (`000_*` seed).
    AggregatorPage,
    /// A scraped abstract or article page: optional title lines, "Abstract", text
    /// and site boilerplate (`002_*`, `003_*` seeds).
    AbstractPage,
    /// A search-results listing of numbered records with citation lines (`004_*`).
    Listing,
    /// Full text of an article with author-year callouts (`001_*`).
    FullText,
    /// RIS tagged export (`TY  - ` ... `ER  -`).
    Ris,
    /// BibTeX / BibLaTeX (`@article{key, ...}`).
    Bibtex,
    /// MEDLINE / PubMed `.nbib` tagged text (`PMID- `).
    Medline,
    /// PubMed XML (`PubmedArticleSet`).
    PubmedXml,
    /// EndNote XML (`<xml><records><record>`).
    EndnoteXml,
    /// CSL-JSON (array of items or one item).
    CslJson,
    /// Web of Science tagged plain text (`PT` … `ER`).
    WosPlain,
    /// Web of Science tab-delimited export.
    WosTab,
    /// Scopus CSV export.
    ScopusCsv,
    /// Lens.org scholarly CSV export.
    LensCsv,
    /// OpenAlex work JSON, API list page or JSON Lines.
    OpenalexJson,
    /// OpenAlex CSV export.
    OpenalexCsv,
    /// Crossref REST API work or work list.
    Crossref,
    /// Semantic Scholar Graph API paper, batch or page.
    SemanticScholar,
    /// Any other page, record or JSON, read field by field by the general
    /// page reader ([`general`]) when no structured format fits.
    Page,
}

impl Format {
    /// Every format, in detection order.
    pub const ALL: [Format; 19] = [
        Format::WosPlain,
        Format::WosTab,
        Format::ScopusCsv,
        Format::LensCsv,
        Format::OpenalexCsv,
        Format::Crossref,
        Format::SemanticScholar,
        Format::OpenalexJson,
        Format::AggregatorPage,
        Format::Listing,
        Format::FullText,
        Format::AbstractPage,
        Format::Ris,
        Format::Bibtex,
        Format::Medline,
        Format::PubmedXml,
        Format::EndnoteXml,
        Format::CslJson,
        Format::Page,
    ];

    /// The name used in reports and `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::AggregatorPage => "aggregator-page",
            Format::AbstractPage => "abstract-page",
            Format::Listing => "listing",
            Format::FullText => "full-text",
            Format::Ris => "ris",
            Format::Bibtex => "bibtex",
            Format::Medline => "medline",
            Format::PubmedXml => "pubmed-xml",
            Format::EndnoteXml => "endnote-xml",
            Format::CslJson => "csl-json",
            Format::WosPlain => "wos",
            Format::WosTab => "wos-tab",
            Format::ScopusCsv => "scopus-csv",
            Format::LensCsv => "lens-csv",
            Format::OpenalexJson => "openalex",
            Format::OpenalexCsv => "openalex-csv",
            Format::Crossref => "crossref",
            Format::SemanticScholar => "semantic-scholar",
            Format::Page => "page",
        }
    }

    /// The format called `name` (as printed by [`Format::name`]).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Decodes input bytes to text.
///
/// Honours UTF-8 and UTF-16 byte-order marks and BOM-less UTF-16 (many NUL
/// bytes); anything else is read as UTF-8, replacing invalid sequences, with a
/// warning naming the first bad line.
pub fn decode(input: &str, bytes: &[u8]) -> (String, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            diags.push(Diagnostic::warning(
                Provenance::new(input, 0, None),
                format!("invalid {} sequences replaced", enc.name()),
            ));
        }
        return (text.into_owned(), diags);
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let nul_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let nul_odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if sample.len() >= 4 && (nul_odd > sample.len() / 4 || nul_even > sample.len() / 4) {
        let enc = if nul_odd > nul_even { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, _) = enc.decode_without_bom_handling(bytes);
        diags.push(Diagnostic::info(
            Provenance::new(input, 0, None),
            format!("read as {} without BOM", enc.name()),
        ));
        return (text.into_owned(), diags);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), diags),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            diags.push(Diagnostic::warning(
                Provenance::new(input, line, None),
                "not valid UTF-8: read with replacement characters",
            ));
            (String::from_utf8_lossy(bytes).into_owned(), diags)
        }
    }
}

/// Detects the structured format of `text` from its content; `None` when
/// no structured format fits (then [`choose`] hands the text to the general
/// page reader).
pub fn detect(text: &str) -> Option<Format> {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if head.is_empty() {
        return None;
    }
    if wos::sniff(text) {
        return Some(Format::WosPlain);
    }
    if wos_tab::sniff(text) {
        return Some(Format::WosTab);
    }
    if scopus_csv::sniff(text) {
        return Some(Format::ScopusCsv);
    }
    if lens_csv::sniff(text) {
        return Some(Format::LensCsv);
    }
    if openalex_csv::sniff(text) {
        return Some(Format::OpenalexCsv);
    }
    if crossref::sniff(text) {
        return Some(Format::Crossref);
    }
    if semantic_scholar::sniff(text) {
        return Some(Format::SemanticScholar);
    }
    if openalex::sniff(text) {
        return Some(Format::OpenalexJson);
    }
    if head.starts_with('{') && page::looks_like_aggregator(head) {
        return Some(Format::AggregatorPage);
    }
    if ris::sniff(text) {
        return Some(Format::Ris);
    }
    if medline::sniff(text) {
        return Some(Format::Medline);
    }
    if pubmed_xml::sniff(text) {
        return Some(Format::PubmedXml);
    }
    if endnote_xml::sniff(text) {
        return Some(Format::EndnoteXml);
    }
    if csl_json::sniff(text) {
        return Some(Format::CslJson);
    }
    if bibtex::sniff(text) {
        return Some(Format::Bibtex);
    }
    if listing::looks_like_listing(text) {
        return Some(Format::Listing);
    }
    if fulltext::looks_like_full_text(text) {
        return Some(Format::FullText);
    }
    if page::looks_like_abstract_page(text) {
        return Some(Format::AbstractPage);
    }
    None
}

/// The readers that claim `text`, best first: structured exports by their
/// sniffers (an export always wins), then the seed-layout page readers, then
/// the general page reader, which takes any text that is not blank.
pub fn rank(text: &str) -> Vec<Format> {
    let mut out = Vec::new();
    if let Some(f) = detect(text) {
        out.push(f);
    }
    if !text.trim().is_empty() && !out.contains(&Format::Page) {
        out.push(Format::Page);
    }
    out
}

/// Reads `text` with the best reader for it: a structured export as that
/// format; a page claimed by a seed-layout reader with that reader unless the
/// general page reader finds clearly more (by [`general::evidence`]); any
/// other text with the general page reader. `None` only for blank text.
pub fn choose(input: &str, text: &str) -> Option<(Format, Parsed)> {
    let ranked = rank(text);
    let first = *ranked.first()?;
    if first == Format::Page {
        return Some((first, general::parse(input, text)));
    }
    let claimed = parse_str(input, text, first);
    // Full text with callouts and numbered listings are read whole by their
    // own readers; an abstract-page reading competes with the general reader.
    let competes = match first {
        Format::AbstractPage => true,
        Format::Listing | Format::FullText => claimed.records.is_empty(),
        _ => claimed.records.is_empty() && general::is_cut_json(text),
    };
    if !competes {
        return Some((first, claimed));
    }
    // A seed-layout reader, or a JSON reader that found nothing in a document
    // cut mid-way: the reading with more evidence wins, the claiming reader
    // on a tie.
    let general = general::parse(input, text);
    if general::evidence(&general) > general::evidence(&claimed) {
        return Some((Format::Page, general));
    }
    Some((first, claimed))
}

/// Reads one input already decoded to text, as `format`.
///
/// `seen` is as the reader counted it, and never below the records it gave
/// (readers of pages, which make one record of what they find, do not count).
pub fn parse_str(input: &str, text: &str, format: Format) -> Parsed {
    let mut parsed = parse_as(input, text, format);
    parsed.seen = parsed.seen.max(parsed.records.len());
    parsed
}

/// The reader of `format` on `text`.
fn parse_as(input: &str, text: &str, format: Format) -> Parsed {
    match format {
        Format::AggregatorPage => page::parse_aggregator(input, text),
        Format::AbstractPage => page::parse(input, text),
        Format::Listing => listing::parse(input, text),
        Format::FullText => fulltext::parse(input, text),
        Format::Ris => ris::parse(input, text),
        Format::Bibtex => bibtex::parse(input, text),
        Format::Medline => medline::parse(input, text),
        Format::PubmedXml => pubmed_xml::parse(input, text),
        Format::EndnoteXml => endnote_xml::parse(input, text),
        Format::CslJson => csl_json::parse(input, text),
        Format::WosPlain => wos::parse(input, text),
        Format::WosTab => wos_tab::parse(input, text),
        Format::ScopusCsv => scopus_csv::parse(input, text),
        Format::LensCsv => lens_csv::parse(input, text),
        Format::OpenalexJson => openalex::parse(input, text),
        Format::OpenalexCsv => openalex_csv::parse(input, text),
        Format::Crossref => crossref::parse(input, text),
        Format::SemanticScholar => semantic_scholar::parse(input, text),
        Format::Page => general::parse(input, text),
    }
}

/// Reads one input: decode, detect (unless `opts.format`), parse.
///
/// An input of unknown kind gives no records and an error diagnostic.
pub fn parse_bytes(input: &str, bytes: &[u8], opts: &Options) -> Parsed {
    read(input, bytes, opts).1
}

/// Like [`parse_bytes`], also returning the format used (`None`: unknown kind).
pub fn read(input: &str, bytes: &[u8], opts: &Options) -> (Option<Format>, Parsed) {
    let unzipped;
    let mut cut = None;
    let bytes = if compress::is_gzip(bytes) {
        let limit = opts.max_decompressed_bytes.unwrap_or(DEFAULT_MAX_DECOMPRESSED_BYTES);
        match compress::gunzip_lenient(bytes, limit) {
            Ok((b, fault)) => {
                unzipped = b;
                cut = fault.map(|e| gzip_cut(input, &e, unzipped.len() as u64));
                unzipped.as_slice()
            }
            Err(e) => {
                let diag = Diagnostic::error(Provenance::new(input, 0, None), format!("{e}: skipped"));
                return (None, Parsed { records: Vec::new(), diagnostics: vec![diag], seen: 0 });
            }
        }
    } else {
        bytes
    };
    let (text, mut diags) = decode(input, bytes);
    let chosen = match opts.format {
        Some(f) => Some((f, parse_str(input, &text, f))),
        // The general page reader is the fallback for text: binary data is
        // not given to it, and JSON or XML in which it found nothing gives
        // way to the specific reason (cut or too deep JSON, an unknown XML
        // root) in the error below. Plain text it finds nothing in stays its
        // own, with its warning saying why.
        None => choose(input, &text).filter(|(f, p)| {
            let head = text.trim_start_matches('\u{feff}').trim_start();
            let markup = head.starts_with(['{', '[', '<']);
            *f != Format::Page
                || ((!p.records.is_empty() || !markup)
                    && binary_share(bytes).is_none_or(|b| b <= BINARY_PERCENT))
        }),
    };
    let (format, mut parsed) = match chosen {
        Some((f, p)) => (Some(f), p),
        None => (
            None,
            Parsed {
                records: Vec::new(),
                diagnostics: vec![Diagnostic::error(
                    Provenance::new(input, 0, None),
                    format!("unknown kind of input: {}: skipped", unknown_reason(bytes, &text)),
                )],
                seen: 0,
            },
        ),
    };
    if let Some(f) = format {
        if let Some(d) = ends_inside_record(input, &text, f, &parsed.records) {
            parsed.diagnostics.push(d);
        }
    }
    // The field and record bounds, as `read_each` applies them, so both
    // give the same records.
    // Readers of pages make one record of what they find and do not count.
    parsed.seen = parsed.seen.max(parsed.records.len());
    let mut n = 0usize;
    let mut capped = Vec::new();
    parsed.records.retain_mut(|r| {
        n += 1;
        cap_record(r, n, &opts.limits, &mut capped)
    });
    parsed.diagnostics.append(&mut capped);
    diags.append(&mut parsed.diagnostics);
    diags.extend(cut);
    parsed.diagnostics = diags;
    (format, parsed)
}

/// The error for gzip data cut short or corrupt after `good` decompressed bytes.
fn gzip_cut(input: &str, e: &str, good: u64) -> Diagnostic {
    Diagnostic::error(
        Provenance::new(input, 0, None),
        format!("gzip data is cut short or corrupt after {good} bytes ({e}): the records before it are kept"),
    )
}

/// Line-based exports whose files always end with a line break, so one
/// that does not was cut (the readers of RIS and WoS say "no ER" themselves,
/// BibTeX an unterminated value, JSON and XML a broken document; scraped
/// pages often lack the final line break, so it says nothing about them).
fn cut_shows_at_the_end(f: Format) -> bool {
    matches!(f, Format::Medline | Format::WosTab | Format::ScopusCsv | Format::LensCsv | Format::OpenalexCsv)
}

/// A warning when a line-based input stops in the middle of a line (a cut
/// file: the last record is kept, but may miss its end).
fn ends_inside_record(input: &str, text: &str, f: Format, records: &[Record]) -> Option<Diagnostic> {
    // BibTeX: an entry cut right after its `@type` has no body to complain about.
    if f == Format::Bibtex {
        let tail = &text[text.rfind('}').map_or(0, |i| i + 1)..];
        // An `@` opening a line (not one inside a trailing comment or address).
        let mut offset = 0;
        let mut found = None;
        for l in tail.split_inclusive('\n') {
            let body = l.trim_start();
            if body.starts_with('@') {
                found = Some(offset + l.len() - body.len());
                break;
            }
            offset += l.len();
        }
        let at = found?;
        let line = text.len() - tail.len() + at;
        let line = text.as_bytes()[..line].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        return Some(Diagnostic::warning(
            Provenance::new(input, line, None),
            format!("input ends inside record {}: {:?} has no body", records.len() + 1, tail[at..].trim()),
        ));
    }
    if text.is_empty() || text.ends_with('\n') || text.ends_with('\r') {
        return None;
    }
    // Scraped pages often lack the final line break, but end a sentence.
    let page = matches!(f, Format::AbstractPage | Format::FullText);
    let mid_sentence = !text.trim_end().ends_with(|c: char| {
        matches!(
            c,
            '.' | '!'
                | '?'
                | ')'
                | ']'
                | '"'
                | '\''
                | '”'
                | '’'
                | '»'
                | '…'
                | '。'
                | '！'
                | '？'
                | ':'
                | '>'
        )
    });
    if !(cut_shows_at_the_end(f) || (page && mid_sentence)) {
        return None;
    }
    let last = records.last()?;
    let line = text.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
    Some(Diagnostic::warning(
        Provenance::with_record(input, line, last.at.record.clone()),
        format!(
            "input ends inside record {} (no line break after its last line: the file may be cut); kept as read",
            records.len()
        ),
    ))
}

/// Share of the first bytes that are control bytes no text has (other than
/// tab, line breaks, form feed and escape), in percent; `None` for UTF-16.
fn binary_share(bytes: &[u8]) -> Option<usize> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if sample.is_empty() || encoding_rs::Encoding::for_bom(sample).is_some() {
        return None;
    }
    let nul_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let nul_odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let half = sample.len() / 2;
    // UTF-16 without a BOM: NULs on one side only.
    if (nul_even > half / 2 && nul_odd < half / 16) || (nul_odd > half / 2 && nul_even < half / 16) {
        return None;
    }
    let bad = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    Some(bad * 100 / sample.len())
}

/// Above this share of control bytes (percent) an input is binary data, not text.
const BINARY_PERCENT: usize = 5;

/// Why no reader took `text` (decoded from `bytes`): empty, binary, JSON cut
/// or broken at a line, an XML root no reader knows, or the first line.
pub fn unknown_reason(bytes: &[u8], text: &str) -> String {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if bytes.is_empty() {
        return "the input is empty".into();
    }
    if head.is_empty() {
        return "the input holds only blank space".into();
    }
    if let Some(p) = binary_share(bytes).filter(|&p| p > BINARY_PERCENT) {
        let first: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return format!("binary data, not text ({p}% control bytes; starts {})", first.join(" "));
    }
    if head.starts_with('{') || head.starts_with('[') {
        return match serde_json::from_str::<serde::de::IgnoredAny>(head) {
            Err(e) if e.is_eof() => format!("JSON cut short: it ends at line {} inside a value", e.line()),
            Err(e) => format!("broken JSON at line {}, column {}: {e}", e.line(), e.column()),
            Ok(_) => match json_depth(head) {
                d if d > JSON_MAX_DEPTH => format!(
                    "JSON nested {d} levels deep, deeper than the {JSON_MAX_DEPTH} levels its readers accept"
                ),
                _ => format!("JSON that no reader knows (starts {})", first_line(head)),
            },
        };
    }
    if head.starts_with('<') {
        if let Some(root) = xml_root(head) {
            return format!("XML whose root element <{root}> no reader knows");
        }
    }
    format!("no reader recognises its text; first line: {}", first_line(head))
}

/// Deepest nesting the JSON readers accept (serde_json's recursion limit).
const JSON_MAX_DEPTH: usize = 128;

/// The deepest nesting of arrays and objects in JSON `text` (one pass,
/// strings skipped).
fn json_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_str, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// The first line of `text`, quoted and cut to 80 characters.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let cut: String = line.chars().take(80).collect();
    let more = if cut.len() < line.len() { "..." } else { "" };
    format!("{:?}", format!("{cut}{more}"))
}

/// The name of the first element of an XML text (after the declaration,
/// comments and the doctype).
fn xml_root(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>")?.1;
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->")?.1;
        } else if let Some(r) = rest.strip_prefix("<!") {
            rest = r.split_once('>')?.1;
        } else {
            let r = rest.strip_prefix('<')?;
            let name: String =
                r.chars().take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '/')).take(60).collect();
            return (!name.is_empty()).then_some(name);
        }
    }
}

/// How much of a stream [`read_from`] looks at to detect its kind.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// Reads up to `limit` bytes from `r` (fewer only at the end of input).
fn read_prefix(r: &mut dyn Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(limit.min(SNIFF_BYTES));
    r.take(limit as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Like [`read`], from a stream.
///
/// The first [`SNIFF_BYTES`] decide the kind. OpenAlex JSON Lines, Web of
/// Science plain text and RIS are then parsed record by record as the bytes
/// arrive;
/// any other kind is read whole and handed to [`read`], and then must not be
/// longer than `max_whole_bytes` (an error diagnostic, no records, when it
/// is). Gzip input is decompressed on the fly, bounded by
/// `opts.max_decompressed_bytes` and `opts.max_gzip_ratio`. Gives exactly
/// the records [`read`] gives on the same bytes (both apply the field and
/// record bounds of `opts.limits`; lines longer than
/// `opts.limits.max_line_bytes` are cut only here, as they stream).
///
/// Errors only when `reader` fails; bad content gives diagnostics.
pub fn read_from(
    input: &str,
    reader: &mut dyn Read,
    opts: &Options,
    max_whole_bytes: u64,
) -> std::io::Result<(Option<Format>, Parsed)> {
    let mut records = Vec::new();
    let (format, diagnostics, mut seen) =
        read_each_counted(input, reader, opts, max_whole_bytes, &mut |r| records.push(r))?;
    if format.is_none() {
        records.clear();
        seen = 0;
    }
    Ok((format, Parsed { records, diagnostics, seen }))
}

/// [`read_from`] handing each record to `on_record` as soon as it is read,
/// so a streamed input is never held in memory, neither as text nor as
/// records. Returns the format and the diagnostics.
///
/// `opts.limits` bound what one line, one field and one record may hold
/// (cut, or the record dropped, with a warning); gzip data is counted as it
/// expands, and a cut `.gz` gives the records before the cut plus an error.
///
/// When the format comes back `None` (unknown kind, or gzip data beyond its
/// bound found only after some records were handed out), the input must be
/// treated as skipped and the records already received discarded.
pub fn read_each(
    input: &str,
    reader: &mut dyn Read,
    opts: &Options,
    max_whole_bytes: u64,
    on_record: &mut dyn FnMut(Record),
) -> std::io::Result<(Option<Format>, Vec<Diagnostic>)> {
    read_each_counted(input, reader, opts, max_whole_bytes, on_record).map(|(f, d, _)| (f, d))
}

/// [`read_each`], also returning how many records the reader met in the
/// input (as [`Parsed::seen`] counts them: dropped ones included, so the
/// same number [`read`] gives on the same bytes).
pub fn read_each_counted(
    input: &str,
    reader: &mut dyn Read,
    opts: &Options,
    max_whole_bytes: u64,
    on_record: &mut dyn FnMut(Record),
) -> std::io::Result<(Option<Format>, Vec<Diagnostic>, usize)> {
    let limits = opts.limits;
    let mut capped = Vec::new();
    let mut n = 0usize;
    let mut bounded = |mut r: Record| {
        n += 1;
        if cap_record(&mut r, n, &limits, &mut capped) {
            fit_record(&mut r);
            on_record(r);
        }
    };
    let mut seen = 0;
    let (format, mut diagnostics) =
        read_unbounded(input, reader, opts, max_whole_bytes, &mut bounded, &mut seen)?;
    diagnostics.append(&mut capped);
    // A streamed reader counts what it met; the records it handed out are
    // the floor (as `parse_str` makes it for inputs read whole).
    let seen = if format.is_some() { seen.max(n) } else { 0 };
    Ok((format, diagnostics, seen))
}

/// [`read_each`] before the field and record bounds.
fn read_unbounded(
    input: &str,
    reader: &mut dyn Read,
    opts: &Options,
    max_whole_bytes: u64,
    on_record: &mut dyn FnMut(Record),
    seen: &mut usize,
) -> std::io::Result<(Option<Format>, Vec<Diagnostic>)> {
    let head = read_prefix(reader, SNIFF_BYTES)?;
    if compress::is_gzip(&head) {
        let limit = opts.max_decompressed_bytes.unwrap_or(DEFAULT_MAX_DECOMPRESSED_BYTES);
        let ratio = opts.max_gzip_ratio.unwrap_or(DEFAULT_MAX_GZIP_RATIO);
        let raw = std::io::Cursor::new(head).chain(reader);
        // Cut or corrupt data ends the input there: the records before it are kept.
        let mut tolerant = compress::CutTolerant::new(compress::RatioGuard::new(raw, ratio));
        let mut counted = compress::Counted::new((&mut tolerant).take(limit + 1));
        let (format, mut diagnostics) =
            read_plain(input, &mut counted, opts, max_whole_bytes, on_record, seen)?;
        let expanded = counted.count();
        let guard = tolerant.get_ref();
        if guard.tripped {
            diagnostics.push(Diagnostic::error(
                Provenance::new(input, 0, None),
                format!(
                    "gzip data expands more than {ratio} times ({} compressed bytes gave {}): \
                     a zip bomb? skipped (ingest.max_gzip_ratio)",
                    guard.compressed(),
                    guard.expanded()
                ),
            ));
            return Ok((None, diagnostics));
        }
        if expanded > limit {
            diagnostics.push(Diagnostic::error(
                Provenance::new(input, 0, None),
                format!("gzip data expands beyond the limit of {limit} bytes: skipped"),
            ));
            return Ok((None, diagnostics));
        }
        if let Some(e) = tolerant.fault {
            diagnostics.push(gzip_cut(input, &e, expanded));
        }
        return Ok((format, diagnostics));
    }
    read_plain(input, &mut std::io::Cursor::new(head).chain(reader), opts, max_whole_bytes, on_record, seen)
}

/// True for the kinds read as one JSON or XML document, which are never cut
/// by lines.
fn is_document(f: Format) -> bool {
    matches!(
        f,
        Format::PubmedXml
            | Format::EndnoteXml
            | Format::CslJson
            | Format::OpenalexJson
            | Format::Crossref
            | Format::SemanticScholar
            | Format::AggregatorPage
    )
}

/// [`read_each`] after decompression.
fn read_plain(
    input: &str,
    reader: &mut dyn Read,
    opts: &Options,
    max_whole_bytes: u64,
    on_record: &mut dyn FnMut(Record),
    seen: &mut usize,
) -> std::io::Result<(Option<Format>, Vec<Diagnostic>)> {
    let head = read_prefix(reader, SNIFF_BYTES)?;
    // Binary data (a zip bomb of zeros, an image) is not read further.
    if opts.format.is_none() {
        if let Some(p) = binary_share(&head).filter(|&p| p > BINARY_PERCENT) {
            let first: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
            let diag = Diagnostic::error(
                Provenance::new(input, 0, None),
                format!(
                    "unknown kind of input: binary data, not text ({p}% control bytes; starts {}): skipped",
                    first.join(" ")
                ),
            );
            return Ok((None, vec![diag]));
        }
    }
    // UTF-16 (with or without a BOM: NUL bytes) is decoded whole.
    let utf16 = encoding_rs::Encoding::for_bom(&head).is_some_and(|(enc, _)| enc != encoding_rs::UTF_8)
        || head.contains(&0);
    let detected = if utf16 {
        None
    } else {
        let (text, _) = decode(input, &head);
        opts.format.or_else(|| detect(&text)).map(|f| {
            let lines = f == Format::OpenalexJson
                && openalex::is_json_lines(text.trim_start_matches('\u{feff}').trim_start());
            (f, lines)
        })
    };
    let streamed = match detected {
        _ if head.len() < SNIFF_BYTES => None,
        Some((f @ (Format::WosPlain | Format::Ris), _)) => Some(f),
        Some((Format::OpenalexJson, true)) => Some(Format::OpenalexJson),
        _ => None,
    };
    // Lines are bounded for line-based kinds (and JSON Lines), not for JSON
    // or XML documents, whose one line may be a whole API response.
    let cap = match detected {
        Some((f, lines)) => !is_document(f) || lines,
        None => false,
    };
    let whole = std::io::Cursor::new(head).chain(reader);
    let max_line = if cap { opts.limits.max_line_bytes } else { u64::MAX };
    let mut whole = LineCap::new(whole, max_line);
    if let Some(format) = streamed {
        let mut diagnostics = Vec::new();
        let buffered = BufReader::with_capacity(256 * 1024, &mut whole);
        let met = match format {
            Format::WosPlain => wos::read_stream(input, buffered, on_record, &mut diagnostics)?,
            Format::Ris => ris::read_stream(input, buffered, on_record, &mut diagnostics)?,
            _ => openalex::read_stream(input, buffered, on_record, &mut diagnostics)?,
        };
        *seen = usize::try_from(met).unwrap_or(usize::MAX);
        diagnostics.extend(whole.diagnostics(input));
        return Ok((Some(format), diagnostics));
    }
    let mut bytes = Vec::new();
    (&mut whole).take(max_whole_bytes.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_whole_bytes {
        let diag = Diagnostic::error(
            Provenance::new(input, 0, None),
            format!(
                "larger than the {max_whole_bytes}-byte limit for inputs read whole \
                 (only OpenAlex JSON Lines, WoS plain text and RIS stream): skipped"
            ),
        );
        return Ok((None, vec![diag]));
    }
    let (format, mut parsed) = read(input, &bytes, opts);
    drop(bytes);
    *seen = parsed.seen;
    for r in parsed.records {
        on_record(r);
    }
    parsed.diagnostics.extend(whole.diagnostics(input));
    Ok((format, parsed.diagnostics))
}

/// A reader that cuts every line longer than `max` bytes (the rest of the
/// line is dropped), noting which lines were cut.
struct LineCap<R> {
    inner: R,
    max: u64,
    line: u32,
    len: u64,
    cut: Vec<(u32, u64)>,
    n_cut: usize,
}

/// Cut lines reported one by one; the rest are counted.
const CUT_LINES_SHOWN: usize = 20;

impl<R: Read> LineCap<R> {
    fn new(inner: R, max: u64) -> Self {
        LineCap { inner, max, line: 1, len: 0, cut: Vec::new(), n_cut: 0 }
    }

    fn end_line(&mut self) {
        if self.len > self.max {
            self.n_cut += 1;
            if self.cut.len() < CUT_LINES_SHOWN {
                self.cut.push((self.line, self.len));
            }
        }
        self.line = self.line.saturating_add(1);
        self.len = 0;
    }

    /// Warnings for the lines cut so far.
    fn diagnostics(&mut self, input: &str) -> Vec<Diagnostic> {
        self.end_line();
        let mut out: Vec<Diagnostic> = self
            .cut
            .iter()
            .map(|&(line, len)| {
                Diagnostic::warning(
                    Provenance::new(input, line, None),
                    format!(
                        "line is {len} bytes long: cut to its first {} bytes (ingest.max_line_bytes)",
                        self.max
                    ),
                )
            })
            .collect();
        if self.n_cut > self.cut.len() {
            out.push(Diagnostic::warning(
                Provenance::new(input, 0, None),
                format!("{} more lines cut to {} bytes", self.n_cut - self.cut.len(), self.max),
            ));
        }
        self.cut.clear();
        self.n_cut = 0;
        out
    }
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.max == u64::MAX {
            return self.inner.read(buf);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            // Fast path (nearly always): no line of this chunk goes past the
            // bound, so the bytes pass untouched and only lines are counted.
            let chunk = &buf[..n];
            match memchr::memchr(b'\n', chunk) {
                Some(first) if self.len + first as u64 <= self.max && n as u64 <= self.max => {
                    let last = memchr::memrchr(b'\n', chunk).unwrap_or(first);
                    let lines = memchr::memchr_iter(b'\n', chunk).count();
                    self.line = self.line.saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
                    self.len = (n - 1 - last) as u64;
                    return Ok(n);
                }
                None if self.len + n as u64 <= self.max => {
                    self.len += n as u64;
                    return Ok(n);
                }
                _ => {}
            }
            let mut kept = 0;
            for i in 0..n {
                let b = buf[i];
                if b == b'\n' {
                    self.end_line();
                } else {
                    self.len += 1;
                    if self.len > self.max {
                        continue;
                    }
                }
                buf[kept] = b;
                kept += 1;
            }
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

/// Calls `f` on every text field of `r` with the field's name.
fn each_text(r: &mut Record, f: &mut dyn FnMut(&'static str, &mut String)) {
    fn opt(name: &'static str, v: &mut Option<String>, f: &mut dyn FnMut(&'static str, &mut String)) {
        if let Some(s) = v {
            f(name, s);
        }
    }
    fn author(name: &'static str, a: &mut Author, f: &mut dyn FnMut(&'static str, &mut String)) {
        f(name, &mut a.raw);
        f(name, &mut a.family);
        f(name, &mut a.given);
        for s in a.extra.iter_mut().flat_map(|e| e.affiliations.iter_mut()) {
            f("affiliation", s);
        }
    }
    opt("title", &mut r.title, f);
    for (_, t) in &mut r.alt_titles {
        f("title", t);
    }
    for a in &mut r.authors {
        author("author name", a, f);
    }
    for s in &mut r.affiliations {
        f("affiliation", s);
    }
    opt("venue", &mut r.venue, f);
    opt("venue", &mut r.venue_abbrev, f);
    opt("publisher", &mut r.publisher, f);
    opt("volume", &mut r.volume, f);
    opt("issue", &mut r.issue, f);
    opt("pages", &mut r.pages, f);
    opt("abstract", &mut r.abstract_text, f);
    opt("language", &mut r.language, f);
    for s in r.subjects.iter_mut().chain(r.keywords.iter_mut()) {
        f("subject", s);
    }
    for c in &mut r.citations {
        f("reference", &mut c.raw);
        // Details only where there are some (none are made).
        if let Some(d) = c.detail.as_deref_mut() {
            opt("reference title", &mut d.title, f);
            opt("reference venue", &mut d.venue, f);
        }
        for a in &mut c.authors {
            author("cited author name", a, f);
        }
    }
}

/// Cuts `s` to at most `max` bytes, at a character boundary.
fn cut_to(s: &mut String, max: usize) {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
}

/// `v` in an allocation of its length (a new one: shrinking in place keeps
/// the block when it would lose less than half).
fn fit<T>(v: &mut Vec<T>) {
    if v.capacity() > v.len() {
        let mut exact = Vec::with_capacity(v.len());
        exact.append(v);
        *v = exact;
    }
}

/// Gives each of `r`'s lists an allocation of its length: lists grow by
/// doubling while read (a byline of two authors gets room for four), and a
/// big input's records are held until resolved.
pub(crate) fn fit_record(r: &mut Record) {
    for c in &mut r.citations {
        fit(&mut c.authors);
    }
    fit(&mut r.citations);
    fit(&mut r.authors);
    fit(&mut r.keywords);
    fit(&mut r.subjects);
    fit(&mut r.ids);
    fit(&mut r.affiliations);
}

/// Applies `limits` to record number `n` (1-based): fields over the bound
/// are cut, a record over its bound is refused (`false`), each with a warning.
fn cap_record(r: &mut Record, n: usize, limits: &Limits, diags: &mut Vec<Diagnostic>) -> bool {
    let field_max = usize::try_from(limits.max_field_bytes).unwrap_or(usize::MAX);
    let mut total = 0u64;
    let mut cuts: Vec<(&'static str, usize, usize)> = Vec::new();
    each_text(r, &mut |name, s| {
        let max = if name.ends_with("author name") { field_max.min(MAX_NAME_BYTES) } else { field_max };
        if s.len() > max {
            cuts.push((name, s.len(), max));
            cut_to(s, max);
        }
        total += s.len() as u64;
    });
    let at = || Provenance::with_record(&r.at.input, r.at.line, r.at.record.clone());
    for (name, len, max) in cuts {
        diags.push(Diagnostic::warning(
            at(),
            format!("record {n}: {name} is {len} bytes long: cut to its first {max} bytes (ingest.max_field_bytes)"),
        ));
    }
    if total > limits.max_record_bytes {
        diags.push(Diagnostic::warning(
            at(),
            format!(
                "record {n} holds {total} bytes of text, more than the {}-byte limit (ingest.max_record_bytes): record dropped",
                limits.max_record_bytes
            ),
        ));
        return false;
    }
    true
}
