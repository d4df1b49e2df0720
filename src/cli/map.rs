//! `citemap map PATH... --out DIR`: the one-shot pipeline. Reads every file,
//! resolves, builds the graph and writes `graph.dot`, `graph.graphml` and
//! `summary.json` (counts, warnings, conflicts, inputs, settings, version).
//!
//! With a store (`--store`, a `[store] path` other than the default, or the
//! default store file when it exists; not with `--online` or standard
//! input), the files are ingested into it first, and when the store then
//! holds exactly these files the corpus and the analysis go through
//! [`super::stored`]: read when kept for these settings, else computed and
//! kept, so a second `map` and every later `export`, `render`, `show` or
//! `query` read them. The outputs are the same bytes either way; stderr
//! and the `--json` output (`results`) say which it was.

use super::analyse::{analyse, default_cluster_args};
use super::files::write_atomic;
use super::network::NetworkArgs;
use super::pipeline::{print_diagnostics, read_inputs, Destination, InputReport};
use super::stored::{Origin, Project, Want};
use super::Ctx;
use anyhow::{bail, Context, Result};
use citemap::analysis::metrics::BetweennessMethod;
use citemap::config::MapFormat;
use citemap::graph::CitationGraph;
use citemap::model::{Corpus, Diagnostic, Record, Severity};
use citemap::render::overview::{self, OverviewOptions};
use citemap::{export, layout, resolve};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `map`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files and folders to read (folders recursively; `-` reads standard input).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Files to write (overrides map.formats), comma-separated.
    #[arg(long, value_delimiter = ',', value_enum, ignore_case = true)]
    format: Vec<MapFormat>,
    /// VOSviewer thesaurus file (label<TAB>replace by) applied to terms,
    /// names and venues before networks and cluster names.
    #[arg(long, value_name = "FILE")]
    thesaurus: Option<PathBuf>,
    #[command(flatten)]
    picture: super::commands::PictureArgs,
    /// First look up what the works miss at OpenAlex, PubMed and Crossref,
    /// and search those three for papers without a DOI or PMID (answers
    /// cached in the store; see `citemap enrich --search`).
    #[arg(long)]
    online: bool,
    #[command(flatten)]
    cache: super::enrich::CacheArgs,
}

/// Counts in the summary.
#[derive(Serialize)]
pub struct Counts {
    records: usize,
    /// References all records carry (reference-list entries and callouts).
    references: usize,
    /// Citation edges in the graph: references after two exports of one
    /// paper and repeated entries are joined.
    citation_edges: usize,
    works: usize,
    papers: usize,
    cited_works: usize,
    people: usize,
    organisations: usize,
    venues: usize,
    subjects: usize,
    nodes: BTreeMap<String, usize>,
    edges: BTreeMap<String, usize>,
}

/// A conflict as reported in the summary.
#[derive(Serialize)]
struct ConflictReport<'a> {
    work: &'a str,
    label: &'a str,
    #[serde(flatten)]
    conflict: &'a citemap::model::Conflict,
}

/// `summary.json`.
#[derive(Serialize)]
struct Summary<'a> {
    tool: &'static str,
    version: &'static str,
    command: &'static str,
    config_file: Option<String>,
    settings: SettingsView<'a>,
    inputs: Vec<&'a InputReport>,
    counts: Counts,
    dedup: &'a citemap::model::DedupReport,
    conflicts: Vec<ConflictReport<'a>>,
    warnings: Vec<&'a Diagnostic>,
    skipped: Vec<BTreeMap<&'static str, String>>,
    network: String,
    /// How betweenness was computed, when not exactly on both graphs.
    #[serde(skip_serializing_if = "Option::is_none")]
    betweenness: Option<BTreeMap<&'static str, &'a citemap::analysis::metrics::BetweennessInfo>>,
    /// What the map draws of a network too big to draw whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    drawn: Option<Drawn>,
    modularity: String,
    clusters: Vec<ClusterLine>,
    picture_date: Option<String>,
    outputs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thesaurus: Option<super::analyse::ThesaurusReport>,
    /// Works whose bibliographic search (`enrich --search`) listed
    /// candidates below the acceptance threshold, never merged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    search_candidates: Vec<serde_json::Value>,
}

