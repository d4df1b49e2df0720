//! Readable cluster names and summaries.
//!
//! Each cluster's works (a work node is its own work; a person, subject or
//! venue node brings the works it authored, is about or published) are read
//! for terms: unigrams, bigrams and trigrams of stemmed content words from
//! titles, abstracts, subject headings and keywords ([`super::tokens::for_each_phrase`]),
//! counted once per work.
//!
//! Terms are scored by the **log-odds ratio with an informative Dirichlet
//! prior** (Monroe, Colaresi & Quinn 2008) of the cluster against the rest of
//! the corpus, as a z-score: frequent-everywhere words score near zero, words
//! concentrated in the cluster score high. Further rules:
//!
//! - a term that occurs in every cluster (with two clusters or more) never
//!   names one: it does not tell them apart;
//! - a term must occur in at least two of the cluster's works when the
//!   cluster has three works or more;
//! - a shorter term is dropped in favour of a longer phrase containing it when
//!   the phrase occurs in at least 80% of the works the shorter term occurs in
//!   (so "complex emotional needs" wins over "emotional needs" and "needs");
//! - in the name, no term is shown beside a phrase containing it, and two
//!   phrases that overlap at their ends ("stochastic petri", "petri nets")
//!   are shown once, joined ("stochastic petri nets").
//!
//! The readable `name` joins the top `name_terms` terms (in their most common
//! written form) with ", ". The [`ClusterSummary`] also lists main authors,
//! venues, the year range and the most cited works; it serialises to JSON.

use super::cluster::Partition;
use super::tokens;
use crate::graph::{format_float, CitationGraph};
use crate::model::{norm, Corpus};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Options of [`summarise`] (`[naming]` in `config.toml`; their `Default` is
/// the only place the naming defaults live).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NamingOptions {
    /// Distinctive terms listed per cluster.
    pub terms: usize,
    /// Terms joined into the name.
    pub name_terms: usize,
    /// Longest phrase, in words (1-3).
    pub max_ngram: usize,
    /// Prior strength: the prior count of a term is this times its corpus count.
    pub prior: f64,
    /// Authors, venues and cited works listed per cluster.
    pub top: usize,
}

impl Default for NamingOptions {
    fn default() -> Self {
        NamingOptions { terms: 10, name_terms: 3, max_ngram: 3, prior: 0.1, top: 5 }
    }
}

/// A distinctive term of a cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TermScore {
    /// The term as most often written.
    pub term: String,
    /// Log-odds z-score against the rest of the corpus.
    pub score: f64,
    /// Works of the cluster that contain it.
    pub works: usize,
    /// Works of the whole corpus that contain it.
    pub corpus_works: usize,
}

/// A name with a count (author, venue).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Works of the cluster.
    pub works: usize,
}

/// A much-cited work of a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitedWork {
    /// Stable id.
    pub id: String,
    /// Label.
    pub label: String,
    /// The larger of times cited and in-corpus citations.
    pub citations: u64,
}

/// What a cluster is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterSummary {
    /// Cluster number (1 = largest).
    pub cluster: u32,
    /// Readable name: the top terms.
    pub name: String,
    /// Nodes in the cluster.
    pub size: usize,
    /// Distinct works behind the nodes.
    pub n_works: usize,
    /// Most distinctive terms, best first.
    pub terms: Vec<TermScore>,
    /// Most frequent authors.
    pub authors: Vec<Counted>,
    /// Most frequent venues.
    pub venues: Vec<Counted>,
    /// Earliest year.
    pub year_min: Option<i32>,
    /// Latest year.
    pub year_max: Option<i32>,
    /// Most cited works.
    pub most_cited: Vec<CitedWork>,
}

/// Term keys (stemmed n-grams) per work, plus the written forms seen.
pub struct TermIndex {
    /// Term id -> key.
    keys: Vec<String>,
    /// Term id -> written forms and their counts (each form once, in no
    /// order that matters: a name takes the most frequent form, then the
    /// alphabetically first).
    surface: Vec<Vec<(String, u32)>>,
    /// Sorted term ids per work.
    by_work: Vec<Vec<u32>>,
    /// Works per term.
    df: Vec<u32>,
}

