//! The resolved corpus and the analysis of a store, read from the store when
//! it kept them for the same inputs and settings, else computed and kept.
//!
//! Keys (see `citemap::store::Fingerprint`): the corpus is keyed by the
//! store's input state, the resolution settings, the layout of what is kept
//! ([`FORMAT`]) and this build of citemap (its version, and the size and
//! modification time of its executable, so a rebuilt citemap never reads what
//! another build computed); an analysis by the corpus key, the thesaurus
//! applied (its bytes) and every analysis setting. Settings enter the key as
//! their `Debug` text: every option type is plain data (no hash maps), and
//! `Debug` prints floats exactly, so equal settings give equal text.
//!
//! An analysis is kept in three parts under one key: its head (clusters,
//! network kind, betweenness notes, counts), the network and the full graph,
//! so a command that writes the network (`export`, `render`) decodes only
//! it. Graphs are kept packed ([`PackedGraph`]): attribute names once in a
//! table, nodes and edges as arrays, the id index rebuilt when it is the
//! nodes' own.
//!
//! Nothing here changes a result: what is read back is what was computed,
//! field for field (tests/persist.rs compares the outputs byte for byte).

use super::analyse::{self, Analysed};
use super::clusters::ClustersArgs;
use super::network::NetworkArgs;
use super::{progress, Ctx};
use anyhow::{bail, Context, Result};
use citemap::analysis::metrics::BetweennessInfo;
use citemap::analysis::network::NetworkKind;
use citemap::analysis::thesaurus::Thesaurus;
use citemap::graph::{attr_key, Attr, AttrKey, Attrs, CitationGraph, Edge, EdgeKind, Node, NodeKind};
use citemap::model::{Corpus, DedupPair, Provenance, Record};
use citemap::pipeline::{self, Clusters};
use citemap::store::lookup::Lookup;
use citemap::store::{Fingerprint, Packing, Saved, Store};
use petgraph::graph::NodeIndex;
use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, SerializeTuple};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::path::Path;

/// Version of the layout of kept results; raised when it changes.
pub const FORMAT: &str = "citemap-results-6";

/// Where a result came from (for reports and progress lines).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Read from the store.
    Loaded,
    /// Computed in this run (and kept in the store when it could be).
    Computed,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Loaded => "loaded from store",
            Origin::Computed => "computed",
        }
    }
}

/// The corpus as kept: its fields in a fixed order, the big lists (works,
/// agents and the edge lists) in parts encoded and decoded in parallel
/// ([`PartedOut`]); the dedup pairs, left out of the corpus's own serde
/// (JSON summaries), travel last.
struct CorpusOut<'a> {
    corpus: &'a Corpus,
    pairs: &'a [DedupPair],
}

impl Serialize for CorpusOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.corpus;
        (
            PartedOut(&c.works),
            PartedOut(&c.agents),
            &c.venues,
            &c.subjects,
            PartedOut(&c.authorships),
            PartedOut(&c.cites),
            PartedOut(&c.published_in),
            PartedOut(&c.about),
            &c.conflicts,
            &c.diagnostics,
            &c.versions,
            &c.dedup,
            self.pairs,
        )
            .serialize(s)
    }
}

/// [`CorpusOut`], read back.
struct CorpusIn {
    corpus: Corpus,
    pairs: Vec<DedupPair>,
}

impl<'de> Deserialize<'de> for CorpusIn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[allow(clippy::type_complexity)]
        let (
            works,
            agents,
            venues,
            subjects,
            authorships,
            cites,
            published_in,
            about,
            conflicts,
            diagnostics,
            versions,
            dedup,
            pairs,
        ): (
            PartedIn<_>,
            PartedIn<_>,
            _,
            _,
            PartedIn<_>,
            PartedIn<_>,
            PartedIn<_>,
            PartedIn<_>,
            _,
            _,
            _,
            _,
            _,
        ) = Deserialize::deserialize(d)?;
        let corpus = Corpus {
            works: works.0,
            agents: agents.0,
            venues,
            subjects,
            authorships: authorships.0,
            cites: cites.0,
            published_in: published_in.0,
            about: about.0,
            conflicts,
            diagnostics,
            versions,
            dedup,
        };
        Ok(CorpusIn { corpus, pairs })
    }
}

/// A list kept in parts of [`PART_ITEMS`], each compressed on its own,
/// encoded a window at a time in parallel ([`write_parts`]).
struct PartedOut<'a, T>(&'a [T]);

impl<T: Serialize + Sync> Serialize for PartedOut<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let items = self.0;
        let encode = |range: std::ops::Range<usize>| pack_part(&items[range]);
        std::thread::scope(|scope| s.collect_seq(write_parts(scope, items.len(), &encode)))
    }
}

/// [`PartedOut`], read back: parts decoded in parallel ([`read_parts`]).
struct PartedIn<T>(Vec<T>);

impl<'de, T: serde::de::DeserializeOwned + Send> Deserialize<'de> for PartedIn<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::de::DeserializeOwned + Send> Visitor<'de> for V<T> {
            type Value = PartedIn<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list kept in parts")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<PartedIn<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).saturating_mul(PART_ITEMS));
                read_parts(seq, unpack_part::<T>, |items| {
                    out.extend(items);
                    Ok(())
                })?;
                out.shrink_to_fit();
                Ok(PartedIn(out))
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

/// A thesaurus given with `--thesaurus`, read and checked up front.
struct GivenThesaurus {
    thesaurus: Thesaurus,
    sha256: String,
    file: String,
}

/// An open store with its corpus and analyses, each read or computed once,
/// when first asked for.
pub struct Project {
    /// The store.
    pub store: Store,
    state: String,
    corpus_key: String,
    corpus: Option<Corpus>,
    thesaurus: Option<GivenThesaurus>,
    /// What the thesaurus changed in the corpus, once applied.
    pub thesaurus_report: Option<analyse::ThesaurusReport>,
    /// Where the corpus came from, once it was asked for.
    pub corpus_origin: Option<Origin>,
    /// Where the last analysis came from.
    pub analysis_origin: Option<Origin>,
    /// The key of the last analysis asked for (positions are kept under it).
    analysis_key: Option<String>,
}

