//! The deduplicated corpus as records, for the RIS and CSL-JSON writers: one
//! record per resolved paper (fields as chosen by resolution, every author as
//! resolved), and optionally one per cited-only work. A cited-only work knows
//! its authors only as a byline ("Hayes et al.", "Smith & Jones", "NICE"):
//! [`byline_authors`] turns it back into a list of family names (and
//! organisations), never into a person called "Hayes et, al.". [`notes`]
//! names, for each cited-only work, the papers whose reference lists it came
//! from (RIS `N1`, CSL-JSON `note`).

use crate::model::{AgentKind, Author, Corpus, Provenance, Record, WorkKind};

/// Words that make a byline entry an organisation rather than a family name.
const ORG_WORDS: &[&str] = &[
    "agency",
    "association",
    "board",
    "centre",
    "center",
    "college",
    "commission",
    "committee",
    "council",
    "department",
    "executive",
    "foundation",
    "government",
    "group",
    "health",
    "institute",
    "ministry",
    "network",
    "office",
    "organisation",
    "organization",
    "service",
    "services",
    "society",
    "trust",
    "unit",
    "university",
];

/// The authors of a byline as resolution writes it for cited works:
/// "Hayes et al." -> [Hayes], "Smith & Jones" -> [Smith, Jones], "Royal
/// College of Psychiatrists" -> one organisation. Entries are family names
/// (cited references give no given names worth keeping).
pub fn byline_authors(byline: &str) -> Vec<Author> {
    let mut text = byline.trim();
    for tail in [" et al.", " et al", " et al.,", " and others"] {
        if let Some(t) = text.strip_suffix(tail) {
            text = t.trim();
        }
    }
    text.split(" & ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let words: Vec<String> = p.split_whitespace().map(|w| w.to_lowercase()).collect();
            let acronym = p.len() >= 2 && p.chars().all(|c| c.is_ascii_uppercase() || c == '-');
            if acronym || words.len() > 3 || words.iter().any(|w| ORG_WORDS.contains(&w.as_str())) {
                Author::org(p)
            } else {
                Author { raw: p.to_string(), family: p.to_string(), ..Author::default() }
            }
        })
        .collect()
}

/// Most citing papers named in one note.
const NOTE_CITERS: usize = 10;

/// For each record [`from_corpus`] gives (same order, same `include_cited`):
/// for cited-only works, "Cited by: <label> (doi:…); …" naming the papers of
/// the corpus that cite it (at most 10, then "+N more"); `None` otherwise.
pub fn notes(corpus: &Corpus, include_cited: bool) -> Vec<Option<String>> {
    let mut citers: Vec<Vec<u32>> = vec![Vec::new(); corpus.works.len()];
    for c in &corpus.cites {
        if let Some(v) = citers.get_mut(c.to as usize) {
            v.push(c.from);
        }
    }
    corpus
        .works
        .iter()
        .enumerate()
        .filter(|(_, w)| include_cited || w.kind == WorkKind::Paper)
        .map(|(i, w)| {
            if w.kind != WorkKind::CitedWork || citers[i].is_empty() {
                return None;
            }
            let mut names: Vec<String> = citers[i]
                .iter()
                .take(NOTE_CITERS)
                .filter_map(|&f| corpus.works.get(f as usize))
                .map(|p| {
                    let doi = p.ids.iter().find_map(|id| match &id.value {
                        crate::model::Identifier::Doi(d) => Some(d.as_str()),
                        _ => None,
                    });
                    match doi {
                        Some(d) => format!("{} (doi:{d})", p.label),
                        None => p.label.clone(),
                    }
                })
                .collect();
            if citers[i].len() > NOTE_CITERS {
                names.push(format!("+{} more", citers[i].len() - NOTE_CITERS));
            }
            Some(format!("Cited by: {}", names.join("; ")))
        })
        .collect()
}

/// One record per work of `corpus` (papers; cited-only works too when
/// `include_cited`), in corpus order.
pub fn from_corpus(corpus: &Corpus, include_cited: bool) -> Vec<Record> {
    let mut bylines: Vec<Vec<(u32, u32)>> = vec![Vec::new(); corpus.works.len()];
    for a in &corpus.authorships {
        if let Some(b) = bylines.get_mut(a.work as usize) {
            b.push((a.position, a.agent));
        }
    }
    let subjects = corpus.subjects_by_work();
    corpus
        .works
        .iter()
        .enumerate()
        .filter(|(_, w)| include_cited || w.kind == WorkKind::Paper)
        .map(|(i, w)| {
            let mut r = Record::new(Provenance::new("citemap", 0, Some(w.id.clone())), "corpus");
            r.title = w.title.as_ref().map(|t| t.value.clone());
            r.alt_titles = w.alt_titles.iter().map(|t| t.value.clone()).collect();
            let mut byline = bylines[i].clone();
            byline.sort();
            r.authors = byline
                .iter()
                .map(|&(_, ag)| {
                    let a = &corpus.agents[ag as usize];
                    let mut author = Author {
                        raw: a.name.clone(),
                        family: a.family.clone(),
                        given: a.given.clone(),
                        is_org: a.kind == AgentKind::Organisation,
                        ..Author::default()
                    };
                    author.set_orcid(a.orcid.clone());
                    author
                })
                .collect();
            if r.authors.is_empty() {
                if let Some(c) = &w.cited_authors {
                    r.authors = byline_authors(c);
                }
            }
            r.ids = w.ids.iter().map(|i| i.value.clone()).collect();
            if let Some(v) = w.venue {
                let v = &corpus.venues[v as usize];
                r.venue = Some(v.name.clone());
                r.venue_abbrev = v.abbrevs.first().cloned();
                r.issn = v.issn.clone();
            }
            r.volume = w.volume.as_ref().map(|v| v.value.clone());
            r.issue = w.issue.as_ref().map(|v| v.value.clone());
            r.pages = w.pages.as_ref().map(|v| v.value.clone());
            r.published = w
                .published
                .as_ref()
                .map(|d| d.value)
                .or(w.year.as_ref().map(|y| crate::model::Date::year(y.value)));
            r.epublished = w.epublished.as_ref().map(|d| d.value);
            r.abstract_text = w.abstract_text.as_ref().map(|a| a.value.clone());
            r.keywords = w.keywords.iter().map(|k| k.value.clone()).collect();
            r.affiliations = w.affiliations.iter().map(|a| a.value.clone()).collect();
            r.subjects = subjects[i]
                .iter()
                .filter_map(|&s| corpus.subjects.get(s as usize))
                .map(|s| s.name.clone())
                .collect();
            r.language = w.language.as_ref().map(|l| l.value.clone());
            r.doc_type = w.doc_type.as_ref().map(|d| d.value);
            r.times_cited = w.times_cited.as_ref().map(|t| t.value);
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn families(b: &str) -> Vec<(String, bool)> {
        byline_authors(b).into_iter().map(|a| (a.family, a.is_org)).collect()
    }

    #[test]
    fn bylines_become_author_lists() {
        assert_eq!(families("Hayes et al."), vec![("Hayes".to_string(), false)]);
        assert_eq!(
            families("Smith & Jones"),
            vec![("Smith".to_string(), false), ("Jones".to_string(), false)]
        );
        assert_eq!(
            families("Royal College of Psychiatrists"),
            vec![("Royal College of Psychiatrists".to_string(), true)]
        );
        assert_eq!(families("NICE"), vec![("NICE".to_string(), true)]);
        assert_eq!(families("Costa de Beauregard"), vec![("Costa de Beauregard".to_string(), false)]);
    }
}
