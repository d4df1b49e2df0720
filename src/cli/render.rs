//! `citemap render` and `citemap export`: pictures (built-in SVG/PNG or
//! Graphviz) and every graph export, written next to each other from one
//! laid-out graph. Logic only; the clap wiring lives in the CLI's args.
//!
//! Formats come from `--format` or the output file's extension: `svg`, `png`,
//! `pdf` (Graphviz only), `gexf`, `json` (node-link), `vosviewer` (JSON),
//! `vosviewer-txt` (`<stem>_map.txt` + `<stem>_network.txt`), `pajek`
//! (`.net` + `.clu`), `csv` (`<stem>_nodes.csv` + `<stem>_edges.csv`),
//! `html`, `dot`, `graphml`.

use anyhow::{bail, Context, Result};
use citemap::export::{csv, dot, gexf, graphml, html, json, pajek, vosviewer};
use citemap::graph::CitationGraph;
use citemap::layout::{layout, LayoutOptions, Positions};
use citemap::render::graphviz::{self, OutputFormat};
use citemap::render::raster;
use citemap::render::svg::{self, RenderOptions, View};
use citemap::render::{Engine, Format};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `citemap render` / `citemap export` (the lead derives clap on the CLI side).
#[derive(Clone, Debug)]
pub struct RenderArgs {
    /// Output file (`-o`); sibling files share its stem.
    pub output: PathBuf,
    /// Format (`--format`); `None` infers it from the output extension.
    pub format: Option<Format>,
    /// Picture engine (`--engine builtin|dot|sfdp|neato`, default builtin).
    pub engine: Engine,
    /// Title (`--title`).
    pub title: Option<String>,
    /// Date printed on pictures and pages (`--date`; the CLI passes the run date).
    pub date: Option<String>,
    /// Picture width in pixels (`--width`, default 1600).
    pub width: u32,
    /// Picture height in pixels (`--height`, default 1200).
    pub height: u32,
    /// PNG scale factor (`--scale`, default 1).
    pub scale: f32,
    /// Most labels (`--labels N`; default: all up to 80 nodes, else 50).
    pub max_labels: Option<usize>,
    /// Layout seed (`--seed`, default 42).
    pub seed: u64,
    /// Layout iterations (`--iterations`; default by graph size).
    pub iterations: Option<usize>,
    /// Pull of edges inside a cluster over edges between clusters (`--cluster-separation`, default 9).
    pub cluster_separation: f32,
    /// Leave the legend out (`--no-legend`).
    pub no_legend: bool,
    /// CSV cells as they are, without the formula guard (`--raw-csv`).
    pub raw_csv: bool,
    /// What pictures show (`--view`).
    pub view: View,
    /// PNG resolution (`--dpi`; overrides the scale with DPI/96).
    pub dpi: Option<f32>,
    /// Transparent background (`--transparent`).
    pub transparent: bool,
}

impl Default for RenderArgs {
    fn default() -> Self {
        RenderArgs {
            output: PathBuf::from("map.svg"),
            format: None,
            engine: Engine::Builtin,
            title: None,
            date: None,
            width: 1600,
            height: 1200,
            scale: 1.0,
            max_labels: None,
            seed: 42,
            iterations: None,
            cluster_separation: LayoutOptions::default().cluster_separation,
            no_legend: false,
            raw_csv: false,
            view: View::Clusters,
            dpi: None,
            transparent: false,
        }
    }
}

