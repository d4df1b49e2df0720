//! Builds the [`CitationGraph`] of a [`Corpus`]: one node per work, agent,
//! venue and subject, and one edge per authorship, citation, version
//! (`version_of`: preprint -> article), venue and subject link.

use super::{attr, known, sources_attr, Attr, AttrKey, Attrs, CitationGraph, Edge, EdgeKind, Node, NodeKind};
use crate::model::{AgentKind, Corpus, Identifier, SharedText, WorkKind};

/// Which parts of the corpus become nodes.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct BuildOptions {
    /// Add venue nodes and `published_in` edges.
    pub venues: bool,
    /// Add subject nodes and `about` edges.
    pub subjects: bool,
    /// Add agent nodes and `authored` edges.
    pub agents: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { venues: true, subjects: true, agents: true }
    }
}

fn put(attrs: &mut Attrs, key: AttrKey, value: Attr) {
    attrs.insert(key, value);
}

/// The node of work `i` (`i` < `corpus.works.len()`) with its attributes:
/// the one place work attributes are built, for the full graph and for
/// every derived network ([`crate::analysis::network`]).
pub fn work_node(corpus: &Corpus, i: usize) -> Node {
    work_node_with(corpus, i, None)
}

/// The `sources` text of every work ([`crate::graph::sources_text`]), made
/// once on the pool for the graphs built from one corpus, which then share
/// it: a cited work of a big corpus names every record that cites it, and
/// the full graph and the network both have a node for it.
pub fn work_sources(corpus: &Corpus) -> Vec<SharedText> {
    use rayon::prelude::*;
    corpus.works.par_iter().map(|w| SharedText::from(super::sources_text(&w.sources))).collect()
}

/// [`work_node`] with the work's `sources` text made already (the entry
/// of [`work_sources`] for it), or made here when `None`.
pub fn work_node_with(corpus: &Corpus, i: usize, sources: Option<&SharedText>) -> Node {
    let w = &corpus.works[i];
    let mut attrs = Attrs::new();
    if let Some(t) = &w.title {
        put(&mut attrs, known!(attr::TITLE), Attr::text(t.value.as_str()));
    }
    if let Some(y) = &w.year {
        put(&mut attrs, known!(attr::YEAR), Attr::Int(y.value as i64));
    }
    for id in &w.ids {
        match &id.value {
            Identifier::Doi(d) if !attrs.contains_key(attr::DOI) => {
                put(&mut attrs, known!(attr::DOI), Attr::text(d.as_str()))
            }
            Identifier::Pmid(p) if !attrs.contains_key(attr::PMID) => {
                put(&mut attrs, known!(attr::PMID), Attr::text(p.as_str()))
            }
            // The ids OpenAlex and Lens give cited works, so a cited
            // work that has only those is still findable.
            Identifier::Openalex(o) if !attrs.contains_key("openalex") => {
                put(&mut attrs, known!("openalex"), Attr::text(o.as_str()))
            }
            Identifier::Other(o) if o.starts_with("lens:") && !attrs.contains_key("lens") => {
                put(&mut attrs, known!("lens"), Attr::text(o.trim_start_matches("lens:")))
            }
            _ => {}
        }
    }
    if let Some(v) = w.venue.and_then(|v| corpus.venues.get(v as usize)) {
        put(&mut attrs, known!(attr::VENUE), Attr::text(v.name.as_str()));
    }
    if let Some(dt) = &w.doc_type {
        put(&mut attrs, known!("doc_type"), Attr::text(dt.value.as_str()));
    }
    if let Some(a) = &w.cited_authors {
        put(&mut attrs, known!("cited_authors"), Attr::text(a.as_str()));
    }
    if let Some(n) = &w.year_note {
        put(&mut attrs, known!("year_note"), Attr::text(n.as_str()));
    }
    if !w.missing.is_empty() {
        put(&mut attrs, known!("missing"), Attr::text(w.missing.join(",")));
    }
    // Works added by `chase`: which service found them, which way.
    if let Some(f) = crate::fetch::chase::found_by_text(&w.sources, w.ids.iter().map(|i| &i.value)) {
        put(&mut attrs, known!("found_by"), Attr::text(f));
    }
    let text = match sources {
        Some(t) => Attr::Str(t.clone()),
        None => sources_attr(&w.sources),
    };
    put(&mut attrs, known!(attr::SOURCES), text);
    let kind = match w.kind {
        WorkKind::Paper => NodeKind::Paper,
        WorkKind::CitedWork => NodeKind::CitedWork,
    };
    Node { id: w.id.clone(), kind, label: w.label.clone(), attrs, sources: w.sources.clone() }
}

/// The node of agent `i` (`i` < `corpus.agents.len()`) with its attributes:
/// the one place agent attributes are built.
pub fn agent_node(corpus: &Corpus, i: usize) -> Node {
    let a = &corpus.agents[i];
    let mut attrs = Attrs::new();
    if let Some(o) = &a.orcid {
        put(&mut attrs, known!("orcid"), Attr::text(o.as_str()));
    }
    put(&mut attrs, known!(attr::SOURCES), sources_attr(&a.sources));
    let kind = match a.kind {
        AgentKind::Person => NodeKind::Person,
        AgentKind::Organisation => NodeKind::Organisation,
    };
    Node { id: a.id.clone(), kind, label: a.name.clone(), attrs, sources: a.sources.clone() }
}

