//! Step 4: build the [`Corpus`]: merge each group's fields with their sources,
//! record conflicts, give every entity a stable id and label, and sort
//! entities and edges so the corpus is the same whatever the input order.

use super::cited::{Cited, Target};
use super::people::Agents;
use super::similarity::{id_of_number, stable_number};
use super::works::Groups;
use crate::model::{
    norm, About, Agent, AgentKind, Authorship, Citation, Cites, Claim, Conflict, Corpus, Diagnostic,
    Identifier, Provenance, PublishedIn, Record, Sourced, Subject, Venue, VersionOf, Work, WorkConflict,
    WorkKind,
};
use std::collections::{BTreeMap, BTreeSet};

/// A chosen value and the alternatives it was chosen from (when they differ).
type Choice<T> = (Option<Sourced<T>>, Vec<(T, Vec<Provenance>)>);

/// Picks the value most sources give (ties: `better`, then first source), and
/// returns it with the sources of every equivalent value, plus the distinct
/// alternatives when sources disagree.
fn choose<T: Clone>(
    claims: Vec<(T, Provenance)>,
    key: impl Fn(&T) -> String,
    better: impl Fn(&T) -> i64,
) -> Choice<T> {
    let mut by_key: BTreeMap<String, (T, Vec<Provenance>)> = BTreeMap::new();
    for (v, p) in claims {
        let k = key(&v);
        if k.is_empty() {
            continue;
        }
        by_key.entry(k).or_insert_with(|| (v, Vec::new())).1.push(p);
    }
    let mut all: Vec<(T, Vec<Provenance>)> = by_key
        .into_values()
        .map(|(v, mut ps)| {
            ps.sort();
            ps.dedup();
            (v, ps)
        })
        .collect();
    all.sort_by(|a, b| {
        b.1.len().cmp(&a.1.len()).then(better(&b.0).cmp(&better(&a.0))).then(a.1[0].cmp(&b.1[0]))
    });
    let chosen = all.first().map(|(v, ps)| Sourced { value: v.clone(), sources: ps.clone() });
    (chosen, if all.len() > 1 { all } else { Vec::new() })
}

/// A conflict on `field` when sources give two or more different values.
fn conflict_of<T>(
    field: &str,
    alts: &[(T, Vec<Provenance>)],
    show: impl Fn(&T) -> String,
) -> Option<Conflict> {
    if alts.len() < 2 {
        return None;
    }
    let claims = alts
        .iter()
        .flat_map(|(v, ps)| {
            let value = show(v);
            ps.iter().map(move |p| Claim {
                value: value.clone(),
                at: p.clone(),
                basis: format!("{field} field"),
            })
        })
        .collect();
    Some(Conflict { field: field.to_string(), claims, note: format!("sources give different {field}s") })
}

/// The year as a label shows it: "2020a", the note ("in press"), or "n.d.".
fn year_text(year: Option<i32>, suffix: &str, note: Option<&str>) -> String {
    match (year, note) {
        (Some(y), _) => format!("{y}{suffix}"),
        (None, Some(n)) => n.to_string(),
        (None, None) => "n.d.".to_string(),
    }
}

/// "Smith", "Smith & Jones" or "Smith et al." from family names.
fn byline_text(families: &[String], et_al: bool) -> String {
    match (families.len(), et_al) {
        (0, _) => String::new(),
        (1, false) => readable_name(&families[0]),
        (2, false) => format!("{} & {}", readable_name(&families[0]), readable_name(&families[1])),
        _ => format!("{} et al.", readable_name(&families[0])),
    }
}

/// Names written all in capitals (WoS: "COSTADEBEAUREGARD", "O'LEARY") in
/// title case for labels; mixed-case names and acronyms of organisations
/// (every run of letters at most 4 long: "NICE", "HSE", "MI-AIMH") are kept
/// as written.
pub(crate) fn readable_name(name: &str) -> String {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    let longest_run = name.split(|c: char| !c.is_alphabetic()).map(|r| r.chars().count()).max().unwrap_or(0);
    if longest_run <= 4 || letters.iter().any(|c| c.is_lowercase()) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if c.is_alphabetic() {
            if start {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = matches!(c, ' ' | '-' | '\'' | '\u{2019}' | '.');
        }
    }
    out
}

/// A label from the first words of an abstract, for works known only by
/// their abstract: a leading heading ("ABSTRACT", "BACKGROUND:") is skipped.
fn abstract_label(text: &str) -> Option<String> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    while let Some(w) = words.first() {
        let bare = w.trim_end_matches(':');
        if bare.len() >= 3 && bare.chars().all(|c| c.is_uppercase()) {
            words.remove(0);
        } else {
            break;
        }
    }
    if words.len() < 3 {
        return None;
    }
    Some(truncate(&words.iter().take(12).copied().collect::<Vec<_>>().join(" "), 44))
}

/// `s` with spaces squashed, cut to `n` characters with an ellipsis.
fn truncate(s: &str, n: usize) -> String {
    let s = norm::squash_ws(s);
    if s.chars().count() <= n {
        return s;
    }
    let cut: String = s.chars().take(n).collect();
    format!("{}…", cut.trim_end())
}

/// Venues as they are met: names and ISSNs grouped into slots by shared
/// normalised name or ISSN; slots that turn out to match are folded.
#[derive(Default)]
struct VenueTable {
    keys: BTreeMap<String, usize>,
    names: Vec<Vec<(String, Provenance, bool)>>,
    issn: Vec<BTreeSet<String>>,
    /// Slot -> the slot it was folded into (itself when not folded).
    redirect: Vec<usize>,
}

impl VenueTable {
    /// True when [`VenueTable::add`] gives these a slot: a name or
    /// abbreviation with a letter or digit, or an ISSN.
    fn names_any(name: Option<&str>, abbrev: Option<&str>, issn: &[String]) -> bool {
        !issn.is_empty() || [name, abbrev].into_iter().flatten().any(|n| !norm::alnum_key(n).is_empty())
    }

    /// Adds a venue mention and returns its slot (`None` when it names nothing).
    fn add(
        &mut self,
        name: Option<&str>,
        abbrev: Option<&str>,
        issn: &[String],
        at: &Provenance,
    ) -> Option<usize> {
        let mut keys: Vec<String> = Vec::new();
        for n in [name, abbrev].into_iter().flatten() {
            let k = norm::alnum_key(n);
            if !k.is_empty() {
                keys.push(format!("n:{k}"));
            }
        }
        for i in issn {
            keys.push(format!("i:{}", norm::alnum_key(i)));
        }
        if keys.is_empty() {
            return None;
        }
        let existing: BTreeSet<usize> = keys.iter().filter_map(|k| self.keys.get(k).copied()).collect();
        let idx = match existing.iter().next() {
            Some(&first) => {
                // Fold the other matches into the first.
                for &other in existing.iter().skip(1) {
                    let moved = std::mem::take(&mut self.names[other]);
                    self.names[first].extend(moved);
                    let moved = std::mem::take(&mut self.issn[other]);
                    self.issn[first].extend(moved);
                    for v in self.keys.values_mut() {
                        if *v == other {
                            *v = first;
                        }
                    }
                    for r in self.redirect.iter_mut() {
                        if *r == other {
                            *r = first;
                        }
                    }
                }
                first
            }
            None => {
                self.names.push(Vec::new());
                self.issn.push(BTreeSet::new());
                self.redirect.push(self.names.len() - 1);
                self.names.len() - 1
            }
        };
        for k in keys {
            self.keys.insert(k, idx);
        }
        if let Some(n) = name {
            self.names[idx].push((norm::squash_ws(n), at.clone(), false));
        }
        if let Some(a) = abbrev {
            self.names[idx].push((norm::squash_ws(a), at.clone(), true));
        }
        self.issn[idx].extend(issn.iter().cloned());
        Some(idx)
    }
}

