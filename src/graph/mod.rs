//! The graph every analysis and export works on: a petgraph [`Graph`] of
//! [`Node`]s and [`Edge`]s with typed attributes, built from a resolved
//! [`Corpus`](crate::model::Corpus) by [`build`].
//!
//! Nodes and edges are added in a fixed order (works, agents, venues, subjects
//! by stable id; edges sorted), so node indices, exports and every analysis
//! that iterates the graph are deterministic.
//!
//! **Invariant:** node `id`s are unique and stable across runs; attribute names
//! listed in [`attr`] never change meaning (scripts rely on them).

mod build;

pub use build::{agent_node, build, build_with, work_node, work_node_with, work_sources, BuildOptions};

mod attrs;
pub mod labels;
pub(crate) use attrs::known;
pub use attrs::{key as attr_key, AttrKey, Attrs};

use crate::model::{Provenance, SharedText};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Attribute names with a fixed meaning in every export (the GraphML contract).
pub mod attr {
    /// Node and edge: the kind (`paper`, `cited_work`, `person`, ... / `authored`, `cites`, ...).
    pub const KIND: &str = "kind";
    /// Node: short display label.
    pub const LABEL: &str = "label";
    /// Node: title of a work.
    pub const TITLE: &str = "title";
    /// Node: publication year.
    pub const YEAR: &str = "year";
    /// Node: DOI.
    pub const DOI: &str = "doi";
    /// Node: PubMed id.
    pub const PMID: &str = "pmid";
    /// Node: venue name of a work.
    pub const VENUE: &str = "venue";
    /// Edge (`cites`): number of times cited.
    pub const COUNT: &str = "count";
    /// Edge (`authored`): 0-based byline position.
    pub const POSITION: &str = "position";
    /// Edge (`version_of`): why the two works are taken to be versions of one another.
    pub const BASIS: &str = "basis";
    /// Node and edge: the inputs that asserted it (`file:line [record]; ...`).
    pub const SOURCES: &str = "sources";
    /// Node: cluster number (1 = largest), added by clustering.
    pub const CLUSTER: &str = "cluster";
    /// Node: cluster name, added by clustering.
    pub const CLUSTER_NAME: &str = "cluster_name";
    /// Edge: weight in derived networks.
    pub const WEIGHT: &str = "weight";
}

/// A typed attribute value (serde: the bare value; read back by its JSON
/// type, integers that fit `i64` as [`Attr::Int`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Attr {
    /// Text, shared: equal texts made one after the other (the `sources`
    /// of a paper's node and of its dozens of edges) are one allocation.
    Str(SharedText),
    /// Integer.
    Int(i64),
    /// Floating point (written with fixed formatting by exporters).
    Float(f64),
    /// Boolean.
    Bool(bool),
}

