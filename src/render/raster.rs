//! SVG -> PNG through resvg with the embedded DejaVu Sans font, so a PNG is
//! the same on every machine (no system fonts are consulted).
//!
//! resvg draws no text at all when no font matches, so every generic family
//! (serif, sans-serif, monospace, cursive, fantasy) is pointed at DejaVu Sans.

use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// Why rasterisation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The SVG could not be parsed.
    #[error("invalid svg: {0}")]
    Svg(String),
    /// The requested picture is empty or too large to allocate.
    #[error("cannot allocate a {0}x{1} picture")]
    Size(u32, u32),
    /// PNG encoding failed.
    #[error("png encoding failed: {0}")]
    Png(String),
}

/// The family name of the embedded font; use it in `font-family` attributes.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Largest width or height in pixels a PNG may have (bounded memory).
pub const MAX_SIDE: u32 = 16_384;

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(dejavu::sans::regular().to_vec());
        db.load_font_data(dejavu::sans::bold().to_vec());
        db.load_font_data(dejavu::sans::oblique().to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        db.set_serif_family(FONT_FAMILY);
        db.set_monospace_family(FONT_FAMILY);
        db.set_cursive_family(FONT_FAMILY);
        db.set_fantasy_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Renders `svg` to PNG bytes at `scale` (1.0 = the SVG's own pixel size).
///
/// The picture is clamped to [`MAX_SIDE`] pixels per side.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, Error> {
    let opt =
        usvg::Options { fontdb: fontdb(), font_family: FONT_FAMILY.to_string(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| Error::Svg(e.to_string()))?;
    let size = tree.size();
    let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
    let max_side = size.width().max(size.height()) * scale;
    let scale = if max_side > MAX_SIDE as f32 { scale * MAX_SIDE as f32 / max_side } else { scale };
    let w = (size.width() * scale).ceil().max(1.0) as u32;
    let h = (size.height() * scale).ceil().max(1.0) as u32;
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(Error::Size(w, h))?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| Error::Png(e.to_string()))
}

/// Records `dpi` in a PNG (a `pHYs` chunk right after `IHDR`, pixels per
/// metre), so layout programs place the picture at its print size. Bytes
/// that are not a PNG with an `IHDR` first are returned unchanged.
pub fn with_dpi(png: Vec<u8>, dpi: f32) -> Vec<u8> {
    const SIG: usize = 8;
    // Signature, then IHDR: length (4) + "IHDR" (4) + 13 bytes + CRC (4).
    let ihdr_end = SIG + 4 + 4 + 13 + 4;
    if !(dpi.is_finite() && dpi > 0.0) || png.len() < ihdr_end || png.get(SIG + 4..SIG + 8) != Some(b"IHDR") {
        return png;
    }
    let ppm = (dpi as f64 / 0.0254).round().clamp(1.0, u32::MAX as f64) as u32;
    let mut body = Vec::with_capacity(13);
    body.extend_from_slice(b"pHYs");
    body.extend_from_slice(&ppm.to_be_bytes());
    body.extend_from_slice(&ppm.to_be_bytes());
    body.push(1); // unit: metre
    let mut crc = flate2::Crc::new();
    crc.update(&body);
    let mut out = Vec::with_capacity(png.len() + 21);
    out.extend_from_slice(&png[..ihdr_end]);
    out.extend_from_slice(&9u32.to_be_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out.extend_from_slice(&png[ihdr_end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_with_the_embedded_font() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">
            <rect width="200" height="60" fill="#ffffff"/>
            <text x="10" y="40" font-family="sans-serif" font-size="30" fill="#000000">Hayes</text></svg>"##;
        let png = svg_to_png(svg, 1.0).expect("renders");
        let pix = tiny_skia::Pixmap::decode_png(&png).expect("decodes");
        let dark = pix.pixels().iter().filter(|p| p.red() < 100).count();
        assert!(dark > 100, "text pixels drawn: {dark}");
    }

    #[test]
    fn bad_svg_is_an_error() {
        assert!(matches!(svg_to_png("<svg", 1.0), Err(Error::Svg(_))));
    }
}
