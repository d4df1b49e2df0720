//! The general page reader: any text a reviewer saves that no structured
//! format claims (article pages, catalogue records, research-portal pages,
//! full-text readers, reference lists, listings, API responses of any shape).
//!
//! It reads field by field with site-independent rules and records, for each
//! field it fills, the rule that found it and a confidence (an info
//! diagnostic per record, which `summary.json` lists):
//!
//! - **JSON** of any shape ([`super::loose_json`]): objects with
//!   bibliographic keys anywhere in the tree become records; common key names
//!   are mapped (title, authors/author/authorships/creators with
//!   name/given/family/literal, doi, pmid, abstract, journal/container-title/
//!   source/venue, year/date/published, keywords, references). JSON cut
//!   mid-way is read up to the cut.
//! - **Listings** of several records on one page (numbered lists of citation
//!   strings, title + author-line blocks, "X et al., 2019, Venue." lines).
//! - **One page record**: identifiers anywhere outside the reference list,
//!   the title (a labelled title, the heading-like line before the author
//!   line, the title inside the page's own citation string), author lines in
//!   every common form, the venue/year line, the abstract (structured
//!   headings in several languages), keywords, language, the reference list
//!   and in-text callouts.
//!
//! Text cut mid-way gives what is complete and a warning. A text with
//! nothing bibliographic gives no record and a warning saying so.

use super::dates::parse as parse_date;
use super::loose_json;
use super::page_text::{guess_language, is_boilerplate_line, structure_abstract, SECTION_LABELS};
use super::refs;
use crate::model::norm::{self, squash_ws};
use crate::model::{Author, Citation, Diagnostic, Identifier, Parsed, Provenance, Record};
use regex::Regex;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// The name this reader gives its records' `source_kind`.
pub const KIND: &str = "page";

/// How sure a rule is of what it found.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Conf(f32);

/// One field found, by which rule, how surely.
#[derive(Clone, Debug)]
struct Finding {
    field: &'static str,
    rule: &'static str,
    conf: Conf,
}

#[derive(Default)]
struct Found {
    items: Vec<Finding>,
}

impl Found {
    fn add(&mut self, field: &'static str, rule: &'static str, conf: f32) {
        if let Some(f) = self.items.iter_mut().find(|f| f.field == field) {
            if f.conf.0 < conf {
                f.rule = rule;
                f.conf = Conf(conf);
            }
            return;
        }
        self.items.push(Finding { field, rule, conf: Conf(conf) });
    }

    fn note(&self, input: &str, line: u32, key: Option<String>) -> Option<Diagnostic> {
        if self.items.is_empty() {
            return None;
        }
        let parts: Vec<String> =
            self.items.iter().map(|f| format!("{} by {} ({:.2})", f.field, f.rule, f.conf.0)).collect();
        Some(Diagnostic::info(
            Provenance::new(input, line, key),
            format!("page reader: {}", parts.join("; ")),
        ))
    }
}

/// Reads `text` (see the module documentation).
pub fn parse(input: &str, text: &str) -> Parsed {
    let body = text.trim_start_matches('\u{feff}');
    let trimmed = body.trim_start();
    let mut parsed = Parsed::default();
    if trimmed.starts_with(['{', '[']) || trimmed.starts_with("“{") {
        read_json(input, body, &mut parsed);
        if !parsed.records.is_empty() {
            return parsed;
        }
    }
    read_text(input, body, &mut parsed);
    if parsed.records.is_empty() {
        parsed.diagnostics.push(Diagnostic::warning(
            Provenance::new(input, 0, None),
            "no title, identifier, author line, venue line or reference found: nothing to read",
        ));
    }
    parsed
}

/// True when `text` is a JSON document cut before its end.
pub fn is_cut_json(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with(['{', '[']) && loose_json::parse(t).truncated
}

/// A rough measure of how much a reading found: used to rank this reader
/// against the seed-layout readers on the same text.
pub fn evidence(parsed: &Parsed) -> u32 {
    let mut score = 0u32;
    for r in &parsed.records {
        let mut s = 0u32;
        if r.title.is_some() {
            s += 3;
        }
        if !r.authors.is_empty() {
            s += 2;
        }
        if !r.ids.is_empty() {
            s += 2;
        }
        if r.year().is_some() {
            s += 1;
        }
        if r.venue.is_some() || r.venue_abbrev.is_some() {
            s += 1;
        }
        if r.abstract_text.is_some() {
            s += 1;
        }
        s += (r.citations.len() as u32).min(5);
        score += s;
    }
    score
}

// ---------------------------------------------------------------------------
// JSON

const TITLE_KEYS: &[&str] = &["title", "display_name", "articleTitle", "article_title", "dc:title", "name"];
const AUTHOR_KEYS: &[&str] =
    &["authors", "author", "authorships", "creators", "creator", "contributors", "AuthorList"];
const VENUE_KEYS: &[&str] = &[
    "journal",
    "journalTitle",
    "journal_title",
    "container-title",
    "container_title",
    "venue",
    "source",
    "publicationVenue",
    "primary_location",
    "host_venue",
    "PeriodicalId",
    "periodical",
    "publication",
    "journal_name",
];
const YEAR_KEYS: &[&str] = &[
    "publication_year",
    "year",
    "publicationYear",
    "published-print",
    "published-online",
    "published",
    "issued",
    "publication_date",
    "publicationDate",
    "pubdate",
    "date",
    "PubDate",
];
const BIB_KEYS: &[&str] = &[
    "doi",
    "authors",
    "author",
    "authorships",
    "creators",
    "journal",
    "container-title",
    "abstract",
    "publication_year",
    "year",
    "published",
    "issued",
    "publicationDate",
    "venue",
    "pmid",
    "published-print",
];

