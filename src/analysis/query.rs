//! Questions about people and rankings: who co-authored with whom
//! ([`coauthors`]), what one author wrote and shares with others ([`author`]),
//! the shortest co-authorship chain between two people ([`path`]), and the top
//! people or works by a measure ([`top`]).
//!
//! **Name look-up** ([`find_agent`]) accepts any common spelling: "Johnson S",
//! "Sonia Johnson", "Johnson, Sonia", "S. Johnson", accents and hyphens
//! ignored (through [`crate::model::norm`]: `parse_person`, `family_key`,
//! `initials`), an agent id (`A...`) or an ORCID. Matching is in two tiers:
//! same family key and the same full given name; failing that, same family key
//! and compatible initials. One match is a [`Lookup::Found`]; several are a
//! [`Lookup::Ambiguous`] list for the user to choose from — never a guess.
//!
//! Every result is serialisable (for `--json`); tables are drawn by the CLI.

use super::network::local_citations;
use crate::graph::{Attr, CitationGraph, NodeKind};
use crate::model::{norm, AgentKind, Corpus};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A person as shown in results.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PersonRef {
    /// Stable agent id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ORCID, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orcid: Option<String>,
    /// Works authored in the corpus.
    pub works: usize,
}

/// A work as shown in results.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WorkRef {
    /// Stable work id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The outcome of a name look-up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Lookup<T> {
    /// The name matched one agent; the result for it.
    Found {
        /// The result.
        result: T,
    },
    /// The name matched several agents: choose one (by id) and ask again.
    Ambiguous {
        /// The name asked for.
        query: String,
        /// The candidates, by name then id.
        candidates: Vec<PersonRef>,
    },
    /// No agent matched.
    NotFound {
        /// The name asked for.
        query: String,
    },
}

impl<T> Lookup<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Lookup<U> {
        match self {
            Lookup::Found { result } => Lookup::Found { result: f(result) },
            Lookup::Ambiguous { query, candidates } => Lookup::Ambiguous { query, candidates },
            Lookup::NotFound { query } => Lookup::NotFound { query },
        }
    }
}

/// Precomputed look-ups over a corpus's authorships.
struct People {
    works_of: Vec<Vec<u32>>,
    authors_of: Vec<Vec<u32>>,
}

