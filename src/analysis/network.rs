//! Derived networks over a [`Corpus`]: direct citation, co-citation,
//! bibliographic coupling, co-authorship, subject co-occurrence, text
//! similarity and weighted hybrids of the work networks.
//!
//! [`build`] returns a [`CitationGraph`] whose nodes follow the conventions of
//! [`crate::graph::build`] (same ids, kinds, labels and `title`, `year`, `doi`,
//! `pmid`, `venue`, `doc_type`, `sources` attributes) and whose edges carry the
//! network's [`EdgeKind`], `weight` and the `weight` attribute. Derived networks
//! are undirected: one edge per pair, lower node index first. Direct citation
//! keeps the citing -> cited direction.
//!
//! # Counting
//!
//! Projections are computed from the bipartite lists, never by comparing all
//! pairs of works: co-citation from each citing work's reference list,
//! coupling from each cited work's list of citers, co-authorship from each
//! work's byline, co-occurrence from each work's subjects and keywords. A row
//! at a time is accumulated in a dense scratch array, so the cost is the number
//! of pair incidences (sum of `k(k-1)/2` over the lists) and memory is the
//! output.
//!
//! - **Full counting**: each shared item adds 1 (the edge weight is the
//!   number of shared citing works / references / joint works).
//! - **Fractional counting** (Perianes-Rodriguez, van Eck & Waltman 2016): an
//!   item shared by a list of `k` entries adds `1/(k-1)` to each of its pairs,
//!   so every entry receives a total of 1 from each list it is in, and a
//!   200-reference review or a 40-author consortium paper does not dominate.
//!   The `count` edge attribute keeps the full count in both modes.
//!
//! # Text similarity
//!
//! TF-IDF cosine over the stemmed content words of titles, abstracts, subject
//! headings and keywords (see [`super::text`]): term weight `(1 + ln tf) *
//! ln(N / df)`, vectors L2-normalised. Terms in a single work cannot link two
//! works and are dropped; terms in more than `max_df_ratio` of the works or in
//! more than `max_df` works are pruned as too common. Scores are accumulated
//! through an inverted index, and each work keeps its `top_k` most similar
//! works (score at least `min_score`); an edge exists when either end keeps it.
//!
//! # Hybrid
//!
//! A weighted sum over works of normalised component weights: citation 1 for a
//! citation in either direction, coupling and co-citation as Salton cosines
//! (`shared / sqrt(k_a k_b)`), similarity as its cosine. Each component weight
//! is also written as an edge attribute `w_<kind>`.
//!
//! # The default network ([`default_kind`])
//!
//! Let `papers` be the works with a record of their own and `with_refs` those
//! of them with at least one outgoing citation.
//!
//! - no paper has references: **text similarity** alone (a seed listing of
//!   titles and abstracts links its works only through their text);
//! - at least 90% of papers have references: **hybrid citation 1 + coupling 1**;
//! - otherwise: **hybrid citation 1 + coupling 1 + similarity 1**, so works
//!   without reference lists are placed by their text while the rest are
//!   placed by citations too.
//!
//! Above [`BIG_CORPUS_PAPERS`] papers, cited-only works cited by a single
//! paper are left out (`min_cited_by = 2`).
//!
//! # Filters
//!
//! Applied in this order: work filters (year range, document types, minimum
//! citations, papers only) choose the works that take part; the network is
//! computed over them; edges below `min_weight` are dropped; with
//! `max_neighbours = k` each node keeps its `k` heaviest edges (an edge stays
//! when either end keeps it, ties by pair order), the usual k-nearest-neighbour
//! sparsification that keeps every node's strongest ties; nodes without
//! edges are dropped unless `keep_isolates`; nodes below `min_degree` (one
//! pass) are dropped; `top_n` keeps the nodes with the largest weighted degree
//! (ties by id); `largest_component` keeps the largest connected component
//! (ties by smallest id). Papers without a year are excluded when a year range
//! is set, and papers without a document type when document types are set;
//! cited-only works of unknown year or type pass (they usually have neither,
//! and dropping them would empty co-citation and coupling).

use super::tokens;
use crate::graph::{attr, known, sources_attr, Attr, Attrs, CitationGraph, Edge, EdgeKind, Node, NodeKind};
use crate::model::{norm, AgentKind, Corpus, DocType, SharedText, WorkKind};
use petgraph::unionfind::UnionFind;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which network [`build`] computes.
///
/// Parsed on the command line by clap's `ValueEnum` (`--kind`); the aliases
/// are the names [`NetworkKind::parse`] also accepts.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    /// Work -> work direct citations (directed).
    #[value(alias = "direct", alias = "cites")]
    Citation,
    /// Works linked by the works that cite both.
    #[value(alias = "co-citation")]
    Cocitation,
    /// Works linked by the references they share (bibliographic coupling).
    #[value(alias = "bibcoupling", alias = "bibliographic-coupling")]
    Coupling,
    /// People linked by joint works.
    #[value(alias = "co-author", alias = "coauthorship")]
    Coauthor,
    /// Subjects and keywords linked by the works that carry both.
    #[value(
        alias = "subjects",
        alias = "cooccurrence",
        alias = "co-occurrence",
        alias = "keyword",
        alias = "keywords"
    )]
    Subject,
    /// Works linked by TF-IDF cosine similarity of their text.
    #[value(alias = "text", alias = "text-similarity")]
    Similarity,
    /// Works linked by a weighted combination of the kinds in [`HybridSpec`].
    Hybrid,
}

impl NetworkKind {
    /// Lowercase name (`citation`, `cocitation`, ...), as used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkKind::Citation => "citation",
            NetworkKind::Cocitation => "cocitation",
            NetworkKind::Coupling => "coupling",
            NetworkKind::Coauthor => "coauthor",
            NetworkKind::Subject => "subject",
            NetworkKind::Similarity => "similarity",
            NetworkKind::Hybrid => "hybrid",
        }
    }
    /// Parses the lowercase name (also accepts `co-citation`, `bibcoupling`,
    /// `co-author`, `cooccurrence`, `text`).
    pub fn parse(s: &str) -> Option<NetworkKind> {
        Some(match norm::alnum_key(s).as_str() {
            "citation" | "direct" | "cites" => NetworkKind::Citation,
            "cocitation" => NetworkKind::Cocitation,
            "coupling" | "bibcoupling" | "bibliographiccoupling" => NetworkKind::Coupling,
            "coauthor" | "coauthorship" => NetworkKind::Coauthor,
            "subject" | "subjects" | "cooccurrence" | "keyword" | "keywords" => NetworkKind::Subject,
            "similarity" | "text" | "textsimilarity" => NetworkKind::Similarity,
            "hybrid" => NetworkKind::Hybrid,
            _ => return None,
        })
    }
    /// The edge kind the network produces.
    pub fn edge_kind(self) -> EdgeKind {
        match self {
            NetworkKind::Citation => EdgeKind::Cites,
            NetworkKind::Cocitation => EdgeKind::Cocitation,
            NetworkKind::Coupling => EdgeKind::Coupling,
            NetworkKind::Coauthor => EdgeKind::Coauthor,
            NetworkKind::Subject => EdgeKind::Cooccurrence,
            NetworkKind::Similarity => EdgeKind::Similarity,
            NetworkKind::Hybrid => EdgeKind::Hybrid,
        }
    }
}

/// How shared items are counted (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// Each shared item adds 1.
    #[default]
    Full,
    /// An item in a list of `k` adds `1/(k-1)` to each pair.
    Fractional,
}

/// Components of a hybrid network and their weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HybridSpec {
    /// `(kind, weight)`; kinds other than citation, coupling, co-citation and
    /// similarity are ignored (they are not work networks).
    pub components: Vec<(NetworkKind, f64)>,
}