/// Indexed sources per edge key, with the position or count the edge carries.
type EdgeSources<K> = BTreeMap<K, (u32, Vec<Provenance>)>;

// The corpus is built in two calls, [`from_citations`] and then [`finish`],
// so that owned records can let go of their citations in between
// ([`Records::let_go_of_citations`]). The phases, each a function below:
// the cited-only works ([`cited_draft`]), people ([`people`]), authorships
// ([`authorships`]) and citations ([`cites`]); then the works of the paper
// groups ([`WorkDrafts::add_paper`]) followed by the cited-only works
// ([`WorkDrafts::add_cited`]), labels ([`label_works`]), venues
// ([`venues`]), subjects ([`subjects`]), stable ids ([`assign_ids`]), the
// edges in the new order ([`Edges::remap`]), labels of untitled works
// ([`label_untitled`]) and preprint versions ([`versions`]).

/// What [`from_citations`] makes: everything the citations and the people
/// give the corpus, so that the records may let go of their citations
/// before [`finish`] makes the papers.
pub(crate) struct FromCitations {
    /// The cited-only works' drafts, in group order, in windows.
    cited_windows: Vec<Vec<CitedDraft>>,
    people: Keyed<Agent>,
    authorships: EdgeSources<(usize, usize)>,
    cites: Vec<Cites>,
    found: Vec<Diagnostic>,
}

/// The first half of building the corpus: the cited-only works (on the
/// pool, a window at a time) beside the people, authorships and citation
/// edges.
pub(crate) fn from_citations(
    records: &[Record],
    groups: &Groups,
    cited: &Cited,
    agents: Agents<'_>,
) -> FromCitations {
    let make_cited = || {
        use rayon::prelude::*;
        let cits_of = |members: &[(usize, usize)]| -> Vec<&Citation> {
            members.iter().map(|&(r, c)| &records[r].citations[c]).collect()
        };
        cited
            .groups
            .chunks(CITED_WINDOW)
            .map(|window| window.par_iter().map(|m| cited_draft(&cits_of(m))).collect())
            .collect()
    };
    // People and authorships, and citation edges, do not depend on each
    // other: side by side too (the citation edges were one thread's work at
    // the end of this step).
    let make_edges = || {
        rayon::join(
            || (people(&agents), authorships(records, groups, cited, &agents)),
            || {
                let mut found = Vec::new();
                let cites = cites(records, groups, cited, &mut found);
                (cites, found)
            },
        )
    };
    let (cited_windows, ((people, authorships), (cites, found))) = rayon::join(make_cited, make_edges);
    FromCitations { cited_windows, people, authorships, cites, found }
}

/// The second half of building the corpus from the grouping and what
/// [`from_citations`] made: the papers (the citations of `records` are not
/// read), the cited-only works after them, and the rest.
pub(crate) fn finish(
    records: &[Record],
    groups: &Groups,
    made: FromCitations,
    mut diagnostics: Vec<Diagnostic>,
) -> Corpus {
    let FromCitations { cited_windows, mut people, authorships, cites, found } = made;
    let mut drafts = WorkDrafts::default();
    // Exactly one work per paper group and per cited-only group: room for
    // all of them at once (a work is about 750 bytes; doubling would copy
    // and overshoot hundreds of megabytes at 100k records).
    let n_works = groups.members.len() + cited_windows.iter().map(Vec::len).sum::<usize>();
    drafts.works.reserve_exact(n_works);
    drafts.keys.reserve_exact(n_works);
    drafts.venue_slots.reserve_exact(n_works);
    // Papers made on the pool a window at a time, added in group order.
    {
        use rayon::prelude::*;
        let recs_of = |members: &[usize]| -> Vec<&Record> { members.iter().map(|&i| &records[i]).collect() };
        let numbered: Vec<(&Vec<usize>, &BTreeSet<&'static str>)> =
            groups.members.iter().zip(&groups.matched_on).collect();
        for window in numbered.chunks(PAPER_WINDOW) {
            let made: Vec<PaperDraft> = window
                .par_iter()
                .map(|(members, matched_on)| paper_draft(&recs_of(members), matched_on))
                .collect();
            for ((members, _), draft) in window.iter().zip(made) {
                drafts.add_paper(&recs_of(members), draft);
            }
        }
    }
    // Cited-only works after the papers, in group order (the venue table
    // numbers venues as met), each window let go once added.
    for window in cited_windows {
        for draft in window {
            drafts.add_cited(draft);
        }
    }
    // Sorted and deduplicated below: their order here does not matter.
    diagnostics.extend(found);
    let WorkDrafts {
        mut works,
        keys,
        venue_slots,
        venues: venue_table,
        conflicts,
        subjects: subject_table,
        about,
    } = drafts;
    label_works(&mut works, &authorships, &people.items);
    let (mut venues, work_venues) = venues(&venue_table, &venue_slots);
    let (mut subjects, subject_index) = subjects(subject_table);

    // Each kind's ids depend on its own items only: the four side by side.
    let ((work_perm, agent_perm), (venue_perm, subject_perm)) = rayon::join(
        || {
            rayon::join(
                || assign_ids(&mut works, &keys, 'W', |w, id| w.id = id, |w| w.sources.first()),
                || assign_ids(&mut people.items, &people.keys, 'A', |a, id| a.id = id, |a| a.sources.first()),
            )
        },
        || {
            rayon::join(
                || assign_ids(&mut venues.items, &venues.keys, 'V', |v, id| v.id = id, |v| v.sources.first()),
                || {
                    assign_ids(
                        &mut subjects.items,
                        &subjects.keys,
                        'S',
                        |s, id| s.id = id,
                        |s| s.sources.first(),
                    )
                },
            )
        },
    );
    for (old, venue) in work_venues.iter().enumerate() {
        works[work_perm[old]].venue = venue.map(|v| venue_perm[v] as u32);
    }
    let perms = Perms { work: &work_perm, agent: &agent_perm, subject: &subject_perm };
    let edges = Edges { authorships, cites, about, subject_index, conflicts }.remap(&works, &perms);
    label_untitled(&mut works, &venues.items);
    let versions = versions(records, groups, &work_perm);
    diagnostics.sort();
    diagnostics.dedup();
    Corpus {
        versions,
        dedup: super::report::report(records, groups),
        works,
        agents: people.items,
        venues: venues.items,
        subjects: subjects.items,
        authorships: edges.authorships,
        cites: edges.cites,
        published_in: edges.published_in,
        about: edges.about,
        conflicts: edges.conflicts,
        diagnostics,
    }
}

/// Papers made on the pool at a time (their drafts held until added).
const PAPER_WINDOW: usize = 4_096;

/// Cited-only works made on the pool at a time: the drafts are held in
/// windows of this many until the papers are made, and each window is let
/// go as it is added (moving them never holds two copies of all of them).
const CITED_WINDOW: usize = 16_384;

/// The records the corpus is built from: borrowed, or owned and then let go
/// of their citations as soon as what those give is made
/// ([`super::resolve_owned`]).
pub(crate) enum Records<'a> {
    /// The caller keeps the records.
    Borrowed(&'a [Record]),
    /// The records are the resolution's to let go of.
    Owned(Vec<Record>),
}

impl Records<'_> {
    pub(crate) fn as_slice(&self) -> &[Record] {
        match self {
            Records::Borrowed(r) => r,
            Records::Owned(r) => r,
        }
    }

    /// Owned records let go of their citations, freed on a thread of their
    /// own when one can be had (freeing tens of millions of small
    /// allocations takes a while; the next phases need not wait for it).
    pub(crate) fn let_go_of_citations(&mut self) {
        if let Records::Owned(records) = self {
            let citations: Vec<Vec<Citation>> =
                records.iter_mut().map(|r| std::mem::take(&mut r.citations)).collect();
            super::let_go(citations);
        }
    }

    /// Lets go of owned records, as [`Records::let_go_of_citations`] does.
    pub(crate) fn let_go(self) {
        if let Records::Owned(records) = self {
            super::let_go(records);
        }
    }
}

