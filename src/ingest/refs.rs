//! Reference strings -> [`Citation`]s.
//!
//! Two entry points: [`parse_wos_cr`] for Web of Science `CR` entries
//! (`Hayes AJ, 2015, J INFANT MENT HEALTH, V36, P100, DOI 10.1002/imhj.21491`)
//! and [`parse_free_text`] for formatted references (Scopus old and new
//! layouts, APA, Harvard, Vancouver). Both are best-effort: whatever they
//! cannot place stays only in `raw`, and they never panic.
//!
//! [`split_reference_list`] splits a `; `-joined reference cell (Scopus CSV
//! `References`, RIS `N1 - References:`) into entries.

use crate::model::norm::{normalize_doi, parse_person, squash_ws};
use crate::model::{Author, Citation, CitationDetail, Identifier, Provenance};
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

static DOI_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)10\.\d{4,9}/\S+").expect("valid DOI regex"));
static DOI_PART_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:,\s*)?(?:https?://(?:dx\.)?doi\.org/|\bdoi:?\s*)?10\.\d{4,9}/\S+")
        .expect("valid DOI part regex")
});
static PMID_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:,\s*)?\bPMID:?\s*(\d{1,9})").expect("valid PMID regex"));
static PMCID_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:,\s*)?\bPMCID:?\s*(PMC\d+)|\b(PMC\d{3,})\b").expect("valid PMCID regex")
});
static URL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:,\s*)?(?:available (?:at|from):?\s*)?https?://\S+").expect("valid URL regex")
});
static PAREN_YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(((?:1[5-9]|20)\d\d)([a-z])?\)").expect("valid year regex"));
static ANY_YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b((?:1[5-9]|20)\d\d)([a-z])?\b").expect("valid year regex"));
static NOTE_YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\((n\.\s?d\.|in press|forthcoming)\)").expect("valid note regex"));
static VANC_TAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:1[5-9]|20)\d\d)([a-z])?(?:\s+[A-Z][a-z]{2}[^;:.]*)?\s*;\s*([0-9A-Za-z]+)?\s*(?:\(([^)]{1,20})\))?\s*(?::\s*([A-Za-z]*\d+[A-Za-z0-9]*))?")
        .expect("valid Vancouver regex")
});
static LEAD_NUMBER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:\[\d{1,4}\]|\d{1,4}[.)])\s+").expect("valid numbering regex"));
static VOL_ISSUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:vol\.?\s*)?([0-9]+[A-Za-z]?)\s*\(([^)]{1,20})\)(?:\s*[:,]\s*(?:pp?\.\s*)?([A-Za-z]?\d+[A-Za-z0-9]*))?")
        .expect("valid volume regex")
});
static PAGES_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:pp?\.|pages?|art\.?\s*no\.?|e-?locator)?\s*([A-Za-z]{0,2}\d+[A-Za-z0-9]*)(?:\s*[-–—]\s*[A-Za-z]{0,2}\d+)?\.?$")
        .expect("valid pages regex")
});

/// Parses one Web of Science `CR` reference string.
///
/// Fields are `, `-separated: first author (`Family INITIALS`, or `[Anonymous]`),
/// year, abbreviated source, `V<volume>`, `P<page>` (or an article number),
/// `DOI <doi>` or `DOI [<doi>, <doi>]`. Any of them may be missing.
pub fn parse_wos_cr(raw: &str, at: Provenance) -> Citation {
    let text = super::table::squash_cow(raw);
    let mut c = Citation { raw: text.to_string(), count: 1, at, ..Citation::default() };
    // The DOI part comes last and may hold ", " inside brackets: cut it off first.
    let mut body: &str = &text;
    let doi_pos = if body.starts_with("DOI ") { Some(0) } else { body.find(", DOI ").map(|p| p + 2) };
    if let Some(pos) = doi_pos {
        let doi_part = body.get(pos + 4..).unwrap_or("");
        for id in wos_dois(doi_part) {
            if !c.ids.contains(&id) {
                c.ids.push(id);
            }
        }
        body = body.get(..pos).unwrap_or("").trim_end_matches([',', ' ']);
    }
    let mut fields: Vec<&str> = split_outside_brackets(body).into_iter().filter(|f| !f.is_empty()).collect();
    // First author, unless the entry starts with the year or is anonymous.
    if let Some(first) = fields.first().copied() {
        if first.eq_ignore_ascii_case("[Anonymous]") || first.eq_ignore_ascii_case("Anonymous") {
            fields.remove(0);
        } else if !is_year(first) && fields.len() > 1 {
            let a = wos_author(first);
            if !a.family.is_empty() {
                c.authors.push(a);
            }
            fields.remove(0);
        }
    }
    let mut rest = fields.into_iter().peekable();
    if let Some(y) = rest.peek().copied().filter(|f| is_year(f)) {
        c.year = y.parse().ok();
        rest.next();
    }
    for f in rest {
        if let Some(v) = wos_numbered(f, 'V') {
            c.detail_mut().volume.get_or_insert(v.to_string());
        } else if let Some(p) = wos_numbered(f, 'P') {
            c.detail_mut().first_page.get_or_insert(p.to_string());
        } else if let Some(n) = f.strip_prefix("ARTN ").or_else(|| f.strip_prefix("Artn ")) {
            c.detail_mut().first_page.get_or_insert(n.trim().to_string());
        } else if f.starts_with("UNSP ") || f.starts_with("PII ") || f.starts_with("CP") && f.len() < 6 {
            continue;
        } else if c.detail().venue.is_none() && !f.is_empty() {
            c.detail_mut().venue = Some(bracketed_venue(f));
        } else if c.year.is_none() && is_year(f) {
            c.year = f.parse().ok();
        }
    }
    c
}