fn get<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    m.get(key)
        .or_else(|| {
            let want = key.replace(['-', '_', ' '], "").to_lowercase();
            m.iter().find(|(k, _)| k.replace(['-', '_', ' '], "").to_lowercase() == want).map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

/// A string from a value: strings as they are, the first string of an array,
/// an object's `display_name`/`name`/`title`/`value`.
fn text_value(v: &Value, depth: usize) -> Option<String> {
    if depth > 4 {
        return None;
    }
    match v {
        Value::String(s) => Some(norm::squash_ws(&norm::strip_tags(s))).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.iter().find_map(|x| text_value(x, depth + 1)),
        Value::Object(o) => ["display_name", "name", "title", "value", "#text", "source"]
            .iter()
            .find_map(|k| get(o, k).and_then(|x| text_value(x, depth + 1))),
        _ => None,
    }
}

fn is_record_object(m: &Map<String, Value>) -> bool {
    let has_title = ["title", "display_name", "articleTitle", "article_title", "dc:title"]
        .iter()
        .any(|k| get(m, k).and_then(|v| text_value(v, 0)).is_some());
    let bib = BIB_KEYS.iter().filter(|k| get(m, k).is_some()).count();
    (has_title && bib >= 1) || bib >= 3
}

fn year_of(v: &Value) -> Option<i32> {
    match v {
        Value::Number(n) => {
            n.as_i64().and_then(|y| i32::try_from(y).ok()).filter(|y| (1000..=2999).contains(y))
        }
        Value::String(s) => parse_date(s)
            .map(|d| d.year)
            .or_else(|| YEAR_RE.captures(s).and_then(|c| c.get(1)).and_then(|m| m.as_str().parse().ok())),
        Value::Array(a) => a.iter().find_map(year_of),
        Value::Object(o) => ["date-parts", "date_parts", "year", "Year", "date"]
            .iter()
            .find_map(|k| get(o, k).and_then(year_of)),
        _ => None,
    }
}

fn json_author(v: &Value) -> Option<Author> {
    match v {
        Value::String(s) => {
            let s = norm::squash_ws(s);
            (!s.is_empty() && s.chars().any(char::is_alphabetic)).then(|| Author::person(&s))
        }
        Value::Object(o) => {
            if let Some(Value::Object(inner)) = get(o, "author") {
                let mut a = json_author(&Value::Object(inner.clone()))?;
                if a.orcid().is_none() {
                    a.set_orcid(
                        get(o, "orcid")
                            .and_then(|x| text_value(x, 0))
                            .and_then(|x| norm::normalize_orcid(&x)),
                    );
                }
                return Some(a);
            }
            let mut a = if let Some(name) =
                ["name", "display_name", "fullName", "full_name", "literal", "raw_author_name"]
                    .iter()
                    .find_map(|k| get(o, k).and_then(|x| text_value(x, 0)))
            {
                Author::person(&name)
            } else {
                let fam = ["family", "lastName", "last_name", "LastName", "surname", "family_name"]
                    .iter()
                    .find_map(|k| get(o, k).and_then(|x| text_value(x, 0)))?;
                let giv =
                    ["given", "firstName", "first_name", "ForeName", "given_name", "forename", "Initials"]
                        .iter()
                        .find_map(|k| get(o, k).and_then(|x| text_value(x, 0)));
                match giv {
                    Some(g) => Author::person(&format!("{fam}, {g}")),
                    None => Author::person(&fam),
                }
            };
            a.set_orcid(
                ["orcid", "ORCID", "orcid_id"]
                    .iter()
                    .find_map(|k| get(o, k).and_then(|x| text_value(x, 0)))
                    .and_then(|x| norm::normalize_orcid(&x)),
            );
            Some(a)
        }
        _ => None,
    }
}

fn json_citation(v: &Value, at: &Provenance) -> Option<Citation> {
    match v {
        Value::String(s) => {
            if let Some(w) = OPENALEX_RE.captures(s).and_then(|c| c.get(1)) {
                return Some(Citation {
                    raw: s.clone(),
                    ids: smallvec::smallvec![Identifier::Openalex(w.as_str().to_string())],
                    count: 1,
                    at: at.clone(),
                    ..Citation::default()
                });
            }
            let s = norm::squash_ws(s);
            (s.len() > 8).then(|| refs::parse_free_text(&s, at.clone()))
        }
        Value::Object(o) => {
            let raw = ["unstructured", "citation", "raw", "text", "reference"]
                .iter()
                .find_map(|k| get(o, k).and_then(|x| text_value(x, 0)));
            let mut c = match raw {
                Some(r) => refs::parse_free_text(&r, at.clone()),
                None => Citation { count: 1, at: at.clone(), ..Citation::default() },
            };
            if let Some(d) = get(o, "doi").and_then(|x| text_value(x, 0)).and_then(|d| Identifier::doi(&d)) {
                if !c.ids.contains(&d) {
                    c.ids.push(d);
                }
            }
            if c.detail().title.is_none() {
                c.detail_mut().title = ["article-title", "title", "volume-title"]
                    .iter()
                    .find_map(|k| get(o, k).and_then(|x| text_value(x, 0)));
            }
            if c.year.is_none() {
                c.year = ["year", "publication_year"].iter().find_map(|k| get(o, k).and_then(year_of));
            }
            if c.authors.is_empty() {
                if let Some(a) = get(o, "author").and_then(json_author) {
                    c.authors.push(a);
                }
            }
            if c.raw.is_empty() {
                c.raw = c.detail().title.clone().unwrap_or_default();
            }
            (!c.ids.is_empty() || c.detail().title.is_some() || (c.year.is_some() && !c.authors.is_empty()))
                .then_some(c)
        }
        _ => None,
    }
}

fn record_from_object(input: &str, m: &Map<String, Value>, line: u32, key: Option<String>) -> Record {
    let at = Provenance::new(input, line, key.clone());
    let mut rec = Record::new(at.clone(), KIND);
    let mut found = Found::default();
    if let Some(t) = TITLE_KEYS.iter().find_map(|k| get(m, k).and_then(|v| text_value(v, 0))) {
        rec.title = Some(t.trim_end_matches('.').to_string());
        found.add("title", "json title key", 0.95);
    }
    for k in ["doi", "DOI"] {
        if let Some(d) = get(m, k).and_then(|v| text_value(v, 0)).and_then(|d| Identifier::doi(&d)) {
            rec.add_id(d);
            found.add("doi", "json doi key", 0.98);
        }
    }
    for holder in ["ids", "externalIds", "external_ids", "identifiers"] {
        if let Some(Value::Object(ids)) = get(m, holder) {
            for (k, v) in ids {
                let Some(s) = text_value(v, 0) else { continue };
                let id = match k.to_lowercase().as_str() {
                    "doi" => Identifier::doi(&s),
                    "pmid" | "pubmed" => Identifier::pmid(&s),
                    "pmcid" | "pubmedcentral" => {
                        PMCID_RE.find(&s).map(|m| Identifier::Pmcid(m.as_str().to_uppercase()))
                    }
                    "arxiv" => Some(Identifier::Arxiv(s.clone())),
                    _ => None,
                };
                if let Some(id) = id {
                    rec.add_id(id);
                }
            }
        }
    }
    if let Some(p) =
        ["pmid", "PMID", "pubmed_id"].iter().find_map(|k| get(m, k).and_then(|v| text_value(v, 0)))
    {
        if let Some(id) = Identifier::pmid(&p) {
            rec.add_id(id);
            found.add("pmid", "json pmid key", 0.95);
        }
    }
    if let Some(id) = get(m, "id").and_then(|v| text_value(v, 0)) {
        if let Some(w) = OPENALEX_RE.captures(&id).and_then(|c| c.get(1)) {
            rec.add_id(Identifier::Openalex(w.as_str().to_string()));
        }
    }
    for k in AUTHOR_KEYS {
        match get(m, k) {
            Some(Value::Array(items)) => {
                rec.authors = items.iter().filter_map(json_author).collect();
            }
            Some(Value::String(s)) => rec.authors = super::page::split_author_list(s),
            Some(v @ Value::Object(_)) => rec.authors = json_author(v).into_iter().collect(),
            _ => continue,
        }
        if !rec.authors.is_empty() {
            found.add("authors", "json author key", 0.95);
            break;
        }
    }
    for k in YEAR_KEYS {
        if let Some(y) = get(m, k).and_then(year_of) {
            rec.published = Some(crate::model::Date::year(y));
            found.add("year", "json date key", 0.9);
            break;
        }
    }
    for k in VENUE_KEYS {
        let v = match get(m, k) {
            Some(Value::Object(o)) if *k == "primary_location" || *k == "host_venue" => get(o, "source")
                .and_then(|s| text_value(s, 0))
                .or_else(|| text_value(&Value::Object(o.clone()), 0)),
            Some(v) => text_value(v, 0),
            None => None,
        };
        if let Some(v) = v.filter(|v| !v.starts_with("http")) {
            rec.venue = Some(v);
            found.add("venue", "json venue key", 0.9);
            break;
        }
    }
    if let Some(a) = ["abstract", "abstractText", "abstract_text", "description"]
        .iter()
        .find_map(|k| get(m, k).and_then(|v| text_value(v, 0)))
    {
        rec.abstract_text = Some(a);
        found.add("abstract", "json abstract key", 0.9);
    }
    for k in ["keywords", "subjects", "subject", "keyword"] {
        if let Some(Value::Array(a)) = get(m, k) {
            rec.keywords = a.iter().filter_map(|x| text_value(x, 0)).collect();
        } else if let Some(Value::String(s)) = get(m, k) {
            rec.keywords = s.split([';', ',']).map(squash_ws).filter(|s| !s.is_empty()).collect();
        }
        if !rec.keywords.is_empty() {
            break;
        }
    }
    rec.volume = get(m, "volume").and_then(|v| text_value(v, 0));
    rec.issue = get(m, "issue").and_then(|v| text_value(v, 0));
    rec.pages = ["page", "pages"].iter().find_map(|k| get(m, k).and_then(|v| text_value(v, 0)));
    rec.language = get(m, "language").and_then(|v| text_value(v, 0)).filter(|l| l.len() <= 12);
    for k in ["references", "reference", "referenced_works", "citations_list"] {
        if let Some(Value::Array(a)) = get(m, k) {
            rec.citations = a.iter().take(5000).filter_map(|x| json_citation(x, &at)).collect();
            if !rec.citations.is_empty() {
                found.add("citations", "json references key", 0.9);
                break;
            }
        }
    }
    rec.mark_missing();
    rec.at = at;
    if let Some(d) = found.note(input, line, key) {
        PENDING_NOTE.with(|p| p.borrow_mut().push(d));
    }
    rec
}

thread_local! {
    /// The per-record "which rule found which field" notes of the reading in
    /// progress on this thread, handed to the caller's diagnostics by [`take_notes`].
    static PENDING_NOTE: std::cell::RefCell<Vec<Diagnostic>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn take_notes(diags: &mut Vec<Diagnostic>) {
    PENDING_NOTE.with(|p| diags.append(&mut p.borrow_mut()));
}

/// Walks `v` and collects record objects, at most `limit`.
fn collect_records<'a>(v: &'a Value, out: &mut Vec<&'a Map<String, Value>>, depth: usize, limit: usize) {
    if depth > loose_json::MAX_DEPTH || out.len() >= limit {
        return;
    }
    match v {
        Value::Object(m) => {
            if is_record_object(m) {
                out.push(m);
                return;
            }
            for (_, x) in m {
                collect_records(x, out, depth + 1, limit);
            }
        }
        Value::Array(a) => {
            for x in a {
                collect_records(x, out, depth + 1, limit);
            }
        }
        _ => {}
    }
}

fn read_json(input: &str, text: &str, parsed: &mut Parsed) {
    let start = text.find(['{', '[']).unwrap_or(0);
    let json = text.get(start..).unwrap_or("");
    let loose = loose_json::parse(json);
    let mut objects = Vec::new();
    collect_records(&loose.value, &mut objects, 0, 100_000);
    let first_line = 1 + newlines(text.get(..start).unwrap_or(""));
    let many = objects.len() > 1;
    for (i, m) in objects.iter().enumerate() {
        let key = many.then(|| (i + 1).to_string());
        let mut rec = record_from_object(input, m, first_line, key);
        if rec.ids.is_empty() && !many {
            // DOIs written in forms the tree lost (escaped, translated keys).
            if let Some(d) = refs::dois_in(&json.replace("\\/", "/")).into_iter().next() {
                rec.add_id(d);
            }
        }
        rec.mark_missing();
        parsed.records.push(rec);
    }
    take_notes(&mut parsed.diagnostics);
    if loose.truncated && !parsed.records.is_empty() {
        parsed.diagnostics.push(Diagnostic::warning(
            Provenance::new(input, first_line + newlines(json), None),
            "JSON ends mid-way: read up to the cut, the unfinished value dropped",
        ));
    }
}

fn newlines(s: &str) -> u32 {
    u32::try_from(s.bytes().filter(|&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------
// Text: patterns

static DOI_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b10\.\d{4,9}/[^\s\x22<>\]\[]+").expect("static regex"));
static PMID_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bPMID\s*[:：]?\s*|pubmed/|Pubmed ID\s*)(\d{1,9})\b").expect("static regex")
});
static PMCID_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bPMC\d{4,9}\b").expect("static regex"));
static ARXIV_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\barXiv:\s?(\d{4}\.\d{4,5})(?:v\d+)?").expect("static regex"));
static ISBN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^-\w])ISBN(?:-1[03])?(?:\s*\([^)]*\))?\s*[:：]?\s*([0-9][0-9\- ]{8,16}[0-9Xx])")
        .expect("static regex")
});
static ORCID_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4}-\d{4}-\d{4}-\d{3}[\dX])\b").expect("static regex"));
static OPENALEX_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:openalex\.org/|^)(W\d{4,12})$").expect("static regex"));
static YEAR_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b((?:19|20)\d\d)\b").expect("static regex"));
static URL_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"https?://\S+").expect("static regex"));

/// Labels before a title ("Title:", "Título:", "Titel:", "标题：").
static TITLE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:title|t[íi]tulo|titre|titel|titolo|název|标题|题名|題名|citation_title|dc\.title)\s*[:：]\s*(.{4,})$")
        .expect("static regex")
});
/// Labels before an author list.
static AUTHOR_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:main authors?|authors?|author\(s\)|autores?(?: principales)?|autor(?:es|as)?|auteurs?|autoren|verfasser|hlavní autoři|autoři|作者|著者|by|creators?|citation_author)\s*[:：]?\s+(.{2,})$",
    )
    .expect("static regex")
});
/// Labels before a keyword list.
static KEYWORD_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:key\s*-?\s*words?|keywords|palabras?\s+clave|palavras?-chave|mots[- ]cl[ée]s|schl[üu]sselw[öo]rter|schlagw[öo]rter|descriptores|descritores|关键词|關鍵詞|关键字|キーワード)\s*[:：]?\s*(.+)$",
    )
    .expect("static regex")
});
/// Headings that open an abstract.
const ABSTRACT_HEADINGS: &[&str] = &[
    "abstract",
    "summary",
    "résumé",
    "resume",
    "resumen",
    "resumo",
    "zusammenfassung",
    "sommario",
    "riassunto",
    "摘要",
    "摘 要",
    "内容摘要",
    "要旨",
    "抄録",
    "abstrakt",
    "streszczenie",
    "samenvatting",
    "sammanfattning",
];
/// Headings that end an abstract (or start the body, the notes or the references).
const AFTER_ABSTRACT: &[&str] = &[
    "introduction",
    "1. introduction",
    "i. introduction",
    "1 introduction",
    "introducción",
    "introdução",
    "einleitung",
    "key points",
    "ideas clave",
    "key ideas",
    "acknowledgements",
    "acknowledgments",
    "notes",
    "references",
    "supplementary information",
    "type",
    "article",
    "texto",
    "transcript",
    "author information",
    "associated data",
    "description",
    "full description",
    "descripción completa",
];
/// Headings that open a reference list.
const REFERENCE_HEADINGS: &[&str] = &[
    "references",
    "reference list",
    "list of references",
    "bibliography",
    "literature cited",
    "works cited",
    "literatur",
    "literaturverzeichnis",
    "referencias",
    "referencias bibliográficas",
    "referências",
    "referências bibliográficas",
    "références",
    "bibliographie",
    "参考文献",
    "reference articles",
    "key articles",
    "cited references",
    "notes",
];
/// Lines that are page furniture for this reader (besides [`is_boilerplate_line`]).
const FURNITURE: &[&str] = &[
    "skip to main content",
    "skip to content",
    "loading…",
    "loading...",
    "cargando…",
    "article text",
    "open access",
    "study protocol",
    "research article",
    "original article",
    "original articles",
    "original research",
    "research papers",
    "methodological notes",
    "articles",
    "abstract",
    "full text",
    "free full text",
    "author content",
    "author information",
    "transcription",
    "transcript",
    "e-book content",
    "general information",
    "publication type",
    "journal article",
    "journal",
    "publisher",
    "authors",
    "details",
    "copied!",
    "protected",
    "n/a",
    "texto",
    "download pdfpdf",
    "artículo original",
    "articulo original",
    "artículo de investigación",
    "comunicación breve",
    "artículos originales",
    "research output",
    "publications",
    "share",
    "views",
    "altmetric",
    "crossref citations to date",
    "study protocol",
    "content may be subject to copyright.",
];

fn lower_trim(l: &str) -> String {
    squash_ws(l).to_lowercase().trim_end_matches([':', '：', '.']).trim().to_string()
}

fn is_abstract_heading_line(l: &str) -> bool {
    let t = lower_trim(l);
    ABSTRACT_HEADINGS.contains(&t.as_str())
}

fn is_reference_heading(l: &str) -> bool {
    let t = lower_trim(l);
    REFERENCE_HEADINGS.contains(&t.as_str())
}

fn is_furniture(l: &str) -> bool {
    let t = squash_ws(l);
    if t.is_empty() {
        return true;
    }
    let lower = t.to_lowercase();
    if FURNITURE.contains(&lower.as_str()) || FURNITURE.contains(&lower.trim_end_matches([':', '.']).trim()) {
        return true;
    }
    if is_boilerplate_line(&t) {
        return true;
    }
    const STARTS: &[&str] = &[
        "you are on page",
        "vous êtes sur la page",
        "sie sind auf seite",
        "você está na página",
        "está en la página",
        "we use cookies",
        "to save content",
        "to send this article",
        "hostname:",
        "display settings",
        "send to",
        "choose destination",
        "see comment",
        "click here",
        "embed size",
        "citation preview",
        "page 1",
        "share \"",
        "download \"",
        "größe:",
        "ab seite",
        "academic year:",
        "content uploaded by",
        "all content in this area",
        "the current issue and full text archive",
        "publikationen hierarchiestufe",
        "acessibilidade",
        "home page",
        "servicios personalizados",
        "serviços personalizados",
        "services on demand",
        "links relacionados",
        "related links",
        "compartir",
        "compartilhar",
        "indicadores",
        "indicators",
        "scielo - scientific",
        "si votre navigateur",
        "transcription du contenu",
        "• ",
        "uloženo v",
        "podrobná bibliografie",
        "saved in",
        "bibliographic details",
        "detalles bibliográficos",
        "celý popis",
        "tags:",
        "tagy:",
        "no tags",
        "žádné tagy",
        "online access",
        "on-line přístup",
        "acceso en línea",
        "format:",
        "formato:",
        "médium:",
        "an erratum",
        "overview of attention",
        "mentioned by",
        "readers on",
        "nihpa author manuscripts",
        ". author manuscript",
        "published in final edited form",
        "published online",
        "published:",
        "received:",
        "received ",
        "pages ",
        "orcid icon",
        "crossref citations",
        "nenhum resultado",
        "no results",
        "recently published",
    ];
    STARTS.iter().any(|s| lower.starts_with(s))
}