/// This build of citemap, as a fingerprint part.
fn build_tag() -> String {
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    let stamp = exe.map(|m| {
        let t = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        format!("{} {}", m.len(), t.map_or(0, |d| d.as_nanos()))
    });
    format!("{} {}", env!("CARGO_PKG_VERSION"), stamp.unwrap_or_default())
}

/// Opens the store (it must exist) and works out the keys; reads nothing yet.
pub fn open(ctx: &Ctx) -> Result<Project> {
    let path = &ctx.config.store.path;
    if !path.exists() {
        bail!("no store at {} (run `citemap ingest PATH...` first)", path.display());
    }
    let store = super::commands::open_store(ctx)?;
    let state = store.state()?;
    let corpus_key = Fingerprint::new("corpus")
        .part(FORMAT)
        .part(&build_tag())
        .part(&state)
        .part(&format!("{:?}", ctx.config.resolve))
        .key();
    Ok(Project {
        store,
        state,
        corpus_key,
        corpus: None,
        thesaurus: None,
        thesaurus_report: None,
        corpus_origin: None,
        analysis_origin: None,
        analysis_key: None,
    })
}

impl Project {
    /// Applies the VOSviewer thesaurus `path` (when given) to the corpus
    /// before any analysis: read and checked now (bad lines are warned
    /// about), applied when the corpus is first needed.
    pub fn set_thesaurus(&mut self, path: Option<&Path>) -> Result<()> {
        let Some(path) = path else { return Ok(()) };
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("reading the thesaurus {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes.clone())
            .map_err(|e| anyhow::anyhow!("reading the thesaurus {}: {e}", path.display()))?;
        let file = path.to_string_lossy().replace('\\', "/");
        let (thesaurus, diagnostics) = Thesaurus::parse(&file, &text);
        super::pipeline::print_diagnostics(&diagnostics);
        let sha256 = citemap::store::sha256_hex(&bytes);
        if let Some(corpus) = self.corpus.as_mut() {
            let applied = thesaurus.apply(corpus);
            self.thesaurus_report = Some(analyse::ThesaurusReport { file: file.clone(), applied });
        }
        self.thesaurus = Some(GivenThesaurus { thesaurus, sha256, file });
        Ok(())
    }

    /// The resolved corpus (thesaurus applied), read from the store when it
    /// kept it for these inputs and settings, else resolved and kept.
    pub fn corpus(&mut self, ctx: &Ctx) -> Result<&Corpus> {
        self.corpus_of(ctx, None)
    }

    /// [`Project::corpus`], resolving `records` when nothing is kept: they
    /// must be the store's records (`map` has them in memory already). They
    /// are let go of either way (while resolving, when resolved).
    pub fn corpus_of(&mut self, ctx: &Ctx, records: Option<Vec<Record>>) -> Result<&Corpus> {
        if self.corpus.is_none() {
            let (mut corpus, origin) = self.stored_corpus(ctx, records)?;
            if let Some(t) = &self.thesaurus {
                let applied = t.thesaurus.apply(&mut corpus);
                self.thesaurus_report = Some(analyse::ThesaurusReport { file: t.file.clone(), applied });
            }
            self.corpus_origin = Some(origin);
            self.corpus = Some(corpus);
        }
        self.corpus.as_ref().context("the corpus is read above")
    }

    /// Leaves the corpus unfreed, for a command about to end (freeing a big
    /// corpus allocation by allocation only costs time).
    pub fn leak_corpus(&mut self) {
        if let Some(c) = self.corpus.take() {
            std::mem::forget(c);
        }
    }

    /// The corpus, when it was read or resolved already.
    pub fn corpus_ref(&self) -> Option<&Corpus> {
        self.corpus.as_ref()
    }

    /// Takes the corpus out (reading or resolving it first).
    pub fn into_corpus(mut self, ctx: &Ctx) -> Result<(Store, Corpus)> {
        self.corpus(ctx)?;
        let corpus = self.corpus.take().context("the corpus is read above")?;
        Ok((self.store, corpus))
    }

    fn stored_corpus(&mut self, ctx: &Ctx, given: Option<Vec<Record>>) -> Result<(Corpus, Origin)> {
        if let Some(c) = self.store.load_result::<CorpusIn>("corpus", &self.corpus_key)? {
            if let Some(records) = given {
                citemap::resolve::let_go(records);
            }
            progress::step(format_args!("corpus: {}", Origin::Loaded.as_str()));
            let mut corpus = c.corpus;
            corpus.dedup.pairs = c.pairs;
            if self.store.lookup(&self.corpus_key)?.is_none() {
                self.keep_lookup(&corpus)?;
            }
            return Ok((corpus, Origin::Loaded));
        }
        let corpus = match given {
            Some(records) => {
                progress::step(format_args!("resolving {} records", records.len()));
                citemap::resolve::resolve_owned(records, &ctx.config.resolve)
            }
            None => {
                let records = self.store.records()?;
                progress::step(format_args!("resolving {} records", records.len()));
                citemap::resolve::resolve_owned(records, &ctx.config.resolve)
            }
        };
        let out = CorpusOut { corpus: &corpus, pairs: &corpus.dedup.pairs };
        progress::step("keeping the corpus");
        self.keep_as("corpus", &self.corpus_key.clone(), &out, Packing::Plain)?;
        self.keep_lookup(&corpus)?;
        progress::step(format_args!("corpus: {}", Origin::Computed.as_str()));
        Ok((corpus, Origin::Computed))
    }

    /// Keeps the indexed look-up of the corpus (`citemap::store::lookup`),
    /// which `show` and `query coauthors` read instead of the whole corpus.
    fn keep_lookup(&mut self, corpus: &Corpus) -> Result<()> {
        progress::step("keeping the look-up for show and query");
        match self.store.save_lookup(&self.corpus_key, &self.state, corpus)? {
            Saved::Written(n) => progress::step(format_args!("look-up: kept ({:.0} MB)", n as f64 / 1e6)),
            Saved::Busy => progress::step(format_args!("look-up: not kept (the store is busy)")),
            Saved::Stale => progress::step(format_args!("look-up: not kept (the store changed meanwhile)")),
        }
        Ok(())
    }

    /// The kept look-up of this store's corpus, when there is one for these
    /// inputs and resolution settings and no thesaurus is given (a thesaurus
    /// changes the corpus the look-up was made from).
    pub fn indexed(&self) -> Result<Option<Lookup<'_>>> {
        if self.thesaurus.is_some() {
            return Ok(None);
        }
        Ok(self.store.lookup(&self.corpus_key)?)
    }

