//! BibTeX / BibLaTeX reader, tolerant of real database exports.
//!
//! Why not the `biblatex` crate (already a dependency): its
//! `Bibliography::parse` rejects the whole file on the first syntax error
//! (one unterminated entry loses every record), gives byte spans but no
//! per-field raw lines, and flattens `Cited-References` values whose line
//! structure is the only separator between references in Web of Science
//! exports. This reader instead:
//!
//! - skips any text outside entries (Scopus' `Scopus` / `EXPORT DATE:`
//!   preamble, a BOM, blank lines) the way BibTeX itself does;
//! - accepts keys with surrounding spaces (`@article{ WOS:000278542800018,`),
//!   any field name (`Cited-References`, `abbrev_source_title`), `{}` and `""`
//!   values, `#` concatenation, `@string` macros and month macros;
//! - turns an unterminated or malformed entry into a diagnostic with its line
//!   and key, keeps the fields read before the fault and resumes at the next
//!   line starting with `@`;
//! - converts LaTeX (`{\"o}`, `A{\ss}mann`, `\&`, `\textendash{}`, `{[}`,
//!   `--`, case-protecting braces) to plain Unicode text ([`latex_to_text`]);
//! - ties Web of Science `Affiliation` lines to the authors they name and keeps
//!   the others, and Scopus' `affiliations` list (whose owners it does not
//!   say) unless there is a single author, in [`Record::affiliations`].

use super::dates;
use super::normalize::{self, LineIndex};
use super::refs;
use crate::model::norm::{family_key, normalize_orcid, squash_ws};
use crate::model::{Author, Diagnostic, Identifier, Parsed, Provenance, Record};
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// The format name written into [`Record::source_kind`].
pub const NAME: &str = "bibtex";

/// True when `text` looks like BibTeX: an `@type{` or `@type(` at the start of
/// a line (after optional spaces) within the first 50 non-blank lines.
pub fn sniff(text: &str) -> bool {
    normalize::lines(text).map(|(_, l)| l.trim_start()).filter(|l| !l.is_empty()).take(50).any(|l| {
        let Some(rest) = l.strip_prefix('@') else { return false };
        let name_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        name_len > 0 && rest.get(name_len..).is_some_and(|t| t.trim_start().starts_with(['{', '(']))
    })
}

/// One field as read: lowercase name, raw value (LaTeX kept) and the byte
/// offset where the value starts.
#[derive(Debug)]
struct RawField {
    name: String,
    value: String,
    offset: usize,
}

#[derive(Debug)]
struct RawEntry {
    kind: String,
    key: String,
    offset: usize,
    fields: Vec<RawField>,
}

struct Scanner<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    /// Where a brace group first went deeper than [`MAX_BRACE_DEPTH`].
    too_deep: Option<usize>,
}

/// Brace nesting the scanner reports: deeper groups are read (the scanner
/// keeps no stack) but their braces are markup no reference needs, so a
/// warning says the value was flattened.
const MAX_BRACE_DEPTH: usize = 200;

#[derive(Debug)]
struct Fault {
    pos: usize,
    message: String,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.bytes[self.pos])
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }
    fn fault(&self, message: impl Into<String>) -> Fault {
        Fault { pos: self.pos.min(self.end), message: message.into() }
    }
    fn ident(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(|b| !b.is_ascii_whitespace() && !b"{}(),=#\"".contains(&b)) {
            self.pos += 1;
        }
        self.src.get(start..self.pos).unwrap_or("")
    }
    /// Reads a `{...}` group starting at `{`; returns the inner text.
    fn braced(&mut self) -> Result<&'a str, Fault> {
        let start = self.pos + 1;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.pos += 1,
                b'{' => {
                    depth += 1;
                    if depth > MAX_BRACE_DEPTH && self.too_deep.is_none() {
                        self.too_deep = Some(self.pos);
                    }
                }
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(self.src.get(start..self.pos - 1).unwrap_or(""));
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(self.fault("unterminated braced value"))
    }
    /// Reads a `"..."` value; quotes inside braces do not end it.
    fn quoted(&mut self) -> Result<&'a str, Fault> {
        self.pos += 1;
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.pos += 1,
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                b'"' if depth == 0 => {
                    self.pos += 1;
                    return Ok(self.src.get(start..self.pos - 1).unwrap_or(""));
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(self.fault("unterminated quoted value"))
    }
    /// Reads a value: parts joined by `#`.
    fn value(&mut self, macros: &BTreeMap<String, String>) -> Result<String, Fault> {
        let mut out = String::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'{') => out.push_str(self.braced()?),
                Some(b'"') => out.push_str(self.quoted()?),
                Some(_) => {
                    let word = self.ident();
                    if word.is_empty() {
                        return Err(self.fault("expected a field value"));
                    }
                    let lw = word.to_ascii_lowercase();
                    match macros.get(&lw) {
                        Some(v) => out.push_str(v),
                        None => out.push_str(word),
                    }
                }
                None => return Err(self.fault("entry ends inside a field value")),
            }
            self.skip_ws();
            if self.peek() == Some(b'#') {
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }
}

