//! Step 1: group records that describe the same work, and link preprints to
//! the articles they became.
//!
//! Rules, strongest first: shared identifier; same normalised title with a
//! compatible year and first author; the same abstract (near-identical after
//! removing everything but letters and digits, which absorbs PDF hyphenation,
//! glued words and section-label punctuation); near-identical titles inside a
//! block of the same first author and year.
//!
//! Identifier precedence ([`IdStrength`]): two different registry ids of one
//! scheme (DOIs, PMIDs, ...) refuse every merge, whatever else agrees.
//! Source-internal ids (OpenAlex W, WoS UT, Scopus EID, ...) merge when shared,
//! but when they differ they only refuse a merge resting on weak evidence: a
//! registry id or a *strong* match (similar title, compatible year, the same
//! first author and venue, no contradicting volume or first page) overrides
//! them, because databases hold duplicate records of one work under two ids.
//!
//! A preprint (typed so, or with a preprint server's DOI, or an arXiv id and no
//! DOI) and an article are never merged by title or abstract: the preprint is
//! linked to the article it became as a version instead.
//!
//! Every merge is kept as a [`DedupPair`] (one per union, so the pairs of a
//! work form a tree and the number of pairs is records minus works) for the
//! deduplication report.
//!
//! Complexity: near-linear. Identifiers go through a hash map; every other rule
//! compares pairs only inside small blocks (same title key, same abstract head
//! or tail, same first author and year), and pairs already in one group are
//! skipped before any string distance is computed.

use super::similarity::{similar, similarity, similarity_bound, years_compatible};
use super::Options;
use crate::model::{
    norm, DedupPair, Diagnostic, DocType, IdStrength, Identifier, MatchRule, PairSide, Record,
};
use petgraph::unionfind::UnionFind;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// DOI prefixes of preprint servers (arXiv, bioRxiv/medRxiv, OSF and its
/// PsyArXiv/SocArXiv, Research Square, SSRN, Preprints.org, ChemRxiv, TechRxiv,
/// Authorea). bioRxiv shares 10.1101 with Cold Spring Harbor journals, so
/// there only date-shaped suffixes (`2020.03.12.988865`) count.
const PREPRINT_DOI_PREFIXES: [&str; 11] = [
    "10.48550/",
    "10.1101/",
    "10.31219/",
    "10.31234/",
    "10.31235/",
    "10.21203/",
    "10.2139/",
    "10.20944/",
    "10.26434/",
    "10.36227/",
    "10.22541/",
];

/// True when `doi` (normalised) belongs to a preprint server.
fn is_preprint_doi(doi: &str) -> bool {
    PREPRINT_DOI_PREFIXES.iter().any(|p| {
        doi.strip_prefix(p).is_some_and(|rest| {
            *p != "10.1101/" || rest.split('.').next().is_some_and(|y| y.len() == 4 && y.starts_with("20"))
        })
    })
}

/// One merge: `removed` joined the work already holding `kept`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Merge {
    pub kept: usize,
    pub removed: usize,
    pub rule: MatchRule,
    pub strong: bool,
}

/// The grouping: record -> group, group -> records, and how they were joined.
pub(crate) struct Groups {
    /// Group of each record.
    pub record_group: Vec<usize>,
    /// Records of each group, sorted by provenance; groups ordered by their first record.
    pub members: Vec<Vec<usize>>,
    /// The rules that joined each group's records.
    pub matched_on: Vec<BTreeSet<&'static str>>,
    /// Every merge made, in the order made (one per removed duplicate).
    pub merges: Vec<Merge>,
    /// `(preprint group, article group, basis)`: versions kept apart and linked.
    pub versions: Vec<(usize, usize, String)>,
    /// Merges refused because two registry ids of one scheme differ.
    pub refused: usize,
}

struct Features {
    /// Registry ids that decide (ISBNs only on books).
    registry: Vec<Identifier>,
    /// Source-internal ids.
    internal: Vec<Identifier>,
    title: String,
    years: Vec<i32>,
    first_author: String,
    abstract_key: String,
    /// Venue keys: name, abbreviation, ISSNs.
    venues: Vec<String>,
    volume: String,
    first_page: String,
    preprint: bool,
}