// ---------------------------------------------------------------------------
// Names

/// Words that never appear in a person's name but often in affiliations,
/// venues and headings.
const NOT_NAME_WORDS: &[&str] = &[
    "university",
    "universidad",
    "universidade",
    "université",
    "universität",
    "universitat",
    "department",
    "departamento",
    "hospital",
    "institute",
    "instituto",
    "institut",
    "school",
    "college",
    "centre",
    "center",
    "faculty",
    "facultad",
    "laboratory",
    "unit",
    "research",
    "abstract",
    "introduction",
    "journal",
    "review",
    "study",
    "trial",
    "the",
    "of",
    "and",
    "for",
    "in",
    "with",
    "on",
    "from",
    "to",
    "a",
    "an",
    "is",
    "are",
    "was",
    "were",
    "this",
    "that",
    "these",
    "we",
    "our",
    "results",
    "methods",
    "background",
    "conclusion",
    "conclusions",
    "objective",
    "objectives",
    "keywords",
    "published",
    "received",
    "accepted",
    "doi",
    "pmid",
    "vol",
    "issue",
    "pages",
    "press",
    "online",
    "article",
    "open",
    "access",
    "correspondence",
    "email",
    "e-mail",
    "editor",
    "ministry",
    "foundation",
    "fundación",
    "council",
    "society",
    "association",
    "services",
    "service",
    "health",
    "medicine",
    "medical",
    "clinical",
    "public",
    "national",
    "programme",
    "program",
    "trust",
    "group",
    "practice",
    "team",
    "division",
    "section",
    "sciences",
    "science",
    "studies",
    "education",
    "management",
    "policy",
    "systems",
    "system",
    "data",
    "analysis",
    "evaluation",
    "protocol",
    "randomized",
    "randomised",
    "controlled",
    "et",
    "al",
    "al.",
    "y",
    "und",
    "der",
    "die",
    "das",
    "pour",
    "para",
    "por",
    "con",
    "sobre",
    "como",
    "what",
    "how",
    "why",
    "when",
    "use",
    "using",
    "new",
    "ltd",
    "inc",
    "gmbh",
    "press",
    "springer",
    "elsevier",
    "wiley",
    "cambridge",
    "oxford",
    "copyright",
    "license",
    "licence",
];

/// Name particles that may stand lower-case inside a name.
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "ten", "dos",
    "das", "do", "e", "y", "bin", "ibn", "al", "el", "mac", "st.",
];

fn has_cjk(s: &str) -> bool {
    s.chars().any(super::page_text::is_cjk)
}

/// Removes affiliation markers, footnote signs and inline ORCIDs around a
/// name ("Carlo Dani116*", "Smith J1,2", "Oscar Javier Mamani-Benito2  *").
fn clean_name(raw: &str) -> (String, Option<String>) {
    let orcid = ORCID_RE.captures(raw).and_then(|c| c.get(1)).and_then(|m| norm::normalize_orcid(m.as_str()));
    let mut s = URL_RE.replace_all(raw, " ").to_string();
    s = ORCID_RE.replace_all(&s, " ").to_string();
    let s = s
        .replace(['*', '†', '‡', '§', '¶', '#', '✉', '\u{a0}'], " ")
        .replace("&#x;", " ")
        .replace("ORCID Icon", " ")
        .replace("Email symbol", " ");
    let s = HONORIFIC.replace_all(&squash_ws(&s), "").to_string();
    let s = s.trim_matches(|c: char| {
        c.is_ascii_digit() || c == ',' || c == ' ' || c == ';' || c == '(' || c == ')'
    });
    // Superscript-like digits glued to the end of a word ("Mejia1", "Dani116").
    let s: String = s
        .split(' ')
        .map(|w| {
            let t = if w.chars().any(|c| c.is_ascii_digit()) {
                w.trim_end_matches(|c: char| c.is_ascii_digit() || c == ',')
            } else {
                w
            };
            if t.chars().any(char::is_alphabetic) {
                t
            } else {
                ""
            }
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (s, orcid)
}

/// True when `s` (cleaned) looks like one person's name in any common form.
fn is_person_name(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty()
        || s.chars().count() > 60
        || s.chars().any(|c| {
            c.is_ascii_digit()
                || matches!(c, '@' | '/' | ':' | '(' | ')' | '[' | ']' | '?' | '!' | '|' | '=' | '{' | '}')
        })
    {
        return false;
    }
    if has_cjk(s) {
        let letters: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        return (2..=4).contains(&letters.len())
            && letters.iter().all(|c| super::page_text::is_cjk(*c) || *c == '·');
    }
    let (fam, giv) = match s.split_once(',') {
        Some((f, g)) => (f.trim(), g.trim()),
        None => (s, ""),
    };
    let tokens: Vec<&str> = fam.split_whitespace().chain(giv.split_whitespace()).collect();
    if tokens.is_empty() || tokens.len() > 6 {
        return false;
    }
    let mut capital = 0;
    for t in &tokens {
        let lower = t.to_lowercase();
        let bare = lower.trim_matches(|c: char| !c.is_alphabetic());
        if PARTICLES.contains(&lower.as_str()) {
            continue;
        }
        if bare.chars().count() > 1 && NOT_NAME_WORDS.contains(&bare) {
            return false;
        }
        let first = t.chars().next().unwrap_or(' ');
        if !first.is_uppercase() {
            return false;
        }
        capital += 1;
        if t.chars().filter(|c| c.is_alphabetic()).count() > 20 {
            return false;
        }
        // "ChenPan" glued words: an upper-case letter after a lower-case one,
        // except Mc/Mac/O' prefixes and hyphenated parts.
        let chars: Vec<char> = t.chars().collect();
        for w in chars.windows(2) {
            if w[0].is_lowercase() && w[1].is_uppercase() {
                let prefix: String = chars.iter().take_while(|c| **c != w[1]).collect();
                if !(prefix.ends_with("Mc")
                    || prefix.ends_with("Mac")
                    || prefix.ends_with("De")
                    || prefix.ends_with("La")
                    || prefix.ends_with("Di"))
                {
                    return false;
                }
            }
        }
    }
    // One capitalised word alone is a name only in "Family, Given" form.
    capital >= 2 || (capital == 1 && !giv.is_empty())
}

fn person(raw: &str) -> Option<Author> {
    let (clean, orcid) = clean_name(raw);
    if !is_person_name(&clean) {
        return None;
    }
    let mut a = if has_cjk(&clean) {
        Author { raw: squash_ws(raw), family: clean.replace(' ', ""), ..Author::default() }
    } else {
        Author::person(&clean)
    };
    a.raw = squash_ws(raw);
    a.set_orcid(orcid);
    Some(a)
}

/// Reads an author line: "N O'Leary, F Wynne", "O'Leary N, Wynne F",
/// "Sheridan Rains, L., Johnson, S.", "Luke Sheridan Rains and Sonia Johnson",
/// "Dani, Carlo, Lista, Gianluca", names with affiliation numbers, ORCIDs or
/// footnote signs. `None` unless most parts are names.
fn parse_byline(line: &str) -> Option<Vec<Author>> {
    let mut s = squash_ws(line);
    if let Some(c) = AUTHOR_LABEL.captures(&s) {
        s = c.get(1).map_or(String::new(), |m| m.as_str().to_string());
    }
    let s = s.trim().trim_start_matches('●').trim().trim_end_matches(['.', ';', ',']).to_string();
    if s.is_empty() || s.chars().count() > 1500 {
        return None;
    }
    let s = AND_RE.replace_all(&s, ", ").to_string();
    let sep = if s.contains(';') { ';' } else { ',' };
    let parts: Vec<&str> = s.split(sep).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return None;
    }
    let cleaned: Vec<String> = parts.iter().map(|p| clean_name(p).0).collect();
    // "Family, Given, Family, Given": pair the parts up.
    if sep == ',' && cleaned.len() >= 2 && cleaned.len() % 2 == 0 {
        let pairs_ok = cleaned.chunks(2).all(|c| {
            let fam_words =
                c[0].split_whitespace().filter(|w| !PARTICLES.contains(&w.to_lowercase().as_str())).count();
            let giv_ok = !c[1].is_empty() && c[1].split_whitespace().count() <= 4;
            let initials_only = norm::given_is_initials(&c[1]);
            (fam_words == 1 || fam_words <= 3 && initials_only)
                && giv_ok
                && is_person_name(&format!("{}, {}", c[0], c[1]))
        });
        let single = cleaned.iter().step_by(2).zip(cleaned.iter().skip(1).step_by(2)).all(|(f, g)| {
            let words = f.split(' ').filter(|w| !PARTICLES.contains(&w.to_lowercase().as_str())).count();
            words == 1 || norm::given_is_initials(g) && words <= 3
        });
        let given_like = cleaned
            .iter()
            .skip(1)
            .step_by(2)
            .all(|g| g.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase)));
        if pairs_ok && single && given_like {
            let out: Vec<Author> = parts
                .chunks(2)
                .filter_map(|c| person(&format!("{}, {}", clean_name(c[0]).0, c[1])))
                .collect();
            if !out.is_empty() {
                return Some(out);
            }
        }
    }
    let mut authors: Vec<Author> = Vec::new();
    let mut names = 0;
    for p in &parts {
        if let Some(a) = person(p) {
            authors.push(a);
            names += 1;
        } else if ORG_AUTHOR.is_match(p.trim()) && p.split_whitespace().count() <= 8 {
            authors.push(Author::org(p.trim()));
            names += 1;
        } else if let Some((a, b)) = split_glued(&clean_name(p).0) {
            authors.push(a);
            authors.push(b);
            names += 1;
        }
    }
    let et_al = parts.iter().filter(|p| p.trim_end_matches('.').eq_ignore_ascii_case("et al")).count();
    let last_ok = parts.last().is_some_and(|p| {
        person(p).is_some()
            || p.trim_end_matches('.').eq_ignore_ascii_case("et al")
            || ORG_AUTHOR.is_match(p.trim())
    });
    if authors.iter().all(|a| a.is_org) {
        return None;
    }
    if names == 0 || (names + et_al) * 10 < parts.len() * 9 || !last_ok {
        return None;
    }
    Some(authors)
}

static HONORIFIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:Dr|Dra|Prof|Profa|Mr|Mrs|Ms|Mg|Lic|Ing|PD|Priv\.-Doz)\.?\s+)+").expect("static regex")
});

/// Organisation authors ("CSAW study group", "the Romio feasibility study group").
static ORG_AUTHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:group|consortium|collaboration|collaborators|investigators|committee|network|working party|task force)$").expect("static regex")
});

/// Two names glued without a separator ("Marcus JepsonKerry Avery").
fn split_glued(part: &str) -> Option<(Author, Author)> {
    if part.len() > 80 {
        return None;
    }
    let chars: Vec<(usize, char)> = part.char_indices().collect();
    for w in chars.windows(2) {
        let ((_, a), (i, b)) = (w[0], w[1]);
        if a.is_lowercase() && b.is_uppercase() {
            let (x, y) = (part.get(..i)?, part.get(i..)?);
            if let (Some(p), Some(q)) = (person(x), person(y)) {
                return Some((p, q));
            }
        }
    }
    None
}