/// The DOIs of a CR `DOI` part: one DOI (`10.2193/0022-541X(2004)068[0457:ADOSAH]2.0.CO;2`,
/// brackets and all), or a list `[10.1/a, 10.1/b]`. A list is told from a SICI
/// DOI by its opening bracket coming before the `10.`; each piece must be a
/// valid DOI, so a DOI cut short by the export (unbalanced bracket) is not
/// taken for another paper's.
fn wos_dois(part: &str) -> Vec<Identifier> {
    let part = part.trim().trim_start_matches("DOI ").trim();
    let pieces: Vec<&str> = match part.strip_prefix('[') {
        Some(inner) => {
            let inner = inner.strip_suffix(']').unwrap_or(inner);
            // Split on ", " (DOIs hold no spaces) at bracket depth 0.
            let mut out = Vec::new();
            let (mut depth, mut start) = (0i32, 0usize);
            let bytes = inner.as_bytes();
            for (i, &b) in bytes.iter().enumerate() {
                match b {
                    b'[' | b'(' => depth += 1,
                    b']' | b')' => depth -= 1,
                    b',' if depth <= 0 => {
                        out.push(inner.get(start..i).unwrap_or(""));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            out.push(inner.get(start..).unwrap_or(""));
            out
        }
        None => part.split(", ").collect(),
    };
    pieces
        .into_iter()
        .map(|p| p.trim().trim_start_matches("DOI ").trim())
        .filter(|p| p.starts_with("10.") || p.to_ascii_lowercase().contains("doi.org/10."))
        .filter_map(Identifier::doi)
        .collect()
}

/// Splits CR fields on `, ` outside square brackets: WoS writes CJK names
/// and venues with their romanisation in brackets (`[张铁民 Zhang Tiemin],
/// 2015, [农业机械学报, Transactions of the CSAM], V46`).
fn split_outside_brackets(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => depth += 1,
            b']' => depth = (depth - 1).max(0),
            b',' if depth == 0 && bytes.get(i + 1) == Some(&b' ') => {
                out.push(s.get(start..i).unwrap_or("").trim());
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(s.get(start..).unwrap_or("").trim());
    // An unclosed bracket would swallow the rest: fall back to plain splitting.
    if depth > 0 {
        return s.split(", ").map(str::trim).collect();
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff | 0x20000..=0x2ffff)
}

/// A bracketed CR venue `[农业机械学报, Transactions of …]` -> its first
/// (original-script) part; anything else as written.
fn bracketed_venue(f: &str) -> String {
    match f.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        Some(inner) => {
            let first = inner.split(", ").next().unwrap_or(inner).trim();
            if first.is_empty() { inner.trim() } else { first }.to_string()
        }
        None => f.to_string(),
    }
}

/// A CR author: `Hayes AJ` directly (the common case), `[张铁民 Zhang Tiemin]`
/// (original script, then the romanised family and given name), anything else
/// through [`parse_person`].
fn wos_author(name: &str) -> Author {
    // `*EUR NETW CANC REG`, `*WHO`: WoS marks organisations with a star.
    if let Some(org) = name.strip_prefix('*') {
        if !org.trim().is_empty() {
            return Author::org(org.trim());
        }
    }
    if let Some(inner) = name.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        let inner = inner.trim();
        let (native, latin): (Vec<&str>, Vec<&str>) =
            inner.split_whitespace().partition(|w| w.chars().any(is_cjk));
        if !latin.is_empty() {
            let mut a = Author {
                raw: inner.to_string(),
                family: latin[0].trim_end_matches(',').to_string(),
                given: latin[1..].join(" "),
                ..Author::default()
            };
            if a.family.is_empty() {
                a.family = native.join(" ");
            }
            return a;
        }
        if !native.is_empty() {
            return Author { raw: inner.to_string(), family: native.join(""), ..Author::default() };
        }
    }
    if let Some((fam, init)) = name.rsplit_once(' ') {
        let initials = !init.is_empty() && init.len() <= 3 && init.bytes().all(|b| b.is_ascii_uppercase());
        let family = !fam.is_empty() && !fam.contains([',', ' ', '.', '[']);
        if initials && family {
            return Author {
                raw: name.to_string(),
                family: fam.to_string(),
                given: init.to_string(),
                ..Author::default()
            };
        }
    }
    parse_person(name)
}

/// `V36` -> `36`, `P100` -> `100`, `PE123` -> `E123` (only when followed by a digit-ish value).
fn wos_numbered(f: &str, tag: char) -> Option<&str> {
    let rest = f.strip_prefix(tag)?;
    (!rest.is_empty()
        && rest.len() <= 12
        && !rest.contains(' ')
        && rest.chars().any(|c| c.is_ascii_digit())
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'))
    .then_some(rest)
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) && (s.starts_with('1') || s.starts_with('2'))
}

/// Splits a `; `-joined reference list into entries.
///
/// Scopus' current layout also separates the authors of one entry with `; `
/// (`Cheng M.; Xue Y.; Cui M., Global burden…, Spine, 50, (2025)`), so a piece
/// that is only a short name (no comma, no year) is glued to the piece after it.
pub fn split_reference_list(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for piece in cell.split("; ") {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        if !pending.is_empty() {
            pending.push_str("; ");
        }
        pending.push_str(piece);
        let name_only = piece.chars().count() <= 40
            && !piece.contains(',')
            && !ANY_YEAR_RE.is_match(piece)
            && is_family_initials(piece);
        if !name_only {
            out.push(std::mem::take(&mut pending));
        }
    }
    if !pending.is_empty() {
        out.push(pending);
    }
    out
}

static PUBMED_SHORT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([A-Z][^.;:]{0,99}?)\.\s+((?:1[5-9]|20)\d\d)(?:\s+[A-Z][a-z]{2}(?:\s*-\s*[A-Z][a-z]{2})?(?:\s+\d{1,2})?)?\s*(?:;\s*([0-9A-Za-z]+)?\s*(?:\(([^)]{1,20})\))?\s*(?::\s*([A-Za-z]*\d+[A-Za-z0-9]*)[^;]*)?)?\s*\.?\s*$",
    )
    .expect("valid PubMed citation regex")
});

/// Parses a PubMed `<Citation>` string. PubMed often gives only the source
/// part of a reference, `Biochem J. 1987 Mar 1;242(2):385-92`: journal
/// abbreviation, date, volume, issue and pages, no authors and no title.
/// That form becomes a citation with a venue (never an author called
/// "Biochem"); anything else is read by [`parse_free_text`].
pub fn parse_pubmed_citation(raw: &str, at: Provenance) -> Citation {
    let mut c = parse_free_text(raw, at);
    let work = DOI_PART_RE.replace_all(&c.raw, "");
    let work = PMID_RE.replace_all(&work, "");
    let work = PMCID_RE.replace_all(&work, "");
    let work = URL_RE.replace_all(&work, "");
    let work = work.trim().trim_end_matches(['.', ',', ';', ' ']);
    if let Some(m) = PUBMED_SHORT_RE.captures(work) {
        let get = |i: usize| m.get(i).map(|g| g.as_str().trim().to_string()).filter(|s| !s.is_empty());
        c.authors.clear();
        c.et_al = false;
        c.year = get(2).and_then(|y| y.parse().ok());
        c.detail = CitationDetail {
            venue: get(1),
            volume: get(3),
            issue: get(4),
            first_page: get(5),
            ..CitationDetail::default()
        }
        .boxed();
    }
    c
}

/// Whether `hay` contains `needle`, ASCII letters matched in either case.
fn contains_ascii_ci(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else { return false };
    // Candidates are the places of the first byte in either case, found by
    // memchr; the rest is compared there (references are read by the million).
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let last_start = match hay.len().checked_sub(needle.len()) {
        Some(n) => n,
        None => return false,
    };
    memchr::memchr2_iter(lower, upper, &hay[..=last_start])
        .any(|at| hay[at + 1..at + needle.len()].eq_ignore_ascii_case(rest))
}

/// Parses one free-text reference (Scopus, APA, Vancouver, Harvard).
///
/// Extracts DOIs, PMIDs and PMCIDs anywhere in the string, the year (with
/// suffix `2015a`, or `n.d.`/`in press`), the authors (as many as can be told
/// apart), title, venue, volume, issue and first page.
pub fn parse_free_text(raw: &str, at: Provenance) -> Citation {
    let text = squash_ws(raw);
    let mut c = Citation { raw: text.clone(), count: 1, at, ..Citation::default() };
    // Identifiers, then remove them (and URLs) from the working text. Each
    // pattern needs a literal (case aside) that most references lack; it is
    // looked for first, so that a pattern runs only where it can match
    // (millions of references in a big export).
    let doi = text.contains("10.");
    let (pmid, pmc) = (contains_ascii_ci(&text, "pmid"), contains_ascii_ci(&text, "pmc"));
    if doi {
        for m in DOI_RE.find_iter(&text) {
            if let Some(id) = Identifier::doi(m.as_str()) {
                if !c.ids.contains(&id) {
                    c.ids.push(id);
                }
            }
        }
    }
    if pmid {
        for cap in PMID_RE.captures_iter(&text) {
            if let Some(id) = cap.get(1).and_then(|m| Identifier::pmid(m.as_str())) {
                if !c.ids.contains(&id) {
                    c.ids.push(id);
                }
            }
        }
    }
    if pmc {
        for cap in PMCID_RE.captures_iter(&text) {
            if let Some(m) = cap.get(1).or_else(|| cap.get(2)) {
                let id = Identifier::Pmcid(m.as_str().to_ascii_uppercase());
                if !c.ids.contains(&id) {
                    c.ids.push(id);
                }
            }
        }
    }
    // Removing one pattern's matches can join two pieces into another's
    // literal, so each literal is looked for in the text as it is then.
    let mut work = LEAD_NUMBER_RE.replace(&text, "");
    for (literal, re) in
        [("10.", &*DOI_PART_RE), ("pmid", &*PMID_RE), ("pmc", &*PMCID_RE), ("http", &*URL_RE)]
    {
        if !contains_ascii_ci(&work, literal) {
            continue;
        }
        let replaced = match re.replace_all(&work, "") {
            Cow::Owned(s) => Some(s),
            Cow::Borrowed(_) => None,
        };
        if let Some(s) = replaced {
            work = Cow::Owned(s);
        }
    }
    let work = work.trim().trim_end_matches([',', ';', ' ']).trim();

    if let Some(m) = PAREN_YEAR_RE.find(work) {
        let whole = (m.start(), m.end());
        // The match is `(`, a year of four characters, maybe a lowercase
        // letter, `)`: its groups are read off it, with no capture pass.
        let (year, suffix) = paren_year_parts(m.as_str());
        c.year = year.parse().ok();
        c.detail_mut().year_suffix = suffix.to_string();
        let before = work.get(..whole.0).unwrap_or("").trim().trim_end_matches(',').trim();
        let after_raw = work.get(whole.1..).unwrap_or("").trim_start();
        let apa = after_raw.starts_with('.');
        let after = after_raw.trim_start_matches(['.', ',']).trim();
        if after.chars().filter(|c| c.is_alphabetic()).count() < 3 {
            // Scopus current layout: `Authors, Title, Source, vol, issue, pp. x-y, (year)`.
            if !parse_nature(before, &mut c) {
                parse_scopus_new(before, &mut c);
            }
        } else {
            parse_year_in_middle(before, after, apa, &mut c);
        }
    } else if let Some(m) = NOTE_YEAR_RE.find(work) {
        c.detail_mut().year_note = Some(m.as_str().trim_matches(['(', ')']).to_lowercase());
        let before = work.get(..m.start()).unwrap_or("").trim();
        let after = work.get(m.end()..).unwrap_or("").trim().trim_start_matches(['.', ',']).trim();
        parse_year_in_middle(before, after, true, &mut c);
    } else if let Some(cap) = VANC_TAIL_RE.captures(work) {
        parse_vancouver(work, &cap, &mut c);
    } else {
        parse_unknown(work, &mut c);
    }
    c
}