    /// Keeps a computed result; a busy or changed store only means it is not kept.
    fn keep<T: Serialize>(&mut self, kind: &str, key: &str, value: &T) -> Result<()> {
        self.keep_as(kind, key, value, Packing::Zlib)
    }

    /// [`Project::keep`], kept as `packing` says.
    fn keep_as<T: Serialize>(&mut self, kind: &str, key: &str, value: &T, packing: Packing) -> Result<()> {
        match self.store.save_result_as(kind, key, &self.state, value, packing)? {
            Saved::Written(_) => {}
            Saved::Busy => progress::step(format_args!("{kind}: not kept (the store is busy)")),
            Saved::Stale => progress::step(format_args!("{kind}: not kept (the store changed meanwhile)")),
        }
        Ok(())
    }

    /// The analysis for these flags: read from the store when it kept one
    /// for this corpus and these settings, else computed and kept.
    pub fn analysis(&mut self, ctx: &Ctx, net: &NetworkArgs, cl: &ClustersArgs) -> Result<Analysed> {
        Ok(self.analysis_of(ctx, net, cl, Want::Both, None)?.analysis)
    }

    /// [`Project::analysis`] with only the graphs `want` names read from
    /// the store (the others are left empty when it kept them; a computed
    /// analysis has both); `records` as in [`Project::corpus_of`].
    pub fn analysis_of(
        &mut self,
        ctx: &Ctx,
        net: &NetworkArgs,
        cl: &ClustersArgs,
        want: Want,
        records: Option<Vec<Record>>,
    ) -> Result<Partial> {
        let opts = analyse::options(&ctx.config, net, cl)?;
        let key = Fingerprint::new("analysis")
            .part(&self.corpus_key)
            .part(self.thesaurus.as_ref().map_or("", |t| t.sha256.as_str()))
            .part(&format!("{opts:?}"))
            .key();
        self.analysis_key = Some(key.clone());
        if let Some(p) = self.load_analysis(&key, want)? {
            progress::step(format_args!("analysis: {}", Origin::Loaded.as_str()));
            self.analysis_origin = Some(Origin::Loaded);
            return Ok(p);
        }
        let corpus = self.corpus_of(ctx, records)?;
        let an = pipeline::analyse_with(corpus, &opts, &mut |step| progress::step(step));
        let head = HeadOut {
            clusters: &an.clusters,
            network_kind: an.network_kind,
            network_reason: &an.network_reason,
            graph_betweenness: &an.graph_betweenness,
            network_betweenness: &an.network_betweenness,
            works: works_of(&an.graph),
        };
        // The head last: a head kept means both graphs are.
        progress::step("keeping the analysis");
        self.keep_as("network", &key, &PackedGraph(&an.network), Packing::Plain)?;
        self.keep_as("graph", &key, &PackedGraph(&an.graph), Packing::Plain)?;
        self.keep("analysis", &key, &head)?;
        progress::step(format_args!("analysis: {}", Origin::Computed.as_str()));
        self.analysis_origin = Some(Origin::Computed);
        let works = head.works;
        Ok(Partial { analysis: an, works })
    }

    /// The layout of `graph` (`which` names it: `network`, `graph`) of the
    /// last analysis asked for, with `options`: read from the store when
    /// kept, else computed by `lay_out` and kept. Without an analysis asked
    /// for first, computed and not kept.
    pub fn positions(
        &mut self,
        which: &str,
        graph: &CitationGraph,
        options: &citemap::layout::LayoutOptions,
        lay_out: impl FnOnce() -> pipeline::Positions,
    ) -> Result<pipeline::Positions> {
        let Some(analysis) = self.analysis_key.clone() else { return Ok(lay_out()) };
        let key =
            Fingerprint::new("positions").part(&analysis).part(which).part(&format!("{options:?}")).key();
        if let Some(p) = self.store.load_result::<pipeline::Positions>("positions", &key)? {
            if p.len() == graph.node_count() {
                progress::step(format_args!("positions: {}", Origin::Loaded.as_str()));
                return Ok(p);
            }
        }
        let p = lay_out();
        self.keep("positions", &key, &p)?;
        progress::step(format_args!("positions: {}", Origin::Computed.as_str()));
        Ok(p)
    }

    /// The kept analysis under `key`, with the graphs `want` names; `None`
    /// when any part is missing.
    fn load_analysis(&self, key: &str, want: Want) -> Result<Option<Partial>> {
        let Some(head) = self.store.load_result::<HeadIn>("analysis", key)? else { return Ok(None) };
        let graph = |kind: &str, wanted: bool| -> Result<Option<CitationGraph>> {
            if !wanted {
                return Ok(Some(CitationGraph::default()));
            }
            Ok(self.store.load_result::<GraphIn>(kind, key)?.map(|g| g.0))
        };
        let Some(network) = graph("network", want != Want::Graph)? else { return Ok(None) };
        let Some(full) = graph("graph", want != Want::Network)? else { return Ok(None) };
        Ok(Some(Partial {
            analysis: Analysed {
                graph: full,
                network,
                clusters: head.clusters,
                network_kind: head.network_kind,
                network_reason: head.network_reason,
                graph_betweenness: head.graph_betweenness,
                network_betweenness: head.network_betweenness,
            },
            works: head.works,
        }))
    }
}

/// The graphs of an analysis a command needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// The network only (the full graph is left empty when read from the store).
    Network,
    /// The full graph only (the network is left empty when read from the store).
    Graph,
    /// Both.
    Both,
}