/// Works under construction, papers first and then cited-only works, each in
/// group order, with what the later phases need about them: the key their
/// stable id comes from, their venue slot, conflicts, subjects.
#[derive(Default)]
struct WorkDrafts {
    works: Vec<Work>,
    /// Per work: the key of its stable id.
    keys: Vec<String>,
    /// Per work: its first venue's slot in `venues`.
    venue_slots: Vec<Option<usize>>,
    venues: VenueTable,
    /// Per work index: conflicts between and inside its sources.
    conflicts: Vec<(usize, Conflict)>,
    /// Subject key -> (name, sources).
    subjects: BTreeMap<String, (String, Vec<Provenance>)>,
    /// (work index, subject key) -> sources.
    about: BTreeMap<(usize, String), Vec<Provenance>>,
}

/// Entities with the keys their stable ids come from, index for index.
struct Keyed<T> {
    items: Vec<T>,
    keys: Vec<String>,
}

/// Identifiers with their sources sorted and deduplicated, in identifier order.
fn sourced_ids(ids: BTreeMap<Identifier, Vec<Provenance>>) -> Vec<Sourced<Identifier>> {
    ids.into_iter()
        .map(|(value, mut sources)| {
            sources.sort();
            sources.dedup();
            Sourced { value, sources }
        })
        .collect()
}

/// Sorted, deduplicated provenances.
fn sorted_sources(sources: impl IntoIterator<Item = Provenance>) -> Vec<Provenance> {
    edge_sources(sources).into_vec()
}

/// [`sorted_sources`] for an edge: one source held in place.
fn edge_sources(sources: impl IntoIterator<Item = Provenance>) -> crate::model::EdgeSources {
    let mut sources: crate::model::EdgeSources = sources.into_iter().collect();
    sources.sort();
    sources.dedup();
    sources
}

/// Adds `value` under the folded `key`, or `at` to the sources of the value
/// already there.
fn add_folded<T>(
    map: &mut BTreeMap<String, Sourced<T>>,
    key: String,
    value: impl FnOnce() -> T,
    at: &Provenance,
) {
    map.entry(key).or_insert_with(|| Sourced { value: value(), sources: vec![] }).add_source(at.clone());
}

impl WorkDrafts {
    /// Phase 1: adds the paper [`paper_draft`] made from the records of one
    /// group: its subjects and venue, which number the subject and venue
    /// tables as met, and its conflicts.
    fn add_paper(&mut self, recs: &[&Record], draft: PaperDraft) {
        let PaperDraft { mut work, key, conflicts, subject_keys, venue_keys } = draft;
        let wi = self.works.len();
        let mut venue_slot = None;
        let mut venue_votes: Vec<(usize, &str)> = Vec::new();
        for ((r, keys), venue_key) in recs.iter().zip(&subject_keys).zip(&venue_keys) {
            for (s, key) in r.subjects.iter().zip(keys) {
                if key.is_empty() {
                    continue;
                }
                self.subjects
                    .entry(key.clone())
                    .or_insert_with(|| (norm::squash_ws(s), Vec::new()))
                    .1
                    .push(r.at.clone());
                self.about.entry((wi, key.clone())).or_default().push(r.at.clone());
            }
            let v = self.venues.add(r.venue.as_deref(), r.venue_abbrev.as_deref(), &r.issn, &r.at);
            if venue_slot.is_none() {
                venue_slot = v;
            }
            if let (Some(slot), Some(k)) = (v, venue_key) {
                venue_votes.push((slot, k.as_str()));
            }
        }
        // The venue name most records give (ties: the first), so one wrong
        // source is outvoted rather than followed; the conflict keeps both.
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, k) in venue_votes.iter().filter(|(_, k)| !k.is_empty()) {
            *votes.entry(k).or_default() += 1;
        }
        let top = votes.values().copied().max().unwrap_or(0);
        if let Some(&(slot, _)) = venue_votes.iter().find(|(_, k)| !k.is_empty() && votes[k] == top) {
            venue_slot = Some(slot);
        }
        if venue_slot.is_none() {
            // In the order of `paper_draft`'s list: before "abstract".
            let at = work.missing.iter().position(|m| m == "abstract").unwrap_or(work.missing.len());
            work.missing.insert(at, "venue".into());
        }
        self.conflicts.extend(conflicts.into_iter().map(|c| (wi, c)));
        self.works.push(work);
        self.keys.push(key);
        self.venue_slots.push(venue_slot);
    }

    /// Phase 2: adds the cited-only work [`cited_draft`] made, with the
    /// venue its citations name.
    fn add_cited(&mut self, (work, key, venue): CitedDraft) {
        let venue_slot = venue.and_then(|(name, at)| self.venues.add(Some(&name), None, &[], &at));
        self.works.push(work);
        self.keys.push(key);
        self.venue_slots.push(venue_slot);
    }
}

/// Everything of a paper that depends on its records alone (made on the
/// pool): the work without its venue (nor "venue" among its missing
/// fields), the key of its stable id, its conflicts in order, and per record
/// the folded keys of its subjects ("" for none) and the key of its venue
/// name.
struct PaperDraft {
    work: Work,
    key: String,
    conflicts: Vec<Conflict>,
    subject_keys: Vec<Vec<String>>,
    venue_keys: Vec<Option<String>>,
}