impl People {
    fn new(corpus: &Corpus) -> Self {
        let mut works_of = vec![Vec::new(); corpus.agents.len()];
        let mut authors_of = vec![Vec::new(); corpus.works.len()];
        for a in &corpus.authorships {
            if let (Some(w), Some(au)) =
                (works_of.get_mut(a.agent as usize), authors_of.get_mut(a.work as usize))
            {
                w.push(a.work);
                au.push(a.agent);
            }
        }
        for v in works_of.iter_mut().chain(authors_of.iter_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        People { works_of, authors_of }
    }
    fn person(&self, corpus: &Corpus, a: usize) -> PersonRef {
        let ag = &corpus.agents[a];
        PersonRef {
            id: ag.id.clone(),
            name: ag.name.clone(),
            orcid: ag.orcid.clone(),
            works: self.works_of.get(a).map_or(0, Vec::len),
        }
    }
}

fn work_ref(corpus: &Corpus, w: u32) -> WorkRef {
    let work = &corpus.works[w as usize];
    WorkRef {
        id: work.id.clone(),
        label: work.label.clone(),
        year: work.year.as_ref().map(|y| y.value),
        title: work.title.as_ref().map(|t| t.value.clone()),
    }
}

/// True when the given names are compatible: equal full names, or one side's
/// initials a prefix of the other's when either side is initials only.
fn given_matches(query: &str, agent: &str, exact: bool) -> bool {
    let (q, a) = (norm::alnum_key(query), norm::alnum_key(agent));
    if q.is_empty() {
        return !exact;
    }
    let q_init = norm::given_is_initials(query) || q.len() == 1;
    let a_init = norm::given_is_initials(agent) || a.len() == 1;
    if exact {
        return !q_init && !a_init && first_given(query) == first_given(agent);
    }
    let (qi, ai) = (norm::initials(query), norm::initials(agent));
    if qi.is_empty() || ai.is_empty() {
        // An agent known by family name only fits any given name.
        return ai.is_empty();
    }
    if !q_init && !a_init {
        return first_given(query) == first_given(agent);
    }
    ai.starts_with(&qi) || qi.starts_with(&ai)
}

fn first_given(given: &str) -> String {
    given
        .split(|c: char| c.is_whitespace() || c == '.')
        .find(|t| !t.is_empty())
        .map(norm::alnum_key)
        .unwrap_or_default()
}

/// Finds the agent `name` refers to (module documentation).
pub fn find_agent(corpus: &Corpus, name: &str) -> Lookup<usize> {
    let query = name.trim().to_string();
    if let Some(i) = corpus.agent_by_id(&query) {
        return Lookup::Found { result: i };
    }
    if let Some(orcid) =
        norm::normalize_orcid(&query).filter(|_| query.chars().filter(char::is_ascii_digit).count() >= 15)
    {
        if let Some(i) = corpus.agents.iter().position(|a| a.orcid.as_deref() == Some(orcid.as_str())) {
            return Lookup::Found { result: i };
        }
    }
    let parsed = norm::parse_person(&query);
    let fam = norm::family_key(&parsed.family);
    let whole = norm::alnum_key(&query);
    if fam.is_empty() {
        return Lookup::NotFound { query };
    }
    // Every spelling of an agent is a candidate form.
    let forms = |a: &crate::model::Agent| -> Vec<(String, String)> {
        let mut v = vec![(a.family.clone(), a.given.clone())];
        for s in &a.variants {
            let p = norm::parse_person(&s.value);
            v.push((p.family, p.given));
        }
        v
    };
    let mut tiers: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for (i, a) in corpus.agents.iter().enumerate() {
        if a.kind == AgentKind::Organisation {
            if norm::alnum_key(&a.name) == whole {
                tiers[0].push(i);
            }
            continue;
        }
        let fs = forms(a);
        let fam_ok = |f: &str| norm::family_key(f) == fam;
        if fs.iter().any(|(f, g)| fam_ok(f) && given_matches(&parsed.given, g, true)) {
            tiers[0].push(i);
        } else if fs.iter().any(|(f, g)| fam_ok(f) && given_matches(&parsed.given, g, false)) {
            tiers[1].push(i);
        }
    }
    let people = People::new(corpus);
    for tier in tiers {
        match tier.len() {
            0 => continue,
            1 => return Lookup::Found { result: tier[0] },
            _ => {
                let mut candidates: Vec<PersonRef> = tier.iter().map(|&i| people.person(corpus, i)).collect();
                candidates
                    .sort_by(|a, b| norm::fold(&a.name).cmp(&norm::fold(&b.name)).then(a.id.cmp(&b.id)));
                return Lookup::Ambiguous { query, candidates };
            }
        }
    }
    Lookup::NotFound { query }
}

/// One collaborator of the person asked about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Collaborator {
    /// The collaborator.
    pub person: PersonRef,
    /// Co-authorship distance (1 = direct co-author).
    pub depth: u32,
    /// Through whom (for depth 2 and more: the first person on the chain, by id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<PersonRef>,
    /// Joint works with the person asked about (depth 1) or with `via`.
    pub joint_works: usize,
    /// Those works.
    pub works: Vec<WorkRef>,
}

/// Co-authors of one person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoauthorReport {
    /// The person asked about.
    pub person: PersonRef,
    /// Collaborators by depth, then joint works (most first), then name.
    pub collaborators: Vec<Collaborator>,
}

fn joint(people: &People, a: usize, b: usize) -> Vec<u32> {
    let (x, y) = (&people.works_of[a], &people.works_of[b]);
    x.iter().filter(|w| y.binary_search(w).is_ok()).copied().collect()
}

fn coauthors_of(people: &People, a: usize) -> BTreeSet<usize> {
    let mut s = BTreeSet::new();
    for &w in &people.works_of[a] {
        for &b in &people.authors_of[w as usize] {
            if b as usize != a {
                s.insert(b as usize);
            }
        }
    }
    s
}