fn features(r: &Record) -> Features {
    let mut years = Vec::new();
    if let Some(d) = r.published {
        years.push(d.year);
    }
    if let Some(d) = r.epublished {
        years.push(d.year);
    }
    let book = r.doc_type == Some(DocType::Book);
    let mut registry = Vec::new();
    let mut internal = Vec::new();
    for id in &r.ids {
        match (id.strength(), id) {
            (IdStrength::Registry, Identifier::Isbn(_)) if !book => {}
            (IdStrength::Registry, _) => registry.push(id.clone()),
            (IdStrength::SourceInternal, _) => internal.push(id.clone()),
        }
    }
    let mut venues: Vec<String> = [r.venue.as_deref(), r.venue_abbrev.as_deref()]
        .into_iter()
        .flatten()
        .map(norm::alnum_key)
        .filter(|k| !k.is_empty())
        .map(|k| format!("n:{k}"))
        .chain(r.issn.iter().map(|i| format!("i:{}", norm::alnum_key(i))))
        .collect();
    venues.sort();
    venues.dedup();
    // A preprint: typed so, or with a preprint server's DOI, or with an arXiv
    // id and no DOI (a journal record that lists its arXiv eprint is the article).
    let has_doi = r.ids.iter().any(|i| matches!(i, Identifier::Doi(_)));
    let preprint = r.doc_type == Some(DocType::Preprint)
        || r.ids.iter().any(|i| match i {
            Identifier::Arxiv(_) => !has_doi,
            Identifier::Doi(d) => is_preprint_doi(d),
            _ => false,
        });
    let first_page = r
        .pages
        .as_deref()
        .map(|p| norm::alnum_key(p.split(['-', '–', '—']).next().unwrap_or(p)))
        .unwrap_or_default();
    Features {
        registry,
        internal,
        title: r.title.as_deref().map(norm::title_match_key).unwrap_or_default(),
        years,
        first_author: r.authors.first().map(|a| author_key(&a.family)).unwrap_or_default(),
        abstract_key: r.abstract_text.as_deref().map(norm::alnum_key).unwrap_or_default(),
        venues,
        volume: r.volume.as_deref().map(norm::alnum_key).unwrap_or_default(),
        first_page,
        preprint,
    }
}

/// A first author's family-name key without generational suffixes
/// (`"Carmone Jr."` -> `"carmone"`).
fn author_key(family: &str) -> String {
    let folded = norm::fold(family);
    let toks: Vec<&str> =
        folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()).collect();
    let keep =
        toks.iter().rposition(|t| !matches!(*t, "jr" | "sr" | "ii" | "iii" | "iv" | "junior" | "senior"));
    match keep {
        Some(k) => toks[..=k].concat(),
        None => toks.concat(),
    }
}

/// Two first-author keys name the same person: equal, or one ends with the
/// other (a given name glued on by a reader: `"antoniogomezruiz"`, `"gomezruiz"`).
fn same_author(a: &str, b: &str) -> bool {
    !a.is_empty()
        && !b.is_empty()
        && (a == b || (a.len().min(b.len()) >= 4 && (a.ends_with(b) || b.ends_with(a))))
}

/// The key under which two source-internal ids can conflict: the scheme, and
/// for [`Identifier::Other`] the database before the colon (`lens`, `mag`).
fn internal_scheme(id: &Identifier) -> &str {
    match id {
        Identifier::Other(v) => v.split(':').next().unwrap_or("other"),
        _ => id.scheme(),
    }
}

fn id_rule(id: &Identifier) -> MatchRule {
    match id {
        Identifier::Doi(_) => MatchRule::Doi,
        Identifier::Pmid(_) => MatchRule::Pmid,
        Identifier::Pmcid(_) => MatchRule::Pmcid,
        Identifier::Arxiv(_) => MatchRule::Arxiv,
        Identifier::Isbn(_) => MatchRule::Isbn,
        _ => MatchRule::SourceId,
    }
}

