//! OpenAlex work JSON: a single work (`GET /works/W…`), API list pages
//! (`{"meta": …, "results": [...]}`), JSON arrays of works, and JSON Lines
//! (one work per line, as in snapshots and `gen_corpus.py` corpora).
//!
//! Works are deserialised into typed structs (only the fields citemap uses;
//! the rest is skipped without building a `serde_json::Value`), which keeps
//! JSON Lines reading fast. [`read_stream`] reads JSON Lines from any
//! reader a chunk of about 4 MiB at a time, so a million-work file never
//! sits in memory. API error bodies (`{"error": …, "message": …}`) give an error
//! diagnostic and no records.

use super::dates;
use super::table;
use crate::model::norm::normalize_orcid;
use crate::model::{Author, Citation, Date, Diagnostic, Identifier, Parsed, Provenance, Record};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::io::Read;

/// Format name used in `source_kind`.
pub const NAME: &str = "openalex";

/// Concepts and topics with a score below this are not kept as subjects.
pub const SUBJECT_MIN_SCORE: f64 = 0.4;

/// Most abstract words kept from an inverted index (guards against absurd positions).
const MAX_ABSTRACT_WORDS: usize = 20_000;

/// True when `text` looks like OpenAlex work JSON, a list page or JSON Lines
/// of works, or an OpenAlex-style error body.
pub fn sniff(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if !(head.starts_with('{') || head.starts_with('[')) {
        return false;
    }
    let sample = head.get(..head.len().min(4096)).unwrap_or_else(|| {
        let mut end = head.len().min(4096);
        while !head.is_char_boundary(end) {
            end -= 1;
        }
        &head[..end]
    });
    // CSL-JSON converted from OpenAlex keeps OpenAlex ids but has CSL keys
    // (`issued`, `container-title`) and no `authorships`.
    let csl = (sample.contains("\"issued\"") || sample.contains("\"container-title\""))
        && !sample.contains("\"authorships\"");
    !csl && sample.contains("openalex.org/W")
        || sample.contains("\"meta\"") && sample.contains("\"results\"")
        || (sample.contains("\"error\"") && sample.contains("\"message\"") && !sample.contains("\"status\""))
}

/// `https://openalex.org/W2741809807` -> `W2741809807` (other strings unchanged).
pub fn short_id(id: &str) -> String {
    crate::model::norm::after_last_slash(id.trim()).to_string()
}

/// A JSON string borrowed from the input when it has no escapes.
#[derive(Clone, Debug)]
struct S<'a>(Cow<'a, str>);