impl TermIndex {
    /// The terms of every work of `corpus` (n-grams up to `opts.max_ngram`).
    pub fn of(corpus: &Corpus, opts: &NamingOptions) -> TermIndex {
        index_terms(corpus, &vec![true; corpus.works.len()], opts.max_ngram)
    }
}

fn index_terms(corpus: &Corpus, works: &[bool], max_ngram: usize) -> TermIndex {
    index_terms_in_blocks(corpus, works, max_ngram, 2048)
}

/// [`index_terms`] with blocks of `block` works.
fn index_terms_in_blocks(corpus: &Corpus, works: &[bool], max_ngram: usize, block: usize) -> TermIndex {
    use rayon::prelude::*;
    let subjects_of = corpus.subjects_by_work();
    // Blocks of works are indexed on the rayon pool, each with term ids of
    // its own in the order the block first meets them ([`BlockTerms`]); the
    // blocks are then merged in work order, a new term taking the next id.
    // A term's id is thus the rank of its first occurrence in the whole
    // corpus, whatever the thread count, as if the works were read one by
    // one; the sequential merge looks up each term once per block, not once
    // per occurrence, with the hash its block computed.
    let index_block = |range: std::ops::Range<usize>| -> BlockTerms {
        let mut b = BlockTerms::default();
        let mut grams = Grams::default();
        let (mut key, mut ids) = (String::new(), Vec::new());
        for w in range {
            let mut set: Vec<u32> = Vec::new();
            if works.get(w).copied().unwrap_or(false) {
                for text in tokens::work_texts(corpus, w, &subjects_of) {
                    tokens::for_each_phrase(text, |run| {
                        ids.clear();
                        ids.extend(run.iter().map(|x| grams.word(x)));
                        for len in 1..=max_ngram.clamp(1, 3) {
                            for start in 0..run.len().saturating_sub(len - 1) {
                                let Some(s) = ids.get(start..start + len) else {
                                    continue;
                                };
                                let mut gram = [Grams::NONE; 3];
                                gram[..len].copy_from_slice(s);
                                set.push(grams.add(&mut b, gram, &mut key));
                            }
                        }
                    });
                }
            }
            set.sort_unstable();
            set.dedup();
            b.by_work.push(set);
        }
        grams.finish(&mut b);
        b
    };
    let block = block.max(1);
    let blocks: Vec<std::ops::Range<usize>> =
        (0..works.len()).step_by(block).map(|first| first..(first + block).min(works.len())).collect();
    let window = (rayon::current_num_threads() * 2).max(1);
    let mut ids: HashMap<Hashed, u32> = HashMap::default();
    let mut idx = TermIndex { keys: Vec::new(), surface: Vec::new(), by_work: Vec::new(), df: Vec::new() };
    let mut merge = |indexed: Vec<BlockTerms>| {
        for b in indexed {
            let global: Vec<u32> = b
                .keys
                .into_iter()
                .map(|key| match ids.get(&key) {
                    Some(&id) => id,
                    None => {
                        let id = idx.keys.len() as u32;
                        idx.keys.push(key.key.clone());
                        ids.insert(key, id);
                        idx.surface.push(Vec::new());
                        idx.df.push(0);
                        id
                    }
                })
                .collect();
            for (form, (local, n)) in b.forms {
                let forms = &mut idx.surface[global[local as usize] as usize];
                match forms.iter_mut().find(|(f, _)| *f == form) {
                    Some((_, c)) => *c += n,
                    None => forms.push((form, n)),
                }
            }
            for set in b.by_work {
                let mut set: Vec<u32> = set.into_iter().map(|t| global[t as usize]).collect();
                set.sort_unstable();
                for &t in &set {
                    idx.df[t as usize] += 1;
                }
                idx.by_work.push(set);
            }
        }
    };
    // Each group of blocks is indexed while the one before it is merged.
    let mut pending: Option<Vec<BlockTerms>> = None;
    for group in blocks.chunks(window) {
        let before = pending.take();
        let (indexed, ()) = rayon::join(
            || group.par_iter().cloned().map(index_block).collect::<Vec<BlockTerms>>(),
            || before.into_iter().for_each(&mut merge),
        );
        pending = Some(indexed);
    }
    pending.into_iter().for_each(&mut merge);
    idx
}