/// Why a merge was refused.
enum Refusal {
    /// Two registry ids of this scheme differ.
    Registry(&'static str),
    /// Two source-internal ids of this scheme differ and the evidence is weak.
    Internal(String),
}

/// Union-find whose roots carry the identifiers of their members, so that a
/// merge joining two different identifiers of one scheme can be refused.
struct Uf {
    sets: UnionFind<usize>,
    registry: Vec<BTreeMap<&'static str, BTreeSet<String>>>,
    internal: Vec<BTreeMap<String, BTreeSet<String>>>,
    rules: Vec<BTreeSet<&'static str>>,
    merges: Vec<Merge>,
}

fn disjoint_scheme<K: Clone + Ord>(
    a: &BTreeMap<K, BTreeSet<String>>,
    b: &BTreeMap<K, BTreeSet<String>>,
) -> Option<K> {
    a.iter().find(|(k, set)| b.get(*k).is_some_and(|other| set.is_disjoint(other))).map(|(k, _)| k.clone())
}

impl Uf {
    fn new(feats: &[Features]) -> Uf {
        let n = feats.len();
        use rayon::prelude::*;
        // Each record's identifier maps depend on that record only: made on the pool.
        let (registry, internal): (Vec<_>, Vec<_>) = feats
            .par_iter()
            .map(|f| {
                let mut reg: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
                for id in &f.registry {
                    reg.entry(id.scheme()).or_default().insert(id.value().to_string());
                }
                let mut int: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
                for id in &f.internal {
                    int.entry(internal_scheme(id).to_string()).or_default().insert(id.value().to_string());
                }
                (reg, int)
            })
            .unzip();
        Uf {
            sets: UnionFind::new(n),
            registry,
            internal,
            rules: vec![BTreeSet::new(); n],
            merges: Vec::new(),
        }
    }

    fn find(&mut self, x: usize) -> usize {
        self.sets.find_mut(x)
    }

    fn same(&mut self, a: usize, b: usize) -> bool {
        self.find(a) == self.find(b)
    }

    /// Joins the groups of `a` (kept) and `b` unless their identifiers
    /// conflict: registry ids always, source-internal ids unless `strong`.
    fn union(&mut self, a: usize, b: usize, rule: MatchRule, strong: bool) -> Result<(), Refusal> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Ok(());
        }
        if let Some(scheme) = disjoint_scheme(&self.registry[ra], &self.registry[rb]) {
            return Err(Refusal::Registry(scheme));
        }
        if !strong {
            if let Some(scheme) = disjoint_scheme(&self.internal[ra], &self.internal[rb]) {
                return Err(Refusal::Internal(scheme));
            }
        }
        self.sets.union(ra, rb);
        // The new root keeps the identifiers and rules of both.
        let keep = self.sets.find_mut(ra);
        let gone = if keep == ra { rb } else { ra };
        for (scheme, set) in std::mem::take(&mut self.registry[gone]) {
            self.registry[keep].entry(scheme).or_default().extend(set);
        }
        for (scheme, set) in std::mem::take(&mut self.internal[gone]) {
            self.internal[keep].entry(scheme).or_default().extend(set);
        }
        let moved = std::mem::take(&mut self.rules[gone]);
        self.rules[keep].extend(moved);
        self.rules[keep].insert(rule.as_str());
        self.merges.push(Merge { kept: a, removed: b, rule, strong });
        Ok(())
    }
}

fn authors_compatible(a: &Features, b: &Features) -> bool {
    a.first_author.is_empty() || b.first_author.is_empty() || same_author(&a.first_author, &b.first_author)
}

fn venues_shared(a: &Features, b: &Features) -> bool {
    a.venues.iter().any(|v| b.venues.binary_search(v).is_ok())
}

fn venues_compatible(a: &Features, b: &Features) -> bool {
    a.venues.is_empty() || b.venues.is_empty() || venues_shared(a, b)
}

