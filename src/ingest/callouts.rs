//! Author-year callouts in running text: "(Stein et al. 2014; Howard &
//! Khalifeh, 2020)", "Hayes et al. (2015)", "(NICE, 2014)", "(Smith, 2001,
//! 2003a)", "(Irish Association for Infant Mental Health, n.d.)".
//!
//! [`extract`] turns every callout of a text into [`Citation`]s, one per
//! distinct cited work, with `count` = how many times it is called out and
//! `at` = the line of its first callout.
//!
//! How it works: lines are joined into one string (words broken by PDF
//! hyphenation are rejoined, other line breaks become spaces) with a map back to
//! line numbers. Every innermost pair of parentheses is then read either as a
//! *parenthetical* callout list (segments separated by `;`, pieces by `,`, a
//! bare year inheriting the author before it) or, when it holds only years, as
//! the year part of a *narrative* callout whose authors stand just before the
//! bracket. Brackets that hold anything else (percentages, ranges, `n = 13`,
//! acronyms without a year, registration numbers) give nothing.
//!
//! Two callouts name the same work when their first author (family name, or the
//! organisation's whole name, folded), year, year suffix, year note and author
//! form (single author, two authors with the same second author, or "et al.")
//! agree. Linear in the text.

use crate::model::norm::alnum_key;
use crate::model::{Author, Citation, CitationDetail, Provenance};
use std::collections::HashMap;

/// Lowercase words allowed between the capitalised words of a name
/// ("Department *of* Health", "*van der* Berg").
const CONNECTIVES: &[&str] = &[
    "of", "for", "the", "and", "on", "in", "&", "de", "van", "von", "der", "den", "du", "la", "le", "di",
    "da", "del", "della", "dos", "das", "ter", "ten", "zu", "y", "e", "to",
];

/// Name particles that belong to a surname ("van der Berg", "de Vries").
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "du", "la", "le", "di", "da", "del", "della", "dos", "das", "ter",
    "ten", "zu",
];

/// Words that mark an author as an organisation.
const ORG_WORDS: &[&str] = &[
    "department",
    "ministry",
    "college",
    "association",
    "institute",
    "institution",
    "organisation",
    "organization",
    "society",
    "council",
    "agency",
    "office",
    "commission",
    "service",
    "services",
    "executive",
    "foundation",
    "university",
    "centre",
    "center",
    "board",
    "network",
    "committee",
    "trust",
    "federation",
    "government",
    "authority",
    "bureau",
    "academy",
    "alliance",
    "coalition",
    "collaboration",
    "consortium",
    "group",
    "panel",
    "forum",
    "unit",
    "programme",
    "program",
    "initiative",
    "union",
    "nations",
    "bank",
    "fund",
    "league",
    "statistics",
    "health",
    "care",
];

/// Capitalised words that are never an author in a callout.
const NOT_NAMES: &[&str] = &[
    "table",
    "tables",
    "figure",
    "figures",
    "fig",
    "appendix",
    "box",
    "supplement",
    "supplementary",
    "chapter",
    "section",
    "phase",
    "wave",
    "study",
    "trial",
    "cohort",
    "round",
    "year",
    "years",
    "since",
    "until",
    "from",
    "between",
    "before",
    "after",
    "during",
    "in",
    "on",
    "at",
    "by",
    "up",
    "to",
    "circa",
    "approx",
    "mean",
    "median",
    "range",
    "total",
    "age",
    "aged",
    "sd",
    "se",
    "ci",
    "or",
    "rr",
    "hr",
    "iqr",
    "n",
    "version",
    "vol",
    "volume",
    "no",
    "issue",
    "accessed",
    "retrieved",
    "updated",
    "published",
    "est",
    "founded",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "the",
    "this",
    "that",
    "these",
    "those",
    "a",
    "an",
    "as",
    "and",
    "but",
    "also",
    "both",
    "thus",
    "however",
    "moreover",
    "furthermore",
    "therefore",
    "although",
    "while",
    "when",
    "where",
    "which",
    "who",
    "what",
    "how",
    "it",
    "its",
    "we",
    "our",
    "they",
    "their",
    "he",
    "she",
    "his",
    "her",
    "there",
    "here",
    "according",
    "following",
    "unlike",
    "like",
    "with",
    "without",
    "for",
    "of",
    "is",
    "was",
    "were",
    "are",
    "be",
    "see",
    "cf",
    "eg",
    "ie",
    "note",
    "notes",
    "p",
    "pp",
    "page",
    "pages",
    "average",
    "overall",
    "baseline",
    "follow",
    "participant",
    "participants",
    "group",
    "level",
    "grade",
    "class",
    "step",
    "stage",
    "week",
    "weeks",
    "month",
    "months",
    "day",
    "days",
    "time",
    "times",
    "q",
    "quarter",
    "term",
    "session",
    "visit",
    "model",
    "models",
    "scale",
    "score",
    "item",
    "items",
    "question",
    "theme",
    "themes",
    "then",
    "now",
    "today",
    "period",
    "census",
    "survey",
    "act",
    "law",
    "article",
];