/// A term key with its hash, computed by the block that met it (on the
/// pool), so that merging blocks, one after the other, hashes no text.
#[derive(Clone, PartialEq, Eq)]
struct Hashed {
    hash: u64,
    key: String,
}

impl std::hash::Hash for Hashed {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// The terms of one block of works, numbered in the order the block first
/// meets them.
#[derive(Default)]
struct BlockTerms {
    /// Local id -> key.
    keys: Vec<Hashed>,
    /// Key -> local id.
    ids: HashMap<String, u32>,
    /// Each written form once, in the order first met, with its term's
    /// local id and its count.
    forms: Vec<(String, (u32, u32))>,
    /// Sorted local ids per work of the block.
    by_work: Vec<Vec<u32>>,
}

impl BlockTerms {
    /// The local id of the term `key`, numbered in the order keys are
    /// first met; its hash is kept for the merge.
    fn term(&mut self, key: &str) -> u32 {
        match self.ids.get(key) {
            Some(&id) => id,
            None => {
                let id = self.keys.len() as u32;
                self.ids.insert(key.to_string(), id);
                let hash = std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, key);
                self.keys.push(Hashed { hash, key: key.to_string() });
                id
            }
        }
    }
}

/// The n-grams one block meets, as the numbers of their words: a word is
/// looked up once per occurrence, and an n-gram by its numbers, not by its
/// written text (each word used to cost a look-up of the written text of
/// its unigram, bigram and trigram). A written n-gram is its words joined
/// by spaces and a word has no space, so numbers and written forms name the
/// same n-grams.
#[derive(Default)]
struct Grams {
    /// Word -> number, in the order met.
    numbers: HashMap<String, u32>,
    /// Number -> word, and its stem once made.
    words: Vec<(String, Option<String>)>,
    /// N-gram (numbers of its words, [`Grams::NONE`] after the last) -> its
    /// place in `forms`.
    places: HashMap<[u32; 3], u32>,
    /// Each written n-gram in the order first met: its words, its term's
    /// local id and its count.
    forms: Vec<([u32; 3], u32, u32)>,
}

impl Grams {
    /// No word: the place after the last word of a shorter n-gram.
    const NONE: u32 = u32::MAX;

    /// The number of `word`.
    fn word(&mut self, word: &str) -> u32 {
        if let Some(&n) = self.numbers.get(word) {
            return n;
        }
        let n = self.words.len() as u32;
        self.numbers.insert(word.to_string(), n);
        self.words.push((word.to_string(), None));
        n
    }

    /// Counts one occurrence of `gram`; its term's local id in `b`. The key
    /// (the words' stems joined by spaces, stems made when first needed) is
    /// made when the n-gram is new to the block: a written n-gram has one
    /// key, and terms are numbered in the order their keys are first met.
    fn add(&mut self, b: &mut BlockTerms, gram: [u32; 3], key: &mut String) -> u32 {
        if let Some(&place) = self.places.get(&gram) {
            let form = &mut self.forms[place as usize];
            form.2 += 1;
            return form.1;
        }
        key.clear();
        for (i, &n) in gram.iter().take_while(|&&n| n != Self::NONE).enumerate() {
            if i > 0 {
                key.push(' ');
            }
            let (word, stem) = &mut self.words[n as usize];
            key.push_str(stem.get_or_insert_with(|| tokens::stem(word)));
        }
        let id = b.term(key);
        self.places.insert(gram, self.forms.len() as u32);
        self.forms.push((gram, id, 1));
        id
    }