/// Read by the type of the value, without buffering it (what
/// `#[serde(untagged)]` would do).
impl<'de> Deserialize<'de> for Attr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Attr;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a text, number or boolean")
            }
            fn visit_str<E>(self, v: &str) -> Result<Attr, E> {
                Ok(Attr::Str(shared_text(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Attr, E> {
                Ok(Attr::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Attr, E> {
                Ok(i64::try_from(v).map_or(Attr::Float(v as f64), Attr::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Attr, E> {
                Ok(Attr::Float(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Attr, E> {
                Ok(Attr::Bool(v))
            }
        }
        d.deserialize_any(V)
    }
}

thread_local! {
    /// The text last read on this thread (see [`shared_text`]).
    static LAST_TEXT: std::cell::RefCell<Option<SharedText>> = const { std::cell::RefCell::new(None) };
}

/// `text` as a shared text: the one read before it on this thread when
/// equal (a kept graph lists a paper's edges one after the other, all with
/// the same `sources`), else a new one.
fn shared_text(text: &str) -> SharedText {
    crate::model::shared(&LAST_TEXT, text)
}

impl Attr {
    /// A text attribute.
    pub fn text(s: impl Into<SharedText>) -> Attr {
        Attr::Str(s.into())
    }
    /// A text attribute sharing its text with the one made by this function
    /// (or read) just before it on this thread, when equal: for runs of
    /// equal texts, such as the `sources` of a paper and of its edges.
    pub fn shared(s: &str) -> Attr {
        Attr::Str(shared_text(s))
    }
    /// The GraphML type name (`string`, `long`, `double`, `boolean`).
    pub fn graphml_type(&self) -> &'static str {
        match self {
            Attr::Str(_) => "string",
            Attr::Int(_) => "long",
            Attr::Float(_) => "double",
            Attr::Bool(_) => "boolean",
        }
    }
    /// The value as text, floats with [`format_float`].
    pub fn to_text(&self) -> String {
        match self {
            Attr::Str(s) => s.to_string(),
            Attr::Int(i) => i.to_string(),
            Attr::Float(f) => format_float(*f),
            Attr::Bool(b) => b.to_string(),
        }
    }
}

/// Fixed float formatting for every output: up to 6 decimals, trailing zeros
/// trimmed, `-0` written as `0`, non-finite values as `0`. A value below
/// [`SMALL_FLOAT`] (other than 0) is written with six significant digits in
/// exponent form instead, its trailing zeros trimmed: `2.38456e-6`, `5e-4`.
pub fn format_float(f: f64) -> String {
    if !f.is_finite() {
        return "0".into();
    }
    if is_small_float(f) {
        return trim_exponent_form(&format!("{f:.5e}")).concat();
    }
    let s = format!("{f:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Below this magnitude six decimals would keep fewer than four significant
/// digits, so [`format_float`] writes six significant digits instead. The
/// PageRank of a node among half a million is about 2e-6: with six decimals
/// four of five nodes of a 100k-work map read `0.000001`.
pub const SMALL_FLOAT: f64 = 1e-3;

/// True when [`format_float`] writes `f` in exponent form.
pub fn is_small_float(f: f64) -> bool {
    f != 0.0 && f.abs() < SMALL_FLOAT
}

/// `{:.5e}` text split as it is written: the mantissa without trailing zeros
/// (nor a trailing point), then the exponent part (`e-6`).
pub fn trim_exponent_form(text: &str) -> [&str; 2] {
    let (mantissa, exponent) = text.split_at(text.find('e').unwrap_or(text.len()));
    let mantissa =
        if mantissa.contains('.') { mantissa.trim_end_matches('0').trim_end_matches('.') } else { mantissa };
    [mantissa, exponent]
}

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A work with a record of its own.
    Paper,
    /// A work known only from citations.
    CitedWork,
    /// A person.
    Person,
    /// An organisation.
    Organisation,
    /// A journal or other venue.
    Venue,
    /// A subject heading or keyword.
    Subject,
}

impl NodeKind {
    /// Every kind, in declaration order: a kind's place is its number in
    /// kept graphs ([`NodeKind::number`]).
    pub const ALL: [NodeKind; 6] = [
        NodeKind::Paper,
        NodeKind::CitedWork,
        NodeKind::Person,
        NodeKind::Organisation,
        NodeKind::Venue,
        NodeKind::Subject,
    ];

    /// The kind's place in [`NodeKind::ALL`].
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The kind at place `n` of [`NodeKind::ALL`].
    pub fn from_number(n: u8) -> Option<NodeKind> {
        NodeKind::ALL.get(usize::from(n)).copied()
    }

    /// The `kind` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Paper => "paper",
            NodeKind::CitedWork => "cited_work",
            NodeKind::Person => "person",
            NodeKind::Organisation => "organisation",
            NodeKind::Venue => "venue",
            NodeKind::Subject => "subject",
        }
    }
    /// True for papers and cited works.
    pub fn is_work(self) -> bool {
        matches!(self, NodeKind::Paper | NodeKind::CitedWork)
    }
}

/// What an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Agent -> work.
    Authored,
    /// Work -> work.
    Cites,
    /// Work -> venue.
    PublishedIn,
    /// Work -> subject.
    About,
    /// Work -> work: an earlier version (preprint) -> the article it became.
    VersionOf,
    /// Work - work, weighted by shared citing works (derived network).
    Cocitation,
    /// Work - work, weighted by shared references (derived network).
    Coupling,
    /// Person - person, weighted by joint works (derived network).
    Coauthor,
    /// Subject - subject, weighted by co-occurrence (derived network).
    Cooccurrence,
    /// Work - work, weighted by text similarity (derived network).
    Similarity,
    /// Work - work, weighted combination of other kinds (derived network).
    Hybrid,
}

impl EdgeKind {
    /// Every kind, in declaration order: a kind's place is its number in
    /// kept graphs ([`EdgeKind::number`]).
    pub const ALL: [EdgeKind; 11] = [
        EdgeKind::Authored,
        EdgeKind::Cites,
        EdgeKind::PublishedIn,
        EdgeKind::About,
        EdgeKind::VersionOf,
        EdgeKind::Cocitation,
        EdgeKind::Coupling,
        EdgeKind::Coauthor,
        EdgeKind::Cooccurrence,
        EdgeKind::Similarity,
        EdgeKind::Hybrid,
    ];

    /// The kind's place in [`EdgeKind::ALL`].
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The kind at place `n` of [`EdgeKind::ALL`].
    pub fn from_number(n: u8) -> Option<EdgeKind> {
        EdgeKind::ALL.get(usize::from(n)).copied()
    }

    /// The `kind` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Authored => "authored",
            EdgeKind::Cites => "cites",
            EdgeKind::PublishedIn => "published_in",
            EdgeKind::About => "about",
            EdgeKind::VersionOf => "version_of",
            EdgeKind::Cocitation => "cocitation",
            EdgeKind::Coupling => "coupling",
            EdgeKind::Coauthor => "coauthor",
            EdgeKind::Cooccurrence => "cooccurrence",
            EdgeKind::Similarity => "similarity",
            EdgeKind::Hybrid => "hybrid",
        }
    }
    /// True for the undirected derived network kinds.
    pub fn is_undirected(self) -> bool {
        !matches!(
            self,
            EdgeKind::Authored
                | EdgeKind::Cites
                | EdgeKind::PublishedIn
                | EdgeKind::About
                | EdgeKind::VersionOf
        )
    }
}

/// A node: stable id, kind, label, typed attributes and sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Stable id (the corpus id: `W...`, `A...`, `V...`, `S...`).
    pub id: String,
    /// What it is.
    pub kind: NodeKind,
    /// Display label.
    pub label: String,
    /// Attributes other than `kind` and `label` (`title`, `year`, `cluster` ...).
    pub attrs: Attrs,
    /// Inputs that asserted it.
    pub sources: Vec<Provenance>,
}

/// An edge: kind, weight, attributes and sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// What it is.
    pub kind: EdgeKind,
    /// Weight: the count for `cites`, 1 for other corpus edges, the computed
    /// weight in derived networks.
    pub weight: f64,
    /// Attributes other than `kind` (`count`, `position` ...).
    pub attrs: Attrs,
    /// Inputs that asserted it (empty for derived networks).
    pub sources: Vec<Provenance>,
}

/// The graph: petgraph storage plus an index from stable id to node
/// (serde: node and edge order kept, so a stored graph reads back the same).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CitationGraph {
    /// Nodes and edges. Derived networks are undirected in meaning but stored
    /// with one directed edge per pair (lower index first).
    pub graph: DiGraph<Node, Edge>,
    /// Stable id -> node index.
    pub index: BTreeMap<String, NodeIndex>,
}

impl CitationGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a node; returns the existing index when a node with this id exists.
    pub fn add_node(&mut self, node: Node) -> NodeIndex {
        if let Some(&ix) = self.index.get(&node.id) {
            return ix;
        }
        let id = node.id.clone();
        let ix = self.graph.add_node(node);
        self.index.insert(id, ix);
        ix
    }
    /// Adds an edge.
    pub fn add_edge(&mut self, from: NodeIndex, to: NodeIndex, edge: Edge) {
        self.graph.add_edge(from, to, edge);
    }
    /// The node with stable id `id`.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index.get(id).map(|&ix| &self.graph[ix])
    }
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }
    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }
    /// Counts nodes per kind, in kind order.
    pub fn count_nodes(&self) -> BTreeMap<NodeKind, usize> {
        let mut m = BTreeMap::new();
        for n in self.graph.node_weights() {
            *m.entry(n.kind).or_insert(0) += 1;
        }
        m
    }
    /// Counts edges per kind, in kind order.
    pub fn count_edges(&self) -> BTreeMap<EdgeKind, usize> {
        let mut m = BTreeMap::new();
        for e in self.graph.edge_weights() {
            *m.entry(e.kind).or_insert(0) += 1;
        }
        m
    }
}