/// The [`PaperDraft`] of the records of one group: every field chosen from
/// what most records say, identifiers, keywords and affiliations gathered
/// with their sources, conflicts and missing fields noted.
fn paper_draft(recs: &[&Record], matched_on: &BTreeSet<&'static str>) -> PaperDraft {
    let claims = |f: &dyn Fn(&Record) -> Option<String>| -> Vec<(String, Provenance)> {
        recs.iter().filter_map(|r| f(r).map(|v| (v, r.at.clone()))).collect()
    };
    let words = |s: &String| s.split_whitespace().count() as i64;
    let (title, title_alts) = choose(claims(&|r| r.title.clone()), |t| norm::title_key(t), words);
    let (abstract_text, _) = choose(claims(&|r| r.abstract_text.clone()), |t| norm::alnum_key(t), words);
    let (volume, vol_alts) = choose(claims(&|r| r.volume.clone()), |t| norm::alnum_key(t), |_| 0);
    let (issue, issue_alts) = choose(claims(&|r| r.issue.clone()), |t| norm::alnum_key(t), |_| 0);
    let (pages, page_alts) = choose(claims(&|r| r.pages.clone()), |t| norm::alnum_key(t), |_| 0);
    let (language, _) = choose(claims(&|r| r.language.clone()), |t| norm::fold(t), |_| 0);
    let date_claims = |f: &dyn Fn(&Record) -> Option<crate::model::Date>| {
        recs.iter().filter_map(|r| f(r).map(|v| (v, r.at.clone()))).collect::<Vec<_>>()
    };
    let detail = |d: &crate::model::Date| d.month.is_some() as i64 + d.day.is_some() as i64;
    let (published, _) = choose(date_claims(&|r| r.published), |d| d.year.to_string(), detail);
    let (epublished, _) = choose(date_claims(&|r| r.epublished), |d| d.year.to_string(), detail);
    let year_claims: Vec<(i32, Provenance)> =
        recs.iter().filter_map(|r| r.published.map(|d| (d.year, r.at.clone()))).collect();
    let (mut year, year_alts) = choose(year_claims, |y| y.to_string(), |_| 0);
    if year.is_none() {
        year = epublished.as_ref().map(|d| Sourced { value: d.value.year, sources: d.sources.clone() });
    }
    let doc_claims: Vec<_> = recs.iter().filter_map(|r| r.doc_type.map(|d| (d, r.at.clone()))).collect();
    let (doc_type, _) = choose(doc_claims, |d| d.as_str().to_string(), |_| 0);
    let times_cited = recs
        .iter()
        .filter_map(|r| r.times_cited.map(|t| (t, r.at.clone())))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(t, p)| Sourced::new(t, p));
    let mut ids: BTreeMap<Identifier, Vec<Provenance>> = BTreeMap::new();
    let mut alt_titles: BTreeMap<String, Sourced<(Option<String>, String)>> = BTreeMap::new();
    let mut keywords: BTreeMap<String, Sourced<String>> = BTreeMap::new();
    // Record-level affiliations, keyed like keywords and agent affiliations.
    let mut affiliations: BTreeMap<String, Sourced<String>> = BTreeMap::new();
    let mut subject_keys = Vec::with_capacity(recs.len());
    let mut venue_keys = Vec::with_capacity(recs.len());
    for r in recs {
        for af in &r.affiliations {
            add_folded(&mut affiliations, norm::fold(af), || af.clone(), &r.at);
        }
        for id in &r.ids {
            ids.entry(id.clone()).or_default().push(r.at.clone());
        }
        for (lang, t) in &r.alt_titles {
            add_folded(&mut alt_titles, norm::fold(t), || (lang.clone(), t.clone()), &r.at);
        }
        for k in &r.keywords {
            add_folded(&mut keywords, norm::fold(k), || k.clone(), &r.at);
        }
        subject_keys.push(r.subjects.iter().map(|s| norm::fold(s)).collect());
        venue_keys.push(r.venue.as_deref().map(norm::alnum_key));
    }
    // Conflicts between records, and inside records.
    let mut conflicts = Vec::new();
    for (field, alts) in
        [("title", &title_alts), ("volume", &vol_alts), ("issue", &issue_alts), ("pages", &page_alts)]
    {
        conflicts.extend(conflict_of(field, alts, |v| v.clone()));
    }
    conflicts.extend(conflict_of("year", &year_alts, |v| v.to_string()));
    let venue_names: BTreeSet<&String> = venue_keys.iter().flatten().collect();
    if venue_names.len() > 1 {
        let alts: Vec<(String, Vec<Provenance>)> =
            recs.iter().filter_map(|r| r.venue.clone().map(|v| (v, vec![r.at.clone()]))).collect();
        conflicts.extend(conflict_of("venue", &alts, |v| v.clone()));
    }
    for r in recs {
        conflicts.extend(r.conflicts.iter().cloned());
    }
    // "venue" is added by `add_paper`, which knows the venue.
    let mut missing: Vec<String> = Vec::new();
    if title.is_none() {
        missing.push("title".into());
    }
    if recs.iter().all(|r| r.authors.is_empty()) {
        missing.push("authors".into());
    }
    if year.is_none() {
        missing.push("year".into());
    }
    if abstract_text.is_none() {
        missing.push("abstract".into());
    }
    let ids = sourced_ids(ids);
    let key = paper_key(
        &ids,
        title.as_ref().map(|t| t.value.as_str()),
        year.as_ref().map(|y| y.value),
        abstract_text.as_ref().map(|a| a.value.as_str()),
        &recs[0].at,
    );
    let work = Work {
        id: String::new(),
        kind: WorkKind::Paper,
        label: String::new(),
        title,
        alt_titles: alt_titles.into_values().collect(),
        ids,
        year,
        year_suffix: String::new(),
        year_note: None,
        published,
        epublished,
        venue: None,
        volume,
        issue,
        pages,
        abstract_text,
        language,
        doc_type,
        times_cited,
        keywords: keywords.into_values().collect(),
        affiliations: affiliations.into_values().collect(),
        cited_authors: None,
        missing,
        sources: sorted_sources(recs.iter().map(|r| r.at.clone())),
        matched_on: matched_on.iter().map(|s| s.to_string()).collect(),
    };
    PaperDraft { work, key, conflicts, subject_keys, venue_keys }
}

/// A cited-only work, the key of its stable id, and the venue named by the
/// first of its citations that names one (with that citation's place):
/// everything of [`WorkDrafts::add_cited`] that depends on its citations
/// (made on the pool, before the citations are let go).
type CitedDraft = (Work, String, Option<(String, Provenance)>);