/// Words that introduce a callout inside brackets ("see also Smith, 2001").
const LEAD_INS: &[&str] = &[
    "for a review see",
    "for a review, see",
    "for review see",
    "as cited in",
    "as reviewed in",
    "reviewed in",
    "quoted in",
    "cited in",
    "for example",
    "see also",
    "but see",
    "e.g.,",
    "e.g.",
    "e.g",
    "eg,",
    "eg.",
    "i.e.,",
    "i.e.",
    "see",
    "cf.",
    "cf",
    "viz.",
    "also",
    "and",
];

/// Publisher readers (Cambridge Core and others) write each callout with a
/// hidden link label: "(Varese et al., Reference Varese, Smeets and
/// Bentall2012b)". The label ("Reference" up to the year) is removed, which
/// leaves the callout as printed: "(Varese et al., 2012b)". Line breaks are
/// never removed, so line numbers stay right.
pub fn strip_reference_markup(text: &str) -> std::borrow::Cow<'_, str> {
    static MARKUP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r",?\s*Reference\s+[^();\n]{1,300}?((?:1[5-9]|20)\d\d[a-z]?)\b")
            .expect("static regex")
    });
    if !text.contains("Reference ") {
        return std::borrow::Cow::Borrowed(text);
    }
    MARKUP.replace_all(text, ", $1")
}

/// Extracts author-year callouts from `text`.
///
/// # Arguments
/// * `input` - the input's label, copied into each citation's provenance.
/// * `text` - running text (a full text's body, without its reference list).
/// * `line_offset` - lines before `text` in the input: a callout on the first
///   line of `text` gets line `line_offset + 1`.
///
/// # Returns
/// One [`Citation`] per distinct cited work, in order of first callout, with
/// `count` = number of callouts, `raw` = the first callout as written
/// (normalised spacing), authors as family names only (or organisations) and
/// `et_al` when the callout says so.
///
/// # Complexity
/// Linear in `text.len()`.
pub fn extract(input: &str, text: &str, line_offset: u32) -> Vec<Citation> {
    let unmarked = strip_reference_markup(text);
    let joined = Joined::new(&unmarked);
    let mut found: Vec<Callout> = Vec::new();
    let bytes = joined.text.as_bytes();
    let mut open: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => open = Some(i),
            b')' => {
                if let Some(start) = open.take() {
                    if i - start > 400 {
                        continue;
                    }
                    if let Some(content) = joined.text.get(start + 1..i) {
                        read_bracket(&joined.text, start, content, &mut found);
                    }
                }
            }
            _ => {}
        }
    }
    merge(input, &joined, found, line_offset)
}

/// Text with line breaks removed and a map from byte offsets to line numbers.
struct Joined {
    text: String,
    /// `(byte offset in text, 1-based line)` for each source line, ascending.
    starts: Vec<(usize, u32)>,
}

