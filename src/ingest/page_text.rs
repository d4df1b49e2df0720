//! Text clean-up shared by the page, listing and full-text readers.
//!
//! Scraped pages and PDF text carry much that is not bibliographic: site
//! boilerplate (disclaimers, "Talk to us", cookie and script notices), counters
//! ("阅读:1", "引用次数: 0"), numbered legal notices (特别声明), journal blurbs
//! (期刊介绍). The rules here recognise such lines by their form and wording, in
//! any of the languages we meet, so that readers never take them for a title,
//! an author or an abstract.
//!
//! Also here: HTML to plain text, PDF de-hyphenation, structured-abstract
//! sections (`BACKGROUND: ...` -> one `BACKGROUND: ...` paragraph per section),
//! and a modest language guess.
//!
//! Everything is pure, total (never panics) and linear in the input.

use crate::model::norm::{squash_ws, strip_tags};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Structured-abstract section labels, in the spelling used for output.
///
/// Matched case-insensitively; longer labels are listed before their prefixes
/// so that "MATERIALS AND METHODS" wins over "METHODS".
pub const SECTION_LABELS: &[&str] = &[
    "Trial registration",
    "Systematic review registration",
    "Materials and methods",
    "Methods and analysis",
    "Methods and results",
    "Methods and findings",
    "Results and discussion",
    "Conclusions and relevance",
    "Clinical relevance",
    "Ethics and dissemination",
    "Strengths and limitations",
    "Implications for practice",
    "Practice implications",
    "Main outcome measures",
    "Data sources",
    "Study selection",
    "Data extraction",
    "Data synthesis",
    "Eligibility criteria",
    "Review methods",
    "Search methods",
    "Selection criteria",
    "Data collection and analysis",
    "Main results",
    "Authors' conclusions",
    "Background",
    "Introduction",
    "Objectives",
    "Objective",
    "Aims",
    "Aim",
    "Purpose",
    "Context",
    "Rationale",
    "Design",
    "Setting",
    "Settings",
    "Participants",
    "Interventions",
    "Methods",
    "Method",
    "Measures",
    "Results",
    "Findings",
    "Discussion",
    "Limitations",
    "Conclusions",
    "Conclusion",
    "Implications",
    "Design/methodology/approach",
    "Research limitations/implications",
    "Practical implications",
    "Originality/value",
    "Methods/Design",
    "Main Outcomes and Measures",
    "Design, Setting, and Participants",
    "Importance",
    "Exposures",
    "Plain English summary",
    "Material y métodos",
    "Materiales y métodos",
    "Objetivos",
    "Objetivo",
    "Métodos",
    "Método",
    "Metodología",
    "Metodologia",
    "Resultados",
    "Conclusiones",
    "Conclusión",
    "Conclusões",
    "Conclusão",
    "Fundamento",
    "Introducción",
    "Introdução",
    "Contexte/objectif",
    "Contexte",
    "Objectifs",
    "Objectif",
    "Méthodologie",
    "Méthodes",
    "Résultats",
    "Hintergrund",
    "Fragestellung",
    "Methoden",
    "Ergebnisse",
    "Schlussfolgerungen",
    "Schlussfolgerung",
    "目的",
    "方法",
    "结果",
    "結果",
    "结论",
    "結論",
];

/// Lines of site furniture: matched on the whole (lowercased, squashed) line.
const UI_LINES: &[&str] = &[
    "loading",
    "loading...",
    "filter",
    "filters",
    "add more filters",
    "clear filters",
    "publication year range",
    "talk to us",
    "schedule a call",
    "selection of citations",
    "search detail",
    "search details",
    "...",
    "…",
    "share",
    "cite",
    "cite this",
    "download",
    "download pdf",
    "full text",
    "full text links",
    "print",
    "email",
    "save",
    "sign in",
    "log in",
    "login",
    "register",
    "menu",
    "search",
    "advanced search",
    "back to top",
    "skip to main content",
    "accept all cookies",
    "reject all",
    "cookie settings",
    "related articles",
    "similar articles",
    "see all",
    "show more",
    "show less",
    "read more",
    "next",
    "previous",
    "home",
    "export",
    "send to",
];