/// The [`CitedDraft`] of the citations of one cited-only group: fields
/// chosen from what most citations say, the byline of the fullest author
/// list. The venue is the first citation's whose venue names anything (the
/// venue table gives a slot to exactly those).
fn cited_draft(cits: &[&Citation]) -> CitedDraft {
    let claims = |f: &dyn Fn(&Citation) -> Option<String>| -> Vec<(String, Provenance)> {
        cits.iter().filter_map(|c| f(c).map(|v| (v, c.at.clone()))).collect()
    };
    let (title, _) =
        choose(claims(&|c| c.detail().title.clone()), |t| norm::title_key(t), |t| t.len() as i64);
    let (volume, _) = choose(claims(&|c| c.detail().volume.clone()), |t| norm::alnum_key(t), |_| 0);
    let (issue, _) = choose(claims(&|c| c.detail().issue.clone()), |t| norm::alnum_key(t), |_| 0);
    let (pages, _) = choose(claims(&|c| c.detail().first_page.clone()), |t| norm::alnum_key(t), |_| 0);
    let (year, _) = choose(
        cits.iter().filter_map(|c| c.year.map(|y| (y, c.at.clone()))).collect(),
        |y| y.to_string(),
        |_| 0,
    );
    // The fullest author list describes the work best.
    let best = cits
        .iter()
        .max_by(|a, b| (a.authors.len(), !a.et_al).cmp(&(b.authors.len(), !b.et_al)).then(b.at.cmp(&a.at)))
        .copied();
    let families: Vec<String> =
        best.map(|c| c.authors.iter().map(|a| a.family.clone()).collect()).unwrap_or_default();
    let et_al = best.is_some_and(|c| c.et_al);
    let cited_authors = Some(byline_text(&families, et_al)).filter(|s| !s.is_empty());
    let year_suffix =
        cits.iter().map(|c| c.detail().year_suffix.clone()).find(|s| !s.is_empty()).unwrap_or_default();
    let year_note = cits.iter().find_map(|c| c.detail().year_note.clone());
    let mut ids: BTreeMap<Identifier, Vec<Provenance>> = BTreeMap::new();
    for c in cits {
        for id in &c.ids {
            ids.entry(id.clone()).or_default().push(c.at.clone());
        }
    }
    let venue = cits.iter().find_map(|c| {
        let name = c.detail().venue.as_deref()?;
        VenueTable::names_any(Some(name), None, &[]).then(|| (name.to_string(), c.at.clone()))
    });
    let ids = sourced_ids(ids);
    let key = match ids.first() {
        Some(id) => format!("{}", id.value),
        None => format!(
            "cited:{}|{}|{}|{}|{}",
            families.iter().map(|f| norm::family_key(f)).collect::<Vec<_>>().join(","),
            if et_al { "etal" } else { "" },
            year_text(year.as_ref().map(|y| y.value), &year_suffix, year_note.as_deref()),
            title.as_ref().map(|t| norm::title_key(&t.value)).unwrap_or_default(),
            if families.is_empty() && title.is_none() {
                norm::alnum_key(&cits[0].raw)
            } else {
                String::new()
            },
        ),
    };
    let mut missing = Vec::new();
    if title.is_none() {
        missing.push("title".to_string());
    }
    let work = Work {
        id: String::new(),
        kind: WorkKind::CitedWork,
        label: String::new(),
        title,
        alt_titles: Vec::new(),
        ids,
        year,
        year_suffix,
        year_note,
        published: None,
        epublished: None,
        venue: None,
        volume,
        issue,
        pages,
        abstract_text: None,
        language: None,
        doc_type: None,
        times_cited: None,
        keywords: Vec::new(),
        affiliations: Vec::new(),
        cited_authors,
        missing,
        sources: sorted_sources(cits.iter().map(|c| c.at.clone())),
        matched_on: Vec::new(),
    };
    (work, key, venue)
}

/// The work index of a citation target: papers first, then cited-only works.
pub(super) fn work_of(groups: &Groups, target: Target) -> usize {
    match target {
        Target::Paper(g) => g,
        Target::Cited(c) => groups.members.len() + c,
    }
}

/// Phase 3: one agent per draft of `people`: name variants and affiliations
/// with their sources, the fullest name, and the key of its stable id (ORCID,
/// else organisation or family + given name).
fn people(agents: &Agents<'_>) -> Keyed<Agent> {
    let mut items: Vec<Agent> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let nobody = crate::model::Author::default();
    for d in &agents.drafts {
        let mut variants: BTreeMap<String, Sourced<String>> = BTreeMap::new();
        let mut affiliations: BTreeMap<String, Sourced<String>> = BTreeMap::new();
        let mut orcid = None;
        for (p, a) in &d.names {
            add_folded(&mut variants, a.raw.clone(), || a.raw.clone(), p);
            for af in a.affiliations() {
                add_folded(&mut affiliations, norm::fold(af), || af.clone(), p);
            }
            if orcid.is_none() {
                orcid = a.orcid().map(str::to_string);
            }
        }
        // The fullest name: longest non-initial given name, then longest given.
        let best = d
            .names
            .iter()
            .max_by(|x, y| {
                let score = |a: &crate::model::Author| {
                    (!norm::given_is_initials(&a.given) && !a.given.is_empty(), a.given.len())
                };
                score(x.1).cmp(&score(y.1)).then(y.0.cmp(x.0))
            })
            .map(|(_, a)| *a)
            .unwrap_or(&nobody);
        let name = if d.is_org || best.given.is_empty() {
            best.family.clone()
        } else {
            format!("{} {}", best.given, best.family)
        };
        let key = if d.is_org {
            format!("org:{}", norm::alnum_key(&best.family))
        } else if let Some(o) = &orcid {
            format!("orcid:{o}")
        } else {
            format!(
                "person:{}|{}|{}",
                norm::family_key(&best.family),
                norm::initials(&best.given),
                norm::fold(&best.given)
            )
        };
        items.push(Agent {
            id: String::new(),
            kind: if d.is_org { AgentKind::Organisation } else { AgentKind::Person },
            name,
            family: best.family.clone(),
            given: best.given.clone(),
            orcid,
            variants: variants.into_values().collect(),
            affiliations: affiliations.into_values().collect(),
            sources: sorted_sources(d.names.iter().map(|(p, _)| (*p).clone())),
        });
        keys.push(key);
    }
    Keyed { items, keys }
}

/// Phase 4: (work, agent) -> (byline position, sources). The fullest byline
/// of each paper group sets the positions; organisations named as first
/// authors of cited-only works come last.
fn authorships(
    records: &[Record],
    groups: &Groups,
    cited: &Cited,
    agents: &Agents,
) -> EdgeSources<(usize, usize)> {
    let mut authorships: EdgeSources<(usize, usize)> = BTreeMap::new();
    for (g, members) in groups.members.iter().enumerate() {
        let canonical = members
            .iter()
            .copied()
            .max_by(|&a, &b| records[a].authors.len().cmp(&records[b].authors.len()).then(b.cmp(&a)));
        let mut next_pos = 0u32;
        if let Some(c) = canonical {
            for &ag in &agents.record_authors[c] {
                if ag != usize::MAX && !authorships.contains_key(&(g, ag)) {
                    authorships.insert((g, ag), (next_pos, Vec::new()));
                    next_pos += 1;
                }
            }
        }
        for &ri in members {
            for &ag in &agents.record_authors[ri] {
                if ag == usize::MAX {
                    continue;
                }
                let e = authorships.entry((g, ag)).or_insert_with(|| {
                    next_pos += 1;
                    (next_pos - 1, Vec::new())
                });
                e.1.push(records[ri].at.clone());
            }
        }
    }
    for (gi, org) in agents.cited_orgs.iter().enumerate() {
        if let Some(ag) = org {
            let w = groups.members.len() + gi;
            let srcs: Vec<Provenance> =
                cited.groups[gi].iter().map(|&(r, c)| records[r].citations[c].at.clone()).collect();
            authorships.entry((w, *ag)).or_insert((0, Vec::new())).1.extend(srcs);
        }
    }
    authorships
}