/// Formats sources as `file:line [record]; ...` for the `sources` attribute.
///
/// Each source is written as its `Display` is, piece by piece (no formatter
/// machinery), into one string sized once: a cited work of a big corpus has
/// a source per citing record, and the graph has hundreds of thousands of
/// them (no string per source, no list to join).
pub fn sources_text(sources: &[Provenance]) -> String {
    let size: usize =
        sources.iter().map(|p| 2 + p.input.len() + 11 + p.record.as_ref().map_or(0, |r| r.len() + 3)).sum();
    let mut out = String::with_capacity(size);
    let mut line = itoa::Buffer::new();
    for (i, p) in sources.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&p.input);
        if p.line > 0 {
            out.push(':');
            out.push_str(line.format(p.line));
        }
        if let Some(r) = &p.record {
            out.push_str(" [");
            out.push_str(r);
            out.push(']');
        }
    }
    out
}

thread_local! {
    /// The sources last given to [`sources_attr`] on this thread, and their attribute.
    static LAST_SOURCES: std::cell::RefCell<(Vec<Provenance>, Option<SharedText>)> =
        const { std::cell::RefCell::new((Vec::new(), None)) };
}

/// The `sources` attribute of a node or edge: [`sources_text`], made once
/// for a run of equal sources on this thread (a paper's dozens of citation
/// and authorship edges have the same) and shared between them.
pub fn sources_attr(sources: &[Provenance]) -> Attr {
    LAST_SOURCES.with(|last| {
        let mut last = last.borrow_mut();
        if let (true, Some(text)) = (last.0 == sources, &last.1) {
            return Attr::Str(text.clone());
        }
        let text = SharedText::from(sources_text(sources));
        last.0.clear();
        last.0.extend_from_slice(sources);
        last.1 = Some(text.clone());
        Attr::Str(text)
    })
}