/// The year and the suffix letter (or `""`) of a [`PAREN_YEAR_RE`] match:
/// the year is the four characters after `(`, and the last of them is a
/// digit, so a lowercase letter after it is the suffix.
fn paren_year_parts(m: &str) -> (&str, &str) {
    let inner = m.strip_prefix('(').unwrap_or(m);
    let inner = inner.strip_suffix(')').unwrap_or(inner);
    match inner.char_indices().nth(4) {
        Some((i, _)) => (&inner[..i], &inner[i..]),
        None => (inner, ""),
    }
}

/// Spans of groups 1 to 3 of `re` in `text` when it matches: what
/// `captures` gives, read into `locs` (kept per thread) instead of a new
/// allocation per call.
fn group_spans(
    re: &Regex,
    locs: &'static std::thread::LocalKey<std::cell::RefCell<regex::CaptureLocations>>,
    text: &str,
) -> Option<[Option<(usize, usize)>; 3]> {
    locs.with_borrow_mut(|l| re.captures_read(l, text).map(|_| [l.get(1), l.get(2), l.get(3)]))
}

thread_local! {
    static VOL_ISSUE_LOCS: std::cell::RefCell<regex::CaptureLocations> =
        std::cell::RefCell::new(VOL_ISSUE_RE.capture_locations());
    static PAGES_LOCS: std::cell::RefCell<regex::CaptureLocations> =
        std::cell::RefCell::new(PAGES_RE.capture_locations());
}

/// `Family I.`, `Calin GA`, `Jiang W.-C.`, `Jafari Najaf Abadi MH`, `et al.`
fn is_family_initials(s: &str) -> bool {
    let s = s.trim();
    let words: Vec<&str> = s.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 2 || words.len() > 6 {
        return false;
    }
    let Some((last, fam)) = words.split_last() else { return false };
    is_initials(last) && fam.iter().all(|w| is_name_word(w))
}

fn is_initials(t: &str) -> bool {
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    (1..=4).contains(&letters)
        && t.chars().all(|c| c.is_uppercase() || c == '.' || c == '-' || c == ' ')
        && (letters <= 3 || !t.contains('.') || t.matches('.').count() >= letters - 1)
}

fn is_name_word(w: &str) -> bool {
    let mut chars = w.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_uppercase())
        || ["van", "von", "de", "der", "den", "del", "da", "di", "du", "la", "le", "ter", "dos", "das"]
            .contains(&w);
    first_ok
        && w.chars().count() <= 30
        && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
        && w.chars().any(|c| c.is_lowercase() || c.is_uppercase())
}

fn is_et_al(s: &str) -> bool {
    // Only ASCII text lowercases to these words (no other character has a
    // lowercase form among their letters), so an ASCII comparison that
    // ignores case says the same without making a lowercase copy.
    let t = s.trim().trim_end_matches('.');
    t.eq_ignore_ascii_case("et al")
        || t.eq_ignore_ascii_case("et al.")
        || t.eq_ignore_ascii_case("and others")
}

fn push_author(c: &mut Citation, name: &str) {
    let name = name.trim().trim_start_matches("& ").trim_start_matches("and ").trim();
    if name.is_empty() {
        return;
    }
    if is_et_al(name) {
        c.et_al = true;
        return;
    }
    let a: Author = parse_person(name);
    if !a.family.is_empty() {
        c.authors.push(a);
    }
}

/// Takes `Family, I., Family, I., & Family, I.` pairs from the front of
/// `tokens` (`, `-split); returns how many tokens were used.
fn take_comma_pairs(tokens: &[&str], c: &mut Citation) -> usize {
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].trim().trim_start_matches("& ").trim_start_matches("and ").trim();
        if is_et_al(t) {
            c.et_al = true;
            i += 1;
            continue;
        }
        // "Smith, J. and Jones, A." -> the initials token may carry " and Jones".
        let fam_ok = t.split(' ').filter(|w| !w.is_empty()).count() <= 4
            && t.split(' ').filter(|w| !w.is_empty()).all(is_name_word);
        let Some(next) = tokens.get(i + 1).map(|n| n.trim()) else { break };
        // Both joiners hold a space, which initials seldom do: looked for first.
        let joiner = || next.split_once(" and ").or_else(|| next.split_once(" & "));
        let (init, joined) = match next.contains(' ').then(joiner).flatten() {
            Some((a, b)) => (a.trim(), Some(b.trim())),
            None => (next, None),
        };
        if fam_ok && is_initials(init) {
            push_author(c, &format!("{t}, {init}"));
            i += 2;
            if let Some(j) = joined {
                // The next family name sits in this token: re-read it as the start of a pair.
                if let Some(n2) = tokens.get(i).map(|n| n.trim()) {
                    if is_initials(n2.split(" and ").next().unwrap_or(n2)) {
                        push_author(c, &format!("{j}, {n2}"));
                        i += 1;
                        continue;
                    }
                }
                push_author(c, j);
            }
        } else if is_family_initials(t) {
            push_author(c, t);
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Authors before the year, title and source after: APA, Harvard, Scopus older layout.
///
/// `apa`: the year is followed by a full stop (`(2006). Title. Venue`), so the
/// text after it starts with the title; otherwise (Scopus older layout
/// `(1999) J Comp Phys, 151`) it is the source.
fn parse_year_in_middle(before: &str, after: &str, apa: bool, c: &mut Citation) {
    let tokens: Vec<&str> = before.split(", ").collect();
    let used = take_comma_pairs(&tokens, c);
    let mut leftover = tokens.get(used..).unwrap_or(&[]).join(", ");
    if used == 0 && !before.is_empty() && c.authors.is_empty() {
        // Vancouver-like authors "Smith J, Jones AB" or an organisation.
        let parts: Vec<&str> = before.split([',', ';']).map(str::trim).collect();
        if parts.iter().all(|p| is_family_initials(p) || is_et_al(p) || p.starts_with("& ")) {
            for p in parts {
                push_author(c, p);
            }
            leftover.clear();
        }
    }
    let leftover = leftover.trim().trim_end_matches(['.', ',']).trim().to_string();
    if !leftover.is_empty() {
        if c.authors.is_empty() && (apa || !leftover.contains(' ') || looks_like_org(&leftover)) {
            // "NICE (2014) Title…", "Deutsche Welle. (2017a). Title…": an organisation author.
            c.authors.push(Author::org(&leftover));
        } else {
            // Scopus older layout: `Authors, Title (year) Source, vol (issue), pp.`
            c.detail_mut().title = Some(leftover);
        }
    }
    let after = after.trim();
    if c.detail().title.is_some() {
        parse_source_tail(after, c);
        return;
    }
    // Quoted title (Harvard): 'Title', Journal, 3(2), pp. 1-10.
    if let Some(q) = after.chars().next().filter(|ch| ['\'', '"', '‘', '“'].contains(ch)) {
        let close = match q {
            '‘' => '’',
            '“' => '”',
            o => o,
        };
        let inner_start = q.len_utf8();
        if let Some(end) = after.get(inner_start..).and_then(|s| s.find(close)) {
            let title = after.get(inner_start..inner_start + end).unwrap_or("");
            c.detail_mut().title = Some(title.trim().trim_end_matches([',', '.']).to_string());
            let rest = after.get(inner_start + end + close.len_utf8()..).unwrap_or("");
            parse_source_tail(rest.trim_start_matches([',', '.', ' ']), c);
            return;
        }
    }
    // APA: Title. Venue, 3(2), 77–101.  Scopus older: J Comp Phys, 151, p. 283
    if let Some(end) = sentence_end(after).filter(|_| apa) {
        let title = after.get(..end).unwrap_or("").trim();
        let rest = after.get(end + 1..).unwrap_or("").trim();
        if !rest.is_empty() {
            c.detail_mut().title = Some(title.to_string()).filter(|t| !t.is_empty());
            parse_source_tail(rest.trim_start_matches(['.', ' ']), c);
            if c.detail().venue.is_none() && c.detail().volume.is_none() {
                // "Title. Publisher." (book): keep the publisher as the venue.
                c.detail_mut().venue = Some(rest.trim_end_matches('.').to_string()).filter(|v| !v.is_empty());
            }
            return;
        }
    }
    parse_source_tail(after, c);
}

fn looks_like_org(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 8
        && words.iter().any(|w| {
            [
                "Organization",
                "Organisation",
                "Association",
                "Institute",
                "Council",
                "Society",
                "Department",
                "Agency",
                "Committee",
                "College",
                "Group",
            ]
            .contains(&w.trim_matches(|c: char| !c.is_alphabetic()))
        })
}

/// Byte offset of the end of the first sentence: the '.' (excluded) or just
/// after the '?' / '!' (kept) that comes before a space; single-letter
/// initials ("J.") do not end a sentence. The byte at the offset is '.' or ' '.
fn sentence_end(s: &str) -> Option<usize> {
    let idx: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(i, ch)) in idx.iter().enumerate() {
        if !matches!(ch, '.' | '?' | '!') {
            continue;
        }
        let next = idx.get(k + 1).map(|x| x.1);
        if next != Some(' ') {
            continue;
        }
        // Single-letter word before a '.' is an initial, not a sentence end.
        let word_len = idx[..k].iter().rev().take_while(|x| x.1.is_alphanumeric()).count();
        if ch == '.' && word_len <= 1 {
            continue;
        }
        if ch == '?' || ch == '!' {
            // Keep the question mark in the title: end after it (the space follows).
            return Some(i + 1);
        }
        return Some(i);
    }
    None
}

