//! `citemap overlap`: umbrella-review overlap from a citation-matrix file or
//! from the corpus (reviews by document type, by `citemap tag review`, or
//! by a list file), written as CSV tables, heatmap SVG/PNG, the review <->
//! study graph (DOT, GraphML) and a JSON report.
//!
//! The clap wiring is the lead's; this file holds the logic over the library
//! ([`citemap::analysis::umbrella`]) with a plain [`Args`] struct.

use anyhow::{bail, Context, Result};
use citemap::analysis::umbrella::{self, corpus as ov_corpus, OverlapMatrix, OverlapReport};
use citemap::export;
use citemap::ingest::matrix;
use citemap::model::{Corpus, Severity};
use citemap::render::heatmap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `citemap overlap`.
#[derive(Clone, Debug, Default)]
pub struct Args {
    /// `--matrix FILE`: citation matrix (csv/tsv/xlsx, GROOVE/ccaR layout)
    /// instead of the corpus.
    pub matrix: Option<PathBuf>,
    /// `--reviews LIST`: file of review identifiers (DOI, PMID or work id per line).
    pub reviews: Option<PathBuf>,
    /// `--include CSV`: inclusion list (review, reference, study, search_date,
    /// year, amstar). With `--matrix`, only its per-review fields are used
    /// (review = matrix column label).
    pub include: Option<PathBuf>,
    /// `--structural-missing-from-dates`: mark cells of studies dated after a
    /// review's search date (else publication year) as structurally missing.
    pub structural_missing_from_dates: bool,
    /// `--merge-duplicate-studies`: merge studies whose labels are equal after
    /// whitespace, case and punctuation normalisation.
    pub merge_duplicate_studies: bool,
    /// `--unadjusted`: draw the heatmap with missing cells counted as 0.
    pub unadjusted: bool,
    /// `--out DIR`: output directory (created).
    pub out: PathBuf,
    /// `--json`: print the report as JSON on stdout instead of the summary.
    pub json: bool,
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn text(path: &Path) -> Result<String> {
    Ok(String::from_utf8_lossy(&read(path)?).into_owned())
}

/// Writes `bytes` to `dir/name` through a temporary file renamed into place,
/// so a failed run never leaves a half-written output.
fn save(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    tmp.write_all(bytes).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).ok();
    }
    tmp.persist(&path).with_context(|| format!("renaming into {}", path.display()))?;
    Ok(())
}

/// Builds the matrix the arguments ask for.
///
/// `corpus` is the resolved project corpus (needed without `--matrix`);
/// `tagged` are the work ids tagged `review` by the user (`citemap tag
/// review WORK...`). Reviews are the union of `tagged` and `--reviews`; when
/// both are empty, the works typed as reviews.
pub fn build_matrix(args: &Args, corpus: Option<&Corpus>, tagged: &[String]) -> Result<OverlapMatrix> {
    let inclusion = match &args.include {
        Some(p) => {
            Some(citemap::ingest::inclusion::parse_inclusion_list(&p.display().to_string(), &text(p)?))
        }
        None => None,
    };
    if let Some(list) = &inclusion {
        if let Some(d) = list.diagnostics.iter().find(|d| d.severity == Severity::Error) {
            bail!("{d}");
        }
    }
    let mut m = if let Some(path) = &args.matrix {
        let label = path.display().to_string();
        let cm = matrix::read_bytes(&label, &read(path)?)?;
        let mut m = OverlapMatrix::from_citation_matrix(&cm);
        if let Some(list) = &inclusion {
            m.diagnostics.extend(list.diagnostics.iter().cloned());
            for (review, f) in &list.fields {
                if !m.set_review_fields(review, f.search_date, f.year, f.amstar) {
                    m.diagnostics.push(citemap::model::Diagnostic::warning(
                        citemap::model::Provenance::new(&list.input, 0, None),
                        format!("review {review:?} is not a column of the matrix"),
                    ));
                }
            }
        }
        m
    } else {
        let Some(corpus) = corpus else { bail!("no corpus: ingest inputs first, or give --matrix FILE") };
        let mut entries: Vec<citemap::ingest::inclusion::ListEntry> = tagged
            .iter()
            .map(|t| citemap::ingest::inclusion::ListEntry { line: 0, raw: t.clone() })
            .collect();
        let (mut ids, mut diags) = ov_corpus::resolve_review_list(corpus, "review tags", &entries);
        if let Some(p) = &args.reviews {
            entries = citemap::ingest::inclusion::parse_review_list(&text(p)?);
            let (more, d) = ov_corpus::resolve_review_list(corpus, &p.display().to_string(), &entries);
            ids.extend(more);
            diags.extend(d);
        }
        if tagged.is_empty() && args.reviews.is_none() {
            ids = ov_corpus::reviews_by_doc_type(corpus);
        }
        if ids.is_empty() {
            bail!("no reviews: tag them (citemap tag review WORK...), give --reviews LIST, or ingest records typed as reviews");
        }
        let mut m = ov_corpus::from_corpus(corpus, &ids, inclusion.as_ref());
        m.diagnostics.splice(0..0, diags);
        m
    };
    if args.merge_duplicate_studies {
        m.merge_exact_duplicates();
    }
    if args.structural_missing_from_dates {
        m.mark_missing_from_dates();
    }
    Ok(m)
}