impl Default for HybridSpec {
    fn default() -> Self {
        HybridSpec { components: vec![(NetworkKind::Citation, 1.0), (NetworkKind::Coupling, 1.0)] }
    }
}

/// Text similarity settings (see the module documentation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimilarityOptions {
    /// Most similar works kept per work.
    pub top_k: usize,
    /// Smallest cosine kept.
    pub min_score: f64,
    /// Terms in more than this share of works are pruned.
    pub max_df_ratio: f64,
    /// Terms in more than this many works are pruned (bounds the cost on big corpora).
    pub max_df: usize,
}

impl Default for SimilarityOptions {
    fn default() -> Self {
        SimilarityOptions { top_k: 10, min_score: 0.05, max_df_ratio: 0.5, max_df: 2000 }
    }
}

/// Which works (and so which people and subjects) take part.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    /// Earliest publication year (inclusive).
    pub year_min: Option<i32>,
    /// Latest publication year (inclusive).
    pub year_max: Option<i32>,
    /// Document types kept (empty: all).
    pub doc_types: Vec<DocType>,
    /// Minimum citations: the larger of times cited and in-corpus citations.
    pub min_citations: Option<u64>,
    /// Cited-only works (no record of their own) need at least this many
    /// citing works in the corpus; records are not affected.
    #[serde(default)]
    pub min_cited_by: Option<u64>,
    /// Only works with a record of their own (no cited-only works).
    pub papers_only: bool,
    /// Minimum number of edges of a node.
    pub min_degree: usize,
    /// Keep only the largest connected component.
    pub largest_component: bool,
    /// Keep the N nodes with the largest weighted degree.
    pub top_n: Option<usize>,
    /// Keep nodes without edges.
    pub keep_isolates: bool,
}

/// Options of [`build`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkOptions {
    /// Which network.
    pub kind: NetworkKind,
    /// Full or fractional counting.
    pub counting: Counting,
    /// Edges lighter than this are dropped.
    pub min_weight: f64,
    /// Node filters.
    pub filters: Filters,
    /// Hybrid components (for [`NetworkKind::Hybrid`]).
    pub hybrid: HybridSpec,
    /// Text similarity settings.
    pub similarity: SimilarityOptions,
    /// Co-authorship: include organisations (corporate authors) as nodes.
    pub organisations: bool,
    /// Undirected networks: each node keeps its `k` heaviest edges and an
    /// edge stays when either end keeps it (`None` keeps all). Bounds the
    /// coupling and co-citation networks of big corpora to at most `k` edges
    /// per node while every node keeps its strongest ties.
    #[serde(default)]
    pub max_neighbours: Option<usize>,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            kind: NetworkKind::Citation,
            counting: Counting::Full,
            min_weight: 0.0,
            filters: Filters::default(),
            hybrid: HybridSpec::default(),
            similarity: SimilarityOptions::default(),
            organisations: false,
            max_neighbours: None,
        }
    }
}

/// What [`default_kind`] chose and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DefaultNetwork {
    /// The network kind ([`NetworkKind::Hybrid`] or [`NetworkKind::Similarity`]).
    pub kind: NetworkKind,
    /// The hybrid components (one component when `kind` is not hybrid).
    pub hybrid: HybridSpec,
    /// One sentence for the run report.
    pub reason: String,
    /// Cited-only works cited by fewer corpus papers are left out
    /// ([`Filters::min_cited_by`]): 2 above [`BIG_CORPUS_PAPERS`] papers.
    pub min_cited_by: Option<u64>,
}

/// Above this many papers the default network leaves out cited-only works
/// cited by a single paper: they are leaves that add nothing to coupling or
/// clusters, and in a big corpus they are most of the nodes.
pub const BIG_CORPUS_PAPERS: usize = 2_000;

/// The network that suits what `corpus` contains (rule in the module documentation).
pub fn default_kind(corpus: &Corpus) -> DefaultNetwork {
    let mut has_refs = vec![false; corpus.works.len()];
    for c in &corpus.cites {
        if let Some(h) = has_refs.get_mut(c.from as usize) {
            *h = true;
        }
    }
    let papers = corpus.works.iter().filter(|w| w.kind == WorkKind::Paper).count();
    let with_refs =
        corpus.works.iter().zip(&has_refs).filter(|(w, &h)| w.kind == WorkKind::Paper && h).count();
    let share = if papers == 0 { 0.0 } else { with_refs as f64 / papers as f64 };
    let min_cited_by = (papers > BIG_CORPUS_PAPERS).then_some(2);
    let mut d = default_kind_for(papers, with_refs, share);
    d.min_cited_by = min_cited_by;
    if min_cited_by.is_some() {
        d.reason.push_str(&format!(
            "; cited works cited by one paper only left out (over {BIG_CORPUS_PAPERS} papers)"
        ));
    }
    d
}

fn default_kind_for(papers: usize, with_refs: usize, share: f64) -> DefaultNetwork {
    if with_refs == 0 {
        DefaultNetwork {
            kind: NetworkKind::Similarity,
            hybrid: HybridSpec { components: vec![(NetworkKind::Similarity, 1.0)] },
            reason: format!("no paper of {papers} has a reference list: works linked by text similarity"),
            min_cited_by: None,
        }
    } else if share >= 0.9 {
        DefaultNetwork {
            kind: NetworkKind::Hybrid,
            hybrid: HybridSpec::default(),
            reason: format!(
                "{with_refs} of {papers} papers have reference lists: citation + bibliographic coupling"
            ),
            min_cited_by: None,
        }
    } else {
        DefaultNetwork {
            kind: NetworkKind::Hybrid,
            hybrid: HybridSpec {
                components: vec![
                    (NetworkKind::Citation, 1.0),
                    (NetworkKind::Coupling, 1.0),
                    (NetworkKind::Similarity, 1.0),
                ],
            },
            reason: format!(
                "only {with_refs} of {papers} papers have reference lists: citation + coupling + text similarity"
            ),
            min_cited_by: None,
        }
    }
}

/// One projected pair: `(a, b)` with `a < b`, weight and full count.
#[derive(Clone, Copy, Debug)]
struct Pair {
    a: u32,
    b: u32,
    weight: f64,
    count: u32,
}