/// `Venue, 3(2), 77–101`, `J Comp Phys, 151, p. 283`, `Genet Nurs, 46 (5), pp. 781-790`.
fn parse_source_tail(s: &str, c: &mut Citation) {
    let s = s.trim().trim_end_matches(['.', ',', ';']).trim();
    if s.is_empty() {
        return;
    }
    let mut venue_parts: Vec<&str> = Vec::new();
    let mut numbers_started = false;
    for tok in s.split(',').map(str::trim) {
        if tok.is_empty() {
            // Scopus writes an empty field (", , ") for a missing volume: the source ends here.
            numbers_started |= !venue_parts.is_empty();
            if let Some(last) = venue_parts.last_mut() {
                // "Title., , Publisher": the full stop closes the field.
                *last = last.trim_end_matches('.');
            }
            continue;
        }
        let raw_tok = tok;
        let tok = tok.trim_end_matches('.').trim();
        // Each pattern runs only where it can match: `(` for a volume and
        // issue, a digit (any script's, as `\d` takes them) for pages.
        let group = |span: Option<(usize, usize)>| span.map_or("", |(a, b)| &tok[a..b]);
        if let Some(cap) =
            tok.contains('(').then(|| group_spans(&VOL_ISSUE_RE, &VOL_ISSUE_LOCS, tok)).flatten()
        {
            numbers_started = true;
            c.detail_mut().volume.get_or_insert_with(|| group(cap[0]).to_string());
            c.detail_mut().issue.get_or_insert_with(|| group(cap[1]).trim().to_string());
            if cap[2].is_some() {
                c.detail_mut().first_page.get_or_insert_with(|| group(cap[2]).to_string());
            }
        } else if let Some(cap) = (tok.starts_with('p')
            || tok.contains(['-', '–', '—'])
            || tok.starts_with("Art")
            || c.detail().volume.is_some())
        .then(|| {
            tok.chars().any(char::is_numeric).then(|| group_spans(&PAGES_RE, &PAGES_LOCS, tok)).flatten()
        })
        .flatten()
        {
            numbers_started = true;
            if tok.starts_with('p')
                || tok.contains(['-', '–', '—'])
                || c.detail().volume.is_some() && c.detail().issue.is_some()
            {
                c.detail_mut().first_page.get_or_insert_with(|| group(cap[0]).to_string());
            } else if c.detail().issue.is_none() && tok.chars().all(|ch| ch.is_ascii_digit()) {
                c.detail_mut().issue = Some(tok.to_string());
            } else {
                c.detail_mut().first_page.get_or_insert_with(|| group(cap[0]).to_string());
            }
        } else if tok.chars().all(|ch| ch.is_ascii_digit()) && tok.len() <= 6 {
            numbers_started = true;
            if c.detail().volume.is_none() {
                c.detail_mut().volume = Some(tok.to_string());
            } else if c.detail().issue.is_none() {
                c.detail_mut().issue = Some(tok.to_string());
            }
        } else if !numbers_started {
            venue_parts.push(raw_tok);
        }
    }
    if c.detail().venue.is_none() && !venue_parts.is_empty() {
        c.detail_mut().venue = Some(venue_parts.join(", "));
    }
}

/// Scopus current layout: `Ciotti M., Ciccozzi M., Title, Venue, 57, 6, pp. 365-388` (year removed).
fn parse_scopus_new(before: &str, c: &mut Citation) {
    // Authors are `; `- or `, `-separated `Family I.` names at the front.
    let mut rest = before;
    loop {
        let cut = rest.find([',', ';']).unwrap_or(rest.len());
        let head = rest.get(..cut).unwrap_or("").trim();
        if is_et_al(head) {
            c.et_al = true;
        } else if is_family_initials(head) {
            push_author(c, head);
        } else {
            break;
        }
        rest = rest.get(cut + 1..).unwrap_or("").trim_start();
        if rest.is_empty() {
            break;
        }
    }
    let mut tokens: Vec<&str> = rest.split(", ").map(str::trim).filter(|t| !t.is_empty()).collect();
    // Numbers from the end: pp. x-y, issue, volume.
    let mut nums: Vec<&str> = Vec::new();
    while let Some(last) = tokens.last().copied() {
        let is_num = last.starts_with("pp.")
            || last.starts_with("p. ")
            || last.starts_with("Art. No")
            || (last.len() <= 8 && last.chars().any(|ch| ch.is_ascii_digit()) && !last.contains(' '));
        if is_num && tokens.len() > 1 {
            nums.push(last);
            tokens.pop();
        } else {
            break;
        }
    }
    nums.reverse();
    for n in nums {
        if let Some(p) = n.strip_prefix("pp.").or_else(|| n.strip_prefix("p.")) {
            let first = p.trim().split(['-', '–']).next().unwrap_or("").trim();
            c.detail_mut().first_page.get_or_insert(first.to_string());
        } else if let Some(p) = n.strip_prefix("Art. No.") {
            c.detail_mut().first_page.get_or_insert(p.trim().to_string());
        } else if c.detail().volume.is_none() {
            c.detail_mut().volume = Some(n.to_string());
        } else if c.detail().issue.is_none() {
            c.detail_mut().issue = Some(n.to_string());
        }
    }
    match tokens.len() {
        0 => {}
        1 => c.detail_mut().title = Some(tokens[0].to_string()),
        n => {
            c.detail_mut().venue = Some(tokens[n - 1].to_string());
            c.detail_mut().title = Some(tokens[..n - 1].join(", ").trim_end_matches('.').to_string());
        }
    }
}

static NATURE_SOURCE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?\D)\s+(\d+[A-Za-z]?)(?:\s*\(([^)]{1,20})\))?(?:\s*,\s*([A-Za-z]{0,2}\d+[A-Za-z0-9.]*))?\s*[-–—0-9A-Za-z.]*$")
        .expect("valid Nature source regex")
});