/// Names doubled and glued by a page's markup ("Pan ChenPan Chen1,2†Yuan Feng…"):
/// the chunks between affiliation marks, each written twice, read once.
fn doubled_byline(line: &str) -> Option<Vec<Author>> {
    static MARKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\d,†*‡;]+").expect("static regex"));
    let mut out: Vec<Author> = Vec::new();
    let mut chunks = 0;
    let mut doubled = 0;
    for chunk in MARKS.split(line) {
        let c = squash_ws(chunk);
        if c.is_empty() || c.len() > 120 {
            continue;
        }
        chunks += 1;
        let chars: Vec<char> = c.chars().collect();
        let mut name = None;
        for k in 2..chars.len().saturating_sub(1) {
            let a: String = chars[..k].iter().collect();
            let b: String = chars[k..].iter().collect();
            if a.trim() == b.trim() {
                name = Some(a.trim().to_string());
                doubled += 1;
                break;
            }
        }
        let name = name.unwrap_or(c);
        if let Some(a) = person(&name) {
            if out.last().is_none_or(|l| l.raw != a.raw) {
                out.push(a);
            }
        }
    }
    (out.len() >= 3 && out.len() * 10 >= chunks * 6 && doubled * 2 >= out.len()).then_some(out)
}

static AND_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r",?\s+(?:and|And|AND|&|y|e|et|und|og|och)\s+").expect("static regex"));

// ---------------------------------------------------------------------------
// Venue, year, volume

struct VenueLine {
    venue: Option<String>,
    year: i32,
    volume: Option<String>,
    issue: Option<String>,
    pages: Option<String>,
    rule: &'static str,
}

static V_PUBMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|: )(?P<venue>[A-Z][^.;:]{1,100})\.\s*(?P<year>(?:19|20)\d\d)(?:\s+[A-Z][a-z]{2}(?:[-/][A-Z][a-z]{2})?(?:\s+\d{1,2})?)?\s*;\s*(?P<vol>[0-9A-Za-z]+)?(?:\s*\((?P<iss>[^)]{1,20})\))?(?:\s*:\s*(?P<pages>[A-Za-z]?\d[\w–-]*))?")
        .expect("static regex")
});
static V_SEMI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Published in:?\s*|Vydáno v:?\s*|Publicado en:?\s*|Erschienen in:?\s*|Synthèse\s+|In:\s*)?(?P<venue>[^\d;:,()\[\]]{2,80}?)[\s.,-]+(?P<year>(?:19|20)\d\d)(?:-\d\d)?\s*[;,]\s*(?:Vol\.?\s*)?(?P<vol>\d+[A-Za-z]?)?\s*(?:[,(]\s*(?:n°|no\.?|№)?\s*(?P<iss>[\w/-]{1,10})\s*\)?)?\s*(?:[:,]\s*(?:p\.|pp\.)?\s*(?P<pages>[A-Za-z]?\d+(?:\s*[-–]\s*\d+)?))?")
        .expect("static regex")
});
static V_YEAR_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<year>(?:19|20)\d\d),\s+(?P<venue>[^,\d]{2,80}),\s*(?:№|No\.?|Vol\.?)\s*(?P<vol>\d+)")
        .expect("static regex")
});
static V_SHORT_CITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<author>[\p{Lu}][\p{L}.' -]{1,40}?)\s+et al\.?,?\s*\(?(?P<year>(?:19|20)\d\d)\)?[.,]?\s*(?P<venue>[^\d].{1,80}?)?\.?\s*$").expect("static regex")
});
static V_VOLNO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<venue>[A-Z][^\d]{2,60}?)\s+vol\.\s*(?P<vol>\d+)\s+(?:no|núm|número|n)\.\s*(?P<iss>\d+)\b.*?\b(?P<year>(?:19|20)\d\d)\b").expect("static regex")
});
static V_HEFT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?P<venue>[\p{L} .&-]{3,60}?)\s+(?:Heft|Issue|Nr\.?|No\.?)\s+(?P<iss>[\d/]+),\s*(?P<year>\d{2}|\d{4})$").expect("static regex")
});
static V_CJK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:出处\s*)?《?(?P<venue>[\p{Han}\p{L}]{2,30}?)》?\s*[,，]?\s*(?P<year>(?:19|20)\d\d)\s*(?:年|,|，)\s*(?:第?\s*(?P<iss>\d+)\s*期|(?P<vol>\d+)\s*\((?P<iss2>\d+)\))?\s*[:：]?\s*(?P<pages>\d+(?:-\d+)?)?").expect("static regex")
});
static V_TRAILING_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<venue>[A-Z][A-Za-z. &]{2,60}),\s+(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+(?P<year>(?:19|20)\d\d)$").expect("static regex")
});
static V_BMC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bet al\.?\s+(?P<venue>[A-Z][A-Za-z .&]{1,60}?)\s+(?P<year>(?:19|20)\d\d),\s*(?P<vol>\d+):(?P<pages>[\w-]+)").expect("static regex")
});
static V_IRIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"In:\s*(?P<venue>[^.]{2,80}?)\.\s*-.*?(?P<vol>\d+)\((?P<year>(?:19|20)\d\d)\)(?:,\s*pp\.\s*(?P<pages>[\w.-]+))?").expect("static regex")
});

/// The trimmed text of group `k` of a venue-line match; `None` when empty.
fn group_text(c: &regex::Captures<'_>, k: &str) -> Option<String> {
    c.name(k).map(|m| m.as_str().trim().to_string()).filter(|s| !s.is_empty())
}

/// The `year` group of a venue-line match; two digits read as 1941-2040.
fn group_year(c: &regex::Captures<'_>) -> Option<i32> {
    let y: i32 = c.name("year")?.as_str().parse().ok()?;
    Some(match y {
        0..=40 => 2000 + y,
        41..=99 => 1900 + y,
        _ => y,
    })
}

fn venue_line(line: &str) -> Option<VenueLine> {
    let l = squash_ws(line);
    let l = match l.char_indices().nth(200) {
        Some((cut, _)) => l.get(..cut).unwrap_or("").to_string(),
        None => l,
    };
    // Simple line shapes, tried in order: (pattern, volume group, issue
    // group, pages group, rule).
    type Shape = (
        &'static LazyLock<Regex>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
    );
    let shapes: [Shape; 7] = [
        (&V_IRIS, Some("vol"), None, Some("pages"), "repository citation line"),
        (&V_PUBMED, Some("vol"), Some("iss"), Some("pages"), "journal line (MEDLINE style)"),
        (&V_BMC, Some("vol"), None, Some("pages"), "running head"),
        (&V_VOLNO, Some("vol"), Some("iss"), None, "journal line (vol. no.)"),
        (&V_YEAR_FIRST, None, Some("vol"), None, "year, journal, number"),
        (&V_HEFT, None, Some("iss"), None, "journal issue line"),
        (&V_TRAILING_DATE, None, None, None, "journal and date"),
    ];
    let group = |c: &regex::Captures<'_>, k: Option<&str>| k.and_then(|k| group_text(c, k));
    for (re, vol, iss, pages, rule) in shapes {
        if let Some(c) = re.captures(&l) {
            return Some(VenueLine {
                venue: group_text(&c, "venue"),
                year: group_year(&c)?,
                volume: group(&c, vol),
                issue: group(&c, iss),
                pages: group(&c, pages),
                rule,
            });
        }
    }
    if has_cjk(&l) {
        if let Some(c) = V_CJK.captures(&l) {
            let iss = group_text(&c, "iss").or_else(|| group_text(&c, "iss2"));
            if iss.is_some() || c.name("pages").is_some() {
                return Some(VenueLine {
                    venue: group_text(&c, "venue"),
                    year: group_year(&c)?,
                    volume: group_text(&c, "vol"),
                    issue: iss,
                    pages: group_text(&c, "pages"),
                    rule: "journal line (CJK)",
                });
            }
        }
    }
    if let Some(c) = V_SEMI.captures(&l) {
        let venue = group_text(&c, "venue")?;
        let words = venue.split_whitespace().count();
        let has_detail = c.name("vol").is_some() || c.name("pages").is_some();
        if has_detail
            && words <= 10
            && !venue.to_lowercase().contains("published")
            && venue.chars().next().is_some_and(char::is_alphabetic)
        {
            let venue = venue.trim_end_matches([' ', '-', '.', ',']).to_string();
            return Some(VenueLine {
                venue: Some(venue),
                year: group_year(&c)?,
                volume: group_text(&c, "vol"),
                issue: group_text(&c, "iss"),
                pages: group_text(&c, "pages"),
                rule: "journal line",
            });
        }
    }
    None
}

/// Dates a page labels as publication dates.
static DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:published(?: online)?(?: by [^:]{1,60})?|publicado|publié|veröffentlicht|date of publication|publication date|vydáno)\s*[:：]?\s*(?:\d{1,2}[\s.-]+)?(?:[A-Za-z]{3,9}\.?[\s.-]+)?(?:\d{1,2},?\s+)?((?:19|20)\d\d)").expect("static regex")
});
static DATE_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)publicado\s*[:：]\s*\d{1,2}-\d{1,2}-((?:19|20)\d\d)").expect("static regex")
});

// ---------------------------------------------------------------------------
// Text reading

struct Line<'a> {
    no: u32,
    text: &'a str,
}

fn read_text(input: &str, text: &str, parsed: &mut Parsed) {
    let cleaned = text.replace("\\r\\n", "\n").replace("&#x;", " ");
    let all: Vec<Line<'_>> = cleaned
        .lines()
        .enumerate()
        .map(|(i, t)| Line { no: u32::try_from(i + 1).unwrap_or(u32::MAX), text: t })
        .collect();
    let truncated = looks_truncated(text);
    if truncated {
        parsed.diagnostics.push(Diagnostic::warning(
            Provenance::new(input, all.last().map_or(0, |l| l.no), None),
            "text ends mid-way: the unfinished last field is dropped",
        ));
    }
    let lines: Vec<&Line<'_>> = all.iter().filter(|l| !l.text.trim().is_empty()).collect();
    if let Some(records) = read_listing(input, &lines, truncated) {
        parsed.records = records;
        take_notes(&mut parsed.diagnostics);
        return;
    }
    if let Some(rec) = read_page(input, &lines, &cleaned, truncated) {
        parsed.records.push(rec);
        take_notes(&mut parsed.diagnostics);
    }
}

/// True when `text` stops mid-word or mid-sentence (an excerpt cut short).
fn looks_truncated(text: &str) -> bool {
    let t = text.trim_end_matches([' ', '\t']);
    if t.ends_with('\n') {
        return false;
    }
    let last = t.chars().last().unwrap_or('.');
    !matches!(last, '.' | '!' | '?' | ')' | ']' | '}' | '"' | '”' | '。' | '>' | '|')
}

/// Numbered or bulleted items: "1. ", "[1]", "  • ", "- ".
static ITEM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(\d{1,4})[.)]\s+|\[(\d{1,4})\]\s*|[•·▪◦‣–-]\s+)(.*)$").expect("static regex")
});

/// A reference list of items after `start`, each item possibly continued on
/// following lines; lines that start new items end the previous one.
fn list_items<'a>(lines: &[&'a Line<'a>], start: usize) -> Vec<(u32, String)> {
    let mut items: Vec<(u32, String)> = Vec::new();
    for l in lines.iter().skip(start) {
        let t = squash_ws(l.text);
        if t.starts_with("DOI:") || t.starts_with("DOI ") {
            if let Some(last) = items.last_mut() {
                last.1.push(' ');
                last.1.push_str(&t);
            }
            continue;
        }
        if let Some(c) = ITEM_RE.captures(&t) {
            let body = c.get(3).map_or("", |m| m.as_str()).to_string();
            items.push((l.no, body));
        } else if is_reference_heading(&t) || is_furniture(&t) {
            continue;
        } else if t.split_whitespace().count() >= 6 && is_whole_citation(&t) {
            items.push((l.no, t));
        } else if let Some(last) = items.last_mut() {
            if last.1.len() < 600 && !t.starts_with("..") {
                last.1.push(' ');
                last.1.push_str(&t);
            }
        } else if YEAR_RE.is_match(&t) && t.split_whitespace().count() >= 5 {
            items.push((l.no, t));
        }
    }
    items
}

/// True when an unnumbered line is a whole reference on its own (authors,
/// title, a year and a source), not the continuation of the one above.
fn is_whole_citation(t: &str) -> bool {
    let c = refs::parse_free_text(t, Provenance::default());
    c.year.is_some() && c.detail().title.is_some() && (!c.authors.is_empty() || c.detail().venue.is_some())
}

/// A citation string is usable as a record: authors or a title, and a year.
fn usable(c: &Citation) -> bool {
    (c.year.is_some() || c.detail().year_note.is_some())
        && (c.detail().title.is_some() || !c.authors.is_empty())
}

/// Words that make the first sentence of a reference an organisation author.
const ORG_WORDS: &[&str] = &[
    "association",
    "organization",
    "organisation",
    "institute",
    "society",
    "council",
    "college",
    "agency",
    "department",
    "ministry",
    "committee",
    "foundation",
    "improvement",
    "group",
    "centre",
    "center",
    "board",
    "commission",
    "network",
    "alliance",
    "collaboration",
    "consortium",
    "office",
    "service",
];