/// Projects a bipartite relation onto its left side: `left_to_mid[a]` lists
/// the items of `a`, `mid_to_left[m]` the entries sharing item `m` (both
/// sorted). Each item shared by `k` entries adds 1 (full) or `1/(k-1)`
/// (fractional) to each pair of them; pairs lighter than `min_weight` are not kept.
///
/// Complexity: O(sum over items of k^2) time, O(left + output) memory.
fn project(
    left_to_mid: &[Vec<u32>],
    mid_to_left: &[Vec<u32>],
    counting: Counting,
    min_weight: f64,
) -> Vec<Pair> {
    let n = left_to_mid.len();
    let mut acc = vec![0.0f64; n];
    let mut cnt = vec![0u32; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for (a, mids) in left_to_mid.iter().enumerate() {
        for &m in mids {
            let Some(list) = mid_to_left.get(m as usize) else { continue };
            if list.len() < 2 {
                continue;
            }
            let w = match counting {
                Counting::Full => 1.0,
                Counting::Fractional => 1.0 / (list.len() - 1) as f64,
            };
            let start = list.partition_point(|&b| b as usize <= a);
            for &b in &list[start..] {
                let bi = b as usize;
                if cnt[bi] == 0 {
                    touched.push(b);
                }
                acc[bi] += w;
                cnt[bi] += 1;
            }
        }
        touched.sort_unstable();
        for &b in &touched {
            let bi = b as usize;
            // Dropping light pairs here keeps memory at the size of the
            // kept output (coupling of 100k works has ~80M pair incidences).
            if acc[bi] >= min_weight {
                out.push(Pair { a: a as u32, b, weight: acc[bi], count: cnt[bi] });
            }
            acc[bi] = 0.0;
            cnt[bi] = 0;
        }
        touched.clear();
    }
    out
}

/// Like [`project`], keeping only each entity's `k` heaviest pairs (ties by
/// the other entity's index): row `a` is computed over every partner `b`, so
/// every pair is seen from both ends and kept when either end keeps it. The
/// result equals `project` followed by [`strongest_per_node`], in O(n k)
/// memory and twice the pair incidences of time.
///
/// Rows are independent: blocks of rows run on the rayon pool, each row
/// computed exactly as alone, and the blocks' pairs joined in row order, so
/// the result does not depend on the thread count.
fn project_rows(
    left_to_mid: &[Vec<u32>],
    mid_to_left: &[Vec<u32>],
    counting: Counting,
    min_weight: f64,
    k: usize,
) -> Vec<Pair> {
    use rayon::prelude::*;
    const ROWS: usize = 2048;
    let n = left_to_mid.len();
    let blocks: Vec<Vec<Pair>> = (0..n.div_ceil(ROWS))
        .into_par_iter()
        .map_init(
            || (vec![0.0f64; n], vec![0u32; n], Vec::<u32>::new()),
            |(acc, cnt, touched), block| {
                let mut out = Vec::new();
                let first = block * ROWS;
                for (a, mids) in left_to_mid.iter().enumerate().skip(first).take(ROWS) {
                    for &m in mids {
                        let Some(list) = mid_to_left.get(m as usize) else { continue };
                        if list.len() < 2 {
                            continue;
                        }
                        let w = match counting {
                            Counting::Full => 1.0,
                            Counting::Fractional => 1.0 / (list.len() - 1) as f64,
                        };
                        for &b in list {
                            let bi = b as usize;
                            if bi == a || bi >= n {
                                continue;
                            }
                            if cnt[bi] == 0 {
                                touched.push(b);
                            }
                            acc[bi] += w;
                            cnt[bi] += 1;
                        }
                    }
                    let mut cand: Vec<u32> = touched
                        .iter()
                        .copied()
                        .filter(|&b| acc[b as usize] > 0.0 && acc[b as usize] >= min_weight)
                        .collect();
                    top_k_by(&mut cand, k, |b| acc[b as usize]);
                    for &b in &cand {
                        let (x, y) = if (a as u32) < b { (a as u32, b) } else { (b, a as u32) };
                        out.push(Pair { a: x, b: y, weight: acc[b as usize], count: cnt[b as usize] });
                    }
                    for &b in touched.iter() {
                        acc[b as usize] = 0.0;
                        cnt[b as usize] = 0;
                    }
                    touched.clear();
                }
                out
            },
        )
        .collect();
    let mut out: Vec<Pair> = blocks.into_iter().flatten().collect();
    out.sort_unstable_by_key(|p| (p.a, p.b));
    out.dedup_by_key(|p| (p.a, p.b));
    out
}

/// Keeps the `k` entries of `v` with the largest `weight` (ties: smaller
/// index first), sorted by index.
fn top_k_by(v: &mut Vec<u32>, k: usize, weight: impl Fn(u32) -> f64) {
    if v.len() > k {
        let mut scored: Vec<(u32, f64)> = v.iter().map(|&b| (b, weight(b))).collect();
        top_k_scored(&mut scored, k);
        v.clear();
        v.extend(scored.iter().map(|&(b, _)| b));
    }
    v.sort_unstable();
}

/// Keeps the `k` entries of `v` with the largest weight (ties: smaller
/// index first), in no particular order. The order (weight descending, then
/// index) is total, so the kept set is the one a full sort would keep; a
/// selection finds it in linear time.
fn top_k_scored(v: &mut Vec<(u32, f64)>, k: usize) {
    top_k_of(v, k, |&(b, w)| (b, w));
}

/// [`top_k_scored`] for items of any shape: `scored` gives an item's index
/// and weight.
fn top_k_of<T>(v: &mut Vec<T>, k: usize, scored: impl Fn(&T) -> (u32, f64)) {
    if v.len() <= k {
        return;
    }
    if k == 0 {
        v.clear();
        return;
    }
    v.select_nth_unstable_by(k - 1, |x, y| {
        let ((xi, xw), (yi, yw)) = (scored(x), scored(y));
        yw.total_cmp(&xw).then(xi.cmp(&yi))
    });
    v.truncate(k);
}

/// Sorted, deduplicated adjacency lists of a relation given as pairs.
fn lists(n: usize, pairs: impl Iterator<Item = (u32, u32)>) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); n];
    for (a, b) in pairs {
        if let Some(v) = out.get_mut(a as usize) {
            v.push(b);
        }
    }
    for v in &mut out {
        v.sort_unstable();
        v.dedup();
    }
    out
}

/// Which works take part under `f`.
pub fn eligible_works(corpus: &Corpus, f: &Filters) -> Vec<bool> {
    let local = local_citations(corpus);
    corpus
        .works
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if f.papers_only && w.kind != WorkKind::Paper {
                return false;
            }
            // A cited-only work usually lacks year and type: unknown passes
            // for it, so filtering papers by year keeps what they cite.
            let cited_only = w.kind == WorkKind::CitedWork;
            if f.year_min.is_some() || f.year_max.is_some() {
                match w.year.as_ref().map(|y| y.value) {
                    Some(y) if f.year_min.is_some_and(|m| y < m) || f.year_max.is_some_and(|m| y > m) => {
                        return false
                    }
                    None if !cited_only => return false,
                    _ => {}
                }
            }
            if !f.doc_types.is_empty() {
                match &w.doc_type {
                    Some(dt) if f.doc_types.contains(&dt.value) => {}
                    None if cited_only => {}
                    _ => return false,
                }
            }
            if let Some(min) = f.min_citations {
                let global = w.times_cited.as_ref().map_or(0, |t| t.value);
                if global.max(local.get(i).copied().unwrap_or(0)) < min {
                    return false;
                }
            }
            if let Some(min) = f.min_cited_by {
                if cited_only && local.get(i).copied().unwrap_or(0) < min {
                    return false;
                }
            }
            true
        })
        .collect()
}

/// In-corpus citation counts: the number of distinct citing works per work.
pub fn local_citations(corpus: &Corpus) -> Vec<u64> {
    let mut out = vec![0u64; corpus.works.len()];
    let mut last: Option<(u32, u32)> = None;
    for c in &corpus.cites {
        if c.from == c.to || last == Some((c.from, c.to)) {
            continue;
        }
        last = Some((c.from, c.to));
        if let Some(n) = out.get_mut(c.to as usize) {
            *n += 1;
        }
    }
    out
}

/// Reference lists and citer lists restricted to eligible works (self-citations dropped).
fn citation_lists(corpus: &Corpus, ok: &[bool]) -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
    let n = corpus.works.len();
    let valid = |c: &&crate::model::Cites| {
        c.from != c.to
            && ok.get(c.from as usize).copied().unwrap_or(false)
            && ok.get(c.to as usize).copied().unwrap_or(false)
    };
    let refs = lists(n, corpus.cites.iter().filter(valid).map(|c| (c.from, c.to)));
    let citers = lists(n, corpus.cites.iter().filter(valid).map(|c| (c.to, c.from)));
    (refs, citers)
}

/// An undirected edge list over entity indices, with what each edge carries
/// beyond its weight.
struct Projected {
    pairs: Vec<Pair>,
    extra: Extra,
}