impl<'a> S<'a> {
    fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for S<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for S<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = S<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(S(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(S(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(S(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Work<'a> {
    #[serde(borrow)]
    id: Option<S<'a>>,
    #[serde(borrow)]
    doi: Option<S<'a>>,
    #[serde(borrow)]
    title: Option<S<'a>>,
    #[serde(borrow)]
    display_name: Option<S<'a>>,
    publication_year: Option<i32>,
    #[serde(borrow)]
    publication_date: Option<S<'a>>,
    #[serde(rename = "type", borrow)]
    kind: Option<S<'a>>,
    #[serde(borrow)]
    language: Option<S<'a>>,
    #[serde(borrow)]
    ids: Option<Ids<'a>>,
    #[serde(borrow)]
    primary_location: Option<Location<'a>>,
    #[serde(borrow)]
    host_venue: Option<Source<'a>>,
    #[serde(borrow)]
    authorships: Option<Vec<Authorship<'a>>>,
    #[serde(borrow)]
    biblio: Option<Biblio<'a>>,
    #[serde(borrow)]
    concepts: Option<Vec<Scored<'a>>>,
    #[serde(borrow)]
    topics: Option<Vec<Scored<'a>>>,
    #[serde(borrow)]
    keywords: Option<Vec<Keyword<'a>>>,
    #[serde(borrow)]
    mesh: Option<Vec<Mesh<'a>>>,
    cited_by_count: Option<u64>,
    #[serde(borrow)]
    referenced_works: Option<Vec<S<'a>>>,
    #[serde(borrow)]
    abstract_inverted_index: Option<InvertedIndex<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Ids<'a> {
    #[serde(borrow)]
    doi: Option<S<'a>>,
    #[serde(borrow)]
    pmid: Option<S<'a>>,
    #[serde(borrow)]
    pmcid: Option<S<'a>>,
    mag: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Location<'a> {
    #[serde(borrow)]
    source: Option<Source<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Source<'a> {
    #[serde(borrow)]
    display_name: Option<S<'a>>,
    #[serde(borrow)]
    issn_l: Option<S<'a>>,
    #[serde(borrow)]
    issn: Option<Vec<S<'a>>>,
    #[serde(borrow)]
    host_organization_name: Option<S<'a>>,
    #[serde(borrow)]
    publisher: Option<S<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Authorship<'a> {
    #[serde(borrow)]
    author: Option<AuthorObj<'a>>,
    #[serde(borrow)]
    raw_author_name: Option<S<'a>>,
    #[serde(borrow)]
    institutions: Option<Vec<Institution<'a>>>,
    #[serde(borrow)]
    raw_affiliation_strings: Option<Vec<S<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AuthorObj<'a> {
    #[serde(borrow)]
    id: Option<S<'a>>,
    #[serde(borrow)]
    display_name: Option<S<'a>>,
    #[serde(borrow)]
    orcid: Option<S<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Institution<'a> {
    #[serde(borrow)]
    display_name: Option<S<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Biblio<'a> {
    #[serde(borrow)]
    volume: Option<S<'a>>,
    #[serde(borrow)]
    issue: Option<S<'a>>,
    #[serde(borrow)]
    first_page: Option<S<'a>>,
    #[serde(borrow)]
    last_page: Option<S<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Scored<'a> {
    #[serde(borrow)]
    display_name: Option<S<'a>>,
    score: Option<f64>,
}

/// A keyword: a plain string (older records) or an object with `display_name`
/// (or `keyword`).
struct Keyword<'a>(Option<S<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Keyword<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Keyword<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a keyword string or object")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Keyword(Some(S(Cow::Borrowed(v)))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Keyword(Some(S(Cow::Owned(v.to_string())))))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Keyword(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut name = None;
                while let Some(k) = map.next_key::<S<'a>>()? {
                    if (k.as_str() == "display_name" || k.as_str() == "keyword") && name.is_none() {
                        name = map.next_value::<Option<S<'a>>>()?;
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(Keyword(name))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Mesh<'a> {
    #[serde(borrow)]
    descriptor_name: Option<S<'a>>,
}

/// An abstract inverted index read straight into `(position, word)` pairs.
#[derive(Default)]
struct InvertedIndex<'a>(Vec<(u32, S<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for InvertedIndex<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = InvertedIndex<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an abstract inverted index")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(InvertedIndex::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(w) = map.next_key::<S<'a>>()? {
                    // The positions go straight into `out`: no vector per word.
                    map.next_value_seed(Positions { word: w, out: &mut out })?;
                }
                Ok(InvertedIndex(out))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// The position list of one word of an inverted index, read into
/// `(position, word)` pairs (at most [`MAX_ABSTRACT_WORDS`] in all).
struct Positions<'o, 'a> {
    word: S<'a>,
    out: &'o mut Vec<(u32, S<'a>)>,
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for Positions<'_, 'a> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for Positions<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of word positions")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(p) = seq.next_element::<u32>()? {
            if self.out.len() < MAX_ABSTRACT_WORDS {
                self.out.push((p, self.word.clone()));
            }
        }
        Ok(())
    }
}

/// The plain abstract from an inverted index (words in position order).
///
/// Positions are nearly always `0..n` with each used once: then every word
/// is put straight in its slot, with no sort. Otherwise (a position used
/// twice, or positions far beyond the word count) the pairs are sorted by
/// position, as they always were; both give the same text when positions
/// are distinct.
fn abstract_text(idx: InvertedIndex<'_>) -> Option<String> {
    let mut pairs = idx.0;
    if pairs.is_empty() {
        return None;
    }
    let len: usize = pairs.iter().map(|(_, w)| w.as_str().len() + 1).sum::<usize>() - 1;
    let mut s = String::with_capacity(len);
    if let Some(slots) = placed(&pairs) {
        for (i, k) in slots.into_iter().filter(|&k| k > 0).enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(pairs[k as usize - 1].1.as_str());
        }
        return Some(s);
    }
    pairs.sort_unstable_by_key(|(p, _)| *p);
    for (i, (_, w)) in pairs.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(w.as_str());
    }
    Some(s)
}

/// The words of `pairs` in slots by position (each slot 0 or one more than
/// the word's place in `pairs`), when every position is used once and the
/// highest is not far beyond the word count; `None` otherwise.
fn placed(pairs: &[(u32, S<'_>)]) -> Option<Vec<u32>> {
    let top = pairs.iter().map(|&(p, _)| p as usize).max()?;
    if top > 2 * pairs.len() + 64 {
        return None;
    }
    let mut slots = vec![0u32; top + 1];
    for (i, (p, _)) in pairs.iter().enumerate() {
        let slot = &mut slots[*p as usize];
        if *slot != 0 {
            return None;
        }
        *slot = i as u32 + 1;
    }
    Some(slots)
}

/// The string with whitespace squashed; `None` when empty. Allocates once,
/// and squashes only when needed.
fn nonempty(s: Option<S<'_>>) -> Option<String> {
    let s = s?;
    let t = s.as_str();
    if t.is_empty() {
        return None;
    }
    match table::squash_cow(t) {
        Cow::Borrowed(b) if b.len() == t.len() => Some(s.0.into_owned()),
        other => Some(other.into_owned()).filter(|v| !v.is_empty()),
    }
}

fn opt_str<'b>(s: &'b Option<S<'_>>) -> Option<&'b str> {
    s.as_ref().map(S::as_str)
}

/// Turns one deserialised work into a [`Record`].
fn to_record(w: Work<'_>, input: &str, line: u32, n: usize, diagnostics: &mut Vec<Diagnostic>) -> Record {
    let oa = w.id.as_deref().map(short_id).filter(|s| !s.is_empty());
    let doi = w
        .doi
        .as_deref()
        .and_then(Identifier::doi)
        .or_else(|| w.ids.as_ref().and_then(|i| i.doi.as_deref()).and_then(Identifier::doi));
    let key = oa
        .clone()
        .or_else(|| doi.as_ref().map(|d| d.value().to_string()))
        .unwrap_or_else(|| format!("work {}", n + 1));
    let at = Provenance::new(input, line, Some(key.clone()));
    let mut r = Record::new(at, NAME);
    if let Some(id) = oa {
        r.add_id(Identifier::Openalex(id));
    }
    if let Some(d) = doi {
        r.add_id(d);
    }
    if let Some(ids) = w.ids {
        if let Some(p) = opt_str(&ids.pmid).and_then(Identifier::pmid) {
            r.add_id(p);
        }
        if let Some(p) = opt_str(&ids.pmcid) {
            let digits: String = p
                .rsplit('/')
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if !digits.is_empty() {
                r.add_id(Identifier::Pmcid(format!("PMC{digits}")));
            }
        }
        match ids.mag {
            Some(serde_json::Value::String(m)) => r.add_id(Identifier::Other(format!("mag:{m}"))),
            Some(serde_json::Value::Number(m)) => r.add_id(Identifier::Other(format!("mag:{m}"))),
            _ => {}
        }
    }
    r.title = nonempty(w.title).or_else(|| nonempty(w.display_name));
    for a in w.authorships.unwrap_or_default() {
        let obj = a.author.unwrap_or_default();
        let shown = nonempty(obj.display_name).or_else(|| nonempty(a.raw_author_name.clone()));
        let Some(shown) = shown else { continue };
        let mut au = Author::person(&shown);
        if let Some(raw) = nonempty(a.raw_author_name) {
            au.raw = raw;
        }
        au.set_orcid(opt_str(&obj.orcid).and_then(normalize_orcid));
        au.set_source_id(opt_str(&obj.id).map(short_id).filter(|s| !s.is_empty()));
        for inst in a.institutions.unwrap_or_default() {
            if let Some(name) = nonempty(inst.display_name) {
                if !au.affiliations().contains(&name) {
                    au.affiliations_mut().push(name);
                }
            }
        }
        if au.affiliations().is_empty() {
            *au.affiliations_mut() = a
                .raw_affiliation_strings
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| nonempty(Some(s)))
                .collect();
        }
        r.authors.push(au);
    }
    let source = w.primary_location.and_then(|l| l.source).or(w.host_venue);
    if let Some(s) = source {
        r.venue = nonempty(s.display_name);
        if let Some(l) = nonempty(s.issn_l) {
            r.issn.push(l);
        }
        for i in s.issn.unwrap_or_default() {
            if !r.issn.iter().any(|x| x == i.as_str()) {
                r.issn.push(i.0.into_owned());
            }
        }
        r.publisher = nonempty(s.host_organization_name).or_else(|| nonempty(s.publisher));
    }
    if let Some(b) = w.biblio {
        r.volume = nonempty(b.volume);
        r.issue = nonempty(b.issue);
        r.pages = match (nonempty(b.first_page), nonempty(b.last_page)) {
            (Some(f), Some(l)) if f != l => Some(format!("{f}-{l}")),
            (Some(f), _) => Some(f),
            _ => None,
        };
    }
    r.published = w
        .publication_date
        .as_ref()
        .and_then(|d| dates::parse(d.as_str()))
        .or_else(|| w.publication_year.map(Date::year));
    r.abstract_text = w.abstract_inverted_index.and_then(abstract_text);
    for k in w.keywords.unwrap_or_default() {
        if let Some(k) = nonempty(k.0) {
            if !r.keywords.contains(&k) {
                r.keywords.push(k);
            }
        }
    }
    let scored = w.topics.unwrap_or_default().into_iter().chain(w.concepts.unwrap_or_default());
    for s in scored {
        if s.score.unwrap_or(0.0) >= SUBJECT_MIN_SCORE {
            if let Some(name) = nonempty(s.display_name) {
                if !r.subjects.contains(&name) {
                    r.subjects.push(name);
                }
            }
        }
    }
    for m in w.mesh.unwrap_or_default() {
        if let Some(name) = nonempty(m.descriptor_name) {
            if !r.subjects.contains(&name) {
                r.subjects.push(name);
            }
        }
    }
    r.language = opt_str(&w.language).and_then(super::language::language);
    r.doc_type = opt_str(&w.kind).and_then(table::doc_type);
    r.times_cited = w.cited_by_count;
    let refs = w.referenced_works.unwrap_or_default();
    r.citations.reserve(refs.len());
    let mut empty = 0usize;
    for rw in refs {
        let id = short_id(rw.as_str());
        if id.is_empty() {
            empty += 1;
            continue;
        }
        // Every field given: a default provenance would be made and dropped
        // per citation.
        r.citations.push(Citation {
            raw: rw.0.into_owned(),
            authors: Vec::new(),
            et_al: false,
            year: None,
            ids: smallvec::smallvec![Identifier::Openalex(id)],
            count: 1,
            at: r.at.clone(),
            detail: None,
        });
    }
    if empty > 0 {
        diagnostics.push(Diagnostic::warning(
            Provenance::new(input, line, Some(key.clone())),
            format!("{empty} referenced_works entries hold no OpenAlex id: reference dropped"),
        ));
    }
    r.mark_missing();
    r
}

/// Reads OpenAlex JSON of any supported shape held in memory.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let t = text.trim_start_matches('\u{feff}');
    let body = t.trim_start();
    let lead = t.get(..t.len() - body.len()).unwrap_or("");
    let lead_lines = u32::try_from(lead.matches('\n').count()).unwrap_or(0);
    if is_json_lines(body) {
        let mut records = Vec::new();
        let seen = read_stream(input, text.as_bytes(), &mut |r| records.push(r), &mut parsed.diagnostics);
        parsed.records = records;
        parsed.seen = seen.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
        return parsed;
    }
    let value: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => {
            parsed.diagnostics.push(Diagnostic::error(
                Provenance::new(input, u32::try_from(e.line()).unwrap_or(0).saturating_add(lead_lines), None),
                format!("not valid JSON: {e}"),
            ));
            return parsed;
        }
    };
    let start_line = lead_lines + 1;
    match value {
        serde_json::Value::Array(items) => works_from_values(input, text, items, start_line, &mut parsed),
        serde_json::Value::Object(mut obj) => {
            if let Some(err) = obj.get("error") {
                let msg = obj.get("message").map(json_text).unwrap_or_default();
                parsed.diagnostics.push(Diagnostic::error(
                    Provenance::new(input, start_line, None),
                    format!(
                        "OpenAlex API error response: {}{}{}",
                        json_text(err),
                        if msg.is_empty() { "" } else { ": " },
                        msg
                    ),
                ));
            } else if let Some(serde_json::Value::Array(items)) = obj.remove("results") {
                if items.is_empty() {
                    parsed.diagnostics.push(Diagnostic::info(
                        Provenance::new(input, start_line, None),
                        "OpenAlex list page with no results (end of paging)",
                    ));
                }
                works_from_values(input, text, items, start_line, &mut parsed);
            } else if obj.contains_key("id") || obj.contains_key("ids") || obj.contains_key("doi") {
                works_from_values(input, text, vec![serde_json::Value::Object(obj)], start_line, &mut parsed);
            } else {
                parsed.diagnostics.push(Diagnostic::error(
                    Provenance::new(input, start_line, None),
                    "JSON object is neither an OpenAlex work nor a list page: skipped",
                ));
            }
        }
        _ => parsed.diagnostics.push(Diagnostic::error(
            Provenance::new(input, start_line, None),
            "JSON value is not an OpenAlex work, list page or array: skipped",
        )),
    }
    parsed
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// First line a complete object and more lines follow: JSON Lines.
pub(crate) fn is_json_lines(body: &str) -> bool {
    let mut lines = body.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else { return false };
    first.starts_with('{') && first.ends_with('}') && lines.next().is_some_and(|l| l.starts_with('{'))
}

fn works_from_values(
    input: &str,
    text: &str,
    items: Vec<serde_json::Value>,
    start_line: u32,
    parsed: &mut Parsed,
) {
    let mut cursor = 0usize;
    for (n, item) in items.into_iter().enumerate() {
        if item.is_null() {
            parsed.diagnostics.push(Diagnostic::info(
                Provenance::new(input, start_line, Some(format!("item {}", n + 1))),
                "null work in list (not found)",
            ));
            continue;
        }
        // Locate the work's own `"id": "…"` to give it a line.
        let line = match item.get("id").and_then(|v| v.as_str()) {
            Some(id) => table::locate_json_value(text, "id", id, &mut cursor).unwrap_or(start_line),
            None => start_line,
        };
        parsed.seen += 1;
        match Work::deserialize(&item) {
            Ok(w) => parsed.records.push(to_record(w, input, line, n, &mut parsed.diagnostics)),
            Err(e) => parsed.diagnostics.push(Diagnostic::warning(
                Provenance::new(input, line, Some(format!("item {}", n + 1))),
                format!("work not readable: {e}: record dropped"),
            )),
        }
    }
}

/// Bytes of JSON Lines gathered before they are parsed together: enough
/// lines to keep every core busy, few enough to keep memory small.
const CHUNK_BYTES: usize = 4 << 20;

/// One non-blank line of a chunk: its number and where its bytes are.
struct ChunkLine {
    no: u32,
    start: usize,
    end: usize,
}

/// Lines read from the input, not yet parsed.
#[derive(Default)]
struct Chunk {
    bytes: Vec<u8>,
    lines: Vec<ChunkLine>,
}

/// What one line became, in input order.
struct LineOut {
    no: u32,
    bad_utf8: bool,
    record: Option<Record>,
    diagnostics: Vec<Diagnostic>,
}

/// Reads OpenAlex JSON Lines from `reader`, one work per line, handing each
/// record to `on_record`; returns the number of works met (unreadable ones
/// included).
///
/// Blank lines are skipped; a line that is not a readable work becomes a
/// warning with its line number (and the work id when it can be seen) and
/// reading goes on with the next line.
///
/// Lines are read in chunks of about [`CHUNK_BYTES`]; the lines of a chunk
/// are parsed in parallel (rayon) while the records of the chunk before are
/// handed on, in input order. Records, diagnostics and their order do not
/// depend on the number of threads. A work without an OpenAlex id or DOI is
/// keyed `work N`, N counting the works met so far (as for a JSON array).
pub fn read_stream<R: Read>(
    input: &str,
    mut reader: R,
    on_record: &mut dyn FnMut(Record),
    diagnostics: &mut Vec<Diagnostic>,
) -> std::io::Result<u64> {
    let mut line_no: u32 = 0;
    let mut seen: u64 = 0;
    let mut utf8 = super::normalize::Utf8Lines::default();
    let mut ready: Vec<LineOut> = Vec::new();
    // Two chunks' buffers, used in turn: the next chunk is read while the
    // one before is parsed, and no fresh 4 MiB is taken per chunk.
    let mut spare = Chunk::default();
    let mut tail = Vec::new();
    let mut chunk = fill_chunk(&mut reader, &mut line_no, &mut tail, Chunk::default())?;
    loop {
        let first = seen;
        seen += chunk.lines.len() as u64;
        let last = chunk.lines.is_empty();
        let mut parsed = Vec::new();
        let mut next = None;
        let delivering = std::mem::take(&mut ready);
        rayon::in_place_scope(|s| {
            if !last {
                let (chunk, parsed) = (&chunk, &mut parsed);
                s.spawn(move |_| *parsed = parse_chunk(input, chunk, first));
            }
            deliver(input, delivering, &mut utf8, on_record, diagnostics);
            if !last {
                next = Some(fill_chunk(&mut reader, &mut line_no, &mut tail, std::mem::take(&mut spare)));
            }
        });
        if last {
            return Ok(seen);
        }
        ready = parsed;
        spare = std::mem::replace(
            &mut chunk,
            match next {
                Some(Ok(c)) => c,
                Some(Err(e)) => {
                    deliver(input, ready, &mut utf8, on_record, diagnostics);
                    return Err(e);
                }
                None => Chunk::default(),
            },
        );
    }
}

/// Fills `chunk` (emptied first) with `tail`, the unfinished line the chunk
/// before left, then with the input read in large blocks straight into the
/// chunk's buffer, until it holds [`CHUNK_BYTES`] and ends a line, or the
/// input ends; the bytes after its last line end go back to `tail`. Then
/// finds its lines (blank ones skipped, a leading BOM dropped).
///
/// Reading blocks, not lines, saves a copy: a read as large as this goes
/// past the `BufReader`'s own buffer, and no line is looked for twice.
/// A chunk holds at most [`CHUNK_BYTES`] plus one line, as the reader bounds
/// lines (`ingest.max_line_bytes`).
fn fill_chunk<R: Read>(
    reader: &mut R,
    line_no: &mut u32,
    tail: &mut Vec<u8>,
    mut chunk: Chunk,
) -> std::io::Result<Chunk> {
    /// Read at a time once a chunk is full but its last line goes on.
    const MORE: usize = 1 << 20;
    chunk.bytes.clear();
    chunk.lines.clear();
    chunk.bytes.extend_from_slice(tail);
    tail.clear();
    loop {
        let before = chunk.bytes.len();
        let want = CHUNK_BYTES.saturating_sub(before).max(MORE);
        chunk.bytes.reserve(want);
        let got = (&mut *reader).take(want as u64).read_to_end(&mut chunk.bytes)?;
        if got < want {
            // The input ended: the chunk ends with it.
            break;
        }
        // The chunk is full (`want` reaches `CHUNK_BYTES`). `tail` held no
        // line end, so its last one is in what was read; with none, the line
        // goes on and is read on.
        if let Some(i) = memchr::memrchr(b'\n', &chunk.bytes[before..]) {
            let cut = before + i + 1;
            tail.extend_from_slice(&chunk.bytes[cut..]);
            chunk.bytes.truncate(cut);
            break;
        }
    }
    let bytes = &chunk.bytes;
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        *line_no = line_no.saturating_add(1);
        let mut line = &bytes[start..end];
        if *line_no == 1 {
            line = line.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(line);
        }
        let trimmed = line.trim_ascii();
        if !trimmed.is_empty() {
            // Offsets of the trimmed line inside the chunk.
            let lead = trimmed.as_ptr() as usize - bytes.as_ptr() as usize;
            chunk.lines.push(ChunkLine { no: *line_no, start: lead, end: lead + trimmed.len() });
        }
        start = end + 1;
    }
    Ok(chunk)
}