/// Volume and first page: both given and equal (`Some(true)`), both given
/// and different (`Some(false)`), else `None`.
fn same_place(a: &Features, b: &Features) -> Option<bool> {
    let vol = (!a.volume.is_empty() && !b.volume.is_empty()).then(|| a.volume == b.volume);
    let page = (!a.first_page.is_empty() && !b.first_page.is_empty()).then(|| a.first_page == b.first_page);
    match (vol, page) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// A strong match: title similar (`title_sim`), years given and compatible,
/// the same first author and venue, no contradicting volume or first page.
/// With volume and first page both equal a looser title suffices (typos,
/// punctuation, subtitles differ between databases; the place does not).
fn strong_match(a: &Features, b: &Features, title_sim: f64, opts: &Options) -> bool {
    if !same_author(&a.first_author, &b.first_author) {
        return false;
    }
    if a.years.is_empty() || b.years.is_empty() || !years_compatible(&a.years, &b.years, opts.year_slack) {
        return false;
    }
    if !venues_shared(a, b) {
        return false;
    }
    match same_place(a, b) {
        Some(false) => false,
        Some(true) => title_sim >= opts.title_similarity.min(0.8),
        None => title_sim >= opts.title_similarity,
    }
}

struct Grouper<'a> {
    records: &'a [Record],
    feats: Vec<Features>,
    opts: &'a Options,
    uf: Uf,
    refused: usize,
    diags: &'a mut Vec<Diagnostic>,
}