/// Phrases that make a line furniture wherever they occur in it.
const UI_PHRASES: &[&str] = &[
    "doesn't support javascript",
    "does not support javascript",
    "enable javascript",
    "javascript is disabled",
    "javascript must be enabled",
    "this site uses cookies",
    "we use cookies",
    "cookie policy",
    "privacy policy",
    "terms of use",
    "terms and conditions",
    "all rights reserved",
    "contact us",
    "join us for",
    "ask us any",
    "share your feedback",
    "schedule a call",
    "third-party content",
    "fair use under",
    "subscribe to our newsletter",
    "sign up for",
    "results per page",
    "sort by",
];

/// Line starts that introduce a disclaimer, notice or site text.
const NOTICE_STARTS: &[&str] = &[
    "disclaimer",
    "copyright ©",
    "copyright (c)",
    "©",
    "(c) 20",
    "show:",
    "notice:",
    "legal notice",
    "about the journal",
    "journal introduction",
    "journal description",
    "aims and scope",
    "aims & scope",
];

/// Chinese site counters: boilerplate only in counter form ("阅读:1",
/// "引用次数: 0", "浏览 25"), so that a title starting with the same word
/// ("阅读障碍儿童...") is kept.
const CJK_COUNTERS: &[&str] = &[
    "引用次数",
    "被引次数",
    "被引",
    "阅读",
    "浏览",
    "下载",
    "收藏",
    "分享",
    "点赞",
    "评论",
    "访问量",
    "阅读量",
];

/// Chinese site notices and headings: boilerplate when the line is the
/// heading alone or the heading followed by a colon ("期刊介绍:", "来源:本站").
const CJK_NOTICES: &[&str] = &[
    "特别声明",
    "免责声明",
    "版权声明",
    "声明",
    "期刊介绍",
    "期刊简介",
    "相关文章",
    "推荐阅读",
    "相关推荐",
    "投稿",
    "联系我们",
    "本站",
    "来源",
];

/// True for a Chinese counter ("阅读:1") or notice heading ("特别声明", "来源:...").
fn is_cjk_notice(l: &str) -> bool {
    let counter = CJK_COUNTERS.iter().any(|p| {
        l.strip_prefix(p).is_some_and(|rest| {
            let rest = rest.trim_start_matches([':', '：', ' ']).trim_end_matches(['次', '人']);
            rest.chars().all(|c| c.is_ascii_digit() || c == ',' || c == ' ')
        })
    });
    let notice = CJK_NOTICES.iter().any(|p| {
        l.strip_prefix(p).is_some_and(|rest| {
            let rest = rest.trim();
            rest.is_empty() || rest.starts_with([':', '：']) || p.starts_with("本站")
        })
    });
    counter || notice
}

/// Words that mark a numbered line as a legal or site notice, not content.
const NOTICE_WORDS: &[&str] = &[
    "本站",
    "本页面",
    "侵权",
    "授权",
    "版权",
    "许可",
    "联系",
    "投稿",
    "声明",
    "copyright",
    "website",
    "this site",
    "platform",
    "infringement",
    "permission",
    "liability",
    "disclaimer",
    "contact",
];

/// Headings after which the rest of a page is a notice or a journal blurb,
/// never part of the record (matched on the line without trailing colon).
const NOTICE_HEADINGS: &[&str] = &[
    "特别声明",
    "免责声明",
    "版权声明",
    "期刊介绍",
    "期刊简介",
    "相关文章",
    "推荐阅读",
    "相关推荐",
    "disclaimer",
    "legal notice",
    "copyright",
    "about the journal",
    "journal introduction",
    "journal description",
    "aims and scope",
    "similar articles",
    "related articles",
    "cited by",
    "talk to us",
];

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\w.+-]+@[\w-]+(\.[\w-]+)+").expect("static regex"));
static COUNTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(views?|downloads?|reads?|citations?|cited by|times cited|altmetric)\s*[:：]?\s*\d[\d,]*$",
    )
    .expect("static regex")
});
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\d{1,2}\s*[、.)．]\s*").expect("static regex"));

/// True for a character of a CJK script (Han, kana, hangul, CJK punctuation).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