impl Joined {
    fn new(src: &str) -> Joined {
        let mut text = String::with_capacity(src.len());
        let mut starts = Vec::new();
        for (i, raw) in src.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            if !text.is_empty() {
                let hyphen_break = text.ends_with('-')
                    && text.chars().rev().nth(1).is_some_and(char::is_alphabetic)
                    && line.starts_with(char::is_alphanumeric);
                if hyphen_break && line.starts_with(char::is_lowercase) {
                    text.pop();
                } else if hyphen_break {
                    // "MI-\nAIMH": the hyphen is part of the name; no space.
                } else {
                    text.push(' ');
                }
            }
            starts.push((text.len(), u32::try_from(i + 1).unwrap_or(u32::MAX)));
            text.push_str(line);
        }
        Joined { text, starts }
    }

    fn line_of(&self, offset: usize) -> u32 {
        let idx = self.starts.partition_point(|&(o, _)| o <= offset);
        idx.checked_sub(1).and_then(|i| self.starts.get(i)).map_or(1, |&(_, l)| l)
    }
}

/// One callout before merging.
#[derive(Debug)]
struct Callout {
    /// Byte offset in the joined text where it starts.
    offset: usize,
    raw: String,
    names: Names,
    year: Year,
}

#[derive(Clone, Debug)]
struct Names {
    authors: Vec<String>,
    et_al: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Year {
    Year(i32, String),
    Note(&'static str),
}

fn read_bracket(text: &str, open: usize, content: &str, out: &mut Vec<Callout>) {
    if !content.chars().any(|c| c.is_ascii_digit()) && !content.contains("n.d") && !content.contains("press")
    {
        return;
    }
    // Narrative: "(2015)", "(2015a, 2016)", "(n.d.)" with the authors before the bracket.
    if let Some(years) = years_only(content) {
        let before = text.get(..open).unwrap_or("");
        if let Some((start, names)) = names_before(before) {
            let written = squash(text.get(start..open).unwrap_or("")).to_string();
            for (y, ytext) in years {
                out.push(Callout {
                    offset: start,
                    raw: format!("{written} ({ytext})"),
                    names: names.clone(),
                    year: y,
                });
            }
        }
        return;
    }
    let base = open + 1;
    let mut last: Option<(usize, Names)> = None;
    for (seg_off, seg) in split_with_offsets(content, ';') {
        last = read_segment(seg, base + seg_off, last, out);
    }
}

/// Reads one `;`-separated segment of a parenthetical callout list.
///
/// `inherit` is the author of the previous segment, used when this segment
/// is only years ("(Smith, 2001; 2003)"); returns the last author seen, for
/// the next segment.
fn read_segment(
    seg: &str,
    seg_offset: usize,
    inherit: Option<(usize, Names)>,
    out: &mut Vec<Callout>,
) -> Option<(usize, Names)> {
    let (lead, seg) = strip_lead_in(seg);
    let seg_offset = seg_offset + lead;
    let mut cur: Option<(usize, Names, bool)> = None;
    let mut inherit = inherit;
    let mut last_year: Option<i32> = None;
    for (off, piece) in split_with_offsets(seg, ',') {
        let trimmed = piece.trim();
        let off = seg_offset + off + (piece.len() - piece.trim_start().len());
        if trimmed.is_empty() {
            continue;
        }
        // "(Smith, 2015a, b)": a bare suffix repeats the year before it.
        let suffix_only = trimmed.len() == 1 && trimmed.chars().all(|c| c.is_ascii_lowercase());
        let year = year_token(trimmed)
            .or_else(|| last_year.filter(|_| suffix_only).map(|y| Year::Year(y, trimmed.to_string())));
        if let Some(y) = year {
            if cur.is_none() {
                cur = inherit.take().map(|(o, n)| (o, n, true));
            }
            match cur.as_mut() {
                Some((start, names, had)) => {
                    *had = true;
                    if let Year::Year(n, _) = y {
                        last_year = Some(n);
                    }
                    let raw = format!("{}, {trimmed}", names_text(names));
                    out.push(Callout { offset: *start, raw, names: names.clone(), year: y });
                }
                None => return None,
            }
            continue;
        }
        if let Some((name_part, y, ytext)) = split_trailing_year(trimmed) {
            if let Some(names) = parse_names(name_part) {
                if let Year::Year(n, _) = y {
                    last_year = Some(n);
                }
                let raw = format!("{} {ytext}", squash(name_part));
                out.push(Callout { offset: off, raw, names: names.clone(), year: y });
                cur = Some((off, names, true));
                continue;
            }
            return None;
        }
        if is_locator(trimmed) {
            continue;
        }
        let extra = trimmed.trim_start_matches('&').trim_start();
        let extra = extra.strip_prefix("and ").unwrap_or(extra);
        match (parse_names(extra), cur.as_mut()) {
            // "Smith, Jones, & Brown, 2010": more authors of the same work.
            (Some(more), Some((_, names, false))) if !names.et_al => {
                names.authors.extend(more.authors);
                names.et_al = more.et_al;
            }
            (Some(names), _) => {
                cur = Some((off, names, false));
                last_year = None;
            }
            (None, _) => return None,
        }
    }
    cur.filter(|c| c.2).map(|(o, n, _)| (o, n))
}

fn names_text(n: &Names) -> String {
    let mut s = match n.authors.as_slice() {
        [] => String::new(),
        [a] => a.clone(),
        [a, b] => format!("{a} & {b}"),
        many => many.join(", "),
    };
    if n.et_al {
        s.push_str(" et al.");
    }
    s
}

fn squash(s: &str) -> String {
    crate::model::norm::squash_ws(s)
}

fn strip_lead_in(seg: &str) -> (usize, &str) {
    let lead_ws = seg.len() - seg.trim_start().len();
    let t = seg.trim_start();
    for l in LEAD_INS {
        if let Some(head) = t.get(..l.len()) {
            if head.eq_ignore_ascii_case(l) {
                let rest = &t[l.len()..];
                if rest.starts_with([' ', ',']) {
                    let rest2 = rest.trim_start_matches([' ', ',']);
                    return (lead_ws + l.len() + (rest.len() - rest2.len()), rest2);
                }
            }
        }
    }
    (lead_ws, t)
}

fn split_with_offsets(s: &str, sep: char) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == sep {
            out.push((start, &s[start..i]));
            start = i + c.len_utf8();
        }
    }
    out.push((start, &s[start..]));
    out
}

