//! The clap wiring of the analysis, picture, query, overlap and tag
//! subcommands over their logic files (`network`, `clusters`, `query`,
//! `render`, `overlap`), all working on the resolved corpus of the store.

use super::analyse::default_cluster_args;
use super::clusters::ClustersArgs;
use super::network::NetworkArgs;
use super::render::RenderArgs;
use super::{query as q, Ctx};
use anyhow::{bail, Context, Result};
use citemap::model::Corpus;
use citemap::store::Store;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Opens (creating) the store with the configured busy timeout, saying so
/// on stderr when it has to wait for another citemap creating it.
pub fn open_store(ctx: &Ctx) -> Result<Store> {
    open_configured(&ctx.config, ctx.quiet)
}

/// [`open_store`] from the settings alone.
pub fn open_configured(config: &citemap::config::Config, quiet: bool) -> Result<Store> {
    let path = &config.store.path;
    let shown = path.display().to_string();
    let timeout = std::time::Duration::from_secs(config.store.busy_timeout_secs);
    Store::open_waiting(path, timeout, &mut || {
        if !quiet {
            eprintln!("waiting for another citemap on {shown}");
        }
    })
    .with_context(|| format!("opening the store {shown}"))
}

/// Starts a write transaction, saying so on stderr when it has to wait for
/// another citemap writing to the same store.
pub fn write_batch<'s>(store: &'s mut Store, ctx: &Ctx) -> Result<citemap::store::Batch<'s>> {
    let path = ctx.config.store.path.display().to_string();
    let quiet = ctx.quiet;
    let batch = store.batch_waiting(&mut || {
        if !quiet {
            eprintln!("waiting for another citemap on {path}");
        }
    });
    batch.with_context(|| format!("writing to the store {path}"))
}

/// Opens the store and reads its resolved corpus (kept in the store, or
/// resolved from its records and then kept: see [`super::stored`]).
pub fn load_corpus(ctx: &Ctx) -> Result<(Store, Corpus)> {
    super::stored::open(ctx)?.into_corpus(ctx)
}

/// The picture options shared by `render` and `map`. A flag not given leaves
/// the configured `[picture]` / `[layout]` value (defaults:
/// [`citemap::render::PictureOptions`], [`citemap::layout::LayoutOptions`]).
#[derive(clap::Args, Debug, Clone)]
pub struct PictureArgs {
    /// Picture engine: builtin (no dependency), or Graphviz dot, sfdp, neato (picture.engine).
    #[arg(long, value_enum, ignore_case = true)]
    pub engine: Option<citemap::render::Engine>,
    /// Title printed on the picture.
    #[arg(long)]
    pub title: Option<String>,
    /// Date printed on the picture (default: SOURCE_DATE_EPOCH, else today, UTC).
    #[arg(long)]
    pub date: Option<String>,
    /// Width in pixels (picture.width).
    #[arg(long)]
    pub width: Option<u32>,
    /// Height in pixels (picture.height).
    #[arg(long)]
    pub height: Option<u32>,
    /// PNG scale factor (picture.scale).
    #[arg(long)]
    pub scale: Option<f32>,
    /// Most node labels drawn (picture.labels).
    #[arg(long)]
    pub labels: Option<usize>,
    /// Layout seed (layout.seed).
    #[arg(long)]
    pub layout_seed: Option<u64>,
    /// Layout iterations (layout.iterations; default by graph size).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// How much harder edges inside a cluster pull than edges between
    /// clusters in the layout; 1 ignores clusters (layout.cluster_separation).
    #[arg(long)]
    pub cluster_separation: Option<f32>,
    /// Leave out the legend (picture.legend = false).
    #[arg(long)]
    pub no_legend: bool,
    /// What the picture shows: clusters, overlay-year (colour by publication
    /// year), density (kernel density of the layout), timeline (historiograph
    /// of the most cited works), umbrella (reviews and the primary studies
    /// they include) (picture.view).
    #[arg(long, value_parser = parse_view)]
    pub view: Option<citemap::render::svg::View>,
    /// PNG resolution in dots per inch (sets the scale to DPI/96 and records it in the file; picture.dpi).
    #[arg(long)]
    pub dpi: Option<f32>,
    /// Transparent background: no white rectangle, PNG with alpha (picture.transparent).
    #[arg(long)]
    pub transparent: bool,
}