/// Parses every line of `chunk` (in parallel); `first` is the number of
/// works met before it.
fn parse_chunk(input: &str, chunk: &Chunk, first: u64) -> Vec<LineOut> {
    use rayon::prelude::*;
    chunk
        .lines
        .par_iter()
        .enumerate()
        .map(|(i, l)| {
            let bytes = &chunk.bytes[l.start..l.end];
            let n = usize::try_from(first + i as u64).unwrap_or(usize::MAX);
            // Validating the line once lets serde_json skip per-string UTF-8 checks.
            let (text, bad_utf8) = match std::str::from_utf8(bytes) {
                Ok(s) => (Cow::Borrowed(s), false),
                Err(_) => (String::from_utf8_lossy(bytes), true),
            };
            let mut out = LineOut { no: l.no, bad_utf8, record: None, diagnostics: Vec::new() };
            match serde_json::from_str::<Work>(&text) {
                Ok(w) => out.record = Some(to_record(w, input, l.no, n, &mut out.diagnostics)),
                Err(e) => {
                    let key = sniff_id(bytes).unwrap_or_else(|| format!("#{}", n + 1));
                    out.diagnostics.push(Diagnostic::warning(
                        Provenance::new(input, l.no, Some(key)),
                        format!("line is not a readable OpenAlex work: {e}: record dropped"),
                    ));
                }
            }
            out
        })
        .collect()
}