/// The hybrid components, in the order of [`Extra::Components`] slots.
const COMPONENTS: [NetworkKind; 4] =
    [NetworkKind::Citation, NetworkKind::Coupling, NetworkKind::Cocitation, NetworkKind::Similarity];

/// Per-edge attributes of a projection, kept compact (a few bytes per pair)
/// and turned into [`Attrs`] only for the edges that make it into the graph.
enum Extra {
    /// Nothing beyond `weight` (and `count` when the pair has one).
    None,
    /// A `works` attribute with the pair's count (co-authorship).
    Works,
    /// A `count` attribute with the pair's count (co-occurrence).
    Count,
    /// Hybrid component weights per pair, `NaN` for absent components
    /// (slots follow [`COMPONENTS`]), written as `w_<kind>` attributes.
    Components(Vec<[f64; 4]>),
}

impl Extra {
    fn attrs(&self, e: usize, pair: &Pair) -> Attrs {
        let mut m = Attrs::new();
        match self {
            Extra::None => {}
            Extra::Works => {
                m.insert(known!("works"), Attr::Int(pair.count as i64));
            }
            Extra::Count => {
                m.insert(known!(attr::COUNT), Attr::Int(pair.count as i64));
            }
            Extra::Components(c) => {
                // `w_<kind>` of each component, looked up once.
                static NAMES: std::sync::OnceLock<[crate::graph::AttrKey; 4]> = std::sync::OnceLock::new();
                let names = NAMES.get_or_init(|| {
                    COMPONENTS.map(|kind| crate::graph::attr_key(&format!("w_{}", kind.as_str())))
                });
                for (&name, &w) in names.iter().zip(c.get(e).into_iter().flatten()) {
                    if !w.is_nan() {
                        m.insert(name, Attr::Float(w));
                    }
                }
            }
        }
        m
    }
}

/// Node of work `i` in a network: the node [`crate::graph::work_node`]
/// builds (the one place work attributes are made) plus the byline
/// (`authors`, as a network has no people); `None` when `i` is out of range.
pub fn work_node(corpus: &Corpus, i: usize) -> Option<Node> {
    work_node_with(corpus, i, None)
}

/// [`work_node`] with the works' `sources` texts made already
/// ([`crate::graph::work_sources`]).
fn work_node_with(corpus: &Corpus, i: usize, sources: Option<&[SharedText]>) -> Option<Node> {
    let text = sources.and_then(|s| s.get(i));
    let mut node = (i < corpus.works.len()).then(|| crate::graph::work_node_with(corpus, i, text))?;
    // The byline, so a map of works (which has no people) can be searched
    // by any author: authorships are sorted by (work, position).
    let from = corpus.authorships.partition_point(|a| (a.work as usize) < i);
    let byline: Vec<&str> = corpus.authorships[from..]
        .iter()
        .take_while(|a| a.work as usize == i)
        .filter_map(|a| corpus.agents.get(a.agent as usize).map(|p| p.name.as_str()))
        .collect();
    if !byline.is_empty() {
        node.attrs.insert(known!("authors"), Attr::text(byline.join("; ")));
    }
    Some(node)
}

/// Node of agent `i`, built by [`crate::graph::agent_node`]; `None`
/// when `i` is out of range.
pub fn agent_node(corpus: &Corpus, i: usize) -> Option<Node> {
    (i < corpus.agents.len()).then(|| crate::graph::agent_node(corpus, i))
}

/// Builds the network `opts.kind` of `corpus` (see the module documentation).
///
/// Complexity: linear in the corpus plus the pair incidences of the chosen
/// projection (text similarity: bounded by the pruned postings lists).
pub fn build(corpus: &Corpus, opts: &NetworkOptions) -> CitationGraph {
    build_with(corpus, opts, None)
}

/// [`build`] with the works' `sources` texts made already
/// ([`crate::graph::work_sources`]), shared with the full graph built from
/// the same corpus.
pub fn build_with(corpus: &Corpus, opts: &NetworkOptions, sources: Option<&[SharedText]>) -> CitationGraph {
    let ok = eligible_works(corpus, &opts.filters);
    match opts.kind {
        NetworkKind::Coauthor => build_coauthor(corpus, opts, &ok),
        NetworkKind::Subject => build_subject(corpus, opts, &ok),
        NetworkKind::Citation => {
            // `corpus.cites` is sorted by (from, to): repeated pairs are adjacent.
            let mut edges: Vec<CiteEdge> = Vec::new();
            for c in &corpus.cites {
                let valid = c.from != c.to
                    && ok.get(c.from as usize).copied().unwrap_or(false)
                    && ok.get(c.to as usize).copied().unwrap_or(false);
                if !valid {
                    continue;
                }
                match edges.last_mut() {
                    Some(e) if e.from == c.from && e.to == c.to => {
                        e.count = e.count.max(c.count);
                        for p in &c.sources {
                            if let Err(pos) = e.sources.binary_search(p) {
                                e.sources.insert(pos, p.clone());
                            }
                        }
                    }
                    _ => edges.push(CiteEdge {
                        from: c.from,
                        to: c.to,
                        count: c.count.max(1),
                        sources: c.sources.to_vec(),
                    }),
                }
            }
            finish_citation(corpus, opts, &ok, edges, sources)
        }
        kind => {
            let p = work_projection(corpus, opts, &ok, kind);
            let ids: Vec<&str> = corpus.works.iter().map(|w| w.id.as_str()).collect();
            let make = |order: &[usize]| -> Vec<Option<Node>> {
                use rayon::prelude::*;
                order.par_iter().map(|&i| work_node_with(corpus, i, sources)).collect()
            };
            assemble_with(&ok, &ids, make, p, opts)
        }
    }
}

fn work_projection(corpus: &Corpus, opts: &NetworkOptions, ok: &[bool], kind: NetworkKind) -> Projected {
    let (refs, citers) = citation_lists(corpus, ok);
    // With a neighbour limit, each node's full row is computed and only its
    // strongest `k` pairs kept, so memory is O(n k) instead of the number of
    // pairs (tens of millions for the coupling of 100k works).
    let k = opts.max_neighbours;
    match kind {
        NetworkKind::Cocitation => plain(match k {
            Some(k) => project_rows(&citers, &refs, opts.counting, opts.min_weight, k),
            None => project(&citers, &refs, opts.counting, opts.min_weight),
        }),
        NetworkKind::Coupling => plain(match k {
            Some(k) => project_rows(&refs, &citers, opts.counting, opts.min_weight, k),
            None => project(&refs, &citers, opts.counting, opts.min_weight),
        }),
        NetworkKind::Similarity => plain(similarity(corpus, ok, &opts.similarity)),
        _ => match k {
            Some(k) => hybrid_rows(corpus, opts, ok, &refs, &citers, k),
            None => hybrid(corpus, opts, ok, &refs, &citers),
        },
    }
}

fn plain(pairs: Vec<Pair>) -> Projected {
    Projected { pairs, extra: Extra::None }
}