/// "American Psychiatric Association. Diagnostic and statistical manual …":
/// a reference led by an organisation, read by the free-text parser as a title.
fn fix_org_led(c: &mut Citation) {
    if !c.authors.is_empty() {
        return;
    }
    let raw = c.raw.clone();
    let Some((first, rest)) = raw.split_once(". ") else { return };
    let words: Vec<&str> = first.split_whitespace().collect();
    let org = words.len() <= 8
        && words.iter().all(|w| {
            w.starts_with(|ch: char| ch.is_uppercase()) || matches!(*w, "of" | "for" | "and" | "on" | "the")
        })
        && words.iter().any(|w| ORG_WORDS.contains(&w.to_lowercase().as_str()));
    if !org {
        return;
    }
    c.authors = vec![Author::org(first.trim())];
    let title_end = rest.find(". ").or_else(|| rest.find(" [")).unwrap_or(rest.len());
    let title = rest.get(..title_end).unwrap_or("").trim().trim_end_matches('.').to_string();
    if !title.is_empty() {
        c.detail_mut().title = Some(title);
    }
}

/// True when the text was cut inside the title (nothing follows it).
fn title_cut(c: &Citation) -> bool {
    c.detail().title.as_deref().is_some_and(|t| {
        let raw = c.raw.trim_end();
        raw.ends_with(t.trim_end_matches('.'))
            || c.raw.find(t).is_some_and(|p| c.raw.get(p + t.len()..).is_some_and(|r| r.trim().len() < 2))
    })
}

fn record_from_citation(input: &str, c: &Citation, line: u32, key: String, rule: &'static str) -> Record {
    let mut rec = Record::new(Provenance::new(input, line, Some(key.clone())), KIND);
    let mut found = Found::default();
    let mut c = c.clone();
    fix_org_led(&mut c);
    // "Carney RM, Freedland KE. Depression and …" read without a year: the
    // last author taken for the title.
    if let Some(t) =
        c.detail().title.clone().filter(|t| person(t).is_some() && t.split_whitespace().count() <= 3)
    {
        if let Some(after) = c.raw.split_once(&format!("{t}. ")).map(|(_, r)| r.to_string()) {
            if let Some(a) = person(&t) {
                c.authors.push(a);
            }
            let end = after.find(". ").unwrap_or(after.len());
            c.detail_mut().title =
                Some(after.get(..end).unwrap_or("").trim().to_string()).filter(|x| !x.is_empty());
        }
    }
    rec.title = c
        .detail()
        .title
        .clone()
        .map(|t| t.trim_end_matches('.').to_string())
        .filter(|t| !t.eq_ignore_ascii_case("et al"));
    if rec.title.is_some() {
        found.add("title", rule, 0.8);
    }
    rec.authors = c.authors.clone();
    if !rec.authors.is_empty() {
        found.add("authors", rule, 0.8);
    }
    for id in &c.ids {
        rec.add_id(id.clone());
        found.add("doi", rule, 0.9);
    }
    if let Some(y) = c.year {
        rec.published = Some(crate::model::Date::year(y));
        found.add("year", rule, 0.85);
    }
    rec.venue_abbrev = c.detail().venue.clone();
    rec.volume = c.detail().volume.clone();
    rec.issue = c.detail().issue.clone();
    rec.pages = c.detail().first_page.clone();
    rec.mark_missing();
    if let Some(d) = found.note(input, line, Some(key)) {
        PENDING_NOTE.with(|p| p.borrow_mut().push(d));
    }
    rec
}

/// Several records on one page: a list of citation strings that no page
/// record heads, blocks of title + author line, or "X et al., 2019, Venue."
/// lines.
fn read_listing(input: &str, lines: &[&Line<'_>], truncated: bool) -> Option<Vec<Record>> {
    // 1. Short citation lines, each perhaps under its title line.
    let short: Vec<usize> =
        (0..lines.len()).filter(|&i| V_SHORT_CITE.is_match(&squash_ws(lines[i].text))).collect();
    if short.len() >= 3 {
        let mut out = Vec::new();
        for (n, &i) in short.iter().enumerate() {
            let t = squash_ws(lines[i].text);
            let Some(c) = V_SHORT_CITE.captures(&t) else { continue };
            let key = (n + 1).to_string();
            let mut rec = Record::new(Provenance::new(input, lines[i].no, Some(key.clone())), KIND);
            let mut found = Found::default();
            if let Some(a) = c.name("author").and_then(|m| person(m.as_str())) {
                rec.authors.push(a);
                found.add("authors", "short citation line", 0.7);
            }
            if let Some(y) = c.name("year").and_then(|m| m.as_str().parse().ok()) {
                rec.published = Some(crate::model::Date::year(y));
                found.add("year", "short citation line", 0.85);
            }
            rec.venue = c.name("venue").map(|m| m.as_str().trim().to_string());
            if i > 0 {
                let prev = squash_ws(lines[i - 1].text);
                let prev_is_cite = n > 0 && short[n - 1] == i - 1;
                if !prev_is_cite
                    && title_like(&prev) > 0
                    && !is_furniture(&prev)
                    && prev.split_whitespace().count() >= 5
                {
                    rec.title = Some(prev.trim_end_matches('.').trim().to_string());
                    found.add("title", "line above short citation", 0.75);
                }
            }
            rec.mark_missing();
            if let Some(d) = found.note(input, lines[i].no, Some(key)) {
                PENDING_NOTE.with(|p| p.borrow_mut().push(d));
            }
            out.push(rec);
        }
        return Some(out);
    }
    // 2. Title + author-line blocks ("Authors: ..." or a byline under a title).
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    for i in 1..lines.len() {
        let t = squash_ws(lines[i].text);
        if ITEM_RE.is_match(&t) || ITEM_RE.is_match(lines[i - 1].text) {
            continue;
        }
        let labelled = AUTHOR_LABEL.is_match(&t) && t.contains(',');
        let Some(names) = parse_byline(&t) else { continue };
        if names.len() < 2 && !labelled {
            continue;
        }
        let prev = squash_ws(lines[i - 1].text);
        if title_like(&prev) >= 2 && parse_byline(&prev).is_none() {
            blocks.push((i - 1, i));
        }
    }
    let spread = blocks.windows(2).all(|w| w[1].0 > w[0].1 + 1);
    if blocks.len() >= 2 && spread {
        let mut out = Vec::new();
        for (n, &(ti, ai)) in blocks.iter().enumerate() {
            let end = blocks.get(n + 1).map_or(lines.len(), |b| b.0);
            let key = (n + 1).to_string();
            let mut rec = Record::new(Provenance::new(input, lines[ti].no, Some(key.clone())), KIND);
            let mut found = Found::default();
            rec.title = Some(squash_ws(lines[ti].text).trim_end_matches('.').to_string());
            found.add("title", "title above author line", 0.8);
            rec.authors = parse_byline(lines[ai].text).unwrap_or_default();
            found.add("authors", "author line", 0.85);
            // Identifiers and venue/year inside the block, and the line above the title.
            let from = if ti > 0 { ti - 1 } else { ti };
            for l in lines.iter().take(end).skip(from) {
                let t = squash_ws(l.text);
                for id in ids_in_line(&t) {
                    rec.add_id(id);
                    found.add("ids", "identifier in block", 0.9);
                }
                if rec.published.is_none() {
                    if let Some(v) = venue_line(&t) {
                        rec.published = Some(crate::model::Date::year(v.year));
                        rec.venue = v.venue;
                        found.add("year", v.rule, 0.8);
                    } else if let Some(y) =
                        SUBMITTED.captures(&t).and_then(|c| c.get(1)).and_then(|m| m.as_str().parse().ok())
                    {
                        rec.published = Some(crate::model::Date::year(y));
                        found.add("year", "submitted date", 0.7);
                    }
                }
            }
            rec.mark_missing();
            if let Some(d) = found.note(input, lines[ti].no, Some(key)) {
                PENDING_NOTE.with(|p| p.borrow_mut().push(d));
            }
            out.push(rec);
        }
        return Some(out);
    }
    // 3. A list of citation strings (numbered, bulleted, or one per line under
    // a reference heading) with no page record above it.
    let heading = lines.iter().position(|l| is_reference_heading(l.text));
    let numbered = lines.iter().position(|l| ITEM_RE.is_match(l.text));
    let first_item = match (heading, numbered) {
        (Some(h), _) => h + 1,
        (None, Some(n)) => n,
        (None, None) => return None,
    };
    let head_end = heading.unwrap_or(first_item);
    let head_has_record = lines.iter().take(head_end).any(|l| {
        let t = squash_ws(l.text);
        !is_furniture(&t) && title_like(&t) >= 3 && !usable(&refs::parse_free_text(&t, Provenance::default()))
    });
    if head_has_record {
        return None;
    }
    let items = list_items(lines, first_item);
    let cites: Vec<(u32, Citation)> = items
        .iter()
        .map(|(no, t)| (*no, refs::parse_free_text(t, Provenance::new(input, *no, None))))
        .collect();
    let good = cites.iter().filter(|(_, c)| usable(c)).count();
    if good < 2 || good * 10 < cites.len() * 6 {
        return None;
    }
    let n = cites.len();
    let out = cites
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| usable(c) || !c.authors.is_empty())
        .map(|(i, (no, c))| {
            let mut c = c.clone();
            if truncated && i + 1 == n && title_cut(&c) {
                if let (Some(t), Some(y)) = (&c.detail().title, c.year) {
                    if t.contains(&y.to_string()) {
                        c.year = None;
                    }
                }
                c.detail_mut().title = None;
            }
            record_from_citation(input, &c, *no, (i + 1).to_string(), "citation string in list")
        })
        .collect();
    Some(out)
}

static SUBMITTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^submitted\s+\d{1,2}\s+[A-Za-z]+,?\s+((?:19|20)\d\d)").expect("static regex")
});

