//! RIS reader (`TY  - JOUR` ... `ER  -`), tolerant of what real exports do:
//! a byte-order mark before the first `TY`, CRLF and mixed line endings,
//! untagged continuation lines (one `KW` followed by one keyword per line,
//! Scopus `N1  - References:` with one reference per line), Ovid record-number
//! lines and tags after `ER`, Scopus `Export Date:` lines, repeated `DO` with
//! URLs, slash dates (`2019//`) and a missing `ER`. Reference lists come from
//! Scopus `N1  - References:` and Ovid PsycINFO `M1` lines. An `AD` address
//! goes to the author it names (Embase `D.G. Adler, ...`, Ovid `Name: ...`) or
//! to the only author; any other (Scopus, WoS, PubMed via EndNote) is kept in
//! [`Record::affiliations`].
//!
//! An own line parser rather than a crate: the `biblib` RIS reader has no
//! reference-list field and drops untagged lines, which carry the references
//! and keywords in Scopus, Rayyan and EndNote exports.
//!
//! Tags are mapped the way the main vendors use them (Scopus, Web of Science,
//! Embase, Ovid, PubMed via EndNote, Rayyan, IEEE Xplore), not only the way the
//! RIS specification names them: `JO` is a full journal name in most exports,
//! `AN` holds a WoS UT, a PMID or a vendor id, `C2` a PMID in Scopus.

use super::dates;
use super::normalize::{self, lines};
use super::refs;
use crate::model::norm::{family_key, normalize_orcid, squash_ws};
use crate::model::{Author, Diagnostic, Identifier, Parsed, Provenance, Record};
use regex::Regex;
use std::sync::OnceLock;

/// The format name written into [`Record::source_kind`].
pub const NAME: &str = "ris";

/// One tagged field: tag, value lines (first line after the tag, then untagged
/// continuation lines) with their line numbers.
#[derive(Debug, Default)]
struct Field {
    tag: String,
    lines: Vec<(u32, String)>,
}

impl Field {
    fn first(&self) -> &str {
        self.lines.first().map(|(_, s)| s.trim()).unwrap_or("")
    }
    fn joined(&self) -> String {
        let parts: Vec<&str> = self.lines.iter().map(|(_, s)| s.trim()).collect();
        squash_ws(&parts.join(" "))
    }
}

/// A record as read: fields in order, plus untagged lines that followed a
/// blank line (Scopus puts `Export Date:` and the document type there).
#[derive(Debug, Default)]
struct RawRecord {
    line: u32,
    fields: Vec<Field>,
    loose: Vec<String>,
    closed: bool,
}

impl RawRecord {
    fn all<'a>(&'a self, tags: &'a [&'a str]) -> impl Iterator<Item = &'a Field> + 'a {
        self.fields.iter().filter(move |f| tags.contains(&f.tag.as_str()))
    }
    fn first(&self, tags: &[&str]) -> Option<String> {
        // Tag order is preference order.
        tags.iter().find_map(|t| {
            self.fields.iter().find(|f| f.tag == *t).map(|f| f.joined()).filter(|v| !v.is_empty())
        })
    }
}

fn tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() < 5 {
        // "ER  -" is 5 bytes; shorter lines cannot be tagged.
        return None;
    }
    let tag_ok = b[0].is_ascii_uppercase() && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit());
    if !tag_ok || b[2] != b' ' {
        return None;
    }
    // "TY  - x" (standard) or "TY - x" (some tools).
    let rest = line.get(2..)?;
    let after = rest.trim_start_matches(' ');
    let spaces = rest.len() - after.len();
    if !(1..=2).contains(&spaces) || !after.starts_with('-') {
        return None;
    }
    let value = after.get(1..)?;
    if !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((line.get(..2)?, value.trim()))
}

/// True when `text` looks like RIS: a `TY  - ` line among the first 40
/// non-blank lines.
pub fn sniff(text: &str) -> bool {
    lines(text)
        .map(|(_, l)| l)
        .filter(|l| !l.trim().is_empty())
        .take(40)
        .any(|l| tag_line(l).is_some_and(|(t, v)| t == "TY" && !v.is_empty()))
}

fn record_number_line(line: &str) -> bool {
    let t = line.trim();
    t.ends_with('.') && t.len() > 1 && t.trim_end_matches('.').bytes().all(|b| b.is_ascii_digit())
}