/// An analysis, with the graphs a command asked for.
pub struct Partial {
    /// The analysis (a graph not asked for may be empty).
    pub analysis: Analysed,
    /// Works in the full graph (papers and cited works), asked for or not.
    pub works: usize,
}

/// Works (papers and cited works) in `g`.
fn works_of(g: &CitationGraph) -> usize {
    g.graph.node_weights().filter(|n| n.kind.is_work()).count()
}

/// The head of a kept analysis: everything but the two graphs.
#[derive(Serialize)]
struct HeadOut<'a> {
    clusters: &'a Clusters,
    network_kind: NetworkKind,
    network_reason: &'a Option<String>,
    graph_betweenness: &'a BetweennessInfo,
    network_betweenness: &'a BetweennessInfo,
    works: usize,
}

/// [`HeadOut`], read back.
#[derive(Deserialize)]
struct HeadIn {
    clusters: Clusters,
    network_kind: NetworkKind,
    network_reason: Option<String>,
    graph_betweenness: BetweennessInfo,
    network_betweenness: BetweennessInfo,
    works: usize,
}

/// A graph as kept: `(names, nodes, edges, index)`. `names` lists every
/// attribute name once (sorted); `nodes` and `edges` are arrays of parts,
/// each part the MessagePack bytes of up to [`PART_ITEMS`] nodes or edges
/// (so parts are encoded and decoded in parallel, [`write_parts`] and
/// [`read_parts`]); a node is `(id, kind, label, attrs, sources)`, an edge
/// `(source, target, kind, weight, attrs, sources)` with node positions,
/// attrs as [`AttrsOut`] writes them; `index` is `None` when the
/// graph's id index is exactly its nodes' ids (it is then rebuilt), else its
/// entries.
struct PackedGraph<'a>(&'a CitationGraph);

/// Items (nodes, edges, works ...) in one part of a kept graph or corpus list.
const PART_ITEMS: usize = 8192;

/// Parts encoded or decoded at once, per thread: enough to keep every thread
/// busy, few enough that only a few megabytes of parts are held at a time.
const PARTS_PER_THREAD: usize = 2;

/// Parts in one window (see [`PARTS_PER_THREAD`]).
fn parts_window() -> usize {
    (rayon::current_num_threads() * PARTS_PER_THREAD).max(1)
}

/// One part's bytes, written as a MessagePack byte string.
struct PartOut(Result<Vec<u8>, String>);

impl Serialize for PartOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(bytes) => s.serialize_bytes(bytes),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

/// The parts of `n` items, each encoded by `encode` (given the item range)
/// in parallel a window at a time, handed out in order: while one window is
/// handed out (and written by the caller), the next is encoded on a thread
/// of `scope`, so no more than two windows of encoded bytes are held at
/// once. The exact count is known up front, so the MessagePack array is
/// written as it comes (an array of unknown length would be buffered whole
/// first).
struct Parts<'s, 'e, F> {
    scope: &'s std::thread::Scope<'s, 'e>,
    n: usize,
    encode: &'e F,
    next: usize,
    parts: usize,
    ready: std::vec::IntoIter<PartOut>,
    /// The window being encoded, and how many parts it has.
    ahead: Option<(std::thread::ScopedJoinHandle<'s, Vec<PartOut>>, usize)>,
}

fn write_parts<'s, 'e, F>(scope: &'s std::thread::Scope<'s, 'e>, n: usize, encode: &'e F) -> Parts<'s, 'e, F>
where
    F: Fn(std::ops::Range<usize>) -> Result<Vec<u8>, String> + Sync,
{
    Parts {
        scope,
        n,
        encode,
        next: 0,
        parts: n.div_ceil(PART_ITEMS),
        ready: Vec::new().into_iter(),
        ahead: None,
    }
}

/// Parts `window` of `n` items, encoded in parallel.
fn encode_window<F>(n: usize, encode: &F, window: std::ops::Range<usize>) -> Vec<PartOut>
where
    F: Fn(std::ops::Range<usize>) -> Result<Vec<u8>, String> + Sync,
{
    use rayon::prelude::*;
    window.into_par_iter().map(|p| PartOut(encode(p * PART_ITEMS..n.min((p + 1) * PART_ITEMS)))).collect()
}

impl<F> Parts<'_, '_, F>
where
    F: Fn(std::ops::Range<usize>) -> Result<Vec<u8>, String> + Sync,
{
    /// The next window's parts (`next..`), to encode.
    fn take_window(&mut self) -> std::ops::Range<usize> {
        let last = self.parts.min(self.next + parts_window());
        let window = self.next..last;
        self.next = last;
        window
    }
}

impl<F> Iterator for Parts<'_, '_, F>
where
    F: Fn(std::ops::Range<usize>) -> Result<Vec<u8>, String> + Sync,
{
    type Item = PartOut;
    fn next(&mut self) -> Option<PartOut> {
        if let Some(p) = self.ready.next() {
            return Some(p);
        }
        let encoded = match self.ahead.take() {
            Some((helper, _)) => helper
                .join()
                .unwrap_or_else(|_| vec![PartOut(Err("encoding a kept part failed".to_string()))]),
            None if self.next == self.parts => return None,
            None => {
                let window = self.take_window();
                encode_window(self.n, self.encode, window)
            }
        };
        if self.next < self.parts {
            let window = self.take_window();
            let len = window.len();
            let (n, encode) = (self.n, self.encode);
            let mine = window.clone();
            match std::thread::Builder::new()
                .spawn_scoped(self.scope, move || encode_window(n, encode, window))
            {
                Ok(helper) => self.ahead = Some((helper, len)),
                // No thread to be had: this window and the next are handed
                // out together.
                Err(_) => {
                    let mut both = encoded;
                    both.extend(encode_window(n, encode, mine));
                    self.ready = both.into_iter();
                    return self.ready.next();
                }
            }
        }
        self.ready = encoded.into_iter();
        self.ready.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let ahead = self.ahead.as_ref().map_or(0, |(_, len)| *len);
        let left = self.ready.len() + ahead + (self.parts - self.next);
        (left, Some(left))
    }
}

/// One part's bytes, read back.
struct PartIn(Vec<u8>);

impl<'de> Deserialize<'de> for PartIn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PartIn;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the bytes of a kept part")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<PartIn, E> {
                Ok(PartIn(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<PartIn, E> {
                Ok(PartIn(v))
            }
        }
        d.deserialize_byte_buf(V)
    }
}