/// Phase 5: (citing work, cited work) -> (count, sources). Counts add up
/// inside one record, the largest count wins across records of one work (two
/// sources of one paper do not double a count); a citation of the citing
/// work itself is dropped with a note in `diagnostics`.
fn cites(
    records: &[Record],
    groups: &Groups,
    cited: &Cited,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Cites> {
    // One row per citation (citing, cited, record, citation), sorted: a flat
    // vector of millions of rows, where maps keyed by edge would spend a
    // tree node and a vector on each.
    let n: usize = records.iter().map(|r| r.citations.len()).sum();
    let mut rows: Vec<[u32; 4]> = Vec::with_capacity(n);
    for (ri, r) in records.iter().enumerate() {
        let from = groups.record_group[ri];
        for (ci, c) in r.citations.iter().enumerate() {
            let to = work_of(groups, cited.targets[ri][ci]);
            if to == from {
                diagnostics.push(Diagnostic::info(
                    c.at.clone(),
                    format!(
                        "citation \"{}\" points at the citing work itself: dropped",
                        norm::squash_ws(&c.raw)
                    ),
                ));
                continue;
            }
            rows.push([from as u32, to as u32, ri as u32, ci as u32]);
        }
    }
    rows.sort_unstable();
    let same_edge = |a: &[u32; 4], b: &[u32; 4]| a[..2] == b[..2];
    let mut cites: Vec<Cites> = Vec::with_capacity(rows.chunk_by(same_edge).count());
    let citation = |row: &[u32; 4]| &records[row[2] as usize].citations[row[3] as usize];
    for edge in rows.chunk_by(same_edge) {
        let count = edge
            .chunk_by(|a, b| a[2] == b[2])
            .map(|in_record| in_record.iter().map(|r| citation(r).count.max(1)).sum::<u32>())
            .max()
            .unwrap_or(1);
        let sources = edge.iter().map(|r| citation(r).at.clone()).collect();
        cites.push(Cites { from: edge[0][0], to: edge[0][1], count, sources });
    }
    cites
}

/// Phase 6: labels: "Family et al. 2020" from the byline (papers) or the
/// cited authors (cited-only works), else a shortened title; untitled,
/// authorless papers keep an empty label for [`label_untitled`].
fn label_works(works: &mut [Work], authorships: &EdgeSources<(usize, usize)>, agents: &[Agent]) {
    let mut first_authors: BTreeMap<usize, Vec<(u32, usize)>> = BTreeMap::new();
    for (&(w, ag), (pos, _)) in authorships {
        first_authors.entry(w).or_default().push((*pos, ag));
    }
    for (wi, w) in works.iter_mut().enumerate() {
        let year = year_text(w.year.as_ref().map(|y| y.value), &w.year_suffix, w.year_note.as_deref());
        w.label = match w.kind {
            WorkKind::CitedWork => match &w.cited_authors {
                Some(a) => format!("{} {year}", readable_name(a)),
                None => match &w.title {
                    Some(t) => format!("{} {year}", truncate(&t.value, 40)),
                    None => id_label(w).unwrap_or_else(|| year.clone()),
                },
            },
            WorkKind::Paper => {
                let mut byline = first_authors.get(&wi).cloned().unwrap_or_default();
                byline.sort();
                let fams: Vec<String> = byline.iter().map(|&(_, ag)| agents[ag].family.clone()).collect();
                if !fams.is_empty() {
                    format!("{} {year}", byline_text(&fams, fams.len() > 2))
                } else if let Some(t) = &w.title {
                    format!("{} ({year})", truncate(&t.value, 48))
                } else {
                    String::new()
                }
            }
        };
    }
}

/// The label of a cited work known only by identifiers (an OpenAlex
/// reference list, a Crossref reference giving only a DOI): its first
/// identifier (`doi:10.1000/x`, `openalex:W2741809807`, `lens:013-507-…`;
/// the first in the order of [`Identifier`]'s schemes), then the year or the
/// year's note when given. "n.d." alone said nothing of which work it was,
/// and such works are most of the nodes of a map made from OpenAlex.
fn id_label(w: &Work) -> Option<String> {
    let id = match w.ids.iter().map(|i| &i.value).min()? {
        // Already `database:id` (`lens:013-507-404-965-47X`).
        Identifier::Other(v) => v.clone(),
        id => id.to_string(),
    };
    Some(match (&w.year, &w.year_note) {
        (Some(y), _) => format!("{id} {}{}", y.value, w.year_suffix),
        (None, Some(note)) => format!("{id} {note}"),
        (None, None) => id,
    })
}

/// Phase 7: one venue per non-empty slot of `table` (the full name most
/// sources give, its abbreviations and ISSNs), and per work the index of its
/// venue among them.
fn venues(table: &VenueTable, work_slots: &[Option<usize>]) -> (Keyed<Venue>, Vec<Option<usize>>) {
    let mut items: Vec<Venue> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut venue_of_slot: BTreeMap<usize, usize> = BTreeMap::new();
    for (slot, names) in table.names.iter().enumerate() {
        if names.is_empty() {
            continue;
        }
        let full: Vec<(String, Provenance)> =
            names.iter().filter(|n| !n.2).map(|n| (n.0.clone(), n.1.clone())).collect();
        let all: Vec<(String, Provenance)> = names.iter().map(|n| (n.0.clone(), n.1.clone())).collect();
        let (name, _) =
            choose(if full.is_empty() { all } else { full }, |t| norm::alnum_key(t), |t| t.len() as i64);
        let Some(name) = name else { continue };
        let abbrevs: BTreeSet<String> = names.iter().filter(|n| n.2).map(|n| n.0.clone()).collect();
        venue_of_slot.insert(slot, items.len());
        keys.push(format!("venue:{}", norm::alnum_key(&name.value)));
        items.push(Venue {
            id: String::new(),
            name: name.value,
            abbrevs: abbrevs.into_iter().collect(),
            issn: table.issn[slot].iter().cloned().collect(),
            sources: sorted_sources(names.iter().map(|n| n.1.clone())),
        });
    }
    let work_venues =
        work_slots.iter().map(|s| s.and_then(|s| venue_of_slot.get(&table.redirect[s]).copied())).collect();
    (Keyed { items, keys }, work_venues)
}

/// Phase 8: one subject per folded key, and key -> subject index.
fn subjects(table: BTreeMap<String, (String, Vec<Provenance>)>) -> (Keyed<Subject>, BTreeMap<String, usize>) {
    let mut items: Vec<Subject> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (k, (name, srcs)) in table {
        index.insert(k.clone(), items.len());
        keys.push(format!("subject:{k}"));
        items.push(Subject { id: String::new(), name, sources: sorted_sources(srcs) });
    }
    (Keyed { items, keys }, index)
}

/// Old index -> new index of works, agents and subjects after [`assign_ids`].
struct Perms<'a> {
    work: &'a [usize],
    agent: &'a [usize],
    subject: &'a [usize],
}

/// The edges between entities, by their indices before [`assign_ids`].
struct Edges {
    authorships: EdgeSources<(usize, usize)>,
    /// By work index before [`assign_ids`].
    cites: Vec<Cites>,
    about: BTreeMap<(usize, String), Vec<Provenance>>,
    subject_index: BTreeMap<String, usize>,
    conflicts: Vec<(usize, Conflict)>,
}

/// The edges of the corpus, by final index and sorted.
struct CorpusEdges {
    authorships: Vec<Authorship>,
    cites: Vec<Cites>,
    published_in: Vec<PublishedIn>,
    about: Vec<About>,
    conflicts: Vec<WorkConflict>,
}