/// Splits lines into records as they come. A record is complete only when
/// the next `TY` (or the end of input) arrives, since tags after `ER` still
/// belong to it (Ovid writes `NL` there).
#[derive(Default)]
struct Splitter {
    current: Option<RawRecord>,
    /// Records started so far (the current one included).
    started: usize,
    after_blank: bool,
}

impl Splitter {
    fn line(
        &mut self,
        input: &str,
        no: u32,
        line: &str,
        diags: &mut Vec<Diagnostic>,
        done: &mut dyn FnMut(RawRecord, usize, &mut Vec<Diagnostic>),
    ) {
        if line.trim().is_empty() {
            self.after_blank = true;
            return;
        }
        let open = self.current.as_ref().is_some_and(|r| !r.closed);
        if let Some((tag, value)) = tag_line(line) {
            match tag {
                "TY" => {
                    if let Some(mut r) = self.current.take() {
                        let ordinal = self.started - 1;
                        if open {
                            r.closed = true;
                            diags.push(Diagnostic::warning(
                                Provenance::new(input, r.line, Some(raw_key(&r, ordinal))),
                                format!("record has no ER before the next TY at line {no}: kept"),
                            ));
                        }
                        done(r, ordinal, diags);
                    }
                    let mut r = RawRecord { line: no, ..RawRecord::default() };
                    r.fields.push(Field { tag: tag.to_string(), lines: vec![(no, value.to_string())] });
                    self.current = Some(r);
                    self.started += 1;
                }
                "ER" => {
                    if let Some(r) = self.current.as_mut() {
                        r.closed = true;
                    }
                }
                _ => {
                    let r = self.current.get_or_insert_with(|| {
                        diags.push(Diagnostic::warning(
                            Provenance::new(input, no, None),
                            "tagged line before the first TY: started a record here",
                        ));
                        RawRecord { line: no, ..RawRecord::default() }
                    });
                    if self.started == 0 {
                        self.started = 1;
                    }
                    // Tags after ER and before the next TY (Ovid puts `NL` there)
                    // belong to the record just closed.
                    r.fields.push(Field { tag: tag.to_string(), lines: vec![(no, value.to_string())] });
                }
            }
            self.after_blank = false;
            return;
        }
        // Untagged line.
        if !open {
            // Ovid record numbers ("1.") and "Link to the Ovid Full Text" lines
            // sit between records; a line right after a tag written after ER
            // continues that tag.
            let junk = self.after_blank || record_number_line(line) || line.starts_with("Link to the Ovid");
            if let Some(f) = self.current.as_mut().and_then(|r| r.fields.last_mut()).filter(|_| !junk) {
                f.lines.push((no, line.to_string()));
            }
            self.after_blank = false;
            return;
        }
        if let Some(r) = self.current.as_mut() {
            let prose = r.fields.last().is_some_and(|f| matches!(f.tag.as_str(), "AB" | "N2" | "N1" | "KW"));
            if self.after_blank && !prose {
                r.loose.push(line.trim().to_string());
            } else if let Some(f) = r.fields.last_mut() {
                f.lines.push((no, line.to_string()));
            }
        }
        self.after_blank = false;
    }

    fn finish(
        mut self,
        input: &str,
        diags: &mut Vec<Diagnostic>,
        done: &mut dyn FnMut(RawRecord, usize, &mut Vec<Diagnostic>),
    ) {
        if let Some(r) = self.current.take() {
            let ordinal = self.started - 1;
            if !r.closed {
                diags.push(Diagnostic::warning(
                    Provenance::new(input, r.line, Some(raw_key(&r, ordinal))),
                    "last record has no ER: kept",
                ));
            }
            done(r, ordinal, diags);
        }
    }
}

fn raw_key(r: &RawRecord, ordinal: usize) -> String {
    r.first(&["AN", "ID"]).unwrap_or_else(|| format!("#{}", ordinal + 1))
}

/// Reads a RIS file held in memory. `input` is the label used in provenance.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    let mut records = Vec::new();
    let mut done = |raw: RawRecord, ordinal: usize, diags: &mut Vec<Diagnostic>| {
        let key = raw_key(&raw, ordinal);
        records.push(to_record(input, &raw, key, diags));
    };
    let mut splitter = Splitter::default();
    for (no, line) in lines(text) {
        splitter.line(input, no, line, &mut diagnostics, &mut done);
    }
    splitter.finish(input, &mut diagnostics, &mut done);
    let seen = records.len();
    Parsed { records, diagnostics, seen }
}