/// Parses the body of one entry (after `@type{`) up to `close`; fields read
/// before a fault are kept in `entry`.
fn entry_body(
    sc: &mut Scanner<'_>,
    close: u8,
    entry: &mut RawEntry,
    macros: &BTreeMap<String, String>,
) -> Result<(), Fault> {
    sc.skip_ws();
    // Key: everything up to the first comma (BibTeX keys cannot hold commas).
    let key_start = sc.pos;
    while sc.peek().is_some_and(|b| b != b',' && b != close && b != b'=') {
        sc.pos += 1;
    }
    if sc.peek() == Some(b'=') {
        // No key: `@article{title = ...}`; read fields from the start.
        sc.pos = key_start;
    } else {
        entry.key = squash_ws(sc.src.get(key_start..sc.pos).unwrap_or(""));
    }
    loop {
        sc.skip_ws();
        match sc.peek() {
            None => return Err(sc.fault("entry is not closed")),
            Some(b) if b == close => {
                sc.pos += 1;
                return Ok(());
            }
            Some(b',') => {
                sc.pos += 1;
                continue;
            }
            _ => {}
        }
        let mut name = sc.ident().to_ascii_lowercase();
        if name.is_empty() {
            return Err(sc.fault("expected a field name"));
        }
        // Field names as the grammar reads them: any run of name characters
        // up to `=`, so WoS's `Early Access Date = {...}` is one field
        // (`early-access-date`), not the end of the entry.
        loop {
            sc.skip_ws();
            match sc.peek() {
                Some(b'=') => break,
                Some(b) if !b"{}(),#\"".contains(&b) => {
                    let word = sc.ident().to_ascii_lowercase();
                    if word.is_empty() {
                        return Err(sc.fault(format!("expected = after field {name}")));
                    }
                    name.push('-');
                    name.push_str(&word);
                }
                _ => return Err(sc.fault(format!("expected = after field {name}"))),
            }
        }
        sc.pos += 1;
        sc.skip_ws();
        let offset = sc.pos;
        let value = sc.value(macros)?;
        entry.fields.push(RawField { name, value, offset });
    }
}

/// The next line that starts with `@` (after spaces) strictly after `from`.
fn next_entry_start(src: &str, from: usize) -> Option<usize> {
    let mut search = from;
    while let Some(nl) = src.get(search..)?.find('\n') {
        let line_start = search + nl + 1;
        let rest = src.get(line_start..)?;
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.starts_with('@') {
            return Some(line_start + (rest.len() - trimmed.len()));
        }
        search = line_start;
    }
    None
}