impl Grouper<'_> {
    /// Tries one merge and reports a refusal.
    fn merge(&mut self, a: usize, b: usize, rule: MatchRule, strong: bool) {
        let why = match self.uf.union(a, b, rule, strong) {
            Ok(()) => return,
            Err(Refusal::Registry(scheme)) => {
                self.refused += 1;
                format!("their {scheme}s differ")
            }
            Err(Refusal::Internal(scheme)) => {
                format!("their {scheme} ids differ and title, year, first author and venue do not all agree")
            }
        };
        let (ra, rb) = (&self.records[a], &self.records[b]);
        self.diags.push(Diagnostic::warning(
            rb.at.clone(),
            format!("not merged with {} although their {rule} match: {why}", ra.at),
        ));
    }

    /// Rule 1: identifiers (registry ids, then source-internal ids).
    fn by_identifier(&mut self, order: &[usize]) {
        let mut first: HashMap<Identifier, usize> = HashMap::default();
        let mut todo = Vec::new();
        for &i in order {
            let f = &self.feats[i];
            for id in f.registry.iter().chain(&f.internal) {
                match first.get(id) {
                    Some(&k) => todo.push((k, i, id_rule(id))),
                    None => {
                        first.insert(id.clone(), i);
                    }
                }
            }
        }
        // Registry ids first, so a source-internal id never decides before them.
        todo.sort_by_key(|&(_, _, rule)| rule);
        for (a, b, rule) in todo {
            self.merge(a, b, rule, true);
        }
    }

    /// Rule 1b: a link record of an accepted search joins the records it
    /// names (by their `at`); the search's acceptance is the evidence.
    fn by_link(&mut self, order: &[usize]) {
        // Link records come only from accepted searches: most corpora have
        // none, and then no index of every record's place is built.
        if self.records.iter().all(|r| r.same_as.is_empty()) {
            return;
        }
        let at: HashMap<&crate::model::Provenance, usize> =
            order.iter().map(|&i| (&self.records[i].at, i)).collect();
        let mut todo = Vec::new();
        for &i in order {
            for p in &self.records[i].same_as {
                if let Some(&j) = at.get(p) {
                    if j != i {
                        todo.push((j, i));
                    }
                }
            }
        }
        for (a, b) in todo {
            self.merge(a, b, MatchRule::SearchLink, true);
        }
    }

    /// Rule 2: the same title key, a compatible year and first author.
    fn by_title(&mut self, order: &[usize]) {
        let mut blocks: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &i in order {
            if self.feats[i].title.len() >= self.opts.min_title_len {
                blocks.entry(self.feats[i].title.as_str()).or_default().push(i);
            }
        }
        let pairs = block_pairs(&self.feats, blocks.values());
        for (a, b) in pairs {
            // A preprint and an article are two works (linked later as versions).
            if self.uf.same(a, b) || self.feats[a].preprint != self.feats[b].preprint {
                continue;
            }
            let (fa, fb) = (&self.feats[a], &self.feats[b]);
            if years_compatible(&fa.years, &fb.years, self.opts.year_slack) && authors_compatible(fa, fb) {
                let strong = strong_match(fa, fb, 1.0, self.opts);
                self.merge(a, b, MatchRule::TitleYear, strong);
            }
        }
    }

    /// Rule 3: abstract identity (exact key, else near-identical within blocks
    /// sharing the first or the last 48 characters).
    fn by_abstract(&mut self, order: &[usize]) {
        let mut blocks: BTreeMap<(u8, &str), Vec<usize>> = BTreeMap::new();
        for &i in order {
            let key = &self.feats[i].abstract_key;
            if key.len() < self.opts.min_abstract_len {
                continue;
            }
            blocks.entry((0, &key[..48])).or_default().push(i);
            blocks.entry((1, &key[key.len() - 48..])).or_default().push(i);
        }
        let pairs = block_pairs(&self.feats, blocks.values());
        for (a, b) in pairs {
            // A preprint and an article are two works (linked later as versions).
            if self.uf.same(a, b) || self.feats[a].preprint != self.feats[b].preprint {
                continue;
            }
            let (fa, fb) = (&self.feats[a], &self.feats[b]);
            if !years_compatible(&fa.years, &fb.years, self.opts.year_slack) || !authors_compatible(fa, fb) {
                continue;
            }
            let title_sim = if fa.title.is_empty() || fb.title.is_empty() {
                1.0
            } else {
                similarity(&fa.title, &fb.title, 300)
            };
            if title_sim >= 0.8
                && similar(&fa.abstract_key, &fb.abstract_key, 4000, self.opts.abstract_similarity)
            {
                let strong = !fa.title.is_empty()
                    && !fb.title.is_empty()
                    && strong_match(fa, fb, title_sim, self.opts);
                self.merge(a, b, MatchRule::Abstract, strong);
            }
        }
    }

    /// Rule 4: near-identical titles in one first-author + year block (typos,
    /// punctuation, a record exported twice).
    fn by_similar_title(&mut self, blocks: &BTreeMap<(String, i32), Vec<usize>>) {
        use rayon::prelude::*;
        let pairs = block_pairs(&self.feats, blocks.values());
        // Whether two records are alike enough depends on the two only: judged
        // on the pool (`Some(strong)` when alike). The merges are then made in
        // pair order, skipping pairs already joined, as when judged in turn.
        let (feats, opts) = (&self.feats, self.opts);
        let alike: Vec<Option<bool>> = pairs
            .par_iter()
            .map(|&(a, b)| {
                let (fa, fb) = (&feats[a], &feats[b]);
                // A preprint and an article are two works (linked later as versions).
                if fa.preprint != fb.preprint {
                    return None;
                }
                // Every verdict below needs at least this similarity.
                if similarity_bound(&fa.title, &fb.title, 400) < opts.title_similarity.min(0.8) {
                    return None;
                }
                let sim = similarity(&fa.title, &fb.title, 400);
                let strong = strong_match(fa, fb, sim, opts);
                (strong || (venues_compatible(fa, fb) && sim >= opts.title_similarity)).then_some(strong)
            })
            .collect();
        for (&(a, b), verdict) in pairs.iter().zip(alike) {
            let Some(strong) = verdict else { continue };
            if !self.uf.same(a, b) {
                self.merge(a, b, MatchRule::SimilarTitle, strong);
            }
        }
    }

    /// Preprints: a preprint whose title and first author match a
    /// non-preprint record of the same or one of the next two years, in
    /// another group, is linked to it as an earlier version.
    fn versions(
        &mut self,
        order: &[usize],
        blocks: &BTreeMap<(String, i32), Vec<usize>>,
    ) -> Vec<(usize, usize, String)> {
        let mut out: BTreeMap<(usize, usize), String> = BTreeMap::new();
        for &p in order {
            let fp = &self.feats[p];
            if !fp.preprint || fp.first_author.is_empty() || fp.title.len() < self.opts.min_title_len {
                continue;
            }
            let Some(&y) = fp.years.first() else { continue };
            let mut best: Option<(f64, usize)> = None;
            for year in y..=y + 2 {
                let Some(cands) = blocks.get(&(fp.first_author.clone(), year)) else { continue };
                for &c in cands {
                    let fc = &self.feats[c];
                    if fc.preprint || self.uf.same(p, c) {
                        continue;
                    }
                    if similarity_bound(&fp.title, &fc.title, 400) < self.opts.title_similarity {
                        continue;
                    }
                    let sim = similarity(&fp.title, &fc.title, 400);
                    if sim >= self.opts.title_similarity && best.is_none_or(|(s, _)| sim > s) {
                        best = Some((sim, c));
                    }
                }
            }
            if let Some((_, c)) = best {
                let (gp, gc) = (self.uf.find(p), self.uf.find(c));
                let how = match self.records[p].ids.iter().find_map(|i| match i {
                    Identifier::Doi(d) if is_preprint_doi(d) => Some(format!("preprint DOI {d}")),
                    Identifier::Arxiv(a) => Some(format!("arXiv {a}")),
                    _ => None,
                }) {
                    Some(h) => h,
                    None => "preprint record".to_string(),
                };
                out.entry((gp, gc)).or_insert(format!("same title and first author; {how}"));
            }
        }
        out.into_iter().map(|((p, c), basis)| (p, c, basis)).collect()
    }
}