/// Reads RIS record by record from `reader`, handing each record to
/// `on_record` as soon as the next `TY` (or the end) shows it complete;
/// returns the number of records. Memory use is bounded by the largest
/// record. Gives the records [`parse`] gives on the same text.
pub fn read_stream<R: std::io::BufRead>(
    input: &str,
    mut reader: R,
    on_record: &mut dyn FnMut(Record),
    diagnostics: &mut Vec<Diagnostic>,
) -> std::io::Result<u64> {
    let mut count = 0u64;
    let convert = |(raw, key): (RawRecord, String), d: &mut Vec<Diagnostic>| to_record(input, &raw, key, d);
    // A record the splitter found complete goes, keyed, to the batch.
    let complete = |batch: &mut super::batch::Batch<(RawRecord, String)>,
                    count: &mut u64,
                    raw: RawRecord,
                    ordinal: usize,
                    d: &mut Vec<Diagnostic>| {
        let key = raw_key(&raw, ordinal);
        batch.push((raw, key), d);
        *count += 1;
    };
    std::thread::scope(|scope| {
        // Records are converted on the rayon pool, a batch at a time, while
        // the next batch is split; handed on in input order.
        let mut batch = super::batch::Batch::background(scope, &convert);
        let mut splitter = Splitter::default();
        let mut buf = Vec::new();
        let mut no: u32 = 0;
        let mut utf8 = super::normalize::Utf8Lines::default();
        loop {
            if batch.is_full() {
                batch.flush(diagnostics, on_record);
            }
            buf.clear();
            let read = match reader.read_until(b'\n', &mut buf) {
                Ok(n) => n,
                Err(e) => {
                    batch.finish(diagnostics, on_record);
                    return Err(e);
                }
            };
            if read == 0 {
                break;
            }
            no = no.saturating_add(1);
            let text = utf8.text(&buf, input, no, diagnostics);
            let mut line = text.strip_suffix('\n').unwrap_or(&text);
            if no == 1 {
                line = line.trim_start_matches('\u{feff}');
            }
            let mut done =
                |raw, ordinal, d: &mut Vec<Diagnostic>| complete(&mut batch, &mut count, raw, ordinal, d);
            splitter.line(input, no, line.trim_matches('\r'), diagnostics, &mut done);
        }
        let mut done =
            |raw, ordinal, d: &mut Vec<Diagnostic>| complete(&mut batch, &mut count, raw, ordinal, d);
        splitter.finish(input, diagnostics, &mut done);
        batch.finish(diagnostics, on_record);
        Ok(count)
    })
}

fn ovid_orcids(text: &str) -> Vec<(String, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"([^;/:]+?);\s*ORCID:\s*(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dXx])")
            .expect("static regex")
    });
    // The pattern needs `ORCID:`, which most texts lack: looked for first.
    if !text.contains("ORCID:") {
        return Vec::new();
    }
    re.captures_iter(text)
        .filter_map(|c| {
            let name = c.get(1)?.as_str().trim().trim_start_matches(',').trim();
            Some((name.to_string(), normalize_orcid(c.get(2)?.as_str())?))
        })
        .collect()
}

/// Ties an affiliation that names its author ("D.G. Adler, Department of ...",
/// "Trindade, Ines A.: ...") to that author; returns false when none matches.
fn assign_named_affiliation(authors: &mut [Author], aff: &str) -> bool {
    let (head, rest) = match aff.split_once(": ") {
        Some((h, r)) if h.len() < 60 => (h, r),
        _ => match aff.split_once(", ") {
            Some((h, r)) if h.len() < 40 && h.split_whitespace().count() <= 4 => (h, r),
            _ => return false,
        },
    };
    if !rest.contains(' ') && rest.contains('@') {
        // "Name: e-mail" is a contact, not an affiliation.
        return true;
    }
    let head_person = Author::person(head);
    let key = family_key(&head_person.family);
    if key.is_empty() {
        return false;
    }
    let Some(a) = authors.iter_mut().find(|a| !a.is_org && family_key(&a.family) == key) else {
        return false;
    };
    normalize::push_unique(a.affiliations_mut(), rest);
    true
}