/// The entries of `src`, with how many entries were met (empty ones, dropped
/// with a warning, included; `@string`, `@comment`, `@preamble` not).
fn split_entries(
    input: &str,
    src: &str,
    li: &LineIndex,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<RawEntry>, usize) {
    let mut seen = 0usize;
    let mut macros: BTreeMap<String, String> = BTreeMap::new();
    for (i, m) in dates::ABBREVIATIONS.iter().enumerate() {
        macros.insert((*m).to_string(), (i + 1).to_string());
    }
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(at) = src.get(pos..).and_then(|s| s.find('@')).map(|i| pos + i) {
        let mut sc = Scanner { src, bytes: src.as_bytes(), pos: at + 1, end: src.len(), too_deep: None };
        let kind = sc.ident().to_ascii_lowercase();
        sc.skip_ws();
        let close = match sc.peek() {
            Some(b'{') => b'}',
            Some(b'(') => b')',
            _ => {
                // An `@` in free text (an e-mail address in the preamble).
                pos = at + 1;
                continue;
            }
        };
        sc.pos += 1;
        if kind == "comment" || kind == "preamble" {
            sc.pos -= 1;
            let skipped = if close == b'}' { sc.braced().map(|_| ()) } else { Ok(()) };
            pos = match skipped {
                Ok(()) => sc.pos,
                Err(_) => next_entry_start(src, at).unwrap_or(src.len()),
            };
            continue;
        }
        let body_start = sc.pos;
        let mut entry = RawEntry { kind: kind.clone(), key: String::new(), offset: at, fields: Vec::new() };
        let outcome = entry_body(&mut sc, close, &mut entry, &macros);
        if let Some(deep) = sc.too_deep {
            let key = (!entry.key.is_empty()).then(|| entry.key.clone());
            diags.push(Diagnostic::warning(
                Provenance::new(input, li.line_of(deep), key),
                format!(
                    "braces nested deeper than {MAX_BRACE_DEPTH} levels at line {}: the value is kept with its nesting flattened",
                    li.line_of(deep)
                ),
            ));
        }
        match outcome {
            Ok(()) => pos = sc.pos,
            Err(fault) => {
                // Keep what was read up to the next entry, then resume there.
                let boundary = next_entry_start(src, at).unwrap_or(src.len());
                let mut retry =
                    Scanner { src, bytes: src.as_bytes(), pos: body_start, end: boundary, too_deep: None };
                entry = RawEntry { kind: kind.clone(), key: String::new(), offset: at, fields: Vec::new() };
                let err = entry_body(&mut retry, close, &mut entry, &macros).err();
                let fault = if fault.pos <= boundary { fault } else { err.unwrap_or(fault) };
                let key = (!entry.key.is_empty()).then(|| entry.key.clone());
                diags.push(Diagnostic::warning(
                    Provenance::new(input, li.line_of(at), key),
                    format!(
                        "{} at line {}: kept {} field(s) read before it",
                        fault.message,
                        li.line_of(fault.pos),
                        entry.fields.len()
                    ),
                ));
                pos = boundary;
            }
        }
        if kind == "string" {
            for f in entry.fields {
                macros.insert(f.name, f.value);
            }
            continue;
        }
        seen += 1;
        if !entry.key.is_empty() || !entry.fields.is_empty() {
            out.push(entry);
        } else {
            diags.push(Diagnostic::warning(
                Provenance::new(input, li.line_of(at), Some(format!("#{seen}"))),
                format!("@{kind} entry has no key and no fields: record dropped"),
            ));
        }
    }
    (out, seen)
}

/// Reads a BibTeX file. `input` is the label used in provenance.
pub fn parse(input: &str, text: &str) -> Parsed {
    let li = LineIndex::new(text);
    let mut diagnostics = Vec::new();
    let (entries, seen) = split_entries(input, text, &li, &mut diagnostics);
    let records =
        entries.iter().enumerate().map(|(i, e)| to_record(input, e, i, &li, &mut diagnostics)).collect();
    Parsed { records, diagnostics, seen }
}

fn combining(accent: char) -> Option<char> {
    Some(match accent {
        '"' => '\u{308}',
        '\'' => '\u{301}',
        '`' => '\u{300}',
        '^' => '\u{302}',
        '~' => '\u{303}',
        '=' => '\u{304}',
        '.' => '\u{307}',
        'u' => '\u{306}',
        'v' => '\u{30C}',
        'H' => '\u{30B}',
        'c' => '\u{327}',
        'k' => '\u{328}',
        'r' => '\u{30A}',
        'd' => '\u{323}',
        'b' => '\u{331}',
        _ => return None,
    })
}