impl Edges {
    /// Phase 10: every edge moved to the final indices and sorted, sources
    /// sorted and deduplicated; `published_in` from the works' venues
    /// (`works` already in final order).
    fn remap(self, works: &[Work], perms: &Perms) -> CorpusEdges {
        let mut authorships: Vec<Authorship> = self
            .authorships
            .into_iter()
            .map(|((w, ag), (pos, srcs))| Authorship {
                work: perms.work[w] as u32,
                agent: perms.agent[ag] as u32,
                position: pos,
                sources: edge_sources(srcs),
            })
            .collect();
        // Keys are unique (one row per work and agent, one per edge, one
        // venue per work, one row per work and subject): an unstable sort
        // gives the same order, with no scratch copy of millions of rows.
        authorships.sort_unstable_by_key(|a| (a.work, a.position, a.agent));
        // Millions of citations: moved and sorted on the pool (unique keys:
        // the same order as a sort on one thread).
        use rayon::prelude::*;
        let mut cites: Vec<Cites> = self
            .cites
            .into_par_iter()
            .map(|c| Cites {
                from: perms.work[c.from as usize] as u32,
                to: perms.work[c.to as usize] as u32,
                count: c.count,
                sources: edge_sources(c.sources),
            })
            .collect();
        cites.par_sort_unstable_by_key(|c| (c.from, c.to));
        let mut published_in: Vec<PublishedIn> = works
            .iter()
            .enumerate()
            .filter_map(|(wi, w)| {
                w.venue.map(|v| PublishedIn { work: wi as u32, venue: v, sources: w.sources.clone() })
            })
            .collect();
        published_in.sort_unstable_by_key(|p| (p.work, p.venue));
        let mut about: Vec<About> = self
            .about
            .into_iter()
            .map(|((w, k), srcs)| About {
                work: perms.work[w] as u32,
                subject: perms.subject[self.subject_index[&k]] as u32,
                sources: sorted_sources(srcs),
            })
            .collect();
        about.sort_unstable_by_key(|a| (a.work, a.subject));
        let mut conflicts: Vec<WorkConflict> = self
            .conflicts
            .into_iter()
            .map(|(w, conflict)| WorkConflict { work: perms.work[w] as u32, conflict })
            .collect();
        conflicts.sort_by(|a, b| a.work.cmp(&b.work).then(a.conflict.cmp(&b.conflict)));
        conflicts.dedup();
        CorpusEdges { authorships, cites, published_in, about, conflicts }
    }
}

/// Phase 11: labels of untitled, authorless works: a title in another
/// language, then venue and year, then the opening words of the abstract;
/// the input file only when the work has nothing else.
fn label_untitled(works: &mut [Work], venues: &[Venue]) {
    for w in works.iter_mut().filter(|w| w.label.is_empty()) {
        let venue = w.venue.map(|v| {
            venues[v as usize].abbrevs.first().cloned().unwrap_or_else(|| venues[v as usize].name.clone())
        });
        let year = year_text(w.year.as_ref().map(|y| y.value), "", None);
        let alt = w.alt_titles.first().map(|t| truncate(&t.value.1, 48));
        let opening = w.abstract_text.as_ref().and_then(|a| abstract_label(&a.value));
        w.label = match (alt, venue, opening) {
            (Some(t), _, _) => format!("{t} ({year})"),
            (None, Some(v), _) => format!("{v} {year}"),
            (None, None, Some(t)) if w.year.is_some() => format!("{t} ({year})"),
            (None, None, Some(t)) => t,
            (None, None, None) => {
                let from = w
                    .sources
                    .first()
                    .map(|p| {
                        let base = p.input.rsplit(['/', '\\']).next().unwrap_or(&p.input).to_string();
                        match &p.record {
                            Some(r) => format!("{base} #{r}"),
                            None => base,
                        }
                    })
                    .unwrap_or_default();
                format!("Untitled ({from})")
            }
        };
    }
}

/// Phase 12: preprint -> article links between paper groups, by final index.
fn versions(records: &[Record], groups: &Groups, work_perm: &[usize]) -> Vec<VersionOf> {
    let mut versions: Vec<VersionOf> = groups
        .versions
        .iter()
        .map(|(p, a, basis)| VersionOf {
            from: work_perm[*p] as u32,
            to: work_perm[*a] as u32,
            basis: basis.clone(),
            sources: sorted_sources([
                records[groups.members[*p][0]].at.clone(),
                records[groups.members[*a][0]].at.clone(),
            ]),
        })
        .collect();
    versions.sort_by_key(|v| (v.from, v.to));
    versions.dedup_by_key(|v| (v.from, v.to));
    versions
}

/// Phase 1 (helper): the key of a paper's stable id: DOI, then PMID, then
/// any identifier, then title and year, then the abstract, then the first
/// record's place.
fn paper_key(
    ids: &[Sourced<Identifier>],
    title: Option<&str>,
    year: Option<i32>,
    abstract_text: Option<&str>,
    first: &Provenance,
) -> String {
    let pick = |scheme: &str| ids.iter().find(|i| i.value.scheme() == scheme).map(|i| i.value.to_string());
    if let Some(k) = pick("doi").or_else(|| pick("pmid")) {
        return k;
    }
    if let Some(i) = ids.first() {
        return i.value.to_string();
    }
    if let Some(t) = title {
        return format!("title:{}|{}", norm::title_key(t), year.map(|y| y.to_string()).unwrap_or_default());
    }
    if let Some(a) = abstract_text {
        let k = norm::alnum_key(a);
        return format!("abstract:{}", &k[..k.len().min(200)]);
    }
    format!("record:{}|{}|{}", first.input, first.line, first.record.as_deref().unwrap_or(""))
}

/// Phase 9: gives every item the stable id of its key (a suffix tells apart equal keys,
/// in source order), sorts items by id and returns old index -> new index.
fn assign_ids<T>(
    items: &mut [T],
    keys: &[String],
    prefix: char,
    set: impl Fn(&mut T, String),
    first_source: impl Fn(&T) -> Option<&Provenance>,
) -> Vec<usize> {
    use rayon::prelude::*;
    // Items grouped by key, each group in source order (first provenance,
    // then index): sorted by a hash of the key first, so most comparisons
    // are of two numbers, not of two strings somewhere in memory. Only the
    // groups and the order within them count (the final order is by id).
    let mut order: Vec<(u64, usize)> = {
        use std::hash::BuildHasher;
        let hasher = rustc_hash::FxBuildHasher;
        keys.par_iter().enumerate().map(|(i, k)| (hasher.hash_one(k.as_str()), i)).collect()
    };
    {
        // Compared by reference: no provenance is copied per comparison.
        // A total order (index last): the same order on any thread count.
        let firsts: Vec<Option<&Provenance>> = items.iter().map(&first_source).collect();
        order.par_sort_unstable_by(|&(ha, a), &(hb, b)| {
            ha.cmp(&hb)
                .then_with(|| keys[a].cmp(&keys[b]))
                .then_with(|| firsts[a].cmp(&firsts[b]))
                .then(a.cmp(&b))
        });
    }
    // Equal keys are neighbours in `order`: the n-th of a key (from 1) is
    // its place in its run. The ids (hashes) are then made on the pool.
    let mut nth = vec![0usize; items.len()];
    let mut run = 0;
    for (k, &(h, i)) in order.iter().enumerate() {
        run = match k.checked_sub(1).map(|p| order[p]) {
            Some((hp, p)) if hp == h && keys[p] == keys[i] => run + 1,
            _ => 1,
        };
        nth[i] = run;
    }
    // Each item's id number; ids of one prefix sort as their numbers, so
    // items are put in id order by sorting the numbers (the index breaking
    // ties, as a stable sort of the id texts did).
    let mut numbers: Vec<(u64, usize)> = (0..items.len())
        .into_par_iter()
        .map(|i| match nth[i] {
            1 => (stable_number(&keys[i]), i),
            n => (stable_number(&format!("{}#{}", keys[i], n)), i),
        })
        .collect();
    drop((order, nth));
    for (item, &(n, _)) in items.iter_mut().zip(&numbers) {
        set(item, id_of_number(prefix, n));
    }
    numbers.par_sort_unstable();
    let idx: Vec<usize> = numbers.into_iter().map(|(_, i)| i).collect();
    let mut perm = vec![0; items.len()];
    for (new, &old) in idx.iter().enumerate() {
        perm[old] = new;
    }
    drop(idx);
    permute(items, &perm);
    perm
}