fn to_record(input: &str, raw: &RawRecord, key: String, diags: &mut Vec<Diagnostic>) -> Record {
    let at = Provenance::new(input, raw.line, Some(key.clone()));
    let mut r = Record::new(at.clone(), NAME);
    let ty = raw.first(&["TY"]).unwrap_or_default();
    r.doc_type = normalize::doc_type_from_name(&ty);
    let is_book = matches!(ty.as_str(), "BOOK" | "EBOOK" | "EDBOOK");

    r.title = raw.first(&["TI", "T1", "CT"]).or_else(|| if is_book { raw.first(&["BT"]) } else { None });
    if r.title.is_none() {
        r.title = raw.first(&["ST"]);
    }
    r.venue = raw.first(&["T2", "JF", "JO"]).or_else(|| if is_book { None } else { raw.first(&["BT"]) });
    r.venue_abbrev = raw.first(&["J2", "JA", "JI", "J9", "J1", "NL"]);
    if r.venue.is_none() {
        r.venue = r.venue_abbrev.clone();
    }

    for f in raw.all(&["AU", "A1"]) {
        let name = f.joined();
        if name.is_empty() {
            continue;
        }
        // EndNote marks corporate authors with a trailing comma ("NICE,").
        let author = match name.strip_suffix(',') {
            Some(org) => Author::org(org),
            None if normalize::looks_like_org(&name) => Author::org(&name),
            None => Author::person(&name),
        };
        r.authors.push(author);
    }
    let affs: Vec<String> = raw.all(&["AD"]).map(|f| f.joined()).filter(|s| !s.is_empty()).collect();
    if r.authors.len() == 1 {
        for a in &affs {
            normalize::push_unique(r.authors[0].affiliations_mut(), a);
        }
    } else {
        // Scopus, WoS and PubMed-derived exports list addresses without
        // saying whose they are: those belong to the record as a whole.
        for a in &affs {
            if !assign_named_affiliation(&mut r.authors, a) {
                r.add_affiliation(a);
            }
        }
    }
    for f in raw.all(&["AI", "OI"]) {
        for (name, orcid) in ovid_orcids(&f.joined()) {
            let k = family_key(&Author::person(&name).family);
            if let Some(a) = r.authors.iter_mut().find(|a| !k.is_empty() && family_key(&a.family) == k) {
                if a.orcid().is_none() {
                    a.set_orcid(Some(orcid));
                }
            }
        }
    }

    // Dates: the first parseable of PY, Y1, DA; month and day from any of them
    // when they agree on the year or give no year ("DA  - SEP").
    let date_fields: Vec<String> = ["PY", "Y1", "DA"].iter().filter_map(|t| raw.first(&[t])).collect();
    let mut date = date_fields.iter().find_map(|d| dates::parse(d));
    if let Some(d) = date.as_mut() {
        for s in &date_fields {
            match dates::parse(s) {
                Some(o) if o.year == d.year && o.month.is_some() && d.month.is_none() => {
                    d.month = o.month;
                    d.day = o.day;
                }
                None if d.month.is_none() => {
                    let mut toks = s.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty());
                    if let Some(m) = toks.next().and_then(dates::month_number) {
                        d.month = Some(m);
                        d.day = toks.next().and_then(|t| t.parse().ok()).filter(|n| (1..=31).contains(n));
                    }
                }
                _ => {}
            }
        }
    }
    r.published = date;
    r.epublished = raw.first(&["ET"]).and_then(|s| dates::parse(&s));

    r.volume = raw.first(&["VL", "VO"]);
    r.issue = raw.first(&["IS", "CP"]);
    let sp = raw.first(&["SP"]).filter(|s| s.chars().any(|c| c.is_ascii_digit()));
    let ep = raw.first(&["EP"]).filter(|s| s.chars().any(|c| c.is_ascii_digit()));
    r.pages = match (sp, ep) {
        (Some(s), Some(e)) if !s.contains('-') && s != e => normalize::normalize_pages(&format!("{s}-{e}")),
        (Some(s), _) => normalize::normalize_pages(&s),
        (None, _) => raw.first(&["C7"]),
    };
    r.publisher = raw.first(&["PB", "PU"]);
    for f in raw.all(&["SN"]) {
        let v = f.joined();
        let digits = v.chars().filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x').count();
        if digits >= 10 {
            if let Some(isbn) = normalize::normalize_isbn(&v) {
                r.add_id(Identifier::Isbn(isbn));
                continue;
            }
        }
        if let Some(issn) = normalize::normalize_issn(&v) {
            normalize::push_unique(&mut r.issn, &issn);
        }
    }

    for f in raw.all(&["DO"]) {
        let line = f.lines.first().map_or(raw.line, |l| l.0);
        let at_do = Provenance::new(input, line, Some(key.clone()));
        if let Some(id) = super::table::checked_id(Some(&f.joined()), Identifier::doi, "DO", &at_do, diags) {
            r.add_id(id);
        }
    }
    for f in raw.all(&["UR", "L2", "L3", "LK"]) {
        let v = f.joined();
        if r.doi().is_none() && (v.contains("doi.org/") || v.starts_with("10.")) {
            if let Some(id) = Identifier::doi(&v) {
                r.add_id(id);
            }
        }
        if let Some(eid) = scopus_eid(&v) {
            r.add_id(Identifier::Eid(eid));
        }
    }
    let db = raw.first(&["DB", "DP"]).unwrap_or_default();
    for f in raw.all(&["AN"]) {
        let v = f.joined();
        if let Some(ut) = v.strip_prefix("WOS:") {
            r.add_id(Identifier::Wos(format!("WOS:{}", ut.trim())));
        } else if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && v.len() <= 9 {
            if let Some(id) = Identifier::pmid(&v) {
                r.add_id(id);
            }
        } else if let Some(n) = v.strip_prefix("rayyan-") {
            r.add_id(Identifier::Other(format!("rayyan:{n}")));
        } else if !v.is_empty() {
            let db = if db.is_empty() { "an".to_string() } else { db.to_lowercase() };
            r.add_id(Identifier::Other(format!("{db}:{v}")));
        }
    }
    for f in raw.all(&["C2"]) {
        if let Some(pmc) =
            f.first().strip_prefix("PMC").filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        {
            r.add_id(Identifier::Pmcid(format!("PMC{pmc}")));
            continue;
        }
        if let Some(id) =
            Identifier::pmid(f.first()).filter(|_| f.first().bytes().all(|b| b.is_ascii_digit()))
        {
            r.add_id(id);
        }
    }
    if db.eq_ignore_ascii_case("embase") {
        if let Some(u2) = raw.first(&["U2"]) {
            r.add_id(Identifier::Other(format!("embase:{u2}")));
        }
    }

    let abs = raw.all(&["AB", "N2"]).map(|f| f.joined()).find(|s| !s.is_empty());
    r.abstract_text = abs.map(|a| normalize::layout_abstract(&a));

    // Keyword lines: one per tag or per untagged continuation line. Embase and
    // MEDLINE-derived exports put controlled headings (Emtree, MeSH) there.
    let controlled = ["embase", "medline", "pubmed", "nlm"].iter().any(|d| db.to_lowercase().contains(d));
    for f in raw.all(&["KW"]) {
        for (_, line) in &f.lines {
            for kw in line.split(';') {
                if controlled {
                    normalize::push_unique(&mut r.subjects, kw.trim().trim_start_matches('*'));
                } else {
                    normalize::push_unique(&mut r.keywords, kw);
                }
            }
        }
    }
    r.language = raw.first(&["LA"]).and_then(|l| super::language::language(&l));

    for f in raw.all(&["M3"]) {
        r.doc_type = normalize::merge_doc_type(r.doc_type, normalize::doc_type_from_name(&f.joined()));
    }
    for l in &raw.loose {
        if l.len() < 40 && !l.contains(':') {
            r.doc_type = normalize::merge_doc_type(r.doc_type, normalize::doc_type_from_name(l));
        }
    }
    r.doc_type = normalize::refine_doc_type(r.doc_type, r.title.as_deref());

    for f in raw.all(&["N1", "U1", "U2", "U3", "U4", "U5"]) {
        let first = f.first();
        if f.tag == "N1" && first.starts_with("References:") {
            read_references(input, &key, f, &mut r);
            continue;
        }
        if r.times_cited.is_none() {
            r.times_cited = normalize::times_cited(first);
        }
    }
    read_ovid_references(input, &key, raw, &mut r);
    if r.title.is_none() {
        diags.push(Diagnostic::warning(at, "record has no title"));
    }
    diags.extend(super::table::book_isbn_only(&mut r));
    r.mark_missing();
    r
}