/// [`hybrid`] with each work keeping only its `k` heaviest pairs, computed a
/// row at a time (see [`project_rows`]): for work `a`, every partner's
/// component weights are accumulated in scratch arrays, summed, and the `k`
/// heaviest kept. Pairs kept from both ends are merged. Same weights as
/// [`hybrid`] followed by [`strongest_per_node`], in O(n k) memory.
fn hybrid_rows(
    corpus: &Corpus,
    opts: &NetworkOptions,
    ok: &[bool],
    refs: &[Vec<u32>],
    citers: &[Vec<u32>],
    k: usize,
) -> Projected {
    let n = refs.len();
    let mut alpha = [0.0f64; 4];
    let mut seen = std::collections::BTreeSet::new();
    for &(kind, a) in &opts.hybrid.components {
        if let Some(slot) = COMPONENTS.iter().position(|&c| c == kind) {
            if seen.insert(kind) && a.is_finite() && a > 0.0 {
                alpha[slot] = a;
            }
        }
    }
    // Similarity pairs as adjacency lists (they are already top-k per work).
    let mut sim: Vec<Vec<(u32, f64)>> = vec![Vec::new(); if alpha[3] > 0.0 { n } else { 0 }];
    if alpha[3] > 0.0 {
        for p in similarity(corpus, ok, &opts.similarity) {
            if let (Some(_), Some(_)) = (sim.get(p.a as usize), sim.get(p.b as usize)) {
                sim[p.a as usize].push((p.b, p.weight));
                sim[p.b as usize].push((p.a, p.weight));
            }
        }
    }
    // Rows are independent: blocks of rows run on the rayon pool, each with
    // its own scratch arrays, and the blocks' pairs are joined in row order,
    // so the result is the same on any number of threads.
    use rayon::prelude::*;
    const ROWS: usize = 2048;
    let min_weight = opts.min_weight;
    let works = Renumbered::of(refs, citers);
    // Each block is a job of its own, so that a thread that comes free
    // late (another step ran beside this one) still finds rows to take;
    // scratch arrays (megabytes each) are kept in a pool, not made per job.
    let pool: std::sync::Mutex<Vec<HybridScratch>> = std::sync::Mutex::new(Vec::new());
    let blocks: Vec<Vec<((u32, u32), Summed)>> = (0..n.div_ceil(ROWS))
        .into_par_iter()
        .with_max_len(1)
        .map(|block| {
            let taken = pool.lock().ok().and_then(|mut p| p.pop());
            let mut scratch = taken.unwrap_or_else(|| HybridScratch::new(n, alpha[3] > 0.0));
            let first = block * ROWS;
            let mut out = Vec::new();
            for a in first..(first + ROWS).min(n) {
                scratch.row(a, &alpha, refs, citers, &works, &sim, min_weight, k, &mut out);
            }
            if let Ok(mut p) = pool.lock() {
                p.push(scratch);
            }
            out
        })
        .collect();
    drop(pool);
    let mut out: Vec<((u32, u32), Summed)> = Vec::with_capacity(blocks.iter().map(Vec::len).sum());
    for b in blocks {
        out.extend(b);
    }
    // A pair kept from both ends has the same weights from either row
    // (shared counts, a product of two lengths, the same similarity), so
    // which copy the sort puts first does not matter.
    out.par_sort_unstable_by_key(|x| x.0);
    out.dedup_by(|x, y| x.0 == y.0);
    let mut pairs = Vec::with_capacity(out.len());
    let mut extra = Vec::with_capacity(out.len());
    for ((a, b), (w, c)) in out {
        pairs.push(Pair { a, b, weight: w, count: 0 });
        extra.push(c);
    }
    Projected { pairs, extra: Extra::Components(extra) }
}

/// The works of [`hybrid_rows`] numbered again for its scratch arrays: works
/// with references first (in id order), then the rest. A row's coupling
/// partners are citers of its references, so they fall among the first
/// numbers, and the arrays' entries they touch lie together (by id, about
/// one work in five has references: at 100k papers, 1.2 MB of counts
/// instead of cache lines spread over 6 MB).
struct Renumbered {
    /// Id order of each new number.
    old: Vec<u32>,
    /// New number of each work (by id order).
    new: Vec<u32>,
    /// References and citers by id order, as new numbers.
    refs: Vec<Vec<u32>>,
    citers: Vec<Vec<u32>>,
    /// Numbers of references and citers, by new number.
    lens: Vec<[u32; 2]>,
}

impl Renumbered {
    fn of(refs: &[Vec<u32>], citers: &[Vec<u32>]) -> Renumbered {
        use rayon::prelude::*;
        let n = refs.len();
        let mut old: Vec<u32> = (0..n as u32).collect();
        old.sort_by_key(|&i| refs[i as usize].is_empty());
        let mut new = vec![0u32; n];
        for (to, &from) in old.iter().enumerate() {
            new[from as usize] = to as u32;
        }
        // An entry out of range stays out of range (rows skip it).
        let renumber = |lists: &[Vec<u32>]| -> Vec<Vec<u32>> {
            lists
                .par_iter()
                .map(|l| l.iter().map(|&b| new.get(b as usize).copied().unwrap_or(u32::MAX)).collect())
                .collect()
        };
        let (nrefs, nciters) = rayon::join(|| renumber(refs), || renumber(citers));
        let len = |lists: &[Vec<u32>], i: u32| lists.get(i as usize).map_or(0, |l| l.len() as u32);
        let lens = old.iter().map(|&i| [len(refs, i), len(citers, i)]).collect();
        Renumbered { old, new, refs: nrefs, citers: nciters, lens }
    }
}

/// Scratch arrays of one [`hybrid_rows`] worker: every entry is back to its
/// empty state after each row. A partner's component weights are not kept
/// per partner but worked out from its counts when the row is finished (an
/// array of four floats per work was 16 MB per worker at 500k works, more
/// than the caches hold beside the counts).
struct HybridScratch {
    /// Per partner: shared references and shared citers, whether one cites
    /// the other, and whether it is in `touched`; together, so the inner loop
    /// makes one memory access per partner it meets.
    shared: Vec<Shared>,
    /// Per partner: the best text similarity (NaN: none); empty when
    /// similarity is not a component.
    sim: Vec<f64>,
    touched: Vec<u32>,
    /// The row's candidates: partner, total weight, place in `comps`.
    cand: Vec<(u32, f64, u32)>,
    /// The candidates' component weights.
    comps: Vec<[f64; 4]>,
}

/// One partner's counts in a [`HybridScratch`] row.
#[derive(Clone, Copy, Default)]
struct Shared {
    counts: [u32; 2],
    cited: bool,
    touched: bool,
}

impl HybridScratch {
    fn new(n: usize, with_similarity: bool) -> Self {
        HybridScratch {
            shared: vec![Shared::default(); n],
            sim: if with_similarity { vec![f64::NAN; n] } else { Vec::new() },
            touched: Vec::new(),
            cand: Vec::new(),
            comps: Vec::new(),
        }
    }

    fn touch(&mut self, b: u32) -> &mut Shared {
        let s = &mut self.shared[b as usize];
        if !s.touched {
            s.touched = true;
            self.touched.push(b);
        }
        s
    }