fn symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "ss" => "ß",
        "o" => "ø",
        "O" => "Ø",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "aa" => "å",
        "AA" => "Å",
        "l" => "ł",
        "L" => "Ł",
        "i" => "ı",
        "j" => "ȷ",
        "textendash" => "–",
        "textemdash" => "—",
        "textquoteright" => "’",
        "textquoteleft" => "‘",
        "textquotedblleft" => "“",
        "textquotedblright" => "”",
        "ldots" | "dots" | "textellipsis" => "…",
        "textregistered" => "®",
        "texttrademark" => "™",
        "copyright" | "textcopyright" => "©",
        "textasciitilde" => "~",
        "textbackslash" => "\\",
        "textdegree" | "degree" => "°",
        "textpm" | "pm" => "±",
        "times" => "×",
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" => "ε",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "pi" => "π",
        "sigma" => "σ",
        "tau" => "τ",
        "omega" => "ω",
        "Omega" => "Ω",
        "textmu" => "µ",
        "S" => "§",
        "P" => "¶",
        "euro" => "€",
        "pounds" => "£",
        "LaTeX" => "LaTeX",
        "TeX" => "TeX",
        "relax" | "protect" | "noopsort" | "/" => "",
        _ => return None,
    })
}

/// Converts a LaTeX-encoded BibTeX value to plain text: accents (`{\"o}`,
/// `\'{e}`, `\c c`), symbols (`\ss`, `\&`, `\textendash{}`), formatting
/// commands (`\emph{x}` -> `x`), math `$`, dashes (`--` -> `–`), `~` (space)
/// and grouping braces (`{[}Anonymous]` -> `[Anonymous]`). Whitespace is
/// squashed. Unknown commands are dropped, their arguments kept.
pub fn latex_to_text(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' | '}' | '$' => i += 1,
            '~' => {
                out.push(' ');
                i += 1;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('—');
                    i += 3;
                } else {
                    out.push('–');
                    i += 2;
                }
            }
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    i += 1;
                    continue;
                };
                if next.is_ascii_alphabetic() {
                    let mut j = i + 1;
                    while chars.get(j).is_some_and(|c| c.is_ascii_alphabetic()) {
                        j += 1;
                    }
                    let name: String = chars[i + 1..j].iter().collect();
                    // Single-letter accent commands take the next letter or group.
                    if name.len() == 1 {
                        if let Some(mark) = combining(next) {
                            let (base, after) = accent_base(&chars, j);
                            push_accented(&mut out, &base, mark);
                            i = after;
                            continue;
                        }
                    }
                    // Commands without arguments swallow one following space.
                    let mut after = j;
                    if let Some(sym) = symbol(&name) {
                        out.push_str(sym);
                        if chars.get(after) == Some(&' ') {
                            after += 1;
                        } else if chars.get(after) == Some(&'{') && chars.get(after + 1) == Some(&'}') {
                            after += 2;
                        }
                    }
                    i = after;
                } else if let Some(mark) = combining(next) {
                    let (base, after) = accent_base(&chars, i + 2);
                    push_accented(&mut out, &base, mark);
                    i = after;
                } else {
                    // \& \% \$ \# \_ \{ \} and "\\" (line break).
                    out.push(if next == '\\' { ' ' } else { next });
                    i += 2;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    squash_ws(&out)
}

/// The base letter of an accent at `j`: `o`, `{o}`, ` o`, `{\i}`; returns it
/// and the index after it.
fn accent_base(chars: &[char], mut j: usize) -> (String, usize) {
    while chars.get(j) == Some(&' ') {
        j += 1;
    }
    match chars.get(j) {
        Some('{') => {
            let mut k = j + 1;
            let mut inner = String::new();
            while let Some(&c) = chars.get(k) {
                if c == '}' {
                    k += 1;
                    break;
                }
                inner.push(c);
                k += 1;
            }
            let base = match inner.as_str() {
                "\\i" => "i".to_string(),
                "\\j" => "j".to_string(),
                _ => inner,
            };
            (base, k)
        }
        Some('\\') if matches!(chars.get(j + 1), Some('i') | Some('j')) => {
            (chars.get(j + 1).map(|c| c.to_string()).unwrap_or_default(), j + 2)
        }
        Some(&c) => (c.to_string(), j + 1),
        None => (String::new(), j),
    }
}

fn push_accented(out: &mut String, base: &str, mark: char) {
    let mut cs = base.chars();
    match cs.next() {
        Some(first) => {
            let composed: String = [first, mark].iter().collect::<String>().nfc().collect();
            out.push_str(&composed);
            out.extend(cs);
        }
        None => out.push(mark),
    }
}