    /// Puts the written n-grams in `b.forms`, in the order first met.
    fn finish(self, b: &mut BlockTerms) {
        b.forms.reserve_exact(self.forms.len());
        for (gram, id, count) in self.forms {
            let mut written = String::new();
            for (i, &n) in gram.iter().take_while(|&&n| n != Self::NONE).enumerate() {
                if i > 0 {
                    written.push(' ');
                }
                written.push_str(&self.words[n as usize].0);
            }
            b.forms.push((written, (id, count)));
        }
    }
}

/// Works behind each node of `graph` (work nodes, authors, subjects, venues).
fn works_of_nodes(corpus: &Corpus, graph: &CitationGraph) -> Vec<Vec<u32>> {
    let mut by_agent: HashMap<&str, Vec<u32>> = HashMap::default();
    for a in &corpus.authorships {
        if let Some(ag) = corpus.agents.get(a.agent as usize) {
            by_agent.entry(ag.id.as_str()).or_default().push(a.work);
        }
    }
    let mut by_subject: HashMap<&str, Vec<u32>> = HashMap::default();
    for a in &corpus.about {
        if let Some(s) = corpus.subjects.get(a.subject as usize) {
            by_subject.entry(s.id.as_str()).or_default().push(a.work);
        }
    }
    let mut by_venue: HashMap<&str, Vec<u32>> = HashMap::default();
    for p in &corpus.published_in {
        if let Some(v) = corpus.venues.get(p.venue as usize) {
            by_venue.entry(v.id.as_str()).or_default().push(p.work);
        }
    }
    let mut next = 0;
    graph
        .graph
        .node_weights()
        .map(|n| {
            if let Some(w) = corpus.work_by_id_from(&n.id, next) {
                next = w + 1;
                return vec![w as u32];
            }
            let id = n.id.as_str();
            let mut v = by_agent
                .get(id)
                .or_else(|| by_subject.get(id))
                .or_else(|| by_venue.get(id))
                .cloned()
                .unwrap_or_default();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect()
}

/// Summarises every cluster 1..=n of `partition` (computed on `graph`).
///
/// Complexity: linear in the text of the corpus (n-grams per work) plus the
/// terms of each cluster.
pub fn summarise(
    corpus: &Corpus,
    graph: &CitationGraph,
    partition: &Partition,
    opts: &NamingOptions,
) -> Vec<ClusterSummary> {
    summarise_with(corpus, graph, partition, &TermIndex::of(corpus, opts), opts)
}

/// [`summarise`] with the corpus's terms indexed already ([`TermIndex::of`]
/// with the same `corpus` and `opts`): the index does not depend on the
/// partition, so it can be built while the clusters are found.
pub fn summarise_with(
    corpus: &Corpus,
    graph: &CitationGraph,
    partition: &Partition,
    idx: &TermIndex,
    opts: &NamingOptions,
) -> Vec<ClusterSummary> {
    let node_works = works_of_nodes(corpus, graph);
    let members = partition.members();
    let mut cluster_works: Vec<Vec<u32>> = Vec::with_capacity(members.len());
    for m in &members {
        let mut ws: Vec<u32> =
            m.iter().flat_map(|&i| node_works.get(i).cloned().unwrap_or_default()).collect();
        ws.sort_unstable();
        ws.dedup();
        cluster_works.push(ws);
    }
    let total_df: f64 = idx.df.iter().map(|&d| d as f64).sum();
    // Each cluster's terms with the number of its works they occur in,
    // sorted by term (a sort of the term lists, not a map per cluster:
    // millions of term occurrences at 100k works), clusters side by side.
    let per_cluster: Vec<Vec<(u32, u32)>> = {
        use rayon::prelude::*;
        cluster_works
            .par_iter()
            .map(|ws| {
                let mut all: Vec<u32> = ws
                    .iter()
                    .flat_map(|&w| idx.by_work.get(w as usize).map_or(&[][..], Vec::as_slice))
                    .copied()
                    .collect();
                all.sort_unstable();
                let mut counts: Vec<(u32, u32)> = Vec::new();
                for t in all {
                    match counts.last_mut() {
                        Some((last, n)) if *last == t => *n += 1,
                        _ => counts.push((t, 1)),
                    }
                }
                counts
            })
            .collect()
    };
    // Clusters each term occurs in, for the "in every cluster" rule.
    let mut n_clusters_with = vec![0u32; idx.keys.len()];
    for counts in &per_cluster {
        for &(t, _) in counts {
            n_clusters_with[t as usize] += 1;
        }
    }
    let local = super::network::local_citations(corpus);
    let by_work = agents_by_work(corpus);
    let n_clusters = members.len();
    // Each summary depends on its cluster alone: side by side, in order.
    use rayon::prelude::*;
    per_cluster
        .par_iter()
        .enumerate()
        .map(|(c, counts)| {
            let ws = &cluster_works[c];
            let terms = score_terms(idx, counts, ws.len(), total_df, &n_clusters_with, n_clusters, opts);
            let mut name = name_from_terms(&terms, opts.name_terms);
            let most_cited = most_cited(corpus, ws, &local, opts.top);
            if name.is_empty() {
                name = most_cited.first().map_or_else(|| format!("cluster {}", c + 1), |w| w.label.clone());
            }
            let years: Vec<i32> = ws
                .iter()
                .filter_map(|&w| corpus.works.get(w as usize)?.year.as_ref().map(|y| y.value))
                .collect();
            ClusterSummary {
                cluster: c as u32 + 1,
                name,
                size: members[c].len(),
                n_works: ws.len(),
                terms,
                authors: top_authors(corpus, &by_work, ws, opts.top),
                venues: top_venues(corpus, ws, opts.top),
                year_min: years.iter().copied().min(),
                year_max: years.iter().copied().max(),
                most_cited,
            }
        })
        .collect()
}

/// The name: the best `n` terms, no term shown beside a phrase containing
/// it ("gut, microbiota, gut microbiota" is named "gut microbiota" plus the
/// next terms). Terms are compared by their stemmed words, so "need" is
/// inside "complex emotional needs"; a phrase replaces the shorter terms
/// it contains at the place of the first of them.
pub fn name_from_terms(terms: &[TermScore], n: usize) -> String {
    // The corpus stemmer leaves words of four letters alone ("nets"); for
    // this comparison a plural -s is dropped too, so "petri net" is inside
    // "petri nets".
    let fold = |w: &str| {
        let s = tokens::stem(&w.to_lowercase());
        match s.strip_suffix('s') {
            Some(base)
                if base.len() >= 2 && !s.ends_with("ss") && !s.ends_with("us") && !s.ends_with("is") =>
            {
                base.to_string()
            }
            _ => s,
        }
    };
    let stems = |t: &str| -> Vec<String> { t.split_whitespace().map(fold).collect() };
    let inside = |small: &[String], big: &[String]| {
        !small.is_empty() && small.len() <= big.len() && big.windows(small.len()).any(|w| w == small)
    };
    // Two phrases that overlap at their ends are pieces of one longer phrase
    // ("stochastic petri" + "petri nets"): shown once, joined.
    let overlap = |a: &[String], b: &[String]| -> usize {
        (1..a.len().min(b.len())).rev().find(|&k| a[a.len() - k..] == b[..k]).unwrap_or(0)
    };
    let mut chosen: Vec<(Vec<String>, String)> = Vec::new();
    for t in terms {
        if chosen.len() >= n.max(1) {
            break;
        }
        let mut s = stems(&t.term);
        let mut written: String = t.term.split_whitespace().collect::<Vec<_>>().join(" ");
        if chosen.iter().any(|(c, _)| inside(&s, c)) {
            continue;
        }
        let mut at = None;
        if let Some((i, k, first)) = chosen.iter().enumerate().find_map(|(i, (c, _))| {
            let (ab, ba) = (overlap(c, &s), overlap(&s, c));
            (ab > 0).then_some((i, ab, true)).or((ba > 0).then_some((i, ba, false)))
        }) {
            let (c, cw) = chosen.remove(i);
            let cw: Vec<&str> = cw.split_whitespace().collect();
            let sw: Vec<&str> = written.split_whitespace().collect();
            (s, written) = if first {
                ([&c[..], &s[k..]].concat(), [&cw[..], &sw[k.min(sw.len())..]].concat().join(" "))
            } else {
                ([&s[..], &c[k..]].concat(), [&sw[..], &cw[k.min(cw.len())..]].concat().join(" "))
            };
            at = Some(i);
        }
        let at = at.or_else(|| chosen.iter().position(|(c, _)| inside(c, &s)));
        chosen.retain(|(c, _)| !inside(c, &s));
        let at = at.unwrap_or(chosen.len()).min(chosen.len());
        chosen.insert(at, (s, written));
    }
    chosen.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(", ")
}

/// Cluster number -> name, for [`super::cluster::annotate`].
pub fn names(summaries: &[ClusterSummary]) -> BTreeMap<u32, String> {
    summaries.iter().map(|s| (s.cluster, s.name.clone())).collect()
}

fn score_terms(
    idx: &TermIndex,
    counts: &[(u32, u32)],
    n_works: usize,
    total_df: f64,
    n_clusters_with: &[u32],
    n_clusters: usize,
    opts: &NamingOptions,
) -> Vec<TermScore> {
    let n_c: f64 = counts.iter().map(|&(_, v)| v as f64).sum();
    let n_r = (total_df - n_c).max(0.0);
    let alpha0 = opts.prior * total_df;
    let min_support = if n_works >= 3 { 2 } else { 1 };
    // Longest-phrase support of each shorter term.
    let mut sup: HashMap<String, u32> = HashMap::default();
    for &(t, y) in counts {
        let key = &idx.keys[t as usize];
        let toks: Vec<&str> = key.split(' ').collect();
        if toks.len() < 2 {
            continue;
        }
        for len in 1..toks.len() {
            for start in 0..=toks.len() - len {
                let Some(sub) = toks.get(start..start + len) else { continue };
                let e = sup.entry(sub.join(" ")).or_insert(0);
                *e = (*e).max(y);
            }
        }
    }
    let mut scored: Vec<TermScore> = Vec::new();
    for &(t, y) in counts {
        let ti = t as usize;
        if y < min_support || (n_clusters >= 2 && n_clusters_with[ti] as usize >= n_clusters) {
            continue;
        }
        let key = idx.keys[ti].as_str();
        if sup.get(key).is_some_and(|&s| s as f64 >= 0.8 * y as f64) {
            continue;
        }
        let df = idx.df[ti] as f64;
        let alpha = opts.prior * df;
        let yc = y as f64;
        let yr = (df - yc).max(0.0);
        let odds_c = (yc + alpha) / (n_c + alpha0 - yc - alpha).max(1e-9);
        let odds_r = (yr + alpha) / (n_r + alpha0 - yr - alpha).max(1e-9);
        let delta = odds_c.ln() - odds_r.ln();
        let var = 1.0 / (yc + alpha) + 1.0 / (yr + alpha).max(1e-9);
        let z = delta / var.sqrt();
        if !(z.is_finite() && z > 0.0) {
            continue;
        }
        let term = idx.surface[ti]
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map_or_else(|| key.to_string(), |(s, _)| s.clone());
        // Round so the order does not hinge on the last bits of a float.
        let score: f64 = format_float(z).parse().unwrap_or(z);
        scored.push(TermScore { term, score, works: y as usize, corpus_works: idx.df[ti] as usize });
    }
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.term.cmp(&b.term)));
    // Scores within 0.05 of the best remaining one are statistically the
    // same; among those the longer phrase is the more specific name
    // ("complex emotional needs" before "good"), then the higher score.
    let words = |t: &TermScore| t.term.split(' ').count();
    let mut pool: Vec<TermScore> = scored.into_iter().take(opts.terms.max(1) * 8).collect();
    let mut scored = Vec::with_capacity(opts.terms);
    while scored.len() < opts.terms && !pool.is_empty() {
        let top = pool[0].score;
        let pick = (0..pool.len())
            .filter(|&i| pool[i].score >= top - 0.05)
            .max_by(|&i, &j| words(&pool[i]).cmp(&words(&pool[j])).then(j.cmp(&i)))
            .unwrap_or(0);
        scored.push(pool.remove(pick));
    }
    scored.truncate(opts.terms);
    scored
}