/// The part of the network `map.svg`/`map.png` show.
#[derive(Serialize)]
struct Drawn {
    works: usize,
    of: usize,
    rule: &'static str,
}

/// The settings as written in the summary: settings added after the first
/// summaries (`map.max_drawn`, `[metrics]`, `[network]`, `[cluster]`,
/// `[naming]`, `[layout]`, `[picture]`) appear only when they differ from their
/// defaults, so a run with default settings gives the summary it gave before
/// they existed. Fields in the order of [`Config`](citemap::config::Config).
#[derive(Serialize)]
struct SettingsView<'a> {
    store: &'a citemap::config::StoreConfig,
    ingest: &'a citemap::config::IngestConfig,
    resolve: &'a citemap::resolve::Options,
    graph: &'a citemap::config::GraphConfig,
    map: MapView<'a>,
    fetch: &'a citemap::config::FetchConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<&'a citemap::analysis::metrics::MetricsOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network: Option<&'a citemap::pipeline::NetworkChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster: Option<&'a citemap::analysis::cluster::ClusterOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    naming: Option<&'a citemap::analysis::naming::NamingOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    layout: Option<&'a citemap::layout::LayoutOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    picture: Option<&'a citemap::render::PictureOptions>,
}

/// `[map]` in the summary (see [`SettingsView`]).
#[derive(Serialize)]
struct MapView<'a> {
    formats: &'a [MapFormat],
    #[serde(skip_serializing_if = "Option::is_none")]
    max_drawn: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary_members: Option<usize>,
}

fn settings_view(config: &citemap::config::Config) -> SettingsView<'_> {
    let defaults = citemap::config::Config::default();
    // Destructured so that a new setting cannot be forgotten here.
    let citemap::config::Config {
        store,
        ingest,
        resolve,
        graph,
        map,
        fetch,
        metrics,
        network,
        cluster,
        naming,
        layout,
        picture,
    } = config;
    SettingsView {
        store,
        ingest,
        resolve,
        graph,
        map: MapView {
            formats: &map.formats,
            max_drawn: (map.max_drawn != defaults.map.max_drawn).then_some(map.max_drawn),
            summary_members: (map.summary_members != defaults.map.summary_members)
                .then_some(map.summary_members),
        },
        fetch,
        metrics: (*metrics != defaults.metrics).then_some(metrics),
        network: (*network != defaults.network).then_some(network),
        cluster: (*cluster != defaults.cluster).then_some(cluster),
        naming: (*naming != defaults.naming).then_some(naming),
        layout: (*layout != defaults.layout).then_some(layout),
        picture: (*picture != defaults.picture).then_some(picture),
    }
}