/// Writes every output file for `report` into `dir`: `matrix.csv`,
/// `studies.csv`, `reviews.csv`, `pairs.csv`, `overlap.json`, `heatmap.svg`,
/// `heatmap.png`, `review_study.dot`, `review_study.graphml`.
pub fn write_outputs(report: &OverlapReport, dir: &Path, unadjusted: bool) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    type Writer = fn(&OverlapReport, &mut dyn Write) -> std::io::Result<()>;
    let tables: [(&str, Writer); 5] = [
        ("matrix.csv", export::umbrella::write_matrix_csv),
        ("studies.csv", export::umbrella::write_studies_csv),
        ("reviews.csv", export::umbrella::write_reviews_csv),
        ("pairs.csv", export::umbrella::write_pairs_csv),
        ("overlap.json", export::umbrella::write_json),
    ];
    for (name, write) in tables {
        let mut buf = Vec::new();
        write(report, &mut buf).with_context(|| format!("writing {name}"))?;
        save(dir, name, &buf)?;
    }
    let opts = heatmap::Options { adjusted: !unadjusted, ..heatmap::Options::default() };
    save(dir, "heatmap.svg", heatmap::svg(report, &opts).as_bytes())?;
    save(dir, "heatmap.png", &heatmap::png(report, &opts)?)?;
    let g = umbrella::bipartite_graph(report);
    let mut buf = Vec::new();
    export::dot::write(&g, &mut buf, &export::dot::Options::default()).context("writing review_study.dot")?;
    save(dir, "review_study.dot", &buf)?;
    let mut buf = Vec::new();
    export::graphml::write(&g, &mut buf, &export::graphml::Options::default())
        .context("writing review_study.graphml")?;
    save(dir, "review_study.graphml", &buf)?;
    Ok(())
}

/// Runs `citemap overlap`: builds the matrix, computes the report, writes the
/// outputs and prints the JSON report (`--json`) or a short summary with the
/// diagnostics to `out`.
pub fn run(
    args: &Args,
    corpus: Option<&Corpus>,
    tagged: &[String],
    out: &mut dyn Write,
) -> Result<OverlapReport> {
    let m = build_matrix(args, corpus, tagged)?;
    let report = umbrella::compute(&m);
    write_outputs(&report, &args.out, args.unadjusted)?;
    if args.json {
        export::umbrella::write_json(&report, out)?;
    } else {
        let s = &report.summary;
        let show = |v: Option<f64>| v.map_or("NA".to_string(), |v| format!("{}%", umbrella::percent(v)));
        writeln!(
            out,
            "{} reviews, {} primary studies, {} inclusions, {} structurally missing cells",
            s.n_reviews, s.n_studies, s.n_inclusions, s.n_missing
        )?;
        writeln!(
            out,
            "studies in one review: {}, in two or more: {}",
            s.n_single_review_studies, s.n_multi_review_studies
        )?;
        writeln!(
            out,
            "CA {}  CCA {} ({})  CCA ignoring missingness {}",
            show(s.covered_area),
            show(s.cca),
            s.band.map_or("NA", |b| b.as_str()),
            show(s.cca_unadjusted)
        )?;
        writeln!(out, "bands: {}", umbrella::BAND_SOURCE)?;
        for d in &report.diagnostics {
            writeln!(out, "{d}")?;
        }
        writeln!(out, "wrote {}", args.out.display())?;
    }
    Ok(report)
}