/// Reads the parts of `seq` a window at a time: each window is decoded in
/// parallel (`decode`, a part's bytes to its items) while this thread adds
/// the window before it (`add`, in order) and reads the window after it.
fn read_parts<'de, A, T, D, F>(mut seq: A, decode: D, mut add: F) -> Result<(), A::Error>
where
    A: SeqAccess<'de>,
    T: Send,
    D: Fn(&[u8]) -> Result<Vec<T>, String> + Sync,
    F: FnMut(Vec<T>) -> Result<(), String>,
{
    use rayon::prelude::*;
    let window = parts_window();
    let read_window = |seq: &mut A| -> Result<Vec<PartIn>, A::Error> {
        let mut parts = Vec::with_capacity(window);
        while parts.len() < window {
            match seq.next_element::<PartIn>()? {
                Some(p) => parts.push(p),
                None => break,
            }
        }
        Ok(parts)
    };
    let mut bytes = read_window(&mut seq)?;
    let mut decoded: Vec<Vec<T>> = Vec::new();
    while !bytes.is_empty() || !decoded.is_empty() {
        let mut next_decoded: Result<Vec<Vec<T>>, String> = Ok(Vec::new());
        let (added, next_bytes) = rayon::in_place_scope(|s| {
            let (b, out, decode) = (&bytes, &mut next_decoded, &decode);
            s.spawn(move |_| *out = b.par_iter().map(|p| decode(&p.0)).collect());
            // This thread: the window decoded before, then the next window's bytes.
            let added = decoded.drain(..).try_for_each(&mut add);
            (added, read_window(&mut seq))
        });
        added.map_err(de::Error::custom)?;
        decoded = next_decoded.map_err(de::Error::custom)?;
        bytes = next_bytes?;
    }
    Ok(())
}

/// The type of a kept attribute value, in the low two bits of its code
/// (see [`AttrsOut`]).
const TAG_STR: u32 = 0;
const TAG_INT: u32 = 1;
const TAG_FLOAT: u32 = 2;
const TAG_BOOL: u32 = 3;

/// The attributes of one node or edge: a flat array `[code, value, code,
/// value ...]` in name order, `code` being the name number times four plus
/// the value's type ([`TAG_STR`] ...), so a value is read with no variant
/// name and no guessing.
struct AttrsOut<'a> {
    attrs: &'a Attrs,
    names: &'a BTreeMap<&'a str, u32>,
}

impl Serialize for AttrsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut seq = s.serialize_seq(Some(2 * self.attrs.len()))?;
        for (k, v) in self.attrs {
            let n = self
                .names
                .get(k)
                .copied()
                .ok_or_else(|| S::Error::custom("attribute name not in the table"))?;
            let code = |tag: u32| {
                n.checked_mul(4).map(|c| c | tag).ok_or_else(|| S::Error::custom("too many attribute names"))
            };
            match v {
                Attr::Str(t) => {
                    seq.serialize_element(&code(TAG_STR)?)?;
                    seq.serialize_element::<str>(t)?;
                }
                Attr::Int(i) => {
                    seq.serialize_element(&code(TAG_INT)?)?;
                    seq.serialize_element(i)?;
                }
                Attr::Float(f) => {
                    seq.serialize_element(&code(TAG_FLOAT)?)?;
                    seq.serialize_element(f)?;
                }
                Attr::Bool(b) => {
                    seq.serialize_element(&code(TAG_BOOL)?)?;
                    seq.serialize_element(b)?;
                }
            }
        }
        seq.end()
    }
}

/// A kept text value, shared ([`Attr::shared`]) straight from the bytes
/// read, without a `String` of its own first.
struct SharedStr;

impl<'de> DeserializeSeed<'de> for SharedStr {
    type Value = Attr;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Attr, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for SharedStr {
    type Value = Attr;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Attr, E> {
        Ok(Attr::shared(v))
    }
}

/// A sequence written from an iterator (each item once).
struct SeqOut<I>(std::cell::Cell<Option<I>>);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for SeqOut<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let items = self.0.take().ok_or_else(|| serde::ser::Error::custom("sequence written twice"))?;
        s.collect_seq(items)
    }
}

impl Serialize for PackedGraph<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let g = &self.0.graph;
        let mut names: BTreeMap<&str, u32> = BTreeMap::new();
        for a in g.node_weights().map(|n| &n.attrs).chain(g.edge_weights().map(|e| &e.attrs)) {
            for k in a.keys() {
                names.entry(k).or_insert(0);
            }
        }
        for (i, n) in names.values_mut().enumerate() {
            *n = i as u32;
        }
        let own_index = self.0.index.len() == g.node_count()
            && self.0.index.iter().all(|(k, &ix)| g.node_weight(ix).is_some_and(|n| &n.id == k));
        let names_ref = &names;
        let encode_nodes = move |range: std::ops::Range<usize>| {
            let items = g.raw_nodes()[range].iter().map(|n| {
                let n = &n.weight;
                (&n.id, n.kind.number(), &n.label, AttrsOut { attrs: &n.attrs, names: names_ref }, &n.sources)
            });
            pack_part(&SeqOut(std::cell::Cell::new(Some(items))))
        };
        let encode_edges = move |range: std::ops::Range<usize>| {
            let items = g.raw_edges()[range].iter().map(|e| {
                let w = &e.weight;
                (
                    e.source().index() as u32,
                    e.target().index() as u32,
                    w.kind.number(),
                    w.weight,
                    AttrsOut { attrs: &w.attrs, names: names_ref },
                    &w.sources,
                )
            });
            pack_part(&SeqOut(std::cell::Cell::new(Some(items))))
        };
        let index: Option<Vec<(&str, u32)>> = (!own_index)
            .then(|| self.0.index.iter().map(|(k, ix)| (k.as_str(), ix.index() as u32)).collect());
        std::thread::scope(|scope| {
            let nodes = write_parts(scope, g.node_count(), &encode_nodes);
            let edges = write_parts(scope, g.edge_count(), &encode_edges);
            let mut t = s.serialize_tuple(4)?;
            t.serialize_element(&names.keys().collect::<Vec<_>>())?;
            t.serialize_element(&SeqOut(std::cell::Cell::new(Some(nodes))))?;
            t.serialize_element(&SeqOut(std::cell::Cell::new(Some(edges))))?;
            t.serialize_element(&index)?;
            t.end()
        })
    }
}

