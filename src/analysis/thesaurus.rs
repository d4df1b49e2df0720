//! Thesaurus files in VOSviewer's format: a tab-separated text file whose
//! first line is the header `label<TAB>replace by`, then one line per
//! variant: the label as it appears and what it becomes ("covid-19" ->
//! "covid", "J. Hayes" -> "Hayes, J."); an empty replacement removes the
//! term. Labels match case-insensitively with whitespace squashed.
//!
//! [`Thesaurus::apply`] rewrites a corpus before networks and cluster names
//! are computed: whole-word phrases in titles, abstracts and keywords;
//! subject headings, venue names and author names that equal a label. Names
//! that become equal are merged (their edges are moved to the first one in
//! corpus order, duplicates dropped), so two spellings of one person or one
//! journal are one node. Ids of the kept entities do not change.
//!
//! Complexity: parsing is linear; applying is one regex pass over each text
//! (the labels form one alternation, longest first) plus linear remapping.

use crate::model::{Corpus, Diagnostic, Provenance};
use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A parsed thesaurus.
#[derive(Clone, Debug, Default)]
pub struct Thesaurus {
    /// Folded label -> replacement (empty: remove).
    map: BTreeMap<String, String>,
    /// All labels as one case-insensitive, whole-word alternation.
    pattern: Option<Regex>,
}