/// Identifiers written in one line (outside reference lists).
fn ids_in_line(t: &str) -> Vec<Identifier> {
    let mut out = Vec::new();
    let unescaped = t.replace("\\/", "/");
    for m in DOI_RE.find_iter(&unescaped) {
        if let Some(d) = Identifier::doi(m.as_str().trim_end_matches([')', '.', ','])) {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    for c in PMID_RE.captures_iter(t) {
        if let Some(id) = c.get(1).and_then(|m| Identifier::pmid(m.as_str())) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    for m in PMCID_RE.find_iter(t) {
        let id = Identifier::Pmcid(m.as_str().to_string());
        if !out.contains(&id) {
            out.push(id);
        }
    }
    for c in ARXIV_RE.captures_iter(t) {
        if let Some(m) = c.get(1) {
            out.push(Identifier::Arxiv(m.as_str().to_string()));
        }
    }
    for c in ISBN_RE.captures_iter(t) {
        if let Some(isbn) = c.get(1).and_then(|m| valid_isbn(m.as_str())) {
            let id = Identifier::Isbn(isbn);
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

fn valid_isbn(raw: &str) -> Option<String> {
    let d: String = raw
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .collect::<String>()
        .to_uppercase();
    let ok = match d.len() {
        10 => {
            let sum: u32 = d
                .chars()
                .enumerate()
                .map(|(i, c)| (10 - i as u32) * if c == 'X' { 10 } else { c.to_digit(10).unwrap_or(0) })
                .sum();
            sum % 11 == 0
        }
        13 => {
            let sum: u32 = d
                .chars()
                .enumerate()
                .map(|(i, c)| c.to_digit(10).unwrap_or(0) * if i % 2 == 0 { 1 } else { 3 })
                .sum();
            sum % 10 == 0
        }
        _ => false,
    };
    ok.then_some(d)
}

/// How much a line looks like a title (0: not at all).
/// Words that mark an affiliation line.
const AFFILIATION_WORDS: &[&str] = &[
    "university",
    "universidad",
    "universidade",
    "université",
    "universität",
    "universitat",
    "università",
    "department",
    "departamento",
    "département",
    "hospital",
    "institute",
    "instituto",
    "institut",
    "school",
    "college",
    "centre",
    "center",
    "centro",
    "faculty",
    "facultad",
    "faculdade",
    "laboratory",
    "clinic",
    "practice",
    "pct",
    "nhs",
    "ministry",
    "foundation",
    "fundación",
    "unidad",
    "escuela",
    "servicio",
    "universiteit",
    "hôpital",
    "klinik",
    "zentrum",
];

/// True when `t` reads as an affiliation ("Harbourside Family Practice, North Somerset PCT, Bristol, UK").
fn looks_like_affiliation(t: &str) -> bool {
    let lower = t.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect();
    let inst = words.iter().any(|w| AFFILIATION_WORDS.contains(w));
    let proper_phrase = words.first().is_some_and(|w| AFFILIATION_WORDS.contains(w))
        && t.split_whitespace().all(|w| {
            w.starts_with(|c: char| c.is_uppercase())
                || PARTICLES.contains(&w)
                || matches!(w, "of" | "for" | "and" | "&")
        });
    inst && (t.contains(',') || t.starts_with(|c: char| c.is_ascii_digit())) || proper_phrase
}

/// Field labels that start a catalogue or metadata line ("Vydáno v:Nature …").
const FIELD_LABELS: &[&str] = &[
    "published in",
    "vydáno v",
    "vydáno",
    "hlavní autoři",
    "main authors",
    "format",
    "language",
    "jazyk",
    "subjects",
    "témata",
    "médium",
    "publicado",
    "publicado en",
    "idioma",
    "lenguaje",
    "materias",
    "formato",
    "autores principales",
    "issn",
    "isbn",
    "doi",
    "pmid",
    "pmcid",
    "copyright",
    "license",
    "licence",
    "type",
    "editor",
    "received",
    "accepted",
    "enviado",
    "aceptado",
    "revisado",
    "publisher",
    "journal",
    "authors",
    "author",
    "affiliation",
    "affiliations",
    "correspondence",
    "citation",
    "keywords",
    "online access",
    "tags",
    "saved in",
    "uloženo v",
];

fn is_label_line(t: &str) -> bool {
    let Some((head, rest)) = t.split_once([':', '：']) else { return false };
    let head_l = head.trim().to_lowercase();
    if FIELD_LABELS.contains(&head_l.as_str()) {
        return true;
    }
    // A label glued to its value ("Vydáno v:Nature"), short.
    head.split_whitespace().count() <= 3
        && rest.starts_with(|c: char| c.is_alphabetic())
        && !head.trim().is_empty()
}

fn title_like(t: &str) -> i32 {
    let t = t.trim();
    if ISO_DATE.is_match(t) || looks_like_affiliation(t) || is_label_line(t) || DOI_RE.is_match(t) {
        return 0;
    }
    if t.ends_with("...") || t.ends_with('…') || t.matches([':', '：']).count() >= 2 {
        return 0;
    }
    if AFTER_ABSTRACT.contains(&lower_trim(t).as_str()) {
        return 0;
    }
    if t.is_empty() || is_furniture(t) || URL_RE.is_match(t) && t.split_whitespace().count() < 3 {
        return 0;
    }
    let lower = t.to_lowercase();
    if is_abstract_heading_line(t) || is_reference_heading(t) || KEYWORD_LABEL.is_match(t) {
        return 0;
    }
    if SECTION_LABELS.iter().any(|l| lower.trim_end_matches([':', '.']) == l.to_lowercase()) {
        return 0;
    }
    if venue_line(t).is_some() || DOI_RE.is_match(t) && t.split_whitespace().count() < 4 {
        return 0;
    }
    let first = t.chars().next().unwrap_or(' ');
    if first.is_lowercase()
        || matches!(first, '(' | '[' | ',' | ';' | ':' | '*' | '©' | '@' | '{' | '<' | '|' | '…' | '.')
    {
        return 0;
    }
    if t.split_whitespace().count() <= 4 {
        let chars: Vec<char> = t.chars().collect();
        if chars.windows(2).any(|w| w[0].is_lowercase() && w[1].is_uppercase())
            && !t.contains("Mc")
            && !t.contains("Mac")
        {
            return 0;
        }
    }
    if t.starts_with('《') && t.ends_with('》') {
        return 0;
    }
    if has_cjk(t) {
        let n = t.chars().filter(|c| c.is_alphabetic() && super::page_text::is_cjk(*c)).count();
        return if (8..=80).contains(&n) && !t.contains('。') { 3 } else { 0 };
    }
    let words = t.split_whitespace().count();
    if !(3..=45).contains(&words) {
        return if words == 2 && first.is_uppercase() { 1 } else { 0 };
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if digits * 4 > t.len() {
        return 0;
    }
    let mut score = 2;
    if (5..=30).contains(&words) {
        score += 1;
    }
    // Prose sentences end with a full stop and run long.
    if t.ends_with('.') && words > 22 && !t.contains(':') && !t.contains('(') {
        score -= 2;
    }
    if words >= 8 {
        score += 1;
    }
    if lower.starts_with("the purpose") || lower.starts_with("this ") || lower.starts_with("we ") {
        score -= 2;
    }
    score.max(0)
}

/// The page's own citation string ("Citation", "Cite this article", "Citar como:",
/// "/ C. Dani, G. Lista ... - In: TRIALS").
static OWN_CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:cite (?:this article )?as|cite this article|cite this|citation|citar como|como citar|cómo citar|pour citer|zitierweise|how to cite(?: this article)?)\s*[:：]?\s*(.*)$").expect("static regex")
});

struct Head {
    title: Option<(String, &'static str, f32, usize)>,
    alt: Vec<String>,
}

fn read_page(input: &str, lines: &[&Line<'_>], _text: &str, truncated: bool) -> Option<Record> {
    if lines.is_empty() {
        return None;
    }
    let at_line = lines[0].no;
    let mut rec = Record::new(Provenance::new(input, at_line, None), KIND);
    let mut found = Found::default();
    let texts: Vec<String> = lines.iter().map(|l| squash_ws(l.text)).collect();

    // Zones: the reference list starts at a reference heading.
    let ref_start = texts.iter().position(|t| is_reference_heading(t)).unwrap_or(texts.len());
    let abs_start = texts.iter().position(|t| is_abstract_heading_line(t) || ABSTRACT_INLINE.is_match(t));

    // Identifiers outside the reference list.
    let mut doi_line = None;
    for (i, t) in texts.iter().enumerate().take(ref_start) {
        if ITEM_RE.is_match(t) && refs::parse_free_text(t, Provenance::default()).year.is_some() && i > 3 {
            continue;
        }
        // "PMID:" on one line, the number on the next.
        let joined;
        let t = if matches!(lower_trim(t).as_str(), "pmid" | "pmcid" | "doi") {
            joined = format!("{t} {}", texts.get(i + 1).map_or("", String::as_str));
            &joined
        } else {
            t
        };
        for id in ids_in_line(t) {
            if matches!(id, Identifier::Doi(_)) {
                if rec.doi().is_some() {
                    continue;
                }
                doi_line.get_or_insert(i);
                found.add("doi", "doi in page head", if i < 40 { 0.9 } else { 0.7 });
            } else {
                found.add(id.scheme_field(), "identifier in page", 0.9);
            }
            rec.add_id(id);
        }
    }

    // The page's own citation string.
    let mut own: Option<Citation> = None;
    for (i, t) in texts.iter().enumerate().take(ref_start.min(60)) {
        let body = if let Some(c) = OWN_CITATION.captures(t) {
            let rest = c.get(1).map_or("", |m| m.as_str()).trim().to_string();
            if rest.is_empty() {
                texts.get(i + 1).cloned().unwrap_or_default()
            } else {
                rest
            }
        } else if let Some(pos) = t.find(" / ") {
            // Repository style: "Title / A. Author, B. Author. - In: VENUE ..."
            if t.contains(" - In: ") {
                let title = t.get(..pos).unwrap_or("").trim().to_string();
                let rest = t.get(pos + 3..).unwrap_or("");
                let authors_part = rest.split(". - ").next().unwrap_or("");
                let mut c = Citation { raw: t.clone(), count: 1, ..Citation::default() };
                c.detail_mut().title = Some(title);
                c.authors = authors_part.split(", ").filter_map(person).collect();
                if let Some(v) = venue_line(t) {
                    c.year = Some(v.year);
                    c.detail_mut().venue = v.venue;
                }
                own = Some(c);
                break;
            }
            continue;
        } else {
            continue;
        };
        let c = refs::parse_free_text(&body, Provenance::new(input, lines[i].no, None));
        if usable(&c) {
            own = Some(c);
            break;
        }
    }

    // Title.
    let head = find_title(&texts, abs_start, ref_start, own.as_ref(), truncated);
    if let Some((t, rule, conf, _)) = &head.title {
        rec.title = Some(t.clone());
        found.add("title", rule, *conf);
    }
    for a in head.alt {
        rec.alt_titles.push((guess_language(&a), a));
    }
    let title_idx = head.title.as_ref().map(|h| h.3);

    // Authors.
    let mut author_conf = 0.0;
    if let Some((authors, rule, conf)) = find_authors(&texts, title_idx, abs_start, ref_start) {
        rec.authors = authors;
        found.add("authors", rule, conf);
        author_conf = conf;
    }
    if let Some(c) = &own {
        if rec.authors.len() < c.authors.len() && c.authors.len() >= 2
            || author_conf < 0.8 && !c.authors.is_empty()
        {
            rec.authors = c.authors.clone();
            found.add("authors", "page citation string", 0.8);
        } else if !c.authors.is_empty() {
            // The citation tells where family names start ("Malave González BE").
            for a in rec.authors.iter_mut() {
                if let Some(b) = c.authors.iter().find(|b| {
                    norm::family_key(&a.family).ends_with(&norm::family_key(&b.family))
                        || norm::family_key(&b.family).ends_with(&norm::family_key(&a.family))
                }) {
                    if b.family.len() > a.family.len() && a.raw.contains(b.family.as_str()) {
                        let full = a.raw.clone();
                        let given = full.split(b.family.as_str()).next().unwrap_or("").trim().to_string();
                        a.family = b.family.clone();
                        a.given = given;
                    }
                }
            }
        }
    }

    // Venue and year.
    let limit = ref_start.min(texts.len());
    for (i, t) in texts.iter().enumerate().take(limit) {
        if abs_start.is_some_and(|a| i > a + 1) && i > 40 {
            break;
        }
        let candidate = if rec.published.is_none() { venue_line(t) } else { None };
        if let Some(v) = candidate {
            if V_SHORT_CITE.is_match(t) {
                continue;
            }
            rec.published = Some(crate::model::Date::year(v.year));
            found.add("year", v.rule, 0.85);
            if let Some(venue) = v.venue {
                let venue = venue.trim().trim_end_matches([',', '.', '-']).trim().to_string();
                if !venue.is_empty() {
                    rec.venue = Some(venue);
                    found.add("venue", v.rule, 0.8);
                }
            }
            rec.volume = v.volume;
            rec.issue = v.issue;
            rec.pages = v.pages;
        }
    }
    if rec.venue.is_none() {
        // "Published in\nTrials, June 2016" and similar two-line forms.
        for (i, t) in texts.iter().enumerate().take(limit) {
            if lower_trim(t) == "published in" {
                if let Some(next) = texts.get(i + 1) {
                    let venue = next.split(',').next().unwrap_or("").trim().to_string();
                    if !venue.is_empty() {
                        rec.venue = Some(venue);
                        found.add("venue", "published-in label", 0.8);
                    }
                    if rec.published.is_none() {
                        if let Some(y) = YEAR_RE
                            .captures(next)
                            .and_then(|c| c.get(1))
                            .and_then(|m| m.as_str().parse().ok())
                        {
                            rec.published = Some(crate::model::Date::year(y));
                            found.add("year", "published-in label", 0.8);
                        }
                    }
                }
            }
        }
    }
    if rec.published.is_none() {
        if let Some(c) = &own {
            if let Some(y) = c.year {
                rec.published = Some(crate::model::Date::year(y));
                found.add("year", "page citation string", 0.85);
            }
            if rec.venue.is_none() {
                rec.venue.clone_from(&c.detail().venue);
            }
        }
    }
    if rec.published.is_none() {
        for t in texts.iter().take(limit) {
            let y = DATE_DMY
                .captures(t)
                .or_else(|| DATE_LABEL.captures(t))
                .and_then(|c| c.get(1))
                .and_then(|m| m.as_str().parse().ok());
            if let Some(y) = y {
                rec.published = Some(crate::model::Date::year(y));
                found.add("year", "publication date label", 0.75);
                break;
            }
        }
    }
    if rec.published.is_none() {
        // Catalogue labels ("Vydáno: London … 24.08.2023", "Publicado: BioMed Central 2013"),
        // a CJK year ("2017年第11期"), a year alone on its line, a copyright year.
        let rules: [(&Regex, &'static str, f32); 4] = [
            (&LABELLED_YEAR, "publication label", 0.7),
            (&CJK_YEAR, "year in CJK issue line", 0.7),
            (&LONE_YEAR, "year alone on a line", 0.6),
            (&COPYRIGHT_YEAR, "copyright year", 0.5),
        ];
        'rules: for (re, rule, conf) in rules {
            for t in texts.iter().take(limit.min(60)) {
                if let Some(y) = re.captures(t).and_then(|c| c.get(1)).and_then(|m| m.as_str().parse().ok()) {
                    rec.published = Some(crate::model::Date::year(y));
                    found.add("year", rule, conf);
                    break 'rules;
                }
            }
        }
    }
    if rec.published.is_none() {
        // A date or year right beside the byline ("2022-10-14 23:44曹新阳…", "F. Mosca;\n2013").
        for t in texts.iter().take(limit.min(12)) {
            if let Some(d) = ISO_DATE.captures(t).and_then(|c| c.get(1)).and_then(|m| parse_date(m.as_str()))
            {
                rec.published = Some(crate::model::Date::year(d.year));
                found.add("year", "date in page head", 0.6);
                break;
            }
        }
    }

    // Abstract.
    if let Some(a) = abs_start {
        let mut paras: Vec<String> = Vec::new();
        let first = &texts[a];
        let inline = ABSTRACT_INLINE.captures(first).and_then(|c| c.get(1)).map(|m| m.as_str().to_string());
        if let Some(rest) = inline.filter(|r| !r.trim().is_empty()) {
            paras.push(rest);
        }
        for t in texts.iter().skip(a + 1) {
            if is_reference_heading(t)
                || AFTER_ABSTRACT.contains(&lower_trim(t).as_str())
                || KEYWORD_LABEL.is_match(t)
                || is_abstract_heading_line(t) && !paras.is_empty()
            {
                break;
            }
            if is_furniture(t) {
                continue;
            }
            if paras.iter().map(String::len).sum::<usize>() > 8000 {
                break;
            }
            paras.push(t.clone());
        }
        if truncated {
            if let Some(last) = paras.last_mut() {
                // Keep complete sentences only.
                match last.char_indices().rfind(|(_, c)| matches!(c, '.' | '!' | '?' | '。')) {
                    Some((p, c)) => last.truncate(p + c.len_utf8()),
                    None => {
                        paras.pop();
                    }
                }
            }
        }
        // Join a bare heading line ("Background") with the paragraph after it.
        let mut joined: Vec<String> = Vec::new();
        let mut pending: Option<String> = None;
        for p in paras {
            let bare =
                SECTION_LABELS.iter().any(|l| p.trim_end_matches([':', '.', '：']).eq_ignore_ascii_case(l));
            if bare {
                if let Some(h) = pending.take() {
                    joined.push(h);
                }
                pending = Some(p.trim_end_matches([':', '.', '：']).to_string());
                continue;
            }
            match pending.take() {
                Some(h) => joined.push(format!("{h}: {p}")),
                None => joined.push(p),
            }
        }
        let text = structure_abstract(&joined);
        if text.split_whitespace().count() >= 8
            || text.chars().filter(|c| super::page_text::is_cjk(*c)).count() >= 30
        {
            rec.abstract_text = Some(text);
            found.add("abstract", "abstract heading", 0.85);
        }
    }

    // Keywords.
    for t in texts.iter().take(limit) {
        if let Some(c) = KEYWORD_LABEL.captures(t) {
            let rest = c.get(1).map_or("", |m| m.as_str());
            let sep: &[char] = if rest.contains(';') {
                &[';']
            } else if rest.contains(" - ") {
                &['-']
            } else {
                &[',']
            };
            rec.keywords = rest
                .split(sep)
                .map(|k| squash_ws(k).trim_end_matches('.').trim().to_string())
                .filter(|k| !k.is_empty() && k.chars().count() < 80)
                .collect();
            if !rec.keywords.is_empty() {
                found.add("keywords", "keyword label", 0.9);
                break;
            }
        }
    }

    // Language.
    let sample =
        format!("{} {}", rec.title.as_deref().unwrap_or(""), rec.abstract_text.as_deref().unwrap_or(""));
    rec.language = guess_language(&sample).or_else(|| guess_latin_language(&sample));
    if rec.language.is_some() {
        found.add("language", "letters and common words", 0.6);
    }

    // References and callouts.
    if ref_start < texts.len() {
        let items = list_items(lines, ref_start + 1);
        let n = items.len();
        for (i, (no, t)) in items.iter().enumerate() {
            let mut c = refs::parse_free_text(t, Provenance::new(input, *no, None));
            if truncated && i + 1 == n && c.year.is_none() {
                continue;
            }
            if truncated && i + 1 == n && c.detail().venue.is_none() {
                c.detail_mut().title = None;
            }
            if usable(&c) || !c.ids.is_empty() {
                rec.citations.push(c);
            }
        }
        if !rec.citations.is_empty() {
            found.add("citations", "reference list", 0.85);
        }
    }
    let body_start = abs_start.map_or(0, |a| a + 1);
    let body: String = texts.iter().take(ref_start).skip(body_start).cloned().collect::<Vec<_>>().join("\n");
    let line_offset = lines.get(body_start).map_or(0, |l| l.no.saturating_sub(1));
    let callouts = super::callouts::extract(input, &body, line_offset);
    if !callouts.is_empty() {
        found.add("callouts", "author-year callouts", 0.75);
        rec.citations.extend(callouts);
    }

    let usable_record = rec.title.is_some()
        || !rec.ids.is_empty()
        || !rec.authors.is_empty()
        || !rec.citations.is_empty()
        || rec.published.is_some() && rec.venue.is_some()
        || rec.abstract_text.is_some();
    if !usable_record {
        return None;
    }
    rec.mark_missing();
    if let Some(d) = found.note(input, at_line, None) {
        PENDING_NOTE.with(|p| p.borrow_mut().push(d));
    }
    Some(rec)
}

static ABSTRACT_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:ABSTRACT|Abstract|Summary|SUMMARY|RÉSUMÉ|Résumé|RESUMEN|Resumen|RESUMO|Resumo|Zusammenfassung|摘要|摘\s要)\s*[:：.]\s*(.{20,})$").expect("static regex")
});
static LABELLED_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:vydáno|publicado|published|erschienen|année|year|año|jahr|publication year|date of publication)\s*[:：].{0,80}?\b((?:19|20)\d\d)\b").expect("static regex")
});
static CJK_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^((?:19|20)\d\d)\s*年\s*(?:第|\d)").expect("static regex"));
static LONE_YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^((?:19|20)\d\d)$").expect("static regex"));
static COPYRIGHT_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"©\s*((?:19|20)\d\d)\b").expect("static regex"));
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^((?:19|20)\d\d-\d\d-\d\d)").expect("static regex"));