/// `P.`, `S. I. A.`, `G.-D.`: leading initials of `tok` and the text after them.
fn split_leading_initials(tok: &str) -> Option<(String, &str)> {
    let mut end = 0;
    let mut inits = Vec::new();
    for (i, w) in tok.split(' ').scan(0usize, |pos, w| {
        let start = *pos;
        *pos += w.len() + 1;
        Some((start, w))
    }) {
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        let dotted = w.ends_with('.')
            && (1..=2).contains(&letters)
            && w.chars().all(|c| c.is_uppercase() || c == '.' || c == '-');
        if !dotted {
            break;
        }
        inits.push(w);
        end = i + w.len();
    }
    if inits.is_empty() {
        return None;
    }
    Some((inits.join(" "), tok.get(end..).unwrap_or("").trim_start()))
}

/// Nature/Crossref style with the year last: `Chou, P. Y. & Fasman, G. D.
/// Empirical predictions of protein conformation. Annu. Rev. Biochem. 47,
/// 251–276` (year already removed). False when `before` does not start with
/// a `Family, I.` author.
fn parse_nature(before: &str, c: &mut Citation) -> bool {
    let tokens: Vec<&str> = before.split(", ").collect();
    let starts_like_author = tokens.len() >= 2
        && tokens[0].split(' ').count() <= 3
        && tokens[0].split(' ').all(is_name_word)
        && split_leading_initials(tokens[1]).is_some();
    if !starts_like_author {
        return false;
    }
    let mut i = 0;
    let mut rest: Option<String> = None;
    while i + 1 < tokens.len() {
        let fam = tokens[i].trim().trim_start_matches("& ").trim_start_matches("and ").trim();
        if !fam.split(' ').all(is_name_word) {
            break;
        }
        let next = tokens[i + 1].trim();
        let Some((inits, tail)) = split_leading_initials(next) else { break };
        let after = tail.strip_prefix("& ").or_else(|| tail.strip_prefix("and "));
        push_author(c, &format!("{fam}, {inits}"));
        if let Some(b) = after {
            // "J. & Castro-Hernandez" -> next family in this token; its initials follow.
            if let Some(n2) = tokens.get(i + 2) {
                if let Some((inits2, tail2)) = split_leading_initials(n2) {
                    push_author(c, &format!("{}, {inits2}", b.trim()));
                    let mut r = tail2.to_string();
                    for t in tokens.get(i + 3..).unwrap_or(&[]) {
                        r.push_str(", ");
                        r.push_str(t);
                    }
                    rest = Some(r);
                }
            }
            break;
        }
        if !tail.is_empty() {
            let mut r = tail.to_string();
            for t in tokens.get(i + 2..).unwrap_or(&[]) {
                r.push_str(", ");
                r.push_str(t);
            }
            rest = Some(r);
            break;
        }
        i += 2;
    }
    let Some(mut rest) = rest else { return !c.authors.is_empty() };
    if let Some(r) = rest.strip_prefix("et al.") {
        c.et_al = true;
        rest = r.trim_start().to_string();
    }
    let rest = rest.trim();
    match sentence_end(rest) {
        Some(end) => {
            c.detail_mut().title =
                Some(rest.get(..end).unwrap_or("").trim().to_string()).filter(|t| !t.is_empty());
            let src = rest.get(end + 1..).unwrap_or("").trim();
            match NATURE_SOURCE_RE.captures(src) {
                Some(cap) => {
                    c.detail_mut().venue =
                        cap.get(1).map(|m| m.as_str().trim().trim_end_matches(',').to_string());
                    c.detail_mut().volume = cap.get(2).map(|m| m.as_str().to_string());
                    c.detail_mut().issue = cap.get(3).map(|m| m.as_str().to_string());
                    c.detail_mut().first_page =
                        cap.get(4).map(|m| m.as_str().trim_end_matches('.').to_string());
                }
                None => {
                    c.detail_mut().venue =
                        Some(src.trim_end_matches('.').to_string()).filter(|v| !v.is_empty())
                }
            }
        }
        None => c.detail_mut().title = Some(rest.to_string()).filter(|t| !t.is_empty()),
    }
    true
}

/// `Smith J, Jones AB. Title. BMJ. 2015;350(2):h100.`
fn parse_vancouver(work: &str, cap: &regex::Captures<'_>, c: &mut Citation) {
    let Some(whole) = cap.get(0) else { return };
    c.year = cap.get(1).and_then(|y| y.as_str().parse().ok());
    c.detail_mut().year_suffix = cap.get(2).map(|s| s.as_str().to_string()).unwrap_or_default();
    c.detail_mut().volume = cap.get(3).map(|m| m.as_str().to_string());
    c.detail_mut().issue = cap.get(4).map(|m| m.as_str().to_string());
    c.detail_mut().first_page = cap.get(5).map(|m| m.as_str().to_string());
    let head = work.get(..whole.start()).unwrap_or("").trim().trim_end_matches(['.', ' ']);
    // Sentences: authors. title. venue
    let mut sentences: Vec<&str> = Vec::new();
    let mut rest = head;
    while let Some(end) = sentence_end_loose(rest) {
        sentences.push(rest.get(..end).unwrap_or("").trim());
        rest = rest.get(end + 1..).unwrap_or("").trim();
    }
    if !rest.is_empty() {
        sentences.push(rest);
    }
    let mut idx = 0;
    if let Some(first) = sentences.first() {
        let parts: Vec<&str> = first.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
        if !parts.is_empty() && parts.iter().all(|p| is_family_initials(p) || is_et_al(p)) {
            for p in parts {
                push_author(c, p);
            }
            idx = 1;
        }
    }
    let remaining = sentences.get(idx..).unwrap_or(&[]);
    match remaining.len() {
        0 => {}
        1 => c.detail_mut().venue = Some(remaining[0].to_string()),
        n => {
            c.detail_mut().title = Some(remaining[..n - 1].join(". "));
            c.detail_mut().venue = Some(remaining[n - 1].to_string());
        }
    }
}

/// Like [`sentence_end`] but any '.' or '?' followed by a space ends a sentence
/// (Vancouver writes initials without dots).
fn sentence_end_loose(s: &str) -> Option<usize> {
    s.char_indices()
        .find(|&(i, ch)| matches!(ch, '.' | '?' | '!') && s.get(i + 1..).is_some_and(|r| r.starts_with(' ')))
        .map(|(i, _)| i)
}

/// No recognisable layout: take a standalone year and leading authors.
fn parse_unknown(work: &str, c: &mut Citation) {
    if let Some(m) = ANY_YEAR_RE.captures_iter(work).last() {
        c.year = m.get(1).and_then(|y| y.as_str().parse().ok());
        c.detail_mut().year_suffix = m.get(2).map(|s| s.as_str().to_string()).unwrap_or_default();
    }
    let tokens: Vec<&str> = work.split(", ").collect();
    let used = take_comma_pairs(&tokens, c);
    let rest = tokens.get(used..).unwrap_or(&[]).join(", ");
    let rest = rest.trim();
    if let Some(end) = sentence_end(rest) {
        c.detail_mut().title =
            Some(rest.get(..end).unwrap_or("").trim().to_string()).filter(|t| !t.is_empty());
    } else if !rest.is_empty() && used > 0 {
        c.detail_mut().title = Some(rest.trim_end_matches('.').to_string());
    }
}

