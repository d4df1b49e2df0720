//! Overlap heatmap of an umbrella review, as in ccaR / GROOVE: one row and
//! one column per review, the upper triangle coloured by the CCA band of
//! each pair with the percentage printed, the diagonal showing
//! `single/total` (studies only that review includes / its size), review
//! labels on both axes with their per-review fields, and a legend with the
//! bands and their source (Pieper et al. 2014).
//!
//! [`svg`] writes the SVG by hand (every text escaped); [`png`] rasterises it
//! with the embedded font through [`raster::svg_to_png`].

use crate::analysis::umbrella::{percent, Band, OverlapReport, BAND_SOURCE};
use crate::escape::xml as escape;
use crate::render::raster::{self, FONT_FAMILY};
use std::fmt::Write as _;

/// Heatmap settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Use CCA adjusted for structural missingness (true) or treat missing
    /// cells as not included (false).
    pub adjusted: bool,
    /// Title above the picture; `None` writes the overall CCA.
    pub title: Option<String>,
    /// Side of one cell in pixels.
    pub cell: f64,
    /// PNG scale (1.0 = SVG pixels).
    pub scale: f32,
}

impl Default for Options {
    fn default() -> Self {
        Options { adjusted: true, title: None, cell: 56.0, scale: 2.0 }
    }
}

/// Fill colour of a band.
pub fn band_colour(band: Band) -> &'static str {
    match band {
        Band::Slight => "#fff5cc",
        Band::Moderate => "#fecc5c",
        Band::High => "#fd8d3c",
        Band::VeryHigh => "#e31a1c",
    }
}

/// Rough text width in pixels for DejaVu Sans at `size` (for layout only).
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