/// What applying a thesaurus changed, for `summary.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Entries in the file.
    pub entries: usize,
    /// Phrases replaced or removed in titles, abstracts and keywords.
    pub terms: usize,
    /// Subject headings renamed.
    pub subjects: usize,
    /// Venues renamed.
    pub venues: usize,
    /// Authors renamed.
    pub names: usize,
    /// Entities merged into another of the same new name.
    pub merged: usize,
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Thesaurus {
    /// Reads a thesaurus file (`input` names it in diagnostics). Lines
    /// without a tab, and a header line other than VOSviewer's, are reported
    /// and skipped; the rest is read.
    pub fn parse(input: &str, text: &str) -> (Thesaurus, Vec<Diagnostic>) {
        let mut map = BTreeMap::new();
        let mut diagnostics = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_start_matches('\u{feff}');
            if line.trim().is_empty() {
                continue;
            }
            let at = || Provenance::new(input, i as u32 + 1, None);
            let Some((label, replace)) = line.split_once('\t') else {
                diagnostics.push(Diagnostic::warning(at(), "thesaurus line without a tab skipped"));
                continue;
            };
            if i == 0 {
                if fold(label) == "label" && fold(replace) == "replace by" {
                    continue;
                }
                diagnostics.push(Diagnostic::info(
                    at(),
                    "thesaurus has no `label<TAB>replace by` header; first line read as an entry",
                ));
            }
            let key = fold(label);
            if key.is_empty() {
                diagnostics.push(Diagnostic::warning(at(), "thesaurus entry with an empty label skipped"));
                continue;
            }
            map.insert(key, replace.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        let mut labels: Vec<&String> = map.keys().collect();
        labels.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let alternation: Vec<String> =
            labels.iter().map(|l| regex::escape(l).replace("\\ ", " ").replace(' ', r"\s+")).collect();
        let pattern = if alternation.is_empty() {
            None
        } else {
            Regex::new(&format!(r"(?i)(?:^|\b)(?:{})(?:\b|$)", alternation.join("|"))).ok()
        };
        (Thesaurus { map, pattern }, diagnostics)
    }

    /// Entries read.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no entry was read.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The replacement of a whole name or term, if the thesaurus lists it.
    pub fn lookup(&self, s: &str) -> Option<&str> {
        self.map.get(&fold(s)).map(String::as_str)
    }

    /// `text` with every listed phrase replaced; the count of replacements.
    pub fn replace_in(&self, text: &str) -> (String, usize) {
        let Some(re) = &self.pattern else { return (text.to_string(), 0) };
        let mut n = 0;
        let out = re.replace_all(text, |c: &regex::Captures| {
            let m = c.get(0).map_or("", |m| m.as_str());
            match self.map.get(&fold(m)) {
                Some(r) => {
                    n += 1;
                    r.clone()
                }
                None => m.to_string(),
            }
        });
        let out = if n > 0 { out.split_whitespace().collect::<Vec<_>>().join(" ") } else { out.into_owned() };
        (out, n)
    }

    /// Rewrites `corpus` (see the module documentation).
    pub fn apply(&self, corpus: &mut Corpus) -> Applied {
        let mut applied = Applied { entries: self.map.len(), ..Applied::default() };
        if self.map.is_empty() {
            return applied;
        }
        for w in &mut corpus.works {
            for text in w
                .title
                .iter_mut()
                .map(|t| &mut t.value)
                .chain(w.abstract_text.iter_mut().map(|a| &mut a.value))
            {
                let (new, n) = self.replace_in(text);
                applied.terms += n;
                *text = new;
            }
            for k in &mut w.keywords {
                let (new, n) = self.replace_in(&k.value);
                applied.terms += n;
                k.value = new;
            }
            w.keywords.retain(|k| !k.value.trim().is_empty());
        }

        // Subjects: rename, then merge equal names; removed ones lose their edges.
        let mut subject_to: Vec<Option<u32>> = Vec::with_capacity(corpus.subjects.len());
        let mut first: HashMap<String, u32> = HashMap::new();
        for (i, s) in corpus.subjects.iter_mut().enumerate() {
            if let Some(r) = self.lookup(&s.name) {
                applied.subjects += 1;
                s.name = r.to_string();
            }
            if s.name.trim().is_empty() {
                subject_to.push(None);
                continue;
            }
            let target = *first.entry(fold(&s.name)).or_insert(i as u32);
            applied.merged += usize::from(target != i as u32);
            subject_to.push(Some(target));
        }
        corpus.about.retain_mut(|a| match subject_to.get(a.subject as usize).copied().flatten() {
            Some(t) => {
                a.subject = t;
                true
            }
            None => false,
        });
        corpus.about.sort_by_key(|a| (a.work, a.subject));
        corpus.about.dedup_by_key(|a| (a.work, a.subject));

        // Venues.
        let mut venue_to: Vec<u32> = Vec::with_capacity(corpus.venues.len());
        let mut first: HashMap<String, u32> = HashMap::new();
        for (i, v) in corpus.venues.iter_mut().enumerate() {
            if let Some(r) = self.lookup(&v.name).filter(|r| !r.is_empty()) {
                applied.venues += 1;
                v.name = r.to_string();
            }
            let target = *first.entry(fold(&v.name)).or_insert(i as u32);
            applied.merged += usize::from(target != i as u32);
            venue_to.push(target);
        }
        for w in &mut corpus.works {
            if let Some(v) = w.venue.as_mut() {
                *v = venue_to.get(*v as usize).copied().unwrap_or(*v);
            }
        }
        for p in &mut corpus.published_in {
            p.venue = venue_to.get(p.venue as usize).copied().unwrap_or(p.venue);
        }

        // Authors: a listed full name ("Hayes, J.") or family name is renamed.
        let mut agent_to: Vec<u32> = Vec::with_capacity(corpus.agents.len());
        let mut first: HashMap<String, u32> = HashMap::new();
        for (i, a) in corpus.agents.iter_mut().enumerate() {
            if let Some(r) = self.lookup(&a.name).filter(|r| !r.is_empty()) {
                applied.names += 1;
                a.name = r.to_string();
                match r.split_once(", ") {
                    Some((family, given)) => {
                        a.family = family.to_string();
                        a.given = given.to_string();
                    }
                    None => a.family = r.to_string(),
                }
            }
            let target = *first.entry(format!("{:?}|{}", a.kind, fold(&a.name))).or_insert(i as u32);
            applied.merged += usize::from(target != i as u32);
            agent_to.push(target);
        }
        for au in &mut corpus.authorships {
            au.agent = agent_to.get(au.agent as usize).copied().unwrap_or(au.agent);
        }
        corpus.authorships.sort_by_key(|a| (a.work, a.position, a.agent));
        let mut seen = std::collections::HashSet::new();
        corpus.authorships.retain(|a| seen.insert((a.work, a.agent)));
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vosviewer_files_and_replaces_whole_phrases() {
        let file = "label\treplace by\ncovid-19\tcovid\nSARS CoV 2\tcovid\nstudy\t\nno tab here\n";
        let (t, d) = Thesaurus::parse("t.txt", file);
        assert_eq!(t.len(), 3);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].at.line, 5);
        let (s, n) = t.replace_in("COVID-19 and SARS  CoV 2: a study of students");
        assert_eq!(s, "covid and covid: a of students");
        assert_eq!(n, 3);
        assert_eq!(t.lookup(" Covid-19 "), Some("covid"));
        assert_eq!(t.replace_in("nothing listed").1, 0);
    }
}