fn parse_view(s: &str) -> Result<citemap::render::svg::View, String> {
    citemap::render::svg::View::parse(s).ok_or_else(|| {
        format!("unknown view {s:?}; use clusters, overlay-year, density, timeline or umbrella")
    })
}

/// Today's date (UTC) as YYYY-MM-DD, or the one SOURCE_DATE_EPOCH names.
pub fn run_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

impl PictureArgs {
    /// The render arguments for `output` in `format`: the configuration's
    /// `[picture]` and `[layout]` with these flags on top.
    pub fn render_args(
        &self,
        config: &citemap::config::Config,
        output: PathBuf,
        format: Option<citemap::render::Format>,
    ) -> RenderArgs {
        let mut p = config.picture.clone();
        p.engine = self.engine.unwrap_or(p.engine);
        p.width = self.width.unwrap_or(p.width);
        p.height = self.height.unwrap_or(p.height);
        if let Some(scale) = self.scale {
            // A scale given on the command line beats a configured DPI.
            p.scale = scale;
            p.dpi = None;
        }
        p.dpi = self.dpi.or(p.dpi);
        p.labels = self.labels.or(p.labels);
        p.legend &= !self.no_legend;
        p.view = self.view.unwrap_or(p.view);
        p.transparent |= self.transparent;
        let mut l = config.layout.clone();
        l.seed = self.layout_seed.unwrap_or(l.seed);
        l.iterations = self.iterations.or(l.iterations);
        l.cluster_separation = self.cluster_separation.unwrap_or(l.cluster_separation);
        RenderArgs {
            output,
            format,
            title: self.title.clone(),
            date: Some(self.date.clone().unwrap_or_else(run_date)),
            picture: p,
            layout: l,
            raw_csv: false,
        }
    }
}

/// `citemap render`.
#[derive(clap::Args, Debug)]
pub struct RenderCmd {
    /// Output file; the format comes from --format or its extension.
    #[arg(long, short)]
    out: PathBuf,
    /// Output format (pdf needs a Graphviz engine).
    #[arg(long, short, value_enum, ignore_case = true)]
    format: Option<citemap::render::Format>,
    /// Draw the full graph (people, venues, subjects too) instead of the clustered network.
    #[arg(long)]
    full: bool,
    /// VOSviewer thesaurus file (label<TAB>replace by) applied to terms,
    /// names and venues before networks and cluster names.
    #[arg(long, value_name = "FILE")]
    thesaurus: Option<PathBuf>,
    #[command(flatten)]
    picture: PictureArgs,
    #[command(flatten)]
    network: NetworkArgs,
}