/// A year token: "2014", "2015a", "n.d.", "in press", "forthcoming".
fn year_token(s: &str) -> Option<Year> {
    let t = s.trim().trim_end_matches(['.', ','].as_slice());
    // "2001: 23" (year and page).
    let t = match t.split_once(':') {
        Some((y, page)) if page.trim().chars().all(|c| c.is_ascii_digit() || c == '-' || c == '–') => {
            y.trim()
        }
        _ => t,
    };
    let lower = t.to_lowercase();
    match lower.as_str() {
        "n.d" | "nd" | "n. d" | "no date" => return Some(Year::Note("n.d.")),
        "in press" | "in-press" => return Some(Year::Note("in press")),
        "forthcoming" => return Some(Year::Note("forthcoming")),
        _ => {}
    }
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let suffix = &t[4..];
    let suffix_ok =
        suffix.is_empty() || (suffix.len() == 1 && suffix.chars().all(|c| c.is_ascii_lowercase()));
    let year: i32 = digits.parse().ok()?;
    ((1600..=2099).contains(&year) && suffix_ok).then(|| Year::Year(year, suffix.to_string()))
}

/// "(2015)", "(2015a, 2016)", "(n.d.)", "(2015, p. 3)": the years of a narrative callout.
fn years_only(content: &str) -> Option<Vec<(Year, String)>> {
    let mut years: Vec<(Year, String)> = Vec::new();
    for piece in content.split([',', ';']) {
        let p = piece.trim();
        if p.is_empty() {
            continue;
        }
        let suffix_of = match years.last() {
            Some((Year::Year(y, _), _)) if p.len() == 1 && p.chars().all(|c| c.is_ascii_lowercase()) => {
                Some(Year::Year(*y, p.to_string()))
            }
            _ => None,
        };
        if let Some(y) = year_token(p).or(suffix_of) {
            years.push((y, p.trim_end_matches(',').to_string()));
        } else if is_locator(p) && !years.is_empty() {
            continue;
        } else {
            return None;
        }
    }
    (!years.is_empty()).then_some(years)
}

/// "p. 23", "pp. 3-5", "chap. 2": a locator inside a callout.
fn is_locator(s: &str) -> bool {
    let l = s.trim().to_lowercase();
    ["p.", "pp.", "p ", "pp ", "chap.", "chapter ", "para.", "sec.", "section "]
        .iter()
        .any(|p| l.starts_with(p) && l[p.len()..].trim_start().starts_with(|c: char| c.is_ascii_digit()))
}