/// Builds `make(item)` for every item on the rayon pool, a block at a time,
/// and hands the results to `add` in item order (so the graph is the same on
/// any number of threads, and only one block of results is held at once).
fn in_order<T: Sync, R: Send>(items: &[T], make: impl Fn(&T) -> R + Sync, mut add: impl FnMut(R)) {
    use rayon::prelude::*;
    const BLOCK: usize = 1 << 15;
    for block in items.chunks(BLOCK) {
        let built: Vec<R> = block.par_iter().map(&make).collect();
        for r in built {
            add(r);
        }
    }
}

/// Builds the graph of `corpus`.
///
/// Complexity: O(n + m) in corpus entities and edges.
pub fn build(corpus: &Corpus, opts: &BuildOptions) -> CitationGraph {
    build_with(corpus, opts, None)
}

/// [`build`] with the works' `sources` texts made already ([`work_sources`]).
pub fn build_with(corpus: &Corpus, opts: &BuildOptions, sources: Option<&[SharedText]>) -> CitationGraph {
    let mut g = CitationGraph::new();
    let nodes = corpus.works.len()
        + if opts.agents { corpus.agents.len() } else { 0 }
        + if opts.venues { corpus.venues.len() } else { 0 }
        + if opts.subjects { corpus.subjects.len() } else { 0 };
    let edges = corpus.cites.len()
        + corpus.versions.len()
        + if opts.agents { corpus.authorships.len() } else { 0 }
        + if opts.venues { corpus.published_in.len() } else { 0 }
        + if opts.subjects { corpus.about.len() } else { 0 };
    g.graph.reserve_exact_nodes(nodes);
    g.graph.reserve_exact_edges(edges);
    let work_indices: Vec<usize> = (0..corpus.works.len()).collect();
    let mut work_ix = Vec::with_capacity(corpus.works.len());
    in_order(
        &work_indices,
        |&i| work_node_with(corpus, i, sources.and_then(|s| s.get(i))),
        |n| work_ix.push(g.add_node(n)),
    );
    drop(work_indices);
    let mut agent_ix = Vec::with_capacity(corpus.agents.len());
    if opts.agents {
        let agent_indices: Vec<usize> = (0..corpus.agents.len()).collect();
        in_order(&agent_indices, |&i| agent_node(corpus, i), |n| agent_ix.push(g.add_node(n)));
    }
    let mut venue_ix = Vec::with_capacity(corpus.venues.len());
    if opts.venues {
        for v in &corpus.venues {
            let mut attrs = Attrs::new();
            if !v.issn.is_empty() {
                put(&mut attrs, known!("issn"), Attr::text(v.issn.join(",")));
            }
            put(&mut attrs, known!(attr::SOURCES), sources_attr(&v.sources));
            venue_ix.push(g.add_node(Node {
                id: v.id.clone(),
                kind: NodeKind::Venue,
                label: v.name.clone(),
                attrs,
                sources: v.sources.clone(),
            }));
        }
    }
    let mut subject_ix = Vec::with_capacity(corpus.subjects.len());
    if opts.subjects {
        for s in &corpus.subjects {
            let mut attrs = Attrs::new();
            put(&mut attrs, known!(attr::SOURCES), sources_attr(&s.sources));
            subject_ix.push(g.add_node(Node {
                id: s.id.clone(),
                kind: NodeKind::Subject,
                label: s.name.clone(),
                attrs,
                sources: s.sources.clone(),
            }));
        }
    }
    let edge = |kind: EdgeKind, weight: f64, mut attrs: Attrs, sources: &[crate::model::Provenance]| {
        put(&mut attrs, known!(attr::SOURCES), sources_attr(sources));
        Edge { kind, weight, attrs, sources: sources.to_vec() }
    };
    if opts.agents {
        in_order(
            &corpus.authorships,
            |au| {
                let mut attrs = Attrs::new();
                put(&mut attrs, known!(attr::POSITION), Attr::Int(au.position as i64));
                (au.agent, au.work, edge(EdgeKind::Authored, 1.0, attrs, &au.sources))
            },
            |(a, w, e)| g.add_edge(agent_ix[a as usize], work_ix[w as usize], e),
        );
    }
    in_order(
        &corpus.cites,
        |c| {
            let mut attrs = Attrs::new();
            put(&mut attrs, known!(attr::COUNT), Attr::Int(c.count as i64));
            (c.from, c.to, edge(EdgeKind::Cites, c.count as f64, attrs, &c.sources))
        },
        |(a, b, e)| g.add_edge(work_ix[a as usize], work_ix[b as usize], e),
    );
    for v in &corpus.versions {
        let mut attrs = Attrs::new();
        put(&mut attrs, known!(attr::BASIS), Attr::text(v.basis.as_str()));
        g.add_edge(
            work_ix[v.from as usize],
            work_ix[v.to as usize],
            edge(EdgeKind::VersionOf, 1.0, attrs, &v.sources),
        );
    }
    if opts.venues {
        in_order(
            &corpus.published_in,
            |p| (p.work, p.venue, edge(EdgeKind::PublishedIn, 1.0, Attrs::new(), &p.sources)),
            |(w, v, e)| g.add_edge(work_ix[w as usize], venue_ix[v as usize], e),
        );
    }
    if opts.subjects {
        in_order(
            &corpus.about,
            |a| (a.work, a.subject, edge(EdgeKind::About, 1.0, Attrs::new(), &a.sources)),
            |(w, s, e)| g.add_edge(work_ix[w as usize], subject_ix[s as usize], e),
        );
    }
    g
}