/// One cluster in the summary.
#[derive(Serialize)]
struct ClusterLine {
    cluster: u32,
    name: String,
    size: usize,
    /// Member labels, the most cited first (`map.summary_members` of them).
    members: Vec<String>,
    /// Members not listed.
    #[serde(skip_serializing_if = "is_zero")]
    unlisted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What was read: records, and the references they carry.
#[derive(Clone, Copy, Debug)]
pub struct RecordCounts {
    pub records: usize,
    pub references: usize,
}

/// Counts the corpus and graph.
pub fn counts(read: RecordCounts, corpus: &Corpus, g: &CitationGraph) -> Counts {
    use citemap::model::{AgentKind, WorkKind};
    Counts {
        records: read.records,
        references: read.references,
        citation_edges: corpus.cites.len(),
        works: corpus.works.len(),
        papers: corpus.works.iter().filter(|w| w.kind == WorkKind::Paper).count(),
        cited_works: corpus.works.iter().filter(|w| w.kind == WorkKind::CitedWork).count(),
        people: corpus.agents.iter().filter(|a| a.kind == AgentKind::Person).count(),
        organisations: corpus.agents.iter().filter(|a| a.kind == AgentKind::Organisation).count(),
        venues: corpus.venues.len(),
        subjects: corpus.subjects.len(),
        nodes: g.count_nodes().into_iter().map(|(k, v)| (k.as_str().to_string(), v)).collect(),
        edges: g.count_edges().into_iter().map(|(k, v)| (k.as_str().to_string(), v)).collect(),
    }
}

/// Runs `map`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    let formats = if args.format.is_empty() { ctx.config.map.formats.clone() } else { args.format.clone() };
    super::files::check_out_dir(&args.out)?;
    // With a store the inputs are read once, into the store and to memory.
    let (mut inputs, store) = if uses_store(args, ctx) {
        let (store, inputs) = super::ingest::add_keeping(&args.paths, ctx)?;
        (inputs, Some(store))
    } else {
        (read_inputs(&args.paths, ctx, Destination::Memory)?, None)
    };
    // Inputs stored before under the same names were not read: their
    // records are in the store. When every input with records is such
    // an input, the project reads them from there (or reads its kept
    // corpus instead); otherwise, or when the store holds other inputs
    // too (no project), they are read here.
    let all_in_store = inputs.iter().all(|i| i.in_store_only() || i.report.records == 0)
        && inputs.iter().any(|i| i.in_store_only());
    let read_stored = |inputs: &mut Vec<super::pipeline::ReadInput>, store: &citemap::store::Store| {
        inputs
            .iter_mut()
            .filter(|i| i.in_store_only())
            .try_for_each(|i| super::pipeline::records_from_store(i, store))
    };
    if let (false, Some(store)) = (all_in_store, &store) {
        read_stored(&mut inputs, store)?;
    }
    let mut records: Vec<Record> =
        inputs.iter_mut().filter_map(|i| i.parsed.take()).flat_map(|p| p.records).collect();
    if args.online {
        let (fetched, report) = super::enrich::online_records(&records, ctx, &args.cache)?;
        if !ctx.quiet && !ctx.json {
            super::enrich::print_report(&report);
        }
        records.extend(fetched);
    }
    if records.is_empty() && !all_in_store {
        // A run that read nothing (a typo in a path) leaves the previous
        // outputs as they were.
        if !ctx.quiet {
            print_diagnostics(inputs.iter().flat_map(|i| i.report.diagnostics.iter()));
        }
        bail!("no records read from the inputs: nothing written, {} left as it was", args.out.display());
    }
    let project = match &store {
        Some(store) => stored_project(ctx, store, &inputs)?,
        None => None,
    };
    if let (true, None, Some(store)) = (all_in_store, &project, &store) {
        read_stored(&mut inputs, store)?;
        records = inputs.iter_mut().filter_map(|i| i.parsed.take()).flat_map(|p| p.records).collect();
    }
    drop(store);
    let in_store = all_in_store && project.is_some();
    let read = if in_store {
        RecordCounts {
            records: inputs.iter().map(|i| i.report.records).sum(),
            references: inputs.iter().map(|i| i.report.references).sum(),
        }
    } else {
        RecordCounts { records: records.len(), references: records.iter().map(|r| r.citations.len()).sum() }
    };
    let records = (!in_store).then_some(records);
    let done = super::files::output_set(|| write_map(args, ctx, &inputs, read, records, formats, project));
    // As at the end of `write_map`: the process ends, its memory goes at once.
    std::mem::forget(inputs);
    done
}

/// True when `map` keeps its results in a store: one is named (`--store`,
/// `[store] path`) or the default one exists, and the inputs can be read
/// twice (no standard input or pipe) and come from the files alone (no `--online`).
fn uses_store(args: &Args, ctx: &Ctx) -> bool {
    let path = &ctx.config.store.path;
    let named = *path != citemap::config::Config::default().store.path;
    !args.online
        && (named || path.exists())
        && args.paths.iter().all(|p| p.as_os_str() != "-" && !super::files::is_stream(p))
}