/// "Fraiberg et al. 1975" -> ("Fraiberg et al.", 1975); "Reaney 2017"; "Smith n.d.".
fn split_trailing_year(s: &str) -> Option<(&str, Year, String)> {
    for note in [" n.d.", " n.d", " in press", " forthcoming"] {
        if s.len() > note.len() {
            if let Some(tail) = s.get(s.len() - note.len()..) {
                if tail.eq_ignore_ascii_case(note) {
                    let head = &s[..s.len() - note.len()];
                    return year_token(tail).map(|y| (head.trim_end(), y, tail.trim().to_string()));
                }
            }
        }
    }
    let (head, last) = s.rsplit_once(' ')?;
    let y = year_token(last)?;
    Some((head.trim_end(), y, last.to_string()))
}

fn is_name_token(t: &str) -> bool {
    let t = t.trim_end_matches(['’', '\'']);
    let t = t.strip_suffix("’s").or_else(|| t.strip_suffix("'s")).unwrap_or(t);
    let mut chars = t.chars();
    let Some(first) = chars.next() else { return false };
    first.is_uppercase()
        && t.chars().count() <= 40
        && t.chars().all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '.'))
        && (t.chars().any(char::is_lowercase) || t.chars().filter(|c| c.is_uppercase()).count() >= 2)
        && !is_excluded_word(t)
}

/// Statistical abbreviations that look like organisation acronyms.
const NOT_ACRONYMS: &[&str] =
    &["SD", "SE", "CI", "OR", "RR", "HR", "IQR", "AOR", "NNT", "BMI", "ICC", "AUC", "N"];

/// True for words never taken as a callout author: sentence words, months,
/// "Table" ... (an acronym in capitals such as "WHO" is judged only against
/// statistical abbreviations).
fn is_excluded_word(t: &str) -> bool {
    let t = t.trim_end_matches('.');
    let acronym = t.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase) && t.chars().count() >= 2;
    if acronym {
        NOT_ACRONYMS.contains(&t)
    } else {
        NOT_NAMES.contains(&t.to_lowercase().as_str())
    }
}

fn is_connective(t: &str) -> bool {
    CONNECTIVES.contains(&t)
}

/// Parses the author part of a callout: "Stein et al.", "Howard & Khalifeh",
/// "Smith and Jones", "NICE", "Department of Health", "van der Berg".
fn parse_names(s: &str) -> Option<Names> {
    // "World Health Organization [WHO]": drop the bracketed short form.
    let mut s = match (s.find('['), s.rfind(']')) {
        (Some(a), Some(b)) if a < b => squash(&format!("{}{}", &s[..a], &s[b + 1..])),
        _ => squash(s),
    };
    let mut et_al = false;
    for tail in [" et al.", " et al", " et. al.", " et al.,", " and colleagues", " and others"] {
        let cut = s.len().saturating_sub(tail.len());
        if s.len() > tail.len() && s.get(cut..).is_some_and(|t| t.eq_ignore_ascii_case(tail)) {
            s.truncate(cut);
            et_al = true;
            break;
        }
    }
    let s = s.trim().trim_end_matches(',');
    let tokens: Vec<&str> = s.split(' ').filter(|t| !t.is_empty()).collect();
    if tokens.is_empty() || tokens.len() > 10 {
        return None;
    }
    if !tokens.iter().all(|t| is_name_token(t) || is_connective(t)) {
        return None;
    }
    let first = tokens.iter().find(|t| !PARTICLES.contains(t))?;
    if !is_name_token(first) || is_connective(tokens.last().unwrap_or(&"")) {
        return None;
    }
    let authors = split_authors(&tokens);
    if authors.iter().any(|a| a.is_empty()) {
        return None;
    }
    Some(Names { authors, et_al })
}