/// Share of CJK characters among the non-space characters of `s` (0 when empty).
pub fn cjk_share(s: &str) -> f64 {
    let (mut cjk, mut all) = (0usize, 0usize);
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        all += 1;
        if is_cjk(c) {
            cjk += 1;
        }
    }
    if all == 0 {
        0.0
    } else {
        cjk as f64 / all as f64
    }
}

/// A modest language guess: `zh` when at least 30% of the letters are CJK
/// (Han), `ja`/`ko` when kana/hangul dominate, `en` when the text is mostly
/// ASCII letters and holds common English words, else `None`.
pub fn guess_language(s: &str) -> Option<String> {
    let (mut letters, mut ascii, mut han, mut kana, mut hangul) = (0usize, 0, 0, 0, 0);
    for c in s.chars() {
        match c as u32 {
            0x3040..=0x30FF => kana += 1,
            0xAC00..=0xD7AF => hangul += 1,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => han += 1,
            _ if c.is_ascii_alphabetic() => ascii += 1,
            _ if c.is_alphabetic() => {}
            _ => continue,
        }
        letters += 1;
    }
    if letters == 0 {
        return None;
    }
    let cjk = han + kana + hangul;
    if cjk * 10 >= letters * 3 {
        return Some(
            if kana * 5 >= cjk {
                "ja"
            } else if hangul * 2 >= cjk {
                "ko"
            } else {
                "zh"
            }
            .to_string(),
        );
    }
    if ascii * 10 >= letters * 9 {
        let lower = format!(" {} ", s.to_lowercase());
        let hits = [" the ", " and ", " of ", " to ", " in ", " with ", " is ", " for "]
            .iter()
            .filter(|w| lower.contains(*w))
            .count();
        if hits >= 2 {
            return Some("en".to_string());
        }
    }
    None
}

/// True when `line` is a heading after which the rest of a page is a site
/// notice, disclaimer or journal blurb ("特别声明", "期刊介绍:", "Disclaimer").
pub fn is_notice_heading(line: &str) -> bool {
    let l = squash_ws(line).to_lowercase();
    let l = l.trim_end_matches([':', '：']).trim();
    !l.is_empty() && l.chars().count() <= 40 && NOTICE_HEADINGS.contains(&l)
}

/// True when `line` is site boilerplate that must never become a title, an
/// author or part of an abstract.
///
/// Recognises: UI furniture ("Filter", "Show: 20 | 50 | 100", "Talk to us"),
/// script and cookie notices, disclaimers and copyright lines, contact lines
/// (any e-mail address, "contact us"), counters ("阅读:1", "Views: 12"),
/// Chinese site notices and headings, numbered legal notices ("4、投稿及合作请联系").
pub fn is_boilerplate_line(line: &str) -> bool {
    let l = squash_ws(line);
    if l.is_empty() {
        return false;
    }
    let lower = l.to_lowercase();
    if UI_LINES.contains(&lower.as_str()) || is_notice_heading(&l) {
        return true;
    }
    if UI_PHRASES.iter().any(|p| lower.contains(p)) || NOTICE_STARTS.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    if is_cjk_notice(&l) || COUNTER.is_match(&lower) {
        return true;
    }
    if EMAIL.is_match(&l) {
        return true;
    }
    // "1、本页面内容..." or "2. If you believe this page infringes...": numbered notices.
    if NUMBERED.is_match(&l) && NOTICE_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // Pagination and result-count furniture ("20 | 50 | 100", "Page 1 of 3").
    let bars = l.matches('|').count();
    if bars >= 2 && l.chars().all(|c| c.is_ascii_digit() || c == '|' || c == ' ' || c == ':') {
        return true;
    }
    false
}

/// Removes boilerplate from page text: every boilerplate line, and everything
/// after a notice heading (特别声明, 期刊介绍, Disclaimer ...). Keeps line
/// breaks so that the remaining text can still be split into paragraphs.
pub fn strip_boilerplate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if is_notice_heading(line) {
            break;
        }
        if is_boilerplate_line(line) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// HTML fragment to plain text: block ends (`</p>`, `<br>`, `</div>`, `</li>`,