/// All DOIs in `s` (normalised).
pub fn dois_in(s: &str) -> Vec<Identifier> {
    let mut out = Vec::new();
    for m in DOI_RE.find_iter(s) {
        if let Some(d) = normalize_doi(m.as_str()) {
            let id = Identifier::Doi(d);
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Provenance {
        Provenance::new("t", 1, None)
    }

    /// The groups read off a year match, and those read into kept
    /// locations, are the ones `captures` gives (the regex as the oracle),
    /// on references and tokens with suffixes, other scripts' digits and
    /// near misses.
    #[test]
    fn groups_without_captures_are_the_captured_ones() {
        for s in [
            "Smith, J. (2015) Title",
            "Smith (2015a). Title",
            "(1999b)(2001)",
            "x (19٤٥) y",
            "x (20２3z) y",
            "(1499) (1500c)",
            "(2015ab) (2016)",
            "no year (n.d.)",
            "(2015",
            "((2015))",
            "é (2019q)",
        ] {
            let want = PAREN_YEAR_RE.captures(s).map(|m| {
                let g = |i: usize| m.get(i).map_or("", |g| g.as_str());
                (m.get(0).map(|g| (g.start(), g.end())), g(1).to_string(), g(2).to_string())
            });
            let got = PAREN_YEAR_RE.find(s).map(|m| {
                let (y, x) = paren_year_parts(m.as_str());
                (Some((m.start(), m.end())), y.to_string(), x.to_string())
            });
            assert_eq!(got, want, "{s:?}");
        }
        for (re, locs) in [(&*VOL_ISSUE_RE, &VOL_ISSUE_LOCS), (&*PAGES_RE, &PAGES_LOCS)] {
            for t in [
                "22 (2)",
                "vol. 3 (4): 55",
                "12A (Suppl 1), pp. 5",
                "7 (x)",
                "pp. 1286-1298",
                "p. e12",
                "Art. no. 101",
                "pages 5–9.",
                "e-locator 44",
                "123",
                "١٢٣",
                "(2)",
                "pp.",
                "",
            ] {
                let want = re.captures(t).map(|m| [1, 2, 3].map(|i| m.get(i).map(|g| (g.start(), g.end()))));
                // Twice: the kept locations are read afresh each time.
                assert_eq!(group_spans(re, locs, t), want, "{t:?}");
                assert_eq!(group_spans(re, locs, t), want, "{t:?}");
            }
        }
    }

    #[test]
    fn identifiers_and_addresses_in_any_case_are_found_and_removed() {
        let c = parse_free_text(
            "Smith J, Jones K. Sleep in shift workers. Occup Med. 2019;69(3):201-8. pmid: 30912345; \
             pmc6543210. Available from: HTTPS://Example.org/paper DOI: 10.1093/OCCMED/KQZ031",
            at(),
        );
        assert!(c.ids.contains(&Identifier::Pmid("30912345".into())), "{:?}", c.ids);
        assert!(c.ids.contains(&Identifier::Pmcid("PMC6543210".into())), "{:?}", c.ids);
        assert!(c.ids.iter().any(|i| matches!(i, Identifier::Doi(_))), "{:?}", c.ids);
        let fields = format!("{:?}", c.detail());
        for gone in ["30912345", "6543210", "Example.org", "KQZ031"] {
            assert!(!fields.contains(gone), "{gone} left in {fields}");
        }
        assert_eq!(c.year, Some(2019));
        // Removing the PMID joins "ht" and "tp://": the address that makes
        // is removed too, as when every pattern ran on every reference.
        let joined = parse_free_text(
            "Lee, A. (2020). Night shifts ht, PMID 31234567tp://x.example/a. Occup Med, 70, 1-9.",
            at(),
        );
        assert!(joined.ids.contains(&Identifier::Pmid("31234567".into())), "{:?}", joined.ids);
        let fields = format!("{:?}", joined.detail());
        assert!(!fields.contains("x.example"), "address left in {fields}");
        assert!(contains_ascii_ci("xxPmIdyy", "pmid") && !contains_ascii_ci("pmi", "pmid"));
        assert!(!contains_ascii_ci("anything", ""));
        // Against the plain window by window comparison, on every string of
        // up to five of these pieces (needles at the start, end, cut short,
        // in other cases, next to non-ASCII text).
        let naive = |h: &str, n: &str| {
            !n.is_empty() && h.as_bytes().windows(n.len()).any(|w| w.eq_ignore_ascii_case(n.as_bytes()))
        };
        let pieces = ["p", "P", "m", "id", "ID", "pm", "é", "c", "10.", "ht", "tp"];
        let mut hay = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> =
                hay.iter().flat_map(|h| pieces.iter().map(move |p| format!("{h}{p}"))).collect();
            hay.extend(longer);
            hay.sort();
            hay.dedup();
        }
        for h in &hay {
            for n in ["pmid", "pmc", "http", "10.", "p", ""] {
                assert_eq!(contains_ascii_ci(h, n), naive(h, n), "{h:?} {n:?}");
            }
        }
    }
    fn doi(s: &str) -> Identifier {
        Identifier::Doi(s.to_string())
    }

    #[test]
    fn wos_cr_table() {
        struct Case {
            raw: &'static str,
            family: Option<&'static str>,
            given: &'static str,
            year: Option<i32>,
            venue: Option<&'static str>,
            volume: Option<&'static str>,
            page: Option<&'static str>,
            dois: &'static [&'static str],
        }
        let cases = [
            Case {
                raw: "Hayes AJ, 2015, J INFANT MENT HEALTH, V36, P100, DOI 10.1002/imhj.21491",
                family: Some("Hayes"),
                given: "AJ",
                year: Some(2015),
                venue: Some("J INFANT MENT HEALTH"),
                volume: Some("36"),
                page: Some("100"),
                dois: &["10.1002/imhj.21491"],
            },
            Case {
                raw: "Ceh M, 2018, ISPRS INT J GEO-INF, V7, DOI [10.3390/ijgi705168, 10.3390/ijgi7050168]",
                family: Some("Ceh"),
                given: "M",
                year: Some(2018),
                venue: Some("ISPRS INT J GEO-INF"),
                volume: Some("7"),
                page: None,
                dois: &["10.3390/ijgi705168", "10.3390/ijgi7050168"],
            },
            Case {
                raw: "[Anonymous], 2013, DIAGN STAT MAN MENT",
                family: None,
                given: "",
                year: Some(2013),
                venue: Some("DIAGN STAT MAN MENT"),
                volume: None,
                page: None,
                dois: &[],
            },
            Case {
                raw: "Enemark S., 2014, FIT FOR PURPOSE LAND",
                family: Some("Enemark"),
                given: "S.",
                year: Some(2014),
                venue: Some("FIT FOR PURPOSE LAND"),
                volume: None,
                page: None,
                dois: &[],
            },
            Case {
                raw: "Gabrielli L, 2023, LAND-BASEL, V12, DOI 10.3390/LAND12061248",
                family: Some("Gabrielli"),
                given: "L",
                year: Some(2023),
                venue: Some("LAND-BASEL"),
                volume: Some("12"),
                page: None,
                dois: &["10.3390/land12061248"],
            },
            Case {
                raw: "Smith J, PLOS ONE, V9, ARTN e100",
                family: Some("Smith"),
                given: "J",
                year: None,
                venue: Some("PLOS ONE"),
                volume: Some("9"),
                page: Some("e100"),
                dois: &[],
            },
            Case {
                raw: "Abraham M., 1909, RC CIRC MAT PALERMO, V28, P1",
                family: Some("Abraham"),
                given: "M.",
                year: Some(1909),
                venue: Some("RC CIRC MAT PALERMO"),
                volume: Some("28"),
                page: Some("1"),
                dois: &[],
            },
        ];
        for k in cases {
            let c = parse_wos_cr(k.raw, at());
            assert_eq!(c.authors.first().map(|a| a.family.as_str()), k.family, "{}", k.raw);
            if k.family.is_some() {
                assert_eq!(c.authors[0].given, k.given, "{}", k.raw);
            }
            assert_eq!(c.year, k.year, "{}", k.raw);
            assert_eq!(c.detail().venue.as_deref(), k.venue, "{}", k.raw);
            assert_eq!(c.detail().volume.as_deref(), k.volume, "{}", k.raw);
            assert_eq!(c.detail().first_page.as_deref(), k.page, "{}", k.raw);
            let want: Vec<Identifier> = k.dois.iter().map(|d| doi(d)).collect();
            assert_eq!(c.ids.to_vec(), want, "{}", k.raw);
            assert_eq!(c.count, 1);
        }
    }

    #[test]
    fn wos_cr_sici_doi_and_cjk_names() {
        let c = parse_wos_cr(
            "Sauer JR, 2004, J WILDLIFE MANAGE, V68, P457, DOI 10.2193/0022-541X(2004)068[0457:ADOSAH]2.0.CO;2",
            at(),
        );
        assert_eq!(c.ids.to_vec(), vec![doi("10.2193/0022-541x(2004)068[0457:adosah]2.0.co;2")]);
        let c = parse_wos_cr(
            "Li X, 2020, J X, V1, DOI [10.2193/0022-541X(2004)068[0457:A]2.0.CO;2, 10.1/b]",
            at(),
        );
        assert_eq!(c.ids.to_vec(), vec![doi("10.2193/0022-541x(2004)068[0457:a]2.0.co;2"), doi("10.1/b")]);
        // Cut short by the export: an unbalanced bracket is no DOI.
        let c = parse_wos_cr("Li X, 2020, J X, V1, DOI 10.2193/0022-541X(2004)068[0457", at());
        assert!(c.ids.is_empty());
        let c = parse_wos_cr(
            "[张铁民 Zhang Tiemin], 2015, [农业机械学报, Transactions of the CSAM], V46, P1",
            at(),
        );
        assert_eq!(c.authors[0].family, "Zhang");
        assert_eq!(c.authors[0].given, "Tiemin");
        assert_eq!(c.authors[0].raw, "张铁民 Zhang Tiemin");
        assert_eq!(c.detail().venue.as_deref(), Some("农业机械学报"));
        assert_eq!(c.year, Some(2015));
        assert_eq!(c.detail().volume.as_deref(), Some("46"));
        let c = parse_wos_cr("*EUR NETW CANC REG, 2006, EUR CANC REG BAS POP", at());
        assert!(c.authors[0].is_org);
        assert_eq!(c.authors[0].family, "EUR NETW CANC REG");
    }

    #[test]
    fn pubmed_citation_strings() {
        let c = parse_pubmed_citation("Biochem J. 1987 Mar 1;242(2):385-92.", at());
        assert!(c.authors.is_empty());
        assert_eq!(c.detail().venue.as_deref(), Some("Biochem J"));
        assert_eq!(c.year, Some(1987));
        assert_eq!(c.detail().volume.as_deref(), Some("242"));
        assert_eq!(c.detail().issue.as_deref(), Some("2"));
        assert_eq!(c.detail().first_page.as_deref(), Some("385"));
        let c = parse_pubmed_citation("Health Technol Assess. 2006 Oct;10(36):iii-iv, xi-xiii, 1-154", at());
        assert_eq!(c.detail().venue.as_deref(), Some("Health Technol Assess"));
        assert_eq!(c.detail().volume.as_deref(), Some("10"));
        let c = parse_pubmed_citation("Syst Rev. 2015 Mar 28;4:36", at());
        assert_eq!(
            (
                c.detail().venue.as_deref(),
                c.year,
                c.detail().volume.as_deref(),
                c.detail().first_page.as_deref()
            ),
            (Some("Syst Rev"), Some(2015), Some("4"), Some("36"))
        );
        // A full reference still has its authors.
        let c = parse_pubmed_citation("Smith J, Jones AB. Effect of tea on sleep. BMJ. 2015;350:h100.", at());
        assert_eq!(c.authors.len(), 2);
    }

    #[test]
    fn wos_cr_doi_list_with_inner_prefix() {
        let c = parse_wos_cr("Li X, 2020, J X, V1, P2, DOI [10.1234/a, DOI 10.1234/b]", at());
        assert_eq!(c.ids.to_vec(), vec![doi("10.1234/a"), doi("10.1234/b")]);
    }

    struct Free {
        raw: &'static str,
        families: &'static [&'static str],
        year: Option<i32>,
        suffix: &'static str,
        title: Option<&'static str>,
        venue: Option<&'static str>,
        volume: Option<&'static str>,
        issue: Option<&'static str>,
        page: Option<&'static str>,
        ids: &'static [&'static str],
    }

    fn check(k: &Free) {
        let c = parse_free_text(k.raw, at());
        let fams: Vec<&str> = c.authors.iter().map(|a| a.family.as_str()).collect();
        assert_eq!(fams, k.families, "authors of {}", k.raw);
        assert_eq!(c.year, k.year, "year of {}", k.raw);
        assert_eq!(c.detail().year_suffix, k.suffix, "suffix of {}", k.raw);
        assert_eq!(c.detail().title.as_deref(), k.title, "title of {}", k.raw);
        assert_eq!(c.detail().venue.as_deref(), k.venue, "venue of {}", k.raw);
        assert_eq!(c.detail().volume.as_deref(), k.volume, "volume of {}", k.raw);
        assert_eq!(c.detail().issue.as_deref(), k.issue, "issue of {}", k.raw);
        assert_eq!(c.detail().first_page.as_deref(), k.page, "page of {}", k.raw);
        let ids: Vec<String> = c.ids.iter().map(|i| i.to_string()).collect();
        assert_eq!(ids, k.ids, "ids of {}", k.raw);
    }

    #[test]
    fn free_text_table() {
        let cases = [
            // Scopus current layout (scopus_sample_with_references.csv style).
            Free {
                raw: "Ciotti M., Ciccozzi M., Terrinoni A., Jiang W.-C., Wang C.-B., Bernardini S., The COVID-19 pandemic, Crit. Rev. Clin. Lab. Sci., 57, 6, pp. 365-388, (2020)",
                families: &["Ciotti", "Ciccozzi", "Terrinoni", "Jiang", "Wang", "Bernardini"],
                year: Some(2020),
                suffix: "",
                title: Some("The COVID-19 pandemic"),
                venue: Some("Crit. Rev. Clin. Lab. Sci."),
                volume: Some("57"),
                issue: Some("6"),
                page: Some("365"),
                ids: &[],
            },
            Free {
                raw: "Cheng M.; Xue Y.; Cui M., Global, regional, and national burden of low back pain: findings from the global burden of disease study 2021 and projections to 2050, Spine (Phila Pa 1976), 50, pp. E128-E139, (2025)",
                families: &["Cheng", "Xue", "Cui"],
                year: Some(2025),
                suffix: "",
                title: Some("Global, regional, and national burden of low back pain: findings from the global burden of disease study 2021 and projections to 2050"),
                venue: Some("Spine (Phila Pa 1976)"),
                volume: Some("50"),
                issue: None,
                page: Some("E128"),
                ids: &[],
            },
            Free {
                raw: "The global epidemic of low back pain, Lancet Rheumatol, 5, (2023)",
                families: &[],
                year: Some(2023),
                suffix: "",
                title: Some("The global epidemic of low back pain"),
                venue: Some("Lancet Rheumatol"),
                volume: Some("5"),
                issue: None,
                page: None,
                ids: &[],
            },
            // Scopus older layout (scopus_2021_bom_58_records.csv).
            Free {
                raw: "Kalé, L., Skeel, R., Bhandarkar, M., Brunner, R., Gursoy, A., Krawetz, N., Phillips, J., Schulten, K., (1999) J Comp Phys, 151, p. 283",
                families: &["Kalé", "Skeel", "Bhandarkar", "Brunner", "Gursoy", "Krawetz", "Phillips", "Schulten"],
                year: Some(1999),
                suffix: "",
                title: None,
                venue: Some("J Comp Phys"),
                volume: Some("151"),
                issue: None,
                page: Some("283"),
                ids: &[],
            },
            Free {
                raw: "Taylor, RC, Cullen, SP, Martin, SJ., Apoptosis: controlled demolition at the cellular level (2008) Nat Rev Mol Cell Biol, 9 (3), pp. 231-241. , https://doi.org/10.1038/nrm2312, PMID: 18073771",
                families: &["Taylor", "Cullen", "Martin"],
                year: Some(2008),
                suffix: "",
                title: Some("Apoptosis: controlled demolition at the cellular level"),
                venue: Some("Nat Rev Mol Cell Biol"),
                volume: Some("9"),
                issue: Some("3"),
                page: Some("231"),
                ids: &["doi:10.1038/nrm2312", "pmid:18073771"],
            },
            // gen_corpus.py RIS style.
            Free {
                raw: "Fairman, C.W., Scott, J.D., Towards sustainable reinforcement learning: rethinking atrial fibrillation (2006) Reviews in Applied Finance, 22 (1), pp. 619-642",
                families: &["Fairman", "Scott"],
                year: Some(2006),
                suffix: "",
                title: Some("Towards sustainable reinforcement learning: rethinking atrial fibrillation"),
                venue: Some("Reviews in Applied Finance"),
                volume: Some("22"),
                issue: Some("1"),
                page: Some("619"),
                ids: &[],
            },
            // APA.
            Free {
                raw: "Braun, V., & Clarke, V. (2006). Using thematic analysis in psychology. Qualitative Research in Psychology, 3(2), 77–101. https://doi.org/10.1191/1478088706qp063oa",
                families: &["Braun", "Clarke"],
                year: Some(2006),
                suffix: "",
                title: Some("Using thematic analysis in psychology"),
                venue: Some("Qualitative Research in Psychology"),
                volume: Some("3"),
                issue: Some("2"),
                page: Some("77"),
                ids: &["doi:10.1191/1478088706qp063oa"],
            },
            Free {
                raw: "Stein, A., Pearson, R. M., Goodman, S. H., et al. (2014b). Effects of perinatal mental disorders on the fetus and child. The Lancet, 384(9956), 1800–1819.",
                families: &["Stein", "Pearson", "Goodman"],
                year: Some(2014),
                suffix: "b",
                title: Some("Effects of perinatal mental disorders on the fetus and child"),
                venue: Some("The Lancet"),
                volume: Some("384"),
                issue: Some("9956"),
                page: Some("1800"),
                ids: &[],
            },
            // Vancouver.
            Free {
                raw: "1. Smith J, Jones AB. Effect of tea on sleep. BMJ. 2015;350:h100. doi:10.1136/bmj.h100",
                families: &["Smith", "Jones"],
                year: Some(2015),
                suffix: "",
                title: Some("Effect of tea on sleep"),
                venue: Some("BMJ"),
                volume: Some("350"),
                issue: None,
                page: Some("h100"),
                ids: &["doi:10.1136/bmj.h100"],
            },
            Free {
                raw: "Hirai N, Nishino S. Recent advances in the treatment of narcolepsy. Curr Treat Options Neurol. 2011 Oct;13(5):437-56. PMID: 21786069",
                families: &["Hirai", "Nishino"],
                year: Some(2011),
                suffix: "",
                title: Some("Recent advances in the treatment of narcolepsy"),
                venue: Some("Curr Treat Options Neurol"),
                volume: Some("13"),
                issue: Some("5"),
                page: Some("437"),
                ids: &["pmid:21786069"],
            },
            // Harvard.
            Free {
                raw: "Smith, J. and Jones, A. (2015) 'Title of the work', Journal of Things, 3(2), pp. 1-10.",
                families: &["Smith", "Jones"],
                year: Some(2015),
                suffix: "",
                title: Some("Title of the work"),
                venue: Some("Journal of Things"),
                volume: Some("3"),
                issue: Some("2"),
                page: Some("1"),
                ids: &[],
            },
        ];
        for k in &cases {
            check(k);
        }
    }

    #[test]
    fn nature_style_year_last() {
        let cases = [
            Free {
                raw: "Chou, P. Y. & Fasman, G. D. Empirical predictions of protein conformation. Annu. Rev. Biochem. 47, 251–276 (1978).",
                families: &["Chou", "Fasman"],
                year: Some(1978),
                suffix: "",
                title: Some("Empirical predictions of protein conformation"),
                venue: Some("Annu. Rev. Biochem."),
                volume: Some("47"),
                issue: None,
                page: Some("251"),
                ids: &[],
            },
            Free {
                raw: "Pasanen, P. et al. A novel α-synuclein mutation A53E associated with atypical multiple system atrophy and Parkinson’s disease-type pathology. Neurobiol. Aging 35, 2180.e1–2180.e5 (2014).",
                families: &["Pasanen"],
                year: Some(2014),
                suffix: "",
                title: Some("A novel α-synuclein mutation A53E associated with atypical multiple system atrophy and Parkinson’s disease-type pathology"),
                venue: Some("Neurobiol. Aging"),
                volume: Some("35"),
                issue: None,
                page: Some("2180.e1"),
                ids: &[],
            },
            Free {
                raw: "González-Hernández, T., Cruz-Muros, I., Afonso-Oramas, D., Salas-Hernandez, J. & Castro-Hernandez, J. Vulnerability of mesostriatal dopaminergic neurons in Parkinson’s disease. Front. Neuroanat. 4, 140 (2010).",
                families: &["González-Hernández", "Cruz-Muros", "Afonso-Oramas", "Salas-Hernandez", "Castro-Hernandez"],
                year: Some(2010),
                suffix: "",
                title: Some("Vulnerability of mesostriatal dopaminergic neurons in Parkinson’s disease"),
                venue: Some("Front. Neuroanat."),
                volume: Some("4"),
                issue: None,
                page: Some("140"),
                ids: &[],
            },
        ];
        for k in &cases {
            check(k);
        }
    }

    #[test]
    fn real_crossref_unstructured() {
        // From ../shared/fixtures/api/crossref/works_query_filter_has-orcid_rows3.json.
        let c = parse_free_text(
            "Deutsche Welle. (2017a).German politicians protest against Turkish prime minister's speech in Germany. DW.com. Retrieved fromhttps://www.dw.com/en/german-politicians/a-3757",
            at(),
        );
        assert_eq!(c.year, Some(2017));
        assert_eq!(c.detail().year_suffix, "a");
        assert!(c.authors[0].is_org);
        assert_eq!(c.authors[0].family, "Deutsche Welle");
        assert_eq!(
            c.detail().title.as_deref(),
            Some("German politicians protest against Turkish prime minister's speech in Germany")
        );
        // From works_doi_10.1038_srep16696.json.
        let c = parse_free_text(
            "Spillantini, M. G. et al. Alpha-synuclein in Lewy bodies. Nature 388, 839–840 (1997).",
            at(),
        );
        assert_eq!(c.authors[0].family, "Spillantini");
        assert!(c.et_al);
        assert_eq!(c.detail().title.as_deref(), Some("Alpha-synuclein in Lewy bodies"));
        assert_eq!(c.detail().venue.as_deref(), Some("Nature"));
        assert_eq!(c.detail().volume.as_deref(), Some("388"));
        assert_eq!(c.detail().first_page.as_deref(), Some("839"));
    }

    #[test]
    fn question_titles_keep_their_mark() {
        let c = parse_free_text("Goldberg, M. S. (2000). Is there a cause-and-effect relationship? Nat. Cell Biol., 2, E115–E119.", at());
        assert_eq!(c.detail().title.as_deref(), Some("Is there a cause-and-effect relationship?"));
        assert_eq!(c.detail().venue.as_deref(), Some("Nat. Cell Biol."));
        assert_eq!(c.detail().first_page.as_deref(), Some("E115"));
    }

    #[test]
    fn scopus_older_book_without_volume() {
        let c = parse_free_text(
            "Hu, T.C., (1970) Integer Programming and Network Flows., , Reading, MA: Addison Wesley Pub. Co",
            at(),
        );
        assert_eq!(c.authors.len(), 1);
        assert_eq!(c.year, Some(1970));
        assert_eq!(c.detail().title, None);
        assert_eq!(c.detail().venue.as_deref(), Some("Integer Programming and Network Flows"));
        assert_eq!(c.detail().volume, None);
    }

    #[test]
    fn year_notes_and_books() {
        let c = parse_free_text("Smith, J. (n.d.). A book without a date. Oxford University Press.", at());
        assert_eq!(c.year, None);
        assert_eq!(c.detail().year_note.as_deref(), Some("n.d."));
        assert_eq!(c.authors[0].family, "Smith");
        assert_eq!(c.detail().title.as_deref(), Some("A book without a date"));
    }

    #[test]
    fn split_scopus_cells() {
        let cell = "The global epidemic of low back pain, Lancet Rheumatol, 5, (2023); Cheng M.; Xue Y.; Cui M., Global burden, Spine, 50, pp. E128-E139, (2025); Li T.; Yan J., Robot-assisted technique, Ann Med, 57, (2025)";
        let parts = split_reference_list(cell);
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert!(parts[1].starts_with("Cheng M.; Xue Y.; Cui M., Global"));
        let old = "Kalé, L., Skeel, R., (1999) J Comp Phys, 151, p. 283; Humphrey, W., (1996) J Mol Graphics, 14, pp. 33-38";
        assert_eq!(split_reference_list(old).len(), 2);
    }

    #[test]
    fn arbitrary_strings_do_not_panic() {
        let nasty = [
            "",
            " ",
            "(",
            "((2020)",
            "DOI ",
            "DOI [",
            "é, 2020, V",
            "1. ",
            "(2020)",
            "', ",
            "‘x",
            "“a”",
            "10./",
            "P, V, DOI 10.1/ü",
            "Smith, J. and",
            "; ; ;",
            "x. y. 2015;",
            "ü (2020) ‘",
            "PMID:",
            "2020;(",
            "Smith J, 2020, V, P, ARTN",
        ];
        for s in nasty {
            let _ = parse_free_text(s, at());
            let _ = parse_wos_cr(s, at());
            let _ = split_reference_list(s);
        }
    }
}
