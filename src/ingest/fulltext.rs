//! Full texts of articles (PDF text or pasted text) with author-year callouts.
//!
//! A full text is recognised by its structure: it is long, has several of the
//! usual section headings on lines of their own (Introduction/Background,
//! Method(s), Results/Findings, Discussion, Conclusion(s)) and author-year
//! callouts or a reference list. [`parse`] gives one [`Record`]: the title and
//! byline when the text opens with them, the abstract (structured sections
//! kept, PDF-glued labels such as "MethodsThis study" repaired, words broken at
//! line ends rejoined), and one citation per distinct work called out in the
//! text before the reference list (see [`super::callouts`]).

use super::callouts;
use super::page_text::{
    dehyphenate_in, guess_language, is_abstract_heading, is_boilerplate_line, strip_abstract_label,
    structure_abstract,
};
use crate::model::norm::squash_ws;
use crate::model::{Diagnostic, Parsed, Provenance, Record};

/// Section kinds recognised as headings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Introduction,
    Methods,
    Results,
    Discussion,
    Conclusion,
    References,
}

/// The section a heading line opens, if it is a heading: a short line (at most
/// eight words, no final period) whose words, after optional numbering
/// ("2.", "II."), start with a section name.
fn heading_of(line: &str) -> Option<Section> {
    // Headings are short; skip long lines before allocating.
    if line.len() > 120 || !line.trim_start().starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let t = squash_ws(line);
    let words = t.split(' ').count();
    if t.is_empty() || words > 8 || t.ends_with(['.', ',', ';']) && !t.ends_with("..") {
        return None;
    }
    let t = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    let l = t.to_lowercase();
    let starts = |names: &[&str]| {
        names.iter().any(|n| l == *n || l.starts_with(&format!("{n} ")) || l.starts_with(&format!("{n}:")))
    };
    if !t.starts_with(char::is_uppercase) {
        return None;
    }
    if starts(&["introduction", "background"]) {
        Some(Section::Introduction)
    } else if starts(&[
        "method",
        "methods",
        "materials and methods",
        "methodology",
        "patients and methods",
        "study design",
    ]) {
        Some(Section::Methods)
    } else if starts(&["results", "findings"]) {
        Some(Section::Results)
    } else if starts(&["discussion", "general discussion"]) {
        Some(Section::Discussion)
    } else if starts(&["conclusion", "conclusions", "concluding remarks"]) {
        Some(Section::Conclusion)
    } else if starts(&["references", "bibliography", "reference list", "works cited", "literature cited"])
        && words <= 3
    {
        Some(Section::References)
    } else {
        None
    }
}

/// True when `text` is an article's full text: at least 3,000 characters,
/// headings of at least three different kinds among Introduction/Background,
/// Methods, Results, Discussion and Conclusion, and either two author-year
/// callouts or a reference-list heading.
pub fn looks_like_full_text(text: &str) -> bool {
    if text.len() < 3000 {
        return false;
    }
    let mut kinds: Vec<Section> = text.lines().filter_map(heading_of).collect();
    kinds.sort();
    kinds.dedup();
    let has_refs = kinds.contains(&Section::References);
    let body_kinds = kinds.iter().filter(|k| **k != Section::References).count();
    if body_kinds < 3 {
        return false;
    }
    has_refs || callouts::extract("", text, 0).iter().map(|c| c.count).sum::<u32>() >= 2
}

