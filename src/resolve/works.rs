//! Step 1: group records that describe the same work.
//!
//! Rules, strongest first: shared identifier; same normalised title with a
//! compatible year and first author; the same abstract (near-identical after
//! removing everything but letters and digits, which absorbs PDF hyphenation,
//! glued words and section-label punctuation); near-identical titles inside a
//! block of the same first author and year. A merge that would put two
//! different DOIs (or PMIDs, or other ids of one scheme) in one group is
//! refused and reported: weak signals never override identifiers.

use super::util::{similarity, years_compatible};
use super::Options;
use crate::model::{norm, Diagnostic, Identifier, Record};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The grouping: record -> group, group -> records.
pub(crate) struct Groups {
    /// Group of each record.
    pub record_group: Vec<usize>,
    /// Records of each group, sorted by provenance; groups ordered by their first record.
    pub members: Vec<Vec<usize>>,
    /// The rules that joined each group's records.
    pub matched_on: Vec<BTreeSet<&'static str>>,
}

struct Features {
    ids: Vec<Identifier>,
    title: String,
    years: Vec<i32>,
    first_author: String,
    abstract_key: String,
    venue: String,
}

fn features(r: &Record) -> Features {
    let mut years = Vec::new();
    if let Some(d) = r.published {
        years.push(d.year);
    }
    if let Some(d) = r.epublished {
        years.push(d.year);
    }
    Features {
        ids: r.ids.clone(),
        title: r.title.as_deref().map(norm::title_key).unwrap_or_default(),
        years,
        first_author: r.authors.first().map(|a| norm::family_key(&a.family)).unwrap_or_default(),
        abstract_key: r.abstract_text.as_deref().map(norm::alnum_key).unwrap_or_default(),
        venue: r.venue.as_deref().or(r.venue_abbrev.as_deref()).map(norm::alnum_key).unwrap_or_default(),
    }
}

/// Union-find whose roots carry the identifiers of their members, so that a
/// merge joining two different identifiers of one scheme can be refused.
struct Uf {
    parent: Vec<usize>,
    ids: Vec<BTreeMap<&'static str, BTreeSet<String>>>,
    rules: Vec<BTreeSet<&'static str>>,
}

impl Uf {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins the groups of `a` and `b` unless their identifiers conflict;
    /// returns the conflicting scheme when refused.
    fn union(&mut self, a: usize, b: usize, rule: &'static str) -> Result<(), &'static str> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Ok(());
        }
        for (scheme, set) in &self.ids[ra] {
            if let Some(other) = self.ids[rb].get(scheme) {
                if set.is_disjoint(other) {
                    return Err(scheme);
                }
            }
        }
        let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[gone] = keep;
        let moved = std::mem::take(&mut self.ids[gone]);
        for (scheme, set) in moved {
            self.ids[keep].entry(scheme).or_default().extend(set);
        }
        let moved = std::mem::take(&mut self.rules[gone]);
        self.rules[keep].extend(moved);
        self.rules[keep].insert(rule);
        Ok(())
    }
}

fn authors_compatible(a: &Features, b: &Features) -> bool {
    a.first_author.is_empty() || b.first_author.is_empty() || a.first_author == b.first_author
}