/// Collaborators of `name` up to `depth` steps (1 = direct co-authors).
pub fn coauthors(corpus: &Corpus, name: &str, depth: u32) -> Lookup<CoauthorReport> {
    let people = People::new(corpus);
    find_agent(corpus, name).map(|a| {
        let mut seen: BTreeMap<usize, (u32, Option<usize>)> = BTreeMap::new();
        seen.insert(a, (0, None));
        let mut frontier = vec![a];
        for d in 1..=depth.max(1) {
            let mut next = Vec::new();
            for &p in &frontier {
                for q in coauthors_of(&people, p) {
                    if let std::collections::btree_map::Entry::Vacant(e) = seen.entry(q) {
                        e.insert((d, (d > 1).then_some(p)));
                        next.push(q);
                    }
                }
            }
            next.sort_unstable();
            frontier = next;
        }
        let mut collaborators: Vec<Collaborator> = seen
            .into_iter()
            .filter(|&(q, _)| q != a)
            .map(|(q, (d, via))| {
                let other = via.unwrap_or(a);
                let works = joint(&people, q, other);
                Collaborator {
                    person: people.person(corpus, q),
                    depth: d,
                    via: via.map(|v| people.person(corpus, v)),
                    joint_works: works.len(),
                    works: works.into_iter().map(|w| work_ref(corpus, w)).collect(),
                }
            })
            .collect();
        collaborators.sort_by(|x, y| {
            x.depth
                .cmp(&y.depth)
                .then(y.joint_works.cmp(&x.joint_works))
                .then(norm::fold(&x.person.name).cmp(&norm::fold(&y.person.name)))
                .then(x.person.id.cmp(&y.person.id))
        });
        CoauthorReport { person: people.person(corpus, a), collaborators }
    })
}

/// Another author who cites the same works.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedCitations {
    /// The other author.
    pub person: PersonRef,
    /// Works cited by both.
    pub shared: usize,
    /// Up to ten of them.
    pub works: Vec<WorkRef>,
}

/// A cluster an author's works fall in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorCluster {
    /// Cluster number.
    pub cluster: i64,
    /// Cluster name.
    pub name: String,
    /// The author's works in it.
    pub works: usize,
}

/// Everything about one author.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthorReport {
    /// The author.
    pub person: PersonRef,
    /// Spellings seen.
    pub variants: Vec<String>,
    /// Works, by year then id.
    pub works: Vec<WorkRef>,
    /// Earliest year.
    pub year_min: Option<i32>,
    /// Latest year.
    pub year_max: Option<i32>,
    /// Direct co-authors.
    pub n_coauthors: usize,
    /// Clusters of the author's works (when a clustered graph is given).
    pub clusters: Vec<AuthorCluster>,
    /// Authors sharing most cited works with this one (co-authors excluded), top 10.
    pub shared_cited: Vec<SharedCitations>,
}