fn most_cited(corpus: &Corpus, ws: &[u32], local: &[u64], top: usize) -> Vec<CitedWork> {
    let mut v: Vec<CitedWork> = ws
        .iter()
        .filter_map(|&w| {
            let work = corpus.works.get(w as usize)?;
            let global = work.times_cited.as_ref().map_or(0, |t| t.value);
            let c = global.max(local.get(w as usize).copied().unwrap_or(0));
            Some(CitedWork { id: work.id.clone(), label: work.label.clone(), citations: c })
        })
        .filter(|c| c.citations > 0)
        .collect();
    v.sort_by(|a, b| b.citations.cmp(&a.citations).then(a.id.cmp(&b.id)));
    v.truncate(top);
    v
}

fn rank_counted(
    counts: BTreeMap<usize, usize>,
    name: impl Fn(usize) -> (String, String),
    top: usize,
) -> Vec<Counted> {
    let mut v: Vec<Counted> = counts
        .into_iter()
        .map(|(i, n)| {
            let (id, nm) = name(i);
            Counted { id, name: nm, works: n }
        })
        .collect();
    v.sort_by(|a, b| {
        b.works.cmp(&a.works).then(norm::fold(&a.name).cmp(&norm::fold(&b.name))).then(a.id.cmp(&b.id))
    });
    v.truncate(top);
    v
}