fn guess_latin_language(s: &str) -> Option<String> {
    let words: Vec<String> =
        s.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    if words.len() < 5 {
        return None;
    }
    let count = |list: &[&str]| words.iter().filter(|w| list.contains(&w.as_str())).count();
    let scores = [
        ("es", count(&["el", "los", "las", "del", "una", "para", "con", "que", "por", "se", "y", "en"])),
        ("pt", count(&["os", "das", "dos", "uma", "para", "com", "que", "não", "em", "e", "da", "do"])),
        ("fr", count(&["le", "les", "des", "une", "pour", "avec", "que", "est", "et", "du", "la", "dans"])),
        ("de", count(&["der", "die", "das", "und", "ein", "eine", "mit", "für", "ist", "von", "zu", "im"])),
        ("en", count(&["the", "of", "and", "to", "in", "is", "for", "with", "that", "on", "are", "was"])),
    ];
    let best = scores.iter().max_by_key(|(_, n)| *n)?;
    (best.1 * 20 >= words.len()).then(|| best.0.to_string())
}

/// Finds the title: a labelled title, the page's own citation title, or the
/// best heading-like line before the abstract (best right above the byline).
fn find_title(
    texts: &[String],
    abs_start: Option<usize>,
    ref_start: usize,
    own: Option<&Citation>,
    truncated: bool,
) -> Head {
    let mut head = Head { title: None, alt: Vec::new() };
    for (i, t) in texts.iter().enumerate().take(ref_start.min(80)) {
        if let Some(c) = TITLE_LABEL.captures(t) {
            let v = c.get(1).map_or("", |m| m.as_str()).trim().to_string();
            head.title = Some((clean_title(&v), "title label", 0.95, i));
            return head;
        }
        if lower_trim(t) == "title" {
            if let Some(next) = texts.get(i + 1).filter(|n| title_like(n) > 0) {
                head.title = Some((clean_title(next), "title label", 0.95, i + 1));
                return head;
            }
        }
    }
    let own_title = own.and_then(|c| c.detail().title.clone()).map(|t| clean_title(&t));
    let end = abs_start.unwrap_or(ref_start).min(ref_start).min(80);
    let search_end = if end < 2 { ref_start.min(80) } else { end };
    let mut best: Option<(i32, usize, String)> = None;
    for i in 0..search_end {
        let t = &texts[i];
        if truncated && i + 1 == texts.len() {
            // The last line of a cut text is unfinished.
            continue;
        }
        let base = title_like(t);
        let byline = parse_byline(t).is_some_and(|a| {
            a.len() >= 2
                || !has_cjk(t)
                    && t.split_whitespace().count() <= 3
                    && !t.starts_with(|c: char| c.is_ascii_digit())
        });
        if base == 0 || byline {
            continue;
        }
        // The value under a field label ("Publisher" / "Springer …") is not a title.
        if i > 0 && FIELD_LABELS.contains(&lower_trim(&texts[i - 1]).as_str()) {
            continue;
        }
        // The content under a section label ("Key PointsQuestion" / "Which …?").
        if i > 0 {
            let prev = texts[i - 1].to_lowercase();
            let short = prev.split_whitespace().count() <= 4;
            if short
                && [
                    "question",
                    "findings",
                    "meaning",
                    "importance",
                    "objective",
                    "background",
                    "methods",
                    "results",
                    "conclusions",
                    "purpose",
                ]
                .iter()
                .any(|l| prev.trim_end_matches([':', '.']).ends_with(l))
            {
                continue;
            }
        }
        let mut score = base * 2;
        // A MEDLINE-style citation block: journal line, then the title.
        if i > 0 && venue_line(&texts[i - 1]).is_some() {
            score += 3;
        }
        let mut cand = t.clone();
        // A title broken over two lines: the next line continues in lower case.
        if let Some(next) = texts.get(i + 1) {
            if next.starts_with(|c: char| c.is_lowercase())
                && !t.ends_with(['.', ':', '?'])
                && next.split_whitespace().count() <= 20
            {
                cand = format!("{t} {next}");
            }
        }
        // Above an author line.
        let below = texts
            .iter()
            .skip(i + 1)
            .take(3)
            .position(|n| parse_byline(n).is_some_and(|a| !a.is_empty()) || numbered_author(n).is_some());
        if let Some(p) = below {
            score += 6 - p as i32;
        }
        if let Some(o) = &own_title {
            if norm::title_key(o) == norm::title_key(&cand) {
                score += 8;
            }
        }
        // "Title - Other title - Site": the first part when it stands elsewhere too.
        if let Some((first, _)) = cand.split_once(" - ") {
            let first = first.trim();
            let whole_elsewhere = texts.iter().enumerate().any(|(j, x)| j != i && x.contains(cand.as_str()));
            if !whole_elsewhere
                && first.split_whitespace().count() >= 3
                && texts.iter().enumerate().any(|(j, x)| j != i && x.contains(first))
            {
                cand = first.to_string();
                score += 2;
            }
        }
        // Repeated lines are headings of the page (title repeated in a breadcrumb or header).
        let repeats = texts.iter().filter(|x| *x == t).count();
        if repeats > 1 {
            score += 2;
        }
        if abs_start.is_some_and(|a| i + 1 == a) {
            score -= 1;
        }
        if i < 3 {
            score += 1;
        }
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, i, cand));
        }
    }
    // After the abstract: "Free full text" readers put the title below it.
    if best.as_ref().is_none_or(|b| b.0 < 7) {
        if let Some(a) = abs_start {
            for i in a + 1..ref_start.min(texts.len()).min(a + 60) {
                let t = &texts[i];
                if texts[i - 1].to_lowercase().ends_with("full text") && title_like(t) >= 2 {
                    best = Some((20, i, t.clone()));
                    break;
                }
            }
        }
    }
    match (best, own_title) {
        (Some((score, i, cand)), _) if score >= 5 => {
            let rule = if score >= 10 { "heading above author line" } else { "heading-like line" };
            let conf = if score >= 10 { 0.85 } else { 0.65 };
            head.title = Some((clean_title(&cand), rule, conf, i));
            // A second heading right below in another language is an alternative title.
            if let Some(next) = texts.get(i + 1) {
                if title_like(next) >= 2
                    && guess_latin_language(next) != guess_latin_language(&cand)
                    && parse_byline(next).is_none()
                    && next.split_whitespace().count() >= 3
                {
                    head.alt.push(clean_title(next));
                }
            }
        }
        (_, Some(o)) => {
            let i = texts.iter().position(|t| norm::title_key(t).contains(&norm::title_key(&o))).unwrap_or(0);
            head.title = Some((o, "title in page citation string", 0.8, i));
        }
        (Some((score, i, cand)), None) if score >= 3 => {
            head.title = Some((clean_title(&cand), "first heading-like line", 0.5, i));
        }
        _ => {}
    }
    head
}