/// Hands on parsed lines in input order: the first invalid UTF-8 line of the
/// input gets one warning (as [`super::normalize::Utf8Lines`] gives).
fn deliver(
    input: &str,
    lines: Vec<LineOut>,
    utf8: &mut super::normalize::Utf8Lines,
    on_record: &mut dyn FnMut(Record),
    diagnostics: &mut Vec<Diagnostic>,
) {
    for out in lines {
        if out.bad_utf8 {
            utf8.note_invalid(input, out.no, diagnostics);
        }
        diagnostics.extend(out.diagnostics);
        if let Some(r) = out.record {
            on_record(r);
        }
    }
}

/// The `W…` id near the start of a broken line, for the diagnostic.
fn sniff_id(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(512)];
    let s = String::from_utf8_lossy(head);
    let pos = s.find("openalex.org/W")? + "openalex.org/".len();
    let id: String = s.get(pos..)?.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    (id.len() > 1).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Several chunks: records come in input order with their own line
    /// numbers, broken and badly encoded lines are reported where they are,
    /// and works without an id are numbered by the works met before them.
    #[test]
    fn jsonl_over_several_chunks_keeps_order_and_lines() {
        let mut text: Vec<u8> = Vec::new();
        let pad = "x".repeat(2000);
        let mut n = 0u32;
        while text.len() < 3 * CHUNK_BYTES {
            n += 1;
            match n {
                5000 => text.extend_from_slice(b"{broken\n"),
                5001 => text.extend_from_slice(b"\n"),
                5002 => text.extend_from_slice(b"{\"title\":\"no id \xff\"}\n"),
                5003 => text.extend_from_slice(b"{\"title\":\"bad \xfe again\"}\n"),
                _ => text.extend_from_slice(
                    format!("{{\"id\":\"https://openalex.org/W{n}\",\"title\":\"T{n} {pad}\"}}\n").as_bytes(),
                ),
            }
        }
        let mut records = Vec::new();
        let mut diags = Vec::new();
        let seen = read_stream("big.jsonl", &text[..], &mut |r| records.push(r), &mut diags).unwrap();
        assert_eq!(seen, u64::from(n) - 1, "the blank line is not a work");
        assert_eq!(records.len(), n as usize - 2);
        for r in &records {
            let key = r.at.record.as_deref().unwrap();
            if r.at.line < 5000 {
                assert_eq!(key, format!("W{}", r.at.line));
            }
        }
        assert!(records.windows(2).all(|w| w[0].at.line < w[1].at.line));
        // Lines 5002 and 5003 are the 5001st and 5002nd works met (line 5001 is blank).
        let no_id: Vec<(u32, &str)> = records
            .iter()
            .filter(|r| r.ids.is_empty())
            .map(|r| (r.at.line, r.at.record.as_deref().unwrap()))
            .collect();
        assert_eq!(no_id, vec![(5002, "work 5001"), (5003, "work 5002")]);
        let lines: Vec<(u32, &str)> = diags.iter().map(|d| (d.at.line, d.message.as_str())).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0].0, 5000);
        assert!(lines[0].1.starts_with("line is not a readable OpenAlex work"));
        assert_eq!(diags[0].at.record.as_deref(), Some("#5000"));
        assert_eq!(lines[1], (5002, "not valid UTF-8: read with replacement characters"));
    }

    /// Chunks are read in blocks: a line cut by a chunk's end goes whole to
    /// the next chunk, a line longer than a chunk is read on to its end, the
    /// last line needs no line feed, and a reader that gives a few hundred
    /// bytes at a time gives the same records as the whole text.
    #[test]
    fn jsonl_lines_across_chunk_ends_and_longer_than_a_chunk() {
        /// Gives at most 777 bytes per read.
        struct Trickle<'a>(&'a [u8]);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(777).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let work =
            |n: u32, title: &str| format!("{{\"id\":\"https://openalex.org/W{n}\",\"title\":\"{title}\"}}");
        let mut text: Vec<u8> = b"\xEF\xBB\xBF".to_vec();
        text.extend_from_slice(work(1, "first").as_bytes());
        text.extend_from_slice(b"\r\n\n");
        let long = "y".repeat(CHUNK_BYTES + 100);
        text.extend_from_slice(work(2, &long).as_bytes());
        text.extend_from_slice(b"\n");
        let pad = "z".repeat(3001);
        let mut n = 2;
        while text.len() < 3 * CHUNK_BYTES + 12_345 {
            n += 1;
            text.extend_from_slice(work(n, &format!("T{n} {pad}")).as_bytes());
            text.extend_from_slice(b"\n");
        }
        text.extend_from_slice(work(99_999, "last, no line feed").as_bytes());
        let lines = text.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let read = |r: &mut dyn std::io::Read| {
            let mut out = Vec::new();
            let mut diags = Vec::new();
            let seen = read_stream("t.jsonl", r, &mut |r| out.push(r), &mut diags).unwrap();
            assert!(diags.is_empty(), "{diags:?}");
            (seen, out)
        };
        let (seen, whole) = read(&mut &text[..]);
        let (seen_trickled, trickled) = read(&mut std::io::BufReader::with_capacity(1000, Trickle(&text)));
        assert_eq!(seen, u64::from(n) + 1);
        assert_eq!(seen_trickled, seen);
        assert_eq!(whole, trickled);
        assert_eq!(whole.len(), n as usize + 1);
        let first = &whole[0];
        assert_eq!((first.at.line, first.title.as_deref()), (1, Some("first")));
        assert_eq!((whole[1].at.line, whole[1].title.as_ref().map(String::len)), (3, Some(long.len())));
        for (i, r) in whole.iter().enumerate().skip(2).take(n as usize - 2) {
            assert_eq!(r.at.line, i as u32 + 2, "{:?}", r.at);
            assert_eq!(r.at.record.as_deref(), Some(format!("W{}", i + 1).as_str()));
        }
        let last = whole.last().unwrap();
        assert_eq!((last.at.line, last.at.record.as_deref()), (lines, Some("W99999")));
    }

    #[test]
    fn inverted_index_and_jsonl_errors() {
        let text = "{\"id\":\"https://openalex.org/W1\",\"title\":\"A\",\"abstract_inverted_index\":{\"world\":[1],\"Hello\":[0]},\"referenced_works\":[\"https://openalex.org/W2\"]}\n{broken\n{\"id\":\"https://openalex.org/W3\",\"title\":null,\"display_name\":\"B\"}\n";
        let p = parse("t.jsonl", text);
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].abstract_text.as_deref(), Some("Hello world"));
        assert_eq!(p.records[0].citations[0].ids.to_vec(), vec![Identifier::Openalex("W2".into())]);
        assert_eq!(p.records[1].at.line, 3);
        assert_eq!(p.records[1].title.as_deref(), Some("B"));
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].at.line, 2);
    }

    /// Words put in slots give the text the sort gives, for dense, gapped,
    /// shuffled, repeated and far-apart positions (the last two sorted).
    #[test]
    fn abstract_slots_agree_with_sorting() {
        fn sorted(pairs: &[(u32, S<'_>)]) -> String {
            let mut p = pairs.to_vec();
            p.sort_unstable_by_key(|(q, _)| *q);
            p.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>().join(" ")
        }
        let words = ["a", "bb", "", "ccc", "d", "ee"];
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        for case in 0..400u32 {
            let n = 1 + next() % 40;
            let spread = match case % 4 {
                0 => n,
                1 => 2 * n,
                2 => n / 2 + 1,
                _ => 1000 + n * 50,
            };
            let pairs: Vec<(u32, S<'_>)> = (0..n)
                .map(|i| {
                    let pos = if case % 4 == 0 { (n - 1 - i + case) % n } else { next() % spread };
                    (pos, S(Cow::Borrowed(words[(next() % 6) as usize])))
                })
                .collect();
            let distinct = {
                let mut p: Vec<u32> = pairs.iter().map(|x| x.0).collect();
                p.sort_unstable();
                p.windows(2).all(|w| w[0] != w[1])
            };
            let got = abstract_text(InvertedIndex(pairs.clone())).unwrap();
            if distinct {
                assert_eq!(got, sorted(&pairs), "case {case}");
            }
            if case % 4 == 0 {
                assert!(placed(&pairs).is_some(), "dense positions are placed");
            }
            if !distinct {
                assert!(placed(&pairs).is_none(), "repeated positions are sorted");
            }
        }
        // Gaps are skipped, not filled.
        let gapped = vec![(5, S(Cow::Borrowed("b"))), (0, S(Cow::Borrowed("a")))];
        assert_eq!(abstract_text(InvertedIndex(gapped)).as_deref(), Some("a b"));
    }
}