/// Ovid PsycINFO puts the cited references in `M1`, one per tag
/// ("Andres, PG, & Friedman, LS (1999). Epidemiology ..."). Other vendors use
/// `M1` for e-mail addresses or numbers, so `M1` is read as a reference list
/// only when a record has at least three and nearly all carry a
/// parenthesised year.
fn read_ovid_references(input: &str, key: &str, raw: &RawRecord, r: &mut Record) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\((?:1[5-9]|20)\d{2}[a-z]?\)").expect("static regex"));
    let m1: Vec<&Field> = raw.all(&["M1"]).collect();
    let with_year = m1.iter().filter(|f| re.is_match(&f.joined())).count();
    if m1.len() < 3 || with_year * 10 < m1.len() * 8 {
        return;
    }
    for f in m1 {
        let text = f.joined();
        if re.is_match(&text) {
            let line = f.lines.first().map(|(l, _)| *l).unwrap_or(raw.line);
            r.citations
                .push(refs::parse_free_text(&text, Provenance::new(input, line, Some(key.to_string()))));
        }
    }
}

fn scopus_eid(url: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"eid=(2-s2\.0-\d+)").expect("static regex"));
    re.captures(url).and_then(|c| c.get(1)).map(|m| m.as_str().to_string())
}

/// Scopus `N1  - References: a;` + one untagged line per reference.
fn read_references(input: &str, key: &str, f: &Field, r: &mut Record) {
    for (i, (line, text)) in f.lines.iter().enumerate() {
        let t = if i == 0 { text.trim().trim_start_matches("References:") } else { text.trim() };
        // One reference per line; a line holding several ("a; b; c") is split
        // only when the export ran them together on the first line.
        let parts: Vec<&str> = if f.lines.len() == 1 { t.split("; ").collect() } else { vec![t] };
        for p in parts {
            let p = p.trim().trim_end_matches(';').trim();
            if p.is_empty() {
                continue;
            }
            let at = Provenance::new(input, *line, Some(key.to_string()));
            r.citations.push(refs::parse_free_text(p, at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_lines() {
        assert_eq!(tag_line("TY  - JOUR"), Some(("TY", "JOUR")));
        assert_eq!(tag_line("ER  -"), Some(("ER", "")));
        assert_eq!(tag_line("ER  - "), Some(("ER", "")));
        assert_eq!(tag_line("Export Date: 12 May 2022"), None);
        assert_eq!(tag_line("Article"), None);
        assert_eq!(tag_line("AB  -x"), None);
    }

    #[test]
    fn continuation_lines_and_loose_lines() {
        let text = "\u{feff}TY  - JOUR\r\nTI  - A title\r\nKW  - one\r\ntwo\r\nU3  - Cited By :4\r\n\r\nExport Date: 1 May 2022\r\n\r\nReview\r\nAU  - NICE,\r\nER  - \r\n";
        let p = parse("t.ris", text);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let r = &p.records[0];
        assert_eq!(r.keywords, vec!["one".to_string(), "two".to_string()]);
        assert_eq!(r.times_cited, Some(4));
        assert_eq!(r.doc_type, Some(crate::model::DocType::Review));
        assert!(r.authors[0].is_org);
        assert!(sniff(text));
    }

    /// Over several batches, with records missing their ER and stray lines
    /// between them, the streamed reading (records converted in parallel)
    /// gives what the in-memory reading gives, diagnostics in the same order.
    #[test]
    fn streamed_batches_match_the_whole_reading() {
        let mut text = String::new();
        for i in 0..700 {
            text.push_str(&format!("TY  - JOUR\nTI  - Work {i}\nAU  - Doe, J.\nPY  - 2001\n"));
            if i % 97 == 5 {
                text.push_str("ER  -\nER  -\n");
            } else if i % 131 != 7 {
                text.push_str("ER  -\n");
            }
            if i % 50 == 3 {
                text.push_str("stray line\n");
            }
        }
        let whole = parse("t.ris", &text);
        let mut records = Vec::new();
        let mut diags = Vec::new();
        let n = read_stream("t.ris", text.as_bytes(), &mut |r| records.push(r), &mut diags).unwrap();
        assert_eq!(n as usize, whole.records.len());
        assert_eq!(records, whole.records);
        assert_eq!(diags, whole.diagnostics);
        assert!(diags.len() > 5, "{diags:?}");
    }

    #[test]
    fn missing_er_is_kept() {
        let p = parse("t.ris", "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\n");
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.diagnostics.len(), 2);
        assert_eq!(p.diagnostics[0].at.line, 1);
    }
}
