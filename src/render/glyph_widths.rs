//! Glyph advance widths of the embedded DejaVu Sans, read from the font's own
//! `cmap` (format 4) and `hmtx` tables, so label boxes measured here match the
//! text resvg draws.
//!
//! Kerning is ignored (DejaVu's kerning only narrows text), so measured widths
//! are a safe upper bound for collision boxes.

use std::sync::OnceLock;

/// Advance widths of one face for every BMP code point, in font units.
struct Face {
    units_per_em: f32,
    advances: Vec<u16>,
}

fn u16_at(d: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(off)?, *d.get(off + 1)?]))
}

fn u32_at(d: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*d.get(off)?, *d.get(off + 1)?, *d.get(off + 2)?, *d.get(off + 3)?]))
}

fn table(d: &[u8], tag: &[u8; 4]) -> Option<usize> {
    let n = u16_at(d, 4)? as usize;
    (0..n).find_map(|i| {
        let rec = 12 + 16 * i;
        (d.get(rec..rec + 4)? == tag).then(|| u32_at(d, rec + 8).map(|o| o as usize)).flatten()
    })
}

/// Calls `f(code point, glyph id)` for every code point a format 4 subtable
/// at `sub` maps, segment by segment (linear in the mapped code points).
fn each_glyph(d: &[u8], sub: usize, mut f: impl FnMut(u16, u16)) -> Option<()> {
    let seg_x2 = u16_at(d, sub + 6)? as usize;
    let ends = sub + 14;
    let starts = ends + seg_x2 + 2;
    let deltas = starts + seg_x2;
    let ranges = deltas + seg_x2;
    for s in (0..seg_x2).step_by(2) {
        let (start, end) = (u16_at(d, starts + s)?, u16_at(d, ends + s)?);
        let delta = u16_at(d, deltas + s)?;
        let ro = u16_at(d, ranges + s)? as usize;
        for c in start..=end.max(start) {
            let g = if ro == 0 {
                c.wrapping_add(delta)
            } else {
                match u16_at(d, ranges + s + ro + 2 * (c - start) as usize) {
                    Some(0) | None => 0,
                    Some(g) => g.wrapping_add(delta),
                }
            };
            f(c, g);
            if c == u16::MAX {
                break;
            }
        }
    }
    Some(())
}

fn parse(d: &[u8]) -> Option<Face> {
    let head = table(d, b"head")?;
    let units_per_em = u16_at(d, head + 18)? as f32;
    let hhea = table(d, b"hhea")?;
    let n_metrics = u16_at(d, hhea + 34)? as usize;
    let hmtx = table(d, b"hmtx")?;
    let advance = |g: u16| -> u16 {
        let g = (g as usize).min(n_metrics.saturating_sub(1));
        u16_at(d, hmtx + 4 * g).unwrap_or(0)
    };
    let cmap = table(d, b"cmap")?;
    let n_sub = u16_at(d, cmap + 2)? as usize;
    let sub = (0..n_sub).find_map(|i| {
        let rec = cmap + 4 + 8 * i;
        let (pid, eid) = (u16_at(d, rec)?, u16_at(d, rec + 2)?);
        let off = cmap + u32_at(d, rec + 4)? as usize;
        ((pid == 3 && eid == 1 || pid == 0 && eid == 3) && u16_at(d, off)? == 4).then_some(off)
    })?;
    let notdef = advance(0);
    let mut advances = vec![notdef; 1 << 16];
    each_glyph(d, sub, |c, g| advances[c as usize] = advance(g))?;
    Some(Face { units_per_em: units_per_em.max(1.0), advances })
}

fn face(bold: bool) -> Option<&'static Face> {
    static REGULAR: OnceLock<Option<Face>> = OnceLock::new();
    static BOLD: OnceLock<Option<Face>> = OnceLock::new();
    if bold {
        BOLD.get_or_init(|| parse(dejavu::sans::bold())).as_ref()
    } else {
        REGULAR.get_or_init(|| parse(dejavu::sans::regular())).as_ref()
    }
}

/// Width in pixels of `text` set in DejaVu Sans (bold when `bold`) at `size` pixels.
///
/// Characters outside the Basic Multilingual Plane count as one em.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let Some(f) = face(bold) else {
        // The embedded font always parses; this is a conservative fallback.
        return text.chars().count() as f32 * size * 0.65;
    };
    let units: f32 = text
        .chars()
        .map(|c| match u16::try_from(c as u32) {
            Ok(c) => f.advances.get(c as usize).copied().unwrap_or(0) as f32,
            Err(_) => f.units_per_em,
        })
        .sum();
    units / f.units_per_em * size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_match_dejavu_metrics() {
        // DejaVu Sans: 'M' advance 1767/2048 em, 'i' 569/2048, space 651/2048.
        assert!((text_width("M", 2048.0, false) - 1767.0).abs() < 0.5);
        assert!((text_width("i", 2048.0, false) - 569.0).abs() < 0.5);
        assert!((text_width(" ", 2048.0, false) - 651.0).abs() < 0.5);
        assert!(text_width("Hayes", 12.0, true) > text_width("Hayes", 12.0, false));
        assert!(text_width("WWW", 10.0, false) > text_width("iii", 10.0, false));
        assert!(text_width("é", 10.0, false) > 0.0);
    }
}