/// The store's results when `store`, into which `read` went, holds
/// exactly these inputs (same bytes under the same names), else `None`
/// (the map is computed from the records read, and not kept).
fn stored_project(
    ctx: &Ctx,
    store: &citemap::store::Store,
    read: &[super::pipeline::ReadInput],
) -> Result<Option<Project>> {
    let stored = store.inputs()?;
    let ids: std::collections::BTreeSet<i64> = read.iter().filter_map(|i| i.input_id).collect();
    let same_names = read
        .iter()
        .all(|i| i.input_id.is_none_or(|id| stored.iter().any(|s| s.id == id && s.label == i.report.path)));
    let exact = same_names && stored.iter().map(|s| s.id).eq(ids.iter().copied());
    if !exact {
        super::progress::step("results not kept: the store holds other inputs than these");
        return Ok(None);
    }
    Ok(Some(super::stored::open(ctx)?))
}

/// `--json`: the summary, and where the corpus and the analysis came from
/// (`summary.json` does not say, so it is the same either way).
#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(flatten)]
    summary: &'a Summary<'a>,
    results: Results,
}

/// Where the corpus and the analysis of a `map` came from.
#[derive(Serialize)]
struct Results {
    corpus: Origin,
    analysis: Origin,
    /// True when they are kept in the store for later commands.
    stored: bool,
}

/// Peak memory of a map per record read, roughly: maps of 100k generated
/// works peak at 3.5-4.2 GB (JSON Lines, WoS and RIS; CHANGELOG, session 26).
const PEAK_BYTES_PER_RECORD: u64 = 40_000;

/// A warning when a map of `records` records is likely to need more memory
/// at its peak than the `room` this process has, said before the long part
/// of the run rather than found when the system stops it.
fn memory_warning(records: usize, room: u64) -> Option<String> {
    let need = (records as u64).saturating_mul(PEAK_BYTES_PER_RECORD);
    (need > room).then(|| {
        format!(
            "mapping {records} records may need about {:.0} GB of memory at its peak, and about {:.0} GB can be had here: the run may stop for lack of memory (it stops itself, writing no outputs, when less than 1 GB is left)",
            need as f64 / 1e9,
            room as f64 / 1e9
        )
    })
}

/// A format asked for, with its place in the list asked.
type Asked = (usize, MapFormat);

/// The files written for the format at a place in the list asked.
type Written = (usize, Vec<String>);

