//! The deduplicated corpus as records, for the RIS and CSL-JSON writers: one
//! record per resolved paper (fields as chosen by resolution, every author as
//! resolved), and optionally one per cited-only work.

use crate::model::{AgentKind, Author, Corpus, Provenance, Record, WorkKind};

/// One record per work of `corpus` (papers; cited-only works too when
/// `include_cited`), in corpus order.
pub fn from_corpus(corpus: &Corpus, include_cited: bool) -> Vec<Record> {
    let mut bylines: Vec<Vec<(u32, u32)>> = vec![Vec::new(); corpus.works.len()];
    for a in &corpus.authorships {
        bylines[a.work as usize].push((a.position, a.agent));
    }
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
                    Author {
                        raw: a.name.clone(),
                        family: a.family.clone(),
                        given: a.given.clone(),
                        is_org: a.kind == AgentKind::Organisation,
                        orcid: a.orcid.clone(),
                        ..Author::default()
                    }
                })
                .collect();
            if r.authors.is_empty() {
                if let Some(c) = &w.cited_authors {
                    r.authors = vec![Author::person(c)];
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
            r.subjects = corpus
                .about
                .iter()
                .filter(|a| a.work as usize == i)
                .map(|a| corpus.subjects[a.subject as usize].name.clone())
                .collect();
            r.language = w.language.as_ref().map(|l| l.value.clone());
            r.doc_type = w.doc_type.as_ref().map(|d| d.value);
            r.times_cited = w.times_cited.as_ref().map(|t| t.value);
            r
        })
        .collect()
}