/// The heatmap as an SVG document.
pub fn svg(report: &OverlapReport, opts: &Options) -> String {
    let reviews = &report.reviews;
    let infos = &report.matrix.reviews;
    let c = reviews.len();
    let cell = if opts.cell.is_finite() && opts.cell >= 20.0 { opts.cell } else { 56.0 };
    let fields: Vec<String> = infos.iter().map(|r| r.fields_text()).collect();
    let label_w = reviews
        .iter()
        .zip(&fields)
        .map(|(r, f)| text_width(&r.label, 12.0).max(text_width(f, 9.0)))
        .fold(60.0, f64::max)
        + 12.0;
    let col_label_h = reviews.iter().map(|r| text_width(&r.label, 12.0)).fold(40.0, f64::max) + 12.0;
    let title_h = 34.0;
    let left = label_w + 10.0;
    let top = title_h + col_label_h;
    let grid = cell * c as f64;
    let legend_h = 120.0;
    let overall = if opts.adjusted { report.summary.cca } else { report.summary.cca_unadjusted };
    let title = opts.title.clone().unwrap_or_else(|| {
        let value = overall.map_or("NA".to_string(), |v| format!("{}%", percent(v)));
        let band = overall.map(|v| format!(" ({})", Band::of(v).as_str())).unwrap_or_default();
        let kind = if opts.adjusted && report.summary.n_missing > 0 {
            "adjusted for structural missingness"
        } else if opts.adjusted {
            "no structural missingness"
        } else {
            "missing cells counted as 0"
        };
        format!(
            "Overall CCA {value}{band}, {kind}: N={}, r={}, c={}, X={}",
            report.summary.n_inclusions,
            report.summary.n_studies,
            report.summary.n_reviews,
            if opts.adjusted { report.summary.n_missing } else { 0 }
        )
    });
    let width = (left + grid + 20.0).max(620.0).max(text_width(&title, 14.0) + 20.0);
    let height = top + grid + legend_h;
    let font = escape(FONT_FAMILY);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="{font}">
<rect width="100%" height="100%" fill="#ffffff"/>
"##,
        w = width.ceil(),
        h = height.ceil()
    );
    let _ = writeln!(s, r##"<text x="10" y="22" font-size="14" fill="#000000">{}</text>"##, escape(&title));
    // Column labels, rotated, above the grid.
    for (j, r) in reviews.iter().enumerate() {
        let x = left + cell * j as f64 + cell / 2.0 + 4.0;
        let y = top - 6.0;
        let _ = writeln!(
            s,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="12" fill="#000000" transform="rotate(-90 {x:.1} {y:.1})">{}</text>"##,
            escape(&r.label)
        );
    }
    // Row labels with per-review fields.
    for (i, r) in reviews.iter().enumerate() {
        let y = top + cell * i as f64 + cell / 2.0;
        let f = fields.get(i).map(String::as_str).unwrap_or("");
        let dy = if f.is_empty() { 4.0 } else { -2.0 };
        let _ = writeln!(
            s,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="12" fill="#000000" text-anchor="end">{}</text>"##,
            escape(&r.label),
            x = left - 6.0,
            y = y + dy
        );
        if !f.is_empty() {
            let _ = writeln!(
                s,
                r##"<text x="{x:.1}" y="{y:.1}" font-size="9" fill="#444444" text-anchor="end">{}</text>"##,
                escape(f),
                x = left - 6.0,
                y = y + 11.0
            );
        }
    }
    // Cells.
    for (i, ri) in reviews.iter().enumerate() {
        for j in 0..c {
            let x = left + cell * j as f64;
            let y = top + cell * i as f64;
            let (fill, text, text_fill) = if i == j {
                ("#d9d9d9".to_string(), format!("{}/{}", ri.single, ri.size), "#000000")
            } else if i < j {
                let p = report.pairs.iter().find(|p| p.a == i && p.b == j);
                let v = p.and_then(|p| if opts.adjusted { p.cca } else { p.cca_unadjusted });
                match v {
                    Some(v) => {
                        let band = Band::of(v);
                        let tf = if band == Band::VeryHigh { "#ffffff" } else { "#000000" };
                        (band_colour(band).to_string(), format!("{}%", percent(v)), tf)
                    }
                    None => ("#eeeeee".to_string(), "NA".to_string(), "#000000"),
                }
            } else {
                continue;
            };
            let _ = writeln!(
                s,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{cell:.1}" height="{cell:.1}" fill="{fill}" stroke="#ffffff" stroke-width="1"/>"##
            );
            let _ = writeln!(
                s,
                r##"<text x="{tx:.1}" y="{ty:.1}" font-size="11" fill="{text_fill}" text-anchor="middle">{}</text>"##,
                escape(&text),
                tx = x + cell / 2.0,
                ty = y + cell / 2.0 + 4.0
            );
        }
    }
    // Legend.
    let ly = top + grid + 24.0;
    let _ = writeln!(
        s,
        r##"<text x="10" y="{ly:.1}" font-size="12" fill="#000000">Pairwise CCA (upper triangle); diagonal: studies only in that review / review size</text>"##
    );
    let mut lx = 10.0;
    for band in Band::ALL {
        let label = format!("{} {}", band.range(), band.as_str());
        let _ = writeln!(
            s,
            r##"<rect x="{lx:.1}" y="{y:.1}" width="16" height="16" fill="{}" stroke="#999999" stroke-width="0.5"/>"##,
            band_colour(band),
            y = ly + 10.0
        );
        let _ = writeln!(
            s,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="11" fill="#000000">{}</text>"##,
            escape(&label),
            x = lx + 22.0,
            y = ly + 22.0
        );
        lx += 22.0 + text_width(&label, 11.0) + 18.0;
    }
    // The source, wrapped to the picture width.
    let max_chars = ((width - 20.0) / (9.0 * 0.6)).max(40.0) as usize;
    let mut lines = vec![String::from("Bands: ")];
    for word in BAND_SOURCE.split(' ') {
        let cur = lines.last_mut().expect("lines is never empty");
        if cur.chars().count() + word.len() + 1 > max_chars && !cur.is_empty() {
            lines.push(word.to_string());
        } else {
            if !cur.is_empty() && !cur.ends_with(' ') {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    for (k, line) in lines.iter().enumerate() {
        let _ = writeln!(
            s,
            r##"<text x="10" y="{y:.1}" font-size="9" fill="#444444">{}</text>"##,
            escape(line),
            y = ly + 48.0 + 12.0 * k as f64
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The heatmap as PNG bytes (embedded font, same picture on every machine).
pub fn png(report: &OverlapReport, opts: &Options) -> Result<Vec<u8>, raster::Error> {
    raster::svg_to_png(&svg(report, opts), opts.scale)
}