/// [`PackedGraph`], read back straight into a graph: each node and edge is
/// added as it is decoded, with no array of decoded nodes or edges held
/// beside the graph. A kept graph that does not hold together (a name or
/// node number out of range, ids that are not unique) is a decoding error,
/// so it is recomputed.
struct GraphIn(CitationGraph);

impl<'de> Deserialize<'de> for GraphIn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GraphIn;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a kept graph (names, nodes, edges, index)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<GraphIn, A::Error> {
                let missing = || de::Error::custom("kept graph ends early");
                let names: Vec<String> = seq.next_element()?.ok_or_else(missing)?;
                // Known names become static texts: no allocation per node or edge.
                let names: Vec<AttrKey> = names.iter().map(|n| attr_key(n)).collect();
                let mut g = CitationGraph::new();
                seq.next_element_seed(Nodes { names: &names, g: &mut g })?.ok_or_else(missing)?;
                seq.next_element_seed(Edges { names: &names, g: &mut g })?.ok_or_else(missing)?;
                let index: Option<Vec<(String, u32)>> = seq.next_element()?.ok_or_else(missing)?;
                match index {
                    Some(index) => {
                        g.index = index.into_iter().map(|(k, ix)| (k, NodeIndex::new(ix as usize))).collect();
                    }
                    None if g.index.len() != g.graph.node_count() => {
                        return Err(de::Error::custom("kept graph has nodes with one id"));
                    }
                    None => {}
                }
                Ok(GraphIn(g))
            }
        }
        d.deserialize_tuple(4, V)
    }
}

/// The node array of a kept graph, added to `g` (its id index built as it
/// goes; replaced by the kept index when there is one).
struct Nodes<'a> {
    names: &'a [AttrKey],
    g: &'a mut CitationGraph,
}

impl<'de> DeserializeSeed<'de> for Nodes<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Nodes<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("kept nodes")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let (names, g) = (self.names, self.g);
        g.graph.reserve_exact_nodes(seq.size_hint().unwrap_or(0).saturating_mul(PART_ITEMS));
        read_parts(
            seq,
            |bytes| decode_part(bytes, NodeIn(names)),
            |nodes| {
                for node in nodes {
                    let id = node.id.clone();
                    let ix = g.graph.add_node(node);
                    g.index.entry(id).or_insert(ix);
                }
                Ok(())
            },
        )
    }
}

/// The items of one kept part, each decoded with `seed`.
fn decode_part<T, S>(bytes: &[u8], seed: S) -> Result<Vec<T>, String>
where
    S: for<'de> DeserializeSeed<'de, Value = T> + Copy,
{
    struct Items<S>(S);
    impl<'de, T, S: DeserializeSeed<'de, Value = T> + Copy> Visitor<'de> for Items<S> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a kept part")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(PART_ITEMS));
            while let Some(item) = seq.next_element_seed(self.0)? {
                out.push(item);
            }
            Ok(out)
        }
    }
    let plain = inflate_part(bytes)?;
    let mut de = rmp_serde::Deserializer::from_read_ref(&plain);
    serde::Deserializer::deserialize_seq(&mut de, Items(seed)).map_err(|e| e.to_string())
}

/// The items of one part a [`PartedOut`] wrote.
fn unpack_part<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, String> {
    rmp_serde::from_slice(&inflate_part(bytes)?).map_err(|e| e.to_string())
}

/// The MessagePack of one part, uncompressed ([`pack_part`] wrote it).
fn inflate_part(bytes: &[u8]) -> Result<Vec<u8>, String> {
    // The length a part claims is allocated before its data is checked: a
    // damaged part must not ask for more than Snappy can expand to (a copy
    // of at most 64 bytes per 2 bytes of input).
    let claimed = snap::raw::decompress_len(bytes).map_err(|e| e.to_string())?;
    if claimed > bytes.len().saturating_mul(32) {
        return Err(format!("a kept part of {} bytes claims {claimed} bytes uncompressed", bytes.len()));
    }
    snap::raw::Decoder::new().decompress_vec(bytes).map_err(|e| e.to_string())
}

/// One part of a kept graph or corpus list: its items' MessagePack,
/// compressed on its own with Snappy (both are kept as [`Packing::Plain`],
/// so parts are compressed and uncompressed in parallel rather than as one
/// stream). Snappy rather than zlib: at 100k works the kept network is 103
/// MB instead of 94 MB, and reading it back for an export takes 0.15 s
/// less of 1 s (zlib's inflate was a quarter of the decoding).
fn pack_part<T: Serialize + ?Sized>(items: &T) -> Result<Vec<u8>, String> {
    let plain = rmp_serde::to_vec_named(items).map_err(|e| e.to_string())?;
    snap::raw::Encoder::new().compress_vec(&plain).map_err(|e| e.to_string())
}

/// One kept node: `(id, kind number, label, attrs, sources)`.
#[derive(Clone, Copy)]
struct NodeIn<'a>(&'a [AttrKey]);

impl<'de> DeserializeSeed<'de> for NodeIn<'_> {
    type Value = Node;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_tuple(5, self)
    }
}

impl<'de> Visitor<'de> for NodeIn<'_> {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a kept node")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let missing = || de::Error::custom("kept node ends early");
        let id: String = seq.next_element()?.ok_or_else(missing)?;
        let kind: u8 = seq.next_element()?.ok_or_else(missing)?;
        let kind =
            NodeKind::from_number(kind).ok_or_else(|| de::Error::custom("kept node kind out of range"))?;
        let label: String = seq.next_element()?.ok_or_else(missing)?;
        let attrs = seq.next_element_seed(AttrsIn(self.0))?.ok_or_else(missing)?;
        let sources: Vec<Provenance> = seq.next_element()?.ok_or_else(missing)?;
        Ok(Node { id, kind, label, attrs, sources })
    }
}