/// Groups `records` into works.
pub(crate) fn group(records: &[Record], opts: &Options, diags: &mut Vec<Diagnostic>) -> Groups {
    let n = records.len();
    // Canonical order, so the grouping does not depend on input order.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| records[a].at.cmp(&records[b].at));
    let feats: Vec<Features> = records.iter().map(features).collect();
    let mut uf = Uf {
        parent: (0..n).collect(),
        ids: feats
            .iter()
            .map(|f| {
                let mut m: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
                for id in &f.ids {
                    m.entry(id.scheme()).or_default().insert(id.value().to_string());
                }
                m
            })
            .collect(),
        rules: vec![BTreeSet::new(); n],
    };
    let refuse = |uf: &mut Uf, a: usize, b: usize, rule: &'static str, diags: &mut Vec<Diagnostic>| {
        if let Err(scheme) = uf.union(a, b, rule) {
            diags.push(Diagnostic::warning(
                records[b].at.clone(),
                format!(
                    "not merged with {} although their {rule} match: their {scheme}s differ",
                    records[a].at
                ),
            ));
        }
    };

    // 1. Identifiers.
    let mut by_id: HashMap<&Identifier, usize> = HashMap::new();
    for &i in &order {
        for id in &feats[i].ids {
            match by_id.get(id) {
                Some(&first) => {
                    let rule = match id {
                        Identifier::Doi(_) => "doi",
                        Identifier::Pmid(_) => "pmid",
                        _ => "identifier",
                    };
                    refuse(&mut uf, first, i, rule, diags);
                }
                None => {
                    by_id.insert(id, i);
                }
            }
        }
    }

    // 2. Same normalised title, compatible year and first author.
    let mut by_title: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &order {
        if feats[i].title.len() >= opts.min_title_len {
            by_title.entry(feats[i].title.as_str()).or_default().push(i);
        }
    }
    for members in by_title.values() {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                if years_compatible(&feats[a].years, &feats[b].years, opts.year_slack)
                    && authors_compatible(&feats[a], &feats[b])
                {
                    refuse(&mut uf, a, b, "title+year", diags);
                }
            }
        }
    }

    // 3. Abstract identity: exact key, else near-identical within blocks that
    // share the first or the last 48 characters.
    let mut blocks: BTreeMap<(u8, String), Vec<usize>> = BTreeMap::new();
    for &i in &order {
        let key = &feats[i].abstract_key;
        if key.len() < opts.min_abstract_len {
            continue;
        }
        blocks.entry((0, key[..48].to_string())).or_default().push(i);
        blocks.entry((1, key[key.len() - 48..].to_string())).or_default().push(i);
    }
    for members in blocks.values() {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                let (fa, fb) = (&feats[a], &feats[b]);
                let titles_ok = fa.title.is_empty()
                    || fb.title.is_empty()
                    || similarity(&fa.title, &fb.title, 300) >= 0.8;
                if titles_ok
                    && years_compatible(&fa.years, &fb.years, opts.year_slack)
                    && authors_compatible(fa, fb)
                    && similarity(&fa.abstract_key, &fb.abstract_key, 4000) >= opts.abstract_similarity
                {
                    refuse(&mut uf, a, b, "abstract", diags);
                }
            }
        }
    }

    // 4. Near-identical titles in one first-author + year block (typos,
    // punctuation, a record exported twice).
    let mut author_year: BTreeMap<(&str, i32), Vec<usize>> = BTreeMap::new();
    for &i in &order {
        let f = &feats[i];
        if f.first_author.is_empty() || f.title.len() < opts.min_title_len {
            continue;
        }
        if let Some(&y) = f.years.first() {
            author_year.entry((f.first_author.as_str(), y)).or_default().push(i);
        }
    }
    for members in author_year.values() {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                let (fa, fb) = (&feats[a], &feats[b]);
                let venue_ok = fa.venue.is_empty() || fb.venue.is_empty() || fa.venue == fb.venue;
                if venue_ok && similarity(&fa.title, &fb.title, 400) >= opts.title_similarity {
                    refuse(&mut uf, a, b, "similar title+author+year", diags);
                }
            }
        }
    }

    let mut root_group: BTreeMap<usize, usize> = BTreeMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut matched_on = Vec::new();
    let mut record_group = vec![0; n];
    for &i in &order {
        let r = uf.find(i);
        let g = *root_group.entry(r).or_insert_with(|| {
            members.push(Vec::new());
            matched_on.push(BTreeSet::new());
            members.len() - 1
        });
        members[g].push(i);
        record_group[i] = g;
    }
    for (r, &g) in &root_group {
        matched_on[g] = uf.rules[*r].clone();
    }
    Groups { record_group, members, matched_on }
}