/// `</h1>`...) become line breaks, tags are removed, entities decoded, and each
/// line's whitespace squashed. Empty lines are dropped.
pub fn html_to_text(html: &str) -> String {
    static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)<\s*(/\s*(p|div|li|h[1-6]|section|tr|blockquote)|br\s*/?)\s*>")
            .expect("static regex")
    });
    let marked = BLOCK.replace_all(html, "\n");
    strip_tags(&marked).lines().map(squash_ws).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// Removes markup, decodes entities and squashes whitespace of a one-line field.
pub fn clean_field(s: &str) -> String {
    squash_ws(&strip_tags(s))
}

/// First halves that form real hyphenated compounds: kept hyphenated when a
/// word is broken after them at a line end ("self-\nesteem").
const COMPOUND_FIRSTS: &[&str] = &[
    "self",
    "non",
    "co",
    "well",
    "long",
    "short",
    "multi",
    "inter",
    "cross",
    "pre",
    "post",
    "anti",
    "semi",
    "sub",
    "high",
    "low",
    "mid",
    "over",
    "under",
    "full",
    "part",
    "face",
    "follow",
    "evidence",
    "community",
    "peer",
    "parent",
    "infant",
    "mother",
    "father",
    "child",
    "family",
    "health",
    "user",
    "person",
    "team",
    "group",
    "trauma",
    "lived",
    "mixed",
    "first",
    "second",
    "third",
    "one",
    "two",
    "three",
    "four",
    "five",
    "ten",
    "age",
    "sex",
    "gender",
    "mental",
    "socio",
    "psycho",
    "bio",
    "open",
    "closed",
    "real",
    "in",
    "out",
];

/// Joins lines of PDF text, repairing words broken at line ends.
///
/// The rule, kept simple on purpose: a line ending in `letter-` followed by a
/// line starting with a lowercase letter is a break inside one word. The halves
/// are joined **without** the hyphen ("reflec-\ntive" -> "reflective") unless
/// the hyphenated compound also occurs unbroken elsewhere in `text`
/// ("parent-infant"), or the first half is a common compound-forming word
/// ("self-", "co-", "parent-", "infant-"), in which case the hyphen is kept.
/// Other line breaks become one space.
pub fn dehyphenate(text: &str) -> String {
    dehyphenate_in(text, &text.to_lowercase())
}

/// Like [`dehyphenate`], looking for unbroken hyphenated compounds in
/// `lower_context` (the whole document, already lowercased so that callers
/// de-hyphenating many paragraphs lowercase it once) rather than in `text` alone.
pub fn dehyphenate_in(text: &str, lower_context: &str) -> String {
    let lower = lower_context;
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut out = String::with_capacity(text.len());
    for line in &lines {
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            let hyphen_break = out.ends_with('-')
                && out.chars().rev().nth(1).is_some_and(char::is_alphabetic)
                && line.starts_with(char::is_alphanumeric);
            if hyphen_break && !line.starts_with(char::is_lowercase) {
                // "MI-\nAIMH", "COVID-\n19": a real hyphen; join without space.
            } else if hyphen_break {
                let first = out
                    .trim_end_matches('-')
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                let second: String = line.chars().take_while(|c| c.is_alphanumeric()).collect();
                let compound = format!("{first}-{}", second.to_lowercase());
                let keep = COMPOUND_FIRSTS.contains(&first.as_str()) || occurs(lower, &compound);
                if !keep {
                    out.pop();
                }
            } else {
                out.push(' ');
            }
        }
        out.push_str(line);
    }
    out
}

/// True when `needle` (a hyphenated compound of two real halves) occurs in `hay`.
fn occurs(hay: &str, needle: &str) -> bool {
    needle.len() >= 3 && !needle.starts_with('-') && !needle.ends_with('-') && hay.contains(needle)
}