/// Works, years, clusters and shared cited works of `name`. `graph`, when
/// given, supplies `cluster` / `cluster_name` attributes of work nodes.
pub fn author(corpus: &Corpus, name: &str, graph: Option<&CitationGraph>) -> Lookup<AuthorReport> {
    let people = People::new(corpus);
    find_agent(corpus, name).map(|a| {
        let mut ws = people.works_of[a].clone();
        ws.sort_by_key(|&w| (corpus.works[w as usize].year.as_ref().map(|y| y.value), w));
        let years: Vec<i32> =
            ws.iter().filter_map(|&w| corpus.works[w as usize].year.as_ref().map(|y| y.value)).collect();
        let mut clusters: BTreeMap<(i64, String), usize> = BTreeMap::new();
        if let Some(g) = graph {
            for &w in &ws {
                if let Some(node) = g.node(&corpus.works[w as usize].id) {
                    if let Some(Attr::Int(c)) = node.attrs.get(crate::graph::attr::CLUSTER) {
                        let nm = match node.attrs.get(crate::graph::attr::CLUSTER_NAME) {
                            Some(Attr::Str(s)) => s.to_string(),
                            _ => String::new(),
                        };
                        *clusters.entry((*c, nm)).or_insert(0) += 1;
                    }
                }
            }
        }
        let mut clusters: Vec<AuthorCluster> = clusters
            .into_iter()
            .map(|((cluster, name), works)| AuthorCluster { cluster, name, works })
            .collect();
        clusters.sort_by(|x, y| y.works.cmp(&x.works).then(x.cluster.cmp(&y.cluster)));
        // Cited works of the author, then their other citers' authors.
        let wset: BTreeSet<u32> = ws.iter().copied().collect();
        let cited: BTreeSet<u32> =
            corpus.cites.iter().filter(|c| wset.contains(&c.from)).map(|c| c.to).collect();
        let direct = coauthors_of(&people, a);
        let mut shared: BTreeMap<usize, BTreeSet<u32>> = BTreeMap::new();
        for c in &corpus.cites {
            if cited.contains(&c.to) && !wset.contains(&c.from) {
                for &b in &people.authors_of[c.from as usize] {
                    let b = b as usize;
                    if b != a && !direct.contains(&b) {
                        shared.entry(b).or_default().insert(c.to);
                    }
                }
            }
        }
        let mut shared_cited: Vec<SharedCitations> = shared
            .into_iter()
            .map(|(b, set)| SharedCitations {
                person: people.person(corpus, b),
                shared: set.len(),
                works: set.iter().take(10).map(|&w| work_ref(corpus, w)).collect(),
            })
            .collect();
        shared_cited.sort_by(|x, y| y.shared.cmp(&x.shared).then(x.person.id.cmp(&y.person.id)));
        shared_cited.truncate(10);
        let ag = &corpus.agents[a];
        let mut variants: Vec<String> = ag.variants.iter().map(|v| v.value.clone()).collect();
        variants.sort();
        variants.dedup();
        AuthorReport {
            person: people.person(corpus, a),
            variants,
            works: ws.iter().map(|&w| work_ref(corpus, w)).collect(),
            year_min: years.iter().copied().min(),
            year_max: years.iter().copied().max(),
            n_coauthors: direct.len(),
            clusters,
            shared_cited,
        }
    })
}

/// One step of a co-authorship chain: a person and the work joining them to
/// the next person (`None` on the last step).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathStep {
    /// The person.
    pub person: PersonRef,
    /// A joint work with the next person (the earliest by year, then id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via_work: Option<WorkRef>,
}

/// The shortest co-authorship chain between two people.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathReport {
    /// From.
    pub from: PersonRef,
    /// To.
    pub to: PersonRef,
    /// The chain, `from` first and `to` last; empty when they are not connected.
    pub steps: Vec<PathStep>,
}

/// The shortest co-authorship chain from `a` to `b` (breadth-first search,
/// neighbours in agent order, so the same corpus gives the same chain).
pub fn path(corpus: &Corpus, a: &str, b: &str) -> Lookup<PathReport> {
    let people = People::new(corpus);
    let from = match find_agent(corpus, a) {
        Lookup::Found { result } => result,
        Lookup::Ambiguous { query, candidates } => return Lookup::Ambiguous { query, candidates },
        Lookup::NotFound { query } => return Lookup::NotFound { query },
    };
    find_agent(corpus, b).map(|to| {
        let mut prev: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(p) = queue.pop_front() {
            if p == to {
                break;
            }
            for q in coauthors_of(&people, p) {
                if seen.insert(q) {
                    prev.insert(q, p);
                    queue.push_back(q);
                }
            }
        }
        let mut chain = Vec::new();
        if seen.contains(&to) {
            let mut cur = to;
            chain.push(cur);
            while cur != from {
                match prev.get(&cur) {
                    Some(&p) => {
                        cur = p;
                        chain.push(cur);
                    }
                    None => break,
                }
            }
            chain.reverse();
        }
        let steps = chain
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let via_work = chain.get(i + 1).and_then(|&q| {
                    joint(&people, p, q)
                        .into_iter()
                        .min_by_key(|&w| (corpus.works[w as usize].year.as_ref().map(|y| y.value), w))
                        .map(|w| work_ref(corpus, w))
                });
                PathStep { person: people.person(corpus, p), via_work }
            })
            .collect();
        PathReport { from: people.person(corpus, from), to: people.person(corpus, to), steps }
    })
}

/// What [`top`] ranks by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopBy {
    /// People by number of works.
    Works,
    /// Works by citations: times cited when known, else in-corpus citations.
    Citations,
    /// Works by in-corpus citations.
    LocalCitations,
    /// Nodes of the graph by PageRank.
    Pagerank,
    /// Nodes of the graph by betweenness.
    Betweenness,
}