/// The edge array of a kept graph, added to `g`.
struct Edges<'a> {
    names: &'a [AttrKey],
    g: &'a mut CitationGraph,
}

impl<'de> DeserializeSeed<'de> for Edges<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Edges<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("kept edges")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let (names, g) = (self.names, self.g);
        g.graph.reserve_exact_edges(seq.size_hint().unwrap_or(0).saturating_mul(PART_ITEMS));
        let n = g.graph.node_count();
        read_parts(
            seq,
            |bytes| decode_part(bytes, EdgeIn(names)),
            |edges| {
                for (from, to, edge) in edges {
                    if from as usize >= n || to as usize >= n {
                        return Err("kept edge names a node out of range".into());
                    }
                    g.graph.add_edge(NodeIndex::new(from as usize), NodeIndex::new(to as usize), edge);
                }
                Ok(())
            },
        )
    }
}

/// One kept edge: `(source, target, kind number, weight, attrs, sources)`.
#[derive(Clone, Copy)]
struct EdgeIn<'a>(&'a [AttrKey]);

impl<'de> DeserializeSeed<'de> for EdgeIn<'_> {
    type Value = (u32, u32, Edge);
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_tuple(6, self)
    }
}

impl<'de> Visitor<'de> for EdgeIn<'_> {
    type Value = (u32, u32, Edge);
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a kept edge")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let missing = || de::Error::custom("kept edge ends early");
        let from: u32 = seq.next_element()?.ok_or_else(missing)?;
        let to: u32 = seq.next_element()?.ok_or_else(missing)?;
        let kind: u8 = seq.next_element()?.ok_or_else(missing)?;
        let kind =
            EdgeKind::from_number(kind).ok_or_else(|| de::Error::custom("kept edge kind out of range"))?;
        let weight: f64 = seq.next_element()?.ok_or_else(missing)?;
        let attrs = seq.next_element_seed(AttrsIn(self.0))?.ok_or_else(missing)?;
        let sources: Vec<Provenance> = seq.next_element()?.ok_or_else(missing)?;
        Ok((from, to, Edge { kind, weight, attrs, sources }))
    }
}

/// Kept attributes `[(name number, value)]`, read into [`Attrs`].
struct AttrsIn<'a>(&'a [AttrKey]);