/// Finds the structured-abstract label at the start of `s`: `Some((label,
/// rest))` for "BACKGROUND: text", "Objectives Infant ...", "MethodsThis
/// study" (label glued to the next word by PDF extraction) or "Aim. To ...".
///
/// A label followed by a plain space counts only when `loose` is set (the
/// label stands at a paragraph start) and the next word is capitalised.
pub fn section_label_at(s: &str, loose: bool) -> Option<(&'static str, &str)> {
    let t = s.trim_start();
    for &label in SECTION_LABELS {
        let Some(head) = t.get(..label.len()) else { continue };
        if !head.eq_ignore_ascii_case(label) {
            continue;
        }
        let rest = &t[label.len()..];
        let upper_head = head.chars().all(|c| !c.is_lowercase());
        let title_head = head.starts_with(|c: char| c.is_uppercase());
        if !(upper_head || title_head) {
            continue;
        }
        let after = rest.trim_start();
        if let Some(r) = after.strip_prefix([':', '：']).or_else(|| after.strip_prefix(" -")) {
            return Some((label, r.trim_start()));
        }
        if let Some(r) = rest.strip_prefix(". ") {
            if loose && r.starts_with(char::is_uppercase) {
                return Some((label, r.trim_start()));
            }
        }
        // Glued label: "MethodsThis study" (upper case right after the label).
        let mut chars = rest.chars();
        if let (Some(c1), Some(c2)) = (chars.next(), chars.next()) {
            if c1.is_uppercase() && c2.is_lowercase() && !upper_head && loose {
                return Some((label, rest));
            }
        }
        if loose && rest.starts_with(' ') && after.starts_with(char::is_uppercase) {
            return Some((label, after));
        }
    }
    None
}

/// Formats an abstract as `LABEL: text` paragraphs joined by `\n`.
///
/// `paras` are the abstract's paragraphs (already de-hyphenated). A paragraph
/// starting with a section label ("Objectives", "MethodsThis", "RESULTS:") opens
/// a section; inline labels in upper case followed by a colon
/// ("... practice. METHODS: We ...") split a paragraph too. Paragraphs without
/// labels are kept as they are. A leading "Abstract"/"ABSTRACT" label is removed.
pub fn structure_abstract(paras: &[String]) -> String {
    static INLINE: LazyLock<Regex> = LazyLock::new(|| {
        // Upper-case labels ("METHODS:") and the title-case spelling ("Methods:").
        let mut alts: Vec<String> = SECTION_LABELS
            .iter()
            .flat_map(|l| [regex::escape(&l.to_uppercase()), regex::escape(l)])
            .collect();
        alts.sort_by_key(|a| std::cmp::Reverse(a.len()));
        Regex::new(&format!(r"(?:^|[.!?)\]]\s*)\b({})\s*:", alts.join("|"))).expect("static regex")
    });
    static GLUED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"([a-z]{2,})\.([A-Z][a-z])").expect("static regex"));
    let mut out: Vec<String> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        let mut p = squash_ws(p);
        if i == 0 {
            p = strip_abstract_label(&p).to_string();
        }
        if p.is_empty() {
            continue;
        }
        // Split at inline upper-case labels first.
        let mut starts: Vec<usize> =
            INLINE.captures_iter(&p).filter_map(|c| c.get(1).map(|m| m.start())).filter(|&s| s > 0).collect();
        starts.dedup();
        let mut pieces = Vec::new();
        let mut prev = 0;
        for s in starts {
            if let Some(piece) = p.get(prev..s) {
                pieces.push(piece.trim().to_string());
            }
            prev = s;
        }
        if let Some(piece) = p.get(prev..) {
            pieces.push(piece.trim().to_string());
        }
        all.extend(
            pieces
                .into_iter()
                .filter(|x| !x.is_empty())
                .map(|x| GLUED.replace_all(&x, "$1. $2").into_owned()),
        );
    }
    // A label without colon ("Objectives Infant ...", "MethodsThis") counts only
    // when the abstract has at least two labelled sections, so that a plain
    // abstract opening with "Design Thinking is ..." is left alone.
    let labelled = all.iter().filter(|p| section_label_at(p, true).is_some()).count();
    let loose = labelled >= 2;
    for piece in all {
        match section_label_at(&piece, loose) {
            Some((label, rest)) => {
                let head = piece.trim_start().get(..label.len()).unwrap_or(label).to_string();
                out.push(format!("{head}: {}", rest.trim()));
            }
            None => out.push(piece),
        }
    }
    out.join("\n")
}