/// "Struggles of Struggles of managerial being and managerial being and
/// becoming becoming" (two-column PDF headers read twice) -> read once.
fn undouble_words(t: &str) -> Option<String> {
    let words: Vec<&str> = t.split_whitespace().collect();
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    let mut doubled = 0;
    while i < words.len() {
        let mut step = None;
        for k in 1..=8 {
            if i + 2 * k <= words.len() && words[i..i + k] == words[i + k..i + 2 * k] {
                step = Some(k);
                break;
            }
        }
        let k = step?;
        out.extend_from_slice(&words[i..i + k]);
        i += 2 * k;
        doubled += 1;
    }
    (doubled >= 2).then(|| out.join(" "))
}

fn clean_title(t: &str) -> String {
    let t = squash_ws(t);
    let t = undouble_words(&t).unwrap_or(t);
    let t = t.trim_end_matches(['*', '†']).trim();
    // Footnote digits glued to the end ("se contraponen?1", "SciELO.*").
    let t = t.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('*');
    let t = if t.ends_with('.') && !t.ends_with("..") { t.trim_end_matches('.') } else { t };
    t.trim().to_string()
}

/// "1. Rob Kok1,2," -> the name.
fn numbered_author(t: &str) -> Option<Author> {
    static NUM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\d{1,3}\.\s+(.+?),?$").expect("static regex"));
    let c = NUM.captures(t)?;
    let body = c.get(1)?.as_str();
    if body.starts_with(|ch: char| ch.is_ascii_digit()) {
        return None;
    }
    person(body)
}

/// Finds the author line(s) near the title.
fn find_authors(
    texts: &[String],
    title_idx: Option<usize>,
    abs_start: Option<usize>,
    ref_start: usize,
) -> Option<(Vec<Author>, &'static str, f32)> {
    let end =
        ref_start.min(texts.len()).min(abs_start.map_or(usize::MAX, |a| a.max(title_idx.unwrap_or(0) + 1)));
    // Labelled author lists anywhere in the head.
    for t in texts.iter().take(ref_start.min(80)) {
        if AUTHOR_LABEL.is_match(t) {
            if let Some(a) = parse_byline(t).filter(|a| !a.is_empty()) {
                return Some((a, "author label", 0.9));
            }
        }
    }
    // A label alone on its line ("Authors"), the names on the next.
    for (i, t) in texts.iter().enumerate().take(ref_start.min(80)) {
        if matches!(
            lower_trim(t).as_str(),
            "authors" | "author" | "author(s)" | "autores" | "auteurs" | "autoren" | "作者"
        ) {
            if let Some(a) = texts.get(i + 1).and_then(|n| parse_byline(n)).filter(|a| !a.is_empty()) {
                return Some((a, "author label line", 0.9));
            }
        }
    }
    let start = title_idx.map_or(0, |t| t + 1);
    for t in texts.iter().take(end.min(start + 4)).skip(start) {
        if let Some(a) = doubled_byline(t) {
            return Some((a, "doubled names in author markup", 0.75));
        }
    }
    // A byline within a few lines below the title.
    for t in texts.iter().take(end.min(start + 4)).skip(start) {
        if let Some(a) = parse_byline(t).filter(|a| a.len() >= 2) {
            return Some((a, "author line below title", 0.85));
        }
    }
    // Numbered author lines ("1. Rob Kok1,2,").
    let numbered: Vec<Author> = texts.iter().skip(start).take(40).map_while(|t| numbered_author(t)).collect();
    if !numbered.is_empty() {
        return Some((numbered, "numbered author lines", 0.85));
    }
    let numbered: Vec<Author> =
        texts.iter().skip(start + 1).take(40).map_while(|t| numbered_author(t)).collect();
    if numbered.len() >= 2 {
        return Some((numbered, "numbered author lines", 0.8));
    }
    // One name per line, between title and abstract, with affiliation or ORCID lines between.
    let mut one: Vec<Author> = Vec::new();
    let stop = end.min(start + 40);
    let mut i = start;
    while i < stop {
        let t = &texts[i];
        if is_abstract_heading_line(t) {
            break;
        }
        if let Some(a) = single_name_line(t) {
            let mut a = a;
            if let Some(next) = texts.get(i + 1) {
                if let Some(o) = ORCID_RE
                    .captures(next)
                    .and_then(|c| c.get(1))
                    .and_then(|m| norm::normalize_orcid(m.as_str()))
                {
                    if next.split_whitespace().count() <= 3 {
                        a.set_orcid(Some(o));
                    }
                }
            }
            one.push(a);
        }
        i += 1;
    }
    if !one.is_empty() && title_idx.is_some() {
        return Some((one, "one name per line below title", 0.75));
    }
    // A byline anywhere in the head (before the abstract).
    for t in texts.iter().take(end) {
        if let Some(a) = parse_byline(t).filter(|a| a.len() >= 3) {
            return Some((a, "author line", 0.7));
        }
    }
    None
}

/// A line holding one person's name (with affiliation marks, ORCID, "and").
fn single_name_line(t: &str) -> Option<Author> {
    let t = t.trim().trim_end_matches([',', ';']).trim_end_matches(" and").trim_end_matches(", and");
    if t.contains(',') && !t.ends_with(|c: char| c.is_ascii_digit()) {
        // "Peter Young" lines may end with ", and"; other commas are affiliations.
        return None;
    }
    let (clean, _) = clean_name(t);
    if clean.split_whitespace().count() < 2 || has_cjk(&clean) {
        return None;
    }
    person(t)
}

trait SchemeField {
    fn scheme_field(&self) -> &'static str;
}

impl SchemeField for Identifier {
    fn scheme_field(&self) -> &'static str {
        match self {
            Identifier::Doi(_) => "doi",
            Identifier::Pmid(_) => "pmid",
            Identifier::Pmcid(_) => "pmcid",
            Identifier::Arxiv(_) => "arxiv",
            Identifier::Isbn(_) => "isbn",
            Identifier::Openalex(_) => "openalex",
            _ => "ids",
        }
    }
}

/// Every field this reader can fill, for reports.
pub fn fields() -> BTreeSet<&'static str> {
    [
        "title",
        "authors",
        "doi",
        "pmid",
        "pmcid",
        "arxiv",
        "isbn",
        "year",
        "venue",
        "abstract",
        "keywords",
        "language",
        "citations",
        "callouts",
    ]
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fam(a: &[Author]) -> Vec<String> {
        a.iter().map(|a| a.family.clone()).collect()
    }

    #[test]
    fn bylines_in_common_forms() {
        assert_eq!(fam(&parse_byline("N O'Leary, F Wynne").unwrap_or_default()), ["O'Leary", "Wynne"]);
        assert_eq!(fam(&parse_byline("O'Leary N, Wynne F").unwrap_or_default()), ["O'Leary", "Wynne"]);
        assert_eq!(
            fam(&parse_byline("Sheridan Rains, L., Johnson, S.").unwrap_or_default()),
            ["Sheridan Rains", "Johnson"]
        );
        assert_eq!(
            fam(&parse_byline("Luke Sheridan Rains and Sonia Johnson").unwrap_or_default()),
            ["Rains", "Johnson"]
        );
        assert_eq!(
            fam(&parse_byline("Carlo Dani116*, Gianluca Lista2 and Giovanni Vento15").unwrap_or_default()),
            ["Dani", "Lista", "Vento"]
        );
        assert_eq!(
            fam(&parse_byline("Dani, Carlo, Lista, Gianluca, Del Vecchio, Antonio").unwrap_or_default()),
            ["Dani", "Lista", "Del Vecchio"]
        );
        assert_eq!(
            fam(&parse_byline("Main Authors: Williams, Christopher, McClay, Carrie-Anne").unwrap_or_default()),
            ["Williams", "McClay"]
        );
        assert!(parse_byline("Department of Medicine, University of Florence, Italy").is_none());
        assert!(parse_byline(
            "The results show that the proportion of Catholics, rurality and economic situation"
        )
        .is_none());
    }

    #[test]
    fn more_bylines() {
        assert_eq!(
            parse_byline("Li Zhuoying, Shen Qiuming, Tuo Jiayi, Tang Dandan").map(|a| a.len()),
            Some(4)
        );
        assert_eq!(
            parse_byline("I.M. Barrio1, P. Simón-Lorda2, M. Melguizo3, A. Molina4").map(|a| a.len()),
            Some(4)
        );
        assert_eq!(parse_byline("曹新阳,汪洋,徐志杰,许岩丽*").map(|a| a.len()), Some(4));
    }

    #[test]
    fn venue_lines() {
        let v =
            venue_line("Trials. 2013 Mar 8;14:67. doi: 10.1186/1745-6215-14-67.").map(|v| (v.venue, v.year));
        assert_eq!(v, Some((Some("Trials".into()), 2013)));
        let v = venue_line("Medwave 2019;19(11):e7748 doi: 10.5867/medwave.2019.11.7748").map(|v| v.year);
        assert_eq!(v, Some(2019));
        let v = venue_line("中华流行病学杂志, 2022, 43(12): 2002-2007").map(|v| v.year);
        assert_eq!(v, Some(2022));
        assert!(venue_line("Consensus was defined as ≥80% agreement among experts.").is_none());
    }

    #[test]
    fn json_of_any_shape() {
        let p = parse(
            "t",
            r#"{"results": [{"title": "A", "doi": "10.1/x", "authors": [{"given": "N", "family": "O'Leary"}]}, {"title": "B", "year": 2020, "journal": "J"}]}"#,
        );
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].authors[0].family, "O'Leary");
        assert_eq!(p.records[1].year(), Some(2020));
        let p = parse("t", r#"{"title": "Cut", "doi": "10.1/y", "abstract": "Some te"#);
        assert_eq!(p.records.len(), 1);
        assert!(p.records[0].abstract_text.is_none());
        assert!(p.diagnostics.iter().any(|d| d.message.contains("JSON ends mid-way")));
    }

    #[test]
    fn a_medline_style_page() {
        let page = "Review\nJ Reprod Infant Psychol. 2021 Sep;39(4):345-360. doi: 10.1080/02646838.2020.1814225.\n\
                    Peer support for parents: a scoping review\nNiamh O'Leary 1, Fiona Wynne 2, Paula Moore 1\n\
                    Affiliations\nPMID: 32892642\nAbstract\nBackground: Parents value support from peers. \
                    Methods: We searched five databases. Results: Twelve studies were included. \
                    Conclusions: Peer support helps.\nKeywords: peer support; parents.\n";
        let p = parse("t", page);
        let r = &p.records[0];
        assert_eq!(r.title.as_deref(), Some("Peer support for parents: a scoping review"));
        assert_eq!(fam(&r.authors), ["O'Leary", "Wynne", "Moore"]);
        assert_eq!(r.doi(), Some("10.1080/02646838.2020.1814225"));
        assert_eq!(r.year(), Some(2021));
        assert_eq!(r.keywords, ["peer support", "parents"]);
        assert!(r.abstract_text.as_deref().is_some_and(|a| a.contains("Methods: We searched")), "{r:#?}");
    }

    #[test]
    fn nothing_usable_is_a_warning() {
        let p = parse("x.txt", "just a sentence");
        assert!(p.records.is_empty());
        assert!(p.diagnostics.iter().any(|d| d.message.contains("nothing to read")));
    }
}
