//! `citemap render` and `citemap export`: pictures (built-in SVG/PNG or
//! Graphviz) and every graph export, written next to each other from one
//! laid-out graph. Logic only; the clap wiring lives in the CLI's args.
//!
//! Formats come from `--format` or the output file's extension: `svg`, `png`,
//! `pdf` (Graphviz only), `gexf`, `json` (node-link), `vosviewer` (JSON),
//! `vosviewer-txt` (`<stem>_map.txt` + `<stem>_network.txt`), `pajek`
//! (`.net` + `.clu`), `csv` (`<stem>_nodes.csv` + `<stem>_edges.csv`),
//! `html`, `dot`, `graphml`.

use anyhow::{Context, Result};
use citemap::export::{csv, dot, gexf, graphml, html, json, pajek, vosviewer};
use citemap::graph::CitationGraph;
use citemap::layout::LayoutOptions;
use citemap::pipeline::{self, Positions};
use citemap::render::graphviz::{self, OutputFormat};
use citemap::render::raster;
use citemap::render::svg::{self, RenderOptions, View};
use citemap::render::{Format, PictureOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `render`, `export`, `network --out` and `map` write one graph with:
/// the output and the configured picture and layout options (`[picture]`,
/// `[layout]`) with the flags on top. No default is written here: they are
/// [`PictureOptions::default`] and [`LayoutOptions::default`].
#[derive(Clone, Debug, Default)]
pub struct RenderArgs {
    /// Output file (`-o`); sibling files share its stem.
    pub output: PathBuf,
    /// Format (`--format`); `None` infers it from the output extension.
    pub format: Option<Format>,
    /// Title (`--title`; default "Citation map").
    pub title: Option<String>,
    /// Date printed on pictures and pages (`--date`; the CLI passes the run date).
    pub date: Option<String>,
    /// Engine, size, scale, labels, legend, view, background.
    pub picture: PictureOptions,
    /// Layout seed, iterations, cluster separation.
    pub layout: LayoutOptions,
    /// CSV cells as they are, without the formula guard (`--raw-csv`).
    pub raw_csv: bool,
}

impl RenderArgs {
    /// Writing `output` with the configured picture and layout options.
    pub fn configured(config: &citemap::config::Config, output: PathBuf, format: Option<Format>) -> Self {
        RenderArgs {
            output,
            format,
            picture: config.picture.clone(),
            layout: config.layout.clone(),
            ..RenderArgs::default()
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
        None => {
            Err(super::usage(format!("cannot tell the format from the extension {ext:?}; pass --format")))
        }
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("graph");
    path.with_file_name(format!("{stem}{suffix}"))
}

/// Output buffer of the writers: a big graph file is written in 1 MiB
/// pieces, not in the many small writes the writers make.
const WRITE_BUFFER: usize = 1 << 20;

fn write_file(path: &Path, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<PathBuf> {
    super::files::write_atomic(path, |w| {
        let mut b = std::io::BufWriter::with_capacity(WRITE_BUFFER, w);
        f(&mut b)?;
        b.flush()
    })?;
    Ok(path.to_path_buf())
}

/// The layout of `g` for these arguments (the library pipeline's layout step).
pub fn positions(g: &CitationGraph, args: &RenderArgs) -> Positions {
    super::progress::step(format_args!("laying out {} nodes", g.graph.node_count()));
    pipeline::lay_out(g, &args.layout)
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
        return Err(super::usage(format!(
            "{} writes two files: give --out a file name, not -",
            format.as_str()
        )));
    }
    let title = args.title.clone().unwrap_or_else(|| "Citation map".into());
    if let (Some(engine), true) = (args.picture.engine.graphviz(), format.is_picture()) {
        let of = match format {
            Format::Svg => OutputFormat::Svg,
            Format::Png => OutputFormat::Png,
            _ => OutputFormat::Pdf,
        };
        let bytes = graphviz::render(&dot_text(graph)?, engine, of)?;
        return Ok(vec![write_file(out, |w| w.write_all(&bytes))?]);
    }
    let p = &args.picture;
    let ropts = || RenderOptions {
        width: p.width,
        height: p.height,
        title: title.clone(),
        date: args.date.clone(),
        max_labels: p.labels,
        legend: p.legend,
        scale: p.effective_scale(),
        view: p.view,
        transparent: p.transparent,
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
        Format::Pdf => return Err(super::usage("PDF needs Graphviz: pass --engine dot, sfdp or neato")),
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
            };
            vec![write_file(out, |w| html::write(graph, w, &o))?]
        }
        Format::Dot => vec![write_file(out, |w| dot::write(graph, w, &dot::Options::default()))?],
        Format::Graphml => vec![write_file(out, |w| graphml::write(graph, w, &graphml::Options::default()))?],
    };
    Ok(files)
}