/// Largest block compared all pairs against all; larger blocks (a title like
/// "Letter to the editor" shared by thousands of records) are compared by
/// sorted neighbourhood instead: sorted by first author, year and place, each
/// record against the next [`WINDOW`] ones, so no block costs more than
/// linear time.
const FULL_BLOCK: usize = 64;
/// Neighbours compared in an oversized block.
const WINDOW: usize = 32;

/// The candidate pairs inside each block, earlier member first.
fn block_pairs<'b>(feats: &[Features], blocks: impl Iterator<Item = &'b Vec<usize>>) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for members in blocks {
        if members.len() <= FULL_BLOCK {
            for (k, &a) in members.iter().enumerate() {
                for &b in &members[k + 1..] {
                    pairs.push((a, b));
                }
            }
            continue;
        }
        let mut sorted: Vec<(usize, usize)> = members.iter().copied().enumerate().collect();
        sorted.sort_by(|&(ka, a), &(kb, b)| {
            let (fa, fb) = (&feats[a], &feats[b]);
            (&fa.first_author, &fa.years, &fa.volume, &fa.first_page, ka).cmp(&(
                &fb.first_author,
                &fb.years,
                &fb.volume,
                &fb.first_page,
                kb,
            ))
        });
        for (k, &(ka, a)) in sorted.iter().enumerate() {
            for &(kb, b) in sorted.iter().skip(k + 1).take(WINDOW) {
                pairs.push(if ka < kb { (a, b) } else { (b, a) });
            }
        }
    }
    pairs
}

/// Version of [`blocking_keys`]: keys stored under another version are
/// computed again.
pub const BLOCKING_KEYS_VERSION: &str = "works-1";