impl TopBy {
    /// Parses `works`, `citations`, `local`, `pagerank`, `betweenness`.
    pub fn parse(s: &str) -> Option<TopBy> {
        Some(match norm::alnum_key(s).as_str() {
            "works" | "papers" => TopBy::Works,
            "citations" | "cited" | "global" => TopBy::Citations,
            "local" | "localcitations" => TopBy::LocalCitations,
            "pagerank" => TopBy::Pagerank,
            "betweenness" => TopBy::Betweenness,
            _ => return None,
        })
    }
}

/// One ranked entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopEntry {
    /// Rank (1 = first).
    pub rank: usize,
    /// Stable id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Node kind (`person`, `paper` ...).
    pub kind: String,
    /// The value ranked by.
    pub value: f64,
}

/// The `n` first people or works by `by`. `graph` is needed for PageRank and
/// betweenness: its `pagerank` / `betweenness` attributes are used when
/// present, otherwise they are computed. Ties are broken by id.
pub fn top(corpus: &Corpus, graph: Option<&CitationGraph>, by: TopBy, n: usize) -> Vec<TopEntry> {
    let mut rows: Vec<(f64, String, String, String)> = Vec::new();
    match by {
        TopBy::Works => {
            for (a, count) in super::metrics::works_per_agent(corpus) {
                if let Some(ag) = corpus.agents.get(a) {
                    rows.push((count as f64, ag.id.clone(), ag.name.clone(), ag.kind.as_str().into()));
                }
            }
        }
        TopBy::Citations | TopBy::LocalCitations => {
            let local = local_citations(corpus);
            for (i, w) in corpus.works.iter().enumerate() {
                let l = local.get(i).copied().unwrap_or(0);
                let v = match (by, &w.times_cited) {
                    (TopBy::Citations, Some(t)) => t.value,
                    _ => l,
                };
                rows.push((v as f64, w.id.clone(), w.label.clone(), w.kind.as_str().into()));
            }
        }
        TopBy::Pagerank | TopBy::Betweenness => {
            let Some(g) = graph else { return Vec::new() };
            let key = if by == TopBy::Pagerank { "pagerank" } else { "betweenness" };
            let have = g.graph.node_weights().all(|n| n.attrs.contains_key(key));
            let values: Vec<f64> = if have {
                g.graph
                    .node_weights()
                    .map(|n| match n.attrs.get(key) {
                        Some(Attr::Float(f)) => *f,
                        Some(Attr::Int(i)) => *i as f64,
                        _ => 0.0,
                    })
                    .collect()
            } else {
                let opts = super::metrics::MetricsOptions {
                    betweenness: if by == TopBy::Betweenness {
                        super::metrics::Betweenness::Auto
                    } else {
                        super::metrics::Betweenness::Off
                    },
                    ..Default::default()
                };
                let m = super::metrics::compute(g, corpus, &opts);
                if by == TopBy::Pagerank {
                    m.pagerank
                } else {
                    m.betweenness
                }
            };
            for (node, v) in g.graph.node_weights().zip(values) {
                if node.kind != NodeKind::Venue {
                    rows.push((v, node.id.clone(), node.label.clone(), node.kind.as_str().into()));
                }
            }
        }
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    if by == TopBy::Works {
        // People and organisations are ranked apart: a consortium or a
        // ministry with many works is not a prolific author. Each kind gets
        // its own top `n` and its own ranks, people first.
        let mut out = Vec::with_capacity(2 * n);
        for kind in ["person", "organisation"] {
            let of_kind = rows.iter().filter(|r| r.3 == kind).take(n);
            out.extend(of_kind.enumerate().map(|(i, (value, id, label, kind))| TopEntry {
                rank: i + 1,
                id: id.clone(),
                label: label.clone(),
                kind: kind.clone(),
                value: *value,
            }));
        }
        return out;
    }
    rows.truncate(n);
    rows.into_iter()
        .enumerate()
        .map(|(i, (value, id, label, kind))| TopEntry { rank: i + 1, id, label, kind, value })
        .collect()
}