/// Splits a BibTeX name list at ` and ` outside braces.
fn split_names(raw: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    let words: Vec<&str> = raw.split_whitespace().collect();
    for w in words {
        if depth == 0 && w.eq_ignore_ascii_case("and") {
            names.push(std::mem::take(&mut cur));
            continue;
        }
        for c in w.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    names.push(cur);
    names.into_iter().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect()
}

fn to_author(raw: &str) -> Option<Author> {
    let t = raw.trim();
    if t.eq_ignore_ascii_case("others") {
        return None;
    }
    // `{World Health Organization}`: one braced group is a corporate name.
    if t.starts_with('{') && t.ends_with('}') && t.matches('{').count() == 1 {
        return Some(Author::org(&latex_to_text(t)));
    }
    let text = latex_to_text(t);
    if text.is_empty() {
        return None;
    }
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let mut a = match parts.as_slice() {
        // "von Last, Jr, First"
        [family, jr, given] => Author {
            family: family.to_string(),
            given: format!("{given} {jr}").trim().to_string(),
            ..Author::default()
        },
        [family, given] => {
            Author { family: family.to_string(), given: given.to_string(), ..Author::default() }
        }
        _ if !text.contains(',') && normalize::looks_like_org(&text) => Author::org(&text),
        _ => Author::person(&text),
    };
    a.raw = text;
    Some(a)
}

fn to_record(
    input: &str,
    e: &RawEntry,
    ordinal: usize,
    li: &LineIndex,
    diags: &mut Vec<Diagnostic>,
) -> Record {
    let key = if e.key.is_empty() { format!("#{}", ordinal + 1) } else { e.key.clone() };
    let at = Provenance::new(input, li.line_of(e.offset), Some(key.clone()));
    let mut r = Record::new(at.clone(), NAME);
    r.doc_type = normalize::doc_type_from_name(&e.kind);
    let get = |name: &str| e.fields.iter().find(|f| f.name == name).map(|f| latex_to_text(&f.value));
    let first = |names: &[&str]| names.iter().find_map(|n| get(n)).filter(|v| !v.is_empty());

    r.title = first(&["title"]);
    let is_part = matches!(e.kind.as_str(), "inproceedings" | "incollection" | "inbook" | "conference");
    r.venue = if is_part {
        first(&["booktitle", "journal", "journaltitle"])
    } else {
        first(&["journal", "journaltitle", "booktitle"])
    };
    if r.venue.is_none() {
        r.venue = first(&["series"]);
    }
    r.venue_abbrev = first(&["journal-iso", "abbrev_source_title", "shortjournal", "journalabbrev"]);
    r.publisher = first(&["publisher", "organization", "institution", "school"]);
    r.volume = first(&["volume"]);
    r.issue = first(&["number", "issue"]);
    r.pages =
        first(&["pages", "article-number", "art_number", "eid"]).and_then(|p| normalize::normalize_pages(&p));

    if let Some(f) = e.fields.iter().find(|f| f.name == "author") {
        r.authors = split_names(&f.value).iter().filter_map(|n| to_author(n)).collect();
    }
    if let Some(orcids) = get("orcid-numbers") {
        attach_orcids(
            &mut r.authors,
            &e.fields.iter().find(|f| f.name == "orcid-numbers").map(|f| f.value.clone()).unwrap_or(orcids),
        );
    }
    if let Some(f) = e.fields.iter().find(|f| f.name == "affiliation") {
        attach_wos_affiliations(&mut r, &f.value);
    }
    // Scopus lists distinct affiliations without saying whose they are; only
    // a single author can safely take them all, else they are the record's.
    if let Some(affs) = get("affiliations") {
        for a in affs.split("; ") {
            match r.authors.as_mut_slice() {
                [only] => normalize::push_unique(only.affiliations_mut(), a),
                _ => r.add_affiliation(a),
            }
        }
    }

    let date = first(&["date"]).and_then(|d| dates::parse(&d));
    let year = first(&["year"]).and_then(|y| dates::parse(&y));
    let mut published = date.or(year);
    if let (Some(d), Some(m)) = (published.as_mut(), first(&["month"])) {
        if d.month.is_none() {
            let mut toks = m.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty());
            d.month = toks.next().and_then(dates::month_number);
            d.day = d.month.and(toks.next().and_then(|t| t.parse().ok()).filter(|n| (1..=31).contains(n)));
        }
    }
    r.published = published;

    if let Some(d) = super::table::checked_id(first(&["doi"]).as_deref(), Identifier::doi, "doi", &at, diags)
    {
        r.add_id(d);
    }
    if r.doi().is_none() {
        if let Some(d) = first(&["url"]).filter(|u| u.contains("doi.org/")).and_then(|u| Identifier::doi(&u))
        {
            r.add_id(d);
        }
    }
    if let Some(p) = super::table::checked_id(
        first(&["pmid", "pubmed_id"]).as_deref(),
        Identifier::pmid,
        "pmid",
        &at,
        diags,
    ) {
        r.add_id(p);
    }
    if let Some(p) = first(&["pmcid"]) {
        let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() {
            r.add_id(Identifier::Pmcid(format!("PMC{digits}")));
        }
    }
    let archive = first(&["archiveprefix", "eprinttype"]).unwrap_or_default().to_ascii_lowercase();
    if let Some(ep) = first(&["eprint"]).filter(|_| archive == "arxiv") {
        r.add_id(Identifier::Arxiv(ep));
    }
    for wos in [get("unique-id"), Some(key.clone())].into_iter().flatten() {
        if let Some(ut) = wos.trim().strip_prefix("WOS:") {
            r.add_id(Identifier::Wos(format!("WOS:{}", ut.trim())));
        }
    }
    if let Some(u) = first(&["url"]) {
        if let Some(pos) = u.find("eid=2-s2.0-") {
            let eid: String = u
                .get(pos + 4..)
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
                .collect();
            r.add_id(Identifier::Eid(eid));
        }
    }
    if let Some(isbn) = first(&["isbn"]) {
        for part in isbn.split([';', ',']) {
            if let Some(i) = normalize::normalize_isbn(part) {
                r.add_id(Identifier::Isbn(i));
            }
        }
    }
    for n in ["issn", "eissn"] {
        if let Some(i) = get(n).and_then(|v| normalize::normalize_issn(&v)) {
            normalize::push_unique(&mut r.issn, &i);
        }
    }

    r.abstract_text = first(&["abstract"]).map(|a| normalize::layout_abstract(&a));
    for n in ["keywords", "author_keywords", "author-keywords"] {
        if let Some(k) = get(n) {
            let sep = if k.contains(';') { ';' } else { ',' };
            for kw in k.split(sep) {
                normalize::push_unique(&mut r.keywords, kw);
            }
        }
    }
    for n in ["keywords-plus", "web-of-science-categories", "mesh"] {
        if let Some(k) = get(n) {
            for kw in k.split(';') {
                normalize::push_unique(&mut r.subjects, kw);
            }
        }
    }
    r.language = first(&["language", "langid"]).and_then(|l| super::language::language(&l));
    if let Some(t) = first(&["type"]) {
        r.doc_type = normalize::merge_doc_type(r.doc_type, normalize::doc_type_from_name(&t));
    }
    r.doc_type = normalize::refine_doc_type(r.doc_type, r.title.as_deref());
    r.times_cited = first(&["times-cited"])
        .and_then(|t| t.trim().parse().ok())
        .or_else(|| first(&["note"]).and_then(|n| normalize::times_cited(&n)));

    for f in &e.fields {
        match f.name.as_str() {
            "cited-references" => {
                let first_line = li.line_of(f.offset);
                for (i, line) in f.value.split('\n').enumerate() {
                    let text = latex_to_text(line);
                    if text.is_empty() {
                        continue;
                    }
                    let line_no = first_line.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
                    r.citations
                        .push(refs::parse_wos_cr(&text, Provenance::new(input, line_no, Some(key.clone()))));
                }
            }
            "references" => {
                let line_no = li.line_of(f.offset);
                for part in f.value.split("; ") {
                    let text = latex_to_text(part);
                    let text = text.trim_end_matches(';').trim();
                    if !text.is_empty() {
                        r.citations.push(refs::parse_free_text(
                            text,
                            Provenance::new(input, line_no, Some(key.clone())),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if r.title.is_none() {
        diags.push(Diagnostic::warning(at, "entry has no title"));
    }
    diags.extend(super::table::book_isbn_only(&mut r));
    r.mark_missing();
    r
}

/// WoS `ORCID-Numbers = {Gomez-Ruiz, Jose Antonio/0000-0001-7469-8112 ...}`:
/// one `Name/ORCID` per line or `;`-separated; matched to authors by family name.
fn attach_orcids(authors: &mut [Author], raw: &str) {
    for item in raw.split(['\n', ';']) {
        let Some((name, id)) = item.rsplit_once('/') else { continue };
        let Some(orcid) = normalize_orcid(id) else { continue };
        let fam = family_key(&Author::person(&latex_to_text(name)).family);
        if fam.is_empty() {
            continue;
        }
        if let Some(a) = authors.iter_mut().find(|a| {
            let k = family_key(&a.family);
            a.orcid().is_none() && !k.is_empty() && (k.contains(&fam) || fam.contains(&k))
        }) {
            a.set_orcid(Some(orcid));
        }
    }
}

/// WoS `Affiliation`: one line per address, `Name; Name, Address.`. The
/// corresponding-author line (`Hu, YC (Corresponding Author), Address.`) goes
/// to the author it names; a line that names no author of the record (older
/// exports give bare addresses) goes to [`Record::affiliations`].
fn attach_wos_affiliations(r: &mut Record, raw: &str) {
    const MARK: &str = "(Corresponding Author)";
    let lines: Vec<String> =
        raw.split('\n').map(|l| latex_to_text(l).trim().to_string()).filter(|l| !l.is_empty()).collect();
    for line in &lines {
        if line.contains(MARK) {
            continue;
        }
        let mut end = 0;
        let mut matched = Vec::new();
        for (i, a) in r.authors.iter().enumerate() {
            let full = format!("{}, {}", a.family, a.given);
            if let Some(p) = line.find(&full) {
                end = end.max(p + full.len());
                matched.push(i);
            }
        }
        let address = line.get(end..).unwrap_or("").trim_start_matches([',', ';', ' ']).trim();
        if address.is_empty() {
            continue;
        }
        if matched.is_empty() {
            r.add_affiliation(address);
        }
        for i in matched {
            if let Some(a) = r.authors.get_mut(i) {
                normalize::push_unique(a.affiliations_mut(), address);
            }
        }
    }
    // Corresponding-author lines last: they mostly repeat an address above.
    for line in &lines {
        let Some(i) = line.find(MARK) else { continue };
        let name = line.get(..i).unwrap_or("").trim();
        let address = line.get(i + MARK.len()..).unwrap_or("").trim_start_matches([',', ' ']).trim();
        if address.is_empty() {
            continue;
        }
        match author_by_short_name(&mut r.authors, name) {
            Some(a) => normalize::push_unique(a.affiliations_mut(), address),
            None => r.add_affiliation(address),
        }
    }
    r.drop_tied_affiliations();
}

/// The person author that `Gomez-Ruiz, JA` abbreviates: same family name (or
/// one ending in it: "Antonio Gomez-Ruiz") and first initial.
fn author_by_short_name<'a>(authors: &'a mut [Author], name: &str) -> Option<&'a mut Author> {
    let who = Author::person(name);
    let fk = family_key(&who.family);
    if fk.is_empty() {
        return None;
    }
    let initial = |g: &str| g.chars().next().map(|c| c.to_lowercase().to_string()).unwrap_or_default();
    let gi = initial(&who.given);
    authors.iter_mut().find(|a| {
        let k = family_key(&a.family);
        let same = k == fk || (fk.len() >= 4 && k.ends_with(&fk));
        !a.is_org && same && (gi.is_empty() || initial(&a.given) == gi)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex() {
        assert_eq!(latex_to_text(r"A{\ss}mann"), "Aßmann");
        assert_eq!(latex_to_text(r#"L{\"o}ffler"#), "Löffler");
        assert_eq!(latex_to_text(r"\'{e}t\'e"), "été");
        assert_eq!(latex_to_text(r"Comp Sci \& AI"), "Comp Sci & AI");
        assert_eq!(latex_to_text(r"{[}Anonymous], 2005"), "[Anonymous], 2005");
        assert_eq!(latex_to_text(r"10\textendash{}20 {{Bogoliubov}}"), "10–20 Bogoliubov");
        assert_eq!(latex_to_text(r"2959--2975"), "2959–2975");
        assert_eq!(latex_to_text(r"\emph{Nature} $\alpha$"), "Nature α");
    }

    #[test]
    fn names() {
        let n = split_names("Haseli, Gholamreza and {World Health Organization} and Sana, Shib Sankar");
        assert_eq!(n.len(), 3);
        assert!(to_author(&n[1]).is_some_and(|a| a.is_org));
        let a = to_author(&n[0]).expect("author");
        assert_eq!((a.family.as_str(), a.given.as_str()), ("Haseli", "Gholamreza"));
    }

    #[test]
    fn macros_quotes_and_parentheses() {
        let text = "junk @ e-mail\n@string{jn = \"Journal of \"}\n@comment{ignored}\n@Article( k1 ,\n title = \"A {\\\"U}ber \\& \\emph{B}\",\n journal = jn # {Tests},\n month = mar, year = 1999,\n author = {{Cochrane Collaboration} and van der Berg, Jan and Smith, Jr, John}\n)\n";
        let p = parse("t.bib", text);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let r = &p.records[0];
        assert_eq!(r.at.record.as_deref(), Some("k1"));
        assert_eq!(r.at.line, 4);
        assert_eq!(r.title.as_deref(), Some("A Über & B"));
        assert_eq!(r.venue.as_deref(), Some("Journal of Tests"));
        assert_eq!(r.published, Some(crate::model::Date { year: 1999, month: Some(3), day: None }));
        assert!(r.authors[0].is_org);
        assert_eq!((r.authors[1].family.as_str(), r.authors[1].given.as_str()), ("van der Berg", "Jan"));
        assert_eq!((r.authors[2].family.as_str(), r.authors[2].given.as_str()), ("Smith", "John Jr"));
    }

    #[test]
    fn unterminated_entry_keeps_rest() {
        let text = "@article{a,\n title = {One},\n year = {2001\n\n@article{b,\n title = {Two}}\n";
        let p = parse("t.bib", text);
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].title.as_deref(), Some("One"));
        assert_eq!(p.records[1].title.as_deref(), Some("Two"));
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].at.line, 1);
        assert_eq!(p.diagnostics[0].at.record.as_deref(), Some("a"));
    }

    #[test]
    fn field_names_with_spaces_do_not_end_the_entry() {
        let text = "@article{ WOS:000001,\nAuthor = {Li, X.},\nTitle = {One},\nEarly Access Date = {MAR 2021},\n\
Year = {2021},\nCited-References = {Smith J, 2001, J X, V1, P2.\n   Doe A, 2002, J Y, V3, P4.},\nISBN = {978-0-306-40615-7},\n}\n";
        let p = parse("t.bib", text);
        assert_eq!(p.records.len(), 1);
        let r = &p.records[0];
        assert_eq!(r.title.as_deref(), Some("One"));
        assert_eq!(r.citations.len(), 2);
        assert_eq!(r.published.map(|d| d.year), Some(2021));
        assert!(
            p.diagnostics.iter().all(|d| d.severity != crate::model::Severity::Error),
            "{:?}",
            p.diagnostics
        );
    }

    #[test]
    fn chapter_isbn_is_the_books() {
        let text =
            "@incollection{c, title = {A chapter}, booktitle = {The book}, isbn = {978-0-306-40615-7}}\n\
@book{b, title = {The book}, isbn = {978-0-306-40615-7}}\n";
        let p = parse("t.bib", text);
        let isbn = |r: &Record| r.ids.iter().any(|i| matches!(i, Identifier::Isbn(_)));
        assert!(!isbn(&p.records[0]));
        assert!(isbn(&p.records[1]));
        assert!(p.diagnostics.iter().any(|d| d.message.contains("containing book")));
    }

    #[test]
    fn braces_nested_deeper_than_the_bound_are_reported() {
        let deep = format!(
            "@article{{k1,\n  title = {{Deep {}x{}}},\n  year = {{2020}}\n}}\n@article{{k2, title = {{Fine}}}}\n",
            "{".repeat(300),
            "}".repeat(300)
        );
        let p = parse("deep.bib", &deep);
        assert_eq!(p.records.len(), 2);
        let d = p.diagnostics.iter().find(|d| d.message.contains("nested deeper than 200")).expect("warning");
        assert_eq!(d.at.line, 2);
        assert_eq!(d.at.record.as_deref(), Some("k1"));
        assert!(!p
            .diagnostics
            .iter()
            .any(|d| d.message.contains("nested deeper") && d.at.record.as_deref() == Some("k2")));
    }
}