/// Every key under which [`group`] compares `r` with another record: its
/// identifiers, its title key, the head and tail of its abstract key, its
/// first author with its first year. Two records that share no key are never
/// compared, so the records an incremental ingest has to resolve together
/// with a new record are those sharing one of its keys (a superset: blocks
/// are not cut by `min_title_len` or `min_abstract_len` here).
pub fn blocking_keys(r: &Record) -> Vec<String> {
    let f = features(r);
    let mut keys: Vec<String> = f.registry.iter().chain(&f.internal).map(|id| format!("id {id:?}")).collect();
    if !f.title.is_empty() {
        keys.push(format!("t {}", f.title));
    }
    let k = &f.abstract_key;
    if let (Some(head), Some(tail)) = (k.get(..48), k.len().checked_sub(48).and_then(|at| k.get(at..))) {
        keys.push(format!("ah {head}"));
        keys.push(format!("at {tail}"));
    }
    if let (false, Some(y)) = (f.first_author.is_empty(), f.years.first()) {
        keys.push(format!("fy {} {y}", f.first_author));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Groups `records` into works.
pub(crate) fn group(records: &[Record], opts: &Options, diags: &mut Vec<Diagnostic>) -> Groups {
    let n = records.len();
    // Canonical order, so the grouping does not depend on input order.
    let mut order: Vec<usize> = (0..n).collect();
    use rayon::prelude::*;
    order.par_sort_by(|&a, &b| records[a].at.cmp(&records[b].at).then(a.cmp(&b)));
    let feats: Vec<Features> = records.par_iter().map(features).collect();
    let uf = Uf::new(&feats);
    let mut author_year: BTreeMap<(String, i32), Vec<usize>> = BTreeMap::new();
    for &i in &order {
        let f = &feats[i];
        if f.first_author.is_empty() || f.title.len() < opts.min_title_len {
            continue;
        }
        if let Some(&y) = f.years.first() {
            author_year.entry((f.first_author.clone(), y)).or_default().push(i);
        }
    }
    let mut g = Grouper { records, feats, opts, uf, refused: 0, diags };
    g.by_identifier(&order);
    g.by_link(&order);
    g.by_title(&order);
    g.by_abstract(&order);
    g.by_similar_title(&author_year);
    let root_versions = g.versions(&order, &author_year);
    let Grouper { mut uf, refused, .. } = g;

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
    let versions = root_versions
        .into_iter()
        .filter_map(|(p, c, basis)| Some((*root_group.get(&p)?, *root_group.get(&c)?, basis)))
        .collect();
    Groups { record_group, members, matched_on, merges: uf.merges, versions, refused }
}

/// One record as a side of a reported pair.
pub(crate) fn pair_side(r: &Record) -> PairSide {
    PairSide {
        at: r.at.clone(),
        title: r.title.clone(),
        year: r.year(),
        ids: r.ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(" "),
    }
}

/// The reported pair of one merge.
pub(crate) fn pair_of(records: &[Record], m: &Merge) -> DedupPair {
    DedupPair {
        rule: m.rule,
        strong: m.strong,
        kept: pair_side(&records[m.kept]),
        removed: pair_side(&records[m.removed]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_title_block_finds_its_duplicate_without_all_pairs() {
        use crate::model::{Author, Date, Provenance};
        let mk = |line: u32, family: &str| {
            let mut r = Record::new(Provenance::new("x.ris", line, None), "test");
            r.title = Some("Letter to the editor on depression screening".into());
            r.authors = vec![Author::person(&format!("{family}, A."))];
            r.published = Some(Date::year(2000 + (line % 20) as i32));
            r.venue = Some("BMJ".into());
            r.pages = Some(format!("{line}"));
            r
        };
        let mut records: Vec<Record> = (0..300).map(|i| mk(i, &format!("Author{}", i % 150))).collect();
        let mut dup = mk(17, "Author17");
        dup.at = Provenance::new("y.ris", 1, None);
        records.push(dup);
        let mut diags = Vec::new();
        let g = group(&records, &Options::default(), &mut diags);
        assert_eq!(g.members.len(), 300, "only the duplicate merges");
        assert_eq!(g.merges.len(), 1);
        assert_eq!(g.record_group[17], g.record_group[300]);
    }

    #[test]
    fn preprint_dois_are_told_from_journal_dois_sharing_a_prefix() {
        assert!(is_preprint_doi("10.1101/2020.03.12.988865"));
        assert!(!is_preprint_doi("10.1101/gr.123456.110"));
        assert!(is_preprint_doi("10.48550/arxiv.2101.00001"));
        assert!(!is_preprint_doi("10.1016/j.joi.2017.08.007"));
    }
}