/// Agents of each work (by work index), each agent once per work.
fn agents_by_work(corpus: &Corpus) -> Vec<Vec<u32>> {
    let mut v: Vec<Vec<u32>> = vec![Vec::new(); corpus.works.len()];
    for a in &corpus.authorships {
        if let Some(list) = v.get_mut(a.work as usize) {
            list.push(a.agent);
        }
    }
    for list in &mut v {
        list.sort_unstable();
        list.dedup();
    }
    v
}

fn top_authors(corpus: &Corpus, by_work: &[Vec<u32>], ws: &[u32], top: usize) -> Vec<Counted> {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for &w in ws {
        for &a in by_work.get(w as usize).map_or(&[][..], Vec::as_slice) {
            *counts.entry(a as usize).or_insert(0) += 1;
        }
    }
    rank_counted(
        counts,
        |i| corpus.agents.get(i).map_or_else(Default::default, |a| (a.id.clone(), a.name.clone())),
        top,
    )
}

fn top_venues(corpus: &Corpus, ws: &[u32], top: usize) -> Vec<Counted> {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for &w in ws {
        if let Some(v) = corpus.works.get(w as usize).and_then(|w| w.venue) {
            *counts.entry(v as usize).or_insert(0) += 1;
        }
    }
    rank_counted(
        counts,
        |i| corpus.venues.get(i).map_or_else(Default::default, |v| (v.id.clone(), v.name.clone())),
        top,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(term: &str) -> TermScore {
        TermScore { term: term.into(), score: 1.0, works: 1, corpus_works: 1 }
    }

    /// The term index read one work after the other, every n-gram looked
    /// up by its written text.
    fn index_one_by_one(corpus: &Corpus, max_ngram: usize) -> TermIndex {
        let subjects_of = corpus.subjects_by_work();
        let mut ids: HashMap<String, u32> = HashMap::default();
        let mut idx =
            TermIndex { keys: Vec::new(), surface: Vec::new(), by_work: Vec::new(), df: Vec::new() };
        for w in 0..corpus.works.len() {
            let mut set = std::collections::BTreeSet::new();
            for text in tokens::work_texts(corpus, w, &subjects_of) {
                for run in tokens::phrases(text) {
                    for len in 1..=max_ngram {
                        for start in 0..run.len().saturating_sub(len - 1) {
                            let words = &run[start..start + len];
                            let key = words.iter().map(|x| tokens::stem(x)).collect::<Vec<_>>().join(" ");
                            let id = *ids.entry(key.clone()).or_insert_with(|| {
                                idx.keys.push(key);
                                idx.surface.push(Vec::new());
                                idx.df.push(0);
                                idx.keys.len() as u32 - 1
                            });
                            let written = words.join(" ");
                            let forms = &mut idx.surface[id as usize];
                            match forms.iter_mut().find(|(f, _)| *f == written) {
                                Some((_, n)) => *n += 1,
                                None => forms.push((written, 1)),
                            }
                            set.insert(id);
                        }
                    }
                }
            }
            for &t in &set {
                idx.df[t as usize] += 1;
            }
            idx.by_work.push(set.into_iter().collect());
        }
        idx
    }

    #[test]
    fn terms_indexed_in_blocks_are_those_read_one_by_one() {
        let text = include_str!("../../tests/fixtures/exports-wild/medline-metaknowledge.nbib");
        let parsed = crate::ingest::medline::parse("m.nbib", text);
        let corpus = crate::resolve::resolve(&parsed.records, &Default::default());
        assert!(corpus.works.len() > 50, "{} works", corpus.works.len());
        let want = index_one_by_one(&corpus, 3);
        assert!(want.keys.len() > 1000, "{} terms", want.keys.len());
        let all = vec![true; corpus.works.len()];
        for block in [1, 7, 2048] {
            let mut got = index_terms_in_blocks(&corpus, &all, 3, block);
            assert_eq!(got.keys, want.keys, "blocks of {block}");
            assert_eq!(got.by_work, want.by_work, "blocks of {block}");
            assert_eq!(got.df, want.df, "blocks of {block}");
            // Each term's written forms, whose order the names do not read.
            let mut sorted = want.surface.clone();
            for forms in got.surface.iter_mut().chain(&mut sorted) {
                forms.sort();
            }
            assert_eq!(got.surface, sorted, "blocks of {block}");
        }
    }

    #[test]
    fn names_never_repeat_a_term_inside_a_phrase() {
        let terms = [t("gut"), t("microbiota"), t("gut microbiota"), t("diet"), t("fibre")];
        assert_eq!(name_from_terms(&terms, 3), "gut microbiota, diet, fibre");
        let terms = [t("complex emotional needs"), t("need"), t("community services"), t("services")];
        assert_eq!(name_from_terms(&terms, 3), "complex emotional needs, community services");
        let terms = [t("petri nets"), t("petri net"), t("systems"), t("modelling")];
        assert_eq!(name_from_terms(&terms, 3), "petri nets, systems, modelling");
        // Pieces of one phrase are joined, not shown side by side.
        let terms = [t("petri nets"), t("stochastic petri"), t("systems"), t("modelling")];
        assert_eq!(name_from_terms(&terms, 3), "stochastic petri nets, systems, modelling");
        let terms = [
            t("medication"),
            t("transjugular intrahepatic portosystemic"),
            t("intrahepatic portosystemic shunt"),
            t("cirrhosis"),
        ];
        assert_eq!(
            name_from_terms(&terms, 3),
            "medication, transjugular intrahepatic portosystemic shunt, cirrhosis"
        );
        let terms = [t("signal transduction"), t("signal pathway"), t("kinase")];
        assert_eq!(name_from_terms(&terms, 3), "signal transduction, signal pathway, kinase");
        let terms = [t("covid"), t("pandemic"), t("policy")];
        assert_eq!(name_from_terms(&terms, 2), "covid, pandemic");
    }
}