    /// Row `a` (by id order) of [`hybrid_rows`]: its `k` heaviest pairs
    /// pushed to `out`. Partners are counted under their new numbers
    /// ([`Renumbered`]) and named by id order in the pairs.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        a: usize,
        alpha: &[f64; 4],
        refs: &[Vec<u32>],
        citers: &[Vec<u32>],
        works: &Renumbered,
        sim: &[Vec<(u32, f64)>],
        min_weight: f64,
        k: usize,
        out: &mut Vec<((u32, u32), Summed)>,
    ) {
        let n = refs.len();
        let me = works.new[a];
        if alpha[0] > 0.0 {
            for &b in works.refs[a].iter().chain(&works.citers[a]) {
                if b != me && (b as usize) < n {
                    self.touch(b).cited = true;
                }
            }
        }
        // Coupling counts shared references, co-citation shared citers: the
        // lists of `a` give the works shared (by id order), theirs the
        // partners (new numbers).
        for (slot, (mine, theirs)) in [(1usize, (refs, &works.citers)), (2, (citers, &works.refs))] {
            if alpha[slot] <= 0.0 {
                continue;
            }
            let row = &mine[a];
            for (i, &m) in row.iter().enumerate() {
                // The lists read next are scattered: ask for them early
                // (the list's place first, then its entries).
                if let Some(&far) = row.get(i + 2 * LISTS_AHEAD) {
                    super::prefetch(theirs, far as usize);
                }
                if let Some(near) = row.get(i + LISTS_AHEAD).and_then(|&m| theirs.get(m as usize)) {
                    super::prefetch(near, 0);
                }
                let Some(list) = theirs.get(m as usize) else { continue };
                if list.len() < 2 {
                    continue;
                }
                for &b in list {
                    if b != me && (b as usize) < n {
                        self.touch(b).counts[slot - 1] += 1;
                    }
                }
            }
        }
        if alpha[3] > 0.0 {
            for &(b, w) in &sim[a] {
                let b = works.new.get(b as usize).copied().unwrap_or(u32::MAX);
                if b != me && (b as usize) < n {
                    self.touch(b);
                    if let Some(c) = self.sim.get_mut(b as usize) {
                        *c = if c.is_nan() { w } else { c.max(w) };
                    }
                }
            }
        }
        // Finish the row, one pass over the partners (each left empty):
        // component weights (citation 1; coupling and co-citation as Salton
        // cosines of the shared counts; the best similarity; NaN where the
        // pair has none), and their weighted sum in slot order.
        let total = |c: &[f64; 4]| -> f64 {
            (0..4).filter(|&i| alpha[i] > 0.0 && !c[i].is_nan()).map(|i| alpha[i] * c[i]).sum()
        };
        let lens = &works.lens;
        let a32 = a as u32;
        self.cand.clear();
        self.comps.clear();
        for &b in &self.touched {
            let bi = b as usize;
            let s = std::mem::take(&mut self.shared[bi]);
            let mut c = [f64::NAN; 4];
            if s.cited {
                c[0] = 1.0;
            }
            for slot in 1..3 {
                let shared = s.counts[slot - 1];
                if shared > 0 {
                    let (ka, kb) = (f64::from(lens[me as usize][slot - 1]), f64::from(lens[bi][slot - 1]));
                    c[slot] = f64::from(shared) / (ka * kb).sqrt();
                }
            }
            if let Some(w) = self.sim.get_mut(bi) {
                c[3] = std::mem::replace(w, f64::NAN);
            }
            let t = total(&c);
            if t.is_finite() && t > 0.0 && t >= min_weight {
                self.cand.push((works.old[bi], t, self.comps.len() as u32));
                self.comps.push(c);
            }
        }
        self.touched.clear();
        top_k_of(&mut self.cand, k, |&(b, t, _)| (b, t));
        self.cand.sort_unstable_by_key(|&(b, _, _)| b);
        for &(b, t, i) in &self.cand {
            let key = if a32 < b { (a32, b) } else { (b, a32) };
            out.push((key, (t, self.comps[i as usize])));
        }
    }
}

/// How many of a row's references (or citers) ahead [`HybridScratch::row`]
/// asks for their lists.
const LISTS_AHEAD: usize = 4;

/// A hybrid pair's total weight and its component weights (slots of [`COMPONENTS`]).
type Summed = (f64, [f64; 4]);

/// The weighted combination of normalised component networks.
fn hybrid(
    corpus: &Corpus,
    opts: &NetworkOptions,
    ok: &[bool],
    refs: &[Vec<u32>],
    citers: &[Vec<u32>],
) -> Projected {
    // Hashed while accumulating, sorted once at the end: the order of the
    // output never depends on the hash.
    let mut sum: HashMap<(u32, u32), Summed> = HashMap::default();
    let mut add = |a: u32, b: u32, kind: NetworkKind, alpha: f64, s: f64| {
        let Some(slot) = COMPONENTS.iter().position(|&k| k == kind) else { return };
        let key = (a.min(b), a.max(b));
        let e = sum.entry(key).or_insert((0.0, [f64::NAN; 4]));
        let prev = if e.1[slot].is_nan() { 0.0 } else { e.1[slot] };
        let new = prev.max(s);
        e.1[slot] = new;
        e.0 += alpha * (new - prev);
    };
    let mut seen = std::collections::BTreeSet::new();
    for &(kind, alpha) in &opts.hybrid.components {
        if !(seen.insert(kind) && alpha.is_finite() && alpha > 0.0) {
            continue;
        }
        match kind {
            NetworkKind::Citation => {
                for (a, list) in refs.iter().enumerate() {
                    for &b in list {
                        add(a as u32, b, kind, alpha, 1.0);
                    }
                }
            }
            NetworkKind::Coupling | NetworkKind::Cocitation => {
                let (l2m, m2l) = if kind == NetworkKind::Coupling { (refs, citers) } else { (citers, refs) };
                for p in project(l2m, m2l, Counting::Full, 0.0) {
                    let ka = l2m[p.a as usize].len() as f64;
                    let kb = l2m[p.b as usize].len() as f64;
                    add(p.a, p.b, kind, alpha, p.count as f64 / (ka * kb).sqrt());
                }
            }
            NetworkKind::Similarity => {
                for p in similarity(corpus, ok, &opts.similarity) {
                    add(p.a, p.b, kind, alpha, p.weight);
                }
            }
            _ => {}
        }
    }
    let mut sum: Vec<((u32, u32), Summed)> = sum.into_iter().collect();
    sum.sort_unstable_by_key(|&(k, _)| k);
    let mut pairs = Vec::with_capacity(sum.len());
    let mut extra = Vec::with_capacity(sum.len());
    for ((a, b), (w, c)) in sum {
        pairs.push(Pair { a, b, weight: w, count: 0 });
        extra.push(c);
    }
    Projected { pairs, extra: Extra::Components(extra) }
}