/// Moves `items[old]` to `items[perm[old]]` for every `old`, in place (a
/// corpus's works are hundreds of megabytes: no second vector of them).
fn permute<T>(items: &mut [T], perm: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        if placed[start] {
            continue;
        }
        // Follow the cycle through `start`: the item now at `start` belongs
        // at `perm[start]`; swapping brings that slot's item to `start`.
        let mut at = start;
        loop {
            placed[at] = true;
            let to = perm[at];
            if placed[to] {
                break;
            }
            items.swap(start, to);
            at = to;
        }
    }
}

#[cfg(test)]
mod permute_tests {
    use super::permute;

    #[test]
    fn every_item_lands_where_the_permutation_sends_it() {
        // Fixed points, a 2-cycle and a 4-cycle, and the empty case.
        let perm = [0usize, 3, 5, 1, 2, 6, 4, 7];
        let mut items: Vec<usize> = (0..perm.len()).collect();
        permute(&mut items, &perm);
        for (old, &new) in perm.iter().enumerate() {
            assert_eq!(items[new], old);
        }
        let mut none: Vec<u8> = Vec::new();
        permute(&mut none, &[]);
        // A long single cycle.
        let n = 1000;
        let perm: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
        let mut items: Vec<usize> = (0..n).collect();
        permute(&mut items, &perm);
        assert!(perm.iter().enumerate().all(|(old, &new)| items[new] == old));
    }
}

#[cfg(test)]
mod id_tests {
    use super::assign_ids;
    use super::{id_of_number, stable_number};
    use crate::model::Provenance;

    /// Equal keys are told apart in source order (`#2`, `#3` ...), whatever
    /// order the items come in, and items end sorted by id as texts sort.
    #[test]
    fn equal_keys_are_numbered_in_source_order_and_items_sorted_by_id() {
        let keys: Vec<String> =
            ["doi:10.1/b", "doi:10.1/a", "doi:10.1/b", "title:x|2020", "doi:10.1/b", "", "title:x|2020"]
                .map(String::from)
                .to_vec();
        let lines = [9u32, 1, 3, 4, 5, 6, 2];
        let mut items: Vec<(Option<String>, Provenance)> =
            lines.iter().map(|&l| (None, Provenance::new("in.ris", l, None))).collect();
        let perm = assign_ids(&mut items, &keys, 'W', |it, id| it.0 = Some(id), |it| Some(&it.1));
        let id_of = |k: &str, n: usize| {
            id_of_number('W', stable_number(&if n == 1 { k.to_string() } else { format!("{k}#{n}") }))
        };
        // "doi:10.1/b" at lines 9, 3 and 5: line 3 is the first, 5 the second, 9 the third.
        let want = [
            id_of("doi:10.1/b", 3),
            id_of("doi:10.1/a", 1),
            id_of("doi:10.1/b", 1),
            id_of("title:x|2020", 2),
        ];
        for (old, id) in want.iter().enumerate() {
            assert_eq!(items[perm[old]].0.as_ref(), Some(id), "item {old}");
        }
        assert_eq!(items[perm[6]].0, Some(id_of("title:x|2020", 1)));
        let ids: Vec<&str> = items.iter().map(|it| it.0.as_deref().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    }
}

#[cfg(test)]
mod label_tests {
    use super::{abstract_label, readable_name};

    /// A cited work known only by identifiers is labelled with its first
    /// one (a DOI before an OpenAlex id) and its year when given, not "n.d.".
    #[test]
    fn cited_works_known_by_identifiers_only_are_labelled_with_one() {
        use crate::model::{Author, Citation, Identifier, Provenance, Record, WorkKind};
        let at = Provenance::new("t.jsonl", 1, None);
        let cite = |ids: Vec<Identifier>, year: Option<i32>, author: Option<&str>| Citation {
            raw: "ref".into(),
            ids: ids.into_iter().collect(),
            year,
            authors: author.map(|a| vec![Author::person(a)]).unwrap_or_default(),
            count: 1,
            at: at.clone(),
            ..Default::default()
        };
        let mut r = Record::new(at.clone(), "openalex");
        r.title = Some("A citing paper".into());
        r.citations = vec![
            cite(vec![Identifier::Openalex("W2741809807".into())], None, None),
            cite(
                vec![Identifier::Openalex("W1".into()), Identifier::doi("10.1000/ABC").expect("a DOI")],
                Some(2015),
                None,
            ),
            cite(vec![Identifier::Other("lens:013-507-404-965-47X".into())], None, None),
            cite(vec![], Some(2019), None),
            cite(vec![Identifier::doi("10.1000/smith").expect("a DOI")], Some(2020), Some("Smith")),
        ];
        let corpus = crate::resolve::resolve(&[r], &Default::default());
        let mut labels: Vec<&str> =
            corpus.works.iter().filter(|w| w.kind == WorkKind::CitedWork).map(|w| w.label.as_str()).collect();
        labels.sort_unstable();
        assert_eq!(
            labels,
            [
                "2019",
                "Smith 2020",
                "doi:10.1000/abc 2015",
                "lens:013-507-404-965-47X",
                "openalex:W2741809807"
            ]
        );
    }

    #[test]
    fn capital_names_read_as_names_and_acronyms_stay() {
        assert_eq!(readable_name("COSTADEBEAUREGARD"), "Costadebeauregard");
        assert_eq!(readable_name("O'LEARY"), "O'Leary");
        assert_eq!(readable_name("SMITH-JONES"), "Smith-Jones");
        assert_eq!(readable_name("van der Berg"), "van der Berg");
        for kept in ["NICE", "HSE", "MI-AIMH", "McDonald"] {
            assert_eq!(readable_name(kept), kept);
        }
    }

    #[test]
    fn untitled_works_are_named_by_their_abstract() {
        assert_eq!(
            abstract_label("ABSTRACT We examined interprofessional working in a newly implemented team")
                .as_deref(),
            Some("We examined interprofessional working in a n…")
        );
        assert_eq!(abstract_label("BACKGROUND: short"), None);
    }
}