/// Splits name tokens into authors at "&", and at "and" when both sides are
/// single surnames (an organisation may hold "and": "Department of Health and
/// Social Care").
fn split_authors(tokens: &[&str]) -> Vec<String> {
    if tokens.contains(&"&") {
        return tokens.split(|t| *t == "&").map(|p| p.join(" ")).collect();
    }
    let parts: Vec<&[&str]> = tokens.split(|t| *t == "and").collect();
    let surname_like = |p: &&[&str]| {
        !p.is_empty()
            && p.iter().filter(|t| !PARTICLES.contains(t)).count() == 1
            && !p.iter().any(|t| is_org_token(t))
    };
    if parts.len() == 2 && parts.iter().all(surname_like) {
        return parts.iter().map(|p| p.join(" ")).collect();
    }
    vec![tokens.join(" ")]
}

fn is_org_token(t: &str) -> bool {
    ORG_WORDS.contains(&t.to_lowercase().as_str())
}

/// True when a callout author is an organisation: an acronym ("NICE",
/// "MI-AIMH"), a name with an organisation word ("Department of Health") or
/// several capitalised words with connectives ("Royal College of Psychiatrists").
pub fn is_org_name(name: &str) -> bool {
    let tokens: Vec<&str> = name.split_whitespace().collect();
    let Some(first) = tokens.first() else { return false };
    if tokens.len() == 1 {
        let letters: Vec<char> = first.chars().filter(|c| c.is_alphabetic()).collect();
        return letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
    }
    if tokens.iter().any(|t| is_org_token(t)) {
        return true;
    }
    let non_particles = tokens.iter().filter(|t| !PARTICLES.contains(&t.to_lowercase().as_str())).count();
    non_particles >= 2 || tokens.iter().any(|t| matches!(*t, "of" | "for" | "the" | "and" | "on"))
}

/// Finds the authors of a narrative callout at the end of `before` (the text
/// preceding the year bracket): "Hayes et al.", "Braun and Clarke", "Smith",
/// "Royal College of Psychiatrists". Returns the byte offset where they start.
fn names_before(before: &str) -> Option<(usize, Names)> {
    let trimmed = before.trim_end();
    // Tokens from the end, with their byte offsets.
    let mut toks: Vec<(usize, &str)> = Vec::new();
    let mut end = trimmed.len();
    while toks.len() < 12 {
        let Some(head) = trimmed.get(..end) else { break };
        // Start of the last token: just after the last whitespace character
        // (which may be several bytes long, e.g. U+3000).
        let start =
            head.char_indices().rfind(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
        let tok = &head[start..];
        if tok.is_empty() {
            break;
        }
        toks.push((start, tok));
        if start == 0 {
            break;
        }
        end = head[..start].trim_end().len();
    }
    let mut i = 0;
    let mut et_al = false;
    if toks.len() >= 2 && matches!(toks[0].1, "al." | "al" | "al.’s" | "al.'s") && toks[1].1 == "et" {
        et_al = true;
        i = 2;
    }
    // Collect a run of name tokens and connectives, stopping at punctuation.
    let mut run: Vec<(usize, &str)> = Vec::new();
    while let Some(&(off, tok)) = toks.get(i) {
        let clean = tok.trim_end_matches(['’', '\'']);
        let clean = clean.strip_suffix("’s").or_else(|| clean.strip_suffix("'s")).unwrap_or(clean);
        let is_last_word = run.is_empty();
        if !is_last_word && clean.ends_with([',', ';', ':', '.', ')', '(']) {
            break;
        }
        if is_name_token(clean) || (!is_last_word && is_connective(clean)) {
            run.push((off, clean));
            i += 1;
            if et_al && run.len() == 1 {
                // "X et al.": the first author only, with its particles.
                while let Some(&(o, t)) = toks.get(i) {
                    if PARTICLES.contains(&t) {
                        run.push((o, t));
                        i += 1;
                    } else {
                        break;
                    }
                }
                break;
            }
        } else {
            break;
        }
    }
    // Drop leading connectives and sentence words ("of Smith", "As Smith").
    while let Some(&(_, t)) = run.last() {
        if (is_connective(t) && !PARTICLES.contains(&t)) || is_excluded_word(t) {
            run.pop();
        } else {
            break;
        }
    }
    let &(start, _) = run.last()?;
    let words: Vec<&str> = run.iter().rev().map(|(_, t)| *t).collect();
    if !words.iter().any(|w| is_name_token(w)) {
        return None;
    }
    // Two capitalised words without connective and no organisation word:
    // "Selma Fraiberg (1980)" is a person; keep the family name.
    if !et_al
        && words.len() >= 2
        && !words.iter().any(|w| is_connective(w) || is_org_token(w))
        && !words.iter().all(|w| w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase))
    {
        let fam_start = words.len() - 1;
        let mut s = fam_start;
        while s > 0 && PARTICLES.contains(&words[s - 1].to_lowercase().as_str()) {
            s -= 1;
        }
        let family = words[s..].join(" ");
        let off = run.get(words.len() - 1 - s).map_or(start, |&(o, _)| o);
        return Some((off, Names { authors: vec![family], et_al }));
    }
    let mut names = parse_names(&words.join(" "))?;
    names.et_al = et_al;
    Some((start, names))
}