/// The format named by `--format` or the output extension.
pub fn format_of(args: &RenderArgs) -> Result<Format> {
    if let Some(f) = args.format {
        return Ok(f);
    }
    let ext = args.output.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match Format::from_extension(&ext) {
        Some(f) => Ok(f),
        None => bail!("cannot tell the format from the extension {ext:?}; pass --format"),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("graph");
    path.with_file_name(format!("{stem}{suffix}"))
}

fn write_file(path: &Path, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<PathBuf> {
    super::files::write_atomic(path, f)?;
    Ok(path.to_path_buf())
}

/// The layout of `g` for these arguments.
pub fn positions(g: &CitationGraph, args: &RenderArgs) -> Positions {
    super::progress::step(format_args!("laying out {} nodes", g.graph.node_count()));
    layout(
        g,
        &LayoutOptions {
            seed: args.seed,
            iterations: args.iterations,
            cluster_separation: args.cluster_separation,
            ..LayoutOptions::default()
        },
    )
}

fn dot_text(g: &CitationGraph) -> Result<String> {
    let mut buf = Vec::new();
    dot::write(g, &mut buf, &dot::Options::default()).context("writing DOT")?;
    String::from_utf8(buf).context("DOT is not UTF-8")
}

/// Writes `graph` in the requested format; returns the files written.
///
/// # Errors
/// An output extension that names no format, IO failures, and Graphviz problems (with
/// install instructions when `dot` is missing).
pub fn run(args: &RenderArgs, graph: &CitationGraph) -> Result<Vec<PathBuf>> {
    run_at(args, graph, None)
}

/// Like [`run`], with the layout already computed (`map` draws the SVG and
/// the PNG from one layout).
pub fn run_at(
    args: &RenderArgs,
    graph: &CitationGraph,
    laid_out: Option<&Positions>,
) -> Result<Vec<PathBuf>> {
    let positions = |g: &CitationGraph, a: &RenderArgs| match laid_out {
        Some(p) if p.len() == g.graph.node_count() => p.clone(),
        _ => positions(g, a),
    };
    let format = format_of(args)?;
    let out = &args.output;
    if out.as_os_str() == "-" && format.writes_two_files() {
        bail!("{} writes two files: give --out a file name, not -", format.as_str());
    }
    let title = args.title.clone().unwrap_or_else(|| "Citation map".into());
    if let (Some(engine), true) = (args.engine.graphviz(), format.is_picture()) {
        let of = match format {
            Format::Svg => OutputFormat::Svg,
            Format::Png => OutputFormat::Png,
            _ => OutputFormat::Pdf,
        };
        let bytes = graphviz::render(&dot_text(graph)?, engine, of)?;
        return Ok(vec![write_file(out, |w| w.write_all(&bytes))?]);
    }
    let ropts = || RenderOptions {
        width: args.width,
        height: args.height,
        title: title.clone(),
        date: args.date.clone(),
        max_labels: args.max_labels,
        legend: !args.no_legend,
        scale: args.dpi.filter(|d| d.is_finite() && *d > 0.0).map_or(args.scale, |d| d / 96.0),
        view: args.view,
        transparent: args.transparent,
        ..RenderOptions::default()
    };
    let files = match format {
        Format::Svg => {
            let o = ropts();
            let positions = if matches!(o.view, View::Timeline | View::Umbrella) {
                Vec::new()
            } else {
                positions(graph, args)
            };
            let s = svg::render_svg(graph, &positions, &o);
            vec![write_file(out, |w| w.write_all(s.as_bytes()))?]
        }
        Format::Png => {
            let o = ropts();
            let positions = if matches!(o.view, View::Timeline | View::Umbrella) {
                Vec::new()
            } else {
                positions(graph, args)
            };
            let png = svg::render_png(graph, &positions, &o)?;
            let png = raster::with_dpi(png, svg::dpi_of_scale(o.scale));
            vec![write_file(out, |w| w.write_all(&png))?]
        }
        Format::Pdf => bail!("PDF needs Graphviz: pass --engine dot, sfdp or neato"),
        Format::Gexf => {
            let o = gexf::Options { positions: Some(positions(graph, args)), date: args.date.clone() };
            vec![write_file(out, |w| gexf::write(graph, w, &o))?]
        }
        Format::Json => {
            let o = json::Options { pretty: true, positions: None };
            vec![write_file(out, |w| json::write(graph, w, &o))?]
        }
        Format::Vosviewer => {
            let o = vosviewer::Options { positions: Some(positions(graph, args)), terminology: None };
            vec![write_file(out, |w| vosviewer::write(graph, w, &o))?]
        }
        Format::VosviewerTxt => {
            let o = vosviewer::Options { positions: Some(positions(graph, args)), terminology: None };
            vec![
                write_file(&sibling(out, "_map.txt"), |w| vosviewer::write_map(graph, w, &o))?,
                write_file(&sibling(out, "_network.txt"), |w| vosviewer::write_network(graph, w))?,
            ]
        }
        Format::Pajek => {
            let o = pajek::Options { positions: Some(positions(graph, args)), ..Default::default() };
            vec![
                write_file(&out.with_extension("net"), |w| pajek::write(graph, w, &o))?,
                write_file(&out.with_extension("clu"), |w| pajek::write_clusters(graph, w))?,
            ]
        }
        Format::Csv => vec![
            write_file(&sibling(out, "_nodes.csv"), |w| csv::write_nodes_with(graph, w, None, args.raw_csv))?,
            write_file(&sibling(out, "_edges.csv"), |w| csv::write_edges_with(graph, w, args.raw_csv))?,
        ],
        Format::Html => {
            let o = html::Options {
                title: title.clone(),
                date: args.date.clone(),
                positions: Some(positions(graph, args)),
                ..Default::default()
            };
            vec![write_file(out, |w| html::write(graph, w, &o))?]
        }
        Format::Dot => vec![write_file(out, |w| dot::write(graph, w, &dot::Options::default()))?],
        Format::Graphml => vec![write_file(out, |w| graphml::write(graph, w, &graphml::Options::default()))?],
    };
    Ok(files)
}