/// TF-IDF cosine top-k similarity over eligible works (module documentation).
fn similarity(corpus: &Corpus, ok: &[bool], o: &SimilarityOptions) -> Vec<Pair> {
    let subjects_of = corpus.subjects_by_work();
    // Term ids in first-seen order over works in id order: deterministic.
    let mut vocab: HashMap<String, u32> = HashMap::default();
    let mut docs: Vec<Vec<(u32, u32)>> = Vec::with_capacity(corpus.works.len());
    for (w, &eligible) in ok.iter().enumerate() {
        let mut tf: BTreeMap<u32, u32> = BTreeMap::new();
        if eligible {
            for t in tokens::work_texts(corpus, w, &subjects_of) {
                for tok in tokens::tokens(t) {
                    let next = vocab.len() as u32;
                    let id = *vocab.entry(tok).or_insert(next);
                    *tf.entry(id).or_insert(0) += 1;
                }
            }
        }
        docs.push(tf.into_iter().collect());
    }
    let n_docs = docs.iter().filter(|d| !d.is_empty()).count();
    if n_docs < 2 {
        return Vec::new();
    }
    let mut df = vec![0usize; vocab.len()];
    for d in &docs {
        for &(t, _) in d {
            df[t as usize] += 1;
        }
    }
    let cap = ((o.max_df_ratio * n_docs as f64).floor() as usize).min(o.max_df).max(2);
    let keep = |t: u32| (2..=cap).contains(&df[t as usize]);
    // Weighted, normalised vectors and the inverted index.
    let mut vecs: Vec<Vec<(u32, f64)>> = Vec::with_capacity(docs.len());
    let mut postings: Vec<Vec<(u32, f64)>> = vec![Vec::new(); vocab.len()];
    for (w, d) in docs.iter().enumerate() {
        let mut v: Vec<(u32, f64)> = d
            .iter()
            .filter(|(t, _)| keep(*t))
            .map(|&(t, tf)| (t, (1.0 + (tf as f64).ln()) * (n_docs as f64 / df[t as usize] as f64).ln()))
            .collect();
        let norm = v.iter().map(|(_, x)| x * x).sum::<f64>().sqrt();
        if norm > 0.0 {
            for (t, x) in &mut v {
                *x /= norm;
                postings[*t as usize].push((w as u32, *x));
            }
        } else {
            v.clear();
        }
        vecs.push(v);
    }
    let n = docs.len();
    let mut acc = vec![0.0f64; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut chosen: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    for (a, v) in vecs.iter().enumerate() {
        for &(t, x) in v {
            for &(b, y) in &postings[t as usize] {
                if b as usize == a {
                    continue;
                }
                if acc[b as usize] == 0.0 {
                    touched.push(b);
                }
                acc[b as usize] += x * y;
            }
        }
        let mut scored: Vec<(u32, f64)> = touched.iter().map(|&b| (b, acc[b as usize])).collect();
        for &b in &touched {
            acc[b as usize] = 0.0;
        }
        touched.clear();
        scored.retain(|&(_, s)| s >= o.min_score);
        scored.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        scored.truncate(o.top_k);
        for (b, s) in scored {
            let key = ((a as u32).min(b), (a as u32).max(b));
            chosen.insert(key, s);
        }
    }
    chosen.into_iter().map(|((a, b), s)| Pair { a, b, weight: s, count: 0 }).collect()
}

fn build_coauthor(corpus: &Corpus, opts: &NetworkOptions, ok: &[bool]) -> CitationGraph {
    let is_node =
        |a: usize| corpus.agents.get(a).is_some_and(|ag| ag.kind == AgentKind::Person || opts.organisations);
    let valid = |au: &&crate::model::Authorship| {
        ok.get(au.work as usize).copied().unwrap_or(false) && is_node(au.agent as usize)
    };
    let works_of =
        lists(corpus.agents.len(), corpus.authorships.iter().filter(valid).map(|a| (a.agent, a.work)));
    let authors =
        lists(corpus.works.len(), corpus.authorships.iter().filter(valid).map(|a| (a.work, a.agent)));
    let pairs = project(&works_of, &authors, opts.counting, opts.min_weight);
    let extra = Extra::Works;
    let nodes: Vec<Option<Node>> = (0..corpus.agents.len())
        .map(|i| {
            if !is_node(i) || works_of[i].is_empty() {
                return None;
            }
            let mut n = agent_node(corpus, i)?;
            n.attrs.insert("works", Attr::Int(works_of[i].len() as i64));
            Some(n)
        })
        .collect();
    assemble(nodes, Projected { pairs, extra }, opts)
}

/// Stable id of a keyword node that matches no subject heading.
fn keyword_id(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("keyword:{key}").as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("K{hex}")
}

fn build_subject(corpus: &Corpus, opts: &NetworkOptions, ok: &[bool]) -> CitationGraph {
    // Subject headings first, then keywords; a keyword that folds to a
    // heading's name is that heading.
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut nodes: Vec<Node> = Vec::new();
    for s in &corpus.subjects {
        let mut attrs = Attrs::new();
        attrs.insert(attr::SOURCES, sources_attr(&s.sources));
        attrs.insert("field", Attr::Str("subject".into()));
        by_key.entry(norm::fold(&s.name)).or_insert(nodes.len());
        nodes.push(Node {
            id: s.id.clone(),
            kind: NodeKind::Subject,
            label: s.name.clone(),
            attrs,
            sources: s.sources.clone(),
        });
    }
    let mut pairs_wt: Vec<(u32, u32)> = Vec::new();
    for a in &corpus.about {
        if ok.get(a.work as usize).copied().unwrap_or(false) {
            let key = corpus.subjects.get(a.subject as usize).map(|s| norm::fold(&s.name));
            if let Some(&ix) = key.and_then(|k| by_key.get(&k)) {
                pairs_wt.push((ix as u32, a.work));
            }
        }
    }
    for (w, work) in corpus.works.iter().enumerate() {
        if !ok[w] {
            continue;
        }
        for k in &work.keywords {
            let key = norm::fold(&k.value);
            if key.is_empty() {
                continue;
            }
            let ix = match by_key.get(&key) {
                Some(&ix) => {
                    for s in &k.sources {
                        if let Err(pos) = nodes[ix].sources.binary_search(s) {
                            nodes[ix].sources.insert(pos, s.clone());
                        }
                    }
                    ix
                }
                None => {
                    let mut attrs = Attrs::new();
                    attrs.insert("field", Attr::Str("keyword".into()));
                    by_key.insert(key.clone(), nodes.len());
                    nodes.push(Node {
                        id: keyword_id(&key),
                        kind: NodeKind::Subject,
                        label: k.value.clone(),
                        attrs,
                        sources: k.sources.clone(),
                    });
                    nodes.len() - 1
                }
            };
            pairs_wt.push((ix as u32, w as u32));
        }
    }
    for n in &mut nodes {
        n.attrs.insert(attr::SOURCES, sources_attr(&n.sources));
    }
    // Node order by id, so the output does not depend on where a keyword was first seen.
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|&x, &y| nodes[x].id.cmp(&nodes[y].id));
    let mut rank = vec![0u32; nodes.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r as u32;
    }
    let terms_of = lists(nodes.len(), pairs_wt.iter().map(|&(t, w)| (rank[t as usize], w)));
    let works_terms = lists(corpus.works.len(), pairs_wt.iter().map(|&(t, w)| (w, rank[t as usize])));
    let pairs = project(&terms_of, &works_terms, opts.counting, opts.min_weight);
    let mut slots: Vec<Option<Node>> = vec![None; nodes.len()];
    for (i, n) in nodes.into_iter().enumerate() {
        let r = rank[i] as usize;
        if !terms_of[r].is_empty() {
            let mut n = n;
            n.attrs.insert("works", Attr::Int(terms_of[r].len() as i64));
            slots[r] = Some(n);
        }
    }
    let extra = Extra::Count;
    assemble(slots, Projected { pairs, extra }, opts)
}

/// Node selection after projection: min weight, isolates, min degree, top N,
/// largest component (in that order). Returns the kept flags.
fn select(n: usize, edges: &[(u32, u32, f64)], present: &[bool], ids: &[&str], f: &Filters) -> Vec<bool> {
    let mut keep: Vec<bool> = present.to_vec();
    let degree = |keep: &[bool]| {
        let mut deg = vec![0usize; n];
        let mut wdeg = vec![0.0f64; n];
        for &(a, b, w) in edges {
            if keep[a as usize] && keep[b as usize] {
                deg[a as usize] += 1;
                deg[b as usize] += 1;
                wdeg[a as usize] += w;
                wdeg[b as usize] += w;
            }
        }
        (deg, wdeg)
    };
    let (deg, _) = degree(&keep);
    for i in 0..n {
        if keep[i] && ((!f.keep_isolates && deg[i] == 0) || deg[i] < f.min_degree) {
            keep[i] = false;
        }
    }
    if let Some(top) = f.top_n {
        let (_, wdeg) = degree(&keep);
        let mut cand: Vec<usize> = (0..n).filter(|&i| keep[i]).collect();
        cand.sort_by(|&x, &y| wdeg[y].total_cmp(&wdeg[x]).then(ids[x].cmp(ids[y])));
        for &i in cand.iter().skip(top) {
            keep[i] = false;
        }
    }
    if f.largest_component {
        let mut uf: UnionFind<usize> = UnionFind::new(n);
        for &(a, b, _) in edges {
            if keep[a as usize] && keep[b as usize] {
                uf.union(a as usize, b as usize);
            }
        }
        let mut size: HashMap<usize, (usize, &str)> = HashMap::default();
        for i in (0..n).filter(|&i| keep[i]) {
            let r = uf.find_mut(i);
            let e = size.entry(r).or_insert((0, ids[i]));
            e.0 += 1;
            if ids[i] < e.1 {
                e.1 = ids[i];
            }
        }
        let best = size.iter().max_by(|x, y| x.1 .0.cmp(&y.1 .0).then(y.1 .1.cmp(x.1 .1))).map(|(&r, _)| r);
        if let Some(best) = best {
            for (i, k) in keep.iter_mut().enumerate() {
                if *k && uf.find_mut(i) != best {
                    *k = false;
                }
            }
        }
    }
    keep
}