/// Resolves `records` (or reads the store's results, with `project`),
/// writes every output of `map` (inside one output set) and reports. The
/// records are let go once the corpus is there: the analysis and the
/// outputs never read them (at 100k works they hold about 2 GB). The graph
/// files are written on this thread and the pictures beside them on one of
/// their own ([`super::files::side_by_side`]).
fn write_map(
    args: &Args,
    ctx: &Ctx,
    inputs: &[super::pipeline::ReadInput],
    read: RecordCounts,
    records: Option<Vec<Record>>,
    formats: Vec<MapFormat>,
    mut project: Option<Project>,
) -> Result<ExitCode> {
    if let Some(warning) = super::progress::memory_room().and_then(|room| memory_warning(read.records, room))
    {
        if !ctx.quiet {
            eprintln!("warning: {warning}");
        }
        // Such a run stops with a message when memory runs out, not by
        // the system's hand.
        super::progress::guard_memory(format!("mapping {} records", read.records));
    }
    let mut owned = None;
    let (an, thesaurus) = match project.as_mut() {
        Some(p) => {
            p.set_thesaurus(args.thesaurus.as_deref())?;
            let cl = default_cluster_args();
            // No records: they are in the store (see `run`).
            p.corpus_of(ctx, records)?;
            let an = p.analysis_of(ctx, &NetworkArgs::default(), &cl, Want::Both, None)?.analysis;
            (an, p.thesaurus_report.clone())
        }
        None => {
            let records = records.context("records are read when no store keeps the results")?;
            super::progress::step(format_args!("resolving {} records", records.len()));
            let mut corpus = resolve::resolve_owned(records, &ctx.config.resolve);
            let thesaurus = super::analyse::apply_thesaurus(args.thesaurus.as_deref(), &mut corpus)?;
            let an = analyse(&corpus, &ctx.config, &NetworkArgs::default(), &default_cluster_args())?;
            owned = Some(corpus);
            (an, thesaurus)
        }
    };
    let results = match &project {
        Some(p) => Results {
            corpus: p.corpus_origin.unwrap_or(Origin::Computed),
            analysis: p.analysis_origin.unwrap_or(Origin::Computed),
            stored: true,
        },
        None => Results { corpus: Origin::Computed, analysis: Origin::Computed, stored: false },
    };
    let corpus: &Corpus = match (&project, &owned) {
        (Some(p), _) => p.corpus_ref().context("the corpus is read above")?,
        (None, Some(c)) => c,
        (None, None) => bail!("no corpus"),
    };
    let g = &an.graph;

    // A network too big to see node by node: the picture draws the most
    // cited works of each cluster, and an overview draws the clusters.
    let drawn_graph = formats
        .iter()
        .any(|f| matches!(f, MapFormat::Svg | MapFormat::Png))
        .then(|| layout::select_drawn(&an.network, ctx.config.map.max_drawn))
        .flatten()
        .map(|keep| layout::induced_subgraph(&an.network, &keep));
    // The graph files and the pictures are written side by side (each in
    // the order asked); the list of outputs keeps the order asked.
    let text = |f: MapFormat| -> Result<Vec<String>> {
        let name = format!("graph.{}", f.as_str());
        let path = args.out.join(&name);
        super::progress::step(format_args!("writing {name}"));
        match f {
            MapFormat::Dot => {
                write_atomic(&path, |w| export::dot::write(g, w, &export::dot::Options::default()))?
            }
            _ => write_atomic(&path, |w| export::graphml::write(g, w, &export::graphml::Options::default()))?,
        }
        Ok(vec![name])
    };
    let pictures = |fs: Vec<Asked>| -> Result<(Vec<Written>, Option<String>)> {
        let mut written = Vec::new();
        let mut picture_date = None;
        let mut laid_out = None;
        for (i, f) in fs {
            let name = format!("map.{}", f.as_str());
            let path = args.out.join(&name);
            super::progress::step(format_args!("writing {name}"));
            let picture_format = match f {
                MapFormat::Svg => citemap::render::Format::Svg,
                _ => citemap::render::Format::Png,
            };
            let mut ra = args.picture.render_args(&ctx.config, path.clone(), Some(picture_format));
            if ra.title.is_none() {
                ra.title = Some(format!(
                    "citemap: {} works in {} clusters",
                    an.network.node_count(),
                    an.clusters.summaries.len()
                ));
            }
            picture_date = ra.date.clone();
            if matches!(
                ra.picture.view,
                citemap::render::svg::View::Timeline | citemap::render::svg::View::Umbrella
            ) {
                // The historiograph and the review–study map draw
                // citations, which the full graph keeps.
                if ra.picture.view == citemap::render::svg::View::Umbrella && args.picture.title.is_none() {
                    ra.title = Some("citemap: reviews and the primary studies they include".into());
                }
                super::render::run_at(&ra, g, None)?;
                written.push((i, vec![name]));
                continue;
            }
            if let Some(sub) = &drawn_graph {
                ra.title = ra
                    .title
                    .map(|t| format!("{t} ({} drawn: the most cited of each cluster)", sub.node_count()));
            }
            let picture = drawn_graph.as_ref().unwrap_or(&an.network);
            if laid_out.is_none() && ra.picture.engine == citemap::render::Engine::Builtin {
                laid_out = Some(super::render::positions(picture, &ra));
            }
            super::render::run_at(&ra, picture, laid_out.as_ref())?;
            let mut names = vec![name];
            if drawn_graph.is_some() {
                let oname = format!("overview.{}", f.as_str());
                super::progress::step(format_args!("writing {oname}"));
                let oopts = OverviewOptions {
                    width: ra.picture.width,
                    height: ra.picture.height,
                    title: format!(
                        "citemap: {} works in {} clusters",
                        an.network.node_count(),
                        an.clusters.summaries.len()
                    ),
                    date: ra.date.clone(),
                    seed: ra.layout.seed,
                    scale: ra.picture.scale,
                    ..OverviewOptions::default()
                };
                let opath = args.out.join(&oname);
                if f == MapFormat::Svg {
                    let svg = overview::overview_svg(&an.network, &oopts);
                    write_atomic(&opath, |w| w.write_all(svg.as_bytes()))?;
                } else {
                    let png = overview::overview_png(&an.network, &oopts)?;
                    write_atomic(&opath, |w| w.write_all(&png))?;
                }
                names.push(oname);
            }
            written.push((i, names));
        }
        Ok((written, picture_date))
    };
    let (texts, picture_formats): (Vec<Asked>, Vec<Asked>) = formats
        .iter()
        .copied()
        .enumerate()
        .partition(|(_, f)| matches!(f, MapFormat::Dot | MapFormat::Graphml));
    let (texts_written, pictures_written) = super::files::side_by_side(
        || texts.into_iter().map(|(i, f)| text(f).map(|n| (i, n))).collect::<Result<Vec<_>>>(),
        || pictures(picture_formats),
    );
    let mut written = texts_written?;
    let (pictures_written, picture_date) = pictures_written?;
    written.extend(pictures_written);
    written.sort_by_key(|(i, _)| *i);
    let mut outputs: Vec<String> = written.into_iter().flat_map(|(_, names)| names).collect();
    outputs.push("summary.json".into());

    let warnings: Vec<&Diagnostic> = inputs
        .iter()
        .flat_map(|i| i.report.diagnostics.iter())
        .chain(corpus.diagnostics.iter())
        .filter(|d| d.severity >= Severity::Info)
        .collect();
    let skipped = inputs
        .iter()
        .filter_map(|i| {
            i.report
                .skipped
                .as_ref()
                .map(|why| BTreeMap::from([("input", i.report.path.clone()), ("reason", why.clone())]))
        })
        .collect();
    let conflicts = corpus
        .conflicts
        .iter()
        .map(|c| {
            let w = &corpus.works[c.work as usize];
            ConflictReport { work: &w.id, label: &w.label, conflict: &c.conflict }
        })
        .collect();
    // Member labels per cluster, gathered in one pass over the network,
    // then the most cited first (ties by label, then in node order) and
    // only as many as `map.summary_members` asks.
    let mut members: BTreeMap<i64, Vec<(i64, &str)>> = BTreeMap::new();
    for n in an.network.graph.node_weights() {
        if let Some(citemap::graph::Attr::Int(k)) = n.attrs.get("cluster") {
            let cited = match n.attrs.get("citations_local") {
                Some(citemap::graph::Attr::Int(c)) => *c,
                _ => 0,
            };
            members.entry(*k).or_default().push((cited, n.label.as_str()));
        }
    }
    let listed = match ctx.config.map.summary_members {
        0 => usize::MAX,
        k => k,
    };
    let mut members: BTreeMap<i64, (Vec<String>, usize)> = members
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            let unlisted = v.len().saturating_sub(listed);
            (k, (v.into_iter().take(listed).map(|(_, l)| l.to_string()).collect(), unlisted))
        })
        .collect();
    let summary = Summary {
        tool: "citemap",
        version: citemap::VERSION,
        command: "map",
        config_file: ctx.config_path.as_ref().map(|p| p.to_string_lossy().replace('\\', "/")),
        settings: settings_view(&ctx.config),
        inputs: inputs.iter().map(|i| &i.report).collect(),
        counts: counts(read, corpus, g),
        dedup: &corpus.dedup,
        conflicts,
        warnings,
        skipped,
        network: an.network_note(),
        betweenness: (an.graph_betweenness.method != BetweennessMethod::Exact
            || an.network_betweenness.method != BetweennessMethod::Exact)
            .then(|| {
                BTreeMap::from([("graph", &an.graph_betweenness), ("network", &an.network_betweenness)])
            }),
        drawn: drawn_graph.as_ref().map(|g| Drawn {
            works: g.node_count(),
            of: an.network.node_count(),
            rule: "the most cited works of each cluster, every cluster shown (map.max_drawn)",
        }),
        modularity: citemap::graph::format_float(an.clusters.partition.modularity),
        clusters: an
            .clusters
            .summaries
            .iter()
            .map(|c| {
                let (members, unlisted) = members.remove(&(c.cluster as i64)).unwrap_or_default();
                ClusterLine { cluster: c.cluster, name: c.name.clone(), size: c.size, members, unlisted }
            })
            .collect(),
        picture_date,
        outputs,
        thesaurus,
        search_candidates: super::enrich::unmerged_candidates(&ctx.config, corpus)?,
    };
    let json = serde_json::to_string_pretty(&summary)?;
    write_atomic(&args.out.join("summary.json"), |w| {
        w.write_all(json.as_bytes())?;
        w.write_all(b"\n")
    })?;

    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&JsonReport { summary: &summary, results })?);
    } else {
        if !ctx.quiet {
            // A big corpus can have thousands of warnings: the first ones on
            // the terminal, all of them in summary.json.
            const SHOWN: usize = 50;
            let loud: Vec<&Diagnostic> =
                summary.warnings.iter().copied().filter(|d| d.severity >= Severity::Warning).collect();
            print_diagnostics(loud.iter().copied().take(SHOWN));
            if loud.len() > SHOWN {
                eprintln!(
                    "... and {} more warnings in {}",
                    loud.len() - SHOWN,
                    args.out.join("summary.json").display()
                );
            }
        }
        let c = &summary.counts;
        println!(
            "read {} input(s), {} record(s): {} works ({} papers, {} cited works), {} people, {} organisations, {} venues, {} subjects",
            inputs.len(),
            c.records,
            c.works,
            c.papers,
            c.cited_works,
            c.people,
            c.organisations,
            c.venues,
            c.subjects
        );
        let edges: Vec<String> = c.edges.iter().map(|(k, v)| format!("{v} {k}")).collect();
        println!("edges: {}", edges.join(", "));
        for i in inputs {
            if let Some(why) = &i.report.skipped {
                let line = format!("skipped {}: {why}", i.report.path);
                println!("{}", citemap::text_safety::strip_controls(&line));
            }
        }
        println!("{}", an.network_note());
        for c in &summary.clusters {
            println!("cluster {}: {} ({} works)", c.cluster, c.name, c.size);
        }
        if !corpus.conflicts.is_empty() {
            println!("{} conflict(s) between sources, listed in summary.json", corpus.conflicts.len());
        }
        println!(
            "wrote {}",
            summary
                .outputs
                .iter()
                .map(|o| args.out.join(o).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // The command ends here: freeing millions of small allocations one by
    // one would only cost time (the process's exit returns the memory).
    std::mem::forget(an);
    std::mem::forget(owned);
    if let Some(p) = project.as_mut() {
        p.leak_corpus();
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_too_big_for_the_memory_is_warned_of() {
        assert_eq!(memory_warning(100_000, 24_000_000_000), None);
        let w = memory_warning(1_010_070, 23_000_000_000).expect("a warning");
        assert!(
            w.contains("1010070 records") && w.contains("about 40 GB") && w.contains("about 23 GB"),
            "{w}"
        );
        assert_eq!(memory_warning(0, 0), None);
    }
}