/// Reads a full text into one record with its abstract and callout citations.
pub fn parse(input: &str, text: &str) -> Parsed {
    let lines: Vec<&str> = text.lines().collect();
    let mut diags = Vec::new();
    let mut rec = Record::new(Provenance::new(input, 1, None), "full-text");

    let first_heading = lines.iter().position(|l| heading_of(l).is_some_and(|s| s != Section::References));
    // The abstract starts after an "Abstract" heading line, or at a line that
    // opens with the label ("ABSTRACT Background: ...") before the first heading.
    let abstract_at = lines.iter().position(|l| is_abstract_heading(l)).or_else(|| {
        let limit = first_heading.unwrap_or(lines.len()).min(200);
        lines.iter().take(limit).position(|l| {
            let t = l.trim_start();
            (t.starts_with("Abstract") || t.starts_with("ABSTRACT"))
                && strip_abstract_label(t).len() < t.len()
                && t.split_whitespace().count() >= 8
        })
    });
    let abstract_inline = abstract_at.is_some_and(|a| !is_abstract_heading(lines[a]));
    let references_at = lines
        .iter()
        .enumerate()
        .skip(first_heading.unwrap_or(0))
        .rev()
        .find(|(_, l)| heading_of(l) == Some(Section::References))
        .map(|(i, _)| i);

    // Title and byline: the opening lines before the abstract or first heading.
    let front_end = match (abstract_at, first_heading) {
        (Some(a), Some(h)) => a.min(h),
        (Some(a), None) => a,
        (None, Some(h)) => h,
        (None, None) => 0,
    };
    read_front_matter(lines.get(..front_end).unwrap_or(&[]), &mut rec);

    // Abstract: from its heading to the first body heading after it.
    if let Some(a) = abstract_at {
        let lower = text.to_lowercase();
        let first = if abstract_inline { a } else { a + 1 };
        let end = lines
            .iter()
            .enumerate()
            .skip(a + 1)
            .find(|(_, l)| heading_of(l).is_some())
            .map_or(lines.len().min(a + 60), |(i, _)| i);
        let paras: Vec<String> = lines
            .get(first..end)
            .unwrap_or(&[])
            .split(|l| l.trim().is_empty())
            .filter(|p| !p.is_empty())
            .map(|p| dehyphenate_in(&p.join("\n"), &lower))
            .collect();
        let abs = structure_abstract(&paras);
        rec.abstract_text = Some(abs).filter(|a| !a.is_empty());
    }

    // Callouts in everything before the reference list.
    let body_end = references_at.unwrap_or(lines.len());
    let body: String = lines.get(..body_end).unwrap_or(&[]).join("\n");
    rec.citations = callouts::extract(input, &body, 0);
    if let Some(r) = references_at {
        let entries = lines.get(r + 1..).unwrap_or(&[]).iter().filter(|l| !l.trim().is_empty()).count();
        diags.push(Diagnostic::info(
            Provenance::new(input, u32::try_from(r + 1).unwrap_or(u32::MAX), None),
            format!("reference list ({entries} lines) not read: citations come from the in-text callouts"),
        ));
    }
    if rec.citations.is_empty() {
        diags.push(Diagnostic::info(Provenance::new(input, 1, None), "no author-year callouts found"));
    }
    let sample: String = body.chars().take(20_000).collect();
    rec.language = guess_language(&sample);
    rec.mark_missing();
    Parsed { records: vec![rec], diagnostics: diags, seen: 1 }
}

/// Title (first substantial line) and byline (next line that reads like a
/// list of names) from the lines before the abstract; journal headers, DOIs,
/// licences and boilerplate are skipped.
fn read_front_matter(lines: &[&str], rec: &mut Record) {
    for raw in lines {
        for id in super::page::identifiers_in(raw) {
            rec.add_id(id);
        }
    }
    for raw in lines {
        let line = squash_ws(raw);
        let lower = line.to_lowercase();
        let furniture = line.is_empty()
            || is_boilerplate_line(&line)
            || lower.contains("doi")
            || lower.contains("http")
            || lower.contains("vol.")
            || lower.contains("volume")
            || lower.contains("journal")
            || lower.contains("received")
            || lower.contains("accepted")
            || lower.contains("licen");
        if furniture {
            continue;
        }
        let words = line.split(' ').count();
        if rec.title.is_none() {
            if (3..=40).contains(&words) && !line.ends_with('.') {
                rec.title = Some(line);
            }
        } else if rec.authors.is_empty() && words <= 40 && (line.contains(',') || line.contains(" and ")) {
            let cleaned: String =
                line.chars().filter(|c| !c.is_ascii_digit() && *c != '*' && *c != '†').collect();
            let names = cleaned.replace(" and ", ", ");
            let authors = super::page::split_author_list(&names);
            if authors.iter().all(|a| a.family.starts_with(char::is_uppercase)) {
                rec.authors = authors;
            }
            break;
        } else {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(heading_of(" Introduction"), Some(Section::Introduction));
        assert_eq!(heading_of("2. Methods"), Some(Section::Methods));
        assert_eq!(heading_of("Strengths and Limitations"), None);
        assert_eq!(heading_of("Results were mixed and the data gathered."), None);
        assert_eq!(heading_of("References"), Some(Section::References));
    }
}