/// The edges of `edges` (indices into `pairs`) that are among the `k`
/// heaviest of at least one of their ends, in the given order. Ties are broken
/// by the position in `pairs`, so the choice is deterministic. O(E log E).
fn strongest_per_node(n: usize, pairs: &[Pair], edges: &[usize], k: usize) -> Vec<usize> {
    // Incident edges per node, in compressed rows.
    let mut start = vec![0usize; n + 1];
    for &e in edges {
        let p = pairs[e];
        for v in [p.a as usize, p.b as usize] {
            if v < n {
                start[v + 1] += 1;
            }
        }
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut inc = vec![0usize; start[n]];
    for (slot, &e) in edges.iter().enumerate() {
        let p = pairs[e];
        for v in [p.a as usize, p.b as usize] {
            if v < n {
                inc[fill[v]] = slot;
                fill[v] += 1;
            }
        }
    }
    let mut keep = vec![false; edges.len()];
    for v in 0..n {
        let row = &mut inc[start[v]..start[v + 1]];
        if row.len() > k {
            row.sort_unstable_by(|&x, &y| {
                pairs[edges[y]].weight.total_cmp(&pairs[edges[x]].weight).then(x.cmp(&y))
            });
        }
        for &slot in row.iter().take(k) {
            keep[slot] = true;
        }
    }
    edges.iter().zip(keep).filter(|(_, k)| *k).map(|(&e, _)| e).collect()
}

/// Builds the output graph from entity nodes and undirected pairs.
fn assemble(nodes: Vec<Option<Node>>, p: Projected, opts: &NetworkOptions) -> CitationGraph {
    let present: Vec<bool> = nodes.iter().map(Option::is_some).collect();
    let ids: Vec<String> =
        nodes.iter().map(|n| n.as_ref().map_or_else(String::new, |n| n.id.clone())).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut nodes = nodes;
    assemble_with(&present, &ids, |order| order.iter().map(|&i| nodes[i].take()).collect(), p, opts)
}

/// [`assemble`] for entities that exist where `present` says, with stable
/// ids `ids`: `make` builds the nodes kept (given their entity indices in
/// node order), so nodes that do not make it into the network are never built.
fn assemble_with(
    present: &[bool],
    ids: &[&str],
    make: impl FnOnce(&[usize]) -> Vec<Option<Node>>,
    p: Projected,
    opts: &NetworkOptions,
) -> CitationGraph {
    let n = present.len();
    let mut kept_edges: Vec<usize> = (0..p.pairs.len())
        .filter(|&i| {
            let e = p.pairs[i];
            e.weight.is_finite()
                && e.weight > 0.0
                && e.weight >= opts.min_weight
                && present.get(e.a as usize).copied().unwrap_or(false)
                && present.get(e.b as usize).copied().unwrap_or(false)
        })
        .collect();
    if let Some(k) = opts.max_neighbours {
        kept_edges = strongest_per_node(n, &p.pairs, &kept_edges, k);
    }
    let edges: Vec<(u32, u32, f64)> =
        kept_edges.iter().map(|&i| (p.pairs[i].a, p.pairs[i].b, p.pairs[i].weight)).collect();
    let keep = select(n, &edges, present, ids, &opts.filters);
    drop(edges);
    let mut g = CitationGraph::new();
    let mut ix = vec![None; n];
    let mut order: Vec<usize> = (0..n).filter(|&i| keep[i]).collect();
    order.sort_by(|&x, &y| ids[x].cmp(ids[y]));
    let nodes = make(&order);
    g.graph.reserve_exact_nodes(order.len());
    for (i, node) in order.into_iter().zip(nodes) {
        if let Some(node) = node {
            ix[i] = Some(g.add_node(node));
        }
    }
    let kind = opts.kind.edge_kind();
    // Edges in parallel, collected in `kept_edges` order (rayon keeps it).
    use rayon::prelude::*;
    // The edges whose ends are nodes, then their edges made in place (an
    // indexed collect writes each straight to its slot).
    let ends: Vec<(usize, petgraph::graph::NodeIndex, petgraph::graph::NodeIndex)> = kept_edges
        .iter()
        .filter_map(|&e| {
            let pair = p.pairs[e];
            let (Some(a), Some(b)) = (ix[pair.a as usize], ix[pair.b as usize]) else { return None };
            Some(if a <= b { (e, a, b) } else { (e, b, a) })
        })
        .collect();
    let mut out: Vec<(petgraph::graph::NodeIndex, petgraph::graph::NodeIndex, Edge)> = ends
        .par_iter()
        .map(|&(e, a, b)| {
            let pair = p.pairs[e];
            let mut attrs = p.extra.attrs(e, &pair);
            attrs.insert(known!(attr::WEIGHT), Attr::Float(pair.weight));
            if pair.count > 0 && kind != EdgeKind::Coauthor && kind != EdgeKind::Cooccurrence {
                attrs.insert(known!(attr::COUNT), Attr::Int(pair.count as i64));
            }
            (a, b, Edge { kind, weight: pair.weight, attrs, sources: Vec::new() })
        })
        .collect();
    drop(ends);
    drop(kept_edges);
    drop(p);
    // Stable: pairs of equal ends keep their order.
    out.par_sort_by_key(|(a, b, _)| (*a, *b));
    g.graph.reserve_exact_edges(out.len());
    for (a, b, e) in out {
        g.add_edge(a, b, e);
    }
    g
}

/// The directed citation network: edges citing -> cited weighted by the
/// citation `count` (as in [`crate::graph::build`]), node selection on the
/// undirected view.
fn finish_citation(
    corpus: &Corpus,
    opts: &NetworkOptions,
    ok: &[bool],
    mut edges: Vec<CiteEdge>,
    sources: Option<&[SharedText]>,
) -> CitationGraph {
    let n = corpus.works.len();
    edges.retain(|e| e.count as f64 >= opts.min_weight);
    let und: Vec<(u32, u32, f64)> = edges.iter().map(|e| (e.from, e.to, e.count as f64)).collect();
    let ids: Vec<&str> = corpus.works.iter().map(|w| w.id.as_str()).collect();
    let keep = select(n, &und, ok, &ids, &opts.filters);
    let mut g = CitationGraph::new();
    let mut ix = vec![None; n];
    for i in 0..n {
        if keep[i] {
            if let Some(node) = work_node_with(corpus, i, sources) {
                ix[i] = Some(g.add_node(node));
            }
        }
    }
    for e in edges {
        let (Some(x), Some(y)) = (ix[e.from as usize], ix[e.to as usize]) else { continue };
        let mut attrs = Attrs::new();
        attrs.insert(attr::WEIGHT, Attr::Float(e.count as f64));
        attrs.insert(attr::COUNT, Attr::Int(e.count as i64));
        attrs.insert(attr::SOURCES, sources_attr(&e.sources));
        g.add_edge(x, y, Edge { kind: EdgeKind::Cites, weight: e.count as f64, attrs, sources: e.sources });
    }
    g
}

/// One direct citation kept for the citation network.
struct CiteEdge {
    from: u32,
    to: u32,
    count: u32,
    sources: Vec<crate::model::Provenance>,
}