/// Merges callouts of one work into one citation each.
fn merge(input: &str, joined: &Joined, mut found: Vec<Callout>, line_offset: u32) -> Vec<Citation> {
    found.sort_by_key(|c| c.offset);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Citation> = Vec::new();
    for c in found {
        let key = work_key(&c);
        if let Some(&i) = index.get(&key) {
            if let Some(cit) = out.get_mut(i) {
                cit.count += 1;
            }
            continue;
        }
        let line = line_offset.saturating_add(joined.line_of(c.offset));
        let authors = c
            .names
            .authors
            .iter()
            .map(|a| {
                if is_org_name(a) {
                    Author::org(a)
                } else {
                    Author { raw: a.clone(), family: a.clone(), ..Author::default() }
                }
            })
            .collect();
        let (year, year_suffix, year_note) = match &c.year {
            Year::Year(y, s) => (Some(*y), s.clone(), None),
            Year::Note(n) => (None, String::new(), Some((*n).to_string())),
        };
        index.insert(key, out.len());
        out.push(Citation {
            raw: c.raw,
            authors,
            et_al: c.names.et_al,
            year,
            count: 1,
            at: Provenance::new(input, line, None),
            detail: CitationDetail { year_suffix, year_note, ..CitationDetail::default() }.boxed(),
            ..Citation::default()
        });
    }
    out
}

fn work_key(c: &Callout) -> String {
    let first = c.names.authors.first().map(|a| alnum_key(a)).unwrap_or_default();
    let form = if c.names.et_al {
        "etal".to_string()
    } else {
        match c.names.authors.as_slice() {
            [_] => "1".to_string(),
            [_, b] => format!("2:{}", alnum_key(b)),
            many => format!("n:{}", many.iter().map(|a| alnum_key(a)).collect::<Vec<_>>().join("|")),
        }
    };
    let year = match &c.year {
        Year::Year(y, s) => format!("{y}{s}"),
        Year::Note(n) => (*n).to_string(),
    };
    format!("{first}\u{1f}{year}\u{1f}{form}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, Option<i32>, String, bool, u32)> {
        extract("t", text, 0)
            .into_iter()
            .map(|c| {
                let names = c.authors.iter().map(|a| a.family.clone()).collect::<Vec<_>>().join("+");
                (names, c.year, c.detail().year_suffix.clone(), c.et_al, c.count)
            })
            .collect()
    }

    #[test]
    fn joined_lines() {
        let j = Joined::new("a reflec-\ntive b\n\n(Hayes et al.\n2015)");
        assert_eq!(j.text, "a reflective b (Hayes et al. 2015)");
        assert_eq!(j.line_of(0), 1);
        assert_eq!(j.line_of(j.text.find("(Hayes").unwrap_or(0)), 4);
    }

    #[test]
    fn basic_forms() {
        assert_eq!(
            keys("x (Smith, 2001, 2003a) and Jones (2004)."),
            vec![
                ("Smith".into(), Some(2001), String::new(), false, 1),
                ("Smith".into(), Some(2003), "a".into(), false, 1),
                ("Jones".into(), Some(2004), String::new(), false, 1),
            ]
        );
        assert!(keys("rates (22.4–24.4%) and (n = 13) in 2006 (PIMH-NG) (2012-2022)").is_empty());
    }
}