impl<'de> DeserializeSeed<'de> for AttrsIn<'_> {
    type Value = Attrs;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Attrs, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AttrsIn<'_> {
    type Value = Attrs;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("kept attributes")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attrs, A::Error> {
        let mut a = Attrs::with_capacity((seq.size_hint().unwrap_or(0) / 2).min(64));
        while let Some(code) = seq.next_element::<u32>()? {
            let name = self
                .0
                .get((code / 4) as usize)
                .ok_or_else(|| de::Error::custom("kept attribute name out of range"))?;
            let missing = || de::Error::custom("kept attribute without its value");
            let value = match code % 4 {
                TAG_STR => seq.next_element_seed(SharedStr)?,
                TAG_INT => seq.next_element::<i64>()?.map(Attr::Int),
                TAG_FLOAT => seq.next_element::<f64>()?.map(Attr::Float),
                _ => seq.next_element::<bool>()?.map(Attr::Bool),
            }
            .ok_or_else(missing)?;
            a.insert_ordered(*name, value);
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, kind: NodeKind) -> Node {
        let mut attrs = Attrs::new();
        attrs.insert("year", Attr::Int(2020));
        attrs.insert("custom name", Attr::text(format!("about {id}")));
        Node {
            id: id.into(),
            kind,
            label: format!("label of {id}"),
            attrs,
            sources: vec![Provenance::new("in.ris", 3, Some(id.into()))],
        }
    }

    fn graph() -> CitationGraph {
        let mut g = CitationGraph::new();
        let a = g.add_node(node("W1", NodeKind::Paper));
        let b = g.add_node(node("W2", NodeKind::CitedWork));
        let c = g.add_node(node("A1", NodeKind::Person));
        let mut attrs = Attrs::new();
        attrs.insert("count", Attr::Int(2));
        attrs.insert("weight", Attr::Float(0.5));
        g.add_edge(a, b, Edge { kind: EdgeKind::Cites, weight: 2.0, attrs, sources: vec![] });
        g.add_edge(
            c,
            a,
            Edge { kind: EdgeKind::Authored, weight: 1.0, attrs: Attrs::new(), sources: vec![] },
        );
        g
    }

    fn read(bytes: &[u8]) -> Option<CitationGraph> {
        rmp_serde::from_slice::<GraphIn>(bytes).ok().map(|g| g.0)
    }

    /// Packed and read back, a graph is the same node for node and edge for
    /// edge, with the same id index; known attribute names are static texts.
    #[test]
    fn kept_graph_reads_back_the_same() {
        let g = graph();
        let bytes = rmp_serde::to_vec(&PackedGraph(&g)).unwrap();
        let back = read(&bytes).expect("reads back");
        assert_eq!(back.index, g.index);
        assert_eq!(back.graph.node_weights().collect::<Vec<_>>(), g.graph.node_weights().collect::<Vec<_>>());
        let edges = |g: &CitationGraph| {
            use petgraph::visit::EdgeRef;
            g.graph
                .edge_references()
                .map(|e| (e.source(), e.target(), e.weight().clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(edges(&back), edges(&g));
        // An index that is not the nodes' own (an extra alias) is kept as is.
        let mut aliased = graph();
        aliased.index.insert("W1-alias".into(), NodeIndex::new(0));
        let bytes = rmp_serde::to_vec(&PackedGraph(&aliased)).unwrap();
        assert_eq!(read(&bytes).unwrap().index, aliased.index);
    }

    /// A kept graph that does not hold together is not read (it is then
    /// recomputed): an edge to a node that is not there, ids that repeat.
    #[test]
    fn broken_kept_graph_is_not_read() {
        let g = graph();
        let bytes = rmp_serde::to_vec(&PackedGraph(&g)).unwrap();
        assert!(read(&bytes[..bytes.len() - 3]).is_none(), "cut short");
        // The four fields, with the parts as bytes, to take apart and put together.
        #[derive(Deserialize)]
        struct Unpacked(Vec<String>, Vec<PartIn>, Vec<PartIn>, Option<Vec<(String, u32)>>);
        let unpack = |g: &CitationGraph| -> Unpacked {
            rmp_serde::from_slice(&rmp_serde::to_vec(&PackedGraph(g)).unwrap()).unwrap()
        };
        let pack = |u: Unpacked| -> Vec<u8> {
            let out = |ps: Vec<PartIn>| ps.into_iter().map(|p| PartOut(Ok(p.0))).collect::<Vec<_>>();
            rmp_serde::to_vec(&(u.0, out(u.1), out(u.2), u.3)).unwrap()
        };
        let mut twice = graph();
        twice.graph.add_node(node("W1", NodeKind::Paper));
        let mut u = unpack(&twice);
        assert!(u.3.is_some(), "an index that is not the nodes' own is kept");
        u = unpack(&twice);
        assert!(read(&pack(u)).is_some());
        u = unpack(&twice);
        u.3 = None;
        assert!(read(&pack(u)).is_none(), "two nodes with one id and no index kept");
        assert!(read(&pack(unpack(&graph()))).is_some(), "the same, taken apart and put together");
        let edge_of = |to: u32, kind: u8| {
            let attrs: [u32; 0] = [];
            PartIn(pack_part(&[(0u32, to, kind, 1.0f64, attrs, Vec::<Provenance>::new())]).unwrap())
        };
        let edge = |to: u32| edge_of(to, EdgeKind::Cites.number());
        let with_edges = |part: PartIn| {
            let mut u = unpack(&graph());
            u.2 = vec![part];
            read(&pack(u))
        };
        assert!(with_edges(edge(1)).is_some(), "a part made here");
        assert!(with_edges(edge(99)).is_none(), "edge to node 99");
        assert!(with_edges(edge_of(1, EdgeKind::ALL.len() as u8)).is_none(), "an edge kind out of range");
        assert!(with_edges(PartIn(vec![1, 2, 3])).is_none(), "a part that is not Snappy");
        // A part claiming 4 GB (the varint length 0xFFFFFFFF) is refused before
        // anything is allocated.
        assert!(
            with_edges(PartIn(vec![0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0])).is_none(),
            "a part claiming 4 GB"
        );
        assert!(inflate_part(&[0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0]).unwrap_err().contains("claims"));
    }

    /// A corpus whose lists take many parts reads back the same, and its
    /// kept bytes do not depend on the number of threads.
    #[test]
    fn corpus_of_many_parts_reads_back_and_packs_alike_on_any_thread_count() {
        use citemap::model::{Cites, Identifier};
        let mut r = Record::new(Provenance::new("a.ris", 1, None), "ris");
        r.title = Some("Peer support for mental health".into());
        r.add_id(Identifier::doi("10.1186/S12916-024-03260-Y").unwrap());
        let mut corpus = citemap::resolve::resolve(&[r], &Default::default());
        let n = 3 * PART_ITEMS * 4 + 11;
        let first = corpus.works[0].clone();
        corpus.works = (0..n)
            .map(|i| {
                let mut w = first.clone();
                w.id = format!("W{i:06}");
                w
            })
            .collect();
        corpus.cites = (0..2 * n as u32)
            .map(|i| Cites {
                from: i % n as u32,
                to: (i * 7) % n as u32,
                count: 1 + i % 3,
                sources: vec![Provenance::new("a.ris", i, None)].into(),
            })
            .collect();
        let pack = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                rmp_serde::to_vec(&CorpusOut { corpus: &corpus, pairs: &corpus.dedup.pairs }).unwrap()
            })
        };
        let bytes = pack(1);
        assert!(bytes == pack(3), "the same bytes on 1 and 3 threads");
        let back: CorpusIn = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(back.pairs, corpus.dedup.pairs);
        assert!(back.corpus == corpus, "the corpus reads back the same");
        assert!(rmp_serde::from_slice::<CorpusIn>(&bytes[..bytes.len() / 2]).is_err(), "cut short");
    }

    /// A graph of many parts (several windows of them) reads back the same,
    /// and its kept bytes do not depend on the number of threads.
    #[test]
    fn graph_of_many_parts_reads_back_and_packs_alike_on_any_thread_count() {
        let mut g = CitationGraph::new();
        let n = 3 * PART_ITEMS * 8 + 5;
        let ix: Vec<NodeIndex> = (0..n)
            .map(|i| {
                g.add_node(node(
                    &format!("W{i}"),
                    if i % 3 == 0 { NodeKind::Paper } else { NodeKind::CitedWork },
                ))
            })
            .collect();
        for i in 0..2 * n {
            let mut attrs = Attrs::new();
            attrs.insert("count", Attr::Int(i as i64));
            if i % 2 == 0 {
                attrs.insert("weight", Attr::Float(i as f64 / 7.0));
                attrs.insert("zz flag", Attr::Bool(i % 4 == 0));
            }
            let edge = Edge { kind: EdgeKind::Cites, weight: 1.0, attrs, sources: vec![] };
            g.add_edge(ix[i % n], ix[(i * 7 + 1) % n], edge);
        }
        let pack = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| rmp_serde::to_vec(&PackedGraph(&g)).unwrap())
        };
        let bytes = pack(1);
        assert!(bytes == pack(3), "the same bytes on 1 and 3 threads");
        let back =
            rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap().install(|| read(&bytes)).unwrap();
        assert_eq!(back.index, g.index);
        assert!(back.graph.node_weights().eq(g.graph.node_weights()));
        let ends = |g: &CitationGraph| {
            g.graph.raw_edges().iter().map(|e| (e.source(), e.target(), e.weight.clone())).collect::<Vec<_>>()
        };
        assert!(ends(&back) == ends(&g));
    }
}
