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

pub mod biblio;
pub mod bibtex;
pub mod callouts;
pub mod compress;
pub mod crossref;
pub mod csl_json;
pub mod endnote_xml;
pub mod fieldmap;
pub mod fulltext;
pub mod general;
pub mod lens_csv;
pub mod listing;
pub mod loose_json;
pub mod matrix;
pub mod medline;
pub mod openalex;
pub mod openalex_csv;
pub mod page;
pub mod pubmed_xml;
pub mod refs;
pub mod ris;
pub mod scopus_csv;
pub mod semantic_scholar;
pub mod text;
pub mod wos;
pub mod wos_tab;
pub mod xmltree;

use crate::model::{Diagnostic, Parsed, Provenance, Record};
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
}

/// Default bound on decompressed gzip input: 4 GiB.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: u64 = 4 << 30;

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
pub fn parse_str(input: &str, text: &str, format: Format) -> Parsed {
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
    let bytes = if compress::is_gzip(bytes) {
        let limit = opts.max_decompressed_bytes.unwrap_or(DEFAULT_MAX_DECOMPRESSED_BYTES);
        match compress::gunzip_bounded(bytes, limit) {
            Ok(b) => {
                unzipped = b;
                unzipped.as_slice()
            }
            Err(e) => {
                let diag = Diagnostic::error(Provenance::new(input, 0, None), format!("{e}: skipped"));
                return (None, Parsed { records: Vec::new(), diagnostics: vec![diag] });
            }
        }
    } else {
        bytes
    };
    let (text, mut diags) = decode(input, bytes);
    let chosen = match opts.format {
        Some(f) => Some((f, parse_str(input, &text, f))),
        None => choose(input, &text),
    };
    let (format, mut parsed) = match chosen {
        Some((f, p)) => (Some(f), p),
        None => (
            None,
            Parsed {
                records: Vec::new(),
                diagnostics: vec![Diagnostic::error(Provenance::new(input, 0, None), "empty input: skipped")],
            },
        ),
    };
    diags.append(&mut parsed.diagnostics);
    parsed.diagnostics = diags;
    (format, parsed)
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
/// `opts.max_decompressed_bytes`. Gives exactly the records [`read`] gives on
/// the same bytes.
///
/// Errors only when `reader` fails; bad content gives diagnostics.
pub fn read_from(
    input: &str,
    reader: &mut dyn Read,
    opts: &Options,
    max_whole_bytes: u64,
) -> std::io::Result<(Option<Format>, Parsed)> {
    let mut records = Vec::new();
    let (format, diagnostics) = read_each(input, reader, opts, max_whole_bytes, &mut |r| records.push(r))?;
    if format.is_none() {
        records.clear();
    }
    Ok((format, Parsed { records, diagnostics }))
}

/// [`read_from`] handing each record to `on_record` as soon as it is read,
/// so a streamed input is never held in memory, neither as text nor as
/// records. Returns the format and the diagnostics.
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
    let head = read_prefix(reader, SNIFF_BYTES)?;
    if compress::is_gzip(&head) {
        let limit = opts.max_decompressed_bytes.unwrap_or(DEFAULT_MAX_DECOMPRESSED_BYTES);
        let raw = std::io::Cursor::new(head).chain(reader);
        let mut counted = compress::Counted::new(flate2::read::MultiGzDecoder::new(raw).take(limit + 1));
        let (format, mut diagnostics) =
            match read_plain(input, &mut counted, opts, max_whole_bytes, on_record) {
                Ok(v) => v,
                Err(e) if compress::is_corrupt_data(&e) => {
                    let diag = Diagnostic::error(
                        Provenance::new(input, 0, None),
                        format!("gzip data is corrupt: {e}: skipped"),
                    );
                    return Ok((None, vec![diag]));
                }
                Err(e) => return Err(e),
            };
        if counted.count() > limit {
            diagnostics.push(Diagnostic::error(
                Provenance::new(input, 0, None),
                format!("gzip data expands beyond the limit of {limit} bytes: skipped"),
            ));
            return Ok((None, diagnostics));
        }
        return Ok((format, diagnostics));
    }
    read_plain(input, &mut std::io::Cursor::new(head).chain(reader), opts, max_whole_bytes, on_record)
}

/// [`read_each`] after decompression.
fn read_plain(
    input: &str,
    reader: &mut dyn Read,
    opts: &Options,
    max_whole_bytes: u64,
    on_record: &mut dyn FnMut(Record),
) -> std::io::Result<(Option<Format>, Vec<Diagnostic>)> {
    let head = read_prefix(reader, SNIFF_BYTES)?;
    // UTF-16 (with or without a BOM: NUL bytes) is decoded whole.
    let utf16 = encoding_rs::Encoding::for_bom(&head).is_some_and(|(enc, _)| enc != encoding_rs::UTF_8)
        || head.contains(&0);
    let streamed = if utf16 || head.len() < SNIFF_BYTES {
        None
    } else {
        let (text, _) = decode(input, &head);
        match opts.format.or_else(|| detect(&text)) {
            Some(f @ (Format::WosPlain | Format::Ris)) => Some(f),
            Some(Format::OpenalexJson)
                if openalex::is_json_lines(text.trim_start_matches('\u{feff}').trim_start()) =>
            {
                Some(Format::OpenalexJson)
            }
            _ => None,
        }
    };
    let mut whole = std::io::Cursor::new(head).chain(reader);
    if let Some(format) = streamed {
        let mut diagnostics = Vec::new();
        let buffered = BufReader::with_capacity(256 * 1024, whole);
        match format {
            Format::WosPlain => wos::read_stream(input, buffered, on_record, &mut diagnostics)?,
            Format::Ris => ris::read_stream(input, buffered, on_record, &mut diagnostics)?,
            _ => openalex::read_stream(input, buffered, on_record, &mut diagnostics)?,
        };
        return Ok((Some(format), diagnostics));
    }
    let mut bytes = Vec::new();
    whole.by_ref().take(max_whole_bytes.saturating_add(1)).read_to_end(&mut bytes)?;
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
    let (format, parsed) = read(input, &bytes, opts);
    drop(bytes);
    for r in parsed.records {
        on_record(r);
    }
    Ok((format, parsed.diagnostics))
}