/// The size weight of every node (by node index): the `citations_local`
/// attribute when present, else the number of incoming `cites` edges.
///
/// The renderer sizes discs by it and the overlap pass uses the same radii.
pub fn node_weights(graph: &CitationGraph) -> Vec<f64> {
    let g = &graph.graph;
    let mut w = vec![0.0f64; g.node_count()];
    use petgraph::visit::EdgeRef;
    for e in g.edge_references() {
        if e.weight().kind == EdgeKind::Cites {
            if let Some(v) = w.get_mut(e.target().index()) {
                *v += 1.0;
            }
        }
    }
    for (i, n) in g.node_weights().enumerate() {
        let local = match n.attrs.get("citations_local") {
            Some(Attr::Int(v)) => Some(*v as f64),
            Some(Attr::Float(v)) if v.is_finite() => Some(*v),
            _ => None,
        };
        if let (Some(v), Some(slot)) = (local, w.get_mut(i)) {
            *slot = v.max(0.0);
        }
    }
    w
}

/// Reads the `cluster` attribute of every node (0 when absent).
pub fn node_clusters(graph: &CitationGraph) -> Vec<i64> {
    graph
        .graph
        .node_weights()
        .map(|n| match n.attrs.get(attr::CLUSTER) {
            Some(Attr::Int(c)) => (*c).max(0),
            _ => 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind is at its own number (kept graphs store the number).
    #[test]
    fn kinds_are_at_their_numbers() {
        for (i, k) in NodeKind::ALL.iter().enumerate() {
            assert_eq!((usize::from(k.number()), NodeKind::from_number(i as u8)), (i, Some(*k)));
        }
        for (i, k) in EdgeKind::ALL.iter().enumerate() {
            assert_eq!((usize::from(k.number()), EdgeKind::from_number(i as u8)), (i, Some(*k)));
        }
        assert_eq!((NodeKind::from_number(6), EdgeKind::from_number(11)), (None, None));
    }

    /// Sources are written as `file:line [record]`, joined by "; ".
    #[test]
    fn sources_text_joins_file_line_and_record() {
        let sources = [
            Provenance::new("a.ris", 12, Some("W1".into())),
            Provenance::new("b.jsonl", 0, None),
            Provenance::new("dir/ç.txt", 4_294_967_295, Some("key [x]".into())),
        ];
        assert_eq!(sources_text(&sources[..0]), "");
        assert_eq!(sources_text(&sources), "a.ris:12 [W1]; b.jsonl; dir/ç.txt:4294967295 [key [x]]");
        // As each source's `Display`, whatever the line and record.
        for p in [
            Provenance::new("x", 1, None),
            Provenance::new("", 0, Some("".into())),
            Provenance::new("in; put", 99, Some("r".into())),
        ] {
            assert_eq!(sources_text(std::slice::from_ref(&p)), p.to_string());
        }
    }

    #[test]
    fn equal_sources_in_a_row_share_one_text() {
        let a = vec![Provenance::new("refs.ris", 12, Some("R1".into()))];
        let b = vec![Provenance::new("refs.ris", 40, Some("R2".into()))];
        let text = |x: Attr| match x {
            Attr::Str(s) => s,
            other => panic!("{other:?}"),
        };
        let (first, again) = (text(sources_attr(&a)), text(sources_attr(&a.clone())));
        assert_eq!(&*first, "refs.ris:12 [R1]");
        assert!(SharedText::ptr_eq(&first, &again), "a run of equal sources is one text");
        let other = text(sources_attr(&b));
        assert_eq!(&*other, "refs.ris:40 [R2]");
        // Back to the first: equal text, made again.
        assert_eq!(text(sources_attr(&a)), first);
        assert_eq!(&*text(sources_attr(&[])), "");
        // Read back: equal texts in a row are shared too.
        let read: Vec<Attr> = serde_json::from_str(r#"["x; y", "x; y", 3, "z"]"#).unwrap();
        match (&read[0], &read[1], &read[3]) {
            (Attr::Str(p), Attr::Str(q), Attr::Str(z)) => {
                assert!(SharedText::ptr_eq(p, q));
                assert_eq!(&**z, "z");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(read[2], Attr::Int(3));
    }
}