/// Removes a leading "Abstract"/"ABSTRACT"/"摘要" label ("ABSTRACT We examined").
pub fn strip_abstract_label(s: &str) -> &str {
    let t = s.trim_start();
    for label in ["ABSTRACT", "Abstract", "abstract", "摘要", "Summary", "SUMMARY"] {
        if let Some(rest) = t.strip_prefix(label) {
            let rest2 = rest.trim_start_matches([':', '：', '.', ' ']);
            if rest.is_empty() || rest2.len() < rest.len() {
                return rest2;
            }
        }
    }
    t
}

/// True when `line` is an "Abstract" heading on its own line.
pub fn is_abstract_heading(line: &str) -> bool {
    let l = squash_ws(line).to_lowercase();
    matches!(
        l.trim_end_matches([':', '：', '.']),
        "abstract" | "摘要" | "summary" | "résumé" | "resumen" | "resumo"
    )
}

/// Splits text into paragraphs at blank lines, returning each paragraph's
/// 1-based first line and its lines.
pub fn paragraphs(text: &str) -> Vec<(u32, Vec<&str>)> {
    let mut out: Vec<(u32, Vec<&str>)> = Vec::new();
    let mut cur: Option<(u32, Vec<&str>)> = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if let Some(p) = cur.take() {
                out.push(p);
            }
        } else {
            cur.get_or_insert_with(|| (i as u32 + 1, Vec::new())).1.push(line);
        }
    }
    out.extend(cur);
    out
}

/// Distinct lowercase words of `text` (letters only), for quick look-ups.
pub fn word_set(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| w.len() > 1).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_lines() {
        for l in [
            "Talk to us",
            "Schedule a call",
            "Your browser doesn't support javascript.",
            "Show: 20 | 50 | 100",
            "阅读:1",
            "浏览 25",
            "来源:生知库",
            "引用次数: 0",
            "特别声明",
            "期刊介绍:",
            "4、投稿及合作请联系:info@biocloudy.com。",
            "1、本页面内容包含部分的内容是基于公开信息的合理引用;引用内容仅为补充信息,不代表本站立场。",
            "Disclaimer: All third-party content on this website/platform is and will remain...",
            "Join us for a 30 min session where you can share your feedback and ask us any queries you have",
            "SELECTION OF CITATIONS",
        ] {
            assert!(is_boilerplate_line(l), "{l}");
        }
        for l in [
            "阅读障碍儿童的早期干预",
            "Widening access to perinatal mental health group interventions",
            "BACKGROUND: Perinatal mental health (PMH) difficulties can adversely affect family relationships.",
            "1. Familiarisation with the data",
        ] {
            assert!(!is_boilerplate_line(l), "{l}");
        }
    }

    #[test]
    fn dehyphenation() {
        let t = "encourage reflec-\ntive practice in the parent-\ninfant dyad; parent-infant work";
        assert_eq!(
            dehyphenate(t),
            "encourage reflective practice in the parent-infant dyad; parent-infant work"
        );
        assert_eq!(dehyphenate("a self-\nesteem b"), "a self-esteem b");
        assert_eq!(dehyphenate("the MI-\nAIMH model"), "the MI-AIMH model");
    }

    #[test]
    fn sections() {
        let paras = vec!["ABSTRACT BACKGROUND: One. METHODS: Two. CONCLUSION: Three.".to_string()];
        assert_eq!(structure_abstract(&paras), "BACKGROUND: One.\nMETHODS: Two.\nCONCLUSION: Three.");
        let paras = vec!["Objectives Infant health.".to_string(), "MethodsThis study had.".to_string()];
        assert_eq!(structure_abstract(&paras), "Objectives: Infant health.\nMethods: This study had.");
        let paras = vec!["Design Thinking is a method. It helps.".to_string()];
        assert_eq!(structure_abstract(&paras), "Design Thinking is a method. It helps.");
        assert_eq!(guess_language("扩大围产期心理健康小组干预措施的覆盖范围").as_deref(), Some("zh"));
        assert_eq!(guess_language("The aim of the study was to find out.").as_deref(), Some("en"));
    }
}
