//! Writers for umbrella-review overlap results ([`OverlapReport`]): the
//! citation matrix, studies (with their reports), reviews (with per-review
//! fields and single/total), the pairwise table as CSV, and the whole report
//! as JSON. The review <-> study graph goes through the ordinary DOT/GraphML
//! writers via [`bipartite_graph`](crate::analysis::umbrella::bipartite_graph).
//!
//! **Invariant:** rows follow the report's order (reviews sorted by label,
//! studies in input order) and floats use [`format_float`], so the same report
//! gives byte-identical files. The matrix CSV uses the GROOVE/ccaR layout the
//! matrix reader accepts (`1`, `0`, `X`), so it reads back to the same figures.

use crate::analysis::umbrella::{percent, Band, OverlapReport};
use crate::graph::format_float;
use std::io::{self, Write};

fn csv_err(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn opt_float(f: Option<f64>) -> String {
    f.map(format_float).unwrap_or_default()
}

fn opt_percent(f: Option<f64>) -> String {
    f.map(percent).unwrap_or_default()
}

fn opt_band(b: Option<Band>) -> String {
    b.map(|b| b.as_str().to_string()).unwrap_or_default()
}

/// Spreadsheet programs run cells starting with `=`, `+`, `-` or `@` as
/// formulas; a leading apostrophe keeps such a label as text.
fn cell_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Writes the citation matrix: `study` then one column per review, cells
/// `1`/`0`/`X`, `;` separated as in GROOVE and ccaR.
pub fn write_matrix_csv(report: &OverlapReport, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::WriterBuilder::new().delimiter(b';').from_writer(w);
    let m = &report.matrix;
    let mut header = vec!["study".to_string()];
    header.extend(m.reviews.iter().map(|r| cell_text(&r.label)));
    out.write_record(&header).map_err(csv_err)?;
    for (i, s) in m.studies.iter().enumerate() {
        let mut row = vec![cell_text(&s.label)];
        row.extend((0..m.reviews.len()).map(|j| m.cell(i, j).as_str().to_string()));
        out.write_record(&row).map_err(csv_err)?;
    }
    out.flush()
}

/// Writes one row per study: label, id, year, number of reviews including it,
/// and its reports (`; `-joined labels and work ids).
pub fn write_studies_csv(report: &OverlapReport, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["study", "id", "year", "n_reviews", "n_reports", "reports", "report_works"])
        .map_err(csv_err)?;
    for (i, s) in report.matrix.studies.iter().enumerate() {
        let labels: Vec<&str> = s.reports.iter().map(|r| r.label.as_str()).collect();
        let works: Vec<&str> = s.reports.iter().filter_map(|r| r.work.as_deref()).collect();
        out.write_record([
            cell_text(&s.label),
            s.id.clone(),
            s.date.map(|d| d.year.to_string()).unwrap_or_default(),
            report.study_counts.get(i).copied().unwrap_or(0).to_string(),
            s.reports.len().to_string(),
            cell_text(&labels.join("; ")),
            works.join("; "),
        ])
        .map_err(csv_err)?;
    }
    out.flush()
}

/// Writes one row per review: size, single (studies only it includes),
/// `single/total` as on the heatmap diagonal, missing cells, and the
/// per-review fields (search date, publication year, AMSTAR 2 rating).
pub fn write_reviews_csv(report: &OverlapReport, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "review",
        "id",
        "size",
        "single",
        "single_total",
        "missing",
        "search_date",
        "year",
        "amstar2",
    ])
    .map_err(csv_err)?;
    for r in &report.reviews {
        out.write_record([
            cell_text(&r.label),
            r.id.clone(),
            r.size.to_string(),
            r.single.to_string(),
            format!("{}/{}", r.single, r.size),
            r.missing.to_string(),
            r.search_date.map(|d| d.to_string()).unwrap_or_default(),
            r.year.map(|y| y.to_string()).unwrap_or_default(),
            r.amstar.map(|a| a.as_str().to_string()).unwrap_or_default(),
        ])
        .map_err(csv_err)?;
    }
    out.flush()
}

/// Writes the pairwise table: for every pair, overlap, N, r, X, CCA (fraction,
/// percent, band) with and without structural missingness, both
/// containments and the overlap coefficient. The band source is in the
/// report and the JSON; the header names the bands' scale.
pub fn write_pairs_csv(report: &OverlapReport, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "review_a",
        "review_b",
        "overlap",
        "n",
        "r",
        "x",
        "cca",
        "cca_percent",
        "band_pieper2014",
        "cca_unadjusted",
        "cca_unadjusted_percent",
        "band_unadjusted_pieper2014",
        "containment_a_in_b",
        "containment_b_in_a",
        "overlap_coefficient",
    ])
    .map_err(csv_err)?;
    for p in &report.pairs {
        out.write_record([
            cell_text(&p.a_label),
            cell_text(&p.b_label),
            p.overlap.to_string(),
            p.n.to_string(),
            p.r.to_string(),
            p.x.to_string(),
            opt_float(p.cca),
            opt_percent(p.cca),
            opt_band(p.band),
            opt_float(p.cca_unadjusted),
            opt_percent(p.cca_unadjusted),
            opt_band(p.band_unadjusted),
            opt_float(p.containment_a_in_b),
            opt_float(p.containment_b_in_a),
            opt_float(p.overlap_coefficient),
        ])
        .map_err(csv_err)?;
    }
    out.flush()
}

/// Writes the whole report as pretty JSON (every figure, the matrix, the
/// band source and the diagnostics).
pub fn write_json(report: &OverlapReport, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report).map_err(io::Error::other)?;
    w.write_all(b"\n")
}