/// Runs `render`.
pub fn render(a: &RenderCmd, ctx: &Ctx) -> Result<ExitCode> {
    let mut project = super::stored::open(ctx)?;
    project.set_thesaurus(a.thesaurus.as_deref())?;
    let an = project.analysis(ctx, &a.network, &default_cluster_args())?;
    let ra = a.picture.render_args(&ctx.config, a.out.clone(), a.format);
    // The historiograph needs the citations themselves, which the full graph keeps.
    let g = if a.full
        || matches!(
            ra.picture.view,
            citemap::render::svg::View::Timeline | citemap::render::svg::View::Umbrella
        ) {
        &an.graph
    } else {
        &an.network
    };
    let files = super::files::output_set(|| super::render::run(&ra, g))?;
    if !ctx.quiet {
        for f in files {
            eprintln!("wrote {}", f.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `citemap network`.
#[derive(clap::Args, Debug)]
pub struct NetworkCmd {
    #[command(flatten)]
    network: NetworkArgs,
    /// Write the network to this file (format from --format or the extension).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Output format (pdf needs a Graphviz engine, which `network` does not offer).
    #[arg(long, short, value_enum, ignore_case = true)]
    format: Option<citemap::render::Format>,
}

/// Runs `network`.
pub fn network(a: &NetworkCmd, ctx: &Ctx) -> Result<ExitCode> {
    let (_, corpus) = load_corpus(ctx)?;
    let mut stdout = std::io::stdout().lock();
    let mut g = super::network::run(&ctx.config.network, &a.network, &corpus, &mut stdout)?;
    let m = citemap::analysis::metrics::compute(&g, &corpus, &ctx.config.metrics);
    citemap::analysis::metrics::annotate(&mut g, &m);
    if let Some(out) = &a.out {
        let args = RenderArgs {
            date: Some(run_date()),
            ..RenderArgs::configured(&ctx.config, out.clone(), a.format)
        };
        for f in super::files::output_set(|| super::render::run(&args, &g))? {
            writeln!(stdout, "wrote {}", f.display())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `citemap clusters`.
#[derive(clap::Args, Debug)]
pub struct ClustersCmd {
    #[command(flatten)]
    clusters: ClustersArgs,
    #[command(flatten)]
    network: NetworkArgs,
}

/// Runs `clusters`.
pub fn clusters(a: &ClustersCmd, ctx: &Ctx) -> Result<ExitCode> {
    let (_, corpus) = load_corpus(ctx)?;
    let mut args = a.clusters.clone();
    args.json |= ctx.json;
    let mut net = super::network::run(&ctx.config.network, &a.network, &corpus, &mut std::io::sink())?;
    super::clusters::run(&args, &ctx.config, &corpus, &mut net, None, &mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

/// `citemap query`.
#[derive(clap::Args, Debug)]
pub struct QueryCmd {
    #[command(subcommand)]
    what: QueryWhat,
}

#[derive(clap::Subcommand, Debug)]
enum QueryWhat {
    /// A person's collaborators with joint works (`--depth 2`: theirs too).
    Coauthors(q::CoauthorsArgs),
    /// A person's works, clusters, years and cited works shared with others.
    Author(q::AuthorArgs),
    /// The shortest co-authorship chain between two people.
    Path(q::PathArgs),
    /// The central people or works.
    Top(q::TopArgs),
}

/// Runs `query`.
pub fn query(a: &QueryCmd, ctx: &Ctx) -> Result<ExitCode> {
    let mut project = super::stored::open(ctx)?;
    // Names and titles are record text: no control character reaches the terminal.
    let mut out = citemap::text_safety::SafeWriter::new(std::io::stdout().lock());
    let status = match &a.what {
        QueryWhat::Coauthors(x) => {
            let mut x = x.clone();
            x.json |= ctx.json;
            let part = match project.indexed()? {
                Some(l) => Some(super::lookup::for_coauthors(&l, &x.name, x.depth)?),
                None => None,
            };
            match part {
                Some(p) => {
                    super::progress::step(format_args!(
                        "corpus: {} works, {} agents read from the look-up",
                        p.works.len(),
                        p.agents.len()
                    ));
                    q::coauthors(&x, &p.corpus, &mut out)?
                }
                None => q::coauthors(&x, project.corpus(ctx)?, &mut out)?,
            }
        }
        QueryWhat::Author(x) => {
            let mut x = x.clone();
            x.json |= ctx.json;
            let an = project.analysis(ctx, &NetworkArgs::default(), &default_cluster_args())?;
            q::author(&x, project.corpus(ctx)?, Some(&an.graph), &mut out)?
        }
        QueryWhat::Path(x) => {
            let mut x = x.clone();
            x.json |= ctx.json;
            q::path(&x, project.corpus(ctx)?, &mut out)?
        }
        QueryWhat::Top(x) => {
            let mut x = x.clone();
            x.json |= ctx.json;
            let an = project.analysis(ctx, &NetworkArgs::default(), &default_cluster_args())?;
            q::top(&x, project.corpus(ctx)?, Some(&an.graph), &mut out)?
        }
    };
    Ok(ExitCode::from(status.exit_code()))
}

/// `citemap overlap`.
#[derive(clap::Args, Debug)]
pub struct OverlapCmd {
    /// Citation matrix (csv, tsv or xlsx; studies in rows, reviews in columns) instead of the store.
    #[arg(long)]
    matrix: Option<PathBuf>,
    /// File of review identifiers (DOI, PMID or work id, one per line).
    #[arg(long)]
    reviews: Option<PathBuf>,
    /// Inclusion list CSV (review, reference, study, search_date, year, amstar).
    #[arg(long)]
    include: Option<PathBuf>,
    /// Mark studies published after a review's search date (else year) as structurally missing.
    #[arg(long)]
    structural_missing_from_dates: bool,
    /// Merge studies whose labels are equal after whitespace, case and punctuation normalisation.
    #[arg(long)]
    merge_duplicate_studies: bool,
    /// Heatmap counts structurally missing cells as 0.
    #[arg(long)]
    unadjusted: bool,
    /// Output folder.
    #[arg(long, short)]
    out: PathBuf,
}

/// Runs `overlap`.
pub fn overlap(a: &OverlapCmd, ctx: &Ctx) -> Result<ExitCode> {
    let args = super::overlap::Args {
        matrix: a.matrix.clone(),
        reviews: a.reviews.clone(),
        include: a.include.clone(),
        structural_missing_from_dates: a.structural_missing_from_dates,
        merge_duplicate_studies: a.merge_duplicate_studies,
        unadjusted: a.unadjusted,
        out: a.out.clone(),
        json: ctx.json,
    };
    let (corpus, tagged) = if a.matrix.is_some() {
        (None, Vec::new())
    } else {
        let (store, corpus) = load_corpus(ctx)?;
        let tagged = store.tagged("review")?;
        (Some(corpus), tagged)
    };
    // Tables, heatmaps and pictures are replaced together or not at all.
    super::files::check_out_dir(&a.out)?;
    super::files::output_set(|| write_overlap(a, &args, ctx, corpus.as_ref(), &tagged))?;
    Ok(ExitCode::SUCCESS)
}

/// Computes and writes every output of `overlap`.
fn write_overlap(
    a: &OverlapCmd,
    args: &super::overlap::Args,
    ctx: &Ctx,
    corpus: Option<&Corpus>,
    tagged: &[String],
) -> Result<()> {
    let report = super::files::staged_dir(&a.out, |tmp| {
        let args = super::overlap::Args { out: tmp.to_path_buf(), ..args.clone() };
        let mut said = Vec::new();
        let report = super::overlap::run(&args, corpus, tagged, &mut said)?;
        // The report names the folder the files end up in, not the staging one.
        let said =
            String::from_utf8_lossy(&said).replace(&tmp.display().to_string(), &a.out.display().to_string());
        std::io::stdout().lock().write_all(said.as_bytes())?;
        Ok(report)
    })?;
    // The review <-> study graph as a picture, reviews and studies coloured apart.
    let mut g = citemap::analysis::umbrella::bipartite_graph(&report);
    for n in g.graph.node_weights_mut() {
        let review = matches!(n.attrs.get("role"), Some(citemap::graph::Attr::Str(r)) if &**r == "review");
        n.attrs.insert("cluster", citemap::graph::Attr::Int(if review { 1 } else { 2 }));
        let name = if review { "reviews" } else { "primary studies" };
        n.attrs.insert("cluster_name", citemap::graph::Attr::Str(name.into()));
    }
    for format in [citemap::render::Format::Svg, citemap::render::Format::Png] {
        let output = a.out.join(format!("review_study.{}", format.as_str()));
        let mut ra = RenderArgs {
            title: Some(format!(
                "{} reviews and their {} primary studies",
                report.summary.n_reviews, report.summary.n_studies
            )),
            date: Some(run_date()),
            ..RenderArgs::configured(&ctx.config, output, Some(format))
        };
        // The review–study map, whatever view the configuration draws maps in.
        ra.picture.view = citemap::render::svg::View::Umbrella;
        super::render::run(&ra, &g)?;
    }
    Ok(())
}

/// `citemap tag TAG WORK...`.
#[derive(clap::Args, Debug)]
pub struct TagCmd {
    /// The tag (`review` marks reviews for `overlap`).
    tag: String,
    /// Works: stable id, DOI, PMID or title words (must match one work).
    #[arg(required = true)]
    works: Vec<String>,
}

/// Runs `tag`.
pub fn tag(a: &TagCmd, ctx: &Ctx) -> Result<ExitCode> {
    let (mut store, corpus) = load_corpus(ctx)?;
    let mut ids = Vec::new();
    for w in &a.works {
        match super::show::find_works(&corpus, w).as_slice() {
            [one] => ids.push(corpus.works[*one].id.clone()),
            [] => bail!("no work matches {w:?}"),
            many => bail!("{w:?} matches {} works; give an id (citemap show work {w:?})", many.len()),
        }
    }
    let mut batch = write_batch(&mut store, ctx)?;
    let n = batch.tag(&a.tag, &ids)?;
    batch.commit()?;
    if !ctx.quiet {
        eprintln!("tagged {n} new work(s) as {:?}", a.tag);
    }
    Ok(ExitCode::SUCCESS)
}
